"""Filter latency per query type, in-process, with the app's Engine (the derived SQLite store).

A sample is what one keystroke costs the TUI's filter worker: parse the text and filter the "All"
view (every paper, newest first), as the controller does. The query texts per type are the query
helper's (tests/bench/queries.py), drawn from the home's own papers so that they find some.
The p95 over every paper without a candidate list is given in the row's note.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from reader.store.cache import PaperCache
from reader.store.record import Record
from reader.store.state import LibraryState
from tests.bench.figures import Figure, median, p95
from tests.bench.homes import Home
from tests.bench.writes import home_locations

if TYPE_CHECKING:
    from reader.query.engine import Engine

RUNS_PER_QUERY_MIN = 3  # every query text is timed at least this often


def load(home: Home) -> tuple[dict[str, Record], LibraryState]:
    loc = home_locations(home.path)
    records = PaperCache(loc.papers_dir).load_all()
    try:
        from reader.store.library import Library
    except ImportError:
        return dict(records), LibraryState()
    return dict(records), Library(loc.library_file).snapshot()


@dataclass
class QueryTimes:
    """Per query type: keystroke samples (ms) within the All view and over all papers."""

    in_view: dict[str, list[float]]
    unrestricted: dict[str, list[float]]
    matches: dict[str, int]
    build_s: float
    by_text: dict[str, list[float]] = field(default_factory=dict)  # in-view samples per text
    first_sort: list[float] = field(default_factory=list)  # a view's first query with a sort

    def ranked(self, texts: Sequence[str], k: int = 3) -> list[str]:
        """The k slowest query texts, by their median."""
        return sorted(set(texts), key=lambda t: -median(self.by_text.get(t, [0.0])))[:k]

    def slowest(self, texts: Sequence[str], k: int = 3) -> str:
        """The k slowest query texts (by their median), for the row's note."""
        return ", ".join(f"`{t}` {median(self.by_text[t]):.0f} ms" for t in self.ranked(texts, k))


FTS_ALONE = "; in SQLite's FTS5 alone: "  # where a row's note says what its tail costs in FTS5


def fts_alone(home_path: Path, texts: Sequence[str]) -> str:
    """What the text terms of ``texts`` cost in FTS5 itself (its lookup, median of 5, without
    the engine around it) and how often their words occur: why a query's tail is what it is."""
    from reader.query import parse
    from reader.query.sql import fts_expression
    from reader.store.derived import schema, store

    path = home_locations(home_path).papers_dir.parent / schema.FILE_NAME
    conn = store.connect(path, readonly=True)
    try:
        conn.execute("CREATE VIRTUAL TABLE temp.vocab USING fts5vocab(main, units, row)")
        out = []
        for text in texts:
            expr = parse(text).expr
            match = fts_expression(expr) if expr is not None else None
            if match is None:
                continue
            samples = []
            for _ in range(5):
                t0 = time.perf_counter()
                conn.execute("SELECT count(*) FROM units WHERE units MATCH ?", (match,))\
                    .fetchone()
                samples.append((time.perf_counter() - t0) * 1000)
            words = dict.fromkeys(text.strip('"').lower().split())
            counts = []
            for word in words:
                row = conn.execute("SELECT doc, cnt FROM temp.vocab WHERE term = ?",
                                   (word,)).fetchone()
                if row is not None:
                    counts.append(f"`{word}` {row[1]:,} times in {row[0]:,} papers")
            out.append(f"`{text}` {median(samples):.0f} ms ({', '.join(counts)})")
        return ", ".join(out)
    finally:
        conn.close()


def _engine(home_path: Path) -> Engine:
    """The app's Engine over the home's derived store (built by `paper-reader import`)."""
    from reader.query.engine import Engine

    return Engine(PaperCache(home_locations(home_path).papers_dir).search_store())


