"""The app's engine: a superseded query stops while it runs and leaves the engine usable."""

from __future__ import annotations

import pytest

from reader.hub.models import Paper
from reader.query import Context, parse
from reader.query.engine import Stopped
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
