"""What the writers share: years, ASCII folding, author name parts, one-line summaries."""

from __future__ import annotations

import re
import unicodedata

from reader.hub.models import Paper
from reader.hub.text import clean_line

ARXIV_DOI = "10.48550/arXiv.{id}"  # DataCite DOIs arXiv assigns to every paper


def year(paper: Paper) -> str:
    """The publication year; from the id (``YYMM.NNNNN``) when the date is unknown."""
    if paper.published_at and paper.published_at[:4].isdigit():
        return paper.published_at[:4]
    return "20" + paper.id[:2] if paper.id[:2].isdigit() else ""


def ascii_fold(text: str) -> str:
    """``"Müller-Łukasz"`` -> ``"Muller-Lukasz"``: accents dropped, other non-ASCII removed."""
    special = {"ß": "ss", "ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE",
               "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ı": "i", "þ": "th"}
    text = "".join(special.get(ch, ch) for ch in text)
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def split_name(name: str) -> tuple[str, str]:
    """``"Jörg A. Müller"`` -> ``("Müller", "Jörg A.")``: the last word is the family name
    (what arXiv and Hugging Face list is "given family"); one word is all family name."""
    name = " ".join(name.split())
    if "," in name:
        last, _, first = name.partition(",")
        return last.strip(), first.strip()
    first, _, last = name.rpartition(" ")
    return last, first


def one_line(text: str) -> str:
    """Whitespace runs (line breaks too) as one space; control characters and terminal escape
    sequences dropped (a cache written by another tool may hold them, and exports often go to
    a terminal)."""
    return clean_line(text)


_SENTENCE = re.compile(r"(?<=[.!?])\s")


def summary_line(paper: Paper, limit: int = 240) -> str:
    """One line about the paper: the AI summary, else the abstract's first sentence."""
    text = one_line(paper.ai_summary or "") or _SENTENCE.split(one_line(paper.summary), 1)[0]
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
