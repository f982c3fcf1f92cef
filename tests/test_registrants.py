"""Registration with personal links: exactly those people, exactly once, over real HTTP.

Every run goes through ``cli.main`` against the sandbox; the checks look at who the sandbox holds
as registered and at the Participants sheet (xlsx) or ``_participants.csv`` (CSV).
"""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pytest
import requests
from conftest import point_environment_at, sandbox_token

from batch_zoom.cli import main
from batch_zoom.models import Participant
from batch_zoom.rows.participants import parse_participants
from batch_zoom.sandbox import Fault, ZoomSandbox

HEADER = ["topic", "start_time", "duration", "timezone", "participants", "recurrence"]


@pytest.fixture
def zoom(sandbox: ZoomSandbox, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> ZoomSandbox:
    point_environment_at(monkeypatch, sandbox, tmp_path)
    return sandbox


def sheet(path: Path, rows: list[list[str]]) -> Path:
    if path.suffix == ".xlsx":
        book = openpyxl.Workbook()
        book.active.append(HEADER)
        for row in rows:
            book.active.append(row)
        book.save(path)
        return path
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def registered(zoom: ZoomSandbox) -> dict[str, set[str]]:
    """topic -> the addresses Zoom holds as registered."""
    return {
        meeting["topic"]: {person["email"] for person in zoom.registrants(meeting["id"])}
        for meeting in zoom.meetings()
    }


def participants_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


ROWS = [
    [
        "Algebra",
        "2030-02-04 09:00",
        "60",
        "Asia/Tokyo",
        "Ann Lee <ann@example.org>; bob@example.org",
        "",
    ],
    [
        "Clinic",
        "2030-02-05 10:00",
        "30",
        "Asia/Tokyo",
        "carol@example.jp\n田中 太郎 <tanaka@example.jp>",
        "",
    ],
    [
        "Series",
        "2030-02-06 09:00",
        "60",
        "Asia/Tokyo",
        "ann@example.org, dan@example.org",
        "weekly x4",
    ],
    ["No registration", "2030-02-07 09:00", "60", "Asia/Tokyo", "", ""],
]


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("ann@example.org", [Participant("ann@example.org")]),
        ("Ann Lee <ann@example.org>", [Participant("ann@example.org", "Ann Lee")]),
        (
            '"Lee, Ann" <ann@example.org>; bob@x.org',
            [Participant("ann@example.org", "Lee, Ann"), Participant("bob@x.org")],
        ),
        ("a@x.org\nb@x.org,c@x.org;d@x.org、e@x.org", [Participant(f"{c}@x.org") for c in "abcde"]),
        ("ann@example.org; ANN@example.org", [Participant("ann@example.org")]),
        ("ａｎｎ＠ｅｘａｍｐｌｅ．ｏｒｇ", [Participant("ann@example.org")]),
        ("", []),
    ],
)
def test_a_participants_cell_is_read_as_people(cell: str, expected: list[Participant]) -> None:
    assert list(parse_participants(cell)) == expected


def test_a_malformed_address_is_that_persons_problem_only() -> None:
    people = parse_participants("bob@; ann@example.org; Carl <carl at example.org>")
    assert [person.email for person in people if person.problem is None] == ["ann@example.org"]
    assert [person.problem for person in people if person.problem] == [
        'participant "bob@" is not an email address',
        'participant "Carl <carl at example.org>" is not an email address',
    ]


