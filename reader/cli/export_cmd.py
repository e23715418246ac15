"""`paper-reader export`: cached papers as BibTeX, RIS, Markdown, CSV or JSON."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from reader.cli.list_cmd import add_view_arguments, caret_message, find_papers
from reader.cli.output import EXIT_OK, EXIT_USAGE, CliError, warn
from reader.export import FORMATS, render
from reader.query import QueryError, parse
from reader.store.atomic import atomic_write_bytes

EPILOG = """\
examples:
  paper-reader export --format bibtex --view bookmarks -o refs.bib
  paper-reader export --format markdown tag:todo > reading-list.md
  paper-reader export --format ris "author:hinton" -o hinton.ris     (Zotero, EndNote)
  paper-reader export --format csv --view trending
  paper-reader export --format json kw:diffusion                     (the list --json form)

The papers are those `paper-reader list` would print for the same QUERY and --view. BibTeX
keys are lastnameYYYYfirstword; LaTeX specials and accents are escaped (see the README).
"""


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser],
               parents: list[argparse.ArgumentParser]) -> None:
    """Register the `export` sub-command."""
    p = sub.add_parser(
        "export", parents=parents, help="export papers as bibtex, ris, markdown, csv or json",
        description="Write cached papers (a view, narrowed by a query) in a format other tools "
        "read: BibTeX for LaTeX, RIS for Zotero/EndNote, a Markdown reading list, CSV, JSON.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("query", nargs="*", metavar="QUERY",
                   help="a filter query; several words are joined with spaces")
    p.add_argument("--format", "-f", choices=FORMATS, required=True, help="the output format")
    add_view_arguments(p)
    p.add_argument("-o", "--output", metavar="FILE", type=Path,
                   help="write to FILE (replaced atomically) instead of stdout")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Run `paper-reader export`; returns the exit status."""
    text = " ".join(args.query)
    try:
        query = parse(text)
    except QueryError as exc:
        raise CliError(caret_message(text, exc.pos, exc.message), EXIT_USAGE) from None
    ordered, state = find_papers(query, args.view, muted=args.muted)
    body = render(args.format, ordered, state)
    if args.output is None:
        sys.stdout.write(body)
        sys.stdout.flush()
    else:
        try:
            atomic_write_bytes(args.output, body.encode("utf-8"))
        except OSError as err:
            raise CliError(f"could not write {args.output}: {err.strerror or err}") from None
        print(f"wrote {len(ordered):,} papers to {args.output}", file=sys.stderr)
    if not ordered:
        warn("no papers matched: the export is empty")
    return EXIT_OK
