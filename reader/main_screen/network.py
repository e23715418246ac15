"""The main screen's network side: background refresh, day pager fetches, remote search, links.

Every request runs in an async worker over the one shared PapersClient; failures become a calm
status line (never a modal) and the app keeps working from the cache.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
from collections.abc import Sequence
from concurrent.futures import Future
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from textual.content import Content
from textual.timer import Timer
from textual.worker import get_current_worker

from reader.days import Span, page
from reader.hub.errors import HubError, NetworkError
from reader.tuning import short_switches
from reader.views import DAY, LATEST, MONTH, WEEK, view_span
from reader.words import count

if TYPE_CHECKING:
    from reader.hub.client import PapersClient
    from reader.screens.main import MainScreen


PROBE_TIMEOUT_S = 2.0
_PROXY_VARS = ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY",
               "all_proxy")


def _clock_text(when: dt.datetime, today: dt.date | None = None) -> str:
    """``08:12 today``, ``08:12 yesterday`` or ``2026-11-29 08:12`` (local time)."""
    local = when.astimezone()
    today = today or dt.datetime.now().astimezone().date()
    if local.date() == today:
        return f"{local:%H:%M} today"
    if local.date() == today - dt.timedelta(days=1):
        return f"{local:%H:%M} yesterday"
    return f"{local:%Y-%m-%d %H:%M}"


_TEXT_FIELDS = ("title", "author", "abstract", "kw", "org", "note")
_OTHER_FIELDS = ("id", "tag", "upvotes", "stars", "comments", "authors", "date", "after",
                 "before", "age", "is", "has", "sort")


def plain_words(text: str) -> tuple[str, bool]:
    """The words Hugging Face search understands, and whether field terms or operators had to
    go (``kw:diffusion -survey`` -> ``diffusion``; ``author:hinton`` keeps ``hinton``)."""
    words: list[str] = []
    changed = False
    for token in text.split():
        name, colon, value = token.partition(":")
        field = name.lower().lstrip("-")
        if token.startswith("-") and len(token) > 1 or token.upper() in ("OR", "NOT", "|"):
            changed = True
            continue
        if colon and field in _OTHER_FIELDS:
            changed = True
            continue
        if colon and field in _TEXT_FIELDS:
            changed = True
            token = value.strip('"')
        if token:
            words.append(token)
    return " ".join(words), changed


def _one_line(exc: Exception) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def _days_of(span: Span) -> list[dt.date]:
    return [span.lo + dt.timedelta(days=i) for i in range((span.hi - span.lo).days + 1)]


def _all_network(errors: Sequence[Exception]) -> bool:
    return bool(errors) and all(isinstance(e, NetworkError) for e in errors)


class Network:
    """Starts and reports the network workers of one MainScreen."""

    def __init__(self, screen: MainScreen) -> None:
        self.screen = screen
        self.online: bool | None = None  # None until the first refresh says
        self.last_refresh: str | None = None
        self._timer: Timer | None = None
        # The right side of the status line belongs to the refresh: a search only borrows it.
        self._refresh_status: tuple[str, str, str | None] = ("", "", None)
        self.new_count: int | None = None  # unread papers new since the last visit
        self._failed: list[str] = []  # what the last successful refresh could not fetch
        self._offered_month = False
        self._client: asyncio.Future[PapersClient | None] | None = None  # see client()

    @property
    def client_ok(self) -> bool:
        return self.screen.online

    async def client(self) -> PapersClient:
        """The app's client, for a network worker. The first call makes it, with httpx's
        first-request imports, in a thread (~0.2 s the UI loop must not wait), and every
        worker waits for that one: the first refresh, or a linked-repos fetch that a slow
        start lets come first, would otherwise make it on the UI loop."""
        future = self._client
        if future is None:
            future = self._client = asyncio.ensure_future(
                asyncio.to_thread(_client_ready, self.screen.app))
        try:
            client = await asyncio.shield(future)  # a cancelled worker leaves it to the others
        except Exception:
            if self._client is future:
                self._client = None  # the next worker tries again
            raise
        assert client is not None  # client_ok: the app is online
        return client

    def status(self, text: str, *, style: str = "", tooltip: str | None = None,
               lasting: bool = True) -> None:
        """Say ``text`` on the right of the status line; ``lasting``: the refresh's state,
        shown again once a passing message (a search under way) is over."""
        line = self.screen.status
        line.show_network(text, style=style)
        line.tooltip = Content(tooltip) if tooltip else None
        if lasting:
            self._refresh_status = (text, style, tooltip)

    def restore_status(self) -> None:
        text, style, tooltip = self._refresh_status
        self.status(text, style=style, tooltip=tooltip)

    def cache_time(self) -> str | None:
        """When the cache last changed (a merge that changes papers rewrites their months)."""
        papers = self.screen.controller.cache.papers_dir
        try:
            stamp = max(p.stat().st_mtime for p in papers.iterdir())
        except (OSError, ValueError):
            return None
        return _clock_text(dt.datetime.fromtimestamp(stamp, dt.UTC))

    def start(self, *, empty: bool) -> None:
        """After the first full load: refresh now and every ``refresh_minutes``."""
        if not self.client_ok:
            self.status("offline (--offline)", style="dim")
            if empty:
                self.screen.show_empty()
            return
        self.refresh()
        if empty:
            self.screen.run_worker(self._probe(), group="probe", exclusive=True,
                                   exit_on_error=False, description="check the network")
        minutes = self.screen.controller.config.refresh_minutes
        if minutes and self._timer is None:
            self._timer = self.screen.set_interval(minutes * 60, self.refresh)

    async def _probe(self) -> None:
        """An empty cache: find out at once whether the Papers API can be reached at all.

        The refresh retries each request with growing pauses (seconds before it gives up);
        a first-time user with no network should hear why the screen is empty sooner. One
        connection attempt (without a proxy in the way) tells; the refresh goes on anyway,
        and papers that arrive later replace the explanation."""
        if any(os.environ.get(name) for name in _PROXY_VARS):
            return
        client = await self.client()
        endpoint = urlsplit(getattr(client, "endpoint", "") or "")
        if not endpoint.hostname:
            return
        port = endpoint.port or (443 if endpoint.scheme == "https" else 80)
        try:
            _reader, writer = await asyncio.wait_for(
                asyncio.open_connection(endpoint.hostname, port), PROBE_TIMEOUT_S)
        except (OSError, TimeoutError):
            if not self.screen.controller.data.records and self.online is not True:
                self.online = False
                self.status("offline", style="$warning")
                self.screen.show_empty()
            return
        writer.close()

    # --- refresh ---------------------------------------------------------------------------

    def refresh(self) -> None:
        if not self.client_ok:
            self.screen.notify("Started with --offline: no network use.", timeout=3)
            return
        self.screen.run_worker(self._refresh(), group="refresh", exclusive=True,
                               exit_on_error=False, description="refresh")

    async def _refresh(self) -> None:
        screen = self.screen
        # The first time, importing httpx, making its client (an SSL context) and the imports
        # of its first request take ~0.2 s: in a thread, not on the event loop.
        client = await self.client()
        self.status("refreshing…", style="dim")

        over = False

        def progress(label: str, done: int, total: int) -> None:
            if not over:  # fetches still running after a failure must not say "refreshing"
                self.status(f"refreshing {done}/{total}…", style="dim")

        try:
            # Its threads parse, merge and write while the user keeps reading: the event loop's
            # thread gets the interpreter lock back within 0.5 ms of asking, not 5.
            with short_switches():
                report = await screen.controller.refresh(client, progress)
        except Exception as exc:
            # Whatever broke (a parse bug, a full disk), the refresh is over: say so, then let
            # the app's worker-error handler log it and show the toast.
            over = True
            self.status("refresh failed", style="$warning", tooltip=_one_line(exc))
            raise
        if get_current_worker().is_cancelled:
            return
        now = screen.controller.clock()
        when = _clock_text(now, now.astimezone().date())  # local time, not the feed's day
        if report.ok == 0 and report.failed:
            self.online = False if _all_network(report.errors) else self.online
            what = "offline" if _all_network(report.errors) else "refresh failed"
            if self.last_refresh:
                since = f" · last refresh {self.last_refresh}"
            else:
                cached = self.cache_time() if screen.controller.data.records else None
                since = f" · cache from {cached}" if cached else ""
            self.status(what + since, style="$warning", tooltip="\n".join(report.failed))
            if not screen.controller.data.records:
                screen.show_empty()
            return
        self.online = True
        self.last_refresh = when
        self._failed = list(report.failed)
        self.show_updated()
        screen.load_data("reload")

    def _offer_month(self) -> None:
        """A first run fetches a week: say once how to get older papers."""
        screen = self.screen
        if screen.short_cache():
            days = count(len(screen.controller.data.days), "listing day")
            screen.notify(f"The cache holds {days}. For a month of papers run "
                          "`paper-reader sync --days 30` in a shell.", timeout=8,
                          markup=False)

    def show_updated(self) -> None:
        """``updated 08:12 today · 12 new`` (new since the last visit, as the rows mark them)."""
        if self.last_refresh is None or self.online is not True:
            return
        text = f"updated {self.last_refresh}"
        if self.new_count:
            text += f" · {self.new_count:,} new"
        if self._failed:
            text += f" · {len(self._failed)} failed"
        self.status(text, style="dim", tooltip="\n".join(self._failed) or None)

    def set_new(self, new: int) -> None:
        """The papers were (re)loaded: ``new`` of them are new since the last visit."""
        self.new_count = new
        self.show_updated()
        if self.last_refresh is not None and not self._offered_month:
            self._offered_month = True
            self._offer_month()

    # --- day pager -------------------------------------------------------------------------

    def step_day(self, step: int) -> None:
        """``[``/``]``: page from what is on screen. The Week and Month views move by an ISO
        week or a month; every other view moves the Day view one day from the day shown (the
        newest listing day for views that are not one day). Missing days are fetched."""
        screen, c = self.screen, self.screen.controller
        today = c.today()
        key = screen.view_key if screen.view_key in (WEEK, MONTH, DAY) else LATEST
        span = view_span(key, c.data, today=today, day=c.day, anchors=c.anchors)
        assert span is not None
        newest = max(today, dt.date.fromisoformat(c.data.latest_day or today.isoformat()))
        moved = page(span, step, newest=newest).span
        if moved is None:
            refusal = page(span, step, newest=newest).refusal
            screen.notify(refusal[:1].upper() + refusal[1:] + ".", timeout=2, markup=False)
            return
        if key in (WEEK, MONTH):
            c.anchors[key] = moved.anchor
            screen.switch_view(key)
        else:
            c.day = moved.anchor
            screen.switch_view(DAY)
            screen.loader.day_count()
        wanted = [d.isoformat() for d in _days_of(moved) if d <= today]
        if self.client_ok:
            self.screen.run_worker(self._fetch_days(wanted, moved.text), group="day",
                                   exclusive=True, exit_on_error=False,
                                   description="fetch days")
        elif (not all(map(c.cache.day_complete, wanted))
              and not any(d in c.data.days for d in wanted)):
            self.status(f"{moved.text} is not cached (offline)", style="dim")

    async def _fetch_days(self, wanted: list[str], label: str) -> None:
        """Fetch those of ``wanted`` not fetched in full yet. Which ones is asked of the cache in
        a thread: a refresh writing the shards holds its lock (a second at 100k papers)."""
        cache = self.screen.controller.cache
        days = await asyncio.to_thread(lambda: [d for d in wanted if not cache.day_complete(d)])
        if not days or get_current_worker().is_cancelled:
            return
        if len(days) == 1:
            await self._fetch_day(days[0])
            return
        screen, client = self.screen, await self.client()
        self.status(f"fetching {label}…", style="dim")
        report = await screen.controller.fetch_days(client, days)
        if get_current_worker().is_cancelled:
            return
        if report.failed and not report.ok:
            what = "offline" if _all_network(report.errors) else f"could not fetch {label}"
            self.status(what, style="$warning", tooltip="\n".join(report.failed))
            return
        self.status(f"{label}: {report.fetched:,} papers", style="dim")
        screen.load_data("reload")

    async def _fetch_day(self, day: str) -> None:
        screen, client = self.screen, await self.client()
        self.status(f"fetching {day}…", style="dim")
        try:
            report = await screen.controller.fetch_day(client, day)
        except Exception as exc:
            self.status(f"could not fetch {day}", style="$warning", tooltip=_one_line(exc))
            raise
        if get_current_worker().is_cancelled:
            return
        if report.failed:
            what = "offline" if _all_network(report.errors) else f"could not fetch {day}"
            self.status(what, style="$warning", tooltip="\n".join(report.failed))
            return
        self.status(f"{day}: {count(report.fetched, 'paper')}", style="dim", lasting=False)
        screen.load_data("reload")

    # --- remote search ---------------------------------------------------------------------

    def search(self, text: str) -> None:
        """Search huggingface.co; offline (or with --offline) filter the cache instead."""
        if not text:
            self.screen.notify("Type what to search for after ?, then press Enter.", timeout=4)
            self.screen.filter_pane.set_text("?")
            self.screen.remove_class("-no-filter-pane")
            self.screen.filter_pane.focus_input(select_all=False)
            return
        if not self.client_ok or self.online is False:
            # Known to be offline: say so at once instead of waiting for retries to fail.
            self._search_cache(text)
            return
        words, changed = plain_words(text)
        if changed:
            self.screen.notify(f"Hugging Face search takes plain words: searching for "
                               f"{words or '(nothing)'!r}. Field terms like kw: filter the "
                               "cache (/).", timeout=6, markup=False)
        if not words:
            return
        c = self.screen.controller
        c.remember_search(words)
        if c.searches is not None:  # on the writer thread: saves in order, none lost on quit
            self.screen.run_worker(self._saved(c.writer.submit(c.searches.save)),
                                   group="save-searches", exit_on_error=False,
                                   description="save recent searches")
        self.screen.run_worker(self._search(words), group="search", exclusive=True,
                               exit_on_error=False, description="search")

    async def _saved(self, saved: Future[None]) -> None:
        """Wait for a write of the writer thread; a failure goes to the worker-error handler."""
        await asyncio.wrap_future(saved)

    def _search_cache(self, text: str) -> None:
        """Filter the view the user is in with the same words (never a view change)."""
        self.screen.notify("offline: searched the cache instead", markup=False, timeout=4)
        self.screen.filter_pane.set_text(text)
        self.screen.paper_list.focus()

    async def _search(self, text: str) -> None:
        screen, client = self.screen, await self.client()
        self.status("searching huggingface.co…", style="dim", lasting=False)
        try:
            ids = await screen.controller.remote_search(client, text)
        except NetworkError:
            self.online = False
            self.status("offline", style="$warning")
            self._search_cache(text)
            return
        except HubError as err:
            self.restore_status()
            screen.notify(f"Search failed: {err}", title="Search", severity="warning",
                          markup=False)
            return
        if get_current_worker().is_cancelled:
            return
        self.restore_status()  # the count is the Search results view's, on the left
        if not ids:
            screen.notify(f"Nothing on huggingface.co matches {text!r}.", title="Search",
                          markup=False, timeout=4)
            return
        screen.on_search_done()
        screen.load_data("reload")

    # --- linked repos ----------------------------------------------------------------------

    def linked(self, paper_id: str) -> None:
        """Fetch the models/datasets/Spaces citing a paper, once; cached for offline use."""
        c = self.screen.controller
        if not self.client_ok or c.cache.linked_get(paper_id) is not None:
            return
        self.screen.run_worker(self._linked(paper_id), group="linked", exclusive=True,
                               exit_on_error=False, description="linked repos")

    async def _linked(self, paper_id: str) -> None:
        screen, client = self.screen, await self.client()
        try:
            await screen.controller.linked(client, paper_id)
        except HubError as err:
            # Not worth a toast: the detail simply has no links yet; say it in the tooltip.
            screen.status.tooltip = Content(f"Linked repos for {paper_id}: {err}")
            return
        if screen.paper_list.cursor_id == paper_id:
            screen.show_detail(paper_id, restart_timer=False)


def _client_ready(app: object) -> PapersClient | None:
    """The app's Papers API client, made if need be, with httpx's first-request imports done
    (a thread worker: see Network._refresh)."""
    client: PapersClient | None = getattr(app, "client", None)
    if client is not None:
        from reader.hub.client import preload_http

        preload_http()
    return client
