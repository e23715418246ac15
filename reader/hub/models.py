"""Typed, immutable models of what the Papers API returns, and their plain-dict form for the cache.

Every field but ``Paper.id`` is optional because real bodies differ from the documented ones.
Strings in these models are already sanitised (see ``reader.hub.text``): no control characters,
no terminal escapes, no bidi overrides. Nothing downstream needs to clean them again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Author:
    """One author as the paper page lists them."""

    name: str
    username: str | None = None  # the claimed HF account (``author.user.user``), if any
    hidden: bool = False  # hidden authors are kept but not displayed


@dataclass(frozen=True, slots=True)
class Organization:
    """The organisation a paper is linked to on Hugging Face."""

    name: str  # the slug, e.g. "MHUGLab"
    fullname: str | None = None


@dataclass(frozen=True, slots=True)
class Paper:
    """One paper, merged from whatever endpoint brought it.

    Times are ISO-8601 strings in UTC as the API sends them (``2026-03-06T03:55:12.777Z``).
    ``published_at`` is the arXiv publication time from ``paper.publishedAt`` (never the shifted
    top-level ``publishedAt`` of daily/search items).
    """

    id: str
    title: str = ""
    summary: str = ""  # the abstract, re-flowed: arXiv line wraps joined, paragraphs kept
    authors: tuple[Author, ...] = ()
    published_at: str | None = None
    submitted_daily_at: str | None = None  # paper.submittedOnDailyAt
    submitted_by: str | None = None  # display name of who put it on Daily Papers
    upvotes: int | None = None
    num_comments: int | None = None  # daily/search items only
    ai_summary: str | None = None
    ai_keywords: tuple[str, ...] = ()
    github_repo: str | None = None
    github_stars: int | None = None
    project_page: str | None = None
    organization: Organization | None = None
    discussion_id: str | None = None
    thumbnail: str | None = None
    media_urls: tuple[str, ...] = ()
    withdrawn_at: str | None = None

    @property
    def visible_authors(self) -> tuple[Author, ...]:
        """Authors to display (hidden ones skipped, as the website does)."""
        return tuple(a for a in self.authors if not a.hidden)

    @property
    def hf_url(self) -> str:
        """The paper's page on huggingface.co (always the public site, not HF_ENDPOINT)."""
        return f"https://huggingface.co/papers/{self.id}"

    @property
    def arxiv_url(self) -> str:
        return f"https://arxiv.org/abs/{self.id}"

    @property
    def pdf_url(self) -> str:
        return f"https://arxiv.org/pdf/{self.id}"


@dataclass(frozen=True, slots=True)
class LinkedRepo:
    """A model, dataset or Space that cites a paper (``/api/arxiv/{id}/repos``)."""

    id: str  # "org/name"
    kind: str  # "model" | "dataset" | "space"
    likes: int | None = None
    downloads: int | None = None
    pipeline_tag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True, slots=True)
class LinkedRepos:
    """Everything on the Hub that cites one paper."""

    models: tuple[LinkedRepo, ...] = ()
    datasets: tuple[LinkedRepo, ...] = ()
    spaces: tuple[LinkedRepo, ...] = ()

    @property
    def total(self) -> int:
        return len(self.models) + len(self.datasets) + len(self.spaces)


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One result of ``/api/papers/search``: the paper plus the matched spans, as plain text."""

    paper: Paper
    highlighted_title: tuple[tuple[str, bool], ...] = field(default=())  # (text, is_match)


# --- plain-dict form, for the cache and `--json` output -------------------------------------------

_SCALARS = (
    "title",
    "summary",
    "published_at",
    "submitted_daily_at",
    "submitted_by",
    "upvotes",
    "num_comments",
    "ai_summary",
    "github_repo",
    "github_stars",
    "project_page",
    "discussion_id",
    "thumbnail",
    "withdrawn_at",
)


def paper_to_dict(p: Paper) -> dict[str, Any]:
    """The stable JSON form of a paper (documented in the README): empty fields are left out."""
    d: dict[str, Any] = {"id": p.id}
    for name in _SCALARS:
        value = getattr(p, name)
        if value is not None and value != "":
            d[name] = value
    if p.authors:
        d["authors"] = [
            {"name": a.name, **({"username": a.username} if a.username else {}),
             **({"hidden": True} if a.hidden else {})}
            for a in p.authors
        ]
    if p.ai_keywords:
        d["ai_keywords"] = list(p.ai_keywords)
    if p.media_urls:
        d["media_urls"] = list(p.media_urls)
    if p.organization is not None:
        d["organization"] = {"name": p.organization.name, "fullname": p.organization.fullname}
    return d


# Authors and keywords recur across papers (a prolific lab, "diffusion models"): loading 100,000
# papers built ~700,000 Author objects, most of them equal. Sharing one immutable object per
# distinct value makes the load faster (a dict hit instead of a dataclass __init__) and the
# cache in memory smaller. Both are immutable, so sharing is safe; the tables only grow with
# distinct names, which the loaded papers hold anyway.
_AUTHORS: dict[tuple[str, str | None, bool], Author] = {}
_WORDS: dict[str, str] = {}


def author_from_key(key: tuple[str, str | None, bool]) -> Author:
    """The shared Author for ``(name, username, hidden)``."""
    author = _AUTHORS.get(key)
    if author is None:
        author = _AUTHORS[key] = Author(*key)
    return author


def _author(a: dict[str, Any]) -> Author:
    return author_from_key((a["name"], a.get("username"), bool(a.get("hidden", False))))


def shared_word(word: str) -> str:
    """One string object per distinct keyword."""
    return _WORDS.setdefault(word, word)


def paper_from_dict(d: dict[str, Any]) -> Paper:
    """Inverse of :func:`paper_to_dict` (for our own trusted cache files, not for API bodies)."""
    org = d.get("organization")
    return Paper(
        id=d["id"],
        title=d.get("title", ""),
        summary=d.get("summary", ""),
        authors=tuple([_author(a) for a in d.get("authors", ())]),
        published_at=d.get("published_at"),
        submitted_daily_at=d.get("submitted_daily_at"),
        submitted_by=d.get("submitted_by"),
        upvotes=d.get("upvotes"),
        num_comments=d.get("num_comments"),
        ai_summary=d.get("ai_summary"),
        ai_keywords=tuple([shared_word(k) for k in d.get("ai_keywords", ())]),
        github_repo=d.get("github_repo"),
        github_stars=d.get("github_stars"),
        project_page=d.get("project_page"),
        organization=Organization(org["name"], org.get("fullname")) if org else None,
        discussion_id=d.get("discussion_id"),
        thumbnail=d.get("thumbnail"),
        media_urls=tuple(d.get("media_urls", ())),
        withdrawn_at=d.get("withdrawn_at"),
    )
