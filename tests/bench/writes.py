"""The two write paths: persisting a bookmark toggle, and merging a 1,000-paper sync into the cache.

Both run in-process against a built home. The bookmark is toggled an even number of times so the
home's library ends as it started; the merge runs on a copy of the cache, so a kept home is not
changed by the benchmark.
"""

from __future__ import annotations

import random
import shutil
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from reader.hub.models import Paper
from reader.store.cache import PaperCache
from reader.store.locations import Locations
from reader.store.record import Record

SYNC_SIZE = 1000  # papers in one simulated sync: half new, half updates of cached ones
RECENT_POOL = 2500  # the updated papers come from the newest ~month of listings (~25 days)


def home_locations(home: Path) -> Locations:
    return Locations(home / "config", home / "data", home / "cache")


def bookmark_ms(home: Path, toggles: int) -> list[float]:
    """Milliseconds per ``Library.toggle_bookmark`` (lock, re-read if changed, atomic write)."""
    # the store's Library, imported here so that the rest runs without it
    from reader.store.library import Library

    loc = home_locations(home)
    ids = sorted(PaperCache(loc.papers_dir).load_all())
    if not ids:
        raise RuntimeError("the home has no papers to bookmark")
    library = Library(loc.library_file)
    paper_id = ids[len(ids) // 2]
    for _ in range(4):  # warm-up: imports, first file read, page cache
        library.toggle_bookmark(paper_id)
    toggles += toggles % 2  # an even number: the library ends as it started
    samples: list[float] = []
    for _ in range(toggles):
        start = time.perf_counter()
        on = library.toggle_bookmark(paper_id)
        samples.append((time.perf_counter() - start) * 1000)
        if len(samples) == 1 and Library(loc.library_file).snapshot().is_bookmarked(paper_id) != on:
            raise RuntimeError("a toggled bookmark was not on disk when the call returned")
    return samples


def sync_batch(records: dict[str, Record], rng: random.Random, round_no: int) -> list[Paper]:
    """1,000 papers as a sync brings them: 500 updates (more upvotes, new stars) of papers listed
    in the last month or so (a sync refreshes the latest days and trending), and 500 new papers
    in the newest month, shaped like real ones."""
    by_day = sorted(records, key=lambda pid: records[pid].day)
    recent = by_day[-RECENT_POOL:]
    updated = [replace(records[pid].paper,
                       upvotes=(records[pid].paper.upvotes or 0) + 1 + round_no,
                       github_stars=(records[pid].paper.github_stars or 0) + 10 + round_no)
               for pid in rng.sample(recent, SYNC_SIZE // 2)]
    month = max(records).split(".")[0]
    new: list[Paper] = []
    serial = 90000 + round_no * SYNC_SIZE
    while len(new) < SYNC_SIZE // 2:
        serial += 1
        paper_id = f"{month}.{serial:05d}"
        if paper_id in records:
            continue
        model = records[rng.choice(recent)].paper
        new.append(replace(model, id=paper_id, title=f"{model.title} (bench {serial})",
                           upvotes=0))
    batch = updated + new
    rng.shuffle(batch)
    return batch


def merge_s(home: Path, runs: int) -> list[float]:
    """Seconds per ``PaperCache.merge`` of a 1,000-paper sync into the loaded cache (on a copy)."""
    src = home_locations(home).papers_dir
    with tempfile.TemporaryDirectory(prefix="prbench-merge-") as tmp:
        papers = Path(tmp) / "cache" / "papers"
        shutil.copytree(src, papers)
        cache = PaperCache(papers)
        records = dict(cache.load_all())  # the app merges into a loaded cache
        rng = random.Random(5)
        samples: list[float] = []
        for round_no in range(runs + 1):  # round 0 is a warm-up
            batch = sync_batch(records, rng, round_no)
            start = time.perf_counter()
            result = cache.merge(batch)
            elapsed = time.perf_counter() - start
            if len(result.new) != SYNC_SIZE // 2 or len(result.updated) != SYNC_SIZE // 2:
                raise RuntimeError(f"merge reported {len(result.new)} new and "
                                   f"{len(result.updated)} updated, expected 500 and 500")
            records.update((p.id, Record(paper=p)) for p in batch if p.id not in records)
            if round_no:
                samples.append(elapsed)
        return samples
