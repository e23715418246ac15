"""Rows a person can read: title cells and first authors per terminal size, in the real app."""

from __future__ import annotations

import statistics
from typing import Any

import pytest
from rich.cells import cell_len

from reader.config import Config
from reader.widgets.rows import ROW_HEIGHT, short_authors
from tests.fakehub import Corpus, FakeHub
from tests.tui.conftest import fill_cache, settle
from tests.tui.test_app_start import main

# Terminal size -> the least title cells every row must show (the targets).
TITLE_CELLS = {(80, 24): 45, (120, 40): 60, (200, 50): 65}


def _lines(plist: Any, y0: int, count: int) -> list[str]:
    return ["".join(s.text for s in plist.render_line(y)) for y in range(y0, y0 + count)]


def _facts_of(plist: Any, index: int) -> str:
    """The second line of the row of record ``index`` (which must be on screen)."""
    return _lines(plist, index * ROW_HEIGHT + 1 - plist.scroll_offset.y, 1)[0]


@pytest.mark.parametrize("size", list(TITLE_CELLS))
async def test_rows_show_the_title_and_first_authors(
        size: tuple[int, int], corpus: Corpus, make_app: Any) -> None:
    fill_cache(corpus)
    app = make_app(None)
    async with app.run_test(size=size, notifications=True, tooltips=True) as pilot:
        await settle(pilot)
        plist = main(app).paper_list
        records = list(plist.records)
        assert records
        rows = plist.page_rows
        lines = _lines(plist, 0, rows * ROW_HEIGHT)
        for i, record in enumerate(records[:rows]):
            title_line, facts_line = lines[2 * i], lines[2 * i + 1]
            title = record.paper.title
            # The title line holds the title from its third cell: count how much of it shows.
            shown = title_line[2:].rstrip()
            whole = shown == title
            cells = cell_len(shown.rstrip("…"))
            assert whole or cells >= TITLE_CELLS[size], (size, cells, title)
            first = short_authors(record.paper.authors, 200).split(",")[0].split(" +")[0]
            assert first and first in facts_line, (facts_line, first)


async def test_a_typical_title_is_whole_at_200_columns(corpus: Corpus, make_app: Any) -> None:
    fill_cache(corpus)
    app = make_app(None)
    async with app.run_test(size=(200, 50), notifications=True, tooltips=True) as pilot:
        await settle(pilot)
        plist = main(app).paper_list
        median = statistics.median(cell_len(r.paper.title) for r in plist.records)
        lines = _lines(plist, 0, plist.page_rows * ROW_HEIGHT)
        whole = [r for i, r in enumerate(plist.records[:plist.page_rows])
                 if lines[2 * i][2:].rstrip() == r.paper.title]
        # Every title no longer than the median (and no longer than 65 cells) shows whole.
        short = [r for r in plist.records[:plist.page_rows]
                 if cell_len(r.paper.title) <= max(65, median)]
        assert short and all(r in whole for r in short)


def test_reading_is_explicit_by_default() -> None:
    assert Config().read_after_seconds == 0


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_skimming_does_not_mark_read(
        size: tuple[int, int], corpus: Corpus, make_app: Any) -> None:
    fill_cache(corpus)
    app = make_app(None)
    async with app.run_test(size=size, notifications=True, tooltips=True) as pilot:
        await settle(pilot)
        screen = main(app)
        skimmed = []
        for _ in range(5):
            await pilot.press("j")
            await pilot.pause()
            skimmed.append(screen.paper_list.cursor_id)
        await pilot.pause(0.2)
        assert screen._read_timer is None  # no dwell timer runs by default
        assert not any(screen.controller.state.is_read(pid) for pid in skimmed if pid)
        await pilot.press("enter")
        await settle(pilot)
        assert screen.controller.state.is_read(skimmed[-1] or "")


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_linked_repos_come_without_enter_once_the_cursor_rests(
        size: tuple[int, int], hf_endpoint: FakeHub, make_app: Any,
        monkeypatch: pytest.MonkeyPatch) -> None:
    # A longer rest than the app's, so that a busy machine's slow key presses never rest as
    # long on the papers passed over (the debounce itself is what is tested, not its length).
    import reader.widgets.paper_detail as detail_module

    monkeypatch.setattr(detail_module, "LINKED_DELAY", 2.0)
    corpus = hf_endpoint.corpus
    fill_cache(corpus)
    app = make_app(hf_endpoint.url)
    async with app.run_test(size=size, notifications=True, tooltips=True) as pilot:
        await settle(pilot)
        screen = main(app)
        passed = []
        for _ in range(4):  # quick moves: the papers passed over are not fetched
            await pilot.press("j")
            passed.append(screen.paper_list.cursor_id)
        rested = passed.pop()
        await pilot.pause(2.3)
        await settle(pilot)
        asked = [path for _, path, _, _ in hf_endpoint.requests if path.endswith("/repos")]
        assert f"/api/arxiv/{rested}/repos" in asked
        assert not any(f"/api/arxiv/{pid}/repos" in asked for pid in passed)
        assert screen.controller.cache.linked_get(rested or "") is not None
        assert screen.detail.record is not None and screen.detail.record.id == rested
        assert "not fetched" not in str(screen.detail.query_one("#detail-linked").render())
        assert not screen.controller.state.is_read(rested or "")  # fetched, still unread


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_rank_stars_and_dates_follow_the_view_and_sort(
        size: tuple[int, int], corpus: Corpus, make_app: Any) -> None:
    fill_cache(corpus)
    app = make_app(None)
    async with app.run_test(size=size, notifications=True, tooltips=True) as pilot:
        await settle(pilot)
        screen = main(app)
        plist = screen.paper_list
        facts = _lines(plist, 1, 1)[0]
        assert "listed " not in facts and "#" not in facts  # one day: the status names it
        screen.switch_view("trending")
        await settle(pilot)
        top = plist.top_row
        for i in range(top, top + 3):
            facts = _facts_of(plist, i)
            assert facts.startswith(f"  #{plist.records[i].trending_rank} "), facts
            assert "listed 20" in facts  # several days: the row says which
        screen.switch_view("all")
        await settle(pilot)
        while "sort: stars" not in screen.status.view_text:
            await pilot.press("t")
            await settle(pilot)
        await pilot.press("g")  # the most starred papers are at the top
        await settle(pilot)
        top = plist.top_row
        for i in range(top, top + 3):
            count = plist.records[i].paper.github_stars
            line = _facts_of(plist, i)
            assert count and line.rstrip().endswith(f"☆{count}" if count < 10_000
                                                    else f"☆{count // 1000}k")
