"""The fake hub itself: corpus realism and determinism, every endpoint's shape, every fault."""

from __future__ import annotations

import datetime as dt
import os
import re
import threading
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest

from tests.conftest import CORPUS_END
from tests.fakehub import HOSTILE_KINDS, Corpus, FakeHub, iter_items
from tests.fakehub.__main__ import main as fakehub_main
from tests.fakehub.words import vocabulary

ISO_MS = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")
OID = re.compile(r"^[0-9a-f]{24}$")
ARXIV = re.compile(r"^(\d{2})(\d{2})\.\d{5}$")


def ts(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def get(hub: FakeHub, path: str, **params: Any) -> httpx.Response:
    return httpx.get(hub.url + path, params=params, timeout=10)


# --- corpus -------------------------------------------------------------------------------------


def test_corpus_is_deterministic_per_seed() -> None:
    end = dt.date(2025, 11, 14)
    a = Corpus(days=3, end=end, seed=7)
    b = Corpus(days=3, end=end, seed=7)
    c = Corpus(days=3, end=end, seed=8)
    assert orjson.dumps(a.items) == orjson.dumps(b.items)
    assert a.ids() != c.ids()


def test_a_day_is_the_same_whatever_the_corpus_size() -> None:
    end = dt.date(2025, 11, 14)
    small = Corpus(days=2, end=end)
    large = Corpus(days=6, end=end)
    for day in small.dates():
        assert small.items_on(day) == large.items_on(day)


def test_iter_items_streams_the_corpus_items() -> None:
    end = dt.date(2025, 11, 14)
    streamed = list(iter_items(300, 3, end=end))
    assert len(streamed) == 300
    assert streamed == Corpus(300, end=end, seed=3).items


def test_n_papers_is_exact_and_days_go_back_as_needed() -> None:
    c = Corpus(500, end=dt.date(2025, 6, 2))
    assert len(c) == 500
    assert len(c.dates()) >= 4


def test_default_corpus_covers_ten_days_ending_on_end(corpus: Corpus) -> None:
    dates = corpus.dates()
    assert dates[-1] == CORPUS_END.isoformat()
    assert dates[0] >= (CORPUS_END - dt.timedelta(days=9)).isoformat()
    assert corpus.items[0]["paper"]["submittedOnDailyAt"].startswith(dates[-1])


def test_papers_per_day(corpus: Corpus) -> None:
    for day in corpus.dates():
        n = len(corpus.items_on(day))
        if dt.date.fromisoformat(day).weekday() < 5:
            assert 20 <= n <= 150, day
        else:
            assert n <= 5, day


def test_items_have_the_api_shape(corpus: Corpus) -> None:
    for item in corpus.items:
        paper = item["paper"]
        assert set(item) >= {
            "paper",
            "publishedAt",
            "title",
            "summary",
            "thumbnail",
            "numComments",
            "submittedBy",
            "isAuthorParticipating",
        }
        assert set(paper) >= {
            "id",
            "authors",
            "publishedAt",
            "submittedOnDailyAt",
            "title",
            "submittedOnDailyBy",
            "summary",
            "upvotes",
            "discussionId",
        }
        assert item["title"] == paper["title"] and item["summary"] == paper["summary"]
        assert item["thumbnail"].endswith(f"/papers/{paper['id']}.png")
        for stamp in (item["publishedAt"], paper["publishedAt"], paper["submittedOnDailyAt"]):
            assert ISO_MS.match(stamp), stamp
        assert OID.match(paper["discussionId"])
        assert all(OID.match(a["_id"]) for a in paper["authors"])
        assert {"name", "fullname", "_id", "avatarUrl"} <= set(item["submittedBy"])
        assert "user" in paper["submittedOnDailyBy"]
        assert "numComments" not in paper


def test_ids_dates_and_the_shifted_top_level_published_at(corpus: Corpus) -> None:
    ids = corpus.ids()
    assert len(ids) == len(set(ids))
    for item in corpus.items:
        paper = item["paper"]
        m = ARXIV.match(paper["id"])
        assert m, paper["id"]
        published = ts(paper["publishedAt"])
        assert (m[1], m[2]) == (f"{published:%y}", f"{published:%m}")
        listed = ts(paper["submittedOnDailyAt"]).date()
        assert 1 <= (listed - published.date()).days <= 4
        # Feb/early March 2026: New York is UTC-5, labelled Z like the real API.
        assert ts(item["publishedAt"]) == published - dt.timedelta(hours=5)


def test_summer_items_are_shifted_four_hours() -> None:
    item = Corpus(days=1, end=dt.date(2025, 7, 16)).items[0]
    assert ts(item["publishedAt"]) == ts(item["paper"]["publishedAt"]) - dt.timedelta(hours=4)


def test_text_statistics() -> None:
    items = list(iter_items(3000, 0, end=dt.date(2025, 11, 14)))
    titles = [len(it["title"].split()) for it in items]
    words = [len(it["summary"].split()) for it in items]
    assert min(titles) >= 5 and max(titles) <= 25
    assert min(words) >= 80 and max(words) <= 350
    assert all("\n" in it["summary"] for it in items)
    assert max(len(line) for it in items for line in it["summary"].split("\n")) <= 120
    counts = [len(it["paper"]["authors"]) for it in items]
    assert min(counts) >= 1 and all(n <= 30 or n == 500 for n in counts)
    assert 500 in counts
    names = " ".join(a["name"] for it in items for a in it["paper"]["authors"])
    assert re.search(r"[\u4e00-\u9fff]", names) and re.search(r"[éüøłçñ]", names)
    upvotes = sorted(it["paper"]["upvotes"] for it in items)
    assert upvotes[len(upvotes) // 2] < 20 < upvotes[-1] // 10  # heavy tail
    for key in (
        "githubRepo",
        "githubStars",
        "projectPage",
        "ai_keywords",
        "organization",
        "mediaUrls",
    ):
        have = sum(key in it["paper"] for it in items)
        assert 0 < have < len(items), key


def test_vocabulary_is_large_and_zipfian() -> None:
    vocab = vocabulary(0)
    assert len(set(vocab.words)) >= 50_000
    import random

    sample = Counter(vocab.sample(random.Random(1), 200_000))
    ranks = [w for w, _ in sample.most_common()]
    assert ranks[0] == vocab.words[0]
    assert 5 < sample[vocab.words[0]] / sample[vocab.words[9]] < 20
    assert len(sample) > 20_000  # the long tail shows up


def test_hostile_corpus(hostile_corpus: Corpus) -> None:
    assert len(hostile_corpus.hostile_ids) == len(HOSTILE_KINDS)
    papers = [hostile_corpus.paper(pid) for pid in hostile_corpus.hostile_ids]
    assert all(p is not None for p in papers)
    papers = [p for p in papers if p is not None]
    titles = [p["title"] for p in papers]
    assert "[@click=app.quit]x[/]" in titles and "" in titles
    assert any("[/" in t and "[b]" in t for t in titles)
    assert any("\x1b[31m" in t for t in titles)
    assert any("\x1b]52;c;" in t for t in titles)
    assert any("\u202e" in t for t in titles)
    assert any(re.search(r"[\u4e00-\u9fff]", t) and "🚀" in t for t in titles)
    assert max(len(p["summary"]) for p in papers) == 60_000
    assert max(len(p["authors"]) for p in papers) == 500
    newest = hostile_corpus.items_on(CORPUS_END.isoformat())
    assert {it["paper"]["id"] for it in newest[: len(papers)]} == set(hostile_corpus.hostile_ids)


# --- endpoints ----------------------------------------------------------------------------------


def test_daily_papers_default_page_is_the_newest_fifty(fakehub: FakeHub, corpus: Corpus) -> None:
    r = get(fakehub, "/api/daily_papers")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/json")
    assert r.json() == corpus.items[:50]


def test_daily_papers_paging_covers_everything_once(fakehub: FakeHub, corpus: Corpus) -> None:
    seen: list[str] = []
    p = 0
    while True:
        page = get(fakehub, "/api/daily_papers", p=p, limit=100).json()
        seen += [it["paper"]["id"] for it in page]
        if len(page) < 100:
            break
        p += 1
    assert seen == corpus.ids()
    assert get(fakehub, "/api/daily_papers", p=999, limit=100).json() == []


@pytest.mark.parametrize("limit", ["0", "101", "x"])
def test_daily_papers_rejects_bad_limits(fakehub: FakeHub, limit: str) -> None:
    r = get(fakehub, "/api/daily_papers", limit=limit)
    assert r.status_code == 400 and "error" in r.json()


def test_daily_papers_by_date(fakehub: FakeHub, corpus: Corpus) -> None:
    day = corpus.dates()[-2]
    got = get(fakehub, "/api/daily_papers", date=day, limit=100).json()
    expected = corpus.items_on(day)
    assert [it["paper"]["id"] for it in got] == [it["paper"]["id"] for it in expected[:100]]
    ups = [it["paper"]["upvotes"] for it in got]
    assert ups == sorted(ups, reverse=True)
    assert get(fakehub, "/api/daily_papers", date=day, p=100).json() == []


@pytest.mark.parametrize(
    "params",
    [
        {"date": "2025-13-40"},
        {"date": "2026-3-6"},
        {"week": "2026-W60"},
        {"month": "2026-13"},
        {"sort": "random"},
    ],
)
def test_daily_papers_rejects_bad_filters(fakehub: FakeHub, params: dict[str, str]) -> None:
    r = get(fakehub, "/api/daily_papers", **params)
    assert r.status_code == 400 and "error" in r.json()


def test_daily_papers_by_week_and_month(fakehub: FakeHub, corpus: Corpus) -> None:
    week = get(fakehub, "/api/daily_papers", week="2026-W10", limit=100).json()
    week_days = {it["paper"]["submittedOnDailyAt"][:10] for it in week}
    assert week_days <= {f"2026-03-0{d}" for d in range(2, 9)} and len(week) == 100
    march: list[dict[str, Any]] = []
    p = 0
    while page := get(fakehub, "/api/daily_papers", month="2026-03", p=p, limit=100).json():
        march += page
        p += 1
    expected = sum(len(corpus.items_on(d)) for d in corpus.dates() if d.startswith("2026-03"))
    assert len(march) == expected
    assert all(it["paper"]["submittedOnDailyAt"].startswith("2026-03") for it in march)


def test_trending_and_submitter(fakehub: FakeHub, corpus: Corpus) -> None:
    got = get(fakehub, "/api/daily_papers", sort="trending", limit=20).json()
    assert got == corpus.trending()[:20]
    assert got != corpus.items[:20]
    ak = get(fakehub, "/api/daily_papers", submitter="akhaliq", limit=100).json()
    assert ak and all(it["submittedBy"]["fullname"] == "AK" for it in ak)


def test_search_wrapped_shape(fakehub: FakeHub, corpus: Corpus) -> None:
    target = corpus.items[3]
    words = target["title"].split()[:2]
    r = get(fakehub, "/api/papers/search", q=" ".join(words).upper(), limit=120)
    hits = r.json()
    assert target["paper"]["id"] in [h["paper"]["id"] for h in hits]
    for hit in hits:
        assert {
            "paper",
            "publishedAt",
            "title",
            "summary",
            "thumbnail",
            "numComments",
            "upvoted",
            "isAuthorParticipating",
            "highlightedTitle",
            "highlightedSummary",
        } <= set(hit)
        assert "submittedOnDailyAt" not in hit["paper"]
        assert "".join(s["text"] for s in hit["highlightedTitle"]) == hit["title"]
        assert "".join(s["text"] for s in hit["highlightedSummary"]) == hit["summary"]
        hay = " ".join(
            [hit["title"], hit["summary"], *(a["name"] for a in hit["paper"]["authors"])]
        )
        assert all(w.lower() in hay.lower() for w in words)
    marked = [
        s["text"].lower() for h in hits for s in h["highlightedTitle"] if s["type"] == "highlight"
    ]
    assert words[0].lower() in marked
    assert len(get(fakehub, "/api/papers/search", q="the", limit=2).json()) == 2
    assert get(fakehub, "/api/papers/search", q="zzqqxx-nothing").json() == []
    assert get(fakehub, "/api/papers/search", q="a", limit=121).status_code == 400


def test_search_slim_shape(make_fakehub: Any, corpus: Corpus) -> None:
    hub = make_fakehub(corpus, slim_search=True)
    hits = get(hub, "/api/papers/search", q="the", limit=5).json()
    assert len(hits) == 5
    assert all(set(h) == {"id", "title", "thumbnailUrl", "source"} for h in hits)
    assert all(h["source"] == "hf" for h in hits)


def test_paper_endpoint(fakehub: FakeHub, corpus: Corpus) -> None:
    item = corpus.items[0]
    body = get(fakehub, f"/api/papers/{item['paper']['id']}").json()
    assert {k: body[k] for k in item["paper"]} == item["paper"]
    assert "numComments" not in body
    for kind in ("Models", "Datasets", "Spaces"):
        assert len(body[f"linked{kind}"]) <= body[f"numTotal{kind}"]
    r = get(fakehub, "/api/papers/1234.56789")
    assert r.status_code == 404 and "error" in r.json()


def test_repos_endpoint(fakehub: FakeHub, corpus: Corpus) -> None:
    with_repos = next(pid for pid in corpus.ids() if corpus.repos(pid)["models"])
    body = get(fakehub, f"/api/arxiv/{with_repos}/repos").json()
    assert set(body) == {"models", "datasets", "spaces"}
    assert all(f"arxiv:{with_repos}" in m["tags"] for m in body["models"])
    assert get(fakehub, "/api/arxiv/1234.56789/repos").json() == {
        "models": [],
        "datasets": [],
        "spaces": [],
    }


def test_markdown_endpoint(fakehub: FakeHub, corpus: Corpus) -> None:
    item = corpus.items[1]
    pid = item["paper"]["id"]
    r = get(fakehub, f"/papers/{pid}.md")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/markdown")
    assert r.text.startswith(f"# {item['title']}\n")
    assert "## Abstract" in r.text and item["summary"] in r.text and "## References" in r.text
    accept = httpx.get(f"{fakehub.url}/papers/{pid}", headers={"Accept": "text/markdown"})
    assert accept.text == r.text
    assert get(fakehub, "/papers/1234.56789.md").status_code == 404


def test_unknown_paths_and_methods(fakehub: FakeHub) -> None:
    assert get(fakehub, "/api/nothing").status_code == 404
    assert httpx.post(fakehub.url + "/api/daily_papers").status_code == 405


def test_requests_are_recorded_with_case_insensitive_headers(fakehub: FakeHub) -> None:
    httpx.get(
        fakehub.url + "/api/daily_papers",
        params={"date": "2026-03-05"},
        headers={"Authorization": "Bearer hf_secret"},
    )
    method, path, query, headers = fakehub.requests[-1]
    assert (method, path, query) == ("GET", "/api/daily_papers", {"date": "2026-03-05"})
    assert headers["authorization"] == headers["Authorization"] == "Bearer hf_secret"
    assert fakehub.count("/api/daily") == 1


# --- faults -------------------------------------------------------------------------------------


def test_drop_closes_without_a_response(fakehub: FakeHub) -> None:
    fakehub.inject("drop")
    with pytest.raises(httpx.RemoteProtocolError):
        get(fakehub, "/api/daily_papers")
    assert get(fakehub, "/api/daily_papers").status_code == 200


def test_truncated_body(fakehub: FakeHub) -> None:
    fakehub.inject("truncated", path="/api/daily_papers")
    with pytest.raises(httpx.RemoteProtocolError, match="incomplete|complete message body"):
        get(fakehub, "/api/daily_papers")
    assert len(get(fakehub, "/api/daily_papers").json()) == 50


def test_html_malformed_500_503(fakehub: FakeHub) -> None:
    fakehub.inject("html")
    r = get(fakehub, "/api/daily_papers")
    assert r.status_code == 502 and r.headers["content-type"].startswith("text/html")
    assert "<html>" in r.text
    fakehub.inject("malformed")
    r = get(fakehub, "/api/daily_papers")
    assert r.status_code == 200
    with pytest.raises(ValueError):
        r.json()
    for status in ("500", "503"):
        fakehub.inject(status)
        r = get(fakehub, "/api/daily_papers")
        assert r.status_code == int(status) and "error" in r.json()


def test_rate_limit_headers(fakehub: FakeHub) -> None:
    fakehub.inject("429", reset=7)
    r = get(fakehub, "/api/papers/search", q="model")
    assert r.status_code == 429
    assert r.headers["RateLimit"] == '"api";r=0;t=7'
    assert r.headers["RateLimit-Policy"] == '"fixed window";"api";q=500;w=300'
    assert "error" in r.json()


def test_latency_delays_the_answer(fakehub: FakeHub) -> None:
    fakehub.inject("latency", seconds=30)
    with pytest.raises(httpx.ReadTimeout):
        httpx.get(fakehub.url + "/api/daily_papers", timeout=0.3)
    # the fixture's stop() must not wait for the sleeping handler


def test_fault_path_times_and_clear(fakehub: FakeHub) -> None:
    fault = fakehub.inject("500", path="/api/papers/", times=2)
    assert get(fakehub, "/api/daily_papers").status_code == 200
    assert get(fakehub, "/api/papers/search", q="a").status_code == 500
    assert get(fakehub, "/api/papers/2603.00001").status_code == 500
    assert get(fakehub, "/api/papers/search", q="a").status_code == 200
    assert fault.hits == 2
    fakehub.inject("503", times=None)
    assert [get(fakehub, "/api/daily_papers").status_code for _ in range(3)] == [503] * 3
    fakehub.clear_faults()
    assert get(fakehub, "/api/daily_papers").status_code == 200
    with pytest.raises(ValueError):
        fakehub.inject("teapot")


# --- lifecycle and fixtures ---------------------------------------------------------------------


def test_stop_closes_keep_alive_connections_and_joins_threads(corpus: Corpus) -> None:
    before = set(threading.enumerate())
    for _ in range(20):
        hub = FakeHub(corpus).start()
        client = httpx.Client()
        assert client.get(hub.url + "/api/daily_papers", params={"limit": 1}).status_code == 200
        hub.stop()  # the client still holds an idle keep-alive connection
        client.close()
    assert set(threading.enumerate()) <= before


def test_concurrent_requests(fakehub: FakeHub) -> None:
    results: list[int] = []

    def fetch() -> None:
        with httpx.Client() as client:
            for p in range(5):
                r = client.get(fakehub.url + "/api/daily_papers", params={"p": p, "limit": 10})
                results.append(len(r.json()))

    threads = [threading.Thread(target=fetch) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [10] * 40


def test_home_fixture_isolates_the_environment(home: Path, tmp_path: Path) -> None:
    assert os.environ["PAPER_READER_HOME"] == str(home) and home.parent == tmp_path
    assert "HF_TOKEN" not in os.environ and "HF_ENDPOINT" not in os.environ
    assert os.environ["XDG_CONFIG_HOME"].startswith(str(tmp_path))


def test_hf_endpoint_fixture(hf_endpoint: FakeHub) -> None:
    assert os.environ["HF_ENDPOINT"] == hf_endpoint.url
    assert httpx.get(os.environ["HF_ENDPOINT"] + "/api/daily_papers").status_code == 200


def test_main_dump(tmp_path: Path) -> None:
    out = tmp_path / "items.jsonl"
    assert (
        fakehub_main(["--papers", "120", "--seed", "2", "--end", "2025-11-14", "--dump", str(out)])
        == 0
    )
    lines = out.read_bytes().splitlines()
    assert [orjson.loads(line) for line in lines] == list(
        iter_items(120, 2, end=dt.date(2025, 11, 14))
    )
