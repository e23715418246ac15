"""The full-text search store (texts.sqlite): written with each full text, brought up to date
from the .md.gz files when stale, damaged or deleted; passages keep their section and block."""

from __future__ import annotations

import gzip
import sqlite3
import subprocess
import sys
from pathlib import Path

from reader.markdown_doc import parse as parse_doc
from reader.query import parse
from reader.query.fulltext import best_passages
from reader.store import fulltext
from reader.store.cache import PaperCache
from reader.store.derived.passages import cut
from reader.store.derived.texts import FILE_NAME, TextStore

PAPER = """# A title

An opening paragraph about nothing.

## 2 Method

We train attention heads on long sequences with $x_1 * y_2$.

| Model | Score |
|---|---:|
| Zebra | 1.0 |

## 3 Über Results

The café results are [here](https://example.org) and **bold**.
"""


def ids_in(store: TextStore) -> set[str]:
    conn = store.reader()
    try:
        return {pid for (pid,) in conn.execute("SELECT id FROM papers")}
    finally:
        conn.close()


def found(store: TextStore, text: str) -> set[str]:
    conn = store.reader()
    try:
        return set(best_passages(conn, sorted(ids_in(store)), parse(text)))
    finally:
        conn.close()


def test_passages_are_the_reading_screens_blocks_with_their_section() -> None:
    passages = cut(PAPER)
    blocks = parse_doc(PAPER).blocks
    for p in passages:
        assert blocks[p.block].plain == p.text  # the reading screen scrolls to p.block
    by_text = {p.text: p for p in passages}
    method = next(p for p in passages if "attention heads" in p.text)
    assert method.section == "2 Method"
    cafe = next(p for p in passages if "café" in p.text)
    assert cafe.section == "3 Über Results"
    assert cafe.text == "The café results are here <https://example.org> and bold."  # shown
    assert "Zebra" in next(t for t in by_text if "Model" in t)  # a table is one passage


def test_storing_a_full_text_indexes_it(tmp_path: Path) -> None:
    cache = PaperCache(tmp_path / "papers")
    cache.fulltext_put("2611.00001", PAPER)
    assert (tmp_path / FILE_NAME).exists()
    assert ids_in(cache.texts) == {"2611.00001"}
    assert cache.texts.stale() == ([], [])
    assert found(cache.texts, 'text:"attention heads"') == {"2611.00001"}
    assert found(cache.texts, "text:uber") == {"2611.00001"}  # folded like the matcher
    assert found(cache.texts, "text:cafe") == {"2611.00001"}
    assert found(cache.texts, 'text:"heads attention"') == set()


def test_a_full_text_changed_or_removed_behind_its_back_is_seen(tmp_path: Path) -> None:
    cache = PaperCache(tmp_path / "papers")
    cache.fulltext_put("2611.00001", PAPER)
    cache.fulltext_put("2611.00002", "# Two\n\nGiraffes everywhere.\n")
    # Another tool (or an older paper-reader) writes and deletes files directly.
    fulltext.put(cache.fulltext_dir, "2611.00001", "# New\n\nOnly zebras now.\n")
    fulltext.put(cache.fulltext_dir, "2611.00003", "# Three\n\nZebras too.\n")
    fulltext.path_of(cache.fulltext_dir, "2611.00002").unlink()
    changed, gone = cache.texts.stale()
    assert changed == ["2611.00001", "2611.00003"]
    assert gone == ["2611.00002"]
    assert cache.texts.refresh() == 2
    assert ids_in(cache.texts) == {"2611.00001", "2611.00003"}
    assert found(cache.texts, "text:zebras") == {"2611.00001", "2611.00003"}
    assert found(cache.texts, "text:attention") == set()
    assert found(cache.texts, "text:giraffes") == set()
    assert cache.texts.refresh() == 0  # up to date: nothing read again


def test_a_deleted_store_is_rebuilt_from_the_files(tmp_path: Path) -> None:
    cache = PaperCache(tmp_path / "papers")
    cache.fulltext_put("2611.00001", PAPER)
    for name in (FILE_NAME, FILE_NAME + "-wal", FILE_NAME + "-shm"):
        (tmp_path / name).unlink(missing_ok=True)
    conn = cache.texts_store()
    conn.close()
    assert found(cache.texts, "text:attention") == {"2611.00001"}


def test_a_damaged_store_is_reported_and_rebuilt(tmp_path: Path) -> None:
    cache = PaperCache(tmp_path / "papers")
    cache.fulltext_put("2611.00001", PAPER)
    for name in (FILE_NAME + "-wal", FILE_NAME + "-shm"):
        (tmp_path / name).unlink(missing_ok=True)
    (tmp_path / FILE_NAME).write_bytes(b"this is not a database" * 100)
    conn = cache.texts_store()
    conn.close()
    assert found(cache.texts, "text:attention") == {"2611.00001"}
    assert any("rebuilt from the downloaded full texts" in p for p in cache.problems)
    assert cache.fulltext_get("2611.00001") == PAPER  # the full text itself is untouched


def test_a_store_of_another_version_is_made_anew(tmp_path: Path) -> None:
    cache = PaperCache(tmp_path / "papers")
    cache.fulltext_put("2611.00001", PAPER)
    conn = sqlite3.connect(tmp_path / FILE_NAME)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    cache.texts_store().close()
    assert found(cache.texts, "text:attention") == {"2611.00001"}


def test_a_damaged_full_text_file_is_dropped_from_the_store(tmp_path: Path) -> None:
    cache = PaperCache(tmp_path / "papers")
    cache.fulltext_put("2611.00001", PAPER)
    path = fulltext.path_of(cache.fulltext_dir, "2611.00001")
    path.write_bytes(gzip.compress(b"x")[:10])  # truncated
    cache.texts.refresh()
    assert ids_in(cache.texts) == set()


def test_a_store_that_cannot_be_written_is_reported_not_raised(tmp_path: Path) -> None:
    cache = PaperCache(tmp_path / "papers")
    (tmp_path / FILE_NAME).mkdir()  # a directory where the file should be
    cache.fulltext_put("2611.00001", PAPER)  # the full text is saved all the same
    assert cache.fulltext_get("2611.00001") == PAPER
    assert any("Could not index the full text of 2611.00001" in p for p in cache.problems)


def test_hostile_text_is_stored_as_plain_cleaned_text(tmp_path: Path) -> None:
    hostile = ("# Evil [b]head[/b]\n\nClick [@click=app.quit] \x1b]52;c;aGk=\x07 and "
               "\x1b[31mred\x1b[0m \u202eevil\u202c [/] $x$\n")
    cache = PaperCache(tmp_path / "papers")
    cache.fulltext_put("2611.00001", hostile)
    conn = cache.texts.reader()
    texts = [t for (t,) in conn.execute("SELECT text || section FROM passages")]
    conn.close()
    joined = "".join(texts)
    assert "\x1b" not in joined and "\x07" not in joined and "\u202e" not in joined
    assert "[@click=app.quit]" in joined  # kept as text, to be shown as text
    assert found(cache.texts, "text:click") == {"2611.00001"}


def test_the_store_and_query_modules_do_not_import_textual() -> None:
    code = ("import sys, reader.store.derived.texts, reader.query.fulltext, reader.cli.texts; "
            "assert 'textual' not in sys.modules, 'textual imported'")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0, done.stderr
