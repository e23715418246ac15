"""The library view model: loads the cache, builds views, filters with the Engine; no Textual.

The TUI calls the loading and filtering methods from thread workers and the network methods from
async workers; everything here is testable without an App. Inputs for a filter run are captured
in a :class:`Snapshot` on the UI thread, so a worker never sees a half-updated state.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import sqlite3
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from filelock import Timeout

from reader.config import Config
from reader.days import feed_today
from reader.hub.models import LinkedRepos
from reader.hub.text import clean_block
from reader.query import Context, Query, QueryError, all_of, matches, parse
from reader.query.matcher import sort_key
from reader.store.cache import PaperCache
from reader.store.library import LibraryError, normalize_tags
from reader.store.merge import now_iso
from reader.store.record import Record
from reader.store.searches import RecentSearches
from reader.store.state import LibraryState
from reader.store.writer import SerialWriter
from reader.views import (
    ALL,
    Data,
    View,
    build_data,
    builtin_views,
    candidates,
    saved_views,
    tag_views,
    update_data,
)

if TYPE_CHECKING:
    from reader.hub.client import PapersClient
    from reader.query.engine import Engine, Selection, StoreDamaged
    from reader.query.hit import Hit
    from reader.store.derived.store import Progress
    from reader.store.derived.texts import TextStore
    from reader.sync import SyncReport

# Not imported here but where first used, in thread workers once the first frame is painted
# (and ahead of that by reader.main_screen.warmup): the engine with its SQL and full-text
# modules, and the sync. The first frame needs none of them.

Clock = Callable[[], dt.datetime]
REFRESH_DAYS_MIN = 2  # the newest days still change (upvotes, late submissions)
REFRESH_DAYS_MAX = 7  # after a long absence, catch up on this many days at most


class LibraryLike(Protocol):
    """The part of :class:`reader.store.library.Library` the app uses."""

    problems: list[str]

    def snapshot(self) -> LibraryState: ...
    def set_bookmark(self, paper_id: str, on: bool) -> None: ...
    def set_read(self, paper_id: str, read: bool) -> None: ...
    def edit_tags(self, paper_id: str, add: Iterable[str] = (),
                  remove: Iterable[str] = ()) -> tuple[str, ...]: ...
    def set_note(self, paper_id: str, text: str) -> None: ...
    def start_visit(self, now: str | None = None) -> str | None: ...


def _flag(marks: dict[str, str], paper_id: str, on: bool) -> dict[str, str]:
    """``marks`` (paper id -> when) with ``paper_id`` set now or removed: a new dict."""
    out = dict(marks)
    if on:
        out.setdefault(paper_id, now_iso())
    else:
        out.pop(paper_id, None)
    return out


def _slice(records: list[Record]) -> Data:
    """The views' data for the start-up slice (not every paper: ``complete`` is False)."""
    return build_data({r.id: r for r in records}, complete=False)


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class Snapshot:
    """Everything one filter run reads, captured at once on the UI thread."""

    data: Data
    engine: Engine | None  # None while the search store is being opened: filters scan
    state: LibraryState
    muted: frozenset[str]
    show_muted: bool
    day: str | None
    search: tuple[str, ...]
    now: dt.datetime
    fulltext: frozenset[str] = frozenset()
    anchors: Mapping[str, str] = field(default_factory=dict)  # paged Week/Month views
    cache: PaperCache | None = None  # its full-text search store is for text: terms

    @property
    def texts(self) -> TextStore | None:
        """The full-text search store, for text: terms (made on first use, in a worker: see
        PaperCache.texts)."""
        return self.cache.texts if self.cache is not None else None

    @property
    def today(self) -> dt.date:
        """The feed's "today" (New York), as everywhere: see reader.days."""
        return feed_today(self.now)

    @property
    def context(self) -> Context:
        return Context(library=self.state, now=self.now, fulltext_ids=self.fulltext)


class Superseded(Exception):
    """A filter run stopped early: a newer one replaced it (see Controller.run)."""


@dataclass(frozen=True)
class Saved:
    """One library write done: the library as it is after it, and why it was refused, if so."""

    state: LibraryState
    error: LibraryError | None = None


