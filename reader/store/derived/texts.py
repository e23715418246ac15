"""The full-text search store: ``texts.sqlite`` in the cache dir, every downloaded full text cut
into passages (reader.store.derived.passages) and indexed with FTS5, for ``text:`` queries.

Derived from the ``fulltext/<id>.md.gz`` files, so deleting it loses nothing: it is filled
again from them. Each paper's row keeps the version (stamp) of the file it was read from, as the
``shards`` table of the derived store does, so :meth:`TextStore.refresh` indexes exactly the
files that are new or changed and drops the papers whose file is gone; a file copied or
restored as it was keeps its passages (reader.store.derived.file_versions). Storing a full text
(``PaperCache.fulltext_put``, always off the UI thread) indexes it at once.

Words agree with the reference matcher by construction, as in the derived store: FTS5 sees
each passage as the matcher's folded words (an ASCII passage as it is: the ``ascii`` tokenizer
lower-cases ASCII and splits on the same characters as ``reader.query.fold.tokens``; any other
passage as its folded words, kept beside the text in ``words``).
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path

from reader.query.fold import tokens
from reader.store import fulltext
from reader.store.derived.file_versions import identity, seal, settled, unchanged
from reader.store.derived.passages import Passage, cut
from reader.store.derived.store import opens_and, remove, stamp_text

log = logging.getLogger(__name__)

FILE_NAME = "texts.sqlite"
SCHEMA_VERSION = 1  # PRAGMA user_version; a file with another one is made again
SHIFT = 24  # a passage's rowid is its paper's number << SHIFT | its number in the paper
BATCH = 16  # papers per transaction while refreshing (readers see the progress)
Progress = Callable[[int, int], None]  # (papers done, papers to do)

TABLES = f"""
-- One row per indexed full text: its number (rowids of its passages), id and file version.
CREATE TABLE papers (num INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, stamp TEXT NOT NULL);
-- The passages as shown (text), and their folded words when the text is not ASCII.
CREATE TABLE passages (rid INTEGER PRIMARY KEY, block INTEGER NOT NULL, section TEXT NOT NULL,
                       text TEXT NOT NULL, words TEXT);
