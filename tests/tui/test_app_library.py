"""Bookmarks and read state through the library; the keymap from config.toml; the theme."""

from __future__ import annotations

from typing import Any

from reader.config import load_config
from reader.store.library import Library
from reader.store.locations import locations
from tests.fakehub import Corpus
from tests.tui.conftest import fill_cache, settle, write_config
from tests.tui.test_app_start import main


async def test_bookmark_and_read_survive_a_restart(corpus: Corpus, make_app: Any) -> None:
    fill_cache(corpus)
    app = make_app(None)
    async with app.run_test(size=(120, 40), notifications=True, tooltips=True) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("j")
        first = screen.paper_list.cursor_id
        assert first is not None
        await pilot.press("b", "m")
        await settle(pilot)
        assert screen.controller.state.is_bookmarked(first)
        assert screen.controller.state.is_read(first)
    again = make_app(None)
    async with again.run_test(size=(120, 40), notifications=True, tooltips=True) as pilot:
        await settle(pilot)
        screen = main(again)
        assert screen.controller.state.is_bookmarked(first)
        assert screen.controller.state.is_read(first)
        screen.switch_view("bookmarks")
        await settle(pilot)
        assert screen.result is not None
        assert [r.id for r in screen.result.records] == [first]
        assert screen.controller.new_since is not None  # the first session was remembered
    state = Library(locations().library_file).snapshot()
    assert first in state.bookmarks


async def test_enter_marks_read_and_m_undoes_it(corpus: Corpus, make_app: Any) -> None:
    fill_cache(corpus)
    app = make_app(None)
    async with app.run_test(size=(120, 40), notifications=True, tooltips=True) as pilot:
        await settle(pilot)
        screen = main(app)
        pid = screen.paper_list.cursor_id
        assert pid is not None and not screen.controller.state.is_read(pid)
        await pilot.press("enter")
        await settle(pilot)
        assert screen.controller.state.is_read(pid)
        await pilot.press("escape", "m")
        await settle(pilot)
        assert not screen.controller.state.is_read(pid)


async def test_dwelling_in_the_detail_marks_read(corpus: Corpus, make_app: Any) -> None:
    fill_cache(corpus)
    write_config(locations().config_file, "read_after_seconds = 0.05\n")
    app = make_app(None)
    async with app.run_test(size=(120, 40), notifications=True, tooltips=True) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("j")
        pid = screen.paper_list.cursor_id
        assert pid is not None
        await pilot.pause(0.3)
        assert screen.controller.state.is_read(pid)


async def test_unread_view_excludes_read(corpus: Corpus, make_app: Any) -> None:
    fill_cache(corpus)
    app = make_app(None)
    async with app.run_test(size=(120, 40), notifications=True, tooltips=True) as pilot:
        await settle(pilot)
        screen = main(app)
        pid = screen.paper_list.cursor_id
        await pilot.press("m")
        screen.switch_view("unread")
        await settle(pilot)
        assert screen.result is not None
        assert pid not in {r.id for r in screen.result.records}
        assert len(screen.result.records) == len(screen.controller.data.records) - 1


async def test_keymap_from_config_remaps_a_binding(corpus: Corpus, make_app: Any) -> None:
    fill_cache(corpus)
    write_config(locations().config_file, '[keymap]\ntoggle-bookmark = "f"\n')
    app = make_app(None)
    async with app.run_test(size=(120, 40), notifications=True, tooltips=True) as pilot:
        await settle(pilot)
        screen = main(app)
        pid = screen.paper_list.cursor_id
        await pilot.press("b")
        await settle(pilot)
        assert not screen.controller.state.is_bookmarked(pid or "")
        await pilot.press("f")
        await settle(pilot)
        assert screen.controller.state.is_bookmarked(pid or "")


async def test_broken_config_gives_defaults_and_a_notice(corpus: Corpus, make_app: Any) -> None:
    fill_cache(corpus)
    path = locations().ensure().config_file
    path.write_text("refresh_minutes = [[[\n", encoding="utf-8")
    app = make_app(None)
    async with app.run_test(size=(120, 40), notifications=True, tooltips=True) as pilot:
        await pilot.pause()  # the toast is read before it times out on a busy machine
        assert any("not valid TOML" in str(n.message) for n in app._notifications)
        await settle(pilot)
        assert main(app).result is not None
    assert path.read_text(encoding="utf-8") == "refresh_minutes = [[[\n"  # left as it was


async def test_theme_choice_is_remembered(corpus: Corpus, make_app: Any) -> None:
    fill_cache(corpus)
    app = make_app(None)
    async with app.run_test(size=(120, 40), notifications=True, tooltips=True) as pilot:
        await settle(pilot)
        app.theme = "nord"
        await settle(pilot)
    config = load_config(locations().config_file)
    assert config.theme == "nord"
    assert "# Colour theme" in locations().config_file.read_text(encoding="utf-8")

