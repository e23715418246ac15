"""Errors the Papers client raises: each one's ``str()`` is a single line fit to show a user."""

from __future__ import annotations


class HubError(Exception):
    """Anything that went wrong talking to the Papers API.

    ``str(err)`` is one line of plain text naming what failed (never a token, never markup).
    """

    def __init__(self, message: str) -> None:
        # One line, always: a message with newlines would break a status bar or a log line.
        self.message = " ".join(message.split())
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message


class NetworkError(HubError):
    """The server could not be reached, timed out or dropped the connection."""


class RateLimited(HubError):
    """The server asked us to slow down for longer than we are willing to wait."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after  # seconds until the window resets, when the server said


class ServerError(HubError):
    """The server answered with an HTTP error status."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


class BadResponse(HubError):
    """The server answered 200 but the body was not what the API promises (broken JSON, HTML)."""


class PaperNotFound(HubError):
    """The paper is not indexed on Hugging Face (the API answered 404)."""

    def __init__(self, paper_id: str, message: str | None = None) -> None:
        super().__init__(message or f"{paper_id} is not on Hugging Face")
        self.paper_id = paper_id
