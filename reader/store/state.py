"""An immutable snapshot of the user's library, handed to the query language and the TUI."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class LibraryState:
    """What the user has said about papers. Times are ISO-8601 UTC strings.

    ``last_visit`` is the start time of the previous app session ("new since last visit").
    """

    bookmarks: dict[str, str] = field(default_factory=dict)  # paper id -> bookmarked at
    read: dict[str, str] = field(default_factory=dict)  # paper id -> read at
    tags: dict[str, tuple[str, ...]] = field(default_factory=dict)  # paper id -> tags (lower-case)
    notes: dict[str, str] = field(default_factory=dict)  # paper id -> note text
    last_visit: str | None = None

    def is_bookmarked(self, paper_id: str) -> bool:
        return paper_id in self.bookmarks

    def is_read(self, paper_id: str) -> bool:
        return paper_id in self.read
