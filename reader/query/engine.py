"""The app's filter engine: the filter language answered by the derived SQLite store.

One read-only connection (WAL: it never waits for a writer, and sees each merge once it is
committed), its queries one at a time. It answers the question the screens ask: which of
these candidate papers (a view, in its order) match a query, sorted by the query's sort key
when it has one; and the same for the mute and watch rules. Text terms are FTS5 lookups,
numbers, dates and flags indexed columns (reader.query.sql); the matches come back as one
JSON array of store rowids, and what stays in Python is keeping the candidates' order (in C,
through a rowid table read once per store version) and the stable sort by one precomputed
key.

A query that finds the store damaged raises :class:`StoreDamaged`: the caller reports it,
deletes the file (reader.store.derived.keeper) and filters by scanning until it is rebuilt.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import compress
from operator import itemgetter
from pathlib import Path
from typing import Any, cast

import orjson

from reader.query.ast import Query
from reader.query.matcher import Context
from reader.query.sql import _Compiler, fts_expression
from reader.store.derived import texts
from reader.store.derived.schema import SORT_COLUMNS

Cancelled = Callable[[], bool]  # true once the caller no longer wants the answer
PROGRESS_STEPS = 2000  # SQLite VM steps between two looks at ``cancelled`` (well under 1 ms)


class Stopped(Exception):
    """The caller's ``cancelled()`` turned true: the query was abandoned (a newer one came)."""


class StoreDamaged(Exception):
    """The store failed a query (damaged inside, or deleted under us): rebuild it."""

    def __init__(self, err: sqlite3.Error) -> None:
        super().__init__(str(err))
        self.error = err


def rids_sql(query: Query, ctx: Context) -> tuple[str, list[object]]:
    """SQL whose one row is the store rowids (papers.rid) of the papers ``query`` matches, as
    one JSON array: a single value crosses into Python instead of a row per paper, which at
    10^5 matches was most of the cost (a JSON array is also built and parsed faster than a
    ``group_concat`` text). A query of text terms only is one FTS5 lookup
    (reader.query.sql.fts_expression)."""
    if query.expr is None:
        return "SELECT json_group_array(rid) FROM papers", []
    match = fts_expression(query.expr)
    if match is not None:
        return "SELECT json_group_array(rowid) FROM units WHERE units MATCH ?", [match]
    compiler = _Compiler(ctx)
    where = compiler.node(query.expr)
    return f"SELECT json_group_array(p.rid) FROM papers p WHERE {where}", compiler.params


def _marks(rids: Iterable[int], size: int) -> bytearray:
    """A bytearray of ``size`` holding 1 at each of ``rids`` (IndexError if one is beyond)."""
    marks = bytearray(size)
    for rid in rids:
        marks[rid] = 1
    return marks


@dataclass(frozen=True)
class _Rowids:
    """The store's rowids and ids both ways, as of one store version and caller's records."""

    version: tuple[int, int]  # (id of the caller's records, PRAGMA data_version)
    ids: list[str | None]  # rid -> id (None: a free rid)
    rid_of: dict[str, int]  # id -> rid


