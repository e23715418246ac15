"""`paper-reader list`: papers from the cache, filtered with the query language; text or JSON."""

from __future__ import annotations

import argparse
import datetime as dt
import sqlite3
import sys
from collections.abc import Mapping
from pathlib import Path

import orjson
from filelock import Timeout

from reader.cli.common import library_state, open_cache, report_problems
from reader.cli.output import (
    EXIT_OK,
    EXIT_USAGE,
    CliError,
    Progress,
    is_tty,
    json_safe,
    plain_line,
    terminal_width,
    truncate,
    warn,
)
from reader.cli.records import VIEWS, record_json, select_view
from reader.query import Context, Query, QueryError, matches, parse
from reader.query.index import Index
from reader.query.matcher import sort_key
from reader.query.sql import search
from reader.store.cache import PaperCache
from reader.store.derived.store import NoFts5
from reader.store.locations import locations
from reader.store.record import Record
from reader.store.state import LibraryState

INDEX_MAX_STALE = 0.05  # use the saved Index if at most this share of papers is not in it

EPILOG = """\
examples:
  paper-reader list                          every cached paper, newest day first
  paper-reader list diffusion --limit 20     the 20 newest papers matching "diffusion"
  paper-reader list --view bookmarks
  paper-reader list --view trending --json   the trending list as a JSON array

Reads the cache only: it works offline. --json prints an array of objects, one per paper,
each on its own line (the fields are documented in the README).
"""


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser],
               parents: list[argparse.ArgumentParser]) -> None:
    """Register the `list` sub-command."""
    p = sub.add_parser(
        "list",
        parents=parents,
        help="list cached papers (filter language, --json)",
        description="List papers from the local cache, optionally filtered with a query in the "
        "filter language (the same as the reader's filter box).",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("query", nargs="*", metavar="QUERY",
                   help="a filter query; several words are joined with spaces")
    p.add_argument("--json", action="store_true", help="print a JSON array instead of lines")
    p.add_argument("--limit", metavar="N", type=_count, help="print at most N papers")
    p.add_argument("--view", choices=VIEWS, default="all",
                   help="which papers to start from (default: all)")
    p.set_defaults(run=run)


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number >= 0")
    return value


def caret_message(text: str, pos: int, message: str) -> str:
    """The query, a caret under the offending position, and the message: three lines."""
    pos = min(max(pos, 0), len(text))
    return f"invalid query: {message}\n  {text}\n  {' ' * pos}^"


def run(args: argparse.Namespace) -> int:
    """Run `paper-reader list`; returns the exit status."""
    text = " ".join(args.query)
    try:
        query = parse(text)
    except QueryError as exc:
        raise CliError(caret_message(text, exc.pos, exc.message), EXIT_USAGE) from None
    where = locations()
    cache = open_cache(where)
    state = library_state()
    ctx = Context(library=state, now=dt.datetime.now(dt.UTC),
                  fulltext_ids=frozenset(cache.fulltext_ids()))
    ids = _search(cache, query, ctx, args.view)
    if ids is not None:
        if args.limit is not None:
            ids = ids[: args.limit]
        found = cache.records_for(ids)
        ordered = [found[pid] for pid in ids if pid in found]
        report_problems(cache.problems)
    else:
        records = cache.load_all()
        report_problems(cache.problems)
        ordered = select_view(args.view, records, state)
        if not query.is_empty or query.sort:
            ordered = _filter(query, ctx, ordered, records, where.index_file)
        if args.limit is not None:
            ordered = ordered[: args.limit]
    if args.json:
        _print_json(ordered, state)
    else:
        _print_lines(ordered)
    return EXIT_OK


def _search(cache: PaperCache, query: Query, ctx: Context, view: str) -> list[str] | None:
    """The ids of ``view`` that ``query`` matches, in order, from the derived store (built
    first from the shards if it is missing, with progress on stderr); None when it cannot
    answer (then the caller scans)."""
    progress = Progress("building the search store")
    try:
        conn = cache.search_store(lambda done, total: progress("shards", done, total))
    except NoFts5:
        return None  # the cache reported it in its problems
    except (sqlite3.Error, Timeout, OSError) as err:  # OSError: a read-only cache, say
        warn(f"the search store cannot be used ({err}); scanning every paper instead")
        return None
    finally:
        progress.close()
    try:
        return search(conn, query, ctx, view)
    finally:
        conn.close()


def _filter(query: Query, ctx: Context, ordered: list[Record], records: Mapping[str, Record],
            index_file: Path) -> list[Record]:
    """``ordered`` narrowed by ``query`` (and sorted by its sort key, stably).

    The reader's saved Index answers in milliseconds once loaded (about a second at 100,000
    papers) and needs no paper unpacked; scanning with the reference matcher unpacks and
    checks every one (seconds at 100k). The Index is used when it covers nearly every paper:
    bringing a stale one up to date would cost as much as a build, so then the scan it is.
    """
    index = Index.load(index_file, records, max_stale=INDEX_MAX_STALE)
    if index is not None:
        return [records[pid] for pid in index.filter(query, ctx, [r.id for r in ordered])]
    found = [r for r in ordered if matches(query, r, ctx)]
    if query.sort:
        key = query.sort
        found.sort(key=lambda r: sort_key(r, key), reverse=True)  # stable: ties keep order
    return found


def _print_json(records: list[Record], state: LibraryState) -> None:
    # One object per line inside the array: valid JSON, yet greppable, and streamed so that
    # 100,000 papers never sit in memory as one big string.
    out = sys.stdout
    out.write("[")
    for i, record in enumerate(records):
        out.write("\n" if i == 0 else ",\n")
        out.write(json_safe(orjson.dumps(record_json(record, state)).decode()))
    out.write("\n]\n" if records else "]\n")
    out.flush()


def format_line(record: Record) -> str:
    """One paper as a plain line: id, day, upvotes, title."""
    upvotes = record.paper.upvotes
    votes = "-" if upvotes is None else str(upvotes)
    return f"{record.id:<10}  {record.day or '-':<10}  {votes:>4}  {record.paper.title}"


def _print_lines(records: list[Record]) -> None:
    width = terminal_width() if is_tty(sys.stdout) else None
    for record in records:
        line = plain_line(format_line(record))
        print(truncate(line, width) if width else line)
