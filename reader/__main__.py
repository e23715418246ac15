"""Entry point of `paper-reader` and `python -m reader`: the TUI, or a headless sub-command."""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import argparse  # the sub-commands' parser only: not imported to start the reader

# reader.cli.output (the one-line errors) is imported when an error is to be said: starting the
# reader does without it.


def start_app(offline: bool) -> int:
    """Start the terminal reader (imported lazily: the headless commands never load Textual)."""
    # Importing Textual and the app makes ~400,000 objects that live as long as the process:
    # no collector passes while they are made (run_app freezes them, then turns it back on).
    gc.disable()
    try:
        from reader.app import run_app
    except ImportError as exc:
        gc.enable()
        # Only a missing reader.app means "not available"; a broken dependency is a real error.
        if exc.name != "reader.app":
            raise
        from reader.cli.output import EXIT_FAILED, error

        error("the terminal reader is not available in this installation (reader.app is "
              "missing); the sync, import, list and show commands work")
        return EXIT_FAILED
    return run_app(offline=offline)


def main(argv: Sequence[str] | None = None) -> int:
    """Parse ``argv`` (default: sys.argv[1:]), run the command, return the exit status."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    if set(args_list) <= {"--offline"}:
        # The reader itself: skip building the sub-commands' parsers, whose modules import
        # httpx, asyncio and the cache (~0.15 s before the first frame could be drawn), and
        # argparse itself.
        return _guarded(lambda: start_app(offline=bool(args_list)))
    from reader.cli.parser import build_parser

    args = build_parser().parse_args(args_list)
    if args.command is None:
        return _guarded(lambda: start_app(offline=bool(args.offline)))
    command: Callable[[argparse.Namespace], int] = args.run
    return _guarded(lambda: command(args))


def _guarded(run: Callable[[], int]) -> int:
    """Run a command; the errors a user can cause end as one line and an exit status."""
    try:
        return run()
    except KeyboardInterrupt:
        from reader.cli.output import error

        error("interrupted")
        return 130
    except BrokenPipeError:
        # `paper-reader list | head`: the reader went away, which is not an error of ours. Point
        # stdout at /dev/null so the interpreter's final flush does not complain either.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except Exception as exc:
        from reader.cli.output import CliError, error

        if not isinstance(exc, CliError):
            raise
        error(exc.message)
        return exc.code


if __name__ == "__main__":
    sys.exit(main())
