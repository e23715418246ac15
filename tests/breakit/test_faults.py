"""A hostile server against `paper-reader sync`: every fault ends in one clear line (or is
survived), leaves the cache as it was, and a later sync against a healthy server succeeds.

The CI run tries every fault through `sync`; ``PAPER_READER_BREAKIT=full`` also tries each one
against every endpoint of the client (paper, full text, search, linked repos, trending).
"""

from __future__ import annotations

import functools
import os
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from reader.__main__ import main
from reader.cli import sync_cmd
from reader.hub.client import PapersClient
from reader.hub.errors import HubError
from reader.store.cache import PaperCache
from reader.store.locations import locations
from tests.conftest import CORPUS_END
from tests.fakehub import Corpus, FakeHub
from tests.fakehub.faults import KINDS

TOKEN = "hf_BreakItSecretToken0042"
DAY = CORPUS_END.isoformat()
OTHER_DAY = "2026-03-04"
FULL = os.environ.get("PAPER_READER_BREAKIT") == "full"
NETWORK_LIMITS = "[network]\nrequest_seconds = 1\nmax_response_mb = 4\nmax_pages = 5\n"

# (kind, params, "fails" | "survives"): "fails" ends `sync` with exit 1 and one line; "survives"
# saves what was usable (exit 0). Either way the cache keeps what it had.
FAULTS: list[tuple[str, dict[str, Any], str]] = [
    ("latency", {"seconds": 30}, "fails"),
    ("429", {"reset": 999}, "fails"),
    ("500", {}, "fails"),
    ("503", {}, "fails"),
    ("malformed", {}, "fails"),
    ("truncated", {}, "fails"),
    ("html", {}, "fails"),
    ("html", {"status": 200}, "fails"),
    ("drop", {}, "fails"),
    ("slow_headers", {"every": 0.2}, "fails"),
    ("slow_body", {"every": 0.2}, "fails"),
    ("endless", {}, "fails"),
    ("gzip_bomb", {"mb": 64}, "fails"),
    ("big", {"mb": 300}, "fails"),
    ("nested", {}, "fails"),
    ("overflow", {}, "survives"),
    ("redirect", {"status": 302}, "survives"),
    ("redirect", {"status": 308}, "survives"),
    ("redirect_loop", {}, "fails"),
    ("token_echo", {"status": 400}, "fails"),
    ("token_echo", {"status": 500}, "fails"),
    ("token_echo", {"status": 401}, "fails"),
    ("content_type", {}, "fails"),
    ("retry_after", {"value": "99999999999999999999"}, "fails"),
    ("retry_after", {"value": "1e308"}, "fails"),
    ("retry_after", {"value": "Fri, 31 Dec 9999 23:59:59 GMT"}, "fails"),
    ("empty", {}, "fails"),
    ("null", {}, "fails"),
    ("object", {}, "fails"),
    ("bad_gzip", {}, "fails"),
    ("unknown_encoding", {}, "survives"),
    ("garbage", {}, "fails"),
    ("huge_header", {}, "fails"),
    ("headers_only", {}, "fails"),
    ("status", {"code": 999}, "fails"),
    ("status", {"code": 418}, "fails"),
    ("no_location", {}, "fails"),
    ("endless_pages", {}, "fails"),
    ("ignore_paging", {}, "survives"),
    ("bad_items", {}, "survives"),
    ("non_utf8", {}, "fails"),
    ("bom", {}, "survives"),
    ("huge_string", {}, "survives"),
    ("surrogates", {}, "survives"),
    ("short_length", {}, "fails"),
]


def _fault_id(case: tuple[str, dict[str, Any], str]) -> str:
    kind, params, _ = case
    return kind + "".join(f"-{v}" for v in params.values())[:30]


# Numbers beyond 64 bits are issue 13's item 4, fixed where records are parsed (another branch
# of the same issue): until that lands, `sync` still stops on them with a traceback.
CASES = [pytest.param(case, id=_fault_id(case)) for case in FAULTS]


def test_the_table_covers_every_fault_kind() -> None:
    assert {kind for kind, _, _ in FAULTS} == KINDS
    assert len(FAULTS) >= 30


@pytest.fixture
def breakit_home(hf_endpoint: FakeHub, monkeypatch: pytest.MonkeyPatch) -> FakeHub:
    """A token, tight network limits in config.toml, and back-off waits of a millisecond."""
    monkeypatch.setenv("HF_TOKEN", TOKEN)
    config = locations().ensure().config_file
    config.write_text(NETWORK_LIMITS, encoding="utf-8")
    monkeypatch.setattr(sync_cmd, "PapersClient", functools.partial(
        PapersClient, backoff=0.001, max_backoff=0.002))
    return hf_endpoint


