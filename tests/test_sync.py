"""reader.sync: planning which days to fetch, and merging fetches into a real cache."""

from __future__ import annotations

import asyncio
import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

from reader.hub.errors import NetworkError, ServerError
from reader.hub.models import Paper
from reader.store.cache import PaperCache
from reader.sync import FIRST_DAILY_DATE, feed_today, plan_days, sync

TODAY = dt.date(2026, 3, 10)


def paper(pid: str, day: str | None = None, upvotes: int = 1) -> Paper:
    return Paper(
        id=pid,
        title=f"Paper {pid}",
        submitted_daily_at=f"{day}T04:00:00.000Z" if day else None,
        upvotes=upvotes,
    )


class FakeClient:
    """Serves canned papers per day/month; raises the configured error for some labels."""

    def __init__(
        self,
        days: dict[str, list[Paper]] | None = None,
        months: dict[str, list[Paper]] | None = None,
        trending: list[Paper] | None = None,
        fail: dict[str, Exception] | None = None,
    ) -> None:
        self.days = days or {}
        self.months = months or {}
        self.trending_list = trending or []
        self.fail = fail or {}
        self.calls: list[str] = []

    async def daily(self, *, date: str | None = None, month: str | None = None,
                    **_: object) -> list[Paper]:
        label = date or month or "?"
        self.calls.append(label)
        await asyncio.sleep(0)
        if label in self.fail:
            raise self.fail[label]
        return list(self.days.get(label, []) if date else self.months.get(label, []))

    async def trending(self, **_: object) -> list[Paper]:
        self.calls.append("trending")
        if "trending" in self.fail:
            raise self.fail["trending"]
        return list(self.trending_list)


@pytest.fixture
def cache(tmp_path: Path) -> PaperCache:
    return PaperCache(tmp_path / "papers")


# --- plan_days ---------------------------------------------------------------------------------


def test_plan_default_is_today_and_yesterday(cache: PaperCache) -> None:
    assert plan_days(cache, today=TODAY) == ["2026-03-10", "2026-03-09"]


def test_plan_one_date(cache: PaperCache) -> None:
    assert plan_days(cache, today=TODAY, date="2025-12-01") == ["2025-12-01"]


def test_plan_last_n_days_newest_first(cache: PaperCache) -> None:
    planned = plan_days(cache, today=TODAY, days=8)
    assert planned[0] == "2026-03-10"
    assert planned[-1] == "2026-03-03"
    assert len(planned) == 8


def test_plan_never_reaches_before_the_first_daily_papers(cache: PaperCache) -> None:
    planned = plan_days(cache, today=FIRST_DAILY_DATE + dt.timedelta(days=2), days=100)
    assert planned[-1] == FIRST_DAILY_DATE.isoformat()
    assert len(planned) == 3


def test_plan_since_skips_complete_days_but_not_the_last_two(cache: PaperCache) -> None:
    for day in ("2026-03-05", "2026-03-06", "2026-03-09", "2026-03-10"):
        cache.mark_day_complete(day, 3)
    planned = plan_days(cache, today=TODAY, since="2026-03-04")
    assert planned == ["2026-03-10", "2026-03-09", "2026-03-08", "2026-03-07", "2026-03-04"]


