"""Records as the command line shows them: the stable ``--json`` form and the views of `list`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from reader.store.record import Record, record_to_dict
from reader.store.state import LibraryState

VIEWS = ("all", "latest", "trending", "bookmarks", "unread")


def record_json(record: Record, state: LibraryState) -> dict[str, Any]:
    """The ``--json`` object of one paper: the cache record plus what the user said about it.

    Always present: ``id``, ``bookmarked``, ``read``, ``tags`` (list) and ``note`` (string or
    null). Every other field is left out when empty (see ``paper_to_dict``).
    """
    d = record_to_dict(record)
    pid = record.id
    d["bookmarked"] = state.is_bookmarked(pid)
    d["read"] = state.is_read(pid)
    d["tags"] = list(state.tags.get(pid, ()))
    d["note"] = state.notes.get(pid) or None
    return d


def newest_first(records: Iterable[Record]) -> list[Record]:
    """Newest listing day first, then most upvotes, then id (so the order is stable)."""
    return sorted(records, key=lambda r: (r.day, r.upvotes or 0, r.id), reverse=True)


def select_view(view: str, records: Mapping[str, Record], state: LibraryState) -> list[Record]:
    """The records of a named view, in that view's order.

    ``all``/``unread``: newest day first, then upvotes. ``latest``: the newest listing day only.
    ``trending``: the latest trending list, by rank. ``bookmarks``: newest bookmark first.
    """
    if view == "all":
        return newest_first(records.values())
    if view == "unread":
        return newest_first(r for r in records.values() if not state.is_read(r.id))
    if view == "latest":
        newest = max((r.listed_on[-1] for r in records.values() if r.listed_on), default=None)
        return newest_first(
            r for r in records.values() if r.listed_on and r.listed_on[-1] == newest
        )
    if view == "trending":
        seen = [r for r in records.values() if r.trending]
        last = max((r.trending[-1][1] for r in seen), default=None)
        current = [r for r in seen if r.trending[-1][1] == last]
        return sorted(current, key=lambda r: (r.trending[-1][0], r.id))
    if view == "bookmarks":
        marked = [records[pid] for pid in state.bookmarks if pid in records]
        return sorted(marked, key=lambda r: (state.bookmarks[r.id], r.id), reverse=True)
    raise ValueError(f"unknown view {view!r}")
