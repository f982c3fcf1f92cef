"""run_batch: read -> validate -> create / update / cancel -> journal -> write.

The promise kept here is "every valid row ends as exactly one meeting". How:
- a create is journaled as ``sending`` (durably) before the POST and ``created`` before anything
  else happens with its answer;
- a create whose outcome is unknown (timeout, connection lost after sending, 5xx) is never sent
  again blindly: once every request of the round has finished, one listing per host, taken after
  them, settles all of that host's unknown rows together; only rows not found are created again;
- a run that finds ``sending`` rows from an interrupted run settles them the same way first.
"""

from __future__ import annotations

import contextlib
import queue
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any, Protocol

from .auth import TokenProvider
from .changes import changes, describe
from .client import ZoomClient
from .config import Settings
from .errors import (
    ConnectionLost,
    DailyLimitReached,
    NotFound,
    OutputError,
    ZoomError,
)
from .journal import Journal, MeetingRecord
from .models import (
    CancelRequest,
    InvalidRow,
    MeetingRequest,
    RowResult,
    Status,
    meeting_identity,
)
from .pacing import Pacer
from .report import write_report
from .retry import Operation, Verdict, call_with_retries, decide, parse_moment
from .sheet import Table, read_table, write_output
from .validate import RowDefaults, validate_rows

MAX_ROUNDS = 4  # create attempts per row whose outcome keeps coming back unknown


class Progress(Protocol):
    def start(self, total: int) -> None: ...
    def advance(self, rows: int = 1) -> None: ...
    def close(self) -> None: ...


class _NoProgress:
    def start(self, total: int) -> None:
        pass

    def advance(self, rows: int = 1) -> None:
        pass

    def close(self) -> None:
        pass


@dataclass(frozen=True)
class UndoPlan:
    """What ``--undo`` is about to delete, for the confirmation question."""

    meetings_by_host: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.meetings_by_host.values())


@dataclass
class BatchReport:
    results: list[RowResult]
    table: Table
    output_path: Path | None = None
    output_error: OutputError | None = None
    interrupted: bool = False
    dry_run: bool = False
    tokens_fetched: int = 0
    requests_throttled: int = 0
    cancelled_by_user: bool = False  # --undo answered "no"

    @property
    def counts(self) -> Counter[Status]:
        return Counter(result.status for result in self.results)

    @property
    def needs_attention(self) -> bool:
        return any(result.status.needs_attention for result in self.results)


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
    )
    plans = validate_rows(table.rows, defaults)
    run = _Run(settings, table, progress or _NoProgress(), sleep, clock, now)
    if settings.dry_run:
        run.plan_only(plans)
    else:
        run.execute(plans, confirm_undo)
    return run.finish()


