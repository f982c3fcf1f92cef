"""Hosts, pure: what a host's Zoom profile allows, double bookings, and a pool of hosts.

No I/O: ``run/preflight.py`` fetches the profiles and listings and hands them in here, so every
rule is a function of its arguments and is tested with tables.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from ..i18n import _
from ..models import MeetingRequest, meeting_identity, parse_moment
from .recurrence import series_starts, shows_row

#: Zoom: meetings of a Basic (unlicensed) user with three or more participants end at 40 minutes.
BASIC_LIMIT_MINUTES = 40
BASIC = 1
#: Zoom's per-host limit of meeting creates plus updates a UTC day (NOTES.md).
DAILY_WRITES_PER_HOST = 100


@dataclass(frozen=True)
class HostProfile:
    """What Zoom said about one host: ``GET /users/{host}`` and its ``/settings``."""

    host: str  # as the rows name it
    exists: bool = True
    email: str = ""
    licence: int | None = None  # Zoom's user ``type``: 1 Basic, 2 Licensed
    status: str = "active"  # active, inactive, pending
    passcode_policy: Mapping[str, Any] = field(default_factory=dict)
    #: the Webinar add-on's seats (settings ``feature.webinar``, ``webinar_capacity``): 0 when
    #: the host has none; None when the settings were not read or did not say
    webinar_seats: int | None = None

    @classmethod
    def from_zoom(
        cls, host: str, user: Mapping[str, Any] | None, settings: Mapping[str, Any] | None
    ) -> HostProfile:
        """``user`` None: Zoom said 1001. ``settings`` None: they could not be read."""
        if user is None:
            return cls(host, exists=False)
        schedule = (settings or {}).get("schedule_meeting") or {}
        policy = schedule.get("meeting_password_requirement") or {}
        licence = user.get("type")
        return cls(
            host,
            email=str(user.get("email") or host),
            licence=licence if isinstance(licence, int) else None,
            status=str(user.get("status") or "active"),
            passcode_policy=dict(policy) if isinstance(policy, Mapping) else {},
            webinar_seats=_webinar_seats((settings or {}).get("feature")),
        )


def _webinar_seats(feature: Any) -> int | None:
    """Seats of the host's Webinar add-on from the settings' ``feature``: 0 without it."""
    if not isinstance(feature, Mapping) or not isinstance(feature.get("webinar"), bool):
        return None
    if not feature["webinar"]:
        return 0
    seats = feature.get("webinar_capacity")
    if isinstance(seats, bool) or not isinstance(seats, int | str):
        return None  # has the add-on, capacity not said: no limit checked here
    try:
        return int(seats) or None
    except ValueError:
        return None


def webinar_refusal(profile: HostProfile, attendees: int) -> str | None:
    """Why this host cannot hold a webinar with ``attendees`` registrants, or None."""
    if profile.webinar_seats == 0:
        return _("host {host} has no Zoom Webinar licence").format(host=profile.host)
    if profile.webinar_seats is not None and attendees > profile.webinar_seats:
        return _(
            "participants: {count} people, but {host}'s Zoom Webinar licence seats {seats}"
        ).format(count=attendees, host=profile.host, seats=profile.webinar_seats)
    return None


def host_refusal(profile: HostProfile) -> str | None:
    """Why no meeting can be made for this host, or None."""
    if not profile.exists:
        return _("host {host} is not a user on this Zoom account").format(host=profile.host)
    if profile.status == "inactive":
        return _("host {host} is an inactive user on this Zoom account").format(host=profile.host)
    if profile.status == "pending":
        return _(
            "host {host} has not accepted the invitation to this Zoom account yet (pending)"
        ).format(host=profile.host)
    return None


def passcode_problem(passcode: str, policy: Mapping[str, Any]) -> str | None:
    """The rule of the host's passcode policy that ``passcode`` breaks, in words, or None."""
    length = int(policy.get("length") or 0)
    if length and len(passcode) < length:
        return _("the host's passcode policy asks for at least {length} characters").format(
            length=length
        )
    if policy.get("only_allow_numeric") and not passcode.isdigit():
        return _("the host's passcode policy allows numbers only")
    if policy.get("have_letter") and not any(c.isalpha() for c in passcode):
        return _("the host's passcode policy asks for a letter")
    if policy.get("have_number") and not any(c.isdigit() for c in passcode):
        return _("the host's passcode policy asks for a number")
    if policy.get("have_special_character") and all(c.isalnum() for c in passcode):
        return _("the host's passcode policy asks for a special character")
    if policy.get("have_upper_and_lower_characters") and (
        passcode.lower() == passcode or passcode.upper() == passcode
    ):
        return _("the host's passcode policy asks for upper and lower case letters")
    return None


