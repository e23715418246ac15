"""What several sub-commands share: today's feed date, opening the cache and the library."""

from __future__ import annotations

import datetime as dt

from reader.cli.output import warn
from reader.store.cache import PaperCache
from reader.store.locations import Locations, locations
from reader.store.state import LibraryState

FEED_TIME_ZONE = "America/New_York"  # where the Daily Papers day is counted


def feed_today(now: dt.datetime | None = None) -> dt.date:
    """Today's date as the Daily Papers feed counts it (New York), or UTC without tz data."""
    now = now or dt.datetime.now(dt.UTC)
    try:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError
    except ImportError:  # pragma: no cover - zoneinfo is stdlib since 3.9
        return now.astimezone(dt.UTC).date()
    try:
        zone = ZoneInfo(FEED_TIME_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return now.astimezone(dt.UTC).date()
    return now.astimezone(zone).date()


def open_cache(where: Locations | None = None) -> PaperCache:
    """The paper cache, with any file it had to move aside reported as a warning."""
    where = (where or locations()).ensure()
    cache = PaperCache(where.papers_dir)
    return cache


def report_problems(problems: list[str]) -> None:
    """Print what the store had to repair (a corrupt file moved aside) as warnings."""
    for problem in problems:
        warn(problem)


def library_state(where: Locations | None = None) -> LibraryState:
    """A snapshot of the user's library (bookmarks, read, tags, notes); warns about problems."""
    from reader.store.library import Library  # only list/show need it; sync/import do not

    where = (where or locations()).ensure()
    library = Library(where.library_file)
    state = library.snapshot()
    report_problems(library.problems)
    return state
