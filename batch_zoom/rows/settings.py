"""The settings institutions use: breakout rooms, a template, tracking fields, sign-in only,
a reminder. Pure: cells -> what Zoom's create body says, or ValueError naming ``{field}``.

Each parser takes the cell as read and returns None for an empty cell (Zoom's default applies:
since 2025 Zoom fills an omitted setting from the host's or the account's settings), in the
manner of ``validate``'s parsers, which call these. What needs the account's answer (a template's
name, the account's tracking fields, the host's authentication options) is settled by
``run.lookups``, with the rules kept here (``resolve_template``, ``check_tracking``,
``authentication_option``).

Zoom's limits for pre-assigned breakout rooms: "You can pre-assign up to 100 rooms and up to 1000
participants" (Zoom support, "Pre-assigning meeting participants to breakout rooms",
support.zoom.com KB0061353). Some university guides quote 200 people from older versions; the
current article is the one followed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ..cells import cell_text, is_empty, quote
from ..fields import field_label
from ..i18n import _
from ..models import ROOMS_SHEET_CELL, TRACKING_PREFIX, BreakoutRoom, RoomEntry, tracking_name

__all__ = ["ROOMS_SHEET_CELL", "TRACKING_PREFIX", "tracking_name"]

#: Zoom's limits for pre-assigned breakout rooms (module docstring).
MAX_ROOMS = 100
MAX_ROOM_PEOPLE = 1000
#: A room name longer than this is surely a mistake; Zoom's schema sets no limit (a guess).
MAX_ROOM_NAME = 100

_EMAIL = re.compile(
    r"^[^@\s;,<>()\[\]\"':]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$"
)
_DOMAIN = re.compile(
    r"^(?:\*\.)?[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$"
)
_SIGNED_IN = frozenset(
    {"signed-in", "signedin", "signed in", "sign-in", "sign in", "signin", "サインイン",
     "サインイン済み", "サインインユーザー"}
)  # fmt: skip
#: The words of a reminder's unit, in minutes.
_UNITS = {
    "": 1, "m": 1, "min": 1, "mins": 1, "minute": 1, "minutes": 1, "分": 1, "分前": 1,
    "h": 60, "hr": 60, "hrs": 60, "hour": 60, "hours": 60, "時間": 60, "時間前": 60,
    "d": 1440, "day": 1440, "days": 1440, "日": 1440, "日前": 1440,
}  # fmt: skip
#: A reminder further ahead than a week is surely a mistake.
MAX_REMINDER = 7 * 1440


# --- breakout rooms ----------------------------------------------------------------------------


def parse_breakout_rooms(value: Any) -> tuple[BreakoutRoom, ...] | None:
    """``Room A: a@x.org, b@x.org; Room B: c@x.org`` -> the rooms, in the order written."""
    if is_empty(value):
        return None
    if isinstance(value, tuple):  # rooms read from the Breakout rooms sheet (rooms_from_entries)
        return value or None
    text = unicodedata.normalize("NFKC", cell_text(value)).replace("\r", "\n")
    rooms: dict[str, list[str]] = {}
    names: dict[str, str] = {}
    bad: list[str] = []
    for part in re.split(r"[;\n；]+", text):
        if not part.strip():
            continue
        name, colon, people = part.partition(":")
        if not colon:
            raise ValueError(
                _(
                    "{field} {value} has no room name: write Room A: a@x.org, b@x.org; "
                    "Room B: c@x.org"
                ).format(field="{field}", value=quote(part.strip()))
            )
        name = " ".join(name.split())
        if not name:
            raise ValueError(
                _("{field} {value} has no room name").format(field="{field}", value=quote(part))
            )
        key = name.casefold()
        names.setdefault(key, name)
        members = rooms.setdefault(key, [])
        for entry in re.split(r"[,、，\s]+", people):
            if not entry:
                continue
            if not _EMAIL.match(entry):
                bad.append(entry)
            elif entry.casefold() not in {person.casefold() for person in members}:
                members.append(entry)
    if bad:
        raise ValueError(_not_emails(bad))
    return check_rooms(BreakoutRoom(names[key], tuple(people)) for key, people in rooms.items())


def rooms_from_entries(entries: Sequence[RoomEntry]) -> tuple[BreakoutRoom, ...]:
    """The rooms of one meeting from its rows of the Breakout rooms sheet; a row whose address
    is not an email, or that names no room, is the meeting row's error naming that sheet row."""
    rooms: dict[str, list[str]] = {}
    names: dict[str, str] = {}
    problems: list[str] = []
    for entry in entries:
        name = " ".join(cell_text(entry.room).split()) if not is_empty(entry.room) else ""
        email = cell_text(entry.email).strip() if not is_empty(entry.email) else ""
        if not name:
            problems.append(
                _("Breakout rooms sheet row {row}: the room name is empty").format(
                    row=entry.sheet_row
                )
            )
            continue
        if not _EMAIL.match(unicodedata.normalize("NFKC", email)):
            problems.append(
                _("Breakout rooms sheet row {row}: {value} is not an email address").format(
                    row=entry.sheet_row, value=quote(entry.email)
                )
            )
            continue
        key = name.casefold()
        names.setdefault(key, name)
        members = rooms.setdefault(key, [])
        email = unicodedata.normalize("NFKC", email)
        if email.casefold() not in {person.casefold() for person in members}:
            members.append(email)
    if problems:
        raise ValueError(
            _("{field}: {problems}").format(field="{field}", problems=_("; ").join(problems))
        )
    return check_rooms(BreakoutRoom(names[key], tuple(people)) for key, people in rooms.items())


