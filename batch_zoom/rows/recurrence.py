"""Readable recurrence rules ("weekly on Mon,Wed x6", "毎月 第2火曜 12回") -> Zoom's recurrence.

Also: the starts a series makes (``series_starts``), and whether a meeting Zoom shows is a
recurring row's series, at whichever occurrence Zoom shows it (``shows_row``).

Pure: no I/O and no clock. A rule is read in two steps, so that a row whose start time is bad can
still have its rule's wording checked: ``parse_rule(text)`` checks the words, and
``RecurrenceRule.resolve(start)`` fills in what depends on the first meeting (the weekday of
``start`` for a bare "weekly", its day of the month for a bare "monthly") and counts the meetings
an ``until`` date makes. ``parse_recurrence`` does both. Every problem is a ``ValueError`` whose
message is the sentence shown to the user, naming the rule as written.

Forms (case-insensitive, any spacing; ``xN`` may be written ``N times`` or ``N回``)::

    daily x10                       毎日 10回
    daily until 2027-03-31          毎日 2027-03-31まで
    every 3 days x5                 3日ごと 5回
    weekly x6                       (on the start's weekday)
    weekly on Mon,Wed until 2027-03-31      毎週 月,水 2027-03-31まで
    every 2 weeks on Fri x6         隔週 金 6回
    monthly x6                      (on the start's day of the month)
    monthly on day 15 x6            毎月 15日 6回
    monthly on 2nd Tue x12          毎月 第2火曜 12回
    monthly on last Fri until 2027-06-30    毎月 最終金曜 2027-06-30まで
    every 2 months on day 1 x3      隔月 1日 3回
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from ..i18n import N_, _
from ..models import MeetingRequest, Recurrence, meeting_identity, parse_moment

DAILY, WEEKLY, MONTHLY = 1, 2, 3

# Zoom's limits, from the meetingCreate request schema in Meetings.json
# (paths["/users/{userId}/meetings"].post.requestBody, property "recurrence"):
#  - repeat_interval: "For a daily meeting, the maximum number of recurrences is `99` days. For a
#    weekly meeting, the maximum is `50` weeks. For a monthly meeting, the maximum is `10` months."
#  - end_times: "maximum": 60 ("The maximum number of recurring is 60"); 0 would mean "no end",
#    which a batch never wants, so a count is 1..60.
#  - monthly_week: enum [-1, 1, 2, 3, 4]; monthly_day: "The value range is from `1` to `31`".
MAX_INTERVAL = {DAILY: 99, WEEKLY: 50, MONTHLY: 10}
MAX_OCCURRENCES = 60

_Fail = Callable[[str], ValueError]  # builds the error for one rule: fail("reason")

_UNIT_NAMES = {DAILY: N_("days"), WEEKLY: N_("weeks"), MONTHLY: N_("months")}

#: Zoom numbers the days of the week 1 = Sunday ... 7 = Saturday.
_DAY_NUMBERS: dict[str, int] = {}
for _number, _names in enumerate(
    (
        ("sun", "sunday", "日"),
        ("mon", "monday", "月"),
        ("tue", "tues", "tuesday", "火"),
        ("wed", "weds", "wednesday", "水"),
        ("thu", "thur", "thurs", "thursday", "木"),
        ("fri", "friday", "金"),
        ("sat", "saturday", "土"),
    ),
    start=1,
):
    for _name in _names:
        _DAY_NUMBERS[_name] = _number
_JAPANESE_DAYS = "日月火水木金土"

_ORDINALS = {
    "1st": 1, "first": 1, "2nd": 2, "second": 2, "3rd": 3, "third": 3, "4th": 4, "fourth": 4,
    "last": -1, "-1": -1, "最終": -1, "最後": -1, "最後の": -1,
}  # fmt: skip
_TOO_LATE_ORDINALS = {"5th", "fifth", "第5"}

_DATE = r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
_COUNT_PATTERNS = (
    # "x6" but not the x of a word; Japanese needs no space before the count ("毎日10回")
    re.compile(r"(?<![a-z0-9])[x×*]\s*(\d+)\s*$", re.I),
    re.compile(r"(?<!\d)(?:\bfor\s+)?(\d+)\s*(?:times|time|occurrences|回)\s*$", re.I),
)
_UNTIL_PATTERNS = (
    re.compile(r"(?:^|\s)(?:until|till|through|to|ending)\s+" + _DATE + r"\s*$", re.I),
    re.compile(r"(?<!\d)" + _DATE + r"\s*(?:まで)\s*$"),
)

_EVERY_N = re.compile(r"^every\s+(\d+|other)\s*(days?|weeks?|months?)\b", re.I)
_JAPANESE_EVERY_N = re.compile(
    r"^(\d+)\s*(日|週間|週|か月|カ月|ヶ月|ケ月|ヵ月|月)\s*(?:ごと|毎|おきに)"
)
_SIMPLE_FREQUENCIES = (
    (re.compile(r"^(?:daily|every\s+day|毎日)", re.I), DAILY, 1),
    (re.compile(r"^(?:weekly|every\s+week|毎週)", re.I), WEEKLY, 1),
    (re.compile(r"^(?:biweekly|fortnightly|隔週)", re.I), WEEKLY, 2),
    (re.compile(r"^(?:monthly|every\s+month|毎月)", re.I), MONTHLY, 1),
    (re.compile(r"^(?:隔月)", re.I), MONTHLY, 2),
)


def _examples() -> str:
    return _('write it like "weekly on Mon x6" or "monthly on 2nd Tue until 2027-06-30"')


@dataclass(frozen=True)
class RecurrenceRule:
    """A rule as written, before it is tied to a first meeting."""

    text: str
    type: int  # 1 daily, 2 weekly, 3 monthly
    interval: int = 1
    weekly_days: tuple[int, ...] = ()  # Zoom numbers; empty: the start's weekday
    monthly_day: int | None = None  # None (and no monthly_week): the start's day of the month
    monthly_week: int | None = None  # 1..4 or -1
    monthly_week_day: int | None = None
    count: int | None = None
    until: date | None = None

    def resolve(self, start: datetime) -> Recurrence:
        """Zoom's recurrence for a series whose first meeting is ``start`` (aware, in its zone).

        An ``until`` date becomes ``end_date_time`` at 23:59 of that day in start's zone, in UTC,
        and the meetings it makes are counted so that more than Zoom's 60 is refused here.
        """
        weekly_days: str | None = None
        monthly_day = self.monthly_day
        if self.type == WEEKLY:
            days = self.weekly_days or (zoom_weekday(start.date()),)
            weekly_days = ",".join(str(day) for day in sorted(set(days)))
        if self.type == MONTHLY and monthly_day is None and self.monthly_week is None:
            monthly_day = start.day
        recurrence = Recurrence(
            type=self.type,
            repeat_interval=self.interval,
            weekly_days=weekly_days,
            monthly_day=monthly_day,
            monthly_week=self.monthly_week,
            monthly_week_day=self.monthly_week_day,
            end_times=self.count,
        )
        if self.until is None:
            return recurrence
        meetings = count_occurrences(recurrence, start.date(), self.until)
        if meetings == 0:
            raise ValueError(
                _("recurrence {rule}: ends on {until}, before its first meeting on {first}").format(
                    rule=_quote(self.text),
                    until=self.until.isoformat(),
                    first=start.date().isoformat(),
                )
            )
        if meetings > MAX_OCCURRENCES:
            raise ValueError(
                _(
                    "recurrence {rule}: would make {count} meetings; Zoom allows at most {most}"
                ).format(rule=_quote(self.text), count=meetings, most=MAX_OCCURRENCES)
            )
        # 23:59 of the last day, wall time in the meeting's zone (a later meeting that day is
        # not expected; Zoom wants the end as an instant in UTC).
        end = datetime.combine(self.until, time(23, 59), tzinfo=start.tzinfo)
        return replace(recurrence, end_date_time=end.astimezone(UTC))


def parse_recurrence(text: str, start: datetime) -> Recurrence:
    """Zoom's recurrence object for ``text`` when the first meeting is ``start`` (aware).

    Raises ``ValueError`` with the reason, written for the person who filled in the sheet.
    """
    return parse_rule(text).resolve(start)


def _cut_clause(patterns: Sequence[re.Pattern[str]], rest: str) -> tuple[re.Match[str] | None, str]:
    """The first of ``patterns`` found in ``rest``, and ``rest`` without it and what follows."""
    for pattern in patterns:
        match = pattern.search(rest)
        if match:
            return match, rest[: match.start()].strip()
    return None, rest


def parse_rule(text: str) -> RecurrenceRule:
    """Check a rule's wording; raise ``ValueError`` with the user-facing reason if it is wrong."""
    original = str(text)
    rest = " ".join(unicodedata.normalize("NFKC", original).split())

    def fail(reason: str) -> ValueError:
        return ValueError(
            _("recurrence {rule}: {reason}").format(rule=_quote(original), reason=reason)
        )

    if not rest:
        raise fail(_("is empty"))

    count: int | None = None
    until: date | None = None
    match, rest = _cut_clause(_COUNT_PATTERNS, rest)
    if match:
        count = int(match.group(1))
    match, rest = _cut_clause(_UNTIL_PATTERNS, rest)
    if match:
        until = _until_date(match, fail)
    if count is None:
        # "until ... x6" as well as "x6 until ...": look for a count once more.
        match, rest = _cut_clause(_COUNT_PATTERNS, rest)
        if match:
            count = int(match.group(1))
    if count is not None and until is not None:
        raise fail(_("give either how many times (x6) or until when, not both"))
    if count is None and until is None:
        raise fail(_("say how many times (x6) or until when (until 2027-03-31)"))
    if count == 0:
        raise fail(
            _("x0 makes no meetings; give a count from 1 to {most}").format(most=MAX_OCCURRENCES)
        )
    if count is not None and count > MAX_OCCURRENCES:
        raise fail(
            _("would make {count} meetings; Zoom allows at most {most}").format(
                count=count, most=MAX_OCCURRENCES
            )
        )

    kind, interval, rest = _frequency(rest, fail)
    if not 1 <= interval <= MAX_INTERVAL[kind]:
        raise fail(
            _(
                "every {interval} {unit} is not possible; Zoom allows 1 to {most} {unit} "
                "between meetings"
            ).format(interval=interval, unit=_(_UNIT_NAMES[kind]), most=MAX_INTERVAL[kind])
        )

    rule = RecurrenceRule(text=original, type=kind, interval=interval, count=count, until=until)
    if kind == DAILY:
        if rest:
            raise fail(
                _("{words} is not understood after a daily rule; {examples}").format(
                    words=_quote(rest), examples=_examples()
                )
            )
        return rule
    if kind == WEEKLY:
        days = _weekly_days(rest, fail)
        return RecurrenceRule(
            text=original, type=kind, interval=interval, weekly_days=days, count=count, until=until
        )
    return _monthly(rule, rest, fail)


