"""The key bar: the keys that work here and now, on the bottom line (the app's footer).

Textual's Footer builds a widget per key and rebuilds them all whenever the focus moves: about
60 ms of CSS and layout per focus change, paid while the user moves between panes (and once
more just after the first frame). This bar is one widget that draws one line of text and only
repaints when the bindings change. Keys that do not fit are left out whole, never cut in the
middle, and the command palette's key stays at the right. A click on a key presses it.
"""

from __future__ import annotations

from typing import ClassVar

from textual import events
from textual.content import Content
from textual.screen import Screen
from textual.widget import Widget

Item = tuple[str, str, str, bool]  # key, how it is shown, description, enabled


ESSENTIAL = ("quit", "app.quit", "help", "app.help")  # a newcomer needs these at any width


class KeyBar(Widget):
    """One line: `key description` for each shown binding, the palette key at the right."""

    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
    }
    KeyBar > .key-bar--key {
        color: $footer-key-foreground;
        background: $footer-key-background;
        text-style: bold;
    }
    KeyBar > .key-bar--description {
        color: $footer-description-foreground;
        background: $footer-description-background;
    }
    KeyBar > .key-bar--disabled {
        text-style: dim;
    }
    KeyBar > .key-bar--separator {
        color: $foreground 20%;
    }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "key-bar--key", "key-bar--description", "key-bar--disabled", "key-bar--separator",
    }
    ALLOW_SELECT = False

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._spans: list[tuple[int, int, str]] = []  # cells from, to: the key drawn there
        self._essential: set[str] = set()  # keys of the bindings in ESSENTIAL

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def _bindings_changed(self, screen: Screen[object]) -> None:
        if screen is self.screen:
            self.refresh()

    def items(self) -> tuple[list[Item], Item | None]:
        """The bindings to show, in order (one per action), and the palette's, if any."""
        app = self.app
        shown: list[Item] = []
        actions: set[str] = set()
        palette: Item | None = None
        for key, (_node, binding, enabled, _tooltip) in self.screen.active_bindings.items():
            if key == app.COMMAND_PALETTE_BINDING and app.ENABLE_COMMAND_PALETTE:
                palette = (key, app.get_key_display(binding), binding.description, enabled)
            elif binding.show and binding.action not in actions:
                actions.add(binding.action)
                if binding.action in ESSENTIAL:
                    self._essential.add(key)
                shown.append((key, app.get_key_display(binding), binding.description, enabled))
        return shown, palette

    def _piece(self, item: Item) -> Content:
        _key, display, description, enabled = item
        key_style = self.get_visual_style("key-bar--key")
        text_style = self.get_visual_style("key-bar--description")
        piece = Content.assemble((f" {display} ", key_style), (f"{description} ", text_style))
        return piece if enabled else piece.stylize(self.get_visual_style("key-bar--disabled"))

    def render(self) -> Content:
        shown, palette = self.items()
        width = self.size.width
        right = Content("")
        if palette is not None:
            right = Content.assemble(("▏", self.get_visual_style("key-bar--separator")),
                                     self._piece(palette))
        room = width - right.cell_length
        # Quit and Help are never the ones left out: the other keys give way first (Help
        # lists them all).
        kept = [item for item in shown if item[0] in self._essential]
        budget = room - sum(self._piece(item).cell_length for item in kept)
        chosen: list[Item] = []
        for item in shown:
            if item[0] in self._essential:
                chosen.append(item)
                continue
            cells = self._piece(item).cell_length
            if cells > budget:
                budget = -1  # the rest does not fit: left out whole, in order
                continue
            budget -= cells
            chosen.append(item)
        parts: list[Content] = []
        spans: list[tuple[int, int, str]] = []
        used = 0
        for item in chosen:
            piece = self._piece(item)
            if used + piece.cell_length > room:
                break
            spans.append((used, used + piece.cell_length, item[0]))
            parts.append(piece)
            used += piece.cell_length
        if palette is not None and room >= 0:
            spans.append((room + 1, width, palette[0]))
        self._spans = spans
        return Content.assemble(*parts, " " * max(room - used, 0), right if room >= 0 else "")

    def key_at(self, x: int) -> str | None:
        """The key drawn at column ``x``, if any."""
        return next((key for start, end, key in self._spans if start <= x < end), None)

    def on_click(self, event: events.Click) -> None:
        key = self.key_at(event.x)
        if key is not None:
            event.stop()
            self.app.simulate_key(key)
