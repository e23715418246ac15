"""`paper-reader list` and `show`: cache-only reads, query errors, views and the --json form."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import orjson
import pytest

from reader.__main__ import main
from reader.hub.models import paper_to_dict
from reader.hub.parse import paper_from_item
from reader.store.cache import PaperCache
from reader.store.library import Library
from reader.store.locations import locations
from reader.widgets.rows import short_authors
from tests.fakehub import Corpus


@pytest.fixture
def imported(tmp_path: Path, corpus: Corpus, capsys: pytest.CaptureFixture[str]
             ) -> list[dict[str, Any]]:
    """The corpus' last three days, imported; returns their daily items."""
    items = [it for day in corpus.dates()[-3:] for it in corpus.items_on(day)]
    path = tmp_path / "dump.json"
    path.write_bytes(orjson.dumps(items))
    assert main(["import", str(path)]) == 0
    capsys.readouterr()
    return items


def listed(capsys: pytest.CaptureFixture[str], *argv: str) -> list[dict[str, Any]]:
    assert main(["list", "--json", *argv]) == 0
    out = capsys.readouterr().out
    data = json.loads(out)
    assert isinstance(data, list)
    return data


def test_list_json_holds_every_paper_newest_day_first_then_upvotes(
    imported: list[dict[str, Any]], capsys: pytest.CaptureFixture[str]
) -> None:
    data = listed(capsys)
    assert len(data) == len(imported)
    keys = [(d["listed_on"][-1], d.get("upvotes", 0)) for d in data]
    assert keys == sorted(keys, reverse=True)
    by_id = {d["id"]: d for d in data}
    for item in imported:
        d = by_id[item["paper"]["id"]]
        expected = paper_to_dict(paper_from_item(item))  # type: ignore[arg-type]
        assert {k: d[k] for k in expected} == expected
        assert d["listed_on"] == [item["paper"]["submittedOnDailyAt"][:10]]
        assert (d["bookmarked"], d["read"], d["tags"], d["note"]) == (False, False, [], None)


def test_list_json_carries_the_library(imported: list[dict[str, Any]],
                                       capsys: pytest.CaptureFixture[str]) -> None:
    pid = imported[0]["paper"]["id"]
    library = Library(locations().library_file)
    library.set_bookmark(pid, True)
    library.set_read(pid, True)
    library.set_tags(pid, ["To-Read", "rl"])
    library.set_note(pid, "look at table 3")
    (d,) = [d for d in listed(capsys) if d["id"] == pid]
    assert d["bookmarked"] and d["read"]
    assert d["tags"] == ["to-read", "rl"] or sorted(d["tags"]) == ["rl", "to-read"]
    assert d["note"] == "look at table 3"
    assert [d["id"] for d in listed(capsys, "--view", "bookmarks")] == [pid]
    unread = listed(capsys, "--view", "unread")
    assert len(unread) == len(imported) - 1 and pid not in {d["id"] for d in unread}


