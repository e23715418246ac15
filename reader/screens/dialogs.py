"""Small modal dialogs: name a saved view, edit the mute and watch rules."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from reader.query import QueryError, parse


class SaveViewDialog(ModalScreen[str | None]):
    """Ask for a name for the current query. Dismisses with the name, or None."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="dialog-cancel",
                        tooltip="Close without saving")]

    def __init__(self, query: str) -> None:
        super().__init__()
        self.query_text = query

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Save the filter as a view", classes="dialog-title")
            yield Static(Content.assemble(("query: ", "dim"), self.query_text), markup=False)
            yield Input(placeholder="name, then Enter (Esc cancels)", id="view-name")

    @on(Input.Submitted, "#view-name")
    def _named(self, event: Input.Submitted) -> None:
        name = event.value.strip()
        if name:
            self.dismiss(name)

    def action_cancel(self) -> None:
        self.dismiss(None)


class RulesDialog(ModalScreen[tuple[list[str], list[str]] | None]):
    """Mute and watch rules: Enter in a box adds one, d or Delete on a rule removes it, Esc
    closes and keeps the changes. Dismisses with (mute, watch)."""

    BINDINGS = [
        Binding("escape", "close", "Done", id="dialog-close", tooltip="Close and save the rules"),
        Binding("d,delete", "remove", "Remove rule", id="rule-remove",
                tooltip="Remove the highlighted rule"),
    ]

    def __init__(self, mute: list[str], watch: list[str]) -> None:
        super().__init__()
        self.rules = {"mute": list(mute), "watch": list(watch)}

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Mute and watch rules", classes="dialog-title")
            for kind, what in (("mute", "hide papers matching"), ("watch", "highlight papers "
                                                                          "matching")):
                yield Label(Content(f"{kind.title()}: {what} any of these queries"),
                            classes="dim")
                yield OptionList(id=f"{kind}-rules", classes="rules")
                yield Input(placeholder=f"new {kind} rule, then Enter", id=f"{kind}-input")
            yield Static("", id="rule-error", markup=False)
            yield Label("d removes the highlighted rule · Esc closes and saves", classes="dim")

    def on_mount(self) -> None:
        for kind in self.rules:
            self._show(kind)
        self.query_one("#mute-input", Input).focus()

    def _show(self, kind: str) -> None:
        options = self.query_one(f"#{kind}-rules", OptionList)
        keep = options.highlighted or 0
        options.set_options(Option(Content(rule)) for rule in self.rules[kind])
        if self.rules[kind]:  # a highlighted rule from the start: d works without an arrow
            options.highlighted = min(keep, len(self.rules[kind]) - 1)
        # Tab must not stop on an empty list (typing there goes nowhere).
        options.can_focus = bool(self.rules[kind])
        if not self.rules[kind] and self.focused is options:
            self.query_one(f"#{kind}-input", Input).focus()

    @on(Input.Submitted)
    def _add(self, event: Input.Submitted) -> None:
        kind = (event.input.id or "").removesuffix("-input")
        text = event.value.strip()
        if kind not in self.rules or not text:
            return
        error = self.query_one("#rule-error", Static)
        try:
            parse(text)
        except QueryError as err:
            error.update(Content(f"Not added: {err.message} (at {err.pos + 1})"))
            return
        error.update("")
        if text not in self.rules[kind]:
            self.rules[kind].append(text)
        event.input.value = ""
        self._show(kind)

    def action_remove(self) -> None:
        focused = self.focused
        if not isinstance(focused, OptionList) or focused.highlighted is None:
            return
        kind = (focused.id or "").removesuffix("-rules")
        if kind in self.rules and focused.highlighted < len(self.rules[kind]):
            del self.rules[kind][focused.highlighted]
            self._show(kind)

    def action_close(self) -> None:
        self.dismiss((self.rules["mute"], self.rules["watch"]))
