"""The values that flow through a batch: spreadsheet rows, meeting requests, row results.

Everything here is immutable and free of I/O, so every other module can share it.
"""

from __future__ import annotations

import email.utils
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from .i18n import N_, _
from .zoom_forms import identity_key


class Status(StrEnum):
    """What became of a row. The values are the words written to the ``status`` column."""

    CREATED = "created"  # this run made the meeting
    EXISTS = "exists"  # an earlier run made it and nothing needed to change
    UPDATED = "updated"  # the row was edited and the meeting was changed to match
    CANCELLED = "cancelled"  # the row was marked cancel and the meeting is gone
    PLANNED = "planned"  # dry run: would be created or changed
    INVALID = "invalid"  # the row itself is wrong; see ``error``
    FAILED = "failed"  # Zoom refused or kept failing; see ``error``
    DEFERRED = "deferred"  # the host's daily limit is spent; a run after 00:00 UTC finishes it
    MISSING = "missing"  # the row names a meeting that no longer exists on Zoom
    PENDING = "pending"  # not attempted because the run was interrupted; a re-run finishes it
    SKIPPED = "skipped"  # a section or note row (a heading such as 【第1週】): not a meeting

    @property
    def needs_attention(self) -> bool:
        return self in PROBLEM_STATUSES


PROBLEM_STATUSES = frozenset(
    {Status.INVALID, Status.FAILED, Status.DEFERRED, Status.MISSING, Status.PENDING}
)

#: Rows whose meeting is on Zoom after the run: calendar events, meetings with registrants.
MEETING_STATUSES = frozenset({Status.CREATED, Status.EXISTS, Status.UPDATED})

#: The columns batch_zoom adds to (or fills in) the user's sheet, in this order.
RESULT_COLUMNS: tuple[str, ...] = ("meeting_id", "join_url", "passcode", "status", "error")

#: Headers of a column a user prepared for the links: it receives them while it is empty (or
#: holds Zoom links); a column of the user's own links under such a header is left alone.
LINK_HEADERS: tuple[str, ...] = (
    "meeting url", "meeting link", "zoom url", "zoom link", "zoom", "url", "link", "join link",
    "ZoomのURL", "ZoomURL", "Zoomリンク", "ミーティングURL", "会議URL", "リンク",
)  # fmt: skip

#: Canonical field name -> the headers that mean it. Headers are compared after
#: ``normalize_header``, so case, spaces and underscores do not matter.
# fmt: off
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "topic": (
        "topic", "会議名", "トピック", "タイトル", "件名", "ミーティング名",
        "授業名", "講義名", "研修名", "科目", "科目名", "内容", "会議", "名称",
        "subject", "title", "meeting", "meeting name", "class", "course", "session",
    ),
    "date": ("date", "日付", "開催日", "実施日", "年月日", "day"),
    "weekday": ("weekday", "曜日", "day of week"),
    "start_time": (
        "start_time", "start", "start time", "開始日時", "開始時間", "開始時刻", "開始",
        "時刻", "time",
    ),
    "end_time": ("end_time", "end", "end time", "終了", "終了時刻", "終了時間", "finish"),
    "duration": ("duration", "所要時間", "時間", "時間(分)", "時間（分）", "duration(min)"),
    "timezone": ("timezone", "time zone", "tz", "タイムゾーン"),
    "host": (
        "host", "user", "host_email", "ホスト", "ホストメール",
        "担当", "担当者", "講師", "主催者", "教員", "organizer", "teacher", "instructor",
    ),
    "agenda": ("agenda", "description", "アジェンダ", "議題", "説明"),
    "passcode": ("passcode", "password", "パスコード", "パスワード"),
    "waiting_room": ("waiting_room", "待機室"),
    "join_before_host": ("join_before_host", "ホストより前の参加", "ホスト前参加"),
    "mute_upon_entry": ("mute_upon_entry", "入室時ミュート", "参加時ミュート"),
    "host_video": ("host_video", "ホストビデオ"),
    "participant_video": ("participant_video", "参加者ビデオ"),
    "auto_recording": ("auto_recording", "自動録画", "自動レコーディング"),
    "alternative_hosts": ("alternative_hosts", "代替ホスト"),
    "recurrence": ("recurrence", "repeat", "繰り返し", "定期"),
    "action": ("action", "操作", "アクション"),
    "participants": ("participants", "参加者", "受講者", "invitees", "attendees"),
    "breakout_rooms": ("breakout_rooms", "breakout rooms", "ブレイクアウトルーム"),
    "template": ("template", "template_id", "テンプレート"),
    "authentication": ("authentication", "認証"),
    "reminder": ("reminder", "リマインダー"),
    "kind": ("kind", "種類", "形式", "event type"),
    "panelists": ("panelists", "パネリスト"),
    "meeting_id": ("meeting_id", "meeting id", "ミーティングID", "会議ID"),
    "join_url": ("join_url", "join url", "参加URL", "招待リンク", *LINK_HEADERS),
    "status": ("status", "状態", "ステータス"),
    "error": ("error", "エラー"),
}
# fmt: on

