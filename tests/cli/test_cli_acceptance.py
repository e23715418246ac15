"""The acceptance path with real processes: sync 8 days, stop the server, read it all back."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from reader.__main__ import main
from reader.hub.models import paper_to_dict
from reader.hub.parse import paper_from_item
from reader.sync import feed_today
from tests.fakehub import Corpus, FakeHub

ROOT = Path(__file__).resolve().parents[2]


def run(home: Path, *argv: str, endpoint: str | None = None) -> subprocess.CompletedProcess[str]:
    """`python -m reader ARGV` with its own home (and HF_ENDPOINT when given)."""
    env = {k: v for k, v in os.environ.items() if k not in ("HF_ENDPOINT", "HF_TOKEN")}
    env["PAPER_READER_HOME"] = str(home)
    env["PYTHONPATH"] = str(ROOT)
    if endpoint:
        env["HF_ENDPOINT"] = endpoint
    return subprocess.run([sys.executable, "-m", "reader", *argv], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=120, check=False)


def test_sync_8_days_then_read_everything_back_offline(
    home: Path, make_fakehub: Callable[..., FakeHub], capsys: pytest.CaptureFixture[str]
) -> None:
    # The CLI counts days from today (New York); the corpus must end on the same day.
    today = feed_today()
    corpus = Corpus(days=10, end=today, seed=3)
    hub = make_fakehub(corpus)
    synced = run(home, "sync", "--days", "8", endpoint=hub.url)
    assert synced.returncode == 0, synced.stderr
    assert synced.stdout.startswith("synced ") and "0 failed" in synced.stdout
    hub.stop()  # from here on there is no server at all

    days = [d for d in corpus.dates() if d >= _days_ago(today, 7)]
    items = {it["paper"]["id"]: it for d in days for it in corpus.items_on(d)}
    assert items

    listed = run(home, "list", "--json", "--offline")
    assert listed.returncode == 0, listed.stderr
    by_id = {d["id"]: d for d in json.loads(listed.stdout)}
    assert set(items) <= set(by_id)  # trending may add older papers
    for pid, item in items.items():
        _check(by_id[pid], item)

    # `show` for every synced paper (in-process: one subprocess per paper would be slow) ...
    for pid, item in items.items():
        assert main(["show", pid, "--json"]) == 0
        _check(json.loads(capsys.readouterr().out), item)
    # ... and a few as a user would run them.
    for pid in list(items)[:3]:
        shown = run(home, "show", pid)
        assert shown.returncode == 0, shown.stderr
        title = paper_from_item(items[pid]).title  # type: ignore[union-attr]
        assert " ".join(title.split()) in " ".join(shown.stdout.split())
        assert f"https://arxiv.org/abs/{pid}" in shown.stdout


def _days_ago(today: dt.date, n: int) -> str:
    return (today - dt.timedelta(days=n)).isoformat()


def _check(got: dict[str, Any], item: dict[str, Any]) -> None:
    """Authors, dates, upvotes, links and abstract, as the API served them (after parsing)."""
    want = paper_to_dict(paper_from_item(item))  # type: ignore[arg-type]
    for key in ("title", "authors", "published_at", "submitted_daily_at", "upvotes", "summary",
                "github_repo", "github_stars", "project_page", "ai_summary", "ai_keywords"):
        assert got.get(key) == want.get(key), key
    assert item["paper"]["submittedOnDailyAt"][:10] in got["listed_on"]


def test_sync_with_no_server_is_one_line_and_exit_1(home: Path) -> None:
    done = run(home, "sync", "--no-trending", endpoint="http://127.0.0.1:9")
    assert done.returncode == 1
    assert done.stdout == ""
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("paper-reader: ") and "127.0.0.1:9" in last
    assert "Traceback" not in done.stderr


def test_offline_commands_never_need_a_server(home: Path) -> None:
    # HF_ENDPOINT points nowhere: list/show must not even try.
    listed = run(home, "--offline", "list", "--json", endpoint="http://127.0.0.1:9")
    assert listed.returncode == 0 and json.loads(listed.stdout) == []
    refused = run(home, "sync", "--offline")
    assert refused.returncode == 2 and "--offline" in refused.stderr
