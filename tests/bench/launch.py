"""Start-up in a real terminal: the first paper row, the "All" view, peak memory, and the floor.

Launches are interleaved (floor, then the app at each size, run after run) so that a noisy moment
on the shared machine hits every figure alike, and the floor is measured in the same run.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from tests.bench.floor import MARKER
from tests.bench.homes import REPO, Home, cli_argv
from tests.bench.tty import Milestone, Tmux, TtyError, TtyRun, contains_any, vm_hwm_mb

LAUNCH_TIMEOUT_S = 150.0  # per launch, for every milestone together; a bound, not a figure
ALL_VIEW_REPEAT_MAX_S = 10.0  # an "All" view slower than this is not timed again (time budget)
MEMORY_SETTLE_S = 1.0  # the app counts as idle after this long at under 10% of a core
MEMORY_MAX_WAIT_S = 60.0  # the search store opens (or is rebuilt) alongside the All view
MEMORY_ROUNDS = 2  # peak memory barely varies: read it in the first two timed rounds only

# a failed launch is recorded and the run goes on
LAUNCH_ERRORS = (TtyError, subprocess.TimeoutExpired, OSError)
END_KEYS: tuple[str, ...] = ("G",)  # the list's last row: the oldest day's papers
END_RESEND_S = 0.1  # resend END_KEYS this often until the last row shows


def all_view_keys() -> tuple[str, ...]:
    """The key a user presses to choose the "All" view: its direct view key (reader.keys)."""
    from reader.keys import MAIN_KEYS

    (key,) = [k.keys for k in MAIN_KEYS if k.action == "show_view('all')"]
    return (key.split(",")[0],)


def all_view_shown(n: int) -> Callable[[str], bool]:
    """The status line reads "All · 100,000 papers": the All view holds every paper."""
    pattern = re.compile(r"\bAll · ([\d,]+) papers")

    def seen(screen: str) -> bool:
        found = pattern.search(screen)
        return found is not None and int(found.group(1).replace(",", "")) >= n

    return seen


@dataclass
class LaunchFigures:
    """Samples (seconds, MiB) of one program across runs; failures are kept, not raised."""

    first_row: list[float] = field(default_factory=list)
    all_view: list[float] = field(default_factory=list)
    all_end: list[float] = field(default_factory=list)
    memory_mb: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def compile_bytecode() -> None:
    """Compile the checkout's Python files, as `pip install` does for an installed copy.

    A program started from a checkout (``python -m reader``, an editable install) otherwise
    compiles every module on every launch whenever bytecode is not written
    (PYTHONDONTWRITEBYTECODE, a read-only tree): ~0.1 s that no installed user pays. The floor
    gets the same treatment. Bytecode goes to __pycache__ (ignored by git).
    """
    import compileall

    for folder in ("reader", "tests"):
        compileall.compile_dir(REPO / folder, quiet=1)


def floor_argv() -> list[str]:
    return [sys.executable, "-m", "tests.bench.floor"]


def app_argv() -> list[str]:
    return [*cli_argv(), "--offline"]


def _cpu_s(pid: int) -> float | None:
    """CPU seconds (user + system) the process has used so far."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _settled_hwm(pid: int) -> float | None:
    """Peak RSS once the app is idle: background work (index build, counts) done. Idle means
    under 10% of a core for MEMORY_SETTLE_S."""
    deadline = time.perf_counter() + MEMORY_MAX_WAIT_S
    last_cpu = _cpu_s(pid)
    idle_since = time.perf_counter()
    while time.perf_counter() < deadline:
        time.sleep(0.2)
        cpu = _cpu_s(pid)
        if cpu is None or last_cpu is None:
            break
        if cpu - last_cpu > 0.2 * 0.1:
            idle_since = time.perf_counter()
        elif time.perf_counter() - idle_since >= MEMORY_SETTLE_S:
            break
        last_cpu = cpu
    return vm_hwm_mb(pid)


class _EndPresser:
    """A screen test that, while it waits for the list's last rows, keeps pressing End."""

    def __init__(self, tmux: Tmux, seen: Callable[[str], bool]) -> None:
        self.tmux = tmux
        self.seen = seen
        self.session = ""
        self.last_sent = 0.0

    def __call__(self, screen: str) -> bool:
        if self.seen(screen):
            return True
        now = time.perf_counter()
        if self.session and now - self.last_sent >= END_RESEND_S:
            self.tmux.send_keys(self.session, *END_KEYS)
            self.last_sent = now
        return False


def launch_floor(tmux: Tmux) -> TtyRun:
    return tmux.run(floor_argv(), [Milestone("first_row", contains_any([MARKER]))],
                    env={}, cwd=REPO, timeout=LAUNCH_TIMEOUT_S)


