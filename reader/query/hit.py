"""One paper's best passage for a text: query: a plain value, handed to the widgets that show
it (reader.query.fulltext finds it)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Hit:
    """The best passage of one paper for a query: where it is (``block``, and ``offset`` of the
    words found in the block's text, for the reading screen), its section heading and an
    excerpt (``excerpt[start:end]`` are the words found; plain text, never markup)."""

    paper_id: str
    block: int
    offset: int
    section: str
    excerpt: str
    start: int
    end: int
    words: str  # what the reading screen's find (n/N) looks for

    def line(self) -> str:
        """The excerpt as one line, its section first: ``§ Method: …the words found…``."""
        head = f"§ {self.section}: " if self.section else ""
        return head + self.excerpt
