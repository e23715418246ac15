"""Tolerant parsing of Papers API JSON into the typed models.

Real bodies differ from the documented ones, so every field is optional, unknown fields are
ignored and a value of the wrong type is dropped with a warning on the ``reader.hub`` logger.
None of these functions raises on any JSON value. Every string is sanitised here (``text.py``).
"""

from __future__ import annotations

import logging
import re
from dataclasses import replace
from datetime import datetime
from typing import Any

from reader.hub.ids import InvalidPaperId, normalize_id
from reader.hub.models import Author, LinkedRepo, LinkedRepos, Organization, Paper, SearchHit
from reader.hub.text import clean_fragment, clean_line, reflow
from reader.hub.times import old_submission_time

__all__ = ["linked_repos_from_api", "paper_from_api", "paper_from_item", "search_hit_from_item"]

log = logging.getLogger("reader.hub")

# The largest count kept: JavaScript's largest exact integer. A bigger number (a 100-digit
# integer, 1e300) is no real count, and beyond 64 bits it could not even be stored.
MAX_COUNT = 2**53 - 1
# A Hub repo id: "name" or "owner/name". It becomes part of a URL, so nothing else gets in.
_REPO_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._\-]*(?:/[A-Za-z0-9][A-Za-z0-9._\-]*)?")


class _Fields:
    """Typed reads from one JSON object; ``where`` names it in warnings ("paper 2502.16161")."""

    def __init__(self, obj: dict[str, Any], where: str) -> None:
        self.obj = obj
        self.where = where

    def _wrong(self, key: str, value: Any, expected: str) -> None:
        log.warning(
            "%s: field %r is %s, expected %s; ignored",
            self.where, key, type(value).__name__, expected,
        )

    # A missing key and null read alike everywhere: one ``dict.get`` (None for both).

    def _string(self, key: str) -> str | None:
        """The raw string at ``key``; None (with a warning for a wrong type) otherwise."""
        value = self.obj.get(key)
        if value is None or type(value) is str:
            return value
        if not isinstance(value, str):
            self._wrong(key, value, "a string")
            return None
        return value

    def line(self, key: str) -> str | None:
        """A one-line string, cleaned; None when missing, null, wrong type or empty."""
        value = self.obj.get(key)
        if type(value) is str:  # the usual case, read without another call
            return clean_line(value) or None
        value = self._string(key)
        return None if value is None else clean_line(value) or None

    def text(self, key: str) -> str | None:
        """An abstract-like string: cleaned and re-flowed."""
        value = self._string(key)
        return None if value is None else reflow(value) or None

    def count(self, key: str) -> int | None:
        """A count: an int (not a bool) from 0 to :data:`MAX_COUNT`; a float with no fraction
        is accepted as JS sends it. Anything else is dropped with a warning."""
        value = self.obj.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            self._wrong(key, value, "a number")
            return None
        if isinstance(value, float):
            if not value.is_integer():
                self._wrong(key, value, "a whole number")
                return None
            if not 0 <= value <= MAX_COUNT:  # compared as a float: int(1e300) is 300 digits
                self._out_of_range(key)
                return None
            return int(value)
        if not 0 <= value <= MAX_COUNT:
            self._out_of_range(key)
            return None
        return value

    def _out_of_range(self, key: str) -> None:
        log.warning("%s: field %r is out of range (0 to %d); ignored", self.where, key, MAX_COUNT)

    def flag(self, key: str) -> bool | None:
        value = self.obj.get(key)
        if value is None:
            return None
        if not isinstance(value, bool):
            self._wrong(key, value, "true/false")
            return None
        return value

    def url(self, key: str) -> str | None:
        """An http(s) URL; anything else (``javascript:``, ``file:``) is refused.

        Whitespace inside is removed, not refused: a URL cannot contain it, and real bodies
        carry links broken by a line break (``"https://github.com/\\nowner/repo"``)."""
        value = self._string(key)
        if value is None:
            return None
        value = "".join(clean_line(value).split())
        if not value:
            return None
        if not value.lower().startswith(("https://", "http://")):
            log.warning("%s: field %r is not an http(s) URL; ignored", self.where, key)
            return None
        return value

    def time(self, key: str) -> str | None:
        """An ISO-8601 timestamp, kept as the API wrote it (sorting relies on the format)."""
        value = self.line(key)
        if value is None:
            return None
        try:
            datetime.fromisoformat(value)
        except ValueError:
            log.warning("%s: field %r is not an ISO time; ignored", self.where, key)
            return None
        return value

    def mapping(self, key: str) -> dict[str, Any] | None:
        value = self.obj.get(key)
        if value is None:
            return None
        if not isinstance(value, dict):
            self._wrong(key, value, "an object")
            return None
        return value

    def items(self, key: str) -> list[Any]:
        value = self.obj.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self._wrong(key, value, "a list")
            return []
        return value

    def strings(self, key: str, *, urls: bool = False) -> tuple[str, ...]:
        """A list of one-line strings (or http(s) URLs); bad elements are dropped."""
        out: list[str] = []
        dropped = 0
        for value in self.items(key):
            cleaned = clean_line(value) if isinstance(value, str) else ""
            if urls:
                cleaned = "".join(cleaned.split())
                if not cleaned.lower().startswith(("https://", "http://")):
                    cleaned = ""
            if cleaned:
                out.append(cleaned)
            elif value != "":
                dropped += 1
        if dropped:
            log.warning("%s: %d bad element(s) of %r ignored", self.where, dropped, key)
        return tuple(out)


