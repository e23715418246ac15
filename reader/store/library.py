"""The user's library (bookmarks, read state, tags, notes, visits): not re-fetchable, so every
change is saved at once, safely, and never lost to a second paper-reader running alongside.

library.json is a TinyDB-format file (tables ``bookmarks``, ``read``, ``tags``, ``notes``,
``meta``, plus ``_meta`` for the format version). Each mutation takes ``library.json.lock``,
re-reads the file if another process changed it (mtime_ns + size + inode), applies the one
operation to that fresh state and replaces the file atomically. Every entry carries ``at``,
its last edit time, so that merging two libraries (``library import``) keeps the newest edit.

Reading needs no lock file: a read-only home (or a lock that cannot be created) opens the
library read-only, and every change is then refused with one line (:class:`LibraryError`).
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from filelock import FileLock, Timeout

from reader.hub.text import clean_block, clean_line
from reader.store.atomic import CorruptFile, quarantine, remove_stale_temps
from reader.store.library_docs import TABLES, dump_docs, parse_tables
from reader.store.merge import now_iso
from reader.store.state import LibraryState
from reader.store.storage import NewerFormat, read_db, write_db

if TYPE_CHECKING:  # library export and import only: imported there, not to read the library
    from reader.store.travel import Dump, MergePlan

KIND = "library"
LOCK_TIMEOUT = 5.0  # seconds; a mutation holds the lock for a few milliseconds
_SPACES = re.compile(r"\s+")

Stamp = tuple[int, int, int]


class LibraryError(Exception):
    """A change could not be saved (lock held too long, disk full...). ``str()`` is a one-line
    message for the user; the library is left as it was on disk."""


def normalize_tags(tags: Iterable[str]) -> tuple[str, ...]:
    """Lower-case, trimmed, inner spaces as ``-``, no empties, no duplicates, order kept;
    control characters and escape sequences dropped (tags are shown and exported)."""
    out: dict[str, None] = {}
    for tag in tags:
        clean = _SPACES.sub("-", clean_line(tag).lower())
        if clean:
            out[clean] = None
    return tuple(out)


class Library:
    """The library file and an in-memory copy of it. Thread-safe; safe across processes."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.problems: list[str] = []
        self.read_only = False  # True if the file is from a newer version or unreadable
        self.refusal: str | None = None  # set: why changes cannot be saved (read-only home)
        self._lock = threading.RLock()
        self._file_lock = FileLock(str(self.path) + ".lock", timeout=LOCK_TIMEOUT)
        self._docs: dict[str, dict[str, dict[str, Any]]] = {t: {} for t in TABLES}
        self._keys: dict[str, dict[str, str]] = {t: {} for t in TABLES}  # table -> id -> doc key
        self._top: dict[str, int] = {}  # highest doc id per table, once computed
        self._stamp: Stamp | None = None  # the file as we last read or wrote it
        self._loaded = False
        self._session_started = False
        self._session_last_visit: str | None = None
        self._snapshot: LibraryState | None = None
        with self._lock:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                with self._locked():
                    remove_stale_temps(self.path.parent)
                    self._sync_from_disk()
            except Timeout:
                self._sync_from_disk()  # a stuck writer: its file is whole (atomic replace)
            except OSError as err:
                self._refuse(err)
                self._sync_from_disk()

    # --- disk ---------------------------------------------------------------------------------

    def _locked(self) -> FileLock:
        return self._file_lock

    def _refuse(self, err: OSError) -> None:
        """The folder cannot be written (read-only home, no permission): read without the lock
        (every write is an atomic replace, so the file read is whole) and refuse changes."""
        reason = err.strerror or str(err)
        # Not a problem to report on every `list` or start: said when a change is refused.
        self.refusal = (f"Your library folder {self.path.parent} cannot be written ({reason}); "
                        "the change was not saved.")

    def _stat(self) -> Stamp | None:
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return None
        return (st.st_mtime_ns, st.st_size, st.st_ino)

    def _report(self, message: str) -> None:
        if message not in self.problems:
            self.problems.append(message)

    def _sync_from_disk(self) -> None:
        """Re-read the file if it changed since we last saw it. Call with both locks held."""
        if self.read_only:
            return
        stamp = self._stat()  # before reading: a change after this is seen next time
        if self._loaded and stamp == self._stamp:
            return
        try:
            data = read_db(self.path, kind=KIND)
            docs, keys, bad = parse_tables(data or {})
        except NewerFormat as exc:
            self.read_only = True
            self._report(f"{exc} Changes made now are not saved.")
            return
        except CorruptFile as exc:
            self._quarantine(exc.reason)
            return
        except OSError as err:
            self.read_only = True
            self._report(f"Could not read your library {self.path} ({err.strerror}); it is left "
                         "as it is and changes made now are not saved.")
            return
        self._docs, self._keys, self._stamp, self._snapshot = docs, keys, stamp, None
        self._top.clear()
        self._loaded = True
        if bad:
            self._quarantine(f"{bad} damaged entr{'y' if bad == 1 else 'ies'}", salvaged=True)

    def _quarantine(self, reason: str, *, salvaged: bool = False) -> None:
        """Move the damaged file aside (never overwrite it), tell the user where it went, and
        save what we still have: the readable part, or this session's last good copy."""
        try:
            moved = quarantine(self.path)
        except OSError as err:
            self.read_only = True  # it cannot be moved aside, so it must not be overwritten
            self._report(f"Your library file {self.path} is damaged ({reason}) and could not be "
                         f"moved aside ({err.strerror}); it is left as it is and changes made "
                         "now are not saved.")
            return
        if salvaged:
            kept = "the readable entries were kept"
        elif self._loaded:
            kept = "this session's copy of your library was saved in its place"
        else:
            kept = "paper-reader started with an empty library"
        self._report(f"Your library file was damaged ({reason}); it was moved to {moved} and "
                     f"{kept}.")
        self._loaded = True
        self._snapshot = None
        try:
            self._save()
        except OSError as err:
            self._report(f"Could not save your library ({err.strerror}); changes are kept for "
                         "this session only until it can be saved.")

    def _save(self) -> None:
        """Write the in-memory state (call with both locks held)."""
        if self.read_only:
            return
        # Compact, not indented: a third fewer bytes to fsync on every toggle.
        write_db(self.path, self._docs, kind=KIND)
        self._stamp = self._stat()

    def _mutate(self, op: Callable[[], bool]) -> None:
        with self._lock:
            if self.refusal is not None:
                raise LibraryError(self.refusal)
            try:
                with self._locked():
                    self._sync_from_disk()
                    if op():
                        self._snapshot = None
                        self._save_or_rollback()
            except Timeout as exc:
                raise LibraryError("Your library is locked by another paper-reader that is not "
                                   "responding; the change was not saved.") from exc
            except OSError as err:  # the lock file itself could not be made
                reason = err.strerror or str(err)
                raise LibraryError(f"Could not lock your library ({reason}); the change was "
                                   "not saved.") from err

    def _save_or_rollback(self) -> None:
        try:
            self._save()
        except OSError as err:
            # Show what is really on disk again, then say the change was lost.
            self._loaded = False
            self._sync_from_disk()
            reason = err.strerror or str(err)
            raise LibraryError(
                f"Could not save your library ({reason}); the change was not saved."
            ) from err

    # --- documents ----------------------------------------------------------------------------

    def _get(self, table: str, pid: str) -> dict[str, Any] | None:
        key = self._keys[table].get(pid)
        return self._docs[table][key] if key is not None else None

    def _put(self, table: str, pid: str, doc: dict[str, Any]) -> None:
        key = self._keys[table].get(pid)
        if key is None:
            # TinyDB's own rule: one past the highest doc id ever present in this copy.
            key = str(self._next_key(table))
            self._keys[table][pid] = key
        self._docs[table][key] = {"id": pid, **doc}

    def _next_key(self, table: str) -> int:
        top = self._top.get(table)
        if top is None:
            top = max((int(k) for k in self._docs[table]), default=0)
        self._top[table] = top + 1
        return top + 1

    def _drop(self, table: str, pid: str) -> bool:
        key = self._keys[table].pop(pid, None)
        if key is None:
            return False
        del self._docs[table][key]
        return True

    def _set_flag(self, table: str, pid: str, on: bool) -> bool:
        if on == (pid in self._keys[table]):
            return False
        if on:
            self._put(table, pid, {"at": now_iso()})
            return True
        return self._drop(table, pid)

    # --- public API ---------------------------------------------------------------------------

    def snapshot(self) -> LibraryState:
        """The library as this process last saw it (no disk access)."""
        with self._lock:
            if self._snapshot is None:
                d = self._docs
                meta = d["meta"].get("1", {})
                last = (self._session_last_visit if self._session_started
                        else meta.get("visit"))
                self._snapshot = LibraryState(
                    bookmarks={doc["id"]: doc["at"] for doc in d["bookmarks"].values()},
                    read={doc["id"]: doc["at"] for doc in d["read"].values()},
                    tags={doc["id"]: tuple(doc["tags"]) for doc in d["tags"].values()},
                    notes={doc["id"]: doc["text"] for doc in d["notes"].values()},
                    last_visit=last if isinstance(last, str) else None,
                )
            return self._snapshot

    def reload(self) -> LibraryState:
        """Pick up changes another process saved, then return :meth:`snapshot`."""
        with self._lock:
            try:
                with self._locked():
                    self._sync_from_disk()
            except Timeout:
                pass  # keep the copy we have; the next mutation will re-read anyway
            except OSError:
                self._sync_from_disk()  # no lock file possible: reading needs none
            return self.snapshot()

    def toggle_bookmark(self, paper_id: str) -> bool:
        """Flip the bookmark; returns whether the paper is now bookmarked."""
        result: list[bool] = []

        def op() -> bool:
            result.append(paper_id not in self._keys["bookmarks"])
            return self._set_flag("bookmarks", paper_id, result[0])

        self._mutate(op)
        return result[0]

    def set_bookmark(self, paper_id: str, on: bool) -> None:
        self._mutate(lambda: self._set_flag("bookmarks", paper_id, on))

    def set_read(self, paper_id: str, read: bool) -> None:
        """Mark read (keeping the first read time) or unread."""
        self._mutate(lambda: self._set_flag("read", paper_id, read))

    def toggle_read(self, paper_id: str) -> bool:
        """Flip the read mark; returns whether the paper is now read."""
        result: list[bool] = []

        def op() -> bool:
            result.append(paper_id not in self._keys["read"])
            return self._set_flag("read", paper_id, result[0])

        self._mutate(op)
        return result[0]

    def set_tags(self, paper_id: str, tags: Iterable[str]) -> None:
        """Replace a paper's tags (normalised by :func:`normalize_tags`; none removes the entry)."""
        clean = list(normalize_tags(tags))
        self._mutate(lambda: self._write_tags(paper_id, clean))

    def edit_tags(self, paper_id: str, add: Iterable[str] = (),
                  remove: Iterable[str] = ()) -> tuple[str, ...]:
        """Add and remove some tags, decided on the file's fresh state (so another process's
        edit of the same paper's tags is kept); returns the paper's tags now."""
        plus, minus = normalize_tags(add), set(normalize_tags(remove))
        result: list[tuple[str, ...]] = []

        def op() -> bool:
            doc = self._get("tags", paper_id)
            have = [t for t in (doc["tags"] if doc else []) if t not in minus]
            new = list(normalize_tags([*have, *plus]))
            result.append(tuple(new))
            return self._write_tags(paper_id, new)

        self._mutate(op)
        return result[0]

    def _write_tags(self, paper_id: str, clean: list[str]) -> bool:
        doc = self._get("tags", paper_id)
        if (doc["tags"] if doc else []) == clean:
            return False
        if not clean:
            return self._drop("tags", paper_id)
        self._put("tags", paper_id, {"tags": clean, "at": now_iso()})
        return True

    def set_note(self, paper_id: str, text: str) -> None:
        """Replace a paper's note; a blank note removes it. Control characters and escape
        sequences are dropped (the note is shown in terminals and exported)."""
        text = clean_block(text)

        def op() -> bool:
            doc = self._get("notes", paper_id)
            if not text.strip():
                return self._drop("notes", paper_id)
            if doc is not None and doc["text"] == text:
                return False
            self._put("notes", paper_id, {"text": text, "at": now_iso()})
            return True

        self._mutate(op)

    def start_visit(self, now: str | None = None) -> str | None:
        """Record that a session starts ``now``; returns the previous session's start (also
        what :attr:`LibraryState.last_visit` holds from then on in this process)."""
        stamp = now or now_iso()
        previous: list[str | None] = []

        def op() -> bool:
            meta = self._docs["meta"].get("1", {})
            prev = meta.get("visit")
            previous.append(prev if isinstance(prev, str) else None)
            self._docs["meta"]["1"] = {**meta, "visit": stamp, "last_visit": previous[0]}
            return True

        try:
            self._mutate(op)
        except LibraryError as err:
            # Not worth stopping the app for (a full disk, a read-only home): the session
            # starts in memory, "new since last visit" still works, and the user is told.
            if self.refusal is None:
                self._report(f"{str(err).removesuffix(' the change was not saved.')} "
                             "this visit was not recorded.")
            with self._lock:
                meta = self._docs["meta"].get("1", {})
                prev = meta.get("visit")
                previous[:] = [prev if isinstance(prev, str) else None]
        with self._lock:
            self._session_started = True
            self._session_last_visit = previous[0]
            self._snapshot = None
        return previous[0]

    # --- travel: the whole library out and in (see reader.store.travel) -------------------

    def dump(self) -> Dump:
        """Every entry with its edit time, as this process last saw the file."""
        with self._lock:
            return dump_docs(self._docs)

    def merge(self, incoming: Dump, *, dry_run: bool = False) -> MergePlan:
        """Fold ``incoming`` into the library (union of bookmarks, read marks and tags; the
        newer note wins) under one lock, decided on the file's fresh state; returns what
        changed (or, with ``dry_run``, what would change, saving nothing)."""
        from reader.store.travel import plan_merge

        plans: list[MergePlan] = []

        def op() -> bool:
            plan = plan_merge(self.dump(), incoming)
            plans.append(plan)
            if dry_run or not plan.changes:
                return False
            for pid, at in plan.result.bookmarks.items():
                if pid not in self._keys["bookmarks"]:
                    self._put("bookmarks", pid, {"at": at})
            for pid, at in plan.result.read.items():
                if pid not in self._keys["read"]:
                    self._put("read", pid, {"at": at})
            for pid in plan.tag_ids:
                tags, at = plan.result.tags[pid]
                self._put("tags", pid, {"tags": list(tags), "at": at})
            for pid in plan.note_ids:
                text, at = plan.result.notes[pid]
                self._put("notes", pid, {"text": text, "at": at})
            return True

        if dry_run and self.refusal is not None:
            with self._lock:
                return plan_merge(self.dump(), incoming)
        self._mutate(op)
        return plans[0]
