"""The reminder of a calendar event: a VALARM that many minutes before it (RFC 5545, 3.6.6).

A DISPLAY alarm with a DESCRIPTION (RFC 5545 requires one), triggered relative to the start,
so it follows each occurrence of a recurring event. Calendar programs may ignore alarms of an
imported file, or ask first (Outlook and Google Calendar keep their own default reminders for
some imports): the reminder is offered, not guaranteed, and the README says so.
"""

from __future__ import annotations

from datetime import timedelta

from icalendar import Alarm, Event

from ..i18n import _


def add_reminder(event: Event, minutes: int | None, topic: str) -> None:
    """Give ``event`` a reminder ``minutes`` before it starts (None: none)."""
    if minutes is None:
        return
    alarm = Alarm()
    alarm.add("ACTION", "DISPLAY")
    alarm.add("DESCRIPTION", _("Reminder: {topic}").format(topic=topic))
    alarm.add("TRIGGER", timedelta(minutes=-minutes))
    event.add_component(alarm)


def reminders_of(event: Event) -> bytes:
    """The event's alarm triggers, for telling whether its reminder changed."""
    triggers = [
        str(alarm.decoded("TRIGGER")) for alarm in event.walk("VALARM") if "TRIGGER" in alarm
    ]
    return ",".join(triggers).encode()
