"""A paper's trending history: its best rank per day, a sparkline and a one-line summary, and
the "best recent rank" that sort:trending orders by (no Textual here)."""

from __future__ import annotations

import datetime as dt

RECENT_DAYS = 2  # sort:trending: the best rank within this many days before the last sighting
BARS = "▁▂▃▄▅▆▇█"


def _day(seen: str) -> str:
    return seen[:10]


def daily_best(trending: tuple[tuple[int, str], ...]) -> list[tuple[str, int]]:
    """``(day, best rank that day)`` for each day with a sighting, oldest first."""
    best: dict[str, int] = {}
    for rank, seen in trending:
        day = _day(seen)
        best[day] = min(rank, best.get(day, rank))
    return sorted(best.items())


def sparkline(ranks: list[int]) -> str:
    """One bar per rank, the best (lowest) rank tallest: ``[9, 3, 1]`` -> ``"▁▆█"``."""
    if not ranks:
        return ""
    lo, hi = min(ranks), max(ranks)
    if lo == hi:
        return BARS[-1] * len(ranks)
    top = len(BARS) - 1
    return "".join(BARS[round((hi - r) * top / (hi - lo))] for r in ranks)


def summary(trending: tuple[tuple[int, str], ...]) -> str:
    """``"#3 -> #1 over 2 days"`` (first day's best rank to the last day's), ``"#4 (1 day)"``
    when it was seen on one day only; "" if never seen."""
    days = daily_best(trending)
    if not days:
        return ""
    if len(days) == 1:
        return f"#{days[0][1]} (1 day)"
    first, last = days[0], days[-1]
    span = _span(first[0], last[0])
    return f"#{first[1]} -> #{last[1]} over {span} days"


def _span(first: str, last: str) -> int:
    """Days from the first to the last sighting, both counted."""
    try:
        return (dt.date.fromisoformat(last) - dt.date.fromisoformat(first)).days + 1
    except ValueError:
        return 0


def best_recent_rank(trending: tuple[tuple[int, str], ...]) -> int | None:
    """The best rank among the sightings of the last :data:`RECENT_DAYS` days before (and
    including) the newest one; None if never seen."""
    if not trending:
        return None
    newest = _day(trending[-1][1])
    try:
        since = (dt.date.fromisoformat(newest) - dt.timedelta(days=RECENT_DAYS)).isoformat()
    except ValueError:
        return trending[-1][0]
    return min(rank for rank, seen in trending if since < _day(seen) <= newest)
