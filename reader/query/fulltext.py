"""``text:`` over the full-text search store (reader.store.derived.texts): which papers match,
the best passage of each, and a short excerpt of it around the words found.

A ``text:`` term matches a paper when one passage of its full text holds the term's words in a
row (the last one a prefix unless quoted), exactly as :func:`reader.query.matcher.text_matches`
decides with ``Context.passages``. :func:`narrowed` gives the matcher only the passages FTS5
found for the query's terms (one per term and paper): a passage FTS5 did not find holds none of
them, so the matcher's answer is the same as over every passage, and no full text is read.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace

from reader.query.ast import And, Node, Not, Or, Query, Text
from reader.query.fold import tokens
from reader.query.hit import Hit
from reader.query.matcher import Context
from reader.store.derived.texts import SHIFT, TextStore

EXCERPT = 200  # characters of a passage shown around the words found
CANDIDATES = 32  # passages of a paper scored for its best one (see best_passages)
SHORT_PREFIX = 1  # an unquoted last word this short: the papers' passages are read instead
_WORD = re.compile(r"[^\W_]+")
_SPACE = re.compile(r"\s+")


def text_terms(node: Node | None, *, positive: bool = False) -> list[Text]:
    """The ``text:`` terms of a query (with ``positive``: only those not under a NOT)."""
    if node is None:
        return []
    if isinstance(node, Text):
        return [node] if node.field == "text" else []
    if isinstance(node, Not):
        return [] if positive else text_terms(node.child)
    if isinstance(node, And | Or):
        return [t for c in node.children for t in text_terms(c, positive=positive)]
    return []


def has_text_terms(query: Query) -> bool:
    """Whether ``query`` searches the full texts (then the in-memory Index cannot answer it)."""
    return bool(text_terms(query.expr))


def fts_expr(node: Text) -> str:
    """The FTS5 expression of a ``text:`` term: its words as one phrase, the last one a prefix
    unless the term was quoted."""
    words = " ".join(node.tokens).replace('"', '""')
    return f'"{words}"' + ("" if node.exact else " *")


def sql_condition(node: Text, bind: Callable[[object], str]) -> str:
    """The SQL condition on ``p.id`` (reader.query.sql) for a ``text:`` term, over the store
    attached as ``texts`` (reader.store.derived.texts.attach)."""
    # DISTINCT: a common word is in 200,000 passages but 1,000 papers; without it the IN list
    # is built from every passage (four times slower).
    return ("p.id IN (SELECT id FROM texts.papers WHERE num IN (SELECT DISTINCT rowid >> "
            f"{SHIFT} FROM texts.passage_words WHERE passage_words MATCH {bind(fts_expr(node))}"
            "))")


def narrowed(ctx: Context, conn: sqlite3.Connection, *queries: Query) -> Context:
    """``ctx`` with ``passages`` giving, per paper, one passage for each ``text:`` term of
    ``queries`` that some passage of it matches (see the module doc). ``conn``: the store."""
    terms = [t for q in queries for t in text_terms(q.expr)]
    first: set[int] = set()  # per term and paper, its first passage holding the term
    for expr in dict.fromkeys(fts_expr(t) for t in terms):
        # Rowids only (FTS5 walks its doclists): the texts are read for these few afterwards.
        first.update(rid for (rid,) in conn.execute(
            f"SELECT min(rowid) FROM passage_words WHERE passage_words MATCH ? "
            f"GROUP BY rowid >> {SHIFT}", (expr,)))
    found: dict[str, list[str]] = {}
    wanted = sorted(first)
    for i in range(0, len(wanted), 900):
        chunk = wanted[i:i + 900]
        rows = conn.execute(
            f"SELECT p.id, s.text FROM passages s JOIN papers p ON p.num = s.rid >> {SHIFT} "
            f"WHERE s.rid IN ({','.join('?' * len(chunk))})", chunk)
        for pid, text in rows:
            found.setdefault(pid, []).append(text)
    return replace(ctx, passages=lambda pid: found.get(pid, ()))


def best_passages(conn: sqlite3.Connection, ids: Iterable[str], query: Query
                  ) -> dict[str, Hit]:
    """The best passage of each paper of ``ids`` for the ``text:`` terms of ``query`` (not
    under a NOT): among the first :data:`CANDIDATES` (32) passages FTS5 finds in the paper, the
    one holding the most of the terms, then one that is not a heading alone, then the densest.
    Papers without such a passage are left out. A few ms per paper: call it in a worker.

    Not FTS5's bm25: its weights count every passage of every paper holding a word, a walk of
    the word's whole doclist on each call (a second for a common word over 1,000 papers);
    within one paper those weights change little. A one-letter prefix matches a good part of
    the vocabulary, too many words to merge (the store indexes two-letter prefixes): then the
    papers' passages are read in order and the first holding every term is taken."""
    terms = list(dict.fromkeys(text_terms(query.expr, positive=True)))
    if not terms:
        return {}
    expr = " OR ".join(f"({fts_expr(t)})" for t in terms)
    short = any(not t.exact and len(t.tokens[-1]) <= SHORT_PREFIX for t in terms)
    patterns = [_ascii_pattern(t) for t in terms]
    wanted = list(dict.fromkeys(ids))
    nums: dict[str, int] = {}
    for i in range(0, len(wanted), 900):
        chunk = wanted[i:i + 900]
        marks = ",".join("?" * len(chunk))
        nums.update(conn.execute(f"SELECT id, num FROM papers WHERE id IN ({marks})", chunk))
    by_num = {num: pid for pid, num in nums.items()}
    found: Iterable[tuple[str, Iterable[Row]]]
    if short:
        found = ((by_num[num], _paper_passages(conn, num)) for num in sorted(by_num))
    else:
        found = _candidates(conn, expr, sorted(by_num), by_num)
    out: dict[str, Hit] = {}
    for pid, rows in found:
        best: tuple[tuple[int, bool, float], int, str, str] | None = None
        for block, section, text in rows:
            held, density = _score(text, terms, patterns)
            # A heading alone (its text is its section) is the densest passage there is, and
            # says nothing the section name does not: the paragraphs under it come first.
            score = (held, text.strip() != section.strip(), density)
            if score[0] and (best is None or score > best[0]):
                best = (score, block, section, text)
                if short and score[0] == len(terms):
                    break
        if best is not None:
            out[pid] = hit(pid, best[1], best[2], best[3], terms)
    return out


