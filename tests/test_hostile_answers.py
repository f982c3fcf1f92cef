"""Broken and hostile answers from Zoom, timeouts and a wrong clock (issue 17), over real HTTP.

Each case plants a fault in the sandbox and ends, after the run and at most one re-run, with one
meeting per valid row, every link in the output, no exit 3, and the message the issue describes.
Waits are recorded by an injected ``sleep`` that also moves the sandbox clock, so a meeting Zoom
makes "35 s later" appears after 35 s of waiting that nobody really waits.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import requests
from conftest import (
    Sleeps,
    ZoomTime,
    meeting_rows,
    read_csv,
    sandbox_token,
    settings_for,
    write_csv,
)

from batch_zoom.cli import main
from batch_zoom.run.batch import BatchReport, run_batch
from batch_zoom.sandbox import Fault, ZoomSandbox
from batch_zoom.zoom.clock import parse_http_date


def run(sandbox: ZoomSandbox, path: Path, sleeps: Sleeps, **overrides: object) -> BatchReport:
    return run_batch(settings_for(sandbox, path, **overrides), sleep=sleeps, clock=sleeps.clock)


def statuses(report: BatchReport) -> Counter[str]:
    return Counter(result.status.value for result in report.results)


def creates(sandbox: ZoomSandbox) -> int:
    return sandbox.count(method="POST", path_contains="/meetings")


def assert_one_meeting_per_row_and_every_link(
    sandbox: ZoomSandbox, report: BatchReport, rows: int
) -> None:
    meetings = sandbox.meetings()
    identities = Counter((m["host_email"], m["topic"], m["start_time"]) for m in meetings)
    assert len(meetings) == rows, f"{len(meetings)} meetings for {rows} rows"
    assert max(identities.values()) == 1, "a duplicate meeting"
    assert report.output_path is not None
    written = read_csv(report.output_path)
    assert all(row["join_url"] for row in written), "a row without its link"
    assert {row["join_url"] for row in written} == {m["join_url"] for m in meetings}
    assert {row["meeting_id"] for row in written} == {str(m["id"]) for m in meetings}


# -- Timeouts ---------------------------------------------------------------------------------


def test_a_create_zoom_makes_35_s_late_past_the_read_timeout_is_adopted_not_sent_again(
    sandbox: ZoomSandbox, tmp_path: Path, zoom_time: ZoomTime
) -> None:
    # The answer never comes (the read timeout gives up: 30 s in life, 0.5 s here) and the
    # meeting appears 5 s after that, 35 s after sending: after the first look, before the second.
    # (At 0.05 s a loaded machine let an ordinary create time out too: a second unknown row,
    # whose host was then looked up, not listed early for the receipt.)
    sandbox.inject(Fault("late", method="POST", path="/meetings", delay=5, after=1))
    path = write_csv(tmp_path / "in.csv", meeting_rows(4))
    report = run(sandbox, path, zoom_time, settle_seconds=2.0, read_timeout=0.5)
    assert statuses(report) == {"created": 4}
    assert creates(sandbox) == 4  # the late row was never sent a second time
    assert_one_meeting_per_row_and_every_link(sandbox, report, 4)
    assert 2.0 in zoom_time.waits and 30.0 in zoom_time.waits  # settle, then the second look
    listings: dict[str, list[datetime]] = {}
    for r in sandbox.requests:
        if r.method == "GET" and r.path.endswith("/meetings"):
            listings.setdefault(r.path, []).append(r.at)
    # The late row's host: listed before its first create, twice after it (a while apart),
    # and for the receipt. The other host: before, and for the receipt.
    assert sorted(len(times) for times in listings.values()) == [2, 4]
    late = next(times for times in listings.values() if len(times) == 4)
    assert late[2] - late[1] >= timedelta(seconds=30)


def test_a_create_zoom_never_made_is_sent_again_only_after_two_lookups(
    sandbox: ZoomSandbox, tmp_path: Path, zoom_time: ZoomTime
) -> None:
    sandbox.inject(Fault("drop_before", method="POST", path="/meetings"))
    path = write_csv(tmp_path / "in.csv", meeting_rows(3, hosts=1))
    report = run(sandbox, path, zoom_time, settle_seconds=2.0)
    assert statuses(report) == {"created": 3}
    assert creates(sandbox) == 4
    assert_one_meeting_per_row_and_every_link(sandbox, report, 3)
    order = [
        "list" if r.method == "GET" else "create"
        for r in sandbox.requests
        if "/meetings" in r.path and r.method in ("GET", "POST")
    ]
    # find-before-create, three creates (one dropped), two look-ups, then the one second send,
    # then the receipt's listing
    assert order[-4:] == ["list", "list", "create", "list"]


def test_a_failing_listing_endpoint_spends_one_shared_budget_for_all_hosts(
    sandbox: ZoomSandbox, tmp_path: Path, sleeps: Sleeps
) -> None:
    hosts = 8
    sandbox.inject(Fault("error_before", method="GET", path="/users/", status=503, times=10**6))
    path = write_csv(tmp_path / "in.csv", meeting_rows(hosts * 2, hosts=hosts))
    report = run(sandbox, path, sleeps, max_wait=600.0)
    assert statuses(report) == {"failed": hosts * 2}
    assert all("look again" in result.error for result in report.results)
    assert creates(sandbox) == 0  # nothing created blind
    listed = {r.host for r in sandbox.requests if r.method == "GET"}
    assert len(listed) == hosts  # every host was asked, none starved by the others
    # One host after another, each with its own budget, waited 8 x 600 s; one shared budget
    # waits 600 s, plus at most one backoff per host that was already under way.
    assert sum(sleeps.waits) <= 600.0 + hosts * 30.0
    sandbox.clear_faults()
    report = run(sandbox, path, sleeps)
    assert statuses(report) == {"created": hosts * 2}
    assert_one_meeting_per_row_and_every_link(sandbox, report, hosts * 2)


# -- Answers from Zoom ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (201, None),
        (200, ""),
        (201, "<html><body><h1>Created</h1></body></html>"),
        (201, "{not json"),
        (201, "[1,2]"),
        (201, '{"ok": true}'),
        (204, None),
    ],
    ids=["201-no-body", "200-empty", "html", "not-json", "array", "object-without-id", "204"],
)
def test_a_create_answered_2xx_without_a_meeting_is_looked_up_never_called_refused(
    sandbox: ZoomSandbox, tmp_path: Path, sleeps: Sleeps, status: int, body: str | None
) -> None:
    sandbox.inject(
        Fault("bent_after", method="POST", path="/meetings", status=status, body=body, times=2)
    )
    path = write_csv(tmp_path / "in.csv", meeting_rows(5))
    report = run(sandbox, path, sleeps)
    assert statuses(report) == {"created": 5}
    assert creates(sandbox) == 5  # the meetings the bent answers stood for were found, not remade
    assert_one_meeting_per_row_and_every_link(sandbox, report, 5)
    journal = settings_for(sandbox, path).journal_path
    events = [json.loads(line) for line in journal.read_text().splitlines()]
    assert not [e for e in events if e["event"] == "not_sent"]
    again = run(sandbox, path, sleeps)
    assert statuses(again) == {"exists": 5} and creates(sandbox) == 5


def test_a_201_without_join_url_is_completed_with_a_get(
    sandbox: ZoomSandbox, tmp_path: Path, sleeps: Sleeps
) -> None:
    sandbox.inject(Fault("strip_after", method="POST", path="/meetings", fields=("join_url",)))
    path = write_csv(tmp_path / "in.csv", meeting_rows(3))
    report = run(sandbox, path, sleeps)
    assert statuses(report) == {"created": 3}
    assert sandbox.count(method="GET", path_contains="/v2/meetings/") == 1
    assert_one_meeting_per_row_and_every_link(sandbox, report, 3)


def test_a_link_that_cannot_be_read_at_once_is_fetched_by_the_rerun(
    sandbox: ZoomSandbox, tmp_path: Path, sleeps: Sleeps
) -> None:
    sandbox.inject(Fault("strip_after", method="POST", path="/meetings", fields=("join_url",)))
    sandbox.inject(
        Fault("error_before", method="GET", path="/v2/meetings/", status=503, times=10**6)
    )
    path = write_csv(tmp_path / "in.csv", meeting_rows(3))
    report = run(sandbox, path, sleeps, max_wait=5.0)
    unlinked = [r for r in report.results if not r.join_url]
    assert len(unlinked) == 1 and "a re-run will fetch it" in unlinked[0].error
    assert unlinked[0].status.value == "pending" and report.needs_attention  # exit 1, not 0
    assert unlinked[0].meeting_id  # the meeting is known: the row is never created again
    sandbox.clear_faults()
    again = run(sandbox, path, sleeps)
    assert statuses(again) == {"exists": 3}
    assert creates(sandbox) == 3
    assert_one_meeting_per_row_and_every_link(sandbox, again, 3)


def test_a_meeting_found_in_a_listing_without_its_link_is_completed_with_a_get(
    sandbox: ZoomSandbox, tmp_path: Path, sleeps: Sleeps
) -> None:
    sandbox.inject(Fault("drop_after", method="POST", path="/meetings"))  # made, answer lost
    sandbox.inject(
        Fault("strip_after", method="GET", path="/users/", fields=("join_url",), times=10**6)
    )
    path = write_csv(tmp_path / "in.csv", meeting_rows(3))
    report = run(sandbox, path, sleeps)
    assert statuses(report) == {"created": 3}
    assert creates(sandbox) == 3
    assert_one_meeting_per_row_and_every_link(sandbox, report, 3)


def test_listing_items_that_are_not_meetings_are_skipped_with_a_warning(
    sandbox: ZoomSandbox, tmp_path: Path, sleeps: Sleeps
) -> None:
    """A lost create is found in a listing that also holds junk: the meeting is there, so the
    junk does not matter; the warning names the host (issue 17)."""
    path = write_csv(tmp_path / "in.csv", meeting_rows(4, hosts=2))
    first = run(sandbox, path, sleeps)
    assert statuses(first) == {"created": 4}
    settings_for(sandbox, path).journal_path.unlink()  # the re-run must look on Zoom
    sandbox.inject(
        Fault("junk_items", method="GET", path="/users/", items=(1, "x", None), times=10**6)
    )
    report = run(sandbox, path, sleeps)
    assert statuses(report) == {"exists": 4}
    assert creates(sandbox) == 4
    assert_one_meeting_per_row_and_every_link(sandbox, report, 4)
    assert any(
        "host0@example.com" in warning and "not meetings" in warning for warning in report.warnings
    )


def test_a_listing_with_items_that_are_not_meetings_proves_no_row_absent(
    sandbox: ZoomSandbox, tmp_path: Path, sleeps: Sleeps
) -> None:
    """Issue 23: absence is proven only by a listing read whole and understood. An item that is
    not a meeting may stand for the row's meeting (a colleague's run): nothing is created for an
    unmatched row of that host until a listing can be read whole."""
    sandbox.inject(
        Fault("junk_items", method="GET", path="/users/", items=(1, "x", None), times=10**6)
    )
    path = write_csv(tmp_path / "in.csv", meeting_rows(4, hosts=2))
    report = run(sandbox, path, sleeps)
    assert statuses(report) == {"failed": 4}
    assert creates(sandbox) == 0
    assert all("could not be read whole" in result.error for result in report.results)
    sandbox.clear_faults()
    again = run(sandbox, path, sleeps)
    assert statuses(again) == {"created": 4}
    assert creates(sandbox) == 4
    assert_one_meeting_per_row_and_every_link(sandbox, again, 4)


def test_a_listing_page_without_a_meetings_list_is_never_read_as_empty(
    sandbox: ZoomSandbox, tmp_path: Path, sleeps: Sleeps
) -> None:
    # An empty-looking 200 after a lost create must not pass for "Zoom did not make it".
    sandbox.inject(Fault("drop_after", method="POST", path="/meetings"))
    sandbox.inject(
        Fault("bent_after", method="GET", path="/users/", status=200, body="{}", times=3)
    )
    path = write_csv(tmp_path / "in.csv", meeting_rows(2, hosts=1))
    report = run(sandbox, path, sleeps)
    assert creates(sandbox) == 2
    assert_one_meeting_per_row_and_every_link(sandbox, report, 2)


# -- Redirects ------------------------------------------------------------------------------


@pytest.fixture
def elsewhere() -> Iterator[ZoomSandbox]:
    """A second server, standing for the host a redirect points at: it must hear nothing."""
    with ZoomSandbox() as other:
        yield other


@pytest.mark.parametrize("status", [301, 302, 307, 308])
def test_a_redirected_create_is_not_followed_and_fails_naming_the_location(
    sandbox: ZoomSandbox, tmp_path: Path, sleeps: Sleeps, elsewhere: ZoomSandbox, status: int
) -> None:
    location = f"{elsewhere.api_url}/users/me/meetings"
    sandbox.inject(
        Fault("redirect", method="POST", path="/meetings", status=status, location=location)
    )
    path = write_csv(tmp_path / "in.csv", meeting_rows(4))
    report = run(sandbox, path, sleeps)
    assert statuses(report) == {"created": 3, "failed": 1}
    failed = next(r for r in report.results if r.status.value == "failed")
    assert location in failed.error and "does not follow" in failed.error
    assert elsewhere.requests == []  # no body, no token went to the other host
    assert [m["topic"] for m in sandbox.meetings()].count(failed.topic) == 0
    again = run(sandbox, path, sleeps)
    assert statuses(again) == {"exists": 3, "created": 1}
    assert_one_meeting_per_row_and_every_link(sandbox, again, 4)
    assert elsewhere.requests == []


def test_a_redirected_token_request_stops_the_run_and_sends_no_credentials_elsewhere(
    zoom_env: ZoomSandbox,
    tmp_path: Path,
    elsewhere: ZoomSandbox,
    capsys: pytest.CaptureFixture[str],
) -> None:
    zoom_env.inject(
        Fault(
            "redirect", method="POST", path="/oauth/token", status=307, location=elsewhere.oauth_url
        )
    )
    path = write_csv(tmp_path / "in.csv", meeting_rows(2))
    assert main([str(path), "--timezone", "Asia/Tokyo"], sleep=Sleeps()) == 2
    err = capsys.readouterr().err
    assert elsewhere.oauth_url in err and "does not follow" in err
    assert "ZOOM_OAUTH_URL" in err and "Traceback" not in err
    assert elsewhere.requests == [] and creates(zoom_env) == 0
    zoom_env.clear_faults()
    assert main([str(path), "--timezone", "Asia/Tokyo"], sleep=Sleeps()) == 0
    assert len(zoom_env.meetings()) == 2


def test_a_redirected_listing_fails_the_rows_it_cannot_check_and_nothing_goes_elsewhere(
    sandbox: ZoomSandbox, tmp_path: Path, sleeps: Sleeps, elsewhere: ZoomSandbox
) -> None:
    sandbox.inject(
        # the listing (GET /users/{host}/meetings), not the host look-up before it
        Fault("redirect", method="GET", path="/meetings", status=302, location=elsewhere.api_url)
    )
    path = write_csv(tmp_path / "in.csv", meeting_rows(2, hosts=1))
    report = run(sandbox, path, sleeps)
    assert statuses(report) == {"failed": 2}
    assert all(elsewhere.api_url in r.error for r in report.results)
    assert elsewhere.requests == [] and creates(sandbox) == 0
    again = run(sandbox, path, sleeps)
    assert statuses(again) == {"created": 2}
    assert_one_meeting_per_row_and_every_link(sandbox, again, 2)


# -- Clock ----------------------------------------------------------------------------------


def rows_around(now: datetime, *days: float) -> list[list[object]]:
    return [
        [f"In {d} days", (now + timedelta(days=d)).strftime("%Y-%m-%d %H:%M"), 30, "UTC", "h@x.co"]
        for d in days
    ]


def test_a_computer_two_days_ahead_schedules_rows_it_would_have_called_past(
    sandbox: ZoomSandbox, tmp_path: Path, sleeps: Sleeps
) -> None:
    real = datetime.now(UTC)
    path = write_csv(tmp_path / "in.csv", rows_around(real, 1, 3))
    report = run_batch(
        settings_for(sandbox, path),
        sleep=sleeps,
        clock=sleeps.clock,
        now=lambda: datetime.now(UTC) + timedelta(days=2),
    )
    assert statuses(report) == {"created": 2}
    assert_one_meeting_per_row_and_every_link(sandbox, report, 2)
    assert len(report.warnings) == 1
    assert "2 days ahead of Zoom's" in report.warnings[0]


def test_a_computer_two_days_behind_refuses_rows_past_by_zooms_clock(
    sandbox: ZoomSandbox, tmp_path: Path, sleeps: Sleeps
) -> None:
    real = datetime.now(UTC)
    sandbox.advance(timedelta(days=2))  # Zoom's clock: two days after this computer's
    path = write_csv(tmp_path / "in.csv", rows_around(real, 1, 3))
    report = run(sandbox, path, sleeps)
    assert statuses(report) == {"invalid": 1, "created": 1}
    past = next(r for r in report.results if r.status.value == "invalid")
    assert past.error.startswith(f"row {past.row}: start_time") and "in the past" in past.error
    assert "2 days behind Zoom's" in report.warnings[0]
    assert [m["topic"] for m in sandbox.meetings()] == ["In 3 days"]  # no past meeting made


def test_rows_all_refused_as_past_still_ask_zoom_its_time(
    sandbox: ZoomSandbox, tmp_path: Path, sleeps: Sleeps
) -> None:
    real = datetime.now(UTC)
    path = write_csv(tmp_path / "in.csv", rows_around(real, 1))
    report = run_batch(
        settings_for(sandbox, path),
        sleep=sleeps,
        clock=sleeps.clock,
        now=lambda: datetime.now(UTC) + timedelta(days=2),
    )
    assert statuses(report) == {"created": 1}
    assert report.warnings


def test_the_daily_limit_reset_follows_zooms_clock(tmp_path: Path, sleeps: Sleeps) -> None:
    with ZoomSandbox(daily_limit=1, daily_limit_style="bare") as sandbox:  # no Retry-After
        sandbox.advance(timedelta(days=2))
        path = write_csv(tmp_path / "in.csv", meeting_rows(2, hosts=1))
        report = run(sandbox, path, sleeps, workers=1)
        assert statuses(report) == {"created": 1, "deferred": 1}
        deferred = next(r for r in report.results if r.status.value == "deferred")
        zoom_midnight = (sandbox.now() + timedelta(days=1)).strftime("%Y-%m-%d 00:00 UTC")
        assert zoom_midnight in deferred.error
        assert report.warnings


def test_a_clock_within_five_minutes_gives_no_warning(
    sandbox: ZoomSandbox, tmp_path: Path, sleeps: Sleeps
) -> None:
    sandbox.advance(timedelta(minutes=4))
    path = write_csv(tmp_path / "in.csv", meeting_rows(1))
    report = run(sandbox, path, sleeps)
    assert statuses(report) == {"created": 1} and report.warnings == []


def test_the_clock_warning_reaches_the_terminal_once(
    zoom_env: ZoomSandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    zoom_env.advance(timedelta(days=2))
    path = write_csv(tmp_path / "in.csv", meeting_rows(2))
    assert main([str(path), "--timezone", "Asia/Tokyo"], sleep=Sleeps()) == 0
    err = capsys.readouterr().err
    assert err.count("batch_zoom: warning: this computer's clock is 2 days behind Zoom's") == 1


# -- The sandbox's new faults, seen from a bare HTTP client -------------------------------


def bare_token(sandbox: ZoomSandbox) -> dict[str, str]:
    return {"Authorization": f"Bearer {sandbox_token(sandbox)}"}


BODY = {"topic": "Bare", "type": 2, "start_time": "2030-01-07T10:00:00Z", "duration": 30}


def test_the_sandbox_date_header_follows_its_clock(sandbox: ZoomSandbox) -> None:
    sandbox.advance(timedelta(days=2))
    answer = requests.post(sandbox.oauth_url, timeout=5)
    shown = parse_http_date(answer.headers["Date"])
    assert shown is not None
    assert abs(shown - sandbox.now()) < timedelta(seconds=2)
    assert shown - datetime.now(UTC) > timedelta(days=1, hours=23)


def test_a_late_create_lands_only_after_its_delay_and_its_answer_never_comes(
    sandbox: ZoomSandbox,
) -> None:
    headers = bare_token(sandbox)
    sandbox.inject(Fault("late", method="POST", path="/meetings", delay=5))
    with pytest.raises(requests.ReadTimeout):
        requests.post(
            f"{sandbox.api_url}/users/me/meetings", json=BODY, headers=headers, timeout=0.05
        )
    assert sandbox.meetings() == []
    sandbox.advance(4)
    assert sandbox.meetings() == []
    sandbox.advance(2)
    assert [m["topic"] for m in sandbox.meetings()] == ["Bare"]


def test_a_redirect_fault_acts_on_nothing(sandbox: ZoomSandbox) -> None:
    headers = bare_token(sandbox)
    sandbox.inject(Fault("redirect", method="POST", path="/meetings", status=302))
    answer = requests.post(
        f"{sandbox.api_url}/users/me/meetings",
        json=BODY,
        headers=headers,
        timeout=5,
        allow_redirects=False,
    )
    assert answer.status_code == 302 and answer.headers["Location"].startswith("https://")
    assert sandbox.meetings() == []


def test_bent_answers_through_the_command_end_well_with_one_warning_line(
    zoom_env: ZoomSandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    zoom_env.inject(Fault("bent_after", method="POST", path="/meetings", status=201, body="<h1>"))
    # the listing that looks for the creates whose answers were bent (GET /users/{host}/meetings),
    # not the host look-up nor the listing before the first create: junk there proves no row
    # absent, and nothing would be created (test_a_listing_with_items_that_are_not_meetings_…)
    zoom_env.inject(
        Fault("junk_items", method="GET", path="/meetings", items=(1, "x", None), after=1)
    )
    path = write_csv(tmp_path / "in.csv", meeting_rows(3, hosts=1))
    assert main([str(path), "--timezone", "Asia/Tokyo"], sleep=Sleeps()) == 0
    out, err = capsys.readouterr()
    assert "Traceback" not in err and "refused" not in out + err
    assert err.count("batch_zoom: warning: Zoom's list of host0@example.com's meetings") == 1
    assert len(zoom_env.meetings()) == 3
    assert all(row["join_url"] for row in read_csv(tmp_path / "in_scheduled.csv"))
