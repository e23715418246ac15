"""Tolerant parsing of API JSON: real shapes, wrong types, hostile text, arbitrary values."""

from __future__ import annotations

import copy
import logging
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.hub.models import Author, LinkedRepos, Organization, Paper
from reader.hub.parse import (
    linked_repos_from_api,
    paper_from_api,
    paper_from_item,
    search_hit_from_item,
)
from reader.hub.text import is_forbidden

# A real /api/daily_papers element (reference §3.1), shortened.
DAILY_ITEM: dict[str, Any] = {
    "paper": {
        "id": "2602.23229",
        "authors": [
            {"_id": "69aa20ecc4f6edddcc6c85cd", "name": "Marco Garosi", "hidden": False},
            {"_id": "69aa20ecc4f6edddcc6c85d1", "name": "Elisa Ricci", "hidden": False},
        ],
        "mediaUrls": ["https://cdn-uploads.huggingface.co/production/uploads/x/UUP.webp"],
        "publishedAt": "2026-02-26T17:08:18.000Z",
        "submittedOnDailyAt": "2026-03-06T03:55:12.777Z",
        "title": "Large Multimodal Models as General In-Context Classifiers",
        "submittedOnDailyBy": {
            "_id": "65a103d5230f8846b1b99cfa",
            "avatarUrl": "/avatars/0bcba885d6e0ff74e03f42faa5c86783.svg",
            "isPro": False,
            "fullname": "Marco Garosi",
            "user": "marco-garosi",
            "type": "user",
        },
        "summary": "Which multimodal model should we use for classification?\nWe answer it.",
        "upvotes": 10,
        "discussionId": "69aa20edc4f6edddcc6c85d2",
        "projectPage": "https://circle-lmm.github.io/",
        "githubRepo": "https://github.com/marco-garosi/CIRCLE",
        "githubRepoAddedBy": "user",
        "ai_summary": "Large Multimodal Models demonstrate superior performance.",
        "ai_keywords": ["Vision-Language Models", "Large Multimodal Models", "in-context learning"],
        "githubStars": 9,
        "organization": {
            "_id": "647ef9ce45baf21ad707cc59",
            "name": "MHUGLab",
            "fullname": "Multimedia and Human Understanding Group",
            "avatar": "https://cdn-uploads.huggingface.co/production/uploads/x/Vf.png",
        },
    },
    "publishedAt": "2026-02-26T12:08:18.000Z",
    "title": "Large Multimodal Models as General In-Context Classifiers",
    "summary": "Which multimodal model should we use for classification?\nWe answer it.",
    "mediaUrls": ["https://cdn-uploads.huggingface.co/production/uploads/x/UUP.webp"],
    "thumbnail": "https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/2602.23229.png",
    "numComments": 1,
    "submittedBy": {
        "_id": "65a103d5230f8846b1b99cfa",
        "fullname": "Marco G.",
        "name": "marco-garosi",
        "type": "user",
    },
    "organization": {"_id": "647ef9ce45baf21ad707cc59", "name": "MHUGLab"},
    "isAuthorParticipating": False,
}

# A real /api/papers/search element (reference §3.2), shortened.
SEARCH_ITEM: dict[str, Any] = {
    "paper": {
        "id": "2404.04487",
        "authors": [
            {
                "_id": "661508c74476535462a61577",
                "user": {
                    "_id": "6426341dad1e3b0e6e90ebd6",
                    "fullname": "Rustem Yeshpanov",
                    "user": "yeshpanovrustem",
                    "type": "user",
                },
                "name": "Rustem Yeshpanov",
                "status": "claimed_verified",
                "hidden": False,
            },
            {"_id": "661508c74476535462a61578", "name": "Hidden Person", "hidden": True},
        ],
        "publishedAt": "2024-04-06T03:40:36.000Z",
        "title": "KazQAD: Kazakh Open-Domain Question Answering Dataset",
        "summary": "We introduce KazQAD -- a Kazakh open-domain question answering (ODQA) dataset\n"
        "-- that can be used.",
        "upvotes": 1,
        "discussionId": "661508c74476535462a6158d",
        "ai_keywords": ["open-domain question answering (ODQA)", "reading comprehension"],
    },
    "publishedAt": "2024-04-05T23:40:36.000Z",
    "title": "KazQAD: Kazakh Open-Domain Question Answering Dataset",
    "thumbnail": "https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/2404.04487.png",
    "numComments": 0,
    "upvoted": False,
    "isAuthorParticipating": False,
    "highlightedTitle": [
        {"type": "text", "text": "KazQAD: "},
        {"type": "highlight", "text": "Kazakh"},
        {"type": "text", "text": " Open-Domain Question Answering Dataset"},
    ],
}

