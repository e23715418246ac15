"""The one table of key bindings: it feeds the footer, the help screen and the README key table.

``python -m reader.keys --markdown`` prints the README table (including the list and detail
widgets' own keys, read from their BINDINGS). Every id can be remapped in config.toml [keymap].
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from textual.binding import Binding, BindingType

# Textual key names shown the way people type them.
_PRETTY = {
    "question_mark": "?", "slash": "/", "backslash": "\\", "left_square_bracket": "[",
    "right_square_bracket": "]", "plus": "+", "minus": "-", "escape": "Esc", "enter": "Enter",
    "tab": "Tab", "shift+tab": "Shift+Tab", "up": "↑", "down": "↓", "home": "Home", "end": "End",
    "pageup": "PgUp", "pagedown": "PgDn", "equals_sign": "=", "space": "Space", "number_sign": "#",
}


@dataclass(frozen=True, slots=True)
class Key:
    """One binding: ``keys`` is Textual's comma-separated key list."""

    id: str
    keys: str
    action: str
    description: str
    tooltip: str
    show: bool = True
    priority: bool = False

    def binding(self) -> Binding:
        return Binding(self.keys, self.action, self.description, show=self.show,
                       priority=self.priority, tooltip=self.tooltip, id=self.id)


# App-wide keys. Only ctrl-chords may take priority: plain letters must reach the filter box.
APP_KEYS: tuple[Key, ...] = (
    Key("quit", "q", "quit", "Quit", "Leave paper-reader"),
    Key("help", "question_mark", "help", "Help", "Keys and the query language"),
)

MAIN_KEYS: tuple[Key, ...] = (
    Key("focus-filter", "slash", "focus_filter", "Filter",
        "Type a query to filter the current view (?text searches huggingface.co)"),
    Key("back", "escape", "back", "Back",
        "Close the detail, leave the filter box, or clear the filter", show=False),
    Key("pane-left", "h", "pane(-1)", "Pane left", "Focus the pane to the left", show=False),
    Key("pane-right", "l", "pane(1)", "Pane right", "Focus the pane to the right", show=False),
    Key("toggle-bookmark", "b", "toggle_bookmark", "Bookmark", "Bookmark or un-bookmark"),
    Key("toggle-read", "m", "toggle_read", "Read", "Mark read or unread"),
    Key("edit-tags", "number_sign", "edit_tags", "Tags",
        "Add or remove the paper's tags (completes yours)", show=False),
    Key("edit-note", "n", "edit_note", "Note",
        "Write the paper's note (in $VISUAL/$EDITOR when set)", show=False),
    Key("toggle-mark", "x", "toggle_mark", "Mark", "Mark or unmark the paper for an export",
        show=False),
    Key("export", "E", "export", "Export",
        "Export the view, the bookmarks or the marked papers (BibTeX, RIS, Markdown, CSV, JSON)",
        show=False),
    Key("prev-day", "left_square_bracket", "day(-1)", "Prev day",
        "Show the previous listing day (fetched if not cached)"),
    Key("next-day", "right_square_bracket", "day(1)", "Next day", "Show the next listing day"),
    Key("refresh", "r", "refresh", "Refresh", "Fetch the newest papers and trending now"),
    Key("open-browser", "o", "open_browser", "Browser", "Open the paper's page in the browser"),
    Key("open-pdf", "p", "open_pdf", "PDF",
        "Open the PDF: the downloaded copy if there is one, else the web one", show=False),
    Key("read-fulltext", "v", "read_fulltext", "Full text",
        "Read the full text (Enter on the detail does the same)"),
    Key("open-reading", "enter", "read_fulltext", "Full text", "Read the full text",
        show=False),
    Key("fetch-fulltext", "d", "fetch_fulltext", "Download",
        "Download the paper's full text for offline reading", show=False),
    Key("download-pdf", "P", "download_pdf", "Get PDF", "Download the PDF into the data folder",
        show=False),
    Key("copy-link", "y", "copy_link", "Copy link", "Copy the paper's link to the clipboard",
        show=False),
    Key("cycle-sort", "t", "cycle_sort", "Sort",
        "Sort by the view's order, date, upvotes, trending or stars", show=False),
    Key("save-view", "s", "save_view", "Save view", "Save the current filter as a view (1..9)",
        show=False),
    Key("remote-search", "S", "remote_search", "Search HF",
        "Search huggingface.co for the filter text", show=False),
    Key("toggle-muted", "M", "toggle_muted", "Muted", "Show or hide papers the mute rules hide",
        show=False),
    Key("edit-rules", "e", "edit_rules", "Rules", "Edit mute and watch rules", show=False),
    Key("toggle-filter-pane", "backslash", "toggle_filter_pane", "Pane",
        "Show or hide the filter pane", show=False),
    Key("widen-detail", "plus,equals_sign", "resize_detail(4)", "Wider",
        "Widen the detail pane", show=False),
    Key("narrow-detail", "minus", "resize_detail(-4)", "Narrower", "Narrow the detail pane",
        show=False),
    *(Key(f"view-{n}", str(n), f"saved_view({n})", f"View {n}", f"Saved view {n}", show=False)
      for n in range(1, 10)),
    Key("expand-authors-any", "a", "expand_authors", "All authors",
        "Show every author of the paper in the detail (from any pane)", show=False),
    *(Key(f"view-{key}", letter, f"show_view('{key}')", label, f"Show the {label} view",
          show=False) for key, letter, label in (
        ("latest", "L", "Latest day"), ("day", "D", "Day"), ("week", "W", "This week"),
        ("month", "O", "This month"), ("trending", "T", "Trending"),
        ("bookmarks", "B", "Bookmarks"), ("unread", "U", "Unread"), ("all", "A", "All"))),
)

