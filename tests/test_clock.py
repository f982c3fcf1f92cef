"""Zoom's time from the Date header: the pure part (the runs are in test_hostile_answers.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from batch_zoom.run.outcomes import clock_warning
from batch_zoom.zoom.clock import ZoomClock, parse_http_date

LOCAL = datetime(2026, 12, 1, 10, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("Thu, 03 Dec 2026 10:00:00 GMT", datetime(2026, 12, 3, 10, 0, tzinfo=UTC)),
        ("Thu, 03 Dec 2026 19:00:00 +0900", datetime(2026, 12, 3, 10, 0, tzinfo=UTC)),
        ("Thu, 03 Dec 2026 10:00:00 -0000", datetime(2026, 12, 3, 10, 0, tzinfo=UTC)),
        (None, None),
        ("", None),
        ("yesterday", None),
        ("Thu, 99 Dec 2026 10:00:00 GMT", None),
    ],
)
def test_parse_http_date(header: str | None, expected: datetime | None) -> None:
    assert parse_http_date(header) == expected


@pytest.mark.parametrize(
    ("zoom_time", "skewed", "now"),
    [
        ("Tue, 01 Dec 2026 10:04:59 GMT", False, LOCAL),  # within five minutes: our own clock
        ("Tue, 01 Dec 2026 09:55:01 GMT", False, LOCAL),
        ("Tue, 01 Dec 2026 10:05:01 GMT", True, LOCAL + timedelta(minutes=5, seconds=1)),
        ("Sun, 29 Nov 2026 10:00:00 GMT", True, LOCAL - timedelta(days=2)),
        ("garbage", False, LOCAL),
    ],
)
def test_zooms_time_counts_only_when_far_from_ours(
    zoom_time: str, skewed: bool, now: datetime
) -> None:
    clock = ZoomClock(lambda: LOCAL)
    clock.observe({"Date": zoom_time})
    # only the first readable answer counts: this one only after garbage, and it is near ours
    clock.observe({"Date": "Tue, 01 Dec 2026 10:01:00 GMT"})
    assert clock.skewed is skewed
    assert clock.now() == now


def test_the_warning_says_which_way_and_by_how_much() -> None:
    zoom_now = LOCAL + timedelta(days=2)
    ahead = clock_warning(timedelta(days=-2, seconds=1), LOCAL)
    behind = clock_warning(timedelta(days=2), zoom_now)
    assert ahead.startswith("this computer's clock is 2 days ahead of Zoom's")
    assert behind.startswith("this computer's clock is 2 days behind Zoom's")
    assert "2026-12-03 10:00 UTC" in behind
    assert "3 hours" in clock_warning(timedelta(hours=3, minutes=10), LOCAL)
