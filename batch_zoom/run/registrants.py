"""Registering each meeting's participants exactly once, and cancelling those taken off the cell.

Runs after every meeting write of the batch, one task per meeting, through the same session
(pacer, retries, journal, Ctrl-C) as the meetings. Per meeting:

1. Who is registered already. The journal knows whom this batch registered. Zoom is asked
   (``GET /meetings/{id}/registrants``) when the journal cannot know: a meeting made by an earlier
   run whose registrations the journal does not hold (a lost journal, another computer), or a
   registration whose outcome was unknown when a run stopped.
2. Register the people of the cell not registered yet: ``batch_registrants`` (30 at a time) for a
   scheduled meeting, one ``registrants`` call per person for a recurring one (Zoom allows batch
   registration for scheduled meetings only). ``registering`` is journaled before each call.
   An unknown outcome (timeout, 5xx) is settled by looking at the registrants, never by sending
   blindly; only people Zoom does not hold are sent once more.
3. Cancel the registrations this batch made for people no longer in the cell. People whom
   someone else registered (the portal, the registration page) are left alone: the cell speaks
   only for the people it once held.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from ..errors import ConnectionLost, ZoomError
from ..i18n import _
from ..models import (
    MEETING_STATUSES,
    WEBINAR,
    Kind,
    MeetingRequest,
    Participant,
    RegistrationResult,
    RegistrationStatus,
    RowResult,
    Status,
)
from ..zoom.retry import Operation, Verdict, decide
from .journal import JournalState, RegistrationRecord
from .outcomes import failure, reason
from .session import Session

BATCH_SIZE = 30  # Zoom's most registrants per batch call, and per status change


@dataclass(frozen=True)
class Registration:
    """One meeting whose people the run must settle."""

    plan: MeetingRequest
    meeting_id: str
    fresh: bool  # created by this run: nobody can be registered for it yet


def register_all(session: Session, work: Sequence[Registration]) -> list[RegistrationResult]:
    """Settle every meeting's registrations; one result per person (and per cancellation)."""
    settled: dict[str, list[RegistrationResult]] = {}
    session.run_tasks([partial(_settle_meeting, session, item, settled) for item in work])
    return [result for item in work for result in settled.get(item.meeting_id, [])]


def planned(plan: MeetingRequest, meeting_id: str | None) -> list[RegistrationResult]:
    """What a dry run would do with the row's people."""
    return [
        person_result(plan, meeting_id or "", person, RegistrationStatus.PLANNED)
        if person.problem is None
        else invalid_person(plan, meeting_id or "", person)
        for person in plan.participants
    ]


def settled_from_journal(
    item: Registration, state: JournalState
) -> list[RegistrationResult] | None:
    """The meeting's people as the journal knows them, or None when Zoom must be asked or told.

    Lets a re-run with nothing to change send no request at all, not even for a token.
    """
    plan, meeting_id = item.plan, item.meeting_id
    ours = state.registrations.get(meeting_id)
    wanted = {person.key: person for person in plan.registrants}
    if item.fresh or ours is None or state.registering.get(meeting_id) or set(ours) != set(wanted):
        return None
    return [
        invalid_person(plan, meeting_id, person)
        if person.problem
        else person_result(plan, meeting_id, person, RegistrationStatus.EXISTS, ours[person.key])
        for person in plan.participants
    ]


def _settle_meeting(
    session: Session, item: Registration, settled: dict[str, list[RegistrationResult]]
) -> None:
    plan, meeting_id = item.plan, item.meeting_id
    state = session.journal.state
    ours = dict(state.registrations.get(meeting_id, {}))
    in_flight = bool(state.registering.get(meeting_id))
    results: list[RegistrationResult] = [
        invalid_person(plan, meeting_id, person) for person in plan.participants if person.problem
    ]
    wanted = {person.key: person for person in plan.registrants}
    try:
        if in_flight or (not item.fresh and meeting_id not in state.registrations):
            on_zoom = _look_up(session, meeting_id, plan.kind)
            _adopt(session, meeting_id, wanted, on_zoom)
            registered = {key: record for key, record in on_zoom.items()}
        else:
            registered = dict(ours)
    except (ZoomError, ConnectionLost) as error:
        message = _(
            "could not look up who is registered ({reason}); a re-run will look again"
        ).format(reason=reason(error))
        results += [_failed(plan, meeting_id, person, message) for person in wanted.values()]
        settled[meeting_id] = results
        return
    for key, person in wanted.items():
        if key in registered:
            results.append(
                person_result(plan, meeting_id, person, RegistrationStatus.EXISTS, registered[key])
            )
    missing = [person for key, person in wanted.items() if key not in registered]
    if missing and not session.stop.is_set():
        results += _register(session, plan, meeting_id, missing)
    gone = [record for key, record in ours.items() if key not in wanted]
    if gone and not session.stop.is_set():
        results += _cancel(session, plan, meeting_id, gone)
    settled[meeting_id] = results


