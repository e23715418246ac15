"""Saving and loading the index: a round trip answers like a fresh build, a bad file is refused,
and records changed since the save are picked up."""

from __future__ import annotations

import dataclasses
import struct
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reader.hub.models import Paper
from reader.query import Context, Index, matches, parse
from reader.query.persist import FORMAT_VERSION
from reader.store.record import Record
from tests.query.test_matcher import CASES, CTX, PAPERS
from tests.query.test_properties import contexts, query_text, records

QUERIES = [text for text, _ in CASES]


def answers(index: Index, recs: list[Record], ctx: Context, texts: list[str]) -> None:
    """``index`` answers every query like the reference matcher over ``recs`` (in that order)."""
    candidates = [r.id for r in reversed(recs)]
    for text in texts:
        query = parse(text)
        want = [r.id for r in recs if matches(query, r, ctx)]
        if query.sort:  # sorting reorders; the sort itself is tested in test_index
            assert sorted(index.filter(query, ctx)) == sorted(want), text
            continue
        assert index.filter(query, ctx) == want, text
        assert index.filter(query, ctx, candidates) == list(reversed(want)), text
        if not query.is_empty:  # an empty query passes unknown candidates through
            assert index.filter(query, ctx, [*candidates, "2611.99999"]) == want[::-1], text
        assert index.count(query, ctx) == len(want), text


@pytest.fixture
def saved(tmp_path: Path) -> Path:
    path = tmp_path / "index.bin"
    Index(PAPERS.values()).save(path)
    return path


def test_round_trip_answers_the_table(saved: Path) -> None:
    recs = list(PAPERS.values())
    loaded = Index.load(saved, recs)
    assert loaded is not None
    assert loaded.ids == [r.id for r in recs]
    assert all(loaded.get(r.id) is r for r in recs)  # the caller's records, not copies
    answers(loaded, recs, CTX, QUERIES)
    by_id = Index.load(saved, {r.id: r for r in recs})  # a mapping works too
    assert by_id is not None and by_id.ids == loaded.ids


@given(records(), contexts(), st.lists(query_text, min_size=1, max_size=4))
def test_round_trip_equals_a_fresh_build(
    tmp_path_factory: pytest.TempPathFactory, recs: list[Record], ctx: Context, texts: list[str]
) -> None:
    path = tmp_path_factory.mktemp("idx") / "index.bin"
    Index(recs).save(path)
    loaded = Index.load(path, recs)
    assert loaded is not None
    assert loaded.ids == [r.id for r in recs]
    answers(loaded, recs, ctx, texts)


@given(records(), records(), contexts(), st.lists(query_text, min_size=1, max_size=4))
def test_changes_since_the_save_are_picked_up(
    tmp_path_factory: pytest.TempPathFactory, first: list[Record], second: list[Record],
    ctx: Context, texts: list[str],
) -> None:
    """Saved over ``first``, loaded with ``second``: added, changed and removed papers."""
    path = tmp_path_factory.mktemp("idx") / "index.bin"
    Index(first).save(path)
    loaded = Index.load(path, second)
    assert loaded is not None
    assert sorted(loaded.ids) == sorted(r.id for r in second)
    order = {paper_id: k for k, paper_id in enumerate(loaded.ids)}
    answers(loaded, sorted(second, key=lambda r: order[r.id]), ctx, texts)


