"""Sanitising of text from the network: the one place where terminal escapes and hidden chars go.

Remote strings (titles, abstracts, names, error messages, full texts) may carry ANSI/OSC escape
sequences that a terminal would obey (colours, clipboard writes through OSC 52, hyperlinks), bidi
overrides that make text read differently from what it is, and invisible characters that hide
text from the eye but not from search. Everything that leaves ``reader.hub`` has been through one
of the three functions here, so nothing downstream needs to clean text again.

Square brackets are left alone on purpose: markup safety is the TUI's job, which never parses
remote text as markup.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["clean_block", "clean_fragment", "clean_line", "is_forbidden", "reflow"]

# Escape sequences are removed whole (introducer, parameters and terminator) so that their
# payload (an OSC 52 clipboard string, a hyperlink target) does not linger as visible junk.
# Whatever these patterns miss is still made harmless by the per-character filter below,
# which drops every ESC and C1 byte.
_ESCAPES = re.compile(
    r"""
      [\x1b][\]PX^_] [^\x07\x1b\x9c]* (?:\x07|\x1b\\|\x9c)   # OSC/DCS/SOS/PM/APC, terminated
    | [\x9d\x90\x98\x9e\x9f] [^\x07\x1b\x9c]* (?:\x07|\x1b\\|\x9c)  # the same, 8-bit introducers
    | [\x1b][\]] [0-9;]*                                  # unterminated OSC: drop its number
    | (?:\x1b\[|\x9b) [0-?]* [ -/]* [@-~]?                # CSI, complete or cut off
    | \x1b [ -/]* [0-~]?                                  # other ESC sequences, or a lone ESC
    """,
    re.VERBOSE,
)

# Characters that are never kept. C0/C1 controls and DEL (category Cc) are handled separately
# because blocks keep \n and \t.
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Letters (category Lo) that render as nothing at all: a favourite for hiding text.
_INVISIBLE_LETTERS = frozenset("\u115f\u1160\u3164\uffa0")

# In one-line fields every kind of line break and tab is a word gap, not something to delete.
_LINE_SPACES = str.maketrans(dict.fromkeys("\t\n\r\x0b\x0c\x85\u2028\u2029", " "))

# Line and paragraph breaks other than \n, mapped before filtering.
_BLOCK_BREAKS = str.maketrans(
    {"\r": "\n", "\x0b": "\n", "\x0c": "\n", "\x85": "\n", "\u2028": "\n", "\u2029": "\n\n"}
)


def is_forbidden(ch: str, *, keep_layout: bool = False) -> bool:
    """True if ``ch`` must not appear in sanitised text.

    Forbidden: C0 and C1 controls and DEL (``keep_layout`` spares \\n and \\t), every format
    character (category Cf: bidi marks, embeddings, overrides and isolates, zero-width spaces and
    joiners, soft hyphens, invisible operators, tag characters), lone surrogates (they cannot be
    encoded for the terminal) and the Hangul fillers, which draw as blank letters.
    """
    if keep_layout and ch in "\n\t":
        return False
    if ch in _BIDI or ch in _INVISIBLE_LETTERS:
        return True
    # Zero-width joiners go too: terminals disagree on the width of joined emoji, which breaks
    # column layout, and each part still shows on its own.
    return unicodedata.category(ch) in ("Cc", "Cf", "Cs")


# The forbidden set as code-point ranges (Unicode 14.0, Python 3.11's database), so that one
# compiled regex can do in C what ``is_forbidden`` does per character in Python: importing 100,000
# papers spent 87% of its time in a per-character loop. tests/hub/test_text.py checks that this
# table agrees with ``is_forbidden`` on every code point of the running Python.
_FORBIDDEN_RANGES = (
    (0x0, 0x1F), (0x7F, 0x9F), (0xAD, 0xAD), (0x600, 0x605), (0x61C, 0x61C), (0x6DD, 0x6DD),
    (0x70F, 0x70F), (0x890, 0x891), (0x8E2, 0x8E2), (0x115F, 0x1160), (0x180E, 0x180E),
    (0x200B, 0x200F), (0x202A, 0x202E), (0x2060, 0x2064), (0x2066, 0x206F), (0x3164, 0x3164),
    (0xD800, 0xDFFF), (0xFEFF, 0xFEFF), (0xFFA0, 0xFFA0), (0xFFF9, 0xFFFB), (0x110BD, 0x110BD),
    (0x110CD, 0x110CD), (0x13430, 0x13438), (0x1BCA0, 0x1BCA3), (0x1D173, 0x1D17A),
    (0xE0001, 0xE0001), (0xE0020, 0xE007F),
)


def _char_class(ranges: tuple[tuple[int, int], ...], spare: str = "") -> re.Pattern[str]:
    parts = []
    for lo, hi in ranges:
        for a, b in _split_around(lo, hi, spare):
            first, last = re.escape(chr(a)), re.escape(chr(b))
            parts.append(first if a == b else f"{first}-{last}")
    return re.compile("[" + "".join(parts) + "]+")


def _split_around(lo: int, hi: int, spare: str) -> list[tuple[int, int]]:
    """The range lo..hi without the code points of ``spare``."""
    out, start = [], lo
    for cp in sorted(ord(c) for c in spare if lo <= ord(c) <= hi):
        if start <= cp - 1:
            out.append((start, cp - 1))
        start = cp + 1
    if start <= hi:
        out.append((start, hi))
    return out


_FORBIDDEN_LINE = _char_class(_FORBIDDEN_RANGES)
_FORBIDDEN_BLOCK = _char_class(_FORBIDDEN_RANGES, spare="\n\t")


def _sanitise(s: str, *, keep_layout: bool) -> str:
    """Drop escape sequences and forbidden characters, then normalise to NFC."""
    if "\x1b" in s or not s.isascii():
        s = _ESCAPES.sub("", s)
    kept = (_FORBIDDEN_BLOCK if keep_layout else _FORBIDDEN_LINE).sub("", s)
    # NFC last: removing a hidden char can leave a base letter next to its combining mark.
    if kept.isascii() or unicodedata.is_normalized("NFC", kept):
        return kept
    return unicodedata.normalize("NFC", kept)


def clean_line(s: str) -> str:
    """Sanitise a one-line field (title, name, keyword): all whitespace runs become one space."""
    # Fast path, exactly equal to the full one (tests/hub/test_text.py checks it): a printable
    # string holds no control, format, surrogate or line-break character (no escape can start),
    # so of the forbidden set only the invisible letters can be in it; NFC and the spaces
    # are all that is left to do. Most names, titles and keywords take this path.
    if s.isprintable():
        if s.isascii():
            return " ".join(s.split())
        if _INVISIBLE_LETTERS.isdisjoint(s):
            if not unicodedata.is_normalized("NFC", s):
                s = unicodedata.normalize("NFC", s)
            return " ".join(s.split())
    return _clean_line_full(s)


def _clean_line_full(s: str) -> str:
    """:func:`clean_line` for any string (the reference its fast path is checked against)."""
    return " ".join(_sanitise(s.translate(_LINE_SPACES), keep_layout=False).split())


def clean_fragment(s: str) -> str:
    """Like :func:`clean_line` but keeps one leading/trailing space (pieces of a longer line)."""
    cleaned = _sanitise(s.translate(_LINE_SPACES), keep_layout=False)
    core = " ".join(cleaned.split())
    if not core:
        return " " if cleaned else ""
    lead = " " if cleaned[:1].isspace() else ""
    trail = " " if cleaned[-1:].isspace() else ""
    return f"{lead}{core}{trail}"


# The ASCII characters clean_block changes or drops: every control but \n and \t (\r, the
# other breaks and ESC among them) and DEL.
_ASCII_BLOCK_WORK = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def clean_block(s: str) -> str:
    """Sanitise multi-line text (Markdown full text): keeps \\n and \\t, unifies line breaks."""
    # Fast path, exactly equal to the full one (tests/hub/test_text.py checks it): ASCII text
    # without any of those characters is already clean (most abstracts).
    if s.isascii() and _ASCII_BLOCK_WORK.search(s) is None:
        return s
    return _clean_block_full(s)


def _clean_block_full(s: str) -> str:
    """:func:`clean_block` for any string (the reference its fast path is checked against)."""
    s = s.replace("\r\n", "\n").translate(_BLOCK_BREAKS)
    return _sanitise(s, keep_layout=True)


_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")


def reflow(s: str) -> str:
    """Sanitise an abstract and join arXiv's hard line wraps.

    Lines inside a paragraph are joined with one space; a blank line separates paragraphs
    (kept as a single ``\\n\\n``); spaces are collapsed and the ends trimmed.
    """
    block = clean_block(s)
    paragraphs = (" ".join(p.split()) for p in _PARAGRAPH_BREAK.split(block))
    return "\n\n".join(p for p in paragraphs if p)
