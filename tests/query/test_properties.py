"""Property tests: the parser only ever raises QueryError, boolean operators behave like set
operations, and the app's engine (the derived SQLite store) agrees with the reference matcher on
random queries and papers, in any candidates' order, sorts included."""

from __future__ import annotations

import contextlib
import datetime as dt
import random
import tempfile
from collections.abc import Iterator
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.hub.models import Author, Organization, Paper
from reader.query import Context, Query, QueryError, matches, parse
from reader.query.engine import Engine
from reader.query.fold import fold, tokens
from reader.query.matcher import sort_key
from reader.store.derived import store
from reader.store.record import Record
from reader.store.state import LibraryState

NOW = dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.UTC)
# A tiny vocabulary so random queries and random papers share words and prefixes.
WORDS = ["a", "ab", "abc", "abd", "b", "ba", "café", "cafe", "Über", "uber", "x1", "x", "gpt", "4o",
         "日a", "é", "a_b"]  # a word whose first letter has no initials bit; one folded to "e"
IDS = [f"2611.{i:05d}" for i in range(40)]
settings.register_profile("query", deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("query")


@given(st.text(max_size=60))
def test_parse_returns_a_query_or_raises_query_error(text: str) -> None:
    try:
        query = parse(text)
    except QueryError as err:
        assert 0 <= err.pos <= len(text)
        assert err.message
        return
    assert isinstance(query, Query)
    assert parse(str(query)) == query  # the normalised form means the same


QUERY_ALPHABET = st.sampled_from(
    list('ab c"()-|:><=.OR NOT AND title author tag is has sort date upvotes 2026-11 ')
)


@given(st.lists(QUERY_ALPHABET, max_size=30).map("".join))
def test_parse_on_query_like_noise(text: str) -> None:
    try:
        parse(text)
    except QueryError as err:
        assert 0 <= err.pos <= len(text)


@given(st.text(max_size=30))
def test_folding_is_stable(text: str) -> None:
    assert fold(fold(text)) == fold(text)
    assert tokens(fold(text)) == tokens(text)


# --- random papers and queries ----------------------------------------------------------------

text_st = st.lists(st.sampled_from(WORDS + [",", "-", ".", "ab-c"]), max_size=8).map(" ".join)
day_st = st.sampled_from(["", "2026-11-01", "2026-11-20", "2026-11-27", "2025-02-03"])
count_st = st.one_of(st.none(), st.integers(0, 60))


@st.composite
def records(draw: st.DrawFn) -> list[Record]:
    out = []
    for pid in draw(st.lists(st.sampled_from(IDS), unique=True, max_size=12)):
        names = draw(st.lists(text_st, max_size=3))
        paper = Paper(
            pid, title=draw(text_st), summary=draw(text_st),
            authors=tuple(Author(n, hidden=draw(st.booleans())) for n in names),
            upvotes=draw(count_st), github_stars=draw(count_st), num_comments=draw(count_st),
            ai_keywords=tuple(draw(st.lists(text_st, max_size=2))),
            github_repo=draw(st.sampled_from([None, "", "https://github.com/a/b"])),
            ai_summary=draw(st.sampled_from([None, "s"])),
            organization=draw(st.sampled_from([None, Organization("ab", "Café Labs")])),
        )
        day = draw(day_st)
        # Histories too: the best rank of the last days counts (reader.trending), not the last.
        trending = draw(st.sampled_from([
            (), ((2, "2026-11-27T10:00:00Z"),), ((5, "2026-11-27T10:00:00Z"),),
            ((1, "2026-11-26T10:00:00Z"), (4, "2026-11-27T10:00:00Z")),
            ((1, "2026-11-20T10:00:00Z"),)]))
        seen = draw(st.sampled_from(["", "2026-11-20T00:00:00Z", "2026-11-27T00:00:00Z"]))
        out.append(Record(paper, listed_on=(day,) if day else (), trending=trending,
                          first_seen=seen))
    return out


@st.composite
def contexts(draw: st.DrawFn) -> Context:
    some = st.lists(st.sampled_from(IDS), max_size=10)
    lib = LibraryState(
        bookmarks=dict.fromkeys(draw(some), "t"),
        read=dict.fromkeys(draw(some), "t"),
        tags={i: tuple(draw(st.lists(st.sampled_from(["ab", "abc", "todo"]), max_size=2)))
              for i in draw(some)},
        notes={i: draw(text_st) for i in draw(some)},
        last_visit=draw(st.sampled_from([None, "2026-11-21T00:00:00Z"])),
    )
    return Context(lib, NOW, frozenset(draw(some)))


word = st.sampled_from(WORDS)
leaf = st.one_of(
    word,
    word.map(lambda w: w + "-ab"),
    st.lists(word, min_size=1, max_size=3).map(lambda ws: '"' + " ".join(ws) + '"'),
    st.tuples(st.sampled_from(["title", "author", "abstract", "kw", "org", "note"]), word)
    .map(lambda t: f"{t[0]}:{t[1]}"),
    st.sampled_from(["ab", "abc", "todo", '"ab"']).map(lambda t: f"tag:{t}"),
    st.sampled_from(["2611.0000", "2611.00001", "2611.", "2611.0003", "2", "26"])
    .map(lambda t: f"id:{t}"),
    st.tuples(st.sampled_from(["upvotes", "stars", "comments", "authors"]),
              st.sampled_from([">", ">=", "<", "<=", "=", ""]), st.integers(0, 60))
    .map(lambda t: f"{t[0]}:{t[1]}{t[2]}"),
    st.sampled_from(["date:2026-11", "date:2026-11-20..2026-11-27", "after:2026-11-20",
                     "before:2026-11-20", "age:<7d", "age:>1w", "date:2025", "date:>2026-11-19"]),
    st.sampled_from(["is:bookmarked", "is:unread", "is:read", "is:new", "is:trending",
                     "has:code", "has:project", "has:fulltext", "has:ai"]),
)
query_text = st.recursive(
    leaf,
    lambda inner: st.one_of(
        st.tuples(inner, inner).map(lambda t: f"({t[0]}) ({t[1]})"),
        st.tuples(inner, inner).map(lambda t: f"({t[0]}) OR ({t[1]})"),
        inner.map(lambda t: f"-({t})"),
    ),
    max_leaves=6,
)


@contextlib.contextmanager
def engine_over(*batches: list[Record]) -> Iterator[Engine]:
    """An Engine over a store built from the first batch and updated with the others (later
    batches replace papers of earlier ones, as merges do)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "papers.sqlite"
        store.rebuild(path, [batches[0]] if batches and batches[0] else [], 1)
        writer = store.connect(path)
        try:
            for batch in batches[1:]:
                store.write(writer, batch)
        finally:
            writer.close()
        engine = Engine(store.connect(path, readonly=True))
        try:
            yield engine
        finally:
            engine.close()


def ids_matching(query: Query, recs: list[Record], ctx: Context) -> set[str]:
    return {r.id for r in recs if matches(query, r, ctx)}


@given(records(), contexts(), query_text, query_text)
def test_boolean_operators_are_set_operations(
    recs: list[Record], ctx: Context, a: str, b: str
) -> None:
    qa, qb = parse(a), parse(b)
    set_a, set_b = ids_matching(qa, recs, ctx), ids_matching(qb, recs, ctx)
    assert ids_matching(parse(f"({a}) OR ({b})"), recs, ctx) == set_a | set_b
    assert ids_matching(parse(f"({a}) ({b})"), recs, ctx) == set_a & set_b
    assert ids_matching(parse(f"-({a})"), recs, ctx) == {r.id for r in recs} - set_a
    with engine_over(recs) as engine:
        assert engine.matching(parse(f"({a}) OR ({b})"), ctx) == set_a | set_b
        assert engine.matching(parse(f"({a}) ({b})"), ctx) == set_a & set_b


@given(records(), records(), contexts(), st.lists(query_text, min_size=1, max_size=4))
def test_the_engine_agrees_with_the_reference(
    first: list[Record], second: list[Record], ctx: Context, texts: list[str]
) -> None:
    latest = {r.id: r for r in first + second}  # some of the second replace the first's
    order = list(dict.fromkeys(r.id for r in first + second))
    recs = [latest[i] for i in order]
    candidates = list(reversed(order)) + ["2611.99999"]
    with engine_over(first, second) as engine:
        for text in texts:
            query = parse(text)
            if query.sort:
                continue  # sorted: see the next test
            want = [r.id for r in recs if matches(query, r, ctx)]
            assert engine.filter(query, ctx, order) == want, text
            unknown = ["2611.99999"] if query.expr is None else []  # empty: all candidates
            assert engine.filter(query, ctx, candidates) == [*reversed(want), *unknown], text


@given(records(), contexts(), query_text, st.sampled_from(["upvotes", "date", "trending", "stars"]),
       st.randoms(use_true_random=False))
def test_sorted_filtering_within_a_view_is_a_stable_sort_of_the_hits(
    recs: list[Record], ctx: Context, text: str, key: str, rnd: random.Random
) -> None:
    by_id = {r.id: r for r in recs}
    view = [r.id for r in recs] + ["2611.99999"]
    rnd.shuffle(view)
    query = parse(f"({text}) sort:{key}")
    hits = [pid for pid in view if pid in by_id and matches(query, by_id[pid], ctx)]
    want = sorted(hits, key=lambda pid: sort_key(by_id[pid], key), reverse=True)
    unknown_last = sorted(view, key=lambda p: sort_key(by_id[p], key) if p in by_id else -1,
                          reverse=True)
    with engine_over(recs) as engine:
        for _ in range(2):  # the second time from the remembered sort values
            assert engine.filter(query, ctx, view) == want
        assert engine.filter(parse(f"sort:{key}"), ctx, view) == unknown_last
        assert engine.sort_ids(view, key) == unknown_last
