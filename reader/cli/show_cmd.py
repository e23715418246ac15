"""`paper-reader show ID`: one cached paper in full, for reading in a terminal, or as JSON."""

from __future__ import annotations

import argparse
import sys
import textwrap

import orjson

from reader.cli.common import library_state, open_cache, report_problems
from reader.cli.output import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    CliError,
    json_safe,
    plain,
    terminal_width,
)
from reader.cli.records import record_json
from reader.hub.ids import InvalidPaperId, normalize_id
from reader.hub.models import LinkedRepos
from reader.links import KINDS, by_likes, linked_json, repo_url
from reader.store.record import Record
from reader.store.state import LibraryState

EPILOG = """\
examples:
  paper-reader show 2502.16161
  paper-reader show https://arxiv.org/abs/2502.16161v2
  paper-reader show hf.co/papers/2502.16161 --json

Reads the cache only: it works offline. The id may be a bare arXiv id (any version),
arxiv:ID, or an arxiv.org / huggingface.co link. The models, datasets and Spaces citing the
paper are shown when the reader has fetched them ("linked" in --json).
"""


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser],
               parents: list[argparse.ArgumentParser]) -> None:
    """Register the `show` sub-command."""
    p = sub.add_parser(
        "show",
        parents=parents,
        help="show one cached paper in full",
        description="Show one paper from the local cache: title, authors, dates, upvotes, links, "
        "AI summary, keywords and abstract.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("id", metavar="ID", help="an arXiv id or an arxiv.org / huggingface.co link")
    p.add_argument("--json", action="store_true", help="print the paper as one JSON object")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Run `paper-reader show`; returns the exit status."""
    try:
        pid = normalize_id(args.id)
    except InvalidPaperId as exc:
        raise CliError(str(exc), EXIT_USAGE) from None
    cache = open_cache()
    record = cache.get(pid)
    report_problems(cache.problems)
    if record is None:
        raise CliError(
            f"{pid} is not in the cache; run `paper-reader sync` (or `paper-reader import FILE`) "
            "to fetch it",
            EXIT_FAILED,
        )
    state = library_state()
    linked = cache.linked_get(pid)
    if args.json:
        doc = record_json(record, state)
        if linked is not None:  # only when fetched: an empty list would claim "none cite it"
            doc["linked"] = linked_json(linked, cache.linked_fetched(pid))
        sys.stdout.write(json_safe(orjson.dumps(doc, option=orjson.OPT_INDENT_2).decode()) + "\n")
    else:
        sys.stdout.write(plain(render(record, state, width=terminal_width(), linked=linked)))
    return EXIT_OK


def _wrap(text: str, width: int, indent: str = "") -> list[str]:
    """Wrap each paragraph of ``text`` (blank-line separated) to ``width`` columns."""
    lines: list[str] = []
    for i, para in enumerate(p for p in text.split("\n\n") if p.strip()):
        if i:
            lines.append("")
        lines += textwrap.wrap(" ".join(para.split()), width, initial_indent=indent,
                               subsequent_indent=indent, break_on_hyphens=False) or [indent]
    return lines


def render(record: Record, state: LibraryState, *, width: int = 80,
           linked: LinkedRepos | None = None) -> str:
    """The human-readable page of one paper, wrapped to ``width`` columns; ``linked``: the
    models, datasets and Spaces citing it, when they were fetched (by the reader)."""
    p = record.paper
    width = max(width, 40)
    out: list[str] = []
    out += _wrap(p.title or "(untitled)", width)
    out.append("=" * min(width, max((len(line) for line in out), default=0)))
    authors = p.visible_authors
    if authors:
        label = "Author" if len(authors) == 1 else f"Authors ({len(authors)})"
        out += _wrap(f"{label}: " + ", ".join(a.name for a in authors), width)
    if p.organization is not None:
        out.append(f"Organization: {p.organization.fullname or p.organization.name}")
    out.append("")
    facts: list[tuple[str, str]] = [("Id", p.id)]
    if p.published_at:
        facts.append(("Published", p.published_at[:10]))
    if record.listed_on:
        facts.append(("Listed on", ", ".join(record.listed_on)))
    elif p.submitted_daily_at:
        facts.append(("Submitted", p.submitted_daily_at[:10]))
    if p.submitted_by:
        facts.append(("Submitted by", p.submitted_by))
    counts = []
    if p.upvotes is not None:
        counts.append(f"{p.upvotes} upvotes")
    if p.num_comments is not None:
        counts.append(f"{p.num_comments} comments")
    if counts:
        facts.append(("Votes", ", ".join(counts)))
    if record.trending_rank is not None:
        facts.append(("Trending", f"#{record.trending_rank} ({record.trending[-1][1][:10]})"))
    if p.withdrawn_at:
        facts.append(("Withdrawn", p.withdrawn_at[:10]))
    mine = []
    if state.is_bookmarked(p.id):
        mine.append("bookmarked")
    if state.is_read(p.id):
        mine.append("read")
    if mine:
        facts.append(("Library", ", ".join(mine)))
    if state.tags.get(p.id):
        facts.append(("Tags", ", ".join(state.tags[p.id])))
    out += _facts(facts, width)
    out.append("")
    links: list[tuple[str, str]] = [
        ("Hugging Face", p.hf_url), ("arXiv", p.arxiv_url), ("PDF", p.pdf_url)
    ]
    if p.github_repo:
        stars = f" ({p.github_stars} stars)" if p.github_stars is not None else ""
        links.append(("GitHub", p.github_repo + stars))
    if p.project_page:
        links.append(("Project page", p.project_page))
    out.append("Links")
    out += _facts(links, width, indent="  ")
    note = state.notes.get(p.id)
    if note:
        out += ["", "Note"] + _wrap(note, width - 2, indent="  ")
    if p.ai_summary:
        out += ["", "AI summary"] + _wrap(p.ai_summary, width - 2, indent="  ")
    if p.ai_keywords:
        out += ["", "Keywords"] + _wrap(", ".join(p.ai_keywords), width - 2, indent="  ")
    out += ["", "Abstract"]
    out += _wrap(p.summary, width - 2, indent="  ") if p.summary else ["  (no abstract)"]
    if linked is not None:
        out += ["", "On the Hub"]
        for label, attr in KINDS:
            repos = by_likes(getattr(linked, attr))
            out.append(f"  {label} ({len(repos)})")
            out += [f"    {repo_url(r)}" + (f"  ({r.likes} likes)" if r.likes else "")
                    for r in repos]
    return "\n".join(out) + "\n"


def _facts(pairs: list[tuple[str, str]], width: int, indent: str = "") -> list[str]:
    """``label: value`` lines with the values aligned; long values wrap under themselves."""
    pad = max(len(label) for label, _ in pairs) + 2
    lines: list[str] = []
    for label, value in pairs:
        head = f"{indent}{label + ':':<{pad}}"
        wrapped = textwrap.wrap(value, max(width - len(head), 20), break_long_words=False,
                                break_on_hyphens=False) or [""]
        lines.append(head + wrapped[0])
        lines += [" " * len(head) + rest for rest in wrapped[1:]]
    return lines
