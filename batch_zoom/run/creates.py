"""Creating meetings exactly once.

A create is journaled as ``sending`` (durably) before the POST and as ``created`` as soon as its
answer is back. A create whose outcome is unknown (timeout, connection lost after sending, 5xx) is
never sent again blindly: when every request of the round has finished, one listing per host,
taken after them, settles all of that host's unknown rows together; only rows Zoom did not make
go round again, after a backoff, for as long as the waiting budget lasts.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from typing import Any

from ..errors import ConnectionLost, DailyLimitReached, ZoomError
from ..models import MeetingRequest, Status, meeting_identity, parse_moment
from ..zoom.client import ZoomClient
from ..zoom.retry import Operation, Verdict, backoff, decide
from .journal import MeetingRecord
from .outcomes import failure, made, pending_unknown, problem, reason, record_of
from .session import Session


def create_all(session: Session, plans: list[MeetingRequest]) -> None:
    """Create ``plans``, settling each row once, whatever Zoom does."""
    pending, round_number, waited = plans, 0, 0.0
    while pending and not session.stop.is_set():
        round_number += 1
        unknown: list[MeetingRequest] = []
        session.run_tasks([partial(create, session, plan, unknown) for plan in pending])
        if session.stop.is_set():
            for plan in unknown:
                session.settle(pending_unknown(plan))
            return
        if not unknown:
            return
        pending = reconcile(session, unknown, adopted=Status.CREATED)
        pause = backoff(round_number)
        if pending and waited + pause > session.settings.max_wait:
            for plan in pending:
                session.settle(
                    problem(
                        plan,
                        Status.FAILED,
                        "Zoom kept failing while creating this meeting and did not make it; "
                        "a re-run will try again",
                    )
                )
            return
        if pending:
            session.sleep(pause)  # Zoom is failing: give it a moment before the next round
            waited += pause


def create(session: Session, plan: MeetingRequest, unknown: list[MeetingRequest]) -> None:
    """One row: journal, POST, journal. A row of unknown outcome is added to ``unknown``."""
    deferred = session.deferred_for(plan.host)
    if deferred is not None:
        session.settle(problem(plan, Status.DEFERRED, deferred))
        return
    session.journal.record("sending", id=plan.identity, host=plan.host, row=plan.row)
    try:
        meeting = session.call(
            partial(session.zoom.create_meeting, plan.host, plan.create_body()), Operation.CREATE
        )
    except (ZoomError, ConnectionLost) as error:
        verdict = decide(error, Operation.CREATE, 1).verdict
        if verdict is Verdict.RECONCILE:
            unknown.append(plan)  # list.append is atomic; the journal keeps it in flight
            return
        session.journal.record("not_sent", id=plan.identity)
        if isinstance(error, DailyLimitReached):
            session.settle(problem(plan, Status.DEFERRED, session.spend_host(plan.host, error)))
        else:
            session.settle(problem(plan, Status.FAILED, failure(error, verdict)))
        return
    record = record_of(meeting, plan.host)
    _remember(session, plan, record)
    session.settle(made(plan, Status.CREATED, record))


def reconcile(
    session: Session, plans: list[MeetingRequest], *, adopted: Status
) -> list[MeetingRequest]:
    """Settle creates of unknown outcome: adopt what Zoom made, return what it did not.

    One listing per host, taken after every request it must account for has finished, and after
    a short pause for a request Zoom may still have been working on when we stopped waiting.
    Rows whose host cannot be listed stay in flight in the journal, for the next run to look up.
    """
    if session.settings.settle_seconds > 0:
        session.sleep(session.settings.settle_seconds)
    by_host: dict[str, list[MeetingRequest]] = {}
    for plan in plans:
        by_host.setdefault(plan.host, []).append(plan)
    known_ids = {record.meeting_id for record in session.journal.state.created.values()}
    not_made: list[MeetingRequest] = []
    for host, host_plans in by_host.items():
        try:
            listing = session.call(partial(_list_all, session.zoom, host), Operation.READ)
        except (ZoomError, ConnectionLost) as error:
            for plan in host_plans:
                session.settle(
                    problem(
                        plan,
                        Status.FAILED,
                        f"Zoom may or may not have made this meeting and looking it up failed "
                        f"({reason(error)}); a re-run will look again before creating it",
                    )
                )
            continue
        found = index_listing(listing, host)
        for plan in host_plans:
            meeting = found.get(plan.identity)
            if meeting is not None and str(meeting.get("id")) not in known_ids:
                record = record_of(meeting, host)
                known_ids.add(record.meeting_id)
                _remember(session, plan, record, adopted=True)
                session.settle(made(plan, adopted, record))
            else:
                session.journal.record("not_sent", id=plan.identity)
                not_made.append(plan)
    return not_made


def index_listing(listing: Iterable[dict[str, Any]], host: str) -> dict[str, dict[str, Any]]:
    """Zoom's listing of ``host`` keyed by the same identity the rows have."""
    found: dict[str, dict[str, Any]] = {}
    for meeting in listing:
        start = parse_moment(str(meeting.get("start_time") or ""))
        try:
            duration = int(meeting.get("duration") or 0)
        except (TypeError, ValueError):
            continue
        if start is None:
            continue
        identity = meeting_identity(host, str(meeting.get("topic") or ""), start, duration)
        found.setdefault(identity, meeting)  # the oldest wins: it is the one a lost answer made
    return found


def _remember(
    session: Session, plan: MeetingRequest, record: MeetingRecord, *, adopted: bool = False
) -> None:
    extra = {"adopted": True} if adopted else {}
    session.journal.record(
        "created",
        id=plan.identity,
        meeting_id=record.meeting_id,
        join_url=record.join_url,
        passcode=record.passcode,
        host=plan.host,
        **extra,
    )


def _list_all(client: ZoomClient, host: str) -> list[dict[str, Any]]:
    return list(client.list_meetings(host))
