"""The main screen's tag and note actions: dialogs (or $EDITOR) on the UI thread, the library
write in a thread worker, then the marks, detail and tag views repainted."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING

from textual.app import SuspendNotSupported

from reader.screens.library_dialogs import NoteDialog, TagDialog
from reader.store.library import LibraryError
from reader.store.state import LibraryState

if TYPE_CHECKING:
    from reader.screens.main import MainScreen


class LibraryActions:
    """Tags and notes of the highlighted paper; the screen's action_* methods delegate here."""

    def __init__(self, screen: MainScreen) -> None:
        self.screen = screen

    def tag_counts(self) -> Counter[str]:
        """How many papers carry each of the user's tags."""
        return Counter(t for ts in self.screen.controller.state.tags.values() for t in ts)

    def edit_tags(self) -> None:
        screen = self.screen
        record = screen.current_record()
        if record is None:
            screen.notify("No paper highlighted.", severity="warning", timeout=2)
            return
        pid = record.id
        before = screen.controller.state.tags.get(pid, ())

        def done(tags: tuple[str, ...] | None) -> None:
            if tags is None or tags == before:
                return
            add = [t for t in tags if t not in before]
            remove = [t for t in before if t not in tags]
            # Add/remove rather than replace: another paper-reader may have tagged it too.
            self._write(pid, lambda lib: lib.edit_tags(pid, add, remove), _tags_message(tags))

        screen.app.push_screen(TagDialog(record.paper.title, before, self.tag_counts()), done)

    def edit_note(self) -> None:
        screen = self.screen
        record = screen.current_record()
        if record is None:
            screen.notify("No paper highlighted.", severity="warning", timeout=2)
            return
        pid = record.id
        before = screen.controller.state.notes.get(pid, "")

        def done(text: str | None) -> None:
            if text is None or text.rstrip("\n") == before:
                return
            text = text.rstrip("\n")
            message = "Note saved" if text.strip() else "Note removed"
            self._write(pid, lambda lib: lib.set_note(pid, text), message)

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
        screen.app.push_screen(NoteDialog(record.paper.title, before), done)

    def _write(self, pid: str, change: Callable[..., object], message: str) -> None:
        """Run one library change in a thread worker; repaint on the UI thread after it."""
        screen = self.screen
        controller = screen.controller
        app = screen.app

        def work() -> None:
            try:
                change(controller.library)
            except LibraryError as err:
                app.call_from_thread(screen.notify, str(err), title="Library",
                                     severity="error", markup=False)
                return
            state = controller.library.snapshot()
            app.call_from_thread(self._written, pid, state, message)

        screen.run_worker(work, thread=True, group="library-write", exit_on_error=False,
                          description="save tags or note")

    def _written(self, pid: str, state: LibraryState, message: str) -> None:
        screen = self.screen
        screen.controller.state = state
        screen.apply_marks()
        screen.show_detail(pid, restart_timer=False)
        screen.notify(message, timeout=2, markup=False)
        screen.update_marks()  # the tag views and their counts
        if screen.view_key.startswith("tag:") or not screen.query_obj.is_empty:
            screen.request_filter()  # the paper may have joined or left what is shown


def _tags_message(tags: tuple[str, ...]) -> str:
    return "Tags: " + " ".join(f"#{t}" for t in tags) if tags else "Tags removed"
