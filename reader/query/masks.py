"""The filter's in-memory accelerator: the store's condition columns as arrays, queries as masks.

At 10^5 papers, SQLite answers a broad condition (``has:ai``, ``upvotes:>=5``, ``is:unread``,
``before:2026-06-01``) in 12-30 ms of scanning, then 10-20 ms more to hand over 90,000 rowids
as one JSON array, and keeping the candidates that matched cost Python another ~20 ms: most of
a keystroke's 30 ms. Here the columns those conditions read (counts, day, flags, first seen,
initials, sort keys) are read from the store once per store version into numpy arrays indexed
by store rowid (about 8 MB at 10^5 papers, well under a second to read), and a query is
evaluated as one boolean array per node: a flag, a range or a library set is a vectorised
comparison (well under 1 ms), AND/OR/NOT are array operations. Text terms stay FTS5 lookups
(one MATCH for every text term of an AND that FTS5 can answer); anything else (``id:``,
``tag:``, ``note:``, ``text:``) is the SQL condition of reader.query.sql. Never saved: made
from the store, as the store is made from the shards.

Semantics are the reference matcher's, as the SQL's are: an unknown count or day is never in
bounds (NaN compares false), so NOT keeps two-valued logic; rowid 0 is no paper's and never
matches. The property test holds the engine (and so this module) to the matcher.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import compress
from operator import itemgetter
from typing import Any, cast

import numpy as np
import numpy.typing as npt
import orjson

from reader.query.ast import Age, And, DateRange, Flag, Node, Not, Number, Or, Text
from reader.query.fts_memo import FtsMemo
from reader.query.matcher import Context
from reader.query.sql import _Compiler, _initial, fts_expression, pair_index
from reader.store.derived.schema import AI, CODE, PAIRS_BYTES, PROJECT, TRENDING

Mask = npt.NDArray[np.bool_]
Rows = Callable[[str, Sequence[object]], list[tuple[object, ...]]]  # the engine's _rows

_FLAG_BITS = {"code": CODE, "project": PROJECT, "ai": AI, "trending": TRENDING}
# Column name -> the papers column (NULL stays NULL: NaN here); sort keys as SORT_COLUMNS.
_COLUMNS = {
    "upvotes": "p.upvotes", "stars": "p.stars", "comments": "p.comments",
    "authors": "p.authors", "day": "p.day_ord", "first_seen": "p.first_seen",
    "flags": "p.flags", "initials": "p.initials", "trend": "p.trend",
}


def rid_array(text: str) -> npt.NDArray[np.intp]:
    """The rowids of a JSON array of integers as SQLite's json_group_array writes it ("[1,2]":
    no spaces), parsed straight into an array (a third of orjson's time plus the copy)."""
    if not (text.startswith("[") and text.endswith("]")):
        raise ValueError(f"not a JSON array: {text[:40]!r}")
    return np.fromstring(text[1:-1], dtype=np.intp, sep=",")


@dataclass(frozen=True)
class Columns:
    """The condition columns of every paper in the store, indexed by rowid (see the module
    docstring); ``present`` is False at a free rowid and at rowid 0."""

    size: int
    present: Mask
    number: dict[str, npt.NDArray[np.float64]]  # NaN where unknown
    flags: npt.NDArray[np.int64]
    initials: npt.NDArray[np.int64]
    pairs: Pairs

    @classmethod
    def read(cls, rows: Rows) -> tuple[Columns, list[int], list[str]]:
        """Read every column in one scan of the papers table (one statement: one version of
        the store), a JSON array per column; with them, every paper's rowid and id."""
        names = list(_COLUMNS)
        sql = "SELECT json_group_array(p.rid), json_group_array(p.id), " + ", ".join(
            f"json_group_array({_COLUMNS[n]})" for n in names) + " FROM papers p"
        row = rows(sql, ())[0]
        rid_list = cast(list[int], orjson.loads(cast(str, row[0])))
        rids = np.array(rid_list, dtype=np.intp)
        size = int(rids.max()) + 1 if len(rids) else 1
        present = np.zeros(size, dtype=np.bool_)
        present[rids] = True
        present[0] = False
        values: dict[str, Any] = {}
        for name, text in zip(names, row[2:], strict=True):
            column = np.full(size, np.nan)
            column[rids] = np.array(orjson.loads(cast(str, text)), dtype=np.float64)
            values[name] = column
        flags = np.nan_to_num(values.pop("flags")).astype(np.int64)
        initials = np.nan_to_num(values.pop("initials")).astype(np.int64)
        return (cls(size, present, values, flags, initials, Pairs(rows, size)), rid_list,
                cast(list[str], orjson.loads(cast(str, row[1]))))

    def sort_values(self, key: str) -> npt.NDArray[np.float64]:
        """Each rowid's value of sort key ``key`` (SORT_COLUMNS: -1 when unknown)."""
        column = {"upvotes": "upvotes", "stars": "stars", "date": "day",
                  "trending": "trend"}[key]
        return np.nan_to_num(self.number[column], nan=-1.0)

    def marks_of(self, ids: Iterable[str], rid_of: dict[str, int]) -> Mask:
        """A mask holding True at the rowids of ``ids`` (those the store has: ``rid_of``)."""
        rids = [rid for rid in (rid_of.get(pid, 0) for pid in ids) if rid]
        return self.marks(np.array(rids, dtype=np.intp))

    def marks(self, rids: npt.NDArray[np.intp]) -> Mask:
        """A mask holding True at ``rids`` (rowids beyond the table are papers committed since
        it was read: the caller reads it again)."""
        mask = np.zeros(self.size, dtype=np.bool_)
        mask[rids] = True
        mask[0] = False
        return mask


PAIRS_CHUNK = 8192  # papers.pairs rows read at a time (~1.6 MB of Python objects)


class Pairs:
    """Every paper's papers.pairs (a two-letter word while typing: see the schema), read on
    first use: 16 MB at 10^5 papers, ~0.1 s to read, which the engine's preparation does after
    the rest (Engine.prepare), so that a start does not wait for it. Held one row per pair (each
    pair's bits of every paper side by side), so that a pair's mask reads one contiguous row."""

    def __init__(self, rows: Rows, size: int) -> None:
        self._rows, self._size = rows, size
        self._by_pair: npt.NDArray[np.uint8] | None = None
        self._lock = threading.Lock()  # read once, whichever thread asks first

    def read(self) -> npt.NDArray[np.uint8]:
        with self._lock:
            if self._by_pair is None:
                by_pair = np.zeros((PAIRS_BYTES, self._size), dtype=np.uint8)
                for start in range(1, self._size, PAIRS_CHUNK):  # rowids start at 1
                    self._read_chunk(by_pair, start, min(start + PAIRS_CHUNK, self._size))
                self._by_pair = by_pair
            return self._by_pair

    def _read_chunk(self, by_pair: npt.NDArray[np.uint8], start: int, stop: int) -> None:
        """Rows ``start <= rid < stop`` straight into their columns of ``by_pair``: read whole,
        the rows as Python objects, their joined bytes and a transposed copy took ~80 MB at 10^5
        papers, on top of everything the app holds when it prepares its engine."""
        found = self._rows("SELECT p.rid, p.pairs FROM papers p WHERE p.rid >= ? AND p.rid < ?",
                           (start, stop))
        if not found:
            return
        rids = np.fromiter((rid for rid, _ in found), dtype=np.intp, count=len(found))
        blob = b"".join(cast(bytes, pairs) for _, pairs in found)
        by_pair[:, rids] = np.frombuffer(blob, dtype=np.uint8).reshape(len(found), PAIRS_BYTES).T

    def mask(self, index: int) -> Mask:
        """The papers with bit ``index`` of papers.pairs set."""
        return cast(Mask, self.read()[index >> 3] & (1 << (index & 7)) != 0)


class Evaluator:
    """Evaluates one query's nodes as masks over ``columns`` (see the module docstring).
    ``fts(expression)`` and ``sql(condition, params)`` are the engine's lookups, each giving
    the matching rowids; ``memo`` keeps the last single-term lookups (reader.query.fts_memo).
    A mask it returns may be a kept one: never change one in place."""

    def __init__(self, columns: Columns, ctx: Context, rid_of: dict[str, int],
                 fts: Callable[[str], npt.NDArray[np.intp]],
                 sql: Callable[[str, list[Any]], npt.NDArray[np.intp]],
                 memo: FtsMemo | None = None) -> None:
        self.columns, self.ctx, self.rid_of = columns, ctx, rid_of
        self._fts, self._sql = fts, sql
        self._memo = memo if memo is not None else FtsMemo()

    def mask(self, node: Node) -> Mask:
        c = self.columns
        if isinstance(node, And):
            return self._all(node.children)
        if isinstance(node, Or):
            out = np.zeros(c.size, dtype=np.bool_)
            for child in node.children:
                out |= self.mask(child)
            return out
        if isinstance(node, Not):
            return ~self.mask(node.child) & c.present
        if isinstance(node, Text):
            return self._text(node)
        if isinstance(node, Number):
            return self._bounds(c.number[node.field], node.lo, node.hi)
        if isinstance(node, DateRange):
            return self._bounds(c.number["day"], node.lo, node.hi)
        if isinstance(node, Age):  # today - day in [lo, hi]  <=>  day in [today-hi, today-lo]
            today = self.ctx.today
            return self._bounds(c.number["day"], None if node.hi is None else today - node.hi,
                                None if node.lo is None else today - node.lo)
        if isinstance(node, Flag):
            return self._flag(node)
        return self._by_sql(node)  # id:, tag:

    def _all(self, children: Sequence[Node]) -> Mask:
        """AND: the text terms a recent keystroke looked up are masks already; the others are
        one MATCH (one lookup, FTS5 intersects; kept when it is one term); the rest masks."""
        fts_parts = [(child, fts_expression(child)) for child in children]
        texts = [expr for _, expr in fts_parts if expr is not None]
        out = self.columns.present.copy()
        if len(texts) > 1:
            missing = []
            for expr in texts:
                kept = self._memo.get(expr)
                if kept is None:
                    missing.append(expr)
                else:
                    out &= kept
            if len(missing) == 1:
                out &= self.lookup(missing[0])
            elif missing:
                out &= self.columns.marks(self._fts("(" + " AND ".join(missing) + ")"))
            children = [child for child, expr in fts_parts if expr is None]
        for child in children:
            out &= self.mask(child)
        return out

    def knows_terms_of(self, node: Node) -> bool:
        """Whether ``node`` is an AND one of whose text terms a recent keystroke looked up."""
        if not isinstance(node, And):
            return False
        for child in node.children:
            expr = fts_expression(child)
            if expr is not None and self._memo.get(expr) is not None:
                return True
        return False

    def lookup(self, expression: str) -> Mask:
        """What one FTS5 expression matches, from the memo or looked up (then kept)."""
        kept = self._memo.get(expression)
        if kept is not None:
            return kept
        return self._memo.put(expression, self.columns.marks(self._fts(expression)))

    def _text(self, node: Text) -> Mask:
        bit = _initial(node)
        if bit is not None:
            return cast(Mask, self.columns.initials & bit != 0)
        pair = pair_index(node)
        if pair is not None:
            return self.columns.pairs.mask(pair)
        expr = fts_expression(node)
        if expr is None:  # note:, text:
            return self._by_sql(node)
        return self.lookup(expr)

    def _bounds(self, column: npt.NDArray[np.float64], lo: int | None,
                hi: int | None) -> Mask:
        out = ~np.isnan(column)
        if lo is not None:
            out &= column >= lo
        if hi is not None:
            out &= column <= hi
        return out

    def _ids(self, ids: Iterable[str]) -> Mask:
        return self.columns.marks_of(ids, self.rid_of)

    def _flag(self, node: Flag) -> Mask:
        c, lib, name = self.columns, self.ctx.library, node.name
        if name == "bookmarked":
            return self._ids(lib.bookmarks)
        if name == "read":
            return self._ids(lib.read)
        if name == "unread":
            return ~self._ids(lib.read) & c.present
        if name == "fulltext":
            return self._ids(self.ctx.fulltext_ids)
        if name == "new":
            since = self.ctx.last_visit
            if since is None:
                return np.zeros(c.size, dtype=np.bool_)
            seen = c.number["first_seen"]
            return ~np.isnan(seen) & (seen > since)
        return cast(Mask, c.flags & _FLAG_BITS[name] != 0)

    def _by_sql(self, node: Node) -> Mask:
        compiler = _Compiler(self.ctx)
        where = compiler.node(node)
        return self.columns.marks(self._sql(where, compiler.params))


_RUN_ITEMS = 10  # take() copies runs of this many kept items on average, or more, as slices


def by_value(chosen: Mask, positions: npt.NDArray[np.intp],
             values: npt.NDArray[np.float64]) -> npt.NDArray[np.intp]:
    """The indices of the ``chosen`` candidates stably sorted by ``values`` (per rowid; a
    candidate's rowid is its entry of ``positions``), biggest first."""
    kept = np.flatnonzero(chosen)
    return kept[np.argsort(-values[positions[kept]], kind="stable")]


def take(items: Sequence[Any], picked: npt.NDArray[Any]) -> list[Any]:
    """The ``items`` that ``picked`` names: a mask over them (kept in their order), or their
    indices in the order wanted. Done in C over the Python list, touching as few items as it
    can (at 10^5 papers each touch of a scattered object is a cache miss; an object array's
    gather plus its ``tolist`` touched every kept one twice, 25 ms).

    A mask whose kept items lie in long runs (a broad query: ``the``, ``tr``, ``is:unread``)
    is copied a run at a time, as slices: 2-5 ms for 100,000 items where ``compress``, which
    steps through every item and every flag, took 9-12 ms. Otherwise ``itertools.compress``
    touches every item once, kept or not, and ``itemgetter`` plus ``list`` every kept item
    twice, so the first when more than half are kept."""
    if picked.dtype == np.bool_:
        kept = int(np.count_nonzero(picked))
        edges = np.flatnonzero(np.diff(picked, prepend=False, append=False)).tolist()
        if len(edges) * _RUN_ITEMS <= 2 * kept:  # each run starts and ends at an edge
            out: list[Any] = []
            for start, end in zip(edges[::2], edges[1::2], strict=True):
                out += items[start:end]
            return out
        if 2 * kept > len(items):
            return list(compress(items, picked.tolist()))
        picked = np.flatnonzero(picked)
    indices = picked.tolist()
    if len(indices) < 2:
        return [items[i] for i in indices]
    return list(itemgetter(*indices)(items))
