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

from reader.hub.errors import HubError, NetworkError
from reader.sync import FIRST_DAILY_DATE
from reader.views import DAY

if TYPE_CHECKING:
    from reader.screens.main import MainScreen


def _clock_text(when: dt.datetime) -> str:
    return when.astimezone().strftime("%H:%M")


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

        def progress(label: str, done: int, total: int) -> None:
            self.status(f"refreshing {done}/{total}…", style="dim")

        report = await screen.controller.refresh(client, progress)
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
        """Move the Day view one calendar day; fetch the day if it is not cached."""
        c = self.screen.controller
        today = c.today()
        current = c.day or c.data.latest_day or today.isoformat()
        day = dt.date.fromisoformat(current) + dt.timedelta(days=step)
        day = max(FIRST_DAILY_DATE, min(today, day))
        c.day = day.isoformat()
        self.screen.switch_view(DAY)
        self.screen.loader.day_count()
        if c.cache.day_complete(c.day):
            return
        if self.client_ok:
            self.screen.run_worker(self._fetch_day(c.day), group="day", exclusive=True,
                                   exit_on_error=False, description="fetch day")
        elif c.day not in c.data.days:
            self.status(f"{c.day} is not cached (offline)", style="dim")

    async def _fetch_day(self, day: str) -> None:
        screen, client = self.screen, self.screen.client
        assert client is not None
        self.status(f"fetching {day}…", style="dim")
        report = await screen.controller.fetch_day(client, day)
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
            self.screen.remove_class("-no-filter-pane")
            self.screen.filter_pane.focus_input(select_all=False)
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
