"""A cached record as the derived store's rows: its list snapshot, and its searchable units."""

from __future__ import annotations

import datetime as dt
import zlib
from operator import itemgetter
from typing import Any

import orjson

from reader.query.fold import tokens
from reader.store.derived.schema import (
    AI,
    CODE,
    INITIALS,
    PAIRS_BYTES,
    PROJECT,
    TRENDING,
    UNIT_BREAK,
)
from reader.store.record import Record, record_to_dict
from reader.trending import best_recent_rank

FIRST_AUTHORS = 3  # names kept in the list snapshot
COLUMNS = ("title", "author", "abstract", "kw", "org")  # the FTS columns, in order


def _words(text: str) -> str:
    """The text as the FTS ascii tokenizer must see it: the matcher's own folded words.

    ASCII text goes in as it is (the tokenizer lower-cases ASCII and splits on the same
    characters as ``fold.tokens``: everything but letters and digits)."""
    return text if text.isascii() else " ".join(tokens(text))


def _ordinal(day: str) -> int | None:
    try:
        return dt.date.fromisoformat(day).toordinal() if day else None
    except ValueError:
        return None


def _posix(iso: str) -> float | None:
    if not iso:
        return None
    try:
        when = dt.datetime.fromisoformat(iso)
    except ValueError:
        return None
    return (when if when.tzinfo else when.replace(tzinfo=dt.UTC)).timestamp()


def units(record: Record) -> list[tuple[int, str]]:
    """(column number, words) of every text unit of a record, as reader.query.matcher sees
    them (``field_units``): title, each author and username, abstract, each keyword, org."""
    paper = record.paper
    out: list[tuple[int, str]] = [(0, paper.title), (2, record.summary)]
    authors = paper.visible_authors
    out += [(1, a.name) for a in authors]
    out += [(1, a.username) for a in authors if a.username]
    out += [(3, k) for k in paper.ai_keywords]
    if paper.organization is not None:
        org = paper.organization
        out += [(4, org.name)] + ([(4, org.fullname)] if org.fullname else [])
    return [(col, _words(text)) for col, text in out if text]


def signature(parts: list[tuple[int, str]]) -> int:
    """A checksum of a record's units: equal units, equal signature."""
    # One CRC of the concatenation: the same value as chaining one CRC per unit, cheaper.
    return zlib.crc32("".join([f"{col}\x00{text}\x01" for col, text in parts]).encode())


_BIT = {ord(c): 1 << i for i, c in enumerate(INITIALS)}
# b"ab" -> its papers.pairs bit (see schema); the bits of distinct pairs are distinct, so their
# sum is their union.
_PAIR_BIT = {(a + b).encode(): 1 << (i * len(INITIALS) + j)
             for i, a in enumerate(INITIALS) for j, b in enumerate(INITIALS)}
_PAIRS = frozenset(_PAIR_BIT)
_FIRST_TWO = itemgetter(slice(0, 2))
# ASCII text as the FTS ascii tokenizer splits it: letters lower-cased, every byte that is not a
# letter or digit a space (then bytes.split() gives its words).
_ASCII_WORDS = bytes(
    (c | 0x20 if chr(c).isalpha() else c) if chr(c).isascii() and chr(c).isalnum() else 0x20
    for c in range(256))
ANY_COLUMNS = (0, 1, 2, 3, 4)  # every column: a bare word searches them all (matcher.ANY_FIELDS)


def word_starts(parts: list[tuple[int, str]]) -> tuple[int, bytes]:
    """The papers.initials and papers.pairs of a record's units (see schema): the first
    character, and the first two, of every word of a unit, as the FTS tokenizer splits it
    (folded non-ASCII text: at its spaces)."""
    # One pass over all the ASCII units joined (a space between them starts a word either
    # way), through bytes.translate: a regex search per unit cost ~0.1 ms a record.
    plain: list[str] = []
    folded: list[str] = []
    for col, text in parts:
        if col in ANY_COLUMNS:
            (plain if text.isascii() else folded).append(text)
    words = " ".join(plain).encode().translate(_ASCII_WORDS).split()
    found = {word[0] for word in words}
    two = set(map(_FIRST_TWO, words))
    if folded:
        others = " ".join(folded).split()
        found.update({ord(word[0]) for word in others})
        two.update(word[:2].encode() for word in others)
    bits = 0
    for c in found:
        bits |= _BIT.get(c, 0)
    pairs = sum(map(_PAIR_BIT.__getitem__, two & _PAIRS))
    return bits, pairs.to_bytes(PAIRS_BYTES, "little")


def trend_key(record: Record) -> int:
    """reader.query.matcher.sort_key(record, "trending"), computed once: the newest trending
    day first, each paper by its best rank of the last days (reader.trending)."""
    best = best_recent_rank(record.trending)
    if best is None:
        return -1
    when = _posix(record.trending[-1][1]) or 0.0
    return int(when // 86_400) * 1_000_000 + max(0, 999_999 - best)


def paper_row(record: Record, rid: int, sig: int, bits: int, pairs: bytes) -> tuple[Any, ...]:
    """The ``papers`` row of a record (columns in schema order); ``bits`` and ``pairs``: its
    initials and pairs (:func:`word_starts`)."""
    paper = record.paper
    authors = paper.visible_authors
    flags = ((CODE if paper.github_repo else 0) | (PROJECT if paper.project_page else 0)
             | (AI if paper.ai_summary else 0) | (TRENDING if record.trending else 0))
    rank, at = record.trending[-1] if record.trending else (None, None)
    return (rid, record.id, record.day, _ordinal(record.day), record.upvotes,
            paper.num_comments, paper.github_stars, len(authors), flags, trend_key(record),
            at, rank, record.listed_on[-1] if record.listed_on else None,
            _posix(record.first_seen), paper.title,
            ", ".join(a.name for a in authors[:FIRST_AUTHORS]), sig, bits, pairs)


def fts_row(rid: int, parts: list[tuple[int, str]]) -> tuple[Any, ...]:
    """The ``units`` row of a record: (rowid, title, author, abstract, kw, org), the units of
    one column joined with a break token that no query word can match (see schema)."""
    cells: list[list[str]] = [[] for _ in COLUMNS]
    for col, text in parts:
        cells[col].append(text)
    return (rid, *(UNIT_BREAK.join(c) if c else None for c in cells))


def head(record: Record, shard: str, doc_id: int) -> tuple[Any, ...]:
    """The ``heads`` row of a record but for the rid (see schema)."""
    return (shard, doc_id, record.id, record.day, record.upvotes, ",".join(record.listed_on),
            orjson.dumps(record.trending) if record.trending else None, record.first_seen,
            record.updated_at, record.observed_at)


def body(record: Record) -> bytes:
    """The ``bodies.body`` of a record: its JSON exactly as its shard holds it."""
    return orjson.dumps(record_to_dict(record))
