"""Text folding for search: case- and accent-insensitive words, shared by the matcher and the
search store (which stores each text as these words)."""

from __future__ import annotations

import re
import unicodedata

# Runs of letters and digits (any script); punctuation, spaces and "_" separate tokens.
_TOKEN = re.compile(r"[^\W_]+")
# The combining-diacritics blocks: what NFKD splits off accented Latin, Greek and Cyrillic letters.
# Marks of other scripts (Devanagari vowel signs...) carry meaning and are kept.
_MARKS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def fold(text: str) -> str:
    """Lower-case ``text`` and strip its accents: ``"Über"`` and ``"uber"`` fold alike.

    Casefold first, then NFKD (casefold can produce precomposed letters), then drop the marks
    and casefold once more, so folding a folded string changes nothing.
    """
    if text.isascii():
        return text.lower()  # casefold == lower for ASCII, and the fast path matters at 100k
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return _MARKS.sub("", decomposed).casefold()


def tokens(text: str) -> list[str]:
    """The folded words of ``text``, in order (``"GPT-4o's"`` -> ``["gpt", "4o", "s"]``)."""
    return _TOKEN.findall(fold(text))


def contains_run(haystack: list[str], needle: tuple[str, ...], exact: bool) -> bool:
    """Whether ``needle`` occurs as consecutive tokens of ``haystack``.

    Every needle token must equal its haystack token, except that the last one only needs to be
    a prefix when ``exact`` is false (so an unfinished word still matches while typing).
    """
    k = len(needle)
    if k == 0:
        return True
    first, last = needle[0], needle[-1]
    for i in range(len(haystack) - k + 1):
        if k == 1:
            word = haystack[i]
            if word == first or (not exact and word.startswith(first)):
                return True
            continue
        if haystack[i] != first:
            continue
        if all(haystack[i + j] == needle[j] for j in range(1, k - 1)):
            word = haystack[i + k - 1]
            if word == last or (not exact and word.startswith(last)):
                return True
    return False
