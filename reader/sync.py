"""Fetch daily papers and trending into the cache: used by `paper-reader sync` and the TUI refresh.

Nothing here prints: progress goes to an optional callback, failures into the returned report.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Protocol

from reader.days import FEED_TIME_ZONE, FIRST_DAILY_DATE, feed_today
from reader.hub.errors import HubError
from reader.hub.models import Paper
from reader.hub.times import listing_day
from reader.store.cache import MergeResult

__all__ = ["FEED_TIME_ZONE", "FIRST_DAILY_DATE", "SyncReport", "feed_today", "listing_day",
           "newest_listing_day", "plan_days", "sync", "with_newest_day"]

ALWAYS_REFRESH = 2  # the newest days are still changing (upvotes, late submissions)

Progress = Callable[[str, int, int], None]


class Client(Protocol):
    """The part of :class:`reader.hub.client.PapersClient` that sync uses."""

    async def daily(
        self,
        *,
        date: str | None = None,
        week: str | None = None,
        month: str | None = None,
        sort: str | None = None,
        submitter: str | None = None,
        limit: int = 100,
        max_pages: int | None = None,
    ) -> list[Paper]: ...

    async def trending(self, *, limit: int = 100, max_pages: int | None = 1) -> list[Paper]: ...


class Cache(Protocol):
    """The part of :class:`reader.store.cache.PaperCache` that sync uses."""

    def merge(
        self,
        papers: Sequence[Paper],
        *,
        listed_on: str | None = None,
        trending: bool = False,
        now: str | None = None,
    ) -> MergeResult: ...

    def day_complete(self, day: str) -> bool: ...

    def batch(self) -> AbstractContextManager[None]: ...

    def mark_day_complete(self, day: str, count: int, now: str | None = None) -> None: ...


@dataclass
class SyncReport:
    """What one sync did.

    ``new``/``updated``: distinct papers added / changed. ``fetched``: papers received.
    ``days``: listing days merged successfully (sorted). ``failed``: one ``"what: why"`` line
    per failed fetch (a day, a month or trending). ``ok``: fetches that succeeded.
    ``errors``: the failures themselves, in the order of ``failed``.
    """

    new: int = 0
    updated: int = 0
    fetched: int = 0
    failed: list[str] = field(default_factory=list)
    days: list[str] = field(default_factory=list)
    ok: int = 0
    errors: list[Exception] = field(default_factory=list)

    @property
    def nothing_fetched(self) -> bool:
        """True when every fetch failed (there was at least one)."""
        return self.ok == 0 and bool(self.failed)


def _parse_day(value: str | dt.date) -> dt.date:
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value)


def plan_days(
    cache: Cache,
    *,
    today: dt.date,
    date: str | dt.date | None = None,
    days: int | None = None,
    since: str | dt.date | None = None,
) -> list[str]:
    """The listing days to fetch, newest first.

    ``date``: that one day. ``days``: the last N days up to ``today``. ``since``: every day from
    ``since`` to ``today``, skipping days the cache holds complete, except the last two which are
    always refreshed. None of them: today and yesterday. Ranges never reach before the first Daily
    Papers date. Raises ValueError on a malformed date or a non-positive ``days``.
    """
    if date is not None:
        return [_parse_day(date).isoformat()]
    if days is not None:
        if days < 1:
            raise ValueError("the number of days must be at least 1")
        start = max(today - dt.timedelta(days=days - 1), FIRST_DAILY_DATE)
        return _range_newest_first(start, today)
    if since is not None:
        start = max(_parse_day(since), FIRST_DAILY_DATE)
        if start > today:
            raise ValueError(f"{start.isoformat()} is after today ({today.isoformat()})")
        fresh = {(today - dt.timedelta(days=i)).isoformat() for i in range(ALWAYS_REFRESH)}
        wanted = _range_newest_first(start, today)
        return [d for d in wanted if d in fresh or not cache.day_complete(d)]
    return _range_newest_first(today - dt.timedelta(days=ALWAYS_REFRESH - 1), today)


def _range_newest_first(start: dt.date, end: dt.date) -> list[str]:
    count = (end - start).days + 1
    return [(end - dt.timedelta(days=i)).isoformat() for i in range(max(count, 0))]


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class _Run:
    """The mutable state of one sync: merges results as fetches finish and counts them."""

    def __init__(self, cache: Cache, total: int, progress: Progress | None) -> None:
        self.cache = cache
        self.total = total
        self.done = 0
        self.progress = progress
        self.new: set[str] = set()
        self.updated: set[str] = set()
        self.days: set[str] = set()
        self.report = SyncReport()
        self.now = _now()

    def merged(self, result: MergeResult) -> None:
        self.new.update(result.new)
        self.updated.update(result.updated)

    def finished(self, label: str, error: Exception | None) -> None:
        self.done += 1
        if error is None:
            self.report.ok += 1
        else:
            self.report.failed.append(f"{label}: {error}")
            self.report.errors.append(error)
        if self.progress is not None:
            self.progress(label, self.done, self.total)

    def finish(self) -> SyncReport:
        report = self.report
        report.new = len(self.new)
        report.updated = len(self.updated - self.new)
        report.days = sorted(self.days)
        return report


# Network failures are reported, never raised: the client turns them into HubError; httpx errors
# are caught too so that a client bug that leaks one still cannot abort the other days.
def _fetch_errors() -> tuple[type[Exception], ...]:
    import httpx  # here, not at the top: the app imports this module before its first paint

    return (HubError, httpx.HTTPError)


async def _sync_day(run: _Run, client: Client, day: str) -> None:
    try:
        papers = await client.daily(date=day)
    except _fetch_errors() as exc:
        run.finished(day, exc)
        return
    run.report.fetched += len(papers)

    def merge() -> MergeResult:
        result = run.cache.merge(papers, listed_on=day, now=run.now)
        run.cache.mark_day_complete(day, len(papers), now=run.now)
        return result

    run.merged(await asyncio.to_thread(merge))
    run.days.add(day)
    run.finished(day, None)


async def _sync_month(run: _Run, client: Client, month: str) -> None:
    try:
        papers = await client.daily(month=month)
    except _fetch_errors() as exc:
        run.finished(month, exc)
        return
    run.report.fetched += len(papers)
    by_day: dict[str | None, list[Paper]] = {}
    for paper in papers:
        by_day.setdefault(listing_day(paper), []).append(paper)

    def merge() -> list[MergeResult]:
        results = []
        for day, group in by_day.items():
            results.append(run.cache.merge(group, listed_on=day, now=run.now))
            # A whole month came back, so each of its days that had papers is complete.
            if day is not None and day.startswith(month):
                run.cache.mark_day_complete(day, len(group), now=run.now)
        return results

    for result in await asyncio.to_thread(merge):
        run.merged(result)
    run.days.update(d for d in by_day if d is not None and d.startswith(month))
    run.finished(month, None)


async def _sync_trending(run: _Run, client: Client) -> None:
    try:
        papers = await client.trending()
    except _fetch_errors() as exc:
        run.finished("trending", exc)
        return
    run.report.fetched += len(papers)
    result = await asyncio.to_thread(run.cache.merge, papers, trending=True, now=run.now)
    # A new sighting in the trending list is not an update of the paper: without this every
    # sync would report ~100 papers "updated" although nothing a reader sees had changed.
    run.new.update(result.new)
    run.finished("trending", None)


async def newest_listing_day(client: Client) -> str | None:
    """The newest listing day the server has (its first unfiltered item), None if unknown.

    The feed's day turns over on the server's clock, which New York's date can lag or lead:
    asking is the only way to know. A failure returns None (the day fetches report errors).
    """
    try:
        papers = await client.daily(limit=1, max_pages=1)
    except _fetch_errors():
        return None
    return max((d for d in map(listing_day, papers) if d), default=None)


async def with_newest_day(client: Client, planned: Sequence[str]) -> list[str]:
    """``planned`` days (newest first) plus the server's newest listing day when it is newer."""
    newest = await newest_listing_day(client)
    if newest is None or newest in planned:
        return list(planned)
    return sorted([newest, *planned], reverse=True)