def time_queries(
    home_path: Path,
    records: Mapping[str, Record],
    state: LibraryState,
    queries: Mapping[str, Sequence[str]],
    runs: int,
) -> QueryTimes:
    """Open the store (timed), then time every query text ``runs`` times after a warm-up, as
    the app runs it: within the All view's order (reader.views), through reader.query.engine."""
    from reader.query import Context, parse
    from reader.views import build_data

    start = time.perf_counter()
    engine = _engine(home_path)
    built = time.perf_counter() - start
    ctx = Context(library=state, now=dt.datetime.now(dt.UTC), fulltext_ids=frozenset())
    view = list(build_data(records, complete=True).by_date)  # the All view the TUI filters
    engine.use_records(records)  # as the app does: its answers are the records' own ids
    try:
        for texts in queries.values():  # warm-up: the first use of each code path and page
            for text in texts:
                engine.filter(parse(text), ctx, view)
        out = QueryTimes({k: [] for k in queries}, {k: [] for k in queries}, {}, built)
        # The sort keys are among the columns the engine reads once per store version (in a
        # thread after each load, before any keystroke): time the keystroke completing
        # `sort:...` of each key, typed after `model` (as in the app, where `model` was looked
        # up at its own keystrokes).
        for _ in range(max(runs, RUNS_PER_QUERY_MIN)):
            for key in ("date", "upvotes", "trending", "stars"):
                engine.filter(parse("model"), ctx, view)
                t0 = time.perf_counter()
                engine.filter(parse(f"model sort:{key}"), ctx, view)
                out.first_sort.append((time.perf_counter() - t0) * 1000)
        for _ in range(max(runs, RUNS_PER_QUERY_MIN)):
            for kind, texts in queries.items():
                for text in texts:
                    t0 = time.perf_counter()
                    found = engine.filter(parse(text), ctx, view)
                    t1 = time.perf_counter()
                    engine.matching(parse(text), ctx)
                    t2 = time.perf_counter()
                    out.in_view[kind].append((t1 - t0) * 1000)
                    out.by_text.setdefault(text, []).append((t1 - t0) * 1000)
                    out.unrestricted[kind].append((t2 - t1) * 1000)
                    out.matches[kind] = out.matches.get(kind, 0) + len(found)
    finally:
        engine.close()
    return out


def filter_figures(
    homes: Sequence[Home], runs: int, *, target_ms: float, log: Callable[[str], object] = print
) -> list[Figure]:
    """Rows: the index build, then p50/p95 per query type, for each home."""
    from tests.bench.queries import query_sets  # the query helper's realistic queries

    rows: list[Figure] = []
    for home in homes:
        records, state = load(home)
        queries = query_sets(list(records.values()), random.Random(1))
        times = time_queries(home.path, records, state, queries, runs)
        log(f"  {home.n:,}: search store opened in {times.build_s:.3f} s")
        for kind, values in times.in_view.items():
            texts = queries[kind]
            mean_hits = times.matches[kind] / len(values)
            figure = Figure(
                f"Filter: {kind}", home.n, "ms", values, on="p95",
                target=target_ms if home.n >= 100_000 else None,
                note=f"{len(texts)} queries x {len(values) // len(texts)} runs, e.g. "
                     f"`{texts[len(texts) // 2]}`; {mean_hits:,.0f} matches on average; "
                     f"over all papers without a view: p95 "
                     f"{p95(times.unrestricted[kind]):.1f} ms")
            if p95(values) > target_ms:
                figure.note += f"; slowest: {times.slowest(texts)}"
                alone = fts_alone(home.path, times.ranked(texts, 2))
                if alone:
                    figure.note += FTS_ALONE + alone
            rows.append(figure)
        rows.append(Figure(
            "Filter: a view's first sorted query", home.n, "ms", times.first_sort, on="p95",
            target=target_ms if home.n >= 100_000 else None,
            note="`model sort:KEY` typed after `model` (whose lookup the engine keeps: "
                 "reader.query.fts_memo): the sort keys are read from the store with the other "
                 "condition columns, once per store version"))
        del records
        cold = cold_phrases(home, state, queries["phrase"])
        if cold:
            rows.append(Figure(
                "Filter: phrase, first queries after a start", home.n, "ms", cold, on="p95",
                target=target_ms if home.n >= 100_000 else None,
                note=f"the {len(cold)} phrase queries once each on a freshly opened store, as "
                     "in the app right after a start (once the engine is prepared, as the app "
                     "does in a thread when every paper is loaded)"))
    return rows


def cold_phrases(home: Home, state: LibraryState, texts: Sequence[str]) -> list[float]:
    """Each phrase query once (ms) on a freshly opened store within the All view, as in the app
    right after a start."""
    from reader.query import Context, parse
    from reader.views import build_data

    records = PaperCache(home_locations(home.path).papers_dir).load_all()
    view = list(build_data(records, complete=True).by_date)
    engine = _engine(home.path)
    # As the app does once every paper is loaded (in a thread, before the first keystroke
    # needs it): which row is which paper, the condition columns (reader.query.masks) and the
    # All view's rowids (Controller.compute_marks).
    engine.use_records(records)
    engine.prepare(view)
    ctx = Context(library=state, now=dt.datetime.now(dt.UTC), fulltext_ids=frozenset())
    out = []
    try:
        for text in texts:
            t0 = time.perf_counter()
            engine.filter(parse(text), ctx, view)
            out.append((time.perf_counter() - t0) * 1000)
    finally:
        engine.close()
    return out
