"""The bitmaps of library id sets held between queries: reused for one snapshot, never stale."""

from __future__ import annotations

from reader.hub.models import Paper
from reader.query import Context, Index, parse
from reader.store.record import Record
from reader.store.state import LibraryState
from tests.query.test_properties import NOW


def _ids(index: Index, text: str, ctx: Context) -> list[str]:
    return index.filter(parse(text), ctx)


def test_a_new_snapshot_or_new_papers_invalidate_the_held_bitmaps() -> None:
    papers = [Record(Paper(f"2611.{i:05d}", title="alpha")) for i in range(4)]
    index = Index(papers)
    first = Context(LibraryState(read=dict.fromkeys(["2611.00000", "2611.00009"], "t")), NOW)
    assert _ids(index, "is:read", first) == ["2611.00000"]
    assert _ids(index, "is:unread", first) == ["2611.00001", "2611.00002", "2611.00003"]
    assert index._held  # the bitmap is kept for the next query on the same snapshot
    assert _ids(index, "is:read", first) == ["2611.00000"]
    second = Context(LibraryState(read=dict.fromkeys(["2611.00001"], "t")), NOW)
    assert _ids(index, "is:read", second) == ["2611.00001"]
    assert _ids(index, "-is:unread", second) == ["2611.00001"]
    index.add([Record(Paper("2611.00009", title="beta"))])  # a read paper arrives
    assert _ids(index, "is:read", first) == ["2611.00000", "2611.00009"]
    index.remove(["2611.00000"])
    assert _ids(index, "is:read", first) == ["2611.00009"]
    assert _ids(index, "is:unread", first) == ["2611.00001", "2611.00002", "2611.00003"]


def test_bookmarks_and_fulltext_are_held_separately_from_read() -> None:
    index = Index([Record(Paper(f"2611.{i:05d}")) for i in range(3)])
    lib = LibraryState(bookmarks={"2611.00001": "t"}, read={"2611.00002": "t"})
    ctx = Context(lib, NOW, frozenset({"2611.00000"}))
    assert _ids(index, "is:bookmarked", ctx) == ["2611.00001"]
    assert _ids(index, "is:read", ctx) == ["2611.00002"]
    assert _ids(index, "has:fulltext", ctx) == ["2611.00000"]
    assert _ids(index, "has:fulltext OR is:bookmarked", ctx) == ["2611.00000", "2611.00001"]
    other = Context(lib, NOW, frozenset({"2611.00002"}))
    assert _ids(index, "has:fulltext", other) == ["2611.00002"]
