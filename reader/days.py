"""The Daily Papers calendar, defined once: "today", days, ISO weeks, months, paging, labels.

The command line and the app both use this module, so "today", "this week" and the range a
pager shows cannot drift apart. Nothing here touches Textual or the network.

"This week" is the ISO week (Monday to Sunday) of the newest listing day, unless that week holds
fewer than ``WEEK_MIN_DAYS`` listing days (a Monday or Tuesday): then it is the ISO week before,
so that on a Monday "This week" is last week and never the same papers as "Latest day".
"This month" is the calendar month of the newest listing day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

FIRST_DAILY_DATE = dt.date(2023, 5, 4)  # the first Daily Papers date on huggingface.co
FEED_TIME_ZONE = "America/New_York"  # where the Daily Papers day is counted
WEEK_MIN_DAYS = 3  # a current ISO week with fewer listing days gives way to the one before

DAY, WEEK, MONTH = "day", "week", "month"


def feed_today(now: dt.datetime | None = None) -> dt.date:
    """Today's date as the Daily Papers feed counts it (New York), or UTC without tz data."""
    now = now or dt.datetime.now(dt.UTC)
    if now.tzinfo is None:
        now = now.replace(tzinfo=dt.UTC)
    try:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError
    except ImportError:  # pragma: no cover - zoneinfo is stdlib since 3.9
        return now.astimezone(dt.UTC).date()
    try:
        zone = ZoneInfo(FEED_TIME_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return now.astimezone(dt.UTC).date()
    return now.astimezone(zone).date()


@dataclass(frozen=True, slots=True)
class Span:
    """An inclusive range of listing days: one day, one ISO week or one calendar month."""

    kind: str  # DAY, WEEK or MONTH
    lo: dt.date
    hi: dt.date

    def __contains__(self, day: object) -> bool:
        return isinstance(day, str) and self.lo.isoformat() <= day <= self.hi.isoformat()

    @property
    def anchor(self) -> str:
        """The first day, as ``YYYY-MM-DD`` (what a pager remembers)."""
        return self.lo.isoformat()

    @property
    def text(self) -> str:
        """``2026-11-30``, ``2026-11-23 – 11-29`` (ISO week) or ``2026-11`` (month)."""
        if self.kind == DAY:
            return self.lo.isoformat()
        if self.kind == MONTH:
            return self.lo.isoformat()[:7]
        hi = self.hi.isoformat()
        return f"{self.lo.isoformat()} – {hi[5:] if hi[:4] == self.lo.isoformat()[:4] else hi}"

    def step(self, n: int) -> Span:
        """The span ``n`` days, weeks or months later (earlier when negative)."""
        if self.kind == DAY:
            return day_span(self.lo + dt.timedelta(days=n))
        if self.kind == WEEK:
            return week_span(self.lo + dt.timedelta(weeks=n))
        months = self.lo.year * 12 + self.lo.month - 1 + n
        return month_span(dt.date(months // 12, months % 12 + 1, 1))


def day_span(day: dt.date) -> Span:
    return Span(DAY, day, day)


def week_span(day: dt.date) -> Span:
    """The ISO week (Monday to Sunday) holding ``day``."""
    start = day - dt.timedelta(days=day.weekday())
    return Span(WEEK, start, start + dt.timedelta(days=6))


def month_span(day: dt.date) -> Span:
    """The calendar month holding ``day``."""
    start = day.replace(day=1)
    following = (start + dt.timedelta(days=32)).replace(day=1)
    return Span(MONTH, start, following - dt.timedelta(days=1))


def span_of(kind: str, day: dt.date) -> Span:
    """The day, ISO week or month holding ``day``."""
    return {DAY: day_span, WEEK: week_span, MONTH: month_span}[kind](day)


def current_span(kind: str, listing_days: Iterable[str], today: dt.date) -> Span:
    """The span a view shows before any paging: see the module docstring for "This week".

    ``listing_days``: the days that have papers (any order); without any, ``today`` counts.
    """
    days = sorted(listing_days)
    newest = dt.date.fromisoformat(days[-1]) if days else today
    span = span_of(kind, newest)
    if kind == WEEK:
        held = sum(1 for d in days if d in span)
        before = span.step(-1)
        if held < WEEK_MIN_DAYS and any(d in before for d in days):
            span = before
    return span


@dataclass(frozen=True, slots=True)
class Paged:
    """Where a pager went: the new span, or ``None`` with the reason it could not move."""

    span: Span | None
    refusal: str = ""


def page(span: Span, step: int, *, newest: dt.date) -> Paged:
    """``span`` moved by ``step`` periods, never past the period holding ``newest`` nor before
    the first Daily Papers date."""
    moved = span.step(step)
    if moved.lo > newest:
        return Paged(None, f"this is the newest {span.kind}")
    if moved.hi < FIRST_DAILY_DATE:
        return Paged(None, f"this is the first {span.kind} of Daily Papers")
    return Paged(moved)
