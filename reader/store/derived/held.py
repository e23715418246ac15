"""The cache's records read back from the derived store at start, their papers on demand.

Parsing 100,000 papers from the JSON shards takes seconds and holds every paper whole. The
store holds, per paper, a narrow ``heads`` row (schema: shard, doc id, id, day, upvotes, and a
small JSON of the listing days, trending sightings and times) and a ``bodies`` row (the
record's JSON, exactly as its shard holds it). A start reads the heads only: one query, one
small packed Record per paper (see ``Record.packed``). A paper's body is read when the paper
is first used (the rows on screen, the detail), some tens of us; and a shard written again
takes its unchanged papers' bodies as they are (:meth:`StoredPapers.bodies`), without
decoding and encoding them again.

Only shards whose file is the version the store was last brought up to date with are read
this way (``shards`` table, compared in the same read transaction as the rows); any other
shard (written behind the store's back, by an older paper-reader, or a crash between the two
writes) is read from its JSON, as before. The JSON shard stays the one source of truth: a
paper whose body cannot be read or does not match is taken from its shard as it is then; if
the shard does not have it either, it is shown empty and its month is never written by this
process (see :data:`MADE_UP`), so nothing on disk loses it.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import orjson

from reader.hub.models import Paper
from reader.store.derived import store
from reader.store.record import Record, record_from_dict

log = logging.getLogger("reader.store")

# Ids of papers that could be read neither from the store nor from their JSON shard: shown
# empty, so their month must not be written over (PaperCache checks this).
MADE_UP: set[str] = set()

Rows = list[tuple[int, Record]]  # (TinyDB doc id, record) of one shard
_HEAD_COLUMNS = ("h.shard, h.doc_id, h.rid, h.id, h.day, h.upvotes, h.listed, h.trending, "
                 "h.first_seen, h.updated_at, h.observed_at")


class StoredPapers:
    """Unpacks the papers of records loaded by :func:`load` from the store (any thread)."""

    def __init__(self, conn: sqlite3.Connection, papers_dir: Path) -> None:
        self._conn = conn  # read-only, kept open: one query per paper unpacked
        self._papers_dir = papers_dir
        self._lock = threading.Lock()  # one statement at a time on the shared connection
        self._fallback: dict[str, dict[str, Paper]] = {}  # shard -> papers read from the JSON

    def _body(self, rid: int) -> bytes | None:
        try:
            with self._lock:
                row = self._conn.execute("SELECT body FROM bodies WHERE rid = ?",
                                         (rid,)).fetchone()
        except sqlite3.Error as err:
            log.warning("could not read a paper from the search store: %s", err)
            return None
        return None if row is None else bytes(row[0])

    def _record(self, rid: int, paper_id: str) -> Record | None:
        body = self._body(rid)
        if body is None:
            return None
        try:
            record = record_from_dict(orjson.loads(body))
        except (orjson.JSONDecodeError, KeyError, TypeError, ValueError, AttributeError) as err:
            log.warning("unusable stored paper %s: %s", paper_id, err)
            return None
        return record if record.id == paper_id else None

    def text(self, ref: Any, paper_id: str) -> str:
        return self.unpack(ref, paper_id, None).summary

    def unpack(self, ref: Any, paper_id: str, summary: str | None) -> Paper:
        record = self._record(ref, paper_id)
        return record.paper if record is not None else self._from_json(paper_id)

    def bodies(self, records: Iterable[Record]) -> dict[str, tuple[Record, bytes]]:
        """The stored JSON of those ``records`` still packed from this store, by id (for
        reader.store.shards.Encoded: a shard written again reuses them as they are)."""
        wanted: dict[int, Record] = {}
        for record in records:
            held = record.held_by()
            if held is not None and held[0] is self:
                wanted[held[1]] = record
        out: dict[str, tuple[Record, bytes]] = {}
        rids = list(wanted)
        try:
            for i in range(0, len(rids), 900):  # SQLite's limit on bound parameters
                chunk = rids[i:i + 900]
                marks = ",".join("?" * len(chunk))
                with self._lock:
                    found = self._conn.execute(
                        f"SELECT rid, body FROM bodies WHERE rid IN ({marks})", chunk).fetchall()
                for rid, blob in found:
                    record = wanted[rid]
                    data = bytes(blob)
                    # The body names its paper first (reader.hub.models.paper_to_dict).
                    if data.startswith(b'{"id":' + orjson.dumps(record.id)):
                        out[record.id] = (record, data)
        except sqlite3.Error as err:
            log.warning("could not read papers from the search store: %s", err)
        return out

    def _from_json(self, paper_id: str) -> Paper:
        from reader.store.atomic import CorruptFile
        from reader.store.shards import read_shard, shard_of
        from reader.store.storage import NewerFormat

        name = shard_of(paper_id)
        with self._lock:
            papers = self._fallback.get(name)
            if papers is None:
                path = self._papers_dir / f"{name}.json"
                log.warning("the search store no longer holds a paper of %s: its papers come "
                            "from the JSON", path.name)
                try:
                    rows, _ = read_shard(path, name)
                except (OSError, CorruptFile, NewerFormat) as err:
                    log.warning("and the JSON cannot be read either: %s", err)
                    rows = []
                papers = self._fallback[name] = {r.id: r.paper for _, r in rows}
        paper = papers.get(paper_id)
        if paper is None:
            log.warning("paper %s is in neither %s.json nor the search store", paper_id, name)
            MADE_UP.add(paper_id)
            paper = Paper(id=paper_id)
        return paper


def load(path: Path, papers_dir: Path, versions: Mapping[str, str]) -> dict[str, Rows]:
    """The records of every shard whose file is the version the store at ``path`` holds
    (``versions``: shard name -> its file's version now, see ``store.stamp_text``), packed,
    by shard name. Shards left out are read from their JSON. {} when the store cannot be used
    (missing, damaged, of another schema: the search store is rebuilt in the background)."""
    if not store.usable(path):
        return {}
    try:
        conn = store.connect(path, readonly=True)
    except sqlite3.Error as err:
        log.info("cannot read the search store (%s): the shards' JSON is read", err)
        return {}
    try:
        return _read(conn, papers_dir, versions)
    except sqlite3.Error as err:
        conn.close()
        log.warning("cannot read the search store (%s): the shards' JSON is read", err)
        return {}


def _read(conn: sqlite3.Connection, papers_dir: Path, versions: Mapping[str, str]
          ) -> dict[str, Rows]:
    conn.execute("BEGIN")  # one snapshot: the shard versions and the rows agree
    try:
        held = store.shard_stamps(conn)
        current = {name for name, version in versions.items() if held.get(name) == version}
        papers = StoredPapers(conn, papers_dir)
        out: dict[str, Rows] = {name: [] for name in current}
        unknown: set[str] = set()  # shards with a paper whose doc id is unknown: read the JSON
        loads, packed = orjson.loads, Record.packed
        # Days and times recur (an import stamps thousands of papers alike): one string each.
        share = {"": ""}.setdefault
        for (shard, doc_id, rid, pid, day, upvotes, listed, trending, first_seen, updated_at,
             observed_at) in conn.execute(f"SELECT {_HEAD_COLUMNS} FROM heads h"):
            rows = out.get(shard)
            if rows is None:
                continue
            if not doc_id:
                unknown.add(shard)
                continue
            # _packed, inlined: a call per row costs ~0.1 s of a 100k load (measured)
            rows.append((doc_id, packed(
                pid, rid, papers, share(day, day), upvotes,
                tuple([share(d, d) for d in listed.split(",")]) if listed else (),
                tuple([(rank, share(at, at)) for rank, at in loads(trending)]) if trending else (),
                share(first_seen, first_seen), share(updated_at, updated_at),
                share(observed_at, observed_at))))
    finally:
        conn.execute("COMMIT")
    for shard, rows in out.items():
        if len({doc_id for doc_id, _ in rows}) != len(rows):  # two papers at one place: a bug
            log.warning("the search store places two papers of %s.json alike: reading the JSON",
                        shard)
            unknown.add(shard)
    for shard in unknown:
        del out[shard]
    if not out:
        conn.close()
    return out



def records_of(path: Path, versions: Mapping[str, str], ids: Sequence[str]) -> dict[str, Record]:
    """The records of ``ids`` read whole from their stored bodies, by id, for the papers whose
    shard file is the version the store holds (``versions``: shard name -> identity of its
    file now); the others are left out, for the caller to read from their shard's JSON. {}
    when the store cannot be used. What `list` prints: at 100k papers, 4,964 hits took 7.0 s
    through their shards' JSON (every month parsed and checked), 0.7 s here."""
    if not store.usable(path):
        return {}
    try:
        conn = store.connect(path, readonly=True)
    except sqlite3.Error as err:
        log.info("cannot read the search store (%s): the papers come from the shards", err)
        return {}
    out: dict[str, Record] = {}
    try:
        conn.execute("BEGIN")  # one snapshot: the shard versions and the bodies agree
        try:
            held = store.shard_stamps(conn)
            current = {name for name, version in versions.items() if held.get(name) == version}
            for i in range(0, len(ids), 900):  # SQLite's limit on bound parameters
                chunk = ids[i:i + 900]
                marks = ",".join("?" * len(chunk))
                for shard, pid, body in conn.execute(
                        "SELECT h.shard, p.id, b.body FROM papers p JOIN heads h ON h.rid = p.rid"
                        f" JOIN bodies b ON b.rid = p.rid WHERE p.id IN ({marks})", chunk):
                    if shard not in current:
                        continue
                    try:
                        record = record_from_dict(orjson.loads(body))
                    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError,
                            AttributeError) as err:
                        log.warning("unusable stored paper %s: %s", pid, err)
                        continue
                    if record.id == pid:
                        out[pid] = record
        finally:
            conn.execute("COMMIT")
    except sqlite3.Error as err:
        log.warning("cannot read the search store (%s): the papers come from the shards", err)
        return {}
    finally:
        conn.close()
    return out


