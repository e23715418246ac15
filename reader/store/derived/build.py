"""A derived store built anew in a temporary file, renamed over the store only once complete.

While it is built the file needs no durability: nobody reads it, and a crash (or a kill, or a
power cut) leaves a temporary file that no reader opens and the next build deletes, while the
store itself is absent, which makes the next use rebuild it from the shards. So it is written
without a journal and without syncs (at 100k papers the writes take half as long as through
the WAL: every page is written once, not twice). The rename happens after the file is marked
complete, journalled again and closed, so a store that is present is always a whole one.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path

from reader.store.derived import schema, store


def temp_path(path: Path) -> Path:
    """Where the store at ``path`` is built (one name: a build deletes what a crashed one left)."""
    return path.with_name(f".{path.name}.building")


class Build:
    """An empty store with the current schema in the temporary file of ``path``.

    Write batches with :meth:`write` (one transaction each), then :meth:`finish`, or
    :meth:`abandon` on any error. Raises store.NoFts5, sqlite3.Error or OSError (nothing is left).
    The connection may be used from another thread than the one that made it (one at a time).
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.tmp = temp_path(path)
        store.remove(self.tmp)
        self.conn: sqlite3.Connection | None = None
        self._inode: tuple[int, int] | None = None  # the file's, once made: see _ours()
        try:
            conn = self.conn = sqlite3.connect(self.tmp, check_same_thread=False)
            if not schema.has_fts5(conn):
                raise store.NoFts5()
            conn.execute("PRAGMA journal_mode = OFF")  # see the module's docstring
            conn.execute("PRAGMA synchronous = OFF")
            conn.execute("PRAGMA temp_store = MEMORY")
            conn.execute("PRAGMA cache_size = -16000")
            schema.create(conn)
            with conn:  # one FTS segment per batch (see BUILD_HASHSIZE)
                store.set_hashsize(conn, store.BUILD_HASHSIZE)
            self._inode = _inode(self.tmp)
        except BaseException:
            self.abandon()
            raise

    def write(self, rows: store.Prepared, stamps: dict[str, str] | None = None) -> None:
        """Write one batch of rows (and shard versions) in one transaction."""
        assert self.conn is not None, "the build was finished or abandoned"
        store.write_prepared(self.conn, rows, stamps)

    def finish(self) -> None:
        """Mark the store complete and put it in place of the store at ``path``."""
        assert self.conn is not None, "the build was finished or abandoned"
        conn = self.conn
        try:
            with conn:
                store.set_hashsize(conn, None)
                conn.execute("INSERT INTO meta VALUES ('complete', '1')")
            conn.execute("PRAGMA journal_mode = DELETE")  # readers set WAL again
            conn.close()
            self.conn = None
            if not self._ours():
                raise FileNotFoundError(f"{self.tmp.name} was replaced while it was built")
            store.remove(self.path)
            os.replace(self.tmp, self.path)
        except BaseException:
            self.abandon()
            raise

    def abandon(self) -> None:
        """Close and delete the temporary file (the store at ``path`` is left as it is); a file
        of that name that another writer's build made meanwhile is left alone."""
        if self.conn is not None:
            with contextlib.suppress(sqlite3.Error):
                self.conn.close()
            self.conn = None
        if self._inode is None or self._ours():
            store.remove(self.tmp)

    def _ours(self) -> bool:
        """Whether the temporary file is still the one this build made: while an import lets
        the cache's lock go for a moment, another writer may rebuild the store in its place."""
        return self._inode is not None and _inode(self.tmp) == self._inode


def _inode(path: Path) -> tuple[int, int] | None:
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return None
    return info.st_dev, info.st_ino
