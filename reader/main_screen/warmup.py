"""The modules the app imports only when first used, imported ahead in a thread once every paper
is loaded: their first use (a dialog, the help screen, the reader) then costs no import on the
UI loop, and the first frame never waited for them either."""

from __future__ import annotations

import importlib

# What `import reader.app` leaves out on purpose (tests/tui/test_app_start.py checks both ways).
LATER_MODULES = (
    "tomlkit",  # writes config.toml (views, rules, theme); reading it is tomllib's
    "reader.screens.dialogs",  # save view, mute/watch rules
    "reader.screens.library_dialogs",  # tags and notes (Textual's TextArea)
    "reader.screens.export_dialog",
    "reader.export",
    "reader.screens.help",  # Textual's Markdown
    "reader.screens.reading",  # the full-text reader
    "reader.screens.links",
    "reader.screens.empty",
    "reader.editor",
    "webbrowser",
    "reader.query.masks",  # numpy: the filter's arrays (the engine imports it in its threads)
    # Not needed before the first frame either (the store opens in a thread worker, which
    # imports the engine itself; the rest is for text: filters, downloads and refreshes).
    "reader.query.engine",
    "reader.query.fulltext",
    "reader.store.derived.texts",
    "reader.fulltext_queue",
    "reader.store.positions",
    "reader.sync",
    "reader.store.shards",  # the cache's JSON shards: read and written by loads and merges
)


def warm_imports() -> None:
    """Import :data:`LATER_MODULES` (run in a thread worker: see reader.main_screen.loader)."""
    for name in LATER_MODULES:
        importlib.import_module(name)
