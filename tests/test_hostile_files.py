"""Hostile files (issue 17): a broken journal, a symlinked output, a full disk, odd encodings,
control characters in cells. Each runs the CLI against the sandbox over real HTTP."""

from __future__ import annotations

import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import openpyxl
import pytest
from conftest import Sleeps, meeting_rows, read_csv, write_csv

from batch_zoom.cells import printable
from batch_zoom.cli import main
from batch_zoom.files import write_atomically
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
    zoom_env: ZoomSandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str], sleeps: Sleeps
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
    assert main([str(path)], sleep=sleeps) == 0  # the two rows are found on Zoom, not made again
    assert 2.0 in sleeps.waits  # they were looked up after the settling wait
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


def test_every_atomic_write_clears_its_own_stale_temporaries_and_writes_through_links(
    tmp_path: Path,
) -> None:
    page = tmp_path / "pages" / "report.html"
    page.parent.mkdir()
    link = tmp_path / "report-link.html"
    link.symlink_to(page)
    long_ago = time.time() - 24 * 3600
    stale = page.parent / ".report.html.zz_00000.tmp"
    planted = page.parent / ".report.html.zz_00001.tmp"  # a stale name, but a symlink
    stale.write_text("half a page")
    planted.symlink_to(tmp_path / "not-ours")
    os.utime(stale, (long_ago, long_ago))
    write_atomically(link, b"<html></html>")
    assert link.is_symlink() and page.read_bytes() == b"<html></html>"
    assert not stale.exists() and planted.is_symlink()


# ------------------------------------------------------------------------------ input
# ------------------------------------------------------------------------------ a full disk
# Two ways to run out of room without touching the machine: the file-size limit (ulimit -f,
# RLIMIT_FSIZE) in the child process, and a tiny tmpfs in a private mount namespace.


