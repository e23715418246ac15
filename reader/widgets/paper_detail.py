"""The detail pane: everything known about one paper, built from Content so no text is markup."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from rich.cells import cell_len, set_cell_size
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.message import Message
from textual.style import Style
from textual.timer import Timer
from textual.widgets import Static

from reader.hub.models import LinkedRepo, LinkedRepos, Paper
from reader.links import KINDS, by_likes, repo_url, short_url
from reader.store.record import Record
from reader.store.state import LibraryState
from reader.trending import daily_best, sparkline
from reader.trending import summary as trend_summary
from reader.widgets.rows import display_safe
from reader.widgets.vim_scroll import VimScroll

if TYPE_CHECKING:
    from textual.css.styles import RulesMap

    from reader.query.hit import Hit

__all__ = ["AUTHOR_LINES", "PaperDetail", "hang", "pack_lines"]

AUTHOR_LINES = 3  # author lines shown before "… and N more"
LABEL = 13  # the label column of "Label        value" lines; wrapped values hang under it
LINKED_DELAY = 0.4  # seconds the cursor rests on a paper before its linked repos are wanted

# Section ids, in the order they are composed.
_SECTIONS = ("title", "authors", "authors-more", "meta", "passage", "links", "ai-summary",
             "keywords", "abstract", "linked")

Part = str | tuple[str, str | Style]


def pack_lines(names: list[str], width: int, max_lines: int) -> tuple[list[str], int]:
    """Greedily pack ``names`` joined by ", " into at most ``max_lines`` lines of ``width`` cells.

    Returns the lines and how many names did not fit. A name wider than a line gets a line
    to itself (the Static wraps it further).
    """
    lines: list[str] = []
    current = ""
    used = 0
    last = len(names) - 1
    for count, name in enumerate(names):
        piece = name if count == last else name + ","
        size = cell_len(piece)
        if current and used + 1 + size <= width:
            current += " " + piece
            used += 1 + size
            continue
        if current:
            lines.append(current)
            if len(lines) == max_lines:
                return lines, len(names) - count
        current, used = piece, size
    if current:
        lines.append(current)
    return lines, 0


def hang(text: str, width: int, indent: int) -> list[str]:
    """``text`` wrapped at spaces into lines of ``width`` cells, every line after the first
    meant to follow ``indent`` spaces (a hanging indent under a label). A word wider than a
    line is cut into pieces; nothing is lost."""
    width = max(8, width)
    lines: list[str] = []
    current = ""
    for word in text.split():
        while cell_len(word) > width:
            if current:
                lines.append(current)
                current = ""
            piece = set_cell_size(word, width).rstrip()
            piece = piece or word[:1]
            lines.append(piece)
            word = word[len(piece):]
        if not word:
            continue
        if current and cell_len(current) + 1 + cell_len(word) <= width:
            current += " " + word
        else:
            if current:
                lines.append(current)
            current = word
    lines.append(current)
    return lines


def _link(label: str, url: str, width: int, extra: str = "") -> list[Part]:
    """A labelled URL on one line: the shown text is shortened to fit (never broken across
    lines), the link behind it is the whole URL (http(s) only; a style, never markup)."""
    url = display_safe(url)
    style: str | Style = Style(link=url) if url.startswith(("https://", "http://")) else ""
    room = max(8, width - LABEL - cell_len(extra))
    parts: list[Part] = [(f"{label:<{LABEL}}", ".paper-detail--label"),
                         (short_url(url, room), style)]
    if extra:
        parts.append((extra, ".paper-detail--dim"))
    parts.append("\n")
    return parts


def _update(static: Static, content: Content) -> None:
    """Show ``content`` in ``static`` unless it shows that already. A refresh shows the paper
    under the cursor again with new counts: laying out and wrapping its abstract, title and
    authors again took 40-90 ms of the UI loop for text that had not changed."""
    shown = static.content
    if isinstance(shown, Content) and shown.is_same(content):
        return
    # New counts rarely change a section's height: then no layout (which repaints every
    # pane, ~40 ms at 120x40), only this section redrawn.
    width, rules = static.content_region.width, cast("RulesMap", static.styles)  # as Textual
    same_height = (isinstance(shown, Content) and static.display and width > 0
                   and shown.get_height(rules, width) == content.get_height(rules, width))
    static.update(content, layout=not same_height)


def _count(n: int | None) -> str:
    return "—" if n is None else f"{n:,}"


def _repos_lines(kind: str, repos: tuple[LinkedRepo, ...], width: int) -> list[Part]:
    """A kind's count, then every repo on its own line, linked to its Hub page."""
    parts: list[Part] = [(f"{kind:<{LABEL}}", ".paper-detail--label"), f"{len(repos):,}", "\n"]
    for repo in by_likes(repos):
        likes = f"  ♥ {repo.likes:,}" if repo.likes else ""
        name = display_safe(repo.id)
        room = max(8, width - 2 - cell_len(likes))
        shown = name if cell_len(name) <= room else set_cell_size(name, room - 1) + "…"
        parts += ["  ", (shown, Style(link=repo_url(repo))), (likes, ".paper-detail--dim"),
                  "\n"]
    return parts


