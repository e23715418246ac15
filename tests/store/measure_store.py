"""Figures for the store's speed targets at 100,000 papers (a benchmark, not a test).

Run: ``python -m tests.store.measure_store [--papers N]``. ``measure(root, n)`` returns the
figures as a dict for the project benchmark. Nothing here passes or fails on a clock.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import random
import statistics
import tempfile
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from reader.hub.models import Author, Organization, Paper
from reader.store.cache import PaperCache
from reader.store.library import Library
from reader.store.storage import write_db

PER_DAY = 100  # Daily Papers lists ~50-150 papers per weekday
_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_WORDS = ["".join(random.Random(i).choices(_LETTERS, k=2 + i % 10)) for i in range(5000)]


def _text(rng: random.Random, chars: int) -> str:
    words = rng.choices(_WORDS, k=chars // 6 + 8)
    return " ".join(words)[:chars]


def make_paper(rng: random.Random, paper_id: str, day: str) -> Paper:
    """A paper of realistic size: 1,500-char abstract, 8 authors, AI summary and keywords."""
    return Paper(
        id=paper_id,
        title=_text(rng, rng.randint(40, 140)).capitalize(),
        summary=_text(rng, 1500),
        authors=tuple(Author(_text(rng, rng.randint(10, 22)).title(),
                             username=f"user{rng.randint(1, 10**6)}" if rng.random() < 0.3
                             else None) for _ in range(8)),
        published_at=f"{day}T17:59:{rng.randint(10, 59)}.000Z",
        submitted_daily_at=f"{day}T03:55:{rng.randint(10, 59)}.777Z",
        submitted_by=_text(rng, 14).title(),
        upvotes=rng.randint(0, 300),
        num_comments=rng.randint(0, 9),
        ai_summary=_text(rng, 240),
        ai_keywords=tuple(_text(rng, 12) for _ in range(5)),
        github_repo=f"https://github.com/{_text(rng, 8).replace(' ', '')}/x"
        if rng.random() < 0.4 else None,
        github_stars=rng.randint(0, 5000) if rng.random() < 0.4 else None,
        organization=Organization("SomeLab", "Some Lab") if rng.random() < 0.2 else None,
        discussion_id=f"{rng.getrandbits(96):024x}",
        thumbnail=f"https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/{paper_id}.png",
    )


def days_back(n_papers: int, end: dt.date) -> list[str]:
    """Weekdays ending at ``end``, enough for ``n_papers`` at PER_DAY a day, oldest first."""
    out: list[str] = []
    day = end
    while len(out) * PER_DAY < n_papers:
        if day.weekday() < 5:
            out.append(day.isoformat())
        day -= dt.timedelta(days=1)
    return out[::-1]


def daily_batches(
    n_papers: int, *, end: dt.date, seed: int = 0
) -> Iterator[tuple[str, list[Paper]]]:
    """(listing day, papers) for ``n_papers`` papers, oldest day first; ids numbered per month."""
    rng = random.Random(seed)
    counters: dict[str, int] = {}
    made = 0
    for day in days_back(n_papers, end):
        month = day[2:4] + day[5:7]
        batch = []
        for _ in range(min(PER_DAY, n_papers - made)):
            counters[month] = counters.get(month, 0) + 1
            batch.append(make_paper(rng, f"{month}.{counters[month]:05d}", day))
        made += len(batch)
        yield day, batch


class Timer:
    """``with Timer() as t: ...`` then ``t.seconds`` (wall clock) and ``t.cpu`` (this process's
    CPU time: on a busy machine the gap between the two is time spent waiting for a core)."""

    seconds = 0.0
    cpu = 0.0

    def __enter__(self) -> Timer:
        self._start, self._cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.perf_counter() - self._start
        self.cpu = time.process_time() - self._cpu


def measure_cache(
    root: Path, n: int = 100_000, *, end: dt.date | None = None
) -> tuple[dict[str, float], PaperCache]:
    """Import ``n`` papers day by day (as sync does; also inside one ``batch()``) and in one
    call, then time load_recent,
    load_all and a 1,000-paper merge (half new, half updated, over the newest two months) in a
    fresh cache, with the heap holding only what the app would hold."""
    end = end or dt.date(2026, 3, 6)
    batches = list(daily_batches(n, end=end))
    figures: dict[str, float] = {}

    cache = PaperCache(root / "papers")
    with Timer() as t:
        for day, papers in batches:
            cache.merge(papers, listed_on=day)
    figures["import_per_day_s"] = t.seconds
    figures["import_per_day_cpu_s"] = t.cpu
    cache.merge([p for _, papers in batches[-2:] for p in papers][:50], trending=True)
    batched = PaperCache(root / "batched" / "papers")
    with Timer() as t, batched.batch():
        for day, papers in batches:
            batched.merge(papers, listed_on=day)
    figures["import_per_day_batched_s"] = t.seconds
    figures["import_per_day_batched_cpu_s"] = t.cpu
    del batched
    one_shot = PaperCache(root / "one-shot" / "papers")
    with Timer() as t:
        one_shot.merge([p for _, papers in batches for p in papers])
    figures["import_one_call_s"] = t.seconds
    figures["import_one_call_cpu_s"] = t.cpu

    rng = random.Random(1)
    latest = [p for _, papers in batches[-40:] for p in papers]
    updates = [replace(p, upvotes=(p.upvotes or 0) + 1, github_stars=7)
               for p in rng.sample(latest, 500)]
    month = end.strftime("%y%m")
    new = [make_paper(rng, f"{month}.{90000 + i:05d}", end.isoformat()) for i in range(500)]
    mixed = updates + new
    rng.shuffle(mixed)
    del cache, one_shot, batches, latest
    gc.collect()

    fresh = PaperCache(root / "papers")
    with Timer() as t:
        recent = fresh.load_recent()
    figures["load_recent_s"] = t.seconds
    figures["load_recent_cpu_s"] = t.cpu
    figures["load_recent_records"] = len(recent)
    with Timer() as t:
        fresh.load_all()
    figures["load_all_s"] = t.seconds
    figures["load_all_cpu_s"] = t.cpu
    with Timer() as t:
        result = fresh.merge(mixed)
    figures["merge_1000_s"] = t.seconds
    figures["merge_1000_cpu_s"] = t.cpu
    assert len(result.new) == 500 and len(result.updated) == 500
    figures["papers"] = len(fresh)
    figures["cache_mb"] = sum(f.stat().st_size for f in (root / "papers").iterdir()) / 2**20
    return figures, fresh


def measure_library(root: Path, *, bookmarks: int = 5_000, toggles: int = 200) -> dict[str, float]:
    """Time bookmark toggles (lock, stat, change, atomic write) in a library that already holds
    ``bookmarks`` bookmarks (and as many read marks)."""
    path = root / "data" / "library.json"
    stamp = "2026-03-01T00:00:00.000Z"
    tables = {
        name: {str(i + 1): {"id": f"2501.{i:05d}", "at": stamp} for i in range(bookmarks)}
        for name in ("bookmarks", "read")
    }
    write_db(path, tables, kind="library", indent=True)
    lib = Library(path)
    assert len(lib.snapshot().bookmarks) == bookmarks
    times = []
    for i in range(toggles):
        with Timer() as t:
            lib.toggle_bookmark(f"2602.{i % 50:05d}")
        times.append(t.seconds)
    times.sort()
    with Timer() as t:
        Library(path)
    return {
        "bookmark_toggle_median_s": statistics.median(times),
        "bookmark_toggle_p95_s": times[int(len(times) * 0.95)],
        "bookmark_toggle_max_s": times[-1],
        "library_open_s": t.seconds,
        "library_kb": path.stat().st_size / 1024,
    }


def measure(root: Path, n: int = 100_000) -> dict[str, float]:
    """Every store figure (cache and library) under ``root``."""
    figures, cache = measure_cache(root, n)
    figures.update(measure_library(root))  # with the 100k-paper cache still in memory
    figures["papers_in_memory"] = len(cache)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--papers", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for name, value in measure(Path(tmp), args.papers).items():
            print(f"{name:26} {value:10.4f}" if isinstance(value, float) else f"{name:26} {value}")


if __name__ == "__main__":
    main()
