"""`python -m tests.bench`: build homes, measure every figure of issue 5, print and save a table."""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from tests.bench import analysis, report
from tests.bench.figures import Figure, guarded
from tests.bench.homes import REPO, Home, build_home
from tests.bench.launch import LaunchFigures, measure_launches

DEFAULT_SIZES = (1000, 10_000, 100_000)
QUICK_SIZES = (1000, 10_000)
SEED = 7
FIRST_ROW_FLOOR_RATIO = 1.5  # issue 11: the first row within 1.5x the bare-Textual floor
ALL_VIEW_TARGET_S = 1.5
FILTER_P95_TARGET_MS = 30.0
BOOKMARK_TARGET_MS = 20.0
MERGE_TARGET_S = 0.5
MEMORY_TARGET_MB = 250.0  # issue 11 (issue 5 asked 600 MB)
IMPORT_TARGET_S = 30.0  # issue 11: the search store included (issue 5 asked 60 s)
TYPED_P95_TARGET_MS = 60.0  # issue 11: the last key to the right list on screen
TEXTS_PAPERS = 1000  # downloaded full texts searched with text: (tests/bench/texts.py)
SCROLL_RATIO_TARGET = 1.5  # ~1 means no work proportional to N; 10x papers must not cost 1.5x


def _sizes(text: str) -> tuple[int, ...]:
    try:
        sizes = tuple(sorted({int(part.replace("_", "")) for part in text.split(",") if part}))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: sizes are numbers, e.g. 1000,10000") from None
    if not sizes or min(sizes) < 100:
        raise argparse.ArgumentTypeError("sizes must be at least 100 papers")
    return sizes


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m tests.bench",
        description="Benchmark paper-reader at 1k/10k/100k papers (issue 5) and write "
        "BENCHMARKS.md. Homes are built in a temporary folder unless --keep is given.",
    )
    parser.add_argument("--sizes", type=_sizes, default=None,
                        help="comma-separated paper counts (default 1000,10000,100000)")
    parser.add_argument("--quick", action="store_true",
                        help="a fast check: sizes 1000,10000 and 3 runs (unless given)")
    parser.add_argument("--runs", type=int, default=None, help="timed runs per figure (default 5)")
    parser.add_argument("--keep", type=Path, default=None, metavar="DIR",
                        help="build homes in DIR and keep them; a later run reuses them")
    parser.add_argument("--out", type=Path, default=REPO / "BENCHMARKS.md",
                        help="where to write the report (default BENCHMARKS.md in the repo)")
    parser.add_argument("--skip", default="",
                        help="comma-separated parts to skip: "
                        "launch,diagnose,filter,writes,list,scroll,typing,texts,stalls")
    parser.add_argument("--sqlstore", action="store_true",
                        help="only the derived SQLite store's figures (issue 11) at the largest "
                        "size: printed, BENCHMARKS.md left alone")
    args = parser.parse_args(argv)
    if args.sizes is None:
        args.sizes = QUICK_SIZES if args.quick else DEFAULT_SIZES
    if args.runs is None:
        args.runs = 3 if args.quick else 5
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    args.skip = {part.strip() for part in args.skip.split(",") if part.strip()}
    return args


def say(text: str) -> None:
    print(text, flush=True)


def _launch_rows(floor: LaunchFigures, apps: dict[int, LaunchFigures],
                 homes: list[Home]) -> list[Figure]:
    floor_row = Figure("Floor: bare Textual app, first line", None, "s", floor.first_row,
                       error="" if floor.first_row else _failures(floor))
    rows: list[Figure] = [floor_row]
    fl = floor_row.median

    def row(label: str, home: Home, samples: list[float], unit: str = "s",
            target: float | None = None, note: str = "", floor: float | None = None,
            show_p95: bool = True) -> Figure:
        f = apps[home.n]
        error = "" if samples else (home.import_error or _failures(f) or "not reached")
        extra = _failures(f) if samples and f.errors else ""
        return Figure(label, home.n, unit, samples, target=target, error=error, floor=floor,
                      show_p95=show_p95, note="; ".join(x for x in (note, extra) if x))

    for home in homes:
        rows.append(row("First paper row on screen", home, apps[home.n].first_row,
                        target=None if fl is None else round(FIRST_ROW_FLOOR_RATIO * fl, 3),
                        floor=fl, note=f"target: {FIRST_ROW_FLOOR_RATIO}x the floor of this run"))
    for home in homes:
        rows.append(row('"All" view shown with every paper', home, apps[home.n].all_view,
                        target=ALL_VIEW_TARGET_S if home.n >= 100_000 else None, floor=fl,
                        note="; ".join(["from launch; the All view chosen with the keys as "
                                        "soon as the first row shows",
                                        *apps[home.n].notes])))
    for home in homes:
        rows.append(row('"All" view: End, oldest paper shown', home, apps[home.n].all_end,
                        note="from launch; G pressed once the All view is up"))
    for home in homes:
        rows.append(row('Peak memory with "All" loaded', home, apps[home.n].memory_mb, "MB",
                        target=MEMORY_TARGET_MB if home.n >= 100_000 else None, show_p95=False,
                        note="VmHWM of the app process once it is idle"))
    return rows


