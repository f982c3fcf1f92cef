"""A webinar's panelists: the people of its ``panelists`` cell, each with their own join link.

Zoom is the ledger here too. For each webinar row that ends with a webinar on Zoom, the webinar's
panelists are read (``GET /webinars/{id}/panelists``; none for a webinar this run made), the
cell's people Zoom does not list are added (``POST``, 30 a call), and the list is read again for
their ids and links (Zoom's answer to the POST holds neither). A person the cell no longer names
is removed only if this batch's journal shows it added them; panelists added in Zoom's portal
are left alone, as registrants are.

Adding someone who is a panelist already is taken to change nothing (Zoom's documents are silent;
the sandbox behaves so), so a POST whose outcome is unknown is settled by reading the list: who
is there is added, who is not is failed, for a re-run to add.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import partial

from ..errors import ConnectionLost, ZoomError
from ..i18n import _
from ..models import (
    MEETING_STATUSES,
    WEBINAR,
    MeetingRequest,
    Participant,
    RegistrationResult,
    RegistrationStatus,
    RowResult,
    Status,
)
from ..zoom.retry import Operation
from .journal import JournalState, RegistrationRecord
from .outcomes import failure, reason
from .registrants import invalid_person, person_result, records_by_email
from .session import Session

BATCH_SIZE = 30  # Meetings.json: webinarPanelistCreate's ``panelists`` maximum
ROLE = "panelist"


@dataclass(frozen=True)
class Panel:
    """One webinar whose panelists the run must settle."""

    plan: MeetingRequest
    webinar_id: str
    fresh: bool  # made by this run: it has no panelist yet


def panel_work(
    plans: Sequence[MeetingRequest], results: Mapping[int, RowResult], state: JournalState
) -> list[Panel]:
    """The webinars whose panelists need settling: a panelists cell, or panelists added before."""
    work = []
    for plan in plans:
        result = results.get(plan.row)
        if plan.kind != WEBINAR or result is None or not result.meeting_id:
            continue
        if result.status not in MEETING_STATUSES:
            continue
        if plan.panelists or state.panelists.get(result.meeting_id):
            work.append(Panel(plan, result.meeting_id, fresh=result.status is Status.CREATED))
    return work


def planned_panelists(plan: MeetingRequest, webinar_id: str | None) -> list[RegistrationResult]:
    """What a dry run would do with the row's panelists."""
    return [
        person_result(plan, webinar_id or "", person, RegistrationStatus.PLANNED, role=ROLE)
        if person.problem is None
        else invalid_person(plan, webinar_id or "", person, role=ROLE)
        for person in plan.panelists
    ]


def settle_panels(session: Session, work: Sequence[Panel]) -> list[RegistrationResult]:
    """Settle every webinar's panelists; one result per person (and per removal)."""
    settled: dict[str, list[RegistrationResult]] = {}
    session.run_tasks([partial(_settle, session, panel, settled) for panel in work])
    return [result for panel in work for result in settled.get(panel.webinar_id, [])]


def _settle(session: Session, panel: Panel, settled: dict[str, list[RegistrationResult]]) -> None:
    plan, webinar_id = panel.plan, panel.webinar_id
    results = [
        invalid_person(plan, webinar_id, p, role=ROLE)
        for p in plan.panelists
        if p.problem is not None
    ]
    wanted = {person.key: person for person in plan.panelists if person.problem is None}
    ours = dict(session.journal.state.panelists.get(webinar_id, {}))
    try:
        on_zoom = {} if panel.fresh else _read(session, webinar_id)
    except (ZoomError, ConnectionLost) as error:
        message = _(
            "could not read the webinar's panelists ({reason}); a re-run will look again"
        ).format(reason=reason(error))
        settled[webinar_id] = results + [
            person_result(
                plan, webinar_id, person, RegistrationStatus.FAILED, note=message, role=ROLE
            )
            for person in wanted.values()
        ]
        return
    missing = [person for key, person in wanted.items() if key not in on_zoom]
    for key, person in wanted.items():
        if key in on_zoom:
            _journal_added(session, webinar_id, on_zoom[key], ours.get(key))
            results.append(
                person_result(
                    plan, webinar_id, person, RegistrationStatus.EXISTS, on_zoom[key], role=ROLE
                )
            )
    if missing and not session.stop.is_set():
        results += _add(session, plan, webinar_id, missing)
    gone = [record for key, record in ours.items() if key not in wanted]
    if gone and not session.stop.is_set():
        results += _remove(session, plan, webinar_id, gone, on_zoom)
    settled[webinar_id] = results


