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
        # Issue 13, item 8: the stdlib decoder's RecursionError used to escape as a traceback.
        (b"[" * 100_000 + b"]" * 100_000, "item 1 is nested too deeply"),
        (b'[{"paper": ' + b"[" * 100_000 + b"]" * 100_000 + b"}]", "nested too deeply"),
        (b'{"a": ' * 50_000 + b"1" + b"}" * 50_000, "line 1 is not valid JSON"),
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


def test_a_deeply_nested_array_on_stdin_is_one_clear_line(
    corpus: Corpus, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 13, item 8: `import -` of a deeply nested array."""
    data = b"[" * 200_000 + b"]" * 200_000
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    assert main(["import", "-"]) == 1
    out, err = capsys.readouterr()
    assert out == "" and err == "paper-reader: stdin: item 1 is nested too deeply; " \
                               "nothing was imported\n"
    assert cache_files() == {}


# A scraper's bug (SOURCES.md of ../shared/realdata): arrays of Python repr strings instead of
# JSON objects, and a {"status", "date", "count", "data"} wrapper around such strings. Made up
# here in that shape (the real files were not kept).
_REPR = ("{'paper': {'id': '2412.%05d', 'authors': [{'_id': '6757b1', 'name': 'Ada', "
         "'hidden': False}], 'publishedAt': '2024-12-09T18:59:58.000Z', 'title': 'T', "
         "'upvotes': 3}, 'publishedAt': '2024-12-11T01:02:03.000Z', 'numComments': 0}")


@pytest.mark.parametrize(
    ("body", "skipped"),
    [
        ([_REPR % i for i in range(26)], 26),
        ({"status": "success", "date": "2025-01-10", "count": 3,
          "data": [_REPR % i for i in range(3)]}, 1),
    ],
)
def test_arrays_of_python_repr_strings_are_refused_cleanly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], body: Any, skipped: int
) -> None:
    path = write(tmp_path, "repr.json", orjson.dumps(body, option=orjson.OPT_INDENT_2))
    assert main(["import", str(path)]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    items = "item" if skipped == 1 else "items"
    assert err == f"paper-reader: {path}: no papers found ({skipped} {items} skipped); " \
                  "nothing was imported\n"
    assert cache_files() == {}


def test_counts_beyond_64_bits_are_dropped_not_fatal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 13, item 4: an integer beyond 64 bits or 1e300 in a count killed the import
    ("Integer exceeds 64-bit range") and saved nothing."""
    items = b'[{"paper": {"id": "2603.00001", "title": "Huge", "upvotes": ' + b"9" * 100 + \
        b'}, "numComments": 1e300}, {"paper": {"id": "2603.00002", "title": "Fine", ' \
        b'"upvotes": 5, "githubStars": 18446744073709551616}}]'
    path = write(tmp_path, "huge.json", items)
    assert main(["import", str(path)]) == 0
    assert "imported 2 papers" in capsys.readouterr().out
    huge, fine = cache().get("2603.00001"), cache().get("2603.00002")
    assert huge is not None and (huge.paper.upvotes, huge.paper.num_comments) == (None, None)
    assert fine is not None and (fine.paper.upvotes, fine.paper.github_stars) == (5, None)
    assert main(["show", "2603.00001", "--json"]) == 0


# Snippets of two real captures (../shared/realdata): the 2024-05-27 daily answer, whose items
# have no submittedOnDailyAt, and the same paper in a search answer of May 2025.
DAILY_2024 = [{
    "paper": {"id": "2405.15738", "publishedAt": "2024-05-24T17:34:15.000Z", "upvotes": 32,
              "title": "ConvLLaVA: Hierarchical Backbones as Visual Encoder for Large "
                       "Multimodal\n  Models", "summary": "Old abstract."},
    "publishedAt": "2024-05-27T03:50:58.348Z",
    "mediaUrl": "https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/2405.15738.png",
    "numComments": 3,
}]
SEARCH_2025 = [{
    "paper": {"id": "2405.15738", "publishedAt": "2024-05-24T17:34:15.000Z", "upvotes": 40,
              "summary": "New abstract.",
              "authors": [{"name": "Chunjiang Ge", "hidden": False,
                           "statusLastChangedAt": "2025-05-02T09:10:11.000Z"}]},
    "publishedAt": "2024-05-24T13:34:15.000Z",
    "numComments": 5,
}]


def test_a_paper_listed_in_2024_is_on_its_day(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 10: before 2025-03-11 the listing day is only in the item's publishedAt."""
    assert main(["import", str(write(tmp_path, "d.json", orjson.dumps(DAILY_2024)))]) == 0
    capsys.readouterr()
    assert cache().ids_on("2024-05-27") == ["2405.15738"]
    assert main(["list", "date:2024-05-27", "--json"]) == 0
    listed = orjson.loads(capsys.readouterr().out)
    assert [d["id"] for d in listed] == ["2405.15738"]
    assert listed[0]["listed_on"] == ["2024-05-27"]
    assert listed[0]["submitted_daily_at"] == "2024-05-27T03:50:58.348Z"
    assert listed[0]["thumbnail"] == DAILY_2024[0]["mediaUrl"]


@pytest.mark.parametrize("order", ["newer first", "older first"])
def test_an_older_capture_never_overwrites_a_newer_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], order: str
) -> None:
    files = [write(tmp_path, "search.json", orjson.dumps(SEARCH_2025)),
             write(tmp_path, "daily.json", orjson.dumps(DAILY_2024))]
    if order == "older first":
        files.reverse()
    for path in files:
        assert main(["import", str(path)]) == 0
    capsys.readouterr()
    assert main(["show", "2405.15738", "--json"]) == 0
    shown = orjson.loads(capsys.readouterr().out)
    assert (shown["upvotes"], shown["num_comments"], shown["summary"]) == (40, 5, "New abstract.")
    assert [a["name"] for a in shown["authors"]] == ["Chunjiang Ge"]
    assert shown["listed_on"] == ["2024-05-27"] and shown["title"].startswith("ConvLLaVA")
    assert shown["observed_at"] == "2025-05-02T09:10:11.000Z"
