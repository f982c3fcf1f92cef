"""Zoom's habits (issue 23, part A): what it stores is not what it was sent, its listing lags,
its listing cannot always be read. Over real HTTP, with the sandbox's ``Habits`` switched on.

Each case ends with one meeting per row on Zoom, every link in the output, no meeting deleted
that an output names, and a receipt that says what Zoom holds (and what it could not see).
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import Sleeps, ZoomTime, meeting_rows, read_csv, settings_for, write_csv

from batch_zoom.models import meeting_identity
from batch_zoom.rows.changes import changes
from batch_zoom.run.batch import BatchReport, run_batch
from batch_zoom.sandbox import Fault, Habits, ZoomSandbox
from batch_zoom.zoom_forms import TOPIC_LIMIT, identity_key, same_start, same_topic, zoom_topic


def run(sandbox: ZoomSandbox, path: Path, sleeps: Sleeps, **overrides: object) -> BatchReport:
    return run_batch(settings_for(sandbox, path, **overrides), sleep=sleeps, clock=sleeps.clock)


def statuses(report: BatchReport) -> Counter[str]:
    return Counter(result.status.value for result in report.results)


def creates(sandbox: ZoomSandbox) -> int:
    return sandbox.count(method="POST", path_contains="/meetings")


def patches(sandbox: ZoomSandbox) -> int:
    return sandbox.count(method="PATCH", path_contains="/meetings")


def assert_one_meeting_per_row_and_every_link(
    sandbox: ZoomSandbox, report: BatchReport, rows: int
) -> None:
    meetings = sandbox.meetings()
    assert len(meetings) == rows, f"{len(meetings)} meetings for {rows} rows"
    assert report.output_path is not None
    written = read_csv(report.output_path)
    assert all(row["join_url"] for row in written), "a row without its link"
    assert {row["join_url"] for row in written} == {m["join_url"] for m in meetings}
    assert {row["meeting_id"] for row in written} == {str(m["id"]) for m in meetings}


def receipt_line(report: BatchReport) -> str:
    assert report.receipt is not None
    return report.receipt.line()


#: Rows whose topic or start Zoom keeps otherwise: spaces, full-width forms, seconds.
UNTIDY = [
    ["Math  101", "2030-01-07 10:00", 60, "Asia/Tokyo", "host0@example.com"],
    [" Physics lab ", "2030-01-07 11:00", 60, "Asia/Tokyo", "host0@example.com"],
    ["Ｃｈｅｍｉｓｔｒｙ\u3000Ａ", "2030-01-07 13:00", 45, "Asia/Tokyo", "host0@example.com"],
    ["History", "2030-01-07 14:00:30", 30, "Asia/Tokyo", "host0@example.com"],
]

TIDYING = Habits(tidy_topics=True, topic_form="NFKC", drop_seconds=True)


# -- The one comparison, as a table -------------------------------------------------------------

AT_TEN = datetime(2030, 1, 7, 1, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("ours", "zooms", "same"),
    [
        ("Math  101", "Math 101", True),  # a run of spaces collapsed
        (" Physics lab ", "Physics lab", True),  # surrounding spaces trimmed
        ("a\t\nb", "a b", True),  # any whitespace run
        ("Ｃｈｅｍｉｓｔｒｙ\u3000Ａ", "Chemistry A", True),  # full-width: NFKC
        ("Cafe\u0301", "Café", True),  # decomposed accent: NFC (within NFKC)
        ("x" * 205, "x" * TOPIC_LIMIT, True),  # Zoom's 200 characters
        ("Math 101", "math 101", False),  # case is kept
        ("Math 101", "Math 102", False),
        ("Math 101", "Math101", False),  # a space removed is another topic
    ],
)
def test_topics_are_compared_as_zoom_keeps_them(ours: str, zooms: str, same: bool) -> None:
    assert same_topic(ours, zooms) is same
    assert (zoom_topic(ours) == zoom_topic(zooms)) is same


@pytest.mark.parametrize(
    ("ours", "zooms", "same"),
    [
        (AT_TEN.replace(second=30), AT_TEN, True),  # seconds dropped
        (AT_TEN.replace(microsecond=5), AT_TEN, True),
        (AT_TEN.replace(minute=1), AT_TEN, False),  # a minute is a minute
        (AT_TEN, None, False),
    ],
)
def test_starts_are_compared_to_the_minute(
    ours: datetime, zooms: datetime | None, same: bool
) -> None:
    assert same_start(ours, zooms) is same


def test_the_identity_of_the_journal_and_the_look_up_is_the_same_comparison() -> None:
    assert identity_key(" A@X.com", "Math  101 ", AT_TEN.replace(second=59), 60) == (
        "a@x.com|Math 101|2030-01-07T01:00:00Z|60"
    )
    assert meeting_identity("a@x.com", "Math  101", AT_TEN, 60) == meeting_identity(
        "A@x.com", "Math 101", AT_TEN.replace(second=30), 60
    )


def test_the_change_detector_sends_nothing_zoom_already_holds() -> None:
    from batch_zoom.models import MeetingRequest

    request = MeetingRequest(
        row=2,
        host="a@x.com",
        topic="Math  101",
        start=AT_TEN.replace(second=30),
        timezone="Asia/Tokyo",
        duration=60,
    )
    held = {
        "topic": "Math 101",
        "start_time": "2030-01-07T01:00:00Z",
        "timezone": "Asia/Tokyo",
        "duration": 60,
    }
    assert changes(request, held) == {}
    assert changes(request, {**held, "topic": "Math 102"}) == {"topic": "Math  101"}


# -- Zoom tidies topics and drops seconds (rows 3 and 4 of the issue) ---------------------------


def test_a_rerun_without_the_journal_finds_the_meetings_zoom_tidied(
    sandbox: ZoomSandbox, tmp_path: Path, sleeps: Sleeps
) -> None:
    sandbox.habits = TIDYING
    path = write_csv(tmp_path / "in.csv", UNTIDY)
    first = run(sandbox, path, sleeps)
    assert statuses(first) == {"created": 4}
    assert {m["topic"] for m in sandbox.meetings()} == {
        "Math 101",
        "Physics lab",
        "Chemistry A",
        "History",
    }
    settings = settings_for(sandbox, path)
    settings.journal_path.unlink()  # lost, or another -o: Zoom is the ledger
    again = run(sandbox, path, sleeps, output_path=tmp_path / "elsewhere.csv")
    assert statuses(again) == {"exists": 4}
    assert creates(sandbox) == 4
    assert_one_meeting_per_row_and_every_link(sandbox, again, 4)
    line = receipt_line(again)
    assert "4 rows, 4 meetings, 0 duplicates" in line and "not" not in line


def test_an_unchanged_output_run_again_patches_nothing_zoom_tidied(
    sandbox: ZoomSandbox, tmp_path: Path, sleeps: Sleeps
) -> None:
    sandbox.habits = TIDYING
    path = write_csv(tmp_path / "in.csv", UNTIDY)
    first = run(sandbox, path, sleeps)
    assert first.output_path is not None
    for _ in range(2):
        again = run(sandbox, first.output_path, sleeps)
        assert statuses(again) == {"exists": 4}
    assert patches(sandbox) == 0, "PATCHed what Zoom already holds"
    assert_one_meeting_per_row_and_every_link(sandbox, again, 4)


def test_a_lost_answer_for_a_topic_zoom_tidies_is_found_not_made_twice(
    sandbox: ZoomSandbox, tmp_path: Path, sleeps: Sleeps
) -> None:
    sandbox.habits = TIDYING
    sandbox.inject(Fault("drop_after", method="POST", path="/meetings", times=4))  # all lost
    path = write_csv(tmp_path / "in.csv", UNTIDY)
    report = run(sandbox, path, sleeps)
    assert statuses(report) == {"created": 4}
    assert creates(sandbox) == 4, "a create sent again for a meeting Zoom had made"
    assert_one_meeting_per_row_and_every_link(sandbox, report, 4)
    line = receipt_line(report)
    assert "4 rows, 4 meetings, 0 duplicates" in line


# -- Zoom lists a new meeting late (row 2) ------------------------------------------------------


def test_the_receipt_waits_out_a_listing_that_shows_new_meetings_late(
    sandbox: ZoomSandbox, tmp_path: Path, zoom_time: ZoomTime
) -> None:
    sandbox.habits = Habits(listing_lag=5)
    path = write_csv(tmp_path / "in.csv", meeting_rows(6, hosts=2))
    report = run(sandbox, path, zoom_time)
    assert statuses(report) == {"created": 6}
    assert receipt_line(report) == "verified on Zoom: 6 rows, 6 meetings, 0 duplicates"
    assert not report.needs_attention
    assert sum(zoom_time.waits) <= 10  # bounded: listing_lag
    assert sandbox.count("GET", path_contains="/v2/meetings/") <= 2  # one read per host
    assert_one_meeting_per_row_and_every_link(sandbox, report, 6)


def test_a_meeting_gone_from_zoom_is_told_at_once_not_waited_for(
    sandbox: ZoomSandbox, tmp_path: Path, zoom_time: ZoomTime
) -> None:
    from conftest import delete_behind_the_tools_back

    sandbox.habits = Habits(listing_lag=5)
    path = write_csv(tmp_path / "in.csv", meeting_rows(2, hosts=1))
    first = run(sandbox, path, zoom_time)
    assert first.output_path is not None
    gone = read_csv(first.output_path)[0]["meeting_id"]
    delete_behind_the_tools_back(sandbox, gone)
    waited = sum(zoom_time.waits)
    again = run(sandbox, path, zoom_time)
    assert sum(zoom_time.waits) == waited  # GET said 3001: nothing to wait for
    assert "1 rows not as the output shows" in receipt_line(again)


def post_as_the_tool_would(sandbox: ZoomSandbox, rows: list[list[object]]) -> None:
    """The creates of a run of ``rows`` (killed afterwards, its journal deleted)."""
    import requests
    from conftest import sandbox_token

    token = sandbox_token(sandbox)
    for topic, start, duration, zone, host in rows:
        body = {
            "topic": topic,
            "type": 2,
            "start_time": str(start).replace(" ", "T") + ":00",
            "timezone": zone,
            "duration": duration,
        }
        answer = requests.post(
            f"{sandbox.api_url}/users/{host}/meetings",
            json=body,
            headers={"Authorization": f"Bearer {token}"},
            timeout=5,
        )
        assert answer.status_code == 201


def test_a_rerun_right_after_a_killed_run_without_its_journal_makes_nothing_twice(
    sandbox: ZoomSandbox, tmp_path: Path, zoom_time: ZoomTime
) -> None:
    sandbox.habits = Habits(listing_lag=5)
    rows = meeting_rows(20, hosts=2)
    post_as_the_tool_would(sandbox, rows[:12])
    sandbox.advance(6)  # these are listed by now; the last eight are not yet
    post_as_the_tool_would(sandbox, rows[12:])
    path = write_csv(tmp_path / "in.csv", rows)
    report = run(sandbox, path, zoom_time)
    assert statuses(report) == {"exists": 20}
    assert creates(sandbox) == 20, f"{len(sandbox.meetings())} meetings for 20 rows"
    assert_one_meeting_per_row_and_every_link(sandbox, report, 20)
    assert receipt_line(report) == "verified on Zoom: 20 rows, 20 meetings, 0 duplicates"


# -- A listing that cannot be read proves nothing absent (rows 5 and 6) -------------------------

NOT_MEETINGS = '{"page_size": 300, "next_page_token": "", "meetings": [1, "x", null]}'


def test_an_unreadable_listing_never_sends_a_lost_create_again(
    sandbox: ZoomSandbox, tmp_path: Path, sleeps: Sleeps
) -> None:
    sandbox.inject(Fault("drop_after", method="POST", path="/meetings"))  # made, answer lost
    # every listing after the first (the look-before-create) holds no meeting Zoom could read
    sandbox.inject(
        Fault(
            "bent_after",
            method="GET",
            path="/meetings",
            status=200,
            body=NOT_MEETINGS,
            content_type="application/json",
            after=1,
            times=10**6,
        )
    )
    path = write_csv(tmp_path / "in.csv", meeting_rows(2, hosts=1))
    report = run(sandbox, path, sleeps)
    assert creates(sandbox) == 2, "a lost create was sent again"
    assert len(sandbox.meetings()) == 2
    assert statuses(report) == {"failed": 1, "created": 1}
    [lost] = [result for result in report.results if result.status.value == "failed"]
    assert "could not be read whole" in lost.error and "nothing was sent again" in lost.error
    line = receipt_line(report)
    assert line.startswith("could not verify 2 rows (host0@example.com: ")
    assert "verified on" not in line and "0 duplicates" not in line
    assert report.needs_attention

    sandbox.clear_faults()  # Zoom reads again: the lost create is found, its link written
    again = run(sandbox, path, sleeps)
    assert statuses(again) == {"exists": 2}
    assert creates(sandbox) == 2
    assert_one_meeting_per_row_and_every_link(sandbox, again, 2)
    assert receipt_line(again) == "verified on Zoom: 2 rows, 2 meetings, 0 duplicates"


def test_when_the_token_answers_but_no_api_call_does_nothing_is_called_verified(
    sandbox: ZoomSandbox, tmp_path: Path, sleeps: Sleeps
) -> None:
    sandbox.inject(Fault("error_before", method=None, status=503, times=10**6))
    path = write_csv(tmp_path / "in.csv", meeting_rows(3, hosts=1))
    report = run(sandbox, path, sleeps, max_wait=30.0)
    assert sandbox.meetings() == []
    line = receipt_line(report)
    assert "verified on" not in line and "0 duplicates" not in line
    assert line.startswith("could not verify 3 rows (host0@example.com: ")
    assert report.needs_attention


def test_a_journal_written_before_the_comparison_still_names_its_rows() -> None:
    from batch_zoom.run.journal import JournalState

    state = JournalState()
    old_key = "a@x.com|Math  101|2030-01-07T01:00:30Z|60"  # as earlier versions wrote it
    state.apply({"event": "sending", "id": old_key})
    state.apply({"event": "created", "id": old_key, "meeting_id": "123", "join_url": "j"})
    new_key = meeting_identity("a@x.com", "Math  101", AT_TEN.replace(second=30), 60)
    assert state.created[new_key].meeting_id == "123"
    assert state.made == {"123": new_key} and not state.in_flight
