"""What an edited row changes on its meeting: pure comparison of a row with Zoom's meeting.

``changes(request, meeting)`` returns the PATCH body with only the fields that differ, so an
unchanged row sends no write at all and an edited one touches nothing else. Start times are
compared as instants, never as strings (NOTES.md), and topic and start the way Zoom keeps them
(``zoom_forms``: the same comparison as the journal, the look-up and the receipt), so nothing is
PATCHed that Zoom already holds. A field the row leaves empty is "keep what
Zoom has", the same rule as on create.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..fields import field_label
from ..i18n import _
from ..models import MeetingRequest, parse_moment
from ..zoom_forms import same_start, same_topic
from .recurrence import confirms_series, series_starts
from .settings import same_domains, same_rooms, same_tracking

#: Settings compared by meaning, not as written (case, order).
SAME_SETTING = {"breakout_room": same_rooms, "authentication_domains": same_domains}
#: Settings whose change is said in a word, under the column that asks for them.
_SETTING_FIELDS = {
    "breakout_room": "breakout_rooms",
    "meeting_authentication": "authentication",
    "authentication_option": "authentication",
    "authentication_domains": "authentication",
}


def changes(request: MeetingRequest, meeting: Mapping[str, Any]) -> dict[str, Any]:
    """The fields of ``request`` that differ from ``meeting`` (a Zoom meeting object)."""
    wanted = request.create_body()
    patch: dict[str, Any] = {}
    if not same_topic(wanted["topic"], str(meeting.get("topic") or "")):
        patch["topic"] = wanted["topic"]
    if int(wanted["duration"]) != _int(meeting.get("duration")):
        patch["duration"] = wanted["duration"]
    same_start = _same_instant(request.start, meeting.get("start_time"))
    if not (same_start or _at_a_later_occurrence(request, meeting)) or wanted[
        "timezone"
    ] != meeting.get("timezone"):
        patch["start_time"] = wanted["start_time"]
        patch["timezone"] = wanted["timezone"]
    if "agenda" in wanted and wanted["agenda"] != (meeting.get("agenda") or ""):
        patch["agenda"] = wanted["agenda"]
    if "password" in wanted and wanted["password"] != meeting.get("password"):
        patch["password"] = wanted["password"]
    settings = _changed_settings(wanted.get("settings") or {}, meeting.get("settings") or {})
    if settings:
        patch["settings"] = settings
    if "tracking_fields" in wanted and not same_tracking(
        wanted["tracking_fields"], meeting.get("tracking_fields")
    ):
        patch["tracking_fields"] = wanted["tracking_fields"]
    if "recurrence" in wanted and not _same_recurrence(
        wanted["recurrence"], meeting.get("recurrence") or {}
    ):
        patch["type"] = request.kind.recurring_type
        patch["recurrence"] = wanted["recurrence"]
    return patch


def _at_a_later_occurrence(request: MeetingRequest, meeting: Mapping[str, Any]) -> bool:
    """Zoom shows a series at its next occurrence (the first is over, or was deleted in Zoom's
    portal): the row's start is unchanged when Zoom's is a later occurrence of the row's rule
    and every occurrence Zoom holds is the row's. Sending the row's start again would move the
    series back to a first meeting that is over (or bring back a deleted one).

    Not told apart (a guess that errs towards sending nothing): a series whose start was moved
    to an earlier day of the same rule that ends on a date rather than after a count.
    """
    if request.recurrence is None:
        return False
    shown = parse_moment(str(meeting.get("start_time") or ""))
    if shown is None or shown <= request.start:
        return False
    starts = series_starts(request.start, request.timezone, request.recurrence)
    return shown in starts and confirms_series(request, meeting)


def describe(patch: Mapping[str, Any], meeting: Mapping[str, Any]) -> str:
    """``start_time 2027-01-12 10:00 -> 2027-01-12 10:30 (Asia/Tokyo), duration 60 -> 90``

    Both start times are read on the clock of the meeting's zone (each in its own, with the
    change of zone named, when the zone changed), as the sheet shows them.
    """
    parts: list[str] = []
    for name, value in patch.items():
        if name == "timezone" and "start_time" in patch and value == meeting.get("timezone"):
            continue
        if name == "start_time":
            parts.append(_moved(meeting, str(value), str(patch.get("timezone") or "")))
        elif name == "settings":
            old_settings = meeting.get("settings") or {}
            parts.extend(
                _("{field} changed").format(field=field_label(_SETTING_FIELDS[key]))
                if key in _SETTING_FIELDS
                else _changed(key, old_settings.get(key), new)
                for key, new in value.items()
            )
        elif name == "password":
            parts.append(_("{field} changed").format(field=field_label("passcode")))
        elif name == "tracking_fields":
            parts.append(_("{field} changed").format(field=_("tracking fields")))
        elif name in ("agenda", "recurrence", "type"):
            # "type" is Zoom's kind of meeting (8: recurring with a fixed time)
            what = _("type") if name == "type" else field_label(name)
            parts.append(_("{field} changed").format(field=what))
        else:
            parts.append(_changed(name, meeting.get(name), value))
    return _(", ").join(parts)


def _changed(name: str, old: Any, new: Any) -> str:
    return f"{field_label(name)} {old!s} -> {new!s}"


def _moved(meeting: Mapping[str, Any], start: str, timezone: str) -> str:
    """The start's change on the meeting's clock: ``2027-01-12 10:00 -> 2027-01-12 10:30``."""
    old_zone, new_zone = _zone(meeting.get("timezone")), _zone(timezone)
    old = parse_moment(str(meeting.get("start_time") or ""))
    try:  # a start without Z is a wall time in ``timezone`` (what is sent with it)
        new = datetime.fromisoformat(start.replace("Z", "+00:00"))
    except ValueError:
        new = None
    if new is not None and new.tzinfo is None and new_zone is not None:
        new = new.replace(tzinfo=new_zone)
    if old is None or new is None or new.tzinfo is None:
        return _changed("start_time", meeting.get("start_time"), start)
    before, after = _on_clock(old, old_zone), _on_clock(new, new_zone)
    text = f"{field_label('start_time')} {before} -> {after}"
    return f"{text} ({timezone})" if old_zone == new_zone and new_zone is not None else text


def _zone(name: Any) -> ZoneInfo | None:
    try:
        return ZoneInfo(str(name)) if name else None
    except (ValueError, ZoneInfoNotFoundError):
        return None


def _on_clock(moment: datetime, zone: ZoneInfo | None) -> str:
    if zone is None:
        return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M")


def _changed_settings(wanted: Mapping[str, Any], actual: Mapping[str, Any]) -> dict[str, Any]:
    changed = {}
    waiting_room = wanted.get("waiting_room", actual.get("waiting_room"))
    for key, value in wanted.items():
        current = actual.get(key)
        if key == "join_before_host" and waiting_room:
            continue  # Zoom turns it off under a waiting room: asking again changes nothing
        if key == "alternative_hosts":
            if _emails(value) != _emails(current):
                changed[key] = value
        elif key in SAME_SETTING:
            if not SAME_SETTING[key](value, current):
                changed[key] = value
        elif value != current:
            changed[key] = value
    return changed


def _same_recurrence(wanted: Mapping[str, Any], actual: Mapping[str, Any]) -> bool:
    for key, value in wanted.items():
        if key == "end_date_time":
            if not _same_instant(parse_moment(str(value)), actual.get(key)):
                return False
        elif str(value) != str(actual.get(key)):
            return False
    return True


def _same_instant(moment: datetime | None, zoom_time: Any) -> bool:
    """The same start as Zoom keeps it (to the minute: ``zoom_forms``)."""
    return same_start(moment, parse_moment(str(zoom_time)) if zoom_time else None)


def _emails(value: Any) -> frozenset[str]:
    text = str(value or "").replace(",", ";")
    return frozenset(part.strip().casefold() for part in text.split(";") if part.strip())


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
