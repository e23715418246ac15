"""arXiv paper ids: turn what a user pastes into the bare id Hugging Face uses, or refuse it.

Ids end up in URLs and file names, so the result is always exactly ``NNNN.NNNN(N)`` in ASCII
digits: nothing else (no ``/``, no ``..``, no version) can get through.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from reader.hub.errors import HubError
from reader.hub.text import clean_line

__all__ = ["InvalidPaperId", "is_paper_id", "normalize_id"]

# [0-9] rather than \d: \d also matches Arabic-Indic and other Unicode digits.
_ID = re.compile(r"[0-9]{4}\.[0-9]{4,5}")
_VERSIONED = re.compile(r"([0-9]{4}\.[0-9]{4,5})(?:[vV][0-9]+)?")
# Pre-2007 arXiv ids, e.g. hep-th/9901001 or math.GT/0309136v2.
_OLD_STYLE = re.compile(r"[a-z][a-z\-]*(?:\.[A-Za-z]{2})?/[0-9]{7}(?:v[0-9]+)?", re.IGNORECASE)
# The URL paths that carry an id: arxiv.org/abs|pdf|html/ID and huggingface.co/papers/ID.
_URL_PATH = re.compile(r"/(?:abs|pdf|html|papers)/(?P<id>.+?)(?:\.pdf|\.md)?/?")
_SCHEMELESS_HOST = re.compile(
    r"(?:www\.|export\.)?(?:arxiv\.org|huggingface\.co|hf\.co)/", re.IGNORECASE
)


class InvalidPaperId(HubError, ValueError):
    """The text is not an arXiv id that Hugging Face can know about."""


def is_paper_id(text: str) -> bool:
    """True if ``text`` is already a bare, version-less new-style arXiv id."""
    return _ID.fullmatch(text) is not None


def _shown(text: str) -> str:
    """The user's input, made safe and short enough to quote in an error message."""
    shown = clean_line(text)
    return shown if len(shown) <= 60 else shown[:57] + "..."


def normalize_id(text: str) -> str:
    """Return the bare arXiv id in ``text`` or raise :class:`InvalidPaperId`.

    Accepts ``2502.16161``, ``2502.16161v2``, ``arxiv:2502.16161`` (any case),
    ``https://arxiv.org/abs/…``, ``https://arxiv.org/pdf/…(.pdf)`` and
    ``https://huggingface.co/papers/…(.md)``, with or without the scheme.
    """
    s = text.strip()
    if not s:
        raise InvalidPaperId("no paper id given")
    candidate = s
    if candidate[:6].lower() == "arxiv:":
        candidate = candidate[6:].strip()
    elif _SCHEMELESS_HOST.match(candidate):
        candidate = "https://" + candidate
    if candidate.lower().startswith(("http://", "https://")):
        path = urlsplit(candidate).path
        match = _URL_PATH.fullmatch(path)
        if match is None:
            raise InvalidPaperId(f"{_shown(text)} is not a link to an arXiv or Hugging Face paper")
        candidate = match.group("id")
    versioned = _VERSIONED.fullmatch(candidate)
    if versioned is not None:
        return versioned.group(1)
    if _OLD_STYLE.fullmatch(candidate):
        raise InvalidPaperId(
            f"{_shown(candidate)} is an old-style arXiv id: papers from before April 2007 are "
            "not available on Hugging Face (open it on arxiv.org instead)"
        )
    raise InvalidPaperId(f"{_shown(text)} is not an arXiv id (expected e.g. 2502.16161)")
