"""A fake arXiv PDF (``/pdf/{id}``): deterministic bytes shaped like a PDF, Range support."""

from __future__ import annotations

import hashlib
import re

from tests.fakehub.faults import Response

PDF_SIZE = 200_000
_RANGE = re.compile(r"^bytes=(\d+)-$")


def fake_pdf(paper_id: str) -> bytes:
    """~200 kB that a PDF reader would call a (blank) PDF and a magic-byte check accepts."""
    seed = hashlib.sha256(paper_id.encode()).digest()
    head = b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n"
    tail = b"\n%%EOF\n"
    body = (seed * (PDF_SIZE // len(seed) + 1))[: PDF_SIZE - len(head) - len(tail)]
    return head + body + tail


def pdf_response(body: bytes, range_header: str | None) -> Response:
    """200 with the whole PDF, or 206 with the tail a ``Range: bytes=N-`` asks for."""
    headers = [("Content-Type", "application/pdf"), ("Accept-Ranges", "bytes")]
    m = _RANGE.match(range_header or "")
    if m is None:
        return Response(200, body, headers)
    start = int(m[1])
    if start >= len(body):
        return Response(416, b"", [("Content-Range", f"bytes */{len(body)}")])
    return Response(206, body[start:],
                    [*headers, ("Content-Range", f"bytes {start}-{len(body) - 1}/{len(body)}")])
