"""A bulk import (PaperCache.bulk): the derived store written from a thread gives the same store
as batch-by-batch writes, a failed write is reported and rebuilt, a bug stops the import, and
the import's FTS setting does not outlive it."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest
from filelock import FileLock

from reader.hub.models import Author, Organization, Paper
from reader.query import Context, parse
from reader.query.sql import search
from reader.store import cache as cache_module
from reader.store.cache import PaperCache
from reader.store.derived import schema, store

T0 = "2026-11-20T00:00:00.000Z"
DAYS = ["2026-10-30", "2026-11-02", "2026-11-20", "2026-11-21"]


def _papers(day: int, n: int = 6) -> list[Paper]:
    return [
        Paper(f"26{10 + day % 2}.{day:02d}{i:03d}", title=f"alpha Zoë {day} {i}",
              summary=f"An abstract of paper {i}.\n\nSecond paragraph.", upvotes=i,
              authors=(Author("Ann Lee", "ann"), Author("徐明", hidden=i % 2 == 0)),
              ai_keywords=("diffusion", f"kw{i}"),
              organization=Organization("org", "The Org") if i % 3 == 0 else None)
        for i in range(n)
    ]


def _import(cache: PaperCache, *, bulk: bool) -> None:
    """Merge each day as its own batch (as the import does), with or without bulk()."""

    def batches() -> None:
        for day, listed in enumerate(DAYS):
            with cache.batch():
                cache.merge(_papers(day), listed_on=listed, now=T0)
                # the same papers again, changed: an update inside a batch
                cache.merge([Paper(_papers(day)[0].id, title=f"beta {day}", upvotes=99)],
                            listed_on=listed, now=T0)
            if bulk:
                cache.bulk_turn()

    if bulk:
        with cache.bulk():
            batches()
    else:
        batches()


def _writer(path: Path) -> PaperCache:
    cache = PaperCache(path / "papers")
    cache.derived.build_on_write = True
    return cache


def _content(home: Path) -> dict[str, Any]:
    """What the store holds, by paper id: the rowids (rid) differ with the order of writing
    (the first batch of a home without a store is indexed by a rebuild from the shards)."""
    conn = sqlite3.connect(home / schema.FILE_NAME)
    try:
        conn.execute("INSERT INTO units(units) VALUES ('integrity-check')")
        return {
            "papers": [row[1:] for row in conn.execute("SELECT * FROM papers ORDER BY id")],
            "units": conn.execute(
                "SELECT p.id, u.* FROM units u JOIN papers p ON p.rid = u.rowid ORDER BY p.id"
            ).fetchall(),
            "units_count": conn.execute("SELECT count(*) FROM units").fetchone(),
            "listed": conn.execute("SELECT * FROM listed ORDER BY day, id").fetchall(),
            "heads": [row[1:] for row in conn.execute("SELECT * FROM heads ORDER BY id")],
            "bodies": conn.execute("SELECT h.id, b.body FROM bodies b JOIN heads h "
                                   "ON h.rid = b.rid ORDER BY h.id").fetchall(),
            "sightings": conn.execute("SELECT * FROM sightings ORDER BY id").fetchall(),
            "shards": [r[0] for r in conn.execute("SELECT name FROM shards ORDER BY name")],
            "meta": conn.execute("SELECT * FROM meta ORDER BY key").fetchall(),
            "config": conn.execute("SELECT * FROM units_config ORDER BY k").fetchall(),
        }
    finally:
        conn.close()


def _ids(home: Path, text: str) -> list[str]:
    conn = PaperCache(home / "papers").search_store()
    try:
        return sorted(search(conn, parse(text), Context()))
    finally:
        conn.close()


@pytest.mark.parametrize("hold", [20.0, 0.0])  # 0: the lock let go after every batch
def test_bulk_writes_the_same_store_as_batch_by_batch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, hold: float
) -> None:
    monkeypatch.setattr(cache_module, "BULK_LOCK_HOLD", hold)
    monkeypatch.setattr(cache_module, "BULK_LOCK_GAP", 0.0)
    plain, bulk = tmp_path / "plain", tmp_path / "bulk"
    _import(_writer(plain), bulk=False)
    cache = _writer(bulk)
    _import(cache, bulk=True)
    assert cache.problems == []
    got, want = _content(bulk), _content(plain)
    assert len(got["papers"]) == 24
    assert got == want  # the FTS setting of the import included: not left behind
    assert not any(k == "hashsize" for k, _v in got["config"])
    assert _ids(bulk, "beta") == _ids(plain, "beta") != []
    assert cache.derived._writer is None
    free = FileLock(str(bulk / cache_module.LOCK_NAME))
    free.acquire(timeout=0)  # bulk() let the lock go
    free.release()


def test_another_writer_gets_its_turn_during_a_long_bulk_import(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cache_module, "BULK_LOCK_HOLD", 0.0)
    cache = _writer(tmp_path)
    other = _writer(tmp_path)  # another process's cache, writing from its own thread
    done = threading.Event()

    def write_meanwhile() -> None:
        other.merge([Paper("2609.00005", title="gamma between")], listed_on="2026-09-02",
                     now=T0)
        done.set()

    with cache.bulk():
        with cache.batch():
            cache.merge(_papers(0), listed_on=DAYS[0], now=T0)
        writer = threading.Thread(target=write_meanwhile)
        writer.start()
        threading.Event().wait(0.2)
        assert not done.is_set()  # it waits for the lock that bulk() holds
        cache.bulk_turn()  # lets it in
        assert done.wait(10)
        writer.join(10)
        with cache.batch():
            cache.merge(_papers(1), listed_on=DAYS[1], now=T0)
    assert cache.problems == [] and other.problems == []
    assert _ids(tmp_path, "gamma") == ["2609.00005"]
    assert len(_ids(tmp_path, "alpha")) == 12


def test_bulk_into_a_home_with_a_store_adds_to_it(tmp_path: Path) -> None:
    cache = _writer(tmp_path)
    cache.merge([Paper("2609.00001", title="gamma old")], listed_on="2026-09-01", now=T0)
    assert store.usable(tmp_path / schema.FILE_NAME)
    _import(cache, bulk=True)
    assert _ids(tmp_path, "gamma") == ["2609.00001"]
    assert len(_ids(tmp_path, "alpha")) == 20  # and the first of each day renamed:
    assert len(_ids(tmp_path, "beta")) == 4


@pytest.mark.parametrize("fail_on", [2, 4])  # a middle batch; the last one
def test_a_failed_bulk_write_is_reported_and_the_store_rebuilt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fail_on: int
) -> None:
    real = store.write_prepared
    calls = 0

    def flaky(conn: sqlite3.Connection, rows: store.Prepared, stamps: Any = None) -> int:
        nonlocal calls
        calls += 1
        if calls == fail_on:
            raise sqlite3.OperationalError("database or disk is full")
        return real(conn, rows, stamps)

    monkeypatch.setattr(store, "write_prepared", flaky)
    cache = _writer(tmp_path)
    _import(cache, bulk=True)
    assert any("search store" in p and "disk is full" in p for p in cache.problems)
    assert cache.not_saved() == 0  # the shards were all written
    assert len(PaperCache(tmp_path / "papers").load_all()) == 24
    monkeypatch.setattr(store, "write_prepared", real)
    # rebuilt during the import (a batch came after the failure) or at the next use (none did)
    assert len(_ids(tmp_path, "alpha")) == 20
    assert _ids(tmp_path, "beta") == sorted(_papers(d)[0].id for d in range(len(DAYS)))
    assert not any(k == "hashsize" for k, _v in _content(tmp_path)["config"])


def test_a_bug_in_the_bulk_writer_stops_the_import(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(conn: sqlite3.Connection, rows: store.Prepared, stamps: Any = None) -> int:
        raise RuntimeError("a bug")

    monkeypatch.setattr(store, "write_prepared", broken)
    cache = _writer(tmp_path)
    with pytest.raises(RuntimeError, match="a bug"):
        _import(cache, bulk=True)
    assert cache.derived._writer is None  # the thread was stopped and waited for
    assert threading.active_count() == 1 or all(
        t.name != "derived-bulk-writer" for t in threading.enumerate())


def test_bulk_saves_batch_by_batch_when_another_writer_holds_the_lock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cache_module, "BULK_LOCK_WAIT", 0.05)
    cache = _writer(tmp_path)
    (tmp_path / "papers").mkdir(parents=True)
    other = FileLock(str(tmp_path / cache_module.LOCK_NAME))
    held, released = threading.Event(), threading.Event()

    def hold() -> None:  # another writer, in its own thread (the lock is per thread)
        with other:
            held.set()
            released.wait(5)

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert held.wait(5)
        with cache.bulk():
            assert cache.derived._writer is None  # no thread: saved as without bulk()
            released.set()
            holder.join(5)
            cache.merge(_papers(0), listed_on=DAYS[0], now=T0)
    finally:
        released.set()
        holder.join(5)
    assert len(_ids(tmp_path, "alpha")) == 6
