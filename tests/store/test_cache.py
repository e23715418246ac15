"""Tests for reader.store.cache: shards on disk, side files, damaged and newer files."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from pathlib import Path

import orjson
import pytest
from tinydb import Query, TinyDB

from reader.hub.models import Author, LinkedRepo, LinkedRepos, Paper
from reader.store import shards as shards_module
from reader.store.cache import PaperCache
from reader.store.shards import shard_of
from reader.store.storage import FORMAT, AtomicJSONStorage, write_json

T0, T1 = "2026-03-01T00:00:00.000Z", "2026-03-02T00:00:00.000Z"


def paper(pid: str, **kw: object) -> Paper:
    return Paper(id=pid, title=f"Title {pid}", summary="Abstract [b]x[/b].",  # type: ignore[arg-type]
                 authors=(Author("Ada Lovelace"), Author("Bob", "bob")), **kw)


@pytest.fixture
def papers_dir(tmp_path: Path) -> Path:
    return tmp_path / "cache" / "papers"


def filled(papers_dir: Path) -> PaperCache:
    """A cache with papers from two months over five listing days, plus a trending list."""
    cache = PaperCache(papers_dir)
    for day, ids in [
        ("2026-01-30", ["2601.00001", "2601.00002"]),
        ("2026-02-02", ["2602.00001", "2601.00003"]),
        ("2026-02-03", ["2602.00002"]),
        ("2026-02-04", ["2602.00003", "2602.00004"]),
        ("2026-02-05", ["2602.00005"]),
    ]:
        cache.merge([paper(i, upvotes=1) for i in ids], listed_on=day, now=T0)
    cache.merge([paper("2601.00001"), paper("2602.00009")], trending=True, now=T1)
    return cache


def test_shard_names() -> None:
    assert shard_of("2602.16161") == "2602"
    assert shard_of("0704.0001") == "0704"
    assert shard_of("hep-th/9901001") == "misc"


def test_round_trip_through_disk(papers_dir: Path) -> None:
    cache = filled(papers_dir)
    assert sorted(p.name for p in papers_dir.iterdir()) == ["2601.json", "2602.json"]
    cache.mark_day_complete("2026-02-04", 2, now=T1)
    assert sorted(p.name for p in papers_dir.iterdir()) == [
        "2601.json", "2602.json", "index.json"]
    again = PaperCache(papers_dir)
    assert again.load_all() == cache.load_all()
    assert len(again) == 9
    record = again.get("2601.00001")
    assert record is not None
    assert record.listed_on == ("2026-01-30",) and record.trending == ((1, T1),)
    assert record.paper.authors[1] == Author("Bob", "bob")
    assert again.get("2699.00001") is None


def test_shards_are_stock_tinydb_files(papers_dir: Path) -> None:
    filled(papers_dir)
    with TinyDB(papers_dir / "2602.json") as db:
        assert db.table("_meta").get(doc_id=1) == {"format": FORMAT, "kind": "papers"}
        table = db.table("papers")
        assert len(table) == 6
        hit = table.search(Query().id == "2602.00003")
        assert hit and hit[0]["listed_on"] == ["2026-02-04"]
    with TinyDB(papers_dir / "2601.json", storage=AtomicJSONStorage) as db:
        assert {d["id"] for d in db.table("papers").all()} == {
            "2601.00001", "2601.00002", "2601.00003"}


def test_doc_ids_stay_stable_and_only_touched_shards_are_written(papers_dir: Path) -> None:
    cache = filled(papers_dir)

    def doc_ids(name: str) -> dict[str, str]:
        data = orjson.loads((papers_dir / name).read_bytes())
        return {doc["id"]: key for key, doc in data["papers"].items()}

    before = doc_ids("2602.json")
    inode_2601 = (papers_dir / "2601.json").stat().st_ino
    cache.merge([paper("2602.00004", upvotes=99), paper("2602.00100")], now=T1)
    after = doc_ids("2602.json")
    assert {k: after[k] for k in before} == before
    assert int(after["2602.00100"]) > max(int(v) for v in before.values())
    assert (papers_dir / "2601.json").stat().st_ino == inode_2601  # not rewritten
    reloaded = PaperCache(papers_dir)
    record = reloaded.get("2602.00004")
    assert record is not None and record.paper.upvotes == 99
    reloaded.merge([paper("2602.00101")], now=T1)
    assert {k: doc_ids("2602.json")[k] for k in after} == after


def test_days_index_and_completeness_persist(papers_dir: Path) -> None:
    cache = filled(papers_dir)
    assert cache.days() == {"2026-02-05": 1, "2026-02-04": 2, "2026-02-03": 1,
                            "2026-02-02": 2, "2026-01-30": 2}
    assert cache.ids_on("2026-02-04") == ["2602.00003", "2602.00004"]
    assert cache.ids_on("1999-01-01") == []
    assert not cache.day_complete("2026-02-04")
    cache.mark_day_complete("2026-02-04", 2, now=T1)
    again = PaperCache(papers_dir)
    assert again.day_complete("2026-02-04") and not again.day_complete("2026-02-05")
    assert again.days() == cache.days()


def test_load_recent_reads_only_the_store(
    papers_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    filled(papers_dir).search_store().close()

    def forbidden(*args: object, **kw: object) -> object:
        raise AssertionError("load_recent opened a shard")

    monkeypatch.setattr(shards_module, "read_shard", forbidden)
    monkeypatch.setattr(shards_module, "shard_paths", forbidden)
    cache = PaperCache(papers_dir)
    recent = cache.load_recent()
    # the newest 3 listing days, newest first (by id within a day), then the trending extras
    assert [r.id for r in recent] == [
        "2602.00005", "2602.00003", "2602.00004", "2602.00002", "2601.00001", "2602.00009"]
    assert recent[0].listed_on == ("2026-02-05",) and all(r.is_packed for r in recent)
    assert recent[0].paper.title == "Title 2602.00005" and cache.problems == []


def test_recent_from_the_store_is_what_every_paper_gives(papers_dir: Path) -> None:
    cache = filled(papers_dir)
    cache.merge([paper("2602.00300")], listed_on="2026-02-05", now=T1)
    cache.merge([paper("2602.00009"), paper("2602.00003")], trending=True, now=T1)
    cache.search_store().close()
    from_store = PaperCache(papers_dir).load_recent()
    loaded = PaperCache(papers_dir)
    loaded.load_all()
    assert sorted(from_store, key=lambda r: r.id) == sorted(loaded.load_recent(),
                                                            key=lambda r: r.id)
    assert [r.id for r in from_store][-1] == "2602.00009"  # then the trending extra


def test_recent_follows_merges(papers_dir: Path) -> None:
    cache = filled(papers_dir)
    cache.search_store().close()
    cache.merge([paper("2602.00003", upvotes=77)], now=T1)
    assert {r.id: r for r in PaperCache(papers_dir).load_recent()}[
        "2602.00003"].paper.upvotes == 77
    cache.merge([paper("2602.00200")], listed_on="2026-02-06", now=T1)
    ids = [r.id for r in PaperCache(papers_dir).load_recent()]
    assert ids[0] == "2602.00200" and "2602.00002" not in ids  # 02-03 fell out


@pytest.mark.parametrize("damage", ["missing", "garbage"])
def test_recent_without_a_usable_store_comes_from_the_shards(
    papers_dir: Path, damage: str
) -> None:
    cache = filled(papers_dir)
    want = sorted(r.id for r in cache.load_recent())
    cache.search_store().close()
    store_file = papers_dir.parent / "papers.sqlite"
    if damage == "missing":
        store_file.unlink()
    else:
        store_file.write_bytes(b"\x00\xff not a database" * 100)
    again = PaperCache(papers_dir)
    assert again.read_recent() is None  # not at once: from every paper, in a worker
    assert sorted(r.id for r in again.load_recent()) == want


def test_recent_without_a_usable_store_reads_only_the_newest_months(
    papers_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = filled(papers_dir)  # months 2601 and 2602
    cache.merge([paper("2512.00007", upvotes=1)], listed_on="2026-02-05", now=T1)
    cache.merge([paper("2512.00008", upvotes=1)], listed_on="2025-12-30", now=T1)
    assert len(list(shards_module.shard_paths(papers_dir))) == 3
    read: list[str] = []
    real = shards_module.read_shard

    def spy(path: Path, name: str) -> object:
        read.append(name)
        return real(path, name)

    monkeypatch.setattr(shards_module, "read_shard", spy)
    again = PaperCache(papers_dir)
    assert again.read_recent() is None  # no store yet
    ids = [r.id for r in again.load_recent()]
    assert sorted(read) == ["2601", "2602"]  # the oldest month is not read
    # the newest days' papers of those months; 2512.00007 (listed on the newest day, an
    # older arXiv month) comes with every paper, once the store is built
    assert ids == ["2602.00005", "2602.00003", "2602.00004", "2602.00002", "2601.00001",
                   "2602.00009"]
    assert "2512.00007" in {r.id for r in PaperCache(papers_dir).load_all().values()}


def test_the_recent_file_of_earlier_versions_is_deleted(papers_dir: Path) -> None:
    filled(papers_dir)
    (papers_dir / "recent.json").write_bytes(b'{"format": 1, "kind": "recent-papers"}')
    PaperCache(papers_dir).load_all()
    assert not (papers_dir / "recent.json").exists()


def test_empty_cache(papers_dir: Path) -> None:
    cache = PaperCache(papers_dir)
    assert cache.load_recent() == [] and cache.load_all() == {} and len(cache) == 0
    assert cache.days() == {} and cache.problems == []
    assert not papers_dir.exists()  # reading never creates files


def _truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


SHARD_DAMAGE = {
    "garbage": lambda p: p.write_bytes(b"\x89PNG garbage {{{"),
    "truncated": _truncate,
    "empty": lambda p: p.write_bytes(b""),
    "a list": lambda p: p.write_bytes(b"[1, 2, 3]"),
    "no version": lambda p: p.write_bytes(b'{"papers": {"1": {"id": "2601.00001"}}}'),
    "table not an object": lambda p: p.write_bytes(
        b'{"_meta": {"1": {"format": 1, "kind": "papers"}}, "papers": [1]}'),
    "library file": lambda p: p.write_bytes(
        b'{"_meta": {"1": {"format": 1, "kind": "library"}}}'),
}


@pytest.mark.parametrize("damage", sorted(SHARD_DAMAGE))
def test_damaged_shard_is_quarantined(papers_dir: Path, damage: str) -> None:
    filled(papers_dir)
    shard = papers_dir / "2601.json"
    SHARD_DAMAGE[damage](shard)
    original = shard.read_bytes()
    cache = PaperCache(papers_dir)
    records = cache.load_all()
    assert sorted(records) == [f"2602.0000{i}" for i in (1, 2, 3, 4, 5, 9)]
    assert not shard.exists()
    moved = list(papers_dir.glob("2601.json.corrupt-*"))
    assert len(moved) == 1 and moved[0].read_bytes() == original
    assert len(cache.problems) == 1
    assert "2601.json" in cache.problems[0] and str(moved[0]) in cache.problems[0]
    # the papers come back with the next sync
    cache.merge([paper("2601.00001")], listed_on="2026-01-30", now=T1)
    assert "2601.00001" in PaperCache(papers_dir).load_all()


def test_malformed_records_are_dropped_and_the_rest_kept(papers_dir: Path) -> None:
    """A record without a usable id is dropped; one with a field of the wrong type is kept
    without that field (reader.store.checked). Either way the file is moved aside, reported,
    and written again from what was kept."""
    filled(papers_dir)
    shard = papers_dir / "2601.json"
    data = orjson.loads(shard.read_bytes())
    data["papers"]["2"]["upvotes"] = "many"  # wrong type
    data["papers"]["3"] = {"title": "no id"}
    data["papers"]["9"] = {"id": "2602.00077"}  # in the wrong shard
    shard.write_bytes(orjson.dumps(data))
    cache = PaperCache(papers_dir)
    ids = set(cache.load_all())
    assert "2601.00001" in ids and "2601.00002" in ids and "2602.00077" not in ids
    kept = cache.get("2601.00002")
    assert kept is not None and kept.paper.upvotes is None and kept.paper.title
    assert len(cache.problems) == 1 and "3 malformed" in cache.problems[0]
    assert len(list(papers_dir.glob("2601.json.corrupt-*"))) == 1
    saved = orjson.loads(shard.read_bytes())["papers"]
    assert [d["id"] for d in saved.values()] == ["2601.00001", "2601.00002"]
    assert "upvotes" not in saved["2"]


def test_newer_format_shard_is_left_alone(papers_dir: Path) -> None:
    """Decision: a file from a newer paper-reader is reported and never read, moved or
    written by this version; papers merged into its month live in memory for the session."""
    filled(papers_dir)
    shard = papers_dir / "2601.json"
    data = orjson.loads(shard.read_bytes())
    data["_meta"]["1"]["format"] = FORMAT + 1
    shard.write_bytes(orjson.dumps(data))
    original = shard.read_bytes()
    cache = PaperCache(papers_dir)
    assert not any(i.startswith("2601.") for i in cache.load_all())
    assert len(cache.problems) == 1
    assert "newer paper-reader" in cache.problems[0] and "2601.json" in cache.problems[0]
    result = cache.merge([paper("2601.00001"), paper("2602.00001", upvotes=5)], now=T1)
    assert result.new == ["2601.00001"]
    assert cache.get("2601.00001") is not None
    assert shard.read_bytes() == original
    assert not list(papers_dir.glob("*.corrupt-*"))


@pytest.mark.parametrize("damage", ["garbage", "wrong-shape", "newer"])
def test_damaged_index(papers_dir: Path, damage: str) -> None:
    cache = filled(papers_dir)
    days = cache.days()
    cache.mark_day_complete("2026-02-04", 2, now=T1)
    index = papers_dir / "index.json"
    if damage == "garbage":
        index.write_bytes(b"{nope")
    elif damage == "wrong-shape":
        index.write_bytes(orjson.dumps({"format": 1, "kind": "paper-index", "days": [1]}))
    else:
        index.write_bytes(orjson.dumps({"format": FORMAT + 1, "kind": "paper-index"}))
    original = index.read_bytes()
    cache = PaperCache(papers_dir)
    assert cache.days() == days  # from the records' listed_on, as always
    assert cache.ids_on("2026-02-04") == ["2602.00003", "2602.00004"]
    assert not cache.day_complete("2026-02-04")  # fetched again
    assert len(cache.problems) == 1 and "index.json" in cache.problems[0]
    cache.merge([paper("2602.00300")], listed_on="2026-02-07", now=T1)
    cache.mark_day_complete("2026-02-07", 1, now=T1)
    if damage == "newer":
        assert index.read_bytes() == original
        assert not list(papers_dir.glob("*.corrupt-*"))
    else:
        assert len(list(papers_dir.glob("index.json.corrupt-*"))) == 1
        again = PaperCache(papers_dir)
        assert again.days()["2026-02-07"] == 1 and again.day_complete("2026-02-07")


def test_lost_index_loses_only_which_days_were_complete(papers_dir: Path) -> None:
    filled(papers_dir).mark_day_complete("2026-02-04", 2, now=T1)
    (papers_dir / "index.json").unlink()
    cache = PaperCache(papers_dir)
    assert [r.id for r in cache.load_recent()][-2:] == ["2601.00001", "2602.00009"]
    assert not cache.day_complete("2026-02-04") and cache.problems == []


def test_an_index_of_earlier_versions_keeps_its_complete_days(papers_dir: Path) -> None:
    """index.json also held every day's ids and the trending list: they are ignored (the
    records tell them), and the next write keeps the complete days alone."""
    filled(papers_dir)
    old = {"days": {"2026-02-04": ["2602.00003", "2602.00004"]},
           "complete": {"2026-02-04": {"count": 2, "fetched": T1}},
           "trending": {"at": T1, "ids": ["2602.00009"]}}
    write_json(papers_dir / "index.json", old, kind="paper-index")
    cache = PaperCache(papers_dir)
    assert cache.day_complete("2026-02-04") and not cache.day_complete("2026-02-05")
    cache.mark_day_complete("2026-02-05", 1, now=T1)
    body = orjson.loads((papers_dir / "index.json").read_bytes())
    assert set(body["complete"]) == {"2026-02-04", "2026-02-05"} and "days" not in body
    assert cache.problems == []


def test_write_failure_is_reported_not_raised(
    papers_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = filled(papers_dir)

    def disk_full(path: Path, data: bytes, **kw: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(shards_module, "atomic_write_bytes", disk_full)
    result = cache.merge([paper("2602.00400")], now=T1)
    assert result.new == ["2602.00400"] and cache.get("2602.00400") is not None
    assert any("2602.json" in p and "space" in p for p in cache.problems)


def test_batch_writes_each_touched_file_once(
    papers_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = filled(papers_dir)
    cache.mark_day_complete("2026-02-04", 2, now=T1)
    written: list[str] = []
    real = shards_module.write_shard

    def counting(path: Path, *args: object) -> None:
        written.append(path.name)
        real(path, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(shards_module, "write_shard", counting)
    index_before = (papers_dir / "index.json").read_bytes()
    with cache.batch():
        for day in ("2026-02-09", "2026-02-10", "2026-02-11"):
            with cache.batch():  # nests
                cache.merge([paper(f"2602.01{day[-2:]}"), paper("2601.00001", upvotes=5)],
                            listed_on=day, now=T1)
            cache.mark_day_complete(day, 2, now=T1)
        assert written == []
        assert (papers_dir / "index.json").read_bytes() == index_before
        assert cache.get("2602.0110") is not None  # memory is up to date inside the batch
    assert sorted(written) == ["2601.json", "2602.json"]
    again = PaperCache(papers_dir)
    assert again.day_complete("2026-02-11") and again.days()["2026-02-10"] == 2
    assert {r.id for r in again.load_recent()[:2]} == {"2602.0111", "2601.00001"}
    record = again.get("2601.00001")
    assert record is not None and record.paper.upvotes == 5


def test_batch_saves_what_was_merged_before_an_error(papers_dir: Path) -> None:
    cache = PaperCache(papers_dir)
    with pytest.raises(RuntimeError), cache.batch():
        cache.merge([paper("2602.00001")], listed_on="2026-02-02", now=T0)
        raise RuntimeError("network went away")
    assert PaperCache(papers_dir).get("2602.00001") is not None


def test_linked_repos(papers_dir: Path) -> None:
    cache = PaperCache(papers_dir)
    assert cache.linked_get("2602.00001") is None
    repos = LinkedRepos(
        models=(LinkedRepo("org/m", "model", likes=3, downloads=10, pipeline_tag="text"),),
        spaces=(LinkedRepo("org/s", "space"),),
    )
    cache.linked_put("2602.00001", repos)
    cache.linked_put("2602.00002", LinkedRepos())
    again = PaperCache(papers_dir)
    assert again.linked_get("2602.00001") == repos
    assert again.linked_get("2602.00002") == LinkedRepos()
    assert again.linked_fetched("2602.00001")
    (papers_dir / "linked.json").write_bytes(b"[")
    broken = PaperCache(papers_dir)
    assert broken.linked_get("2602.00001") is None
    assert len(broken.problems) == 1 and "linked.json" in broken.problems[0]


def test_fulltext(papers_dir: Path) -> None:
    cache = PaperCache(papers_dir)
    assert cache.fulltext_ids() == set() and cache.fulltext_get("2602.00001") is None
    cache.fulltext_put("2602.00001", "# Title\n\nÜnïcode body\n")
    assert cache.fulltext_ids() == {"2602.00001"}
    assert PaperCache(papers_dir).fulltext_get("2602.00001") == "# Title\n\nÜnïcode body\n"
    assert (papers_dir.parent / "fulltext" / "2602.00001.md.gz").exists()
    with pytest.raises(ValueError):
        cache.fulltext_put("../../etc/passwd", "x")


def test_odd_ids_go_to_the_misc_shard(papers_dir: Path) -> None:
    cache = PaperCache(papers_dir)
    cache.merge([paper("hep-th/9901001")], now=T0)
    assert (papers_dir / "misc.json").exists()
    assert PaperCache(papers_dir).get("hep-th/9901001") is not None


def test_store_does_not_import_textual() -> None:
    code = ("import sys, reader.store.cache, reader.store.library, reader.store.locations; "
            "print('textual' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=Path(__file__).resolve().parents[2])
    assert out.stdout.strip() == "False"
