"""Filter latency per query type, in-process, with reader.query's Index over a home's whole cache.

A sample is what one keystroke costs the filter: parse the text and filter every paper. Queries
are built from the home's own vocabulary (common, middling and rare title words, real author
names and keywords), so the figures reflect what a user of that cache would type.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from reader.store.cache import PaperCache
from reader.store.record import Record
from reader.store.state import LibraryState
from tests.bench.figures import Figure
from tests.bench.homes import Home
from tests.bench.writes import home_locations

_WORD = re.compile(r"[a-z]{4,}")


@dataclass(frozen=True)
class Vocabulary:
    """Words and names drawn from the cache, by how often they occur in titles."""

    common: list[str]
    middling: list[str]
    rare: list[str]
    authors: list[str]
    keywords: list[str]
    phrases: list[str]
    latest_month: str
    latest_day: str


def vocabulary(records: Mapping[str, Record]) -> Vocabulary:
    counts: Counter[str] = Counter()
    bigrams: Counter[str] = Counter()
    authors: Counter[str] = Counter()
    keywords: Counter[str] = Counter()
    days: set[str] = set()
    for record in records.values():
        words = _WORD.findall(record.paper.title.lower())
        counts.update(set(words))
        bigrams.update(f"{a} {b}" for a, b in zip(words, words[1:], strict=False))
        authors.update(a.name.split()[-1] for a in record.paper.authors[:3]
                       if a.name and a.name.split()[-1].isascii())
        keywords.update(k for k in record.paper.ai_keywords if k.isascii() and " " not in k)
        if record.day:
            days.add(record.day)
    ranked = [w for w, _ in counts.most_common()]
    if len(ranked) < 60:
        raise RuntimeError(f"too small a vocabulary in the cache ({len(ranked)} title words)")
    latest = max(days) if days else dt.date.today().isoformat()
    return Vocabulary(
        common=ranked[5:10],
        middling=ranked[len(ranked) // 20: len(ranked) // 20 + 5],
        rare=ranked[len(ranked) // 2: len(ranked) // 2 + 5],
        authors=[a for a, _ in authors.most_common(40)[10:15]] or ["smith"],
        keywords=[k for k, _ in keywords.most_common(40)[5:10]] or ranked[:5],
        phrases=[p for p, _ in bigrams.most_common(200)[20:25]],
        latest_month=latest[:7],
        latest_day=latest,
    )


def typing(word: str) -> list[str]:
    """Every prefix a user types on the way to ``word`` (from 2 letters): the live filter runs on
    each, and the last word is matched as a prefix while typing."""
    return [word[:i] for i in range(2, len(word) + 1)]


def query_set(v: Vocabulary) -> dict[str, list[str]]:
    """Query texts by type, as issue 4 lists them."""
    c, m, r = v.common, v.middling, v.rare
    month_start = dt.date.fromisoformat(v.latest_month + "-01")
    week_ago = (dt.date.fromisoformat(v.latest_day) - dt.timedelta(days=7)).isoformat()
    return {
        "words": [c[0], m[0], r[0], f"{c[1]} {m[1]}", f"{m[2]} {r[2]}", f"{c[2]} {c[3]} {m[3]}"],
        "prefix while typing": typing(m[4]) + typing(f"{c[4]} {r[4]}")[-4:],
        "phrase": [f'"{p}"' for p in v.phrases[:4]] + [f'"{c[0]} {m[0]}"'],
        "fields": [f"title:{m[0]}", f"author:{v.authors[0]}", f"kw:{v.keywords[0]}",
                   f"abstract:{r[1]}", f"title:{c[1]} author:{v.authors[1]}", "id:2"],
        "numbers": ["upvotes:>=50", "stars:>1000", "comments:>0", "authors:<5",
                    f"upvotes:>10 {m[1]}"],
        "dates": [f"date:{v.latest_month}", f"date:{month_start.isoformat()}..{v.latest_day}",
                  f"after:{week_ago}", f"before:{v.latest_month}-01", "age:<7d"],
        "flags": ["is:bookmarked", "is:unread", "is:read", "has:code", "has:project",
                  "has:fulltext"],
        "boolean": [f"{c[0]} OR {m[0]}", f"{c[1]} -{c[2]}", f"({m[1]} OR {m[2]}) has:code",
                    "NOT is:read upvotes:>10", f"{c[3]} NOT {r[3]} sort:upvotes",
                    f"(author:{v.authors[2]} OR kw:{v.keywords[1]}) -{c[4]}"],
    }


def load(home: Home) -> tuple[dict[str, Record], LibraryState]:
    loc = home_locations(home.path)
    records = PaperCache(loc.papers_dir).load_all()
    try:
        from reader.store.library import Library
    except ImportError:
        return dict(records), LibraryState()
    return dict(records), Library(loc.library_file).snapshot()


def time_queries(
    records: Mapping[str, Record],
    state: LibraryState,
    queries: Mapping[str, Sequence[str]],
    runs: int,
) -> tuple[float, dict[str, list[float]], dict[str, int]]:
    """(index build seconds, per-type keystroke samples in ms, matches of each type's first)."""
    from reader.query import Context, Index, parse

    start = time.perf_counter()
    index = Index(records.values())
    built = time.perf_counter() - start
    ctx = Context(library=state, now=dt.datetime.now(dt.UTC), fulltext_ids=frozenset())
    texts = [t for ts in queries.values() for t in ts]
    for text in texts:  # warm-up: first use of each code path and of each posting list
        index.filter(parse(text), ctx)
    samples: dict[str, list[float]] = {kind: [] for kind in queries}
    hits: dict[str, int] = {}
    for _ in range(runs):
        for kind, kind_texts in queries.items():
            for text in kind_texts:
                t0 = time.perf_counter()
                found = index.filter(parse(text), ctx)
                samples[kind].append((time.perf_counter() - t0) * 1000)
                hits.setdefault(kind, len(found))
    return built, samples, hits


def filter_figures(
    homes: Sequence[Home], runs: int, *, target_ms: float, log: Callable[[str], object] = print
) -> list[Figure]:
    """Rows: the index build, then p50/p95 per query type, for each home."""
    rows: list[Figure] = []
    for home in homes:
        records, state = load(home)
        queries = query_set(vocabulary(records))
        built, samples, hits = time_queries(records, state, queries, runs)
        log(f"  {home.n:,}: index built in {built:.2f} s")
        rows.append(Figure("Filter index build (in the background)", home.n, "s", [built],
                           show_p95=False))
        for kind, values in samples.items():
            example = queries[kind][0]
            rows.append(Figure(
                f"Filter: {kind}", home.n, "ms", values, on="p95",
                target=target_ms if home.n >= 100_000 else None,
                note=f"{len(queries[kind])} queries x {runs} runs, e.g. `{example}` "
                     f"({hits.get(kind, 0):,} matches)"))
        del records
    return rows
