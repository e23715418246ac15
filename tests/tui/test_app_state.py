"""State that tells the truth (issue 12): the status line, Esc, where the cursor starts, counts,
the first run and offline search."""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import Static

from reader.hub.client import PapersClient
from reader.screens.empty import EmptyScreen
from reader.store.library import Library
from reader.store.locations import locations
from reader.widgets.filter_pane import ERROR_AFTER_S
from reader.words import count
from tests.fakehub import Corpus, FakeHub
from tests.tui.conftest import clock, fill_cache, settle
from tests.tui.test_app_start import main

SIZES = ((80, 24), (120, 40))


def messages(app: Any) -> list[str]:
    return [str(n.message) for n in app._notifications]


def test_counts_say_paper_or_papers() -> None:
    assert count(1, "paper") == "1 paper"
    assert count(0, "paper") == "0 papers"
    assert count(12_345, "paper") == "12,345 papers"
    assert count(1200, "paper", sep=False) == "1200 papers"


@pytest.mark.parametrize("size", SIZES)
async def test_the_status_line_shows_the_filter_and_what_it_hides(
        corpus: Corpus, make_app: Any, size: tuple[int, int]) -> None:
    fill_cache(corpus)
    app = make_app(None)
    async with app.run_test(size=size, notifications=True, tooltips=True) as pilot:
        await settle(pilot)
        screen = main(app)
        assert screen.result is not None
        total = len(screen.result.records)
        await pilot.press("slash", *"has:code")
        await settle(pilot)
        shown = len(screen.result.records)
        assert 0 < shown < total
        text = screen.status.view_text
        assert text == f"Latest day 2026-03-06 · {shown} of {total} papers · filter: has:code"
        await pilot.press(*" zzzqqqxyz")
        await settle(pilot)
        text = screen.status.view_text
        assert "0 papers" not in text
        assert text.endswith(f"0 of {total} papers · filter: has:code zzzqqqxyz")


async def test_one_paper_is_one_paper(corpus: Corpus, make_app: Any) -> None:
    fill_cache(corpus)
    app = make_app(None)
    async with app.run_test(size=(120, 40), notifications=True, tooltips=True) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("b")
        await settle(pilot)
        screen.switch_view("bookmarks")
        await settle(pilot)
        assert screen.status.view_text == "Bookmarks · 1 paper"


async def test_the_filter_box_shows_the_end_and_the_caret_the_visible_text(
        corpus: Corpus, make_app: Any) -> None:
    fill_cache(corpus)
    app = make_app(None)
    async with app.run_test(size=(80, 24), notifications=True, tooltips=True) as pilot:
        await settle(pilot)
        screen = main(app)
        box = screen.filter_pane.input
        long = "has:code upvotes:>=1 diffusion models for video ("
        await pilot.press("slash", *long)
        await pilot.pause(ERROR_AFTER_S + 0.1)  # a typed query's error waits for a pause
        await settle(pilot)
        assert box.scroll_offset.x > 0  # the start scrolled away; the end is in view
        error = screen.query_one("#filter-error", Static)
        assert error.display
        caret_line = str(error.render()).splitlines()[0]
        caret = caret_line.index("^")
        # The caret stands inside the pane, under the last characters shown (the "(").
        assert caret < screen.filter_pane.size.width
        assert caret >= box.content_region.x - screen.filter_pane.content_region.x
        screen.filter_pane.set_text("")
        screen.filter_pane.set_text(long[:-2])
        await settle(pilot)
        assert box.cursor_position == len(long) - 2


@pytest.mark.parametrize("size", SIZES)
async def test_escape_clears_the_filter_once_then_does_nothing(
        corpus: Corpus, make_app: Any, size: tuple[int, int]) -> None:
    fill_cache(corpus)
    app = make_app(None)
    async with app.run_test(size=size, notifications=True, tooltips=True) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("slash", *"has:code", "enter")
        await settle(pilot)
        assert app.focused is screen.paper_list
        await pilot.press("escape")
        await settle(pilot)
        assert screen.filter_pane.text == ""
        assert "filter:" not in screen.status.view_text
        assert any(m.startswith("Filter cleared") for m in messages(app))
        before = (len(messages(app)), screen.paper_list.cursor_id, screen.view_key)
        await pilot.press("escape")
        await settle(pilot)
        assert (len(messages(app)), screen.paper_list.cursor_id, screen.view_key) == before
        assert app.focused is screen.paper_list


@pytest.mark.parametrize("size", SIZES)
async def test_views_sorts_and_filters_start_at_the_first_paper(
        corpus: Corpus, make_app: Any, size: tuple[int, int]) -> None:
    fill_cache(corpus)
    app = make_app(None)
    async with app.run_test(size=size, notifications=True, tooltips=True) as pilot:
        await settle(pilot)
        screen = main(app)
        screen.switch_view("all")
        await settle(pilot)
        said: list[str] = []
        notify = app.notify

        def spy(message: str, **kwargs: Any) -> None:
            said.append(message)
            notify(message, **kwargs)

        app.notify = spy  # type: ignore[method-assign]
        for keys in (("W",), ("t",), ("A",)):
            await pilot.press(*"jjjjj")
            await settle(pilot)
            assert screen.paper_list.cursor_index == 5
            await pilot.press(*keys)
            await settle(pilot)
            assert screen.paper_list.cursor_index == 0, keys
            assert screen.paper_list.scroll_offset.y == 0
        assert said == ["Sorted by date, newest first"]
        assert "sort: date" in screen.status.view_text
        await pilot.press("t")
        await settle(pilot)
        assert said[-1] == "Sorted by upvotes, most first"
        await pilot.press(*"jjj", "slash", *"has:code", "enter")
        await settle(pilot)
        assert screen.paper_list.cursor_index == 0


