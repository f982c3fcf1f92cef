"""A durable record of what this batch asked Zoom to do, so a re-run neither loses nor repeats.

Append-only JSON lines, flushed and fsynced line by line. Why not SQLite: every write is a small
append from several threads under one lock, the reader folds the lines into the latest state per
meeting, a torn last line after kill -9 is simply skipped, and a user can read the file with any
text editor when something went wrong. Nothing secret is written: no token, no ``start_url``.

The protocol, per row (keyed by ``MeetingRequest.identity``, never by row number):
    create:  ``sending`` (durable before the POST) -> ``created`` (durable before the output)
             or ``not_sent`` (Zoom surely made nothing: refused, or never connected)
    which row made it: ``created`` also names the ``input`` file and its ``row``; ``row`` says a
             meeting's row moved (rows inserted above it); ``created`` with ``replaces`` moves a
             meeting to the new identity of its edited row. Journals written before these
             fields simply know no rows: every other event reads as it always did.
    update:  ``updating`` with the fields -> ``updated``
    cancel:  ``deleting`` -> ``deleted``
    register (per meeting id, per person by address):
             ``registering`` with the addresses (durable before the POST) -> ``registered`` per
             person (with the registrant id and personal link) or ``not_registered``;
             ``unregistered`` once a person's registration is cancelled
A ``sending`` with no later line means the outcome is unknown: reconcile before anything else.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from ..errors import ConfigError, OutputError

FORMAT = 1


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
    #: (input file name, spreadsheet row) -> identity of the meeting that row made, and back
    rows: dict[tuple[str, int], str] = field(default_factory=dict)
    row_of: dict[str, tuple[str, int]] = field(default_factory=dict)
    # meeting id -> address key -> the registration this batch made (or adopted)
    registrations: dict[str, dict[str, RegistrationRecord]] = field(default_factory=dict)
    registering: dict[str, set[str]] = field(default_factory=dict)  # meeting id -> in flight

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
        elif kind == "row":
            self._link(event)
        elif kind == "not_sent":
            self.in_flight.discard(identity)
        elif kind == "updating":
            self.updating[meeting_id] = list(event.get("fields") or [])
        elif kind == "updated":
            self.updating.pop(meeting_id, None)
        elif kind in ("registering", "registered", "not_registered", "unregistered"):
            self._apply_registration(kind, meeting_id, event)
        elif kind == "deleted":
            self.deleted.add(meeting_id)
            self.registrations.pop(meeting_id, None)
            self.registering.pop(meeting_id, None)
            self.updating.pop(meeting_id, None)
            for key, record in list(self.created.items()):
                if record.meeting_id == meeting_id:
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


def _lock_exclusively(handle: TextIO) -> None:
    """Lock an open file for this process alone; OSError when another holds it."""
    try:
        import fcntl
    except ImportError:  # Windows: lock the first byte instead
        import msvcrt

        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
        return
    fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)


def read_state(path: Path) -> JournalState:
    """What a journal holds, read without opening it for writing (for a dry run)."""
    state = JournalState()
    for event in _events(path):
        state.apply(event)
    return state


def _events(path: Path) -> Iterator[dict[str, Any]]:
    """The journal's events in order; a line torn by a kill is skipped (it was never acted on)."""
    if not path.exists():
        return
    with path.open("r", encoding="utf-8", errors="replace") as lines:
        for line in lines:
            try:
                event = json.loads(line)
            except ValueError:
                event = None
            yield event if isinstance(event, dict) else {"event": "torn"}


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
        self.skipped_lines = 0
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fresh = not path.exists() or path.stat().st_size == 0
            torn = not fresh and not self._ends_with_newline()
            self._file: TextIO | None = path.open("a", encoding="utf-8")
        except OSError as error:
            raise OutputError(
                f"cannot write the journal {path} ({error.strerror or error})",
                hint="the journal is kept beside the output: choose an output folder you can "
                "write to with -o",
            ) from error
        try:
            _lock_exclusively(self._file)
        except OSError as error:
            self._file.close()
            raise ConfigError(
                f"another batch_zoom run is working on this batch right now ({path} is in use)",
                hint="let it finish, or stop it, then run again: two runs at once could make "
                "a meeting twice",
            ) from error
        self._fresh = fresh
        if torn:  # finish the line a kill cut short, so the next event stands on its own
            self._file.write("\n")
        try:
            self._load()
        except BaseException:
            self.close()
            raise

    def _load(self) -> None:
        for event in _events(self.path):
            if event.get("event") == "torn":
                self.skipped_lines += 1
                continue
            if event.get("event") == "journal" and event.get("target") != self.target:
                raise ConfigError(
                    f"the journal {self.path} belongs to {event.get('target')}, "
                    f"not to {self.target}",
                    hint="its meetings live in another Zoom account (or the sandbox): "
                    "choose another output with -o, or move the journal away",
                )
            self.state.apply(event)

    def record(self, event: str, **fields: Any) -> None:
        """Append one event and make it durable before returning."""
        payload = {"event": event, "at": datetime.now(UTC).isoformat(timespec="seconds"), **fields}
        line = json.dumps(payload, ensure_ascii=False) + "\n"
        with self._lock:
            handle = self._open()
            handle.write(line)
            handle.flush()
            os.fsync(handle.fileno())
            self.state.apply(payload)

    def _open(self) -> TextIO:
        if self._file is None:
            raise RuntimeError("the journal is closed")
        if self._fresh:
            header = {"event": "journal", "format": FORMAT, "target": self.target}
            self._file.write(json.dumps(header) + "\n")
            self._fresh = False
        return self._file

    def _ends_with_newline(self) -> bool:
        with self.path.open("rb") as raw:
            raw.seek(-1, os.SEEK_END)
            return raw.read(1) == b"\n"

    def close(self) -> None:
        with self._lock:
            if self._file is not None:
                self._file.close()
                self._file = None

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
