"""The sheet as the source of truth: managed rows are updated, cancelled and undone.

Every test drives ``cli.main([...])`` in-process against a sandbox on localhost, then looks at
two things only: what reached the sandbox (its request log and its meetings) and what the output
sheet says. Dates are in 2030 so that nothing is in the past.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from conftest import delete_behind_the_tools_back
from openpyxl import Workbook, load_workbook

from batch_zoom.cli import main
from batch_zoom.sandbox import ZoomSandbox
from batch_zoom.sandbox.faults import Fault
from batch_zoom.sandbox.server import RequestRecord

ZONE = "Asia/Tokyo"
HEADERS = ["topic", "start_time", "duration", "timezone", "action"]
WRITES = ("POST", "PATCH", "DELETE")

# Five meetings; the round trip edits the first four and leaves the fifth alone.
MEETINGS: list[dict[str, str]] = [
    {"topic": "Weekly sync", "start_time": "2030-03-04 10:00", "duration": "60"},
    {"topic": "Design review", "start_time": "2030-03-05 14:00", "duration": "30"},
    {"topic": "Retro", "start_time": "2030-03-06 16:00", "duration": "45"},
    {"topic": "All hands", "start_time": "2030-03-07 09:00", "duration": "90"},
    {"topic": "Office hours", "start_time": "2030-03-08 13:00", "duration": "60"},
]


# -- fixtures and helpers ------------------------------------------------------------------------


@pytest.fixture
def zoom(sandbox: ZoomSandbox, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> ZoomSandbox:
    """The ``sandbox`` with the tool's environment pointing at it, run from an empty folder."""
    point_at(sandbox, monkeypatch, tmp_path)
    return sandbox


def point_at(sandbox: ZoomSandbox, monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    monkeypatch.chdir(folder)  # no stray .env is read
    monkeypatch.setenv("ZOOM_ACCOUNT_ID", "sandbox-account")
    monkeypatch.setenv("ZOOM_CLIENT_ID", "sandbox-client")
    monkeypatch.setenv("ZOOM_CLIENT_SECRET", "sandbox-secret")
    monkeypatch.setenv("ZOOM_API_URL", sandbox.api_url)
    monkeypatch.setenv("ZOOM_OAUTH_URL", sandbox.oauth_url)


def run(*args: str | Path, stdin: Any = None) -> int:
    """``python -m batch_zoom ARGS`` in-process; the exit status."""
    return main([str(arg) for arg in args] + ["--timezone", ZONE, "--quiet"], stdin=stdin)


def rows_with(meetings: Sequence[dict[str, str]]) -> list[dict[str, str]]:
    return [{"timezone": ZONE, "action": "", **meeting} for meeting in meetings]


def write_csv(path: Path, rows: Sequence[dict[str, str]], headers: Sequence[str] = HEADERS) -> Path:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=list(headers))
        writer.writeheader()
        writer.writerows(rows)
    return path


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8-sig") as source:
        return list(csv.DictReader(source))


def edit_csv(path: Path, edits: dict[int, dict[str, str]]) -> None:
    """Change cells of data rows (0-based) the way a user would, keeping every other cell."""
    with path.open(newline="", encoding="utf-8-sig") as source:
        grid = list(csv.reader(source))
    headers = grid[0]
    for index, changes in edits.items():
        for name, value in changes.items():
            grid[index + 1][headers.index(name)] = value
    with path.open("w", newline="", encoding="utf-8") as out:
        csv.writer(out).writerows(grid)


def write_xlsx(path: Path, rows: Sequence[dict[str, Any]]) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = "Meetings"
    sheet.append(HEADERS)
    for row in rows:
        sheet.append([row.get(name) for name in HEADERS])
    book.save(path)
    return path


def read_xlsx(path: Path) -> list[dict[str, Any]]:
    sheet = load_workbook(path)["Meetings"]
    grid = [list(row) for row in sheet.iter_rows(values_only=True)]
    headers = [str(cell) if cell is not None else "" for cell in grid[0]]
    return [dict(zip(headers, row, strict=False)) for row in grid[1:] if any(row)]


