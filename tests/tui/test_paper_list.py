"""PaperList: row formatting, keys, mouse, messages, kept cursor, marks, scale, hostile text."""

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
    UNREAD,
    display_safe,
    fit,
    layout,
    row_cells,
    short_authors,
    short_count,
)
from tests.fakehub.hostile import CASES, CLICK

SIZE = (100, 24)


def make(i: int, title: str | None = None, **fields: Any) -> Record:
    """A plain record ``2501.{i:05d}``; ``fields`` go to the Paper, ``listed_on``/... to Record."""
    record_fields = {k: fields.pop(k) for k in ("listed_on", "first_seen") if k in fields}
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


# --- rows (no app) ---------------------------------------------------------------------------


@pytest.mark.parametrize("width", [0, 1, 2, 3, 4, 10, 23, 24, 31, 42, 57, 80, 100, 120, 300])
@pytest.mark.parametrize("title", ["", "short", CLICK, "漢字" * 80, "🚀🤗👩‍🔬" * 20, "x" * 400])
def test_row_fills_exactly_the_width(width: int, title: str) -> None:
    record = make(1, title, upvotes=123_456, num_comments=1234, github_repo="https://g/x")
    cells = row_cells(record, layout(width), unread=True, new=False, bookmarked=True)
    assert sum(cell_len(text) for text, _ in cells) == width


def test_narrow_widths_drop_comments_then_authors_then_date() -> None:
    assert layout(160) == layout(160) and layout(160).comments and layout(160).date == 10
    for width in range(0, 240):
        lay = layout(width)
        # Columns give way in order: comments, authors, long date, date, code mark, upvotes.
        assert not lay.comments or lay.authors
        assert not lay.authors or lay.date == 10
        assert not lay.date or lay.code
        assert not lay.code or lay.upvotes
        assert lay.title >= max(20, width * 2 // 5) or (lay.title == max(0, width - 3))
    assert layout(42).date == 5 and not layout(42).authors
    assert layout(100).authors and layout(100).comments


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
        height = plist.scrollable_content_region.height
        steps = [
            ("down", 1), ("j", 2), ("up", 1), ("k", 0), ("k", 0),
            ("end", 199), ("home", 0), ("G", 199), ("g", 0),
            ("pagedown", height), ("pageup", 0),
            ("ctrl+d", height // 2), ("ctrl+d", 2 * (height // 2)), ("ctrl+u", height // 2),
        ]
        for key, expected in steps:
            await pilot.press(key)
            await pilot.pause()
            assert plist.cursor_index == expected, key
            assert plist.cursor_id == f"2501.{expected:05d}"
            top = plist.scroll_offset.y
            assert top <= expected < top + height, f"cursor scrolled out of view after {key}"
        # One message per actual move; pressing k at the top posts nothing.
        assert app.highlighted[-1] == f"2501.{height // 2:05d}"
        assert app.highlighted.count("2501.00000") == 5
        await pilot.press("enter")
        await pilot.pause()
        assert app.opened == [f"2501.{height // 2:05d}"]


async def test_click_selects_then_opens() -> None:
    app = ListApp([make(i) for i in range(10)])
    async with app.run_test(size=SIZE, notifications=True, tooltips=True) as pilot:
        plist = app.query_one(PaperList)
        await pilot.click(PaperList, offset=(10, 3))
        await pilot.pause()
        assert plist.cursor_index == 3 and app.opened == []
        await pilot.click(PaperList, offset=(10, 3))
        await pilot.pause()
        assert app.opened == ["2501.00003"]
        await pilot.double_click(PaperList, offset=(10, 5))
        await pilot.pause()
        assert plist.cursor_index == 5 and app.opened == ["2501.00003", "2501.00005"]
        await pilot.click(PaperList, offset=(10, 20))  # below the last row
        await pilot.pause()
        assert plist.cursor_index == 5 and app.is_running


async def test_set_records_keeps_the_cursor_paper() -> None:
    records = [make(i) for i in range(100)]
    app = ListApp(records)
    async with app.run_test(size=SIZE, notifications=True, tooltips=True) as pilot:
        plist = app.query_one(PaperList)
        assert plist.move_to("2501.00040")
        await pilot.pause()
        row_on_screen = plist.cursor_index - plist.scroll_offset.y  # type: ignore[operator]
        plist.set_records(records[30:], keep_cursor=True)  # the paper moves to index 10
        await pilot.pause()
        assert plist.cursor_id == "2501.00040" and plist.cursor_index == 10
        assert plist.cursor_index - plist.scroll_offset.y == min(row_on_screen, 10)
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
        assert [line_text(plist, y)[0] for y in range(4)] == [UNREAD] * 4
        assert all(line_text(plist, y)[1] == " " for y in range(4))
        state = LibraryState(bookmarks={"2501.00002": "2025-01-21T00:00:00Z"},
                             read={"2501.00003": "2025-01-21T00:00:00Z"})
        plist.set_marks(state, new_since="2025-01-16T00:00:00+00:00",
                        watched=frozenset({"2501.00000"}))
        await pilot.pause()
        marks = [line_text(plist, y)[:2] for y in range(4)]
        assert marks == [UNREAD + " ", NEW + " ", UNREAD + BOOKMARK, "  "]
        # The watched row (0, also the cursor: compare rows 2 and 1 instead after moving).
        await pilot.press("end")
        await pilot.pause()
        watched_bg = plist.render_line(0)._segments[3].style.bgcolor  # type: ignore[union-attr]
        plain_bg = plist.render_line(2)._segments[3].style.bgcolor  # type: ignore[union-attr]
        assert watched_bg != plain_bg
        plist.set_marks(LibraryState(), new_since=None)
        await pilot.pause()
        assert [line_text(plist, y)[:2] for y in range(4)] == [UNREAD + " "] * 4


# --- scale -----------------------------------------------------------------------------------


async def test_hundred_thousand_records_render_only_the_visible_rows() -> None:
    records = [make(i) for i in range(100_000)]
    app = ListApp()
    async with app.run_test(size=SIZE, notifications=True, tooltips=True) as pilot:
        plist = app.query_one(CountingList)
        plist.set_records(records)
        await pilot.pause()
        height = plist.scrollable_content_region.height
        assert plist.virtual_size.height == 100_000
        for keys, bound in ((("j",), 2), (("k",), 2), (("G",), height), (("pageup",), height),
                            (("ctrl+d",), height)):
            plist.rendered = 0
            await pilot.press(*keys)
            await pilot.pause()
            # Moving the cursor within the page redraws its two rows; a scroll redraws a page.
            assert 0 < plist.rendered <= bound, (keys, plist.rendered)
        assert plist.cursor_index == 99_999 - height + height // 2
        plist.rendered = 0
        plist.scroll_to(y=50_000, animate=False)
        await pilot.pause()
        assert 0 < plist.rendered <= height
        assert "Paper 50000 " in line_text(plist, 0)


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
        for row in range(min(len(records), plist.scrollable_content_region.height)):
            await pilot.click(PaperList, offset=(4, row))
            await pilot.click(PaperList, offset=(4, row))
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
        top = plist.scroll_offset.y
        assert top <= 250 < top + plist.scrollable_content_region.height
        assert line_text(plist, 250 - top)[:2] == UNREAD + BOOKMARK
