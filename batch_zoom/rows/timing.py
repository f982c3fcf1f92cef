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

import difflib
import math
import re
import unicodedata
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from datetime import timezone as fixed_offset
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, available_timezones

from ..cells import cell_text, is_empty, quote

MIN_DURATION, MAX_DURATION = 1, 1440


_EXCEL_EPOCH = datetime(1899, 12, 30)


_LAST_EXCEL_SERIAL = 2958466  # 10000-01-01


_TIME = (
    r"(?:(?P<half>am|pm|午前|午後)\s*)?"
    r"(?P<h>\d{1,2})(?::(?P<m>\d{2})(?::(?P<s>\d{2})(?:\.\d+)?)?"
    r"|時(?:(?P<m2>\d{1,2})分)?(?:(?P<s2>\d{1,2})秒)?)"
    r"(?:\s*(?P<half2>am|pm|a\.m\.|p\.m\.))?"
)


_START_FORMATS = (
    re.compile(
        r"^(?P<y>\d{4})[-/.](?P<mo>\d{1,2})[-/.](?P<d>\d{1,2})(?:\s*\([^)]*\))?"
        r"(?:(?:\s*T\s*|\s+)" + _TIME + r")?\s*(?P<offset>Z|[+-]\d{2}:?\d{2})?$",
        re.I,
    ),
    re.compile(
        r"^(?P<y>\d{4})年(?P<mo>\d{1,2})月(?P<d>\d{1,2})日(?:\s*\([^)]*\))?"
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
    (
        re.compile(
            r"^(\d+(?:\.\d+)?)\s*" + _HOUR_WORDS + r"(?:\s*(\d+)\s*" + _MINUTE_WORDS + ")?$"
        ),
        lambda m: float(m.group(1)) * 60 + int(m.group(2) or 0),
    ),
)


def parse_timezone(value: Any) -> str:
    names = _zone_names()
    text = unicodedata.normalize("NFKC", cell_text(value)).strip()
    canonical = names.get(text.casefold())
    if canonical is not None:
        return canonical
    close = difflib.get_close_matches(text.casefold(), list(names), n=1, cutoff=0.75)
    hint = f"did you mean {names[close[0]]}?" if close else "use a name like Asia/Tokyo"
    raise ValueError(f"{{field}} {quote(value)} is not a known time zone ({hint})")


@lru_cache(maxsize=1)
def _zone_names() -> dict[str, str]:
    """Case-folded IANA name -> its canonical spelling."""
    return {name.casefold(): name for name in sorted(available_timezones())}


def parse_start(value: Any) -> datetime:
    """The start as written: naive for a wall time, aware for a pinned instant (Z or offset)."""
    if is_empty(value):
        raise ValueError("{field} is empty (every meeting needs a date and time)")
    if isinstance(value, bool):
        raise ValueError(f"{{field}} {quote(value)} is not a date and time")
    if isinstance(value, datetime):
        plain = datetime(
            value.year, value.month, value.day, value.hour, value.minute, value.second,
            value.microsecond, tzinfo=value.tzinfo,
        )  # fmt: skip
        return _round_to_second(plain)
    if isinstance(value, date):
        raise ValueError(f"{{field}} {quote(value)} has no time of day")
    if isinstance(value, time):
        raise ValueError(f"{{field}} {quote(value)} has no date")
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
        f"{{field}} {quote(value)} is not a date and time (write it like 2026-12-17 15:00)"
    )


def _start_from_match(match: re.Match[str], original: Any) -> datetime:
    parts = match.groupdict()
    if parts["h"] is None:
        raise ValueError(f"{{field}} {quote(original)} has no time of day")
    hour = int(parts["h"])
    minute = int(parts["m"] or parts["m2"] or 0)
    second = int(parts["s"] or parts["s2"] or 0)
    half = (parts["half"] or parts["half2"] or "").casefold().replace(".", "")
    if half:
        if not 1 <= hour <= 12:
            raise ValueError(f"{{field}} {quote(original)} is not a real time of day")
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
        return datetime(
            int(parts["y"]), int(parts["mo"]), int(parts["d"]), hour, minute, second, tzinfo=zone
        )
    except ValueError:
        raise ValueError(f"{{field}} {quote(original)} is not a real date and time") from None


def _fixed_offset(sign: int, hours: int, minutes: int) -> tzinfo:
    if hours > 23 or minutes > 59:
        raise ValueError("{field} has an impossible UTC offset")
    return fixed_offset(sign * timedelta(hours=hours, minutes=minutes))


def _from_excel_serial(serial: float, original: Any) -> datetime:
    """Excel's day number (days since 1899-12-30), rounded to the nearest second."""
    if not math.isfinite(serial) or not 1 <= serial < _LAST_EXCEL_SERIAL:
        raise ValueError(f"{{field}} {quote(original)} is not a date and time")
    if float(serial).is_integer():
        day = _EXCEL_EPOCH + timedelta(days=int(serial))
        raise ValueError(f"{{field}} {quote(original)} ({day:%Y-%m-%d}) has no time of day")
    return _EXCEL_EPOCH + timedelta(seconds=round(serial * 86400))


def _round_to_second(moment: datetime) -> datetime:
    rounded = moment.replace(microsecond=0)
    return rounded + timedelta(seconds=1) if moment.microsecond >= 500_000 else rounded


def place(value: Any, given: datetime, zone_name: str) -> datetime:
    """The start as an aware datetime in the row's zone."""
    zone = ZoneInfo(zone_name)
    if given.tzinfo is not None:  # pinned: the instant is fixed, the zone is for display
        return given.astimezone(zone)
    # fold=0: of a wall time that occurs twice (the clocks going back), the first.
    local = given.replace(tzinfo=zone, fold=0)
    if local.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != given:
        raise ValueError(
            f"{{field}} {quote(value)} does not exist in {zone_name} "
            "(the clocks skip that time when daylight saving time starts)"
        )
    return local


def wall(start: datetime, zone_name: str) -> str:
    local = start.astimezone(ZoneInfo(zone_name))
    shown = f"{local:%Y-%m-%d %H:%M:%S}" if local.second else f"{local:%Y-%m-%d %H:%M}"
    return f"{shown} {zone_name}"


def parse_duration(value: Any) -> int:
    if is_empty(value):
        raise ValueError("{field} is empty (give the meeting's length in minutes)")
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
        raise ValueError(f"{{field}} {quote(value)} is not a number of minutes")
    whole = round(minutes)
    if abs(minutes - whole) > 1e-6:
        raise ValueError(f"{{field}} {quote(value)} is not a whole number of minutes")
    if not MIN_DURATION <= whole <= MAX_DURATION:
        raise ValueError(
            f"{{field}} {quote(value)} is out of range; "
            f"Zoom allows {MIN_DURATION} to {MAX_DURATION} minutes"
        )
    return whole
