"""The key bar (the footer): the keys that work here, never cut in the middle, clickable."""

from __future__ import annotations

from typing import Any

from reader.widgets.key_bar import KeyBar
from tests.fakehub import Corpus
from tests.tui.conftest import fill_cache, settle
from tests.tui.test_app_start import main


async def test_the_bar_shows_whole_keys_and_the_palette(corpus: Corpus, make_app: Any) -> None:
    fill_cache(corpus)
    app = make_app(None)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        bar = main(app).query_one(KeyBar)
        shown, palette = bar.items()
        line = bar.render().plain
        assert palette is not None and line.rstrip().endswith(f"{palette[1]} {palette[2]}")
        assert "b Bookmark" in line and "q Quit" in line
        assert len(line) == 120
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        narrow = bar.render().plain
        assert len(narrow) == 80 and narrow.rstrip().endswith(palette[2])
        descriptions = [item[2] for item in shown]
        kept = [d for d in descriptions if f" {d} " in narrow]
        # Quit and Help stay; the other keys give way from the end, whole.
        assert "Quit" in kept and "Help" in kept
        others = [d for d in descriptions if d not in ("Quit", "Help")]
        kept_others = [d for d in kept if d not in ("Quit", "Help")]
        assert kept_others == others[: len(kept_others)] and len(kept) < len(descriptions)


async def test_a_click_on_a_key_presses_it(corpus: Corpus, make_app: Any) -> None:
    fill_cache(corpus)
    app = make_app(None)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main(app)
        bar = screen.query_one(KeyBar)
        line = bar.render().plain
        x = line.index(" b Bookmark") + 1
        assert bar.key_at(x) == "b"
        assert bar.key_at(len(line) - 2) == "ctrl+p"
        before = len(screen.controller.state.bookmarks)
        await pilot.click(KeyBar, offset=(x, 0))
        await settle(pilot)
        assert len(screen.controller.state.bookmarks) == before + 1
