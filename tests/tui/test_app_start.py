"""Start-up: paint from the cache, refresh in the background, offline, failures, empty cache."""

from __future__ import annotations

from typing import Any

import pytest

from reader.app import PaperReaderApp
from reader.screens.empty import EmptyScreen
from reader.screens.main import MainScreen
from tests.fakehub import FakeHub
from tests.tui.conftest import fill_cache, settle

LATEST = "2026-03-06"


def main(app: PaperReaderApp) -> MainScreen:
    screen = app.screen
    assert isinstance(screen, MainScreen), type(screen).__name__
    return screen


async def test_latest_day_painted_and_refreshed(hf_endpoint: FakeHub, make_app: Any) -> None:
    fill_cache(hf_endpoint.corpus)
    latest_ids = {item["paper"]["id"] for item in hf_endpoint.corpus.items_on(LATEST)}
    app = make_app(hf_endpoint.url)
    async with app.run_test(size=(120, 40), notifications=True, tooltips=True) as pilot:
        await settle(pilot)
        screen = main(app)
        assert screen.result is not None
        shown = [r.id for r in screen.result.records]
        assert set(shown) == latest_ids
        upvotes = [r.paper.upvotes or 0 for r in screen.result.records]
        assert upvotes == sorted(upvotes, reverse=True)  # ordered like the website
        assert screen.paper_list.cursor_id in latest_ids
        assert "Latest day 2026-03-06" in screen.status.view_text
        assert screen.status.network_text.startswith("updated")
        assert hf_endpoint.count("/api/daily_papers") >= 3  # two days and trending


async def test_offline_start_shows_cache_and_says_offline(
    dead_url: str, corpus: Any, make_app: Any
) -> None:
    fill_cache(corpus)
    app = make_app(dead_url)
    async with app.run_test(size=(120, 40), notifications=True, tooltips=True) as pilot:
        await settle(pilot)
        screen = main(app)
        assert screen.result is not None and len(screen.result.records) > 0
        assert screen.status.network_text.startswith("offline")
        assert not any(n.severity == "error" for n in app._notifications)


async def test_offline_flag_uses_no_network(hf_endpoint: FakeHub, make_app: Any) -> None:
    fill_cache(hf_endpoint.corpus)
    app = make_app(None)
    async with app.run_test(size=(120, 40), notifications=True, tooltips=True) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        screen = main(app)
        assert screen.result is not None and screen.result.records
        assert "offline" in screen.status.network_text
    assert hf_endpoint.requests == []


async def test_refresh_failing_midway_stays_calm(hf_endpoint: FakeHub, make_app: Any) -> None:
    fill_cache(hf_endpoint.corpus)
    # Daily listings fail for good; trending goes through the same path, so only search and
    # paper pages would work: the refresh fails as a whole, the app keeps the cached papers.
    hf_endpoint.inject("500", path="/api/daily_papers", times=None)
    app = make_app(hf_endpoint.url)
    async with app.run_test(size=(120, 40), notifications=True, tooltips=True) as pilot:
        await settle(pilot)
        screen = main(app)
        assert screen.status.network_text.startswith("refresh failed")
        assert screen.result is not None and len(screen.result.records) > 0
        await pilot.press("j", "b")  # keys still work
        await settle(pilot)
        assert len(screen.controller.state.bookmarks) == 1
        hf_endpoint.clear_faults()
        await pilot.press("r")
        await settle(pilot)
        assert screen.status.network_text.startswith("updated")


async def test_partial_refresh_reports_failures(hf_endpoint: FakeHub, make_app: Any) -> None:
    fill_cache(hf_endpoint.corpus, days=hf_endpoint.corpus.dates()[:-2])
    hf_endpoint.inject("500", path="/api/daily_papers", times=2)
    app = make_app(hf_endpoint.url)
    async with app.run_test(size=(120, 40), notifications=True, tooltips=True) as pilot:
        await settle(pilot)
        screen = main(app)
        assert screen.status.network_text.startswith("updated")
        assert screen.result is not None and screen.result.records


async def test_empty_cache_offline_flag_shows_friendly_screen(make_app: Any) -> None:
    app = make_app(None)
    async with app.run_test(size=(80, 24), notifications=True, tooltips=True) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, EmptyScreen)
        text = str(app.screen.query_one("#empty-text").render())
        assert "--offline" in text and "paper-reader import" in text


