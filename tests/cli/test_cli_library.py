"""`paper-reader library export|import`: the merge, dry runs, other tools' lists, and two
processes writing the library while an import runs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from reader.__main__ import main
from reader.store.library import Library
from reader.store.locations import HOME_ENV, locations

ROOT = Path(__file__).resolve().parent.parent.parent


def library() -> Library:
    return Library(locations().library_file)


def test_export_then_import_on_another_home_merges_overlapping_edits(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv(HOME_ENV, str(tmp_path / "laptop"))
    lib = library()
    lib.set_bookmark("2601.00001", True)
    lib.set_read("2601.00002", True)
    lib.edit_tags("2601.00001", ["shared", "laptop"])
    lib.set_note("2601.00001", "older laptop note")
    lib.set_note("2601.00003", "laptop only")
    exported = tmp_path / "lib.json"
    assert main(["library", "export", str(exported)]) == 0
    assert "1 bookmarks, 1 read marks, 1 tagged papers and 2 notes" in capsys.readouterr().err

    monkeypatch.setenv(HOME_ENV, str(tmp_path / "desktop"))
    lib = library()
    lib.set_bookmark("2601.00009", True)
    lib.edit_tags("2601.00001", ["shared", "desktop"])
    lib.set_note("2601.00001", "newer desktop note")  # written after the export: wins
    before = locations().library_file.read_bytes()
    assert main(["library", "import", str(exported), "--dry-run"]) == 0
    dry = capsys.readouterr()
    assert locations().library_file.read_bytes() == before
    assert "(dry run) bookmarked 2601.00001" in dry.out and "nothing saved" in dry.err
    assert main(["library", "import", str(exported)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == ["bookmarked 2601.00001", "marked read 2601.00002",
                   "tagged 2601.00001: +laptop", "note added to 2601.00003",
                   out[-1]]
    assert out[-1].startswith("note of 2601.00001 kept")
    state = library().snapshot()
    assert set(state.bookmarks) == {"2601.00001", "2601.00009"}
    assert set(state.read) == {"2601.00002"}
    assert state.tags["2601.00001"] == ("shared", "desktop", "laptop")
    assert state.notes == {"2601.00001": "newer desktop note", "2601.00003": "laptop only"}
    # Importing again changes nothing; the library.json itself can be imported too.
    assert main(["library", "import", str(exported)]) == 0
    assert "0 changed" in capsys.readouterr().err
    assert main(["library", "import", str(tmp_path / "laptop" / "data" / "library.json")]) == 0
    assert "library.json: " in capsys.readouterr().err


def test_import_lists_of_ids_and_bibtex_as_bookmarks(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    listing = tmp_path / "ids.txt"
    listing.write_text("# my list\n2401.00001\nhttps://arxiv.org/abs/2401.00002v3\n"
                       "arxiv:2401.00003\n\nnot an id \x1b[31m\n", encoding="utf-8")
    assert main(["library", "import", str(listing)]) == 0
    captured = capsys.readouterr()
    assert "\x1b" not in captured.err and "skipped: not an id" in captured.err
    bib = tmp_path / "refs.bib"
    bib.write_text("""@comment{x}
@article{a, title={A}, eprint={2402.00001}, archivePrefix={arXiv}}
@misc{b, title = {B}, url = {https://arxiv.org/abs/2402.00002}}
@misc{c, title = "C", doi = "10.48550/arXiv.2402.00003"}
@book{d, title={No arXiv here}}
@article{e, title={E}, journal={arXiv preprint arXiv:2402.00004}, year={2024}}
""", encoding="utf-8")
    assert main(["library", "import", str(bib)]) == 0
    assert "1 BibTeX entry has no arXiv id" in capsys.readouterr().err
    assert set(library().snapshot().bookmarks) == {
        "2401.00001", "2401.00002", "2401.00003", "2402.00001", "2402.00002", "2402.00003",
        "2402.00004"}


@pytest.mark.parametrize(("content", "message"), [
    (b'{"kind": "paper-reader-library", "version": 99}', "newer paper-reader"),
    (b'{"kind": "something else"}', "not a paper-reader library export"),
    (b'{"kind": "paper-reader-library", "version": 1, "bookmarks": {"../x": "t"}}',
     "not an arXiv id"),
    (b'{"broken', "not valid JSON"),
    (b"nothing\nuseful\n", "no arXiv ids"),
])
def test_bad_files_change_nothing(tmp_path: Path, content: bytes, message: str,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    library().set_bookmark("2601.00001", True)
    before = locations().library_file.read_bytes()
    path = tmp_path / "in"
    path.write_bytes(content)
    assert main(["library", "import", str(path)]) == 1
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
    assert locations().library_file.read_bytes() == before


WRITER = """
import sys
from reader.store.library import Library
from reader.store.locations import locations
lib = Library(locations().library_file)
for i in range(int(sys.argv[1])):
    pid = f"2605.{i:05d}"
    lib.set_bookmark(pid, True)
    lib.edit_tags(pid, ["writer"])
print("done", flush=True)
"""


def test_import_while_two_processes_write_the_library_loses_nothing(tmp_path: Path) -> None:
    incoming = {"kind": "paper-reader-library", "version": 1,
                "bookmarks": {f"2604.{i:05d}": "2026-01-01T00:00:00.000Z" for i in range(150)},
                "tags": {"2605.00001": {"tags": ["imported"], "at": "2026-01-01T00:00:00Z"}},
                "notes": {f"2604.{i:05d}": {"text": f"n{i}", "at": "2026-01-01T00:00:00Z"}
                          for i in range(0, 150, 3)}}
    path = tmp_path / "incoming.json"
    path.write_bytes(orjson.dumps(incoming))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, "60"], env=env, cwd=ROOT,
                                stdout=subprocess.PIPE, text=True) for _ in range(2)]
    imports = [subprocess.run([sys.executable, "-m", "reader", "library", "import", str(path)],
                              env=env, cwd=ROOT, capture_output=True, text=True, check=False)
               for _ in range(3)]
    for writer in writers:
        out, _ = writer.communicate(timeout=120)
        assert writer.returncode == 0 and out.strip() == "done"
    assert all(run.returncode == 0 for run in imports), [run.stderr for run in imports]
    state = library().snapshot()
    for i in range(60):
        assert f"2605.{i:05d}" in state.bookmarks
        assert "writer" in state.tags[f"2605.{i:05d}"]
    assert "imported" in state.tags["2605.00001"]
    assert all(f"2604.{i:05d}" in state.bookmarks for i in range(150))
    assert len([pid for pid in state.notes if pid.startswith("2604.")]) == 50
