"""When and how long: start times, time zones and durations read from cells. Pure.

- A start time without Z or an offset is wall time in the row's zone. A wall time that occurs twice
  (the hour repeated when daylight saving time ends) means the first of the two (``fold=0``); one
  that never occurs (the hour skipped when it starts) is refused.
- Excel serial date-times are rounded to the nearest second (46453.58333333334 is 14:00:00). A
  whole serial number (a date with no fraction) is refused as having no time of day; a datetime
  cell at exactly 00:00 is taken as midnight, since Excel cannot tell the two apart there.

Each parser raises ``ValueError`` with a message in which ``{field}`` stands for the column.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from datetime import timezone as fixed_offset
from typing import Any
from zoneinfo import ZoneInfo

from ..cells import is_empty, quote
from ..i18n import _
from .dates import DateRules, check_weekday, normalize, not_a_date, parse_clock, parse_date
from .dates import weekday_contradiction as _contradiction

MIN_DURATION, MAX_DURATION = 1, 1440


_EXCEL_EPOCH = datetime(1899, 12, 30)


_LAST_EXCEL_SERIAL = 2958466  # 10000-01-01

# A wall time is placed in a zone only between these (a day inside datetime's range either side).
_EARLIEST, _LATEST = datetime(1, 1, 3), datetime(9999, 12, 29)


_TIME = (
    r"(?:(?P<half>am|pm|午前|午後)\s*)?"
    r"(?P<h>\d{1,2})(?::(?P<m>\d{2})(?::(?P<s>\d{2})(?:\.\d+)?)?"
    r"|時(?:(?P<m2>\d{1,2})分)?(?:(?P<s2>\d{1,2})秒)?)"
    r"(?:\s*(?P<half2>am|pm|a\.m\.|p\.m\.))?"
)


_START_FORMATS = (
    re.compile(
        r"^(?P<y>\d{4})[-/.](?P<mo>\d{1,2})[-/.](?P<d>\d{1,2})(?:\s*\((?P<wd>[^)]*)\))?"
        r"(?:(?:\s*T\s*|\s+)" + _TIME + r")?\s*(?P<offset>Z|[+-]\d{2}:?\d{2})?$",
        re.I,
    ),
    re.compile(
        r"^(?P<y>\d{4})年(?P<mo>\d{1,2})月(?P<d>\d{1,2})日(?:\s*\((?P<wd>[^)]*)\))?"
        r"(?:\s*" + _TIME + r")?$",
        re.I,
    ),
)


_SERIAL_TEXT = re.compile(r"^\d+(?:\.\d+)?$")


_MINUTE_WORDS = r"(?:分間|分|m|min|mins|minute|minutes)"


_HOUR_WORDS = r"(?:時間|h|hr|hrs|hour|hours)"


_DURATION_FORMATS: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], float]], ...] = (
    (re.compile(r"^(\d+(?:\.\d+)?)\s*" + _MINUTE_WORDS + "?$"), lambda m: float(m.group(1))),
    (
        re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$"),
        lambda m: int(m.group(1)) * 60 + int(m.group(2)) + int(m.group(3) or 0) / 60,
    ),
    # hours, then minutes with or without their word, or 半 (half): 1時間30分, 1時間半,
    # 1 h 30, 1 hour 30 minutes; or a fraction of hours alone: 1.5時間 (not 1.5時間半)
    (re.compile(r"^(\d+\.\d+)\s*" + _HOUR_WORDS + "$"), lambda m: float(m.group(1)) * 60),
    (
        re.compile(r"^(\d+)\s*" + _HOUR_WORDS + r"(?:\s*(半)|\s*(\d+)\s*" + _MINUTE_WORDS + "?)?$"),
        lambda m: int(m.group(1)) * 60 + (30 if m.group(2) else int(m.group(3) or 0)),
    ),
)


def parse_start(value: Any) -> datetime:
    """The start as written: naive for a wall time, aware for a pinned instant (Z or offset)."""
    if is_empty(value):
        raise ValueError(
            _("{field} is empty (every meeting needs a date and time)").format(field="{field}")
        )
    if isinstance(value, bool):
        raise ValueError(_not_a_date_and_time(value))
    if isinstance(value, datetime):
        plain = datetime(
            value.year, value.month, value.day, value.hour, value.minute, value.second,
            value.microsecond, tzinfo=value.tzinfo,
        )  # fmt: skip
        return _round_to_second(plain)
    if isinstance(value, date):
        raise ValueError(_no_time_of_day(value))
    if isinstance(value, time):
        raise ValueError(
            _("{field} {value} has no date").format(field="{field}", value=quote(value))
        )
    if isinstance(value, int | float):
        return _from_excel_serial(value, value)
    text = " ".join(unicodedata.normalize("NFKC", str(value)).split())
    text = re.sub(r"\s*([年月日時分秒])\s*", r"\1", text)
    if _SERIAL_TEXT.match(text):
        return _from_excel_serial(float(text) if "." in text else int(text), value)
    for pattern in _START_FORMATS:
        match = pattern.match(text)
        if match:
            return _start_from_match(match, value)
    raise ValueError(
        _("{field} {value} is not a date and time (write it like 2026-12-17 15:00)").format(
            field="{field}", value=quote(value)
        )
    )


def _not_a_date_and_time(value: Any) -> str:
    return _("{field} {value} is not a date and time").format(field="{field}", value=quote(value))


def _no_time_of_day(value: Any) -> str:
    return _("{field} {value} has no time of day").format(field="{field}", value=quote(value))


def _start_from_match(match: re.Match[str], original: Any) -> datetime:
    parts = match.groupdict()
    if parts["h"] is None:
        raise ValueError(_no_time_of_day(original))
    hour = int(parts["h"])
    minute = int(parts["m"] or parts["m2"] or 0)
    second = int(parts["s"] or parts["s2"] or 0)
    half = (parts["half"] or parts["half2"] or "").casefold().replace(".", "")
    if half:
        if not 1 <= hour <= 12:
            raise ValueError(
                _("{field} {value} is not a real time of day").format(
                    field="{field}", value=quote(original)
                )
            )
        hour = hour % 12 + (12 if half in ("pm", "午後") else 0)
    zone: tzinfo | None = None
    offset = parts.get("offset")
    if offset:
        if offset.upper() == "Z":
            zone = UTC
        else:
            sign = -1 if offset[0] == "-" else 1
            digits = offset[1:].replace(":", "")
            zone = _fixed_offset(sign, int(digits[:2]), int(digits[2:]))
    try:
        moment = datetime(
            int(parts["y"]), int(parts["mo"]), int(parts["d"]), hour, minute, second, tzinfo=zone
        )
    except ValueError:
        raise ValueError(
            _("{field} {value} is not a real date and time").format(
                field="{field}", value=quote(original)
            )
        ) from None
    if parts.get("wd"):
        try:
            check_weekday(parts["wd"], moment.date())
        except ValueError:
            raise ValueError(_contradiction(original, moment.date(), parts["wd"])) from None
    return moment


def _fixed_offset(sign: int, hours: int, minutes: int) -> tzinfo:
    if hours > 23 or minutes > 59:
        raise ValueError(_("{field} has an impossible UTC offset").format(field="{field}"))
    return fixed_offset(sign * timedelta(hours=hours, minutes=minutes))


def _from_excel_serial(serial: float, original: Any) -> datetime:
    """Excel's day number (days since 1899-12-30), rounded to the nearest second."""
    if not math.isfinite(serial) or not 1 <= serial < _LAST_EXCEL_SERIAL:
        raise ValueError(_not_a_date_and_time(original))
    if float(serial).is_integer():
        day = _EXCEL_EPOCH + timedelta(days=int(serial))
        raise ValueError(
            _("{field} {value} ({day}) has no time of day").format(
                field="{field}", value=quote(original), day=f"{day:%Y-%m-%d}"
            )
        )
    return _EXCEL_EPOCH + timedelta(seconds=round(serial * 86400))