def test_changed_removed_and_new_papers(saved: Path) -> None:
    diff, old = PAPERS["diff"], PAPERS["old"]
    changed = diff.replace(paper=dataclasses.replace(
        diff.paper, title="Audio Synthesis", upvotes=777))
    counted = old.replace(paper=dataclasses.replace(old.paper, upvotes=1234))
    new = Record(Paper("2611.55555", title="Brand new survey"))
    recs = {r.id: r for r in PAPERS.values() if r.id != PAPERS["bare"].id}
    recs[diff.id], recs[old.id], recs[new.id] = changed, counted, new
    loaded = Index.load(saved, recs)
    assert loaded is not None
    assert len(loaded) == len(recs)
    assert PAPERS["bare"].id not in loaded and loaded.get(PAPERS["bare"].id) is None
    assert loaded.get(diff.id) is changed
    assert loaded.filter(parse("title:video"), CTX) == []
    assert loaded.filter(parse('"audio synthesis"'), CTX) == [diff.id]
    assert loaded.filter(parse("upvotes:>1000"), CTX) == [old.id]
    assert loaded.filter(parse("brand new"), CTX) == [new.id]
    assert loaded.filter(parse(""), CTX) == loaded.ids
    # saving the caught-up index and loading it again changes nothing
    loaded.save(saved)
    again = Index.load(saved, recs)
    assert again is not None and again.ids == loaded.ids
    answers(again, [recs[i] for i in again.ids], CTX, QUERIES)


def test_build_or_load(tmp_path: Path) -> None:
    path = tmp_path / "index.bin"
    recs = list(PAPERS.values())
    index, loaded = Index.build_or_load(path, recs)
    assert not loaded and path.exists()
    index, loaded = Index.build_or_load(path, recs)
    assert loaded and index.ids == [r.id for r in recs]
    # most papers gone: a fresh build beats carrying the removed ones
    index, loaded = Index.build_or_load(path, recs[:1])
    assert not loaded and index.ids == [recs[0].id]
    again = Index.load(path, recs[:1])
    assert again is not None and again.ids == [recs[0].id]


def _damaged(path: Path, how: str) -> None:
    data = path.read_bytes()
    if how == "truncated":
        path.write_bytes(data[: len(data) // 2])
    elif how == "empty":
        path.write_bytes(b"")
    elif how == "flipped":
        middle = len(data) // 2
        path.write_bytes(data[:middle] + bytes([data[middle] ^ 0x55]) + data[middle + 1 :])
    elif how == "last byte":
        path.write_bytes(data[:-1] + bytes([data[-1] ^ 1]))
    elif how == "trailing":
        path.write_bytes(data + b"x")
    elif how == "version":
        path.write_bytes(data[:8] + struct.pack("<I", FORMAT_VERSION + 1) + data[12:])
    elif how == "garbage":
        path.write_bytes(b"PRINDEX\0" + bytes(range(256)) * 10)
    elif how == "directory":
        path.unlink()
        path.mkdir()


@pytest.mark.parametrize(
    "how", ["truncated", "empty", "flipped", "last byte", "trailing", "version", "garbage",
            "directory"])
def test_a_bad_file_is_refused(saved: Path, how: str) -> None:
    _damaged(saved, how)
    assert Index.load(saved, list(PAPERS.values())) is None


def test_a_missing_file_is_refused_and_then_built(tmp_path: Path) -> None:
    assert Index.load(tmp_path / "nothing.bin", list(PAPERS.values())) is None
    index, loaded = Index.build_or_load(tmp_path / "nothing.bin", list(PAPERS.values()))
    assert not loaded and len(index) == len(PAPERS)


def test_remove() -> None:
    recs = list(PAPERS.values())
    index = Index(recs)
    index.remove([recs[0].id, "2611.99999"])
    assert len(index) == len(recs) - 1 and recs[0].id not in index
    answers(index, recs[1:], CTX, QUERIES)
    index.add([recs[0]])  # comes back at the end
    assert index.ids == [r.id for r in recs[1:]] + [recs[0].id]
    answers(index, recs[1:] + recs[:1], CTX, QUERIES)


def test_looks_usable_reads_only_the_header(tmp_path: Path) -> None:
    from reader.query.persist import looks_usable

    path = tmp_path / "index.bin"
    assert not looks_usable(path)
    Index([]).save(path)
    assert looks_usable(path)
    raw = bytearray(path.read_bytes())
    raw[8] += 1  # another format version
    path.write_bytes(bytes(raw))
    assert not looks_usable(path)