SLIM_SEARCH_ITEM = {  # the 2024 shape (ISS-2553)
    "id": "2409.11074",
    "title": "RoMath: A Mathematical Reasoning Benchmark in Romanian",
    "thumbnailUrl": "https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/2409.11074.png",
    "source": "hf",
}


def test_daily_item() -> None:
    p = paper_from_item(DAILY_ITEM)
    assert p == Paper(
        id="2602.23229",
        title="Large Multimodal Models as General In-Context Classifiers",
        summary="Which multimodal model should we use for classification? We answer it.",
        authors=(Author("Marco Garosi"), Author("Elisa Ricci")),
        published_at="2026-02-26T17:08:18.000Z",  # the paper's, not the item's shifted one
        submitted_daily_at="2026-03-06T03:55:12.777Z",
        submitted_by="Marco G.",  # item.submittedBy.fullname wins
        upvotes=10,
        num_comments=1,
        ai_summary="Large Multimodal Models demonstrate superior performance.",
        ai_keywords=("Vision-Language Models", "Large Multimodal Models", "in-context learning"),
        github_repo="https://github.com/marco-garosi/CIRCLE",
        github_stars=9,
        project_page="https://circle-lmm.github.io/",
        organization=Organization("MHUGLab", "Multimedia and Human Understanding Group"),
        discussion_id="69aa20edc4f6edddcc6c85d2",
        thumbnail="https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/2602.23229.png",
        media_urls=("https://cdn-uploads.huggingface.co/production/uploads/x/UUP.webp",),
    )


@pytest.mark.parametrize(
    ("submitted_by", "on_daily_by", "expected"),
    [
        ({"fullname": "AK", "name": "akhaliq"}, {"fullname": "X"}, "AK"),
        ({"name": "akhaliq"}, {"fullname": "X"}, "akhaliq"),
        ({"fullname": 3}, {"fullname": "Daily Full"}, "Daily Full"),
        (None, {"user": "daily-user"}, "daily-user"),
        (None, {"name": "daily-name"}, "daily-name"),
        (None, None, None),
    ],
)
def test_submitted_by_fallbacks(
    submitted_by: dict[str, Any] | None, on_daily_by: dict[str, Any] | None, expected: str | None
) -> None:
    item: dict[str, Any] = {"paper": {"id": "2602.23229"}}
    if submitted_by is not None:
        item["submittedBy"] = submitted_by
    if on_daily_by is not None:
        item["paper"]["submittedOnDailyBy"] = on_daily_by
    p = paper_from_item(item)
    assert p is not None and p.submitted_by == expected


def test_search_item_wrapped_shape() -> None:
    hit = search_hit_from_item(SEARCH_ITEM)
    assert hit is not None
    assert hit.paper.id == "2404.04487"
    assert hit.paper.authors == (
        Author("Rustem Yeshpanov", "yeshpanovrustem", False),
        Author("Hidden Person", None, True),
    )
    assert hit.paper.visible_authors == (Author("Rustem Yeshpanov", "yeshpanovrustem", False),)
    assert hit.paper.summary.startswith("We introduce KazQAD -- a Kazakh open-domain")
    assert "\n" not in hit.paper.summary
    assert hit.paper.published_at == "2024-04-06T03:40:36.000Z"
    assert hit.paper.num_comments == 0
    assert hit.highlighted_title == (
        ("KazQAD: ", False),
        ("Kazakh", True),
        (" Open-Domain Question Answering Dataset", False),
    )
    assert "".join(t for t, _ in hit.highlighted_title) == hit.paper.title


