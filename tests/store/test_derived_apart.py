"""The derived store rebuilt in a process of its own (reader.store.derived.apart), as the app
asks: the same store as a rebuild here, its progress and problems passed on, and a child that
dies mid-way reported without harm to the shards."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from reader.hub.models import Paper
from reader.store.cache import PaperCache
from reader.store.derived import store
from tests.store.test_derived import T0, ids


def _filled(papers_dir: Path, months: int = 3, per_month: int = 20) -> None:
    """Papers over ``months`` shards (one a month), their upvotes 0..per_month-1."""
    cache = PaperCache(papers_dir)
    cache.merge([Paper(f"25{m:02d}.{i:05d}", title=f"alpha paper {m} {i}", upvotes=i)
                 for m in range(1, months + 1) for i in range(per_month)],
                listed_on="2026-11-20", now=T0)


def _apart(papers_dir: Path) -> PaperCache:
    cache = PaperCache(papers_dir)
    cache.derived.apart = True
    return cache


def test_a_rebuild_apart_gives_the_store_a_rebuild_here_gives(tmp_path: Path) -> None:
    _filled(tmp_path / "papers")
    here = PaperCache(tmp_path / "papers")
    want = {text: ids(here, text) for text in ("alpha", "upvotes:>3", "paper 2 -upvotes:<9")}
    assert want["alpha"] and want["upvotes:>3"] and want["paper 2 -upvotes:<9"]
    store.remove(here.derived.path)
    steps: list[tuple[int, int]] = []
    cache = _apart(tmp_path / "papers")
    conn = cache.search_store(lambda done, total: steps.append((done, total)))
    conn.close()
    assert steps and steps[-1][0] == steps[-1][1]  # its progress, passed on
    assert {text: ids(cache, text) for text in want} == want
    assert cache.problems == []


def test_a_damaged_shard_met_apart_is_reported_here(tmp_path: Path) -> None:
    papers_dir = tmp_path / "papers"
    _filled(papers_dir)
    (papers_dir / "0101.json").write_bytes(b'{"_default": {"1": {"id": "0101.00001", ')
    cache = _apart(papers_dir)
    cache.search_store().close()
    assert any("0101.json" in problem for problem in cache.problems), cache.problems


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="finds the child in /proc")
def test_a_child_killed_mid_way_is_reported_and_loses_nothing(tmp_path: Path) -> None:
    papers_dir = tmp_path / "papers"
    _filled(papers_dir, months=6)
    before = {p.name: p.read_bytes() for p in papers_dir.glob("*.json")}
    killed: list[int] = []

    def kill_the_child(done: int, total: int) -> None:
        for entry in Path("/proc").iterdir():
            if killed or not entry.name.isdigit():
                continue
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                cmdline = (entry / "cmdline").read_bytes()
            except OSError:
                continue  # a process that ended meanwhile
            if parent == os.getpid() and b"reader.store.derived.apart" in cmdline:
                os.kill(int(entry.name), signal.SIGKILL)
                killed.append(int(entry.name))

    cache = _apart(papers_dir)
    with pytest.raises(sqlite3.OperationalError):
        cache.search_store(kill_the_child)
    assert killed
    assert any("rebuild of the search store stopped (exit code -9" in p
               for p in cache.problems), cache.problems
    assert not store.usable(cache.derived.path)  # nothing half-built put in place
    assert {p.name: p.read_bytes() for p in papers_dir.glob("*.json")} == before
    assert ids(_apart(papers_dir), "alpha")  # and the next try builds it


def test_the_child_stops_when_its_parent_goes(tmp_path: Path) -> None:
    """Its stdin closing is the sign: it exits at once, whatever it was doing."""
    papers_dir = tmp_path / "papers"
    _filled(papers_dir, months=12, per_month=300)
    proc = subprocess.Popen([sys.executable, "-m", "reader.store.derived.apart", str(papers_dir)],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert proc.stdout is not None and proc.stdin is not None
    first = proc.stdout.readline()  # the first shard's progress: the rebuild is under way
    assert b"progress" in first
    proc.stdin.close()
    assert proc.wait(timeout=30) == 3
    assert not store.usable(papers_dir.parent / "papers.sqlite")


def test_a_rebuild_its_caller_stops_stops_its_process(tmp_path: Path) -> None:
    """The app's worker, cancelled (the app quits), raises from the progress callback: the
    child is stopped and reaped at once, and nothing half-built is put in place."""
    from reader.store.derived import apart

    class Stop(Exception):
        pass

    def stop(done: int, total: int) -> None:
        raise Stop()

    papers_dir = tmp_path / "papers"
    _filled(papers_dir, months=12, per_month=300)
    with pytest.raises(Stop):
        apart.rebuild(papers_dir, stop)
    assert not store.usable(papers_dir.parent / "papers.sqlite")  # it stopped after a shard
