"""Keys that do what people expect (issue 12): S, h/l, the view list, a, the key bar, help and
the views' own keys."""

from __future__ import annotations

from typing import Any

import pytest

from reader.commands import SearchProvider
from reader.keys import markdown
from reader.screens.help import HelpScreen
from reader.store.locations import locations
from reader.widgets.key_bar import KeyBar
from tests.fakehub import Corpus, FakeHub
from tests.tui.conftest import fill_cache, settle
from tests.tui.test_app_start import main

SIZES = ((80, 24), (120, 40))


def messages(app: Any) -> list[str]:
    return [str(n.message) for n in app._notifications]


@pytest.mark.parametrize("size", SIZES)
async def test_capital_s_with_no_filter_types_after_the_question_mark(
        hf_endpoint: FakeHub, make_app: Any, size: tuple[int, int]) -> None:
    corpus = hf_endpoint.corpus
    fill_cache(corpus)
    old = corpus.items_on(corpus.dates()[0])[0]["paper"]
    word = next(w for w in old["title"].split() if w.isalpha() and len(w) > 3)
    app = make_app(hf_endpoint.url)
    async with app.run_test(size=size, notifications=True, tooltips=True) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("S", *word)
        await settle(pilot)
        assert screen.filter_pane.text == f"?{word}"
        await pilot.press("enter")
        await settle(pilot)
        assert any(path == "/api/papers/search" for _, path, _, _ in hf_endpoint.requests)
        assert screen.view_key == "search"
        assert screen.controller.recent_searches()[0] == word


async def test_remote_search_with_field_terms_says_it_takes_plain_words(
        hf_endpoint: FakeHub, make_app: Any) -> None:
    fill_cache(hf_endpoint.corpus)
    app = make_app(hf_endpoint.url)
    async with app.run_test(size=(120, 40), notifications=True, tooltips=True) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("slash", *"?kw:diffusion has:code video", "enter")
        await settle(pilot)
        said = [m for m in messages(app) if "plain words" in m]
        assert said and "'diffusion video'" in said[0]
        searched = [q for _, path, q, _ in hf_endpoint.requests if path == "/api/papers/search"]
        assert searched and searched[-1].get("q") == "diffusion video"
        assert screen.controller.recent_searches()[0] == "diffusion video"


async def test_the_last_twenty_searches_are_kept_and_offered_again(
        hf_endpoint: FakeHub, make_app: Any) -> None:
    fill_cache(hf_endpoint.corpus)
    app = make_app(hf_endpoint.url)
    async with app.run_test(size=(120, 40), notifications=True, tooltips=True) as pilot:
        await settle(pilot)
        for n in range(22):
            main(app).net.search(f"robot {n}")
            await settle(pilot)
    assert (locations().data_dir / "searches.json").exists()
    again = make_app(hf_endpoint.url)
    async with again.run_test(size=(120, 40), notifications=True, tooltips=True) as pilot:
        await settle(pilot)
        screen = main(again)
        recent = screen.controller.recent_searches()
        assert len(recent) == 20 and recent[0] == "robot 21" and "robot 1" not in recent
        provider = SearchProvider(screen)
        hits = [hit async for hit in provider.search("robot 7")]
        hit = next(h for h in hits if h.text == "Search again: robot 7")
        before = sum(1 for _, path, _, _ in hf_endpoint.requests if path == "/api/papers/search")
        hit.command()
        await settle(pilot)
        after = [q for _, path, q, _ in hf_endpoint.requests if path == "/api/papers/search"]
        assert len(after) == before + 1 and after[-1].get("q") == "robot 7"


