"""The library on the move: its portable file, reading other tools' lists, and the merge rules.

A library export is one JSON object (``"kind": "paper-reader-library"``) holding every
bookmark, read mark, tag set and note with its last edit time. Importing merges, never
replaces: bookmarks, read marks and tags are unions (nothing is ever dropped), and for a note
the newer edit wins. The way in from other tools: a plain list of arXiv ids or URLs (one a
line) or a BibTeX file's arXiv entries, which become bookmarks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import orjson

from reader.hub.ids import InvalidPaperId, normalize_id
from reader.hub.text import clean_block

KIND = "paper-reader-library"
VERSION = 1


class TravelError(ValueError):
    """A file to import is not something we can read; ``str()`` is one line for the user."""


@dataclass(frozen=True)
class Dump:
    """A whole library with edit times: paper id -> time, or (value, time)."""

    bookmarks: dict[str, str] = field(default_factory=dict)
    read: dict[str, str] = field(default_factory=dict)
    tags: dict[str, tuple[tuple[str, ...], str]] = field(default_factory=dict)
    notes: dict[str, tuple[str, str]] = field(default_factory=dict)

    @property
    def size(self) -> int:
        return len(self.bookmarks) + len(self.read) + len(self.tags) + len(self.notes)


@dataclass
class MergePlan:
    """What merging one library into another does: the result and one line per change."""

    result: Dump
    changes: list[str] = field(default_factory=list)
    tag_ids: list[str] = field(default_factory=list)  # papers whose tags change
    note_ids: list[str] = field(default_factory=list)  # papers whose note changes
    kept: list[str] = field(default_factory=list)  # conflicts decided for the current side


def plan_merge(current: Dump, incoming: Dump) -> MergePlan:
    """``incoming`` folded into ``current``: bookmarks, read marks and tags are unions (an
    existing entry keeps its time), and a note is replaced only by a strictly newer one."""
    bookmarks, read = dict(current.bookmarks), dict(current.read)
    tags, notes = dict(current.tags), dict(current.notes)
    plan = MergePlan(Dump(bookmarks, read, tags, notes))
    for pid, at in sorted(incoming.bookmarks.items()):
        if pid not in bookmarks:
            bookmarks[pid] = at
            plan.changes.append(f"bookmarked {pid}")
    for pid, at in sorted(incoming.read.items()):
        if pid not in read:
            read[pid] = at
            plan.changes.append(f"marked read {pid}")
    for pid, (theirs, at) in sorted(incoming.tags.items()):
        mine, my_at = tags.get(pid, ((), ""))
        added = [t for t in theirs if t not in mine]
        if added:
            tags[pid] = ((*mine, *added), max(my_at, at))
            plan.tag_ids.append(pid)
            plan.changes.append(f"tagged {pid}: " + " ".join(f"+{t}" for t in added))
    for pid, (text, at) in sorted(incoming.notes.items()):
        old = notes.get(pid)
        if old is None:
            notes[pid] = (text, at)
            plan.note_ids.append(pid)
            plan.changes.append(f"note added to {pid}")
        elif old[0] != text:
            if at > old[1]:
                notes[pid] = (text, at)
                plan.note_ids.append(pid)
                plan.changes.append(f"note of {pid} replaced by the newer one ({at or '?'})")
            else:
                plan.kept.append(f"note of {pid} kept: this library's is newer ({old[1] or '?'})")
    return plan


# --- the portable file ------------------------------------------------------------------------


def dump_to_json(dump: Dump, *, exported_at: str) -> bytes:
    """The export file's bytes (indented: people diff and read it)."""
    body = {
        "kind": KIND, "version": VERSION, "exported_at": exported_at,
        "bookmarks": dict(sorted(dump.bookmarks.items())),
        "read": dict(sorted(dump.read.items())),
        "tags": {pid: {"tags": list(t), "at": at} for pid, (t, at) in sorted(dump.tags.items())},
        "notes": {pid: {"text": n, "at": at} for pid, (n, at) in sorted(dump.notes.items())},
    }
    return orjson.dumps(body, option=orjson.OPT_INDENT_2) + b"\n"


def _id(pid: Any, where: str) -> str:
    if not isinstance(pid, str):
        raise TravelError(f"{where}: a paper id is not a string")
    try:
        return normalize_id(pid)
    except InvalidPaperId as err:
        raise TravelError(f"{where}: {err}") from None


