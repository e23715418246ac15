"""The SQL engine over the derived store agrees with the reference matcher: random corpora,
random queries, every view, sorts included; and the accents, case and prefixes of FTS5."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reader.cli.records import select_view
from reader.hub.models import Author, Organization, Paper
from reader.query import Context, parse
from reader.query.matcher import matches, sort_key
from reader.query.sql import VIEWS, compile_query, search
from reader.store.derived import store
from reader.store.record import Record
from reader.store.state import LibraryState
from tests.query.test_properties import NOW, contexts, query_text, records

SORTS = [None, "upvotes", "date", "trending", "stars"]


def reference(recs: list[Record], ctx: Context, text: str, view: str) -> list[str]:
    query = parse(text)
    by_id = {r.id: r for r in recs}
    hits = [r for r in select_view(view, by_id, ctx.library) if matches(query, r, ctx)]
    if query.sort:
        key = query.sort
        hits.sort(key=lambda r: sort_key(r, key), reverse=True)
    return [r.id for r in hits]


def built(recs: list[Record], folder: Path) -> store.sqlite3.Connection:
    path = folder / "papers.sqlite"
    store.rebuild(path, [recs] if recs else [], 1)
    return store.connect(path, readonly=True)


@given(records(), records(), contexts(), st.lists(query_text, min_size=1, max_size=3),
       st.sampled_from(VIEWS), st.sampled_from(SORTS))
def test_sql_agrees_with_the_reference(first: list[Record], second: list[Record], ctx: Context,
                                       texts: list[str], view: str, sort: str | None) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "papers.sqlite"
        store.rebuild(path, [first] if first else [], 1)
        conn = store.connect(path)
        store.write(conn, second)  # updates: some papers of the first batch change
        latest = {r.id: r for r in first + second}
        try:
            for text in texts:
                full = f"({text}) sort:{sort}" if sort else text
                assert search(conn, parse(full), ctx, view) == reference(
                    list(latest.values()), ctx, full, view), full
        finally:
            conn.close()


def paper(pid: str, title: str, **kw: object) -> Record:
    return Record(Paper(pid, title=title, **kw), listed_on=("2026-11-20",))  # type: ignore[arg-type]


CASES = [
    ("uber", {"1"}), ("Über", {"1"}), ("UBER", {"1"}), ('"uber"', {"1"}), ("ub", {"1", "2"}),
    ("ubiquitous", {"2"}), ('"ub"', set()), ("cafe-au", {"3"}), ('"café au lait"', {"3"}),
    ('"au café"', set()), ("author:lecun", {"4"}), ('author:"yann lecun"', {"4"}),
    ('author:"lecun bengio"', set()),  # a phrase never spans two authors
    ("org:cafe", {"3"}), ("kw:diff", {"4"}), ("gpt-4o", {"5"}), ("straße", {"5"}),
    ("strasse", {"5"}), ("日本", {"6"}), ("x_y", {"6"}), ("-uber", {"2", "3", "4", "5", "6"}),
]


@pytest.mark.parametrize(("text", "want"), CASES)
def test_folding_case_accents_and_prefixes(tmp_path: Path, text: str, want: set[str]) -> None:
    recs = [
        paper("2611.00001", "Über alles"),
        paper("2611.00002", "Ubiquitous things"),
        paper("2611.00003", "Café au lait", organization=Organization("cafe", "Café Labs")),
        paper("2611.00004", "Models", authors=(Author("Yann LeCun"), Author("Bengio")),
              ai_keywords=("diffusion",)),
        paper("2611.00005", "GPT-4o and Straße"),
        paper("2611.00006", "日本 語 x_y"),
    ]
    conn = built(recs, tmp_path)
    ctx = Context(LibraryState(), NOW)
    got = {pid[-1] for pid in search(conn, parse(text), ctx)}
    assert got == want
    assert got == {r.id[-1] for r in recs if matches(parse(text), r, ctx)}


def test_the_plan_uses_the_indexes(tmp_path: Path) -> None:
    conn = built([paper("2611.00001", "a")], tmp_path)
    ctx = Context(LibraryState(), dt.datetime(2026, 11, 27, tzinfo=dt.UTC))
    sql, params = compile_query(parse("upvotes:>5 sort:upvotes"), ctx)
    plan = " ".join(str(r) for r in conn.execute(f"EXPLAIN QUERY PLAN {sql}", params))
    assert "papers_upvotes" in plan
    sql, params = compile_query(parse("date:2026-11"), ctx)
    plan = " ".join(str(r) for r in conn.execute(f"EXPLAIN QUERY PLAN {sql}", params))
    assert "papers_view" in plan or "papers_day" in plan
    sql, params = compile_query(parse("id:2611.0"), ctx)  # a prefix: a range of the id index
    plan = " ".join(str(r) for r in conn.execute(f"EXPLAIN QUERY PLAN {sql}", params))
    assert "SEARCH p USING" in plan and "(id>? AND id<?)" in plan, plan
