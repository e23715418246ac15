"""CSV for spreadsheets: one row a paper, the user's marks included.

A cell that starts with ``= + - @`` (or a tab or CR) gets a leading ``'``, as OWASP advises
against formula injection: a spreadsheet must not run a hostile title as a formula.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from reader.export.common import one_line, year
from reader.hub.text import clean_block
from reader.store.record import Record
from reader.store.state import LibraryState

COLUMNS = ("id", "title", "authors", "year", "published", "daily_day", "upvotes", "comments",
           "github_stars", "github_repo", "url", "pdf", "bookmarked", "read", "tags", "note",
           "ai_summary")


def _cell(value: object) -> str:
    text = "" if value is None else clean_block(str(value))
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def csv_text(records: Sequence[Record], state: LibraryState) -> str:
    """A header row, then one row per record."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for record in records:
        p, pid = record.paper, record.id
        writer.writerow([_cell(v) for v in (
            pid, one_line(p.title), "; ".join(one_line(a.name) for a in p.visible_authors),
            year(p),
            (p.published_at or "")[:10], record.day, p.upvotes, p.num_comments, p.github_stars,
            p.github_repo, p.hf_url, p.pdf_url, "yes" if state.is_bookmarked(pid) else "no",
            "yes" if state.is_read(pid) else "no", " ".join(state.tags.get(pid, ())),
            state.notes.get(pid, ""), one_line(p.ai_summary or ""))])
    return out.getvalue()
