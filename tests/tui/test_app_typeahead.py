"""Keys typed right after a key that moves the focus land in the widget it focuses (issue 16)."""

from __future__ import annotations

import threading
import time
from typing import Any

from textual import events
from textual.keys import _character_to_key
from textual.widgets import Input

from reader.app import PaperReaderApp
from reader.screens.dialogs import RulesDialog
from tests.fakehub import Corpus
from tests.tui.conftest import fill_cache, settle
from tests.tui.test_app_start import main

WORD = "bigramornu"  # b bookmarks, m marks read, o opens a browser, r refreshes


def burst(app: PaperReaderApp, keys: list[str]) -> None:
    """Queue every key at once, as a fast typist (or a terminal's paste of keys) would: no
    pause between them for the app to catch up."""
    for key in keys:
        if len(key) == 1:
            name = key if key.isalnum() else _character_to_key(key)
            app.post_message(events.Key(name, key))
        else:
            app.post_message(events.Key(key, {"enter": "\r", "escape": "\x1b"}.get(key)))


def slow_store(app: PaperReaderApp, seconds: float = 1.0) -> threading.Event:
    """Make loading every paper block for ``seconds`` (in its thread) and the UI's install of
    the result take a moment too: the app is busy when the burst arrives."""
    controller = app.controller
    load_all, install = controller.load_all, controller.install
    started = threading.Event()

    def slow_load_all(*args: Any) -> Any:
        started.set()
        time.sleep(seconds)
        return load_all(*args)

    def slow_install(*args: Any, **kwargs: Any) -> Any:
        time.sleep(0.2)  # on the UI loop: keys pile up behind it
        return install(*args, **kwargs)

    controller.load_all = slow_load_all  # type: ignore[method-assign]
    controller.install = slow_install  # type: ignore[method-assign]
    return started


def library(app: PaperReaderApp) -> tuple[frozenset[str], frozenset[str]]:
    state = app.controller.library.snapshot()
    return frozenset(state.bookmarks), frozenset(state.read)


async def test_slash_and_a_word_in_one_burst_while_loading(corpus: Corpus, make_app: Any) -> None:
    fill_cache(corpus, store=True)  # as a used home: every paper loads at once, from it
    for size in ((80, 24), (120, 40)):
        app = make_app(None)
        started = slow_store(app)
        before = library(app)
        async with app.run_test(size=size, notifications=True, tooltips=True) as pilot:
            await pilot.pause()
            assert started.wait(5)
            burst(app, ["/", *WORD])
            await settle(pilot)
            screen = main(app)
            assert screen.filter_pane.text == WORD
            assert app.focused is screen.filter_pane.input
            assert library(app) == before
            assert not any(w.group in ("browser", "refresh") for w in app.workers)


async def test_capital_s_and_words_in_one_burst(corpus: Corpus, make_app: Any) -> None:
    fill_cache(corpus, store=True)  # as a used home: every paper loads at once, from it
    app = make_app(None)
    started = slow_store(app)
    before = library(app)
    async with app.run_test(size=(120, 40), notifications=True, tooltips=True) as pilot:
        await pilot.pause()
        assert started.wait(5)
        burst(app, ["S", *"mobile robot"])
        await settle(pilot)
        screen = main(app)
        assert screen.filter_pane.text == "?mobile robot"
        assert library(app) == before


async def test_e_and_a_rule_in_one_burst(corpus: Corpus, make_app: Any) -> None:
    fill_cache(corpus, store=True)  # as a used home: every paper loads at once, from it
    app = make_app(None)
    started = slow_store(app)
    before = library(app)
    async with app.run_test(size=(120, 40), notifications=True, tooltips=True) as pilot:
        await pilot.pause()
        assert started.wait(5)
        burst(app, ["e", *"kw:bigram"])
        await settle(pilot)
        assert isinstance(app.screen, RulesDialog)
        box = app.screen.query_one("#mute-input", Input)
        assert box.value == "kw:bigram"
        assert library(app) == before


async def test_held_j_moves_per_key_and_the_detail_follows_once(
        corpus: Corpus, make_app: Any) -> None:
    fill_cache(corpus, store=True)  # as a used home: every paper loads at once, from it
    app = make_app(None)
    async with app.run_test(size=(120, 40), notifications=True, tooltips=True) as pilot:
        await settle(pilot)
        screen = main(app)
        shown: list[str | None] = []
        show = screen.detail.show

        def spy(record: Any, **kwargs: Any) -> None:
            shown.append(None if record is None else record.id)
            show(record, **kwargs)

        screen.detail.show = spy  # type: ignore[method-assign]
        assert screen.result is not None
        ids = [r.id for r in screen.result.records]
        start = ids.index(screen.paper_list.cursor_id)
        burst(app, ["j"] * 8)
        await settle(pilot)
        assert screen.paper_list.cursor_id == ids[start + 8]
        assert shown == [ids[start + 8]]  # one update, with the last paper
        assert app.focused is screen.paper_list


async def test_moves_then_slash_then_a_word_and_h_then_moves(corpus: Corpus, make_app: Any) -> None:
    fill_cache(corpus, store=True)  # as a used home: every paper loads at once, from it
    app = make_app(None)
    started = slow_store(app)
    before = library(app)
    async with app.run_test(size=(120, 40), notifications=True, tooltips=True) as pilot:
        await pilot.pause()
        assert started.wait(5)
        screen = main(app)
        views = screen.filter_pane.views
        top = views.highlighted or 0
        burst(app, ["j", "j", "/", *WORD, "escape", "h", "j", "j"])
        await settle(pilot)
        assert screen.filter_pane.text == WORD
        assert app.focused is views
        assert views.highlighted == top + 2  # the j's after h moved the view list
        assert library(app) == before
