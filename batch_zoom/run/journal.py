"""A durable record of what this batch asked Zoom to do, so a re-run neither loses nor repeats.

Append-only JSON lines, flushed and fsynced line by line. Why not SQLite: every write is a small
append from several threads under one lock, the reader folds the lines into the latest state per
meeting, a torn last line after kill -9 is simply skipped, and a user can read the file with any
text editor when something went wrong. Nothing secret is written: no token, no ``start_url``; but
the join links and passcodes are, so the file is private to its owner (mode 0600).

The first line is a header naming the format and the Zoom account. It is in place before the
journal exists under its name (written to a temporary file, then linked), so a journal that is
empty, only blank lines, not UTF-8 (an editor saved it again as UTF-16) or without the header is
not this tool's, or no longer readable: it stops the run before any request, rather than being
read as "nothing was made" and making everything again.

The protocol, per row (keyed by ``MeetingRequest.identity``, never by row number):
    create:  ``sending`` (durable before the POST) -> ``created`` (durable before the output)
             or ``not_sent`` (Zoom surely made nothing: refused, or never connected; with
             ``looked_up``: the outcome was unknown and Zoom's listings did not show it, so
             Zoom may still make it late, a duplicate ``--remove-duplicates`` may delete)
    which row made it: ``created`` also names the ``input`` file and its ``row``; ``row`` says a
             meeting's row moved (rows inserted above it); ``created`` with ``replaces`` moves a
             meeting to the new identity of its edited row. Journals written before these
             fields simply know no rows: every other event reads as it always did.
    update:  ``updating`` with the fields -> ``updated``
    cancel:  ``deleting`` -> ``deleted`` (with ``id``, the row's identity, when known: a cancel
             row found on Zoom with no meeting of the journal's is known as cancelled after)
    register (per meeting id, per person by address):
             ``registering`` with the addresses (durable before the POST) -> ``registered`` per
             person (with the registrant id and personal link) or ``not_registered``;
             ``unregistered`` once a person's registration is cancelled
A ``sending`` with no later line means the outcome is unknown: reconcile before anything else.
A line that cannot be read (hand-edited, a field of the wrong type) is skipped and reported: for a
create, its ``sending`` then stays in flight and is looked up on Zoom, never sent blindly again.
"""

from __future__ import annotations

import codecs
import contextlib
import errno
import json
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..errors import ConfigError, OutputError
from ..files import durable_temporary, reason_of, remove_stale_temporaries, write_failure
from ..i18n import _
from ..models import parse_moment
from ..zoom_forms import identity_key

FORMAT = 1
PRIVATE = 0o600  # join links with passcodes: for the owner's eyes only
#: The events whose fields are checked on reading, and the text fields they may carry.
_EVENTS = frozenset(
    {"sending", "created", "not_sent", "updating", "updated", "deleting", "deleted"}
    | {"registering", "registered", "not_registered", "unregistered"}
    | {"panelist_added", "panelist_removed"}
)
_TEXT_FIELDS = ("id", "join_url", "passcode", "host", "email", "registrant_id")
_LIST_FIELDS = ("fields", "emails")  # lists of text
_BLANK = b" \t\r\n\x00"  # what a line may be padded with: spaces, CRLF, a crash's zero fill


@dataclass(frozen=True)
class MeetingRecord:
    """What the journal remembers of a meeting it made."""

    meeting_id: str
    join_url: str = ""
    passcode: str = ""
    host: str = ""


@dataclass(frozen=True)
class RegistrationRecord:
    """A person this batch registered for a meeting (keyed by the address, casefolded)."""

    email: str
    registrant_id: str = ""
    join_url: str = ""


