"""A big file of JSON lines is parsed in two halves, the second in a child process: the result,
and every error, are those of reading it in one pass (reader.cli.halves)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import orjson
import pytest

from reader.__main__ import main
from reader.cli import halves
from reader.cli.collect import Collected, collect, paper_of
from reader.cli.jsonstream import BadJSON, iter_values
from reader.store.cache import PaperCache
from reader.store.locations import locations
from tests.fakehub import Corpus


def _items(corpus: Corpus) -> list[dict[str, Any]]:
    return [it for day in corpus.dates() for it in corpus.items_on(day)]


def _lines(tmp_path: Path, lines: list[bytes], name: str = "dump.jsonl") -> Path:
    path = tmp_path / name
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


def _one_pass(path: Path, date: str | None = None) -> Collected:
    with path.open("rb") as stream:
        return collect(iter_values(stream), date)


def _halves(path: Path, date: str | None = None) -> Collected:
    with path.open("rb") as stream:
        assert halves.split_point(stream) is not None  # this file is cut in two
        return halves.collect_file(stream, str(path), date)


@pytest.fixture(autouse=True)
def small_split(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(halves, "SPLIT_MIN", 1000)  # the test files are cut too


def test_a_paper_packs_and_unpacks_to_itself(hostile_corpus: Corpus) -> None:
    papers = [paper_of(it) for it in _items(hostile_corpus)]
    assert papers and any(p is not None and p.organization for p in papers)
    for paper in papers:
        assert paper is not None
        assert halves.unpack(halves.pack(paper)) == paper


@pytest.mark.parametrize("date", [None, "2026-11-11"])
def test_two_halves_collect_what_one_pass_does(
    tmp_path: Path, hostile_corpus: Corpus, date: str | None
) -> None:
    lines = [orjson.dumps(it) for it in _items(hostile_corpus)]
    lines[3:3] = [b"", b"42", b'{"not": "a paper"}']  # skipped in the first half
    lines[-3:-3] = [b"[1]", b"  "]  # and in the second
    # The same paper twice, once in each half: merged in file order, as in one pass.
    lines.append(lines[0])
    path = _lines(tmp_path, lines)
    got, want = _halves(path, date), _one_pass(path, date)
    assert got.papers == want.papers
    assert got.skipped == want.skipped >= 3  # 42, {"not": ...}, [1] (blank lines are no items)
    assert got.papers + got.skipped == len([line for line in lines if line.strip()])
    assert got.newest == want.newest is not None
    assert got.by_day == want.by_day  # the same days, the same papers in the same order


@pytest.mark.parametrize("where", [0.2, 0.9])  # a bad line in the first half, in the second
def test_a_bad_line_is_reported_with_its_line_number_from_either_half(
    tmp_path: Path, corpus: Corpus, where: float
) -> None:
    lines = [orjson.dumps(it) for it in _items(corpus)]
    at = int(len(lines) * where)
    lines[at] = b'{"paper": oops}'
    path = _lines(tmp_path, lines)
    with pytest.raises(BadJSON) as one:
        _one_pass(path)
    with pytest.raises(BadJSON) as two:
        _halves(path)
    assert str(two.value) == str(one.value)
    assert str(two.value).startswith(f"line {at + 1} is not valid JSON (")


def test_invalid_utf8_in_the_second_half_is_refused(tmp_path: Path, corpus: Corpus) -> None:
    lines = [orjson.dumps(it) for it in _items(corpus)]
    lines[-2] = lines[-2].replace(b'"title":"', b'"title":"\xff', 1)
    path = _lines(tmp_path, lines)
    with pytest.raises(BadJSON, match="not UTF-8"):
        _halves(path)


def test_a_child_that_dies_leaves_the_work_to_the_parent(
    tmp_path: Path, corpus: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    def dies(*args: object) -> None:
        os._exit(1)  # no result sent: the parent reads the second half itself

    monkeypatch.setattr(halves, "_child", dies)
    path = _lines(tmp_path, [orjson.dumps(it) for it in _items(corpus)])
    assert _halves(path).by_day == _one_pass(path).by_day


@pytest.mark.parametrize("data", [
    b"[" + b",".join([b'{"paper": {"id": "2603.00001"}}'] * 100) + b"]",  # an array
    b'{\n  "paper": {"id": "2603.00001"}\n}\n' * 100,  # pretty-printed, not one per line
    b'{"paper": {"id": "2603.00001"}}' * 100,  # no line break at all
])
def test_only_json_lines_are_cut(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "dump.json"
    path.write_bytes(data)
    with path.open("rb") as stream:
        assert halves.split_point(stream) is None
        assert stream.tell() == 0


def test_the_import_of_a_big_json_lines_file_uses_both_halves(
    tmp_path: Path, corpus: Corpus, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    items = _items(corpus)
    path = _lines(tmp_path, [orjson.dumps(it) for it in items])
    cut: list[int | None] = []
    real = halves.split_point

    def spy(stream: Any) -> int | None:
        cut.append(real(stream))
        return cut[-1]

    monkeypatch.setattr(halves, "split_point", spy)
    assert main(["import", str(path)]) == 0
    assert cut and cut[0] is not None
    assert capsys.readouterr().out.startswith(f"imported {len(items)} papers")
    assert len(PaperCache(locations().papers_dir).load_all()) == len(items)
