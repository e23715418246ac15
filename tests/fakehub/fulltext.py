"""The Markdown full text of a paper (``/papers/{id}.md``), generated deterministically."""

from __future__ import annotations

import random
from typing import Any

from tests.fakehub.words import Vocabulary

LOSS = "\\mathcal{L}(\\theta) = -\\sum_{t} \\log p_\\theta(x_t \\mid x_{<t})"
SECTIONS = ("Introduction", "Related Work", "Method", "Experiments", "Conclusion")


def markdown_for(paper: dict[str, Any], vocab: Vocabulary, seed: int) -> str:
    """A paper-like Markdown document: title heading, authors, abstract, numbered sections,
    a table, a formula, a code block and references. Hostile text in the paper stays as is."""
    rng = random.Random(f"md:{seed}:{paper['id']}")

    def paragraph(words: int) -> str:
        return vocab.text(rng, words)

    names = [a["name"] for a in paper.get("authors", [])[:12]]
    more = len(paper.get("authors", [])) - len(names)
    out = [f"# {paper.get('title', '')}", ""]
    if names:
        out += [", ".join(names) + (f" and {more} more" if more > 0 else ""), ""]
    out += ["## Abstract", "", paper.get("summary", ""), ""]
    for n, section in enumerate(SECTIONS, start=1):
        out += [f"## {n} {section}", ""]
        for _ in range(1 + int(rng.random() * 3)):
            out += [paragraph(60 + int(rng.random() * 120)), ""]
        if section == "Method":
            out += [f"### {n}.1 Objective", "", paragraph(40), ""]
            out += ["$$", LOSS, "$$", ""]
            out += [
                "```python",
                "def step(model, batch):",
                "    loss = model(batch).loss",
                "    loss.backward()",
                "    return loss.item()",
                "```",
                "",
            ]
        if section == "Experiments":
            out += ["| Model | Accuracy | Tokens/s |", "|---|---:|---:|"]
            for _ in range(4):
                label = vocab.tail[int(rng.random() * 5000)].capitalize()
                out.append(f"| {label} | {rng.random() * 100:.1f} | {int(rng.random() * 5000)} |")
            out += ["", f"Table 1: Results on {vocab.tail[int(rng.random() * 5000)]}.", ""]
    out += ["## References", ""]
    for k in range(1, 6 + int(rng.random() * 10)):
        out.append(f"{k}. {paragraph(8)[:-1]}. arXiv:{2300 + k}.{int(rng.random() * 20000):05d}.")
    return "\n".join(out) + "\n"
