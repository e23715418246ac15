"""The paper cache: month shards in TinyDB format, held in memory, written in batches.

On disk (all under ``papers_dir``; everything here is re-fetchable):

- ``2602.json``...: one TinyDB file per arXiv-id month (``misc.json`` for ids of another shape),
  table ``papers``, doc ids stable per shard, plus the ``_meta`` format doc.
- ``index.json``: the days fetched in full (which papers were listed on which day, and the
  last trending list, come from the records themselves).
- ``../papers.sqlite``: the derived store (reader.store.derived): the search index, and every
  record as the app loads it at start (reader.store.derived.held), the start-up slice (newest
  listing days + trending) included, kept in step with each write.
- ``linked.json``: models/datasets/Spaces citing a paper.
- ``../fulltext/<id>.md.gz``: full texts, indexed for ``text:`` in ``../texts.sqlite``.

A damaged file is moved aside and reported in :attr:`PaperCache.problems`; a file from a newer
paper-reader is reported and left untouched (never rewritten by this version). Two processes
may share a cache: one writes at a time (``cache.lock`` in the cache dir), and before it writes
a shard or the day index it folds in what another process saved there since it last looked
(see :mod:`reader.store.reconcile`). A day is marked complete only once its papers are on disk.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from filelock import FileLock, Timeout

from reader.hub.models import LinkedRepos, Paper
from reader.store import fulltext
from reader.store.atomic import CorruptFile, fsync_dir, quarantine, remove_stale_temps
from reader.store.derived import held
from reader.store.derived.keeper import Keeper
from reader.store.derived.store import NoFts5, Progress
from reader.store.index import RECENT_DAYS, Complete, DayIndex, complete_body, complete_from_body
from reader.store.linked import linked_from_body, linked_to_dict
from reader.store.merge import MergeResult, merge_record, now_iso
from reader.store.reconcile import Stamp, fold_rows, stamp, version_text
from reader.store.record import Record
from reader.store.storage import NewerFormat, read_json, write_json
from reader.tuning import gc_paused

if TYPE_CHECKING:
    from reader.store.derived.texts import Progress as TextProgress
    from reader.store.derived.texts import TextStore
    from reader.store.shards import Encoded

# The shards' reading and writing (reader.store.shards, and the record checks and API parsing
# behind it) are imported where used, in the workers that load and write: the app's first
# frame, read from the derived store, needs none of it.

__all__ = ["MergeResult", "PaperCache"]

log = logging.getLogger("reader.store")

INDEX_KIND, LINKED_KIND = "paper-index", "linked-repos"
# Files of earlier versions in papers_dir that the derived store replaced: deleted at load.
LEFTOVERS = ("*.quick", "recent.json")
RECENT_SHARDS = 2  # month shards a start-up slice is read from when the store cannot be used
ENCODED_SHARDS = 2  # shards whose encoded records are kept (a sync touches the newest months)
WRITE_LOCK_TIMEOUT = 120.0  # seconds to wait for another writer (an import holds it <= ~25 s)
LOCK_NAME = "cache.lock"
BULK_LOCK_WAIT = 5.0  # seconds bulk() waits for the lock before saving batch by batch
BULK_LOCK_HOLD = 20.0  # seconds bulk() holds the lock before it lets another writer in
BULK_LOCK_GAP = 0.2  # seconds it is then left free (a waiting FileLock polls every 0.05 s)
T = TypeVar("T")


@dataclass(slots=True)
class _Shard:
    doc_ids: dict[str, int] = field(default_factory=dict)  # paper id -> TinyDB doc id
    next_id: int = 1
    writable: bool = True
    encoded: Encoded | None = None  # see shards.shard_bytes; only for recently written shards
    seen: Stamp | None = None  # the file's version as last read or written by this process
    # Another writer's version of the file was folded in, and the derived store does not hold
    # it (that writer stopped between its two writes, or was an older paper-reader): the
    # store does not have its papers, so this write leaves the shard's version in the store
    # stale, and the next search indexes the month again from its file.
    store_behind: bool = False


def _held_by(records: Iterable[Record]) -> held.StoredPapers | None:
    """Where the records loaded from the store unpack their papers (one place per load)."""
    for record in records:
        found = record.held_by()
        if found is not None and isinstance(found[0], held.StoredPapers):
            return found[0]
    return None


class PaperCache:
    """Every cached paper, in memory after the first :meth:`load_all` (or any call that needs
    it). Thread-safe: the UI may call :meth:`load_recent` and :meth:`days` while a worker thread
    loads or merges."""

    def __init__(self, papers_dir: Path) -> None:
        self.papers_dir = Path(papers_dir)
        self.fulltext_dir = self.papers_dir.parent / "fulltext"
        self.problems: list[str] = []
        self._lock = threading.RLock()  # guards the state below; held only briefly
        self._problems_lock = threading.Lock()
        self._load_lock = threading.Lock()  # one shard load at a time; taken before _lock
        self._records: dict[str, Record] | None = None
        self._shards: dict[str, _Shard] = {}
        self._index: DayIndex | None = None  # derived from the records once they are loaded
        self._complete: Complete | None = None  # index.json, read on first use
        self._linked: dict[str, LinkedRepos] | None = None
        self._linked_fetched: dict[str, str] = {}
        self._linked_lock = threading.Lock()  # the two dicts above; held only briefly
        self._linked_write_lock = threading.Lock()  # one linked.json write at a time
        self._readonly: set[str] = set()  # side files from a newer version: never written
        self._encoded_lru: list[str] = []  # names of the shards holding an encoded cache
        self._batch_depth = 0  # > 0: inside batch(), saving deferred
        self._pending_shards: set[str] = set()  # touched since the last save
        self._pending_index = False
        self._pending_changed: set[str] = set()  # ids changed since the last save
        self._pending_complete: dict[str, dict[str, Any]] = {}  # days to mark once saved
        self._unsaved: set[str] = set()  # ids whose shard could not be written
        self._complete_seen: Stamp | None = None  # index.json as last read or written
        self._bulk_since: float | None = None  # when bulk() took the lock it holds, if it does
        self._held: held.StoredPapers | None = None  # where the records loaded from the store are
        self._writer = FileLock(str(self.papers_dir.parent / LOCK_NAME),
                                timeout=WRITE_LOCK_TIMEOUT)
        self.derived = Keeper(self.papers_dir.parent, self.papers_dir, self._report,
                              self._shard_records)
        self._texts: TextStore | None = None  # made on first use: see :attr:`texts`

    @property
    def texts(self) -> TextStore:
        """The full-text search store (reader.store.derived.texts), made on first use: its
        module and what it imports (the Markdown parser of the passages) are not needed before
        the app's first frame, nor by most commands."""
        texts = self._texts
        if texts is None:
            from reader.store.derived.texts import TextStore

            with self._lock:
                if self._texts is None:
                    self._texts = TextStore(self.papers_dir.parent, self.fulltext_dir,
                                            self._report)
                texts = self._texts
        return texts

    # --- problems and paths -----------------------------------------------------------------

    def _report(self, message: str) -> None:
        with self._problems_lock:  # not _lock: a reader of linked.json must not wait for a flush
            if message not in self.problems:
                self.problems.append(message)

    def _quarantine(self, exc: CorruptFile, what: str) -> bool:
        """Move a damaged file aside and say so. False if it could not be moved: then it is
        left alone and never written over."""
        try:
            moved = quarantine(exc.path)
        except OSError as err:
            self._readonly.add(exc.path.name)
            self._report(f"The cache file {exc.path} is damaged ({exc.reason}) and could not be "
                         f"moved aside ({err.strerror}); it is left as it is.")
            return False
        self._report(f"The cache file {exc.path.name} was damaged ({exc.reason}); it was moved "
                     f"aside to {moved}. {what}")
        return True

    def _write(self, path: Path, writer: str, action: Callable[[], object]) -> bool:
        """Run a disk write; a failure (disk full, read-only) is reported, not raised: the data
        stays in memory for this session and the cache is re-fetchable. True if it was written."""
        try:
            action()
        except OSError as err:
            self._report(f"Could not save the cache file {path} ({err.strerror or err}); "
                         f"{writer} not saved (kept for this session only).")
            return False
        return True

    def _write_side(self, path: Path, kind: str, body: dict[str, Any], what: str) -> None:
        # No directory fsync: these files are re-fetchable, an old copy after a crash is fine.
        self._write(path, what, lambda: write_json(path, body, kind=kind, sync_dir=False))

    def _read_side(self, name: str, kind: str, parse: Callable[[Path, dict[str, Any]], T],
                   what: str) -> T | None:
        """Read and parse a side file; None if it is missing, damaged (moved aside), from a newer
        version or unreadable (both left alone and never written by this session)."""
        path = self.papers_dir / name
        try:
            body = read_json(path, kind=kind)
            return parse(path, body) if body is not None else None
        except CorruptFile as exc:
            self._quarantine(exc, what)
        except NewerFormat as exc:
            self._readonly.add(name)
            self._report(str(exc))
        except OSError as err:
            self._readonly.add(name)
            self._report(f"Could not read {path} ({err.strerror}); it is left as it is.")
        return None

    # --- the shards ---------------------------------------------------------------------------

    def _ensure_loaded(self) -> dict[str, Record]:
        from reader.store.shards import shard_paths

        records = self._records
        if records is not None:
            return records
        with self._load_lock:
            if self._records is None:
                loaded: dict[str, Record] = {}
                shards: dict[str, _Shard] = {}
                remove_stale_temps(self.papers_dir)
                self._drop_leftovers()
                paths = list(shard_paths(self.papers_dir))
                # Before reading: a change after this is folded in before a write, and a shard
                # the store does not hold as it is now is read from its JSON.
                seen = {name: stamp(path) for name, path in paths}
                versions = {name: version_text(s) for name, s in seen.items() if s}
                if self.derived.unsettled(versions):
                    self._adopt_copies(versions)
                with gc_paused():
                    stored = ({} if self.derived.unavailable is not None else
                              held.load(self.derived.path, self.papers_dir, versions))
                    for name, path in paths:
                        rows = stored.pop(name, None)
                        if rows is None:
                            shards[name] = self._load_shard(name, path, loaded)
                        else:
                            shards[name] = self._fill(rows, loaded)
                            shards[name].seen = seen[name]
                with self._lock:
                    self._records, self._shards = loaded, shards
                    self._held = _held_by(loaded.values())
            return self._records

    def _adopt_copies(self, versions: dict[str, str]) -> None:
        """Let the store keep the shards copied or restored as they were (Keeper.adopt_copies),
        if the writer lock is free now: a start never waits for it (another process writing
        brings the store up to date itself, and the first search does the rest)."""
        try:
            with self._writer.acquire(timeout=0):
                self.derived.adopt_copies(versions)
        except Timeout:
            log.info("the cache is being written by another process: shard versions left as "
                     "they are")
        except OSError as err:  # no lock file can be made (a read-only cache): nothing to do
            log.info("could not lock the cache to update shard versions (%s)", err)

    def _drop_leftovers(self) -> None:
        """Delete the files of earlier versions that the derived store replaced (LEFTOVERS)."""
        try:
            leftovers = [p for pattern in LEFTOVERS for p in self.papers_dir.glob(pattern)]
        except OSError:
            return
        for path in leftovers:
            try:
                path.unlink()
            except OSError as err:  # harmless: never read again
                log.info("could not delete %s (%s)", path, err)

    def _load_shard(self, name: str, path: Path, into: dict[str, Record]) -> _Shard:
        from reader.store.shards import read_shard

        what = "Its papers will be fetched again on the next sync."
        seen = stamp(path)  # before reading: a change after this is folded in before a write
        try:
            docs, bad = read_shard(path, name)
        except NewerFormat as exc:
            self._report(f"{exc} Its papers are not shown.")
            return _Shard(writable=False)
        except CorruptFile as exc:
            return _Shard(writable=self._quarantine(exc, what))
        except OSError as err:
            self._report(f"Could not read the cache file {path} ({err.strerror}); its papers are "
                         "not shown and it is left as it is.")
            return _Shard(writable=False)
        shard = self._fill(docs, into)
        shard.seen = seen
        if bad:
            # Keep the good records, but keep the original bytes too (moved aside), then save.
            shard.writable = self._quarantine(CorruptFile(path, f"{bad} malformed record(s)"), what)
            self._save_shard(name, shard, into, keep_encoded=False)
        return shard

    @staticmethod
    def _fill(docs: list[tuple[int, Record]], into: dict[str, Record]) -> _Shard:
        shard = _Shard()
        for doc_id, record in docs:
            into[record.id] = record
            shard.doc_ids[record.id] = doc_id
        if shard.doc_ids:
            shard.next_id = max(shard.doc_ids.values()) + 1
        return shard

    def _save_shard(
        self, name: str, shard: _Shard, records: dict[str, Record], *, keep_encoded: bool = True
    ) -> bool:
        """Write one shard; False if it could not be (reported)."""
        if not shard.writable:
            return False
        if held.MADE_UP and not held.MADE_UP.isdisjoint(shard.doc_ids):
            shard.writable = False
            self._report(f"Some papers of the cache file {name}.json could be read neither from "
                         "it nor from the search store; it is left as it is (delete it and sync "
                         "again to fetch them anew).")
            return False
        path = self.papers_dir / f"{name}.json"
        rows = ((doc_id, records[pid]) for pid, doc_id in shard.doc_ids.items())
        if keep_encoded:
            # Keep the encoded records of the last few shards written: the next merge into the
            # same month then re-encodes only what changed (a day-by-day sync: 5x faster).
            if shard.encoded is None:
                shard.encoded = {}
            if name in self._encoded_lru:
                self._encoded_lru.remove(name)
            self._encoded_lru.append(name)
            while len(self._encoded_lru) > ENCODED_SHARDS:
                evicted = self._shards.get(self._encoded_lru.pop(0))
                if evicted is not None:
                    evicted.encoded = None
        encoded = shard.encoded
        if self._held is not None:
            # Papers still packed from the store are written as the store holds them: the
            # same bytes, without unpacking and encoding them again.
            stored = self._held.bodies(records[pid] for pid in shard.doc_ids
                                       if encoded is None or pid not in encoded)
            if stored:
                encoded = {} if encoded is None else encoded
                encoded.update(stored)

        def write() -> None:
            from reader.store.shards import write_shard

            write_shard(path, rows, encoded)
            shard.seen = stamp(path)  # the writer lock is held: this is the file just written

        return self._write(path, "its papers are", write)

    def load_all(self) -> dict[str, Record]:
        """Every cached paper by id (a copy of the in-memory dict). Reads the shards once."""
        records = self._ensure_loaded()
        with self._lock:
            return dict(records)

    def records_for(self, ids: Sequence[str]) -> dict[str, Record]:
        """The records of ``ids`` (those cached): what a query answered by the derived store
        needs to print its hits. If the cache is not loaded yet, they are read from the store
        (held.records_of), and from their shard's JSON for a month the store does not hold as
        its file is now."""
        from reader.store.shards import shard_of, shard_paths

        if self._records is not None:
            records = self._records
        else:
            wanted = {shard_of(pid) for pid in ids}
            paths = [(name, path) for name, path in shard_paths(self.papers_dir)
                     if name in wanted]
            versions = {name: version_text(seen) for name, path in paths
                        if (seen := stamp(path)) is not None}
            records = ({} if self.derived.unavailable is not None else
                       held.records_of(self.derived.path, versions, ids))
            short = {shard_of(pid) for pid in ids if pid not in records}
            for name, path in paths:
                if name in short:
                    self._load_shard(name, path, records)
        return {pid: records[pid] for pid in ids if pid in records}

    def _shard_records(self, name: str, path: Path) -> list[tuple[int, Record]]:
        """One shard's (doc id, record) pairs as the cache reads its JSON (a damaged file is
        reported and moved aside): what the derived store is built from."""
        into: dict[str, Record] = {}
        shard = self._load_shard(name, path, into)
        return [(shard.doc_ids[pid], record) for pid, record in into.items()]

    def get(self, paper_id: str) -> Record | None:
        """One paper, or None."""
        return self._ensure_loaded().get(paper_id)

    def __len__(self) -> int:
        return len(self._ensure_loaded())

    def merge(
        self,
        papers: Sequence[Paper],
        *,
        listed_on: str | None = None,
        trending: bool = False,
        now: str | None = None,
        observed: str | None = None,
    ) -> MergeResult:
        """Fold freshly fetched papers in (rules in :mod:`reader.store.merge`) and save: one write
        per touched shard, then the derived store and index.json if they changed.

        ``listed_on``: the Daily Papers date they were listed on. ``trending``: they are the
        trending list in rank order (paper i has rank i+1). ``observed``: when the papers' data
        was observed, if before ``now`` (an imported capture).
        """
        from reader.store.shards import shard_of

        records = self._ensure_loaded()
        stamp = now or now_iso()
        with self._lock, gc_paused():
            # The day index is derived from the records: one not built yet is built from them
            # when first needed, this merge included. Building it here made the first merge
            # of a session a Python walk over every paper (0.3-0.7 s at 100k, a refresh's
            # longest step).
            index = self._index
            before: dict[str, Record | None] = {}
            for i, paper in enumerate(papers):
                old = records.get(paper.id)
                before.setdefault(paper.id, old)
                rank = i + 1 if trending else None
                record = merge_record(old, paper, listed_on=listed_on, rank=rank, now=stamp,
                                      observed=observed)
                if record is not old:
                    records[paper.id] = record
            result = MergeResult()
            touched: set[str] = set()
            for pid, old in before.items():
                if old is None:
                    result.new.append(pid)
                    shard = self._shards.setdefault(shard_of(pid), _Shard())
                    shard.doc_ids[pid] = shard.next_id
                    shard.next_id += 1
                elif records[pid] is not old:
                    result.updated.append(pid)
                else:
                    result.unchanged += 1
                    continue
                touched.add(shard_of(pid))
            if index is not None and listed_on:
                index.add(listed_on, before)
            if index is not None and trending:
                index.set_trending(before, stamp)
            self._pending_shards |= touched
            self._pending_changed.update(result.new, result.updated)
            if not self._batch_depth:
                self._flush()
            return result

    @contextlib.contextmanager
    def batch(self) -> Iterator[None]:
        """Defer saving: merges and :meth:`mark_day_complete` inside only change memory, and
        everything touched is written once when the outermost batch ends (also on an error).
        For bulk imports: a 1,000-day sync then writes each month once instead of every day.
        A crash inside a batch loses the batch, which is re-fetched (no day was marked complete).
        """
        with self._lock:
            self._batch_depth += 1
        try:
            yield
        finally:
            with self._lock:
                self._batch_depth -= 1
                if not self._batch_depth:
                    self._flush()

    @contextlib.contextmanager
    def bulk(self) -> Iterator[None]:
        """For a bulk import (around its batches; :meth:`bulk_turn` after each): hold the writer
        lock across batches, so that the derived store can be written by a thread while the
        next batch is merged and its shards written (Keeper.start_bulk). If another writer
        holds the lock for more than a few seconds, or it cannot be taken, batches are saved
        one by one as without this (each flush waits for the lock and reports as usual)."""
        if self._bulk_since is not None:
            yield
            return
        self._bulk_lock()
        try:
            yield
        finally:
            self._bulk_unlock()

    def bulk_turn(self) -> None:
        """Between two batches of :meth:`bulk`: once the lock has been held for BULK_LOCK_HOLD
        seconds, finish the derived store's writes and release the lock for a moment, so that
        another writer (the app's refresh, a sync) waits no longer than that, then take it
        again. (A store the import is building stays open: see Keeper.pause_bulk.)"""
        if self._bulk_since is None or time.monotonic() - self._bulk_since < BULK_LOCK_HOLD:
            return
        gap = self.derived.pause_bulk()  # waits for the writes (raises a bug of the thread)
        self._bulk_since = None
        self._writer.release()
        time.sleep(BULK_LOCK_GAP)
        self._bulk_lock()
        self.derived.resume_bulk(gap, locked=self._bulk_since is not None)

    def _bulk_lock(self) -> None:
        try:
            self.papers_dir.mkdir(parents=True, exist_ok=True)
            self._writer.acquire(timeout=BULK_LOCK_WAIT)
        except (Timeout, OSError):
            return  # batch by batch: each flush takes the lock (or reports why it cannot)
        self._bulk_since = time.monotonic()
        self.derived.start_bulk()

    def _bulk_unlock(self) -> None:
        if self._bulk_since is None:
            return
        self._bulk_since = None
        try:
            self.derived.end_bulk()  # waits for the writes (raises a bug of the writer thread)
        finally:
            self._writer.release()

    def _flush(self) -> None:
        """Write what merges touched, as the only writer (the cache lock held): each shard once
        (folding in first what another process saved there), then the derived store, then the
        index.
        Days marked complete are marked only once their papers are durably on disk."""
        if self._records is None:
            return
        try:
            if self._pending_shards or self._pending_complete:
                self.papers_dir.mkdir(parents=True, exist_ok=True)
                with self._writer:
                    self._flush_locked(self._records)
        except Timeout:
            self._unsaved |= self._pending_changed
            self._report("Another paper-reader has been writing the cache for over "
                         f"{WRITE_LOCK_TIMEOUT:.0f} s; the papers fetched now were not saved "
                         "(kept for this session only).")
        except OSError as err:  # the lock file itself could not be made (read-only cache)
            self._unsaved |= self._pending_changed
            self._report(f"Could not lock the cache for writing ({err.strerror or err}); the "
                         "papers fetched now were not saved (kept for this session only).")
        finally:
            self._pending_shards, self._pending_index, self._pending_changed = set(), False, set()
            self._pending_complete = {}

    def _flush_locked(self, records: dict[str, Record]) -> None:
        # The collector waits while the shards and the derived store are written, as while
        # the records are merged: no cycles are made, and a full collection in this thread
        # (the derived store's rows of 1,000 papers) held the interpreter lock, and the app's
        # UI, for ~0.1 s at 100k papers. Not across a whole batch: a sync's network waits
        # would leave the UI's own garbage piling up for seconds, then freed in one go.
        with gc_paused():
            self._write_pending(records)

    def _write_pending(self, records: dict[str, Record]) -> None:
        from reader.store.shards import shard_of

        written: dict[str, str] = {}  # shard name -> version written
        # The encoded records of each shard just written: saving the next shard may evict
        # them from the shard (ENCODED_SHARDS), and the derived store wants them too.
        made: dict[str, Encoded] = {}
        for name in sorted(self._pending_shards):
            shard = self._shards[name]
            if shard.store_behind and self.derived.holds(name, version_text(shard.seen)):
                shard.store_behind = False  # the month was indexed again since
            self._fold_disk(name, shard, records)
            if self._save_shard(name, shard, records):
                if not shard.store_behind:
                    written[name] = version_text(shard.seen)
                if shard.encoded is not None:
                    made[name] = shard.encoded
                self._unsaved.difference_update(shard.doc_ids)
            else:
                self._unsaved.update(i for i in shard.doc_ids if i in self._pending_changed)
        saved = [records[i] for i in self._pending_changed if i not in self._unsaved]
        if saved or written:
            doc_ids, encoded = {}, {}
            for r in saved:
                name = shard_of(r.id)
                doc_ids[r.id] = self._shards[name].doc_ids[r.id]
                hit = made[name].get(r.id) if name in made else None
                if hit is not None:
                    encoded[r.id] = hit
            # whole: every record is in this write, and every shard was written with it
            whole = len(saved) == len(records) and len(written) == len(self._shards)
            self.derived.update(saved, written, doc_ids, encoded,  # the same step as the shards
                                whole=whole)
        if self._pending_complete:
            self._complete_saved_days(bool(written))
        if self._pending_index:
            self._fold_complete()
            self._save_complete()

    def _complete_saved_days(self, written: bool) -> None:
        """Mark complete the pending days whose papers all reached the disk."""
        if written:
            try:
                fsync_dir(self.papers_dir)  # the shards' renames survive a power cut
            except OSError as err:
                self._report(f"Could not make the cache durable ({err.strerror or err}); the "
                             "days fetched now will be fetched again.")
                return
        complete = self._ensure_complete()
        # Which papers a day lists is asked only when some could not be saved (the index is
        # built on first use: see merge).
        index = self._ensure_index() if self._unsaved else None
        for day, info in self._pending_complete.items():
            if index is None or self._unsaved.isdisjoint(index.days.get(day, ())):
                complete[day] = info
                self._pending_index = True

    def _fold_disk(self, name: str, shard: _Shard, records: dict[str, Record]) -> None:
        """Fold in what another process saved in shard ``name`` since this one last saw it."""
        from reader.store.shards import read_shard

        path = self.papers_dir / f"{name}.json"
        now = stamp(path)
        if now is None or now == shard.seen or not shard.writable:
            return
        if held.MADE_UP and not held.MADE_UP.isdisjoint(shard.doc_ids):
            return  # never written (see _save_shard): nothing to fold, nothing to move aside
        try:
            rows, _bad = read_shard(path, name)
        except NewerFormat as exc:
            shard.writable = False
            self._report(f"{exc} The papers of its month fetched now are not saved.")
            return
        except CorruptFile as exc:
            shard.writable = self._quarantine(exc, "Its papers will be fetched again.")
            return
        except OSError as err:
            shard.writable = False
            self._report(f"Could not read {path} ({err.strerror}); it is left as it is.")
            return
        shard.doc_ids = fold_rows(rows, records, shard.doc_ids, self._pending_changed)
        shard.next_id = max(shard.doc_ids.values(), default=0) + 1
        shard.seen = now
        shard.store_behind = not self.derived.holds(name, version_text(now))
        if self._index is not None:  # the days the other process listed its papers on
            for _doc_id, theirs in rows:
                for day in theirs.listed_on:
                    self._index.add(day, (theirs.id,))

    def _fold_complete(self) -> None:
        """Fold in the days another process marked complete since this one last looked."""
        now = stamp(self.papers_dir / "index.json")
        if now is None or now == self._complete_seen or self._complete is None:
            return
        theirs = self._read_side("index.json", INDEX_KIND, complete_from_body,
                                 "Its days will be fetched again.")
        for day, info in (theirs or {}).items():
            self._complete.setdefault(day, info)

    def search_store(self, progress: Progress | None = None) -> sqlite3.Connection:
        """A connection to the derived store for queries (reader.query.sql), rebuilt from the
        shards first if it is missing, damaged or old (``progress(done, total)`` per shard).
        Raises NoFts5 when this SQLite cannot search (then scan), sqlite3.Error or Timeout."""
        self.papers_dir.mkdir(parents=True, exist_ok=True)
        if not self.derived.ensure_quick():
            with self._writer:
                if not self.derived.ensure(progress):
                    raise NoFts5() if self.derived.unavailable else sqlite3.OperationalError(
                        "the search store could not be built (see the problems reported)")
        return self.derived.reader()

    def not_saved(self) -> int:
        """How many papers changed in this session could not be written (see ``problems``)."""
        with self._lock:
            return len(self._unsaved)

    # --- the day index and index.json -----------------------------------------------------

    def _ensure_index(self) -> DayIndex:
        index = self._index
        if index is not None:
            return index
        records = self._ensure_loaded()  # outside _lock: the load lock is always taken first
        with self._lock:
            if self._index is None:
                self._index = DayIndex.rebuild(records.values())
            return self._index

    def _ensure_complete(self) -> Complete:
        """The days fetched in full (index.json, a few KB: read at once, even on the UI
        thread); {} if it is missing or damaged (those days are fetched again)."""
        with self._lock:
            if self._complete is None:
                self._complete_seen = stamp(self.papers_dir / "index.json")
                self._complete = self._read_side("index.json", INDEX_KIND, complete_from_body,
                                                 "Its days will be fetched again.") or {}
            return self._complete

    def _save_complete(self) -> None:
        path = self.papers_dir / "index.json"
        if path.name in self._readonly or self._complete is None:
            return
        self._write_side(path, INDEX_KIND, complete_body(self._complete),
                         "the list of days fetched in full is")
        self._complete_seen = stamp(path)

    def days(self) -> dict[str, int]:
        """Listing date -> number of cached papers listed that day, newest first."""
        index = self._ensure_index()
        with self._lock:
            return index.counts()

    def ids_on(self, day: str) -> list[str]:
        """The ids listed on ``day`` (by month, then as first stored)."""
        index = self._ensure_index()
        with self._lock:
            return list(index.days.get(day, ()))

    def day_complete(self, day: str) -> bool:
        """True once :meth:`mark_day_complete` was called for ``day``."""
        complete = self._ensure_complete()
        with self._lock:
            return day in complete

    def mark_day_complete(self, day: str, count: int, now: str | None = None) -> None:
        """Record that ``day`` was fetched in full (``count`` papers) at ``now``: saved with the
        next write, and only if every paper listed on ``day`` reached the disk."""
        self._ensure_loaded()  # before the lock, as merge does: the load lock comes first
        self._ensure_complete()
        with self._lock:
            self._pending_complete[day] = {"count": count, "fetched": now or now_iso()}
            if not self._batch_depth:
                self._flush()

    # --- the start-up slice ------------------------------------------------------------------

    def read_recent(self) -> list[Record] | None:
        """The start-up slice if it can be had at once (a few ms: from the derived store, or
        the papers already loaded); None when the store cannot be used (``load_recent`` then
        takes it from every paper)."""
        with self._lock:
            if self._records is not None and self._index is not None:
                return [self._records[i] for i in self._index.recent_ids() if i in self._records]
        if self.derived.unavailable is not None:
            return None
        return held.recent(self.derived.path, self.papers_dir, RECENT_DAYS)

    def load_recent(self) -> list[Record]:
        """The start-up slice: papers of the newest 3 listing days (newest first), then the
        last trending list's papers not already among them. Reads only the derived store.

        If the store cannot be used (deleted, damaged, of an older schema), the slice comes
        from the newest months' shards only (RECENT_SHARDS): every paper read from its JSON
        holds ~4 KB unpacked, 440 MB at 100,000, so the app rebuilds the store first and loads
        every paper from it afterwards (reader.main_screen.loader). A paper of the newest days
        with an older arXiv id, or an old one trending, is then missing from the slice until
        every paper is loaded."""
        from reader.store.shards import MISC, shard_paths

        recent = self.read_recent()
        if recent is not None:
            return recent
        with self._lock:
            records = self._records
        if records is not None:  # every paper is in memory already
            index = self._ensure_index()
        else:
            months = [(name, path) for name, path in shard_paths(self.papers_dir)
                      if name != MISC][-RECENT_SHARDS:]
            records = {}
            for name, path in months:
                self._load_shard(name, path, records)  # a damaged one: reported, moved aside
            index = DayIndex.rebuild(records.values())
        return [records[i] for i in index.recent_ids() if i in records]

    # --- linked.json --------------------------------------------------------------------------

    def _ensure_linked(self) -> dict[str, LinkedRepos]:
        if self._linked is None:
            parsed = self._read_side("linked.json", LINKED_KIND, linked_from_body,
                                     "Linked repos will be fetched again when needed.")
            self._linked, self._linked_fetched = parsed or ({}, {})
        return self._linked

    # The linked repos have locks of their own, not the cache's: the detail pane reads them on
    # every cursor move, and must not wait for a refresh writing the shards under ``_lock``.

    def linked_get(self, paper_id: str) -> LinkedRepos | None:
        """The repos citing a paper as last fetched, or None if never fetched."""
        with self._linked_lock:
            return self._ensure_linked().get(paper_id)

    def linked_fetched(self, paper_id: str) -> str | None:
        """When :meth:`linked_put` last stored this paper's repos (ISO time), or None."""
        with self._linked_lock:
            self._ensure_linked()
            return self._linked_fetched.get(paper_id) or None

    def linked_put(self, paper_id: str, repos: LinkedRepos) -> None:
        """Store the repos citing a paper (replacing what was there) and save linked.json (a
        disk write: call it from a worker thread)."""
        path = self.papers_dir / "linked.json"
        with self._linked_write_lock:  # one writer; each writes the newest state
            with self._linked_lock:
                linked = self._ensure_linked()
                linked[paper_id] = repos
                self._linked_fetched[paper_id] = now_iso()
                if path.name in self._readonly:
                    return
                body = {"repos": {pid: linked_to_dict(r, self._linked_fetched.get(pid, ""))
                                  for pid, r in linked.items()}}
            self._write_side(path, LINKED_KIND, body, "linked repos are")

    # --- full texts (files in ../fulltext, see reader.store.fulltext) -------------------------

    def fulltext_ids(self) -> set[str]:
        """Ids of the papers whose full text is cached."""
        return fulltext.ids(self.fulltext_dir)

    def fulltext_get(self, paper_id: str) -> str | None:
        """A cached full text (Markdown), or None."""
        return fulltext.get(self.fulltext_dir, paper_id)

    def fulltext_put(self, paper_id: str, text: str) -> None:
        """Cache a full text (atomic write; raises OSError if the disk refuses) and index it
        for ``text:`` search (a failure there is reported, not raised). Not on the UI thread:
        indexing a long paper takes tens of ms."""
        fulltext.put(self.fulltext_dir, paper_id, text)
        self.texts.put(paper_id, text)

    def texts_store(self, progress: TextProgress | None = None) -> sqlite3.Connection:
        """A connection to the full-text search store (reader.store.derived.texts) for
        ``text:`` queries, brought up to date with the full-text files first (indexing the new
        ones: ~50 ms each; ``progress(done, total)``). Raises sqlite3.Error or OSError."""
        self.texts.refresh(progress)
        return self.texts.reader()
