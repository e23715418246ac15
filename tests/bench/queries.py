"""Realistic query texts per query type, drawn from a corpus's own papers, for the benchmarks
(tests/bench/filters.py, tests/bench/sqlstore.py); papers from the fake hub's corpus generator
(Zipf vocabulary, 80-350 word abstracts)."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from typing import Any

from reader.hub.models import Author, Organization, Paper
from reader.query.fold import tokens
from reader.store.record import Record
from reader.store.state import LibraryState
from tests.fakehub.corpus import iter_items

END = dt.date(2026, 11, 27)
NOW = dt.datetime(2026, 11, 27, 18, 0, tzinfo=dt.UTC)


def _paper(item: dict[str, Any]) -> Paper:
    """A Paper from a fake daily item, without the hub's sanitiser (slow, and the text is clean)."""
    p = item["paper"]
    org = p.get("organization")
    return Paper(
        id=p["id"],
        title=p.get("title", ""),
        summary=" ".join(p.get("summary", "").split()),
        authors=tuple(Author(a["name"], (a.get("user") or {}).get("user"), a.get("hidden", False))
                      for a in p.get("authors", ())),
        published_at=p.get("publishedAt"),
        submitted_daily_at=p.get("submittedOnDailyAt"),
        upvotes=p.get("upvotes"),
        num_comments=item.get("numComments"),
        ai_summary=p.get("ai_summary"),
        ai_keywords=tuple(p.get("ai_keywords") or ()),
        github_repo=p.get("githubRepo"),
        github_stars=p.get("githubStars"),
        project_page=p.get("projectPage"),
        organization=Organization(org["name"], org.get("fullname")) if org else None,
    )


def records(n: int) -> Iterator[Record]:
    """``n`` records as the cache would hold them after syncing ``n`` papers."""
    rng = random.Random(7)
    for item in iter_items(n, 0, end=END):
        paper = _paper(item)
        day = (paper.submitted_daily_at or "")[:10]
        trending = ((rng.randint(1, 100), f"{day}T12:00:00Z"),) if rng.random() < 0.02 else ()
        seen = f"{day}T20:00:00Z"  # the store stamps updated_at on every merge that changes
        yield Record(paper, listed_on=(day,), trending=trending, first_seen=seen, updated_at=seen)


def query_sets(recs: list[Record], rng: random.Random) -> dict[str, list[str]]:
    """Realistic queries per type, drawn from the corpus itself so that they find papers; the
    same ones for the same corpus however it was loaded (a home's order depends on its store)."""
    sample = rng.sample(sorted(recs, key=lambda r: r.id), 60)
    title_words = [w for r in sample for w in tokens(r.paper.title) if len(w) > 3]
    abstract_words = [w for r in sample for w in tokens(r.paper.summary) if len(w) > 4]
    phrases = []
    for r in sample[:25]:
        ws = tokens(r.paper.summary)
        i = rng.randrange(max(1, len(ws) - 3))
        phrases.append('"' + " ".join(ws[i : i + rng.choice((2, 3))]) + '"')
    typing = []
    for word in ("transformer", "diffusion", "reinforcement", rng.choice(title_words)):
        typing += [word[:k] for k in range(1, len(word) + 1)]
    typing += ["large language mod"[:k] for k in range(7, 19)]
    authors = [a.name.split()[-1] for r in sample for a in r.paper.authors[:1]]
    kws = [r.paper.ai_keywords[0].split()[0] for r in sample if r.paper.ai_keywords]
    return {
        "words": [" ".join(rng.sample(abstract_words, rng.choice((1, 2, 3)))) for _ in range(40)]
        + ["language model", "the", "diffusion video", "agents benchmark reasoning"],
        "prefix while typing": typing,
        "phrase": phrases + ['"large language models"', '"state of the art"', '"of the"'],
        "fields": [f"title:{w}" for w in title_words[:15]]
        + [f"author:{a}" for a in authors[:15]]
        + [f"kw:{k}" for k in kws[:10]]
        + ["abstract:benchmark", 'author:"sarah davis"', "org:pku", "id:2611.1"],
        "numbers": ["upvotes:>=50", "stars:>1000", "comments:>0", "authors:<5", "upvotes:10..50",
                    "stars:>1k upvotes:>20", "authors:>=20", "upvotes:0"],
        "dates": ["date:2026-11", "date:2026-11-20", "date:2026-11-20..2026-11-27",
                  "after:2026-11-01", "before:2026-06-01", "age:<7d", "age:>1y", "date:2025"],
        "flags": ["is:bookmarked", "is:unread", "is:read", "is:new", "is:trending", "has:code",
                  "has:project", "has:fulltext", "has:ai", "tag:todo", "note:reread",
                  "is:unread has:code"],
        "OR/NOT combos": ["diffusion OR transformer", "-is:read has:code",
                          "(video OR audio) -survey", "language -model", "NOT has:code upvotes:>10",
                          "(title:agent | kw:agents) -is:read sort:upvotes",
                          "diffusion video OR 3d scene", "-the", "llm sort:date"],
    }


def library(recs: list[Record], rng: random.Random) -> LibraryState:
    ids = [r.id for r in recs]
    marked = rng.sample(ids, min(len(ids), 2000))
    return LibraryState(
        bookmarks={i: "2026-11-01T00:00:00Z" for i in marked[:500]},
        read={i: "2026-11-01T00:00:00Z" for i in rng.sample(ids, len(ids) // 5)},
        tags={i: ("todo",) for i in marked[500:900]},
        notes={i: "reread the proofs" for i in marked[900:1000]},
        last_visit="2026-11-25T00:00:00Z",
    )
