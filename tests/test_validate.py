"""validate_row / validate_rows: from cell values to meeting requests or exact messages."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from batch_zoom.models import (
    BOOLEAN_OPTIONS,
    Action,
    CancelRequest,
    InvalidRow,
    MeetingRequest,
    Recurrence,
    SheetRow,
    meeting_identity,
)
from batch_zoom.rows.validate import RowDefaults, validate_row, validate_rows

TOKYO = ZoneInfo("Asia/Tokyo")
NEW_YORK = ZoneInfo("America/New_York")
BASE = {"topic": "Weekly sync", "start_time": "2027-01-05 09:00", "duration": 60}
DEFAULTS = RowDefaults(timezone="Asia/Tokyo")
LONG = "x" * 2001


def plan(defaults: RowDefaults = DEFAULTS, number: int = 7, **cells: Any) -> Any:
    return validate_row(SheetRow(number, {**BASE, **cells}), defaults)


def meeting(defaults: RowDefaults = DEFAULTS, **cells: Any) -> MeetingRequest:
    result = plan(defaults, **cells)
    assert isinstance(result, MeetingRequest), getattr(result, "message", result)
    return result


def problems(defaults: RowDefaults = DEFAULTS, **cells: Any) -> tuple[str, ...]:
    result = plan(defaults, **cells)
    assert isinstance(result, InvalidRow), result
    return result.problems


def test_a_plain_row_becomes_a_meeting_request() -> None:
    assert meeting() == MeetingRequest(
        row=7,
        host="me",
        topic="Weekly sync",
        start=datetime(2027, 1, 5, 9, 0, tzinfo=TOKYO),
        timezone="Asia/Tokyo",
        duration=60,
    )


# --- start_time -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "wall", "pinned"),
    [
        ("2026-12-17 15:00", datetime(2026, 12, 17, 15, 0), False),
        ("2026/12/17 15:00", datetime(2026, 12, 17, 15, 0), False),
        ("2026-12-17T15:00:00", datetime(2026, 12, 17, 15, 0), False),
        ("2026-12-17 15:00:30", datetime(2026, 12, 17, 15, 0, 30), False),
        ("  2026-12-17   15:00 ", datetime(2026, 12, 17, 15, 0), False),
        ("2027/1/5 9:00", datetime(2027, 1, 5, 9, 0), False),
        ("2026-12-17 3:00 PM", datetime(2026, 12, 17, 15, 0), False),
        ("2027年1月5日 9:00", datetime(2027, 1, 5, 9, 0), False),
        ("2027年1月5日 9時00分", datetime(2027, 1, 5, 9, 0), False),
        ("2027年1月5日(火) 午後2時", datetime(2027, 1, 5, 14, 0), False),
        ("２０２７年１月５日　９：３０", datetime(2027, 1, 5, 9, 30), False),  # full-width
        (datetime(2027, 1, 5, 9, 0), datetime(2027, 1, 5, 9, 0), False),
        (pd.Timestamp("2027-01-05 09:00"), datetime(2027, 1, 5, 9, 0), False),
        (datetime(2027, 1, 5, 8, 59, 59, 999_000), datetime(2027, 1, 5, 9, 0), False),
        # Excel serials: rounded to the second, not truncated
        (46453.58333333334, datetime(2027, 3, 7, 14, 0), False),
        (46453.583333333328, datetime(2027, 3, 7, 14, 0), False),
        ("46453.58333333334", datetime(2027, 3, 7, 14, 0), False),
        (46453.5, datetime(2027, 3, 7, 12, 0), False),
        (np.float64(46453.5), datetime(2027, 3, 7, 12, 0), False),
        # Z or an offset pins the instant; the row's zone stays for display
        ("2026-12-17T06:00:00Z", datetime(2026, 12, 17, 15, 0), True),
        ("2026-12-17T15:00:00+09:00", datetime(2026, 12, 17, 15, 0), True),
        ("2026-12-17 01:00 -0500", datetime(2026, 12, 17, 15, 0), True),
        (datetime(2026, 12, 17, 6, 0, tzinfo=UTC), datetime(2026, 12, 17, 15, 0), True),
    ],
)
def test_start_time_forms(cell: Any, wall: datetime, pinned: bool) -> None:
    request = meeting(start_time=cell)
    assert request.start == wall.replace(tzinfo=TOKYO)
    assert request.start.tzinfo == TOKYO
    assert request.pinned is pinned
    assert request.timezone == "Asia/Tokyo"


@given(
    st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1)).map(
        lambda moment: moment.replace(microsecond=0)
    )
)
def test_any_excel_serial_reads_back_to_the_second(wall: datetime) -> None:
    serial = (wall - datetime(1899, 12, 30)) / timedelta(days=1)
    if serial.is_integer():  # a whole day number reads as a date with no time
        return
    assert meeting(start_time=serial).start == wall.replace(tzinfo=TOKYO)


def test_pinned_start_is_sent_in_utc_with_the_rows_zone() -> None:
    body = meeting(start_time="2026-12-17T15:00:00+09:00", timezone="Europe/London").create_body()
    assert body["start_time"] == "2026-12-17T06:00:00Z"
    assert body["timezone"] == "Europe/London"


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        (None, "start_time is empty (every meeting needs a date and time)"),
        ("   ", "start_time is empty (every meeting needs a date and time)"),
        ("2026-12-17", 'start_time "2026-12-17" has no time of day'),
        ("2027年1月5日", 'start_time "2027年1月5日" has no time of day'),
        (date(2027, 1, 5), 'start_time "2027-01-05" has no time of day'),
        (46453, 'start_time "46453" (2027-03-07) has no time of day'),
        (time(9, 0), 'start_time "09:00:00" has no date'),
        (
            "tomorrow",
            'start_time "tomorrow" is not a date and time (write it like 2026-12-17 15:00)',
        ),
        ("2026-02-30 10:00", 'start_time "2026-02-30 10:00" is not a real date and time'),
        ("2026-12-17 25:00", 'start_time "2026-12-17 25:00" is not a real date and time'),
        ("2026-12-17 13:00 PM", 'start_time "2026-12-17 13:00 PM" is not a real time of day'),
        (True, 'start_time "True" is not a date and time'),
        (-5, 'start_time "-5" is not a date and time'),
        (float("nan"), "start_time is empty (every meeting needs a date and time)"),
        (pd.NaT, "start_time is empty (every meeting needs a date and time)"),
    ],
)  # fmt: skip
def test_bad_start_time(cell: Any, message: str) -> None:
    assert problems(start_time=cell) == (message,)


def test_a_wall_time_skipped_by_daylight_saving_is_refused() -> None:
    assert problems(start_time="2027-03-14 02:30", timezone="America/New_York") == (
        'start_time "2027-03-14 02:30" does not exist in America/New_York '
        "(the clocks skip that time when daylight saving time starts)",
    )


def test_a_wall_time_repeated_by_daylight_saving_means_the_first() -> None:
    request = meeting(start_time="2027-11-07 01:30", timezone="America/New_York")
    assert request.start.astimezone(UTC) == datetime(2027, 11, 7, 5, 30, tzinfo=UTC)  # EDT
    assert request.create_body()["start_time"] == "2027-11-07T01:30:00"


# --- duration -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "cell",
    [
        "90", "90.0", " 90 ", 90, 90.0, np.int64(90), "1:30", time(1, 30), timedelta(minutes=90),
        "90分", "90 min", "90 minutes", "1時間30分", "1.5h", "１：３０",
        # issue 24: hours with 半 or with minutes but no word for them, as people write them
        "1時間半", "１時間半", "1.5時間", "1 h 30", "1h30", "1 hour 30", "1 hour 30 minutes",
        "1 時間 30 分",
    ],
)  # fmt: skip
def test_duration_forms(cell: Any) -> None:
    assert meeting(duration=cell).duration == 90


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("abc", 'duration "abc" is not a number of minutes'),
        ("90.5", 'duration "90.5" is not a whole number of minutes'),
        (90.5, 'duration "90.5" is not a whole number of minutes'),
        (time(1, 30, 30), 'duration "01:30:30" is not a whole number of minutes'),
        (0, 'duration "0" is out of range; Zoom allows 1 to 1440 minutes'),
        (1441, 'duration "1441" is out of range; Zoom allows 1 to 1440 minutes'),
        ("-5", 'duration "-5" is not a number of minutes'),
        ("半", 'duration "半" is not a number of minutes'),
        ("1 h 30 x", 'duration "1 h 30 x" is not a number of minutes'),
        ("1.5時間半", 'duration "1.5時間半" is not a number of minutes'),  # was read as 120
        ("1.5 h 30", 'duration "1.5 h 30" is not a number of minutes'),
        (
            timedelta(days=1, hours=1),
            'duration "25:00" is out of range; Zoom allows 1 to 1440 minutes',
        ),
        (True, 'duration "True" is not a number of minutes'),
        (None, "duration is empty (give the meeting's length in minutes)"),
    ],
)
def test_bad_duration(cell: Any, message: str) -> None:
    assert problems(duration=cell) == (message,)


@pytest.mark.parametrize("cell", [1, "1440", 1440.0])
def test_duration_limits_are_inclusive(cell: Any) -> None:
    assert meeting(duration=cell).duration == int(float(cell))


# --- timezone -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (None, "Asia/Tokyo"),
        ("", "Asia/Tokyo"),
        ("asia/tokyo", "Asia/Tokyo"),
        (" AMERICA/NEW_YORK ", "America/New_York"),
        ("UTC", "UTC"),
    ],
)
def test_timezone(cell: Any, expected: str) -> None:
    request = meeting(timezone=cell)
    assert request.timezone == expected
    assert request.start == datetime(2027, 1, 5, 9, 0, tzinfo=ZoneInfo(expected))


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("Asia/Tokio", 'timezone "Asia/Tokio" is not a known time zone (did you mean Asia/Tokyo?)'),
        ("america/new york", 'timezone "america/new york" is not a known time zone '
         "(did you mean America/New_York?)"),
        ("Nowhere", 'timezone "Nowhere" is not a known time zone (use a name like Asia/Tokyo)'),
        (9, 'timezone "9" is not a known time zone (use a name like Asia/Tokyo)'),
    ],
)  # fmt: skip
def test_bad_timezone(cell: Any, message: str) -> None:
    assert problems(timezone=cell) == (message,)


def test_a_bad_default_timezone_is_named_as_the_default() -> None:
    assert problems(RowDefaults(timezone="Asia/Tokio")) == (
        'timezone "Asia/Tokio" is not a known time zone (did you mean Asia/Tokyo?) '
        "(the batch default)",
    )


# --- host, topic, agenda, passcode ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (None, "me"),
        ("ME", "me"),
        (" taro@example.com ", "taro@example.com"),
        ("Taro.Yamada+zoom@example.co.jp", "Taro.Yamada+zoom@example.co.jp"),
        ("z8yAAAAA8bbbQ5nQ2fRfgA", "z8yAAAAA8bbbQ5nQ2fRfgA"),
    ],
)
def test_host(cell: Any, expected: str) -> None:
    assert meeting(host=cell).host == expected


@pytest.mark.parametrize("cell", ["taro yamada", "taro", "taro@", "taro@example", "a@b@c.com"])
def test_bad_host(cell: str) -> None:
    assert problems(host=cell) == (
        f'host "{cell}" is not an email address, a Zoom user id or "me"',
    )


def test_default_host_and_a_rows_own_host_wins() -> None:
    defaults = RowDefaults(timezone="Asia/Tokyo", host="boss@example.com")
    assert meeting(defaults).host == "boss@example.com"
    assert meeting(defaults, host="taro@example.com").host == "taro@example.com"


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("  Weekly sync  ", "Weekly sync"),
        (2027, "2027"),
        ("t" * 200, "t" * 200),
        ("定例会議", "定例会議"),
    ],
)
def test_topic(cell: Any, expected: str) -> None:
    assert meeting(topic=cell).topic == expected


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        (None, "topic is empty (every meeting needs one)"),
        ("   ", "topic is empty (every meeting needs one)"),
        ("t" * 201, f'topic "{"t" * 39}…" is 201 characters long; Zoom allows at most 200'),
        # an emoji is two UTF-16 code units, as Zoom counts
        ("t" * 199 + "😀", f'topic "{"t" * 39}…" is 201 characters long; Zoom allows at most 200'),
    ],
)
def test_bad_topic(cell: Any, message: str) -> None:
    assert problems(topic=cell) == (message,)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (None, None),
        ("", None),
        ("line 1\r\nline 2\rline 3\n", "line 1\nline 2\nline 3"),
        ("a" * 2000, "a" * 2000),
        (float("nan"), None),
    ],
)
def test_agenda(cell: Any, expected: str | None) -> None:
    assert meeting(agenda=cell).agenda == expected


def test_long_agenda_is_refused_with_the_value_shortened() -> None:
    assert problems(agenda=LONG) == (
        f'agenda "{"x" * 39}…" is 2001 characters long; Zoom allows at most 2000',
    )


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (None, None),
        (123456, "123456"),
        (123456.0, "123456"),
        (np.int64(123456), "123456"),
        ("abc!@#*-_", "abc!@#*-_"),
        (" s3cret ", "s3cret"),
        ("1234567890", "1234567890"),
    ],
)
def test_passcode(cell: Any, expected: str | None) -> None:
    assert meeting(passcode=cell).passcode == expected


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("abc def", 'passcode "abc def" contains a space; Zoom passcodes have none'),
        ("ab\tc", 'passcode "ab c" contains a space; Zoom passcodes have none'),
        (
            "パスワード",
            'passcode "パスワード" may use only letters, digits and ASCII symbols such as ! @ # *',
        ),
        ("12345678901", 'passcode "12345678901" is 11 characters long; Zoom allows at most 10'),
        (12345678901, 'passcode "12345678901" is 11 characters long; Zoom allows at most 10'),
    ],
)  # fmt: skip
def test_bad_passcode(cell: Any, message: str) -> None:
    assert problems(passcode=cell) == (message,)


# --- settings -------------------------------------------------------------------------------------

YES = [True, "yes", "Y", " TRUE ", "1", 1, 1.0, "on", "はい", "ｙｅｓ"]
NO = [False, "no", "n", "False", "0", 0, 0.0, "OFF", "いいえ"]


@pytest.mark.parametrize("name", BOOLEAN_OPTIONS)
@pytest.mark.parametrize(("cell", "expected"), [(v, True) for v in YES] + [(v, False) for v in NO])
def test_boolean_options(name: str, cell: Any, expected: bool) -> None:
    assert meeting(**{name: cell}).settings == {name: expected}


@pytest.mark.parametrize("name", BOOLEAN_OPTIONS)
@pytest.mark.parametrize("cell", ["maybe", 2, "yesno"])
def test_bad_boolean_options(name: str, cell: Any) -> None:
    assert problems(**{name: cell}) == (f'{name} "{cell}" is not yes or no',)


def test_empty_options_are_not_sent() -> None:
    empty: dict[str, Any] = {name: None for name in BOOLEAN_OPTIONS}
    request = meeting(DEFAULTS, **empty, auto_recording="")
    assert request.settings == {}
    assert "settings" not in request.create_body()


@pytest.mark.parametrize(
    ("cell", "expected"),
    [("none", "none"), ("Local", "local"), (" CLOUD ", "cloud"), ("なし", "none"),
     ("ローカル", "local"), ("クラウド", "cloud")],
)  # fmt: skip
def test_auto_recording(cell: str, expected: str) -> None:
    assert meeting(auto_recording=cell).settings == {"auto_recording": expected}


def test_bad_auto_recording() -> None:
    assert problems(auto_recording="tape") == ('auto_recording "tape" is not none, local or cloud',)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("a@x.com", "a@x.com"),
        ("a@x.com; b@y.jp", "a@x.com;b@y.jp"),
        ("a@x.com,b@y.jp c@z.org", "a@x.com;b@y.jp;c@z.org"),
        ("a@x.com\nb@y.jp、A@X.com", "a@x.com;b@y.jp"),
    ],
)
def test_alternative_hosts(cell: str, expected: str) -> None:
    assert meeting(alternative_hosts=cell).settings == {"alternative_hosts": expected}


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("a@x.com; bob", 'alternative_hosts "bob" is not an email address'),
        ("bob, carol@", 'alternative_hosts "bob", "carol@" are not email addresses'),
    ],
)
def test_bad_alternative_hosts(cell: str, message: str) -> None:
    assert problems(alternative_hosts=cell) == (message,)


def test_batch_option_defaults_apply_and_a_rows_cell_wins() -> None:
    defaults = RowDefaults(
        timezone="Asia/Tokyo", options={"waiting_room": "yes", "auto_recording": "cloud"}
    )
    assert meeting(defaults).settings == {"waiting_room": True, "auto_recording": "cloud"}
    assert meeting(defaults, waiting_room="no", auto_recording="").settings == {
        "waiting_room": False,
        "auto_recording": "cloud",
    }


def test_a_bad_batch_option_default_is_named_as_the_default() -> None:
    defaults = RowDefaults(timezone="Asia/Tokyo", options={"waiting_room": "maybe"})
    assert problems(defaults) == ('waiting_room "maybe" is not yes or no (the batch default)',)
    assert meeting(defaults, waiting_room="yes").settings == {"waiting_room": True}


def test_defaults_refuse_fields_that_cannot_have_a_batch_default() -> None:
    with pytest.raises(ValueError, match="no batch default can be given for topic"):
        RowDefaults(timezone="Asia/Tokyo", options={"topic": "x"})
    with pytest.raises(ValueError, match="timezone-aware"):
        RowDefaults(timezone="Asia/Tokyo", now=datetime(2027, 1, 1))


# --- recurrence, meeting_id, action ---------------------------------------------------------------


def test_recurrence_makes_a_recurring_meeting() -> None:
    request = meeting(recurrence="weekly x6")
    assert request.recurrence == Recurrence(type=2, weekly_days="3", end_times=6)
    assert request.create_body()["type"] == 8


def test_recurrence_until_uses_the_rows_zone() -> None:
    request = meeting(recurrence="daily until 2027-01-10", timezone="America/New_York")
    assert request.recurrence is not None
    assert request.recurrence.end_date_time == datetime(2027, 1, 11, 4, 59, tzinfo=UTC)


def test_a_bad_rule_is_reported_even_when_the_start_is_bad_too() -> None:
    assert problems(start_time="soon", recurrence="weekly on Funday x3") == (
        'start_time "soon" is not a date and time (write it like 2026-12-17 15:00)',
        'recurrence "weekly on Funday x3": "Funday" is not a day of the week',
    )


@pytest.mark.parametrize(
    "cell", [81234567890, 81234567890.0, "81234567890", "812 3456 7890", "812-3456-7890",
             " 812 3456 7890 ", np.int64(81234567890)],
)  # fmt: skip
def test_meeting_id(cell: Any) -> None:
    assert meeting(meeting_id=cell).meeting_id == "81234567890"


@pytest.mark.parametrize("cell", ["abc", 812.5, "812 34a", "0", True, "-812"])
def test_bad_meeting_id(cell: Any) -> None:
    assert problems(meeting_id=cell) == (
        f'meeting_id "{cell}" is not a Zoom meeting ID (digits only)',
    )


@pytest.mark.parametrize("cell", [None, "", "schedule", "KEEP", " Schedule "])
def test_schedule_actions(cell: Any) -> None:
    assert meeting(action=cell).action is Action.SCHEDULE


@pytest.mark.parametrize("cell", ["cancel", "Delete", "中止", "削除", "キャンセル", " CANCEL "])
def test_cancel_actions(cell: str) -> None:
    result = plan(action=cell, meeting_id="812 3456 7890")
    assert isinstance(result, CancelRequest)
    assert result.meeting_id == "81234567890"


def test_bad_action() -> None:
    assert problems(action="postpone") == ('action "postpone" is not schedule or cancel',)


# --- cancel rows ----------------------------------------------------------------------------------


def test_cancel_row_with_valid_fields_carries_the_identity() -> None:
    result = plan(action="cancel")
    start = datetime(2027, 1, 5, 9, 0, tzinfo=TOKYO)
    assert result == CancelRequest(
        row=7,
        meeting_id=None,
        identity=meeting_identity("me", "Weekly sync", start, 60),
        host="me",
        topic="Weekly sync",
    )


def test_cancel_row_with_a_meeting_id_ignores_bad_fields() -> None:
    result = plan(
        action="cancel", meeting_id=81234567890, duration="abc", waiting_room="maybe",
        start_time="2020-01-01 09:00",
    )  # fmt: skip
    assert result == CancelRequest(
        row=7, meeting_id="81234567890", identity=None, host="me", topic="Weekly sync"
    )


def test_cancel_row_is_not_checked_for_the_past() -> None:
    now = datetime(2030, 1, 1, tzinfo=UTC)
    result = plan(RowDefaults(timezone="Asia/Tokyo", now=now), action="cancel")
    assert isinstance(result, CancelRequest)
    assert result.identity is not None


def test_cancel_row_with_nothing_to_find_the_meeting_by() -> None:
    assert problems(action="cancel", topic=None, duration="abc") == (
        "a cancel row needs a meeting_id, or a valid topic, start_time and duration "
        "to find the meeting",
        "topic is empty (every meeting needs one)",
        'duration "abc" is not a number of minutes',
    )


def test_cancel_row_with_a_malformed_meeting_id_is_not_guessed() -> None:
    assert problems(action="cancel", meeting_id="812 34a") == (
        'meeting_id "812 34a" is not a Zoom meeting ID (digits only)',
    )


# --- the past, multiple problems, messages --------------------------------------------------------

NOW = datetime(2026, 6, 1, 3, 0, tzinfo=UTC)
WITH_NOW = RowDefaults(timezone="Asia/Tokyo", now=NOW)


def test_a_new_meeting_in_the_past_is_refused() -> None:
    assert problems(WITH_NOW, start_time="2025-01-05 09:00") == (
        "start_time 2025-01-05 09:00 Asia/Tokyo is in the past",
    )


@pytest.mark.parametrize(
    "cells",
    [
        {"start_time": "2026-06-01 12:00"},  # exactly now (03:00 UTC) is not the past
        {"start_time": "2025-01-05 09:00", "meeting_id": "81234567890"},  # managed row
    ],
)
def test_not_in_the_past(cells: dict[str, Any]) -> None:
    meeting(WITH_NOW, **cells)


def test_every_problem_is_reported_in_column_order_with_the_row_number() -> None:
    result = validate_row(
        SheetRow(
            12,
            {
                "topic": "",
                "start_time": "2026-13-01 10:00",
                "duration": "abc",
                "timezone": "Asia/Tokio",
                "host": "taro yamada",
                "waiting_room": "maybe",
                "recurrence": "weekly on Funday x3",
                "meeting_id": "12a",
                "join_url": "ignored",
                "status": "ignored",
                "error": "ignored",
            },
        ),
        DEFAULTS,
    )
    assert isinstance(result, InvalidRow)
    assert result.message == (
        "row 12: topic is empty (every meeting needs one); "
        'start_time "2026-13-01 10:00" is not a real date and time; '
        'duration "abc" is not a number of minutes; '
        'timezone "Asia/Tokio" is not a known time zone (did you mean Asia/Tokyo?); '
        'host "taro yamada" is not an email address, a Zoom user id or "me"; '
        'waiting_room "maybe" is not yes or no; '
        'recurrence "weekly on Funday x3": "Funday" is not a day of the week; '
        'meeting_id "12a" is not a Zoom meeting ID (digits only)'
    )


def test_result_columns_are_ignored() -> None:
    request = meeting(join_url="https://zoom.us/j/1", status="created", error="old")
    assert request == meeting()


# --- validate_rows --------------------------------------------------------------------------------


def rows(*cells: dict[str, Any]) -> list[SheetRow]:
    return [SheetRow(number, {**BASE, **extra}) for number, extra in enumerate(cells, start=2)]


def test_validate_rows_keeps_order_and_refuses_a_second_identical_meeting() -> None:
    results = validate_rows(
        rows(
            {},
            {"topic": "Other"},
            {"host": "ME"},  # same identity as row 2
            {"start_time": "2027-01-05T00:00:00Z"},  # the same instant, pinned
            {"duration": 30},
        ),
        DEFAULTS,
    )
    assert [result.row for result in results] == [2, 3, 4, 5, 6]
    assert [type(result).__name__ for result in results] == [
        "MeetingRequest", "MeetingRequest", "InvalidRow", "InvalidRow", "MeetingRequest",
    ]  # fmt: skip
    duplicate = results[2]
    assert isinstance(duplicate, InvalidRow)
    assert duplicate.message == (
        "row 4: same host, topic, start and duration as row 2; "
        "it would be the same meeting twice (change one of them or delete this row)"
    )


def test_validate_rows_refuses_a_meeting_id_named_twice() -> None:
    results = validate_rows(
        rows(
            {"meeting_id": 81234567890},
            {"meeting_id": "812 3456 7890", "topic": "Other"},
            {"meeting_id": "812-3456-7890", "action": "cancel"},
            {"meeting_id": "91234567890", "action": "cancel"},
        ),
        DEFAULTS,
    )
    assert isinstance(results[0], MeetingRequest)
    for later in results[1:3]:
        assert isinstance(later, InvalidRow)
        assert later.problems == (
            'meeting_id "81234567890" is also on row 2; one meeting can be managed by one row only',
        )
    assert isinstance(results[3], CancelRequest)


def test_validate_rows_keeps_invalid_rows_as_they_are() -> None:
    results = validate_rows(rows({"duration": "abc"}, {"duration": "abc"}), DEFAULTS)
    assert [r.problems for r in results if isinstance(r, InvalidRow)] == [
        ('duration "abc" is not a number of minutes',),
        ('duration "abc" is not a number of minutes',),
    ]
