"""`paper-reader import`: every accepted shape, stdin, and bad files that leave the cache alone."""

from __future__ import annotations

import io
import sys
from pathlib import Path
from typing import Any

import orjson
import pytest

from reader.__main__ import main
from reader.cli import jsonstream
from reader.store.cache import PaperCache
from reader.store.locations import locations
from tests.fakehub import Corpus


def cache() -> PaperCache:
    return PaperCache(locations().papers_dir)


def cache_files() -> dict[str, bytes]:
    root = locations().cache_dir
    if not root.exists():
        return {}
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file()}


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def day_items(corpus: Corpus, n: int = 2) -> list[dict[str, Any]]:
    return [it for day in corpus.dates()[-n:] for it in corpus.items_on(day)]


def test_import_a_json_array_of_daily_items(
    tmp_path: Path, corpus: Corpus, capsys: pytest.CaptureFixture[str]
) -> None:
    items = day_items(corpus)
    path = write(tmp_path, "dump.json", orjson.dumps(items, option=orjson.OPT_INDENT_2))
    assert main(["import", str(path)]) == 0
    out = capsys.readouterr().out
    assert out == f"imported {len(items)} papers ({len(items)} new, 0 updated), " \
                  "skipped 0 invalid items\n"
    c = cache()
    assert len(c) == len(items)
    for item in items:
        record = c.get(item["paper"]["id"])
        assert record is not None
        assert record.listed_on == (item["paper"]["submittedOnDailyAt"][:10],)
        assert record.paper.num_comments == item["numComments"]  # taken from the item
        assert record.paper.upvotes == item["paper"]["upvotes"]
    # Imported again: everything is known, nothing changes.
    assert main(["import", str(path)]) == 0
    assert f"({0} new, 0 updated)" in capsys.readouterr().out


def test_import_json_lines_with_invalid_items_counted(
    tmp_path: Path, corpus: Corpus, capsys: pytest.CaptureFixture[str]
) -> None:
    items = day_items(corpus, 1)
    lines = [orjson.dumps(it) for it in items]
    lines[1:1] = [b"", b"42", b'{"not": "a paper"}', b'{"paper": {"id": "../../etc/passwd"}}']
    path = write(tmp_path, "dump.jsonl", b"\n".join(lines) + b"\n")
    assert main(["import", str(path)]) == 0
    assert capsys.readouterr().out == (
        f"imported {len(items)} papers ({len(items)} new, 0 updated), skipped 3 invalid items\n"
    )
    assert len(cache()) == len(items)


def test_import_search_items_in_both_shapes_and_bare_papers(
    tmp_path: Path, corpus: Corpus, capsys: pytest.CaptureFixture[str]
) -> None:
    ids = corpus.ids()
    wrapped = corpus.search(corpus.item(ids[0])["title"].split()[0], 5)  # type: ignore[index]
    slim = [{"id": ids[10], "title": "Slim result", "thumbnailUrl": "https://x/y.png",
             "source": "hf"}]
    bare = [corpus.paper(ids[20]), corpus.paper(ids[21])]
    path = write(tmp_path, "mixed.json", orjson.dumps([*wrapped, *slim, *bare]))
    assert main(["import", str(path)]) == 0
    expected = {h["paper"]["id"] for h in wrapped} | {ids[10], ids[20], ids[21]}
    assert f"imported {len(expected)} papers" in capsys.readouterr().out
    c = cache()
    assert set(c.load_all()) == expected
    assert c.get(ids[10]).paper.title == "Slim result"  # type: ignore[union-attr]
    bare_record = c.get(ids[20])
    assert bare_record is not None and bare_record.paper.authors
    # A slim item never erases what a richer one brought.
    rich = write(tmp_path, "rich.json", orjson.dumps([corpus.item(ids[10])]))
    assert main(["import", str(rich)]) == 0
    again = write(tmp_path, "slim.json", orjson.dumps(slim))
    assert main(["import", str(again)]) == 0
    record = cache().get(ids[10])
    assert record is not None and record.paper.authors and record.paper.summary


def test_import_from_stdin(corpus: Corpus, monkeypatch: pytest.MonkeyPatch,
                           capsys: pytest.CaptureFixture[str]) -> None:
    items = day_items(corpus, 1)
    data = b"\n".join(orjson.dumps(it) for it in items)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    assert main(["import", "-"]) == 0
    assert f"imported {len(items)} papers" in capsys.readouterr().out


def test_import_streams_across_chunk_boundaries(
    tmp_path: Path, corpus: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(jsonstream, "CHUNK", 1000)  # many cuts inside strings and numbers
    items = day_items(corpus, 1)
    path = write(tmp_path, "dump.json", orjson.dumps(items))
    assert main(["import", str(path)]) == 0
    assert len(cache()) == len(items)


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"this is not json at all", "expected a JSON array"),
        (b"", "empty"),
        (b"[{\"paper\": {\"id\": \"2603.00001\"}}, {\"paper\": ", "middle of item 2"),
        (b"[{\"paper\": {\"id\": \"2603.00001\"}} {}]", "expected ','"),
        (b"{\"paper\": {\"id\": \"2603.00001\"}}\n{\"paper\": oops}\n", "line 2"),
        (b"\xff\xfe[\x00]", "UTF-8"),
        (b"[1, 2, {\"x\": 3}]", "no papers found"),
    ],
)
def test_a_bad_file_imports_nothing(
    tmp_path: Path, corpus: Corpus, capsys: pytest.CaptureFixture[str], data: bytes, words: str
) -> None:
    seed = write(tmp_path, "seed.json", orjson.dumps(day_items(corpus, 1)))
    assert main(["import", str(seed)]) == 0
    before = cache_files()
    capsys.readouterr()
    path = write(tmp_path, "bad.json", data)
    assert main(["import", str(path)]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith(f"paper-reader: {path}: ") and words in err
    assert err.count("\n") == 1
    assert cache_files() == before


def test_a_truncated_dump_merges_nothing_even_after_valid_items(
    tmp_path: Path, corpus: Corpus
) -> None:
    data = orjson.dumps(day_items(corpus, 2))
    path = write(tmp_path, "cut.json", data[: len(data) * 2 // 3])
    assert main(["import", str(path)]) == 1
    assert len(cache()) == 0


def test_missing_file_and_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", str(tmp_path / "nope.json")]) == 1
    assert "cannot read" in capsys.readouterr().err
    assert main(["import", str(tmp_path)]) == 1
    assert "is a directory" in capsys.readouterr().err
