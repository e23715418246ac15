"""The break-it suites drive the app with the TUI tests' fixtures."""

from tests.tui.conftest import dead_url, make_app

__all__ = ["dead_url", "make_app"]
