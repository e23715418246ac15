"""Tags and notes from the app: the dialogs, the list mark, the detail, the tag views, search."""

from __future__ import annotations

from typing import Any

import pytest

from reader.screens.library_dialogs import NoteDialog, TagDialog, TagSuggester
from reader.store.library import Library
from reader.store.locations import locations
from reader.widgets.filter_pane import FilterPane
from tests.fakehub import Corpus
from tests.tui.conftest import fill_cache, settle
from tests.tui.test_app_readonly import record_notes
from tests.tui.test_app_start import main


@pytest.fixture(autouse=True)
def no_editor(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("EDITOR", raising=False)
    monkeypatch.delenv("VISUAL", raising=False)


def view_labels(screen: Any) -> dict[str, int | None]:
    pane = screen.query_one(FilterPane)
    return {k: v for k, v in pane.counts.items() if k.startswith("tag:")}



def flat(text: str) -> str:
    """The detail's text with its wrapping undone (values wrap under a hanging indent)."""
    return " ".join(text.split())

async def test_tagging_shows_everywhere_and_survives_a_restart(
        corpus: Corpus, make_app: Any) -> None:
    fill_cache(corpus)
    Library(locations().library_file).edit_tags("2501.99999", ["survey"])  # not cached
    app = make_app(None)
    async with app.run_test(size=(120, 40), notifications=True, tooltips=True) as pilot:
        await settle(pilot)
        screen = main(app)
        pid = screen.paper_list.cursor_id
        assert pid is not None
        await pilot.press("number_sign")
        await settle(pilot)
        assert isinstance(app.screen, TagDialog)
        # "su" completes to the existing "survey" with the right arrow.
        await pilot.press("s", "u", "right", "space", "t", "o", "d", "o", "enter")
        await settle(pilot)
        assert not isinstance(app.screen, TagDialog)
        assert screen.controller.state.tags[pid] == ("survey", "todo")
        # The detail, the list's mark, the views with counts, and the query language.
        assert "#survey #todo" in flat(screen.detail.query_one("#detail-meta").render().plain)
        row = screen.paper_list.render_line(0).text
        assert row.rstrip().endswith(" #")  # the mark closes the title line
        assert view_labels(screen) == {"tag:survey": 1, "tag:todo": 1}
        screen.filter_pane.set_text("tag:todo")
        await settle(pilot)
        assert screen.result is not None and [r.id for r in screen.result.records] == [pid]
        screen.filter_pane.set_text("")
        await settle(pilot)
        screen.switch_view("tag:survey")
        await settle(pilot)
        assert [r.id for r in screen.result.records] == [pid]
        # Remove one tag: delete the last word in the box.
        screen.switch_view("all")
        await settle(pilot)
        screen.paper_list.move_to(pid)
        await pilot.press("number_sign")
        await settle(pilot)
        box = app.screen.query_one("#tag-input")
        box.value = "todo"
        await pilot.press("enter")
        await settle(pilot)
        assert screen.controller.state.tags[pid] == ("todo",)
        assert view_labels(screen) == {"tag:survey": 0, "tag:todo": 1}  # 2501.99999: uncached
    assert Library(locations().library_file).snapshot().tags[pid] == ("todo",)
    again = make_app(None)
    async with again.run_test(size=(120, 40), notifications=True, tooltips=True) as pilot:
        await settle(pilot)
        screen = main(again)
        assert screen.controller.state.tags[pid] == ("todo",)
        assert view_labels(screen)["tag:todo"] == 1


async def test_escape_leaves_the_tags_alone(corpus: Corpus, make_app: Any) -> None:
    fill_cache(corpus)
    app = make_app(None)
    async with app.run_test(size=(120, 40), notifications=True, tooltips=True) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("number_sign", "x", "escape")
        await settle(pilot)
        assert screen.controller.state.tags == {}
        assert not Library(locations().library_file).snapshot().tags


async def test_a_note_is_written_shown_searched_and_removed(
        corpus: Corpus, make_app: Any) -> None:
    fill_cache(corpus)
    app = make_app(None)
    async with app.run_test(size=(120, 40), notifications=True, tooltips=True) as pilot:
        await settle(pilot)
        screen = main(app)
        pid = screen.paper_list.cursor_id
        assert pid is not None
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, NoteDialog)
        await pilot.press(*"see [b]table[/b] 3", "ctrl+s")
        await settle(pilot)
        assert screen.controller.state.notes[pid] == "see [b]table[/b] 3"
        assert "see [b]table[/b] 3" in flat(screen.detail.query_one("#detail-meta").render().plain)
        assert "¶" in screen.paper_list.render_line(0).text
        screen.filter_pane.set_text("note:table")
        await settle(pilot)
        assert [r.id for r in screen.result.records] == [pid]
        screen.filter_pane.set_text("")
        await settle(pilot)
        screen.paper_list.focus()
        screen.paper_list.move_to(pid)
        await pilot.press("n")
        await settle(pilot)
        app.screen.query_one("#note-text").text = "  "
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert pid not in screen.controller.state.notes
    assert Library(locations().library_file).snapshot().notes == {}


