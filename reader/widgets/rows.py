"""Plain-text rows of the paper list: column layout per width, cell fitting, short authors.

Nothing here touches Textual: the list widget turns these (text, role) cells into styled
segments, and the functions are unit-testable on their own. All widths are terminal cells
(``rich.cells.cell_len``), so CJK and emoji titles line up with the columns after them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from rich.cells import cell_len, set_cell_size

from reader.hub.models import Author, Paper
from reader.store.record import Record

__all__ = [
    "ELLIPSIS",
    "Layout",
    "display_safe",
    "fit",
    "fit_right",
    "layout",
    "row_cells",
    "short_authors",
    "short_count",
]

ELLIPSIS = "…"
UNREAD = "•"
NEW = "✦"  # unread and first seen after the previous visit
BOOKMARK = "★"
UPVOTE = "▲"
COMMENTS = "c"  # a plain letter: speech-bubble emoji draw two cells wide in some terminals only
CODE = "</>"
LOCAL = "↓"  # the full text or the PDF is downloaded: readable offline

# The hub strips escapes and controls already; this is a last guard so that nothing a widget
# draws can ever reach the terminal as a control sequence, even from a record that skipped it.
_UNSAFE: dict[int, str | None] = {
    **{c: "\ufffd" for c in (*range(0x00, 0x20), *range(0x7F, 0xA0))},
    **dict.fromkeys(map(ord, "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
                        "\u2066\u2067\u2068\u2069"), None),
}


_UNSAFE_BLOCK = {**_UNSAFE, ord("\n"): "\n", ord("\t"): "    "}


def display_safe(text: str, *, keep_newlines: bool = False) -> str:
    """``text`` with control characters shown as U+FFFD and bidi controls dropped.

    ``keep_newlines`` keeps line breaks (and turns tabs into spaces) for multi-line text.
    """
    return text.translate(_UNSAFE_BLOCK if keep_newlines else _UNSAFE)


def fit(text: str, width: int) -> str:
    """``text`` in exactly ``width`` cells: padded with spaces, or cut with an ellipsis."""
    if width <= 0:
        return ""
    if cell_len(text) <= width:
        return set_cell_size(text, width)
    # set_cell_size pads a wide character cut in half with a space, so the width stays exact.
    return set_cell_size(text, width - 1) + ELLIPSIS


def fit_right(text: str, width: int) -> str:
    """``text`` right-aligned in exactly ``width`` cells (cut from the left end if too long)."""
    if width <= 0:
        return ""
    size = cell_len(text)
    if size <= width:
        return " " * (width - size) + text
    return fit(text, width)


def short_count(n: int | None) -> str:
    """``1234`` -> ``"1234"``, ``12345`` -> ``"12k"``, ``None`` -> ``""``."""
    if n is None:
        return ""
    if n < 10_000:
        return str(n)
    if n < 1_000_000:
        return f"{n // 1000}k"
    return f"{n // 1_000_000}M"


def _initials(name: str) -> str:
    """``"Alice B. Smith"`` -> ``"A. Smith"``; one-word and CJK names are kept whole."""
    parts = name.split()
    if len(parts) < 2:
        return name
    return f"{parts[0][:1]}. {parts[-1]}"


def short_authors(authors: tuple[Author, ...], width: int) -> str:
    """The first visible authors fitted to ``width`` cells: ``"A. Smith, B. Lee +12"``."""
    names = [a.name for a in authors if not a.hidden]
    if not names or width <= 0:
        return ""
    for shown in (2, 1):
        head = ", ".join(display_safe(_initials(n)) for n in names[:shown])
        rest = len(names) - min(shown, len(names))
        text = f"{head} +{rest}" if rest else head
        if cell_len(text) <= width:
            return text
    # Even one name does not fit: cut the name, keep the count visible when there is room.
    first = display_safe(_initials(names[0]))
    more = f" +{len(names) - 1}" if len(names) > 1 else ""
    if cell_len(more) + 4 <= width:
        return fit(first, width - cell_len(more)) + more
    return fit(first, width)


@dataclass(frozen=True, slots=True)
class Layout:
    """Cell widths of the row's columns at one widget width; 0 means the column is dropped."""

    width: int
    marks: int
    title: int
    authors: int
    date: int
    upvotes: int
    comments: int
    code: int