def basic_warning(profile: HostProfile, duration: int) -> str | None:
    """A Basic user's meeting longer than 40 minutes is made, but Zoom ends it early."""
    if profile.licence != BASIC or duration <= BASIC_LIMIT_MINUTES:
        return None
    return _(
        "warning: host {host} has a Basic (unlicensed) Zoom user, so this {duration}-minute "
        "meeting ends at 40 minutes when three or more people join"
    ).format(host=profile.host, duration=duration)


# -- double booking ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Booking:
    """One stretch of time a host is busy: a row's meeting (or occurrence) or one on Zoom."""

    start: datetime  # aware
    end: datetime
    row: int | None = None  # the sheet row, or None for a meeting found on Zoom
    meeting_id: str | None = None
    topic: str = ""
    zone: str = "UTC"  # where the times are shown

    def overlaps(self, other: Booking) -> bool:
        return self.start < other.end and other.start < self.end

    def describe(self) -> str:
        local = ZoneInfo(self.zone)
        start, end = self.start.astimezone(local), self.end.astimezone(local)
        times = f"{start:%Y-%m-%d %H:%M}-{end:%H:%M} {self.zone}"
        if self.row is not None:
            return _("row {row} ({times})").format(row=self.row, times=times)
        return _('meeting {meeting_id} "{topic}" already on Zoom ({times})').format(
            meeting_id=self.meeting_id, topic=self.topic, times=times
        )


def bookings_of(plan: MeetingRequest) -> list[Booking]:
    """Every stretch a row's meeting takes: one, or one per occurrence of a series."""
    length = timedelta(minutes=plan.duration)
    starts = [plan.start]
    if plan.recurrence is not None:
        starts = series_starts(plan.start, plan.timezone, plan.recurrence)
    return [
        Booking(start, start + length, row=plan.row, topic=plan.topic, zone=plan.timezone)
        for start in starts
    ]


def bookings_on_zoom(listing: Iterable[Mapping[str, Any]], zone: str) -> list[Booking]:
    """Meetings from Zoom's listing as bookings. A recurring meeting is listed by its next
    occurrence only, so only that one is seen: the listing says nothing of the others."""
    found: list[Booking] = []
    for meeting in listing:
        start = parse_moment(str(meeting.get("start_time") or ""))
        try:
            duration = int(meeting.get("duration") or 0)
        except (TypeError, ValueError):
            continue
        if start is None or duration <= 0:
            continue
        found.append(
            Booking(
                start,
                start + timedelta(minutes=duration),
                meeting_id=str(meeting.get("id") or ""),
                topic=str(meeting.get("topic") or ""),
                zone=zone,
            )
        )
    return found


def own_meetings(
    listing: Iterable[Mapping[str, Any]],
    host: str,
    plans: Iterable[MeetingRequest],
) -> list[Mapping[str, Any]]:
    """The listing without the meetings the given rows stand for.

    A row's own meeting is not a double booking: it is the one its ``meeting_id`` names, or one
    with the row's identity (find-before-create adopts it), or a recurring row's series listed
    at a later occurrence. A meeting an earlier run made for
    another row is a booking like any other.
    """
    plans = list(plans)
    ids = {plan.meeting_id for plan in plans if plan.meeting_id}
    identities = {plan.identity for plan in plans}
    series = [plan for plan in plans if plan.recurrence is not None]
    others: list[Mapping[str, Any]] = []
    for meeting in listing:
        if str(meeting.get("id")) in ids:
            continue
        start = parse_moment(str(meeting.get("start_time") or ""))
        try:
            duration = int(meeting.get("duration") or 0)
        except (TypeError, ValueError):
            duration = 0
        if start is not None:
            topic = str(meeting.get("topic") or "")
            if meeting_identity(host, topic, start, duration) in identities:
                continue
        # a series listed at a later occurrence than the row's first is the row's own too
        if any(shows_row(plan, meeting, host) for plan in series):
            continue
        others.append(meeting)
    return others


