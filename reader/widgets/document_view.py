"""A full text drawn line by line: wraps a parsed document once per width, draws only what shows.

Textual's Markdown widget mounts a widget per block: a 60-page paper took 6.4 s to open and
scrolling it lagged. Here the document is wrapped into Rich text lines (in a thread for long
texts) and ``render_line`` styles only the visible ones (toolong's approach), so opening and
scrolling cost the same for 2 pages or 2,000. Positions are kept as (block, character) so they
survive a change of width. Nothing here parses markup: every span is added as plain text.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from rich.cells import cell_len, chop_cells
from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from reader.markdown_doc import Block, Document

ROLES = ("bold", "italic", "code", "math", "link", "url")
_CLASSES = {
    "document--heading", "document--title", "document--bold", "document--italic",
    "document--code", "document--math", "document--link", "document--url",
    "document--table", "document--quote", "document--rule", "document--marker",
    "document--match", "document--match-current",
}


Seg = tuple[str, Style]
_WORD = re.compile(r"\s*\S+\s*")


@dataclass(frozen=True, slots=True)
class Line:
    """One wrapped line: its block, where in the block's text it starts, its styled pieces."""

    block: int
    start: int
    segments: tuple[Seg, ...]
    gap: bool = False  # the blank line before a block

    @property
    def plain(self) -> str:
        return "".join(text for text, _ in self.segments)


def _cells(text: str) -> int:
    return len(text) if text.isascii() else cell_len(text)


def breaks(plain: str, width: int) -> list[int]:
    """Where each line starts when ``plain`` is wrapped greedily at word gaps to ``width``
    cells; a word longer than a line is cut. (Rich's wrap measures every word's cells and took
    0.9 s for a 60-page paper; this takes a few ms.)"""
    starts = [0]
    col = 0
    for m in _WORD.finditer(plain):
        word = m.group()
        body = word.rstrip()
        size = _cells(body)
        if col and col + size > width:
            starts.append(m.start() + (len(word) - len(word.lstrip())))
            col = 0
        if size > width:  # fold a long word (a URL, a formula) into pieces
            at = starts[-1] if col == 0 else m.start()
            for piece in chop_cells(plain[at:m.start() + len(body)], width)[:-1]:
                at += len(piece)
                starts.append(at)
            col = _cells(plain[starts[-1]:m.end()])
        else:
            col += _cells(word) if col else _cells(word.lstrip())
    return starts


def _cut(spans: list[Seg], starts: list[int]) -> list[list[Seg]]:
    """``spans`` cut into lines at the character offsets ``starts``."""
    lines: list[list[Seg]] = [[] for _ in starts]
    k = 0
    pos = 0
    for text, style in spans:
        end = pos + len(text)
        at = pos
        while at < end:
            while k + 1 < len(starts) and starts[k + 1] <= at:
                k += 1
            stop = min(end, starts[k + 1]) if k + 1 < len(starts) else end
            lines[k].append((text[at - pos:stop - pos], style))
            at = stop
        pos = end
    return lines


def wrap(doc: Document, width: int, styles: dict[str, Style]) -> list[Line]:
    """The document as lines ``width`` cells wide (no Textual: may run in a thread)."""
    width = max(10, width)
    lines: list[Line] = []
    previous = ""
    for index, block in enumerate(doc.blocks):
        if lines and not (block.kind == "item" and previous == "item"):
            lines.append(Line(index, 0, (), gap=True))
        previous = block.kind
        lines.extend(_block_lines(index, block, width, styles))
    return lines


def _block_lines(index: int, block: Block, width: int, styles: dict[str, Style]) -> list[Line]:
    if block.kind == "rule":
        return [Line(index, 0, (("─" * width, styles["rule"]),))]
    if block.verbatim:
        style = styles["table" if block.kind == "table" else block.kind]
        out: list[Line] = []
        start = 0
        for raw in block.lines:
            pieces = chop_cells(raw, width) if _cells(raw) > width else [raw]
            offset = start
            for piece in pieces:
                out.append(Line(index, offset, ((piece, style),)))
                offset += len(piece)
            start += len(raw) + 1
        return out
    base = styles["heading" if block.kind == "heading" else "plain"]
    if block.kind == "heading" and block.level == 1:
        base = styles["title"]
    spans = [(text, base + styles[role] if role else base) for text, role in block.spans]
    prefix = " " * block.indent + block.marker
    hang = len(prefix)
    plain = block.plain
    starts = breaks(plain, max(4, width - hang))
    out = []
    for n, (start, cut) in enumerate(zip(starts, _cut(spans, starts), strict=True)):
        lead: tuple[Seg, ...] = ((prefix if n == 0 else " " * hang, styles["marker"]),) if (
            hang) else ()
        out.append(Line(index, start, (*lead, *cut)))
    return out or [Line(index, 0, ())]


