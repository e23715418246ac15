"""Tests for reader.store.quick: the binary copies of the shards that make a start fast.

What matters: a quick copy is used only for the very shard version it was made from, and
whatever is wrong with it (stale, damaged, foreign) costs a JSON read, never a paper."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest

from reader.hub.models import Author, Organization, Paper
from reader.store import cache as cache_module
from reader.store import quick
from reader.store.cache import PaperCache
from reader.store.record import Record
from reader.store.shards import read_shard, write_shard

T0, T1 = "2026-03-01T00:00:00.000Z", "2026-03-02T00:00:00.000Z"


def full_record(pid: str, upvotes: int = 12) -> Record:
    paper = Paper(
        id=pid, title=f"Title {pid} ünïcødé 数学", summary="Line one.\n\nLine [b]two[/b].",
        authors=(Author("Ada Lovelace"), Author("Bob", "bob"), Author("Hidden", None, True)),
        published_at="2026-02-01T00:00:00.000Z", submitted_daily_at="2026-02-03T00:00:00.000Z",
        submitted_by="akhaliq", upvotes=upvotes, num_comments=3, ai_summary="Short.",
        ai_keywords=("diffusion", "LLM"), github_repo="https://github.com/a/b", github_stars=7,
        project_page="https://x.y", organization=Organization("Org", "The Org"),
        discussion_id="abc", thumbnail="https://t/1.png", media_urls=("https://m/1.mp4",))
    return Record(paper, listed_on=("2026-02-03", "2026-02-04"),
                  trending=((3, T0), (1, T1)), first_seen=T0, updated_at=T1)


def shard(tmp_path: Path, n: int = 5) -> tuple[Path, list[tuple[int, Record]]]:
    rows = [(i + 1, full_record(f"2602.{i:05d}")) for i in range(n)]
    rows.append((n + 1, Record(Paper(id="2602.99999"))))  # every optional field empty
    path = tmp_path / "2602.json"
    write_shard(path, rows)
    return path, rows


def test_a_written_shard_reads_back_the_same_records(tmp_path: Path) -> None:
    path, rows = shard(tmp_path)
    assert quick.quick_path(path).exists()
    assert quick.read_quick(path) == rows
    assert read_shard(path, "2602") == (rows, 0)  # and the JSON says the same


def test_authors_and_keywords_are_shared_objects(tmp_path: Path) -> None:
    path, _ = shard(tmp_path)
    loaded = quick.read_quick(path)
    assert loaded is not None
    first, second = loaded[0][1].paper, loaded[1][1].paper
    assert first.authors[0] is second.authors[0]
    assert first.ai_keywords[0] is second.ai_keywords[0]


def test_a_shard_written_since_makes_the_copy_stale(tmp_path: Path) -> None:
    path, rows = shard(tmp_path)
    old_copy = quick.quick_path(path).read_bytes()
    changed = [(rows[0][0], full_record(rows[0][1].id, upvotes=99)), *rows[1:]]
    write_shard(path, changed)
    quick.quick_path(path).write_bytes(old_copy)  # e.g. an older version wrote only the JSON
    assert quick.read_quick(path) is None


@pytest.mark.parametrize("damage", ["flip", "truncate", "empty", "header"])
def test_a_damaged_copy_is_not_used(tmp_path: Path, damage: str) -> None:
    path, _ = shard(tmp_path)
    copy = quick.quick_path(path)
    raw = bytearray(copy.read_bytes())
    if damage == "flip":
        raw[quick._HEADER.size + 20] ^= 0xFF  # in the heads
    elif damage == "truncate":
        raw = raw[: quick._HEADER.size + 10]  # into the heads (a cut in the papers: below)
    elif damage == "empty":
        raw = bytearray()
    else:
        raw[8] += 1  # another format version
    copy.write_bytes(bytes(raw))
    assert quick.read_quick(path) is None


def test_the_cache_reads_the_copy_and_not_the_json(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    papers = tmp_path / "papers"
    cache = PaperCache(papers)
    cache.merge([full_record(f"2602.{i:05d}").paper for i in range(3)], listed_on="2026-02-03",
                now=T0)
    expected = cache.load_all()

    def forbidden(*args: object, **kw: object) -> object:
        raise AssertionError("the JSON shard was parsed")

    monkeypatch.setattr(cache_module, "read_shard", forbidden)
    assert PaperCache(papers).load_all() == expected


def test_a_stale_copy_falls_back_to_the_json_and_is_made_again(tmp_path: Path) -> None:
    papers = tmp_path / "papers"
    cache = PaperCache(papers)
    cache.merge([full_record("2602.00001").paper], listed_on="2026-02-03", now=T0)
    copy = quick.quick_path(papers / "2602.json")
    stale = copy.read_bytes()
    cache.merge([full_record("2602.00002").paper], listed_on="2026-02-03", now=T1)
    copy.write_bytes(stale)  # as if the quick copy of the second write was lost
    loaded = PaperCache(papers).load_all()
    assert sorted(loaded) == ["2602.00001", "2602.00002"]
    assert copy.read_bytes() != stale  # a fresh copy was made from the JSON
    assert quick.read_quick(papers / "2602.json") == sorted(
        ((i + 1, loaded[pid]) for i, pid in enumerate(sorted(loaded))), key=lambda r: r[0])


def test_papers_read_from_the_json_are_held_packed_as_from_a_copy(tmp_path: Path) -> None:
    """The first start after a Python upgrade (every copy unusable) parses the JSON and makes
    the copies; it then holds the copies' packed records, not 10^5 parsed papers at once."""
    path, rows = shard(tmp_path)
    quick.quick_path(path).unlink()  # as a copy made by another Python is not used
    loaded = PaperCache(tmp_path).load_all()
    assert quick.quick_path(path).exists()
    assert all(r.is_packed for r in loaded.values())
    assert sorted(loaded.values(), key=lambda r: r.id) == sorted(
        (r for _, r in rows), key=lambda r: r.id)