class Engine:
    """Filters candidate ids with the derived store (see the module docstring)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        self._lock = threading.Lock()
        self._sort_values: dict[str, dict[str, int]] = {}  # sort key -> id -> value
        self._texts_attached: bool | None = None  # None: no full-text store attached yet
        self._rowids: _Rowids | None = None  # see _table
        self._records: Mapping[str, Any] = {}  # the caller's records (see use_records)
        # The last candidates filtered, and how to read their marks under that table (_lookup).
        self._candidates: tuple[_Rowids, list[str], Callable[[bytearray], Iterable[int]]] \
            | None = None

    def use_texts(self, path: Path) -> None:
        """Attach the full-text store at ``path`` (reader.store.derived.texts) as ``texts``, for
        the SQL of text: terms. While it cannot be (not built yet) an empty one is, and the
        next call tries the real one again."""
        with self._lock:
            if self._texts_attached:
                return
            if self._texts_attached is False:
                self._conn.execute("DETACH DATABASE texts")
            self._texts_attached = texts.attach(self._conn, path)

    def use_records(self, records: Mapping[str, Any]) -> None:
        """The caller's records by id (anything with an ``id``): the ids this engine returns
        are then the records' own id strings, the very objects the caller's candidate lists
        hold, so that its set lookups compare by identity, not by content (at 10^5 matches
        that is a third of a filter's time)."""
        self._records = records

    def prepare(self) -> None:
        """Read now what the first filter would (which store row is which paper), so that it
        does not: call it in a thread once the caller's records are given."""
        self._table()

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def changed(self) -> None:
        """Papers were merged: forget the cached sort values (they are read again on use)."""
        with self._lock:
            self._sort_values.clear()

    def _rows(self, sql: str, params: Sequence[object],
              cancelled: Cancelled | None = None) -> list[tuple[object, ...]]:
        """The rows of one query; with ``cancelled``, SQLite looks at it every few thousand
        steps and abandons the query (raising Stopped) once it is true, so that a superseded
        filter frees the connection at once instead of finishing."""
        try:
            with self._lock:
                if cancelled is None:
                    return self._conn.execute(sql, params).fetchall()
                if cancelled():
                    raise Stopped()
                self._conn.set_progress_handler(lambda: 1 if cancelled() else 0, PROGRESS_STEPS)
                try:
                    return self._conn.execute(sql, params).fetchall()
                finally:
                    self._conn.set_progress_handler(None, 0)
        except sqlite3.OperationalError as err:
            if cancelled is not None and cancelled():
                raise Stopped() from err  # "interrupted": the handler stopped it
            raise StoreDamaged(err) from err
        except sqlite3.DatabaseError as err:
            raise StoreDamaged(err) from err

    def _rids(self, query: Query, ctx: Context, cancelled: Cancelled | None) -> list[int]:
        """The store rowids of the papers ``query`` matches (its sort is ignored)."""
        sql, params = rids_sql(query, ctx)
        rows = self._rows(sql, params, cancelled)
        return orjson.loads(cast(str, rows[0][0])) if rows else []

    def _table(self, top: int = 0) -> _Rowids:
        """The rowid table, read again when the store changed since it was read (``PRAGMA
        data_version`` moves when another connection commits), when the caller's records
        changed, or when it lacks rowid ``top`` (a paper committed meanwhile)."""
        records = self._records
        version = (id(records), cast(int, self._rows("PRAGMA data_version", ())[0][0]))
        table = self._rowids
        if table is None or table.version != version or top >= len(table.ids):
            rows = cast(list[tuple[int, str]], self._rows("SELECT rid, id FROM papers", ()))
            ids: list[str | None] = [None] * (max((rid for rid, _ in rows), default=0) + 1)
            for rid, pid in rows:
                record = records.get(pid)
                ids[rid] = pid if record is None else record.id
            table = self._rowids = _Rowids(version, ids, {pid: rid for rid, pid in rows})
        return table

    def matching(self, query: Query, ctx: Context,
                 cancelled: Cancelled | None = None) -> set[str]:
        """Ids of every paper that ``query`` matches (its sort is ignored)."""
        rids = self._rids(query, ctx, cancelled)
        ids = self._table(max(rids, default=0)).ids
        top = len(ids)
        return {pid for pid in (ids[r] for r in rids if r < top) if pid is not None}

    def filter(self, query: Query, ctx: Context, candidates: Sequence[str],
               cancelled: Cancelled | None = None) -> list[str]:
        """The ``candidates`` that ``query`` matches, in their order, then sorted (stably) by
        the query's sort key, biggest first; candidates the store lacks never match. Raises
        Stopped once ``cancelled()`` is true (looked at while the query runs).

        The matches stay store rowids, marked in a bytearray; the candidates' rowids are
        looked up once per list of candidates (the next keystroke filters the same view), and
        the candidates kept in C (itemgetter, itertools.compress): no string is hashed, and no
        Python loop runs over the candidates."""
        if query.expr is None:
            found = list(candidates)
        else:
            rids = self._rids(query, ctx, cancelled)
            table = self._table()
            try:
                marks = _marks(rids, len(table.ids))
            except IndexError:  # a paper committed since the table was read
                table = self._table(max(rids))
                marks = _marks(rids, max(len(table.ids), max(rids) + 1))
            found = list(compress(candidates, self._lookup(candidates, table)(marks)))
        return self.sort_ids(found, query.sort) if query.sort else found

    def _lookup(self, candidates: Sequence[str], table: _Rowids
                ) -> Callable[[bytearray], Iterable[int]]:
        """A function of a rid-indexed bytearray giving its byte for each candidate, in order
        (0 for a candidate the store lacks: rid 0 is no paper's). Made once per list of
        candidates: the next keystroke filters the same view."""
        kept = self._candidates
        if kept is not None and kept[0] is table and kept[1] == candidates:
            return kept[2]
        rid_of = table.rid_of
        positions = [rid_of.get(pid, 0) for pid in candidates]
        # One C call fetching every byte (a Python loop over 10^5 scattered positions costs
        # several times more).
        lookup: Callable[[bytearray], Iterable[int]] = (
            itemgetter(*positions) if len(positions) > 1
            else lambda marks: [marks[p] for p in positions])
        self._candidates = (table, list(candidates), lookup)
        return lookup

    def sort_ids(self, ids: Sequence[str], key: str) -> list[str]:
        """``ids`` sorted by ``key`` (reader.query.matcher.sort_key), biggest first; unknown
        values and papers the store lacks go last; ties keep their order."""
        values = self._values(key)
        return sorted(ids, key=lambda pid: values.get(pid, -1), reverse=True)

    def _values(self, key: str) -> dict[str, int]:
        if key not in SORT_COLUMNS:
            raise ValueError(f"unknown sort key {key!r}")
        cached = self._sort_values.get(key)
        if cached is None:
            # Two JSON arrays, not a row per paper (see rids_sql); the ids are the table's.
            rows = self._rows(f"SELECT json_group_array(p.rid), "
                              f"json_group_array({SORT_COLUMNS[key]}) FROM papers p", ())
            rids, values = (orjson.loads(cast(str, text)) for text in rows[0])
            ids = self._table(max(rids, default=0)).ids
            cached = {pid: value for pid, value in zip(map(ids.__getitem__, rids), values,
                                                     strict=True) if pid is not None}
            self._sort_values[key] = cached
        return cached
