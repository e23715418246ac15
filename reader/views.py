"""Every view, defined once for the app and the command line, and the orderings they are cut
from (no Textual here). Days, weeks and months come from :mod:`reader.days`."""

from __future__ import annotations

import datetime as dt
import heapq
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from operator import attrgetter

from reader import days as cal
from reader.days import Span
from reader.store.record import Record
from reader.store.state import LibraryState

# Built-in view keys, in the order the filter pane lists them.
LATEST, DAY, WEEK, MONTH, TRENDING, BOOKMARKS, UNREAD, ALL = (
    "latest", "day", "week", "month", "trending", "bookmarks", "unread", "all",
)
SEARCH = "search"
SAVED_PREFIX = "saved:"
TAG_PREFIX = "tag:"  # a view per user tag: "tag:todo"

BUILTIN_LABELS = {
    LATEST: "Latest day",
    DAY: "Day",
    WEEK: "This week",
    MONTH: "This month",
    TRENDING: "Trending",
    BOOKMARKS: "Bookmarks",
    UNREAD: "Unread",
    ALL: "All",
}


@dataclass(frozen=True, slots=True)
class View:
    """One entry of the filter pane. ``query`` is the saved query of a saved view."""

    key: str
    label: str
    query: str = ""
    number: int | None = None  # the 1..9 key of a saved view

    @property
    def saved(self) -> bool:
        return self.key.startswith(SAVED_PREFIX)


def builtin_views() -> list[View]:
    """The views every user has."""
    return [View(key, label) for key, label in BUILTIN_LABELS.items()]


def saved_views(views: Mapping[str, str]) -> list[View]:
    """Views from the config's [views] table; the first nine get the keys 1..9."""
    return [
        View(SAVED_PREFIX + name, name, query, i + 1 if i < 9 else None)
        for i, (name, query) in enumerate(views.items())
    ]


def tag_views(state: LibraryState) -> list[View]:
    """One view per tag the user has, alphabetically (label ``#tag``)."""
    tags = sorted({t for ts in state.tags.values() for t in ts})
    return [View(TAG_PREFIX + t, "#" + t) for t in tags]


def _upvotes(record: Record) -> int:
    return record.upvotes or 0


@dataclass(frozen=True)
class Data:
    """The papers the app shows plus the orderings every view is cut from.

    Built off the UI thread (sorting 100,000 papers takes a moment) and swapped in whole, so the
    UI never sees a half-built state. ``complete`` is False for the start-up slice.
    """

    records: Mapping[str, Record] = field(default_factory=dict)
    by_date: tuple[str, ...] = ()  # newest day first, then most upvoted
    # The records of by_date, in its order: the All view shown as it is (no query) costs no
    # lookup per paper (100,000 of them are 15-40 ms, on the UI thread: reader.controller).
    by_date_records: tuple[Record, ...] = ()
    days: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # day -> ids by upvotes
    trending: tuple[str, ...] = ()  # the newest trending list, by rank
    complete: bool = False

    @property
    def day_list(self) -> list[str]:
        """Listing days present, oldest first."""
        return sorted(self.days)

    @property
    def latest_day(self) -> str | None:
        return max(self.days) if self.days else None


def build_data(records: Mapping[str, Record], *, complete: bool) -> Data:
    """Precompute the orderings for ``records`` (O(n log n); call from a thread for big caches).

    The order is by (day, upvotes, id), newest and most upvoted first (:func:`_date_key`; the
    id breaks ties, so that the app and `paper-reader list` agree), and within each listing day
    by (upvotes, id) (:func:`_day_key`). Both come from stable sorts on one key at a time, the
    last key first: single keys compare in C, and a day's papers, taken in the (upvotes, id)
    order, need no sort of their own (at 100,000 papers: ~0.2 s less than a sort on tuples).
    """
    by_votes = sorted(records.values(), key=_ID, reverse=True)
    by_votes.sort(key=_upvotes, reverse=True)
    by_day: defaultdict[str, list[str]] = defaultdict(list)
    for record in by_votes:
        pid = record.id
        for day in record.listed_on:
            by_day[day].append(pid)
    days = {day: tuple(ids) for day, ids in by_day.items()}
    ordered = by_votes
    ordered.sort(key=_DAY, reverse=True)
    return Data(
        records=records,
        by_date=tuple(r.id for r in ordered),
        by_date_records=tuple(ordered),
        days=days,
        trending=_newest_trending(records.values()),
        complete=complete,
    )


