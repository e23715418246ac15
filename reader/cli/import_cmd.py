"""`paper-reader import FILE|-`: load Papers-API-shaped JSON (a dump or a mirror) into the cache."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from reader.cli.collect import Collected
from reader.cli.common import open_cache, report_problems
from reader.cli.halves import collect_file
from reader.cli.jsonstream import BadJSON
from reader.cli.output import EXIT_FAILED, EXIT_OK, CliError, Progress
from reader.hub.models import Paper
from reader.store.cache import PaperCache
from reader.store.merge import now_iso
from reader.tuning import gc_paused
from reader.words import count

BATCH = 5000  # papers per write batch (and progress step); merged day by day within it

EPILOG = """\
examples:
  paper-reader import dump.json          a JSON array of daily items, search items or papers
  paper-reader import papers.jsonl       the same as JSON lines, one item per line
  curl -s "https://huggingface.co/api/daily_papers?date=2025-03-06" | paper-reader import -
  paper-reader import --date 2025-03-11 saved-answer.json

Each item may be a daily item (with "paper"), a search result (wrapped or the old slim
shape) or a bare paper object (/api/papers/ID). Papers are listed on the day of their
Daily Papers submission (paper.submittedOnDailyAt; before March 2025 the item's own
publishedAt); --date D lists them all on D instead, as `sync --date D` does (for a saved
answer to /api/daily_papers?date=D). Items that are not papers are skipped and counted.
If the file is not valid JSON, nothing is imported. The file counts as observed at the
newest time it holds, so an old capture never overwrites newer counts, abstracts, authors
or links in the cache.
"""


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser],
               parents: list[argparse.ArgumentParser]) -> None:
    """Register the `import` sub-command."""
    p = sub.add_parser(
        "import",
        parents=parents,
        help="load Papers-API JSON (array or JSON lines) into the cache",
        description="Load papers from a file of Papers-API-shaped JSON into the local cache: "
        "how to seed a cache from a dump or a mirror. Never uses the network.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("file", metavar="FILE", help="a .json or .jsonl file, or - for stdin")
    p.add_argument("--date", metavar="YYYY-MM-DD", type=_date,
                   help="list every paper on this Daily Papers day, whatever the items say")
    p.set_defaults(run=run)


def _date(text: str) -> str:
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def observed_time(collected: Collected, now: str) -> str:
    """When the file's data was observed: the newest time it holds, else ``now`` (a time
    after ``now`` proves nothing but a wrong clock or a forged file)."""
    if collected.newest is None:
        return now
    return min(collected.newest, now)


def batches(by_day: dict[str | None, list[Paper]], size: int = BATCH
            ) -> Iterator[list[tuple[str | None, list[Paper]]]]:
    """Day groups in date order (undated last), packed into batches of about ``size`` papers."""
    batch: list[tuple[str | None, list[Paper]]] = []
    count = 0
    for day in sorted(by_day, key=lambda d: (d is None, d or "")):
        batch.append((day, by_day[day]))
        count += len(by_day[day])
        if count >= size:
            yield batch
            batch, count = [], 0
    if batch:
        yield batch


def merge_all(cache: PaperCache, collected: Collected, progress: Progress | None = None
              ) -> tuple[int, int, int]:
    """Merge everything collected; returns (distinct papers, new, updated)."""
    new: set[str] = set()
    updated: set[str] = set()
    seen: set[str] = set()
    done = 0
    observed = observed_time(collected, now_iso())
    # The lock held across batches; the search store written by a thread, overlapping the next.
    with cache.bulk():
        for batch in batches(collected.by_day):
            with cache.batch():  # one write per touched month shard per batch, not per day
                for day, papers in batch:
                    result = cache.merge(papers, listed_on=day, observed=observed)
                    new.update(result.new)
                    updated.update(result.updated)
                    seen.update(p.id for p in papers)
                    done += len(papers)
            cache.bulk_turn()  # another writer waits no longer than BULK_LOCK_HOLD
            if progress is not None:
                progress(f"merged {count(done, 'paper', sep=False)}", done, collected.papers)
    return len(seen), len(new), len(updated - new)


def _open(name: str) -> IO[bytes]:
    if name == "-":
        return sys.stdin.buffer
    path = Path(name)
    if path.is_dir():
        raise CliError(f"{name} is a directory, not a JSON file")
    try:
        return path.open("rb")
    except OSError as exc:
        raise CliError(f"cannot read {name}: {exc.strerror or exc}") from None


def run(args: argparse.Namespace) -> int:
    """Run `paper-reader import`; returns the exit status."""
    name = "stdin" if args.file == "-" else args.file
    stream = _open(args.file)
    try:
        with gc_paused():  # ~10^6 new objects, no cycles: the collector costs ~3 s at 100k
            collected = collect_file(stream, args.file, args.date)
    except BadJSON as exc:
        raise CliError(f"{name}: {exc}; nothing was imported") from None
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()
    if collected.papers == 0:
        skipped = count(collected.skipped, "item", sep=False)
        raise CliError(f"{name}: no papers found ({skipped} skipped); "
                       "nothing was imported", EXIT_FAILED)
    cache = open_cache()
    cache.derived.build_on_write = True  # the search store is written with the shards
    progress = Progress("import")
    try:
        with gc_paused():  # no cycles either; the collector's scans of ~10^6 objects: ~5 s
            total, new, updated = merge_all(cache, collected, progress)
    finally:
        progress.close()
    report_problems(cache.problems)
    lost = cache.not_saved()
    if lost:
        raise CliError(f"{lost} of {count(total, 'paper')} were not saved (see above); import "
                       "again once the cause is fixed", EXIT_FAILED)
    print(f"imported {count(total, 'paper', sep=False)} ({new} new, {updated} updated), "
          f"skipped {count(collected.skipped, 'invalid item', sep=False)}")
    return EXIT_OK