def _snapshot() -> dict[str, str]:
    cache = PaperCache(locations().papers_dir)
    records = cache.load_all()
    assert cache.problems == []
    return {pid: r.paper.title for pid, r in records.items()}


def _sync(capsys: pytest.CaptureFixture[str], day: str) -> tuple[int, str, str]:
    code = main(["sync", "--date", day, "--no-trending"])
    out, err = capsys.readouterr()
    return code, out, err


def _messages(err: str) -> list[str]:
    """stderr without the plain progress lines."""
    return [line for line in err.splitlines() if line and not line.startswith("sync: ")]


@pytest.mark.parametrize("case", CASES)
def test_sync_against_a_hostile_server(
    breakit_home: FakeHub, make_fakehub: Callable[..., FakeHub], corpus: Corpus,
    capsys: pytest.CaptureFixture[str], case: tuple[str, dict[str, Any], str],
) -> None:
    kind, params, outcome = case
    hub = breakit_home
    other = make_fakehub(corpus)
    assert _sync(capsys, OTHER_DAY)[0] == 0
    before = _snapshot()
    assert before

    if kind in ("redirect", "redirect_loop"):
        params = {**params, "to": other.url} if kind == "redirect" else params
    hub.inject(kind, path="/api/daily_papers", times=None, **params)
    code, out, err = _sync(capsys, DAY)
    shown = out + err
    assert "Traceback" not in shown
    assert TOKEN not in shown and TOKEN[3:] not in shown
    assert "\x1b" not in shown
    messages = _messages(err)
    cache = PaperCache(locations().papers_dir)
    if outcome == "fails":
        assert code == 1, shown
        assert len(messages) == 1, messages
        assert messages[0].startswith("paper-reader: ") and len(messages[0]) < 300
        assert not cache.day_complete(DAY)
    else:
        assert code == 0, shown
        assert out.startswith("synced 1 day")
    after = _snapshot()
    assert {pid: after.get(pid) for pid in before} == before  # nothing lost or changed
    for _, _, _, headers in other.requests:
        assert "authorization" not in headers  # the token never follows a redirect away

    hub.clear_faults()
    code, out, err = _sync(capsys, DAY)
    assert code == 0, out + err
    cache = PaperCache(locations().papers_dir)
    assert cache.day_complete(DAY)
    wanted = {it["paper"]["id"] for it in corpus.daily(date=DAY)}
    assert wanted <= set(cache.load_all())


ENDPOINTS: dict[str, Callable[[PapersClient, str], Any]] = {
    "paper": lambda c, pid: c.paper(pid),
    "fulltext": lambda c, pid: c.fulltext(pid),
    "search": lambda c, pid: c.search("diffusion"),
    "linked": lambda c, pid: c.linked_repos(pid),
    "trending": lambda c, pid: c.trending(),
}


@pytest.mark.skipif(not FULL, reason="the long count: PAPER_READER_BREAKIT=full")
@pytest.mark.parametrize("endpoint", sorted(ENDPOINTS))
@pytest.mark.parametrize("case", CASES)
async def test_every_endpoint_against_every_fault(
    hf_endpoint: FakeHub, make_fakehub: Callable[..., FakeHub], corpus: Corpus,
    case: tuple[str, dict[str, Any], str], endpoint: str,
) -> None:
    kind, params, _ = case
    if kind == "redirect":
        params = {**params, "to": make_fakehub(corpus).url}
    hf_endpoint.inject(kind, times=None, **params)
    call = ENDPOINTS[endpoint]
    pid = corpus.ids()[0]
    client = PapersClient(token=TOKEN, deadline=1, max_bytes=4 * 1024 * 1024, max_pages=5,
                          backoff=0.001, max_backoff=0.002, rng=random.Random(0))
    async with client:
        try:
            await call(client, pid)
        except HubError as exc:
            text = str(exc)
            assert "\n" not in text and "\x1b" not in text and TOKEN not in text
        hf_endpoint.clear_faults()
        await call(client, pid)  # the same client recovers at once


def test_written_config_is_read(breakit_home: FakeHub) -> None:
    """The limits above really reach the client (else the slow faults would not end)."""
    options = sync_cmd.network_options()
    assert options == {"deadline": 1.0, "max_bytes": 4 * 1024 * 1024, "max_pages": 5}
    assert Path(locations().config_file).read_text(encoding="utf-8") == NETWORK_LIMITS
