"""Interpreter tuning, all of it, in one place: when the collector pauses or freezes, and when
threads hand the interpreter lock over more often. Everything else runs with Python's defaults.
(The one exception must run before any import: reader.__main__ turns the collector off while
the app's modules import; reader.app turns it on again after ``freeze_long_lived()``.)

- ``gc_paused()``: building or dumping ~10^5 records (the cache, reader.store) makes no cycles,
  and the collector's repeated scans of the growing heap more than double a 100k-paper load;
  during a rebuild of the derived store, its full collections stalled the UI.
- ``short_switches()``: while the app loads every paper in a thread (reader.main_screen.loader)
  and while a refresh parses, merges and writes in threads (reader.main_screen.network).
- ``freeze_long_lived()``: after the app's imports and after every paper is loaded, so that later
  collections do not walk ~10^6 objects that live as long as the process (each walk holds the
  interpreter lock, and the UI, for a noticeable moment); and at the end of a reload's and the
  rules' paused collector (reader.main_screen.loader), whose end would otherwise walk all they
  made at once (40-70 ms at 100k papers). The price: a cycle that became garbage just before
  a freeze is never collected (a refresh leaves a few, of the UI's short-lived objects).
- ``release_free_memory()``: after a rebuild of the derived store in the process that uses it
  (reader.store.derived.keeper: the CLI, or the app when its rebuild process cannot start),
  whose full-text indexing leaves the C heap holding memory that Python's objects never reuse.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import sys
import threading
from collections.abc import Callable, Iterator
from typing import cast


class _GcPause:
    """Pause the cyclic GC while building or dumping ~10^5 records: the records hold no cycles,
    and its repeated scans of the growing heap more than double the time of a 100k-paper load.
    Nestable and thread-safe: the GC comes back when the last pause ends (if it was on)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._depth = 0
        self._restore = False

    @contextlib.contextmanager
    def __call__(self) -> Iterator[None]:
        with self._lock:
            if self._depth == 0:
                self._restore = gc.isenabled()
                gc.disable()
            self._depth += 1
        try:
            yield
        finally:
            with self._lock:
                self._depth -= 1
                if self._depth == 0 and self._restore:
                    gc.enable()


gc_paused = _GcPause()


SWITCH_INTERVAL_S = 0.0005  # while loading every paper; Python's default is 0.005
_SWITCHES = {"depth": 0, "before": 0.0}
_SWITCHES_LOCK = threading.Lock()


@contextlib.contextmanager
def short_switches() -> Iterator[None]:
    """Hand the interpreter lock over more often while every paper loads (or a refresh runs).

    The load makes a few hundred short system calls, and after each one its thread waits for
    the lock until the UI thread (busy with its first frames and the user's first keys) is
    asked to let go: 5 ms each by default, which made a 0.2 s load take up to a second. The UI
    thread pays only a few more switches. Loads may overlap (a cancelled worker runs on): the
    interval comes back when the last one ends."""
    with _SWITCHES_LOCK:
        if _SWITCHES["depth"] == 0:
            _SWITCHES["before"] = sys.getswitchinterval()
            sys.setswitchinterval(SWITCH_INTERVAL_S)
        _SWITCHES["depth"] += 1
    try:
        yield
    finally:
        with _SWITCHES_LOCK:
            _SWITCHES["depth"] -= 1
            if _SWITCHES["depth"] == 0:
                sys.setswitchinterval(_SWITCHES["before"])


def freeze_long_lived() -> None:
    """Move every object alive now out of the collector's way (they live as long as the app)."""
    gc.freeze()


def release_free_memory() -> bool:
    """Give the C heap's free memory back to the system (glibc's ``malloc_trim``); False where
    there is no such call (another C library, another system): then nothing is done.

    After a rebuild of the derived store, ~75 MB that SQLite's full-text indexing freed stayed
    in the process at 100k papers: glibc keeps freed heap memory for later ``malloc`` calls,
    but Python takes its objects' memory from arenas of its own, so the records loaded next
    came on top of it (the app's peak 286 MB instead of 199, when it still rebuilt in its own
    process: reader.store.derived.apart)."""
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)  # ctypes lets go of the interpreter lock during the call
    return True


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    if not sys.platform.startswith("linux"):
        return None
    import ctypes

    try:
        return cast(Callable[[int], int], ctypes.CDLL(None).malloc_trim)
    except (OSError, AttributeError):  # musl and others: no malloc_trim
        return None
