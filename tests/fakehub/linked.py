"""Models, datasets and Spaces that cite a paper: the E4 body and the E3 ``linked*`` samples."""

from __future__ import annotations

import random
from typing import Any

from tests.fakehub.words import Vocabulary

PIPELINES = (
    "text-generation",
    "image-text-to-text",
    "text-to-image",
    "feature-extraction",
    "automatic-speech-recognition",
    "image-classification",
    None,
)
LIBRARIES = ("transformers", "diffusers", "peft", "sentence-transformers", "timm", None)
SDKS = ("gradio", "streamlit", "docker", "static")
EMOJIS = ("🚀", "🤗", "🔥", "🧠", "🎨", "📚", "🦙", "⚡")
E3_SAMPLE = 8  # E3 embeds at most this many of each kind; numTotal* gives the full count


def _count(rng: random.Random, scale: float, cap: int) -> int:
    return min(cap, int(scale * (rng.paretovariate(1.3) - 1)))


def _stamp(rng: random.Random) -> str:
    return f"2026-0{1 + int(rng.random() * 9)}-1{int(rng.random() * 9)}T12:00:00.000Z"


def repos_for(
    paper_id: str, paper: dict[str, Any], vocab: Vocabulary, seed: int
) -> dict[str, list[dict[str, Any]]]:
    """The ``/api/arxiv/{id}/repos`` body for a paper of the corpus (deterministic per id)."""
    rng = random.Random(f"repos:{seed}:{paper_id}")
    rich = "githubRepo" in paper
    if rng.random() > (0.7 if rich else 0.2):
        return {"models": [], "datasets": [], "spaces": []}
    tag = f"arxiv:{paper_id}"
    owner = paper.get("organization", {}).get("name") or vocab.tail[int(rng.random() * 30000)]

    def name() -> str:
        return f"{owner}/{vocab.tail[int(rng.random() * 30000)]}-{int(rng.random() * 70)}b"

    models = []
    for _ in range(_count(rng, 4, 40)):
        m: dict[str, Any] = {
            "id": name(),
            "lastModified": _stamp(rng),
            "private": False,
            "downloads": int(rng.paretovariate(0.5)),
            "likes": int(rng.paretovariate(0.9)) - 1,
            "tags": [tag, "safetensors"],
        }
        pipeline = PIPELINES[int(rng.random() * len(PIPELINES))]
        if pipeline:
            m["pipeline_tag"] = pipeline
        library = LIBRARIES[int(rng.random() * len(LIBRARIES))]
        if library:
            m["library_name"] = library
        models.append(m)
    datasets = [
        {
            "id": name(),
            "lastModified": _stamp(rng),
            "private": False,
            "downloads": int(rng.paretovariate(0.6)),
            "likes": int(rng.paretovariate(1.0)) - 1,
            "tags": [tag],
        }
        for _ in range(_count(rng, 1.5, 12))
    ]
    spaces = [
        {
            "id": name(),
            "lastModified": _stamp(rng),
            "private": False,
            "likes": int(rng.paretovariate(0.9)) - 1,
            "trendingScore": round(rng.random() * 20, 1),
            "sdk": SDKS[int(rng.random() * len(SDKS))],
            "tags": [tag],
        }
        for _ in range(_count(rng, 2, 15))
    ]
    return {"models": models, "datasets": datasets, "spaces": spaces}


def e3_linked(paper_id: str, repos: dict[str, list[dict[str, Any]]], seed: int) -> dict[str, Any]:
    """The ``linked*``/``numTotal*`` fields that E3 adds, in their E3 (overview) shapes."""
    rng = random.Random(f"linked:{seed}:{paper_id}")
    models = [
        {
            "id": m["id"],
            "author": m["id"].split("/")[0],
            "downloads": m["downloads"],
            "likes": m["likes"],
            "pipeline_tag": m.get("pipeline_tag"),
            "lastModified": m["lastModified"],
            "private": False,
            "repoType": "model",
        }
        for m in repos["models"][:E3_SAMPLE]
    ]
    datasets = [
        {
            "id": d["id"],
            "author": d["id"].split("/")[0],
            "downloads": d["downloads"],
            "likes": d["likes"],
            "lastModified": d["lastModified"],
            "private": False,
            "repoType": "dataset",
        }
        for d in repos["datasets"][:E3_SAMPLE]
    ]
    spaces = [
        {
            "id": s["id"],
            "emoji": EMOJIS[int(rng.random() * len(EMOJIS))],
            "running": rng.random() < 0.7,
            "shortDescription": f"Demo of {s['id'].split('/')[1]}",
            "featured": False,
        }
        for s in repos["spaces"][:E3_SAMPLE]
    ]
    return {
        "linkedModels": models,
        "numTotalModels": len(repos["models"]),
        "linkedDatasets": datasets,
        "numTotalDatasets": len(repos["datasets"]),
        "linkedSpaces": spaces,
        "numTotalSpaces": len(repos["spaces"]),
    }
