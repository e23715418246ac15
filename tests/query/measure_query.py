"""Benchmark of the query index: build time, memory and p50/p95 per query type at 10k and 100k.

Run by hand (pytest does not collect it): ``python -m tests.query.measure_query [--sizes N ...]``.
Papers come from the fake hub's corpus generator (Zipf vocabulary, 80-350 word abstracts).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import gc
import os
import random
import statistics
import sys
import tempfile
import time
from array import array
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from reader.hub.models import Author, Organization, Paper
from reader.query import Context, Index, matches, parse
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


def deep_size(index: Index) -> int:
    """Bytes held by the index's own structures (the records themselves belong to the cache)."""
    seen: set[int] = set()

    def size(obj: object) -> int:
        if id(obj) in seen or isinstance(obj, Record):
            return 0
        seen.add(id(obj))
        total = sys.getsizeof(obj)
        if isinstance(obj, dict):
            total += sum(size(k) + size(v) for k, v in obj.items())
        elif isinstance(obj, list | tuple | set) and not isinstance(obj, array):
            total += sum(size(v) for v in obj)
        return total

    return sum(size(v) for k, v in vars(index).items() if k not in ("_records", "_lock"))


def query_sets(recs: list[Record], rng: random.Random) -> dict[str, list[str]]:
    """Realistic queries per type, drawn from the corpus itself so that they find papers."""
    sample = rng.sample(recs, 60)
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


def build_save_load(recs: list[Record], folder: Path) -> Index:
    """Build, save and load the index, printing the times; returns the loaded index."""
    n = len(recs)
    gc.collect()
    started = time.perf_counter()
    built = Index(recs)
    build_s = time.perf_counter() - started
    path = folder / f"index-{n}.bin"
    started = time.perf_counter()
    built.save(path)
    save_s = time.perf_counter() - started
    del built
    gc.collect()
    by_id = {r.id: r for r in recs}
    started = time.perf_counter()
    index = Index.load(path, by_id)
    load_s = time.perf_counter() - started
    assert index is not None and len(index) == n
    changed = dict(by_id)
    for r in recs[:: max(1, n // 500)][:500]:  # 500 papers got new counts since the save
        changed[r.id] = r.replace(paper=dataclasses.replace(r.paper, upvotes=999),
                                            updated_at="2026-11-28T00:00:00Z")
    started = time.perf_counter()
    caught_up = Index.load(path, changed)
    catch_s = time.perf_counter() - started
    assert caught_up is not None
    print(f"\n== {n:,} papers: index built in {build_s:.2f} s, saved in {save_s:.2f} s "
          f"({path.stat().st_size / 2**20:.0f} MiB), loaded in {load_s:.2f} s "
          f"({catch_s:.2f} s with 500 changed papers); "
          f"index memory {deep_size(index) / 2**20:.0f} MiB")
    tables = index._pairs.tables
    held = sum(map(len, index._pairs.triples.values()))
    pair_bytes = sum(sys.getsizeof(k) + sys.getsizeof(v) + 16 for t in tables.values()
                     for k, v in t.items()) + sum(map(sys.getsizeof, tables.values()))
    print(f"pairs of common words: {sum(map(len, index._pairs.frequent.values()))} frequent words, "
          f"{sum(map(len, tables.values())) - held:,} pairs + {held:,} triples, "
          f"{index._pairs.entries():,} postings entries, {pair_bytes / 2**20:.1f} MiB in all")
    return index


def measure(recs: list[Record], folder: Path, freeze: bool) -> None:
    n = len(recs)
    index = build_save_load(recs, folder)
    if freeze:
        gc.collect()
        gc.freeze()  # what the app may do once loaded: the GC stops scanning the index
    rng = random.Random(1)
    ids = [r.id for r in recs]
    ctx = Context(library(recs, rng), NOW, frozenset(rng.sample(ids, n // 10)))
    view = index.sort_ids(ids, "date")  # the TUI filters within its current list
    sets = query_sets(recs, rng)
    print(f"{'query type':<22}{'n':>4}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}  {'in view p95':>11}")
    for kind, texts in sets.items():
        timings, in_view = [], []
        for text in texts:
            query = parse(text)
            t0 = time.perf_counter()
            index.filter(query, ctx)
            timings.append((time.perf_counter() - t0) * 1000)
            t0 = time.perf_counter()
            index.filter(query, ctx, view)
            in_view.append((time.perf_counter() - t0) * 1000)
        timings.sort()
        in_view.sort()
        p95 = timings[int(0.95 * (len(timings) - 1))]
        print(f"{kind:<22}{len(texts):>4}{statistics.median(timings):>9.1f}{p95:>9.1f}"
              f"{timings[-1]:>9.1f}  {in_view[int(0.95 * (len(in_view) - 1))]:>11.1f}")
    scan = []
    for text in ("has:code", "upvotes:>=50", "title:diffusion"):
        query = parse(text)
        t0 = time.perf_counter()
        [r.id for r in recs if matches(query, r, ctx)]
        scan.append((time.perf_counter() - t0) * 1000)
    print(f"plain scan with the reference matcher: {' / '.join(f'{t:.0f}' for t in scan)} ms "
          "(has:code / upvotes:>=50 / title:diffusion)")
    print(f"load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    changed = [r.replace(paper=dataclasses.replace(r.paper, upvotes=999))
               for r in recs[: min(500, n)]]
    fresh = [r.replace(paper=dataclasses.replace(r.paper, id=f"9{r.id}"))
             for r in recs[-min(500, n) :]]
    t0 = time.perf_counter()
    index.add(changed + fresh)
    print(f"add() of 1,000 papers (500 updated, 500 new): "
          f"{(time.perf_counter() - t0) * 1000:.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--gc-freeze", action="store_true",
                        help="gc.freeze() after loading the index (does GC cost query time?)")
    args = parser.parse_args()
    started = time.perf_counter()
    recs = list(records(max(args.sizes)))
    print(f"generated {len(recs):,} records in {time.perf_counter() - started:.0f} s")
    with tempfile.TemporaryDirectory() as folder:
        for size in args.sizes:
            measure(recs[:size], Path(folder), args.gc_freeze)
            gc.unfreeze()


if __name__ == "__main__":
    main()
