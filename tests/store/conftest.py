"""Fixtures for the store tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.store import shards


@pytest.fixture
def parsed_shards(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the shards parsed from their JSON from now on, in order."""
    names: list[str] = []
    real = shards.read_shard

    def counted(path: Path, name: str) -> object:
        names.append(name)
        return real(path, name)

    monkeypatch.setattr(shards, "read_shard", counted)
    return names
