"""The filter language compiled to SQL over the derived store (reader.store.derived).

Text terms become FTS5 MATCH expressions over the units table (prefix while typing, phrases,
one field or all of them for a bare word); counts, dates and flags become conditions on
indexed columns; what the user's library says (bookmarks, read marks, tags, notes) and the held
full texts are bound as JSON sets. Sorts and views come from indexed columns. The result is the
reference matcher's (reader.query.matcher), in the order of the view, stably sorted: a property
test holds the two together.

Words agree with the matcher by construction: the store holds each unit as the matcher's own
folded words (reader.query.fold: case folded, accents stripped, split on anything but letters
and digits) and FTS5's ``ascii`` tokenizer only splits them on the spaces between; the query's
words are folded by the same parser. So ``uber`` finds "Über", a prefix is a prefix of a folded
word, and a phrase is a run of folded words within one unit, exactly as in the matcher.
``text:`` terms search the full-text store, attached to the connection as ``texts``
(reader.store.derived.texts.attach; see reader.query.fulltext).
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from reader.query import fulltext
from reader.query.ast import (
    Age,
    And,
    DateRange,
    Flag,
    IdPrefix,
    Node,
    Not,
    Number,
    Or,
    Query,
    Tag,
    Text,
)
from reader.query.fold import contains_run, tokens
from reader.query.matcher import Context, tag_matches
from reader.store.derived.schema import (
    AI,
    CODE,
    INITIALS,
    PROJECT,
    SORT_COLUMNS,
    TRENDING,
    VIEW_ORDER,
)

VIEWS = ("all", "unread", "latest", "trending", "bookmarks")
_NUMBER_COLUMNS = {"upvotes": "p.upvotes", "stars": "p.stars", "comments": "p.comments",
                   "authors": "p.authors"}
_FLAG_BITS = {"code": CODE, "project": PROJECT, "ai": AI, "trending": TRENDING}


def fts_phrase(node: Text) -> str:
    """The FTS5 expression for a text term: its words as one phrase in its field's column(s),
    the last word a prefix unless the term was quoted."""
    words = " ".join(node.tokens).replace('"', '""')
    phrase = f'"{words}"' + ("" if node.exact else " *")
    # A bare word searches every column (matcher.ANY_FIELDS): no column filter, which would
    # have FTS5 read every hit's positions to check their columns (10-30% of a lookup).
    return phrase if node.field == "any" else f"{node.field} : {phrase}"


_UNIT_FIELDS = frozenset({"any", "title", "author", "abstract", "kw", "org"})  # units columns


def _initial(node: Text) -> int | None:
    """The papers.initials bit a one-letter word typed alone tests (``m``: any word of the
    fields a bare word searches starts with m), or None when the term is anything else."""
    if node.field != "any" or node.exact or len(node.tokens) != 1:
        return None
    (word,) = node.tokens
    return 1 << INITIALS.index(word) if len(word) == 1 and word in INITIALS else None


def pair_index(node: Text) -> int | None:
    """The papers.pairs bit a two-letter word typed alone tests (``wi``: any word of the
    fields a bare word searches starts with wi), or None when the term is anything else."""
    if node.field != "any" or node.exact or len(node.tokens) != 1:
        return None
    (word,) = node.tokens
    if len(word) != 2 or word[0] not in INITIALS or word[1] not in INITIALS:
        return None
    return INITIALS.index(word[0]) * len(INITIALS) + INITIALS.index(word[1])


def fts_expression(node: Node) -> str | None:
    """The whole of ``node`` as one FTS5 MATCH expression over the units table, or None when
    it holds anything else (a number, a date, a flag, a note, a full text, a lone negation).

    Such a query (most of what is typed: words, prefixes, phrases, fields, and AND/OR/NOT of
    them) is answered by the FTS index alone, without visiting the papers table. FTS5 applies
    its operators to whole rows, one row per paper, as the matcher applies them to a paper;
    every operand is parenthesised, so FTS5's operator precedence never matters."""
    if isinstance(node, Text):
        if node.field not in _UNIT_FIELDS or not node.tokens or _initial(node) is not None \
                or pair_index(node) is not None:
            return None
        return f"({fts_phrase(node)})"
    if isinstance(node, Or):
        parts = [fts_expression(c) for c in node.children]
        return None if None in parts else "(" + " OR ".join(map(str, parts)) + ")"
    if isinstance(node, And):
        kept = [fts_expression(c) for c in node.children if not isinstance(c, Not)]
        dropped = [fts_expression(c.child) for c in node.children if isinstance(c, Not)]
        if not kept or None in kept or None in dropped:
            return None  # FTS5's NOT needs something on its left
        expr = "(" + " AND ".join(map(str, kept)) + ")"
        for part in dropped:
            expr = f"({expr} NOT {part})"
        return expr
    return None


