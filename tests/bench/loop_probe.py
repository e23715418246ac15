"""Probes on a running Textual app's event loop: a 10 ms sleeper timing the loop's gaps, the
frames the app composes, and a key presser timing key-to-screen (see tests/bench/stalls.py)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from contextlib import suppress
from typing import Any

TICK_S = 0.010
KEY_EVERY_S = 0.250  # between one key's frame and the next key
KEY_TIMEOUT_S = 5.0  # a key whose move never shows (the list rebuilt under it) is not counted


class LoopProbe:
    """A 10 ms sleeper on the running loop; ``gaps`` (ms) between its wake-ups."""

    def __init__(self) -> None:
        self.gaps: list[tuple[float, float]] = []  # (start, end) perf_counter seconds
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        last = time.perf_counter()
        while True:
            await asyncio.sleep(TICK_S)
            now = time.perf_counter()
            self.gaps.append((last, now))
            last = now

    def start(self) -> None:
        self.gaps = []
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> list[float]:
        if self._task is not None:
            self._task.cancel()
            with suppress(asyncio.CancelledError):
                await self._task
        return [(end - start) * 1000 for start, end in self.gaps]


class Frames:
    """The frames the app composes (headless: ``App._display`` is still called): the time of
    each, and what ``watch()`` (if given) returned as it was composed: the state that frame
    shows (a frame is composed from the widgets' state in one step of the UI loop)."""

    def __init__(self, app: Any, watch: Callable[[], object] | None = None) -> None:
        self.seen: list[tuple[float, object]] = []
        original = app._display

        def display(screen: Any, renderable: Any) -> None:
            if renderable is not None:
                self.seen.append((time.perf_counter(), None if watch is None else watch()))
            original(screen, renderable)

        app._display = display

    def first_showing(self, t: float, shows: Callable[[object], bool]) -> float | None:
        """The time of the first frame from ``t`` on whose watched state ``shows``. (A poll of
        the state from another task may see the change only after that frame: waiting for
        the frame after the poll would then count the next frame, not the first to show it.)"""
        return next((at for at, state in self.seen if at >= t and shows(state)), None)


class KeyPresser:
    """Sends j and k in turn; ``latencies`` (ms) from the key to its frame."""

    def __init__(self, app: Any, screen: Any, frames: Frames) -> None:
        self.app, self.screen, self.frames = app, screen, frames
        self.latencies: list[float] = []
        self.missed = 0
        self._task: asyncio.Task[None] | None = None

    async def _one(self, key: str) -> None:
        from textual import events

        before = self.screen.paper_list.cursor_index
        event = events.Key(key, key)
        event.set_sender(self.app)
        sent = time.perf_counter()
        self.app._driver.send_message(event)
        while (frame := self.frames.first_showing(sent, lambda at: at != before)) is None:
            if time.perf_counter() - sent > KEY_TIMEOUT_S:
                self.missed += 1
                return
            await asyncio.sleep(0.001)
        self.latencies.append((frame - sent) * 1000)

    async def _run(self) -> None:
        keys = ("j", "k")
        i = 0
        while True:
            await self._one(keys[i % 2])
            i += 1
            await asyncio.sleep(KEY_EVERY_S)

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with suppress(asyncio.CancelledError):
                await self._task
