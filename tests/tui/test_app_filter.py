"""The filter box, saved views on 1..9, mute and watch rules, the save and rules dialogs."""

from __future__ import annotations

import re
from typing import Any

from textual.widgets import Input, Static

from reader.config import load_config
from reader.screens.dialogs import RulesDialog, SaveViewDialog
from reader.store.locations import locations
from reader.widgets.filter_pane import ERROR_AFTER_S
from tests.fakehub import Corpus
from tests.tui.conftest import fill_cache, settle, write_config
from tests.tui.test_app_start import main


def _common_title_word(corpus: Corpus) -> str:
    """A longish word that occurs in several titles but not all."""
    counts: dict[str, int] = {}
    for item in corpus.items:
        for word in set(re.findall(r"[a-z]{6,}", item["paper"]["title"].lower())):
            counts[word] = counts.get(word, 0) + 1
    return max((w for w, n in counts.items() if n < len(corpus.items) // 3), key=counts.__getitem__)


async def test_typing_a_query_narrows_the_list(corpus: Corpus, make_app: Any) -> None:
    fill_cache(corpus)
    word = _common_title_word(corpus)
    app = make_app(None)
    async with app.run_test(size=(120, 40), notifications=True, tooltips=True) as pilot:
        await settle(pilot)
        screen = main(app)
        screen.switch_view("all")
        await settle(pilot)
        assert screen.result is not None
        everything = len(screen.result.records)
        await pilot.press("slash", *f"title:{word}")
        await settle(pilot)
        narrowed = screen.result.records
        assert 0 < len(narrowed) < everything
        assert all(word in r.paper.title.lower() for r in narrowed)
        assert app.focused is screen.filter_pane.input  # typing never left the box
        await pilot.press("enter")
        assert app.focused is screen.paper_list


async def test_bad_query_shows_error_and_keeps_the_list(corpus: Corpus, make_app: Any) -> None:
    fill_cache(corpus)
    app = make_app(None)
    async with app.run_test(size=(120, 40), notifications=True, tooltips=True) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("slash", *"has:code")
        await settle(pilot)
        assert screen.result is not None
        good = [r.id for r in screen.result.records]
        await pilot.press(*" (")
        await settle(pilot)
        error = screen.query_one("#filter-error", Static)
        # Typed: the error waits for a pause in the typing, then shows where and why.
        assert not error.display and screen.filter_pane.error_pending
        await pilot.pause(ERROR_AFTER_S + 0.1)
        await settle(pilot)
        assert error.display and not screen.filter_pane.error_pending
        shown = str(error.render())
        assert "^" in shown and len(shown.splitlines()) == 2
        assert [r.id for r in screen.result.records] == good
        await pilot.press("backspace", "backspace")
        await settle(pilot)
        assert not error.display


async def test_number_keys_switch_saved_views(corpus: Corpus, make_app: Any) -> None:
    fill_cache(corpus)
    write_config(locations().config_file,
                 '[views]\n"Code" = "has:code"\n"Big" = "upvotes:>=50 sort:upvotes"\n')
    app = make_app(None)
    async with app.run_test(size=(120, 40), notifications=True, tooltips=True) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("1")
        await settle(pilot)
        assert screen.view_key == "saved:Code"
        assert screen.result is not None and screen.result.records
        assert all(r.paper.github_repo for r in screen.result.records)
        await pilot.press("2")
        await settle(pilot)
        assert screen.view_key == "saved:Big"
        upvotes = [r.paper.upvotes or 0 for r in screen.result.records]
        assert upvotes and min(upvotes) >= 50 and upvotes == sorted(upvotes, reverse=True)
        await pilot.press("3")  # no third view: a calm note, nothing changes
        await settle(pilot)
        assert screen.view_key == "saved:Big"


async def test_mute_rule_hides_and_toggle_reveals(corpus: Corpus, make_app: Any) -> None:
    fill_cache(corpus)
    write_config(locations().config_file, 'mute = ["has:code"]\n')
    app = make_app(None)
    async with app.run_test(size=(120, 40), notifications=True, tooltips=True) as pilot:
        await settle(pilot)
        screen = main(app)
        screen.switch_view("all")
        await settle(pilot)
        assert screen.result is not None
        hidden = screen.result.hidden
        assert hidden > 0
        assert not any(r.paper.github_repo for r in screen.result.records)
        assert f"{hidden:,} muted" in screen.status.view_text
        shown = len(screen.result.records)
        await pilot.press("M")
        await settle(pilot)
        assert len(screen.result.records) == shown + hidden
        assert any(r.paper.github_repo for r in screen.result.records)
        await pilot.press("M")
        await settle(pilot)
        assert len(screen.result.records) == shown


async def test_watch_rule_marks_papers_in_the_list(corpus: Corpus, make_app: Any) -> None:
    fill_cache(corpus)
    write_config(locations().config_file, 'watch = ["has:code"]\n')
    app = make_app(None)
    async with app.run_test(size=(120, 40), notifications=True, tooltips=True) as pilot:
        await settle(pilot)
        watched = main(app).controller.marks.watched
        records = main(app).controller.data.records
        assert watched and all(records[pid].paper.github_repo for pid in watched)


async def test_save_view_dialog_adds_a_numbered_view(corpus: Corpus, make_app: Any) -> None:
    fill_cache(corpus)
    app = make_app(None)
    async with app.run_test(size=(120, 40), notifications=True, tooltips=True) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("slash", *"has:code", "escape", "s")
        await settle(pilot)
        assert isinstance(app.screen, SaveViewDialog)
        await pilot.press(*"Mine", "enter")
        await settle(pilot)
        assert screen.view_key == "saved:Mine"
        assert screen.filter_pane.text == ""
    config = load_config(locations().config_file)
    assert config.views["Mine"] == "has:code"
    assert "# Saved views" in locations().config_file.read_text(encoding="utf-8")


async def test_rules_dialog_adds_a_mute_rule(corpus: Corpus, make_app: Any) -> None:
    fill_cache(corpus)
    app = make_app(None)
    async with app.run_test(size=(120, 40), notifications=True, tooltips=True) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("e")
        assert isinstance(app.screen, RulesDialog)
        await pilot.press(*"has:(", "enter")  # a bad rule is refused, with the reason
        assert app.screen.rules["mute"] == []
        app.screen.query_one("#mute-input", Input).value = ""
        await pilot.press(*"has:code", "enter", "escape")
        await settle(pilot)
        assert screen.result is not None
        assert not any(r.paper.github_repo for r in screen.result.records)
    assert load_config(locations().config_file).mute == ["has:code"]
