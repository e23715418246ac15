"""One writer thread: the user's changes are saved one at a time, in the order they were made.

The app changes its in-memory state at once and hands the disk write here, so the UI never waits
for a lock or an fsync; a single thread keeps the writes in order (a bookmark toggled twice ends
as the user left it) and :meth:`SerialWriter.drain` lets the app wait for them before it exits.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

__all__ = ["SerialWriter"]

T = TypeVar("T")


def _nothing() -> None:
    return None


class SerialWriter:
    """Runs submitted calls on one thread, in order. Thread-safe; the thread starts on first use."""

    def __init__(self, name: str = "writer") -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)
        self._lock = threading.Lock()
        self._pending = 0

    @property
    def pending(self) -> int:
        """Calls submitted and not finished yet."""
        with self._lock:
            return self._pending

    def submit(self, call: Callable[[], T]) -> Future[T]:
        """Run ``call`` after everything submitted before it; its result or error in the future."""
        with self._lock:
            self._pending += 1
        try:
            future = self._pool.submit(call)
        except RuntimeError:  # closed: nothing may be lost, so say it loudly
            with self._lock:
                self._pending -= 1
            raise
        future.add_done_callback(self._done)
        return future

    def _done(self, _future: Future[Any]) -> None:
        with self._lock:
            self._pending -= 1

    def drain(self) -> Future[None]:
        """A future that completes once everything submitted so far has run."""
        return self.submit(_nothing)

    def close(self) -> None:
        """Wait for every pending write, then stop the thread (later submits raise)."""
        self._pool.shutdown(wait=True)
