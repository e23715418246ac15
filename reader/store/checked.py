"""Type checks for records read back from cache files, which another program may have written.

``paper_from_dict`` and ``record_from_dict`` trust their input: a cached ``"published_at":
12345`` or ``"authors": [{"name": 5}]`` would otherwise load and crash ``show``, ``list`` or the
app later, far from the file. Every field of a record read from disk goes through
:func:`checked_doc` first: a field of the wrong type (or a bad element of a list) is dropped and
named, so the caller can keep the rest of the paper and report the file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from reader.hub.parse import MAX_COUNT

__all__ = ["checked_doc"]

_TEXTS = ("title", "summary", "submitted_by", "ai_summary", "discussion_id")
_URLS = ("github_repo", "project_page", "thumbnail")
_TIMES = ("published_at", "submitted_daily_at", "withdrawn_at", "first_seen", "updated_at",
          "observed_at")
_COUNTS = ("upvotes", "num_comments", "github_stars")


def _is_text(value: Any) -> bool:
    return isinstance(value, str)


def _is_url(value: Any) -> bool:
    return isinstance(value, str) and value.lower().startswith(("https://", "http://"))


def _is_time(value: Any) -> bool:
    if not isinstance(value, str) or len(value) < 10:
        return False
    try:
        dt.datetime.fromisoformat(value)
        dt.date.fromisoformat(value[:10])  # what Record.day and the date filters read
    except ValueError:
        return False
    return True


def _is_day(value: Any) -> bool:
    if not isinstance(value, str) or len(value) != 10:
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_COUNT


def _is_author(value: Any) -> bool:
    if not isinstance(value, dict):
        return False
    name, username, hidden = value.get("name"), value.get("username"), value.get("hidden", False)
    return (isinstance(name, str) and name != "" and (username is None or isinstance(username, str))
            and isinstance(hidden, bool))


def _is_sighting(value: Any) -> bool:
    return (isinstance(value, list | tuple) and len(value) == 2 and _is_count(value[0])
            and value[0] >= 1 and _is_time(value[1]))


def _is_organization(value: Any) -> bool:
    if not isinstance(value, dict):
        return False
    name, fullname = value.get("name"), value.get("fullname")
    return isinstance(name, str) and name != "" and (fullname is None or isinstance(fullname, str))


def _nonempty_text(value: Any) -> bool:
    return isinstance(value, str) and value != ""


# Lists: the check of one element. A bad element is dropped (the rest kept).
_LISTS: dict[str, Callable[[Any], bool]] = {
    "authors": _is_author,
    "ai_keywords": _nonempty_text,
    "media_urls": _is_url,
    "listed_on": _is_day,
    "trending": _is_sighting,
}
_SCALARS: dict[str, Callable[[Any], bool]] = {
    **dict.fromkeys(_TEXTS, _is_text),
    **dict.fromkeys(_URLS, _is_url),
    **dict.fromkeys(_TIMES, _is_time),
    **dict.fromkeys(_COUNTS, _is_count),
    "organization": _is_organization,
}


def checked_doc(doc: Any) -> tuple[dict[str, Any] | None, list[str]]:
    """``doc`` with every field of the wrong type dropped, and the names of the fields dropped
    or cut (a list that lost elements). ``(None, [...])`` when it cannot be a record at all:
    not an object, or no string id. Null counts as absent. ``listed_on`` comes back sorted and
    without repeats, as the cache keeps it."""
    if not isinstance(doc, dict):
        return None, ["record"]
    if not isinstance(doc.get("id"), str) or not doc["id"]:
        return None, ["id"]
    out: dict[str, Any] = {"id": doc["id"]}
    bad: list[str] = []
    for key, value in doc.items():
        if key == "id" or value is None:
            continue
        check = _SCALARS.get(key)
        if check is not None:
            if check(value):
                out[key] = value
            else:
                bad.append(key)
            continue
        each = _LISTS.get(key)
        if each is None:
            out[key] = value  # not ours to judge (a newer field): the readers ignore it
            continue
        if not isinstance(value, list | tuple):
            bad.append(key)
            continue
        kept = [v for v in value if each(v)]
        if len(kept) != len(value):
            bad.append(key)
        if key == "listed_on":
            kept = sorted(set(kept))
        out[key] = kept
    return out, bad
