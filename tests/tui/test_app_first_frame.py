"""What the first frame waits for: only the modules and the work it needs (no timings here; the
figures are the launch benchmark's, tests/bench/launch.py)."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from textual.screen import Screen

from reader.app import PaperReaderApp
from reader.main_screen import loader
from reader.main_screen.warmup import LATER_MODULES, warm_imports
from reader.screens.main import MainScreen
from tests.fakehub import Corpus
from tests.tui.conftest import clock, fill_cache, settle

REPO = Path(__file__).resolve().parents[2]
# Textual's own heavy modules behind those of LATER_MODULES (TextArea for notes, Markdown for help)
TEXTUAL_LATER = ("textual.widgets._text_area", "textual.widgets._markdown")


def _imported_by(statement: str, names: tuple[str, ...]) -> list[str]:
    """Which of ``names`` a fresh interpreter has imported after ``statement``."""
    code = f"{statement}\nimport sys\nprint(' '.join(n for n in {names!r} if n in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True,
                         check=True, timeout=60)
    return out.stdout.split()


def test_the_app_imports_no_dialog_nor_tomlkit() -> None:
    assert _imported_by("import reader.app", LATER_MODULES + TEXTUAL_LATER) == []


def test_every_later_module_imports() -> None:
    names = LATER_MODULES + TEXTUAL_LATER
    assert _imported_by("from reader.main_screen.warmup import warm_imports\nwarm_imports()",
                        names) == list(names)


async def test_later_modules_import_in_a_thread_once_loaded(
        corpus: Corpus, make_app: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    fill_cache(corpus)
    calls: list[tuple[str, bool]] = []

    app = make_app(None)

    def spy() -> None:
        calls.append((threading.current_thread().name, app.controller.data.complete))
        warm_imports()

    monkeypatch.setattr(loader, "warm_imports", spy)
    async with app.run_test(size=(120, 40), notifications=True, tooltips=True) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
    assert len(calls) == 1
    thread, complete = calls[0]
    assert thread != threading.main_thread().name and complete


class _Frames(PaperReaderApp):
    """Records, for each display, the screen it was for and whether Textual drew it inside a
    batch update (when it throws the frame away)."""

    frames: list[tuple[str, bool]]

    def _display(self, screen: Screen[Any], renderable: Any) -> None:
        self.frames.append((type(screen).__name__, bool(self._batch_count)))
        super()._display(screen, renderable)


async def test_the_main_screen_is_not_drawn_inside_the_start_up_batch(corpus: Corpus) -> None:
    """Pushed from on_mount, the main screen's first (and costliest) frame was drawn while
    Textual's start-up batch held every display back, then drawn again."""
    fill_cache(corpus)
    app = _Frames(offline=True, clock=clock)
    app.frames = []
    async with app.run_test(size=(120, 40), notifications=True, tooltips=True) as pilot:
        await settle(pilot)
    main_frames = [batched for name, batched in app.frames if name == "MainScreen"]
    assert main_frames and not any(main_frames)


async def test_after_display_runs_once_after_a_frame(corpus: Corpus, make_app: Any) -> None:
    fill_cache(corpus)
    app = make_app(None)
    async with app.run_test(size=(120, 40), notifications=True, tooltips=True) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        ran: list[int] = []
        screen.after_display(lambda: ran.append(1))
        screen.paper_list.refresh()
        await settle(pilot)
        assert ran == [1]
