"""One writer thread: the user's changes are saved one at a time, in the order they were made.

The app changes its in-memory state at once and hands the disk write here, so the UI never waits
for a lock or an fsync; a single thread keeps the writes in order (a bookmark toggled twice ends
as the user left it) and :meth:`SerialWriter.drain` lets the app wait for them before it exits.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, TypeVar

__all__ = ["SerialWriter"]

T = TypeVar("T")

_Job = tuple[Callable[[], Any], "Future[Any]"]


def _nothing() -> None:
    return None


class SerialWriter:
    """Runs submitted calls on one thread, in order. Thread-safe; the thread starts on first use.

    A submitted write cannot be cancelled: its future is "running" from the start, so that a
    caller that stops waiting (a cancelled worker at quit, ``asyncio.wrap_future``) never drops
    a write that is still queued."""

    def __init__(self, name: str = "writer") -> None:
        self.name = name
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._pending = 0
        self._closed = False

    @property
    def pending(self) -> int:
        """Calls submitted and not finished yet."""
        with self._lock:
            return self._pending

    def submit(self, call: Callable[[], T]) -> Future[T]:
        """Run ``call`` after everything submitted before it; its result or error in the future.
        Raises RuntimeError once closed (nothing may be dropped silently)."""
        future: Future[T] = Future()
        future.set_running_or_notify_cancel()
        with self._lock:
            if self._closed:
                raise RuntimeError(f"the {self.name} thread is closed")
            self._pending += 1
            if self._thread is None:
                # A daemon, so an idle writer never keeps a process alive: whoever owns it
                # calls drain() or close() before exiting (the app does both).
                self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
                self._thread.start()
            self._jobs.put((call, future))
        return future

    def _run(self) -> None:
        while (job := self._jobs.get()) is not None:
            call, future = job
            try:
                result = call()
            except BaseException as exc:  # handed to the waiting side, never lost
                with self._lock:
                    self._pending -= 1
                future.set_exception(exc)
            else:
                with self._lock:
                    self._pending -= 1
                future.set_result(result)

    def drain(self) -> Future[None]:
        """A future that completes once everything submitted so far has run."""
        return self.submit(_nothing)

    def close(self) -> None:
        """Wait for every pending write, then stop the thread (later submits raise)."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            thread = self._thread
            if thread is not None:
                self._jobs.put(None)
        if thread is not None:
            thread.join()
