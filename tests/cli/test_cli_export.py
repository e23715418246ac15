"""`paper-reader export`: formats, views, queries, files and errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import orjson
import pytest

from reader.__main__ import main
from reader.store.library import Library
from reader.store.locations import locations
from tests.fakehub import Corpus

bibtexparser = pytest.importorskip("bibtexparser")


@pytest.fixture
def imported(tmp_path: Path, corpus: Corpus, capsys: pytest.CaptureFixture[str]
             ) -> list[dict[str, Any]]:
    items = [it for day in corpus.dates()[-2:] for it in corpus.items_on(day)]
    path = tmp_path / "dump.json"
    path.write_bytes(orjson.dumps(items))
    assert main(["import", str(path)]) == 0
    capsys.readouterr()
    return items


def test_export_bookmarks_as_bibtex_to_a_file(imported: list[dict[str, Any]], tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    ids = [it["paper"]["id"] for it in imported[:3]]
    lib = Library(locations().library_file)
    for pid in ids:
        lib.set_bookmark(pid, True)
    out = tmp_path / "refs.bib"
    assert main(["export", "--format", "bibtex", "--view", "bookmarks", "-o", str(out)]) == 0
    assert "wrote 3 papers" in capsys.readouterr().err
    parsed = bibtexparser.parse_string(out.read_text(encoding="utf-8"))
    assert not parsed.failed_blocks
    assert sorted(e.fields_dict["eprint"].value for e in parsed.entries) == sorted(ids)
    assert len({e.key for e in parsed.entries}) == 3


def test_export_with_a_query_matches_list(imported: list[dict[str, Any]],
                                          capsys: pytest.CaptureFixture[str]) -> None:
    pid = imported[0]["paper"]["id"]
    Library(locations().library_file).edit_tags(pid, ["todo"])
    assert main(["export", "--format", "json", "tag:todo"]) == 0
    assert [d["id"] for d in json.loads(capsys.readouterr().out)] == [pid]
    assert main(["export", "-f", "markdown", "tag:todo"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# Reading list (1 paper)") and "#todo" in out


def test_export_errors_are_one_line(imported: list[dict[str, Any]], tmp_path: Path,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "-f", "csv", "title:("]) == 2
    assert "invalid query" in capsys.readouterr().err
    target = tmp_path / "missing" / "out.csv"
    assert main(["export", "-f", "csv", "-o", str(target)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "could not write" in err and not target.exists()
    assert main(["export", "-f", "ris", "nothingmatchesthisxyz"]) == 0
    assert "export is empty" in capsys.readouterr().err
