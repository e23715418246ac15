"""A vertical scroll container that also answers the vim keys (j/k, g/G, ctrl+d/ctrl+u)."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll


class VimScroll(VerticalScroll):
    """VerticalScroll plus vim keys, so the detail and the help scroll like the list moves.

    Moves are immediate (no animation): a held key must not queue up animations.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "line(1)", "Down", show=False, id="scroll-down-vim",
                tooltip="Scroll down one line"),
        Binding("k", "line(-1)", "Up", show=False, id="scroll-up-vim",
                tooltip="Scroll up one line"),
        Binding("g", "edge(0)", "Top", show=False, id="scroll-top-vim",
                tooltip="Scroll to the top"),
        Binding("G", "edge(1)", "Bottom", show=False, id="scroll-bottom-vim",
                tooltip="Scroll to the bottom"),
        Binding("ctrl+d", "half(1)", "Half page down", show=False,
                id="scroll-half-page-down", tooltip="Scroll down half a page"),
        Binding("ctrl+u", "half(-1)", "Half page up", show=False, id="scroll-half-page-up",
                tooltip="Scroll up half a page"),
    ]

    def action_line(self, step: int) -> None:
        self.scroll_to(y=self.scroll_y + step, animate=False)

    def action_edge(self, bottom: int) -> None:
        self.scroll_to(y=self.max_scroll_y if bottom else 0, animate=False)

    def action_half(self, direction: int) -> None:
        step = max(1, self.scrollable_content_region.height // 2)
        self.scroll_to(y=self.scroll_y + direction * step, animate=False)
