"""The main screen's user actions on papers and settings: open, copy, save a view, edit the rules.
The config file is written in thread workers; library changes live in library_actions."""

from __future__ import annotations

import asyncio
from concurrent.futures import Future
from typing import TYPE_CHECKING

from reader.config import ConfigError, save_rules, save_view
from reader.controller import Rules
from reader.query import Query, QueryError, parse
from reader.store.record import Record

if TYPE_CHECKING:
    from reader.screens.main import MainScreen


class PaperActions:
    """Carries out one MainScreen's actions; the screen's action_* methods delegate here."""

    def __init__(self, screen: MainScreen) -> None:
        self.screen = screen

    def _record(self) -> Record | None:
        record = self.screen.current_record()
        if record is None:
            self.screen.notify("No paper highlighted.", severity="warning", timeout=2)
        return record

    def open(self, which: str) -> None:
        """Open the paper's Hugging Face page ("page") or its PDF ("pdf") in the browser."""
        record = self._record()
        if record is None:
            return
        url = record.paper.pdf_url if which == "pdf" else record.paper.hf_url
        # webbrowser.open may block while it starts a browser: never on the UI thread.
        self.screen.run_worker(lambda: self._open(url), thread=True, group="browser",
                               exit_on_error=False, description="open browser")

    def _open(self, url: str) -> None:
        import webbrowser

        if not webbrowser.open(url):
            self.screen.app.call_from_thread(
                self.screen.notify, f"Could not start a browser for {url}", severity="warning",
                markup=False)

    def copy_link(self) -> None:
        record = self._record()
        if record is not None:
            self.screen.app.copy_to_clipboard(record.paper.hf_url)  # OSC 52
            self.screen.notify(f"Copied {record.paper.hf_url}", markup=False, timeout=2)

    # --- settings ----------------------------------------------------------------------------

    def save_view(self) -> None:
        screen = self.screen
        text = screen.filter_pane.text.strip()
        if not text or text.startswith("?"):
            screen.notify("Type a filter first (/), then press s to save it as a view.")
            return
        try:
            parse(text)
        except QueryError as err:
            screen.notify(f"Not saved: {err.message}", severity="warning", markup=False)
            return

        def named(name: str | None) -> None:
            if name:
                self._save_view(name, text)

        from reader.screens.dialogs import SaveViewDialog  # warmed up after the start

        screen.app.push_screen(SaveViewDialog(text), named)

    def _save_view(self, name: str, text: str) -> None:
        """Write the view into config.toml on the writer thread; show it once it is saved."""
        self.screen.run_worker(self._saving_view(name, text), group="save-view",
                               exit_on_error=False, description="save the view")

    async def _saving_view(self, name: str, text: str) -> None:
        screen, c = self.screen, self.screen.controller
        path = c.config_path
        if path is not None:
            try:
                await asyncio.wrap_future(c.writer.submit(lambda: save_view(path, name, text)))
            except ConfigError as err:
                screen.notify(str(err), severity="warning", markup=False)
                return
        c.config.views[name] = text
        view = next(v for v in c.views() if v.saved and v.label == name)
        number = f" on key {view.number}" if view.number else ""
        screen.notify(f"Saved view {name}{number}", markup=False, timeout=3)
        screen.filter_pane.set_text("")
        screen.query_obj = Query()
        screen.switch_view(view.key)
        screen.update_marks()

    def edit_rules(self) -> None:
        screen, c = self.screen, self.screen.controller

        def done(rules: tuple[list[str], list[str]] | None) -> None:
            if rules is None or rules == (c.rules.mute, c.rules.watch):
                return
            mute, watch = rules
            path = c.config_path
            if path is not None:  # in force at once; saved on the writer thread
                saved = c.writer.submit(lambda: save_rules(path, mute=mute, watch=watch))
                screen.run_worker(self._saving(saved), group="save-rules",
                                  exit_on_error=False, description="save the rules")
            c.config.mute, c.config.watch = list(mute), list(watch)
            c.rules = Rules(list(mute), list(watch))
            screen.update_marks()

        from reader.screens.dialogs import RulesDialog

        screen.app.push_screen(RulesDialog(c.rules.mute, c.rules.watch), done)

    async def _saving(self, saved: Future[None]) -> None:
        """Say it if a config write was refused (the change holds for this session)."""
        try:
            await asyncio.wrap_future(saved)
        except ConfigError as err:
            self.screen.notify(str(err), severity="warning", markup=False)
