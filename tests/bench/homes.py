"""Benchmark homes: a PAPER_READER_HOME per size, filled as a user would, by `paper-reader import`.

A dump of N daily items (JSON lines, from the fake hub's deterministic generator) is written once,
imported with the real CLI in a subprocess (that wall time is the import figure), and a few
bookmarks and read marks are added to the library. ``bench-home.json`` in each home records what is
in it, so ``--keep DIR`` reuses a home built by an earlier run instead of importing again.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

import orjson

from reader.hub.text import clean_line

META_FILE = "bench-home.json"
META_VERSION = 2
REPO = Path(__file__).resolve().parents[2]
NEEDLE_CHARS = 18  # a title prefix short enough to survive the list column's truncation
BOOKMARKS = 60
IMPORT_TIMEOUT_S = 900.0  # a bound on a hung import, far beyond the "well under a minute" target


@dataclass
class Home:
    """One built home and what the benchmark needs to know about its contents."""

    path: Path
    n: int
    seed: int
    import_s: float | None = None
    import_error: str = ""
    latest_day: str = ""
    latest_needles: list[str] = field(default_factory=list)  # title prefixes on the latest day
    oldest_needles: list[str] = field(default_factory=list)  # title prefixes on the oldest day
    bookmarks: list[str] = field(default_factory=list)
    built_at: str = ""
    reused: bool = False

    @property
    def env(self) -> dict[str, str]:
        return bench_env(self.path)


def bench_env(home: Path) -> dict[str, str]:
    """The environment every benchmarked process gets: its home, no token, and an endpoint that
    refuses connections, so that a forgotten network call fails fast instead of reaching out."""
    return {
        "PAPER_READER_HOME": str(home),
        "HF_ENDPOINT": "http://127.0.0.1:9",
        "HF_TOKEN": "",
        "PYTHONDONTWRITEBYTECODE": "1",
    }


def subprocess_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("HF_TOKEN",)}
    env.update(bench_env(home))
    del env["HF_TOKEN"]
    return env


def cli_argv() -> list[str]:
    """How to start the real CLI: the installed console script if there is one beside this
    interpreter, else ``python -m reader`` from the repository."""
    script = Path(sys.executable).parent / "paper-reader"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "reader"]


def _items(n: int, seed: int) -> Iterator[dict[str, object]]:
    from tests.fakehub.corpus import iter_items  # the fake hub's streaming generator

    yield from iter_items(n, seed)


def _needle(title: str) -> str | None:
    prefix = title[:NEEDLE_CHARS].rstrip()
    # tmux shows wide and combining characters in ways a substring test cannot follow
    if len(prefix) < 10 or not prefix.isascii() or not prefix.isprintable():
        return None
    return prefix


def write_dump(path: Path, n: int, seed: int) -> tuple[str, list[str], list[str]]:
    """Write ``n`` daily items as JSON lines; return the latest listing day and title prefixes of
    the papers listed on the latest and on the oldest day."""
    by_day: dict[str, list[str]] = {}
    tmp = path.with_suffix(".partial")
    with open(tmp, "wb") as out:
        for item in _items(n, seed):
            out.write(orjson.dumps(item))
            out.write(b"\n")
            # read the two fields directly: the full parser costs ~0.7 ms an item, a minute at 100k
            paper = item.get("paper")
            if not isinstance(paper, dict):
                continue
            day = str(paper.get("submittedOnDailyAt") or paper.get("publishedAt") or "")[:10]
            needle = _needle(clean_line(str(paper.get("title") or "")))
            if day and needle:
                by_day.setdefault(day, []).append(needle)
    tmp.replace(path)
    days = sorted(by_day)
    if not days:
        raise RuntimeError(f"the dump of {n} papers has no dated, titled paper")
    return days[-1], by_day[days[-1]], by_day[days[0]]


def run_import(home: Path, dump: Path) -> float:
    """`paper-reader import DUMP` into ``home``; returns its wall time in seconds."""
    start = time.perf_counter()
    proc = subprocess.run(
        [*cli_argv(), "import", str(dump)],
        cwd=REPO,
        env=subprocess_env(home),
        capture_output=True,
        text=True,
        timeout=IMPORT_TIMEOUT_S,
    )
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
        raise RuntimeError(f"import exited {proc.returncode}: {' | '.join(tail)}")
    return elapsed


def add_library(home: Path, n: int, seed: int) -> list[str]:
    """Bookmark a few papers and mark a few read, through the store's own Library."""
    from reader.store.cache import PaperCache
    from reader.store.locations import Locations

    loc = Locations(home / "config", home / "data", home / "cache").ensure()
    from reader.store.library import Library  # the store's, imported late: it may not exist yet
    ids = sorted(PaperCache(loc.papers_dir).load_all())
    rng = random.Random(seed)
    chosen = rng.sample(ids, min(BOOKMARKS, len(ids)))
    library = Library(loc.library_file)
    for paper_id in chosen:
        library.set_bookmark(paper_id, True)
    for paper_id in rng.sample(ids, min(BOOKMARKS * 3, len(ids))):
        library.set_read(paper_id, True)
    return chosen