def edit_xlsx(path: Path, edits: dict[int, dict[str, Any]]) -> None:
    book = load_workbook(path)
    sheet = book["Meetings"]
    headers = [cell.value for cell in sheet[1]]
    for index, changes in edits.items():
        for name, value in changes.items():
            sheet.cell(row=index + 2, column=headers.index(name) + 1, value=value)
    book.save(path)


def api_writes(sandbox: ZoomSandbox, since: int = 0) -> list[RequestRecord]:
    """Meeting writes (POST/PATCH/DELETE under /v2) the sandbox saw after the first ``since``."""
    return [
        record
        for record in sandbox.requests[since:]
        if record.method in WRITES and record.path.startswith("/v2/")
    ]


def meetings_by_id(sandbox: ZoomSandbox) -> dict[str, dict[str, Any]]:
    return {str(meeting["id"]): meeting for meeting in sandbox.meetings()}


class Terminal(io.StringIO):
    """Someone at a terminal, typing ``answer``."""

    def isatty(self) -> bool:
        return True


def scheduled(tmp_path: Path, zoom: ZoomSandbox, meetings: Sequence[dict[str, str]]) -> Path:
    """Create ``meetings`` from a CSV; the ``_scheduled`` output, every row created."""
    source = write_csv(tmp_path / "batch.csv", rows_with(meetings))
    assert run(source) == 0
    output = tmp_path / "batch_scheduled.csv"
    assert [row["status"] for row in read_csv(output)] == ["created"] * len(meetings)
    return output


# -- the round trip: create, edit the output, re-run it, re-run it again, undo ------------------


def _round_trip(
    tmp_path: Path,
    zoom: ZoomSandbox,
    source: Path,
    output: Path,
    read: Callable[[Path], list[dict[str, Any]]],
    edit: Callable[[Path, dict[int, dict[str, Any]]], None],
    new_start: Any,
) -> None:
    assert run(source) == 0
    created = read(output)
    assert [row["status"] for row in created] == ["created"] * 5
    ids = [str(row["meeting_id"]) for row in created]
    assert sorted(ids) == sorted(meetings_by_id(zoom))
    before = meetings_by_id(zoom)

    edit(
        output,
        {
            0: {"start_time": new_start},  # a time
            1: {"duration": 50},  # a duration
            2: {"topic": "Retrospective"},  # a topic
            3: {"action": "cancel"},  # a cancellation
        },
    )
    mark = len(zoom.requests)
    assert run(output) == 0  # an _scheduled file is updated in place

    writes = api_writes(zoom, mark)
    patches = {
        record.path.rsplit("/", 1)[1]: record.body for record in writes if record.method == "PATCH"
    }
    deletes = [record.path.rsplit("/", 1)[1] for record in writes if record.method == "DELETE"]
    assert not [record for record in writes if record.method == "POST"]
    assert sorted(patches) == sorted(ids[:3])
    # A new start goes with its zone (the wall time means nothing without it); nothing else.
    assert patches[ids[0]]["start_time"] == "2030-03-04T11:30:00"
    assert set(patches[ids[0]]) <= {"start_time", "timezone"}
    assert patches[ids[0]].get("timezone", ZONE) == ZONE
    assert patches[ids[1]] == {"duration": 50}
    assert patches[ids[2]] == {"topic": "Retrospective"}
    assert deletes == [ids[3]]

    after = meetings_by_id(zoom)
    assert sorted(after) == sorted(ids[:3] + ids[4:])
    assert after[ids[0]]["start_time"] == "2030-03-04T02:30:00Z"  # 11:30 in Tokyo
    assert after[ids[1]]["duration"] == 50
    assert after[ids[2]]["topic"] == "Retrospective"
    assert after[ids[4]] == before[ids[4]]

    updated = read(output)
    assert [row["status"] for row in updated] == [
        "updated", "updated", "updated", "cancelled", "exists",
    ]  # fmt: skip
    assert [str(row["meeting_id"]) for row in updated] == ids
    for row, meeting_id in zip(updated[:3], ids[:3], strict=True):
        assert row["join_url"] == after[meeting_id]["join_url"]

    mark = len(zoom.requests)
    assert run(output) == 0
    assert api_writes(zoom, mark) == []  # untouched: not one write
    again = read(output)
    assert [row["status"] for row in again] == [
        "exists", "exists", "exists", "cancelled", "exists",
    ]  # fmt: skip

    assert run(output, "--undo", "--yes") == 0
    assert zoom.meetings() == []
    assert [row["status"] for row in read(output)] == ["cancelled"] * 5


