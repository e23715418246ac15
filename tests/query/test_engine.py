"""The app's engine: a superseded query stops while it runs and leaves the engine usable."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.hub.models import Paper
from reader.query import Context, parse
from reader.query.engine import Engine, Stopped
from reader.store.derived import store
from reader.store.record import Record
from tests.query.test_properties import engine_over


def test_a_cancelled_query_stops_and_the_next_one_answers() -> None:
    recs = [Record(Paper(f"2611.{i:05d}", title=f"model number {i}"), listed_on=("2026-11-27",))
            for i in range(3000)]
    ids = [r.id for r in recs]
    with engine_over(recs) as engine:
        with pytest.raises(Stopped):  # already unwanted: not even started
            engine.filter(parse("model"), Context(), ids, lambda: True)
        looks = []

        def cancelled() -> bool:  # unwanted from SQLite's second look on
            looks.append(1)
            return len(looks) > 1

        with pytest.raises(Stopped):
            engine.filter(parse("model OR number"), Context(), ids, cancelled)
        assert len(looks) >= 2  # SQLite asked while the query ran
        assert engine.filter(parse("model"), Context(), ids, lambda: False) == ids


def _paper(i: int, title: str) -> Record:
    return Record(Paper(f"2611.{i:05d}", title=title), listed_on=("2026-11-27",))


def test_papers_another_connection_commits_are_found_at_once(tmp_path: Path) -> None:
    """The engine keeps the store's rowids of the papers between keystrokes; a paper that
    another connection (a sync, the app's own merge) commits meanwhile is found anyway, with
    the same candidate list as before and with a new one."""
    first = [_paper(i, f"model {i}") for i in range(50)]
    path = tmp_path / "papers.sqlite"
    store.rebuild(path, [first], 1)
    engine = Engine(store.connect(path, readonly=True))
    try:
        ids = [r.id for r in first]
        assert engine.filter(parse("model"), Context(), ids) == ids
        later = [_paper(i, f"model {i}") for i in range(50, 60)] + [_paper(3, "renamed")]
        writer = store.connect(path)
        try:
            store.write(writer, later)
        finally:
            writer.close()
        everything = ids + [r.id for r in later[:-1]] + ["2611.99999"]  # one the store lacks
        want = [pid for pid in everything if pid not in ("2611.00003", "2611.99999")]
        assert engine.filter(parse("model"), Context(), everything) == want
        assert engine.filter(parse("model"), Context(), ids) == [p for p in ids
                                                                 if p != "2611.00003"]
        assert engine.matching(parse("renamed"), Context()) == {"2611.00003"}
    finally:
        engine.close()


def test_the_engine_answers_with_the_callers_own_id_strings() -> None:
    """With the caller's records given, matching() hands back their very id objects."""
    recs = [_paper(i, "model") for i in range(20)]
    mine = {r.id: r for r in recs}  # the store's ids are equal strings, other objects
    with engine_over(recs) as engine:
        engine.use_records(mine)
        found = engine.matching(parse("model"), Context())
        assert found == set(mine)
        by_value = {pid: pid for pid in found}
        assert all(by_value[r.id] is r.id for r in mine.values())


def test_an_engine_prepared_before_the_records_answers_with_the_records_given_later() -> None:
    """The start prepares the engine while the cache still reads the shards (no records
    yet); the records given after, and the ones given after a reload, are the ones it hands
    back, for the same list of candidates and the same store version."""
    recs = [_paper(i, "model") for i in range(6)]
    ids = [r.id for r in recs]
    with engine_over(recs) as engine:
        engine.prepare(pairs=False)
        assert engine.prepared
        first = {r.id: r for r in recs}
        engine.use_records(first)
        kept = engine.select(parse("model"), Context(), ids).records
        assert [r is first[r.id] for r in kept] == [True] * 6
        by_value = {pid: pid for pid in engine.matching(parse("model"), Context())}
        assert all(by_value[r.id] is r.id for r in first.values())
        again = {r.id: _paper(i, "model") for i, r in enumerate(recs)}  # a reload: new objects
        engine.use_records(again)
        kept = engine.select(parse("model"), Context(), ids).records
        assert [r is again[r.id] for r in kept] == [True] * 6
        by_value = {pid: pid for pid in engine.matching(parse("model"), Context())}
        assert all(by_value[r.id] is r.id for r in again.values())


def test_a_bare_word_finds_the_organisation_and_its_prefixes() -> None:
    """A bare word searches the organisation as well as title, authors, abstract and keywords
    (matcher.ANY_FIELDS), with the same answer from the engine (FTS5 and the initials column)
    as from the reference matcher, for one-, two- and three-letter prefixes and whole words."""
    from reader.hub.models import Organization
    from reader.query.matcher import matches

    recs = [Record(Paper("2611.00001", title="Scaling laws",
                         organization=Organization("nvidia", "NVIDIA")),
                   listed_on=("2026-11-27",)),
            Record(Paper("2611.00002", title="Nvidia kernels in practice"),
                   listed_on=("2026-11-27",)),
            Record(Paper("2611.00003", title="Video models"), listed_on=("2026-11-27",))]
    ids = [r.id for r in recs]
    with engine_over(recs) as engine:
        for text in ("nvidia", "nvi", "nv", "n", '"nvidia"', "org:nvidia", "title:nvidia",
                     "-nvidia", "nvidia scaling"):
            want = [r.id for r in recs if matches(parse(text), r, Context())]
            assert engine.filter(parse(text), Context(), ids) == want, text
        assert engine.filter(parse("nvidia"), Context(), ids) == ["2611.00001", "2611.00002"]
        assert engine.filter(parse("title:nvidia"), Context(), ids) == ["2611.00002"]
