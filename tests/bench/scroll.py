"""Moving the cursor and paging must cost the same at 10k and 100k papers: time both, in-process.

The real app runs headless (``App.run_test``, 120x40) over a home's cache in the "All" view; a
sample is the mean time of one key press (the press, the cursor move, the repaint of what changed,
the detail pane following). The figure that matters is the ratio between
the largest and the smallest size measured in the same run: ~1 means no work proportional to N.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from typing import Any

from tests.bench.figures import Figure, median, workers_idle
from tests.bench.homes import Home
from tests.bench.writes import home_locations

PRESSES = 40  # per key and round; each press is timed on its own
MAX_ROUNDS = 3
BUDGET_S = 90.0  # per size, for the presses (not the loading): stop adding rounds beyond it
LOAD_TIMEOUT_S = 300.0  # loading 100k papers in-process, with the index; a bound, not a figure
# (label, key pressed PRESSES times, key that undoes it between rounds)
MOVES: tuple[tuple[str, str, str], ...] = (
    ("cursor down (j)", "j", "g"),
    ("page down", "pagedown", "g"),
)


async def _wait_for(predicate: Callable[[], bool], pilot: Any, what: str) -> None:
    deadline = time.perf_counter() + LOAD_TIMEOUT_S
    while not predicate():
        if time.perf_counter() > deadline:
            raise TimeoutError(f"{what} not reached in {LOAD_TIMEOUT_S:.0f} s")
        await pilot.pause(0.05)


async def _measure(home: Home, runs: int) -> dict[str, list[float]]:
    from reader.app import PaperReaderApp
    from reader.views import ALL

    app = PaperReaderApp(offline=True, where=home_locations(home.path))
    out: dict[str, list[float]] = {label: [] for label, _, _ in MOVES}
    async with app.run_test(size=(120, 40)) as pilot:
        screen: Any = app.screen

        def all_loaded() -> bool:
            data = screen.controller.data
            return bool(data.complete) and len(data.records) >= home.n

        await _wait_for(all_loaded, pilot, "all papers loaded")
        # the search store and the view counts are opened and counted in workers: measure once done,
        # so that the presses do not share the CPU with them
        await workers_idle(app, LOAD_TIMEOUT_S)
        screen.switch_view(ALL)

        def all_shown() -> bool:
            result = screen.result
            return result is not None and result.view.key == ALL and \
                len(result.records) >= home.n

        await _wait_for(all_shown, pilot, 'the "All" view')
        await workers_idle(app, LOAD_TIMEOUT_S)
        screen.paper_list.focus()
        await pilot.pause()
        for _label, key, undo in MOVES:  # warm-up: the first moves fill the row caches
            await pilot.press(undo, *([key] * 5))
        started = time.perf_counter()
        for _ in range(min(runs, MAX_ROUNDS)):
            for label, key, undo in MOVES:
                await pilot.press(undo)
                await pilot.pause()
                for _ in range(PRESSES):
                    start = time.perf_counter()
                    await pilot.press(key)
                    out[label].append((time.perf_counter() - start) * 1000)
            if time.perf_counter() - started > BUDGET_S:
                break
        await pilot.press("q")
    return out


async def _floor_press_ms(presses: int) -> list[float]:
    """The same press in the bare one-line app: what Pilot and Textual cost with no work at all."""
    from tests.bench.floor import FloorApp

    out: list[float] = []
    async with FloorApp().run_test(size=(120, 40)) as pilot:
        await pilot.press(*(["j"] * 5))
        for _ in range(presses):
            start = time.perf_counter()
            await pilot.press("j")
            out.append((time.perf_counter() - start) * 1000)
    return out


def scroll_figures(
    homes: Sequence[Home], runs: int, *, target_ratio: float, log: Callable[[str], object] = print
) -> list[Figure]:
    """Per size: ms per press for each move; then the largest/smallest size ratio per move."""
    if not homes:
        return []
    by_size: dict[int, dict[str, list[float]]] = {}
    floor = median(asyncio.run(_floor_press_ms(PRESSES * 2)))
    rows: list[Figure] = []
    for home in homes:
        start = time.perf_counter()
        by_size[home.n] = asyncio.run(_measure(home, runs))
        log(f"  {home.n:,}: {time.perf_counter() - start:.0f} s with loading")
        for label, samples in by_size[home.n].items():
            rows.append(Figure(f"Scroll: {label}, per press", home.n, "ms", samples,
                               floor=floor,
                               note=f"{len(samples)} presses, each timed, in the headless "
                                    "app (run_test, 120x40); floor: the same press in the bare "
                                    "app (Pilot's own wait)"))
    small, large = min(by_size), max(by_size)
    if small == large:
        return rows
    for label, _, _ in MOVES:
        ratio = median(by_size[large][label]) / median(by_size[small][label])
        rows.append(Figure(f"Scroll: {label}, {large // 1000}k / {small // 1000}k", None, "x",
                           [ratio], target=target_ratio, show_p95=False,
                           note="~1 means the cost does not grow with the number of papers"))
    return rows
