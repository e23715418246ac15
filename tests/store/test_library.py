"""Tests for reader.store.library: operations, persistence, damaged and newer files."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import orjson
import pytest
from tinydb import TinyDB

from reader.store import storage as storage_module
from reader.store.library import Library, LibraryError, normalize_tags
from reader.store.state import LibraryState
from reader.store.storage import FORMAT


@pytest.fixture
def lib_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "library.json"


def test_empty_library(lib_path: Path) -> None:
    lib = Library(lib_path)
    assert lib.snapshot() == LibraryState()
    assert lib.problems == [] and not lib.read_only
    assert not lib_path.exists()  # nothing written until something changes


def test_operations_persist(lib_path: Path) -> None:
    lib = Library(lib_path)
    assert lib.toggle_bookmark("2602.00001") is True
    assert lib.toggle_bookmark("2602.00002") is True
    assert lib.toggle_bookmark("2602.00002") is False
    lib.set_bookmark("2602.00003", True)
    lib.set_bookmark("2602.00004", False)
    lib.set_read("2602.00001", True)
    assert lib.toggle_read("2602.00005") is True
    assert lib.toggle_read("2602.00005") is False
    lib.set_tags("2602.00001", ["LLM", " to read ", "llm", ""])
    lib.set_note("2602.00001", "Check [b]table 3[/b]\nsecond line")
    state = Library(lib_path).snapshot()
    assert set(state.bookmarks) == {"2602.00001", "2602.00003"}
    assert set(state.read) == {"2602.00001"}
    assert state.tags == {"2602.00001": ("llm", "to-read")}
    assert state.notes == {"2602.00001": "Check [b]table 3[/b]\nsecond line"}
    assert state.is_bookmarked("2602.00001") and not state.is_read("2602.00003")
    assert all(at.endswith("Z") for at in state.bookmarks.values())


def test_removing_tags_and_notes(lib_path: Path) -> None:
    lib = Library(lib_path)
    lib.set_tags("2602.00001", ["a"])
    lib.set_note("2602.00001", "n")
    lib.set_tags("2602.00001", [])
    lib.set_note("2602.00001", "   ")
    assert Library(lib_path).snapshot() == LibraryState()


def test_read_keeps_first_read_time_and_no_needless_writes(lib_path: Path) -> None:
    lib = Library(lib_path)
    lib.set_read("2602.00001", True)
    first = lib.snapshot().read["2602.00001"]
    inode = lib_path.stat().st_ino
    lib.set_read("2602.00001", True)
    lib.set_bookmark("2602.00009", False)
    assert lib_path.stat().st_ino == inode  # unchanged state: not rewritten
    assert lib.snapshot().read["2602.00001"] == first


@pytest.mark.parametrize(
    ("tags", "want"),
    [([], ()), (["A", "a", " b "], ("a", "b")), (["machine  learning"], ("machine-learning",)),
     (["", "  "], ()), (["Z", "y"], ("z", "y"))],
)
def test_normalize_tags(tags: list[str], want: tuple[str, ...]) -> None:
    assert normalize_tags(tags) == want


def test_visits(lib_path: Path) -> None:
    first = Library(lib_path)
    assert first.start_visit("2026-03-01T00:00:00.000Z") is None
    assert first.snapshot().last_visit is None
    second = Library(lib_path)
    assert second.snapshot().last_visit == "2026-03-01T00:00:00.000Z"
    assert second.start_visit("2026-03-02T00:00:00.000Z") == "2026-03-01T00:00:00.000Z"
    second.toggle_bookmark("2602.00001")
    assert second.snapshot().last_visit == "2026-03-01T00:00:00.000Z"
    assert Library(lib_path).start_visit() == "2026-03-02T00:00:00.000Z"


def test_file_is_stock_tinydb_with_stable_doc_ids(lib_path: Path) -> None:
    lib = Library(lib_path)
    for i in range(1, 4):
        lib.set_bookmark(f"2602.0000{i}", True)
    lib.set_bookmark("2602.00002", False)
    lib.set_bookmark("2602.00004", True)
    with TinyDB(lib_path) as db:
        assert db.table("_meta").get(doc_id=1) == {"format": FORMAT, "kind": "library"}
        rows = {doc.doc_id: doc["id"] for doc in db.table("bookmarks").all()}
    assert rows == {1: "2602.00001", 3: "2602.00003", 4: "2602.00004"}


def test_sees_other_instances_changes(lib_path: Path) -> None:
    a, b = Library(lib_path), Library(lib_path)
    a.toggle_bookmark("2602.00001")
    b.toggle_bookmark("2602.00002")  # re-reads first: a's bookmark survives
    a.set_note("2602.00002", "x")
    assert set(Library(lib_path).snapshot().bookmarks) == {"2602.00001", "2602.00002"}
    assert set(b.reload().bookmarks) == {"2602.00001", "2602.00002"}
    assert b.reload().notes == {"2602.00002": "x"}
    assert b.toggle_bookmark("2602.00001") is False  # decided on the fresh state


@pytest.mark.parametrize(
    "content",
    [b"not json at all", b'{"bookmarks": {"1": {"id": "x", "at": "t"}}', b"", b"[]",
     b'{"bookmarks": {"1": {"id": "x", "at": "t"}}}'],  # the last one has no format version
    ids=["garbage", "truncated", "empty", "a list", "no version"],
)
def test_damaged_file_is_moved_aside_never_overwritten(lib_path: Path, content: bytes) -> None:
    lib_path.parent.mkdir(parents=True)
    lib_path.write_bytes(content)
    lib = Library(lib_path)
    moved = list(lib_path.parent.glob("library.json.corrupt-*"))
    assert len(moved) == 1 and moved[0].read_bytes() == content
    assert lib.snapshot() == LibraryState()
    assert len(lib.problems) == 1
    assert str(moved[0]) in lib.problems[0] and "empty library" in lib.problems[0]
    lib.toggle_bookmark("2602.00001")
    assert moved[0].read_bytes() == content
    assert set(Library(lib_path).snapshot().bookmarks) == {"2602.00001"}


def test_damaged_entries_are_dropped_and_the_original_kept(lib_path: Path) -> None:
    lib = Library(lib_path)
    lib.set_bookmark("2602.00001", True)
    lib.set_bookmark("2602.00002", True)
    data = orjson.loads(lib_path.read_bytes())
    data["bookmarks"]["2"]["at"] = 12
    data["tags"] = {"1": {"id": "2602.00001", "tags": ["ok", 3]}}
    lib_path.write_bytes(orjson.dumps(data))
    original = lib_path.read_bytes()
    again = Library(lib_path)
    assert set(again.snapshot().bookmarks) == {"2602.00001"} and again.snapshot().tags == {}
    assert "2 damaged entries" in again.problems[0]
    moved = list(lib_path.parent.glob("library.json.corrupt-*"))
    assert len(moved) == 1 and moved[0].read_bytes() == original


def test_damage_during_a_session_keeps_the_session_copy(lib_path: Path) -> None:
    lib = Library(lib_path)
    lib.set_bookmark("2602.00001", True)
    lib_path.write_bytes(b"\x00\x00\x00")  # something else wrecked it
    lib.set_bookmark("2602.00002", True)
    assert set(Library(lib_path).snapshot().bookmarks) == {"2602.00001", "2602.00002"}
    assert "this session's copy" in lib.problems[0]
    assert len(list(lib_path.parent.glob("library.json.corrupt-*"))) == 1


def test_newer_format_is_left_untouched(lib_path: Path) -> None:
    """Decision: a library from a newer paper-reader is never read, moved or overwritten;
    this session works in memory and says its changes are not saved."""
    lib_path.parent.mkdir(parents=True)
    body = {"_meta": {"1": {"format": FORMAT + 1, "kind": "library"}},
            "bookmarks": {"1": {"id": "2602.00001", "at": "t", "new_field": 1}}}
    lib_path.write_bytes(orjson.dumps(body))
    original = lib_path.read_bytes()
    lib = Library(lib_path)
    assert lib.read_only
    assert len(lib.problems) == 1 and "newer paper-reader" in lib.problems[0]
    assert "not saved" in lib.problems[0]
    assert lib.toggle_bookmark("2602.00002") is True
    assert set(lib.snapshot().bookmarks) == {"2602.00002"}
    assert lib_path.read_bytes() == original
    assert not list(lib_path.parent.glob("library.json.corrupt-*"))


def test_failed_write_raises_and_keeps_disk_state(
    lib_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lib = Library(lib_path)
    lib.set_bookmark("2602.00001", True)

    def disk_full(path: Path, data: bytes) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(storage_module, "atomic_write_bytes", disk_full)
    with pytest.raises(LibraryError, match="not saved"):
        lib.toggle_bookmark("2602.00002")
    assert set(lib.snapshot().bookmarks) == {"2602.00001"}  # what is on disk
    monkeypatch.undo()
    assert lib.toggle_bookmark("2602.00002") is True


# --- tags with edit times, travel, read-only homes -------------------------------------------


def test_edit_tags_adds_and_removes_on_the_fresh_state(lib_path: Path) -> None:
    a, b = Library(lib_path), Library(lib_path)
    assert a.edit_tags("2602.00001", ["x", "y"]) == ("x", "y")
    # b has not seen a's tags; its edit is decided on the file, so a's tags survive.
    assert b.edit_tags("2602.00001", ["z"], ["x"]) == ("y", "z")
    doc = Library(lib_path).dump().tags["2602.00001"]
    assert doc[0] == ("y", "z") and doc[1].endswith("Z")
    assert a.edit_tags("2602.00001", remove=["y", "z"]) == ()
    assert Library(lib_path).snapshot().tags == {}


def test_tags_and_notes_drop_control_characters(lib_path: Path) -> None:
    lib = Library(lib_path)
    lib.edit_tags("2602.00001", ["evil\x1b[31mred", "a\u202eb"])
    lib.set_note("2602.00001", "line\x1b]52;c;eA==\x07 one\nline two")
    state = Library(lib_path).snapshot()
    assert state.tags["2602.00001"] == ("evilred", "ab")
    assert state.notes["2602.00001"] == "line one\nline two"


def test_merge_is_a_union_and_the_newer_note_wins(lib_path: Path) -> None:
    from reader.store.travel import Dump

    lib = Library(lib_path)
    lib.set_bookmark("2602.00001", True)
    lib.edit_tags("2602.00001", ["mine"])
    lib.set_note("2602.00001", "my note")
    lib.set_note("2602.00002", "older here")
    mine_at = lib.dump().notes["2602.00001"][1]
    incoming = Dump(
        bookmarks={"2602.00003": "2026-01-01T00:00:00.000Z"},
        read={"2602.00001": "2026-01-02T00:00:00.000Z"},
        tags={"2602.00001": (("theirs", "mine"), "2026-01-01T00:00:00.000Z")},
        notes={"2602.00001": ("their older note", "2000-01-01T00:00:00.000Z"),
               "2602.00002": ("newer there", "2999-01-01T00:00:00.000Z"),
               "2602.00004": ("new", "2026-01-01T00:00:00.000Z")},
    )
    before = lib_path.read_bytes()
    plan = lib.merge(incoming, dry_run=True)
    assert lib_path.read_bytes() == before  # a dry run saves nothing
    assert plan.changes == [
        "bookmarked 2602.00003", "marked read 2602.00001", "tagged 2602.00001: +theirs",
        "note of 2602.00002 replaced by the newer one (2999-01-01T00:00:00.000Z)",
        "note added to 2602.00004"]
    assert plan.kept and "2602.00001" in plan.kept[0]
    lib.merge(incoming)
    state = Library(lib_path).snapshot()
    assert set(state.bookmarks) == {"2602.00001", "2602.00003"}
    assert state.bookmarks["2602.00003"] == "2026-01-01T00:00:00.000Z"
    assert state.tags["2602.00001"] == ("mine", "theirs")
    assert state.notes == {"2602.00001": "my note", "2602.00002": "newer there",
                           "2602.00004": "new"}
    assert Library(lib_path).dump().notes["2602.00001"][1] == mine_at
    assert lib.merge(incoming).changes == []  # merging twice changes nothing


def _no_lock_file(monkeypatch: pytest.MonkeyPatch, code: int) -> None:
    """As root chmod does not stop writes: a read-only or full file system is simulated by
    making the lock file's creation (and every write) fail with ``code``."""
    from filelock import FileLock

    def refuse(self: object, *args: object, **kwargs: object) -> None:
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(FileLock, "acquire", refuse)
    monkeypatch.setattr(storage_module, "atomic_write_bytes", refuse)


