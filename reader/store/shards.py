"""One arXiv-id month of the paper cache as a TinyDB file: naming, reading, writing."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import orjson

from reader.store.atomic import atomic_write_bytes
from reader.store.checked import checked_doc
from reader.store.record import Record, record_from_dict, record_to_dict
from reader.store.storage import FORMAT, META_TABLE, read_db

KIND = "papers"
TABLE = "papers"
MISC = "misc"  # ids that are not new-style arXiv ids (should not happen: hub/ normalises them)
_ID = re.compile(r"^(\d{4})\.\d{4,5}$")
_SHARD_FILE = re.compile(r"^(\d{4}|misc)\.json$")
_HEAD = orjson.dumps({META_TABLE: {"1": {"format": FORMAT, "kind": KIND}}})[:-1]
_HEAD += b',"' + TABLE.encode() + b'":{'

# A record's encoded form, reused while the record object is unchanged (records are immutable,
# so identity tells). Held only for recently written shards, see PaperCache.
Encoded = dict[str, tuple[Record, bytes]]



def shard_of(paper_id: str) -> str:
    """The shard a paper lives in: its arXiv-id month (``2602.01234`` -> ``2602``)."""
    m = _ID.match(paper_id)
    return m.group(1) if m else MISC


def shard_paths(papers_dir: Path) -> Iterator[tuple[str, Path]]:
    """(name, path) of every shard file in ``papers_dir``, oldest month first."""
    try:
        names = sorted(p.name for p in papers_dir.iterdir() if _SHARD_FILE.match(p.name))
    except FileNotFoundError:
        return
    for name in names:
        yield name.removesuffix(".json"), papers_dir / name


def _record(doc: Any, shard: str) -> tuple[Record | None, bool]:
    """The record of one document and whether it was malformed: a field of the wrong type is
    dropped and the rest kept (see reader.store.checked); no usable id, no record."""
    checked, bad = checked_doc(doc)
    if checked is None or shard_of(checked["id"]) != shard:
        return None, True
    try:
        return record_from_dict(checked), bool(bad)
    except (KeyError, TypeError, ValueError, AttributeError):  # pragma: no cover - checked
        return None, True


# Between two documents of a shard as shard_bytes writes it. It cannot occur inside a document:
# a quote inside a JSON string is escaped, and no field of a record is named by digits.
_NEXT_DOC = re.compile(rb'\},(?="\d+":\{)')


def _read_own(path: Path) -> dict[str, Any] | None:
    """A shard as :func:`shard_bytes` wrote it, parsed one document at a time; None for any
    other file (then read_db parses and checks it whole).

    One ``orjson.loads`` of a 4 MB month holds the interpreter lock for 30-70 ms, which stalls
    the UI thread while a worker reads shards (a rebuild of the derived store, a start without
    one). A document at a time lets the lock go between them."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    if not (raw.startswith(_HEAD) and raw.endswith(b"}}")):
        return None
    body = memoryview(raw)[len(_HEAD):-2]
    docs: dict[str, Any] = {}
    start = 0
    ends = [m.start() + 1 for m in _NEXT_DOC.finditer(body)] if len(body) else []
    if len(body):
        ends.append(len(body))
    loads = orjson.loads
    for end in ends:
        try:
            (pair,) = loads(b"{%s}" % body[start:end]).items()
        except (orjson.JSONDecodeError, ValueError):
            return None  # not what shard_bytes writes after all: the whole-file path decides
        docs[pair[0]] = pair[1]
        start = end + 1
    return {TABLE: docs}


def read_shard(path: Path, name: str) -> tuple[list[tuple[int, Record]], int]:
    """The (doc id, record) pairs of a shard, and how many documents were malformed (a record
    with a bad field is kept without it; one without a usable id is left out).
    Raises ``CorruptFile`` / ``NewerFormat`` (see :func:`reader.store.storage.read_db`)."""
    data = _read_own(path)
    if data is None or not all(isinstance(d, dict) for d in data[TABLE].values()):
        data = read_db(path, kind=KIND)
    if data is None:
        return [], 0
    rows: list[tuple[int, Record]] = []
    bad = 0
    for doc_id, doc in data.get(TABLE, {}).items():
        record, malformed = _record(doc, name)
        if not (doc_id.isascii() and doc_id.isdigit()):  # TinyDB's doc ids are numbers
            record, malformed = None, True
        bad += malformed
        if record is not None:
            rows.append((int(doc_id), record))
    return rows, bad


def shard_bytes(rows: Iterable[tuple[int, Record]], encoded: Encoded | None = None) -> bytes:
    """A whole shard as a TinyDB file (doc ids as given, so they stay stable). With ``encoded``,
    records unchanged since the last call are not serialised again."""
    parts: list[bytes] = []
    for doc_id, record in rows:
        hit = encoded.get(record.id) if encoded is not None else None
        if hit is not None and hit[0] is record:
            blob = hit[1]
        else:
            blob = orjson.dumps(record_to_dict(record))
            if encoded is not None:
                encoded[record.id] = (record, blob)
        parts.append(b'"%d":%s' % (doc_id, blob))
    return _HEAD + b",".join(parts) + b"}}"


def write_shard(
    path: Path, rows: Iterable[tuple[int, Record]], encoded: Encoded | None = None
) -> os.stat_result:
    """Write a whole shard atomically; returns the written file's stat (see
    ``atomic_write_bytes``)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    return atomic_write_bytes(path, shard_bytes(rows, encoded), sync_dir=False)  # re-fetchable
