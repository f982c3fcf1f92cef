"""The receipt: after every write of a run, Zoom is asked what it now holds for the batch.

One listing per host the batch's meetings belong to, taken after all writes. For each row that
ends with a meeting, Zoom must hold exactly one meeting with the row's identity (host, topic,
start instant, duration, compared as Zoom keeps them: ``zoom_forms``), the one the output names,
with the join link the output shows.

- A second meeting with the row's identity is a duplicate (a late create that landed after its
  retry, a colleague who ran the same sheet at the same moment, another tool): reported with
  both meeting ids and the one to keep, the oldest by ``created_at`` (then id), which every
  output of the sheet chooses alike. ``--remove-duplicates`` moves the output to the kept one
  (with a note to share the link again) and deletes only what this output's journal shows it
  made for that row, when nobody registered for it; anything else may be another output's and
  is left alone, named.
- A named meeting Zoom does not list is read with ``GET /meetings/{id}``: gone, it is reported;
  held, the listing lags, and the host is listed again after short, bounded waits. One Zoom
  lists with another link (a passcode changed in Zoom's portal) is read again, and the output
  and the journal get Zoom's.
- Never "verified" for what Zoom did not show: rows of a host that cannot be listed, or whose
  listing could not be read whole, rows a lagging listing still omits, and rows whose create's
  outcome is unknown are counted apart: ``could not verify N rows (...)``.
"""

from __future__ import annotations

import contextlib
import itertools
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any

from ..errors import ConnectionLost, NotFound, ZoomError
from ..i18n import _
from ..models import MEETING, WEBINAR, Kind, MeetingRequest, RowPlan, RowResult, Status
from ..zoom.retry import Operation
from .creates import (
    by_kind,
    matches_by_identity,
    not_understood,
    remember,
    same_kind,
    same_series,
    series_listed,
)
from .journal import MeetingRecord
from .outcomes import reason, record_of
from .session import Background, Listing, Session

#: Zoom's ``approval_type`` of a meeting without registration.
NO_REGISTRATION = 2

#: Statuses whose row ends with a meeting on Zoom, which the receipt checks.
HELD = frozenset({Status.CREATED, Status.EXISTS, Status.UPDATED})


@dataclass(frozen=True)
class Duplicate:
    """Zoom holds ``others`` besides ``kept`` for ``row``.

    ``kept`` is the meeting the output names after the receipt: the oldest of the row's meetings
    (by ``created_at``, then id), a rule any output of the same sheet applies alike, so two
    coordinators converge on one meeting. ``named`` is the one the output named before; when it
    is not ``kept``, ``switched`` says whether the output was moved to ``kept`` (only with
    ``--remove-duplicates``). ``foreign``: meetings this output's journal did not make for the
    row, or with registrants: never deleted.
    """

    row: int
    kept: str
    others: tuple[str, ...]
    removed: tuple[str, ...] = ()
    named: str = ""
    switched: bool = False
    foreign: tuple[str, ...] = ()

    @property
    def left(self) -> tuple[str, ...]:
        return tuple(meeting for meeting in self.others if meeting not in self.removed)

    @property
    def settled(self) -> bool:
        """Nothing left to do: the output names the kept meeting, the others are gone."""
        return not self.left and (self.switched or self.named in ("", self.kept))


