"""The main screen's user actions on papers and settings: bookmark, read, open, copy, save a view,
edit the rules. Library writes are a few ms (the Library locks itself), so they run inline."""

from __future__ import annotations

import webbrowser
from typing import TYPE_CHECKING

from reader.config import ConfigError, save_rules, save_view
from reader.controller import Rules
from reader.query import Query, QueryError, parse
from reader.screens.dialogs import RulesDialog, SaveViewDialog
from reader.store.library import LibraryError
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

    def _library_failed(self, err: LibraryError) -> None:
        self.screen.notify(str(err), title="Library", severity="error", markup=False)

    def toggle_bookmark(self) -> None:
        screen, record = self.screen, self._record()
        if record is None:
            return
        try:
            on = screen.controller.toggle_bookmark(record.id)
        except LibraryError as err:
            self._library_failed(err)
            return
        self._marked(record.id, "Bookmarked" if on else "Bookmark removed")

    def toggle_read(self) -> None:
        screen, record = self.screen, self._record()
        if record is None:
            return
        screen.stop_read_timer()  # the user decided: the dwell timer must not undo it
        try:
            read = screen.controller.toggle_read(record.id)
        except LibraryError as err:
            self._library_failed(err)
            return
        self._marked(record.id, "Marked read" if read else "Marked unread")

    def _marked(self, paper_id: str, message: str) -> None:
        """After a library change by the user: repaint the marks and detail, say what happened."""
        screen = self.screen
        screen.apply_marks()
        screen.show_detail(paper_id, restart_timer=False)
        screen.notify(message, timeout=2)
        screen.update_marks()

    def mark_read(self, paper_id: str) -> None:
        try:
            changed = self.screen.controller.mark_read(paper_id)
        except LibraryError as err:
            self._library_failed(err)
            return
        if changed:
            self.screen.apply_marks()
            self.screen.update_marks()  # the Unread count (and is:read views) changed too

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

        screen.app.push_screen(SaveViewDialog(text), named)

    def _save_view(self, name: str, text: str) -> None:
        screen, c = self.screen, self.screen.controller
        if c.config_path is not None:
            try:
                save_view(c.config_path, name, text)
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
            if c.config_path is not None:
                try:
                    save_rules(c.config_path, mute=mute, watch=watch)
                except ConfigError as err:
                    screen.notify(str(err), severity="warning", markup=False)
            c.config.mute, c.config.watch = list(mute), list(watch)
            c.rules = Rules(list(mute), list(watch))
            screen.update_marks()

        screen.app.push_screen(RulesDialog(c.rules.mute, c.rules.watch), done)
