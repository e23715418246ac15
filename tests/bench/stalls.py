"""Event-loop stalls (issue 11): does the UI keep answering while the app works in the background?

    .venv/bin/python -m tests.bench.stalls --n 10000 [--runs 3] [--keep DIR]

Measured in process, in a headless ``App.run_test()`` at 120x40 (no terminal: what is timed is
the event loop itself, not tmux). On a copy of a built home (a kept home is never changed):

- **refresh**: the fake hub (tests/fakehub, real HTTP on 127.0.0.1) serves 1,000 papers over the
  seven days a refresh fetches after a six-day absence (500 updates of the home's newest papers,
  500 new ones); the app's refresh fetches them, merges them into the cache, writes the shards
  and the derived store, and reloads. Measured from the refresh's start until every worker it
  set off is idle.
- **rebuild**: the derived SQLite store is deleted under the running app and rebuilt from the
  shards by the app's own worker (reader.main_screen.loader), progress in the status line.

Meanwhile an asyncio task on the UI loop sleeps 10 ms at a time: the gaps between its wake-ups
are the loop's stalls (a gap of 10 ms is no stall at all). In a second window of each kind,
``j`` or ``k`` is sent through the app's driver, as a terminal's key would be, 250 ms after the
previous key's frame; key-to-screen is the time from sending it to the first frame the app
composes that shows the list's cursor moved (the cursor is read as each frame is composed).
(Keys and timer are not mixed: handling a key is the
loop's own work, and would show as a gap.) An idle window (the same, with nothing in the
background) is the floor of this machine at that moment.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.bench.figures import Figure, p95
from tests.bench.homes import REPO, Home, build_home
from tests.bench.loop_probe import KEY_TIMEOUT_S, Frames, KeyPresser, LoopProbe

REFRESH_PAPERS = 1000
REFRESH_SEED = 11
STALL_TARGET_MS = 50.0
LOAD_TIMEOUT_S = 600.0
IDLE_S = 1.0  # the app counts as loaded once no worker ran for this long
IDLE_WINDOW_S = 5.0


@dataclass
class Window:
    """What one measured window saw: the timer's gaps (ms), or the keys' latencies (ms)."""

    gaps: list[float] = field(default_factory=list)
    keys: list[float] = field(default_factory=list)
    missed: int = 0
    seconds: float = 0.0


# --- the homes and the hub ------------------------------------------------------------------


@contextmanager
def home_copy(home: Path) -> Iterator[Path]:
    """A throw-away copy of ``home`` (config, data, cache without full texts) as the app's home."""
    with tempfile.TemporaryDirectory(prefix="prbench-stall-") as tmp:
        target = Path(tmp) / "home"
        shutil.copytree(home, target, ignore=shutil.ignore_patterns("fulltext"))
        before = os.environ.get("PAPER_READER_HOME")
        os.environ["PAPER_READER_HOME"] = str(target)
        try:
            yield target
        finally:
            if before is None:
                os.environ.pop("PAPER_READER_HOME", None)
            else:
                os.environ["PAPER_READER_HOME"] = before


def prepare_home(home: Home, log: Callable[[str], object]) -> None:
    """Make the kept home what a user's home is after a first start: its derived store built
    (so that a refresh writes it), and the app's start-up files written by one run of the app
    on it (so that every measured window starts as a second start does, in seconds)."""
    from reader.store.cache import PaperCache
    from reader.store.locations import Locations

    papers = Locations(home.path / "config", home.path / "data", home.path / "cache").papers_dir
    start = time.perf_counter()
    asyncio.run(_warm(home.path))
    log(f"  one start of the app on the home: {time.perf_counter() - start:.1f} s")
    cache = PaperCache(papers)
    if cache.derived.ensure_quick():
        return
    start = time.perf_counter()
    cache.search_store().close()
    log(f"  derived store built in {time.perf_counter() - start:.1f} s")


async def _warm(home: Path) -> None:
    from reader.app import PaperReaderApp

    before = os.environ.get("PAPER_READER_HOME")
    os.environ["PAPER_READER_HOME"] = str(home)
    try:
        app = PaperReaderApp(offline=True)
        async with app.run_test(size=(120, 40)):
            await _loaded(app)
    finally:
        if before is None:
            os.environ.pop("PAPER_READER_HOME", None)
        else:
            os.environ["PAPER_READER_HOME"] = before


