"""The user's config.toml: read with defaults, created with comments, edited without losing them."""

from __future__ import annotations

import logging
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reader.store.atomic import atomic_write_bytes

if TYPE_CHECKING:
    # tomlkit (~20 ms to import) only edits the file; reading it is the standard library's
    # tomllib, so the app's first frame does not wait for tomlkit.
    import tomlkit
    from tomlkit.items import Table

log = logging.getLogger("reader.config")

DEFAULT_THEME = "textual-dark"
MAX_SAVED_VIEWS = 9  # bound to the number keys 1..9

TEMPLATE = '''\
# paper-reader configuration.
# This file was created on first run. Edit it freely: the app keeps your comments when it saves
# views, rules or the theme. A key left out takes its default.

# Minutes between background refreshes while the app is open (0 turns them off).
refresh_minutes = 30

# A paper counts as read when you open it (Enter) or mark it (m). Skimming the list does not.
# Set a number of seconds here to also count a paper as read once it has stayed that long in
# the detail pane (0 turns this off).
read_after_seconds = 0

# Colour theme. Pick one with ctrl+p -> "Theme"; the choice is saved here.
theme = "textual-dark"

# Mute rules: papers matching any of these queries are hidden everywhere
# ("M" shows them again; the status line counts what is hidden). Example:
#   mute = ["kw:benchmark", "author:\\"Jane Doe\\""]
mute = []

# Watch rules: papers matching any of these queries are highlighted in the list. Example:
#   watch = ["author:hinton", "kw:diffusion"]
watch = []

# Bookmarking a paper downloads its full text in the background, for offline reading.
fulltext_on_bookmark = true

# Where "D" downloads a paper's PDF from ({id} is the arXiv id), and what opens PDFs ("p"):
# empty for the system's usual application, or a command such as "zathura" or "open -a Skim"
# (the file or URL is added at the end; no shell is involved).
pdf_url = "https://arxiv.org/pdf/{id}"
opener = ""

[keymap]
# Remap any key: binding-id = "key" or "key1,key2". See the help screen (?) or the README
# for the ids. Examples:
#   toggle-bookmark = "b,f"
#   quit = "ctrl+q"

[views]
# Saved views: name = "query". They appear in the filter pane and are bound to 1..9 in order.
# "s" in the app saves the current filter as a view. The query language is described on the
# help screen (?) and in the README.
"With code" = "has:code sort:upvotes"
"Popular" = "upvotes:>=50 sort:upvotes"

[network]
# Limits on what one answer from the server may cost. Going past one ends that request with
# a one-line message; nothing already cached is touched, and the next try starts afresh.
# Seconds for a whole answer (headers and body), however slowly it trickles in.
request_seconds = 60
# Megabytes of one answer's body, counted after decompression.
max_response_mb = 32
# Pages (of up to 100 papers) of one listing, such as a day or a month.
max_pages = 100
'''

# The [network] keys: name -> (default, lowest, highest accepted). Out-of-range values are
# refused with a problem line, like a wrong type.
NETWORK_KEYS: dict[str, tuple[float, float, float]] = {
    "request_seconds": (60.0, 1.0, 3600.0),
    "max_response_mb": (32.0, 1.0, 4096.0),
    "max_pages": (100.0, 1.0, 10000.0),
}


@dataclass(frozen=True)
class NetworkLimits:
    """The ``[network]`` table: bounds on one answer from the server."""

    request_seconds: float = NETWORK_KEYS["request_seconds"][0]
    max_response_mb: float = NETWORK_KEYS["max_response_mb"][0]
    max_pages: int = int(NETWORK_KEYS["max_pages"][0])

    def client_options(self) -> dict[str, Any]:
        """Keyword arguments for :class:`reader.hub.client.PapersClient`."""
        return {
            "deadline": self.request_seconds,
            "max_bytes": int(self.max_response_mb * 1024 * 1024),
            "max_pages": self.max_pages,
        }


class ConfigError(Exception):
    """The config file could not be read or written; ``str()`` is a one-line user message."""


