"""A bulk import that finds no usable store builds a new one beside it (reader.store.derived
.build): put in place only once complete, so a crash at any point leaves no store that looks
usable, and the next use rebuilds it from the shards."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from reader.hub.models import Paper
from reader.query import Context, parse
from reader.query.sql import search
from reader.store.cache import PaperCache
from reader.store.derived import schema, store
from reader.store.derived.build import temp_path
from tests.fakehub import Corpus

ROOT = Path(__file__).resolve().parents[2]
T0 = "2026-11-20T00:00:00.000Z"


def _papers(month: str, n: int, word: str) -> list[Paper]:
    return [Paper(f"{month}.{i:05d}", title=f"{word} paper {i}", upvotes=i) for i in range(n)]


def _writer(home: Path) -> PaperCache:
    cache = PaperCache(home / "papers")
    cache.derived.build_on_write = True
    return cache


def _ids(home: Path, text: str) -> list[str]:
    conn = PaperCache(home / "papers").search_store()
    try:
        return sorted(search(conn, parse(text), Context()))
    finally:
        conn.close()


def test_a_bulk_import_builds_a_missing_store_aside_and_puts_it_in_place(tmp_path: Path) -> None:
    cache = _writer(tmp_path)
    path = tmp_path / schema.FILE_NAME
    with cache.bulk():
        with cache.batch():
            cache.merge(_papers("2609", 4, "alpha"), listed_on="2026-09-02", now=T0)
        # Being built: nothing at the store's place, so no reader takes it for a whole one.
        assert not store.usable(path) and temp_path(path).exists()
        with cache.batch():
            cache.merge(_papers("2610", 3, "beta"), listed_on="2026-10-02", now=T0)
    assert cache.problems == []
    assert store.usable(path) and not temp_path(path).exists()
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("SELECT * FROM units_config WHERE k = 'hashsize'").fetchall() == []
        assert conn.execute("SELECT name FROM shards ORDER BY name").fetchall() == [
            ("2609",), ("2610",)]
    finally:
        conn.close()
    assert len(_ids(tmp_path, "alpha")) == 4 and len(_ids(tmp_path, "beta")) == 3


def test_a_bulk_import_into_a_home_whose_store_was_deleted_builds_it_from_the_shards(
    tmp_path: Path,
) -> None:
    _writer(tmp_path).merge(_papers("2609", 5, "alpha"), listed_on="2026-09-02", now=T0)
    store.remove(tmp_path / schema.FILE_NAME)
    cache = _writer(tmp_path)
    with cache.bulk(), cache.batch():  # into the same month: a shard holding older papers
        cache.merge([Paper("2609.00100", title="beta new")], listed_on="2026-09-03", now=T0)
    assert cache.problems == []
    assert len(_ids(tmp_path, "alpha")) == 5  # read back from the shard, not lost
    assert _ids(tmp_path, "beta") == ["2609.00100"]


def test_a_bulk_import_without_fts5_saves_the_shards_and_says_so_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(schema, "has_fts5", lambda conn: False)
    cache = _writer(tmp_path)
    with cache.bulk():
        for month in ("2609", "2610"):
            with cache.batch():
                cache.merge(_papers(month, 3, "alpha"), listed_on=f"2026-{month[2:]}-02",
                            now=T0)
    assert len(PaperCache(tmp_path / "papers").load_all()) == 6
    assert [p for p in cache.problems if "no FTS5" in p] == cache.problems != []
    assert len(cache.problems) == 1
    assert not (tmp_path / schema.FILE_NAME).exists()
    assert not temp_path(tmp_path / schema.FILE_NAME).exists()


# The import, killed (os._exit: no cleanup of any kind) at a point of the store's build.
CRASH = """
import functools, os, sys
from reader.__main__ import main
from reader.cli import import_cmd
from reader.store.derived import build, store
where = sys.argv[2]
import_cmd.batches = functools.partial(import_cmd.batches, size=2)  # several batches
if where == "finish":
    build.Build.finish = lambda self: os._exit(3)
