"""Issue 23, part B: a series is one meeting, a refused move keeps the row's link, and a cancel
row with no journal finds its meeting on Zoom before it says ``cancelled``.

Every test runs the batch over real HTTP against the sandbox with one of Zoom's habits switched
on (``Habits``): a series listed at its next occurrence, occurrences deleted in Zoom's portal,
a move to another host refused.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from conftest import (
    HEADER,
    Sleeps,
    create_behind_the_tools_back,
    read_csv,
    sandbox_token,
    settings_for,
    write_csv,
)

from batch_zoom.models import Status
from batch_zoom.run.batch import BatchReport, run_batch
from batch_zoom.sandbox import Fault, Habits, ZoomSandbox

SERIES_HEADER = [*HEADER, "recurrence"]
HOST = "h@x.co"


@pytest.fixture
def next_occurrence() -> Iterator[ZoomSandbox]:
    """A sandbox that shows a series at its next occurrence, as Zoom does."""
    with ZoomSandbox(plan=None, habits=Habits(series_at_next_occurrence=True)) as started:
        yield started


def later(days: float) -> Callable[[], datetime]:
    """This computer's clock, ``days`` from now (the sandbox's is moved as far)."""
    return lambda: datetime.now(UTC) + timedelta(days=days)


def run(
    sandbox: ZoomSandbox,
    path: Path,
    sleeps: Sleeps,
    now: Callable[[], datetime] | None = None,
    **overrides: Any,
) -> BatchReport:
    return run_batch(
        settings_for(sandbox, path, **overrides),
        sleep=sleeps,
        clock=sleeps.clock,
        **({"now": now} if now is not None else {}),
    )


def series_sheet(tmp_path: Path, first: datetime, rule: str = "weekly x6") -> Path:
    row = ["Weekly sync", first.strftime("%Y-%m-%d %H:%M"), 60, "UTC", HOST, rule]
    return write_csv(tmp_path / "series.csv", [row], header=SERIES_HEADER)


def zoom_call(sandbox: ZoomSandbox, method: str, path: str) -> requests.Response:
    """Someone acting in Zoom's portal: a call with a token of our own."""
    token = sandbox_token(sandbox)
    return requests.request(
        method, f"{sandbox.api_url}{path}", headers={"Authorization": f"Bearer {token}"}, timeout=5
    )


# -- 1. a series is one meeting --------------------------------------------------------------


def test_a_series_whose_first_meeting_is_over_keeps_its_meeting_and_link(
    next_occurrence: ZoomSandbox, tmp_path: Path, sleeps: Sleeps
) -> None:
    first = (datetime.now(UTC) + timedelta(days=1)).replace(second=0, microsecond=0)
    path = series_sheet(tmp_path, first)
    made = run(next_occurrence, path, sleeps)
    assert made.results[0].status is Status.CREATED
    link = made.results[0].join_url
    assert link

    next_occurrence.advance(timedelta(days=2))  # the first meeting is over
    again = run(next_occurrence, path, sleeps, now=later(2))
    listed = zoom_call(next_occurrence, "GET", f"/users/{HOST}/meetings").json()["meetings"]
    assert listed[0]["start_time"] != first.strftime("%Y-%m-%dT%H:%M:%SZ")  # the next one
    assert (again.results[0].status, again.results[0].join_url) == (Status.EXISTS, link)
    assert read_csv(tmp_path / "series_scheduled.csv")[0]["join_url"] == link

    settings_for(next_occurrence, path).journal_path.unlink()  # a colleague's copy, say
    found = run(next_occurrence, path, sleeps, now=later(2))
    assert (found.results[0].status, found.results[0].join_url) == (Status.EXISTS, link)
    assert "found on Zoom" in found.results[0].error
    assert len(next_occurrence.meetings()) == 1


