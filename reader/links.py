"""Links for people: Hub URLs of linked repos and URLs shortened for display, never broken."""

from __future__ import annotations

from reader.hub.models import LinkedRepo, LinkedRepos

HUB = "https://huggingface.co"
KIND_PATH = {"model": "", "dataset": "datasets/", "space": "spaces/"}
KINDS = (("Models", "models"), ("Datasets", "datasets"), ("Spaces", "spaces"))


def repo_url(repo: LinkedRepo) -> str:
    """The Hub page of a linked model, dataset or Space."""
    return f"{HUB}/{KIND_PATH.get(repo.kind, '')}{repo.id}"


def by_likes(repos: tuple[LinkedRepo, ...]) -> list[LinkedRepo]:
    """Most liked first, then by id (a stable order for the detail and `show`)."""
    return sorted(repos, key=lambda r: (-(r.likes or 0), r.id))


def linked_json(repos: LinkedRepos, fetched_at: str | None) -> dict[str, object]:
    """The ``linked`` object of `show --json`: each kind as a list of repos with their URL."""
    out: dict[str, object] = {}
    for _, attr in KINDS:
        out[attr] = [
            {k: v for k, v in (("id", r.id), ("url", repo_url(r)), ("likes", r.likes),
                               ("downloads", r.downloads), ("pipeline_tag", r.pipeline_tag))
             if v is not None}
            for r in by_likes(getattr(repos, attr))
        ]
    if fetched_at:
        out["fetched_at"] = fetched_at
    return out


def short_url(url: str, width: int) -> str:
    """``url`` as shown in ``width`` cells: whole when it fits; else without the scheme and
    ``www.``, then with the middle replaced by "…" so both the host and the end stay readable.
    Only the shown text is cut: the link itself is always the whole URL."""
    if len(url) <= width:
        return url
    text = url
    for prefix in ("https://", "http://"):
        if text.startswith(prefix):
            text = text[len(prefix):]
            break
    text = text.removeprefix("www.").rstrip("/")
    if len(text) <= width:
        return text
    if width < 8:
        return text[: max(0, width - 1)] + "…"
    head = max(4, (width - 1) * 2 // 5)  # the end (an id, a file) tells links apart most
    tail = width - 1 - head
    return text[:head] + "…" + text[len(text) - tail:]
