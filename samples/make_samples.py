"""Write the sample spreadsheets in this folder: ``python samples/make_samples.py``.

The output is byte-for-byte the same on every run (fixed dates inside the workbook and in its
zip entries), so regenerating the samples shows no change unless this script changed.

- ``meetings.xlsx``: January 2027 at a training centre, as a real user's sheet: a styled header,
  Excel date-time cells, column widths, a frozen header, a filter, and a second sheet ("Notes").
- ``meetings.csv``: the same rows as plain UTF-8 CSV.
- ``meetings_ja.csv``: Japanese headers and topics, saved as Japanese Excel saves CSV (cp932).
- ``meetings_invalid.csv``: a few good rows and the mistakes people make, to show ``invalid``.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

HERE = Path(__file__).resolve().parent
FIXED_TIME = datetime(2026, 12, 1, 9, 0, 0)

HEADERS = ["topic", "start_time", "duration", "timezone", "host", "agenda", "room"]

ALICE, BOB, CAROL, DAVE = (
    "alice@example.com",
    "bob@example.com",
    "carol@example.com",
    "dave@example.com",
)
TOKYO, NEW_YORK, LONDON = "Asia/Tokyo", "America/New_York", "Europe/London"

# fmt: off
#: January 2027 at a small training centre with offices in Tokyo, New York and London.
MEETINGS: list[tuple[str, datetime, int, str, str, str, str]] = [
    ("New staff orientation (day 1)", datetime(2027, 1, 5, 9, 30), 120, TOKYO, ALICE,
     "Welcome, building tour, accounts and badges", "Tokyo 3A"),
    ("Weekly office meeting", datetime(2027, 1, 6, 10, 0), 30, TOKYO, ALICE,
     "Rota, room bookings, open issues", "Tokyo 3A"),
    ("New staff orientation (day 2)", datetime(2027, 1, 6, 13, 0), 90, TOKYO, ALICE,
     "Safety briefing and first-aid basics", "Tokyo 3B"),
    ("Excel for beginners: session 1", datetime(2027, 1, 7, 18, 30), 90, NEW_YORK, BOB,
     "Cells, formats and simple formulas", "NY Lab 2"),
    ("Parent information evening", datetime(2027, 1, 8, 19, 0), 60, LONDON, CAROL,
     "Spring term courses and exam dates", "London Hall"),
    ("Instructor check-in", datetime(2027, 1, 11, 8, 30), 30, NEW_YORK, BOB,
     "Attendance and materials", "Online"),
    ("Weekly office meeting", datetime(2027, 1, 13, 10, 0), 30, TOKYO, ALICE,
     "Rota, room bookings, open issues", "Tokyo 3A"),
    ("First-aid refresher", datetime(2027, 1, 13, 14, 0), 180, LONDON, CAROL,
     "Practical session; bring the workbook", "London Room 1"),
    ("Excel for beginners: session 2", datetime(2027, 1, 14, 18, 30), 90, NEW_YORK, BOB,
     "Sorting, filters and charts", "NY Lab 2"),
    ("Budget review Q1", datetime(2027, 1, 15, 16, 0), 60, TOKYO, DAVE,
     "Course fees, room costs, new laptops", "Tokyo 5F"),
    ("Instructor check-in", datetime(2027, 1, 18, 8, 30), 30, NEW_YORK, BOB,
     "Attendance and materials", "Online"),
    ("Open day planning", datetime(2027, 1, 19, 11, 0), 45, LONDON, CAROL,
     "Stands, volunteers, leaflets", "London Room 2"),
    ("Weekly office meeting", datetime(2027, 1, 20, 10, 0), 30, TOKYO, ALICE,
     "Rota, room bookings, open issues", "Tokyo 3A"),
    ("Excel for beginners: session 3", datetime(2027, 1, 21, 18, 30), 90, NEW_YORK, BOB,
     "Pivot tables", "NY Lab 2"),
    ("Health and safety committee", datetime(2027, 1, 22, 15, 0), 60, LONDON, CAROL,
     "Fire drill results and risk register", "London Room 1"),
    ("Course design workshop", datetime(2027, 1, 22, 17, 30), 120, TOKYO, DAVE,
     "Spring syllabus for the business English course", "Tokyo 5F"),
    ("Instructor check-in", datetime(2027, 1, 25, 8, 30), 30, NEW_YORK, BOB,
     "Attendance and materials", "Online"),
    ("Student support drop-in", datetime(2027, 1, 26, 12, 0), 60, LONDON, CAROL,
     "Open questions about courses and fees", "Online"),
    ("Weekly office meeting", datetime(2027, 1, 27, 10, 0), 30, TOKYO, ALICE,
     "Rota, room bookings, open issues", "Tokyo 3A"),
    ("Vendor demo: booking system", datetime(2027, 1, 27, 16, 0), 45, TOKYO, DAVE,
     "Online booking for rooms and courses", "Tokyo 5F"),
    ("Excel for beginners: session 4", datetime(2027, 1, 28, 18, 30), 90, NEW_YORK, BOB,
     "Review and certificates", "NY Lab 2"),
    ("Monthly all-hands", datetime(2027, 1, 29, 9, 0), 60, LONDON, CAROL,
     "News from all three offices", "London Hall"),
    ("Exam invigilator briefing", datetime(2027, 1, 29, 13, 30), 40, NEW_YORK, BOB,
     "Rules, timings and seating", "NY Room 4"),
    ("February timetable sign-off", datetime(2027, 1, 29, 17, 0), 30, TOKYO, DAVE,
     "Final check of rooms and instructors", "Tokyo 5F"),
]

JA_HEADERS = ["会議名", "開始日時", "所要時間", "タイムゾーン", "ホスト", "備考"]
JA_MEETINGS = [
    ("新入社員研修 第1回", "2027/01/12 10:00", "90", TOKYO, ALICE, "3階 研修室A"),
    ("新入社員研修 第2回", "2027/01/13 10:00", "90", TOKYO, ALICE, "3階 研修室A"),
    ("保護者説明会（春期講座）", "2027/01/14 19:00", "60", TOKYO, CAROL, "資料は前日に送付"),
    ("講師定例ミーティング", "2027/01/15 09:00", "30", TOKYO, BOB, "オンラインのみ"),
    ("予算会議 第1四半期", "2027/01/18 16:00", "60", TOKYO, DAVE, "5階 会議室"),
    ("エクセル入門講座", "2027/01/20 18:30", "120", TOKYO, BOB, "受講者12名"),
    ("防災訓練の打ち合わせ", "2027/01/22 14:00", "45", TOKYO, CAROL, ""),
    ("月例全体会議", "2027/01/29 09:00", "60", TOKYO, ALICE, "全拠点参加"),
]

INVALID_HEADERS = ["topic", "start_time", "duration", "timezone", "host", "agenda"]
INVALID_MEETINGS = [
    ("Weekly office meeting", "2027-01-06 10:00", "30", TOKYO, ALICE, "A good row"),
    ("Excel for beginners", "2027-01-07 18:30", "abc", NEW_YORK, BOB, "duration is not a number"),
    ("Parent information evening", "2027-01-08 19:00", "60", "Asia/Tokio", CAROL,
     "the time zone is misspelt"),
    ("", "2027-01-11 08:30", "30", NEW_YORK, BOB, "the topic is empty"),
    ("Budget review", "2027-13-45 16:00", "60", TOKYO, DAVE, "there is no month 13"),
    ("Open day planning", "2027-01-19 11:00", "0", LONDON, CAROL, "a meeting of 0 minutes"),
    ("Monthly all-hands", "2027-01-29 09:00", "60", LONDON, CAROL, "Another good row"),
]
# fmt: on


def make_xlsx() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "January"
    sheet.append(HEADERS)
    for meeting in MEETINGS:
        sheet.append(list(meeting))

    edge = Side(style="thin", color="9BA7B4")
    for cell in sheet[1]:
        cell.font = Font(name="Calibri", bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="2F5597")
        cell.border = Border(left=edge, right=edge, top=edge, bottom=edge)
        cell.alignment = Alignment(horizontal="center", vertical="center")
    for row in sheet.iter_rows(min_row=2, min_col=2, max_col=2):
        row[0].number_format = "yyyy-mm-dd hh:mm"
    widths = {"A": 34, "B": 18, "C": 10, "D": 20, "E": 22, "F": 44, "G": 16}
    for letter, width in widths.items():
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:G{len(MEETINGS) + 1}"

    notes = book.create_sheet("Notes")
    notes["A1"] = "January 2027 timetable: rooms confirmed by the office on 1 December."
    notes["A1"].font = Font(italic=True)
    notes.merge_cells("A1:F1")
    notes["A3"] = "Ask Alice before moving any Tokyo session."

    book.properties.creator = "Training centre office"
    book.properties.created = FIXED_TIME
    buffer = io.BytesIO()
    book.save(buffer)
    return _deterministic_zip(buffer.getvalue())


def _deterministic_zip(data: bytes) -> bytes:
    """The same workbook with fixed zip entry dates and a fixed 'modified' property."""
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ")
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                    rb"\g<1>" + stamp.encode() + rb"\g<2>",
                    content,
                )
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, content)
    return buffer.getvalue()


def csv_text(headers: list[str], rows: list[tuple[str, ...]]) -> str:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")  # as Excel writes it
    writer.writerow(headers)
    writer.writerows(rows)
    return buffer.getvalue()


def main() -> None:
    (HERE / "meetings.xlsx").write_bytes(make_xlsx())
    plain = [
        (topic, start.strftime("%Y-%m-%d %H:%M"), str(duration), zone, host, agenda, room)
        for topic, start, duration, zone, host, agenda, room in MEETINGS
    ]
    (HERE / "meetings.csv").write_bytes(csv_text(HEADERS, plain).encode("utf-8"))
    (HERE / "meetings_ja.csv").write_bytes(csv_text(JA_HEADERS, JA_MEETINGS).encode("cp932"))
    (HERE / "meetings_invalid.csv").write_bytes(
        csv_text(INVALID_HEADERS, INVALID_MEETINGS).encode("utf-8")
    )


if __name__ == "__main__":
    main()
