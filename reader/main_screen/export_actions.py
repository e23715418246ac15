"""The main screen's export actions: mark papers (x), export (E) in a thread worker."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from reader.store.atomic import atomic_write_bytes
from reader.store.record import Record

if TYPE_CHECKING:
    from reader.screens.export_dialog import ExportRequest
    from reader.screens.main import MainScreen

NAMES = {"bibtex": "BibTeX", "ris": "RIS", "markdown": "Markdown", "csv": "CSV", "json": "JSON"}


class ExportActions:
    """Papers marked for export and the export itself; MainScreen's actions delegate here."""

    def __init__(self, screen: MainScreen) -> None:
        self.screen = screen
        self.marked: dict[str, None] = {}  # paper ids, in the order they were marked
        self.folder: Path | None = None  # where the last export went (the next one's default)

    def toggle_mark(self) -> None:
        screen = self.screen
        record = screen.current_record()
        if record is None:
            screen.notify("No paper highlighted.", severity="warning", timeout=2)
            return
        if record.id in self.marked:
            del self.marked[record.id]
        else:
            self.marked[record.id] = None
        screen.paper_list.set_selected(frozenset(self.marked))
        screen.notify(f"{len(self.marked):,} marked for export (E exports)", timeout=2,
                      markup=False)

    def records(self, scope: str) -> list[Record]:
        """The papers of ``scope``: the list as shown, the bookmarks (newest first), or the
        marked papers (in the order they were marked)."""
        screen, c = self.screen, self.screen.controller
        records = c.data.records
        if scope == "view":
            return list(screen.result.records) if screen.result is not None else []
        if scope == "bookmarks":
            ids = sorted(c.state.bookmarks, key=lambda pid: c.state.bookmarks[pid], reverse=True)
        else:
            ids = list(self.marked)
        return [records[pid] for pid in ids if pid in records]

    def open(self) -> None:
        screen = self.screen
        counts = {s: len(self.records(s)) for s in ("view", "bookmarks", "marked")}
        if not any(counts.values()):
            screen.notify("Nothing to export: the view is empty and nothing is bookmarked or "
                          "marked.", severity="warning", timeout=3)
            return

        def done(request: ExportRequest | None) -> None:
            if request is not None:
                self.run(request)

        from reader.screens.export_dialog import ExportDialog  # warmed up after the start

        scope = "marked" if self.marked else "view"
        screen.app.push_screen(
            ExportDialog(counts, screen.view.label, scope=scope, folder=self.folder), done)

    def run(self, request: ExportRequest) -> None:
        """Render and write in a thread worker (a big view is seconds of work)."""
        screen, app = self.screen, self.screen.app
        records = self.records(request.scope)
        state = screen.controller.state
        name = NAMES[request.fmt]

        def work() -> None:
            from reader.export import render

            text = render(request.fmt, records, state)
            if request.path is None:
                app.call_from_thread(self._copied, text, len(records), name)
                return
            try:
                atomic_write_bytes(request.path, text.encode("utf-8"))
            except OSError as err:
                app.call_from_thread(
                    screen.notify, f"Could not write {request.path}: {err.strerror or err}",
                    title="Export", severity="error", markup=False)
                return
            self.folder = request.path.parent
            app.call_from_thread(screen.notify, f"Exported {len(records):,} papers as {name} "
                                 f"to {request.path}", title="Export", markup=False)

        screen.run_worker(work, thread=True, group="export", exit_on_error=False,
                          description="export")

    def _copied(self, text: str, count: int, name: str) -> None:
        self.screen.app.copy_to_clipboard(text)  # OSC 52: the terminal puts it on the clipboard
        self.screen.notify(f"Copied {count:,} papers as {name}", title="Export", markup=False)
