"""A deterministic corpus of Hugging Face daily papers, and the queries the fake hub answers.

A :class:`Corpus` is built once and then only read (the fake server reads it from many threads):
treat its dicts as immutable. Items are exactly what ``/api/daily_papers`` returns.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections.abc import Iterable
from typing import Any

from tests.fakehub.fulltext import hostile_markdown, markdown_for
from tests.fakehub.hostile import KINDS as HOSTILE_KINDS
from tests.fakehub.items import ItemMaker, iter_days, iter_items, today_utc
from tests.fakehub.linked import e3_linked, repos_for
from tests.fakehub.pdf import fake_pdf

__all__ = ["HOSTILE_KINDS", "Corpus", "iter_items", "parse_week"]

DEFAULT_DAYS = 10
SEARCH_PAPER_KEYS = (
    "id",
    "authors",
    "publishedAt",
    "title",
    "summary",
    "upvotes",
    "discussionId",
    "ai_keywords",
)
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_date(text: str) -> dt.date:
    """``YYYY-MM-DD`` strictly (raises ValueError, e.g. for ``2025-13-40``)."""
    if not _DATE.match(text):
        raise ValueError(f"invalid date {text!r}")
    return dt.date.fromisoformat(text)


def parse_week(text: str) -> tuple[int, int]:
    """ISO week ``YYYY-Www`` -> (year, week); raises ValueError."""
    m = _WEEK.match(text)
    if not m:
        raise ValueError(f"invalid week {text!r}")
    year, week = int(m[1]), int(m[2])
    dt.date.fromisocalendar(year, week, 1)  # validates the week number for that year
    return year, week


def parse_month(text: str) -> tuple[int, int]:
    """``YYYY-MM`` -> (year, month); raises ValueError."""
    m = _MONTH.match(text)
    if not m or not 1 <= int(m[2]) <= 12:
        raise ValueError(f"invalid month {text!r}")
    return int(m[1]), int(m[2])


def _segments(text: str, pattern: re.Pattern[str] | None) -> list[dict[str, str]]:
    """Split ``text`` into ``{"type": "text"|"highlight", "text": ...}`` segments."""
    if pattern is None:
        return [{"type": "text", "text": text}] if text else []
    out: list[dict[str, str]] = []
    for k, part in enumerate(pattern.split(text)):
        if part:
            out.append({"type": "highlight" if k % 2 else "text", "text": part})
    return out


class Corpus:
    """Deterministic API-shaped daily items, newest listing day first.

    ``n_papers`` papers (the oldest day cut short to hit it exactly), or exactly ``days`` listing
    days (default 10) ending on ``end`` (default: today, UTC). ``hostile=True`` adds the papers of
    :mod:`tests.fakehub.hostile` to the newest day (their ids are in ``hostile_ids``).
    """

    def __init__(
        self,
        n_papers: int | None = None,
        *,
        days: int | None = None,
        end: dt.date | None = None,
        seed: int = 0,
        hostile: bool = False,
    ) -> None:
        self.seed = seed
        self.hostile = hostile
        self.end = end or today_utc()
        if n_papers is None and days is None:
            days = DEFAULT_DAYS
        self._maker = ItemMaker(seed)
        self._by_day: dict[str, list[dict[str, Any]]] = {}
        items: list[dict[str, Any]] = []
        for k, (day, day_items) in enumerate(iter_days(self._maker, self.end, hostile=hostile)):
            if days is not None and k >= days:
                break
            if n_papers is not None:
                day_items = day_items[: n_papers - len(items)]
            if day_items:
                self._by_day[day.isoformat()] = day_items
                items.extend(day_items)
            if n_papers is not None and len(items) >= n_papers:
                break
        self.items: list[dict[str, Any]] = items
        self._by_id = {it["paper"]["id"]: it for it in items}
        if len(self._by_id) != len(items):
            raise AssertionError("duplicate paper ids in the corpus")
        newest = self._by_day.get(self.end.isoformat(), [])
        self.hostile_ids: list[str] = (
            [it["paper"]["id"] for it in newest if it["paper"]["upvotes"] > 9000] if hostile else []
        )
        self._trending = sorted(items, key=self._trending_key)
        self._haystacks: dict[str, str] | None = None
        self._lock = threading.Lock()

    # --- listing ------------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.items)

    def ids(self) -> list[str]:
        """Every paper id, in ``items`` order."""
        return [it["paper"]["id"] for it in self.items]

    def dates(self) -> list[str]:
        """Listing dates that have papers, oldest first."""
        return sorted(self._by_day)

    def items_on(self, date: str) -> list[dict[str, Any]]:
        """The items listed on ``date`` (``YYYY-MM-DD``), upvotes descending ([] if none)."""
        return list(self._by_day.get(date, ()))

    def item(self, paper_id: str) -> dict[str, Any] | None:
        """The daily item of a paper."""
        return self._by_id.get(paper_id)

    def daily(
        self,
        *,
        date: str | None = None,
        week: str | None = None,
        month: str | None = None,
        sort: str | None = None,
        submitter: str | None = None,
    ) -> list[dict[str, Any]]:
        """What ``/api/daily_papers`` lists before paging (raises ValueError on a bad filter).

        Filters apply to the listing day. Unfiltered: newest day first. Filtered: upvotes
        descending. ``sort="trending"`` orders either by the trending score instead.
        """
        if sort not in (None, "publishedAt", "trending"):
            raise ValueError(f"invalid sort {sort!r}")
        if sum(x is not None for x in (date, week, month)) > 1:
            raise ValueError("use only one of date, week and month")
        pool: Iterable[dict[str, Any]]
        if sort == "trending":
            pool = self._trending
        elif date is not None or week is not None or month is not None:
            pool = self._by_upvotes()
        else:
            pool = self.items
        if date is not None:
            parse_date(date)
            pool = [it for it in pool if _listing_day(it) == date]
        elif week is not None:
            year, wk = parse_week(week)
            pool = [
                it
                for it in pool
                if dt.date.fromisoformat(_listing_day(it)).isocalendar()[:2] == (year, wk)
            ]
        elif month is not None:
            year, mo = parse_month(month)
            prefix = f"{year:04d}-{mo:02d}-"
            pool = [it for it in pool if _listing_day(it).startswith(prefix)]
        if submitter is not None:
            pool = [it for it in pool if it["submittedBy"]["name"] == submitter]
        return list(pool)

    def _by_upvotes(self) -> list[dict[str, Any]]:
        return sorted(self.items, key=lambda it: (-it["paper"]["upvotes"], it["paper"]["id"]))

    def _trending_key(self, item: dict[str, Any]) -> tuple[float, str]:
        """Recency, stars and upvotes mixed, as the GitHub-stars-driven trending page does."""
        paper = item["paper"]
        age = (self.end - dt.date.fromisoformat(_listing_day(item))).days
        heat = paper["upvotes"] + 1 + paper.get("githubStars", 0) / 20
        return (-heat / (age + 2) ** 1.5, paper["id"])

    def trending(self) -> list[dict[str, Any]]:
        """Every item in trending order (what ``sort=trending`` pages through)."""
        return list(self._trending)

    # --- single papers ------------------------------------------------------------------------

    def paper(self, paper_id: str) -> dict[str, Any] | None:
        """The ``/api/papers/{id}`` body: the paper plus its linked repos (no numComments)."""
        item = self._by_id.get(paper_id)
        if item is None:
            return None
        body = dict(item["paper"])
        body.update(e3_linked(paper_id, self.repos(paper_id), self.seed))
        return body

    def repos(self, paper_id: str) -> dict[str, list[dict[str, Any]]]:
        """The ``/api/arxiv/{id}/repos`` body (empty lists for unknown papers)."""
        item = self._by_id.get(paper_id)
        if item is None:
            return {"models": [], "datasets": [], "spaces": []}
        return repos_for(paper_id, item["paper"], self._maker.vocab, self.seed)

    @property
    def long_id(self) -> str:
        """The paper whose full text is 60 pages long: the newest day's top regular paper."""
        hostile = set(self.hostile_ids)
        newest = self._by_day[max(self._by_day)]
        return next(it["paper"]["id"] for it in newest if it["paper"]["id"] not in hostile)

    def markdown(self, paper_id: str) -> str | None:
        """The ``/papers/{id}.md`` text, or None for unknown papers. Hostile papers get a
        hostile full text (5 MB for the one with the huge abstract); :attr:`long_id` 60 pages."""
        item = self._by_id.get(paper_id)
        if item is None:
            return None
        paper, vocab = item["paper"], self._maker.vocab
        if paper_id in self.hostile_ids:
            huge = len(paper.get("summary", "")) > 50_000
            return hostile_markdown(paper, vocab, self.seed, huge=huge)
        pages = 60 if paper_id == self.long_id else None
        return markdown_for(paper, vocab, self.seed, pages=pages)

    def pdf(self, paper_id: str) -> bytes | None:
        """The ``/pdf/{id}`` body (a small valid-looking PDF), or None for unknown papers."""
        if paper_id not in self._by_id:
            return None
        return fake_pdf(paper_id)

    # --- search -------------------------------------------------------------------------------

    def _haystack(self) -> dict[str, str]:
        with self._lock:
            if self._haystacks is None:
                self._haystacks = {
                    pid: "\n".join(
                        [it["title"], it["summary"], *(a["name"] for a in it["paper"]["authors"])]
                    ).lower()
                    for pid, it in self._by_id.items()
                }
            return self._haystacks

    def search(self, q: str, limit: int = 120) -> list[dict[str, Any]]:
        """``/api/papers/search`` (current wrapped shape): every query word must occur
        (case-insensitively) in the title, abstract or author names; title matches rank first."""
        words = list(dict.fromkeys(q.lower().split()))
        if not words or limit <= 0:
            return []
        haystacks = self._haystack()
        hits: list[tuple[int, int, str]] = []
        for pid, hay in haystacks.items():
            if all(w in hay for w in words):
                title = self._by_id[pid]["title"].lower()
                in_title = sum(w in title for w in words)
                hits.append((-in_title, -self._by_id[pid]["paper"]["upvotes"], pid))
        hits.sort()
        pattern = re.compile("(" + "|".join(map(re.escape, words)) + ")", re.IGNORECASE)
        return [self._search_item(self._by_id[pid], pattern) for _, _, pid in hits[:limit]]

    def search_slim(self, q: str, limit: int = 120) -> list[dict[str, Any]]:
        """The 2024 search shape: ``[{"id", "title", "thumbnailUrl", "source": "hf"}]``."""
        return [
            {
                "id": hit["paper"]["id"],
                "title": hit["title"],
                "thumbnailUrl": hit["thumbnail"],
                "source": "hf",
            }
            for hit in self.search(q, limit)
        ]

    @staticmethod
    def _search_item(item: dict[str, Any], pattern: re.Pattern[str]) -> dict[str, Any]:
        paper = item["paper"]
        return {
            "paper": {k: paper[k] for k in SEARCH_PAPER_KEYS if k in paper},
            "publishedAt": item["publishedAt"],
            "title": item["title"],
            "summary": item["summary"],
            "thumbnail": item["thumbnail"],
            "numComments": item["numComments"],
            "upvoted": False,
            "isAuthorParticipating": item["isAuthorParticipating"],
            "highlightedTitle": _segments(item["title"], pattern),
            "highlightedSummary": _segments(item["summary"], pattern),
        }


def _listing_day(item: dict[str, Any]) -> str:
    """The Daily Papers day of an item: the UTC date of ``paper.submittedOnDailyAt``."""
    return str(item["paper"]["submittedOnDailyAt"][:10])