def _paper_id(obj: dict[str, Any]) -> str | None:
    raw = obj.get("id")
    if not isinstance(raw, str):
        log.warning("paper without a string id ignored")
        return None
    try:
        return normalize_id(raw)
    except InvalidPaperId as err:
        log.warning("paper ignored: %s", err)
        return None


def _user_name(user: dict[str, Any] | None, where: str, *keys: str) -> str | None:
    """The first of ``keys`` that holds a usable string in ``user``."""
    if user is None:
        return None
    fields = _Fields(user, where)
    for key in keys:
        name = fields.line(key)
        if name:
            return name
    return None


def _authors(fields: _Fields) -> tuple[Author, ...]:
    authors: list[Author] = []
    dropped = 0
    for raw in fields.items("authors"):
        author = _plain_author(raw)
        if author is None:
            author = _author(raw, fields.where)
        if author is None:
            dropped += 1
        else:
            authors.append(author)
    if dropped:
        log.warning("%s: %d author(s) without a name ignored", fields.where, dropped)
    return tuple(authors)


def _plain_author(raw: Any) -> Author | None:
    """The usual author object read quickly: a non-empty string ``name``, ``user`` absent,
    null or an object whose ``user`` is absent, null or a string, ``hidden`` absent, null or a
    bool. None for anything else, which :func:`_author` reads (with its warnings): the result
    is the same either way (tests/hub/test_parse_same.py)."""
    if type(raw) is not dict:
        return None
    name, user, hidden = raw.get("name"), raw.get("user"), raw.get("hidden")
    if type(name) is not str or not (hidden is None or type(hidden) is bool):
        return None
    name = clean_line(name)
    if not name:
        return None  # then the user's full name is tried
    if user is None:
        return Author(name, None, hidden is True)
    if type(user) is not dict:
        return None
    username = user.get("user")
    if username is None:
        return Author(name, None, hidden is True)
    if type(username) is not str:
        return None
    return Author(name, clean_line(username) or None, hidden is True)


def _author(raw: Any, where: str) -> Author | None:
    """One entry of ``authors`` in any shape; None (dropped) if it has no usable name."""
    if isinstance(raw, str):  # tolerate a bare list of names
        plain = clean_line(raw)
        return Author(plain) if plain else None
    if not isinstance(raw, dict):
        return None
    a = _Fields(raw, f"{where} author")
    user = a.mapping("user")
    name = a.line("name") or _user_name(user, a.where, "fullname")
    if not name:
        return None
    username = _user_name(user, a.where, "user")
    return Author(name, username, bool(a.flag("hidden")))


def _organization(fields: _Fields, key: str = "organization") -> Organization | None:
    raw = fields.mapping(key)
    if raw is None:
        return None
    org = _Fields(raw, f"{fields.where} organization")
    name = org.line("name")
    if not name:
        return None
    return Organization(name, org.line("fullname"))


def paper_from_api(obj: Any) -> Paper | None:
    """A :class:`Paper` from an E3 object or an item's ``paper``; None if it has no valid id."""
    if not isinstance(obj, dict):
        log.warning("expected a paper object, got %s; ignored", type(obj).__name__)
        return None
    paper_id = _paper_id(obj)
    if paper_id is None:
        return None
    f = _Fields(obj, f"paper {paper_id}")
    return Paper(
        id=paper_id,
        title=f.line("title") or "",
        summary=f.text("summary") or "",
        authors=_authors(f),
        published_at=f.time("publishedAt"),
        submitted_daily_at=f.time("submittedOnDailyAt"),
        submitted_by=_user_name(
            f.mapping("submittedOnDailyBy"), f.where, "fullname", "user", "name"
        ),
        upvotes=f.count("upvotes"),
        num_comments=f.count("numComments"),
        ai_summary=f.line("ai_summary"),
        ai_keywords=f.strings("ai_keywords"),
        github_repo=f.url("githubRepo"),
        github_stars=f.count("githubStars"),
        project_page=f.url("projectPage"),
        organization=_organization(f),
        discussion_id=f.line("discussionId"),
        # "thumbnailUrl" is the 2024 slim search shape's name for it.
        thumbnail=f.url("thumbnail") or f.url("thumbnailUrl"),
        media_urls=f.strings("mediaUrls", urls=True),
        withdrawn_at=f.time("withdrawnAt"),
    )


