"""Zoom is the ledger (issue 10): whatever the user does, every valid row ends as one meeting.

One test per row of the issue's table, over real HTTP against the sandbox.
"""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest
from conftest import (
    Sleeps,
    create_behind_the_tools_back,
    meeting_rows,
    point_environment_at,
    read_csv,
    settings_for,
    write_csv,
)

from batch_zoom.cli import main
from batch_zoom.run.batch import run_batch
from batch_zoom.sandbox import ZoomSandbox


def creates(sandbox: ZoomSandbox) -> int:
    return sandbox.count(method="POST", path_contains="/meetings")


def one_meeting_per_row(sandbox: ZoomSandbox, rows: int) -> list[dict[str, object]]:
    meetings = sandbox.meetings()
    identities = Counter((m["host_email"], m["topic"], m["start_time"]) for m in meetings)
    assert len(meetings) == rows and max(identities.values()) == 1
    return meetings


def test_a_deleted_journal_makes_nothing_twice(zoom_env: ZoomSandbox, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "in.csv", meeting_rows(6))
    assert main([str(path)]) == 0
    (tmp_path / "in_scheduled.csv.journal").unlink()
    before = creates(zoom_env)
    assert main([str(path)]) == 0
    assert creates(zoom_env) == before  # no create at all
    rows = read_csv(tmp_path / "in_scheduled.csv")
    assert {row["status"] for row in rows} == {"exists"}
    assert all(row["error"].startswith("found on Zoom") for row in rows)
    held = {str(m["id"]): m for m in one_meeting_per_row(zoom_env, 6)}
    for row in rows:  # the meeting's id, link and passcode, as a create would have written
        assert row["join_url"] == held[row["meeting_id"]]["join_url"]
        assert row["passcode"] == held[row["meeting_id"]]["password"]


def test_another_output_name_makes_nothing_twice(zoom_env: ZoomSandbox, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "in.csv", meeting_rows(5))
    assert main([str(path)]) == 0
    before = creates(zoom_env)
    assert main([str(path), "-o", str(tmp_path / "links.csv")]) == 0
    assert creates(zoom_env) == before
    held = {m["join_url"] for m in one_meeting_per_row(zoom_env, 5)}
    assert {row["join_url"] for row in read_csv(tmp_path / "links.csv")} == held


