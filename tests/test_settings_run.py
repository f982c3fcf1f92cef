"""Issue 26 end to end: one sandbox run of a workbook using all five settings, with a Breakout
rooms sheet; edits of rooms and tracking values update the meetings on the next run."""

from pathlib import Path

import openpyxl
import pytest
from conftest import settings_for
from icalendar import Calendar

from batch_zoom.models import Status
from batch_zoom.run.batch import run_batch
from batch_zoom.sandbox import ZoomSandbox

HEADER = [
    "topic",
    "start_time",
    "duration",
    "host",
    "template",
    "tracking: Course code",
    "Department",
    "authentication",
    "reminder",
    "breakout_rooms",
]


def account(sandbox: ZoomSandbox) -> None:
    sandbox.account.templates = [
        {"id": "tpl-lecture", "name": "Lecture"},
        {"id": "tpl-seminar", "name": "Seminar"},
    ]
    sandbox.account.tracking_fields = [
        {"field": "Course code", "required": True, "recommended_values": ["MATH101", "PHYS201"]},
        {"field": "Department", "required": False},
    ]


def workbook(path: Path, rows: list[list[object]], rooms: list[list[object]]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Meetings"
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    extra = book.create_sheet("Breakout rooms")
    extra.append(["topic", "Pre-assign Room Name", "Email Address"])
    for room in rooms:
        extra.append(room)
    book.save(path)
    return path


ROWS: list[list[object]] = [
    [
        "Calculus",
        "2030-04-07 09:00",
        90,
        "prof@example.com",
        "Lecture",
        "MATH101",
        "Math",
        "signed-in",
        "15m",
        None,
    ],
    [
        "Mechanics",
        "2030-04-08 10:00",
        60,
        "prof@example.com",
        "tpl-seminar",
        "PHYS201",
        "Physics",
        "u-tokyo.ac.jp, ms.u-tokyo.ac.jp",
        "1h",
        "Room A: a@x.org, b@x.org; Room B: c@x.org",
    ],
]
ROOMS: list[list[object]] = [
    ["Calculus", "Group 1", "s1@u-tokyo.ac.jp"],
    ["Calculus", "Group 1", "s2@u-tokyo.ac.jp"],
    ["Calculus", "Group 2", "s3@u-tokyo.ac.jp"],
]


def test_one_run_schedules_every_setting_and_edits_update_them(
    sandbox: ZoomSandbox, tmp_path: Path
) -> None:
    account(sandbox)
    source = workbook(tmp_path / "classes.xlsx", ROWS, ROOMS)
    report = run_batch(settings_for(sandbox, source))
    assert [r.status for r in report.results] == [Status.CREATED, Status.CREATED], report.results
    by_topic = {m["topic"]: m for m in sandbox.meetings()}
    calculus, mechanics = by_topic["Calculus"], by_topic["Mechanics"]
    # checked by GET /meetings/{id}, as Zoom holds them
    import requests

    def get(meeting_id: int) -> dict:
        token = requests.post(
            sandbox.oauth_url,
            data={"grant_type": "account_credentials", "account_id": "sandbox-account"},
            auth=("sandbox-client", "sandbox-secret"),
            timeout=5,
        ).json()["access_token"]
        answer = requests.get(
            f"{sandbox.api_url}/meetings/{meeting_id}",
            headers={"Authorization": f"Bearer {token}"},
            timeout=5,
        )
        return answer.json()

    calculus, mechanics = get(calculus["id"]), get(mechanics["id"])
    assert calculus["settings"]["breakout_room"] == {
        "enable": True,
        "rooms": [
            {"name": "Group 1", "participants": ["s1@u-tokyo.ac.jp", "s2@u-tokyo.ac.jp"]},
            {"name": "Group 2", "participants": ["s3@u-tokyo.ac.jp"]},
        ],
    }
    assert calculus["settings"]["meeting_authentication"] is True
    assert calculus["settings"]["authentication_option"] == "signIn_D8cJuqWVQ623CI4Q8yQK0Q"
    assert calculus["tracking_fields"] == [
        {"field": "Course code", "value": "MATH101"},
        {"field": "Department", "value": "Math"},
    ]
    assert mechanics["settings"]["authentication_domains"] == "u-tokyo.ac.jp,ms.u-tokyo.ac.jp"
    assert mechanics["settings"]["authentication_option"] == "domain_Ux7kMwFgRKiJ9qXH2vNwZQ"
    assert [room["name"] for room in mechanics["settings"]["breakout_room"]["rooms"]] == [
        "Room A",
        "Room B",
    ]
    posts = [r for r in sandbox.requests if r.method == "POST" and r.path.endswith("/meetings")]
    assert {r.body.get("template_id") for r in posts} == {"tpl-lecture", "tpl-seminar"}
    # read once: templates and sign-in options once for the one host, tracking fields once
    assert sandbox.count("GET", "/meeting_templates") == 1
    assert sandbox.count("GET", "/tracking_fields") == 1
    assert sandbox.count("GET", "/settings") == 1

    calendar = Calendar.from_ical(report.calendar_path.read_bytes())
    triggers = {
        str(event["SUMMARY"]): [str(alarm.decoded("TRIGGER")) for alarm in event.walk("VALARM")]
        for event in calendar.walk("VEVENT")
    }
    assert triggers == {"Calculus": ["-1 day, 23:45:00"], "Mechanics": ["-1 day, 23:00:00"]}

    # The next run, on the output: a room edited and a tracking value changed.
    output = source.with_name("classes_scheduled.xlsx")
    book = openpyxl.load_workbook(output)
    book["Breakout rooms"]["C4"] = "s4@u-tokyo.ac.jp"
    book["Meetings"]["F3"] = "MATH101"
    book.save(output)
    again = run_batch(settings_for(sandbox, output))
    assert [r.status for r in again.results] == [Status.UPDATED, Status.UPDATED], again.results
    calculus = get(calculus["id"])
    assert calculus["settings"]["breakout_room"]["rooms"][1]["participants"] == ["s4@u-tokyo.ac.jp"]
    mechanics = get(mechanics["id"])
    assert {"field": "Course code", "value": "MATH101"} in mechanics["tracking_fields"]
    third = run_batch(settings_for(sandbox, output))
    assert [r.status for r in third.results] == [Status.EXISTS, Status.EXISTS], third.results


def test_the_sample_runs_clean_in_the_sandbox_and_again_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """samples/classes_settings.xlsx with ``--sandbox``: the try-out account has its templates
    and tracking field, so every class is created with its settings, and a re-run finds them."""
    import shutil

    from batch_zoom.cli import main

    monkeypatch.chdir(tmp_path)
    for name in ("ZOOM_ACCOUNT_ID", "ZOOM_CLIENT_ID", "ZOOM_CLIENT_SECRET", "ZOOM_API_URL"):
        monkeypatch.delenv(name, raising=False)
    samples = Path(__file__).resolve().parents[1] / "samples"
    sample = shutil.copy(samples / "classes_settings.xlsx", tmp_path / "classes.xlsx")
    assert main([str(sample), "--sandbox", "--quiet"]) == 0
    output = tmp_path / "classes_sandbox.xlsx"
    assert _statuses(output) == ["created"] * 4
    held = ZoomSandbox(state_path=tmp_path / "classes_sandbox.xlsx.sandbox.json").meetings()
    calculus = next(m for m in held if m["topic"] == "Calculus I")
    assert len(calculus["settings"]["breakout_room"]["rooms"]) == 2
    assert calculus["tracking_fields"] == [{"field": "Course code", "value": "MATH101"}]
    ics = (tmp_path / "classes_sandbox.ics").read_bytes()
    assert ics.count(b"BEGIN:VALARM") == 3
    assert main([str(sample), "--sandbox", "--quiet"]) == 0
    assert _statuses(output) == ["exists"] * 4


def _statuses(path: Path) -> list[object]:
    sheet = openpyxl.load_workbook(path)["Spring classes"]
    rows = list(sheet.iter_rows(values_only=True))
    at = rows[0].index("status")
    return [row[at] for row in rows[1:]]