def zoom_weekday(day: date) -> int:
    """Zoom's number for the weekday of ``day``: 1 = Sunday ... 7 = Saturday."""
    return (day.weekday() + 1) % 7 + 1


def count_occurrences(recurrence: Recurrence, first: date, until: date) -> int:
    """How many meetings a series starting on ``first`` holds on or before ``until``.

    Follows Zoom's calendar: weeks run Sunday to Saturday (Zoom's day 1 is Sunday) and only days
    on or after the first meeting count. A monthly day the month lacks (31 in April) is counted on
    the month's last day: an assumption (Zoom does not document it) that can only over-count, so
    the 60-meeting check errs on the safe side.
    """
    return sum(1 for _ in _occurrence_dates(recurrence, first, until))


def _occurrence_dates(recurrence: Recurrence, first: date, until: date) -> Iterator[date]:
    interval = recurrence.repeat_interval
    if until < first:
        return
    if recurrence.type == DAILY:
        day = first
        while day <= until:
            yield day
            day += timedelta(days=interval)
        return
    if recurrence.type == WEEKLY:
        days = sorted(int(part) for part in (recurrence.weekly_days or "").split(","))
        sunday = first - timedelta(days=zoom_weekday(first) - 1)
        while sunday <= until:
            for number in days:
                day = sunday + timedelta(days=number - 1)
                if first <= day <= until:
                    yield day
            sunday += timedelta(weeks=interval)
        return
    year, month = first.year, first.month
    while date(year, month, 1) <= until:
        day = _monthly_date(recurrence, year, month)
        if first <= day <= until:
            yield day
        month += interval
        year, month = year + (month - 1) // 12, (month - 1) % 12 + 1


