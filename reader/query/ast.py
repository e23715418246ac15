"""The parsed form of a filter query: immutable nodes that print back as normalised query text."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

# Text fields a word can be searched in; "any" is what a bare word searches; "text" is the
# downloaded full texts (one passage at a time), which a bare word does not search.
TEXT_FIELDS = ("any", "title", "author", "abstract", "kw", "org", "note", "text")
NUMBER_FIELDS = ("upvotes", "stars", "comments", "authors")
IS_FLAGS = ("bookmarked", "unread", "read", "new", "trending")
HAS_FLAGS = ("code", "project", "fulltext", "ai")
SORT_KEYS = ("upvotes", "date", "trending", "stars")


class QueryError(ValueError):
    """A query that does not parse: ``message`` says why, ``pos`` (0-based) says where.

    ``end`` is where the offending part stops (for underlining it); it is at least ``pos``.
    """

    def __init__(self, message: str, pos: int, end: int | None = None) -> None:
        super().__init__(f"{message} (at {pos + 1})")
        self.message = message
        self.pos = pos
        self.end = max(pos, end if end is not None else pos + 1)


@dataclass(frozen=True, slots=True)
class Text:
    """Folded words that must appear consecutively in one text unit of ``field``.

    Every token must match a whole word, except the last one, which may be a word prefix unless
    ``exact`` (a quoted value). A single unquoted word is therefore a prefix match.
    """

    field: str
    tokens: tuple[str, ...]
    exact: bool = False

    def __str__(self) -> str:
        label = "" if self.field == "any" else f"{self.field}:"
        if self.exact:
            return f'{label}"{" ".join(self.tokens)}"'
        return label + "-".join(self.tokens)


@dataclass(frozen=True, slots=True)
class IdPrefix:
    """The arXiv id starts with ``prefix``."""

    prefix: str

    def __str__(self) -> str:
        return f"id:{self.prefix}"


@dataclass(frozen=True, slots=True)
class Tag:
    """A user tag equals ``value`` (``exact``) or starts with it, compared folded."""

    value: str
    exact: bool = False

    def __str__(self) -> str:
        return f'tag:"{self.value}"' if self.exact else f"tag:{self.value}"


def _bounds(lo: str | None, hi: str | None, same: bool) -> str:
    if same:
        return f"{lo}"
    if lo is None:
        return f"<={hi}"
    if hi is None:
        return f">={lo}"
    return f"{lo}..{hi}"


@dataclass(frozen=True, slots=True)
class Number:
    """A count (upvotes, stars, comments, authors) in inclusive bounds; unknown never matches."""

    field: str
    lo: int | None = None
    hi: int | None = None

    def __str__(self) -> str:
        lo = None if self.lo is None else str(self.lo)
        hi = None if self.hi is None else str(self.hi)
        return f"{self.field}:{_bounds(lo, hi, self.lo is not None and self.lo == self.hi)}"


@dataclass(frozen=True, slots=True)
class DateRange:
    """The paper's day (``Record.day``) within inclusive bounds, as proleptic ordinals."""

    lo: int | None = None
    hi: int | None = None

    def __str__(self) -> str:
        lo = None if self.lo is None else dt.date.fromordinal(self.lo).isoformat()
        hi = None if self.hi is None else dt.date.fromordinal(self.hi).isoformat()
        return f"date:{_bounds(lo, hi, self.lo is not None and self.lo == self.hi)}"


@dataclass(frozen=True, slots=True)
class Age:
    """Days between the paper's day and today (``Context.now``) within inclusive bounds."""

    lo: int | None = None
    hi: int | None = None

    def __str__(self) -> str:
        lo = None if self.lo is None else f"{self.lo}d"
        hi = None if self.hi is None else f"{self.hi}d"
        return f"age:{_bounds(lo, hi, False)}"


@dataclass(frozen=True, slots=True)
class Flag:
    """``is:NAME`` or ``has:NAME``; ``kind`` is "is" or "has"."""

    kind: str
    name: str

    def __str__(self) -> str:
        return f"{self.kind}:{self.name}"


@dataclass(frozen=True, slots=True)
class Not:
    """Papers the child does not match."""

    child: Node

    def __str__(self) -> str:
        inner = str(self.child)
        return f"-({inner})" if isinstance(self.child, And | Or) else f"-{inner}"


@dataclass(frozen=True, slots=True)
class And:
    """Papers every child matches (two or more children, none of them an And)."""

    children: tuple[Node, ...]

    def __str__(self) -> str:
        return " ".join(f"({c})" if isinstance(c, Or) else str(c) for c in self.children)


@dataclass(frozen=True, slots=True)
class Or:
    """Papers any child matches (two or more children, none of them an Or)."""

    children: tuple[Node, ...]

    def __str__(self) -> str:
        return " OR ".join(str(c) for c in self.children)


Leaf = Text | IdPrefix | Tag | Number | DateRange | Age | Flag
Node = Leaf | Not | And | Or


@dataclass(frozen=True, slots=True)
class Query:
    """A parsed query: ``expr`` (None matches everything), ``sort`` key and the source ``text``."""

    expr: Node | None = None
    sort: str | None = None
    text: str = field(default="", compare=False)

    @property
    def is_empty(self) -> bool:
        """True when the query filters nothing (it may still sort)."""
        return self.expr is None

    def __str__(self) -> str:
        return describe(self)


def describe(query: Query) -> str:
    """The normalised text of ``query``; parsing it gives an equal query."""
    parts = [] if query.expr is None else [str(query.expr)]
    if query.sort:
        parts.append(f"sort:{query.sort}")
    return " ".join(parts)


def conjoin(nodes: list[Node], cls: type[And] | type[Or]) -> Node | None:
    """Combine ``nodes`` under ``cls``, flattening nested nodes of the same kind."""
    flat: list[Node] = []
    for node in nodes:
        flat.extend(node.children if isinstance(node, cls) else (node,))
    if not flat:
        return None
    return flat[0] if len(flat) == 1 else cls(tuple(flat))


def negate(node: Node) -> Node:
    """``NOT node``, cancelling a double negation."""
    return node.child if isinstance(node, Not) else Not(node)


def all_of(*queries: Query) -> Query:
    """A query matching what every one of ``queries`` matches (the first sort given wins)."""
    expr = conjoin([q.expr for q in queries if q.expr is not None], And)
    sort = next((q.sort for q in queries if q.sort), None)
    return Query(expr, sort, describe(Query(expr, sort)))


def excluding(query: Query, *rules: Query) -> Query:
    """``query`` minus what any of ``rules`` matches (mute rules); empty rules mute nothing."""
    nots = [negate(r.expr) for r in rules if r.expr is not None]
    if not nots:
        return query
    expr = conjoin(([query.expr] if query.expr is not None else []) + nots, And)
    return Query(expr, query.sort, describe(Query(expr, query.sort)))
