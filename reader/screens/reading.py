"""The reading screen: a paper's downloaded full text, with contents, search and a kept place.

Everything slow runs in thread workers: reading and decompressing the file, parsing, wrapping
(at a new width too) and saving the reading position. Offline it shows what was downloaded;
a paper without a full text says so and offers to queue it (``d``).
"""

from __future__ import annotations

import asyncio
import webbrowser
from collections.abc import Callable
from concurrent.futures import Future
from typing import ClassVar
from urllib.parse import urlsplit

from rich.style import Style
from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal
from textual.content import Content
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from reader.hub.text import clean_line
from reader.keys import READING_KEYS, bindings
from reader.markdown_doc import Document, parse
from reader.store.cache import PaperCache
from reader.store.positions import Position, Positions
from reader.store.writer import SerialWriter
from reader.widgets.document_view import DocumentView, Line, wrap
from reader.widgets.key_bar import KeyBar

SAVE_EVERY = 1.0  # seconds between checks of the reading position (saved when it moved)
WIDE = 100  # the contents pane shows by itself from this many columns


def openable(url: str) -> bool:
    """Only web links open: never file:, javascript:, data: or an app action."""
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


class _Line(Widget):
    """One line of text that repaints without a layout pass (the status changes per scroll)."""

    def __init__(self, text: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.text = text

    def set(self, text: str) -> None:
        if text != self.text:
            self.text = text
            self.refresh()

    def render(self) -> Content:
        return Content(self.text)


async def _saved(saved: Future[None]) -> None:
    """Wait for a write of the writer thread; a failure goes to the app's worker-error toast."""
    await asyncio.wrap_future(saved)


class ReadingScreen(Screen[None]):
    """One paper's full text. ``fetch(paper_id)`` queues a download (None: cannot)."""

    BINDINGS: ClassVar[list[BindingType]] = bindings(READING_KEYS)
    DEFAULT_CSS = """
    ReadingScreen { layout: vertical; }
    ReadingScreen #reading-title { height: auto; max-height: 2; padding: 0 1;
                                   background: $panel; text-style: bold; }
    ReadingScreen #reading-panes { height: 1fr; }
    ReadingScreen #reading-toc { width: 36; max-width: 40%; height: 1fr; border: none;
                                 border-right: vkey $foreground 20%; }
    ReadingScreen.-no-toc #reading-toc { display: none; }
    ReadingScreen #reading-find { display: none; height: 3; }
    ReadingScreen.-finding #reading-find { display: block; }
    ReadingScreen #reading-status { height: 1; padding: 0 1; color: $text-muted; }
    ReadingScreen #reading-message { height: 1fr; padding: 1 2; display: none; }
    ReadingScreen.-missing #reading-message { display: block; }
    ReadingScreen.-missing #reading-panes { display: none; }
    """

    def __init__(self, paper_id: str, title: str, cache: PaperCache, positions: Positions,
                 fetch: Callable[[str], str] | None = None, *, at: Position | None = None,
                 find: str = "", writer: SerialWriter | None = None) -> None:
        """``at``: open there rather than where the reader stopped, with ``find`` looked for
        (a passage a ``text:`` filter found: its words are the current match, n/N go on)."""
        super().__init__()
        self.paper_id = paper_id
        self.paper_title = clean_line(title)  # from the cache: another tool may have written it
        self.cache = cache
        self.positions = positions
        self.fetch = fetch
        self.writer = writer  # the app's writer thread (saved before exit); else a thread worker
        self.document: Document | None = None
        self.loaded = False
        self.missing = False
        self.query_text = find
        self.at = at
        self._saved: tuple[int, int] | None = None
        self._restore: Position | None = None
        self._moving = False  # a move to ``_restore`` is scheduled

    def compose(self) -> ComposeResult:
        yield Static(Content(self.paper_title or self.paper_id), id="reading-title")
        with Horizontal(id="reading-panes"):
            yield OptionList(id="reading-toc")
            yield DocumentView(id="reading-doc")
        yield Static(id="reading-message")
        yield Input(placeholder="Find in this paper (Enter; n / N for the next and previous)",
                    id="reading-find")
        yield _Line("Opening…", id="reading-status")
        yield KeyBar()

    @property
    def view(self) -> DocumentView:
        return self.query_one(DocumentView)

    @property
    def toc(self) -> OptionList:
        return self.query_one("#reading-toc", OptionList)

    def status(self, text: str) -> None:
        self.query_one("#reading-status", _Line).set(text)

    def on_mount(self) -> None:
        self.set_class(self.app.size.width < WIDE, "-no-toc")
        self.view.focus()
        self.view.on_scrolled = self.show_status
        self.set_interval(SAVE_EVERY, self.save_position)
        # Reading and parsing need no width: start them now, while the screen is laid out.
        self.load()

    # --- loading ------------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="reading-load", exit_on_error=False)
    def load(self) -> None:
        """Read and parse the full text and find the saved position (off the UI thread)."""
        text = self.cache.fulltext_get(self.paper_id)
        if text is None:
            self.app.call_from_thread(self._show_missing)
            return
        document = parse(text)
        try:
            position = self.at or self.positions.get(self.paper_id)
        except OSError:
            position = None
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._parsed, document, position)

    def _parsed(self, document: Document, position: Position | None) -> None:
        if not self.view.size.width:  # not laid out yet: wrap at the real width
            self.call_after_refresh(self._parsed, document, position)
            return
        self.document = document
        self._restore = position
        while self.positions.problems:  # reading.json was damaged and moved aside
            self.notify(self.positions.problems.pop(0), severity="warning", markup=False)
        options = []
        for k, block in enumerate(document.headings):
            b = document.blocks[block]
            label = "  " * max(0, b.level - 2) + b.plain
            options.append(Option(Content(label), id=f"h{k}"))
        self.toc.set_options(options)
        view = self.view
        self.rewrap(document, view.wrap_width(), view.styles_by_role())

    def _show(self, document: Document, lines: list[Line], width: int) -> None:
        first = not self.loaded
        self.loaded = True
        self.view.set_lines(document, lines, width)
        where = self._restore
        if where is not None:
            if first:
                self._saved = (where.block, where.offset)
            self._moving = True
            self.call_after_refresh(self._go, where)
        if self.query_text:
            self.view.find(self.query_text)
        self.call_after_refresh(self.show_status)

    def _show_missing(self) -> None:
        self.missing = True
        self.add_class("-missing")
        message = self.query_one("#reading-message", Static)
        how = ("Press d to download it now (it is queued and fetched as soon as the network "
               "answers)." if self.fetch is not None else
               "Start paper-reader without --offline (or run `paper-reader sync --fulltext` "
               "after bookmarking it) to download it.")
        message.update(Content.assemble(
            ("The full text of this paper is not downloaded.\n\n", "bold"),
            Content(f"{self.paper_title or self.paper_id} ({self.paper_id})\n\n"),
            how))
        self.status("not downloaded")

    def _go(self, where: Position) -> None:
        self.view.go_to(where.block, where.offset)
        self._moving = False
        if self.at is not None and where == self.at and self.view.current < 0 and \
                self.view.matches:
            self.view.next_match(1)  # the words found: the current match, in view
            self.call_after_refresh(self.show_status)

    def on_document_view_resized(self, event: DocumentView.Resized) -> None:
        if self.loaded and self.view.needs_rewrap() and self.document is not None:
            if not self._moving:  # else the place to restore is still on its way
                block, offset = self.view.position()
                self._restore = Position(block, offset)
            self.rewrap(self.document, self.view.wrap_width(), self.view.styles_by_role())

    @work(thread=True, exclusive=True, group="reading-wrap", exit_on_error=False)
    def rewrap(self, document: Document, width: int, styles: dict[str, Style]) -> None:
        """Wrap to ``width`` (a 60-page paper: ~80 ms, so never on the UI thread)."""
        lines = wrap(document, width, styles)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show, document, lines, width)

    # --- the place ----------------------------------------------------------------------------

    def show_status(self) -> None:
        view, document = self.view, self.document
        if document is None or not view.lines:
            return
        parts = []
        section = view.section_index()
        if section >= 0:
            parts.append(document.blocks[document.headings[section]].plain)
        total = len(view.lines)
        parts.append(f"{min(100, round(100 * (view.scroll_y + view.size.height) / total))}%")
        if self.query_text:
            count = len(view.matches)
            now = f"{view.current + 1}/{count}" if view.current >= 0 else f"{count}"
            parts.append(f"“{self.query_text}”: {now} match{'es' if count != 1 else ''}")
        self.status(" · ".join(parts))

    def save_position(self) -> None:
        """Save where the reader is, when it moved (a thread worker on the app: it outlives
        this screen, so closing the screen still saves)."""
        if not self.loaded or not self.view.lines:
            return
        where = self.view.position()
        self.show_status()
        if where == self._saved:
            return
        self._saved = where
        positions, paper_id = self.positions, self.paper_id

        def save() -> None:
            positions.put(paper_id, Position(*where))

        if self.writer is not None:
            saved = self.writer.submit(save)
            self.app.run_worker(_saved(saved), group="reading-position", exit_on_error=False,
                                description="save the reading position")
            return
        self.app.run_worker(save, thread=True, group="reading-position",
                            exit_on_error=False, description="save the reading position")

    # --- actions ------------------------------------------------------------------------------

    def action_close(self) -> None:
        if self.has_class("-finding") and self.focused is self.query_one(Input):
            self.remove_class("-finding")
            self.view.focus()
            return
        self.save_position()
        self.dismiss()

    def action_toggle_toc(self) -> None:
        """Hidden: show and focus the contents; shown: focus them; focused: hide them."""
        if self.focused is self.toc:
            self.add_class("-no-toc")
            self.view.focus()
            return
        self.remove_class("-no-toc")
        section = self.view.section_index()
        if section >= 0:
            self.toc.highlighted = section
        self.toc.focus()

    @on(OptionList.OptionSelected, "#reading-toc")
    def _jump(self, event: OptionList.OptionSelected) -> None:
        if self.document is None:
            return
        self.view.go_to(self.document.headings[event.option_index])
        self.view.focus()
        self.call_after_refresh(self.show_status)

    def action_section(self, step: int) -> None:
        document = self.document
        if document is None or not document.headings:
            return
        section = self.view.section_index()
        target = max(0, min(len(document.headings) - 1, section + step))
        if step > 0 and section < 0:
            target = 0
        self.view.go_to(document.headings[target])
        self.call_after_refresh(self.show_status)

    def action_find(self) -> None:
        if not self.loaded:
            return
        self.add_class("-finding")
        box = self.query_one(Input)
        box.value = self.query_text
        box.focus()

    @on(Input.Submitted, "#reading-find")
    def _find(self, event: Input.Submitted) -> None:
        self.query_text = event.value.strip()
        self.remove_class("-finding")
        self.view.focus()
        count = self.view.find(self.query_text)
        if self.query_text and count:
            self.view.next_match(1)
        elif self.query_text:
            self.notify(Content(f"No match for “{self.query_text}”").plain, markup=False,
                        timeout=2)
        self.call_after_refresh(self.show_status)

    def action_match(self, step: int) -> None:
        if not self.query_text:
            self.action_find()
            return
        if self.view.next_match(step) < 0:
            self.notify("No matches.", timeout=2)
        self.call_after_refresh(self.show_status)

    def action_links(self) -> None:
        from reader.screens.links import LinksDialog

        if self.document is None or not self.document.links:
            self.notify("This paper has no links.", timeout=2)
            return

        def chosen(url: str | None) -> None:
            if url is not None:
                self.open_link(url)

        self.app.push_screen(LinksDialog(self.document.links), chosen)

    def open_link(self, url: str) -> None:
        if not openable(url):
            scheme = urlsplit(url).scheme or "no scheme"
            self.notify(f"Not opened: only http(s) links open ({scheme}).", markup=False,
                        severity="warning", timeout=4)
            return
        self.app.run_worker(lambda: webbrowser.open(url), thread=True, group="browser",
                            exit_on_error=False, description="open link")

    def action_fetch(self) -> None:
        if not self.missing:
            self.notify("The full text is already downloaded.", timeout=2)
            return
        if self.fetch is None:
            self.notify("Offline (--offline): nothing can be downloaded now.", timeout=3)
            return
        self.notify(self.fetch(self.paper_id), markup=False, timeout=3)

    def reload(self) -> None:
        """The full text arrived while this screen was open: show it."""
        if self.missing:
            self.missing = False
            self.remove_class("-missing")
            self.load()