@dataclass
class Receipt:
    rows: int = 0  # rows checked: those that end with a meeting
    meetings: int = 0  # meetings Zoom holds for the verified ones, duplicates included
    webinars: int = 0  # webinars Zoom holds for the verified ones, duplicates included
    duplicates: list[Duplicate] = field(default_factory=list)
    problems: dict[int, str] = field(default_factory=dict)  # row -> what does not match
    #: row -> why Zoom could not confirm it (a listing that failed or could not be read whole,
    #: a meeting the listing does not show yet, a create whose outcome is still unknown)
    unverified: dict[int, str] = field(default_factory=dict)
    #: row -> the meeting as Zoom holds it now, where its link had changed on Zoom
    refreshed: dict[int, MeetingRecord] = field(default_factory=dict)
    #: row -> the meeting the output now names instead (the oldest of two coordinators')
    switched: dict[int, MeetingRecord] = field(default_factory=dict)
    #: rows in ``unverified`` that are not among ``rows`` (no meeting known: outcome unknown)
    unseen_rows: set[int] = field(default_factory=set)

    @property
    def needs_attention(self) -> bool:
        unsettled = any(not duplicate.settled for duplicate in self.duplicates)
        return unsettled or bool(self.problems) or bool(self.unverified)

    def line(self) -> str:
        """``verified on Zoom: 300 rows, 300 meetings, 0 duplicates``; never "verified" for a
        row Zoom could not confirm: ``could not verify 6 rows (...)``."""
        found = sum(len(duplicate.others) for duplicate in self.duplicates)
        removed = sum(len(duplicate.removed) for duplicate in self.duplicates)
        seen = self.rows - sum(1 for row in self.unverified if row not in self.unseen_rows)
        parts: list[str] = []
        if seen > 0 or not self.unverified:
            if self.webinars:  # named only when there are webinars: meeting runs read as before
                text = _(
                    "verified on Zoom: {rows} rows, {meetings} meetings, {webinars} webinars, "
                    "{duplicates} duplicates"
                ).format(
                    rows=seen, meetings=self.meetings, webinars=self.webinars, duplicates=found
                )
            else:
                text = _(
                    "verified on Zoom: {rows} rows, {meetings} meetings, {duplicates} duplicates"
                ).format(rows=seen, meetings=self.meetings, duplicates=found)
            if removed:
                text += _(" ({removed} removed)").format(removed=removed)
            if self.problems:
                text += _(", {count} rows not as the output shows").format(count=len(self.problems))
            parts.append(text)
        if self.unverified:
            reasons = list(dict.fromkeys(self.unverified.values()))
            parts.append(
                _("could not verify {count} rows ({reasons})").format(
                    count=len(self.unverified), reasons=_("; ").join(reasons)
                )
            )
        return _("; ").join(parts)


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
        self._listings: dict[tuple[str, str], Listing] = {}
        self._pending: list[Background] = []
        self._lock = threading.Lock()

    def take(self, host: str, kind: Kind = MEETING) -> None:
        def list_it() -> None:
            try:
                listing = self._session.listing(host, fresh=True, kind=kind)
            except (ZoomError, ConnectionLost):
                return
            with self._lock:
                self._listings[(kind.name, host.casefold())] = listing

        with self._lock:
            self._pending.append(Background(list_it, "batch_zoom-receipt"))

    def taken(self) -> dict[tuple[str, str], Listing]:
        """Every listing taken so far (by kind and casefolded host), once none is on its way."""
        with self._lock:
            pending = list(self._pending)
        for listing in pending:
            listing.wait()
        with self._lock:
            return dict(self._listings)


def rows_not_seen(
    plans: Iterable[RowPlan], results: Mapping[int, RowResult], session: Session
) -> dict[int, str]:
    """Rows without a meeting that Zoom may still hold one for: the receipt cannot vouch for
    them. A create whose outcome is still unknown (in flight in the journal), and a row not
    created because its host's meetings could not be listed."""
    unseen: dict[int, str] = {}
    in_flight = session.journal.state.in_flight
    for plan in plans:
        if not isinstance(plan, MeetingRequest):
            continue
        result = results.get(plan.row)
        if result is None or result.status in HELD or result.status is Status.INVALID:
            continue
        if plan.identity in in_flight:
            unseen[plan.row] = _("{host}: a create's outcome is unknown").format(host=plan.host)
        elif (
            failed := session.listing_failure(plan.host, plan.kind)
        ) is not None and not isinstance(
            failed, NotFound
        ):  # a host Zoom says does not exist holds nothing: that is known
            unseen[plan.row] = _("{host}: {reason}").format(host=plan.host, reason=reason(failed))
    return unseen