def test_search_item_slim_2024_shape() -> None:
    hit = search_hit_from_item(SLIM_SEARCH_ITEM)
    assert hit is not None
    assert hit.paper.id == "2409.11074"
    assert hit.paper.title == "RoMath: A Mathematical Reasoning Benchmark in Romanian"
    assert hit.paper.thumbnail == SLIM_SEARCH_ITEM["thumbnailUrl"]
    assert hit.highlighted_title == ()


def test_author_name_falls_back_to_user_fullname() -> None:
    p = paper_from_api(
        {"id": "2602.00001", "authors": [{"name": "", "user": {"fullname": "Full", "user": "u"}},
                                         {"user": {"user": "nameless"}}, "Plain Name", 7]}
    )
    assert p is not None
    assert p.authors == (Author("Full", "u"), Author("Plain Name"))


def test_wrong_types_are_dropped_with_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    paper = copy.deepcopy(DAILY_ITEM["paper"])
    paper.update(
        upvotes="10",  # a string where an int is expected
        githubStars=True,  # bool is not a count
        title=["not", "a", "string"],
        ai_keywords=["ok", 5, None, "\x1b[31m"],
        organization="MHUGLab",
        githubRepo="javascript:alert(1)",
        projectPage="file:///etc/passwd",
        publishedAt="yesterday",
        authors={"name": "not a list"},
    )
    with caplog.at_level(logging.WARNING, logger="reader.hub"):
        p = paper_from_api(paper)
    assert p is not None
    assert p.upvotes is None and p.github_stars is None
    assert p.title == ""
    assert p.ai_keywords == ("ok",)
    assert p.organization is None
    assert p.github_repo is None and p.project_page is None
    assert p.published_at is None
    assert p.authors == ()
    logged = caplog.text
    for field in ("upvotes", "githubStars", "title", "ai_keywords", "organization", "githubRepo"):
        assert field in logged
    assert all(r.name == "reader.hub" for r in caplog.records)


def test_integral_float_count_is_accepted() -> None:
    p = paper_from_api({"id": "2602.00001", "upvotes": 12.0, "githubStars": 1.5})
    assert p is not None and p.upvotes == 12 and p.github_stars is None


@pytest.mark.parametrize(
    "obj",
    [
        None, 1, "2602.23229", [], [DAILY_ITEM], {}, {"id": None}, {"id": 2602.23229},
        {"id": "../../etc"}, {"id": "2502.161"}, {"paper": None}, {"paper": "x"},
        {"paper": {"title": "no id"}},
    ],
)
def test_items_without_a_valid_id_give_none(obj: Any, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="reader.hub"):
        assert paper_from_item(obj) is None
        assert search_hit_from_item(obj) is None
    assert caplog.records, "a dropped item must be reported"


def test_paper_id_is_normalised() -> None:
    p = paper_from_api({"id": "2602.23229v2"})
    assert p is not None and p.id == "2602.23229"


def test_hostile_strings_are_sanitised() -> None:
    item = {
        "paper": {
            "id": "2602.00002",
            "title": "[@click=app.quit]x[/] \x1b]52;c;SGVsbG8=\x07Evil\u202etxt.exe",
            "summary": "Line one\x1b[31m\nline two\n\nPara \u2066two\u2069",
            "authors": [{"name": "Ann\x00 \u200bBee", "user": {"user": "ann\x1b[0m"}}],
            "ai_keywords": ["key\u200dword"],
            "organization": {"name": "Org\x07", "fullname": "The\nOrg"},
        },
        "submittedBy": {"fullname": "Sub\x9b2Jmitter"},
        "highlightedTitle": [{"type": "highlight", "text": "\x1b[1mEvil"}],
    }
    hit = search_hit_from_item(item)
    assert hit is not None
    p = hit.paper
    assert p.title == "[@click=app.quit]x[/] Eviltxt.exe"  # markup is the TUI's business
    assert p.summary == "Line one line two\n\nPara two"
    assert p.authors == (Author("Ann Bee", "ann"),)
    assert p.ai_keywords == ("keyword",)
    assert p.organization == Organization("Org", "The Org")
    assert p.submitted_by == "Submitter"
    assert hit.highlighted_title == (("Evil", True),)


