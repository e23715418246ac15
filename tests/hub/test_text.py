"""Sanitising of remote text: escapes, controls, bidi and hidden characters never get through."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reader.hub.text import clean_block, clean_fragment, clean_line, is_forbidden, reflow

BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


def _assert_clean(out: str, *, keep_layout: bool = False) -> None:
    bad = [hex(ord(c)) for c in out if is_forbidden(c, keep_layout=keep_layout)]
    assert not bad, f"forbidden characters left: {bad} in {out!r}"
    assert "\x1b" not in out and "\x9b" not in out


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("\x1b[31mred\x1b[0m text", "red text"),
        ("\x1b]52;c;SGVsbG8=\x07Title", "Title"),  # OSC 52 clipboard write, BEL-terminated
        ("\x1b]52;c;SGVsbG8=\x1b\\Title", "Title"),  # ... ST-terminated
        ("\x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\", "link"),  # OSC 8 hyperlink
        ("\x1bP1$qm\x1b\\after", "after"),  # DCS
        ("\x1b_apc payload\x1b\\x", "x"),  # APC
        ("\x9b31mX", "X"),  # 8-bit CSI
        ("\x9d0;title\x07Y", "Y"),  # 8-bit OSC
        ("cut off \x1b[", "cut off"),  # partial CSI at the end
        ("cut \x1b[12;3", "cut"),
        ("lone \x1b", "lone"),
        ("\x1bcreset", "reset"),  # ESC c (full terminal reset) keeps the text after it
        ("unterminated \x1b]52;c;abc", "unterminated c;abc"),  # ESC gone: the rest is inert
        ("a\u202eevil\u202c b", "aevil b"),
        ("x\u2066y\u2069z\u200ew\u200fv\u061cu", "xyzwvu"),
        ("zero\u200bwidth\u2060joined\ufeff", "zerowidthjoined"),
        ("tag\U000e0041\U000e0042s", "tags"),  # Unicode tag characters (ASCII smuggling)
        ("hangul\u3164filler", "hangulfiller"),
        ("bell\x07 nul\x00 del\x7f c1\x85x\x9fy", "bell nul del c1 xy"),
        ("  many   spaces\tand\nnewlines\r\n  ", "many spaces and newlines"),
        ("line\u2028sep\u2029para", "line sep para"),
        ("[@click=app.quit]x[/] [b] [/", "[@click=app.quit]x[/] [b] [/"),  # markup untouched
        ("e\u0301", "\u00e9"),  # NFC
        ("e\u200b\u0301", "\u00e9"),  # NFC after a hidden char is removed
        ("\ud800lone surrogate", "lone surrogate"),
        ("日本語 😀 Ελληνικά", "日本語 😀 Ελληνικά"),
    ],
)
def test_clean_line(raw: str, expected: str) -> None:
    assert clean_line(raw) == expected


@given(st.text())
def test_clean_line_never_leaves_a_forbidden_char(raw: str) -> None:
    out = clean_line(raw)
    _assert_clean(out)
    assert "\n" not in out and "\t" not in out
    assert out == out.strip()
    assert "  " not in out
    assert unicodedata.is_normalized("NFC", out)


# Strings built from the dangerous pieces, so hypothesis hits escape sequences often.
_PIECES = st.sampled_from(
    ["\x1b", "[", "]", "\\", "\x07", "\x9b", "\x9c", "\x9d", "P", "_", "^", "X", "0", ";", "m",
     "a", " ", "\n", "\t", "\r", "\u0301", "\u200b", "\u202e", "é", "\ud800"]
)
_HOSTILE = st.lists(_PIECES | st.text(max_size=3), max_size=40).map("".join)


@given(_HOSTILE)
def test_hostile_pieces_are_cleaned_everywhere(raw: str) -> None:
    _assert_clean(clean_line(raw))
    _assert_clean(clean_fragment(raw))
    _assert_clean(clean_block(raw), keep_layout=True)
    _assert_clean(reflow(raw), keep_layout=True)
    assert "\t" not in reflow(raw)


@given(st.text())
def test_clean_block_and_reflow_never_leave_a_forbidden_char(raw: str) -> None:
    block = clean_block(raw)
    _assert_clean(block, keep_layout=True)
    assert "\r" not in block
    flowed = reflow(raw)
    _assert_clean(flowed, keep_layout=True)
    assert "\n\n\n" not in flowed
    assert flowed == flowed.strip()


def test_clean_block_keeps_layout() -> None:
    md = "# Title\r\n\n```\n\tcode\x1b[2J\n```\r\nend\x00"
    assert clean_block(md) == "# Title\n\n```\n\tcode\n```\nend"


def test_forbidden_set_covers_the_bidi_controls() -> None:
    for ch in BIDI:
        assert is_forbidden(ch)
    assert not is_forbidden("\n", keep_layout=True)
    assert is_forbidden("\n")
    assert not is_forbidden("[")


def test_reflow_joins_arxiv_wraps_and_keeps_paragraphs() -> None:
    raw = (
        "  We introduce KazQAD -- a Kazakh open-domain question answering (ODQA) dataset\n"
        "-- that can be used in both reading comprehension\n"
        "and full ODQA settings.\n"
        "   \n"
        "Second   paragraph\twith\ttabs.\n\n\n\nThird.\n"
    )
    assert reflow(raw) == (
        "We introduce KazQAD -- a Kazakh open-domain question answering (ODQA) dataset "
        "-- that can be used in both reading comprehension and full ODQA settings."
        "\n\nSecond paragraph with tabs.\n\nThird."
    )


def test_reflow_of_nothing() -> None:
    assert reflow("") == ""
    assert reflow(" \n\n \x1b[0m") == ""


def test_clean_fragment_keeps_edge_spaces() -> None:
    assert clean_fragment("KazQAD: ") == "KazQAD: "
    assert clean_fragment("  Open\n Domain") == " Open Domain"
    assert clean_fragment("   ") == " "
    assert clean_fragment("") == ""


def test_fast_forbidden_table_agrees_with_is_forbidden_on_every_code_point() -> None:
    """The regex table used on the hot path must forbid exactly what ``is_forbidden`` does.

    If this fails on a newer Python (a newer Unicode database), regenerate ``_FORBIDDEN_RANGES``
    from ``is_forbidden`` over range(0x110000).
    """
    from reader.hub import text

    for keep_layout, pattern in ((False, text._FORBIDDEN_LINE), (True, text._FORBIDDEN_BLOCK)):
        wrong = [
            hex(cp)
            for cp in range(0x110000)
            if bool(pattern.fullmatch(chr(cp)))
            != text.is_forbidden(chr(cp), keep_layout=keep_layout)
        ]
        assert wrong == [], (keep_layout, wrong[:10])


# --- the fast paths are exactly the full ones ----------------------------------------------------

# ASCII with every control, DEL, tabs and line breaks drawn often, and the non-ASCII characters
# the fast paths must send to the full path (C1, NBSP, bidi, invisible letters, breaks, NFD).
_TRICKY = st.text(
    alphabet=st.characters(max_codepoint=0x7F)
    | st.sampled_from(["\x1b", "\x7f", "\t", "\n", "\r", "\x0b", "\x0c", "\x1c", "\x85", "\x9b",
                       "\xa0", "\u0301", "\u115f", "\u3164", "\uffa0", "\u200b", "\u202e",
                       "\u2028", "\u2029", "\u3000", "é", "徐"])
)


@given(st.text() | _TRICKY | _HOSTILE)
def test_clean_line_fast_path_equals_the_full_path(raw: str) -> None:
    from reader.hub.text import _clean_line_full

    assert clean_line(raw) == _clean_line_full(raw)


@given(st.text() | _TRICKY | _HOSTILE)
def test_clean_block_fast_path_equals_the_full_path(raw: str) -> None:
    from reader.hub.text import _clean_block_full

    assert clean_block(raw) == _clean_block_full(raw)


def test_fast_paths_equal_the_full_paths_on_every_code_point() -> None:
    """Each code point between letters and a space: a fast path must never keep a character
    the full path drops, nor drop one it keeps (clean_block's fast path takes ASCII only)."""
    from reader.hub.text import _clean_block_full, _clean_line_full

    wrong = [hex(cp) for cp in range(0x110000)
             if clean_line(raw := f"a{chr(cp)} b") != _clean_line_full(raw)]
    wrong += [hex(cp) for cp in range(0x80)
              if clean_block(raw := f"a{chr(cp)}\n b") != _clean_block_full(raw)]
    assert wrong == [], wrong[:10]
