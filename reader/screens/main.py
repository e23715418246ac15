"""The main screen: filter pane, paper list and detail; owns the view state and the workers."""

from __future__ import annotations

from collections.abc import Callable

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.events import DescendantBlur, Resize, ScreenResume
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.worker import get_current_worker

from reader.controller import Controller, Result, Superseded
from reader.keys import MAIN_KEYS, bindings
from reader.main_screen.downloads import Downloads
from reader.main_screen.export_actions import ExportActions
from reader.main_screen.library_actions import LibraryActions
from reader.main_screen.loader import DataReady, EngineReady, Loader, MarksReady, StoreProgress
from reader.main_screen.network import Network
from reader.main_screen.paper_actions import PaperActions
from reader.main_screen.text_hits import TextHits
from reader.query import Query, QueryError, parse
from reader.store.record import Record
from reader.typeahead import KeyGate
from reader.views import DAY, LATEST, SEARCH, View, view_span, view_title
from reader.widgets.filter_pane import FilterPane
from reader.widgets.key_bar import KeyBar
from reader.widgets.paper_detail import PaperDetail
from reader.widgets.paper_list import PaperList
from reader.widgets.rows import columns_for
from reader.widgets.status_line import StatusLine
from reader.words import count

NARROW = 100  # below this many columns the detail replaces the list when opened
DETAIL_AFTER_TYPING_S = 0.25  # the detail follows a typed filter's first paper after this pause
SORTS = (None, "date", "upvotes", "trending", "stars")
MONTH_DAYS = 30  # what `paper-reader sync --days N` is offered with while the cache is short
SORT_NAMES = {None: "the view's own order", "date": "date, newest first",
              "upvotes": "upvotes, most first", "trending": "trending rank",
              "stars": "GitHub stars, most first"}


class Filtered(Message):
    """A filter run finished (posted from its thread worker). A plain class: a dataclass
    costs ~1 ms of the start-up (see reader.main_screen.loader)."""

    def __init__(self, result: Result, generation: int) -> None:
        super().__init__()
        self.result = result
        self.generation = generation


