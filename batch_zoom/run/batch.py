"""run_batch: read -> validate -> create / update / cancel -> journal -> write.

This module decides what each row needs and in which order; ``creates`` and ``edits`` do it.
The order matters for the exactly-once promise: rows that an interrupted run left in flight are
looked up before anything is sent, edits and cancellations go next, new meetings last.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from urllib.parse import urlsplit

import requests

from ..cells import is_empty
from ..config import Settings
from ..errors import BatchZoomError, InputError, OutputError, ZoomUnreachable
from ..i18n import _
from ..models import (
    MEETING_STATUSES,
    WEBINAR,
    CancelRequest,
    InvalidRow,
    MeetingRequest,
    RegistrationResult,
    RowPlan,
    RowResult,
    SheetRow,
    SkippedRow,
    Status,
)
from ..publish.calendar import CalendarEntry, write_calendar
from ..publish.participants import SHEET_NAME as PARTICIPANTS_SHEET
from ..publish.participants import (
    participant_columns,
    participant_rows,
    participants_csv_path,
    write_participants_csv,
)
from ..publish.report import write_report
from ..rows.settings import settings_summary
from ..rows.validate import RowDefaults, refused_as_past, validate_rows
from ..rows.zones import JAPAN_ZONES, written_in_japanese
from ..sheet.read import Table, read_table
from ..sheet.rooms import read_room_sheet, with_rooms
from ..sheet.write import TableSheet, check_not_open, check_output_writable, write_output
from ..zoom.auth import TokenProvider
from ..zoom.client import ZoomClient
from ..zoom.clock import ZoomClock
from ..zoom.pacing import Pacer
from ..zoom.reach import Reach
from .audit import (
    ListedAfterWrites,
    Receipt,
    apply_receipt,
    audit,
    rows_not_seen,
    rows_to_verify,
)
from .check import check_only
from .creates import complete_link, create_all, reconcile
from .edits import (
    UndoPlan,
    as_cancel,
    cancel,
    hosts_to_look_up,
    meeting_of,
    undo_plan,
    update,
)
from .journal import Journal, JournalState, MeetingRecord, read_state, skipped_lines_warning
from .lookups import needs_lookups, settle_settings
from .outcomes import (
    clock_warning,
    invalid,
    made,
    problem,
    settled_offline,
    skipped,
    skipped_items_warning,
    with_notes,
    would_cancel,
)
from .panelists import panel_work, planned_panelists, settle_panels
from .pool import HostPool
from .preflight import LOOK_UP_BUDGET, Preflight, reads_users, run_preflight
from .registrants import planned, register_all, registration_work, settled_from_journal
from .session import Background, NoProgress, Progress, Session, wait_for

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
    warnings: list[str] = field(default_factory=list)  # said once each, before the summary
    registrations: list[RegistrationResult] = field(default_factory=list)  # the Participants
    participants_path: Path | None = None  # beside a CSV output: the participants' links
    calendar_path: Path | None = None  # the participants' .ics, when one was written
    receipt: Receipt | None = None  # what Zoom holds for the batch after the run's writes
    #: "rows without a time zone: Asia/Tokyo, this computer's zone" (None: every row has one)
    default_zone: str | None = None

    @property
    def counts(self) -> Counter[Status]:
        return Counter(result.status for result in self.results)

    @property
    def needs_attention(self) -> bool:
        rows = any(result.status.needs_attention for result in self.results)
        people = any(person.status.needs_attention for person in self.registrations)
        receipt = self.receipt is not None and self.receipt.needs_attention
        return rows or people or receipt


@dataclass
class _Work:
    """The rows of a real run, sorted by what they need."""

    creates: list[MeetingRequest]
    unsettled: list[MeetingRequest]  # in flight when an earlier run stopped: look them up first
    managed: list[MeetingRequest]
    cancels: list[CancelRequest]
    #: row -> identity it had when it made its meeting: an original sheet's row edited since
    edited: dict[int, str] = field(default_factory=dict)
    # made by an earlier run whose answer held no join link: fetch it
    unlinked: list[tuple[MeetingRequest, MeetingRecord]] = field(default_factory=list)

    @property
    def size(self) -> int:
        return (
            len(self.creates)
            + len(self.unsettled)
            + len(self.managed)
            + len(self.cancels)
            + len(self.unlinked)
        )


def run_batch(
    settings: Settings,
    *,
    progress: Progress | None = None,
    confirm_undo: Callable[[UndoPlan], bool] | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
    notify: Callable[[str], None] | None = None,
    stop: threading.Event | None = None,
) -> BatchReport:
    """Run one batch as ``settings`` say. Raises only what makes the whole batch impossible.

    ``notify`` hears, while the run goes on, what the user should know before the summary
    (one line: "waiting for Zoom: no answer from api.zoom.us, retrying in 8 s").
    ``progress`` may also be a ``session.RowWatcher`` (each settled row, each wait). ``stop``,
    set from another thread, ends the run as Ctrl-C does: requests in flight finish, the rest
    is left pending for the next run (``report.interrupted``).
    """
    table = read_table(settings.input_path, sheet=settings.sheet, encoding=settings.encoding)
    pool = HostPool.of(settings, table)
    defaults = RowDefaults(
        timezone=settings.timezone or "UTC",
        host=settings.user,
        options=dict(settings.option_defaults),
        now=now(),
        date_order=settings.date_order,
        registrant_emails=settings.registrant_emails,
        # A past start refuses only a row that would be created (creates.py, _plan_only,
        # check.py): a row whose meeting was made keeps its meeting and its link.
        refuse_past=False,
    )

    rows, room_warnings = with_rooms(table.rows, read_room_sheet(table))

    def plan_rows(moment: datetime | None) -> list[RowPlan]:
        """The rows checked with ``moment`` as "now" (None: no check of starts in the past)."""
        plans = validate_rows(pool.named_rows(rows), replace(defaults, now=moment))
        if not settings.sandbox and _is_zooms_own(settings.api_url):
            sheet_rows = {row.number: row for row in table.rows}
            plans = [_not_from_the_sandbox(plan, sheet_rows[plan.row]) for plan in plans]
        return plans

    plans = plan_rows(defaults.now)
    report = BatchReport(results=[], table=table)
    report.warnings.extend(table.notes)
    report.warnings.extend(room_warnings)
    report.default_zone, zone_warning = _default_zone(settings, table, plans, defaults.timezone)
    if zone_warning is not None:
        if not settings.dry_run and not settings.check:
            # Made at the computer's hour, a Japanese timetable's classes would be nine hours
            # late on Zoom and in every calendar: a guess this costly is asked, not taken.
            raise InputError(
                _("{warning}; nothing was sent").format(warning=zone_warning),
                hint=_(
                    "give the zone of those rows: Asia/Tokyo if they are times in Japan "
                    "(--timezone Asia/Tokyo, or the page's time zone field), or this computer's "
                    "zone if they really are in it; a timezone column does it row by row"
                ),
            )
        report.warnings.append(zone_warning)
    check_not_open(settings.output_path)  # before any request: open in Excel, it is not ours
    if not settings.dry_run:
        # Before any request, not even for a token: a run must be able to write what it made.
        check_output_writable(table, settings.output_path)
        if settings.sandbox:
            _not_over_real_meetings(table, settings.output_path)
    if settings.dry_run:
        state = read_state(settings.journal_path)
        _warn(report, skipped_lines_warning(settings.journal_path, state))
        results = _plan_only(
            plans,
            state,
            undo=settings.undo,
            now=defaults.now or now(),
            input_name=settings.input_path.name,
        )
        pool.note_planned(results)
        report.registrations = [
            person
            for plan in plans
            if isinstance(plan, MeetingRequest) and not settings.undo
            for person in [
                *planned(plan, results[plan.row].meeting_id),
                *planned_panelists(plan, results[plan.row].meeting_id),
            ]
        ]
    elif settings.check:
        results = check_only(
            settings, plans, pool, report, sleep=sleep, clock=clock, now=now, notify=notify
        )
    else:
        results = _execute(
            settings,
            plans,
            plan_rows,
            pool,
            report,
            progress or NoProgress(),
            confirm_undo,
            sleep=sleep,
            clock=clock,
            now=now,
            notify=notify,
            stop=stop,
        )
    report.results = _complete(table, results)
    if not report.cancelled_by_user:
        _write(settings, report)
        if not settings.dry_run and not settings.check:
            _publish_calendar(settings, report, plans, now())
    return report


def _execute(
    settings: Settings,
    plans: Sequence[RowPlan],
    plan_rows: Callable[[datetime | None], Sequence[RowPlan]],
    pool: HostPool,
    report: BatchReport,
    progress: Progress,
    confirm_undo: Callable[[UndoPlan], bool] | None,
    *,
    sleep: Callable[[float], None],
    clock: Callable[[], float],
    now: Callable[[], datetime],
    notify: Callable[[str], None] | None = None,
    stop: threading.Event | None = None,
) -> dict[int, RowResult]:
    with _journal(settings) as journal:
        _warn(report, skipped_lines_warning(journal.path, journal.state))
        plans = pool.known_from_journal(plans, journal.state)
        results, work = _sort(
            plans, journal, undo=settings.undo, input_name=settings.input_path.name
        )
        if settings.undo:
            question = undo_plan(work.cancels, journal.state)
            if question.total and confirm_undo is not None and not confirm_undo(question):
                report.cancelled_by_user = True
                return results
        to_verify = [] if settings.undo else rows_to_verify(plans, results)
        known = [
            settled_from_journal(item, journal.state)
            for item in registration_work(_meetings(plans), results, journal.state)
        ]
        panels = panel_work(_meetings(plans), results, journal.state)
        if (
            not work.size
            and not to_verify
            and not panels
            and all(people is not None for people in known)
        ):
            # nothing to send: not even a token is fetched
            report.registrations = [person for people in known if people for person in people]
            return results
        assert settings.credentials is not None, "a real run needs credentials"
        timeout = (settings.connect_timeout, settings.read_timeout)
        reach = Reach(clock, notify)  # shared: "no answer" is said, and given up on, once
        tokens = TokenProvider(
            settings.oauth_url,
            settings.credentials,
            requests.Session(),
            timeout=timeout,
            sleep=sleep,
            zoom_clock=(zoom_clock := ZoomClock(now)),
            reach=reach,
        )
        pacer = Pacer(ceiling=settings.rate, clock=clock, sleep=sleep)
        client = ZoomClient(
            settings.api_url, tokens, pacer, timeout=timeout, zoom_clock=zoom_clock, reach=reach
        )
        session = Session(
            settings,
            journal,
            client,
            progress=progress,
            sleep=sleep,
            now=zoom_clock.now,
            clock=clock,
            stop_requested=stop,
        )
        found = Preflight()
        first_host: Background | None = None  # the first host's creates, begun early
        begun = _Begun()  # threads of the run's own, waited for even after a Ctrl-C
        try:
            tokens.current()  # bad credentials stop the batch here, before any row is touched
            if zoom_clock.skewed:  # "in the past" is Zoom's to say: check the rows by its time
                report.warnings.append(clock_warning(zoom_clock.skew, zoom_clock.now()))
                plans = pool.known_from_journal(plan_rows(zoom_clock.now()), journal.state)
                results, work = _sort(
                    plans, journal, undo=settings.undo, input_name=settings.input_path.name
                )
            if not settings.undo:  # templates, tracking fields, sign-in options (lookups.py)
                plans = _settle_settings(session, work, pool, report, results, plans)
            # A host whose creates are done is listed for the receipt while others are sent.
            listed = None if settings.undo else ListedAfterWrites(session)
            if _first_host_first(settings, work, pool):
                assert listed is not None
                found, first_host = _first_host_first_run(
                    settings, session, work, pool, results, journal.state, progress, listed, begun
                )
                report.warnings.extend(found.warnings)
            elif not settings.undo:
                found = _preflight(settings, session, work, pool, journal.state)
                report.warnings.extend(found.warnings)
                _apply_preflight(found, work, results, journal.state)
                plans = [_with_pool_host(plan, found) for plan in plans]
            if first_host is None:
                progress.start(work.size)
                session.run_tasks(
                    [
                        partial(complete_link, session, plan, record)
                        for plan, record in work.unlinked
                    ]
                )
                if work.unsettled:
                    work.creates.extend(reconcile(session, work.unsettled, adopted=Status.EXISTS))
                if not settings.undo:  # each host listed once for the cancels that look
                    session.list_hosts(hosts_to_look_up(work.cancels, journal.state))
                session.run_tasks(
                    [
                        partial(cancel, session, plan, look_up=not settings.undo)
                        for plan in work.cancels
                    ]
                    + [partial(update, session, plan) for plan in work.managed]
                )
                _follow_edits(session, work)
            create_all(session, work.creates, listed.take if listed else None)
            if first_host is not None:
                first_host.wait()
            if not session.stop.is_set():
                made_now = {**results, **session.results}
                report.registrations = register_all(
                    session, registration_work(_meetings(plans), made_now, journal.state)
                ) + settle_panels(session, panel_work(_meetings(plans), made_now, journal.state))
            if not settings.undo and not session.stop.is_set():
                # The receipt: after every write, Zoom says what it holds for this batch.
                settled = {**results, **session.results}
                report.receipt = audit(
                    session,
                    rows_to_verify(plans, settled),
                    remove_duplicates=settings.remove_duplicates,
                    listed=listed.taken() if listed else None,
                    unseen=rows_not_seen(plans, settled, session),
                )
        except KeyboardInterrupt:  # between rounds or during a look-up: keep what is settled
            session.interrupted = True
            session.stop.set()
        finally:
            begun.finish(session.stop)
            progress.close()
            client.close()
            report.tokens_fetched = tokens.fetches
            report.requests_throttled = pacer.throttled
            report.interrupted = session.interrupted
            report.warnings.extend(
                skipped_items_warning(host, count)
                for host, count in sorted(client.skipped_items.items())
            )
        if reach.unanswered(client.host) and not session.interrupted:
            # Zoom's API never answered: the rows' failures and the receipt would only say
            # "could not connect" row by row; the run could attempt nothing (exit 2).
            raise ZoomUnreachable(client.host, reach.silence(client.host) or 0.0)
        results.update(session.results)
        if report.receipt is not None:
            apply_receipt(results, report.receipt)
        _annotate(results, found, pool)
        return results


def _default_zone(
    settings: Settings, table: Table, plans: Sequence[RowPlan], zone: str
) -> tuple[str | None, str | None]:
    """Which zone the rows without one are read in, said in a line; and a warning when a sheet
    written in Japanese is read in this computer's zone and that zone is not Japan's."""
    cells = {row.number: row.cells for row in table.rows}
    without = [
        plan
        for plan in plans
        if isinstance(plan, MeetingRequest) and is_empty(cells[plan.row].get("timezone"))
    ]
    if not without:
        return None, None
    if settings.timezone_is_the_computers:
        line = _("rows without a time zone: {zone}, this computer's zone").format(zone=zone)
    else:
        line = _("rows without a time zone: {zone}, as given with --timezone").format(zone=zone)
    dates = [cells[plan.row].get(name) for plan in without[:50] for name in ("date", "start_time")]
    japanese = written_in_japanese(table.headers, dates)
    if not settings.timezone_is_the_computers or zone in JAPAN_ZONES or not japanese:
        return line, None
    return line, _(
        "the sheet is written in Japanese, but its {count} rows without a time zone would be read "
        "in {zone}, this computer's zone: if they are times in Japan, give --timezone Asia/Tokyo "
        "(or add a timezone column)"
    ).format(count=len(without), zone=zone)


@contextlib.contextmanager
def _journal(settings: Settings) -> Iterator[Journal]:
    """The batch's journal, open for the run; removed after it when it recorded nothing (a run
    that sent nothing, for bad credentials or a Zoom out of reach, leaves nothing behind)."""
    journal = Journal(settings.journal_path, _target(settings))
    try:
        yield journal
    finally:
        journal.remove_if_unused()


def _preflight(
    settings: Settings,
    session: Session,
    work: _Work,
    pool: HostPool,
    state: JournalState,
    user_scope: bool | None = None,
    since: float | None = None,
) -> Preflight:
    """Hosts looked up, pool rows given a host, overlaps flagged: before the first write.

    ``user_scope``: what earlier look-ups learned of the app's scope; ``since``: when the
    waiting budgets began that this preflight shares with an earlier one (default: now).
    """
    pool_plans = [plan for plan in work.creates if plan.row in pool.rows]
    # Rows to create only: a managed row is compared first and written only if it changed, so
    # its host is not looked up (a refused move or passcode comes back as Zoom's refusal).
    named = [plan for plan in [*work.creates, *work.unsettled] if plan.row not in pool.rows]
    began = session.clock() if since is None else since
    deadline = began + LOOK_UP_BUDGET
    call = partial(session.call, remaining=lambda: deadline - session.clock())
    listings_until = began + settings.max_wait
    return run_preflight(
        call,
        session.zoom,
        named,
        pool_plans,
        pool.hosts,
        lister=lambda hosts: session.list_hosts(hosts, deadline=listings_until),
        webinar_lister=lambda hosts: session.list_hosts(
            hosts, deadline=listings_until, kind=WEBINAR
        ),
        run_tasks=session.run_tasks,
        known=lambda identity: identity in state.created or identity in state.in_flight,
        refuse_double_booking=settings.no_double_booking,
        managed=work.managed,
        user_scope=reads_users(session.zoom.token_scopes) if user_scope is None else user_scope,
    )


def _settle_settings(
    session: Session,
    work: _Work,
    pool: HostPool,
    report: BatchReport,
    results: dict[int, RowResult],
    plans: Sequence[RowPlan],
) -> list[RowPlan]:
    """What the rows ask of the account, read once and applied before any write: refused rows
    become ``invalid``, the others carry the ids Zoom needs (``lookups``)."""
    groups = (work.creates, work.unsettled, work.managed)
    writing = [plan for group in groups for plan in group]
    other_columns = report.table.other_columns()
    if not needs_lookups(writing, other_columns):
        return list(plans)
    first_pool_host = pool.hosts[0] if pool.hosts else None

    def host_of(plan: MeetingRequest) -> str:
        return first_pool_host if plan.row in pool.rows and first_pool_host else plan.host

    settled = settle_settings(
        partial(session.call),
        session.zoom,
        writing,
        host_of=lambda plan: (
            first_pool_host if plan.row in pool.rows and first_pool_host else plan.host
        ),
        other_columns=other_columns,
        run_tasks=session.run_tasks,
    )
    report.warnings.extend(settled.warnings)
    for group in groups:
        kept: list[MeetingRequest] = []
        for plan in group:
            # A row an earlier run left in flight may have its meeting on Zoom already: it is
            # looked up whatever the account says now, never dropped as invalid here.
            if plan.row in settled.refused and group is not work.unsettled:
                results[plan.row] = problem(
                    plan, Status.INVALID, settled.refused[plan.row], meeting_id=plan.meeting_id
                )
            else:
                kept.append(settled.plans.get(plan.row, plan))
        group[:] = kept
    return [
        settled.plans.get(plan.row, plan) if isinstance(plan, MeetingRequest) else plan
        for plan in plans
    ]


def _first_host_first(settings: Settings, work: _Work, pool: HostPool) -> bool:
    """Whether the first host's creates may start once its own look-up and listing are back,
    while the other hosts are looked up: a batch of creates only, each row naming its host
    (the pool's choice reads every host's listing), of more than one host."""
    return (
        not settings.undo
        and not (work.unsettled or work.managed or work.cancels or work.unlinked)
        and not any(plan.row in pool.rows for plan in work.creates)
        and len({plan.host.casefold() for plan in work.creates}) > 1
    )


@dataclass
class _Begun:
    """Work the run began on threads of their own, for it to wait for before the journal
    closes, whatever happens."""

    threads: list[Background] = field(default_factory=list)

    def start(self, work: Callable[[], None], name: str) -> Background:
        thread = Background(work, name)
        self.threads.append(thread)
        return thread

    def finish(self, stop: threading.Event) -> None:
        """After a Ctrl-C or a bug: no new row, and the requests in flight finish (a second
        Ctrl-C, or their own error, abandons them)."""
        if all(thread.done for thread in self.threads):
            return
        stop.set()
        for thread in self.threads:
            with contextlib.suppress(BaseException):
                thread.wait()


def _first_host_first_run(
    settings: Settings,
    session: Session,
    work: _Work,
    pool: HostPool,
    results: dict[int, RowResult],
    state: JournalState,
    progress: Progress,
    listed: ListedAfterWrites,
    begun: _Begun,
) -> tuple[Preflight, Background]:
    """The first host checked and listed, and its creates begun, while the other hosts are
    checked and listed. Every host is still listed before its own first create (find-before-
    create reads that listing), and its rows checked before they go.

    The other hosts' checks go out with the first host's (one wait for Zoom, as before), unless
    the token's scopes leave it open whether hosts can be looked up at all: then the first
    host's look-up asks first. The first host's creates go alongside the other hosts' listings
    only when the listings' limit is known: Zoom names create's category in its answers only,
    and a create may share the listings' window. Returns what the checks found and the thread
    of the first host's creates; leaves in ``work.creates`` the other hosts' rows to create,
    once the first host's creates have all begun (host by host).
    """
    head, tail = _split_first_host(work)
    began = session.clock()  # the checks share their waiting budgets
    checked: dict[str, Preflight] = {}

    def check(which: str, rows: _Work, scope: bool | None) -> None:
        checked[which] = _preflight(settings, session, rows, pool, state, scope, since=began)

    scope = reads_users(session.zoom.token_scopes)
    # the first host's checks are asked for first, so that they are the first answered
    first = begun.start(partial(check, "first", head, scope), "batch_zoom-first-checks")
    checking = None
    if scope is not None:
        checking = begun.start(partial(check, "others", tail, scope), "batch_zoom-other-checks")
    first.wait()
    found = checked["first"]
    _apply_preflight(found, head, results, state)
    progress.start(len(work.creates))
    head_sent = threading.Event()
    create_first = partial(create_all, session, head.creates, listed.take, head_sent)
    first_host = None
    if session.zoom.knows_the_limit_of("list"):
        first_host = begun.start(create_first, "batch_zoom-first-host")
    if checking is None:
        check("others", tail, found.user_scope)
    else:
        checking.wait()
    _apply_preflight(checked["others"], tail, results, state)
    if first_host is None:
        first_host = begun.start(create_first, "batch_zoom-first-host")
    if refused := len(work.creates) - len(head.creates) - len(tail.creates):
        progress.advance(refused)  # the rows the other hosts' checks refused
    found.merge(checked["others"])
    work.creates[:] = tail.creates
    # host by host: the first host's creates all begun before the next's
    wait_for(head_sent, session.stop_requested)
    return found, first_host


def _split_first_host(work: _Work) -> tuple[_Work, _Work]:
    """The creates of the first host, and the others'."""
    key = work.creates[0].host.casefold()
    head = [plan for plan in work.creates if plan.host.casefold() == key]
    tail = [plan for plan in work.creates if plan.host.casefold() != key]
    return _Work(head, [], [], []), _Work(tail, [], [], [])


