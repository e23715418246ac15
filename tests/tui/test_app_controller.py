"""The view model without an App: views, the scan fallback, mute rules, refresh days."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from reader.config import Config
from reader.controller import Controller
from reader.query import parse
from reader.store.cache import PaperCache
from reader.store.library import Library
from reader.store.locations import locations
from reader.views import View, builtin_views, view_span
from tests.fakehub import Corpus
from tests.tui.conftest import clock, fill_cache


def _controller(config: Config | None = None) -> Controller:
    where = locations().ensure()
    return Controller(PaperCache(where.papers_dir), Library(where.library_file),
                      config or Config(), clock=clock)


@pytest.fixture
def loaded(corpus: Corpus) -> Controller:
    fill_cache(corpus)
    c = _controller(Config(mute=["has:code"], watch=["upvotes:>=20"]))
    c.install(c.load_all())
    c.engine = c.open_engine()
    assert c.engine is not None
    c.marks = c.compute_marks(c.snapshot())
    return c


@pytest.mark.parametrize("text", ["", "has:code", "clip OR model -has:project",
                                  "upvotes:>=5 sort:upvotes", "is:unread sort:date"])
def test_scan_fallback_agrees_with_the_engine(loaded: Controller, text: str) -> None:
    snap = loaded.snapshot()
    scan = replace(snap, engine=None)
    for view in builtin_views():
        a = loaded.run(snap, view, parse(text))
        b = loaded.run(scan, view, parse(text))
        assert [r.id for r in a.records] == [r.id for r in b.records], view.key
        assert a.hidden == b.hidden


@pytest.mark.parametrize(("text", "sort"), [("", "upvotes"), ("clip OR model", "date"),
                                           ("has:project sort:date", "upvotes"),
                                           ("upvotes:>=1 sort:stars", "stars")])
def test_the_sort_key_chosen_in_the_app_agrees_with_the_scan(
        loaded: Controller, text: str, sort: str) -> None:
    """The engine sorts by the key of the sort menu itself, or leaves a key on top of the
    query's own to the stable re-sort, as the scan does."""
    snap = loaded.snapshot()
    scan = replace(snap, engine=None)
    for view in builtin_views():
        a = loaded.run(snap, view, parse(text), sort)
        b = loaded.run(scan, view, parse(text), sort)
        assert [r.id for r in a.records] == [r.id for r in b.records], view.key
        assert a.hidden == b.hidden


def test_mute_rule_hides_and_show_muted_reveals(loaded: Controller) -> None:
    all_view = View("all", "All")
    snap = loaded.snapshot()
    hidden = loaded.run(snap, all_view, parse(""))
    assert hidden.hidden == len(loaded.marks.muted) > 0
    assert not any(r.id in loaded.marks.muted for r in hidden.records)
    shown = loaded.run(replace(snap, show_muted=True), all_view, parse(""))
    assert len(shown.records) == len(hidden.records) + hidden.hidden
    records = loaded.data.records
    assert all((records[pid].paper.upvotes or 0) >= 20 for pid in loaded.marks.watched)


def test_views_and_their_orders(loaded: Controller, corpus: Corpus) -> None:
    data = loaded.data
    assert data.latest_day == corpus.dates()[-1]
    counts = loaded.counts(replace(loaded.snapshot(), show_muted=True), loaded.views())
    assert counts["all"] == len(data.records)
    assert counts["latest"] == len(corpus.items_on(corpus.dates()[-1]))
    week = view_span("week", data, today=clock().date())
    assert week is not None
    assert counts["week"] == len({i["paper"]["id"] for d in corpus.dates() if d in week
                                  for i in corpus.items_on(d)})
    trending = loaded.run(loaded.snapshot(), View("trending", "Trending"), parse("")).records
    ranks = [r.trending_rank or 0 for r in trending]
    assert ranks == sorted(ranks)


def test_a_broken_saved_view_is_counted_as_broken(corpus: Corpus) -> None:
    fill_cache(corpus)
    c = _controller(Config(views={"Bad": "title:("}))
    c.install(c.load_all())
    c.engine = c.open_engine()
    counts = c.counts(c.snapshot(), c.views())
    assert counts["saved:Bad"] is None and counts["all"] == len(c.data.records)


