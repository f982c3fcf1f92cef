"""Before a host's first write: look it up once, choose hosts from the pool, flag overlaps.

The batch runs this once for all hosts, or (a batch of creates naming their hosts) for the
first host and for the others at once, so that the first host's creates need not wait for the
other hosts' answers (``batch``); every check here is of one host's rows, except the pool's
choice, which reads every host's listing and so keeps the single run.

For each distinct host of the rows that will be written (and each host of the pool), one
``GET /users/{host}`` and one ``GET /users/{host}/settings`` through the shared pacer, and one
listing of the host's upcoming meetings. The rules are in ``rows/hosts.py``; this module only
fetches and hands over. A look-up that fails for another reason than "no such user" leaves the
host unchecked (the create will say what Zoom thinks); a missing scope stops the look-ups with
one warning, and the batch goes on.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any

from ..errors import ConnectionLost, NotFound, ZoomError
from ..i18n import _
from ..models import MEETING, WEBINAR, Kind, MeetingRequest, meeting_identity, parse_moment
from ..rows.hosts import DAILY_WRITES_PER_HOST as DAILY_WRITES
from ..rows.hosts import (
    Booking,
    HostProfile,
    assign_hosts,
    basic_warning,
    bookings_of,
    bookings_on_zoom,
    double_bookings,
    host_refusal,
    no_host_reason,
    own_meetings,
    passcode_problem,
    webinar_refusal,
)
from ..zoom.client import ZoomClient
from ..zoom.retry import Operation
from ..zoom_forms import same_start, same_topic
from .session import Background

Call = Callable[[Callable[[], Any], Operation], Any]

#: Seconds all of a run's host look-ups may wait on a failing or busy Zoom, together. The checks
#: help but are not needed: a host left unchecked is still created, and Zoom's answer tells.
LOOK_UP_BUDGET = 10.0

#: The scopes the look-ups need: classic, or the granular pair.
USER_SCOPE_HINT = (
    "user:read:admin (or the granular user:read:user:admin and user:read:settings:admin)"
)
#: Scopes that let ``GET /users/{host}`` through: classic read or write, or the granular read.
USER_READ_SCOPES = frozenset({"user:read:admin", "user:write:admin", "user:read:user:admin"})


def reads_users(scopes: frozenset[str] | None) -> bool | None:
    """Whether the token's scopes let the app look hosts up: None when they do not say.

    A token without a ``scope``, or with ``user:`` scopes we do not know, is not taken as a
    refusal: its first look-up asks Zoom.
    """
    if scopes is None:
        return None
    if scopes & USER_READ_SCOPES:
        return True
    return None if any(scope.startswith("user:") for scope in scopes) else False


@dataclass
class Preflight:
    """What the look-ups found, for ``batch`` to apply to the rows."""

    refused: dict[int, str] = field(default_factory=dict)  # row -> why it is invalid
    notes: dict[int, str] = field(default_factory=dict)  # row -> warnings for its result
    assigned: dict[int, str] = field(default_factory=dict)  # pool row -> host chosen
    listings: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # casefolded host
    #: the pool hosts' webinars, read when a host-less row is a webinar (casefolded host)
    webinar_listings: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    #: pool row -> why it is not created in this run: a pool host's listing could not be read,
    #: so nothing shows that host does not hold the row's meeting already (``failed``)
    unproven: dict[int, str] = field(default_factory=dict)
    profiles: dict[str, HostProfile] = field(default_factory=dict)  # casefolded host
    warnings: list[str] = field(default_factory=list)  # batch-wide lines (scope, pool hosts)
    #: what the look-ups learned of the app's scope: False, refused; True, asked and not
    #: refused; None, not asked (``look_up_hosts``'s ``user_scope`` for the next hosts)
    user_scope: bool | None = None
    scope_warning: str | None = None  # the line of ``warnings`` that says the scope is missing

    def note(self, row: int, text: str) -> None:
        self.notes[row] = _("; ").join((self.notes[row], text)) if row in self.notes else text

    def merge(self, other: Preflight) -> None:
        """Add what ``other`` found for other hosts (and their rows) to this."""
        self.refused.update(other.refused)
        for row, text in other.notes.items():
            self.note(row, text)
        self.assigned.update(other.assigned)
        self.listings.update(other.listings)
        self.webinar_listings.update(other.webinar_listings)
        self.unproven.update(other.unproven)
        self.profiles.update(other.profiles)
        said = self.scope_warning is not None  # once is enough, whatever the reason given
        self.warnings += [
            line
            for line in other.warnings
            if line not in self.warnings and not (said and line == other.scope_warning)
        ]
        self.scope_warning = self.scope_warning or other.scope_warning
        if other.user_scope is not None:
            self.user_scope = other.user_scope


def _missing_scope(error: ZoomError) -> bool:
    return error.code == 4711 or (
        error.code == 4700 and "does not contain scopes" in error.message.lower()
    )


class _ScopeMissing(Exception):
    pass


#: Runs tasks, possibly at once (``Session.run_tasks``: the workers, paced together).
Runner = Callable[[Sequence[Callable[[], None]]], None]


def one_by_one(tasks: Sequence[Callable[[], None]]) -> None:
    for task in tasks:
        task()


def look_up_hosts(
    call: Call,
    zoom: ZoomClient,
    hosts: Iterable[str],
    found: Preflight,
    run_tasks: Runner = one_by_one,
    policy_for: Iterable[str] = (),
    user_scope: bool | None = None,
) -> None:
    """Fill ``found.profiles``; a missing scope adds a warning and stops the look-ups.

    ``user_scope`` is what the token's scopes say (``reads_users``). True: every host is looked
    up at once, through the shared pacer. False: none is, and the warning says why. None: the
    first host is looked up alone, so that if the app lacks the scope, that one refusal says so
    and no other host is asked. Settings (the passcode policy) are read only for the hosts in
    ``policy_for``: those with a row that sets a passcode.
    """
    with_policy = {host.casefold() for host in policy_for}
    todo = [host for host in dict.fromkeys(hosts) if host.casefold() not in found.profiles]
    missing: list[str] = []
    if user_scope is False and todo:
        missing.append(_("the token's scopes do not include it"))
        todo = []

    def look_up(host: str) -> None:
        try:
            profile = _profile(call, zoom, host, host.casefold() in with_policy)
        except _ScopeMissing as refused:
            missing.append(str(refused))
            return
        found.profiles[host.casefold()] = profile  # one key per task: no two threads share it

    asked = bool(todo)
    if todo and user_scope is None:
        look_up(todo[0])
        todo = todo[1:]
    if not missing:
        run_tasks([partial(look_up, host) for host in todo])
    found.user_scope = False if missing else True if asked else user_scope
    if missing:
        found.scope_warning = _(
            "the app may not read users ({reason}): add the scope {scope} to check hosts "
            "before sending; this run goes on without those checks"
        ).format(reason=missing[0], scope=USER_SCOPE_HINT)
        found.warnings.append(found.scope_warning)


def _profile(call: Call, zoom: ZoomClient, host: str, policy: bool) -> HostProfile:
    try:
        user = call(partial(zoom.get_user, host), Operation.READ)
    except NotFound:
        return HostProfile.from_zoom(host, None, None)
    except ZoomError as error:
        if _missing_scope(error):
            raise _ScopeMissing(error.describe()) from error
        return HostProfile(host)  # unchecked: the create will tell
    except ConnectionLost:
        return HostProfile(host)
    if not policy:
        return HostProfile.from_zoom(host, user, None)
    try:
        settings = call(partial(zoom.get_user_settings, host), Operation.READ)
    except ZoomError as error:
        if _missing_scope(error):
            raise _ScopeMissing(error.describe()) from error
        settings = None
    except ConnectionLost:
        settings = None
    return HostProfile.from_zoom(host, user, settings)


#: Lists hosts' meetings: host -> the listing, or the error that stopped it (Session.list_hosts).
Lister = Callable[[list[str]], Mapping[str, Any]]


def keep_listings(listings: Mapping[str, Any], found: Preflight, kind: Kind = MEETING) -> None:
    """The listings that came back, for hosts Zoom knows; a failed one is left out.

    In a run the lister is ``Session.list_hosts``: the listings stay on the session, so
    find-before-create reads them instead of listing the same hosts again.
    """
    kept = found.webinar_listings if kind == WEBINAR else found.listings
    for host, listing in listings.items():
        known = (found.profiles.get(host.casefold()) or HostProfile(host)).exists
        if isinstance(listing, list) and known:
            kept[host.casefold()] = listing


def look_up_and_list(
    call: Call,
    zoom: ZoomClient,
    hosts: Sequence[str],
    found: Preflight,
    *,
    lister: Lister,
    run_tasks: Runner,
    policy_for: Iterable[str],
    user_scope: bool | None,
) -> None:
    """The look-ups and the listings at once: neither needs the other's answer.

    The listings go on a thread of their own while this one looks the hosts up, so the batch
    waits for Zoom once instead of twice before its first create. A host Zoom does not know is
    listed for nothing (its listing is refused, and left out).
    """
    listed: dict[str, Any] = {}
    listing = Background(
        lambda: listed.update(lister(list(dict.fromkeys(hosts)))), "batch_zoom-listings"
    )
    look_up_hosts(call, zoom, hosts, found, run_tasks, policy_for, user_scope)
    listing.wait()
    keep_listings(listed, found)


def lister_for(call: Call, zoom: ZoomClient, kind: Kind = MEETING) -> Lister:
    """A lister without a session (``--check``): one host after another."""

    def list_each(hosts: list[str]) -> dict[str, Any]:
        listings: dict[str, Any] = {}
        for host in hosts:
            try:
                listings[host] = list(call(partial(_list_all, zoom, host, kind), Operation.READ))
            except (ZoomError, ConnectionLost) as error:
                listings[host] = error
        return listings

    return list_each


def _list_all(zoom: ZoomClient, host: str, kind: Kind = MEETING) -> list[dict[str, Any]]:
    return list(zoom.list_meetings(host, kind=kind))


def check_rows(plans: Sequence[MeetingRequest], found: Preflight) -> None:
    """Refuse rows of hosts that cannot have them; warn of Basic users' long meetings."""
    for plan in plans:
        profile = found.profiles.get(plan.host.casefold())
        if profile is None:
            continue
        refusal = host_refusal(profile)
        if refusal is not None:
            found.refused[plan.row] = _("row {row}: {reason}").format(row=plan.row, reason=refusal)
            continue
        if plan.kind == WEBINAR and (
            refusal := webinar_refusal(profile, len(plan.registrants))
        ):  # the settings say so before anything is sent (issue 25)
            found.refused[plan.row] = _("row {row}: {reason}").format(row=plan.row, reason=refusal)
            continue
        if plan.passcode and (rule := passcode_problem(plan.passcode, profile.passcode_policy)):
            found.refused[plan.row] = _("row {row}: passcode {value}: {rule}").format(
                row=plan.row, value=plan.passcode, rule=rule
            )
            continue
        warning = basic_warning(profile, plan.duration)
        if warning is not None:
            found.note(plan.row, warning)


