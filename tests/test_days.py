"""reader.days and the dated views: one "today", weeks, months, paging and their labels."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest

from reader.days import (
    FIRST_DAILY_DATE,
    Span,
    current_span,
    day_span,
    feed_today,
    month_span,
    page,
    week_span,
)
from reader.views import Data, view_span, view_title

D = dt.date.fromisoformat


def test_today_is_new_yorks_date_for_the_app_and_the_cli() -> None:
    # 03:00 UTC is still the previous evening in New York.
    assert feed_today(dt.datetime(2026, 11, 30, 3, 0, tzinfo=dt.UTC)) == D("2026-11-29")
    assert feed_today(dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC)) == D("2026-11-30")
    from reader import controller, sync
    from reader.cli import sync_cmd

    assert sync.feed_today is feed_today and sync_cmd.feed_today is feed_today

    class Clock:
        now = dt.datetime(2026, 11, 30, 3, 0, tzinfo=dt.UTC)

    c = controller.Controller.__new__(controller.Controller)
    c.clock = lambda: Clock.now
    assert c.today() == D("2026-11-29")


def test_spans() -> None:
    assert week_span(D("2026-11-30")) == Span("week", D("2026-11-30"), D("2026-12-06"))
    assert week_span(D("2026-11-29")).lo == D("2026-11-23")
    assert month_span(D("2026-02-14")) == Span("month", D("2026-02-01"), D("2026-02-28"))
    assert month_span(D("2026-12-31")).hi == D("2026-12-31")
    assert "2026-11-25" in week_span(D("2026-11-29")) and "2026-11-30" not in week_span(
        D("2026-11-29"))
    assert week_span(D("2026-11-29")).text == "2026-11-23 – 11-29"
    assert week_span(D("2026-12-31")).text == "2026-12-28 – 2027-01-03"
    assert month_span(D("2026-11-02")).text == "2026-11" and day_span(D("2026-11-02")).text == (
        "2026-11-02")
    assert month_span(D("2026-01-10")).step(-1) == month_span(D("2025-12-01"))
    assert month_span(D("2026-12-10")).step(1) == month_span(D("2027-01-01"))


def _days(first: str, last: str) -> list[str]:
    lo, hi = D(first), D(last)
    return [(lo + dt.timedelta(days=i)).isoformat() for i in range((hi - lo).days + 1)]


def test_this_week_on_a_monday_is_last_week() -> None:
    listing = _days("2026-11-09", "2026-11-30")  # 2026-11-30 is a Monday
    monday = current_span("week", listing, D("2026-11-30"))
    assert (monday.lo, monday.hi) == (D("2026-11-23"), D("2026-11-29"))
    # Tuesday: still fewer than 3 days in the new week. Wednesday: the new week.
    assert current_span("week", [*listing, "2026-12-01"], D("2026-12-01")).lo == D("2026-11-23")
    wednesday = current_span("week", [*listing, "2026-12-01", "2026-12-02"], D("2026-12-02"))
    assert wednesday.lo == D("2026-11-30")
    # A cache with nothing before the newest week keeps that week.
    assert current_span("week", ["2026-11-30"], D("2026-11-30")).lo == D("2026-11-30")
    # "This month" is the newest listing day's month; with no papers, today's.
    assert current_span("month", listing, D("2026-12-01")).lo == D("2026-11-01")
    assert current_span("month", [], D("2026-12-01")).lo == D("2026-12-01")


def test_paging_stops_at_the_newest_and_the_first_period() -> None:
    newest = D("2026-11-30")
    assert page(day_span(newest), -1, newest=newest).span == day_span(D("2026-11-29"))
    refused = page(day_span(newest), 1, newest=newest)
    assert refused.span is None and refused.refusal == "this is the newest day"
    week = week_span(D("2026-11-23"))
    assert page(week, 1, newest=newest).span == week_span(newest)
    assert page(week_span(newest), 1, newest=newest).refusal == "this is the newest week"
    assert page(month_span(newest), 1, newest=newest).refusal == "this is the newest month"
    assert page(month_span(newest), -1, newest=newest).span == month_span(D("2026-10-01"))
    first = page(day_span(FIRST_DAILY_DATE), -1, newest=newest)
    assert first.span is None and "first day" in first.refusal


def test_views_take_their_span_from_reader_days() -> None:
    listing = _days("2026-11-16", "2026-11-30")
    data = Data(days={d: () for d in listing})
    today = D("2026-11-30")
    assert view_span("latest", data, today=today) == day_span(today)
    assert view_span("day", data, today=today, day="2026-11-20") == day_span(D("2026-11-20"))
    week = view_span("week", data, today=today)
    assert week == week_span(D("2026-11-29"))  # a Monday: last week, not "Latest day"
    assert view_span("week", data, today=today, anchors={"week": "2026-11-16"}) == week_span(
        D("2026-11-16"))
    assert view_span("trending", data, today=today) is None
    assert view_title("latest", "Latest day", day_span(today)) == "Latest day 2026-11-30"
    assert view_title("week", "This week", week) == "This week 2026-11-23 – 11-29"
    assert view_title("week", "This week", week_span(D("2026-11-16")), paged=True) == (
        "Week 2026-11-16 – 11-22")
    assert view_title("month", "This month", month_span(today)) == "This month 2026-11"
    assert view_title("all", "All", None) == "All"


@pytest.mark.parametrize("module", ["reader.days", "reader.views", "reader.links"])
def test_the_calendar_needs_no_textual(module: str) -> None:
    code = f"import sys, {module}; sys.exit('textual' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
