"""The filter language: parse query text and match records (reader.query.engine filters fast).

No Textual import here: the TUI, the CLI and the tests all use this package directly.

The language, in short (``describe(parse(text))`` prints the normalised form):

- ``transformer video``: every word must appear in the title, authors, abstract or AI keywords.
  Case and accents do not matter (``uber`` finds "Über"). Every unquoted word matches as a word
  prefix, so ``transf`` finds "transformers" while typing, and ``gnn`` finds "GNNs".
  ``gpt-4o`` means the words "gpt" and "4o" next to each other.
- ``"exact phrase"``: whole words, next to each other, in one title/author/abstract/keyword.
  A single quoted word is an exact (not prefix) match: ``"bert"`` does not find "bertology".
- ``title:`` ``author:`` ``abstract:`` ``kw:`` ``org:`` ``note:``: the word in one field
  (``author:"yann lecun"``); ``id:2502.1`` (id prefix); ``tag:todo`` (tag prefix;
  ``tag:"todo"`` exact).
- ``upvotes:>=50`` ``stars:>1k`` ``comments:>0`` ``authors:<5`` ``upvotes:10..50``: operators
  ``> >= < <= =``, ranges ``a..b``, ``a..``, ``..b``. Papers without the number never match.
- ``date:2026-11`` ``date:2026-11-20`` ``date:2026-11-20..2026-11-27`` ``date:>=2026-11``;
  ``after:D`` includes D, ``before:D`` stops the day before; ``age:<7d`` (d, w, m=30d, y=365d;
  ``age:7d`` means at most 7 days old). A paper's date is its Daily Papers day.
- ``text:attention`` ``text:"attention sink"`` (alias ``fulltext:``): inside the downloaded
  full texts, the words in a row within one passage (reader.store.derived.passages), the last
  one a prefix unless quoted. A bare word never searches full texts. The matcher reads the
  passages from ``Context.passages``; reader.query.fulltext finds them (and the best one).
- ``is:bookmarked`` ``is:unread`` ``is:read`` ``is:new`` (first seen since the previous visit)
  ``is:trending`` ``has:code`` ``has:project`` ``has:fulltext`` ``has:ai``.
- ``a OR b`` (or ``a | b``), ``-a`` / ``NOT a``, parentheses. NOT binds tighter than AND
  (juxtaposition), AND tighter than OR. Operators are upper-case; ``or`` is a word.
- ``sort:upvotes`` ``sort:stars`` ``sort:date`` (biggest / newest first) ``sort:trending``
  (the newest trending list first, in rank order).

A malformed query raises :class:`QueryError` with ``pos`` and ``message`` (nothing else is
ever raised by :func:`parse`); there is no lenient mode: the filter box shows the error and
keeps the last good result.
"""

from reader.query.ast import Query, QueryError, all_of, describe, excluding
from reader.query.matcher import Context, matches
from reader.query.parser import parse

__all__ = [
    "Context",
    "Query",
    "QueryError",
    "all_of",
    "describe",
    "excluding",
    "matches",
    "parse",
]