Row = tuple[int, str, str]  # block, section, text


def _paper_passages(conn: sqlite3.Connection, num: int) -> Iterator[Row]:
    """Every passage of paper number ``num``, in order (read lazily)."""
    yield from conn.execute("SELECT block, section, text FROM passages WHERE rid >= ? AND "
                            "rid < ? ORDER BY rid", (num << SHIFT, (num + 1) << SHIFT))


def _candidates(conn: sqlite3.Connection, expr: str, nums: list[int], by_num: dict[int, str]
                ) -> Iterator[tuple[str, list[Row]]]:
    """(paper id, its first CANDIDATES passages matching ``expr``) for the papers ``nums``.

    One FTS5 query for all of them: a prefix term's doclist is built once per query (FTS5
    merges the doclists of every word it starts), so one query per paper would build it again
    for each paper."""
    rows = conn.execute(
        "SELECT rid, block, section, text FROM passages WHERE rid IN (SELECT rowid FROM ("
        f"SELECT rowid, row_number() OVER (PARTITION BY rowid >> {SHIFT}) AS k "
        f"FROM passage_words WHERE passage_words MATCH ? AND (rowid >> {SHIFT}) IN "
        "(SELECT value FROM json_each(?))) WHERE k <= ?) ORDER BY rid",
        (expr, json.dumps(nums), CANDIDATES))
    current, bunch = -1, list[Row]()
    for rid, block, section, text in rows:
        num = rid >> SHIFT
        if num != current:
            if bunch:
                yield by_num[current], bunch
            current, bunch = num, []
        bunch.append((block, section, text))
    if bunch:
        yield by_num[current], bunch


def _ascii_pattern(term: Text) -> re.Pattern[str]:
    """The words of ``term`` in a row in lower-cased ASCII text, as ``fold.tokens`` splits it
    (words are runs of letters and digits): :func:`_count` at C speed."""
    body = "[^a-z0-9]+".join(map(re.escape, term.tokens))
    return re.compile(f"(?<![a-z0-9]){body}" + ("(?![a-z0-9])" if term.exact else ""))


def _score(text: str, terms: Sequence[Text], patterns: Sequence[re.Pattern[str]]
           ) -> tuple[int, float]:
    """(how many of ``terms`` the passage holds, their occurrences per character, damped)."""
    if text.isascii():
        low = text.lower()
        counts = [len(p.findall(low)) for p in patterns]
    else:
        words = tokens(text)
        counts = [_count(words, term) for term in terms]
    return sum(n > 0 for n in counts), sum(counts) / (len(text) + 120)


