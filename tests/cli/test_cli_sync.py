"""`paper-reader sync` in-process against the fake hub: summaries, faults, resumability."""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path

import pytest

from reader.__main__ import main
from reader.cli import sync_cmd
from reader.hub.client import PapersClient
from reader.store.cache import PaperCache
from reader.store.locations import locations
from tests.conftest import CORPUS_END
from tests.fakehub import Corpus, FakeHub


@pytest.fixture(autouse=True)
def quick(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pin "today" to the corpus' last day, and keep the client's retries short."""
    monkeypatch.setattr(sync_cmd, "feed_today", lambda: CORPUS_END)
    monkeypatch.setattr(sync_cmd, "PapersClient", functools.partial(
        PapersClient, retries=1, backoff=0.01, max_backoff=0.02, rate_limit_cap=0.5))


def cache_files() -> dict[str, bytes]:
    """Every file under the cache dir, by relative path."""
    root = locations().cache_dir
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file()}


def daily_dates(hub: FakeHub) -> list[str]:
    return [q["date"] for _, path, q, _ in hub.requests
            if path == "/api/daily_papers" and "date" in q]


def days_before(n: int) -> str:
    return (CORPUS_END - dt.timedelta(days=n)).isoformat()


def test_default_sync_fetches_today_yesterday_and_trending(
    hf_endpoint: FakeHub, corpus: Corpus, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["sync"]) == 0
    out, err = capsys.readouterr()
    assert sorted(set(daily_dates(hf_endpoint))) == [days_before(1), days_before(0)]
    assert any(q.get("sort") == "trending" for _, _, q, _ in hf_endpoint.requests)
    expected = len(corpus.items_on(days_before(0))) + len(corpus.items_on(days_before(1)))
    cache = PaperCache(locations().papers_dir)
    assert len(cache) >= expected
    assert out.startswith("synced 2 days: ")
    assert out.strip().endswith("0 updated, 0 failed")
    assert "sync: trending (" in err  # plain progress lines: stderr is not a terminal here


def test_sync_days_and_summary_counts(hf_endpoint: FakeHub, corpus: Corpus,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sync", "--days", "4", "--no-trending"]) == 0
    out = capsys.readouterr().out
    expected = sum(len(corpus.items_on(days_before(i))) for i in range(4))
    assert out == f"synced 4 days: {expected} new, 0 updated, 0 failed\n"
    assert not any(q.get("sort") == "trending" for _, _, q, _ in hf_endpoint.requests)
    # Again: nothing new and nothing changed.
    assert main(["sync", "--days", "4", "--no-trending"]) == 0
    assert capsys.readouterr().out == "synced 4 days: 0 new, 0 updated, 0 failed\n"


def test_sync_one_date(hf_endpoint: FakeHub, corpus: Corpus) -> None:
    day = days_before(3)
    assert main(["sync", "--date", day, "--no-trending"]) == 0
    assert set(daily_dates(hf_endpoint)) == {day}  # paged: 100 a page
    cache = PaperCache(locations().papers_dir)
    assert sorted(cache.ids_on(day)) == sorted(it["paper"]["id"] for it in corpus.items_on(day))


def test_sync_month_pages_with_the_month_parameter(
    hf_endpoint: FakeHub, corpus: Corpus, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["sync", "--month", "2026-03", "--no-trending"]) == 0
    queries = [q for _, path, q, _ in hf_endpoint.requests if path == "/api/daily_papers"]
    assert queries and all(q.get("month") == "2026-03" for q in queries)
    march = [d for d in corpus.dates() if d.startswith("2026-03")]
    cache = PaperCache(locations().papers_dir)
    for day in march:
        assert cache.day_complete(day)
        assert sorted(cache.ids_on(day)) == sorted(it["paper"]["id"]
                                                   for it in corpus.items_on(day))
    assert capsys.readouterr().out.startswith(f"synced {len(march)} days: ")


def test_since_skips_complete_days_and_refreshes_the_last_two(hf_endpoint: FakeHub) -> None:
    since = days_before(6)
    assert main(["sync", "--since", since, "--no-trending"]) == 0
    assert sorted(set(daily_dates(hf_endpoint))) == sorted(days_before(i) for i in range(7))
    hf_endpoint.requests.clear()
    assert main(["sync", "--since", since, "--no-trending"]) == 0
    assert sorted(set(daily_dates(hf_endpoint))) == [days_before(1), days_before(0)]


def test_since_resumes_after_an_interrupted_run(hf_endpoint: FakeHub,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    since = days_before(6)
    # The server is down for the first run (trending too: it is /api/daily_papers?sort=...).
    hf_endpoint.inject("503", path="/api/daily_papers", times=None)
    assert main(["sync", "--since", since]) == 1
    assert "503" in capsys.readouterr().err
    cache = PaperCache(locations().papers_dir)
    assert not any(cache.day_complete(days_before(i)) for i in range(7))
    hf_endpoint.clear_faults()
    hf_endpoint.requests.clear()
    assert main(["sync", "--since", since, "--no-trending"]) == 0
    assert sorted(set(daily_dates(hf_endpoint))) == sorted(days_before(i) for i in range(7))


@pytest.mark.parametrize(
    ("kind", "params", "words"),
    [
        ("500", {}, "500"),
        ("503", {}, "503"),
        ("429", {"reset": 120}, "try again in 120"),
        ("malformed", {}, ""),
        ("truncated", {}, ""),
        ("html", {}, ""),
        ("drop", {}, ""),
    ],
)
def test_each_fault_gives_a_clear_message_and_leaves_the_cache_intact(
    hf_endpoint: FakeHub, capsys: pytest.CaptureFixture[str], kind: str,
    params: dict[str, object], words: str,
) -> None:
    assert main(["sync", "--days", "3"]) == 0
    before = cache_files()
    assert before
    capsys.readouterr()
    hf_endpoint.inject(kind, times=None, **params)
    assert main(["sync", "--days", "3"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    lines = err.strip().splitlines()
    assert lines[-1].startswith("paper-reader: ")
    assert "Traceback" not in err
    assert words.lower() in lines[-1].lower()
    assert cache_files() == before


def test_a_partial_failure_still_exits_0_and_names_what_failed(
    hf_endpoint: FakeHub, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sync_cmd, "PapersClient", functools.partial(PapersClient, retries=0))
    hf_endpoint.inject("500", path="/api/daily_papers", times=1)  # one request of one day
    with_day = [days_before(i) for i in range(3)]
    assert main(["sync", "--days", "3", "--no-trending"]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("synced 2 days: ") and out.strip().endswith("1 failed")
    failures = [line for line in err.splitlines() if line.startswith("paper-reader: failed: ")]
    assert len(failures) == 1
    assert failures[0].split("failed: ")[1][:10] in with_day
    assert "500" in failures[0]


def test_unreachable_server_is_one_line_and_exit_1(
    home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")
    assert main(["sync"]) == 1
    out, err = capsys.readouterr()
    last = err.strip().splitlines()[-1]
    assert out == ""
    assert last.startswith("paper-reader: ") and "127.0.0.1:9" in last
    assert "HF_ENDPOINT" in last
    assert "Traceback" not in err


def test_malformed_endpoint_is_a_clear_message(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("HF_ENDPOINT", "ftp://example")
    assert main(["sync"]) == 1
    assert "HF_ENDPOINT" in capsys.readouterr().err