def _apply_preflight(
    found: Preflight, work: _Work, results: dict[int, RowResult], state: JournalState
) -> None:
    """Refused rows become ``invalid`` before anything is sent; pool rows take their host."""
    for group in (work.creates, work.unsettled, work.managed):
        kept: list[MeetingRequest] = []
        for plan in group:
            if plan.row in found.unproven:
                results[plan.row] = problem(plan, Status.FAILED, found.unproven[plan.row])
            elif plan.row in found.refused:
                results[plan.row] = problem(
                    plan, Status.INVALID, found.refused[plan.row], meeting_id=plan.meeting_id
                )
            else:
                kept.append(plan)
        group[:] = kept
    creates: list[MeetingRequest] = []
    for plan in work.creates:
        if plan.row in found.assigned:
            plan = replace(plan, host=found.assigned[plan.row])
            if plan.identity in state.created:
                results[plan.row] = made(plan, Status.EXISTS, state.created[plan.identity])
                continue
            if plan.identity in state.in_flight:
                work.unsettled.append(plan)
                continue
        creates.append(plan)
    work.creates[:] = creates


def _annotate(results: dict[int, RowResult], found: Preflight, pool: HostPool) -> None:
    """Warnings and double-booking notes join the row's note; a chosen host is written."""
    for row, result in list(results.items()):
        if result.status is Status.INVALID:
            continue
        note = found.notes.get(row)
        if note:
            result = replace(
                result, error=_("; ").join((result.error, note)) if result.error else note
            )
        host = found.assigned.get(row) or pool.assigned.get(row)
        if host:
            result = replace(result, assigned_host=host, host=host)
        results[row] = result


