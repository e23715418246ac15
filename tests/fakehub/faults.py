"""Responses and injectable faults of the fake hub (plain data; the server does the I/O)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import orjson

BASIC_KINDS = frozenset({"latency", "429", "500", "503", "malformed", "truncated", "html", "drop"})
# The break-it faults (hostile servers rather than flaky ones); see ``hostile_response``.
HOSTILE_KINDS = frozenset({
    "slow_headers", "slow_body", "endless", "gzip_bomb", "big", "nested", "overflow",
    "redirect", "redirect_loop", "token_echo", "content_type", "retry_after", "empty", "null",
    "object", "bad_gzip", "unknown_encoding", "garbage", "huge_header", "headers_only",
    "status", "no_location", "endless_pages", "ignore_paging", "bad_items", "non_utf8", "bom",
    "huge_string", "surrogates", "short_length",
})
KINDS = BASIC_KINDS | HOSTILE_KINDS
JSON = "application/json; charset=utf-8"

BAD_GATEWAY_HTML = (
    "<!DOCTYPE html>\n<html>\n<head><title>{status} Bad Gateway</title></head>\n"
    "<body>\n<center><h1>{status} Bad Gateway</h1></center>\n<hr><center>cloudfront</center>\n"
    "</body>\n</html>\n"
)


class Headers(dict[str, str]):
    """Request headers with lower-cased names; lookups ignore case (``h["Authorization"]``)."""

    def __init__(self, items: Iterable[tuple[str, str]] = ()) -> None:
        super().__init__((k.lower(), v) for k, v in items)

    def __getitem__(self, key: str) -> str:
        return super().__getitem__(key.lower())

    def __contains__(self, key: object) -> bool:
        return super().__contains__(key.lower() if isinstance(key, str) else key)

    def get(self, key: str, default: Any = None) -> Any:
        return super().get(key.lower(), default)


@dataclass
class Response:
    """A response to send. ``cut`` sends only that many body bytes, then closes the socket
    (the Content-Length still announces the whole body)."""

    status: int
    body: bytes
    headers: list[tuple[str, str]] = field(default_factory=list)
    cut: int | None = None
    # Hostile delivery (the server does the I/O): ``pieces`` replaces ``body`` with a stream of
    # chunks, ``gap`` seconds apart (``chunked`` sends them with Transfer-Encoding: chunked and
    # no Content-Length); ``header_gap`` sends the head one byte at a time; ``length``
    # announces another Content-Length; ``raw`` is sent as it is, with no HTTP framing at all.
    pieces: Callable[[], Iterator[bytes]] | None = None
    gap: float = 0.0
    chunked: bool = False
    header_gap: float = 0.0
    length: int | None = None
    raw: bytes | None = None

    @property
    def content_length(self) -> int:
        return len(self.body) if self.length is None else self.length

    @classmethod
    def json(cls, status: int, data: Any, headers: list[tuple[str, str]] | None = None) -> Response:
        return cls(status, orjson.dumps(data), [("Content-Type", JSON), *(headers or [])])

    @classmethod
    def text(cls, status: int, text: str, content_type: str) -> Response:
        return cls(status, text.encode("utf-8"), [("Content-Type", content_type)])


@dataclass
class Fault:
    """One injected fault; ``hits`` counts the requests it has hit so far."""

    kind: str
    path: str | None
    times: int | None
    params: dict[str, Any]
    hits: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown fault {self.kind!r}; one of {sorted(KINDS)}")
        if self.times is not None and self.times < 1:
            raise ValueError("times must be >= 1 or None (forever)")

    def matches(self, path: str) -> bool:
        return self.path is None or path.startswith(self.path)

    def hit(self) -> None:
        with self._lock:
            self.hits += 1

    @property
    def exhausted(self) -> bool:
        return self.times is not None and self.hits >= self.times


def fault_response(
    fault: Fault,
    normal: Response,
    *,
    path: str = "/",
    query: Mapping[str, str] | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """What the server sends instead of ``normal`` (``drop`` is handled by the server)."""
    kind = fault.kind
    if kind == "429":
        reset = int(fault.params.get("reset", 1))
        return Response.json(
            429,
            {"error": f"You have exceeded the rate limit. Retry in {reset} seconds."},
            [
                ("RateLimit", f'"api";r=0;t={reset}'),
                ("RateLimit-Policy", '"fixed window";"api";q=500;w=300'),
            ],
        )
    if kind in ("500", "503"):
        message = "Internal Error" if kind == "500" else "Service Unavailable"
        return Response.json(int(kind), {"error": message})
    if kind == "html":
        status = int(fault.params.get("status", 502))
        return Response.text(
            status, BAD_GATEWAY_HTML.format(status=status), "text/html; charset=utf-8"
        )
    if kind == "malformed":
        return Response(200, b"[{'paper': {'id': 2601.00001,}}, <oops>", [("Content-Type", JSON)])
    if kind in HOSTILE_KINDS:
        from tests.fakehub.hostile_faults import hostile_response

        return hostile_response(kind, fault.params, normal, path=path, query=query,
                                headers=headers)
    if kind == "truncated":
        body = normal.body if len(normal.body) >= 2 else b'[{"paper": {"id": "2601.00001"}}]'
        return Response(normal.status, body, normal.headers, cut=len(body) // 2)
    raise ValueError(f"fault {kind!r} has no response")