@contextmanager
def hub_process(home: Home, end: dt.date) -> Iterator[str]:
    """The fake hub serving :func:`refresh_corpus` in a process of its own (in this one its
    threads would take the interpreter lock from the UI loop being measured); yields its URL."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.bench.stalls", "--serve-hub", str(home.seed),
         home.latest_day, end.isoformat()],
        cwd=REPO, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().strip()
        if not url.startswith("http://"):
            raise RuntimeError(f"the fake hub did not start (it said {url!r})")
        yield url
    finally:
        if proc.stdin is not None:
            proc.stdin.close()  # the hub stops when its input ends
        proc.wait(timeout=30)


def _serve_hub(seed: int, latest_day: str, end: str) -> int:
    """``--serve-hub``: serve the refresh corpus, print the URL, stop when stdin closes."""
    from tests.fakehub import FakeHub

    home = Home(path=Path(), n=0, seed=seed, latest_day=latest_day)
    with FakeHub(refresh_corpus(home, dt.date.fromisoformat(end))) as hub:
        print(hub.url, flush=True)
        sys.stdin.read()
    return 0


def refresh_corpus(home: Home, end: dt.date) -> Any:
    """The hub's papers: 500 of the home's newest with more upvotes, 500 new ones, listed over
    the seven days ending on ``end`` (the days a refresh after six days away fetches)."""
    from tests.fakehub import Corpus
    from tests.fakehub.items import ItemMaker, iter_items

    latest = dt.date.fromisoformat(home.latest_day)
    half = REFRESH_PAPERS // 2
    updated = list(iter_items(half, home.seed, end=latest))
    for item in updated:
        item["paper"]["upvotes"] += 5
        item["upvotes"] = item.get("upvotes", 0) + 5
    new = Corpus(n_papers=half, end=end, seed=REFRESH_SEED).items
    items = updated + new

    class RefreshCorpus(Corpus):
        def __init__(self) -> None:  # the generator's papers, listed on the refresh's days
            self.seed, self.hostile, self.end = REFRESH_SEED, False, end
            self._maker = ItemMaker(REFRESH_SEED)
            self._by_day: dict[str, list[dict[str, Any]]] = {}
            for i, item in enumerate(items):
                day = (end - dt.timedelta(days=i % 7)).isoformat()
                stamp = item["paper"]["submittedOnDailyAt"]
                item["paper"]["submittedOnDailyAt"] = day + stamp[10:]
                self._by_day.setdefault(day, []).append(item)
            for listed in self._by_day.values():
                listed.sort(key=lambda it: -it["paper"]["upvotes"])
            self.items = [it for day in sorted(self._by_day, reverse=True)
                          for it in self._by_day[day]]
            self._by_id = {it["paper"]["id"]: it for it in self.items}
            self.hostile_ids = []
            self._trending = sorted(self.items, key=self._trending_key)
            self._haystacks = None
            import threading

            self._lock = threading.Lock()

    return RefreshCorpus()


# --- one measured app -----------------------------------------------------------------------


async def _loaded(app: Any) -> Any:
    """Wait until the start-up work is over (every paper loaded, no worker for IDLE_S)."""
    from reader.screens.main import MainScreen

    deadline = time.perf_counter() + LOAD_TIMEOUT_S
    quiet_since: float | None = None
    while time.perf_counter() < deadline:
        await asyncio.sleep(0.05)
        screen = app.screen
        busy = any(w.state.name in ("PENDING", "RUNNING") for w in app.workers)
        ready = isinstance(screen, MainScreen) and screen.controller.data.complete
        if busy or not ready:
            quiet_since = None
            continue
        quiet_since = quiet_since or time.perf_counter()
        if time.perf_counter() - quiet_since >= IDLE_S:
            return screen
    raise RuntimeError(f"the app was not loaded and idle after {LOAD_TIMEOUT_S:.0f} s")


async def _measure(app: Any, start: Callable[[Any], Callable[[], bool]], *,
                   keys: bool) -> Window:
    """Load, then run ``start(screen)`` (which returns "finished?") under the probe, or with
    ``keys`` under the key presser (keys are the loop's own work: they would be its gaps)."""
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        screen = await _loaded(app)
        await pilot.pause()
        frames = Frames(app, watch=lambda: screen.paper_list.cursor_index)
        probe, presser = LoopProbe(), KeyPresser(app, screen, frames)
        began = time.perf_counter()
        if keys:
            presser.start()
        else:
            probe.start()
        finished = start(screen)
        while not finished():
            await asyncio.sleep(0.02)
        await presser.stop()
        gaps = await probe.stop()
        return Window(gaps, presser.latencies, presser.missed, time.perf_counter() - began)


def _workers_idle(app: Any, groups: tuple[str, ...]) -> bool:
    """No worker of ``groups`` (of any group if empty) pending or running."""
    return not any(w.state.name in ("PENDING", "RUNNING") for w in app.workers
                   if not groups or w.group in groups)


async def refresh_window(home: Home, *, keys: bool) -> tuple[Window, int]:
    """One refresh of 1,000 papers into a copy of ``home``; returns the window and how many
    papers the app holds afterwards."""
    from reader.app import PaperReaderApp
    from reader.hub.client import PapersClient
    from reader.main_screen.network import Network

    latest = dt.date.fromisoformat(home.latest_day)
    end = latest + dt.timedelta(days=6)
    clock_now = dt.datetime(end.year, end.month, end.day, 18, 0, tzinfo=dt.UTC)
    auto_start = Network.start
    seen: dict[str, int] = {}
    with home_copy(home.path) as copy, hub_process(home, end) as url:
        client = PapersClient(url, retries=1, backoff=0.01, timeout=60.0)
        app = PaperReaderApp(client=client, clock=lambda: clock_now)

        def start(screen: Any) -> Callable[[], bool]:
            state = {"reloaded": False}
            screen.net.refresh()

            def finished() -> bool:
                # The refresh, then the reload it asks for (the data worker), then the rest.
                if not _workers_idle(app, ("refresh",)):
                    return False
                if not state["reloaded"]:
                    state["reloaded"] = len(screen.controller.data.records) > home.n
                    return False
                if not _workers_idle(app, ()):
                    return False
                seen["papers"] = len(screen.controller.data.records)
                return True

            return finished

        # No refresh at start: the measured one is started by hand once the app is idle.
        Network.start = lambda self, *, empty: None  # type: ignore[method-assign]
        try:
            window = await _measure(app, start, keys=keys)
        finally:
            Network.start = auto_start  # type: ignore[method-assign]
        from reader.store.derived import schema

        if not (copy / "cache" / schema.FILE_NAME).exists():
            seen["papers"] = -seen.get("papers", 0)  # said in the row's note
    return window, seen.get("papers", 0)


async def idle_window(home: Home, *, keys: bool) -> Window:
    """The same probe and keys with nothing running in the background: the floor."""
    from reader.app import PaperReaderApp

    with home_copy(home.path):
        app = PaperReaderApp(offline=True)

        def start(screen: Any) -> Callable[[], bool]:
            until = time.perf_counter() + IDLE_WINDOW_S
            return lambda: time.perf_counter() >= until

        return await _measure(app, start, keys=keys)


async def rebuild_window(home: Home, *, keys: bool) -> Window:
    """In a copy of ``home``, once the app is up: its derived store deleted and rebuilt by the
    app's own worker (reader.main_screen.loader, as after a deletion or a schema change)."""
    from reader.app import PaperReaderApp
    from reader.store.derived import store

    with home_copy(home.path) as copy:
        app = PaperReaderApp(offline=True)

        def start(screen: Any) -> Callable[[], bool]:
            c = screen.controller
            if c.engine is not None:
                c.engine.close()
            c.engine, c.engine_state = None, "opening"
            store.remove(c.cache.derived.path)
            screen.loader.open_store()

            def finished() -> bool:
                if c.engine_state == "unavailable":
                    raise RuntimeError("the rebuild failed: " + "; ".join(c.cache.problems))
                return c.engine is not None

            return finished

        window = await _measure(app, start, keys=keys)
        if not store.usable(copy / "cache" / "papers.sqlite"):
            raise RuntimeError("the rebuild left no usable derived store")
    return window


# --- figures --------------------------------------------------------------------------------


def stall_figures(homes: list[Home], runs: int, *,
                  log: Callable[[str], object] = print) -> list[Figure]:
    """The stall rows for every home: idle, refresh and rebuild, ``runs`` windows of each, once
    timing the loop's gaps and once the keys."""
    rows: list[Figure] = []
    for home in homes:
        prepare_home(home, log)
        seen: dict[str, dict[bool, list[Window]]] = {
            what: {False: [], True: []} for what in ("idle", "refresh", "rebuild")}
        notes: list[str] = []
        for run in range(runs):
            for keys in (False, True):
                idle = asyncio.run(idle_window(home, keys=keys))
                seen["idle"][keys].append(idle)
                window, papers = asyncio.run(refresh_window(home, keys=keys))
                seen["refresh"][keys].append(window)
                if papers < 0:
                    notes.append("the derived store was missing after a refresh (not written)")
                elif papers < home.n + REFRESH_PAPERS // 2 - 50:
                    notes.append(f"{papers:,} papers after a refresh")
                rebuilt = asyncio.run(rebuild_window(home, keys=keys))
                seen["rebuild"][keys].append(rebuilt)
                for what, w in (("idle", idle), ("refresh", window), ("rebuild", rebuilt)):
                    log(f"  {home.n:,} {what} {run + 1}{' (keys)' if keys else ''}: "
                        f"{_summary(w)}")
        for what, label in (("idle", "idle app (the floor)"),
                            ("refresh", "refresh merging 1,000 papers"),
                            ("rebuild", "derived-store rebuild")):
            rows += _rows(home.n, label, seen[what][False], seen[what][True],
                          notes if what == "refresh" else [])
    return rows


def _summary(w: Window) -> str:
    if w.keys or w.missed:
        return (f"{w.seconds:.1f} s, {len(w.keys)} keys, median "
                f"{statistics.median(w.keys) if w.keys else 0:.0f} ms, p95 "
                f"{p95(w.keys) if w.keys else 0:.0f} ms, {w.missed} missed")
    return (f"{w.seconds:.1f} s, longest gap {max(w.gaps, default=0):.0f} ms, "
            f"p95 gap {p95(w.gaps) if w.gaps else 0:.0f} ms")


def _rows(n: int, what: str, probed: list[Window], keyed: list[Window],
          notes: list[str]) -> list[Figure]:
    seconds = ", ".join(f"{w.seconds:.1f}" for w in probed)
    longest = Figure(f"UI loop: longest 10 ms-timer gap during a {what}", n, "ms",
                     [max(w.gaps) for w in probed if w.gaps], target=STALL_TARGET_MS,
                     on="p95", note="; ".join([f"one sample per window ({seconds} s)",
                                               *sorted(set(notes))]))
    gaps = [g for w in probed for g in w.gaps]
    typical = Figure(f"UI loop: 10 ms-timer gaps during a {what}", n, "ms", gaps,
                     note=f"{len(gaps):,} gaps")
    latencies = [k for w in keyed for k in w.keys]
    missed = sum(w.missed for w in keyed)
    key_row = Figure(f"Key to screen (j/k) during a {what}", n, "ms", latencies,
                     note=f"{len(latencies)} keys in windows of their own"
                     + (f"; {missed} not shown within {KEY_TIMEOUT_S:.0f} s" if missed else ""))
    return [longest, typical, key_row]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.stalls", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=10_000, help="papers in the home (10000)")
    parser.add_argument("--runs", type=int, default=3, help="windows of each kind (3)")
    parser.add_argument("--keep", type=Path, default=None, metavar="DIR",
                        help="build the home in DIR and keep it; a later run reuses it")
    parser.add_argument("--serve-hub", nargs=3, metavar=("SEED", "LATEST", "END"),
                        help=argparse.SUPPRESS)  # the hub process of a refresh window
    args = parser.parse_args(argv)
    if args.serve_hub:
        seed, latest, end = args.serve_hub
        return _serve_hub(int(seed), latest, end)
    from tests.bench import report
    from tests.bench.__main__ import SEED

    root = args.keep.resolve() if args.keep else Path(tempfile.mkdtemp(prefix="prbench-"))
    root.mkdir(parents=True, exist_ok=True)
    try:
        home = build_home(root, args.n, SEED, log=print)
        if home.import_s is None:
            print(f"the home could not be built: {home.import_error}")
            return 1
        rows = stall_figures([home], args.runs, log=lambda s: print(s, flush=True))
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)
    print()
    print(report.text_table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
