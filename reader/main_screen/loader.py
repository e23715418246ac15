"""The main screen's data pipeline: the start-up slice, all papers, the search store, rules and
counts.

Each step runs in a thread worker and posts one message; the screen hands the messages back
here. Order: recent slice (paint at once) -> all papers and, alongside, the search store
(opened at once; rebuilt from the shards with progress when it is missing, damaged or old;
filters scan meanwhile) -> the network starts, and the modules the first frame did without
(dialogs, help, reader: reader.main_screen.warmup) import in a thread. A merge writes the
store in the same step as the shards (reader.store.cache), so later reloads only read the
papers again.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from concurrent.futures import CancelledError, Future
from dataclasses import replace
from typing import TYPE_CHECKING

from textual.message import Message
from textual.worker import get_current_worker

from reader.controller import Marks
from reader.main_screen.warmup import warm_imports
from reader.tuning import freeze_long_lived, gc_paused, short_switches
from reader.views import DAY, LATEST, TRENDING, Data

if TYPE_CHECKING:
    from reader.query.engine import Engine, StoreDamaged  # imported by its worker (_open_store)
    from reader.screens.main import MainScreen
    from reader.store.record import Record

RECORDS_POLL_S = 0.05  # how often the store worker, waiting for the records, checks if cancelled


# The messages are plain classes, not dataclasses: making a dataclass costs ~1 ms of the app's
# start-up each, before its first frame.


class DataReady(Message):
    """Papers were (re)loaded off the UI thread; ``stage`` is "recent", "all" or "reload"."""

    def __init__(self, data: Data, stage: str, new: int | None = None) -> None:
        super().__init__()
        self.data = data
        self.stage = stage
        self.new = new  # unread papers new since the last visit (full loads only)


class EngineReady(Message):
    """The search store was opened (or built) off the UI thread; None: it cannot be used."""

    def __init__(self, engine: Engine | None) -> None:
        super().__init__()
        self.engine = engine


class StoreProgress(Message):
    """The search store is being rebuilt from the shards: ``done`` of ``total`` shards."""

    def __init__(self, done: int, total: int) -> None:
        super().__init__()
        self.done = done
        self.total = total


class MarksReady(Message):
    """Mute/watch matches and the views' counts were recomputed."""

    def __init__(self, marks: Marks, counts: dict[str, int | None]) -> None:
        super().__init__()
        self.marks = marks
        self.counts = counts


class _Abandoned(Exception):
    """Raised from a rebuild's progress once its worker is cancelled: the app quits only when
    its thread workers end, so a rebuild at 100k papers held a quit back for up to a minute."""


