"""The receipt (issue 17): after all writes, Zoom holds one meeting per row, as the output says."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from conftest import (
    Sleeps,
    create_behind_the_tools_back,
    meeting_rows,
    read_csv,
    sandbox_token,
    settings_for,
    write_csv,
)

from batch_zoom.cli import main
from batch_zoom.run.batch import run_batch
from batch_zoom.sandbox import ZoomSandbox


def test_every_run_prints_what_zoom_holds(
    zoom_env: ZoomSandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_csv(tmp_path / "in.csv", meeting_rows(5, hosts=2) + [["Bad", "x", "1", "", ""]])
    assert main([str(path)]) == 1  # the invalid row
    assert "verified on Zoom: 5 rows, 5 meetings, 0 duplicates" in capsys.readouterr().out
    listings = zoom_env.count("GET", path_contains="/v2/users/")
    assert main([str(path)]) == 1  # a re-run with nothing to send still asks Zoom
    assert "verified on Zoom: 5 rows, 5 meetings, 0 duplicates" in capsys.readouterr().out
    assert zoom_env.count("GET", path_contains="/v2/users/") == listings + 2  # one per host
    assert zoom_env.count("POST", path_contains="/meetings") == 5


class PlantALateCreate:
    """After the first row is settled, a second meeting for it lands on Zoom (as a create whose
    answer was lost would, after its retry)."""

    def __init__(self, sandbox: ZoomSandbox) -> None:
        self.sandbox = sandbox
        self.planted: int | None = None
        self.lock = threading.Lock()

    def start(self, total: int) -> None:
        pass

    def advance(self, rows: int = 1) -> None:
        with self.lock:  # workers settle rows at once: plant exactly one
            if self.planted is None:
                first = self.sandbox.meetings()[0]
                self.planted = create_behind_the_tools_back(self.sandbox, first)

    def close(self) -> None:
        pass


def test_a_duplicate_no_journal_made_is_reported_with_both_ids_and_never_deleted(
    zoom_env: ZoomSandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Someone else's meeting with the row's identity (another tool, a colleague's output) is
    named, with the one to keep, and left alone even with --remove-duplicates (issue 23)."""
    path = write_csv(tmp_path / "in.csv", meeting_rows(4))
    late = PlantALateCreate(zoom_env)
    report = run_batch(settings_for(zoom_env, path), progress=late)
    assert report.receipt is not None and report.needs_attention
    [duplicate] = report.receipt.duplicates
    assert duplicate.others == (str(late.planted),)
    rows = read_csv(tmp_path / "in_scheduled.csv")
    row = next(r for r in rows if r["meeting_id"] == duplicate.kept)
    assert f"meeting {late.planted} was not made by this output for this row" in row["error"]
    assert f"keep meeting {duplicate.kept}" in row["error"]

    assert main([str(path)]) == 1  # the CLI says it too, and exits 1
    out = capsys.readouterr().out
    assert f"meeting {late.planted} was not made by this output" in out
    assert "verified on Zoom: 4 rows, 5 meetings, 1 duplicates" in out

    assert main([str(path), "--remove-duplicates"]) == 1  # still there: not ours to delete
    out = capsys.readouterr().out
    assert "1 duplicates" in out and "removed" not in out
    held = {str(m["id"]) for m in zoom_env.meetings()}
    assert str(late.planted) in held and len(held) == 5
    assert zoom_env.count("DELETE", path_contains="/meetings") == 0