class _Run:
    """The state of one batch run. Worker threads share it through ``_lock``."""

    def __init__(
        self,
        settings: Settings,
        table: Table,
        progress: Progress,
        sleep: Callable[[float], None],
        clock: Callable[[], float],
        now: Callable[[], datetime],
    ) -> None:
        self.settings = settings
        self.table = table
        self.progress = progress
        self.sleep = sleep
        self.clock = clock
        self.now = now
        self.results: dict[int, RowResult] = {}
        self.stopped_hosts: dict[str, datetime] = {}  # host -> when its daily quota comes back
        self.stop = threading.Event()
        self.interrupted = False
        self.cancelled_by_user = False
        self._lock = threading.Lock()
        self.counting = False  # settled rows advance the progress bar once it has started
        self.journal: Journal | None = None
        self.client: ZoomClient | None = None
        self.tokens: TokenProvider | None = None
        self.pacer: Pacer | None = None

    # -- results ----------------------------------------------------------------------------

    def settle(self, result: RowResult) -> None:
        with self._lock:
            self.results[result.row] = result
        if self.counting:
            self.progress.advance()

    def finish(self) -> BatchReport:
        for row in self.table.rows:
            if row.number not in self.results:
                self.results[row.number] = RowResult(
                    row.number,
                    Status.PENDING,
                    error="not attempted: the run was interrupted; run the same command again "
                    "to finish",
                    topic=_text(row.get("topic")),
                )
        results = [self.results[number] for number in sorted(self.results)]
        report = BatchReport(
            results=results,
            table=self.table,
            interrupted=self.interrupted,
            dry_run=self.settings.dry_run,
            tokens_fetched=self.tokens.fetches if self.tokens else 0,
            requests_throttled=self.pacer.throttled if self.pacer else 0,
            cancelled_by_user=self.cancelled_by_user,
        )
        if self.journal is not None:
            self.journal.close()
        if self.client is not None:
            self.client.close()
        if self.cancelled_by_user:
            return report
        try:
            report.output_path = write_output(self.table, results, self.settings.output_path)
        except OutputError as error:
            report.output_error = error
            report.output_path = error.fallback
        if self.settings.report_path is not None:
            try:
                title = self.settings.input_path.name
                write_report(results, self.settings.report_path, title=title)
            except OutputError as error:
                report.output_error = report.output_error or error
        return report

    # -- dry run ----------------------------------------------------------------------------

    def plan_only(self, plans: Sequence[MeetingRequest | CancelRequest | InvalidRow]) -> None:
        """Validate and say what would happen; no request at all, not even for a token."""
        for plan in plans:
            if isinstance(plan, InvalidRow):
                self.settle(_invalid(plan))
            elif isinstance(plan, CancelRequest):
                what = (
                    f"would cancel meeting {plan.meeting_id}" if plan.meeting_id else "would cancel"
                )
                self.settle(
                    RowResult(
                        plan.row,
                        Status.PLANNED,
                        plan.meeting_id,
                        error=what,
                        host=plan.host,
                        topic=plan.topic,
                    )
                )
            elif self.settings.undo:
                if plan.meeting_id:
                    self.settle(
                        RowResult(
                            plan.row,
                            Status.PLANNED,
                            plan.meeting_id,
                            error=f"would cancel meeting {plan.meeting_id}",
                            host=plan.host,
                            topic=plan.topic,
                        )
                    )
            elif plan.meeting_id:
                self.settle(
                    RowResult(
                        plan.row,
                        Status.PLANNED,
                        plan.meeting_id,
                        error="would compare with Zoom and update what changed",
                        host=plan.host,
                        topic=plan.topic,
                    )
                )
            else:
                self.settle(
                    RowResult(
                        plan.row,
                        Status.PLANNED,
                        error="would create",
                        host=plan.host,
                        topic=plan.topic,
                    )
                )
        for row in self.table.rows:  # --undo of rows without a meeting: nothing to do
            self.results.setdefault(
                row.number, RowResult(row.number, Status.PLANNED, error="nothing to cancel")
            )

    # -- a real run -------------------------------------------------------------------------

    def execute(
        self,
        plans: Sequence[MeetingRequest | CancelRequest | InvalidRow],
        confirm_undo: Callable[[UndoPlan], bool] | None,
    ) -> None:
        settings = self.settings
        self.journal = Journal(settings.journal_path, _target(settings))
        creates: list[MeetingRequest] = []
        unsettled: list[MeetingRequest] = []  # in flight when an earlier run stopped
        managed: list[MeetingRequest] = []
        cancels: list[CancelRequest] = []
        state = self.journal.state
        for plan in plans:
            if isinstance(plan, InvalidRow):
                self.settle(_invalid(plan))
            elif isinstance(plan, CancelRequest):
                cancels.append(plan)
            elif settings.undo:
                cancels.append(_as_cancel(plan, state.created.get(plan.identity)))
            elif plan.meeting_id:
                managed.append(plan)
            elif plan.identity in state.created:
                record = state.created[plan.identity]
                self.settle(_made(plan, Status.EXISTS, record))
            elif plan.identity in state.in_flight:
                unsettled.append(plan)
            else:
                creates.append(plan)
        if settings.undo:
            undo_plan = self._undo_plan(cancels)
            if undo_plan.total and confirm_undo is not None and not confirm_undo(undo_plan):
                self.cancelled_by_user = True
                return
        work = len(creates) + len(unsettled) + len(managed) + len(cancels)
        if not work:
            return
        self._connect()
        assert self.tokens is not None
        self.tokens.current()  # bad credentials stop the batch here, before any row is touched
        self.progress.start(work)
        self.counting = True
        try:
            if unsettled:
                creates.extend(self._reconcile(unsettled, adopted=Status.EXISTS))
            self._run_tasks(
                [partial(self._cancel, plan) for plan in cancels]
                + [partial(self._update, plan) for plan in managed]
            )
            self._create_all(creates)
        finally:
            self.progress.close()

    def _connect(self) -> None:
        settings = self.settings
        assert settings.credentials is not None, "a real run needs credentials"
        import requests

        timeout = (settings.connect_timeout, settings.read_timeout)
        self.tokens = TokenProvider(
            settings.oauth_url,
            settings.credentials,
            requests.Session(),
            timeout=timeout,
            sleep=self.sleep,
        )
        self.pacer = Pacer(settings.rate, clock=self.clock, sleep=self.sleep)
        self.client = ZoomClient(
            settings.api_url, self.tokens, self.pacer, timeout=timeout, now=self.now
        )

    # -- creates ----------------------------------------------------------------------------

    def _create_all(self, creates: list[MeetingRequest]) -> None:
        pending = creates
        for round_number in range(1, MAX_ROUNDS + 1):
            if not pending or self.stop.is_set():
                break
            unknown: list[MeetingRequest] = []
            self._run_tasks([partial(self._create, plan, unknown) for plan in pending])
            if not unknown or self.stop.is_set():
                for plan in unknown:
                    self.settle(_pending_unknown(plan))
                return
            adopted = Status.CREATED
            pending = self._reconcile(unknown, adopted=adopted)
            if round_number == MAX_ROUNDS:
                for plan in pending:
                    self.settle(
                        _result(
                            plan,
                            Status.FAILED,
                            "Zoom kept failing while creating "
                            "this meeting and it was not made; a re-run will try again",
                        )
                    )

    def _create(self, plan: MeetingRequest, unknown: list[MeetingRequest]) -> None:
        assert self.journal is not None and self.client is not None
        deferred = self._deferred_for(plan.host)
        if deferred is not None:
            self.settle(_result(plan, Status.DEFERRED, deferred))
            return
        self.journal.record("sending", id=plan.identity, host=plan.host, row=plan.row)
        client = self.client
        try:
            meeting = call_with_retries(
                lambda: client.create_meeting(plan.host, plan.create_body()),
                Operation.CREATE,
                sleep=self.sleep,
                budget=self.settings.max_wait,
            )
        except (ZoomError, ConnectionLost) as error:
            verdict = decide(error, Operation.CREATE, 1).verdict
            if verdict is Verdict.RECONCILE:
                with self._lock:
                    unknown.append(plan)
                return
            self.journal.record("not_sent", id=plan.identity)
            if isinstance(error, DailyLimitReached):
                self.settle(_result(plan, Status.DEFERRED, self._stop_host(plan.host, error)))
            else:
                self.settle(_result(plan, Status.FAILED, _failure(error, verdict)))
            return
        record = _record_of(meeting, plan.host)
        self.journal.record(
            "created",
            id=plan.identity,
            meeting_id=record.meeting_id,
            join_url=record.join_url,
            passcode=record.passcode,
            host=plan.host,
        )
        self.settle(_made(plan, Status.CREATED, record))

    def _reconcile(self, plans: list[MeetingRequest], *, adopted: Status) -> list[MeetingRequest]:
        """Settle creates of unknown outcome: adopt what Zoom made, return what it did not.

        One listing per host, taken after every request it must account for has finished (and
        after a short pause, for a request Zoom may still have been processing when we gave up).
        """
        assert self.journal is not None and self.client is not None
        if self.settings.settle_seconds > 0:
            self.sleep(self.settings.settle_seconds)
        not_made: list[MeetingRequest] = []
        by_host: dict[str, list[MeetingRequest]] = {}
        for plan in plans:
            by_host.setdefault(plan.host, []).append(plan)
        known_ids = {record.meeting_id for record in self.journal.state.created.values()}
        for host, host_plans in by_host.items():
            try:
                listing = call_with_retries(
                    partial(_list_all, self._zoom, host),
                    Operation.READ,
                    sleep=self.sleep,
                    budget=self.settings.max_wait,
                )
            except (ZoomError, ConnectionLost) as error:
                for plan in host_plans:  # stays in flight in the journal: the next run looks again
                    self.settle(
                        _result(
                            plan,
                            Status.FAILED,
                            "Zoom may or may not have made this "
                            f"meeting and looking it up failed ({_reason(error)}); "
                            "a re-run will look again before creating it",
                        )
                    )
                continue
            found = _index_listing(listing, host)
            for plan in host_plans:
                meeting = found.get(plan.identity)
                if meeting is not None and str(meeting.get("id")) not in known_ids:
                    record = _record_of(meeting, host)
                    known_ids.add(record.meeting_id)
                    self.journal.record(
                        "created",
                        id=plan.identity,
                        meeting_id=record.meeting_id,
                        join_url=record.join_url,
                        passcode=record.passcode,
                        host=host,
                        adopted=True,
                    )
                    self.settle(_made(plan, adopted, record))
                else:
                    self.journal.record("not_sent", id=plan.identity)
                    not_made.append(plan)
        return not_made

    # -- updates of managed rows ---------------------------------------------------------------

    def _update(self, plan: MeetingRequest) -> None:
        assert plan.meeting_id is not None and self.journal is not None
        meeting_id = plan.meeting_id
        if meeting_id in self.journal.state.deleted:  # --undo or a cancel row deleted it
            self.settle(
                _result(
                    plan,
                    Status.CANCELLED,
                    "cancelled by an earlier run; clear meeting_id to schedule it again",
                    meeting_id=meeting_id,
                )
            )
            return
        try:
            meeting = self._get(meeting_id)
            if meeting is None:
                self._missing(plan)
                return
            for _ in range(MAX_ROUNDS):
                patch = changes(plan, meeting)
                if not patch:
                    status = (
                        Status.UPDATED
                        if meeting_id in self.journal.state.updating
                        else Status.EXISTS
                    )
                    if status is Status.UPDATED:
                        self.journal.record("updated", meeting_id=meeting_id)
                    self.settle(_made(plan, status, _record_of(meeting, plan.host)))
                    return
                deferred = self._deferred_for(plan.host)
                if deferred is not None:
                    self.settle(_result(plan, Status.DEFERRED, deferred, meeting_id=meeting_id))
                    return
                self.journal.record("updating", meeting_id=meeting_id, fields=sorted(patch))
                try:
                    self._call(
                        partial(self._zoom.update_meeting, meeting_id, patch), Operation.UPDATE
                    )
                except (ZoomError, ConnectionLost) as error:
                    if decide(error, Operation.UPDATE, 1).verdict is not Verdict.RECONCILE:
                        raise
                    refreshed = self._get(meeting_id)  # did it apply? look before repeating
                    if refreshed is None:
                        self._missing(plan)
                        return
                    meeting = refreshed
                    continue
                self.journal.record("updated", meeting_id=meeting_id)
                note = "changed " + describe(patch, meeting)
                changed = {**meeting, **patch}
                if "password" in patch:  # the join link carries the passcode: read the new one
                    changed = self._get(meeting_id) or changed
                self.settle(_made(plan, Status.UPDATED, _record_of(changed, plan.host), note))
                return
            self.settle(
                _result(
                    plan,
                    Status.FAILED,
                    "Zoom kept failing while updating this meeting; a re-run will compare again",
                    meeting_id=meeting_id,
                )
            )
        except DailyLimitReached as error:
            self.settle(
                _result(
                    plan, Status.DEFERRED, self._stop_host(plan.host, error), meeting_id=meeting_id
                )
            )
        except (ZoomError, ConnectionLost) as error:
            self.settle(_result(plan, Status.FAILED, _failure(error), meeting_id=meeting_id))

    def _missing(self, plan: MeetingRequest) -> None:
        if self.settings.recreate_missing:
            fresh = replace(plan, meeting_id=None)
            unknown: list[MeetingRequest] = []
            self._create(fresh, unknown)
            for lost in unknown:
                self.settle(_pending_unknown(lost))
            return
        self.settle(
            _result(
                plan,
                Status.MISSING,
                f"meeting {plan.meeting_id} no longer exists on Zoom; clear its "
                "meeting_id to schedule it again, mark it cancel, or run with "
                "--recreate-missing",
                meeting_id=plan.meeting_id,
            )
        )

    # -- cancels ----------------------------------------------------------------------------

    def _cancel(self, plan: CancelRequest) -> None:
        assert self.journal is not None
        state = self.journal.state
        meeting_id = plan.meeting_id
        if meeting_id is None and plan.identity and plan.identity in state.created:
            meeting_id = state.created[plan.identity].meeting_id
        done = RowResult(plan.row, Status.CANCELLED, meeting_id, host=plan.host, topic=plan.topic)
        if meeting_id is None:
            self.settle(replace(done, error="nothing was scheduled for this row"))
            return
        if meeting_id in state.deleted:
            self.settle(replace(done, error="already cancelled by an earlier run"))
            return
        try:
            if self._get(meeting_id) is None:  # look before deleting
                self.journal.record("deleted", meeting_id=meeting_id, seen_gone=True)
                self.settle(replace(done, error="the meeting was already gone from Zoom"))
                return
            self.journal.record("deleting", meeting_id=meeting_id)
            with contextlib.suppress(NotFound):  # a repeated DELETE whose first attempt acted
                self._call(partial(self._zoom.delete_meeting, meeting_id), Operation.DELETE)
            self.journal.record("deleted", meeting_id=meeting_id)
            self.settle(done)
        except (ZoomError, ConnectionLost) as error:
            self.settle(
                RowResult(
                    plan.row,
                    Status.FAILED,
                    meeting_id,
                    error=_failure(error),
                    host=plan.host,
                    topic=plan.topic,
                )
            )

    def _undo_plan(self, cancels: Iterable[CancelRequest]) -> UndoPlan:
        assert self.journal is not None
        state = self.journal.state
        hosts: Counter[str] = Counter()
        for plan in cancels:
            known = state.created.get(plan.identity) if plan.identity else None
            meeting_id = plan.meeting_id or (known.meeting_id if known else None)
            if meeting_id and meeting_id not in state.deleted:
                hosts[plan.host or "me"] += 1
        return UndoPlan(dict(hosts))

    # -- shared helpers --------------------------------------------------------------------

    @property
    def _zoom(self) -> ZoomClient:
        assert self.client is not None
        return self.client

    def _call(self, send: Callable[[], Any], operation: Operation) -> Any:
        return call_with_retries(send, operation, sleep=self.sleep, budget=self.settings.max_wait)

    def _get(self, meeting_id: str) -> dict[str, Any] | None:
        """The meeting, or None when Zoom says it does not exist (3001)."""
        try:
            meeting: dict[str, Any] = self._call(
                partial(self._zoom.get_meeting, meeting_id), Operation.READ
            )
            return meeting
        except NotFound:
            return None

    def _deferred_for(self, host: str) -> str | None:
        with self._lock:
            resume_at = self.stopped_hosts.get(host.casefold())
        if resume_at is None:
            return None
        return _deferred_message(host, resume_at)

    def _stop_host(self, host: str, error: DailyLimitReached) -> str:
        resume_at = error.resume_at or self.now()
        with self._lock:
            self.stopped_hosts[host.casefold()] = resume_at
        return _deferred_message(host, resume_at)

    def _run_tasks(self, tasks: Sequence[Callable[[], None]]) -> None:
        """Run ``tasks`` on the worker threads; Ctrl-C stops new tasks, a second one abandons."""
        if not tasks:
            return
        todo: queue.SimpleQueue[Callable[[], None]] = queue.SimpleQueue()
        for task in tasks:
            todo.put(task)
        errors: list[BaseException] = []

        def worker() -> None:
            while not self.stop.is_set():
                try:
                    task = todo.get_nowait()
                except queue.Empty:
                    return
                try:
                    task()
                except BaseException as error:  # a bug: keep it for the main thread to raise
                    errors.append(error)
                    self.stop.set()

        threads = [
            threading.Thread(target=worker, name=f"batch_zoom-{n}", daemon=True)
            for n in range(max(1, min(self.settings.workers, len(tasks))))
        ]
        for thread in threads:
            thread.start()
        try:
            while any(thread.is_alive() for thread in threads):
                for thread in threads:
                    thread.join(timeout=0.1)
        except KeyboardInterrupt:
            self.interrupted = True
            self.stop.set()
            try:
                for thread in threads:  # let the requests in flight finish
                    thread.join()
            except KeyboardInterrupt:
                pass  # second Ctrl-C: abandon them; the journal marks them for the next run
        if errors:
            raise errors[0]