def _with_pool_host(plan: RowPlan, found: Preflight) -> RowPlan:
    """A pool row as it is sent: with the host the pool gave it (the receipt checks that one)."""
    if isinstance(plan, MeetingRequest) and plan.row in found.assigned:
        return replace(plan, host=found.assigned[plan.row])
    return plan


def _sort(
    plans: Sequence[RowPlan], journal: Journal, *, undo: bool, input_name: str
) -> tuple[dict[int, RowResult], _Work]:
    """Settle what needs no request (invalid rows, rows already made) and sort the rest.

    A row of the original sheet that was edited since it made its meeting (the journal knows
    which row of which input made which meeting) is an edit of that meeting, compared and
    updated like a row of the ``_scheduled`` file: never a second meeting beside an orphan.
    A meeting whose identity another row of the sheet now has is that row's (rows inserted or
    moved), not an edit.
    """
    state = journal.state
    results: dict[int, RowResult] = {}
    work = _Work([], [], [], [])
    wanted = {plan.identity for plan in plans if isinstance(plan, MeetingRequest)}
    for plan in plans:
        if isinstance(plan, MeetingRequest) and not undo and not plan.meeting_id:
            if plan.identity in state.created:
                if state.row_of.get(plan.identity) not in (None, (input_name, plan.row)):
                    journal.record("row", id=plan.identity, input=input_name, row=plan.row)
            else:
                earlier = _edited_from(plan, state, input_name, wanted)
                if earlier is not None:
                    work.edited[plan.row] = earlier[0]
                    plan = replace(plan, meeting_id=earlier[1].meeting_id)
        if isinstance(plan, InvalidRow):
            results[plan.row] = invalid(plan)
        elif isinstance(plan, SkippedRow):
            results[plan.row] = skipped(plan)
        elif isinstance(plan, CancelRequest):
            work.cancels.append(_cancel_what_the_row_made(plan, state, input_name, wanted))
        elif undo:
            record = state.created.get(plan.identity)
            if record is None and (earlier := _edited_from(plan, state, input_name, wanted)):
                record = earlier[1]  # edited since: --undo still reaches the meeting it made
            work.cancels.append(as_cancel(plan, record))
        elif plan.meeting_id:
            work.managed.append(plan)
        elif plan.identity in state.created:
            record = state.created[plan.identity]
            if record.join_url or not record.meeting_id:
                results[plan.row] = made(plan, Status.EXISTS, record)
            else:
                work.unlinked.append((plan, record))
        elif plan.identity in state.in_flight:
            work.unsettled.append(plan)
        else:
            work.creates.append(plan)
    return results, work


