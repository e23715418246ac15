"""The left pane: the filter box (with its error line) and the list of views with their counts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import ClassVar

from rich.cells import cell_len
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.geometry import Size
from textual.message import Message
from textual.reactive import Reactive
from textual.timer import Timer
from textual.widgets import Input, OptionList, Static
from textual.widgets.input import Selection
from textual.widgets.option_list import Option

from reader.views import View

ERROR_AFTER_S = 0.4  # a typed query's error is shown once the typing pauses this long


def view_prompt(view: View, count: int | None, width: int) -> Content:
    """``"3 Popular      42"``: the number key, the name (user text: never markup), the count
    ("!" for a broken saved view, nothing while it is not known yet)."""
    number = f"{view.number} " if view.number else "  "
    shown = "!" if count is None else "" if count < 0 else f"{count:,}"  # < 0: not counted yet
    room = max(1, width - len(number) - len(shown) - 1)
    label = view.label if len(view.label) <= room else view.label[: max(1, room - 1)] + "…"
    gap = " " * max(1, width - len(number) - len(label) - len(shown))
    return Content.assemble((number, "dim"), label, gap, (shown, "dim" if count else "dim italic"))


class FilterInput(Input):
    """The filter box: an Input whose typing repaints the box and lays nothing out.

    Textual's Input sets its ``virtual_size`` to the text's width on every key, and the
    compositor sets it back to the box's size on the next layout: with the base class's
    ``layout=True`` reactive every key laid out the whole screen (and re-rendered the panes
    it moved nothing in) again. The box has a fixed size, and its horizontal scrolling
    reads ``virtual_size`` directly, so a repaint is all a key needs."""

    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False, repaint=True)


class ViewList(OptionList):
    """The views, moved through like the paper list (j/k, g/G as well as the arrows)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", show=False, id="views-down-vim"),
        Binding("k", "cursor_up", "Up", show=False, id="views-up-vim"),
        Binding("g", "first", "First", show=False, id="views-top-vim"),
        Binding("G", "last", "Last", show=False, id="views-bottom-vim"),
    ]


class FilterPane(Vertical):
    """Views and the filter box. Posts QueryChanged/QuerySubmitted/ViewSelected upwards."""

    class QueryChanged(Message):
        """The filter text changed (every keystroke)."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    class QuerySubmitted(Message):
        """Enter in the filter box."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    class ViewSelected(Message):
        """A view was chosen in the list."""

        def __init__(self, key: str) -> None:
            super().__init__()
            self.key = key

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._views: list[View] = []
        self._counts: dict[str, int | None] = {}
        self._current = ""
        self._error_timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield FilterInput(placeholder="type to filter", id="filter-input")
        yield Static("", id="filter-error", markup=False)
        yield ViewList(id="views")

    @property
    def input(self) -> Input:
        return self.query_one("#filter-input", Input)

    @property
    def views(self) -> ViewList:
        return self.query_one("#views", ViewList)

    @property
    def text(self) -> str:
        return self.input.value

    def set_text(self, text: str) -> None:
        """Replace the filter text (posts QueryChanged like typing would); the box shows its
        end, where typing goes on."""
        box = self.input
        box.value = text
        box.cursor_position = len(text)

    def focus_input(self, *, select_all: bool = True) -> None:
        """Put the cursor in the filter box: the whole text selected (typing replaces it), or
        the cursor after the text (typing goes on from it, as after ``S``'s ``?``)."""
        box = self.input
        box.select_on_focus = select_all
        if box.has_focus:
            box.selection = (Selection(0, len(box.value)) if select_all
                             else Selection.cursor(len(box.value)))
        box.focus()

    def set_views(self, views: Sequence[View], counts: Mapping[str, int | None],
                  current: str) -> None:
        """Show ``views`` with ``counts``; highlight ``current``."""
        self._views, self._counts, self._current = list(views), dict(counts), current
        self._render_views()

    @property
    def counts(self) -> Mapping[str, int | None]:
        """The counts shown next to the views, by view key."""
        return self._counts

    def set_counts(self, counts: Mapping[str, int | None]) -> None:
        """Replace some or all counts (keys not given keep theirs)."""
        self._counts.update(counts)
        self._render_views()

    def set_current(self, key: str) -> None:
        self._current = key
        self._render_views(to_current=True)

    def _render_views(self, *, to_current: bool = False) -> None:
        options = self.query_one("#views", OptionList)
        width = max(12, (options.scrollable_content_region.width or self.size.width or 24) - 1)
        keep = options.highlighted
        options.set_options(
            Option(view_prompt(v, self._counts.get(v.key, -1), width), id=v.key)
            for v in self._views
        )
        index = next((i for i, v in enumerate(self._views) if v.key == self._current), keep)
        if (not to_current and options.has_focus and keep is not None
                and keep < len(self._views)):
            index = keep  # the user is moving through the views: counts must not move them
        options.highlighted = index

    def on_resize(self) -> None:
        if self._views:
            self._render_views()

    def set_error(self, message: str | None, pos: int | None = 0, *,
                  wait: bool = False) -> None:
        """Show where and why the query is wrong, calmly; None clears it. ``pos`` None: a
        hint about the whole text, without a caret. ``wait``: the query is being typed, so
        the error is shown only if the typing pauses (``ERROR_AFTER_S``) before it is put
        right: a query being typed is more often unfinished than wrong (``title:`` before
        its word, a quote not closed yet), and the line appearing and going again at every
        key made the pane jump and laid the whole screen out each time."""
        if self._error_timer is not None:
            self._error_timer.stop()
            self._error_timer = None
        error = self.query_one("#filter-error", Static)
        if message is None:
            if error.display:  # (every keystroke clears it: only a shown one costs a layout)
                error.update("")
                error.display = False
            return
        if wait and not error.display:
            self._error_timer = self.set_timer(ERROR_AFTER_S,
                                               lambda: self.set_error(message, pos))
            return
        if pos is None:
            self._show_error(error, Content(message))
            return
        # The caret sits under the offending character as it is shown: the box scrolls
        # sideways to keep the cursor in view, so the text's first cells may be off to the
        # left. Its border and padding come before the text.
        box = self.input
        column = cell_len(box.value[:pos]) - round(box.scroll_offset.x)
        inset = box.content_region.x - self.content_region.x if box.content_region.width else 3
        room = max(0, box.content_region.width - 1 if box.content_region.width
                   else self.size.width - 5)
        caret = " " * (max(0, min(column, room)) + max(0, inset)) + "^"
        self._show_error(error, Content.assemble((caret, "bold"), "\n", message))

    @property
    def error_pending(self) -> bool:
        """An error waits for the typing to pause before it is shown."""
        return self._error_timer is not None

    @staticmethod
    def _show_error(error: Static, content: Content) -> None:
        shown = error.content
        if not (error.display and isinstance(shown, Content) and shown.is_same(content)):
            error.update(content)  # (each update lays the pane out: not for the same text)
        error.display = True

    @on(Input.Changed, "#filter-input")
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        self.post_message(self.QueryChanged(event.value))

    @on(Input.Submitted, "#filter-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(self.QuerySubmitted(event.value))

    @on(OptionList.OptionSelected, "#views")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.post_message(self.ViewSelected(event.option.id))