def _failures(f: LaunchFigures) -> str:
    if not f.errors:
        return ""
    first = f.errors[0].splitlines()[0]
    return f"{len(f.errors)} launch(es) failed; first: {first}"


def run(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    when = dt.datetime.now(dt.UTC)
    mach = report.machine()
    say(f"paper-reader benchmark: sizes {', '.join(f'{n:,}' for n in args.sizes)}, "
        f"{args.runs} runs; {mach.cpu}, {mach.cores} cores")
    if shutil.which("tmux") is None:
        say("tmux is not installed: the start-up figures need it (apt-get install tmux)")
    if args.keep:
        root = args.keep.resolve()
    else:
        root = Path(tempfile.mkdtemp(prefix="paper-reader-bench-"))
    root.mkdir(parents=True, exist_ok=True)
    figures: list[Figure] = []
    load_before = report.load_average()
    try:
        homes = []
        for n in args.sizes:
            say(f"building a home of {n:,} papers")
            homes.append(build_home(root, n, SEED, log=say))
        for home in homes:
            figures.append(Figure("Import (paper-reader import)", home.n, "s",
                                  [home.import_s] if home.import_s is not None else [],
                                  target=IMPORT_TARGET_S if home.n >= 100_000 else None,
                                  show_p95=False, error=home.import_error,
                                  note="from the build of this kept home" if home.reused else ""))
        usable = [h for h in homes if h.import_s is not None]
        parts: list[tuple[str, Callable[[list[Home], argparse.Namespace], list[Figure]]]] = [
            ("launch", _launch_part),
            ("diagnose", _diagnose_part),
            ("filter", _filter_part),
            ("writes", _writes_part),
            ("list", _list_part),
            ("scroll", _scroll_part),
            ("typing", _typing_part),
            ("texts", _texts_part),
            ("stalls", _stalls_part),
        ]
        for name, part in parts:
            if name in args.skip:
                continue
            say(f"measuring: {name}")
            part_start = time.perf_counter()
            try:
                figures.extend(part(usable, args))
            except Exception as exc:  # one broken part must not lose the others' figures
                figures.append(Figure(f"({name})", None, "s",
                                      error=f"{type(exc).__name__}: {exc}"))
            gc.collect()
            say(f"  {name} took {time.perf_counter() - part_start:.0f} s")
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)
    duration = time.perf_counter() - started
    notes = [
        f"- Load average (1 min) {load_before} at the start and {report.load_average()} at the "
        f"end of the run, on {mach.cores} cores: above {mach.cores} means other work shared "
        "the CPU and every figure is slower than on a quiet machine; the floor and the ratios, "
        "measured in the same run, are the fairer comparison.",
        "- Peak memory is VmHWM of the app's process, read once it is idle (the search store "
        "opens alongside the All view).",
        "- Homes are built by `paper-reader import` from a JSON-lines dump of the fake hub's "
        f"deterministic corpus (`tests/fakehub`, seed {SEED}); the app is started with "
        "`--offline` under tmux at 120x40 and the screen polled every 10 ms.",
        "- UI-loop rows (`tests/bench/stalls.py`): in process, in a headless `App.run_test()` at "
        "120x40, on a copy of the home; an asyncio task on the UI loop sleeps 10 ms at a time "
        "(a gap of 10 ms is no stall) while j/k are sent through the app's driver every 100 ms; "
        "key to screen runs to the first frame that shows the moved cursor. The refresh "
        "fetches 1,000 papers (500 updated, 500 new) from the fake hub in a process of its own; "
        "the rebuild deletes the derived store and runs `PaperCache.search_store` in a thread "
        "worker. The idle row is the same window with nothing in the background: the floor.",
    ]
    say("")
    say(report.text_table(figures))
    text = report.markdown(figures, mach=mach, when=when, command=report.command_line(),
                           runs=args.runs, notes=notes, analysis=analysis.notes(figures),
                           duration_s=duration)
    report.write(args.out, text)
    say(f"\nwrote {args.out.name} ({duration / 60:.1f} minutes)")
    return 0


