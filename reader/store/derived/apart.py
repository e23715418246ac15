"""A rebuild of the derived store in a process of its own (the app asks for it: reader.app).

In the app's process a rebuild at 100k papers took the interpreter lock from the UI for a
minute, and left ~110 MB behind that the records loaded next could not reuse: a start without
the store peaked at 270 MB, against 199 MB for a normal start. In a process of its own the
rebuild runs on the other core, and its memory goes back to the system when it ends.

The parent holds the cache's writer lock throughout (the caller of Keeper.ensure); the child
takes no lock. The child reads the shards as the cache does (a damaged one is reported and
moved aside), and writes JSON lines on its stdout: ``{"progress": [done, total]}`` per shard,
then ``{"problems": [...], "result": ..., "why": ...}``. It stops when its stdin closes: the
parent has gone (a temporary build left behind is deleted by the next build).

    python -m reader.store.derived.apart PAPERS_DIR
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from reader.store.derived import store

BUILT = "built"
FAILED = "failed"  # reported in the problems; the store file was deleted
NO_FTS5 = "no-fts5"  # this SQLite cannot search: ``why`` says so
STDERR_TAIL = 300  # characters of a stopped child's stderr quoted in the report


@dataclass
class Outcome:
    """How a rebuild in a child ended: ``result`` None if it stopped without saying (``why``
    then quotes its exit code and stderr)."""

    result: str | None = None
    why: str = ""
    problems: list[str] = field(default_factory=list)


def rebuild(papers_dir: Path, progress: store.Progress | None = None) -> Outcome:
    """Rebuild the derived store of ``papers_dir`` in a child process and wait for it, passing
    its progress on. Raises OSError if the process cannot be started."""
    env = dict(os.environ)
    here = str(Path(__file__).resolve().parents[3])  # this very code, installed or not
    env["PYTHONPATH"] = os.pathsep.join(p for p in (here, env.get("PYTHONPATH")) if p)
    outcome = Outcome()
    with tempfile.TemporaryFile() as errors:
        proc = subprocess.Popen(
            [sys.executable, "-m", "reader.store.derived.apart", str(papers_dir)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=errors, env=env)
        assert proc.stdout is not None and proc.stdin is not None
        try:
            for line in proc.stdout:
                try:
                    said = orjson.loads(line)
                except orjson.JSONDecodeError:
                    continue  # not ours (a library printing): only the JSON lines count
                if not isinstance(said, dict):
                    continue
                if "progress" in said and progress is not None:
                    done, total = said["progress"]
                    progress(int(done), int(total))
                if "result" in said:
                    outcome = Outcome(str(said["result"]), str(said.get("why", "")),
                                      [str(p) for p in said.get("problems", [])])
        finally:
            proc.stdin.close()  # the child's sign to stop, if it is still running
            exit_code = proc.wait()
        if outcome.result is None:
            errors.seek(0)
            tail = errors.read().decode(errors="replace").strip()[-STDERR_TAIL:]
            outcome.why = f"exit code {exit_code}" + (f": {tail}" if tail else "")
    return outcome


def _say(**what: object) -> None:
    sys.stdout.buffer.write(orjson.dumps(what) + b"\n")
    sys.stdout.buffer.flush()


def _stop_with_parent() -> None:
    """Exit as soon as stdin closes (the parent ended, or gave up on this rebuild)."""

    def watch() -> None:
        sys.stdin.buffer.read()
        os._exit(3)

    threading.Thread(target=watch, daemon=True, name="parent watch").start()


def main(argv: list[str] | None = None) -> int:
    from reader.store.cache import PaperCache

    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m reader.store.derived.apart PAPERS_DIR", file=sys.stderr)
        return 2
    _stop_with_parent()
    cache = PaperCache(Path(args[0]))
    keeper = cache.derived
    built = keeper.ensure(lambda done, total: _say(progress=[done, total]))
    result = BUILT if built else NO_FTS5 if keeper.unavailable is not None else FAILED
    _say(problems=cache.problems, result=result, why=keeper.unavailable or "")
    return 0


if __name__ == "__main__":
    sys.exit(main())
