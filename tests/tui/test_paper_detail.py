"""PaperDetail: every section, collapsible authors, linked repos, placeholder and hostile text."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult
from textual.geometry import Region
from textual.widgets import Static

from reader.hub.models import Author, LinkedRepo, LinkedRepos, Organization, Paper
from reader.store.record import Record
from reader.store.state import LibraryState
from reader.widgets.paper_detail import PaperDetail, pack_lines
from reader.widgets.rows import display_safe
from tests.fakehub.hostile import CASES, CLICK

SIZE = (100, 40)


def paper(**fields: object) -> Paper:
    defaults: dict[str, object] = {
        "id": "2502.16161",
        "title": "Efficient attention for long documents",
        "summary": "We study attention.\n\nA second paragraph.",
        "authors": (Author("Alice Smith"), Author("Bob Lee"), Author("Secret", hidden=True)),
        "published_at": "2025-02-20T17:00:00.000Z",
        "upvotes": 42,
        "num_comments": 3,
        "ai_summary": "A faster attention.",
        "ai_keywords": ("attention", "long context"),
        "github_repo": "https://github.com/example/fast-attn",
        "github_stars": 1234,
        "project_page": "https://fast-attn.example.org",
        "organization": Organization("exlab", "Example Lab"),
    }
    defaults.update(fields)
    return Paper(**defaults)  # type: ignore[arg-type]


def record(**fields: object) -> Record:
    return Record(paper(**fields), listed_on=("2025-02-21", "2025-02-24"))


class DetailApp(App[None]):
    def compose(self) -> ComposeResult:
        yield PaperDetail(id="detail")


def section(detail: PaperDetail, name: str) -> Static:
    return detail.query_one(f"#detail-{name}", Static)


def rendered(static: Static) -> str:
    """What the Static draws at its laid-out width, line by line."""
    width, height = static.size
    return "\n".join("".join(seg.text for seg in strip).rstrip()
                     for strip in static.render_lines(Region(0, 0, width, height)))


def shown(detail: PaperDetail) -> str:
    return "\n".join(rendered(s) for s in detail.query(Static) if s.display)


async def test_placeholder_then_every_section() -> None:
    app = DetailApp()
    async with app.run_test(size=SIZE, notifications=True, tooltips=True) as pilot:
        detail = app.query_one(PaperDetail)
        await pilot.pause()
        assert "No paper selected" in shown(detail)
        state = LibraryState(bookmarks={"2502.16161": "2025-03-01T00:00:00Z"},
                             tags={"2502.16161": ("to-read",)})
        detail.show(record(), state=state)
        await pilot.pause()
        text = shown(detail)
        assert "No paper selected" not in text
        for expected in (
            "Efficient attention for long documents", "Alice Smith, Bob Lee", "Example Lab",
            "2025-02-20", "2025-02-21, 2025-02-24", "▲ 42", "comments 3", "2502.16161",
            "★ bookmarked", "unread", "#to-read",
            "https://huggingface.co/papers/2502.16161", "https://arxiv.org/abs/2502.16161",
            "https://arxiv.org/pdf/2502.16161", "https://github.com/example/fast-attn  ★ 1,234",
            "https://fast-attn.example.org", "A faster attention.", "attention · long context",
            "We study attention.", "A second paragraph.", "linked repos: not fetched yet",
        ):
            assert expected in text, expected
        assert "Secret" not in text  # hidden authors are skipped
        assert not section(detail, "authors-more").display

        detail.show(None, state=state)
        await pilot.pause()
        assert "No paper selected" in shown(detail) and "Efficient" not in shown(detail)


async def test_linked_repos_counts_and_top_ids() -> None:
    models = tuple(LinkedRepo(f"org/model-{n}", "model", likes=n) for n in range(7))
    linked = LinkedRepos(models=models, datasets=(LinkedRepo("org/data", "dataset"),))
    app = DetailApp()
    async with app.run_test(size=SIZE, notifications=True, tooltips=True) as pilot:
        detail = app.query_one(PaperDetail)
        detail.show(record(), state=LibraryState(), linked=linked)
        await pilot.pause()
        text = rendered(section(detail, "linked"))
        # Every repo is listed, most liked first, each on its own line.
        lines = text.splitlines()
        assert "Models       7" in lines and "Datasets     1" in lines
        assert "Spaces       0" in lines
        models_at = [i for i, line in enumerate(lines) if line.startswith("  org/model-")]
        assert [lines[i].split()[0] for i in models_at] == [f"org/model-{n}"
                                                            for n in range(6, -1, -1)]
        assert "  org/data" in lines
        assert "not fetched" not in text


async def test_many_authors_collapse_and_expand_with_a() -> None:
    authors = tuple(Author(f"Author Number{n}") for n in range(500))
    app = DetailApp()
    async with app.run_test(size=SIZE, notifications=True, tooltips=True) as pilot:
        detail = app.query_one(PaperDetail)
        detail.show(record(authors=authors), state=LibraryState())
        detail.focus()
        await pilot.pause()
        authors_static = section(detail, "authors")
        assert authors_static.size.height == 3
        assert detail.hidden_authors > 400
        more = rendered(section(detail, "authors-more"))
        assert f"… and {detail.hidden_authors} more — press a to expand" in more
        assert "Author Number499" not in rendered(authors_static)

        await pilot.press("a")
        await pilot.pause()
        assert detail.authors_expanded and detail.hidden_authors == 0
        assert authors_static.size.height > 3
        assert "Author Number499" in rendered(authors_static)
        assert "press a to collapse" in rendered(section(detail, "authors-more"))

        # The same paper again (a refresh) keeps the expansion; another paper collapses it.
        detail.show(record(authors=authors, upvotes=43), state=LibraryState())
        await pilot.pause()
        assert detail.authors_expanded
        detail.show(record(id="2502.00001", authors=authors), state=LibraryState())
        await pilot.pause()
        assert not detail.authors_expanded and detail.hidden_authors > 400

        await pilot.press("a", "a")
        await pilot.pause()
        assert not detail.authors_expanded and authors_static.size.height == 3


async def test_collapsed_authors_follow_the_width() -> None:
    authors = tuple(Author(f"Author Number{n}") for n in range(60))
    app = DetailApp()
    async with app.run_test(size=SIZE, notifications=True, tooltips=True) as pilot:
        detail = app.query_one(PaperDetail)
        detail.show(record(authors=authors), state=LibraryState())
        await pilot.pause()
        wide = detail.hidden_authors
        await pilot.resize_terminal(50, 40)
        await pilot.pause()
        assert detail.hidden_authors > wide
        assert section(detail, "authors").size.height == 3


def test_pack_lines() -> None:
    names = ["Ann", "Bo", "Cyd", "Dee"]
    assert pack_lines(names, 80, 3) == (["Ann, Bo, Cyd, Dee"], 0)
    assert pack_lines(names, 8, 3) == (["Ann, Bo,", "Cyd, Dee"], 0)
    assert pack_lines(names, 7, 3) == (["Ann,", "Bo,", "Cyd,"], 1)
    assert pack_lines(names, 7, 2) == (["Ann,", "Bo,"], 2)
    assert pack_lines(["a" * 20, "b"], 5, 3) == (["a" * 20 + ",", "b"], 0)
    assert pack_lines([], 10, 3) == ([], 0)


async def test_huge_abstract_renders() -> None:
    abstract = ("Tokens [/ and [@click=app.quit]x[/] repeat. " * 1400)[:60_000]
    app = DetailApp()
    async with app.run_test(size=SIZE, notifications=True, tooltips=True) as pilot:
        detail = app.query_one(PaperDetail)
        detail.show(record(summary=abstract), state=LibraryState())
        await pilot.pause()
        static = section(detail, "abstract")
        assert static.size.height > 60_000 // SIZE[0]  # wrapped to the pane width
        assert static.size.width <= SIZE[0]
        await pilot.press("end")
        detail.focus()
        await pilot.press("end", "home")
        await pilot.pause()
        assert app.is_running


HOSTILE = [
    pytest.param(title, summary or "", id=kind) for kind, title, summary in CASES
]


@pytest.mark.parametrize(("title", "summary"), HOSTILE)
async def test_hostile_text_renders_as_text_and_runs_nothing(title: str, summary: str) -> None:
    """Raw hostile strings (as if the hub had not cleaned them) never crash or act."""
    hostile_authors = (Author(CLICK), Author("[/"), Author("\x1b]52;c;eA==\x07Eve"),
                       *(Author(f"[b]Name {n}") for n in range(500)))
    rec = record(title=title, summary=summary, authors=hostile_authors, ai_summary=CLICK,
                 ai_keywords=("[/", CLICK), github_repo="https://github.com/x/[@click=app.quit]",
                 project_page="javascript:[/]", submitted_by="[@click=app.quit]me[/]",
                 organization=Organization("[/", "[b]Org"))
    linked = LinkedRepos(spaces=(LinkedRepo(CLICK, "space"),))
    app = DetailApp()
    async with app.run_test(size=(120, 40), notifications=True, tooltips=True) as pilot:
        detail = app.query_one(PaperDetail)
        detail.show(rec, state=LibraryState(notes={"2502.16161": "[/ note"}), linked=linked)
        detail.focus()
        await pilot.pause()
        text = shown(detail)
        assert CLICK in text  # shown literally (ai summary, keywords, authors, linked)
        assert "[@click=app.quit]me[/]" in text and "[/ note" in text and "[b]Org" in text
        if "[" in title:
            assert display_safe(title) in rendered(section(detail, "title"))
        assert not any(ord(ch) < 32 and ch != "\n" or 0x7F <= ord(ch) < 0xA0 for ch in text)
        assert "\u202e" not in text
        for y in range(0, 40, 8):
            await pilot.click(PaperDetail, offset=(2 + y, y))
        await pilot.press("a", "end", "a", "home")
        await pilot.pause()
        assert app.is_running


async def test_empty_and_cjk_titles() -> None:
    app = DetailApp()
    async with app.run_test(size=(60, 30), notifications=True, tooltips=True) as pilot:
        detail = app.query_one(PaperDetail)
        detail.show(record(title="", summary="", authors=()), state=LibraryState())
        await pilot.pause()
        text = shown(detail)
        assert "(untitled)" in text and "(no abstract)" in text and "(no authors listed)" in text
        cjk = "大型语言模型的推理能力研究 🚀🤗: 한국어 제목과 日本語のタイトル " * 3
        detail.show(record(id="2502.00002", title=cjk), state=LibraryState())
        await pilot.pause()
        title = section(detail, "title")
        assert title.size.height >= 3 and "日本語のタイトル" in rendered(title)


# --- wrapping, links, linked repos (issue: the daily reader) ---------------------------------


class LinkApp(App[None]):
    """A detail of a given width that records LinkedWanted messages and opened URLs."""

    def __init__(self, width: int) -> None:
        super().__init__()
        self.width = width
        self.wanted: list[str] = []
        self.opened: list[str] = []

    def compose(self) -> ComposeResult:
        detail = PaperDetail(id="detail")
        detail.styles.width = self.width
        yield detail

    def on_paper_detail_linked_wanted(self, message: PaperDetail.LinkedWanted) -> None:
        self.wanted.append(message.paper_id)

    def open_url(self, url: str, *, new_tab: bool = True) -> None:
        self.opened.append(url)


LONG_PAGE = "https://very-long-project-page.example.org/research/2025/efficient-attention/index.html"


@pytest.mark.parametrize("width", [34, 40, 60])
async def test_wrapped_values_hang_under_their_value(width: int) -> None:
    days = tuple(f"2025-02-{d:02d}" for d in range(10, 28))
    org = Organization("lab", "The Very Long Named Institute of Attention Research and Friends")
    rec = Record(paper(organization=org, upvotes=123_456, num_comments=12_345), listed_on=days)
    app = LinkApp(width)
    async with app.run_test(size=(80, 40), notifications=True, tooltips=True) as pilot:
        detail = app.query_one(PaperDetail)
        detail.show(rec, state=LibraryState())
        await pilot.pause()
        lines = rendered(section(detail, "meta")).splitlines()
        start = next(i for i, line in enumerate(lines) if line.startswith("Daily Papers"))
        follow = lines[start + 1]
        assert follow.startswith(" " * 13) and follow[13:14].isdigit(), lines
        votes_at = next(i for i, line in enumerate(lines) if line.startswith("Upvotes"))
        assert lines[votes_at + 1].startswith(" " * 13) or "comments" in lines[votes_at]
        status_at = next(i for i, line in enumerate(lines) if line.startswith("Status"))
        assert all(line.startswith(" " * 13) for line in lines[status_at + 1:]), lines
        org_at = next(i for i, line in enumerate(lines) if line.startswith("Organization"))
        assert lines[org_at + 1].startswith(" " * 13) and lines[org_at + 1].strip()
        shown_days = " ".join(lines).replace(",", " ").split()
        assert all(d in shown_days for d in days)  # wrapped, nothing lost


@pytest.mark.parametrize("width", [34, 50])
async def test_urls_are_shortened_on_one_line_and_link_whole(width: int) -> None:
    rec = record(project_page=LONG_PAGE)
    app = LinkApp(width)
    async with app.run_test(size=(80, 40), notifications=True, tooltips=True) as pilot:
        detail = app.query_one(PaperDetail)
        detail.show(rec, state=LibraryState())
        await pilot.pause()
        links = section(detail, "links")
        lines = rendered(links).splitlines()
        page = [line for line in lines if line.startswith("Project page")]
        assert len(page) == 1 and "…" in page[0]
        # Each URL stays on its label's line: no line continues a broken URL.
        labels = ("Links", "Hugging Face ", "arXiv ", "PDF ", "GitHub ", "Project page ")
        assert all(line.startswith(labels) for line in lines), lines
        assert links.size.height == len(lines)
        # The link behind the shortened text is the whole URL: clicking it opens that.
        row = lines.index(page[0])
        await pilot.click(links, offset=(16, row))
        await pilot.pause()
        assert app.opened == [LONG_PAGE]


async def test_every_linked_repo_is_visible_and_opens() -> None:
    models = tuple(LinkedRepo(f"org/model-{n}", "model", likes=n) for n in range(40))
    spaces = (LinkedRepo("me/demo", "space", likes=3),)
    linked = LinkedRepos(models=models, datasets=(LinkedRepo("org/data", "dataset"),),
                         spaces=spaces)
    app = LinkApp(40)
    async with app.run_test(size=(80, 24), notifications=True, tooltips=True) as pilot:
        detail = app.query_one(PaperDetail)
        detail.show(record(), state=LibraryState(), linked=linked)
        detail.focus()
        await pilot.pause()
        text = rendered(section(detail, "linked"))
        assert all(f"org/model-{n}" in text for n in range(40))
        assert "me/demo" in text and "org/data" in text
        await pilot.press("G")  # the pane scrolls to the last of them
        await pilot.pause()
        assert detail.scroll_y == detail.max_scroll_y > 0
        linked_static = section(detail, "linked")
        lines = rendered(linked_static).splitlines()
        for name, url in (("me/demo", "https://huggingface.co/spaces/me/demo"),
                          ("org/data", "https://huggingface.co/datasets/org/data"),
                          ("org/model-39", "https://huggingface.co/org/model-39")):
            row = next(i for i, line in enumerate(lines) if line.strip().startswith(name))
            linked_static.scroll_visible(immediate=True)
            detail.scroll_to(y=linked_static.region.y - detail.region.y + detail.scroll_y
                             + row - 2, animate=False, immediate=True)
            await pilot.pause()
            await pilot.click(linked_static, offset=(3, row))
            await pilot.pause()
            assert app.opened[-1] == url


async def test_linked_repos_are_wanted_once_the_cursor_rests() -> None:
    app = LinkApp(50)
    async with app.run_test(size=(80, 24), notifications=True, tooltips=True) as pilot:
        detail = app.query_one(PaperDetail)
        for n in range(5):  # a held key: each paper shown only for a moment
            detail.show(record(id=f"2502.1616{n}"), state=LibraryState())
            await pilot.pause()
        await pilot.pause(0.6)
        assert app.wanted == ["2502.16164"]
        detail.show(record(id="2502.16164"), state=LibraryState(), linked=LinkedRepos())
        detail.show(record(id="2502.00001"), state=LibraryState(), linked=LinkedRepos())
        await pilot.pause(0.6)
        assert app.wanted == ["2502.16164"]  # papers whose repos are known are not asked for


async def test_showing_the_paper_again_redraws_only_what_changed() -> None:
    """A refresh shows the paper under the cursor again with new counts: its abstract, title
    and authors are not laid out and wrapped again (tens of ms of the UI loop), the counts are."""
    app = DetailApp()
    async with app.run_test(size=SIZE) as pilot:
        detail = app.query_one(PaperDetail)
        detail.show(record(), state=LibraryState())
        await pilot.pause()
        before = {name: section(detail, name).content
                  for name in ("title", "authors", "abstract", "keywords", "meta")}
        detail.show(record(upvotes=47), state=LibraryState())
        await pilot.pause()
        for name in ("title", "authors", "abstract", "keywords"):
            assert section(detail, name).content is before[name], name
        assert section(detail, "meta").content is not before["meta"]
        assert "▲ 47" in rendered(section(detail, "meta"))
        detail.show(record(summary="Another abstract."), state=LibraryState())
        await pilot.pause()
        assert "Another abstract." in rendered(section(detail, "abstract"))


async def test_new_counts_of_the_same_height_ask_for_no_layout() -> None:
    """A layout repaints every pane (~40 ms at 120x40): new counts that keep the meta lines'
    height only redraw that section; a section that grows or shrinks still lays out."""
    app = DetailApp()
    async with app.run_test(size=SIZE) as pilot:
        detail = app.query_one(PaperDetail)
        detail.show(record(), state=LibraryState())
        await pilot.pause()
        layouts: list[str] = []
        for name in ("meta", "abstract"):
            static = section(detail, name)
            real = static.refresh

            def spy(*args: object, _name: str = name, _real: object = real,
                    **kwargs: object) -> object:
                if kwargs.get("layout"):
                    layouts.append(_name)
                return _real(*args, **kwargs)  # type: ignore[operator]

            static.refresh = spy  # type: ignore[method-assign]
        detail.show(record(upvotes=47), state=LibraryState())
        await pilot.pause()
        assert "▲ 47" in rendered(section(detail, "meta"))
        assert layouts == []
        detail.show(record(summary="One.\n\n" + "A much longer abstract. " * 40),
                     state=LibraryState())
        await pilot.pause()
        assert set(layouts) == {"abstract"}
        assert "A much longer abstract." in rendered(section(detail, "abstract"))
