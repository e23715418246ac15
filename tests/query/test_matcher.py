"""Table-driven tests of the reference matcher: each construct against a few handmade papers."""

from __future__ import annotations

import datetime as dt

import pytest

from reader.hub.models import Author, Organization, Paper
from reader.query import Context, matches, parse
from reader.store.record import Record
from reader.store.state import LibraryState

NOW = dt.datetime(2026, 11, 27, 18, 0, tzinfo=dt.UTC)


def record(pid: str, day: str, **fields: object) -> Record:
    trending = fields.pop("trending", ())
    first_seen = fields.pop("first_seen", f"{day}T20:00:00Z")
    return Record(Paper(pid, **fields), listed_on=(day,) if day else (),  # type: ignore[arg-type]
                  trending=trending, first_seen=first_seen)  # type: ignore[arg-type]


PAPERS = {
    "attn": record(
        "2611.00001", "2026-11-27",
        title="Attention Is All You Need, Again: Transformers for Über-long Context",
        summary="We revisit the transformer. State-of-the-art results on long-context benchmarks.",
        authors=(Author("Yann LeCun", "ylecun"), Author("Zoë Müller"), Author("Hidden Person",
                                                                              hidden=True)),
        ai_keywords=("long context", "transformer architecture"),
        upvotes=120, github_stars=2500, num_comments=4, github_repo="https://github.com/x/y",
        ai_summary="A transformer.", organization=Organization("meta", "Meta AI"),
        trending=((3, "2026-11-27T10:00:00Z"),), first_seen="2026-11-27T08:00:00Z",
    ),
    "diff": record(
        "2611.00002", "2026-11-20",
        title="Video Diffusion Models at Scale",
        summary="A diffusion model for video generation; we release code.",
        authors=(Author("Ana Silva"),),
        upvotes=8, num_comments=0, project_page="https://example.org",
    ),
    "old": record(
        "2502.16161", "2025-02-23",
        title="A Survey of Graph Neural Networks",
        summary="Graph neural networks (GNNs) survey.",
        authors=tuple(Author(f"Author {i}") for i in range(7)),
        upvotes=50,
    ),
    "bare": record("2611.00003", "", title="", published_at=None),
}
LIB = LibraryState(
    bookmarks={"2611.00001": "2026-11-26T00:00:00Z"},
    read={"2611.00002": "2026-11-26T00:00:00Z"},
    tags={"2502.16161": ("to-read", "gnn"), "2611.00001": ("Transformers",)},
    notes={"2611.00002": "Re-read the sampling section"},
    last_visit="2026-11-26T00:00:00Z",
)
CTX = Context(LIB, NOW, frozenset({"2502.16161"}))

CASES = [
    # bare words: all must match, folded, prefix
    ("transformer", {"attn"}),
    ("transf", {"attn"}),
    ("TRANSFORMERS", {"attn"}),
    ("uber", {"attn"}),
    ("zoe muller", {"attn"}),
    ("lecun", {"attn"}),
    ("ylecun", {"attn"}),  # the HF username
    ("hidden", set()),  # hidden authors are not searched
    ("diffusion video", {"diff"}),
    ("diffusion attention", set()),
    ("gnns", {"old"}),
    ("gnn", {"old"}),
    ("neur", {"old"}),
    ("eural", set()),  # prefixes of words, not substrings
    ("long context", {"attn"}),
    # phrases: consecutive words, exact
    ('"long context"', {"attn"}),
    ('"context long"', set()),
    ('"state of the art"', {"attn"}),
    ('"transformer"', {"attn"}),
    ('"transf"', set()),
    ("state-of-the", {"attn"}),
    ("long-context", {"attn"}),
    ('"architecture long"', set()),  # never across two keywords
    ('"muller hidden"', set()),
    # fields
    ("title:video", {"diff"}),
    ("title:code", set()),
    ("abstract:code", {"diff"}),
    ("author:silva", {"diff"}),
    ('author:"yann lecun"', {"attn"}),
    ('author:"lecun yann"', set()),
    ("kw:architecture", {"attn"}),
    ("org:meta", {"attn"}),
    ("org:ai", {"attn"}),
    ("id:2611", {"attn", "diff", "bare"}),
    ("id:2502.16161", {"old"}),
    ("id:arxiv:2502", {"old"}),
    ("tag:to", {"old"}),
    ('tag:"to"', set()),
    ('tag:"to-read"', {"old"}),
    ("tag:transformers", {"attn"}),
    ("note:sampling", {"diff"}),
    ("note:re-read", {"diff"}),
    # numbers (unknown values never match)
    ("upvotes:>=50", {"attn", "old"}),
    ("upvotes:>50", {"attn"}),
    ("upvotes:<50", {"diff"}),
    ("upvotes:8..50", {"diff", "old"}),
    ("stars:>1000", {"attn"}),
    ("stars:>2k", {"attn"}),
    ("comments:>0", {"attn"}),
    ("comments:0", {"diff"}),
    ("authors:<5", {"attn", "diff", "bare"}),
    ("authors:2", {"attn"}),
    ("-upvotes:>10", {"diff", "bare"}),
    # dates: Record.day, and age relative to Context.now
    ("date:2026-11", {"attn", "diff"}),
    ("date:2026-11-20", {"diff"}),
    ("date:2026-11-21..2026-11-27", {"attn"}),
    ("after:2026-11-20", {"attn", "diff"}),
    ("before:2026-11-20", {"old"}),
    ("date:2025", {"old"}),
    ("age:<7d", {"attn"}),
    ("age:<=7d", {"attn", "diff"}),
    ("age:1w", {"attn", "diff"}),
    ("age:>1y", {"old"}),
    ("-date:2026", {"old", "bare"}),
    # flags
    ("is:bookmarked", {"attn"}),
    ("is:read", {"diff"}),
    ("is:unread", {"attn", "old", "bare"}),
    ("is:new", {"attn"}),
    ("is:trending", {"attn"}),
    ("has:code", {"attn"}),
    ("has:project", {"diff"}),
    ("has:fulltext", {"old"}),
    ("has:ai", {"attn"}),
    # boolean structure
    ("video OR survey", {"diff", "old"}),
    ("video | survey", {"diff", "old"}),
    ("-video", {"attn", "old", "bare"}),
    ("NOT video", {"attn", "old", "bare"}),
    ("(video OR survey) -graph", {"diff"}),
    ("video survey OR transformer", {"attn"}),
    ("transformer OR video survey", {"attn"}),
    ("-(video OR survey)", {"attn", "bare"}),
    ("has:code OR is:read", {"attn", "diff"}),
    ("", {"attn", "diff", "old", "bare"}),
    ("sort:upvotes", {"attn", "diff", "old", "bare"}),
    ("!!", {"attn", "diff", "old", "bare"}),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_matches(text: str, expected: set[str]) -> None:
    query = parse(text)
    got = {name for name, rec in PAPERS.items() if matches(query, rec, CTX)}
    assert got == expected


def test_is_new_needs_a_previous_visit() -> None:
    ctx = Context(LibraryState(), NOW)
    assert not any(matches(parse("is:new"), r, ctx) for r in PAPERS.values())


def test_naive_now_is_taken_as_utc() -> None:
    ctx = Context(LIB, NOW.replace(tzinfo=None))
    assert matches(parse("age:0d"), PAPERS["attn"], ctx)
