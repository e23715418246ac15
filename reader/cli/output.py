"""Terminal output helpers for the command line: errors, widths, truncation and progress."""

from __future__ import annotations

import re
import shutil
import sys
from typing import TextIO

from reader.hub.text import clean_block

PROG = "paper-reader"

EXIT_OK = 0
EXIT_FAILED = 1  # the command ran but could not do its job (network down, bad file, not cached)
EXIT_USAGE = 2  # the command line itself was wrong (argparse uses 2 as well)


class CliError(Exception):
    """A failure to report as one line on stderr, then exit with ``code`` (no traceback)."""

    def __init__(self, message: str, code: int = EXIT_FAILED) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


# What JSON may carry as it is but a terminal would obey: DEL, the C1 controls (0x9b is CSI),
# bidi overrides and isolates, and invisible format characters. orjson escapes C0 itself.
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]")


def plain(text: str) -> str:
    """``text`` fit for a terminal: escape sequences, control and bidi characters removed
    (newlines and tabs kept). What the CLI prints may come from a cache another tool wrote,
    so it is cleaned on the way out even though the client cleans what it fetches."""
    return clean_block(text)


_BREAKS = str.maketrans(dict.fromkeys("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029", " "))


def plain_line(text: str) -> str:
    """Like :func:`plain` for one line: every line break becomes a space (column gaps kept)."""
    return clean_block(text.translate(_BREAKS))


def json_safe(text: str) -> str:
    """JSON text with the characters a terminal would obey written as ``\\uXXXX`` escapes: the
    same data to a JSON parser, inert on a screen."""
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m[0]):04x}", text)


def error(message: str, stream: TextIO | None = None) -> None:
    """Print ``paper-reader: message`` on stderr."""
    print(plain(f"{PROG}: {message}"), file=stream or sys.stderr)


def warn(message: str) -> None:
    """Print ``paper-reader: warning: message`` on stderr."""
    error(f"warning: {message}")


def is_tty(stream: TextIO) -> bool:
    """True if ``stream`` is an interactive terminal (False for pipes, files and capture)."""
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # closed or unusual streams
        return False


def terminal_width(default: int = 80) -> int:
    """The terminal's width in columns (honours $COLUMNS; ``default`` when unknown)."""
    return max(shutil.get_terminal_size((default, 24)).columns, 20)


def truncate(line: str, width: int) -> str:
    """Cut ``line`` to ``width`` characters, ending with an ellipsis when cut."""
    if len(line) <= width:
        return line
    return line[: max(width - 1, 0)] + "…"


class Progress:
    """Reports ``(label, done, total)`` steps on stderr.

    On a terminal: one line redrawn in place with ``\\r`` (a bar, a count and the last label).
    Elsewhere (pipes, logs, CI): one plain line per step, nothing to erase.
    """

    BAR = 24

    def __init__(self, title: str, stream: TextIO | None = None) -> None:
        self.title = title
        self.stream = stream if stream is not None else sys.stderr
        self.tty = is_tty(self.stream)
        self._drawn = 0

    def __call__(self, label: str, done: int, total: int) -> None:
        if not self.tty:
            print(f"{self.title}: {label} ({done}/{total})", file=self.stream, flush=True)
            return
        filled = self.BAR * done // total if total else self.BAR
        bar = "#" * filled + "-" * (self.BAR - filled)
        line = truncate(f"{self.title} [{bar}] {done}/{total} {label}", terminal_width() - 1)
        pad = " " * max(self._drawn - len(line), 0)
        self.stream.write(f"\r{line}{pad}")
        self.stream.flush()
        self._drawn = len(line)

    def close(self) -> None:
        """Erase the progress line (terminal only) so the summary starts on a clean line."""
        if self.tty and self._drawn:
            self.stream.write("\r" + " " * self._drawn + "\r")
            self.stream.flush()
            self._drawn = 0
