"""Two real processes sharing one library file, and a writer killed mid-write."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from reader.store.library import Library
from reader.store.storage import read_db

ROOT = Path(__file__).resolve().parents[2]

TOGGLER = """
import sys, time
from pathlib import Path
from reader.store.library import Library
path, month, go = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
lib = Library(path)
while not go.exists():
    time.sleep(0.001)
for i in range(200):
    assert lib.toggle_bookmark(f"{month}.{i:05d}") is True
"""

WRITER = """
import sys
from pathlib import Path
from reader.store.library import Library
lib = Library(Path(sys.argv[1]))
i = 0
while True:
    lib.set_bookmark(f"2602.{i:05d}", True)
    lib.set_note(f"2602.{i:05d}", "note " * 50)
    print(i, flush=True)
    i += 1
"""


def _python(code: str, *args: str, stdout: int | None = None) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-c", code, *args], env=env, cwd=ROOT,
                            stdout=stdout, text=True)


def test_two_processes_lose_no_bookmark(tmp_path: Path) -> None:
    path = tmp_path / "data" / "library.json"
    go = tmp_path / "go"
    procs = [_python(TOGGLER, str(path), month, str(go)) for month in ("2601", "2602")]
    time.sleep(0.5)  # let both import and open the library, then start them together
    go.touch()
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    bookmarks = Library(path).snapshot().bookmarks
    assert len(bookmarks) == 400
    assert set(bookmarks) == {f"{m}.{i:05d}" for m in ("2601", "2602") for i in range(200)}


def test_killed_writer_never_leaves_a_broken_file(tmp_path: Path) -> None:
    path = tmp_path / "data" / "library.json"
    for stop_after in (5, 40, 120):
        proc = _python(WRITER, str(path), stdout=subprocess.PIPE)
        assert proc.stdout is not None
        returned = set()
        for line in proc.stdout:
            returned.add(int(line))
            if len(returned) >= stop_after:
                break
        proc.send_signal(signal.SIGKILL)  # somewhere inside the next write
        proc.wait(timeout=30)
        proc.stdout.close()
        data = read_db(path, kind="library")  # parses, and has the format version
        assert data is not None
        lib = Library(path)
        assert lib.problems == []
        state = lib.snapshot()
        for i in returned:
            assert f"2602.{i:05d}" in state.bookmarks
            assert state.notes[f"2602.{i:05d}"] == "note " * 50
