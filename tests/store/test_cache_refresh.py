"""What a refresh's merges into a loaded cache cost the app: no collector runs while they are
written, and no walk over every paper to build the day index."""

from __future__ import annotations

import gc
import shutil
from pathlib import Path

import pytest

from reader.hub.models import Paper
from reader.store import index as index_module
from reader.store.cache import PaperCache
from reader.store.derived import store

T0, T1, T2 = "2026-11-20T00:00:00.000Z", "2026-11-21T00:00:00.000Z", "2026-11-22T00:00:00.000Z"


def papers(ids: range, upvotes: int = 1) -> list[Paper]:
    return [Paper(f"2611.{i:05d}", title=f"paper {i}", upvotes=upvotes + i) for i in ids]


def home(tmp_path: Path) -> Path:
    """A cache on disk with its derived store, as a refresh finds it."""
    cache = PaperCache(tmp_path / "papers")
    cache.merge(papers(range(0, 6)), listed_on="2026-11-19", now=T0)
    cache.merge(papers(range(6, 10)), listed_on="2026-11-20", now=T0)
    cache.merge(papers(range(3, 8)), trending=True, now=T0)
    cache.search_store().close()
    return tmp_path / "papers"


def refresh(cache: PaperCache) -> None:
    """A refresh's merges (as reader.sync does them): two days and trending in one batch."""
    with cache.batch():
        cache.merge(papers(range(8, 14), upvotes=50), listed_on="2026-11-21", now=T1)
        cache.mark_day_complete("2026-11-21", 6, now=T1)
        cache.merge(papers(range(0, 2), upvotes=9), listed_on="2026-11-19", now=T1)
        cache.merge(papers(range(12, 15)), trending=True, now=T1)


def test_a_batch_is_written_with_the_collector_paused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full collection in a sync's thread writing the shards and the derived store held the
    interpreter lock, and the UI, for ~0.1 s at 100k papers."""
    cache = PaperCache(home(tmp_path))
    cache.load_all()
    seen: list[bool] = []
    real = store.write

    def spy(*args: object, **kw: object) -> int:
        seen.append(gc.isenabled())
        return real(*args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(store, "write", spy)
    assert gc.isenabled()
    with cache.batch():
        cache.merge(papers(range(8, 14), upvotes=50), listed_on="2026-11-21", now=T1)
        assert gc.isenabled()  # between merges (a sync waits for the network there)
    assert len(seen) == 1 and not any(seen)  # the derived store's write, after the shards'
    assert gc.isenabled()


def test_a_merge_builds_no_day_index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The first merge of a session built the day index from every paper (0.3-0.7 s of
    Python at 100k, the refresh's longest step); it is built when first asked for, from the
    records, and then says what an index kept up to date by the merges says (a day's papers
    in the order of the records, as after a restart)."""
    papers_dir = home(tmp_path / "a")
    shutil.copytree(tmp_path / "a", tmp_path / "b")
    eager = PaperCache(papers_dir)
    eager.days()  # the index built before the merges: they keep it up to date
    refresh(eager)
    want = (eager.days(), [sorted(eager.ids_on(d)) for d in eager.days()],
            sorted(r.id for r in eager.load_recent()))

    lazy = PaperCache(tmp_path / "b" / "papers")
    lazy.load_all()
    built: list[int] = []
    real = index_module.DayIndex.rebuild.__func__  # type: ignore[attr-defined]

    def counted(cls: type[index_module.DayIndex], records: object) -> index_module.DayIndex:
        built.append(1)
        return real(cls, records)  # type: ignore[no-any-return]

    monkeypatch.setattr(index_module.DayIndex, "rebuild", classmethod(counted))
    refresh(lazy)
    assert built == []
    assert lazy.day_complete("2026-11-21")
    got = (lazy.days(), [sorted(lazy.ids_on(d)) for d in lazy.days()],
           sorted(r.id for r in lazy.load_recent()))
    assert built == [1]
    assert got == want
    assert got[0] == {"2026-11-21": 6, "2026-11-20": 4, "2026-11-19": 6}
    assert lazy.load_recent()[-1].id == "2611.00014"  # the new trending list, after the days
