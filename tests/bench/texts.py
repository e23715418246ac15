"""``text:`` search inside 1,000 paper-sized full texts: indexing, file size, query times.

    .venv/bin/python -m tests.bench.texts [--papers 1000] [--runs 5] [--keep DIR]

Generates ``--papers`` full texts of 89 to 133 pages (the fake hub's generator of
paper-shaped Markdown: sections, subsections, inline and display math, tables, lists, figures,
references; words from its Zipf vocabulary, seeded: 47,000 to 71,000 whitespace-separated
words a paper, 58,800 on average, math and table cells included), stores them as the app does
(``fulltext/<id>.md.gz``), indexes them into the full-text search store and times, in process:

- the ``text:`` filter compiled to SQL over the derived store with the texts store attached
  (reader.query.sql; what ``paper-reader list`` runs), for words, a phrase, a prefix, and
  ``text:`` combined with other terms; target p95 < 100 ms;
- the scan a filter falls back to while there is no search store (the first second of a start,
  a SQLite without FTS5; reader.controller): the passages FTS5 finds, then the reference
  matcher over every paper (reader.query.fulltext.narrowed). The app's filter and `list` take
  the SQL path above (reader.query.engine), so the target is on that one; this is a figure;
- the best passage (bm25, with its excerpt) of the first 20 papers found, as a list shows them.

Also a part of ``python -m tests.bench`` (``--skip texts`` leaves it out) at 1,000 papers.
Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from tests.bench.figures import Figure

SEED = 7
TARGET_MS = 100.0
WORDS_PER_PAGE = 450  # tests.fakehub.fulltext
PAGES = (89, 133)  # 47k to 71k words (mean 58.8k): long papers, the hard case
SHOWN = 20  # papers whose best passage a list shows at once


def generate(n: int, seed: int = SEED) -> Iterator[tuple[str, str]]:
    """(id, Markdown) of ``n`` paper-sized full texts, the same for the same seed."""
    from tests.fakehub.fulltext import markdown_for
    from tests.fakehub.words import vocabulary

    vocab = vocabulary(seed)
    rng = random.Random(seed)
    for k in range(n):
        pid = f"2611.{k + 1:05d}"
        paper = {"id": pid, "title": vocab.title(rng), "summary": vocab.text(rng, 180),
                 "authors": [{"name": f"Author {k} {j}"} for j in range(4)]}
        pages = rng.randint(*PAGES)
        text = markdown_for(paper, vocab, seed, pages=pages)
        if k % 10 == 0:  # some accents, folded as everywhere (Über finds uber)
            text += "\n## Über die Methode\n\nDie Ergebnisse der Straße sind schön.\n"
        yield pid, text


def _records(ids: list[str], seed: int) -> list[object]:
    from reader.hub.models import Paper
    from reader.store.record import Record

    rng = random.Random(seed)
    return [Record(Paper(pid, title=f"Paper {pid}", upvotes=rng.randint(0, 80),
                         github_repo="https://github.com/a/b" if rng.random() < 0.3 else None),
                   listed_on=("2026-11-20",)) for pid in ids]


def _phrases(conn: object, seed: int) -> list[str]:
    """Two-word phrases taken from the indexed passages (they occur, and not everywhere)."""
    import sqlite3

    from reader.query.fold import tokens

    assert isinstance(conn, sqlite3.Connection)
    rng = random.Random(seed)
    top = conn.execute("SELECT max(rid) FROM passages").fetchone()[0]
    out: list[str] = []
    while len(out) < 2:
        row = conn.execute("SELECT text FROM passages WHERE rid >= ? ORDER BY rid LIMIT 1",
                           (rng.randint(0, top),)).fetchone()
        words = [w for w in tokens(row[0]) if len(w) > 3 and w.isalpha()] if row else []
        if len(words) >= 6:
            i = rng.randint(0, len(words) - 2)
            out.append(f'text:"{words[i]} {words[i + 1]}"')
    return out


def queries(phrases: list[str]) -> list[tuple[str, str]]:
    """(label, query) of the timed ``text:`` queries."""
    return [
        ("a word", "text:attention"),
        ("a rare word", "text:uber"),
        ("a very common word", "text:model"),
        ("a phrase", phrases[0]),
        ("a phrase, fulltext:", phrases[1].replace("text:", "fulltext:")),
        ("a prefix", "text:transf"),
        ("a short prefix", "text:re"),
        ("with other terms", "text:diffusion upvotes:>20 has:code"),
        ("two terms, one negated", "text:attention -text:video"),
        ("text: OR a title word", "text:retrieval OR paper sort:upvotes"),
    ]


def _time(fn: Callable[[], object], runs: int) -> tuple[list[float], object]:
    fn()  # warm: the first run reads the pages from disk
    samples, out = [], None
    for _ in range(runs):
        t = time.perf_counter()
        out = fn()
        samples.append((time.perf_counter() - t) * 1000)
    return samples, out


def measure(n: int, runs: int, root: Path, log: Callable[[str], None] = print, *,
            index: bool = True) -> list[Figure]:
    """Build ``n`` full texts under ``root`` (reused when already there) and time them;
    ``index=False`` reuses the store already built there (no indexing figure then)."""
    from reader.query import Context, Query, matches, parse
    from reader.query.fulltext import best_passages, narrowed
    from reader.query.sql import search
    from reader.store import fulltext
    from reader.store.derived import store
    from reader.store.derived.texts import TextStore, attach
    from reader.store.record import Record

    ft_dir, cache_dir = root / "fulltext", root
    ids = sorted(fulltext.ids(ft_dir))
    words = 0
    if len(ids) < n:
        log(f"generating {n:,} full texts ({PAGES[0]}-{PAGES[1]} pages each)")
        started = time.perf_counter()
        ids = []
        for pid, text in generate(n):
            fulltext.put(ft_dir, pid, text)
            ids.append(pid)
            words += len(text.split())
        log(f"  generated in {time.perf_counter() - started:.0f} s, {words / n:,.0f} words "
            "a paper on average")
    texts = TextStore(cache_dir, ft_dir, log)
    if index or not (cache_dir / "texts.sqlite").exists():
        (cache_dir / "texts.sqlite").unlink(missing_ok=True)
        log(f"indexing {n:,} full texts")
        started = time.perf_counter()
        texts.refresh()
        index_s: float | None = time.perf_counter() - started
    else:
        index_s = None
        texts.refresh()
    size_mb = sum(p.stat().st_size for p in cache_dir.glob("texts.sqlite*")) / 1e6
    gz_mb = sum(p.stat().st_size for p in ft_dir.iterdir()) / 1e6
    rows = [
        Figure("Index the full texts (texts.sqlite from scratch)", n, "s",
               [index_s] if index_s is not None else [], show_p95=False,
               note=f"{gz_mb:,.0f} MB of .md.gz in"
               + (f", {words / n:,.0f} words a paper" if words else ""),
               error="" if index_s is not None else "not measured: an index was reused"),
        Figure("Full-text search store size", n, "MB", [size_mb], show_p95=False,
               note="texts.sqlite with its WAL"),
    ]
    records = _records(ids, SEED)
    papers = cache_dir / "papers.sqlite"
    store.rebuild(papers, [records], 1)  # type: ignore[list-item]
    conn = store.connect(papers, readonly=True)
    attach(conn, texts.path)
    reader = texts.reader()
    by_id = {r.id: r for r in records if isinstance(r, Record)}
    ctx = Context(now=dt.datetime(2026, 11, 27, tzinfo=dt.UTC))
    try:
        for label, text in queries(_phrases(reader, SEED)):
            query = parse(text)
            samples, found = _time(lambda q=query: search(conn, q, ctx), runs)
            hits = found if isinstance(found, list) else []
            rows.append(Figure(f"`{text}` ({label}): SQL filter", n, "ms", samples,
                               target=TARGET_MS, on="p95", note=f"{len(hits):,} papers"))

            def app_path(q: Query = query) -> list[str]:
                narrow = narrowed(ctx, reader, q)
                return [pid for pid, r in by_id.items() if matches(q, r, narrow)]

            samples, same = _time(app_path, runs)
            note = "" if sorted(hits) == sorted(same) else " DISAGREES WITH SQL"  # type: ignore
            rows.append(Figure(f"`{text}` ({label}): fallback scan, passages + matcher", n,
                               "ms", samples, show_p95=True, note=note.strip()))
            if hits:
                shown = hits[:SHOWN]
                samples, _ = _time(lambda s=shown, q=query: best_passages(reader, s, q), runs)
                rows.append(Figure(f"`{text}`: best passages of {len(shown)} papers", n, "ms",
                                   samples, show_p95=True))
    finally:
        conn.close()
        reader.close()
    return rows


def figures(n: int, runs: int, keep: Path | None = None,
            log: Callable[[str], None] = print, *, index: bool = True) -> list[Figure]:
    """The rows of ``python -m tests.bench``'s ``texts`` part."""
    root = keep / f"texts-{n}" if keep else Path(tempfile.mkdtemp(prefix="reader-texts-"))
    root.mkdir(parents=True, exist_ok=True)
    try:
        return measure(n, max(runs, 20), root, log, index=index)
    finally:
        if keep is None:
            shutil.rmtree(root, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    from tests.bench import report

    parser = argparse.ArgumentParser(prog="python -m tests.bench.texts", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--papers", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=20, help="timed runs per query")
    parser.add_argument("--keep", type=Path, default=None, metavar="DIR",
                        help="generate the texts in DIR and keep them (a later run reuses them)")
    parser.add_argument("--reuse-index", action="store_true",
                        help="with --keep: query the index a previous run built there")
    args = parser.parse_args(argv)
    rows = figures(args.papers, args.runs, args.keep, index=not args.reuse_index)
    print(report.text_table(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