def _count(words: list[str], term: Text) -> int:
    """How many times the words of ``term`` occur in a row in ``words`` (as the matcher
    decides one: the last one a prefix unless quoted)."""
    k, need, last = len(term.tokens), term.tokens, term.tokens[-1]
    n = 0
    for i in range(len(words) - k + 1):
        if all(words[i + j] == need[j] for j in range(k - 1)):
            word = words[i + k - 1]
            n += word == last or (not term.exact and word.startswith(last))
    return n


def hit(paper_id: str, block: int, section: str, text: str, terms: Sequence[Text]) -> Hit:
    """A :class:`Hit` for a passage: the first place one of ``terms`` occurs, and an excerpt
    of the passage around it (the passage's start when the words cannot be placed)."""
    start, end, term = _locate(text, terms)
    words = " ".join(term.tokens) if term is not None else ""
    lo = max(0, start - EXCERPT // 3)
    if lo:
        space = text.find(" ", lo, start)
        lo = space + 1 if space >= 0 else lo
    hi = min(len(text), max(end, lo + EXCERPT))
    if hi < len(text):
        space = text.rfind(" ", end, hi)
        hi = space if space > end else hi
    before, found, after = (_squash(text[a:b]) for a, b in ((lo, start), (start, end),
                                                             (end, hi)))
    before = ("…" if lo else "") + (before.lstrip() if not lo else before)
    after = after.rstrip() + ("…" if hi < len(text) else "")
    excerpt = before + found + after
    return Hit(paper_id, block, start, " ".join(section.split()), excerpt, len(before),
               len(before) + len(found), words)


def _squash(text: str) -> str:
    """Runs of white space (newlines of a table, say) as one space: an excerpt is one line."""
    return _SPACE.sub(" ", text)


def _locate(text: str, terms: Sequence[Text]) -> tuple[int, int, Text | None]:
    """(start, end, term) of the first run of a term's words in ``text`` (character offsets);
    (0, 0, None) when none is found (a fold that changed the word boundaries)."""
    spans: list[tuple[str, int, int]] = []
    for m in _WORD.finditer(text):
        spans.extend((t, m.start(), m.end()) for t in tokens(m.group()))
    words = [w for w, _, _ in spans]
    best: tuple[int, int, Text | None] = (len(text) + 1, 0, None)
    for term in terms:
        k = len(term.tokens)
        for i in range(len(words) - k + 1):
            if i and spans[i][1] >= best[0]:
                break
            if all(words[i + j] == term.tokens[j] for j in range(k - 1)) and (
                    words[i + k - 1] == term.tokens[-1]
                    or (not term.exact and words[i + k - 1].startswith(term.tokens[-1]))):
                if spans[i][1] < best[0]:
                    best = (spans[i][1], spans[i + k - 1][2], term)
                break
    return best if best[2] is not None else (0, 0, None)


def searched(ctx: Context, store: TextStore | None, *queries: Query) -> Context:
    """``ctx`` ready for the matcher to decide the ``text:`` terms of ``queries``: the store
    brought up to date (indexing new full texts first), then :func:`narrowed`. A store that
    cannot be used is reported through it and ``text:`` matches nothing."""
    textual = [q for q in queries if has_text_terms(q)]
    if not textual or store is None:
        return ctx
    try:
        store.refresh()
        conn = store.reader()
    except (sqlite3.Error, OSError) as err:
        store.report(f"The full-text search store cannot be used ({err}); text: matches "
                     "nothing for now.")
        return ctx
    try:
        return narrowed(ctx, conn, *textual)
    except sqlite3.DatabaseError as err:
        store.damaged(err)
        return ctx
    finally:
        conn.close()


def best_in_store(store: TextStore, ids: Iterable[str], query: Query) -> dict[str, Hit]:
    """:func:`best_passages` from ``store`` (brought up to date first); {} if it cannot be
    read (reported through it)."""
    try:
        store.refresh()
        conn = store.reader()
    except (sqlite3.Error, OSError) as err:
        store.report(f"The full-text search store cannot be used ({err}).")
        return {}
    try:
        return best_passages(conn, ids, query)
    except sqlite3.DatabaseError as err:
        store.damaged(err)
        return {}
    finally:
        conn.close()
