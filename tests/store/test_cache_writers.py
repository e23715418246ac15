"""One writer at a time for the paper cache: two importing processes lose nothing, and a shard
that could not be written leaves its day incomplete and the command failing."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import orjson
import pytest

from reader.__main__ import main
from reader.cli import sync_cmd
from reader.store import shards
from reader.store.cache import PaperCache
from reader.store.locations import locations
from tests.conftest import CORPUS_END
from tests.fakehub import Corpus, FakeHub

ROOT = Path(__file__).resolve().parents[2]
PER_PROCESS = 6000  # papers each process imports: more than one write batch


def _item(pid: str, day: str) -> dict[str, Any]:
    return {"paper": {"id": pid, "title": f"Paper {pid}", "summary": "words",
                      "submittedOnDailyAt": f"{day}T08:00:00.000Z", "upvotes": 1}}


def _dump(path: Path, parity: int) -> set[str]:
    """Papers of three months, every other id for each process (same shards, same days)."""
    ids: set[str] = set()
    with path.open("wb") as out:
        for i in range(PER_PROCESS):
            n = 2 * i + parity
            month = ("2601", "2602", "2603")[n % 3]
            pid = f"{month}.{n:05d}"
            ids.add(pid)
            out.write(orjson.dumps(_item(pid, f"2026-0{1 + n % 3}-{1 + n % 20:02d}")) + b"\n")
    return ids


def _import(dump: Path, home: Path, go: Path) -> subprocess.Popen[str]:
    code = ("import sys, time\nfrom pathlib import Path\nfrom reader.__main__ import main\n"
            "go = Path(sys.argv[2])\nwhile not go.exists():\n    time.sleep(0.001)\n"
            "sys.exit(main(['import', sys.argv[1]]))\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PAPER_READER_HOME": str(home)}
    return subprocess.Popen([sys.executable, "-c", code, str(dump), str(go)], env=env,
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_two_imports_at_once_lose_no_paper(tmp_path: Path, home: Path) -> None:
    want = _dump(tmp_path / "a.jsonl", 0) | _dump(tmp_path / "b.jsonl", 1)
    go = tmp_path / "go"
    procs = [_import(tmp_path / f"{x}.jsonl", home, go) for x in "ab"]
    time.sleep(0.5)  # both started and waiting: then they race
    go.touch()
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    cache = PaperCache(locations().papers_dir)
    got = set(cache.load_all())
    assert len(want - got) == 0, f"{len(want - got)} papers lost"
    assert cache.problems == []
    listed = {pid for day in cache.days() for pid in cache.ids_on(day)}
    assert listed == want  # the day index lost nothing either


def _full_disk(*args: Any, **kwargs: Any) -> os.stat_result:
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def test_import_that_saved_nothing_exits_non_zero(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    dump = tmp_path / "a.jsonl"
    _dump(dump, 0)
    with monkeypatch.context() as patch:
        patch.setattr(shards, "atomic_write_bytes", _full_disk)
        assert main(["import", str(dump)]) != 0
    err = capsys.readouterr().err
    assert "No space left on device" in err
    assert "not saved" in err
    assert len(PaperCache(locations().papers_dir)) == 0


@pytest.fixture
def pinned_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sync_cmd, "feed_today", lambda: CORPUS_END)


def test_failed_shard_write_leaves_the_day_incomplete(
    hf_endpoint: FakeHub, corpus: Corpus, pinned_today: None,
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    day = CORPUS_END.isoformat()
    with monkeypatch.context() as patch:
        patch.setattr(shards, "atomic_write_bytes", _full_disk)
        assert main(["sync", "--date", day, "--no-trending"]) != 0
    assert "No space left on device" in capsys.readouterr().err
    cache = PaperCache(locations().papers_dir)
    assert not cache.day_complete(day)
    assert len(cache) == 0
    # a later sync with room on the disk fetches the day again and completes it
    assert main(["sync", "--date", day, "--no-trending"]) == 0
    cache = PaperCache(locations().papers_dir)
    assert cache.day_complete(day)
    assert len(cache) == len(corpus.items_on(day))
