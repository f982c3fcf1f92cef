"""Write the sample spreadsheets in this folder: ``python samples/make_samples.py``.

The output is byte-for-byte the same on every run (fixed dates inside the workbook and in its
zip entries), so regenerating the samples shows no change unless this script changed
(``tests/test_samples.py`` checks). openpyxl writes its XML with lxml when lxml is installed, as
it is with batch_zoom, and with the standard library otherwise, which spaces empty elements
differently: regenerate with batch_zoom's dependencies installed.

- ``meetings.xlsx``: January 2027 at a training centre, as a real user's sheet: a styled header,
  Excel date-time cells, column widths, a frozen header, a filter, and a second sheet ("Notes").
- ``meetings.csv``: the same rows as plain UTF-8 CSV.
- ``meetings_ja.csv``: Japanese headers and topics, saved as Japanese Excel saves CSV (cp932).
- ``meetings_invalid.csv``: a few good rows and the mistakes people make, to show ``invalid``.
- ``timetable_ja.xlsx``: a Japanese school timetable as a school office keeps it: a title line,
  ``日付 | 曜日 | 開始 | 終了 | 授業名 | 担当 | 教室`` with real date and time cells, a section row
  per week (【第1週】) and a note row at the end.
- ``timetable_en.csv``: ``Date | Start | End | Title | Time Zone`` with zones written as JST, Zoom's
  labels, a Windows name and a UTC offset, and a ``Week 2`` section row.
- ``classes_settings.xlsx``: a university's spring classes using the settings institutions use
  (issue 26): a ``template``, a ``tracking: Course code`` column, ``authentication`` (signed-in
  or the school's domains), a ``reminder`` for the ``.ics``, a ``breakout_rooms`` cell, and a
  ``Breakout rooms`` sheet in Zoom's pre-assignment CSV columns plus the class's topic. The
  ``--sandbox`` try-out account has its templates (Lecture, Seminar) and tracking field.
- ``webinars.xlsx``: meetings and webinars in one sheet (issue 25): a ``kind`` column (meeting,
  webinar, ウェビナー, or empty for a meeting), a webinar with ``panelists`` and attendees in
  ``participants``, and a recurring webinar.
- ``meetings_era_ja.csv``: Japanese era and 年月日 dates (令和9年5月10日, R9.5.17,
  2027年5月11日(火), full-width digits) and a ``時間`` column that is read as the duration.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import date, datetime, time, timedelta
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

#: The timetable of class 2-1, three weeks from Monday 12 April 2027: (period start, end).
PERIODS = [(time(9, 0), time(9, 50)), (time(10, 0), time(10, 50)), (time(13, 0), time(13, 50))]
SUBJECTS = [  # per weekday (Mon..Fri): (授業名, 担当) for each period
    [("国語", "tanaka@example.com"), ("数学", "suzuki@example.com"), ("英語", "sato@example.com")],
    [("理科", "ito@example.com"), ("社会", "kato@example.com"), ("数学", "suzuki@example.com")],
    [("英語", "sato@example.com"), ("国語", "tanaka@example.com"), ("音楽", "kato@example.com")],
    [("数学", "suzuki@example.com"), ("理科", "ito@example.com"), ("体育", "ito@example.com")],
    [("社会", "kato@example.com"), ("英語", "sato@example.com"), ("国語", "tanaka@example.com")],
]
ROOMS = ["2年1組", "理科室", "音楽室"]
TIMETABLE_HEADERS = ["日付", "曜日", "開始", "終了", "授業名", "担当", "教室"]
TIMETABLE_FIRST_DAY = date(2027, 4, 12)
TIMETABLE_WEEKS = 3

EN_HEADERS = ["Date", "Start", "End", "Title", "Time Zone", "Notes"]
EN_MEETINGS = [
    ("2027-05-10", "9:00", "10:00", "Tokyo office stand-up", "JST", ""),
    ("2027-05-10", "16:00", "17:30", "Osaka client review", "(GMT+09:00) Osaka, Sapporo, Tokyo",
     ""),
    ("May 11, 2027", "9:30 AM", "10:15 AM", "New York sync",
     "(GMT-4:00) Eastern Time (US and Canada)", "summer label"),
    ("11 May 2027", "14:00", "15:00", "London planning", "(GMT+1:00) London", ""),
    ("Week 2", "", "", "", "", ""),
    ("2027-05-17", "10:00", "11:00", "Tokyo office stand-up", "Tokyo Standard Time",
     "Outlook name"),
    ("2027-05-18", "15:00", "16:00", "Berlin partners", "CEST", ""),
    ("2027/05/19", "11:00", "12:30", "Tokyo training", "UTC+09:00", ""),
]

ERA_HEADERS = ["件名", "開始日時", "時間", "担当", "備考"]
ERA_MEETINGS = [
    ("新任研修 第1回", "令和9年5月10日 10:00", "90", ALICE, "元号"),
    ("新任研修 第2回", "R9.5.17 15:00", "90", ALICE, "元号の略記"),
    ("保護者会", "2027年5月11日(火) 14:30", "60", CAROL, "曜日つき"),
    ("職員会議", "２０２７年５月１２日（水）　１６：００", "45", BOB, "全角"),
    ("教材検討会", "令和9年5月13日(木) 午後3時", "60分", DAVE, "午後"),
    ("学年打ち合わせ", "2027年5月14日 9時30分", "30", ALICE, "時・分"),
]
# fmt: on


WEBINAR_HEADERS = [
    "topic", "start_time", "duration", "timezone", "host", "kind", "recurrence", "panelists",
    "participants", "agenda",
]  # fmt: skip
WEBINARS = [
    (
        "Trainers' briefing", datetime(2027, 2, 1, 9, 0), 30, "Asia/Tokyo", "alice@example.com",
        "meeting", "", "", "", "Who runs which session",
    ),
    (
        "Product launch webinar", datetime(2027, 2, 3, 14, 0), 90, "Asia/Tokyo",
        "alice@example.com", "webinar", "",
        "Ann Lee <ann@example.org>; Bo Tanaka <bo@example.org>",
        "Carol Diaz <carol@example.net>\nDan Wu <dan@example.net>\neve@example.net",
        "Live demo and Q&A",
    ),
    (
        "Weekly customer clinic", datetime(2027, 2, 4, 18, 0), 45, "Asia/Tokyo",
        "bob@example.com", "ウェビナー", "weekly x6", "Bo Tanaka <bo@example.org>",
        "frank@example.net, grace@example.net", "Bring your questions",
    ),
    (
        "Team retrospective", datetime(2027, 2, 5, 16, 0), 60, "Asia/Tokyo", "bob@example.com",
        "", "", "", "", "",
    ),
]  # fmt: skip


def make_webinars_xlsx() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "February"
    sheet.append(WEBINAR_HEADERS)
    for event in WEBINARS:
        sheet.append(list(event))
    for cell in sheet[1]:
        cell.font = Font(name="Calibri", bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    for row in sheet.iter_rows(min_row=2, min_col=2, max_col=2):
        row[0].number_format = "yyyy-mm-dd hh:mm"
    for row in sheet.iter_rows(min_row=2, min_col=8, max_col=9):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    widths = {"A": 28, "B": 18, "C": 10, "D": 14, "E": 20, "F": 12, "G": 12, "H": 40, "I": 36}
    for letter, width in widths.items():
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    book.properties.creator = "Training centre office"
    book.properties.created = FIXED_TIME
    buffer = io.BytesIO()
    book.save(buffer)
    return _deterministic_zip(buffer.getvalue())


def timetable_rows() -> list[list[object]]:
    """The timetable's rows under its header: a section row per week, classes, a note."""
    rows: list[list[object]] = []
    for week in range(TIMETABLE_WEEKS):
        rows.append([f"【第{week + 1}週】", None, None, None, None, None, None])
        for weekday in range(5):
            day = TIMETABLE_FIRST_DAY + timedelta(days=7 * week + weekday)
            for period, (start, end) in enumerate(PERIODS):
                subject, teacher = SUBJECTS[weekday][period]
                room = (
                    ROOMS[1] if subject == "理科" else ROOMS[2] if subject == "音楽" else ROOMS[0]
                )
                rows.append(
                    [
                        datetime.combine(day, time()),
                        "月火水木金"[weekday],
                        start,
                        end,
                        subject,
                        teacher,
                        room,
                    ]
                )
    rows.append(
        [
            "※ 4月29日（木）は祝日ですが、授業日として振り替えます。",
            None,
            None,
            None,
            None,
            None,
            None,
        ]
    )
    return rows


