"""Real Papers API captures against what paper-reader made of them, field by field.

The captures live beside the project in ``../shared/realdata`` (third-party bodies of
``/api/daily_papers`` and ``/api/papers/search``; its SOURCES.md says where each came from).
They are read here with the stdlib ``json`` and turned into the expected value of every field
by rules written down from the API reference and SOURCES.md, on purpose without any of
``reader.hub``: a bug in the app's parser must not be copied into the expectation.

A field is compared after dropping control and format characters and collapsing whitespace
(the app sanitises and re-flows remote text; that is not a loss). Raw fields the app does not
model are not compared: avatars, ``_id`` values, user flags (``isPro``, ``isHf``...), an
author's claim status, ``githubRepoAddedBy``, ``ai_summary_model``, ``upvoted``,
``isAuthorParticipating``, the search highlights, and the item's own ``title``/``summary``
when the paper has them.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
REALDATA = ROOT.parent / "shared" / "realdata"
# Until the listing of 2025-03-10 a daily item's publishedAt was its submission time.
LAST_OLD_LISTING = "2025-03-10"
_DATE_IN_NAME = re.compile(r"(\d{4}-\d{2}-\d{2})\.json$")
_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")

FIELDS = (
    "title", "summary", "authors", "published_at", "submitted_daily_at", "submitted_by",
    "upvotes", "num_comments", "ai_summary", "ai_keywords", "github_repo", "github_stars",
    "project_page", "organization", "discussion_id", "thumbnail", "media_urls",
)


@dataclass
class Capture:
    """One captured answer: its file, kind, listing date (daily answers), items, and the newest
    time it holds (it was captured no earlier)."""

    path: Path
    kind: str  # "daily" | "search"
    date: str | None
    items: list[dict[str, Any]]
    newest: str = ""

    @property
    def name(self) -> str:
        return self.path.name


def captures() -> list[Capture]:
    """Every JSON capture in ``REALDATA``, in name order."""
    out = []
    for path in sorted(REALDATA.glob("*.json")):
        items = json.loads(path.read_text(encoding="utf-8"))
        assert isinstance(items, list), path.name
        match = _DATE_IN_NAME.search(path.name)
        daily = "daily_papers" in path.name or "Paper_metadata" in path.name
        out.append(Capture(path, "daily" if daily else "search",
                           match.group(1) if daily and match else None, items,
                           _newest_time(items)))
    return out


def _newest_time(value: Any) -> str:
    """The newest ISO time anywhere in ``value`` (every string that is one), as ...Z."""
    found: list[str] = []

    def walk(v: Any) -> None:
        if isinstance(v, dict):
            for x in v.values():
                walk(x)
        elif isinstance(v, list):
            for x in v:
                walk(x)
        elif isinstance(v, str) and _TIME.match(v):
            when = datetime.fromisoformat(v).astimezone(UTC)
            found.append(when.isoformat(timespec="milliseconds").replace("+00:00", "Z"))

    walk(value)
    return max(found, default="")


def norm(value: Any) -> Any:
    """A value as compared: text without control/format characters, whitespace collapsed."""
    if isinstance(value, str):
        kept = "".join(ch for ch in value
                       if unicodedata.category(ch) not in ("Cc", "Cf", "Cs") or ch in "\n\t ")
        return " ".join(unicodedata.normalize("NFC", kept).split())
    if isinstance(value, list | tuple):
        return [norm(v) for v in value]
    if isinstance(value, dict):
        return {k: norm(v) for k, v in value.items()}
    return value


def _url(value: Any) -> str | None:
    return "".join(value.split()) or None if isinstance(value, str) else None


def _org(obj: Any) -> dict[str, Any] | None:
    if isinstance(obj, dict) and obj.get("name"):
        return {"name": obj["name"], "fullname": obj.get("fullname")}
    return None


def expected(item: dict[str, Any], capture: Capture) -> dict[str, Any]:
    """What paper-reader must keep of one item: ``FIELDS`` (None or [] when absent)."""
    paper = item["paper"]
    authors = []
    for a in paper.get("authors", []):
        user = a.get("user") or {}
        name = a.get("name") or user.get("fullname")
        if name:
            authors.append({"name": name, "username": user.get("user"),
                            "hidden": bool(a.get("hidden"))})
    submitted = paper.get("submittedOnDailyAt")
    if submitted is None and capture.kind == "daily" and capture.date <= LAST_OLD_LISTING:
        submitted = item["publishedAt"]
    by = item.get("submittedBy") or {}
    on_daily_by = paper.get("submittedOnDailyBy") or {}
    submitter = (by.get("fullname") or by.get("name") or on_daily_by.get("fullname")
                 or on_daily_by.get("user") or on_daily_by.get("name"))
    thumbnail = item.get("thumbnail")
    media = list(paper.get("mediaUrls") or item.get("mediaUrls") or [])
    single = item.get("mediaUrl")  # 2024: the thumbnail, or the submitter's upload
    if single:
        if single.startswith("https://cdn-thumbnails.huggingface.co/"):
            thumbnail = thumbnail or single
        else:
            media.append(single)
    return {
        "title": paper.get("title") or item.get("title"),
        "summary": paper.get("summary") or item.get("summary"),
        "authors": authors,
        "published_at": paper.get("publishedAt"),
        "submitted_daily_at": submitted,
        "submitted_by": submitter,
        "upvotes": paper.get("upvotes"),
        "num_comments": item.get("numComments"),
        "ai_summary": paper.get("ai_summary"),
        "ai_keywords": [k for k in paper.get("ai_keywords", []) if k.strip()],
        "github_repo": _url(paper.get("githubRepo")),
        "github_stars": paper.get("githubStars"),
        "project_page": _url(paper.get("projectPage")),
        "organization": (_org(item.get("organization")) or _org(paper.get("organization"))
                         or _org(item.get("submitterOrganization"))),
        "discussion_id": paper.get("discussionId"),
        "thumbnail": thumbnail,
        "media_urls": [_url(u) for u in media],
    }


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == []


@dataclass
class Expectation:
    """The expected papers after importing some captures in some order."""

    fields: dict[str, dict[str, Any]] = field(default_factory=dict)
    seen: dict[str, dict[str, str]] = field(default_factory=dict)  # id -> field -> newest
    listed_on: dict[str, set[str]] = field(default_factory=dict)

    def add(self, capture: Capture, *, by_name_date: bool = False) -> None:
        """Fold one capture in: a field takes the value of the newest capture that has one
        (the later import on a tie); listing days add up."""
        for item in capture.items:
            pid = item["paper"]["id"]
            fields = self.fields.setdefault(pid, dict.fromkeys(FIELDS))
            seen = self.seen.setdefault(pid, {})
            for name, value in expected(item, capture).items():
                if _empty(value):
                    if name not in seen:
                        fields[name] = value
                    continue
                if capture.newest >= seen.get(name, ""):
                    fields[name], seen[name] = value, capture.newest
            days = self.listed_on.setdefault(pid, set())
            if by_name_date and capture.date:
                days.add(capture.date)
            elif capture.kind == "daily":
                listed = _listing_day(item, capture)
                if listed:
                    days.add(listed)

    def papers(self) -> int:
        return len(self.fields)


def _listing_day(item: dict[str, Any], capture: Capture) -> str | None:
    """The day a daily capture's body itself proves: its date when the body holds a
    submission time (every daily capture here was fetched with ?date=), else none."""
    has_time = bool(item["paper"].get("submittedOnDailyAt")) or (
        capture.date is not None and capture.date <= LAST_OLD_LISTING)
    return capture.date if has_time else None


@dataclass
class Outcome:
    """The comparison of the app's papers with an expectation."""

    papers: int = 0
    compared: int = 0
    lost: list[str] = field(default_factory=list)


def compare(want: Expectation, got: dict[str, dict[str, Any]]) -> Outcome:
    """Compare every field of every expected paper with the app's ``--json`` objects."""
    out = Outcome(papers=len(want.fields))
    for pid, fields in want.fields.items():
        obj = got.get(pid)
        if obj is None:
            out.lost.append(f"{pid}: missing")
            continue
        for name, value in fields.items():
            out.compared += 1
            actual = obj.get(name)
            if name == "authors" and actual is not None:
                actual = [{"name": a["name"], "username": a.get("username"),
                           "hidden": bool(a.get("hidden"))} for a in actual]
            if norm(value if not _empty(value) else None) != norm(
                    actual if not _empty(actual) else None):
                out.lost.append(f"{pid}: {name}: want {value!r:.120}, got {actual!r:.120}")
        out.compared += 1
        days = sorted(want.listed_on.get(pid, ()))
        if obj.get("listed_on", []) != days:
            out.lost.append(f"{pid}: listed_on: want {days}, got {obj.get('listed_on')}")
    return out