def _edited_from(
    plan: MeetingRequest, state: JournalState, input_name: str, wanted: set[str]
) -> tuple[str, MeetingRecord] | None:
    """The identity and meeting this row made before it was edited, if it made one.

    Not when another row of the sheet now has that identity (rows inserted or moved: it is that
    row's meeting), nor when the meeting was cancelled.
    """
    earlier = state.made_by_row(input_name, plan.row)
    if earlier is None or earlier[0] in wanted or earlier[1].meeting_id in state.deleted:
        return None
    return earlier


def _cancel_what_the_row_made(
    plan: CancelRequest, state: JournalState, input_name: str, wanted: set[str]
) -> CancelRequest:
    """A cancel row of the original sheet that was edited before it was marked cancel still
    means the meeting that row made (the journal knows it by row, not by the new fields)."""
    if plan.meeting_id or (plan.identity and plan.identity in state.created):
        return plan
    earlier = state.made_by_row(input_name, plan.row)
    if earlier is None or earlier[0] in wanted or earlier[1].meeting_id in state.deleted:
        return plan
    return replace(plan, meeting_id=earlier[1].meeting_id)


def _follow_edits(session: Session, work: _Work) -> None:
    """An edited original row now matches its meeting: the journal follows it to its new
    identity, so the next run of the same sheet knows the meeting as this row's."""
    for plan in work.managed:
        old_identity = work.edited.get(plan.row)
        result = session.results.get(plan.row)
        if old_identity is None or result is None or not result.meeting_id:
            continue
        if result.status not in (Status.UPDATED, Status.EXISTS):
            continue
        session.journal.record(
            "created",
            id=plan.identity,
            meeting_id=result.meeting_id,
            join_url=result.join_url or "",
            passcode=result.passcode or "",
            host=plan.host,
            input=session.settings.input_path.name,
            row=plan.row,
            replaces=old_identity,
        )
        note = _(
            "the meeting row {row} made in an earlier run was changed to match the edited row"
        ).format(row=plan.row)
        session.results[plan.row] = replace(
            result,
            error=_("{note}: {details}").format(note=note, details=result.error)
            if result.error
            else note,
        )


