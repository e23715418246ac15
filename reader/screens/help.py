"""The help screen: the key table generated from the bindings, and the query language reference."""

from __future__ import annotations

from collections.abc import Mapping

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import ModalScreen
from textual.widgets import Markdown

from reader.keys import markdown as keys_markdown
from reader.keys import rows as key_rows
from reader.widgets.vim_scroll import VimScroll

QUERY_HELP = """\
## The filter language

Type in the filter box (`/`); the list narrows as you type. A mistake shows where and why
under the box, and the list keeps its last good result.

| Write | Finds |
| --- | --- |
| `diffusion video` | both words in the title, authors, abstract or keywords (any order, \
case and accents ignored; the last word may be a prefix while you type) |
| `"world model"` | the exact phrase |
| `title:` `author:` `abstract:` `kw:` `org:` `note:` | a word in one field: `author:hinton` |
| `id:2502.16` | an arXiv id or id prefix |
| `tag:toread` | your own tags |
| `upvotes:>=50` `stars:>1000` `comments:>0` `authors:<5` | numbers (`>` `>=` `<` `<=` `=`) |
| `date:2026-11` `date:2026-11-20..2026-11-27` | a month, a day or a range of listing days |
| `after:2026-11-01` `before:2026-12-01` `age:<7d` | relative to a day or to today |
| `is:bookmarked` `is:unread` `is:read` `is:new` `is:trending` | your library and the lists |
| `has:code` `has:project` `has:fulltext` `has:ai` | what a paper comes with |
| `text:pruning` `text:"attention sink"` | inside the downloaded full texts (one passage); \
the detail shows the passage found, Enter reads the paper there. A bare word does not search \
full texts |
| `a OR b`, `a \\| b` | either |
| `-survey`, `NOT survey` | without |
| `(agent OR tool) -survey` | grouping |
| `sort:upvotes` `sort:date` `sort:trending` `sort:stars` | the order of the result |

Examples: `kw:rlhf upvotes:>=20 sort:upvotes`, `author:"yann lecun" age:<30d`,
`has:code (video OR audio) -benchmark`.

A query that starts with `?` (or `S`) searches huggingface.co instead and shows the hits as
"Search results"; they stay in the cache and are found offline later.

**Saved views:** `s` saves the filter as a view; views sit in the left pane and on `1`..`9`.
**Mute and watch rules:** `e` edits them. Muted papers are hidden everywhere (`M` shows them;
the status line counts them); watched papers are highlighted in the list.
"""


COMPACT_BELOW = 100  # columns: below this the key table drops its ids and long texts
CLOSE_HINT = "**Esc**, **q** or **?** closes this help · **j**/**k** scroll"


def compact_keys(keymap: Mapping[str, str] | None = None) -> str:
    """The key table for narrow terminals: keys and what they do, two columns."""
    lines = ["| Key | Does |", "| --- | --- |"]
    for keys, description, _id, _tooltip in key_rows(keymap):
        lines.append(f"| `{keys.replace('|', chr(92) + '|')}` | {description} |")
    return "\n".join(lines) + "\n"


def help_text(keymap: Mapping[str, str] | None, width: int) -> str:
    """The whole help as Markdown, for a terminal ``width`` columns wide."""
    table = compact_keys(keymap) if width < COMPACT_BELOW else keys_markdown(keymap)
    return (f"# paper-reader\n\n{CLOSE_HINT}\n\n## Keys\n\n{table}\n{QUERY_HELP}\n"
            f"{CLOSE_HINT}\n")


class HelpScreen(ModalScreen[None]):
    """Keys (with the user's keymap applied) and the query language."""

    BINDINGS = [
        Binding("escape,q,question_mark", "close", "Close", id="help-close",
                tooltip="Back to the papers"),
    ]

    def __init__(self, keymap: Mapping[str, str] | None = None) -> None:
        super().__init__()
        self.keymap = dict(keymap or {})

    def compose(self) -> ComposeResult:
        compact = self.app.size.width < COMPACT_BELOW
        self.set_class(compact, "-compact")
        with VimScroll(id="help-scroll"):
            yield Markdown(help_text(self.keymap, self.app.size.width), id="help-text")

    def on_mount(self) -> None:
        scroll = self.query_one("#help-scroll")
        scroll.border_subtitle = "Esc, q or ? closes"
        scroll.focus()

    def action_close(self) -> None:
        self.dismiss(None)
