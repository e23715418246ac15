"""Async client for the Hugging Face Papers API: retries, rate limits and bounded concurrency.

One ``httpx.AsyncClient`` per :class:`PapersClient`. Every failure ends as a
:class:`~reader.hub.errors.HubError` whose message is one line a user can act on; the token
never appears in a message, a log line or a repr.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import importlib.util
import json
import logging
import math
import os
import random
import re
import socket
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date as Date
from email.utils import parsedate_to_datetime
from types import TracebackType
from typing import Any, TypeVar
from urllib.parse import unquote, urlencode, urlsplit

import httpx
import orjson

from reader import __version__
from reader.hub.bounded import (
    DEFAULT_DEADLINE,
    DEFAULT_MAX_BYTES,
    TooLarge,
    read_bounded,
    redact,
    size_text,
)
from reader.hub.errors import (
    BadResponse,
    HubError,
    NetworkError,
    PaperNotFound,
    RateLimited,
    ServerError,
)
from reader.hub.ids import normalize_id
from reader.hub.models import LinkedRepos, Paper, SearchHit
from reader.hub.parse import (
    linked_repos_from_api,
    paper_from_api,
    paper_from_item,
    search_hit_from_item,
)
from reader.hub.text import clean_block, clean_line

__all__ = [
    "DEFAULT_DEADLINE",
    "DEFAULT_ENDPOINT",
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_PAGES",
    "PapersClient",
    "rate_limit_wait",
]

log = logging.getLogger("reader.hub")

DEFAULT_ENDPOINT = "https://huggingface.co"
_RETRY_STATUSES = frozenset({500, 502, 503, 504})
_RETRY_TRANSPORT = (
    httpx.ConnectError,
    httpx.ReadError,
    httpx.WriteError,
    httpx.CloseError,
    httpx.RemoteProtocolError,
    httpx.TimeoutException,
)
DEFAULT_MAX_PAGES = 100  # pages of one listing: 10,000 papers, far beyond a month's
_SEARCH_MAX_LIMIT = 120
_SEARCH_MAX_QUERY = 250
_DAILY_MAX_LIMIT = 100
# What a token may look like: printable ASCII, no spaces. Anything else would make httpx/h11
# raise an error that quotes the header value, token included.
_TOKEN = re.compile(r"[\x21-\x7e]+")

Sleep = Callable[[float], Awaitable[None]]
T = TypeVar("T")


def rate_limit_wait(headers: Mapping[str, str], *, now: float | None = None) -> float | None:
    """Seconds a 429 answer asks us to wait, or None if it does not say.

    Reads the IETF draft ``RateLimit: "api";r=0;t=55`` header (several comma-separated entries
    possible: the longest wait among exhausted ones wins), then ``Retry-After`` (seconds or an
    HTTP date) as a fallback.
    """
    exhausted: list[float] = []
    others: list[float] = []
    for entry in (headers.get("ratelimit") or "").split(","):
        params: dict[str, str] = {}
        for part in entry.split(";")[1:]:
            key, _, value = part.partition("=")
            params[key.strip().lower()] = value.strip().strip('"')
        try:
            wait = float(params["t"])
        except (KeyError, ValueError):
            continue
        if not math.isfinite(wait) or wait < 0:
            continue
        (exhausted if params.get("r") == "0" else others).append(wait)
    if exhausted or others:
        return max(exhausted or others)
    retry_after = (headers.get("retry-after") or "").strip()
    if not retry_after:
        return None
    try:
        seconds = float(retry_after)
        return seconds if math.isfinite(seconds) and seconds >= 0 else None
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(retry_after)
    except (TypeError, ValueError, IndexError):
        return None
    current = time.time() if now is None else now
    return max(0.0, when.timestamp() - current)


# Pages are parsed one at a time, in one thread, whatever number of requests run at once: the
# interpreter lock lets one of them run at a time anyway, and every further thread that wants
# it is one more the event loop's thread may wait behind (a TUI's screen stalls meanwhile).
_PARSER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="hub-parse")


async def _parsed(parse: Callable[[list[Any]], T], raw: list[Any]) -> T:
    """``parse(raw)`` in the parsing thread."""
    return await asyncio.get_running_loop().run_in_executor(_PARSER, parse, raw)


def _papers_of(raw: list[Any]) -> list[Paper]:
    """The usable papers of a Daily Papers page (items that cannot be parsed are skipped)."""
    return [p for p in map(paper_from_item, raw) if p is not None]


def _hits_of(raw: list[Any]) -> list[SearchHit]:
    """The usable search hits, each paper once (the first sighting kept)."""
    hits: list[SearchHit] = []
    seen: set[str] = set()
    for item in raw:
        hit = search_hit_from_item(item)
        if hit is not None and hit.paper.id not in seen:
            seen.add(hit.paper.id)
            hits.append(hit)
    return hits


def _clamp(value: int, low: int, high: int) -> int:
    return max(low, min(high, value))


def _server_message(response: httpx.Response, content: bytes, secret: str = "") -> str | None:
    """The error text the Hub put in a JSON body (``error``/``error_description``/``errors``),
    with secrets redacted."""
    message: Any = None
    try:
        body = orjson.loads(content)
    except orjson.JSONDecodeError:
        body = None
    if isinstance(body, dict):
        message = body.get("error") or body.get("error_description")
        errors = body.get("errors")
        if not isinstance(message, str) and isinstance(errors, list) and errors:
            first = errors[0]
            message = first.get("message") if isinstance(first, dict) else first
    if not isinstance(message, str):
        message = response.headers.get("x-error-message")
    if not isinstance(message, str):
        return None
    cleaned = redact(clean_line(message), secret)
    return (cleaned[:197] + "...") if len(cleaned) > 200 else (cleaned or None)


def _transport_reason(exc: Exception) -> str:
    """A short, plain reason for a transport failure ("connection refused").

    httpx's own message is often just "All connection attempts failed"; the OS error that says
    why sits further down the chain of causes.
    """
    chain: list[BaseException] = []
    link: BaseException | None = exc
    while link is not None and len(chain) < 10:
        chain.append(link)
        link = link.__cause__ or link.__context__
    if any(isinstance(e, ConnectionRefusedError) for e in chain):
        return "connection refused"
    if any(isinstance(e, socket.gaierror) for e in chain):
        return "host name not found"
    text = " ".join(str(e) for e in chain).lower()
    for needle, reason in (
        ("refused", "connection refused"),
        ("name or service not known", "host name not found"),
        ("nodename nor servname", "host name not found"),
        ("name resolution", "host name not found"),
        ("getaddrinfo", "host name not found"),
        ("certificate", "TLS certificate problem"),
        ("ssl", "TLS error"),
        ("unreachable", "network unreachable"),
        ("reset by peer", "connection reset"),
    ):
        if needle in text:
            return reason
    shown = clean_line(str(exc))
    return (shown[:117] + "...") if len(shown) > 120 else (shown or type(exc).__name__)


@dataclass
class Download:
    """An answer being streamed by :meth:`PapersClient.download`. ``offset``: where its bytes
    start in the file (0 when the server ignored the Range and sent it whole)."""

    response: httpx.Response
    offset: int
    shown: str

    @property
    def total(self) -> int | None:
        """The whole file's size, when the server said."""
        rng = self.response.headers.get("content-range", "")
        if "/" in rng and rng.rsplit("/", 1)[1].isdigit():
            return int(rng.rsplit("/", 1)[1])
        length = self.response.headers.get("content-length", "")
        return self.offset + int(length) if length.isdigit() else None

    @property
    def content_type(self) -> str:
        return str(self.response.headers.get("content-type", "")).lower()

    async def chunks(self) -> AsyncIterator[bytes]:
        """The body in pieces; a dropped connection becomes :class:`NetworkError`."""
        try:
            async for chunk in self.response.aiter_bytes(65536):
                yield chunk
        except httpx.TransportError as exc:
            raise NetworkError(f"the download of {self.shown} was cut off") from exc


