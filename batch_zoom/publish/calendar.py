"""The participants' calendar file: one event per meeting, ``<output stem>.ics`` beside the output.

Built with the ``icalendar`` library (RFC 5545), so any calendar program imports it. Each event's
``UID`` comes from the Zoom meeting id, so importing the file of a later run updates the events
instead of adding copies: an event whose meeting changed keeps its ``UID`` with a higher
``SEQUENCE``, and a cancelled meeting stays in the file with ``STATUS:CANCELLED`` so that a
calendar which imported it before removes it. The earlier file is the memory of what was
published: its sequences and stamps are carried over, and events of rows this run did not reach
are kept as they were.

Nothing here knows ``start_url``: the entries carry only what participants may see.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from ..errors import OutputError
from ..files import reason_of, write_atomically, write_failure
from ..i18n import _
from ..models import Recurrence
from .alarm import add_reminder, reminders_of

PRODUCT_ID = "-//batch_zoom//Zoom meetings//EN"
UID_DOMAIN = "batch-zoom"

#: Zoom's weekday numbers (1 = Sunday) as iCalendar's two-letter days.
WEEKDAYS = {1: "SU", 2: "MO", 3: "TU", 4: "WE", 5: "TH", 6: "FR", 7: "SA"}

#: What decides whether an event changed since the earlier file (a change raises SEQUENCE).
COMPARED = ("SUMMARY", "DTSTART", "DTEND", "RRULE", "LOCATION", "URL", "DESCRIPTION", "STATUS")


@dataclass(frozen=True)
class CalendarEntry:
    """One meeting as participants see it."""

    meeting_id: str
    topic: str
    start: datetime  # aware: the first occurrence
    duration: int  # minutes
    timezone: str  # IANA name the meeting is held in
    join_url: str
    passcode: str = ""
    recurrence: Recurrence | None = None
    reminder: int | None = None  # minutes before each occurrence: a VALARM (alarm.py)


def uid_of(meeting_id: str) -> str:
    return f"zoom-{meeting_id}@{UID_DOMAIN}"


def calendar_bytes(
    entries: Sequence[CalendarEntry],
    *,
    cancelled: Iterable[str] = (),
    previous: bytes | None = None,
    now: datetime,
) -> bytes:
    """The ``.ics`` for ``entries`` and the ``cancelled`` meeting ids, continuing ``previous``.

    Raises ``ValueError`` when ``previous`` is not a calendar (the caller starts afresh).
    """
    earlier = _events_of(previous) if previous else {}
    events: dict[str, Event] = dict(earlier)
    stamp = now.astimezone(UTC).replace(microsecond=0)
    for entry in entries:
        event = _event(entry, stamp)
        events[str(event["UID"])] = _continued(event, earlier.get(str(event["UID"])))
    for meeting_id in cancelled:
        uid = uid_of(meeting_id)
        if uid in earlier:  # only a calendar that imported the event needs to hear of it
            event = copy.deepcopy(earlier[uid])
            for name, value in (("STATUS", "CANCELLED"), ("DTSTAMP", stamp)):
                event.pop(name, None)
                event.add(name, value)
            events[uid] = _continued(event, earlier[uid])
    calendar = Calendar()
    calendar.add("PRODID", PRODUCT_ID)
    calendar.add("VERSION", "2.0")
    calendar.add("CALSCALE", "GREGORIAN")
    calendar.add("METHOD", "PUBLISH")
    for uid in sorted(events):
        calendar.add_component(events[uid])
    calendar.add_missing_timezones()
    # icalendar adds the VTIMEZONE blocks in the order of a set of names, which changes from one
    # process to the next (string hashing is seeded per process): put them in TZID order, first,
    # so that a re-run with nothing changed writes the same bytes.
    zones = sorted(
        (part for part in calendar.subcomponents if part.name == "VTIMEZONE"),
        key=lambda part: str(part.get("TZID", "")),
    )
    others = [part for part in calendar.subcomponents if part.name != "VTIMEZONE"]
    calendar.subcomponents[:] = [*zones, *others]
    return bytes(calendar.to_ical())


def _event(entry: CalendarEntry, stamp: datetime) -> Event:
    zone = ZoneInfo(entry.timezone)
    start = entry.start.astimezone(zone)
    event = Event()
    event.add("UID", uid_of(entry.meeting_id))
    event.add("DTSTAMP", stamp)
    event.add("SEQUENCE", 0)
    event.add("SUMMARY", entry.topic)
    event.add("DTSTART", start)
    event.add("DTEND", start + timedelta(minutes=entry.duration))
    if entry.recurrence is not None:
        event.add("RRULE", recurrence_rule(entry.recurrence))
    event.add("LOCATION", entry.join_url)
    event.add("URL", entry.join_url)
    event.add("DESCRIPTION", _description(entry))
    event.add("STATUS", "CONFIRMED")
    add_reminder(event, entry.reminder, entry.topic)
    return event


def _description(entry: CalendarEntry) -> str:
    lines = [
        _("Join the Zoom meeting: {join_url}").format(join_url=entry.join_url),
        _("Meeting ID: {meeting_id}").format(meeting_id=_spaced(entry.meeting_id)),
    ]
    if entry.passcode:
        lines.append(_("Passcode: {passcode}").format(passcode=entry.passcode))
    return "\n".join(lines)


def _spaced(meeting_id: str) -> str:
    """Zoom shows meeting ids in groups: 851 2345 6789."""
    digits = meeting_id.strip()
    if not digits.isdigit() or len(digits) < 10:
        return digits
    return f"{digits[:3]} {digits[3:-4]} {digits[-4:]}"


def recurrence_rule(recurrence: Recurrence) -> dict[str, object]:
    """Zoom's recurrence object as an iCalendar RRULE."""
    rule: dict[str, object] = {
        "FREQ": {1: "DAILY", 2: "WEEKLY", 3: "MONTHLY"}[recurrence.type],
        "INTERVAL": recurrence.repeat_interval,
    }
    if recurrence.type == 2 and recurrence.weekly_days:
        days = [int(day) for day in recurrence.weekly_days.split(",") if day.strip()]
        rule["BYDAY"] = [WEEKDAYS[day] for day in days]
    if recurrence.type == 3 and recurrence.monthly_day is not None:
        rule["BYMONTHDAY"] = recurrence.monthly_day
    if recurrence.type == 3 and recurrence.monthly_week is not None:
        weekday = WEEKDAYS[recurrence.monthly_week_day or 1]
        rule["BYDAY"] = f"{recurrence.monthly_week}{weekday}"
    if recurrence.end_times is not None:
        rule["COUNT"] = recurrence.end_times
    elif recurrence.end_date_time is not None:
        rule["UNTIL"] = recurrence.end_date_time.astimezone(UTC)
    return rule