@dataclass
class JournalState:
    """The journal folded into the latest state per row identity and per meeting id."""

    created: dict[str, MeetingRecord] = field(default_factory=dict)
    in_flight: set[str] = field(default_factory=set)  # identities whose create outcome is unknown
    updating: dict[str, list[str]] = field(default_factory=dict)  # meeting id -> field names
    deleted: set[str] = field(default_factory=set)  # meeting ids
    #: row identity -> the meeting a cancel (or --undo) deleted for it
    cancelled: dict[str, str] = field(default_factory=dict)
    #: (input file name, spreadsheet row) -> identity of the meeting that row made, and back
    rows: dict[tuple[str, int], str] = field(default_factory=dict)
    row_of: dict[str, tuple[str, int]] = field(default_factory=dict)
    # meeting id -> address key -> the registration this batch made (or adopted)
    registrations: dict[str, dict[str, RegistrationRecord]] = field(default_factory=dict)
    registering: dict[str, set[str]] = field(default_factory=dict)  # meeting id -> in flight
    #: webinar id -> address key -> a panelist this batch added (``registrant_id``: Zoom's
    #: panelist id): only these are removed when the cell no longer names them
    panelists: dict[str, dict[str, RegistrationRecord]] = field(default_factory=dict)
    malformed_lines: list[int] = field(default_factory=list)  # line numbers skipped as unreadable
    #: meeting id -> identity of the row this journal's own create made it for (never one it
    #: only adopted or found): what ``--remove-duplicates`` may delete as surely its own
    made: dict[str, str] = field(default_factory=dict)
    #: identities a create was sent for whose outcome stayed unknown and which the look-ups did
    #: not find (``not_sent`` with ``looked_up``): Zoom may make such a meeting late
    lost_sends: set[str] = field(default_factory=set)

    def made_by_row(self, input_name: str, row: int) -> tuple[str, MeetingRecord] | None:
        """The identity and meeting that ``row`` of ``input_name`` made, as far as we know."""
        identity = self.rows.get((input_name, row))
        if identity is None or self.row_of.get(identity) != (input_name, row):
            return None
        record = self.created.get(identity)
        return None if record is None else (identity, record)

    def _link(self, event: dict[str, Any]) -> None:
        identity, name, row = event.get("id"), event.get("input"), event.get("row")
        if isinstance(identity, str) and isinstance(name, str) and isinstance(row, int):
            self.rows[(name, row)] = identity
            self.row_of[identity] = (name, row)

    def apply(self, event: dict[str, Any]) -> None:
        event = {
            **event,
            **{
                name: canonical_identity(event[name])
                for name in ("id", "replaces")
                if isinstance(event.get(name), str)
            },
        }
        kind = event.get("event")
        identity = event.get("id", "")
        meeting_id = str(event.get("meeting_id", ""))
        if kind == "sending":  # the latest event wins: a row sent again is no longer made
            self.in_flight.add(identity)
            self.created.pop(identity, None)
        elif kind == "created":
            self.in_flight.discard(identity)
            replaced = event.get("replaces")
            if isinstance(replaced, str) and replaced != identity:
                self.created.pop(replaced, None)
                self.row_of.pop(replaced, None)
            self._link(event)
            self.created[identity] = MeetingRecord(
                meeting_id=meeting_id,
                join_url=event.get("join_url", ""),
                passcode=event.get("passcode", ""),
                host=event.get("host", ""),
            )
            ours = not any(event.get(flag) for flag in ("adopted", "found", "refreshed"))
            if ours or meeting_id in self.made:  # an edited row's meeting keeps being ours
                self.made[meeting_id] = identity
        elif kind == "row":
            self._link(event)
        elif kind == "not_sent":
            self.in_flight.discard(identity)
            if event.get("looked_up") is True:
                self.lost_sends.add(identity)
        elif kind == "updating":
            self.updating[meeting_id] = list(event.get("fields") or [])
        elif kind == "updated":
            self.updating.pop(meeting_id, None)
        elif kind in ("registering", "registered", "not_registered", "unregistered"):
            self._apply_registration(kind, meeting_id, event)
        elif kind in ("panelist_added", "panelist_removed"):
            email = str(event.get("email") or "")
            panelists = self.panelists.setdefault(meeting_id, {})
            if kind == "panelist_added":
                panelists[email.casefold()] = RegistrationRecord(
                    email=email,
                    registrant_id=str(event.get("registrant_id") or ""),
                    join_url=str(event.get("join_url") or ""),
                )
            else:
                panelists.pop(email.casefold(), None)
        elif kind == "deleted":
            self.deleted.add(meeting_id)
            self.registrations.pop(meeting_id, None)
            self.registering.pop(meeting_id, None)
            self.panelists.pop(meeting_id, None)
            self.updating.pop(meeting_id, None)
            if identity:
                self.cancelled[identity] = meeting_id
            for key, record in list(self.created.items()):
                if record.meeting_id == meeting_id:
                    self.cancelled[key] = meeting_id
                    del self.created[key]

    def _apply_registration(self, kind: str, meeting_id: str, event: dict[str, Any]) -> None:
        people = self.registrations.setdefault(meeting_id, {})
        in_flight = self.registering.setdefault(meeting_id, set())
        if kind == "registering":
            in_flight.update(str(email).casefold() for email in event.get("emails") or [])
            return
        email = str(event.get("email") or "")
        key = email.casefold()
        in_flight.discard(key)
        if kind == "registered":
            people[key] = RegistrationRecord(
                email=email,
                registrant_id=str(event.get("registrant_id") or ""),
                join_url=str(event.get("join_url") or ""),
            )
        elif kind == "unregistered":
            people.pop(key, None)


