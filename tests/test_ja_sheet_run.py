"""The sheet, run and publish layers in Japanese (issue 15): error cells, exit-2 reasons, hints.

Real runs through ``main`` against the sandbox over real HTTP, under ``--lang ja``. The status
values, the result column headers and Zoom's own words stay as they are; the row and the field
are still named. The terminal's ``row N: status:`` prefix and ``wrote`` lines are ``cli.py``'s.
"""

from __future__ import annotations

import ast
import csv
import errno
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from conftest import (
    HEADER,
    create_behind_the_tools_back,
    point_environment_at,
    read_csv,
    write_csv,
)
from test_ja_run import japanese_locale, unmarked_sentences

import batch_zoom
from batch_zoom.cli import main
from batch_zoom.errors import InputError, OutputError
from batch_zoom.i18n import use_language
from batch_zoom.models import RowResult, Status
from batch_zoom.sandbox import ZoomSandbox
from batch_zoom.sheet.read import os_reason, read_table
from batch_zoom.sheet.write import write_output

RESULT_HEADERS = {"meeting_id", "join_url", "status", "error"}

#: A section heading, a double booking (rows 3 and 4), a host Zoom does not know, a plain row.
ROWS: list[list[object]] = [
    ["【第1週】", "", "", "", ""],
    ["Standup", "2030-01-07 09:00", 60, "Asia/Tokyo", "host0@example.com"],
    ["Review", "2030-01-07 09:30", 30, "Asia/Tokyo", "host0@example.com"],
    ["Ghost", "2030-01-07 11:00", 30, "Asia/Tokyo", "nobody@example.com"],
    ["Later", "2030-01-08 11:00", 30, "Asia/Tokyo", "host0@example.com"],
]


def no_sleep(seconds: float) -> None:
    pass


