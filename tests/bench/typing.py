"""A filter typed in the app: from the last key to the right list on screen, in-process.

The real app runs headless (``App.run_test``, 120x40) over a home's cache in the "All" view,
once the search store is open. For each query (the query helper's, a few per type) the box is
cleared and the query typed key by key as a user would: each key goes to the app's driver, as
a terminal's would, one every KEY_GAP_S. A sample is the time from the last key to the first
frame the app composes once the list holds that query's result (the key was handled, the
filter worker ran, its message was handled, the list was given the rows, the frame was made).
Keys typed before the last one start filters of their own, which the last one supersedes.

No Pilot call sits between the keys and the frame: ``Pilot.press`` waits until the whole
process is idle after each key (background workers included), which is not what a user waits
for. (Up to 2026-11-30 this part timed ``press`` and ``pause``: 242/419 ms median/p95 at 10k
with a filter of 4-36 ms; those figures are not comparable with these.)
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Callable, Sequence
from typing import Any

from tests.bench.figures import Figure, workers_idle
from tests.bench.homes import Home
from tests.bench.loop_probe import Frames
from tests.bench.writes import home_locations

PER_TYPE = 4  # queries of each type, from tests.bench.queries
KEY_GAP_S = 0.08  # between two keys: a fast typist's pace
LOAD_TIMEOUT_S = 600.0  # loading 100k papers and opening (or building) the store; a bound
RESULT_TIMEOUT_S = 30.0
ENGINE_READY_TARGET_S = 2.0  # issue 11: the filter answers from the engine within 2 s of start


def _queries(home: Home) -> list[str]:
    from reader.store.cache import PaperCache
    from tests.bench.queries import query_sets

    records = list(PaperCache(home_locations(home.path).papers_dir).load_all().values())
    sets = query_sets(records, random.Random(3))
    return [q for texts in sets.values() for q in texts[:PER_TYPE]]


async def _until(predicate: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.perf_counter() + timeout
    while not predicate():
        if time.perf_counter() > deadline:
            raise TimeoutError(f"{what} not reached in {timeout:.0f} s")
        await asyncio.sleep(0.001)


async def _measure(home: Home, queries: Sequence[str]) -> tuple[list[float], float]:
    from textual import events
    from textual.keys import _character_to_key

    from reader.app import PaperReaderApp
    from reader.views import ALL

    app = PaperReaderApp(offline=True, where=home_locations(home.path))
    out: list[float] = []
    started = time.perf_counter()
    async with app.run_test(size=(120, 40)) as pilot:
        screen: Any = app.screen
        c = screen.controller
        # Every paper loaded, the store open and the engine prepared (the rules' worker reads
        # its rowid table and columns): from here a keystroke is answered by the engine alone.
        await _until(lambda: bool(c.data.complete) and c.engine is not None
                     and c.engine.prepared, LOAD_TIMEOUT_S, "the engine, prepared")
        ready = time.perf_counter() - started
        await workers_idle(app, LOAD_TIMEOUT_S)
        screen.switch_view(ALL)
        await _until(lambda: screen.result is not None and screen.result.view.key == ALL,
                     LOAD_TIMEOUT_S, 'the "All" view')
        box = screen.filter_pane.input
        # A frame shows a query's result once the list holds it (show_result sets both in
        # one step of the UI loop).
        frames = Frames(app, watch=lambda: None if screen.result is None
                        else screen.result.query.text)
        driver: Any = app._driver  # where a terminal's keys come in
        for text in ["warm up", *queries]:
            box.value = ""
            await _until(lambda: screen.result is not None and screen.result.query.is_empty,
                         RESULT_TIMEOUT_S, "the cleared filter")
            box.focus()
            await pilot.pause()
            sent = 0.0
            for i, char in enumerate(text):
                if i:
                    await asyncio.sleep(KEY_GAP_S)
                event = events.Key(_character_to_key(char), char)
                event.set_sender(app)
                sent = time.perf_counter()
                driver.send_message(event)
            def shown(t: str = text, at: float = sent) -> float | None:
                return frames.first_showing(at, lambda state: state == t)

            await _until(lambda: shown() is not None, RESULT_TIMEOUT_S, repr(text))
            frame = shown()
            assert frame is not None
            if text != "warm up":
                out.append((frame - sent) * 1000)
        await pilot.press("escape")
    return out, ready


def typing_figures(homes: Sequence[Home], *, target_ms: float,
                   log: Callable[[str], object] = print) -> list[Figure]:
    """Per size: last key to the right list, p95."""
    rows = []
    for home in homes:
        queries = _queries(home)
        start = time.perf_counter()
        samples, ready = asyncio.run(_measure(home, queries))
        log(f"  {home.n:,}: {len(samples)} queries typed in {time.perf_counter() - start:.0f} s")
        rows.append(Figure(
            "Filter typed in the app: last key to the right list", home.n, "ms", samples,
            on="p95", target=target_ms if home.n >= 100_000 else None,
            note=f"{len(samples)} queries ({PER_TYPE} of each type) typed key by key in the "
                 f"headless app (run_test, 120x40), All view, a key every "
                 f"{KEY_GAP_S * 1000:.0f} ms through the app's driver; from the last key to "
                 "the first frame composed once the list holds that query's result"))
        rows.append(Figure(
            "Filter answered by the engine, from start", home.n, "s", [ready],
            target=ENGINE_READY_TARGET_S if home.n >= 100_000 else None, show_p95=False,
            note="from the headless app's start (run_test; the interpreter and the imports "
                 "come before) until every paper is loaded, the search store open and the "
                 "engine prepared (its rowid table and columns read)"))
    return rows
