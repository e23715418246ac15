"""The derived SQLite store at scale (issue 11): import with the store, rebuild from the shards,
filter latency per query type through SQL, and the querying process's peak memory.

`python -m tests.bench --sqlstore` (or `python -m tests.bench.sqlstore`) prints the figures; it
does not touch BENCHMARKS.md. Each measurement that reports memory runs in a fresh process.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from tests.bench.figures import median, p95
from tests.bench.homes import REPO, build_home, subprocess_env
from tests.bench.writes import home_locations

SEED = 7
PAGE = 100  # rows of a first page: what a list on screen needs, with the count
TARGETS = {"import_s": 30.0, "rebuild_s": 60.0, "filter_p95_ms": 30.0, "rss_mb": 250.0}


def peak_rss_mb() -> float:
    """VmHWM of this process in MB (Linux), 0 elsewhere."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def write_queries(home: Path, out: Path) -> None:
    """The query helper's realistic queries per type, drawn from the home's own papers."""
    from reader.store.cache import PaperCache
    from tests.bench.queries import query_sets

    records = list(PaperCache(home_locations(home).papers_dir).load_all().values())
    queries = query_sets(records, random.Random(1))
    queries["first sorted query"] = [f"model sort:{k}" for k in
                                     ("date", "upvotes", "trending", "stars")]
    out.write_text(json.dumps(queries))


def measure_queries(home: Path, queries_file: Path, runs: int) -> dict[str, Any]:
    """In this (fresh) process: open the store, time every query ``runs`` times."""
    from reader.query import Context, parse
    from reader.query.sql import count, search
    from reader.store.cache import PaperCache
    from reader.store.library import Library

    loc = home_locations(home)
    queries: dict[str, list[str]] = json.loads(queries_file.read_text())
    t0 = time.perf_counter()
    cache = PaperCache(loc.papers_dir)
    conn = cache.search_store()
    state = Library(loc.library_file).snapshot()
    ctx = Context(library=state, now=dt.datetime.now(dt.UTC),
                  fulltext_ids=frozenset(cache.fulltext_ids()))
    first = search(conn, parse("diffusion"), ctx)
    open_ms = (time.perf_counter() - t0) * 1000
    out: dict[str, Any] = {"open_first_query_ms": open_ms, "types": {}}
    for kind, texts in queries.items():
        samples: list[float] = []
        hits = 0
        slow: dict[str, float] = {}
        paged: list[float] = []
        for _ in range(runs):
            for text in texts:
                t = time.perf_counter()
                found = search(conn, parse(text), ctx)
                ms = (time.perf_counter() - t) * 1000
                samples.append(ms)
                slow[text] = max(slow.get(text, 0.0), ms)
                hits += len(found)
                t = time.perf_counter()
                search(conn, parse(text), ctx, limit=PAGE)
                count(conn, parse(text), ctx)
                paged.append((time.perf_counter() - t) * 1000)
        worst = sorted(slow, key=lambda k: -slow[k])[:3]
        out["types"][kind] = {"p50": median(samples), "p95": p95(samples),
                              "n": len(samples), "hits": hits / len(samples),
                              "page_p50": median(paged), "page_p95": p95(paged),
                              "slowest": {t: round(slow[t], 1) for t in worst}}
    out["rss_mb"] = peak_rss_mb()
    out["first_hits"] = len(first)
    return out


def measure_rebuild(home: Path) -> dict[str, Any]:
    """In this (fresh) process: delete the store and rebuild it from the shards."""
    from reader.store.cache import PaperCache
    from reader.store.derived import store

    loc = home_locations(home)
    cache = PaperCache(loc.papers_dir)
    store.remove(cache.derived.path)
    steps: list[int] = []
    t0 = time.perf_counter()
    cache.search_store(lambda done, total: steps.append(done)).close()
    return {"rebuild_s": time.perf_counter() - t0, "steps": len(steps),
            "rss_mb": peak_rss_mb(), "size_mb": cache.derived.path.stat().st_size / 2**20}


def _child(*argv: str, home: Path) -> dict[str, Any]:
    proc = subprocess.run([sys.executable, "-m", "tests.bench.sqlstore", *argv], cwd=REPO,
                          env=subprocess_env(home), capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr.strip().splitlines()[-1] if proc.stderr else "failed")
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def run(n: int, runs: int, keep: Path | None) -> int:
    root = keep.resolve() if keep else Path(tempfile.mkdtemp(prefix="paper-reader-sql-"))
    root.mkdir(parents=True, exist_ok=True)
    try:
        print(f"building a home of {n:,} papers (paper-reader import, store included)")
        home = build_home(root, n, SEED)
        if home.import_s is None:
            print(f"import failed: {home.import_error}")
            return 1
        print(f"import: {home.import_s:.1f} s (target <= {TARGETS['import_s']:.0f} s)")
        queries = root / f"queries-{n}.json"
        write_queries(home.path, queries)
        found = _child("--queries", str(queries), "--runs", str(runs), str(home.path),
                       home=home.path)
        print(f"open + first query: {found['open_first_query_ms']:.0f} ms")
        for kind, t in found["types"].items():
            print(f"filter {kind:<22} p50 {t['p50']:6.1f} ms  p95 {t['p95']:6.1f} ms  "
                  f"first {PAGE} + count: p50 {t['page_p50']:6.1f} p95 {t['page_p95']:6.1f} ms  "
                  f"({t['n']} samples, {t['hits']:,.0f} hits avg; slowest {t['slowest']})")
        print(f"peak RSS of the querying process: {found['rss_mb']:.0f} MB "
              f"(target <= {TARGETS['rss_mb']:.0f} MB)")
        rebuilt = _child("--rebuild", str(home.path), home=home.path)
        print(f"rebuild from the shards: {rebuilt['rebuild_s']:.1f} s "
              f"(target <= {TARGETS['rebuild_s']:.0f} s), {rebuilt['steps']} progress steps, "
              f"peak RSS {rebuilt['rss_mb']:.0f} MB, file {rebuilt['size_mb']:.0f} MB")
    finally:
        if keep is None:
            shutil.rmtree(root, ignore_errors=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.sqlstore",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("home", nargs="?", type=Path, help="(internal) a built home")
    parser.add_argument("--n", type=int, default=100_000, help="papers (default 100000)")
    parser.add_argument("--runs", type=int, default=3, help="timed runs per query")
    parser.add_argument("--keep", type=Path, help="build the home in DIR and keep it")
    parser.add_argument("--queries", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--rebuild", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.queries is not None:
        print(json.dumps(measure_queries(args.home, args.queries, args.runs)))
        return 0
    if args.rebuild:
        print(json.dumps(measure_rebuild(args.home)))
        return 0
    return run(args.n, args.runs, args.keep)


if __name__ == "__main__":
    sys.exit(main())