def canonical_identity(identity: str) -> str:
    """An identity as this version computes it (``zoom_forms``): a journal written before
    topics and starts were compared as Zoom keeps them (``Math  101`` at ``10:00:30``) still
    names its rows. Anything that is not ``host|topic|start|duration`` is kept as it is; a
    webinar's (``webinar|host|...``) keeps its prefix."""
    if identity.startswith("webinar|"):
        return "webinar|" + canonical_identity(identity.removeprefix("webinar|"))
    host, _sep, rest = identity.partition("|")
    rest, _sep, duration = rest.rpartition("|")
    topic, _sep, start = rest.rpartition("|")
    moment = parse_moment(start) if start else None
    if not host or moment is None or not duration.isdigit():
        return identity
    return identity_key(host, topic, moment, int(duration))


def skipped_lines_warning(path: Path, state: JournalState) -> str | None:
    """The warning a run gives for journal lines it could not read, or None."""
    if not state.malformed_lines:
        return None
    shown = _(", ").join(str(number) for number in state.malformed_lines[:5])
    more = "…" if len(state.malformed_lines) > 5 else ""
    return _(
        "the journal {path} has {count} unreadable lines (line {lines}{more}); they were "
        "skipped, and rows they were about are looked up on Zoom before anything is sent"
    ).format(path=path, count=len(state.malformed_lines), lines=shown, more=more)


def _unreadable_hint() -> str:
    return _(
        "put back the journal as batch_zoom wrote it (from a backup); if it is lost for good, "
        "move it away: the next run finds on Zoom what earlier runs made, before creating any"
    )


def _lock_exclusively(descriptor: int) -> None:
    """Lock an open file for this process alone; OSError when another holds it."""
    try:
        import fcntl
    except ImportError:  # Windows: lock the first byte instead
        import msvcrt

        msvcrt.locking(descriptor, msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
        return
    fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)


def read_state(path: Path) -> JournalState:
    """What a journal holds, read without opening it for writing (for a dry run)."""
    state = JournalState()
    if not path.exists():
        return state
    _, events = _read(path)
    for number, event in events:
        if event is None:
            state.malformed_lines.append(number)
        elif event.get("event") != "torn":
            state.apply(event)
    return state


def _header(target: str) -> bytes:
    """A journal's first line: what it is, and which Zoom its meetings belong to."""
    return (json.dumps({"event": "journal", "format": FORMAT, "target": target}) + "\n").encode()


def _read(path: Path) -> tuple[dict[str, Any], Iterator[tuple[int, dict[str, Any] | None]]]:
    """The journal's header and its events by line number; ConfigError if it is not readable.

    An event is None when its line is malformed, ``{"event": "torn"}`` when a kill cut it short
    (it was never acted on, so it is skipped without a warning).
    """
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise ConfigError(
            _("cannot read the journal {path} ({reason})").format(
                path=path, reason=error.strerror or error
            ),
            hint=_("check the file's permissions, then run again"),
        ) from error
    # UTF-16 by its mark, or by a NUL in every other byte. (A few NULs are not: a power cut can
    # leave a file's tail zero-filled; those lines are skipped like a torn one.)
    marked = raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    interleaved = raw.count(b"\x00") * 4 >= len(raw) and raw.strip(_BLANK)
    if marked or interleaved:
        raise ConfigError(
            _(
                "the journal {path} is no longer UTF-8 text (saved again as UTF-16 by an "
                "editor?), so what it records cannot be read"
            ).format(path=path),
            hint=_unreadable_hint(),
        )
    lines = [line.strip(_BLANK) for line in raw.removeprefix(codecs.BOM_UTF8).split(b"\n")]
    first = next((index for index, line in enumerate(lines) if line), None)
    if first is None:
        raise ConfigError(
            _("the journal {path} is empty, so what earlier runs made is unknown").format(
                path=path
            ),
            hint=_unreadable_hint(),
        )
    header = _parse(lines[first])
    if header is None or header.get("event") != "journal":
        raise ConfigError(
            _(
                "{path} is not a batch_zoom journal (its first line is not the journal's header)"
            ).format(path=path),
            hint=_(
                "batch_zoom keeps its journal beside the output: move this file away, or "
                "choose another output with -o"
            ),
        )
    if header.get("format") != FORMAT:
        raise ConfigError(
            _("the journal {path} has format {format}, which this batch_zoom cannot read").format(
                path=path, format=header.get("format")
            ),
            hint=_("run the batch_zoom version that made it, or a newer one"),
        )

    def events() -> Iterator[tuple[int, dict[str, Any] | None]]:
        for index in range(first + 1, len(lines)):
            line = lines[index]
            if not line:
                continue
            yield index + 1, _event(line)

    return header, events()


