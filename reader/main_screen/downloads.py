"""The main screen's offline side: full-text queue, PDFs, the reading screen, the "↓" marks.

Full texts are fetched one at a time by one async worker over the shared client (bookmarking
queues one when ``fulltext_on_bookmark`` is on; ``d`` queues any); a network failure keeps the
queue for the next request. PDFs download in their own worker (see reader.pdf_files). Disk work
(listing what is downloaded, opening files) runs in thread workers.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

from reader import pdf_files
from reader.store import fulltext
from reader.store.record import Record

if TYPE_CHECKING:
    from textual.timer import Timer

    # Imported where first used (the queue, the positions, a reading): not before the first
    # frame, which needs none of them (reader.main_screen.warmup imports them ahead).
    from reader.fulltext_queue import FulltextQueue, Outcome
    from reader.query.hit import Hit
    from reader.screens.main import MainScreen
    from reader.store.positions import Positions

RETRY_S = 120.0  # after a network failure, the queue tries again this much later


class Downloads:
    """Carries out one MainScreen's download and reading actions."""

    def __init__(self, screen: MainScreen) -> None:
        self.screen = screen
        self._queue: FulltextQueue | None = None
        self._positions: Positions | None = None
        self.texts: set[str] = set()  # ids with a downloaded full text
        self.pdfs: set[str] = set()  # ids with a downloaded PDF
        self._asked: set[str] = set()  # papers the user asked for (they get a toast)
        self._draining = False
        self._pdf_busy: set[str] = set()
        self._retry: Timer | None = None

    # --- where things are ---------------------------------------------------------------------

    @property
    def data_dir(self) -> Path:
        where = getattr(self.screen.app, "where", None)
        if where is None:  # an app without locations (tests of the bare screen)
            from reader.store.locations import locations

            where = locations()
        path: Path = where.data_dir
        return path

    @property
    def pdf_dir(self) -> Path:
        return self.data_dir / "pdf"

    @property
    def queue(self) -> FulltextQueue:
        if self._queue is None:
            from reader.fulltext_queue import FulltextQueue

            self._queue = FulltextQueue(self.screen.controller.cache)
        return self._queue

    @property
    def positions(self) -> Positions:
        if self._positions is None:
            from reader.store.positions import Positions

            self._positions = Positions(self.data_dir / "reading.json")
        return self._positions

    # --- the marks ----------------------------------------------------------------------------

    def scan(self) -> None:
        """List the downloaded full texts and PDFs (a thread), then mark them in the list."""
        cache_dir, pdf_dir = self.screen.controller.cache.fulltext_dir, self.pdf_dir

        def work() -> None:
            texts, pdfs = fulltext.ids(cache_dir), pdf_files.ids(pdf_dir)
            self.screen.app.call_from_thread(self._scanned, texts, pdfs)

        self.screen.run_worker(work, thread=True, group="local-scan", exclusive=True,
                               exit_on_error=False, description="list downloaded papers")

    def _scanned(self, texts: set[str], pdfs: set[str]) -> None:
        self.texts, self.pdfs = texts, pdfs
        self._apply()
        cursor = self.screen.paper_list.cursor_id
        if cursor is not None and (cursor in texts or cursor in pdfs):
            self.screen.show_detail(cursor, restart_timer=False)

    def _apply(self) -> None:
        self.screen.paper_list.set_local(frozenset(self.texts | self.pdfs))
        offline = dict.fromkeys(self.texts, "full text")
        for pid in self.pdfs:
            offline[pid] = "full text and PDF" if pid in offline else "PDF"
        self.screen.detail.offline = offline

    # --- full texts ---------------------------------------------------------------------------

    def bookmarked(self, paper_id: str, on: bool) -> None:
        """After a bookmark change: queue the full text when the config says so."""
        if on and self.screen.controller.config.fulltext_on_bookmark:
            self.fetch(paper_id, asked=False)

    def fetch(self, paper_id: str, *, asked: bool = True) -> str:
        """Queue a full text; returns what to tell the user."""
        if fulltext.has(self.screen.controller.cache.fulltext_dir, paper_id):
            return "The full text is already downloaded (v reads it)."
        if not self.screen.online:
            return "Offline (--offline): the full text cannot be downloaded now."
        if not self.queue.add(paper_id, force=asked) and paper_id not in self.queue.pending:
            return "Hugging Face has no full text for this paper."
        if asked:
            self._asked.add(paper_id)
        self._start_drain()
        left = len(self.queue)
        return "Downloading the full text…" if left <= 1 else (
            f"Full text queued ({left} waiting).")

    def _start_drain(self) -> None:
        if self._draining or not self.screen.online:
            return
        self._draining = True
        self.screen.run_worker(self._drain(), group="fulltext", exit_on_error=False,
                               description="download full texts")

    async def _drain(self) -> None:
        try:
            client = await self.screen.net.client()  # made in a thread, never on the UI loop
            await self.queue.drain(client, self._report)
        finally:
            self._draining = False

    def _report(self, outcome: Outcome, left: int) -> None:
        from reader.fulltext_queue import NOT_INDEXED, OFFLINE, SAVED

        pid = outcome.paper_id
        asked = pid in self._asked
        if outcome.status == SAVED:
            self._asked.discard(pid)
            self.texts.add(pid)
            c = self.screen.controller
            c.fulltext = c.fulltext | {pid}
            self._apply()
            if self.screen.paper_list.cursor_id == pid:
                self.screen.show_detail(pid, restart_timer=False)
            from reader.screens.reading import ReadingScreen

            for screen in self.screen.app.screen_stack:
                if isinstance(screen, ReadingScreen) and screen.paper_id == pid:
                    screen.reload()
            if asked:
                self.screen.notify(f"Full text of {pid} downloaded (v reads it).", timeout=3,
                                   markup=False)
            return
        if outcome.status == OFFLINE:
            self.screen.status.show_network("offline: full texts wait in the queue",
                                            style="$warning")
            if self._retry is None:
                self._retry = self.screen.set_timer(RETRY_S, self._try_again)
            if asked:
                self.screen.notify(f"{outcome.message}. It stays queued.", severity="warning",
                                   markup=False)
            return
        self._asked.discard(pid)
        if asked or outcome.status != NOT_INDEXED:
            self.screen.notify(outcome.message, severity="warning", markup=False, timeout=5)

    def _try_again(self) -> None:
        self._retry = None
        if len(self.queue):
            self._start_drain()

    # --- reading ------------------------------------------------------------------------------

    def read(self, record: Record, at: Hit | None = None) -> None:
        """Open the reading screen (it says so when the full text is not downloaded); ``at``:
        at a passage a ``text:`` filter found, its words ready for n/N."""
        from reader.screens.reading import ReadingScreen
        from reader.store.positions import Position

        fetch = self.fetch if self.screen.online else None
        where = None if at is None else Position(at.block, at.offset)
        self.screen.app.push_screen(ReadingScreen(
            record.id, record.paper.title, self.screen.controller.cache, self.positions,
            fetch=fetch, at=where, find=at.words if at is not None else "",
            writer=self.screen.controller.writer))

    # --- PDFs ---------------------------------------------------------------------------------

    def download_pdf(self, record: Record) -> None:
        pid = record.id
        if pdf_files.local_pdf(self.pdf_dir, pid) is not None:
            self.screen.notify("The PDF is already downloaded (p opens it).", timeout=2)
            return
        if not self.screen.online:
            self.screen.notify("Offline (--offline): the PDF cannot be downloaded now.",
                               timeout=3)
            return
        if pid in self._pdf_busy:
            self.screen.notify("The PDF is already downloading.", timeout=2)
            return
        self._pdf_busy.add(pid)
        self.screen.notify(f"Downloading the PDF of {pid}…", timeout=2, markup=False)
        self.screen.run_worker(self._pdf(pid), group=f"pdf-{pid}", exit_on_error=False,
                               description="download PDF")

    async def _pdf(self, pid: str) -> None:
        url = pdf_files.pdf_url(self.screen.controller.config.pdf_url, pid)
        try:
            client = await self.screen.net.client()  # made in a thread, never on the UI loop
            await pdf_files.download_pdf(client, url, self.pdf_dir, pid)
        except pdf_files.PdfError as err:
            self.screen.notify(f"PDF of {pid}: {err}", title="PDF", severity="warning",
                               markup=False, timeout=6)
            return
        finally:
            self._pdf_busy.discard(pid)
        self.pdfs.add(pid)
        self._apply()
        if self.screen.paper_list.cursor_id == pid:
            self.screen.show_detail(pid, restart_timer=False)
        self.screen.notify(f"PDF of {pid} downloaded (p opens it).", timeout=3, markup=False)

    def open_pdf(self, record: Record) -> None:
        """Open the downloaded PDF, else the web one, with the configured opener."""
        pid, config = record.id, self.screen.controller.config
        local = pdf_files.local_pdf(self.pdf_dir, pid)
        target = str(local) if local is not None else pdf_files.pdf_url(config.pdf_url, pid)
        self.screen.run_worker(lambda: self._open(target, local is not None, config.opener),
                               thread=True, group="browser", exit_on_error=False,
                               description="open PDF")

    def _open(self, target: str, is_file: bool, opener: str) -> None:
        import shlex  # a thread worker: neither is needed before a PDF is opened
        import webbrowser

        app = self.screen.app
        if opener:
            try:
                subprocess.Popen([*shlex.split(opener), target], stdin=subprocess.DEVNULL,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                 start_new_session=True)
            except (OSError, ValueError) as err:
                app.call_from_thread(self.screen.notify,
                                     f"Could not run the opener {opener!r}: {err}",
                                     severity="warning", markup=False)
            return
        url = Path(target).as_uri() if is_file else target
        if not webbrowser.open(url):
            app.call_from_thread(self.screen.notify, f"Could not open {target}",
                                 severity="warning", markup=False)
