"""A shard's records in a binary copy that loads in a small fraction of its JSON's time.

Parsing 100,000 papers from the JSON shards takes seconds: orjson builds a dict per paper,
then every dict is checked and turned into a Record. The quick copy (``2602.quick`` beside
``2602.json``) has two parts:

- the *heads*: per paper what the views need of every paper (id, day, upvotes, listing days,
  trending, times) and where its packed paper lies in the second part. Loading reads only
  this: one ``marshal.loads`` and one small Record per paper (see ``Record.packed``);
- the *papers*: each paper marshalled on its own (the models' fields in order), read from the
  file when the paper is first used (the rows on screen, the detail, a phrase check), ~10 us.

The file stays open (one descriptor per shard) while records still need it, and reads go to
that open file: when a later write (this process's or another instance's) replaces the copy,
the records loaded from the old one keep reading the old one, which the system keeps until it
is closed. On systems where an open file cannot be replaced (Windows), the papers part is read
at load instead.

The JSON shard stays the one source of truth (TinyDB can open it, other tools can read it).
A quick copy names the exact version of the shard it was made from (size, modification time
and inode, as ``fstat`` gave them when that version was written) and is used only while the
shard is still that version; anything else (no copy, another version, a different Python or
model, a failed checksum) means reading the JSON, as before, and writing a fresh copy. So a
stale, damaged or foreign quick copy costs time, never data. A paper whose bytes fail their
checksum (or cannot be read) when it is unpacked later is taken from the JSON shard as it is
then; if the JSON does not have it either, the paper is shown empty and its month is never
written by this process (see :data:`MADE_UP`), so nothing on disk loses it. No pickle: marshal
of plain tuples cannot run code, and every CRC-32 is checked before marshal reads a byte.

The heads hold ``day`` and ``upvotes`` as Record computed them when the copy was written:
change how Record derives them and FORMAT_VERSION must change too.
"""

from __future__ import annotations

import logging
import marshal
import os
import struct
import sys
import threading
import weakref
import zlib
from dataclasses import fields
from operator import attrgetter
from pathlib import Path

from reader.hub.models import Organization, Paper, author_from_key, shared_word
from reader.store.atomic import CorruptFile, atomic_write_bytes
from reader.store.record import Record
from reader.store.storage import FORMAT, NewerFormat

log = logging.getLogger("reader.store")

SUFFIX = ".quick"
# 4: each paper packed on its own; 5: heads first, papers read on demand; 6: abstracts apart;
# 7: one checksummed region per paper, named by one number
FORMAT_VERSION = 7
_MAGIC = b"PRQUICK\0"
_PAPER_FIELDS = tuple(f.name for f in fields(Paper))
_RECORD_FIELDS = Record.__slots__
# A model change (a field added, renamed or moved), or a new format of the JSON files, makes
# every old copy unusable: a shard from a newer paper-reader is then read (and refused, never
# written) the way it always was.
_SCHEMA = zlib.crc32(",".join((*_PAPER_FIELDS, "|", *_RECORD_FIELDS, "|", str(FORMAT))).encode())
# Ids of papers that could be read neither from their quick copy nor from their JSON shard:
# shown empty, so their month must not be written over (PaperCache checks this).
MADE_UP: set[str] = set()
# magic, format, marshal version, Python major*256+minor, schema; the shard's size, mtime_ns
# and inode; the heads' length and CRC-32; the papers part's length.
_HEADER = struct.Struct("<8sIIIIQqQQIQ")
_LENGTH = struct.Struct("<I")
_AUTHORS = _PAPER_FIELDS.index("authors")
_SUMMARY = _PAPER_FIELDS.index("summary")
_ORG = _PAPER_FIELDS.index("organization")
_KEYWORDS = _PAPER_FIELDS.index("ai_keywords")
_paper_values = attrgetter(*_PAPER_FIELDS)
# Keep the file open and read papers lazily only where a replaced file stays readable.
LAZY = os.name == "posix"
_FIRST_READ = 1 << 20  # the header and, usually, the heads (~150 bytes a paper)

Rows = list[tuple[int, Record]]