def test_a_copy_that_cannot_be_written_is_harmless(tmp_path: Path) -> None:
    papers = tmp_path / "papers"
    papers.mkdir()
    quick.quick_path(papers / "2602.json").mkdir()  # a directory where the copy should go
    cache = PaperCache(papers)
    cache.merge([full_record("2602.00001").paper], listed_on="2026-02-03", now=T0)
    assert not cache.problems
    assert list(PaperCache(papers).load_all()) == ["2602.00001"]


def test_loaded_papers_stay_packed_until_used(tmp_path: Path) -> None:
    path, rows = shard(tmp_path)
    loaded = quick.read_quick(path)
    assert loaded is not None
    records = [r for _, r in loaded]
    assert all(r.is_packed for r in records)
    # what the views need of every paper is there without unpacking
    assert [(r.id, r.day, r.upvotes, r.listed_on, r.trending, r.first_seen, r.updated_at)
            for r in records] == [
        (r.id, r.day, r.upvotes, r.listed_on, r.trending, r.first_seen, r.updated_at)
        for _, r in rows]
    assert all(r.is_packed for r in records)
    assert records[1].needs_summary and records[1].summary == rows[1][1].paper.summary
    assert records[1].is_packed and not records[1].needs_summary  # the abstract alone
    assert records[0].paper == rows[0][1].paper and not records[0].is_packed
    assert records[0].paper is records[0].paper  # unpacked once, then kept
    assert records[-1].day == "" and records[-1].upvotes is None


def test_the_views_need_no_unpacking(tmp_path: Path) -> None:
    from reader.views import build_data

    papers = tmp_path / "papers"
    cache = PaperCache(papers)
    cache.merge([full_record(f"2602.{i:05d}", upvotes=i).paper for i in range(20)],
                listed_on="2026-02-03", now=T0)
    records = PaperCache(papers).load_all()
    data = build_data(records, complete=True)
    assert data.by_date[0] == "2602.00019"
    assert all(r.is_packed for r in records.values())


def test_records_compare_and_hash_by_content() -> None:
    a, b = full_record("2602.00001"), full_record("2602.00001")
    assert a == b and hash(a) == hash(b) and a is not b
    assert a != a.replace(updated_at="later")
    assert a.replace(paper=a.paper) == a
    with pytest.raises(TypeError):
        a.replace(nope=1)


@pytest.mark.parametrize("lazy", [True, False])
def test_papers_are_read_from_the_file_when_used_or_at_load(tmp_path: Path, lazy: bool) -> None:
    path, rows = shard(tmp_path)
    loaded = quick.read_quick(path, lazy=lazy)
    assert loaded is not None
    quick.quick_path(path).unlink()  # an open file stays readable; bytes read at load too
    assert loaded == rows


def test_a_paper_damaged_on_disk_after_loading_comes_from_the_json(tmp_path: Path) -> None:
    path, rows = shard(tmp_path)
    loaded = quick.read_quick(path)
    assert loaded is not None
    with quick.quick_path(path).open("r+b") as f:  # the disk changes the bytes in place
        f.seek(-5, 2)
        f.write(b"\xff" * 5)
    assert loaded[-1][1].paper == rows[-1][1].paper  # checksum failed: read from the JSON
    assert loaded[0][1].paper == rows[0][1].paper  # an intact one is still unpacked