def check_rooms(rooms: Iterable[BreakoutRoom]) -> tuple[BreakoutRoom, ...]:
    """The rooms, if within Zoom's limits (rooms per meeting, people per meeting)."""
    listed = tuple(rooms)
    if len(listed) > MAX_ROOMS:
        raise ValueError(
            _("{field} has {count} rooms; Zoom pre-assigns at most {limit} per meeting").format(
                field="{field}", count=len(listed), limit=MAX_ROOMS
            )
        )
    people = sum(len(room.participants) for room in listed)
    if people > MAX_ROOM_PEOPLE:
        raise ValueError(
            _(
                "{field} assigns {count} people; Zoom pre-assigns at most {limit} per meeting"
            ).format(field="{field}", count=people, limit=MAX_ROOM_PEOPLE)
        )
    for room in listed:
        if len(room.name) > MAX_ROOM_NAME:
            raise ValueError(
                _("{field} room name {value} is longer than {limit} characters").format(
                    field="{field}", value=quote(room.name), limit=MAX_ROOM_NAME
                )
            )
    return listed


def breakout_setting(rooms: Sequence[BreakoutRoom]) -> dict[str, Any]:
    """Zoom's ``settings.breakout_room`` for the rooms."""
    return {
        "enable": True,
        "rooms": [{"name": room.name, "participants": list(room.participants)} for room in rooms],
    }


def same_rooms(wanted: Any, actual: Any) -> bool:
    """Whether Zoom's ``breakout_room`` holds the rooms wanted (names and people, any case)."""
    return _room_key(wanted) == _room_key(actual)


def _room_key(setting: Any) -> tuple[bool, frozenset[tuple[str, frozenset[str]]]]:
    if not isinstance(setting, Mapping):
        return False, frozenset()
    rooms = setting.get("rooms") or []
    return bool(setting.get("enable")), frozenset(
        (
            " ".join(str(room.get("name") or "").split()).casefold(),
            frozenset(str(person).strip().casefold() for person in room.get("participants") or []),
        )
        for room in rooms
        if isinstance(room, Mapping)
    )


# --- sign-in only ------------------------------------------------------------------------------


