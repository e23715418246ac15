"""One measured figure (samples, median, p95, its target) and the small statistics behind it."""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal


def median(samples: Sequence[float]) -> float:
    return float(statistics.median(samples))


def p95(samples: Sequence[float]) -> float:
    """Nearest-rank 95th percentile (with few samples this is the worst one, which is honest)."""
    ordered = sorted(samples)
    return float(ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)])


@dataclass
class Figure:
    """A row of the table. ``samples`` are already in ``unit`` (s, ms, MB or x for ratios).

    ``on`` says which statistic the target applies to; ``floor`` is the bare-Textual figure shown
    beside start-up times; ``error`` is why nothing could be measured (the row still prints).
    """

    label: str
    size: int | None
    unit: str
    samples: list[float] = field(default_factory=list)
    target: float | None = None
    on: Literal["median", "p95"] = "median"
    floor: float | None = None
    note: str = ""
    error: str = ""
    show_p95: bool = True

    @property
    def median(self) -> float | None:
        return median(self.samples) if self.samples else None

    @property
    def p95(self) -> float | None:
        return p95(self.samples) if self.samples and self.show_p95 else None

    @property
    def judged(self) -> float | None:
        return self.p95 if self.on == "p95" else self.median

    @property
    def met(self) -> bool | None:
        """True/False against the target; None when there is no target or no measurement."""
        value = self.judged
        if self.target is None or value is None:
            return None
        return value <= self.target

    @property
    def target_text(self) -> str:
        if self.target is None:
            return ""
        which = "p95 " if self.on == "p95" else ""
        return f"{which}<= {fmt(self.target, self.unit)}"

    @property
    def verdict(self) -> str:
        if self.error:
            return "not measured"
        met = self.met
        if met is None:
            return ""
        if met:
            return "met"
        value = self.judged
        assert value is not None and self.target is not None
        return f"MISSED by {fmt(value - self.target, self.unit)}"


def fmt(value: float | None, unit: str) -> str:
    """A value with its unit at a sensible precision."""
    if value is None:
        return "-"
    if unit == "s":
        return f"{value:.3f} s" if value < 10 else f"{value:.1f} s"
    if unit == "ms":
        return f"{value:.2f} ms" if value < 10 else f"{value:.1f} ms"
    if unit == "MB":
        return f"{value:.0f} MB"
    if unit == "x":
        return f"{value:.2f}x"
    return f"{value:g} {unit}"


def size_text(n: int | None) -> str:
    if n is None:
        return ""
    return f"{n // 1000}k" if n >= 1000 and n % 1000 == 0 else str(n)


def guarded(figure: Figure, measure: Callable[[], list[float]]) -> Figure:
    """Fill ``figure.samples`` from ``measure()``; any failure becomes the row's error, so one
    missing piece (a command not landed yet, a crash) never loses the rest of the run."""
    try:
        figure.samples = list(measure())
    except Exception as exc:  # the benchmark reports every failure in its table
        figure.error = f"{type(exc).__name__}: {str(exc).strip().splitlines()[0][:200]}" \
            if str(exc).strip() else type(exc).__name__
    return figure


def repeat(
    measure_once: Callable[[], float], runs: int, *, budget_s: float
) -> tuple[list[float], str]:
    """One warm-up, then up to ``runs`` samples while the next one still fits in ``budget_s``.

    A warm-up slower than a third of the budget is kept as the only sample or the first one
    (a cold first run of something this slow is what a user waits for anyway). Returns the
    samples and a note saying when fewer than ``runs`` were taken.
    """
    start = time.perf_counter()
    first = measure_once()
    samples: list[float] = []
    note = ""
    if time.perf_counter() - start > budget_s / 3:
        samples.append(first)
        note = "no warm-up run (too slow for the time budget)"
    while len(samples) < runs:
        elapsed = time.perf_counter() - start
        last = elapsed / (len(samples) + (0 if note else 1))
        if samples and elapsed + last > budget_s:
            note = (note + "; " if note else "") + \
                f"{len(samples)} of {runs} runs (time budget {budget_s:.0f} s)"
            break
        samples.append(measure_once())
    return samples, note


async def workers_idle(app: object, timeout: float) -> None:
    """Wait until none of ``app``'s workers is pending or running (an exclusive worker that a
    newer one cancelled counts as done: Textual's wait_for_complete raises for it)."""
    import asyncio
    import time

    from textual.worker import WorkerState

    busy = (WorkerState.PENDING, WorkerState.RUNNING)
    deadline = time.perf_counter() + timeout
    while any(w.state in busy for w in app.workers):  # type: ignore[attr-defined]
        if time.perf_counter() > deadline:
            raise TimeoutError(f"workers still running after {timeout:.0f} s")
        await asyncio.sleep(0.01)
