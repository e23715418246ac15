"""A full text cut into passages: the reading screen's blocks, each with its section heading.

A passage is one block of :func:`reader.markdown_doc.parse` (a paragraph, a list item, a table,
a display formula, a heading...) as the reading screen shows it (``Block.plain``: links by their
text, inline markup gone, controls and bidi overrides cleaned), so a search hit can be scrolled
to by its block number and found again there with ``n``. ``text:`` matches a run of words within
one passage.
"""

from __future__ import annotations

from dataclasses import dataclass

from reader.markdown_doc import parse

MAX_PASSAGES = 1 << 20  # per paper: a hostile text of a million one-word lines stops here


@dataclass(frozen=True, slots=True)
class Passage:
    """One block of a full text: its number in the document, its section and its text."""

    block: int
    section: str
    text: str


def cut(markdown: str) -> list[Passage]:
    """The passages of a full text, in order; blocks without text (rules) are left out."""
    document = parse(markdown)
    out: list[Passage] = []
    section = ""
    for k, block in enumerate(document.blocks):
        text = block.plain
        if block.kind == "heading":
            section = " ".join(text.split())
        if not text.strip():
            continue
        out.append(Passage(k, section, text))
        if len(out) >= MAX_PASSAGES:
            break
    return out
