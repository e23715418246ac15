"""linked.json: the models, datasets and Spaces citing each paper, as last fetched."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reader.hub.models import LinkedRepo, LinkedRepos
from reader.store.atomic import CorruptFile

_KINDS = ("models", "datasets", "spaces")


def repo_to_dict(repo: LinkedRepo) -> dict[str, Any]:
    d: dict[str, Any] = {"id": repo.id, "kind": repo.kind}
    for name in ("likes", "downloads", "pipeline_tag", "last_modified"):
        value = getattr(repo, name)
        if value is not None:
            d[name] = value
    return d


def repo_from_dict(d: dict[str, Any]) -> LinkedRepo:
    return LinkedRepo(
        id=d["id"],
        kind=d["kind"],
        likes=d.get("likes"),
        downloads=d.get("downloads"),
        pipeline_tag=d.get("pipeline_tag"),
        last_modified=d.get("last_modified"),
    )


def linked_to_dict(repos: LinkedRepos, fetched: str) -> dict[str, Any]:
    d: dict[str, Any] = {kind: [repo_to_dict(r) for r in getattr(repos, kind)] for kind in _KINDS}
    d["fetched"] = fetched
    return d


def linked_from_body(
    path: Path, body: dict[str, Any]
) -> tuple[dict[str, LinkedRepos], dict[str, str]]:
    """Parse linked.json's body into (repos by paper id, fetched time by paper id), raising
    :class:`CorruptFile` on a wrong shape."""
    entries = body.get("repos")
    if not isinstance(entries, dict):
        raise CorruptFile(path, "linked repos have the wrong shape")
    repos: dict[str, LinkedRepos] = {}
    fetched: dict[str, str] = {}
    try:
        for paper_id, entry in entries.items():
            repos[paper_id] = LinkedRepos(
                *(tuple(repo_from_dict(r) for r in entry.get(kind, ())) for kind in _KINDS)
            )
            fetched[paper_id] = str(entry.get("fetched", ""))
    except (KeyError, TypeError, AttributeError) as exc:
        raise CorruptFile(path, f"linked repos have a malformed entry ({exc!r})") from exc
    return repos, fetched
