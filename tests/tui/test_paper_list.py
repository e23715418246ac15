"""PaperList: two-line row formatting, keys, mouse, messages, kept cursor, marks, scale, hostile
text."""

from __future__ import annotations

from typing import Any

import pytest
from rich.cells import cell_len
from textual.app import App, ComposeResult
from textual.strip import Strip

from reader.hub.models import Author, Paper
from reader.store.record import Record
from reader.store.state import LibraryState
from reader.widgets.paper_list import PaperList
from reader.widgets.rows import (
    BOOKMARK,
    NEW,
    ROW_HEIGHT,
    UNREAD,
    Columns,
    columns_for,
    display_safe,
    fit,
    layout,
    row_lines,
    short_authors,
    short_count,
)
from tests.fakehub.hostile import CASES, CLICK

SIZE = (100, 24)


def make(i: int, title: str | None = None, **fields: Any) -> Record:
    """A plain record ``2501.{i:05d}``; ``fields`` go to the Paper, ``listed_on``/... to Record."""
    record_fields = {k: fields.pop(k) for k in ("listed_on", "first_seen", "trending")
                     if k in fields}
    paper = Paper(
        id=f"2501.{i:05d}",
        title=f"Paper {i} on efficient attention" if title is None else title,
        authors=fields.pop("authors", (Author("Alice Smith"), Author("Bob Lee"))),
        upvotes=fields.pop("upvotes", i % 400),
        num_comments=fields.pop("num_comments", i % 5),
        **fields,
    )
    record_fields.setdefault("listed_on", ("2025-01-15",))
    record_fields.setdefault("first_seen", "2025-01-15T06:00:00.000Z")
    return Record(paper, **record_fields)


def hostile_records() -> list[Record]:
    """The fake hub's hostile titles as they would be if the hub had NOT sanitised them."""
    out = [make(i, title) for i, (_, title, _) in enumerate(CASES)]
    many = tuple(Author(f"Author {n} [b]x") for n in range(500))
    out.append(make(len(out), "Bidi \u202etxet\u202c and [/ and [b]unclosed", authors=many))
    out.append(make(len(out), "大型语言模型的推理能力研究 🚀🤗 日本語のタイトル 👩‍🔬 " * 4))
    out.append(make(len(out), "\x1b]52;c;ZWNobyBwd25lZA==\x07\x1b[31mred"))
    return out


class ListApp(App[None]):
    """A bare app around one PaperList that records the messages it posts."""

    def __init__(self, records: list[Record] | None = None) -> None:
        super().__init__()
        self.initial = records or []
        self.highlighted: list[str | None] = []
        self.opened: list[str] = []

    def compose(self) -> ComposeResult:
        yield CountingList(id="list")

    def on_mount(self) -> None:
        plist = self.query_one(PaperList)
        plist.set_records(self.initial)
        plist.focus()

    def on_paper_list_highlighted(self, message: PaperList.Highlighted) -> None:
        assert message.control is self.query_one(PaperList)
        self.highlighted.append(message.paper_id)

    def on_paper_list_opened(self, message: PaperList.Opened) -> None:
        self.opened.append(message.paper_id)


class CountingList(PaperList):
    """Counts render_line calls, to prove that work per frame is bounded by the height."""

    rendered = 0

    def render_line(self, y: int) -> Strip:
        self.rendered += 1
        return super().render_line(y)


def line_text(plist: PaperList, y: int) -> str:
    return "".join(segment.text for segment in plist.render_line(y))


def screen_lines(plist: PaperList) -> list[str]:
    return [line_text(plist, y) for y in range(plist.scrollable_content_region.height)]


def row_text(plist: PaperList, row: int) -> tuple[str, str]:
    """The two lines of the ``row``-th row on screen (rows counted from the top row)."""
    y = row * ROW_HEIGHT - (plist.scroll_offset.y - plist.top_row * ROW_HEIGHT)
    return line_text(plist, y), line_text(plist, y + 1)