def _is_zooms_own(api_url: str) -> bool:
    host = urlsplit(api_url).hostname or ""
    return host == "zoom.us" or host.endswith(".zoom.us")


def _not_from_the_sandbox(plan: RowPlan, row: SheetRow) -> RowPlan:
    """On Zoom itself, a row whose meeting the sandbox made is refused with why, not "missing".

    Sandbox links live under a ``.invalid`` host (a name that can never be real, RFC 2606). Only
    runs against Zoom's own API check it: a sandbox served on its own is managed like Zoom.
    """
    if isinstance(plan, InvalidRow | SkippedRow) or not plan.meeting_id:
        return plan
    host = urlsplit(str(row.get("join_url") or "")).hostname or ""
    if not host.endswith(".invalid"):
        return plan
    return InvalidRow(
        plan.row,
        (
            _(
                "meeting_id {meeting_id} was made by the sandbox (its link is not real); "
                "clear meeting_id and join_url to schedule this row on Zoom"
            ).format(meeting_id=plan.meeting_id),
        ),
        topic=plan.topic or "",
        host=plan.host or "",
    )


def _not_over_real_meetings(table: Table, output: Path) -> None:
    """A sandbox run refuses to write over a file that lists meetings made on Zoom itself."""
    if not output.exists():
        return
    try:
        held = table if output.resolve() == table.path.resolve() else read_table(output)
    except BatchZoomError:
        return  # not a sheet of meetings: nothing of Zoom's to lose
    for row in held.rows:
        link = str(row.get("join_url") or "").strip()
        host = urlsplit(link).hostname or ""
        if link and not host.endswith(".invalid"):
            raise OutputError(
                _(
                    "{output} holds meetings made on Zoom (row {row}: {link}); a sandbox run "
                    "does not write over them"
                ).format(output=output.name, row=row.number, link=link),
                hint=_(
                    "run --sandbox on the original sheet (it writes INPUT_sandbox), or choose "
                    "another --output"
                ),
            )


