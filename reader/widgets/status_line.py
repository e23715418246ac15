"""The bottom status line: what the view shows on the left, the network's state on the right."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Static


class StatusLine(Horizontal):
    """Calm, one-line status. Everything shown is plain text (error messages are data)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.view_text = ""
        self.network_text = ""
        self.network_style = ""

    def compose(self) -> ComposeResult:
        yield Static("", id="status-view", markup=False)
        yield Static("", id="status-network", markup=False)

    def show_view(self, text: str) -> None:
        """Left side: the view, its count, hidden papers, the sort."""
        if text == self.view_text:
            return
        self.view_text = text
        # Its size is fixed (1fr by one line): no layout pass, which would repaint every pane.
        self.query_one("#status-view", Static).update(Content(text), layout=False)

    def show_network(self, text: str, *, style: str = "") -> None:
        """Right side: refresh progress, last refresh and new papers, or "offline"."""
        if (text, style) == (self.network_text, self.network_style):
            return
        content, before = Content.styled(text, style), Content(self.network_text)
        self.network_text, self.network_style = text, style
        # Its width follows the text, from NETWORK_MIN_WIDTH up: a layout only when that
        # changes ("refreshing 3/8…" to "updated 09:14 today · 123 new" does not). A layout
        # repaints every pane: 40 ms at 120x40.
        self.query_one("#status-network", Static).update(
            content, layout=_width(content) != _width(before))


NETWORK_MIN_WIDTH = 30  # the network side's min-width in styles/main.tcss: keep them equal


def _width(content: Content) -> int:
    return max(NETWORK_MIN_WIDTH, content.cell_length)
