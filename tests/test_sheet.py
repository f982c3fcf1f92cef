"""sheet.py: reading CSV and Excel into rows, and writing the results into a copy of the sheet."""

from __future__ import annotations

import codecs
import csv
import io
import os
import stat
import zipfile
from collections.abc import Sequence
from datetime import datetime
from datetime import time as clock
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

from batch_zoom.errors import InputError, OutputError
from batch_zoom.models import COLUMN_ALIASES, RowResult, Status, normalize_header
from batch_zoom.sheet import write as output_module
from batch_zoom.sheet.read import Table, _decode, read_table
from batch_zoom.sheet.write import write_output

HEADERS = ["topic", "start_time", "duration", "timezone", "host", "agenda", "room"]
ROW_A = [
    "Orientation",
    "2027-01-05 09:30",
    "120",
    "Asia/Tokyo",
    "alice@example.com",
    "Welcome",
    "3A",
]
ROW_B = ["Excel class", "2027-01-07 18:30", "90", "America/New_York", "bob@example.com", "", "Lab"]


# ---------------------------------------------------------------------------------- helpers


def write_csv(
    path: Path, rows: Sequence[Sequence[str]], *, encoding: str = "utf-8", delimiter: str = ","
) -> Path:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def write_xlsx(path: Path, sheets: dict[str, Sequence[Sequence[Any]]]) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(list(row))
    book.save(path)
    return path


def created(table: Table, *, first_id: int = 81234567890, **fields: Any) -> list[RowResult]:
    """A "created" result for every data row of ``table``."""
    results = []
    for offset, row in enumerate(table.rows):
        meeting_id = str(first_id + offset)
        values: dict[str, Any] = {
            "meeting_id": meeting_id,
            "join_url": f"https://us06web.zoom.us/j/{meeting_id}?pwd=abc",
            "passcode": "a1b2c3",
            "host": row.get("host"),
            "topic": row.get("topic"),
        }
        values.update(fields)
        results.append(RowResult(row.number, Status.CREATED, **values))
    return results


def header_map(sheet: Any, row: int = 1) -> dict[str, int]:
    return {
        cell.value: cell.column for cell in sheet[row] if isinstance(cell.value, str) and cell.value
    }


def read_csv_records(path: Path) -> list[list[str]]:
    text = path.read_bytes().decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline="")))


@pytest.fixture
def sample_csv(tmp_path: Path) -> Path:
    return write_csv(tmp_path / "meetings.csv", [HEADERS, ROW_A, ROW_B])


