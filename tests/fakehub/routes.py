"""The fake hub's endpoints (E1-E5 of the API reference) as a pure function of the request."""

from __future__ import annotations

import re
from collections.abc import Mapping

from tests.fakehub.corpus import Corpus
from tests.fakehub.faults import Response
from tests.fakehub.pdf import pdf_response

DAILY_DEFAULT_LIMIT = 50
DAILY_MAX_LIMIT = 100
SEARCH_MAX_LIMIT = 120
SEARCH_MAX_Q = 250
MARKDOWN = "text/markdown; charset=utf-8"

_PAPER = re.compile(r"^/api/papers/([^/]+)$")
_REPOS = re.compile(r"^/api/arxiv/([^/]+)/repos$")
_PAGE = re.compile(r"^/papers/([^/]+?)(\.md)?$")
_PDF = re.compile(r"^/pdf/([^/]+?)(\.pdf)?$")  # arXiv's PDF links, for a pdf_url template


class BadRequest(ValueError):
    """A 400 answer."""


def _int(query: Mapping[str, str], name: str, default: int, lo: int, hi: int | None) -> int:
    raw = query.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadRequest(f"{name} must be an integer") from None
    if value < lo or (hi is not None and value > hi):
        raise BadRequest(f"{name} must be between {lo} and {hi if hi is not None else 'inf'}")
    return value


def _not_found(what: str) -> Response:
    return Response.json(404, {"error": what})


def daily_papers(corpus: Corpus, query: Mapping[str, str]) -> Response:
    """E1 ``/api/daily_papers``: filter, sort, then page (``p`` 0-based, ``limit`` 1-100)."""
    p = _int(query, "p", 0, 0, None)
    limit = _int(query, "limit", DAILY_DEFAULT_LIMIT, 1, DAILY_MAX_LIMIT)
    try:
        items = corpus.daily(
            date=query.get("date"),
            week=query.get("week"),
            month=query.get("month"),
            sort=query.get("sort"),
            submitter=query.get("submitter"),
        )
    except ValueError as exc:
        raise BadRequest(str(exc)) from None
    return Response.json(200, items[p * limit : (p + 1) * limit])


def search(corpus: Corpus, query: Mapping[str, str], *, slim: bool) -> Response:
    """E2 ``/api/papers/search``: no paging; ``limit`` 1-120."""
    q = query.get("q", "").strip()
    if not q:
        raise BadRequest("q is required")
    if len(q) > SEARCH_MAX_Q:
        raise BadRequest(f"q must be at most {SEARCH_MAX_Q} characters")
    limit = _int(query, "limit", SEARCH_MAX_LIMIT, 1, SEARCH_MAX_LIMIT)
    hits = corpus.search_slim(q, limit) if slim else corpus.search(q, limit)
    return Response.json(200, hits)


def route(
    corpus: Corpus,
    path: str,
    query: Mapping[str, str],
    headers: Mapping[str, str],
    *,
    slim_search: bool = False,
) -> Response:
    """The normal (fault-free) response to ``GET path?query``."""
    try:
        if path == "/api/daily_papers":
            return daily_papers(corpus, query)
        if path == "/api/papers/search":
            return search(corpus, query, slim=slim_search)
        m = _PAPER.match(path)
        if m:
            body = corpus.paper(m[1])
            return Response.json(200, body) if body else _not_found("Paper not found")
        m = _REPOS.match(path)
        if m:
            return Response.json(200, corpus.repos(m[1]))
        m = _PDF.match(path)
        if m:
            pdf = corpus.pdf(m[1])
            if pdf is None:
                return Response.text(404, "No such paper\n", "text/plain; charset=utf-8")
            return pdf_response(pdf, headers.get("range"))
        m = _PAGE.match(path)
        if m:
            wants_md = m[2] is not None or "text/markdown" in headers.get("accept", "")
            text = corpus.markdown(m[1])
            if text is None:
                return Response.text(404, "Paper not found\n", "text/plain; charset=utf-8")
            if wants_md:
                return Response.text(200, text, MARKDOWN)
            return Response.text(
                200,
                "<!DOCTYPE html><html><body>paper page</body></html>",
                "text/html; charset=utf-8",
            )
    except BadRequest as exc:
        return Response.json(400, {"error": str(exc)})
    return _not_found("Sorry, we can't find the page you are looking for.")