@dataclass
class Config:
    """Settings from config.toml. ``problems`` are user-facing lines about what was ignored."""

    refresh_minutes: int = 30
    read_after_seconds: float = 0.0  # 0: only Enter or m mark a paper read
    theme: str = DEFAULT_THEME
    keymap: dict[str, str] = field(default_factory=dict)
    views: dict[str, str] = field(default_factory=dict)
    mute: list[str] = field(default_factory=list)
    watch: list[str] = field(default_factory=list)
    network: NetworkLimits = field(default_factory=NetworkLimits)
    fulltext_on_bookmark: bool = True
    pdf_url: str = "https://arxiv.org/pdf/{id}"
    opener: str = ""
    problems: list[str] = field(default_factory=list)


def load_config(path: Path) -> Config:
    """Read ``path``; create it from the commented template if it does not exist.

    A file that does not parse gives the defaults plus a problem line, and is left as it is
    (the user may be half-way through an edit). Values of the wrong type are skipped one by one.
    """
    if not path.exists():
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write_bytes(path, TEMPLATE.encode("utf-8"))
        except OSError as err:
            config = Config()
            config.problems.append(f"Could not create {path} ({err.strerror}); using defaults.")
            return config
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as err:
        config = Config()
        config.problems.append(f"Could not read {path} ({err.strerror}); using defaults.")
        return config
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        config = Config()
        config.problems.append(
            f"{path.name} is not valid TOML ({err}); using defaults. The file was left as it is."
        )
        return config
    return _from_dict(doc, path.name)


def _from_dict(doc: dict[str, Any], name: str) -> Config:
    config = Config()
    problems = config.problems

    def bad(key: str, want: str) -> None:
        problems.append(f"{name}: {key} should be {want}; using the default.")

    minutes = doc.get("refresh_minutes", config.refresh_minutes)
    if isinstance(minutes, int) and not isinstance(minutes, bool) and minutes >= 0:
        config.refresh_minutes = minutes
    else:
        bad("refresh_minutes", "a whole number >= 0")
    seconds = doc.get("read_after_seconds", config.read_after_seconds)
    if isinstance(seconds, int | float) and not isinstance(seconds, bool) and seconds >= 0:
        config.read_after_seconds = float(seconds)
    else:
        bad("read_after_seconds", "a number >= 0")
    theme = doc.get("theme", config.theme)
    if isinstance(theme, str) and theme:
        config.theme = theme
    else:
        bad("theme", "a theme name")
    config.keymap = _str_table(doc.get("keymap", {}), "keymap", problems, name)
    config.views = _str_table(doc.get("views", {}), "views", problems, name)
    if len(config.views) > MAX_SAVED_VIEWS:
        problems.append(f"{name}: only the first {MAX_SAVED_VIEWS} views get a number key.")
    config.mute = _str_list(doc.get("mute", []), "mute", problems, name)
    config.watch = _str_list(doc.get("watch", []), "watch", problems, name)
    config.network = _network(doc.get("network", {}), problems, name)
    on_bookmark = doc.get("fulltext_on_bookmark", config.fulltext_on_bookmark)
    if isinstance(on_bookmark, bool):
        config.fulltext_on_bookmark = on_bookmark
    else:
        bad("fulltext_on_bookmark", "true or false")
    pdf_url = doc.get("pdf_url", config.pdf_url)
    if isinstance(pdf_url, str) and "{id}" in pdf_url and pdf_url.startswith(
            ("http://", "https://")):
        config.pdf_url = pdf_url
    else:
        bad("pdf_url", 'an http(s) URL with "{id}" in it')
    opener = doc.get("opener", config.opener)
    if isinstance(opener, str):
        config.opener = opener.strip()
    else:
        bad("opener", "a command (a string)")
    return config