@pytest.mark.parametrize("kwargs", [{"days": 0}, {"since": "2026-04-01"}, {"date": "2026-13-01"}])
def test_plan_rejects_bad_input(cache: PaperCache, kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        plan_days(cache, today=TODAY, **kwargs)  # type: ignore[arg-type]


# --- sync --------------------------------------------------------------------------------------


async def test_sync_merges_days_and_marks_them_complete(cache: PaperCache) -> None:
    client = FakeClient(days={
        "2026-03-10": [paper("2603.00001", "2026-03-10"), paper("2603.00002", "2026-03-10")],
        "2026-03-09": [],  # a weekend day with nothing listed is still a complete day
    })
    report = await sync(client, cache, days=["2026-03-10", "2026-03-09"], trending=False)
    assert (report.new, report.updated, report.fetched, report.failed) == (2, 0, 2, [])
    assert report.days == ["2026-03-09", "2026-03-10"]
    assert cache.day_complete("2026-03-10") and cache.day_complete("2026-03-09")
    assert cache.get("2603.00001").listed_on == ("2026-03-10",)  # type: ignore[union-attr]
    assert sorted(cache.ids_on("2026-03-10")) == ["2603.00001", "2603.00002"]


async def test_one_failed_day_does_not_stop_the_others(cache: PaperCache) -> None:
    client = FakeClient(
        days={"2026-03-10": [paper("2603.00001")], "2026-03-08": [paper("2603.00003")]},
        fail={"2026-03-09": ServerError("the server answered 503 for /api/daily_papers", 503)},
    )
    seen: list[tuple[str, int, int]] = []
    report = await sync(client, cache, days=["2026-03-10", "2026-03-09", "2026-03-08"],
                        trending=False, progress=lambda *step: seen.append(step))
    assert report.failed == ["2026-03-09: the server answered 503 for /api/daily_papers"]
    assert isinstance(report.errors[0], ServerError)
    assert report.ok == 2 and not report.nothing_fetched
    assert report.days == ["2026-03-08", "2026-03-10"]
    assert not cache.day_complete("2026-03-09")
    assert cache.day_complete("2026-03-08")
    assert sorted(step[1] for step in seen) == [1, 2, 3]
    assert {step[2] for step in seen} == {3}
    assert {step[0] for step in seen} == {"2026-03-10", "2026-03-09", "2026-03-08"}


async def test_everything_failing_is_nothing_fetched(cache: PaperCache) -> None:
    down = NetworkError("could not reach http://127.0.0.1:9: connection refused")
    client = FakeClient(fail={"2026-03-10": down, "trending": down})
    report = await sync(client, cache, days=["2026-03-10"])
    assert report.nothing_fetched
    assert len(report.failed) == 2
    assert len(cache) == 0


async def test_trending_is_merged_with_ranks(cache: PaperCache) -> None:
    client = FakeClient(trending=[paper("2601.00009"), paper("2603.00001")])
    report = await sync(client, cache, trending=True)
    assert report.new == 2 and report.days == []
    assert cache.get("2601.00009").trending_rank == 1  # type: ignore[union-attr]
    assert cache.get("2603.00001").trending_rank == 2  # type: ignore[union-attr]


async def test_counts_each_paper_once_across_fetches(cache: PaperCache) -> None:
    cache.merge([paper("2603.00002", upvotes=1)], listed_on="2026-03-01")
    client = FakeClient(
        days={"2026-03-10": [paper("2603.00001"), paper("2603.00002", upvotes=9)]},
        trending=[paper("2603.00001", upvotes=5), paper("2603.00002", upvotes=9)],
    )
    report = await sync(client, cache, days=["2026-03-10"])
    assert (report.new, report.updated) == (1, 1)
    assert report.fetched == 4


async def test_month_is_split_by_listing_day(cache: PaperCache) -> None:
    client = FakeClient(months={"2026-02": [
        paper("2602.00001", "2026-02-03"), paper("2602.00002", "2026-02-03"),
        paper("2602.00003", "2026-02-04"), paper("2601.00004", None),
        paper("2601.00005", "2026-01-31"),  # edge of the month: listed, not marked complete
    ]})
    report = await sync(client, cache, months=["2026-02"], trending=False)
    assert report.new == 5
    assert report.days == ["2026-02-03", "2026-02-04"]
    assert cache.days()["2026-02-03"] == 2
    assert cache.day_complete("2026-02-04") and not cache.day_complete("2026-01-31")
    assert cache.get("2601.00005").listed_on == ("2026-01-31",)  # type: ignore[union-attr]
    assert cache.get("2601.00004").listed_on == ()  # type: ignore[union-attr]


async def test_failed_month_merges_nothing(cache: PaperCache) -> None:
    client = FakeClient(fail={"2026-02": ServerError("boom", 500)})
    report = await sync(client, cache, months=["2026-02"], trending=False)
    assert report.failed == ["2026-02: boom"] and report.nothing_fetched
    assert len(cache) == 0


def test_sync_does_not_import_textual() -> None:
    # The TUI runs sync in a worker, but sync itself (and the CLI's import path) stays headless.
    code = ("import sys, reader.sync, reader.cli.parser; "
            "sys.exit(1 if 'textual' in sys.modules else 0)")
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_feed_today_is_the_new_york_date() -> None:
    # 02:00 UTC is still the evening before in New York.
    assert feed_today(dt.datetime(2026, 3, 7, 2, 0, tzinfo=dt.UTC)) == dt.date(2026, 3, 6)
    assert feed_today(dt.datetime(2026, 3, 7, 12, 0, tzinfo=dt.UTC)) == dt.date(2026, 3, 7)


def test_feed_today_falls_back_to_utc_without_tz_data(monkeypatch: pytest.MonkeyPatch) -> None:
    import zoneinfo

    def missing(key: str) -> zoneinfo.ZoneInfo:
        raise zoneinfo.ZoneInfoNotFoundError(key)

    monkeypatch.setattr(zoneinfo, "ZoneInfo", missing)
    assert feed_today(dt.datetime(2026, 3, 7, 2, 0, tzinfo=dt.UTC)) == dt.date(2026, 3, 7)