def run_out_of_room(
    sandbox: ZoomSandbox, folder: Path, how: str, *args: str
) -> subprocess.CompletedProcess[str]:
    """The CLI in a child process whose writes fail for lack of room, in ``folder``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZOOM_")}
    env.update(
        ZOOM_ACCOUNT_ID="sandbox-account",
        ZOOM_CLIENT_ID="sandbox-client",
        ZOOM_CLIENT_SECRET="sandbox-secret",
        ZOOM_API_URL=sandbox.api_url,
        ZOOM_OAUTH_URL=sandbox.oauth_url,
        PYTHONDONTWRITEBYTECODE="1",
    )
    command = [sys.executable, "-m", "batch_zoom", *args, "--quiet", "--timezone", "Asia/Tokyo"]
    if how == "file-size limit":
        import resource

        def limit() -> None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
            # SIGXFSZ kills by default; CPython ignores it at start-up, and so does the tool.
            signal.signal(signal.SIGXFSZ, signal.SIG_DFL)

        return subprocess.run(
            command, cwd=folder, env=env, capture_output=True, text=True, preexec_fn=limit
        )
    # A 8 KB tmpfs holds the input and one 4 KB page more; what it wrote is copied back out.
    room = folder / "tiny"
    room.mkdir()
    env["TMPDIR"] = str(room)  # the recovered copy finds no room either
    script = (
        'mount -t tmpfs -o size=8k tmpfs "$1" && cp "$2"/*.csv "$1"/ && cd "$1" || exit 99; '
        'shift 2; "$@"; rc=$?; cp -a . "$OLDPWD"/; exit $rc'
    )
    return subprocess.run(
        ["unshare", "-rm", "sh", "-c", script, "sh", str(room), str(folder), *command],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
    )


def _can_mount_tmpfs() -> bool:
    if shutil.which("unshare") is None:
        return False
    probe = subprocess.run(
        ["unshare", "-rm", "sh", "-c", "mount -t tmpfs -o size=8k tmpfs /mnt"],
        capture_output=True,
    )
    return probe.returncode == 0


ROOM_MAKERS = [
    pytest.param(
        "file-size limit",
        marks=pytest.mark.skipif(sys.platform == "win32", reason="no RLIMIT_FSIZE on Windows"),
    ),
    pytest.param(
        "full disk",
        marks=pytest.mark.skipif(
            not sys.platform.startswith("linux") or not _can_mount_tmpfs(),
            reason="needs unshare -rm and a tmpfs mount (user namespaces) to fill a disk safely",
        ),
    ),
]


@pytest.mark.parametrize("how", ROOM_MAKERS)
@pytest.mark.parametrize(
    ("rows", "output"),
    [(3, "in_scheduled.xlsx"), (30, "in_scheduled.csv"), (30, "in_scheduled.xlsx")],
    ids=["output-full", "journal-full", "no-room-to-build-the-workbook"],
)
def test_no_room_to_write_is_exit_2_with_one_line_and_the_rerun_finishes_once(
    zoom_env: ZoomSandbox, tmp_path: Path, how: str, rows: int, output: str, sleeps: Sleeps
) -> None:
    # 3 rows: the journal fits, the workbook does not. 30 rows and a CSV: the journal fills up
    # midway. 30 rows and a workbook: openpyxl's temporary files for it do not fit, found by
    # the check before the first request.
    path = write_csv(tmp_path / "in.csv", meeting_rows(rows))
    result = run_out_of_room(zoom_env, tmp_path, how, "in.csv", "-o", output)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 2 and lines[1].startswith("hint: make room on the disk"), lines
    assert ("file too large" if how == "file-size limit" else "no space left") in lines[0]
    made = len(zoom_env.meetings())
    journal = tmp_path / f"{output}.journal"
    written = journal.read_text().splitlines() if journal.exists() else []  # checked first
    recorded = [json.loads(line) for line in written if line[-1:] == "}"]
    # Every meeting made is in the journal: its result, or at least the send, looked up next.
    created = {event["id"] for event in recorded if event["event"] == "created"}
    sent = {event["id"] for event in recorded if event["event"] == "sending"}
    assert created <= sent and len(sent) >= made >= len(created)
    if output.endswith(".csv"):
        assert 0 < made < rows or made == rows > len(created)  # stopped midway
    else:
        assert made == (rows if rows == 3 else 0) == len(created)
    if made == 0:
        assert zoom_env.requests == []  # not even a token
    assert not list(tmp_path.glob(f".{output}.*.tmp"))  # the failed write cleaned up

    assert main([str(path), "-o", str(tmp_path / output)], sleep=sleeps) == 0  # room again
    assert posts(zoom_env) == rows
    meetings = zoom_env.meetings()
    assert len(meetings) == rows
    if output.endswith(".csv"):
        links = {row["join_url"] for row in read_csv(tmp_path / output)}
    else:
        sheet = openpyxl.load_workbook(tmp_path / output).worksheets[0]
        at = [cell.value for cell in sheet[1]].index("join_url")
        links = {row[at] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert links == {m["join_url"] for m in meetings}


def test_a_cp1252_csv_reaches_zoom_as_written(zoom_env: ZoomSandbox, tmp_path: Path) -> None:
    path = tmp_path / "de.csv"
    path.write_bytes(
        "topic,start_time,duration,timezone\r\n"
        "Übung Größe,2030-01-07 10:00,30,Europe/Berlin\r\n"
        "Café crème,2030-01-08 10:00,30,Europe/Berlin\r\n".encode("cp1252")
    )
    assert main([str(path)]) == 0
    assert sorted(m["topic"] for m in zoom_env.meetings()) == ["Café crème", "Übung Größe"]


def test_an_encoding_the_detector_is_unsure_of_stops_with_exit_2_asking_for_it(
    zoom_env: ZoomSandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "short.csv"
    path.write_bytes("topic,start_time,duration\r\nÜ,2030-01-07 10:00,30\r\n".encode("cp1252"))
    assert main([str(path)]) == 2
    err = capsys.readouterr().err
    assert "cannot be told for sure" in err and "--encoding" in err
    assert zoom_env.requests == []
    assert main([str(path), "--encoding", "cp1252"]) == 0
    assert [m["topic"] for m in zoom_env.meetings()] == ["Ü"]


def test_terminal_escapes_in_cells_are_shown_escaped_on_the_terminal_and_in_the_report(
    zoom_env: ZoomSandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    title, clear = "\x1b]0;owned\x07", "\x1b[2J\x9b3J"
    path = write_csv(
        tmp_path / "in.csv",
        [
            [f"Review {title}", "2030-01-07 10:00", f"{clear}90", "Asia/Tokyo", "a@example.com"],
            ["Planning", "2030-01-07 11:00", "30", "Asia/Tokyo", f"b@example.com{clear}"],
            [f"Sync {title}", "2030-01-07 12:00", "30", "Asia/Tokyo", "c@example.com"],
        ],
    )
    report = tmp_path / "report.html"
    assert main([str(path), "--report", str(report)]) == 1
    captured = capsys.readouterr()
    page = report.read_text(encoding="utf-8")
    for shown in (captured.out, captured.err, page):
        assert not any(char in shown for char in "\x1b\x07\x9b")
    assert '"\\x1b[2J\\x9b3J90" is not' in captured.out  # the duration, as it is in the cell
    assert "b@example.com\\x1b[2J" in captured.out
    assert "\\x1b[2J\\x9b3J90" in page
    assert [m["topic"] for m in zoom_env.meetings()] == [f"Sync {title}"]  # sent as written


def test_a_nul_byte_in_a_cell_makes_that_row_invalid_naming_row_and_field(
    zoom_env: ZoomSandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = meeting_rows(3)
    rows[1][0] = "Weekly\x00sync"
    rows[2][4] = "c@example.com\x00"
    path = write_csv(tmp_path / "in.csv", rows)
    assert main([str(path)]) == 1
    out = capsys.readouterr().out
    assert "row 3: topic contains a NUL character" in out
    assert "row 4: host contains a NUL character" in out
    assert [m["topic"] for m in zoom_env.meetings()] == ["Meeting 000"]
    assert [row["status"] for row in read_csv(tmp_path / "in_scheduled.csv")] == [
        "created",
        "invalid",
        "invalid",
    ]


def test_a_dry_run_refuses_an_unreadable_journal_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_csv(tmp_path / "in.csv", meeting_rows(2))
    (tmp_path / "in_scheduled.csv.journal").write_bytes(b"\n\n")
    assert main([str(path), "--dry-run"]) == 2
    assert "is empty" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("cell", "shown"),
    [
        ("\x1b]0;owned\x07", "\\x1b]0;owned\\x07"),  # retitles the terminal window
        ("\x1b[2J\x9b3J", "\\x1b[2J\\x9b3J"),  # clears the screen (ESC and CSI forms)
        ("line\nbreak\r", "line\\x0abreak\\x0d"),
        ("evil\u202eexe.txt", "evil\\u202eexe.txt"),  # right-to-left override
        ("a\u2028b", "a\\u2028b"),
        ("会議室A – Größe", "会議室A – Größe"),  # letters of every script pass unchanged
    ],
)
def test_printable_escapes_what_could_drive_a_terminal(cell: str, shown: str) -> None:
    assert printable(cell) == shown