def _read(session: Session, webinar_id: str) -> dict[str, RegistrationRecord]:
    listed = session.call(partial(session.zoom.list_panelists, webinar_id), Operation.READ)
    return records_by_email(listed)


def _add(
    session: Session, plan: MeetingRequest, webinar_id: str, people: list[Participant]
) -> list[RegistrationResult]:
    failed: dict[str, str] = {}
    for start in range(0, len(people), BATCH_SIZE):
        group = people[start : start + BATCH_SIZE]
        body = [_zoom_person(person) for person in group]
        try:
            session.call(partial(session.zoom.add_panelists, webinar_id, body), Operation.REGISTER)
        except (ZoomError, ConnectionLost) as error:
            for person in group:  # refused, or unknown: the list read below says which
                failed[person.key] = failure(error)
    try:
        on_zoom = _read(session, webinar_id)
    except (ZoomError, ConnectionLost) as error:
        message = _(
            "Zoom may or may not have added this panelist and the list could not be read "
            "({reason}); a re-run will look first"
        ).format(reason=reason(error))
        return [
            person_result(
                plan, webinar_id, person, RegistrationStatus.FAILED, note=message, role=ROLE
            )
            for person in people
        ]
    results = []
    for person in people:
        record = on_zoom.get(person.key)
        if record is None:
            note = failed.get(person.key) or _("Zoom did not add this panelist")
            results.append(
                person_result(
                    plan, webinar_id, person, RegistrationStatus.FAILED, note=note, role=ROLE
                )
            )
            continue
        _journal_added(session, webinar_id, record, None)
        results.append(
            person_result(
                plan, webinar_id, person, RegistrationStatus.REGISTERED, record, role=ROLE
            )
        )
    return results


def _remove(
    session: Session,
    plan: MeetingRequest,
    webinar_id: str,
    gone: list[RegistrationRecord],
    on_zoom: Mapping[str, RegistrationRecord],
) -> list[RegistrationResult]:
    results = []
    for record in gone:
        held = on_zoom.get(record.email.casefold())  # not listed: already gone from Zoom
        person = Participant(record.email)
        try:
            if held is not None and held.registrant_id:
                session.call(
                    partial(session.zoom.delete_panelist, webinar_id, held.registrant_id),
                    Operation.UNREGISTER,
                )
        except (ZoomError, ConnectionLost) as error:
            note = _("could not remove this panelist: {reason}").format(reason=failure(error))
            results.append(
                person_result(
                    plan, webinar_id, person, RegistrationStatus.FAILED, note=note, role=ROLE
                )
            )
            continue
        session.journal.record("panelist_removed", meeting_id=webinar_id, email=record.email)
        note = _("no longer in the panelists cell: removed as a panelist")
        results.append(
            person_result(
                plan,
                webinar_id,
                person,
                RegistrationStatus.CANCELLED,
                held or record,
                note=note,
                role=ROLE,
            )
        )
    return results


def _journal_added(
    session: Session,
    webinar_id: str,
    record: RegistrationRecord,
    known: RegistrationRecord | None,
) -> None:
    if known == record:
        return
    session.journal.record(
        "panelist_added",
        meeting_id=webinar_id,
        email=record.email,
        registrant_id=record.registrant_id,
        join_url=record.join_url,
    )


def _zoom_person(person: Participant) -> dict[str, str]:
    body = {"email": person.email}
    if person.name:
        body["name"] = person.name
    return body
