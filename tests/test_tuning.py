"""reader.tuning: giving the C heap's free memory back (the app's peak after a rebuild of the
derived store)."""

from __future__ import annotations

import ctypes
import sys
from pathlib import Path

import pytest

from reader.tuning import release_free_memory

BLOCKS = 200_000  # of 512 bytes: ~100 MB of the C heap (each below glibc's mmap threshold)


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS in /proc/self/status")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc_trim")
def test_free_heap_memory_goes_back_to_the_system() -> None:
    libc = ctypes.CDLL(None)
    if not hasattr(libc, "malloc_trim"):
        pytest.skip("this C library has no malloc_trim")
    libc.malloc.restype = ctypes.c_void_p
    libc.free.argtypes = [ctypes.c_void_p]
    blocks = [libc.malloc(512) for _ in range(BLOCKS)]
    assert all(blocks)
    for at in range(0, BLOCKS, 64):  # touch every page: resident
        ctypes.memset(blocks[at], 1, 512)
    last = blocks.pop()  # kept: the heap's top stays in use, so free() alone cannot shrink it
    for block in blocks:
        libc.free(block)
    before = _rss_mb()
    assert release_free_memory()
    after = _rss_mb()
    libc.free(last)
    assert before - after > 50, (before, after)
