"""Times in API answers: the listing day of a submission, and the newest time an answer proves."""

from __future__ import annotations

import datetime as dt
from typing import Any

from reader.hub.models import Paper

__all__ = ["OLD_DAY_SHIFT", "NewestTime", "iso_utc", "listing_day", "old_submission_time"]

# Until March 2025 a listing day began the evening before, in UTC: of the 169 items of the
# captured daily answers for 2024-03-12 .. 2025-03-04, every one was submitted between 21:35
# UTC the day before and 16:03 UTC on the day itself (none between 16:03 and 21:35), and
# 8 of them (2025-01-13, 2025-03-04) the evening before. Counting such a time 5 hours later
# puts all 169 on the day the website listed them. From the listings of March 2025 on,
# ``submittedOnDailyAt`` falls on its listing day in UTC (7,077 of 7,077 items).
OLD_DAY_SHIFT = dt.timedelta(hours=5)
# The first listing day on which a daily item's top-level ``publishedAt`` stopped being the
# Daily Papers submission time (it became the arXiv time shifted to New York).
_NEW_RULES = dt.datetime(2025, 3, 11, tzinfo=dt.UTC)


def _utc(stamp: str) -> dt.datetime:
    when = dt.datetime.fromisoformat(stamp)
    return when.replace(tzinfo=dt.UTC) if when.tzinfo is None else when


def old_submission_time(item_time: str | None, published_at: str | None) -> str | None:
    """A daily item's top-level ``publishedAt`` (``item_time``) if it is the Daily Papers
    submission time, else None.

    Until the listing of 2025-03-10 it was (items then had no ``paper.submittedOnDailyAt``);
    from 2025-03-11 on it is the arXiv time shifted back 4 or 5 hours. A submission comes after
    the arXiv publication (``published_at``), a shifted time before it: so the item's time
    counts only if it is before 2025-03-11 and later than the paper's own time.
    """
    if not item_time or not published_at:
        return None
    try:
        when, published = _utc(item_time), _utc(published_at)
    except ValueError:
        return None
    return item_time if published < when < _NEW_RULES else None


def listing_day(paper: Paper) -> str | None:
    """The Daily Papers day (``YYYY-MM-DD``) a paper was listed on, from its submission time;
    None if the paper has none (or it is not a time)."""
    stamp = paper.submitted_daily_at
    if not stamp:
        return None
    try:
        when = _utc(stamp).astimezone(dt.UTC)
    except ValueError:
        return None
    if when < _NEW_RULES:
        when += OLD_DAY_SHIFT
    return when.date().isoformat()


def iso_utc(when: dt.datetime) -> str:
    """``when`` in the API's own format (``2026-03-06T03:55:12.777Z``): stored times in that
    one format compare as strings."""
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return when.astimezone(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class NewestTime:
    """The newest time seen in a set of API items: an answer holding a time was observed no
    earlier than that time. Fed item by item (:meth:`add`); :attr:`value` is in the format of
    :func:`iso_utc`, or None when no item held a time."""

    def __init__(self) -> None:
        self.value: str | None = None

    def add(self, item: Any) -> None:
        """Take the times of one item (daily, search or bare paper; anything else is ignored):
        its and its paper's ``publishedAt``, the submission and withdrawal times, and when each
        author's claim last changed."""
        if not isinstance(item, dict):
            return
        self._take(item.get("publishedAt"))
        paper = item.get("paper", item)
        if not isinstance(paper, dict):
            return
        for key in ("publishedAt", "submittedOnDailyAt", "withdrawnAt"):
            self._take(paper.get(key))
        authors = paper.get("authors")
        if isinstance(authors, list):
            for author in authors:
                if isinstance(author, dict):
                    self._take(author.get("statusLastChangedAt"))

    def _take(self, stamp: Any) -> None:
        # Cheap first: the API writes every time as ...Z with milliseconds, so they compare as
        # strings; only a candidate for the newest is parsed (and anything not a time refused).
        if not isinstance(stamp, str) or (self.value is not None and stamp.endswith("Z")
                                          and stamp[:24] <= self.value):
            return
        try:
            when = iso_utc(dt.datetime.fromisoformat(stamp))
        except (ValueError, OverflowError):
            return
        if self.value is None or when > self.value:
            self.value = when