def make_timetable_xlsx() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "1学期"
    sheet.append(["2027年度 1学期 時間割（2年1組）"])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([])
    sheet.append(TIMETABLE_HEADERS)
    for cell in sheet[3]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    for values in timetable_rows():
        sheet.append(values)
    for row in sheet.iter_rows(min_row=4):
        if isinstance(row[0].value, datetime):
            row[0].number_format = "yyyy/m/d"
            row[2].number_format = "h:mm"
            row[3].number_format = "h:mm"
        elif row[0].value:
            row[0].font = Font(bold=True)
    for letter, width in {"A": 12, "B": 6, "C": 8, "D": 8, "E": 10, "F": 24, "G": 10}.items():
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A4"
    book.properties.creator = "School office"
    book.properties.created = FIXED_TIME
    buffer = io.BytesIO()
    book.save(buffer)
    return _deterministic_zip(buffer.getvalue())


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


SETTINGS_HEADERS = [
    "topic", "start_time", "duration", "timezone", "host", "template", "tracking: Course code",
    "authentication", "reminder", "breakout_rooms",
]  # fmt: skip
SETTINGS_CLASSES: list[list[object]] = [
    ["Calculus I", datetime(2027, 4, 12, 9, 0), 90, TOKYO, ALICE, "Lecture", "MATH101",
     "u-tokyo.ac.jp, ms.u-tokyo.ac.jp", "15m", None],
    ["Calculus I tutorial", datetime(2027, 4, 14, 13, 0), 60, TOKYO, ALICE, "Seminar", "MATH101",
     "signed-in", "10m", None],
    ["Mechanics", datetime(2027, 4, 13, 10, 40), 90, TOKYO, BOB, "Lecture", "PHYS201",
     "signed-in", "1h", "Lab A: kato@u-tokyo.ac.jp, mori@u-tokyo.ac.jp; Lab B: sato@u-tokyo.ac.jp"],
    ["Chemistry office hours", datetime(2027, 4, 15, 16, 0), 30, TOKYO, CAROL, None, "CHEM110",
     None, None, None],
]  # fmt: skip
SETTINGS_ROOMS = [
    ("Calculus I", "Group 1", "aoki@u-tokyo.ac.jp"),
    ("Calculus I", "Group 1", "ito@u-tokyo.ac.jp"),
    ("Calculus I", "Group 2", "ueda@u-tokyo.ac.jp"),
    ("Calculus I", "Group 2", "endo@ms.u-tokyo.ac.jp"),
    ("Calculus I tutorial", "Table 1", "aoki@u-tokyo.ac.jp"),
    ("Calculus I tutorial", "Table 2", "ito@u-tokyo.ac.jp"),
]


