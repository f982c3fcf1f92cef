"""Managed rows: bring an edited meeting in line with its row, cancel a meeting, undo a batch.

The same rules as for creates: look before writing (a GET before every PATCH or DELETE), journal
each write before it goes out, and settle an unknown outcome by looking again, never by
repeating blindly. Updates count against the host's daily quota, so a spent host defers them.
"""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import partial
from typing import Any

from ..errors import ConnectionLost, DailyLimitReached, NotFound, ZoomError
from ..i18n import _
from ..models import (
    KINDS,
    MEETING,
    CancelRequest,
    InvalidRow,
    Kind,
    MeetingRequest,
    RowResult,
    Status,
)
from ..rows.changes import changes, describe
from ..rows.recurrence import confirms_series, shows_row
from ..zoom.retry import Operation, Verdict, decide
from .creates import create, matches_by_identity, same_kind, same_series, series_listed
from .journal import JournalState, MeetingRecord
from .outcomes import failure, made, pending_unknown, problem, reason, record_of
from .session import Session

#: PATCHes of one row whose outcome came back unknown before we give up for this run.
MAX_UPDATE_TRIES = 4


@dataclass(frozen=True)
class UndoPlan:
    """What ``--undo`` is about to delete, for the confirmation question."""

    meetings_by_host: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.meetings_by_host.values())

    def describe(self) -> str:
        """``This deletes 24 Zoom meetings: a@example.com (6), b@example.com (18).``: the
        question's first line, the same on the command line and on the page."""
        hosts = _(", ").join(
            _("{host} ({count})").format(host=host, count=count)
            for host, count in sorted(self.meetings_by_host.items())
        )
        return _("This deletes {total} Zoom meetings: {hosts}.").format(
            total=self.total, hosts=hosts
        )


def update(session: Session, plan: MeetingRequest) -> None:
    """Compare the row with its meeting and PATCH only what differs."""
    assert plan.meeting_id is not None
    meeting_id = plan.meeting_id
    journal = session.journal
    if meeting_id in journal.state.deleted:  # --undo or a cancel row deleted it
        note = _("cancelled by an earlier run; clear meeting_id to schedule it again")
        session.settle(problem(plan, Status.CANCELLED, note, meeting_id=meeting_id))
        return
    meeting: dict[str, Any] | None = None  # the meeting as Zoom last showed it
    moved_from: str | None = None
    try:
        meeting = session.get(meeting_id, plan.kind)
        if meeting is None and (other := _as_other_kind(session, meeting_id, plan.kind)):
            session.settle(_kind_changed(plan, meeting_id, *other))
            return
        for _attempt in range(MAX_UPDATE_TRIES):
            if meeting is None:
                _missing(session, plan)
                return
            patch = changes(plan, meeting)
            # A new host in the row: Zoom's meetingUpdate moves the meeting with schedule_for,
            # keeping its id, passcode and link. If Zoom refuses, nothing of the PATCH applies.
            moved_from = str(meeting.get("host_email")) if _moved_host(plan, meeting) else None
            if moved_from is not None:
                patch["schedule_for"] = plan.host
            if not patch:  # in line: unchanged, or an interrupted run's PATCH that had applied
                status = Status.UPDATED if meeting_id in journal.state.updating else Status.EXISTS
                if status is Status.UPDATED:
                    journal.record("updated", meeting_id=meeting_id)
                session.settle(made(plan, status, record_of(meeting, plan.host)))
                return
            deferred = session.deferred_for(plan.host)
            if deferred is not None:
                session.settle(as_held(plan, Status.DEFERRED, deferred, meeting_id, meeting))
                return
            journal.record("updating", meeting_id=meeting_id, fields=sorted(patch))
            try:
                session.call(
                    partial(session.zoom.update_meeting, meeting_id, patch, plan.kind),
                    Operation.UPDATE,
                )
            except (ZoomError, ConnectionLost) as error:
                if decide(error, Operation.UPDATE, 1).verdict is not Verdict.RECONCILE:
                    raise
                meeting = session.get(meeting_id, plan.kind)  # did it apply? look again
                continue
            journal.record("updated", meeting_id=meeting_id)
            moved = {key: value for key, value in patch.items() if key != "schedule_for"}
            notes = []
            if moved_from is not None:
                notes.append(_("moved from {old} to {new}").format(old=moved_from, new=plan.host))
            if moved:
                notes.append(_("changed {changes}").format(changes=describe(moved, meeting)))
            note = _("; ").join(notes)
            changed = {**meeting, **patch}
            if "password" in patch:  # the join link carries the passcode: read the new one
                changed = session.get(meeting_id, plan.kind) or changed
            session.settle(made(plan, Status.UPDATED, record_of(changed, plan.host), note))
            return
        session.settle(
            as_held(
                plan,
                Status.FAILED,
                _("Zoom kept failing while updating this meeting; a re-run will compare again"),
                meeting_id,
                meeting,
            )
        )
    except DailyLimitReached as error:
        deferred = session.spend_host(plan.host, error)
        session.settle(as_held(plan, Status.DEFERRED, deferred, meeting_id, meeting))
    except (ZoomError, ConnectionLost) as error:
        why = failure(error)
        if moved_from is not None and isinstance(error, ZoomError):
            why = _(
                "not moved to {new} and nothing changed ({reason}); the meeting stays with {old}"
            ).format(new=plan.host, reason=why, old=moved_from)
        session.settle(as_held(plan, Status.FAILED, why, meeting_id, meeting))


