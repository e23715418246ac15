"""The daily digest: a day's top papers with links and AI summaries, as text, Markdown or one
self-contained HTML page (inline styles, no scripts, every piece of text escaped) for mail."""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

from reader.export.common import one_line, summary_line
from reader.export.markdown import md_escape
from reader.hub.text import clean_line
from reader.store.record import Record

DIGEST_FORMATS = ("markdown", "html", "text")


@dataclass(frozen=True)
class Digest:
    """What a digest shows: a heading, the papers in order, and their ranks if by trending."""

    title: str
    records: Sequence[Record]
    ranks: dict[str, int] | None = None  # paper id -> best trending rank (by trending)


def _authors(record: Record, limit: int = 3) -> str:
    names = [clean_line(a.name) for a in record.paper.visible_authors]
    more = f" +{len(names) - limit}" if len(names) > limit else ""
    return ", ".join(names[:limit]) + more


def _facts(digest: Digest, record: Record) -> str:
    p = record.paper
    parts = []
    if digest.ranks is not None and record.id in digest.ranks:
        parts.append(f"trending #{digest.ranks[record.id]}")
    if p.upvotes is not None:
        parts.append(f"▲ {p.upvotes:,}")
    if p.github_stars is not None:
        parts.append(f"★ {p.github_stars:,}")
    return " · ".join(parts)


def text(digest: Digest) -> str:
    """Plain text (for a chat hook or a terminal)."""
    lines = [clean_line(digest.title), ""]
    for n, record in enumerate(digest.records, 1):
        p = record.paper
        lines.append(f"{n}. {clean_line(p.title) or p.id}")
        meta = " · ".join(x for x in (_authors(record), _facts(digest, record)) if x)
        if meta:
            lines.append(f"   {meta}")
        lines.append(f"   {p.hf_url}")
        summary = clean_line(summary_line(p, 400))
        if summary:
            lines.append(f"   {summary}")
        lines.append("")
    if not digest.records:
        lines.append("No papers.")
    return "\n".join(lines).rstrip("\n") + "\n"


def markdown(digest: Digest) -> str:
    """Markdown (for a chat hook, a notes app or a Markdown mail)."""
    lines = [f"# {md_escape(clean_line(digest.title))}", ""]
    for n, record in enumerate(digest.records, 1):
        p = record.paper
        lines.append(f"{n}. **[{md_escape(clean_line(p.title) or p.id)}]({p.hf_url})**  ")
        meta = " · ".join(x for x in (md_escape(_authors(record)), _facts(digest, record)) if x)
        lines.append(f"   {meta} · [arXiv]({p.arxiv_url}) · [PDF]({p.pdf_url})  ")
        summary = clean_line(summary_line(p, 400))
        if summary:
            lines.append(f"   {md_escape(summary)}")
        lines.append("")
    if not digest.records:
        lines.append("No papers.")
    return "\n".join(lines).rstrip("\n") + "\n"


_PAGE = "font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;color:#1f2328;" \
        "background:#ffffff;max-width:720px;margin:0 auto;padding:16px;line-height:1.45"
_H1 = "font-size:22px;margin:0 0 16px 0"
_ITEM = "margin:0 0 20px 0;padding:0 0 16px 0;border-bottom:1px solid #e5e7eb"
_TITLE = "font-size:17px;font-weight:600;color:#0b57d0;text-decoration:none"
_META = "font-size:13px;color:#59636e;margin:4px 0"
_LINK = "color:#0b57d0;text-decoration:none"
_SUMMARY = "font-size:14px;margin:6px 0 0 0"


def _e(value: str) -> str:
    return html.escape(clean_line(value), quote=True)


def page(digest: Digest) -> str:
    """One self-contained HTML page: inline styles only (mail clients drop <style> and never
    run scripts), every piece of text escaped, links built from the arXiv id alone (a link
    taken from the network could be ``javascript:``)."""
    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width,initial-scale=1">',
           f"<title>{_e(digest.title)}</title></head>",
           f'<body style="{_PAGE}">', f'<h1 style="{_H1}">{_e(digest.title)}</h1>']
    for n, record in enumerate(digest.records, 1):
        p = record.paper
        pid = html.escape(p.id, quote=True)  # an id is [0-9.] by construction; escaped anyway
        meta = " · ".join(_e(x) for x in (_authors(record), _facts(digest, record)) if x)
        links = " · ".join(f'<a style="{_LINK}" href="{url}">{label}</a>' for label, url in (
            ("Hugging Face", f"https://huggingface.co/papers/{pid}"),
            ("arXiv", f"https://arxiv.org/abs/{pid}"), ("PDF", f"https://arxiv.org/pdf/{pid}")))
        out += [f'<div style="{_ITEM}">',
                f'<a style="{_TITLE}" href="https://huggingface.co/papers/{pid}">'
                f"{n}. {_e(p.title or p.id)}</a>",
                f'<p style="{_META}">{meta}</p>' if meta else "",
                f'<p style="{_META}">{links}</p>']
        summary = one_line(summary_line(p, 600))
        if summary:
            out.append(f'<p style="{_SUMMARY}">{_e(summary)}</p>')
        out.append("</div>")
    if not digest.records:
        out.append(f'<p style="{_META}">No papers.</p>')
    out.append("</body></html>")
    return "\n".join(line for line in out if line) + "\n"


def render_digest(digest: Digest, fmt: str) -> str:
    """``digest`` as ``fmt`` (one of :data:`DIGEST_FORMATS`)."""
    if fmt == "html":
        return page(digest)
    if fmt == "markdown":
        return markdown(digest)
    if fmt == "text":
        return text(digest)
    raise ValueError(f"unknown digest format {fmt!r}")