REQUIRED_FIELDS: tuple[str, ...] = ("topic", "start_time", "duration")

#: Required fields that another column can stand in for: a ``date`` column with a time-only
#: ``start_time``, and an ``end_time`` instead of ``duration``.
STANDS_IN_FOR: dict[str, tuple[str, ...]] = {"duration": ("end_time",)}

#: Headers that mean one of two fields, decided by the column's values (``sheet.columns``). They
#: are also listed under their first meaning in ``COLUMN_ALIASES``. "時間" is a length in one
#: sheet and the clock time of a class in a timetable; "time" likewise.
AMBIGUOUS_HEADERS: dict[str, tuple[str, str]] = {
    "時間": ("duration", "start_time"),
    "time": ("start_time", "duration"),
}

#: Boolean per-row options, sent inside Zoom's ``settings`` object under the same names.
BOOLEAN_OPTIONS: tuple[str, ...] = (
    "waiting_room",
    "join_before_host",
    "mute_upon_entry",
    "host_video",
    "participant_video",
)


#: The key of a meeting row's cells under which the batch puts its Breakout rooms sheet rows.
ROOMS_SHEET_CELL = "breakout_rooms (sheet)"

#: Headers of a tracking field's column: ``tracking: Course code``, ``トラッキング: 科目コード``.
TRACKING_HEADER = re.compile(r"^\s*(?:tracking|トラッキング)\s*[:：]\s*(.+?)\s*$", re.IGNORECASE)
TRACKING_PREFIX = "tracking:"  # a tracking column's canonical name: "tracking:" + the field


def tracking_name(header: str) -> str | None:
    """The field a ``tracking: <name>`` header names, else None."""
    match = TRACKING_HEADER.match(unicodedata.normalize("NFKC", header))
    return " ".join(match.group(1).split()) if match else None


def normalize_header(text: object) -> str:
    """The form in which headers are compared: no case, spaces, underscores or full-width spaces."""
    return "".join(str(text).split()).replace("_", "").replace("\u3000", "").casefold()


@dataclass(frozen=True)
class Kind:
    """What a row schedules on Zoom: a meeting or a webinar (issue 25).

    The one path that finds, creates, audits and edits takes it as a parameter instead of being
    copied for webinars: Zoom's paths (``/users/{id}/<collection>``, ``/<collection>/{id}``),
    the listing's key (``collection``), the type numbers, and the receipt's word all come from
    here. Zoom cannot turn one kind into the other.
    """

    name: str  # the sheet's word: "meeting" or "webinar"
    collection: str  # Zoom's path segment and listing key: "meetings" or "webinars"
    single_type: int  # a scheduled one: 2 or 5
    recurring_type: int  # a series with a fixed time: 8 or 9
    no_fixed_time_type: int  # a series with no fixed time: 3 or 6

    def type_for(self, recurring: bool) -> int:
        return self.recurring_type if recurring else self.single_type

    @property
    def types(self) -> frozenset[int]:
        return frozenset({self.single_type, self.recurring_type, self.no_fixed_time_type})


#: The kinds' words in messages ("a webinar cannot become a meeting"), for the catalog.
KIND_WORDS = (N_("meeting"), N_("webinar"))
MEETING = Kind("meeting", "meetings", 2, 8, 3)
WEBINAR = Kind("webinar", "webinars", 5, 9, 6)
KINDS: tuple[Kind, ...] = (MEETING, WEBINAR)


def kind_of_type(zoom_type: object) -> Kind | None:
    """The kind a Zoom ``type`` number belongs to (None when it is none of them)."""
    for kind in KINDS:
        if zoom_type in kind.types:
            return kind
    return None


class Action(StrEnum):
    """What the sheet asks for a row: keep it scheduled (the default), or cancel it."""

    SCHEDULE = "schedule"
    CANCEL = "cancel"


@dataclass(frozen=True)
class SheetRow:
    """One non-blank data row as read from the spreadsheet.

    ``number`` is the row number the user sees in Excel (the header is usually row 1).
    ``cells`` maps canonical field names (keys of ``COLUMN_ALIASES``) to the cell's value as read:
    ``None`` when empty, else str, int, float, bool or datetime (Excel cells keep their type).
    """

    number: int
    cells: Mapping[str, Any]
    #: The row's non-empty cells in columns that are not ours (to tell a section row).
    other_cells: tuple[Any, ...] = ()

    def get(self, name: str) -> Any:
        return self.cells.get(name)