def _target(settings: Settings) -> str:
    if settings.sandbox:
        return "sandbox"
    account = settings.credentials.account_id if settings.credentials else "?"
    return f"{settings.api_url} account {account}"


def _list_all(client: ZoomClient, host: str) -> list[dict[str, Any]]:
    return list(client.list_meetings(host))


def _index_listing(listing: Iterable[dict[str, Any]], host: str) -> dict[str, dict[str, Any]]:
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


def _record_of(meeting: dict[str, Any], host: str) -> MeetingRecord:
    return MeetingRecord(
        meeting_id=str(meeting.get("id", "")),
        join_url=str(meeting.get("join_url") or ""),
        passcode=str(meeting.get("password") or ""),
        host=host,
    )


def _made(plan: MeetingRequest, status: Status, record: MeetingRecord, note: str = "") -> RowResult:
    return RowResult(
        plan.row,
        status,
        record.meeting_id,
        record.join_url or None,
        record.passcode or None,
        note,
        host=plan.host,
        topic=plan.topic,
    )


def _result(
    plan: MeetingRequest, status: Status, error: str, *, meeting_id: str | None = None
) -> RowResult:
    return RowResult(plan.row, status, meeting_id, error=error, host=plan.host, topic=plan.topic)


def _invalid(plan: InvalidRow) -> RowResult:
    return RowResult(plan.row, Status.INVALID, error=plan.message)