def double_bookings(
    plans: Sequence[MeetingRequest], on_zoom: Mapping[str, Sequence[Booking]]
) -> dict[int, str]:
    """Row -> a note naming what it overlaps, for every row whose host is booked twice.

    Hosts are compared without case. ``on_zoom`` maps a host (casefolded) to its meetings
    already on Zoom, without the rows' own (see ``own_meetings``).
    """
    by_host: dict[str, list[Booking]] = {}
    for plan in plans:
        by_host.setdefault(plan.host.casefold(), []).extend(bookings_of(plan))
    notes: dict[int, list[str]] = {}
    for host, bookings in by_host.items():
        bookings.sort(key=lambda booking: booking.start)
        for index, booking in enumerate(bookings):
            for other in bookings[index + 1 :]:
                if other.start >= booking.end:
                    break
                if other.row == booking.row:
                    continue
                assert booking.row is not None and other.row is not None
                _add(notes, booking.row, other.describe())
                _add(notes, other.row, booking.describe())
            for meeting in on_zoom.get(host, ()):
                if booking.overlaps(meeting):
                    assert booking.row is not None
                    _add(notes, booking.row, meeting.describe())
    return {
        row: _("double booking: its host is also booked for {others}").format(
            others=_listed(others)
        )
        for row, others in notes.items()
    }


def _listed(bookings: list[str]) -> str:
    """The other bookings, one after another (``; `` between them; ``、`` in Japanese)."""
    text = bookings[0]
    for booking in bookings[1:]:
        text = _("{bookings}; {booking}").format(bookings=text, booking=booking)
    return text


def _add(notes: dict[int, list[str]], row: int, what: str) -> None:
    seen = notes.setdefault(row, [])
    if what not in seen:
        seen.append(what)


# -- a pool of hosts ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PoolHost:
    email: str
    name: str = ""  # the person's name, which a ``host`` cell may hold instead of the email


def assign_hosts(
    plans: Sequence[MeetingRequest],
    pool: Sequence[str],
    busy: Mapping[str, Sequence[Booking]],
    writes_left: Mapping[str, int],
) -> dict[int, str | None]:
    """Row -> the pool host it takes (None: no host can take it), for rows without a host.

    Rows are placed in order of start; each takes, among the hosts free for all of its time and
    with creates left today, the one given the fewest rows so far (ties: the pool's order), so
    the rows spread evenly. ``busy`` (casefolded host -> bookings) holds each host's meetings
    already on Zoom and the sheet's rows that name it; ``writes_left`` its creates+updates left.
    """
    taken: dict[str, list[Booking]] = {
        host.casefold(): list(busy.get(host.casefold(), ())) for host in pool
    }
    left = {
        host.casefold(): writes_left.get(host.casefold(), DAILY_WRITES_PER_HOST) for host in pool
    }
    given = {host.casefold(): 0 for host in pool}
    chosen: dict[int, str | None] = {}
    for plan in sorted(plans, key=lambda plan: (plan.start, plan.row)):
        wanted = bookings_of(plan)
        free = [
            host
            for host in pool
            if left[host.casefold()] > 0
            and not any(a.overlaps(b) for a in wanted for b in taken[host.casefold()])
        ]
        if not free:
            chosen[plan.row] = None
            continue
        host = min(free, key=lambda candidate: given[candidate.casefold()])
        key = host.casefold()
        taken[key].extend(wanted)
        left[key] -= 1
        given[key] += 1
        chosen[plan.row] = host
    return chosen


def no_host_reason(plan: MeetingRequest, pool: Sequence[str]) -> str:
    first = bookings_of(plan)[0]
    local = ZoneInfo(plan.timezone)
    times = (
        f"{first.start.astimezone(local):%Y-%m-%d %H:%M}-{first.end.astimezone(local):%H:%M} "
        f"{plan.timezone}"
    )
    return _(
        "row {row}: host: no host of the pool ({pool}) is free at {times} with creates left "
        "today (Zoom allows {limit} creates and updates a day per host)"
    ).format(row=plan.row, pool=_(", ").join(pool), times=times, limit=DAILY_WRITES_PER_HOST)