def _launch_part(homes: list[Home], args: argparse.Namespace) -> list[Figure]:
    floor, apps = measure_launches(homes, args.runs, log=say)
    rows = _launch_rows(floor, apps, homes)
    if homes:
        rows += _without_store_rows(max(homes, key=lambda h: h.n))
    return rows


def _without_store_rows(home: Home) -> list[Figure]:
    """The start that finds no search store, once (a rebuild is a minute at 100k papers)."""
    from tests.bench.launch import start_without_store

    f = start_without_store(home, log=say)
    error = _failures(f) or "not reached"
    note = "one launch on a copy of the home without its search store: the app rebuilds it"
    return [
        Figure('"All" view shown, first start without the search store', home.n, "s",
               f.all_view, error="" if f.all_view else error, show_p95=False,
               note=f"{note}, then loads every paper from it; from launch"),
        Figure("Peak memory, first start without the search store", home.n, "MB",
               f.memory_mb, target=MEMORY_TARGET_MB if home.n >= 100_000 else None,
               error="" if f.memory_mb else error, show_p95=False,
               note=f"{note}; VmHWM of the app process once it is idle"),
    ]


def _diagnose_part(homes: list[Home], args: argparse.Namespace) -> list[Figure]:
    from tests.bench.diagnostics import all_view_rows, import_rows, memory_rows

    rows = import_rows(args.runs) + all_view_rows([h for h in homes if h.n >= 10_000], log=say)
    if homes:
        rows += memory_rows(max(homes, key=lambda h: h.n))
    return rows


def _filter_part(homes: list[Home], args: argparse.Namespace) -> list[Figure]:
    from tests.bench.filters import filter_figures

    return filter_figures([h for h in homes if h.n >= 10_000], args.runs,
                          target_ms=FILTER_P95_TARGET_MS, log=say)


def _writes_part(homes: list[Home], args: argparse.Namespace) -> list[Figure]:
    from tests.bench.writes import bookmark_ms, merge_s

    rows: list[Figure] = []
    for home in homes:
        rows.append(guarded(Figure("Bookmark toggle persisted", home.n, "ms",
                                   target=BOOKMARK_TARGET_MS if home.n >= 100_000 else None),
                            lambda h=home: bookmark_ms(h.path, max(40, args.runs * 8))))
    for home in homes:
        rows.append(guarded(Figure("Merge a 1,000-paper sync", home.n, "s",
                                   target=MERGE_TARGET_S if home.n >= 100_000 else None),
                            lambda h=home: merge_s(h.path, args.runs)))
    return rows


def _list_part(homes: list[Home], args: argparse.Namespace) -> list[Figure]:
    from tests.bench.listcmd import QUERIES, list_s

    rows: list[Figure] = []
    for home in homes:
        for label, query in QUERIES:
            figure = Figure(f"`list {' '.join(query)} --json` ({label})", home.n, "s")
            notes: list[str] = []

            def measure(h: Home = home, q: tuple[str, ...] = query,
                        out: list[str] = notes) -> list[float]:
                samples, count, note = list_s(h.path, q, args.runs)
                out.append(f"{count:,} papers printed" + (f"; {note}" if note else ""))
                return samples

            guarded(figure, measure)
            figure.note = "; ".join(notes)
            rows.append(figure)
    return rows


def _scroll_part(homes: list[Home], args: argparse.Namespace) -> list[Figure]:
    from tests.bench.scroll import scroll_figures

    # the two largest sizes: 10k and 100k by default, so the ratio is about 10x the papers
    return scroll_figures(sorted(homes, key=lambda h: h.n)[-2:], args.runs,
                          target_ratio=SCROLL_RATIO_TARGET, log=say)


def _typing_part(homes: list[Home], args: argparse.Namespace) -> list[Figure]:
    from tests.bench.typing import typing_figures

    return typing_figures(homes, target_ms=TYPED_P95_TARGET_MS, log=say)


def _texts_part(homes: list[Home], args: argparse.Namespace) -> list[Figure]:
    from tests.bench.texts import figures

    # Its own corpus: 1,000 long full texts (issue 14), whatever the home sizes.
    return figures(TEXTS_PAPERS, args.runs, args.keep, log=say)


def _stalls_part(homes: list[Home], args: argparse.Namespace) -> list[Figure]:
    from tests.bench.stalls import stall_figures

    # 10k and 100k by default: a window loads the app first (about a minute at 100k)
    return stall_figures([h for h in homes if h.n >= 10_000], min(args.runs, 3), log=say)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.sqlstore:
        from tests.bench import sqlstore

        return sqlstore.run(max(args.sizes), args.runs, args.keep)
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