def test_linked_repos() -> None:
    body = {
        "models": [
            {"id": "google/gemma", "lastModified": "2026-07-01T12:00:00.000Z", "private": False,
             "downloads": 1200000, "likes": 842, "pipeline_tag": "text-generation"},
            {"id": "../../etc/passwd", "likes": 1},
            {"id": "google/gemma", "likes": 1},  # duplicate
            "junk",
        ],
        "datasets": [{"id": "openai/gsm8k", "downloads": 20000, "likes": "100"}],
        "spaces": None,
    }
    repos = linked_repos_from_api(body)
    assert [r.id for r in repos.models] == ["google/gemma"]
    m = repos.models[0]
    assert (m.kind, m.likes, m.downloads, m.pipeline_tag, m.last_modified) == (
        "model", 842, 1200000, "text-generation", "2026-07-01T12:00:00.000Z"
    )
    assert repos.datasets[0].kind == "dataset" and repos.datasets[0].likes is None
    assert repos.spaces == ()
    assert repos.total == 2


def test_linked_repos_from_an_e3_object() -> None:
    repos = linked_repos_from_api(
        {"id": "2601.15621", "linkedModels": [{"id": "org/model"}],
         "linkedSpaces": [{"id": "org/demo", "emoji": "🚀"}]}
    )
    assert [r.id for r in repos.models] == ["org/model"]
    assert [(r.id, r.kind) for r in repos.spaces] == [("org/demo", "space")]


@pytest.mark.parametrize("obj", [None, [], "x", 3, {"models": "x"}, {}])
def test_linked_repos_of_junk_is_empty(obj: Any) -> None:
    assert linked_repos_from_api(obj) == LinkedRepos()


# --- property tests: no JSON value makes a parser raise -------------------------------------

_KEYS = st.sampled_from(
    ["id", "paper", "title", "summary", "authors", "name", "user", "fullname", "hidden",
     "upvotes", "numComments", "publishedAt", "submittedOnDailyAt", "submittedOnDailyBy",
     "submittedBy", "ai_keywords", "ai_summary", "githubRepo", "githubStars", "projectPage",
     "organization", "discussionId", "thumbnail", "thumbnailUrl", "mediaUrls", "withdrawnAt",
     "highlightedTitle", "type", "text", "models", "datasets", "spaces", "likes", "downloads",
     "pipeline_tag", "lastModified", "linkedModels"]
) | st.text(max_size=5)
_SCALARS = (
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True)
    | st.text() | st.sampled_from(["2602.23229", "2602.23229v1", "https://x.y/z", "highlight",
                                  "2026-03-06T03:55:12.777Z"])
)
JSON = st.recursive(
    _SCALARS,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(_KEYS, children, max_size=6),
    max_leaves=30,
)


def _strings_of(p: Paper) -> list[str]:
    out = [p.id, p.title, p.summary, *p.ai_keywords, *p.media_urls]
    out += [s for s in (p.published_at, p.submitted_by, p.ai_summary, p.github_repo,
                        p.thumbnail, p.discussion_id) if s]
    for a in p.authors:
        out += [a.name, a.username or ""]
    return out


@settings(max_examples=300)
@given(JSON)
def test_parsers_never_raise(value: Any) -> None:
    for candidate in (value, {"paper": value}, {"id": "2602.23229", "paper": value}):
        for parse in (paper_from_api, paper_from_item):
            p = parse(candidate)
            if p is not None:
                for s in _strings_of(p):
                    assert not any(is_forbidden(c, keep_layout=True) for c in s)
        search_hit_from_item(candidate)
        linked_repos_from_api(candidate)


@settings(max_examples=200)
@given(st.dictionaries(_KEYS, JSON, max_size=12))
def test_paper_fields_of_any_type_never_raise(fields: dict[str, Any]) -> None:
    p = paper_from_item({**fields, "paper": {**fields, "id": "2602.23229"}})
    assert p is not None and p.id == "2602.23229"
    assert p.upvotes is None or (type(p.upvotes) is int)


