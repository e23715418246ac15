"""The command line agrees with the app: views, mute rules, authors, stars, linked repos, sync."""

from __future__ import annotations

import datetime as dt
import functools
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import orjson
import pytest

from reader.__main__ import main
from reader.cli import sync_cmd
from reader.config import Config
from reader.controller import Controller
from reader.hub.client import PapersClient
from reader.hub.models import LinkedRepo, LinkedRepos
from reader.query import parse
from reader.store.cache import PaperCache
from reader.store.library import Library
from reader.store.locations import locations
from reader.views import View, builtin_views
from tests.conftest import CORPUS_END
from tests.fakehub import Corpus, FakeHub


@pytest.fixture
def imported(tmp_path: Path, corpus: Corpus, capsys: pytest.CaptureFixture[str]
             ) -> list[dict[str, Any]]:
    """Every day of the corpus, imported, plus its trending list merged."""
    items = [it for day in corpus.dates() for it in corpus.items_on(day)]
    path = tmp_path / "dump.json"
    path.write_bytes(orjson.dumps(items))
    assert main(["import", str(path)]) == 0
    cache = PaperCache(locations().papers_dir)
    ranked = [cache.get(it["paper"]["id"]) for it in corpus.trending()[:30]]
    cache.merge([r.paper for r in ranked if r is not None], trending=True)
    capsys.readouterr()
    return items


def listed_ids(capsys: pytest.CaptureFixture[str], *argv: str) -> list[str]:
    assert main(["list", "--json", *argv]) == 0
    return [d["id"] for d in json.loads(capsys.readouterr().out)]


def app_ids(view: View, *, day: str | None = None, anchors: dict[str, str] | None = None,
            mute: tuple[str, ...] = (), show_muted: bool = False) -> list[str]:
    """What the reader shows for ``view``: the Controller the app uses, on the same cache."""
    library = Library(locations().library_file)
    c = Controller(PaperCache(locations().papers_dir), library, Config(mute=list(mute)))
    c.install(c.load_all())
    c.engine = c.open_engine()  # as the app, once the search store is open
    c.day = day
    c.anchors = anchors or {}
    c.marks = c.compute_marks(c.snapshot())
    snap = replace(c.snapshot(), show_muted=show_muted)
    return [r.id for r in c.run(snap, view, parse("")).records]


VIEW = {v.key: v for v in builtin_views()}


@pytest.mark.parametrize("arg, key", [
    ("all", "all"), ("latest", "latest"), ("week", "week"), ("month", "month"),
    ("trending", "trending"), ("unread", "unread"), ("bookmarks", "bookmarks"),
])
def test_every_view_lists_what_the_app_shows(
        arg: str, key: str, imported: list[dict[str, Any]],
        capsys: pytest.CaptureFixture[str]) -> None:
    library = Library(locations().library_file)
    for item in imported[:4]:
        library.set_bookmark(item["paper"]["id"], True)
    library.set_read(imported[5]["paper"]["id"], True)
    ids = listed_ids(capsys, "--view", arg)
    assert ids and ids == app_ids(VIEW[key])