@dataclass(frozen=True)
class Recurrence:
    """Zoom's ``recurrence`` object for a type 8 meeting (fields named as Zoom names them)."""

    type: int  # 1 daily, 2 weekly, 3 monthly
    repeat_interval: int = 1
    weekly_days: str | None = None  # "2,4": 1 = Sunday ... 7 = Saturday
    monthly_day: int | None = None
    monthly_week: int | None = None  # 1..4, or -1 for the last week
    monthly_week_day: int | None = None  # 1 = Sunday ... 7 = Saturday
    end_times: int | None = None
    end_date_time: datetime | None = None  # aware; sent in UTC

    def to_zoom(self) -> dict[str, Any]:
        body: dict[str, Any] = {"type": self.type, "repeat_interval": self.repeat_interval}
        for name in ("weekly_days", "monthly_day", "monthly_week", "monthly_week_day", "end_times"):
            value = getattr(self, name)
            if value is not None:
                body[name] = value
        if self.end_date_time is not None:
            body["end_date_time"] = zoom_utc(self.end_date_time)
        return body


def zoom_utc(moment: datetime) -> str:
    """An aware datetime in Zoom's UTC form, ``yyyy-MM-ddTHH:mm:ssZ``."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class Participant:
    """One person of a ``participants`` cell, to be registered for the meeting.

    ``problem`` says why the entry cannot be registered (a malformed address); such a person is
    reported on their own while the meeting and the others go ahead.
    """

    email: str
    name: str = ""
    problem: str | None = None

    @property
    def key(self) -> str:
        return self.email.strip().casefold()

    @property
    def first_name(self) -> str:
        """Zoom requires a first name: the whole name as written, else the address's user part."""
        return (self.name or self.email.split("@", 1)[0])[:64]


@dataclass(frozen=True)
class BreakoutRoom:
    """One pre-assigned breakout room: its name and the people's email addresses."""

    name: str
    participants: tuple[str, ...] = ()


@dataclass(frozen=True)
class RoomEntry:
    """One row of a Breakout rooms sheet: a person for a room, as written there."""

    sheet_row: int
    room: Any
    email: Any


@dataclass(frozen=True)
class MeetingRequest:
    """A validated row: everything needed to create (or compare) one Zoom meeting."""

    row: int  # spreadsheet row number, for messages
    host: str  # Zoom user id or email; "me" is the app owner's account
    topic: str
    start: datetime  # timezone-aware
    timezone: str  # IANA name sent to Zoom with the start time
    duration: int  # minutes, 1..1440
    pinned: bool = False  # the cell gave Z or an offset: send the instant in UTC
    agenda: str | None = None
    passcode: str | None = None
    settings: Mapping[str, Any] = field(default_factory=dict)  # Zoom ``settings`` keys
    recurrence: Recurrence | None = None
    meeting_id: str | None = None  # set when the sheet already names the meeting (managed row)
    action: Action = Action.SCHEDULE
    notes: tuple[str, ...] = ()  # what was assumed in reading the row (a year), for ``error``
    participants: tuple[Participant, ...] = ()  # registered with automatic approval
    #: The account template (its id once ``run.lookups`` has read the host's templates, else
    #: the cell as written), sent as ``template_id``.
    template: str | None = None
    #: Tracking fields as (field name, value), sent as ``tracking_fields``.
    tracking: tuple[tuple[str, str], ...] = ()
    reminder: int | None = None  # minutes before each event, for the .ics (never sent to Zoom)
    kind: Kind = MEETING
    panelists: tuple[Participant, ...] = ()  # a webinar's speakers, each with their own link

    @property
    def registrants(self) -> tuple[Participant, ...]:
        """The participants that can be registered (a well-formed address)."""
        return tuple(person for person in self.participants if person.problem is None)

    @property
    def identity(self) -> str:
        """Who, what, when and how long: the key of the journal and of reconciliation.

        Computed once here and used everywhere, so a row is recognised the same way by the
        journal, by the look-up that settles an unknown outcome, and in the output.
        """
        return meeting_identity(self.host, self.topic, self.start, self.duration, self.kind)

    def start_time_field(self) -> str:
        """``start_time`` as sent: UTC with Z for a pinned instant, else local wall time."""
        if self.pinned:
            return zoom_utc(self.start)
        return self.start.astimezone(ZoneInfo(self.timezone)).strftime("%Y-%m-%dT%H:%M:%S")

    def create_body(self) -> dict[str, Any]:
        """The JSON body of ``POST /users/{host}/meetings`` (or ``/webinars``, by ``kind``)."""
        body: dict[str, Any] = {
            "topic": self.topic,
            "type": self.kind.type_for(self.recurrence is not None),
            "start_time": self.start_time_field(),
            "timezone": self.timezone,
            "duration": self.duration,
        }
        if self.agenda is not None:
            body["agenda"] = self.agenda
        if self.passcode is not None:
            body["password"] = self.passcode
        if self.recurrence is not None:
            body["recurrence"] = self.recurrence.to_zoom()
        if self.settings:
            body["settings"] = dict(self.settings)
        if self.template is not None:
            body["template_id"] = self.template
        tracking = [{"field": name, "value": value} for name, value in self.tracking if value]
        if tracking:
            body["tracking_fields"] = tracking
        return body