def _look_up(session: Session, meeting_id: str, kind: Kind) -> dict[str, RegistrationRecord]:
    listing = session.call(
        lambda: list(session.zoom.list_registrants(meeting_id, kind)), Operation.READ
    )
    return records_by_email(listing)


def records_by_email(listing: Iterable[dict[str, Any]]) -> dict[str, RegistrationRecord]:
    """People Zoom lists (registrants or panelists), by casefolded email; no email, no entry."""
    found: dict[str, RegistrationRecord] = {}
    for item in listing:
        email = str(item.get("email") or "")
        if email:
            found[email.casefold()] = RegistrationRecord(
                email=email,
                registrant_id=str(item.get("id") or ""),
                join_url=str(item.get("join_url") or ""),
            )
    return found


def _adopt(
    session: Session,
    meeting_id: str,
    wanted: dict[str, Participant],
    on_zoom: dict[str, RegistrationRecord],
) -> None:
    """Zoom holds these people's registrations: the journal learns of those the cell names."""
    known = session.journal.state.registrations.get(meeting_id, {})
    for key, record in on_zoom.items():
        if key in wanted and known.get(key) != record:
            _journal_registered(session, meeting_id, record, adopted=True)
    for key in session.journal.state.registering.get(meeting_id, set()) - set(on_zoom):
        session.journal.record("not_registered", meeting_id=meeting_id, email=key)


def _register(
    session: Session, plan: MeetingRequest, meeting_id: str, people: list[Participant]
) -> list[RegistrationResult]:
    """Register ``people``; look before sending anyone a second time."""
    send: Callable[[list[Participant]], list[RegistrationRecord]]
    if plan.recurrence is None:
        send = partial(_send_batch, session, meeting_id, plan)
        groups = [people[start : start + BATCH_SIZE] for start in range(0, len(people), BATCH_SIZE)]
    else:  # Zoom registers people for a recurring meeting (or webinar) one call at a time
        send = partial(_send_each, session, meeting_id, plan.kind)
        groups = [[person] for person in people]
    results: list[RegistrationResult] = []
    for group in groups:
        if session.stop.is_set():
            break
        results += _register_group(session, plan, meeting_id, group, send)
    return results


def _register_group(
    session: Session,
    plan: MeetingRequest,
    meeting_id: str,
    group: list[Participant],
    send: Callable[[list[Participant]], list[RegistrationRecord]],
) -> list[RegistrationResult]:
    pending = group
    for attempt in (1, 2):
        session.journal.record(
            "registering", meeting_id=meeting_id, emails=[person.email for person in pending]
        )
        try:
            records = send(pending)
        except (ZoomError, ConnectionLost) as error:
            verdict = decide(error, Operation.REGISTER, 1).verdict
            if verdict is not Verdict.RECONCILE:
                for person in pending:
                    session.journal.record(
                        "not_registered", meeting_id=meeting_id, email=person.email
                    )
                return [
                    _failed(plan, meeting_id, person, failure(error, verdict)) for person in pending
                ]
            try:  # the outcome is unknown: ask Zoom whom it registered
                on_zoom = _look_up(session, meeting_id, plan.kind)
            except (ZoomError, ConnectionLost):
                on_zoom = {}
            wanted = {person.key: person for person in pending}
            _adopt(session, meeting_id, wanted, on_zoom)
            done = [
                person_result(
                    plan, meeting_id, person, RegistrationStatus.REGISTERED, on_zoom[person.key]
                )
                for person in pending
                if person.key in on_zoom
            ]
            pending = [person for person in pending if person.key not in on_zoom]
            if not pending or attempt == 2:
                message = _(
                    "Zoom may or may not have registered this person; a re-run will look first"
                )
                return done + [_failed(plan, meeting_id, person, message) for person in pending]
            continue
        by_key = {record.email.casefold(): record for record in records}
        results = []
        for person in pending:
            record = by_key.get(person.key)
            if record is None:
                session.journal.record("not_registered", meeting_id=meeting_id, email=person.email)
                message = _("Zoom did not register this address")
                results.append(_failed(plan, meeting_id, person, message))
            else:
                _journal_registered(session, meeting_id, record)
                results.append(
                    person_result(plan, meeting_id, person, RegistrationStatus.REGISTERED, record)
                )
        return results
    return []  # unreachable: the loop returns


