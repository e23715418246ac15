"""The app's background refresh against a hostile server: it always ends with a status message,
never hangs on "refreshing…", never crashes, and the papers already shown stay."""

from __future__ import annotations

from typing import Any

import pytest

from reader.app import PaperReaderApp
from reader.hub import client as client_module
from reader.hub.client import PapersClient
from tests.fakehub import FakeHub
from tests.tui.conftest import clock, fill_cache, settle
from tests.tui.test_app_start import main

TOKEN = "hf_AppBreakItToken0042"


def _parse_bug(item: Any) -> Any:
    raise ValueError("a parser bug")


@pytest.mark.parametrize(
    ("kind", "params"),
    [
        ("slow_body", {"every": 0.2}),
        ("slow_headers", {"every": 0.2}),
        ("endless", {}),
        ("gzip_bomb", {"mb": 64}),
        ("endless_pages", {}),
        ("token_echo", {"status": 400}),
        ("500", {}),
        ("parse_bug", {}),
    ],
)
async def test_refresh_always_ends_with_a_status_message(
    hf_endpoint: FakeHub, monkeypatch: pytest.MonkeyPatch, kind: str, params: dict[str, Any]
) -> None:
    corpus = hf_endpoint.corpus
    fill_cache(corpus, days=corpus.dates()[:-2])
    if kind == "parse_bug":
        monkeypatch.setattr(client_module, "paper_from_item", _parse_bug)
    else:
        hf_endpoint.inject(kind, times=None, **params)
    client = PapersClient(hf_endpoint.url, TOKEN, retries=1, backoff=0.001, deadline=1.0,
                          max_bytes=4 * 1024 * 1024, max_pages=5)
    app = PaperReaderApp(client=client, clock=clock)
    async with app.run_test(size=(120, 40), notifications=True, tooltips=True) as pilot:
        await settle(pilot)  # raises if a worker is still running after 30 s
        screen = main(app)
        status = screen.status.network_text
        # Either everything failed, or (endless pages: trending asks for one page) some did.
        assert status.startswith(("refresh failed", "offline")) or " failed" in status, status
        assert "refreshing" not in status
        assert screen.result is not None and len(screen.result.records) > 0
        shown = [n.message for n in app._notifications] + [str(screen.status.tooltip or "")]
        assert all(TOKEN not in text and "\x1b" not in text for text in shown)
        assert app.is_running
