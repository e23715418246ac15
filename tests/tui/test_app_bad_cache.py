"""The app starts and shows every paper when cached records hold wrong-typed fields (issue 13,
item 6: ten such variants used to crash it at every start)."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from reader.store.cache import PaperCache
from reader.store.locations import locations
from tests.store.test_checked import BAD, DAY, NOW, VARIANTS
from tests.tui.conftest import settle
from tests.tui.test_app_start import main


def _bad_cache() -> list[str]:
    """One paper per variant of tests/store/test_checked.py, each with its one bad field, in
    the shard and in the start-up slice. Returns the ids that must still be shown."""
    papers = [dataclasses.replace(BAD, id=f"2603.{100 + i:05d}", title=f"Paper {i}")
              for i in range(len(VARIANTS))]
    cache = PaperCache(locations().ensure().papers_dir)
    cache.merge(papers, listed_on=DAY, now=NOW)
    cache.merge(papers[:10], trending=True, now=NOW)
    bad = {p.id: VARIANTS[i] for i, p in enumerate(papers)}
    papers_dir = locations().papers_dir
    path = papers_dir / "2603.json"
    body = json.loads(path.read_text(encoding="utf-8"))
    for doc in body["papers"].values():
        field, value = bad[doc["id"]]
        doc[field] = value
    path.write_text(json.dumps(body), encoding="utf-8")
    return [p.id for p in papers if bad[p.id][0] != "id"]


async def test_the_app_shows_a_cache_of_wrong_typed_fields(make_app: Any) -> None:
    kept = _bad_cache()
    app = make_app(None)
    async with app.run_test(size=(120, 40), notifications=True, tooltips=True) as pilot:
        await settle(pilot)
        screen = main(app)
        screen.switch_view("all")
        await settle(pilot)
        assert screen.result is not None
        assert {r.id for r in screen.result.records} == set(kept)
        said = " ".join(str(n.message) for n in app._notifications)
        assert "malformed" in said  # the shard was moved aside and reported
        for _ in kept:  # every row highlighted: the detail pane draws every paper
            await pilot.press("j")
            await pilot.pause()
        await pilot.press("enter")
        await settle(pilot)
        for view in ("latest", "trending", "unread", "day"):
            screen.switch_view(view)
            await settle(pilot)
        await pilot.press("slash")
        await pilot.press(*"org:lab")
        await settle(pilot)
        assert screen.result is not None and app.is_running
