"""The export writers: BibTeX and RIS through real parsers, Markdown, CSV, JSON; no Textual."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import unicodedata

import pytest

from reader.export import FORMATS, render
from reader.export.bibtex import citation_keys, latex
from reader.hub.models import Author, Paper
from reader.store.record import Record
from reader.store.state import LibraryState

bibtexparser = pytest.importorskip("bibtexparser")
rispy = pytest.importorskip("rispy")

TRICKY = [
    ("2501.00001", "Café & Crème: 50% of $x_1$ {braces} #1 ~ LLMs",
     ["Jörg Müller", "Anna Østergaard", "François Ŝkoda-Łukasz", "Zoë O'Brien"]),
    ("2501.00002", "The Über_Model: \\emph{not} a command",
     ["Ítalo Ñúñez", "李 小龙", "Research and Development Team"]),
    ("2501.00003", "Ünïcödé tïtlé with ß, æ and ı", ["Ji-Woo Park"]),
]


def paper(pid: str, title: str, names: list[str],
          published_at: str | None = "2025-01-02T00:00:00.000Z") -> Paper:
    return Paper(id=pid, title=title, authors=tuple(Author(n) for n in names),
                 published_at=published_at, summary="First sentence. Second.")


def records(rows: list[tuple[str, str, list[str]]]) -> list[Record]:
    return [Record(paper(*row), listed_on=("2025-01-03",)) for row in rows]


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def test_bibtex_parses_and_round_trips_titles_and_authors() -> None:
    from bibtexparser.middlewares import LatexDecodingMiddleware

    state = LibraryState(tags={"2501.00001": ("to-read", "c++")})
    text = render("bibtex", records(TRICKY), state)
    lib = bibtexparser.parse_string(text, append_middleware=[LatexDecodingMiddleware()])
    assert not lib.failed_blocks
    assert [e.entry_type for e in lib.entries] == ["misc"] * 3
    for entry, (pid, title, names) in zip(lib.entries, TRICKY, strict=True):
        f = {k: v.value for k, v in entry.fields_dict.items()}
        assert nfc(f["title"]) == nfc(title)
        want = []
        for name in names:
            first, _, last = name.rpartition(" ")
            # An organisation keeps its "and" inside braces (one author), its words in order.
            want.append(name if " and " in name else f"{last}, {first}")
        assert nfc(f["author"]) == " and ".join(want)
        assert f["eprint"] == pid and f["archivePrefix"] == "arXiv"
        assert f["doi"] == f"10.48550/arXiv.{pid}"
        assert f["url"] == f"https://arxiv.org/abs/{pid}" and f["year"] == "2025"
    assert lib.entries[0].fields_dict["keywords"].value == "to-read, c++"


def test_bibtex_keys_are_stable_and_deduplicated() -> None:
    same = [paper(f"2501.0000{i}", "A Deep Model", ["Ann Smith"]) for i in (3, 1, 2)]
    keys = citation_keys(same)
    assert keys == {"2501.00001": "smith2025deep", "2501.00002": "smith2025deepa",
                    "2501.00003": "smith2025deepb"}
    assert citation_keys(list(reversed(same))) == keys
    odd = paper("2501.00009", "", [], published_at=None)
    assert citation_keys([odd]) == {"2501.00009": "anon2025paper"}
    assert citation_keys([paper("2501.00004", "Über alles", ["Jörg Müller"])]) == {
        "2501.00004": "muller2025uber"}


def test_latex_escapes_every_special_character() -> None:
    """The escapes of every special character stay inside their braces."""
    assert latex("a{b}c\\d&e%f$g#h_i~j^k") == (
        r"a\{b\}c\textbackslash{}d\&e\%f\$g\#h\_i\textasciitilde{}j\textasciicircum{}k")
    assert latex("é í Ş") == r"{\'e} {\'\i} {\c{S}}"


def test_ris_parses_with_rispy() -> None:
    state = LibraryState(tags={"2501.00001": ("todo",)},
                         notes={"2501.00001": "line one\nline two"})
    text = render("ris", records(TRICKY), state)
    entries = rispy.loads(text)
    assert len(entries) == 3
    first = entries[0]
    assert first["type_of_reference"] == "UNPB"
    assert nfc(first["title"]) == nfc(TRICKY[0][1])
    assert first["authors"][0] == "Müller, Jörg"
    assert first["doi"] == "10.48550/arXiv.2501.00001"
    assert first["keywords"] == ["todo"]
    assert first["notes"] == ["line one line two"]
    assert first["urls"] == ["https://arxiv.org/abs/2501.00001"]


def test_markdown_is_a_reading_list_with_escaped_text() -> None:
    rows = records([("2501.00001", "[click](javascript:x) *bold* <b>#tag</b>", ["A B"])])
    state = LibraryState(read={"2501.00001": "t"}, tags={"2501.00001": ("todo",)},
                         notes={"2501.00001": "my **own** note\n\nsecond"})
    text = render("markdown", rows, state)
    assert text.startswith("# Reading list (1 paper)\n")
    assert ("- [x] [\\[click\\](javascript:x) \\*bold\\* \\<b\\>\\#tag\\<\\/b\\>]"
            not in text)  # the slash is not special: only what Markdown reads
    assert "- [x] [\\[click\\](javascript:x) \\*bold\\* \\<b\\>\\#tag\\</b\\>]" in text
    assert "(https://huggingface.co/papers/2501.00001)" in text
    assert "\n  #todo\n" in text and "  - First sentence.\n" in text
    assert "  > my **own** note\n  >\n  > second" in text


def test_csv_rows_and_formula_guard() -> None:
    rows = records([("2501.00001", "=HYPERLINK(\"http://evil\")", ["A B", "C D"])])
    text = render("csv", rows, LibraryState(bookmarks={"2501.00001": "t"}))
    table = list(csv.DictReader(io.StringIO(text)))
    assert table[0]["title"] == "'=HYPERLINK(\"http://evil\")"
    assert table[0]["authors"] == "A B; C D" and table[0]["bookmarked"] == "yes"


def test_json_is_the_list_json_schema() -> None:
    rows = records(TRICKY[:1])
    data = json.loads(render("json", rows, LibraryState(notes={"2501.00001": "n"})))
    assert data[0]["id"] == "2501.00001" and data[0]["note"] == "n"
    assert {"bookmarked", "read", "tags"} <= set(data[0])


@pytest.mark.parametrize("fmt", FORMATS)
def test_empty_exports_are_valid(fmt: str) -> None:
    assert isinstance(render(fmt, [], LibraryState()), str)


def test_export_package_never_imports_textual() -> None:
    code = ("import sys, reader.export as e\n"
            "for f in e.FORMATS: e.writer(f)\n"
            "assert 'textual' not in sys.modules, 'textual imported'")
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_terminal_escape_survives_an_export(fmt: str) -> None:
    """A cache written by another tool may hold escapes; exports often go to a terminal."""
    evil = "\x1b[31mred\x1b[0m \x1b]52;c;ZWNobw==\x07 \u202eevil \x9b31m"
    rows = records([("2501.00001", evil, [evil, "Ann Lee"])])
    state = LibraryState(tags={"2501.00001": ("ok",)}, notes={"2501.00001": evil + "\nline"})
    text = render(fmt, rows, state)
    # JSON is the `list --json` form, byte for byte: orjson writes ESC and BEL as \u001b and
    # \u0007; cleaning what a foreign cache holds there is that command's business.
    for bad in ("\x1b", "\x07") if fmt == "json" else ("\x1b", "\x07", "\u202e", "\x9b"):
        assert bad not in text, (fmt, bad)
