"""Network flows: the day pager fetching an uncached day, remote search, linked repos."""

from __future__ import annotations

import datetime as dt
from typing import Any

from reader.store.cache import PaperCache
from reader.store.locations import locations
from tests.fakehub import FakeHub
from tests.tui.conftest import fill_cache, settle
from tests.tui.test_app_start import main


async def test_day_pager_fetches_an_uncached_day(hf_endpoint: FakeHub, make_app: Any) -> None:
    corpus = hf_endpoint.corpus
    dates = corpus.dates()
    fill_cache(corpus, days=dates[-2:])  # only the newest two days are cached
    target = dates[-4]
    app = make_app(hf_endpoint.url)
    async with app.run_test(size=(120, 40), notifications=True, tooltips=True) as pilot:
        await settle(pilot)
        screen = main(app)
        steps = (dt.date.fromisoformat(dates[-1]) - dt.date.fromisoformat(target)).days
        for _ in range(steps):
            await pilot.press("left_square_bracket")
        await settle(pilot)
        assert screen.view_key == "day" and screen.controller.day == target
        fetched = [q.get("date") for _, path, q, _ in hf_endpoint.requests
                   if path == "/api/daily_papers"]
        assert target in fetched
        assert screen.result is not None
        want = {item["paper"]["id"] for item in corpus.items_on(target)}
        assert {r.id for r in screen.result.records} == want
        assert f"Day {target}" in screen.status.view_text
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert screen.controller.day > target


async def test_day_pager_offline_says_not_cached(dead_url: str, corpus: Any, make_app: Any) -> None:
    fill_cache(corpus, days=corpus.dates()[-1:])
    app = make_app(None)
    async with app.run_test(size=(120, 40), notifications=True, tooltips=True) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert screen.result is not None and screen.result.records == []
        assert "not cached" in screen.paper_list.empty_text


async def test_remote_search_adds_papers_found_offline_later(
    hf_endpoint: FakeHub, make_app: Any
) -> None:
    corpus = hf_endpoint.corpus
    dates = corpus.dates()
    fill_cache(corpus, days=dates[-1:], trending=False)
    old = corpus.items_on(dates[0])[0]["paper"]
    app = make_app(hf_endpoint.url)
    async with app.run_test(size=(120, 40), notifications=True, tooltips=True) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("slash")
        screen.filter_pane.set_text("?" + old["title"])
        await pilot.press("enter")
        await settle(pilot)
        assert screen.view_key == "search"
        assert screen.result is not None
        assert old["id"] in [r.id for r in screen.result.records]
        assert any(path == "/api/papers/search" for _, path, _, _ in hf_endpoint.requests)
    assert PaperCache(locations().papers_dir).get(old["id"]) is not None
    hf_endpoint.stop()
    offline = make_app(None)
    async with offline.run_test(size=(120, 40), notifications=True, tooltips=True) as pilot:
        await settle(pilot)
        screen = main(offline)
        screen.switch_view("all")
        await pilot.press("slash", *f"id:{old['id']}")
        await settle(pilot)
        assert [r.id for r in screen.result.records] == [old["id"]]


async def test_remote_search_offline_filters_the_cache(corpus: Any, make_app: Any) -> None:
    fill_cache(corpus)
    app = make_app(None)
    async with app.run_test(size=(120, 40), notifications=True, tooltips=True) as pilot:
        await settle(pilot)
        screen = main(app)
        word = corpus.items[0]["paper"]["title"].split()[0]
        await pilot.press("slash")
        screen.filter_pane.set_text(word)
        await pilot.press("escape", "S")
        await settle(pilot)
        assert any("offline: searched the cache instead" in str(n.message)
                   for n in app._notifications)
        assert screen.view_key == "latest" and screen.filter_pane.text == word
        assert screen.result is not None and screen.result.records


async def test_opening_a_paper_fetches_and_caches_linked_repos(
    hf_endpoint: FakeHub, make_app: Any
) -> None:
    fill_cache(hf_endpoint.corpus)
    app = make_app(hf_endpoint.url)
    async with app.run_test(size=(120, 40), notifications=True, tooltips=True) as pilot:
        await settle(pilot)
        screen = main(app)
        pid = screen.paper_list.cursor_id
        assert pid is not None
        await pilot.press("enter")
        await settle(pilot)
        assert any(path == f"/api/arxiv/{pid}/repos" for _, path, _, _ in hf_endpoint.requests)
    assert PaperCache(locations().papers_dir).linked_get(pid) is not None
