"""The recent remote searches: newest first, 20 at most, kept across restarts, damage reported."""

from __future__ import annotations

from pathlib import Path

from reader.store.searches import KEEP, RecentSearches


def test_newest_first_without_repeats_and_at_most_twenty(tmp_path: Path) -> None:
    path = tmp_path / "searches.json"
    recent = RecentSearches(path)
    for n in range(KEEP + 5):
        recent.add(f"query {n}")
    recent.add("  query   3 ")
    recent.save()
    again = RecentSearches(path)
    assert again.texts[0] == "query 3"
    assert len(again.texts) == KEEP
    assert again.texts.count("query 3") == 1
    assert again.texts[1] == f"query {KEEP + 4}"


def test_a_damaged_file_is_moved_aside_and_reported(tmp_path: Path) -> None:
    path = tmp_path / "searches.json"
    path.write_text("{not json", encoding="utf-8")
    recent = RecentSearches(path)
    assert recent.texts == []
    assert recent.problems and "damaged" in recent.problems[0]
    assert not path.exists()
    assert any(p.name.startswith("searches.json.corrupt-") for p in tmp_path.iterdir())
