"""The last keystrokes' FTS5 lookups, kept as masks for the next keystrokes.

Typing ``large language mo`` looks ``large*`` up again at every key after the sixth, and
``language*`` at every key after the fifteenth; typing `` sort:upvotes`` after ``model`` looks
``model*`` up at each of its 13 keys. At 10^5 papers one such lookup of a common word is 15-30
ms of a keystroke's 30. The engine keeps the masks of its last single-term lookups (a word, a
prefix, a phrase) for the store version they were made under (reader.query.engine._Rowids), so
that a keystroke looks up only the term it changed. Never saved; about 100 KB a mask at 10^5
papers. A kept mask is read-only: a caller that changed it in place would change the next
keystroke's answer.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reader.query.masks import Mask

MEMO_SIZE = 24  # a few words being typed, each through its prefixes, and a view's rules


class FtsMemo:
    """FTS5 expression -> the mask of what it matched, the newest ``size`` of them."""

    def __init__(self, size: int = MEMO_SIZE) -> None:
        self._size = size
        self._masks: dict[str, Mask] = {}  # oldest first
        self._lock = threading.Lock()  # the filter's and the rules' threads both use it

    def get(self, expression: str) -> Mask | None:
        with self._lock:
            mask = self._masks.pop(expression, None)
            if mask is not None:
                self._masks[expression] = mask  # used: now the newest
            return mask

    def put(self, expression: str, mask: Mask) -> Mask:
        """Keep ``mask`` (made read-only) as what ``expression`` matches; returns it."""
        mask.flags.writeable = False
        with self._lock:
            self._masks.pop(expression, None)
            self._masks[expression] = mask
            while len(self._masks) > self._size:
                del self._masks[next(iter(self._masks))]
        return mask

    def __len__(self) -> int:
        return len(self._masks)
