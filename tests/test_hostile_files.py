"""Hostile files (issue 17): a broken journal, a symlinked output, a full disk, odd encodings,
control characters in cells. Each runs the CLI against the sandbox over real HTTP."""

from __future__ import annotations

import json
import os
import stat
import time
from collections import Counter
from pathlib import Path

import pytest
from conftest import meeting_rows, read_csv, write_csv

from batch_zoom.cli import main
from batch_zoom.sandbox import ZoomSandbox


def assert_one_meeting_per_row(sandbox: ZoomSandbox, output: Path, rows: int) -> None:
    meetings = sandbox.meetings()
    made = Counter((m["host_email"], m["topic"], m["start_time"]) for m in meetings)
    assert len(meetings) == rows and max(made.values()) == 1
    written = read_csv(output)
    assert {row["join_url"] for row in written} == {m["join_url"] for m in meetings}


def posts(sandbox: ZoomSandbox) -> int:
    return sandbox.count(method="POST", path_contains="/meetings")


# ------------------------------------------------------------------------------ the journal


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"", "is empty"),
        (b"\n\n\r\n", "is empty"),
        ("utf-16", "no longer UTF-8 text"),
        (b"topic,start_time\nhello,world\n", "is not a batch_zoom journal"),
        (b'{"event": "sending", "id": "x"}\n', "is not a batch_zoom journal"),
    ],
    ids=["empty", "only-newlines", "utf-16", "foreign-text", "no-header"],
)
def test_an_unreadable_or_foreign_journal_stops_before_any_request(
    zoom_env: ZoomSandbox,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    content: bytes | str,
    says: str,
) -> None:
    path = write_csv(tmp_path / "in.csv", meeting_rows(3))
    assert main([str(path)]) == 0
    journal = tmp_path / "in_scheduled.csv.journal"
    if content == "utf-16":  # Notepad's "Save as Unicode"
        content = journal.read_text(encoding="utf-8").encode("utf-16")
    assert isinstance(content, bytes)
    journal.write_bytes(content)
    before = len(zoom_env.requests)
    capsys.readouterr()
    assert main([str(path)]) == 2
    err = capsys.readouterr().err
    assert says in err and str(journal) in err and "hint:" in err and "Traceback" not in err
    assert len(zoom_env.requests) == before  # not even a token was asked for
    assert len(zoom_env.meetings()) == 3


def test_malformed_journal_lines_are_skipped_with_a_warning_and_nothing_is_made_twice(
    zoom_env: ZoomSandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_csv(tmp_path / "in.csv", meeting_rows(4))
    assert main([str(path)]) == 0
    journal = tmp_path / "in_scheduled.csv.journal"
    lines = journal.read_text(encoding="utf-8").splitlines()
    created = [i for i, line in enumerate(lines) if json.loads(line)["event"] == "created"]
    hostile = dict(json.loads(lines[created[0]]), id={"an": "object"})
    lines[created[0]] = json.dumps(hostile)  # that row's create answer is now unreadable
    lines[created[1]] = json.dumps(dict(json.loads(lines[created[1]]), meeting_id=[1, 2]))
    lines.insert(2, "[1, 2, 3]")
    lines.insert(3, "not json at all }")
    journal.write_text("\n".join(lines) + "\n", encoding="utf-8")
    capsys.readouterr()
    assert main([str(path)]) == 0  # the two rows are found on Zoom, not made again
    err = capsys.readouterr().err
    assert "warning: the journal" in err and "4 unreadable lines" in err
    assert "Traceback" not in err
    assert posts(zoom_env) == 4
    assert_one_meeting_per_row(zoom_env, tmp_path / "in_scheduled.csv", 4)


def test_the_journal_is_private_to_its_owner(zoom_env: ZoomSandbox, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "in.csv", meeting_rows(2))
    assert main([str(path)]) == 0
    journal = tmp_path / "in_scheduled.csv.journal"
    assert stat.S_IMODE(journal.stat().st_mode) == 0o600
    journal.chmod(0o644)  # as an older version left it
    assert main([str(path)]) == 0
    assert stat.S_IMODE(journal.stat().st_mode) == 0o600


# ------------------------------------------------------------------------------ output paths


def test_an_output_through_a_symlink_keeps_the_targets_journal_and_stays_a_link(
    zoom_env: ZoomSandbox, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "in.csv", meeting_rows(3))
    assert main([str(path)]) == 0
    target = tmp_path / "in_scheduled.csv"
    link = tmp_path / "shared" / "latest.csv"
    link.parent.mkdir()
    link.symlink_to(os.path.relpath(target, link.parent))
    assert main([str(path), "-o", str(link)]) == 0
    assert posts(zoom_env) == 3  # the target's journal knew every row
    assert link.is_symlink() and link.resolve() == target.resolve()
    assert {row["status"] for row in read_csv(target)} == {"exists"}
    assert not list(link.parent.glob("*.journal"))
    assert_one_meeting_per_row(zoom_env, target, 3)


def test_a_later_run_removes_only_our_own_stale_temporary_files(
    zoom_env: ZoomSandbox, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "in.csv", meeting_rows(2))
    long_ago = time.time() - 24 * 3600
    stale = tmp_path / ".in_scheduled.csv.k3j_9xq2.tmp"  # a kill during the output write
    fresh = tmp_path / ".in_scheduled.csv.a1b2c3d4.tmp"  # a write going on right now
    other = tmp_path / ".other.csv.k3j_9xq2.tmp"  # another file's
    lookalike = tmp_path / ".in_scheduled.csv.mine.tmp"  # not a name we make
    for leftover in (stale, fresh, other, lookalike):
        leftover.write_bytes(b"half a workbook")
    for old in (stale, other, lookalike):
        os.utime(old, (long_ago, long_ago))
    assert main([str(path)]) == 0
    assert not stale.exists()
    assert fresh.exists() and other.exists() and lookalike.exists()


# ------------------------------------------------------------------------------ input
