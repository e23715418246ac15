"""The floor: a bare Textual app that paints one line, timed exactly like paper-reader.

Nothing can start faster than Python + Textual + a first paint, so the app's start-up figures are
read against this one, measured in the same run on the same machine.
"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Static

MARKER = "floor: first line painted"


class FloorApp(App[None]):
    """One Static with one line of text; `q` quits."""

    BINDINGS = [("q", "quit", "Quit")]

    def compose(self) -> ComposeResult:
        yield Static(MARKER, markup=False)


def main() -> None:
    FloorApp().run()


if __name__ == "__main__":
    main()
