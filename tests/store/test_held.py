"""Tests for reader.store.derived.held: the records a start reads back from the derived store.

What matters: the store is used only for the shard versions it was brought up to date with,
and whatever is wrong with it (stale, missing, old, gone after loading) costs a JSON read,
never a paper."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from reader.hub.models import Author, Organization, Paper
from reader.store import shards as shards_module
from reader.store.cache import PaperCache
from reader.store.derived import held, schema
from reader.store.record import Record, record_to_dict
from reader.store.shards import read_shard, write_shard

T0, T1 = "2026-03-01T00:00:00.000Z", "2026-03-02T00:00:00.000Z"


def full_paper(pid: str, upvotes: int = 12) -> Paper:
    return Paper(
        id=pid, title=f"Title {pid} ünïcødé 数学", summary="Line one.\n\nLine [b]two[/b].",
        authors=(Author("Ada Lovelace"), Author("Bob", "bob"), Author("Hidden", None, True)),
        published_at="2026-02-01T00:00:00.000Z", submitted_daily_at="2026-02-03T00:00:00.000Z",
        submitted_by="akhaliq", upvotes=upvotes, num_comments=3, ai_summary="Short.",
        ai_keywords=("diffusion", "LLM"), github_repo="https://github.com/a/b", github_stars=7,
        project_page="https://x.y", organization=Organization("Org", "The Org"),
        discussion_id="abc", thumbnail="https://t/1.png", media_urls=("https://m/1.mp4",))


def stored_home(tmp_path: Path, n: int = 5) -> tuple[Path, dict[str, Record]]:
    """A cache of ``n`` full papers and one with every optional field empty, its search store
    built; returns the papers dir and the records as the JSON holds them."""
    papers = tmp_path / "cache" / "papers"
    cache = PaperCache(papers)
    cache.merge([full_paper(f"2602.{i:05d}", upvotes=i) for i in range(n)],
                listed_on="2026-02-03", now=T0)
    cache.merge([full_paper("2602.00001", upvotes=50)], trending=True, now=T1)
    cache.merge([Paper(id="2602.99999")], now=T1)
    cache.search_store().close()
    rows, bad = read_shard(papers / "2602.json", "2602")
    assert not bad
    return papers, {r.id: r for _, r in rows}


def no_json(monkeypatch: pytest.MonkeyPatch) -> None:
    def forbidden(*args: object, **kw: object) -> object:
        raise AssertionError("the JSON shard was parsed")

    monkeypatch.setattr(shards_module, "read_shard", forbidden)


def test_a_start_reads_the_records_from_the_store_not_the_json(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    papers, expected = stored_home(tmp_path)
    no_json(monkeypatch)
    loaded = PaperCache(papers).load_all()
    assert all(r.is_packed for r in loaded.values())
    assert loaded == expected  # every field, the cache's times and sightings included


def test_loaded_papers_stay_packed_until_used(tmp_path: Path) -> None:
    papers, expected = stored_home(tmp_path)
    records = PaperCache(papers).load_all()
    # what the views need of every paper is there without unpacking
    assert {pid: (r.day, r.upvotes, r.listed_on, r.trending, r.first_seen, r.updated_at,
                  r.observed_at) for pid, r in records.items()} == {
        pid: (r.day, r.upvotes, r.listed_on, r.trending, r.first_seen, r.updated_at,
              r.observed_at) for pid, r in expected.items()}
    assert all(r.is_packed for r in records.values())
    one = records["2602.00002"]
    assert one.needs_summary and one.summary == expected[one.id].summary
    assert one.is_packed and not one.needs_summary  # the abstract alone
    assert one.paper == expected[one.id].paper and not one.is_packed
    assert one.paper is one.paper  # unpacked once, then kept
    empty = records["2602.99999"]
    assert empty.day == "" and empty.upvotes is None and empty.paper == Paper(id="2602.99999")


def test_the_views_need_no_unpacking(tmp_path: Path) -> None:
    from reader.views import build_data

    papers, _ = stored_home(tmp_path, n=20)
    records = PaperCache(papers).load_all()
    data = build_data(records, complete=True)
    assert list(data.by_date[:2]) == ["2602.00001", "2602.00019"]  # 50 upvotes, then 19
    assert all(r.is_packed for r in records.values())


def test_a_shard_written_behind_the_stores_back_is_read_from_its_json(tmp_path: Path) -> None:
    papers, expected = stored_home(tmp_path)
    path = papers / "2602.json"
    rows, _ = read_shard(path, "2602")
    changed = [(d, r.replace(paper=full_paper(r.id, upvotes=99)) if r.id == "2602.00003" else r)
               for d, r in rows]
    write_shard(path, changed)  # e.g. an older paper-reader, or a crash before the store write
    loaded = PaperCache(papers).load_all()
    assert loaded["2602.00003"].upvotes == 99
    assert not any(r.is_packed for r in loaded.values())  # the whole shard from its JSON


@pytest.mark.parametrize("damage", ["missing", "old schema", "garbage"])
def test_an_unusable_store_costs_a_json_read(tmp_path: Path, damage: str) -> None:
    papers, expected = stored_home(tmp_path)
    store_path = papers.parent / schema.FILE_NAME
    if damage == "missing":
        store_path.unlink()
    elif damage == "old schema":
        with sqlite3.connect(store_path) as conn:
            conn.execute("PRAGMA user_version = 4")
        conn.close()
    else:
        store_path.write_bytes(b"garbage" * 500)
    loaded = PaperCache(papers).load_all()
    assert loaded == expected
    assert not any(r.is_packed for r in loaded.values())


def test_a_shard_written_again_keeps_its_unchanged_papers_packed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A merge into a month writes the whole shard: its unchanged papers are written as the
    store holds them, without being encoded again."""
    from reader.store import shards

    papers, expected = stored_home(tmp_path)
    cache = PaperCache(papers)
    cache.load_all()
    encoded: list[str] = []

    def encode(record: Record) -> dict[str, object]:
        encoded.append(record.id)
        return record_to_dict(record)

    monkeypatch.setattr(shards, "record_to_dict", encode)
    cache.merge([Paper(id="2602.00100", title="new")], listed_on="2026-02-04", now=T1)
    assert encoded == ["2602.00100"]
    rows, bad = read_shard(papers / "2602.json", "2602")
    on_disk = {r.id: r for _, r in rows}
    assert not bad and set(on_disk) == {*expected, "2602.00100"}
    assert all(on_disk[pid] == r for pid, r in expected.items())
    # and the next start reads the new version from the store, doc ids kept
    again = PaperCache(papers).load_all()
    assert all(r.is_packed for r in again.values()) and again == on_disk


