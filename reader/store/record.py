"""A cached paper: the paper itself plus what the cache has learnt about it over time."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from reader.hub.models import Paper, paper_from_dict, paper_to_dict

TRENDING_KEEP = 20  # trending sightings kept per paper (newest last)


@dataclass(frozen=True, slots=True)
class Record:
    """One paper in the cache.

    ``listed_on``: the Daily Papers dates (``YYYY-MM-DD``) it was listed on, sorted.
    ``trending``: ``(rank, seen_at)`` pairs, 1-based rank in the trending list, oldest first.
    ``first_seen`` / ``updated_at``: ISO times of the first merge and of the last changing merge.
    """

    paper: Paper
    listed_on: tuple[str, ...] = ()
    trending: tuple[tuple[int, str], ...] = ()
    first_seen: str = ""
    updated_at: str = ""

    @property
    def id(self) -> str:
        return self.paper.id

    @property
    def day(self) -> str:
        """The date this paper belongs to in date-ordered views: its newest listing day, else the
        day of its Daily Papers submission, else its arXiv publication day ("" if none known)."""
        if self.listed_on:
            return self.listed_on[-1]
        stamp = self.paper.submitted_daily_at or self.paper.published_at or ""
        return stamp[:10]

    @property
    def trending_rank(self) -> int | None:
        """The rank at the newest trending sighting, if any."""
        return self.trending[-1][0] if self.trending else None


def record_to_dict(r: Record) -> dict[str, Any]:
    """The on-disk (and ``--json``) form of a record: the paper's fields plus the cache's."""
    d = paper_to_dict(r.paper)
    if r.listed_on:
        d["listed_on"] = list(r.listed_on)
    if r.trending:
        d["trending"] = [[rank, at] for rank, at in r.trending]
    if r.first_seen:
        d["first_seen"] = r.first_seen
    if r.updated_at:
        d["updated_at"] = r.updated_at
    return d


def record_from_dict(d: dict[str, Any]) -> Record:
    """Inverse of :func:`record_to_dict`."""
    return Record(
        paper=paper_from_dict(d),
        listed_on=tuple(d.get("listed_on", ())),
        trending=tuple((int(rank), str(at)) for rank, at in d.get("trending", ())),
        first_seen=d.get("first_seen", ""),
        updated_at=d.get("updated_at", ""),
    )
