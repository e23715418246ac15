"""The index must answer exactly as the reference matcher, keep orders, sort, and grow."""

from __future__ import annotations

import dataclasses

import pytest

from reader.hub.models import Author, Paper
from reader.query import Context, Index, matches, parse
from reader.store.record import Record
from tests.query.test_matcher import CASES, CTX, NOW, PAPERS, record

IDS = {name: r.id for name, r in PAPERS.items()}


@pytest.fixture(scope="module")
def index() -> Index:
    return Index(PAPERS.values())


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_index_agrees_with_the_table(index: Index, text: str, expected: set[str]) -> None:
    got = index.filter(parse(text), CTX)
    want = [r.id for r in PAPERS.values() if matches(parse(text), r, CTX)]
    if not parse(text).sort:
        assert got == want  # insertion order
    assert set(got) == {IDS[name] for name in expected}
    assert index.count(parse(text), CTX) == len(expected)


def test_candidates_order_is_kept_and_unknown_ids_never_match(index: Index) -> None:
    order = ["2611.99999", IDS["old"], IDS["bare"], IDS["diff"], IDS["attn"]]
    assert index.filter(parse("-video"), CTX, order) == [IDS["old"], IDS["bare"], IDS["attn"]]
    assert index.filter(parse(""), CTX, order) == order
    assert index.filter(parse("video"), CTX, []) == []
    assert index.filter(parse("video"), CTX, (IDS["diff"],)) == [IDS["diff"]]
    assert index.filter(parse("video"), CTX, [IDS["attn"]]) == []
    assert index.filter(parse("video"), CTX, [IDS["diff"], IDS["diff"]]) == [IDS["diff"]] * 2


def test_sorting(index: Index) -> None:
    everything = [IDS[n] for n in ("bare", "old", "diff", "attn")]
    assert index.filter(parse("sort:upvotes"), CTX, everything) == [
        IDS["attn"], IDS["old"], IDS["diff"], IDS["bare"]]
    assert index.filter(parse("sort:date"), CTX, everything) == [
        IDS["attn"], IDS["diff"], IDS["old"], IDS["bare"]]
    assert index.filter(parse("sort:stars"), CTX, everything)[0] == IDS["attn"]
    assert index.filter(parse("sort:trending"), CTX, everything)[0] == IDS["attn"]
    # ties (and unknown values) keep the order they came in
    assert index.sort_ids(everything, "stars") == [IDS[n] for n in ("attn", "bare", "old", "diff")]
    with pytest.raises(ValueError, match="unknown sort key"):
        index.sort_ids(everything, "votes")


def test_trending_sort_puts_the_newest_list_first() -> None:
    a = record("2611.10001", "2026-11-27", trending=((1, "2026-11-20T10:00:00Z"),))
    b = record("2611.10002", "2026-11-27", trending=((5, "2026-11-27T10:00:00Z"),))
    c = record("2611.10003", "2026-11-27", trending=((2, "2026-11-27T10:00:00Z"),))
    index = Index([a, b, c])
    assert index.filter(parse("sort:trending"), CTX) == [c.id, b.id, a.id]


def test_add_appends_and_replaces() -> None:
    index = Index(list(PAPERS.values())[:2])
    assert index.filter(parse("survey"), CTX) == []
    index.add([PAPERS["old"]])
    assert index.filter(parse("survey"), CTX) == [IDS["old"]]
    # warm the caches, then replace the text and the counts of a paper
    assert index.filter(parse("title:v"), CTX) == [IDS["diff"]]
    assert index.filter(parse("upvotes:>100"), CTX) == [IDS["attn"]]
    old = PAPERS["diff"]
    changed = old.replace(paper=dataclasses.replace(
        old.paper, title="Audio Diffusion", upvotes=500, authors=(Author("Bo Li"),)))
    index.add([changed])
    assert len(index) == 3
    assert index.ids == [IDS["attn"], IDS["diff"], IDS["old"]]  # replaced in place
    assert index.get(IDS["diff"]) is changed
    assert index.filter(parse("title:video"), CTX) == []
    assert index.filter(parse("title:v"), CTX) == []
    assert index.filter(parse("audio diffusion"), CTX) == [IDS["diff"]]
    assert index.filter(parse('"audio diffusion"'), CTX) == [IDS["diff"]]
    assert index.filter(parse("author:silva"), CTX) == []
    assert index.filter(parse("author:li"), CTX) == [IDS["diff"]]
    assert index.filter(parse("upvotes:>100"), CTX) == [IDS["attn"], IDS["diff"]]
    # a word that no paper holds any more disappears from prefix matches too
    assert index.filter(parse("sil"), CTX) == []


def test_words_that_share_a_prefix_with_many_others() -> None:
    papers = [Record(Paper(f"2611.{i:05d}", title=f"w{i} x{i % 7}")) for i in range(300)]
    index = Index(papers)
    ctx = Context(now=NOW)
    assert index.count(parse("w"), ctx) == 300
    assert index.filter(parse("w12"), ctx) == [f"2611.{i:05d}" for i in range(300)
                                               if str(i).startswith("12")]
    assert index.filter(parse('"w12"'), ctx) == ["2611.00012"]
    assert index.count(parse("x3 -w1"), ctx) == sum(
        1 for i in range(300) if i % 7 == 3 and not str(i).startswith("1"))


def test_empty_index() -> None:
    index = Index()
    ctx = Context(now=NOW)
    assert len(index) == 0
    for text in ("", "a", '"a b"', "-a", "upvotes:>1", "is:unread", "id:1", "sort:date", "is:new"):
        assert index.filter(parse(text), ctx) == []
    assert "x" not in index
    assert index.get("x") is None



def test_phrases_match_whatever_the_case_and_accents_of_the_text() -> None:
    texts = ["We beat the STATE-of-the-Art.", "the state of the art", "Ünïcode state of thé art",
             "a state of the artist", "state, of the art"]
    recs = [Record(Paper(f"2611.{i:05d}", title="t", summary=t)) for i, t in enumerate(texts)]
    index = Index(recs)
    ctx = Context(now=NOW)
    want = [recs[i].id for i in (0, 1, 2, 4)]
    assert index.filter(parse('"state of the art"'), ctx) == want
    assert [r.id for r in recs if matches(parse('"state of the art"'), r, ctx)] == want
