"""PDF downloads against the fake hub: magic bytes, resume after a cut, never a partial PDF."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from reader import pdf_files
from reader.hub.client import PapersClient
from reader.pdf_files import PdfError, download_pdf, local_pdf, part_of
from tests.fakehub import Corpus, FakeHub
from tests.fakehub.pdf import fake_pdf


def url(hub: FakeHub) -> str:
    return hub.url + "/pdf/{id}"


async def test_downloads_a_pdf_without_the_token(fakehub: FakeHub, corpus: Corpus,
                                                 tmp_path: Path) -> None:
    pid = corpus.ids()[0]
    async with PapersClient(fakehub.url, token="hf_secret") as client:
        path = await download_pdf(client, pdf_files.pdf_url(url(fakehub), pid), tmp_path, pid)
    assert path == tmp_path / f"{pid}.pdf" and path.read_bytes() == fake_pdf(pid)
    assert local_pdf(tmp_path, pid) == path and pdf_files.ids(tmp_path) == {pid}
    pdf_requests = [h for _, p, _, h in fakehub.requests if p.startswith("/pdf/")]
    assert pdf_requests and all("authorization" not in h for h in pdf_requests)


async def test_an_interrupted_download_leaves_no_pdf_and_a_retry_resumes(
        fakehub: FakeHub, corpus: Corpus, tmp_path: Path) -> None:
    pid = corpus.ids()[1]
    fakehub.inject("truncated", path="/pdf/", times=None)
    async with PapersClient(fakehub.url) as client:
        with pytest.raises(PdfError, match="try again to resume"):
            await download_pdf(client, pdf_files.pdf_url(url(fakehub), pid), tmp_path, pid,
                               tries=1)
    assert local_pdf(tmp_path, pid) is None
    assert not (tmp_path / f"{pid}.pdf").exists()
    kept = part_of(tmp_path, pid).stat().st_size
    assert 0 < kept < len(fake_pdf(pid))
    fakehub.clear_faults()
    fakehub.requests.clear()
    async with PapersClient(fakehub.url) as client:
        path = await download_pdf(client, pdf_files.pdf_url(url(fakehub), pid), tmp_path, pid)
    assert path.read_bytes() == fake_pdf(pid)
    assert not part_of(tmp_path, pid).exists()
    ranges = [h.get("range") for _, p, _, h in fakehub.requests if p.startswith("/pdf/")]
    assert ranges == [f"bytes={kept}-"]  # resumed, not started over


async def test_not_a_pdf_is_refused_and_nothing_kept(tmp_path: Path) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=b"<html>" + b"x" * 5000,
                              headers={"content-type": "application/octet-stream"})

    async with PapersClient("http://hub.test", transport=httpx.MockTransport(answer)) as client:
        with pytest.raises(PdfError, match="did not send a PDF"):
            await download_pdf(client, "http://arxiv.test/pdf/2602.00001", tmp_path,
                               "2602.00001")
    assert list(tmp_path.iterdir()) == []


async def test_too_small_and_not_found(fakehub: FakeHub, tmp_path: Path) -> None:
    def tiny(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=b"%PDF-1.4 tiny")

    async with PapersClient("http://hub.test", transport=httpx.MockTransport(tiny)) as client:
        with pytest.raises(PdfError, match="too small"):
            await download_pdf(client, "http://a.test/x", tmp_path, "2602.00001")
    async with PapersClient(fakehub.url) as client:
        with pytest.raises(PdfError, match="404"):
            await download_pdf(client, fakehub.url + "/pdf/2101.00001", tmp_path, "2101.00001")
    assert list(tmp_path.iterdir()) == []


def test_ids_never_become_paths(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        pdf_files.pdf_url("https://arxiv.org/pdf/{id}", "../../etc/passwd")
    with pytest.raises(ValueError):
        local_pdf(tmp_path, "../x")


def test_no_textual_import() -> None:
    code = "import sys, reader.pdf_files, reader.fulltext_queue, reader.markdown_doc, " \
           "reader.store.positions; print('textual' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=Path(__file__).resolve().parents[1])
    assert out.stdout.strip() == "False"