def test_day_week_and_month_views_take_a_date(imported: list[dict[str, Any]], corpus: Corpus,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    day = corpus.dates()[-3]
    ids = listed_ids(capsys, "--view", f"day:{day}")
    assert set(ids) == {it["paper"]["id"] for it in corpus.items_on(day)}
    assert ids == app_ids(VIEW["day"], day=day)
    first = corpus.dates()[0]
    monday = dt.date.fromisoformat(first) - dt.timedelta(days=dt.date.fromisoformat(first)
                                                         .weekday())
    week = listed_ids(capsys, "--view", f"week:{first}")
    assert week == app_ids(VIEW["week"], anchors={"week": monday.isoformat()})
    in_week = {it["paper"]["id"] for d in corpus.dates()
               if monday.isoformat() <= d <= (monday + dt.timedelta(days=6)).isoformat()
               for it in corpus.items_on(d)}
    assert set(week) == in_week
    month = listed_ids(capsys, "--view", f"month:{first[:7]}")
    assert set(month) == {it["paper"]["id"] for d in corpus.dates() if d.startswith(first[:7])
                          for it in corpus.items_on(d)}


@pytest.mark.parametrize("bad", ["day:2026-13-01", "weekly", "month:2026", "all:2026-01-01"])
def test_a_bad_view_exits_2(bad: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["list", "--view", bad])
    assert exc.value.code == 2
    assert "view" in capsys.readouterr().err


def test_list_applies_the_mute_rules_like_the_app(
        imported: list[dict[str, Any]], capsys: pytest.CaptureFixture[str]) -> None:
    locations().ensure().config_file.write_text('mute = ["upvotes:>20"]\n', encoding="utf-8")
    everything = listed_ids(capsys, "--muted")
    assert main(["list", "--json"]) == 0
    out, err = capsys.readouterr()
    kept = [d["id"] for d in json.loads(out)]
    assert 0 < len(kept) < len(everything)
    assert kept == app_ids(VIEW["all"], mute=("upvotes:>20",))
    assert everything == app_ids(VIEW["all"], mute=("upvotes:>20",), show_muted=True)
    hidden = len(everything) - len(kept)
    assert f"{hidden:,} papers hidden by mute rules (--muted shows them)" in err


def test_sort_by_stars_prints_the_stars(imported: list[dict[str, Any]],
                                        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["list", "sort:stars", "--limit", "5"]) == 0
    lines = capsys.readouterr().out.splitlines()
    stars = [int(line.split()[3].lstrip("☆")) for line in lines]
    assert stars == sorted(stars, reverse=True) and stars[0] > 0
    assert main(["list", "--limit", "1"]) == 0
    assert "☆" not in capsys.readouterr().out


def test_show_includes_cached_linked_repos(imported: list[dict[str, Any]],
                                           capsys: pytest.CaptureFixture[str]) -> None:
    pid = imported[0]["paper"]["id"]
    assert main(["show", pid, "--json"]) == 0
    assert "linked" not in json.loads(capsys.readouterr().out)  # never fetched: not claimed
    cache = PaperCache(locations().papers_dir)
    cache.linked_put(pid, LinkedRepos(
        models=(LinkedRepo("org/small", "model", likes=1), LinkedRepo("org/big", "model",
                                                                      likes=9)),
        spaces=(LinkedRepo("me/demo", "space"),)))
    assert main(["show", pid, "--json"]) == 0
    linked = json.loads(capsys.readouterr().out)["linked"]
    assert [m["id"] for m in linked["models"]] == ["org/big", "org/small"]
    assert linked["models"][0]["url"] == "https://huggingface.co/org/big"
    assert linked["datasets"] == []
    assert linked["spaces"] == [{"id": "me/demo", "url": "https://huggingface.co/spaces/me/demo"}]
    assert "fetched_at" in linked
    assert main(["show", pid]) == 0
    text = capsys.readouterr().out
    assert "On the Hub" in text and "https://huggingface.co/spaces/me/demo" in text
    assert text.index("org/big") < text.index("org/small")


# --- sync -------------------------------------------------------------------------------------


@pytest.fixture
def quick(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sync_cmd, "PapersClient", functools.partial(
        PapersClient, retries=1, backoff=0.01, max_backoff=0.02, rate_limit_cap=0.5))


def test_sync_asks_the_server_for_its_newest_day(
        hf_endpoint: FakeHub, quick: None, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    # New York's date lags the feed's by a day (the server's day has already turned).
    monkeypatch.setattr(sync_cmd, "feed_today", lambda: CORPUS_END - dt.timedelta(days=1))
    assert main(["sync"]) == 0
    capsys.readouterr()
    dates = {q["date"] for _, path, q, _ in hf_endpoint.requests
             if path == "/api/daily_papers" and "date" in q}
    assert CORPUS_END.isoformat() in dates
    cache = PaperCache(locations().papers_dir)
    assert cache.day_complete(CORPUS_END.isoformat())


def test_a_repeated_sync_reports_nothing_updated(
        hf_endpoint: FakeHub, quick: None, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sync_cmd, "feed_today", lambda: CORPUS_END)
    assert main(["sync"]) == 0
    assert "0 failed" in capsys.readouterr().out
    assert main(["sync"]) == 0
    assert capsys.readouterr().out.strip().endswith(": 0 new, 0 updated, 0 failed")
