"""Layout at 80x24 and 120x40, pane keys, the help screen and the command palette."""

from __future__ import annotations

from typing import Any

from textual.widgets import Markdown

from reader.screens.help import HelpScreen
from reader.store.locations import locations
from tests.fakehub import Corpus
from tests.tui.conftest import fill_cache, settle, write_config
from tests.tui.test_app_start import main


def _no_overlap(*regions: Any) -> None:
    shown = [r for r in regions if r.width and r.height]
    for i, a in enumerate(shown):
        for b in shown[i + 1:]:
            assert not a.overlaps(b), (a, b)


async def test_wide_layout_has_three_panes(corpus: Corpus, make_app: Any) -> None:
    fill_cache(corpus)
    app = make_app(None)
    async with app.run_test(size=(120, 40), notifications=True, tooltips=True) as pilot:
        await settle(pilot)
        screen = main(app)
        panes = (screen.filter_pane, screen.paper_list, screen.detail)
        assert all(p.region.width > 20 for p in panes)
        _no_overlap(*(p.region for p in panes), screen.status.region)
        width = screen.detail.region.width
        await pilot.press("plus", "plus")
        await pilot.pause()
        assert screen.detail.region.width == width + 8
        await pilot.press("minus")
        await pilot.pause()
        assert screen.detail.region.width == width + 4
        await pilot.press("backslash")
        await pilot.pause()
        assert screen.filter_pane.region.width == 0
        await pilot.press("slash")  # the filter box brings the pane back
        await pilot.pause()
        assert screen.filter_pane.region.width > 0 and app.focused is screen.filter_pane.input


async def test_narrow_layout_detail_replaces_list(corpus: Corpus, make_app: Any) -> None:
    fill_cache(corpus)
    app = make_app(None)
    async with app.run_test(size=(80, 24), notifications=True, tooltips=True) as pilot:
        await settle(pilot)
        screen = main(app)
        assert screen.detail.region.width == 0
        _no_overlap(screen.filter_pane.region, screen.paper_list.region, screen.status.region)
        assert screen.paper_list.region.right <= 80
        pid = screen.paper_list.cursor_id
        await pilot.press("enter")
        await settle(pilot)
        assert screen.paper_list.region.width == 0 and screen.detail.region.width > 40
        assert screen.detail.record is not None and screen.detail.record.id == pid
        await pilot.press("escape")
        await pilot.pause()
        assert screen.detail.region.width == 0 and app.focused is screen.paper_list


async def test_pane_keys_move_focus(corpus: Corpus, make_app: Any) -> None:
    fill_cache(corpus)
    app = make_app(None)
    async with app.run_test(size=(120, 40), notifications=True, tooltips=True) as pilot:
        await settle(pilot)
        screen = main(app)
        assert app.focused is screen.paper_list
        await pilot.press("l")
        assert app.focused is screen.detail
        await pilot.press("h", "h")
        assert app.focused is screen.filter_pane.views  # never the filter box: only / is


async def test_help_screen_lists_keys_with_the_users_keymap(corpus: Corpus, make_app: Any) -> None:
    fill_cache(corpus)
    write_config(locations().config_file, '[keymap]\ntoggle-bookmark = "f"\n')
    app = make_app(None)
    async with app.run_test(size=(120, 40), notifications=True, tooltips=True) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        source = app.screen.query_one(Markdown).source
        assert "| `f` | Bookmark" in source and "toggle-bookmark" in source
        assert "is:bookmarked" in source and "sort:upvotes" in source
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_palette_jumps_to_a_paper_by_title(corpus: Corpus, make_app: Any) -> None:
    fill_cache(corpus)
    target = corpus.items_on(corpus.dates()[0])[-1]["paper"]
    app = make_app(None)
    async with app.run_test(size=(120, 40), notifications=True, tooltips=True) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("ctrl+p", *target["id"])
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.pause(0.3)
        assert screen.paper_list.cursor_id == target["id"]
