"""Postings of adjacent pairs (and triples) of very common words, so a phrase like "of the" or
"large language models" need not read the text of every paper holding its words.

Phrases of rare words narrow well through their words' postings; two common words do not
(at 100,000 papers "of" and "the" share most abstracts, and checking the word order on each
text costs 70-150 ms). For each field, the words in more than ``FREQUENT_SHARE`` (or the
field's ``FIELD_SHARE``) of the
documents when the index was warmed are "frequent"; every run of two or three adjacent frequent
words in one unit of the field gets a posting (``b"a b"``), and so does every triple
(``b"a b c"``) found in more than ``TRIPLE_SHARE`` of the documents at the warm (most triples
are rare: holding them all would cost ~85 MB at 100k). An exact phrase of two frequent words,
or of one held triple, is decided by its posting; others are narrowed by every pair or triple
in them, then checked on the text. The frequent words and held triples are fixed between warms,
so postings stay exact through add/replace: a missing pair of frequent words means no document.
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

FREQUENT_SHARE = 0.1  # ~75 entries per abstract at 100,000 papers: see the report in measure_query
# Fields with their own share. Titles and keywords are short, so holding the pairs of far more of
# their words costs little (at 100,000 papers: ~0.3 M entries each, ~6,000 pairs) and decides
# phrases like "knowledge distillation" without reading ~8,000 keyword lists. In abstracts 5%
# brings in words like "art" and "knowledge" for ~1 M more entries (~13 MB).
FIELD_SHARE = {"title": 0.01, "kw": 0.01, "abstract": 0.05}
TRIPLE_SHARE = 0.005  # a rarer triple leaves few texts to check after its pairs
REWARM_SHARE = 0.25  # when more documents than this share change at once, start over
_JOIN = b" ".join


def _new_posting() -> array[int]:
    return array("I")


class PairTable(defaultdict[bytes, "array[int]"]):
    """``b"first second"`` -> sorted document numbers; a missing pair gets an empty array."""

    def __init__(self, items: Iterable[tuple[bytes, array[int]]] = ()) -> None:
        super().__init__(_new_posting, items)


class PairPostings:
    """Per field: the frequent words, the held triples, and the postings of both."""

    __slots__ = ("frequent", "tables", "triples")

    def __init__(self, frequent: dict[str, frozenset[bytes]] | None = None,
                 tables: dict[str, PairTable] | None = None,
                 triples: dict[str, frozenset[bytes]] | None = None) -> None:
        self.frequent: dict[str, frozenset[bytes]] = frequent or {}
        self.tables: dict[str, PairTable] = tables or {}
        self.triples: dict[str, frozenset[bytes]] = triples or {}

    def __bool__(self) -> bool:
        return any(self.frequent.values())

    def entries(self) -> int:
        """How many document numbers the postings hold (4 bytes each)."""
        return sum(len(p) for table in self.tables.values() for p in table.values())

    def pairs_of(self, record: Record, field: str) -> set[bytes]:
        """The pairs of frequent words, and held triples, next to each other in one unit of
        ``field``."""
        return self._runs(record, field, self.triples.get(field, frozenset()))

    def _runs(self, record: Record, field: str, triples: frozenset[bytes] | None) -> set[bytes]:
        """Pairs, and the triples in ``triples`` (every triple of frequent words if None)."""
        frequent = self.frequent.get(field)
        if not frequent:
            return set()
        found: set[bytes] = set()
        for unit in field_units(record, field):
            words = word_list(unit)
            known = list(map(frequent.__contains__, words))
            # C-level: keep (w, next w) where both are frequent, join each as b"w next".
            both = list(map(and_, known, known[1:]))
            found.update(map(_JOIN, compress(pairwise(words), both)))
            if triples is None or triples:
                runs = zip(words, words[1:], words[2:], strict=False)
                three = map(_JOIN, compress(runs, map(and_, both, both[1:])))
                found.update(three if triples is None else triples.intersection(three))
        return found

    def warm(self, postings: Mapping[str, Mapping[bytes, Sequence[int]]],
             records: Sequence[Record], n: int) -> None:
        """Choose the frequent words from ``postings`` and index every document afresh."""
        self.frequent = {
            field: frozenset(w for w, docs in table.items() if len(docs) > least)
            for field, table in postings.items()
            for least in [min(FREQUENT_SHARE, FIELD_SHARE.get(field, 1.0)) * n]
        }
        self.tables = {field: PairTable() for field in postings}
        self.triples = {}
        for doc, record in enumerate(records):
            self.append(doc, record)
        common = TRIPLE_SHARE * n
        for field, table in self.tables.items():
            # A triple is common only if both its pairs are: look at those triples alone.
            pairs = {pair for pair, docs in table.items() if len(docs) > common}
            if not pairs:
                continue
            seen = PairTable()
            for doc, record in enumerate(records):
                found: set[tuple[bytes, bytes, bytes]] = set()
                for unit in field_units(record, field):
                    words = word_list(unit)
                    # C-level: triples whose two pairs are both common.
                    common_pair = list(map(pairs.__contains__, map(_JOIN, pairwise(words))))
                    runs = zip(words, words[1:], words[2:], strict=False)
                    found.update(compress(runs, map(and_, common_pair, common_pair[1:])))
                any(map(APPEND, map(seen.__getitem__, map(_JOIN, found)), repeat(doc)))
            held = {run: docs for run, docs in seen.items() if len(docs) > common}
            self.triples[field] = frozenset(held)
            table.update(held)

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
        """``(run, postings)`` of the indexed triples and pairs among the phrase ``words`` (each
        is a necessary condition), and whether they are the whole condition (one exact pair or
        triple); None when no run of the phrase is indexed."""
        frequent = self.frequent.get(field)
        if not frequent:
            return None
        table = self.tables[field]
        complete = len(words) if exact else len(words) - 1  # the last word may be a prefix
        encoded = [w.encode() for w in words[:complete]]
        known = [w in frequent for w in encoded]
        held = self.triples.get(field, frozenset())
        runs: list[bytes] = []
        covered: set[int] = set()  # pairs already inside a held triple
        for i in range(len(encoded) - 2):
            run = _JOIN(encoded[i : i + 3])
            if run in held:
                runs.append(run)
                covered.update((i, i + 1))
        for i in range(len(encoded) - 1):
            if known[i] and known[i + 1] and i not in covered:
                runs.append(_JOIN(encoded[i : i + 2]))
        if not runs:
            return None
        whole = exact and (len(words) == 2 and all(known) or len(words) == 3 and runs[0] in held)
        return [(run.decode(), table.get(run, ())) for run in runs], whole