def test_read_only_home_reads_and_refuses_changes_with_one_line(
        lib_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lib = Library(lib_path)
    lib.set_bookmark("2602.00001", True)
    lib.set_note("2602.00001", "kept")
    original = lib_path.read_bytes()
    _no_lock_file(monkeypatch, errno.EROFS)
    ro = Library(lib_path)
    assert set(ro.snapshot().bookmarks) == {"2602.00001"}
    assert ro.refusal is not None and "cannot be written" in ro.refusal
    assert ro.problems == []  # reading is not a problem: a change is refused when tried
    with pytest.raises(LibraryError, match="not saved") as caught:
        ro.toggle_bookmark("2602.00002")
    assert "\n" not in str(caught.value)
    assert ro.reload().notes == {"2602.00001": "kept"}
    assert ro.start_visit() is None  # the session starts, in memory
    assert lib_path.read_bytes() == original


def test_full_disk_lets_the_visit_start_and_says_so(
        lib_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    Library(lib_path).start_visit("2026-03-01T00:00:00.000Z")
    lib = Library(lib_path)

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(storage_module, "atomic_write_bytes", full)
    assert lib.start_visit("2026-03-02T00:00:00.000Z") == "2026-03-01T00:00:00.000Z"
    assert lib.snapshot().last_visit == "2026-03-01T00:00:00.000Z"
    assert any("visit was not recorded" in p for p in lib.problems)
