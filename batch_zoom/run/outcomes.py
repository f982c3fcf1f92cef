"""Row results and the words that explain them, in one place so every path says things alike."""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, datetime, timedelta
from typing import Any

from ..errors import ConnectionLost, Redirected, ZoomError
from ..i18n import _
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
    return _("; ").join(part for part in (note, *plan.notes) if part)


def invalid(plan: InvalidRow) -> RowResult:
    return RowResult(plan.row, Status.INVALID, error=plan.message)


def skipped(plan: SkippedRow) -> RowResult:
    return RowResult(plan.row, Status.SKIPPED, error=plan.note)


def settled_offline(plan: InvalidRow | SkippedRow) -> RowResult:
    """The result of a row that needs no request: invalid, or a section row."""
    return invalid(plan) if isinstance(plan, InvalidRow) else skipped(plan)


def would_cancel(
    meeting_id: str | None, deleted: Collection[str] = (), *, look_up: bool = False
) -> str:
    """A dry run's or a check's note for a row that would be cancelled; ``deleted``: the
    meetings the journal knows were cancelled (a real run sends nothing for those);
    ``look_up``: a row naming no meeting that a real run looks for on Zoom by its cells."""
    if meeting_id and meeting_id in deleted:
        return _("already cancelled by an earlier run")
    if meeting_id:
        return _("would cancel meeting {meeting_id}").format(meeting_id=meeting_id)
    if look_up:
        return _(
            "would look on Zoom for a meeting with this row's host, topic, start and duration, "
            "and cancel it if exactly one is found"
        )
    return _("nothing to cancel")


def pending_unknown(plan: MeetingRequest) -> RowResult:
    return problem(
        plan,
        Status.PENDING,
        _(
            "interrupted while Zoom was making this meeting; run the same command again: it will "
            "look the meeting up before creating anything"
        ),
    )


def deferred_message(host: str, resume_at: datetime) -> str:
    when = resume_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return _(
        "{host} has used Zoom's daily limit of meeting creates and updates; run the same "
        "command again after {when} to schedule it"
    ).format(host=host, when=when)


def reason(error: BaseException) -> str:
    if isinstance(error, ZoomError):
        return error.describe()
    return str(error)


def failure(error: BaseException, verdict: Verdict | None = None) -> str:
    """Why a row failed, and whether a re-run can help."""
    if isinstance(error, ConnectionLost):
        return _("could not reach Zoom ({reason}); a re-run will finish it").format(reason=error)
    if isinstance(error, Redirected):
        return _("not done: {reason}; check ZOOM_API_URL (unset, it is Zoom's own address)").format(
            reason=reason(error)
        )
    if verdict is Verdict.RETRY or (isinstance(error, ZoomError) and error.status == 429):
        return _("Zoom stayed busy ({reason}); a re-run will finish it").format(
            reason=reason(error)
        )
    if isinstance(error, ZoomError) and error.status >= 500:
        return _("Zoom kept failing ({reason}); a re-run will finish it").format(
            reason=reason(error)
        )
    return _("Zoom refused it: {reason}").format(reason=reason(error))


def clock_warning(skew: timedelta | None, zoom_now: datetime) -> str:
    """This computer's clock is far from Zoom's: say by how much, and whose time counts."""
    offset = skew or timedelta(0)
    text = (
        _("this computer's clock is {difference} behind Zoom's")
        if offset > timedelta(0)
        else _("this computer's clock is {difference} ahead of Zoom's")
    )
    return text.format(difference=_duration_words(abs(offset))) + _(
        " (Zoom says {zoom_time}); starts in the past and the daily-limit reset are judged "
        "by Zoom's time: set this computer's clock right"
    ).format(zoom_time=zoom_now.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC"))


def _duration_words(span: timedelta) -> str:
    minutes = round(span.total_seconds() / 60)  # Date has whole seconds: never "1 day 23 hours"
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    parts = []
    if days:
        parts.append(_("{count} days").format(count=days) if days > 1 else _("1 day"))
    if hours:
        parts.append(_("{count} hours").format(count=hours) if hours > 1 else _("1 hour"))
    if minutes and not days:
        parts.append(_("{count} minutes").format(count=minutes) if minutes > 1 else _("1 minute"))
    return " ".join(parts) or _("less than a minute")


def skipped_items_warning(host: str, count: int) -> str:
    return _(
        "Zoom's list of {host}'s meetings held {count} items that are not meetings; they were "
        "skipped"
    ).format(host=host, count=count)
