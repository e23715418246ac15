"""Opening, checking, writing and rebuilding the derived SQLite store (see :mod:`.schema`).

Writers hold the cache's writer lock (reader.store.cache), so one process writes at a time;
readers never wait (WAL). A file that is missing, damaged or of another schema version is
rebuilt from the records; a failed write deletes the file, so the next open rebuilds it.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path
from typing import Any

import orjson

from reader.store.derived import schema
from reader.store.derived.rows import (
    body,
    fts_row,
    head,
    paper_row,
    signature,
    units,
    word_starts,
)
from reader.store.record import Record

Progress = Callable[[int, int], None]  # (steps done, steps in all)
# FTS5 turns its pending terms into an on-disk segment whenever they pass 'hashsize' (1 MB by
# default): a month's batch then makes dozens of small segments that automerge merges again and
# again. While a store is built, each batch (one month, one transaction) makes one segment
# instead; memory stays bounded by one month's terms. At 100k papers: 68.5 s -> 60.4 s.
BUILD_HASHSIZE = 256 * 1024 * 1024


class NoFts5(Exception):
    """This Python's SQLite has no FTS5: searching falls back to scanning."""

    def __str__(self) -> str:
        return ("this Python's SQLite has no FTS5 full-text search; filtering scans every "
                "paper instead (slower)")


def connect(path: Path, *, readonly: bool = False) -> sqlite3.Connection:
    """A connection to the store at ``path`` (WAL; created if absent unless ``readonly``)."""
    if readonly:
        conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, check_same_thread=False)
    else:
        conn = sqlite3.connect(path, check_same_thread=False)
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")  # derived: a lost last commit is rebuilt
    conn.execute("PRAGMA temp_store = MEMORY")
    conn.execute("PRAGMA cache_size = -16000")  # 16 MB of pages
    return conn


def remove(path: Path) -> None:
    """Delete the store and its WAL side files (losing nothing: it is derived)."""
    for name in (path.name, path.name + "-wal", path.name + "-shm"):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path.with_name(name))


def opens_and(path: Path, opener: Callable[[Path], sqlite3.Connection],
              check: Callable[[sqlite3.Connection], bool]) -> bool:
    """Whether the SQLite file at ``path`` exists, opens with ``opener`` and passes ``check``
    (an SQLite error on the way counts as no: the caller rebuilds the file)."""
    if not path.exists():
        return False
    try:
        conn = opener(path)
    except sqlite3.Error:
        return False
    try:
        return check(conn)
    except sqlite3.Error:
        return False
    finally:
        conn.close()


def usable(path: Path) -> bool:
    """Whether the file exists, opens, and has the current schema (else: rebuild it)."""
    return opens_and(path, lambda p: connect(p, readonly=True), lambda conn: (
        schema.version(conn) == schema.SCHEMA_VERSION and conn.execute(
            "SELECT value FROM meta WHERE key = 'complete'").fetchone() is not None))


DocIds = Mapping[str, int]  # paper id -> its TinyDB doc id in its shard
Encoded = Mapping[str, tuple[Record, bytes]]  # as reader.store.shards.Encoded


def write(conn: sqlite3.Connection, records: Iterable[Record],
          stamps: dict[str, str] | None = None, doc_ids: DocIds | None = None,
          encoded: Encoded | None = None) -> int:
    """Insert or update records (and the versions of the shards they were saved in) in one
    transaction; returns how many records were written. ``doc_ids``: where each record lies
    in its shard (a record without one is stored with 0, and its shard is then read from the
    JSON at start rather than from the store); ``encoded``: see :func:`prepare`."""
    return write_prepared(conn, prepare(records, doc_ids, encoded), stamps)


def write_prepared(conn: sqlite3.Connection, rows: Prepared,
                   stamps: dict[str, str] | None = None) -> int:
    """:func:`write` of rows made by :func:`prepare` (which needs no connection, so a bulk
    import prepares the next batch while a thread writes this one)."""
    with conn:
        if rows.ids:
            _write(conn, rows)
        if stamps:
            conn.executemany("INSERT OR REPLACE INTO shards VALUES (?, ?)", stamps.items())
    return len(rows.ids)


