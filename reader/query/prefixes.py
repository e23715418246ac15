"""The bitmaps of costly short word prefixes, so the first letters typed answer at once.

While typing, the last word of the query is a prefix: ``t``, ``tr``, ``tra``... A short prefix
covers a large part of the vocabulary, and the union of its postings costs 50-170 ms at 100,000
papers. The prefixes (up to ``MAX_LENGTH`` characters) whose postings hold more than
``HEAVY_SHARE`` entries per document are computed once after a build (about a second at 100k),
saved with the index, and kept current when papers are added instead of being thrown away.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

from reader.query.postings import Postings, bitmap

MAX_LENGTH = 3
HEAVY_SHARE = 0.5  # a union over fewer entries than half the documents costs a few ms at most
MIN_HEAVY = 4096  # below this many entries, any union is quick
REWARM_SHARE = 0.25  # when more documents than this share change at once, start over
_TOP = b"\xff"


def prefixes_of(token: bytes) -> Iterable[str]:
    """The prefixes of ``token`` (1 to ``MAX_LENGTH`` characters)."""
    word = token.decode()
    return [word[:k] for k in range(1, min(len(word), MAX_LENGTH) + 1)]


class ShortPrefixes:
    """Prefix -> bitmap of the documents with a word starting with it in any of the fields."""

    __slots__ = ("bits",)

    def __init__(self, bits: dict[str, int] | None = None) -> None:
        self.bits: dict[str, int] = bits or {}

    def get(self, prefix: str) -> int | None:
        """The bitmap of ``prefix`` if it is one of the costly ones held here."""
        return self.bits.get(prefix) if len(prefix) <= MAX_LENGTH else None

    def warm(self, vocabs: Mapping[str, Sequence[bytes]], postings: Mapping[str, Postings],
             n: int) -> None:
        """Compute every costly prefix afresh over ``n`` documents."""
        sizes: defaultdict[str, int] = defaultdict(int)
        for field, vocab in vocabs.items():
            table = postings[field]
            for token in vocab:
                size = len(table[token])
                for prefix in prefixes_of(token):
                    sizes[prefix] += size
        heavy = max(MIN_HEAVY, int(n * HEAVY_SHARE))
        bits = {}
        for prefix, size in sizes.items():
            if size < heavy:
                continue
            word, lists = prefix.encode(), list[Sequence[int]]()
            for field, vocab in vocabs.items():
                start, stop = bisect_left(vocab, word), bisect_left(vocab, word + _TOP)
                lists.extend(map(postings[field].__getitem__, vocab[start:stop]))
            bits[prefix] = bitmap(lists, n)
        self.bits = bits

    def update(self, docs: Sequence[int], tokens: Sequence[set[bytes]], n: int) -> None:
        """Bring every held prefix up to date for ``docs`` (added or replaced documents, with
        their current ``tokens`` in all the fields): other documents have not changed."""
        if not self.bits or not docs:
            return
        # A token starts with prefix p exactly when its UTF-8 bytes start with p's: compare
        # byte slices (no decoding of every token of every document).
        held = self.bits
        wanted = {p.encode(): p for p in held}
        cuts = {len(b) for b in wanted}
        found: defaultdict[str, list[int]] = defaultdict(list)
        for doc, words in zip(docs, tokens, strict=True):
            mine = {t[:k] for t in words for k in cuts}
            for cut in mine.intersection(wanted):
                found[wanted[cut]].append(doc)
        clear = ~bitmap([sorted(docs)], n)
        for name, bits in held.items():
            held[name] = (bits & clear) | bitmap([found.get(name, [])], n)
