"""Generation of API-shaped daily items, one listing day at a time, deterministic per seed.

Each listing day (the UTC day of ``paper.submittedOnDailyAt``) gets its own RNG seeded from
``(seed, day)``, so a day's papers are the same whatever the corpus size or end date.
arXiv ids ``YYMM.NNNNN`` come from the publication date (1-4 days before the listing day); the
number is ``offset * 700 + slot`` where ``offset`` is the listing day's distance from the first of
the publication month, which keeps ids unique across the whole corpus without shared state.
"""

from __future__ import annotations

import datetime as dt
import functools
import random
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

from tests.fakehub.people import (
    AUTHOR_STATUSES,
    People,
    people,
    submitted_by,
    submitted_on_daily_by,
)
from tests.fakehub.words import Vocabulary, vocabulary, wrap

UTC = dt.UTC
_EPOCH = dt.date(1970, 1, 1).toordinal()
NEW_YORK = ZoneInfo("America/New_York")
SLOTS_PER_DAY = 700
HOSTILE_SLOT_BASE = 680  # regular papers use slots 1..679, hostile ones 680..699
THUMBNAIL = "https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/{}.png"
UPLOADS = "https://cdn-uploads.huggingface.co/production/uploads/{}/{:016x}.{}"


def iso(moment: dt.datetime) -> str:
    """JS ``Date.toISOString()`` form: milliseconds and ``Z``."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


@functools.lru_cache(maxsize=8192)
def _day_prefix(ordinal: int) -> str:
    return dt.date.fromordinal(ordinal).isoformat() + "T"


def stamp(ordinal: int, ms: int) -> str:
    """:func:`iso` of day ``ordinal`` plus ``ms`` milliseconds (may be negative), fast."""
    days, ms = divmod(ms, 86_400_000)
    secs, ms = divmod(ms, 1000)
    h, secs = divmod(secs, 3600)
    m, secs = divmod(secs, 60)
    return f"{_day_prefix(ordinal + days)}{h:02d}:{m:02d}:{secs:02d}.{ms:03d}Z"


@functools.lru_cache(maxsize=8192)
def eastern_shift_ms(ordinal: int) -> int:
    """UTC offset of New York on that day in ms (-5 h, or -4 h in summer time)."""
    day = dt.date.fromordinal(ordinal)
    offset = dt.datetime(day.year, day.month, day.day, 12, tzinfo=NEW_YORK).utcoffset()
    assert offset is not None
    return int(offset.total_seconds()) * 1000


def papers_on(day: dt.date, rng: random.Random) -> int:
    """How many papers a listing day has: 20-150 on weekdays, a few on weekends."""
    if day.weekday() >= 5:
        return int(rng.random() * 6)
    return int(rng.triangular(20, 150, 60))


def rank_key(item: dict[str, Any]) -> tuple[int, str]:
    """The order of a dated batch: upvotes descending, then id (a stable feed placement)."""
    return (-item["paper"]["upvotes"], item["paper"]["id"])


def day_rng(seed: int, day: dt.date) -> random.Random:
    return random.Random(seed * 1_000_003 + day.toordinal())


class ItemMaker:
    """Builds the daily items of one seed; holds only read-only shared pools."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.vocab: Vocabulary = vocabulary(seed)
        self.people: People = people(seed)

    def day(self, day: dt.date) -> list[dict[str, Any]]:
        """The regular items listed on ``day``, ordered by upvotes descending, then id."""
        rng = day_rng(self.seed, day)
        count = papers_on(day, rng)
        slots = rng.sample(range(1, HOSTILE_SLOT_BASE), count)
        items = [self.item(rng, day, slot) for slot in slots]
        items.sort(key=rank_key)
        return items

    @staticmethod
    def paper_id(listing: dt.date, published: dt.date, slot: int) -> str:
        """``YYMM.NNNNN`` from the publication month, unique per (listing day, slot)."""
        offset = (listing - published.replace(day=1)).days
        return f"{published:%y%m}.{offset * SLOTS_PER_DAY + slot:05d}"

    def item(self, rng: random.Random, listing: dt.date, slot: int) -> dict[str, Any]:
        """One daily item listed on ``listing`` (the dict /api/daily_papers returns)."""
        rand = rng.random
        vocab = self.vocab
        lag = (1, 1, 1, 1, 2, 2, 3, 4)[int(rand() * 8)]
        listed = listing.toordinal()
        pub_day = listing - dt.timedelta(days=lag)
        pub = listed - lag
        paper_id = self.paper_id(listing, pub_day, slot)
        published_ms = int(rand() * 86400) * 1000  # arXiv times have whole seconds
        submitted_ms = int(rand() * 86_400_000)
        epoch = (listed - _EPOCH) * 86400 + submitted_ms // 1000
        base = (epoch << 64) | (rng.getrandbits(48) << 16)

        authors = self.authors(rng, base)
        submitter = self.people.submitter(rng)
        title = vocab.title(rng)
        summary = self.abstract(rng)
        upvotes = min(5000, int(3 * (rng.paretovariate(1.1) - 1)))
        paper: dict[str, Any] = {"id": paper_id, "authors": authors}
        media: list[str] | None = None
        if rand() < 0.25:
            media = [
                UPLOADS.format(submitter["_id"], rng.getrandbits(64), ("png", "webp", "mp4")[i % 3])
                for i in range(1 + int(rand() * 2))
            ]
            paper["mediaUrls"] = media
        paper["publishedAt"] = stamp(pub, published_ms)
        paper["submittedOnDailyAt"] = stamp(listed, submitted_ms)
        paper["title"] = title
        paper["submittedOnDailyBy"] = submitted_on_daily_by(submitter, rand() < 0.3)
        paper["summary"] = summary
        paper["upvotes"] = upvotes
        paper["discussionId"] = f"{base + 4 * len(authors) + 1:024x}"
        if rand() < 0.25:
            paper["projectPage"] = f"https://{vocab.tail[int(rand() * 20000)]}.github.io/"
        has_code = rand() < 0.45
        if has_code:
            owner = submitter["name"] if rand() < 0.5 else vocab.tail[int(rand() * 30000)]
            paper["githubRepo"] = f"https://github.com/{owner}/{vocab.tail[int(rand() * 30000)]}"
            paper["githubRepoAddedBy"] = "user" if rand() < 0.8 else "auto"
        if rand() < 0.9:
            paper["ai_summary"] = self.one_sentence(rng)
            paper["ai_keywords"] = vocab.keywords(rng)
        if has_code:
            paper["githubStars"] = min(90_000, int(rng.paretovariate(0.6)) - 1)
        org = self.people.orgs[int(rand() * len(self.people.orgs))] if rand() < 0.3 else None
        if org is not None:
            paper["organization"] = org
        if rand() < 0.003:
            paper["withdrawnAt"] = stamp(listed + 1 + int(rand() * 30), submitted_ms)

        item: dict[str, Any] = {
            "paper": paper,
            "publishedAt": stamp(pub, published_ms + eastern_shift_ms(pub)),
            "title": title,
            "summary": summary,
        }
        if media is not None or rand() < 0.5:
            item["mediaUrls"] = media or []
        item["thumbnail"] = THUMBNAIL.format(paper_id)
        item["numComments"] = int(rng.expovariate(0.6)) if rand() < 0.6 else 0
        item["submittedBy"] = submitted_by(submitter, rng)
        if org is not None:
            item["organization"] = org
        item["isAuthorParticipating"] = rand() < 0.2
        return item

    def authors(self, rng: random.Random, base: int) -> list[dict[str, Any]]:
        """1-30 authors (lognormal), and 500 for about one paper in a thousand."""
        rand = rng.random
        n = 500 if rand() < 0.001 else max(1, min(30, int(rng.lognormvariate(1.6, 0.65))))
        names = self.people.names
        users = self.people.users
        out: list[dict[str, Any]] = []
        for i in range(n):
            a: dict[str, Any] = {"_id": f"{base + 4 * i:024x}"}
            r = rand()
            if r < 0.12:
                u = users[int(rand() * len(users))]
                a["name"] = u["fullname"]
                a["user"] = {
                    "_id": u["_id"],
                    "avatarUrl": u["avatarUrl"],
                    "isPro": u["isPro"],
                    "fullname": u["fullname"],
                    "user": u["name"],
                    "type": "user",
                }
                a["status"] = "claimed_verified"
                a["statusLastChangedAt"] = f"2026-01-0{1 + i % 9}T10:08:36.253Z"
            else:
                a["name"] = names[int(rand() * len(names))]
                if r < 0.4:
                    a["status"] = AUTHOR_STATUSES[1 + int(rand() * 3)]
            a["hidden"] = rand() < 0.01
            out.append(a)
        return out

    def abstract(self, rng: random.Random) -> str:
        """80-350 words wrapped at ~80 columns like arXiv, sometimes two paragraphs or a URL."""
        vocab = self.vocab
        text = vocab.text(rng, int(rng.triangular(80, 335, 160)))
        r = rng.random()
        if r < 0.15:
            owner, repo = vocab.tail[int(r * 1e5) % 30000], vocab.tail[int(r * 1e7) % 30000]
            text += f" Code is available at https://github.com/{owner}/{repo}."
        elif r < 0.22:
            text = "We reduce the cost from $O(n^2)$ to $O(n \\log n)$ -- " + text
        if text.count(" ") >= 350:  # phrases can push a few abstracts over
            text = " ".join(text.split(" ")[:345]) + "."
        width = 74 + int(rng.random() * 8)
        if rng.random() < 0.06:
            cut = text.find(". ", len(text) // 2)
            if cut > 0:
                return wrap(text[: cut + 1], width) + "\n\n" + wrap(text[cut + 2 :], width)
        return wrap(text, width)

    def one_sentence(self, rng: random.Random) -> str:
        words = list(self.vocab.sample(rng, 12 + int(rng.random() * 20)))
        words[0] = self.vocab.capital[words[0]]
        return " ".join(words) + "."


def iter_days(
    maker: ItemMaker, end: dt.date, *, hostile: bool = False
) -> Iterator[tuple[dt.date, list[dict[str, Any]]]]:
    """``(listing day, items)`` from ``end`` backwards forever (empty weekend days included)."""
    from tests.fakehub.hostile import hostile_items  # hostile builds on this module

    day = end
    items = maker.day(day)
    if hostile:
        items = sorted(hostile_items(maker, day) + items, key=rank_key)
    while True:
        yield day, items
        day -= dt.timedelta(days=1)
        items = maker.day(day)


def today_utc() -> dt.date:
    return dt.datetime.now(UTC).date()


def iter_items(
    n: int,
    seed: int = 0,
    *,
    end: dt.date | None = None,
    hostile: bool = False,
) -> Iterator[dict[str, Any]]:
    """Stream ``n`` daily items, newest listing day first (upvotes descending within a day).

    Fast enough for benchmark dumps (100,000 items in a few seconds). ``end`` is the newest
    listing day (default: today, UTC); the same seed and end always give the same items.
    """
    produced = 0
    for _day, items in iter_days(ItemMaker(seed), end or today_utc(), hostile=hostile):
        for item in items:
            if produced >= n:
                return
            yield item
            produced += 1
