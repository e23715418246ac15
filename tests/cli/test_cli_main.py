"""The command line's skeleton: help, version, --offline anywhere, starting the TUI."""

from __future__ import annotations

import importlib.abc
import io
import os
import subprocess
import sys
import types
from collections.abc import Sequence
from pathlib import Path

import pytest

from reader import __version__
from reader.__main__ import main
from reader.cli.output import Progress, truncate

COMMANDS = ("sync", "import", "list", "show")


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.strip() == f"paper-reader {__version__}"


def test_top_level_help_lists_commands_examples_and_environment(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    for word in (*COMMANDS, "--offline", "examples:", "HF_ENDPOINT", "PAPER_READER_HOME"):
        assert word in out


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_examples(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main([command, "--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert "examples:" in out and f"paper-reader {command}" in out
    assert "--offline" in out


def test_unknown_option_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["list", "--bogus"])
    assert exit_.value.code == 2
    assert "unrecognized arguments: --bogus" in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv", [["sync", "--days", "0"], ["sync", "--date", "2026-02-30"], ["sync", "--month", "2026"],
             ["sync", "--days", "2", "--since", "2026-01-01"], ["list", "--limit", "-3"]]
)
def test_bad_option_values_are_usage_errors(argv: list[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2


@pytest.mark.parametrize("argv", [["sync", "--offline"], ["--offline", "sync", "--days", "3"]])
def test_sync_refuses_offline_before_or_after_the_command(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("paper-reader: ") and "--offline" in err
    assert err.count("\n") == 1


class _FakeApp:
    def __init__(self) -> None:
        self.calls: list[bool] = []

    def run_app(self, *, offline: bool) -> int:
        self.calls.append(offline)
        return 0


@pytest.mark.parametrize(("argv", "offline"), [([], False), (["--offline"], True)])
def test_no_command_starts_the_app(
    argv: Sequence[str], offline: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = _FakeApp()
    module = types.ModuleType("reader.app")
    module.run_app = app.run_app  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "reader.app", module)
    assert main(list(argv)) == 0
    assert app.calls == [offline]


@pytest.mark.parametrize("argv", [["--offline", "--offline"], ["--offline", "list"], ["--bogus"]])
def test_anything_but_a_bare_start_goes_through_the_full_parser(
    argv: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    app = _FakeApp()
    module = types.ModuleType("reader.app")
    module.run_app = app.run_app  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "reader.app", module)
    if argv == ["--bogus"]:
        with pytest.raises(SystemExit):
            main(argv)
        return
    main(argv)
    assert app.calls == ([True] if argv[-1] == "--offline" else [])


def test_starting_the_reader_loads_neither_httpx_nor_the_sub_commands(tmp_path: Path) -> None:
    # Each would delay the first frame (httpx alone ~60 ms); the client is made on first use.
    code = ("import sys\n"
            "import reader.__main__, reader.app\n"
            "app = reader.app.PaperReaderApp(offline=False)\n"
            "print(sorted(m for m in ('httpx', 'reader.cli.parser', 'reader.cli.sync_cmd')"
            " if m in sys.modules))")
    env = {**os.environ, "PAPER_READER_HOME": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env=env, cwd=Path(__file__).resolve().parents[2])
    assert out.stdout.strip() == "[]"


def test_missing_app_is_a_clear_message(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "reader.app", None)  # makes `import reader.app` fail
    assert main([]) == 1
    err = capsys.readouterr().err
    assert err.startswith("paper-reader: ") and "reader.app" in err
    assert err.count("\n") == 1


class _BrokenDependency(importlib.abc.MetaPathFinder):
    """Makes `import reader.app` fail the way a missing third-party dependency would."""

    def find_spec(self, name: str, path: object, target: object = None) -> None:
        if name == "reader.app":
            raise ModuleNotFoundError("No module named 'somedep'", name="somedep")
        return None


def test_a_broken_dependency_of_the_app_is_not_hidden(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(sys.modules, "reader.app", raising=False)
    monkeypatch.setattr(sys, "meta_path", [_BrokenDependency(), *sys.meta_path])
    with pytest.raises(ModuleNotFoundError, match="somedep"):
        main([])


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_redraws_one_line_on_a_terminal() -> None:
    stream = _Terminal()
    progress = Progress("sync", stream)
    progress("2026-03-06", 1, 3)
    progress("trending", 3, 3)
    progress.close()
    text = stream.getvalue()
    assert "\n" not in text
    assert text.count("\r") >= 3
    assert "1/3 2026-03-06" in text and "3/3 trending" in text
    assert text.endswith("\r")  # erased, so the summary starts on a clean line


def test_progress_prints_plain_lines_elsewhere() -> None:
    stream = io.StringIO()
    progress = Progress("sync", stream)
    progress("2026-03-06", 1, 2)
    progress("trending", 2, 2)
    progress.close()
    assert stream.getvalue() == "sync: 2026-03-06 (1/2)\nsync: trending (2/2)\n"


def test_truncate() -> None:
    assert truncate("abcdef", 10) == "abcdef"
    assert truncate("abcdef", 4) == "abc…"


def test_errors_a_user_can_cause_end_as_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    """reader.__main__ imports the error helpers only when an error is to be said."""
    from reader.__main__ import _guarded
    from reader.cli.output import CliError

    def fails(exc: BaseException) -> int:
        raise exc

    assert _guarded(lambda: fails(CliError("no such paper", 3))) == 3
    assert "no such paper" in capsys.readouterr().err
    assert _guarded(lambda: fails(KeyboardInterrupt())) == 130
    assert "interrupted" in capsys.readouterr().err
    with pytest.raises(ValueError, match="a bug"):
        _guarded(lambda: fails(ValueError("a bug")))


def test_starting_the_reader_imports_no_parser_nor_cli_helpers() -> None:
    code = ("import sys, reader.__main__, reader.app\n"
            "print(' '.join(m for m in ('argparse', 'reader.cli.output') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).resolve().parents[2],
                         capture_output=True, text=True, check=True, timeout=60)
    assert out.stdout.split() == []
