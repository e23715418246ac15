"""Hostile strings through every surface that shows remote or cached text: no escape byte
reaches the terminal, no markup acts, nothing crashes.

The cache here is written "by another tool": papers go in as they are, without the client's
cleaning, as a foreign writer (or an older version) could have left them. Surfaces: `list`,
`list --json`, `show`, `show --json`, and in the app the list rows, the detail pane, the command
palette (titles and author help), and a server error's notification, status line and tooltip.
"""

from __future__ import annotations

import re
from typing import Any

import orjson
import pytest
from textual.command import CommandList, CommandPalette

from reader.__main__ import main
from reader.hub.models import Author, Paper
from reader.store.cache import PaperCache
from reader.store.locations import locations
from reader.widgets.rows import ROW_HEIGHT
from tests.conftest import CORPUS_END
from tests.fakehub import FakeHub
from tests.fakehub.hostile import HOSTILE_STRINGS
from tests.tui.conftest import settle
from tests.tui.test_app_start import main as main_screen

DAY = CORPUS_END.isoformat()
# What no surface may pass on: ESC (in a CLI output), BEL, the C1 controls (0x9b is CSI, 0x9d
# OSC), DEL, and bidi overrides and isolates.
_CLI_FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# In the app, Textual writes its own CSI sequences; what it must never write is another
# introducer than CSI (OSC: links, clipboard, titles; DCS, APC, PM, SOS), a bare ESC that is
# not Textual's, a BEL, or a C1 control.
_APP_FORBIDDEN = re.compile("\x1b[^\\[]|[\x07\x08\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

# The strings a foreign writer can store (a lone surrogate cannot be written as UTF-8).
STORED = tuple(s for s in HOSTILE_STRINGS if "\ud800" not in s)


def pid_of(i: int) -> str:
    return f"2603.{i:05d}"


def hostile_paper(i: int, text: str) -> Paper:
    return Paper(
        id=pid_of(i), title=f"{text} #{i}", summary=f"Abstract: {text}",
        authors=(Author(text), Author(f"Second {text}")), published_at=f"{DAY}T00:00:00.000Z",
        submitted_daily_at=f"{DAY}T12:00:00.000Z", submitted_by=text, upvotes=i,
        ai_summary=text, ai_keywords=(text, "plain"), project_page=f"https://x.example/{text}",
    )


@pytest.fixture
def foreign_cache() -> dict[str, str]:
    """The cache, written as another tool would: raw strings. Returns id -> hostile string."""
    cache = PaperCache(locations().ensure().papers_dir)
    papers = [hostile_paper(i, s) for i, s in enumerate(STORED)]
    cache.merge(papers, listed_on=DAY)
    cache.mark_day_complete(DAY, len(papers))
    return {p.id: s for p, s in zip(papers, STORED, strict=True)}


def test_there_are_enough_hostile_strings() -> None:
    assert len(STORED) >= 50


def _clean_cli(text: str) -> None:
    bad = _CLI_FORBIDDEN.findall(text.replace("\n", "").replace("\t", ""))
    assert not bad, sorted(set(bad))


def test_cli_list_and_show_print_no_escape(
    foreign_cache: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["list"]) == 0
    out, err = capsys.readouterr()
    _clean_cli(out + err)
    assert len(out.splitlines()) == len(foreign_cache)
    assert "[link=https://evil.example]x" in out  # shown as the text it is
    assert main(["list", "--json"]) == 0
    out, err = capsys.readouterr()
    _clean_cli(out + err)
    rows = orjson.loads(out)
    assert {r["id"] for r in rows} == set(foreign_cache)
    for pid in foreign_cache:
        assert main(["show", pid]) == 0
        out, err = capsys.readouterr()
        _clean_cli(out + err)
        assert main(["show", pid, "--json"]) == 0
        out, err = capsys.readouterr()
        _clean_cli(out + err)
        assert orjson.loads(out)["id"] == pid


def _screen_text(app: Any) -> str:
    """What the app would write to the terminal to draw the current screen in full."""
    update = app.screen._compositor.render_update(full=True)
    return str(update.render_segments(app.console))


# Textual's own hyperlinks (OSC 8) for the links the app makes: allowed when their target is
# one of the paper's own links, never a URL that came from markup in the data.
_OSC8 = re.compile("\x1b\\]8;(?:id=[0-9-]+)?;([^\x00-\x1f\x7f-\x9f]*)\x1b\\\\")


def _clean_app(app: Any) -> None:
    text = _screen_text(app)
    targets = set(_OSC8.findall(text)) - {""}
    # The paper's own links (its project page is data: https://x.example/...), never a target
    # that markup in a title or a name made up (those all point at evil.example).
    assert all(t.startswith("https://") and not t.startswith("https://evil.example")
               for t in targets), targets
    rest = _OSC8.sub("", text)
    bad = _APP_FORBIDDEN.findall(rest)
    assert not bad, sorted(set(bad))


async def test_app_list_rows_and_detail(
    foreign_cache: dict[str, str], make_app: Any, make_fakehub: Any, corpus: Any
) -> None:
    app = make_app(make_fakehub(corpus).url)
    async with app.run_test(size=(120, 40), notifications=True, tooltips=True) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        screen.switch_view("all")
        await settle(pilot)
        # One paper at a time: the list draws the rows around it, the detail pane the paper.
        for pid in foreign_cache:
            assert screen.paper_list.move_to(pid)
            await settle(pilot, rounds=1)
            _clean_app(app)
        row = screen.paper_list.cursor_index or 0
        top = row * ROW_HEIGHT - int(screen.paper_list.scroll_y)  # rows are two lines tall
        await pilot.click("#paper-list", offset=(6, top))
        await pilot.click("#paper-detail", offset=(3, 0))
        await settle(pilot)
        assert app.is_running and app.return_code is None


async def test_app_command_palette(
    foreign_cache: dict[str, str], make_app: Any, make_fakehub: Any, corpus: Any
) -> None:
    app = make_app(make_fakehub(corpus).url)
    async with app.run_test(size=(120, 40), notifications=True, tooltips=True) as pilot:
        await settle(pilot)
        # Every paper by id (ten at a time), titles shown, author names as the help line.
        for start in range(0, len(foreign_cache), 10):
            await pilot.press("ctrl+p", *pid_of(start)[:-1])
            await settle(pilot)
            palette = app.screen
            assert isinstance(palette, CommandPalette)
            _clean_app(app)
            options = palette.query_one(CommandList)
            prompts = [str(options.get_option_at_index(i).prompt)
                       for i in range(options.option_count)]
            assert len(prompts) == min(10, len(foreign_cache) - start)
            await pilot.press("escape")
            await settle(pilot)
        await pilot.press("ctrl+p", *"2603.0000")
        await settle(pilot)
        assert "\x1b]8;" not in _screen_text(app)  # the [link=...] author is not a hyperlink
        await pilot.press("enter")  # jump to the paper: an action of ours, not of the data
        await settle(pilot)
        assert app.is_running and app.return_code is None


async def test_app_server_error_notification_status_and_tooltip(
    make_app: Any, make_fakehub: Any, corpus: Any
) -> None:
    hub: FakeHub = make_fakehub(corpus)
    app = make_app(hub.url)
    async with app.run_test(size=(120, 40), notifications=True, tooltips=True) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        # A server error quoting each hostile string: the search's notification, and the
        # status line's tooltip that a failed linked-repos fetch writes.
        cache = screen.controller.cache
        pid = next(r.id for r in screen.paper_list.records if cache.linked_get(r.id) is None)
        for text in HOSTILE_STRINGS:
            hub.clear_faults()
            hub.inject("status", path="/api/papers/search", times=None, code=400, error=text)
            hub.inject("status", path=f"/api/arxiv/{pid}/repos", times=None, code=400,
                       error=text)
            app.clear_notifications()
            screen.status.tooltip = None
            screen.net.search("anything")
            await settle(pilot, rounds=1)
            # Awaited here, after the search (whose end resets the tooltip): through the
            # worker group, the list's own debounced fetch of another paper could cancel it.
            await screen.net._linked(pid)
            await settle(pilot, rounds=1)
            assert app._notifications, "the failure was not notified"
            assert screen.status.tooltip is not None, "the linked-repos failure was not told"
            shown = [n.message for n in app._notifications] + [str(screen.status.tooltip)]
            for message in shown:
                assert not _CLI_FORBIDDEN.findall(message), message
            _clean_app(app)
        await pilot.hover("#status-network")
        await pilot.pause(0.6)
        _clean_app(app)
        assert app.is_running and app.return_code is None
