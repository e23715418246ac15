"""Bounded reading of one answer, and redaction of secrets from what a server says back.

A server may trickle, never stop, or send a small gzip body that inflates to gigabytes; it may
also quote the request's ``Authorization`` header in an error. The client reads every answer
through :func:`read_bounded` and every server-written message through :func:`redact`.
"""

from __future__ import annotations

import re

import httpx

DEFAULT_DEADLINE = 60.0  # seconds for one whole answer: headers and body, however it trickles
DEFAULT_MAX_BYTES = 32 * 1024 * 1024  # decoded body: a daily page is ~1 MB, a full text a few MB
ERROR_BODY_BYTES = 64 * 1024  # of an error answer only the message is wanted

# What a secret looks like in a server's own words: a Bearer credential, an HF access token.
_SECRETS = re.compile(r"(?i:bearer)\s+[\x21-\x7e]+|\bhf_[A-Za-z0-9]{6,}")
REDACTED = "[redacted]"


class TooLarge(Exception):
    """The answer's body grew past the cap (counted after decompression)."""


def redact(text: str, secret: str = "") -> str:
    """``text`` without ``secret`` and without anything shaped like a token or a Bearer header:
    servers (and proxies) sometimes quote the request's headers back in an error body."""
    if secret:
        text = text.replace(secret, REDACTED)
    return _SECRETS.sub(REDACTED, text)


def size_text(count: int) -> str:
    """``count`` bytes as a person would say it (``32 MB``, ``512 KB``)."""
    if count >= 1024 * 1024:
        return f"{count / (1024 * 1024):g} MB"
    return f"{count / 1024:g} KB" if count >= 1024 else f"{count} bytes"


async def read_bounded(
    http: httpx.AsyncClient, request: httpx.Request, max_bytes: int
) -> tuple[httpx.Response, bytes]:
    """Send ``request`` and read its body, streamed: :class:`TooLarge` once the decoded body
    passes ``max_bytes`` (or its declared length does); an error answer (4xx/5xx) is cut to its
    first 64 KiB instead. The caller bounds the time (``asyncio.timeout``)."""
    response = await http.send(request, stream=True)
    try:
        status = response.status_code
        wanted = max_bytes if status < 400 else ERROR_BODY_BYTES
        declared = response.headers.get("content-length", "")
        encoded = response.headers.get("content-encoding", "identity").strip().lower()
        plain = encoded in ("", "identity")
        # No need to download what will be refused (an error answer is only cut short).
        if status < 400 and plain and declared.isdigit() and int(declared) > wanted:
            raise TooLarge
        body = bytearray()
        # aiter_bytes yields decoded (decompressed) chunks: the count is what we hold.
        async for chunk in response.aiter_bytes():
            body += chunk
            if len(body) > wanted:
                if status >= 400:
                    del body[wanted:]
                    break
                raise TooLarge
        return response, bytes(body)
    finally:
        await response.aclose()