class PaperDetail(VimScroll, can_focus=True):
    """Title, authors, dates, counts, links, AI summary, keywords, abstract and linked repos.

    Every piece of remote text goes in as plain text of a ``Content`` (styled by spans around
    it), so ``[@click=...]`` or ``[/`` in a title is shown literally and runs nothing.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        # Not in the footer: the pane itself says "press a to expand" when there is more, and
        # showing it there would recompose the footer on most cursor moves (papers differ).
        Binding("a", "toggle_authors", "All authors", id="expand-authors", show=False,
                tooltip="Show every author, or collapse the list again"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "paper-detail--label",
        "paper-detail--heading",
        "paper-detail--dim",
        "paper-detail--warning",
        "paper-detail--status",
    }

    DEFAULT_CSS = """
    PaperDetail {
        padding: 0 1;
        scrollbar-gutter: stable;  /* a scrollbar appearing must not change the author lines */
        & > Static { width: 1fr; margin-bottom: 1; }
        & > #detail-authors { margin-bottom: 0; }
        & > #detail-placeholder { color: $text-muted; text-style: italic; margin-top: 1; }
        & > #detail-title { text-style: bold; }
        & > #detail-authors-more { color: $text-muted; }
        & > .paper-detail--label { color: $text-muted; }
        & > .paper-detail--heading { color: $text-accent; text-style: bold; }
        & > .paper-detail--dim { color: $text-muted; }
        & > .paper-detail--warning { color: $text-warning; text-style: bold; }
        & > .paper-detail--status { color: $text-secondary; }
    }
    """

    PLACEHOLDER = "No paper selected. Move the cursor in the list to see a paper here."

    class LinkedWanted(Message):
        """A paper without fetched linked repos stayed in the detail for ``LINKED_DELAY``
        seconds: the screen may fetch them (the detail itself never touches the network)."""

        def __init__(self, paper_id: str) -> None:
            super().__init__()
            self.paper_id = paper_id

    def __init__(self, *, name: str | None = None, id: str | None = None,
                 classes: str | None = None, disabled: bool = False) -> None:
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self._record: Record | None = None
        self._state = LibraryState()
        self._linked: LinkedRepos | None = None
        self.offline: dict[str, str] = {}  # paper id -> "full text" / "PDF" downloaded (hook)
        self._expanded = False
        self._hidden_authors = 0  # names behind "… and N more" at the current width
        self._authors_width = 0
        self._filled_width = 0  # the width the labelled lines were wrapped to
        self._linked_timer: Timer | None = None
        self._passage: Hit | None = None  # the best passage of a text: filter, if any
        self._sections = False  # the sections' Statics are mounted (see _mount_sections)

    def compose(self) -> ComposeResult:
        yield Static(Content(self.PLACEHOLDER), id="detail-placeholder")

    def _mount_sections(self) -> None:
        """Mount the sections' Statics when the first paper is shown. The app's first frame
        shows the placeholder: styling and laying out eleven empty Statics would delay it."""
        if not self._sections:
            self._sections = True
            self.mount_all(Static(id=f"detail-{section}") for section in _SECTIONS)

    def on_mount(self) -> None:
        self._fill()

    # --- public API ---------------------------------------------------------------------------

    @property
    def record(self) -> Record | None:
        """The paper shown, ``None`` for the placeholder."""
        return self._record

    @property
    def authors_expanded(self) -> bool:
        return self._expanded

    @property
    def hidden_authors(self) -> int:
        """How many authors the collapsed list leaves out (0 when expanded or all fit)."""
        return self._hidden_authors

    def show(self, record: Record | None, *, state: LibraryState,
             linked: LinkedRepos | None = None) -> None:
        """Show ``record`` (``None``: a calm placeholder) with the user's marks and linked repos.

        Showing the same paper again keeps the scroll position and the authors' expansion, so
        a refresh of counts or marks does not jump.
        """
        same = (record is not None and self._record is not None
                and record.id == self._record.id)
        self._record, self._state, self._linked = record, state, linked
        if not same:
            self._expanded = False
        if self.is_mounted and self.children:
            self._fill()
            if not same:
                self.scroll_home(animate=False, immediate=True)
        self._want_linked()

    def show_passage(self, found: Hit | None) -> None:
        """Show the passage of the full text that a ``text:`` filter found (None: none); it
        is shown only while its paper is."""
        self._passage = found
        if self.is_mounted and self._sections and self._record is not None:
            self._set("passage", self._passage_content())

    def _passage_content(self) -> Content | None:
        found, record = self._passage, self._record
        if found is None or record is None or found.paper_id != record.id:
            return None
        text = found.excerpt
        section = f"  § {display_safe(found.section)}" if found.section else ""
        return Content.assemble(
            ("Found in the full text", ".paper-detail--heading"),
            (section + "\n", ".paper-detail--label"),
            display_safe(text[:found.start]),
            (display_safe(text[found.start:found.end]), "bold reverse"),
            display_safe(text[found.end:]),
            ("\nEnter reads the paper there (n / N: the next and previous match)",
             ".paper-detail--dim"))

    def _want_linked(self) -> None:
        """Ask for the linked repos once the cursor has rested (a held key asks nothing)."""
        if self._linked_timer is not None:
            self._linked_timer.stop()
            self._linked_timer = None
        record = self._record
        if record is None or self._linked is not None or not self.is_mounted:
            return
        paper_id = record.id

        def wanted() -> None:
            self._linked_timer = None
            if self._record is not None and self._record.id == paper_id and self._linked is None:
                self.post_message(self.LinkedWanted(paper_id))

        self._linked_timer = self.set_timer(LINKED_DELAY, wanted)

    # --- actions and events -------------------------------------------------------------------

    def action_toggle_authors(self) -> None:
        if self._record is None or (not self._expanded and not self._hidden_authors):
            return
        self._expanded = not self._expanded
        self._render_authors()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "toggle_authors":
            return self._expanded or self._hidden_authors > 0
        return True

    def on_resize(self, event: events.Resize) -> None:
        # The author lines are packed, and the labelled lines wrapped, to the width.
        if self._record is not None and self._text_width() != self._filled_width:
            self._fill()

    def on_click(self, event: events.Click) -> None:
        """A click on a link (a URL, a linked repo) opens it in the browser."""
        link = event.style.link
        if link and link.startswith(("https://", "http://")):
            event.stop()
            self.app.open_url(link)

    # --- rendering ----------------------------------------------------------------------------

    def _section(self, name: str) -> Static:
        return self.query_one(f"#detail-{name}", Static)

    def _text_width(self) -> int:
        width = self.scrollable_content_region.width
        return width if width > 10 else 60  # not laid out yet: a sane guess, redone on resize

    def _set(self, name: str, content: Content | None) -> None:
        static = self._section(name)
        if content is None or not content.plain.strip():
            static.display = False
            return
        _update(static, content)
        static.display = True

    def _fill(self) -> None:
        record = self._record
        self.query_one("#detail-placeholder").display = record is None
        if record is None:
            for section in _SECTIONS if self._sections else ():
                self._section(section).display = False
            self._hidden_authors = 0
            return
        self._mount_sections()
        paper = record.paper
        self._filled_width = self._text_width()
        title = display_safe(paper.title) or "(untitled)"
        self._set("title", Content.assemble((title, "bold")))
        self._render_authors()
        self._set("meta", self._meta(record))
        self._set("passage", self._passage_content())
        self._set("links", self._links(paper))
        if paper.ai_summary:
            self._set("ai-summary", Content.assemble(
                ("AI summary\n", ".paper-detail--heading"), display_safe(paper.ai_summary)))
        else:
            self._set("ai-summary", None)
        if paper.ai_keywords:
            words = " · ".join(display_safe(k) for k in paper.ai_keywords)
            self._set("keywords", Content.assemble(("Keywords  ", ".paper-detail--label"),
                                                   words))
        else:
            self._set("keywords", None)
        abstract = display_safe(paper.summary, keep_newlines=True) or "(no abstract)"
        self._set("abstract", Content.assemble(("Abstract\n", ".paper-detail--heading"),
                                               abstract))
        self._set("linked", self._linked_content(self._linked))

    def _render_authors(self) -> None:
        record = self._record
        if record is None:
            return
        names = [display_safe(a.name) for a in record.paper.visible_authors]
        width = self._text_width()
        self._authors_width = width
        hidden = 0
        if not names:
            text = "(no authors listed)"
        else:
            # Packed here rather than wrapped by the Static so that a name is never split.
            lines, hidden = pack_lines(names, width, len(names) if self._expanded else AUTHOR_LINES)
            text = "\n".join(lines)
        self._hidden_authors = 0 if self._expanded else hidden
        self._set("authors", Content(text))
        more = self._section("authors-more")
        if hidden:
            _update(more, Content(f"… and {hidden:,} more — press a to expand"))
            more.display = True
        elif self._expanded:
            _update(more, Content(f"all {len(names):,} authors — press a to collapse"))
            more.display = True
        else:
            more.display = False

    def _meta(self, record: Record) -> Content:
        paper = record.paper
        state = self._state
        parts: list[Part] = []
        width = self._text_width()

        def line(label: str, *values: Part) -> None:
            parts.append((f"{label:<{LABEL}}", ".paper-detail--label"))
            if len(values) == 1:
                # Wrapped here so that continuation lines hang under the value, not the label.
                value = values[0]
                text, style = (value, "") if isinstance(value, str) else value
                wrapped = ("\n" + " " * LABEL).join(hang(text, width - LABEL, LABEL))
                parts.append((wrapped, style) if style else wrapped)
            elif sum(cell_len(v if isinstance(v, str) else v[0]) for v in values) <= (
                    width - LABEL):
                parts.extend(values)
            else:  # too long for one line: wrapped as plain text, hanging like the others
                plain = "".join(v if isinstance(v, str) else v[0] for v in values)
                parts.append(("\n" + " " * LABEL).join(hang(plain, width - LABEL, LABEL)))
            parts.append("\n")

        if paper.withdrawn_at:
            parts += [("Withdrawn from arXiv on " + display_safe(paper.withdrawn_at[:10]),
                       ".paper-detail--warning"), "\n"]
        if paper.organization is not None:
            org = paper.organization
            line("Organization", display_safe(org.fullname or org.name))
        line("arXiv id", display_safe(paper.id))
        if paper.published_at:
            line("Published", display_safe(paper.published_at[:10]))
        if record.listed_on:
            line("Daily Papers", display_safe(", ".join(record.listed_on)))
        if paper.submitted_by:
            line("Submitted by", display_safe(paper.submitted_by))
        line("Upvotes", f"▲ {_count(paper.upvotes)}", ("   comments ", ".paper-detail--label"),
             _count(paper.num_comments))
        if record.trending_rank is not None:
            history = [rank for _, rank in daily_best(record.trending)]
            if len(history) < 2:  # one day: the rank says it all
                line("Trending", f"#{record.trending_rank}")
            else:
                line("Trending", f"#{record.trending_rank}  ",
                     (sparkline(history[-14:]), ".paper-detail--status"),
                     (f"  {trend_summary(record.trending)}", ".paper-detail--dim"))
        status: list[str] = []
        status.append("★ bookmarked" if state.is_bookmarked(paper.id) else "not bookmarked")
        read_at = state.read.get(paper.id)
        status.append(f"read {read_at[:10]}" if read_at else "unread")
        line("Status", (" · ".join(status), ".paper-detail--status"))
        if paper.id in self.offline:
            line("Offline", (f"{self.offline[paper.id]} downloaded · v reads it",
                             ".paper-detail--status"))
        tags = state.tags.get(paper.id)
        if tags:
            line("Tags", display_safe(" ".join(f"#{t}" for t in tags)))
        note = state.notes.get(paper.id)
        if note:
            line("Note", display_safe(note))
        return Content.assemble(*parts).rstrip() if parts else Content("")

    def _links(self, paper: Paper) -> Content:
        width = self._text_width()
        parts: list[Part] = [("Links\n", ".paper-detail--heading")]
        parts += _link("Hugging Face", paper.hf_url, width)
        parts += _link("arXiv", paper.arxiv_url, width)
        parts += _link("PDF", paper.pdf_url, width)
        if paper.github_repo:
            stars = f"  ★ {paper.github_stars:,}" if paper.github_stars is not None else ""
            parts += _link("GitHub", paper.github_repo, width, stars)
        if paper.project_page:
            parts += _link("Project page", paper.project_page, width)
        return Content.assemble(*parts).rstrip()

    def _linked_content(self, linked: LinkedRepos | None) -> Content:
        parts: list[Part] = [("On the Hub\n", ".paper-detail--heading")]
        if linked is None:
            parts.append(("linked repos: not fetched yet", ".paper-detail--dim"))
            return Content.assemble(*parts)
        width = self._text_width()
        for label, attr in KINDS:
            parts += _repos_lines(label, getattr(linked, attr), width)
        if linked.total:
            parts.append(("click a name to open it on huggingface.co", ".paper-detail--dim"))
        return Content.assemble(*parts).rstrip()
