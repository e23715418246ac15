"""A home copied or restored from a backup keeps its search stores (derived.file_versions).

Every file of a copy has a new inode (and, with a plain copy, a new mtime), so by identity every
shard looks changed; the digest kept beside each identity tells that its bytes did not.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from reader.hub.models import Paper
from reader.query import Context, parse
from reader.query.sql import search
from reader.store import fulltext, shards
from reader.store.cache import PaperCache
from reader.store.derived import file_versions, schema, store

T0 = "2026-11-20T00:00:00.000Z"
COPIES: dict[str, Callable[[str, str], object]] = {
    "cp -a (mtimes kept)": shutil.copy2,
    "cp -r (new mtimes)": shutil.copy,
}


def home(root: Path) -> Path:
    """A cache dir with three shards, its store written with them (as import and sync do)."""
    cache = PaperCache(root / "papers")
    cache.derived.build_on_write = True
    for month in ("2609", "2610", "2611"):
        cache.merge([Paper(f"{month}.{i:05d}", title=f"alpha {month} {i}", upvotes=i)
                     for i in range(4)], listed_on=f"20{month[:2]}-{month[2:]}-20", now=T0)
    return root


def copy_of(root: Path, to: Path, copy: Callable[[str, str], object]) -> Path:
    shutil.copytree(root, to, copy_function=copy)
    return to


def strip_digests(db: Path, table: str) -> None:
    """Make the versions in ``table`` of the store ``db`` identities alone, as a paper-reader
    before digests wrote them."""
    conn = sqlite3.connect(db)
    with conn:
        conn.execute(f"UPDATE {table} SET stamp = substr(stamp, 1, instr(stamp, ?) - 1)",
                     (file_versions.SEP,))
    conn.close()


def steps_of_search_store(root: Path) -> tuple[list[tuple[int, int]], list[str]]:
    steps: list[tuple[int, int]] = []
    cache = PaperCache(root / "papers")
    conn = cache.search_store(lambda done, total: steps.append((done, total)))
    try:
        return steps, search(conn, parse("alpha"), Context())
    finally:
        conn.close()


def held_identities(root: Path) -> dict[str, str]:
    conn = sqlite3.connect(root / schema.FILE_NAME)
    try:
        return store.shard_stamps(conn)
    finally:
        conn.close()


def on_disk(root: Path) -> dict[str, str]:
    out = {}
    for name, path in shards.shard_paths(root / "papers"):
        version = store.stamp_text(path)
        assert version is not None
        out[name] = version
    return out


@pytest.mark.parametrize("copy", COPIES.values(), ids=COPIES.keys())
def test_a_copied_home_keeps_its_store(tmp_path: Path,
                                       copy: Callable[[str, str], object]) -> None:
    original = home(tmp_path / "a")
    _steps, expected = steps_of_search_store(original)
    copied = copy_of(original, tmp_path / "b", copy)
    assert held_identities(copied) != on_disk(copied)  # by identity, every shard changed

    steps, found = steps_of_search_store(copied)

    assert steps == []  # no shard indexed again
    assert found == expected and len(found) == 12
    assert held_identities(copied) == on_disk(copied)


def test_a_shard_changed_in_the_copy_is_indexed_again(tmp_path: Path) -> None:
    original = home(tmp_path / "a")
    copied = copy_of(original, tmp_path / "b", shutil.copy2)
    other = PaperCache(copied / "papers")  # an older paper-reader: the shard, not the store
    other.derived.update = lambda *args, **kw: None  # type: ignore[method-assign]
    other.merge([Paper("2610.00099", title="alpha october late")], listed_on="2026-10-21",
                now=T0)

    steps, found = steps_of_search_store(copied)

    assert steps == [(1, 1)]  # 2610 alone: 2609 and 2611 were copied as they were
    assert "2610.00099" in found and len(found) == 13


def test_a_store_without_digests_indexes_a_copy_again(tmp_path: Path) -> None:
    """A store written before digests were kept: nothing tells a copy from a change."""
    original = home(tmp_path / "a")
    strip_digests(original / schema.FILE_NAME, "shards")
    copied = copy_of(original, tmp_path / "b", shutil.copy)

    steps, found = steps_of_search_store(copied)

    assert steps == [(1, 3), (2, 3), (3, 3)]
    assert len(found) == 12


def test_a_store_without_digests_gets_them_at_the_first_start(tmp_path: Path) -> None:
    original = home(tmp_path / "a")
    strip_digests(original / schema.FILE_NAME, "shards")
    assert len(PaperCache(original / "papers").load_all()) == 12  # a start of the new version
    copied = copy_of(original, tmp_path / "b", shutil.copy)

    steps, found = steps_of_search_store(copied)

    assert steps == []
    assert len(found) == 12


def test_a_start_on_a_copy_reads_the_papers_from_the_store(
    tmp_path: Path, parsed_shards: list[str]
) -> None:
    copied = copy_of(home(tmp_path / "a"), tmp_path / "b", shutil.copy)
    parsed_shards.clear()  # the home's own making parsed none either; from here it counts

    records = PaperCache(copied / "papers").load_all()

    assert len(records) == 12
    assert parsed_shards == []  # not one shard parsed from its JSON


def test_a_version_is_adopted_only_if_still_the_one_compared(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another writer that stamps a shard while its file is hashed keeps its version."""
    copied = copy_of(home(tmp_path / "a"), tmp_path / "b", shutil.copy)
    path = copied / schema.FILE_NAME
    real = file_versions._digest_of

    def meanwhile(file: Path) -> tuple[str, str] | None:
        if file.name == "2610.json":
            other = sqlite3.connect(path)
            with other:
                other.execute("UPDATE shards SET stamp = 'theirs' WHERE name = '2610'")
            other.close()
        return real(file)

    monkeypatch.setattr(file_versions, "_digest_of", meanwhile)
    conn = store.connect(path)
    try:
        moved = store.keep_unchanged_shards(conn, copied / "papers", on_disk(copied))
        assert moved == {"2609", "2611"}
        assert store.shard_stamps(conn)["2610"] == "theirs"
    finally:
        conn.close()


