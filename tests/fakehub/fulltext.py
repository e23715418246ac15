"""The Markdown full text of a paper (``/papers/{id}.md``), generated deterministically.

Shaped like the Markdown Hugging Face serves for arXiv papers: a title, authors, an abstract,
numbered sections and subsections, inline and display LaTeX (with ``_`` and ``*`` that a careless
Markdown renderer would turn into emphasis), tables, bullet and numbered lists, figures as images
with a caption, links, a code block and references. ``pages`` sets the length (~450 words a page;
``pages=60`` is a long paper of ~27,000 words). ``hostile_markdown`` is a paper that attacks the
reader: markup, escape sequences, bidi tricks, action links, and optionally megabytes of text.
"""

from __future__ import annotations

import random
from typing import Any

from tests.fakehub.hostile import CLICK, OSC8, OSC52, OSC52_ST
from tests.fakehub.words import Vocabulary

LOSS = "\\mathcal{L}(\\theta) = -\\sum_{t} \\log p_\\theta(x_t \\mid x_{<t})"
DISPLAY_MATH = (
    LOSS,
    "\\mathrm{Attn}(Q, K, V) = \\mathrm{softmax}\\left(\\frac{Q K^\\top}{\\sqrt{d_k}}\\right) V",
    "h_t^{(l)} = h_{t}^{(l-1)} + W_o^{(l)} * \\sigma(W_i^{(l)} h_t^{(l-1)} + b_i^{(l)})",
    "\\hat{y}_i = \\arg\\max_{k} \\; p_\\theta(y = k \\mid x_i), \\quad i = 1, \\dots, N",
)
INLINE_MATH = (
    "$x_t$", "$\\alpha_{t}*\\beta_{t}$", "$p_\\theta(y|x)$", "$a_1 * b_2 * c_3$",
    "$\\mathbf{h}_i \\in \\mathbb{R}^{d}$", "$O(n^2)$", "$k_{\\max}=8$", "$\\lambda_1 = 0.1$",
    "$W_q * x_i$", "$\\|v\\|_2$",
)
SECTIONS = ("Introduction", "Related Work", "Method", "Experiments", "Analysis", "Discussion",
            "Conclusion")
SUBSECTIONS = ("Setup", "Objective", "Architecture", "Training", "Baselines", "Results",
               "Ablations", "Limitations")
WORDS_PER_PAGE = 450


