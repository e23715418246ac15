"""The app and its search store: filters answer from it, a store found damaged while the app
runs is reported, rebuilt in the background, and the filters meanwhile still answer right."""

from __future__ import annotations

import time
from typing import Any

import pytest

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


async def test_at_the_start_the_engine_is_prepared_while_the_views_are_built(
    corpus: Corpus, make_app: Any, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The store worker prepares the engine over the records as soon as the load has read them,
    not after the views' orderings are built (the rules' worker then finds it done): the
    building below waits until the engine is prepared, which it would not be otherwise."""
    import reader.controller

    fill_cache(corpus, store=True)
    app = make_app(None)
    build = reader.controller.build_data
    prepared: list[bool] = []

    def slow_build(records: Any, *, complete: bool) -> Any:
        if complete:
            deadline = time.monotonic() + 10
            engine = app.controller.engine
            while time.monotonic() < deadline and not (engine is not None and engine.prepared):
                time.sleep(0.01)
                engine = app.controller.engine
            prepared.append(engine is not None and engine.prepared)
        return build(records, complete=complete)

    monkeypatch.setattr(reader.controller, "build_data", slow_build)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        c = main(app).controller
        assert c.data.complete and c.engine is not None and c.engine.prepared
    assert prepared == [True]