def _pending_unknown(plan: MeetingRequest) -> RowResult:
    return _result(
        plan,
        Status.PENDING,
        "interrupted while Zoom was making this meeting; run the "
        "same command again: it will look the meeting up before creating anything",
    )


def _as_cancel(plan: MeetingRequest, record: MeetingRecord | None) -> CancelRequest:
    meeting_id = plan.meeting_id or (record.meeting_id if record else None)
    return CancelRequest(plan.row, meeting_id, plan.identity, plan.host, plan.topic)


def _deferred_message(host: str, resume_at: datetime) -> str:
    when = resume_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return (
        f"{host} has used Zoom's daily limit of meeting creates and updates; run the same "
        f"command again after {when} to schedule it"
    )


def _reason(error: BaseException) -> str:
    if isinstance(error, ZoomError):
        return error.describe()
    return str(error)


def _failure(error: BaseException, verdict: Verdict | None = None) -> str:
    if isinstance(error, ConnectionLost):
        return f"could not reach Zoom ({error}); a re-run will finish it"
    if verdict is Verdict.RETRY or (isinstance(error, ZoomError) and error.status in (429,)):
        return f"Zoom stayed busy ({_reason(error)}); a re-run will finish it"
    if isinstance(error, ZoomError) and error.status >= 500:
        return f"Zoom kept failing ({_reason(error)}); a re-run will finish it"
    return f"Zoom refused it: {_reason(error)}"


def _text(value: Any) -> str | None:
    return None if value is None else str(value)
