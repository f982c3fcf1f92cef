"""Exactly once, whatever fails: faults injected into the sandbox during real runs.

Every test ends by checking the same promise: one meeting on the sandbox per valid row, and its
join URL in the output. Waits are recorded by an injected ``sleep``; nothing sleeps for real.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from conftest import (
    Sleeps,
    delete_behind_the_tools_back,
    meeting_rows,
    read_csv,
    settings_for,
    write_csv,
)

from batch_zoom.models import Status
from batch_zoom.run.batch import BatchReport, run_batch
from batch_zoom.sandbox import Fault, ZoomSandbox


def assert_exactly_once(sandbox: ZoomSandbox, report: BatchReport, rows: int) -> None:
    meetings = sandbox.meetings()
    identities = Counter((m["host_email"], m["topic"], m["start_time"]) for m in meetings)
    assert len(meetings) == rows, f"{len(meetings)} meetings for {rows} rows"
    assert max(identities.values()) == 1, "a duplicate meeting"
    written = read_csv(report.output_path) if report.output_path.suffix == ".csv" else None
    if written is not None:
        assert {row["join_url"] for row in written} == {m["join_url"] for m in meetings}


def run(sandbox: ZoomSandbox, path: Path, sleeps: Sleeps, **overrides: object) -> BatchReport:
    return run_batch(settings_for(sandbox, path, **overrides), sleep=sleeps, clock=sleeps.clock)


def statuses(report: BatchReport) -> Counter[str]:
    return Counter(result.status.value for result in report.results)


@pytest.mark.parametrize(
    "fault",
    [
        Fault("drop_after", method="POST", path="/meetings"),  # made, answer lost
        Fault("drop_before", method="POST", path="/meetings"),  # dropped before making
        Fault("error_after", method="POST", path="/meetings", status=500),  # made, then 500
        Fault("error_before", method="POST", path="/meetings", status=503),  # 503, nothing made
        Fault("drop_after", method="POST", path="/meetings", times=3, after=2),
        Fault("error_after", method="POST", path="/meetings", status=502, times=6),
    ],
    ids=["drop-after", "drop-before", "500-after", "503-before", "3-drops-after", "6x-502-after"],
)
def test_an_unknown_outcome_is_looked_up_never_sent_again_blindly(
    sandbox: ZoomSandbox, tmp_path: Path, sleeps: Sleeps, fault: Fault
) -> None:
    sandbox.inject(fault)
    path = write_csv(tmp_path / "in.csv", meeting_rows(8))
    report = run(sandbox, path, sleeps)
    assert statuses(report) == {"created": 8}
    assert_exactly_once(sandbox, report, 8)
    lookups = sandbox.count(method="GET", path_contains="/meetings")
    assert lookups >= 1  # the outcome was settled by a listing, not by a second POST
    posts = sandbox.count(method="POST", path_contains="/meetings")
    made_by_fault = fault.kind.endswith("after")
    assert posts == 8 + (0 if made_by_fault else fault.times)


def test_the_lookup_lists_each_uncertain_host_once_per_round(
    sandbox: ZoomSandbox, tmp_path: Path, sleeps: Sleeps
) -> None:
    sandbox.inject(Fault("drop_after", method="POST", path="/meetings", times=6))
    path = write_csv(tmp_path / "in.csv", meeting_rows(12, hosts=2))
    report = run(sandbox, path, sleeps)
    assert_exactly_once(sandbox, report, 12)
    requests = sandbox.requests
    # Each host's first listing is its look before creating (the second host's may come
    # after the first host's creates have begun); count the listings after it.
    first_listing = {}
    for n, r in enumerate(requests):
        if r.method == "GET" and r.path.endswith("/meetings"):
            first_listing.setdefault(r.path, n)
    listings = [
        r
        for n, r in enumerate(requests)
        if r.method == "GET" and r.path.endswith("/meetings") and n > first_listing[r.path]
    ]
    by_host = Counter(r.path for r in listings)
    assert set(by_host) == {f"/v2/users/host{n}@example.com/meetings" for n in (0, 1)}
    # After its last write, the receipt lists each host once more (a host whose creates all
    # came back may be listed for it while the other host's rows are still being settled).
    for path in by_host:
        last_post = max(n for n, r in enumerate(requests) if r.method == "POST" and r.path == path)
        last_listing = max(
            n for n, r in enumerate(requests) if r.method == "GET" and r.path == path
        )
        assert last_listing > last_post
    assert sum(by_host.values()) - len(by_host) <= 2  # one look per uncertain host, not per row


def test_per_second_limits_are_waited_out_as_zoom_asks(
    sandbox: ZoomSandbox, tmp_path: Path, sleeps: Sleeps
) -> None:
    sandbox.inject(Fault("rate_limit", method="POST", times=3, retry_after="2"))
    sandbox.inject(Fault("rate_limit", method="POST", times=2, after=4))  # no Retry-After
    path = write_csv(tmp_path / "in.csv", meeting_rows(6))
    report = run(sandbox, path, sleeps)
    assert statuses(report) == {"created": 6}
    assert_exactly_once(sandbox, report, 6)
    assert sleeps.waits.count(2.0) >= 3  # Retry-After honoured
    assert report.requests_throttled == 5


def test_a_busy_zoom_past_the_waiting_budget_fails_the_row_with_a_rerun_hint(
    sandbox: ZoomSandbox, tmp_path: Path, sleeps: Sleeps
) -> None:
    sandbox.inject(Fault("rate_limit", method="POST", times=1000, retry_after="30"))
    path = write_csv(tmp_path / "in.csv", meeting_rows(1))
    report = run(sandbox, path, sleeps, max_wait=100.0)
    assert [r.status for r in report.results] == [Status.FAILED]
    assert "a re-run will finish it" in report.results[0].error
    assert sum(sleeps.waits) <= 100.0 + 1
    sandbox.clear_faults()
    report = run(sandbox, path, sleeps)
    assert statuses(report) == {"created": 1}
    assert_exactly_once(sandbox, report, 1)


def test_a_token_that_expires_mid_run_is_renewed_once_and_no_row_fails(
    sandbox: ZoomSandbox, tmp_path: Path, sleeps: Sleeps
) -> None:
    class ExpireAfterThree:
        settled = 0

        def start(self, total: int) -> None:
            pass

        def advance(self, rows: int = 1) -> None:
            self.settled += rows
            if self.settled == 3:
                sandbox.expire_tokens()

        def close(self) -> None:
            pass

    path = write_csv(tmp_path / "in.csv", meeting_rows(10))
    report = run_batch(
        settings_for(sandbox, path, workers=4),
        progress=ExpireAfterThree(),
        sleep=sleeps,
        clock=sleeps.clock,
    )
    assert statuses(report) == {"created": 10}
    assert_exactly_once(sandbox, report, 10)
    assert report.tokens_fetched == 2  # one at the start, one renewal shared by every worker
    assert sandbox.count(path_contains="/oauth/token") == 2
    assert sandbox.count(status=401) >= 1


@pytest.mark.parametrize("style", ["headers", "bare", "legacy"])
def test_the_daily_limit_defers_that_host_only_and_the_next_day_finishes(
    tmp_path: Path, sleeps: Sleeps, style: str
) -> None:
    with ZoomSandbox(daily_limit=3, daily_limit_style=style) as sandbox:
        rows = [r for r in meeting_rows(10, hosts=2)]  # 5 rows for host0, 5 for host1
        rows += [["Other host", "2030-01-08 10:00", 30, "Asia/Tokyo", "other@example.com"]]
        path = write_csv(tmp_path / "in.csv", rows)
        report = run(sandbox, path, sleeps)
        assert statuses(report) == {"created": 7, "deferred": 4}
        deferred = [r for r in report.results if r.status is Status.DEFERRED]
        assert all("after 20" in r.error and "00:00 UTC" in r.error for r in deferred)
        # no retries of the limit: a refused row is never sent again that day, and once a
        # refusal is back no other row of that host is sent (those in flight may be refused too)
        refused = [r.body["topic"] for r in sandbox.requests if r.status in (300, 429)]
        assert len(refused) == len(set(refused)) <= len(deferred)
        sandbox.advance(timedelta(days=1))
        report = run(sandbox, path, sleeps)
        assert statuses(report) == {"exists": 7, "created": 4}
        assert_exactly_once(sandbox, report, 11)


def test_a_create_in_flight_when_the_last_run_died_is_adopted_not_repeated(
    sandbox: ZoomSandbox, tmp_path: Path, sleeps: Sleeps
) -> None:
    path = write_csv(tmp_path / "in.csv", meeting_rows(4))
    settings = settings_for(sandbox, path)
    run_batch(settings, sleep=sleeps, clock=sleeps.clock)
    # Rewrite the journal as a kill -9 would have left it: two rows sent and made but their
    # answers lost, and a third row sent but never made (its meeting is deleted below).
    journal = settings.journal_path
    lines = [json.loads(line) for line in journal.read_text().splitlines()]
    created = [line for line in lines if line["event"] == "created"]
    lost = {created[0]["id"], created[1]["id"], created[2]["id"]}
    kept = [line for line in lines if not (line["event"] == "created" and line["id"] in lost)]
    journal.write_text("".join(json.dumps(line) + "\n" for line in kept))
    third = created[2]
    sandbox_meeting = next(m for m in sandbox.meetings() if str(m["id"]) == third["meeting_id"])
    delete_behind_the_tools_back(sandbox, str(sandbox_meeting["id"]))
    with journal.open("a") as handle:
        handle.write(json.dumps({"event": "sending", "id": third["id"]}) + "\n")
        handle.write('{"event": "created", "id": "torn')  # the kill cut this line short
    posts_before = sandbox.count(method="POST", path_contains="/meetings")
    report = run_batch(settings, sleep=sleeps, clock=sleeps.clock)
    assert sandbox.count(method="POST", path_contains="/meetings") == posts_before + 1
    assert statuses(report) == {"exists": 3, "created": 1}
    assert_exactly_once(sandbox, report, 4)


def test_an_output_that_cannot_be_written_goes_to_a_fallback_and_nothing_is_lost(
    sandbox: ZoomSandbox, tmp_path: Path, sleeps: Sleeps
) -> None:
    path = write_csv(tmp_path / "in.csv", meeting_rows(3))
    blocked = tmp_path / "in_scheduled.csv"

    class BlockDuringTheRun:  # the name is taken after the run checked it could write there
        def start(self, total: int) -> None:
            pass

        def advance(self, rows: int = 1) -> None:
            blocked.mkdir(exist_ok=True)  # as if another program held the name

        def close(self) -> None:
            pass

    report = run_batch(
        settings_for(sandbox, path), progress=BlockDuringTheRun(), sleep=sleeps, clock=sleeps.clock
    )
    assert report.output_error is not None and report.output_path is not None
    assert report.output_path != blocked and report.output_path.exists()
    assert str(report.output_path.name) in str(report.output_error)
    assert_exactly_once(sandbox, report, 3)
    blocked.rmdir()
    again = run(sandbox, path, sleeps)  # the journal kept every result
    assert statuses(again) == {"exists": 3} and again.output_error is None