def _monthly_date(recurrence: Recurrence, year: int, month: int) -> date:
    last = calendar.monthrange(year, month)[1]
    if recurrence.monthly_week is None:
        return date(year, month, min(recurrence.monthly_day or 1, last))
    weekday = recurrence.monthly_week_day or 1
    if recurrence.monthly_week == -1:
        day = date(year, month, last)
        return day - timedelta(days=(zoom_weekday(day) - weekday) % 7)
    day = date(year, month, 1)
    day += timedelta(days=(weekday - zoom_weekday(day)) % 7)
    return day + timedelta(weeks=recurrence.monthly_week - 1)


def _frequency(rest: str, fail: _Fail) -> tuple[int, int, str]:
    """(type, interval, what is left) from the start of the rule."""
    match = _EVERY_N.match(rest)
    if match:
        amount, unit = match.groups()
        interval = 2 if amount.casefold() == "other" else int(amount)
        kind = {"d": DAILY, "w": WEEKLY, "m": MONTHLY}[unit[0].casefold()]
        return kind, interval, rest[match.end() :].strip()
    match = _JAPANESE_EVERY_N.match(rest)
    if match:
        amount, unit = match.groups()
        kind = DAILY if unit == "日" else WEEKLY if unit.startswith("週") else MONTHLY
        return kind, int(amount), rest[match.end() :].strip()
    for pattern, kind, interval in _SIMPLE_FREQUENCIES:
        match = pattern.match(rest)
        if match:
            return kind, interval, rest[match.end() :].strip()
    raise fail(_("does not say daily, weekly or monthly; {examples}").format(examples=_examples()))