class Loader:
    """Runs one MainScreen's loading workers and applies their results."""

    def __init__(self, screen: MainScreen) -> None:
        self.screen = screen
        self.loaded = False  # the first complete load happened (the network may start)
        self.building: tuple[int, int] | None = None  # (done, total) while the store rebuilds
        # Every record, as soon as the first complete load has read them (before the views'
        # orderings are built): the store worker prepares the engine over them meanwhile.
        self._records: Future[Mapping[str, Record]] = Future()
        # The start found no usable store: every paper is loaded once it is rebuilt (see
        # _follow_up), not beside the rebuild.
        self._all_after_store = False

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

        The slice is a few hundred papers that the derived store gives in a few ms, so it is
        read and filtered right here on the UI thread: no worker, no message round trip, no
        first frame saying "Loading". Everything heavier (all papers, rules, counts) starts
        only once that frame is painted: a thread loading 100,000 papers holds the GIL half the
        time and would slow the first paint down. Without a usable store (deleted, or being
        rebuilt) the slice is taken from every paper, loaded in a worker.
        """
        screen, c = self.screen, self.screen.controller
        data = c.recent_now()
        self.report_problems()
        if data is None:
            self.load("recent")
            return
        c.install(data)
        screen.filter_now()
        screen.after_display(self._after_first_paint)

    def _after_first_paint(self) -> None:
        self.load("all")  # the longest: first
        self.marks()
        self.open_store()

    def load(self, stage: str) -> None:
        self.screen.run_worker(lambda: self._load(stage), thread=True, group="data",
                               exclusive=True, exit_on_error=False, description="load papers")

    def _load(self, stage: str) -> None:
        c = self.screen.controller
        if stage == "recent":
            data = c.load_recent()
            new = None
        elif stage == "all":
            try:
                with short_switches():
                    data = c.load_all(self._records_read)
            finally:
                if not self._records.done():
                    self._records.cancel()  # the load failed: nothing to prepare over
            freeze_long_lived()
            new = c.count_new(data)
        else:
            # A reload after a refresh walks every paper (the changed ones found, the orderings
            # merged, the new ones counted): no cycles made, and a collection on the way held
            # the interpreter lock, and the UI, for ~0.1 s at 100k papers.
            with gc_paused():
                data = c.reload()
                new = c.count_new(data)
                freeze_long_lived()  # see _marks
        if not get_current_worker().is_cancelled:
            self.screen.post_message(DataReady(data, stage, new if data.complete else None))

    def _records_read(self, records: Mapping[str, Record]) -> None:
        if not self._records.done():
            self._records.set_result(records)

    def data_ready(self, message: DataReady) -> None:
        screen = self.screen
        screen.controller.install(message.data)
        if message.new is not None:
            screen.net.set_new(message.new)
        if message.data.records:
            screen.hide_empty()
        self.report_problems()
        if screen.filter_is_cheap():
            # No query to evaluate: cutting the view is a few ms even at 100,000 papers, and
            # doing it here shows the rows in the next frame instead of after a worker that
            # shares the interpreter with the store opening and the counts started below.
            screen.filter_now()
        else:
            screen.request_filter()
        # The heavy follow-ups start once those rows are painted.
        screen.call_after_refresh(self._follow_up, message)

    def _follow_up(self, message: DataReady) -> None:
        screen = self.screen
        self.marks()
        if message.stage == "recent":
            # No usable store: rebuild it first, then load every paper from it, packed (199
            # MB at 100,000). Read from the shards beside the rebuild, every paper unpacked
            # took the app to 550 MB. Meanwhile the slice is shown, with the rebuild's progress.
            self._all_after_store = True
            self.open_store()
        if message.data.complete and not self.loaded:
            self.loaded = True
            screen.net.start(empty=not message.data.records)
            screen.run_worker(warm_imports, thread=True, group="warm-up", exit_on_error=False,
                              description="import the dialogs ahead")

    # --- the search store -------------------------------------------------------------

    def open_store(self, damaged: tuple[Engine | None, StoreDamaged] | None = None) -> None:
        """Open the search store in a thread worker (rebuilding it first when it must; after
        ``damaged``, what Controller.store_damaged took, the damaged file is deleted first)."""
        self.screen.run_worker(lambda: self._open_store(damaged), thread=True, group="store",
                               exclusive=True, exit_on_error=False,
                               description="open the search store")

    def _open_store(self, damaged: tuple[Engine | None, StoreDamaged] | None) -> None:
        if damaged is not None:
            self.screen.controller.forget_store(*damaged)
        last = [0.0]
        worker = get_current_worker()

        def progress(done: int, total: int) -> None:
            if worker.is_cancelled:  # the app is closing, or another worker took over
                raise _Abandoned()  # a rebuild stops at its next shard (and its process)
            now = time.monotonic()
            if now - last[0] >= 0.25 or done == total:  # a few messages a second at most
                last[0] = now
                self.screen.post_message(StoreProgress(done, total))

        try:
            engine = self.screen.controller.open_engine(progress)
        except _Abandoned:
            return  # (the build left behind is deleted by the next one)
        except BaseException:
            self.screen.post_message(EngineReady(None))  # filters scan; the load goes on
            raise
        if worker.is_cancelled:
            if engine is not None:
                engine.close()
            return
        self.screen.post_message(EngineReady(engine))
        if engine is not None and damaged is None:
            self._prepare(engine)

    def _prepare(self, engine: Engine) -> None:
        """At the start: prepare the engine while the load reads the shards (its rowid table
        and columns need none of the records), then give it the records as soon as they are
        read, while the load builds the views' orderings from them, rather than after (in the
        rules' worker, which then finds it done). The engine's SQL runs without the
        interpreter lock; the first keystroke answered by the engine comes that much sooner.
        The two-letter words' column is left to the rules' worker, which runs once the load
        is done."""
        worker = get_current_worker()
        self.screen.controller.prepare_engine(engine, None, pairs=False)  # no records yet
        while True:
            try:
                records = self._records.result(timeout=RECORDS_POLL_S)
                break
            except TimeoutError:
                if worker.is_cancelled:
                    return
            except CancelledError:
                return  # the load failed
        c = self.screen.controller
        if c.data.complete and c.data.records is not records:
            return  # reloaded since (a refresh): the rules' worker prepares it over those
        c.prepare_engine(engine, records, pairs=False)  # the rules' worker reads them, after

    def store_progress(self, message: StoreProgress) -> None:
        self.building = (message.done, message.total)
        self.screen.show_summary()

    def engine_ready(self, message: EngineReady) -> None:
        c = self.screen.controller
        self.building = None
        c.engine = message.engine
        c.engine_state = "ready" if message.engine is not None else "unavailable"
        self.report_problems()
        if self._all_after_store:  # the store is built (or cannot be: then from the shards)
            self._all_after_store = False
            self.load("all")
        self.marks()  # rules and saved views waited for it (see Controller.engine_coming)
        self.screen.request_filter()
        self.screen.show_summary()

    def check_store(self) -> None:
        """After a filter or the rules ran: a query that found the store damaged has it deleted,
        reported, and built again in the background (filters scan meanwhile)."""
        damaged = self.screen.controller.store_damaged()
        if damaged is not None:
            self.open_store(damaged)

    def store_status(self) -> str | None:
        """What the status line says about the store: building (with progress), or nothing."""
        if self.building is not None:
            done, total = self.building
            return f"building the search index {done * 100 // max(total, 1)}%"
        c = self.screen.controller
        if c.engine is None and c.engine_state == "opening" and c.data.complete:
            return "opening the search index…"
        return None

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
        # Rules and counts run queries over every paper: as a reload (see _load), with the
        # collector paused.
        with gc_paused():
            self._marks_paused()
            # What the pause let pile up (the merge's records, the rows read, the rules'
            # sets) would be walked whole by the collection that its end lets run, holding
            # the interpreter lock (and the UI) for 40-70 ms at 100k papers. Most of it lives
            # on as the app's data: frozen, as after the first load (reader.tuning).
            freeze_long_lived()

    def _marks_paused(self) -> None:
        c = self.screen.controller
        snap = c.snapshot()
        views = c.views()
        if c.engine_coming(snap):
            # Rules and saved views are queries over every paper: they are worked out once the
            # store is open (engine_ready asks again), and meanwhile keep what the slice gave.
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
        self.check_store()
        screen, c = self.screen, self.screen.controller
        changed = message.marks.muted != c.marks.muted
        c.marks = message.marks
        screen.filter_pane.set_views(c.views(), message.counts, screen.view_key)
        screen.apply_marks()
        self.report_problems()
        if changed:
            screen.request_filter()