# What httpx imports on its first request rather than with itself: anyio's asyncio backend,
# httpcore's HTTP/1.1 path, h11, sniffio (which httpcore imports inside every async request:
# once imported, that is a look-up in sys.modules; see pyproject). About 40 ms of imports
# (and more while other threads hold the interpreter): an app calls :func:`preload_http` in a
# thread so that they do not run on its event loop, stalling the screen, when the first
# refresh starts.
_FIRST_REQUEST_MODULES = ("anyio._backends._asyncio", "anyio.streams.tls", "anyio.to_thread",
                          "httpcore._async.http11", "httpcore._backends.anyio", "h11",
                          "sniffio")


def preload_http() -> None:
    """Import what httpx imports on its first request (see above). A module that a later
    httpx no longer uses is skipped: it would only have been imported later, if at all."""
    for name in _FIRST_REQUEST_MODULES:
        if importlib.util.find_spec(name) is not None:
            importlib.import_module(name)


class PapersClient:
    """Client for the Papers API (daily, trending, search, paper, full text, linked repos).

    ``endpoint`` defaults to ``$HF_ENDPOINT`` or https://huggingface.co; ``token`` to
    ``$HF_TOKEN`` (sent as ``Authorization: Bearer``; pass ``""`` for none). ``retries`` is the
    number of extra tries after the first for connection failures, timeouts, 500/502/503/504,
    broken bodies and 429 answers that ask for at most ``rate_limit_cap`` seconds of waiting.
    ``sleep`` and ``rng`` are injectable so tests of back-off need not wait.

    Every answer is bounded: ``deadline`` seconds for the whole of it (headers and body, however
    slowly they trickle; ``timeout`` only bounds the wait for each read), ``max_bytes`` of decoded
    body (a gzip bomb stops there) and ``max_pages`` pages per listing (a server that pages
    forever). Going past one ends the request with a one-line :class:`HubError`, not retried.
    """

    def __init__(
        self,
        endpoint: str | None = None,
        token: str | None = None,
        *,
        timeout: float = 20.0,
        connect_timeout: float = 10.0,
        retries: int = 4,
        concurrency: int = 4,
        backoff: float = 0.5,
        max_backoff: float = 30.0,
        rate_limit_cap: float = 60.0,
        deadline: float = DEFAULT_DEADLINE,
        max_bytes: int = DEFAULT_MAX_BYTES,
        max_pages: int = DEFAULT_MAX_PAGES,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Sleep | None = None,
        rng: random.Random | None = None,
    ) -> None:
        raw_endpoint = endpoint if endpoint is not None else os.environ.get("HF_ENDPOINT", "")
        base = raw_endpoint.strip().rstrip("/") or DEFAULT_ENDPOINT
        parts = urlsplit(base)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise HubError(f"HF_ENDPOINT is not an http(s) URL: {clean_line(base)[:80]}")
        # Shown in messages: never any user:password@ part of the URL.
        host = parts.hostname if parts.port is None else f"{parts.hostname}:{parts.port}"
        self.endpoint = f"{parts.scheme}://{host}{parts.path}"

        raw_token = token if token is not None else os.environ.get("HF_TOKEN", "")
        secret = raw_token.strip()
        if secret and not _TOKEN.fullmatch(secret):
            raise HubError("HF_TOKEN is not a usable token (it has spaces or non-ASCII characters)")
        self._has_token = bool(secret)
        self._secret = secret

        self.retries = max(0, retries)
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.rate_limit_cap = rate_limit_cap
        self.read_timeout = timeout
        self.connect_timeout = connect_timeout
        self.deadline = deadline if math.isfinite(deadline) and deadline > 0 else DEFAULT_DEADLINE
        self.max_bytes = max(1, max_bytes)
        self.max_pages = max(1, max_pages)
        self._sleep: Sleep = sleep or asyncio.sleep
        self._rng = rng or random.Random()
        self._semaphore = asyncio.Semaphore(max(1, concurrency))
        self._resume_at = 0.0  # monotonic time before which nobody sends (after a 429)

        headers = {
            "User-Agent": f"paper-reader/{__version__}",
            "Accept": "application/json",
        }
        if secret:
            headers["Authorization"] = f"Bearer {secret}"
        self._transport = transport
        self._plain: httpx.AsyncClient | None = None  # downloads from other hosts: no token
        self._http = httpx.AsyncClient(
            base_url=base,
            headers=headers,
            timeout=httpx.Timeout(timeout, connect=connect_timeout),
            limits=httpx.Limits(max_connections=max(1, concurrency)),
            transport=transport,
            follow_redirects=True,
        )

    # --- lifecycle ----------------------------------------------------------------------------

    @property
    def has_token(self) -> bool:
        """Whether requests carry a token (the token itself is not readable from here)."""
        return self._has_token

    def __repr__(self) -> str:
        token = "set" if self._has_token else "none"
        return f"PapersClient(endpoint={self.endpoint!r}, token={token})"

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._http.aclose()
        if self._plain is not None:
            await self._plain.aclose()

    async def __aenter__(self) -> PapersClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    # --- endpoints ----------------------------------------------------------------------------

    async def daily(
        self,
        *,
        date: str | Date | None = None,
        week: str | None = None,
        month: str | None = None,
        sort: str | None = None,
        submitter: str | None = None,
        limit: int = 100,
        max_pages: int | None = None,
    ) -> list[Paper]:
        """Daily Papers (E1), paging ``p=0,1,…`` until a short or empty page or ``max_pages``.

        ``date`` (``YYYY-MM-DD``), ``week`` (``YYYY-Www``) and ``month`` (``YYYY-MM``) filter
        on the day a paper entered Daily Papers; use at most one. Ids are de-duplicated across
        pages, first sighting kept, so the order is the server's.
        """
        if sum(x is not None for x in (date, week, month)) > 1:
            raise ValueError("use only one of date, week and month")
        params: dict[str, str | int] = {}
        if date is not None:
            params["date"] = date.isoformat() if isinstance(date, Date) else date
        if week is not None:
            params["week"] = week
        if month is not None:
            params["month"] = month
        if sort is not None:
            params["sort"] = sort
        if submitter is not None:
            params["submitter"] = submitter
        limit = _clamp(limit, 1, _DAILY_MAX_LIMIT)
        # A cap the caller chose is a wish (stop quietly); the client's own cap is a safety
        # net: reaching it means the server pages forever, and a cut listing must not be
        # taken for a whole day.
        pages = self.max_pages if max_pages is None else min(max_pages, self.max_pages)

        papers: list[Paper] = []
        seen: set[str] = set()
        for page in range(pages):
            query = {**params, "p": page, "limit": limit}
            raw = await self._get_json("/api/daily_papers", query)
            if not isinstance(raw, list):
                raise BadResponse(
                    f"the server's answer to {self._shown('/api/daily_papers', query)} "
                    "was not a list of papers"
                )
            # ~0.5 ms a paper: in a thread, so that a TUI's refresh never stalls its screen.
            parsed = await _parsed(_papers_of, raw)
            fresh = [p for p in parsed if p.id not in seen]
            for p in fresh:
                seen.add(p.id)
                papers.append(p)
            # A full page of nothing new means the server is not paging: stop rather than loop.
            if len(raw) < limit or (parsed and not fresh):
                break
        else:
            if max_pages is None:
                shown = self._shown("/api/daily_papers", params)
                raise BadResponse(
                    f"the server's answer to {shown} went on past {pages} pages of {limit} "
                    "papers; stopped there (max_pages in config.toml)"
                )
        return papers

    async def trending(self, *, limit: int = 100, max_pages: int | None = 1) -> list[Paper]:
        """The trending list (E1 with ``sort=trending``), in rank order."""
        return await self.daily(sort="trending", limit=limit, max_pages=max_pages)

    async def search(self, q: str, *, limit: int = 50) -> list[SearchHit]:
        """Search (E2). ``limit`` is clamped to 1..120, ``q`` cut to 250 chars; no paging exists."""
        query = clean_line(q)[:_SEARCH_MAX_QUERY].strip()
        if not query:
            return []
        params: dict[str, str | int] = {"q": query, "limit": _clamp(limit, 1, _SEARCH_MAX_LIMIT)}
        raw = await self._get_json("/api/papers/search", params)
        if not isinstance(raw, list):
            raise BadResponse(
                f"the server's answer to {self._shown('/api/papers/search', params)} "
                "was not a list of results"
            )
        return await _parsed(_hits_of, raw)

    async def paper(self, paper_id: str) -> Paper:
        """One paper's metadata (E3); :class:`PaperNotFound` if Hugging Face does not have it."""
        pid = normalize_id(paper_id)
        raw = await self._get_json(f"/api/papers/{pid}", None, not_found=pid)
        paper = paper_from_api(raw)
        if paper is None:
            raise BadResponse(f"the server's answer for paper {pid} held no usable paper")
        if paper.id != pid:
            log.warning("asked for paper %s, the server answered with %s", pid, paper.id)
        return paper

    async def fulltext(self, paper_id: str) -> str:
        """The paper's full text as Markdown (E5), sanitised; :class:`PaperNotFound` on 404."""
        pid = normalize_id(paper_id)
        return await self._request(
            f"/papers/{pid}.md",
            None,
            decode=self._decode_markdown,
            accept="text/markdown, text/plain;q=0.9",
            not_found=pid,
        )

    async def linked_repos(self, paper_id: str) -> LinkedRepos:
        """Models, datasets and Spaces citing the paper (E4); empty if the Hub knows none."""
        pid = normalize_id(paper_id)
        try:
            raw = await self._get_json(f"/api/arxiv/{pid}/repos", None, not_found=pid)
        except PaperNotFound:
            return LinkedRepos()
        return linked_repos_from_api(raw)

    @contextlib.asynccontextmanager
    async def download(self, url: str, *, start: int = 0) -> AsyncIterator[Download]:
        """Stream an absolute http(s) URL (a PDF on arXiv), asking for the bytes from ``start``
        on (``Range``). Never sends the HF token: the file usually lives on another host. One
        try: the caller resumes. Failures are :class:`HubError` with a one-line message."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise HubError(f"not an http(s) URL: {clean_line(url)[:80]}")
        shown = clean_line(f"{parts.hostname}{parts.path}")
        if self._plain is None:
            self._plain = httpx.AsyncClient(
                headers={"User-Agent": f"paper-reader/{__version__}"},
                timeout=httpx.Timeout(self.read_timeout, connect=self.connect_timeout),
                transport=self._transport, follow_redirects=True)
        headers = {"Range": f"bytes={start}-"} if start else {}
        await self._wait_for_rate_limit()
        async with self._semaphore:
            try:
                async with self._plain.stream("GET", url, headers=headers) as response:
                    if response.status_code == 404:
                        raise ServerError(f"{shown} was not found (404)", 404)
                    if response.status_code == 416:  # asked past the end: start again
                        raise ServerError(f"{shown} could not resume (416)", 416)
                    if response.status_code == 429:
                        wait = rate_limit_wait(response.headers) or 30.0
                        raise RateLimited(f"{parts.hostname} is limiting requests: try again "
                                          f"in {math.ceil(wait)} s", retry_after=wait)
                    if response.status_code >= 400:
                        raise ServerError(f"the server answered {response.status_code} for "
                                          f"{shown}", response.status_code)
                    yield Download(response, start if response.status_code == 206 else 0, shown)
            except httpx.TransportError as exc:
                raise self._transport_error(exc, shown) from exc

    # --- the request loop ---------------------------------------------------------------------

    def _shown(self, path: str, params: Mapping[str, str | int] | None) -> str:
        """``path?query`` as a person would write it, for messages."""
        query = unquote(urlencode(params)) if params else ""
        return clean_line(f"{path}?{query}" if query else path)

    async def _get_json(
        self, path: str, params: Mapping[str, str | int] | None, *, not_found: str | None = None
    ) -> Any:
        return await self._request(
            path, params, decode=self._decode_json, accept="application/json", not_found=not_found
        )

    def _decode_json(self, response: httpx.Response, body: bytes, shown: str) -> Any:
        if self._looks_like_html(response, body):
            raise BadResponse(f"the server answered {shown} with a web page instead of data")
        try:
            return orjson.loads(body)
        except orjson.JSONDecodeError:
            pass
        # The stdlib parser accepts what JavaScript may emit and orjson refuses (lone
        # surrogates in strings); text.py drops those later.
        try:
            return json.loads(body)
        except (ValueError, RecursionError):
            raise BadResponse(
                f"the server's answer to {shown} was not valid JSON (cut off or damaged)"
            ) from None

    def _decode_markdown(self, response: httpx.Response, body: bytes, shown: str) -> str:
        if self._looks_like_html(response, body):
            raise BadResponse(f"the server answered {shown} with a web page instead of Markdown")
        return clean_block(body.decode(response.encoding or "utf-8", errors="replace"))

    @staticmethod
    def _looks_like_html(response: httpx.Response, body: bytes) -> bool:
        ctype = response.headers.get("content-type", "").lower()
        head = body[:200].lstrip().lower()
        return "text/html" in ctype or head.startswith((b"<!doctype html", b"<html"))

    def _backoff_delay(self, attempt: int) -> float:
        """Exponential back-off with full jitter (spreads retries of many clients)."""
        ceiling = min(self.max_backoff, self.backoff * (2**attempt))
        return self._rng.uniform(0.0, ceiling)

    async def _wait_for_rate_limit(self) -> None:
        wait = self._resume_at - time.monotonic()
        if wait > 0:
            await self._sleep(wait)

    def _transport_error(self, exc: httpx.TransportError, shown: str) -> NetworkError:
        if isinstance(exc, httpx.ConnectTimeout):
            return NetworkError(
                f"could not reach {self.endpoint}: no answer within {self.connect_timeout:g} s"
            )
        if isinstance(exc, httpx.TimeoutException):
            return NetworkError(
                f"{self.endpoint} did not answer {shown} within {self.read_timeout:g} s"
            )
        if isinstance(exc, httpx.ConnectError):
            return NetworkError(f"could not reach {self.endpoint}: {_transport_reason(exc)}")
        if isinstance(exc, httpx.RemoteProtocolError | httpx.ReadError | httpx.WriteError):
            return NetworkError(f"the connection to {self.endpoint} dropped during {shown}")
        return NetworkError(f"could not get {shown} from {self.endpoint}: {_transport_reason(exc)}")

    def _status_error(
        self, response: httpx.Response, body: bytes, shown: str, not_found: str | None
    ) -> HubError:
        status = response.status_code
        detail = _server_message(response, body, self._secret)
        if status == 404 and not_found is not None:
            return PaperNotFound(not_found)
        if status in (401, 403):
            hint = ": HF_TOKEN was not accepted" if self._has_token else ""
            return ServerError(f"the server refused {shown} ({status}){hint}", status)
        if 400 <= status < 500:
            reason = f": {detail}" if detail else f" ({status})"
            return ServerError(f"the server refused {shown}{reason}", status)
        suffix = f": {detail}" if detail else ""
        return ServerError(f"the server answered {status} for {shown}{suffix}", status)

    async def _fetch(
        self, path: str, params: Mapping[str, str | int] | None, accept: str, shown: str
    ) -> tuple[httpx.Response, bytes]:
        """One GET, bounded: the whole answer within ``deadline`` seconds and at most
        ``max_bytes`` of decoded body (only the first 64 KiB of an error answer are kept)."""
        deadline = asyncio.timeout(self.deadline)
        try:
            async with deadline:
                request = self._http.build_request(
                    "GET", path, params=params, headers={"Accept": accept}
                )
                return await read_bounded(self._http, request, self.max_bytes)
        except TimeoutError:
            if not deadline.expired():
                raise
            raise NetworkError(
                f"{self.endpoint} took more than {self.deadline:g} s to answer {shown} "
                "(request_seconds in config.toml)"
            ) from None
        except TooLarge:
            raise BadResponse(
                f"the server's answer to {shown} was larger than "
                f"{size_text(self.max_bytes)}; stopped reading (max_response_mb in config.toml)"
            ) from None

    async def _request(
        self,
        path: str,
        params: Mapping[str, str | int] | None,
        *,
        decode: Callable[[httpx.Response, bytes, str], T],
        accept: str,
        not_found: str | None = None,
    ) -> T:
        """GET ``path`` with retries; ``decode`` turns a 2xx answer into a value (or raises
        :class:`BadResponse`, which is retried like a dropped connection)."""
        shown = self._shown(path, params)
        tries = self.retries + 1
        failure: HubError | None = None
        for attempt in range(tries):
            if attempt > 0 and not isinstance(failure, RateLimited):
                delay = self._backoff_delay(attempt - 1)
                log.info("retrying %s in %.1f s: %s", shown, delay, failure)
                await self._sleep(delay)
            await self._wait_for_rate_limit()
            try:
                async with self._semaphore:
                    log.debug("GET %s", shown)
                    response, body = await self._fetch(path, params, accept, shown)
            except _RETRY_TRANSPORT as exc:
                failure = self._transport_error(exc, shown)
                failure.__cause__ = exc
                continue
            except httpx.TransportError as exc:
                raise self._transport_error(exc, shown) from exc
            except httpx.DecodingError as exc:  # a damaged compressed body: like a cut one
                failure = BadResponse(f"the server's answer to {shown} could not be decoded")
                failure.__cause__ = exc
                continue
            except httpx.TooManyRedirects as exc:
                raise NetworkError(f"{self.endpoint} redirected {shown} too many times") from exc
            except httpx.RequestError as exc:
                raise NetworkError(f"could not get {shown} from {self.endpoint}") from exc

            status = response.status_code
            if status == 429:
                wait = rate_limit_wait(response.headers)
                if wait is None:
                    wait = self._backoff_delay(attempt)
                if wait > self.rate_limit_cap:
                    # A wait beyond a day is not advice anyone can follow (or print sanely).
                    when = f"in {math.ceil(wait)} s" if wait <= 86400 else "later"
                    raise RateLimited(
                        f"Hugging Face is limiting requests: try again {when}",
                        retry_after=min(wait, 86400.0),
                    )
                # Everyone waits, not just this request: the window is shared.
                jitter = self._rng.uniform(0.0, 1.0)
                self._resume_at = max(self._resume_at, time.monotonic() + wait + jitter)
                log.info("rate-limited on %s: waiting %.0f s", shown, wait)
                failure = RateLimited(f"the server kept rate-limiting {shown}", retry_after=wait)
                continue
            if status in _RETRY_STATUSES:
                failure = self._status_error(response, body, shown, not_found)
                continue
            if status >= 400:
                raise self._status_error(response, body, shown, not_found)
            if 300 <= status < 400:  # a redirect httpx could not follow (no Location)
                raise ServerError(
                    f"the server answered {status} for {shown} without saying where to go", status
                )
            try:
                # In the parsing thread: a page's JSON is ~1 MB, decoded on the event loop it
                # held the UI for a few ms per page during a refresh.
                return await asyncio.get_running_loop().run_in_executor(
                    _PARSER, decode, response, body, shown)
            except BadResponse as exc:
                failure = exc
                continue

        assert failure is not None  # the loop only falls through after a failure
        if tries > 1:
            failure.message = f"{failure.message} (after {tries} tries)"
            failure.args = (failure.message,)
        raise failure
