"""Wall time of `paper-reader --offline list QUERY --json`, the headless path, as a user runs it."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Sequence
from pathlib import Path

from tests.bench.figures import repeat
from tests.bench.homes import REPO, cli_argv, subprocess_env

LIST_TIMEOUT_S = 300.0  # a bound on a hung command, not a figure
BUDGET_S = 45.0  # per query and size: at 100k one run may take many seconds

# (label, query words): a word, and a combination of fields, numbers and flags
QUERIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("word", ("model",)),
    ("fields+flags", ("upvotes:>=20", "has:code", "date:2020..2100")),
)


def list_once(home: Path, query: Sequence[str]) -> tuple[float, int]:
    """One run: seconds from spawn to exit (its output read to the end) and papers printed."""
    start = time.perf_counter()
    proc = subprocess.run(
        [*cli_argv(), "--offline", "list", *query, "--json"],
        cwd=REPO,
        env=subprocess_env(home),
        capture_output=True,
        timeout=LIST_TIMEOUT_S,
    )
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        tail = proc.stderr.decode(errors="replace").strip().splitlines()[-2:]
        raise RuntimeError(f"list exited {proc.returncode}: {' | '.join(tail)}")
    # one object per line between "[" and "]"
    printed = max(0, proc.stdout.count(b"\n") - 1)
    return elapsed, printed


def list_s(home: Path, query: Sequence[str], runs: int) -> tuple[list[float], int, str]:
    """Timed runs after a warm-up, within a time budget; also how many papers were printed and a
    note when the budget cut the runs short."""
    printed: list[int] = []

    def once() -> float:
        elapsed, count = list_once(home, query)
        printed.append(count)
        return elapsed

    samples, note = repeat(once, runs, budget_s=BUDGET_S)
    return samples, printed[-1], note
