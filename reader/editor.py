"""Editing a piece of text in the user's own editor ($VISUAL, then $EDITOR)."""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
from pathlib import Path


class EditorError(Exception):
    """The editor could not be started or failed; ``str()`` is one line for the user."""


def editor_command() -> list[str] | None:
    """The user's editor as an argument list ($VISUAL wins over $EDITOR); None if unset."""
    for var in ("VISUAL", "EDITOR"):
        value = os.environ.get(var, "").strip()
        if value:
            try:
                return shlex.split(value)
            except ValueError:
                return [value]
    return None


def edit_text(text: str, *, suffix: str = ".md") -> str:
    """Open ``text`` in the user's editor and return what was saved. The temp file lives in
    the system's temp folder and is removed afterwards. Raises :class:`EditorError`."""
    command = editor_command()
    if command is None:
        raise EditorError("no editor set: set $EDITOR (or $VISUAL), or give the text")
    fd, name = tempfile.mkstemp(prefix="paper-reader-note-", suffix=suffix)
    path = Path(name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        try:
            done = subprocess.run([*command, str(path)], check=False)
        except OSError as err:
            raise EditorError(f"could not start the editor {command[0]!r} "
                              f"({err.strerror or err})") from None
        if done.returncode != 0:
            raise EditorError(f"the editor {command[0]!r} exited with status {done.returncode}; "
                              "the note was not changed")
        return path.read_text(encoding="utf-8", errors="replace")
    finally:
        path.unlink(missing_ok=True)
