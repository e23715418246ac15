"""Every file paper-reader keeps, damaged four ways (cut in half, garbled bytes, wrong JSON types,
a future format version): `list`, `show` and the app's start do not crash, the bookmarks survive,
and a damaged file the user cannot re-fetch is either left as it was or moved aside and reported,
never silently overwritten. Derived files (indexes, papers.sqlite) may be rebuilt.
"""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import pytest

from reader.__main__ import main as cli
from reader.store import fulltext
from reader.store.library import Library
from reader.store.locations import locations
from reader.store.positions import Position, Positions
from reader.store.searches import RecentSearches
from tests.fakehub import Corpus
from tests.tui.conftest import fill_cache, settle
from tests.tui.test_app_readonly import record_notes
from tests.tui.test_app_start import main as main_screen

KINDS = ("truncated", "garbled", "wrong-types", "future-version")
# name -> (a glob under the home, kept: True when the user could not get it back by a sync)
FILES: dict[str, tuple[str, bool]] = {
    "config.toml": ("config/config.toml", True),
    "library.json": ("data/library.json", True),
    "searches.json": ("data/searches.json", True),
    "reading.json": ("data/reading.json", True),
    "shard": ("cache/papers/[0-9]*.json", True),
    "index.json": ("cache/papers/index.json", False),
    "papers.sqlite": ("cache/papers.sqlite", False),
    "fulltext": ("cache/fulltext/*.md.gz", False),
    "pdf": ("data/pdf/*.pdf", True),
}


def _populate(corpus: Corpus) -> str:
    """A home with every file; returns a bookmarked paper's id."""
    where = locations().ensure()
    where.config_file.write_text("[network]\nrequest_seconds = 5\n", encoding="utf-8")
    fill_cache(corpus)
    pid = str(corpus.items_on(corpus.dates()[-1])[0]["paper"]["id"])
    library = Library(where.library_file)
    library.set_bookmark(pid, True)
    library.edit_tags(pid, ["kept"])
    searches = RecentSearches(where.data_dir / "searches.json")
    searches.add("diffusion")
    searches.save()
    Positions(where.data_dir / "reading.json").put(pid, Position(1, 0))
    fulltext.put(where.fulltext_dir, pid, "# A title\n\nA body.\n")
    (where.data_dir / "pdf").mkdir(parents=True, exist_ok=True)
    (where.data_dir / "pdf" / f"{pid}.pdf").write_bytes(b"%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF\n")
    assert cli(["list", "diffusion", "--limit", "1"]) == 0  # builds papers.sqlite
    return pid


def _wrong_types(value: Any) -> Any:
    """Each value swapped for one of another type, one level down."""
    if isinstance(value, dict):
        return {k: _swap(v) for k, v in value.items()}
    return {"not": "a list"}


def _swap(value: Any) -> Any:
    if isinstance(value, str):
        return 12345
    if isinstance(value, bool | int | float):
        return "seven"
    if isinstance(value, list):
        return {"a": 1}
    if isinstance(value, dict):
        return [1, "x", None]
    return []


def _future(value: Any) -> bool:
    """Set every "format"/"version" number (top level and one table down) to 999999."""
    found = False
    if isinstance(value, dict):
        for key, inner in value.items():
            if key in ("format", "version") and isinstance(inner, int):
                value[key] = 999999
                found = True
            elif isinstance(inner, dict):
                found = _future(inner) or found
    return found


def _damage(path: Path, kind: str) -> None:
    data = path.read_bytes()
    if kind == "truncated":
        path.write_bytes(data[: len(data) // 2])
    elif kind == "garbled":
        rng = random.Random(path.name)
        blob = bytearray(data)
        for i in range(len(blob) // 4, len(blob) * 3 // 4, 3):
            blob[i] = rng.randrange(256)
        path.write_bytes(bytes(blob))
    elif path.suffix == ".sqlite":
        if kind == "wrong-types":
            pytest.skip("papers.sqlite is typed by SQLite: wrong JSON types do not apply")
        conn = sqlite3.connect(path)
        conn.execute("PRAGMA user_version = 999999")
        conn.commit()
        conn.close()
    elif path.suffix == ".toml":
        if kind == "future-version":
            pytest.skip("config.toml carries no format version")
        path.write_text('[network]\nrequest_seconds = "fast"\nmax_pages = [1]\n'
                        "[ui]\ntheme = 7\n", encoding="utf-8")
    elif path.suffix == ".json":
        doc = orjson.loads(data)
        if kind == "wrong-types":
            path.write_bytes(orjson.dumps(_wrong_types(doc)))
        else:
            if not _future(doc):
                pytest.skip(f"{path.name} carries no format version")
            path.write_bytes(orjson.dumps(doc))
    else:
        pytest.skip(f"{path.name} is not JSON: only truncation and garbling apply")


def _find(home: Path, pattern: str) -> Path:
    found = sorted(home.glob(pattern))
    if not found:
        pytest.skip(f"no {pattern} in a filled home")
    return found[0]


CASES = [pytest.param(name, kind, id=f"{name}-{kind}") for name in FILES for kind in KINDS]


@pytest.mark.parametrize(("name", "kind"), CASES)
async def test_a_damaged_file_is_survived_and_reported(
        name: str, kind: str, corpus: Corpus, home: Path, make_app: Callable[..., Any],
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    pid = _populate(corpus)
    pattern, kept = FILES[name]
    path = _find(home, pattern)
    _damage(path, kind)
    damaged = path.read_bytes()
    capsys.readouterr()

    assert cli(["list"]) in (0, 1)
    assert cli(["show", pid]) in (0, 1)
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err

    seen = record_notes(monkeypatch)
    app = make_app(None)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        assert screen.controller.state.is_bookmarked(pid) or name == "library.json"
    assert app.return_code in (None, 0)

    said = err + "\n".join(seen)
    moved = sorted(path.parent.glob(f"{path.name}.corrupt-*"))
    if moved:
        assert moved[0].read_bytes() == damaged, "moved aside, but not the damaged bytes"
        assert path.name in said, f"{path.name} was moved aside without a word: {said!r}"
    elif kept:
        assert path.read_bytes() == damaged, f"{path.name} was overwritten without a word"
    state = Library(locations().library_file).snapshot()
    if name == "library.json":
        assert moved or path.read_bytes() == damaged
    else:
        assert state.is_bookmarked(pid) and state.tags.get(pid) == ("kept",)
