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
from rich.cells import cell_len

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
from reader.cli.records import VIEW_HELP, ViewError, parse_view, record_json, select_view
from reader.cli.texts import open_texts, passage_json, passage_line, passages_for
from reader.config import load_config
from reader.query import Context, Query, QueryError, matches, parse
from reader.query.engine import Engine, StoreDamaged
from reader.query.fulltext import has_text_terms, narrowed
from reader.query.hit import Hit
from reader.query.matcher import sort_key
from reader.query.sql import search
from reader.store.cache import PaperCache
from reader.store.derived.store import NoFts5
from reader.store.derived.texts import attach
from reader.store.locations import locations
from reader.store.record import Record
from reader.store.state import LibraryState
from reader.widgets.rows import display_safe, fit, short_authors

EPILOG = """\
examples:
  paper-reader list                          every cached paper, newest day first
  paper-reader list diffusion --limit 20     the 20 newest papers matching "diffusion"
  paper-reader list --view bookmarks
  paper-reader list --view trending --json   the trending list as a JSON array
  paper-reader list --view day:2026-11-27    one listing day
  paper-reader list --view week sort:stars   this week's papers by GitHub stars
  paper-reader list 'text:"attention sink"'  inside the downloaded full texts, with passages

Reads the cache only: it works offline. The views are the reader's own ("This week" is the
ISO week of the newest listing day, or the week before while that has fewer than 3 days).
The mute rules of config.toml hide papers as in the reader; --muted shows them. Each line is
id, listing day, upvotes, (GitHub stars when sorted by them), title and first authors.
--json prints an array of objects, one per paper, each on its own line (the fields are
documented in the README). With a text: term (a search inside the downloaded full texts),
each paper's best matching passage is printed under it (in --json: "passage").
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
    add_view_arguments(p)
    p.set_defaults(run=run)


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number >= 0")
    return value


def _view(text: str) -> tuple[str, str | None]:
    try:
        return parse_view(text)
    except ViewError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


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
    ordered, state = find_papers(query, args.view, muted=args.muted, limit=args.limit)
    hits: dict[str, Hit] = {}
    if has_text_terms(query) and ordered:  # the best passage of each paper found
        hits = passages_for(open_cache(locations()), [r.id for r in ordered], query)
    if args.json:
        _print_json(ordered, state, hits)
    else:
        _print_lines(ordered, hits, stars=query.sort == "stars")
    return EXIT_OK


def find_papers(query: Query, view: tuple[str, str | None], *, muted: bool = False,
                limit: int | None = None) -> tuple[list[Record], LibraryState]:
    """The papers `list` prints for ``query`` in ``view`` (a parsed ``--view``), in order, and
    the library they were judged with. The mute rules hide papers unless ``muted``; what is
    hidden, and an empty cache, are said on stderr. `export` selects with this too."""
    where = locations()
    cache = open_cache(where)
    state = library_state()
    key, anchor = view
    mute = [] if muted else _mute_rules(where.config_file)
    ctx = Context(library=state, now=dt.datetime.now(dt.UTC),
                  fulltext_ids=frozenset(cache.fulltext_ids()))
    needs_store = key in SQL_VIEWS or not query.is_empty or bool(query.sort) or bool(mute)
    conn = _open_store(cache) if needs_store else None
    found = None
    if conn is not None and anchor is None and key in SQL_VIEWS:
        found = _search(cache, conn, query, mute, ctx, key)
        conn = None  # closed by _search
    if found is not None:
        ids, hidden, empty = found
        if limit is not None:
            ids = ids[:limit]
        by_id = cache.records_for(ids)
        ordered = [by_id[pid] for pid in ids if pid in by_id]
        report_problems(cache.problems)
    else:
        records = cache.load_all()
        ctx = _with_passages(cache, ctx, query, mute)
        report_problems(cache.problems)
        empty = not records
        engine = None
        if conn is not None:
            _attach_texts(cache, conn, query, mute)
            engine = Engine(conn)
        try:
            ordered, hidden = _scan(cache, query, mute, ctx,
                                    select_view(key, records, state, anchor=anchor), engine)
        finally:
            if engine is not None:
                engine.close()
        if limit is not None:
            ordered = ordered[:limit]
    if empty:
        warn("the cache is empty: run `paper-reader sync` (or `paper-reader sync --days 30` "
             "for a month) to fetch papers")
    if hidden:
        warn(f"{hidden:,} {'paper' if hidden == 1 else 'papers'} hidden by mute rules "
             "(--muted shows them)")
    return ordered, state


def _with_passages(cache: PaperCache, ctx: Context, query: Query, mute: list[Query]
                   ) -> Context:
    """``ctx`` for the scan when a query has ``text:`` terms: the matcher gets the passages
    that the full-text search store finds for them (reader.query.fulltext.narrowed)."""
    textual = [q for q in (query, *mute) if has_text_terms(q)]
    texts = open_texts(cache) if textual else None
    if texts is None:
        return ctx
    try:
        return narrowed(ctx, texts, *textual)
    except sqlite3.DatabaseError as err:
        cache.texts.damaged(err)
        return ctx
    finally:
        texts.close()


def add_view_arguments(p: argparse.ArgumentParser) -> None:
    """``--view`` and ``--muted``, shared by `list` and `export`."""
    p.add_argument("--view", type=_view, default=("all", None), metavar="VIEW",
                   help="which papers to start from: " + ", ".join(VIEW_HELP)
                   + " (default: all)")
    p.add_argument("--muted", action="store_true",
                   help="include the papers the mute rules hide")


# The views whose SQL definition is the reader's own by construction; the others (latest, day,
# week, month, trending) are cut by reader.views, the one definition the app uses too.
SQL_VIEWS = ("all", "bookmarks", "unread")


def _open_store(cache: PaperCache) -> sqlite3.Connection | None:
    """The derived store (built first from the shards if it is missing, with progress on
    stderr); None when it cannot be used (then the caller scans)."""
    progress = Progress("building the search store")
    try:
        return cache.search_store(lambda done, total: progress("shards", done, total))
    except NoFts5:
        return None  # the cache reported it in its problems
    except (sqlite3.Error, Timeout, OSError) as err:  # OSError: a read-only cache, say
        warn(f"the search store cannot be used ({err}); scanning every paper instead")
        return None
    finally:
        progress.close()


def _attach_texts(cache: PaperCache, conn: sqlite3.Connection, query: Query,
                  mute: list[Query]) -> None:
    """For text: terms in the query or a mute rule: the full-text store, brought up to date,
    attached to ``conn`` as ``texts`` (reader.query.sql reads it there)."""
    if any(has_text_terms(q) for q in (query, *mute)):  # full texts: their own store
        texts = open_texts(cache)
        if texts is not None:
            texts.close()
        attach(conn, cache.texts.path)


def _search(cache: PaperCache, conn: sqlite3.Connection, query: Query, mute: list[Query],
            ctx: Context, view: str) -> tuple[list[str], int, bool] | None:
    """From the derived store: the ids of ``view`` that ``query`` matches, in order, less those
    a mute rule hides; how many were hidden; whether the cache is empty. None when the store
    turns out damaged (then the caller scans; it is rebuilt at the next use). Closes ``conn``."""
    try:
        _attach_texts(cache, conn, query, mute)
        empty = conn.execute("SELECT 1 FROM papers LIMIT 1").fetchone() is None
        ids = search(conn, query, ctx, view)
        muted: set[str] = set()
        for rule in mute:
            muted.update(search(conn, rule, ctx, view))
    except sqlite3.DatabaseError as err:  # damaged inside: scan now, rebuilt at the next use
        conn.close()
        cache.derived.damaged(err)
        return None
    finally:
        conn.close()
    kept = [pid for pid in ids if pid not in muted]
    return kept, len(ids) - len(kept), empty


def _scan(cache: PaperCache, query: Query, mute: list[Query], ctx: Context,
          ordered: list[Record], engine: Engine | None) -> tuple[list[Record], int]:
    """``ordered`` (a view cut by reader.views) narrowed by ``query`` and the mute rules (with
    the derived store, or by scanning), and how many papers the mute rules hid."""
    holder = [engine]
    if not query.is_empty or query.sort:
        ordered = _filter(cache, query, ctx, ordered, holder)
    if not mute or not ordered:
        return ordered, 0
    muted: set[str] = set()
    for rule in mute:
        muted.update(r.id for r in _filter(cache, rule, ctx, ordered, holder))
    kept = [r for r in ordered if r.id not in muted]
    return kept, len(ordered) - len(kept)


def _mute_rules(config_file: Path) -> list[Query]:
    """The config's mute rules, parsed; a bad one is reported and left out (as in the app)."""
    config = load_config(config_file)
    report_problems(config.problems)
    rules = []
    for text in config.mute:
        try:
            rules.append(parse(text))
        except QueryError as exc:
            warn(f"mute rule {text!r}: {exc.message}")
    return rules


