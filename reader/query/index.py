"""An inverted index over the papers, so a query over 100,000 of them answers in milliseconds.

Every paper gets a document number (its insertion position). Each indexed text field maps a
folded token to the sorted array of documents holding it, and a sorted vocabulary gives prefix
matches by bisection. Query nodes evaluate to bitmaps (Python ints, bit d = document d), so AND,
OR and NOT are single C-level big-int operations; counts, numbers and dates use arrays sorted by
value. Phrases intersect their words' postings and then check the word order on the text.
Costly short prefixes are held (reader.query.prefixes); save/load live in reader.query.persist.
"""

from __future__ import annotations

import threading
from array import array
from bisect import bisect_left, bisect_right, insort
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from itertools import compress, repeat
from operator import attrgetter, itemgetter
from pathlib import Path

from reader.query import pairs, prefixes
from reader.query.ast import (
    NUMBER_FIELDS,
    SORT_KEYS,
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
from reader.query.fold import contains_run, fold, token_set, tokens
from reader.query.matcher import (
    ANY_FIELDS,
    STATIC_FLAGS,
    Context,
    day_ordinal,
    field_units,
    number_value,
    sort_key,
    static_flag,
    tag_matches,
    timestamp,
)
from reader.query.pairs import PairPostings
from reader.query.postings import (
    APPEND,
    UNIT_BREAK,
    Postings,
    bitmap,
    bits_of_flags,
    flags_of_bits,
    lowered,
    needs_text,
    phrase_pattern,
    pick_none,
)
from reader.query.prefixes import ShortPrefixes
from reader.store.record import Record

_INDEXED = ("title", "author", "abstract", "kw", "org")
_SHORT_PREFIX = 2  # prefixes this short cover huge vocabulary ranges: their bitmaps are cached
_CACHE_LIMIT = 512  # cached bitmaps (each N/8 bytes: 12.5 kB at 100,000 papers)
_TOP = b"\xff"  # never occurs in UTF-8: sorts after every continuation of a token
_Ordered = tuple[list[str], Callable[[bytes], tuple[int, ...]]]  # ids, and their flags picker
# A phrase is looked for in the cheap fields first: what they find the abstracts need not check.
_PHRASE_ORDER = ("title", "kw", "author", "abstract")
_KEYWORDS = attrgetter("paper.ai_keywords")
# Abstracts come from Record.summary: a packed record reads its abstract alone, not the paper.
_SINGLE_UNIT = {"title": attrgetter("paper.title"), "abstract": attrgetter("summary")}


class Index:
    """Answers queries over a fixed-but-growing set of records; safe to share between threads.

    ``add`` adds or replaces records (a replaced record keeps its place in insertion order);
    ``remove`` drops papers. Building 100,000 papers takes several seconds: do it in a worker
    thread, or ``build_or_load`` a saved index (well under a second).
    """

    def __init__(self, records: Iterable[Record] = ()) -> None:
        self._lock = threading.RLock()
        self._records: list[Record] = []
        self._ids: list[str] = []
        self._docno: dict[str, int] = {}
        self._postings: dict[str, Postings] = {f: Postings() for f in _INDEXED}
        self._vocab: dict[str, list[bytes]] = {f: [] for f in _INDEXED}
        self._values: dict[str, list[float | None]] = {
            name: [] for name in (*NUMBER_FIELDS, "day", "seen")
        }
        self._static: dict[str, bytearray] = {name: bytearray() for name in STATIC_FLAGS}
        # Documents sorted by each value (unknown values left out), and ids sorted, for ranges
        # and prefixes by bisection; kept up to date by add(), off the UI thread.
        # The document numbers are arrays: 4 bytes each instead of a 36-byte int object.
        self._by_value: dict[str, tuple[list[float], Sequence[int]]] = {}
        self._by_id: tuple[list[str], Sequence[int]] = ([], array("I"))
        self._sort_keys: dict[str, list[int]] = {key: [] for key in SORT_KEYS}
        self._cache: dict[tuple[str, str], int] = {}
        # Bitmaps of the library's id sets (read, bookmarks...), rebuilt per query they would cost
        # ~20 ms at 20,000 read papers. LibraryState is an immutable snapshot: an entry holds the
        # set object itself, so a new snapshot (a new object) is never mistaken for the old one.
        self._held: dict[str, tuple[Collection[str], int, int]] = {}
        # The TUI filters the same view list on every keystroke: remember its document numbers.
        self._view: tuple[list[str], list[int], dict[str | None, _Ordered]] = _no_view()
        # Removed papers keep their document number (and postings) but never match: renumbering
        # every posting would cost as much as a rebuild. Re-adding one appends a new document.
        self._dead: set[int] = set()
        self._live_bits: int | None = None  # the bitmap of live documents, once computed
        self._short = ShortPrefixes()  # bare-word prefixes of 1-3 letters that are costly
        self._pairs = PairPostings()  # adjacent pairs of very common words, for phrases
        self.add(records)
        self.warm()

    def __len__(self) -> int:
        return len(self._docno)

    def __contains__(self, paper_id: object) -> bool:
        return paper_id in self._docno

    def get(self, paper_id: str) -> Record | None:
        """The indexed record with this id, if any."""
        doc = self._docno.get(paper_id)
        return None if doc is None else self._records[doc]

    @property
    def ids(self) -> list[str]:
        """All ids, in insertion order (a copy)."""
        if not self._dead:
            return list(self._ids)
        dead = self._dead
        return [i for doc, i in enumerate(self._ids) if doc not in dead]

    def _live(self) -> int:
        """The bitmap of every document that has not been removed."""
        bits = self._live_bits
        if bits is None:
            bits = (1 << len(self._ids)) - 1
            if self._dead:
                bits &= ~bitmap([sorted(self._dead)], len(self._ids))
            self._live_bits = bits
        return bits

    # --- saving and loading (see reader.query.persist) -------------------------------------

    def save(self, path: Path) -> None:
        """Write the index to ``path`` atomically (a compact binary file, tens of MB at 100k)."""
        from reader.query.persist import save

        with self._lock:
            save(self, path)

    @classmethod
    def load(
        cls, path: Path, records: Sequence[Record] | Mapping[str, Record],
        max_stale: float | None = None,
    ) -> Index | None:
        """The index saved at ``path`` brought up to date with ``records``, or None when the file
        is missing, damaged, of another format or Python version (never raises for a bad file),
        or when more than ``max_stale`` (a share) of ``records`` would need indexing.

        Papers saved but no longer in ``records`` are removed; new ones, and ones whose record
        changed since the save, are (re-)indexed and come after the others in insertion order.
        """
        from reader.query.persist import load

        return load(cls, path, records, max_stale)

    @classmethod
    def build_or_load(
        cls, path: Path, records: Sequence[Record] | Mapping[str, Record]
    ) -> tuple[Index, bool]:
        """``(index, loaded)``: the saved index if ``load`` accepts it (saved again when it had
        to catch up), else a fresh build over ``records`` that is saved for next time."""
        from reader.query.persist import build_or_load

        return build_or_load(cls, path, records)

    # --- building ---------------------------------------------------------------------------

    def add(self, records: Iterable[Record]) -> None:
        """Add records, or replace the ones already indexed (matched by paper id)."""
        with self._lock:
            start, touched = len(self._ids), set()
            replaced: list[tuple[int, Record, Record]] = []
            for record in records:
                doc = self._docno.get(record.id)
                if doc is None:
                    self._append(record)
                else:
                    replaced.append((doc, self._records[doc], record))
                    self._replace(doc, record)
                    touched.add(doc)
            if len(self._ids) == start and not touched:
                return
            self._live_bits = None
            self._cache.clear()
            self._held.clear()
            self._view = _no_view()
            self._refresh(range(start, len(self._ids)), touched)
            self._update_short([*range(start, len(self._ids)), *sorted(touched)])
            self._update_pairs(start, replaced)

    def warm(self) -> None:
        """Compute the costly short prefixes and the pairs of common words (a few seconds at
        100,000 papers; ``Index(records)`` and ``build_or_load`` do it, and a loaded index has
        them from its file)."""
        with self._lock:
            self._warm_short()
            self._pairs.warm(self._postings, self._records, len(self._ids))

    def _warm_short(self) -> None:
        vocabs = {f: self._vocab[f] for f in ANY_FIELDS}
        self._short.warm(vocabs, self._postings, len(self._ids))

    def _update_pairs(self, start: int, replaced: list[tuple[int, Record, Record]]) -> None:
        if not self._pairs:
            return
        n = len(self._ids)
        if n - start + len(replaced) > pairs.REWARM_SHARE * n:
            self._pairs.warm(self._postings, self._records, n)  # a big batch: start over
            return
        for doc, old, new in replaced:
            if doc < start:  # a paper added in this batch is indexed below as it is now
                self._pairs.replace(doc, old, new)
        for doc in range(start, n):
            self._pairs.append(doc, self._records[doc])

    def _update_short(self, docs: list[int]) -> None:
        if not self._short.bits:
            return
        if len(docs) > prefixes.REWARM_SHARE * len(self._ids):
            self._warm_short()  # a big batch: starting over is cheaper
            return
        records = self._records
        tokens = [set().union(*(self._field_tokens(records[d], f) for f in ANY_FIELDS))
                  for d in docs]
        self._short.update(docs, tokens, len(self._ids))

    def remove(self, paper_ids: Iterable[str]) -> None:
        """Drop these papers (ids not in the index are ignored)."""
        with self._lock:
            docs = [self._docno.pop(i) for i in set(paper_ids) if i in self._docno]
            if not docs:
                return
            self._dead.update(docs)
            self._live_bits = None
            self._cache.clear()
            self._held.clear()
            self._view = _no_view()

    def _refresh(self, added: range, touched: set[int]) -> None:
        """Bring the sorted structures up to date after ``add``.

        Each starts from its previous order plus the new documents, which Python's sort
        merges in near-linear time.
        """
        for postings, field in zip(self._postings.values(), _INDEXED, strict=True):
            if postings.removed:
                self._vocab[field] = sorted(postings)
            elif postings.added:
                self._vocab[field] += postings.added
                self._vocab[field].sort()
            postings.added, postings.removed = [], False
        for name, values in self._values.items():
            _, docs = self._by_value.get(name, ([], []))
            if touched:
                docs = [d for d in docs if d not in touched] + sorted(touched)
            docs = [d for d in (*docs, *added) if values[d] is not None]
            docs.sort(key=values.__getitem__)  # type: ignore[arg-type]
            keys = list(map(values.__getitem__, docs))
            self._by_value[name] = (keys, array("I", docs))  # type: ignore[assignment]
        if added:
            low = lowered(self._ids)
            docs = [*self._by_id[1], *added]
            docs.sort(key=low.__getitem__)
            self._by_id = (list(map(low.__getitem__, docs)), array("I", docs))

    @staticmethod
    def _field_tokens(record: Record, field: str) -> set[bytes]:
        units = field_units(record, field)
        if len(units) == 1:
            return token_set(units[0])
        return token_set(" ".join(units))  # words never span units: " " separates them

    def _append(self, record: Record) -> None:
        doc = len(self._ids)
        self._ids.append(record.id)
        self._docno[record.id] = doc
        self._records.append(record)
        for field in _INDEXED:
            # C-level loop: doc is the largest number yet, so every posting stays sorted.
            arrays = map(self._postings[field].__getitem__, self._field_tokens(record, field))
            any(map(APPEND, arrays, repeat(doc)))
        for name, values in self._values.items():
            values.append(self._value(record, name))
        for name, flags in self._static.items():
            flags.append(static_flag(record, name))
        for key, keys in self._sort_keys.items():
            keys.append(sort_key(record, key))

    def _replace(self, doc: int, record: Record) -> None:
        old = self._records[doc]
        self._records[doc] = record
        for field in _INDEXED:
            if field_units(old, field) == field_units(record, field):
                continue  # the usual re-sync: counts changed, text did not
            before, after = self._field_tokens(old, field), self._field_tokens(record, field)
            postings = self._postings[field]
            for token in before - after:
                posting = postings[token]
                del posting[bisect_left(posting, doc)]
                if not posting:
                    del postings[token]
                    postings.removed = True
            for token in after - before:
                insort(postings[token], doc)
        for name, values in self._values.items():
            values[doc] = self._value(record, name)
        for name, flags in self._static.items():
            flags[doc] = static_flag(record, name)
        for key, keys in self._sort_keys.items():
            keys[doc] = sort_key(record, key)

    @staticmethod
    def _value(record: Record, name: str) -> float | None:
        if name == "day":
            return day_ordinal(record)
        if name == "seen":
            return timestamp(record.first_seen)
        return number_value(record, name)

    # --- querying ---------------------------------------------------------------------------

    def filter(
        self, query: Query, ctx: Context, candidates: Sequence[str] | None = None
    ) -> list[str]:
        """Ids of the papers matching ``query``, in the order of ``candidates`` (default: all, in
        insertion order), then sorted by ``query.sort`` if it has one.

        Candidates that are not in the index never match a non-empty query.
        """
        with self._lock:
            n = len(self._ids)
            if candidates is None:
                if query.expr is None:
                    return self.sort_ids(self.ids, query.sort) if query.sort else self.ids
                flags = flags_of_bits(self._eval(query.expr, self._live(), ctx), n)
                ids = list(compress(self._ids, flags))
                return self.sort_ids(ids, query.sort) if query.sort else ids
            view, pick = self._view_docs(candidates, query.sort)
            if query.expr is None:
                return list(view)
            flags = flags_of_bits(self._eval(query.expr, self._live(), ctx), n)
            return list(compress(view, pick(flags)))

    def _view_docs(
        self, candidates: Sequence[str], sort: str | None = None
    ) -> tuple[list[str], Callable[[bytes], tuple[int, ...]]]:
        """``candidates`` (sorted by ``sort`` if given) and a function picking their bytes, in
        that order, out of a flags buffer.

        The TUI filters the same view on every keystroke, so both are remembered per view and
        sort key. Sorting the whole view once and then filtering it gives what filtering and
        then sorting the hits would (the sort is stable), without sorting on every keystroke.
        """
        view = candidates if isinstance(candidates, list) else list(candidates)
        if view != self._view[0]:  # C-level compare; equal strings are mostly the same objects
            docs = list(map(self._docno.get, view, repeat(len(self._ids))))
            kept = list(view)
            self._view = (kept, docs, {None: (kept, _picker(docs))})
        ordered = self._view[2].get(sort)
        if ordered is None:
            assert sort is not None  # the unsorted view is always there
            view, docs = self._view[0], self._view[1]
            order = self._order(docs, sort)
            ordered = (list(map(view.__getitem__, order)), _picker(list(map(docs.__getitem__,
                                                                             order))))
            self._view[2][sort] = ordered
        return ordered

    def count(self, query: Query, ctx: Context) -> int:
        """How many indexed papers match ``query`` (cheap: no id list is built)."""
        with self._lock:
            if query.expr is None:
                return len(self._docno)
            return self._eval(query.expr, self._live(), ctx).bit_count()

    def sort_ids(self, ids: Sequence[str], key: str) -> list[str]:
        """``ids`` sorted by ``key`` (see ``SORT_KEYS``), biggest / newest / best rank first;
        papers without a value (or not indexed) go last; ties keep their order."""
        if key not in SORT_KEYS:
            raise ValueError(f"unknown sort key {key!r}")
        with self._lock:
            order = self._order(list(map(self._docno.get, ids, repeat(len(self._ids)))), key)
        return list(map(ids.__getitem__, order))

    def _order(self, docs: list[int], key: str) -> list[int]:
        """Positions of ``docs`` by ``key``, biggest first, ties in their order (a stable sort);
        document ``len(self)`` stands for an id that is not indexed and goes last."""
        keys = (*self._sort_keys[key], -1)
        values = list(map(keys.__getitem__, docs))
        return sorted(range(len(values)), key=values.__getitem__, reverse=True)

    def _eval(self, node: Node, within: int, ctx: Context) -> int:
        """The documents among ``within`` that ``node`` matches, as a bitmap."""
        if not within:
            return 0
        if isinstance(node, And):
            for child in sorted(node.children, key=needs_text):
                within = self._eval(child, within, ctx)
                if not within:
                    break
            return within
        if isinstance(node, Or):
            found = 0
            for child in node.children:
                found |= self._eval(child, within & ~found, ctx)
            return found
        if isinstance(node, Not):
            return within & ~self._eval(node.child, within, ctx)
        if isinstance(node, Text):
            return self._text(node, within, ctx)
        return self._leaf(node, ctx) & within

    def _leaf(self, node: Node, ctx: Context) -> int:
        if isinstance(node, Number):
            return self._range(node.field, node.lo, node.hi)
        if isinstance(node, DateRange):
            return self._range("day", node.lo, node.hi)
        if isinstance(node, Age):
            today = ctx.today
            lo = None if node.hi is None else today - node.hi
            hi = None if node.lo is None else today - node.lo
            return self._range("day", lo, hi)
        if isinstance(node, IdPrefix):
            return self._id_prefix(node.prefix)
        if isinstance(node, Tag):
            tags = ctx.library.tags.items()
            return self._of_ids(i for i, ts in tags if any(tag_matches(t, node) for t in ts))
        if isinstance(node, Flag):
            return self._flag(node.name, ctx)
        raise TypeError(f"not a query node: {node!r}")  # pragma: no cover

    def _of_ids(self, ids: Iterable[str]) -> int:
        docno = self._docno
        return bitmap([[docno[i] for i in ids if i in docno]], len(self._ids))

    def _of_held(self, name: str, ids: Collection[str]) -> int:
        """``_of_ids(ids)``, remembered while the same ``ids`` object comes back unchanged."""
        held = self._held.get(name)
        if held is not None and held[0] is ids and held[1] == len(ids):
            return held[2]
        bits = self._of_ids(ids)
        self._held[name] = (ids, len(ids), bits)
        return bits

    def _flag(self, name: str, ctx: Context) -> int:
        lib, n = ctx.library, len(self._ids)
        if name == "bookmarked":
            return self._of_held("bookmarks", lib.bookmarks)
        if name == "read":
            return self._of_held("read", lib.read)
        if name == "unread":
            return (self._live()) & ~self._of_held("read", lib.read)
        if name == "fulltext":
            return self._of_held("fulltext", ctx.fulltext_ids)
        if name == "new":
            since = ctx.last_visit
            if since is None:
                return 0
            keys, docs = self._sorted_by("seen")
            return bitmap([docs[bisect_right(keys, since) :]], n)
        cached = self._cache.get(("is", name))
        if cached is None:
            cached = bits_of_flags(self._static[name])
            self._remember(("is", name), cached)
        return cached

    def _remember(self, key: tuple[str, str], bits: int) -> None:
        if len(self._cache) >= _CACHE_LIMIT:
            del self._cache[next(iter(self._cache))]  # the oldest entry
        self._cache[key] = bits

    def _sorted_by(self, name: str) -> tuple[list[float], Sequence[int]]:
        return self._by_value.get(name, ([], ()))

    def _range(self, name: str, lo: float | None, hi: float | None) -> int:
        keys, docs = self._sorted_by(name)
        start = 0 if lo is None else bisect_left(keys, lo)
        stop = len(keys) if hi is None else bisect_right(keys, hi)
        return bitmap([docs[start:stop]], len(self._ids)) if start < stop else 0

    def _id_prefix(self, prefix: str) -> int:
        keys, docs = self._by_id
        start, stop = bisect_left(keys, prefix), bisect_left(keys, prefix + "\U0010ffff")
        return bitmap([docs[start:stop]], len(self._ids))

    def _word(self, field: str, token: str, prefix: bool) -> int:
        """Documents with ``token`` (or, if ``prefix``, a word starting with it) in ``field``."""
        if prefix and field == "any":
            held = self._short.get(token)
            if held is not None:
                return held
        key = (field, token) if prefix else (field, "=" + token)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        word, n = token.encode(), len(self._ids)
        fields = ANY_FIELDS if field == "any" else (field,)
        lists: list[Sequence[int]] = []
        for f in fields:
            postings = self._postings[f]
            if not prefix:
                lists.append(postings.get(word, ()))
                continue
            vocab = self._vocab[f]
            start, stop = bisect_left(vocab, word), bisect_left(vocab, word + _TOP)
            lists.extend(map(postings.__getitem__, vocab[start:stop]))
        bits = bitmap(lists, n)
        if (prefix and len(token) <= _SHORT_PREFIX) or sum(map(len, lists)) * 16 > n:
            self._remember(key, bits)  # short prefixes and common words: costly to redo
        return bits

    def _text(self, node: Text, within: int, ctx: Context) -> int:
        if node.field == "note":
            notes = ctx.library.notes.items()
            noted = (i for i, t in notes if contains_run(tokens(t), node.tokens, node.exact))
            return self._of_ids(noted) & within
        if len(node.tokens) == 1:
            return within & self._word(node.field, node.tokens[0], not node.exact)
        # Several words must sit next to each other in one unit of one field: the postings of
        # each field narrow the papers down, then the text of that field is checked.
        found = 0
        for field in _PHRASE_ORDER if node.field == "any" else (node.field,):
            found |= self._phrase(node, field, within & ~found)
        return found

    def _phrase(self, node: Text, field: str, within: int) -> int:
        narrowing = self._pairs.narrowing(field, node.tokens, node.exact)
        if narrowing is not None:
            # Common words narrow little; their adjacent pairs do (and one exact pair decides).
            found, whole = narrowing
            n = len(self._ids)
            for pair, posting in found:
                key = (field, " " + pair)  # no token holds a space: no clash with words
                bits = self._cache.get(key)
                if bits is None:
                    bits = bitmap([posting], n)
                    self._remember(key, bits)
                within &= bits
                if not within:
                    return 0
            if whole:
                return within
        last = len(node.tokens) - 1
        for k, token in enumerate(node.tokens):
            if not within:
                return 0
            within &= self._word(field, token, prefix=k == last and not node.exact)
        n, pattern = len(self._ids), phrase_pattern(node)
        docs = list(compress(range(n), flags_of_bits(within, n)))
        records = map(self._records.__getitem__, docs)
        if field in _SINGLE_UNIT:  # the common case, for long texts
            # Most texts hold the phrase in lower case: a hit on the text as it is is a hit on
            # its folded form too (for ASCII, where folding only lower-cases A-Z), which spares
            # copying a lower-cased abstract per paper. The others are folded and searched.
            texts = list(map(_SINGLE_UNIT[field], records))
            search = pattern.search
            keep = [doc for doc, text, raw in zip(docs, texts, map(search, texts), strict=True)
                    if (raw and text.isascii()) or search(fold(text))]
            return bitmap([keep], n)
        # Several units (keywords, authors): one search over them joined by a unit break, which
        # no match can span; keywords at C speed (several thousand papers for a common phrase).
        joined: Iterable[str]
        if field == "kw":
            joined = map(UNIT_BREAK.join, map(_KEYWORDS, records))
        else:
            joined = (UNIT_BREAK.join(field_units(record, field)) for record in records)
        return bitmap([list(compress(docs, map(pattern.search, map(fold, joined))))], n)


def _no_view() -> tuple[list[str], list[int], dict[str | None, _Ordered]]:
    """The remembered view when there is none: an empty one."""
    return [], [], {None: ([], pick_none)}


def _picker(docs: list[int]) -> Callable[[bytes], tuple[int, ...]]:
    """A function reading the flags of ``docs``, in that order, out of a flags buffer."""
    # itemgetter with many items reads them all in one C call (a map() is ~5x slower), but with
    # exactly one item it returns it bare.
    if len(docs) > 1:
        return itemgetter(*docs)
    if not docs:
        return pick_none
    doc = docs[0]
    return lambda flags: (flags[doc],)