class MainScreen(Screen[None]):
    """Three panes over the cache; every slow thing runs in a worker."""

    BINDINGS = bindings(MAIN_KEYS)

    def __init__(self, controller: Controller, *, online: bool) -> None:
        super().__init__()
        self.controller = controller
        self.online = online
        self.view_key = LATEST
        self.query_obj = Query()
        self.sort_index = 0
        self.generation = 0
        self.result: Result | None = None
        self.detail_open = False
        self.detail_width = 0  # 0: the stylesheet's width
        self._read_timer: Timer | None = None
        # (paper id,): where a new result (not the user) put the cursor; (None,): it emptied
        self._auto: tuple[str | None] | None = None
        self._detail_timer: Timer | None = None  # the detail waits for typing to pause
        self._pending_detail: tuple[str | None, bool] | None = None  # (paper id, auto)
        self._to_top = False  # the next result starts at its first paper (a new view/order)
        self.net = Network(self)
        self.loader = Loader(self)
        self.ops = PaperActions(self)
        self.library_ops = LibraryActions(self)
        self.export_ops = ExportActions(self)
        self.downloads = Downloads(self)
        self.text_hits = TextHits(self)  # passages found by text: filters
        self._resumed = False  # see on_screen_resume

    def compose(self) -> ComposeResult:
        with Horizontal(id="panes"):
            yield FilterPane(id="filter-pane")
            yield PaperList(id="paper-list", empty_text="Loading papers…")
            yield PaperDetail(id="paper-detail")
        yield StatusLine(id="status")
        yield KeyBar()

    @property
    def paper_list(self) -> PaperList:
        return self.query_one(PaperList)

    @property
    def detail(self) -> PaperDetail:
        return self.query_one(PaperDetail)

    @property
    def filter_pane(self) -> FilterPane:
        return self.query_one(FilterPane)

    @property
    def status(self) -> StatusLine:
        return self.query_one(StatusLine)

    def on_mount(self) -> None:
        self.controller.begin_visit()
        self.loader.report_problems()
        # The views fill the left pane once the first frame (the papers) is on the terminal:
        # drawn before it, they cost it ~10 ms, and once more when the pane's width is known.
        self.after_display(self._show_views)
        self.status.show_network("starting…" if self.online else "offline (--offline)",
                                 style="dim")
        self.paper_list.focus()
        self.loader.start()
        self.after_display(self.downloads.scan)  # a thread: not while the first frame is drawn

    def on_screen_resume(self, event: ScreenResume) -> None:
        # Runs before Textual's own handler (the subclass's come first). Pushed at the start,
        # this screen resumes just after its mount styled every node, and Textual would style
        # them all again (~10 ms, before the first frame); what changed since (focus, classes)
        # restyled what it touched. Later resumes (a dialog closed) restyle as usual.
        if not self._resumed:
            self._resumed = True
            event.refresh_styles = False

    def _show_views(self) -> None:
        self.filter_pane.set_views(self.controller.views(), self.filter_pane.counts,
                                   self.view_key)

    def after_display(self, callback: Callable[[], object]) -> None:
        """Run ``callback`` once, when the next frame is on the terminal (see
        PaperReaderApp.after_display) or the screen has refreshed, whichever comes first."""
        done = False

        def once() -> None:
            nonlocal done
            if not done:
                done = True
                callback()

        after: Callable[[Callable[[], object]], None] | None = getattr(
            self.app, "after_display", None)
        if after is not None:
            after(once)
        self.call_after_refresh(once)  # in case no frame is drawn (the screen is covered)

    def on_resize(self, event: Resize) -> None:
        narrow = event.size.width < NARROW
        self.set_class(narrow, "-narrow")
        # A width set with +/- is for the three-pane layout; narrow, the detail takes it all.
        self.detail.styles.width = None if narrow or not self.detail_width else self.detail_width

    # --- data (see reader/main_screen/loader.py) -------------------------------------------

    def load_data(self, stage: str) -> None:
        self.loader.load(stage)

    def update_marks(self) -> None:
        self.loader.marks()

    def on_data_ready(self, message: DataReady) -> None:
        self.loader.data_ready(message)

    def on_engine_ready(self, message: EngineReady) -> None:
        self.loader.engine_ready(message)

    def on_store_progress(self, message: StoreProgress) -> None:
        self.loader.store_progress(message)

    def on_marks_ready(self, message: MarksReady) -> None:
        self.loader.marks_ready(message)

    def apply_marks(self) -> None:
        c = self.controller
        self.paper_list.set_marks(c.state, new_since=c.new_since, watched=c.marks.watched)

    # --- filtering -------------------------------------------------------------------------

    @property
    def view(self) -> View:
        views = self.controller.views()
        return next((v for v in views if v.key == self.view_key), views[0])

    def request_filter(self) -> None:
        """Filter the current view in a thread; only the newest request's result is shown."""
        self.generation += 1
        self.run_filter(self.view, self.query_obj, SORTS[self.sort_index], self.generation)

    @work(thread=True, exclusive=True, group="filter", exit_on_error=False)
    def run_filter(self, view: View, query: Query, sort: str | None, generation: int) -> None:
        c = self.controller
        worker = get_current_worker()
        try:
            result = c.run(c.snapshot(), view, query, sort, lambda: worker.is_cancelled)
        except Superseded:
            return
        except QueryError as err:
            self.app.call_from_thread(self.filter_pane.set_error,
                                      f"view {view.label}: {err.message}", 0)
            return
        if not worker.is_cancelled:
            self.post_message(Filtered(result, generation))

    def filter_is_cheap(self) -> bool:
        """True when filtering the current view evaluates no query and sorts nothing: then it
        is a few ms even over 100,000 papers (the view's precomputed order, minus muted ones)."""
        return not self.view.query and self.query_obj.is_empty and not SORTS[self.sort_index]

    def filter_now(self) -> None:
        """Filter on the UI thread: only for the start-up slice (a few hundred papers, ~1 ms),
        whose first frame should already hold its rows, and when :meth:`filter_is_cheap`."""
        self.generation += 1
        c = self.controller
        try:
            result = c.run(c.snapshot(), self.view, self.query_obj, SORTS[self.sort_index])
        except QueryError as err:
            self.filter_pane.set_error(f"view {self.view.label}: {err.message}", 0)
            return
        self.show_result(result)

    def on_filtered(self, message: Filtered) -> None:
        self.loader.check_store()
        if message.generation != self.generation:
            return  # a newer query is on its way: drop the stale result
        self.show_result(message.result)

    def show_result(self, result: Result) -> None:
        self.result = result
        self.text_hits.on_result(result.query, [r.id for r in result.records[:40]])
        self.paper_list.empty_text = self._empty_text()
        before = self.paper_list.cursor_id
        sort = SORTS[self.sort_index] or result.query.sort
        to_top, self._to_top = self._to_top, False
        self.paper_list.set_records(result.records, keep_cursor=not to_top,
                                    columns=columns_for(result.view.key, sort))
        if self.paper_list.cursor_id != before:
            # The list moved the cursor, not the user: showing it is not reading it.
            self._auto = (self.paper_list.cursor_id,)
        elif (before is not None and self.detail.record is not None
              and self.detail.record.id == before
              and self.detail.record is not self.current_record()):
            # Same paper, newer record (a refresh changed its counts): no stale detail.
            # (Another paper in the detail: it is on its way, after a pause in the typing.)
            self.show_detail(before, restart_timer=False)
        self.show_summary()
        if not result.records and not self._typing():
            self.detail.show(None, state=self.controller.state)

    def _empty_text(self) -> str:
        c = self.controller
        if not c.data.records:
            return "Fetching the newest papers…" if self.online else "No papers cached"
        if self.view_key == DAY and (c.day or "") not in c.data.days:
            return f"{c.day} is not cached" + ("" if self.online else " (offline)")
        if self.result is not None and self.result.hidden:
            hidden = self.result.hidden
            return (f"The {count(hidden, 'paper')} here {'is' if hidden == 1 else 'are'} "
                    "muted: M shows them")
        if not self.query_obj.is_empty:
            return "No papers match the filter"
        if self.short_cache():
            return (f"No papers here: the cache holds {count(len(c.data.days), 'day')}; "
                    f"`paper-reader sync --days {MONTH_DAYS}` fetches a month")
        return "No papers in this view"

    def short_cache(self) -> bool:
        """The cache holds less than a month of listing days (a first run fetches a week)."""
        days = self.controller.data.days
        return bool(days) and len(days) < MONTH_DAYS * 2 // 3

    def show_summary(self) -> None:
        result, view = self.result, self.view
        if result is None:
            return
        c = self.controller
        # The day, week or month on screen comes from reader.views, as the pager's does.
        span = view_span(view.key, c.data, today=c.today(), day=c.day, anchors=c.anchors)
        label = view_title(view.key, view.label, span, paged=view.key in c.anchors)
        if view.key == SEARCH:
            label = f"Search results for {self.controller.search_text}"
        shown = len(result.records)
        if result.total is not None:
            parts = [label, f"{shown:,} of {count(result.total, 'paper')}",
                     f"filter: {self.query_obj.text.strip()}"]
        else:
            parts = [label, count(shown, "paper")]
        if result.hidden:
            parts.append(f"{result.hidden:,} muted (M shows)")
        elif self.controller.show_muted and self.controller.marks.muted:
            parts.append("showing muted")
        if SORTS[self.sort_index]:
            parts.append(f"sort: {SORTS[self.sort_index]}")
        store = self.loader.store_status()
        if store is not None:  # a start without a store: every paper waits for the rebuild
            parts.append(store)
        elif not self.controller.data.complete:
            parts.append("loading…")
        self.status.show_view(" · ".join(parts))

    @on(FilterPane.QueryChanged)
    def _query_changed(self, message: FilterPane.QueryChanged) -> None:
        text = message.text
        if self._detail_timer is not None:  # still typing: the detail waits on
            self._wait_for_typing()
        if text.lstrip().startswith("?"):
            self.filter_pane.set_error("Enter searches huggingface.co for this text", None)
            return
        try:
            query = parse(text)
        except QueryError as err:
            # Keep the last good result; say where and why, calmly.
            self.filter_pane.set_error(err.message, err.pos, wait=self._typing())
            return
        self.filter_pane.set_error(None)
        if query != self.query_obj or query.text.strip() != self.query_obj.text.strip():
            self._to_top = True  # a new filter: the cursor goes to its first match
        self.query_obj = query
        self.request_filter()

    @on(FilterPane.QuerySubmitted)
    def _query_submitted(self, message: FilterPane.QuerySubmitted) -> None:
        text = message.text.strip()
        if text.startswith("?"):
            self.net.search(text[1:].strip())
        else:
            self.paper_list.focus()

    @on(FilterPane.ViewSelected)
    def _view_selected(self, message: FilterPane.ViewSelected) -> None:
        self.controller.anchors.pop(message.key, None)  # "This week" is this week again
        self.switch_view(message.key)
        self.paper_list.focus()

    def switch_view(self, key: str) -> None:
        """Show view ``key`` from its top, the first paper highlighted."""
        self.view_key = key
        self._to_top = True
        self.filter_pane.set_current(key)
        self.request_filter()

    # --- list and detail -------------------------------------------------------------------

    def current_record(self) -> Record | None:
        pid = self.paper_list.cursor_id
        return self.controller.data.records.get(pid) if pid else None

    @on(PaperList.Highlighted)
    def _highlighted(self, message: PaperList.Highlighted) -> None:
        auto = self._auto is not None and self._auto[0] == message.paper_id
        self._auto = None
        # Filling the detail (and the layout it causes) costs more than moving the cursor, so
        # moves that queue up while a key is held are coalesced: the detail follows once the
        # queue is drained, with the last paper. No timer: a single press updates it at once.
        first = self._pending_detail is None
        self._pending_detail = (message.paper_id, auto)
        if self._detail_timer is not None:  # waiting for typing to pause: start again
            self._detail_timer.stop()
            self._detail_timer = None
            first = True
        if first:
            self.call_later(self._follow_cursor)

    def _typing(self) -> bool:
        """The user is typing a filter (the box has the focus)."""
        return self.focused is self.filter_pane.input

    def _wait_for_typing(self) -> None:
        """(Re)start the wait after which the detail follows the cursor."""
        if self._detail_timer is not None:
            self._detail_timer.stop()
        self._detail_timer = self.set_timer(DETAIL_AFTER_TYPING_S,
                                            lambda: self._follow_cursor(paused=True))

    def on_descendant_blur(self, event: DescendantBlur) -> None:
        if event.widget is self.filter_pane.input and self._detail_timer is not None:
            # Out of the box (Enter, Esc, a click): the typing is over, no need to wait.
            self._detail_timer.stop()
            self._detail_timer = None
            self.call_later(self._follow_cursor, paused=True)

    def _follow_cursor(self, *, paused: bool = False) -> None:
        if self._pending_detail is None:
            return
        if not paused and self._pending_detail[1] and self._typing():
            # Each key's result moves the cursor to its first paper. Filling the detail
            # lays the screen out again (its sections change height), ~10-40 ms of the UI
            # loop: while the user types, only the list and the count follow each key, and
            # the detail shows the first paper once the typing pauses.
            self._wait_for_typing()
            return
        self._detail_timer = None
        gate: KeyGate | None = getattr(self.app, "key_gate", None)
        if gate is not None and gate.pending:
            # Keys typed ahead wait in the App (reader/typeahead.py), not in the list's
            # queue: the detail follows once they are all handled.
            gate.when_drained(self._follow_cursor)
            return
        paper_id, auto = self._pending_detail
        self._pending_detail = None
        self.show_detail(paper_id, restart_timer=not auto)
        if auto:
            self.stop_read_timer()

    def show_detail(self, paper_id: str | None, *, restart_timer: bool = True) -> None:
        c = self.controller
        record = c.data.records.get(paper_id) if paper_id else None
        linked = c.cache.linked_get(paper_id) if paper_id else None
        self.detail.show(record, state=c.state, linked=linked)
        self.detail.show_passage(self.text_hits.for_paper(paper_id))
        if not restart_timer:
            return
        self.stop_read_timer()
        seconds = c.config.read_after_seconds  # 0 (the default): only Enter or m mark read
        if (seconds > 0 and record is not None and self.detail_visible
                and not c.state.is_read(record.id)):
            self._read_timer = self.set_timer(seconds, lambda: self._dwelt(record.id))

    @property
    def detail_visible(self) -> bool:
        return not self.has_class("-narrow") or self.detail_open

    def _dwelt(self, paper_id: str) -> None:
        """The paper stayed in the detail long enough to count as read."""
        if self.paper_list.cursor_id == paper_id and self.detail_visible:
            self.mark_read(paper_id)

    def mark_read(self, paper_id: str) -> None:
        self.library_ops.mark_read(paper_id)

    def stop_read_timer(self) -> None:
        if self._read_timer is not None:
            self._read_timer.stop()
            self._read_timer = None

    @on(PaperDetail.LinkedWanted)
    def _linked_wanted(self, message: PaperDetail.LinkedWanted) -> None:
        # The cursor rested on a paper: fetch its linked repos (online, once; no Enter needed).
        if self.paper_list.cursor_id == message.paper_id:
            self.net.linked(message.paper_id)

    @on(PaperList.Opened)
    def _opened(self, message: PaperList.Opened) -> None:
        self.mark_read(message.paper_id)
        record = self.controller.data.records.get(message.paper_id)
        if record is not None and self.text_hits.open(record):
            return  # a text: filter: read the paper at the passage found
        if self.has_class("-narrow"):
            self.detail_open = True
            self.add_class("-detail-open")
        self.show_detail(message.paper_id)
        self.detail.focus()
        self.net.linked(message.paper_id)

    def action_back(self) -> None:
        """Esc: close the opened detail, leave the filter box, or (in the list) clear the
        filter; with none of those to undo it does nothing."""
        focused = self.focused
        if self.detail_open:
            self.detail_open = False
            self.remove_class("-detail-open")
            self.paper_list.focus()
        elif focused is self.filter_pane.input:
            self.paper_list.focus()
        elif self.filter_pane.text.strip():
            was = self.filter_pane.text.strip()
            self.filter_pane.set_text("")
            self.notify(f"Filter cleared (was: {was})", timeout=3, markup=False)
        elif focused is not self.paper_list:
            self.paper_list.focus()

    def action_pane(self, step: int) -> None:
        # The view list, not the filter box: only / puts the cursor in the box, so letters
        # typed after h are never taken as a filter.
        panes = [w for w in (self.filter_pane.views, self.paper_list, self.detail)
                 if w.display and (w.parent is None or w.parent.display) and w.region.width]
        if not panes:
            return
        focused = self.focused
        index = next((i for i, w in enumerate(panes)
                      if focused is not None and (w is focused or focused in w.ancestors)), 1)
        self.app.set_focus(panes[max(0, min(len(panes) - 1, index + step))])

    def action_focus_filter(self) -> None:
        # The class only: an inline display style would beat the stylesheet, and \ could
        # never hide the pane again.
        self.remove_class("-no-filter-pane")
        self.filter_pane.focus_input()

    def action_toggle_filter_pane(self) -> None:
        self.toggle_class("-no-filter-pane")
        focused = self.focused
        if self.has_class("-no-filter-pane") and focused is not None and (
                focused is self.filter_pane or self.filter_pane in focused.ancestors):
            self.paper_list.focus()  # never leave the focus in a hidden pane

    def action_resize_detail(self, step: int) -> None:
        if self.has_class("-narrow"):
            self.notify("The detail pane takes the whole width on a narrow terminal.", timeout=2)
            return
        # The stored width, not the laid-out one: two quick presses must both count.
        current = self.detail_width or self.detail.outer_size.width or 40
        limit = max(30, self.size.width - 40)
        self.detail_width = max(24, min(limit, current + step))
        self.detail.styles.width = self.detail_width

    def action_cycle_sort(self) -> None:
        self.sort_index = (self.sort_index + 1) % len(SORTS)
        self._to_top = True
        self.notify(f"Sorted by {SORT_NAMES[SORTS[self.sort_index]]}", timeout=2, markup=False)
        self.request_filter()

    def action_show_view(self, key: str) -> None:
        """A built-in view's own key."""
        self.switch_view(key)
        if self.focused is not self.detail:
            self.paper_list.focus()

    def action_expand_authors(self) -> None:
        """a: expand (or fold) the authors whenever the detail offers it, from any pane."""
        self.detail.action_toggle_authors()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "expand_authors":
            detail = self.detail
            return self.detail_visible and (detail.authors_expanded or detail.hidden_authors > 0)
        return True

    def action_saved_view(self, number: int) -> None:
        view = next((v for v in self.controller.views() if v.number == number), None)
        if view is None:
            self.notify(f"No saved view {number}: press s to save the filter as one.",
                        markup=False)
            return
        self.switch_view(view.key)

    def action_toggle_muted(self) -> None:
        c = self.controller
        c.show_muted = not c.show_muted
        self.request_filter()
        self.update_marks()

    # --- the highlighted paper and settings (see paper_ops) -------------------------------

    def action_toggle_bookmark(self) -> None:
        record = self.current_record()
        self.library_ops.toggle_bookmark()
        if record is not None and self.controller.state.is_bookmarked(record.id):
            self.downloads.bookmarked(record.id, True)

    def action_toggle_read(self) -> None:
        self.library_ops.toggle_read()

    def action_edit_tags(self) -> None:
        self.library_ops.edit_tags()

    def action_edit_note(self) -> None:
        self.library_ops.edit_note()

    def action_toggle_mark(self) -> None:
        self.export_ops.toggle_mark()

    def action_export(self) -> None:
        self.export_ops.open()

    def action_open_browser(self) -> None:
        self.ops.open("page")

    def action_open_pdf(self) -> None:
        record = self.ops._record()
        if record is not None:
            self.downloads.open_pdf(record)

    # --- full texts and PDFs (see downloads.py and reading.py) -----------------------------

    def action_read_fulltext(self) -> None:
        record = self.ops._record()
        if record is not None and not self.text_hits.open(record):
            self.downloads.read(record)

    def action_fetch_fulltext(self) -> None:
        record = self.ops._record()
        if record is not None:
            self.notify(self.downloads.fetch(record.id), markup=False, timeout=3)

    def action_download_pdf(self) -> None:
        record = self.ops._record()
        if record is not None:
            self.downloads.download_pdf(record)

    def action_copy_link(self) -> None:
        self.ops.copy_link()

    def action_save_view(self) -> None:
        self.ops.save_view()

    def action_edit_rules(self) -> None:
        self.ops.edit_rules()

    def jump_to(self, paper_id: str) -> None:
        """Show one paper (from the palette): in the current view if it is there, else in All."""
        if self.result is None or all(r.id != paper_id for r in self.result.records):
            self.filter_pane.set_text("")
            self.query_obj = Query()
            self.switch_view("all")
        self.call_after_refresh(self._move_when_ready, paper_id, 20)

    def _move_when_ready(self, paper_id: str, tries: int) -> None:
        if self.result is not None and any(r.id == paper_id for r in self.result.records):
            self.paper_list.move_to(paper_id)
            self.paper_list.focus()
        elif tries:
            self.set_timer(0.05, lambda: self._move_when_ready(paper_id, tries - 1))

    def on_search_done(self) -> None:
        self.filter_pane.set_text("")
        self.query_obj = Query()
        self.switch_view(SEARCH)
        self.paper_list.focus()

    def show_empty(self) -> None:
        """No papers and no network: explain instead of showing an empty grid."""
        from reader.screens.empty import EmptyScreen

        if isinstance(self.app.screen, EmptyScreen):
            return

        def retry(again: bool | None) -> None:
            if again:
                self.net.refresh()

        self.app.push_screen(EmptyScreen(offline=not self.online), retry)

    def hide_empty(self) -> None:
        """Papers arrived after all (a slow network): the explanation gives way to them."""
        from reader.screens.empty import EmptyScreen

        if isinstance(self.app.screen, EmptyScreen):
            self.app.screen.dismiss(False)

    def action_refresh(self) -> None:
        self.net.refresh()

    def action_day(self, step: int) -> None:
        self.net.step_day(step)

    def action_remote_search(self) -> None:
        text = self.filter_pane.text.strip().lstrip("?").strip()
        self.net.search(text)
