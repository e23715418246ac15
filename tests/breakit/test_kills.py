"""SIGKILL at a random moment: `import`, `sync`, `list` (which builds papers.sqlite) and library
writes run as real processes and are killed mid-way; after every kill each file of the home still
parses, papers.sqlite passes its integrity check, and nothing a process acknowledged is lost.

CI kills about seven processes; ``PAPER_READER_BREAKIT=full`` kills at least fifty. The delays are
seeded (``PAPER_READER_BREAKIT_SEED``, 13 by default) so a failure can be replayed.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from reader.store.atomic import TEMP_SUFFIX
from reader.store.cache import PaperCache
from reader.store.library import Library
from reader.store.locations import locations
from tests.fakehub import Corpus, FakeHub

FULL = os.environ.get("PAPER_READER_BREAKIT") == "full"
SEED = int(os.environ.get("PAPER_READER_BREAKIT_SEED", "13"))
ROOT = Path(__file__).resolve().parents[2]
KINDS = ("import", "sync", "list", "tag", "bookmarks")
KILLS = 50 if FULL else 7  # processes to kill; rounds whose process ended first come on top

BOOKMARKS = """
import sys
from reader.store.library import Library
from reader.store.locations import locations
lib = Library(locations().library_file)
for pid in sys.argv[1:]:
    lib.set_bookmark(pid, True)
    print(pid, flush=True)
