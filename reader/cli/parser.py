"""The argument parser: global options, the sub-commands and the help texts."""

from __future__ import annotations

import argparse

from reader import __version__
from reader.cli import (
    digest_cmd,
    export_cmd,
    import_cmd,
    library_cmd,
    list_cmd,
    show_cmd,
    sync_cmd,
    tag_cmd,
)
from reader.cli.output import PROG

EPILOG = """\
commands:
  (none)    start the terminal reader
  sync      fetch the latest daily papers and trending into the cache
  import    load Papers-API JSON (an array or JSON lines) into the cache
  list      list cached papers, filtered with the query language
  show      show one cached paper in full
  tag       show, add (+TAG) or remove (-TAG) a paper's tags
  note      show, set, --edit or --clear a paper's note
  export    write papers as bibtex, ris, markdown, csv or json
  library   export your library to a file, or import (merge) one or a list of ids
  digest    the day's top papers with links and AI summaries (markdown, html, text)

examples:
  paper-reader                      start the reader
  paper-reader --offline            start the reader without touching the network
  paper-reader sync --days 8        fetch the last 8 days of Daily Papers and trending
  paper-reader list "diffusion" --limit 10
  paper-reader show 2502.16161 --json

environment:
  HF_ENDPOINT         the Hugging Face server (default https://huggingface.co)
  HF_TOKEN            sent as a Bearer token for higher rate limits (never printed)
  PAPER_READER_HOME   keep config, library and cache under this one folder

Run `paper-reader COMMAND --help` for each command's options and examples.
"""


def _offline_option(parser: argparse.ArgumentParser, *, default: object) -> None:
    parser.add_argument(
        "--offline", action="store_true", default=default,
        help="never touch the network (read the cache only)",
    )


def build_parser() -> argparse.ArgumentParser:
    """The full command-line parser. ``--offline`` works before or after the sub-command."""
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="A keyboard-driven terminal reader for Hugging Face Papers, "
        "fast at 100,000 papers and fine offline.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    _offline_option(parser, default=False)
    # The sub-commands' copy must not reset a --offline given before the sub-command.
    common = argparse.ArgumentParser(add_help=False)
    _offline_option(common, default=argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in (sync_cmd, import_cmd, list_cmd, show_cmd):
        module.add_parser(sub, [common])
    tag_cmd.add_parsers(sub, [common])
    export_cmd.add_parser(sub, [common])
    library_cmd.add_parser(sub, [common])
    digest_cmd.add_parser(sub, [common])
    return parser
