"""A few pictures of the main layouts (reviewed by a person before they are committed).

Deterministic: the seeded corpus, a frozen clock, no network (--offline), a fresh library.
Update with ``pytest tests/tui/test_snapshots.py --snapshot-update`` and look at the report.
"""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from reader.widgets.filter_pane import ERROR_AFTER_S
from tests.fakehub import Corpus
from tests.tui.conftest import fill_cache, settle


async def _settled(pilot: Pilot[Any]) -> None:
    await settle(pilot)


@pytest.mark.parametrize("size", [(80, 24), (120, 40), (200, 50)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_main_screen(size: tuple[int, int], corpus: Corpus, make_app: Any,
                     snap_compare: Any) -> None:
    fill_cache(corpus)
    assert snap_compare(make_app(None), terminal_size=size, run_before=_settled)


async def _typed_wrong(pilot: Pilot[Any]) -> None:
    await settle(pilot)
    await pilot.press("slash", *"has:code (", "_")
    await pilot.pause(ERROR_AFTER_S + 0.1)  # a typed query's error waits for a pause
    # The box's cursor blinks: after that pause it may be on or off. Steady, it is on.
    pilot.app.screen.query_one("#filter-input", Input).cursor_blink = False
    await settle(pilot)


def test_filter_error(corpus: Corpus, make_app: Any, snap_compare: Any) -> None:
    fill_cache(corpus)
    assert snap_compare(make_app(None), terminal_size=(120, 40), run_before=_typed_wrong)


def test_empty_cache_screen(make_app: Any, snap_compare: Any) -> None:
    assert snap_compare(make_app(None), terminal_size=(80, 24), run_before=_settled)