def paper_from_item(item: Any) -> Paper | None:
    """A :class:`Paper` from a daily or search item (the paper nested under ``item["paper"]``).

    Reads the paper's own fields; takes ``numComments``, the thumbnail, the media and the
    submitter from the item. The item's top-level ``publishedAt`` is read only where it was the
    Daily Papers submission time (see :func:`reader.hub.times.old_submission_time`). An object
    without a ``paper`` key is a bare paper (the 2024 search shape, or an E3 object).
    """
    if not isinstance(item, dict):
        log.warning("expected a paper item, got %s; ignored", type(item).__name__)
        return None
    if "paper" not in item:
        return paper_from_api(item)
    paper = paper_from_api(item["paper"])
    if paper is None:
        return None
    f = _Fields(item, f"item {paper.id}")
    submitter = _user_name(f.mapping("submittedBy"), f.where, "fullname", "name")
    # "submitterOrganization" is what Sept-Oct 2025 items called the organisation.
    org = (paper.organization or _organization(f)
           or _organization(f, "submitterOrganization"))
    thumbnail = f.url("thumbnail") or paper.thumbnail
    media_urls = paper.media_urls or f.strings("mediaUrls", urls=True)
    # Until June 2024 an item had one "mediaUrl" string: the thumbnail, or (rarely) the
    # submitter's own upload, which is a media URL and must not be lost.
    media = f.url("mediaUrl")
    if media is not None:
        if _is_thumbnail(media):
            thumbnail = thumbnail or media
        elif media not in media_urls:
            media_urls = (*media_urls, media)
    return replace(
        paper,
        title=paper.title or f.line("title") or "",
        summary=paper.summary or f.text("summary") or "",
        num_comments=f.count("numComments") if "numComments" in item else paper.num_comments,
        submitted_daily_at=paper.submitted_daily_at or old_submission_time(
            f.time("publishedAt"), paper.published_at),
        submitted_by=submitter or paper.submitted_by,
        thumbnail=thumbnail,
        media_urls=media_urls,
        organization=org,
    )


def _is_thumbnail(url: str) -> bool:
    """True for the paper thumbnails Hugging Face renders itself (not a submitter's upload)."""
    return url.lower().startswith("https://cdn-thumbnails.huggingface.co/")


def _segments(value: Any) -> tuple[tuple[str, bool], ...]:
    """``highlightedTitle`` segments as ``(text, is_match)``, adjacent same-kind ones merged."""
    if not isinstance(value, list):
        return ()
    merged: list[list[Any]] = []
    for seg in value:
        if not isinstance(seg, dict) or not isinstance(seg.get("text"), str):
            continue
        text = clean_fragment(seg["text"])
        if not text:
            continue
        is_match = seg.get("type") == "highlight"
        if merged and merged[-1][1] == is_match:
            merged[-1][0] = clean_fragment(merged[-1][0] + text)
        else:
            merged.append([text, is_match])
    if not merged:
        return ()
    merged[0][0] = merged[0][0].lstrip()
    merged[-1][0] = merged[-1][0].rstrip()
    return tuple((t, m) for t, m in merged if t)


def search_hit_from_item(item: Any) -> SearchHit | None:
    """A :class:`SearchHit` from either search shape (wrapped ``{"paper": …}`` or slim 2024)."""
    paper = paper_from_item(item)
    if paper is None or not isinstance(item, dict):
        return None
    return SearchHit(paper, _segments(item.get("highlightedTitle")))


def _repos(fields: _Fields, kind: str, *keys: str) -> tuple[LinkedRepo, ...]:
    raw_list: list[Any] = []
    for key in keys:
        if key in fields.obj:
            raw_list = fields.items(key)
            break
    repos: list[LinkedRepo] = []
    seen: set[str] = set()
    for raw in raw_list:
        if not isinstance(raw, dict):
            continue
        r = _Fields(raw, f"linked {kind}")
        repo_id = r.line("id")
        if repo_id is None or not _REPO_ID.fullmatch(repo_id) or repo_id in seen:
            if repo_id is not None and repo_id not in seen:
                log.warning("linked %s with a bad id ignored", kind)
            continue
        seen.add(repo_id)
        repos.append(
            LinkedRepo(
                id=repo_id,
                kind=kind,
                likes=r.count("likes"),
                downloads=r.count("downloads"),
                pipeline_tag=r.line("pipeline_tag"),
                last_modified=r.time("lastModified"),
            )
        )
    return tuple(repos)


def linked_repos_from_api(obj: Any) -> LinkedRepos:
    """:class:`LinkedRepos` from ``/api/arxiv/{id}/repos`` (or an E3 object's ``linked*`` lists)."""
    if not isinstance(obj, dict):
        log.warning("expected a linked-repos object, got %s; ignored", type(obj).__name__)
        return LinkedRepos()
    f = _Fields(obj, "linked repos")
    return LinkedRepos(
        models=_repos(f, "model", "models", "linkedModels"),
        datasets=_repos(f, "dataset", "datasets", "linkedDatasets"),
        spaces=_repos(f, "space", "spaces", "linkedSpaces"),
    )