class _Compiler:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.params: list[Any] = []

    def bind(self, value: Any) -> str:
        self.params.append(value)
        return "?"

    def id_prefix(self, prefix: str) -> str:
        """Ids that start with ``prefix`` (lower case: the matcher compares ``id.lower()``)."""
        if prefix and prefix.isascii() and not any(c.isalpha() for c in prefix):
            # No letter in it: lower() leaves an id's first characters as they are exactly
            # when they are this prefix, so the ids that start with it are a range of the id
            # index (one seek at 10^5 papers, where the lower() of every id took 53 ms).
            upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
            return f"(p.id >= {self.bind(prefix)} AND p.id < {self.bind(upper)})"
        return f"substr(lower(p.id), 1, {len(prefix)}) = {self.bind(prefix)}"

    def ids(self, ids: Any) -> str:
        """``p.id IN`` a set bound as one JSON array."""
        return f"p.id IN (SELECT value FROM json_each({self.bind(json.dumps(sorted(ids)))}))"

    def node(self, node: Node) -> str:
        if isinstance(node, And):
            return "(" + " AND ".join(self.node(c) for c in node.children) + ")"
        if isinstance(node, Or):
            return "(" + " OR ".join(self.node(c) for c in node.children) + ")"
        if isinstance(node, Not):
            return f"NOT {self.node(node.child)}"
        if isinstance(node, Text):
            return self.text(node)
        if isinstance(node, IdPrefix):
            return self.id_prefix(node.prefix)
        if isinstance(node, Tag):
            tags = self.ctx.library.tags
            return self.ids(pid for pid, ts in tags.items() if any(tag_matches(t, node)
                                                                   for t in ts))
        if isinstance(node, Number):
            return self.bounds(_NUMBER_COLUMNS[node.field], node.lo, node.hi)
        if isinstance(node, DateRange):
            return self.bounds("p.day_ord", node.lo, node.hi)
        if isinstance(node, Age):  # today - day in [lo, hi]  <=>  day in [today-hi, today-lo]
            today = self.ctx.today
            return self.bounds("p.day_ord", None if node.hi is None else today - node.hi,
                               None if node.lo is None else today - node.lo)
        return self.flag(node)

    def bounds(self, column: str, lo: int | None, hi: int | None) -> str:
        # "IS NOT NULL AND": never NULL, so NOT keeps the matcher's two-valued logic.
        parts = [f"{column} IS NOT NULL"]
        if lo is not None:
            parts.append(f"{column} >= {self.bind(lo)}")
        if hi is not None:
            parts.append(f"{column} <= {self.bind(hi)}")
        return "(" + " AND ".join(parts) + ")"

    def text(self, node: Text) -> str:
        if node.field == "note":
            notes = self.ctx.library.notes
            return self.ids(pid for pid, note in notes.items()
                            if contains_run(tokens(note), node.tokens, node.exact))
        if node.field == "text":  # the full texts: the store attached as "texts"
            return fulltext.sql_condition(node, self.bind)
        bit = _initial(node)
        if bit is not None:
            return f"(p.initials & {bit} != 0)"
        match = self.bind(fts_phrase(node))
        return f"p.rid IN (SELECT rowid FROM units WHERE units MATCH {match})"

    def flag(self, node: Flag) -> str:
        lib, name = self.ctx.library, node.name
        if name == "bookmarked":
            return self.ids(lib.bookmarks)
        if name == "read":
            return self.ids(lib.read)
        if name == "unread":
            return f"NOT {self.ids(lib.read)}"
        if name == "fulltext":
            return self.ids(self.ctx.fulltext_ids)
        if name == "new":
            since = self.ctx.last_visit
            if since is None:
                return "0"
            return f"(p.first_seen IS NOT NULL AND p.first_seen > {self.bind(since)})"
        return f"(p.flags & {_FLAG_BITS[name]} != 0)"


def compile_query(query: Query, ctx: Context, view: str = "all") -> tuple[str, list[Any]]:
    """The SQL (and its parameters) selecting the ids of ``view`` that ``query`` matches, in
    the view's order, stably sorted by the query's sort key (biggest first)."""
    if view not in VIEWS:
        raise ValueError(f"unknown view {view!r}")
    c = _Compiler(ctx)
    source, where, order = "papers p", [], VIEW_ORDER
    if view == "bookmarks":
        source = f"papers p JOIN json_each({c.bind(json.dumps(ctx.library.bookmarks))}) b " \
                 "ON b.key = p.id"
        order = "b.value DESC, p.id DESC"
    elif view == "unread":
        where.append(f"NOT {c.ids(ctx.library.read)}")
    elif view == "latest":
        where.append("p.listed_last = (SELECT max(listed_last) FROM papers)")
    elif view == "trending":
        where.append("p.trend_at = (SELECT max(trend_at) FROM papers)")
        order = "p.trend_rank, p.id"
    if query.expr is not None:
        where.append(c.node(query.expr))
    if query.sort:
        order = f"{SORT_COLUMNS[query.sort]} DESC, {order}"
    sql = f"SELECT p.id FROM {source}"
    if where:
        sql += " WHERE " + " AND ".join(where)
    return sql + f" ORDER BY {order}", c.params


def search(conn: sqlite3.Connection, query: Query, ctx: Context, view: str = "all",
           limit: int | None = None) -> list[str]:
    """The ids of ``view`` that ``query`` matches, in order (see :func:`compile_query`); the
    first ``limit`` only if given (a page of a list: SQLite stops early)."""
    sql, params = compile_query(query, ctx, view)
    if limit is not None:
        sql, params = sql + " LIMIT ?", [*params, limit]
    return [row[0] for row in conn.execute(sql, params)]


def count(conn: sqlite3.Connection, query: Query, ctx: Context, view: str = "all") -> int:
    """How many ids :func:`search` would return, without fetching them."""
    sql, params = compile_query(query, ctx, view)
    return int(conn.execute(f"SELECT count(*) FROM ({sql})", params).fetchone()[0])
