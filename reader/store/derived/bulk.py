"""A thread that writes a bulk import's batches into the derived store, overlapping the next one.

A bulk import spends about as long inside SQLite (FTS5 indexing) as in Python (parsing,
merging, encoding shards, preparing rows): handing each batch's write to this thread lets the
two overlap on two cores, as each table's rows go in as one statement that runs without the
interpreter lock (reader.store.derived.store.insert_rows). A rebuild from the shards uses it
the same way. Batches are written in the order given, one transaction each, exactly as
:func:`reader.store.derived.store.write` would; the caller gets on once its batch is taken, so
one batch is written while the next is prepared, and no more are held. When the import found
no store, they are written into a new one built beside it (reader.store.derived.build), put in
place on close."""

from __future__ import annotations

import queue
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path

from reader.store.derived import store
from reader.store.derived.build import Build

Job = tuple[store.Prepared, dict[str, str]]
# One FTS5 segment per transaction, as a rebuild does (store.BUILD_HASHSIZE): at 100k papers,
# automerge of the small default segments took 37 s of 48 s in SQLite; ~13 s saved. The setting
# lives in the table's config, so it is removed again on close: other writers (a sync, the
# app's refresh) keep the default and its small memory use.
BULK_HASHSIZE = store.BUILD_HASHSIZE


class BulkWriter:
    """Writes into the store at ``path`` from its own thread until :meth:`close`; or, given a
    ``build``, into that new store, which :meth:`close` puts in place (unless a batch was lost).

    A SQLite or OS error is handed to ``failed(err)`` (from the writer thread, once the
    connection is closed) and every later batch is dropped: :attr:`failed` tells the caller to
    go back to writing itself (it rebuilds the store from the shards, as after any failed
    update). Any other exception is a bug: it is raised again in the caller's thread by the next
    :meth:`put` or by :meth:`close`.
    """

    def __init__(self, path: Path, failed: Callable[[Exception], None],
                 build: Build | None = None) -> None:
        self.path = path
        self._build = build  # owned by the writer thread from now on
        self._keep = True  # put the build in place at close (set by close())
        self._on_failure = failed
        self._jobs: queue.Queue[Job | None] = queue.Queue(maxsize=1)
        self._taken = threading.Semaphore(0)  # released as the thread takes each job
        self._failed = threading.Event()  # set only once on_failure has run
        self._dropped = False  # a batch was not written because of the failure
        self._crash: BaseException | None = None
        self._conn: sqlite3.Connection | None = None  # the writer thread's own
        self._thread = threading.Thread(target=self._run, name="derived-bulk-writer", daemon=True)
        self._thread.start()

    @property
    def failed(self) -> bool:
        """True once a write failed (reported, the store deleted): write no more through here."""
        return self._failed.is_set()

    @property
    def dropped(self) -> bool:
        """True if a batch was dropped after a failure (the store misses it: rebuild it)."""
        return self._dropped

    def put(self, rows: store.Prepared, stamps: dict[str, str]) -> None:
        """Hand a batch over: returns once the thread has taken it (at most one batch is
        written while the caller prepares the next: no more of them in memory)."""
        self._raise_crash()
        self._jobs.put((rows, stamps))
        self._taken.acquire()

    @property
    def building(self) -> bool:
        """True while writing a new store (not yet in place, and no write failed)."""
        return self._build is not None

    def close(self, *, finish: bool = True) -> None:
        """Wait until every queued batch is written (or dropped), then stop the thread; a new
        store is put in place, or with ``finish=False`` deleted."""
        self._keep = finish
        self._jobs.put(None)
        self._thread.join()
        self._raise_crash()

    def _raise_crash(self) -> None:
        if self._crash is not None:
            crash, self._crash = self._crash, None
            raise crash

    def _run(self) -> None:
        # Never leaves the loop before the end mark: a caller blocked in put() must get through.
        try:
            while (job := self._jobs.get()) is not None:
                self._taken.release()
                if self._failed.is_set() or self._crash is not None:
                    self._dropped = True
                    continue
                try:
                    self._write(job)
                except BaseException as exc:  # a bug: raised again in the caller's thread
                    self._crash = exc
        finally:
            try:
                self._end()
            except BaseException as exc:  # a bug: raised again by close()
                self._crash = self._crash or exc

    def _end(self) -> None:
        """Put the FTS setting back (see BULK_HASHSIZE) and close the connection; or put the
        new store in place, if every batch reached it."""
        if self._build is not None:
            build, self._build = self._build, None
            if self._failed.is_set() or self._crash is not None or not self._keep:
                build.abandon()  # lacking a batch, or not wanted: the store is built anew
                return
            try:
                build.finish()
            except (sqlite3.Error, OSError) as err:  # the build is abandoned
                self._on_failure(err)
                self._failed.set()
            return
        if self._conn is None:
            return
        try:
            with self._conn:
                store.set_hashsize(self._conn, None)
        except (sqlite3.Error, OSError) as err:
            self._conn.close()
            self._conn = None
            self._on_failure(err)
            self._failed.set()
            return
        self._conn.close()
        self._conn = None

    def _write(self, job: Job) -> None:
        if self._build is not None:
            try:
                self._build.write(*job)
            except (sqlite3.Error, OSError) as err:
                self._build.abandon()
                self._build = None
                self._on_failure(err)
                self._failed.set()
            return
        try:
            if self._conn is None:
                self._conn = store.connect(self.path)
                with self._conn:
                    store.set_hashsize(self._conn, BULK_HASHSIZE)
            store.write_prepared(self._conn, *job)
        except (sqlite3.Error, OSError) as err:
            if self._conn is not None:
                self._conn.close()
                self._conn = None
            self._on_failure(err)
            self._failed.set()
