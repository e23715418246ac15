"""BibTeX that reference managers and LaTeX accept: ``@misc`` entries with the arXiv fields.

Choices: LaTeX's special characters are escaped (``\\&``, ``\\%``, ``\\$``, ``\\_``, ``\\{`` ...);
Latin letters with accents become LaTeX accent commands (``{\\'e}``, ``{\\ss}``), which every
BibTeX reads; other non-ASCII text (CJK, Greek) stays UTF-8, which biber and ``bibtex8`` read.
Words with capitals after their first letter (``LLMs``, ``GPT``) are braced so styles that
lower-case titles keep them. Citation keys are ``lastnameYYYYfirstword`` in ASCII, made unique
with ``a``, ``b``, ... after the first (in id order: the same papers always get the same
keys).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from reader.export.common import ARXIV_DOI, ascii_fold, one_line, split_name, year
from reader.hub.models import Paper
from reader.store.record import Record
from reader.store.state import LibraryState

_SPECIAL = {
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "&": r"\&", "%": r"\%", "$": r"\$",
    "#": r"\#", "_": r"\_", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
}
_LETTERS = {"ß": r"\ss", "ø": r"\o", "Ø": r"\O", "æ": r"\ae", "Æ": r"\AE", "œ": r"\oe",
            "Œ": r"\OE", "ł": r"\l", "Ł": r"\L", "ı": r"\i", "å": r"\aa", "Å": r"\AA"}
# Combining mark -> LaTeX accent command.
_ACCENTS = {"\u0301": "'", "\u0300": "`", "\u0302": "^", "\u0308": '"', "\u0303": "~",
            "\u0304": "=", "\u0307": ".", "\u0327": "c", "\u030c": "v", "\u030a": "r",
            "\u0306": "u", "\u0328": "k", "\u030b": "H"}
_STOP = {"a", "an", "the", "on", "of", "for", "in", "to", "and", "with", "at", "by", "is"}


def _char(ch: str) -> str:
    if ch in _SPECIAL:
        return _SPECIAL[ch]
    if ch.isascii():
        return ch
    if ch in _LETTERS:
        return "{" + _LETTERS[ch] + "}"
    parts = unicodedata.normalize("NFD", ch)
    if len(parts) == 2 and parts[0].isascii() and parts[1] in _ACCENTS:
        cmd = _ACCENTS[parts[1]]
        base = r"\i" if parts[0] == "i" else parts[0]  # dotless i under an accent
        return "{\\" + cmd + base + "}" if not cmd.isalpha() else "{\\" + cmd + "{" + base + "}}"
    return ch  # UTF-8 (see the module's docstring)


def latex(text: str) -> str:
    """``text`` as LaTeX: specials escaped, accents as commands, line breaks as spaces."""
    return "".join(_char(ch) for ch in one_line(text))


def _title(text: str) -> str:
    words = []
    for word in one_line(text).split(" "):
        escaped = latex(word)
        if any(ch.isupper() for ch in word[1:]):
            escaped = "{" + escaped + "}"
        words.append(escaped)
    return " ".join(words)


def _author(name: str) -> str:
    last, first = split_name(name)
    if " and " in f" {name.lower()} " or not last:
        return "{" + latex(name) + "}"  # an organisation: one unit, never split at "and"
    return f"{latex(last)}, {latex(first)}" if first else "{" + latex(last) + "}"


def _key_word(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", ascii_fold(text).lower())


def base_key(paper: Paper) -> str:
    """``lastnameYYYYfirstword`` (ASCII, lower-case) before de-duplication."""
    authors = paper.visible_authors or paper.authors
    last = _key_word(split_name(authors[0].name)[0]) if authors else ""
    words = [_key_word(w) for w in paper.title.split()]
    first = next((w for w in words if w and w not in _STOP), next((w for w in words if w), ""))
    return (last or "anon") + year(paper) + (first or "paper")


def citation_keys(papers: Sequence[Paper]) -> dict[str, str]:
    """Paper id -> a unique key; papers sharing a base key get ``a``, ``b``... in id order."""
    groups: dict[str, list[str]] = {}
    for paper in papers:
        groups.setdefault(base_key(paper), []).append(paper.id)
    keys: dict[str, str] = {}
    taken = set(groups)
    for base, ids in groups.items():
        ids = sorted(set(ids))
        keys[ids[0]] = base  # the lowest id keeps the plain key, the others get a, b, ...
        n = 0
        for pid in ids[1:]:
            while True:
                key = base + _suffix(n)
                n += 1
                if key not in taken:
                    break
            taken.add(key)
            keys[pid] = key
    return keys


def _suffix(n: int) -> str:
    """0 -> "a", 25 -> "z", 26 -> "aa"."""
    out = ""
    n += 1
    while n:
        n, rest = divmod(n - 1, 26)
        out = chr(97 + rest) + out
    return out


def entry(paper: Paper, key: str, tags: Sequence[str] = ()) -> str:
    """One ``@misc`` entry."""
    fields = [("title", _title(paper.title or paper.id))]
    authors = paper.visible_authors or paper.authors
    if authors:
        fields.append(("author", " and ".join(_author(a.name) for a in authors)))
    if year(paper):
        fields.append(("year", year(paper)))
    fields += [("eprint", paper.id), ("archivePrefix", "arXiv"),
               ("url", f"https://arxiv.org/abs/{paper.id}"),
               ("doi", ARXIV_DOI.format(id=paper.id))]
    if tags:
        fields.append(("keywords", latex(", ".join(tags))))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@misc{{{key},\n{body}\n}}\n"


def bibtex(records: Sequence[Record], state: LibraryState) -> str:
    """Every record as an ``@misc`` entry, in the given order, separated by blank lines."""
    papers = [r.paper for r in records]
    keys = citation_keys(papers)
    return "\n".join(entry(p, keys[p.id], state.tags.get(p.id, ())) for p in papers)
