"""Cached full texts: one gzip-compressed Markdown file per paper, ``<fulltext_dir>/<id>.md.gz``.

Full texts are re-fetchable (``paper-reader sync --fulltext``), so they live in the cache dir and
are written without a directory fsync. Plain ``<id>.md`` files written by earlier versions are
still read; the next ``put`` replaces them with the compressed form. A damaged file is moved
aside (``NAME.corrupt-TIMESTAMP``) and reads as missing, so it is fetched again.
"""

from __future__ import annotations

import gzip
import logging
import re
import zlib
from pathlib import Path

from reader.store.atomic import atomic_write_bytes, quarantine

__all__ = ["get", "has", "ids", "path_of", "put"]

log = logging.getLogger("reader.store")

_ID = re.compile(r"^\d{4}\.\d{4,5}$")
GZ = ".md.gz"
PLAIN = ".md"  # the format of earlier versions: read, never written
LEVEL = 6  # ~4x smaller than the text; compressing a 60-page paper takes ~10 ms


def _check(paper_id: str) -> str:
    # The id becomes a file name: only plain arXiv ids, never a path.
    if not _ID.match(paper_id):
        raise ValueError(f"not an arXiv id: {paper_id!r}")
    return paper_id


def path_of(directory: Path, paper_id: str) -> Path:
    """Where ``put`` writes a paper's full text."""
    return directory / f"{_check(paper_id)}{GZ}"


def ids(directory: Path) -> set[str]:
    """Ids of the papers whose full text is cached (either format)."""
    found: set[str] = set()
    try:
        for p in directory.iterdir():
            name = p.name
            stem = name[: -len(GZ)] if name.endswith(GZ) else (
                name[: -len(PLAIN)] if name.endswith(PLAIN) else "")
            if _ID.match(stem):
                found.add(stem)
    except OSError:
        return set()
    return found


def has(directory: Path, paper_id: str) -> bool:
    """Whether a full text is cached (one or two stats; no read)."""
    return path_of(directory, paper_id).exists() or (directory / f"{paper_id}{PLAIN}").exists()


def get(directory: Path, paper_id: str) -> str | None:
    """A cached full text, or None when there is none (or it was damaged and moved aside)."""
    packed = path_of(directory, paper_id)
    try:
        data = packed.read_bytes()
    except FileNotFoundError:
        try:
            return (directory / f"{paper_id}{PLAIN}").read_text(encoding="utf-8",
                                                                  errors="replace")
        except FileNotFoundError:
            return None
    try:
        return gzip.decompress(data).decode("utf-8", errors="replace")
    except (OSError, EOFError, zlib.error) as err:
        moved = quarantine(packed)
        log.warning("damaged full text %s (%s) moved aside as %s", packed.name, err, moved.name)
        return None


def put(directory: Path, paper_id: str, text: str) -> None:
    """Cache a full text, compressed (atomic; re-fetchable, so no directory fsync)."""
    path = path_of(directory, paper_id)
    directory.mkdir(parents=True, exist_ok=True)
    # mtime=0: the same text always gives the same bytes.
    data = gzip.compress(text.encode("utf-8"), compresslevel=LEVEL, mtime=0)
    atomic_write_bytes(path, data, sync_dir=False)
    (directory / f"{paper_id}{PLAIN}").unlink(missing_ok=True)