def test_a_workbook_registers_exactly_those_people_with_their_links(
    zoom: ZoomSandbox, tmp_path: Path
) -> None:
    path = sheet(tmp_path / "training.xlsx", ROWS)
    assert main([str(path), "--quiet"]) == 0
    assert registered(zoom) == {
        "Algebra": {"ann@example.org", "bob@example.org"},
        "Clinic": {"carol@example.jp", "tanaka@example.jp"},
        "Series": {"ann@example.org", "dan@example.org"},
        "No registration": set(),
    }
    # scheduled meetings in one batch call each; the recurring one a call per person
    assert zoom.count("POST", "/batch_registrants") == 2
    assert zoom.count("POST", "/registrants") == 2  # "/batch_registrants" has no "/registrants"
    book = openpyxl.load_workbook(tmp_path / "training_scheduled.xlsx")
    table = list(book["Participants"].iter_rows(values_only=True))
    header, rows = table[0], table[1:]
    assert header[:3] == ("email", "name", "topic")
    links = {
        (person["email"], meeting["topic"]): person["join_url"]
        for meeting in zoom.meetings()
        for person in zoom.registrants(meeting["id"])
    }
    column = dict(zip(header, range(len(header)), strict=False))
    shown = {(row[column["email"]], row[column["topic"]]): row[column["join_url"]] for row in rows}
    assert shown == links
    assert {row[column["status"]] for row in rows} == {"registered"}
    tanaka = next(row for row in rows if row[column["email"]] == "tanaka@example.jp")
    assert tanaka[column["name"]] == "田中 太郎"


def test_a_rerun_registers_nobody_twice_and_sends_nothing(
    zoom: ZoomSandbox, tmp_path: Path
) -> None:
    path = sheet(tmp_path / "in.csv", ROWS)
    assert main([str(path), "--quiet"]) == 0
    before = len(zoom.requests)
    assert main([str(path), "--quiet"]) == 0
    # nothing is sent but the receipt's look at what Zoom holds (a token, a listing per host)
    again = zoom.requests[before:]
    assert [r.method for r in again if r.path.startswith("/v2/")] == ["GET"] * len(
        {r.host for r in again if r.path.startswith("/v2/users/")}
    )
    assert all(r.path.startswith("/v2/users/") for r in again if r.path.startswith("/v2/"))
    people = participants_csv(tmp_path / "in_scheduled_participants.csv")
    assert {person["status"] for person in people} == {"exists"}
    assert all(person["join_url"] for person in people)


def test_a_person_added_is_registered_and_one_removed_is_cancelled(
    zoom: ZoomSandbox, tmp_path: Path
) -> None:
    path = sheet(tmp_path / "in.csv", ROWS[:1])
    assert main([str(path), "--quiet"]) == 0
    scheduled = tmp_path / "in_scheduled.csv"
    with scheduled.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    rows[0]["participants"] = "ann@example.org; erin@example.org"  # bob out, erin in
    with scheduled.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    posts = zoom.count("POST", "registrants")
    assert main([str(scheduled), "--quiet"]) == 0
    assert registered(zoom) == {"Algebra": {"ann@example.org", "erin@example.org"}}
    assert zoom.count("POST", "registrants") == posts + 1  # erin alone
    meeting_id = zoom.meetings()[0]["id"]
    assert [person["email"] for person in zoom.registrants(meeting_id, "denied")] == [
        "bob@example.org"
    ]
    statuses = {
        p["email"]: p["status"]
        for p in participants_csv(tmp_path / "in_scheduled_participants.csv")
    }
    assert statuses == {
        "ann@example.org": "exists",
        "erin@example.org": "registered",
        "bob@example.org": "cancelled",
    }


