"""The cache's day index: which papers were listed on which day and the last trending list
(derived from the records: never saved), and which days were fetched in full (``index.json``:
what a sync cannot tell from the papers themselves)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from reader.store.atomic import CorruptFile
from reader.store.record import Record

RECENT_DAYS = 3  # listing days in the start-up slice
Complete = dict[str, dict[str, Any]]  # day -> {"count": n, "fetched": at}


class DayIndex:
    """Listing day -> paper ids (in the order added), and the last trending list (ids in rank
    order)."""

    def __init__(self) -> None:
        self.days: dict[str, list[str]] = {}
        self._members: dict[str, set[str]] = {}
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
        """The start-up slice: the newest days' papers (newest day first), then trending papers
        not already in it."""
        out: dict[str, None] = {}
        for day in self.newest_days():
            out.update(dict.fromkeys(self.days[day]))
        out.update(dict.fromkeys(self.trending_ids))
        return list(out)

    @classmethod
    def rebuild(cls, records: Iterable[Record]) -> DayIndex:
        """The index of ``records``: days from ``listed_on``, the last trending list from the
        newest sightings."""
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


def complete_body(complete: Complete) -> dict[str, Any]:
    """The body of index.json."""
    return {"complete": complete}


def complete_from_body(path: Path, body: Mapping[str, Any]) -> Complete:
    """The days fetched in full, from index.json's body (earlier versions also kept the days'
    ids and the trending list there: ignored, they come from the records); raises
    :class:`CorruptFile` on a wrong shape."""
    complete = body.get("complete")
    if not isinstance(complete, dict):
        raise CorruptFile(path, "index has the wrong shape")
    out: Complete = {}
    for day, info in complete.items():
        if not (isinstance(info, dict) and isinstance(info.get("count"), int)):
            raise CorruptFile(path, "index has the wrong shape")
        out[day] = info
    return out
