"""Reminders: ``--reminder 15m`` and a ``reminder`` column put a VALARM before each event."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from conftest import read_csv, write_csv
from icalendar import Calendar

from batch_zoom.cli import main
from batch_zoom.publish.calendar import CalendarEntry, calendar_bytes
from batch_zoom.rows.settings import parse_reminder
from batch_zoom.sandbox import ZoomSandbox

NOW = datetime(2026, 12, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("cell", "minutes"),
    [
        ("15m", 15),
        ("15", 15),
        (15, 15),
        ("15 min", 15),
        ("1h", 60),
        ("1.5 hours", 90),
        ("1d", 1440),
        ("１５分前", 15),
        ("2時間", 120),
        ("0", 0),
        ("", None),
    ],
)
def test_a_reminder_is_read_in_minutes(cell: object, minutes: int | None) -> None:
    assert parse_reminder(cell) == minutes


@pytest.mark.parametrize("cell", ["soon", "15 parsecs", "-5", "8d", True, "0.5m"])
def test_a_bad_reminder_says_what_is_expected(cell: object) -> None:
    with pytest.raises(ValueError, match="is not a number of minutes before the meeting"):
        parse_reminder(cell)


def alarms(data: bytes) -> dict[str, list[timedelta]]:
    return {
        str(event["SUMMARY"]): [alarm.decoded("TRIGGER") for alarm in event.walk("VALARM")]
        for event in Calendar.from_ical(data).walk("VEVENT")
    }


def test_an_entry_with_a_reminder_has_one_alarm_and_a_changed_reminder_is_a_change() -> None:
    entry = CalendarEntry(
        meeting_id="85123456789",
        topic="Algebra",
        start=datetime(2030, 1, 7, 9, 0, tzinfo=ZoneInfo("Asia/Tokyo")),
        duration=60,
        timezone="Asia/Tokyo",
        join_url="https://example.zoom.us/j/85123456789",
        reminder=15,
    )
    first = calendar_bytes([entry], now=NOW)
    assert alarms(first) == {"Algebra": [timedelta(minutes=-15)]}
    assert b"ACTION:DISPLAY" in first and b"DESCRIPTION:Reminder: Algebra" in first
    same = calendar_bytes([entry], previous=first, now=NOW + timedelta(days=1))
    assert same == first  # nothing changed: the same stamp and sequence
    later = CalendarEntry(**{**entry.__dict__, "reminder": 30})
    changed = calendar_bytes([later], previous=first, now=NOW + timedelta(days=1))
    assert b"SEQUENCE:1" in changed
    without = CalendarEntry(**{**entry.__dict__, "reminder": None})
    assert alarms(calendar_bytes([without], now=NOW)) == {"Algebra": []}


@pytest.fixture
def zoom(sandbox: ZoomSandbox, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> ZoomSandbox:
    from conftest import point_environment_at

    point_environment_at(monkeypatch, sandbox, tmp_path)
    return sandbox


def test_the_flag_is_every_rows_reminder_and_a_column_overrides_it(
    zoom: ZoomSandbox, tmp_path: Path
) -> None:
    rows = [
        ["Algebra", "2030-01-07 09:00", 60, ""],
        ["Geometry", "2030-01-08 09:00", 60, "1h"],
        ["Topology", "2030-01-09 09:00", 60, "15分"],
    ]
    path = write_csv(tmp_path / "in.csv", rows, ["topic", "start_time", "duration", "リマインダー"])
    # the Japanese header makes it a Japanese sheet: its zone is given, as the run would ask
    assert main([str(path), "--quiet", "--reminder", "10m", "--timezone", "Asia/Tokyo"]) == 0
    assert alarms((tmp_path / "in_scheduled.ics").read_bytes()) == {
        "Algebra": [timedelta(minutes=-10)],
        "Geometry": [timedelta(minutes=-60)],
        "Topology": [timedelta(minutes=-15)],
    }
    assert all("reminder" not in str(r.body) for r in zoom.requests)  # the .ics's, not Zoom's


def test_a_bad_reminder_flag_names_itself_on_every_row(zoom: ZoomSandbox, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "in.csv", [["Algebra", "2030-01-07 09:00", 60]])
    assert main([str(path), "--quiet", "--reminder", "soon"]) == 1
    (row,) = read_csv(tmp_path / "in_scheduled.csv")
    assert row["status"] == "invalid"
    assert row["error"].startswith('row 2: reminder "soon" is not a number of minutes')
    assert row["error"].endswith("(the batch default)")