def test_round_trip_over_csv(zoom: ZoomSandbox, tmp_path: Path) -> None:
    source = write_csv(tmp_path / "december.csv", rows_with(MEETINGS))
    _round_trip(
        tmp_path,
        zoom,
        source,
        tmp_path / "december_scheduled.csv",
        read_csv,
        lambda path, edits: edit_csv(
            path, {row: {k: str(v) for k, v in cells.items()} for row, cells in edits.items()}
        ),
        "2030-03-04 11:30",
    )


def test_round_trip_over_xlsx(zoom: ZoomSandbox, tmp_path: Path) -> None:
    rows = [
        {
            **row,
            "start_time": datetime.fromisoformat(row["start_time"]),
            "duration": int(row["duration"]),
        }
        for row in rows_with(MEETINGS)
    ]
    source = write_xlsx(tmp_path / "december.xlsx", rows)
    _round_trip(
        tmp_path,
        zoom,
        source,
        tmp_path / "december_scheduled.xlsx",
        read_xlsx,
        edit_xlsx,
        datetime(2030, 3, 4, 11, 30),
    )


# -- one change at a time ------------------------------------------------------------------------


def test_unchanged_rows_are_exists_and_only_read(zoom: ZoomSandbox, tmp_path: Path) -> None:
    output = scheduled(tmp_path, zoom, MEETINGS[:2])
    mark = len(zoom.requests)
    assert run(output) == 0
    assert [row["status"] for row in read_csv(output)] == ["exists", "exists"]
    seen = zoom.requests[mark:]
    assert api_writes(zoom, mark) == []
    assert sorted(r.method for r in seen if r.path.startswith("/v2/")) == ["GET"] * 3
    # a GET of each meeting, and the receipt's one listing of their host
    assert len([r for r in seen if r.path.startswith("/v2/users/")]) == 1


def test_options_and_agenda_changes_patch_only_those(zoom: ZoomSandbox, tmp_path: Path) -> None:
    headers = [*HEADERS, "agenda", "waiting_room", "passcode"]
    source = write_csv(
        tmp_path / "opts.csv",
        [
            {
                **rows_with(MEETINGS[:1])[0],
                "agenda": "plan",
                "waiting_room": "no",
                "passcode": "abc123",
            }
        ],
        headers,
    )
    assert run(source) == 0
    output = tmp_path / "opts_scheduled.csv"
    edit_csv(output, {0: {"agenda": "plan and budget", "waiting_room": "yes"}})
    mark = len(zoom.requests)
    assert run(output) == 0
    (patch,) = [record.body for record in api_writes(zoom, mark)]
    assert patch == {"agenda": "plan and budget", "settings": {"waiting_room": True}}
    (row,) = read_csv(output)
    assert row["status"] == "updated"
    (meeting,) = zoom.meetings()
    assert meeting["agenda"] == "plan and budget" and meeting["settings"]["waiting_room"] is True
    assert meeting["password"] == "abc123"


def test_a_changed_passcode_writes_the_new_join_url(zoom: ZoomSandbox, tmp_path: Path) -> None:
    headers = [*HEADERS, "passcode"]
    source = write_csv(
        tmp_path / "pw.csv", [{**rows_with(MEETINGS[:1])[0], "passcode": "abc123"}], headers
    )
    assert run(source) == 0
    output = tmp_path / "pw_scheduled.csv"
    old_link = read_csv(output)[0]["join_url"]
    edit_csv(output, {0: {"passcode": "xyz789"}})
    assert run(output) == 0
    (row,) = read_csv(output)
    (meeting,) = zoom.meetings()
    assert row["status"] == "updated" and meeting["password"] == "xyz789"
    assert meeting["join_url"] != old_link
    assert row["join_url"] == meeting["join_url"]