def _load_meta(home: Path, n: int, seed: int) -> Home | None:
    meta_path = home / META_FILE
    if not meta_path.exists():
        return None
    raw = orjson.loads(meta_path.read_bytes())
    if raw.get("version") != META_VERSION or raw.get("n") != n or raw.get("seed") != seed:
        return None
    if raw.get("import_s") is None:
        return None  # an import that failed earlier is retried
    raw.pop("version")
    raw["path"] = home
    loaded = Home(**raw)
    loaded.reused = True
    return loaded


def _save_meta(h: Home) -> None:
    data = asdict(h)
    data.update(version=META_VERSION, path=str(h.path))
    data.pop("reused")
    (h.path / META_FILE).write_bytes(orjson.dumps(data, option=orjson.OPT_INDENT_2))


def build_home(
    root: Path, n: int, seed: int, *, log: Callable[[str], object] = print
) -> Home:
    """A home of ``n`` papers under ``root`` (reused when one with the same ``n`` and ``seed``
    is already there). Import failures are kept in ``import_error``, not raised."""
    say = log
    path = root / f"home-{n}"
    reused = _load_meta(path, n, seed)
    if reused is not None:
        say(f"  home of {n:,} papers: reusing the one built {reused.built_at}")
        _ensure_library(reused, say)
        return reused
    if path.exists():
        shutil.rmtree(path)  # half-built by an interrupted run
    path.mkdir(parents=True)
    dump = root / f"dump-{n}-seed{seed}.jsonl"
    home = Home(path=path, n=n, seed=seed)
    start = time.perf_counter()
    home.latest_day, home.latest_needles, home.oldest_needles = write_dump(dump, n, seed)
    say(f"  dump of {n:,} items written in {time.perf_counter() - start:.1f} s")
    try:
        home.import_s = run_import(path, dump)
        say(f"  imported in {home.import_s:.1f} s")
    except (RuntimeError, OSError, subprocess.TimeoutExpired) as exc:
        home.import_error = f"{type(exc).__name__}: {exc}"
        say(f"  import failed: {home.import_error}")
    home.built_at = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    _save_meta(home)
    dump.unlink()  # 100k items are ~0.5 GB; the home holds everything from now on
    if home.import_s is not None:
        _ensure_library(home, say)
    return home


def _ensure_library(home: Home, say: Callable[[str], object]) -> None:
    """Add the bookmarks if an earlier run could not (the store's Library may land later)."""
    if home.bookmarks:
        return
    try:
        home.bookmarks = add_library(home.path, home.n, home.seed)
    except (ImportError, OSError, RuntimeError, ValueError) as exc:
        say(f"  could not add bookmarks: {type(exc).__name__}: {exc}")
        return
    _save_meta(home)
