"""Upgrade path: a home written by an earlier version (tests/fixtures: before the search store,
and before the records moved into it) opens, is converted once in the background with
progress, and loses nothing."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from reader.main_screen.loader import Loader, StoreProgress
from reader.query import Context, matches, parse
from reader.store.derived.schema import SCHEMA_VERSION
from reader.store.library import Library
from reader.store.locations import locations
from reader.views import View
from reader.widgets.status_line import StatusLine
from tests.tui.conftest import settle
from tests.tui.test_app_start import main

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
HOMES = ("home-before-store", "home-with-quick-copies")
BOOKMARKED = ["2611.18258", "2611.18263", "2611.18325", "2611.18350", "2611.18354"]


def _library() -> tuple[Any, ...]:
    state = Library(locations().library_file).snapshot()
    return (sorted(state.bookmarks.items()), sorted(state.read),
            sorted((k, sorted(v)) for k, v in state.tags.items()), sorted(state.notes.items()))


@pytest.mark.parametrize("fixture", HOMES)
async def test_a_home_of_an_earlier_version_converts_once_and_loses_nothing(
    home: Path, make_app: Any, monkeypatch: pytest.MonkeyPatch, fixture: str,
) -> None:
    shutil.copytree(FIXTURES / fixture, home, ignore=shutil.ignore_patterns("README.md"),
                    dirs_exist_ok=True)
    where = locations()
    before = _library()
    assert [pid for pid, _ in before[0]] == BOOKMARKED and before[2] and before[3]
    progress: list[tuple[int, int]] = []
    shown = Loader.store_progress

    said: list[str] = []  # the status line's view side, as each progress message shows it

    def seen(loader: Loader, message: StoreProgress) -> None:
        progress.append((message.done, message.total))
        view = StatusLine.show_view
        monkeypatch.setattr(StatusLine, "show_view", lambda line, text: said.append(text))
        shown(loader, message)
        monkeypatch.setattr(StatusLine, "show_view", view)

    monkeypatch.setattr(Loader, "store_progress", seen)
    app = make_app(None)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = main(app)
        await settle(pilot)
        c = screen.controller
        assert c.engine is not None and c.engine_state == "ready"
        assert progress and progress[-1][0] == progress[-1][1]  # rebuilt, with progress
        assert said and all("building the search index" in text for text in said)  # (shown)
        # every paper was then loaded from the new store, packed (read from the shards beside
        # the rebuild, every paper unpacked: 550 MB at 100,000); only the rows shown unpacked
        records = c.data.records
        assert len(records) == 30 and sum(r.is_packed for r in records.values()) >= 10
        assert not where.leftover_files[0].exists()  # the old index is gone
        assert not list(where.papers_dir.glob("*.quick"))  # and so are the quick copies
        assert not (where.papers_dir / "recent.json").exists()  # and the start-up slice
        conn = sqlite3.connect(where.cache_dir / "papers.sqlite")
        try:
            assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        finally:
            conn.close()
        # every paper, the bookmarks, the tags and the notes are there
        snap = c.snapshot()
        assert len(c.run(snap, View("all", "All"), parse("")).records) == 30
        marked = c.run(snap, View("bookmarks", "Bookmarks"), parse("")).records
        assert sorted(r.id for r in marked) == BOOKMARKED
        assert [r.id for r in c.run(snap, View("all", "All"), parse("tag:to-read")).records] \
            == [BOOKMARKED[0]]
        assert [r.id for r in c.run(snap, View("all", "All"), parse("note:baseline")).records] \
            == [BOOKMARKED[1]]
        # and the converted store answers as the reference matcher does
        word = next(iter(c.data.records.values())).paper.title.split()[0]
        want = {pid for pid, r in c.data.records.items() if matches(parse(word), r, Context())}
        got = c.run(snap, View("all", "All"), parse(word)).records
        assert want and {r.id for r in got} == want
    after = _library()
    assert after == before  # the library is untouched (but for the visit time)
    progress.clear()
    app = make_app(None)
    async with app.run_test(size=(120, 40)) as pilot:  # the second start converts nothing
        screen = main(app)
        await settle(pilot)
        assert screen.controller.engine is not None and not progress
        # ...and reads the papers from the store, unpacking only those it shows
        records = screen.controller.data.records
        assert len(records) == 30 and sum(r.is_packed for r in records.values()) >= 10