def _send_batch(
    session: Session, meeting_id: str, plan: MeetingRequest, people: list[Participant]
) -> list[RegistrationRecord]:
    body = [_zoom_person(person) for person in people]
    confirmation = bool(plan.settings.get("registrants_confirmation_email", False))
    answer = session.call(
        partial(
            session.zoom.add_registrants,
            meeting_id,
            body,
            confirmation_email=confirmation,
            kind=plan.kind,
        ),
        Operation.REGISTER,
    )
    return [
        RegistrationRecord(
            email=str(item.get("email") or ""),
            registrant_id=str(item.get("registrant_id") or ""),
            join_url=str(item.get("join_url") or ""),
        )
        for item in answer
        if item.get("email")
    ]


def _send_each(
    session: Session, meeting_id: str, kind: Kind, people: list[Participant]
) -> list[RegistrationRecord]:
    records = []
    for person in people:
        answer = session.call(
            partial(session.zoom.add_registrant, meeting_id, _zoom_person(person), kind),
            Operation.REGISTER,
        )
        records.append(
            RegistrationRecord(
                email=person.email,
                registrant_id=str(answer.get("registrant_id") or ""),
                join_url=str(answer.get("join_url") or ""),
            )
        )
    return records


def _cancel(
    session: Session, plan: MeetingRequest, meeting_id: str, gone: list[RegistrationRecord]
) -> list[RegistrationResult]:
    results: list[RegistrationResult] = []
    for start in range(0, len(gone), BATCH_SIZE):
        group = gone[start : start + BATCH_SIZE]
        targets = [
            {"id": record.registrant_id, "email": record.email}
            if record.registrant_id
            else {"email": record.email}
            for record in group
        ]
        try:
            session.call(
                partial(session.zoom.cancel_registrants, meeting_id, targets, plan.kind),
                Operation.UNREGISTER,
            )
        except (ZoomError, ConnectionLost) as error:
            message = _("could not cancel this registration: {reason}").format(
                reason=failure(error)
            )
            results += [
                _failed(plan, meeting_id, Participant(record.email), message) for record in group
            ]
            continue
        for record in group:
            session.journal.record("unregistered", meeting_id=meeting_id, email=record.email)
            person = Participant(record.email)
            results.append(
                person_result(
                    plan,
                    meeting_id,
                    person,
                    RegistrationStatus.CANCELLED,
                    record,
                    note=_("no longer in the participants cell: registration cancelled"),
                )
            )
    return results


def _zoom_person(person: Participant) -> dict[str, str]:
    return {"email": person.email, "first_name": person.first_name}


def _journal_registered(
    session: Session, meeting_id: str, record: RegistrationRecord, *, adopted: bool = False
) -> None:
    extra: dict[str, Any] = {"adopted": True} if adopted else {}
    session.journal.record(
        "registered",
        meeting_id=meeting_id,
        email=record.email,
        registrant_id=record.registrant_id,
        join_url=record.join_url,
        **extra,
    )


def person_result(
    plan: MeetingRequest,
    meeting_id: str,
    person: Participant,
    status: RegistrationStatus,
    record: RegistrationRecord | None = None,
    note: str = "",
    *,
    role: str | None = None,
) -> RegistrationResult:
    """A person's line of the Participants sheet: a registrant's (role ``attendee`` on a
    webinar, none on a meeting) or, with ``role``, a panelist's (``run.panelists``)."""
    if role is None:
        role = "attendee" if plan.kind == WEBINAR else ""
    return RegistrationResult(
        row=plan.row,
        email=person.email,
        name=person.name,
        topic=plan.topic,
        start=plan.start,
        timezone=plan.timezone,
        meeting_id=meeting_id,
        status=status,
        join_url=record.join_url if record else "",
        registrant_id=record.registrant_id if record else "",
        error=note,
        role=role,
    )


def invalid_person(
    plan: MeetingRequest, meeting_id: str, person: Participant, *, role: str | None = None
) -> RegistrationResult:
    note = _("row {row}: {problem}").format(row=plan.row, problem=person.problem)
    return person_result(plan, meeting_id, person, RegistrationStatus.INVALID, note=note, role=role)


def _failed(
    plan: MeetingRequest, meeting_id: str, person: Participant, message: str
) -> RegistrationResult:
    return person_result(plan, meeting_id, person, RegistrationStatus.FAILED, note=message)


def registration_work(
    plans: Sequence[MeetingRequest], results: Mapping[int, RowResult], state: JournalState
) -> list[Registration]:
    """The meetings whose people need settling: a participants cell, or people registered before."""
    work = []
    for plan in plans:
        result = results.get(plan.row)
        if result is None or result.status not in MEETING_STATUSES or not result.meeting_id:
            continue
        if plan.participants or state.registrations.get(result.meeting_id):
            fresh = result.status is Status.CREATED
            work.append(Registration(plan, result.meeting_id, fresh=fresh))
    return work
