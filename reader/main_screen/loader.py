"""The main screen's data pipeline: the start-up slice, all papers, the Index, rules and counts.

Each step runs in a thread worker and posts one message; the screen hands the messages back
here. Order: recent slice (paint at once) -> all papers (filters scan) -> the Index (fast
filters) -> the network starts. Merges later reload the data and re-index only what changed.
"""

from __future__ import annotations

import contextlib
import sys
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from textual.message import Message
from textual.worker import get_current_worker

from reader.controller import Marks
from reader.query.index import Index
from reader.store.record import Record
from reader.views import DAY, LATEST, TRENDING, Data

if TYPE_CHECKING:
    from reader.screens.main import MainScreen


@dataclass
class DataReady(Message):
    """Papers were (re)loaded off the UI thread; ``stage`` is "recent", "all" or "reload"."""

    data: Data
    index: Index | None
    stage: str
    new: int | None = None  # unread papers new since the last visit (full loads only)


@dataclass
class IndexReady(Message):
    """The full Index was built off the UI thread; ``records``: what it covers."""

    index: Index
    records: Mapping[str, Record]


@dataclass
class MarksReady(Message):
    """Mute/watch matches and the views' counts were recomputed."""

    marks: Marks
    counts: dict[str, int | None]


SWITCH_INTERVAL_S = 0.0005  # while loading every paper; Python's default is 0.005
_switches = {"depth": 0, "before": 0.0}
_switches_lock = threading.Lock()


@contextlib.contextmanager
def _short_switches() -> Iterator[None]:
    """Hand the interpreter lock over more often while every paper loads.

    The load makes a few hundred short system calls, and after each one its thread waits for
    the lock until the UI thread (busy with its first frames and the user's first keys) is
    asked to let go: 5 ms each by default, which made a 0.2 s load take up to a second. The UI
    thread pays only a few more switches. Loads may overlap (a cancelled worker runs on): the
    interval comes back when the last one ends."""
    with _switches_lock:
        if _switches["depth"] == 0:
            _switches["before"] = sys.getswitchinterval()
            sys.setswitchinterval(SWITCH_INTERVAL_S)
        _switches["depth"] += 1
    try:
        yield
    finally:
        with _switches_lock:
            _switches["depth"] -= 1
            if _switches["depth"] == 0:
                sys.setswitchinterval(_switches["before"])


