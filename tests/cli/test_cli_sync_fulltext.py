"""`paper-reader sync --fulltext`: every bookmark's full text, resumable, 404 said plainly."""

from __future__ import annotations

import functools

import pytest

from reader.__main__ import main
from reader.cli import sync_cmd
from reader.hub.client import PapersClient
from reader.store.cache import PaperCache
from reader.store.library import Library
from reader.store.locations import locations
from tests.fakehub import Corpus, FakeHub


@pytest.fixture(autouse=True)
def quick(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sync_cmd, "PapersClient", functools.partial(
        PapersClient, retries=0, backoff=0.01, max_backoff=0.02, rate_limit_cap=0.5))


def bookmark(*ids: str) -> None:
    library = Library(locations().ensure().library_file)
    for pid in ids:
        library.set_bookmark(pid, True)


def md_requests(hub: FakeHub) -> list[str]:
    return [path for _, path, _, _ in hub.requests if path.endswith(".md")]


def test_fetches_missing_full_texts_and_resumes(
    hf_endpoint: FakeHub, corpus: Corpus, capsys: pytest.CaptureFixture[str]
) -> None:
    ids = corpus.ids()[:3]
    bookmark(*ids, "2101.00001")  # the last one is not on the server: a 404
    cache = PaperCache(locations().papers_dir)
    cache.fulltext_put(ids[0], "# already here\n")
    # The second paper fails once with a dropped connection; the run goes on.
    hf_endpoint.inject("drop", path=f"/papers/{ids[1]}.md")
    assert main(["sync", "--fulltext"]) == 0
    out, err = capsys.readouterr()
    assert sorted(p.split("/")[-1] for p in md_requests(hf_endpoint)) == sorted(
        f"{pid}.md" for pid in [*ids[1:], "2101.00001"])
    assert "1 downloaded, 1 not indexed by Hugging Face, 1 failed" in out
    assert "2101.00001: Hugging Face has no full text" in err
    assert cache.fulltext_get(ids[0]) == "# already here\n"
    assert cache.fulltext_get(ids[2]) == corpus.markdown(ids[2])
    # Run again: only what is still missing is asked for.
    hf_endpoint.requests.clear()
    assert main(["sync", "--fulltext"]) == 0
    assert sorted(md_requests(hf_endpoint)) == sorted(
        [f"/papers/{ids[1]}.md", "/papers/2101.00001.md"])
    assert cache.fulltext_get(ids[1]) == corpus.markdown(ids[1])


def test_nothing_to_do(hf_endpoint: FakeHub, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sync", "--fulltext"]) == 0
    assert "nothing to download" in capsys.readouterr().out
    assert md_requests(hf_endpoint) == []


def test_offline_fails_with_one_line(corpus: Corpus, monkeypatch: pytest.MonkeyPatch,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")  # nothing listens on port 9
    bookmark(*corpus.ids()[:2])
    assert main(["sync", "--fulltext"]) == 1
    err = capsys.readouterr().err
    assert "run it again to resume" in err
    assert PaperCache(locations().papers_dir).fulltext_ids() == set()


def test_a_long_rate_limit_stops_the_run_politely(
    hf_endpoint: FakeHub, corpus: Corpus, capsys: pytest.CaptureFixture[str]
) -> None:
    ids = corpus.ids()[:4]
    bookmark(*ids)
    hf_endpoint.inject("429", path="/papers/", reset=3600, times=None)
    assert main(["sync", "--fulltext"]) == 1
    out, err = capsys.readouterr()
    assert len(md_requests(hf_endpoint)) == 1  # not one request per bookmark
    assert "3 not tried" in out and "run it again to resume" in err