def cursor_fully_visible(plist: PaperList) -> bool:
    first = plist.cursor_index * ROW_HEIGHT  # type: ignore[operator]
    top = plist.scroll_offset.y
    return top <= first and first + ROW_HEIGHT <= top + plist.scrollable_content_region.height


# --- rows (no app) ---------------------------------------------------------------------------


ALL_COLUMNS = [Columns(), Columns(rank=True, stars=True), Columns(dates=False)]


@pytest.mark.parametrize("width", [0, 1, 2, 3, 4, 10, 23, 24, 31, 42, 57, 80, 100, 120, 300])
@pytest.mark.parametrize("title", ["", "short", CLICK, "漢字" * 80, "🚀🤗👩‍🔬" * 20, "x" * 400])
@pytest.mark.parametrize("columns", ALL_COLUMNS)
def test_both_lines_fill_exactly_the_width(width: int, title: str, columns: Columns) -> None:
    record = make(1, title, upvotes=123_456, num_comments=1234, github_repo="https://g/x",
                  github_stars=54_321, withdrawn_at="2025-02-01T00:00:00Z")
    for line in row_lines(record, layout(width, columns), unread=True, new=False,
                          bookmarked=True):
        assert sum(cell_len(text) for text, _ in line) == width


def test_the_title_gets_the_whole_first_line() -> None:
    for width in range(2, 240):
        for columns in ALL_COLUMNS:
            lay = layout(width, columns)
            assert lay.title == width - 2  # only the unread mark and a space before it
            # The second line's facts give way before the authors drop below 12 cells.
            facts = [lay.rank, lay.date, lay.upvotes, lay.comments, lay.code, lay.stars]
            assert lay.authors + sum(w + 1 for w in facts if w) == width - 2
            assert lay.authors >= 12 or not any(facts)
    wide = layout(120, Columns(rank=True, stars=True))
    assert wide.rank and wide.stars and wide.date == len("listed 2026-11-30") and wide.comments
    assert not layout(120, Columns(dates=False)).date
    # Narrow: comments go first, then the date's label and year.
    assert layout(40).comments == 0 and layout(40).date in (5, 10)


def test_columns_follow_the_view_and_sort() -> None:
    assert columns_for("trending", None) == Columns(rank=True)
    assert columns_for("all", "stars") == Columns(stars=True)
    assert columns_for("latest", None) == Columns(dates=False)
    assert columns_for("day", "stars") == Columns(stars=True, dates=False)
    assert columns_for("week", None) == Columns()


def test_second_line_names_rank_authors_day_and_stars() -> None:
    record = make(7, "A title", upvotes=42, num_comments=3, github_repo="https://g/x",
                  github_stars=1234, listed_on=("2025-01-15",),
                  trending=((3, "2025-01-16T06:00:00Z"),))
    title, facts = ("".join(t for t, _ in line) for line in row_lines(
        record, layout(80, Columns(rank=True, stars=True)), unread=False, new=False,
        bookmarked=True))
    assert title.startswith("  A title")
    assert facts.startswith(BOOKMARK + " #3  A. Smith, B. Lee")
    assert "listed 2025-01-15" in facts and "▲42" in facts and "3c" in facts
    assert "</>" in facts and facts.rstrip().endswith("☆1234")
    one_day = "".join(t for t, _ in row_lines(record, layout(80, Columns(dates=False)),
                                                unread=False, new=False, bookmarked=False)[1])
    assert "2025-01-15" not in one_day and "#3" not in one_day and "☆" not in one_day


def test_withdrawn_papers_say_so_in_the_row() -> None:
    record = make(8, "Gone", withdrawn_at="2025-02-01T00:00:00Z")
    cells = row_lines(record, layout(80), unread=True, new=False, bookmarked=False)[1]
    assert ("withdrawn", "withdrawn") in cells
    assert "A. Smith" in "".join(t for t, _ in cells)
    plain = row_lines(make(9), layout(80), unread=True, new=False, bookmarked=False)[1]
    assert all(role != "withdrawn" for _, role in plain)