def _filter(cache: PaperCache, query: Query, ctx: Context, ordered: list[Record],
            engine: list[Engine | None]) -> list[Record]:
    """``ordered`` narrowed by ``query`` (and sorted by its sort key, stably): by the derived
    store (``engine[0]``) when there is one, else by scanning with the reference matcher. A
    store found damaged is reported, deleted (rebuilt at the next use) and dropped."""
    found = engine[0]
    if found is not None:
        try:
            by_id = {r.id: r for r in ordered}
            return [by_id[pid] for pid in found.filter(query, ctx, list(by_id))]
        except StoreDamaged as failure:
            found.close()
            engine[0] = None
            cache.derived.damaged(failure.error)
            report_problems(cache.problems)
    hits = [r for r in ordered if matches(query, r, ctx)]
    if query.sort:
        key = query.sort
        hits.sort(key=lambda r: sort_key(r, key), reverse=True)  # stable: ties keep order
    return hits


def _print_json(records: list[Record], state: LibraryState, hits: Mapping[str, Hit]) -> None:
    # One object per line inside the array: valid JSON, yet greppable, and streamed so that
    # 100,000 papers never sit in memory as one big string.
    out = sys.stdout
    out.write("[")
    for i, record in enumerate(records):
        out.write("\n" if i == 0 else ",\n")
        obj = record_json(record, state)
        found = hits.get(record.id)
        if found is not None:
            obj["passage"] = passage_json(found)
        out.write(json_safe(orjson.dumps(obj).decode()))
    out.write("\n]\n" if records else "]\n")
    out.flush()


