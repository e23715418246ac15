"""Keeps the derived store in step with the shards: updated with each write of the cache, and
rebuilt from the shards when it is missing, damaged or of an older schema.

The cache (reader.store.cache) calls :meth:`Keeper.update` under its writer lock, in the same
step as the shard writes; :meth:`Keeper.ensure` too. A failure never touches the shards: it is
reported, the file is deleted, and the next use rebuilds it.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path

from reader.store.derived import file_versions, schema, store
from reader.store.derived.build import Build
from reader.store.derived.build import temp_path as build_path
from reader.store.derived.bulk import BulkWriter
from reader.store.record import Record
from reader.tuning import freeze_long_lived, gc_paused, release_free_memory

log = logging.getLogger(__name__)

# What tells whether another writer came in during a turn of the lock (Keeper.pause_bulk).
Gap = tuple[dict[str, str], tuple[int, ...] | None, tuple[int, ...] | None]


def _identity(path: Path, *, full: bool = False) -> tuple[int, ...] | None:
    """The file's device and inode (and with ``full`` its size and mtime); None if absent."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return None
    if full:
        return info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns
    return info.st_dev, info.st_ino


class Keeper:
    """The derived store of one cache directory."""

    def __init__(self, cache_dir: Path, papers_dir: Path, report: Callable[[str], None],
                 read: store.ReadShard = store.read_records) -> None:
        self.path = cache_dir / schema.FILE_NAME
        self.papers_dir = papers_dir
        self._report = report
        self._read = read  # the cache's: reports a damaged shard and moves it aside
        self.unavailable: str | None = None  # why there is no store (no FTS5), if so
        # Build a missing store while writing (import, sync) rather than at the next query.
        # Off by default: the app writes holding the cache's lock, which the UI also takes,
        # and a build takes a minute at 100k papers; then the next query builds it.
        self.build_on_write = False
        self._bulk = False  # between start_bulk() and end_bulk()
        # Rebuild in a process of its own (the app's choice: reader.app); the caller of ensure
        # still holds the writer lock throughout.
        self.apart = False
        self._writer: BulkWriter | None = None  # its thread, once the first batch came

    def _failed(self, what: str, err: Exception) -> None:
        self._report(f"Could not {what} the search store {self.path.name} ({err}); it will be "
                     "rebuilt from the cached papers (nothing is lost).")
        try:
            store.remove(self.path)
        except OSError as gone:  # left as it is: it no longer says it is complete
            self._report(f"Could not delete {self.path} ({gone.strerror}).")

    def damaged(self, err: sqlite3.Error) -> None:
        """A query found the store damaged inside (its header was fine): report it and delete it,
        so the next use rebuilds it from the shards."""
        self._failed("read", err)

    def _on_disk(self) -> dict[str, str]:
        from reader.store.shards import shard_paths

        out = {}
        for name, path in shard_paths(self.papers_dir):
            version = store.stamp_text(path)
            if version is not None:
                out[name] = version
        return out

    def _stale(self, conn: sqlite3.Connection) -> dict[str, str | None]:
        """Shards whose file is not the version the store holds: name -> version now."""
        held = store.shard_stamps(conn)
        now = self._on_disk()
        stale: dict[str, str | None] = {n: v for n, v in now.items() if held.get(n) != v}
        stale.update((n, None) for n in held if n not in now)
        return stale

    def holds(self, name: str, version: str) -> bool:
        """Whether the store holds shard ``name`` as the file with identity ``version`` is
        (False if there is no usable store: then it is rebuilt from the shards anyway)."""
        if not store.usable(self.path):
            return False
        try:
            conn = store.connect(self.path, readonly=True)
            try:
                return store.shard_stamps(conn).get(name) == version
            finally:
                conn.close()
        except sqlite3.Error:  # the store is damaged: its next use rebuilds it
            return False

    def unsettled(self, on_disk: dict[str, str]) -> bool:
        """Whether some shard the store holds is not held as its file is now, with its digest
        (``on_disk``: name -> identity now): then :meth:`adopt_copies` may save re-indexing
        it. One read of a small table; no lock needed."""
        if self.unavailable is not None or not store.usable(self.path):
            return False
        try:
            conn = store.connect(self.path, readonly=True)
            try:
                held = dict(conn.execute("SELECT name, stamp FROM shards"))
            finally:
                conn.close()
        except sqlite3.Error as err:  # the start reads the shards' JSON, and says why if need be
            log.info("could not read the shard versions of %s (%s)", self.path.name, err)
            return False
        return not file_versions.settled(held, on_disk)

    def adopt_copies(self, on_disk: dict[str, str]) -> None:
        """Before the store is read at start (writer lock held): keep the index of the shards
        copied or restored unchanged (``on_disk``: name -> identity now; see
        :mod:`.file_versions`), so that they are read from the store, not parsed from their
        JSON and indexed again; and give the versions held without a digest one."""
        try:
            conn = store.connect(self.path)
            try:
                kept = store.keep_unchanged_shards(conn, self.papers_dir, on_disk)
            finally:
                conn.close()
        except sqlite3.Error as err:  # then they are read from their JSON, and indexed again
            log.info("could not update the shard versions of %s (%s)", self.path.name, err)
            return
        if kept:
            log.info("%d shard file(s) copied or restored unchanged: their index is kept",
                     len(kept))

    def ensure_quick(self) -> bool:
        """True if the store is usable and up to date as it is (no lock needed to tell)."""
        if self.unavailable is not None or not store.usable(self.path):
            return False
        try:
            conn = self.reader()
            try:
                return not self._stale(conn)
            finally:
                conn.close()
        except sqlite3.Error:
            return False

    def ensure(self, progress: store.Progress | None = None) -> bool:
        """Rebuild the store from the shards if it is not usable; True if it is usable now.
        Call with the cache's writer lock held (the shards must not change meanwhile)."""
        if self.unavailable is not None:
            return False
        if store.usable(self.path):
            return self._refresh(progress)
        if self.apart:
            return self._rebuild_apart(progress)
        return self._rebuild(progress)

    def _rebuild(self, progress: store.Progress | None) -> bool:
        """Build the store from the shards, in this process."""
        stamps: dict[str, str] = {}
        doc_ids: dict[str, int] = {}
        batches, total = store.shard_batches(self.papers_dir, stamps, self._read, doc_ids)
        try:
            # The batches make no cycles, and a full collection in this thread holds the
            # interpreter lock (and the UI) for 40-100 ms: measured as the longest UI stalls.
            # What is still alive at the end is frozen before the collector comes back: at
            # 100k papers its first collection walked ~950,000 objects, 0.7 s (reader.tuning).
            with gc_paused():
                store.rebuild(self.path, batches, total, progress, stamps, doc_ids)
                freeze_long_lived()
            release_free_memory()  # what SQLite's indexing freed (reader.tuning)
        except store.NoFts5 as exc:
            self._no_fts5(exc)
            return False
        except (sqlite3.Error, OSError) as err:
            self._failed("build", err)
            return False
        return True

    def _rebuild_apart(self, progress: store.Progress | None) -> bool:
        """Build the store from the shards in a process of its own (reader.store.derived.apart);
        in this one if that process cannot be started."""
        from reader.store.derived import apart

        try:
            outcome = apart.rebuild(self.papers_dir, progress)
        except OSError as err:
            self._report(f"Could not start a process to rebuild the search store ({err}); "
                         "it is rebuilt here instead.")
            return self._rebuild(progress)
        for problem in outcome.problems:
            self._report(problem)
        if outcome.result == apart.NO_FTS5:
            self.unavailable = outcome.why  # reported by the process (see _no_fts5)
            return False
        if outcome.result is None:  # it stopped without saying how it ended
            self._report(f"The rebuild of the search store stopped ({outcome.why}); filters "
                         "scan every paper instead, and the next start tries again.")
            return False
        return outcome.result == apart.BUILT and store.usable(self.path)

    def _no_fts5(self, exc: store.NoFts5) -> None:
        self.unavailable = str(exc)
        self._report(f"Note: {exc}.")

    def _refresh(self, progress: store.Progress | None) -> bool:
        """Index again the shards that changed behind the store's back (writer lock held)."""
        try:
            conn = store.connect(self.path)
            try:
                stale = self._stale(conn)
                if stale:  # a copied home: its files changed identity but not bytes
                    now = {name: v for name, v in stale.items() if v is not None}
                    for name in store.keep_unchanged_shards(conn, self.papers_dir, now):
                        del stale[name]
                for done, (name, version) in enumerate(sorted(stale.items()), 1):
                    path = self.papers_dir / f"{name}.json"
                    records = self._read(name, path) if version is not None else []
                    if version is not None:
                        version = file_versions.seal(path, version)
                    store.replace_shard(conn, name, records, version)
                    if progress is not None:
                        progress(done, len(stale))
            finally:
                conn.close()
        except (sqlite3.Error, OSError) as err:
            self._failed("update", err)
            return False
        return True

    def start_bulk(self) -> None:
        """For a bulk import, with the cache's writer lock held until :meth:`end_bulk`: from
        now on :meth:`update` prepares the rows and a thread (reader.store.derived.bulk) writes
        them while the caller goes on with its next batch."""
        self._bulk = True

    def end_bulk(self) -> None:
        """Wait until every batch is written and stop the thread (the lock still held); a
        store the import built is put in place now (so a writer let in by a turn of the lock
        finds it, see reader.store.cache.PaperCache.bulk_turn)."""
        self._bulk = False
        writer, self._writer = self._writer, None
        if writer is None:
            return
        writer.close()
        if writer.dropped and self.build_on_write and not store.usable(self.path):
            self.ensure()  # what the update of the batch dropped after a failure would do

    def pause_bulk(self) -> Gap | None:
        """Before the cache lets its lock go for a moment in a bulk import (PaperCache.bulk_turn):
        as :meth:`end_bulk`, except that a store the import is building stays open and
        unfinished (no one else sees it). Returns what :meth:`resume_bulk` compares to tell
        whether another writer came in meanwhile (None: nothing to resume)."""
        writer = self._writer
        if writer is None or not writer.building:
            self.end_bulk()
            return None
        return self._outside()

    def resume_bulk(self, gap: Gap | None, *, locked: bool) -> None:
        """After :meth:`pause_bulk`, ``locked`` if the lock is held again. If no other writer
        came, the build goes on; else it is put in place (or dropped, if another writer built
        the store meanwhile) and what the other writer saved is indexed (see ensure)."""
        if gap is None:
            return
        writer = self._writer
        if writer is None:  # pragma: no cover - pause_bulk kept it
            return
        if locked and self._outside() == gap:
            return  # the shards are as the build knows them: it goes on
        self._writer = None
        ours = gap[2] is not None and _identity(build_path(self.path)) == gap[2]
        writer.close(finish=locked and ours)  # theirs replaced ours: it has all we wrote
        if not locked:
            self._bulk = False  # batch by batch from now on: each flush updates the store
            return
        self.ensure()  # index the shards they wrote (and build the store if there is none)

    def _outside(self) -> Gap:
        """What another writer changes: the version of each shard, the store's file, and the
        file of the store being built (which the writer thread changes, but not its inode)."""
        tmp = _identity(build_path(self.path))
        return self._on_disk(), _identity(self.path, full=True), tmp

    def update(self, records: Sequence[Record], stamps: dict[str, str],
               doc_ids: store.DocIds | None = None, encoded: store.Encoded | None = None,
               *, whole: bool = False) -> None:
        """Write the records just saved to the shards (``doc_ids``: where they lie in their
        shard; ``encoded``: their JSON as just written, see ``store.prepare``), and the shards'
        new versions (writer lock held). A missing store is rebuilt from the shards instead
        (they hold these); ``whole``: these records are all that the shards hold, so a missing
        store is built from them without reading the shards."""
        stamps = {name: file_versions.seal(self.papers_dir / f"{name}.json", version)
                  for name, version in stamps.items()}
        writer = self._writer
        if writer is not None and not writer.failed:
            writer.put(store.prepare(records, doc_ids, encoded), stamps)
            return
        usable = store.usable(self.path)
        if self._bulk and writer is None and not usable and self.build_on_write \
                and self.unavailable is None:
            self._build_in_bulk(records, stamps, doc_ids, encoded, whole)
            return
        if not usable:
            if self.build_on_write:
                self.ensure()
            return  # else left as it is: its shard versions tell what is missing
        if self._bulk and writer is None:  # from the first batch the store existed for
            self._writer = BulkWriter(self.path, lambda err: self._failed("update", err))
            self._writer.put(store.prepare(records, doc_ids, encoded), stamps)
            return
        try:
            conn = store.connect(self.path)
            try:
                store.write(conn, records, stamps, doc_ids, encoded)
            finally:
                conn.close()
        except (sqlite3.Error, OSError) as err:
            self._failed("update", err)

    def _build_in_bulk(self, records: Sequence[Record], stamps: dict[str, str],
                       doc_ids: store.DocIds | None, encoded: store.Encoded | None,
                       whole: bool) -> None:
        """The first write of a bulk import that found no usable store: a new one is built
        (reader.store.derived.build) by the writer thread, from these records if they are
        ``whole``, else from the shards, and every later batch of the import goes into it;
        it is put in place by :meth:`end_bulk`."""
        try:
            build = Build(self.path)
        except store.NoFts5 as exc:
            self._no_fts5(exc)
            return
        except (sqlite3.Error, OSError) as err:
            self._failed("build", err)
            return
        writer = self._writer = BulkWriter(self.path, lambda err: self._failed("build", err),
                                           build)
        if whole:
            writer.put(store.prepare(records, doc_ids, encoded), stamps)
            return
        on_disk: dict[str, str] = {}
        where: dict[str, int] = {}
        batches, _total = store.shard_batches(self.papers_dir, on_disk, self._read, where)
        with gc_paused():  # as in ensure()
            for batch in batches:
                writer.put(store.prepare(batch, where), {})
            freeze_long_lived()
        writer.put(store.Prepared(), on_disk)  # filled while the batches were read

    def reader(self) -> sqlite3.Connection:
        """A connection for queries (raises sqlite3.Error if the file cannot be opened)."""
        return store.connect(self.path, readonly=True)
