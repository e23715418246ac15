"""The help screen: the key table generated from the bindings, and the query language reference."""

from __future__ import annotations

from collections.abc import Mapping

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import ModalScreen
from textual.widgets import Markdown

from reader.keys import markdown as keys_markdown
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
        text = "# paper-reader\n\n## Keys\n\n" + keys_markdown(self.keymap) + "\n" + QUERY_HELP
        with VimScroll(id="help-scroll"):
            yield Markdown(text, id="help-text")

    def on_mount(self) -> None:
        self.query_one("#help-scroll").focus()

    def action_close(self) -> None:
        self.dismiss(None)
