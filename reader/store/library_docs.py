"""The documents of library.json: checking them (a damaged entry is told from ours) and
reading them as a :class:`~reader.store.travel.Dump` with edit times."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # imported where a dump is made: reading the library at start needs none
    from reader.store.travel import Dump

TABLES = ("bookmarks", "read", "tags", "notes", "meta")
# What each table's documents must hold (besides "id"), to tell a damaged file from ours.
_FIELDS: dict[str, tuple[str, type]] = {
    "bookmarks": ("at", str), "read": ("at", str), "tags": ("tags", list), "notes": ("text", str),
}

Docs = dict[str, dict[str, dict[str, Any]]]


def parse_tables(data: Docs) -> tuple[Docs, dict[str, dict[str, str]], int]:
    """The well-formed documents per table, the doc key of each paper id per table, and how
    many damaged documents were left out."""
    docs: Docs = {t: {} for t in TABLES}
    keys: dict[str, dict[str, str]] = {t: {} for t in TABLES}
    bad = 0
    for table in TABLES:
        for key, doc in data.get(table, {}).items():
            if table == "meta":
                docs[table][key] = doc
                continue
            name, kind = _FIELDS[table]
            pid = doc.get("id")
            if not (isinstance(pid, str) and isinstance(doc.get(name), kind)) or (
                table == "tags" and not all(isinstance(t, str) for t in doc["tags"])
            ):
                bad += 1
                continue
            docs[table][key] = doc
            keys[table][pid] = key
    return docs, keys, bad


def dump_docs(d: Docs) -> Dump:
    """Every entry of checked documents with its edit time."""
    from reader.store.travel import Dump

    return Dump(
        bookmarks={doc["id"]: doc["at"] for doc in d["bookmarks"].values()},
        read={doc["id"]: doc["at"] for doc in d["read"].values()},
        tags={doc["id"]: (tuple(doc["tags"]), _at(doc)) for doc in d["tags"].values()},
        notes={doc["id"]: (doc["text"], _at(doc)) for doc in d["notes"].values()},
    )


def dump_tables(data: Docs) -> tuple[Dump, int]:
    """The entries of a library file's tables (another machine's ``library.json``, already
    parsed) and how many damaged entries were skipped."""
    docs, _keys, bad = parse_tables(data)
    return dump_docs(docs), bad


def _at(doc: dict[str, Any]) -> str:
    """An entry's edit time ("" for entries saved before edit times were kept)."""
    at = doc.get("at")
    return at if isinstance(at, str) else ""
