"""Tests for reader.store.atomic: whole-file replacement and quarantine without overwrite."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from reader.store.atomic import atomic_write_bytes, quarantine, remove_stale_temps


def test_atomic_write_creates_and_replaces(tmp_path: Path) -> None:
    target = tmp_path / "f.json"
    atomic_write_bytes(target, b"one")
    assert target.read_bytes() == b"one"
    atomic_write_bytes(target, b"two, longer")
    assert target.read_bytes() == b"two, longer"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f.json"]  # no temp left


def test_atomic_write_failure_keeps_old_file_and_no_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "f.json"
    atomic_write_bytes(target, b"old")

    def boom(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError, match="disk full"):
        atomic_write_bytes(target, b"new")
    monkeypatch.undo()
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f.json"]


def test_quarantine_moves_aside_with_timestamp(tmp_path: Path) -> None:
    target = tmp_path / "library.json"
    target.write_bytes(b"garbage")
    moved = quarantine(target)
    assert not target.exists()
    assert moved.parent == tmp_path
    assert moved.name.startswith("library.json.corrupt-")
    stamp = moved.name.removeprefix("library.json.corrupt-")
    assert len(stamp) == 15 and stamp[8] == "T" and stamp.replace("T", "").isdigit()
    assert moved.read_bytes() == b"garbage"


def test_quarantine_never_overwrites_an_earlier_one(tmp_path: Path) -> None:
    target = tmp_path / "x.json"
    moved = []
    for i in range(3):  # same second: names must still differ
        target.write_bytes(f"v{i}".encode())
        moved.append(quarantine(target))
    assert len(set(moved)) == 3
    assert sorted(p.read_bytes() for p in moved) == [b"v0", b"v1", b"v2"]


def test_remove_stale_temps_only_old_ones(tmp_path: Path) -> None:
    old = tmp_path / ".f.json.abc.tmp"
    fresh = tmp_path / ".f.json.def.tmp"
    keep = tmp_path / "f.json"
    for p in (old, fresh, keep):
        p.write_bytes(b"x")
    past = time.time() - 7200
    os.utime(old, (past, past))
    assert remove_stale_temps(tmp_path) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([fresh.name, keep.name])
    assert remove_stale_temps(tmp_path / "missing") == 0


def test_atomic_write_accepts_chunks(tmp_path: Path) -> None:
    target = tmp_path / "f.bin"
    atomic_write_bytes(target, iter([b"ab", b"", b"cd"]))
    assert target.read_bytes() == b"abcd"
    atomic_write_bytes(target, b"xyz")
    assert target.read_bytes() == b"xyz"


def _dead_pid() -> int:
    import subprocess
    import sys

    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_temps_of_dead_writers_are_swept_by_the_next_write(tmp_path: Path) -> None:
    """A SIGKILLed writer leaves ``.NAME.PID.RANDOM.tmp`` behind: the next process to write in
    that folder removes it once it is a minute old; a live writer's temp is left alone."""
    import reader.store.atomic as atomic

    dead, alive = _dead_pid(), os.getppid()
    stale = tmp_path / f".library.json.{dead}.abc123.tmp"
    recent = tmp_path / f".library.json.{dead}.def456.tmp"
    busy = tmp_path / f".library.json.{alive}.ghi789.tmp"
    for p in (stale, recent, busy):
        p.write_bytes(b"x" * 100_000)
    past = time.time() - 120
    for p in (stale, busy):
        os.utime(p, (past, past))
    atomic._swept.discard(str(tmp_path))  # a fresh process
    atomic_write_bytes(tmp_path / "library.json", b"{}")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["library.json", recent.name, busy.name])
    # The writer's own temp carries its pid, so others can tell whether it is still at work.
    names: list[str] = []
    real_replace = os.replace

    def spy(src: str, dst: object) -> None:
        names.append(Path(src).name)
        real_replace(src, dst)  # type: ignore[arg-type]

    import unittest.mock

    with unittest.mock.patch.object(atomic.os, "replace", spy):
        atomic_write_bytes(tmp_path / "library.json", b"{}")
    assert atomic._TEMP_NAME.fullmatch(names[0])
    assert f".{os.getpid()}." in names[0]


def test_a_sigkilled_writer_leaves_no_temp_after_the_next_write(tmp_path: Path) -> None:
    """A real writer killed half-way through a 20 MB write: its temp stays until the next write
    into the folder, which sweeps it once it is a minute old (here: aged by hand)."""
    import signal
    import subprocess
    import sys

    import reader.store.atomic as atomic

    code = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from reader.store.atomic import atomic_write_bytes\n"
        "def chunks():\n"
        "    for _ in range(20):\n"
        "        yield b'x' * 1_000_000\n"
        "    print('written', flush=True)\n"
        "    time.sleep(60)\n"
        "    yield b''\n"
        "atomic_write_bytes(Path(sys.argv[1]), chunks())\n"
    )
    target = tmp_path / "cache.json"
    child = subprocess.Popen([sys.executable, "-c", code, str(target)], stdout=subprocess.PIPE,
                             cwd=Path(__file__).resolve().parents[2])
    assert child.stdout is not None
    assert child.stdout.readline().strip() == b"written"
    child.send_signal(signal.SIGKILL)
    child.wait()
    left = [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    assert len(left) == 1 and left[0].stat().st_size >= 20_000_000
    past = time.time() - 120
    os.utime(left[0], (past, past))
    atomic._swept.discard(str(tmp_path))  # the next process to write here
    atomic_write_bytes(tmp_path / "other.json", b"{}")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.json"]
