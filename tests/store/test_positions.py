"""Reading positions: saved atomically, merged across instances, bounded, damage moved aside."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from reader.store import positions as positions_mod
from reader.store.positions import FORMAT, Position, Positions


def test_put_get_and_two_instances(tmp_path: Path) -> None:
    path = tmp_path / "reading.json"
    a, b = Positions(path), Positions(path)
    assert a.get("2602.00001") is None
    a.put("2602.00001", Position(12, 340))
    b.put("2602.00002", Position(3, 0))  # b re-reads first: a's paper is kept
    assert Positions(path).get("2602.00001") == Position(12, 340)
    assert Positions(path).get("2602.00002") == Position(3, 0)
    doc = orjson.loads(path.read_bytes())
    assert doc["format"] == FORMAT and doc["version"] == 1


def test_only_the_newest_are_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(positions_mod, "LIMIT", 3)
    store = Positions(tmp_path / "reading.json")
    for n in range(5):
        store.put(f"2602.0000{n}", Position(n, 0))
    store.put("2602.00001", Position(9, 9))  # moved to the newest end
    kept = orjson.loads((tmp_path / "reading.json").read_bytes())["positions"]
    assert list(kept) == ["2602.00003", "2602.00004", "2602.00001"]


def test_a_damaged_file_is_moved_aside(tmp_path: Path) -> None:
    path = tmp_path / "reading.json"
    path.write_bytes(b"{not json")
    store = Positions(path)
    assert store.get("2602.00001") is None
    assert store.problems and "moved aside" in store.problems[0]
    assert any(p.name.startswith("reading.json.corrupt-") for p in tmp_path.iterdir())
    store.put("2602.00001", Position(1, 2))
    assert Positions(path).get("2602.00001") == Position(1, 2)


def test_bad_entries_are_ignored(tmp_path: Path) -> None:
    path = tmp_path / "reading.json"
    path.write_bytes(orjson.dumps({"format": FORMAT, "version": 1, "positions": {
        "2602.00001": {"block": "x", "offset": 0}, "2602.00002": [1, 2],
        "2602.00003": {"block": -4, "offset": 7}}}))
    store = Positions(path)
    assert store.get("2602.00001") is None and store.get("2602.00002") is None
    assert store.get("2602.00003") == Position(0, 7)
