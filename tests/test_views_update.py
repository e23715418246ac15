"""After a merge the views' orderings are updated, not rebuilt, and equal a rebuild."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st

from reader.store.record import Record
from reader.views import build_data, update_data
from tests.query.test_properties import records


@given(records(), records(), st.data())
def test_an_update_equals_a_rebuild(first: list[Record], second: list[Record],
                                    data: st.DataObject) -> None:
    before = {r.id: r for r in first}
    old = build_data(before, complete=True)
    after = dict(before)
    for record in second:  # new papers, and new versions of known ones
        after[record.id] = record
    for pid in data.draw(st.lists(st.sampled_from(sorted(before)), max_size=3)) if before else ():
        if data.draw(st.booleans()):
            after.pop(pid, None)  # gone (a damaged month moved aside)
        elif pid in after:  # upvotes moved, and maybe listed on another day too
            record = after[pid]
            days = data.draw(st.sampled_from([record.listed_on, ("2026-11-20",),
                                              (*record.listed_on, "2026-11-28")]))
            after[pid] = record.replace(
                paper=replace(record.paper, upvotes=data.draw(st.integers(0, 9))),
                listed_on=tuple(sorted(set(days))))
    assert update_data(old, after) == build_data(after, complete=True)


def test_unchanged_records_keep_the_orderings() -> None:
    from reader.hub.models import Paper

    recs = {f"2611.{i:05d}": Record(Paper(f"2611.{i:05d}", upvotes=i), listed_on=("2026-11-27",))
            for i in range(5)}
    old = build_data(recs, complete=True)
    new = update_data(old, dict(recs))
    assert new.by_date is old.by_date and new.days is old.days


@given(records())
def test_the_orderings_are_the_plain_sorts(recs: list[Record]) -> None:
    """build_data sorts one key at a time (stable sorts, last key first): the same orders as
    one sort on the whole key, which is what `paper-reader list` and update_data rely on."""
    by_id = {r.id: r for r in recs}
    data = build_data(by_id, complete=True)

    def votes(r: Record) -> int:
        return r.upvotes or 0

    ordered = sorted(by_id.values(), key=lambda r: (r.day, votes(r), r.id), reverse=True)
    assert data.by_date == tuple(r.id for r in ordered)
    assert data.by_date_records == tuple(ordered)
    days = {d for r in by_id.values() for d in r.listed_on}
    assert data.days == {
        d: tuple(r.id for r in sorted((r for r in by_id.values() if d in r.listed_on),
                                      key=lambda r: (votes(r), r.id), reverse=True))
        for d in days}
