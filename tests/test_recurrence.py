"""Readable recurrence rules -> Zoom's recurrence object, and the reasons a rule is refused."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from batch_zoom.models import MeetingRequest, Recurrence
from batch_zoom.rows.recurrence import (
    MAX_INTERVAL,
    MAX_OCCURRENCES,
    confirms_series,
    count_occurrences,
    parse_recurrence,
    parse_rule,
    series_starts,
    shows_row,
    zoom_weekday,
)

TOKYO = ZoneInfo("Asia/Tokyo")
START = datetime(2027, 1, 5, 9, 0, tzinfo=TOKYO)  # a Tuesday: Zoom weekday 3


def end_of(day: str, zone: ZoneInfo = TOKYO) -> datetime:
    """23:59 of ``day`` in ``zone``, in UTC: what an ``until`` date becomes."""
    return (
        datetime.combine(date.fromisoformat(day), datetime.min.time(), tzinfo=zone)
        .replace(hour=23, minute=59)
        .astimezone(UTC)
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("daily x10", Recurrence(type=1, end_times=10)),
        ("Daily  X10", Recurrence(type=1, end_times=10)),
        ("daily 10 times", Recurrence(type=1, end_times=10)),
        ("daily until 2027-03-05", Recurrence(type=1, end_date_time=end_of("2027-03-05"))),
        ("daily until 2027/3/5", Recurrence(type=1, end_date_time=end_of("2027-03-05"))),
        ("every 3 days x5", Recurrence(type=1, repeat_interval=3, end_times=5)),
        ("every day x2", Recurrence(type=1, end_times=2)),
        ("every other day x4", Recurrence(type=1, repeat_interval=2, end_times=4)),
        ("weekly x6", Recurrence(type=2, weekly_days="3", end_times=6)),
        (
            "weekly on Mon,Wed until 2027-03-31",
            Recurrence(type=2, weekly_days="2,4", end_date_time=end_of("2027-03-31")),
        ),
        ("weekly on Wednesday, Monday x4", Recurrence(type=2, weekly_days="2,4", end_times=4)),
        ("weekly on Mon and Thu 4 times", Recurrence(type=2, weekly_days="2,5", end_times=4)),
        ("weekly on sun/sat x2", Recurrence(type=2, weekly_days="1,7", end_times=2)),
        (
            "every 2 weeks on Fri x6",
            Recurrence(type=2, repeat_interval=2, weekly_days="6", end_times=6),
        ),
        (
            "every other week on Fridays x6",
            Recurrence(type=2, repeat_interval=2, weekly_days="6", end_times=6),
        ),
        ("monthly x6", Recurrence(type=3, monthly_day=5, end_times=6)),
        ("monthly on day 15 x6", Recurrence(type=3, monthly_day=15, end_times=6)),
        ("monthly on the 15th x6", Recurrence(type=3, monthly_day=15, end_times=6)),
        (
            "monthly on 2nd Tue x12",
            Recurrence(type=3, monthly_week=2, monthly_week_day=3, end_times=12),
        ),
        (
            "monthly on the second Tuesday x12",
            Recurrence(type=3, monthly_week=2, monthly_week_day=3, end_times=12),
        ),
        (
            "monthly on last Fri until 2027-06-30",
            Recurrence(
                type=3, monthly_week=-1, monthly_week_day=6, end_date_time=end_of("2027-06-30")
            ),
        ),
        (
            "every 2 months on day 1 x3",
            Recurrence(type=3, repeat_interval=2, monthly_day=1, end_times=3),
        ),
        # Japanese
        ("毎日 10回", Recurrence(type=1, end_times=10)),
        ("毎日 2027-03-05まで", Recurrence(type=1, end_date_time=end_of("2027-03-05"))),
        ("3日ごと 5回", Recurrence(type=1, repeat_interval=3, end_times=5)),
        ("毎週 6回", Recurrence(type=2, weekly_days="3", end_times=6)),
        (
            "毎週 月,水 2027-03-31まで",
            Recurrence(type=2, weekly_days="2,4", end_date_time=end_of("2027-03-31")),
        ),
        (
            "毎週 月曜日、水曜 2027年3月31日まで",
            Recurrence(type=2, weekly_days="2,4", end_date_time=end_of("2027-03-31")),
        ),
        ("毎週 月水金 3回", Recurrence(type=2, weekly_days="2,4,6", end_times=3)),
        ("隔週 金 6回", Recurrence(type=2, repeat_interval=2, weekly_days="6", end_times=6)),
        ("毎月 15日 6回", Recurrence(type=3, monthly_day=15, end_times=6)),
        ("毎月 第2火曜 12回", Recurrence(type=3, monthly_week=2, monthly_week_day=3, end_times=12)),
        (
            "毎月 最終金曜 2027-06-30まで",
            Recurrence(
                type=3, monthly_week=-1, monthly_week_day=6, end_date_time=end_of("2027-06-30")
            ),
        ),
        ("隔月 1日 3回", Recurrence(type=3, repeat_interval=2, monthly_day=1, end_times=3)),
        ("ｗｅｅｋｌｙ　ｘ２", Recurrence(type=2, weekly_days="3", end_times=2)),  # full-width
        # Japanese written without spaces
        ("毎日10回", Recurrence(type=1, end_times=10)),
        ("毎月第2火曜12回", Recurrence(type=3, monthly_week=2, monthly_week_day=3, end_times=12)),
        (
            "毎週月と水2027年3月31日まで",
            Recurrence(type=2, weekly_days="2,4", end_date_time=end_of("2027-03-31")),
        ),
    ],
)
def test_rule_becomes_zoom_recurrence(text: str, expected: Recurrence) -> None:
    assert parse_recurrence(text, START) == expected


EXAMPLES = 'write it like "weekly on Mon x6" or "monthly on 2nd Tue until 2027-06-30"'
TOO_MANY = "would make {} meetings; Zoom allows at most 60"
INTERVAL = "every {0} {1} is not possible; Zoom allows 1 to {2} {1} between meetings"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("weekly on Funday x3", '"Funday" is not a day of the week'),
        ("monthly on 2nd Funday x3", '"Funday" is not a day of the week'),
        ("weekly", "say how many times (x6) or until when (until 2027-03-31)"),
        ("毎週 月", "say how many times (x6) or until when (until 2027-03-31)"),
        ("daily x3 until 2027-02-01", "give either how many times (x6) or until when, not both"),
        ("daily x61", TOO_MANY.format(61)),
        ("daily x0", "x0 makes no meetings; give a count from 1 to 60"),
        ("daily until 2027-03-31", TOO_MANY.format(86)),
        ("daily until 2027-03-06", TOO_MANY.format(61)),
        # 51 Mondays, 52 Wednesdays and 52 Fridays from Tue 2027-01-05
        ("weekly on Mon,Wed,Fri until 2027-12-31", TOO_MANY.format(155)),
        ("daily until 2026-12-31", "ends on 2026-12-31, before its first meeting on 2027-01-05"),
        ("daily until 2027-02-30", "2027-02-30 is not a date"),
        ("every 100 days x2", INTERVAL.format(100, "days", 99)),
        ("every 51 weeks x2", INTERVAL.format(51, "weeks", 50)),
        ("every 11 months x2", INTERVAL.format(11, "months", 10)),
        ("every 0 days x2", INTERVAL.format(0, "days", 99)),
        ("monthly on day 32 x2", "day 32 is not a day of the month (1 to 31)"),
        (
            "monthly on 5th Mon x2",
            'Zoom repeats monthly only on the 1st to 4th or the last weekday, not the "5th"',
        ),
        ("monthly on sixth Mon x2", '"sixth" is not 1st, 2nd, 3rd, 4th or last'),
        ("daily on Mon x3", f'"on Mon" is not understood after a daily rule; {EXAMPLES}'),
        ("yearly x3", f"does not say daily, weekly or monthly; {EXAMPLES}"),
        ("", "is empty"),
    ],
)
def test_bad_rule_says_why(text: str, reason: str) -> None:
    with pytest.raises(ValueError) as raised:
        parse_recurrence(text, START)
    assert str(raised.value) == f'recurrence "{text}": {reason}'


def test_wording_is_checked_without_a_start() -> None:
    assert parse_rule("weekly on Mon x3").weekly_days == (2,)
    with pytest.raises(ValueError, match='"Funday" is not a day of the week'):
        parse_rule("weekly on Funday x3")


def test_until_is_the_end_of_that_day_in_the_meetings_zone_across_dst() -> None:
    new_york = ZoneInfo("America/New_York")
    start = datetime(2027, 3, 1, 10, 0, tzinfo=new_york)  # EST; the until day is in EDT
    recurrence = parse_recurrence("weekly until 2027-04-26", start)
    assert recurrence.to_zoom()["end_date_time"] == "2027-04-27T03:59:00Z"


@pytest.mark.parametrize(
    ("text", "until", "meetings"),
    [
        ("daily x1", "2027-03-05", 60),  # Jan 5 .. Mar 5
        ("every 2 weeks on Mon,Fri x1", "2027-02-28", 7),  # Mon Jan 4 is before the start
        ("monthly on last Fri x1", "2027-06-30", 6),
        ("monthly on 2nd Tue x1", "2027-01-11", 0),  # the 2nd Tuesday is Jan 12
        ("monthly on day 31 x1", "2027-12-31", 12),  # short months counted on their last day
        ("every 3 months on day 5 x1", "2027-12-31", 4),  # Jan, Apr, Jul, Oct
    ],
)
def test_occurrences_are_counted_on_zooms_calendar(text: str, until: str, meetings: int) -> None:
    recurrence = parse_recurrence(text, START)
    assert count_occurrences(recurrence, START.date(), date.fromisoformat(until)) == meetings


def test_zoom_weekday_numbers_sunday_as_one() -> None:
    assert [zoom_weekday(date(2027, 1, 3) + timedelta(days=n)) for n in range(7)] == [
        1, 2, 3, 4, 5, 6, 7,
    ]  # fmt: skip


FORMS = {
    "daily x{n}": Recurrence(type=1),
    "毎日 {n}回": Recurrence(type=1),
    "weekly on Mon,Wed {n} times": Recurrence(type=2, weekly_days="2,4"),
    "毎月 第2火曜 {n}回": Recurrence(type=3, monthly_week=2, monthly_week_day=3),
}


@given(count=st.integers(1, MAX_OCCURRENCES), form=st.sampled_from(sorted(FORMS)))
def test_any_count_up_to_60_round_trips(count: int, form: str) -> None:
    recurrence = parse_recurrence(form.format(n=count), START)
    assert recurrence.end_times == count
    assert recurrence.to_zoom()["end_times"] == count
    assert recurrence.type == FORMS[form].type
    assert recurrence.weekly_days == FORMS[form].weekly_days


@given(count=st.integers(MAX_OCCURRENCES + 1, 10_000))
def test_any_count_over_60_is_refused(count: int) -> None:
    with pytest.raises(ValueError, match=f"would make {count} meetings; Zoom allows at most 60"):
        parse_recurrence(f"weekly x{count}", START)


@given(interval=st.integers(1, MAX_INTERVAL[1]), meetings=st.integers(1, 90))
def test_an_until_date_is_accepted_exactly_when_it_makes_60_or_fewer(
    interval: int, meetings: int
) -> None:
    last = START.date() + timedelta(days=interval * (meetings - 1))
    text = f"every {interval} days until {last.isoformat()}"
    if meetings <= MAX_OCCURRENCES:
        recurrence = parse_recurrence(text, START)
        assert recurrence.end_date_time == end_of(last.isoformat())
        assert count_occurrences(recurrence, START.date(), last) == meetings
    else:
        with pytest.raises(ValueError, match=f"would make {meetings} meetings"):
            parse_recurrence(text, START)


# -- a series as Zoom shows it: at whichever occurrence comes next -----------------------------

WEEKLY_ROW = MeetingRequest(
    row=2,
    host="h@x.co",
    topic="Weekly sync",
    start=START,  # Tuesday 2027-01-05 09:00 Tokyo = 00:00Z
    timezone="Asia/Tokyo",
    duration=60,
    recurrence=Recurrence(type=2, weekly_days="3", end_times=3),
)


def test_series_starts_keep_the_wall_time_on_each_day_of_the_rule() -> None:
    assert series_starts(START, "Asia/Tokyo", Recurrence(type=2, weekly_days="3", end_times=3)) == [
        START,
        START + timedelta(days=7),
        START + timedelta(days=14),
    ]
    new_york = datetime(2027, 3, 8, 9, 0, tzinfo=ZoneInfo("America/New_York"))  # DST on the 14th
    starts = series_starts(new_york, "America/New_York", Recurrence(type=1, end_times=8))
    assert {start.hour for start in starts} == {9}
    assert {start.utcoffset() for start in starts} == {timedelta(hours=-5), timedelta(hours=-4)}


@pytest.mark.parametrize(
    ("shown", "expected"),
    [
        ({}, True),  # at its first occurrence: the row's identity
        ({"start_time": "2027-01-12T00:00:00Z"}, True),  # at its second
        ({"start_time": "2027-01-19T00:00:00Z"}, True),  # at its last
        ({"start_time": "2027-01-26T00:00:00Z"}, False),  # past the row's count
        ({"start_time": "2027-01-12T01:00:00Z"}, False),  # another time of day
        ({"start_time": "2027-01-13T00:00:00Z"}, False),  # another day
        ({"start_time": "2027-01-12T00:00:00Z", "duration": 90}, False),
        ({"start_time": "2027-01-12T00:00:00Z", "topic": "Weekly sync 2"}, False),
        ({"start_time": "2027-01-12T00:00:00Z", "type": 2}, False),  # a single meeting
        ({"start_time": "2027-01-12T00:00:00Z", "type": None}, True),  # not said: the GET says
        ({"start_time": "not a time"}, False),
        ({"start_time": "2027-01-12T00:00:00Z", "duration": "x"}, False),
    ],
)
def test_shows_row(shown: dict[str, Any], expected: bool) -> None:
    listed = {"topic": "Weekly sync", "start_time": "2027-01-05T00:00:00Z", "duration": 60}
    meeting = {**listed, "type": 8, **shown}
    assert shows_row(WEEKLY_ROW, meeting, "h@x.co") is expected


def test_a_single_row_is_shown_only_at_its_own_start() -> None:
    single = replace(WEEKLY_ROW, recurrence=None)
    later = {"topic": "Weekly sync", "start_time": "2027-01-12T00:00:00Z", "duration": 60}
    assert not shows_row(single, {**later, "type": 8}, "h@x.co")
    assert shows_row(single, {**later, "start_time": "2027-01-05T00:00:00Z"}, "h@x.co")


@pytest.mark.parametrize(
    ("occurrences", "expected"),
    [
        (None, True),  # not shown
        ([], True),
        (["2027-01-12T00:00:00Z", "2027-01-19T00:00:00Z"], True),  # the first one over
        (["2027-01-12T00:00:00Z", "2027-01-26T00:00:00Z"], False),  # one the row has not
        (["2027-01-12T01:00:00Z"], False),
    ],
)
def test_confirms_series(occurrences: list[str] | None, expected: bool) -> None:
    meeting: dict[str, Any] = {}
    if occurrences is not None:
        meeting["occurrences"] = [
            {"occurrence_id": str(n), "start_time": start, "status": "available"}
            for n, start in enumerate(occurrences)
        ]
    assert confirms_series(WEEKLY_ROW, meeting) is expected


def test_a_deleted_occurrence_is_not_held_against_the_series() -> None:
    meeting = {
        "occurrences": [
            {"occurrence_id": "1", "start_time": "2027-01-06T00:00:00Z", "status": "deleted"},
            {"occurrence_id": "2", "start_time": "2027-01-12T00:00:00Z", "status": "available"},
        ]
    }
    assert confirms_series(WEEKLY_ROW, meeting)