async def test_a_failed_write_is_reported_and_nothing_changes(
        corpus: Corpus, make_app: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    from reader.store import storage

    fill_cache(corpus)
    seen = record_notes(monkeypatch)
    app = make_app(None)
    async with app.run_test(size=(120, 40), notifications=True, tooltips=True) as pilot:
        await settle(pilot)
        screen = main(app)

        def full(*args: Any, **kwargs: Any) -> None:
            raise OSError(errno.ENOSPC, "No space left on device")

        monkeypatch.setattr(storage, "atomic_write_bytes", full)
        await pilot.press("number_sign", "a", "enter")
        await settle(pilot)
        assert screen.controller.state.tags == {}
        assert any("No space left" in m for m in seen)


async def test_the_suggester_completes_the_last_word_only() -> None:
    s = TagSuggester({"survey": 3, "surf": 5, "todo": 1})
    assert await s.get_suggestion("su") == "surf"
    assert await s.get_suggestion("surf su") == "surf survey"
    assert await s.get_suggestion("todo ") is None
    assert await s.get_suggestion("x") is None


async def test_export_marked_papers_to_a_file_and_the_view_to_the_clipboard(
        corpus: Corpus, make_app: Any, tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from reader.screens.export_dialog import ExportDialog

    bibtexparser = pytest.importorskip("bibtexparser")
    fill_cache(corpus)
    seen = record_notes(monkeypatch)
    app = make_app(None)
    async with app.run_test(size=(120, 40), notifications=True, tooltips=True) as pilot:
        await settle(pilot)
        screen = main(app)
        first = screen.paper_list.cursor_id
        await pilot.press("x", "j", "x", "j", "x", "x")  # the third is marked, then unmarked
        await settle(pilot)
        marked = list(screen.export_ops.marked)
        assert len(marked) == 2 and marked[0] == first
        assert screen.paper_list.render_line(0).text.startswith("✓")
        await pilot.press("E")
        await settle(pilot)
        assert isinstance(app.screen, ExportDialog)
        target = tmp_path / "out.bib"
        app.screen.query_one("#export-path").value = str(target)
        await pilot.press("enter")
        await settle(pilot)
        parsed = bibtexparser.parse_string(target.read_text(encoding="utf-8"))
        assert [e.fields_dict["eprint"].value for e in parsed.entries] == marked
        # The whole view as Markdown, to the clipboard.
        await pilot.press("E")
        await settle(pilot)
        await pilot.click("#scope-view")
        await pilot.click("#format-markdown")
        await pilot.click("#export-copy")
        await settle(pilot)
        assert app.clipboard.startswith(f"# Reading list ({len(screen.result.records):,} papers)")
        assert any("Copied" in m for m in seen)


async def test_with_an_editor_set_but_no_terminal_the_text_area_is_used(
        corpus: Corpus, make_app: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Headless (tests, web) the app cannot be suspended for $EDITOR: the text area instead."""
    monkeypatch.setenv("EDITOR", "false")
    fill_cache(corpus)
    app = make_app(None)
    async with app.run_test(size=(120, 40), notifications=True, tooltips=True) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, NoteDialog)
        await pilot.press("escape")
        await settle(pilot)
        assert main(app).controller.state.notes == {}
