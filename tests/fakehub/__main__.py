"""Run the fake hub by hand, or write a dump of daily items.

python -m tests.fakehub --papers 5000 [--port N] [--hostile] [--seed S]
HF_ENDPOINT=http://127.0.0.1:N paper-reader ...
python -m tests.fakehub --papers 100000 --dump items.jsonl
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import threading
import time
from pathlib import Path

import orjson

from tests.fakehub.corpus import Corpus, iter_items
from tests.fakehub.server import FakeHub


def dump(path: Path, n: int, seed: int, end: dt.date | None, hostile: bool) -> None:
    """Write ``n`` items as JSON lines (newest listing day first) and report the speed."""
    start = time.perf_counter()
    with path.open("wb") as out:
        for item in iter_items(n, seed, end=end, hostile=hostile):
            out.write(orjson.dumps(item))
            out.write(b"\n")
    took = time.perf_counter() - start
    size = path.stat().st_size / 1e6
    print(f"wrote {n} items ({size:.0f} MB) to {path} in {took:.1f} s", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.fakehub", description=__doc__)
    parser.add_argument("--papers", type=int, default=5000, help="corpus size (default 5000)")
    parser.add_argument("--port", type=int, default=0, help="port (default: a free one)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--end",
        type=dt.date.fromisoformat,
        default=None,
        help="newest listing day, YYYY-MM-DD (default: today, UTC)",
    )
    parser.add_argument("--hostile", action="store_true", help="add the hostile papers")
    parser.add_argument("--slim-search", action="store_true", help="serve the 2024 search shape")
    parser.add_argument("--dump", type=Path, help="write the items as JSON lines and exit")
    args = parser.parse_args(argv)

    if args.dump:
        dump(args.dump, args.papers, args.seed, args.end, args.hostile)
        return 0
    start = time.perf_counter()
    corpus = Corpus(args.papers, end=args.end, seed=args.seed, hostile=args.hostile)
    dates = corpus.dates()
    print(
        f"{len(corpus)} papers over {len(dates)} listing days {dates[0]} .. {dates[-1]} "
        f"built in {time.perf_counter() - start:.1f} s",
        file=sys.stderr,
    )
    hub = FakeHub(corpus, slim_search=args.slim_search)
    hub.start(port=args.port)
    print(f"serving on {hub.url}  (HF_ENDPOINT={hub.url}; Ctrl-C stops)", file=sys.stderr)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        print("stopping", file=sys.stderr)
    finally:
        hub.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
