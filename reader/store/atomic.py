"""Crash-safe file writes, and moving a damaged file aside instead of overwriting it."""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import threading
import time
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

TEMP_SUFFIX = ".tmp"
# Temp files are named ``.NAME.PID.RANDOM.tmp``: the writer's pid tells a sweep whether the
# write may still be in progress (that process is alive) or was cut short (SIGKILL, power cut).
_TEMP_NAME = re.compile(r"\..+\.(?P<pid>[0-9]+)\.[^.]+" + re.escape(TEMP_SUFFIX))
DEAD_WRITER_AGE = 60.0  # seconds: a temp of a dead writer older than this is swept
_swept: set[str] = set()  # directories this process has swept already
_swept_lock = threading.Lock()


class CorruptFile(Exception):
    """A file we own could not be parsed, or parsed to the wrong shape."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path.name}: {reason}")
        self.path = path
        self.reason = reason


def fsync_dir(directory: Path) -> None:
    """Make the renames done in ``directory`` durable (a no-op where directories cannot be
    opened, as on Windows)."""
    if os.name != "posix":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write_bytes(
    path: Path, data: bytes | Iterable[bytes], *, sync_dir: bool = True, durable: bool = True
) -> os.stat_result:
    """Replace ``path`` with ``data`` so that a reader (or a crash) sees the old file or the new
    one, never a mix: a temp file in the same directory, fsync, ``os.replace``, fsync the dir.

    ``data`` may be an iterable of chunks, written one after the other: a 100 MB file made of
    sections need not be joined into one more 100 MB copy first.

    ``sync_dir=False`` skips the last step for re-fetchable files: after a power cut the rename
    may be lost (the old, complete file is seen), but the new file is never seen half-written.
    ``durable=False`` skips the file's fsync too: only for files whose readers check them
    (checksums) and can do without them.

    Returns the written file's ``fstat`` (taken before the rename, which keeps the inode and
    times): what identifies this very version of ``path`` even if another process replaces it
    a moment later.
    """
    path = Path(path)
    _sweep_once(path.parent)
    fd, tmp_name = tempfile.mkstemp(
        dir=path.parent, prefix=f".{path.name}.{os.getpid()}.", suffix=TEMP_SUFFIX
    )
    try:
        with os.fdopen(fd, "wb") as handle:
            for chunk in (data,) if isinstance(data, bytes | bytearray | memoryview) else data:
                handle.write(chunk)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
            written = os.fstat(handle.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise
    if sync_dir:
        fsync_dir(path.parent)
    return written


def quarantine(path: Path) -> Path:
    """Move a damaged file aside as ``NAME.corrupt-YYYYMMDDTHHMMSS`` (``-2``, ``-3``... if that name
    is taken: an earlier quarantined file is never overwritten). Returns the new path."""
    path = Path(path)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    base = path.with_name(f"{path.name}.corrupt-{stamp}")
    target = base
    n = 1
    while True:
        try:
            # link + unlink fails if the target exists, where a rename would silently replace it.
            os.link(path, target)
        except FileExistsError:
            n += 1
            target = base.with_name(f"{base.name}-{n}")
            continue
        except OSError:
            # No hard links on this file system: check, then rename (a tiny race, same outcome).
            if target.exists():
                n += 1
                target = base.with_name(f"{base.name}-{n}")
                continue
            os.replace(path, target)
            return target
        os.unlink(path)
        return target


def _pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):  # alive but not ours, or no way to tell: keep its file
        return True
    return True


def _sweep_once(directory: Path) -> None:
    """The first write into ``directory`` in this process sweeps what dead writers left."""
    key = str(directory)
    with _swept_lock:
        if key in _swept:
            return
        _swept.add(key)
    # A sweep that fails (a read-only or vanished folder) must not stop the write itself.
    with contextlib.suppress(OSError):
        remove_stale_temps(directory)


def remove_stale_temps(
    directory: Path, *, older_than: float = 3600.0, dead_after: float = DEAD_WRITER_AGE
) -> int:
    """Delete temp files that a crashed writer left behind in ``directory``: those whose writer
    (the pid in the name) is dead and which are older than ``dead_after`` seconds, and any
    older than ``older_than`` seconds (names without a pid, pids reused). A write in progress
    in a live process is left alone."""
    removed = 0
    now = time.time()
    try:
        entries = list(os.scandir(directory))
    except (FileNotFoundError, NotADirectoryError):
        return 0
    for entry in entries:
        if not (entry.name.startswith(".") and entry.name.endswith(TEMP_SUFFIX)):
            continue
        with contextlib.suppress(FileNotFoundError):
            age = now - entry.stat().st_mtime
            named = _TEMP_NAME.fullmatch(entry.name)
            dead = named is not None and not _pid_alive(int(named["pid"]))
            if age > older_than or (dead and age > dead_after):
                os.unlink(entry.path)
                removed += 1
    return removed
