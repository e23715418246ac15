"""Dialogs for the user's own words on a paper: its tags (with completion) and its note."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widgets import Input, Label, Static, TextArea

from reader.store.library import normalize_tags
from reader.widgets.rows import display_safe


class TagSuggester(Suggester):
    """Completes the last word of a space-separated tag list from the user's existing tags
    (most used first), never suggesting a tag already in the list."""

    def __init__(self, counts: Mapping[str, int]) -> None:
        super().__init__(use_cache=False, case_sensitive=False)
        self.tags = sorted(counts, key=lambda t: (-counts[t], t))

    async def get_suggestion(self, value: str) -> str | None:
        if not value or value[-1:].isspace():
            return None
        head, _, last = value.rpartition(" ")
        taken = set(head.split())
        for tag in self.tags:
            if tag.startswith(last) and tag != last and tag not in taken:
                return value + tag[len(last):]
        return None


class TagDialog(ModalScreen[tuple[str, ...] | None]):
    """Edit a paper's tags as one line of words. Enter saves, Esc cancels, → completes."""

    DEFAULT_CSS = "TagDialog { align: center middle; }"
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="tags-cancel",
                        tooltip="Close without changing the tags")]

    def __init__(self, title: str, tags: Sequence[str], counts: Mapping[str, int]) -> None:
        super().__init__()
        self.paper_title = title
        self.tags = tuple(tags)
        self.counts = dict(counts)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="tag-dialog"):
            yield Label("Tags", classes="dialog-title")
            yield Static(Content(display_safe(self.paper_title)), markup=False)
            yield Input(" ".join(self.tags), placeholder="tags separated by spaces",
                        suggester=TagSuggester(self.counts), id="tag-input")
            if self.counts:
                known = sorted(self.counts, key=lambda t: (-self.counts[t], t))[:12]
                yield Static(Content.assemble(
                    ("yours: ", "dim"), " ".join(f"{t} ({self.counts[t]})" for t in known)),
                    markup=False, id="tag-known")
            yield Label("Enter saves · → completes a tag · delete a word to remove it · "
                        "Esc cancels", classes="dim")

    def on_mount(self) -> None:
        box = self.query_one("#tag-input", Input)
        box.focus()
        box.cursor_position = len(box.value)
        if box.value:
            box.insert_text_at_cursor(" ")  # ready for the next tag

    @on(Input.Submitted, "#tag-input")
    def _submitted(self, event: Input.Submitted) -> None:
        self.dismiss(normalize_tags(event.value.split()))

    def action_cancel(self) -> None:
        self.dismiss(None)


class NoteDialog(ModalScreen[str | None]):
    """Edit a paper's note in a text area. Ctrl+S saves, Esc cancels (asks nothing: the text
    area is the only thing open, and Ctrl+S is shown below it)."""

    DEFAULT_CSS = """
    NoteDialog { align: center middle; }
    NoteDialog #note-text { height: 12; }
    """
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="note-save", tooltip="Save the note and close"),
        Binding("escape", "cancel", "Cancel", id="note-cancel",
                tooltip="Close without changing the note"),
    ]

    def __init__(self, title: str, note: str) -> None:
        super().__init__()
        self.paper_title = title
        self.note = note

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="note-dialog"):
            yield Label("Note", classes="dialog-title")
            yield Static(Content(display_safe(self.paper_title)), markup=False)
            yield TextArea(self.note, id="note-text", soft_wrap=True, tab_behavior="focus")
            yield Label("Ctrl+S saves (an empty note removes it) · Esc cancels", classes="dim")

    def on_mount(self) -> None:
        area = self.query_one("#note-text", TextArea)
        area.focus()
        area.move_cursor(area.document.end)

    def action_save(self) -> None:
        self.dismiss(self.query_one("#note-text", TextArea).text)

    def action_cancel(self) -> None:
        self.dismiss(None)
