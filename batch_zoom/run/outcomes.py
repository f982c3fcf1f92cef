"""Row results and the words that explain them, in one place so every path says things alike."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from ..errors import ConnectionLost, ZoomError
from ..models import InvalidRow, MeetingRequest, RowResult, SkippedRow, Status
from ..zoom.retry import Verdict
from .journal import MeetingRecord


def record_of(meeting: dict[str, Any], host: str) -> MeetingRecord:
    """What the journal and the output keep of a Zoom meeting (never its ``start_url``)."""
    return MeetingRecord(
        meeting_id=str(meeting.get("id", "")),
        join_url=str(meeting.get("join_url") or ""),
        passcode=str(meeting.get("password") or ""),
        host=host,
    )


def made(plan: MeetingRequest, status: Status, record: MeetingRecord, note: str = "") -> RowResult:
    return RowResult(
        plan.row,
        status,
        record.meeting_id,
        record.join_url or None,
        record.passcode or None,
        with_notes(plan, note),
        host=plan.host,
        topic=plan.topic,
    )


def problem(
    plan: MeetingRequest, status: Status, error: str, *, meeting_id: str | None = None
) -> RowResult:
    return RowResult(plan.row, status, meeting_id, error=error, host=plan.host, topic=plan.topic)


def with_notes(plan: MeetingRequest, note: str) -> str:
    """A result's note, followed by what was assumed in reading the row (a year, a next day)."""
    return "; ".join(part for part in (note, *plan.notes) if part)


def invalid(plan: InvalidRow) -> RowResult:
    return RowResult(plan.row, Status.INVALID, error=plan.message)


def skipped(plan: SkippedRow) -> RowResult:
    return RowResult(plan.row, Status.SKIPPED, error=plan.note)


def pending_unknown(plan: MeetingRequest) -> RowResult:
    return problem(
        plan,
        Status.PENDING,
        "interrupted while Zoom was making this meeting; run the same command again: it will "
        "look the meeting up before creating anything",
    )


def deferred_message(host: str, resume_at: datetime) -> str:
    when = resume_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return (
        f"{host} has used Zoom's daily limit of meeting creates and updates; run the same "
        f"command again after {when} to schedule it"
    )


def reason(error: BaseException) -> str:
    if isinstance(error, ZoomError):
        return error.describe()
    return str(error)


def failure(error: BaseException, verdict: Verdict | None = None) -> str:
    """Why a row failed, and whether a re-run can help."""
    if isinstance(error, ConnectionLost):
        return f"could not reach Zoom ({error}); a re-run will finish it"
    if verdict is Verdict.RETRY or (isinstance(error, ZoomError) and error.status == 429):
        return f"Zoom stayed busy ({reason(error)}); a re-run will finish it"
    if isinstance(error, ZoomError) and error.status >= 500:
        return f"Zoom kept failing ({reason(error)}); a re-run will finish it"
    return f"Zoom refused it: {reason(error)}"