def make_settings_xlsx() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Spring classes"
    sheet.append(SETTINGS_HEADERS)
    for values in SETTINGS_CLASSES:
        sheet.append(values)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="E2EFDA")
    for row in sheet.iter_rows(min_row=2, min_col=2, max_col=2):
        row[0].number_format = "yyyy-mm-dd hh:mm"
    widths = {"A": 24, "B": 18, "C": 9, "D": 12, "E": 20, "F": 10, "G": 20, "H": 30, "I": 9}
    for letter, width in {**widths, "J": 60}.items():
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    rooms = book.create_sheet("Breakout rooms")
    rooms.append(["topic", "Pre-assign Room Name", "Email Address"])
    for room in SETTINGS_ROOMS:
        rooms.append(list(room))
    for cell in rooms[1]:
        cell.font = Font(bold=True)
    for letter, width in {"A": 24, "B": 22, "C": 28}.items():
        rooms.column_dimensions[letter].width = width
    book.properties.creator = "Faculty office"
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


def write_samples(folder: Path) -> None:
    """Every sample file into ``folder`` (``tests/test_samples.py`` compares them with ours)."""
    (folder / "meetings.xlsx").write_bytes(make_xlsx())
    plain = [
        (topic, start.strftime("%Y-%m-%d %H:%M"), str(duration), zone, host, agenda, room)
        for topic, start, duration, zone, host, agenda, room in MEETINGS
    ]
    (folder / "meetings.csv").write_bytes(csv_text(HEADERS, plain).encode("utf-8"))
    (folder / "meetings_ja.csv").write_bytes(csv_text(JA_HEADERS, JA_MEETINGS).encode("cp932"))
    (folder / "meetings_invalid.csv").write_bytes(
        csv_text(INVALID_HEADERS, INVALID_MEETINGS).encode("utf-8")
    )
    (folder / "timetable_ja.xlsx").write_bytes(make_timetable_xlsx())
    (folder / "classes_settings.xlsx").write_bytes(make_settings_xlsx())
    (folder / "webinars.xlsx").write_bytes(make_webinars_xlsx())
    (folder / "timetable_en.csv").write_bytes(csv_text(EN_HEADERS, EN_MEETINGS).encode("utf-8"))
    (folder / "meetings_era_ja.csv").write_bytes(
        csv_text(ERA_HEADERS, ERA_MEETINGS).encode("utf-8-sig")  # Excel's "CSV UTF-8"
    )


def main() -> None:
    write_samples(HERE)


if __name__ == "__main__":
    main()
