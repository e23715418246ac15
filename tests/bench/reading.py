"""Opening and scrolling a long full text in the reading screen: prints figures, asserts none.

    .venv/bin/python -m tests.bench.reading [--pages 60] [--huge]

A headless app (``run_test``, 120x40) opens the reading screen on a generated paper of
``--pages`` pages (the fake hub's generator: sections, math, tables, lists, figures) stored
in a temporary cache. "open" is the time from the key press to the first frame that shows the
text; "page down" and "j" are the mean times of one key press and the repaint it causes.
``--huge`` also opens the fake hub's 5 MB hostile paper. Target: open < 1 s, a press < 50 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import statistics
import tempfile
import time
from typing import Any

from rich.style import Style

PRESSES = 40


async def _measure(pages: int, huge: bool) -> None:
    from reader.app import PaperReaderApp
    from reader.hub.parse import paper_from_item
    from reader.screens.reading import ReadingScreen
    from reader.store.cache import PaperCache
    from reader.store.locations import locations
    from reader.widgets.document_view import DocumentView
    from tests.fakehub import Corpus
    from tests.fakehub.fulltext import markdown_for

    corpus = Corpus(days=1, end=dt.date(2026, 3, 6), seed=0, hostile=huge)
    item = corpus.items[-1]
    where = locations().ensure()
    cache = PaperCache(where.papers_dir)
    cache.merge([p for p in (paper_from_item(it) for it in corpus.items) if p is not None],
                listed_on="2026-03-06", now="2026-03-06T06:00:00+00:00")
    text = markdown_for(item["paper"], corpus._maker.vocab, corpus.seed, pages=pages)
    cache.fulltext_put(item["paper"]["id"], text)
    targets = [(f"{pages} pages, {len(text.split()):,} words", item["paper"]["id"])]
    if huge:
        big = max(corpus.hostile_ids, key=lambda pid: len(corpus.markdown(pid) or ""))
        cache.fulltext_put(big, corpus.markdown(big) or "")
        targets.append(("hostile 5 MB", big))

    # CPU time (not wall time) of the work the screen does off the UI thread: it does not grow
    # with the machine's load, as wall-clock figures on a shared machine do.
    from reader.markdown_doc import parse
    from reader.widgets.document_view import ROLES, wrap

    styles = {k: Style() for k in (*ROLES, "heading", "title", "table", "quote", "rule",
                                   "marker", "plain")}
    for label, pid in targets:
        cpu = time.process_time()
        document = parse(cache.fulltext_get(pid) or "")
        parsed = time.process_time()
        wrap(document, 116, styles)
        done = time.process_time()
        print(f"{label}: CPU time: read and parse {(parsed - cpu) * 1000:.0f} ms, "
              f"wrap to 116 columns {(done - parsed) * 1000:.0f} ms")
    print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")

    app = PaperReaderApp(offline=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(0.5)
        # The floor: what the harness costs on this machine now (a bare screen; a key that is
        # bound to nothing), to read the figures against.
        from textual.screen import Screen
        from textual.widgets import Static

        class Bare(Screen[None]):
            def compose(self) -> Any:
                yield Static("bare")

        opens, presses = [], []
        for _ in range(5):
            t = time.perf_counter()
            await app.push_screen(Bare())
            await pilot.pause()
            opens.append(time.perf_counter() - t)
            for _ in range(8):
                t = time.perf_counter()
                await pilot.press("f12")
                await pilot.pause()
                presses.append(time.perf_counter() - t)
            app.pop_screen()
            await pilot.pause()
        print(f"floor: open a bare screen {statistics.median(opens) * 1000:.0f} ms, "
              f"an unbound key {statistics.median(presses) * 1000:.1f} ms (medians)")
        for label, pid in targets:
            positions = app.screen.downloads.positions  # type: ignore[attr-defined]
            opened: list[float] = []
            figures: dict[str, list[float]] = {"pagedown": [], "j": []}
            lines = 0
            for _ in range(3):
                start = time.perf_counter()
                screen = ReadingScreen(pid, label, cache, positions)
                await app.push_screen(screen)
                while not screen.loaded:
                    await pilot.pause(0.005)
                await pilot.pause()
                opened.append(time.perf_counter() - start)
                lines = len(screen.query_one(DocumentView).lines)
                for key in figures:
                    for _ in range(PRESSES):
                        t = time.perf_counter()
                        await pilot.press(key)
                        await pilot.pause()
                        figures[key].append(time.perf_counter() - t)
                await pilot.press("g", "q")
                await pilot.pause()
            print(f"{label}: open {statistics.median(opened) * 1000:.0f} ms "
                  f"(median of 3; {lines:,} lines at 120 columns); "
                  f"page down {statistics.median(figures['pagedown']) * 1000:.1f} ms, "
                  f"j {statistics.median(figures['j']) * 1000:.1f} ms "
                  f"(medians of {3 * PRESSES} presses)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=60)
    parser.add_argument("--huge", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        os.environ["PAPER_READER_HOME"] = home
        asyncio.run(_measure(args.pages, args.huge))


if __name__ == "__main__":
    main()
