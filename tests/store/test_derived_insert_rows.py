"""The derived store's batch insert (one statement per table and batch, reader.store.derived
.store.insert_rows) stores exactly what a row-by-row executemany stores; a rebuild, written by a
thread, fails as cleanly as before."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.hub.models import Paper
from reader.store.cache import PaperCache
from reader.store.derived import schema, store
from reader.store.derived.build import temp_path

TABLE = "CREATE TABLE t (a INTEGER, b TEXT, c REAL, d BLOB, e TEXT)"
TEXTS, BLOBS = (1, 4), (3,)
ODD = ["", "Über 数学 😀", 'quote " backslash \\ brace ]', "\u2063", "a\x00b", "x" * 5000]


def _both(rows: list[tuple[Any, ...]]) -> tuple[list[Any], list[Any]]:
    """The rows as executemany stores them, and as insert_rows does (with their types)."""
    out = []
    for bulk in (False, True):
        conn = sqlite3.connect(":memory:")
        conn.execute(TABLE)
        if bulk:
            store.insert_rows(conn, "INSERT INTO t", rows, texts=TEXTS, blobs=BLOBS)
        else:
            conn.executemany("INSERT INTO t VALUES (?, ?, ?, ?, ?)", rows)
        out.append(conn.execute(
            "SELECT rowid, a, typeof(a), b, typeof(b), c, typeof(c), d, typeof(d), e, typeof(e) "
            "FROM t ORDER BY rowid").fetchall())
        conn.close()
    return out[0], out[1]


def test_odd_values_are_stored_as_executemany_stores_them() -> None:
    rows = [(i, text, i + 0.1, text.encode(), None if i % 2 else text)
            for i, text in enumerate(ODD)]
    rows += [(None, None, None, None, None), (2**53 - 1, "z", 1764547200.123456, b"\xff\x00", ""),
             (-5, "y", 0.0, b"", "\u00e9")]
    one, other = _both(rows)
    assert one == other and len(one) == len(rows)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(
    st.none() | st.integers(-(2**53), 2**53),
    st.none() | st.text(st.characters(blacklist_categories=("Cs",))),
    st.none() | st.floats(allow_nan=False, allow_infinity=False),
    st.none() | st.binary(),
    st.none() | st.text(st.characters(blacklist_categories=("Cs",)))), max_size=20))
def test_any_rows_are_stored_as_executemany_stores_them(rows: list[tuple[Any, ...]]) -> None:
    one, other = _both(rows)
    assert one == other


def _cache(tmp_path: Path) -> PaperCache:
    cache = PaperCache(tmp_path / "papers")
    for month in ("2609", "2610", "2611"):  # three shards: three batches
        cache.merge([Paper(f"{month}.{i:05d}", title=f"alpha {i}") for i in range(3)],
                    listed_on=f"2026-{month[2:]}-02", now="2026-11-20T00:00:00.000Z")
    return cache


@pytest.mark.parametrize("error", [sqlite3.OperationalError("database or disk is full"),
                                   OSError(28, "No space left on device")])
def test_a_rebuild_that_fails_half_way_raises_and_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: Exception
) -> None:
    cache = _cache(tmp_path)
    path = tmp_path / schema.FILE_NAME
    store.remove(path)
    real = store.write_prepared
    calls: list[int] = []

    def flaky(conn: sqlite3.Connection, rows: store.Prepared,
              stamps: dict[str, str] | None = None) -> int:
        calls.append(len(rows.ids))
        if len(calls) == 2:
            raise error
        return real(conn, rows, stamps)

    monkeypatch.setattr(store, "write_prepared", flaky)
    stamps: dict[str, str] = {}
    batches, total = store.shard_batches(cache.papers_dir, stamps)
    with pytest.raises(type(error)):
        store.rebuild(path, batches, total, stamps=stamps)
    assert not path.exists() and not temp_path(path).exists()
    assert all(t.name != "derived-bulk-writer" for t in threading.enumerate())
    monkeypatch.setattr(store, "write_prepared", real)
    assert cache.search_store() is not None  # the next use builds it


def test_a_bug_in_a_rebuilds_writer_is_raised_by_the_rebuild(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = _cache(tmp_path)
    path = tmp_path / schema.FILE_NAME
    store.remove(path)

    def broken(conn: sqlite3.Connection, rows: store.Prepared,
               stamps: dict[str, str] | None = None) -> int:
        raise KeyError("a bug")

    monkeypatch.setattr(store, "write_prepared", broken)
    batches, total = store.shard_batches(cache.papers_dir, {})
    with pytest.raises(KeyError):
        store.rebuild(path, batches, total)
    assert not path.exists() and not temp_path(path).exists()
    assert all(t.name != "derived-bulk-writer" for t in threading.enumerate())
