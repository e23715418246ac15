"""Which version of each shard file the derived store holds, and how a copied home keeps its store.

A shard's version is the identity of its file: ``mtime_ns:size:inode`` (``store.stamp_text``),
cheap to read for 60 files at every start. The ``shards`` table keeps it with a digest of the
file's bytes, ``identity#digest``. A copy of the home (``cp -r``, a backup restored, a new
machine) gives every file a new inode and most a new mtime: by identity every shard looks
changed, and re-indexing them took 37 s at 100k papers (minutes in the app, beside the UI).
Before that, :func:`adopt` hashes the files whose identity changed (sha256: 0.16 s for the
230 MB of a 100k home) and takes the new identity of each whose bytes are the ones indexed.

A stored version says "the file with this identity holds bytes with this digest": both are read
from one open file, so it is true whoever writes meanwhile, and :func:`adopt` only replaces a
version that is still the one it compared with. A version without a digest (written by an
earlier paper-reader) is given one at the first start whose file is still that version; a copy
made before that cannot be told from a change, and its shards are indexed again.
"""

from __future__ import annotations

import hashlib
import logging
import os
import sqlite3
from collections.abc import Mapping
from pathlib import Path

from reader.store.reconcile import stamp_of

log = logging.getLogger(__name__)

SEP = "#"  # between the identity and the digest in the shards table
DIGEST_CHARS = 32  # of sha256's hex: 128 bits, plenty to tell two versions of a file apart


def identity(stored: str) -> str:
    """The identity part of a stored version (what ``store.stamp_text`` gives for the file)."""
    return stored.partition(SEP)[0]


def _digest_of(path: Path) -> tuple[str, str] | None:
    """(identity, digest) of the file at ``path``, both of the one file opened; None if absent."""
    try:
        with open(path, "rb") as f:
            found = ":".join(map(str, stamp_of(os.fstat(f.fileno()))))
            return found, hashlib.file_digest(f, "sha256").hexdigest()[:DIGEST_CHARS]
    except FileNotFoundError:
        return None


def seal(path: Path, version: str) -> str:
    """``version`` (the identity of the file at ``path``, as just written or read) with the
    digest of the file's bytes added if the file still has that identity (else the identity
    alone: the shard then looks changed at the next check, as it is)."""
    found = _digest_of(path)
    return f"{version}{SEP}{found[1]}" if found is not None and found[0] == version else version


def sealed(papers_dir: Path, versions: Mapping[str, str]) -> dict[str, str]:
    """:func:`seal` of each shard's version (shard name -> identity)."""
    return {name: seal(papers_dir / f"{name}.json", v) for name, v in versions.items()}


def settled(stored: Mapping[str, str], on_disk: Mapping[str, str]) -> bool:
    """Whether :func:`adopt` has nothing to do: every shard on disk is held as it is now, with
    its digest (``stored``: the shards table as it is)."""
    for name, now in on_disk.items():
        held = stored.get(name)
        if held is not None and not held.startswith(f"{now}{SEP}"):
            return False
    return True


def adopt(conn: sqlite3.Connection, papers_dir: Path, on_disk: Mapping[str, str]) -> set[str]:
    """Take the new identity of every shard whose file changed identity but not bytes
    (``on_disk``: name -> identity now); the names adopted. A version held without a digest
    (an earlier paper-reader's) whose file is unchanged gets its digest, so that a later copy
    of the home is known too. ``conn`` must be writable."""
    stored = dict(conn.execute("SELECT name, stamp FROM shards"))
    # (version now, name, version held, whether its identity changed) of the files whose bytes
    # are the ones indexed
    same: list[tuple[str, str, str, bool]] = []
    for name, now in on_disk.items():
        held = stored.get(name)
        if held is None:
            continue
        digest = held.partition(SEP)[2]
        if identity(held) == now:
            if not digest:  # the file the store was made from: seal it as it is
                sealed_now = seal(papers_dir / f"{name}.json", now)
                if sealed_now != now:
                    same.append((sealed_now, name, held, False))
            continue
        if not digest:
            continue
        found = _digest_of(papers_dir / f"{name}.json")
        if found is not None and found[1] == digest:
            same.append((f"{found[0]}{SEP}{digest}", name, held, True))
    adopted: set[str] = set()
    with conn:
        for version, name, held, moved in same:
            done = conn.execute("UPDATE shards SET stamp = ? WHERE name = ? AND stamp = ?",
                                (version, name, held))
            if done.rowcount == 1 and moved:  # else another writer stamped it meanwhile
                adopted.add(name)
    if adopted:
        log.info("%d shard file(s) were copied or restored unchanged: their index is kept",
                 len(adopted))
    return adopted