def test_untouched_row_with_waiting_room_and_join_before_host_sends_nothing(
    zoom: ZoomSandbox, tmp_path: Path
) -> None:
    headers = [*HEADERS, "waiting_room", "join_before_host"]
    row = {**rows_with(MEETINGS[:1])[0], "waiting_room": "yes", "join_before_host": "yes"}
    assert run(write_csv(tmp_path / "wr.csv", [row], headers)) == 0
    output = tmp_path / "wr_scheduled.csv"
    mark = len(zoom.requests)
    assert run(output) == 0
    assert api_writes(zoom, mark) == []
    assert read_csv(output)[0]["status"] == "exists"


# -- cancel ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("word", ["cancel", "delete", "Cancel", "中止", "削除", "キャンセル"])
def test_action_words_cancel(zoom: ZoomSandbox, tmp_path: Path, word: str) -> None:
    output = scheduled(tmp_path, zoom, MEETINGS[:2])
    gone = read_csv(output)[0]["meeting_id"]
    edit_csv(output, {0: {"action": word}})
    mark = len(zoom.requests)
    assert run(output) == 0
    assert [(r.method, r.path) for r in api_writes(zoom, mark)] == [
        ("DELETE", f"/v2/meetings/{gone}")
    ]
    assert [row["status"] for row in read_csv(output)] == ["cancelled", "exists"]
    assert gone not in meetings_by_id(zoom)


def test_japanese_action_header_and_words(zoom: ZoomSandbox, tmp_path: Path) -> None:
    headers = ["会議名", "開始日時", "所要時間", "タイムゾーン", "操作"]
    rows = [
        dict(zip(headers, [m["topic"], m["start_time"], m["duration"], ZONE, ""], strict=True))
        for m in MEETINGS[:3]
    ]
    source = write_csv(tmp_path / "会議.csv", rows, headers)
    assert run(source) == 0
    output = tmp_path / "会議_scheduled.csv"
    ids = [row["meeting_id"] for row in read_csv(output)]
    edit_csv(output, {0: {"操作": "中止"}, 1: {"操作": "削除"}})
    assert run(output) == 0
    assert [row["status"] for row in read_csv(output)] == ["cancelled", "cancelled", "exists"]
    assert sorted(meetings_by_id(zoom)) == [ids[2]]


def test_cancel_of_a_meeting_already_gone_sends_no_delete(
    zoom: ZoomSandbox, tmp_path: Path
) -> None:
    output = scheduled(tmp_path, zoom, MEETINGS[:2])
    gone = read_csv(output)[0]["meeting_id"]
    delete_behind_the_tools_back(zoom, gone)
    edit_csv(output, {0: {"action": "cancel"}})
    mark = len(zoom.requests)
    assert run(output) == 0
    assert api_writes(zoom, mark) == []
    assert zoom.count("GET", path_contains=f"/meetings/{gone}") == 1  # it looked first
    first, second = read_csv(output)
    assert first["status"] == "cancelled"
    assert "already gone" in first["error"]
    assert second["status"] == "exists"


def test_cancelled_rows_stay_cancelled_without_any_write(zoom: ZoomSandbox, tmp_path: Path) -> None:
    output = scheduled(tmp_path, zoom, MEETINGS[:2])
    edit_csv(output, {0: {"action": "cancel"}})
    assert run(output) == 0
    for _ in range(2):
        mark = len(zoom.requests)
        assert run(output) == 0
        assert api_writes(zoom, mark) == []
        assert [row["status"] for row in read_csv(output)] == ["cancelled", "exists"]


