"""`list` prints its hits from the derived store's bodies (PaperCache.records_for), and from a
shard's JSON only for a month the store does not hold as its file is now."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.hub.models import Paper
from reader.store.cache import PaperCache

T0, T1 = "2026-11-20T00:00:00.000Z", "2026-11-21T00:00:00.000Z"


def home(root: Path) -> list[str]:
    cache = PaperCache(root / "papers")
    cache.derived.build_on_write = True
    ids = []
    for month in ("2610", "2611"):
        papers = [Paper(f"{month}.{i:05d}", title=f"alpha {month} {i}", upvotes=i,
                        summary=f"abstract {i}") for i in range(5)]
        cache.merge(papers, listed_on=f"2026-{month[2:]}-20", now=T0)
        ids += [p.id for p in papers]
    return ids


def test_hits_come_from_the_store_whole(tmp_path: Path, parsed_shards: list[str]) -> None:
    ids = home(tmp_path)
    expected = PaperCache(tmp_path / "papers").load_all()
    parsed = parsed_shards
    parsed.clear()  # from here

    got = PaperCache(tmp_path / "papers").records_for(ids[::-1])

    assert parsed == []  # no month parsed from its JSON
    assert got == {pid: expected[pid] for pid in ids}
    assert got["2611.00003"].paper.summary == "abstract 3"


def test_a_month_written_behind_the_stores_back_comes_from_its_json(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parsed_shards: list[str]
) -> None:
    from reader.store.derived.keeper import Keeper

    ids = home(tmp_path)
    with monkeypatch.context() as patch:  # an older paper-reader: the shard, not the store
        patch.setattr(Keeper, "update", lambda self, *args, **kw: None)
        PaperCache(tmp_path / "papers").merge(
            [Paper("2611.00002", title="alpha renamed", upvotes=99)], listed_on="2026-11-21",
            now=T1)
    parsed = parsed_shards
    parsed.clear()  # from here

    got = PaperCache(tmp_path / "papers").records_for(ids)

    assert parsed == ["2611"]  # 2610 from the store
    assert got["2611.00002"].paper.title == "alpha renamed"
    assert got["2610.00002"].paper.title == "alpha 2610 2"
    assert len(got) == 10
