"""Hostile command lines: every option given huge, negative, non-numeric or impossible values
ends with a usage message and exit 2 (or does its job), never with a traceback."""

from __future__ import annotations

import contextlib
import functools
import io

import pytest

from reader.__main__ import main
from reader.cli import sync_cmd
from reader.hub.client import PapersClient
from tests.conftest import CORPUS_END
from tests.fakehub import FakeHub

HUGE = "99999999999999999999"
# (argv, expected exit status): 2 = refused at parsing, 0/1 = ran (1: nothing to show/fetch).
CASES: list[tuple[list[str], int]] = [
    (["sync", "--days", "1000000"], 2),
    (["sync", "--days", HUGE], 2),
    (["sync", "--days", "-1"], 2),
    (["sync", "--days", "0"], 2),
    (["sync", "--days", "abc"], 2),
    (["sync", "--days", "1e3"], 2),
    (["sync", "--days", ""], 2),
    (["sync", "--days", "36501"], 2),
    (["sync", "--days", "2"], 0),
    (["sync", "--date", "2026-02-30"], 2),
    (["sync", "--date", "99999-01-01"], 2),
    (["sync", "--date", "20260306"], 2),
    (["sync", "--date", "2026-W10-1"], 2),
    (["sync", "--date", "\x1b[31m"], 2),
    (["sync", "--date", "0001-01-01", "--no-trending"], 0),
    (["sync", "--date", "9999-12-31", "--no-trending"], 0),
    (["sync", "--since", "9999-12-31"], 2),
    (["sync", "--since", "0000-01-01"], 2),
    (["sync", "--since", "-2026-01-01"], 2),
    (["sync", "--month", "2026-13"], 2),
    (["sync", "--month", HUGE], 2),
    (["sync", "--month", "0001-01", "--no-trending"], 0),
    (["sync", "--days", "2", "--date", "2026-03-06"], 2),
    (["list", "--limit", HUGE], 0),
    (["list", "--limit", "-1"], 2),
    (["list", "--limit", "x"], 2),
    (["list", "--view", "nope"], 2),
    (["list", "[" * 10_000], 0),
    (["list", "(" * 10_000], 2),
    (["list", "upvotes:>" + HUGE], 2),
    (["list", "upvotes:>1e400"], 2),
    (["list", "date:>99999-01-01"], 2),
    (["show", HUGE], 2),
    (["show", "../../etc/passwd"], 2),
    (["show", "2603.00001" + "9" * 5000], 2),
    (["show", "2603.00001"], 1),
    (["import", "/nonexistent/file.json"], 1),
    (["--bogus"], 2),
    (["sync", "--bogus"], 2),
]


@pytest.fixture(autouse=True)
def quick(hf_endpoint: FakeHub, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sync_cmd, "feed_today", lambda: CORPUS_END)
    monkeypatch.setattr(sync_cmd, "PapersClient", functools.partial(
        PapersClient, retries=0, backoff=0.001))


@pytest.mark.parametrize(("argv", "code"), CASES, ids=[" ".join(a)[:40] for a, _ in CASES])
def test_hostile_command_lines(
    argv: list[str], code: int, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) if code == 2 and _argparse_refuses(argv) else _nothing():
        got = main(argv)
        assert got == code
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    assert "\x1b" not in out + err
    if code == 2:
        lines = [line for line in err.splitlines() if line.strip()]
        said = [ln for ln in lines if "error: " in ln or ln.startswith("paper-reader: ")]
        assert len(said) == 1 and len(said[0]) < 400, err


def _argparse_refuses(argv: list[str]) -> bool:
    """Whether argparse itself rejects ``argv`` (it exits; the rest return 2)."""
    from reader.cli.parser import build_parser

    try:
        with contextlib.redirect_stderr(io.StringIO()):
            build_parser().parse_args(argv)
    except SystemExit:
        return True
    return False


class _nothing:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None
