"""The app's filter engine: the filter language answered by the derived SQLite store.

One read-only connection (WAL: it never waits for a writer, and sees each merge once it is
committed), its queries one at a time. It answers the question the screens ask: which of
these candidate papers (a view, in its order) match a query, sorted by the query's sort key
when it has one; and the same for the mute and watch rules. Text terms are FTS5 lookups
whose rowids come back as one JSON array (the last few kept for the next keystrokes:
reader.query.fts_memo); numbers, dates, flags and sort keys are read from
the store once per store version into arrays (reader.query.masks: at 10^5 papers SQLite
spent most of a keystroke scanning and handing over broad matches); keeping the candidates'
order and the stable sort by one key are array operations.

A query that finds the store damaged raises :class:`StoreDamaged`: the caller reports it,
deletes the file (reader.store.derived.keeper) and filters by scanning until it is rebuilt.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from reader.query.ast import Query
from reader.query.fts_memo import FtsMemo
from reader.query.matcher import Context
from reader.query.sql import fts_expression
from reader.store.derived import texts
from reader.store.derived.schema import SORT_COLUMNS

if TYPE_CHECKING:  # numpy is imported where it is used, in the filter's threads (not at start)
    import numpy as np
    import numpy.typing as npt

    from reader.query.masks import Columns, Mask

    RidArray = npt.NDArray[np.intp]

Cancelled = Callable[[], bool]  # true once the caller no longer wants the answer
PROGRESS_STEPS = 2000  # SQLite VM steps between two looks at ``cancelled`` (well under 1 ms)


class Stopped(Exception):
    """The caller's ``cancelled()`` turned true: the query was abandoned (a newer one came)."""


class StoreDamaged(Exception):
    """The store failed a query (damaged inside, or deleted under us): rebuild it."""

    def __init__(self, err: sqlite3.Error) -> None:
        super().__init__(str(err))
        self.error = err


@dataclass(frozen=True)
class _Rowids:
    """The store's rowids and ids both ways, as of one store version."""

    version: int  # PRAGMA data_version
    rid_of: dict[str, int]  # id -> rid
    columns: Columns  # what conditions read, by rid (reader.query.masks)
    memo: FtsMemo = field(default_factory=FtsMemo)  # the last lookups under this version
    _ids: list[tuple[Mapping[str, Any], list[str | None]]] = field(default_factory=list)

    def ids(self, records: Mapping[str, Any]) -> list[str | None]:
        """rid -> id (None: a free rid), ``records``' own id objects where they have the
        paper (see Engine.use_records). Made on first use, for the last records given (only
        :meth:`Engine.matching` needs it): at 10^5 papers its loop is 0.1-0.2 s that a start
        need not wait for."""
        made = self._ids[:1]  # another thread may replace it meanwhile
        if made and made[0][0] is records:
            return made[0][1]
        ids: list[str | None] = [None] * self.columns.size
        for pid, rid in self.rid_of.items():
            record = records.get(pid)
            ids[rid] = pid if record is None else record.id
        self._ids[:] = [(records, ids)]
        return ids


@dataclass(frozen=True)
class _Candidates:
    """A list of candidates as the masks read it, under one rowid table."""

    table: _Rowids
    source: Mapping[str, Any]  # the caller's records they were looked up in (use_records)
    ids: list[str]
    records: list[Any]  # the caller's record of each (None: it has none)
    unknown: Mask | None  # True where the caller has no record; None: it has them all
    positions: npt.NDArray[np.intp]  # each one's rid (0: the store lacks it)


class Selection:
    """What :meth:`Engine.select` kept of the candidates, in order. Its lists are made when
    first asked for: the app's filter wants the records only, ``filter`` the ids only."""

    def __init__(self, kept: _Candidates, picked: npt.NDArray[Any], excluded: int) -> None:
        self._kept = kept
        self._picked = picked  # a mask over the candidates, or their indices in order
        self.excluded = excluded  # matching candidates left out because excluded

    @cached_property
    def ids(self) -> list[str]:
        from reader.query import masks

        return masks.take(self._kept.ids, self._picked)

    @cached_property
    def records(self) -> list[Any]:
        """The caller's records (use_records) of :attr:`ids`, those it has."""
        from reader.query import masks

        picked, unknown = self._picked, self._kept.unknown
        if unknown is not None:  # candidates the caller has no record of
            picked = picked & ~unknown if picked.dtype == bool else picked[~unknown[picked]]
        return masks.take(self._kept.records, picked)


