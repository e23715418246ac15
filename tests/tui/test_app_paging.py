"""`[` / `]` page from what is on screen: days, ISO weeks and months, with their range shown."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.conftest import CORPUS_END
from tests.fakehub import Corpus
from tests.tui.conftest import fill_cache, settle
from tests.tui.test_app_start import main

SIZES = [(80, 24), (120, 40)]
END = CORPUS_END.isoformat()  # a Friday


def _messages(app: Any) -> list[str]:
    return [str(n.message) for n in app._notifications]


def _ids_between(corpus: Corpus, lo: str, hi: str) -> set[str]:
    return {it["paper"]["id"] for d in corpus.dates() if lo <= d <= hi
            for it in corpus.items_on(d)}


@pytest.mark.parametrize("size", SIZES)
async def test_days_page_from_the_day_on_screen(size: tuple[int, int], corpus: Corpus,
                                                make_app: Any) -> None:
    fill_cache(corpus)
    app = make_app(None)
    async with app.run_test(size=size, notifications=True, tooltips=True) as pilot:
        await settle(pilot)
        screen = main(app)
        assert screen.status.view_text.startswith(f"Latest day {END}")
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert "This is the newest day." in _messages(app)
        assert screen.view_key == "latest"
        await pilot.press("left_square_bracket")
        await settle(pilot)
        before = (CORPUS_END - dt.timedelta(days=1)).isoformat()
        assert screen.view_key == "day" and screen.status.view_text.startswith(f"Day {before}")
        assert screen.result is not None
        assert {r.id for r in screen.result.records} == _ids_between(corpus, before, before)
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert screen.status.view_text.startswith(f"Day {END}")
        app._notifications.clear()
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert _messages(app) == ["This is the newest day."]
        assert screen.status.view_text.startswith(f"Day {END}")


@pytest.mark.parametrize("size", SIZES)
async def test_weeks_and_months_page_and_show_their_range(
        size: tuple[int, int], corpus: Corpus, make_app: Any) -> None:
    fill_cache(corpus)
    app = make_app(None)
    async with app.run_test(size=size, notifications=True, tooltips=True) as pilot:
        await settle(pilot)
        screen = main(app)
        screen.switch_view("week")
        await settle(pilot)
        assert screen.status.view_text.startswith("This week 2026-03-02 – 03-08")
        assert {r.id for r in screen.result.records} == _ids_between(  # type: ignore[union-attr]
            corpus, "2026-03-02", "2026-03-08")
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert screen.view_key == "week"
        assert screen.status.view_text.startswith("Week 2026-02-23 – 03-01")
        assert {r.id for r in screen.result.records} == _ids_between(  # type: ignore[union-attr]
            corpus, "2026-02-23", "2026-03-01")
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert screen.status.view_text.startswith("Week 2026-03-02 – 03-08")
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert "This is the newest week." in _messages(app)

        screen.switch_view("month")
        await settle(pilot)
        assert screen.status.view_text.startswith("This month 2026-03")
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert screen.view_key == "month" and screen.status.view_text.startswith("Month 2026-02")
        assert {r.id for r in screen.result.records} == _ids_between(  # type: ignore[union-attr]
            corpus, "2026-02-01", "2026-02-28")


@pytest.mark.parametrize("size", SIZES)
async def test_this_week_on_a_monday_is_not_the_latest_day(size: tuple[int, int],
                                                           make_app: Any) -> None:
    monday = CORPUS_END + dt.timedelta(days=3)
    corpus = Corpus(days=10, end=monday, seed=1)
    fill_cache(corpus)
    app = make_app(None)
    async with app.run_test(size=size, notifications=True, tooltips=True) as pilot:
        await settle(pilot)
        screen = main(app)
        latest = {r.id for r in screen.result.records}  # type: ignore[union-attr]
        screen.switch_view("week")
        await settle(pilot)
        week = {r.id for r in screen.result.records}  # type: ignore[union-attr]
        assert week and week != latest and not week & latest
        assert screen.status.view_text.startswith("This week 2026-03-02 – 03-08")