def open_files_allowed() -> int:
    """How many quick copies may stay open for lazy reads: a quarter of this process's limit
    on open files (the UI, the network and the library need the rest)."""
    try:
        import resource
    except ImportError:  # not on Windows, where LAZY is off anyway
        return 0
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    return max(0, soft // 4) if soft != resource.RLIM_INFINITY else 1024


def quick_path(shard_path: Path) -> Path:
    """Where the quick copy of a shard lives: beside it, ``2602.json`` -> ``2602.quick``."""
    return shard_path.with_suffix(SUFFIX)


def _pread(fd: int, length: int, offset: int) -> bytes:
    if hasattr(os, "pread"):
        return os.pread(fd, length, offset)  # no shared file position: safe from any thread
    os.lseek(fd, offset, os.SEEK_SET)  # only at load time where there is no pread (Windows)
    return os.read(fd, length)


def identity(stat: os.stat_result) -> tuple[int, int, int]:
    """What tells one version of a file from another: size, modification time, inode."""
    return stat.st_size, stat.st_mtime_ns, stat.st_ino


def _pack(paper: Paper) -> bytes:
    values = list(_paper_values(paper))
    values[_SUMMARY] = ""  # stored apart, as UTF-8: read alone for phrase checks
    values[_AUTHORS] = tuple([(a.name, a.username, a.hidden) for a in values[_AUTHORS]])
    org = values[_ORG]
    values[_ORG] = None if org is None else (org.name, org.fullname)
    return marshal.dumps(tuple(values))


def _unpack(blob: bytes, summary: str) -> Paper:
    values = list(marshal.loads(blob))
    values[_SUMMARY] = summary
    values[_AUTHORS] = tuple([author_from_key(a) for a in values[_AUTHORS]])
    # Keywords recur across papers: one string per keyword, as the JSON path does.
    values[_KEYWORDS] = tuple([shared_word(word) for word in values[_KEYWORDS]])
    org = values[_ORG]
    if org is not None:
        values[_ORG] = Organization(*org)
    return Paper(*values)


def quick_bytes(rows: Rows, shard: os.stat_result) -> list[bytes]:
    """The quick copy of ``rows`` (doc id, record) made for the shard version ``shard``, as
    chunks to write one after the other: header, heads, then one region per paper.

    A region: the CRC-32 of the rest, the abstract's length, the abstract (UTF-8), the rest of
    the paper (marshalled). A record names its region by one number (offset << 32 | length).
    """
    blobs: list[bytes] = []
    heads, offset = [], 0
    for doc_id, r in rows:
        summary = r.summary.encode()
        body = _LENGTH.pack(len(summary)) + summary + _pack(r.paper)
        blobs.append(_LENGTH.pack(zlib.crc32(body)) + body)
        ref = offset << 32 | (len(body) + _LENGTH.size)
        offset += len(body) + _LENGTH.size
        heads.append((doc_id, r.id, ref, r.day, r.upvotes, r.listed_on, r.trending,
                      r.first_seen, r.updated_at, r.observed_at))
    payload = marshal.dumps(heads)
    head = _HEADER.pack(_MAGIC, FORMAT_VERSION, marshal.version, sys.hexversion >> 16, _SCHEMA,
                        *identity(shard), len(payload), zlib.crc32(payload), offset)
    return [head, payload, *blobs]


def write_quick(shard_path: Path, rows: Rows, shard: os.stat_result) -> bool:
    """Write the quick copy of a shard just written (``shard``: its ``fstat``). False if the
    disk refused: harmless, the JSON is read instead (an older copy names an older version)."""
    target = quick_path(shard_path)
    try:
        # No fsync: a copy cut short by a power cut fails its checksums and is made again.
        atomic_write_bytes(target, quick_bytes(rows, shard), sync_dir=False, durable=False)
    except OSError as err:
        log.info("could not write %s (%s): the shard's JSON will be read instead", target, err)
        return False
    return True


def read_quick(shard_path: Path, *, lazy: bool = True) -> Rows | None:
    """The shard's (doc id, record) pairs from its quick copy, or None when there is no usable
    copy for the shard as it is now (then read the JSON). The records' papers stay packed
    until first used; with ``lazy`` (honoured where :data:`LAZY`) they are not even read from
    the file until then."""
    lazy = lazy and LAZY
    try:
        fd = os.open(quick_path(shard_path), os.O_RDONLY | getattr(os, "O_BINARY", 0))
    except OSError:
        return None  # no copy (the usual case after an upgrade): the JSON decides
    papers = _Papers(fd, shard_path)  # owns fd from here on (closed when no record needs it)
    rows = None
    try:
        rows = _read_heads(papers, shard_path)
        if rows is not None and not lazy:
            papers.read_all()
    except OSError as err:
        log.info("could not read the quick copy of %s (%s): reading the JSON", shard_path, err)
        rows = None
    finally:
        if rows is None or not lazy:
            papers.close()
    return rows


def _read_heads(papers: _Papers, shard_path: Path) -> Rows | None:
    # Few system calls: at start-up each one hands the interpreter lock to the UI thread and
    # waits to get it back. The header and the heads usually come in one read.
    fd = papers.fd
    try:
        shard = os.stat(shard_path)
    except FileNotFoundError:
        return None
    raw = _pread(fd, _FIRST_READ, 0)
    if len(raw) < _HEADER.size:
        return None
    magic, version, marshal_version, python, schema, *ident, length, crc, size = (
        _HEADER.unpack_from(raw))
    if (magic, version, marshal_version, python, schema) != (
            _MAGIC, FORMAT_VERSION, marshal.version, sys.hexversion >> 16, _SCHEMA):
        return None
    if tuple(ident) != identity(shard):
        return None  # the shard was written since (by another instance, or an older version)
    end = _HEADER.size + length
    payload = memoryview(raw)[_HEADER.size:end] if len(raw) >= end else _pread(
        fd, length, _HEADER.size)
    if len(payload) != length or zlib.crc32(payload) != crc:
        return None
    papers.base, papers.size = _HEADER.size + length, size
    try:
        packed = Record.packed
        return [(row[0], packed(row[1], row[2], papers, *row[3:]))
                for row in marshal.loads(payload)]
    except (ValueError, TypeError, EOFError) as err:
        # Checksummed, so only a bug could get here: log it and fall back to the JSON.
        log.warning("unusable quick copy of %s: %s", shard_path.name, err)
        return None


class _Papers:
    """The papers part of one quick copy: unpacks a record's paper from the open file (or from
    the bytes read at load). A paper whose bytes fail their checksum (the disk changed under
    us) comes from the JSON shard instead, which is the source of truth anyway."""

    def __init__(self, fd: int, shard_path: Path) -> None:
        self.fd = fd
        self.base = 0  # where the papers part starts, and its length (from the header)
        self.size = 0
        self.shard_path = shard_path
        self._data: bytes | None = None
        self._fallback: dict[str, Paper] | None = None
        self._lock = threading.Lock()
        self._close = weakref.finalize(self, os.close, fd)

    def close(self) -> None:
        self._close()

    def read_all(self) -> None:
        self._data = _pread(self.fd, self.size, self.base)  # a short read fails the checksums

    def _read(self, ref: int) -> tuple[bytes, int] | None:
        """The region ``ref`` names and where its marshalled part starts, or None if it fails
        its checksum."""
        offset, length = ref >> 32, ref & 0xFFFFFFFF
        data = self._data
        if data is not None:
            region = data[offset:offset + length]
        else:
            try:
                region = _pread(self.fd, length, self.base + offset)
            except OSError as err:  # EIO, a network file system gone: the JSON may still do
                log.warning("could not read the quick copy of %s: %s", self.shard_path.name, err)
                return None
        if len(region) != length or length < 2 * _LENGTH.size:
            return None
        (crc,) = _LENGTH.unpack_from(region)
        if zlib.crc32(memoryview(region)[_LENGTH.size:]) != crc:
            return None
        (summary,) = _LENGTH.unpack_from(region, _LENGTH.size)
        return region, 2 * _LENGTH.size + summary

    def text(self, ref: int, paper_id: str) -> str:
        found = self._read(ref)
        if found is not None:
            region, end = found
            try:
                return region[2 * _LENGTH.size:end].decode()
            except UnicodeDecodeError as err:
                log.warning("unusable abstract of %s: %s", paper_id, err)
        return self._from_json(paper_id).summary

    def unpack(self, ref: int, paper_id: str, summary: str) -> Paper:
        found = self._read(ref)
        if found is not None:
            region, end = found
            try:
                return _unpack(region[end:], summary)
            except (ValueError, TypeError, EOFError) as err:
                log.warning("unusable packed paper %s: %s", paper_id, err)
        return self._from_json(paper_id)

    def _from_json(self, paper_id: str) -> Paper:
        from reader.store.shards import read_shard  # shards imports this module

        with self._lock:
            if self._fallback is None:
                log.warning("the quick copy of %s changed on disk: papers come from the JSON",
                            self.shard_path.name)
                try:
                    rows, _ = read_shard(self.shard_path, self.shard_path.stem)
                except (OSError, CorruptFile, NewerFormat) as err:
                    log.warning("and the JSON cannot be read either: %s", err)
                    rows = []
                self._fallback = {r.id: r.paper for _, r in rows}
        paper = self._fallback.get(paper_id)
        if paper is None:
            log.warning("paper %s is in neither %s nor its quick copy", paper_id,
                        self.shard_path.name)
            MADE_UP.add(paper_id)
            paper = Paper(id=paper_id)
        return paper