def _plan_only(
    plans: Sequence[RowPlan],
    state: JournalState,
    *,
    undo: bool,
    now: datetime,
    input_name: str = "",
) -> dict[int, RowResult]:
    """A dry run: say what would happen; no request at all, not even for a token.

    The journal is read (never written) so rows an earlier run made show as ``exists``; a row
    it would create is refused if it starts before ``now``.
    """
    results: dict[int, RowResult] = {}
    creates_per_host: Counter[str] = Counter()
    wanted = {plan.identity for plan in plans if isinstance(plan, MeetingRequest)}
    for plan in plans:
        if isinstance(plan, InvalidRow | SkippedRow):
            results[plan.row] = settled_offline(plan)
            continue
        if isinstance(plan, MeetingRequest) and not undo and not plan.meeting_id:
            record = state.created.get(plan.identity)
            if record is not None:
                results[plan.row] = made(plan, Status.EXISTS, record)
                continue
        if isinstance(plan, CancelRequest) or undo:
            cancel_row = plan if isinstance(plan, CancelRequest) else as_cancel(plan, None)
            meeting_id = meeting_of(cancel_row, state)
            look_up = not undo and cancel_row.described is not None
            what = would_cancel(meeting_id, state.deleted, look_up=look_up)
        elif plan.meeting_id:
            meeting_id = plan.meeting_id
            what = _("would compare with Zoom and update what changed")
        elif (earlier := _edited_from(plan, state, input_name, wanted)) is not None:
            meeting_id = earlier[1].meeting_id
            what = _(
                "would update meeting {meeting_id}, which this row made before it was edited"
            ).format(meeting_id=meeting_id)
        elif (refused := refused_as_past(plan, now)) is not None:
            results[plan.row] = invalid(refused)
            continue
        else:
            meeting_id, what = None, _("would create")
            creates_per_host[plan.host.casefold()] += 1
            if creates_per_host[plan.host.casefold()] > DAILY_WRITES_PER_HOST:
                what += _("; ") + _(
                    "{host} has more than Zoom's {limit} creates a day, "
                    "so expect this row to be deferred to a run after 00:00 UTC"
                ).format(host=plan.host, limit=DAILY_WRITES_PER_HOST)
        if isinstance(plan, MeetingRequest):
            sent = settings_summary(plan.settings, plan.template, plan.tracking, plan.reminder)
            what = _("{plan} with {settings}").format(plan=what, settings=sent) if sent else what
            what = with_notes(plan, what)
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
                error=_(
                    "not attempted: the run was interrupted; run the same command again to finish"
                ),
                topic=None if topic is None else str(topic),
            )
    return [results[number] for number in sorted(results)]


