"""The main screen's side of ``text:`` filters: the best passage of each paper found, shown in
the list (in place of the row's second line) and the detail pane, and Enter opening the reading
screen at it.

Passages come from the full-text search store in thread workers (a few ms per paper): for the
first papers of a result at once, then for each paper the cursor reaches; they are kept per
query until the query changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from reader.query import Query, describe
from reader.store.record import Record

if TYPE_CHECKING:
    from reader.query.hit import Hit
    from reader.screens.main import MainScreen


FIRST = 40  # papers of a result whose passages are looked for at once (a screenful or two)


def _has_text_terms(query: Query) -> bool:
    if query.expr is None:  # no terms at all (the first frame's): no full-text modules needed
        return False
    from reader.query.fulltext import has_text_terms

    return has_text_terms(query)


class TextHits:
    """Best passages for the result shown (only while its query has ``text:`` terms)."""

    def __init__(self, screen: MainScreen) -> None:
        self.screen = screen
        self.query: Query | None = None  # the query the passages are for (None: no text:)
        self.hits: dict[str, Hit] = {}
        self._asked: set[str] = set()
        self._open: str | None = None  # a paper to read once its passage is known

    def on_result(self, query: Query, ids: Sequence[str] = ()) -> None:
        """A new result is shown: forget the passages of another query, and look for those of
        its first papers (``ids``: the result, in order)."""
        if self.query is None or describe(query) != describe(self.query):
            self.hits.clear()
            self._asked.clear()
            self._open = None
            self.screen.paper_list.set_passages({})
        self.query = query if _has_text_terms(query) else None
        wanted = [pid for pid in ids[:FIRST] if pid not in self._asked]
        if self.query is not None and wanted:
            self._find(*wanted)

    def for_paper(self, paper_id: str | None) -> Hit | None:
        """The passage to show for ``paper_id``; looked for in a worker when not known yet (the
        detail is updated when it arrives)."""
        if self.query is None or paper_id is None:
            return None
        found = self.hits.get(paper_id)
        if found is None and paper_id not in self._asked:
            self._find(paper_id)
        return found

    def open(self, record: Record) -> bool:
        """Enter under a ``text:`` filter: read ``record`` at its best passage (once found).
        False when this does not apply (no ``text:`` term, or no full text downloaded)."""
        if self.query is None or record.id not in self.screen.controller.fulltext:
            return False
        found = self.hits.get(record.id)
        if found is not None:
            self.screen.downloads.read(record, at=found)
            return True
        self._open = record.id
        if record.id not in self._asked:
            self._find(record.id)
        return True

    def _find(self, *paper_ids: str) -> None:
        query = self.query
        assert query is not None
        self._asked.update(paper_ids)
        controller, app = self.screen.controller, self.screen.app

        def work() -> None:
            hits = controller.best_passages(list(paper_ids), query)
            app.call_from_thread(self._found, query, paper_ids, hits)

        self.screen.run_worker(work, thread=True, group="text-hits", exit_on_error=False,
                               description="find the best passage")

    def _found(self, query: Query, paper_ids: Sequence[str], hits: dict[str, Hit]) -> None:
        if query is not self.query:
            return  # the filter changed meanwhile
        self.hits.update(hits)
        screen = self.screen
        screen.paper_list.set_passages({pid: hit.line() for pid, hit in self.hits.items()})
        cursor = screen.paper_list.cursor_id
        if cursor in paper_ids:
            screen.detail.show_passage(hits.get(cursor or ""))
        if self._open in paper_ids:
            paper_id, self._open = self._open, None
            record = screen.controller.data.records.get(paper_id or "")
            if record is not None:
                screen.downloads.read(record, at=hits.get(record.id))