AUTHORS_WIDTH = 28  # the first authors, shortened like the reader's rows


def format_line(record: Record, *, stars: bool = False, width: int | None = None) -> str:
    """One paper as a plain line: id, day, upvotes, GitHub stars (with ``stars``), title and
    the first authors. With ``width`` (a terminal) the title is cut so the authors still show."""
    paper = record.paper
    votes = "-" if paper.upvotes is None else str(paper.upvotes)
    head = f"{record.id:<10}  {record.day or '-':<10}  {votes:>4}  "
    if stars:
        count = "-" if paper.github_stars is None else f"☆{paper.github_stars}"
        head += f"{count:>7}  "
    authors = short_authors(paper.authors, AUTHORS_WIDTH)
    title = display_safe(paper.title)
    if width is None or not authors:
        return head + title + (f"  — {authors}" if authors else "")
    room = width - cell_len(head) - cell_len(authors) - 4
    if room < 20:
        return truncate(head + title, width)
    return head + fit(title, room).rstrip() + f"  — {authors}"


def _print_lines(records: list[Record], hits: Mapping[str, Hit], *, stars: bool = False
                 ) -> None:
    width = terminal_width() if is_tty(sys.stdout) else None
    for record in records:
        print(plain_line(format_line(record, stars=stars, width=width)))
        found = hits.get(record.id)
        if found is not None:
            line = passage_line(found)
            print(truncate(line, width) if width else line)
