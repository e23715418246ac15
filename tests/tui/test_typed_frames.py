"""What a typed filter redraws: the list draws only the lines that change (and never a stale
one), keys and results lay nothing out, fast typing ends on the last query's list and count,
and the detail follows the first paper once the typing pauses."""

from __future__ import annotations

import dataclasses
from typing import Any

from textual.geometry import Region
from textual.widget import Widget

from reader.widgets.paper_list import PaperList
from reader.widgets.rows import short_count
from tests.fakehub import Corpus
from tests.tui.conftest import fill_cache, settle
from tests.tui.test_app_start import main
from tests.tui.test_paper_list import SIZE, ListApp, make


def drawn(plist: PaperList) -> list[str]:
    """The list's lines as the screen gets them (through Textual's line cache, so a line
    that was not redrawn shows what it showed before)."""
    strips = plist.render_lines(Region(0, 0, plist.size.width, plist.size.height))
    return ["".join(segment.text for segment in strip) for strip in strips]


class LayoutSpy:
    """Counts the layouts that widgets ask for (``refresh(layout=True)``)."""

    def __init__(self, monkeypatch: Any) -> None:
        self.asked: list[str] = []
        original = Widget.refresh

        def refresh(widget: Widget, *regions: Any, layout: bool = False, **kw: Any) -> Any:
            if layout:
                self.asked.append(f"{type(widget).__name__}#{widget.id}")
            return original(widget, *regions, layout=layout, **kw)

        monkeypatch.setattr(Widget, "refresh", refresh)


async def test_a_new_result_redraws_the_lines_that_change_and_no_stale_one() -> None:
    records = [make(i) for i in range(100)]
    app = ListApp(records)
    async with app.run_test(size=SIZE) as pilot:
        plist = app.query_one(PaperList)
        await pilot.pause()
        assert "Paper 0 on" in drawn(plist)[0]
        # The first two rows stay (the same records), the third comes back under its id
        # with a new title (a refresh), the rest are other papers.
        renamed = make(2, "Renamed by a refresh")
        new = [records[0], records[1], renamed, *records[50:]]
        plist.set_records(new, keep_cursor=True)
        await pilot.pause()
        lines = drawn(plist)
        assert "Paper 0 on" in lines[0] and "Paper 1 on" in lines[2]
        assert "Renamed by a refresh" in lines[4]
        assert "Paper 50 on" in lines[6] and "Paper 51 on" in lines[8]
        # The cursor moved with a new result (to the top), and back in place: drawn both times.
        plist.set_records(records[10:], keep_cursor=False)
        await pilot.pause()
        assert "Paper 10 on" in drawn(plist)[0] and plist.cursor_index == 0
        plist.set_records(records, keep_cursor=False)
        await pilot.pause()
        assert "Paper 0 on" in drawn(plist)[0] and "Paper 1 on" in drawn(plist)[2]
        # Fewer rows than the screen holds: the lines below the last row are blank again.
        plist.set_records(records[:3], keep_cursor=True)
        await pilot.pause()
        lines = drawn(plist)
        assert "Paper 2 on" in lines[4] and not any(line.strip() for line in lines[6:])


async def test_a_new_result_asks_for_no_layout_and_the_scrollbar_stays(
        monkeypatch: Any) -> None:
    records = [make(i) for i in range(200)]
    app = ListApp(records)
    async with app.run_test(size=SIZE) as pilot:
        plist = app.query_one(PaperList)
        await pilot.pause()
        spy = LayoutSpy(monkeypatch)
        plist.set_records(records[40:], keep_cursor=False)
        plist.set_records(records[::-1], keep_cursor=True)
        await pilot.pause()
        assert spy.asked == []
        assert plist.virtual_size.height == 200 * 2 and plist.max_scroll_y > 0
        plist.set_records(records[:2], keep_cursor=True)  # fits: the scrollbar stays
        await pilot.pause()
        assert plist.max_scroll_y == 0 and plist.show_vertical_scrollbar
        plist.set_records(records, keep_cursor=True)
        await pilot.pause()
        assert plist.show_vertical_scrollbar
        assert spy.asked == []  # neither a longer nor a shorter result lays anything out
        plist.action_cursor_bottom()
        await pilot.pause()
        assert plist.cursor_index == 199 and plist.scroll_offset.y == plist.max_scroll_y


async def test_fast_typing_ends_on_the_last_query_and_the_detail_follows_after_a_pause(
        corpus: Corpus, make_app: Any, monkeypatch: Any) -> None:
    import reader.screens.main as main_module

    fill_cache(corpus)
    app = make_app(None)
    async with app.run_test(size=(120, 40), notifications=True, tooltips=True) as pilot:
        await settle(pilot)
        screen = main(app)
        c = screen.controller
        titles = [r.paper.title.lower() for r in c.data.records.values()]
        first_id = screen.paper_list.cursor_id
        # A word in some titles, but not in the first paper's: the first paper changes.
        word = next(w for t in titles for w in t.split() if len(w) > 6 and w.isalpha()
                    and sum(w in x for x in titles) < len(titles) // 2
                    and w not in c.data.records[first_id or ""].paper.title.lower())
        shown_before = screen.detail.record
        assert shown_before is not None and shown_before.id == first_id
        monkeypatch.setattr(main_module, "DETAIL_AFTER_TYPING_S", 60.0)  # a long pause
        spy = LayoutSpy(monkeypatch)
        await pilot.press("slash", *word)  # no pause between the keys
        await settle(pilot)
        assert screen.result is not None and screen.result.query.text == word
        expected = c.run(c.snapshot(), screen.view, screen.query_obj)
        assert [r.id for r in screen.paper_list.records] == [r.id for r in expected.records]
        assert screen.paper_list.cursor_index == 0
        status = screen.status.view_text
        assert f"{len(expected.records):,} of" in status and f"filter: {word}" in status
        # Keys and results asked for no layout: the box repaints, the list redraws lines,
        # the detail waits, the list's scrollbar stays.
        assert spy.asked == []
        assert screen.paper_list.cursor_id != first_id
        assert screen.detail.record is shown_before  # the typing has not paused yet
        # Enter leaves the box: the typing is over, the detail follows without the wait.
        await pilot.press("enter")
        await settle(pilot)
        assert app.focused is screen.paper_list
        assert screen.detail.record is not None
        assert screen.detail.record.id == screen.paper_list.cursor_id

        # Typing again, the detail follows once the typing pauses.
        monkeypatch.setattr(main_module, "DETAIL_AFTER_TYPING_S", 0.2)
        await pilot.press("slash", *word[:2])
        await settle(pilot)
        assert app.focused is screen.filter_pane.input
        await pilot.pause(0.4)
        await settle(pilot)
        assert screen.paper_list.cursor_index == 0
        assert screen.detail.record is not None
        assert screen.detail.record.id == screen.paper_list.cursor_id


async def test_a_refreshed_record_under_the_cursor_is_drawn_with_its_new_counts() -> None:
    records = [make(i, upvotes=7) for i in range(30)]
    app = ListApp(records)
    async with app.run_test(size=SIZE) as pilot:
        plist = app.query_one(PaperList)
        await pilot.pause()
        before = drawn(plist)[1]
        newer = records[0].replace(paper=dataclasses.replace(records[0].paper, upvotes=4321))
        plist.set_records([newer, *records[1:]], keep_cursor=True)
        await pilot.pause()
        after = drawn(plist)[1]
        assert before != after and short_count(4321) in after
