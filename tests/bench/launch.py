"""Start-up in a real terminal: the first paper row, the "All" view, peak memory, and the floor.

Launches are interleaved (floor, then the app at each size, run after run) so that a noisy moment
on the shared machine hits every figure alike, and the floor is measured in the same run.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from tests.bench.floor import MARKER
from tests.bench.homes import REPO, Home, cli_argv
from tests.bench.tty import Milestone, Tmux, TtyError, TtyRun, contains_any, vm_hwm_mb

LAUNCH_TIMEOUT_S = 60.0  # per launch, for every milestone together; a bound, not a figure
MEMORY_SETTLE_S = 1.0  # VmHWM counts as settled once it has not grown for this long
MEMORY_MAX_WAIT_S = 15.0

# How the "All" view is chosen, and how we know it holds every paper: keys sent once the first
# row is up, then keys that go to the list's end, where the oldest day's papers are.
ALL_VIEW_KEYS: tuple[str, ...] = ("a",)
END_KEYS: tuple[str, ...] = ("G",)
END_RESEND_S = 0.05  # resend END_KEYS this often until the last row shows: the app may still load


@dataclass
class LaunchFigures:
    """Samples (seconds, MiB) of one program across runs; failures are kept, not raised."""

    first_row: list[float] = field(default_factory=list)
    all_view: list[float] = field(default_factory=list)
    memory_mb: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def floor_argv() -> list[str]:
    return [sys.executable, "-m", "tests.bench.floor"]


def app_argv() -> list[str]:
    return [*cli_argv(), "--offline"]


def _settled_hwm(pid: int) -> float | None:
    """Wait until the process's peak RSS stops growing (the "All" view's background work done)."""
    deadline = time.perf_counter() + MEMORY_MAX_WAIT_S
    last = vm_hwm_mb(pid)
    stable_since = time.perf_counter()
    while time.perf_counter() < deadline:
        time.sleep(0.1)
        now = vm_hwm_mb(pid)
        if now is None:
            return last
        if last is None or now > last:
            last, stable_since = now, time.perf_counter()
        elif time.perf_counter() - stable_since >= MEMORY_SETTLE_S:
            break
    return last


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
                            then_keys=ALL_VIEW_KEYS if all_view else ())]
    presser: _EndPresser | None = None
    if all_view:
        presser = _EndPresser(tmux, contains_any(home.oldest_needles))
        milestones.append(Milestone("all_view", presser))

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
    """Floor and app launches, interleaved, one warm-up round first. Returns (floor, by size)."""
    floor = LaunchFigures()
    apps = {h.n: LaunchFigures() for h in homes}
    with Tmux() as tmux:
        for round_no in range(runs + 1):
            warm_up = round_no == 0
            try:
                run = launch_floor(tmux)
                if not warm_up:
                    floor.first_row.append(run.times["first_row"])
            except TtyError as exc:
                floor.errors.append(str(exc))
            for home in homes:
                figures = apps[home.n]
                try:
                    run = launch_app(tmux, home, all_view=True, memory=not warm_up)
                except TtyError as exc:
                    figures.errors.append(str(exc))
                    continue
                if warm_up:
                    continue
                figures.first_row.append(run.times["first_row"])
                if "all_view" in run.times:
                    figures.all_view.append(run.times["all_view"])
                if "memory_mb" in run.extra:
                    figures.memory_mb.append(run.extra["memory_mb"])
            log(f"  launch round {round_no}{' (warm-up)' if warm_up else ''} done")
    return floor, apps