@dataclass(frozen=True)
class Result:
    """One filter run: the records to show and how many mute rules hid."""

    view: View
    query: Query
    records: list[Record]
    hidden: int
    generation: int = 0
    total: int | None = None  # with a filter typed: how many the view holds without it


@dataclass(frozen=True)
class Marks:
    """Papers matched by the mute and the watch rules."""

    muted: frozenset[str] = frozenset()
    watched: frozenset[str] = frozenset()


@dataclass
class Rules:
    """Parsed mute/watch rules; bad ones are reported in ``problems`` and left out."""

    mute: list[str] = field(default_factory=list)
    watch: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def parsed(self, which: str) -> list[Query]:
        out = []
        for text in self.mute if which == "mute" else self.watch:
            try:
                out.append(parse(text))
            except QueryError as err:
                self.problems.append(f"{which} rule {text!r}: {err.message}")
        return out


class Controller:
    """State behind the main screen that is not widgets: data, views, library, rules."""

    def __init__(
        self, cache: PaperCache, library: LibraryLike, config: Config, *, clock: Clock = utc_now,
        config_path: Path | None = None, searches_path: Path | None = None,
        leftovers: Sequence[Path] = (),
    ) -> None:
        self.cache = cache
        self.leftovers = leftovers  # files of earlier versions, deleted once the store is open
        self.config_path = config_path
        self.library = library
        self.config = config
        self.clock = clock
        self.data = Data()
        self.engine: Engine | None = None
        self.engine_state = "opening"  # "opening", "ready" or "unavailable" (scan for good)
        # Queries that found the store damaged (worker threads append; the UI thread takes
        # them: the file is deleted and rebuilt, filters scan meanwhile).
        self.store_failures: list[StoreDamaged] = []
        self._base: tuple[tuple[object, ...], Data, LibraryState, list[str]] | None = None
        self.state = library.snapshot()
        self.marks = Marks()
        self.rules = Rules(list(config.mute), list(config.watch))
        self.show_muted = False
        self.day: str | None = None
        self.anchors: dict[str, str] = {}  # view key -> first day of the paged week or month
        self.search_ids: tuple[str, ...] = ()
        self.search_text = ""
        self.fulltext: frozenset[str] = frozenset()
        self.new_since: str | None = None
        self.searches = RecentSearches(searches_path) if searches_path else None
        self.writer = SerialWriter("library-writer")  # every save of the user's data, in order

    # --- views -----------------------------------------------------------------------------

    def views(self) -> list[View]:
        """Built-ins, then saved views, then "Search results" once a remote search ran."""
        out = builtin_views() + saved_views(self.config.views) + tag_views(self.state)
        if self.search_text:
            out.append(View("search", "Search results"))
        return out

    def today(self) -> dt.date:
        """The feed's "today" (New York): the one definition in reader.days."""
        return feed_today(self.clock())

    # --- loading (thread workers) ----------------------------------------------------------

    def begin_visit(self) -> Future[str | None]:
        """Start this session: remember when the previous one began ("new since last visit",
        as this process last read the library) and record this one (by the writer thread)."""
        self.new_since = self.library.snapshot().last_visit
        now = self.clock().isoformat()
        return self.writer.submit(lambda: self.library.start_visit(now))

    def load_recent(self) -> Data:
        """The start-up slice: a few days and trending, without opening the shards."""
        return _slice(self.cache.load_recent())

    def recent_now(self) -> Data | None:
        """The start-up slice if it can be had at once (from the derived store: a few ms on the
        UI thread, so that the first frame already shows papers); None without a usable store."""
        records = self.cache.read_recent()
        return None if records is None else _slice(records)

    def load_all(self, read: Callable[[Mapping[str, Record]], object] | None = None) -> Data:
        """Every cached paper (a fraction of a second at 100,000 papers from the derived store).
        ``read(records)`` is called once the records are read, before the views' orderings are
        built from them (the engine is prepared over them meanwhile: reader.main_screen.loader).
        """
        records = self.cache.load_all()
        if read is not None:
            read(records)
        self.fulltext = frozenset(self.cache.fulltext_ids())
        return build_data(records, complete=True)

    def open_engine(self, progress: Progress | None = None) -> Engine | None:
        """The search store, rebuilt from the shards first if it is missing, damaged or of an
        older version (``progress(done, total)`` per shard; a thread worker: a minute at
        100,000 papers). None when it cannot be had: the reason is in the cache's problems,
        and filters scan every paper instead."""
        from reader.query.engine import Engine
        from reader.store.derived.store import NoFts5

        try:
            engine = Engine(self.cache.search_store(progress))
        except NoFts5:
            return None  # reported once by the cache
        except Timeout:
            self.cache.problems.append(
                "Another paper-reader is writing the cache; search uses a slower scan until "
                "it is done (restart to use the search store).")
        except (sqlite3.Error, OSError) as err:
            self.cache.problems.append(
                f"The search store cannot be used ({err}); filters scan every paper instead.")
        else:
            for path in self.leftovers:
                try:
                    path.unlink(missing_ok=True)
                except OSError as gone:
                    self.cache.problems.append(
                        f"Could not delete {path}, which is no longer used ({gone.strerror}).")
            return engine
        return None

    def prepare_engine(self, engine: Engine, records: Mapping[str, Record] | None,
                       candidates: Sequence[str] = (), *, pairs: bool = True) -> None:
        """Have ``engine`` read which store row is which paper and the rowids of
        ``candidates`` among ``records`` (a thread worker: ~0.3 s at 100,000 papers), so that
        no filter waits for it; nothing to do when it did already. ``records`` None: only what
        needs none of them (its rowid table and columns), which the start reads while the load
        still reads the records (``pairs``: see Engine.prepare). A damaged store is kept for
        the UI thread (:meth:`store_damaged`)."""
        from reader.query.engine import StoreDamaged

        if records is not None:
            engine.use_records(records)
        try:
            engine.prepare(candidates, pairs=pairs)
        except StoreDamaged as failure:
            self.store_failures.append(failure)

    def store_damaged(self) -> tuple[Engine | None, StoreDamaged] | None:
        """Take the queries that found the store damaged (UI thread): stop using it and return
        the engine to close and the failure to report (``forget_store``, in a thread)."""
        if not self.store_failures:
            return None
        failure = self.store_failures[0]
        self.store_failures.clear()
        engine, self.engine, self.engine_state = self.engine, None, "opening"
        return engine, failure

    def forget_store(self, engine: Engine | None, failure: StoreDamaged) -> None:
        """Close the damaged store, report it and delete it (a thread worker: it touches the
        disk); the next open_engine rebuilds it from the shards."""
        if engine is not None:
            engine.close()
        self.cache.derived.damaged(failure.error)

    def reload(self) -> Data:
        """After a merge: every record again (the store was updated in the same step)."""
        return update_data(self.data, self.cache.load_all())

    def install(self, data: Data) -> None:
        """Swap in newly built data (UI thread)."""
        self.data = data

    def engine_coming(self, snap: Snapshot) -> bool:
        """True while every paper is loaded but the search store is still being opened or
        built. Queries over every paper (rules, saved views' counts) had better wait for it than
        scan: scanning unpacks every paper (~250 MB more at 100k, see Record.packed)."""
        return snap.data.complete and snap.engine is None and self.engine_state == "opening"

    def compute_marks(self, snap: Snapshot) -> Marks:
        """Which papers the mute and watch rules match (thread worker)."""
        self.rules.problems.clear()
        if snap.engine is not None and snap.data.complete:
            # Here, after each load, rather than at the user's first keystroke (at the start
            # it was done already, alongside the load: then only the All view's rowids are
            # read: that list, which the rules below filter too, and so does the first
            # keystroke there; the same list object: see _candidates).
            self.prepare_engine(snap.engine, snap.data.records,
                                self._candidates(snap, View(ALL, "")))
        mute, watch = self.rules.parsed("mute"), self.rules.parsed("watch")
        everything = self._candidates(snap, View(ALL, ""))
        muted = {pid for q in mute for pid in self._filter(snap, q, everything)}
        watched = {pid for q in watch for pid in self._filter(snap, q, everything)}
        return Marks(frozenset(muted), frozenset(watched))

    # --- filtering (thread workers) --------------------------------------------------------

    def snapshot(self) -> Snapshot:
        return Snapshot(self.data, self.engine, self.state, self.marks.muted, self.show_muted,
                        self.day, self.search_ids, self.clock(), self.fulltext,
                        dict(self.anchors), cache=self.cache)

    def view_query(self, view: View, query: Query) -> Query:
        """The user's query, narrowed by a saved view's own query (QueryError if that is bad)."""
        return all_of(parse(view.query), query) if view.query else query

    def run(self, snap: Snapshot, view: View, query: Query, sort: str | None = None,
            cancelled: Callable[[], bool] = lambda: False) -> Result:
        """Filter ``view`` with ``query``; mute rules hide what they match unless shown.

        Raises QueryError when a saved view's own query does not parse, and Superseded when
        ``cancelled()`` turns true on the way (a newer filter replaced this one: its thread
        stops early instead of finishing work nobody will see)."""
        base = self._candidates(snap, view)
        typed = query
        query = self.view_query(view, query)
        hide = bool(snap.muted) and not snap.show_muted
        picked = None
        if not (query.is_empty and not query.sort and not sort):  # else: the view as it is
            picked = self._select(snap, query, base, sort, snap.muted if hide else (),
                                  cancelled)
        records = snap.data.records
        if picked is not None:
            shown, hidden = picked.records, picked.excluded
        else:
            ids = base if query.is_empty and not query.sort else \
                self._filter(snap, query, base, cancelled)
            if sort:
                ids = self._sort(snap, ids, sort)
            hidden = 0
            if ids is base and view.key == ALL:  # the All view as it is: no lookup per paper
                shown = list(snap.data.by_date_records)
                if hide:
                    shown = [r for r in shown if r.id not in snap.muted]
                    hidden = len(base) - len(shown)
            else:
                if hide:
                    kept = [pid for pid in ids if pid not in snap.muted]
                    hidden, ids = len(ids) - len(kept), kept
                shown = [records[pid] for pid in ids if pid in records]
        if cancelled():
            raise Superseded()
        total = None
        if not typed.is_empty:
            # "3 of 78 papers": the view without the typed filter, as its count in the pane.
            # (Every candidate is a cached paper: reader.views only names those.)
            whole = self._filter(snap, parse(view.query), base) if view.query else base
            total = len(whole) - (len(snap.muted.intersection(whole)) if hide else 0)
        return Result(view, query, shown, hidden, total=total)

    def _candidates(self, snap: Snapshot, view: View) -> list[str]:
        """The view's papers in its order (reader.views.candidates), the very same list again
        while nothing they depend on changed: every keystroke filters the same view, and the
        Unread view's list costs a set lookup per paper (~17 ms at 100,000). Callers never
        change it."""
        key = (view.key, snap.today, snap.day, snap.search, tuple(snap.anchors.items()))
        kept = self._base
        if kept is not None and kept[0] == key and kept[1] is snap.data \
                and kept[2] is snap.state:
            return kept[3]
        base = candidates(view, snap.data, snap.state, today=snap.today, day=snap.day,
                          search=snap.search, anchors=snap.anchors)
        self._base = (key, snap.data, snap.state, base)
        return base

    def _select(self, snap: Snapshot, query: Query, base: list[str], sort: str | None,
                exclude: Collection[str], cancelled: Callable[[], bool]) -> Selection | None:
        """The engine's answer, records included, to ``query`` sorted by ``sort`` less
        ``exclude``; None when the engine cannot give it (none yet, the full texts not
        ready, a sort on top of a different one of the query's own, a damaged store): then
        the caller filters with :meth:`_filter`, which falls back to the matcher."""
        engine = snap.engine
        if engine is None or (sort and query.sort and sort != query.sort):
            return None
        from reader.query.engine import Stopped, StoreDamaged
        from reader.query.fulltext import has_text_terms

        if has_text_terms(query) and not self._texts_ready(snap):
            return None
        if sort:
            query = Query(query.expr, sort, query.text)
        try:
            engine.use_records(snap.data.records)
            return engine.select(query, snap.context, base, cancelled, exclude)
        except Stopped:
            raise Superseded() from None
        except StoreDamaged as failure:
            self.store_failures.append(failure)  # the UI thread rebuilds it
            return None

    def _filter(self, snap: Snapshot, query: Query, ids: list[str],
                cancelled: Callable[[], bool] | None = None) -> list[str]:
        from reader.query.engine import Stopped, StoreDamaged
        from reader.query.fulltext import has_text_terms, searched

        textual = has_text_terms(query)
        if snap.engine is not None and (not textual or self._texts_ready(snap)):
            try:
                snap.engine.use_records(snap.data.records)
                return snap.engine.filter(query, snap.context, ids, cancelled)
            except Stopped:
                raise Superseded() from None
            except StoreDamaged as failure:
                self.store_failures.append(failure)  # the UI thread rebuilds it
        # No store (yet), or no full-text store: the reference matcher gives the same answer,
        # slower; for text: terms it gets the passages the full-text store finds
        # (reader.query.fulltext.searched).
        records, ctx = snap.data.records, snap.context
        if textual:
            ctx = searched(ctx, snap.texts, query)
        found = [pid for pid in ids if matches(query, records[pid], ctx)]
        return self._sort(snap, found, query.sort) if query.sort else found

    @staticmethod
    def _texts_ready(snap: Snapshot) -> bool:
        """Bring the full-text store up to date (indexing the full texts downloaded since) and
        attach it to the engine's connection, for text: terms; False if it cannot be used (it
        reported why: text: then scans, and matches nothing)."""
        if snap.engine is None or snap.texts is None:
            return False
        try:
            snap.texts.refresh()
        except (sqlite3.Error, OSError) as err:
            snap.texts.report(f"The full-text search store cannot be used ({err}); text: "
                              "matches nothing for now.")
            return False
        snap.engine.use_texts(snap.texts.path)
        return True

    def _sort(self, snap: Snapshot, ids: list[str], key: str) -> list[str]:
        if snap.engine is not None:
            from reader.query.engine import StoreDamaged

            try:
                return snap.engine.sort_ids(ids, key)
            except StoreDamaged as failure:
                self.store_failures.append(failure)
        records = snap.data.records
        return sorted(ids, key=lambda pid: sort_key(records[pid], key), reverse=True)

    def best_passages(self, ids: Sequence[str], query: Query) -> dict[str, Hit]:
        """The best passage of each paper of ``ids`` for the ``text:`` terms of ``query``
        (thread worker: a few ms per paper; the store is brought up to date first)."""
        from reader.query.fulltext import best_in_store, has_text_terms

        if not has_text_terms(query):
            return {}
        return best_in_store(self.cache.texts, ids, query)

    def counts(self, snap: Snapshot, views: Sequence[View]) -> dict[str, int | None]:
        """How many papers each view holds (after mute rules); None for a broken saved view."""
        out: dict[str, int | None] = {}
        for view in views:
            try:
                out[view.key] = len(self.run(snap, view, Query()).records)
            except QueryError:
                out[view.key] = None
        return out

    # --- library (the UI changes memory at once; the writer thread saves, in order) ----------

    def toggle_bookmark(self, paper_id: str) -> tuple[bool, Future[Saved]]:
        """Flip the bookmark in memory now; the future is its save (LibraryError if refused)."""
        on = not self.state.is_bookmarked(paper_id)
        self.state = replace(self.state, bookmarks=_flag(self.state.bookmarks, paper_id, on))
        return on, self._save(lambda lib: lib.set_bookmark(paper_id, on))

    def toggle_read(self, paper_id: str) -> tuple[bool, Future[Saved]]:
        """Flip the read mark in memory now; the future is its save."""
        on = not self.state.is_read(paper_id)
        self.state = replace(self.state, read=_flag(self.state.read, paper_id, on))
        return on, self._save(lambda lib: lib.set_read(paper_id, on))

    def mark_read(self, paper_id: str) -> Future[Saved] | None:
        """Mark read if it is not yet (its save, or None when nothing changed)."""
        if self.state.is_read(paper_id):
            return None
        self.state = replace(self.state, read=_flag(self.state.read, paper_id, True))
        return self._save(lambda lib: lib.set_read(paper_id, True))

    def edit_tags(self, paper_id: str, add: Sequence[str],
                  remove: Sequence[str]) -> tuple[tuple[str, ...], Future[Saved]]:
        """Add and remove tags in memory now (the save decides on the file's fresh state, so
        another paper-reader's tags on the same paper are kept)."""
        minus = set(normalize_tags(remove))
        have = [t for t in self.state.tags.get(paper_id, ()) if t not in minus]
        tags = normalize_tags([*have, *add])
        changed = dict(self.state.tags)
        if tags:
            changed[paper_id] = tags
        else:
            changed.pop(paper_id, None)
        self.state = replace(self.state, tags=changed)
        return tags, self._save(lambda lib: lib.edit_tags(paper_id, add, remove))

    def set_note(self, paper_id: str, text: str) -> Future[Saved]:
        """Replace the note in memory now (a blank one removes it); the future is its save."""
        clean = clean_block(text)
        notes = dict(self.state.notes)
        if clean.strip():
            notes[paper_id] = clean
        else:
            notes.pop(paper_id, None)
        self.state = replace(self.state, notes=notes)
        return self._save(lambda lib: lib.set_note(paper_id, text))

    def _save(self, change: Callable[[LibraryLike], object]) -> Future[Saved]:
        library = self.library

        def run() -> Saved:
            # The library as it is after the write, read here: the UI never takes its lock.
            try:
                change(library)
            except LibraryError as err:
                return Saved(library.snapshot(), err)
            return Saved(library.snapshot())

        return self.writer.submit(run)

    def settle(self, saved: Saved) -> bool:
        """After one save: the UI shows the library as saved (also what another paper-reader
        added meanwhile, or the file's state again after a refused write) once no other save
        is pending. True if the state was replaced."""
        if self.writer.pending:
            return False  # the last save settles it
        self.state = saved.state
        return True

    # --- network (async workers) -----------------------------------------------------------

    def refresh_days(self) -> list[str]:
        """Days to refresh: the newest two, plus any missed since the newest cached day; a
        whole week on the first run (an empty cache), so that This week is not empty."""
        today = self.today()
        latest = self.data.latest_day
        span = REFRESH_DAYS_MIN if self.data.records else REFRESH_DAYS_MAX
        if latest:
            gap = (today - dt.date.fromisoformat(latest)).days + 1
            span = max(REFRESH_DAYS_MIN, min(gap, REFRESH_DAYS_MAX))
        return [(today - dt.timedelta(days=i)).isoformat() for i in range(span)]

    async def refresh(
        self, client: PapersClient, progress: Callable[[str, int, int], None] | None = None,
    ) -> SyncReport:
        from reader.sync import sync, with_newest_day

        # Ask the server for its newest day too: New York's date can lag the feed's.
        days = await with_newest_day(client, self.refresh_days())
        return await sync(client, self.cache, days=days, trending=True, progress=progress)

    async def fetch_day(self, client: PapersClient, day: str) -> SyncReport:
        from reader.sync import sync

        return await sync(client, self.cache, days=[day], trending=False)

    async def fetch_days(self, client: PapersClient, days: Sequence[str]) -> SyncReport:
        """Fetch listing days (a paged week or month) without the trending list."""
        from reader.sync import sync

        return await sync(client, self.cache, days=days, trending=False)

    def remember_search(self, text: str) -> None:
        """Keep ``text`` among the recent remote searches (in memory: a worker saves them)."""
        if self.searches is not None:
            self.searches.add(text)

    def recent_searches(self) -> list[str]:
        return list(self.searches.texts) if self.searches is not None else []

    def count_new(self, data: Data) -> int:
        """Unread papers first seen since the last visit: the ones the list marks as new."""
        if not self.new_since:
            return 0
        since, read = self.new_since[:19], self.state.read
        return sum(1 for r in data.records.values()
                   if r.first_seen[:19] > since and r.id not in read)

    async def remote_search(self, client: PapersClient, text: str) -> list[str]:
        """Search huggingface.co; the hits are merged into the cache (found offline later)."""
        hits = await client.search(text, limit=100)
        papers = [hit.paper for hit in hits]
        if papers:
            await asyncio.to_thread(self.cache.merge, papers)  # shard writes: never on the UI loop
        ids = list(dict.fromkeys(p.id for p in papers))
        self.search_ids, self.search_text = tuple(ids), text
        return ids

    async def linked(self, client: PapersClient, paper_id: str) -> LinkedRepos:
        repos = await client.linked_repos(paper_id)
        await asyncio.to_thread(self.cache.linked_put, paper_id, repos)
        return repos
