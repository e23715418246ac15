"""D downloads the PDF (an interrupted download leaves nothing p would open; a retry resumes
and completes it); p opens the local copy when there is one, the web one otherwise."""

from __future__ import annotations

import subprocess
import webbrowser
from pathlib import Path
from typing import Any

import pytest

from reader.screens.main import MainScreen
from reader.store.locations import locations
from tests.fakehub import FakeHub
from tests.fakehub.pdf import fake_pdf
from tests.tui.conftest import fill_cache, settle, write_config


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    seen: list[str] = []

    def fake_open(url: str, *args: Any, **kwargs: Any) -> bool:
        seen.append(url)
        return True

    monkeypatch.setattr(webbrowser, "open", fake_open)
    return seen


async def test_interrupted_pdf_then_retry_and_open(hf_endpoint: FakeHub, make_app: Any,
                                                   home: Path, opened: list[str]) -> None:
    corpus = hf_endpoint.corpus
    pid = corpus.items_on(corpus.dates()[-1])[1]["paper"]["id"]
    fill_cache(corpus, days=corpus.dates()[-1:], store=True)  # no rebuild: no other process
    write_config(home, f'pdf_url = "{hf_endpoint.url}/pdf/{{id}}"\n')
    pdf_dir = locations().data_dir / "pdf"
    hf_endpoint.inject("truncated", path="/pdf/", times=None)
    app = make_app(hf_endpoint.url)
    async with app.run_test(size=(120, 40), notifications=True, tooltips=True) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        screen.jump_to(pid)
        await settle(pilot)
        await pilot.press("P")
        await settle(pilot)
        assert any("try again to resume" in n.message for n in app._notifications)
        assert not (pdf_dir / f"{pid}.pdf").exists()
        assert (pdf_dir / f"{pid}.pdf.part").exists()
        await pilot.press("p")  # nothing local yet: the web PDF
        await settle(pilot)
        assert opened == [f"{hf_endpoint.url}/pdf/{pid}"]

        hf_endpoint.clear_faults()
        await pilot.press("P")
        await settle(pilot)
        assert (pdf_dir / f"{pid}.pdf").read_bytes() == fake_pdf(pid)
        assert not (pdf_dir / f"{pid}.pdf.part").exists()
        assert pid in screen.paper_list._local  # the list marks it
        await pilot.press("p")
        await settle(pilot)
        assert opened[-1] == (pdf_dir / f"{pid}.pdf").as_uri()


async def test_the_configured_opener_gets_the_file(hf_endpoint: FakeHub, make_app: Any,
                                                   home: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    corpus = hf_endpoint.corpus
    pid = corpus.items_on(corpus.dates()[-1])[2]["paper"]["id"]
    fill_cache(corpus, days=corpus.dates()[-1:], store=True)  # no rebuild: no other process
    write_config(home, 'opener = "my-viewer --page 1"\n')
    pdf_dir = locations().data_dir / "pdf"
    pdf_dir.mkdir(parents=True, exist_ok=True)
    (pdf_dir / f"{pid}.pdf").write_bytes(fake_pdf(pid))
    runs: list[list[str]] = []

    class FakePopen:
        def __init__(self, args: list[str], **kwargs: Any) -> None:
            runs.append(args)

    monkeypatch.setattr(subprocess, "Popen", FakePopen)
    app = make_app(hf_endpoint.url)
    async with app.run_test(size=(120, 40), notifications=True, tooltips=True) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        screen.jump_to(pid)
        await settle(pilot)
        assert pid in screen.paper_list._local
        await pilot.press("p")
        await settle(pilot)
    assert runs == [["my-viewer", "--page", "1", str(pdf_dir / f"{pid}.pdf")]]
