"""Which version of a file a derived store holds, and how a copied home keeps its stores.

The derived stores are made from files: the search store from the shards (its ``shards``
table), the full-text store from ``fulltext/`` (its ``papers`` table). A file's version is its
identity, ``mtime_ns:size:inode`` (``store.stamp_text``): cheap to read at every start. The
stores keep it with a digest of the file's bytes, ``identity#digest``.

A copy of the home (``cp -r``, a backup restored, a new machine) gives every file a new inode
and most a new mtime: by identity every file looks changed, and indexing the 60 shards of a
100k home again took 37 s (minutes in the app, beside the UI, after parsing every month's JSON
at start). :func:`unchanged` hashes the files whose identity changed (sha256: 0.16 s for the
230 MB of a 100k home) and gives the new version of each whose bytes are the ones indexed; the
store takes it instead of indexing the file again.

A stored version says "the file with this identity holds bytes with this digest": both are read
from one open file, and every writer replaces these files by a rename (reader.store.atomic),
never in place, so it is true whoever writes meanwhile. A version is sealed after the file was
read for indexing (if the file was replaced in between, its identity no longer matches and the
version stays without a digest), and a store replaces a version only if it is still the one it
compared with. A version without a digest (written by a paper-reader
before 2026-12-01) gets one the first time its file is checked as it is; a copy made before that
cannot be told from a change, and its files are indexed again.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from reader.store.reconcile import stamp_of, version_text

SEP = "#"  # between the identity and the digest
DIGEST_CHARS = 32  # of sha256's hex: 128 bits, plenty to tell two versions of a file apart


def identity(stored: str) -> str:
    """The identity part of a stored version (what ``store.stamp_text`` gives for the file)."""
    return stored.partition(SEP)[0]


def _digest_of(path: Path) -> tuple[str, str] | None:
    """(identity, digest) of the file at ``path``, both of the one file opened; None if it is
    absent or cannot be read (the version is then kept without a digest: the file is indexed
    again after a copy, as before digests, and whoever reads it reports why it cannot)."""
    try:
        with open(path, "rb") as f:
            found = version_text(stamp_of(os.fstat(f.fileno())))
            return found, hashlib.file_digest(f, "sha256").hexdigest()[:DIGEST_CHARS]
    except OSError:
        return None


def seal(path: Path, version: str) -> str:
    """``version`` (the identity of the file at ``path``, as just written or read) with the
    digest of the file's bytes added if the file still has that identity (else the identity
    alone: the file then looks changed at the next check, as it is)."""
    found = _digest_of(path)
    return f"{version}{SEP}{found[1]}" if found is not None and found[0] == version else version


def settled(stored: Mapping[str, str], on_disk: Mapping[str, str]) -> bool:
    """Whether every file on disk that the store holds is held as it is now, with its digest
    (``stored``: key -> version held; ``on_disk``: key -> identity now): then there is nothing
    to check with :func:`unchanged`, and nothing to index again."""
    for key, now in on_disk.items():
        held = stored.get(key)
        if held is not None and not held.startswith(f"{now}{SEP}"):
            return False
    return True


@dataclass(frozen=True, slots=True)
class Kept:
    """A file whose bytes are the ones the store indexed: its version ``now`` replaces ``held``
    (``moved``: its identity changed; else it only gains its digest)."""

    key: str
    now: str
    held: str
    moved: bool


def unchanged(stored: Mapping[str, str], on_disk: Mapping[str, str],
              path_of: Callable[[str], Path]) -> list[Kept]:
    """The files (key -> identity now in ``on_disk``) whose version held in ``stored`` needs
    no indexing, only a new version: copied or restored as they were (same digest, another
    identity), or held without a digest and unchanged since."""
    out = []
    for key, now in on_disk.items():
        held = stored.get(key)
        if held is None:
            continue
        digest = held.partition(SEP)[2]
        if identity(held) == now:
            if not digest:  # the very file the store was made from: seal it as it is
                sealed = seal(path_of(key), now)
                if sealed != now:
                    out.append(Kept(key, sealed, held, moved=False))
            continue
        if not digest:
            continue
        found = _digest_of(path_of(key))
        if found is not None and found[1] == digest:
            out.append(Kept(key, f"{found[0]}{SEP}{digest}", held, moved=True))
    return out
