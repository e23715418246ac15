"""``text:`` in the filter box: the papers whose full text holds the words, the best passage in
the list and the detail pane, and Enter opening the reading screen at that passage with n/N
ready; hostile passages are shown as plain text."""

from __future__ import annotations

from typing import Any

from reader.screens.main import MainScreen
from reader.screens.reading import ReadingScreen
from reader.store.cache import PaperCache
from reader.store.locations import locations
from reader.widgets.document_view import DocumentView
from tests.fakehub import Corpus
from tests.tui.conftest import fill_cache, settle

FILLER = "\n\n".join(f"Paragraph {k} says nothing in particular about anything." for k in
                     range(300))
PAPER = f"""# A long paper

## 1 Introduction

{FILLER}

## 7 Pruning

Early on, we prune attention heads \x1b]52;c;aGk=\x07 [@click=app.quit]here[/] \u202eevil
and keep the rest.

## 8 Conclusion

We conclude.

{FILLER}
"""


async def filter_by(pilot: Any, text: str) -> MainScreen:
    main = pilot.app.screen
    assert isinstance(main, MainScreen)
    main.filter_pane.set_text(text)
    await settle(pilot)
    return main


async def test_filter_text_then_enter_reads_at_the_passage(corpus: Corpus,
                                                           make_app: Any) -> None:
    items = corpus.items_on(corpus.dates()[-1])
    pid, other = items[1]["paper"]["id"], items[2]["paper"]["id"]
    fill_cache(corpus, days=corpus.dates()[-1:])
    cache = PaperCache(locations().papers_dir)
    cache.fulltext_put(pid, PAPER)
    cache.fulltext_put(other, "# Other\n\nNo such words.\n")
    app = make_app(None)
    async with app.run_test(size=(120, 40), notifications=True, tooltips=True) as pilot:
        await settle(pilot)
        main = await filter_by(pilot, 'text:"attention heads"')
        assert [r.id for r in main.paper_list.records] == [pid]
        assert main.paper_list.cursor_id == pid
        await settle(pilot)
        found = main.text_hits.hits[pid]
        assert found.section == "7 Pruning"
        shown = str(main.detail.query_one("#detail-passage").render())
        assert "Found in the full text" in shown and "7 Pruning" in shown
        assert "attention heads" in shown and "[@click=app.quit]here[/]" in shown
        assert "\x1b" not in shown and "\x07" not in shown and "\u202e" not in shown
        # The list shows the passage in place of the row's second line, as plain text.
        row = "".join(seg.text for seg in main.paper_list.render_line(1))
        assert "§ 7 Pruning" in row and "\x1b" not in row and "\u202e" not in row

        main.paper_list.focus()
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReadingScreen) and screen.loaded
        view = screen.query_one(DocumentView)
        assert screen.document is not None
        block = screen.document.blocks[found.block]
        assert "attention heads" in block.plain
        line = view.line_of(found.block, found.offset)
        assert view.lines[line].block == found.block
        # Scrolled to the passage (its line at the top, as far as the text goes on below it).
        assert view.scroll_y > 100
        assert view.scroll_y <= line < view.scroll_y + view.scrollable_content_region.height
        assert line == int(view.scroll_y) or view.scroll_y == view.max_scroll_y
        assert screen.query_text == "attention heads"
        assert len(view.matches) == 1 and view.current == 0  # the words found: current
        await pilot.press("n")
        await pilot.pause()
        assert view.current == 0  # one match: n stays on it
        assert app.is_running

        await pilot.press("q")
        await settle(pilot)
        assert app.screen is main
        # Another filter without text: the passage is gone, Enter opens the detail again.
        await filter_by(pilot, "")
        assert main.text_hits.query is None
        assert "§" not in "".join(seg.text for seg in main.paper_list.render_line(1))
        assert not main.detail.query_one("#detail-passage").display


async def test_a_bare_word_does_not_search_the_full_texts(corpus: Corpus,
                                                          make_app: Any) -> None:
    pid = corpus.items_on(corpus.dates()[-1])[1]["paper"]["id"]
    fill_cache(corpus, days=corpus.dates()[-1:])
    PaperCache(locations().papers_dir).fulltext_put(pid, "# T\n\nZyxwvut is rare.\n")
    app = make_app(None)
    async with app.run_test(size=(120, 40), notifications=True, tooltips=True) as pilot:
        await settle(pilot)
        main = await filter_by(pilot, "zyxwvut")
        assert main.paper_list.records == []
        main = await filter_by(pilot, "fulltext:zyxw")
        assert [r.id for r in main.paper_list.records] == [pid]