@pytest.fixture
def styled_xlsx(tmp_path: Path) -> Path:
    """A user's workbook: a merged title, styles, widths, date formats, panes, a filter, a
    formula, and a second sheet."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "January"
    ws["A1"] = "January timetable"
    ws.merge_cells("A1:D1")
    ws.append([])  # row 2 blank
    ws.append([*HEADERS, "end"])  # header on row 3
    edge = Side(style="thin", color="334455")
    for cell in ws[3]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="2F5597")
        cell.border = Border(bottom=edge)
        cell.alignment = Alignment(horizontal="center")
    ws.append(["Orientation", datetime(2027, 1, 5, 9, 30), 120, "Asia/Tokyo", "alice@example.com"])
    ws.append([])  # row 5 blank
    ws.append(
        ["Excel class", datetime(2027, 1, 7, 18, 30), 90, "America/New_York", "bob@example.com"]
    )
    for row in (4, 6):
        ws.cell(row=row, column=2).number_format = "yyyy/mm/dd hh:mm"
        ws.cell(row=row, column=8).value = f"=B{row}+C{row}/1440"
    ws.column_dimensions["A"].width = 33
    ws.column_dimensions["B"].width = 19
    ws.freeze_panes = "A4"
    ws.auto_filter.ref = "A3:H6"
    notes = book.create_sheet("Notes")
    notes["A1"] = "Rooms confirmed on 1 December."
    notes.merge_cells("A1:C1")
    path = tmp_path / "january.xlsx"
    book.save(path)
    return path


# ------------------------------------------------------------------------- reading: rows


def test_csv_row_numbers_count_records_title_and_blank_rows(tmp_path: Path):
    path = write_csv(
        tmp_path / "m.csv",
        [
            ["January meetings"],  # 1: title
            [],  # 2: blank
            HEADERS,  # 3
            ROW_A,  # 4
            ["", "", ""],  # 5: blank (empty cells)
            ["Two-line\nagenda topic", *ROW_B[1:]],  # 6: one record over two lines
            ROW_A,  # 7
            [],  # 8
            [" ", "  "],  # 9: whitespace only
            ROW_B,  # 10
        ],
    )
    table = read_table(path)
    assert table.header_row == 3
    assert [row.number for row in table.rows] == [4, 6, 7, 10]
    assert table.rows[1].get("topic") == "Two-line\nagenda topic"
    assert table.rows[1].get("duration") == "90"


def test_excel_row_numbers_with_title_blank_rows_and_leading_empty_column(tmp_path: Path):
    path = write_xlsx(
        tmp_path / "m.xlsx",
        {
            "Sheet": [
                [None, "Timetable"],  # 1
                [],  # 2
                [None, *HEADERS],  # 3: the table starts in column B
                [None, "One", datetime(2027, 1, 5, 9), 60],  # 4
                [],  # 5
                [],  # 6
                [None, "Two", datetime(2027, 1, 6, 9), 30],  # 7
            ]
        },
    )
    table = read_table(path)
    assert table.header_row == 3
    assert [row.number for row in table.rows] == [4, 7]
    assert [row.get("topic") for row in table.rows] == ["One", "Two"]
    assert table.headers[:3] == ["", "topic", "start_time"]


def test_excel_cells_keep_their_types(tmp_path: Path):
    path = write_xlsx(
        tmp_path / "m.xlsx",
        {
            "Sheet": [
                [*HEADERS, "waiting_room"],
                [
                    "  NA  ",
                    datetime(2027, 3, 7, 13, 59, 59, 999_600),
                    45.0,
                    None,
                    "   ",
                    12.5,
                    "x",
                    True,
                ],
                ["Call", clock(9, 30), 30, "Asia/Tokyo", "me", 7, None, False],
            ]
        },
    )
    first, second = read_table(path).rows
    assert first.get("topic") == "NA"  # "NA" is a topic, not a missing value
    assert first.get("start_time") == datetime(2027, 3, 7, 14, 0, 0)  # rounded, not truncated
    assert type(first.get("start_time")) is datetime
    assert first.get("duration") == 45 and first.get("agenda") == 12.5
    assert first.get("timezone") is None and first.get("host") is None
    assert first.get("waiting_room") is True
    assert second.get("start_time") == clock(9, 30)
    assert second.get("waiting_room") is False


def test_cells_hold_only_recognised_fields_including_result_columns(tmp_path: Path):
    path = write_csv(
        tmp_path / "m.csv",
        [
            [*HEADERS, "Meeting ID", "Join URL", "Status", "action"],
            [*ROW_A, "81234567890", "https://zoom.us/j/1", "created", "cancel"],
        ],
    )
    (row,) = read_table(path).rows
    assert set(row.cells) == {
        "topic",
        "start_time",
        "duration",
        "timezone",
        "host",
        "agenda",
        "meeting_id",
        "join_url",
        "status",
        "action",
    }
    assert row.get("meeting_id") == "81234567890"
    assert row.get("action") == "cancel"


def test_two_columns_for_one_field_use_the_first(tmp_path: Path):
    path = write_csv(
        tmp_path / "m.csv",
        [["topic", "start_time", "duration", "Topic"], ["first", "2027-01-05 09:00", "30", "2nd"]],
    )
    table = read_table(path)
    assert table.rows[0].get("topic") == "first"
    assert table.columns["topic"] == "topic"
    assert table.headers == ["topic", "start_time", "duration", "Topic"]


# --------------------------------------------------------------------- reading: encodings


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp932"])
def test_csv_encoding_is_detected(tmp_path: Path, encoding: str):
    rows = [
        ["会議名", "開始日時", "所要時間", "タイムゾーン", "ホスト", "備考"],
        [
            "新入社員研修 第1回",
            "2027/01/12 10:00",
            "90",
            "Asia/Tokyo",
            "alice@example.com",
            "研修室A",
        ],
    ]
    table = read_table(write_csv(tmp_path / "ja.csv", rows, encoding=encoding))
    assert table.encoding == encoding
    assert table.columns == {
        "topic": "会議名",
        "start_time": "開始日時",
        "duration": "所要時間",
        "timezone": "タイムゾーン",
        "host": "ホスト",
    }
    assert table.rows[0].get("topic") == "新入社員研修 第1回"
    assert table.rows[0].get("start_time") == "2027/01/12 10:00"


@pytest.mark.parametrize(
    ("topic", "encoding"),
    [
        ("Übung Größe", "cp1252"),  # also valid cp932, where it reads as mojibake
        ("Café crème", "cp1252"),
        ("Budget 5€ – “draft”", "cp1252"),
        ("Møde på kontoret", "cp1252"),
        ("新入社員研修 第1回", "utf-16-le"),  # Unicode text without its byte-order mark
        ("Übung Größe", "utf-16-be"),
        ("Weekly sync", "utf-16-le"),  # all ASCII: its bytes are valid UTF-8 as well
        ("定例", "cp932"),  # two kanji, which cp1252 reads as "’è—á"
        ("ｶﾀｶﾅ", "cp932"),  # half-width katakana, "¶À¶Å" in cp1252
        ("会議×2 ±5分", "cp932"),
        ("niño", "cp1252"),  # valid cp932 too (a private-use character)
        ("Reunião ação", "cp1252"),
    ],
)
def test_other_encodings_are_detected_not_guessed(tmp_path: Path, topic: str, encoding: str):
    path = write_csv(tmp_path / "in.csv", [HEADERS, [topic, *ROW_A[1:]]], encoding=encoding)
    table = read_table(path)
    assert table.encoding == encoding
    assert table.rows[0].get("topic") == topic


_LATIN_WORDS = [
    "Übung",
    "Größe",
    "Café",
    "crème",
    "Réunion",
    "équipe",
    "niño",
    "año",
    "señal",
    "Møde",
    "på",
    "kontoret",
    "Reunião",
    "ação",
    "Grüße",
    "Straße",
    "Äpfel",
    "Öl",
    "français",
    "naïve",
    "déjà",
    "Zürich",
    "Köln",
    "Málaga",
    "São",
    "façade",
    "Ærø",
    "Åland",
    "Budget",
    "5€",
    "–",
    "“draft”",
]
_JAPANESE_WORDS = [
    "定例",
    "会議",
    "研修",
    "新入社員",
    "第1回",
    "打合せ",
    "田中",
    "佐藤",
    "週次",
    "レビュー",
    "ミーティング",
    "予算",
    "東京",
    "ｶﾀｶﾅ",
    "会議室A",
    "全体会",
    "説明会",
    "×2",
    "±5分",
    "【重要】",
    "「案」",
]
_ASCII_WORDS = ["Weekly", "sync", "planning", "review", "team", "Q1", "onboarding"]


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from([("cp1252", _LATIN_WORDS), ("cp932", _JAPANESE_WORDS)]).flatmap(
        lambda pair: st.tuples(
            st.just(pair[0]),
            st.lists(
                st.lists(st.sampled_from(pair[1] + _ASCII_WORDS), min_size=1, max_size=4),
                min_size=1,
                max_size=6,
            ),
        )
    )
)
def test_detection_reads_right_or_asks_never_guesses_wrong(
    case: tuple[str, list[list[str]]],
) -> None:
    encoding, topics = case
    text = "topic,start_time,duration\r\n" + "".join(
        f"{' '.join(words)},2030-01-05 09:00,30\r\n" for words in topics
    )
    try:
        decoded, _used = _decode(Path("in.csv"), text.encode(encoding), None)
    except InputError as refused:
        assert "--encoding" in refused.hint
        return
    assert decoded == text


def test_a_utf8_file_with_lines_in_another_encoding_says_where(tmp_path: Path):
    path = tmp_path / "mixed.csv"
    head = "topic,start_time,duration\r\nGröße,2030-01-05 09:00,30\r\n".encode()
    path.write_bytes(head + "Café,2030-01-06 09:00,30\r\n".encode("cp1252"))  # pasted in
    with pytest.raises(InputError, match="UTF-8 text except in places") as caught:
        read_table(path)
    assert "byte 0xe9 on line 3" in str(caught.value)


def test_bytes_no_encoding_reads_cleanly_are_refused_not_read_as_mojibake(tmp_path: Path):
    noise = bytes((0x80 + (n * 37) % 128) for n in range(60))
    path = tmp_path / "noise.csv"
    path.write_bytes(b"topic,start_time,duration\r\n" + noise + b",2030-01-05 09:00,30\r\n")
    with pytest.raises(InputError, match="reads it cleanly") as caught:
        read_table(path)
    assert "--encoding" in caught.value.hint


def test_encoding_flag_overrides_detection(tmp_path: Path):
    # One letter is as plausible in cp1252 (Ü) as in cp932 (ﾜ): the detector cannot be sure.
    # (Before the detector, any non-UTF-8, non-cp932 file was refused; cp1252 is now read.)
    path = write_csv(tmp_path / "de.csv", [HEADERS, ["Ü", *ROW_A[1:]]], encoding="cp1252")
    with pytest.raises(InputError, match="cannot be told for sure") as caught:
        read_table(path)
    assert '"Ü' in str(caught.value) and '"ﾜ' in str(caught.value)
    assert "--encoding" in caught.value.hint
    table = read_table(path, encoding="cp1252")
    assert table.encoding == "cp1252"
    assert table.rows[0].get("topic") == "Ü"


def test_encoding_flag_with_a_bom_file_and_bad_names(tmp_path: Path):
    path = write_csv(tmp_path / "bom.csv", [HEADERS, ROW_A], encoding="utf-8-sig")
    assert read_table(path, encoding="utf-8").columns["topic"] == "topic"  # BOM not in header
    with pytest.raises(InputError, match="not an encoding"):
        read_table(path, encoding="klingon")
    with pytest.raises(InputError, match="not valid ascii"):
        read_table(
            write_csv(tmp_path / "ja.csv", [HEADERS, ["会議", *ROW_A[1:]]]), encoding="ascii"
        )


@pytest.mark.parametrize("delimiter", [",", "\t", ";"])
def test_csv_delimiter_is_detected_and_kept(tmp_path: Path, delimiter: str):
    rows = [HEADERS, ["Budget; Q1, draft", *ROW_A[1:]]]
    path = write_csv(tmp_path / "m.csv", rows, delimiter=delimiter)
    table = read_table(path)
    assert table.rows[0].get("topic") == "Budget; Q1, draft"
    output = write_output(table, created(table), tmp_path / "out.csv")
    text = output.read_bytes().decode("utf-8-sig")
    records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    assert records[0][-5:] == ["meeting_id", "join_url", "passcode", "status", "error"]


# ------------------------------------------------------------------------ reading: headers


@pytest.mark.parametrize(
    "headers",
    [
        ["Topic", "Start Time", "DURATION"],
        ["topic ", " start_time", "Duration"],
        ["TO PIC", "START_TIME", "duration (min)"],
        ["Topic", "Start", "時間（分）"],
        ["会議名", "開始　日時", "所要時間"],  # a full-width space inside
    ],
)
def test_header_aliases_ignore_case_spaces_and_underscores(tmp_path: Path, headers: list[str]):
    path = write_csv(tmp_path / "m.csv", [headers, ["A", "2027-01-05 09:00", "30"]])
    table = read_table(path)
    assert set(table.columns) == {"topic", "start_time", "duration"}
    assert table.columns["topic"] == headers[0].strip()
    assert table.rows[0].cells == {"topic": "A", "start_time": "2027-01-05 09:00", "duration": "30"}


def test_no_header_can_mean_two_fields():
    seen: dict[str, str] = {}
    for field, aliases in COLUMN_ALIASES.items():
        for alias in aliases:
            assert seen.setdefault(normalize_header(alias), field) == field, alias


def test_missing_columns_are_named_with_the_columns_found(tmp_path: Path):
    path = write_csv(
        tmp_path / "m.csv", [["My meetings"], ["Topic", "When", "Length", "Room"], ["a", "b", "c"]]
    )
    with pytest.raises(InputError) as caught:
        read_table(path)
    message, hint = str(caught.value), caught.value.hint
    assert "start_time, duration are missing" in message
    assert '"Topic", "When", "Length", "Room"' in message
    assert "start_time: start_time, start, start time, 開始日時" in hint
    assert "duration: duration, 所要時間" in hint
    assert "topic:" not in hint
    assert "Traceback" not in message


def test_header_below_the_first_20_rows_is_not_found(tmp_path: Path):
    path = write_csv(tmp_path / "m.csv", [["note"]] * 20 + [HEADERS, ROW_A])
    with pytest.raises(InputError, match="no header row"):
        read_table(path)


def test_excel_missing_columns_lists_the_sheets(tmp_path: Path):
    path = write_xlsx(tmp_path / "m.xlsx", {"Plan": [["topic", "date"]], "Notes": [["hello"]]})
    with pytest.raises(InputError) as caught:
        read_table(path)
    assert '"Plan", "Notes"' in str(caught.value)
    assert "start_time, duration are missing" in str(caught.value)
    assert "--sheet" in caught.value.hint


# ------------------------------------------------------------------------- reading: sheets


@pytest.fixture
def three_sheets(tmp_path: Path) -> Path:
    return write_xlsx(
        tmp_path / "book.xlsx",
        {
            "Cover": [["Training centre"], ["Meetings are on the next sheets"]],
            "Jan": [HEADERS, ["January meeting", datetime(2027, 1, 5, 9), 30]],
            "Feb": [HEADERS, ["February meeting", datetime(2027, 2, 5, 9), 30]],
        },
    )


def test_first_sheet_with_the_columns_is_used(three_sheets: Path):
    table = read_table(three_sheets)
    assert (table.format, table.sheet_name) == ("excel", "Jan")
    assert table.rows[0].get("topic") == "January meeting"


def test_sheet_is_chosen_by_name(three_sheets: Path):
    assert read_table(three_sheets, sheet="Feb").rows[0].get("topic") == "February meeting"
    assert read_table(three_sheets, sheet="feb").sheet_name == "Feb"


def test_unknown_sheet_lists_the_sheets(three_sheets: Path):
    with pytest.raises(InputError) as caught:
        read_table(three_sheets, sheet="March")
    assert 'no sheet named "March"' in str(caught.value)
    assert '"Cover", "Jan", "Feb"' in str(caught.value)
    with pytest.raises(InputError, match="start_time"):
        read_table(three_sheets, sheet="Cover")


# -------------------------------------------------------------------- reading: bad files


def test_unsupported_missing_empty_and_folder_inputs(tmp_path: Path):
    (tmp_path / "old.xls").write_bytes(b"x")
    with pytest.raises(InputError, match=r"\.csv, \.xlsx or \.xlsm"):
        read_table(tmp_path / "old.xls")
    with pytest.raises(InputError, match="does not exist") as caught:
        read_table(tmp_path / "nope.xlsx")
    assert caught.value.hint
    (tmp_path / "empty.csv").write_bytes(b"")
    with pytest.raises(InputError, match="is empty"):
        read_table(tmp_path / "empty.csv")
    (tmp_path / "folder.csv").mkdir()
    with pytest.raises(InputError, match="folder"):
        read_table(tmp_path / "folder.csv")


@pytest.mark.parametrize(
    ("name", "program"),
    [
        ("month.ods", "LibreOffice Calc"),
        ("month.fods", "LibreOffice Calc"),
        ("month.numbers", "Numbers"),
        ("month.xls", "Excel"),
        ("month.xlsb", "Excel"),
    ],
)
def test_a_sheet_we_do_not_read_gets_the_way_to_save_it_from_its_own_program(
    tmp_path: Path, name: str, program: str
):
    (tmp_path / name).write_bytes(b"x")
    with pytest.raises(InputError, match=r"\.csv, \.xlsx or \.xlsm") as caught:
        read_table(tmp_path / name)
    assert caught.value.hint.startswith(f"In {program}, use File > ")
    assert ".xlsx" in caught.value.hint or "Excel" in caught.value.hint


def test_corrupt_workbook(tmp_path: Path):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04 this is not really a zip file" * 10)
    with pytest.raises(InputError) as caught:
        read_table(path)
    assert "cannot be read as an Excel workbook" in str(caught.value)
    assert "\n" not in str(caught.value) and caught.value.hint


def test_password_protected_and_legacy_workbooks(tmp_path: Path):
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504
    encrypted = tmp_path / "secret.xlsx"
    encrypted.write_bytes(ole + "EncryptionInfo".encode("utf-16-le") + b"\0" * 100)
    with pytest.raises(InputError, match="password") as caught:
        read_table(encrypted)
    assert "password" in caught.value.hint.lower()
    legacy = tmp_path / "legacy.xlsx"
    legacy.write_bytes(ole + b"Workbook".ljust(200, b"\0"))
    with pytest.raises(InputError, match=r"old-format Excel file \(\.xls\)"):
        read_table(legacy)


def test_a_workbook_named_csv(tmp_path: Path):
    write_xlsx(tmp_path / "real.xlsx", {"Sheet": [HEADERS]}).rename(tmp_path / "fake.csv")
    with pytest.raises(InputError, match="Excel workbook with a .csv name"):
        read_table(tmp_path / "fake.csv")


def test_a_large_workbook_is_read_whole_with_its_row_numbers(tmp_path: Path):
    # Speed is measured by benchmarks/, never by a timed test.
    book = openpyxl.Workbook(write_only=True)
    ws = book.create_sheet("Big")
    ws.append(HEADERS)
    for i in range(3_000):
        ws.append([f"Meeting {i}", datetime(2027, 1, 5, 9), 60, "Asia/Tokyo", "a@example.com"])
    path = tmp_path / "big.xlsx"
    book.save(path)
    table = read_table(path)
    assert len(table.rows) == 3_000 and table.rows[-1].number == 3_001
    assert table.rows[-1].get("topic") == "Meeting 2999"


def test_reading_is_bounded_by_the_cells_that_hold_data(tmp_path: Path):
    # A formatted but empty cell at the last cell of the sheet (and the dimension it declares)
    # does not count; the sheet reads as its three rows. (Memory: benchmarks/large_input.py.)
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(HEADERS[:3])
    ws.append(["One", datetime(2027, 1, 5, 9), 30])
    ws["XFD1048576"].font = Font(bold=True)
    ws["C2"].value = "=10*3"  # a formula without a cached value reads as empty, as before
    path = tmp_path / "formatted.xlsx"
    book.save(path)
    table = read_table(path)
    assert [row.number for row in table.rows] == [2] and len(table._grid) == 2
    assert table.rows[0].get("duration") is None

    # issue 24: one stray value far past the table is left out, and named; the table reads
    ws["XFD1048576"].value = "a stray note"
    book.save(path)
    table = read_table(path)
    assert [row.number for row in table.rows] == [2] and len(table._grid) == 2
    assert table.notes == [
        'sheet "Sheet": cell XFD1048576, far past the table, holds data; it was ignored (in '
        "Excel, press Ctrl+End to reach it and delete it if it is a slip)"
    ]
    # data that reaches that far without a gap is not a stray cell: refused, as before
    for row in range(2, 1048576, 900):
        ws.cell(row=row, column=5).value = "x"
    for column in range(5, 16384, 90):
        ws.cell(row=3, column=column).value = "x"
    book.save(path)
    with pytest.raises(InputError) as caught:
        read_table(path)
    assert "XFD1048576" in str(caught.value) and "16,384 columns" in str(caught.value)
    assert "Ctrl+End" in caught.value.hint


def test_a_sheet_that_unpacks_too_big_is_refused_before_it_is_unpacked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    # The limit (100 MB of XML) is lowered here so that the test stays small.
    from batch_zoom.sheet import package

    path = write_xlsx(tmp_path / "m.xlsx", {"Sheet": [HEADERS[:3], ["One", "2027-01-05", 30]]})
    monkeypatch.setattr(package, "MAX_SHEET_BYTES", 100)
    from batch_zoom.sheet import read as read_module

    monkeypatch.setattr(read_module, "MAX_SHEET_BYTES", 100)
    with pytest.raises(InputError, match='Sheet "Sheet" of m.xlsx unpacks to'):
        read_table(path)


def test_an_error_cell_reads_as_its_error_text(tmp_path: Path):
    book = openpyxl.Workbook()
    book.active.append(HEADERS[:3])
    book.active.append(["One", datetime(2027, 1, 5, 9), "#N/A"])  # openpyxl writes t="e"
    assert book.active["C2"].data_type == "e"
    book.save(tmp_path / "e.xlsx")
    assert read_table(tmp_path / "e.xlsx").rows[0].get("duration") == "#N/A"


def test_excel_values_keep_the_types_openpyxl_gave(tmp_path: Path):
    book = openpyxl.Workbook()
    book.active.append(HEADERS[:3])
    book.active.append(["One", datetime(2027, 1, 5), 30])
    book.active["B2"].number_format = "yyyy-mm-dd"  # a date-only cell: calamine gives a date
    path = tmp_path / "types.xlsx"
    book.save(path)
    row = read_table(path).rows[0]
    assert row.get("start_time") == datetime(2027, 1, 5) and type(row.get("duration")) is int


# ------------------------------------------------------------------- writing: Excel output


def test_excel_output_keeps_the_users_workbook(styled_xlsx: Path, tmp_path: Path):
    table = read_table(styled_xlsx)
    assert (table.header_row, [r.number for r in table.rows]) == (3, [4, 6])
    output = write_output(table, created(table), tmp_path / "out.xlsx")
    assert output == tmp_path / "out.xlsx"

    book = openpyxl.load_workbook(output)
    assert book.sheetnames == ["January", "Notes", "Summary"]
    assert book.active.title == "January"
    ws = book["January"]
    assert ws["A1"].value == "January timetable"
    assert "A1:D1" in {str(r) for r in ws.merged_cells.ranges}
    assert "A1:C1" in {str(r) for r in book["Notes"].merged_cells.ranges}
    assert book["Notes"]["A1"].value == "Rooms confirmed on 1 December."
    assert ws.column_dimensions["A"].width == 33 and ws.column_dimensions["B"].width == 19
    assert ws["B4"].number_format == "yyyy/mm/dd hh:mm"
    assert ws["B4"].value == datetime(2027, 1, 5, 9, 30)
    assert ws["H4"].value == "=B4+C4/1440"  # the user's formula is still a formula
    assert ws["H4"].data_type == "f"
    assert ws.freeze_panes == "A4"
    assert ws["A3"].font.bold and ws["A3"].fill.fgColor.rgb == "002F5597"
    assert [ws.cell(row=5, column=c).value for c in range(1, 14)] == [None] * 13  # blank row
    # The result columns follow the last header, and the filter now reaches them.
    headers = header_map(ws, 3)
    assert [
        headers[name] for name in ("meeting_id", "join_url", "passcode", "status", "error")
    ] == [
        9,
        10,
        11,
        12,
        13,
    ]
    assert ws.auto_filter.ref == "A3:M6"
    assert ws["I4"].value == "81234567890" and ws["L6"].value == "created"


def test_new_header_cells_copy_the_last_header_style_and_get_widths(styled_xlsx: Path, tmp_path):
    table = read_table(styled_xlsx)
    ws = openpyxl.load_workbook(write_output(table, created(table), tmp_path / "o.xlsx"))["January"]
    model = ws["H3"]
    for column in "IJKLM":
        cell = ws[f"{column}3"]
        assert cell.font.bold and cell.font.color.rgb == model.font.color.rgb
        assert cell.fill.fgColor.rgb == model.fill.fgColor.rgb
        assert cell.border.bottom.style == "thin"
        assert cell.alignment.horizontal == "center"
    widths = {c: ws.column_dimensions[c].width for c in "IJKLM"}
    assert widths["J"] >= 40 and widths["M"] >= 45 and widths["L"] >= 10


def test_join_url_is_a_hyperlink_and_meeting_id_is_text(styled_xlsx: Path, tmp_path: Path):
    table = read_table(styled_xlsx)
    results = created(table)
    ws = openpyxl.load_workbook(write_output(table, results, tmp_path / "o.xlsx"))["January"]
    cell = ws["J4"]
    assert cell.value == results[0].join_url
    assert cell.hyperlink is not None and cell.hyperlink.target == results[0].join_url
    assert cell.font.underline == "single"
    meeting_id = ws["I4"]
    assert meeting_id.data_type == "s" and meeting_id.value == "81234567890"
    assert meeting_id.number_format == "@"


def test_result_columns_already_in_the_sheet_are_filled_in_place(tmp_path: Path):
    path = write_xlsx(
        tmp_path / "prepared.xlsx",
        {
            "Sheet": [
                ["topic", "join_url", "start_time", "duration", "Password", "notes", "ステータス"],
                ["One", None, datetime(2027, 1, 5, 9), 30, "mine123", "keep me", None],
                ["Two", None, datetime(2027, 1, 6, 9), 30, None, "keep me too", None],
            ]
        },
    )
    table = read_table(path)
    assert table.columns["passcode"] == "Password" and table.columns["status"] == "ステータス"
    one, two = table.rows
    results = [
        RowResult(one.number, Status.CREATED, "81234567890", "https://zoom.us/j/81234567890", None),
        RowResult(
            two.number, Status.CREATED, "81234567891", "https://zoom.us/j/81234567891", "zx9"
        ),
    ]
    ws = openpyxl.load_workbook(write_output(table, results, tmp_path / "o.xlsx"))["Sheet"]
    header = [cell.value for cell in ws[1]]
    assert header == [
        "topic",
        "join_url",
        "start_time",
        "duration",
        "Password",
        "notes",
        "ステータス",
        "meeting_id",
        "error",
    ]
    assert ws["B2"].value == "https://zoom.us/j/81234567890" and ws["B2"].hyperlink is not None
    assert ws["E2"].value == "mine123"  # no passcode in the result: the user's stays
    assert ws["E3"].value == "zx9"
    assert ws["F2"].value == "keep me" and ws["G2"].value == "created"
    assert ws["H3"].value == "81234567891"


def test_japanese_result_headers_in_a_csv_are_filled_in_place(tmp_path: Path):
    path = write_csv(
        tmp_path / "ja.csv",
        [
            ["会議名", "開始日時", "所要時間", "参加URL", "パスコード"],
            ["研修", "2027/01/12 10:00", "90", "", "pass1"],
        ],
        encoding="cp932",
    )
    table = read_table(path)
    output = write_output(table, created(table, passcode=None), tmp_path / "out.csv")
    header, row = read_csv_records(output)
    assert header == ["会議名", "開始日時", "所要時間", "参加URL", "パスコード"] + [
        "meeting_id",
        "status",
        "error",
    ]
    assert row[3].startswith("https://") and row[4] == "pass1" and row[5] == "81234567890"


def test_empty_string_clears_a_result_cell_and_none_keeps_it(tmp_path: Path):
    path = write_csv(
        tmp_path / "m.csv",
        [
            [*HEADERS, "meeting_id", "join_url", "status"],
            [*ROW_A, "81234567890", "https://zoom.us/j/81234567890", "created"],
            [*ROW_B, "81234567891", "https://zoom.us/j/81234567891", "created"],
        ],
    )
    table = read_table(path)
    results = [
        RowResult(2, Status.CANCELLED, meeting_id="", join_url=""),
        RowResult(3, Status.FAILED, error="Zoom error 3000"),
    ]
    _, first, second = read_csv_records(write_output(table, results, tmp_path / "o.csv"))
    assert first[7:] == ["", "", "cancelled", "", ""]
    assert second[7:] == [
        "81234567891",
        "https://zoom.us/j/81234567891",
        "failed",
        "",
        "Zoom error 3000",
    ]


def test_results_for_rows_that_are_not_data_rows_are_ignored(sample_csv: Path, tmp_path: Path):
    table = read_table(sample_csv)
    results = [RowResult(1, Status.FAILED, error="header?"), RowResult(99, Status.FAILED)]
    records = read_csv_records(write_output(table, results, tmp_path / "o.csv"))
    assert records[0][: len(HEADERS)] == HEADERS
    assert len(records) == 3
    assert records[1][len(HEADERS) :] == ["", "", "", "", ""]  # no result: cells as they were


# ---------------------------------------------------------------- writing: formula injection


DANGEROUS = ['=HYPERLINK("http://evil","x")', "+81 3 1234 5678", "-2+3", "@SUM(A1)", "=1+1"]


def test_text_that_looks_like_a_formula_is_text_in_xlsx(tmp_path: Path):
    rows = [[*HEADERS[:3], "notes"]] + [
        [topic, "2027-01-05 09:00", "30", "-5"] for topic in DANGEROUS
    ]
    table = read_table(write_csv(tmp_path / "m.csv", rows))
    results = [
        RowResult(row.number, Status.FAILED, error="=cmd|' /C calc'!A0") for row in table.rows
    ]
    book = openpyxl.load_workbook(write_output(table, results, tmp_path / "o.xlsx"))
    ws = book["m"]
    assert [ws.cell(row=r, column=1).value for r in range(2, 7)] == DANGEROUS
    assert all(ws.cell(row=r, column=1).data_type == "s" for r in range(2, 7))
    error_column = header_map(ws)["error"]
    assert ws.cell(row=2, column=error_column).value == "=cmd|' /C calc'!A0"
    assert ws.cell(row=2, column=error_column).data_type == "s"
    summary_cells = [c for row in book["Summary"].iter_rows() for c in row if c.value]
    assert all(c.data_type in ("s", "n") for c in summary_cells)  # the topics there too


def test_text_that_looks_like_a_formula_is_escaped_in_csv_and_reads_back(tmp_path: Path):
    rows = [[*HEADERS[:3], "notes"]] + [
        [topic, "2027-01-05 09:00", "30", "-5"] for topic in DANGEROUS
    ]
    table = read_table(write_csv(tmp_path / "m.csv", rows))
    results = [RowResult(row.number, Status.FAILED, error="@evil") for row in table.rows]
    output = write_output(table, results, tmp_path / "o.csv")
    records = read_csv_records(output)
    assert [r[0] for r in records[1:]] == ["'" + value for value in DANGEROUS]
    assert records[1][3] == "-5"  # a plain number stays a number
    assert records[1][-1] == "'@evil"
    again = read_table(output)
    assert [row.get("topic") for row in again.rows] == DANGEROUS
    assert again.rows[0].get("error") == "@evil"
    # A second round does not stack quotes.
    third = read_csv_records(write_output(again, results, tmp_path / "o2.csv"))
    assert [r[0] for r in third[1:]] == ["'" + value for value in DANGEROUS]


# ---------------------------------------------------------- writing: CSV and conversions


def test_csv_output_has_a_bom_and_every_input_row(tmp_path: Path):
    path = write_csv(tmp_path / "m.csv", [["Title"], HEADERS, ROW_A, [], ["会議", *ROW_B[1:]]])
    table = read_table(path)
    output = write_output(table, created(table), tmp_path / "o.csv")
    data = output.read_bytes()
    assert data.startswith(codecs.BOM_UTF8)
    records = read_csv_records(output)
    assert [r[0] for r in records] == ["Title", "topic", "Orientation", "", "会議"]
    assert records[1][len(HEADERS) :] == ["meeting_id", "join_url", "passcode", "status", "error"]
    assert records[4][len(HEADERS)] == "81234567891"
    assert all(len(r) == len(HEADERS) + 5 for r in records)


def test_excel_to_csv(styled_xlsx: Path, tmp_path: Path):
    table = read_table(styled_xlsx)
    records = read_csv_records(write_output(table, created(table), tmp_path / "o.csv"))
    assert records[0][0] == "January timetable"
    assert records[2][:3] == ["topic", "start_time", "duration"]
    assert records[3][:3] == ["Orientation", "2027-01-05 09:30", "120"]
    assert records[3][8:11] == [
        "81234567890",
        "https://us06web.zoom.us/j/81234567890?pwd=abc",
        "a1b2c3",
    ]
    assert records[4] == [""] * 13


def test_csv_to_xlsx_builds_a_readable_workbook(sample_csv: Path, tmp_path: Path):
    table = read_table(sample_csv)
    book = openpyxl.load_workbook(write_output(table, created(table), tmp_path / "o.xlsx"))
    assert book.sheetnames == ["meetings", "Summary"]
    ws = book["meetings"]
    assert [c.value for c in ws[1]] == HEADERS + list(
        ("meeting_id", "join_url", "passcode", "status", "error")
    )
    assert all(c.font.bold for c in ws[1])
    assert ws["A2"].value == "Orientation" and ws["C2"].value == "120"
    assert ws["I2"].hyperlink.target.startswith("https://")
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:L3"
    assert ws.column_dimensions["I"].width >= 40
    again = read_table(tmp_path / "o.xlsx")
    assert again.rows[0].get("meeting_id") == "81234567890"
    assert again.rows[0].get("join_url") == created(table)[0].join_url


# ------------------------------------------------------------------- writing: Summary sheet


def test_summary_sheet_content(sample_csv: Path, tmp_path: Path):
    table = read_table(sample_csv)
    first, second = table.rows
    results = [
        RowResult(
            first.number, Status.CREATED, "1", "https://zoom.us/j/1", host="alice@example.com"
        ),
        RowResult(
            second.number,
            Status.INVALID,
            error='row 3: duration "x" is not a number',
            host="bob@example.com",
            topic="Excel class",
        ),
    ]
    book = openpyxl.load_workbook(write_output(table, results, tmp_path / "o.xlsx"))
    values = [
        [c for c in row if c is not None] for row in book["Summary"].iter_rows(values_only=True)
    ]
    assert values[0] == ["batch_zoom summary: 2 rows"]
    assert ["created", "made by this run", 1] in values
    assert ["invalid", "the row needs fixing", 1] in values and ["total", 2] in values
    assert ["host", "created", "invalid", "total"] in values
    assert ["bob@example.com", 0, 1, 1] in values
    assert [
        3,
        "Excel class",
        "bob@example.com",
        "invalid",
        'row 3: duration "x" is not a number',
    ] in values


def test_a_rerun_replaces_our_summary_and_reads_its_own_output(styled_xlsx: Path, tmp_path):
    table = read_table(styled_xlsx)
    first = write_output(table, created(table), tmp_path / "run1.xlsx")
    again = read_table(first)
    assert again.sheet_name == "January" and [r.number for r in again.rows] == [4, 6]
    assert again.rows[0].get("meeting_id") == "81234567890"
    assert again.rows[0].get("status") == "created"
    results = [RowResult(r.number, Status.EXISTS) for r in again.rows]
    book = openpyxl.load_workbook(write_output(again, results, tmp_path / "run2.xlsx"))
    assert book.sheetnames == ["January", "Notes", "Summary"]
    ws = book["January"]
    assert list(header_map(ws, 3)).count("meeting_id") == 1
    assert ws["I4"].value == "81234567890" and ws["L4"].value == "exists"
    assert ws["J4"].hyperlink is not None  # kept from the first run


def test_summary_never_overwrites_the_schedule_or_a_users_own_summary(tmp_path: Path):
    path = write_xlsx(
        tmp_path / "m.xlsx",
        {
            "Summary": [HEADERS, ["One", datetime(2027, 1, 5, 9), 30]],
            "summary 2": [["the user's own notes"]],
        },
    )
    table = read_table(path)
    assert table.sheet_name == "Summary"
    book = openpyxl.load_workbook(write_output(table, created(table), tmp_path / "o.xlsx"))
    assert book.sheetnames == ["Summary", "summary 2", "Summary 3"]
    assert book["Summary"]["A2"].value == "One"
    assert book["summary 2"]["A1"].value == "the user's own notes"
    assert book["Summary 3"]["A1"].value.startswith("batch_zoom summary")


# -------------------------------------------------------------- writing: atomic, fallback


def test_output_is_written_atomically_without_leftovers(sample_csv: Path, tmp_path: Path):
    table = read_table(sample_csv)
    out = tmp_path / "out"
    out.mkdir()
    target = out / "scheduled.xlsx"
    target.write_bytes(b"previous run")
    assert write_output(table, created(table), target) == target
    assert os.listdir(out) == ["scheduled.xlsx"]
    assert openpyxl.load_workbook(target).sheetnames == ["meetings", "Summary"]
    assert stat.S_IMODE(target.stat().st_mode) != 0o600 or os.name == "nt"


def test_unwritable_output_goes_to_a_recovered_file_beside_it(sample_csv: Path, tmp_path: Path):
    table = read_table(sample_csv)
    target = tmp_path / "december_scheduled.xlsx"
    target.mkdir()  # something occupies the name, as a file held open by Excel would
    with pytest.raises(OutputError) as caught:
        write_output(table, created(table), target)
    fallback = caught.value.fallback
    assert fallback is not None and fallback.parent == tmp_path
    assert fallback.name.startswith("december_scheduled.recovered-")
    assert fallback.suffix == ".xlsx"
    assert str(target) in str(caught.value) and str(fallback) in str(caught.value)
    assert caught.value.hint
    ws = openpyxl.load_workbook(fallback)["meetings"]
    assert ws["H2"].value == "81234567890"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_fallback_uses_the_current_folder_when_the_output_folder_is_unusable(
    sample_csv: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    table = read_table(sample_csv)
    blocker = tmp_path / "reports"
    blocker.write_text("a file, not a folder")
    here = tmp_path / "here"
    here.mkdir()
    monkeypatch.chdir(here)
    with pytest.raises(OutputError) as caught:
        write_output(table, created(table), blocker / "out.csv")
    fallback = caught.value.fallback
    assert fallback is not None and fallback.parent == here.resolve()
    assert read_csv_records(fallback)[1][len(HEADERS)] == "81234567890"
    assert stat.S_IMODE(fallback.stat().st_mode) == 0o600  # away from the output: private


def test_nothing_writable_raises_without_fallback(
    sample_csv: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    table = read_table(sample_csv)

    def refuse(path: Path, data: bytes) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(output_module, "write_atomically", refuse)
    with pytest.raises(OutputError) as caught:
        write_output(table, created(table), tmp_path / "out.csv")
    assert caught.value.fallback is None
    assert "permission denied" in str(caught.value)


def test_bad_output_names(sample_csv: Path, tmp_path: Path):
    table = read_table(sample_csv)
    with pytest.raises(OutputError, match=r"\.csv, \.xlsx or \.xlsm"):
        write_output(table, [], tmp_path / "out.txt")
    with pytest.raises(OutputError, match="macro"):
        write_output(table, [], tmp_path / "out.xlsm")


def test_macro_workbook_keeps_its_macros(tmp_path: Path):
    plain = write_xlsx(
        tmp_path / "plain.xlsx", {"Sheet": [HEADERS, ["One", datetime(2027, 1, 5, 9), 30]]}
    )
    macro = tmp_path / "macro.xlsm"
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(macro, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "[Content_Types].xml":
                data = data.replace(b"spreadsheetml.sheet.main+xml", b"x").replace(
                    b"application/vnd.openxmlformats-officedocument.x",
                    b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
                )
            target.writestr(info, data)
        target.writestr("xl/vbaProject.bin", b"macro bytes")
    table = read_table(macro)
    output = write_output(table, created(table), tmp_path / "out.xlsm")
    with zipfile.ZipFile(output) as archive:
        assert archive.read("xl/vbaProject.bin") == b"macro bytes"
        assert b"macroEnabled" in archive.read("[Content_Types].xml")
    assert openpyxl.load_workbook(output)["Sheet"]["H2"].value == "81234567890"
