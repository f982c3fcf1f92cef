"""Issue 24: the traps of a new user's first hour, each shown as the user meets it."""

from __future__ import annotations

import itertools
import os
import re
import shutil
import socket
from datetime import date, time, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import openpyxl
import pytest
from conftest import Sleeps, meeting_rows, settings_for, write_csv

from batch_zoom.cli import main
from batch_zoom.errors import (
    ConnectionLost,
    InputError,
    RateLimited,
    ServerError,
    UnreadableAnswer,
    ZoomUnreachable,
)
from batch_zoom.run.batch import run_batch
from batch_zoom.run.journal import Journal, _still_named
from batch_zoom.sandbox import ZoomSandbox
from batch_zoom.sheet.package import near_box
from batch_zoom.zoom.reach import Reach

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"


def test_no_arguments_is_a_short_hint_to_the_sample_the_page_and_help(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main([]) == 2  # as argparse exits for a missing INPUT
    out, err = capsys.readouterr()
    assert out == ""
    lines = err.splitlines()
    assert len(lines) <= 5
    assert "usage:" not in err and "error:" not in err
    assert "python -m batch_zoom samples/meetings.xlsx --sandbox" in err
    assert "--ui" in err
    assert "python -m batch_zoom --help" in err


def test_no_arguments_reads_japanese(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BATCH_ZOOM_LANG", "ja")
    assert main([]) == 2
    err = capsys.readouterr().err
    assert "python -m batch_zoom samples/meetings.xlsx --sandbox" in err
    assert "サンプル" in err


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_help_names_every_scope_and_the_batch_zoom_command(
    capsys: pytest.CaptureFixture[str], lang: str
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--help", "--lang", lang])
    assert exited.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    # every scope the README and its page on a real run ask for (the granular ones aside)
    asked = {
        scope
        for page in (ROOT / "README.md", ROOT / "docs" / "real-run.md")
        for scope in re.findall(r"\b[a-z_]+:(?:read|write):admin\b", page.read_text())
    }
    assert {"meeting:write:admin", "user:read:admin", "webinar:read:admin"} <= asked
    for scope in sorted(asked):
        assert scope in text
    assert "batch-zoom december.xlsx" in text


# -- never silent for long: Zoom's token answers and its API does not, or nothing answers ------


def closed_port_url(path: str) -> str:
    """An address on this computer where nothing listens: every connection is refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}{path}"


@pytest.mark.parametrize("unreachable", ["api", "both"])
def test_a_zoom_that_does_not_answer_is_said_within_seconds_and_given_up_in_a_minute(
    sandbox: ZoomSandbox, tmp_path: Path, sleeps: Sleeps, unreachable: str
) -> None:
    api_url = closed_port_url("/v2")
    oauth_url = sandbox.oauth_url if unreachable == "api" else closed_port_url("/oauth/token")
    path = write_csv(tmp_path / "in.csv", meeting_rows(6, hosts=3))
    settings = settings_for(sandbox, path, api_url=api_url, oauth_url=oauth_url)
    heard: list[tuple[float, str]] = []
    began = sleeps.now
    with pytest.raises(ZoomUnreachable) as raised:
        run_batch(
            settings,
            sleep=sleeps,
            clock=sleeps.clock,
            notify=lambda line: heard.append((sleeps.now - began, line)),
        )
    silent_host = urlsplit(api_url if unreachable == "api" else oauth_url).netloc
    assert raised.value.host == silent_host
    assert sleeps.now - began <= 65  # given up within about a minute, not ten
    first_at, first = heard[0]
    assert first_at <= 2  # said within seconds
    assert re.fullmatch(
        rf"waiting for Zoom: no answer from {re.escape(silent_host)}, retrying in \d+ s", first
    )
    times = [at for at, _line in heard]
    assert all(later - earlier >= 5 for earlier, later in itertools.pairwise(times))
    assert not settings.output_path.exists()  # no receipt, no results that were not seen
    assert sandbox.meetings() == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv"]  # and no journal either


def test_the_command_line_says_it_waits_and_exits_2_with_a_hint_and_no_receipt(
    zoom_env: ZoomSandbox,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("ZOOM_API_URL", closed_port_url("/v2"))
    path = write_csv(tmp_path / "in.csv", meeting_rows(3))
    assert main([str(path)], sleep=lambda seconds: None) == 2  # it was 1, after 10 minutes
    out, err = capsys.readouterr()
    assert "waiting for Zoom: no answer from 127.0.0.1:" in err
    assert "gave up and sent nothing more" in err and "\nhint: check that this computer" in err
    assert "verified on Zoom" not in out + err
    assert zoom_env.meetings() == []


# -- nothing is left behind by a run that sent nothing -------------------------------------


def test_a_wrong_secret_leaves_no_journal_beside_the_output(
    zoom_env: ZoomSandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ZOOM_CLIENT_SECRET", "wrong")
    path = write_csv(tmp_path / "in.csv", meeting_rows(2))
    assert main([str(path)]) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv"]


def test_a_journal_that_recorded_something_stays_and_one_that_did_not_goes(
    tmp_path: Path,
) -> None:
    unused = tmp_path / "unused.csv.journal"
    Journal(unused, "sandbox").remove_if_unused()
    assert not unused.exists()
    used = tmp_path / "used.csv.journal"
    journal = Journal(used, "sandbox")
    journal.record("sending", id="a", host="h@example.com")
    journal.remove_if_unused()
    assert Journal(used, "sandbox").state.in_flight  # kept, and read again by the next run
    assert sorted(p.name for p in tmp_path.iterdir()) == ["used.csv.journal"]


def test_a_journal_removed_under_a_run_that_was_opening_it_is_refused_not_written(
    tmp_path: Path,
) -> None:
    path = tmp_path / "out.csv.journal"
    Journal(path, "sandbox").close()
    descriptor = os.open(path, os.O_RDONLY)
    try:
        assert _still_named(path, descriptor)
        path.unlink()  # the first run removed it, unused, after this one opened it
        Journal(path, "sandbox").close()  # and a third made it anew
        assert not _still_named(path, descriptor)  # so this one must not write to its copy
    finally:
        os.close(descriptor)


# -- an open file is not overwritten -------------------------------------------------------


@pytest.mark.parametrize(
    ("lock", "program"),
    [
        ("~$december_scheduled.xlsx", "Excel"),
        ("~$cember_scheduled.xlsx", "Excel"),
        (".~lock.december_scheduled.xlsx#", "LibreOffice"),
    ],
)
@pytest.mark.parametrize("dry_run", [False, True])
def test_an_output_open_in_excel_or_libreoffice_stops_the_run_before_any_request(
    zoom_env: ZoomSandbox,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    lock: str,
    program: str,
    dry_run: bool,
) -> None:
    path = write_csv(tmp_path / "december.csv", meeting_rows(2))
    output = tmp_path / "december_scheduled.xlsx"
    output.write_bytes(b"the user's earlier results")
    (tmp_path / lock).write_bytes(b"owner")
    assert main([str(path), "-o", str(output), *(["--dry-run"] if dry_run else [])]) == 2
    err = capsys.readouterr().err
    assert f"december_scheduled.xlsx is open in {program}" in err
    assert f"hint: close december_scheduled.xlsx in {program} and run again" in err
    assert output.read_bytes() == b"the user's earlier results"
    assert zoom_env.requests == []
    assert not (tmp_path / "december_scheduled.xlsx.journal").exists()


def test_a_lock_file_of_another_workbook_does_not_stop_the_run(
    zoom_env: ZoomSandbox, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "december.csv", meeting_rows(2))
    (tmp_path / "~$december.xlsx").write_bytes(b"owner")  # the input's sibling, not the output
    (tmp_path / ".~lock.november_scheduled.xlsx#").write_bytes(b"owner")
    assert main([str(path), "-o", str(tmp_path / "december_scheduled.xlsx")]) == 0
    assert len(zoom_env.meetings()) == 2


# -- the user's words: 25:00 in a time cell, hours and minutes as durations -------------------


def test_excel_s_25_00_in_a_time_cell_reads_as_the_user_typed_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["topic", "date", "start_time", "duration", "timezone"])
    sheet.append(["Late class", date(2030, 1, 7), timedelta(hours=25), 30, "Asia/Tokyo"])
    sheet["C2"].number_format = "[h]:mm"  # as Excel keeps 25:00 typed in a time cell
    sheet.append(["Class", date(2030, 1, 7), time(9, 0), "1時間半", "Asia/Tokyo"])
    workbook.save(tmp_path / "in.xlsx")
    assert main([str(tmp_path / "in.xlsx"), "--dry-run"]) == 1
    out = capsys.readouterr().out
    assert (
        'row 2: start_time "25:00" is not a time of day: the clock of a day runs from 0:00 to 23:59'
        in out
    )
    assert "day," not in out  # Python's "1 day, 1:00:00" is not the user's word
    assert "1 planned" in out  # 1時間半 is 90 minutes


# -- the Summary sheet: rows needing attention show their topic and host ----------------------


def test_the_summary_shows_an_invalid_row_s_topic_and_counts_it_under_its_given_host(
    tmp_path: Path,
) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["topic", "start_time", "duration", "timezone", "host"])
    sheet.append(["Budget review", "2030-01-07 10:00", "abc", "Asia/Tokyo", "carol@example.com"])
    sheet.append(["Open day", "2030-01-07 11:00", 30, "Asia/Tokyo", "carol@example.com"])
    sheet.append(["No host given", "2030-01-07 12:00", "xyz", "Asia/Tokyo", None])
    sheet.append(["Bad host", "2030-01-07 13:00", 30, "Asia/Tokyo", "carol at example"])
    workbook.save(tmp_path / "in.xlsx")
    assert main([str(tmp_path / "in.xlsx"), "--dry-run", "--user", "office@example.com"]) == 1
    summary = openpyxl.load_workbook(tmp_path / "in_scheduled.xlsx")["Summary"]
    rows = [tuple(cell for cell in row if cell is not None) for row in summary.values]
    by_host = {row[0]: row[1:] for row in rows if row and str(row[0]).endswith(("com", "example"))}
    assert by_host["carol@example.com"] == (1, 1, 2)  # planned, invalid, total
    assert by_host["office@example.com"] == (0, 1, 1)  # the host the row would have had
    assert by_host["carol at example"] == (0, 1, 1)  # refused as written, still its host
    assert not any("(no host)" in str(row) for row in rows)
    attention = [row for row in rows if row and isinstance(row[0], int)]
    assert [row[:3] for row in attention] == [
        (2, "Budget review", "carol@example.com"),
        (4, "No host given", "office@example.com"),
        (5, "Bad host", "carol at example"),
    ]


# -- the zone is never a surprise ------------------------------------------------------------


def test_a_japanese_sheet_on_a_computer_set_to_utc_is_warned_and_the_zone_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TZ", "UTC")  # this computer's zone, as the run reads it
    path = Path(shutil.copy(SAMPLES / "meetings_era_ja.csv", tmp_path))
    assert main([str(path), "--dry-run"]) == 0
    out, err = capsys.readouterr()
    assert "  rows without a time zone: UTC, this computer's zone\n" in out  # the column report
    assert (
        "batch_zoom: warning: the sheet is written in Japanese, but its 6 rows without a time "
        "zone would be read in UTC, this computer's zone: if they are times in Japan, give "
        "--timezone Asia/Tokyo" in err
    )
    assert main([str(path), "--dry-run", "--timezone", "Asia/Tokyo"]) == 0
    out, err = capsys.readouterr()
    assert "rows without a time zone: Asia/Tokyo, as given with --timezone" in out
    assert "warning" not in err
    monkeypatch.setenv("TZ", "Asia/Tokyo")  # a computer in Japan: no surprise to warn of
    assert main([str(path), "--dry-run"]) == 0
    out, err = capsys.readouterr()
    assert "rows without a time zone: Asia/Tokyo, this computer's zone" in out
    assert "warning" not in err


def test_an_english_sheet_without_zones_names_the_zone_and_warns_of_nothing(
    zoom_env: ZoomSandbox,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("TZ", "UTC")
    rows = [row[:3] + [None] + row[4:] for row in meeting_rows(2)]
    path = write_csv(tmp_path / "in.csv", rows)
    assert main([str(path)]) == 0
    out, err = capsys.readouterr()
    assert "rows without a time zone: UTC, this computer's zone\n" in out  # the summary
    assert "warning" not in err
    every_row_has_one = write_csv(tmp_path / "zoned.csv", meeting_rows(2))
    assert main([str(every_row_has_one), "--dry-run"]) == 0
    assert "rows without a time zone" not in capsys.readouterr().out


def test_a_japanese_sheet_in_another_zone_is_asked_about_before_anything_is_sent(
    zoom_env: ZoomSandbox,
    tmp_path: Path,
    sleeps: Sleeps,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A real run does not make a Japanese timetable's classes at this computer's hour (nine
    hours late on a computer set to UTC): it stops before any request, and leaves nothing."""
    path = Path(shutil.copy(SAMPLES / "meetings_era_ja.csv", tmp_path))
    settings = settings_for(zoom_env, path, timezone="UTC", timezone_is_the_computers=True)
    with pytest.raises(InputError) as asked:
        run_batch(settings, sleep=sleeps, clock=sleeps.clock)
    assert str(asked.value).startswith("the sheet is written in Japanese, but its 6 rows")
    assert str(asked.value).endswith("; nothing was sent")
    assert "Asia/Tokyo" in asked.value.hint
    assert zoom_env.requests == [] and zoom_env.meetings() == []
    assert not settings.journal_path.exists() and not settings.output_path.exists()
    # the command: one line and a hint, exit 2; with the zone given, the classes are made
    monkeypatch.setenv("TZ", "UTC")
    assert main([str(path)]) == 2
    err = capsys.readouterr().err
    assert "nothing was sent" in err and "hint: give the zone of those rows" in err
    assert zoom_env.meetings() == []
    assert main([str(path), "--timezone", "Asia/Tokyo"]) == 0
    assert len(zoom_env.meetings()) == 6


# -- a stray far-away cell does not stop a sheet whose table is clear ---------------------------


def test_a_stray_value_at_xfd1048576_is_named_and_ignored_and_the_table_scheduled(
    zoom_env: ZoomSandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "December"
    sheet.append(["topic", "start_time", "duration", "timezone", "host"])
    for row in meeting_rows(2):
        sheet.append(row)
    sheet["XFD1048576"] = "oops"  # a slip of Ctrl+arrow: only this cell is far away
    workbook.save(tmp_path / "december.xlsx")
    assert main([str(tmp_path / "december.xlsx")]) == 0  # was exit 2: "delete it in Excel"
    out, err = capsys.readouterr()
    assert (
        'batch_zoom: warning: sheet "December": cell XFD1048576, far past the table, holds '
        "data; it was ignored" in err
    )
    assert "2 rows: 2 created" in out
    assert len(zoom_env.meetings()) == 2
    written = openpyxl.load_workbook(tmp_path / "december_scheduled.xlsx", read_only=True)
    rows = list(written["December"].iter_rows(min_row=1, max_row=3, max_col=12, values_only=True))
    assert rows[1][:2] == ("Meeting 000", "2030-01-07 09:00")
    assert "created" in rows[1] and "created" in rows[2]
    assert written["December"]["XFD1048576"].value == "oops"  # the user's cell, kept


@pytest.mark.parametrize(
    ("cells", "box"),
    [
        ([(1, 1), (2, 5), (4, 3)], (4, 5)),  # a table: all of it
        ([(1, 1), (3, 5), (1048576, 16384)], (3, 5)),  # XFD1048576 alone is far away
        ([(1, 1), (3, 5), (3, 16384)], (3, 5)),  # far to the right only
        ([(1, 1), (3, 5), (900000, 2)], (3, 5)),  # far below only
        ([(1, 1), (3, 5), (903, 2)], (903, 5)),  # 900 empty rows: still the table
        ([(1, 1), (3, 5), (3, 104)], (3, 104)),  # 98 empty columns: still the table
        ([], (0, 0)),
    ],
)
def test_which_cells_are_far_away(cells: list[tuple[int, int]], box: tuple[int, int]) -> None:
    assert near_box(cells) == box


def test_waits_for_a_failing_zoom_are_said_too_at_most_once_every_five_seconds() -> None:
    clock = {"now": 0.0}
    heard: list[str] = []
    reach = Reach(lambda: clock["now"], heard.append)
    proxy_page = UnreadableAnswer(200, None, "Zoom answered with something other than JSON")
    reach.waiting(ServerError(502, None, "Bad Gateway"), 0.4)
    reach.waiting(ServerError(503, None, "busy"), 1.0)  # a second later: not said again
    clock["now"] = 6.0
    reach.waiting(proxy_page, 8.0)
    reach.waiting(RateLimited(429, 429, "per-second"), 1.0)  # Zoom pacing us: not a failure
    reach.waiting(ConnectionLost("refused", sent=False, host="api.zoom.us"), 2.0)
    assert heard == [
        "waiting for Zoom: it answered HTTP 502, retrying in 1 s",
        "waiting for Zoom: it answered HTTP 200, retrying in 8 s",
        "waiting for Zoom: no answer from api.zoom.us, retrying in 2 s",
    ]
