"""Hostile data from the network renders as text: no crash, no markup actions, no escapes."""

from __future__ import annotations

from typing import Any

from tests.fakehub import FakeHub
from tests.tui.conftest import settle
from tests.tui.test_app_start import main


async def test_hostile_papers_render_and_run_nothing(
    make_fakehub: Any, hostile_corpus: Any, make_app: Any
) -> None:
    hub: FakeHub = make_fakehub(hostile_corpus)
    app = make_app(hub.url)
    async with app.run_test(size=(120, 40), notifications=True, tooltips=True) as pilot:
        await settle(pilot)
        screen = main(app)
        records = screen.controller.data.records
        assert set(hostile_corpus.hostile_ids) <= set(records)
        for record in records.values():
            text = record.paper.title + record.paper.summary + "".join(
                a.name for a in record.paper.authors)
            assert "\x1b" not in text and "\x07" not in text
        quitter = next(pid for pid in hostile_corpus.hostile_ids
                       if "[@click=app.quit]" in records[pid].paper.title)
        assert screen.paper_list.move_to(quitter)
        await settle(pilot)
        # Click the title in the list and in the detail, and the abstract: nothing may run.
        row = screen.paper_list.cursor_index
        assert row is not None
        await pilot.click("#paper-list", offset=(6, row - int(screen.paper_list.scroll_y)))
        await pilot.click("#paper-detail", offset=(3, 0))
        await pilot.click("#paper-detail", offset=(3, 1))
        await settle(pilot)
        assert app.is_running and app.return_code is None
        # Walk every hostile paper through the detail (500 authors, 60,000 characters...).
        for pid in hostile_corpus.hostile_ids:
            screen.paper_list.move_to(pid)
            await pilot.press("enter", "a", "G", "escape")
            await settle(pilot, rounds=1)
        assert app.is_running
        await pilot.press("slash", *"[/", "enter")  # markup-looking queries are only text
        await pilot.press("ctrl+p", *"[@click", "escape")
        await settle(pilot)
        assert app.is_running and app.return_code is None