# --- the fake hub's corpus, hostile papers included ------------------------------------------


def test_every_corpus_item_parses_clean() -> None:
    from tests.fakehub.corpus import Corpus

    corpus = Corpus(days=3, hostile=True, seed=7)
    papers = [paper_from_item(it) for it in corpus.items]
    assert all(p is not None for p in papers)
    by_id = {p.id: p for p in papers if p is not None}
    assert list(by_id) == corpus.ids()
    for p in by_id.values():
        for s in _strings_of(p):
            assert not any(is_forbidden(c, keep_layout=True) for c in s), (p.id, s[:80])
        assert "\t" not in p.summary and "\n\n\n" not in p.summary
    hostile = [by_id[i] for i in corpus.hostile_ids]
    titles = {p.title for p in hostile}
    assert "[@click=app.quit]x[/]" in titles  # kept verbatim: the TUI never parses it as markup
    assert "Red alert: ANSI blinking in titles" in titles
    assert any(len(p.authors) == 500 for p in hostile)
    assert any(len(p.summary) >= 50_000 for p in hostile)


# --- real captures (snippets of ../shared/realdata, see SOURCES.md there) ---------------------

# 2024-05-27 daily answer: no submittedOnDailyAt; the item's publishedAt is the submission time.
ITEM_2024 = {
    "paper": {"id": "2405.15738", "publishedAt": "2024-05-24T17:34:15.000Z", "upvotes": 32,
              "title": "ConvLLaVA: Hierarchical Backbones as Visual Encoder for Large "
                       "Multimodal\n  Models"},
    "publishedAt": "2024-05-27T03:50:58.348Z",
    "title": "ConvLLaVA: Hierarchical Backbones as Visual Encoder for Large Multimodal Models",
    "mediaUrl": "https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/2405.15738.png",
    "numComments": 3,
}
# 2025-01-13 daily answer: submitted the evening before (UTC), listed on the 13th.
ITEM_2025_01 = {
    "paper": {"id": "2501.05874", "publishedAt": "2025-01-10T11:17:15.000Z", "upvotes": 19,
              "title": "VideoRAG: Retrieval-Augmented Generation over Video Corpus"},
    "publishedAt": "2025-01-12T21:47:33.594Z",
    "numComments": 1,
    "submittedBy": {"fullname": "Jinheon Baek", "name": "jinheon"},
}
# 2025-03-11 daily answer: the item's publishedAt is the arXiv time shifted back 5 hours.
ITEM_2025_03_11 = {
    "paper": {"id": "2503.03601", "publishedAt": "2025-03-05T15:33:52.000Z", "upvotes": 58},
    "publishedAt": "2025-03-05T10:33:52.000Z",
    "numComments": 1,
}
# 2025-10-08 daily answer: a GitHub link with a line break inside.
ITEM_2025_10 = {
    "paper": {"id": "2510.05342", "publishedAt": "2025-10-06T20:09:37.000Z",
              "submittedOnDailyAt": "2025-10-08T00:16:22.419Z",
              "githubRepo": "https://github.com/sirano1004/\n"
                            "Margin-Apative-Direct-Preference-Optimization",
              "projectPage": " https://sites.google.com/view/adc-robot"},
    "publishedAt": "2025-10-06T16:09:37.000Z",
}


@pytest.mark.parametrize(
    ("name", "item", "submitted", "day"),
    [
        ("2024: the item's time is the submission", ITEM_2024, "2024-05-27T03:50:58.348Z",
         "2024-05-27"),
        ("2025-01: submitted the evening before", ITEM_2025_01, "2025-01-12T21:47:33.594Z",
         "2025-01-13"),
        ("2025-03-11: a shifted arXiv time is no submission", ITEM_2025_03_11, None, None),
        ("2025-10: submittedOnDailyAt", ITEM_2025_10, "2025-10-08T00:16:22.419Z", "2025-10-08"),
        ("search hit (May 2025): shifted", SEARCH_ITEM, None, None),
        ("no paper time: the item's time proves nothing",
         {"paper": {"id": "2405.15738"}, "publishedAt": "2024-05-27T03:50:58.348Z"}, None, None),
        ("a 2024-style time after the change is not trusted",
         {"paper": {"id": "2503.00001", "publishedAt": "2025-03-10T18:00:00.000Z"},
          "publishedAt": "2025-03-11T01:00:00.000Z"}, None, None),
    ],
)
def test_the_listing_day_of_every_era(
    name: str, item: dict[str, Any], submitted: str | None, day: str | None
) -> None:
    from reader.hub.times import listing_day

    p = paper_from_item(item)
    assert p is not None
    assert p.submitted_daily_at == submitted, name
    assert listing_day(p) == day, name
    assert p.published_at == item["paper"].get("publishedAt")  # never the item's time


