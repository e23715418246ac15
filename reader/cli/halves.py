"""An import's big file of JSON lines parsed on two cores: its second half in a child process.

The import reads its whole input before it merges anything (see :func:`collect`): at 100k papers
that is ~15 s of one core (JSON, then every field checked and cleaned by reader.hub.parse) while
the other waits. JSON lines can be cut at any line break, so the child parses the lines after the
middle while this process parses those before, and sends its papers back as plain tuples
(pickling the frozen dataclasses cost ~90 us a paper, as much as parsing it; tuples ~30 us).
Anything else (a JSON array, stdin, a small file) is read in this process alone, and so is the
second half if the child fails for any reason but the file's content (the result is the same).
"""

from __future__ import annotations

import dataclasses
import io
import multiprocessing
import os
import stat
from multiprocessing.connection import Connection
from typing import IO, Any

import orjson

from reader.cli.collect import Collected, collect
from reader.cli.jsonstream import BadJSON, BadLine, iter_lines, iter_values
from reader.hub.models import Author, Organization, Paper
from reader.tuning import gc_paused

SPLIT_MIN = 16 << 20  # bytes: a smaller file is parsed before a child would have started
PROBE = 1 << 20  # bytes read to find the first line's end, and the line break after the middle

_PAPER = tuple(f.name for f in dataclasses.fields(Paper))
_AUTHOR = tuple(f.name for f in dataclasses.fields(Author))
_ORG = tuple(f.name for f in dataclasses.fields(Organization))
_AUTHORS_AT, _ORG_AT = _PAPER.index("authors"), _PAPER.index("organization")

Packed = list[Any]  # a Paper's field values, its authors and organisation as tuples


def pack(paper: Paper) -> Packed:
    """A paper as plain values (see :func:`unpack`)."""
    values = [getattr(paper, name) for name in _PAPER]
    values[_AUTHORS_AT] = tuple(tuple(getattr(a, n) for n in _AUTHOR) for a in paper.authors)
    org = paper.organization
    values[_ORG_AT] = None if org is None else tuple(getattr(org, n) for n in _ORG)
    return values


def unpack(values: Packed) -> Paper:
    """The paper :func:`pack` made ``values`` of."""
    values[_AUTHORS_AT] = tuple([Author(*a) for a in values[_AUTHORS_AT]])
    if values[_ORG_AT] is not None:
        values[_ORG_AT] = Organization(*values[_ORG_AT])
    return Paper(*values)


def split_point(stream: IO[bytes]) -> int | None:
    """Where to cut a regular file of JSON lines of at least SPLIT_MIN bytes: just after the
    first line break from its middle on. None for anything else (and then ``stream`` is where
    it was: at its start)."""
    try:
        if stream.tell() != 0:
            return None
        info = os.fstat(stream.fileno())
    except (OSError, AttributeError, io.UnsupportedOperation):
        return None
    if not stat.S_ISREG(info.st_mode) or info.st_size < SPLIT_MIN:
        return None
    try:
        head = stream.read(PROBE)
        stream.seek(info.st_size // 2)
        middle = stream.read(PROBE)
        stream.seek(0)
    except OSError:
        return None
    first = head.lstrip()
    if first.startswith(b"\xef\xbb\xbf"):
        first = first[3:].lstrip()
    end = first.find(b"\n")
    if not first.startswith(b"{") or end < 0:
        return None
    try:  # one object per line, not a pretty-printed document
        orjson.loads(first[:end])
    except orjson.JSONDecodeError:
        return None
    cut = middle.find(b"\n")
    if cut < 0:
        return None
    return info.st_size // 2 + cut + 1


class _Head(io.RawIOBase):
    """The first ``size`` bytes of a stream."""

    def __init__(self, stream: IO[bytes], size: int) -> None:
        self.stream = stream
        self.left = size

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        n = self.left if n < 0 else min(n, self.left)
        data = self.stream.read(n)
        self.left -= len(data)
        return data


def collect_file(stream: IO[bytes], name: str, date: str | None = None) -> Collected:
    """:func:`reader.cli.collect.collect` of the values of ``stream`` (named ``name``, a path or
    "-"), on two cores when it is a big file of JSON lines. Raises BadJSON as it would."""
    cut = split_point(stream) if name != "-" else None
    if cut is None:
        return collect(iter_values(stream), date)
    ours, theirs = multiprocessing.Pipe(duplex=False)
    child = multiprocessing.get_context().Process(
        target=_child, args=(theirs, name, cut, date), name="import-second-half", daemon=True)
    child.start()
    theirs.close()
    try:
        out = collect(iter_values(_Head(stream, cut)), date)  # type: ignore[arg-type]
        second = _receive(ours)
    except BaseException:
        child.kill()
        raise
    finally:
        ours.close()
        child.join()
    if second is None:  # the child failed (not the file): the same work here
        with open(name, "rb") as rest:
            rest.seek(cut)
            second = _second_half(rest, date)
    kind = second[0]
    if kind == "bad-line":
        raise BadLine(_lines_before(name, cut) + second[1], second[2])
    if kind == "bad":
        raise BadJSON(second[1])
    _, by_day, papers, skipped, newest = second
    for day, packed in by_day.items():
        out.by_day.setdefault(day, []).extend(unpack(values) for values in packed)
    out.papers += papers
    out.skipped += skipped
    if newest is not None and (out.newest is None or newest > out.newest):
        out.newest = newest
    return out


def _second_half(stream: IO[bytes], date: str | None) -> tuple[Any, ...]:
    """What the child sends: ("ok", {day: [packed paper]}, papers, skipped, newest), or
    ("bad-line", line counted from the cut, detail), or ("bad", message)."""
    try:
        with gc_paused():
            got = collect(iter_lines(stream), date)
            return ("ok", {day: [pack(p) for p in papers] for day, papers in got.by_day.items()},
                    got.papers, got.skipped, got.newest)
    except BadLine as exc:
        return ("bad-line", exc.line, exc.detail)
    except BadJSON as exc:
        return ("bad", str(exc))


def _child(conn: Connection, name: str, cut: int, date: str | None) -> None:
    with conn:
        try:
            with open(name, "rb") as stream:
                stream.seek(cut)
                result = _second_half(stream, date)
        except Exception as exc:  # noqa: BLE001 - the parent does the same work and says why
            result = ("failed", repr(exc))
        conn.send(result)


def _receive(conn: Connection) -> tuple[Any, ...] | None:
    """The child's result; None if it failed (then the parent parses the second half)."""
    try:
        got = conn.recv()
    except (EOFError, OSError):  # it died
        return None
    return got if isinstance(got, tuple) and got[0] != "failed" else None


def _lines_before(name: str, cut: int) -> int:
    """How many lines the file holds before byte ``cut`` (only for an error's line number)."""
    lines, left = 0, cut
    with open(name, "rb") as stream:
        while left > 0:
            chunk = stream.read(min(left, 1 << 22))
            if not chunk:
                break
            lines += chunk.count(b"\n")
            left -= len(chunk)
    return lines
