"""The fake hub's hostile faults: servers that trickle, never stop, inflate, lie or leak.

Each kind of :data:`tests.fakehub.faults.HOSTILE_KINDS` maps to a :class:`Response` built from
the normal answer; the server (``server.py``) does the slow or endless I/O these describe.
"""

from __future__ import annotations

import functools
import gzip
import itertools
import json
import re
from collections.abc import Iterator, Mapping
from typing import Any

import orjson

from tests.fakehub.faults import JSON, Response

MIB = 1024 * 1024
BIG_INT = b"99999999999999999999"  # beyond 64 bits
BOMB_MB = 64  # what the gzip bomb inflates to, by default
_COUNT = re.compile(rb'"(upvotes|numComments|githubStars)":\s*-?[0-9]+')


@functools.lru_cache(maxsize=4)
def gzip_bomb(mb: int) -> bytes:
    """A small gzip body that inflates to ``mb`` MiB of (valid, blank) JSON."""
    return gzip.compress(b"[" + b" " * (mb * MIB) + b"]", compresslevel=9, mtime=0)


def _items(normal: Response) -> list[Any]:
    try:
        data = orjson.loads(normal.body)
    except orjson.JSONDecodeError:
        return []
    return data if isinstance(data, list) else []


def _fresh_page(query: Mapping[str, str]) -> bytes:
    """A full page of papers never seen before, whatever ``p`` says: a listing without end."""
    page = int(query.get("p", "0") or 0)
    limit = int(query.get("limit", "50") or 50)
    day = query.get("date", "2026-03-06")
    out = []
    for i in range(limit):
        number = (page * limit + i) % 100_000
        out.append({
            "paper": {"id": f"2603.{number:05d}", "title": f"Endless paper {number}",
                      "summary": "One more.", "upvotes": 1, "authors": [],
                      "publishedAt": f"{day}T00:00:00.000Z",
                      "submittedOnDailyAt": f"{day}T12:00:00.000Z"},
            "title": f"Endless paper {number}", "numComments": 0,
        })
    return orjson.dumps(out)


def _spaces(total: int | None, size: int = 64 * 1024) -> Iterator[bytes]:
    """``[`` then blanks (``total`` bytes in all, or without end)."""
    yield b"["
    sent = 1
    chunk = b" " * size
    for _ in itertools.count():
        if total is not None and sent >= total:
            return
        piece = chunk if total is None else chunk[: total - sent]
        sent += len(piece)
        yield piece


BAD_ITEMS: list[Any] = [
    5, "a string", None, [], {"paper": 5}, {"paper": {"id": 5}}, {"paper": {"title": "no id"}},
    {"paper": {"id": "2603.99001", "authors": [{"name": 5}], "title": ["not", "text"]}},
    {"paper": {"id": "2603.99002", "publishedAt": 12345, "upvotes": "many"}},
    {"paper": {"id": "../../etc/passwd", "title": "path"}},
]


