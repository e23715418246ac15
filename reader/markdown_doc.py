"""A paper's Markdown as blocks of plain, role-tagged text: what the reading screen draws.

Not a full CommonMark parser: the subset arXiv-to-Markdown output uses (headings, paragraphs,
lists, fenced code, ``$$`` display math, pipe tables, images, quotes, rules), parsed line by
line in linear time so a 5 MB text is read in a fraction of a second. Inline, ``$...$`` math and
code spans are matched before emphasis, so ``$a_1 * b_2$`` stays as written; links keep their
text and show their target; images become "Figure" lines with their caption and link. Every
string here is data: nothing is parsed as Textual or Rich markup and HTML is shown as text.
No Textual import: the widget turns spans into styled lines.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from rich.cells import cell_len

from reader.hub.text import _FORBIDDEN_BLOCK, clean_block  # the hub's own test, reused

__all__ = ["Block", "Document", "Link", "parse", "parse_inline"]

# Roles of inline spans (the widget maps them to component classes).
PLAIN, BOLD, ITALIC, CODE, MATH, LINK, URL = "", "bold", "italic", "code", "math", "link", "url"

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_ITEM = re.compile(r"^(\s*)([-*+]|\d{1,4}[.)])\s+(.*)$")
_FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
_RULE = re.compile(r"^\s*(?:-\s*){3,}$|^\s*(?:\*\s*){3,}$|^\s*(?:_\s*){3,}$")
_TABLE_SEP = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_IMAGE_ONLY = re.compile(r"^!\[([^\]]*)\]\(([^)\s]*)(?:\s+\"[^\"]*\")?\)$")
_INLINE = re.compile(
    r"""
    (?=[`$!\[<*_\\])  # a cheap first test: most positions start none of these
    (?:
      (?P<tick>`+)(?P<code>.+?)(?P=tick)
    | (?P<math>\$\$.+?\$\$ | (?<![\\$])\$(?=\S)(?:\\.|[^$\\])+?(?<=[^\s\\])\$)
    | !\[(?P<alt>[^\]]*)\]\((?P<src>[^)\s]*)(?:\s+"[^"]*")?\)
    | \[(?P<text>[^\]]+)\]\((?P<href>[^)\s]*)(?:\s+"[^"]*")?\)
    | <(?P<auto>https?://[^>\s]+)>
    | \*\*(?P<b1>\S(?:.*?\S)?)\*\* | (?<!\w)__(?P<b2>\S(?:.*?\S)?)__(?!\w)
    | (?<![\w*])\*(?P<i1>[^\s*](?:[^*]*?[^\s*])?)\*(?![\w*])
    | (?<![\w_])_(?P<i2>[^\s_](?:[^_]*?[^\s_])?)_(?![\w_])
    | \\(?P<esc>[\\`*_{}\[\]()#+\-.!$|])
    )
    """,
    re.VERBOSE,
)

Span = tuple[str, str]  # (text, role)


@dataclass(frozen=True, slots=True)
class Link:
    """A link in the text: what it says and where it points (any scheme: only http(s) opens)."""

    text: str
    url: str


@dataclass(slots=True)
class Block:
    """One block. ``kind``: heading, para, item, code, math, table, figure, quote, rule.

    Verbatim blocks (code, math, table) keep their lines; the others wrap. ``marker`` starts the
    first line of a list item (later lines are indented by its width), ``indent`` nests it."""

    kind: str
    spans: list[Span]
    level: int = 0
    marker: str = ""
    indent: int = 0
    lines: list[str] = field(default_factory=list)

    @property
    def verbatim(self) -> bool:
        return self.kind in ("code", "math", "table")

    @property
    def plain(self) -> str:
        """The block's text as shown (for search): verbatim lines joined with newlines."""
        if self.verbatim:
            return "\n".join(self.lines)
        return "".join(text for text, _ in self.spans)


@dataclass(slots=True)
class Document:
    """A parsed full text: its blocks, headings (block indexes) and links."""

    blocks: list[Block]
    headings: list[int]
    links: list[Link]


def _emit(out: list[Span], text: str, role: str) -> None:
    if text:
        out.append((text, role))


def parse_inline(text: str, links: list[Link] | None = None, role: str = PLAIN) -> list[Span]:
    """Inline Markdown as spans: emphasis and links become roles, math and code stay verbatim."""
    out: list[Span] = []
    pos = 0
    for m in _INLINE.finditer(text):
        _emit(out, text[pos:m.start()], role)
        pos = m.end()
        if m["code"] is not None:
            _emit(out, m["code"].strip() or m["code"], CODE)
        elif m["math"] is not None:
            _emit(out, m["math"], MATH)
        elif m["src"] is not None:
            alt = m["alt"] or "(no caption)"
            _emit(out, alt if alt.lower().startswith("fig") else f"Figure: {alt}", ITALIC)
            _emit(out, f" <{m['src']}>", URL)
            if links is not None and m["src"]:
                links.append(Link(m["alt"] or "figure", m["src"]))
        elif m["href"] is not None:
            out.extend(parse_inline(m["text"], links, LINK))
            if m["href"] and m["href"] != m["text"]:
                _emit(out, f" <{m['href']}>", URL)
            if links is not None and m["href"]:
                links.append(Link(m["text"], m["href"]))
        elif m["auto"] is not None:
            _emit(out, m["auto"], LINK)
            if links is not None:
                links.append(Link(m["auto"], m["auto"]))
        elif m["b1"] is not None or m["b2"] is not None:
            out.extend(parse_inline(m["b1"] or m["b2"] or "", links, BOLD))
        elif m["i1"] is not None or m["i2"] is not None:
            out.extend(parse_inline(m["i1"] or m["i2"] or "", links, ITALIC))
        else:
            _emit(out, m["esc"], role)
    _emit(out, text[pos:], role)
    return out


def _cells(line: str) -> list[str]:
    body = line.strip()
    body = body[1:] if body.startswith("|") else body
    body = body[:-1] if body.endswith("|") and not body.endswith("\\|") else body
    return [c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", body)]


def _table(rows: list[list[str]]) -> list[str]:
    """Pipe-table rows as aligned text lines (a rule under the header)."""
    n = max(len(r) for r in rows)
    rows = [r + [""] * (n - len(r)) for r in rows]
    widths = [max(cell_len(r[k]) for r in rows) for k in range(n)]

    def line(r: list[str]) -> str:
        return " │ ".join(c + " " * (w - cell_len(c)) for c, w in zip(r, widths, strict=True))

    out = [line(rows[0]), "─┼─".join("─" * w for w in widths)]
    out += [line(r) for r in rows[1:]]
    return [s.rstrip() for s in out]


def _blocks(lines: list[str], links: list[Link]) -> Iterator[Block]:
    i, n = 0, len(lines)
    para: list[str] = []

    def flush() -> Iterator[Block]:
        if para:
            text = " ".join(s.strip() for s in para)
            para.clear()
            image = _IMAGE_ONLY.match(text)
            if image:
                yield Block("figure", parse_inline(text, links))
            else:
                yield Block("para", parse_inline(text, links))

    while i < n:
        line = lines[i]
        stripped = line.strip()
        if not stripped:
            yield from flush()
            i += 1
            continue
        fence = _FENCE.match(line)
        if fence:
            yield from flush()
            mark = fence[1]
            body: list[str] = []
            i += 1
            while i < n and not lines[i].strip().startswith(mark):
                body.append(lines[i].expandtabs(4))
                i += 1
            i += 1
            yield Block("code", [], lines=body or [""])
            continue
        if stripped in ("$$", "\\[") or (stripped.startswith("$$") and not (
                len(stripped) > 4 and stripped.endswith("$$"))):
            yield from flush()
            close = "\\]" if stripped == "\\[" else "$$"
            body = [stripped] if stripped not in ("$$", "\\[") else []
            i += 1
            while i < n and not lines[i].strip().endswith(close):
                body.append(lines[i].strip())
                i += 1
            if i < n and lines[i].strip() != close:
                body.append(lines[i].strip()[: -len(close)])
            i += 1
            yield Block("math", [], lines=[f"  {s}" for s in body if s.strip()] or [""])
            continue
        if stripped.startswith("$$") and stripped.endswith("$$") and len(stripped) > 4:
            yield from flush()
            yield Block("math", [], lines=[f"  {stripped[2:-2].strip()}"])
            i += 1
            continue
        heading = _HEADING.match(line)
        if heading:
            yield from flush()
            yield Block("heading", parse_inline(heading[2], links), level=len(heading[1]))
            i += 1
            continue
        if stripped.startswith("|") and i + 1 < n and _TABLE_SEP.match(lines[i + 1]):
            yield from flush()
            rows = [_cells(line)]
            i += 2
            while i < n and lines[i].strip().startswith("|"):
                rows.append(_cells(lines[i]))
                i += 1
            yield Block("table", [], lines=_table(rows))
            continue
        if _RULE.match(line) and not para:
            i += 1
            yield Block("rule", [])
            continue
        item = _ITEM.match(line)
        if item:
            yield from flush()
            depth = len(item[1].expandtabs(4)) // 2
            marker = "• " if item[2] in "-*+" else f"{item[2]} "
            text = [item[3]]
            i += 1
            while i < n and lines[i].strip() and lines[i][:1] in " \t" and not _ITEM.match(
                    lines[i]):
                text.append(lines[i].strip())
                i += 1
            yield Block("item", parse_inline(" ".join(text), links), marker=marker,
                        indent=2 * depth)
            continue
        if stripped.startswith(">"):
            yield from flush()
            quote: list[str] = []
            while i < n and lines[i].strip().startswith(">"):
                quote.append(lines[i].strip()[1:].strip())
                i += 1
            yield Block("quote", parse_inline(" ".join(quote), links), marker="│ ")
            continue
        para.append(line)
        i += 1
    yield from flush()


def parse(markdown: str) -> Document:
    """Parse a full text. The text is sanitised again first (escapes, controls, bidi), so even a
    cache file written by something else cannot reach the terminal as a control sequence."""
    # Cleaning costs ~0.5 s per MB even when there is nothing to clean, so only the lines that
    # hold something to remove are cleaned (finding them is a C-speed regex search).
    lines = markdown.split("\n")
    if _FORBIDDEN_BLOCK.search(markdown) or "\u2028" in markdown or "\u2029" in markdown:
        cleaned: list[str] = []
        for line in lines:
            if _FORBIDDEN_BLOCK.search(line) or "\u2028" in line or "\u2029" in line:
                cleaned.extend(clean_block(line).split("\n"))
            else:
                cleaned.append(line)
        lines = cleaned
    links: list[Link] = []
    blocks = list(_blocks(lines, links))
    headings = [k for k, b in enumerate(blocks) if b.kind == "heading" and b.level <= 3]
    return Document(blocks, headings, links)