async def test_the_right_side_is_the_refresh_not_the_last_search(
        hf_endpoint: FakeHub, make_app: Any) -> None:
    corpus = hf_endpoint.corpus
    fill_cache(corpus)
    word = corpus.items_on(corpus.dates()[0])[0]["paper"]["title"].split()[0]
    app = make_app(hf_endpoint.url)
    async with app.run_test(size=(120, 40), notifications=True, tooltips=True) as pilot:
        await settle(pilot)
        screen = main(app)
        assert screen.status.network_text.startswith("updated ")
        right = screen.status.network_text
        await pilot.press("slash", *f"?{word}", "enter")
        await settle(pilot)
        assert screen.view_key == "search", messages(app)
        assert screen.status.network_text == right
        assert "search results" not in screen.status.network_text
        assert screen.status.view_text.startswith(f"Search results for {word} · ")


async def test_new_counts_papers_new_since_the_last_visit(
        hf_endpoint: FakeHub, make_app: Any) -> None:
    corpus = hf_endpoint.corpus
    fill_cache(corpus, days=corpus.dates()[:-2])
    Library(locations().library_file).start_visit("2026-03-01T00:00:00+00:00")
    app = make_app(hf_endpoint.url)
    async with app.run_test(size=(120, 40), notifications=True, tooltips=True) as pilot:
        await settle(pilot)
        screen = main(app)
        c = screen.controller
        # The cache was filled before the last visit began; the refresh added the rest.
        expected = c.count_new(c.data)
        assert expected > 0
        assert screen.status.network_text.startswith("updated ")
        assert f"· {expected:,} new" in screen.status.network_text


async def test_the_first_run_fetches_a_week_and_offers_a_month(
        hf_endpoint: FakeHub, make_app: Any) -> None:
    app = make_app(hf_endpoint.url)
    async with app.run_test(size=(120, 40), notifications=True, tooltips=True) as pilot:
        await settle(pilot)
        screen = main(app)
        days = {query["date"] for _, path, query, _ in hf_endpoint.requests
                if path == "/api/daily_papers" and "date" in query}
        assert len(days) >= 7
        assert len(screen.controller.data.days) >= 5  # a week of listing days (weekends off)
        assert any("paper-reader sync --days 30" in m for m in messages(app))
        screen.switch_view("bookmarks")
        await settle(pilot)
        assert "paper-reader sync --days 30" in screen.paper_list.empty_text


async def test_an_empty_home_without_network_explains_before_the_retries_end(
        dead_url: str) -> None:
    from reader.app import PaperReaderApp

    # Slow retries, as the real client's: the refresh alone would take many seconds.
    client = PapersClient(dead_url, retries=4, backoff=3.0, timeout=5.0)
    app = PaperReaderApp(client=client, clock=clock)
    async with app.run_test(size=(120, 40), notifications=True, tooltips=True) as pilot:
        for _ in range(200):
            await pilot.pause(0.02)
            if isinstance(app.screen, EmptyScreen):
                break
        assert isinstance(app.screen, EmptyScreen)
        refreshing = [w for w in app.workers if w.group == "refresh"]
        assert refreshing and not refreshing[0].is_finished  # the retries are still going
        for worker in refreshing:
            worker.cancel()


async def test_offline_remote_search_says_so_at_once_and_stays_in_the_view(
        dead_url: str, corpus: Corpus, make_app: Any) -> None:
    fill_cache(corpus)
    app = make_app(dead_url)
    async with app.run_test(size=(120, 40), notifications=True, tooltips=True) as pilot:
        await settle(pilot)
        screen = main(app)
        assert screen.status.network_text.startswith("offline")
        screen.switch_view("week")
        await settle(pilot)
        word = screen.result.records[0].paper.title.split()[0]
        await pilot.press("slash", *f"?{word}", "enter")
        await pilot.pause()
        assert "offline: searched the cache instead" in messages(app)
        assert not any(w.group == "search" for w in app.workers)
        await settle(pilot)
        assert screen.view_key == "week"
        assert screen.filter_pane.text == word
        assert screen.result.records


async def test_the_refresh_time_is_today_even_while_new_york_is_still_yesterday(
        hf_endpoint: FakeHub) -> None:
    # 03:00 UTC: New York's Daily Papers day is still the day before. The refresh happened
    # now, so the status line says "today" (local time), never a full date.
    from reader.app import PaperReaderApp
    from tests.tui.conftest import NOW

    early = NOW.replace(hour=3)
    fill_cache(hf_endpoint.corpus)
    client = PapersClient(hf_endpoint.url, retries=1, backoff=0.01, timeout=5.0)
    app = PaperReaderApp(client=client, clock=lambda: early)
    async with app.run_test(size=(120, 40), notifications=True, tooltips=True) as pilot:
        await settle(pilot)
        expected = f"updated {early.astimezone():%H:%M} today"
        assert main(app).status.network_text.startswith(expected)
