"""reader.hub.times: the listing day of a submission time, and the newest time an answer holds."""

from __future__ import annotations

from typing import Any

import pytest

from reader.cli.import_cmd import Collected, observed_time
from reader.hub.models import Paper
from reader.hub.times import NewestTime, iso_utc, listing_day


@pytest.mark.parametrize(
    ("submitted", "day"),
    [
        # Before March 2025 the listing day began the evening before (UTC): real examples.
        ("2024-05-27T03:50:58.348Z", "2024-05-27"),
        ("2024-10-25T15:00:52.729Z", "2024-10-25"),  # the latest time of day seen then
        ("2025-01-12T21:35:26.537Z", "2025-01-13"),  # the earliest, the evening before
        ("2025-03-03T22:35:45.299Z", "2025-03-04"),
        # From March 2025, submittedOnDailyAt is on its day in UTC.
        ("2025-10-08T00:16:22.419Z", "2025-10-08"),
        ("2026-04-16T07:32:00.000Z", "2026-04-16"),
        ("2026-06-03T00:00:00.000Z", "2026-06-03"),
        ("2026-06-03T23:59:00.000Z", "2026-06-03"),
        ("2025-10-08T02:16:22+02:00", "2025-10-08"),  # an offset is honoured
        ("2025-10-08T00:16:22", "2025-10-08"),  # no zone: UTC
        (None, None), ("", None), ("yesterday", None),
    ],
)
def test_listing_day(submitted: str | None, day: str | None) -> None:
    assert listing_day(Paper(id="2405.15738", submitted_daily_at=submitted)) == day


def test_the_newest_time_an_answer_holds() -> None:
    newest = NewestTime()
    assert newest.value is None
    items: list[Any] = [
        {"paper": {"publishedAt": "2024-05-24T17:34:15.000Z"},
         "publishedAt": "2024-05-27T03:50:58.348Z"},
        {"paper": {"publishedAt": "2025-01-10T11:17:15.000Z",
                   "authors": [{"statusLastChangedAt": "2025-05-02T09:10:11.000Z"},
                               {"statusLastChangedAt": "not a time"}, "x"]}},
        {"id": "2501.00001", "publishedAt": "2025-04-01T00:00:00+02:00"},  # a bare paper
        {"paper": {"submittedOnDailyAt": "2025-05-02T09:10:10.999Z"}},
        "not an item", None, {"paper": "nor this"},
    ]
    for item in items:
        newest.add(item)
    assert newest.value == "2025-05-02T09:10:11.000Z"
    newest.add({"publishedAt": "2025-05-02T11:00:00+02:00"})  # 09:00Z: older
    assert newest.value == "2025-05-02T09:10:11.000Z"
    newest.add({"publishedAt": "2025-05-02T12:00:00+02:00"})  # 10:00Z: newer, not as a string
    assert newest.value == "2025-05-02T10:00:00.000Z"


@pytest.mark.parametrize(
    ("newest", "observed"),
    [
        ("2025-05-02T09:10:11.000Z", "2025-05-02T09:10:11.000Z"),
        (None, "2026-11-30T00:00:00.000Z"),  # nothing proven: the import's own time
        ("2099-01-01T00:00:00.000Z", "2026-11-30T00:00:00.000Z"),  # a future time proves nothing
    ],
)
def test_observed_time_of_an_imported_file(newest: str | None, observed: str) -> None:
    collected = Collected(newest=newest)
    assert observed_time(collected, "2026-11-30T00:00:00.000Z") == observed


def test_iso_utc_is_the_api_format() -> None:
    import datetime as dt

    when = dt.datetime(2026, 3, 6, 3, 55, 12, 777000, tzinfo=dt.UTC)
    assert iso_utc(when) == "2026-03-06T03:55:12.777Z"
    assert iso_utc(when.replace(tzinfo=None)) == "2026-03-06T03:55:12.777Z"
