"""Hostile strings (stored raw in the cache by a foreign writer) through `export` in every format
and `digest` in every format: no escape byte, C1 control or bidi override reaches the output, and
the HTML digest escapes markup."""

from __future__ import annotations

import pytest

from reader.__main__ import main
from reader.export import FORMATS
from reader.export.digest import DIGEST_FORMATS
from tests.breakit.test_hostile_text import DAY, STORED, _clean_cli, foreign_cache

__all__ = ["foreign_cache"]  # the fixture, shared with the other hostile-text suite


@pytest.mark.parametrize("fmt", FORMATS)
def test_export_writes_no_escape(
    fmt: str, foreign_cache: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["export", "--format", fmt]) == 0
    out, err = capsys.readouterr()
    assert out.count("2603.") >= len(STORED)  # every hostile paper was exported
    _clean_cli(out + err)


@pytest.mark.parametrize("fmt", DIGEST_FORMATS)
def test_digest_writes_no_escape(
    fmt: str, foreign_cache: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["digest", "--date", DAY, "--top", "1000", "--format", fmt]) == 0
    out, err = capsys.readouterr()
    assert out.count("2603.") >= len(STORED)
    _clean_cli(out + err)
    if fmt == "html":
        assert "<script>" not in out
        assert "&lt;script&gt;" in out
