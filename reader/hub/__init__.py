"""The Hugging Face Papers API: an async client and the typed models it returns (no Textual).

The names below are imported on first use, not with the package: ``reader.hub.models`` is
needed at start-up, while the client (and httpx with it, ~60 ms) is not needed before the first
paint, nor at all with ``--offline``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from reader.hub.client import PapersClient
    from reader.hub.errors import (
        BadResponse,
        HubError,
        NetworkError,
        PaperNotFound,
        RateLimited,
        ServerError,
    )
    from reader.hub.ids import InvalidPaperId, normalize_id

_WHERE = {
    "PapersClient": "reader.hub.client",
    "BadResponse": "reader.hub.errors",
    "HubError": "reader.hub.errors",
    "NetworkError": "reader.hub.errors",
    "PaperNotFound": "reader.hub.errors",
    "RateLimited": "reader.hub.errors",
    "ServerError": "reader.hub.errors",
    "InvalidPaperId": "reader.hub.ids",
    "normalize_id": "reader.hub.ids",
}

__all__ = [
    "BadResponse",
    "HubError",
    "InvalidPaperId",
    "NetworkError",
    "PaperNotFound",
    "PapersClient",
    "RateLimited",
    "ServerError",
    "normalize_id",
]


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(importlib.import_module(_WHERE[name]), name)
    raise AttributeError(f"module 'reader.hub' has no attribute {name!r}")
