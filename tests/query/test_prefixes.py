"""The held short-prefix bitmaps: right after a build, after adds and replaces, and after a load."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reader.hub.models import Paper
from reader.query import Context, Index, matches, parse
from reader.query.prefixes import prefixes_of
from reader.store.record import Record
from tests.query.test_properties import NOW, WORDS, contexts, query_text, records


def hold_every_prefix(rewarm: float = 2.0) -> Any:
    """Tiny corpora have no costly prefix: make every prefix one, so the held bitmaps are used,
    and update them on every add (never start over) unless ``rewarm`` says otherwise."""
    return mock.patch.multiple("reader.query.prefixes", MIN_HEAVY=0, HEAVY_SHARE=0.0,
                               REWARM_SHARE=rewarm)


def test_prefixes_of() -> None:
    assert list(prefixes_of(b"transformer")) == ["t", "tr", "tra"]
    assert list(prefixes_of("über".encode())) == ["ü", "üb", "übe"]
    assert list(prefixes_of(b"x")) == ["x"]


@given(records(), records(), contexts(), st.lists(query_text, min_size=1, max_size=4),
       st.lists(st.sampled_from(WORDS), max_size=4))
def test_held_prefixes_agree_with_the_reference(
    first: list[Record], second: list[Record], ctx: Context, texts: list[str], words: list[str]
) -> None:
    with hold_every_prefix():
        index = Index(first)
        index.add(second)  # adds and replaces: the held bitmaps are updated, not dropped
    latest = {r.id: r for r in first + second}
    recs = [latest[i] for i in dict.fromkeys(r.id for r in first + second)]
    for text in [*texts, *(w[:k] for w in words for k in (1, 2, 3))]:
        query = parse(text)
        want = [r.id for r in recs if matches(query, r, ctx)]
        assert index.filter(query, ctx) == want, text


def test_held_prefixes_are_used_updated_and_saved(tmp_path: Path) -> None:
    ctx = Context(now=NOW)
    papers = [Record(Paper(f"2611.{i:05d}", title=f"tr{i % 3} alpha")) for i in range(20)]
    with hold_every_prefix():
        index = Index(papers)
        assert index._short.get("tr") is not None and index._short.get("trx") is None
        assert index.count(parse("tr"), ctx) == 20
        index.add([Record(Paper("2611.00000", title="beta")),
                   Record(Paper("2611.00099", title="trz"))])
    assert index.count(parse("tr"), ctx) == 20  # one left, one came
    assert index.count(parse("t"), ctx) == 20
    assert index.count(parse("a"), ctx) == 19
    assert index.count(parse("b"), ctx) == 1
    index.save(tmp_path / "i.bin")
    recs = [r for r in map(index.get, index.ids) if r is not None]
    loaded = Index.load(tmp_path / "i.bin", recs)
    assert loaded is not None and loaded._short.bits == index._short.bits
    assert loaded.count(parse("tr"), ctx) == 20


@pytest.mark.parametrize("size", [3, 300])
def test_a_big_batch_starts_over(size: int) -> None:
    ctx = Context(now=NOW)
    with hold_every_prefix(rewarm=0.25):
        index = Index([Record(Paper("2611.00000", title="alpha"))])
        index.add(Record(Paper(f"2611.{i:05d}", title="beta")) for i in range(1, size))
    assert index.count(parse("b"), ctx) == size - 1
    assert index._short.get("b") is not None