def _parse(line: bytes) -> dict[str, Any] | None:
    try:
        value = json.loads(line.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    return value if isinstance(value, dict) else None


def _event(line: bytes) -> dict[str, Any] | None:
    """One event line, checked field by field; None when malformed."""
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError:
        return None
    try:
        value = json.loads(text)
    except ValueError:
        # A line a kill (or a full disk) cut short never got its closing brace.
        stripped = text.strip()
        return (
            {"event": "torn"} if stripped.startswith("{") and not stripped.endswith("}") else None
        )
    if not isinstance(value, dict) or not isinstance(value.get("event"), str):
        return None
    if value["event"] not in _EVENTS:
        return value  # an event of a later version: ``apply`` passes over it
    if any(name in value and not isinstance(value[name], str) for name in _TEXT_FIELDS):
        return None
    meeting_id = value.get("meeting_id", "")
    if isinstance(meeting_id, bool) or not isinstance(meeting_id, str | int):
        return None
    for name in _LIST_FIELDS:
        listed = value.get(name, [])
        if not isinstance(listed, list) or not all(isinstance(item, str) for item in listed):
            return None
    kind = value["event"]
    if kind in ("sending", "created", "not_sent") and not value.get("id"):
        return None
    if kind != "sending" and kind != "not_sent" and not str(meeting_id):
        return None  # a create, update or delete that names no meeting says nothing usable
    return value


class Journal:
    """Open (creating if needed) the journal of one output, for one Zoom account.

    The open journal is locked, so two runs of the same batch at once (a double-click, a second
    terminal) cannot both create the same rows: the second is refused before it reads anything.
    """

    def __init__(self, path: Path, target: str) -> None:
        self.path = path
        self.target = target
        self.state = JournalState()
        self._lock = threading.Lock()
        self._broken: OutputError | None = None
        self.skipped_lines = 0
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            remove_stale_temporaries(path)  # a header a kill left unlinked
            _create(path, _header(target))
            descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | getattr(os, "O_BINARY", 0))
        except OSError as error:
            raise write_failure(
                _("cannot write the journal {path} ({reason})").format(
                    path=path, reason=reason_of(error)
                ),
                error,
                hint=_(
                    "the journal is kept beside the output: choose an output folder you can "
                    "write to with -o"
                ),
            ) from error
        try:
            _lock_exclusively(descriptor)
            if not _still_named(path, descriptor):
                # An unused journal was removed (``remove_if_unused``) between our open and our
                # lock: what we hold is no longer the batch's journal, and lines written to it
                # would be lost. Refuse as for a run at work; the next try opens the new one.
                raise OSError(errno.ESTALE, os.strerror(errno.ESTALE))
        except OSError as error:
            os.close(descriptor)
            raise ConfigError(
                _(
                    "another batch_zoom run is working on this batch right now ({path} is in use)"
                ).format(path=path),
                hint=_(
                    "let it finish, or stop it, then run again: two runs at once could make "
                    "a meeting twice"
                ),
            ) from error
        self._descriptor: int | None = descriptor
        self._used = False  # whether any line beyond the header is in the file
        with contextlib.suppress(OSError):  # an older journal may be readable by everyone
            os.chmod(path, PRIVATE)
        try:
            self._load()
            if not self._ends_with_newline():
                self._append(b"\n")  # finish the line a kill cut short: the next stands alone
        except BaseException:
            self.close()
            raise

    def _load(self) -> None:
        header, lines = _read(self.path)
        events = list(lines)
        self._used = bool(events)
        if not events and header.get("target") != self.target:
            # Nothing was ever recorded here (a run that could not reach Zoom, say, with a
            # mistyped account): it holds no meeting of anybody's, so this run takes it over.
            assert self._descriptor is not None
            os.ftruncate(self._descriptor, 0)
            self._append(_header(self.target))
            return
        self._check_owner(header)
        for number, event in events:
            if event is None:
                self.state.malformed_lines.append(number)
                self.skipped_lines += 1
            elif event.get("event") == "torn":
                self.skipped_lines += 1
            elif event.get("event") == "journal":  # two journals run together
                self._check_owner(event)
            else:
                self.state.apply(event)

    def _check_owner(self, header: dict[str, Any]) -> None:
        if header.get("target") != self.target:
            raise ConfigError(
                _("the journal {path} belongs to {owner}, not to {target}").format(
                    path=self.path, owner=header.get("target"), target=self.target
                ),
                hint=_(
                    "its meetings live in another Zoom account (or the sandbox): "
                    "choose another output with -o, or move the journal away"
                ),
            )

    def record(self, event: str, **fields: Any) -> None:
        """Append one event and make it durable before returning; OutputError if it cannot."""
        payload = {"event": event, "at": datetime.now(UTC).isoformat(timespec="seconds"), **fields}
        line = (json.dumps(payload, ensure_ascii=False) + "\n").encode("utf-8")
        with self._lock:
            self._used = True
            self._append(line)
            self.state.apply(payload)

    def _append(self, data: bytes) -> None:
        if self._broken is not None:
            # A failed write may have left half a line: add nothing after it in this run.
            raise self._broken
        if self._descriptor is None:
            raise RuntimeError("the journal is closed")
        try:
            view = memoryview(data)
            while view:
                written = os.write(self._descriptor, view)
                view = view[written:]
            os.fsync(self._descriptor)
        except OSError as error:
            self._broken = write_failure(
                _("cannot write the journal {path} ({reason})").format(
                    path=self.path, reason=reason_of(error)
                ),
                error,
                hint=_(
                    "check the disk the output is on, then run the same command again: every "
                    "result recorded so far is kept"
                ),
            )
            raise self._broken from error

    def _ends_with_newline(self) -> bool:
        with self.path.open("rb") as raw:
            raw.seek(-1, os.SEEK_END)
            return raw.read(1) == b"\n"

    def remove_if_unused(self) -> None:
        """Close the journal, and remove it when it holds nothing but its header: a run that
        recorded nothing (it sent nothing: wrong credentials, Zoom out of reach, nothing to do)
        leaves nothing beside the output. Removed while still locked, so that no second run
        can take it in between (and one that opened it before checks it is still named)."""
        with self._lock:
            if self._descriptor is not None and not self._used and self._broken is None:
                with contextlib.suppress(OSError):  # Windows: an open file stays; it is harmless
                    os.unlink(self.path)
        self.close()

    def close(self) -> None:
        with self._lock:
            if self._descriptor is not None:
                os.close(self._descriptor)
                self._descriptor = None

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _still_named(path: Path, descriptor: int) -> bool:
    """Whether ``path`` still names the file open as ``descriptor``."""
    try:
        return os.path.samestat(os.fstat(descriptor), os.stat(path))
    except OSError:
        return False


def _create(path: Path, header: bytes) -> None:
    """Put a journal holding only ``header`` at ``path`` in one step, unless one is there.

    Written to a private temporary file and hard-linked into place, so the journal never exists
    without its header, and of two runs starting at once the second keeps the first one's file.
    """
    if path.exists():
        return
    temporary = durable_temporary(path, header, PRIVATE)
    try:
        os.link(temporary, path)
    except FileExistsError:
        pass  # a second run made it this very instant: keep that one
    except (AttributeError, NotImplementedError, PermissionError):
        # No hard links here (some network and FAT drives): a rename, which may replace a
        # journal made this very instant by a second run; its lock then refuses one of us.
        if not path.exists():
            os.replace(temporary, path)
    else:
        _sync_folder(path.parent)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(temporary)


def _sync_folder(folder: Path) -> None:
    """Make a new name in ``folder`` durable (POSIX; a no-op where folders cannot be opened)."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(descriptor)
    finally:
        os.close(descriptor)