class DocumentView(ScrollView, can_focus=True):
    """Shows a :class:`Document`; vim and page keys scroll, ``find`` highlights matches."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "line(1)", "Down", show=False, id="read-down",
                tooltip="Scroll down one line"),
        Binding("k,up", "line(-1)", "Up", show=False, id="read-up", tooltip="Scroll up one line"),
        Binding("pagedown,space,ctrl+f", "page(1)", "Page down", show=False,
                id="read-page-down", tooltip="Down one page"),
        Binding("pageup,ctrl+b", "page(-1)", "Page up", show=False, id="read-page-up",
                tooltip="Up one page"),
        Binding("ctrl+d", "half(1)", "Half page down", show=False, id="read-half-down",
                tooltip="Down half a page"),
        Binding("ctrl+u", "half(-1)", "Half page up", show=False, id="read-half-up",
                tooltip="Up half a page"),
        Binding("g,home", "edge(0)", "Top", show=False, id="read-top", tooltip="Go to the top"),
        Binding("G,end", "edge(1)", "Bottom", show=False, id="read-bottom",
                tooltip="Go to the end"),
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = _CLASSES
    DEFAULT_CSS = """
    DocumentView {
        height: 1fr;
        overflow-x: hidden;
        overflow-y: auto;
        padding: 0 1;
        & > .document--title { color: $accent; text-style: bold; }
        & > .document--heading { color: $primary; text-style: bold; }
        & > .document--bold { text-style: bold; }
        & > .document--italic { text-style: italic; }
        & > .document--code { color: $text-success; }
        & > .document--math { color: $text-warning; }
        & > .document--link { color: $text-primary; text-style: underline; }
        & > .document--url { color: $text-muted; }
        & > .document--table { color: $foreground; }
        & > .document--quote { color: $text-muted; }
        & > .document--rule { color: $foreground 30%; }
        & > .document--marker { color: $text-muted; }
        & > .document--match { background: $warning 40%; }
        & > .document--match-current { background: $accent; color: $text; }
    }
    """

    class Resized(Message):
        """The widget's size changed (the screen re-wraps the text when the width did)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.document: Document | None = None
        self.lines: list[Line] = []
        self._first_line: list[int] = []  # per block: its first line
        self._wrapped_width = 0
        self._strips: LRUCache[tuple[int, int], Strip] = LRUCache(1024)
        self._pattern: re.Pattern[str] | None = None
        self.matches: list[tuple[int, int]] = []  # (block, offset) of each match
        self.current = -1
        self._generation = 0
        self._base: Style | None = None
        self.on_scrolled: Callable[[], None] | None = None  # the top line changed

    # --- content ------------------------------------------------------------------------------

    def styles_by_role(self) -> dict[str, Style]:
        """The component classes as Rich styles (resolved on the UI thread, used by ``wrap``)."""
        def get(name: str) -> Style:
            return self.get_component_rich_style(f"document--{name}", partial=True)

        styles = {name: get(name) for name in (*ROLES, "heading", "title", "table", "quote",
                                                "rule", "marker")}
        styles["plain"] = Style()
        styles["math"] = get("math")
        styles["code"] = get("code")
        return styles

    def set_lines(self, document: Document, lines: list[Line], width: int) -> None:
        """Show ``document`` wrapped as ``lines`` (from :func:`wrap` at ``width``)."""
        self.document = document
        self.lines = lines
        self._wrapped_width = width
        first = [-1] * len(document.blocks)
        for n, line in enumerate(lines):
            if not line.gap and first[line.block] < 0:
                first[line.block] = n
        self._first_line = first
        self._strips.clear()
        self._generation += 1
        self.virtual_size = Size(width, len(lines))
        self.refresh()

    def wrap_width(self) -> int:
        return max(10, self.scrollable_content_region.width)

    def needs_rewrap(self) -> bool:
        return self.document is not None and self.wrap_width() != self._wrapped_width

    # --- positions ----------------------------------------------------------------------------

    def line_of(self, block: int, offset: int = 0) -> int:
        """The line showing character ``offset`` of ``block``."""
        if not self.lines or not self._first_line:
            return 0
        block = max(0, min(block, len(self._first_line) - 1))
        n = max(0, self._first_line[block])
        while (n + 1 < len(self.lines) and self.lines[n + 1].block == block
               and self.lines[n + 1].start <= offset):
            n += 1
        return n

    def position(self) -> tuple[int, int]:
        """(block, offset) of the top line: what a reopen restores."""
        if not self.lines:
            return (0, 0)
        line = self.lines[min(int(self.scroll_y), len(self.lines) - 1)]
        return (line.block, line.start)

    def go_to(self, block: int, offset: int = 0) -> None:
        self.scroll_to(y=self.line_of(block, offset), animate=False, force=True)

    def section_index(self) -> int:
        """The index (in ``document.headings``) of the section the top line is in, or -1."""
        if self.document is None or not self.lines:
            return -1
        block = self.position()[0]
        return bisect_right(self.document.headings, block) - 1

    # --- search -------------------------------------------------------------------------------

    def find(self, query: str) -> int:
        """Highlight every match of ``query`` (case-insensitive); returns the count."""
        self.matches = []
        self.current = -1
        self._pattern = re.compile(re.escape(query), re.IGNORECASE) if query else None
        if self._pattern is not None and self.document is not None:
            for k, block in enumerate(self.document.blocks):
                plain = block.plain
                self.matches.extend((k, m.start()) for m in self._pattern.finditer(plain))
        self._strips.clear()
        self.refresh()
        return len(self.matches)

    def next_match(self, step: int) -> int:
        """Move to the next (``step`` 1) or previous (-1) match after the top line; its index."""
        if not self.matches:
            return -1
        if self.current < 0:
            top = self.position()
            after = [i for i, m in enumerate(self.matches) if m >= top]
            self.current = after[0] if step > 0 and after else (
                (after[0] - 1 if after else len(self.matches) - 1) if step < 0 else 0)
            self.current %= len(self.matches)
        else:
            self.current = (self.current + step) % len(self.matches)
        block, offset = self.matches[self.current]
        target = self.line_of(block, offset)
        height = self.scrollable_content_region.height
        if not self.scroll_y <= target < self.scroll_y + height:
            self.scroll_to(y=max(0, target - height // 3), animate=False, force=True)
        self._strips.clear()
        self.refresh()
        return self.current

    def on_resize(self) -> None:
        self.post_message(self.Resized())

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        if int(old_value) != int(new_value) and self.on_scrolled is not None:
            # A direct call, not a message: the status line repaints in the same frame.
            self.on_scrolled()

    # --- keys ---------------------------------------------------------------------------------

    def action_line(self, step: int) -> None:
        self.scroll_to(y=self.scroll_y + step, animate=False)

    def action_page(self, direction: int) -> None:
        step = max(1, self.scrollable_content_region.height - 1)
        self.scroll_to(y=self.scroll_y + direction * step, animate=False)

    def action_half(self, direction: int) -> None:
        step = max(1, self.scrollable_content_region.height // 2)
        self.scroll_to(y=self.scroll_y + direction * step, animate=False)

    def action_edge(self, bottom: int) -> None:
        self.scroll_to(y=self.max_scroll_y if bottom else 0, animate=False)

    # --- drawing ------------------------------------------------------------------------------

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips.clear()
        self._base = None

    @property
    def base_style(self) -> Style:
        """The widget's own style (``rich_style`` walks the ancestors: once per theme)."""
        if self._base is None:
            self._base = self.rich_style
        return self._base

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        index = int(self.scroll_y) + y
        if not 0 <= index < len(self.lines):
            return Strip.blank(width, self.base_style)
        key = (index, self._generation)
        strip = self._strips.get(key)
        if strip is None:
            strip = self._draw_line(index, width)
            self._strips.set(key, strip)
        return strip

    def _draw_line(self, index: int, width: int) -> Strip:
        line = self.lines[index]
        base = self.base_style
        segments = [Segment(text, base + style) for text, style in line.segments]
        if self._pattern is not None:
            plain = line.plain
            found = list(self._pattern.finditer(plain))
            if found:
                segments = self._highlight(index, line, segments, found)
        return Strip(segments).crop_extend(0, width, base)

    def _highlight(self, index: int, line: Line, segments: list[Segment],
                   found: list[re.Match[str]]) -> list[Segment]:
        hit = self.get_component_rich_style("document--match", partial=True)
        now = self.get_component_rich_style("document--match-current", partial=True)
        expected = -99  # where the current match sits in this line's text, if here
        if 0 <= self.current < len(self.matches) and self.document is not None:
            block, offset = self.matches[self.current]
            if self.line_of(block, offset) == index:
                b = self.document.blocks[block]
                hang = 0 if b.verbatim else b.indent + len(b.marker)
                expected = hang + offset - line.start
        ranges = [(m.start(), m.end(), now if abs(m.start() - expected) <= 1 else hit)
                  for m in found]
        out: list[Segment] = []
        pos = 0
        for seg in segments:
            text, style = seg.text, seg.style or Style()
            end = pos + len(text)
            at = pos
            for lo, hi, extra in ranges:
                if hi <= at or lo >= end:
                    continue
                if lo > at:
                    out.append(Segment(text[at - pos:lo - pos], style))
                    at = lo
                stop = min(hi, end)
                out.append(Segment(text[at - pos:stop - pos], style + extra))
                at = stop
            if at < end:
                out.append(Segment(text[at - pos:], style))
            pos = end
        return out
