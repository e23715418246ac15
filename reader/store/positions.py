"""Where the user stopped reading each paper's full text: ``reading.json`` in the data dir.

Small and separate from the library: it changes on every scroll, it is not worth a library lock,
and losing it costs a scroll, not a bookmark. Atomic writes (temp file, fsync, rename), re-read
before each write so two open readers keep each other's papers; the newest ``LIMIT`` are kept.
A file that will not parse is moved aside and reading starts at the top.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

from reader.store.atomic import atomic_write_bytes, quarantine

__all__ = ["FORMAT", "LIMIT", "Position", "Positions"]

log = logging.getLogger("reader.store")

FORMAT = "paper-reader/reading-positions"
VERSION = 1
LIMIT = 2000


@dataclass(frozen=True, slots=True)
class Position:
    """A place in a parsed full text: block index and character offset in that block."""

    block: int
    offset: int


class Positions:
    """Read and write reading positions (thread-safe; call from thread workers)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self.problems: list[str] = []

    def _load(self) -> dict[str, dict[str, Any]]:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return {}
        try:
            doc = orjson.loads(raw)
            if not (isinstance(doc, dict) and doc.get("format") == FORMAT
                    and isinstance(doc.get("positions"), dict)):
                raise ValueError("not a reading-positions file")
        except (orjson.JSONDecodeError, ValueError) as err:
            moved = quarantine(self.path)
            self.problems.append(f"{self.path.name} was damaged ({err}); moved aside as "
                                 f"{moved.name}. Papers open at the top.")
            log.warning("%s", self.problems[-1])
            return {}
        return {k: v for k, v in doc["positions"].items()
                if isinstance(v, dict) and isinstance(v.get("block"), int)
                and isinstance(v.get("offset"), int)}

    def get(self, paper_id: str) -> Position | None:
        """The saved position of ``paper_id``, if any."""
        with self._lock:
            entry = self._load().get(paper_id)
        if entry is None:
            return None
        return Position(max(0, entry["block"]), max(0, entry["offset"]))

    def put(self, paper_id: str, position: Position) -> None:
        """Save a position (raises OSError when the disk refuses)."""
        with self._lock:
            positions = self._load()
            if positions.get(paper_id, {}).get("block") == position.block and positions[
                    paper_id].get("offset") == position.offset:
                return
            positions.pop(paper_id, None)
            positions[paper_id] = {"block": position.block, "offset": position.offset,
                                   "at": datetime.now(UTC).isoformat(timespec="seconds")}
            if len(positions) > LIMIT:  # insertion order = oldest first
                positions = dict(list(positions.items())[-LIMIT:])
            body = {"format": FORMAT, "version": VERSION, "positions": positions}
            self.path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write_bytes(self.path, orjson.dumps(body))