class Engine:
    """Filters candidate ids with the derived store (see the module docstring)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        self._lock = threading.Lock()  # one statement at a time on the connection
        self._reading = threading.Lock()  # one reader of the rowid table at a time (_table)
        self._texts_attached: bool | None = None  # None: no full-text store attached yet
        self._rowids: _Rowids | None = None  # see _table
        self._records: Mapping[str, Any] = {}  # the caller's records (see use_records)
        self._candidates: _Candidates | None = None  # the last ones filtered (_lookup)

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

    def prepare(self, candidates: Sequence[str] = (), *, pairs: bool = True) -> None:
        """Read now what the first filter would (which store row is which paper, and the
        rowids of ``candidates``, the list the first keystroke will filter), so that it does
        not: call it in a thread. Only ``candidates`` need the caller's records given first
        (use_records). At 10^5 papers the candidates' rowids cost the first keystroke 20-40
        ms. ``pairs`` reads the two-letter words' column too (~0.1 s, 16 MB at 10^5): a start
        leaves it for later."""
        table = self._table()
        if candidates:
            self._lookup(candidates, table)
        if pairs:
            table.columns.pairs.read()  # the last: the first keystroke rarely needs it

    @property
    def prepared(self) -> bool:
        """True once the rowid table and columns were read (:meth:`prepare`, or a query):
        from then on a keystroke is answered without reading them."""
        return self._rowids is not None

    def close(self) -> None:
        with self._lock:
            self._conn.close()

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

    def _table(self, stale: _Rowids | None = None) -> _Rowids:
        """The rowid table and the condition columns, read again when the store changed since
        they were read (``PRAGMA data_version`` moves when another connection commits) or when
        it is still ``stale`` (a query found a paper committed meanwhile). One statement reads
        both: they are of one store version. One thread reads them at a time, and a thread
        that waited uses what the other read (after a reload the rules' worker and the first
        filter both ask). They need none of the caller's records: the start reads them while
        the cache still reads its shards."""
        from reader.query import masks

        with self._reading:
            version = cast(int, self._rows("PRAGMA data_version", ())[0][0])
            table = self._rowids
            if table is None or table.version != version or table is stale:
                columns, rids, pids = masks.Columns.read(self._rows)
                table = self._rowids = _Rowids(version, dict(zip(pids, rids, strict=True)),
                                               columns)
            return table

    def matching(self, query: Query, ctx: Context,
                 cancelled: Cancelled | None = None) -> set[str]:
        """Ids of every paper that ``query`` matches (its sort is ignored)."""
        import numpy as np

        table, mask = self._matches(query, ctx, cancelled)
        if query.expr is None:
            mask = table.columns.present
        ids = table.ids(self._records)
        return {pid for pid in map(ids.__getitem__, np.flatnonzero(mask).tolist())
                if pid is not None}

    def filter(self, query: Query, ctx: Context, candidates: Sequence[str],
               cancelled: Cancelled | None = None) -> list[str]:
        """The ``candidates`` that ``query`` matches, in their order, then sorted (stably) by
        the query's sort key, biggest first; candidates the store lacks never match (but an
        empty query keeps every candidate). Raises Stopped once ``cancelled()`` is true
        (looked at while the query runs)."""
        if query.expr is None and not query.sort:
            return list(candidates)
        return self.select(query, ctx, candidates, cancelled).ids

    def select(self, query: Query, ctx: Context, candidates: Sequence[str],
               cancelled: Cancelled | None = None,
               exclude: Collection[str] = ()) -> Selection:
        """:meth:`filter`, less the papers ``exclude`` names (mute rules), with the caller's
        records of what it kept.

        The query is evaluated as one mask over store rowids (reader.query.masks: text terms
        by FTS5, the rest on in-memory columns), and the candidates kept and sorted by numpy
        through their rowids, looked up once per list of candidates (the next keystroke
        filters the same view): no string is hashed, no Python loop runs over them."""
        import numpy as np

        from reader.query import masks

        table, mask = self._matches(query, ctx, cancelled)
        kept = self._lookup(candidates, table)
        excluded = 0
        if exclude:
            out = table.columns.marks_of(exclude, table.rid_of)
            excluded = int(np.count_nonzero((mask & out)[kept.positions]))
            mask = mask & ~out  # not in place: the mask may be a kept one (fts_memo)
        chosen = mask[kept.positions]
        if not query.sort:
            return Selection(kept, chosen, excluded)
        values = table.columns.sort_values(query.sort)
        return Selection(kept, masks.by_value(chosen, kept.positions, values), excluded)

    def _matches(self, query: Query, ctx: Context,
                 cancelled: Cancelled | None) -> tuple[_Rowids, Mask]:
        """The rowid table and, over it, the mask of what ``query`` matches (every rowid, 0
        included, for an empty query: then every candidate is kept)."""
        import numpy as np

        table = self._table()
        if query.expr is None:
            return table, np.ones(table.columns.size, dtype=np.bool_)
        try:
            return table, self._mask(query, ctx, table, cancelled)
        except IndexError:  # a paper committed since the table was read
            table = self._table(stale=table)
            return table, self._mask(query, ctx, table, cancelled)

    def _mask(self, query: Query, ctx: Context, table: _Rowids,
              cancelled: Cancelled | None) -> Mask:
        """The rowids ``query`` matches (it has an expression), as a mask over ``table``."""
        from reader.query import masks

        assert query.expr is not None
        evaluator = masks.Evaluator(
            table.columns, ctx, table.rid_of, fts=lambda expr: self._fts(expr, cancelled),
            sql=lambda where, params: self._where(where, params, cancelled), memo=table.memo)
        match = fts_expression(query.expr)
        if match is None or evaluator.knows_terms_of(query.expr):
            # An AND's terms one by one: those a recent keystroke looked up are kept masks.
            return evaluator.mask(query.expr)
        return evaluator.lookup(match)  # text terms only: one FTS5 lookup answers it all

    def _fts(self, match: str, cancelled: Cancelled | None) -> RidArray:
        from reader.query import masks

        sql = "SELECT json_group_array(rowid) FROM units WHERE units MATCH ?"
        return masks.rid_array(cast(str, self._rows(sql, [match], cancelled)[0][0]))

    def _where(self, where: str, params: list[Any], cancelled: Cancelled | None) -> RidArray:
        from reader.query import masks

        sql = f"SELECT json_group_array(p.rid) FROM papers p WHERE {where}"
        return masks.rid_array(cast(str, self._rows(sql, params, cancelled)[0][0]))

    def _lookup(self, candidates: Sequence[str], table: _Rowids) -> _Candidates:
        """The candidates as arrays: the ids, and each one's rowid (0 for one the store lacks:
        rid 0 is no paper's). Made once per list of candidates: the next keystroke filters the
        same view."""
        import numpy as np

        kept, mine = self._candidates, self._records
        if (kept is not None and kept.table is table and kept.source is mine
                and kept.ids == candidates):
            return kept
        rid_of = table.rid_of
        records = [mine.get(pid) for pid in candidates]
        unknown = np.fromiter((record is None for record in records), dtype=np.bool_,
                              count=len(records))
        positions = np.fromiter((rid_of.get(pid, 0) for pid in candidates), dtype=np.intp,
                                count=len(candidates))
        kept = self._candidates = _Candidates(table, mine, list(candidates), records,
                                              unknown if unknown.any() else None, positions)
        return kept

    def sort_ids(self, ids: Sequence[str], key: str) -> list[str]:
        """``ids`` sorted by ``key`` (reader.query.matcher.sort_key), biggest first; unknown
        values and papers the store lacks go last; ties keep their order."""
        if key not in SORT_COLUMNS:
            raise ValueError(f"unknown sort key {key!r}")
        return self.select(Query(sort=key), Context(), ids).ids
