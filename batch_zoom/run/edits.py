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

from ..errors import ConnectionLost, DailyLimitReached, NotFound, ZoomError
from ..i18n import _
from ..models import CancelRequest, MeetingRequest, RowResult, Status
from ..rows.changes import changes, describe
from ..zoom.retry import Operation, Verdict, decide
from .creates import create
from .journal import JournalState, MeetingRecord
from .outcomes import failure, made, pending_unknown, problem, record_of
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
    try:
        meeting = session.get(meeting_id)
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
                session.settle(problem(plan, Status.DEFERRED, deferred, meeting_id=meeting_id))
                return
            journal.record("updating", meeting_id=meeting_id, fields=sorted(patch))
            try:
                session.call(
                    partial(session.zoom.update_meeting, meeting_id, patch), Operation.UPDATE
                )
            except (ZoomError, ConnectionLost) as error:
                if decide(error, Operation.UPDATE, 1).verdict is not Verdict.RECONCILE:
                    raise
                meeting = session.get(meeting_id)  # did it apply? look before repeating
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
                changed = session.get(meeting_id) or changed
            session.settle(made(plan, Status.UPDATED, record_of(changed, plan.host), note))
            return
        session.settle(
            problem(
                plan,
                Status.FAILED,
                _("Zoom kept failing while updating this meeting; a re-run will compare again"),
                meeting_id=meeting_id,
            )
        )
    except DailyLimitReached as error:
        deferred = session.spend_host(plan.host, error)
        session.settle(problem(plan, Status.DEFERRED, deferred, meeting_id=meeting_id))
    except (ZoomError, ConnectionLost) as error:
        session.settle(problem(plan, Status.FAILED, failure(error), meeting_id=meeting_id))


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


def cancel(session: Session, plan: CancelRequest) -> None:
    """Delete the row's meeting, after looking that it is still there."""
    state = session.journal.state
    meeting_id = meeting_of(plan, state)
    done = RowResult(plan.row, Status.CANCELLED, meeting_id, host=plan.host, topic=plan.topic)
    if meeting_id is None:
        session.settle(replace(done, error=_("nothing was scheduled for this row")))
        return
    if meeting_id in state.deleted:
        session.settle(replace(done, error=_("already cancelled by an earlier run")))
        return
    try:
        if session.get(meeting_id) is None:  # look before deleting
            session.journal.record("deleted", meeting_id=meeting_id, seen_gone=True)
            session.settle(replace(done, error=_("the meeting was already gone from Zoom")))
            return
        session.journal.record("deleting", meeting_id=meeting_id)
        with contextlib.suppress(NotFound):  # a repeated DELETE whose first attempt acted
            session.call(partial(session.zoom.delete_meeting, meeting_id), Operation.DELETE)
        session.journal.record("deleted", meeting_id=meeting_id)
        session.settle(done)
    except (ZoomError, ConnectionLost) as error:
        session.settle(replace(done, status=Status.FAILED, error=failure(error)))


def as_cancel(plan: MeetingRequest, record: MeetingRecord | None) -> CancelRequest:
    """``--undo`` treats every scheduled row as a cancel row."""
    meeting_id = plan.meeting_id or (record.meeting_id if record else None)
    return CancelRequest(plan.row, meeting_id, plan.identity, plan.host, plan.topic)


def meeting_of(plan: CancelRequest, state: JournalState) -> str | None:
    """The meeting a cancel row means: the sheet's id, else the one this journal made for it."""
    if plan.meeting_id:
        return plan.meeting_id
    known = state.created.get(plan.identity) if plan.identity else None
    return known.meeting_id if known else None


def undo_plan(cancels: Iterable[CancelRequest], state: JournalState) -> UndoPlan:
    hosts: Counter[str] = Counter()
    for plan in cancels:
        meeting_id = meeting_of(plan, state)
        if meeting_id and meeting_id not in state.deleted:
            hosts[plan.host or "me"] += 1
    return UndoPlan(dict(hosts))
