"""Keeps the derived store in step with the shards: updated with each write of the cache, and
rebuilt from the shards when it is missing, damaged or of an older schema.

The cache (reader.store.cache) calls :meth:`Keeper.update` under its writer lock, in the same
step as the shard writes; :meth:`Keeper.ensure` too. A failure never touches the shards: it is
reported, the file is deleted, and the next use rebuilds it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path

from reader.store.derived import schema, store
from reader.store.record import Record


class Keeper:
    """The derived store of one cache directory."""

    def __init__(self, cache_dir: Path, papers_dir: Path, report: Callable[[str], None]) -> None:
        self.path = cache_dir / schema.FILE_NAME
        self.papers_dir = papers_dir
        self._report = report
        self.unavailable: str | None = None  # why there is no store (no FTS5), if so

    def _failed(self, what: str, err: Exception) -> None:
        self._report(f"Could not {what} the search store {self.path.name} ({err}); it will be "
                     "rebuilt from the cached papers (nothing is lost).")
        try:
            store.remove(self.path)
        except OSError as gone:  # left as it is: it no longer says it is complete
            self._report(f"Could not delete {self.path} ({gone.strerror}).")

    def ensure_quick(self) -> bool:
        """True if the store is usable as it is (no lock needed to tell)."""
        return self.unavailable is None and store.usable(self.path)

    def ensure(self, progress: store.Progress | None = None) -> bool:
        """Rebuild the store from the shards if it is not usable; True if it is usable now.
        Call with the cache's writer lock held (the shards must not change meanwhile)."""
        if self.unavailable is not None:
            return False
        if store.usable(self.path):
            return True
        batches, total = store.shard_batches(self.papers_dir)
        try:
            store.rebuild(self.path, batches, total, progress)
        except store.NoFts5 as exc:
            self.unavailable = str(exc)
            self._report(f"Note: {exc}.")
            return False
        except (sqlite3.Error, OSError) as err:
            self._failed("build", err)
            return False
        return True

    def update(self, records: Sequence[Record]) -> None:
        """Write the records just saved to the shards (writer lock held). A missing store is
        rebuilt from the shards instead (which already hold these records)."""
        if not store.usable(self.path):
            self.ensure()
            return
        try:
            conn = store.connect(self.path)
            try:
                store.write(conn, records)
            finally:
                conn.close()
        except (sqlite3.Error, OSError) as err:
            self._failed("update", err)

    def reader(self) -> sqlite3.Connection:
        """A connection for queries (raises sqlite3.Error if the file cannot be opened)."""
        return store.connect(self.path, readonly=True)