MARKS = 3  # unread mark, bookmark mark, a space
MIN_TITLE = 20  # the title keeps at least this, or 40 % of the row when that is more
UPVOTES = 5  # "▲1234"
COMMENTS_W = 4  # "123c"


@lru_cache(maxsize=64)
def layout(width: int) -> Layout:
    """Column widths for a row ``width`` cells wide.

    The title gets what the others leave. When it would drop below its minimum (``MIN_TITLE``
    or 40 % of the row) the other columns give way in this order: comments, authors, the date
    shortened to MM-DD, the date, the has-code mark, the upvotes.
    """
    min_title = max(MIN_TITLE, width * 2 // 5)
    authors = max(12, min(28, width // 5))
    cols = {"authors": authors, "date": 10, "upvotes": UPVOTES, "comments": COMMENTS_W,
            "code": len(CODE)}
    steps = (("comments", 0), ("authors", 0), ("date", 5), ("date", 0), ("code", 0),
             ("upvotes", 0))

    def title_width() -> int:
        # Each kept column costs its width plus one space before it.
        return width - MARKS - sum(w + 1 for w in cols.values() if w)

    for name, new in steps:
        if title_width() >= min_title:
            break
        cols[name] = new
    return Layout(width=width, marks=MARKS, title=max(0, title_width()), **cols)


def row_cells(record: Record, lay: Layout, *, unread: bool, new: bool,
              bookmarked: bool, local: bool = False) -> list[tuple[str, str]]:
    """The row as ``(text, role)`` cells whose widths add up to ``lay.width``.

    Roles: ``mark-new``, ``mark-unread``, ``mark-bookmark``, ``title``, ``authors``, ``date``,
    ``upvotes``, ``comments``, ``code``, ``mark-local`` (a downloaded full text or PDF, in
    the marks' spare cell) and ``gap`` (separating spaces).
    """
    paper: Paper = record.paper
    cells: list[tuple[str, str]] = []
    if lay.width <= 0:
        return cells
    if lay.width < lay.marks:
        return [(" " * lay.width, "gap")]
    if new:
        cells.append((NEW, "mark-new"))
    else:
        cells.append((UNREAD if unread else " ", "mark-unread"))
    cells.append((BOOKMARK if bookmarked else " ", "mark-bookmark"))
    cells.append((LOCAL, "mark-local") if local else (" ", "gap"))
    title = display_safe(paper.title) or "(untitled)"
    cells.append((fit(title, lay.title), "title"))
    if lay.authors:
        cells.append((" ", "gap"))
        cells.append((fit(short_authors(paper.authors, lay.authors), lay.authors), "authors"))
    if lay.date:
        day = record.day
        cells.append((" ", "gap"))
        cells.append((fit(day if lay.date >= 10 else day[5:], lay.date), "date"))
    if lay.upvotes:
        votes = short_count(paper.upvotes)
        cells.append((" ", "gap"))
        cells.append((fit_right(f"{UPVOTE}{votes}" if votes else "", lay.upvotes), "upvotes"))
    if lay.comments:
        count = short_count(paper.num_comments) if paper.num_comments else ""
        cells.append((" ", "gap"))
        cells.append((fit_right(f"{count}{COMMENTS}" if count else "", lay.comments),
                      "comments"))
    if lay.code:
        cells.append((" ", "gap"))
        cells.append((CODE if paper.github_repo else " " * lay.code, "code"))
    used = sum(cell_len(text) for text, _ in cells)
    if used < lay.width:
        # The title absorbs rounding so the row always fills the width exactly.
        cells.append((" " * (lay.width - used), "gap"))
    return cells