def update_data(old: Data, records: Mapping[str, Record]) -> Data:
    """``build_data(records, complete=True)`` for ``records`` that differ from ``old.records`` in
    a few papers (a refresh: a few hundred of 100,000), without sorting every paper again: the
    cache replaces a record object when a merge changes it, so identity finds the changed ones;
    they are sorted alone and merged into the unchanged order, and only their days re-sorted."""
    before = old.records
    changed = [r for pid, r in records.items() if before.get(pid) is not r]
    gone = [pid for pid in before if pid not in records]
    if not old.complete or len(changed) + len(gone) > len(records) // 4:
        return build_data(records, complete=True)
    if not changed and not gone:
        return Data(records, old.by_date, old.by_date_records, old.days, old.trending,
                    complete=True)
    moved = {r.id for r in changed} | set(gone)
    key = _date_key
    fresh = sorted(changed, key=key, reverse=True)
    kept = (records[pid] for pid in old.by_date if pid not in moved)
    by_date_records = tuple(heapq.merge(kept, fresh, key=key, reverse=True))
    by_date = tuple(r.id for r in by_date_records)
    touched = {day for pid in moved if pid in before for day in before[pid].listed_on}
    touched.update(day for r in changed for day in r.listed_on)
    days = {day: ids for day, ids in old.days.items() if day not in touched}
    for day in touched:
        on_day = [records[pid] for pid in old.days.get(day, ()) if pid not in moved]
        on_day += [r for r in changed if day in r.listed_on]
        if on_day:
            days[day] = tuple(r.id for r in sorted(on_day, key=_day_key, reverse=True))
    return Data(records=records, by_date=by_date, by_date_records=by_date_records, days=days,
                trending=_newest_trending(records.values()), complete=True)


_ID = attrgetter("id")
_DAY = attrgetter("day")


def _date_key(record: Record) -> tuple[str, int, str]:
    return (record.day, _upvotes(record), record.id)


def _day_key(record: Record) -> tuple[int, str]:
    return (_upvotes(record), record.id)


def _newest_trending(records: Iterable[Record]) -> tuple[str, ...]:
    """The papers seen in the newest trending list, by rank (older sightings are stale)."""
    sightings = [(r.trending[-1][1], r.trending[-1][0], r.id) for r in records if r.trending]
    if not sightings:
        return ()
    newest = max(at for at, _, _ in sightings)
    # One sync stamps one trending list with one time; allow the same minute for safety.
    # Equal ranks (two lists in one minute) fall back to the id, as the search store does.
    return tuple(pid for at, _, pid in sorted(
        (s for s in sightings if s[0][:16] == newest[:16]), key=lambda s: (s[1], s[2])))


def view_span(key: str, data: Data, *, today: dt.date, day: str | None = None,
              anchors: Mapping[str, str] | None = None) -> Span | None:
    """The days a dated view shows (None for views that are not cut by date).

    ``day``: the Day view's day (default: the newest listing day). ``anchors``: the first day
    of the week or month a pager moved the Week or Month view to (default: the current one,
    see :func:`reader.days.current_span`).
    """
    if key in (LATEST, DAY):
        shown = (day if key == DAY else None) or data.latest_day
        return cal.day_span(dt.date.fromisoformat(shown) if shown else today)
    if key in (WEEK, MONTH):
        anchor = (anchors or {}).get(key)
        if anchor:
            return cal.span_of(key, dt.date.fromisoformat(anchor))
        return cal.current_span(key, data.days, today)
    return None


def view_title(key: str, label: str, span: Span | None, *, paged: bool = False) -> str:
    """What the status line calls a view: ``Latest day 2026-11-30``, ``This week 2026-11-23 –
    11-29``, ``Week 2026-11-16 – 11-22`` (paged away from the current one), ``Day ...``."""
    if span is None:
        return label
    if key in (WEEK, MONTH) and paged:
        return f"{'Week' if key == WEEK else 'Month'} {span.text}"
    return f"{label} {span.text}"


def candidates(
    view: View, data: Data, state: LibraryState, *, today: dt.date, day: str | None,
    search: tuple[str, ...] = (), anchors: Mapping[str, str] | None = None,
) -> list[str]:
    """The ids of ``view`` in its natural order, before the filter box and mute rules apply."""
    key = view.key
    if key in (LATEST, DAY):
        shown = (day if key == DAY else None) or data.latest_day
        return list(data.days.get(shown, ())) if shown else []
    if key in (WEEK, MONTH):
        span = view_span(key, data, today=today, anchors=anchors)
        assert span is not None
        picked = [pid for d in sorted(data.days, reverse=True) if d in span
                  for pid in data.days[d]]
        unique = dict.fromkeys(picked)  # a paper listed on two days of the week counts once
        return sorted(unique, key=lambda pid: _upvotes(data.records[pid]), reverse=True)
    if key == TRENDING:
        return list(data.trending)
    if key == BOOKMARKS:
        # Newest first; equal times (an import) by id, newest first, as the search store does.
        marked = sorted(state.bookmarks.items(), key=lambda kv: (kv[1], kv[0]), reverse=True)
        return [pid for pid, _ in marked if pid in data.records]
    if key == UNREAD:
        return [pid for pid in data.by_date if pid not in state.read]
    if key == SEARCH:
        return [pid for pid in search if pid in data.records]
    if key.startswith(TAG_PREFIX):
        tag, records = key[len(TAG_PREFIX):], data.records
        tagged = [records[pid] for pid, ts in state.tags.items() if tag in ts and pid in records]
        tagged.sort(key=lambda r: (r.day, _upvotes(r)), reverse=True)  # as data.by_date
        return [r.id for r in tagged]
    return list(data.by_date)  # ALL and saved views (their query narrows it)
