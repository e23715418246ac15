"""The main screen's network side: background refresh, day pager fetches, remote search, links.

Every request runs in an async worker over the one shared PapersClient; failures become a calm
status line (never a modal) and the app keeps working from the cache.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from textual.content import Content
from textual.timer import Timer
from textual.worker import get_current_worker

from reader.days import Span, page
from reader.hub.errors import HubError, NetworkError
from reader.views import DAY, LATEST, MONTH, WEEK, view_span

if TYPE_CHECKING:
    from reader.screens.main import MainScreen


def _clock_text(when: dt.datetime) -> str:
    return when.astimezone().strftime("%H:%M")


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

    @property
    def client_ok(self) -> bool:
        return self.screen.online

    def status(self, text: str, *, style: str = "", tooltip: str | None = None) -> None:
        line = self.screen.status
        line.show_network(text, style=style)
        line.tooltip = Content(tooltip) if tooltip else None

    def start(self, *, empty: bool) -> None:
        """After the first full load: refresh now and every ``refresh_minutes``."""
        if not self.client_ok:
            self.status("offline (--offline)", style="dim")
            if empty:
                self.screen.show_empty()
            return
        self.refresh()
        minutes = self.screen.controller.config.refresh_minutes
        if minutes and self._timer is None:
            self._timer = self.screen.set_interval(minutes * 60, self.refresh)

    # --- refresh ---------------------------------------------------------------------------

    def refresh(self) -> None:
        if not self.client_ok:
            self.screen.notify("Started with --offline: no network use.", timeout=3)
            return
        self.screen.run_worker(self._refresh(), group="refresh", exclusive=True,
                               exit_on_error=False, description="refresh")

    async def _refresh(self) -> None:
        screen, client = self.screen, self.screen.client
        assert client is not None
        self.status("refreshing…", style="dim")

        over = False

        def progress(label: str, done: int, total: int) -> None:
            if not over:  # fetches still running after a failure must not say "refreshing"
                self.status(f"refreshing {done}/{total}…", style="dim")

        try:
            report = await screen.controller.refresh(client, progress)
        except Exception as exc:
            # Whatever broke (a parse bug, a full disk), the refresh is over: say so, then let
            # the app's worker-error handler log it and show the toast.
            over = True
            self.status("refresh failed", style="$warning", tooltip=_one_line(exc))
            raise
        if get_current_worker().is_cancelled:
            return
        when = _clock_text(screen.controller.clock())
        if report.ok == 0 and report.failed:
            self.online = False if _all_network(report.errors) else self.online
            what = "offline" if _all_network(report.errors) else "refresh failed"
            since = f" · last refresh {self.last_refresh}" if self.last_refresh else ""
            self.status(what + since, style="$warning", tooltip="\n".join(report.failed))
            if not screen.controller.data.records:
                screen.show_empty()
            return
        self.online = True
        self.last_refresh = when
        text = f"updated {when} · {report.new:,} new"
        if report.failed:
            text += f" · {len(report.failed)} failed"
        self.status(text, style="dim", tooltip="\n".join(report.failed) or None)
        screen.load_data("reload")

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
        missing = [d for d in wanted if not c.cache.day_complete(d)]
        if not missing:
            return
        if self.client_ok:
            self.screen.run_worker(self._fetch_days(missing, moved.text), group="day",
                                   exclusive=True, exit_on_error=False,
                                   description="fetch days")
        elif not any(d in c.data.days for d in wanted):
            self.status(f"{moved.text} is not cached (offline)", style="dim")

    async def _fetch_days(self, days: list[str], label: str) -> None:
        if len(days) == 1:
            await self._fetch_day(days[0])
            return
        screen, client = self.screen, self.screen.client
        assert client is not None
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
        screen, client = self.screen, self.screen.client
        assert client is not None
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
        self.status(f"{day}: {report.fetched:,} papers", style="dim")
        screen.load_data("reload")

    # --- remote search ---------------------------------------------------------------------

    def search(self, text: str) -> None:
        """Search huggingface.co; offline (or with --offline) filter the cache instead."""
        if not text:
            self.screen.notify("Type what to search for after ?, then press Enter.", timeout=4)
            self.screen.filter_pane.set_text("?")
            self.screen.filter_pane.input.focus()
            return
        if not self.client_ok:
            self._search_cache(text)
            return
        self.screen.run_worker(self._search(text), group="search", exclusive=True,
                               exit_on_error=False, description="search")

    def _search_cache(self, text: str) -> None:
        self.screen.notify("Offline: searching the cached papers instead.", markup=False)
        self.screen.switch_view("all")
        self.screen.filter_pane.set_text(text)

    async def _search(self, text: str) -> None:
        screen, client = self.screen, self.screen.client
        assert client is not None
        self.status("searching huggingface.co…", style="dim")
        try:
            ids = await screen.controller.remote_search(client, text)
        except NetworkError:
            self.online = False
            self.status("offline", style="$warning")
            self._search_cache(text)
            return
        except HubError as err:
            self.status("search failed", style="$warning", tooltip=str(err))
            screen.notify(str(err), title="Search", severity="warning", markup=False)
            return
        if get_current_worker().is_cancelled:
            return
        self.status(f"{len(ids)} search results", style="dim")
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
        screen, client = self.screen, self.screen.client
        assert client is not None
        try:
            await screen.controller.linked(client, paper_id)
        except HubError as err:
            # Not worth a toast: the detail simply has no links yet; say it in the tooltip.
            screen.status.tooltip = Content(f"Linked repos for {paper_id}: {err}")
            return
        if screen.paper_list.cursor_id == paper_id:
            screen.show_detail(paper_id, restart_timer=False)