@dataclass(slots=True)
class Prepared:
    """The rows of some records, but for the rid (known only inside the write's transaction):
    per record its id, signature, ``papers`` row without the rid and ``units`` cells."""

    ids: list[str] = field(default_factory=list)
    sigs: list[int] = field(default_factory=list)
    papers: list[tuple[Any, ...]] = field(default_factory=list)
    cells: list[tuple[Any, ...]] = field(default_factory=list)
    listed: list[tuple[str, str]] = field(default_factory=list)
    seen: list[tuple[str, int, str]] = field(default_factory=list)
    heads: list[tuple[Any, ...]] = field(default_factory=list)  # heads rows without the rid
    bodies: list[bytes] = field(default_factory=list)


def prepare(records: Iterable[Record], doc_ids: DocIds | None = None,
            encoded: Encoded | None = None) -> Prepared:
    """The rows of ``records`` for :func:`write_prepared` (pure Python, no database);
    ``encoded``: records' JSON already made for their shard, reused when the record is the
    same object."""
    from reader.store.shards import shard_of

    out = Prepared()
    where = doc_ids or {}
    made = encoded or {}
    for record in records:
        parts = units(record)
        sig = signature(parts)
        out.ids.append(record.id)
        out.sigs.append(sig)
        out.papers.append(paper_row(record, 0, sig, *word_starts(parts))[1:])
        out.cells.append(fts_row(0, parts)[1:])
        out.listed.extend((record.id, day) for day in record.listed_on)
        out.seen.extend((record.id, rank, at) for rank, at in record.trending)
        out.heads.append(head(record, shard_of(record.id), where.get(record.id, 0)))
        hit = made.get(record.id)
        out.bodies.append(hit[1] if hit is not None and hit[0] is record else body(record))
    return out


def _write(conn: sqlite3.Connection, rows: Prepared) -> None:
    ids = rows.ids
    known: dict[str, tuple[int, int]] = {}
    for i in range(0, len(ids), 900):  # SQLite's limit on bound parameters
        chunk = ids[i:i + 900]
        marks = ",".join("?" * len(chunk))
        for pid, rid, sig in conn.execute(
                f"SELECT id, rid, sig FROM papers WHERE id IN ({marks})", chunk):
            known[pid] = (rid, sig)
    top = conn.execute("SELECT coalesce(max(rid), 0) FROM papers").fetchone()[0]
    papers, fts, stale, old_ids, heads, bodies = [], [], [], [], [], []
    for pid, sig, row, cells, head_row, blob in zip(
            ids, rows.sigs, rows.papers, rows.cells, rows.heads, rows.bodies, strict=True):
        if pid in known:
            rid, old_sig = known[pid]
            old_ids.append((pid,))
            if old_sig != sig:
                stale.append((rid,))
                fts.append((rid, *cells))
        else:
            top += 1
            rid = top
            fts.append((rid, *cells))
        papers.append((rid, *row))
        heads.append((rid, *head_row))
        bodies.append((rid, blob))
    if old_ids:
        conn.executemany("DELETE FROM listed WHERE id = ?", old_ids)
        conn.executemany("DELETE FROM sightings WHERE id = ?", old_ids)
    if stale:
        conn.executemany("DELETE FROM units WHERE rowid = ?", stale)
    insert_rows(conn, "INSERT OR REPLACE INTO papers", papers, texts=(1, 2, 10, 12, 14, 15),
                blobs=(18,))
    insert_rows(conn, "INSERT OR REPLACE INTO heads", heads, texts=(1, 3, 4, 6, 8, 9, 10),
                blobs=(7,))
    insert_rows(conn, "INSERT OR REPLACE INTO bodies", bodies, blobs=(1,))
    insert_rows(conn, "INSERT INTO units (rowid, title, author, abstract, kw, org)", fts,
                texts=(1, 2, 3, 4, 5))
    insert_rows(conn, "INSERT OR IGNORE INTO listed", rows.listed, texts=(0, 1))
    insert_rows(conn, "INSERT INTO sightings", rows.seen, texts=(0, 2))