def recent(path: Path, papers_dir: Path, days: int) -> list[Record] | None:
    """The start-up slice from the store, in a few ms: the papers listed on the newest
    ``days`` listing days (newest day first, by id within a day), then the newest trending
    list's papers not among them (by rank). Packed, as :func:`load` gives them. None when the
    store cannot be used (then the slice is taken from every paper, loaded in a worker)."""
    if not store.usable(path):
        return None
    try:
        conn = store.connect(path, readonly=True)
    except sqlite3.Error as err:
        log.info("cannot read the search store (%s): the slice comes from the shards", err)
        return None
    try:
        conn.execute("BEGIN")
        try:
            newest = [day for (day,) in conn.execute(
                "SELECT day FROM listed GROUP BY day ORDER BY day DESC LIMIT ?", (days,))]
            marks = ",".join("?" * len(newest))
            ids = [pid for (pid,) in conn.execute(
                f"SELECT DISTINCT id FROM listed WHERE day IN ({marks}) ORDER BY day DESC, id",
                newest)]
            ids += [pid for (pid,) in conn.execute(
                "SELECT id FROM sightings WHERE seen_at = (SELECT max(seen_at) FROM sightings) "
                "ORDER BY rank")]
            ids = list(dict.fromkeys(ids))
            found: dict[str, tuple[Any, ...]] = {}
            for i in range(0, len(ids), 900):  # SQLite's limit on bound parameters
                chunk = ids[i:i + 900]
                found.update((row[3], row) for row in conn.execute(
                    f"SELECT {_HEAD_COLUMNS} FROM papers p JOIN heads h ON h.rid = p.rid "
                    f"WHERE p.id IN ({','.join('?' * len(chunk))})", chunk))
        finally:
            conn.execute("COMMIT")
    except sqlite3.Error as err:
        conn.close()
        log.warning("cannot read the search store (%s): the slice comes from the shards", err)
        return None
    papers = StoredPapers(conn, papers_dir)
    return [_packed(found[pid], papers) for pid in ids if pid in found]


def _packed(row: tuple[Any, ...], papers: StoredPapers) -> Record:
    (_shard, _doc_id, rid, pid, day, upvotes, listed, trending, first_seen, updated_at,
     observed_at) = row
    return Record.packed(
        pid, rid, papers, day, upvotes, tuple(listed.split(",")) if listed else (),
        tuple([(rank, at) for rank, at in orjson.loads(trending)]) if trending else (),
        first_seen, updated_at, observed_at)