def _strip_on(rest: str) -> str:
    return re.sub(r"^(?:on|every)\s+(?:the\s+)?", "", rest, flags=re.I).strip()


def _weekly_days(rest: str, fail: _Fail) -> tuple[int, ...]:
    rest = _strip_on(rest)
    if not rest:
        return ()
    days: list[int] = []
    for token in re.split(r"\s*(?:[,/、・&+と]|\band\b|\s)\s*", rest, flags=re.I):
        if not token:
            continue
        number = _day_number(token)
        if number is not None:
            days.append(number)
        elif all(char in _JAPANESE_DAYS for char in token):  # "月水金"
            days.extend(_JAPANESE_DAYS.index(char) + 1 for char in token)
        else:
            raise fail(_("{word} is not a day of the week").format(word=_quote(token)))
    return tuple(sorted(set(days)))


def _day_number(token: str) -> int | None:
    word = token.strip().casefold().rstrip(".")
    word = re.sub(r"(曜日|曜)$", "", word)
    if word in _DAY_NUMBERS:
        return _DAY_NUMBERS[word]
    if word.endswith("s") and word[:-1] in _DAY_NUMBERS:  # "Mondays"
        return _DAY_NUMBERS[word[:-1]]
    return None


_MONTHLY_DAY = re.compile(r"^(?:day\s+)?(\d{1,2})(?:st|nd|rd|th|日)?$", re.I)


def _monthly(rule: RecurrenceRule, rest: str, fail: _Fail) -> RecurrenceRule:
    rest = _strip_on(rest)
    if not rest:
        return rule
    match = _MONTHLY_DAY.match(rest)
    if match:
        day = int(match.group(1))
        if not 1 <= day <= 31:
            raise fail(_("day {day} is not a day of the month (1 to 31)").format(day=day))
        return RecurrenceRule(
            text=rule.text, type=MONTHLY, interval=rule.interval, monthly_day=day,
            count=rule.count, until=rule.until,
        )  # fmt: skip
    week, weekday = _nth_weekday(rest, fail)
    return RecurrenceRule(
        text=rule.text, type=MONTHLY, interval=rule.interval, monthly_week=week,
        monthly_week_day=weekday, count=rule.count, until=rule.until,
    )  # fmt: skip


def _nth_weekday(rest: str, fail: _Fail) -> tuple[int, int]:
    """(monthly_week, monthly_week_day) from "2nd Tue", "last Friday", "第2火曜", "最終金曜"."""
    japanese = re.match(r"^(第\s*\d|最終|最後の?)\s*(\S+)$", rest)
    if japanese:
        ordinal, day_word = japanese.groups()
        ordinal = ordinal.replace(" ", "")
        if ordinal.startswith("第"):
            ordinal = {"第1": "1st", "第2": "2nd", "第3": "3rd", "第4": "4th"}.get(ordinal, ordinal)
    else:
        parts = rest.split()
        if len(parts) != 2:
            raise fail(
                _(
                    "{words} is not a day of the month (day 15) or a weekday of it "
                    "(2nd Tue, last Fri); {examples}"
                ).format(words=_quote(rest), examples=_examples())
            )
        ordinal, day_word = parts
    key = ordinal.casefold()
    if key in _TOO_LATE_ORDINALS:
        raise fail(
            _(
                "Zoom repeats monthly only on the 1st to 4th or the last weekday, not the {which}"
            ).format(which=_quote(ordinal))
        )
    if key not in _ORDINALS:
        raise fail(_("{which} is not 1st, 2nd, 3rd, 4th or last").format(which=_quote(ordinal)))
    weekday = _day_number(day_word)
    if weekday is None:
        raise fail(_("{word} is not a day of the week").format(word=_quote(day_word)))
    return _ORDINALS[key], weekday


