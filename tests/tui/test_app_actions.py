"""Actions on the highlighted paper: browser, PDF, copy link, sort; library problems reported."""

from __future__ import annotations

import webbrowser
from typing import Any

import pytest

from reader.store.locations import locations
from tests.fakehub import Corpus
from tests.tui.conftest import fill_cache, settle
from tests.tui.test_app_start import main


async def test_open_pdf_and_copy_link(corpus: Corpus, make_app: Any,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    fill_cache(corpus)
    opened: list[str] = []
    monkeypatch.setattr(webbrowser, "open", lambda url, *a, **k: opened.append(url) or True)
    app = make_app(None)
    async with app.run_test(size=(120, 40), notifications=True, tooltips=True) as pilot:
        await settle(pilot)
        pid = main(app).paper_list.cursor_id
        await pilot.press("o", "p", "y")
        await settle(pilot)
        assert opened == [f"https://huggingface.co/papers/{pid}", f"https://arxiv.org/pdf/{pid}"]
        assert app.clipboard == f"https://huggingface.co/papers/{pid}"


async def test_no_browser_is_a_calm_note(corpus: Corpus, make_app: Any,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    fill_cache(corpus)
    monkeypatch.setattr(webbrowser, "open", lambda url, *a, **k: False)
    app = make_app(None)
    async with app.run_test(size=(120, 40), notifications=True, tooltips=True) as pilot:
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        assert any("Could not start a browser" in str(n.message) for n in app._notifications)
        assert app.is_running


async def test_sort_key_cycles_orders(corpus: Corpus, make_app: Any) -> None:
    fill_cache(corpus)
    app = make_app(None)
    async with app.run_test(size=(120, 40), notifications=True, tooltips=True) as pilot:
        await settle(pilot)
        screen = main(app)
        screen.switch_view("all")
        await pilot.press("t")  # date
        await settle(pilot)
        assert screen.result is not None
        days = [r.day for r in screen.result.records]
        assert days == sorted(days, reverse=True) and "sort: date" in screen.status.view_text
        await pilot.press("t")  # upvotes
        await settle(pilot)
        upvotes = [r.paper.upvotes or 0 for r in screen.result.records]
        assert upvotes == sorted(upvotes, reverse=True)


async def test_damaged_library_is_reported_and_kept(corpus: Corpus, make_app: Any) -> None:
    fill_cache(corpus)
    library = locations().ensure().library_file
    library.write_text("{ this is not json", encoding="utf-8")
    app = make_app(None)
    async with app.run_test(size=(120, 40), notifications=True, tooltips=True) as pilot:
        await pilot.pause()  # the toast is read before it times out on a busy machine
        messages = [str(n.message) for n in app._notifications]
        assert any("library" in m.lower() for m in messages), messages
        await settle(pilot)
        await pilot.press("b")  # the app works on, from an empty library
        await settle(pilot)
        assert len(main(app).controller.state.bookmarks) == 1
    aside = [p for p in library.parent.iterdir() if ".corrupt-" in p.name]
    assert aside and aside[0].read_text(encoding="utf-8") == "{ this is not json"