def _events_of(data: bytes) -> dict[str, Event]:
    calendar = Calendar.from_ical(data)
    return {
        str(event["UID"]): event
        for event in calendar.walk("VEVENT")
        if isinstance(event, Event) and "UID" in event
    }


def _continued(event: Event, earlier: Event | None) -> Event:
    """``event`` numbered after ``earlier``: the same stamp and sequence when nothing changed."""
    if earlier is None:
        return event
    sequence = int(earlier.get("SEQUENCE", 0))
    if _fingerprint(event) == _fingerprint(earlier):
        event["SEQUENCE"] = sequence
        if "DTSTAMP" in earlier:
            event.pop("DTSTAMP", None)
            event["DTSTAMP"] = earlier["DTSTAMP"]
    else:
        event["SEQUENCE"] = sequence + 1
    return event


def _fingerprint(event: Event) -> tuple[bytes, ...]:
    parts = []
    for name in COMPARED:
        value = event.get(name)
        if name in ("DTSTART", "DTEND") and value is not None:
            parts.append(value.dt.astimezone(UTC).isoformat().encode())
        else:
            parts.append(b"" if value is None else event.get(name).to_ical())
    parts.append(reminders_of(event))  # a changed reminder is a change of the event
    return tuple(parts)


def write_calendar(
    path: Path,
    entries: Sequence[CalendarEntry],
    *,
    cancelled: Iterable[str] = (),
    now: datetime,
) -> bool:
    """Write (or update) the calendar file at ``path``; False when there is nothing to publish.

    Raises ``OutputError`` when the file cannot be written.
    """
    cancelled = list(cancelled)
    try:
        previous: bytes | None = path.read_bytes()
    except FileNotFoundError:
        previous = None
    except OSError as error:
        raise _unwritable(path, error) from None
    if not entries and previous is None:
        return False
    try:
        data = calendar_bytes(entries, cancelled=cancelled, previous=previous, now=now)
    except ValueError:  # not a calendar any more (edited by hand?): start it afresh
        data = calendar_bytes(entries, cancelled=cancelled, now=now)
    try:
        write_atomically(path, data)
    except OSError as error:
        raise _unwritable(path, error) from None
    return True


def _unwritable(path: Path, error: OSError) -> OutputError:
    return write_failure(
        _("could not write the calendar file {path} ({reason})").format(
            path=path, reason=reason_of(error)
        ),
        error,
        hint=_("close the file if a program has it open, or choose another output folder with -o"),
    )
