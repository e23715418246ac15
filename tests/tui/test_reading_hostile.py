"""A hostile full text (markup, escapes, OSC 52, bidi, action links, 5 MB) renders as text,
runs nothing and puts no control byte on the screen."""

from __future__ import annotations

from typing import Any

from reader.hub.parse import paper_from_item
from reader.screens.reading import ReadingScreen, openable
from reader.store.cache import PaperCache
from reader.store.locations import locations
from reader.widgets.document_view import DocumentView
from tests.conftest import CORPUS_END
from tests.fakehub import Corpus
from tests.tui.conftest import settle


def _bad(text: str) -> bool:
    """A control character (other than the rows' newlines), a C1 byte or a bidi override."""
    return any((c != "\n" and ord(c) < 32) or 0x7F <= ord(c) < 0xA0
               or c in "\u202e\u2066\u200b" for c in text)


def screen_text(view: DocumentView) -> str:
    rows = []
    for y in range(view.size.height):
        strip = view.render_line(y)
        rows.append("".join(seg.text for seg in strip))
        assert all(not (seg.style and seg.style.link) for seg in strip)  # no OSC 8 links
        assert all(not (seg.style and seg.style.meta) for seg in strip)  # no @click actions
    return "\n".join(rows)


async def test_hostile_full_texts_render_as_text(hostile_corpus: Corpus, make_app: Any) -> None:
    newest = CORPUS_END.isoformat()
    cache = PaperCache(locations().ensure().papers_dir)
    papers = [p for p in map(paper_from_item, hostile_corpus.items_on(newest)) if p is not None]
    cache.merge(papers, listed_on=newest, now="2026-03-06T06:00:00+00:00")
    ids = hostile_corpus.hostile_ids
    # Stored raw, as a tampered cache file would be: the hub's cleaning is not relied on.
    for pid in ids:
        cache.fulltext_put(pid, hostile_corpus.markdown(pid) or "")
    huge = max(ids, key=lambda pid: len(hostile_corpus.markdown(pid) or ""))
    app = make_app(None)
    async with app.run_test(size=(120, 40), notifications=True, tooltips=True) as pilot:
        await settle(pilot)
        positions = app.screen.downloads.positions
        for pid in (ids[0], ids[3], ids[4], huge):
            screen = ReadingScreen(pid, "[b]title[/", cache, positions)
            await app.push_screen(screen)
            await settle(pilot)
            assert screen.loaded, pid
            view = screen.query_one(DocumentView)
            shown = screen_text(view)
            assert not _bad(shown), pid
            if pid == ids[0]:
                assert "Hostile [@click=app.quit]x[/] paper [b]bold [/ [red]colour" in shown
                await pilot.click(DocumentView, offset=(20, 0))  # on the markup: nothing runs
            if pid == huge:
                assert len(view.lines) > 50_000
                await pilot.press("G")
                await pilot.pause()
                assert not _bad(screen_text(view))
            await pilot.press("slash", *"click", "enter")
            await settle(pilot)
            assert view.matches and not _bad(screen_text(view))
            await pilot.press("o")  # the links list: shown, and only http(s) would open
            await pilot.pause()
            if app.screen is not screen:
                await pilot.press("escape")
                await pilot.pause()
            await pilot.press("q")
            await settle(pilot)
        assert app.is_running and app.return_code is None


def test_only_web_links_open() -> None:
    assert openable("https://arxiv.org/abs/2401.00001") and openable("http://x.org/a")
    for url in ("@click=app.quit", "javascript:alert(1)", "file:///etc/passwd", "data:,x",
                "app.quit", "https://", "ftp://x.org/f"):
        assert not openable(url), url
