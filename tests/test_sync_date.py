"""`sync --date D` lists what it fetched on D, whatever the items say (issue 10)."""

from __future__ import annotations

from pathlib import Path

from reader.hub.parse import paper_from_item
from reader.store.cache import PaperCache
from reader.sync import sync
from tests.test_sync import FakeClient

# Snippets of real daily answers (../shared/realdata): for 2025-01-13 an item submitted the
# evening before (its only time), for 2025-03-11 one whose body holds no submission time at all.
EVENING_BEFORE = {
    "paper": {"id": "2501.05874", "publishedAt": "2025-01-10T11:17:15.000Z", "upvotes": 19},
    "publishedAt": "2025-01-12T21:47:33.594Z",
}
NO_TIME = {
    "paper": {"id": "2503.03601", "publishedAt": "2025-03-05T15:33:52.000Z", "upvotes": 58},
    "publishedAt": "2025-03-05T10:33:52.000Z",
}
ELSEWHERE = {  # re-submitted: its submission time names another day
    "paper": {"id": "2604.07429", "publishedAt": "2026-04-08T17:00:00.000Z",
              "submittedOnDailyAt": "2026-04-10T01:00:00.000Z"},
}


async def test_a_fetched_day_files_everything_under_that_day(tmp_path: Path) -> None:
    days = {}
    for day, item in (("2025-01-13", EVENING_BEFORE), ("2025-03-11", NO_TIME),
                      ("2026-04-16", ELSEWHERE)):
        parsed = paper_from_item(item)
        assert parsed is not None
        days[day] = [parsed]
    cache = PaperCache(tmp_path / "papers")
    report = await sync(FakeClient(days=days), cache, days=sorted(days), trending=False)
    assert report.failed == [] and report.days == sorted(days)
    for day, papers in days.items():
        assert cache.ids_on(day) == [papers[0].id], day
        record = cache.get(papers[0].id)
        assert record is not None and record.listed_on == (day,) and record.day == day
        assert cache.day_complete(day)
    assert cache.ids_on("2025-01-12") == [] and cache.ids_on("2026-04-10") == []