def test_refresh_days_catch_up_after_an_absence(corpus: Corpus) -> None:
    fill_cache(corpus, days=corpus.dates()[:3])  # the newest cached day is a week old
    c = _controller()
    c.install(c.load_all())
    days = c.refresh_days()
    assert days[0] == clock().date().isoformat()
    assert len(days) == 7
    assert days == sorted(days, reverse=True)
    assert dt.date.fromisoformat(days[-1]) == clock().date() - dt.timedelta(days=6)


def test_the_engine_sees_each_merge_and_the_old_index_file_goes(corpus: Corpus) -> None:
    fill_cache(corpus)
    where = locations().ensure()
    old = where.cache_dir / "query-index.bin"  # what versions before the store saved
    old.write_bytes(b"an index of an earlier version")
    c = Controller(PaperCache(where.papers_dir), Library(where.library_file), Config(),
                   clock=clock, leftovers=where.leftover_files)
    c.install(c.load_all())
    c.engine = c.open_engine()
    assert c.engine is not None and not old.exists()
    record = next(iter(c.data.records.values()))
    c.cache.merge([replace(record.paper, title="zyxwvut quokka")])  # writes the store too
    c.install(c.reload())
    snap = c.snapshot()
    found = c.run(snap, View("all", "All"), parse("zyxwvut"))
    assert [r.id for r in found.records] == [record.id]
    assert c.run(snap, View("all", "All"), parse("quokk sort:upvotes")).records == found.records


def test_a_damaged_store_is_reported_deleted_and_scanned_around(corpus: Corpus) -> None:
    fill_cache(corpus)
    c = _controller()
    c.install(c.load_all())
    c.engine = c.open_engine()
    assert c.engine is not None
    path = c.cache.derived.path
    c.engine.close()  # any query now fails as a damaged file would
    snap = c.snapshot()
    want = [r.id for r in c.run(replace(snap, engine=None), View("all", "All"),
                                   parse("model")).records]
    got = c.run(snap, View("all", "All"), parse("model"))
    assert [r.id for r in got.records] == want  # answered by scanning
    damaged = c.store_damaged()
    assert damaged is not None and c.engine is None and path.exists()
    c.forget_store(*damaged)  # in a thread worker in the app
    assert not path.exists() and any("search store" in p for p in c.cache.problems)
    assert c.store_damaged() is None  # reported once


def test_the_unread_view_follows_read_marks_between_keystrokes(loaded: Controller) -> None:
    """The view's papers are kept between two filters of the same view, never past a change
    of what they depend on (here a read mark)."""
    unread = View("unread", "Unread")
    first = loaded.run(loaded.snapshot(), unread, parse("")).records
    assert loaded.run(loaded.snapshot(), unread, parse("-has:code")).records == \
        [r for r in first if not r.paper.github_repo]
    loaded.toggle_read(first[0].id)[1].result(timeout=10)
    again = loaded.run(loaded.snapshot(), unread, parse("")).records
    assert again == first[1:]


@pytest.mark.parametrize("rules", [False, True])
def test_the_first_keystroke_in_the_all_view_finds_its_rowids_read(
        corpus: Corpus, rules: bool) -> None:
    """compute_marks (a thread after each load) reads the All view's rowids, with or without
    mute rules, so that the first keystroke there does not (20-40 ms at 100,000 papers)."""
    fill_cache(corpus)
    c = _controller(Config(mute=["has:code"]) if rules else Config())
    c.install(c.load_all())
    c.engine = c.open_engine()
    assert c.engine is not None
    c.marks = c.compute_marks(c.snapshot())
    read = c.engine._candidates
    assert read is not None and read.ids == list(c.data.by_date)
    all_view = next(v for v in builtin_views() if v.key == "all")
    found = c.run(c.snapshot(), all_view, parse("model"))
    assert found.records  # the query found papers, with the rowids read before
    assert c.engine._candidates is read
