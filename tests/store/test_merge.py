"""Table-driven tests of the merge rules (reader.store.merge) and of MergeResult counting."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from reader.hub.models import Author, Organization, Paper
from reader.store.cache import PaperCache
from reader.store.merge import merge_paper, merge_record
from reader.store.record import TRENDING_KEEP, Record

T0, T1, T2 = "2026-03-01T00:00:00.000Z", "2026-03-02T00:00:00.000Z", "2026-03-03T00:00:00.000Z"

DAILY = Paper(
    id="2603.00001",
    title="Daily title",
    summary="The abstract.",
    authors=(Author("Ada"), Author("Bob", "bob")),
    published_at="2026-02-27T18:00:00.000Z",
    submitted_daily_at="2026-03-01T03:55:12.777Z",
    submitted_by="AK",
    upvotes=10,
    num_comments=2,
    ai_summary="AI summary",
    ai_keywords=("llm", "agents"),
    github_repo="https://github.com/a/b",
    github_stars=100,
    project_page="https://example.org",
    organization=Organization("lab", "The Lab"),
    discussion_id="abc",
    thumbnail="https://x/t.png",
    media_urls=("https://x/m.mp4",),
)
SEARCH_HIT = Paper(id=DAILY.id, title="Daily title", summary="The abstract.", upvotes=12)
SLIM_HIT = Paper(id=DAILY.id, title="Daily title")  # the 2024 search shape: id + title


@pytest.mark.parametrize(
    ("name", "new", "expected_changes"),
    [
        ("slim search hit erases nothing", SLIM_HIT, {}),
        ("search hit only brings upvotes", SEARCH_HIT, {"upvotes": 12}),
        ("empty strings never overwrite", Paper(id=DAILY.id, title="", summary="",
                                                submitted_by=""), {}),
        ("empty tuples never overwrite", Paper(id=DAILY.id, authors=(), ai_keywords=()), {}),
        ("newer daily fetch updates counters",
         Paper(id=DAILY.id, upvotes=50, github_stars=140, num_comments=7),
         {"upvotes": 50, "github_stars": 140, "num_comments": 7}),
        ("newer daily fetch updates AI fields",
         Paper(id=DAILY.id, ai_summary="better", ai_keywords=("rl",)),
         {"ai_summary": "better", "ai_keywords": ("rl",)}),
        ("zero is a value, not an absence", Paper(id=DAILY.id, upvotes=0, num_comments=0),
         {"upvotes": 0, "num_comments": 0}),
        ("links and withdrawal arrive", Paper(id=DAILY.id, project_page="https://new",
                                              withdrawn_at=T1),
         {"project_page": "https://new", "withdrawn_at": T1}),
        ("same values: nothing changes", DAILY, {}),
    ],
)
def test_merge_paper(name: str, new: Paper, expected_changes: dict[str, Any]) -> None:
    merged = merge_paper(DAILY, new)
    for field_name in (f for f in Paper.__slots__ if f != "id"):
        want = expected_changes.get(field_name, getattr(DAILY, field_name))
        assert getattr(merged, field_name) == want, (name, field_name)
    if not expected_changes:
        assert merged is DAILY  # unchanged means the very same object


def test_daily_after_search_fills_everything_in() -> None:
    assert merge_paper(SLIM_HIT, DAILY) == DAILY


def _rec(**kw: Any) -> Record:
    base: dict[str, Any] = {"paper": DAILY, "first_seen": T0, "updated_at": T0}
    base.update(kw)
    return Record(**base)


@pytest.mark.parametrize(
    ("name", "old", "paper", "listed_on", "rank", "want"),
    [
        ("new paper", None, DAILY, "2026-03-01", None,
         Record(DAILY, ("2026-03-01",), (), T2, T2, T2)),
        ("new trending paper", None, DAILY, None, 3, Record(DAILY, (), ((3, T2),), T2, T2, T2)),
        ("nothing new: untouched, updated_at kept", _rec(listed_on=("2026-03-01",)), SLIM_HIT,
         "2026-03-01", None, _rec(listed_on=("2026-03-01",))),
        ("listed_on is a sorted union", _rec(listed_on=("2026-03-02",)), SLIM_HIT, "2026-03-01",
         None, _rec(listed_on=("2026-03-01", "2026-03-02"), updated_at=T2, observed_at=T2)),
        ("first_seen set once", _rec(), SEARCH_HIT, None, None,
         _rec(paper=merge_paper(DAILY, SEARCH_HIT), updated_at=T2, observed_at=T2)),
        ("trending sighting appended", _rec(trending=((5, T0),)), SLIM_HIT, None, 2,
         _rec(trending=((5, T0), (2, T2)), updated_at=T2, observed_at=T2)),
    ],
)
def test_merge_record(
    name: str, old: Record | None, paper: Paper, listed_on: str | None, rank: int | None,
    want: Record,
) -> None:
    got = merge_record(old, paper, listed_on=listed_on, rank=rank, now=T2)
    assert got == want, name
    if old is not None and want == old:
        assert got is old


def test_trending_keeps_the_last_sightings() -> None:
    record = None
    for i in range(TRENDING_KEEP + 5):
        record = merge_record(record, SLIM_HIT, rank=i + 1, now=f"2026-03-01T00:00:{i:02d}.000Z")
    assert record is not None
    assert len(record.trending) == TRENDING_KEEP
    assert record.trending[0][0] == 6 and record.trending[-1][0] == TRENDING_KEEP + 5
    assert record.trending_rank == TRENDING_KEEP + 5


def test_merge_result_counts(tmp_path: Path) -> None:
    cache = PaperCache(tmp_path / "papers")
    a, b, c = (Paper(id=f"2603.0000{i}", title=f"t{i}", upvotes=1) for i in range(1, 4))
    first = cache.merge([a, b], listed_on="2026-03-01", now=T0)
    assert (first.new, first.updated, first.unchanged) == ([a.id, b.id], [], 0)

    bumped = Paper(id=b.id, upvotes=9)
    second = cache.merge([a, bumped, c, a], listed_on="2026-03-01", now=T1)
    assert second.new == [c.id]
    assert second.updated == [b.id]
    assert second.unchanged == 1  # a, counted once although given twice
    assert cache.get(a.id) == Record(a, ("2026-03-01",), (), T0, T0, T0)
    got_b = cache.get(b.id)
    assert got_b is not None and got_b.paper.upvotes == 9 and got_b.paper.title == "t2"
    assert (got_b.first_seen, got_b.updated_at) == (T0, T1)

    third = cache.merge([Paper(id=a.id, title="t1")], now=T2)
    assert (third.new, third.updated, third.unchanged) == ([], [], 1)

    ranked = cache.merge([c, a], trending=True, now=T2)
    assert ranked.updated == [c.id, a.id]  # a sighting is a change
    got_c, got_a = cache.get(c.id), cache.get(a.id)
    assert got_c is not None and got_c.trending == ((1, T2),)
    assert got_a is not None and got_a.trending == ((2, T2),)


def test_two_changes_with_one_stamp_still_move_updated_at() -> None:
    from reader.hub.models import Paper
    from reader.store.merge import merge_record

    now = "2026-03-06T03:55:12.777Z"
    first = merge_record(None, Paper(id="2602.00001", title="a"), now=now)
    second = merge_record(first, Paper(id="2602.00001", title="b"), now=now)
    third = merge_record(second, Paper(id="2602.00001", title="c"), now=now)
    assert first.updated_at < second.updated_at < third.updated_at
    assert second.updated_at == "2026-03-06T03:55:12.778Z"
    assert merge_record(third, Paper(id="2602.00001", title="c"), now=now) is third


# --- observations: an older capture never overwrites a newer one (issue 10) -------------------

NEWER = Paper(id="2407.21783", title="The Llama 3 Herd of Models", upvotes=115, num_comments=6,
              authors=tuple(Author(f"A{i}", f"a{i}" if i < 15 else None) for i in range(20)),
              summary="Newer abstract.", github_repo="https://github.com/meta-llama/llama3")
OLDER = Paper(id=NEWER.id, title="The Llama 3 Herd of Models", upvotes=49, num_comments=4,
              authors=tuple(Author(f"A{i}", f"a{i}" if i < 5 else None) for i in range(20)),
              summary="Older abstract.", github_repo="https://github.com/old/old",
              submitted_by="AK", submitted_daily_at="2024-08-01T02:04:43.000Z",
              thumbnail="https://cdn-thumbnails.huggingface.co/x.png")
SEARCH_SEEN, DAILY_SEEN = "2025-05-18T00:00:00.000Z", "2024-08-01T02:04:43.000Z"


@pytest.mark.parametrize("order", ["newer first", "older first"])
def test_an_older_observation_never_overwrites_a_newer_one(order: str) -> None:
    """Import a May 2025 search answer and the 2024-08-01 daily answer, in either order: the
    newer counts, authors, abstract and link stay; the older one only fills what was missing."""
    steps = [(NEWER, SEARCH_SEEN), (OLDER, DAILY_SEEN)]
    if order == "older first":
        steps.reverse()
    record = None
    for i, (paper, seen) in enumerate(steps):
        record = merge_record(record, paper, listed_on="2024-08-01" if paper is OLDER else None,
                              now=f"2026-11-30T00:00:0{i}.000Z", observed=seen)
    assert record is not None
    p = record.paper
    assert (p.upvotes, p.num_comments, p.summary, p.github_repo) == (
        115, 6, "Newer abstract.", "https://github.com/meta-llama/llama3")
    assert sum(1 for a in p.authors if a.username) == 15
    assert (p.submitted_by, p.submitted_daily_at, p.thumbnail) == (
        "AK", OLDER.submitted_daily_at, OLDER.thumbnail)  # filled in from the older capture
    assert record.listed_on == ("2024-08-01",)
    assert record.observed_at == SEARCH_SEEN


def test_an_older_observation_that_brings_nothing_new_changes_nothing() -> None:
    record = merge_record(None, NEWER, now=T1, observed=SEARCH_SEEN)
    assert merge_record(record, OLDER.__class__(id=NEWER.id, upvotes=3), now=T2,
                        observed=DAILY_SEEN) is record


def test_a_record_of_unknown_observation_takes_any_observation_as_newer() -> None:
    legacy = Record(OLDER, ("2024-08-01",), (), T0, T0)  # written before observed_at existed
    record = merge_record(legacy, NEWER, now=T1, observed=SEARCH_SEEN)
    assert record.paper.upvotes == 115 and record.observed_at == SEARCH_SEEN


def test_the_same_observation_seen_again_does_not_touch_the_record() -> None:
    record = merge_record(None, NEWER, now=T1)
    assert record.observed_at == T1
    assert merge_record(record, NEWER, now=T2) is record  # a later sync, nothing changed


def test_observed_at_round_trips_through_the_shard_and_the_store(tmp_path: Path) -> None:
    cache = PaperCache(tmp_path / "papers")
    cache.merge([NEWER], now=T2, observed=SEARCH_SEEN)
    for step in range(2):  # the first load reads the JSON, the second the store built then
        again = PaperCache(tmp_path / "papers")
        record = again.get(NEWER.id)
        assert record is not None and record.observed_at == SEARCH_SEEN
        assert record.is_packed == (step == 1)
        again.search_store().close()
    cache.merge([OLDER], now=T2, observed=DAILY_SEEN)
    reread = PaperCache(tmp_path / "papers").get(NEWER.id)
    assert reread is not None and reread.paper.upvotes == 115
