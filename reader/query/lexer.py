"""Splits query text into tokens: words, quoted phrases, field:value terms, operators, parens."""

from __future__ import annotations

import re
from dataclasses import dataclass

from reader.query.ast import QueryError

# What ends an unquoted run: white space, parentheses, "|" and a quote.
_RUN = re.compile(r'[^\s()|"]+')
_FIELD = re.compile(r"([A-Za-z]+):")
_KEYWORDS = {"OR": "OR", "AND": "AND", "NOT": "NOT"}


@dataclass(frozen=True, slots=True)
class Token:
    """One lexical token.

    ``kind``: "(" ")" "OR" "AND" "NOT" "-" "WORD" "PHRASE" "FIELD". For FIELD, ``name`` is the
    lower-cased field name and ``value`` its raw value (``quoted`` if it was in quotes);
    ``value_pos`` is where the value starts. ``pos``/``end`` span the whole token.
    """

    kind: str
    pos: int
    end: int
    value: str = ""
    name: str = ""
    quoted: bool = False
    value_pos: int = 0


def _quoted(text: str, start: int) -> tuple[str, int]:
    """The text inside the quote opening at ``start``, and the index just past its closing quote."""
    close = text.find('"', start + 1)
    if close < 0:
        raise QueryError("unclosed quote", start, len(text))
    return text[start + 1 : close], close + 1


def tokenize(text: str) -> list[Token]:
    """The tokens of ``text``; raises QueryError for an unclosed quote or a field without value."""
    out: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
        elif ch in "()":
            out.append(Token(ch, i, i + 1))
            i += 1
        elif ch == "|":
            out.append(Token("OR", i, i + 1))
            i += 1
        elif ch == '"':
            value, end = _quoted(text, i)
            out.append(Token("PHRASE", i, end, value, quoted=True, value_pos=i + 1))
            i = end
        elif ch == "-":
            if i + 1 >= n or text[i + 1].isspace() or text[i + 1] in ")|":
                raise QueryError("'-' needs a term right after it, as in -survey", i)
            out.append(Token("-", i, i + 1))
            i += 1
        else:
            match = _RUN.match(text, i)
            assert match is not None  # ch is none of the characters that end a run
            i = _word(text, match, out)
    return out


def _word(text: str, match: re.Match[str], out: list[Token]) -> int:
    """Append the token for the run ``match`` (keyword, field term or word); return its end."""
    run, start, end = match.group(), match.start(), match.end()
    if run in _KEYWORDS:
        out.append(Token(_KEYWORDS[run], start, end))
        return end
    field = _FIELD.match(run)
    if field is None:
        out.append(Token("WORD", start, end, run, value_pos=start))
        return end
    name = field.group(1).lower()
    value_pos = start + field.end()
    value = run[field.end() :]
    if value:
        out.append(Token("FIELD", start, end, value, name=name, value_pos=value_pos))
        return end
    if end < len(text) and text[end] == '"':
        value, stop = _quoted(text, end)
        out.append(Token("FIELD", start, stop, value, name=name, quoted=True, value_pos=end))
        return stop
    raise QueryError(f"'{field.group(1)}:' needs a value right after the colon", start, end)