def parse_authentication(value: Any) -> dict[str, Any] | None:
    """``signed-in`` -> only signed-in Zoom users; ``a.ac.jp, b.ac.jp`` -> only those domains.

    The settings it gives lack ``authentication_option``: that id comes from the host's own
    settings (``authentication_option``, applied by ``run.lookups``).
    """
    if is_empty(value):
        return None
    text = unicodedata.normalize("NFKC", cell_text(value)).strip()
    if text.casefold() in _SIGNED_IN:
        return {"meeting_authentication": True}
    domains: list[str] = []
    bad: list[str] = []
    for entry in re.split(r"[;,、，\s]+", text):
        if not entry:
            continue
        entry = entry.removeprefix("@")
        if _DOMAIN.match(entry):
            if entry.casefold() not in domains:
                domains.append(entry.casefold())
        else:
            bad.append(entry)
    if bad or not domains:
        raise ValueError(
            _(
                '{field} {value} is not "signed-in" nor a list of domains such as '
                "u-tokyo.ac.jp, ms.u-tokyo.ac.jp"
            ).format(field="{field}", value=quote(value))
        )
    return {"meeting_authentication": True, "authentication_domains": ",".join(domains)}


#: The type of the host's authentication option that each wish takes (``GET
#: /users/{userId}/settings?option=meeting_authentication``, ``authentication_options[].type``).
SIGNED_IN_TYPE = "enforce_login"
DOMAINS_TYPE = "enforce_login_with_domains"


def authentication_option(
    wanted: Mapping[str, Any], options: Sequence[Mapping[str, Any]]
) -> str | None:
    """The id of the host's option for ``wanted`` (signed-in, or domains); None if it has none."""
    kind = DOMAINS_TYPE if wanted.get("authentication_domains") else SIGNED_IN_TYPE
    for option in options:
        if option.get("type") == kind and option.get("id"):
            return str(option["id"])
    return None


def same_domains(wanted: Any, actual: Any) -> bool:
    return _domains(wanted) == _domains(actual)


def _domains(value: Any) -> frozenset[str]:
    return frozenset(
        part.strip().casefold() for part in re.split(r"[,;\s]+", str(value or "")) if part.strip()
    )


# --- template ----------------------------------------------------------------------------------


def parse_template(value: Any) -> str | None:
    if is_empty(value):
        return None
    return " ".join(cell_text(value).split())


def resolve_template(written: str, templates: Sequence[Mapping[str, Any]]) -> str:
    """The id of the template ``written`` names (its id, or its name in any case)."""
    written = " ".join(written.split())
    for template in templates:
        if str(template.get("id") or "") == written:
            return written
    matches = [
        str(template["id"])
        for template in templates
        if template.get("id")
        and " ".join(str(template.get("name") or "").split()).casefold() == written.casefold()
    ]
    if len(matches) == 1:
        return matches[0]
    names = _(", ").join(
        quote(str(template.get("name") or template.get("id"))) for template in templates
    )
    if matches:
        raise ValueError(
            _("{field} {value} names {count} templates; write its id instead").format(
                field="{field}", value=quote(written), count=len(matches)
            )
        )
    if not templates:
        raise ValueError(
            _("{field} {value}: the host has no meeting templates").format(
                field="{field}", value=quote(written)
            )
        )
    raise ValueError(
        _("{field} {value} is not a template of the host; the templates are {names}").format(
            field="{field}", value=quote(written), names=names
        )
    )


# --- tracking fields ---------------------------------------------------------------------------


def parse_tracking(value: Any) -> str | None:
    if is_empty(value):
        return None
    return " ".join(cell_text(value).split())


def check_tracking(
    given: Mapping[str, str | None], fields: Sequence[Mapping[str, Any]]
) -> tuple[tuple[tuple[str, str], ...], list[str]]:
    """The row's tracking values checked against the account's fields.

    ``given``: field name as the sheet wrote it -> value (None: the cell is empty). Returns the
    values to send (under the account's own spelling of each name) and the problems, each naming
    the field and the allowed values. A field is required, or its values restricted, only if the
    sheet has a column for it: an account's required field that no column names is Zoom's to
    enforce (a sheet may not use tracking at all).
    """
    by_name = {" ".join(str(item.get("field") or "").split()).casefold(): item for item in fields}
    chosen: list[tuple[str, str]] = []
    problems: list[str] = []
    for written, value in given.items():
        item = by_name.get(written.casefold())
        label = _("tracking field {name}").format(name=quote(written))
        if item is None:
            known = _(", ").join(quote(str(field.get("field"))) for field in fields)
            problems.append(
                _("{field} is not a tracking field of the account; its fields are {names}").format(
                    field=label, names=known
                )
            )
            continue
        allowed = [str(v) for v in item.get("recommended_values") or []]
        shown = _(", ").join(quote(v) for v in allowed)
        if value is None:
            if item.get("required"):
                problems.append(
                    _("{field} is required and empty").format(field=label)
                    + (_(" (allowed: {values})").format(values=shown) if allowed else "")
                )
            continue
        if allowed:
            match = [v for v in allowed if v.casefold() == value.casefold()]
            if not match:
                problems.append(
                    _("{field} {value} is not one of the allowed values: {values}").format(
                        field=label, value=quote(value), values=shown
                    )
                )
                continue
            value = match[0]
        chosen.append((str(item["field"]), value))
    return tuple(chosen), problems