"""


@dataclass
class Figures:
    kills: int = 0
    finished: int = 0
    files_checked: int = 0
    sqlite_checked: int = 0
    acknowledged: int = 0
    lost: list[str] = field(default_factory=list)


@dataclass
class Expected:
    """What processes acknowledged (exited 0, or printed) before they died."""

    tags: dict[str, set[str]] = field(default_factory=dict)
    bookmarks: set[str] = field(default_factory=set)
    papers: set[str] = field(default_factory=set)


def _env(hub: FakeHub) -> dict[str, str]:
    env = dict(os.environ)
    env["HF_ENDPOINT"] = hub.url
    env["PYTHONPATH"] = str(ROOT)
    return env


def _run(args: list[str], env: dict[str, str], delay: float) -> tuple[bool, int, str, float]:
    """Start ``python args``, SIGKILL it after ``delay`` seconds unless it ended first.
    Returns (killed, exit status, stdout, seconds it ran)."""
    start = time.monotonic()
    proc = subprocess.Popen([sys.executable, *args], env=env, cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + delay
    while proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    killed = proc.poll() is None
    if killed:
        proc.send_signal(signal.SIGKILL)
    out, _ = proc.communicate(timeout=60)
    return killed, proc.returncode, out, time.monotonic() - start


def _check_home(expected: Expected, figures: Figures, context: str) -> None:
    """Every file parses and nothing acknowledged is missing; adds to ``figures``."""
    where = locations()
    for path in sorted(Path(os.environ["PAPER_READER_HOME"]).rglob("*")):
        if not path.is_file() or path.name.endswith(TEMP_SUFFIX) or ".corrupt-" in path.name:
            continue
        figures.files_checked += 1
        if path.suffix == ".json":
            orjson.loads(path.read_bytes())  # raises on a torn file
        elif path.suffix == ".sqlite":
            figures.sqlite_checked += 1
            conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
            try:
                assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",), context
            finally:
                conn.close()
    corrupt = [p.name for p in Path(os.environ["PAPER_READER_HOME"]).rglob("*.corrupt-*")]
    assert corrupt == [], f"{context}: files were moved aside as damaged: {corrupt}"

    cache = PaperCache(where.papers_dir)
    records = cache.load_all()
    assert cache.problems == [], context
    for pid in expected.papers:
        if pid not in records:
            figures.lost.append(f"{context}: paper {pid}")
    for day in cache.days():
        if cache.day_complete(day):
            missing = [pid for pid in cache.ids_on(day) if pid not in records]
            figures.lost.extend(f"{context}: {pid} of complete day {day}" for pid in missing)

    library = Library(where.library_file)
    assert library.problems == [], context
    state = library.snapshot()
    for pid, tags in expected.tags.items():
        gone = tags - set(state.tags.get(pid, ()))
        figures.lost.extend(f"{context}: tag {t} of {pid}" for t in sorted(gone))
    figures.lost.extend(f"{context}: bookmark {pid}" for pid in sorted(expected.bookmarks)
                        if pid not in state.bookmarks)


def _items(corpus: Corpus, days: list[Any]) -> list[dict[str, Any]]:
    return [it for day in days for it in corpus.items_on(day)]


def test_sigkill_at_random_moments_loses_nothing_acknowledged(
    hf_endpoint: FakeHub, corpus: Corpus, tmp_path: Path
) -> None:
    rng = random.Random(SEED)
    env = _env(hf_endpoint)
    locations().ensure()
    dates = corpus.dates()
    ids = [it["paper"]["id"] for it in _items(corpus, dates)]
    expected = Expected()
    figures = Figures()
    # How long each kind last ran to the end (startup included): the kill lands in its second
    # half, where the work is, or just after it (then the run counts as finished, not killed).
    lasts = dict.fromkeys(KINDS, 1.0)
    n = 0
    while figures.kills < KILLS and n < 4 * KILLS:
        n += 1
        kind = KINDS[n % len(KINDS)] if n <= len(KINDS) else rng.choice(KINDS)
        delay = rng.uniform(0.45, 1.02) * lasts[kind]
        context = f"round {n} ({kind}, killed after {delay:.2f}s, seed {SEED})"
        if kind == "import":
            days = rng.sample(dates, 3)
            items = _items(corpus, days)
            dump = tmp_path / f"dump-{n}.json"
            dump.write_bytes(orjson.dumps(items))
            killed, code, _, took = _run(["-m", "reader", "import", str(dump)], env, delay)
            if not killed and code == 0:
                expected.papers.update(it["paper"]["id"] for it in items)
        elif kind == "sync":
            day = rng.choice(dates)
            args = ["-m", "reader", "sync", "--date", str(day), "--no-trending"]
            killed, code, _, took = _run(args, env, delay)
            if not killed and code == 0:
                expected.papers.update(it["paper"]["id"] for it in corpus.items_on(day))
        elif kind == "list":
            args = ["-m", "reader", "list", "diffusion", "--limit", "3"]
            killed, code, _, took = _run(args, env, delay)
        elif kind == "tag":
            pid = rng.choice(ids)
            tag = f"k{n}"
            killed, code, _, took = _run(["-m", "reader", "tag", pid, f"+{tag}"], env, delay)
            if not killed and code == 0:
                expected.tags.setdefault(pid, set()).add(tag)
        else:
            chosen = rng.sample(ids, 40)
            killed, code, out, took = _run(["-c", BOOKMARKS, *chosen], env, delay)
            done = [line for line in out.splitlines() if line in chosen]
            expected.bookmarks.update(done)
            figures.acknowledged += len(done)
        if not killed:
            assert code == 0, f"{context}: exit {code}"
            if kind in ("import", "sync", "tag"):
                figures.acknowledged += 1
            figures.finished += 1
            lasts[kind] = took
        else:
            figures.kills += 1
            # Killed in its start-up on a busy machine: aim the next kill of this kind later,
            # so that kills keep landing where the work is.
            lasts[kind] = max(lasts[kind], delay * 1.3)
        _check_home(expected, figures, context)
    # One last `list` to the end: the search store it builds is checked too.
    killed, code, _, _ = _run(["-m", "reader", "list", "diffusion", "--limit", "3"], env, 300.0)
    assert not killed and code == 0
    _check_home(expected, figures, "after a last list run to the end")
    print(f"\nbreakit kills: {figures.kills} killed, {figures.finished} finished before the "
          f"kill, {figures.files_checked} files checked ({figures.sqlite_checked} papers.sqlite "
          f"integrity checks), {figures.acknowledged} writes "
          f"acknowledged, {len(figures.lost)} lost")
    assert figures.lost == []
    assert figures.kills >= KILLS
    assert figures.sqlite_checked > 0  # `list` built the search store at least once
