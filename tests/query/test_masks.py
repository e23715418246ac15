"""The filter's arrays (reader.query.masks): what SQLite is still asked, and what it no longer is.

That the engine's answers are the reference matcher's is the property test's job
(tests/query/test_properties.py); these check how it gets them."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from reader.hub.models import Paper
from reader.query import Context, parse
from reader.query.engine import Engine
from reader.query.masks import rid_array
from reader.store.record import Record
from tests.query.test_properties import engine_over


def test_rowids_are_read_from_sqlites_json_arrays() -> None:
    assert rid_array("[]").tolist() == []
    assert rid_array("[3,1,200000]").tolist() == [3, 1, 200000]
    with pytest.raises(ValueError, match="not a JSON array"):
        rid_array("3,1")


def _papers() -> list[Record]:
    titles = ["large language models", "large vision models", "small language models",
              "language of large mammals"]
    return [Record(Paper(f"2611.{i:05d}", title=t, upvotes=10 * i or None,
                         github_repo="https://github.com/a/b" if i % 2 else None),
                   listed_on=("2026-11-27",))
            for i, t in enumerate(titles)]


@contextmanager
def statements(engine: Engine) -> Iterator[list[str]]:
    """The SQL statements the engine's connection runs meanwhile."""
    seen: list[str] = []
    conn: sqlite3.Connection = engine._conn
    conn.set_trace_callback(seen.append)
    try:
        yield seen
    finally:
        conn.set_trace_callback(None)


def test_counts_dates_and_flags_ask_sqlite_nothing_once_the_columns_are_read() -> None:
    recs = _papers()
    ids = [r.id for r in recs]
    with engine_over(recs) as engine:
        assert not engine.prepared
        engine.prepare()
        assert engine.prepared
        with statements(engine) as seen:
            assert engine.filter(parse("upvotes:>=10 has:code"), Context(), ids) == \
                ["2611.00001", "2611.00003"]
            assert engine.filter(parse("-upvotes:>=10"), Context(), ids) == ["2611.00000"]
            assert engine.filter(parse("date:2026-11-27 sort:upvotes"), Context(), ids) == \
                ["2611.00003", "2611.00002", "2611.00001", "2611.00000"]
        assert [s for s in seen if "papers" in s or "units" in s] == []


def test_the_words_of_an_and_are_one_fts5_lookup() -> None:
    recs = _papers()
    ids = [r.id for r in recs]
    with engine_over(recs) as engine:
        engine.prepare()
        with statements(engine) as seen:
            # "m" (one letter) is not FTS5's: the query is not text-only, yet its words are
            # looked up together.
            found = engine.filter(parse("large language m has:code"), Context(), ids)
        assert found == ["2611.00003"]
        assert len([s for s in seen if "MATCH" in s]) == 1


def test_take_keeps_the_order_whichever_way_it_gathers() -> None:
    import numpy as np

    from reader.query.masks import take

    items = [f"p{i}" for i in range(10)]
    few = np.zeros(10, dtype=np.bool_)
    few[[7, 2]] = True
    many = ~few
    assert take(items, few) == ["p2", "p7"]  # by indices
    assert take(items, many) == [f"p{i}" for i in range(10) if i not in (2, 7)]  # compress
    assert take(items, np.array([9, 0, 4], dtype=np.intp)) == ["p9", "p0", "p4"]
    assert take(items, np.array([3], dtype=np.intp)) == ["p3"]
    assert take(items, np.zeros(10, dtype=np.bool_)) == []



@pytest.mark.parametrize("density", [0.0, 0.05, 0.5, 0.9, 0.99, 1.0])
@pytest.mark.parametrize("runs", [False, True])
def test_take_by_mask_keeps_exactly_the_masked_items(density: float, runs: bool) -> None:
    """Whether the kept items lie in long runs (copied as slices) or are scattered (compress
    or indices), the same items in the same order."""
    import random

    import numpy as np

    from reader.query.masks import take

    rng = random.Random(f"{density}-{runs}")
    items = [f"p{i}" for i in range(2000)]
    if runs:  # blocks of 50 kept or dropped together
        flags = [flag for _ in range(40) for flag in [rng.random() < density] * 50]
    else:
        flags = [rng.random() < density for _ in items]
    picked = np.array(flags, dtype=np.bool_)
    want = [item for item, flag in zip(items, flags, strict=True) if flag]
    assert take(items, picked) == want
    assert take(tuple(items), picked) == want