def test_a_store_gone_after_loading_gives_the_papers_from_the_json(tmp_path: Path) -> None:
    papers, expected = stored_home(tmp_path)
    records = PaperCache(papers).load_all()
    conn = sqlite3.connect(papers.parent / schema.FILE_NAME)
    with conn:
        conn.execute("DELETE FROM bodies")  # e.g. another instance rebuilt it differently
    conn.close()
    assert records["2602.00004"].paper == expected["2602.00004"].paper
    assert records["2602.00002"].summary == expected["2602.00002"].summary


def test_a_paper_lost_everywhere_is_shown_empty_and_its_month_never_written(
    tmp_path: Path,
) -> None:
    papers, _ = stored_home(tmp_path)
    again = PaperCache(papers)
    loaded = again.load_all()
    conn = sqlite3.connect(papers.parent / schema.FILE_NAME)
    with conn:
        conn.execute("DELETE FROM bodies")  # the store loses the papers...
    conn.close()
    (papers / "2602.json").write_bytes(b"{}")  # ...and the JSON is gone too
    damaged = loaded["2602.00002"]
    try:
        assert damaged.paper == Paper(id=damaged.id)
        assert damaged.id in held.MADE_UP
        again.merge([Paper(id="2602.00003", title="new")], listed_on="2026-02-04", now=T1)
        assert (papers / "2602.json").read_bytes() == b"{}"  # not written over
        assert any("2602.json" in p and "left as it is" in p for p in again.problems)
    finally:
        held.MADE_UP.clear()


def test_the_quick_copies_of_earlier_versions_are_deleted(tmp_path: Path) -> None:
    papers, expected = stored_home(tmp_path)
    (papers / "2602.quick").write_bytes(b"PRQUICK\0 an old binary copy")
    assert PaperCache(papers).load_all() == expected
    assert not (papers / "2602.quick").exists()


def test_records_compare_and_hash_by_content(tmp_path: Path) -> None:
    papers, expected = stored_home(tmp_path)
    loaded = PaperCache(papers).load_all()
    one = loaded["2602.00001"]
    assert one.is_packed and one == expected[one.id] and hash(one) == hash(expected[one.id])
    assert one != expected["2602.00002"]


def test_a_month_whose_stored_doc_ids_clash_is_read_from_its_json(tmp_path: Path) -> None:
    """Writing a month with two papers at one doc id would lose one of them: never trusted."""
    papers, expected = stored_home(tmp_path)
    conn = sqlite3.connect(papers.parent / schema.FILE_NAME)
    with conn:
        conn.execute("UPDATE heads SET doc_id = 1")
    conn.close()
    loaded = PaperCache(papers).load_all()
    assert loaded == expected and not any(r.is_packed for r in loaded.values())


def test_the_stored_bodies_are_the_shards_documents(tmp_path: Path) -> None:
    """A body is written back into its shard as it is: it must be the shard's document."""
    import orjson

    papers, _ = stored_home(tmp_path)
    shard = orjson.loads((papers / "2602.json").read_bytes())["papers"]
    conn = sqlite3.connect(papers.parent / schema.FILE_NAME)
    try:
        stored = {str(doc_id): orjson.loads(body) for doc_id, body in conn.execute(
            "SELECT h.doc_id, b.body FROM heads h JOIN bodies b ON b.rid = h.rid")}
    finally:
        conn.close()
    assert stored == shard and len(stored) == 6
