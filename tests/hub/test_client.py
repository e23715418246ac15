"""PapersClient: endpoints, paging, retries, rate limits, errors and token hygiene.

The first part uses httpx.MockTransport for shapes and faults that are awkward to serve; the
second part runs against the fake Papers server over real loopback HTTP.
"""

from __future__ import annotations

import asyncio
import importlib.abc
import json
import random
import socket
import subprocess
import sys
import traceback
from collections.abc import AsyncIterator, Callable
from datetime import UTC, date, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import httpx
import pytest

from reader.hub.client import PapersClient, rate_limit_wait
from reader.hub.errors import (
    BadResponse,
    HubError,
    NetworkError,
    PaperNotFound,
    RateLimited,
    ServerError,
)
from reader.hub.ids import InvalidPaperId
from reader.hub.text import clean_block, is_forbidden
from tests.fakehub import Corpus, FakeHub

TOKEN = "hf_SECRETsecretSECRET123"

Handler = Callable[[httpx.Request], httpx.Response]


class Sleeps:
    """A stand-in for asyncio.sleep that records the waits instead of waiting."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)
        await asyncio.sleep(0)


def make(handler: Handler, *, sleeps: Sleeps | None = None, **kwargs: Any) -> PapersClient:
    kwargs.setdefault("token", "")
    return PapersClient(
        "https://hub.test",
        transport=httpx.MockTransport(handler),
        sleep=sleeps or Sleeps(),
        rng=random.Random(0),
        **kwargs,
    )


def item(paper_id: str, **paper: Any) -> dict[str, Any]:
    return {"paper": {"id": paper_id, "title": f"Paper {paper_id}", **paper}, "numComments": 0}


def full_text_of(err: BaseException) -> str:
    """The exception, its causes and its traceback as one string (to look for leaks)."""
    return "".join(traceback.format_exception(err)) + repr(err)


@pytest.fixture(autouse=True)
def _no_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HF_TOKEN", raising=False)
    monkeypatch.delenv("HF_ENDPOINT", raising=False)


# --- construction ----------------------------------------------------------------------------


async def test_endpoint_and_token_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=[])

    monkeypatch.setenv("HF_ENDPOINT", "https://mirror.test/hf///")
    monkeypatch.setenv("HF_TOKEN", TOKEN + "\n")  # as `cat tokenfile` leaves it
    client = PapersClient(transport=httpx.MockTransport(handler))
    async with client:
        assert client.endpoint == "https://mirror.test/hf"
        assert client.has_token
        await client.daily(date="2026-03-06")
    request = seen[0]
    assert str(request.url).startswith("https://mirror.test/hf/api/daily_papers?")
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert request.headers["user-agent"].startswith("paper-reader/")
    assert request.headers["accept"] == "application/json"
    assert TOKEN not in repr(client) and TOKEN not in str(client)


async def test_default_endpoint_and_no_token() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=[])

    async with PapersClient(transport=httpx.MockTransport(handler)) as client:
        assert client.endpoint == "https://huggingface.co"
        assert not client.has_token
        await client.trending()
    assert "authorization" not in seen[0].headers
    assert seen[0].url.params["sort"] == "trending"


@pytest.mark.parametrize("endpoint", ["ftp://x", "huggingface.co", "https://"])
def test_bad_endpoint_is_a_hub_error(endpoint: str) -> None:
    with pytest.raises(HubError, match="HF_ENDPOINT"):
        PapersClient(endpoint)


@pytest.mark.parametrize("token", ["hf_abc def", "hf_abc\ndef", "hf_abcé"])
def test_unusable_token_is_refused_without_quoting_it(token: str) -> None:
    with pytest.raises(HubError) as info:
        PapersClient("https://hub.test", token)
    assert "abc" not in full_text_of(info.value)


def test_endpoint_credentials_are_not_shown() -> None:
    client = PapersClient("https://user:pw@hub.test:8443/base/")
    assert client.endpoint == "https://hub.test:8443/base"
    assert "pw" not in repr(client)


# --- endpoints and shapes ------------------------------------------------------------------


async def test_daily_pages_until_a_short_page_and_dedupes() -> None:
    pages = {
        0: [item("2603.00001"), item("2603.00002"), item("2603.00003")],
        1: [item("2603.00003"), item("2603.00004"), {"paper": {"title": "no id"}}],
        2: [item("2603.00005")],
    }
    seen: list[dict[str, str]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        params = dict(request.url.params)
        seen.append(params)
        return httpx.Response(200, json=pages.get(int(params["p"]), []))

    async with make(handler) as client:
        papers = await client.daily(date="2026-03-06", limit=3)
    assert [p.id for p in papers] == [f"2603.0000{i}" for i in range(1, 6)]
    assert [s["p"] for s in seen] == ["0", "1", "2"]
    assert all(s["date"] == "2026-03-06" and s["limit"] == "3" for s in seen)


async def test_answers_are_decoded_off_the_event_loop(monkeypatch: pytest.MonkeyPatch) -> None:
    """A page's JSON (~1 MB) is decoded in the parsing thread, not on the loop that a TUI
    draws from; a damaged answer is still retried and reported from there."""
    import threading

    import reader.hub.client as client_module

    threads: list[str] = []
    real = client_module.orjson.loads

    def loads(body: Any) -> Any:
        threads.append(threading.current_thread().name)
        return real(body)

    monkeypatch.setattr(client_module.orjson, "loads", loads)
    answers = iter([httpx.Response(200, content=b"[{cut"),
                    httpx.Response(200, json=[item("2603.00001")])])
    async with make(lambda request: next(answers)) as client:
        papers = await client.daily(date="2026-03-06", limit=3)
    assert [p.id for p in papers] == ["2603.00001"]
    assert len(threads) == 2
    assert all(name.startswith("hub-parse") for name in threads), threads


async def test_daily_stops_at_max_pages_and_on_an_empty_page() -> None:
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        p = int(request.url.params["p"])
        calls.append(str(p))
        body = [item(f"2603.{p:03d}{i:02d}") for i in range(2)] if p < 3 else []
        return httpx.Response(200, json=body)

    async with make(handler) as client:
        assert len(await client.daily(month="2026-03", limit=2, max_pages=2)) == 4
        assert calls == ["0", "1"]
        calls.clear()
        assert len(await client.daily(week="2026-W10", limit=2)) == 6
        assert calls == ["0", "1", "2", "3"]


async def test_daily_stops_when_the_server_ignores_paging() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=[item("2603.00001"), item("2603.00002")])

    async with make(handler) as client:
        papers = await client.daily(limit=2)
    assert [p.id for p in papers] == ["2603.00001", "2603.00002"]


async def test_daily_parameters() -> None:
    seen: list[httpx.QueryParams] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.params)
        return httpx.Response(200, json=[])

    async with make(handler) as client:
        await client.daily(
            date=date(2026, 3, 6), submitter="akhaliq", sort="publishedAt", limit=500
        )
        with pytest.raises(ValueError):
            await client.daily(date="2026-03-06", month="2026-03")
    assert dict(seen[0]) == {
        "date": "2026-03-06", "submitter": "akhaliq", "sort": "publishedAt",
        "p": "0", "limit": "100",
    }


async def test_daily_answer_that_is_not_a_list() -> None:
    async with make(lambda r: httpx.Response(200, json={"error": None})) as client:
        with pytest.raises(BadResponse, match="not a list"):
            await client.daily()


async def test_search_accepts_both_shapes_and_clamps() -> None:
    seen: list[httpx.QueryParams] = []
    body = [
        {"paper": {"id": "2404.04487", "title": "KazQAD"}, "numComments": 2,
         "highlightedTitle": [{"type": "highlight", "text": "KazQAD"}]},
        {"id": "2409.11074", "title": "RoMath", "thumbnailUrl": "https://t.test/x.png",
         "source": "hf"},
        {"id": "2409.11074", "title": "duplicate"},
        "junk",
    ]

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.params)
        return httpx.Response(200, json=body)

    async with make(handler) as client:
        hits = await client.search("  kazakh\n" + "x" * 400, limit=1000)
        assert await client.search(" \x1b[0m ") == []  # nothing left to search: no request
        await client.search("q", limit=0)
    assert [h.paper.id for h in hits] == ["2404.04487", "2409.11074"]
    assert hits[0].highlighted_title == (("KazQAD", True),)
    assert hits[1].paper.thumbnail == "https://t.test/x.png"
    assert len(seen) == 2
    assert seen[0]["limit"] == "120" and len(seen[0]["q"]) == 250
    assert seen[0]["q"].startswith("kazakh x")
    assert seen[1]["limit"] == "1"


async def test_paper_normalises_the_id_and_404_is_paper_not_found() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.path)
        if request.url.path == "/api/papers/2407.21783":
            body = {"id": "2407.21783", "title": "The Llama 3 Herd of Models"}
            return httpx.Response(200, json=body)
        return httpx.Response(404, json={"error": "Paper not found"})

    async with make(handler) as client:
        paper = await client.paper("https://arxiv.org/abs/2407.21783v3")
        assert paper.title == "The Llama 3 Herd of Models"
        with pytest.raises(PaperNotFound) as info:
            await client.paper("2602.99999")
        assert str(info.value) == "2602.99999 is not on Hugging Face"
        with pytest.raises(InvalidPaperId):
            await client.paper("../../etc/passwd")
    assert seen == ["/api/papers/2407.21783", "/api/papers/2602.99999"]  # 404 is not retried


async def test_paper_without_a_usable_body() -> None:
    async with make(lambda r: httpx.Response(200, json={"title": "no id"})) as client:
        with pytest.raises(BadResponse, match="2407.21783"):
            await client.paper("2407.21783")


async def test_fulltext_is_sanitised_markdown() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.path == "/papers/2407.21783.md":
            return httpx.Response(
                200, text="# Title\r\n\n\x1b]52;c;eA==\x07Body\twith tab\n",
                headers={"content-type": "text/markdown; charset=utf-8"},
            )
        return httpx.Response(404, text="not found")

    async with make(handler) as client:
        assert await client.fulltext("2407.21783v1") == "# Title\n\nBody\twith tab\n"
        with pytest.raises(PaperNotFound):
            await client.fulltext("2602.99999")
    assert "markdown" in seen[0].headers["accept"]


async def test_fulltext_html_page_is_a_bad_response() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, html="<!DOCTYPE html><html><body>Login</body></html>")

    async with make(handler, retries=1) as client:
        with pytest.raises(BadResponse, match="web page instead of Markdown"):
            await client.fulltext("2407.21783")


async def test_linked_repos_and_404_is_empty() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/arxiv/2401.00001/repos":
            return httpx.Response(200, json={"models": [{"id": "google/gemma", "likes": 842}],
                                             "datasets": [], "spaces": []})
        return httpx.Response(404, json={"error": "not found"})

    async with make(handler) as client:
        repos = await client.linked_repos("arXiv:2401.00001")
        assert [r.id for r in repos.models] == ["google/gemma"]
        assert (await client.linked_repos("2602.99999")).total == 0


async def test_lone_surrogates_in_json_are_tolerated() -> None:
    body = b'[{"paper": {"id": "2603.00001", "title": "bad \\ud800 surrogate"}}]'

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=body, headers={"content-type": "application/json"})

    async with make(handler) as client:
        papers = await client.daily(limit=5)
    assert papers[0].title == "bad surrogate"


# --- retries and faults ------------------------------------------------------------------------


def flaky(failures: list[httpx.Response | Exception], ok: Any) -> tuple[Handler, list[int]]:
    """A handler that fails with each of ``failures`` in turn, then answers ``ok`` as JSON."""
    count = [0]

    def handler(request: httpx.Request) -> httpx.Response:
        count[0] += 1
        if failures:
            failure = failures.pop(0)
            if isinstance(failure, Exception):
                raise failure
            # A fresh response each time: the client streams bodies, and a streamed response
            # cannot be read twice (the same object may be listed twice in ``failures``).
            return httpx.Response(failure.status_code, headers=failure.headers,
                                  stream=failure.stream)
        return httpx.Response(200, json=ok)

    return handler, count


@pytest.mark.parametrize(
    "failure",
    [
        httpx.Response(500),
        httpx.Response(502, text="Bad gateway"),
        httpx.Response(503, json={"error": "overloaded"}),
        httpx.Response(504),
        httpx.Response(200, content=b'[{"paper": {"id": "2603.0'),  # truncated
        httpx.Response(200, content=b"\x00\xff not json"),
        httpx.Response(200, html="<html><body>Oops</body></html>"),
        httpx.Response(
            200, text="<!doctype html><p>proxy</p>", headers={"content-type": "text/plain"}
        ),
        httpx.ConnectError("[Errno 111] Connection refused"),
        httpx.ReadError("reset"),
        httpx.RemoteProtocolError("Server disconnected without sending a response."),
        httpx.ReadTimeout("timed out"),
        httpx.ConnectTimeout("timed out"),
        httpx.Response(200, stream=httpx.ByteStream(b"x"), headers={"content-encoding": "gzip"}),
    ],
)
async def test_transient_failures_are_retried(failure: httpx.Response | Exception) -> None:
    sleeps = Sleeps()
    handler, count = flaky([failure, failure], [item("2603.00001")])
    async with make(handler, sleeps=sleeps) as client:
        papers = await client.daily(limit=5)
    assert [p.id for p in papers] == ["2603.00001"]
    assert count[0] == 3
    assert len(sleeps.calls) == 2


async def test_backoff_is_exponential_with_full_jitter() -> None:
    sleeps = Sleeps()
    handler, count = flaky([httpx.Response(503)] * 10, [])
    async with make(handler, sleeps=sleeps, retries=6, backoff=0.5, max_backoff=4.0) as client:
        with pytest.raises(ServerError) as info:
            await client.daily(date="2026-11-20")
    assert count[0] == 7
    assert len(sleeps.calls) == 6
    ceilings = [min(4.0, 0.5 * 2**i) for i in range(6)]
    assert all(0 <= s <= c for s, c in zip(sleeps.calls, ceilings, strict=True))
    assert len(set(sleeps.calls)) > 1  # jittered, not a fixed schedule
    assert info.value.status == 503
    assert str(info.value) == (
        "the server answered 503 for /api/daily_papers?date=2026-11-20&p=0&limit=100"
        " (after 7 tries)"
    )


@pytest.mark.parametrize(
    ("failure", "error", "message"),
    [
        (httpx.Response(500), ServerError, "the server answered 500 for /api/papers/2407.21783"),
        (httpx.Response(200, content=b'{"id": "24'), BadResponse, "not valid JSON"),
        (httpx.Response(200, html="<html></html>"), BadResponse, "web page instead of data"),
        (httpx.RemoteProtocolError("x"), NetworkError, "dropped during /api/papers/2407.21783"),
        (httpx.ReadTimeout("x"), NetworkError, "did not answer /api/papers/2407.21783 within 20 s"),
        (httpx.ConnectTimeout("x"), NetworkError, "could not reach https://hub.test: no answer"),
    ],
)
async def test_exhausted_retries_raise_the_right_error(
    failure: httpx.Response | Exception, error: type[HubError], message: str
) -> None:
    handler, count = flaky([failure] * 10, {})
    async with make(handler, retries=2, token=TOKEN) as client:
        with pytest.raises(error) as info:
            await client.paper("2407.21783")
    assert count[0] == 3
    text = str(info.value)
    assert message in text and text.endswith("(after 3 tries)")
    assert "\n" not in text
    assert TOKEN not in full_text_of(info.value)


async def test_unreachable_server_names_the_endpoint() -> None:
    with socket.socket() as s:  # a port that is certainly closed
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    sleeps = Sleeps()
    async with PapersClient(f"http://127.0.0.1:{port}", TOKEN, retries=1, sleep=sleeps) as client:
        with pytest.raises(NetworkError) as info:
            await client.daily()
    assert str(info.value) == (
        f"could not reach http://127.0.0.1:{port}: connection refused (after 2 tries)"
    )
    assert TOKEN not in full_text_of(info.value)


async def test_400_carries_the_servers_message_and_is_not_retried() -> None:
    handler, count = flaky(
        [httpx.Response(400, json={"error": "Invalid date\x1b[31m: 2025-13-40\n"})] * 5, []
    )
    async with make(handler) as client:
        with pytest.raises(ServerError) as info:
            await client.daily(date="2025-13-40")
    assert count[0] == 1
    assert info.value.status == 400
    assert str(info.value) == (
        "the server refused /api/daily_papers?date=2025-13-40&p=0&limit=100: "
        "Invalid date: 2025-13-40"
    )


async def test_401_with_a_token_says_the_token_was_refused() -> None:
    handler, _ = flaky([httpx.Response(401, json={"error": "Invalid credentials"})], [])
    async with make(handler, token=TOKEN) as client:
        with pytest.raises(ServerError, match="HF_TOKEN was not accepted") as info:
            await client.daily()
    assert TOKEN not in full_text_of(info.value)


async def test_other_4xx_and_unretried_5xx() -> None:
    handler, count = flaky([httpx.Response(418), httpx.Response(501)], [])
    async with make(handler) as client:
        with pytest.raises(ServerError, match=r"refused /api/papers/search\?q=x&limit=50 \(418\)"):
            await client.search("x")
        with pytest.raises(ServerError, match="answered 501"):
            await client.search("x")
    assert count[0] == 2


# --- 429 ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"ratelimit": '"api";r=0;t=55'}, 55.0),
        ({"ratelimit": '"api";r=0;t=55', "retry-after": "3"}, 55.0),
        ({"ratelimit": '"api";r=10;t=5, "pages";r=0;t=30'}, 30.0),
        ({"ratelimit": '"api";r=3;t=12'}, 12.0),
        ({"ratelimit": "garbage"}, None),
        ({"ratelimit": '"api";r=0;t=-4', "retry-after": "7"}, 7.0),
        ({"retry-after": "7"}, 7.0),
        ({"retry-after": "soon"}, None),
        ({}, None),
    ],
)
def test_rate_limit_wait(headers: dict[str, str], expected: float | None) -> None:
    assert rate_limit_wait(httpx.Headers(headers)) == expected


def test_rate_limit_wait_http_date() -> None:
    now = datetime(2026, 3, 6, 12, 0, 0, tzinfo=UTC)
    later = format_datetime(now + timedelta(seconds=90), usegmt=True)
    assert rate_limit_wait(httpx.Headers({"retry-after": later}), now=now.timestamp()) == 90.0


async def test_429_waits_as_the_header_says_then_succeeds() -> None:
    sleeps = Sleeps()
    limited = httpx.Response(
        429, headers={"RateLimit": '"api";r=0;t=55',
                      "RateLimit-Policy": '"fixed window";"api";q=500;w=300'}
    )
    handler, count = flaky([limited], [item("2603.00001")])
    async with make(handler, sleeps=sleeps) as client:
        papers = await client.daily()
    assert len(papers) == 1 and count[0] == 2
    assert len(sleeps.calls) == 1
    assert 55 <= sleeps.calls[0] <= 56.5  # t plus a little jitter


async def test_429_beyond_the_cap_raises_at_once() -> None:
    sleeps = Sleeps()
    handler, count = flaky([httpx.Response(429, headers={"RateLimit": '"api";r=0;t=240'})], [])
    async with make(handler, sleeps=sleeps, rate_limit_cap=60) as client:
        with pytest.raises(RateLimited) as info:
            await client.daily()
    assert count[0] == 1 and sleeps.calls == []
    assert info.value.retry_after == 240
    assert str(info.value) == "Hugging Face is limiting requests: try again in 240 s"


async def test_429_with_retry_after_only_and_a_raised_cap() -> None:
    sleeps = Sleeps()
    handler, _ = flaky([httpx.Response(429, headers={"Retry-After": "120"})], [])
    async with make(handler, sleeps=sleeps, rate_limit_cap=300) as client:
        await client.daily()
    assert 120 <= sleeps.calls[0] <= 121.5


async def test_429_forever_ends_as_rate_limited() -> None:
    handler, count = flaky([httpx.Response(429, headers={"RateLimit": '"api";r=0;t=1'})] * 10, [])
    async with make(handler, retries=2) as client:
        with pytest.raises(RateLimited, match=r"kept rate-limiting .*\(after 3 tries\)"):
            await client.daily()
    assert count[0] == 3


# --- concurrency and hygiene -------------------------------------------------------------------


async def test_concurrency_is_bounded() -> None:
    state = {"now": 0, "max": 0}

    async def handler(request: httpx.Request) -> httpx.Response:
        state["now"] += 1
        state["max"] = max(state["max"], state["now"])
        await asyncio.sleep(0.01)
        state["now"] -= 1
        return httpx.Response(200, json={"id": request.url.path.rsplit("/", 1)[1]})

    client = PapersClient("https://hub.test", "", concurrency=2,
                          transport=httpx.MockTransport(handler))
    async with client:
        papers = await asyncio.gather(*(client.paper(f"2603.{i:05d}") for i in range(10)))
    assert len(papers) == 10
    assert state["max"] == 2


async def test_token_never_appears_in_any_error() -> None:
    responses: list[httpx.Response | Exception] = [
        httpx.Response(400, json={"error": "bad"}),
        httpx.Response(403),
        httpx.Response(404, json={"error": "nope"}),
        httpx.Response(503),
        httpx.Response(429, headers={"RateLimit": '"api";r=0;t=999'}),
        httpx.ConnectError("refused"),
        httpx.UnsupportedProtocol("odd"),
        httpx.Response(200, content=b"{"),
    ]
    for response in responses:
        async with make(lambda r, resp=response: _answer(resp), token=TOKEN, retries=0) as client:
            with pytest.raises(HubError) as info:
                await client.paper("2407.21783")
            assert TOKEN not in full_text_of(info.value)
            assert TOKEN not in repr(client)


def _answer(response: httpx.Response | Exception) -> httpx.Response:
    if isinstance(response, Exception):
        raise response
    return response


def test_importing_the_client_does_not_import_textual() -> None:
    code = "import sys, reader.hub.client, reader.hub.parse; print('textual' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_json_module_is_the_stdlib_one() -> None:
    # The fallback parser must accept what orjson refuses (checked above through the client).
    assert json.loads('"\\ud800"') == "\ud800"


# --- against the fake Papers server (real HTTP on 127.0.0.1) ----------------------------------

DAY = "2026-03-06"  # the corpus' newest listing day (tests/conftest.py)


def ids_of(items: list[dict[str, Any]]) -> list[str]:
    return [it["paper"]["id"] if "paper" in it else it["id"] for it in items]


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
async def hub_client(hf_endpoint: FakeHub, sleeps: Sleeps) -> AsyncIterator[PapersClient]:
    """A client built from the environment (HF_ENDPOINT = the fake hub), with instant sleeps."""
    async with PapersClient(retries=2, timeout=2.0, sleep=sleeps, rng=random.Random(1)) as c:
        yield c


class _Finds(importlib.abc.MetaPathFinder):
    """Records every import that reaches the finders (a module not in sys.modules)."""

    def __init__(self) -> None:
        self.names: list[str] = []

    def find_spec(self, fullname: str, path: Any, target: Any = None) -> None:
        self.names.append(fullname)


async def test_after_preload_a_request_imports_nothing_on_the_event_loop(
    hub_client: PapersClient, corpus: Corpus
) -> None:
    """An import on the UI loop searches sys.path, a system call per entry; while other threads
    hold the interpreter each call waits to get it back. After preload_http (done in a thread
    by the app), a request must find everything in sys.modules: without sniffio, httpcore's
    `import sniffio` failed, and searched, inside every request (35-46 ms stalls at 100k)."""
    from reader.hub.client import preload_http

    preload_http()
    await hub_client.trending(limit=5)  # the connection pool's first use
    finder = _Finds()
    sys.meta_path.insert(0, finder)
    try:
        for _ in range(3):
            await hub_client.trending(limit=5)
            await hub_client.linked_repos(corpus.items[0]["paper"]["id"])
    finally:
        sys.meta_path.remove(finder)
    assert finder.names == []


async def test_fake_daily_for_a_date_pages_in_server_order(
    hub_client: PapersClient, hf_endpoint: FakeHub, corpus: Corpus
) -> None:
    expected = ids_of(corpus.daily(date=DAY))
    assert len(expected) > 10
    papers = await hub_client.daily(date=DAY, limit=10)
    assert [p.id for p in papers] == expected
    pages = [q["p"] for _, path, q, _ in hf_endpoint.requests if path == "/api/daily_papers"]
    assert pages == [str(i) for i in range(len(expected) // 10 + 1)]
    by_id = {it["paper"]["id"]: it for it in corpus.items_on(DAY)}
    p = papers[0]
    raw = by_id[p.id]
    assert p.title == raw["paper"]["title"]
    assert p.published_at == raw["paper"]["publishedAt"] != raw["publishedAt"]
    assert p.num_comments == raw["numComments"]
    assert p.submitted_by == raw["submittedBy"]["fullname"]
    assert "\n" not in p.summary or "\n\n" in p.summary  # re-flowed


async def test_fake_daily_week_month_submitter(
    hub_client: PapersClient, corpus: Corpus
) -> None:
    assert [p.id for p in await hub_client.daily(week="2026-W10")] == ids_of(
        corpus.daily(week="2026-W10")
    )
    assert [p.id for p in await hub_client.daily(month="2026-02", limit=50)] == ids_of(
        corpus.daily(month="2026-02")
    )
    someone = corpus.items[0]["submittedBy"]["name"]
    mine = await hub_client.daily(submitter=someone)
    assert mine and [p.id for p in mine] == ids_of(corpus.daily(submitter=someone))


async def test_fake_trending_in_rank_order(hub_client: PapersClient, corpus: Corpus) -> None:
    papers = await hub_client.trending(limit=25)
    assert [p.id for p in papers] == ids_of(corpus.trending())[:25]
    two_pages = await hub_client.trending(limit=25, max_pages=2)
    assert [p.id for p in two_pages] == ids_of(corpus.trending())[:50]


async def test_fake_search_wrapped_shape(hub_client: PapersClient, corpus: Corpus) -> None:
    word = corpus.items[0]["paper"]["title"].split()[0]
    hits = await hub_client.search(word, limit=7)
    assert [h.paper.id for h in hits] == ids_of(corpus.search(word, 7))
    assert all(any(match for _, match in h.highlighted_title) for h in hits
               if word.lower() in h.paper.title.lower())


async def test_fake_search_slim_shape(
    make_fakehub: Callable[..., FakeHub], corpus: Corpus, sleeps: Sleeps
) -> None:
    hub = make_fakehub(corpus, slim_search=True)
    word = corpus.items[0]["paper"]["title"].split()[0]
    async with PapersClient(hub.url, sleep=sleeps) as client:
        hits = await client.search(word, limit=5)
    assert [h.paper.id for h in hits] == ids_of(corpus.search_slim(word, 5))
    assert all(h.paper.title and h.paper.thumbnail for h in hits)


async def test_fake_paper_fulltext_repos(hub_client: PapersClient, corpus: Corpus) -> None:
    pid = corpus.ids()[3]
    paper = await hub_client.paper(f"https://huggingface.co/papers/{pid}")
    assert paper.id == pid and paper.title == corpus.paper(pid)["title"]  # type: ignore[index]
    assert paper.num_comments is None  # E3 has no numComments
    markdown = corpus.markdown(pid)
    assert markdown is not None
    assert await hub_client.fulltext(pid) == clean_block(markdown)
    repos = await hub_client.linked_repos(pid)
    expected = corpus.repos(pid)
    assert [r.id for r in repos.models] == [m["id"] for m in expected["models"]]
    assert [r.id for r in repos.spaces] == [s["id"] for s in expected["spaces"]]


async def test_fake_unknown_paper(hub_client: PapersClient) -> None:
    with pytest.raises(PaperNotFound, match=r"^2602\.99999 is not on Hugging Face$"):
        await hub_client.paper("2602.99999")
    with pytest.raises(PaperNotFound):
        await hub_client.fulltext("2602.99999")
    assert (await hub_client.linked_repos("2602.99999")).total == 0


async def test_fake_bad_date_is_a_400_with_the_servers_message(
    hub_client: PapersClient, hf_endpoint: FakeHub
) -> None:
    with pytest.raises(ServerError) as info:
        await hub_client.daily(date="2025-13-40")
    assert info.value.status == 400
    assert str(info.value).startswith("the server refused /api/daily_papers?date=2025-13-40")
    assert hf_endpoint.count("/api/daily_papers") == 1
    raw = httpx.get(f"{hf_endpoint.url}/api/daily_papers", params={"date": "2025-13-40"})
    assert str(info.value).endswith(": " + raw.json()["error"])


async def test_fake_token_is_sent_as_bearer_and_never_shown(
    hf_endpoint: FakeHub, monkeypatch: pytest.MonkeyPatch, sleeps: Sleeps
) -> None:
    monkeypatch.setenv("HF_TOKEN", TOKEN)
    hf_endpoint.inject("503", times=None)
    async with PapersClient(retries=1, sleep=sleeps) as client:
        with pytest.raises(ServerError) as info:
            await client.paper("2602.00001")
        assert TOKEN not in repr(client)
    assert TOKEN not in full_text_of(info.value)
    headers = [h for _, _, _, h in hf_endpoint.requests]
    assert len(headers) == 2
    assert all(h["authorization"] == f"Bearer {TOKEN}" for h in headers)
    assert all(h["user-agent"].startswith("paper-reader/") for h in headers)


async def test_fake_no_token_no_authorization_header(
    hub_client: PapersClient, hf_endpoint: FakeHub
) -> None:
    await hub_client.trending(limit=1)
    assert "authorization" not in hf_endpoint.requests[0][3]


FAULTS: list[tuple[str, dict[str, Any]]] = [
    ("500", {}),
    ("503", {}),
    ("malformed", {}),
    ("truncated", {}),
    ("html", {}),
    ("html", {"status": 200}),
    ("drop", {}),
    ("429", {"reset": 3}),
    ("latency", {"seconds": 1.0}),
]


@pytest.mark.parametrize(("kind", "params"), FAULTS, ids=[f"{k}{p or ''}" for k, p in FAULTS])
async def test_fake_fault_is_survived_by_retrying(
    hf_endpoint: FakeHub, corpus: Corpus, sleeps: Sleeps, kind: str, params: dict[str, Any]
) -> None:
    hf_endpoint.inject(kind, path="/api/daily_papers", times=2, **params)
    async with PapersClient(retries=2, timeout=0.3, sleep=sleeps) as client:
        papers = await client.daily(date=DAY)
    assert [p.id for p in papers] == ids_of(corpus.daily(date=DAY))
    assert hf_endpoint.count("/api/daily_papers") == 3
    assert len(sleeps.calls) == 2
    if kind == "429":
        assert all(3 <= s <= 4.5 for s in sleeps.calls)


@pytest.mark.parametrize(
    ("kind", "params", "error", "message"),
    [
        ("500", {}, ServerError, "the server answered 500 for /api/papers/{pid}: Internal Error"),
        ("503", {}, ServerError, "the server answered 503 for /api/papers/{pid}"),
        ("html", {}, ServerError, "the server answered 502 for /api/papers/{pid}"),
        ("html", {"status": 200}, BadResponse, "answered /api/papers/{pid} with a web page"),
        ("malformed", {}, BadResponse, "answer to /api/papers/{pid} was not valid JSON"),
        ("truncated", {}, NetworkError, "the connection to {url} dropped during /api/papers/"),
        ("drop", {}, NetworkError, "the connection to {url} dropped during /api/papers/{pid}"),
        ("429", {"reset": 2}, RateLimited, "the server kept rate-limiting /api/papers/{pid}"),
        ("latency", {"seconds": 1.0}, NetworkError, "{url} did not answer /api/papers/{pid}"),
    ],
)
async def test_fake_fault_that_persists_raises_a_clear_error(
    hf_endpoint: FakeHub,
    corpus: Corpus,
    sleeps: Sleeps,
    monkeypatch: pytest.MonkeyPatch,
    kind: str,
    params: dict[str, Any],
    error: type[HubError],
    message: str,
) -> None:
    monkeypatch.setenv("HF_TOKEN", TOKEN)
    pid = corpus.ids()[0]
    hf_endpoint.inject(kind, times=None, **params)
    async with PapersClient(retries=2, timeout=0.3, sleep=sleeps) as client:
        with pytest.raises(error) as info:
            await client.paper(pid)
    text = str(info.value)
    assert type(info.value) is error
    assert message.format(pid=pid, url=hf_endpoint.url) in text
    assert text.endswith("(after 3 tries)")
    assert "\n" not in text
    assert TOKEN not in full_text_of(info.value)
    assert hf_endpoint.count("/api/papers/") == 3


async def test_fake_429_beyond_the_cap(hf_endpoint: FakeHub, sleeps: Sleeps) -> None:
    hf_endpoint.inject("429", reset=300)
    async with PapersClient(sleep=sleeps, rate_limit_cap=60) as client:
        with pytest.raises(RateLimited, match="try again in 300 s") as info:
            await client.trending()
    assert info.value.retry_after == 300
    assert sleeps.calls == []


async def test_fake_server_gone(hf_endpoint: FakeHub, sleeps: Sleeps) -> None:
    url = hf_endpoint.url
    hf_endpoint.stop()
    async with PapersClient(retries=1, sleep=sleeps) as client:
        with pytest.raises(NetworkError, match=f"^could not reach {url}: connection refused"):
            await client.trending()


async def test_fake_hostile_corpus_arrives_clean(
    make_fakehub: Callable[..., FakeHub], hostile_corpus: Corpus, sleeps: Sleeps
) -> None:
    hub = make_fakehub(hostile_corpus)
    async with PapersClient(hub.url, sleep=sleeps) as client:
        papers = await client.daily(date=DAY)
        texts = [await client.fulltext(pid) for pid in hostile_corpus.hostile_ids[:3]]
    hostile = [p for p in papers if p.id in set(hostile_corpus.hostile_ids)]
    assert len(hostile) == len(hostile_corpus.hostile_ids)
    for p in hostile:
        strings = [p.title, p.summary, *(a.name for a in p.authors), *p.ai_keywords]
        for s in strings:
            assert not any(is_forbidden(c, keep_layout=True) for c in s), (p.id, s[:60])
    for text in texts:
        assert not any(is_forbidden(c, keep_layout=True) for c in text)


# --- bounds on one answer (issue 13: deadline, decoded size, pages; secrets in bodies) --------


class _Drip(httpx.AsyncByteStream):
    """A body that sends a byte every 50 ms, forever: no single read ever times out."""

    async def __aiter__(self) -> AsyncIterator[bytes]:
        while True:
            await asyncio.sleep(0.05)
            yield b" "


async def test_a_trickling_answer_ends_at_the_deadline() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, stream=_Drip())

    async with make(handler, deadline=0.3) as client:
        with pytest.raises(NetworkError, match=r"took more than 0.3 s to answer .*"
                           r"\(request_seconds in config.toml\)$"):
            await client.paper("2407.21783")


async def test_a_decoded_body_past_the_cap_is_refused_and_not_retried() -> None:
    import gzip

    bomb = gzip.compress(b"[" + b" " * (4 * 1024 * 1024) + b"]")
    calls = [0]

    def handler(request: httpx.Request) -> httpx.Response:
        calls[0] += 1
        return httpx.Response(200, content=bomb, headers={"content-encoding": "gzip"})

    async with make(handler, max_bytes=1024 * 1024) as client:
        with pytest.raises(BadResponse, match=r"larger than 1 MB; stopped reading"):
            await client.daily()
    assert calls[0] == 1
    assert len(bomb) < 1024 * 1024  # the cap counts what it inflates to, not what came in


async def test_a_declared_length_past_the_cap_is_refused_before_reading() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=b"[]" + b" " * 5000)

    async with make(handler, max_bytes=1000) as client:
        with pytest.raises(BadResponse, match=r"larger than 1000 bytes"):
            await client.daily()


async def test_endless_pagination_stops_at_max_pages_with_an_error() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        p = int(request.url.params["p"])
        return httpx.Response(200, json=[item(f"2603.{p * 2 + i:05d}") for i in range(2)])

    async with make(handler, max_pages=7) as client:
        with pytest.raises(BadResponse, match=r"went on past 7 pages of 2 papers"):
            await client.daily(date="2026-03-06", limit=2)
        # A cap the caller asks for is a wish, not a fault.
        assert len(await client.daily(limit=2, max_pages=3)) == 6


@pytest.mark.parametrize("status", [400, 401, 500])
async def test_a_server_body_quoting_the_token_is_redacted(status: int) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        auth = request.headers["authorization"]
        text = f"bad request: Authorization: {auth}; raw {TOKEN}; other hf_AnotherToken99"
        return httpx.Response(status, json={"error": text}, headers={"x-error-message": text})

    async with make(handler, token=TOKEN, retries=0) as client:
        with pytest.raises(ServerError) as info:
            await client.paper("2407.21783")
    text = full_text_of(info.value)
    assert TOKEN not in text and TOKEN[3:] not in text
    assert "hf_AnotherToken99" not in text
    if status == 400:
        assert "[redacted]" in str(info.value)


async def test_an_absurd_retry_after_reads_as_later() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(429, headers={"Retry-After": "99999999999999999999"})

    async with make(handler) as client:
        with pytest.raises(RateLimited, match=r"try again later$"):
            await client.paper("2407.21783")
