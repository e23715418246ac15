"""A Markdown reading list (fit for Obsidian): a checkbox, link, authors, tags, summary, note."""

from __future__ import annotations

import re
from collections.abc import Sequence

from reader.export.common import one_line, split_name, summary_line, year
from reader.hub.models import Paper
from reader.hub.text import clean_block
from reader.store.record import Record
from reader.store.state import LibraryState

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~$!])")


def md_escape(text: str) -> str:
    """Plain text that Markdown shows as it is (no links, emphasis, HTML or tags)."""
    return _MD_SPECIAL.sub(r"\\\1", one_line(text))


def _authors(paper: Paper) -> str:
    names = [a.name for a in (paper.visible_authors or paper.authors)]
    if not names:
        return ""
    first = split_name(names[0])[0] or names[0]
    return first + (" et al." if len(names) > 2 else f" & {split_name(names[1])[0]}"
                    if len(names) == 2 else "")


def item(record: Record, state: LibraryState) -> str:
    """One paper as a list item with indented detail lines."""
    paper, pid = record.paper, record.id
    done = "x" if state.is_read(pid) else " "
    head = f"- [{done}] [{md_escape(paper.title or pid)}](https://huggingface.co/papers/{pid})"
    meta = [md_escape(_authors(paper)), year(paper),
            f"[arXiv:{pid}](https://arxiv.org/abs/{pid})", f"[PDF](https://arxiv.org/pdf/{pid})"]
    lines = [head, "  " + " · ".join(m for m in meta if m)]
    tags = state.tags.get(pid, ())
    if tags:
        lines.append("  " + " ".join(f"#{t}" for t in tags))  # Obsidian tags
    summary = summary_line(paper)
    if summary:
        lines.append(f"  - {md_escape(summary)}")
    note = clean_block(state.notes.get(pid, "")).strip()
    if note:
        # Kept as the user wrote it (their Markdown), quoted under the paper.
        lines += ["  > " + line if line.strip() else "  >" for line in note.splitlines()]
    return "\n".join(lines)


def markdown(records: Sequence[Record], state: LibraryState) -> str:
    """A titled list of every record."""
    count = f"{len(records):,} paper{'s' if len(records) != 1 else ''}"
    parts = [f"# Reading list ({count})", ""]
    parts += [item(r, state) + "\n" for r in records]
    return "\n".join(parts).rstrip("\n") + "\n"
