"""The full-text store: compressed files, old plain files still read, ids never paths."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from reader.store import fulltext


def test_put_compresses_and_get_reads_back(tmp_path: Path) -> None:
    text = "# Title\n\n" + "Ünïcode $x_t * y_t$ body. " * 2000
    fulltext.put(tmp_path, "2602.00001", text)
    stored = tmp_path / "2602.00001.md.gz"
    assert stored.stat().st_size < len(text.encode()) // 4
    assert gzip.decompress(stored.read_bytes()).decode() == text
    assert fulltext.get(tmp_path, "2602.00001") == text
    assert fulltext.ids(tmp_path) == {"2602.00001"}


def test_plain_files_of_earlier_versions_are_read_then_replaced(tmp_path: Path) -> None:
    (tmp_path / "2602.00002.md").write_text("# Old plain\n", encoding="utf-8")
    assert fulltext.ids(tmp_path) == {"2602.00002"}
    assert fulltext.get(tmp_path, "2602.00002") == "# Old plain\n"
    fulltext.put(tmp_path, "2602.00002", "# New\n")
    assert not (tmp_path / "2602.00002.md").exists()
    assert fulltext.get(tmp_path, "2602.00002") == "# New\n"


def test_a_damaged_file_is_moved_aside_and_reads_as_missing(tmp_path: Path) -> None:
    (tmp_path / "2602.00003.md.gz").write_bytes(b"\x1f\x8b not really gzip")
    assert fulltext.get(tmp_path, "2602.00003") is None
    assert fulltext.ids(tmp_path) == set()
    assert [p.name.split(".corrupt-")[0] for p in tmp_path.iterdir()] == ["2602.00003.md.gz"]


@pytest.mark.parametrize("bad", ["../../etc/passwd", "2602.00001/../x", "", "2602.1", "a.b"])
def test_ids_never_become_paths(tmp_path: Path, bad: str) -> None:
    with pytest.raises(ValueError):
        fulltext.put(tmp_path, bad, "x")
    with pytest.raises(ValueError):
        fulltext.get(tmp_path, bad)


def test_stray_files_are_not_ids(tmp_path: Path) -> None:
    for name in ("notes.md", "2602.00001.md.gz.tmp", "x.md.gz", "2602.00004.txt"):
        (tmp_path / name).write_text("x")
    assert fulltext.ids(tmp_path) == set()
    assert fulltext.ids(tmp_path / "missing") == set()