def audit(
    session: Session,
    rows: list[tuple[MeetingRequest, RowResult]],
    *,
    remove_duplicates: bool = False,
    listed: Mapping[tuple[str, str], Listing] | None = None,
    unseen: Mapping[int, str] | None = None,
) -> Receipt:
    """Check ``rows`` against what Zoom holds now; settle duplicates when asked.

    ``listed``: hosts (casefolded) already listed after their last write of the run
    (``ListedAfterWrites``); the others are listed now. ``unseen``: rows without a meeting the
    receipt cannot vouch for (``rows_not_seen``).

    A named meeting the listing does not show is read with ``GET /meetings/{id}``: gone (3001)
    is a problem; there, Zoom's listing lags, and the host is listed again after short waits
    (``listing_lag`` seconds at most) until it shows it. A listing that could not be read whole
    (items that are not meetings) proves nothing absent: its rows are not verified.
    """
    receipt = Receipt(rows=len(rows))
    for row, why in (unseen or {}).items():
        receipt.unverified[row] = why
        receipt.unseen_rows.add(row)
    results = {plan.row: result for plan, result in rows}
    for kind, plans in by_kind(plan for plan, _result in rows).items():
        kind_rows = [(plan, results[plan.row]) for plan in plans]
        _audit_kind(session, receipt, kind, kind_rows, remove_duplicates, listed or {})
    receipt.duplicates.sort(key=lambda duplicate: duplicate.row)
    return receipt


def _audit_kind(
    session: Session,
    receipt: Receipt,
    kind: Kind,
    rows: list[tuple[MeetingRequest, RowResult]],
    remove_duplicates: bool,
    listed: Mapping[tuple[str, str], Listing],
) -> None:
    """``audit`` of the rows of one kind: each host's meetings, or each host's webinars."""
    by_host: dict[str, list[tuple[MeetingRequest, RowResult]]] = {}
    for plan, result in rows:
        by_host.setdefault(plan.host.casefold(), []).append((plan, result))
    hosts = {key: host_rows[0][0].host for key, host_rows in by_host.items()}
    listings: dict[str, Listing] = {
        host: listed[(kind.name, key)] for key, host in hosts.items() if (kind.name, key) in listed
    }
    unlisted = [host for host in hosts.values() if host not in listings]
    listings.update(session.list_hosts(unlisted, fresh=True, kind=kind))  # after every write
    lagging = _wait_out_lag(session, by_host, hosts, listings, kind)
    named = {result.meeting_id for _plan, result in rows}
    for key, host_rows in by_host.items():
        host = hosts[key]
        listing = listings.get(host)
        if not isinstance(listing, list):
            why = reason(listing) if listing is not None else _("interrupted")
            for plan, _result in host_rows:
                receipt.unverified[plan.row] = _("{host}: {reason}").format(host=host, reason=why)
            continue
        unread = not_understood(listing)
        by_id = {str(item.get("id")): item for item in listing if isinstance(item, dict)}
        found = matches_by_identity(listing, host, kind)
        for plan, result in host_rows:
            meeting_id = str(result.meeting_id)
            held = by_id.get(meeting_id)
            if held is None:
                if meeting_id in lagging:  # Zoom holds it (GET), its listing does not show it yet
                    receipt.unverified[plan.row] = _(
                        "{host}: Zoom's list of meetings does not show every meeting yet"
                    ).format(host=host)
                    continue
                if unread:
                    receipt.unverified[plan.row] = _unread(host, unread)
                    continue
                receipt.problems[plan.row] = _(
                    "row {row}: Zoom does not list meeting {meeting_id}, which the output names"
                ).format(row=plan.row, meeting_id=meeting_id)
            else:
                link = str(held.get("join_url") or "")
                if link and result.join_url and link != result.join_url:
                    _refresh(session, receipt, plan, result)
            if unread:
                receipt.unverified[plan.row] = _unread(host, unread)
            # A series is listed at its next occurrence, not at the row's start: its copies are
            # found as the creates find it, by rule and time of day (the GET below confirms).
            candidates = (
                series_listed(listing, plan, host)
                if plan.recurrence is not None
                else found.get(plan.identity, [])
            )
            same = [
                meeting
                for meeting in candidates
                if same_kind(plan, meeting)
                and str(meeting.get("id")) != meeting_id
                and str(meeting.get("id")) not in named
                and _same_meeting(session, plan, str(meeting.get("id")))
            ]
            if same and held is not None:
                receipt.duplicates.append(
                    _settle_duplicate(session, receipt, plan, held, same, remove_duplicates)
                )
            if plan.row not in receipt.unverified:  # counted only where Zoom was read whole
                if kind == WEBINAR:
                    receipt.webinars += (held is not None) + len(same)
                else:
                    receipt.meetings += (held is not None) + len(same)