else:
    real, calls = store.write_prepared, []
    def write(*args):
        calls.append(1)
        if len(calls) == 2:
            os._exit(3)
        return real(*args)
    store.write_prepared = write
main(["import", sys.argv[1]])
"""


@pytest.mark.parametrize("where", ["second-batch", "finish"])
def test_an_import_killed_while_building_the_store_leaves_none_and_it_is_rebuilt(
    tmp_path: Path, home: Path, corpus: Corpus, where: str
) -> None:
    items = [it for day in corpus.dates()[-3:] for it in corpus.items_on(day)]
    dump = tmp_path / "dump.json"
    dump.write_bytes(orjson.dumps(items))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-c", CRASH, str(dump), where], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 3, proc.stderr
    from reader.store.locations import locations

    loc = locations()
    path = loc.cache_dir / schema.FILE_NAME
    assert not store.usable(path)  # nothing that looks whole
    assert temp_path(path).exists()  # what the crash left; the next build deletes it
    cache = PaperCache(loc.papers_dir)
    saved = cache.load_all()
    assert saved  # the shards written before the crash are whole
    conn = cache.search_store()  # the next use rebuilds the store from the shards
    try:
        assert conn.execute("SELECT count(*) FROM papers").fetchone()[0] == len(saved)
    finally:
        conn.close()
    assert store.usable(path) and not temp_path(path).exists()


def test_a_turn_of_the_lock_that_nobody_takes_leaves_the_build_going(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reader.store import cache as cache_module

    monkeypatch.setattr(cache_module, "BULK_LOCK_HOLD", 0.0)  # a turn after every batch
    monkeypatch.setattr(cache_module, "BULK_LOCK_GAP", 0.0)
    cache = _writer(tmp_path)
    path = tmp_path / schema.FILE_NAME
    with cache.bulk():
        for month in ("2609", "2610", "2611"):
            with cache.batch():
                cache.merge(_papers(month, 3, "alpha"), listed_on=f"2026-{month[2:]}-02",
                            now=T0)
            cache.bulk_turn()
            assert not store.usable(path) and temp_path(path).exists()  # still being built
    assert cache.problems == []
    assert store.usable(path) and not temp_path(path).exists()
    assert len(_ids(tmp_path, "alpha")) == 9


@pytest.mark.parametrize("builds", [False, True])  # the app's refresh; a sync (builds a store)
def test_what_another_writer_saves_during_a_turn_is_in_the_store_the_import_built(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, builds: bool
) -> None:
    import threading

    from reader.store import cache as cache_module

    monkeypatch.setattr(cache_module, "BULK_LOCK_HOLD", 0.0)
    cache = _writer(tmp_path)
    other = PaperCache(tmp_path / "papers")  # another process's cache
    other.derived.build_on_write = builds
    done = threading.Event()

    def write_meanwhile() -> None:
        # Into a month the import writes again after the turn (its shard is then folded in).
        other.merge([Paper("2610.00100", title="gamma between")], listed_on="2026-10-05",
                    now=T0)
        done.set()

    with cache.bulk():
        with cache.batch():
            cache.merge(_papers("2609", 3, "alpha"), listed_on="2026-09-02", now=T0)
        writer = threading.Thread(target=write_meanwhile)
        writer.start()
        threading.Event().wait(0.2)
        assert not done.is_set()  # it waits for the lock that bulk() holds
        cache.bulk_turn()  # lets it in
        assert done.wait(10)
        writer.join(10)
        for month in ("2610", "2611"):
            with cache.batch():
                cache.merge(_papers(month, 3, "alpha"), listed_on=f"2026-{month[2:]}-06",
                            now=T0)
    assert cache.problems == [] and other.problems == []
    path = tmp_path / schema.FILE_NAME
    assert store.usable(path) and not temp_path(path).exists()
    conn = sqlite3.connect(path)
    try:  # nothing stale left for a later start to index again
        assert PaperCache(tmp_path / "papers").derived._stale(conn) == {}
    finally:
        conn.close()
    assert _ids(tmp_path, "gamma") == ["2610.00100"]
    assert len(_ids(tmp_path, "alpha")) == 9
