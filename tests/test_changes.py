"""Comparing an edited row with its meeting on Zoom: only what changed goes into the PATCH."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from batch_zoom.models import MeetingRequest, Recurrence
from batch_zoom.rows.changes import changes, describe

TOKYO = ZoneInfo("Asia/Tokyo")
ROW = MeetingRequest(
    row=2,
    host="alice@example.com",
    topic="Staff meeting",
    start=datetime(2030, 1, 12, 10, 0, tzinfo=TOKYO),
    timezone="Asia/Tokyo",
    duration=60,
    meeting_id="81234567890",
)
ZOOM: dict[str, Any] = {
    "id": 81234567890,
    "topic": "Staff meeting",
    "start_time": "2030-01-12T01:00:00Z",
    "timezone": "Asia/Tokyo",
    "duration": 60,
    "agenda": "",
    "password": "abc123",
    "settings": {"waiting_room": False, "alternative_hosts": "b@example.com;c@example.com"},
}


def row(**fields: Any) -> MeetingRequest:
    values = {**ROW.__dict__, **fields}
    return MeetingRequest(**values)


@pytest.mark.parametrize(
    ("edited", "patch"),
    [
        (ROW, {}),
        (row(topic="Staff meeting (moved)"), {"topic": "Staff meeting (moved)"}),
        (row(duration=90), {"duration": 90}),
        (
            row(start=datetime(2030, 1, 12, 10, 30, tzinfo=TOKYO)),
            {"start_time": "2030-01-12T10:30:00", "timezone": "Asia/Tokyo"},
        ),
        # the same instant written in another zone is no change to the time, but is to the zone
        (
            row(
                start=datetime(2030, 1, 11, 20, 0, tzinfo=ZoneInfo("America/New_York")),
                timezone="America/New_York",
            ),
            {"start_time": "2030-01-11T20:00:00", "timezone": "America/New_York"},
        ),
        (row(agenda="Budget"), {"agenda": "Budget"}),
        (row(passcode="abc123"), {}),
        (row(passcode="new1"), {"password": "new1"}),
        (row(settings={"waiting_room": False}), {}),
        (row(settings={"waiting_room": True}), {"settings": {"waiting_room": True}}),
        # the same people in another order and case are the same alternative hosts
        (row(settings={"alternative_hosts": "C@example.com;b@example.com"}), {}),
        (
            row(recurrence=Recurrence(type=1, end_times=5)),
            {"type": 8, "recurrence": {"type": 1, "repeat_interval": 1, "end_times": 5}},
        ),
    ],
)
def test_changes(edited: MeetingRequest, patch: dict[str, Any]) -> None:
    assert changes(edited, ZOOM) == patch


def test_a_pinned_instant_equal_to_zooms_is_no_change() -> None:
    from datetime import UTC

    pinned = row(start=datetime(2030, 1, 12, 1, 0, tzinfo=UTC), pinned=True)
    assert changes(pinned, ZOOM) == {}


def test_describe_names_each_change_without_showing_a_passcode() -> None:
    patch = changes(row(duration=90, topic="New", passcode="zz9"), ZOOM)
    text = describe(patch, ZOOM)
    assert "topic Staff meeting -> New" in text and "duration 60 -> 90" in text
    assert "passcode changed" in text and "zz9" not in text and "abc123" not in text


@pytest.mark.parametrize(
    ("patch", "text"),
    [
        # the sheet's clock on both sides: Zoom's 01:00Z is 10:00 in Tokyo
        (
            {"start_time": "2030-01-12T10:30:00", "timezone": "Asia/Tokyo"},
            "start_time 2030-01-12 10:00 -> 2030-01-12 10:30 (Asia/Tokyo)",
        ),
        # a pinned instant is read on the meeting's clock too
        (
            {"start_time": "2030-01-12T01:30:00Z", "timezone": "Asia/Tokyo"},
            "start_time 2030-01-12 10:00 -> 2030-01-12 10:30 (Asia/Tokyo)",
        ),
        # a new zone: each time on its own zone's clock, and the change of zone named
        (
            {"start_time": "2030-01-12T10:00:00", "timezone": "Europe/London"},
            "start_time 2030-01-12 10:00 -> 2030-01-12 10:00, timezone Asia/Tokyo -> Europe/London",
        ),
    ],
)
def test_describe_shows_a_moved_start_on_the_meetings_clock(
    patch: dict[str, Any], text: str
) -> None:
    assert describe(patch, ZOOM) == text


# A series is shown at its next occurrence once its first is over or deleted in the portal.
SERIES = row(recurrence=Recurrence(type=2, weekly_days="7", end_times=3))  # Saturdays, x3
SERIES_ZOOM: dict[str, Any] = {
    **ZOOM,
    "type": 8,
    "recurrence": {"type": 2, "repeat_interval": 1, "weekly_days": "7", "end_times": 3},
}


@pytest.mark.parametrize(
    ("shown", "occurrences", "moved"),
    [
        ("2030-01-12T01:00:00Z", None, False),  # at its first: the row's own start
        ("2030-01-19T01:00:00Z", None, False),  # at its second: unchanged
        ("2030-01-26T01:00:00Z", ["2030-01-26T01:00:00Z"], False),  # at its last
        ("2030-01-19T01:00:00Z", ["2030-01-19T01:00:00Z", "2030-02-02T01:00:00Z"], True),
        ("2030-01-19T02:00:00Z", None, True),  # another time of day
        ("2030-01-05T01:00:00Z", None, True),  # earlier than the row: the row moved it later
    ],
)
def test_a_series_at_a_later_occurrence_of_the_rows_rule_keeps_its_start(
    shown: str, occurrences: list[str] | None, moved: bool
) -> None:
    meeting = {**SERIES_ZOOM, "start_time": shown}
    if occurrences is not None:
        meeting["occurrences"] = [
            {"occurrence_id": str(n), "start_time": start, "status": "available"}
            for n, start in enumerate(occurrences)
        ]
    patch = changes(SERIES, meeting)
    assert ("start_time" in patch) is moved
    assert "recurrence" not in patch
