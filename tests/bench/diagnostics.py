"""Where the start-up time goes: imports beyond Textual's, and the steps behind the "All" view.

These rows explain the launch figures rather than judge them: a missed first-row target is read
against the import cost of the app's modules, and a slow "All" view against loading the cache,
building the views' orderings and opening (and rebuilding) the search store, timed in-process.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Sequence

from tests.bench.figures import Figure
from tests.bench.homes import REPO, Home
from tests.bench.writes import home_locations

IMPORT_TIMEOUT_S = 60.0
_IMPORTTIME = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \|(\s*)(\S+)")


def _import_s(code: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], cwd=REPO, check=True, capture_output=True,
                   timeout=IMPORT_TIMEOUT_S)
    return time.perf_counter() - start


def _self_times(code: str) -> dict[str, int]:
    """Microseconds of each module's own import (``-X importtime``), by full module name."""
    proc = subprocess.run([sys.executable, "-X", "importtime", "-c", code], cwd=REPO, check=True,
                          capture_output=True, text=True, timeout=IMPORT_TIMEOUT_S)
    out: dict[str, int] = {}
    for line in proc.stderr.splitlines():
        found = _IMPORTTIME.match(line)
        if found:
            out[found.group(4)] = int(found.group(1))
    return out


def import_rows(runs: int) -> list[Figure]:
    """Wall time of importing Textual alone and of what `paper-reader` imports before it paints,
    and the packages that make up the difference."""
    floor_code = "import textual.app, textual.widgets"
    app_code = "import reader.__main__, reader.app"
    floor, app = [], []
    _import_s(app_code)  # warm-up: .pyc files and the page cache
    for _ in range(runs):
        floor.append(_import_s(floor_code))
        app.append(_import_s(app_code))
    base = _self_times(floor_code)
    own: dict[str, int] = {}
    others: dict[str, int] = defaultdict(int)
    for module, micros in _self_times(app_code).items():
        if module in base:
            continue
        if module == "reader" or module.startswith("reader."):
            own[module] = micros
        else:
            others[module.split(".")[0]] += micros
    top_own = sorted(own.items(), key=lambda kv: -kv[1])[:4]
    top_others = sorted(others.items(), key=lambda kv: -kv[1])[:6]
    spent = (f"paper-reader's own modules {sum(own.values()) / 1000:.0f} ms ("
             + ", ".join(f"{m} {us / 1000:.0f}" for m, us in top_own)
             + f"), other packages {sum(others.values()) / 1000:.0f} ms ("
             + ", ".join(f"{m} {us / 1000:.0f}" for m, us in top_others) + ")")
    return [
        Figure("Start-up: python + import Textual", None, "s", floor,
               note="a process that imports textual.app and textual.widgets, then exits"),
        Figure("Start-up: python + paper-reader's imports", None, "s", app,
               note=f"what it imports beyond Textual, by self time (-X importtime, ms): {spent}"),
    ]


def all_view_rows(homes: Sequence[Home], log: Callable[[str], object] = print) -> list[Figure]:
    """In-process: load every record, build the views' orderings, open the search store, and
    rebuild it from the shards (what a deleted or older store costs)."""
    from reader.store.cache import PaperCache
    from reader.store.derived import store

    try:
        from reader.views import build_data
    except ImportError:
        build_data = None
    rows: list[Figure] = []
    for home in homes:
        start = time.perf_counter()
        records = PaperCache(home_locations(home.path).papers_dir).load_all()
        loaded = time.perf_counter() - start
        rows.append(Figure("All view step: PaperCache.load_all", home.n, "s", [loaded],
                           show_p95=False))
        if build_data is not None:
            start = time.perf_counter()
            build_data(records, complete=True)
            rows.append(Figure("All view step: views.build_data", home.n, "s",
                               [time.perf_counter() - start], show_p95=False))
        cache = PaperCache(home_locations(home.path).papers_dir)
        start = time.perf_counter()
        cache.search_store().close()
        rows.append(Figure("All view step: open the search store", home.n, "s",
                           [time.perf_counter() - start], show_p95=False))
        store.remove(cache.derived.path)
        start = time.perf_counter()
        cache.search_store().close()
        rows.append(Figure("Search store rebuilt from the shards", home.n, "s",
                           [time.perf_counter() - start], show_p95=False,
                           target=60.0 if home.n >= 100_000 else None,
                           note="after deleting papers.sqlite or a schema change; the app "
                                "filters by scanning meanwhile and shows the progress"))
        log(f"  {home.n:,}: load_all {loaded:.2f} s")
        del records
    return rows


_MEMORY_SCRIPT = """
import sys
from pathlib import Path

def rss():
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024

import reader.app
from reader.query import Context, parse
from reader.query.engine import Engine
from reader.store.cache import PaperCache
from reader.views import build_data
print("imports", rss())
cache = PaperCache(Path(sys.argv[1]))
records = cache.load_all()
print("records", rss())
data = build_data(records, complete=True)
print("views", rss())
engine = Engine(cache.search_store())
for text in ("model", "the", "llm sort:stars", '"language model"', "upvotes:>10 has:code"):
    engine.filter(parse(text), Context(), list(data.by_date))
print("index", rss())
for record in records.values():
    record.paper
print("unpacked", rss())
"""


def memory_rows(home: Home) -> list[Figure]:
    """Resident memory after each step, in a fresh process: what the peak is made of."""
    proc = subprocess.run(
        [sys.executable, "-c", _MEMORY_SCRIPT, str(home_locations(home.path).papers_dir)],
        cwd=REPO, check=True, capture_output=True, text=True, timeout=600,
    )
    steps = dict(line.split() for line in proc.stdout.splitlines() if line.strip())
    labels = {
        "imports": "Memory step: python + the app's imports",
        "records": "Memory step: + every record (load_all)",
        "views": "Memory step: + the views' orderings",
        "index": "Memory step: + the search store, five queries run",
        "unpacked": "Memory step: + every paper unpacked (not in the app's peak)",
    }
    rows = []
    before = 0.0
    for key, label in labels.items():
        now = float(steps[key])
        rows.append(Figure(label, home.n, "MB", [now], show_p95=False,
                           note=f"+{now - before:.0f} MB" if before else ""))
        before = now
    return rows
