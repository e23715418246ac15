"""Checks against the real https://huggingface.co (deselected by default; run with ``-m live``).

They catch drift between the real API and the shapes the fake server reproduces.
"""

from __future__ import annotations

import pytest

from reader.hub.client import PapersClient
from reader.hub.errors import PaperNotFound

pytestmark = pytest.mark.live

LIVE = "https://huggingface.co"


async def test_daily_for_a_known_date() -> None:
    async with PapersClient(LIVE, "") as client:
        papers = await client.daily(date="2025-10-29", limit=10, max_pages=1)
    assert len(papers) == 10
    assert all(p.id and p.title for p in papers)
    assert all(p.submitted_daily_at and p.submitted_daily_at.startswith("2025-10-") for p in papers)


async def test_trending() -> None:
    async with PapersClient(LIVE, "") as client:
        papers = await client.trending(limit=5)
    assert 1 <= len(papers) <= 5


async def test_search() -> None:
    async with PapersClient(LIVE, "") as client:
        hits = await client.search("llama 3 herd", limit=5)
    assert 1 <= len(hits) <= 5
    assert any(h.paper.id == "2407.21783" for h in hits)


async def test_paper_and_full_text() -> None:
    async with PapersClient(LIVE, "") as client:
        paper = await client.paper("https://arxiv.org/abs/2407.21783v3")
        text = await client.fulltext("2407.21783")
    assert paper.title == "The Llama 3 Herd of Models"
    assert len(paper.authors) > 100
    assert "Llama" in text


async def test_unknown_paper() -> None:
    async with PapersClient(LIVE, "") as client:
        with pytest.raises(PaperNotFound):
            await client.paper("1234.56789")


async def test_linked_repos() -> None:
    async with PapersClient(LIVE, "") as client:
        repos = await client.linked_repos("2407.21783")
    assert repos.models, "Llama 3 is cited by many models"
    assert all(r.kind == "model" for r in repos.models)
