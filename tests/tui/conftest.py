"""Fixtures for the TUI tests: a pre-filled cache, a fixed clock and an app factory."""

from __future__ import annotations

import asyncio
import atexit
import datetime as dt
import re
import shutil
import sqlite3
import sys
import tempfile
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.worker import WorkerState

from reader.app import PaperReaderApp
from reader.hub.client import PapersClient
from reader.hub.parse import paper_from_item
from reader.store.cache import PaperCache
from reader.store.derived.file_versions import seal
from reader.store.derived.schema import FILE_NAME
from reader.store.derived.store import stamp_text
from reader.store.locations import locations
from reader.store.shards import shard_paths
from tests.conftest import CORPUS_END
from tests.fakehub import Corpus, FakeHub

_BUSY = (WorkerState.PENDING, WorkerState.RUNNING)
NOW = dt.datetime(CORPUS_END.year, CORPUS_END.month, CORPUS_END.day, 12, 0, tzinfo=dt.UTC)
SEEN = "2026-03-06T06:00:00+00:00"


def clock() -> dt.datetime:
    return NOW


_TEMPLATES: dict[tuple[int, tuple[str, ...], bool], Path] = {}


def fill_cache(corpus: Corpus, days: Iterable[str] | None = None, *, trending: bool = True,
               store: bool = False) -> None:
    """Merge ``days`` of ``corpus`` (all by default) and its trending list into the cache; with
    ``store``, the derived store too, in step with the months (as an earlier session or an
    ``import`` leaves a home).

    Each distinct filling is built once per session and copied (merging with fsyncs is slow).
    """
    wanted = tuple(corpus.dates() if days is None else days)
    key = (id(corpus), wanted, trending, store)
    template = _TEMPLATES.get(key)
    if template is None:
        root = tempfile.mkdtemp(prefix="reader-cache-")
        atexit.register(shutil.rmtree, root, True)
        template = Path(root) / "papers"
        cache = PaperCache(template)
        for day in wanted:
            papers = [p for p in map(paper_from_item, corpus.items_on(day)) if p is not None]
            cache.merge(papers, listed_on=day, now=SEEN)
            cache.mark_day_complete(day, len(papers), now=SEEN)
        if trending:
            # The app fetches the first 100 of the trending list, as the website shows.
            papers = [p for p in map(paper_from_item, corpus.trending()[:100]) if p is not None]
            cache.merge(papers, trending=True, now=SEEN)
        if store:
            cache.search_store().close()
        _TEMPLATES[key] = template
    target = locations().ensure().papers_dir
    shutil.rmtree(target)
    shutil.copytree(template, target)
    if store:
        _copy_store(template.parent / FILE_NAME, target)


def _copy_store(source: Path, papers_dir: Path) -> None:
    """Copy a derived store beside ``papers_dir`` and name the copied months' versions in it
    (a copy is a new file: the app's load would hash every month to find it unchanged, see
    reader.store.derived.file_versions; the tests start as from the home the store was made in)."""
    path = papers_dir.parent / FILE_NAME
    shutil.copyfile(source, path)
    conn = sqlite3.connect(path)
    try:
        with conn:
            for name, shard in shard_paths(papers_dir):
                conn.execute("UPDATE shards SET stamp = ? WHERE name = ?",
                             (seal(shard, str(stamp_text(shard))), name))
    finally:
        conn.close()


def write_config(home: Path, text: str) -> None:
    path = locations().ensure().config_file
    path.write_text(text, encoding="utf-8")


async def settle(pilot: Pilot[Any], rounds: int = 4) -> None:
    """Let workers, their messages and the refreshes they cause run to the end."""
    for _ in range(rounds):
        await pilot.pause()
        # Not workers.wait_for_complete(): it raises for a worker an exclusive one cancelled.
        for _ in range(3000):
            if not any(w.state in _BUSY for w in pilot.app.workers):
                break
            await asyncio.sleep(0.01)
        else:
            raise AssertionError("workers still running after 30 s")
    await pilot.pause()


@pytest.fixture
def dead_url() -> str:
    """A URL where nothing listens (a hub started and stopped again)."""
    hub = FakeHub(Corpus(days=1, end=CORPUS_END)).start()
    url = hub.url
    hub.stop()
    return url


@pytest.fixture
def make_app() -> Callable[..., PaperReaderApp]:
    """``make_app(url)`` -> an app on that endpoint (quick retries); ``make_app(None)`` offline."""

    def make(url: str | None, **kwargs: Any) -> PaperReaderApp:
        if url is None:
            return PaperReaderApp(offline=True, clock=clock, **kwargs)
        client = PapersClient(url, retries=1, backoff=0.01, timeout=5.0)
        return PaperReaderApp(client=client, clock=clock, **kwargs)

    return make


class DiskWrites:
    """Every file and SQLite write the app makes, with the thread it ran on."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str]] = []  # (what, thread name)
        self._lock = threading.Lock()

    def saw(self, what: str) -> None:
        with self._lock:
            self.seen.append((what, threading.current_thread().name))

    def on_ui_thread(self) -> list[str]:
        """What was written on the main thread (the event loop's): must stay empty."""
        main = threading.main_thread().name
        return [what for what, thread in self.seen if thread == main]

    def off_ui_thread(self) -> list[str]:
        main = threading.main_thread().name
        return [what for what, thread in self.seen if thread != main]

    def clear(self) -> None:
        with self._lock:
            self.seen.clear()


_SQL_WRITE = re.compile(r"\s*(INSERT|UPDATE|DELETE|REPLACE|CREATE|DROP|ALTER|BEGIN)\b", re.I)


@pytest.fixture
def disk_writes(monkeypatch: pytest.MonkeyPatch) -> DiskWrites:
    """Record the thread of every atomic file write (the library's TinyDB file, shards, side
    files, config, positions...) and of every SQLite statement that writes."""
    import reader.app  # noqa: F401 - every module that writes, imported before the patch
    from reader.main_screen.warmup import warm_imports

    warm_imports()  # and those the app imports later
    from reader.store import atomic

    writes = DiskWrites()
    original = atomic.atomic_write_bytes

    def spy_write(path: Any, *args: Any, **kwargs: Any) -> Any:
        writes.saw(f"file {Path(path).name}")
        return original(path, *args, **kwargs)

    for module in list(sys.modules.values()):
        name = getattr(module, "__name__", "") or ""
        if name.startswith("reader") and getattr(module, "atomic_write_bytes", None) is original:
            monkeypatch.setattr(module, "atomic_write_bytes", spy_write)
    connect = sqlite3.connect

    def spy_connect(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        conn = connect(*args, **kwargs)

        def trace(statement: str) -> None:
            if _SQL_WRITE.match(statement):
                writes.saw(f"sql {statement.split(None, 2)[:2]}")

        conn.set_trace_callback(trace)
        return conn

    monkeypatch.setattr(sqlite3, "connect", spy_connect)
    return writes
