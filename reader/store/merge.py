"""The rules for folding a freshly fetched paper into what the cache already knows."""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from reader.hub.models import Paper
from reader.store.record import TRENDING_KEEP, Record

_PAPER_FIELDS = tuple(f.name for f in fields(Paper) if f.name != "id")


@dataclass(slots=True)
class MergeResult:
    """What one :meth:`PaperCache.merge` call did: ids added, ids changed, and how many of the
    given papers were already known with nothing new."""

    new: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0


def now_iso() -> str:
    """The current UTC time in the API's own format (``2026-03-06T03:55:12.777Z``), so stored
    times compare as strings."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _is_empty(value: Any) -> bool:
    return value is None or value == "" or value == ()


def merge_paper(old: Paper, new: Paper, *, older: bool = False) -> Paper:
    """``old`` updated with every field ``new`` actually carries.

    A newer fetch wins for anything it brings (upvotes, stars, comments, AI fields, links...),
    but an empty value (None, "", ()) never overwrites: a search hit, which lacks the daily
    fields, cannot erase what a daily listing brought. With ``older`` (``new`` was observed
    before what ``old`` holds), ``new`` only fills the fields ``old`` lacks: an old capture
    never turns 115 upvotes back into 49. Returns ``old`` itself if nothing changed.
    """
    changes: dict[str, Any] = {}
    for name in _PAPER_FIELDS:
        value = getattr(new, name)
        if _is_empty(value):
            continue
        current = getattr(old, name)
        if value != current and (not older or _is_empty(current)):
            changes[name] = value
    return replace(old, **changes) if changes else old


def merge_record(
    old: Record | None,
    paper: Paper,
    *,
    listed_on: str | None = None,
    rank: int | None = None,
    now: str,
    observed: str | None = None,
) -> Record:
    """The record after seeing ``paper`` (listed on ``listed_on``, at trending ``rank``) at
    ``now``, as it was at ``observed`` (default ``now``). Returns ``old`` itself (same object)
    when nothing changed, so callers can test ``result is old``.

    listed_on is a sorted union; a trending sighting ``(rank, now)`` is appended (the last
    ``TRENDING_KEEP`` kept); first_seen is set once; updated_at moves only on a change.
    ``observed_at`` keeps the newest observation that changed the record: one older than it
    only fills empty fields (see :func:`merge_paper`). A record whose observation time is
    unknown ("", from an older paper-reader) takes any observation as newer.
    """
    seen = observed or now
    if old is None:
        return Record(
            paper=paper,
            listed_on=(listed_on,) if listed_on else (),
            trending=((rank, now),) if rank is not None else (),
            first_seen=now,
            updated_at=now,
            observed_at=seen,
        )
    old_paper = old.paper  # read once: a packed record unpacks on each first read
    older = bool(old.observed_at) and seen < old.observed_at
    merged = merge_paper(old_paper, paper, older=older)
    days = old.listed_on
    if listed_on and listed_on not in days:
        days = tuple(sorted((*days, listed_on)))
    trending = old.trending
    if rank is not None:
        trending = (*trending, (rank, now))[-TRENDING_KEEP:]
    if merged is old_paper and days is old.listed_on and trending is old.trending:
        # Seen again unchanged: observed_at stays, or every sync would rewrite every record.
        return old
    return Record(
        paper=merged,
        listed_on=days,
        trending=trending,
        first_seen=old.first_seen or now,
        updated_at=after(old.updated_at, now),
        observed_at=old.observed_at if older else seen,
    )


def after(previous: str, now: str) -> str:
    """``now``, or a millisecond after ``previous`` if that is not earlier: a record's
    ``updated_at`` moves on every change, even two changes in one sync run (one ``now``), so
    that it tells versions apart."""
    if not previous or previous < now:
        return now
    try:
        when = datetime.fromisoformat(previous) + timedelta(milliseconds=1)
    except ValueError:
        return now  # not ours: the next change puts it right
    return when.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
