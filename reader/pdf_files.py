"""Downloaded PDFs: ``<data_dir>/pdf/<id>.pdf``, never a partial file under that name.

A download writes ``<id>.pdf.part`` and resumes it (HTTP Range) after a cut; only a file that
starts with ``%PDF-``, is at least ``MIN_BYTES`` and at most ``MAX_BYTES``, and has the size the
server announced is renamed to ``<id>.pdf`` (after an fsync). So whatever opens ``<id>.pdf``
opens a whole PDF. They live in the data dir because a user may annotate or keep them; nothing
here deletes one. No Textual import.
"""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from reader.hub.errors import HubError, NetworkError, RateLimited

if TYPE_CHECKING:
    from reader.hub.client import PapersClient

__all__ = ["MAGIC", "PdfError", "download_pdf", "ids", "local_pdf", "part_of", "pdf_url"]

_ID = re.compile(r"^\d{4}\.\d{4,5}$")
MAGIC = b"%PDF-"
MIN_BYTES = 1024
MAX_BYTES = 200 * 1024 * 1024
DEFAULT_URL = "https://arxiv.org/pdf/{id}"


class PdfError(Exception):
    """A PDF could not be downloaded; ``str()`` is one line for a person."""


def _check(paper_id: str) -> str:
    if not _ID.match(paper_id):  # the id becomes a file name: never a path
        raise ValueError(f"not an arXiv id: {paper_id!r}")
    return paper_id


def pdf_url(template: str, paper_id: str) -> str:
    """The PDF's URL from the configured template (``{id}`` is replaced)."""
    return template.replace("{id}", _check(paper_id))


def final_of(directory: Path, paper_id: str) -> Path:
    return directory / f"{_check(paper_id)}.pdf"


def part_of(directory: Path, paper_id: str) -> Path:
    return directory / f"{_check(paper_id)}.pdf.part"


def local_pdf(directory: Path, paper_id: str) -> Path | None:
    """The downloaded PDF, if there is one (only complete files ever carry this name)."""
    path = final_of(directory, paper_id)
    return path if path.is_file() else None


def ids(directory: Path) -> set[str]:
    """Ids with a downloaded PDF."""
    try:
        return {p.name[:-4] for p in directory.iterdir()
                if p.name.endswith(".pdf") and _ID.match(p.name[:-4])}
    except OSError:
        return set()


def _finish(handle: IO[Any], part: Path, final: Path) -> None:
    handle.flush()
    os.fsync(handle.fileno())
    handle.close()
    with part.open("rb") as f:
        head = f.read(len(MAGIC))
    size = part.stat().st_size
    if head != MAGIC:
        part.unlink(missing_ok=True)
        raise PdfError("the server did not send a PDF (it does not start with %PDF-)")
    if size < MIN_BYTES:
        part.unlink(missing_ok=True)
        raise PdfError(f"the PDF is too small to be real ({size} bytes)")
    os.replace(part, final)


async def _attempt(client: PapersClient, url: str, part: Path, final: Path,
                   progress: Callable[[int, int | None], None] | None) -> None:
    start = part.stat().st_size if part.exists() else 0
    async with client.download(url, start=start) as answer:
        total = answer.total
        if total is not None and total > MAX_BYTES:
            raise PdfError(f"the PDF is too large ({total // 1_000_000} MB)")
        if "text/html" in answer.content_type:
            raise PdfError("the server sent a web page, not a PDF")
        mode = "ab" if answer.offset else "wb"  # 200 to a Range: start over
        handle = await asyncio.to_thread(part.open, mode)
        done = answer.offset
        checked = answer.offset >= len(MAGIC)
        try:
            async for chunk in answer.chunks():
                if not checked and done + len(chunk) >= len(MAGIC):
                    head = chunk[: len(MAGIC) - done] if done == 0 else b""
                    if done == 0 and head != MAGIC:
                        raise PdfError("the server did not send a PDF "
                                       "(it does not start with %PDF-)")
                    checked = True
                await asyncio.to_thread(handle.write, chunk)
                done += len(chunk)
                if done > MAX_BYTES:
                    raise PdfError(f"the PDF is larger than {MAX_BYTES // 1_000_000} MB")
                if progress is not None:
                    progress(done, total)
        except BaseException:
            await asyncio.to_thread(handle.close)
            raise
        if total is not None and done != total:
            await asyncio.to_thread(handle.close)
            raise NetworkError(f"the download stopped at {done} of {total} bytes")
        await asyncio.to_thread(_finish, handle, part, final)


async def download_pdf(client: PapersClient, url: str, directory: Path, paper_id: str, *,
                       tries: int = 3,
                       progress: Callable[[int, int | None], None] | None = None) -> Path:
    """Download a paper's PDF to ``directory/<id>.pdf``; resumes a ``.part`` left by an
    earlier cut, retries a cut download ``tries`` times. Raises :class:`PdfError`."""
    final = final_of(directory, paper_id)
    part = part_of(directory, paper_id)
    await asyncio.to_thread(directory.mkdir, parents=True, exist_ok=True)
    last: Exception | None = None
    for attempt in range(max(1, tries)):
        try:
            await _attempt(client, url, part, final, progress)
            return final
        except PdfError:
            part.unlink(missing_ok=True)  # not a PDF: nothing worth resuming
            raise
        except RateLimited as err:
            raise PdfError(str(err)) from err
        except NetworkError as err:
            last = err  # keep the .part: the next try resumes it
            if attempt + 1 < tries:
                await asyncio.sleep(min(4.0, 0.5 * 2**attempt))
        except HubError as err:
            if getattr(err, "status", None) == 416:
                part.unlink(missing_ok=True)
                last = err
                continue
            raise PdfError(str(err)) from err
        except OSError as err:
            raise PdfError(f"could not save the PDF ({err.strerror or err})") from err
    raise PdfError(f"{last} (the partial download is kept; try again to resume)")
