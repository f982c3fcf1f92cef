"""The sheets offices keep, end to end through the CLI against the sandbox over real HTTP."""

from __future__ import annotations

import shutil
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from conftest import read_csv, write_csv

from batch_zoom.cli import main
from batch_zoom.sandbox import ZoomSandbox

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
TOKYO = ZoneInfo("Asia/Tokyo")


def utc(text: str) -> str:
    return datetime.fromisoformat(text).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def held(sandbox: ZoomSandbox) -> dict[str, dict[str, object]]:
    return {str(meeting["join_url"]): meeting for meeting in sandbox.meetings()}


def test_the_japanese_school_timetable_schedules_every_class_at_its_instant(
    zoom_env: ZoomSandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sample = shutil.copy(SAMPLES / "timetable_ja.xlsx", tmp_path / "timetable_ja.xlsx")
    assert main([str(sample), "--timezone", "Asia/Tokyo"]) == 0
    assert "49 rows: 45 created, 4 skipped" in capsys.readouterr().out

    sheet = openpyxl.load_workbook(tmp_path / "timetable_ja_scheduled.xlsx").worksheets[0]
    header = [cell.value for cell in sheet[3]]
    rows = [
        dict(zip(header, values, strict=False))
        for values in sheet.iter_rows(min_row=4, values_only=True)
    ]
    classes = [row for row in rows if isinstance(row["日付"], datetime)]
    sections = [row for row in rows if isinstance(row["日付"], str)]
    assert len(classes) == 45 and [row["日付"] for row in sections[:3]] == [
        "【第1週】", "【第2週】", "【第3週】"
    ]  # fmt: skip
    assert {row["status"] for row in sections} == {"skipped"}
    assert all("section or note row" in row["error"] for row in sections)
    summary = openpyxl.load_workbook(tmp_path / "timetable_ja_scheduled.xlsx")["Summary"]
    counts = {row[0]: row[1:3] for row in summary.iter_rows(values_only=True) if row[0]}
    assert counts["created"] == ("made by this run", 45) and counts["total"] == (None, 49)
    assert counts["skipped"] == ("a section or note row, not a meeting", 4)

    meetings = held(zoom_env)
    assert len(meetings) == 45
    for row in classes:
        meeting = meetings[row["join_url"]]
        start = datetime.combine(row["日付"].date(), row["開始"], tzinfo=TOKYO)
        end = datetime.combine(row["日付"].date(), row["終了"], tzinfo=TOKYO)
        assert row["status"] == "created"
        assert meeting["start_time"] == utc(start.isoformat())
        assert meeting["duration"] == (end - start) // timedelta(minutes=1) == 50
        assert meeting["topic"] == row["授業名"]
        assert meeting["host_email"] == row["担当"]
        assert meeting["timezone"] == "Asia/Tokyo"
    first = meetings[classes[0]["join_url"]]
    assert (first["topic"], first["start_time"]) == ("国語", "2027-04-12T00:00:00Z")  # 9:00 JST

    # A second run of the output without the zone, on a computer set to UTC, would read every
    # class nine hours late: it is asked about, and nothing is sent or changed.
    output = tmp_path / "timetable_ja_scheduled.xlsx"
    before = output.read_bytes()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TZ", "UTC")
        assert main([str(output)]) == 2
    assert "--timezone Asia/Tokyo" in capsys.readouterr().err
    assert output.read_bytes() == before and held(zoom_env) == meetings
    # With the zone, it finds every class made and the section rows still skipped.
    assert main([str(output), "--timezone", "Asia/Tokyo"]) == 0
    assert held(zoom_env) == meetings


EN_EXPECTED = {
    "Tokyo office stand-up@2027-05-10": ("2027-05-10T00:00:00Z", 60, "Asia/Tokyo"),
    "Osaka client review": ("2027-05-10T07:00:00Z", 90, "Asia/Tokyo"),
    "New York sync": ("2027-05-11T13:30:00Z", 45, "America/New_York"),
    "London planning": ("2027-05-11T13:00:00Z", 60, "Europe/London"),
    "Tokyo office stand-up@2027-05-17": ("2027-05-17T01:00:00Z", 60, "Asia/Tokyo"),
    "Berlin partners": ("2027-05-18T13:00:00Z", 60, "Europe/Berlin"),
    "Tokyo training": ("2027-05-19T02:00:00Z", 90, "Asia/Tokyo"),
}


def test_the_english_date_start_end_csv_with_jst_and_zoom_labels(
    zoom_env: ZoomSandbox, tmp_path: Path
) -> None:
    sample = shutil.copy(SAMPLES / "timetable_en.csv", tmp_path / "timetable_en.csv")
    report = tmp_path / "report.html"
    assert main([str(sample), "--timezone", "UTC", "--report", str(report)]) == 0
    assert 'class="status status-skipped">skipped<' in report.read_text(encoding="utf-8")
    rows = read_csv(tmp_path / "timetable_en_scheduled.csv")
    assert [row["status"] for row in rows] == ["created"] * 4 + ["skipped"] + ["created"] * 3
    found = {}
    for meeting in zoom_env.meetings():
        key = str(meeting["topic"])
        if key == "Tokyo office stand-up":
            key += "@" + str(meeting["start_time"])[:10]
        found[key] = (meeting["start_time"], meeting["duration"], meeting["timezone"])
    assert found == EN_EXPECTED


ERA_EXPECTED = {
    "新任研修 第1回": ("2027-05-10T01:00:00Z", 90),  # 令和9年5月10日 10:00
    "新任研修 第2回": ("2027-05-17T06:00:00Z", 90),  # R9.5.17 15:00
    "保護者会": ("2027-05-11T05:30:00Z", 60),  # 2027年5月11日(火) 14:30
    "職員会議": ("2027-05-12T07:00:00Z", 45),  # full-width
    "教材検討会": ("2027-05-13T06:00:00Z", 60),  # 午後3時
    "学年打ち合わせ": ("2027-05-14T00:30:00Z", 30),  # 9時30分
}


def test_japanese_era_and_nengappi_dates(zoom_env: ZoomSandbox, tmp_path: Path) -> None:
    sample = shutil.copy(SAMPLES / "meetings_era_ja.csv", tmp_path / "meetings_era_ja.csv")
    assert main([str(sample), "--timezone", "Asia/Tokyo"]) == 0
    assert {row["status"] for row in read_csv(tmp_path / "meetings_era_ja_scheduled.csv")} == {
        "created"
    }
    assert {
        str(m["topic"]): (m["start_time"], m["duration"]) for m in zoom_env.meetings()
    } == ERA_EXPECTED


def test_dry_run_says_how_each_column_was_read(
    zoom_env: ZoomSandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_csv(
        tmp_path / "lessons.csv",
        [["2027/5/10", "9:00", "9:50", "国語", ""]],
        header=["日付", "時間", "終了", "科目", "備考"],
    )
    assert main([str(path), "--dry-run", "--timezone", "Asia/Tokyo"]) == 0
    out = capsys.readouterr().out
    assert (
        "how the columns were read:\n"
        "  日付 → date\n"
        '  時間 → start time (end time is column "終了")\n'
        "  終了 → end time\n"
        "  科目 → topic\n"
        "  備考 → not ours, kept as it is\n"
    ) in out
    assert zoom_env.requests == []


def test_an_ambiguous_date_is_settled_by_date_order(
    zoom_env: ZoomSandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_csv(
        tmp_path / "uk.csv",
        [["03/04/2027", "9:00", "10:00", "A"]],
        header=["Date", "Start", "End", "Title"],
    )
    assert main([str(path), "--timezone", "Europe/London"]) == 1
    assert "could be Apr 3 or Mar 4" in capsys.readouterr().out
    assert zoom_env.meetings() == []
    assert main([str(path), "--timezone", "Europe/London", "--date-order", "dmy"]) == 0
    [meeting] = zoom_env.meetings()
    assert meeting["start_time"] == "2027-04-03T08:00:00Z"  # 9:00 BST


def test_a_date_without_a_year_says_which_year_it_took(
    zoom_env: ZoomSandbox, tmp_path: Path
) -> None:
    ahead = date.today() + timedelta(days=30)  # the sandbox and the tool share today's clock
    path = write_csv(
        tmp_path / "noyear.csv",
        [[f"{ahead.month}月{ahead.day}日", "10:00", "11:00", "国語"]],
        header=["日付", "開始", "終了", "授業名"],
    )
    assert main([str(path), "--timezone", "Asia/Tokyo"]) == 0
    [row] = read_csv(tmp_path / "noyear_scheduled.csv")
    assert row["status"] == "created"
    assert row["error"] == f'"{ahead.month}月{ahead.day}日" has no year: taken as {ahead:%Y-%m-%d}'


def test_a_timetable_without_an_end_or_duration_says_either_will_do(tmp_path: Path) -> None:
    from batch_zoom.errors import InputError
    from batch_zoom.sheet.read import read_table

    path = write_csv(
        tmp_path / "t.csv", [["2027/5/10", "9:00", "国語"]], header=["日付", "開始", "授業名"]
    )
    with pytest.raises(InputError) as caught:
        read_table(path)
    assert "duration is missing" in str(caught.value)
    assert (
        "(or end_time: end_time, end, end time, 終了, 終了時刻, 終了時間, finish)"
        in caught.value.hint
    )


def test_the_missing_column_is_named_after_what_an_ambiguous_column_holds(tmp_path: Path) -> None:
    from batch_zoom.errors import InputError
    from batch_zoom.sheet.read import read_table

    path = write_csv(
        tmp_path / "t.csv", [["2027/5/10", "9:00", "国語"]], header=["日付", "時間", "授業名"]
    )
    with pytest.raises(InputError) as caught:
        read_table(path)  # 時間 holds start times here, so it is the length that is missing
    assert "duration is missing" in str(caught.value)
