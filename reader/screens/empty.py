"""First run with no cached papers and no network: say what happened and what to do."""

from __future__ import annotations

import os

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static

from reader.widgets.key_bar import KeyBar


def explanation(*, offline: bool, endpoint: str) -> Content:
    """The screen's text (the endpoint comes from the environment: shown as data)."""
    parts: list[str | tuple[str, str]] = [("No papers to show", "bold"), "\n\n"]
    if offline:
        parts += ["paper-reader was started with --offline and nothing is cached yet.\n\n",
                  "What to do:\n", "  • start it without --offline to fetch the latest papers\n"]
    else:
        parts += ["Nothing is cached yet, and the Papers API at ", (endpoint, "bold"),
                  " could not be reached.\n\n", "What to do:\n",
                  "  • check the internet connection (or the HF_ENDPOINT variable),\n",
                  "    then press ", ("r", "bold"), " to try again\n"]
    parts += ["  • or load papers saved on another machine:  ",
              ("paper-reader import FILE", "bold"), "\n\n", "Press ", ("q", "bold"), " to quit."]
    return Content.assemble(*parts)


class EmptyScreen(Screen[bool]):
    """Shown instead of an empty grid. Dismisses with True when the user asks to retry."""

    BINDINGS = [
        Binding("r", "retry", "Try again", id="empty-retry", tooltip="Try to fetch papers again"),
    ]

    def __init__(self, *, offline: bool) -> None:
        super().__init__()
        self.offline = offline

    def compose(self) -> ComposeResult:
        endpoint = os.environ.get("HF_ENDPOINT") or "https://huggingface.co"
        with Center(), Vertical(id="empty-box"):
            yield Static(explanation(offline=self.offline, endpoint=endpoint), id="empty-text",
                         markup=False)
        yield KeyBar()

    def action_retry(self) -> None:
        if self.offline:
            self.notify("Started with --offline: restart without it to fetch papers.")
            return
        self.dismiss(True)