def same_tracking(wanted: Any, actual: Any) -> bool:
    """Whether Zoom's ``tracking_fields`` hold the values wanted (other fields are kept)."""
    have = {
        str(item.get("field") or "").casefold(): str(item.get("value") or "")
        for item in actual or []
        if isinstance(item, Mapping)
    }
    return all(
        have.get(str(item["field"]).casefold()) == str(item.get("value") or "") for item in wanted
    )


# --- reminder ----------------------------------------------------------------------------------


def parse_reminder(value: Any) -> int | None:
    """``15``, ``15m``, ``15 min``, ``1h``, ``1 day``, ``15分前`` -> minutes before the event."""
    if is_empty(value):
        return None
    if isinstance(value, bool):
        raise ValueError(_reminder_problem(value))
    if isinstance(value, int | float) and not isinstance(value, bool):
        minutes = float(value)
    else:
        text = unicodedata.normalize("NFKC", cell_text(value)).strip().casefold()
        match = re.fullmatch(r"(\d+(?:\.\d+)?)\s*([^\d\s]*)(?:\s*before)?", text)
        if match is None or match.group(2) not in _UNITS:
            raise ValueError(_reminder_problem(value))
        minutes = float(match.group(1)) * _UNITS[match.group(2)]
    if not minutes.is_integer() or not 0 <= minutes <= MAX_REMINDER:
        raise ValueError(_reminder_problem(value))
    return int(minutes)


def _reminder_problem(value: Any) -> str:
    return _(
        "{field} {value} is not a number of minutes before the meeting, such as 15m, 1h or 1d "
        "(at most 7 days)"
    ).format(field="{field}", value=quote(value))


def _not_emails(bad: Sequence[str]) -> str:
    listed = _(", ").join(quote(entry) for entry in bad)
    message = (
        _("{field} {entries} is not an email address")
        if len(bad) == 1
        else _("{field} {entries} are not email addresses")
    )
    return message.format(field="{field}", entries=listed)


def settings_summary(
    settings: Mapping[str, Any],
    template: str | None,
    tracking: Sequence[tuple[str, str]],
    reminder: int | None,
) -> str:
    """What a dry run says it will send of these settings: ``breakout_rooms 2 rooms, 5 people;
    template "Lecture"; tracking Course = "ABC"; authentication signed-in; reminder 15 min``."""
    parts: list[str] = []
    rooms = settings.get("breakout_room")
    if isinstance(rooms, Mapping) and rooms.get("rooms"):
        listed = rooms["rooms"]
        parts.append(
            _("{field} {rooms} rooms, {people} people").format(
                field=field_label("breakout_rooms"),
                rooms=len(listed),
                people=sum(len(room.get("participants") or []) for room in listed),
            )
        )
    if template:
        parts.append(f"{field_label('template')} {quote(template)}")
    for name, value in tracking:
        if value:
            parts.append(
                _("tracking field {name} = {value}").format(name=quote(name), value=quote(value))
            )
    if settings.get("meeting_authentication"):
        domains = settings.get("authentication_domains")
        parts.append(
            _("{field} only {domains}").format(field=field_label("authentication"), domains=domains)
            if domains
            else _("{field} signed-in users only").format(field=field_label("authentication"))
        )
    if reminder is not None:
        parts.append(
            _("{field} {minutes} minutes before").format(
                field=field_label("reminder"), minutes=reminder
            )
        )
    return _("; ").join(parts)
