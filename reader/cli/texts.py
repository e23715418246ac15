"""``text:`` on the command line: the full-text search store brought up to date, and the best
passage of each paper found, as a line under it or a ``passage`` object in ``--json``."""

from __future__ import annotations

import sqlite3
from typing import Any

from reader.cli.output import Progress, plain_line, warn
from reader.query import Query
from reader.query.fulltext import best_passages
from reader.query.hit import Hit
from reader.store.cache import PaperCache
from reader.widgets.rows import display_safe

INDENT = "            "  # under the title column of `list`


def open_texts(cache: PaperCache) -> sqlite3.Connection | None:
    """The full-text search store, indexing first the full texts downloaded since (progress
    on stderr); None when it cannot be used (said on stderr: ``text:`` then matches nothing)."""
    progress = Progress("indexing full texts for text:")
    try:
        return cache.texts_store(lambda done, total: progress("papers", done, total))
    except (sqlite3.Error, OSError) as err:
        warn(f"the full-text search store cannot be used ({err}); text: matches nothing")
        return None
    finally:
        progress.close()


def passages_for(cache: PaperCache, ids: list[str], query: Query) -> dict[str, Hit]:
    """The best passage of each paper of ``ids`` for the ``text:`` terms of ``query``."""
    conn = open_texts(cache)
    if conn is None:
        return {}
    try:
        return best_passages(conn, ids, query)
    except sqlite3.DatabaseError as err:
        cache.texts.damaged(err)
        return {}
    finally:
        conn.close()


def passage_line(found: Hit) -> str:
    """The passage line printed under a paper: ``§ Section: …excerpt…``, one safe line."""
    return INDENT + plain_line(display_safe(found.line()))


def passage_json(found: Hit) -> dict[str, Any]:
    """The ``passage`` object of ``list --json``: section, block number (the reading screen's),
    character offset of the words found in that block, and an excerpt around them."""
    return {"section": found.section, "block": found.block, "offset": found.offset,
            "excerpt": found.excerpt}