def test_a_colleague_on_another_computer_makes_nothing_twice(
    sandbox: ZoomSandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mine, theirs = tmp_path / "mine", tmp_path / "theirs"
    mine.mkdir()
    theirs.mkdir()
    path = write_csv(mine / "in.csv", meeting_rows(5, hosts=3))
    point_environment_at(monkeypatch, sandbox, mine)
    assert main([str(path)]) == 0
    copy = shutil.copy(path, theirs / "in.csv")  # a fresh folder holding only the input
    point_environment_at(monkeypatch, sandbox, theirs)
    before = creates(sandbox)
    assert main([str(copy)]) == 0
    assert creates(sandbox) == before
    assert {row["status"] for row in read_csv(theirs / "in_scheduled.csv")} == {"exists"}
    one_meeting_per_row(sandbox, 5)


def test_two_meetings_on_zoom_for_one_row_adopt_the_oldest_and_name_the_other(
    zoom_env: ZoomSandbox, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "in.csv", meeting_rows(1))
    assert main([str(path)]) == 0
    first = zoom_env.meetings()[0]
    create_behind_the_tools_back(
        zoom_env, first
    )  # another tool made the same meeting a moment later
    settings = settings_for(zoom_env, path, output_path=tmp_path / "elsewhere.csv")
    report = run_batch(settings)
    [result] = report.results
    assert result.meeting_id == str(first["id"])  # the oldest
    second = next(m for m in zoom_env.meetings() if m["id"] != first["id"])
    assert str(second["id"]) in result.error and "left alone" in result.error
    assert len(zoom_env.meetings()) == 2  # nothing deleted


def test_tokens_revoked_every_15_creates_with_16_workers(tmp_path: Path, sleeps: Sleeps) -> None:
    # Per-second limits off: the pacer's clock is fake here (see the ``sandbox`` fixture).
    with ZoomSandbox(revoke_tokens_every=15, plan=None) as sandbox:
        path = write_csv(tmp_path / "in.csv", meeting_rows(60, hosts=4))
        settings = settings_for(sandbox, path, workers=16)
        report = run_batch(settings, sleep=sleeps, clock=sleeps.clock)
        assert Counter(r.status.value for r in report.results) == {"created": 60}
        one_meeting_per_row(sandbox, 60)
        assert sandbox.count(status=401) >= 3  # the churn really hit the run
        revocations = 60 // 15
        assert report.tokens_fetched <= 1 + revocations  # one token per revocation, not per 401


def test_an_output_type_we_cannot_write_stops_before_any_request(
    zoom_env: ZoomSandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_csv(tmp_path / "in.csv", meeting_rows(3))
    assert main([str(path), "-o", str(tmp_path / "links.txt")]) == 2
    err = capsys.readouterr().err.splitlines()
    assert "links.txt is not a file type batch_zoom can write" in err[0]
    assert err[1].startswith("hint: ")
    assert zoom_env.requests == []  # not even a token
    assert not (tmp_path / "links.txt").exists()


def unsavable_workbook(path: Path) -> Path:
    """A workbook whose cells read fine but which cannot be written back: saved as Strict Open
    XML, whose namespaces the package writer does not edit. (A damaged chart part, this test's
    first example, no longer stops the writer: it copies such parts as they are.)"""
    import zipfile

    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["topic", "start_time", "duration", "timezone"])
    sheet.append(["Planning", "2030-01-07 10:00", 30, "Asia/Tokyo"])
    whole = path.with_suffix(".whole.xlsx")
    book.save(whole)
    with zipfile.ZipFile(whole) as source, zipfile.ZipFile(path, "w") as strict:
        for name in source.namelist():
            strict.writestr(
                name,
                source.read(name).replace(
                    b"http://schemas.openxmlformats.org/spreadsheetml/2006/main",
                    b"http://purl.oclc.org/ooxml/spreadsheetml/main",
                ),
            )
    whole.unlink()
    return path


def test_a_workbook_that_cannot_be_saved_back_stops_before_any_request(
    zoom_env: ZoomSandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = unsavable_workbook(tmp_path / "pivots.xlsx")
    assert main([str(path)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert "Strict Open XML" in err[0] and err[1].startswith("hint: ")
    assert zoom_env.requests == []
    assert main([str(path), "-o", str(tmp_path / "pivots.csv")]) == 0  # the hint's way out
    assert len(zoom_env.meetings()) == 1


def test_an_output_folder_we_cannot_write_stops_before_any_request(
    zoom_env: ZoomSandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_csv(tmp_path / "in.csv", meeting_rows(2))
    # a "folder" that is a file (a folder without write permission is refused the same way,
    # but these tests may run as root, who may write anywhere)
    assert main([str(path), "-o", str(tmp_path / "in.csv" / "out.csv")]) == 2
    assert "is not a folder you may write to" in capsys.readouterr().err
    assert zoom_env.requests == []


def test_a_sandbox_run_after_a_real_run_leaves_the_real_results_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_csv(tmp_path / "in.csv", meeting_rows(3))
    with ZoomSandbox(join_host="https://us02web.zoom.us") as zoom:  # links that look real
        point_environment_at(monkeypatch, zoom, tmp_path)
        assert main([str(path)]) == 0
    real = tmp_path / "in_scheduled.csv"
    before = real.read_bytes()
    assert main([str(path), "--sandbox"]) == 0
    assert real.read_bytes() == before
    links = {row["join_url"] for row in read_csv(tmp_path / "in_sandbox.csv")}
    assert all(".zoom.invalid/" in link for link in links) and len(links) == 3
    capsys.readouterr()
    # asked in so many words to write over it, or run on the real output itself: refused
    assert main([str(path), "--sandbox", "-o", str(real)]) == 2
    assert main([str(real), "--sandbox", "-o", str(real)]) == 2
    err = capsys.readouterr().err
    assert "holds meetings made on Zoom" in err and "hint: " in err
    assert real.read_bytes() == before


def test_an_edited_original_sheet_updates_its_meeting_and_leaves_no_orphan(
    zoom_env: ZoomSandbox, tmp_path: Path
) -> None:
    rows = meeting_rows(3)
    path = write_csv(tmp_path / "in.csv", rows)
    assert main([str(path)]) == 0
    made = {row["topic"]: row["meeting_id"] for row in read_csv(tmp_path / "in_scheduled.csv")}
    rows[1][1] = "2030-01-09 16:30"  # the user moves one meeting in the original sheet
    write_csv(path, rows)
    assert main([str(path), "--dry-run"]) == 0
    planned = read_csv(tmp_path / "in_scheduled.csv")[1]["error"]
    assert (
        planned
        == f"would update meeting {made[rows[1][0]]}, which this row made before it was edited"
    )
    assert main([str(path)]) == 0
    result = read_csv(tmp_path / "in_scheduled.csv")
    assert [row["status"] for row in result] == ["exists", "updated", "exists"]
    assert result[1]["meeting_id"] == made[rows[1][0]]  # the same meeting, moved
    assert "earlier run was changed to match" in result[1]["error"]
    meetings = one_meeting_per_row(zoom_env, 3)
    moved = next(m for m in meetings if str(m["id"]) == made[rows[1][0]])
    assert moved["start_time"] == "2030-01-09T07:30:00Z"
    patches = zoom_env.count("PATCH")
    assert main([str(path)]) == 0  # and the next run knows it as this row's meeting
    assert {row["status"] for row in read_csv(tmp_path / "in_scheduled.csv")} == {"exists"}
    assert zoom_env.count("PATCH") == patches
    rows[0][2] = 45  # edited again, then the whole batch undone: --undo still reaches it
    write_csv(path, rows)
    assert main([str(path), "--undo", "--yes"]) == 0
    assert zoom_env.meetings() == []


def test_a_row_inserted_above_others_is_a_new_meeting_not_an_edit(
    zoom_env: ZoomSandbox, tmp_path: Path
) -> None:
    rows = meeting_rows(3)
    path = write_csv(tmp_path / "in.csv", rows)
    assert main([str(path)]) == 0
    new_row = ["Kick-off", "2030-01-08 09:00", 30, "Asia/Tokyo", "host0@example.com"]
    write_csv(path, [new_row, *rows])  # every old row moves down by one
    assert main([str(path)]) == 0
    result = read_csv(tmp_path / "in_scheduled.csv")
    assert [row["status"] for row in result] == ["created", "exists", "exists", "exists"]
    assert zoom_env.count("PATCH") == 0
    one_meeting_per_row(zoom_env, 4)
    rows[2][1] = "2030-01-10 11:00"  # now an edit of a row that moved: still its own meeting
    write_csv(path, [new_row, *rows])
    assert main([str(path)]) == 0
    result = read_csv(tmp_path / "in_scheduled.csv")
    assert [row["status"] for row in result] == ["exists", "exists", "exists", "updated"]
    one_meeting_per_row(zoom_env, 4)


def test_a_recurring_row_is_found_as_its_series(zoom_env: ZoomSandbox, tmp_path: Path) -> None:
    header = ["topic", "start_time", "duration", "timezone", "recurrence"]
    rows: list[list[object]] = [
        ["Weekly", "2030-01-07 10:00", 30, "Asia/Tokyo", "weekly on Mon,Wed until 2030-03-31"],
        ["Monthly", "2030-01-15 10:00", 60, "Asia/Tokyo", "monthly on day 15 x6"],
        ["Daily", "2030-01-08 09:00", 15, "Asia/Tokyo", "daily x10"],
    ]
    path = write_csv(tmp_path / "in.csv", rows, header=header)
    assert main([str(path)]) == 0
    (tmp_path / "in_scheduled.csv.journal").unlink()
    before = creates(zoom_env)
    assert main([str(path)]) == 0
    assert creates(zoom_env) == before
    assert {row["status"] for row in read_csv(tmp_path / "in_scheduled.csv")} == {"exists"}
    rows[2][4] = "daily x12"  # another series at the same first start: not the same meeting
    write_csv(path, rows, header=header)
    (tmp_path / "in_scheduled.csv.journal").unlink()
    assert main([str(path), "--remove-duplicates"]) == 0
    result = read_csv(tmp_path / "in_scheduled.csv")
    assert [row["status"] for row in result] == ["exists", "exists", "created"]
    assert len(zoom_env.meetings()) == 4  # the other series is no duplicate: never deleted
    made = result[2]["meeting_id"]
    (tmp_path / "in_scheduled.csv.journal").unlink()  # the oldest match is the other series now
    assert main([str(path)]) == 0
    result = read_csv(tmp_path / "in_scheduled.csv")
    assert [row["status"] for row in result] == ["exists"] * 3
    assert result[2]["meeting_id"] == made and len(zoom_env.meetings()) == 4


def test_a_token_refused_again_and_again_is_renewed_a_bounded_number_of_times(
    sandbox: ZoomSandbox,
) -> None:
    import requests

    from batch_zoom.config import Credentials
    from batch_zoom.errors import TokenExpired
    from batch_zoom.zoom.auth import TokenProvider
    from batch_zoom.zoom.client import MAX_TOKEN_RENEWALS, ZoomClient
    from batch_zoom.zoom.pacing import Pacer

    # every token is expired as soon as it is issued: a broken OAuth setup must not loop
    sandbox._state.token_ttl = 0
    tokens = TokenProvider(
        sandbox.oauth_url,
        Credentials("sandbox-account", "sandbox-client", "sandbox-secret"),
        requests.Session(),
        sleep=lambda seconds: None,
    )
    client = ZoomClient(sandbox.api_url, tokens, Pacer(1000.0, sleep=lambda seconds: None))
    with pytest.raises(TokenExpired):
        list(client.list_meetings("me"))
    client.close()
    assert sandbox.count(path_contains="/users/me/meetings") == 1 + MAX_TOKEN_RENEWALS
    assert sandbox.count(status=401) == 1 + MAX_TOKEN_RENEWALS


def test_a_host_changed_in_the_original_sheet_moves_its_meeting_and_can_then_be_cancelled(
    zoom_env: ZoomSandbox, tmp_path: Path
) -> None:
    header = ["topic", "start_time", "duration", "timezone", "host", "action"]
    rows = [[*row, ""] for row in meeting_rows(3)]
    path = write_csv(tmp_path / "in.csv", rows, header=header)
    assert main([str(path)]) == 0
    before = read_csv(tmp_path / "in_scheduled.csv")[0]
    rows[0][4] = "someone@example.com"  # Zoom moves the meeting (schedule_for), issue 13
    write_csv(path, rows, header=header)
    assert main([str(path)]) == 0
    result = read_csv(tmp_path / "in_scheduled.csv")[0]
    assert result["status"] == "updated" and "moved from host0@example.com" in result["error"]
    assert result["meeting_id"] == before["meeting_id"]
    assert len(zoom_env.meetings()) == 3  # no second meeting, the first not orphaned
    assert [m["id"] for m in zoom_env.meetings("someone@example.com")] == [
        int(before["meeting_id"])
    ]
    rows[0][5] = "cancel"
    write_csv(path, rows, header=header)
    assert main([str(path)]) == 0
    assert read_csv(tmp_path / "in_scheduled.csv")[0]["status"] == "cancelled"
    assert len(zoom_env.meetings()) == 2
