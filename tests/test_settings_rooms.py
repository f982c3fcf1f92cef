"""Breakout rooms: the cell, the Breakout rooms sheet, Zoom's limits, and the sandbox's refusals."""

from pathlib import Path

import openpyxl
import pytest
import requests
from conftest import read_csv, sandbox_token, settings_for, write_csv

from batch_zoom.models import BreakoutRoom, RoomEntry, Status
from batch_zoom.rows.settings import (
    MAX_ROOM_PEOPLE,
    MAX_ROOMS,
    parse_breakout_rooms,
    rooms_from_entries,
)
from batch_zoom.run.batch import run_batch
from batch_zoom.sandbox import ZoomSandbox


@pytest.mark.parametrize(
    ("cell", "rooms"),
    [
        (
            "Room A: a@x.org, b@x.org; Room B: c@x.org",
            (BreakoutRoom("Room A", ("a@x.org", "b@x.org")), BreakoutRoom("Room B", ("c@x.org",))),
        ),
        (
            "Room A: a@x.org\nroom a: A@x.org, d@x.org",
            (BreakoutRoom("Room A", ("a@x.org", "d@x.org")),),
        ),
        (
            "グループ１：a@x.org、b@x.org；グループ２：c@x.org",
            (
                BreakoutRoom("グループ1", ("a@x.org", "b@x.org")),
                BreakoutRoom("グループ2", ("c@x.org",)),
            ),
        ),
        ("", None),
    ],
)
def test_a_breakout_rooms_cell_becomes_rooms(cell: str, rooms: object) -> None:
    assert parse_breakout_rooms(cell) == rooms


@pytest.mark.parametrize(
    ("cell", "words"),
    [
        ("Room A: a@x.org, tanaka", ['"tanaka" is not an email address']),
        ("a@x.org, b@x.org", ["has no room name"]),
        (
            "; ".join(f"R{n}: p{n}@x.org" for n in range(MAX_ROOMS + 1)),
            [f"{MAX_ROOMS + 1} rooms", f"at most {MAX_ROOMS}"],
        ),
        (
            "R: " + ", ".join(f"p{n}@x.org" for n in range(MAX_ROOM_PEOPLE + 1)),
            [f"{MAX_ROOM_PEOPLE + 1} people", f"at most {MAX_ROOM_PEOPLE}"],
        ),
    ],
)
def test_a_bad_cell_says_why_with_zooms_number(cell: str, words: list[str]) -> None:
    with pytest.raises(ValueError) as refused:
        parse_breakout_rooms(cell)
    assert all(word in str(refused.value) for word in words), str(refused.value)


def test_a_sheet_row_that_is_not_an_email_is_named_by_its_row() -> None:
    with pytest.raises(ValueError, match=r'sheet row 4: "Suzuki" is not an email address'):
        rooms_from_entries([RoomEntry(3, "G1", "a@x.org"), RoomEntry(4, "G1", "Suzuki")])


def _workbook(path: Path, rooms: list[list[object]], cell: str | None = None) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["topic", "start_time", "duration", "breakout_rooms", "meeting_id"])
    sheet.append(["Seminar", "2030-05-01 10:00", 60, cell, None])
    sheet.append(["Other", "2030-05-02 10:00", 60, None, None])
    rooms_sheet = book.create_sheet("ブレイクアウトルーム")
    rooms_sheet.append(["会議名", "ルーム名", "メールアドレス"])
    for room in rooms:
        rooms_sheet.append(room)
    book.save(path)
    return path


def test_a_bad_address_in_the_rooms_sheet_is_that_meetings_error_the_rest_go_ahead(
    sandbox: ZoomSandbox, tmp_path: Path
) -> None:
    source = _workbook(
        tmp_path / "rooms.xlsx",
        [
            ["Seminar", "G1", "a@x.org"],
            ["Seminar", "G2", "not-an-address"],
            ["Nowhere", "G", "b@x.org"],
        ],
    )
    report = run_batch(settings_for(sandbox, source))
    seminar, other = report.results
    assert seminar.status is Status.INVALID
    assert 'breakout_rooms: Breakout rooms sheet row 3: "not-an-address"' in seminar.error
    assert other.status is Status.CREATED
    assert any("Nowhere" in line and "row" in line for line in report.warnings), report.warnings


