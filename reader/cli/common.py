"""What several sub-commands share: opening the cache and the library, reporting problems."""

from __future__ import annotations

from reader.cli.output import warn
from reader.store.cache import PaperCache
from reader.store.locations import Locations, locations
from reader.store.state import LibraryState


def open_cache(where: Locations | None = None) -> PaperCache:
    """The paper cache (its directories created if needed); callers report ``cache.problems``."""
    where = (where or locations()).ensure()
    return PaperCache(where.papers_dir)


def report_problems(problems: list[str]) -> None:
    """Print what the store had to repair (a corrupt file moved aside) as warnings."""
    for problem in problems:
        warn(problem)


def library_state(where: Locations | None = None) -> LibraryState:
    """A snapshot of the user's library (bookmarks, read, tags, notes); warns about problems."""
    from reader.store.library import Library  # only list/show need it; sync/import do not

    where = (where or locations()).ensure()
    library = Library(where.library_file)
    state = library.snapshot()
    report_problems(library.problems)
    return state
