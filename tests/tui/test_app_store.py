"""The app and its search store: filters answer from it, a store found damaged while the app
runs is reported, rebuilt in the background, and the filters meanwhile still answer right."""

from __future__ import annotations

from typing import Any

from reader.query import Context, matches, parse
from tests.fakehub import Corpus
from tests.tui.conftest import fill_cache, settle
from tests.tui.test_app_start import main


async def test_a_store_damaged_at_run_time_is_rebuilt_and_filters_stay_right(
    corpus: Corpus, make_app: Any,
) -> None:
    fill_cache(corpus)
    app = make_app(None)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        screen = main(app)
        c = screen.controller
        assert c.engine is not None
        screen.switch_view("all")
        await settle(pilot)
        want = [pid for pid in c.data.by_date
                if matches(parse("model"), c.data.records[pid], Context())]
        c.engine.close()  # every query now fails, as a damaged file's would
        screen.filter_pane.input.value = "model"
        await settle(pilot)
        assert [r.id for r in screen.paper_list.records] == want  # scanned meanwhile
        assert c.engine is not None and c.engine_state == "ready"  # rebuilt
        said = [n.message for n in app._notifications]
        assert any("search store" in m and "rebuilt" in m for m in said), said
        screen.filter_pane.input.value = "model sort:upvotes"
        await settle(pilot)
        ups = [r.upvotes or 0 for r in screen.paper_list.records]
        assert len(ups) == len(want) and ups == sorted(ups, reverse=True)
