"""Where paper-reader keeps its config, its user library and its re-fetchable cache."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "paper-reader"
HOME_ENV = "PAPER_READER_HOME"  # one variable relocates everything (tests, portable installs)
LEFTOVERS = ("query-index.bin",)  # see Locations.leftover_files


@dataclass(frozen=True, slots=True)
class Locations:
    """The three directories and the well-known files inside them."""

    config_dir: Path
    data_dir: Path  # the user's library: not re-fetchable, never deleted by us
    cache_dir: Path  # papers, full texts: safe to delete, costs a re-sync

    @property
    def config_file(self) -> Path:
        return self.config_dir / "config.toml"

    @property
    def library_file(self) -> Path:
        return self.data_dir / "library.json"

    @property
    def papers_dir(self) -> Path:
        return self.cache_dir / "papers"

    @property
    def leftover_files(self) -> tuple[Path, ...]:
        """Files of earlier versions that the search store replaced: deleted once it is open
        (reader.controller), so an upgrade frees their space."""
        return tuple(self.cache_dir / name for name in LEFTOVERS)

    @property
    def fulltext_dir(self) -> Path:
        return self.cache_dir / "fulltext"

    def ensure(self) -> Locations:
        """Create every directory (parents too); returns self so calls can chain."""
        for path in (self.config_dir, self.data_dir, self.cache_dir, self.papers_dir,
                     self.fulltext_dir):
            path.mkdir(parents=True, exist_ok=True)
        return self


def locations() -> Locations:
    """The directories to use: ``$PAPER_READER_HOME/{config,data,cache}`` if that is set, else the
    platform's usual places (``platformdirs``)."""
    home = os.environ.get(HOME_ENV)
    if home:
        root = Path(home).expanduser()
        return Locations(root / "config", root / "data", root / "cache")
    return Locations(
        platformdirs.user_config_path(APP_NAME),
        platformdirs.user_data_path(APP_NAME),
        platformdirs.user_cache_path(APP_NAME),
    )