def test_a_copy_replaced_after_loading_leaves_loaded_records_right(tmp_path: Path) -> None:
    papers = tmp_path / "papers"
    first = PaperCache(papers)
    first.merge([full_record(f"2602.{i:05d}").paper for i in range(3)], listed_on="2026-02-03",
                now=T0)
    expected = {pid: r.paper for pid, r in first.load_all().items()}
    loaded = PaperCache(papers).load_all()  # packed, reading 2602.quick as it is now
    other = PaperCache(papers)  # a second instance rewrites the shard and its quick copy
    other.merge([full_record("2602.00001", upvotes=99).paper,
                 Paper(id="2602.00007", title="A much longer title " * 20)], now=T1)
    assert {pid: r.paper for pid, r in loaded.items()} == expected
    assert PaperCache(papers).get("2602.00001").paper.upvotes == 99  # type: ignore[union-attr]


def test_a_copy_cut_short_in_its_papers_gives_the_papers_from_the_json(tmp_path: Path) -> None:
    path, rows = shard(tmp_path)
    copy = quick.quick_path(path)
    copy.write_bytes(copy.read_bytes()[:-30])
    loaded = quick.read_quick(path)
    assert loaded == rows


def test_an_abstract_damaged_on_disk_comes_from_the_json(tmp_path: Path) -> None:
    path, rows = shard(tmp_path)
    loaded = quick.read_quick(path)
    assert loaded is not None
    raw = quick.quick_path(path).read_bytes()
    at = raw.rindex(b"Line one.")  # the last full record's abstract
    with quick.quick_path(path).open("r+b") as f:
        f.seek(at)
        f.write(b"\xff\xfe")
    assert loaded[-2][1].summary == rows[-2][1].paper.summary


def test_only_the_newest_copies_stay_open(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    papers = tmp_path / "papers"
    cache = PaperCache(papers)
    cache.merge([full_record("2601.00001").paper, full_record("2602.00001").paper],
                listed_on="2026-02-03", now=T0)
    expected = cache.load_all()
    monkeypatch.setattr(quick, "open_files_allowed", lambda: 1)
    loaded = PaperCache(papers).load_all()
    old, new = loaded["2601.00001"], loaded["2602.00001"]
    assert old._packer._data is not None  # type: ignore[attr-defined]  # read at load, closed
    assert new._packer._data is None  # type: ignore[attr-defined]  # kept open, read on use
    assert loaded == expected


def test_a_read_error_after_loading_gives_the_paper_from_the_json(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path, rows = shard(tmp_path)
    loaded = quick.read_quick(path)
    assert loaded is not None

    def failing(fd: int, length: int, offset: int) -> bytes:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(quick, "_pread", failing)  # the disk fails under the open copy
    assert loaded[0][1].paper == rows[0][1].paper


def test_a_paper_lost_everywhere_is_shown_empty_and_its_month_never_written(
    tmp_path: Path,
) -> None:
    papers = tmp_path / "papers"
    cache = PaperCache(papers)
    cache.merge([full_record("2602.00001").paper, full_record("2602.00002").paper],
                listed_on="2026-02-03", now=T0)
    again = PaperCache(papers)
    loaded = again.load_all()
    copy = quick.quick_path(papers / "2602.json")
    with copy.open("r+b") as f:  # the disk damages the copy's papers...
        f.seek(-5, 2)
        f.write(b"\xff" * 5)
    json_bytes = (papers / "2602.json").read_bytes()
    (papers / "2602.json").write_bytes(b"{}")  # ...and the JSON is gone too
    damaged = next(r for r in loaded.values() if r.paper.title == "")
    assert damaged.id in quick.MADE_UP
    again.merge([Paper(id="2602.00003", title="new")], listed_on="2026-02-04", now=T1)
    assert (papers / "2602.json").read_bytes() == b"{}"  # not written over
    assert any("2602.json" in p and "left as it is" in p for p in again.problems)
    quick.MADE_UP.discard(damaged.id)
    assert json_bytes


def test_a_record_lets_its_file_go_once_fully_read(tmp_path: Path) -> None:
    path, rows = shard(tmp_path)
    loaded = quick.read_quick(path)
    assert loaded is not None
    record = loaded[0][1]
    assert record._packer is not None
    assert record.summary == rows[0][1].paper.summary and record._packer is not None
    assert record.paper == rows[0][1].paper and record._packer is None