def test_a_malformed_address_is_reported_with_its_row_and_the_others_go_ahead(
    zoom: ZoomSandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [["Algebra", "2030-02-04 09:00", "60", "Asia/Tokyo", "bob@; ann@example.org", ""]]
    path = sheet(tmp_path / "in.csv", rows)
    assert main([str(path)]) == 1
    assert 'row 2: participant "bob@" is not an email address' in capsys.readouterr().out
    assert registered(zoom) == {"Algebra": {"ann@example.org"}}
    statuses = {
        p["email"]: p["status"]
        for p in participants_csv(tmp_path / "in_scheduled_participants.csv")
    }
    assert statuses == {"bob@": "invalid", "ann@example.org": "registered"}


def test_a_lost_journal_looks_up_the_registrants_instead_of_registering_again(
    zoom: ZoomSandbox, tmp_path: Path
) -> None:
    path = sheet(tmp_path / "in.csv", ROWS[:2])
    assert main([str(path), "--quiet"]) == 0
    scheduled = tmp_path / "in_scheduled.csv"
    (tmp_path / "in_scheduled.csv.journal").unlink()
    posts = zoom.count("POST", "registrants")
    assert main([str(scheduled), "--quiet"]) == 0  # the managed rows name their meetings
    assert zoom.count("POST", "registrants") == posts
    assert zoom.count("GET", "/registrants") == 2  # one look per meeting
    people = participants_csv(tmp_path / "in_scheduled_participants.csv")
    assert {p["status"] for p in people} == {"exists"} and all(p["join_url"] for p in people)


def test_an_unknown_outcome_is_settled_by_looking_not_by_sending_again(
    zoom: ZoomSandbox, tmp_path: Path
) -> None:
    zoom.inject(Fault("drop_after", method="POST", path="/batch_registrants"))
    path = sheet(tmp_path / "in.csv", ROWS[:1])
    assert main([str(path), "--quiet"]) == 0
    assert zoom.count("POST", "/batch_registrants") == 1  # Zoom had made them: not sent again
    assert registered(zoom) == {"Algebra": {"ann@example.org", "bob@example.org"}}
    people = participants_csv(tmp_path / "in_scheduled_participants.csv")
    assert {p["status"] for p in people} == {"registered"} and all(p["join_url"] for p in people)


def test_an_unknown_outcome_where_zoom_made_nothing_is_sent_once_more(
    zoom: ZoomSandbox, tmp_path: Path
) -> None:
    zoom.inject(Fault("drop_before", method="POST", path="/batch_registrants"))
    path = sheet(tmp_path / "in.csv", ROWS[:1])
    assert main([str(path), "--quiet"]) == 0
    assert zoom.count("POST", "/batch_registrants") == 2
    assert registered(zoom) == {"Algebra": {"ann@example.org", "bob@example.org"}}


def test_the_sandbox_holds_zooms_registration_rules(zoom: ZoomSandbox) -> None:
    token = sandbox_token(zoom)
    headers = {"Authorization": f"Bearer {token}"}

    def meeting(**fields: object) -> str:
        body = {"topic": "t", "type": 2, "start_time": "2030-01-01T10:00:00Z", "duration": 30}
        body.update(fields)
        answer = requests.post(
            f"{zoom.api_url}/users/me/meetings", json=body, headers=headers, timeout=5
        )
        return str(answer.json()["id"])

    def batch(meeting_id: str, count: int) -> requests.Response:
        people = [{"email": f"p{n}@example.org", "first_name": "P"} for n in range(count)]
        return requests.post(
            f"{zoom.api_url}/meetings/{meeting_id}/batch_registrants",
            json={"registrants": people},
            headers=headers,
            timeout=5,
        )

    plain = meeting()
    refused = batch(plain, 1)
    assert (refused.status_code, refused.json()["code"]) == (400, 404)  # registration is off
    open_one = meeting(settings={"approval_type": 0})
    assert batch(open_one, 30).status_code == 201
    assert batch(open_one, 31).json()["code"] == 300
    assert batch(open_one, 0).json()["code"] == 300
    series = meeting(type=8, recurrence={"type": 1, "end_times": 3}, settings={"approval_type": 0})
    assert batch(series, 1).json()["code"] == 303  # batch registration: scheduled meetings only
    one = requests.post(
        f"{zoom.api_url}/meetings/{series}/registrants",
        json={"email": "solo@example.org", "first_name": "Solo"},
        headers=headers,
        timeout=5,
    )
    assert one.status_code == 201 and "/w/" in one.json()["join_url"]