def insert_rows(conn: sqlite3.Connection, head: str, rows: Sequence[tuple[Any, ...]],
                texts: tuple[int, ...] = (), blobs: tuple[int, ...] = ()) -> None:
    """``head`` (an INSERT naming its table, and its columns if not all) of ``rows``, all of
    one width, in one statement. A value is str (or None) at the positions ``texts``, bytes (or
    None) at ``blobs``, else int, float or None.

    One statement runs in one step, with Python's interpreter lock released throughout. An
    executemany takes the lock back after every row, and while another thread runs Python (the
    import's merge and shard writes) each row then waits for the lock, up to the switch
    interval (5 ms): a writer thread so held crawls instead of running on the other core, and
    the two threads took as long as one doing both. The numbers go in as one JSON array of
    rows (read with json_each); the texts and blobs, which JSON would escape and unescape, as
    one blob of their bytes, each cut out by its offset and length in the row.
    """
    if not rows:
        return
    columns = list(zip(*rows, strict=True))
    pieces: list[bytes] = []
    cells: list[Sequence[Any]] = []
    exprs: list[str] = []
    start = 1  # substr() counts from 1
    for i, column in enumerate(columns):
        if i not in texts and i not in blobs:
            exprs.append(f"json_extract(value, '$[{len(cells)}]')")
            cells.append(column)
            continue
        data = [b"" if v is None else v for v in column] if i in blobs else \
            [b"" if v is None else v.encode() for v in column]
        sizes = [len(b) for b in data]
        starts = list(accumulate(sizes, initial=start))
        start = starts.pop()  # where the next column's bytes begin
        # substr() of a NULL start is NULL: a None stays one.
        cells += [[None if v is None else at for v, at in zip(column, starts, strict=True)],
                  sizes]
        pieces.extend(data)
        cut = (f"substr(?2, json_extract(value, '$[{len(cells) - 2}]'), "
               f"json_extract(value, '$[{len(cells) - 1}]'))")
        exprs.append(cut if i in blobs else f"CAST({cut} AS TEXT)")
    conn.execute(f"{head} SELECT {', '.join(exprs)} FROM json_each(?1)",
                 (orjson.dumps(list(zip(*cells, strict=True))),
                  b"".join(pieces) + b"\0"))  # never empty: substr() of x'' is NULL, not x''


def set_hashsize(conn: sqlite3.Connection, size: int | None) -> None:
    """Set the FTS5 'hashsize' of ``units`` (bytes of pending terms kept in memory before they
    are written as a segment); None: back to FTS5's default, as if never set."""
    if size is None:
        conn.execute("DELETE FROM units_config WHERE k = 'hashsize'")
    else:
        conn.execute("INSERT INTO units(units, rank) VALUES ('hashsize', ?)", (size,))


def shard_stamps(conn: sqlite3.Connection) -> dict[str, str]:
    """The identity of each shard file the store holds (see :mod:`.file_versions`)."""
    from reader.store.derived.file_versions import identity

    return {name: identity(held) for name, held in conn.execute("SELECT name, stamp FROM shards")}


def keep_unchanged_shards(conn: sqlite3.Connection, papers_dir: Path,
                          on_disk: Mapping[str, str]) -> set[str]:
    """Give the shards copied or restored as they were (``on_disk``: name -> identity now)
    their new version instead of indexing them again, and a digest to the versions held
    without one (:mod:`.file_versions`); the names of the ones whose identity changed.
    ``conn`` must be writable."""
    from reader.store.derived.file_versions import unchanged

    stored = dict(conn.execute("SELECT name, stamp FROM shards"))
    kept = unchanged(stored, on_disk, lambda name: papers_dir / f"{name}.json")
    moved: set[str] = set()
    with conn:
        for k in kept:
            done = conn.execute("UPDATE shards SET stamp = ? WHERE name = ? AND stamp = ?",
                                (k.now, k.key, k.held))
            if done.rowcount == 1 and k.moved:  # else another writer stamped it meanwhile
                moved.add(k.key)
    return moved