def _write(settings: Settings, report: BatchReport) -> None:
    people = participant_rows(report.registrations)
    as_csv = settings.output_path.suffix.lower() == ".csv"
    extra = None
    if people and not as_csv:
        columns = participant_columns(report.registrations)
        extra = TableSheet(PARTICIPANTS_SHEET, columns, people)
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


def _meetings(plans: Sequence[RowPlan]) -> list[MeetingRequest]:
    """The rows that are meetings (not invalid, skipped or cancel rows), in sheet order."""
    return [plan for plan in plans if isinstance(plan, MeetingRequest)]


def _publish_calendar(
    settings: Settings, report: BatchReport, plans: Sequence[RowPlan], moment: datetime
) -> None:
    """The participants' ``.ics``: an event per meeting in the output, cancellations marked."""
    requests_by_row = {plan.row: plan for plan in _meetings(plans)}
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
                    reminder=plan.reminder,
                )
            )
    try:
        if write_calendar(settings.calendar_path, entries, cancelled=cancelled, now=moment):
            report.calendar_path = settings.calendar_path
    except OutputError as error:
        report.output_error = report.output_error or error


def _warn(report: BatchReport, warning: str | None) -> None:
    if warning:
        report.warnings.append(warning)


def _target(settings: Settings) -> str:
    """Which Zoom a journal belongs to: its meetings mean nothing to any other."""
    if settings.sandbox:
        return "sandbox"
    account = settings.credentials.account_id if settings.credentials else "?"
    return f"{settings.api_url} account {account}"