def _time(value: Any, where: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise TravelError(f"{where}: an edit time is not a string")
    return value


def _table(body: dict[str, Any], name: str) -> dict[str, Any]:
    table = body.get(name, {})
    if not isinstance(table, dict):
        raise TravelError(f"{name!r} is not an object")
    return table


def dump_from_json(body: Any) -> Dump:
    """Read an export file's parsed JSON; raises :class:`TravelError` on anything wrong (the
    whole file is refused rather than half imported)."""
    from reader.store.library import normalize_tags  # library imports this module

    if not isinstance(body, dict) or body.get("kind") != KIND:
        raise TravelError("not a paper-reader library export (no \"kind\": \"" + KIND + "\")")
    version = body.get("version")
    if not isinstance(version, int) or version < 1:
        raise TravelError("the export has no format version")
    if version > VERSION:
        raise TravelError(f"the export was written by a newer paper-reader (version {version}; "
                          f"this one reads {VERSION}): upgrade to import it")
    dump = Dump()
    for name in ("bookmarks", "read"):
        target = getattr(dump, name)
        for pid, at in _table(body, name).items():
            target[_id(pid, name)] = _time(at, name)
    for pid, entry in _table(body, "tags").items():
        tags = entry.get("tags") if isinstance(entry, dict) else None
        if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
            raise TravelError(f"tags of {pid}: not a list of strings")
        clean = normalize_tags(tags)
        if clean:
            dump.tags[_id(pid, "tags")] = (clean, _time(entry.get("at"), "tags"))
    for pid, entry in _table(body, "notes").items():
        text = entry.get("text") if isinstance(entry, dict) else None
        if not isinstance(text, str):
            raise TravelError(f"note of {pid}: not a string")
        text = clean_block(text)
        if text.strip():
            dump.notes[_id(pid, "notes")] = (text, _time(entry.get("at"), "notes"))
    return dump


# --- other tools' lists -----------------------------------------------------------------------

_BIB_ENTRY = re.compile(r"@\s*[A-Za-z]+\s*[{(]")
_BIB_FIELD = re.compile(
    r"\b(eprint|arxivid|arxiv|url|doi|journal|note|howpublished)\s*=\s*[{\"]\s*([^}\"]*)",
    re.IGNORECASE)
_ARXIV_DOI = re.compile(r"10\.48550/arxiv\.(.+)", re.IGNORECASE)
_ARXIV_MENTION = re.compile(r"arxiv:\s*([0-9]{4}\.[0-9]{4,5}(?:v[0-9]+)?)", re.IGNORECASE)


def looks_like_bibtex(text: str) -> bool:
    """True if a line starts a BibTeX entry (``@misc{``, ``@article(``...)."""
    return re.search(r"^\s*@\s*[A-Za-z]+\s*[{(]", text, re.MULTILINE) is not None


def ids_from_bibtex(text: str) -> tuple[list[str], int]:
    """The arXiv ids of a BibTeX file's entries (from ``eprint``, an arXiv ``url`` or
    ``doi``, or ``arXiv:ID`` in ``journal``/``note``); returns them and how many entries had
    none."""
    starts = [m.start() for m in _BIB_ENTRY.finditer(text)]
    found: dict[str, None] = {}
    skipped = 0
    for i, start in enumerate(starts):
        entry = text[start: starts[i + 1] if i + 1 < len(starts) else len(text)]
        head = entry[1:entry.find("{") if "{" in entry else 0].strip().lower()
        if head in ("comment", "string", "preamble"):
            continue
        pid = None
        for _name, value in _BIB_FIELD.findall(entry):
            value = value.strip()
            doi = _ARXIV_DOI.fullmatch(value)
            mention = _ARXIV_MENTION.search(value)  # "arXiv preprint arXiv:2402.00001"
            candidate = doi.group(1) if doi else mention.group(1) if mention else value
            try:
                pid = normalize_id(candidate)
                break
            except InvalidPaperId:
                continue
        if pid is None:
            skipped += 1
        else:
            found[pid] = None
    return list(found), skipped


def ids_from_lines(text: str) -> tuple[list[str], list[str]]:
    """A plain list: one arXiv id or URL a line (blank lines and ``#`` comments skipped);
    returns the ids and the lines that were not ids."""
    found: dict[str, None] = {}
    bad: list[str] = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        try:
            found[normalize_id(line)] = None
        except InvalidPaperId:
            bad.append(line)
    return list(found), bad


def bookmarks_dump(ids: list[str], at: str) -> Dump:
    """A library holding only bookmarks of ``ids`` made ``at``."""
    return Dump(bookmarks=dict.fromkeys(ids, at))
