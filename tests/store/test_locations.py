"""Tests for reader.store.locations: the env override and the platformdirs default."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.store.locations import HOME_ENV, Locations, locations


def test_home_env_relocates_everything(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(HOME_ENV, str(tmp_path / "portable"))
    loc = locations()
    root = tmp_path / "portable"
    assert loc == Locations(root / "config", root / "data", root / "cache")
    assert loc.config_file == root / "config" / "config.toml"
    assert loc.library_file == root / "data" / "library.json"
    assert loc.papers_dir == root / "cache" / "papers"
    assert loc.fulltext_dir == root / "cache" / "fulltext"


def test_ensure_creates_directories(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(HOME_ENV, str(tmp_path / "h"))
    loc = locations().ensure()
    for path in (loc.config_dir, loc.data_dir, loc.cache_dir, loc.papers_dir, loc.fulltext_dir):
        assert path.is_dir()
    assert loc.ensure() == loc  # idempotent


def test_default_uses_platformdirs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(HOME_ENV, raising=False)
    import platformdirs

    loc = locations()
    assert loc.config_dir == platformdirs.user_config_path("paper-reader")
    assert loc.data_dir == platformdirs.user_data_path("paper-reader")
    assert loc.cache_dir == platformdirs.user_cache_path("paper-reader")
    assert loc.config_dir != loc.cache_dir
