"""The status line: the network's side lays the screen out only when its width changes."""

from __future__ import annotations

from pathlib import Path

from textual.app import App, ComposeResult
from textual.widgets import Static

from reader.widgets.status_line import NETWORK_MIN_WIDTH, StatusLine


class StatusApp(App[None]):
    CSS_PATH = Path(__file__).parents[2] / "styles" / "main.tcss"  # the app's own styles

    def compose(self) -> ComposeResult:
        yield StatusLine(id="status")


async def test_refresh_progress_of_the_same_width_asks_for_no_layout() -> None:
    """A layout repaints every pane (~40 ms at 120x40): a refresh's progress and its result,
    within the right side's minimum width, only redraw it; a wider text still lays out."""
    app = StatusApp()
    async with app.run_test(size=(80, 3)) as pilot:
        line = app.query_one(StatusLine)
        network = line.query_one("#status-network", Static)
        layouts: list[bool] = []
        real = network.update

        def spy(*args: object, **kwargs: object) -> None:
            layouts.append(bool(kwargs.get("layout", True)))
            real(*args, **kwargs)  # type: ignore[arg-type]

        network.update = spy  # type: ignore[method-assign]
        line.show_network("refreshing 1/8…", style="dim")
        line.show_network("refreshing 2/8…", style="dim")
        line.show_network("refreshing 2/8…", style="dim")  # the same again: nothing
        line.show_network("updated 09:14 today · 123 new")
        line.show_network("offline · last refresh 09:14, cache from 2026-11-29")  # wider
        await pilot.pause()
        assert layouts == [False, False, False, True]
        assert "offline · last refresh 09:14" in str(network.content)
        assert network.size.width == len("offline · last refresh 09:14, cache from 2026-11-29")
        line.show_network("updated 09:15")
        await pilot.pause()
        assert layouts[-1] is True
        assert network.size.width == NETWORK_MIN_WIDTH
