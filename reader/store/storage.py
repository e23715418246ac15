"""TinyDB-format JSON files written atomically with orjson, each carrying a format version.

A database file is a plain TinyDB document (``{table: {doc_id: doc}}``) that the stock
``TinyDB(path)`` can open, plus a ``_meta`` table whose doc 1 is ``{"format": N, "kind": K}``.
Small side files are plain JSON objects with a top-level ``"format"``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
from tinydb.storages import Storage

from reader.store.atomic import CorruptFile, atomic_write_bytes

FORMAT = 1  # bump when a file's shape changes in a way an older reader would misread
META_TABLE = "_meta"

Tables = dict[str, dict[str, dict[str, Any]]]


class NewerFormat(Exception):
    """A file was written by a newer paper-reader. It is left alone: never read, moved or
    overwritten, so the newer version's data survives a run of this one."""

    def __init__(self, path: Path, found: int) -> None:
        super().__init__(
            f"{path.name} was written by a newer paper-reader (format {found}; this version "
            f"knows {FORMAT}): it is left untouched. Upgrade paper-reader to use it."
        )
        self.path = path
        self.found = found


class AtomicJSONStorage(Storage):
    """A TinyDB ``Storage``: orjson in, orjson out, every write an atomic whole-file replace.

    Usable as ``TinyDB(path, storage=AtomicJSONStorage)``; the stores below call
    :func:`read_db` / :func:`write_db` directly because they keep everything in memory.
    """

    def __init__(self, path: str | Path, *, indent: bool = False) -> None:
        super().__init__()
        self.path = Path(path)
        self.indent = indent

    def read(self) -> dict[str, dict[str, Any]] | None:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return None
        if not raw.strip():
            return None  # TinyDB's own convention: an empty file is an empty database
        try:
            data = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            raise CorruptFile(self.path, f"not valid JSON ({exc})") from exc
        if not isinstance(data, dict):
            raise CorruptFile(self.path, "not a TinyDB database (top level is not an object)")
        return data

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        option = orjson.OPT_INDENT_2 if self.indent else 0
        self.path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(self.path, orjson.dumps(data, option=option))


def _check_version(path: Path, meta: Any, kind: str) -> None:
    if not isinstance(meta, dict):
        raise CorruptFile(path, "no format version")
    found = meta.get("format")
    if not isinstance(found, int) or isinstance(found, bool) or found < 1:
        raise CorruptFile(path, "no format version")
    if found > FORMAT:
        raise NewerFormat(path, found)
    if meta.get("kind") != kind:
        raise CorruptFile(path, f"not a {kind} file")


def read_db(path: Path, *, kind: str) -> Tables | None:
    """Read and validate one of our TinyDB files. ``None`` if it does not exist.

    Raises :class:`CorruptFile` (unparsable, truncated, wrong shape, no version) or
    :class:`NewerFormat`. Documents are checked to be objects under integer keys (TinyDB's own
    requirement); what is inside a document is the caller's business.
    """
    data = AtomicJSONStorage(path).read()
    if data is None:
        if path.exists():
            raise CorruptFile(path, "empty file")
        return None
    meta_table = data.get(META_TABLE)
    meta = meta_table.get("1") if isinstance(meta_table, dict) else None
    _check_version(path, meta, kind)
    for name, table in data.items():
        if not isinstance(table, dict):
            raise CorruptFile(path, f"table {name!r} is not an object")
        for doc_id, doc in table.items():
            if not (doc_id.isdigit() and isinstance(doc, dict)):
                raise CorruptFile(path, f"table {name!r} holds a malformed document")
    return data


def write_db(path: Path, tables: Tables, *, kind: str, indent: bool = False) -> None:
    """Write ``tables`` (plus the ``_meta`` version doc) atomically as a TinyDB file."""
    data: Tables = {META_TABLE: {"1": {"format": FORMAT, "kind": kind}}}
    data.update(tables)
    AtomicJSONStorage(path, indent=indent).write(data)


def read_json(path: Path, *, kind: str) -> dict[str, Any] | None:
    """Read a versioned side file (``{"format": N, "kind": K, ...}``); ``None`` if missing.
    Raises :class:`CorruptFile` or :class:`NewerFormat` like :func:`read_db`."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise CorruptFile(path, f"not valid JSON ({exc})") from exc
    if not isinstance(data, dict):
        raise CorruptFile(path, "top level is not an object")
    _check_version(path, data, kind)
    return data


def write_json(path: Path, body: dict[str, Any], *, kind: str, sync_dir: bool = True) -> None:
    """Write a versioned side file atomically (``sync_dir``: see ``atomic_write_bytes``)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = orjson.dumps({"format": FORMAT, "kind": kind, **body})
    atomic_write_bytes(path, data, sync_dir=sync_dir)
