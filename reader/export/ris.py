"""RIS, the tagged format Zotero, EndNote and Mendeley import: one ``UNPB`` record a paper."""

from __future__ import annotations

from collections.abc import Sequence

from reader.export.common import ARXIV_DOI, one_line, split_name, year
from reader.hub.models import Paper
from reader.store.record import Record
from reader.store.state import LibraryState


def _line(tag: str, value: str) -> str:
    # RIS is line-based: a value never holds a line break.
    return f"{tag}  - {one_line(value)}"


def record_lines(paper: Paper, tags: Sequence[str] = (), note: str = "") -> list[str]:
    """One paper as RIS lines, from ``TY`` to ``ER``."""
    lines = [_line("TY", "UNPB"), _line("TI", paper.title or paper.id)]
    for author in paper.visible_authors or paper.authors:
        last, first = split_name(author.name)
        lines.append(_line("AU", f"{last}, {first}" if first else last))
    if year(paper):
        lines.append(_line("PY", year(paper)))
    if paper.published_at and len(paper.published_at) >= 10:
        lines.append(_line("DA", paper.published_at[:10].replace("-", "/")))
    if paper.summary:
        lines.append(_line("AB", paper.summary))
    lines += [_line("PB", "arXiv"), _line("AN", f"arXiv:{paper.id}"),
              _line("UR", f"https://arxiv.org/abs/{paper.id}"),
              _line("L1", f"https://arxiv.org/pdf/{paper.id}"),
              _line("DO", ARXIV_DOI.format(id=paper.id))]
    lines += [_line("KW", tag) for tag in tags]
    if note.strip():
        lines.append(_line("N1", note))
    lines.append("ER  - ")
    return lines


def ris(records: Sequence[Record], state: LibraryState) -> str:
    """Every record as an RIS record, separated by blank lines."""
    out = []
    for record in records:
        pid = record.id
        out.append("\n".join(record_lines(record.paper, state.tags.get(pid, ()),
                                          state.notes.get(pid, ""))) + "\n")
    return "\n".join(out)
