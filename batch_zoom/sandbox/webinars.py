"""Webinars in the sandbox: what differs from a meeting, and the panelists of each webinar.

A webinar is stored beside the meetings (one id space, as Zoom's ids are) and told apart by its
type (5, 6, 9: ``rules.WEBINAR_TYPES``); ``state.py`` serves ``/users/{id}/webinars`` and
``/webinars/{id}`` with the meeting code, given the kind. From Meetings.json's webinar paths:

- A host without the Webinar add-on: 400 code 200 "Webinar plan is missing. You must subscribe to
  the webinar plan and enable webinars for user {userId} in order to perform this action." (the
  words of webinarCreate's 400; users and Zoom's forum also quote it as "Subscription plan for
  webinar is missing", which the client recognises too).
- ``POST /webinars/{id}/panelists``: at most 30 panelists a call (``email``, ``name``); answers
  201 ``{"id": "<webinar id>", "updated_at": ...}``: no panelist id or link, so a client reads
  them with ``GET /webinars/{id}/panelists`` (``panelists``: ``id``, ``email``, ``name``,
  ``join_url``; ``total_records``). ``DELETE /webinars/{id}/panelists/{panelistId}``: 204.
- ``POST /webinars/{id}/batch_registrants``: scheduled webinars (type 5) only, else 400 code 300
  "This API can only be used for scheduled webinars (type 5)..."; a webinar full to its host's
  capacity refuses with 3043 "Webinar has reached maximum attendee capacity.".

Guesses, where Zoom's documents are silent:
- Adding a panelist who is one already keeps their id and link (no second panelist).
- Deleting a panelist the webinar does not have: 404 code 3001 "Panelist does not exist".
- A panelist's link is ``{join_host}/w/{webinar id}?tk={token}``, as an attendee's.
- More than 30 panelists in one call: 400 code 300 (the schema's ``maximum: 30``).
- Panelists do not count against the attendee capacity.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from typing import Any

from .registrants import Refused

WEBINAR_KINDS = frozenset({5, 6, 9})
SCHEDULED_WEBINAR = 5
MAX_PANELISTS_A_CALL = 30
EMAIL = re.compile(r"^[^@\s/]+@[^@\s/]+\.[^@\s/]+$")
NO_PLAN = (
    "Webinar plan is missing. You must subscribe to the webinar plan and enable webinars for "
    "user {user} in order to perform this action."
)


def is_webinar(item: dict[str, Any]) -> bool:
    return item.get("type") in WEBINAR_KINDS


def no_plan(user: str) -> Refused:
    return Refused(400, 200, NO_PLAN.format(user=user))


@dataclass
class Panelist:
    id: str
    email: str
    name: str
    join_url: str

    def listed(self) -> dict[str, Any]:
        return {"id": self.id, "email": self.email, "name": self.name, "join_url": self.join_url}


def add_panelists(
    panelists: dict[str, Panelist], request: dict[str, Any], *, webinar_id: int, join_host: str
) -> None:
    """Add the request's panelists (checked first: all or none) to ``panelists`` (by email)."""
    people = request.get("panelists")
    if not isinstance(people, list) or not 1 <= len(people) <= MAX_PANELISTS_A_CALL:
        raise Refused(400, 300, "Validation Failed.")
    for person in people:
        email = person.get("email") if isinstance(person, dict) else None
        if not isinstance(email, str) or not EMAIL.match(email):
            raise Refused(400, 300, "Invalid field.: email")
        if not isinstance(person.get("name", ""), str):
            raise Refused(400, 300, "Invalid field.: name")
    for person in people:
        key = person["email"].casefold()
        if key in panelists:
            continue
        token = secrets.token_urlsafe(24)
        panelists[key] = Panelist(
            id=secrets.token_urlsafe(16),
            email=person["email"],
            name=str(person.get("name") or ""),
            join_url=f"{join_host}/w/{webinar_id}?tk={token}",
        )


def remove_panelist(panelists: dict[str, Panelist], panelist_id: str) -> None:
    for key, panelist in list(panelists.items()):
        if panelist.id == panelist_id:
            del panelists[key]
            return
    raise Refused(404, 3001, f"Panelist does not exist: {panelist_id}.")


def restored(saved: dict[str, Any]) -> Panelist:
    return Panelist(**saved)
