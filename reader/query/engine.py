"""The app's filter engine: the filter language answered by the derived SQLite store.

One read-only connection (WAL: it never waits for a writer, and sees each merge once it is
committed), used by one thread at a time. It answers the question the screens ask: which of
these candidate papers (a view, in its order) match a query, sorted by the query's sort key
when it has one; and the same for the mute and watch rules. Text terms are FTS5 lookups,
numbers, dates and flags indexed columns (reader.query.sql); what stays in Python is keeping
the candidates' order and the stable sort by one precomputed key.

A query that finds the store damaged raises :class:`StoreDamaged`: the caller reports it,
deletes the file (reader.store.derived.keeper) and filters by scanning until it is rebuilt.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Sequence
from operator import itemgetter
from pathlib import Path

from reader.query.ast import Query
from reader.query.matcher import Context
from reader.query.sql import _Compiler
from reader.store.derived import texts
from reader.store.derived.schema import SORT_COLUMNS

_first = itemgetter(0)  # a row's first column: the id (a str, as the schema stores it)


Cancelled = Callable[[], bool]  # true once the caller no longer wants the answer
PROGRESS_STEPS = 2000  # SQLite VM steps between two looks at ``cancelled`` (well under 1 ms)


class Stopped(Exception):
    """The caller's ``cancelled()`` turned true: the query was abandoned (a newer one came)."""


class StoreDamaged(Exception):
    """The store failed a query (damaged inside, or deleted under us): rebuild it."""

    def __init__(self, err: sqlite3.Error) -> None:
        super().__init__(str(err))
        self.error = err


def matching_sql(query: Query, ctx: Context) -> tuple[str, list[object]]:
    """SQL selecting the ids that ``query`` matches, with their sort value when it sorts (in no
    particular order: the caller keeps its candidates' order)."""
    compiler = _Compiler(ctx)
    value = f", {SORT_COLUMNS[query.sort]}" if query.sort else ""
    sql = f"SELECT p.id{value} FROM papers p"
    if query.expr is not None:
        sql += " WHERE " + compiler.node(query.expr)
    return sql, compiler.params


class Engine:
    """Filters candidate ids with the derived store (see the module docstring)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        self._lock = threading.Lock()
        self._sort_values: dict[str, dict[str, int]] = {}  # sort key -> id -> value
        self._texts_attached: bool | None = None  # None: no full-text store attached yet

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

    def matching(self, query: Query, ctx: Context,
                 cancelled: Cancelled | None = None) -> set[str]:
        """Ids of every paper that ``query`` matches (its sort is ignored)."""
        if query.expr is None:
            return set(map(_first, self._rows("SELECT id FROM papers", (), cancelled)))
        sql, params = matching_sql(Query(query.expr), ctx)
        return set(map(_first, self._rows(sql, params, cancelled)))

    def filter(self, query: Query, ctx: Context, candidates: Sequence[str],
               cancelled: Cancelled | None = None) -> list[str]:
        """The ``candidates`` that ``query`` matches, in their order, then sorted (stably) by
        the query's sort key, biggest first; candidates the store lacks never match. Raises
        Stopped once ``cancelled()`` is true (looked at while the query runs)."""
        if query.expr is None:
            found = list(candidates)
        else:
            hits = self.matching(query, ctx, cancelled)
            found = [pid for pid in candidates if pid in hits]
        return self.sort_ids(found, query.sort) if query.sort else found

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
            rows = self._rows(f"SELECT p.id, {SORT_COLUMNS[key]} FROM papers p", ())
            cached = {str(pid): int(value) for pid, value in rows}  # type: ignore[call-overload]
            self._sort_values[key] = cached
        return cached