def _round_to_second(moment: datetime) -> datetime:
    rounded = moment.replace(microsecond=0)
    return rounded + timedelta(seconds=1) if moment.microsecond >= 500_000 else rounded


def place(value: Any, given: datetime, zone_name: str) -> datetime:
    """The start as an aware datetime in the row's zone."""
    zone = ZoneInfo(zone_name)
    if not _EARLIEST <= given.replace(tzinfo=None) <= _LATEST:  # beyond what a zone can convert
        raise ValueError(
            _("{field} {value} is not a date and time Zoom can schedule").format(
                field="{field}", value=quote(value)
            )
        )
    if given.tzinfo is not None:  # pinned: the instant is fixed, the zone is for display
        return given.astimezone(zone)
    # fold=0: of a wall time that occurs twice (the clocks going back), the first.
    local = given.replace(tzinfo=zone, fold=0)
    if local.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != given:
        raise ValueError(
            _(
                "{field} {value} does not exist in {zone} "
                "(the clocks skip that time when daylight saving time starts)"
            ).format(field="{field}", value=quote(value), zone=zone_name)
        )
    return local


def wall(start: datetime, zone_name: str) -> str:
    local = start.astimezone(ZoneInfo(zone_name))
    shown = f"{local:%Y-%m-%d %H:%M:%S}" if local.second else f"{local:%Y-%m-%d %H:%M}"
    return f"{shown} {zone_name}"