def choose_hosts(
    pool_plans: Sequence[MeetingRequest],
    pool: Sequence[str],
    named: Sequence[MeetingRequest],
    found: Preflight,
    known: Callable[[str], bool],
) -> None:
    """Give each host-less row a host of the pool, or refuse it with the reason.

    A row some pool host already holds (the journal or Zoom's listing knows the meeting under
    that host) keeps that host, so running the original sheet again makes nothing twice.
    """
    usable: list[str] = []
    for host in pool:
        profile = found.profiles.get(host.casefold())
        refusal = host_refusal(profile) if profile is not None else None
        if refusal is None:
            usable.append(host)
        else:
            found.warnings.append(
                _("{reason}: it takes no rows from the pool").format(reason=refusal)
            )
    writes: Counter[str] = Counter(plan.host.casefold() for plan in named)
    busy: dict[str, list[Booking]] = {}
    for host in usable:
        key = host.casefold()
        busy[key] = bookings_on_zoom(found.listings.get(key, []), "UTC")
    for plan in named:
        busy.setdefault(plan.host.casefold(), []).extend(bookings_of(plan))
    open_rows: list[MeetingRequest] = []
    for plan in pool_plans:
        holder = next(
            (host for host in usable if known(_identity(plan, host)) or _listed(plan, host, found)),
            None,
        )
        # a host without the Webinar add-on holds no webinar (its webinars may not be listable)
        could_hold = [h for h in usable if plan.kind != WEBINAR or _seats(found, h) != 0]
        unread = [h for h in could_hold if h.casefold() not in _listings(found, plan.kind)]
        if holder is None and unread:
            # absence is proven only by a listing read whole: the row may be on that host
            found.unproven[plan.row] = _(
                "not created: the pool's {hosts} could not be listed, so nothing shows that "
                "this meeting is not there already; a re-run will look again"
            ).format(hosts=_(", ").join(unread))
            continue
        if holder is None:
            open_rows.append(plan)
            continue
        found.assigned[plan.row] = holder
        key = holder.casefold()
        writes[key] += 1
        busy[key] = [b for b in busy.get(key, []) if not _same_meeting(b, plan)]
        busy[key].extend(bookings_of(plan))
    left = {host.casefold(): DAILY_WRITES - writes[host.casefold()] for host in usable}
    by_row = {plan.row: plan for plan in open_rows}
    meetings = [plan for plan in open_rows if plan.kind != WEBINAR]
    assigned = assign_hosts(meetings, usable, busy, left)
    for row, chosen in assigned.items():  # the webinars are placed around the meetings
        if chosen is not None:
            busy.setdefault(chosen.casefold(), []).extend(bookings_of(by_row[row]))
            left[chosen.casefold()] -= 1
    # a webinar goes only to a host with the Webinar add-on (or whose settings did not say)
    licensed = [host for host in usable if _seats(found, host) != 0]
    webinars = [plan for plan in open_rows if plan.kind == WEBINAR]
    assigned.update(assign_hosts(webinars, licensed, busy, left))
    for row, chosen in assigned.items():
        if chosen is None and by_row[row].kind == WEBINAR and not licensed:
            found.refused[row] = _(
                "row {row}: host: no host of the pool ({pool}) has a Zoom Webinar licence"
            ).format(row=row, pool=_(", ").join(pool))
        elif chosen is None:
            hosts = licensed if by_row[row].kind == WEBINAR else usable
            found.refused[row] = no_host_reason(by_row[row], hosts or list(pool))
        else:
            found.assigned[row] = chosen


