"""Shared fixtures: an isolated home for every test, and the fake Papers server."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.fakehub import Corpus, FakeHub

# A fixed newest listing day keeps every test (and snapshot) independent of the calendar.
# 2026-03-06 is a Friday; the corpus covers the ten days 2026-02-25 .. 2026-03-06.
CORPUS_END = dt.date(2026, 3, 6)
CORPUS_DAYS = 10


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point every paper-reader directory at ``tmp_path/"home"`` (not created) and drop the
    user's HF_TOKEN / HF_ENDPOINT, so no test sees the developer's files or the real hub."""
    path = tmp_path / "home"
    monkeypatch.setenv("PAPER_READER_HOME", str(path))
    monkeypatch.delenv("HF_TOKEN", raising=False)
    monkeypatch.delenv("HF_ENDPOINT", raising=False)
    # Belt and braces: code that asks platformdirs directly still lands in tmp_path.
    for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        monkeypatch.setenv(var, str(tmp_path / "xdg" / var.lower()))
    return path


@pytest.fixture(scope="session")
def corpus() -> Corpus:
    """Ten listing days ending on ``CORPUS_END`` (seed 0). Shared by all tests: do not mutate."""
    return Corpus(days=CORPUS_DAYS, end=CORPUS_END, seed=0)


@pytest.fixture(scope="session")
def hostile_corpus() -> Corpus:
    """Like ``corpus`` plus the hostile papers on the newest day (ids in ``.hostile_ids``)."""
    return Corpus(days=CORPUS_DAYS, end=CORPUS_END, seed=0, hostile=True)


@pytest.fixture
def fakehub(corpus: Corpus) -> Iterator[FakeHub]:
    """A running fake hub over ``corpus``; stopped (threads joined) after the test."""
    with FakeHub(corpus) as hub:
        yield hub


@pytest.fixture
def hf_endpoint(home: Path, fakehub: FakeHub, monkeypatch: pytest.MonkeyPatch) -> FakeHub:
    """``fakehub`` with HF_ENDPOINT pointing at it; returns the hub."""
    monkeypatch.setenv("HF_ENDPOINT", fakehub.url)
    return fakehub


@pytest.fixture
def make_fakehub() -> Iterator[Callable[..., FakeHub]]:
    """Start extra hubs: ``make_fakehub(corpus, slim_search=True)``; all stopped afterwards."""
    hubs: list[FakeHub] = []

    def make(corpus: Corpus, **kwargs: Any) -> FakeHub:
        hub = FakeHub(corpus, **kwargs).start()
        hubs.append(hub)
        return hub

    yield make
    for hub in hubs:
        hub.stop()