def _network(value: object, problems: list[str], name: str) -> NetworkLimits:
    if not isinstance(value, dict):
        problems.append(f"{name}: [network] should be a table; using the defaults.")
        return NetworkLimits()
    chosen: dict[str, float] = {}
    for key, (_default, low, high) in NETWORK_KEYS.items():
        if key not in value:
            continue
        number = value[key]
        whole = key == "max_pages"
        ok_type = isinstance(number, int) if whole else isinstance(number, int | float)
        if ok_type and not isinstance(number, bool) and low <= number <= high:
            chosen[key] = number
        else:
            kind = "a whole number" if whole else "a number"
            problems.append(f"{name}: [network] {key} should be {kind} from {low:g} to "
                            f"{high:g}; using the default.")
    return NetworkLimits(
        request_seconds=float(chosen.get("request_seconds", NetworkLimits.request_seconds)),
        max_response_mb=float(chosen.get("max_response_mb", NetworkLimits.max_response_mb)),
        max_pages=int(chosen.get("max_pages", NetworkLimits.max_pages)),
    )


def _str_table(value: object, key: str, problems: list[str], name: str) -> dict[str, str]:
    if not isinstance(value, dict):
        problems.append(f"{name}: [{key}] should be a table; ignored.")
        return {}
    out: dict[str, str] = {}
    for k, v in value.items():
        if isinstance(v, str) and str(k).strip():
            out[str(k)] = v
        else:
            problems.append(f"{name}: [{key}] {k} should be a string; ignored.")
    return out


def _str_list(value: object, key: str, problems: list[str], name: str) -> list[str]:
    if not isinstance(value, list):
        problems.append(f"{name}: {key} should be a list of queries; ignored.")
        return []
    out = [v for v in value if isinstance(v, str) and v.strip()]
    if len(out) != len(value):
        problems.append(f"{name}: {key} holds entries that are not queries; they were skipped.")
    return out


# --- saving: edit the document in place so the user's comments survive ------------------------


def _edit(path: Path) -> tomlkit.TOMLDocument:
    import tomlkit
    import tomlkit.exceptions

    if not path.exists():
        return tomlkit.parse(TEMPLATE)
    try:
        return tomlkit.parse(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise ConfigError(f"Could not read {path} ({err.strerror}).") from err
    except (tomlkit.exceptions.TOMLKitError, UnicodeDecodeError) as err:
        # Never overwrite a file the user is editing: they would lose their work.
        raise ConfigError(f"{path.name} is not valid TOML, so it was not changed ({err}).") from err


def _write(path: Path, doc: tomlkit.TOMLDocument) -> None:
    import tomlkit

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(path, tomlkit.dumps(doc).encode("utf-8"))
    except OSError as err:
        raise ConfigError(f"Could not write {path} ({err.strerror}).") from err


def _table(doc: tomlkit.TOMLDocument, key: str) -> Table:
    import tomlkit
    from tomlkit.items import Table

    table = doc.get(key)
    if not isinstance(table, Table):
        table = tomlkit.table()
        doc[key] = table
    return table


def save_view(path: Path, name: str, query: str) -> None:
    """Add or replace the saved view ``name``."""
    doc = _edit(path)
    _table(doc, "views")[name] = query
    _write(path, doc)


def delete_view(path: Path, name: str) -> None:
    """Remove the saved view ``name`` (no error if it is not there)."""
    doc = _edit(path)
    views = _table(doc, "views")
    if name in views:
        del views[name]
    _write(path, doc)


def _set_top(doc: tomlkit.TOMLDocument, key: str, value: Any) -> None:
    from tomlkit.items import Table

    if key in doc:
        doc[key] = value
        return
    # A new top-level key must come before the first table, or TOML would put it inside it.
    body = doc.body
    for i, (k, item) in enumerate(body):
        if k is not None and isinstance(item, Table):
            doc._insert_at(i, key, value)  # tomlkit has no public insert
            return
    doc[key] = value


def save_rules(path: Path, *, mute: list[str], watch: list[str]) -> None:
    """Replace the mute and watch rules."""
    import tomlkit

    doc = _edit(path)
    for key, rules in (("mute", mute), ("watch", watch)):
        array = tomlkit.array()
        array.extend(rules)
        if len(rules) > 1:
            array.multiline(True)
        _set_top(doc, key, array)
    _write(path, doc)


def save_theme(path: Path, theme: str) -> None:
    """Remember the theme chosen in the app."""
    doc = _edit(path)
    _set_top(doc, "theme", theme)
    _write(path, doc)