def _seats(found: Preflight, host: str) -> int | None:
    profile = found.profiles.get(host.casefold())
    return None if profile is None else profile.webinar_seats


def _identity(plan: MeetingRequest, host: str) -> str:
    return meeting_identity(host, plan.topic, plan.start, plan.duration, plan.kind)


def _listings(found: Preflight, kind: Kind) -> dict[str, list[dict[str, Any]]]:
    return found.webinar_listings if kind == WEBINAR else found.listings


def _listed(plan: MeetingRequest, host: str, found: Preflight) -> bool:
    wanted = _identity(plan, host)
    listing = _listings(found, plan.kind).get(host.casefold(), [])
    return any(_identity_of(meeting, host, plan.kind) == wanted for meeting in listing)


def _identity_of(meeting: Mapping[str, Any], host: str, kind: Kind = MEETING) -> str | None:
    start = parse_moment(str(meeting.get("start_time") or ""))
    try:
        duration = int(meeting.get("duration") or 0)
    except (TypeError, ValueError):
        return None
    if start is None:
        return None
    return meeting_identity(host, str(meeting.get("topic") or ""), start, duration, kind)


def _same_meeting(booking: Booking, plan: MeetingRequest) -> bool:
    """A meeting found on Zoom that is this row's own: not a booking against it."""
    return (
        booking.row is None
        and same_topic(booking.topic, plan.topic)
        and same_start(booking.start, plan.start)
    )


