"""Posting lists and document bitmaps: the low-level pieces the query index is made of.

A bitmap is a Python int with bit d set for document d, so AND, OR and NOT over 100,000
documents are single C-level big-int operations.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Iterable, Sequence
from itertools import repeat

from reader.query.ast import And, Node, Not, Or, Text

_TO_ASCII = bytes.maketrans(b"\x00\x01", b"01")
_FROM_ASCII = bytes.maketrans(b"01", b"\x00\x01")
APPEND = array.append


class Postings(dict[bytes, "array[int]"]):
    """token -> sorted document numbers; a missing token gets a new, empty array."""

    __slots__ = ("added", "removed")

    def __init__(self) -> None:
        super().__init__()
        self.added: list[bytes] = []  # tokens new since the vocabulary was last sorted
        self.removed = False  # a token lost its last document since then

    def __missing__(self, token: bytes) -> array[int]:
        self.added.append(token)
        posting = self[token] = array("I")
        return posting


def bitmap(postings: Iterable[Sequence[int]], n: int) -> int:
    """The bitmap of the union of ``postings`` (document numbers below ``n``)."""
    lists = [p for p in postings if p]
    total = sum(map(len, lists))
    if total == 0:
        return 0
    if total * 64 < n:  # few documents: set bits one by one in a packed buffer
        packed = bytearray((n >> 3) + 1)
        for posting in lists:
            for doc in posting:
                packed[doc >> 3] |= 1 << (doc & 7)
        return int.from_bytes(packed, "little")
    flags = bytearray(n)  # many: one byte per document, written at C speed, then packed by int()
    for posting in lists:
        any(map(flags.__setitem__, posting, repeat(1)))
    return bits_of_flags(flags)


def bits_of_flags(flags: bytes | bytearray) -> int:
    """The bitmap of a buffer holding one byte (0 or 1) per document."""
    return int(flags[::-1].translate(_TO_ASCII) or b"0", 2)


def flags_of_bits(bits: int, n: int) -> bytes:
    """One byte (0 or 1) per document for ``bits``, plus a trailing 0 for unknown ids."""
    return format(bits, "b").encode()[::-1].translate(_FROM_ASCII).ljust(n + 1, b"\0")


def pick_none(flags: bytes) -> tuple[int, ...]:
    """The picker of an empty candidate list."""
    return ()


def needs_text(node: Node) -> bool:
    """Whether evaluating ``node`` reads paper text (phrases): do those last, on fewer papers."""
    if isinstance(node, Text):
        return len(node.tokens) > 1 or node.field == "note"
    if isinstance(node, And | Or):
        return any(needs_text(c) for c in node.children)
    if isinstance(node, Not):
        return needs_text(node.child)
    return False


UNIT_BREAK = "\x00"  # joins the units of a field for one search; never in stored text (C0 is
# stripped where text enters, reader.hub.text), and a phrase pattern never matches across it


def phrase_pattern(node: Text) -> re.Pattern[str]:
    """A regex over folded text equivalent to ``contains_run`` on its tokens, that never spans
    a ``UNIT_BREAK``.

    It starts with the first word itself so that the regex engine can scan for that literal;
    a leading look-behind would make every search ~15 times slower.
    """
    words = [re.escape(t) for t in node.tokens]
    start = words[0] + rf"(?<![^\W_]{words[0]})"  # the first word starts a token
    tail = r"(?![^\W_])" if node.exact else ""
    gap = r"(?:[^\w\x00]|_)+"  # what separates two tokens, except a unit break
    return re.compile(start + gap + gap.join(words[1:]) + tail)


def lowered(ids: Iterable[str]) -> list[str]:
    """The ids in lower case, for id prefixes; an id that is lower case already (every arXiv
    id) is kept as the same string object rather than copied (6 MB at 100,000 papers)."""
    out = []
    for paper_id in ids:
        lower = paper_id.lower()
        out.append(paper_id if lower == paper_id else lower)
    return out
