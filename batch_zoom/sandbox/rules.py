"""Zoom's meeting rules, pure: what a create/update body may hold, and what it means.

Everything here is a function of its arguments (the clock is passed in), so the rules can be read
and tested without a server. ``check_meeting`` raises ``Invalid`` naming every bad field, the way
Zoom answers ``{"code": 300, "message": "Validation Failed.", "errors": [...]}``.
"""

from __future__ import annotations

import re
import zoneinfo
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from typing import Any

from .schema import invalid_fields

# Zoom: "yyyy-MM-ddTHH:mm:ssZ" (UTC) or "yyyy-MM-ddTHH:mm:ss" with a `timezone`. Nothing else.
START_UTC = re.compile(r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z$")
START_LOCAL = re.compile(r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$")
# Newer docs: alphanumerics and specials such as ! @ #; no spaces, nothing outside ASCII.
PASSWORD = re.compile(r"^[!-~]{1,10}$")
USER_TIMEZONE = "UTC"  # the sandbox users' own zone, used when a local start_time has no timezone
MAX_OCCURRENCES = 60
REPEAT_INTERVAL_MAX = {1: 99, 2: 50, 3: 10}  # daily, weekly, monthly (Meetings.json)
SCHEDULED_TYPES = frozenset({2, 8, 10})
RECURRING_FIXED = 8
RECURRING_NO_TIME = 3
INSTANT = 1
#: Webinar types (Meetings.json, webinarCreate): 5 scheduled, 6 recurring with no fixed time,
#: 9 recurring with a fixed time; each follows the rules of the meeting type it stands beside.
WEBINAR_TYPES = {5: 2, 6: RECURRING_NO_TIME, 9: RECURRING_FIXED}


class Invalid(Exception):
    """A request body Zoom would refuse with code 300; ``fields`` names the offending fields."""

    def __init__(self, fields: list[str]) -> None:
        super().__init__(", ".join(fields))
        self.fields = fields


@cache
def known_timezones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones() | {"UTC", "GMT"})


def zone(name: str) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(name)


def format_utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_utc(text: str) -> datetime:
    """A stored ``...Z`` time back to an aware datetime."""
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def parse_start(text: Any, timezone_name: str | None) -> datetime | None:
    """Zoom's two start_time forms to an aware UTC instant; None when the text is neither."""
    if not isinstance(text, str):
        return None
    utc_match = START_UTC.match(text)
    local_match = START_LOCAL.match(text)
    match = utc_match or local_match
    if match is None:
        return None
    try:
        year, month, day, hour, minute, second = (int(part) for part in match.groups())
        naive = datetime(year, month, day, hour, minute, second)
    except ValueError:
        return None
    if utc_match:
        return naive.replace(tzinfo=UTC)
    return naive.replace(tzinfo=zone(timezone_name or USER_TIMEZONE)).astimezone(UTC)


@dataclass(frozen=True)
class MeetingTimes:
    """What a body means once checked: the meeting's type, zone, start and occurrences."""

    type: int
    timezone: str
    start: datetime | None  # UTC; None for meetings without a fixed time
    duration: int
    recurrence: dict[str, Any] | None
    occurrences: list[datetime]  # UTC starts, type 8 only


def check_meeting(
    operation: str,
    body: Any,
    now: datetime,
    current: MeetingTimes | None = None,
    user_timezone: str = USER_TIMEZONE,
) -> MeetingTimes:
    """Check a create (``meetingCreate``, ``webinarCreate``) or update (``meetingUpdate``,
    ``webinarUpdate``) body against Zoom's schema and the rules the schema cannot say; return the
    meeting's (or webinar's) resulting times, with the type as declared (5, 6, 9 for a webinar).

    ``current`` is the stored meeting for an update; fields the body leaves out keep its values.
    ``user_timezone`` is the host's own zone: a local start_time without ``timezone`` is read in it.
    """
    bad = invalid_fields(operation, body)  # the checks below guard their own types

    password = body.get("password")
    if isinstance(password, str) and password and not PASSWORD.match(password):
        bad.append("password")

    webinar = operation.startswith("webinar")
    declared: int = body.get("type", current.type if current else (5 if webinar else 2))
    # a webinar's type means what the meeting type beside it means (the schema checked it)
    meeting_type = WEBINAR_TYPES.get(declared, declared) if webinar else declared

    timezone_name = current.timezone if current else user_timezone
    if body.get("timezone") and isinstance(body["timezone"], str):
        if body["timezone"] in known_timezones():
            timezone_name = body["timezone"]
        else:
            bad.append("timezone")

    start: datetime | None = current.start if current else None
    if "start_time" in body:
        local_zone = timezone_name if "timezone" not in bad else user_timezone
        parsed = parse_start(body["start_time"], local_zone)
        if parsed is None:
            if "start_time" not in bad:
                bad.append("start_time")
        else:
            start = parsed
    if bad:
        raise Invalid(bad)

    duration: int = body.get("duration", current.duration if current else 60)
    if meeting_type in (INSTANT, RECURRING_NO_TIME):
        start = None if meeting_type == RECURRING_NO_TIME else now
    elif start is None or (operation.endswith("Create") and start < now):
        # Meetings.json: "If start_time is not specified or is set to a past value, it defaults
        # to the current time."
        start = now.replace(microsecond=0)

    recurrence = body.get("recurrence", current.recurrence if current else None)
    occurrences: list[datetime] = []
    if meeting_type == RECURRING_FIXED:
        if not recurrence:
            bad.append("recurrence")
        elif start is not None and not bad:
            try:
                occurrences = expand_recurrence(recurrence, start, timezone_name)
            except Invalid as refused:
                bad.extend(refused.fields)
    elif "recurrence" in body and body["recurrence"] is not None:
        bad.append("recurrence")  # recurrence is for type 8 meetings only
    else:
        recurrence = None

    if bad:
        raise Invalid(list(dict.fromkeys(bad)))
    if occurrences:
        start = occurrences[0]
    return MeetingTimes(declared, timezone_name, start, duration, recurrence, occurrences)


def as_meeting_type(kind: int) -> int:
    """The meeting type whose rules a stored meeting's or webinar's type follows."""
    return WEBINAR_TYPES.get(kind, kind)


def _zoom_weekday(day: date) -> int:
    """1 = Sunday ... 7 = Saturday, as Zoom counts."""
    return (day.weekday() + 1) % 7 + 1


def _add_months(day: date, months: int) -> tuple[int, int]:
    index = day.year * 12 + (day.month - 1) + months
    return index // 12, index % 12 + 1


def _nth_weekday(year: int, month: int, week: int, weekday: int) -> date | None:
    days = [
        date(year, month, d)
        for d in range(1, 32)
        if _valid(year, month, d) and _zoom_weekday(date(year, month, d)) == weekday
    ]
    if week == -1:
        return days[-1]
    return days[week - 1] if week - 1 < len(days) else None


def _valid(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def _candidate_days(recurrence: dict[str, Any], first: date) -> Any:
    """Every day the recurrence could fall on, from ``first`` on, in order (unbounded)."""
    kind = recurrence["type"]
    interval = recurrence.get("repeat_interval") or 1
    step = 0
    while step <= 2400:  # a rule that can never fall on a day (Feb 30th yearly) must still end
        if kind == 1:
            yield first + timedelta(days=interval * step)
        elif kind == 2:
            days = {int(d) for d in str(recurrence.get("weekly_days", "1")).split(",")}
            sunday = first - timedelta(days=_zoom_weekday(first) - 1)
            week_start = sunday + timedelta(weeks=interval * step)
            for offset in range(7):
                day = week_start + timedelta(days=offset)
                if day >= first and _zoom_weekday(day) in days:
                    yield day
        else:
            year, month = _add_months(first, interval * step)
            if recurrence.get("monthly_week") is not None:
                day_or_none = _nth_weekday(
                    year, month, recurrence["monthly_week"], recurrence.get("monthly_week_day", 1)
                )
            else:
                wanted = recurrence.get("monthly_day", 1)
                day_or_none = date(year, month, wanted) if _valid(year, month, wanted) else None
            if day_or_none is not None and day_or_none >= first:
                yield day_or_none
        step += 1


def expand_recurrence(
    recurrence: dict[str, Any], start: datetime, timezone_name: str
) -> list[datetime]:
    """The UTC starts of a type 8 meeting's occurrences; wall-clock time kept across DST."""
    bad: list[str] = []
    kind = recurrence.get("type")
    interval = recurrence.get("repeat_interval") or 1
    if kind in REPEAT_INTERVAL_MAX and not 1 <= interval <= REPEAT_INTERVAL_MAX[kind]:
        bad.append("recurrence.repeat_interval")
    end_times = recurrence.get("end_times")
    end_date_time = recurrence.get("end_date_time")
    if end_times is not None and end_date_time is not None:
        bad.append("recurrence.end_date_time")  # "Cannot be used with end_times"
    if end_times is not None and not 1 <= end_times <= MAX_OCCURRENCES:
        bad.append("recurrence.end_times")
    end_instant: datetime | None = None
    if end_date_time is not None:
        end_instant = parse_start(end_date_time, "UTC")
        if end_instant is None or not str(end_date_time).endswith("Z"):
            bad.append("recurrence.end_date_time")
    monthly_day = recurrence.get("monthly_day")
    if kind == 3 and monthly_day is not None and not 1 <= monthly_day <= 31:
        bad.append("recurrence.monthly_day")
    if bad:
        raise Invalid(bad)

    local_zone = zone(timezone_name)
    local_start = start.astimezone(local_zone)
    wall_clock: time = local_start.time().replace(tzinfo=None)
    limit = end_times if end_instant is None else None
    if limit is None and end_instant is None:
        limit = 1  # Meetings.json: end_times defaults to 1
    found: list[datetime] = []
    for count, day in enumerate(_candidate_days(recurrence, local_start.date())):
        moment = datetime.combine(day, wall_clock, tzinfo=local_zone).astimezone(UTC)
        if end_instant is not None and moment > end_instant:
            break
        found.append(moment)
        if limit is not None and len(found) >= limit:
            break
        if len(found) > MAX_OCCURRENCES or count > 5000:
            raise Invalid(["recurrence.end_date_time"])  # more than 60 occurrences
    if not found:
        raise Invalid(["recurrence"])
    return found
