"""A dialog listing a full text's links; Enter picks one (the reading screen opens http(s) only)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from reader.markdown_doc import Link


class LinksDialog(ModalScreen[str | None]):
    """Every link of the paper as "text  <url>"; dismisses with the chosen URL or None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "dismiss(None)", "Close", id="links-close", tooltip="Close"),
    ]
    DEFAULT_CSS = """
    LinksDialog { align: center middle; }
    LinksDialog OptionList { height: auto; max-height: 20; border: none; }
    """

    def __init__(self, links: Sequence[Link]) -> None:
        super().__init__()
        seen: dict[str, Link] = {}
        for link in links:
            seen.setdefault(link.url, link)
        self.links = list(seen.values())

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Content("Links in this paper (only web links open)"),
                         classes="dialog-title")
            yield OptionList(*(Option(Content.assemble(
                (link.text[:60], "bold"), "  ", (link.url, "dim"))) for link in self.links))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.links[event.option_index].url)
