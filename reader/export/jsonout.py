"""JSON: the ``list --json`` schema (one object a paper, one per line inside the array)."""

from __future__ import annotations

from collections.abc import Sequence

import orjson

from reader.cli.output import json_safe
from reader.cli.records import record_json
from reader.store.record import Record
from reader.store.state import LibraryState


def json_text(records: Sequence[Record], state: LibraryState) -> str:
    """The same array `paper-reader list --json` prints (what a terminal would obey escaped)."""
    if not records:
        return "[]\n"
    rows = ",\n".join(orjson.dumps(record_json(r, state)).decode() for r in records)
    return json_safe(f"[\n{rows}\n]\n")
