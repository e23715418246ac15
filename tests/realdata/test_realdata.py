"""Every real capture in ../shared/realdata imported, alone and all together in both orders,
and compared field by field with the raw JSON (see compare.py). Skipped without the folder."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path
from typing import Any

import orjson
import pytest

from reader.__main__ import main
from reader.store.cache import PaperCache
from reader.store.locations import locations
from reader.store.state import LibraryState
from reader.views import DAY, View, build_data, candidates
from tests.realdata.compare import REALDATA, Capture, Expectation, captures, compare

pytestmark = pytest.mark.skipif(
    not REALDATA.is_dir(),
    reason=f"no real captures: {REALDATA.name} is not beside this clone (../shared/realdata)",
)

CAPTURES = captures() if REALDATA.is_dir() else []


def _import(capsys: pytest.CaptureFixture[str], path: Path, *extra: str) -> None:
    assert main(["import", *extra, str(path)]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("imported ") and "Traceback" not in err


def _listed(capsys: pytest.CaptureFixture[str], *query: str) -> dict[str, dict[str, Any]]:
    assert main(["list", *query, "--json"]) == 0
    return {d["id"]: d for d in orjson.loads(capsys.readouterr().out)}


@pytest.mark.parametrize("capture", CAPTURES, ids=lambda c: c.name[-40:])
def test_each_capture_alone_loses_no_field(
    capture: Capture, capsys: pytest.CaptureFixture[str]
) -> None:
    want = Expectation()
    want.add(capture)
    _import(capsys, capture.path)
    outcome = compare(want, _listed(capsys))
    assert outcome.papers == len(capture.items)
    assert outcome.lost == []


@pytest.mark.parametrize("capture", [c for c in CAPTURES if c.kind == "daily"],
                         ids=lambda c: c.name[-15:])
def test_a_daily_capture_imported_with_its_date_is_that_day(
    capture: Capture, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every daily capture was fetched with ?date=: `import --date` lists all on that day,
    also where the body holds no submission time (2025-03-11)."""
    _import(capsys, capture.path, "--date", capture.date or "")
    want = Expectation()
    want.add(capture, by_name_date=True)
    outcome = compare(want, _listed(capsys))
    assert outcome.lost == []
    day = _listed(capsys, f"date:{capture.date}")
    assert set(day) == {it["paper"]["id"] for it in capture.items}


@pytest.mark.parametrize("order", ["oldest first", "newest first"])
def test_all_captures_merged_in_either_order(
    order: str, capsys: pytest.CaptureFixture[str]
) -> None:
    ordered = CAPTURES if order == "oldest first" else CAPTURES[::-1]
    want = Expectation()
    for capture in ordered:
        want.add(capture)
        _import(capsys, capture.path)
    got = _listed(capsys)
    outcome = compare(want, got)
    assert outcome.lost == []
    assert outcome.papers == len(got) == len({it["paper"]["id"] for c in CAPTURES
                                              for it in c.items})
    # The llama paper: the May 2025 search answer's counts and claimed authors, whatever the
    # order (the 2024-08-01 daily answer had 49 upvotes, 4 comments, 5 claimed authors).
    llama = got["2407.21783"]
    assert (llama["upvotes"], llama["num_comments"]) == (115, 6)
    assert sum(1 for a in llama["authors"] if a.get("username")) == 15
    assert llama["listed_on"] == ["2024-08-01"]
    # `show` agrees with `list --json`: every paper of several captures, and a sample.
    counts = Counter(it["paper"]["id"] for c in CAPTURES for it in c.items)
    for i, (pid, obj) in enumerate(sorted(got.items())):
        if counts[pid] > 1 or i % 25 == 0:
            assert main(["show", pid, "--json"]) == 0
            assert orjson.loads(capsys.readouterr().out) == obj, pid


def test_a_paper_listed_on_2024_05_27_is_in_that_days_view(
    capsys: pytest.CaptureFixture[str]
) -> None:
    for capture in CAPTURES:
        _import(capsys, capture.path)
    capture = next(c for c in CAPTURES if c.date == "2024-05-27")
    ids = {it["paper"]["id"] for it in capture.items}
    records = PaperCache(locations().papers_dir).load_all()
    data = build_data(records, complete=True)
    shown = candidates(View(DAY, "Day"), data, LibraryState(), today=dt.date(2026, 11, 30),
                       day="2024-05-27")
    assert set(shown) == ids
    assert set(_listed(capsys, "date:2024-05-27")) == ids
