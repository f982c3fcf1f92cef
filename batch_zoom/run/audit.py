"""The receipt: after every write of a run, Zoom is asked what it now holds for the batch.

One listing per host the batch's meetings belong to, taken after all writes. For each row that
ends with a meeting, Zoom must hold exactly one meeting with the row's identity (host, topic,
start instant, duration), the one the output names, with the join link the output shows.

- A second meeting with the row's identity is a duplicate (a late create that landed after its
  retry, another tool): reported with both meeting ids. ``--remove-duplicates`` deletes the one
  the output does not name; the one the output names is never touched.
- A named meeting Zoom does not list is reported too. One Zoom lists with another link (a
  passcode changed in Zoom's portal) is read again, and the output and the journal get Zoom's.
- A host that cannot be listed leaves its rows unverified, said so in the receipt.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import partial

from ..errors import ConnectionLost, NotFound, ZoomError
from ..i18n import _
from ..models import MeetingRequest, RowPlan, RowResult, Status
from ..zoom.retry import Operation
from .creates import matches_by_identity, remember, same_kind, same_series
from .journal import MeetingRecord
from .outcomes import reason, record_of
from .session import Background, Listing, Session

#: Statuses whose row ends with a meeting on Zoom, which the receipt checks.
HELD = frozenset({Status.CREATED, Status.EXISTS, Status.UPDATED})


@dataclass(frozen=True)
class Duplicate:
    """Zoom holds ``others`` besides ``kept`` (the meeting the output names) for ``row``."""

    row: int
    kept: str
    others: tuple[str, ...]
    removed: tuple[str, ...] = ()

    @property
    def left(self) -> tuple[str, ...]:
        return tuple(meeting for meeting in self.others if meeting not in self.removed)


@dataclass
class Receipt:
    rows: int = 0  # rows checked: those that end with a meeting
    meetings: int = 0  # meetings Zoom holds for them, duplicates included
    duplicates: list[Duplicate] = field(default_factory=list)
    problems: dict[int, str] = field(default_factory=dict)  # row -> what does not match
    unverified_hosts: list[str] = field(default_factory=list)
    #: row -> the meeting as Zoom holds it now, where its link had changed on Zoom
    refreshed: dict[int, MeetingRecord] = field(default_factory=dict)

    @property
    def needs_attention(self) -> bool:
        left = any(duplicate.left for duplicate in self.duplicates)
        return left or bool(self.problems) or bool(self.unverified_hosts)

    def line(self) -> str:
        """``verified on Zoom: 300 rows, 300 meetings, 0 duplicates``"""
        found = sum(len(duplicate.others) for duplicate in self.duplicates)
        removed = sum(len(duplicate.removed) for duplicate in self.duplicates)
        text = _(
            "verified on Zoom: {rows} rows, {meetings} meetings, {duplicates} duplicates"
        ).format(rows=self.rows, meetings=self.meetings, duplicates=found)
        if removed:
            text += _(" ({removed} removed)").format(removed=removed)
        if self.problems:
            text += _(", {count} rows not as the output shows").format(count=len(self.problems))
        if self.unverified_hosts:
            text += _("; not verified (listing failed): {hosts}").format(
                hosts=", ".join(self.unverified_hosts)
            )
        return text


def rows_to_verify(
    plans: Iterable[RowPlan], results: Mapping[int, RowResult]
) -> list[tuple[MeetingRequest, RowResult]]:
    """The rows that end with a meeting, with the request that says what the meeting is."""
    checked = []
    for plan in plans:
        if not isinstance(plan, MeetingRequest):
            continue
        result = results.get(plan.row)
        if result is not None and result.status in HELD and result.meeting_id:
            checked.append((plan, result))
    return checked


class ListedAfterWrites:
    """Hosts listed for the receipt as soon as their last write of the run is answered.

    ``take`` starts the listing on a thread of its own (through the shared pacer), so a host
    whose creates are done is listed while other hosts' rows are still being sent; ``taken``
    waits for them. A listing that failed is left out: the receipt lists that host again.
    """

    def __init__(self, session: Session) -> None:
        self._session = session
        self._listings: dict[str, Listing] = {}
        self._pending: list[Background] = []
        self._lock = threading.Lock()

    def take(self, host: str) -> None:
        def list_it() -> None:
            try:
                listing = self._session.listing(host, fresh=True)
            except (ZoomError, ConnectionLost):
                return
            with self._lock:
                self._listings[host.casefold()] = listing

        with self._lock:
            self._pending.append(Background(list_it, "batch_zoom-receipt"))

    def taken(self) -> dict[str, Listing]:
        """Every listing taken so far (casefolded host), once none is still on its way."""
        with self._lock:
            pending = list(self._pending)
        for listing in pending:
            listing.wait()
        with self._lock:
            return dict(self._listings)


def audit(
    session: Session,
    rows: list[tuple[MeetingRequest, RowResult]],
    *,
    remove_duplicates: bool = False,
    listed: Mapping[str, Listing] | None = None,
) -> Receipt:
    """Check ``rows`` against what Zoom holds now; delete duplicates when asked.

    ``listed``: hosts (casefolded) already listed after their last write of the run
    (``ListedAfterWrites``); the others are listed now.
    """
    receipt = Receipt(rows=len(rows))
    by_host: dict[str, list[tuple[MeetingRequest, RowResult]]] = {}
    for plan, result in rows:
        by_host.setdefault(plan.host.casefold(), []).append((plan, result))
    hosts = {key: host_rows[0][0].host for key, host_rows in by_host.items()}
    listings: dict[str, Listing] = {
        host: listed[key] for key, host in hosts.items() if listed and key in listed
    }
    unlisted = [host for host in hosts.values() if host not in listings]
    listings.update(session.list_hosts(unlisted, fresh=True))  # after every write
    named = {result.meeting_id for _plan, result in rows}
    for key, host_rows in by_host.items():
        listing = listings.get(hosts[key])
        if not isinstance(listing, list):
            why = reason(listing) if listing is not None else _("interrupted")
            receipt.unverified_hosts.append(
                _("{host} ({reason})").format(host=hosts[key], reason=why)
            )
            continue
        by_id = {str(item.get("id")): item for item in listing if isinstance(item, dict)}
        found = matches_by_identity(listing, hosts[key])
        for plan, result in host_rows:
            same = [
                str(meeting.get("id"))
                for meeting in found.get(plan.identity, [])
                if same_kind(plan, meeting)
            ]
            listed = by_id.get(str(result.meeting_id))
            if listed is None:
                receipt.problems[plan.row] = _(
                    "row {row}: Zoom does not list meeting {meeting_id}, which the output names"
                ).format(row=plan.row, meeting_id=result.meeting_id)
            else:
                receipt.meetings += 1
                link = str(listed.get("join_url") or "")
                if link and result.join_url and link != result.join_url:
                    _refresh(session, receipt, plan, result)
            others = tuple(
                meeting
                for meeting in same
                if meeting not in named and _same_meeting(session, plan, meeting)
            )
            if others:
                receipt.meetings += len(others)
                removed = _remove(session, others) if remove_duplicates else ()
                receipt.duplicates.append(
                    Duplicate(plan.row, str(result.meeting_id), others, removed)
                )
    receipt.duplicates.sort(key=lambda duplicate: duplicate.row)
    return receipt


def _refresh(session: Session, receipt: Receipt, plan: MeetingRequest, result: RowResult) -> None:
    """Zoom's link is not the output's (a passcode changed in Zoom's portal, say): read the
    meeting, and let the output and the journal show what Zoom holds now."""
    meeting_id = str(result.meeting_id)
    try:
        meeting = session.get(meeting_id)
    except (ZoomError, ConnectionLost):
        meeting = None
    if not meeting or not meeting.get("join_url"):
        receipt.problems[plan.row] = _(
            "row {row}: Zoom's join link for meeting {meeting_id} is not the one the output "
            "shows, and the meeting could not be read; run the same command again"
        ).format(row=plan.row, meeting_id=meeting_id)
        return
    record = record_of(meeting, plan.host)
    remember(session, plan, record, refreshed=True)
    receipt.refreshed[plan.row] = record


def _same_meeting(session: Session, plan: MeetingRequest, meeting_id: str) -> bool:
    """A recurring meeting is the row's duplicate only when it is the same series (one GET)."""
    if plan.recurrence is None:
        return True
    try:
        meeting = session.get(meeting_id)
    except (ZoomError, ConnectionLost):
        return False  # unknown: never call it a duplicate, never delete it
    return meeting is not None and same_series(plan, meeting)


def _remove(session: Session, meeting_ids: Iterable[str]) -> tuple[str, ...]:
    """Delete duplicates the output does not name; the ids that are gone afterwards."""
    removed = []
    for meeting_id in meeting_ids:
        session.journal.record("deleting", meeting_id=meeting_id, duplicate=True)
        try:
            with contextlib.suppress(NotFound):  # already gone: just as good
                session.call(partial(session.zoom.delete_meeting, meeting_id), Operation.DELETE)
        except (ZoomError, ConnectionLost):
            continue
        session.journal.record("deleted", meeting_id=meeting_id, duplicate=True)
        removed.append(meeting_id)
    return tuple(removed)


def duplicate_message(duplicate: Duplicate) -> str:
    """One line per row with a duplicate, naming both meetings."""
    if not duplicate.left:
        return _(
            "row {row}: Zoom also held meeting {others} for this row (a duplicate); it was "
            "deleted, meeting {kept} stays"
        ).format(row=duplicate.row, others=", ".join(duplicate.others), kept=duplicate.kept)
    return _(
        "row {row}: duplicate on Zoom: meeting {kept} (in the output) and meeting {others}; "
        "run again with --remove-duplicates to delete {others}"
    ).format(row=duplicate.row, kept=duplicate.kept, others=", ".join(duplicate.left))


def apply_receipt(results: dict[int, RowResult], receipt: Receipt) -> None:
    """What the receipt found goes into the rows: notes in the error column, Zoom's new links."""
    notes: dict[int, list[str]] = {}
    for duplicate in receipt.duplicates:
        notes.setdefault(duplicate.row, []).append(duplicate_message(duplicate))
    for row, problem in receipt.problems.items():
        notes.setdefault(row, []).append(problem)
    for row, record in receipt.refreshed.items():
        notes.setdefault(row, []).append(
            _(
                "Zoom's join link had changed (a passcode changed in Zoom, say): the output now "
                "shows Zoom's"
            )
        )
        result = results.get(row)
        if result is not None:
            results[row] = replace(
                result, join_url=record.join_url, passcode=record.passcode or result.passcode
            )
    for row, lines in notes.items():
        result = results.get(row)
        if result is None:
            continue
        text = "; ".join(lines)
        error = f"{result.error}; {text}" if result.error else text
        results[row] = replace(result, error=error)
