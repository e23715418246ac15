"""The derived SQLite store: written with the shards, rebuilt when missing, damaged or old,
and never the only copy of anything."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from reader.hub.models import Paper
from reader.query import Context, parse
from reader.query.sql import search
from reader.store.cache import PaperCache
from reader.store.derived import schema, store

T0, T1 = "2026-11-20T00:00:00.000Z", "2026-11-21T00:00:00.000Z"


def papers(n: int, word: str = "alpha") -> list[Paper]:
    return [Paper(f"2611.{i:05d}", title=f"{word} paper {i}", upvotes=i) for i in range(n)]


def writer(tmp_path: Path) -> PaperCache:
    """A cache that writes the store with its shards, as import and sync do."""
    cache = PaperCache(tmp_path / "papers")
    cache.derived.build_on_write = True
    return cache


def ids(cache: PaperCache, text: str) -> list[str]:
    conn = cache.search_store()
    try:
        return search(conn, parse(text), Context())
    finally:
        conn.close()


def test_merge_writes_the_store_in_the_same_step(tmp_path: Path) -> None:
    cache = writer(tmp_path)
    cache.merge(papers(30), listed_on="2026-11-20", now=T0)
    path = tmp_path / schema.FILE_NAME
    assert store.usable(path)
    conn = store.connect(path, readonly=True)
    assert conn.execute("SELECT count(*) FROM papers").fetchone()[0] == 30
    assert conn.execute("SELECT count(*) FROM listed").fetchone()[0] == 30
    conn.close()
    cache.merge([Paper("2611.00003", title="beta renamed")], now=T1)
    assert ids(cache, "beta") == ["2611.00003"]
    assert "2611.00003" not in ids(cache, "alpha")
    assert len(ids(cache, "alp")) == 29
    # a second process sees the same without loading any shard
    assert ids(PaperCache(tmp_path / "papers"), "upvotes:>=28 sort:upvotes") == [
        "2611.00029", "2611.00028"]


@pytest.mark.parametrize("damage", ["delete", "garbage", "old schema", "half built"])
def test_a_missing_damaged_or_old_store_is_rebuilt_from_the_shards(
    tmp_path: Path, damage: str
) -> None:
    cache = writer(tmp_path)
    cache.merge(papers(20), listed_on="2026-11-20", now=T0)
    want = ids(cache, "sort:upvotes")
    path = tmp_path / schema.FILE_NAME
    if damage == "delete":
        store.remove(path)
    elif damage == "garbage":
        store.remove(path)
        path.write_bytes(b"not a database" * 100)
    elif damage == "old schema":
        conn = store.connect(path)
        conn.execute("PRAGMA user_version = 0")
        conn.close()
    else:
        conn = store.connect(path)
        with conn:
            conn.execute("DELETE FROM meta")
        conn.close()
    steps: list[tuple[int, int]] = []
    fresh = PaperCache(tmp_path / "papers")
    conn = fresh.search_store(lambda done, total: steps.append((done, total)))
    assert search(conn, parse("sort:upvotes"), Context()) == want
    conn.close()
    assert steps == [(1, 1)]  # one shard
    assert schema.version(sqlite3.connect(path)) == schema.SCHEMA_VERSION


def test_a_rebuild_runs_without_the_cyclic_collector(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full collection in the rebuild's thread held the interpreter lock, and the UI, for
    40-100 ms; the batches make no cycles, so the collector waits until the rebuild ends.
    What is alive then is frozen before it comes back (its first collection walked ~950,000
    objects at 100k papers: 0.7 s)."""
    import gc

    from reader.store.derived import keeper

    cache = PaperCache(tmp_path / "papers")
    cache.merge(papers(3), listed_on="2026-11-20", now=T0)
    seen: list[bool] = []
    frozen: list[bool] = []
    real = store.prepare

    def spy(*args: object, **kw: object) -> store.Prepared:
        seen.append(gc.isenabled())  # each batch's rows are made here
        return real(*args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(store, "prepare", spy)
    monkeypatch.setattr(keeper, "freeze_long_lived", lambda: frozen.append(gc.isenabled()))
    released: list[bool] = []  # the C heap's free memory given back, once the rebuild is done
    monkeypatch.setattr(keeper, "release_free_memory",
                        lambda: released.append(bool(frozen)) or True)
    assert gc.isenabled()
    cache.search_store().close()
    assert seen and not any(seen) and gc.isenabled()
    assert frozen == [False] and released == [True]


def test_a_rebuilt_store_keeps_no_build_setting(tmp_path: Path) -> None:
    """The build raises FTS5's hashsize (one segment a month); the store it leaves has FTS5's
    default, so that later writers (a sync, a refresh) keep its small memory use."""
    cache = PaperCache(tmp_path / "papers")
    cache.merge(papers(3), listed_on="2026-11-20", now=T0)
    conn = cache.search_store()
    try:
        assert conn.execute("SELECT * FROM units_config WHERE k = 'hashsize'").fetchall() == []
        assert len(search(conn, parse("alpha"), Context())) == 3
    finally:
        conn.close()


def test_a_failed_store_write_loses_nothing_and_is_rebuilt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = writer(tmp_path)
    cache.merge(papers(5), listed_on="2026-11-20", now=T0)

    def broken(conn: sqlite3.Connection, records: object, stamps: object,
               doc_ids: object = None, encoded: object = None) -> int:
        raise sqlite3.OperationalError("database or disk is full")

    with monkeypatch.context() as patch:
        patch.setattr(store, "write", broken)
        cache.merge([Paper("2611.00009", title="gamma")], listed_on="2026-11-20", now=T1)
    assert any("search store" in p and "disk is full" in p for p in cache.problems)
    assert cache.not_saved() == 0  # the shards were written
    assert not (tmp_path / schema.FILE_NAME).exists()
    assert ids(PaperCache(tmp_path / "papers"), "gamma") == ["2611.00009"]


def test_without_fts5_the_cache_still_saves_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(schema, "has_fts5", lambda conn: False)
    cache = writer(tmp_path)
    cache.merge(papers(3), listed_on="2026-11-20", now=T0)
    assert len(PaperCache(tmp_path / "papers").load_all()) == 3
    assert any("no FTS5" in p for p in cache.problems)
    with pytest.raises(store.NoFts5):
        cache.search_store()


def test_shards_written_behind_the_stores_back_are_indexed_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reader.store.derived.keeper import Keeper

    cache = writer(tmp_path)
    cache.merge(papers(5), listed_on="2026-11-20", now=T0)
    cache.merge([Paper("2610.00001", title="october")], listed_on="2026-10-20", now=T0)
    assert ids(cache, "alpha") != []
    # an older paper-reader (or a crash between the two writes) changes the shards only
    with monkeypatch.context() as patch:
        patch.setattr(Keeper, "update", lambda self, *args, **kw: None)
        old = PaperCache(tmp_path / "papers")
        old.merge([Paper("2611.00002", title="delta renamed"), Paper("2611.00077", title="delta")],
                  listed_on="2026-11-21", now=T1)
    (tmp_path / "papers" / "2610.json").unlink()
    steps: list[tuple[int, int]] = []
    fresh = PaperCache(tmp_path / "papers")
    conn = fresh.search_store(lambda done, total: steps.append((done, total)))
    try:
        assert sorted(search(conn, parse("delta"), Context())) == ["2611.00002", "2611.00077"]
        assert "2611.00002" not in search(conn, parse("alpha"), Context())
        assert search(conn, parse("october"), Context()) == []
    finally:
        conn.close()
    assert steps == [(1, 2), (2, 2)]  # the two changed shards, not a whole rebuild


def test_a_month_another_writer_saved_without_the_store_is_indexed_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """This writer folds in a version of a shard that the store does not hold (its writer
    stopped between its two writes, or was an older paper-reader): the store must not take
    this writer's version of the shard as indexed, or the other writer's papers never are."""
    from reader.store.derived.keeper import Keeper

    writer(tmp_path).merge(papers(3), listed_on="2026-11-20", now=T0)
    mine = writer(tmp_path)
    assert len(mine.load_all()) == 3  # the month as it was
    with monkeypatch.context() as patch:
        patch.setattr(Keeper, "update", lambda self, *args, **kw: None)
        PaperCache(tmp_path / "papers").merge([Paper("2611.00050", title="zebra")],
                                              listed_on="2026-11-21", now=T1)
    mine.merge([Paper("2611.00060", title="yak")], listed_on="2026-11-21", now=T1)  # folds it

    assert ids(mine, "zebra") == ["2611.00050"]
    assert ids(mine, "yak") == ["2611.00060"]
    assert len(ids(mine, "alpha")) == 3


def test_the_app_never_builds_the_store_while_writing(tmp_path: Path) -> None:
    cache = PaperCache(tmp_path / "papers")  # build_on_write off: the app's cache
    cache.merge(papers(4), listed_on="2026-11-20", now=T0)
    assert not (tmp_path / schema.FILE_NAME).exists()
    assert ids(cache, "alpha") == ["2611.00003", "2611.00002", "2611.00001", "2611.00000"]
    cache.merge([Paper("2611.00008", title="alpha too", upvotes=9)], listed_on="2026-11-20",
                now=T1)  # the store exists now: updated in the same step
    assert ids(cache, "alpha")[0] == "2611.00008"