class Loader:
    """Runs one MainScreen's loading workers and applies their results."""

    def __init__(self, screen: MainScreen) -> None:
        self.screen = screen
        self.loaded = False  # the first complete load happened (the network may start)
        self.warmed = False  # the abstracts were read in after the first Index
        self.indexing = False  # one Index build at a time: a cancelled thread keeps running

    def report_problems(self) -> None:
        """Library, cache, rule and recent-search problems as calm toasts (their text is data)."""
        c = self.screen.controller
        searches = c.searches.problems if c.searches is not None else []
        for problems in (c.library.problems, c.cache.problems, c.rules.problems, searches):
            for problem in problems:
                self.screen.notify(problem, title="paper-reader", severity="warning",
                                   markup=False, timeout=10)
            problems.clear()

    # --- papers --------------------------------------------------------------------------

    def start(self) -> None:
        """Show the start-up slice in the first frame, then load the rest.

        recent.json holds a few hundred papers and reads in a few ms, so it is read and
        filtered right here on the UI thread: no worker, no message round trip, no first frame
        saying "Loading". Everything heavier (all papers, rules, counts) starts only once that
        frame is painted: a thread parsing 100,000 papers holds the GIL half the time and would
        slow the first paint down. A missing or damaged recent.json is rebuilt in a worker.
        """
        screen, c = self.screen, self.screen.controller
        data = c.recent_now()
        self.report_problems()
        if data is None:
            self.load("recent")
            return
        c.install(data, None)
        screen.filter_now()
        screen.call_after_refresh(self._after_first_paint)

    def _after_first_paint(self) -> None:
        self.marks()
        self.load("all")

    def load(self, stage: str) -> None:
        self.screen.run_worker(lambda: self._load(stage), thread=True, group="data",
                               exclusive=True, exit_on_error=False, description="load papers")

    def _load(self, stage: str) -> None:
        c = self.screen.controller
        index: Index | None = None
        if stage == "recent":
            data = c.load_recent()
        elif stage == "all":
            with _short_switches():
                data = c.load_all()
        else:
            data, index = c.reload()
        new = c.count_new(data) if data.complete else None
        if not get_current_worker().is_cancelled:
            self.screen.post_message(DataReady(data, index, stage, new))

    def data_ready(self, message: DataReady) -> None:
        screen = self.screen
        screen.controller.install(message.data, message.index)
        if message.new is not None:
            screen.net.set_new(message.new)
        if message.data.records:
            screen.hide_empty()
        self.report_problems()
        if screen.filter_is_cheap():
            # No query to evaluate: cutting the view is a few ms even at 100,000 papers, and
            # doing it here shows the rows in the next frame instead of after a worker that
            # shares the interpreter with the Index load and the counts started below.
            screen.filter_now()
        else:
            screen.request_filter()
        # The heavy follow-ups start once those rows are painted.
        screen.call_after_refresh(self._follow_up, message)

    def _follow_up(self, message: DataReady) -> None:
        screen = self.screen
        self.marks()
        if message.stage == "recent":
            self.load("all")
        elif message.index is None and not self.indexing:
            self.indexing = True
            self.build_index(message.data)
        if message.data.complete and not self.loaded:
            self.loaded = True
            screen.net.start(empty=not message.data.records)

    # --- the Index -----------------------------------------------------------------------

    def build_index(self, data: Data | None) -> None:
        """Index every paper (``data``), or only catch up with merges (None)."""
        self.screen.run_worker(lambda: self._build_index(data), thread=True, group="index",
                               exclusive=True, exit_on_error=False, description="index papers")

    def _build_index(self, data: Data | None) -> None:
        c = self.screen.controller
        index = c.build_index(data) if data is not None else c.index
        if index is None:
            return
        records = c.catch_up(index)
        if not get_current_worker().is_cancelled:
            self.screen.post_message(IndexReady(index, records))

    def index_ready(self, message: IndexReady) -> None:
        self.indexing = False
        c = self.screen.controller
        c.index = message.index
        if message.records is not c.data.records:
            self.build_index(None)  # papers arrived meanwhile: add them, off the UI thread
        self.marks()  # rules and saved views waited for it (see Controller.index_coming)
        self.screen.show_summary()
        if not self.warmed:
            self.warmed = True
            self.screen.run_worker(self._warm_texts, thread=True, group="warm", exclusive=True,
                                   exit_on_error=False, description="read abstracts")

    def _warm_texts(self) -> None:
        worker = get_current_worker()
        records = list(self.screen.controller.data.records.values())
        self.screen.controller.warm_texts(records, lambda: worker.is_cancelled)

    # --- rules and counts ----------------------------------------------------------------

    def day_count(self) -> None:
        """Recount the Day view after the pager moved it (a day is small: the UI thread)."""
        c = self.screen.controller
        day = [v for v in c.views() if v.key == DAY]
        self.screen.filter_pane.set_counts(c.counts(c.snapshot(), day))

    def marks(self) -> None:
        self.screen.run_worker(self._marks, thread=True, group="marks", exclusive=True,
                               exit_on_error=False, description="apply rules")

    def _marks(self) -> None:
        c = self.screen.controller
        snap = c.snapshot()
        views = c.views()
        if c.index_coming(snap):
            # Rules and saved views are queries over every paper: they are worked out once the
            # Index is in (index_ready asks again), and meanwhile keep what the slice gave.
            marks = c.marks
            views = [v for v in views if not v.query]
        else:
            marks = c.compute_marks(snap)
        if not snap.data.complete:
            # The start-up slice holds the newest days and trending whole, nothing else: other
            # counts would be wrong until every paper is loaded, so they are left blank.
            views = [v for v in views if v.key in (LATEST, DAY, TRENDING)]
        counts = c.counts(replace(snap, muted=marks.muted), views)
        if not get_current_worker().is_cancelled:
            self.screen.post_message(MarksReady(marks, counts))

    def marks_ready(self, message: MarksReady) -> None:
        screen, c = self.screen, self.screen.controller
        changed = message.marks.muted != c.marks.muted
        c.marks = message.marks
        screen.filter_pane.set_views(c.views(), message.counts, screen.view_key)
        screen.apply_marks()
        self.report_problems()
        if changed:
            screen.request_filter()
