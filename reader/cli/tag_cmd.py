"""`paper-reader tag` and `paper-reader note`: a paper's tags and note from the command line."""

from __future__ import annotations

import argparse
import sys

from reader.cli.common import report_problems
from reader.cli.output import EXIT_OK, EXIT_USAGE, CliError
from reader.hub.ids import InvalidPaperId, normalize_id
from reader.hub.text import clean_block, clean_line
from reader.store.library import Library, LibraryError
from reader.store.locations import locations

TAG_EPILOG = """\
examples:
  paper-reader tag 2502.16161                  print the paper's tags
  paper-reader tag 2502.16161 +todo survey     add the tags "todo" and "survey"
  paper-reader tag 2502.16161 -todo +done      remove "todo", add "done"

Tags are lower-case; spaces inside a tag become "-". Find tagged papers with
`paper-reader list tag:todo`. The paper need not be in the cache.
"""

NOTE_EPILOG = """\
examples:
  paper-reader note 2502.16161                         print the note
  paper-reader note 2502.16161 "read section 4 again"  replace the note
  paper-reader note 2502.16161 --edit                  edit it in $VISUAL / $EDITOR
  echo "from a script" | paper-reader note 2502.16161 -   read the note from stdin
  paper-reader note 2502.16161 --clear                 remove the note

Find notes with `paper-reader list note:word`.
"""


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser],
                parents: list[argparse.ArgumentParser]) -> None:
    """Register the `tag` and `note` sub-commands."""
    p = sub.add_parser("tag", parents=parents, help="show, add or remove a paper's tags",
                       description="Show a paper's tags, or change them: +TAG (or TAG) adds, "
                       "-TAG removes.", epilog=TAG_EPILOG,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("paper", metavar="ID", help="an arXiv id or a paper URL")
    # REMAINDER: "-old" is a tag to remove, not an option.
    p.add_argument("changes", nargs=argparse.REMAINDER, metavar="[+|-]TAG",
                   help="tags to add (+tag or tag) or remove (-tag)")
    p.set_defaults(run=run_tag)
    n = sub.add_parser("note", parents=parents, help="show, set, edit or clear a paper's note",
                       description="Show a paper's note, or replace it with TEXT, with the "
                       "text of stdin (-), or in your editor (--edit).", epilog=NOTE_EPILOG,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    n.add_argument("paper", metavar="ID", help="an arXiv id or a paper URL")
    n.add_argument("text", nargs="*", metavar="TEXT",
                   help="the new note (several words are joined with spaces; - reads stdin)")
    group = n.add_mutually_exclusive_group()
    group.add_argument("--edit", action="store_true", help="edit the note in $VISUAL/$EDITOR")
    group.add_argument("--clear", action="store_true", help="remove the note")
    n.set_defaults(run=run_note)


def _paper_id(text: str) -> str:
    try:
        return normalize_id(text)
    except InvalidPaperId as err:
        raise CliError(str(err), EXIT_USAGE) from None


def open_library() -> Library:
    """The user's library; its problems (a file moved aside, a read-only home) as warnings."""
    library = Library(locations().library_file)
    report_problems(library.problems)
    library.problems.clear()
    return library


def split_changes(words: list[str]) -> tuple[list[str], list[str]]:
    """``["+a", "b", "-c"]`` -> (["a", "b"], ["c"]); a lone "+" or "-" is refused."""
    add: list[str] = []
    remove: list[str] = []
    for word in words:
        if word.startswith("--"):
            raise CliError(f"{word!r}: options go before the paper id (tags are +TAG or -TAG)",
                           EXIT_USAGE)
        sign, name = (word[0], word[1:]) if word[:1] in "+-" else ("+", word)
        if not name.strip():
            raise CliError(f"{word!r} names no tag (write +TAG or -TAG)", EXIT_USAGE)
        (remove if sign == "-" else add).append(name)
    return add, remove


def run_tag(args: argparse.Namespace) -> int:
    """Run `paper-reader tag`; returns the exit status."""
    pid = _paper_id(args.paper)
    add, remove = split_changes(list(args.changes))
    library = open_library()
    if add or remove:
        try:
            tags = library.edit_tags(pid, add, remove)
        except LibraryError as err:
            raise CliError(str(err)) from None
    else:
        tags = library.snapshot().tags.get(pid, ())
    if tags:
        print(" ".join(clean_line(t) for t in tags))
    return EXIT_OK


def run_note(args: argparse.Namespace) -> int:
    """Run `paper-reader note`; returns the exit status."""
    from reader.editor import EditorError, edit_text

    pid = _paper_id(args.paper)
    library = open_library()
    current = library.snapshot().notes.get(pid, "")
    if args.clear and args.text:
        raise CliError("--clear takes no TEXT", EXIT_USAGE)
    if args.edit and args.text:
        raise CliError("--edit takes no TEXT", EXIT_USAGE)
    if args.edit:
        try:
            new = edit_text(current)
        except EditorError as err:
            raise CliError(str(err)) from None
    elif args.clear:
        new = ""
    elif args.text == ["-"]:
        new = sys.stdin.read()
    elif args.text:
        new = " ".join(args.text)
    else:
        if current:
            print(clean_block(current).rstrip("\n"))
        return EXIT_OK
    new = new.rstrip("\n")
    try:
        library.set_note(pid, new)
    except LibraryError as err:
        raise CliError(str(err)) from None
    return EXIT_OK
