"""The paper list: a Line-API ScrollView that draws only the visible rows, however many.

Each paper is a two-line row (``ROW_HEIGHT``): the title, then authors, day and counts. Rows
and lines are kept apart in the maths: ``virtual_size`` counts lines, the cursor counts rows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from reader.store.record import Record
from reader.store.state import LibraryState
from reader.widgets.rows import ROW_HEIGHT, Columns, display_safe, fit, layout, row_lines

__all__ = ["PaperList"]

# The component class each row cell is drawn with (None: the row's own style).
_ROLE_CLASS: dict[str, str | None] = {
    "mark-new": "paper-list--new",
    "mark-unread": "paper-list--mark",
    "mark-bookmark": "paper-list--bookmarked",
    "mark-tag": "paper-list--bookmarked",
    "title": "paper-list--title",
    "withdrawn": "paper-list--withdrawn",
    "rank": "paper-list--rank",
    "stars": "paper-list--upvotes",
    "authors": "paper-list--meta",
    "date": "paper-list--meta",
    "upvotes": "paper-list--upvotes",
    "comments": "paper-list--meta",
    "code": "paper-list--code",
    "gap": None,
}


class PaperList(ScrollView, can_focus=True):
    """Two lines per paper, however many papers there are.

    ``set_records`` only stores the sequence and sets the virtual height; rows are formatted
    when they scroll into view and kept in an LRU of strips, so 100,000 papers cost no more to
    show than 40. Moving the cursor redraws just the two rows that change.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "cursor_up", "Up", show=False, id="list-up",
                tooltip="Highlight the paper above"),
        Binding("k", "cursor_up", "Up", show=False, id="list-up-vim",
                tooltip="Highlight the paper above"),
        Binding("down", "cursor_down", "Down", show=False, id="list-down",
                tooltip="Highlight the paper below"),
        Binding("j", "cursor_down", "Down", show=False, id="list-down-vim",
                tooltip="Highlight the paper below"),
        Binding("home", "cursor_top", "First", show=False, id="list-top",
                tooltip="Go to the first paper"),
        Binding("g", "cursor_top", "First", show=False, id="list-top-vim",
                tooltip="Go to the first paper"),
        Binding("end", "cursor_bottom", "Last", show=False, id="list-bottom",
                tooltip="Go to the last paper"),
        Binding("G", "cursor_bottom", "Last", show=False, id="list-bottom-vim",
                tooltip="Go to the last paper"),
        Binding("pageup", "page(-1.0)", "Page up", show=False, id="list-page-up",
                tooltip="Up one page"),
        Binding("pagedown", "page(1.0)", "Page down", show=False, id="list-page-down",
                tooltip="Down one page"),
        Binding("ctrl+u", "page(-0.5)", "Half page up", show=False, id="list-half-page-up",
                tooltip="Up half a page"),
        Binding("ctrl+d", "page(0.5)", "Half page down", show=False,
                id="list-half-page-down", tooltip="Down half a page"),
        Binding("enter", "open", "Open", id="open-paper",
                tooltip="Open the highlighted paper in the detail pane (marks it read)"),
    ]

    COMPONENT_CLASSES = {
        "paper-list--cursor",
        "paper-list--title",
        "paper-list--unread",
        "paper-list--new",
        "paper-list--mark",
        "paper-list--bookmarked",
        "paper-list--watched",
        "paper-list--meta",
        "paper-list--upvotes",
        "paper-list--code",
        "paper-list--empty",
        "paper-list--withdrawn",
        "paper-list--rank",
    }

    DEFAULT_CSS = """
    PaperList {
        height: 1fr;
        overflow-x: hidden;
        /* Always shown: a scrollbar that comes and goes with the result's length lays the
           whole screen out (every pane drawn again, ~100 ms at 100k papers) as the user
           types a filter whose matches go under, then over, a screenful. */
        overflow-y: scroll;
        scrollbar-size-vertical: 1;  /* every cell is worth a title character */
        background: $surface;
        & > .paper-list--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
        &:focus > .paper-list--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: $block-cursor-text-style;
        }
        & > .paper-list--unread { text-style: bold; }
        & > .paper-list--new { color: $accent; text-style: bold; }
        & > .paper-list--mark { color: $accent; }
        & > .paper-list--bookmarked { color: $warning; }
        & > .paper-list--watched { background: $success 15%; }
        & > .paper-list--meta { color: $text-muted; }
        & > .paper-list--upvotes { color: $text-secondary; }
        & > .paper-list--code { color: $success; }
        & > .paper-list--empty { color: $text-muted; text-style: italic; }
        & > .paper-list--withdrawn { color: $text-warning; text-style: bold; }
        & > .paper-list--rank { color: $text-accent; }
    }
    """

    class Highlighted(Message):
        """The cursor moved to another paper (``None``: the list is empty)."""

        def __init__(self, paper_id: str | None) -> None:
            super().__init__()
            self.paper_id = paper_id
            self.paper_list: PaperList | None = None

        @property
        def control(self) -> PaperList | None:
            return self.paper_list

    class Opened(Message):
        """The user opened a paper (Enter, a click on the cursor row, a double click)."""

        def __init__(self, paper_id: str) -> None:
            super().__init__()
            self.paper_id = paper_id
            self.paper_list: PaperList | None = None

        @property
        def control(self) -> PaperList | None:
            return self.paper_list

    empty_text: reactive[str] = reactive("No papers to show")
    """The hint drawn in the middle of an empty list (plain text, never markup)."""

    def __init__(self, *, empty_text: str | None = None, name: str | None = None,
                 id: str | None = None, classes: str | None = None,
                 disabled: bool = False) -> None:
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self._records: Sequence[Record] = ()
        self._cursor = -1  # index into _records; -1 only when the list is empty
        self._posted: str | None = None  # the id of the last Highlighted message
        self._read: dict[str, str] = {}
        self._bookmarks: dict[str, str] = {}
        self._tags: dict[str, tuple[str, ...]] = {}
        self._notes: dict[str, str] = {}
        self._selected: frozenset[str] = frozenset()  # marked for an export
        self._watched: frozenset[str] = frozenset()
        self._local: frozenset[str] = frozenset()  # a full text or PDF is downloaded
        self._passages: dict[str, str] = {}  # paper id -> a text: filter's best passage
        self._new_since: str | None = None
        self._marks_version = 0
        self._columns = Columns()
        # A row's strips, by paper id and how it is drawn; the record it was made from is kept
        # beside it, so a record that comes back with new counts under the same id is drawn
        # again, while the rows a new result shares with the last one are not.
        self._strips: LRUCache[tuple[str, int, int, bool, bool, int], tuple[Record, Strip]] = (
            LRUCache(2048))
        self._styles: dict[tuple[tuple[str, ...], bool], Style] = {}  # component classes
        if empty_text is not None:
            self.set_reactive(PaperList.empty_text, empty_text)

    # --- public API ---------------------------------------------------------------------------

    @property
    def records(self) -> Sequence[Record]:
        """The papers shown, in order."""
        return self._records

    @property
    def cursor_index(self) -> int | None:
        """Index of the highlighted row, ``None`` when the list is empty."""
        return self._cursor if self._records else None

    @property
    def cursor_id(self) -> str | None:
        """Id of the highlighted paper, ``None`` when the list is empty."""
        return self._records[self._cursor].id if self._records else None

    @property
    def cursor_record(self) -> Record | None:
        """The highlighted record, ``None`` when the list is empty."""
        return self._records[self._cursor] if self._records else None

    @property
    def columns(self) -> Columns:
        """The optional columns shown (rank, stars, dates)."""
        return self._columns

    @property
    def top_row(self) -> int:
        """Index of the first paper (at least partly) on screen."""
        return self.scroll_offset.y // ROW_HEIGHT

    @property
    def page_rows(self) -> int:
        """How many whole rows fit on screen (at least one)."""
        return max(1, self.scrollable_content_region.height // ROW_HEIGHT)

    def set_records(self, records: Sequence[Record], *, keep_cursor: bool = True,
                    columns: Columns | None = None) -> None:
        """Show ``records`` (the sequence is kept, not copied: do not mutate it afterwards).

        With ``keep_cursor`` the cursor stays on the same paper, at the same height on screen,
        when that paper is still in the list; otherwise it goes to the first row. ``columns``
        (when given) says which optional columns the rows show.

        Nothing here is proportional to the number of records (but a cursor restore's search
        for its paper), and nothing is laid out: only the lines on screen that show another
        paper (or the cursor elsewhere) are drawn again.
        """
        old_id = self.cursor_id
        old_row = self._cursor - self.top_row
        old_index = self._cursor
        shown = self._shown_lines()
        self._records = records
        redraw = False
        if columns is not None and columns != self._columns:
            self._columns = columns
            self._strips.clear()  # (the strips' key does not say which columns they show)
            redraw = True
        found = None
        if keep_cursor and old_id is not None:
            found = self._find(old_id, hint=old_index)
        self._cursor = found if found is not None else (0 if records else -1)
        virtual = Size(0, len(records) * ROW_HEIGHT)
        if not self.is_mounted:
            self.virtual_size = virtual
            self.refresh()
            self._post_highlighted()
            return
        # Not ``self.virtual_size = ...``: that reactive lays the whole screen out, which a
        # line-API list does not need (its size does not depend on its rows; ScrollView keeps
        # its own virtual size through a layout). The scrollbar never comes or goes (CSS:
        # ``overflow-y: scroll``), so its reactives lay nothing out either.
        self.set_reactive(PaperList.virtual_size, virtual)
        self._scroll_update(virtual)
        top = self.scroll_offset.y
        if found is not None:
            self.scroll_to(y=max(0, found - max(0, old_row)) * ROW_HEIGHT, animate=False,
                           force=True)
        else:
            self.scroll_to(y=0, animate=False, force=True)
        self._scroll_cursor_visible()
        if redraw or not records or not shown or self.scroll_offset.y != top:
            self.refresh()  # (a scroll redraws everything anyway)
        else:
            now = self._shown_lines()
            changed = [y for y, (was, shows) in enumerate(zip(shown, now, strict=True))
                       if was != shows]
            start = 0
            for i, y in enumerate(changed):  # one refresh per run of changed lines
                if i + 1 == len(changed) or changed[i + 1] != y + 1:
                    self.refresh_lines(top + changed[start], y - changed[start] + 1)
                    start = i + 1
        self._post_highlighted()

    def _shown_lines(self) -> list[tuple[int, bool]]:
        """What each line on screen shows: the record (by identity) and whether it is the
        cursor's; -1 for a line below the last row."""
        records = self._records
        height = self.scrollable_content_region.height
        if not records or height <= 0:
            return []
        first = self.scroll_offset.y
        lines = []
        for y in range(first, first + height):
            index = y // ROW_HEIGHT
            if index < len(records):
                lines.append((id(records[index]), index == self._cursor))
            else:
                lines.append((-1, False))
        return lines

    def set_marks(self, state: LibraryState, *, new_since: str | None,
                  watched: frozenset[str] = frozenset()) -> None:
        """Update read/bookmark marks, "new since" (an ISO time) and the watched papers."""
        self._read = state.read
        self._bookmarks = state.bookmarks
        self._tags, self._notes = state.tags, state.notes
        # Compare times as "YYYY-MM-DDTHH:MM:SS": stamps end in "Z" or "+00:00" (both UTC).
        self._new_since = new_since[:19] if new_since else None
        self._watched = watched
        self._marks_version += 1
        self._strips.clear()
        self.refresh()

    def set_selected(self, ids: frozenset[str]) -> None:
        """The papers marked for an export (a ✓ in the first column)."""
        self._selected = ids
        self._marks_version += 1
        self._strips.clear()
        self.refresh()

    def set_passages(self, passages: Mapping[str, str]) -> None:
        """The best passage found by a ``text:`` filter, per paper (one line each, plain text):
        shown in place of the row's second line; {} shows the facts again."""
        if passages != self._passages:
            self._passages = dict(passages)
            self._marks_version += 1
            self._strips.clear()
            self.refresh()

    def set_local(self, ids: frozenset[str]) -> None:
        """Mark the papers whose full text or PDF is downloaded."""
        if ids != self._local:
            self._local = ids
            self._marks_version += 1
            self._strips.clear()
            self.refresh()

    def move_to(self, paper_id: str) -> bool:
        """Put the cursor on ``paper_id`` (scrolling it into view); False if it is not listed."""
        index = self._find(paper_id, hint=self._cursor)
        if index is None:
            return False
        self._move_cursor(index)
        return True

    # --- actions ------------------------------------------------------------------------------

    def action_cursor_up(self) -> None:
        self._move_cursor(self._cursor - 1)

    def action_cursor_down(self) -> None:
        self._move_cursor(self._cursor + 1)

    def action_cursor_top(self) -> None:
        self._move_cursor(0)

    def action_cursor_bottom(self) -> None:
        self._move_cursor(len(self._records) - 1)

    def action_page(self, pages: float) -> None:
        """Move the cursor by ``pages`` screens, scrolling the view along with it."""
        if not self._records:
            return
        step = int(self.page_rows * pages) or (1 if pages > 0 else -1)
        row = self._cursor - self.top_row
        target = max(0, min(len(self._records) - 1, self._cursor + step))
        if self.is_mounted:
            self.scroll_to(y=max(0, target - row) * ROW_HEIGHT, animate=False, force=True)
        self._move_cursor(target)

    def action_open(self) -> None:
        paper_id = self.cursor_id
        if paper_id is not None:
            self._post(self.Opened(paper_id))

    # --- events -------------------------------------------------------------------------------

    async def _on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or not self._records:
            return
        index = (self.scroll_offset.y + offset.y) // ROW_HEIGHT
        if not 0 <= index < len(self._records):
            return
        event.stop()
        if index == self._cursor and event.chain <= 2:
            # A click on the highlighted row (or the second click of a double click) opens it.
            self.action_open()
        else:
            self._move_cursor(index)

    def _on_mount(self, event: events.Mount) -> None:
        # Records set before mounting could not scroll yet.
        self._scroll_update(self.virtual_size)
        self.call_after_refresh(self._scroll_cursor_visible)

    def _on_resize(self, event: events.Resize) -> None:
        self._scroll_cursor_visible()

    # Textual calls every class's handler along the MRO, so these do not call super().
    def _on_focus(self, event: events.Focus) -> None:
        self._refresh_cursor_row()

    def _on_blur(self, event: events.Blur) -> None:
        self._refresh_cursor_row()

    def notify_style_update(self) -> None:
        # Theme or CSS changed: every cached strip carries old colours.
        super().notify_style_update()
        self._strips.clear()
        self._styles.clear()
        self.refresh()

    def watch_empty_text(self) -> None:
        if not self._records:
            self.refresh()

    # --- rendering ----------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        if not self._records:
            return self._empty_line(y, width)
        index, line = divmod(self.scroll_offset.y + y, ROW_HEIGHT)
        if not 0 <= index < len(self._records):
            return Strip.blank(width, self.rich_style)
        record = self._records[index]
        is_cursor = index == self._cursor
        key = (record.id, line, width, is_cursor, is_cursor and self.has_focus,
               self._marks_version)
        cached = self._strips.get(key)
        if cached is not None and cached[0] is record:
            return cached[1]
        # Both lines of the row at once (one row_lines: the row's second line is drawn next,
        # and its text is most of the work), the other one kept for then.
        strips = self._render_row(record, width, is_cursor)
        for other, made in enumerate(strips):
            self._strips.set((*key[:1], other, *key[2:]), (record, made))
        strip = strips[line]
        return strip

    def _render_row(self, record: Record, width: int, is_cursor: bool) -> tuple[Strip, ...]:
        paper_id = record.id
        unread = paper_id not in self._read
        new = unread and self._new_since is not None and (
            record.first_seen[:19] > self._new_since)
        lines = row_lines(record, layout(width, self._columns), unread=unread, new=new,
                          bookmarked=paper_id in self._bookmarks,
                          tagged=paper_id in self._tags, noted=paper_id in self._notes,
                          selected=paper_id in self._selected,
                          local=paper_id in self._local)
        return tuple(self._render_line(record, line, cells, width, is_cursor, unread)
                     for line, cells in enumerate(lines))

    def _render_line(self, record: Record, line: int, cells: list[tuple[str, str]], width: int,
                     is_cursor: bool, unread: bool) -> Strip:
        paper_id = record.id
        passage = self._passages.get(paper_id) if line == 1 else None
        if passage is not None:  # a text: filter's passage in place of the facts
            room = max(width - 2, 0)
            cells = [cells[0], (" ", "gap"),
                     (fit(display_safe(passage), room), "authors")]
        row: tuple[str, ...] = ("paper-list--watched",) if paper_id in self._watched else ()
        tail: tuple[str, ...] = ("paper-list--cursor",) if is_cursor else ()
        segments = []
        for text, role in cells:
            name = _ROLE_CLASS[role]
            if role == "title" and unread:
                name = "paper-list--unread"
            classes = (*row, name, *tail) if name else (*row, *tail)
            segments.append(Segment(text, self._style(classes)))
        return Strip(segments, width)

    def _style(self, classes: tuple[str, ...]) -> Style:
        """The rich style of a cell drawn with ``classes``; remembered until the styles change
        (``get_visual_style`` works out the widget's pseudo-classes on every call: a fifth of
        the time a fresh row took)."""
        key = (classes, self.has_focus)
        style = self._styles.get(key)
        if style is None:
            style = self._styles[key] = self.get_visual_style(*classes).rich_style
        return style

    def _empty_line(self, y: int, width: int) -> Strip:
        height = self.scrollable_content_region.height
        if y != height // 2 or width <= 0:
            return Strip.blank(width, self.rich_style)
        text = fit(display_safe(self.empty_text), width)
        text = text.rstrip() if cell_len(text.rstrip()) < width else text
        left = (width - cell_len(text)) // 2
        style = self.get_visual_style("paper-list--empty").rich_style
        segments = [Segment(" " * left, self.rich_style), Segment(text, style)]
        return Strip(segments).extend_cell_length(width, self.rich_style)

    # --- internals ----------------------------------------------------------------------------

    def _find(self, paper_id: str, *, hint: int) -> int | None:
        records = self._records
        if 0 <= hint < len(records) and records[hint].id == paper_id:
            return hint
        # A linear scan, but only on a cursor restore or a jump; never while drawing.
        return next((i for i, r in enumerate(records) if r.id == paper_id), None)

    def _move_cursor(self, index: int) -> None:
        if not self._records:
            return
        index = max(0, min(len(self._records) - 1, index))
        old = self._cursor
        if index == old:
            return
        self._cursor = index
        self._refresh_row(old)
        self._refresh_row(index)
        self._scroll_cursor_visible()
        self._post_highlighted()

    def _scroll_cursor_visible(self) -> None:
        height = self.scrollable_content_region.height
        if height <= 0 or not self._records or not self.is_mounted:
            return
        top = self.scroll_offset.y
        first = self._cursor * ROW_HEIGHT  # the cursor row's lines: first .. first + 1
        if first < top:
            self.scroll_to(y=first, animate=False, force=True)
        elif first + ROW_HEIGHT > top + height:
            # Keep the top of the view on a row boundary, so no paper is shown cut in half.
            rows = max(1, height // ROW_HEIGHT)
            self.scroll_to(y=(self._cursor - rows + 1) * ROW_HEIGHT, animate=False,
                           force=True)

    def _refresh_row(self, index: int) -> None:
        if index >= 0:
            self.refresh_lines(index * ROW_HEIGHT, ROW_HEIGHT)

    def _refresh_cursor_row(self) -> None:
        if self._records:
            self._refresh_row(self._cursor)

    def _post_highlighted(self) -> None:
        paper_id = self.cursor_id
        if paper_id != self._posted:
            self._posted = paper_id
            self._post(self.Highlighted(paper_id))

    def _post(self, message: Highlighted | Opened) -> None:
        message.paper_list = self
        self.post_message(message)
