"""``text:`` (alias ``fulltext:``): parsed like the other text fields, decided by the reference
matcher over a paper's passages, and the same answer from SQL over the full-text store (a
hypothesis property over generated texts), from the narrowed passages, and its best passage."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.hub.models import Paper
from reader.query import Context, parse
from reader.query.ast import Text
from reader.query.fulltext import best_passages, has_text_terms, hit, narrowed, text_terms
from reader.query.matcher import matches
from reader.query.sql import search
from reader.store.derived import store
from reader.store.derived import texts as texts_store
from reader.store.derived.passages import Passage
from reader.store.record import Record
from tests.query.test_properties import IDS, NOW, WORDS, contexts, query_text, records
from tests.query.test_sql import reference


def test_text_and_fulltext_parse_as_the_text_field() -> None:
    assert parse("text:attention").expr == Text("text", ("attention",))
    assert parse("fulltext:Über-Alles").expr == Text("text", ("uber", "alles"))
    assert parse('text:"attention heads"').expr == Text("text", ("attention", "heads"), True)
    assert str(parse("fulltext:attention")) == "text:attention"
    assert has_text_terms(parse("a (b OR -text:c)"))
    assert not has_text_terms(parse("attention title:x"))
    assert text_terms(parse("text:a -text:b").expr, positive=True) == [Text("text", ("a",))]


def test_a_bare_word_does_not_search_the_full_texts() -> None:
    record = Record(Paper("2611.00001", title="A title"))
    ctx = Context(passages=lambda pid: ["attention is all you need"])
    assert not matches(parse("attention"), record, ctx)
    assert matches(parse("text:attention"), record, ctx)
    assert matches(parse('text:"all you"'), record, ctx)
    assert matches(parse("text:nee"), record, ctx)  # a prefix while typing
    assert not matches(parse('text:"nee"'), record, ctx)


def test_a_phrase_stays_within_one_passage() -> None:
    record = Record(Paper("2611.00001", title="t"))
    ctx = Context(passages=lambda pid: ["the end of one", "passage starts here"])
    assert matches(parse('text:"one"'), record, ctx)
    assert not matches(parse('text:"one passage"'), record, ctx)


# --- the SQL engine and the narrowed passages agree with the reference ------------------------

passage_st = st.lists(st.sampled_from(WORDS + [",", "-", ".", "ab-c", "\n"]), min_size=1,
                      max_size=8).map(" ".join)
texts_st = st.dictionaries(st.sampled_from(IDS), st.lists(passage_st, min_size=1, max_size=4),
                           max_size=12)
word = st.sampled_from(WORDS)
text_leaf = st.one_of(
    word.map(lambda w: f"text:{w}"),
    word.map(lambda w: f"fulltext:{w}-ab"),
    st.lists(word, min_size=1, max_size=3).map(lambda ws: 'text:"' + " ".join(ws) + '"'),
    st.lists(word, min_size=2, max_size=3).map(lambda ws: "text:" + "-".join(ws)),
)
mixed = st.recursive(
    st.one_of(text_leaf, query_text),
    lambda inner: st.one_of(
        st.tuples(inner, inner).map(lambda t: f"({t[0]}) ({t[1]})"),
        st.tuples(inner, inner).map(lambda t: f"({t[0]}) OR ({t[1]})"),
        inner.map(lambda t: f"-({t})"),
    ),
    max_leaves=4,
)


def _texts_db(folder: Path, passages: dict[str, list[str]]) -> Path:
    path = folder / texts_store.FILE_NAME
    conn = texts_store.connect(path)
    conn.executescript(texts_store.TABLES)
    with conn:
        for pid, items in passages.items():
            texts_store.write_paper(conn, pid, [Passage(k, "", t) for k, t in enumerate(items)],
                                    "stamp")
    conn.close()
    return path


@settings(max_examples=150, deadline=None)
@given(records(), contexts(), texts_st, st.lists(mixed, min_size=1, max_size=3))
def test_sql_and_the_narrowed_matcher_agree_with_the_reference(
        recs: list[Record], ctx: Context, passages: dict[str, list[str]],
        texts: list[str]) -> None:
    full = Context(ctx.library, ctx.now, ctx.fulltext_ids,
                   passages=lambda pid: passages.get(pid, ()))
    with tempfile.TemporaryDirectory() as folder:
        papers = Path(folder) / "papers.sqlite"
        store.rebuild(papers, [recs] if recs else [], 1)
        conn = store.connect(papers, readonly=True)
        texts_path = _texts_db(Path(folder), passages)
        assert texts_store.attach(conn, texts_path)
        reader = texts_store.connect(texts_path, readonly=True)
        try:
            for text in texts:
                want = reference(recs, full, text, "all")
                assert search(conn, parse(text), ctx, "all") == want, text
                narrow = narrowed(ctx, reader, parse(text))
                assert reference(recs, narrow, text, "all") == want, text
        finally:
            conn.close()
            reader.close()


def test_without_a_store_text_matches_nothing(tmp_path: Path) -> None:
    papers = tmp_path / "papers.sqlite"
    store.rebuild(papers, [[Record(Paper("2611.00001", title="attention"))]], 1)
    conn = store.connect(papers, readonly=True)
    assert not texts_store.attach(conn, tmp_path / "missing.sqlite")
    ctx = Context(now=NOW)
    assert search(conn, parse("text:attention"), ctx) == []
    assert search(conn, parse("-text:attention"), ctx) == ["2611.00001"]
    assert not (tmp_path / "missing.sqlite").exists()
    conn.close()


# --- the best passage and its excerpt ---------------------------------------------------------

def test_the_best_passage_is_the_one_with_the_most_terms(tmp_path: Path) -> None:
    path = _texts_db(tmp_path, {
        "2611.00001": ["attention here", "heads there", "attention heads and attention",
                       "nothing"],
        "2611.00002": ["no match at all"],
    })
    conn = texts_store.connect(path, readonly=True)
    got = best_passages(conn, ["2611.00002", "2611.00001", "2611.09999"],
                        parse("text:attention text:heads -text:zebra"))
    conn.close()
    assert set(got) == {"2611.00001"}
    assert got["2611.00001"].block == 2
    assert got["2611.00001"].excerpt == "attention heads and attention"


def test_a_heading_alone_is_not_the_best_passage(tmp_path: Path) -> None:
    path = tmp_path / texts_store.FILE_NAME
    conn = texts_store.connect(path)
    conn.executescript(texts_store.TABLES)
    with conn:
        texts_store.write_paper(conn, "2611.00001", [
            Passage(0, "7 Pruning", "7 Pruning"),
            Passage(1, "7 Pruning", "We prune the heads that matter least, then retrain."),
        ], "stamp")
    conn.close()
    conn = texts_store.connect(path, readonly=True)
    got = best_passages(conn, ["2611.00001"], parse("text:prun"))
    conn.close()
    assert got["2611.00001"].block == 1  # the paragraph, though the heading is denser


def test_an_excerpt_marks_the_words_found_and_stays_on_one_line() -> None:
    text = ("Lorem ipsum " * 40) + "the Über\nCafé  results " + ("dolor sit " * 40)
    found = hit("2611.00001", 7, "3 Results", text, [Text("text", ("uber", "caf"))])
    assert found.block == 7 and found.section == "3 Results"
    assert text[found.offset:].startswith("Über")
    assert found.excerpt[found.start:found.end] == "Über Café"
    assert "\n" not in found.excerpt and "  " not in found.excerpt
    assert found.excerpt.startswith("…") and found.excerpt.endswith("…")
    assert len(found.excerpt) < 260
    assert found.words == "uber caf"
    assert found.line().startswith("§ 3 Results: …")


@pytest.mark.parametrize("text", ["", "no words here", "ǅemal"])
def test_an_excerpt_of_a_passage_without_the_words_starts_at_its_start(text: str) -> None:
    found = hit("2611.00001", 0, "", text, [Text("text", ("zebra",))])
    assert found.offset == 0 and found.start == found.end == 0
    assert found.excerpt == text


PASSAGES = {
    "2611.00001": ["Über alles", "attention heads, and more"],
    "2611.00002": ["ubiquitous attention"],
    "2611.00003": ["Café au lait", "gpt-4o x_y"],
}
CASES = [
    ("text:uber", {"1"}), ('text:"uber"', {"1"}), ("text:ub", {"1", "2"}), ('text:"ub"', set()),
    ("fulltext:attention", {"1", "2"}), ('text:"attention heads"', {"1"}),
    ("text:attention-he", {"1"}), ('text:"heads attention"', set()),
    ('text:"alles attention"', set()),  # two passages: a phrase never spans them
    ("text:cafe-au", {"3"}), ("text:gpt-4o", {"3"}), ("text:x_y", {"3"}),
    ("-text:attention", {"3", "4"}), ("text:attention -text:heads", {"2"}),
    ("attention", set()),  # a bare word searches the titles, not the full texts
]


@pytest.mark.parametrize(("text", "want"), CASES)
def test_sql_cases(tmp_path: Path, text: str, want: set[str]) -> None:
    recs = [Record(Paper(f"2611.0000{k}", title=f"Paper {k}")) for k in range(1, 5)]
    papers = tmp_path / "papers.sqlite"
    store.rebuild(papers, [recs], 1)
    conn = store.connect(papers, readonly=True)
    assert texts_store.attach(conn, _texts_db(tmp_path, PASSAGES))
    ctx = Context(now=NOW)
    got = {pid[-1] for pid in search(conn, parse(text), ctx)}
    conn.close()
    assert got == want
    full = Context(now=NOW, passages=lambda pid: PASSAGES.get(pid, ()))
    assert got == {r.id[-1] for r in recs if matches(parse(text), r, full)}


def test_a_short_prefix_takes_the_first_passage_holding_it(tmp_path: Path) -> None:
    path = _texts_db(tmp_path, {"2611.00001": ["nothing", "the attic", "at attention at"]})
    conn = texts_store.connect(path, readonly=True)
    got = best_passages(conn, ["2611.00001"], parse("text:a"))
    assert got["2611.00001"].block == 1
    assert best_passages(conn, ["2611.00001"], parse("text:atte"))["2611.00001"].block == 2
    conn.close()


@given(st.lists(st.sampled_from(["ab", "abc", "AB", "x_y", "ab-c", "b", "4o", "gpt", " ", ",",
                                 "_", "."]), max_size=12).map("".join),
       st.lists(st.sampled_from(["ab", "abc", "b", "c", "x", "y", "gpt", "4o"]), min_size=1,
                max_size=3), st.booleans())
def test_the_ascii_pattern_finds_what_the_tokens_hold(text: str, words: list[str],
                                                      exact: bool) -> None:
    from reader.query.fold import tokens
    from reader.query.fulltext import _ascii_pattern, _count

    term = Text("text", tuple(words), exact)
    found = len(_ascii_pattern(term).findall(text.lower()))
    count = _count(tokens(text), term)
    assert (found > 0) == (count > 0)
    assert found <= count  # equal but for overlapping runs ("ab ab ab" holds "ab ab" twice)
