"""A shard's records in a binary copy that loads about three times faster than its JSON.

Parsing 100,000 papers from the JSON shards takes seconds: orjson builds a dict per paper,
then every dict is checked and turned into a Record. The quick copy (``2602.quick`` beside
``2602.json``) holds the same records as marshalled tuples in the models' field order, so
loading is one ``marshal.loads`` plus a constructor call per object.

The JSON shard stays the one source of truth (TinyDB can open it, other tools can read it).
A quick copy names the exact version of the shard it was made from (size, modification time
and inode, as ``fstat`` gave them when that version was written) and is used only while the
shard is still that version; anything else (no copy, another version, a different Python or
model, a failed checksum) means reading the JSON, as before, and writing a fresh copy. So a
stale, damaged or foreign quick copy costs time, never data. No pickle: marshal of plain
tuples cannot run code, and the CRC-32 is checked before marshal reads a byte of it.
"""

from __future__ import annotations

import logging
import marshal
import os
import struct
import sys
import zlib
from dataclasses import fields
from operator import attrgetter
from pathlib import Path
from typing import Any

from reader.hub.models import Organization, Paper, author_from_key, shared_word
from reader.store.atomic import atomic_write_bytes
from reader.store.record import Record

log = logging.getLogger("reader.store")

SUFFIX = ".quick"
FORMAT_VERSION = 2  # 2: authors and keywords as numbers into per-shard tables
_MAGIC = b"PRQUICK\0"
_PAPER_FIELDS = tuple(f.name for f in fields(Paper))
_RECORD_FIELDS = tuple(f.name for f in fields(Record))
# A model change (a field added, renamed or moved) makes every old copy unusable.
_SCHEMA = zlib.crc32(",".join((*_PAPER_FIELDS, "|", *_RECORD_FIELDS)).encode())
# magic, format, marshal version, Python major*256+minor, schema; the shard's size, mtime_ns
# and inode; the payload's length and CRC-32.
_HEADER = struct.Struct("<8sIIIIQqQQI")
_AUTHORS = _PAPER_FIELDS.index("authors")
_ORG = _PAPER_FIELDS.index("organization")
_KEYWORDS = _PAPER_FIELDS.index("ai_keywords")
_paper_values = attrgetter(*_PAPER_FIELDS)

Rows = list[tuple[int, Record]]


def quick_path(shard_path: Path) -> Path:
    """Where the quick copy of a shard lives: beside it, ``2602.json`` -> ``2602.quick``."""
    return shard_path.with_suffix(SUFFIX)


def _identity(stat: os.stat_result) -> tuple[int, int, int]:
    return stat.st_size, stat.st_mtime_ns, stat.st_ino


class _Table:
    """Distinct values numbered in order of first use: a paper's authors and keywords are
    stored as numbers into per-shard tables, so loading builds (and hashes) each name once."""

    def __init__(self) -> None:
        self.numbers: dict[Any, int] = {}

    def __call__(self, value: Any) -> int:
        number = self.numbers.get(value)
        if number is None:
            number = self.numbers[value] = len(self.numbers)
        return number

    @property
    def values(self) -> list[Any]:
        return list(self.numbers)


def quick_bytes(rows: Rows, shard: os.stat_result) -> bytes:
    """The quick copy of ``rows`` (doc id, record), made for the shard version ``shard``."""
    authors, words = _Table(), _Table()
    encoded = []
    for doc_id, record in rows:
        values = list(_paper_values(record.paper))
        values[_AUTHORS] = tuple([authors((a.name, a.username, a.hidden))
                                  for a in values[_AUTHORS]])
        values[_KEYWORDS] = tuple(map(words, values[_KEYWORDS]))
        org = values[_ORG]
        values[_ORG] = None if org is None else (org.name, org.fullname)
        encoded.append((doc_id, tuple(values), record.listed_on, record.trending,
                        record.first_seen, record.updated_at))
    payload = marshal.dumps((authors.values, words.values, encoded))
    head = _HEADER.pack(_MAGIC, FORMAT_VERSION, marshal.version, sys.hexversion >> 16, _SCHEMA,
                        *_identity(shard), len(payload), zlib.crc32(payload))
    return head + payload


def write_quick(shard_path: Path, rows: Rows, shard: os.stat_result) -> bool:
    """Write the quick copy of a shard just written (``shard``: its ``fstat``). False if the
    disk refused: harmless, the JSON is read instead (an older copy names an older version)."""
    target = quick_path(shard_path)
    try:
        atomic_write_bytes(target, quick_bytes(rows, shard), sync_dir=False)
    except OSError as err:
        log.info("could not write %s (%s): the shard's JSON will be read instead", target, err)
        return False
    return True


def read_quick(shard_path: Path) -> Rows | None:
    """The shard's (doc id, record) pairs from its quick copy, or None when there is no usable
    copy for the shard as it is now (then read the JSON)."""
    try:
        raw = quick_path(shard_path).read_bytes()
        shard = os.stat(shard_path)
    except OSError:
        return None  # no copy (the usual case after an upgrade), or no shard: the JSON decides
    if len(raw) < _HEADER.size:
        return None
    magic, version, marshal_version, python, schema, *ident, length, crc = _HEADER.unpack_from(raw)
    if (magic, version, marshal_version, python, schema) != (
            _MAGIC, FORMAT_VERSION, marshal.version, sys.hexversion >> 16, _SCHEMA):
        return None
    if tuple(ident) != _identity(shard):
        return None  # the shard was written since (by another instance, or an older version)
    payload = memoryview(raw)[_HEADER.size:]
    if len(payload) != length or zlib.crc32(payload) != crc:
        return None
    try:
        return _decode(marshal.loads(payload))
    except (ValueError, TypeError, IndexError, EOFError) as err:
        # Checksummed, so only a bug could get here: log it and fall back to the JSON.
        log.warning("unusable quick copy of %s: %s", shard_path.name, err)
        return None


def _decode(body: tuple[list[Any], list[str], list[tuple[Any, ...]]]) -> Rows:
    author_keys, words, rows = body
    authors = [author_from_key(tuple(key)) for key in author_keys]
    # Keywords recur across shards too: one string per keyword, as the JSON path does.
    words = [shared_word(word) for word in words]
    out: Rows = []
    for doc_id, values, listed_on, trending, first_seen, updated_at in rows:
        values = list(values)
        values[_AUTHORS] = tuple(map(authors.__getitem__, values[_AUTHORS]))
        values[_KEYWORDS] = tuple(map(words.__getitem__, values[_KEYWORDS]))
        org = values[_ORG]
        if org is not None:
            values[_ORG] = Organization(*org)
        out.append((doc_id, Record(Paper(*values), listed_on, trending, first_seen, updated_at)))
    return out