def parse_duration(value: Any) -> int:
    if is_empty(value):
        raise ValueError(
            _("{field} is empty (give the meeting's length in minutes)").format(field="{field}")
        )
    minutes: float | None = None
    if isinstance(value, bool | datetime | date):
        minutes = None
    elif isinstance(value, timedelta):
        minutes = value.total_seconds() / 60
    elif isinstance(value, time):
        minutes = value.hour * 60 + value.minute + (value.second + value.microsecond / 1e6) / 60
    elif isinstance(value, int | float):
        minutes = float(value) if math.isfinite(value) else None
    else:
        text = " ".join(unicodedata.normalize("NFKC", str(value)).split()).casefold()
        for pattern, to_minutes in _DURATION_FORMATS:
            match = pattern.match(text)
            if match:
                minutes = to_minutes(match)
                break
    if minutes is None:
        raise ValueError(
            _("{field} {value} is not a number of minutes").format(
                field="{field}", value=quote(value)
            )
        )
    whole = round(minutes)
    if abs(minutes - whole) > 1e-6:
        raise ValueError(
            _("{field} {value} is not a whole number of minutes").format(
                field="{field}", value=quote(value)
            )
        )
    if not MIN_DURATION <= whole <= MAX_DURATION:
        raise ValueError(
            _("{field} {value} is out of range; Zoom allows {least} to {most} minutes").format(
                field="{field}", value=quote(value), least=MIN_DURATION, most=MAX_DURATION
            )
        )
    return whole


# --- a start from a date, a clock time and an end --------------------------------------------

_DATE_THEN_TIME = re.compile(
    r"^(?P<date>.+?)\s*(?P<time>(?:(?:午前|午後)\s*)?\d{1,2}"
    r"(?::\d{2}(?::\d{2})?|時(?:\d{1,2}分|半)?)(?:\s*(?:am|pm|a\.m\.|p\.m\.))?)$",
    re.IGNORECASE,
)


def read_start(value: Any, rules: DateRules) -> tuple[datetime, str | None]:
    """``parse_start``, and the forms of ``dates`` with a clock time after them (``令和9年5月10日
    10:00``, ``R9.5.17 15:00``, ``5/10 9:00``); the note says which year a yearless date took."""
    try:
        return parse_start(value), None
    except ValueError as error:
        if not isinstance(value, str):
            raise
        first_error = error
    text = normalize(value)
    if _SERIAL_TEXT.match(text) or any(pattern.match(text) for pattern in _START_FORMATS):
        raise first_error  # a form parse_start knows, and it said what is wrong with it
    match = _DATE_THEN_TIME.match(text)
    if match:
        written = match.group("date")
        try:
            day, note = parse_date(written, rules)
        except ValueError as error:
            if str(error) == not_a_date(written):
                raise first_error from None  # not a date at all: the general message
            # A date with something wrong (a weekday, an order, a year): say that, quoting the cell.
            raise ValueError(str(error).replace(quote(written), quote(value), 1)) from None
        clock = parse_clock(match.group("time"))
        if clock is not None:
            return datetime.combine(day, clock), note
    try:
        parse_date(text, rules)
    except ValueError:
        pass
    else:
        raise ValueError(
            _("{field} {value} has no time of day").format(field="{field}", value=quote(value))
        )
    if parse_clock(value) is not None:
        raise ValueError(
            _("{field} {value} has no date (write the date too, or add a date column)").format(
                field="{field}", value=quote(value)
            )
        )
    raise first_error


