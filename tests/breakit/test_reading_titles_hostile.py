"""Hostile titles (stored raw by a foreign writer) on the reading screen: in its title line and in
its "not downloaded" message, no control byte, C1 control or bidi override reaches the screen,
and no markup acts. The screen shows no authors, so only titles apply."""

from __future__ import annotations

from typing import Any

from textual.widget import Widget
from textual.widgets import Static

from reader.screens.reading import ReadingScreen
from tests.breakit.test_hostile_text import _CLI_FORBIDDEN, STORED, foreign_cache, pid_of
from tests.tui.conftest import settle

__all__ = ["foreign_cache"]  # the fixture, shared with the other hostile-text suite


def shown(widget: Widget) -> str:
    rows = []
    for y in range(widget.size.height):
        strip = widget.render_line(y)
        for seg in strip:  # markup in a title makes no link and no @click action
            assert not (seg.style and (seg.style.link or "@click" in seg.style.meta)), seg
        rows.append("".join(seg.text for seg in strip))
    return "\n".join(rows)


async def test_hostile_titles_on_the_reading_screen(
        foreign_cache: dict[str, str], make_app: Any) -> None:
    app = make_app(None)
    bad: dict[str, list[str]] = {}
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        cache = app.screen.controller.cache
        positions = app.screen.downloads.positions
        for i, text in enumerate(STORED):
            screen = ReadingScreen(pid_of(i), f"{text} #{i}", cache, positions)
            await app.push_screen(screen)
            await settle(pilot, 2)
            assert screen.missing  # no full text: the message repeats the title
            for widget in (screen.query_one("#reading-title", Static),
                           screen.query_one("#reading-message", Static)):
                found = _CLI_FORBIDDEN.findall(shown(widget).replace("\n", ""))
                if found:
                    bad.setdefault(repr(text)[:40], []).extend(found)
            await pilot.press("q")
            await settle(pilot, 2)
        assert app.is_running and app.return_code is None
    print(f"\nreading screen: {len(STORED)} hostile titles x 2 places")
    assert bad == {}
