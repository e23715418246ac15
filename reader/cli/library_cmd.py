"""`paper-reader library export|import`: move bookmarks, read marks, tags and notes between
machines, and bring in other tools' lists (arXiv ids or URLs, BibTeX) as bookmarks."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import orjson

from reader.cli.output import EXIT_OK, CliError, warn
from reader.cli.tag_cmd import open_library
from reader.hub.text import clean_line
from reader.store.atomic import atomic_write_bytes
from reader.store.library import LibraryError
from reader.store.merge import now_iso
from reader.store.travel import (
    Dump,
    TravelError,
    bookmarks_dump,
    dump_from_json,
    dump_to_json,
    ids_from_bibtex,
    ids_from_lines,
    looks_like_bibtex,
)

EPILOG = """\
examples:
  paper-reader library export library-laptop.json     on one machine
  paper-reader library import library-laptop.json --dry-run    on the other: what would change
  paper-reader library import library-laptop.json
  paper-reader library import reading-list.txt       arXiv ids or URLs, one a line: bookmarks
  paper-reader library import refs.bib               a BibTeX file's arXiv entries: bookmarks

Import merges and never removes: bookmarks, read marks and tags are unions; for a note the
newer edit wins. It prints one line per change. A library.json copied from another machine
can be imported as it is.
"""

MAX_IMPORT = 64 * 1024 * 1024  # bytes: a library or a list is far smaller


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser],
               parents: list[argparse.ArgumentParser]) -> None:
    """Register the `library` sub-command and its `export` and `import`."""
    p = sub.add_parser("library", parents=parents, help="export or import your library",
                       description="Export your library (bookmarks, read marks, tags, notes) "
                       "to a file, or merge one in.", epilog=EPILOG,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    actions = p.add_subparsers(dest="library_action", metavar="ACTION", required=True)
    e = actions.add_parser("export", parents=parents, help="write the library to FILE (- for "
                           "stdout)")
    e.add_argument("file", metavar="FILE", help="the file to write (- for stdout)")
    e.set_defaults(run=run_export)
    i = actions.add_parser("import", parents=parents, help="merge FILE into the library")
    i.add_argument("file", metavar="FILE", help="a library export, a library.json, a list of "
                   "arXiv ids/URLs, or a BibTeX file (- for stdin)")
    i.add_argument("--dry-run", action="store_true", help="print what would change, save nothing")
    i.set_defaults(run=run_import)


def run_export(args: argparse.Namespace) -> int:
    """Run `paper-reader library export`."""
    library = open_library()
    library.reload()
    dump = library.dump()
    body = dump_to_json(dump, exported_at=now_iso())
    if args.file == "-":
        sys.stdout.write(body.decode("utf-8"))
        sys.stdout.flush()
    else:
        try:
            atomic_write_bytes(Path(args.file), body)
        except OSError as err:
            raise CliError(f"could not write {args.file}: {err.strerror or err}") from None
    print(f"exported {len(dump.bookmarks):,} bookmarks, {len(dump.read):,} read marks, "
          f"{len(dump.tags):,} tagged papers and {len(dump.notes):,} notes", file=sys.stderr)
    return EXIT_OK


def _read(name: str) -> bytes:
    try:
        if name == "-":
            data = sys.stdin.buffer.read(MAX_IMPORT + 1)
        else:
            with open(name, "rb") as handle:
                data = handle.read(MAX_IMPORT + 1)
    except OSError as err:
        raise CliError(f"could not read {name}: {err.strerror or err}") from None
    if len(data) > MAX_IMPORT:
        raise CliError(f"{name} is larger than {MAX_IMPORT // 2**20} MiB: not a library")
    return data


def _from_library_json(body: dict[str, Any]) -> Dump:
    """Another machine's library.json (the TinyDB file itself), checked the way the library
    checks its own file; its ids, tags and notes then go through the export's checks too."""
    from reader.store.library_docs import dump_tables

    tables = {k: v for k, v in body.items() if isinstance(v, dict)}
    raw, bad = dump_tables(tables)
    if bad:
        warn(f"{bad} damaged entr{'y' if bad == 1 else 'ies'} in the file skipped")
    return dump_from_json({
        "kind": "paper-reader-library", "version": 1,
        "bookmarks": raw.bookmarks, "read": raw.read,
        "tags": {pid: {"tags": list(t), "at": at} for pid, (t, at) in raw.tags.items()},
        "notes": {pid: {"text": n, "at": at} for pid, (n, at) in raw.notes.items()},
    })


def parse_import(data: bytes, name: str) -> tuple[Dump, str]:
    """What a file to import holds, and what kind of file it was."""
    text = data.decode("utf-8", errors="replace").lstrip("\ufeff")
    head = text.lstrip()[:1]
    if head in ("{", "["):
        try:
            body = orjson.loads(data)
        except orjson.JSONDecodeError as err:
            raise CliError(f"{name} is not valid JSON ({err})") from None
        if isinstance(body, dict) and isinstance(body.get("_meta"), dict):
            meta = body["_meta"].get("1")
            if isinstance(meta, dict) and meta.get("kind") == "library":
                return _from_library_json(body), "library.json"
        try:
            return dump_from_json(body), "library export"
        except TravelError as err:
            raise CliError(f"{name}: {err}") from None
    if looks_like_bibtex(text):
        ids, skipped = ids_from_bibtex(text)
        if skipped:
            warn(f"{skipped} BibTeX entr{'y has' if skipped == 1 else 'ies have'} no arXiv id: "
                 "skipped")
        return bookmarks_dump(ids, now_iso()), "BibTeX"
    ids, bad = ids_from_lines(text)
    if not ids and bad:
        raise CliError(f"{name} holds no arXiv ids or URLs (nor a library export or BibTeX)")
    for line in bad[:5]:
        warn(f"not an arXiv id or URL, skipped: {clean_line(line)[:80]}")
    if len(bad) > 5:
        warn(f"... and {len(bad) - 5:,} more lines skipped")
    return bookmarks_dump(ids, now_iso()), "list of ids"


def run_import(args: argparse.Namespace) -> int:
    """Run `paper-reader library import`."""
    incoming, kind = parse_import(_read(args.file), args.file)
    library = open_library()
    try:
        plan = library.merge(incoming, dry_run=args.dry_run)
    except LibraryError as err:
        raise CliError(str(err)) from None
    prefix = "(dry run) " if args.dry_run else ""
    for change in plan.changes:
        print(prefix + change)
    for kept in plan.kept:
        print(kept)
    verb = "would change" if args.dry_run else "changed"
    print(f"{kind}: {incoming.size:,} entries read, {len(plan.changes):,} {verb}"
          + (" (nothing saved: --dry-run)" if args.dry_run else ""), file=sys.stderr)
    return EXIT_OK
