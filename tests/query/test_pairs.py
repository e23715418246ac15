"""Postings of adjacent common words: exact after builds, adds, replaces, removes and save/load,
and phrase queries through them answer like the reference matcher."""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from pathlib import Path
from typing import Any
from unittest import mock

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.hub.models import Author, Paper
from reader.query import Context, Index, matches, parse
from reader.query.pairs import PairPostings
from reader.store.record import Record
from tests.query.test_properties import IDS, NOW, WORDS, contexts, query_text, records

phrase = st.lists(st.sampled_from(WORDS), min_size=2, max_size=4).map(" ".join)
phrase_query = st.one_of(
    phrase.map(lambda p: f'"{p}"'),
    st.tuples(st.sampled_from(["title:", "abstract:", "author:", "kw:"]), phrase)
    .map(lambda t: f'{t[0]}"{t[1]}"'),
    phrase.map(lambda p: p.replace(" ", "-")),
)


def every_word_frequent(rewarm: float = 2.0, triple: float = -1.0) -> Any:
    """Tiny corpora: make every word frequent so that every adjacent pair is indexed (and every
    triple unless ``triple`` says otherwise), and update the postings on every add (never start
    over) unless ``rewarm`` says otherwise."""
    return mock.patch.multiple("reader.query.pairs", FREQUENT_SHARE=-1.0, REWARM_SHARE=rewarm,
                               TRIPLE_SHARE=triple)


def check_exact(index: Index) -> None:
    """The pair postings of the live documents are exactly what their records hold."""
    found: PairPostings = index._pairs
    live = {index._docno[i] for i in index.ids}
    for field, table in found.tables.items():
        want: defaultdict[bytes, list[int]] = defaultdict(list)
        for doc in sorted(live):
            for pair in found.pairs_of(index._records[doc], field):
                want[pair].append(doc)
        have = {pair: [d for d in docs if d in live] for pair, docs in table.items()}
        assert {p: d for p, d in have.items() if d} == dict(want), field
        assert all(list(docs) == sorted(docs) for docs in table.values())


def agrees(index: Index, recs: list[Record], ctx: Context, texts: list[str]) -> None:
    for text in texts:
        query = parse(text)
        want = [r.id for r in recs if matches(query, r, ctx)]
        assert index.filter(query, ctx) == want, text


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=60)
@given(records(), records(), st.lists(st.sampled_from(IDS), max_size=4), contexts(),
       st.lists(st.one_of(phrase_query, query_text), min_size=1, max_size=5),
       st.sampled_from([-1.0, 0.15]))
def test_pairs_stay_exact_and_agree_with_the_reference(
    tmp_path: Path, first: list[Record], second: list[Record], gone: list[str], ctx: Context,
    texts: list[str], triple: float,
) -> None:
    with every_word_frequent(triple=triple):
        index = Index(first)
        check_exact(index)
        index.add(second)  # adds and replaces: the postings are updated, not rebuilt
        check_exact(index)
        index.remove(gone)
        check_exact(index)
        latest = {r.id: r for r in first + second}
        recs = [latest[i] for i in dict.fromkeys(r.id for r in first + second) if i not in gone]
        agrees(index, recs, ctx, texts)
        index.save(tmp_path / "i.bin")
        loaded = Index.load(tmp_path / "i.bin", recs)
    assert loaded is not None
    assert loaded._pairs.frequent == index._pairs.frequent
    held = {field: triples for field, triples in index._pairs.triples.items() if triples}
    assert {f: t for f, t in loaded._pairs.triples.items() if t} == held
    check_exact(loaded)
    agrees(loaded, recs, ctx, texts)


@given(records(), records(), contexts(), st.lists(phrase_query, min_size=1, max_size=4))
def test_a_big_batch_starts_over(
    first: list[Record], second: list[Record], ctx: Context, texts: list[str]
) -> None:
    with every_word_frequent(rewarm=0.25):
        index = Index(first)
        index.add(second)
    check_exact(index)
    latest = {r.id: r for r in first + second}
    agrees(index, [latest[i] for i in dict.fromkeys(r.id for r in first + second)], ctx, texts)


def _paper(i: int, summary: str, authors: tuple[str, ...] = ()) -> Record:
    return Record(Paper(f"2611.{i:05d}", title="t", summary=summary,
                        authors=tuple(Author(a) for a in authors)))


def test_common_pairs_are_indexed_and_decide_two_word_phrases() -> None:
    ctx = Context(now=NOW)
    recs = [_paper(i, "the state of the art" if i % 2 else "of art, the state") for i in range(10)]
    recs.append(_paper(10, "rare words here", ("Of The", "Ann Lee")))
    with mock.patch.dict("reader.query.pairs.FIELD_SHARE", clear=True):  # 10% everywhere
        index = Index(recs)
    frequent = index._pairs.frequent["abstract"]
    assert {b"the", b"state", b"of", b"art"} <= frequent and b"rare" not in frequent
    assert b"of the" in index._pairs.tables["abstract"]
    narrowing = index._pairs.narrowing("abstract", ("of", "the"), exact=True)
    assert narrowing is not None and narrowing[1]  # one exact pair: the whole condition
    assert index._pairs.narrowing("abstract", ("of", "th"), exact=False) is None
    assert b"state of the" in index._pairs.tables["abstract"]
    three = index._pairs.narrowing("abstract", ("state", "of", "the"), exact=True)
    assert three is not None and three[1] and [r for r, _ in three[0]] == ["state of the"]
    four = index._pairs.narrowing("abstract", ("state", "of", "the", "art"), exact=True)
    assert four is not None and not four[1]
    assert [r for r, _ in four[0]] == ["state of the", "of the art"]
    assert index._pairs.narrowing("abstract", ("rare", "words"), exact=True) is None
    odd = [r.id for r in recs[1:10:2]]
    assert index.filter(parse('abstract:"of the"'), ctx) == odd
    assert index.filter(parse('"of the"'), ctx) == [*odd, "2611.00010"]  # an author: "Of The"
    assert index.filter(parse('"the state of the art"'), ctx) == odd
    even = [r.id for r in recs[0:10:2]]
    assert index.filter(parse('"art the"'), ctx) == even  # "art, the": punctuation separates
    assert index.filter(parse('"state art"'), ctx) == []
    index.add([_paper(1, "of art")])  # a replace drops the paper from "of the"
    assert index.filter(parse('abstract:"of the"'), ctx) == odd[1:]
    assert index.filter(parse('abstract:"of art"'), ctx) == [*even[:1], "2611.00001", *even[1:]]


def test_short_fields_hold_the_pairs_of_less_common_words() -> None:
    recs = [_paper(i, "filler text", ()) for i in range(100)]
    recs[3] = recs[3].replace(paper=dataclasses.replace(
        recs[3].paper, title="Knowledge distillation", summary="knowledge distillation"))
    recs[7] = recs[7].replace(paper=dataclasses.replace(
        recs[7].paper, title="Distillation of knowledge", summary="distillation of knowledge"))
    with mock.patch.dict("reader.query.pairs.FIELD_SHARE", {"title": 0.01, "abstract": 0.05}):
        index = Index(recs)
    # two papers in 100: more than 1% (title), not more than 5% (abstract)
    assert b"knowledge distillation" in index._pairs.tables["title"]
    assert b"knowledge" not in index._pairs.frequent["abstract"]
    ctx = Context(now=NOW)
    assert index.filter(parse('title:"knowledge distillation"'), ctx) == [recs[3].id]
    assert index.filter(parse('abstract:"knowledge distillation"'), ctx) == [recs[3].id]
