"""Postings of adjacent pairs of very common words, so a phrase like "of the" need not read
the text of every paper holding both words.

Phrases of rare words narrow well through their words' postings; two common words do not
(at 100,000 papers "of" and "the" share most abstracts, and checking the word order on each
text costs 70-150 ms). For each field, the words in more than ``FREQUENT_SHARE`` of the
documents when the index was warmed are "frequent"; every adjacent pair of two frequent words
in one unit of the field gets a posting. The set of frequent words is fixed between warms, so
postings stay exact through add/replace: a missing pair of frequent words means no document.
"""

from __future__ import annotations

from array import array
from bisect import insort
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from itertools import compress, pairwise, repeat
from operator import and_

from reader.query.fold import word_list
from reader.query.matcher import field_units
from reader.query.postings import APPEND
from reader.store.record import Record

FREQUENT_SHARE = 0.1  # ~20 pair entries per abstract at 100,000 papers: ~15 MB of postings
REWARM_SHARE = 0.25  # when more documents than this share change at once, start over
_JOIN = b" ".join


def _new_posting() -> array[int]:
    return array("I")


class PairTable(defaultdict[bytes, "array[int]"]):
    """``b"first second"`` -> sorted document numbers; a missing pair gets an empty array."""

    def __init__(self, items: Iterable[tuple[bytes, array[int]]] = ()) -> None:
        super().__init__(_new_posting, items)


class PairPostings:
    """Per field: the frequent words, and the postings of adjacent pairs of them."""

    __slots__ = ("frequent", "tables")

    def __init__(self, frequent: dict[str, frozenset[bytes]] | None = None,
                 tables: dict[str, PairTable] | None = None) -> None:
        self.frequent: dict[str, frozenset[bytes]] = frequent or {}
        self.tables: dict[str, PairTable] = tables or {}

    def __bool__(self) -> bool:
        return any(self.frequent.values())

    def entries(self) -> int:
        """How many document numbers the postings hold (4 bytes each)."""
        return sum(len(p) for table in self.tables.values() for p in table.values())

    def pairs_of(self, record: Record, field: str) -> set[bytes]:
        """The pairs of frequent words next to each other in one unit of ``field``."""
        frequent = self.frequent.get(field)
        if not frequent:
            return set()
        found: set[bytes] = set()
        for unit in field_units(record, field):
            words = word_list(unit)
            known = list(map(frequent.__contains__, words))
            # C-level: keep (w, next w) where both are frequent, join each as b"w next".
            both = map(and_, known, known[1:])
            found.update(map(_JOIN, compress(pairwise(words), both)))
        return found

    def warm(self, postings: Mapping[str, Mapping[bytes, Sequence[int]]],
             records: Sequence[Record], n: int) -> None:
        """Choose the frequent words from ``postings`` and index every document afresh."""
        least = FREQUENT_SHARE * n
        self.frequent = {
            field: frozenset(w for w, docs in table.items() if len(docs) > least)
            for field, table in postings.items()
        }
        self.tables = {field: PairTable() for field in postings}
        for doc, record in enumerate(records):
            self.append(doc, record)

    def append(self, doc: int, record: Record) -> None:
        """Index a document numbered after every one indexed so far."""
        for field, table in self.tables.items():
            pairs = self.pairs_of(record, field)
            if pairs:
                any(map(APPEND, map(table.__getitem__, pairs), repeat(doc)))

    def replace(self, doc: int, old: Record, new: Record) -> None:
        """Re-index document ``doc`` whose record changed from ``old`` to ``new``."""
        for field, table in self.tables.items():
            before, after = self.pairs_of(old, field), self.pairs_of(new, field)
            for pair in before - after:
                posting = table[pair]
                posting.remove(doc)
                if not posting:
                    del table[pair]
            for pair in after - before:
                insort(table[pair], doc)

    def narrowing(self, field: str, words: Sequence[str], exact: bool
                  ) -> tuple[list[tuple[str, Sequence[int]]], bool] | None:
        """``(pair, postings)`` of the indexed pairs among the phrase ``words`` (each is a
        necessary condition), and whether they are the whole condition (one exact pair); None
        when no pair of the phrase is indexed."""
        frequent = self.frequent.get(field)
        if not frequent:
            return None
        table = self.tables[field]
        complete = len(words) if exact else len(words) - 1  # the last word may be a prefix
        encoded = [w.encode() for w in words[:complete]]
        lists: list[tuple[str, Sequence[int]]] = []
        for first, second in pairwise(encoded):
            if first in frequent and second in frequent:
                pair = _JOIN((first, second))
                lists.append((pair.decode(), table.get(pair, ())))
        if not lists:
            return None
        return lists, exact and len(words) == 2