async def sync(
    client: Client,
    cache: Cache,
    *,
    days: Sequence[str] = (),
    months: Sequence[str] = (),
    trending: bool = True,
    progress: Progress | None = None,
) -> SyncReport:
    """Fetch the given listing days (``YYYY-MM-DD``), months (``YYYY-MM``) and trending; merge them.

    Fetches run concurrently (the client bounds how many requests are in flight); each result is
    merged as soon as it arrives, so one failed day never stops or undoes the others. A day is
    marked complete only when its fetch succeeded. Disk writes are batched (``cache.batch()``):
    each touched shard is written once at the end, also when the sync is cancelled.
    ``progress(label, done, total)`` is called after each fetch finishes, failed or not.

    Only the network waits run on the caller's event loop: every merge and the final write run
    in threads (the cache locks itself), so a TUI refresh never stalls the screen.
    """
    total = len(days) + len(months) + (1 if trending else 0)
    run = _Run(cache, total, progress)
    jobs = [_sync_day(run, client, day) for day in days]
    jobs += [_sync_month(run, client, month) for month in months]
    if trending:
        jobs.append(_sync_trending(run, client))
    batch = cache.batch()
    # Entering waits for the cache's lock (a write of another sync may hold it): a thread too.
    await asyncio.to_thread(batch.__enter__)
    try:
        await asyncio.gather(*jobs)
    finally:
        # The shards are written here. Cancelled meanwhile, the thread still finishes the write.
        await asyncio.to_thread(batch.__exit__, None, None, None)
    return run.finish()