# The reading screen (reader/screens/reading.py); the document's own scroll keys are in
# reader/widgets/document_view.py.
READING_KEYS: tuple[Key, ...] = (
    Key("read-close", "escape,q", "close", "Close", "Back to the list (the place is kept)"),
    Key("read-toc", "t", "toggle_toc", "Contents", "Show the contents; Enter jumps to a section"),
    Key("read-find", "slash", "find", "Find", "Find in this paper"),
    Key("read-next-match", "n", "match(1)", "Next", "The next match", show=False),
    Key("read-prev-match", "N", "match(-1)", "Previous", "The previous match", show=False),
    Key("read-next-section", "right_square_bracket", "section(1)", "Next section",
        "Jump to the next section", show=False),
    Key("read-prev-section", "left_square_bracket", "section(-1)", "Previous section",
        "Jump to the previous section (or the start of this one)", show=False),
    Key("read-links", "o", "links", "Links", "The paper's links; Enter opens a web link"),
    Key("read-fetch", "d", "fetch", "Download", "Download a full text that is not here yet",
        show=False),
)


def bindings(keys: Iterable[Key]) -> list[BindingType]:
    """Textual bindings for a class's BINDINGS."""
    return [key.binding() for key in keys]


def pretty(keys: str) -> str:
    """``"left_square_bracket,x"`` -> ``"[ / x"``."""
    return " / ".join(_PRETTY.get(k.strip(), k.strip()) for k in keys.split(","))


def rows(keymap: Mapping[str, str] | None = None) -> list[tuple[str, str, str, str]]:
    """(keys, description, id, tooltip) for every binding, with the user's keymap applied.

    Saved views 1..9 are folded into one row; the list and detail widgets' keys are included.
    """
    keymap = keymap or {}
    out: list[tuple[str, str, str, str]] = []
    for key in (*APP_KEYS, *MAIN_KEYS):
        if key.id.startswith("view-") and key.id[5:].isdigit() and key.id != "view-1":
            continue
        keys = keymap.get(key.id, key.keys)
        if key.id == "view-1":
            out.append(("1 … 9", "Saved view", "view-1 … view-9", "Switch to saved view 1..9"))
            continue
        out.append((pretty(keys), key.description, key.id, key.tooltip))
    out.append(("ctrl+p", "Commands", "command-palette", "Commands, papers, views and themes"))
    out.append(("Tab / Shift+Tab", "Next pane", "(Textual)", "Move the focus between panes"))
    for binding in _widget_bindings():
        if binding.id:
            keys = keymap.get(binding.id, binding.key)
            out.append((pretty(keys), binding.description, binding.id, binding.tooltip))
    return out


def _widget_bindings() -> list[Binding]:
    # Imported here: the widgets are TUI modules and this table is also used by a CLI generator.
    from reader.widgets.paper_detail import PaperDetail
    from reader.widgets.paper_list import PaperList

    found: list[Binding] = []
    for cls in (PaperList, PaperDetail):
        found.extend(b for b in cls.BINDINGS if isinstance(b, Binding))
    return found


def markdown(keymap: Mapping[str, str] | None = None) -> str:
    """The README's key table."""
    lines = ["| Key | Does | Id (for `[keymap]`) |", "| --- | --- | --- |"]
    for keys, description, binding_id, tooltip in rows(keymap):
        text = f"{description}: {tooltip}" if tooltip else description
        cell = keys.replace("|", "\\|")
        lines.append(f"| `{cell}` | {text} | `{binding_id}` |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    if sys.argv[1:] != ["--markdown"]:
        sys.exit("usage: python -m reader.keys --markdown")
    sys.stdout.write(markdown())
