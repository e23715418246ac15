"""Reading the papers out of an import's items, grouped by listing day (reader.cli.import_cmd)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from reader.hub.models import Paper
from reader.hub.parse import paper_from_api, paper_from_item
from reader.hub.times import NewestTime, listing_day


@dataclass
class Collected:
    """The papers read from a file, grouped by listing day, how many items were skipped, and
    the newest time the file holds (it was captured no earlier; None if it holds none)."""

    by_day: dict[str | None, list[Paper]] = field(default_factory=dict)
    papers: int = 0
    skipped: int = 0
    newest: str | None = None


def paper_of(value: Any) -> Paper | None:
    """The paper in one item of any accepted shape, or None if it is not one."""
    if not isinstance(value, dict):
        return None
    if isinstance(value.get("paper"), dict):
        return paper_from_item(value)  # a daily item or a current search item
    return paper_from_api(value)  # a bare paper object or an old slim search item


def collect(values: Iterable[Any], date: str | None = None) -> Collected:
    """Parse every value; the whole input is read before anything is merged, so a file that
    turns out to be broken half-way leaves the cache untouched. Papers are grouped by their
    listing day, or all under ``date`` if given."""
    out = Collected()
    newest = NewestTime()
    for value in values:
        paper = paper_of(value)
        if paper is None:
            out.skipped += 1
            continue
        newest.add(value)
        out.papers += 1
        out.by_day.setdefault(date or listing_day(paper), []).append(paper)
    out.newest = newest.value
    return out
