"""``--check``: read from Zoom everything the batch needs, and write nothing there.

The same preflight as a real run (hosts, the pool, double bookings), a look at each managed
row's meeting, and the hosts' listings for rows already on Zoom. No create, update or delete is
sent and the journal is read, never written; the output shows ``planned`` or ``invalid`` rows.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, Any

import requests

from ..config import Settings
from ..errors import ConnectionLost, NotFound, ZoomError, ZoomUnreachable
from ..i18n import _
from ..models import (
    MEETING,
    WEBINAR,
    CancelRequest,
    InvalidRow,
    Kind,
    MeetingRequest,
    RowPlan,
    RowResult,
    SkippedRow,
    Status,
)
from ..rows.changes import changes, describe
from ..rows.validate import refused_as_past
from ..zoom.auth import TokenProvider
from ..zoom.client import ZoomClient
from ..zoom.pacing import Pacer
from ..zoom.reach import Reach
from ..zoom.retry import Operation, call_with_retries
from .creates import index_listing, series_listed
from .edits import as_cancel, meeting_of
from .journal import MeetingRecord, read_state
from .outcomes import invalid, made, reason, settled_offline, would_cancel
from .preflight import LOOK_UP_BUDGET, Call, lister_for, reads_users, run_preflight

if TYPE_CHECKING:
    from .batch import BatchReport
    from .pool import HostPool


def check_only(
    settings: Settings,
    plans: Sequence[RowPlan],
    pool: HostPool,
    report: BatchReport,
    *,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
    now: Callable[[], datetime],
    notify: Callable[[str], None] | None = None,
) -> dict[int, RowResult]:
    state = read_state(settings.journal_path)
    plans = pool.known_from_journal(plans, state)
    assert settings.credentials is not None, "a check needs credentials"
    timeout = (settings.connect_timeout, settings.read_timeout)
    reach = Reach(clock, notify)
    tokens = TokenProvider(
        settings.oauth_url,
        settings.credentials,
        requests.Session(),
        timeout=timeout,
        sleep=sleep,
        reach=reach,
    )
    pacer = Pacer(settings.rate, clock=clock, sleep=sleep)
    client = ZoomClient(settings.api_url, tokens, pacer, timeout=timeout, now=now, reach=reach)
    call = partial(call_with_retries, sleep=sleep, budget=settings.max_wait, on_wait=reach.waiting)
    deadline = clock() + LOOK_UP_BUDGET
    look_up = partial(call, remaining=lambda: deadline - clock())
    results: dict[int, RowResult] = {}
    try:
        tokens.current()
        writes = [p for p in plans if isinstance(p, MeetingRequest) and not settings.undo]
        named = [p for p in writes if p.row not in pool.rows and not p.meeting_id]
        pool_plans = [p for p in writes if p.row in pool.rows and not p.meeting_id]
        managed = [p for p in writes if p.meeting_id]
        found = run_preflight(
            look_up,
            client,
            named,
            pool_plans,
            pool.hosts,
            lister=lister_for(call, client),
            webinar_lister=lister_for(call, client, WEBINAR),
            known=lambda identity: identity in state.created or identity in state.in_flight,
            refuse_double_booking=settings.no_double_booking,
            managed=managed,
            user_scope=reads_users(tokens.scopes),
        )
        report.warnings.extend(found.warnings)
        for plan in plans:
            if isinstance(plan, InvalidRow | SkippedRow):
                results[plan.row] = settled_offline(plan)
                continue
            if plan.row in found.refused:
                results[plan.row] = RowResult(
                    plan.row, Status.INVALID, error=found.refused[plan.row], topic=plan.topic
                )
                continue
            if plan.row in found.unproven:  # a real run would not create it: say so
                results[plan.row] = RowResult(
                    plan.row, Status.FAILED, error=found.unproven[plan.row], topic=plan.topic
                )
                continue
            if isinstance(plan, CancelRequest) or settings.undo:
                cancel = plan if isinstance(plan, CancelRequest) else as_cancel(plan, None)
                meeting_id = meeting_of(cancel, state)
                what = _cancel_note(call, client, meeting_id, state.deleted, cancel.kind)
                if meeting_id is None and not settings.undo and cancel.described is not None:
                    what = would_cancel(None, look_up=True)
                results[plan.row] = RowResult(
                    plan.row, Status.PLANNED, meeting_id, error=what, topic=plan.topic
                )
                continue
            host = found.assigned.get(plan.row) or pool.assigned.get(plan.row)
            result = _check_row(call, client, plan, host, found.listings, state.created, now())
            note = found.notes.get(plan.row)
            if note:
                result = _with_note(result, note)
            if host:
                result = replace(result, assigned_host=host, host=host)
            results[plan.row] = result
    finally:
        client.close()
        report.tokens_fetched = tokens.fetches
        report.requests_throttled = pacer.throttled
    if reach.unanswered(client.host):  # Zoom's API never answered: nothing here is a finding
        raise ZoomUnreachable(client.host, reach.silence(client.host) or 0.0)
    return results


def _check_row(
    call: Call,
    client: ZoomClient,
    plan: MeetingRequest,
    host: str | None,
    listings: dict[str, list[dict[str, Any]]],
    created: Mapping[str, MeetingRecord],
    now: datetime,
) -> RowResult:
    """What a real run would do with this row, as far as reading Zoom can tell."""
    if host:
        plan = replace(plan, host=host)
    if plan.meeting_id:
        try:
            meeting = call(partial(client.get_meeting, plan.meeting_id, plan.kind), Operation.READ)
        except NotFound:
            return RowResult(
                plan.row,
                Status.MISSING,
                plan.meeting_id,
                error=_("meeting {meeting_id} no longer exists on Zoom").format(
                    meeting_id=plan.meeting_id
                ),
                host=plan.host,
                topic=plan.topic,
            )
        except (ZoomError, ConnectionLost) as error:
            return RowResult(
                plan.row, Status.FAILED, plan.meeting_id, error=reason(error), topic=plan.topic
            )
        patch = changes(plan, meeting)
        what = (
            _("would change {what}").format(what=describe(patch, meeting))
            if patch
            else _("in line with Zoom: nothing to change")
        )
        return RowResult(
            plan.row, Status.PLANNED, plan.meeting_id, error=what, host=plan.host, topic=plan.topic
        )
    record = created.get(plan.identity)
    if record is not None:
        return made(plan, Status.EXISTS, record)
    if plan.kind == MEETING:
        listing = listings.get(plan.host.casefold(), [])
    else:  # the host's webinars: read once per host, kept beside the preflight's meetings
        key = f"{plan.kind.name}|{plan.host.casefold()}"
        if key not in listings:
            try:
                listings[key] = call(
                    lambda: list(client.list_meetings(plan.host, kind=plan.kind)), Operation.READ
                )
            except (ZoomError, ConnectionLost) as error:
                return RowResult(plan.row, Status.FAILED, error=reason(error), topic=plan.topic)
        listing = listings[key]
    on_zoom = index_listing(listing, plan.host, plan.kind).get(plan.identity)
    if on_zoom is None:
        on_zoom = next(iter(series_listed(listing, plan, plan.host)), None)
    if on_zoom is not None:
        what = _("already on Zoom as meeting {meeting_id}").format(meeting_id=on_zoom.get("id"))
        return RowResult(
            plan.row,
            Status.PLANNED,
            str(on_zoom.get("id")),
            error=what,
            host=plan.host,
            topic=plan.topic,
        )
    refused = refused_as_past(plan, now)
    if refused is not None:
        return replace(invalid(refused), topic=plan.topic)
    what = _("would create with host {host}").format(host=plan.host)
    return RowResult(plan.row, Status.PLANNED, error=what, host=plan.host, topic=plan.topic)


def _cancel_note(
    call: Call,
    client: ZoomClient,
    meeting_id: str | None,
    deleted: Collection[str],
    kind: Kind = MEETING,
) -> str:
    """What a real run would do with a cancel row, after a look at Zoom: as it would look."""
    if meeting_id is None or meeting_id in deleted:
        return would_cancel(meeting_id, deleted)
    try:
        call(partial(client.get_meeting, meeting_id, kind), Operation.READ)
    except NotFound:
        return _("the meeting was already gone from Zoom")
    except (ZoomError, ConnectionLost):
        pass  # the real run looks again before deleting
    return would_cancel(meeting_id)


def _with_note(result: RowResult, note: str) -> RowResult:
    return replace(result, error=_("; ").join((result.error, note)) if result.error else note)
