"""The writer thread: in order, errors handed back, nothing cancelled, close waits."""

from __future__ import annotations

import threading

import pytest

from reader.store.writer import SerialWriter


def test_calls_run_in_order_on_one_thread_and_errors_come_back() -> None:
    writer = SerialWriter("test-writer")
    gate = threading.Event()
    seen: list[tuple[int, str]] = []

    def job(i: int) -> int:
        gate.wait(5)
        seen.append((i, threading.current_thread().name))
        return i

    def fail() -> None:
        raise OSError(28, "No space left on device")

    futures = [writer.submit(lambda i=i: job(i)) for i in range(20)]
    failed = writer.submit(fail)
    assert writer.pending == 21
    assert not futures[-1].cancel()  # a queued write cannot be dropped
    gate.set()
    assert [f.result(5) for f in futures] == list(range(20))
    with pytest.raises(OSError, match="No space"):
        failed.result(5)
    writer.drain().result(5)
    assert [i for i, _ in seen] == list(range(20))
    assert {name for _, name in seen} == {"test-writer"}
    assert writer.pending == 0


def test_close_waits_for_pending_writes_then_refuses_more() -> None:
    writer = SerialWriter()
    gate = threading.Event()
    done: list[int] = []
    writer.submit(lambda: gate.wait(5))
    writer.submit(lambda: done.append(1))
    threading.Timer(0.05, gate.set).start()
    writer.close()
    assert done == [1]
    with pytest.raises(RuntimeError):
        writer.submit(lambda: None)
