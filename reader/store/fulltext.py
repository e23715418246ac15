"""Cached full texts: one Markdown file per paper, ``<fulltext_dir>/<id>.md``."""

from __future__ import annotations

import re
from pathlib import Path

from reader.store.atomic import atomic_write_bytes

_ID = re.compile(r"^\d{4}\.\d{4,5}$")


def _path(directory: Path, paper_id: str) -> Path:
    # The id becomes a file name: only plain arXiv ids, never a path.
    if not _ID.match(paper_id):
        raise ValueError(f"not an arXiv id: {paper_id!r}")
    return directory / f"{paper_id}.md"


def ids(directory: Path) -> set[str]:
    """Ids of the papers whose full text is cached."""
    try:
        return {p.stem for p in directory.glob("*.md") if _ID.match(p.stem)}
    except OSError:
        return set()


def get(directory: Path, paper_id: str) -> str | None:
    """A cached full text, or None."""
    try:
        return _path(directory, paper_id).read_text(encoding="utf-8")
    except FileNotFoundError:
        return None


def put(directory: Path, paper_id: str, text: str) -> None:
    """Cache a full text (atomic; re-fetchable, so no directory fsync)."""
    path = _path(directory, paper_id)
    directory.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(path, text.encode("utf-8"), sync_dir=False)
