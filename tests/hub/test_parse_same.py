"""The parser's fast paths change nothing: the same Paper objects and the same warnings as the
frozen copy of the parser before them (tests/hub/legacy_parse.py), on the fake hub's corpus, on
the real captures and on items with hostile values put in where the fast paths look."""

from __future__ import annotations

import copy
import json
import logging
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.hub.parse import paper_from_api, paper_from_item
from tests.fakehub.corpus import iter_items
from tests.hub import legacy_parse
from tests.realdata.compare import REALDATA


def _both(item: Any, caplog: pytest.LogCaptureFixture) -> None:
    """Parse ``item`` (as an item, and its paper as a bare paper) with both parsers: the same
    result and the same warnings, in the same order."""
    for new, old, value in (
        (paper_from_item, legacy_parse.paper_from_item, item),
        (paper_from_api, legacy_parse.paper_from_api,
         item.get("paper", item) if isinstance(item, dict) else item),
    ):
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="reader.hub"):
            got = new(copy.deepcopy(value))
            got_log = [r.getMessage() for r in caplog.records]
            caplog.clear()
            want = old(copy.deepcopy(value))
            want_log = [r.getMessage() for r in caplog.records]
        assert got == want
        assert got_log == want_log


@pytest.mark.parametrize("hostile", [False, True])
def test_fake_corpus_parses_the_same(hostile: bool, caplog: pytest.LogCaptureFixture) -> None:
    items = list(iter_items(1500, seed=11, hostile=hostile))
    assert items
    for item in items:
        _both(item, caplog)


def _real_items() -> list[Any]:
    if not REALDATA.is_dir():
        return []
    out: list[Any] = []
    for path in sorted(REALDATA.glob("*.json")):
        body = json.loads(path.read_text(encoding="utf-8"))
        out.extend(body if isinstance(body, list) else [body])
    return out


def test_real_captures_parse_the_same(caplog: pytest.LogCaptureFixture) -> None:
    items = _real_items()
    if not items:
        pytest.skip("the real captures (../shared/realdata) are not beside the project")
    for item in items:
        _both(item, caplog)


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner,
                                                                max_size=3),
    max_leaves=6,
)
# Text the sanitisers treat specially, so that the fast paths' conditions are crossed often.
_TEXT = st.sampled_from(["", " ", "Ann Lee", "  Ann \t Lee\n", "Zoë", "e\u0301", "\u3164",
                         "\x1b[31mX", "\u202eY", "\xa0Z\xa0", "徐明", "\x00", "\x7f"]) | st.text()
_VALUE = _TEXT | _JSON
_AUTHOR_KEYS = st.sampled_from(["name", "user", "hidden", "fullname"])
_USER_KEYS = st.sampled_from(["user", "fullname", "name"])
_PAPER_KEYS = st.sampled_from(["title", "summary", "authors", "ai_keywords", "githubRepo",
                               "projectPage", "upvotes", "publishedAt", "organization",
                               "submittedOnDailyBy", "mediaUrls", "thumbnail", "ai_summary"])
_ITEM_KEYS = st.sampled_from(["numComments", "thumbnail", "mediaUrl", "mediaUrls", "title",
                              "submittedBy", "organization", "publishedAt", "summary"])
_BASE = list(iter_items(40, seed=3))


@st.composite
def _mangled_items(draw: st.DrawFn) -> dict[str, Any]:
    item = copy.deepcopy(draw(st.sampled_from(_BASE)))
    paper = item["paper"]
    authors = paper.get("authors") or []
    for _ in range(draw(st.integers(0, 4))):
        where = draw(st.integers(0, 4))
        if where == 0 and authors:  # an author's field
            author = authors[draw(st.integers(0, len(authors) - 1))]
            if isinstance(author, dict):
                author[draw(_AUTHOR_KEYS)] = draw(_TEXT | st.booleans() | _JSON)
        elif where == 1 and authors:  # a field of an author's user
            author = authors[draw(st.integers(0, len(authors) - 1))]
            if isinstance(author, dict):
                user = author.setdefault("user", {})
                if isinstance(user, dict):
                    user[draw(_USER_KEYS)] = draw(_VALUE)
        elif where == 2 and authors:  # a whole author replaced
            authors[draw(st.integers(0, len(authors) - 1))] = draw(_VALUE)
        elif where == 3:
            paper[draw(_PAPER_KEYS)] = draw(_VALUE)
        else:
            item[draw(_ITEM_KEYS)] = draw(_VALUE)
    return item


@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(item=_mangled_items())
def test_mangled_items_parse_the_same(item: dict[str, Any],
                                      caplog: pytest.LogCaptureFixture) -> None:
    _both(item, caplog)