def test_a_meeting_deleted_on_zoom_is_not_verified(
    zoom_env: ZoomSandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from conftest import delete_behind_the_tools_back

    path = write_csv(tmp_path / "in.csv", meeting_rows(2))
    assert main([str(path)]) == 0
    gone = read_csv(tmp_path / "in_scheduled.csv")[0]["meeting_id"]
    delete_behind_the_tools_back(zoom_env, gone)
    capsys.readouterr()
    assert main([str(path)]) == 1  # the journal says exists; Zoom says otherwise
    out = capsys.readouterr().out
    assert f"Zoom does not list meeting {gone}, which the output names" in out
    assert "verified on Zoom: 2 rows, 1 meetings, 0 duplicates, 1 rows not as" in out


def test_a_link_changed_on_zoom_is_read_again_and_written(
    zoom_env: ZoomSandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import requests

    path = write_csv(tmp_path / "in.csv", meeting_rows(2))
    assert main([str(path)]) == 0
    changed = read_csv(tmp_path / "in_scheduled.csv")[0]["meeting_id"]
    token = sandbox_token(zoom_env)  # someone changes the passcode in Zoom's portal
    answer = requests.patch(
        f"{zoom_env.api_url}/meetings/{changed}",
        json={"password": "new123"},
        headers={"Authorization": f"Bearer {token}"},
        timeout=5,
    )
    assert answer.status_code == 204
    capsys.readouterr()
    assert main([str(path)]) == 0
    row = read_csv(tmp_path / "in_scheduled.csv")[0]
    held = next(m for m in zoom_env.meetings() if str(m["id"]) == changed)
    assert row["join_url"] == held["join_url"] and row["passcode"] == "new123"
    assert "the output now shows Zoom's" in row["error"]
    assert main([str(path)]) == 0  # the journal knows the new link now
    assert read_csv(tmp_path / "in_scheduled.csv")[0]["error"] == ""


def test_a_late_create_that_lands_after_its_retry_is_named_by_the_receipt(
    sandbox: ZoomSandbox, tmp_path: Path
) -> None:
    from batch_zoom.sandbox import Fault

    class ZoomTime:  # an injected sleep that moves the sandbox clock instead of waiting
        def __init__(self) -> None:
            self.now = 1000.0

        def __call__(self, seconds: float) -> None:
            self.now += seconds
            sandbox.advance(seconds)

        def clock(self) -> float:
            return self.now

    # Zoom takes ten minutes over one create: past both looks, so the row is sent again
    sandbox.inject(Fault("late", method="POST", path="/meetings", delay=600))
    path = write_csv(tmp_path / "in.csv", meeting_rows(3))
    time = ZoomTime()
    settings = settings_for(sandbox, path, settle_seconds=2.0, read_timeout=0.05)
    report = run_batch(settings, sleep=time, clock=time.clock)
    assert {r.status.value for r in report.results} == {"created"}
    assert sandbox.count("POST", path_contains="/meetings") == 4
    sandbox.advance(700)  # ... and then makes it after all
    again = run_batch(settings, sleep=time, clock=time.clock)
    assert again.receipt is not None and again.needs_attention
    [duplicate] = again.receipt.duplicates
    named = {r.meeting_id for r in again.results}
    [late] = [str(m["id"]) for m in sandbox.meetings() if str(m["id"]) not in named]
    # Zoom dates the late meeting from its create, before the retry's: the oldest is kept
    # (the rule every output of the sheet applies alike), the output's is the duplicate
    assert duplicate.kept == late and duplicate.named in named
    assert duplicate.others == (duplicate.named,) and not duplicate.foreign
    assert again.receipt.line() == "verified on Zoom: 3 rows, 4 meetings, 1 duplicates"

    # --remove-duplicates: the journal shows the retry made the output's meeting and the row's
    # first create was lost, so the output moves to the kept meeting and the retry's is deleted
    removing = settings_for(
        sandbox, path, settle_seconds=2.0, read_timeout=0.05, remove_duplicates=True
    )
    settled = run_batch(removing, sleep=time, clock=time.clock)
    assert settled.receipt is not None and not settled.needs_attention
    held = {str(m["id"]) for m in sandbox.meetings()}
    written = {r["meeting_id"] for r in read_csv(tmp_path / "in_scheduled.csv")}
    assert held == written and late in held and duplicate.named not in held
    row = next(r for r in read_csv(tmp_path / "in_scheduled.csv") if r["meeting_id"] == late)
    assert "share this row's new link again" in row["error"]
    assert (
        row["join_url"] == next(m for m in sandbox.meetings() if str(m["id"]) == late)["join_url"]
    )


def test_a_host_that_cannot_be_listed_after_the_run_is_said_to_be_unverified(
    sandbox: ZoomSandbox, tmp_path: Path, sleeps: Sleeps
) -> None:
    from batch_zoom.sandbox import Fault

    path = write_csv(tmp_path / "in.csv", meeting_rows(2, hosts=1))
    assert not run_batch(settings_for(sandbox, path), sleep=sleeps).needs_attention
    sandbox.inject(Fault("error_before", method="GET", path="/users/", status=503, times=10**6))
    again = run_batch(settings_for(sandbox, path, max_wait=60.0), sleep=sleeps, clock=sleeps.clock)
    assert {r.status.value for r in again.results} == {"exists"}  # the rows themselves are fine
    assert again.receipt is not None and again.needs_attention  # but Zoom could not confirm
    line = again.receipt.line()
    assert (
        line.startswith("could not verify 2 rows (host0@example.com: ")
        and "verified on" not in line
    )


def test_a_host_whose_creates_are_done_is_listed_for_the_receipt_while_others_are_sent(
    zoom_env: ZoomSandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Creates go host by host; the first host's receipt listing need not wait for the last
    host's rows, and the receipt still covers every row."""
    path = write_csv(tmp_path / "in.csv", meeting_rows(40, hosts=2))
    assert main([str(path)]) == 0
    assert "verified on Zoom: 40 rows, 40 meetings, 0 duplicates" in capsys.readouterr().out
    log = zoom_env.requests
    posts = {
        host: [n for n, r in enumerate(log) if r.method == "POST" and r.host == host]
        for host in ("host0@example.com", "host1@example.com")
    }
    listings = {
        host: [
            n
            for n, r in enumerate(log)
            if r.method == "GET" and r.path.endswith(f"/users/{host}/meetings")
        ]
        for host in posts
    }
    first, second = sorted(posts, key=lambda host: posts[host][0])
    assert max(posts[first]) < min(posts[second][-10:])  # host by host
    receipt_of_first = listings[first][-1]
    assert max(posts[first]) < receipt_of_first < max(posts[second])  # while others are sent
    assert listings[second][-1] > max(posts[second])
