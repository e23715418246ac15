"""The export dialog: which papers (view, bookmarks, marked), which format, file or clipboard."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, RadioButton, RadioSet

from reader.export import FORMATS, SUFFIXES

SCOPES = ("view", "bookmarks", "marked")


@dataclass(frozen=True)
class ExportRequest:
    """What to export: ``scope`` (one of :data:`SCOPES`), ``fmt``, and a file (None: the
    clipboard)."""

    scope: str
    fmt: str
    path: Path | None


class ExportDialog(ModalScreen[ExportRequest | None]):
    """Pick the papers, the format and where to; Enter (or Save) writes the file, Copy puts the
    text on the clipboard, Esc cancels."""

    DEFAULT_CSS = """
    ExportDialog { align: center middle; }
    ExportDialog RadioSet { width: 100%; height: auto; }
    ExportDialog #export-buttons { height: auto; margin-top: 1; }
    ExportDialog Button { margin-right: 2; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="export-cancel",
                        tooltip="Close without exporting")]

    def __init__(self, counts: dict[str, int], view_label: str, *, scope: str = "view",
                 fmt: str = "bibtex", folder: Path | None = None) -> None:
        super().__init__()
        self.counts = counts
        self.view_label = view_label
        self.scope = scope if counts.get(scope) else "view"
        self.fmt = fmt
        self.folder = folder or Path.home()
        self._path_edited = False

    def _default_path(self) -> str:
        return str(self.folder / f"paper-reader-{self.scope}{SUFFIXES[self.fmt]}")

    def compose(self) -> ComposeResult:
        labels = {"view": f"This view ({self.view_label}): {self.counts.get('view', 0):,}",
                  "bookmarks": f"Bookmarks: {self.counts.get('bookmarks', 0):,}",
                  "marked": f"Marked with x: {self.counts.get('marked', 0):,}"}
        with Vertical(classes="dialog"):
            yield Label("Export papers", classes="dialog-title")
            with RadioSet(id="export-scope"):
                for scope in SCOPES:
                    yield RadioButton(Content(labels[scope]), value=scope == self.scope,
                                      id=f"scope-{scope}", disabled=not self.counts.get(scope))
            with RadioSet(id="export-format"):
                for fmt in FORMATS:
                    yield RadioButton(fmt, value=fmt == self.fmt, id=f"format-{fmt}")
            yield Input(self._default_path(), id="export-path",
                        placeholder="file to write (Enter saves)")
            with Horizontal(id="export-buttons"):
                yield Button("Save to file", id="export-save", variant="primary")
                yield Button("Copy to clipboard", id="export-copy")
            yield Label("Tab moves · Enter in the path saves · Esc cancels", classes="dim")

    def on_mount(self) -> None:
        self.query_one("#export-path", Input).focus()

    @on(RadioSet.Changed)
    def _changed(self, event: RadioSet.Changed) -> None:
        pressed = event.pressed.id or ""
        if event.radio_set.id == "export-scope":
            self.scope = pressed.removeprefix("scope-")
        else:
            self.fmt = pressed.removeprefix("format-")
        if not self._path_edited:
            with self.prevent(Input.Changed):
                self.query_one("#export-path", Input).value = self._default_path()

    @on(Input.Changed, "#export-path")
    def _edited(self) -> None:
        self._path_edited = True

    @on(Input.Submitted, "#export-path")
    @on(Button.Pressed, "#export-save")
    def _save(self) -> None:
        text = self.query_one("#export-path", Input).value.strip()
        if text:
            self.dismiss(ExportRequest(self.scope, self.fmt, Path(text).expanduser()))

    @on(Button.Pressed, "#export-copy")
    def _copy(self) -> None:
        self.dismiss(ExportRequest(self.scope, self.fmt, None))

    def action_cancel(self) -> None:
        self.dismiss(None)