def markdown_for(paper: dict[str, Any], vocab: Vocabulary, seed: int, *,
                 pages: int | None = None) -> str:
    """A paper-like Markdown document of about ``pages`` pages (default 4 to 12, by the paper's
    id). Hostile text in the paper's title or abstract stays as it is."""
    rng = random.Random(f"md:{seed}:{paper['id']}")
    if pages is None:
        pages = 4 + int(rng.random() * 9)
    budget = pages * WORDS_PER_PAGE
    rand = rng.random

    def paragraph(words: int) -> str:
        text = vocab.text(rng, words).split(". ")
        for _ in range(int(rand() * 3)):  # inline math and a citation in running text
            k = int(rand() * len(text))
            text[k] += f" with {INLINE_MATH[int(rand() * len(INLINE_MATH))]}"
        if rand() < 0.4:
            text[-1] = text[-1].rstrip(".") + f" [{1 + int(rand() * 30)}]."
        return ". ".join(text)

    def name() -> str:
        return vocab.tail[int(rand() * 5000)]

    names = [a["name"] for a in paper.get("authors", [])[:12]]
    more = len(paper.get("authors", [])) - len(names)
    out = [f"# {paper.get('title', '')}", ""]
    if names:
        out += [", ".join(names) + (f" and {more} more" if more > 0 else ""), ""]
    out += ["## Abstract", "", paper.get("summary", ""), ""]
    sections = max(len(SECTIONS), pages // 3)
    per_section = max(80, budget // sections)
    figure = table = 0
    for n in range(1, sections + 1):
        title = SECTIONS[n - 1] if n <= len(SECTIONS) - 1 else (
            SECTIONS[-1] if n == sections else f"{name().capitalize()} {name()}")
        out += [f"## {n} {title}", ""]
        written = 0
        sub = 0
        while written < per_section:
            if written and rand() < 0.3:
                sub += 1
                out += [f"### {n}.{sub} {SUBSECTIONS[int(rand() * len(SUBSECTIONS))]}", ""]
            words = 60 + int(rand() * 120)
            out += [paragraph(words), ""]
            written += words
            roll = rand()
            if roll < 0.12:
                out += ["$$", DISPLAY_MATH[int(rand() * len(DISPLAY_MATH))], "$$", ""]
            elif roll < 0.2:
                out += [f"- **{name().capitalize()}**: {paragraph(14)}",
                        f"- {paragraph(10)} with {INLINE_MATH[int(rand() * len(INLINE_MATH))]}",
                        f"  - nested: {paragraph(6)}",
                        f"- {paragraph(12)}", ""]
                written += 40
            elif roll < 0.26:
                out += [f"1. {paragraph(12)}", f"2. {paragraph(10)}", f"3. {paragraph(8)}", ""]
                written += 30
            elif roll < 0.31:
                figure += 1
                caption = f"Figure {figure}: {paragraph(16)}"
                out += [f"![{caption}](https://arxiv.org/html/{paper['id']}v1/x{figure}.png)",
                        "", caption, ""]
                written += 16
            elif roll < 0.35:
                table += 1
                out += ["| Model | Accuracy | Tokens/s | $\\Delta_{acc}$ |",
                        "|---|---:|---:|---:|"]
                for _ in range(3 + int(rand() * 5)):
                    out.append(f"| {name().capitalize()} | {rand() * 100:.1f} | "
                               f"{int(rand() * 5000)} | +{rand() * 5:.2f} |")
                out += ["", f"Table {table}: Results on {name()}.", ""]
                written += 30
        if title == "Method":
            out += ["```python", "def step(model, batch):", "    loss = model(batch).loss",
                    "    loss.backward()", "    return loss.item()", "```", ""]
    out += ["Code: [github.com/example/" + name() + "](https://github.com/example/repo).", ""]
    out += ["## References", ""]
    for k in range(1, 6 + pages // 2):
        out.append(f"{k}. {paragraph(8)[:-1]}. arXiv:{2300 + k % 99}.{int(rand() * 20000):05d}.")
    return "\n".join(out) + "\n"


def hostile_markdown(paper: dict[str, Any], vocab: Vocabulary, seed: int, *,
                     huge: bool = False) -> str:
    """A full text that attacks a terminal reader. ``huge``: about 5 MB of text."""
    attack = [
        f"# Hostile {CLICK} paper [b]bold [/ [red]colour",
        "",
        "## Markup",
        "",
        f"Click [here](@click=app.quit) or {CLICK}; a [link](javascript:alert(1)) and "
        "[file](file:///etc/passwd); markup [link=https://evil.example]x[/link] and [/].",
        "",
        "## Escapes",
        "",
        f"Clipboard {OSC52} and {OSC52_ST}; hyperlink {OSC8}; CSI \x1b[2J\x1b[31mred\x1b[0m; "
        "8-bit \x9b31m; NUL \x00 and BEL \x07.",
        "",
        "## Bidi",
        "",
        "Override \u202egnirts desrever\u202c and isolate \u2066x\u2069 with \u200bzero width.",
        "",
        "<script>alert(1)</script> <b>html</b> &lt;entity&gt;",
        "",
    ]
    text = "\n".join(attack)
    if not huge:
        return text + markdown_for(paper, vocab, seed, pages=2)
    rng = random.Random(f"huge:{seed}:{paper['id']}")
    parts = [text]
    size = len(text)
    n = 0
    while size < 5_000_000:
        n += 1
        chunk = f"## Part {n} {CLICK}\n\n" + "\n\n".join(
            vocab.text(rng, 150) for _ in range(20)) + "\n\n"
        parts.append(chunk)
        size += len(chunk)
    return "".join(parts)
