"""Meeting registration in the sandbox: who is registered for which meeting, and Zoom's rules.

Pure bookkeeping over one meeting's registrants (``state.py`` routes the calls, holds the lock,
counts the rate limits and saves). From Meetings.json:

- ``POST /meetings/{id}/batch_registrants`` (rate-limit label HEAVY): scheduled meetings only
  (type 2; else 400 code 303), registration must be enabled (``approval_type`` 0 or 1; else 400
  code 404 "Registration has not been enabled for this meeting"), a meeting that is over refuses
  with 3038. The body's ``registrants`` hold ``email`` and ``first_name`` (required).
- ``POST /meetings/{id}/registrants`` (LIGHT): one person, for any meeting with registration.
- ``GET /meetings/{id}/registrants`` (MEDIUM): paged with ``next_page_token``, ``status``
  ``approved`` by default (also ``pending``, ``denied``).
- ``PUT /meetings/{id}/registrants/status`` (MEDIUM): ``action`` approve / cancel / deny for at
  most 30 registrants by ``id`` or ``email``; 204.

Guesses, where Zoom's documents are silent (say so when a test leans on them):
- A batch holds 1 to 30 registrants: Zoom's docs speak of "up to 30" per call; an empty or
  longer list is refused with code 300, as schema violations are.
- Registering an address that is already registered for the meeting returns the existing
  registration (same ``registrant_id`` and ``join_url``) instead of adding a second one; a
  cancelled person registered again is approved again with the same id.
- A cancelled registration is listed under ``status=denied``.
- Each registrant's personal link is ``{join_host}/w/{meeting id}?tk={token}`` (the form real
  links take), and is listed with the registrant.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from typing import Any

EMAIL = re.compile(r"^[^@\s/]+@[^@\s/]+\.[^@\s/]+$")
MAX_BATCH = 30
MAX_STATUS_BATCH = 30
MAX_NAME = 64
MAX_EMAIL = 128
STATUS_ACTIONS = {"approve": "approved", "cancel": "denied", "deny": "denied"}
LIST_STATUSES = ("approved", "pending", "denied")


class Refused(Exception):
    """The call is refused: ``status``, Zoom ``code`` and message."""

    def __init__(self, status: int, code: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


@dataclass
class Registrant:
    id: str
    email: str
    first_name: str
    last_name: str
    join_url: str
    status: str = "approved"
    create_time: str = ""

    def listed(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "email": self.email,
            "first_name": self.first_name,
            "last_name": self.last_name,
            "status": self.status,
            "create_time": self.create_time,
            "join_url": self.join_url,
        }

    def saved(self) -> dict[str, Any]:
        return self.listed()


WEBINAR_TYPES = (5, 6, 9)


def check_enabled(meeting: dict[str, Any], meeting_id: str) -> None:
    if (meeting.get("settings") or {}).get("approval_type", 2) not in (0, 1):
        if meeting.get("type") in WEBINAR_TYPES:  # Meetings.json: webinar batch_registrants 400
            raise Refused(
                400, 3000, f"Registration has not been enabled for this webinar: {meeting_id}."
            )
        raise Refused(
            400, 404, f"Registration has not been enabled for this meeting: {meeting_id}."
        )


def check_batch(meeting: dict[str, Any], meeting_id: str, request: dict[str, Any]) -> list[dict]:
    if meeting.get("type") in WEBINAR_TYPES and meeting.get("type") != 5:
        raise Refused(
            400,
            300,
            "This API can only be used for scheduled webinars (type 5). Batch registration is "
            "not supported for other webinar types.",
        )
    if meeting.get("type") not in (2, 5):
        raise Refused(
            400,
            303,
            "This API can only be used for scheduled meeting(meeting type: 2). Batch "
            "registration is not supported for other meeting types.",
        )
    check_enabled(meeting, meeting_id)
    people = request.get("registrants")
    if not isinstance(people, list) or not 1 <= len(people) <= MAX_BATCH:
        raise Refused(400, 300, "Validation Failed.")
    for person in people:
        check_person(person)
    return people


def check_person(person: Any) -> None:
    if not isinstance(person, dict):
        raise Refused(400, 300, "Validation Failed.")
    email = person.get("email")
    first = person.get("first_name")
    if not isinstance(email, str) or not EMAIL.match(email) or len(email) > MAX_EMAIL:
        raise Refused(400, 300, "Invalid field.: email")
    if not isinstance(first, str) or not first.strip() or len(first) > MAX_NAME:
        raise Refused(400, 300, "Invalid field.: first_name")
    last = person.get("last_name", "")
    if not isinstance(last, str) or len(last) > MAX_NAME:
        raise Refused(400, 300, "Invalid field.: last_name")


def register(
    people: dict[str, Registrant],
    person: dict[str, Any],
    *,
    meeting_id: int,
    join_host: str,
    created_at: str,
) -> Registrant:
    """Add ``person`` (checked) to ``people`` (keyed by casefolded email), or return theirs."""
    key = person["email"].casefold()
    existing = people.get(key)
    if existing is not None:
        existing.status = "approved"
        return existing
    token = secrets.token_urlsafe(24)
    registrant = Registrant(
        id=secrets.token_urlsafe(16),
        email=person["email"],
        first_name=person["first_name"],
        last_name=person.get("last_name", "") or "",
        join_url=f"{join_host}/w/{meeting_id}?tk={token}",
        create_time=created_at,
    )
    people[key] = registrant
    return registrant


def set_status(people: dict[str, Registrant], request: dict[str, Any]) -> None:
    action = request.get("action")
    targets = request.get("registrants")
    if action not in STATUS_ACTIONS:
        raise Refused(400, 300, "Validation Failed.")
    if not isinstance(targets, list) or not 1 <= len(targets) <= MAX_STATUS_BATCH:
        raise Refused(400, 300, "Validation Failed.")
    by_id = {registrant.id: registrant for registrant in people.values()}
    for target in targets:
        if not isinstance(target, dict):
            raise Refused(400, 300, "Validation Failed.")
        found = by_id.get(str(target.get("id") or "")) or people.get(
            str(target.get("email") or "").casefold()
        )
        if found is not None:
            found.status = STATUS_ACTIONS[action]


def listed(people: dict[str, Registrant], status: str) -> list[dict[str, Any]]:
    if status not in LIST_STATUSES:
        raise Refused(400, 300, "Validation Failed.")
    return [r.listed() for r in people.values() if r.status == status]


def restored(saved: dict[str, Any]) -> Registrant:
    return Registrant(**saved)
