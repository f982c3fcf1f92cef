"""The participants' calendar file: built with icalendar, read back with icalendar.

Pure tables for the RRULE and the sequence rules, then whole runs against the sandbox over real
HTTP: one event per meeting with the right instant, duration and link; UIDs stable across runs;
an edited meeting with a higher SEQUENCE; a cancelled one marked cancelled.
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from conftest import meeting_rows, write_csv
from icalendar import Calendar, Event

from batch_zoom.cli import main
from batch_zoom.models import Recurrence
from batch_zoom.publish.calendar import CalendarEntry, calendar_bytes, recurrence_rule, uid_of
from batch_zoom.sandbox import ZoomSandbox

TOKYO = ZoneInfo("Asia/Tokyo")
NOW = datetime(2026, 12, 1, tzinfo=UTC)


def entry(meeting_id: str = "85123456789", **changes: object) -> CalendarEntry:
    values: dict[str, object] = {
        "meeting_id": meeting_id,
        "topic": "Algebra 1",
        "start": datetime(2030, 1, 7, 9, 0, tzinfo=TOKYO),
        "duration": 90,
        "timezone": "Asia/Tokyo",
        "join_url": f"https://example.zoom.us/j/{meeting_id}?pwd=x",
        "passcode": "abc123",
    }
    values.update(changes)
    return CalendarEntry(**values)  # type: ignore[arg-type]


def events(data: bytes) -> dict[str, Event]:
    calendar = Calendar.from_ical(data)
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


@pytest.mark.parametrize(
    ("recurrence", "expected"),
    [
        (Recurrence(type=1, end_times=10), b"FREQ=DAILY;COUNT=10;INTERVAL=1"),
        (
            Recurrence(type=2, repeat_interval=2, weekly_days="2,4", end_times=6),
            b"FREQ=WEEKLY;COUNT=6;INTERVAL=2;BYDAY=MO,WE",
        ),
        (
            Recurrence(type=3, monthly_day=15, end_times=6),
            b"FREQ=MONTHLY;COUNT=6;INTERVAL=1;BYMONTHDAY=15",
        ),
        (
            Recurrence(type=3, monthly_week=2, monthly_week_day=3, end_times=12),
            b"FREQ=MONTHLY;COUNT=12;INTERVAL=1;BYDAY=2TU",
        ),
        (
            Recurrence(
                type=3,
                monthly_week=-1,
                monthly_week_day=6,
                end_date_time=datetime(2027, 6, 30, 14, 59, tzinfo=UTC),
            ),
            b"FREQ=MONTHLY;UNTIL=20270630T145900Z;INTERVAL=1;BYDAY=-1FR",
        ),
    ],
)
def test_zoom_recurrence_becomes_the_same_rrule(recurrence: Recurrence, expected: bytes) -> None:
    data = calendar_bytes([entry(recurrence=recurrence)], now=NOW)
    rule = events(data)[uid_of("85123456789")]["RRULE"]
    assert rule.to_ical() == expected
    assert recurrence_rule(recurrence)  # the same dict both ways


def test_an_event_holds_the_instant_duration_link_and_passcode_but_no_host_link() -> None:
    event = events(calendar_bytes([entry()], now=NOW))[uid_of("85123456789")]
    assert event["DTSTART"].dt == datetime(2030, 1, 7, 9, 0, tzinfo=TOKYO)
    assert event["DTEND"].dt - event["DTSTART"].dt == timedelta(minutes=90)
    assert str(event["SUMMARY"]) == "Algebra 1"
    assert (
        str(event["URL"]) == str(event["LOCATION"]) == "https://example.zoom.us/j/85123456789?pwd=x"
    )
    description = str(event["DESCRIPTION"])
    assert "851 2345 6789" in description and "abc123" in description
    assert int(event["SEQUENCE"]) == 0 and str(event["STATUS"]) == "CONFIRMED"


def test_the_zone_travels_with_the_file() -> None:
    data = calendar_bytes([entry()], now=NOW)
    zones = [str(zone["TZID"]) for zone in Calendar.from_ical(data).walk("VTIMEZONE")]
    assert zones == ["Asia/Tokyo"]


def test_an_unchanged_run_writes_the_same_bytes_and_a_change_raises_the_sequence() -> None:
    first = calendar_bytes([entry(), entry("85123456790")], now=NOW)
    again = calendar_bytes(
        [entry(), entry("85123456790")], previous=first, now=NOW + timedelta(days=1)
    )
    assert again == first
    moved = calendar_bytes(
        [entry(start=datetime(2030, 1, 8, 9, 0, tzinfo=TOKYO)), entry("85123456790")],
        previous=again,
        now=NOW + timedelta(days=2),
    )
    after = events(moved)
    assert int(after[uid_of("85123456789")]["SEQUENCE"]) == 1
    assert int(after[uid_of("85123456790")]["SEQUENCE"]) == 0


def test_a_cancelled_meeting_stays_with_status_cancelled_once() -> None:
    first = calendar_bytes([entry(), entry("85123456790")], now=NOW)
    cancelled = calendar_bytes([entry()], cancelled=["85123456790"], previous=first, now=NOW)
    event = events(cancelled)[uid_of("85123456790")]
    assert str(event["STATUS"]) == "CANCELLED" and int(event["SEQUENCE"]) == 1
    assert (
        calendar_bytes([entry()], cancelled=["85123456790"], previous=cancelled, now=NOW)
        == cancelled
    )
    # a meeting no calendar ever saw needs no cancellation
    assert uid_of("1") not in events(calendar_bytes([entry()], cancelled=["1"], now=NOW))


# -- whole runs ---------------------------------------------------------------------------------


@pytest.fixture
def zoom(sandbox: ZoomSandbox, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> ZoomSandbox:
    from conftest import point_environment_at

    point_environment_at(monkeypatch, sandbox, tmp_path)
    return sandbox


def test_a_run_publishes_every_meeting_and_a_rerun_keeps_the_uids(
    zoom: ZoomSandbox, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "in.csv", meeting_rows(5))
    assert main([str(path), "--quiet"]) == 0
    ics = tmp_path / "in_scheduled.ics"
    published = events(ics.read_bytes())
    by_id = {str(m["id"]): m for m in zoom.meetings()}
    assert set(published) == {uid_of(meeting_id) for meeting_id in by_id}
    with (tmp_path / "in_scheduled.csv").open(encoding="utf-8-sig", newline="") as handle:
        output = list(csv.DictReader(handle))
    for row in output:
        event = published[uid_of(row["meeting_id"])]
        meeting = by_id[row["meeting_id"]]
        assert str(event["URL"]) == row["join_url"]
        assert event["DTSTART"].dt.astimezone(UTC) == datetime.fromisoformat(
            meeting["start_time"].replace("Z", "+00:00")
        )
        assert event["DTEND"].dt - event["DTSTART"].dt == timedelta(
            minutes=int(meeting["duration"])
        )
        assert str(event["SUMMARY"]) == row["topic"]
    before = ics.read_bytes()
    assert main([str(path), "--quiet"]) == 0  # every row exists: the same events, untouched
    assert ics.read_bytes() == before


def test_edits_and_cancellations_reach_the_calendar(zoom: ZoomSandbox, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "in.csv", meeting_rows(3))
    assert main([str(path), "--quiet"]) == 0
    scheduled = tmp_path / "in_scheduled.csv"
    with scheduled.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    rows[0]["duration"] = str(int(rows[0]["duration"]) + 15)
    rows[1]["action"] = "cancel"
    with scheduled.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=[*rows[0].keys(), "action"])
        writer.writeheader()
        writer.writerows(rows)
    assert main([str(scheduled), "--quiet"]) == 0
    published = events((tmp_path / "in_scheduled.ics").read_bytes())
    edited, gone, kept = (published[uid_of(row["meeting_id"])] for row in rows)
    assert int(edited["SEQUENCE"]) == 1
    assert edited["DTEND"].dt - edited["DTSTART"].dt == timedelta(minutes=int(rows[0]["duration"]))
    assert str(gone["STATUS"]) == "CANCELLED" and int(gone["SEQUENCE"]) == 1
    assert str(kept["STATUS"]) == "CONFIRMED" and int(kept["SEQUENCE"]) == 0


def test_a_dry_run_publishes_nothing(zoom: ZoomSandbox, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "in.csv", meeting_rows(2))
    assert main([str(path), "--dry-run", "--quiet"]) == 0
    assert not list(tmp_path.glob("*.ics"))


def test_the_sample_month_publishes_one_event_per_meeting(
    zoom: ZoomSandbox, tmp_path: Path
) -> None:
    import shutil

    sample = Path(__file__).resolve().parent.parent / "samples" / "meetings.xlsx"
    path = tmp_path / "meetings.xlsx"
    shutil.copy(sample, path)
    assert main([str(path), "--quiet"]) == 0
    published = events((tmp_path / "meetings_scheduled.ics").read_bytes())
    meetings = zoom.meetings()
    assert len(published) == len(meetings) == 24
    for meeting in meetings:
        event = published[uid_of(str(meeting["id"]))]
        assert event["DTSTART"].dt.astimezone(UTC) == datetime.fromisoformat(
            meeting["start_time"].replace("Z", "+00:00")
        )
        assert event["DTEND"].dt - event["DTSTART"].dt == timedelta(minutes=meeting["duration"])
        assert str(event["URL"]) == meeting["join_url"]
        assert ("RRULE" in event) == (meeting["type"] == 8)
    before = set(published)
    assert main([str(path), "--quiet"]) == 0
    assert set(events((tmp_path / "meetings_scheduled.ics").read_bytes())) == before


def test_the_file_is_byte_identical_from_one_process_to_the_next() -> None:
    """String hashing is seeded per process: the time-zone blocks must not follow it."""
    script = """
import sys
from datetime import UTC, datetime
from zoneinfo import ZoneInfo
from batch_zoom.publish.calendar import CalendarEntry, calendar_bytes
zones = ["Asia/Tokyo", "America/New_York", "Europe/London", "Australia/Sydney", "Europe/Paris"]
entries = [
    CalendarEntry(str(85000000000 + n), f"M{n}", datetime(2030, 1, 7, 9, tzinfo=ZoneInfo(zone)),
                  30, zone, f"https://zoom.example/j/{n}")
    for n, zone in enumerate(zones)
]
first = calendar_bytes(entries, now=datetime(2030, 1, 1, tzinfo=UTC))
again = calendar_bytes(entries, previous=first, now=datetime(2030, 1, 2, tzinfo=UTC))
sys.stdout.buffer.write(again)
"""
    outputs = {
        subprocess.run(
            [sys.executable, "-c", script],
            capture_output=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("1", "2", "3", "4")
    }
    assert len(outputs) == 1
    (data,) = outputs
    zones = [line for line in data.decode().splitlines() if line.startswith("TZID:")]
    assert zones == sorted(zones) and len(zones) == 5