def test_cancelled_row_rerun_without_the_journal_looks_and_writes_nothing(
    zoom: ZoomSandbox, tmp_path: Path
) -> None:
    """A colleague re-runs the file elsewhere: no journal, so the tool must look, not delete."""
    output = scheduled(tmp_path, zoom, MEETINGS[:2])
    edit_csv(output, {0: {"action": "cancel"}})
    assert run(output) == 0
    for journal in tmp_path.glob("*.journal"):
        journal.unlink()
    mark = len(zoom.requests)
    assert run(output) == 0
    assert api_writes(zoom, mark) == []
    first, second = read_csv(output)
    assert first["status"] == "cancelled" and first["error"]
    assert second["status"] == "exists"


# -- a meeting deleted on Zoom ---------------------------------------------------------------------


def test_meeting_deleted_on_zoom_is_missing(
    zoom: ZoomSandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = scheduled(tmp_path, zoom, MEETINGS[:2])
    gone = read_csv(output)[0]["meeting_id"]
    delete_behind_the_tools_back(zoom, gone)
    capsys.readouterr()
    mark = len(zoom.requests)
    assert run(output) == 1
    assert api_writes(zoom, mark) == []  # not silently re-created
    first, second = read_csv(output)
    assert first["status"] == "missing"
    assert first["meeting_id"] == gone
    assert gone in first["error"] and "--recreate-missing" in first["error"]
    assert second["status"] == "exists"
    assert "missing" in capsys.readouterr().out


def test_recreate_missing_makes_a_new_meeting(zoom: ZoomSandbox, tmp_path: Path) -> None:
    output = scheduled(tmp_path, zoom, MEETINGS[:2])
    gone, kept = (row["meeting_id"] for row in read_csv(output))
    delete_behind_the_tools_back(zoom, gone)
    mark = len(zoom.requests)
    assert run(output, "--recreate-missing") == 0
    writes = api_writes(zoom, mark)
    assert [(r.method, r.path) for r in writes] == [("POST", "/v2/users/me/meetings")]
    first, second = read_csv(output)
    assert first["status"] == "created"
    assert first["meeting_id"] not in (gone, kept)
    meeting = meetings_by_id(zoom)[first["meeting_id"]]
    assert meeting["topic"] == MEETINGS[0]["topic"]
    assert first["join_url"] == meeting["join_url"]
    assert second["status"] == "exists"
    mark = len(zoom.requests)
    assert run(output) == 0  # the new id is in the sheet now: nothing more to do
    assert api_writes(zoom, mark) == []


# -- undo ------------------------------------------------------------------------------------------


def _two_hosts(tmp_path: Path, zoom: ZoomSandbox) -> Path:
    headers = [*HEADERS, "host"]
    rows = rows_with(MEETINGS[:3])
    rows[0]["host"] = "ann@example.com"
    rows[1]["host"] = "ann@example.com"
    rows[2]["host"] = "bob@example.com"
    source = write_csv(tmp_path / "hosts.csv", rows, headers)
    assert run(source) == 0
    assert len(zoom.meetings()) == 3
    return tmp_path / "hosts_scheduled.csv"


def test_undo_asks_with_the_count_per_host_and_a_no_deletes_nothing(
    zoom: ZoomSandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = _two_hosts(tmp_path, zoom)
    before = output.read_bytes()
    capsys.readouterr()
    mark = len(zoom.requests)
    assert run(output, "--undo", stdin=Terminal("n\n")) == 0
    shown = capsys.readouterr().out
    assert "3" in shown and "ann@example.com (2)" in shown and "bob@example.com (1)" in shown
    assert zoom.requests[mark:] == []
    assert len(zoom.meetings()) == 3
    assert output.read_bytes() == before


def test_undo_with_a_yes_at_the_terminal_deletes_every_meeting(
    zoom: ZoomSandbox, tmp_path: Path
) -> None:
    output = _two_hosts(tmp_path, zoom)
    assert run(output, "--undo", stdin=Terminal("y\n")) == 0
    assert zoom.meetings() == []
    assert zoom.count("DELETE") == 3
    assert [row["status"] for row in read_csv(output)] == ["cancelled"] * 3


def test_undo_without_a_terminal_and_without_yes_refuses(
    zoom: ZoomSandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = _two_hosts(tmp_path, zoom)
    capsys.readouterr()
    mark = len(zoom.requests)
    assert run(output, "--undo", stdin=io.StringIO("y\n")) == 2  # piped: not a person's answer
    assert zoom.requests[mark:] == []
    assert len(zoom.meetings()) == 3
    assert "--yes" in capsys.readouterr().err
    assert {row["status"] for row in read_csv(output)} == {"created"}


def test_undo_yes_deletes_the_batch_and_only_the_batch(zoom: ZoomSandbox, tmp_path: Path) -> None:
    other = write_csv(tmp_path / "other.csv", rows_with(MEETINGS[3:]))
    assert run(other) == 0
    others = set(meetings_by_id(zoom))
    output = scheduled(tmp_path, zoom, MEETINGS[:3])
    assert run(output, "--undo", "--yes") == 0
    assert set(meetings_by_id(zoom)) == others
    assert [row["status"] for row in read_csv(output)] == ["cancelled"] * 3


def test_undo_question_does_not_count_meetings_already_cancelled(
    zoom: ZoomSandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = scheduled(tmp_path, zoom, MEETINGS[:3])
    edit_csv(output, {0: {"action": "cancel"}})
    assert run(output) == 0
    capsys.readouterr()
    assert run(output, "--undo", stdin=Terminal("n\n")) == 0
    assert "This deletes 2 Zoom meetings" in capsys.readouterr().out


def test_undo_of_a_meeting_already_gone_marks_it_cancelled(
    zoom: ZoomSandbox, tmp_path: Path
) -> None:
    output = scheduled(tmp_path, zoom, MEETINGS[:2])
    gone = read_csv(output)[0]["meeting_id"]
    delete_behind_the_tools_back(zoom, gone)
    mark = len(zoom.requests)
    assert run(output, "--undo", "--yes") == 0
    assert [r.path for r in api_writes(zoom, mark)] == [
        f"/v2/meetings/{read_csv(output)[1]['meeting_id']}"
    ]
    first, second = read_csv(output)
    assert (first["status"], second["status"]) == ("cancelled", "cancelled")
    assert "already gone" in first["error"]
    assert zoom.meetings() == []


def test_rerun_after_undo_keeps_the_rows_cancelled(zoom: ZoomSandbox, tmp_path: Path) -> None:
    output = scheduled(tmp_path, zoom, MEETINGS[:2])
    assert run(output, "--undo", "--yes") == 0
    mark = len(zoom.requests)
    assert run(output) == 0
    assert api_writes(zoom, mark) == []
    assert [row["status"] for row in read_csv(output)] == ["cancelled", "cancelled"]


# -- dry run ---------------------------------------------------------------------------------------


def test_dry_run_shows_the_plan_and_sends_nothing(zoom: ZoomSandbox, tmp_path: Path) -> None:
    output = scheduled(tmp_path, zoom, MEETINGS[:3])
    before = meetings_by_id(zoom)
    edit_csv(output, {0: {"duration": "75"}, 1: {"action": "cancel"}})
    with output.open("a", newline="", encoding="utf-8") as out:  # and a new row at the bottom
        csv.writer(out).writerow(
            [MEETINGS[3]["topic"], MEETINGS[3]["start_time"], MEETINGS[3]["duration"], ZONE, ""]
        )
    mark = len(zoom.requests)
    report = tmp_path / "plan.csv"
    assert run(output, "--dry-run", "-o", report) == 0
    assert zoom.requests[mark:] == []
    assert meetings_by_id(zoom) == before
    planned = read_csv(report)
    assert [row["status"] for row in planned] == ["planned"] * 4
    update, cancel, unchanged, new = (row["error"] for row in planned)
    assert "update" in update and "update" in unchanged
    assert "cancel" in cancel and planned[1]["meeting_id"] in cancel
    assert "create" in new


@pytest.mark.parametrize("how", ["--dry-run", "--check"])
def test_a_dry_run_or_check_says_a_row_already_cancelled_needs_nothing(
    zoom: ZoomSandbox, tmp_path: Path, how: str
) -> None:
    output = scheduled(tmp_path, zoom, MEETINGS[:3])
    first, second, _ = (row["meeting_id"] for row in read_csv(output))
    edit_csv(output, {0: {"action": "cancel"}})
    assert run(output) == 0  # row 2 is cancelled by this run
    delete_behind_the_tools_back(zoom, second)
    edit_csv(output, {1: {"action": "cancel"}})  # row 3's meeting is gone from Zoom already
    mark = len(zoom.requests)
    assert run(output, how) == 0
    assert api_writes(zoom, mark) == []
    # the findings beside the schedule, which is left alone; its journal was read
    cancelled, gone, kept = read_csv(
        output.with_name(f"batch_scheduled_{how[2:]}.csv".replace("-", "_"))
    )
    assert cancelled["error"] == "already cancelled by an earlier run"
    if how == "--check":  # it looked on Zoom, as the real run would before deleting
        assert gone["error"] == "the meeting was already gone from Zoom"
        looked = [r.path for r in zoom.requests[mark:] if r.method == "GET"]
        assert looked.count(f"/v2/meetings/{second}") == 1
        assert f"/v2/meetings/{first}" not in looked
    else:  # no request at all
        assert gone["error"] == f"would cancel meeting {second}"
        assert zoom.requests[mark:] == []
    assert kept["status"] == "planned" and "cancel" not in kept["error"]


def test_dry_run_undo_sends_nothing(zoom: ZoomSandbox, tmp_path: Path) -> None:
    output = scheduled(tmp_path, zoom, MEETINGS[:2])
    mark = len(zoom.requests)
    assert run(output, "--undo", "--dry-run", "-o", tmp_path / "plan.csv") == 0
    assert zoom.requests[mark:] == []
    assert len(zoom.meetings()) == 2
    assert all("cancel" in row["error"] for row in read_csv(tmp_path / "plan.csv"))


# -- updates under the daily limit, and after an interruption ------------------------------------


def test_updates_count_against_the_daily_limit(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    with ZoomSandbox(daily_limit=3) as zoom:
        point_at(zoom, monkeypatch, tmp_path)
        output = scheduled(tmp_path, zoom, MEETINGS[:2])  # 2 of the 3 used
        edit_csv(output, {0: {"duration": "61"}, 1: {"duration": "31"}})
        assert run(output) == 1
        statuses = sorted(row["status"] for row in read_csv(output))
        assert statuses == ["deferred", "updated"]
        deferred = next(row for row in read_csv(output) if row["status"] == "deferred")
        assert deferred["meeting_id"] and "daily limit" in deferred["error"]
        assert zoom.count("PATCH", status=204) == 1

        zoom.advance(timedelta(days=1))  # the quota comes back
        assert run(output) == 0
        assert sorted(row["status"] for row in read_csv(output)) == ["exists", "updated"]
        assert zoom.count("PATCH", status=204) == 2
        assert sorted(m["duration"] for m in zoom.meetings()) == [31, 61]


def test_update_whose_answer_is_lost_is_applied_once(zoom: ZoomSandbox, tmp_path: Path) -> None:
    output = scheduled(tmp_path, zoom, MEETINGS[:2])
    target = read_csv(output)[0]["meeting_id"]
    edit_csv(output, {0: {"duration": "75", "topic": "Weekly sync (long)"}})
    zoom.inject(Fault("drop_after", method="PATCH"))
    assert run(output) == 0
    first, second = read_csv(output)
    assert first["status"] == "updated" and second["status"] == "exists"
    assert zoom.count("PATCH") == 1  # it looked before repeating, and saw it applied
    meeting = meetings_by_id(zoom)[target]
    assert (meeting["duration"], meeting["topic"]) == (75, "Weekly sync (long)")


def test_update_interrupted_before_its_outcome_was_known_finishes_on_rerun(
    zoom: ZoomSandbox, tmp_path: Path
) -> None:
    """The PATCH is applied, its answer lost, and the look that would settle it fails too."""
    output = scheduled(tmp_path, zoom, MEETINGS[:1])
    target = read_csv(output)[0]["meeting_id"]
    edit_csv(output, {0: {"duration": "75"}})
    zoom.inject(Fault("drop_after", method="PATCH"))
    zoom.inject(
        Fault("error_before", method="GET", path=f"/meetings/{target}", status=403, after=1)
    )
    assert run(output) == 1
    assert read_csv(output)[0]["status"] == "failed"
    assert meetings_by_id(zoom)[target]["duration"] == 75  # applied, though the run could not tell

    assert run(output) == 0
    (row,) = read_csv(output)
    assert row["status"] == "updated"
    assert zoom.count("PATCH") == 1  # not applied twice
    assert meetings_by_id(zoom)[target]["duration"] == 75


def test_update_answered_5xx_is_looked_up_then_sent_again(
    zoom: ZoomSandbox, tmp_path: Path
) -> None:
    """A 5xx may or may not have acted: the tool looks, sees nothing changed, and sends it again."""
    output = scheduled(tmp_path, zoom, MEETINGS[:1])
    target = read_csv(output)[0]["meeting_id"]
    edit_csv(output, {0: {"duration": "75"}})
    zoom.inject(Fault("error_before", method="PATCH", status=503))
    assert run(output) == 0
    assert read_csv(output)[0]["status"] == "updated"
    assert zoom.count("PATCH") == 2 and zoom.count("PATCH", status=204) == 1
    assert meetings_by_id(zoom)[target]["duration"] == 75


def test_a_new_host_on_a_managed_row_moves_the_meeting_keeping_its_id_and_link(
    zoom: ZoomSandbox, tmp_path: Path
) -> None:
    headers = [*HEADERS, "host"]
    rows = [{**row, "host": "ann@example.com"} for row in rows_with(MEETINGS[:2])]
    assert run(write_csv(tmp_path / "hosted.csv", rows, headers)) == 0
    output = tmp_path / "hosted_scheduled.csv"
    before = read_csv(output)[0]
    edit_csv(output, {0: {"host": "bob@example.com"}})
    mark = len(zoom.requests)
    assert run(output) == 0
    writes = api_writes(zoom, mark)
    assert [(r.method, r.body) for r in writes] == [("PATCH", {"schedule_for": "bob@example.com"})]
    first, second = read_csv(output)
    assert (first["status"], second["status"]) == ("updated", "exists")
    assert first["error"] == "moved from ann@example.com to bob@example.com"
    assert (first["meeting_id"], first["join_url"]) == (before["meeting_id"], before["join_url"])
    assert meetings_by_id(zoom)[first["meeting_id"]]["host_email"] == "bob@example.com"
    assert run(output) == 0  # the next run sees it in line: nothing more is sent
    assert read_csv(output)[0]["status"] == "exists"


def test_a_move_zoom_refuses_fails_and_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with ZoomSandbox(users=["ann@example.com"]) as strict:
        point_at(strict, monkeypatch, tmp_path)
        headers = [*HEADERS, "host"]
        rows = [{**row, "host": "ann@example.com"} for row in rows_with(MEETINGS[:1])]
        assert run(write_csv(tmp_path / "hosted.csv", rows, headers)) == 0
        output = tmp_path / "hosted_scheduled.csv"
        before = read_csv(output)[0]
        edit_csv(output, {0: {"host": "nobody@example.com", "duration": "75"}})
        assert run(output) == 1
        after = read_csv(output)[0]
        meeting = meetings_by_id(strict)[before["meeting_id"]]
    assert after["status"] == "failed"
    assert "User does not exist: nobody@example.com. (Zoom error 1001)" in after["error"]
    assert (after["meeting_id"], after["join_url"]) == (before["meeting_id"], before["join_url"])
    assert (meeting["host_email"], meeting["duration"]) == ("ann@example.com", 60)
