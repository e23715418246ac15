"""Probes on a running Textual app's event loop: a 10 ms sleeper timing the loop's gaps, the
frames the app composes, and a key presser timing key-to-screen (see tests/bench/stalls.py)."""

from __future__ import annotations

import asyncio
import time
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
    """Times of the frames the app composes (headless: ``App._display`` is still called)."""

    def __init__(self, app: Any) -> None:
        self.times: list[float] = []
        original = app._display

        def display(screen: Any, renderable: Any) -> None:
            if renderable is not None:
                self.times.append(time.perf_counter())
            original(screen, renderable)

        app._display = display

    def first_after(self, t: float) -> float | None:
        return next((x for x in self.times if x >= t), None)


class KeyPresser:
    """Sends j and k in turn; ``latencies`` (ms) from the key to its frame."""

    def __init__(self, app: Any, screen: Any, frames: Frames) -> None:
        self.app, self.screen, self.frames = app, screen, frames
        self.latencies: list[float] = []
        self.missed = 0
        self._task: asyncio.Task[None] | None = None

    async def _one(self, key: str) -> None:
        from textual import events

        plist = self.screen.paper_list
        before = plist.cursor_index
        event = events.Key(key, key)
        event.set_sender(self.app)
        sent = time.perf_counter()
        self.app._driver.send_message(event)
        while plist.cursor_index == before:
            if time.perf_counter() - sent > KEY_TIMEOUT_S:
                self.missed += 1
                return
            await asyncio.sleep(0.001)
        moved = time.perf_counter()
        while (frame := self.frames.first_after(moved)) is None:
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