def test_list_plain_lines_and_limit(imported: list[dict[str, Any]],
                                    capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["list", "--limit", "5"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 5
    newest = max(imported, key=lambda it: (it["paper"]["submittedOnDailyAt"][:10],
                                            it["paper"]["upvotes"]))
    first = lines[0].split()
    assert first[0] == newest["paper"]["id"]
    assert first[1] == newest["paper"]["submittedOnDailyAt"][:10]
    assert first[2] == str(newest["paper"]["upvotes"])
    paper = paper_from_item(newest)
    assert paper is not None
    # The title, then the first authors as the reader's rows shorten them.
    assert lines[0].endswith(f"{paper.title}  — {short_authors(paper.authors, 28)}")


def test_list_query_filters_and_sorts(imported: list[dict[str, Any]],
                                      capsys: pytest.CaptureFixture[str]) -> None:
    data = listed(capsys, "upvotes:>=20", "sort:upvotes")
    expected = [it for it in imported if it["paper"]["upvotes"] >= 20]
    assert len(data) == len(expected) > 0
    votes = [d["upvotes"] for d in data]
    assert votes == sorted(votes, reverse=True)
    word = imported[0]["paper"]["title"].split()[0]
    hits = listed(capsys, f"title:{word}")
    assert imported[0]["paper"]["id"] in {d["id"] for d in hits}


@pytest.mark.parametrize("queries", [
    ["upvotes:>=20", "sort:upvotes"], ["has:code", "OR", "upvotes:<5"], ['"the"', "sort:stars"],
    ["sort:date"], ["NOT", "kw:llm"],
])
def test_list_answers_the_same_from_the_search_store_as_by_scanning(
    imported: list[dict[str, Any]], capsys: pytest.CaptureFixture[str], queries: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from reader.cli import list_cmd

    answered = listed(capsys, *queries)  # from the derived store, built by the import
    assert (locations().cache_dir / "papers.sqlite").exists()
    monkeypatch.setattr(list_cmd, "_search", lambda *args: None)  # the reference matcher
    assert listed(capsys, *queries) == answered


def test_list_rebuilds_a_deleted_search_store_and_loses_nothing(
    imported: list[dict[str, Any]], capsys: pytest.CaptureFixture[str],
) -> None:
    before = listed(capsys, "sort:upvotes")
    assert len(before) == len(imported)
    for path in locations().cache_dir.glob("papers.sqlite*"):
        path.unlink()
    assert listed(capsys, "sort:upvotes") == before
    assert (locations().cache_dir / "papers.sqlite").exists()


def test_list_scans_when_sqlite_has_no_fts5(
    imported: list[dict[str, Any]], capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from reader.store.derived import schema

    before = listed(capsys, "has:code", "OR", "upvotes:<5")
    for path in locations().cache_dir.glob("papers.sqlite*"):
        path.unlink()
    monkeypatch.setattr(schema, "has_fts5", lambda conn: False)
    assert main(["list", "--json", "has:code", "OR", "upvotes:<5"]) == 0
    out, err = capsys.readouterr()
    assert [d["id"] for d in orjson.loads(out)] == [d["id"] for d in before]
    assert "no FTS5" in err


def test_list_views_latest_and_trending(imported: list[dict[str, Any]], corpus: Corpus,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    newest = corpus.dates()[-1]
    latest = listed(capsys, "--view", "latest")
    assert {d["id"] for d in latest} == {it["paper"]["id"] for it in corpus.items_on(newest)}
    assert listed(capsys, "--view", "trending") == []
    cache = PaperCache(locations().papers_dir)
    ranked = [cache.get(it["paper"]["id"]).paper for it in imported[:3]]  # type: ignore[union-attr]
    cache.merge(ranked[::-1], trending=True)
    assert [d["id"] for d in listed(capsys, "--view", "trending")] == [p.id for p in ranked[::-1]]


def test_a_bad_query_shows_a_caret_and_exits_2(imported: list[dict[str, Any]],
                                               capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["list", "is:bookmark"]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith("paper-reader: invalid query: ") and "is:bookmarked" in err[0]
    assert err[1] == "  is:bookmark"
    assert err[2] == "     ^"


def test_list_with_an_empty_cache(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["list", "--offline"]) == 0
    out, err = capsys.readouterr()
    assert out == ""
    assert "the cache is empty" in err and "paper-reader sync" in err  # a hint, on stderr
    assert main(["list", "--json"]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out) == [] and "the cache is empty" in err


def test_show_prints_the_whole_paper(imported: list[dict[str, Any]],
                                     capsys: pytest.CaptureFixture[str]) -> None:
    item = next(it for it in imported if it["paper"].get("githubRepo"))
    paper = paper_from_item(item)
    assert paper is not None
    assert main(["show", f"https://arxiv.org/abs/{paper.id}v3", "--offline"]) == 0
    out = capsys.readouterr().out
    flat = " ".join(out.split())
    assert " ".join(paper.title.split()) in flat
    for author in paper.visible_authors[:3]:
        assert author.name in flat
    assert f"Published: {paper.published_at[:10]}" in flat  # type: ignore[index]
    assert f"Listed on: {item['paper']['submittedOnDailyAt'][:10]}" in flat
    assert f"{paper.upvotes} upvotes" in flat
    assert f"https://huggingface.co/papers/{paper.id}" in out
    assert f"https://arxiv.org/pdf/{paper.id}" in out
    assert paper.github_repo in out  # type: ignore[operator]
    assert " ".join(paper.summary.split()[:30]) in flat
    if paper.ai_summary:
        assert " ".join(paper.ai_summary.split()) in flat


def test_show_wraps_to_the_terminal_width(imported: list[dict[str, Any]],
                                          monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("COLUMNS", "60")
    pid = imported[0]["paper"]["id"]
    assert main(["show", pid]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert all(len(line) <= 60 for line in lines if "://" not in line)


def test_show_json_is_the_list_object(imported: list[dict[str, Any]],
                                      capsys: pytest.CaptureFixture[str]) -> None:
    pid = imported[5]["paper"]["id"]
    assert main(["show", f"arxiv:{pid}", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    (from_list,) = [d for d in listed(capsys) if d["id"] == pid]
    assert shown == from_list


@pytest.mark.parametrize("text", ["hep-th/9901001", "2502.161", "../../etc/passwd", "banana"])
def test_show_an_invalid_id_exits_2(text: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", text]) == 2
    err = capsys.readouterr().err
    assert err.startswith("paper-reader: ") and err.count("\n") == 1


def test_show_a_paper_not_in_the_cache_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", "2502.16161"]) == 1
    err = capsys.readouterr().err
    assert "2502.16161 is not in the cache" in err and "paper-reader sync" in err


def test_a_damaged_cache_file_is_reported_not_fatal(
    imported: list[dict[str, Any]], capsys: pytest.CaptureFixture[str]
) -> None:
    shard = sorted(locations().papers_dir.glob("2*.json"))[0]
    shard.write_bytes(b"{ this is not json")
    assert main(["list", "--json"]) == 0
    out, err = capsys.readouterr()
    assert "paper-reader: warning: " in err and shard.name in err
    assert isinstance(json.loads(out), list)
    assert list(shard.parent.glob(f"{shard.name}.corrupt-*"))  # moved aside, not overwritten
