"""Creating meetings exactly once.

Zoom is the ledger: before a host's first create in a run, that host's scheduled meetings are
listed once, and a row whose meeting Zoom already holds (same host, topic, start instant and
duration; for a recurring row, a recurring meeting of the same series, listed at whichever of
its occurrences comes next) is adopted as ``exists``
instead of being made again. That covers a lost or deleted journal, another output name and
another computer; the journal stays the fast path and the record of creates in flight.

A create is journaled as ``sending`` (durably) before the POST and as ``created`` as soon as its
answer is back. A create whose outcome is unknown (timeout, connection lost after sending, 5xx,
a 2xx that is not a meeting, a redirect) is never sent again blindly: when every request of the
round has finished, Zoom is looked up (one listing per host, all hosts in parallel), after a
settling wait, because Zoom may still be making a meeting whose answer we stopped waiting for.
A row not found is looked up a second time, ``recheck_seconds`` later, before it is sent again:
a create Zoom finished 35 s after it was sent (past the 30 s read timeout) is found then, not
made twice. Only rows Zoom did not make go round again, for as long as the waiting budget lasts;
a row whose create met a redirect is failed instead (sending again meets the same redirect).
A meeting known without its join link (a 201 without ``join_url``, a listing item without one)
is completed with ``GET /meetings/{id}``.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from ..errors import ConnectionLost, DailyLimitReached, ZoomError
from ..i18n import _
from ..models import (
    MEETING,
    WEBINAR,
    InvalidRow,
    Kind,
    MeetingRequest,
    Status,
    meeting_identity,
    parse_moment,
)
from ..rows.recurrence import confirms_series, shows_row
from ..rows.validate import refused_as_past
from ..zoom.retry import Operation, Verdict, backoff, decide, send_again_after_lookup
from .journal import MeetingRecord
from .outcomes import failure, invalid, made, pending_unknown, problem, reason, record_of
from .session import Session

#: Zoom's types of a series with no fixed time (a meeting's 3, a webinar's 6): no start
NO_FIXED_TIME = frozenset({MEETING.no_fixed_time_type, WEBINAR.no_fixed_time_type})


#: Told of a host (and the kind of its rows) whose creates are all answered.
HostDone = Callable[[str, Kind], None]


def create_all(
    session: Session,
    plans: list[MeetingRequest],
    on_host_done: HostDone | None = None,
    sent: threading.Event | None = None,
) -> None:
    """Create ``plans``, settling each row once, whatever Zoom does.

    The first round sends the rows host by host (in the order of the sheet within each), and
    ``on_host_done`` hears of each host whose creates are all answered, none of unknown outcome:
    its meetings can be listed for the receipt while other hosts' rows are still being sent.
    ``sent`` is set once the first round's last create has begun (or there is none).
    """
    try:
        _create_all(session, plans, on_host_done, sent)
    finally:
        if sent is not None:
            sent.set()


def _create_all(
    session: Session,
    plans: list[MeetingRequest],
    on_host_done: HostDone | None,
    sent: threading.Event | None,
) -> None:
    pending, round_number, waited = _not_past(session, find_before_create(session, plans)), 0, 0.0
    while pending and not session.stop.is_set():
        round_number += 1
        unknown: list[MeetingRequest] = []
        answers: dict[int, BaseException] = {}  # row -> what its create of unknown outcome met
        if round_number == 1 and on_host_done is not None:
            tasks = _host_by_host(session, pending, unknown, answers, on_host_done)
        else:
            tasks = [partial(create, session, plan, unknown, answers) for plan in pending]
        session.run_tasks(tasks, sent if round_number == 1 else None)
        if session.stop.is_set():
            for plan in unknown:
                session.settle(pending_unknown(plan))
            return
        if not unknown:
            return
        pending = reconcile(session, unknown, adopted=Status.CREATED)
        waited += session.settings.settle_seconds + (
            session.settings.recheck_seconds if pending else 0.0
        )
        final = [plan for plan in pending if not send_again_after_lookup(answers[plan.row])]
        for plan in final:
            session.settle(problem(plan, Status.FAILED, failure(answers[plan.row])))
        failed_rows = {plan.row for plan in final}
        pending = [plan for plan in pending if plan.row not in failed_rows]
        pause = backoff(round_number)
        if pending and waited + pause > session.settings.max_wait:
            for plan in pending:
                session.settle(
                    problem(
                        plan,
                        Status.FAILED,
                        _(
                            "Zoom kept failing while creating this meeting and did not make it; "
                            "a re-run will try again"
                        ),
                    )
                )
            return
        if pending:
            session.sleep(pause)  # Zoom is failing: give it a moment before the next round
            waited += pause


def _not_past(session: Session, plans: list[MeetingRequest]) -> list[MeetingRequest]:
    """The rows to create that do not start in the past (by Zoom's clock); the others are
    refused as the sheet's check refuses them. Only here, once neither the journal nor Zoom
    holds the row's meeting: a row already made is never refused for its start."""
    now = session.now()
    kept: list[MeetingRequest] = []
    for plan in plans:
        refused = refused_as_past(plan, now)
        if refused is None:
            kept.append(plan)
        else:
            session.settle(replace(invalid(refused), host=plan.host, topic=plan.topic))
    return kept


def _host_by_host(
    session: Session,
    plans: list[MeetingRequest],
    unknown: list[MeetingRequest],
    answers: dict[int, BaseException],
    on_host_done: HostDone,
) -> list[Callable[[], None]]:
    """The creates grouped by host (and kind); a host's last answer tells ``on_host_done``."""
    by_host = _by_host(plans)
    left = {key: len(host_plans) for key, host_plans in by_host.items()}
    lock = threading.Lock()

    def one(plan: MeetingRequest) -> None:
        try:
            create(session, plan, unknown, answers)
        finally:
            key = _host_key(plan)
            with lock:
                left[key] -= 1
                done = left[key] == 0 and not any(_host_key(p) == key for p in unknown)
            # only a host with a meeting made to check (a host whose creates all failed has
            # nothing for the receipt, and listing it could wait out a 429's Retry-After)
            if done and not session.stop.is_set() and _made_any(session, by_host[key]):
                on_host_done(by_host[key][0].host, plan.kind)

    return [partial(one, plan) for host_plans in by_host.values() for plan in host_plans]


def _made_any(session: Session, plans: list[MeetingRequest]) -> bool:
    return any(
        (result := session.result(plan.row)) is not None and bool(result.meeting_id)
        for plan in plans
    )


def create(
    session: Session,
    plan: MeetingRequest,
    unknown: list[MeetingRequest],
    answers: dict[int, BaseException] | None = None,
) -> None:
    """One row: journal, POST, journal. A row of unknown outcome is added to ``unknown``."""
    deferred = session.deferred_for(plan.host)
    if deferred is not None:
        session.settle(problem(plan, Status.DEFERRED, deferred))
        return
    session.journal.record("sending", id=plan.identity, host=plan.host, row=plan.row)
    try:
        meeting = session.call(
            partial(session.zoom.create_meeting, plan.host, plan.create_body(), plan.kind),
            Operation.CREATE,
        )
    except (ZoomError, ConnectionLost) as error:
        verdict = decide(error, Operation.CREATE, 1).verdict
        if verdict is Verdict.RECONCILE:
            if answers is not None:
                answers[plan.row] = error
            unknown.append(plan)  # list.append is atomic; the journal keeps it in flight
            return
        session.journal.record("not_sent", id=plan.identity)
        if isinstance(error, DailyLimitReached):
            session.settle(problem(plan, Status.DEFERRED, session.spend_host(plan.host, error)))
        elif plan.kind == WEBINAR and no_webinar_plan(error):
            why = _("host {host} has no Zoom Webinar licence (Zoom: {reason})").format(
                host=plan.host, reason=reason(error)
            )
            session.settle(problem(plan, Status.INVALID, InvalidRow(plan.row, (why,)).message))
        else:
            session.settle(problem(plan, Status.FAILED, failure(error, verdict)))
        return
    record, note = complete(session, record_of(meeting, plan.host), plan.kind)
    remember(session, plan, record)
    session.settle(made(plan, _unless_unlinked(Status.CREATED, record), record, note))


#: Zoom's refusal of a webinar for a host without the Webinar add-on: Meetings.json's words
#: ("Webinar plan is missing...", code 200) and those users quote ("Subscription plan for
#: webinar is missing").
NO_WEBINAR_PLAN = re.compile(r"webinar plan is missing|subscription plan for webinar", re.I)


def no_webinar_plan(error: BaseException) -> bool:
    return isinstance(error, ZoomError) and bool(NO_WEBINAR_PLAN.search(error.message or ""))


def complete(
    session: Session, record: MeetingRecord, kind: Kind = MEETING
) -> tuple[MeetingRecord, str]:
    """A meeting known without its join link, completed with ``GET /meetings/{id}``.

    Returns the record and, when the link could still not be had, a note saying a re-run will
    fetch it (the journal keeps the meeting id, so the row is never created again; the row is
    ``pending`` meanwhile, so the run does not end as if every link were there).
    """
    if record.join_url:
        return record, ""
    try:
        meeting = session.get(record.meeting_id, kind)
    except (ZoomError, ConnectionLost) as error:
        why = reason(error)
    else:
        if meeting is not None and meeting.get("join_url"):
            return record_of(meeting, record.host), ""
        why = _("Zoom gave no join link") if meeting else _("Zoom says it does not exist")
    note = _(
        "Zoom made meeting {meeting_id} but its join link could not be read ({reason}); "
        "a re-run will fetch it"
    ).format(meeting_id=record.meeting_id, reason=why)
    return record, note


def _unless_unlinked(status: Status, record: MeetingRecord) -> Status:
    return status if record.join_url else Status.PENDING


def complete_link(session: Session, plan: MeetingRequest, record: MeetingRecord) -> None:
    """A row an earlier run made without reading its join link: fetch the link now."""
    completed, note = complete(session, record, plan.kind)
    if completed.join_url:
        remember(session, plan, completed)
    session.settle(made(plan, _unless_unlinked(Status.EXISTS, completed), completed, note))


def reconcile(
    session: Session, plans: list[MeetingRequest], *, adopted: Status
) -> list[MeetingRequest]:
    """Settle creates of unknown outcome: adopt what Zoom made, return what it did not.

    Two looks, each one listing per host (all hosts in parallel) taken after every request it
    must account for has finished: the first after ``settle_seconds``, the second, for rows the
    first did not find, ``recheck_seconds`` later. Only a row neither look found is returned (and
    journaled ``not_sent``) for sending again. Rows whose host cannot be listed stay in flight in
    the journal, for the next run to look up; so do rows a listing did not show when it could
    not be read whole (items that are not meetings): absence is proven only by a listing read
    whole and understood.
    """
    known_ids = {record.meeting_id for record in session.journal.state.created.values()}
    unproven: dict[int, str] = {}  # row -> why its last look proves nothing absent
    look = partial(_look, session, adopted=adopted, known_ids=known_ids, unproven=unproven)
    missing = look(plans, wait=session.settings.settle_seconds)
    if missing and not session.stop.is_set():
        missing = look(missing, wait=session.settings.recheck_seconds)
    if session.stop.is_set():
        for plan in missing:
            session.settle(pending_unknown(plan))
        return []
    absent = []
    for plan in missing:
        if plan.row in unproven:  # stays in flight: nothing is sent again, a re-run looks again
            session.settle(problem(plan, Status.FAILED, unproven[plan.row]))
            continue
        session.journal.record("not_sent", id=plan.identity, looked_up=True)
        absent.append(plan)
    return absent


def _look(
    session: Session,
    plans: list[MeetingRequest],
    *,
    adopted: Status,
    wait: float,
    known_ids: set[str],
    unproven: dict[int, str],
) -> list[MeetingRequest]:
    """One look on Zoom for ``plans`` after ``wait`` seconds; returns the rows it did not find
    (in ``unproven`` too, with the reason, when the listing could not prove them absent)."""
    if wait > 0:
        session.sleep(wait)
    not_found: list[MeetingRequest] = []
    for kind, plans_of_kind in by_kind(plans).items():
        not_found += _look_at(session, plans_of_kind, kind, adopted, known_ids, unproven)
    return not_found


def _look_at(
    session: Session,
    plans: list[MeetingRequest],
    kind: Kind,
    adopted: Status,
    known_ids: set[str],
    unproven: dict[int, str],
) -> list[MeetingRequest]:
    """``_look`` at the rows of one kind: each host's meetings, or each host's webinars."""
    by_host: dict[str, list[MeetingRequest]] = {}
    for plan in plans:
        by_host.setdefault(plan.host, []).append(plan)
    listings = session.list_hosts(by_host, fresh=True, kind=kind)
    not_found: list[MeetingRequest] = []
    for host, host_plans in by_host.items():
        listing = listings.get(host)
        if listing is None:  # Ctrl-C came before this host was listed
            for plan in host_plans:
                session.settle(pending_unknown(plan))
            continue
        if not isinstance(listing, list):
            for plan in host_plans:
                session.settle(
                    problem(
                        plan,
                        Status.FAILED,
                        _(
                            "Zoom may or may not have made this meeting and looking it up failed "
                            "({reason}); a re-run will look again before creating it"
                        ).format(reason=reason(listing)),
                    )
                )
            continue
        found = index_listing(listing, host, kind)
        unread = not_understood(listing)
        for plan in host_plans:
            unproven.pop(plan.row, None)
            meeting = found.get(plan.identity)
            if meeting is not None and str(meeting.get("id")) not in known_ids:
                record, note = complete(session, record_of(meeting, host), kind)
                known_ids.add(record.meeting_id)
                remember(session, plan, record, adopted=True)
                session.settle(made(plan, _unless_unlinked(adopted, record), record, note))
                continue
            not_found.append(plan)
            if unread:
                unproven[plan.row] = _(
                    "Zoom may or may not have made this meeting, and its list of {host}'s "
                    "meetings could not be read whole ({count} items were not meetings): nothing "
                    "was sent again; a re-run will look again before creating it"
                ).format(host=host, count=unread)
    return not_found


def find_before_create(
    session: Session, plans: list[MeetingRequest], *, fresh: bool = False
) -> list[MeetingRequest]:
    """Adopt the rows Zoom already holds a meeting for; return the rows still to create.

    One listing per host (kept on the session, so other checks can read it without asking
    again). Of two meetings matching one row, the oldest is adopted and the other named in the
    row's note, never deleted. Rows of a host that cannot be listed are not created in this run:
    creating them blind could make a second meeting.

    Zoom may list a new meeting some seconds late. When some rows are found made lately (a run
    of the same sheet a moment ago, killed, its journal gone) and others are not, those others
    are looked for again after ``listing_lag`` seconds before any is created.
    """
    kinds = by_kind(plans)
    if len(kinds) > 1:  # the same path for each kind: a host's meetings, then its webinars
        found_all = [find_before_create(session, group, fresh=fresh) for group in kinds.values()]
        return sorted((plan for group in found_all for plan in group), key=lambda p: p.row)
    kind = plans[0].kind if plans else MEETING
    claimed = {record.meeting_id for record in session.journal.state.created.values()}
    to_create: list[MeetingRequest] = []
    matched: list[tuple[MeetingRequest, list[dict[str, Any]]]] = []
    by_host = _by_host(plans)
    # All hosts at once, under one waiting budget: a failing listing endpoint must not cost
    # ten minutes per host, one host after another.
    listings = session.list_hosts(
        (host_plans[0].host for host_plans in by_host.values()), fresh=fresh, kind=kind
    )
    for host_plans in by_host.values():
        host = host_plans[0].host
        listing = listings.get(host)
        if listing is None:  # Ctrl-C came before this host was listed: nothing was sent
            continue
        if not isinstance(listing, list):
            for plan in host_plans:
                session.settle(problem(plan, Status.FAILED, _unlisted(listing)))
            continue
        found = matches_by_identity(listing, host, kind)
        unread = not_understood(listing)
        for plan in host_plans:
            candidates = [
                meeting
                for meeting in found.get(plan.identity, []) or series_listed(listing, plan, host)
                if str(meeting.get("id")) not in claimed and same_kind(plan, meeting)
            ]
            if not candidates and unread:
                # An item we could not read may be this row's meeting (a colleague's run, an
                # earlier run without its journal): absence is proven only by a listing read
                # whole, so nothing is created for this host's unmatched rows in this run.
                session.settle(problem(plan, Status.FAILED, _unread_listing(host, unread)))
                continue
            if not candidates:
                to_create.append(plan)
                continue
            claimed.update(str(meeting.get("id")) for meeting in candidates)
            matched.append((plan, candidates))
    session.run_tasks(
        [partial(_adopt, session, plan, candidates, to_create) for plan, candidates in matched]
    )
    lag = session.settings.listing_lag
    if to_create and not fresh and lag > 0 and _made_lately(matched, session.now()):
        session.sleep(lag)  # the listing may not show the last of them yet
        if not session.stop.is_set():
            return find_before_create(session, to_create, fresh=True)
    return sorted(to_create, key=lambda plan: plan.row)


#: A meeting of the batch found on Zoom made this recently may have siblings the listing does
#: not show yet (a run of the same sheet just before this one).
LATELY = timedelta(minutes=10)


def _made_lately(matched: list[tuple[MeetingRequest, list[dict[str, Any]]]], now: datetime) -> bool:
    for _plan, candidates in matched:
        for meeting in candidates:
            made_at = parse_moment(str(meeting.get("created_at") or ""))
            if made_at is not None and made_at >= now - LATELY:
                return True
    return False


def _adopt(
    session: Session,
    plan: MeetingRequest,
    candidates: list[dict[str, Any]],
    to_create: list[MeetingRequest],
) -> None:
    """Take the oldest meeting found on Zoom as the row's (its passcode read with one GET);
    for a recurring row, the oldest of the same series."""
    while candidates:
        listed, candidates = candidates[0], candidates[1:]
        try:
            meeting = session.get(str(listed.get("id")), plan.kind)
        except (ZoomError, ConnectionLost) as error:
            session.settle(problem(plan, Status.FAILED, _unlisted(error)))
            return
        # Read now, not as listed: a meeting another row just moved (PATCH) is no longer this
        # row's, though the listing taken before the edits still shows it here.
        if (
            meeting is not None
            and shows_row(plan, meeting, plan.host)
            and same_series(plan, meeting)
            and confirms_series(plan, meeting)
        ):
            break
    else:  # gone meanwhile, or other series: this row is not on Zoom yet
        to_create.append(plan)
        return
    others = [str(other.get("id")) for other in candidates]
    record = record_of({**listed, **meeting}, plan.host)
    remember(session, plan, record, adopted=True, found=True)
    note = _(
        "found on Zoom (made by an earlier run, another output or another computer) and kept "
        "as this row's meeting"
    )
    if others:
        note += _(
            "; Zoom also holds meeting {others} with the same host, topic, start and duration: "
            "it was left alone (--remove-duplicates deletes it)"
        ).format(others=", ".join(others))
    session.settle(made(plan, Status.EXISTS, record, note))


def _unlisted(error: BaseException) -> str:
    if isinstance(error, ZoomError) and error.status < 500 and error.status != 429:
        return failure(error)  # e.g. the host does not exist: the same words as a refused create
    return _(
        "not created: looking on Zoom for this meeting first failed ({reason}); a re-run will "
        "look again"
    ).format(reason=reason(error))


def _unread_listing(host: str, count: int) -> str:
    return _(
        "not created: Zoom's list of {host}'s meetings could not be read whole ({count} items "
        "were not meetings), so it cannot show that this meeting is not there already; a re-run "
        "will look again"
    ).format(host=host, count=count)


def _by_host(plans: Iterable[MeetingRequest]) -> dict[tuple[str, str], list[MeetingRequest]]:
    """Rows by what is listed for them: a host's meetings, or a host's webinars."""
    by_host: dict[tuple[str, str], list[MeetingRequest]] = {}
    for plan in plans:
        by_host.setdefault(_host_key(plan), []).append(plan)
    return by_host


def _host_key(plan: MeetingRequest) -> tuple[str, str]:
    return (plan.kind.name, plan.host.casefold())


def by_kind(plans: Iterable[MeetingRequest]) -> dict[Kind, list[MeetingRequest]]:
    """Rows by kind, meetings first: each kind goes through the same path with its own paths."""
    grouped: dict[Kind, list[MeetingRequest]] = {}
    for plan in sorted(plans, key=lambda plan: plan.kind != MEETING):
        grouped.setdefault(plan.kind, []).append(plan)
    return grouped


def series_listed(
    listing: Iterable[dict[str, Any]], plan: MeetingRequest, host: str
) -> list[dict[str, Any]]:
    """A recurring row's series in Zoom's listing of ``host``, at whatever occurrence Zoom
    lists it (its next one: the first may be over, or deleted in Zoom's portal), oldest first.
    A single row has none here: its meeting is found by identity."""
    if plan.recurrence is None:
        return []
    found = [
        meeting
        for meeting in listing
        if isinstance(meeting, dict) and shows_row(plan, meeting, host)
    ]
    return sorted(found, key=lambda meeting: str(meeting.get("created_at") or ""))


def same_kind(plan: MeetingRequest, meeting: dict[str, Any]) -> bool:
    """A recurring row matches only a recurring meeting, a single one only a single one."""
    zoom_type = meeting.get("type")
    if zoom_type is None:
        return True  # the listing did not say: the GET that follows checks the series
    return (zoom_type == plan.kind.recurring_type) == (plan.recurrence is not None)


def same_series(plan: MeetingRequest, meeting: dict[str, Any]) -> bool:
    if not same_kind(plan, meeting):
        return False
    if plan.recurrence is None:
        return True
    held = meeting.get("recurrence")
    if not isinstance(held, dict):
        return False
    for key, wanted in plan.recurrence.to_zoom().items():
        value = held.get(key)
        if key == "end_date_time":
            if parse_moment(str(value or "")) != parse_moment(str(wanted)):
                return False
        elif str(value) != str(wanted):
            return False
    return True


def matches_by_identity(
    listing: Iterable[dict[str, Any]], host: str, kind: Kind = MEETING
) -> dict[str, list[dict[str, Any]]]:
    """Zoom's listing of ``host`` (its meetings or, by ``kind``, its webinars) grouped by the
    identity the rows have, oldest first.

    Malformed items (no start, a duration that is not a number, not an object) are skipped.
    """
    found: dict[str, list[dict[str, Any]]] = {}
    for meeting in listing:
        if not isinstance(meeting, dict):
            continue
        start = parse_moment(str(meeting.get("start_time") or ""))
        try:
            duration = int(meeting.get("duration") or 0)
        except (TypeError, ValueError):
            continue
        if start is None:
            continue
        identity = meeting_identity(host, str(meeting.get("topic") or ""), start, duration, kind)
        found.setdefault(identity, []).append(meeting)
    for meetings in found.values():
        meetings.sort(key=lambda meeting: str(meeting.get("created_at") or ""))
    return found


def not_understood(listing: Iterable[Any]) -> int:
    """How many items of a listing were not understood as meetings: those the client skipped
    (``Listed.skipped``), and objects without a start or a length we can read (a recurring
    meeting with no fixed time, type 3, has no start and is understood)."""
    count = int(getattr(listing, "skipped", 0) or 0)
    for meeting in listing:
        if not isinstance(meeting, dict):
            count += 1
            continue
        if meeting.get("type") in NO_FIXED_TIME and "start_time" not in meeting:
            continue
        start = parse_moment(str(meeting.get("start_time") or ""))
        duration = meeting.get("duration")
        if start is None or isinstance(duration, bool) or not isinstance(duration, int | str):
            count += 1
            continue
        try:
            int(duration)
        except ValueError:
            count += 1
    return count


def index_listing(
    listing: Iterable[dict[str, Any]], host: str, kind: Kind = MEETING
) -> dict[str, dict[str, Any]]:
    """Zoom's listing of ``host`` keyed by the same identity the rows have."""
    # The oldest wins: it is the one a lost answer made.
    found = matches_by_identity(listing, host, kind)
    return {identity: meetings[0] for identity, meetings in found.items()}


def remember(
    session: Session,
    plan: MeetingRequest,
    record: MeetingRecord,
    *,
    adopted: bool = False,
    found: bool = False,
    refreshed: bool = False,
) -> None:
    """Journal the meeting a row stands for (made, adopted, found, or read again by the audit)."""
    extra: dict[str, Any] = {
        name: True
        for name, flag in (("adopted", adopted), ("found", found), ("refreshed", refreshed))
        if flag
    }
    if plan.kind != MEETING:  # a meeting's record reads as it always did
        extra["kind"] = plan.kind.name
    session.journal.record(
        "created",
        id=plan.identity,
        meeting_id=record.meeting_id,
        join_url=record.join_url,
        passcode=record.passcode,
        host=plan.host,
        input=session.settings.input_path.name,
        row=plan.row,
        **extra,
    )
