"""Tests for reader.store.shards' reading of a month one document at a time: it must give
exactly what parsing the whole file gives, and leave any file it did not write to that path."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.hub.models import Author, Paper
from reader.store import shards
from reader.store.record import Record
from reader.store.storage import read_db

TRICKY = ['},"5":{', '"},"12":{"', "\\", '\\"},"7":{', "{}", '{"1":{}}', "ünï 数学 \u2028"]


def _whole(path: Path) -> dict[str, object]:
    data = read_db(path, kind=shards.KIND)
    assert data is not None
    return data[shards.TABLE]


def _write(path: Path, titles: list[str]) -> None:
    rows = [(i + 1, Record(Paper(id=f"2602.{i:05d}", title=t, summary=t,
                                 authors=(Author(t or "x"),)), listed_on=("2026-02-03",)))
            for i, t in enumerate(titles)]
    shards.write_shard(path, rows)


def test_a_month_read_a_document_at_a_time_is_the_whole_file(tmp_path: Path) -> None:
    path = tmp_path / "2602.json"
    _write(path, [*TRICKY, "plain"])
    own = shards._read_own(path)
    assert own is not None and own[shards.TABLE] == _whole(path)
    assert [r.paper.title for _, r in shards.read_shard(path, "2602")[0]] == [*TRICKY, "plain"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from(list('{}[]",:\\0123456789ab \u00e9')),
                        max_size=12), max_size=6))
def test_any_titles_read_back_alike(tmp_path_factory: pytest.TempPathFactory,
                                    titles: list[str]) -> None:
    path = tmp_path_factory.mktemp("shard") / "2602.json"
    _write(path, titles)
    own = shards._read_own(path)
    assert own is not None and own[shards.TABLE] == _whole(path)


def test_an_empty_month_reads_as_empty(tmp_path: Path) -> None:
    path = tmp_path / "2602.json"
    _write(path, [])
    assert shards._read_own(path) == {shards.TABLE: {}}
    assert shards.read_shard(path, "2602") == ([], 0)


def test_a_file_written_otherwise_is_parsed_whole(tmp_path: Path) -> None:
    path = tmp_path / "2602.json"
    _write(path, ["a", "b"])
    data = orjson.loads(path.read_bytes())
    path.write_bytes(orjson.dumps(data, option=orjson.OPT_INDENT_2))  # as another tool may
    assert shards._read_own(path) is None
    assert [r.paper.title for _, r in shards.read_shard(path, "2602")[0]] == ["a", "b"]