def _until_date(match: re.Match[str], fail: _Fail) -> date:
    year, month, day = (int(part) for part in match.groups()[:3])
    try:
        return date(year, month, day)
    except ValueError:
        raise fail(_("{date} is not a date").format(date=f"{year}-{month:02d}-{day:02d}")) from None


def _quote(value: str, limit: int = 60) -> str:
    text = str(value)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return _('"{text}"').format(text=text)


def occurrence_dates(recurrence: Recurrence, first: date, until: date) -> Iterator[date]:
    """The days of a series starting on ``first``, on or before ``until`` (Zoom's calendar)."""
    return _occurrence_dates(recurrence, first, until)


#: How far ahead a series without an end date is followed (Zoom's series hold at most 60).
SERIES_HORIZON = timedelta(days=3 * 366)


def series_starts(start: datetime, timezone: str, recurrence: Recurrence) -> list[datetime]:
    """The start of every meeting of a series whose first meeting is ``start`` (aware): the
    same wall time in ``timezone`` on each day of the rule (across daylight saving time), at
    most ``end_times`` of them, none after ``end_date_time``'s day.

    Zoom shows a series at whichever occurrence comes next (deleted ones skipped): a meeting
    it lists is the row's series only if it starts at one of these.
    """
    zone = ZoneInfo(timezone)
    local = start.astimezone(zone)
    until = (
        recurrence.end_date_time.astimezone(zone).date()
        if recurrence.end_date_time
        else (local + SERIES_HORIZON).date()
    )
    days = list(_occurrence_dates(recurrence, local.date(), until))
    if recurrence.end_times:
        days = days[: recurrence.end_times]
    wall = local.time()
    return [datetime.combine(day, wall, tzinfo=zone) for day in days]


def shows_row(plan: MeetingRequest, meeting: Mapping[str, Any], host: str) -> bool:
    """Whether Zoom's ``meeting`` (a listing item or a GET's answer) is the row's by what it
    shows: the row's identity (host, topic, start, duration); for a recurring row, a series
    shown at any of the row's occurrences with the row's topic, duration and time of day.

    Zoom shows a series at its next occurrence (its first, once over or deleted in Zoom's
    portal, is not shown), so a series whose start is not the row's is still the row's when
    that start is one of the occurrences the row's rule makes. Whether it is the same series
    (the same rule) is for a GET to confirm (``confirms_series``).
    """
    start = parse_moment(str(meeting.get("start_time") or ""))
    try:
        duration = int(meeting.get("duration") or 0)
    except (TypeError, ValueError):
        return False
    if start is None:
        return False
    topic = str(meeting.get("topic") or "")
    if meeting_identity(host, topic, start, duration, plan.kind) == plan.identity:
        return True
    if plan.recurrence is None or meeting.get("type") not in (None, plan.kind.recurring_type):
        return False
    if meeting_identity(host, topic, plan.start, duration, plan.kind) != plan.identity:
        return False
    return start in series_starts(plan.start, plan.timezone, plan.recurrence)


def confirms_series(plan: MeetingRequest, meeting: Mapping[str, Any]) -> bool:
    """A GET's answer is the recurring row's series: every occurrence it holds is one of the
    row's (deleted or past ones may be missing, none may be foreign)."""
    if plan.recurrence is None:
        return True
    starts = series_starts(plan.start, plan.timezone, plan.recurrence)
    occurrences = meeting.get("occurrences")
    if not isinstance(occurrences, list):
        return True  # not shown: the rule and the start said enough
    for occurrence in occurrences:
        if not isinstance(occurrence, dict) or occurrence.get("status") == "deleted":
            continue
        moment = parse_moment(str(occurrence.get("start_time") or ""))
        if moment is None or moment not in starts:
            return False
    return True
