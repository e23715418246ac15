"""`paper-reader tag` and `note`: changes through the library, printing, errors."""

from __future__ import annotations

import io
import sys

import pytest

from reader.__main__ import main
from reader.store.library import Library
from reader.store.locations import locations


def test_tag_adds_removes_and_prints(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["tag", "2502.16161", "+todo", "Survey", "-nope"]) == 0
    assert capsys.readouterr().out == "todo survey\n"
    assert main(["tag", "https://arxiv.org/abs/2502.16161v2", "-todo", "+done"]) == 0
    assert capsys.readouterr().out == "survey done\n"
    assert main(["tag", "2502.16161"]) == 0
    assert capsys.readouterr().out == "survey done\n"
    assert Library(locations().library_file).snapshot().tags == {"2502.16161": ("survey", "done")}


@pytest.mark.parametrize("argv", [["tag", "nonsense", "+x"], ["tag", "2502.16161", "-"],
                                  ["tag", "2502.16161", "+x", "--offline"],
                                  ["note", "2502.16161", "x", "--clear"]])
def test_tag_and_note_refuse_bad_input_in_one_line(
        argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("paper-reader: ")
    assert not locations().library_file.exists()


def test_note_set_print_stdin_edit_clear(capsys: pytest.CaptureFixture[str],
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    assert main(["note", "2502.16161", "read", "section", "4"]) == 0
    assert main(["note", "2502.16161"]) == 0
    assert capsys.readouterr().out == "read section 4\n"
    monkeypatch.setattr(sys, "stdin", io.StringIO("from\nstdin\n"))
    assert main(["note", "2502.16161", "-"]) == 0
    assert Library(locations().library_file).snapshot().notes["2502.16161"] == "from\nstdin"
    monkeypatch.setenv("EDITOR", f"{sys.executable} -c \"import sys; p=sys.argv[1]; "
                       "t=open(p).read(); open(p, 'w').write(t.upper())\"")
    monkeypatch.delenv("VISUAL", raising=False)
    assert main(["note", "2502.16161", "--edit"]) == 0
    assert Library(locations().library_file).snapshot().notes["2502.16161"] == "FROM\nSTDIN"
    assert main(["note", "2502.16161", "--clear"]) == 0
    assert Library(locations().library_file).snapshot().notes == {}


def test_a_failing_editor_changes_nothing(capsys: pytest.CaptureFixture[str],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    assert main(["note", "2502.16161", "keep me"]) == 0
    monkeypatch.setenv("EDITOR", f"{sys.executable} -c \"import sys; sys.exit(3)\"")
    monkeypatch.delenv("VISUAL", raising=False)
    assert main(["note", "2502.16161", "--edit"]) == 1
    assert "status 3" in capsys.readouterr().err
    assert Library(locations().library_file).snapshot().notes["2502.16161"] == "keep me"
    monkeypatch.delenv("EDITOR")
    assert main(["note", "2502.16161", "--edit"]) == 1
    assert "no editor set" in capsys.readouterr().err
