"""A shard's records in a binary copy that loads several times faster than its JSON.

Parsing 100,000 papers from the JSON shards takes seconds: orjson builds a dict per paper,
then every dict is checked and turned into a Record. The quick copy (``2602.quick`` beside
``2602.json``) holds each paper packed (marshalled, in the models' field order) next to what
the views need of every paper (id, day, upvotes, listing days, trending). Loading makes one
small Record per paper and leaves the paper packed until it is first used (see
``Record.paper``): the list and its views never unpack more than the rows on screen.

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

from reader.hub.models import Organization, Paper, author_from_key, shared_word
from reader.store.atomic import atomic_write_bytes
from reader.store.record import Record

log = logging.getLogger("reader.store")

SUFFIX = ".quick"
FORMAT_VERSION = 4  # 4: each paper packed on its own
_MAGIC = b"PRQUICK\0"
_PAPER_FIELDS = tuple(f.name for f in fields(Paper))
_RECORD_FIELDS = Record.__slots__
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


def _pack(paper: Paper) -> bytes:
    values = list(_paper_values(paper))
    values[_AUTHORS] = tuple([(a.name, a.username, a.hidden) for a in values[_AUTHORS]])
    org = values[_ORG]
    values[_ORG] = None if org is None else (org.name, org.fullname)
    return marshal.dumps(tuple(values))


def _unpack(blob: bytes) -> Paper:
    values = list(marshal.loads(blob))
    values[_AUTHORS] = tuple([author_from_key(a) for a in values[_AUTHORS]])
    # Keywords recur across papers: one string per keyword, as the JSON path does.
    values[_KEYWORDS] = tuple([shared_word(word) for word in values[_KEYWORDS]])
    org = values[_ORG]
    if org is not None:
        values[_ORG] = Organization(*org)
    return Paper(*values)


class _Unpacker:
    """Record.packed's way back to a Paper (each paper's blob is self-contained: no table is
    held in memory for the papers never unpacked)."""

    unpack = staticmethod(_unpack)


_UNPACKER = _Unpacker()


def quick_bytes(rows: Rows, shard: os.stat_result) -> bytes:
    """The quick copy of ``rows`` (doc id, record), made for the shard version ``shard``: per
    paper its packed form plus what the views need of every paper (see Record.packed)."""
    encoded = [(doc_id, r.id, _pack(r.paper), r.day, r.upvotes, r.listed_on, r.trending,
                r.first_seen, r.updated_at) for doc_id, r in rows]
    payload = marshal.dumps(encoded)
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
    copy for the shard as it is now (then read the JSON). The records' papers stay packed
    until first used."""
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
        packed, unpacker = Record.packed, _UNPACKER
        return [(row[0], packed(row[1], row[2], unpacker, *row[3:]))
                for row in marshal.loads(payload)]
    except (ValueError, TypeError, EOFError) as err:
        # Checksummed, so only a bug could get here: log it and fall back to the JSON.
        log.warning("unusable quick copy of %s: %s", shard_path.name, err)
        return None