def start_on(start_value: Any, day: date, rules: DateRules) -> datetime:
    """The start from a ``date`` column's day and a ``start_time`` cell holding its time of day
    (a whole date-time there is taken if it is on the same day)."""
    if is_empty(start_value):
        raise ValueError(
            _("{field} is empty (the date is there: give the time the meeting starts)").format(
                field="{field}"
            )
        )
    clock = parse_clock(start_value)
    if clock is not None:
        return datetime.combine(day, clock)
    try:
        whole, _note = read_start(start_value, rules)
    except ValueError:
        raise ValueError(
            _("{field} {value} is not a time of day (write it like 9:00 or 9時30分)").format(
                field="{field}", value=quote(start_value)
            )
        ) from None
    if whole.date() != day:
        raise ValueError(
            _("{field} {value} is on {its_day}, but date says {day}").format(
                field="{field}",
                value=quote(start_value),
                its_day=f"{whole:%Y-%m-%d}",
                day=f"{day:%Y-%m-%d}",
            )
        )
    return whole


#: An end earlier on the clock than the start is read as the next day only when the meeting
#: starts in the afternoon or evening and is then shorter than this: 22:00 to 1:00 runs past
#: midnight; 10:00 to 9:00 is a mistake.
OVERNIGHT_LIMIT = timedelta(hours=12)


def duration_to_end(value: Any, start: datetime, zone_name: str) -> tuple[int, str | None]:
    """Minutes from ``start`` (aware, in the row's zone) to the ``end_time`` cell, and a note when
    the end was read as the next day."""
    clock = parse_clock(value)
    note = None
    if clock is not None:
        local = start.astimezone(ZoneInfo(zone_name))
        end = place(value, datetime.combine(local.date(), clock), zone_name)
        if end <= start and local.hour >= 12:
            next_day = place(
                value, datetime.combine(local.date() + timedelta(days=1), clock), zone_name
            )
            if next_day - start < OVERNIGHT_LIMIT:
                end = next_day
                note = _("end_time {value} is after midnight: the meeting ends on {day}").format(
                    value=quote(value), day=f"{next_day:%Y-%m-%d}"
                )
    else:
        try:
            given = parse_start(value)
        except ValueError:
            raise ValueError(
                _("{field} {value} is not a time of day (write it like 10:30 or 10時30分)").format(
                    field="{field}", value=quote(value)
                )
            ) from None
        end = place(value, given, zone_name)
    if end <= start:
        shown = f"{start.astimezone(ZoneInfo(zone_name)):%H:%M}"
        message = (
            _("{field} {value} is the same as the start ({start}); a meeting needs a length")
            if end == start
            else _("{field} {value} is before the start ({start})")
        )
        raise ValueError(message.format(field="{field}", value=quote(value), start=shown))
    minutes = (end - start).total_seconds() / 60
    whole = round(minutes)
    if abs(minutes - whole) > 1e-6:
        raise ValueError(
            _("{field} {value} is not a whole number of minutes after the start").format(
                field="{field}", value=quote(value)
            )
        )
    if whole > MAX_DURATION:
        raise ValueError(
            _(
                "{field} {value} is {minutes} minutes after the start; Zoom allows at most {most}"
            ).format(field="{field}", value=quote(value), minutes=whole, most=MAX_DURATION)
        )
    return whole, note
