"""The cache's listing-day index (index.json): which papers were listed on which day, which days
were fetched in full, and the last trending list."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from reader.store.atomic import CorruptFile
from reader.store.record import Record

RECENT_DAYS = 3  # listing days in the start-up slice


class DayIndex:
    """Listing day -> paper ids (in the order first listed), the days known to be fully fetched,
    and the last trending list (ids in rank order)."""

    def __init__(self) -> None:
        self.days: dict[str, list[str]] = {}
        self._members: dict[str, set[str]] = {}
        self.complete: dict[str, dict[str, Any]] = {}  # day -> {"count": n, "fetched": at}
        self.trending_ids: list[str] = []
        self.trending_at: str | None = None

    def add(self, day: str, ids: Iterable[str]) -> bool:
        """Append the ids not yet listed on ``day``; True if anything was added."""
        listed = self.days.setdefault(day, [])
        members = self._members.setdefault(day, set(listed))
        before = len(listed)
        for paper_id in ids:
            if paper_id not in members:
                members.add(paper_id)
                listed.append(paper_id)
        return len(listed) != before

    def set_trending(self, ids: Iterable[str], at: str) -> None:
        self.trending_ids = list(dict.fromkeys(ids))
        self.trending_at = at

    def counts(self) -> dict[str, int]:
        """Listing day -> number of papers, newest day first."""
        return {day: len(self.days[day]) for day in sorted(self.days, reverse=True)}

    def newest_days(self, n: int = RECENT_DAYS) -> list[str]:
        return sorted((d for d, ids in self.days.items() if ids), reverse=True)[:n]

    def recent_ids(self) -> list[str]:
        """The start-up slice: the newest days' papers (newest day first, in listing order), then
        trending papers not already in it."""
        out: dict[str, None] = {}
        for day in self.newest_days():
            out.update(dict.fromkeys(self.days[day]))
        out.update(dict.fromkeys(self.trending_ids))
        return list(out)

    def to_body(self) -> dict[str, Any]:
        return {
            "days": self.days,
            "complete": self.complete,
            "trending": {"at": self.trending_at, "ids": self.trending_ids},
        }

    @classmethod
    def from_body(cls, path: Path, body: Mapping[str, Any]) -> DayIndex:
        """Parse index.json's body, raising :class:`CorruptFile` on a wrong shape."""
        index = cls()
        days, complete, trending = body.get("days"), body.get("complete"), body.get("trending")
        if not (isinstance(days, dict) and isinstance(complete, dict)
                and isinstance(trending, dict)):
            raise CorruptFile(path, "index has the wrong shape")
        for day, ids in days.items():
            if not (isinstance(ids, list) and all(isinstance(i, str) for i in ids)):
                raise CorruptFile(path, "index has the wrong shape")
            index.add(day, ids)
        for day, info in complete.items():
            if not (isinstance(info, dict) and isinstance(info.get("count"), int)):
                raise CorruptFile(path, "index has the wrong shape")
            index.complete[day] = info
        ids, at = trending.get("ids", []), trending.get("at")
        if not (isinstance(ids, list) and all(isinstance(i, str) for i in ids)
                and (at is None or isinstance(at, str))):
            raise CorruptFile(path, "index has the wrong shape")
        index.trending_ids, index.trending_at = ids, at
        return index

    @classmethod
    def rebuild(cls, records: Iterable[Record]) -> DayIndex:
        """Reconstruct the index from the records themselves (after index.json was lost): days
        from ``listed_on``, the last trending list from the newest sightings. Completeness is
        not recoverable; those days are simply fetched again."""
        index = cls()
        latest: str | None = None
        ranked: list[tuple[int, str]] = []
        for record in records:
            for day in record.listed_on:
                index.add(day, (record.id,))
            if record.trending:
                rank, at = record.trending[-1]
                if latest is None or at > latest:
                    latest, ranked = at, []
                if at == latest:
                    ranked.append((rank, record.id))
        if latest is not None:
            index.set_trending((pid for _, pid in sorted(ranked)), latest)
        return index