def flag_double_bookings(
    plans: Sequence[MeetingRequest],
    found: Preflight,
    *,
    refuse: bool,
    managed: Sequence[MeetingRequest] = (),
) -> None:
    """Overlaps per host, in the sheet and with Zoom: a note, or ``invalid`` when ``refuse``.

    ``managed`` rows (their meetings exist) count as bookings and get the note, but are never
    refused: refusing would leave their meeting as it was, not unbooked.
    """
    never_refused = {plan.row for plan in managed}
    plans = [*plans, *managed]
    by_host: dict[str, list[MeetingRequest]] = {}
    for plan in plans:
        by_host.setdefault(plan.host.casefold(), []).append(plan)
    on_zoom = {
        key: bookings_on_zoom(
            own_meetings(found.listings.get(key, []), rows[0].host, rows),
            rows[0].timezone,
        )
        for key, rows in by_host.items()
    }
    for row, note in double_bookings(plans, on_zoom).items():
        if refuse and row not in never_refused:
            found.refused[row] = _("row {row}: {note} (--no-double-booking)").format(
                row=row, note=note
            )
        else:
            found.note(row, note)


def with_host(plan: MeetingRequest, host: str) -> MeetingRequest:
    return replace(plan, host=host)


def run_preflight(
    call: Call,
    zoom: ZoomClient,
    named: Sequence[MeetingRequest],
    pool_plans: Sequence[MeetingRequest],
    pool: Sequence[str],
    *,
    lister: Lister,
    run_tasks: Runner = one_by_one,
    known: Callable[[str], bool],
    refuse_double_booking: bool,
    managed: Sequence[MeetingRequest] = (),
    user_scope: bool | None = None,
    webinar_lister: Lister | None = None,
) -> Preflight:
    """Everything the batch needs to know about its hosts, read before the first write.

    ``named``: rows that name their host (to create, settle or update); ``pool_plans``: rows
    that take a host from ``pool``. ``known`` says whether the journal knows an identity.
    ``webinar_lister`` lists the pool hosts' webinars when a host-less row is a webinar
    (without it, such a row is not created: nothing shows it is not held already).
    ``managed``: rows whose meeting exists; not looked up (they are written only if changed),
    but their times are bookings for the pool and for double booking. ``user_scope``: what the
    token's scopes say about looking users up (``reads_users``).
    """
    found = Preflight()
    hosts = [plan.host for plan in named] + list(pool if pool_plans else [])
    # settings: the passcode policy, and a webinar host's Webinar add-on
    policy_for = [plan.host for plan in named if plan.passcode or plan.kind == WEBINAR]
    if any(plan.passcode or plan.kind == WEBINAR for plan in pool_plans):
        policy_for += list(pool)
    look_up_and_list(
        call,
        zoom,
        hosts,
        found,
        lister=lister,
        run_tasks=run_tasks,
        policy_for=policy_for,
        user_scope=user_scope,
    )
    check_rows(named, found)
    kept = [plan for plan in named if plan.row not in found.refused]
    if webinar_lister is not None and any(plan.kind == WEBINAR for plan in pool_plans):
        # a host-less webinar may be held by any pool host: read their webinars too
        keep_listings(webinar_lister(list(dict.fromkeys(pool))), found, WEBINAR)
    if pool_plans:
        choose_hosts(pool_plans, pool, [*kept, *managed], found, known)
        placed = [
            with_host(plan, found.assigned[plan.row])
            for plan in pool_plans
            if plan.row in found.assigned
        ]
        check_rows(placed, found)
        kept += [plan for plan in placed if plan.row not in found.refused]
    flag_double_bookings(kept, found, refuse=refuse_double_booking, managed=managed)
    return found
