"""A wrong-typed field inside a cached record (issue 13, item 6): never a crash later.

Each variant puts one bad value into a record of both the shard and the start-up slice, as
another program (or a damaged disk) might, then runs `show`, `list`, `list --json` and a query
over every field, and loads the cache as the app does (start-up slice, all papers, views, the
query index). The bad field is dropped, the rest of the paper kept, the file reported.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import orjson
import pytest

from reader.__main__ import main
from reader.hub.models import Author, Organization, Paper
from reader.query import Context, matches, parse
from reader.query.engine import Engine
from reader.store.cache import PaperCache
from reader.store.checked import checked_doc
from reader.store.locations import locations
from reader.store.state import LibraryState
from reader.views import build_data, builtin_views, candidates

DAY = "2026-03-01"
NOW = "2026-03-02T00:00:00.000Z"
GOOD = Paper(id="2603.00001", title="Good paper", summary="Fine.", upvotes=3)
BAD = Paper(
    id="2603.00002", title="Bad paper", summary="An abstract.", upvotes=7, num_comments=2,
    authors=(Author("Ada", "ada"), Author("Bob", hidden=True)), published_at="2026-02-27T18:00:00Z",
    submitted_daily_at="2026-03-01T03:00:00.000Z", submitted_by="AK", ai_summary="AI",
    ai_keywords=("llm",), github_repo="https://github.com/a/b", github_stars=9,
    project_page="https://example.org", organization=Organization("lab", "The Lab"),
    discussion_id="d1", thumbnail="https://x.org/t.png", media_urls=("https://x.org/m.mp4",),
)

# (field, bad value): every field of a cached record, several ways each.
VARIANTS: list[tuple[str, Any]] = [
    ("published_at", 12345), ("published_at", "yesterday"), ("submitted_daily_at", 5),
    ("submitted_daily_at", "2026-13-45T00:00:00Z"), ("withdrawn_at", []), ("title", 5),
    ("summary", {"a": 1}), ("submitted_by", 7), ("ai_summary", ["x"]), ("discussion_id", 3),
    ("github_repo", 5), ("github_repo", "javascript:alert(1)"), ("project_page", {"u": 1}),
    ("thumbnail", True), ("upvotes", "many"), ("upvotes", 1e300), ("upvotes", 10**30),
    ("num_comments", -3), ("github_stars", True), ("authors", [{"name": 5}]),
    ("authors", "Ada"), ("authors", [{"name": "Ada", "username": 5}]),
    ("authors", [{"name": "Ada", "hidden": "yes"}]), ("authors", [5, None, {}]),
    ("ai_keywords", [5]), ("ai_keywords", "kw"), ("media_urls", [5]), ("organization", "lab"),
    ("organization", {"name": 5}), ("organization", {"name": "lab", "fullname": 5}),
    ("listed_on", [5]), ("listed_on", DAY), ("listed_on", ["garbage"]),
    ("trending", [["a", "b"]]), ("trending", [[1, 5]]), ("trending", 7), ("first_seen", 5),
    ("updated_at", ["x"]), ("observed_at", 5), ("id", 5),
]
EVERY_FIELD = ("author:ada kw:llm org:lab upvotes:>0 comments:>0 stars:>0 authors:>0 "
               "has:code has:project has:ai date:2026 is:unread sort:stars")


def _poison(field: str, value: Any) -> None:
    """Write ``value`` into BAD's ``field`` in its shard (stdlib json: it
    writes integers of any size, as another program may)."""
    papers_dir = locations().papers_dir
    path = papers_dir / "2603.json"
    body = json.loads(path.read_text(encoding="utf-8"))
    for doc in body["papers"].values():
        if doc["id"] == BAD.id:
            doc[field] = value
    path.write_text(json.dumps(body), encoding="utf-8")


@pytest.fixture
def cache_with_bad_record(request: pytest.FixtureRequest) -> tuple[str, Any]:
    field, value = request.param
    cache = PaperCache(locations().ensure().papers_dir)
    cache.merge([GOOD, BAD], listed_on=DAY, now=NOW)
    cache.merge([BAD], trending=True, now=NOW)
    _poison(field, value)
    return field, value


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return status, out, err


@pytest.mark.parametrize("cache_with_bad_record", VARIANTS, indirect=True,
                         ids=[f"{f}={v!r:.20}" for f, v in VARIANTS])
def test_a_wrong_typed_field_never_crashes_a_reader(
    cache_with_bad_record: tuple[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    field, value = cache_with_bad_record
    # The app's way in: the start-up slice first, then every paper, the views, the store.
    cache = PaperCache(locations().papers_dir)
    recent = cache.load_recent()
    assert GOOD.id in {r.id for r in recent}
    records = cache.load_all()
    data = build_data(records, complete=True)
    today = dt.date(2026, 3, 2)
    for view in builtin_views():
        candidates(view, data, LibraryState(), today=today, day=DAY)
    ctx = Context(library=LibraryState(), now=dt.datetime(2026, 3, 2, tzinfo=dt.UTC))
    query = parse(EVERY_FIELD)
    engine = Engine(cache.search_store())
    try:
        found = engine.filter(query, ctx, list(data.by_date))
    finally:
        engine.close()
    assert set(found) == {r.id for r in records.values() if matches(query, r, ctx)}
    for record in records.values():  # every field the panes show
        p = record.paper
        _ = (record.day, p.visible_authors, [a.name + (a.username or "") for a in p.authors],
             p.organization and p.organization.name + (p.organization.fullname or ""),
             " ".join(p.ai_keywords + p.media_urls), record.trending_rank)

    # The command line, on a fresh process's view of the (now repaired) files.
    status, out, _ = _run(capsys, "list")
    assert status == 0 and GOOD.id in out
    status, out, _ = _run(capsys, "list", "--json")
    assert status == 0 and GOOD.id in {d["id"] for d in orjson.loads(out)}
    status, out, _ = _run(capsys, "list", *EVERY_FIELD.split(), "--json")
    assert status == 0 and isinstance(orjson.loads(out), list)
    status, out, _ = _run(capsys, "show", GOOD.id)
    assert status == 0 and "Good paper" in out
    if field != "id":
        status, out, _ = _run(capsys, "show", BAD.id)
        assert status == 0
        status, out, _ = _run(capsys, "show", BAD.id, "--json")
        shown = orjson.loads(out)
        assert status == 0 and shown.get(field) != value
    # Only the bad field went (or the record, without a usable id), and the file was reported.
    assert GOOD.id in records and (BAD.id in records) == (field != "id")
    assert any("malformed" in p for p in cache.problems)


@pytest.mark.parametrize(("field", "value"), VARIANTS)
def test_checked_doc_drops_exactly_the_bad_field(field: str, value: Any) -> None:
    doc: dict[str, Any] = {"id": BAD.id, "title": "T", "upvotes": 1, "listed_on": [DAY],
                           "authors": [{"name": "Ada"}], field: value}
    checked, bad = checked_doc(doc)
    if field == "id":
        assert checked is None
        return
    assert checked is not None and bad == [field]
    assert checked.get(field) in (None, [])
    assert {k: v for k, v in checked.items() if k != field} == {
        k: v for k, v in doc.items() if k != field}


def test_a_good_record_passes_untouched() -> None:
    from reader.store.record import Record, record_to_dict

    doc = record_to_dict(Record(BAD, (DAY,), ((1, NOW),), NOW, NOW, NOW))
    assert checked_doc(json.loads(json.dumps(doc))) == (doc, [])
