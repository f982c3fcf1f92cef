"""Calendar dates and clock times as offices write them. Pure: "today" is passed in.

Dates (a ``date`` column, or the date part of a ``start_time``):

- Excel date cells and serial numbers; ``2027-05-10``, ``2027/5/10``, ``2027.5.10``;
- ``2027年5月10日``, with or without a weekday: ``2027年5月11日(火)``, ``(火・祝)``, ``火曜日``;
- Japanese eras: ``令和9年5月10日``, ``令和元年5月1日``, ``R9.5.17``, ``H31.4.30``,
  ``平成31年4月30日``;
- day and month in either order, ``03/04/2027``: refused when both could be the month, unless
  ``--date-order dmy|mdy`` says which (``17/05/2027`` can only be day first); ``17.05.2027``
  (dots) is day first, as in Europe;
- English month names: ``May 10, 2027``, ``10 May 2027``, ``Mon 10 May 2027``;
- no year (``5/10``, ``5月10日``, ``May 10``): the next such date within twelve months, and the
  row's note says which year was taken. A date that passed less than ``RECENTLY_PASSED_DAYS`` ago is
  refused instead of moved to next year: a sheet run again after its date is far more likely than
  a plan eleven months ahead, and moving it would make a second meeting. A row that already has
  its meeting (``meeting_id``) takes the nearer of the two dates.

Full-width digits and brackets are read as their ASCII forms (NFKC). A weekday that contradicts
the date is refused. Clock times: ``9:00``, ``09:00:00``, ``9時``, ``9時30分``, ``9時半``,
``午後3時``, ``3pm``, ``3:30 PM``, Excel time cells and time serials.

Each parser raises ``ValueError`` with a message in which ``{field}`` stands for the column.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from ..cells import quote
from ..i18n import _

DATE_ORDERS = ("dmy", "mdy")

RECENTLY_PASSED_DAYS = 92

_EXCEL_EPOCH = date(1899, 12, 30)

#: Era -> (the year before its first year, its first day, its last day).
_ERAS: dict[str, tuple[int, date, date | None]] = {
    "令和": (2018, date(2019, 5, 1), None),
    "平成": (1988, date(1989, 1, 8), date(2019, 4, 30)),
}
_ERA_LETTERS = {"R": "令和", "H": "平成"}

_JA_WEEKDAYS = "月火水木金土日"
_EN_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTHS = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip

_WEEKDAY_TAIL = r"(?:\s*\((?P<wd>[^)]*)\)|\s*,?\s*(?P<wd2>[月火水木金土日]曜日?|[A-Za-z]{3,9}\.?))?"
_WEEKDAY_HEAD = r"(?:(?P<wd0>[A-Za-z]{3,9}\.?|[月火水木金土日]曜日?)\s*,?\s+)?"

_FORMS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "ymd",
        re.compile(r"^(?P<y>\d{4})[-/.](?P<mo>\d{1,2})[-/.](?P<d>\d{1,2})" + _WEEKDAY_TAIL + "$"),
    ),
    ("ymd", re.compile(r"^(?P<y>\d{4})年(?P<mo>\d{1,2})月(?P<d>\d{1,2})日" + _WEEKDAY_TAIL + "$")),
    (
        "era",
        re.compile(
            r"^(?P<era>令和|平成|[RH])\s*(?P<ey>\d{1,2}|元)(?:年|[-/.])(?P<mo>\d{1,2})(?:月|[-/.])"
            r"(?P<d>\d{1,2})日?" + _WEEKDAY_TAIL + "$",
            re.IGNORECASE,
        ),
    ),
    ("md", re.compile(r"^(?P<mo>\d{1,2})月(?P<d>\d{1,2})日" + _WEEKDAY_TAIL + "$")),
    ("dmy.", re.compile(r"^(?P<a>\d{1,2})\.(?P<b>\d{1,2})\.(?P<y>\d{4})" + _WEEKDAY_TAIL + "$")),
    (
        "xxy",
        re.compile(
            _WEEKDAY_HEAD
            + r"(?P<a>\d{1,2})[-/](?P<b>\d{1,2})[-/](?P<y>\d{4})"
            + _WEEKDAY_TAIL
            + "$"
        ),
    ),
    ("xx", re.compile(_WEEKDAY_HEAD + r"(?P<a>\d{1,2})/(?P<b>\d{1,2})" + _WEEKDAY_TAIL + "$")),
    (
        "name-md",
        re.compile(
            _WEEKDAY_HEAD + r"(?P<month>[A-Za-z]{3,9})\.?\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?"
            r"(?:\s*,?\s*(?P<y>\d{4}))?$"
        ),
    ),
    (
        "name-dm",
        re.compile(
            _WEEKDAY_HEAD + r"(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+(?P<month>[A-Za-z]{3,9})\.?"
            r"(?:\s*,?\s*(?P<y>\d{4}))?$"
        ),
    ),
)

_CLOCK = re.compile(
    r"^(?:(?P<half>am|pm|午前|午後)\s*)?(?P<h>\d{1,2})"
    r"(?::(?P<m>\d{2})(?::(?P<s>\d{2}))?|時(?:(?P<m2>\d{1,2})分|(?P<han>半))?)"
    r"(?:\s*(?P<half2>am|pm|a\.m\.|p\.m\.))?$",
    re.IGNORECASE,
)
_CLOCK_HOUR_ONLY = re.compile(r"^(?P<h>\d{1,2})\s*(?P<half2>am|pm|a\.m\.|p\.m\.)$", re.IGNORECASE)


@dataclass(frozen=True)
class DateRules:
    """What a date needs beyond its cell: the order of ``03/04/2027``, and today (in the row's
    zone) for a date without a year; ``managed`` rows take the nearer date."""

    order: str | None = None
    today: date | None = None
    managed: bool = False


def normalize(value: Any) -> str:
    """A cell's text as the parsers read it: NFKC (full-width digits), one space, none around
    年月日時分秒."""
    text = " ".join(unicodedata.normalize("NFKC", str(value)).split())
    return re.sub(r"\s*([年月日時分秒])\s*", r"\1", text)


def parse_date(value: Any, rules: DateRules) -> tuple[date, str | None]:
    """A calendar date and, when it had no year, the note saying which year was taken."""
    if isinstance(value, bool):
        raise ValueError(not_a_date(value))
    if isinstance(value, datetime):
        return value.date(), None
    if isinstance(value, date):
        return value, None
    if isinstance(value, int | float):
        if not math.isfinite(value) or not 1 <= value < 2958466 or not float(value).is_integer():
            raise ValueError(not_a_date(value))
        return _EXCEL_EPOCH + timedelta(days=int(value)), None
    text = normalize(value)
    for kind, pattern in _FORMS:
        match = pattern.match(text)
        if match:
            return _date_from(kind, match, value, rules)
    raise ValueError(not_a_date(value))


def parse_clock(value: Any) -> time | None:
    """A time of day, or None when the cell is not one (it may be a whole date-time)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, time):
        return value.replace(microsecond=0, tzinfo=None)
    if isinstance(value, datetime):
        # Excel keeps a time cell as a date-time on its epoch day.
        if value.date() in (date(1899, 12, 30), date(1899, 12, 31), date(1900, 1, 1)):
            return value.time().replace(microsecond=0)
        return None
    if isinstance(value, timedelta):  # some readers give a time cell as the time since 0:00
        seconds = round(value.total_seconds())
        if not 0 <= seconds < 86400:  # Excel's 25:00: a length of time, not a time of day
            raise ValueError(_past_the_day(value))
        return time(seconds // 3600, seconds // 60 % 60, seconds % 60)
    if isinstance(value, int | float):
        if math.isfinite(value) and 0 <= value < 1 and not isinstance(value, int):
            seconds = round(value * 86400)
            return time(seconds // 3600 % 24, seconds // 60 % 60, seconds % 60)
        return None
    text = normalize(value)
    match = _CLOCK.match(text) or _CLOCK_HOUR_ONLY.match(text)
    if not match:
        return None
    parts = match.groupdict()
    hour = int(parts["h"])
    minute = 30 if parts.get("han") else int(parts.get("m") or parts.get("m2") or 0)
    second = int(parts.get("s") or 0)
    half = (parts.get("half") or parts.get("half2") or "").casefold().replace(".", "")
    if half:
        if not 1 <= hour <= 12:
            raise ValueError(
                _("{field} {value} is not a real time of day").format(
                    field="{field}", value=quote(value)
                )
            )
        hour = hour % 12 + (12 if half in ("pm", "午後") else 0)
    if hour > 23 and not half and minute <= 59 and second <= 59:
        raise ValueError(_past_the_day(value))
    if hour > 23 or minute > 59 or second > 59:
        raise ValueError(
            _("{field} {value} is not a real time of day").format(
                field="{field}", value=quote(value)
            )
        )
    return time(hour, minute, second)


def _past_the_day(value: Any) -> str:
    return _(
        "{field} {value} is not a time of day: the clock of a day runs from 0:00 to 23:59"
    ).format(field="{field}", value=quote(value))


def is_weekday(value: Any) -> bool:
    """Whether a cell names one weekday and nothing else (``Mon``, ``火曜日``)."""
    return isinstance(value, str) and _weekday(normalize(value)) is not None


def check_weekday(value: Any, day: date) -> None:
    """A weekday cell (``火``, ``Tue``, ``火曜日``) that names another day than ``day`` is refused.
    Text that is not one weekday (``月・水``, a note) is not checked."""
    weekday = _weekday(normalize(value))
    if weekday is not None and weekday != day.weekday():
        raise ValueError(_contradiction(value, day, weekday))


def _date_from(
    kind: str, match: re.Match[str], original: Any, rules: DateRules
) -> tuple[date, str | None]:
    parts = match.groupdict()
    note = None
    if kind == "ymd":
        day = _real(int(parts["y"]), int(parts["mo"]), int(parts["d"]), original)
    elif kind == "era":
        day = _era_date(parts, original)
    elif kind in ("dmy.", "xxy"):
        first, second = int(parts["a"]), int(parts["b"])
        month, dom = _order(first, second, rules, original, dots=kind == "dmy.")
        day = _real(int(parts["y"]), month, dom, original)
    elif kind in ("md", "xx"):
        if kind == "md":
            month, dom = int(parts["mo"]), int(parts["d"])
        else:  # 5/10 is the 10th of May, unless --date-order dmy says otherwise
            first, second = int(parts["a"]), int(parts["b"])
            month, dom = (second, first) if rules.order == "dmy" else (first, second)
        day, note = _without_year(month, dom, original, rules)
    else:  # an English month name
        month = _month(parts["month"], original)
        dom = int(parts["d"])
        if parts.get("y"):
            day = _real(int(parts["y"]), month, dom, original)
        else:
            day, note = _without_year(month, dom, original, rules)
    for name in ("wd0", "wd", "wd2"):
        written = parts.get(name)
        if written:
            weekday = _weekday(written)
            if weekday is None and name != "wd":
                raise ValueError(not_a_date(original))
            if weekday is not None and weekday != day.weekday():
                raise ValueError(_contradiction(original, day, weekday))
    return day, note


def _order(
    first: int, second: int, rules: DateRules, original: Any, *, dots: bool
) -> tuple[int, int]:
    """(month, day) of ``first/second/year``."""
    order = rules.order or ("dmy" if dots else None)
    if order is None:
        if first > 12 >= second:
            order = "dmy"
        elif second > 12 >= first:
            order = "mdy"
        elif first == second:
            order = "dmy"
        else:
            raise ValueError(
                _(
                    "{field} {value} could be {one} or {other}; write it as year-month-day, or "
                    "run with --date-order dmy or mdy"
                ).format(
                    field="{field}",
                    value=quote(original),
                    one=f"{_month_name(second)} {first}",
                    other=f"{_month_name(first)} {second}",
                )
            )
    return (second, first) if order == "dmy" else (first, second)


def _era_date(parts: dict[str, str], original: Any) -> date:
    era = parts["era"]
    era = _ERA_LETTERS.get(era.upper(), era)
    before, first_day, last_day = _ERAS[era]
    year = 1 if parts["ey"] == "元" else int(parts["ey"])
    if year < 1:
        raise ValueError(not_a_date(original))
    day = _real(before + year, int(parts["mo"]), int(parts["d"]), original)
    if day < first_day or (last_day is not None and day > last_day):
        span = f"{first_day:%Y-%m-%d}–{last_day:%Y-%m-%d}" if last_day else f"{first_day:%Y-%m-%d}–"
        raise ValueError(
            _("{field} {value} is not a date of {era} ({span})").format(
                field="{field}", value=quote(original), era=era, span=span
            )
        )
    return day


def _without_year(month: int, dom: int, original: Any, rules: DateRules) -> tuple[date, str]:
    if rules.today is None:
        raise ValueError(
            _("{field} {value} has no year; write the year").format(
                field="{field}", value=quote(original)
            )
        )
    today = rules.today
    _real(2028, month, dom, original)  # a day that exists in some year (29 February in a leap one)
    candidates = []
    for year in (today.year - 1, today.year, today.year + 1):
        try:
            candidates.append(date(year, month, dom))
        except ValueError:
            continue
    ahead = [day for day in candidates if today <= day < _add_year(today)]
    behind = [day for day in candidates if day < today]
    if not ahead:
        raise ValueError(
            _(
                "{field} {value} has no year and is not a date in the next twelve months; "
                "write the year"
            ).format(field="{field}", value=quote(original))
        )
    chosen = ahead[0]
    if behind:
        passed = behind[-1]
        ago = (today - passed).days
        if rules.managed and ago < (chosen - today).days:
            chosen = passed
        elif not rules.managed and ago < RECENTLY_PASSED_DAYS:
            raise ValueError(
                _(
                    "{field} {value} has no year: {passed} passed {days} days ago and {next} is "
                    "almost a year away; write the year"
                ).format(
                    field="{field}",
                    value=quote(original),
                    passed=f"{passed:%Y-%m-%d}",
                    days=ago,
                    next=f"{chosen:%Y-%m-%d}",
                )
            )
    note = _("{value} has no year: taken as {day}").format(
        value=quote(original), day=f"{chosen:%Y-%m-%d}"
    )
    return chosen, note


def _add_year(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def _real(year: int, month: int, dom: int, original: Any) -> date:
    try:
        return date(year, month, dom)
    except ValueError:
        raise ValueError(
            _("{field} {value} is not a real date").format(field="{field}", value=quote(original))
        ) from None


def _month(word: str, original: Any) -> int:
    folded = word.casefold().rstrip(".")
    for index, name in enumerate(_MONTHS):
        if len(folded) >= 3 and name.startswith(folded):
            return index + 1
    raise ValueError(not_a_date(original))


def _month_name(month: int) -> str:
    return _MONTHS[month - 1].capitalize()[:3] if 1 <= month <= 12 else str(month)


def _weekday(text: str) -> int | None:
    """Monday = 0: ``火``, ``火曜``, ``火曜日``, ``火・祝``, ``Tue``, ``Tuesday``; None if not one
    weekday."""
    text = text.strip().rstrip(".").strip()
    if not text:
        return None
    bare = re.sub(r"曜日?|祝日?|休日?|振替", "", text)
    japanese = [char for char in bare if char in _JA_WEEKDAYS]
    rest = re.sub(r"[月火水木金土日・,、/ ]", "", bare)
    if japanese and not rest:
        return _JA_WEEKDAYS.index(japanese[0]) if len(japanese) == 1 else None
    folded = text.casefold()
    for index, name in enumerate(_EN_WEEKDAYS):
        if len(folded) >= 3 and name.startswith(folded):
            return index
    return None


def weekday_contradiction(original: Any, day: date, written: int | str) -> str:
    """The message for a weekday that is not the date's; ``written`` as a number or as text."""
    if isinstance(written, str):
        weekday = _weekday(normalize(written))
        written = weekday if weekday is not None else day.weekday()
    return _contradiction(original, day, written)


def _contradiction(original: Any, day: date, written: int) -> str:
    return _(
        "{field} {value}: {day} is a {actual} ({actual_ja}), not a {written} ({written_ja})"
    ).format(
        field="{field}",
        value=quote(original),
        day=f"{day:%Y-%m-%d}",
        actual=_EN_WEEKDAYS[day.weekday()].capitalize(),
        actual_ja=_JA_WEEKDAYS[day.weekday()],
        written=_EN_WEEKDAYS[written].capitalize(),
        written_ja=_JA_WEEKDAYS[written],
    )


def not_a_date(value: Any) -> str:
    """The message for a cell that is no date at all."""
    return _("{field} {value} is not a date (write it like 2027-05-10 or 2027年5月10日)").format(
        field="{field}", value=quote(value)
    )
