"""`paper-reader sync`: fetch daily papers and trending into the cache, with progress, a summary."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import re
from typing import Any

from reader.cli.common import open_cache, report_problems
from reader.cli.output import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    CliError,
    Progress,
    error,
    warn,
)
from reader.config import load_config
from reader.fulltext_queue import Outcome
from reader.hub.client import PapersClient
from reader.hub.errors import HubError, NetworkError
from reader.store.cache import PaperCache
from reader.store.locations import locations
from reader.sync import SyncReport, feed_today, plan_days, sync, with_newest_day

_MONTH = re.compile(r"[0-9]{4}-(0[1-9]|1[0-2])")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

EPILOG = """\
examples:
  paper-reader sync                     today and yesterday, plus trending
  paper-reader sync --days 8            the last 8 days
  paper-reader sync --since 2025-01-01  every day since then (skips days already complete)
  paper-reader sync --date 2025-03-06 --no-trending
  paper-reader sync --month 2025-02     a whole month in a few requests
  paper-reader sync --fulltext          download the full text of every bookmark lacking one

"Today" is the Daily Papers day in New York. Set HF_ENDPOINT to use a mirror.
Exit status: 0 when something was fetched and saved (failures are listed), 1 when nothing
could be fetched or some papers could not be saved.
"""


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser],
               parents: list[argparse.ArgumentParser]) -> None:
    """Register the `sync` sub-command."""
    p = sub.add_parser(
        "sync",
        parents=parents,
        help="fetch the latest daily papers and trending into the cache",
        description="Fetch daily papers and the trending list from Hugging Face into the local "
        "cache. Without options: today and yesterday, plus trending.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    which = p.add_mutually_exclusive_group()
    which.add_argument("--date", metavar="YYYY-MM-DD", type=_date, help="one listing day")
    which.add_argument("--days", metavar="N", type=_positive, help="the last N days")
    which.add_argument(
        "--since", metavar="YYYY-MM-DD", type=_date,
        help="every day since this one; days already complete in the cache are skipped, "
        "the last two days are always refreshed",
    )
    which.add_argument(
        "--month", metavar="YYYY-MM", type=_month, action="append",
        help="a whole month (may be repeated)",
    )
    p.add_argument("--no-trending", action="store_true", help="skip the trending list")
    which.add_argument(
        "--fulltext", action="store_true",
        help="only download the full text (Markdown) of every bookmarked paper that lacks one; "
        "resumable: what is already downloaded is skipped",
    )
    p.set_defaults(run=run)


def _date(text: str) -> str:
    # Only the YYYY-MM-DD form: fromisoformat also takes "20250101" and week dates.
    if not _DATE.fullmatch(text):
        raise argparse.ArgumentTypeError(f"{text[:40]!r} is not a date (YYYY-MM-DD)")
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def _month(text: str) -> str:
    if not _MONTH.fullmatch(text):
        raise argparse.ArgumentTypeError(f"{text[:40]!r} is not a month (YYYY-MM)")
    return text


MAX_DAYS = 36_500  # a century: Daily Papers began in 2023, so more is never useful


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= MAX_DAYS:
        shown = text if len(text) <= 30 else text[:27] + "..."
        raise argparse.ArgumentTypeError(
            f"{shown!r} is not a number of days from 1 to {MAX_DAYS:,}")
    return value


def run(args: argparse.Namespace) -> int:
    """Run `paper-reader sync`; returns the exit status."""
    if args.offline:
        raise CliError("sync needs the network; drop --offline to fetch papers", EXIT_USAGE)
    cache = open_cache()
    cache.derived.build_on_write = True  # the search store is written with the shards
    if args.fulltext:
        return _fulltexts(cache)
    months: list[str] = args.month or []
    days: list[str] = []
    if not months:
        try:
            days = plan_days(cache, today=feed_today(), date=args.date, days=args.days,
                             since=args.since)
        except ValueError as exc:
            raise CliError(str(exc), EXIT_USAGE) from None
    trending = not args.no_trending
    if not days and not months and not trending:
        print("nothing to sync: every day since then is already complete")
        return EXIT_OK
    # No day asked for: also the newest day the server has, which New York's date may lag.
    ask = not months and args.date is None and args.days is None and args.since is None
    progress = Progress("sync")
    try:
        report = asyncio.run(_sync(cache, days, months, trending, progress, ask_newest=ask))
    finally:
        progress.close()
        report_problems(cache.problems)  # files moved aside or not saved, whatever happened
    lost = cache.not_saved()
    if lost:
        _summarise(report)
        raise CliError(f"{lost} papers were not saved (see above); their days stay incomplete "
                       "and are fetched again by the next sync", EXIT_FAILED)
    return _summarise(report)


async def _sync(cache: PaperCache, days: list[str], months: list[str], trending: bool,
                progress: Progress, *, ask_newest: bool = False) -> SyncReport:
    try:
        async with PapersClient(**network_options()) as client:
            if ask_newest:
                days = await with_newest_day(client, days)
            return await sync(client, cache, days=days, months=months, trending=trending,
                              progress=progress)
    except HubError as exc:  # e.g. a malformed HF_ENDPOINT, raised before any fetch
        raise CliError(str(exc)) from None


def network_options() -> dict[str, Any]:
    """The client's limits from config.toml's [network] table; warns about what it ignored
    there (the rest of the file is the app's business)."""
    path = locations().config_file
    config = load_config(path)
    for problem in config.problems:
        if "[network]" in problem or not problem.startswith(f"{path.name}: "):
            warn(problem)
    return config.network.client_options()


def _summarise(report: SyncReport) -> int:
    if report.nothing_fetched:
        reason = str(report.errors[0]) if report.errors else "every request failed"
        network = any(isinstance(e, NetworkError) for e in report.errors)
        if network and "HF_ENDPOINT" not in reason:
            reason += " (check your connection or HF_ENDPOINT)"
        raise CliError(reason, EXIT_FAILED)
    days = len(report.days)
    print(f"synced {days} day{'' if days == 1 else 's'}: {report.new} new, "
          f"{report.updated} updated, {len(report.failed)} failed")
    for line in report.failed:
        error(f"failed: {line}")
    return EXIT_OK


# --- sync --fulltext -------------------------------------------------------------------------


def _fulltexts(cache: PaperCache) -> int:
    from reader.cli.common import library_state
    from reader.fulltext_queue import NOT_INDEXED, SAVED, fetch_missing, missing

    bookmarks = sorted(library_state().bookmarks)
    todo = missing(cache, bookmarks)
    if not todo:
        print(f"nothing to download: all {len(bookmarks)} bookmarks have their full text")
        return EXIT_OK
    progress = Progress("full texts")

    async def fetch() -> list[Outcome]:
        try:
            async with PapersClient() as client:
                return await fetch_missing(client, cache, todo, progress)
        except HubError as exc:
            raise CliError(str(exc)) from None

    try:
        outcomes = asyncio.run(fetch())
    finally:
        progress.close()
    saved = sum(o.status == SAVED for o in outcomes)
    absent = [o for o in outcomes if o.status == NOT_INDEXED]
    failed = [o for o in outcomes if o.status not in (SAVED, NOT_INDEXED)]
    left = len(todo) - len(outcomes)
    print(f"full texts: {saved} downloaded, {len(absent)} not indexed by Hugging Face, "
          f"{len(failed)} failed" + (f", {left} not tried" if left else ""))
    for o in (*absent, *failed):
        error(o.message)
    if saved == 0 and (failed or left):
        raise CliError("no full text could be downloaded (run it again to resume)", EXIT_FAILED)
    return EXIT_OK