def _unread(host: str, count: int) -> str:
    return _("{host}: Zoom's list of meetings held {count} items that are not meetings").format(
        host=host, count=count
    )


#: Seconds between looks at a listing that does not show a meeting Zoom holds: 1, 2, 4, ...
FIRST_LAG_WAIT = 1.0


def _wait_out_lag(
    session: Session,
    by_host: Mapping[str, list[tuple[MeetingRequest, RowResult]]],
    hosts: Mapping[str, str],
    listings: dict[str, Listing],
    kind: Kind = MEETING,
) -> set[str]:
    """Named meetings a listing does not show are read (``GET /meetings/{id}``) until one is
    found held: then Zoom's listing lags, and the host is listed again after short waits, at
    most ``listing_lag`` seconds in all. Those still not shown are read one by one at the end.
    Returns the ids Zoom holds that its listing still omits (a meeting gone is not among them).
    So a meeting deleted on Zoom costs one GET and no wait; twenty new ones a lagging listing
    omits cost one GET and a relisting, not twenty GETs."""
    lagging: dict[str, set[str]] = {}  # host -> named meetings its listing may show late
    held: set[str] = set()  # ids a GET found on Zoom
    for key, host_rows in by_host.items():
        listing = listings.get(hosts[key])
        if not isinstance(listing, list):
            continue
        listed_ids = {str(item.get("id")) for item in listing if isinstance(item, dict)}
        missing = [str(r.meeting_id) for _p, r in host_rows if str(r.meeting_id) not in listed_ids]
        for index, meeting_id in enumerate(missing):
            if _held(session, meeting_id, kind):
                held.add(meeting_id)
                lagging[hosts[key]] = set(missing[index:])
                break
    waited, pause = 0.0, FIRST_LAG_WAIT
    limit = session.settings.listing_lag
    while lagging and waited < limit and not session.stop.is_set():
        pause = min(pause, limit - waited)
        session.sleep(pause)
        waited += pause
        pause *= 2
        again = session.list_hosts(list(lagging), fresh=True, kind=kind)
        for host, listing in again.items():
            if not isinstance(listing, list):
                continue
            listings[host] = listing
            shown = {str(item.get("id")) for item in listing if isinstance(item, dict)}
            lagging[host] -= shown
            if not lagging[host]:
                del lagging[host]
    left = {meeting_id for ids in lagging.values() for meeting_id in ids}
    return {
        meeting_id for meeting_id in left if meeting_id in held or _held(session, meeting_id, kind)
    }


def _held(session: Session, meeting_id: str, kind: Kind = MEETING) -> bool:
    """Zoom holds the meeting (a GET); False when it says it does not, or cannot be asked."""
    try:
        return session.get(meeting_id, kind) is not None
    except (ZoomError, ConnectionLost):
        return False