def as_held(
    plan: MeetingRequest,
    status: Status,
    error: str,
    meeting_id: str,
    meeting: dict[str, Any] | None,
) -> RowResult:
    """A row whose update, move or cancel did not happen: the output still shows the meeting
    as Zoom holds it (its link, passcode and host), with why in ``error``.

    ``meeting``: Zoom's answer to the GET before the write (None: never read; the output's
    cells are left as they are).
    """
    result = problem(plan, status, error, meeting_id=meeting_id)
    if not meeting:
        return result
    record = record_of(meeting, plan.host)
    held_by = str(meeting.get("host_email") or "")
    result = replace(result, join_url=record.join_url or None, passcode=record.passcode or None)
    if "@" in held_by and held_by.casefold() != plan.host.casefold():
        result = replace(result, host=held_by, assigned_host=held_by)
    return result


def _as_other_kind(
    session: Session, meeting_id: str, kind: Kind
) -> tuple[Kind, dict[str, Any]] | None:
    """The row's id is not a ``kind`` on Zoom: is it one of the other kind? (Zoom keeps one id
    space: a meeting's id under ``/webinars/`` is "does not exist".)"""
    for other in KINDS:
        if other != kind:
            found = session.get(meeting_id, other)
            if found is not None:
                return other, found
    return None


def _kind_changed(
    plan: MeetingRequest, meeting_id: str, held_as: Kind, meeting: dict[str, Any]
) -> RowResult:
    """A row whose kind now says webinar for a meeting (or the reverse): refused, the output
    still shows what Zoom holds."""
    error = _(
        "kind: this row's {held} {meeting_id} cannot become a {wanted} (Zoom cannot turn one "
        "into the other); mark this row cancel and add a new row for the {wanted}"
    ).format(held=_(held_as.name), meeting_id=meeting_id, wanted=_(plan.kind.name))
    message = InvalidRow(plan.row, (error,)).message
    return as_held(plan, Status.INVALID, message, meeting_id, meeting)


def _moved_host(plan: MeetingRequest, meeting: dict[str, object]) -> bool:
    """The row names another host by email than the one Zoom says holds the meeting."""
    actual = str(meeting.get("host_email") or "").casefold()
    wanted = plan.host.casefold()
    return "@" in wanted and bool(actual) and wanted != actual


def _missing(session: Session, plan: MeetingRequest) -> None:
    if session.settings.recreate_missing:
        unknown: list[MeetingRequest] = []
        create(session, replace(plan, meeting_id=None), unknown)
        for lost in unknown:  # settled by the journal's look-up on the next run
            session.settle(pending_unknown(lost))
        return
    session.settle(
        problem(
            plan,
            Status.MISSING,
            _(
                "meeting {meeting_id} no longer exists on Zoom; clear its meeting_id to "
                "schedule it again, mark it cancel, or run with --recreate-missing"
            ).format(meeting_id=plan.meeting_id),
            meeting_id=plan.meeting_id,
        )
    )


def cancel(session: Session, plan: CancelRequest, *, look_up: bool = True) -> None:
    """Delete the row's meeting, after looking that it is still there.

    A row that names no meeting the journal knows (a colleague's copy of the sheet, another
    output) is looked for on Zoom by its identity (``find_to_cancel``): deleted only when
    exactly one meeting is the row's, never ``cancelled`` while Zoom may still hold it.
    ``look_up`` False (``--undo``, which deletes only what the journal made): not looked for.
    """
    state = session.journal.state
    meeting_id = meeting_of(plan, state)
    done = RowResult(plan.row, Status.CANCELLED, meeting_id, host=plan.host, topic=plan.topic)
    note = ""
    if meeting_id is None and not look_up:
        session.settle(replace(done, error=_("nothing was scheduled for this row")))
        return
    if meeting_id is None:
        found = find_to_cancel(session, plan)
        if isinstance(found, RowResult):
            session.settle(found)
            return
        meeting_id, note = found, _("found on Zoom by its host, topic, start and duration")
        done = replace(done, meeting_id=meeting_id)
    if meeting_id in state.deleted:
        session.settle(replace(done, error=_("already cancelled by an earlier run")))
        return
    meeting: dict[str, Any] | None = None
    kind = plan.kind
    try:
        meeting = session.get(meeting_id, kind)
        if meeting is None and (other := _as_other_kind(session, meeting_id, kind)):
            kind, meeting = other  # the id names one thing on Zoom: the row's, whatever kind
        if meeting is None:  # look before deleting
            session.journal.record(
                "deleted", meeting_id=meeting_id, seen_gone=True, **_identity_of(plan)
            )
            session.settle(replace(done, error=_("the meeting was already gone from Zoom")))
            return
        session.journal.record("deleting", meeting_id=meeting_id, **_identity_of(plan))
        with contextlib.suppress(NotFound):  # a repeated DELETE whose first attempt acted
            session.call(partial(session.zoom.delete_meeting, meeting_id, kind), Operation.DELETE)
        session.journal.record("deleted", meeting_id=meeting_id, **_identity_of(plan))
        session.settle(replace(done, error=note))
    except (ZoomError, ConnectionLost) as error:
        failed = replace(done, status=Status.FAILED, error=failure(error))
        if meeting:  # not cancelled: the output still shows the meeting as Zoom holds it
            record = record_of(meeting, plan.host or "")
            failed = replace(
                failed, join_url=record.join_url or None, passcode=record.passcode or None
            )
        session.settle(failed)