CREATE VIEW passage_src AS SELECT rid, coalesce(words, text) AS words FROM passages;
-- prefix = '2': a two-letter prefix (typed on the way to a word) is one doclist, not the merge
-- of thousands (5x faster; the file grows by a fifth).
CREATE VIRTUAL TABLE passage_words USING fts5 (
    words, content = 'passage_src', content_rowid = 'rid', tokenize = 'ascii', prefix = '2'
);
PRAGMA user_version = {SCHEMA_VERSION};
"""


def words_of(text: str) -> str | None:
    """What FTS5 must index for a passage, if not its text itself (see the module doc)."""
    return None if text.isascii() else " ".join(tokens(text))


def connect(path: Path, *, readonly: bool = False) -> sqlite3.Connection:
    """A connection to the store at ``path`` (WAL; created if absent unless ``readonly``)."""
    if readonly:
        conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, check_same_thread=False)
    else:
        conn = sqlite3.connect(path, check_same_thread=False)
        conn.execute("PRAGMA busy_timeout = 30000")  # another process indexing a paper
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")  # derived: a lost commit is indexed again
    conn.execute("PRAGMA temp_store = MEMORY")
    return conn


def attach(conn: sqlite3.Connection, path: Path) -> bool:
    """Attach the store at ``path`` to ``conn`` as schema ``texts`` (read-only), for the SQL of
    ``text:`` terms (reader.query.sql). Without a usable store an empty one is attached (in
    memory): ``text:`` then matches nothing. True if the real store was attached."""
    conn.execute("PRAGMA busy_timeout = 5000")  # a writer checkpointing its WAL
    if usable(path) and _attached(conn, path):
        return True
    conn.execute("ATTACH DATABASE ':memory:' AS texts")
    conn.executescript(TABLES.replace("CREATE TABLE ", "CREATE TABLE texts.")
                       .replace("CREATE VIEW ", "CREATE VIEW texts.")
                       .replace("CREATE VIRTUAL TABLE ", "CREATE VIRTUAL TABLE texts.")
                       .replace("PRAGMA user_version", "PRAGMA texts.user_version"))
    return False


def _attached(conn: sqlite3.Connection, path: Path) -> bool:
    """Attach the file as ``texts``; False if it went away or broke since it was checked."""
    try:
        conn.execute("ATTACH DATABASE ? AS texts", (str(path),))
    except sqlite3.Error:
        return False
    return True


def usable(path: Path) -> bool:
    """Whether the file exists, opens and has this schema version."""
    return opens_and(path, lambda p: connect(p, readonly=True), lambda conn: int(
        conn.execute("PRAGMA user_version").fetchone()[0]) == SCHEMA_VERSION)


def write_paper(conn: sqlite3.Connection, paper_id: str, passages: list[Passage],
                stamp: str) -> None:
    """Make the store hold exactly ``passages`` for ``paper_id`` (inside the caller's
    transaction)."""
    drop_paper(conn, paper_id)
    conn.execute("INSERT INTO papers (id, stamp) VALUES (?, ?)", (paper_id, stamp))
    num = conn.execute("SELECT num FROM papers WHERE id = ?", (paper_id,)).fetchone()[0]
    base = num << SHIFT
    rows = [(base + n, p.block, p.section, p.text, words_of(p.text))
            for n, p in enumerate(passages)]
    conn.executemany("INSERT INTO passages VALUES (?, ?, ?, ?, ?)", rows)
    conn.executemany("INSERT INTO passage_words (rowid, words) VALUES (?, ?)",
                     [(r[0], r[3] if r[4] is None else r[4]) for r in rows])


def drop_paper(conn: sqlite3.Connection, paper_id: str) -> None:
    """Remove a paper and its passages (inside the caller's transaction)."""
    row = conn.execute("SELECT num FROM papers WHERE id = ?", (paper_id,)).fetchone()
    if row is None:
        return
    lo, hi = row[0] << SHIFT, (row[0] + 1) << SHIFT
    # An external-content FTS5 table forgets a row when told what it indexed for it.
    conn.execute("INSERT INTO passage_words (passage_words, rowid, words) "
                 "SELECT 'delete', rid, coalesce(words, text) FROM passages "
                 "WHERE rid >= ? AND rid < ?", (lo, hi))
    conn.execute("DELETE FROM passages WHERE rid >= ? AND rid < ?", (lo, hi))
    conn.execute("DELETE FROM papers WHERE num = ?", (row[0],))


class TextStore:
    """The full-text search store of one cache directory; thread-safe (one writer at a time
    in this process; SQLite's locks and a busy timeout between processes)."""

    def __init__(self, cache_dir: Path, fulltext_dir: Path,
                 report: Callable[[str], None]) -> None:
        self.path = Path(cache_dir) / FILE_NAME
        self.fulltext_dir = Path(fulltext_dir)
        self.report = report  # one line for a person: a problem, never raised
        self._lock = threading.Lock()
        self._seal_failed = False  # see _seal

    def _file_of(self, paper_id: str) -> Path:
        packed = fulltext.path_of(self.fulltext_dir, paper_id)
        return packed if packed.exists() else self.fulltext_dir / f"{paper_id}{fulltext.PLAIN}"

    def _stamp(self, paper_id: str) -> str | None:
        """The version of the paper's file (its identity and digest); None if it is absent."""
        path = self._file_of(paper_id)
        found = stamp_text(path)
        return None if found is None else seal(path, found)

    def _open(self) -> sqlite3.Connection:
        """A writable connection, the file made anew when it is of another version or not a
        database at all (damaged): it is derived, so nothing is lost."""
        for attempt in (1, 2):
            conn: sqlite3.Connection | None = None
            try:
                conn = connect(self.path)
                version = int(conn.execute("PRAGMA user_version").fetchone()[0])
                if version == SCHEMA_VERSION:
                    conn.execute("SELECT 1 FROM papers LIMIT 1").fetchall()
                    return conn
                conn.close()
                conn = None
                remove(self.path)
                conn = connect(self.path)
                conn.executescript(TABLES)
                return conn
            except sqlite3.DatabaseError as err:
                if conn is not None:
                    conn.close()
                if attempt == 2:
                    raise
                self.damaged(err)
        raise AssertionError("unreachable")

    def damaged(self, err: sqlite3.Error) -> None:
        """The store could not be read: say so and delete it; the next refresh fills it again
        from the full texts."""
        self.report(f"The full-text search store {self.path.name} could not be read ({err}); "
                     "it is rebuilt from the downloaded full texts (nothing is lost).")
        try:
            remove(self.path)
        except OSError as gone:
            self.report(f"Could not delete {self.path} ({gone.strerror}).")

    def put(self, paper_id: str, markdown: str) -> None:
        """Index a full text just stored (call it off the UI thread: ~50 ms per paper). A
        failure is reported, never raised: the next refresh indexes the file."""
        stamp = self._stamp(paper_id)
        if stamp is None:
            return
        passages = cut(markdown)
        with self._lock:
            try:
                conn = self._open()
                try:
                    with conn:
                        write_paper(conn, paper_id, passages, stamp)
                finally:
                    conn.close()
            except (sqlite3.Error, OSError) as err:
                self.report(f"Could not index the full text of {paper_id} for text: search "
                             f"({err}); it is indexed at the next search.")

    def stale(self) -> tuple[list[str], list[str]]:
        """(ids whose file is new or not the file indexed, ids whose file is gone); raises
        sqlite3.Error when the store cannot be read. A file copied as it was is listed, but
        :meth:`refresh` only takes its new version (see reader.store.derived.file_versions)."""
        on_disk, held = self._versions()
        return self._changed(on_disk, held)

    def _versions(self) -> tuple[dict[str, str], dict[str, str]]:
        """(paper id -> identity of its file now, paper id -> version the store holds)."""
        on_disk = {pid: s for pid in fulltext.ids(self.fulltext_dir)
                   if (s := stamp_text(self._file_of(pid))) is not None}
        if not self.path.exists():
            return on_disk, {}
        conn = connect(self.path, readonly=True)
        try:
            if int(conn.execute("PRAGMA user_version").fetchone()[0]) != SCHEMA_VERSION:
                return on_disk, {}
            return on_disk, dict(conn.execute("SELECT id, stamp FROM papers").fetchall())
        finally:
            conn.close()

    @staticmethod
    def _changed(on_disk: dict[str, str], held: dict[str, str]) -> tuple[list[str], list[str]]:
        changed = sorted(pid for pid, s in on_disk.items()
                         if pid not in held or identity(held[pid]) != s)
        return changed, sorted(pid for pid in held if pid not in on_disk)

    def refresh(self, progress: Progress | None = None) -> int:
        """Bring the store up to date with the full-text files: index the new and changed
        ones, forget the deleted ones; a missing, damaged or old store is made anew first.
        Returns how many papers were indexed. Raises sqlite3.Error or OSError only when the
        store cannot be written at all (a read-only cache)."""
        with self._lock:
            try:
                return self._refresh(progress)
            except sqlite3.DatabaseError as err:  # damaged inside: start again from the files
                self.damaged(err)
                return self._refresh(progress)

    def _refresh(self, progress: Progress | None) -> int:
        try:
            on_disk, held = self._versions()
        except sqlite3.DatabaseError as err:
            self.damaged(err)
            on_disk, held = self._versions()
        changed, gone = self._changed(on_disk, held)
        if not changed and not gone and usable(self.path):
            if not self._seal_failed and not settled(held, on_disk):
                self._seal(held, on_disk)
            return 0
        conn = self._open()
        done = 0
        try:
            with conn:
                for pid in gone:
                    drop_paper(conn, pid)
                for kept in unchanged(held, on_disk, self._file_of):  # copied as they were
                    updated = conn.execute("UPDATE papers SET stamp = ? WHERE id = ? AND "
                                           "stamp = ?", (kept.now, kept.key, kept.held))
                    if updated.rowcount == 1 and kept.moved:
                        changed.remove(kept.key)
            for start in range(0, len(changed), BATCH):
                with conn:
                    for pid in changed[start:start + BATCH]:
                        path = self._file_of(pid)
                        found = stamp_text(path)  # before reading: a later write shows as stale
                        text = fulltext.get(self.fulltext_dir, pid)
                        if found is None or text is None:  # gone, or damaged and moved aside
                            drop_paper(conn, pid)
                            continue
                        # sealed after reading (reader.store.derived.file_versions)
                        write_paper(conn, pid, cut(text), seal(path, found))
                        done += 1
                if progress is not None:
                    progress(min(start + BATCH, len(changed)), len(changed))
        finally:
            conn.close()
        return done

    def _seal(self, held: dict[str, str], on_disk: dict[str, str]) -> None:
        """Give a digest to the versions held without one (an earlier paper-reader's), so that
        a later copy of the home keeps its passages. Nothing else depends on it: a store that
        cannot be written (a read-only home) is left as it is."""
        try:
            conn = connect(self.path)
            try:
                with conn:
                    for kept in unchanged(held, on_disk, self._file_of):
                        conn.execute("UPDATE papers SET stamp = ? WHERE id = ? AND stamp = ?",
                                     (kept.now, kept.key, kept.held))
            finally:
                conn.close()
        except (sqlite3.Error, OSError) as err:
            self._seal_failed = True  # not tried again by this process (read-only home)
            log.info("could not add digests to %s (%s)", self.path.name, err)

    def reader(self) -> sqlite3.Connection:
        """A read-only connection for queries (raises sqlite3.Error if it cannot be opened)."""
        return connect(self.path, readonly=True)
