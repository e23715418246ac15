"""`paper-reader digest`: a day's top papers from the cache, ready for mail or a chat hook."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Mapping

from reader.cli.common import library_state, open_cache, report_problems
from reader.cli.list_cmd import caret_message
from reader.cli.output import EXIT_FAILED, EXIT_OK, EXIT_USAGE, CliError
from reader.export.digest import DIGEST_FORMATS, Digest, render_digest
from reader.query import Context, QueryError, matches, parse
from reader.store.locations import locations
from reader.store.record import Record

EPILOG = """\
examples:
  paper-reader digest                                 the newest cached day's top 10, Markdown
  paper-reader digest --by trending --top 5 --format text
  paper-reader digest --date 2026-03-05 --query "kw:diffusion" --format html > digest.html
  paper-reader sync && paper-reader digest --format text | mail -s "Papers" me@example.com

Reads the cache only (run `sync` first). --by upvotes ranks the papers listed on the day;
--by trending ranks the papers seen in that day's trending lists by their best rank.
"""


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser],
               parents: list[argparse.ArgumentParser]) -> None:
    """Register the `digest` sub-command."""
    p = sub.add_parser("digest", parents=parents, help="the day's top papers as markdown, html "
                       "or text", description="Print a day's top papers with links and AI "
                       "summaries, from the cache.", epilog=EPILOG,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--date", metavar="YYYY-MM-DD", type=_date,
                   help="the day (default: the newest cached day)")
    p.add_argument("--top", metavar="N", type=_top, default=10, help="how many papers (10)")
    p.add_argument("--by", choices=("upvotes", "trending"), default="upvotes",
                   help="rank by upvotes (default) or by trending rank")
    p.add_argument("--format", choices=DIGEST_FORMATS, default="markdown",
                   help="output format (default: markdown)")
    p.add_argument("--query", metavar="Q", default="", help="only papers matching this query")
    p.set_defaults(run=run)


def _date(text: str) -> str:
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def _top(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= 1000:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number from 1 to 1000")
    return value


def by_upvotes(records: Mapping[str, Record], day: str | None) -> tuple[str | None, list[Record]]:
    """The papers listed on ``day`` (default: the newest listing day), most upvoted first."""
    if day is None:
        day = max((r.listed_on[-1] for r in records.values() if r.listed_on), default=None)
    listed = [r for r in records.values() if day in r.listed_on]
    listed.sort(key=lambda r: (-(r.upvotes or 0), r.id))
    return day, listed


def by_trending(records: Mapping[str, Record], day: str | None
                ) -> tuple[str | None, list[Record], dict[str, int]]:
    """The papers seen in ``day``'s trending lists (default: the newest sighting's day), by
    their best rank that day."""
    if day is None:
        day = max((r.trending[-1][1][:10] for r in records.values() if r.trending), default=None)
    best: dict[str, int] = {}
    for record in records.values():
        ranks = [rank for rank, seen in record.trending if seen[:10] == day]
        if ranks:
            best[record.id] = min(ranks)
    ordered = sorted((records[pid] for pid in best), key=lambda r: (best[r.id], r.id))
    return day, ordered, best


def run(args: argparse.Namespace) -> int:
    """Run `paper-reader digest`; returns the exit status."""
    try:
        query = parse(args.query)
    except QueryError as exc:
        raise CliError(caret_message(args.query, exc.pos, exc.message), EXIT_USAGE) from None
    cache = open_cache(locations())
    records = cache.load_all()
    report_problems(cache.problems)
    if not records:
        raise CliError("the cache is empty: run `paper-reader sync` first", EXIT_FAILED)
    ranks: dict[str, int] | None = None
    if args.by == "trending":
        day, ordered, ranks = by_trending(records, args.date)
        title = f"Trending papers, {day}"
    else:
        day, ordered = by_upvotes(records, args.date)
        title = f"Top papers, {day}"
    if not query.is_empty:
        ctx = Context(library=library_state(), now=dt.datetime.now(dt.UTC),
                      fulltext_ids=frozenset(cache.fulltext_ids()))
        ordered = [r for r in ordered if matches(query, r, ctx)]
        title += f" · {args.query.strip()}"
    sys.stdout.write(render_digest(Digest(title, ordered[: args.top], ranks), args.format))
    sys.stdout.flush()
    return EXIT_OK
