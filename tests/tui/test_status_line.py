"""The status line: the network's side lays the screen out only when its width changes."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Static

from reader.widgets.status_line import StatusLine


class StatusApp(App[None]):
    def compose(self) -> ComposeResult:
        yield StatusLine(id="status")


async def test_refresh_progress_of_the_same_width_asks_for_no_layout() -> None:
    """A layout repaints every pane (~40 ms at 120x40): "refreshing 3/8…" after
    "refreshing 2/8…" only redraws the status line's right side."""
    app = StatusApp()
    async with app.run_test(size=(80, 3)) as pilot:
        line = app.query_one(StatusLine)
        network = line.query_one("#status-network", Static)
        layouts: list[bool] = []
        real = network.refresh

        def spy(*args: object, **kwargs: object) -> object:
            layouts.append(bool(kwargs.get("layout")))
            return real(*args, **kwargs)  # type: ignore[arg-type]

        network.refresh = spy  # type: ignore[method-assign]
        line.show_network("refreshing 1/8…", style="dim")
        line.show_network("refreshing 2/8…", style="dim")
        line.show_network("refreshing 2/8…", style="dim")  # the same again: nothing
        line.show_network("updated 09:14 · 12 new")
        await pilot.pause()
        assert layouts == [True, False, True]
        assert "updated 09:14 · 12 new" in str(network.content)