def test_short_authors_and_counts() -> None:
    authors = (Author("Alice B. Smith"), Author("Bob Lee"), *(Author(f"X {n}") for n in range(12)))
    assert short_authors(authors, 40) == "A. Smith, B. Lee +12"
    assert short_authors(authors, 14) == "A. Smith +13"
    assert cell_len(short_authors(authors, 8)) <= 8
    assert short_authors((Author("Hidden", hidden=True), Author("张伟")), 20) == "张伟"
    assert short_authors((), 20) == ""
    assert [short_count(n) for n in (None, 0, 9999, 12_345, 2_500_000)] == [
        "", "0", "9999", "12k", "2M"]


def test_fit_never_overflows_with_wide_characters() -> None:
    for width in range(1, 30):
        assert cell_len(fit("漢字🚀" * 10, width)) == width
    assert fit("abc", 5) == "abc  "
    assert fit("abcdef", 4) == "abc…"


def test_display_safe_turns_controls_into_replacement_chars() -> None:
    text = display_safe("a\x1b]52;c;x\x07b\x9b31m\u202ec\nd")
    assert "\x1b" not in text and "\x07" not in text and "\x9b" not in text
    assert "\u202e" not in text and "\n" not in text
    assert display_safe("x\ny\tz", keep_newlines=True) == "x\ny    z"


# --- keys and messages -----------------------------------------------------------------------


