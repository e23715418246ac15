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


# Times and days already found good: a sync stamps thousands of records with one time, and a
# day lists dozens of papers, so most checks end in one set lookup. Bounded by clearing.
_GOOD: set[str] = set()
_GOOD_MAX = 200_000


def _remember(value: str) -> bool:
    if len(_GOOD) >= _GOOD_MAX:
        _GOOD.clear()
    _GOOD.add(value)
    return True


def _is_time(value: Any) -> bool:
    if type(value) is not str or len(value) < 10:
        return False
    if value in _GOOD:
        return True
    try:
        dt.datetime.fromisoformat(value)
        dt.date.fromisoformat(value[:10])  # what Record.day and the date filters read
    except ValueError:
        return False
    return _remember(value)


def _is_day(value: Any) -> bool:
    if type(value) is not str or len(value) != 10:
        return False
    if value in _GOOD:
        return True
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return _remember(value)


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
_PLAIN_TEXT = frozenset(("id", *_TEXTS))
_PLAIN_TIMES = frozenset(_TIMES)
_SCALARS: dict[str, Callable[[Any], bool]] = {
    **dict.fromkeys(_TEXTS, _is_text),
    **dict.fromkeys(_URLS, _is_url),
    **dict.fromkeys(_TIMES, _is_time),
    **dict.fromkeys(_COUNTS, _is_count),
    "organization": _is_organization,
}


def _all_good(doc: dict[str, Any]) -> bool:
    """True if every field of ``doc`` passes (the fast path: one loop, checks inline, since a
    100,000-paper shard set is read this way when the derived store is missing)."""
    scalars, lists, good = _SCALARS, _LISTS, _GOOD
    for key, value in doc.items():
        if value is None:
            return False
        if key in _PLAIN_TEXT:
            if type(value) is not str:
                return False
        elif key in _PLAIN_TIMES:
            if type(value) is not str or value not in good and not _is_time(value):
                return False
        elif key == "authors":
            if type(value) is not list:
                return False
            for a in value:  # _is_author, inlined: a paper may have hundreds of authors
                if type(a) is not dict:
                    return False
                name, username, hidden = a.get("name"), a.get("username"), a.get("hidden")
                if (type(name) is not str or not name
                        or (username is not None and type(username) is not str)
                        or (hidden is not None and hidden is not True and hidden is not False)):
                    return False
        elif key == "listed_on":
            if type(value) is not list or not all(map(_is_day, value)) or any(
                    a >= b for a, b in zip(value, value[1:], strict=False)):
                return False
        else:
            check = scalars.get(key)
            if check is not None:
                if not check(value):
                    return False
                continue
            each = lists.get(key)
            if each is not None and (type(value) is not list or not all(map(each, value))):
                return False
    return True


def checked_doc(doc: Any) -> tuple[dict[str, Any] | None, list[str]]:
    """``doc`` with every field of the wrong type dropped, and the names of the fields dropped
    or cut (a list that lost elements). ``(None, [...])`` when it cannot be a record at all:
    not an object, or no string id. Null counts as absent. ``listed_on`` comes back sorted and
    without repeats, as the cache keeps it. A good ``doc`` comes back itself (not copied)."""
    if not isinstance(doc, dict):
        return None, ["record"]
    if not isinstance(doc.get("id"), str) or not doc["id"]:
        return None, ["id"]
    if _all_good(doc):
        return doc, []
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
