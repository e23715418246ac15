"""Bugs found by driving the real app through tmux, each pinned by a Pilot test."""

from __future__ import annotations

import dataclasses
from typing import Any

from textual.containers import VerticalScroll
from textual.widgets import Input, Static

from reader.screens.help import HelpScreen
from reader.store.locations import locations
from tests.fakehub import Corpus
from tests.tui.conftest import fill_cache, settle, write_config
from tests.tui.test_app_start import main


async def test_dwelling_updates_the_unread_count(corpus: Corpus, make_app: Any) -> None:
    fill_cache(corpus)
    write_config(locations().config_file, "read_after_seconds = 0.05\n")
    app = make_app(None)
    async with app.run_test(size=(120, 40), notifications=True, tooltips=True) as pilot:
        await settle(pilot)
        screen = main(app)
        before = screen.filter_pane.counts["unread"]
        await pilot.press("j")
        await pilot.pause(0.3)
        await settle(pilot)
        assert screen.controller.state.is_read(screen.paper_list.cursor_id or "")
        assert screen.filter_pane.counts["unread"] == (before or 0) - 1


async def test_detail_and_help_scroll_with_vim_keys(corpus: Corpus, make_app: Any) -> None:
    fill_cache(corpus)
    app = make_app(None)
    async with app.run_test(size=(120, 20), notifications=True, tooltips=True) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("enter")
        await settle(pilot)
        detail = screen.detail
        assert app.focused is detail and detail.max_scroll_y > 2
        await pilot.press("j", "j")
        await pilot.pause()
        assert detail.scroll_y == 2
        await pilot.press("k")
        await pilot.pause()
        assert detail.scroll_y == 1
        await pilot.press("G")
        await pilot.pause()
        assert detail.scroll_y == detail.max_scroll_y
        await pilot.press("g")
        await pilot.pause()
        assert detail.scroll_y == 0
        await pilot.press("ctrl+d")
        await pilot.pause()
        assert detail.scroll_y > 1
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        scroll = app.screen.query_one("#help-scroll", VerticalScroll)
        await pilot.press("j", "G")
        await pilot.pause()
        assert scroll.scroll_y == scroll.max_scroll_y > 1


async def test_day_pager_updates_the_day_count(corpus: Corpus, make_app: Any) -> None:
    fill_cache(corpus)
    app = make_app(None)
    async with app.run_test(size=(120, 40), notifications=True, tooltips=True) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("left_square_bracket", "left_square_bracket")
        await settle(pilot)
        c = screen.controller
        assert c.day is not None and screen.view_key == "day"
        assert screen.result is not None
        assert screen.filter_pane.counts["day"] == len(screen.result.records)
        assert len(c.data.days[c.day]) == len(screen.result.records)


async def test_backslash_hides_the_filter_pane_after_slash(corpus: Corpus,
                                                           make_app: Any) -> None:
    fill_cache(corpus)
    app = make_app(None)
    async with app.run_test(size=(120, 40), notifications=True, tooltips=True) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("slash", "escape", "backslash")
        await pilot.pause()
        assert screen.filter_pane.region.width == 0
        assert app.focused is screen.paper_list
        await pilot.press("backslash", "slash", "tab")
        await pilot.pause()
        assert app.focused is not None and app.focused.id == "views"
        await pilot.press("backslash")  # hiding the pane takes the focus out of it
        await pilot.pause()
        assert screen.filter_pane.region.width == 0
        assert app.focused is screen.paper_list


async def test_tab_in_rules_dialog_skips_an_empty_rule_list(corpus: Corpus,
                                                            make_app: Any) -> None:
    fill_cache(corpus)
    app = make_app(None)
    async with app.run_test(size=(120, 40), notifications=True, tooltips=True) as pilot:
        await settle(pilot)
        await pilot.press("e", "tab")
        await pilot.pause()
        assert app.focused is app.screen.query_one("#watch-input", Input)
        await pilot.press(*"kw:x", "enter", "shift+tab")  # now the watch list holds a rule
        await pilot.pause()
        assert app.focused is not None and app.focused.id == "watch-rules"
        await pilot.press("d")  # removed: the focus goes back to the box, not nowhere
        await pilot.pause()
        assert app.screen.rules["watch"] == []
        assert app.focused is app.screen.query_one("#watch-input", Input)


async def test_question_mark_hint_has_no_error_caret(corpus: Corpus, make_app: Any) -> None:
    fill_cache(corpus)
    app = make_app(None)
    async with app.run_test(size=(120, 40), notifications=True, tooltips=True) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("slash", "question_mark", "x")
        await pilot.pause()
        error = screen.filter_pane.query_one("#filter-error", Static)
        text = str(error.visual)
        assert "huggingface.co" in text and "^" not in text


async def test_all_muted_view_says_so(corpus: Corpus, make_app: Any) -> None:
    fill_cache(corpus)
    write_config(locations().config_file, 'mute = ["upvotes:>=0"]\n')
    app = make_app(None)
    async with app.run_test(size=(120, 40), notifications=True, tooltips=True) as pilot:
        await settle(pilot)
        screen = main(app)
        assert screen.result is not None and not screen.result.records
        assert "muted" in screen.paper_list.empty_text and "M" in screen.paper_list.empty_text


async def test_detail_shows_the_refreshed_record(corpus: Corpus, make_app: Any) -> None:
    fill_cache(corpus)
    app = make_app(None)
    async with app.run_test(size=(120, 40), notifications=True, tooltips=True) as pilot:
        await settle(pilot)
        screen = main(app)
        record = screen.current_record()
        assert record is not None and screen.detail.record is not None
        assert screen.detail.record.id == record.id
        newer = dataclasses.replace(record.paper, upvotes=(record.paper.upvotes or 0) + 1000)
        screen.controller.cache.merge([newer])
        screen.load_data("reload")
        await settle(pilot)
        shown = screen.detail.record
        assert shown is not None and shown.id == record.id
        assert shown.paper.upvotes == newer.upvotes
