"""Writers that take papers out of the app: BibTeX, RIS, Markdown, CSV and JSON (no Textual)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from reader.store.record import Record
from reader.store.state import LibraryState

FORMATS = ("bibtex", "ris", "markdown", "csv", "json")
SUFFIXES = {"bibtex": ".bib", "ris": ".ris", "markdown": ".md", "csv": ".csv", "json": ".json"}

Writer = Callable[[Sequence[Record], LibraryState], str]


def writer(fmt: str) -> Writer:
    """The function that renders ``fmt`` (one of :data:`FORMATS`)."""
    if fmt == "bibtex":
        from reader.export.bibtex import bibtex

        return bibtex
    if fmt == "ris":
        from reader.export.ris import ris

        return ris
    if fmt == "markdown":
        from reader.export.markdown import markdown

        return markdown
    if fmt == "csv":
        from reader.export.table import csv_text

        return csv_text
    if fmt == "json":
        from reader.export.jsonout import json_text

        return json_text
    raise ValueError(f"unknown export format {fmt!r}")


def render(fmt: str, records: Sequence[Record], state: LibraryState) -> str:
    """``records`` (with the user's tags and notes from ``state``) as ``fmt`` text."""
    return writer(fmt)(records, state)
