"""The reference matcher: decides one record against a query, simply; the engine must agree."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

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
from reader.query.fold import contains_run, fold, tokens
from reader.store.record import Record
from reader.store.state import LibraryState
from reader.trending import best_recent_rank

# Fields a bare word searches: every one the FTS index has (``meta`` finds Meta's papers too).
ANY_FIELDS = ("title", "author", "abstract", "kw", "org")


def no_passages(paper_id: str) -> Sequence[str]:
    """The passages of a paper when no full text is searchable: none."""
    return ()


@dataclass(frozen=True, slots=True)
class Context:
    """What a query needs besides the papers: the user's library, the clock, the full texts held.

    ``passages(id)`` gives the texts of a paper's full-text passages, for ``text:`` (see
    reader.store.derived.passages; reader.query.fulltext narrows them down to the ones that
    matter, so that a query need not read every full text)."""

    library: LibraryState = field(default_factory=LibraryState)
    now: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))
    fulltext_ids: frozenset[str] = frozenset()
    passages: Callable[[str], Sequence[str]] = no_passages

    @property
    def today(self) -> int:
        """Today's date (UTC) as a proleptic ordinal, for ``age:``."""
        now = self.now.astimezone(dt.UTC) if self.now.tzinfo else self.now
        return now.date().toordinal()

    @property
    def last_visit(self) -> float | None:
        """The previous session's start as a POSIX timestamp, for ``is:new``."""
        return timestamp(self.library.last_visit)


def timestamp(iso: str | None) -> float | None:
    """Seconds since the epoch of an ISO-8601 time (naive means UTC); None if absent or bad."""
    if not iso:
        return None
    try:
        when = dt.datetime.fromisoformat(iso)
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return when.timestamp()


def day_ordinal(record: Record) -> int | None:
    """The record's day (``Record.day``) as a proleptic ordinal, or None if it has none."""
    try:
        return dt.date.fromisoformat(record.day).toordinal() if record.day else None
    except ValueError:
        return None


def field_units(record: Record, name: str) -> list[str]:
    """The separate texts of field ``name`` (a phrase never spans two authors or keywords)."""
    if name == "abstract":
        return [record.summary]  # read alone: a packed paper stays packed
    paper = record.paper
    if name == "title":
        return [paper.title]
    if name == "author":
        names = [a.name for a in paper.visible_authors]
        return names + [a.username for a in paper.visible_authors if a.username]
    if name == "kw":
        return list(paper.ai_keywords)
    if name == "org":
        org = paper.organization
        return [] if org is None else [org.name] + ([org.fullname] if org.fullname else [])
    raise ValueError(f"not a record field: {name}")


def number_value(record: Record, name: str) -> int | None:
    """The count ``name`` (upvotes, stars, comments, authors) of a record, None if unknown."""
    if name == "upvotes":
        return record.upvotes  # record-level: a packed paper stays packed
    paper = record.paper
    if name == "stars":
        return paper.github_stars
    if name == "comments":
        return paper.num_comments
    if name == "authors":
        return len(paper.visible_authors)
    raise ValueError(f"not a number field: {name}")


def static_flag(record: Record, name: str) -> bool:
    """Flags that depend on the record alone (the others need the Context)."""
    if name == "trending":
        return bool(record.trending)
    paper = record.paper
    if name == "code":
        return bool(paper.github_repo)
    if name == "project":
        return bool(paper.project_page)
    if name == "ai":
        return bool(paper.ai_summary)
    raise ValueError(f"not a static flag: {name}")


STATIC_FLAGS = ("trending", "code", "project", "ai")


def sort_key(record: Record, key: str) -> int:
    """An int to sort ``record`` by ``key``, biggest first; -1 when the value is unknown.

    "trending" puts the papers of the newest trending day first, each by its best rank of the
    last days (reader.trending.best_recent_rank): one at #3 today but #1 yesterday sorts as #1,
    and one seen today comes before one that was at #1 last week.
    """
    if key == "upvotes":  # record-level: a packed paper stays packed
        return -1 if record.upvotes is None else record.upvotes
    if key == "stars":
        stars = record.paper.github_stars
        return -1 if stars is None else stars
    if key == "date":
        day = day_ordinal(record)
        return -1 if day is None else day
    if key == "trending":
        best = best_recent_rank(record.trending)
        if best is None:
            return -1
        when = timestamp(record.trending[-1][1]) or 0.0
        return int(when // 86_400) * 1_000_000 + max(0, 999_999 - best)
    raise ValueError(f"not a sort key: {key}")


def in_bounds(value: int | None, lo: int | None, hi: int | None) -> bool:
    """``lo <= value <= hi`` with open ends; an unknown value is never in bounds."""
    if value is None:
        return False
    return (lo is None or value >= lo) and (hi is None or value <= hi)


def tag_matches(tag: str, wanted: Tag) -> bool:
    """Whether one user tag satisfies a ``tag:`` term."""
    have, want = fold(tag), fold(wanted.value)
    return have == want or (not wanted.exact and have.startswith(want))


def is_new(record: Record, ctx: Context) -> bool:
    """First seen after the previous visit began (nothing is new without a previous visit)."""
    since = ctx.last_visit
    seen = timestamp(record.first_seen)
    return since is not None and seen is not None and seen > since


def matches(query: Query, record: Record, ctx: Context) -> bool:
    """Whether ``record`` satisfies ``query`` (an empty query matches everything)."""
    return query.expr is None or _match(query.expr, record, ctx)


def _match(node: Node, record: Record, ctx: Context) -> bool:
    if isinstance(node, And):
        return all(_match(c, record, ctx) for c in node.children)
    if isinstance(node, Or):
        return any(_match(c, record, ctx) for c in node.children)
    if isinstance(node, Not):
        return not _match(node.child, record, ctx)
    if isinstance(node, Text):
        return text_matches(node, record, ctx)
    if isinstance(node, IdPrefix):
        return record.id.lower().startswith(node.prefix)
    if isinstance(node, Tag):
        return any(tag_matches(t, node) for t in ctx.library.tags.get(record.id, ()))
    if isinstance(node, Number):
        return in_bounds(number_value(record, node.field), node.lo, node.hi)
    if isinstance(node, DateRange):
        return in_bounds(day_ordinal(record), node.lo, node.hi)
    if isinstance(node, Age):
        day = day_ordinal(record)
        return day is not None and in_bounds(ctx.today - day, node.lo, node.hi)
    return flag_matches(node, record, ctx)


def text_matches(node: Text, record: Record, ctx: Context) -> bool:
    """Whether the words of ``node`` occur in one unit of its field."""
    units: Sequence[str]
    if node.field == "note":
        units = [ctx.library.notes.get(record.id, "")]
    elif node.field == "text":
        units = ctx.passages(record.id)
    elif node.field == "any":
        units = [u for name in ANY_FIELDS for u in field_units(record, name)]
    else:
        units = field_units(record, node.field)
    return any(contains_run(tokens(u), node.tokens, node.exact) for u in units)


def flag_matches(node: Flag, record: Record, ctx: Context) -> bool:
    """``is:`` and ``has:`` flags."""
    name, lib = node.name, ctx.library
    if name == "bookmarked":
        return record.id in lib.bookmarks
    if name == "read":
        return record.id in lib.read
    if name == "unread":
        return record.id not in lib.read
    if name == "new":
        return is_new(record, ctx)
    if name == "fulltext":
        return record.id in ctx.fulltext_ids
    return static_flag(record, name)