async def test_cursor_keys_move_and_post_highlighted() -> None:
    app = ListApp([make(i) for i in range(200)])
    async with app.run_test(size=SIZE, notifications=True, tooltips=True) as pilot:
        plist = app.query_one(PaperList)
        await pilot.pause()
        assert plist.cursor_index == 0 and app.highlighted == ["2501.00000"]
        rows = plist.page_rows  # whole two-line rows on screen
        assert rows == plist.scrollable_content_region.height // 2
        steps = [
            ("down", 1), ("j", 2), ("up", 1), ("k", 0), ("k", 0),
            ("end", 199), ("home", 0), ("G", 199), ("g", 0),
            ("pagedown", rows), ("pageup", 0),
            ("ctrl+d", rows // 2), ("ctrl+d", 2 * (rows // 2)), ("ctrl+u", rows // 2),
        ]
        for key, expected in steps:
            await pilot.press(key)
            await pilot.pause()
            assert plist.cursor_index == expected, key
            assert plist.cursor_id == f"2501.{expected:05d}"
            assert cursor_fully_visible(plist), f"cursor row not wholly on screen after {key}"
            assert plist.scroll_offset.y % ROW_HEIGHT == 0, "the top row is cut in half"
        # One message per actual move; pressing k at the top posts nothing.
        assert app.highlighted[-1] == f"2501.{rows // 2:05d}"
        assert app.highlighted.count("2501.00000") == 5
        await pilot.press("enter")
        await pilot.pause()
        assert app.opened == [f"2501.{rows // 2:05d}"]


@pytest.mark.parametrize("size", [(80, 24), (120, 40), (100, 23)])
async def test_walking_down_and_up_keeps_the_cursor_row_whole(size: tuple[int, int]) -> None:
    app = ListApp([make(i) for i in range(60)])
    async with app.run_test(size=size, notifications=True, tooltips=True) as pilot:
        plist = app.query_one(PaperList)
        await pilot.pause()
        for key, count in (("j", 59), ("k", 59)):
            for _ in range(count):
                await pilot.press(key)
                await pilot.pause()
                assert cursor_fully_visible(plist), (key, plist.cursor_index)
                title, _ = row_text(plist, plist.cursor_index - plist.top_row)  # type: ignore[operator]
                assert f"Paper {plist.cursor_index} " in title
        assert plist.cursor_index == 0 and plist.scroll_offset.y == 0


async def test_click_selects_then_opens() -> None:
    app = ListApp([make(i) for i in range(10)])
    async with app.run_test(size=SIZE, notifications=True, tooltips=True) as pilot:
        plist = app.query_one(PaperList)
        await pilot.click(PaperList, offset=(10, 6))  # row 3, its title line
        await pilot.pause()
        assert plist.cursor_index == 3 and app.opened == []
        await pilot.click(PaperList, offset=(10, 7))  # row 3, its second line
        await pilot.pause()
        assert app.opened == ["2501.00003"]
        await pilot.double_click(PaperList, offset=(10, 11))
        await pilot.pause()
        assert plist.cursor_index == 5 and app.opened == ["2501.00003", "2501.00005"]
        await pilot.click(PaperList, offset=(10, 21))  # below the last row
        await pilot.pause()
        assert plist.cursor_index == 5 and app.is_running


async def test_set_records_keeps_the_cursor_paper() -> None:
    records = [make(i) for i in range(100)]
    app = ListApp(records)
    async with app.run_test(size=SIZE, notifications=True, tooltips=True) as pilot:
        plist = app.query_one(PaperList)
        assert plist.move_to("2501.00040")
        await pilot.pause()
        row_on_screen = plist.cursor_index - plist.top_row  # type: ignore[operator]
        plist.set_records(records[30:], keep_cursor=True)  # the paper moves to index 10
        await pilot.pause()
        assert plist.cursor_id == "2501.00040" and plist.cursor_index == 10
        assert plist.cursor_index - plist.top_row == min(row_on_screen, 10)
        assert app.highlighted[-1] == "2501.00040"

        plist.set_records(list(reversed(records)), keep_cursor=False)
        await pilot.pause()
        assert plist.cursor_index == 0 and plist.cursor_id == "2501.00099"

        plist.set_records(records[:20], keep_cursor=True)  # 2501.00099 is gone
        await pilot.pause()
        assert plist.cursor_id == "2501.00000"
        assert not plist.move_to("2501.00099")

        plist.set_records([], keep_cursor=True)
        await pilot.pause()
        assert plist.cursor_id is None and plist.cursor_index is None
        assert app.highlighted[-1] is None
        await pilot.press("j", "G", "enter", "pagedown")
        await pilot.click(PaperList, offset=(5, 2))
        assert app.opened == [] and app.is_running


async def test_empty_list_shows_a_centered_hint() -> None:
    app = ListApp([])
    async with app.run_test(size=SIZE, notifications=True, tooltips=True) as pilot:
        plist = app.query_one(PaperList)
        plist.empty_text = "[b]Nothing here[/b] yet"  # plain text, not markup
        await pilot.pause()
        lines = screen_lines(plist)
        hits = [line for line in lines if "Nothing here" in line]
        assert len(hits) == 1 and "[b]Nothing here[/b] yet" in hits[0]
        assert hits[0].index("[b]") > 10  # centered, not flush left
        assert all(cell_len(line) == plist.scrollable_content_region.width for line in lines)


# --- marks -----------------------------------------------------------------------------------


async def test_marks_follow_set_marks() -> None:
    records = [make(0, first_seen="2025-01-10T00:00:00Z"),
               make(1, first_seen="2025-01-20T00:00:00Z"), make(2), make(3)]
    app = ListApp(records)
    async with app.run_test(size=SIZE, notifications=True, tooltips=True) as pilot:
        plist = app.query_one(PaperList)
        await pilot.pause()
        def marks() -> list[str]:
            # The unread/new mark starts the title line, the bookmark mark the facts line.
            return [row_text(plist, r)[0][0] + row_text(plist, r)[1][0] for r in range(4)]

        assert marks() == [UNREAD + " "] * 4
        state = LibraryState(bookmarks={"2501.00002": "2025-01-21T00:00:00Z"},
                             read={"2501.00003": "2025-01-21T00:00:00Z"})
        plist.set_marks(state, new_since="2025-01-16T00:00:00+00:00",
                        watched=frozenset({"2501.00000"}))
        await pilot.pause()
        assert marks() == [UNREAD + " ", NEW + " ", UNREAD + BOOKMARK, "  "]
        # The watched row (0, also the cursor: compare rows 0 and 2 after moving away).
        await pilot.press("end")
        await pilot.pause()
        for line in (0, 1):
            watched = plist.render_line(line)._segments[2].style.bgcolor  # type: ignore[union-attr]
            plain = plist.render_line(4 + line)._segments[2].style.bgcolor  # type: ignore[union-attr]
            assert watched != plain
        plist.set_marks(LibraryState(), new_since=None)
        await pilot.pause()
        assert marks() == [UNREAD + " "] * 4


# --- scale -----------------------------------------------------------------------------------


async def test_hundred_thousand_records_render_only_the_visible_rows() -> None:
    records = [make(i) for i in range(100_000)]
    app = ListApp()
    async with app.run_test(size=SIZE, notifications=True, tooltips=True) as pilot:
        plist = app.query_one(CountingList)
        plist.set_records(records)
        await pilot.pause()
        height = plist.scrollable_content_region.height
        rows = plist.page_rows
        assert plist.virtual_size.height == 100_000 * ROW_HEIGHT
        for keys, bound in ((("j",), 4), (("k",), 4), (("G",), height), (("pageup",), height),
                            (("ctrl+d",), height)):
            plist.rendered = 0
            await pilot.press(*keys)
            await pilot.pause()
            # Moving the cursor within the page redraws its two rows (four lines); a scroll
            # redraws a page.
            assert 0 < plist.rendered <= bound, (keys, plist.rendered)
            assert cursor_fully_visible(plist)
        assert plist.cursor_index == 99_999 - rows + rows // 2
        plist.rendered = 0
        plist.scroll_to(y=50_000 * ROW_HEIGHT, animate=False)
        await pilot.pause()
        assert 0 < plist.rendered <= height
        assert "Paper 50000 " in line_text(plist, 0)
        assert "A. Smith, B. Lee" in line_text(plist, 1)


# --- hostile text ----------------------------------------------------------------------------


@pytest.mark.parametrize("size", [(120, 30), (80, 24), (40, 12)])
async def test_hostile_titles_render_as_text_and_run_nothing(size: tuple[int, int]) -> None:
    records = hostile_records()
    app = ListApp(records)
    async with app.run_test(size=size, notifications=True, tooltips=True) as pilot:
        plist = app.query_one(PaperList)
        await pilot.pause()
        lines = screen_lines(plist)
        width = plist.scrollable_content_region.width
        assert all(cell_len(line) == width for line in lines)
        if width > 40:
            assert any(CLICK in line for line in lines)
        for line in lines:
            assert not any(ord(ch) < 32 or 0x7F <= ord(ch) < 0xA0 for ch in line), repr(line)
            assert "\u202e" not in line
        for row in range(min(len(records), plist.page_rows)):
            await pilot.click(PaperList, offset=(4, row * ROW_HEIGHT))
            await pilot.click(PaperList, offset=(4, row * ROW_HEIGHT + 1))
            await pilot.pause()
            assert app.is_running
        assert app.opened  # clicks on the cursor row opened papers, and nothing else happened
        await pilot.press("G", "g", "enter")
        await pilot.pause()
        assert app.is_running


async def test_records_and_marks_set_before_mounting() -> None:
    plist = PaperList(empty_text="nothing", id="early")
    plist.set_records([make(i) for i in range(300)])
    plist.set_marks(LibraryState(bookmarks={"2501.00250": "x"}), new_since=None)
    assert plist.move_to("2501.00250") and plist.cursor_index == 250

    class EarlyApp(App[None]):
        def compose(self) -> ComposeResult:
            yield plist

    app = EarlyApp()
    async with app.run_test(size=SIZE, notifications=True, tooltips=True) as pilot:
        await pilot.pause()
        assert cursor_fully_visible(plist)
        title, facts = row_text(plist, 250 - plist.top_row)
        assert title.startswith(UNREAD + " Paper 250 ") and facts[0] == BOOKMARK
