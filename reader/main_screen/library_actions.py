"""The main screen's library actions (bookmark, read, tags, notes): the marks change on screen at
once, and the library write runs on the controller's writer thread, one at a time and in order.

A refused write (disk full, a locked library) is said in a toast, and once no write is pending
the screen shows the library as saved again, so nothing is shown that is not on disk."""

from __future__ import annotations

import asyncio
from collections import Counter
from concurrent.futures import Future
from typing import TYPE_CHECKING

from textual.app import SuspendNotSupported

from reader.controller import Saved
from reader.store.record import Record

if TYPE_CHECKING:
    from reader.screens.main import MainScreen


class LibraryActions:
    """Tags and notes of the highlighted paper; the screen's action_* methods delegate here."""

    def __init__(self, screen: MainScreen) -> None:
        self.screen = screen

    def _record(self) -> Record | None:
        record = self.screen.current_record()
        if record is None:
            self.screen.notify("No paper highlighted.", severity="warning", timeout=2)
        return record

    # --- bookmark and read -------------------------------------------------------------------

    def toggle_bookmark(self) -> None:
        record = self._record()
        if record is None:
            return
        on, saved = self.screen.controller.toggle_bookmark(record.id)
        self._changed(record.id, "Bookmarked" if on else "Bookmark removed", refilter=False)
        self._watch(saved)

    def toggle_read(self) -> None:
        record = self._record()
        if record is None:
            return
        self.screen.stop_read_timer()  # the user decided: the dwell timer must not undo it
        read, saved = self.screen.controller.toggle_read(record.id)
        self._changed(record.id, "Marked read" if read else "Marked unread", refilter=False)
        self._watch(saved)

    def mark_read(self, paper_id: str) -> None:
        """Opened or dwelt on: read (no toast; nothing happens if it already was)."""
        saved = self.screen.controller.mark_read(paper_id)
        if saved is not None:
            self.screen.apply_marks()
            self.screen.update_marks()  # the Unread count (and is:read views) changed too
            self._watch(saved)

    def tag_counts(self) -> Counter[str]:
        """How many papers carry each of the user's tags."""
        return Counter(t for ts in self.screen.controller.state.tags.values() for t in ts)

    # --- tags and notes -----------------------------------------------------------------------

    def edit_tags(self) -> None:
        screen = self.screen
        record = self._record()
        if record is None:
            return
        pid = record.id
        before = screen.controller.state.tags.get(pid, ())

        def done(tags: tuple[str, ...] | None) -> None:
            if tags is None or tags == before:
                return
            add = [t for t in tags if t not in before]
            remove = [t for t in before if t not in tags]
            # Add/remove rather than replace: another paper-reader may have tagged it too.
            now, saved = screen.controller.edit_tags(pid, add, remove)
            self._changed(pid, _tags_message(now))
            self._watch(saved)

        from reader.screens.library_dialogs import TagDialog  # warmed up after the start

        screen.app.push_screen(TagDialog(record.paper.title, before, self.tag_counts()), done)

    def edit_note(self) -> None:
        screen = self.screen
        record = self._record()
        if record is None:
            return
        pid = record.id
        before = screen.controller.state.notes.get(pid, "")

        def done(text: str | None) -> None:
            if text is None or text.rstrip("\n") == before:
                return
            text = text.rstrip("\n")
            message = "Note saved" if text.strip() else "Note removed"
            saved = screen.controller.set_note(pid, text)
            self._changed(pid, message)
            self._watch(saved)

        from reader.editor import EditorError, edit_text, editor_command

        if editor_command() is not None:
            try:
                with screen.app.suspend():
                    edited = edit_text(before)
            except SuspendNotSupported:
                pass  # no terminal to hand over (tests, web): the text area instead
            except EditorError as err:
                screen.notify(str(err), title="Note", severity="warning", markup=False)
                return
            else:
                done(edited)
                return
        from reader.screens.library_dialogs import NoteDialog

        screen.app.push_screen(NoteDialog(record.paper.title, before), done)

    # --- after a change ---------------------------------------------------------------------

    def _changed(self, pid: str, message: str, *, refilter: bool = True) -> None:
        """Repaint what a library change of ``pid`` touches: marks, detail, tag views, counts
        (``refilter``: and the list, if a tag view or a filter is shown)."""
        screen = self.screen
        screen.apply_marks()
        screen.show_detail(pid, restart_timer=False)
        screen.notify(message, timeout=2, markup=False)
        screen.update_marks()  # the tag views and the counts
        if refilter and (screen.view_key.startswith("tag:") or not screen.query_obj.is_empty):
            screen.request_filter()  # the paper may have joined or left what is shown

    def _watch(self, saved: Future[Saved]) -> None:
        """Wait (in an async worker, never blocking) for one write; say if it was refused."""
        self.screen.run_worker(self._saved(saved), group="library-saved", exit_on_error=False,
                               description="save to the library")

    async def _saved(self, saved: Future[Saved]) -> None:
        screen, controller = self.screen, self.screen.controller
        done = await asyncio.wrap_future(saved)
        if done.error is not None:
            screen.notify(str(done.error), title="Library", severity="error", markup=False)
        if controller.settle(done) and done.error is not None:
            # The refused change is gone from the screen too: repaint what it had changed.
            screen.apply_marks()
            screen.show_detail(screen.paper_list.cursor_id, restart_timer=False)
            screen.update_marks()
            screen.request_filter()


def _tags_message(tags: tuple[str, ...]) -> str:
    return "Tags: " + " ".join(f"#{t}" for t in tags) if tags else "Tags removed"