def _oldest(meetings: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """The rule every output of a sheet applies alike: the oldest ``created_at``, then the
    smallest id (a tie of two creates in the same second)."""

    def age(meeting: dict[str, Any]) -> tuple[str, int]:
        try:
            number = int(str(meeting.get("id")))
        except ValueError:
            number = 0
        return (str(meeting.get("created_at") or "9999"), number)

    return min(meetings, key=age)


def _settle_duplicate(
    session: Session,
    receipt: Receipt,
    plan: MeetingRequest,
    named: dict[str, Any],
    same: list[dict[str, Any]],
    remove: bool,
) -> Duplicate:
    """One row Zoom holds two or more meetings for: say which to keep and, with
    ``--remove-duplicates``, move the output to it and delete what is surely this output's.

    A meeting is deleted only when this output's journal made it for this row (its own create,
    or a create whose outcome was lost: Zoom may make those late), nobody registered for it, and
    the kept meeting is on Zoom (it is listed). Anything else may be another output's (a
    colleague who ran the same sheet at the same moment): it is left alone and named.
    """
    named_id = str(named.get("id"))
    kept = _oldest([named, *same])
    kept_id = str(kept.get("id"))
    others = tuple(str(m.get("id")) for m in [named, *same] if str(m.get("id")) != kept_id)
    ours = {meeting_id for meeting_id in others if _made_here(session, plan, meeting_id)}
    switched = False
    removed: tuple[str, ...] = ()
    if remove:
        if kept_id != named_id:
            switched = not _has_registrants(session, named_id, plan.kind) and _switch(
                session, receipt, plan, kept
            )
        deletable = [
            meeting_id
            for meeting_id in others
            if meeting_id in ours
            and (meeting_id != named_id or switched)
            and not _has_registrants(session, meeting_id, plan.kind)
        ]
        removed = _remove(session, deletable, plan.kind)
    foreign = tuple(meeting_id for meeting_id in others if meeting_id not in ours)
    return Duplicate(plan.row, kept_id, others, removed, named_id, switched, foreign)


def _made_here(session: Session, plan: MeetingRequest, meeting_id: str) -> bool:
    """This output's journal shows that this tool made ``meeting_id`` for ``plan``'s row: its
    own create, or one for the row whose answer was lost (a meeting Zoom made late)."""
    state = session.journal.state
    made_for = state.made.get(meeting_id)
    if made_for is not None:
        return made_for == plan.identity
    known = {record.meeting_id for record in state.created.values()}
    return meeting_id not in known and plan.identity in state.lost_sends


def _has_registrants(session: Session, meeting_id: str, kind: Kind = MEETING) -> bool:
    """True unless Zoom says nobody registered (registration off, or an empty list); a question
    Zoom does not answer counts as "someone may have": never delete on a guess."""
    try:
        meeting = session.get(meeting_id, kind)
        if meeting is None:
            return False
        if (meeting.get("settings") or {}).get("approval_type", 2) == NO_REGISTRATION:
            return False
        people = session.call(partial(_first_registrant, session, meeting_id, kind), Operation.READ)
    except (ZoomError, ConnectionLost):
        return True
    return bool(people)


def _first_registrant(session: Session, meeting_id: str, kind: Kind) -> list[dict[str, Any]]:
    return list(itertools.islice(session.zoom.list_registrants(meeting_id, kind), 1))


def _switch(session: Session, receipt: Receipt, plan: MeetingRequest, kept: dict[str, Any]) -> bool:
    """The output (and the journal) name ``kept`` from now on; False if it cannot be read."""
    try:
        meeting = session.get(str(kept.get("id")), plan.kind)
    except (ZoomError, ConnectionLost):
        return False
    if not meeting or not meeting.get("join_url"):
        return False
    record = record_of(meeting, plan.host)
    remember(session, plan, record, adopted=True)
    receipt.switched[plan.row] = record
    return True


def _refresh(session: Session, receipt: Receipt, plan: MeetingRequest, result: RowResult) -> None:
    """Zoom's link is not the output's (a passcode changed in Zoom's portal, say): read the
    meeting, and let the output and the journal show what Zoom holds now."""
    meeting_id = str(result.meeting_id)
    try:
        meeting = session.get(meeting_id, plan.kind)
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
        meeting = session.get(meeting_id, plan.kind)
    except (ZoomError, ConnectionLost):
        return False  # unknown: never call it a duplicate, never delete it
    return meeting is not None and same_series(plan, meeting)


def _remove(session: Session, meeting_ids: Iterable[str], kind: Kind = MEETING) -> tuple[str, ...]:
    """Delete duplicates the output does not name; the ids that are gone afterwards."""
    removed = []
    for meeting_id in meeting_ids:
        session.journal.record("deleting", meeting_id=meeting_id, duplicate=True)
        try:
            with contextlib.suppress(NotFound):  # already gone: just as good
                session.call(
                    partial(session.zoom.delete_meeting, meeting_id, kind), Operation.DELETE
                )
        except (ZoomError, ConnectionLost):
            continue
        session.journal.record("deleted", meeting_id=meeting_id, duplicate=True)
        removed.append(meeting_id)
    return tuple(removed)


def duplicate_message(duplicate: Duplicate) -> str:
    """One line per row with a duplicate, naming the meetings and the one to keep."""
    row, kept = duplicate.row, duplicate.kept
    named = duplicate.named or kept
    foreign = [m for m in duplicate.left if m in duplicate.foreign and m != named]
    ours_left = [m for m in duplicate.left if m not in duplicate.foreign and m != named]
    parts: list[str] = []
    if named == kept or duplicate.switched:
        if duplicate.switched:
            parts.append(
                _(
                    "row {row}: Zoom holds meeting {kept}, made first, and meeting {named} for "
                    "this row: the output now names {kept}, the one to keep; share this row's "
                    "new link again"
                ).format(row=row, kept=kept, named=named)
            )
            if named in duplicate.left and named not in duplicate.foreign:
                ours_left.append(named)
            elif named in duplicate.left:
                foreign.append(named)
        if duplicate.removed:
            parts.append(
                _(
                    "row {row}: Zoom also held meeting {others} for this row (a duplicate); it "
                    "was deleted, meeting {kept} stays"
                ).format(row=row, others=", ".join(duplicate.removed), kept=kept)
            )
        if ours_left and not duplicate.removed and not duplicate.switched:
            parts.append(
                _(
                    "row {row}: duplicate on Zoom: meeting {kept} (in the output) and meeting "
                    "{others}; run again with --remove-duplicates to delete {others}"
                ).format(row=row, kept=kept, others=", ".join(ours_left))
            )
        elif ours_left:
            parts.append(
                _(
                    "row {row}: meeting {others} was left alone: people registered for it, or "
                    "Zoom could not say whether anyone did"
                ).format(row=row, others=", ".join(ours_left))
            )
    else:
        parts.append(
            _(
                "row {row}: duplicate on Zoom: meeting {named} (in the output) and meeting "
                "{kept}, made first: keep {kept}; run again with --remove-duplicates to make "
                "the output name it (people registered for {named}, if any, keep both)"
            ).format(row=row, named=named, kept=kept)
        )
    if foreign:
        parts.append(
            _(
                "row {row}: meeting {others} was not made by this output for this row (another "
                "output or computer may name it): it was left alone; keep meeting {kept}"
            ).format(row=row, others=", ".join(foreign), kept=kept)
        )
    return _("; ").join(parts)


def apply_receipt(results: dict[int, RowResult], receipt: Receipt) -> None:
    """What the receipt found goes into the rows: notes in the error column, Zoom's new links."""
    notes: dict[int, list[str]] = {}
    for duplicate in receipt.duplicates:
        notes.setdefault(duplicate.row, []).append(duplicate_message(duplicate))
    for row, problem in receipt.problems.items():
        notes.setdefault(row, []).append(problem)
    for row, record in receipt.switched.items():
        result = results.get(row)
        if result is not None:
            results[row] = replace(
                result,
                meeting_id=record.meeting_id,
                join_url=record.join_url,
                passcode=record.passcode or result.passcode,
            )
    for row, why in receipt.unverified.items():
        if row not in receipt.unseen_rows:
            notes.setdefault(row, []).append(_("not verified on Zoom: {reason}").format(reason=why))
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
