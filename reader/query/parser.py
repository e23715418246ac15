"""Recursive-descent parser for the filter language: text in, Query (or QueryError) out.

Grammar (NOT binds tighter than AND, AND tighter than OR)::

    query   := or? EOF
    or      := and (("OR" | "|") and)*
    and     := unary ("AND"? unary)*
    unary   := ("NOT" | "-") unary | "(" or ")" | term

Terms that mean nothing (a word of punctuation only, ``""``) and ``sort:`` are left out of the
tree; ``sort:`` may appear anywhere except under a negation.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable

from reader.query.ast import (
    HAS_FLAGS,
    IS_FLAGS,
    NUMBER_FIELDS,
    SORT_KEYS,
    Age,
    And,
    DateRange,
    Flag,
    IdPrefix,
    Node,
    Number,
    Or,
    Query,
    QueryError,
    Tag,
    Text,
    conjoin,
    negate,
)
from reader.query.fold import fold
from reader.query.fold import tokens as fold_tokens
from reader.query.lexer import Token, tokenize

MAX_DEPTH = 50  # nesting of parentheses and negations; keeps recursion far from Python's limit


def parse(text: str) -> Query:
    """Parse ``text`` into a Query; raises QueryError (with ``pos``) and nothing else."""
    parser = _Parser(text, tokenize(text))
    expr = parser.parse_or(0)
    if parser.i < len(parser.toks):
        tok = parser.toks[parser.i]
        if tok.kind == ")":
            raise QueryError("')' without a matching '('", tok.pos)
        raise QueryError(f"unexpected {_show(tok)}", tok.pos, tok.end)  # pragma: no cover
    return Query(expr, parser.sort, text)


def _show(tok: Token) -> str:
    return {"OR": "OR", "AND": "AND", "NOT": "NOT", "(": "'('", ")": "')'"}.get(tok.kind, "term")


class _Parser:
    def __init__(self, text: str, toks: list[Token]) -> None:
        self.text = text
        self.toks = toks
        self.i = 0
        self.sort: str | None = None
        self.sort_tok: Token | None = None

    def peek(self) -> Token | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def parse_or(self, depth: int) -> Node | None:
        parts = [self.parse_and(depth)]
        while (tok := self.peek()) is not None and tok.kind == "OR":
            self.i += 1
            if parts[-1] is None and not self._meaningless_before(tok):
                raise QueryError("OR needs a term before it", tok.pos, tok.end)
            nxt = self.peek()
            if nxt is None or nxt.kind in ("OR", ")"):
                raise QueryError("OR needs a term after it", tok.pos, tok.end)
            parts.append(self.parse_and(depth))
        present = [p for p in parts if p is not None]
        return conjoin(present, Or)

    def _meaningless_before(self, tok: Token) -> bool:
        """True when something did precede ``tok`` (it just meant nothing, like ``"!!"``)."""
        prev = self.toks[self.i - 2] if self.i >= 2 else None
        return prev is not None and prev.kind not in ("(", "OR", "AND", "NOT", "-")

    def parse_and(self, depth: int) -> Node | None:
        parts: list[Node | None] = []
        while (tok := self.peek()) is not None and tok.kind not in ("OR", ")"):
            if tok.kind == "AND":
                if not parts:
                    raise QueryError("AND needs a term before it", tok.pos, tok.end)
                self.i += 1
                nxt = self.peek()
                if nxt is None or nxt.kind in ("OR", ")", "AND"):
                    raise QueryError("AND needs a term after it", tok.pos, tok.end)
                continue
            parts.append(self.parse_unary(depth))
        return conjoin([p for p in parts if p is not None], And)

    def parse_unary(self, depth: int) -> Node | None:
        if depth > MAX_DEPTH:
            tok = self.toks[self.i]
            raise QueryError("query nested too deeply", tok.pos, tok.end)
        tok = self.toks[self.i]
        if tok.kind in ("NOT", "-"):
            self.i += 1
            nxt = self.peek()
            if nxt is None or nxt.kind in ("OR", "AND", ")"):
                what = "NOT" if tok.kind == "NOT" else "'-'"
                raise QueryError(f"{what} needs a term after it", tok.pos, tok.end)
            if nxt.kind == "FIELD" and nxt.name == "sort":
                raise QueryError("sort: cannot be negated", tok.pos, nxt.end)
            child = self.parse_unary(depth + 1)
            return None if child is None else negate(child)
        if tok.kind == "(":
            self.i += 1
            if (nxt := self.peek()) is not None and nxt.kind == ")":
                raise QueryError("empty parentheses", tok.pos, nxt.end)
            inner = self.parse_or(depth + 1)
            close = self.peek()
            if close is None or close.kind != ")":
                raise QueryError("'(' is never closed", tok.pos)
            self.i += 1
            return inner
        self.i += 1
        return self.term(tok)

    def term(self, tok: Token) -> Node | None:
        if tok.kind in ("WORD", "PHRASE"):
            words = tuple(fold_tokens(tok.value))
            return Text("any", words, exact=tok.kind == "PHRASE") if words else None
        if tok.name == "sort":
            if self.sort_tok is not None:
                raise QueryError("sort: is given twice", tok.pos, tok.end)
            self.sort = _sort_key(tok)
            self.sort_tok = tok
            return None
        return _field(tok)


# --- field terms ------------------------------------------------------------------------------

_TEXT_FIELDS = ("title", "author", "abstract", "kw", "org", "note", "text")
_ALIASES = {"keyword": "kw", "keywords": "kw", "fulltext": "text"}
_OTHER_FIELDS = ("id", "tag", "date", "after", "before", "age", "is", "has", "sort")
KNOWN_FIELDS = _TEXT_FIELDS + NUMBER_FIELDS + _OTHER_FIELDS
_NUMBER = re.compile(r"(-?\d{1,15})(k?)")
_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
_AGE = re.compile(r"(\d{1,6})([dwmy]?)")
_AGE_UNITS = {"": 1, "d": 1, "w": 7, "m": 30, "y": 365}
_ID = re.compile(r"[0-9a-z./-]+")
_MAX_ORDINAL = dt.date.max.toordinal()

Interval = tuple[int, int]


def _suggest(word: str, choices: tuple[str, ...] | list[str]) -> str | None:
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return close[0] if close else None


def _value_error(tok: Token, message: str) -> QueryError:
    return QueryError(message, tok.value_pos, tok.end)


def _field(tok: Token) -> Node:
    """The node for a ``name:value`` token."""
    name = _ALIASES.get(tok.name, tok.name)
    if name in _TEXT_FIELDS:
        words = tuple(fold_tokens(tok.value))
        if not words:
            raise _value_error(tok, f"{name}: needs a word to look for")
        return Text(name, words, exact=tok.quoted)
    if name in NUMBER_FIELDS:
        if name == "authors" and not _NUMBER.fullmatch(tok.value.lstrip("<>=")):
            raise _value_error(tok, f"authors: takes a number (the author count); "
                                    f"did you mean author:{tok.value}?")
        lo, hi = _compare(tok, _number)
        return Number(name, lo, hi)
    if name in ("date", "after", "before"):
        return _date_term(tok, name)
    if name == "age":
        return _age_term(tok)
    if name in ("is", "has"):
        flags = IS_FLAGS if name == "is" else HAS_FLAGS
        value = tok.value.lower()
        if value not in flags:
            hint = _suggest(value, flags)
            tail = f" — did you mean '{name}:{hint}'?" if hint else f" ({', '.join(flags)})"
            raise _value_error(tok, f"unknown flag '{name}:{tok.value}'{tail}")
        return Flag(name, value)
    if name == "id":
        value = tok.value.lower().removeprefix("arxiv:")
        if not _ID.fullmatch(value):
            raise _value_error(tok, "id: takes the start of an arXiv id, as in id:2502.16")
        return IdPrefix(value)
    if name == "tag":
        if not fold(tok.value).strip():
            raise _value_error(tok, "tag: needs a tag name")
        return Tag(tok.value, exact=tok.quoted)
    hint = _suggest(tok.name, list(KNOWN_FIELDS) + list(_ALIASES))
    tail = f" — did you mean '{hint}:'?" if hint else "; put it in quotes to search for it as text"
    raise QueryError(f"unknown field '{tok.name}:'{tail}", tok.pos, tok.value_pos)


def _sort_key(tok: Token) -> str:
    value = tok.value.lower()
    if value not in SORT_KEYS:
        hint = _suggest(value, SORT_KEYS)
        tail = f" — did you mean 'sort:{hint}'?" if hint else f" ({', '.join(SORT_KEYS)})"
        raise _value_error(tok, f"unknown sort '{tok.value}'{tail}")
    return value


def _compare(tok: Token, one: Callable[[str, Token], Interval]) -> tuple[int | None, int | None]:
    """Bounds for ``>v``, ``>=v``, ``<v``, ``<=v``, ``=v``, ``v``, ``a..b``, ``a..`` or ``..b``.

    ``one`` turns a single value into the inclusive interval it stands for (a month is a range).
    """
    text = tok.value
    for op in (">=", "<=", ">", "<", "="):
        if text.startswith(op):
            lo, hi = one(text[len(op) :], tok)
            return {">=": (lo, None), "<=": (None, hi), ">": (hi + 1, None),
                    "<": (None, lo - 1), "=": (lo, hi)}[op]
    if ".." in text:
        left, _, right = text.partition("..")
        if not left and not right:
            raise _value_error(tok, "a range needs a start or an end, as in 10..50")
        start = one(left, tok)[0] if left else None
        stop = one(right, tok)[1] if right else None
        if start is not None and stop is not None and start > stop:
            raise _value_error(tok, f"the range {text} is empty")
        return start, stop
    return one(text, tok)


def _number(text: str, tok: Token) -> Interval:
    match = _NUMBER.fullmatch(text)
    if match is None:
        raise _value_error(tok, f"{tok.name}: expects a number, as in {tok.name}:>=10")
    value = int(match.group(1)) * (1000 if match.group(2) else 1)
    return value, value


def _date(text: str, tok: Token) -> Interval:
    """The days a ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` stands for, as ordinals."""
    match = _DATE.fullmatch(text)
    if match is None:
        raise _value_error(tok, f"{tok.name}: expects a date like 2026-11 or 2026-11-20")
    year, month, day = match.groups()
    try:
        if day is not None:
            first = last = dt.date(int(year), int(month), int(day))
        elif month is not None:
            first = dt.date(int(year), int(month), 1)
            nxt = dt.date(int(year) + 1, 1, 1) if first.month == 12 else first.replace(
                month=first.month + 1)
            last = nxt - dt.timedelta(days=1)
        else:
            first, last = dt.date(int(year), 1, 1), dt.date(int(year), 12, 31)
    except (ValueError, OverflowError):
        raise _value_error(tok, f"{text} is not a date") from None
    return first.toordinal(), last.toordinal()


def _date_term(tok: Token, name: str) -> Node:
    if name == "date":
        lo, hi = _compare(tok, _date)
    elif name == "after":  # inclusive: after:2026-11 starts on November 1st
        lo, hi = _date(tok.value, tok)[0], None
    else:  # before: exclusive, so before:X and after:X split the papers in two
        lo, hi = None, _date(tok.value, tok)[0] - 1
    if (lo is not None and lo > _MAX_ORDINAL) or (hi is not None and hi < 1):
        raise _value_error(tok, "that date is out of range")
    return DateRange(lo, hi)


def _age(text: str, tok: Token) -> Interval:
    match = _AGE.fullmatch(text)
    if match is None:
        raise _value_error(tok, "age: expects days, weeks, months or years, as in age:<7d")
    days = int(match.group(1)) * _AGE_UNITS[match.group(2)]
    return days, days


def _age_term(tok: Token) -> Age:
    if tok.value[:1].isdigit() and ".." not in tok.value:
        return Age(None, _age(tok.value, tok)[1])  # age:7d reads as "at most 7 days old"
    lo, hi = _compare(tok, _age)
    return Age(lo, hi)
