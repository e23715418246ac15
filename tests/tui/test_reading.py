"""The reading screen, end to end against the fake hub: bookmark, go offline, read, jump, find,
leave, come back to the same place."""

from __future__ import annotations

from typing import Any

import orjson

from reader.screens.main import MainScreen
from reader.screens.reading import ReadingScreen
from reader.store.cache import PaperCache
from reader.store.locations import locations
from reader.widgets.document_view import DocumentView
from tests.fakehub import FakeHub
from tests.tui.conftest import fill_cache, settle


def reading(app: Any) -> ReadingScreen:
    screen = app.screen
    assert isinstance(screen, ReadingScreen), type(screen).__name__
    return screen


async def open_paper(pilot: Any, paper_id: str) -> MainScreen:
    screen = pilot.app.screen
    assert isinstance(screen, MainScreen)
    screen.jump_to(paper_id)
    await settle(pilot)
    assert screen.paper_list.cursor_id == paper_id
    return screen


async def test_bookmark_then_read_offline_jump_find_and_come_back(
        hf_endpoint: FakeHub, make_app: Any) -> None:
    corpus = hf_endpoint.corpus
    pid = corpus.long_id  # the 60-page paper
    fill_cache(corpus, days=corpus.dates()[-1:])
    app = make_app(hf_endpoint.url)
    async with app.run_test(size=(120, 40), notifications=True, tooltips=True) as pilot:
        await settle(pilot)
        main = await open_paper(pilot, pid)
        await pilot.press("b")  # bookmark: queues the full text
        await settle(pilot)
        assert app.controller.state.is_bookmarked(pid)
        assert f"/papers/{pid}.md" in [p for _, p, _, _ in hf_endpoint.requests]
        assert PaperCache(locations().papers_dir).fulltext_get(pid) == corpus.markdown(pid)
        assert pid in main.downloads.texts and pid in main.paper_list._local
        hf_endpoint.stop()  # from here on, offline

        await pilot.press("v")
        await settle(pilot)
        screen = reading(app)
        view = screen.query_one(DocumentView)
        assert screen.loaded and len(view.lines) > 2000  # 60 pages at this width
        document = screen.document
        assert document is not None and len(document.headings) > 20
        assert view.scroll_y == 0

        # The table of contents: open it, go down five sections, jump.
        await pilot.press("t")
        await pilot.pause()
        for _ in range(5):
            await pilot.press("down")
        await pilot.press("enter")
        await settle(pilot)
        assert app.focused is view
        target = document.headings[screen.toc.highlighted or 0]
        assert view.position()[0] == target and view.scroll_y > 0
        # ] and [ jump between sections too.
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert view.position()[0] == document.headings[(screen.toc.highlighted or 0) + 1]

        # Find: every match counted, n moves to the next one below.
        word = "Ablations"
        await pilot.press("slash")
        await pilot.press(*word, "enter")
        await settle(pilot)
        count = sum(b.plain.lower().count(word.lower()) for b in document.blocks)
        assert count > 1 and len(view.matches) == count
        first = view.current
        status = str(screen.query_one("#reading-status").render())  # a Content
        assert f"{first + 1}/{count} matches" in status
        await pilot.press("n")
        await pilot.pause()
        assert view.current == (first + 1) % count
        await pilot.press("N")
        await pilot.pause()
        assert view.current == first

        # Page keys and vim keys move; leaving keeps the place.
        await pilot.press("pagedown", "pagedown", "j", "j")
        await pilot.pause()
        place = view.position()
        await pilot.press("q")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        saved = orjson.loads((locations().data_dir / "reading.json").read_bytes())
        assert saved["positions"][pid]["block"] == place[0]

        await pilot.press("v")
        await settle(pilot)
        view = reading(app).query_one(DocumentView)
        assert view.position() == place

    # A new session, started offline, opens at the same place too.
    app = make_app(None)
    async with app.run_test(size=(120, 40), notifications=True, tooltips=True) as pilot:
        await settle(pilot)
        await open_paper(pilot, pid)
        await pilot.press("v")
        await settle(pilot)
        assert reading(app).query_one(DocumentView).position() == place


