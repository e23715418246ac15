"""Print the figures of the real-capture comparison: ``python -m tests.realdata``.

Imports every capture of ../shared/realdata into a scratch home, alone and all together in
both orders, and prints files, papers, fields compared and fields lost (listing each loss).
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
import tempfile
from typing import Any

import orjson

from reader.__main__ import main as cli
from tests.realdata.compare import REALDATA, Capture, Expectation, Outcome, captures, compare


def _run(*args: str) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        status = cli(list(args))
    if status != 0:
        raise SystemExit(f"paper-reader {' '.join(args)} failed ({status})")
    return out.getvalue()


def _round(batch: list[Capture]) -> Outcome:
    with tempfile.TemporaryDirectory() as home:
        os.environ["PAPER_READER_HOME"] = home
        want = Expectation()
        for capture in batch:
            want.add(capture)
            _run("import", str(capture.path))
        got: dict[str, dict[str, Any]] = {
            d["id"]: d for d in orjson.loads(_run("list", "--json"))}
        return compare(want, got)


def main() -> int:
    if not REALDATA.is_dir():
        print(f"no real captures at {REALDATA}")
        return 1
    all_captures = captures()
    rounds = [(c.name, [c]) for c in all_captures]
    rounds += [("all, oldest first", all_captures), ("all, newest first", all_captures[::-1])]
    total = Outcome()
    for name, batch in rounds:
        outcome = _round(batch)
        total.papers += outcome.papers
        total.compared += outcome.compared
        total.lost += outcome.lost
        print(f"{name[-45:]:<45} {outcome.papers:>4} papers {outcome.compared:>6} fields "
              f"{len(outcome.lost):>4} lost")
        for loss in outcome.lost:
            print(f"    {loss}")
    print(f"files: {len(all_captures)}; rounds: {len(rounds)}; papers compared: {total.papers}; "
          f"fields compared: {total.compared}; fields lost: {len(total.lost)}")
    return 0 if not total.lost else 1


if __name__ == "__main__":
    sys.exit(main())
