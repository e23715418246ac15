"""`paper-reader list 'text:…'`: papers whose downloaded full text holds the words, each with
its best passage (a line under it; ``passage`` in --json), from every view and the scan."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import orjson
import pytest

from reader.__main__ import main
from reader.store.cache import PaperCache
from reader.store.derived.texts import FILE_NAME
from reader.store.locations import locations
from tests.fakehub import Corpus

PAPER = """# Title

## 1 Introduction

Nothing to see.

## 2 Method

We prune attention heads \x1b[31mred\x1b[0m [b]early[/b] with $x_1 * y$.
"""


@pytest.fixture
def ids(tmp_path: Path, corpus: Corpus, capsys: pytest.CaptureFixture[str]) -> list[str]:
    """The corpus' last day imported, full texts for two of its papers; returns the ids."""
    items = corpus.items_on(corpus.dates()[-1])
    path = tmp_path / "dump.json"
    path.write_bytes(orjson.dumps(items))
    assert main(["import", str(path)]) == 0
    ids = [it["paper"]["id"] for it in items]
    cache = PaperCache(locations().papers_dir)
    cache.fulltext_put(ids[0], PAPER)
    cache.fulltext_put(ids[1], "# Other\n\nHeads of attention, not in a row.\n")
    capsys.readouterr()
    return ids


def listed(capsys: pytest.CaptureFixture[str], *argv: str) -> list[dict[str, Any]]:
    assert main(["list", "--json", *argv]) == 0
    data = json.loads(capsys.readouterr().out)
    assert isinstance(data, list)
    return data


def test_list_json_gives_the_papers_and_their_best_passage(
        ids: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    data = listed(capsys, 'text:"attention heads"')
    assert [d["id"] for d in data] == [ids[0]]
    passage = data[0]["passage"]
    assert passage["section"] == "2 Method"
    assert passage["block"] == 4  # the reading screen's block: title, h2, para, h2, para
    assert "attention heads" in passage["excerpt"]
    assert "\x1b" not in passage["excerpt"] and "[b]early[/b]" in passage["excerpt"]
    both = listed(capsys, "fulltext:attention")
    assert {d["id"] for d in both} == {ids[0], ids[1]}
    assert all("passage" in d for d in both)
    assert "passage" not in listed(capsys, "--limit", "1")[0]  # no text: term, no passage


def test_list_prints_the_passage_under_the_paper(
        ids: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["list", "text:prune"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 and lines[0].startswith(ids[0])
    assert lines[1].strip().startswith("§ 2 Method: We prune attention heads")
    assert "\x1b" not in lines[1]


def test_text_terms_combine_with_others_and_every_view(
        ids: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert [d["id"] for d in listed(capsys, "text:attention NOT text:prune")] == [ids[1]]
    assert listed(capsys, "text:heads has:fulltext") == listed(capsys, "text:heads")
    assert listed(capsys, "text:heads upvotes:>100000") == []
    # Views cut by reader.views (not SQL) go through the reference matcher and agree.
    for view in ("latest", "all", "week"):
        got = {d["id"] for d in listed(capsys, "--view", view, "text:heads")}
        assert got == {ids[0], ids[1]}, view


def test_a_missing_or_damaged_store_is_rebuilt_for_the_query(
        ids: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    store = locations().cache_dir / FILE_NAME
    store.unlink()
    assert [d["id"] for d in listed(capsys, "text:prune")] == [ids[0]]
    store.write_bytes(b"garbage" * 1000)
    for side in ("-wal", "-shm"):
        Path(f"{store}{side}").unlink(missing_ok=True)
    assert [d["id"] for d in listed(capsys, "text:prune")] == [ids[0]]
