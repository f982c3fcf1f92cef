"""run_batch: read -> validate -> create / update / cancel -> journal -> write.

This module decides what each row needs and in which order; ``creates`` and ``edits`` do it.
The order matters for the exactly-once promise: rows that an interrupted run left in flight are
looked up before anything is sent, edits and cancellations go next, new meetings last.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from urllib.parse import urlsplit

import requests

from ..config import Settings
from ..errors import OutputError
from ..models import (
    MEETING_STATUSES,
    CancelRequest,
    InvalidRow,
    MeetingRequest,
    RegistrationResult,
    RowPlan,
    RowResult,
    SheetRow,
    Status,
)
from ..publish.calendar import CalendarEntry, write_calendar
from ..publish.participants import (
    PARTICIPANT_COLUMNS,
    participant_rows,
    participants_csv_path,
    write_participants_csv,
)
from ..publish.participants import SHEET_NAME as PARTICIPANTS_SHEET
from ..publish.report import write_report
from ..rows.validate import RowDefaults, validate_rows
from ..sheet.read import Table, read_table
from ..sheet.write import TableSheet, write_output
from ..zoom.auth import TokenProvider
from ..zoom.client import ZoomClient
from ..zoom.pacing import Pacer
from .creates import create_all, reconcile
from .edits import UndoPlan, as_cancel, cancel, meeting_of, undo_plan, update
from .journal import Journal, JournalState, read_state
from .outcomes import invalid, made
from .registrants import planned, register_all, registration_work, settled_from_journal
from .session import NoProgress, Progress, Session

__all__ = ["BatchReport", "Progress", "UndoPlan", "run_batch"]

#: Zoom's per-host limit of meeting creates and updates a day (NOTES.md), for the dry run's plan.
DAILY_WRITES_PER_HOST = 100


@dataclass
class BatchReport:
    results: list[RowResult]  # one per data row, in sheet order
    table: Table
    output_path: Path | None = None  # where the results are (the fallback, if the output failed)
    output_error: OutputError | None = None
    interrupted: bool = False
    tokens_fetched: int = 0
    requests_throttled: int = 0
    cancelled_by_user: bool = False  # --undo answered "no": nothing was changed or written
    registrations: list[RegistrationResult] = field(default_factory=list)  # the Participants
    participants_path: Path | None = None  # beside a CSV output: the participants' links
    calendar_path: Path | None = None  # the participants' .ics, when one was written

    @property
    def counts(self) -> Counter[Status]:
        return Counter(result.status for result in self.results)

    @property
    def needs_attention(self) -> bool:
        return any(result.status.needs_attention for result in self.results) or any(
            person.status.needs_attention for person in self.registrations
        )


@dataclass
class _Work:
    """The rows of a real run, sorted by what they need."""

    creates: list[MeetingRequest]
    unsettled: list[MeetingRequest]  # in flight when an earlier run stopped: look them up first
    managed: list[MeetingRequest]
    cancels: list[CancelRequest]

    @property
    def size(self) -> int:
        return len(self.creates) + len(self.unsettled) + len(self.managed) + len(self.cancels)


def run_batch(
    settings: Settings,
    *,
    progress: Progress | None = None,
    confirm_undo: Callable[[UndoPlan], bool] | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> BatchReport:
    """Run one batch as ``settings`` say. Raises only what makes the whole batch impossible."""
    table = read_table(settings.input_path, sheet=settings.sheet, encoding=settings.encoding)
    defaults = RowDefaults(
        timezone=settings.timezone or "UTC",
        host=settings.user,
        options=dict(settings.option_defaults),
        now=now(),
        registrant_emails=settings.registrant_emails,
    )
    plans = validate_rows(table.rows, defaults)
    if _is_zooms_own(settings.api_url):
        sheet_rows = {row.number: row for row in table.rows}
        plans = [_not_from_the_sandbox(plan, sheet_rows[plan.row]) for plan in plans]
    report = BatchReport(results=[], table=table)
    if settings.dry_run:
        results = _plan_only(plans, read_state(settings.journal_path), undo=settings.undo)
        report.registrations = [
            person
            for plan in plans
            if isinstance(plan, MeetingRequest) and not settings.undo
            for person in planned(plan, results[plan.row].meeting_id)
        ]
    else:
        results = _execute(
            settings,
            plans,
            report,
            progress or NoProgress(),
            confirm_undo,
            sleep=sleep,
            clock=clock,
            now=now,
        )
    report.results = _complete(table, results)
    if not report.cancelled_by_user:
        _write(settings, report)
        if not settings.dry_run:
            _publish_calendar(settings, report, plans, now())
    return report


def _execute(
    settings: Settings,
    plans: Sequence[RowPlan],
    report: BatchReport,
    progress: Progress,
    confirm_undo: Callable[[UndoPlan], bool] | None,
    *,
    sleep: Callable[[float], None],
    clock: Callable[[], float],
    now: Callable[[], datetime],
) -> dict[int, RowResult]:
    with Journal(settings.journal_path, _target(settings)) as journal:
        results, work = _sort(plans, journal, undo=settings.undo)
        if settings.undo:
            question = undo_plan(work.cancels, journal.state)
            if question.total and confirm_undo is not None and not confirm_undo(question):
                report.cancelled_by_user = True
                return results
        requests_by_row = [plan for plan in plans if isinstance(plan, MeetingRequest)]
        known = [
            settled_from_journal(item, journal.state)
            for item in registration_work(requests_by_row, results, journal.state)
        ]
        if not work.size and all(people is not None for people in known):
            # nothing to send: not even a token is fetched
            report.registrations = [person for people in known if people for person in people]
            return results
        assert settings.credentials is not None, "a real run needs credentials"
        timeout = (settings.connect_timeout, settings.read_timeout)
        tokens = TokenProvider(
            settings.oauth_url,
            settings.credentials,
            requests.Session(),
            timeout=timeout,
            sleep=sleep,
        )
        pacer = Pacer(ceiling=settings.rate, clock=clock, sleep=sleep)
        client = ZoomClient(settings.api_url, tokens, pacer, timeout=timeout, now=now)
        session = Session(settings, journal, client, progress=progress, sleep=sleep, now=now)
        try:
            tokens.current()  # bad credentials stop the batch here, before any row is touched
            progress.start(work.size)
            if work.unsettled:
                work.creates.extend(reconcile(session, work.unsettled, adopted=Status.EXISTS))
            session.run_tasks(
                [partial(cancel, session, plan) for plan in work.cancels]
                + [partial(update, session, plan) for plan in work.managed]
            )
            create_all(session, work.creates)
            if not session.stop.is_set():
                made_now = {**results, **session.results}
                report.registrations = register_all(
                    session, registration_work(requests_by_row, made_now, journal.state)
                )
        except KeyboardInterrupt:  # between rounds or during a look-up: keep what is settled
            session.interrupted = True
            session.stop.set()
        finally:
            progress.close()
            client.close()
            report.tokens_fetched = tokens.fetches
            report.requests_throttled = pacer.throttled
            report.interrupted = session.interrupted
        results.update(session.results)
        return results


def _sort(
    plans: Sequence[RowPlan], journal: Journal, *, undo: bool
) -> tuple[dict[int, RowResult], _Work]:
    """Settle what needs no request (invalid rows, rows already made) and sort the rest."""
    state = journal.state
    results: dict[int, RowResult] = {}
    work = _Work([], [], [], [])
    for plan in plans:
        if isinstance(plan, InvalidRow):
            results[plan.row] = invalid(plan)
        elif isinstance(plan, CancelRequest):
            work.cancels.append(plan)
        elif undo:
            work.cancels.append(as_cancel(plan, state.created.get(plan.identity)))
        elif plan.meeting_id:
            work.managed.append(plan)
        elif plan.identity in state.created:
            results[plan.row] = made(plan, Status.EXISTS, state.created[plan.identity])
        elif plan.identity in state.in_flight:
            work.unsettled.append(plan)
        else:
            work.creates.append(plan)
    return results, work


def _is_zooms_own(api_url: str) -> bool:
    host = urlsplit(api_url).hostname or ""
    return host == "zoom.us" or host.endswith(".zoom.us")


def _not_from_the_sandbox(plan: RowPlan, row: SheetRow) -> RowPlan:
    """On Zoom itself, a row whose meeting the sandbox made is refused with why, not "missing".

    Sandbox links live under a ``.invalid`` host (a name that can never be real, RFC 2606). Only
    runs against Zoom's own API check it: a sandbox served on its own is managed like Zoom.
    """
    if isinstance(plan, InvalidRow) or not plan.meeting_id:
        return plan
    host = urlsplit(str(row.get("join_url") or "")).hostname or ""
    if not host.endswith(".invalid"):
        return plan
    return InvalidRow(
        plan.row,
        (
            f"meeting_id {plan.meeting_id} was made by the sandbox (its link is not real); "
            "clear meeting_id and join_url to schedule this row on Zoom",
        ),
    )


def _plan_only(
    plans: Sequence[RowPlan], state: JournalState, *, undo: bool
) -> dict[int, RowResult]:
    """A dry run: say what would happen; no request at all, not even for a token.

    The journal is read (never written) so rows an earlier run made show as ``exists``.
    """
    results: dict[int, RowResult] = {}
    creates_per_host: Counter[str] = Counter()
    for plan in plans:
        if isinstance(plan, InvalidRow):
            results[plan.row] = invalid(plan)
            continue
        if isinstance(plan, MeetingRequest) and not undo and not plan.meeting_id:
            record = state.created.get(plan.identity)
            if record is not None:
                results[plan.row] = made(plan, Status.EXISTS, record)
                continue
        if isinstance(plan, CancelRequest) or undo:
            cancel_row = plan if isinstance(plan, CancelRequest) else as_cancel(plan, None)
            meeting_id = meeting_of(cancel_row, state)
            what = f"would cancel meeting {meeting_id}" if meeting_id else "nothing to cancel"
        elif plan.meeting_id:
            meeting_id = plan.meeting_id
            what = "would compare with Zoom and update what changed"
        else:
            meeting_id, what = None, "would create"
            creates_per_host[plan.host.casefold()] += 1
            if creates_per_host[plan.host.casefold()] > DAILY_WRITES_PER_HOST:
                what += (
                    f"; {plan.host} has more than Zoom's {DAILY_WRITES_PER_HOST} creates a day, "
                    "so expect this row to be deferred to a run after 00:00 UTC"
                )
        results[plan.row] = RowResult(
            plan.row, Status.PLANNED, meeting_id, error=what, host=plan.host, topic=plan.topic
        )
    return results


def _complete(table: Table, results: dict[int, RowResult]) -> list[RowResult]:
    """Every data row gets a result; a row never reached was cut short by Ctrl-C."""
    for row in table.rows:
        if row.number not in results:
            topic = row.get("topic")
            results[row.number] = RowResult(
                row.number,
                Status.PENDING,
                error="not attempted: the run was interrupted; run the same command again "
                "to finish",
                topic=None if topic is None else str(topic),
            )
    return [results[number] for number in sorted(results)]


def _write(settings: Settings, report: BatchReport) -> None:
    people = participant_rows(report.registrations)
    as_csv = settings.output_path.suffix.lower() == ".csv"
    extra = None
    if people and not as_csv:
        extra = TableSheet(PARTICIPANTS_SHEET, PARTICIPANT_COLUMNS, people)
    try:
        report.output_path = write_output(
            report.table, report.results, settings.output_path, extra=extra
        )
    except OutputError as error:
        report.output_error = error
        report.output_path = error.fallback
    if people and as_csv:
        path = participants_csv_path(settings.output_path)
        try:
            write_participants_csv(path, report.registrations)
            report.participants_path = path
        except OutputError as error:
            report.output_error = report.output_error or error
    if settings.report_path is not None:
        try:
            title = settings.input_path.name
            write_report(report.results, settings.report_path, title=title)
        except OutputError as error:
            report.output_error = report.output_error or error


def _publish_calendar(
    settings: Settings, report: BatchReport, plans: Sequence[RowPlan], moment: datetime
) -> None:
    """The participants' ``.ics``: an event per meeting in the output, cancellations marked."""
    requests_by_row = {plan.row: plan for plan in plans if isinstance(plan, MeetingRequest)}
    entries: list[CalendarEntry] = []
    cancelled: list[str] = []
    for result in report.results:
        if result.status is Status.CANCELLED and result.meeting_id:
            cancelled.append(result.meeting_id)
        plan = requests_by_row.get(result.row)
        if result.status in MEETING_STATUSES and plan and result.meeting_id and result.join_url:
            entries.append(
                CalendarEntry(
                    meeting_id=result.meeting_id,
                    topic=plan.topic,
                    start=plan.start,
                    duration=plan.duration,
                    timezone=plan.timezone,
                    join_url=result.join_url,
                    passcode=result.passcode or "",
                    recurrence=plan.recurrence,
                )
            )
    try:
        if write_calendar(settings.calendar_path, entries, cancelled=cancelled, now=moment):
            report.calendar_path = settings.calendar_path
    except OutputError as error:
        report.output_error = report.output_error or error


def _target(settings: Settings) -> str:
    """Which Zoom a journal belongs to: its meetings mean nothing to any other."""
    if settings.sandbox:
        return "sandbox"
    account = settings.credentials.account_id if settings.credentials else "?"
    return f"{settings.api_url} account {account}"
