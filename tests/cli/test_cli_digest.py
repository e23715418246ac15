"""`paper-reader digest`: ranking by upvotes and trending, formats, and hostile titles."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import orjson
import pytest

from reader.__main__ import main
from reader.hub.models import Author, Paper
from reader.store.cache import PaperCache
from reader.store.locations import locations
from tests.fakehub import Corpus

HOSTILE = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "</title><script src=https://evil.example/x.js></script>",
    "<a href=\"javascript:alert(1)\">click</a> & <b>bold</b>",
    "<style>body{display:none}</style><!-- comment --><iframe src=//evil.example>",
    "Tom &amp; Jerry's \"quoted\" <3 & <svg/onload=alert(1)>",
    "\x1b[31mred\x1b[0m \x1b]52;c;ZWNobw==\x07 \u202eevil",
]


def cache_hostile() -> list[str]:
    cache = PaperCache(locations().ensure().papers_dir)
    papers = [Paper(id=f"2603.{i:05d}", title=title, upvotes=100 - i,
                    authors=(Author("<b>Mallory</b> & Eve"), Author("Ann \"Q\" Lee")),
                    summary="An abstract with <script>x</script>.",
                    ai_summary=f"AI says {title}", github_stars=i)
              for i, title in enumerate(HOSTILE)]
    cache.merge(papers, listed_on="2026-03-06", now="2026-03-06T06:00:00.000Z")
    cache.merge(list(reversed(papers[:3])), trending=True, now="2026-03-06T07:00:00.000Z")
    return [p.id for p in papers]


class Audit(HTMLParser):
    """Collects every tag, attribute and the text of an HTML page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs += attrs

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_html_digest_escapes_hostile_titles(capsys: pytest.CaptureFixture[str]) -> None:
    cache_hostile()
    assert main(["digest", "--format", "html", "--top", "20"]) == 0
    out = capsys.readouterr().out
    audit = Audit()
    audit.feed(out)
    assert set(audit.tags) <= {"html", "head", "meta", "title", "body", "h1", "div", "a", "p"}
    assert {name for name, _ in audit.attrs} <= {"lang", "charset", "name", "content", "style",
                                                 "href"}
    hrefs = [v for k, v in audit.attrs if k == "href"]
    assert hrefs and all(v and v.startswith("https://") for v in hrefs)
    text = "".join(audit.text)
    for title in HOSTILE[:6]:
        assert title in text  # shown as the text it is, not run as markup
    assert "\x1b" not in out and "\u202e" not in out
    assert out.count("<script") == 0 and out.startswith("<!DOCTYPE html>")


@pytest.mark.parametrize("fmt", ["markdown", "text"])
def test_text_digests_have_no_escape_bytes(fmt: str, capsys: pytest.CaptureFixture[str]) -> None:
    cache_hostile()
    assert main(["digest", "--format", fmt]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out
    assert "https://huggingface.co/papers/2603.00000" in out


def test_digest_by_upvotes_and_by_trending(capsys: pytest.CaptureFixture[str]) -> None:
    ids = cache_hostile()
    assert main(["digest", "--format", "text", "--top", "2"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Top papers, 2026-03-06\n")
    assert f"/{ids[0]}\n" in out and f"/{ids[1]}\n" in out and ids[2] not in out
    assert main(["digest", "--by", "trending", "--format", "text"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Trending papers, 2026-03-06\n")
    assert out.index(ids[2]) < out.index(ids[1]) < out.index(ids[0])
    assert "trending #1" in out


def test_digest_of_the_corpus_with_a_query(tmp_path: Path, corpus: Corpus,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    day = corpus.dates()[-1]
    items: list[dict[str, Any]] = list(corpus.items_on(day))
    path = tmp_path / "dump.json"
    path.write_bytes(orjson.dumps(items))
    assert main(["import", str(path)]) == 0
    capsys.readouterr()
    assert main(["digest", "--date", day, "--query", "upvotes:>=0", "--top", "3"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"# Top papers, {day} · upvotes:\\>=0")  # ">" escaped
    assert out.count("](https://huggingface.co/papers/") == 3


def test_digest_errors(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["digest"]) == 1
    assert "run `paper-reader sync` first" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["digest", "--top", "0"])
    cache_hostile()
    assert main(["digest", "--query", "title:("]) == 2
