"""Plain-text rows of the paper list: two lines per paper, column layout per width, short authors.

A row is two lines: the title over (nearly) the whole width, then the bookmark mark, the
trending rank, the first authors, the listing day, upvotes, comments, a has-code mark and the
GitHub stars, in columns. Nothing here touches Textual: the list widget turns these
``(text, role)`` cells into styled segments, and the functions are unit-testable on their own.
All widths are terminal cells (``rich.cells.cell_len``), so CJK and emoji titles line up.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from rich.cells import cell_len, set_cell_size

from reader.hub.models import Author, Paper
from reader.store.record import Record
from reader.views import DAY, LATEST, TRENDING

__all__ = [
    "ELLIPSIS",
    "ROW_HEIGHT",
    "Columns",
    "columns_for",
    "Layout",
    "display_safe",
    "fit",
    "fit_right",
    "layout",
    "row_lines",
    "short_authors",
    "short_count",
]

ELLIPSIS = "…"
UNREAD = "•"
NEW = "✦"  # unread and first seen after the previous visit
SELECTED = "✓"  # marked (x) for an export: wins over the unread/new mark
BOOKMARK = "★"
TAGGED = "#"  # at the end of the title: the paper has tags
NOTED = "¶"  # ... and/or a note
UPVOTE = "▲"
COMMENTS = "c"  # a plain letter: speech-bubble emoji draw two cells wide in some terminals only
CODE = "</>"
STARS = "☆"  # GitHub stars (the filled star is the bookmark mark)
WITHDRAWN = "withdrawn"
DATE_LABEL = "listed "  # the date shown is the Daily Papers listing day, and says so
ROW_HEIGHT = 2  # lines per paper: the title, then the facts
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
class Columns:
    """Which optional columns a view wants: the trending rank, GitHub stars, the listing day."""

    rank: bool = False  # the Trending view: "#3" before the authors
    stars: bool = False  # sorted by stars: "☆1234" at the end of the second line
    dates: bool = True  # False in one-day views, where every row has the same day


def columns_for(view_key: str, sort: str | None) -> Columns:
    """The optional columns of a view: rank in Trending, stars when sorted by them, no date
    in the one-day views (the status line names the day)."""
    return Columns(rank=view_key == TRENDING, stars=sort == "stars",
                   dates=view_key not in (LATEST, DAY))


@dataclass(frozen=True, slots=True)
class Layout:
    """Cell widths of a two-line row at one widget width; 0 means the column is dropped.

    Line 1 is ``marks`` (the unread/new mark and a space) and the ``title``. Line 2 is the
    bookmark mark and a space, then ``rank``, ``authors``, ``date``, ``upvotes``,
    ``comments``, ``code`` and ``stars``, each but the first after one space.
    """

    width: int
    marks: int
    title: int
    rank: int
    authors: int
    date: int
    upvotes: int
    comments: int
    code: int
    stars: int


MARKS = 2  # a mark and a space, before the title on line 1 and the facts on line 2
MIN_AUTHORS = 12  # the authors keep at least this, or the other facts give way
RANK = 3  # "#50"
UPVOTES = 5  # "▲1234"
COMMENTS_W = 4  # "123c"
STARS_W = 5  # "☆1234", "☆12k"
LONG_DATE = len(DATE_LABEL) + 10  # "listed 2026-11-30"


@lru_cache(maxsize=128)
def layout(width: int, columns: Columns = Columns()) -> Layout:
    """Column widths for a two-line row ``width`` cells wide.

    The title takes the whole first line after the marks. On the second line the authors get
    what the others leave; when that drops below ``MIN_AUTHORS`` the others give way in this
    order: comments, the date's "listed " label, the year, the stars, the has-code mark,
    the upvotes, the rank.
    """
    body = max(0, width - MARKS)
    cols = {
        "rank": RANK if columns.rank else 0,
        "date": LONG_DATE if columns.dates else 0,
        "upvotes": UPVOTES,
        "comments": COMMENTS_W,
        "code": len(CODE),
        "stars": STARS_W if columns.stars else 0,
    }
    steps = (("comments", 0), ("date", 10), ("date", 5), ("stars", 0), ("code", 0),
             ("upvotes", 0), ("rank", 0), ("date", 0))

    def authors_width() -> int:
        # Each kept column costs its width plus one space before it (none before the first).
        return body - sum(w + 1 for w in cols.values() if w)

    for name, new in steps:
        if authors_width() >= MIN_AUTHORS:
            break
        if cols[name]:
            cols[name] = new
    return Layout(width=width, marks=MARKS if width >= MARKS else 0, title=body,
                  authors=max(0, authors_width()), **cols)


def _date_text(day: str, width: int) -> str:
    if width >= LONG_DATE:
        return DATE_LABEL + day
    return day if width >= 10 else day[5:]


def row_lines(record: Record, lay: Layout, *, unread: bool, new: bool, bookmarked: bool,
              tagged: bool = False, noted: bool = False, selected: bool = False,
              local: bool = False) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The row's two lines as ``(text, role)`` cells whose widths add up to ``lay.width``.

    ``selected`` (marked for an export) shows ``✓`` in place of the unread mark; ``tagged`` and
    ``noted`` put ``#`` and ``¶`` after the title, and ``local`` (a downloaded full text or
    PDF: readable offline) ``↓``.

    Roles: ``mark-new``, ``mark-unread``, ``mark-bookmark``, ``title``, ``mark-tag`` (also
    ``↓``), ``withdrawn``, ``rank``, ``authors``, ``date``, ``upvotes``, ``comments``,
    ``code``, ``stars`` and ``gap`` (separating spaces).
    """
    paper: Paper = record.paper
    if lay.width <= 0:
        return [], []
    if lay.width < MARKS:
        return [(" " * lay.width, "gap")], [(" " * lay.width, "gap")]
    first: list[tuple[str, str]] = []
    if selected:
        first.append((SELECTED, "mark-new"))
    elif new:
        first.append((NEW, "mark-new"))
    else:
        first.append((UNREAD if unread else " ", "mark-unread"))
    first.append((" ", "gap"))
    title = display_safe(paper.title) or "(untitled)"
    mark = (TAGGED if tagged else "") + (NOTED if noted else "") + (LOCAL if local else "")
    if mark and lay.title > len(mark) + 4:
        first.append((fit(title, lay.title - len(mark) - 1), "title"))
        first += [(" ", "gap"), (mark, "mark-tag")]
    else:
        first.append((fit(title, lay.title), "title"))

    second: list[tuple[str, str]] = [(BOOKMARK if bookmarked else " ", "mark-bookmark"),
                                     (" ", "gap")]
    lead = True  # no gap before the first cell after the marks

    def cell(text: str, role: str) -> None:
        nonlocal lead
        if not lead:
            second.append((" ", "gap"))
        lead = False
        second.append((text, role))

    if lay.rank:
        rank = record.trending_rank
        cell(fit(f"#{rank}" if rank is not None else "", lay.rank), "rank")
    if lay.authors:
        names = short_authors(paper.authors, lay.authors)
        if paper.withdrawn_at and cell_len(WITHDRAWN) + 2 <= lay.authors:
            # Withdrawn papers say so where the eye reads the facts, before the authors.
            cell(WITHDRAWN, "withdrawn")
            rest = lay.authors - cell_len(WITHDRAWN) - 1
            second.append((" ", "gap"))
            second.append((fit(short_authors(paper.authors, rest), rest), "authors"))
        else:
            cell(fit(names, lay.authors), "authors")
    if lay.date:
        cell(fit(_date_text(record.day, lay.date), lay.date), "date")
    if lay.upvotes:
        votes = short_count(paper.upvotes)
        cell(fit_right(f"{UPVOTE}{votes}" if votes else "", lay.upvotes), "upvotes")
    if lay.comments:
        count = short_count(paper.num_comments) if paper.num_comments else ""
        cell(fit_right(f"{count}{COMMENTS}" if count else "", lay.comments), "comments")
    if lay.code:
        cell(CODE if paper.github_repo else " " * lay.code, "code")
    if lay.stars:
        stars = short_count(paper.github_stars)
        cell(fit_right(f"{STARS}{stars}" if stars else "", lay.stars), "stars")
    for line in (first, second):
        used = sum(cell_len(text) for text, _ in line)
        if used < lay.width:
            line.append((" " * (lay.width - used), "gap"))
    return first, second