TEXT = "# A title\n\n## 2 Method\n\nWe train attention heads on long sequences.\n"


def texts_home(root: Path) -> PaperCache:
    cache = PaperCache(root / "papers")
    cache.fulltext_put("2611.00001", TEXT)
    cache.fulltext_put("2611.00002", "# Two\n\nGiraffes everywhere.\n")
    return cache


def text_ids(cache: PaperCache) -> set[str]:
    conn = cache.texts.reader()
    try:
        return {pid for (pid,) in conn.execute(
            "SELECT p.id FROM papers p JOIN passages s ON s.rid >> 24 = p.num "
            "JOIN passage_words w ON w.rowid = s.rid WHERE passage_words MATCH 'giraffes'")}
    finally:
        conn.close()


@pytest.mark.parametrize("copy", COPIES.values(), ids=COPIES.keys())
def test_a_copied_home_keeps_its_full_text_passages(tmp_path: Path,
                                                    copy: Callable[[str, str], object]) -> None:
    texts_home(tmp_path / "a")
    copied = PaperCache(copy_of(tmp_path / "a", tmp_path / "b", copy) / "papers")
    assert copied.texts.stale()[0] == ["2611.00001", "2611.00002"]  # by identity

    assert copied.texts.refresh() == 0  # not one indexed again

    assert copied.texts.stale() == ([], [])
    assert text_ids(copied) == {"2611.00002"}


def test_a_full_text_changed_in_the_copy_is_indexed_again(tmp_path: Path) -> None:
    texts_home(tmp_path / "a")
    copied = PaperCache(copy_of(tmp_path / "a", tmp_path / "b", shutil.copy) / "papers")
    fulltext.put(copied.fulltext_dir, "2611.00001", "# New\n\nGiraffes here too.\n")

    assert copied.texts.refresh() == 1

    assert text_ids(copied) == {"2611.00001", "2611.00002"}


def test_full_texts_indexed_without_digests_get_them_at_the_next_refresh(tmp_path: Path) -> None:
    cache = texts_home(tmp_path / "a")
    strip_digests(cache.texts.path, "papers")
    assert cache.texts.refresh() == 0  # unchanged: only sealed
    copied = PaperCache(copy_of(tmp_path / "a", tmp_path / "b", shutil.copy) / "papers")

    assert copied.texts.refresh() == 0


def test_a_shard_that_cannot_be_read_does_not_stop_the_store(tmp_path: Path) -> None:
    """A file that cannot be hashed (here a folder with a shard's name; a file of another
    owner in a restored backup) keeps a version without a digest; the rest is indexed."""
    root = home(tmp_path / "a")
    (root / "papers" / "2612.json").mkdir()
    store.remove(root / schema.FILE_NAME)

    _steps, found = steps_of_search_store(root)

    assert len(found) == 12
    assert held_identities(root)["2612"] == on_disk(root)["2612"]
    assert shard_versions_held(root)["2612"] == on_disk(root)["2612"]  # no digest


def shard_versions_held(root: Path) -> dict[str, str]:
    conn = sqlite3.connect(root / schema.FILE_NAME)
    try:
        return dict(conn.execute("SELECT name, stamp FROM shards"))
    finally:
        conn.close()
