"""The full-text parser and wrapper: math stays as written, tables and lists keep their shape,
figures become caption + link, hostile text stays text."""

from __future__ import annotations

import datetime as dt

import pytest
from rich.style import Style

from reader.markdown_doc import BOLD, CODE, ITALIC, LINK, MATH, URL, parse, parse_inline
from reader.widgets.document_view import ROLES, breaks, wrap
from tests.fakehub import Corpus

STYLES = {k: Style() for k in (*ROLES, "heading", "title", "table", "quote", "rule", "marker",
                               "plain")}


@pytest.mark.parametrize(("text", "math"), [
    ("so $a_1 * b_2 * c_3$ holds", "$a_1 * b_2 * c_3$"),
    ("with $\\alpha_{t}*\\beta_{t}$ and _x_", "$\\alpha_{t}*\\beta_{t}$"),
    ("inline $$x_i^2$$ too", "$$x_i^2$$"),
    ("$p_\\theta(y|x)$", "$p_\\theta(y|x)$"),
])
def test_math_is_never_emphasis(text: str, math: str) -> None:
    spans = parse_inline(text)
    assert (math, MATH) in spans
    assert "".join(t for t, _ in spans).count(math) == 1


def test_inline_roles() -> None:
    spans = parse_inline("**bold** *it* _it2_ snake_case_name `a*b` [text](https://x.org) "
                         "\\*literal\\* price $5 and $6")
    assert ("bold", BOLD) in spans and ("it", ITALIC) in spans and ("it2", ITALIC) in spans
    assert ("a*b", CODE) in spans and ("text", LINK) in spans
    assert (" <https://x.org>", URL) in spans
    plain = "".join(t for t, _ in spans)
    assert "snake_case_name" in plain and "*literal*" in plain


def test_blocks_keep_their_shape() -> None:
    doc = parse("# Title\n\nPara one\ncontinues.\n\n- a\n- b with $x_t$\n  - nested\n"
                "1. first\n2. second\n\n| A | B |\n|---|--:|\n| long cell | 2 |\n\n"
                "$$\nE = mc^2 * k_1\n$$\n\n![Figure 1: A plot](https://arxiv.org/x1.png)\n\n"
                "```\ncode *not* emphasis\n```\n\n> quoted\n\n---\n\n## Section 2\n")
    kinds = [b.kind for b in doc.blocks]
    assert kinds == ["heading", "para", "item", "item", "item", "item", "item", "table", "math",
                     "figure", "code", "quote", "rule", "heading"]
    assert doc.blocks[1].plain == "Para one continues."
    assert [b.marker for b in doc.blocks[2:7]] == ["• ", "• ", "• ", "1. ", "2. "]
    assert doc.blocks[4].indent == 2
    table = doc.blocks[7].lines
    assert table[0].startswith("A ") and "│" in table[0] and "┼" in table[1]
    assert table[2].startswith("long cell │ 2")
    assert doc.blocks[8].lines == ["  E = mc^2 * k_1"]
    assert doc.blocks[9].plain == "Figure 1: A plot <https://arxiv.org/x1.png>"
    assert doc.blocks[10].lines == ["code *not* emphasis"]
    assert [doc.blocks[i].plain for i in doc.headings] == ["Title", "Section 2"]
    assert [(link.text, link.url) for link in doc.links] == [
        ("Figure 1: A plot", "https://arxiv.org/x1.png")]


def test_wrap_fits_the_width_and_keeps_every_word() -> None:
    doc = parse("A " + "word " * 200 + "https://example.org/" + "x" * 150 + " end\n\n"
                "- item " + "text " * 60)
    lines = wrap(doc, 40, STYLES)
    assert all(len(line.plain) <= 41 for line in lines)  # a trailing space may hang over
    joined = "".join(line.plain for line in lines if line.block == 0)
    assert joined.replace(" ", "") == doc.blocks[0].plain.replace(" ", "")
    items = [line for line in lines if line.block == 1 and not line.gap]
    assert items[0].plain.startswith("• item") and items[1].plain.startswith("  ")


def test_breaks_are_offsets_into_the_text() -> None:
    plain = "alpha beta gamma delta epsilon"
    starts = breaks(plain, 11)
    assert [plain[a:b].strip() for a, b in zip(starts, [*starts[1:], len(plain)], strict=True)
            ] == ["alpha beta", "gamma delta", "epsilon"]


def test_the_long_paper_parses_into_sections() -> None:
    corpus = Corpus(days=1, end=dt.date(2026, 3, 6), seed=0)
    doc = parse(corpus.markdown(corpus.long_id) or "")
    assert len(doc.headings) > 20
    kinds = {b.kind for b in doc.blocks}
    assert {"heading", "para", "item", "math", "table", "figure", "code"} <= kinds
    # Display math kept verbatim, underscores and stars included.
    assert any("_" in line for b in doc.blocks if b.kind == "math" for line in b.lines)


def test_hostile_text_stays_text() -> None:
    corpus = Corpus(days=1, end=dt.date(2026, 3, 6), seed=0, hostile=True)
    for pid in corpus.hostile_ids[:6]:
        doc = parse(corpus.markdown(pid) or "")
        shown = "".join(line.plain for line in wrap(doc, 80, STYLES))
        assert not any(ord(c) < 32 or 0x7F <= ord(c) < 0xA0 for c in shown)
        assert "\u202e" not in shown and "\u2066" not in shown
    doc = parse(corpus.markdown(corpus.hostile_ids[0]) or "")
    plain = "\n".join(b.plain for b in doc.blocks)
    assert "[@click=app.quit]x[/]" in plain and "<script>alert(1)</script>" in plain
    assert any(link.url == "@click=app.quit" for link in doc.links)
