"""Records as the command line shows them: the stable ``--json`` form and the views of `list`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from reader.days import feed_today
from reader.store.record import Record, record_to_dict
from reader.store.state import LibraryState
from reader.views import (
    ALL,
    BOOKMARKS,
    BUILTIN_LABELS,
    DAY,
    LATEST,
    MONTH,
    TRENDING,
    UNREAD,
    WEEK,
    View,
    build_data,
    candidates,
)

VIEWS = (ALL, LATEST, DAY, WEEK, MONTH, TRENDING, BOOKMARKS, UNREAD)
VIEW_HELP = ("all", "latest", "day:YYYY-MM-DD", "week[:YYYY-MM-DD]", "month[:YYYY-MM]",
             "trending", "bookmarks", "unread")


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


class ViewError(ValueError):
    """A ``--view`` value that names no view; ``str()`` is the user message."""


def parse_view(text: str) -> tuple[str, str | None]:
    """``--view`` text -> (view key, anchor). ``day:YYYY-MM-DD``, ``week[:YYYY-MM-DD]`` (the ISO
    week holding that day), ``month[:YYYY-MM]``, or a plain view name."""
    name, _, arg = text.strip().lower().partition(":")
    if name not in VIEWS:
        raise ViewError(f"unknown view {text!r}; choose from {', '.join(VIEW_HELP)}")
    if not arg:
        return name, None
    try:
        if name in (DAY, WEEK):
            return name, dt.date.fromisoformat(arg).isoformat()
        if name == MONTH:
            return name, dt.date.fromisoformat(arg + "-01").isoformat()
    except ValueError:
        want = "YYYY-MM" if name == MONTH else "YYYY-MM-DD"
        raise ViewError(f"{text!r}: expected {name}:{want}") from None
    raise ViewError(f"the {name} view takes no ':' argument")


def select_view(key: str, records: Mapping[str, Record], state: LibraryState, *,
                anchor: str | None = None, today: dt.date | None = None) -> list[Record]:
    """The records of a view, in that view's order: the app's own definition
    (:func:`reader.views.candidates`), so `list --view` and the reader always agree.

    ``anchor``: the day of ``day``, or a day inside the week/month of ``week``/``month``.
    """
    data = build_data(records, complete=True)
    if key == DAY and anchor is None:
        key = LATEST
    view = View(key, BUILTIN_LABELS[key])
    anchors = {key: anchor} if anchor and key in (WEEK, MONTH) else {}
    ids = candidates(view, data, state, today=today or feed_today(), day=anchor,
                     anchors=anchors)
    return [records[pid] for pid in ids]
