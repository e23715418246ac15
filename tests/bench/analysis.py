"""What stands in the way of each missed target, written from the figures of the same run.

Every sentence here is built from measured rows (the diagnostics included), so that a regenerated
BENCHMARKS.md explains its own misses without hand edits.
"""

from __future__ import annotations

from collections.abc import Sequence

from tests.bench.figures import Figure, fmt, size_text


class _Rows:
    def __init__(self, figures: Sequence[Figure]) -> None:
        self.figures = figures

    def get(self, label: str, size: int | None = None) -> Figure | None:
        return next((f for f in self.figures if f.label == label and f.size == size
                     and f.samples), None)

    def value(self, label: str, size: int | None = None) -> float | None:
        f = self.get(label, size)
        return f.median if f is not None else None


def _first_row(rows: _Rows, missed: list[Figure]) -> str:
    first = missed[0]
    floor = rows.value("Floor: bare Textual app, first line")
    textual = rows.value("Start-up: python + import Textual")
    imports = rows.get("Start-up: python + paper-reader's imports")
    sizes = " and ".join(f"{fmt(f.median, 's')} at {size_text(f.size)}" for f in missed)
    text = f"- **First paper row** ({sizes}; target {first.target_text})"
    if floor is not None:
        text += f": the bare Textual app paints in {fmt(floor, 's')}"
    every = [f for f in rows.figures if f.label == first.label and f.median is not None]
    low = min(every, key=lambda f: f.size or 0)
    high = max(every, key=lambda f: f.size or 0)
    if low.median and high.median and high.median <= low.median * 1.25:
        text += (f". It hardly moves with the number of papers ({fmt(low.median, 's')} at "
                 f"{size_text(low.size)}), so the data is not the cost: start-up is.")
    elif low.median and high.median:
        text += (f". It grows with the number of papers ({fmt(low.median, 's')} at "
                 f"{size_text(low.size)}): the first paint waits for work that scales with N.")
    if textual is not None and imports is not None and imports.median is not None:
        extra = imports.median - textual
        text += (f" Importing what `paper-reader` imports before it can paint takes "
                 f"{fmt(imports.median, 's')} against {fmt(textual, 's')} for Textual alone "
                 f"({extra:+.2f} s); {imports.note.split(': ', 1)[-1]}.")
        if floor is not None and first.median is not None:
            rest = first.median - floor - extra
            text += (f" The remaining ~{max(rest, 0):.2f} s is the app's own mount before the "
                     "first paint (config, library, the start-up slice, three panes).")
    return text


def _all_view(rows: _Rows, f: Figure) -> str:
    n = f.size
    load = rows.value("All view step: PaperCache.load_all", n)
    views = rows.value("All view step: views.build_data", n)
    index = rows.value("All view step: open the search store", n)
    text = (f"- **\"All\" view at {size_text(n)}**: {fmt(f.median, 's')} from launch "
            f"(target {f.target_text}).")
    if load is not None:
        text += f" Loading every record takes {fmt(load, 's')} in-process"
        if views is not None:
            text += f" and building the views' orderings {fmt(views, 's')}"
        text += (", and both come before the All view can show; in the app they run in worker "
                 "threads that share one interpreter lock with the UI.")
    if index is not None:
        text += (f" The search store opens in {fmt(index, 's')} in-process, in a worker, "
                 "alongside; filters scan until it is open.")
    return text


def _memory(rows: _Rows, f: Figure) -> str:
    n = f.size
    steps = [rows.get(label, n) for label in (
        "Memory step: python + the app's imports", "Memory step: + every record (load_all)",
        "Memory step: + the views' orderings", "Memory step: + the search store, five queries run")]
    text = f"- **Peak memory at {size_text(n)}**: {fmt(f.median, 'MB')} (target {f.target_text})."
    if all(s is not None and s.median is not None for s in steps):
        values = [s.median for s in steps if s is not None and s.median is not None]
        records = values[1] - values[0]
        text += (f" In a fresh process: {values[0]:.0f} MB after the imports, +{records:.0f} MB "
                 f"for the records (~{records * 1024 / (n or 1):.1f} KB a paper: what the views "
                 "need, the papers themselves stay packed on disk until used), "
                 f"+{values[2] - values[1]:.0f} MB for the views' orderings, "
                 f"+{values[3] - values[2]:.0f} MB for the search store and its queries.")
        gap = (f.median or 0) - values[3]
        if gap > 50:
            text += (f" The app peaks {gap:.0f} MB above the sum of these steps: memory held "
                     "only while it loads, builds or saves (e.g. two indexes at once, or an "
                     "index and its serialised copy), besides the UI itself.")
    return text


def _filter(rows: _Rows, f: Figure) -> str:
    from tests.bench.filters import FTS_ALONE

    slowest = f.note.split("slowest: ", 1)[-1] if "slowest: " in f.note else ""
    slowest, _, alone = slowest.partition(FTS_ALONE)
    text = (f"- **{f.label} at {size_text(f.size)}**: p95 {fmt(f.p95, f.unit)}, median "
            f"{fmt(f.median, f.unit)} (target {f.target_text}).")
    if slowest:
        text += f" The tail is a few queries: {slowest}."
    if alone:
        text += (f" SQLite's FTS5 alone, without the engine around it, takes {alone}: the "
                 "lookup reads the positions of every occurrence of those words, and the rest "
                 "is making the mask of the papers found.")
    if f.label == "Filter: phrase, first queries after a start":
        warm = rows.get("Filter: phrase", f.size)
        text += (" Right after a start SQLite's page cache is cold: the first phrase queries "
                 "read the full-text index's pages of their words from the file; from then on "
                 "phrase queries cost what the `Filter: phrase` row says")
        text += f" (p95 {fmt(warm.p95, warm.unit)})." if warm is not None else "."
    return text


def _scroll(rows: _Rows) -> str | None:
    presses = [f for f in rows.figures if f.label.startswith("Scroll: ") and f.size and f.samples]
    ratios = [f for f in rows.figures if f.label.startswith("Scroll: ") and f.unit == "x"
              and f.samples]
    if not presses:
        return None
    biggest = max(presses, key=lambda f: f.size or 0)
    text = (f"- **Cursor and paging**: a press costs {fmt(biggest.median, 'ms')} at "
            f"{size_text(biggest.size)} against {fmt(biggest.floor, 'ms')} for the same press in "
            "the bare app under Pilot")
    if ratios:
        text += "; " + ", ".join(f"{f.label.removeprefix('Scroll: ')} {fmt(f.median, 'x')}"
                                 for f in ratios)
        text += ": flat in the number of papers (no work proportional to N)"
    return text + "."


def notes(figures: Sequence[Figure]) -> list[str]:
    """Markdown bullets, one per missed target (grouped where one cause explains several)."""
    rows = _Rows(figures)
    out: list[str] = []
    first = [f for f in figures if f.label == "First paper row on screen" and f.met is False]
    if first:
        out.append(_first_row(rows, first))
    for f in figures:
        if f.met is not False:
            continue
        if f.label.startswith('"All" view shown'):
            out.append(_all_view(rows, f))
        elif f.label.startswith("Peak memory"):
            out.append(_memory(rows, f))
        elif f.label.startswith("Filter: "):
            out.append(_filter(rows, f))
        elif f.label.startswith("Scroll: ") and f.unit == "x":
            pass  # explained with the press figures below
        elif f.label != "First paper row on screen":
            out.append(f"- **{f.label} at {size_text(f.size)}**: {f.verdict}.")
    scroll = _scroll(rows)
    if scroll:
        out.append(scroll)
    return out
