"""Table tests for the forms offices write: dates, clock times, zones, columns, section rows.

Pure: no sheet, no HTTP. Every accepted form listed in docs/columns.md has a row here.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from batch_zoom.models import (
    COLUMN_ALIASES,
    InvalidRow,
    MeetingRequest,
    SheetRow,
    SkippedRow,
    Status,
)
from batch_zoom.rows.dates import DateRules, check_weekday, parse_clock, parse_date
from batch_zoom.rows.validate import RowDefaults, validate_row
from batch_zoom.rows.zones import parse_timezone
from batch_zoom.rows.zoom_timezones import ZOOM_TIMEZONES
from batch_zoom.sheet.columns import recognise

TOKYO = ZoneInfo("Asia/Tokyo")
TODAY = date(2026, 12, 1)
RULES = DateRules(today=TODAY)
NOW = datetime(2026, 12, 1, 0, 0, tzinfo=UTC)
DEFAULTS = RowDefaults(timezone="Asia/Tokyo", now=NOW)


def row(defaults: RowDefaults = DEFAULTS, **cells: Any) -> Any:
    return validate_row(SheetRow(9, cells), defaults)


def meeting(defaults: RowDefaults = DEFAULTS, **cells: Any) -> MeetingRequest:
    result = row(defaults, **cells)
    assert isinstance(result, MeetingRequest), result
    return result


def problems(defaults: RowDefaults = DEFAULTS, **cells: Any) -> tuple[str, ...]:
    result = row(defaults, **cells)
    assert isinstance(result, InvalidRow), result
    return result.problems


# --- dates ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (date(2027, 5, 10), date(2027, 5, 10)),
        (datetime(2027, 5, 10), date(2027, 5, 10)),  # an Excel date cell
        (46517, date(2027, 5, 10)),  # an Excel serial
        ("2027-05-10", date(2027, 5, 10)),
        ("2027/5/10", date(2027, 5, 10)),
        ("2027.5.10", date(2027, 5, 10)),
        ("2027年5月10日", date(2027, 5, 10)),
        ("2027 年 5 月 10 日", date(2027, 5, 10)),
        ("２０２７年５月１０日", date(2027, 5, 10)),  # full-width digits
        ("2027年5月11日(火)", date(2027, 5, 11)),
        ("2027年5月11日（火）", date(2027, 5, 11)),  # full-width brackets
        ("2027年5月11日 火曜日", date(2027, 5, 11)),
        ("2027年5月3日(月・祝)", date(2027, 5, 3)),
        ("2027/5/11(Tue)", date(2027, 5, 11)),
        ("令和9年5月10日", date(2027, 5, 10)),
        ("令和９年５月１０日", date(2027, 5, 10)),
        ("令和元年5月1日", date(2019, 5, 1)),
        ("R9.5.17", date(2027, 5, 17)),
        ("r9/5/17", date(2027, 5, 17)),
        ("H31.4.30", date(2019, 4, 30)),
        ("平成31年4月30日", date(2019, 4, 30)),
        ("17/05/2027", date(2027, 5, 17)),  # only day-first can be meant
        ("05/17/2027", date(2027, 5, 17)),  # only month-first can be meant
        ("17.05.2027", date(2027, 5, 17)),  # dots: day first
        ("May 10, 2027", date(2027, 5, 10)),
        ("10 May 2027", date(2027, 5, 10)),
        ("Mon 10 May 2027", date(2027, 5, 10)),
        ("Monday, May 10, 2027", date(2027, 5, 10)),
    ],
)  # fmt: skip
def test_date_forms(cell: Any, expected: date) -> None:
    assert parse_date(cell, RULES) == (expected, None)


@pytest.mark.parametrize(
    ("cell", "order", "expected"),
    [
        ("03/04/2027", "dmy", date(2027, 4, 3)),
        ("03/04/2027", "mdy", date(2027, 3, 4)),
        ("04-03-2027", "mdy", date(2027, 4, 3)),
        ("05/05/2027", None, date(2027, 5, 5)),  # the same either way
    ],
)
def test_date_order_settles_day_and_month(cell: str, order: str | None, expected: date) -> None:
    assert parse_date(cell, DateRules(order=order, today=TODAY))[0] == expected


@pytest.mark.parametrize(
    ("cell", "today", "expected"),
    [
        ("5/10", TODAY, date(2027, 5, 10)),
        ("5月10日", TODAY, date(2027, 5, 10)),
        ("5月11日(火)", TODAY, date(2027, 5, 11)),
        ("May 10", TODAY, date(2027, 5, 10)),
        ("12/1", TODAY, date(2026, 12, 1)),  # today itself
        ("1/5", date(2026, 12, 20), date(2027, 1, 5)),  # over the new year
        ("11/1", date(2027, 3, 1), date(2027, 11, 1)),  # passed long ago: next year's
    ],
)
def test_a_date_without_a_year_is_the_next_one_and_says_so(
    cell: str, today: date, expected: date
) -> None:
    day, note = parse_date(cell, DateRules(today=today))
    assert day == expected
    assert note == f'"{cell}" has no year: taken as {expected:%Y-%m-%d}'


def test_day_first_without_a_year_with_date_order_dmy() -> None:
    assert parse_date("10/5", DateRules(order="dmy", today=TODAY))[0] == date(2027, 5, 10)


def test_a_yearless_date_that_just_passed_is_refused_not_moved_a_year() -> None:
    with pytest.raises(ValueError) as caught:
        parse_date("11/20", RULES)
    assert str(caught.value) == (
        '{field} "11/20" has no year: 2026-11-20 passed 11 days ago and 2027-11-20 is almost a '
        "year away; write the year"
    )
    # A row that already has its meeting keeps the date it meant (the nearer one).
    assert parse_date("11/20", DateRules(today=TODAY, managed=True))[0] == date(2026, 11, 20)


@pytest.mark.parametrize(
    ("cell", "rules", "message"),
    [
        ("2027年5月11日(水)", RULES,
         '"2027年5月11日(水)": 2027-05-11 is a Tuesday (火), not a Wednesday (水)'),
        ("Wed 11 May 2027", RULES,
         '"Wed 11 May 2027": 2027-05-11 is a Tuesday (火), not a Wednesday (水)'),
        ("03/04/2027", RULES,
         '"03/04/2027" could be Apr 3 or Mar 4; write it as year-month-day, or run with '
         "--date-order dmy or mdy"),
        ("13/05/2027", DateRules(order="mdy", today=TODAY), '"13/05/2027" is not a real date'),
        ("2027年2月30日", RULES, '"2027年2月30日" is not a real date'),
        ("平成32年1月1日", RULES, '"平成32年1月1日" is not a date of 平成 (1989-01-08–2019-04-30)'),
        ("令和1年4月30日", RULES, '"令和1年4月30日" is not a date of 令和 (2019-05-01–)'),
        ("5/10", DateRules(), '"5/10" has no year; write the year'),
        ("2/29", RULES, '"2/29" has no year and is not a date in the next twelve months; '
         "write the year"),
        ("【第1週】", RULES,
         '"【第1週】" is not a date (write it like 2027-05-10 or 2027年5月10日)'),
        (True, RULES, '"True" is not a date (write it like 2027-05-10 or 2027年5月10日)'),
    ],
)  # fmt: skip
def test_bad_dates(cell: Any, rules: DateRules, message: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_date(cell, rules)
    assert str(caught.value) == "{field} " + message


@pytest.mark.parametrize(
    ("cell", "weekday_ok"),
    [("火", True), ("火曜日", True), ("(火)", False), ("Tue", True), ("tuesday", True),
     ("水", False), ("Wed", False), ("月・水", True), ("授業あり", True)],
)  # fmt: skip
def test_a_weekday_column_must_agree_with_the_date(cell: str, weekday_ok: bool) -> None:
    day = date(2027, 5, 11)  # a Tuesday
    if cell == "(火)":  # brackets belong to a date cell, not to a weekday column: not one weekday
        check_weekday(cell, day)
        return
    if weekday_ok:
        check_weekday(cell, day)
    else:
        with pytest.raises(ValueError, match="is a Tuesday"):
            check_weekday(cell, day)


# --- clock times ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("9:00", time(9, 0)), ("09:00:00", time(9, 0)), ("15:00", time(15, 0)),
        ("9時", time(9, 0)), ("9時30分", time(9, 30)), ("9時半", time(9, 30)),
        ("午後3時", time(15, 0)), ("午前9時", time(9, 0)), ("午後3時15分", time(15, 15)),
        ("１５：００", time(15, 0)), ("3pm", time(15, 0)), ("3:30 PM", time(15, 30)),
        (time(9, 0), time(9, 0)),  # an Excel time cell
        (datetime(1899, 12, 30, 9, 0), time(9, 0)),  # the same, as some readers give it
        (0.375, time(9, 0)),  # a time serial
        (timedelta(hours=9, minutes=30), time(9, 30)),
    ],
)  # fmt: skip
def test_clock_forms(cell: Any, expected: time) -> None:
    assert parse_clock(cell) == expected


@pytest.mark.parametrize("cell", ["tomorrow", "2027-05-10", 90, datetime(2027, 5, 10, 9)])
def test_what_is_not_a_clock_time(cell: Any) -> None:
    assert parse_clock(cell) is None


def test_an_impossible_clock_time_is_refused() -> None:
    with pytest.raises(ValueError, match="is not a real time of day"):
        parse_clock("13pm")


# --- zones ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("Asia/Tokyo", "Asia/Tokyo"), ("asia/tokyo", "Asia/Tokyo"),
        ("UTC", "UTC"), ("utc", "UTC"), ("GMT", "GMT"), ("UTC+0", "UTC"),
        ("GMT+9", "Asia/Tokyo"), ("UTC+09:00", "Asia/Tokyo"), ("UTC+0900", "Asia/Tokyo"),
        ("+09:00", "Asia/Tokyo"), ("GMT+5:30", "Asia/Kolkata"), ("UTC−5", "America/Panama"),
        ("UTC+8", "Asia/Singapore"), ("UTC+10", "Australia/Brisbane"),
        ("UTC+14", "Etc/GMT-14"),  # no zone of Zoom's list keeps +14: the POSIX-signed id
        ("JST", "Asia/Tokyo"), ("jst", "Asia/Tokyo"), ("KST", "Asia/Seoul"),
        ("HKT", "Asia/Hong_Kong"), ("SGT", "Asia/Singapore"), ("AEST", "Australia/Sydney"),
        ("CET", "CET"), ("CEST", "Europe/Berlin"), ("EET", "EET"), ("BST", "Europe/London"),
        ("日本時間", "Asia/Tokyo"), ("日本標準時", "Asia/Tokyo"),
        ("(GMT+09:00) Osaka, Sapporo, Tokyo", "Asia/Tokyo"),
        ("(GMT+9:00) Osaka, Sapporo, Tokyo", "Asia/Tokyo"),
        ("(UTC+09:00) Osaka, Sapporo, Tokyo", "Asia/Tokyo"),  # the Windows display name
        ("Osaka, Sapporo, Tokyo", "Asia/Tokyo"),
        ("(GMT-5:00) Eastern Time (US and Canada)", "America/New_York"),
        ("(GMT-4:00) Eastern Time (US and Canada)", "America/New_York"),  # summer's label
        ("(GMT+1:00) London", "Europe/London"),
        ("Tokyo Standard Time", "Asia/Tokyo"), ("tokyo standard time", "Asia/Tokyo"),
        ("Eastern Standard Time", "America/New_York"), ("GMT Standard Time", "Europe/London"),
        ("Ｔｏｋｙｏ Ｓｔａｎｄａｒｄ Ｔｉｍｅ", "Asia/Tokyo"),
    ],
)  # fmt: skip
def test_zone_forms(cell: str, expected: str) -> None:
    assert parse_timezone(cell) == expected


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("IST", '"IST" could mean several zones: Asia/Kolkata (India), Asia/Jerusalem (Israel), '
         "Europe/Dublin (Ireland); write one of them"),
        ("CST", '"CST" could mean several zones: America/Chicago (US Central), Asia/Shanghai '
         "(China), America/Havana (Cuba); write one of them"),
        ("EST", '"EST" could mean several zones: America/New_York (US Eastern, EDT in summer), '
         "UTC-05:00 (all year); write one of them"),
        ("(GMT+08:00) Osaka, Sapporo, Tokyo",
         '"(GMT+08:00) Osaka, Sapporo, Tokyo": Asia/Tokyo is never UTC+08:00'),
        ("UTC+3:20", '"UTC+3:20": no time zone keeps UTC+03:20 all year; write the place\'s zone'),
        ("UTC+15", "has an impossible UTC offset"),
        # no Etc zone and no place keeps it (found by the property test below)
        ("-13", '"-13": no time zone keeps UTC-13:00 all year; write the place\'s zone'),
        ("UTC-14", '"UTC-14": no time zone keeps UTC-14:00 all year; write the place\'s zone'),
        ("Asia/Tokio", '"Asia/Tokio" is not a known time zone (did you mean Asia/Tokyo?)'),
    ],
)  # fmt: skip
def test_bad_zones(cell: str, message: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_timezone(cell)
    assert message in str(caught.value)


def test_every_zone_of_zooms_list_is_known_and_named_once() -> None:
    ids = [zone for zone, _ in ZOOM_TIMEZONES]
    assert len(ids) == len(set(ids)) > 100
    for zone in ids:
        ZoneInfo(zone)


@pytest.mark.parametrize(
    ("zone", "start", "ok"),
    [("CET", "2027-01-17 15:00", True), ("CET", "2027-07-17 15:00", False),
     ("CEST", "2027-07-17 15:00", True), ("CEST", "2027-01-17 15:00", False),
     ("BST", "2027-07-17 15:00", True), ("BST", "2027-01-17 15:00", False),
     ("AEST", "2027-07-17 15:00", True), ("AEST", "2027-01-17 15:00", False),
     ("JST", "2027-07-17 15:00", True)],
)  # fmt: skip
def test_a_seasonal_abbreviation_must_match_the_season(zone: str, start: str, ok: bool) -> None:
    result = row(topic="x", start_time=start, duration=60, timezone=zone)
    if ok:
        assert isinstance(result, MeetingRequest)
    else:
        assert isinstance(result, InvalidRow)
        assert result.problems[0].startswith(f'timezone "{zone}" does not hold on ')


def test_a_zone_label_places_the_start_at_the_right_instant() -> None:
    request = meeting(
        topic="x", start_time="2027-05-10 10:00", duration=60,
        timezone="(GMT+09:00) Osaka, Sapporo, Tokyo",
    )  # fmt: skip
    assert request.timezone == "Asia/Tokyo"
    assert request.start.astimezone(UTC) == datetime(2027, 5, 10, 1, 0, tzinfo=UTC)
    offset = meeting(topic="x", start_time="2027-05-10 10:00", duration=60, timezone="UTC+09:00")
    assert offset.start.astimezone(UTC) == request.start.astimezone(UTC)


# --- rows: date + start + end --------------------------------------------------------------


@pytest.mark.parametrize(
    ("cells", "start", "duration"),
    [
        ({"date": date(2027, 4, 12), "start_time": time(9, 0), "end_time": time(9, 50)},
         datetime(2027, 4, 12, 9, 0), 50),
        ({"date": datetime(2027, 4, 12), "start_time": "9時", "end_time": "10時30分"},
         datetime(2027, 4, 12, 9, 0), 90),
        ({"date": "2027年4月12日(月)", "start_time": "午後3時", "duration": "45分"},
         datetime(2027, 4, 12, 15, 0), 45),
        ({"date": "R9.4.12", "start_time": "9:00", "end_time": "10:00", "weekday": "月"},
         datetime(2027, 4, 12, 9, 0), 60),
        ({"date": "2027-04-12", "start_time": "2027-04-12 09:00", "end_time": "09:45"},
         datetime(2027, 4, 12, 9, 0), 45),
        ({"date": "2027/4/12", "start_time": "9:00", "end_time": "2027/4/12 10:00"},
         datetime(2027, 4, 12, 9, 0), 60),
        ({"date": "2027/4/12", "start_time": "9:00", "end_time": "10:00", "duration": 60},
         datetime(2027, 4, 12, 9, 0), 60),
        ({"start_time": "令和9年5月10日 10:00", "duration": 60}, datetime(2027, 5, 10, 10, 0), 60),
        ({"start_time": "R9.5.17 15:00", "duration": 60}, datetime(2027, 5, 17, 15, 0), 60),
        ({"start_time": "2027年5月11日(火) 14:30", "duration": 60},
         datetime(2027, 5, 11, 14, 30), 60),
        ({"start_time": "２０２７年５月１１日 １４：３０", "duration": 60},
         datetime(2027, 5, 11, 14, 30), 60),
        ({"start_time": "2027年5月11日 午後2時30分", "end_time": "午後4時"},
         datetime(2027, 5, 11, 14, 30), 90),
        ({"start_time": "May 11, 2027 2:30 pm", "duration": 30}, datetime(2027, 5, 11, 14, 30), 30),
        ({"start_time": "2027-05-11 09:00", "end_time": "10:15"}, datetime(2027, 5, 11, 9, 0), 75),
    ],
)  # fmt: skip
def test_timetable_rows(cells: dict[str, Any], start: datetime, duration: int) -> None:
    request = meeting(topic="国語", **cells)
    assert request.start == start.replace(tzinfo=TOKYO)
    assert request.duration == duration
    assert request.notes == ()


def test_an_end_after_midnight_runs_into_the_next_day_and_says_so() -> None:
    request = meeting(topic="Night shift", date="2027/4/12", start_time="22:00", end_time="1:00")
    assert request.duration == 180
    assert request.notes == ('end_time "1:00" is after midnight: the meeting ends on 2027-04-13',)


def test_a_yearless_date_writes_its_year_into_the_note() -> None:
    request = meeting(topic="国語", date="4/12", start_time="9:00", end_time="9:50")
    assert request.start == datetime(2027, 4, 12, 9, 0, tzinfo=TOKYO)
    assert request.notes == ('"4/12" has no year: taken as 2027-04-12',)


def test_date_order_reaches_the_row() -> None:
    dmy = RowDefaults(timezone="Asia/Tokyo", now=NOW, date_order="dmy")
    assert meeting(dmy, topic="x", start_time="03/04/2027 10:00", duration=30).start == datetime(
        2027, 4, 3, 10, 0, tzinfo=TOKYO
    )


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        ({"date": "2027/4/12", "start_time": "10:00", "end_time": "9:00"},
         'end_time "9:00" is before the start (10:00)'),
        ({"date": "2027/4/12", "start_time": "10:00", "end_time": "10:00"},
         'end_time "10:00" is the same as the start (10:00); a meeting needs a length'),
        ({"date": "2027/4/12", "start_time": "13:00", "end_time": "1:00"},  # 12 hours: not clear
         'end_time "1:00" is before the start (13:00)'),
        ({"date": "2027/4/12", "start_time": "9:00", "end_time": "10:00", "duration": 30},
         'duration "30" and end_time "10:00" disagree (the end is 60 minutes after the start); '
         "leave one of them empty"),
        ({"date": "2027/4/12", "start_time": "9:00", "end_time": "2027/4/14 09:00"},
         'end_time "2027/4/14 09:00" is 2880 minutes after the start; Zoom allows at most 1440'),
        ({"date": "2027/4/12", "start_time": "9:00", "end_time": "soon"},
         'end_time "soon" is not a time of day (write it like 10:30 or 10時30分)'),
        ({"date": "2027/4/12", "start_time": "9:00", "end_time": "10:00", "weekday": "火"},
         'weekday "火": 2027-04-12 is a Monday (月), not a Tuesday (火)'),
        ({"date": "2027/4/12", "start_time": "2027/4/13 9:00", "end_time": "10:00"},
         'start_time "2027/4/13 9:00" is on 2027-04-13, but date says 2027-04-12'),
        ({"date": "2027/4/12", "start_time": "morning", "end_time": "10:00"},
         'start_time "morning" is not a time of day (write it like 9:00 or 9時30分)'),
        ({"start_time": "9:00", "end_time": "10:00"},
         'start_time "9:00" has no date (write the date too, or add a date column)'),
        ({"start_time": "2027年5月11日(水) 14:30", "duration": 60},
         'start_time "2027年5月11日(水) 14:30": 2027-05-11 is a Tuesday (火), '
         "not a Wednesday (水)"),
        ({"start_time": "R9.5.17", "duration": 60}, 'start_time "R9.5.17" has no time of day'),
    ],
)  # fmt: skip
def test_bad_timetable_rows(cells: dict[str, Any], message: str) -> None:
    assert message in problems(topic="国語", **cells)


def test_a_day_column_holding_a_weekday_checks_it_against_the_start() -> None:
    # Sheets made before "day" meant the date keep working: "Day: Mon" beside a full start.
    request = meeting(topic="x", date="Mon", start_time="2027-04-12 09:00", duration=60)
    assert request.start == datetime(2027, 4, 12, 9, 0, tzinfo=TOKYO)
    assert problems(topic="x", date="Tue", start_time="2027-04-12 09:00", duration=60) == (
        'date "Tue": 2027-04-12 is a Monday (月), not a Tuesday (火)',
    )


def test_a_row_with_a_topic_and_a_date_but_no_time_is_invalid() -> None:
    assert problems(topic="国語", date="2027/4/12") == (
        "start_time is empty (the date is there: give the time the meeting starts)",
        "duration is empty (give the meeting's length in minutes)",
    )


# --- section and note rows -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("cells", "others"),
    [
        ({"topic": "【第1週】"}, ()),
        ({"date": "【第1週】"}, ()),
        ({"date": "Week 2"}, ()),
        ({"topic": "Week 2", "agenda": "exams"}, ()),
        ({"topic": None}, ("※ 7/20 は祝日のため休講",)),
        ({"weekday": "月", "topic": "振替授業なし"}, ()),
        ({"topic": "【第1週】", "status": "skipped", "error": "a section..."}, ()),  # a re-run
    ],
)
def test_section_and_note_rows_are_skipped(cells: dict[str, Any], others: tuple[Any, ...]) -> None:
    result = validate_row(SheetRow(4, cells, other_cells=others), DEFAULTS)
    assert isinstance(result, SkippedRow)
    assert "a section or note row" in result.note


@pytest.mark.parametrize(
    ("cells", "others"),
    [
        ({"topic": "国語", "date": "2027/4/12"}, ()),  # a meeting whose time is missing
        ({"topic": "国語", "host": "a@example.com"}, ()),
        ({"topic": "a", "agenda": "b"}, ("c",)),  # three cells
        ({"topic": "国語", "duration": 50}, ()),
        ({"topic": "国語", "start_time": "9:00"}, ()),
        ({"topic": "国語", "end_time": "9:50"}, ()),
        ({"topic": "x"}, (3,)),  # a number is not a label
    ],
)
def test_rows_that_are_not_section_rows(cells: dict[str, Any], others: tuple[Any, ...]) -> None:
    assert isinstance(validate_row(SheetRow(4, cells, other_cells=others), DEFAULTS), InvalidRow)


def test_skipped_needs_no_attention() -> None:
    assert not Status.SKIPPED.needs_attention


# --- which column is what ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "values", "expected", "reason"),
    [
        # 時間 is a duration beside a start, a start beside an end or a duration...
        (["topic", "start_time", "時間"], None, "duration", 'start time is column "start_time"'),
        (["授業名", "日付", "時間", "終了"], None, "start_time", 'end time is column "終了"'),
        (["授業名", "日付", "時間", "所要時間"], None, "start_time",
         'duration is column "所要時間"'),
        # ... and otherwise what its values look like.
        (["授業名", "日付", "時間"], ["9:00", "10:40", time(13, 0)], "start_time",
         "values look like 9:00"),
        (["授業名", "日付", "時間"], ["9時", "午後1時"], "start_time", "values look like 9時"),
        (["topic", "日付", "時間"], [60, "90分", "1時間"], "duration", "values look like 60"),
        (["topic", "日付", "時間"], ["1:30", "0:45"], "duration",
         "nothing in its values says otherwise"),
        (["topic", "date", "time", "end"], None, "start_time", 'end time is column "end"'),
    ],
)  # fmt: skip
def test_an_ambiguous_header_is_decided(
    headers: list[str], values: list[Any] | None, expected: str, reason: str
) -> None:
    column = next(index for index, text in enumerate(headers) if text in ("時間", "time"))
    columns = recognise(headers, None if values is None else lambda index: values)
    assert columns.positions[expected] == column
    reading = columns.readings[column]
    assert (reading.field, reading.reason) == (expected, reason)


def test_a_reading_line_for_the_dry_run() -> None:
    columns = recognise(["日付", "曜日", "時間", "授業名", "担当", "教室"], lambda index: ["9:00"])
    assert [reading.describe() for reading in columns.readings] == [
        "日付 → date",
        "曜日 → weekday",
        "時間 → start time (values look like 9:00)",
        "授業名 → topic",
        "担当 → host",
        "教室 → not ours, kept as it is",
    ]
    assert columns.missing == ["duration"]


@pytest.mark.parametrize(
    ("field", "aliases"),
    [
        ("topic", ["授業名", "講義名", "研修名", "科目", "科目名", "内容", "会議", "名称",
                   "ミーティング名", "subject", "title", "meeting", "meeting name", "class",
                   "course", "session"]),
        ("host", ["担当", "担当者", "講師", "主催者", "教員", "organizer", "teacher",
                  "instructor"]),
        ("date", ["日付", "開催日", "実施日", "年月日", "day", "Date"]),
        ("end_time", ["end", "end_time", "終了", "終了時刻", "終了時間", "end time", "finish"]),
        ("start_time", ["start", "Start", "開始", "開始時刻"]),
    ],
)  # fmt: skip
def test_the_issues_header_aliases(field: str, aliases: list[str]) -> None:
    for alias in aliases:
        assert recognise([alias]).positions == {field: 0}, alias
        assert alias.casefold() in [known.casefold() for known in (field, *COLUMN_ALIASES[field])]


# --- the column table of docs/columns.md is this table --------------------------------------


def test_the_readme_column_table_lists_every_alias() -> None:
    """Each row of docs/columns.md's column table names exactly the aliases ``COLUMN_ALIASES`` has
    (a row of several fields, ending in "…", only names aliases that exist)."""
    from pathlib import Path

    from batch_zoom.models import normalize_header

    page = Path(__file__).resolve().parents[1] / "docs" / "columns.md"
    section = page.read_text(encoding="utf-8")
    checked = set()
    for line in section.splitlines():
        if not line.startswith("| `"):
            continue
        first, aliases = (cell.strip() for cell in line.strip("|").split("|")[:2])
        fields = [name.strip().strip("`") for name in first.split(",")]
        listed = [alias.strip() for alias in aliases.split(",") if alias.strip() not in ("", "…")]
        known = {
            normalize_header(alias) for name in fields for alias in (name, *COLUMN_ALIASES[name])
        }
        for alias in listed:
            assert normalize_header(alias) in known, f"docs/columns.md lists {alias!r} for {fields}"
        if len(fields) == 1:
            (name,) = fields
            assert {normalize_header(alias) for alias in listed} == {
                normalize_header(alias) for alias in COLUMN_ALIASES[name] if alias != name
            }, f"docs/columns.md's row for {name} and COLUMN_ALIASES differ"
        checked.update(fields)
    assert checked >= set(COLUMN_ALIASES) - {"join_url", "status", "error"}


# --- no cell makes a traceback -------------------------------------------------------------

_CELL_TEXT = st.text(
    alphabet=st.sampled_from(
        list("0123456789０１２:/.-年月日時分半午前後()（）火水曜RH令和平成元 T+Z")
    ),
    max_size=24,
)
_CELL = st.one_of(
    st.none(), _CELL_TEXT, st.integers(-5, 3_000_000), st.floats(allow_nan=True),
    st.booleans(), st.times(), st.dates(), st.datetimes(),
)  # fmt: skip


@given(date_cell=_CELL, start=_CELL, end=_CELL, zone=st.one_of(st.none(), _CELL_TEXT))
@settings(max_examples=300, deadline=None)  # 0.8 s
def test_any_date_start_end_and_zone_cells_give_a_plan_never_an_exception(
    date_cell: Any, start: Any, end: Any, zone: Any
) -> None:
    result = row(topic="x", date=date_cell, start_time=start, end_time=end, timezone=zone)
    assert isinstance(result, MeetingRequest | InvalidRow | SkippedRow)
    if isinstance(result, InvalidRow):
        assert all(problem and "{field}" not in problem for problem in result.problems)


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("tomorrow 10:00",
         'start_time "tomorrow 10:00" is not a date and time (write it like 2026-12-17 15:00)'),
        ("03/04/2027 10:00",
         'start_time "03/04/2027 10:00" could be Apr 3 or Mar 4; write it as year-month-day, or '
         "run with --date-order dmy or mdy"),
        ("R9.5.18(月) 15:00",
         'start_time "R9.5.18(月) 15:00": 2027-05-18 is a Tuesday (火), not a Monday (月)'),
    ],
)  # fmt: skip
def test_a_start_whose_date_part_is_wrong_says_what_is_wrong(cell: str, message: str) -> None:
    assert problems(topic="x", start_time=cell, duration=30) == (message,)
