"""The app on a read-only home and on a full disk: it starts, shows papers, and says calmly
that a change was not saved. As root chmod stops nothing: the failures are simulated (EROFS
when the lock file is made, ENOSPC on every atomic write)."""

from __future__ import annotations

import errno
import os
from typing import Any

import pytest

from reader.store import atomic, storage
from reader.store.library import Library
from reader.store.locations import locations
from tests.fakehub import Corpus
from tests.tui.conftest import fill_cache, settle
from tests.tui.test_app_start import main


def fail_with(monkeypatch: pytest.MonkeyPatch, code: int, *, lock: bool) -> None:
    from filelock import FileLock

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise OSError(code, os.strerror(code))

    if lock:
        monkeypatch.setattr(FileLock, "acquire", refuse)
    monkeypatch.setattr(storage, "atomic_write_bytes", refuse)
    monkeypatch.setattr(atomic.tempfile, "mkstemp", refuse)


def record_notes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every notification's text (toasts expire after their timeout: under load, before a
    test looks at them)."""
    from textual.app import App

    seen: list[str] = []
    notify = App.notify

    def keep(self: App[Any], message: Any, *args: Any, **kwargs: Any) -> None:
        seen.append(str(message))
        notify(self, message, *args, **kwargs)

    monkeypatch.setattr(App, "notify", keep)
    return seen


@pytest.mark.parametrize(("code", "lock"), [(errno.EROFS, True), (errno.ENOSPC, False)],
                         ids=["read-only", "full-disk"])
async def test_the_app_starts_reads_and_refuses_changes_calmly(
        corpus: Corpus, make_app: Any, monkeypatch: pytest.MonkeyPatch, code: int,
        lock: bool) -> None:
    fill_cache(corpus)
    Library(locations().library_file).set_bookmark("2601.00001", True)
    before = locations().library_file.read_bytes()
    fail_with(monkeypatch, code, lock=lock)
    seen = record_notes(monkeypatch)
    app = make_app(None)
    async with app.run_test(size=(120, 40), notifications=True, tooltips=True) as pilot:
        await settle(pilot)
        screen = main(app)
        assert screen.result is not None and screen.result.records  # it reads
        assert screen.controller.state.is_bookmarked("2601.00001")
        if code == errno.ENOSPC:
            assert any("this visit was not recorded" in m for m in seen)
        await pilot.press("b")
        await settle(pilot)
        assert any("the change was not saved" in m for m in seen)
        pid = screen.paper_list.cursor_id
        assert pid is not None and not screen.controller.state.is_bookmarked(pid)
        await pilot.press("number_sign", "x", "enter")
        await settle(pilot)
        assert screen.controller.state.tags == {}
    assert locations().library_file.read_bytes() == before
