"""Trending history: per-day best ranks, the sparkline, the summary and sort:trending."""

from __future__ import annotations

import datetime as dt

from reader.hub.models import Paper
from reader.query import Context, parse
from reader.query.matcher import matches, sort_key
from reader.store.record import Record
from reader.store.state import LibraryState
from reader.trending import best_recent_rank, daily_best, sparkline, summary
from tests.query.test_properties import engine_over

T = (
    (7, "2026-03-03T06:00:00Z"),
    (3, "2026-03-04T06:00:00Z"), (5, "2026-03-04T18:00:00Z"),
    (1, "2026-03-05T06:00:00Z"),
    (4, "2026-03-06T06:00:00Z"),
)


def test_history_sparkline_and_summary() -> None:
    assert daily_best(T) == [("2026-03-03", 7), ("2026-03-04", 3), ("2026-03-05", 1),
                             ("2026-03-06", 4)]
    assert sparkline([7, 3, 1, 4]) == "▁▆█▅"
    assert sparkline([2, 2]) == "██" and sparkline([]) == ""
    assert summary(T) == "#7 -> #4 over 4 days"
    assert summary(T[:1]) == "#7 (1 day)" and summary(()) == ""
    assert summary(T[1:4]) == "#3 -> #1 over 2 days"


def test_best_recent_rank_looks_back_two_days() -> None:
    assert best_recent_rank(T) == 1  # #1 on the 5th, within two days of the 6th
    assert best_recent_rank(T[:3]) == 3
    assert best_recent_rank(((9, "2026-03-01T00:00:00Z"), (4, "2026-03-06T00:00:00Z"))) == 4
    assert best_recent_rank(()) is None


def record(pid: str, trending: tuple[tuple[int, str], ...]) -> Record:
    return Record(Paper(id=pid, title=pid), listed_on=("2026-03-06",), trending=trending)


def test_sort_trending_uses_the_best_recent_rank() -> None:
    was_first = record("2603.00001", ((1, "2026-03-05T06:00:00Z"), (4, "2026-03-06T06:00:00Z")))
    now_second = record("2603.00002", ((2, "2026-03-06T06:00:00Z"),))
    last_week = record("2603.00003", ((1, "2026-02-27T06:00:00Z"),))
    never = record("2603.00004", ())
    records = [never, last_week, now_second, was_first]
    ctx = Context(library=LibraryState(), now=dt.datetime(2026, 3, 6, tzinfo=dt.UTC))
    want = ["2603.00001", "2603.00002", "2603.00003", "2603.00004"]
    query = parse("sort:trending")
    hits = [r for r in records if matches(query, r, ctx)]
    assert [r.id for r in sorted(hits, key=lambda r: sort_key(r, "trending"), reverse=True)] == want
    with engine_over(records) as engine:  # the app's engine: the derived store's trend column
        assert engine.filter(query, ctx, [r.id for r in records]) == want


async def test_the_detail_shows_the_rank_history() -> None:
    from textual.app import App, ComposeResult

    from reader.widgets.paper_detail import PaperDetail

    class DetailApp(App[None]):
        def compose(self) -> ComposeResult:
            yield PaperDetail(id="detail")

    app = DetailApp()
    async with app.run_test(size=(100, 40), notifications=True, tooltips=True) as pilot:
        detail = app.query_one(PaperDetail)
        detail.show(record("2603.00001", T[1:4]), state=LibraryState())
        await pilot.pause()
        meta = detail.query_one("#detail-meta").render().plain  # type: ignore[attr-defined]
        assert "Trending     #1  ▁█  #3 -> #1 over 2 days" in meta