def rewrite(path: Path, rows: list[dict[str, str]]) -> None:
    """The user edits the output in place and saves it (as a CSV)."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


@pytest.fixture
def one_user(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ZoomSandbox]:
    """A sandbox whose account has host0 only (the app has the user scope: preflight looks)."""
    with ZoomSandbox(users=["host0@example.com"]) as sandbox:
        point_environment_at(monkeypatch, sandbox, tmp_path)
        yield sandbox


def test_preflight_double_booking_and_section_rows_get_japanese_cells_and_lines(
    one_user: ZoomSandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    board = create_behind_the_tools_back(  # made in Zoom's portal, over rows 3 and 4
        one_user,
        {
            "topic": "Board",
            "start_time": "2030-01-07T00:30:00Z",
            "duration": 30,
            "timezone": "Asia/Tokyo",
            "host_email": "host0@example.com",
        },
    )
    path = write_csv(tmp_path / "ja.csv", ROWS)
    assert main([str(path), "--lang", "ja"], sleep=no_sleep) == 1
    result = read_csv(tmp_path / "ja_scheduled.csv")
    assert set(result[0]) >= RESULT_HEADERS  # the result headers stay English
    assert [row["status"] for row in result] == [
        "skipped",
        "created",
        "created",
        "invalid",
        "created",
    ]
    assert result[0]["error"] == (
        "見出しまたはメモの行です（「【第1週】」）: 開始・終了・所要時間がないため、"
        "ミーティングではありません"
    )
    on_zoom = f"Zoom 上の既存のミーティング {board}「Board」（2030-01-07 09:30-10:00 Asia/Tokyo）"
    assert result[1]["error"] == (
        "ダブルブッキング: このホストには "
        f"4行目（2030-01-07 09:30-10:00 Asia/Tokyo）、{on_zoom}の予定もあります"
    )
    assert result[2]["error"] == (
        "ダブルブッキング: このホストには "
        f"3行目（2030-01-07 09:00-10:00 Asia/Tokyo）、{on_zoom}の予定もあります"
    )
    refusal = "5行目: ホスト nobody@example.com はこの Zoom アカウントのユーザーではありません"
    assert result[3]["error"] == refusal
    assert result[4]["error"] == ""
    assert refusal in capsys.readouterr().out  # the terminal line carries the same words
    assert one_user.count(method="POST", path_contains="/meetings") == 4  # Board, and ours


def test_an_edited_managed_row_is_updated_with_what_changed_in_japanese(
    one_user: ZoomSandbox, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "ja.csv", ROWS)
    assert main([str(path), "--lang", "ja"], sleep=no_sleep) == 1
    output = tmp_path / "ja_scheduled.csv"
    edited = read_csv(output)
    edited[4]["duration"] = "90"
    rewrite(output, edited)
    second = tmp_path / "second.csv"
    assert main([str(output), "--lang", "ja", "-o", str(second)], sleep=no_sleep) == 1
    result = read_csv(second)
    assert [row["status"] for row in result] == [
        "skipped",
        "exists",
        "exists",
        "invalid",
        "updated",
    ]
    assert result[4]["error"] == "変更しました: 所要時間 30 -> 90"
    assert result[4]["meeting_id"] == edited[4]["meeting_id"]  # the same meeting, changed
    assert one_user.count(method="POST", path_contains="/meetings") == 3


def test_the_same_edit_in_english_reads_as_before(one_user: ZoomSandbox, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "en.csv", ROWS[1:2])
    assert main([str(path)], sleep=no_sleep) == 0
    output = tmp_path / "en_scheduled.csv"
    edited = read_csv(output)
    edited[0]["duration"] = "90"
    rewrite(output, edited)
    assert main([str(output), "-o", str(tmp_path / "again.csv")], sleep=no_sleep) == 0
    assert read_csv(tmp_path / "again.csv")[0]["error"] == "changed duration 60 -> 90"


def test_a_journal_of_another_account_gives_a_japanese_exit_2_reason_and_hint(
    one_user: ZoomSandbox,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = write_csv(tmp_path / "ja.csv", ROWS[1:2])
    assert main([str(path), "--lang", "ja"], sleep=no_sleep) == 0
    capsys.readouterr()
    monkeypatch.setenv("ZOOM_ACCOUNT_ID", "another-account")
    assert main([str(path), "--lang", "ja"], sleep=no_sleep) == 2
    lines = capsys.readouterr().err.splitlines()
    assert lines[0].startswith("batch_zoom: ジャーナル ")
    assert lines[0].endswith(" account sandbox-account のものです")
    assert " account another-account ではなく" in lines[0]
    assert lines[1].startswith("hint: そのミーティングは別の Zoom アカウント")


@pytest.mark.parametrize("flags", [["--lang", "ja"], []], ids=["lang-ja", "locale-ja"])
def test_an_output_that_cannot_be_written_is_refused_in_japanese_before_anything_is_made(
    one_user: ZoomSandbox,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    flags: list[str],
) -> None:
    if not flags:  # a Japanese desktop alone, no --lang
        japanese_locale(monkeypatch)
    path = write_csv(tmp_path / "ja.csv", ROWS[1:2])
    (tmp_path / "taken.csv").mkdir()
    assert main([str(path), *flags, "-o", str(tmp_path / "taken.csv")]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert lines[0] == (
        f"batch_zoom: {tmp_path / 'taken.csv'} はフォルダーです。結果のファイル名ではありません"
    )
    assert lines[1] == "hint: --output には .xlsx か .csv で終わるファイル名を指定してください。"
    assert one_user.count(method="POST", path_contains="/meetings") == 0


def test_results_that_cannot_be_saved_say_where_they_went_in_japanese(tmp_path: Path) -> None:
    table = read_table(write_csv(tmp_path / "m.csv", ROWS[1:2]))
    results = [RowResult(2, Status.CREATED, "81234567890", join_url="https://zoom.us/j/1")]
    target = tmp_path / "m_scheduled.xlsx"
    target.mkdir()  # something holds the name, as a file open in Excel would
    use_language("ja")
    with pytest.raises(OutputError) as caught:
        write_output(table, results, target)
    copy = caught.value.fallback
    assert copy is not None and copy.exists()
    assert str(caught.value).startswith(f"{target} に書き込めませんでした（")
    assert str(caught.value).endswith(f"）。結果は代わりに {copy} に保存しました。")
    assert caught.value.hint.startswith("Excel などほかのプログラムでファイルを開いていれば閉じて")


def test_a_workbook_too_big_to_read_is_refused_in_japanese(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "予定"
    sheet.append(HEADER)
    sheet.append(ROWS[1])
    sheet["XFD1048576"].value = "メモ"  # the sheet is 16,384 columns wide
    # and data reaches there without a gap (a stray cell alone is left out: test_first_hour)
    for row in range(2, 1048576, 900):
        sheet.cell(row=row, column=9).value = "x"
    for column in range(9, 16384, 90):
        sheet.cell(row=3, column=column).value = "x"
    path = tmp_path / "big.xlsx"
    book.save(path)
    monkeypatch.chdir(tmp_path)
    assert main([str(path), "--lang", "ja", "--dry-run"]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert lines[0].startswith("batch_zoom: big.xlsx のシート「予定」")
    assert "XFD1048576" in lines[0] and "16,384" in lines[0]
    assert lines[1].startswith("hint: Excel でそのシートを開いて Ctrl+End で XFD1048576 へ移動し")


def test_an_empty_spreadsheet_is_named_in_japanese(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "empty.csv").write_bytes(b"")
    assert main(["empty.csv", "--lang", "ja", "--dry-run"]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert lines == [
        "batch_zoom: empty.csv は空です。",
        "hint: 行を入れてスプレッドシートを保存してから、もう一度試してください。",
    ]


def test_a_dry_run_says_what_it_would_do_in_japanese(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    path = write_csv(tmp_path / "plan.csv", ROWS[1:2])
    assert main([str(path), "--lang", "ja", "--dry-run", "-o", "plan_out.csv"]) == 0
    result = read_csv(tmp_path / "plan_out.csv")
    assert result[0]["status"] == "planned" and result[0]["error"].startswith("作成します")


def test_the_systems_reasons_are_japanese_under_ja_and_the_systems_own_words_in_english() -> None:
    denied = PermissionError(errno.EACCES, "Permission denied")
    assert os_reason(denied) == "permission denied"
    use_language("ja")
    assert os_reason(denied) == "アクセスが拒否されました"
    assert (
        os_reason(OSError(errno.ENOSPC, "No space left on device")) == "ディスクに空きがありません"
    )
    assert os_reason(OSError(errno.EIO, "Input/output error")) == "input/output error"


#: The files of the sheet, run and publish layers whose messages this test keeps marked.
MARKED_FILES = [
    "sheet/read.py",
    "sheet/write.py",
    "sheet/patch.py",
    "sheet/our_sheets.py",
    "sheet/package.py",
    "sheet/parts.py",
    "sheet/sheetdata.py",
    "sheet/styles.py",
    "sheet/hosts.py",
    "run/batch.py",
    "run/edits.py",
    "run/preflight.py",
    "run/check.py",
    "run/pool.py",
    "run/journal.py",
    "run/session.py",
    "run/registrants.py",
    "rows/hosts.py",
    "files.py",
    "cells.py",
    "publish/report.py",
    "publish/calendar.py",
    "publish/participants.py",
]

#: English text in those files that no person reads, and why.
NOT_FOR_PEOPLE = {
    # PackageError: write.py turns every one into its own translated OutputError
    "sheet/our_sheets.py": [
        "'batch_zoom summary'",  # the Summary sheet's mark: how a re-run knows it is ours
        "'the workbook has no sheets element'",
    ],
    "sheet/parts.py": ["' is missing'"],  # a KeyError inside the package reader
    "sheet/patch.py": [
        "'the workbook is Strict Open XML'",
        "'the workbook lists no worksheet'",
        "'the workbook has no worksheet named '",
        "' is missing'",
    ],
    "sheet/sheetdata.py": [
        "'the sheet has no sheetData'",
        "'the sheet lost its rows'",
        '"the sheet\'s sheetData is not closed"',
    ],
    "sheet/read.py": [
        "'.csv, .xlsx or .xlsm'",  # file types, inside a translated sentence
        "'join url'",  # a header we recognise, not a message
    ],
    "run/batch.py": ["'a real run needs credentials'"],  # an assert
    "run/check.py": ["'a check needs credentials'"],  # an assert
    "run/journal.py": ["'the journal is closed'"],  # a RuntimeError: a bug, not a user's error
    "run/preflight.py": [
        # scope names, inside a translated sentence; Zoom's own words, matched
        "'user:read:admin (or the granular user:read:user:admin and user:read:settings:admin)'",
        "'does not contain scopes'",
    ],
    "publish/calendar.py": ["'-//batch_zoom//Zoom meetings//EN'"],  # the iCalendar PRODID
}


def _is_markup(found: str) -> bool:
    """HTML and CSS of the report: markup, not words (its words go through ``_()``)."""
    text = ast.literal_eval(found.split(": ", 1)[1])
    return text.lstrip().startswith(("<", "body {"))


@pytest.mark.parametrize("name", MARKED_FILES)
def test_every_sentence_of_the_sheet_run_and_publish_layers_is_marked(name: str) -> None:
    source = (Path(batch_zoom.__file__).parent / name).read_text(encoding="utf-8")
    allowed = NOT_FOR_PEOPLE.get(name, [])
    left = [
        found
        for found in unmarked_sentences(source, marks=("_", "N_", "ngettext", "compile"))
        if found.split(": ", 1)[1] not in allowed and not _is_markup(found)
    ]
    assert left == []


def test_a_sheet_not_found_names_the_sheets_in_japanese_quotes(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.active.title = "予定"
    book.create_sheet("メモ")
    path = tmp_path / "two.xlsx"
    book.save(path)
    use_language("ja")
    with pytest.raises(InputError) as caught:
        read_table(path, sheet="12月")
    assert str(caught.value) == (
        "two.xlsx に「12月」という名前のシートはありません。シートは「予定」、「メモ」です。"
    )
    assert caught.value.hint == "--sheet にはそのいずれかの名前を指定してください。"


def test_an_edited_original_sheet_updates_its_meeting_and_says_so_in_japanese(
    one_user: ZoomSandbox, tmp_path: Path
) -> None:
    rows = [list(ROWS[1]), list(ROWS[4])]
    path = write_csv(tmp_path / "orig.csv", rows)
    assert main([str(path), "--lang", "ja"], sleep=no_sleep) == 0
    made = read_csv(tmp_path / "orig_scheduled.csv")[1]["meeting_id"]
    rows[1][2] = 45  # the user edits the original sheet, not the output
    write_csv(path, rows)
    assert main([str(path), "--lang", "ja", "--dry-run"], sleep=no_sleep) == 0
    planned = read_csv(tmp_path / "orig_scheduled.csv")[1]
    assert planned["status"] == "planned"
    assert planned["error"] == f"この行が編集前に作成したミーティング {made} を更新します"
    assert main([str(path), "--lang", "ja"], sleep=no_sleep) == 0
    result = read_csv(tmp_path / "orig_scheduled.csv")[1]
    assert result["status"] == "updated" and result["meeting_id"] == made
    assert result["error"] == (
        "以前の実行で 3行目が作成したミーティングを、編集後の行に合わせて変更しました"
        "（変更しました: 所要時間 30 -> 45）"
    )
