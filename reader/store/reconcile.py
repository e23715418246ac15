"""Folding what another process wrote into what this one holds, before either is written again.

Two writers of the cache (two imports, a sync and the app) each hold the papers in memory. The
writer lock lets one write at a time; before writing a shard, a writer re-reads
it if it changed since it last saw it and folds the other writer's work in with these rules, so
the last writer keeps what the first one saved.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

from reader.store.merge import merge_paper
from reader.store.record import TRENDING_KEEP, Record

Stamp = tuple[int, int, int]  # (mtime_ns, size, inode): a version of a file


def stamp(path: os.PathLike[str] | str) -> Stamp | None:
    """The version of the file at ``path`` as this process can tell it, None if absent."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return (st.st_mtime_ns, st.st_size, st.st_ino)


def stamp_of(st: os.stat_result) -> Stamp:
    """:func:`stamp` of an ``os.stat_result`` already taken."""
    return (st.st_mtime_ns, st.st_size, st.st_ino)


def version_text(found: Stamp | None) -> str:
    """A version as the derived stores keep it (``mtime_ns:size:inode``); '' for None."""
    return ":".join(map(str, found)) if found is not None else ""


def combine(ours: Record, theirs: Record) -> Record:
    """One record from two versions of the same paper changed by two writers.

    The paper fields of the version updated last win where they carry a value (as a later fetch
    does); listing days and trending sightings are the union of both; first_seen the earliest.
    """
    if ours == theirs:
        return theirs
    newer, older = (ours, theirs) if ours.updated_at >= theirs.updated_at else (theirs, ours)
    paper = merge_paper(older.paper, newer.paper)
    days = tuple(sorted(set(ours.listed_on) | set(theirs.listed_on)))
    trending = tuple(sorted(set(ours.trending) | set(theirs.trending),
                            key=lambda s: (s[1], s[0])))[-TRENDING_KEEP:]
    seen = [t for t in (ours.first_seen, theirs.first_seen) if t]
    return Record(paper=paper, listed_on=days, trending=trending,
                  first_seen=min(seen) if seen else "", updated_at=newer.updated_at)


def fold_rows(
    rows: Iterable[tuple[int, Record]],
    records: dict[str, Record],
    doc_ids: dict[str, int],
    changed: set[str],
) -> dict[str, int]:
    """Fold a shard as read from disk into ``records``; returns the shard's new doc ids.

    A paper this writer did not change takes the disk's version (it is the same or newer); one
    it changed is combined with it; one only on disk is added. Doc ids on disk are kept; papers
    not on disk yet get fresh ones after the highest.
    """
    out: dict[str, int] = {}
    for doc_id, theirs in rows:
        mine = records.get(theirs.id)
        if mine is None or theirs.id not in changed:
            records[theirs.id] = theirs
        else:
            records[theirs.id] = combine(mine, theirs)
        out[theirs.id] = doc_id
    top = max(out.values(), default=0)
    for pid in doc_ids:
        if pid not in out:
            top += 1
            out[pid] = top
    return out
