"""The pipeline end to end through the CLI, in-process, against the sandbox over real HTTP."""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from conftest import meeting_rows, point_environment_at, read_csv, write_csv

from batch_zoom.cli import main
from batch_zoom.sandbox import ZoomSandbox

SAMPLES = Path(__file__).resolve().parents[1] / "samples"


def no_sleep(seconds: float) -> None:
    pass


def test_the_sample_workbook_becomes_one_meeting_per_row(
    zoom_env: ZoomSandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sample = shutil.copy(SAMPLES / "meetings.xlsx", tmp_path / "meetings.xlsx")
    assert main([str(sample)]) == 0
    output = tmp_path / "meetings_scheduled.xlsx"
    sheet = openpyxl.load_workbook(output).worksheets[0]
    header = [cell.value for cell in sheet[1]]
    rows = [
        dict(zip(header, values, strict=False))
        for values in sheet.iter_rows(min_row=2, values_only=True)
    ]
    held = {m["join_url"]: m for m in zoom_env.meetings()}
    assert len(rows) == 24 and len(held) == 24
    assert {row["join_url"] for row in rows} == set(held)
    for row in rows:
        meeting = held[row["join_url"]]
        assert row["status"] == "created"
        assert row["meeting_id"] == str(meeting["id"])
        assert row["passcode"] == meeting["password"]
        assert row["topic"] == meeting["topic"]
        assert row["room"]  # the user's own column is carried through
    assert zoom_env.count(path_contains="/oauth/token") == 1  # one token for the whole run
    out = capsys.readouterr().out
    assert "24 rows: 24 created" in out and "meetings_scheduled.xlsx" in out


@pytest.mark.parametrize("name", ["meetings.csv", "meetings_ja.csv"])
def test_the_csv_samples_run_clean(zoom_env: ZoomSandbox, tmp_path: Path, name: str) -> None:
    sample = shutil.copy(SAMPLES / name, tmp_path / name)
    assert main([str(sample)]) == 0
    rows = read_csv(tmp_path / name.replace(".csv", "_scheduled.csv"))
    assert {row["status"] for row in rows} == {"created"}
    assert {row["join_url"] for row in rows} == {m["join_url"] for m in zoom_env.meetings()}


def test_sandbox_flag_needs_no_account_and_says_the_links_are_not_real(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("ZOOM_ACCOUNT_ID", "ZOOM_CLIENT_ID", "ZOOM_CLIENT_SECRET", "ZOOM_API_URL"):
        monkeypatch.delenv(name, raising=False)
    sample = shutil.copy(SAMPLES / "meetings.csv", tmp_path / "meetings.csv")
    assert main([str(sample), "--sandbox"]) == 0
    assert "not real" in capsys.readouterr().out
    rows = read_csv(tmp_path / "meetings_sandbox.csv")  # never a real run's _scheduled file
    state = tmp_path / "meetings_sandbox.csv.sandbox.json"
    held = ZoomSandbox(state_path=state).meetings()  # what the sandbox kept between runs
    assert {row["join_url"] for row in rows} == {m["join_url"] for m in held}
    assert main([str(sample), "--sandbox"]) == 0  # a re-run finds them all
    assert {row["status"] for row in read_csv(tmp_path / "meetings_sandbox.csv")} == {"exists"}
    # --check reads the sandbox the schedule was made in, not an empty one of its own
    assert main([str(sample), "--sandbox", "--check"]) == 0
    assert {row["status"] for row in read_csv(tmp_path / "meetings_check.csv")} == {"exists"}
    capsys.readouterr()
    assert main([str(tmp_path / "meetings_sandbox.csv"), "--sandbox", "--check"]) == 0
    assert "missing" not in capsys.readouterr().out  # it said so of every row
    checked = read_csv(tmp_path / "meetings_sandbox_check.csv")
    assert {row["status"] for row in checked} == {"planned"}
    assert all(row["error"].startswith("in line with Zoom") for row in checked)
    assert not list(tmp_path.glob("*_check.csv.sandbox.json"))  # no empty sandbox of its own


def test_dry_run_sends_nothing_not_even_for_a_token(zoom_env: ZoomSandbox, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "plan.csv", meeting_rows(3) + [["Bad", "2030-01-07 10:00", "abc", "", ""]]
    )
    assert main([str(path), "--dry-run"]) == 1  # one invalid row
    assert zoom_env.requests == []
    rows = read_csv(tmp_path / "plan_scheduled.csv")
    assert [row["status"] for row in rows] == ["planned"] * 3 + ["invalid"]
    assert rows[3]["error"] == 'row 5: duration "abc" is not a number of minutes'


def test_invalid_rows_get_one_line_each_and_the_rest_go_ahead(
    zoom_env: ZoomSandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = meeting_rows(3)
    rows.insert(1, ["Broken", "2030-01-07 10:00", "90", "Asia/Tokio", ""])
    path = write_csv(tmp_path / "mixed.csv", rows)
    assert main([str(path)]) == 1
    out = capsys.readouterr().out
    assert 'row 3: timezone "Asia/Tokio" is not a known time zone (did you mean Asia/Tokyo?)' in out
    result = read_csv(tmp_path / "mixed_scheduled.csv")
    assert [row["status"] for row in result] == ["created", "invalid", "created", "created"]
    assert len(zoom_env.meetings()) == 3


def test_a_host_zoom_does_not_know_makes_its_rows_invalid_before_any_create(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with ZoomSandbox(users=["host0@example.com"]) as sandbox:
        point_environment_at(monkeypatch, sandbox, tmp_path)
        path = write_csv(tmp_path / "hosts.csv", meeting_rows(4, hosts=2))
        assert main([str(path)]) == 1
        result = read_csv(tmp_path / "hosts_scheduled.csv")
        creates_for_host1 = [
            r for r in sandbox.requests if r.method == "POST" and "host1@" in r.path
        ]
    assert [row["status"] for row in result] == ["created", "invalid", "created", "invalid"]
    assert result[1]["error"] == "row 3: host host1@example.com is not a user on this Zoom account"
    assert creates_for_host1 == []


def test_result_columns_already_in_the_sheet_are_filled_not_added(
    zoom_env: ZoomSandbox, tmp_path: Path
) -> None:
    header = ["topic", "start_time", "duration", "join_url", "password"]
    path = write_csv(
        tmp_path / "prepared.csv", [["Prepared", "2030-01-07 10:00", "60", "", "pw123"]], header
    )
    assert main([str(path)]) == 0
    with (tmp_path / "prepared_scheduled.csv").open(encoding="utf-8-sig") as handle:
        written_header = handle.readline().strip().split(",")
    assert written_header == header + ["meeting_id", "status", "error"]
    row = read_csv(tmp_path / "prepared_scheduled.csv")[0]
    assert row["password"] == "pw123" and row["join_url"] == zoom_env.meetings()[0]["join_url"]


def test_output_flag_and_rerun_exit_zero(zoom_env: ZoomSandbox, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "in.csv", meeting_rows(2))
    out = tmp_path / "elsewhere" / "links.csv"
    out.parent.mkdir()
    assert main([str(path), "-o", str(out)]) == 0
    assert main([str(path), "-o", str(out)]) == 0
    assert zoom_env.count(method="POST", path_contains="/meetings") == 2
    assert [row["status"] for row in read_csv(out)] == ["exists", "exists"]


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {"ZOOM_CLIENT_SECRET": "wrong"},
            "Zoom refused the credentials: Invalid client_id or client_secret",
        ),
        ({"ZOOM_ACCOUNT_ID": "nobody"}, "Zoom refused the credentials"),
        ({"ZOOM_CLIENT_ID": ""}, "Zoom credentials are not set: ZOOM_CLIENT_ID"),
    ],
)
def test_bad_credentials_stop_before_any_row_with_exit_2(
    zoom_env: ZoomSandbox,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    env: dict[str, str],
    message: str,
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    path = write_csv(tmp_path / "in.csv", meeting_rows(2))
    assert main([str(path)]) == 2
    err = capsys.readouterr().err
    assert message in err and "hint:" in err and "ZOOM_CLIENT_SECRET" in err
    assert "wrong" not in err and "sandbox-secret" not in err
    assert zoom_env.count(method="POST", path_contains="/meetings") == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("topic,duration\nA,60\n", "start_time"),
        ("", "cols.csv is empty"),
    ],
)
def test_a_sheet_without_the_needed_columns_exits_2_with_one_line(
    zoom_env: ZoomSandbox,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    content: str,
    message: str,
) -> None:
    path = tmp_path / "cols.csv"
    path.write_text(content, encoding="utf-8")
    assert main([str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("batch_zoom: ") and message in err.splitlines()[0]
    assert "Traceback" not in err


def test_a_missing_file_and_an_unknown_zone_flag_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main([str(tmp_path / "nope.xlsx"), "--dry-run"]) == 2
    path = write_csv(tmp_path / "in.csv", meeting_rows(1))
    assert main([str(path), "--dry-run", "--timezone", "Mars/Olympus"]) == 2
    err = capsys.readouterr().err
    assert "nope.xlsx does not exist" in err and "'Mars/Olympus' is not a known time zone" in err


def test_zoom_out_of_reach_is_one_line_and_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with ZoomSandbox() as sandbox:
        point_environment_at(
            monkeypatch, sandbox, tmp_path
        )  # the port is closed once the sandbox stops
    path = write_csv(tmp_path / "in.csv", meeting_rows(1))
    assert main([str(path)], sleep=no_sleep) == 2
    err = capsys.readouterr().err
    assert "could not connect" in err and "Traceback" not in err


def test_secrets_tokens_and_host_links_appear_nowhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    canary = "canary-secret-5e1f0c2d9b"
    with ZoomSandbox(client_secret=canary) as sandbox:
        point_environment_at(monkeypatch, sandbox, tmp_path)
        monkeypatch.setenv("ZOOM_CLIENT_SECRET", canary)
        path = write_csv(tmp_path / "in.csv", meeting_rows(3) + [["Bad", "x", "1", "", ""]])
        assert main([str(path), "--report", str(tmp_path / "report.html")]) == 1
        xlsx = tmp_path / "in.xlsx"
        assert main([str(path), "-o", str(xlsx)]) == 1
        checked = ["--check", "--hosts", "host0@example.com", "-o", str(tmp_path / "check.csv")]
        assert main([str(path), *checked]) == 1  # the host look-ups' answers stay out too
        start_urls = [m["start_url"] for m in sandbox.meetings()]
        token_digests = set(sandbox._state.tokens)  # the sandbox keeps sha256 of each token
    captured = capsys.readouterr()
    # two outputs, two journals, one batch: the second run found the first one's meetings on
    # Zoom (their GET answers hold start_url) and adopted them
    assert len(start_urls) == 3 and token_digests
    texts = [captured.out, captured.err]
    for written in tmp_path.iterdir():
        if written.is_file() and written.suffix != ".xlsx":
            texts.append(written.read_text(encoding="utf-8", errors="replace"))
    workbook = openpyxl.load_workbook(xlsx)
    texts.extend(str(cell.value) for sheet in workbook for row in sheet.iter_rows() for cell in row)
    everything = "\n".join(texts)
    assert canary not in everything
    assert not any(url in everything for url in start_urls)
    assert "/s/" not in everything  # the path of Zoom's host links
    words = set(re.findall(r"[A-Za-z0-9._~+/=-]{16,}", everything))
    assert not {hashlib.sha256(word.encode()).hexdigest() for word in words} & token_digests


def test_no_part_of_a_patched_workbook_holds_a_secret_or_a_host_link(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The .xlsx writer edits the user's package: every part it writes (the sheet, its
    # hyperlink relationships, the Summary) is searched, not only the cell values.
    canary = "canary-secret-7a3d41e8c6"
    book = openpyxl.Workbook()
    book.active.append(["topic", "start_time", "duration", "timezone", "host"])
    for row in meeting_rows(3):
        book.active.append(row)
    source = tmp_path / "in.xlsx"
    book.save(source)
    with ZoomSandbox(client_secret=canary) as sandbox:
        point_environment_at(monkeypatch, sandbox, tmp_path)
        monkeypatch.setenv("ZOOM_CLIENT_SECRET", canary)
        assert main([str(source), "-o", str(tmp_path / "out.xlsx"), "--quiet"]) == 0
        start_urls = [m["start_url"] for m in sandbox.meetings()]
        join_urls = [m["join_url"] for m in sandbox.meetings()]
    with zipfile.ZipFile(tmp_path / "out.xlsx") as archive:
        everything = "\n".join(
            archive.read(name).decode("utf-8", errors="replace") for name in archive.namelist()
        )
    assert len(start_urls) == 3 and all(url in everything for url in join_urls)
    assert canary not in everything
    assert not any(url in everything for url in start_urls) and "/s/" not in everything


def test_help_explains_every_option_with_an_example() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "batch_zoom", "--help"], capture_output=True, text=True, check=True
    )
    for flag in (
        "-o",
        "--sheet",
        "--timezone",
        "--user",
        "--dry-run",
        "--sandbox",
        "--encoding",
        "--rate",
        "--workers",
        "--undo",
        "--waiting-room",
        "--check",
        "--hosts",
        "--no-double-booking",
        "examples:",
    ):
        assert flag in result.stdout
    assert "python -m batch_zoom december.xlsx" in result.stdout


def test_a_dry_run_of_an_output_sheet_leaves_that_sheet_alone(
    zoom_env: ZoomSandbox, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "in.csv", meeting_rows(2))
    assert main([str(path)]) == 0
    output = tmp_path / "in_scheduled.csv"
    before = output.read_bytes()
    requests_before = len(zoom_env.requests)
    assert main([str(output), "--dry-run"]) == 0
    assert output.read_bytes() == before
    assert len(zoom_env.requests) == requests_before
    planned = read_csv(tmp_path / "in_scheduled_dry_run.csv")
    assert [row["status"] for row in planned] == ["planned", "planned"]


def test_options_and_recurrence_reach_zoom_with_batch_defaults_and_row_cells_winning(
    zoom_env: ZoomSandbox, tmp_path: Path
) -> None:
    header = [
        "topic",
        "start_time",
        "duration",
        "waiting_room",
        "auto_recording",
        "recurrence",
        "passcode",
        "alternative_hosts",
    ]
    rows = [
        ["Defaults", "2030-01-07 10:00", "60", "", "", "", "", ""],
        [
            "Own cells",
            "2030-01-07 11:00",
            "60",
            "no",
            "local",
            "weekly on Mon,Wed x6",
            "ab12",
            "x@example.com, y@example.com",
        ],
    ]
    path = write_csv(tmp_path / "options.csv", rows, header)
    assert main([str(path), "--waiting-room", "yes", "--auto-recording", "cloud"]) == 0
    made = {m["topic"]: m for m in zoom_env.meetings()}
    assert made["Defaults"]["settings"]["waiting_room"] is True
    assert made["Defaults"]["settings"]["auto_recording"] == "cloud"
    assert made["Defaults"]["type"] == 2
    own = made["Own cells"]
    assert own["settings"]["waiting_room"] is False and own["settings"]["auto_recording"] == "local"
    assert own["settings"]["alternative_hosts"] == "x@example.com;y@example.com"
    assert own["type"] == 8 and own["password"] == "ab12"
    assert own["recurrence"] == {
        "type": 2,
        "repeat_interval": 1,
        "weekly_days": "2,4",
        "end_times": 6,
    }
    written = read_csv(tmp_path / "options_scheduled.csv")
    assert (
        written[1]["passcode"] == "ab12" and written[0]["passcode"] == made["Defaults"]["password"]
    )


def test_a_dry_run_warns_of_rows_past_a_hosts_daily_limit(
    zoom_env: ZoomSandbox, tmp_path: Path
) -> None:
    rows = [
        [f"M{n}", f"2030-01-{1 + n // 10:02d} {8 + n % 10:02d}:00", 30, "UTC", "one@example.com"]
        for n in range(102)
    ]
    path = write_csv(tmp_path / "many.csv", rows)
    assert main([str(path), "--dry-run"]) == 0
    notes = [row["error"] for row in read_csv(tmp_path / "many_scheduled.csv")]
    assert notes[:100] == ["would create"] * 100
    assert all("expect this row to be deferred" in note for note in notes[100:])


def test_a_real_run_refuses_to_manage_meetings_the_sandbox_made(
    zoom_env: ZoomSandbox,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = write_csv(tmp_path / "in.csv", meeting_rows(2))
    assert main([str(path), "--sandbox"]) == 0
    capsys.readouterr()
    monkeypatch.delenv("ZOOM_API_URL")  # Zoom's own API; it is never reached: nothing to send
    monkeypatch.delenv("ZOOM_OAUTH_URL")
    assert main([str(tmp_path / "in_sandbox.csv")]) == 1  # the real run, on the sandbox's output
    out = capsys.readouterr().out
    assert out.count("was made by the sandbox (its link is not real)") == 2
    assert zoom_env.requests == []


def test_a_second_run_of_the_same_batch_at_once_is_refused(
    zoom_env: ZoomSandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from batch_zoom.run.journal import Journal

    path = write_csv(tmp_path / "in.csv", meeting_rows(2))
    holder = Journal(tmp_path / "in_scheduled.csv.journal", "elsewhere")  # the other run
    try:
        assert main([str(path)]) == 2
    finally:
        holder.close()
    assert "another batch_zoom run is working on this batch" in capsys.readouterr().err
    assert zoom_env.requests == []


def test_a_reader_that_stops_early_gets_no_traceback(tmp_path: Path) -> None:
    """``batch_zoom ... | head -1``: the reader is gone before the summary is printed."""
    path = write_csv(tmp_path / "in.csv", [["Bad", "x", "1", "", ""]] * 3)
    process = subprocess.Popen(
        [sys.executable, "-m", "batch_zoom", str(path), "--dry-run"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # nobody reads: every print meets a broken pipe
    errors = process.stderr.read().decode()
    assert process.wait(timeout=60) == 141
    assert "Traceback" not in errors and "BrokenPipe" not in errors
    assert (tmp_path / "in_scheduled.csv").exists()  # the work itself was done


def test_a_dry_run_of_a_sandbox_output_with_sandbox_plans_its_rows(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    path = write_csv(tmp_path / "in.csv", meeting_rows(2))
    assert main([str(path), "--sandbox", "--quiet"]) == 0
    output = tmp_path / "in_sandbox.csv"
    assert main([str(output), "--sandbox", "--dry-run", "--quiet"]) == 0
    rows = read_csv(tmp_path / "in_sandbox_dry_run.csv")
    assert [row["status"] for row in rows] == ["planned", "planned"]


def test_rows_deferred_by_a_hosts_daily_limit_are_said_in_one_line_per_host(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with ZoomSandbox(daily_limit=2) as sandbox:
        point_environment_at(monkeypatch, sandbox, tmp_path)
        rows = [  # one a day, so that no row is a double booking with its own note
            [f"Meeting {n}", f"2030-01-{n + 1:02d} 10:00", 30, "Asia/Tokyo", f"host{n % 2}@x.org"]
            for n in range(10)
        ]
        rows.append(["Bad row", "2030-01-20 10:00", "abc", "Asia/Tokyo", "host0@x.org"])
        assert main([str(write_csv(tmp_path / "in.csv", rows))]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert "11 rows: 4 created, 1 invalid, 6 deferred" in lines
    # each host made 2 and had 3 deferred: which 3 is the order Zoom answered in
    deferred = [line for line in lines if ": deferred: " in line]
    assert len(deferred) == 2
    for host in ("host0@x.org", "host1@x.org"):
        (line,) = [line for line in deferred if f" {host} " in line]
        assert re.fullmatch(rf"rows \d+, \d+, \d+: deferred: {re.escape(host)} has used .*", line)
    assert 'row 12: duration "abc" is not a number of minutes' in lines
