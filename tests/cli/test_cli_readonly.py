"""A read-only home: `list`, `show` and `export` read; library changes are refused in one line.

Run as root, chmod does not stop writes, so a read-only file system is simulated: creating
the lock file and every atomic write fail with EROFS (as they do on a read-only mount)."""

from __future__ import annotations

import errno
import os
from pathlib import Path
from typing import Any

import orjson
import pytest

from reader.__main__ import main
from reader.store import atomic, storage
from reader.store.library import Library
from reader.store.locations import locations
from tests.fakehub import Corpus


def read_only(monkeypatch: pytest.MonkeyPatch) -> None:
    from filelock import FileLock

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise OSError(errno.EROFS, os.strerror(errno.EROFS))

    monkeypatch.setattr(FileLock, "acquire", refuse)
    monkeypatch.setattr(storage, "atomic_write_bytes", refuse)
    monkeypatch.setattr(atomic, "atomic_write_bytes", refuse)
    monkeypatch.setattr(atomic.tempfile, "mkstemp", refuse)


def test_read_only_home_reads_and_refuses_changes(
        tmp_path: Path, corpus: Corpus, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    items: list[dict[str, Any]] = list(corpus.items_on(corpus.dates()[-1]))
    path = tmp_path / "dump.json"
    path.write_bytes(orjson.dumps(items))
    assert main(["import", str(path)]) == 0
    pid = items[0]["paper"]["id"]
    Library(locations().library_file).edit_tags(pid, ["kept"])
    ids = tmp_path / "ids.txt"
    ids.write_text("2401.00001\n", encoding="utf-8")
    capsys.readouterr()
    before = {p: p.read_bytes() for p in Path(os.environ["PAPER_READER_HOME"]).rglob("*")
              if p.is_file()}
    read_only(monkeypatch)
    assert main(["list", "tag:kept", "--json"]) == 0
    assert [d["id"] for d in orjson.loads(capsys.readouterr().out)] == [pid]
    assert main(["show", pid]) == 0
    assert pid in capsys.readouterr().out
    assert main(["export", "-f", "bibtex", "tag:kept"]) == 0
    assert f"eprint = {{{pid}}}" in capsys.readouterr().out
    assert main(["tag", pid, "+more"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "cannot be written (Read-only file system)" in err
    assert main(["library", "import", str(ids)]) == 1
    assert "the change was not saved" in capsys.readouterr().err
    after = {p: p.read_bytes() for p in Path(os.environ["PAPER_READER_HOME"]).rglob("*")
             if p.is_file()}
    assert after == before
