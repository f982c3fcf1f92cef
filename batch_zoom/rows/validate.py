"""Raw spreadsheet rows -> meeting requests, cancel requests, or the reasons a row cannot be used.

Pure: no I/O and no clock (``RowDefaults.now`` is passed in). A bad row is data, not an
exception: every problem in it is collected, each naming the field by its canonical English name
and quoting the value as the sheet holds it, so one pass over the sheet says everything to fix.

Cell values arrive as read: ``None``, str, int, float, bool, datetime (a pandas Timestamp is one),
``datetime.time``; CSV gives only str. Start times, zones and durations are read by ``timing``
(its docstring says how daylight saving time and Excel serials are treated). Worth knowing here:

- ``topic`` and ``agenda`` lengths are counted in UTF-16 code units, as Zoom's Java servers count
  them, so an emoji counts twice; a text that passes here also passes Zoom's schema, which counts
  code points.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from ..cells import cell_text, has_nul, is_empty, plain, quote, utf16_length
from ..fields import field_label
from ..i18n import _
from ..models import (
    BOOLEAN_OPTIONS,
    COLUMN_ALIASES,
    MEETING,
    WEBINAR,
    Action,
    CancelRequest,
    InvalidRow,
    Kind,
    MeetingRequest,
    Participant,
    Recurrence,
    SheetRow,
    SkippedRow,
    meeting_identity,
)
from .dates import DATE_ORDERS, DateRules, check_weekday, is_weekday, parse_date
from .participants import parse_participants
from .recurrence import parse_rule
from .settings import (
    ROOMS_SHEET_CELL,
    TRACKING_PREFIX,
    breakout_setting,
    parse_authentication,
    parse_breakout_rooms,
    parse_reminder,
    parse_template,
    parse_tracking,
    rooms_from_entries,
)
from .timing import (
    duration_to_end,
    parse_duration,
    place,
    read_start,
    start_on,
    wall,
)
from .zones import check_season, parse_timezone

# Limits from the meetingCreate request schema (Meetings.json) and NOTES.md.
MAX_TOPIC = 200
MAX_AGENDA = 2000
MAX_PASSCODE = 10
AUTO_RECORDING = ("none", "local", "cloud")

#: Option fields a batch may give a default for (``RowDefaults.options``).
DEFAULTABLE_FIELDS: frozenset[str] = frozenset(
    (
        *BOOLEAN_OPTIONS, "auto_recording", "alternative_hosts", "duration", "agenda", "passcode",
        "reminder",
    )
)  # fmt: skip

_FIELD_ORDER = {name: index for index, name in enumerate(COLUMN_ALIASES)}

_TRUE = frozenset({"yes", "y", "true", "t", "1", "on", "はい", "有効", "オン"})
_FALSE = frozenset({"no", "n", "false", "f", "0", "off", "いいえ", "無効", "オフ"})
_RECORDING_WORDS = {
    "none": "none", "local": "local", "cloud": "cloud",
    "なし": "none", "無し": "none", "ローカル": "local", "クラウド": "cloud",
}  # fmt: skip
_SCHEDULE_WORDS = frozenset({"schedule", "keep"})
_KIND_WORDS = {
    "meeting": MEETING, "ミーティング": MEETING, "会議": MEETING,
    "webinar": WEBINAR, "ウェビナー": WEBINAR,
}  # fmt: skip
#: Meeting options Zoom's webinar has no setting for (webinarCreate's ``settings``): on a webinar
#: row, a cell that sets one is that row's error; a batch default for one does not apply.
_MEETING_ONLY_OPTIONS = ("waiting_room", "join_before_host", "mute_upon_entry", "participant_video")
_CANCEL_WORDS = frozenset({"cancel", "delete", "中止", "削除", "キャンセル"})

_EMAIL = re.compile(
    r"^[^@\s;,<>()\[\]\"']+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$"
)
# Zoom user ids are opaque tokens such as "z8yAAAAA8bbbQ5nQ2fRfgA" (22 characters today). Asking for
# at least 16 keeps a bare name ("tanaka") from passing as an id.
_USER_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


T = TypeVar("T")


@dataclass(frozen=True)
class RowDefaults:
    """What a row gets for the cells it leaves empty.

    ``options`` holds batch-wide raw values by canonical field name (``{"waiting_room": "yes"}``),
    read exactly like cells; a row's own non-empty cell wins. Allowed names: ``DEFAULTABLE_FIELDS``.
    ``now`` (aware) turns on the check that a new meeting does not start in the past, and lets a
    date without a year be read (the next such date). ``date_order`` ("dmy" or "mdy") settles
    dates like 03/04/2027. ``refuse_past`` False: a start in the past does not make a row
    invalid by itself, for a batch that refuses it only when it would create the row
    (``refused_as_past``): a row whose meeting was made is never refused for its start.
    """

    timezone: str
    host: str = "me"
    options: Mapping[str, Any] = field(default_factory=dict)
    now: datetime | None = None
    date_order: str | None = None
    registrant_emails: bool = False  # whether Zoom emails each registrant a confirmation
    refuse_past: bool = True

    def __post_init__(self) -> None:
        unknown = sorted(set(self.options) - DEFAULTABLE_FIELDS)
        if unknown:
            raise ValueError(
                f"no batch default can be given for {', '.join(unknown)}; "
                f"only for {', '.join(sorted(DEFAULTABLE_FIELDS))}"
            )
        if self.now is not None and self.now.utcoffset() is None:
            raise ValueError("RowDefaults.now must be timezone-aware")
        if self.date_order is not None and self.date_order not in DATE_ORDERS:
            raise ValueError(f"date_order must be one of {', '.join(DATE_ORDERS)}")


def validate_rows(
    rows: Sequence[SheetRow], defaults: RowDefaults
) -> list[MeetingRequest | CancelRequest | InvalidRow | SkippedRow]:
    """``validate_row`` for each row, in order, then refuse duplicates.

    A schedule row with the same identity (host, topic, start, duration) as an earlier one, or any
    row naming the same ``meeting_id`` as an earlier one, becomes invalid; the earlier row stands.
    """
    plans = [validate_row(row, defaults) for row in rows]
    first_by_identity: dict[str, int] = {}
    first_by_meeting_id: dict[str, int] = {}
    checked: list[MeetingRequest | CancelRequest | InvalidRow | SkippedRow] = []
    for plan in plans:
        if isinstance(plan, InvalidRow | SkippedRow):
            checked.append(plan)
            continue
        problems: list[str] = []
        if plan.meeting_id is not None:
            earlier = first_by_meeting_id.get(plan.meeting_id)
            if earlier is not None:
                problems.append(
                    _(
                        "meeting_id {meeting_id} is also on row {earlier}; "
                        "one meeting can be managed by one row only"
                    ).format(meeting_id=quote(plan.meeting_id), earlier=earlier)
                )
        identity = plan.identity if isinstance(plan, MeetingRequest) else None
        if identity is not None:
            earlier = first_by_identity.get(identity)
            if earlier is not None:
                problems.append(
                    _(
                        "same host, topic, start and duration as row {earlier}; it would be the "
                        "same meeting twice (change one of them or delete this row)"
                    ).format(earlier=earlier)
                )
        if problems:
            checked.append(
                InvalidRow(
                    row=plan.row,
                    problems=tuple(problems),
                    topic=plan.topic or "",
                    host=plan.host or "",
                )
            )
            continue
        if plan.meeting_id is not None:
            first_by_meeting_id[plan.meeting_id] = plan.row
        if identity is not None:
            first_by_identity[identity] = plan.row
        checked.append(plan)
    return checked


def validate_row(
    row: SheetRow, defaults: RowDefaults
) -> MeetingRequest | CancelRequest | InvalidRow | SkippedRow:
    """One raw row -> what to do with it, or every reason it cannot be used."""
    section = _section_note(row)
    if section is not None:
        return SkippedRow(row=row.number, note=section)
    problems = _Problems()
    cell = _cells_with_defaults(row, defaults)

    action = problems.check("action", cell("action"), _parse_action)
    kind = problems.check("kind", cell("kind"), _parse_kind) or MEETING
    meeting_id = problems.check("meeting_id", cell("meeting_id"), _parse_meeting_id)
    meeting_id_bad = problems.has("meeting_id")

    topic = problems.check("topic", cell("topic"), _parse_topic)
    host = problems.check("host", cell("host"), _parse_host)
    timezone = problems.check("timezone", cell("timezone"), parse_timezone)
    notes: list[str] = []
    pinned: list[bool] = []
    start = _start(row, cell, problems, defaults, timezone, meeting_id, notes, pinned)
    duration = _duration(row, cell, problems, start, timezone, notes)
    identity_problems = problems.messages()
    # as written, for the Summary of an invalid row (a host refused as malformed is still its host)
    written = {
        name: "" if is_empty(value := cell(name).value) else cell_text(value).strip()
        for name in ("topic", "host")
    }

    if action is Action.CANCEL:
        identity = None
        if topic is not None and host is not None and start is not None and duration is not None:
            identity = meeting_identity(host, topic, start, duration, kind)
        if meeting_id_bad:
            return InvalidRow(
                row=row.number, problems=tuple(problems.messages(["meeting_id"])), **written
            )
        if meeting_id is None and identity is None:
            lead = _(
                "a cancel row needs a meeting_id, or a valid topic, start_time and duration "
                "to find the meeting"
            )
            return InvalidRow(row=row.number, problems=(lead, *identity_problems), **written)
        described = None
        if identity is not None:
            assert host is not None and topic is not None and timezone is not None
            assert start is not None and duration is not None
            # the series too, so that Zoom's listing at a later occurrence is still the row's
            rule = _Problems().check("recurrence", cell("recurrence"), _parse_recurrence, start)
            described = MeetingRequest(
                row=row.number,
                host=host,
                topic=topic,
                start=start,
                timezone=timezone,
                duration=duration,
                recurrence=rule,
                action=Action.CANCEL,
                kind=kind,
            )
        return CancelRequest(
            row=row.number,
            meeting_id=meeting_id,
            identity=identity,
            host=host,
            topic=topic,
            described=described,
            kind=kind,
        )

    agenda = problems.check("agenda", cell("agenda"), _parse_agenda)
    passcode = problems.check("passcode", cell("passcode"), _parse_passcode)
    settings: dict[str, Any] = {}
    for name in BOOLEAN_OPTIONS:
        if kind == WEBINAR and name in _MEETING_ONLY_OPTIONS:
            if not is_empty(plain(row.get(name))):
                problems.add(name, _not_for_webinars(name))
            continue
        settings[name] = problems.check(name, cell(name), _parse_yes_no)
    settings["auto_recording"] = problems.check(
        "auto_recording", cell("auto_recording"), _parse_auto_recording
    )
    settings["alternative_hosts"] = problems.check(
        "alternative_hosts", cell("alternative_hosts"), _parse_alternative_hosts
    )
    rooms = _breakout_rooms(row, cell, problems)
    if rooms:
        settings["breakout_room"] = breakout_setting(rooms)
    sign_in: dict[str, Any] | None = problems.check(
        "authentication", cell("authentication"), parse_authentication
    )
    settings.update(sign_in or {})
    template = problems.check("template", cell("template"), parse_template)
    tracking: list[tuple[str, str]] = []
    for name, value in row.cells.items():
        if name.startswith(TRACKING_PREFIX):
            given: str | None = problems.check("tracking", _Raw(plain(value)), parse_tracking)
            tracking.append((name.removeprefix(TRACKING_PREFIX), given or ""))
    reminder = problems.check("reminder", cell("reminder"), parse_reminder)
    recurrence: Recurrence | None = None
    if start is not None:
        recurrence = problems.check("recurrence", cell("recurrence"), _parse_recurrence, start)
    else:  # no first meeting to tie the rule to: still check its wording
        problems.check("recurrence", cell("recurrence"), _check_recurrence_words)

    participants = problems.check("participants", cell("participants"), parse_participants) or ()
    panelists: tuple[Participant, ...] = ()
    if kind == WEBINAR:
        panelists = problems.check("panelists", cell("panelists"), parse_participants) or ()
    elif not is_empty(plain(row.get("panelists"))):
        problems.add("panelists", _("panelists are for a webinar: this row is a meeting"))
    if participants:  # a registration meeting, every registrant approved at once
        settings["approval_type"] = 0
        settings["registrants_confirmation_email"] = defaults.registrant_emails

    is_new = meeting_id is None  # a managed row's meeting may well have started already
    if is_new and start is not None and defaults.now is not None and start < defaults.now:
        assert timezone is not None
        if defaults.refuse_past or problems:  # else the batch decides (refused_as_past)
            problems.add("start_time", _past(start, timezone))

    if problems:
        return InvalidRow(row=row.number, problems=tuple(problems.messages()), **written)
    assert topic is not None and host is not None and timezone is not None
    assert start is not None and duration is not None
    return MeetingRequest(
        row=row.number,
        host=host,
        topic=topic,
        start=start,
        timezone=timezone,
        duration=duration,
        pinned=any(pinned),
        agenda=agenda,
        passcode=passcode,
        settings={name: value for name, value in settings.items() if value is not None},
        recurrence=recurrence,
        meeting_id=meeting_id,
        action=Action.SCHEDULE,
        notes=tuple(notes),
        participants=participants,
        template=template,
        tracking=tuple(tracking),
        reminder=reminder,
        kind=kind,
        panelists=panelists,
    )


def _breakout_rooms(
    row: SheetRow, cell: Callable[[str], _Raw], problems: _Problems
) -> tuple[Any, ...] | None:
    """The rooms of the row's ``breakout_rooms`` cell, or of its rows in the Breakout rooms
    sheet (``ROOMS_SHEET_CELL``); both at once is a mistake the user must settle."""
    entries = row.get(ROOMS_SHEET_CELL)
    if entries and not is_empty(row.get("breakout_rooms")):
        problems.add(
            "breakout_rooms",
            _(
                "{field} is given both in its cell and in the Breakout rooms sheet; "
                "keep one of them"
            ).format(field=field_label("breakout_rooms")),
        )
        return None
    if entries:
        return problems.check("breakout_rooms", _Raw(entries), rooms_from_entries)
    return problems.check("breakout_rooms", cell("breakout_rooms"), parse_breakout_rooms)


def refused_as_past(plan: MeetingRequest, now: datetime) -> InvalidRow | None:
    """A row about to be created whose start is before ``now``, refused as ``validate_row``
    refuses it; None for any other. Only for a row that would be created: a row whose meeting
    was made (the journal's, or found on Zoom) is never refused for its start."""
    if plan.meeting_id is not None or plan.start >= now:
        return None
    return InvalidRow(row=plan.row, problems=(_past(plan.start, plan.timezone),))


def _past(start: datetime, timezone: str) -> str:
    return _("start_time {start} is in the past").format(start=wall(start, timezone))


# --- when and how long -------------------------------------------------------------------------


def _start(
    row: SheetRow,
    cell: Callable[[str], _Raw],
    problems: _Problems,
    defaults: RowDefaults,
    timezone: str | None,
    meeting_id: str | None,
    notes: list[str],
    pinned: list[bool],
) -> datetime | None:
    """The start, placed in the row's zone: from ``start_time`` alone, or ``date`` plus a time.
    ``pinned`` is told whether the cell fixed the instant itself (Z or an offset)."""
    today = None
    if defaults.now is not None and timezone is not None:
        today = defaults.now.astimezone(ZoneInfo(timezone)).date()
    rules = DateRules(order=defaults.date_order, today=today, managed=meeting_id is not None)
    given: datetime | None = None
    weekday_only = is_weekday(plain(row.get("date")))  # a "Day" column holding "Mon"
    if not is_empty(row.get("date")) and not weekday_only:
        read = problems.check("date", cell("date"), parse_date, rules)
        if read is not None:
            day, note = read
            notes.extend([note] if note else [])
            problems.check("weekday", cell("weekday"), _check_weekday, day)
            given = problems.check("start_time", cell("start_time"), start_on, day, rules)
    else:
        read_given = problems.check("start_time", cell("start_time"), read_start, rules)
        if read_given is not None:
            given, note = read_given
            notes.extend([note] if note else [])
            problems.check("weekday", cell("weekday"), _check_weekday, given.date())
            if weekday_only:
                problems.check("date", cell("date"), _check_weekday, given.date())
    if given is None or timezone is None:
        return None
    start = problems.check("start_time", cell("start_time"), place, given, timezone)
    if start is not None and given.tzinfo is None:
        problems.check("timezone", cell("timezone"), check_season, start)
    pinned.append(given.tzinfo is not None)
    return start


def _duration(
    row: SheetRow,
    cell: Callable[[str], _Raw],
    problems: _Problems,
    start: datetime | None,
    timezone: str | None,
    notes: list[str],
) -> int | None:
    """Minutes: from ``duration``, or from ``end_time`` (both given: they must agree)."""
    if is_empty(row.get("end_time")):
        return problems.check("duration", cell("duration"), parse_duration)
    if start is None or timezone is None:
        return None
    read = problems.check("end_time", cell("end_time"), duration_to_end, start, timezone)
    if read is None:
        return None
    minutes, note = read
    notes.extend([note] if note else [])
    if not is_empty(row.get("duration")):
        given = problems.check("duration", cell("duration"), parse_duration)
        if given is not None and given != minutes:
            problems.add(
                "duration",
                _(
                    "duration {duration} and end_time {end} disagree (the end is {minutes} minutes "
                    "after the start); leave one of them empty"
                ).format(
                    duration=quote(row.get("duration")),
                    end=quote(row.get("end_time")),
                    minutes=minutes,
                ),
            )
    return minutes


def _check_weekday(value: Any, day: date) -> None:
    if not is_empty(value):
        check_weekday(value, day)


#: Columns whose text alone makes a heading or a note, not a meeting.
_LABEL_FIELDS = frozenset({"topic", "agenda", "date", "weekday"})
#: Columns batch_zoom itself writes (a re-run reads its own words back there).
_RESULT_FIELDS = frozenset({"status", "error"})


def _section_note(row: SheetRow) -> str | None:
    """Why a row is a section or note row (``【第1週】``, ``Week 2``), or None if it is not one.

    Such a row holds text in one or two cells only, and no start, end or duration. A row with a
    topic and a real date is a meeting whose time is missing (``invalid``), not a heading.
    """
    ours = {
        name: plain(value)
        for name, value in row.cells.items()
        if name not in _RESULT_FIELDS and not is_empty(plain(value))
    }
    texts = [*ours.values(), *(plain(value) for value in row.other_cells)]
    if not texts or len(texts) > 2 or not all(isinstance(value, str) for value in texts):
        return None
    if set(ours) - _LABEL_FIELDS:
        return None
    if "date" in ours and _is_a_date(ours["date"]):
        return None
    shown = ", ".join(quote(value) for value in texts)
    return _("a section or note row ({text}): no start, end or duration, so not a meeting").format(
        text=shown
    )


def _is_a_date(value: Any) -> bool:
    try:
        parse_date(value, DateRules(order="dmy", today=date(2000, 1, 1), managed=True))
    except ValueError:
        return False
    return True


# --- collecting problems -----------------------------------------------------------------------


class _Problems:
    """Problems of one row by field, reported in the sheet's usual column order."""

    def __init__(self) -> None:
        self._found: list[tuple[str, str]] = []

    def add(self, name: str, message: str) -> None:
        self._found.append((name, message))

    def has(self, name: str) -> bool:
        return any(found == name for found, _ in self._found)

    def __bool__(self) -> bool:
        return bool(self._found)

    def messages(self, only: Sequence[str] | None = None) -> list[str]:
        ordered = sorted(self._found, key=lambda item: _FIELD_ORDER.get(item[0], len(_FIELD_ORDER)))
        return [message for name, message in ordered if only is None or name in only]

    def check(self, name: str, raw: _Raw, parse: Callable[..., T], *extra: Any) -> T | None:
        """``parse(raw value, *extra)``; None for an empty cell or (recorded) a bad one."""
        if has_nul(raw.value):  # no spreadsheet program writes one: a damaged or hostile cell
            self.add(name, _("{field} contains a NUL character (byte 0)").format(field=name))
            return None
        try:
            return parse(raw.value, *extra)
        except ValueError as error:
            message = str(error)
            if message.startswith("{field}"):
                message = field_label(name) + message.removeprefix("{field}")
            if raw.from_defaults:
                message = _("{problem} (the batch default)").format(problem=message)
            self.add(name, message)
            return None


@dataclass(frozen=True)
class _Raw:
    value: Any
    from_defaults: bool = False


def _cells_with_defaults(row: SheetRow, defaults: RowDefaults) -> Callable[[str], _Raw]:
    def cell(name: str) -> _Raw:
        value = plain(row.get(name))
        if not is_empty(value):
            return _Raw(value)
        if name == "timezone":
            return _Raw(defaults.timezone, from_defaults=True)
        if name == "host":
            return _Raw(defaults.host or "me", from_defaults=True)
        default = defaults.options.get(name)
        if not is_empty(default):
            return _Raw(default, from_defaults=True)
        return _Raw(None)

    return cell


# --- one parser per kind of cell: value -> parsed value, None when empty, ValueError when bad ---
# Messages say "{field}" where the field's name goes, so a parser can serve several fields.


def _parse_topic(value: Any) -> str:
    if is_empty(value):
        raise ValueError(_("{field} is empty (every meeting needs one)").format(field="{field}"))
    return _within(cell_text(value).strip(), MAX_TOPIC)


def _parse_agenda(value: Any) -> str | None:
    if is_empty(value):
        return None
    return _within(cell_text(value).replace("\r\n", "\n").replace("\r", "\n").strip(), MAX_AGENDA)


def _within(text: str, limit: int) -> str:
    """``text`` if Zoom's limit (counted in UTF-16 units, as Zoom counts) allows it."""
    if utf16_length(text) > limit:
        raise ValueError(_too_long(text, utf16_length(text), limit))
    return text


def _parse_host(value: Any) -> str:
    text = cell_text(value).strip()
    if text.casefold() == "me":
        return "me"
    if _EMAIL.match(text) or _USER_ID.match(text):
        return text
    raise ValueError(
        _('{field} {value} is not an email address, a Zoom user id or "me"').format(
            field="{field}", value=quote(value)
        )
    )


def _parse_passcode(value: Any) -> str | None:
    if is_empty(value):
        return None
    if isinstance(value, bool):
        raise ValueError(
            _("{field} {value} is not a passcode").format(field="{field}", value=quote(value))
        )
    text = cell_text(value).strip()
    if any(char.isspace() for char in text):
        raise ValueError(
            _("{field} {value} contains a space; Zoom passcodes have none").format(
                field="{field}", value=quote(value)
            )
        )
    if not all("!" <= char <= "~" for char in text):
        raise ValueError(
            _(
                "{field} {value} may use only letters, digits and ASCII symbols such as ! @ # *"
            ).format(field="{field}", value=quote(value))
        )
    if len(text) > MAX_PASSCODE:
        raise ValueError(_too_long(value, len(text), MAX_PASSCODE))
    return text


def _parse_yes_no(value: Any) -> bool | None:
    if is_empty(value):
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    word = unicodedata.normalize("NFKC", str(value)).strip().casefold()
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise ValueError(
        _("{field} {value} is not yes or no").format(field="{field}", value=quote(value))
    )


def _word(value: Any) -> str:
    """A cell as a word to look up: full-width folded (NFKC), trimmed, any case."""
    return unicodedata.normalize("NFKC", cell_text(value)).strip().casefold()


def _one_of(value: Any, words: Mapping[str, T], refusal: str) -> T:
    """What ``words`` says the cell means; else ``refusal`` (with ``{field}`` and ``{value}``)."""
    word = _word(value)
    if word in words:
        return words[word]
    raise ValueError(refusal.format(field="{field}", value=quote(value)))


def _parse_auto_recording(value: Any) -> str | None:
    if is_empty(value):
        return None
    return _one_of(value, _RECORDING_WORDS, _("{field} {value} is not none, local or cloud"))


def _parse_alternative_hosts(value: Any) -> str | None:
    if is_empty(value):
        return None
    text = unicodedata.normalize("NFKC", cell_text(value))
    hosts: list[str] = []
    bad: list[str] = []
    for entry in re.split(r"[;,、，；\s]+", text):
        if not entry:
            continue
        if not (_EMAIL.match(entry) or _USER_ID.match(entry)):
            bad.append(entry)
        elif entry.casefold() not in {host.casefold() for host in hosts}:
            hosts.append(entry)
    if bad:
        listed = _(", ").join(quote(entry) for entry in bad)
        message = (
            _("{field} {entries} is not an email address")
            if len(bad) == 1
            else _("{field} {entries} are not email addresses")
        )
        raise ValueError(message.format(field="{field}", entries=listed))
    return ";".join(hosts) or None


def _parse_recurrence(value: Any, start: datetime) -> Recurrence | None:
    if is_empty(value):
        return None
    return parse_rule(cell_text(value)).resolve(start)


def _check_recurrence_words(value: Any) -> None:
    if not is_empty(value):
        parse_rule(cell_text(value))


def _parse_meeting_id(value: Any) -> str | None:
    if is_empty(value):
        return None
    digits: str | None = None
    if isinstance(value, bool):
        digits = None
    elif isinstance(value, int):
        digits = str(value)
    elif isinstance(value, float):
        digits = str(int(value)) if value.is_integer() else None
    else:
        text = unicodedata.normalize("NFKC", str(value)).strip()
        if re.fullmatch(r"\d+(?:[ \-]+\d+)*", text):
            digits = re.sub(r"[ \-]", "", text)
    # Zoom's meeting ids are positive int64s (9 to 11 digits as shown to users today).
    if digits is None or not 1 <= len(digits) <= 19 or int(digits) == 0:
        raise ValueError(
            _("{field} {value} is not a Zoom meeting ID (digits only)").format(
                field="{field}", value=quote(value)
            )
        )
    return digits.lstrip("0")


def _parse_kind(value: Any) -> Kind:
    if is_empty(value):
        return MEETING
    return _one_of(value, _KIND_WORDS, _("{field} {value} is not meeting or webinar"))


def _not_for_webinars(name: str) -> str:
    return _("{field} is a meeting option: Zoom has no such setting for a webinar").format(
        field=field_label(name)
    )


def _parse_action(value: Any) -> Action:
    if is_empty(value):
        return Action.SCHEDULE
    word = _word(value)
    if word in _SCHEDULE_WORDS:
        return Action.SCHEDULE
    if word in _CANCEL_WORDS:
        return Action.CANCEL
    raise ValueError(
        _("{field} {value} is not schedule or cancel").format(field="{field}", value=quote(value))
    )


# --- small helpers -----------------------------------------------------------------------------


def _too_long(value: Any, length: int, limit: int) -> str:
    return _("{field} {value} is {length} characters long; Zoom allows at most {limit}").format(
        field="{field}", value=quote(value), length=length, limit=limit
    )
