"""The Hugging Face Papers API: an async client and the typed models it returns (no Textual)."""

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
