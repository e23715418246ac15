"""The last keystrokes' FTS5 lookups kept for the next ones (reader.query.fts_memo): a keystroke
looks up only the term it changed, and a kept answer is never a stale or a changed one."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from reader.hub.models import Paper
from reader.query import Context, parse
from reader.query.engine import Engine
from reader.query.fts_memo import FtsMemo
from reader.query.matcher import matches
from reader.store.derived import store
from reader.store.record import Record
from tests.query.test_masks import _papers, statements
from tests.query.test_properties import engine_over


def _lookups(seen: list[str]) -> list[str]:
    return [s for s in seen if "MATCH" in s]


def test_typing_looks_up_only_the_word_that_changed() -> None:
    recs = _papers()
    ids = [r.id for r in recs]
    with engine_over(recs) as engine:
        engine.prepare()
        typed = "large language mod"
        for k in range(1, len(typed) + 1):
            text = typed[:k]
            with statements(engine) as seen:
                found = engine.filter(parse(text), Context(), ids)
            assert found == [r.id for r in recs if matches(parse(text), r, Context())], text
            if text in ("large lan", "large language", "large language mod"):
                # `large*` was looked up at `large`; only the last word is new
                (lookup,) = _lookups(seen)
                assert '"large"' not in lookup, (text, lookup)
        with statements(engine) as seen:  # typed again (a backspace, then the same key)
            assert engine.filter(parse("large language m"), Context(), ids) == \
                ["2611.00000", "2611.00003"]
        assert _lookups(seen) == []


def test_a_kept_answer_is_never_changed_by_a_caller() -> None:
    """The mute rules take their papers out of a kept mask: the next query's answer is
    whole, and a kept mask refuses to be written."""
    recs = _papers()
    ids = [r.id for r in recs]
    with engine_over(recs) as engine:
        muted = engine.select(parse("large"), Context(), ids, exclude={"2611.00000"})
        assert muted.ids == ["2611.00001", "2611.00003"] and muted.excluded == 1
        assert engine.filter(parse("large"), Context(), ids) == \
            ["2611.00000", "2611.00001", "2611.00003"]
    memo = FtsMemo()
    kept = memo.put("x", np.ones(4, dtype=np.bool_))
    with pytest.raises(ValueError, match="read-only"):
        kept &= False


def test_the_newest_lookups_are_kept_and_the_oldest_go() -> None:
    memo = FtsMemo(size=2)
    for name in ("a", "b"):
        memo.put(name, np.zeros(3, dtype=np.bool_))
    assert memo.get("a") is not None  # used: now newer than b
    memo.put("c", np.zeros(3, dtype=np.bool_))
    assert memo.get("b") is None
    assert memo.get("a") is not None and memo.get("c") is not None
    assert len(memo) == 2


def test_a_commit_since_is_looked_up_again(tmp_path: Path) -> None:
    """A paper another connection commits (a sync) is found by the next keystroke even when
    the same word was looked up just before."""
    path = tmp_path / "papers.sqlite"
    first = [Record(Paper(f"2611.{i:05d}", title=f"diffusion {i}"), listed_on=("2026-11-27",))
             for i in range(5)]
    store.rebuild(path, [first], 1)
    engine = Engine(store.connect(path, readonly=True))
    try:
        ids = [r.id for r in first] + ["2611.00009"]
        assert engine.filter(parse("diffusion"), Context(), ids) == ids[:5]
        writer = store.connect(path)
        try:
            store.write(writer, [Record(Paper("2611.00009", title="diffusion late"),
                                        listed_on=("2026-11-27",))])
        finally:
            writer.close()
        assert engine.filter(parse("diffusion"), Context(), ids) == ids
    finally:
        engine.close()