def test_both_a_cell_and_sheet_rows_for_one_meeting_is_the_rows_error(
    sandbox: ZoomSandbox, tmp_path: Path
) -> None:
    source = _workbook(tmp_path / "both.xlsx", [["Seminar", "G1", "a@x.org"]], "R: b@x.org")
    report = run_batch(settings_for(sandbox, source, dry_run=True))
    assert report.results[0].status is Status.INVALID
    assert "both in its cell and in the Breakout rooms sheet" in report.results[0].error


def test_the_dry_run_says_what_rooms_will_be_sent(sandbox: ZoomSandbox, tmp_path: Path) -> None:
    source = write_csv(
        tmp_path / "m.csv",
        [["Seminar", "2030-05-01 10:00", 60, "A: a@x.org, b@x.org; B: c@x.org"]],
        ["topic", "start_time", "duration", "breakout_rooms"],
    )
    report = run_batch(settings_for(sandbox, source, dry_run=True))
    assert "would create with breakout_rooms 2 rooms, 3 people" in report.results[0].error
    assert sandbox.requests == []


@pytest.mark.parametrize(
    ("rooms", "message"),
    [
        ([{"name": f"R{n}", "participants": []} for n in range(101)], "100 breakout rooms"),
        ([{"name": "R", "participants": [f"p{n}@x.org" for n in range(1001)]}], "1000"),
        ([{"name": "R", "participants": ["nobody"]}], "nobody"),
    ],
)
def test_the_sandbox_refuses_what_zoom_refuses(
    sandbox: ZoomSandbox, rooms: list[dict[str, object]], message: str
) -> None:
    body = {
        "topic": "x",
        "type": 2,
        "start_time": "2030-05-01T10:00:00Z",
        "duration": 30,
        "settings": {"breakout_room": {"enable": True, "rooms": rooms}},
    }
    answer = requests.post(
        f"{sandbox.api_url}/users/me/meetings",
        json=body,
        headers={"Authorization": f"Bearer {sandbox_token(sandbox)}"},
        timeout=5,
    )
    assert answer.status_code == 400 and answer.json()["code"] == 300
    assert message in answer.json()["message"]


def test_a_csv_run_with_a_rooms_cell_creates_the_rooms(
    sandbox: ZoomSandbox, tmp_path: Path
) -> None:
    source = write_csv(
        tmp_path / "m.csv",
        [["Seminar", "2030-05-01 10:00", 60, "A: a@x.org"]],
        ["topic", "start_time", "duration", "breakout_rooms"],
    )
    report = run_batch(settings_for(sandbox, source))
    assert report.results[0].status is Status.CREATED
    (meeting,) = sandbox.meetings()
    assert meeting["settings"]["breakout_room"]["rooms"] == [
        {"name": "A", "participants": ["a@x.org"]}
    ]
    assert read_csv(report.output_path)[0]["status"] == "created"


def test_sheet_rows_go_to_the_meeting_they_name_by_meeting_id_or_topic() -> None:
    from batch_zoom.models import ROOMS_SHEET_CELL, SheetRow
    from batch_zoom.sheet.rooms import RoomSheet, with_rooms

    by_id = [RoomEntry(2, "G1", "a@x.org")]
    by_topic = [RoomEntry(3, "G2", "b@x.org")]
    sheet = RoomSheet(
        "Rooms",
        by_topic={"weekly class": by_topic},
        by_meeting_id={"85123456789": by_id},
        rows_of={("meeting_id", "85123456789"): [2], ("topic", "weekly class"): [3]},
        written={("meeting_id", "85123456789"): "85123456789", ("topic", "weekly class"): "x"},
    )
    rows = [
        SheetRow(2, {"topic": "Weekly class", "meeting_id": "851 2345 6789"}),
        SheetRow(3, {"topic": "Weekly  CLASS"}),
        SheetRow(4, {"topic": "weekly class"}),
        SheetRow(5, {"topic": "Other"}),
    ]
    placed, warnings = with_rooms(rows, sheet)
    assert [row.get(ROOMS_SHEET_CELL) for row in placed] == [
        tuple(by_id),
        tuple(by_topic),
        tuple(by_topic),
        None,
    ]
    assert warnings == []