def launch_app(tmux: Tmux, home: Home, *, all_view: bool, memory: bool) -> TtyRun:
    """One launch of ``paper-reader --offline``: time to a latest-day row, then (optionally) to
    the oldest paper at the end of the "All" view, then the settled peak memory."""
    milestones = [Milestone("first_row", contains_any(home.latest_needles),
                            then_keys=all_view_keys() if all_view else ())]
    presser: _EndPresser | None = None
    if all_view:
        milestones.append(Milestone("all_view", all_view_shown(home.n), then_keys=END_KEYS))
        presser = _EndPresser(tmux, contains_any(home.oldest_needles))
        milestones.append(Milestone("all_end", presser))

    def on_done(t: Tmux, session: str, run: TtyRun) -> None:
        if memory and run.pid is not None:
            hwm = _settled_hwm(run.pid)
            if hwm is not None:
                run.extra["memory_mb"] = hwm

    def on_start(session: str) -> None:
        if presser is not None:
            presser.session = session

    return tmux.run(app_argv(), milestones, env=home.env, cwd=REPO, timeout=LAUNCH_TIMEOUT_S,
                    on_start=on_start, on_done=on_done)


def measure_launches(
    homes: Sequence[Home], runs: int, *, log: Callable[[str], object] = print
) -> tuple[LaunchFigures, dict[int, LaunchFigures]]:
    """Floor and app launches, interleaved, after a warm-up round (first rows only). Returns
    (floor, by size). An "All" view too slow to repeat within the time budget is timed once."""
    compile_bytecode()
    floor = LaunchFigures()
    apps = {h.n: LaunchFigures() for h in homes}
    timing_all = {h.n: True for h in homes}
    with Tmux() as tmux:
        for round_no in range(runs + 1):
            warm_up = round_no == 0
            try:
                run = launch_floor(tmux)
                if not warm_up:
                    floor.first_row.append(run.times["first_row"])
            except LAUNCH_ERRORS as exc:
                floor.errors.append(str(exc))
            for home in homes:
                figures = apps[home.n]
                all_view = timing_all[home.n] and not warm_up
                memory = all_view and round_no <= MEMORY_ROUNDS
                try:
                    run = launch_app(tmux, home, all_view=all_view, memory=memory)
                except LAUNCH_ERRORS as exc:
                    figures.errors.append(str(exc))
                    if all_view:
                        timing_all[home.n] = False  # do not wait for a broken All view again
                    continue
                if warm_up:
                    continue
                figures.first_row.append(run.times["first_row"])
                if "all_view" in run.times:
                    figures.all_view.append(run.times["all_view"])
                    if run.times["all_view"] > ALL_VIEW_REPEAT_MAX_S and round_no < runs:
                        timing_all[home.n] = False
                        figures.notes.append(
                            f"timed in {len(figures.all_view)} of {runs} runs: each takes "
                            f"over {ALL_VIEW_REPEAT_MAX_S:.0f} s, too slow to repeat within "
                            "the time budget")
                if "all_end" in run.times:
                    figures.all_end.append(run.times["all_end"])
                if "memory_mb" in run.extra:
                    figures.memory_mb.append(run.extra["memory_mb"])
            log(f"  launch round {round_no}{' (warm-up)' if warm_up else ''} done")
    return floor, apps


def start_without_store(home: Home, *, log: Callable[[str], object] = print) -> LaunchFigures:
    """One launch on a copy of ``home`` without its search store (derived: a user may delete
    it, and a new schema drops it): the app rebuilds it, then loads every paper. Its peak
    memory (``memory_mb``) once the All view shows every paper and the app is idle; the All
    view's time (``all_view``) includes the rebuild."""
    figures = LaunchFigures()
    with tempfile.TemporaryDirectory(prefix="paper-reader-nostore-") as tmp:
        copy = Path(tmp) / home.path.name
        shutil.copytree(home.path, copy, ignore=shutil.ignore_patterns(
            "papers.sqlite*", ".papers.sqlite*", "fulltext"))
        with Tmux() as tmux:
            try:
                run = launch_app(tmux, replace(home, path=copy), all_view=True, memory=True)
            except LAUNCH_ERRORS as exc:
                figures.errors.append(str(exc))
                return figures
        figures.first_row.append(run.times["first_row"])
        if "all_view" in run.times:
            figures.all_view.append(run.times["all_view"])
        if "memory_mb" in run.extra:
            figures.memory_mb.append(run.extra["memory_mb"])
    log("  launch without the search store done")
    return figures