async def test_not_downloaded_says_so_and_d_queues_it(hf_endpoint: FakeHub,
                                                      make_app: Any) -> None:
    corpus = hf_endpoint.corpus
    pid = corpus.items_on(corpus.dates()[-1])[3]["paper"]["id"]
    fill_cache(corpus, days=corpus.dates()[-1:])
    app = make_app(hf_endpoint.url)
    async with app.run_test(size=(120, 40), notifications=True, tooltips=True) as pilot:
        await settle(pilot)
        await open_paper(pilot, pid)
        await pilot.press("v")
        await settle(pilot)
        screen = reading(app)
        assert screen.missing
        message = str(screen.query_one("#reading-message").render())
        assert "not downloaded" in message and "Press d" in message
        await pilot.press("d")
        await settle(pilot)
        assert not screen.missing and screen.loaded
        assert screen.document is not None and screen.document.headings


async def test_offline_without_full_text_explains(corpus: Any, make_app: Any) -> None:
    pid = corpus.items_on(corpus.dates()[-1])[2]["paper"]["id"]
    fill_cache(corpus, days=corpus.dates()[-1:])
    app = make_app(None)
    async with app.run_test(size=(100, 30), notifications=True, tooltips=True) as pilot:
        await settle(pilot)
        await open_paper(pilot, pid)
        await pilot.press("enter")  # opens the paper in the detail (focus moves there)
        await settle(pilot)
        await pilot.press("enter")  # Enter on the detail: the reading screen
        await settle(pilot)
        screen = reading(app)
        assert screen.missing
        assert "--offline" in str(screen.query_one("#reading-message").render())
        await pilot.press("d")
        await pilot.pause()
        assert any("Offline" in n.message for n in app._notifications)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)


async def test_bookmarking_does_not_download_when_turned_off(
        hf_endpoint: FakeHub, make_app: Any) -> None:
    from tests.tui.conftest import write_config

    corpus = hf_endpoint.corpus
    pid = corpus.items_on(corpus.dates()[-1])[4]["paper"]["id"]
    fill_cache(corpus, days=corpus.dates()[-1:])
    write_config(locations().config_file, "fulltext_on_bookmark = false\n")
    app = make_app(hf_endpoint.url)
    async with app.run_test(size=(120, 40), notifications=True, tooltips=True) as pilot:
        await settle(pilot)
        await open_paper(pilot, pid)
        await pilot.press("b")
        await settle(pilot)
        assert app.controller.state.is_bookmarked(pid)
        assert not [p for _, p, _, _ in hf_endpoint.requests if p.endswith(".md")]
        await pilot.press("d")  # on demand still works
        await settle(pilot)
        assert PaperCache(locations().papers_dir).fulltext_get(pid) == corpus.markdown(pid)
        meta = str(app.screen.query_one("#paper-detail").query_one("#detail-meta").render())
        assert "full text downloaded" in " ".join(meta.split())  # the value may wrap


def test_readme_lists_every_reading_key() -> None:
    from pathlib import Path

    from textual.binding import Binding

    from reader.keys import READING_KEYS

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Reading offline"):readme.index("## The query language")]
    ids = [key.id for key in READING_KEYS]
    ids += [b.id for b in DocumentView.BINDINGS if isinstance(b, Binding) and b.id]
    for binding_id in ids:
        assert f"`{binding_id}`" in section, binding_id


async def test_a_queue_cut_off_by_the_network_tries_again(
        hf_endpoint: FakeHub, make_app: Any, monkeypatch: Any) -> None:
    import asyncio

    from reader.main_screen import downloads

    monkeypatch.setattr(downloads, "RETRY_S", 0.3)
    corpus = hf_endpoint.corpus
    pid = corpus.items_on(corpus.dates()[-1])[5]["paper"]["id"]
    fill_cache(corpus, days=corpus.dates()[-1:])
    hf_endpoint.inject("drop", path="/papers/", times=None)
    app = make_app(hf_endpoint.url)
    async with app.run_test(size=(120, 40), notifications=True, tooltips=True) as pilot:
        await settle(pilot)
        main = await open_paper(pilot, pid)
        await pilot.press("d")
        await settle(pilot)
        assert list(main.downloads.queue.pending) == [pid]  # kept for later
        assert any("stays queued" in n.message for n in app._notifications)
        hf_endpoint.clear_faults()
        for _ in range(100):
            await asyncio.sleep(0.05)
            await settle(pilot, 1)
            if pid in main.downloads.texts:
                break
        assert pid in main.downloads.texts and not main.downloads.queue.pending
