"""The last remote searches (huggingface.co), newest first, kept for re-running from the palette."""

from __future__ import annotations

import threading
from pathlib import Path

import orjson

from reader.store.atomic import atomic_write_bytes, quarantine

FORMAT = 1
KEEP = 20


class RecentSearches:
    """Up to :data:`KEEP` search texts in ``path`` (JSON, versioned, written atomically).

    ``add`` only changes the list in memory; ``save`` writes it (call it from a worker thread).
    A file that will not parse is moved aside and reported in ``problems``."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.problems: list[str] = []
        self._lock = threading.Lock()
        self.texts: list[str] = self._read()

    def _read(self) -> list[str]:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return []
        except OSError as exc:
            self.problems.append(f"cannot read {self.path.name}: {exc.strerror or exc}")
            return []
        try:
            doc = orjson.loads(raw)
            if not isinstance(doc, dict) or doc.get("format") != FORMAT:
                raise ValueError("unknown format")
            texts = doc["searches"]
            if not isinstance(texts, list) or not all(isinstance(t, str) for t in texts):
                raise ValueError("searches is not a list of texts")
        except (orjson.JSONDecodeError, ValueError, KeyError) as exc:
            moved = quarantine(self.path)
            self.problems.append(f"{self.path.name} was damaged ({exc}); moved to {moved.name}")
            return []
        return texts[:KEEP]

    def add(self, text: str) -> None:
        """Put ``text`` first (once; blank texts are ignored)."""
        text = " ".join(text.split())
        if not text:
            return
        with self._lock:
            self.texts = [text, *(t for t in self.texts if t != text)][:KEEP]

    def save(self) -> None:
        with self._lock:
            body = orjson.dumps({"format": FORMAT, "searches": self.texts})
        self.path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(self.path, body)