def test_links_broken_by_whitespace_are_mended() -> None:
    p = paper_from_item(ITEM_2025_10)
    assert p is not None
    assert p.github_repo == (
        "https://github.com/sirano1004/Margin-Apative-Direct-Preference-Optimization")
    assert p.project_page == "https://sites.google.com/view/adc-robot"
    q = paper_from_api({"id": "2510.18940", "mediaUrls": ["https://x.org/\na.mp4", "ftp://x"],
                        "githubRepo": "https://github.com/\nFightingFighting/NeuroAda.git"})
    assert q is not None and q.github_repo == "https://github.com/FightingFighting/NeuroAda.git"
    assert q.media_urls == ("https://x.org/a.mp4",)


def test_the_2024_media_url_string() -> None:
    thumb = paper_from_item(ITEM_2024)
    assert thumb is not None
    assert thumb.thumbnail == ITEM_2024["mediaUrl"] and thumb.media_urls == ()
    # 2024-03-12, 2403.06634: the submitter's own upload, not a thumbnail.
    upload = "https://cdn-uploads.huggingface.co/production/uploads/60f1abe7544c2adfd699860c/" \
             "dhiUnxDGTRatavk4pKf9h.png"
    p = paper_from_item({"paper": {"id": "2403.06634"}, "mediaUrl": upload})
    assert p is not None and p.media_urls == (upload,) and p.thumbnail is None


def test_submitter_organization_is_the_organization() -> None:
    # 2025-09-29 daily answer, 2509.22622: before it was renamed "organization".
    org = {"_id": "60262b67268c201cdc8b7d43", "name": "nvidia", "fullname": "NVIDIA",
           "avatar": "https://cdn-uploads.huggingface.co/production/uploads/x.png"}
    p = paper_from_item({"paper": {"id": "2509.22622"}, "submitterOrganization": org})
    assert p is not None and p.organization == Organization("nvidia", "NVIDIA")
    both = paper_from_item({"paper": {"id": "2509.22622", "organization": {"name": "a"}},
                            "submitterOrganization": org})
    assert both is not None and both.organization == Organization("a")


@pytest.mark.parametrize(
    "value", [10**30, 2**64, 2**63, 1e300, 1e23, -1, -(2**70), float("inf"), float("nan")],
)
def test_counts_out_of_range_are_dropped_with_a_warning(
    value: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """Issue 13, item 4: a 100-digit integer or 1e300 used to reach the cache and kill the
    write ("Integer exceeds 64-bit range")."""
    item = {"paper": {"id": "2602.00001", "upvotes": value, "githubStars": value},
            "numComments": value}
    with caplog.at_level(logging.WARNING, logger="reader.hub"):
        p = paper_from_item(item)
    assert p is not None
    assert (p.upvotes, p.github_stars, p.num_comments) == (None, None, None)
    assert "upvotes" in caplog.text and "numComments" in caplog.text
    repos = linked_repos_from_api({"models": [{"id": "a/b", "likes": value, "downloads": 3}]})
    assert repos.models[0].likes is None and repos.models[0].downloads == 3


def test_the_largest_exact_count_is_kept() -> None:
    from reader.hub.parse import MAX_COUNT

    p = paper_from_api({"id": "2602.00001", "upvotes": MAX_COUNT, "githubStars": 0})
    assert p is not None and p.upvotes == MAX_COUNT and p.github_stars == 0