@pytest.mark.parametrize("size", SIZES)
async def test_h_and_l_move_between_panes_never_into_the_filter_box(
        corpus: Corpus, make_app: Any, size: tuple[int, int]) -> None:
    fill_cache(corpus)
    app = make_app(None)
    async with app.run_test(size=size, notifications=True, tooltips=True) as pilot:
        await settle(pilot)
        screen = main(app)
        views = screen.filter_pane.views
        await pilot.press("h")
        assert app.focused is views
        await pilot.press("h", "h")
        assert app.focused is views
        assert screen.filter_pane.text == ""
        first = views.highlighted
        await pilot.press("j", "j")
        assert views.highlighted == (first or 0) + 2
        await pilot.press("k")
        assert views.highlighted == (first or 0) + 1
        await pilot.press("G")
        assert views.highlighted == views.option_count - 1
        await pilot.press("g")
        assert views.highlighted == 0
        await pilot.press("l")
        assert app.focused is screen.paper_list


@pytest.mark.parametrize("size", SIZES)
async def test_a_expands_the_authors_from_any_pane(
        corpus: Corpus, make_app: Any, size: tuple[int, int]) -> None:
    fill_cache(corpus)
    app = make_app(None)
    async with app.run_test(size=size, notifications=True, tooltips=True) as pilot:
        await settle(pilot)
        screen = main(app)
        if size[0] < 100:
            await pilot.press("enter")  # narrow: the detail shows once a paper is opened
            await settle(pilot)
        records = screen.result.records if screen.result else []
        for record in records:
            screen.paper_list.move_to(record.id)
            await settle(pilot)
            if screen.detail.hidden_authors:
                break
        else:
            pytest.skip("no paper with more authors than fit")
        for pane in (screen.paper_list, screen.filter_pane.views):
            if not pane.region.width:
                continue
            pane.focus()
            await pilot.press("a")
            assert screen.detail.authors_expanded
            await pilot.press("a")
            assert not screen.detail.authors_expanded


async def test_the_key_bar_at_80x24_always_has_quit_and_help(
        corpus: Corpus, make_app: Any) -> None:
    fill_cache(corpus)
    app = make_app(None)
    async with app.run_test(size=(80, 24), notifications=True, tooltips=True) as pilot:
        await settle(pilot)
        screen = main(app)
        # (In the filter box q and ? are letters to type: the bar rightly leaves them out.)
        for focus in (screen.paper_list, screen.filter_pane.views):
            focus.focus()
            await settle(pilot)
            line = screen.query_one(KeyBar).render().plain
            assert "q Quit" in line and "? Help" in line, (focus, line)
            assert len(line) == 80


@pytest.mark.parametrize("size", SIZES)
async def test_help_says_how_to_close_it_and_is_compact_when_narrow(
        corpus: Corpus, make_app: Any, size: tuple[int, int]) -> None:
    fill_cache(corpus)
    app = make_app(None)
    async with app.run_test(size=size, notifications=True, tooltips=True) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        shown = app.screen.query_one("#help-text").source  # type: ignore[attr-defined]
        assert "closes this help" in shown
        assert ("Id (for `[keymap]`)" in shown) == (size[0] >= 100)
        assert app.screen.has_class("-compact") == (size[0] < 100)
        await pilot.press("escape")
        await settle(pilot)
        main(app)


@pytest.mark.parametrize("size", SIZES)
async def test_built_in_views_have_their_own_keys(
        corpus: Corpus, make_app: Any, size: tuple[int, int]) -> None:
    fill_cache(corpus)
    app = make_app(None)
    async with app.run_test(size=size, notifications=True, tooltips=True) as pilot:
        await settle(pilot)
        screen = main(app)
        for key, view in (("T", "trending"), ("A", "all"), ("W", "week"), ("O", "month"),
                          ("U", "unread"), ("B", "bookmarks"), ("L", "latest")):
            await pilot.press(key)
            await settle(pilot)
            assert screen.view_key == view, key
    table = markdown()
    for binding_id in ("view-latest", "view-week", "view-month", "view-trending",
                       "view-bookmarks", "view-unread", "view-all"):
        assert f"`{binding_id}`" in table