def test_two_threads_asking_at_once_read_the_columns_once(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """After a reload the rules' worker and the first filter both need the columns: the one
    that waited uses what the other read."""
    import threading
    import time

    from reader.query import masks

    reads = []
    read = masks.Columns.read

    def slow_read(rows: masks.Rows) -> tuple[masks.Columns, list[int], list[str]]:
        reads.append(1)
        time.sleep(0.2)  # long enough for the other thread to arrive meanwhile
        return read(rows)

    monkeypatch.setattr(masks.Columns, "read", staticmethod(slow_read))
    with engine_over(_papers()) as engine:
        threads = [threading.Thread(target=engine.prepare) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert engine.filter(parse("upvotes:>=10"), Context(), ["2611.00001"]) == \
            ["2611.00001"]
    assert len(reads) == 1


@pytest.mark.parametrize("chunk", [1, 2, 8192])
def test_one_and_two_letter_words_ask_sqlite_nothing_once_prepared(
        chunk: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """While a word is typed, its first two keys are answered from papers.initials and
    papers.pairs (read by the preparation, ``chunk`` rows at a time), the same as the
    reference matcher."""
    from reader.query import masks
    from reader.query.matcher import matches

    monkeypatch.setattr(masks, "PAIRS_CHUNK", chunk)
    recs = _papers() + [Record(Paper("2611.00004", title="Über 3d scenes",
                                     authors=()), listed_on=("2026-11-27",))]
    ids = [r.id for r in recs]
    with engine_over(recs) as engine:
        engine.prepare()
        with statements(engine) as seen:
            for text in ("l", "la", "sm", "ub", "3d", "3", "mo -la", "la OR vi"):
                want = [r.id for r in recs if matches(parse(text), r, Context())]
                assert engine.filter(parse(text), Context(), ids) == want, text
        assert [s for s in seen if "papers" in s or "units" in s] == []
        assert engine.filter(parse("ub"), Context(), ids) == ["2611.00004"]
        assert engine.filter(parse("la"), Context(), ids) == ["2611.00000", "2611.00001",
                                                               "2611.00002", "2611.00003"]


def test_a_preparation_without_pairs_leaves_them_to_the_first_two_letter_word() -> None:
    """The start prepares the engine without the pairs (Engine.prepare(pairs=False)); a
    two-letter word before the rules' worker reads them reads them itself, and is right."""
    recs = _papers()
    ids = [r.id for r in recs]
    with engine_over(recs) as engine:
        engine.prepare(pairs=False)
        with statements(engine) as seen:
            engine.prepare(pairs=False)
        assert [s for s in seen if "pairs" in s] == []
        with statements(engine) as seen:
            assert engine.filter(parse("sm"), Context(), ids) == ["2611.00002"]
        assert [s for s in seen if "pairs" in s] != []


def test_word_starts_are_the_first_one_and_two_characters_of_every_word() -> None:
    from reader.store.derived.rows import units, word_starts
    from reader.store.derived.schema import INITIALS

    rec = Record(Paper("2611.00009", title="Wide-nets, über Alles"), listed_on=("2026-11-27",))
    bits, pairs = word_starts(units(rec))
    n = len(INITIALS)
    have = {a + b for i, a in enumerate(INITIALS) for j, b in enumerate(INITIALS)
            if pairs[(i * n + j) >> 3] >> ((i * n + j) & 7) & 1}
    assert have == {"wi", "ne", "ub", "al"}
    assert {c for i, c in enumerate(INITIALS) if bits >> i & 1} == {"w", "n", "u", "a"}
