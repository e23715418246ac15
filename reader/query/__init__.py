"""The filter language: parse query text, match records, and filter 100,000 papers fast.

No Textual import here: the TUI, the CLI and the tests all use this package directly.
"""

from reader.query.ast import Query, QueryError, all_of, describe, excluding
from reader.query.index import Index
from reader.query.matcher import Context, matches
from reader.query.parser import parse

__all__ = [
    "Context",
    "Index",
    "Query",
    "QueryError",
    "all_of",
    "describe",
    "excluding",
    "matches",
    "parse",
]
