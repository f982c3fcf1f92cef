"""Two coordinators run the same sheet at the same moment on two computers (issue 23, row 1).

Each makes its own meeting per row (Zoom's listing showed neither the other's yet), each output
names its own, and each then runs ``--remove-duplicates``. Today each deletes the meetings the
other output names: every row ends with no meeting. Both must converge instead: one meeting per
row (the oldest, a rule both apply alike), both outputs naming it, and no meeting deleted that
an output still names; where people registered, both meetings are kept and named.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from conftest import ZoomTime, read_csv, settings_for, write_csv

from batch_zoom.run.batch import BatchReport, run_batch
from batch_zoom.sandbox import Habits, ZoomSandbox

ROWS = [
    [f"Seminar {n}", f"2030-01-07 {9 + n:02d}:00", 60, "Asia/Tokyo", "host0@example.com"]
    for n in range(6)
]


def run(
    sandbox: ZoomSandbox, path: Path, output: Path, *, remove: bool = False, rows: object = None
) -> BatchReport:
    time = ZoomTime(sandbox)
    settings = settings_for(sandbox, path, output_path=output, remove_duplicates=remove)
    return run_batch(settings, sleep=time, clock=time.clock)


def named(output: Path) -> list[str]:
    return [row["meeting_id"] for row in read_csv(output)]


@pytest.fixture
def two_outputs(sandbox: ZoomSandbox, tmp_path: Path) -> tuple[Path, Path, Path]:
    """The sheet run by A, then a second later by B, before Zoom's listing showed A's."""
    sandbox.habits = Habits(listing_lag=30)  # neither sees the other's meetings while creating
    path = write_csv(tmp_path / "in.csv", ROWS)
    first, second = tmp_path / "a" / "in_scheduled.csv", tmp_path / "b" / "in_scheduled.csv"
    first.parent.mkdir()
    second.parent.mkdir()
    a = run(sandbox, path, first)
    sandbox.advance(1)  # B's creates come a second later: A's are the older
    b = run(sandbox, path, second)
    assert Counter(r.status.value for r in a.results) == {"created": 6}
    assert Counter(r.status.value for r in b.results) == {"created": 6}
    assert len(sandbox.meetings()) == 12  # two per row: the race this test is about
    sandbox.advance(60)  # Zoom lists them all by now
    return path, first, second


@pytest.mark.parametrize("order", ["a_first", "b_first"])
def test_two_coordinators_removing_duplicates_converge_on_one_meeting_per_row(
    sandbox: ZoomSandbox, two_outputs: tuple[Path, Path, Path], order: str
) -> None:
    path, first, second = two_outputs
    older = set(named(first))
    deleted: list[str] = []
    outputs = [first, second] if order == "a_first" else [second, first]
    for output in outputs:
        before = {str(m["id"]) for m in sandbox.meetings()}
        run(sandbox, path, output, remove=True)
        after = {str(m["id"]) for m in sandbox.meetings()}
        gone = before - after
        deleted += gone
        for other in (first, second):  # no meeting deleted that an output still names
            assert not gone & set(named(other)), f"deleted what {other.parent.name} names"
    held = sandbox.meetings()
    assert len(held) == 6, f"{len(held)} meetings for 6 rows"
    assert {str(m["id"]) for m in held} == older  # the oldest, as both sides chose
    assert named(first) == named(second), "the two outputs name different meetings"
    assert all(row["join_url"] for row in read_csv(second))
    links = {str(m["id"]): m["join_url"] for m in held}
    assert [row["join_url"] for row in read_csv(second)] == [
        links[meeting_id] for meeting_id in named(second)
    ]
    assert set(deleted).isdisjoint(older)
    switched = read_csv(second)
    assert all("share this row's new link again" in row["error"] for row in switched)

    for output in (first, second):  # and a run afterwards finds nothing left to do
        again = run(sandbox, path, output, remove=True)
        assert again.receipt is not None and not again.needs_attention
        assert again.receipt.line() == "verified on Zoom: 6 rows, 6 meetings, 0 duplicates"


def test_the_older_output_never_deletes_the_other_outputs_meetings(
    sandbox: ZoomSandbox, two_outputs: tuple[Path, Path, Path]
) -> None:
    path, first, _second = two_outputs
    report = run(sandbox, path, first, remove=True)
    assert len(sandbox.meetings()) == 12  # B's are B's: A names the one to keep, deletes none
    assert sandbox.count("DELETE", path_contains="/meetings") == 0
    assert report.needs_attention  # until B's output moves to A's meetings
    for row, meeting_id in zip(read_csv(first), named(first), strict=True):
        assert "was not made by this output for this row" in row["error"]
        assert f"keep meeting {meeting_id}" in row["error"]


def test_without_remove_duplicates_each_output_is_told_which_meeting_to_keep(
    sandbox: ZoomSandbox, two_outputs: tuple[Path, Path, Path]
) -> None:
    path, first, second = two_outputs
    run(sandbox, path, second)
    assert len(sandbox.meetings()) == 12  # nothing deleted, nothing switched
    for row, kept in zip(read_csv(second), named(first), strict=True):
        assert f"meeting {kept}, made first: keep {kept}" in row["error"]
        assert "--remove-duplicates" in row["error"]


def test_meetings_people_registered_for_are_both_kept_and_named(
    sandbox: ZoomSandbox, tmp_path: Path
) -> None:
    sandbox.habits = Habits(listing_lag=30)
    header = ["topic", "start_time", "duration", "timezone", "host", "participants"]
    rows = [[*row, f"student{n}@example.com"] for n, row in enumerate(ROWS[:3])]
    path = write_csv(tmp_path / "in.csv", rows, header)
    first, second = tmp_path / "a" / "in_scheduled.csv", tmp_path / "b" / "in_scheduled.csv"
    first.parent.mkdir()
    second.parent.mkdir()
    run(sandbox, path, first)
    sandbox.advance(1)
    run(sandbox, path, second)
    sandbox.advance(60)
    assert len(sandbox.meetings()) == 6
    for output in (second, first):
        report = run(sandbox, path, output, remove=True)
        assert report.needs_attention  # two meetings a row, people on each: the user decides
    assert sandbox.count("DELETE", path_contains="/meetings") == 0
    assert len(sandbox.meetings()) == 6
    assert all(sandbox.registrants(meeting_id) for meeting_id in named(first) + named(second))
    for row, kept in zip(read_csv(second), named(first), strict=True):
        assert row["meeting_id"] != kept and row["join_url"]  # B's output still names its own
        assert f"keep {kept}" in row["error"]