def hostile_response(
    kind: str,
    params: Mapping[str, Any],
    normal: Response,
    *,
    path: str = "/",
    query: Mapping[str, str] | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """What a hostile server sends instead of ``normal`` for the request ``path?query``."""
    query = query or {}
    json_headers = [("Content-Type", JSON)]
    gap = float(params.get("every", 0.2))
    if kind == "slow_headers":
        return Response(normal.status, normal.body, normal.headers, header_gap=gap)
    if kind == "slow_body":
        body = normal.body
        return Response(normal.status, body, normal.headers, gap=gap,
                        pieces=lambda: (body[i : i + 1] for i in range(len(body))))
    if kind == "endless":
        return Response(200, b"", json_headers, chunked=True, pieces=lambda: _spaces(None))
    if kind == "gzip_bomb":
        bomb = gzip_bomb(int(params.get("mb", BOMB_MB)))
        return Response(200, bomb, [*json_headers, ("Content-Encoding", "gzip")])
    if kind == "big":
        total = int(params.get("mb", 300)) * MIB
        return Response(200, b"", json_headers, length=total, pieces=lambda: _spaces(total))
    if kind == "nested":
        depth = int(params.get("depth", 100_000))
        return Response(200, b"[" * depth + b"]" * depth, json_headers)
    if kind == "overflow":
        body = _COUNT.sub(lambda m: b'"' + m[1] + b'":' + BIG_INT, normal.body)
        body = body.replace(b'"numComments":' + BIG_INT, b'"numComments":1e300')
        return Response(normal.status, body, normal.headers)
    if kind == "redirect":
        target = str(params["to"]).rstrip("/") + path
        if query:
            target += "?" + "&".join(f"{k}={v}" for k, v in query.items())
        return Response(int(params.get("status", 302)), b"", [("Location", target)])
    if kind == "redirect_loop":
        hop = int(query.get("hop", "0") or 0) + 1
        rest = "&".join(f"{k}={v}" for k, v in query.items() if k != "hop")
        return Response(302, b"", [("Location", f"{path}?{rest}&hop={hop}")])
    if kind == "token_echo":
        auth = (headers or {}).get("authorization", "Bearer (none)")
        text = f"Invalid request. Headers received: Authorization: {auth}; token={auth[7:]}"
        return Response.json(int(params.get("status", 400)), {"error": text},
                             [("X-Error-Message", text)])
    if kind == "content_type":
        return Response.text(200, '<?xml version="1.0"?><papers/>', "application/xml")
    if kind == "retry_after":
        value = str(params.get("value", "99999999999999999999"))
        return Response.json(429, {"error": "slow down"}, [("Retry-After", value)])
    if kind == "empty":
        return Response(200, b"", json_headers)
    if kind == "null":
        return Response(200, b"null", json_headers)
    if kind == "object":
        return Response(200, orjson.dumps({"papers": _items(normal)}), json_headers)
    if kind == "bad_gzip":
        return Response(200, b"this is not gzip at all", [*json_headers,
                                                          ("Content-Encoding", "gzip")])
    if kind == "unknown_encoding":
        return Response(normal.status, normal.body, [*normal.headers,
                                                     ("Content-Encoding", "x-evil")])
    if kind == "garbage":
        return Response(200, b"", raw=b"SSH-2.0-OpenSSH_9.6\r\n\x00\xff garbage\r\n\r\n")
    if kind == "huge_header":
        return Response(normal.status, normal.body,
                        [*normal.headers, ("X-Padding", "a" * int(params.get("size", 200_000)))])
    if kind == "headers_only":
        return Response(normal.status, normal.body, normal.headers, cut=0)
    if kind == "status":
        # The stdlib writes a lone surrogate as an escape, where orjson refuses it.
        error = {"error": str(params.get("error", "odd status"))}
        return Response(int(params.get("code", 999)), json.dumps(error).encode(), json_headers)
    if kind == "no_location":
        return Response(301, b"", json_headers)
    if kind == "endless_pages":
        return Response(200, _fresh_page(query), json_headers)
    if kind == "ignore_paging":  # the same full page, whatever ``p`` asks for
        return Response(200, _fresh_page(dict(query, p="0")), json_headers)
    if kind == "bad_items":
        return Response(200, orjson.dumps([*BAD_ITEMS, *_items(normal)]), json_headers)
    if kind == "non_utf8":
        return Response(200, normal.body.replace(b'"title":"', b'"title":"\xff\xfe', 1),
                        normal.headers)
    if kind == "bom":
        return Response(200, b"\xef\xbb\xbf" + normal.body, normal.headers)
    if kind == "huge_string":
        items = _items(normal)
        if items and isinstance(items[0], dict):
            items[0]["paper"]["title"] = "x" * int(params.get("size", MIB))
        return Response(200, orjson.dumps(items), json_headers)
    if kind == "surrogates":
        lone = b'"title":"\\ud800\\udfff\\ud83d'
        return Response(200, normal.body.replace(b'"title":"', lone, 1), normal.headers)
    if kind == "short_length":
        return Response(normal.status, normal.body, normal.headers,
                        length=max(len(normal.body) // 2, 1))
    raise ValueError(f"fault {kind!r} has no response")