def test_a_series_whose_first_meeting_was_deleted_in_the_portal_is_not_made_again(
    next_occurrence: ZoomSandbox, tmp_path: Path, sleeps: Sleeps
) -> None:
    first = (datetime.now(UTC) + timedelta(days=3)).replace(second=0, microsecond=0)
    path = series_sheet(tmp_path, first)
    made = run(next_occurrence, path, sleeps)
    meeting_id = made.results[0].meeting_id
    (meeting,) = next_occurrence.meetings()
    occurrence = meeting["occurrences"][0]["occurrence_id"]
    deleted = zoom_call(
        next_occurrence, "DELETE", f"/meetings/{meeting_id}?occurrence_id={occurrence}"
    )
    assert deleted.status_code == 204

    settings_for(next_occurrence, path).journal_path.unlink()
    again = run(next_occurrence, path, sleeps)
    assert (again.results[0].status, again.results[0].meeting_id) == (Status.EXISTS, meeting_id)
    assert again.results[0].join_url == made.results[0].join_url
    assert len(next_occurrence.meetings()) == 1
    assert next_occurrence.count("POST", path_contains="/meetings") == 1


def test_another_series_listed_at_one_of_the_rows_days_is_not_taken_for_the_rows(
    next_occurrence: ZoomSandbox, tmp_path: Path, sleeps: Sleeps
) -> None:
    """Same topic, hour and length, another rule: a daily series listed on the day a weekly
    row's second meeting falls is not the row's (the GET shows its rule), and the row, whose
    first meeting is over, is not created either."""
    first = (datetime.now(UTC) + timedelta(days=1)).replace(second=0, microsecond=0)
    daily = series_sheet(tmp_path, first, "daily x10")
    run(next_occurrence, daily, sleeps)
    settings_for(next_occurrence, daily).journal_path.unlink()  # the journal keys no rule
    next_occurrence.advance(timedelta(days=7, hours=2))  # listed at first + 7 days
    (meeting,) = next_occurrence.meetings()
    listed = zoom_call(next_occurrence, "GET", f"/users/{HOST}/meetings").json()["meetings"]
    assert listed[0]["start_time"] == (first + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M:%SZ")
    weekly = run(next_occurrence, series_sheet(tmp_path, first, "weekly x6"), sleeps, later(7.1))
    assert weekly.results[0].status is Status.INVALID
    assert "in the past" in weekly.results[0].error
    assert [m["id"] for m in next_occurrence.meetings()] == [meeting["id"]]


def test_a_new_row_in_the_past_is_still_refused(
    next_occurrence: ZoomSandbox, tmp_path: Path, sleeps: Sleeps
) -> None:
    first = datetime.now(UTC) - timedelta(days=1)
    report = run(next_occurrence, series_sheet(tmp_path, first), sleeps)
    assert report.results[0].status is Status.INVALID
    assert "in the past" in report.results[0].error
    assert report.results[0].error.startswith("row 2: start_time")
    assert next_occurrence.meetings() == []


# -- 2. a refused move keeps the row's link ---------------------------------------------------


def test_a_move_zoom_refuses_leaves_the_output_showing_the_meeting_as_zoom_holds_it(
    tmp_path: Path, sleeps: Sleeps
) -> None:
    with ZoomSandbox(plan=None, habits=Habits(refuse_schedule_for=True)) as zoom:
        first = (datetime.now(UTC) + timedelta(days=3)).strftime("%Y-%m-%d %H:%M")
        rows: list[list[object]] = [["Planning", first, 30, "UTC", "ann@x.co"]]
        path = write_csv(tmp_path / "in.csv", rows)
        made = run(zoom, path, sleeps)
        before = made.results[0]
        rows[0][4] = "bob@x.co"  # the original sheet edited: another host
        write_csv(path, rows)
        moved = run(zoom, path, sleeps)
        (meeting,) = zoom.meetings()
    result = moved.results[0]
    assert result.status is Status.FAILED
    assert "You cannot schedule a meeting for bob@x.co" in result.error
    assert result.error.startswith("not moved to bob@x.co and nothing changed (Zoom refused")
    assert result.error.endswith("; the meeting stays with ann@x.co")
    assert (result.meeting_id, result.join_url, result.passcode) == (
        before.meeting_id,
        before.join_url,
        before.passcode,
    )
    written = read_csv(tmp_path / "in_scheduled.csv")[0]
    assert (written["join_url"], written["host"]) == (before.join_url, "ann@x.co")
    assert written["passcode"] == before.passcode
    assert meeting["host_email"] == "ann@x.co"


def test_a_cancel_zoom_refuses_keeps_the_rows_link(tmp_path: Path, sleeps: Sleeps) -> None:
    with ZoomSandbox(plan=None) as zoom:
        first = (datetime.now(UTC) + timedelta(days=3)).strftime("%Y-%m-%d %H:%M")
        header = [*HEADER, "action"]
        rows: list[list[object]] = [["Planning", first, 30, "UTC", "ann@x.co", ""]]
        path = write_csv(tmp_path / "in.csv", rows, header=header)
        before = run(zoom, path, sleeps).results[0]
        rows[0][5] = "cancel"
        write_csv(path, rows, header=header)
        zoom.inject(Fault("error_before", method="DELETE", status=400))
        refused = run(zoom, path, sleeps).results[0]
        assert len(zoom.meetings()) == 1
    assert refused.status is Status.FAILED
    assert (refused.meeting_id, refused.join_url) == (before.meeting_id, before.join_url)
    assert read_csv(tmp_path / "in_scheduled.csv")[0]["join_url"] == before.join_url


# -- 3. a cancel row with no journal finds its meeting on Zoom --------------------------------

CANCEL_HEADER = [*HEADER, "action"]


def planning_sheet(path: Path, action: str = "", topic: str = "Planning") -> Path:
    start = (datetime.now(UTC) + timedelta(days=3)).strftime("%Y-%m-%d 10:00")
    row: list[object] = [topic, start, 30, "UTC", HOST, action]
    return write_csv(path, [row], header=CANCEL_HEADER)


def test_a_cancel_row_of_a_copy_without_a_journal_deletes_the_one_meeting_it_finds(
    sandbox: ZoomSandbox, tmp_path: Path, sleeps: Sleeps
) -> None:
    made = run(sandbox, planning_sheet(tmp_path / "in.csv"), sleeps).results[0]
    copy = planning_sheet(tmp_path / "colleague.csv", "cancel")  # no journal of its own
    cancelled = run(sandbox, copy, sleeps).results[0]
    assert (cancelled.status, cancelled.meeting_id) == (Status.CANCELLED, made.meeting_id)
    assert "found on Zoom" in cancelled.error
    assert sandbox.meetings() == []
    again = run(sandbox, copy, sleeps).results[0]  # its journal now knows what it cancelled
    assert (again.status, again.error) == (Status.CANCELLED, "already cancelled by an earlier run")
    assert sandbox.count("DELETE") == 1


def test_a_cancel_row_with_another_output_says_not_found_when_zoom_holds_nothing(
    sandbox: ZoomSandbox, tmp_path: Path, sleeps: Sleeps
) -> None:
    run(sandbox, planning_sheet(tmp_path / "in.csv", topic="Something else"), sleeps)
    path = planning_sheet(tmp_path / "in.csv", "cancel")
    result = run(sandbox, path, sleeps, output_path=tmp_path / "other.csv").results[0]
    assert result.status is Status.MISSING
    assert result.error.startswith("not found on Zoom")
    assert len(sandbox.meetings()) == 1 and sandbox.count("DELETE") == 0
    assert read_csv(tmp_path / "other.csv")[0]["status"] == "missing"


def test_a_cancel_row_matching_two_meetings_deletes_neither_and_names_both(
    sandbox: ZoomSandbox, tmp_path: Path, sleeps: Sleeps
) -> None:
    made = run(sandbox, planning_sheet(tmp_path / "in.csv"), sleeps).results[0]
    (meeting,) = sandbox.meetings()
    other = create_behind_the_tools_back(sandbox, meeting)
    copy = planning_sheet(tmp_path / "colleague.csv", "cancel")
    result = run(sandbox, copy, sleeps).results[0]
    assert result.status is Status.FAILED
    assert f"({made.meeting_id}, {other})" in result.error
    assert len(sandbox.meetings()) == 2 and sandbox.count("DELETE") == 0


def test_undo_without_a_journal_deletes_nothing_it_did_not_make(
    sandbox: ZoomSandbox, tmp_path: Path, sleeps: Sleeps
) -> None:
    run(sandbox, planning_sheet(tmp_path / "in.csv"), sleeps)
    copy = planning_sheet(tmp_path / "colleague.csv")
    result = run(sandbox, copy, sleeps, undo=True).results[0]
    assert result.error == "nothing was scheduled for this row"
    assert len(sandbox.meetings()) == 1


def test_a_cancel_row_of_a_series_finds_it_at_whatever_occurrence_zoom_lists(
    next_occurrence: ZoomSandbox, tmp_path: Path, sleeps: Sleeps
) -> None:
    first = (datetime.now(UTC) + timedelta(days=3)).replace(second=0, microsecond=0)
    made = run(next_occurrence, series_sheet(tmp_path, first), sleeps).results[0]
    (meeting,) = next_occurrence.meetings()
    occurrence = meeting["occurrences"][0]["occurrence_id"]
    zoom_call(next_occurrence, "DELETE", f"/meetings/{made.meeting_id}?occurrence_id={occurrence}")
    row = ["Weekly sync", first.strftime("%Y-%m-%d %H:%M"), 60, "UTC", HOST, "weekly x6", "cancel"]
    copy = write_csv(tmp_path / "colleague.csv", [row], header=[*SERIES_HEADER, "action"])
    result = run(next_occurrence, copy, sleeps).results[0]
    assert (result.status, result.meeting_id) == (Status.CANCELLED, made.meeting_id)
    assert next_occurrence.meetings() == []


def test_the_sandbox_shows_a_series_at_its_next_occurrence_when_asked(
    next_occurrence: ZoomSandbox, tmp_path: Path, sleeps: Sleeps
) -> None:
    first = (datetime.now(UTC) + timedelta(days=1)).replace(second=0, microsecond=0)
    made = run(next_occurrence, series_sheet(tmp_path, first), sleeps).results[0]
    path = f"/meetings/{made.meeting_id}"

    def shown(query: str = "") -> dict[str, Any]:
        answer: dict[str, Any] = zoom_call(next_occurrence, "GET", path + query).json()
        return answer

    assert shown()["start_time"] == first.strftime("%Y-%m-%dT%H:%M:%SZ")
    next_occurrence.advance(timedelta(days=1, hours=2))  # the first meeting is over
    second = (first + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert shown()["start_time"] == second
    assert [o["start_time"] for o in shown()["occurrences"]][0] == second
    assert len(shown("?show_previous_occurrences=true")["occurrences"]) == 6
    (stored,) = next_occurrence.meetings()
    assert stored["start_time"] == first.strftime("%Y-%m-%dT%H:%M:%SZ")  # as made


def test_the_sandbox_refuses_a_move_when_asked(tmp_path: Path) -> None:
    with ZoomSandbox(plan=None, habits=Habits(refuse_schedule_for=True)) as zoom:
        token = sandbox_token(zoom)
        headers = {"Authorization": f"Bearer {token}"}
        body = {"topic": "T", "type": 2, "start_time": "2030-01-07T10:00:00Z", "duration": 30}
        made = requests.post(
            f"{zoom.api_url}/users/ann@x.co/meetings", json=body, headers=headers, timeout=5
        )
        meeting_id = made.json()["id"]
        moved = requests.patch(
            f"{zoom.api_url}/meetings/{meeting_id}",
            json={"schedule_for": "bob@x.co", "duration": 45},
            headers=headers,
            timeout=5,
        )
        (meeting,) = zoom.meetings()
    assert moved.status_code == 400
    assert moved.json() == {"code": 3000, "message": "You cannot schedule a meeting for bob@x.co"}
    assert (meeting["host_email"], meeting["duration"]) == ("ann@x.co", 30)


def test_a_dry_run_says_what_a_real_run_would_do_with_a_past_series_and_a_cancel_row(
    next_occurrence: ZoomSandbox, tmp_path: Path, sleeps: Sleeps
) -> None:
    first = (datetime.now(UTC) + timedelta(days=1)).replace(second=0, microsecond=0)
    path = series_sheet(tmp_path, first)
    link = run(next_occurrence, path, sleeps).results[0].join_url
    next_occurrence.advance(timedelta(days=2))
    planned = run(next_occurrence, path, sleeps, now=later(2), dry_run=True).results[0]
    assert (planned.status, planned.join_url) == (Status.EXISTS, link)
    copy = planning_sheet(tmp_path / "colleague.csv", "cancel")
    looked = run(next_occurrence, copy, sleeps, dry_run=True).results[0]
    assert looked.status is Status.PLANNED
    assert looked.error.startswith("would look on Zoom for a meeting with this row's host")


def test_an_unchanged_series_whose_first_meeting_is_over_is_not_patched_back(
    next_occurrence: ZoomSandbox, tmp_path: Path, sleeps: Sleeps
) -> None:
    first = (datetime.now(UTC) + timedelta(days=1)).replace(second=0, microsecond=0)
    made = run(next_occurrence, series_sheet(tmp_path, first), sleeps).results[0]
    scheduled = tmp_path / "series_scheduled.csv"
    next_occurrence.advance(timedelta(days=2))
    again = run(next_occurrence, scheduled, sleeps, now=later(2)).results[0]
    assert (again.status, again.join_url) == (Status.EXISTS, made.join_url)
    assert next_occurrence.count("PATCH") == 0
    (meeting,) = next_occurrence.meetings()
    assert meeting["start_time"] == first.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_the_receipt_names_a_second_series_zoom_lists_at_its_next_occurrence(
    next_occurrence: ZoomSandbox, tmp_path: Path, sleeps: Sleeps
) -> None:
    """A duplicate series is found whatever occurrence Zoom lists: the receipt compared starts
    exactly, so a second series past its first meeting stood behind '0 duplicates'."""
    first = (datetime.now(UTC) + timedelta(days=1)).replace(second=0, microsecond=0)
    path = series_sheet(tmp_path, first)
    made = run(next_occurrence, path, sleeps)
    (meeting,) = next_occurrence.meetings()
    token = sandbox_token(next_occurrence)
    body = {
        key: meeting[key]
        for key in ("topic", "start_time", "duration", "timezone", "type", "recurrence")
    }
    next_occurrence.advance(1)  # someone else's copy of the series, a second later
    answer = requests.post(
        f"{next_occurrence.api_url}/users/{HOST}/meetings",
        json=body,
        headers={"Authorization": f"Bearer {token}"},
        timeout=5,
    )
    assert answer.status_code == 201
    second = str(answer.json()["id"])

    next_occurrence.advance(timedelta(days=2))  # both series are listed at their next meeting
    again = run(next_occurrence, path, sleeps, now=later(2))
    assert again.receipt is not None
    (duplicate,) = again.receipt.duplicates
    assert (duplicate.row, duplicate.kept) == (2, made.results[0].meeting_id)
    assert second in duplicate.others
    assert again.results[0].join_url == made.results[0].join_url
    assert len(next_occurrence.meetings()) == 2  # nothing deleted without --remove-duplicates