def hosts_to_look_up(cancels: Iterable[CancelRequest], state: JournalState) -> set[str]:
    """The hosts whose listing the cancel rows naming no known meeting will read."""
    return {
        plan.described.host
        for plan in cancels
        if plan.described is not None
        and meeting_of(plan, state) is None
        and plan.kind == plan.described.kind == MEETING
    }


def _identity_of(plan: CancelRequest) -> dict[str, str]:
    return {"id": plan.identity} if plan.identity else {}


def find_to_cancel(session: Session, plan: CancelRequest) -> str | RowResult:
    """The one meeting on Zoom that is a cancel row's, by its identity (host, topic, start,
    duration), read from the host's listing and confirmed with a GET; else the row's result:
    not found, more than one (none is deleted: which to cancel is the user's choice), or Zoom
    could not be read. A meeting the journal knows as another row's is never the row's.
    """
    unknown = RowResult(plan.row, Status.FAILED, host=plan.host, topic=plan.topic)
    described = plan.described
    if described is None:
        return replace(
            unknown, status=Status.CANCELLED, error=_("nothing was scheduled for this row")
        )
    host = described.host
    state = session.journal.state
    others = {record.meeting_id for record in state.created.values()} | state.deleted
    try:
        listing = session.listing(host, kind=described.kind)
        found = [
            meeting
            for meeting in matches_by_identity(listing, host, described.kind).get(
                described.identity, []
            )
            or series_listed(listing, described, host)
            if str(meeting.get("id")) not in others and same_kind(described, meeting)
        ]
        if len(found) > 1:
            ids = ", ".join(str(meeting.get("id")) for meeting in found)
            return replace(
                unknown,
                error=_(
                    "not cancelled: Zoom holds {count} meetings with this row's host, topic, "
                    "start and duration ({ids}); put the meeting_id of the one to cancel in "
                    "the row"
                ).format(count=len(found), ids=ids),
            )
        meeting = session.get(str(found[0].get("id")), described.kind) if found else None
    except (ZoomError, ConnectionLost) as error:
        return replace(
            unknown,
            error=_(
                "not cancelled: looking on Zoom for this row's meeting failed ({reason}); a "
                "re-run will look again"
            ).format(reason=reason(error)),
        )
    if (
        meeting is not None
        and shows_row(described, meeting, host)
        and same_series(described, meeting)
        and confirms_series(described, meeting)
    ):
        return str(meeting.get("id"))
    if session.zoom.skipped_items.get(host):
        return replace(
            unknown,
            error=_(
                "not cancelled: Zoom's list of {host}'s meetings could not be read whole, so "
                "whether it holds this row's meeting is not known; a re-run will look again"
            ).format(host=host),
        )
    return replace(
        unknown,
        status=Status.MISSING,
        error=_(
            "not found on Zoom: {host} has no meeting with this row's topic, start and "
            "duration, so nothing was cancelled; if the meeting is still on Zoom, put its "
            "meeting_id in the row"
        ).format(host=host),
    )


def as_cancel(plan: MeetingRequest, record: MeetingRecord | None) -> CancelRequest:
    """``--undo`` treats every scheduled row as a cancel row."""
    meeting_id = plan.meeting_id or (record.meeting_id if record else None)
    return CancelRequest(plan.row, meeting_id, plan.identity, plan.host, plan.topic, kind=plan.kind)


def meeting_of(plan: CancelRequest, state: JournalState) -> str | None:
    """The meeting a cancel row means: the sheet's id, else the one this journal made (or
    cancelled) for it."""
    if plan.meeting_id:
        return plan.meeting_id
    if not plan.identity:
        return None
    known = state.created.get(plan.identity)
    return known.meeting_id if known else state.cancelled.get(plan.identity)


def undo_plan(cancels: Iterable[CancelRequest], state: JournalState) -> UndoPlan:
    hosts: Counter[str] = Counter()
    for plan in cancels:
        meeting_id = meeting_of(plan, state)
        if meeting_id and meeting_id not in state.deleted:
            hosts[plan.host or "me"] += 1
    return UndoPlan(dict(hosts))