def replace_shard(conn: sqlite3.Connection, name: str, rows: list[tuple[int, Record]],
                  stamp: str | None) -> None:
    """Make the store hold exactly ``rows`` (doc id, record) for shard ``name`` (None: the
    file is gone)."""
    from reader.store.shards import MISC, shard_of

    records = [record for _doc_id, record in rows]
    keep = {r.id for r in records}
    if name == MISC:
        held = (pid for (pid,) in conn.execute("SELECT id FROM papers") if shard_of(pid) == MISC)
    else:  # a month: its ids are the range [YYMM., YYMM/) of the id index ('/' follows '.')
        held = (pid for (pid,) in conn.execute(
            "SELECT id FROM papers WHERE id >= ? AND id < ?", (f"{name}.", f"{name}/"))
            if shard_of(pid) == name)
    gone = [(pid,) for pid in held if pid not in keep]
    with conn:
        for table in ("listed", "sightings"):
            conn.executemany(f"DELETE FROM {table} WHERE id = ?", gone)
        for table in ("units", "heads", "bodies"):
            conn.executemany(
                f"DELETE FROM {table} WHERE rowid = (SELECT rid FROM papers WHERE id = ?)", gone)
        conn.executemany("DELETE FROM papers WHERE id = ?", gone)
        if records:
            _write(conn, prepare(records, {r.id: doc_id for doc_id, r in rows}))
        if stamp is None:
            conn.execute("DELETE FROM shards WHERE name = ?", (name,))
        else:
            conn.execute("INSERT OR REPLACE INTO shards VALUES (?, ?)", (name, stamp))


def rebuild(path: Path, batches: Iterable[list[Record]], total: int,
            progress: Progress | None = None, stamps: dict[str, str] | None = None,
            doc_ids: DocIds | None = None) -> None:
    """Build the store at ``path`` anew from ``batches`` of records (``total`` batches, one
    transaction and one ``progress(done, total)`` call each); ``doc_ids``: where the records
    of the batch being written lie in their shard (see :func:`write`).

    Built in a temporary file renamed over ``path`` once complete, so a reader never sees a
    half-built store and a crash leaves nothing that looks usable. Raises NoFts5, sqlite3.Error
    or OSError (the temporary file is then removed).
    """
    from reader.store.derived.build import Build
    from reader.store.derived.bulk import BulkWriter

    # Written by a thread while the next shard is read and prepared here (see insert_rows:
    # the writes need the interpreter lock only between statements). At 100k papers each
    # thread takes 29 and 40 s of CPU, against 58 s for the two in one (+11 s of CPU).
    failed: list[Exception] = []
    writer = BulkWriter(path, failed.append, Build(path))
    try:
        for done, batch in enumerate(batches, 1):
            if writer.failed:
                break
            writer.put(prepare(batch, doc_ids), {})
            if progress is not None:
                progress(done, total)
        writer.put(Prepared(), stamps or {})  # filled while the batches were read
    except BaseException:
        writer.close(finish=False)
        raise
    writer.close()
    if failed:
        raise failed[0]


def stamp_text(path: Path) -> str | None:
    """The identity of a file (``mtime_ns:size:inode``), the first part of a version as the
    ``shards`` table keeps it (see :mod:`.file_versions`); None if it is absent."""
    from reader.store import reconcile

    found = reconcile.stamp(path)
    return None if found is None else reconcile.version_text(found)


def read_records(name: str, path: Path) -> list[tuple[int, Record]]:
    """The (doc id, record) pairs of one JSON shard; [] if it cannot be read (the cache reports
    it and moves it aside when it opens it; its papers are fetched again)."""
    from reader.store.atomic import CorruptFile
    from reader.store.shards import read_shard
    from reader.store.storage import NewerFormat

    try:
        rows, _bad = read_shard(path, name)
    except (CorruptFile, NewerFormat, OSError):
        return []
    return rows


ReadShard = Callable[[str, Path], list[tuple[int, Record]]]  # (name, path) -> (doc id, record)


def shard_batches(papers_dir: Path, stamps: dict[str, str], read: ReadShard = read_records,
                  doc_ids: dict[str, int] | None = None) -> tuple[Iterator[list[Record]], int]:
    """The records of the JSON shards (the cache of record), one batch per shard, and how
    many shards there are; ``stamps`` is filled with the version of each shard read, and
    ``doc_ids`` with the doc ids of the batch last given."""
    from reader.store.derived.file_versions import seal
    from reader.store.shards import shard_paths

    paths = list(shard_paths(papers_dir))

    def iterate() -> Iterator[list[Record]]:
        for name, shard_path in paths:
            version = stamp_text(shard_path)  # before reading: a later change shows as stale
            rows = read(name, shard_path)
            if version is not None:  # sealed after reading: see file_versions
                stamps[name] = seal(shard_path, version)
            if doc_ids is not None:
                doc_ids.clear()
                doc_ids.update((record.id, doc_id) for doc_id, record in rows)
            yield [record for _doc_id, record in rows]

    return iterate(), len(paths)