async def test_empty_cache_no_network_shows_friendly_screen(dead_url: str, make_app: Any) -> None:
    app = make_app(dead_url)
    async with app.run_test(size=(80, 24), notifications=True, tooltips=True) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, EmptyScreen)
        text = str(app.screen.query_one("#empty-text").render())
        assert "HF_ENDPOINT" in text and "paper-reader import" in text
        await pilot.press("r")  # try again: still nothing, still the friendly screen
        await settle(pilot)
        assert isinstance(app.screen, EmptyScreen)


async def test_empty_cache_online_fetches_papers(hf_endpoint: FakeHub, make_app: Any) -> None:
    app = make_app(hf_endpoint.url)
    async with app.run_test(size=(120, 40), notifications=True, tooltips=True) as pilot:
        await settle(pilot)
        screen = main(app)
        assert screen.result is not None and screen.result.records
        assert screen.controller.data.complete


async def test_first_frame_has_the_latest_day_and_no_wrong_counts(
    hf_endpoint: FakeHub, make_app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    from reader.controller import Controller

    fill_cache(hf_endpoint.corpus, store=True)
    latest_ids = {item["paper"]["id"] for item in hf_endpoint.corpus.items_on(LATEST)}
    go = threading.Event()  # the full load waits until the first frame has been checked
    real_load_all = Controller.load_all

    def held_load_all(self: Controller, *args: Any) -> Any:
        go.wait(10)
        return real_load_all(self, *args)

    monkeypatch.setattr(Controller, "load_all", held_load_all)
    app = make_app(hf_endpoint.url, offline=True)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = main(app)
        # Straight after mount, before the full load: rows from the store's start-up slice.
        assert {r.id for r in screen.paper_list.records} == latest_ids
        assert not screen.controller.data.complete
        counts = screen.filter_pane.counts
        assert "all" not in counts and "unread" not in counts  # not known yet: shown blank
        go.set()
        await settle(pilot)
        assert screen.controller.data.complete
        assert screen.filter_pane.counts["all"] == len(screen.controller.data.records)


def test_a_count_not_known_yet_is_blank_and_a_broken_view_says_so() -> None:
    from reader.views import View
    from reader.widgets.filter_pane import view_prompt

    assert view_prompt(View("all", "All"), -1, 20).plain.rstrip() == "  All"
    assert view_prompt(View("all", "All"), 0, 20).plain.endswith(" 0")
    assert view_prompt(View("all", "All"), 12345, 20).plain.endswith(" 12,345")
    assert view_prompt(View("saved:x", "x", "(", 1), None, 20).plain.endswith(" !")


async def test_a_restart_unpacks_only_the_papers_it_shows(corpus: Any, make_app: Any) -> None:
    """Papers come back packed from the derived store (see Record.packed): the views, the search
    store, the rules and the saved views' counts need none unpacked, so memory stays low."""
    from reader.query import Context, matches, parse
    from reader.store.locations import locations
    from tests.tui.conftest import write_config

    fill_cache(corpus)
    write_config(locations().config_file, 'mute = ["upvotes:<3"]\n[views]\n"Code" = "has:code"\n')
    async with make_app(None).run_test(size=(120, 40)) as pilot:
        await settle(pilot)  # the first start reads the JSON and builds the store
    app = make_app(None)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main(app)
        screen.switch_view("all")
        await settle(pilot)
        c = screen.controller
        records = c.data.records
        assert c.data.complete and c.engine is not None
        unpacked = [r.id for r in records.values() if not r.is_packed]
        assert len(records) > 200 and len(unpacked) <= 80  # rows on screen, and the detail
        # phrases are checked by the store: the abstracts stay on disk
        assert sum(1 for r in records.values() if not r.needs_summary) <= 80
        # ...and the rules and the saved view's count are right all the same
        muted = {pid for pid, r in records.items() if matches(parse("upvotes:<3"), r, Context())}
        assert muted and c.marks.muted == muted
        code = sum(1 for pid, r in records.items()
                   if pid not in muted and matches(parse("has:code"), r, Context()))
        assert screen.filter_pane.counts["saved:Code"] == code > 0


def test_the_short_switch_interval_survives_overlapping_loads() -> None:
    import sys

    from reader.tuning import SWITCH_INTERVAL_S, short_switches

    before = sys.getswitchinterval()
    with short_switches():
        assert sys.getswitchinterval() == SWITCH_INTERVAL_S
        with short_switches():  # a cancelled load still running while the next one starts
            assert sys.getswitchinterval() == SWITCH_INTERVAL_S
        assert sys.getswitchinterval() == SWITCH_INTERVAL_S  # the outer load is still on
    assert sys.getswitchinterval() == before