def parse_moment(text: str) -> datetime | None:
    """An ISO 8601 or HTTP date as an aware UTC datetime; None when it is neither."""
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        try:
            moment = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def meeting_identity(
    host: str, topic: str, start: datetime, duration: int, kind: Kind = MEETING
) -> str:
    """The row's identity compared the way Zoom keeps a meeting (``zoom_forms``). A webinar's
    begins ``webinar|``: never the same as a meeting's (a meeting's is as it always was)."""
    key = identity_key(host, topic, start, duration)
    return key if kind == MEETING else f"{kind.name}|{key}"


@dataclass(frozen=True)
class InvalidRow:
    """A row that cannot become a meeting, with one message per problem."""

    row: int
    problems: tuple[str, ...]
    #: The row's topic and host as written (the host the run would have used when the cell is
    #: empty), for the Summary: an invalid row is still somebody's meeting. Empty when unknown.
    topic: str = ""
    host: str = ""

    @property
    def message(self) -> str:
        """``row 7: duration "abc" is not a number of minutes; ...``"""
        return _(ROW_MESSAGE).format(row=self.row, problems=_("; ").join(self.problems))


#: How a message about one row reads: ``row 7: ...`` (``7行目: ...`` in Japanese).
ROW_MESSAGE = N_("row {row}: {problems}")


def row_prefix(row: int) -> str:
    """How a message about ``row`` begins in the language in use (``row 7: ``, ``7行目: ``)."""
    return _(ROW_MESSAGE).format(row=row, problems="")


@dataclass(frozen=True)
class RowResult:
    """What to write back for one spreadsheet row."""

    row: int
    status: Status
    meeting_id: str | None = None
    join_url: str | None = None
    passcode: str | None = None
    error: str = ""
    host: str | None = None
    topic: str | None = None
    assigned_host: str | None = None  # the pool chose this host: write it into the host cell


class RegistrationStatus(StrEnum):
    """What became of one participant. Written to the Participants sheet's ``status`` column."""

    REGISTERED = "registered"  # this run registered them
    EXISTS = "exists"  # an earlier run (or someone else) registered them
    CANCELLED = "cancelled"  # removed from the cell: their registration was cancelled
    PLANNED = "planned"  # dry run
    INVALID = "invalid"  # the address is malformed
    FAILED = "failed"  # Zoom refused or kept failing

    @property
    def needs_attention(self) -> bool:
        return self in (RegistrationStatus.INVALID, RegistrationStatus.FAILED)


@dataclass(frozen=True)
class RegistrationResult:
    """One row of the Participants sheet: a person for a meeting, with their personal link."""

    row: int  # the meeting's spreadsheet row
    email: str
    name: str
    topic: str
    start: datetime
    timezone: str
    meeting_id: str
    status: RegistrationStatus
    join_url: str = ""
    registrant_id: str = ""
    error: str = ""
    #: a webinar's people: "attendee" (registered) or "panelist"; "" for a meeting's
    role: str = ""


@dataclass(frozen=True)
class CancelRequest:
    """A row marked ``cancel``: delete the meeting it names (or the one the journal knows)."""

    row: int
    meeting_id: str | None  # from the sheet; None: look it up by ``identity`` in the journal
    identity: str | None = None  # when the row's fields are valid
    host: str | None = None
    topic: str | None = None
    #: the meeting the row's cells describe (with its series), when they are valid: how the
    #: row's meeting is found on Zoom when neither the sheet nor the journal names it
    described: MeetingRequest | None = field(default=None, compare=False)
    kind: Kind = MEETING


@dataclass(frozen=True)
class SkippedRow:
    """A section or note row (``【第1週】``, ``Week 2``): not a meeting, and not a mistake."""

    row: int
    note: str


RowPlan = MeetingRequest | CancelRequest | InvalidRow | SkippedRow
