"""Table-driven tests of the query parser: what each construct parses to, and every error."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest

from reader.query import Query, QueryError, all_of, describe, excluding, parse
from reader.query.ast import (
    Age,
    And,
    DateRange,
    Flag,
    IdPrefix,
    Not,
    Number,
    Or,
    Tag,
    Text,
)


def d(text: str) -> int:
    return dt.date.fromisoformat(text).toordinal()


def w(*tokens: str, field: str = "any", exact: bool = False) -> Text:
    return Text(field, tokens, exact)


PARSES = [
    # words: folded, each its own term (implicit AND)
    ("transf", w("transf")),
    ("Transformer", w("transformer")),
    ("Über naïve", And((w("uber"), w("naive")))),
    ("graph neural nets", And((w("graph"), w("neural"), w("nets")))),
    ("gpt-4o", w("gpt", "4o")),
    ("or and not", And((w("or"), w("and"), w("not")))),  # only upper-case words are operators
    ('"exact phrase"', w("exact", "phrase", exact=True)),
    ('"Naïve  Bayes"', w("naive", "bayes", exact=True)),
    # fields
    ("title:diffusion", w("diffusion", field="title")),
    ("TITLE:Diffusion", w("diffusion", field="title")),
    ('author:"yann lecun"', w("yann", "lecun", field="author", exact=True)),
    ("author:lecun", w("lecun", field="author")),
    ("abstract:benchmark", w("benchmark", field="abstract")),
    ("kw:rlhf", w("rlhf", field="kw")),
    ("keyword:rlhf", w("rlhf", field="kw")),
    ("org:meta", w("meta", field="org")),
    ("note:reread", w("reread", field="note")),
    ("id:2502.1", IdPrefix("2502.1")),
    ("id:arXiv:2502.16161", IdPrefix("2502.16161")),
    ("tag:todo", Tag("todo")),
    ('tag:"to read"', Tag("to read", exact=True)),
    # numbers
    ("upvotes:>=50", Number("upvotes", 50, None)),
    ("upvotes:>50", Number("upvotes", 51, None)),
    ("stars:>1000", Number("stars", 1001, None)),
    ("stars:>1k", Number("stars", 1001, None)),
    ("comments:>0", Number("comments", 1, None)),
    ("authors:<5", Number("authors", None, 4)),
    ("authors:<=5", Number("authors", None, 5)),
    ("upvotes:=7", Number("upvotes", 7, 7)),
    ("upvotes:7", Number("upvotes", 7, 7)),
    ("upvotes:10..50", Number("upvotes", 10, 50)),
    ("upvotes:10..", Number("upvotes", 10, None)),
    ("upvotes:..50", Number("upvotes", None, 50)),
    # dates
    ("date:2026-11", DateRange(d("2026-11-01"), d("2026-11-30"))),
    ("date:2026-02", DateRange(d("2026-02-01"), d("2026-02-28"))),
    ("date:2026-12", DateRange(d("2026-12-01"), d("2026-12-31"))),
    ("date:2026", DateRange(d("2026-01-01"), d("2026-12-31"))),
    ("date:2026-11-20", DateRange(d("2026-11-20"), d("2026-11-20"))),
    ("date:2026-11-20..2026-11-27", DateRange(d("2026-11-20"), d("2026-11-27"))),
    ("date:2026-10..2026-11", DateRange(d("2026-10-01"), d("2026-11-30"))),
    ("date:>2026-11", DateRange(d("2026-12-01"), None)),
    ("date:<2026-11", DateRange(None, d("2026-10-31"))),
    ("after:2026-11-01", DateRange(d("2026-11-01"), None)),
    ("before:2026-11-01", DateRange(None, d("2026-10-31"))),
    ("age:<7d", Age(None, 6)),
    ("age:<=1w", Age(None, 7)),
    ("age:>1m", Age(31, None)),
    ("age:>=1y", Age(365, None)),
    ("age:7d", Age(None, 7)),
    ("age:3", Age(None, 3)),
    ("age:3d..2w", Age(3, 14)),
    # flags
    ("is:bookmarked", Flag("is", "bookmarked")),
    ("is:unread", Flag("is", "unread")),
    ("is:read", Flag("is", "read")),
    ("is:new", Flag("is", "new")),
    ("is:trending", Flag("is", "trending")),
    ("has:code", Flag("has", "code")),
    ("has:project", Flag("has", "project")),
    ("has:fulltext", Flag("has", "fulltext")),
    ("HAS:AI", Flag("has", "ai")),
    # operators and precedence: NOT > AND > OR
    ("a OR b", Or((w("a"), w("b")))),
    ("a | b", Or((w("a"), w("b")))),
    ("a|b", Or((w("a"), w("b")))),
    ("a b OR c", Or((And((w("a"), w("b"))), w("c")))),
    ("a OR b c", Or((w("a"), And((w("b"), w("c")))))),
    ("a AND b", And((w("a"), w("b")))),
    ("-a", Not(w("a"))),
    ("NOT a b", And((Not(w("a")), w("b")))),
    ("--a", w("a")),
    ("-(a OR b)", Not(Or((w("a"), w("b"))))),
    ("(a OR b) c", And((Or((w("a"), w("b"))), w("c")))),
    ("a OR (b OR c)", Or((w("a"), w("b"), w("c")))),
    ("((a))", w("a")),
    ("-upvotes:>10", Not(Number("upvotes", 11, None))),
    ("x -tag:done", And((w("x"), Not(Tag("done"))))),
    # terms that mean nothing are left out
    ("", None),
    ("   ", None),
    ("!!", None),
    ('""', None),
    ('"!!" OR a', w("a")),
    ("a -!!", w("a")),
]


@pytest.mark.parametrize(("text", "expr"), PARSES)
def test_parses(text: str, expr: object) -> None:
    query = parse(text)
    assert query.expr == expr
    assert query.text == text
    assert query.is_empty == (expr is None)


@pytest.mark.parametrize(("text", "expr"), PARSES)
def test_description_parses_back(text: str, expr: object) -> None:
    query = parse(text)
    assert parse(describe(query)) == query


SORTS = [
    ("sort:upvotes", None, "upvotes"),
    ("llm sort:date", w("llm"), "date"),
    ("sort:trending llm", w("llm"), "trending"),
    ("SORT:Stars", None, "stars"),
    ("(a sort:date) OR b", Or((w("a"), w("b"))), "date"),
]


@pytest.mark.parametrize(("text", "expr", "sort"), SORTS)
def test_sort(text: str, expr: object, sort: str) -> None:
    query = parse(text)
    assert (query.expr, query.sort) == (expr, sort)
    assert parse(str(query)) == query


ERRORS = [
    # (text, pos, words the message must contain)
    ('"open', 0, "unclosed quote"),
    ('a "b', 2, "unclosed quote"),
    ("(a", 0, "never closed"),
    ("a)", 1, "without a matching"),
    ("()", 0, "empty parentheses"),
    ("a OR", 2, "OR needs a term after"),
    ("OR a", 0, "OR needs a term before"),
    ("a OR OR b", 2, "OR needs a term after"),
    ("(OR a)", 1, "OR needs a term before"),
    ("a |", 2, "OR needs a term after"),
    ("AND a", 0, "AND needs a term before"),
    ("a AND", 2, "AND needs a term after"),
    ("a NOT", 2, "NOT needs a term"),
    ("a -", 2, "'-' needs a term"),
    ("a - b", 2, "'-' needs a term"),
    ("-sort:date", 0, "cannot be negated"),
    ("sort:date sort:upvotes", 10, "given twice"),
    ("sort:votes", 5, "did you mean 'sort:upvotes'"),
    ("sort:zzz", 5, "unknown sort"),
    ("autor:lecun", 0, "unknown field 'autor:' — did you mean 'author:'?"),
    ("x titel:foo", 2, "did you mean 'title:'"),
    ("zzzq:foo", 0, "put it in quotes"),
    ("title:", 0, "needs a value"),
    ("title: x", 0, "needs a value"),
    ("title:!!", 6, "needs a word"),
    ('title:""', 6, "needs a word"),
    ("upvotes:>", 8, "expects a number"),
    ("upvotes:>=", 8, "expects a number"),
    ("upvotes:abc", 8, "expects a number"),
    ("upvotes:50..10", 8, "is empty"),
    ("upvotes:..", 8, "needs a start or an end"),
    ("upvotes:" + "9" * 5000, 8, "expects a number"),
    ("authors:lecun", 8, "did you mean author:lecun"),
    ("date:2026-13", 5, "not a date"),
    ("date:2026-02-30", 5, "not a date"),
    ("date:yesterday", 5, "expects a date"),
    ("date:0000", 5, "not a date"),
    ("after:2026-11-01..2026-12-01", 6, "expects a date"),
    ("date:>9999-12-31", 5, "out of range"),
    ("age:<", 4, "expects days"),
    ("age:<7h", 4, "expects days"),
    ("is:bookmark", 3, "did you mean 'is:bookmarked'"),
    ("has:kode", 4, "did you mean 'has:code'"),
    ("is:zzzz", 3, "unknown flag"),
    ("id:2502 16", -1, ""),  # fine: a word follows; checked below as not an error
    ('id:"25 02"', 3, "arXiv id"),
    ("tag:", 0, "needs a value"),
    ('tag:"  "', 4, "needs a tag name"),
    ("(" * 200 + "a" + ")" * 200, 51, "nested too deeply"),
    ("-" * 500 + "a", 51, "nested too deeply"),
    ("NOT " * 300 + "a", 204, "nested too deeply"),
]


@pytest.mark.parametrize(("text", "pos", "words"), ERRORS)
def test_errors(text: str, pos: int, words: str) -> None:
    if pos < 0:
        parse(text)
        return
    with pytest.raises(QueryError) as caught:
        parse(text)
    assert caught.value.pos == pos
    assert words in caught.value.message
    assert caught.value.pos <= caught.value.end <= len(text)
    assert words in str(caught.value)


def test_query_error_is_a_value_error() -> None:
    assert issubclass(QueryError, ValueError)


def test_all_of_and_excluding_combine_queries() -> None:
    view, mute = parse("llm sort:date"), parse("author:spam OR kw:crypto")
    both = excluding(view, mute, parse(""))
    assert both.sort == "date"
    muted = Or((w("spam", field="author"), w("crypto", field="kw")))
    assert both.expr == And((w("llm"), Not(muted)))
    assert parse(both.text) == both
    assert excluding(view, parse("")) is view
    joined = all_of(parse("a"), parse("b sort:stars"), Query())
    assert (joined.expr, joined.sort) == (And((w("a"), w("b"))), "stars")
    assert all_of().is_empty


def test_query_package_does_not_import_textual() -> None:
    code = "import sys, reader.query, reader.query.engine; print('textual' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
