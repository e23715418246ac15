"""Downloading full texts one at a time: the app's background queue and ``sync --fulltext``.

No Textual here: the app drives a :class:`FulltextQueue` from one async worker, the command line
calls :func:`fetch_missing`. Requests go one after the other through the shared client, which
already waits out 429 answers, so a long queue is polite to the rate limit by construction.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from reader.hub.errors import HubError, NetworkError, PaperNotFound, RateLimited
from reader.store import fulltext

if TYPE_CHECKING:
    from reader.hub.client import PapersClient
    from reader.store.cache import PaperCache

SAVED = "saved"
NOT_INDEXED = "not indexed"  # 404: Hugging Face has no Markdown for this paper (yet)
FAILED = "failed"
OFFLINE = "offline"  # the network is gone, or the server asks us to wait: stop, keep the rest


@dataclass(frozen=True, slots=True)
class Outcome:
    """What became of one paper's download; ``message`` is a line for a person."""

    paper_id: str
    status: str
    message: str


async def fetch_one(client: PapersClient, cache: PaperCache, paper_id: str) -> Outcome:
    """Download one full text into the cache (the write runs in a thread)."""
    try:
        text = await client.fulltext(paper_id)
    except PaperNotFound:
        return Outcome(paper_id, NOT_INDEXED,
                       f"{paper_id}: Hugging Face has no full text for this paper")
    except (NetworkError, RateLimited) as err:
        return Outcome(paper_id, OFFLINE, f"{paper_id}: {err}")
    except HubError as err:
        return Outcome(paper_id, FAILED, f"{paper_id}: {err}")
    try:
        await asyncio.to_thread(cache.fulltext_put, paper_id, text)
    except OSError as err:
        return Outcome(paper_id, FAILED, f"{paper_id}: could not save the full text "
                                         f"({err.strerror or err})")
    return Outcome(paper_id, SAVED, f"{paper_id}: full text saved")


@dataclass
class FulltextQueue:
    """Papers waiting for their full text, fetched in order by :meth:`drain`.

    ``add`` is cheap and may be called any time; a paper already queued, already cached or
    known to be not indexed (this session) is not queued again. A network failure stops the
    drain and keeps the rest queued for the next one.
    """

    cache: PaperCache
    pending: deque[str] = field(default_factory=deque)
    not_indexed: set[str] = field(default_factory=set)

    def add(self, paper_id: str, *, force: bool = False) -> bool:
        """Queue ``paper_id``; False when there is nothing to do. ``force`` re-asks a paper
        that was not indexed earlier in this session (a user pressing the key again)."""
        if paper_id in self.pending:
            return False
        if force:
            self.not_indexed.discard(paper_id)
        elif paper_id in self.not_indexed:
            return False
        if fulltext.has(self.cache.fulltext_dir, paper_id):
            return False
        self.pending.append(paper_id)
        return True

    def __len__(self) -> int:
        return len(self.pending)

    async def drain(self, client: PapersClient,
                    report: Callable[[Outcome, int], None] | None = None) -> list[Outcome]:
        """Fetch until the queue is empty or the network is gone; ``report(outcome, left)``
        after each paper."""
        outcomes: list[Outcome] = []
        while self.pending:
            paper_id = self.pending[0]
            outcome = await fetch_one(client, self.cache, paper_id)
            if outcome.status == OFFLINE:
                outcomes.append(outcome)
                if report is not None:
                    report(outcome, len(self.pending))
                break  # keep it (and the rest) queued
            self.pending.popleft()
            if outcome.status == NOT_INDEXED:
                self.not_indexed.add(paper_id)
            outcomes.append(outcome)
            if report is not None:
                report(outcome, len(self.pending))
        return outcomes


def missing(cache: PaperCache, ids: Iterable[str]) -> list[str]:
    """The ids (in order) whose full text is not cached."""
    have = cache.fulltext_ids()
    return [pid for pid in ids if pid not in have]


async def fetch_missing(client: PapersClient, cache: PaperCache, ids: Iterable[str],
                        progress: Callable[[str, int, int], None] | None = None
                        ) -> list[Outcome]:
    """``sync --fulltext``: fetch each missing full text in turn. Resumable by design: what is
    already cached is skipped, so a run cut short continues where it stopped. Stops early when
    the network is gone (the rest would fail the same way)."""
    todo = missing(cache, ids)
    outcomes: list[Outcome] = []
    for done, paper_id in enumerate(todo, start=1):
        outcome = await fetch_one(client, cache, paper_id)
        outcomes.append(outcome)
        if progress is not None:
            progress(f"{paper_id} {outcome.status}", done, len(todo))
        if outcome.status == OFFLINE:
            break
    return outcomes
