"""The account's meeting templates, tracking fields and authentication options, and the rules a
create or an update meets about them and about pre-assigned breakout rooms.

What is Zoom's, from Meetings.json: ``GET /users/{userId}/meeting_templates`` answers
``{"total_records", "templates": [{"id", "name", "type"}]}``; ``GET /tracking_fields`` answers
``{"total_records", "tracking_fields": [{"id", "field", "required", "visible",
"recommended_values"}]}``; a create's ``template_id`` takes account admin templates only;
``settings.authentication_option`` is an ``id`` from the host's ``authentication_options``
(``GET /users/{userId}/settings?option=meeting_authentication``, whose body is
``{"meeting_authentication": bool, "authentication_options": [{"id", "name", "type",
"default_option", "visible", "domains"}]}``: the shape public clients quote; Meetings.json only
points at it). The limits of pre-assigned rooms (100 rooms, 1000 people) are Zoom's support
article KB0061353.

Guesses, not checked against Zoom (the project cannot reach it):
- every refusal here is a 400 with code 300 and a message naming the field, as Zoom's other
  validation failures are; the wording is the sandbox's;
- a ``template_id`` the account does not have, an ``authentication_option`` the host does not
  have, a tracking field the account does not have, or a value outside a field's recommended
  values are refused (Zoom's web portal offers only those; the API may be laxer);
- a breakout room participant that is not an email address is refused;
- an account without tracking fields (``tracking_fields=None``: the plan lacks the feature)
  answers ``GET /tracking_fields`` with code 300 "Tracking fields are not enabled for this
  account."; an empty list answers an empty listing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

EMAIL = re.compile(r"^[^@\s/]+@[^@\s/]+\.[^@\s/]+$")
MAX_ROOMS = 100
MAX_ROOM_PEOPLE = 1000

#: Every host's authentication options unless a test gives others.
DEFAULT_AUTH_OPTIONS: tuple[dict[str, Any], ...] = (
    {
        "id": "signIn_D8cJuqWVQ623CI4Q8yQK0Q",
        "name": "Sign in to Zoom",
        "type": "enforce_login",
        "default_option": True,
        "visible": True,
    },
    {
        "id": "domain_Ux7kMwFgRKiJ9qXH2vNwZQ",
        "name": "Sign in to Zoom with specified domains",
        "type": "enforce_login_with_domains",
        "default_option": False,
        "visible": True,
        "domains": "",
    },
)


#: The try-out account's templates and tracking fields (``samples/classes_settings.xlsx`` uses
#: them); a test sets its own.
TRYOUT_TEMPLATES: tuple[dict[str, Any], ...] = (
    {"id": "Dv4YdINdTk+Z5RToadh5ug==", "name": "Lecture", "type": 1},
    {"id": "Qm2sLw9xRZeY7bTq1nUvAg==", "name": "Seminar", "type": 1},
)
TRYOUT_TRACKING: tuple[dict[str, Any], ...] = (
    {
        "id": "a1b2c3d4e5",
        "field": "Course code",
        "required": False,
        "visible": True,
        "recommended_values": ["MATH101", "PHYS201", "CHEM110"],
    },
)


@dataclass
class AccountSettings:
    """What the account offers. ``tracking_fields=None``: the account has no such feature."""

    templates: list[dict[str, Any]] = field(
        default_factory=lambda: [dict(item) for item in TRYOUT_TEMPLATES]
    )
    tracking_fields: list[dict[str, Any]] | None = field(
        default_factory=lambda: [dict(item) for item in TRYOUT_TRACKING]
    )
    auth_options: list[dict[str, Any]] = field(
        default_factory=lambda: [dict(option) for option in DEFAULT_AUTH_OPTIONS]
    )

    def template_listing(self) -> dict[str, Any]:
        shown = [
            {"id": t["id"], "name": t["name"], "type": t.get("type", 1)} for t in self.templates
        ]
        return {"total_records": len(shown), "templates": shown}

    def tracking_listing(self) -> dict[str, Any] | None:
        if self.tracking_fields is None:
            return None
        shown = [
            {
                "id": item.get("id") or f"tf{index}",
                "field": item["field"],
                "required": bool(item.get("required", False)),
                "visible": bool(item.get("visible", True)),
                "recommended_values": list(item.get("recommended_values") or []),
            }
            for index, item in enumerate(self.tracking_fields)
        ]
        return {"total_records": len(shown), "tracking_fields": shown}

    def auth_settings(self) -> dict[str, Any]:
        return {
            "meeting_authentication": False,
            "authentication_options": [dict(option) for option in self.auth_options],
        }

    def problems(self, request: Mapping[str, Any]) -> list[str]:
        """What a create or update body says that the account refuses (module docstring)."""
        found: list[str] = []
        template = request.get("template_id")
        if isinstance(template, str) and template not in {t["id"] for t in self.templates}:
            found.append(f"Invalid template_id: {template}.")
        tracking = request.get("tracking_fields")
        if isinstance(tracking, list):
            found.extend(self._tracking_problems(tracking))
        settings = request.get("settings")
        if isinstance(settings, Mapping):
            found.extend(self._auth_problems(settings))
            rooms = settings.get("breakout_room")
            if isinstance(rooms, Mapping):
                found.extend(_room_problems(rooms.get("rooms") or []))
        return found

    def _tracking_problems(self, tracking: Sequence[Any]) -> list[str]:
        known = {item["field"]: item for item in self.tracking_fields or []}
        found = []
        for item in tracking:
            if not isinstance(item, Mapping):
                continue
            name = item.get("field")
            if name not in known:
                found.append(f"Invalid tracking field: {name}.")
                continue
            allowed = known[name].get("recommended_values") or []
            if allowed and item.get("value") not in allowed:
                found.append(f"Invalid value for tracking field {name}: {item.get('value')}.")
        return found

    def _auth_problems(self, settings: Mapping[str, Any]) -> list[str]:
        option = settings.get("authentication_option")
        if option is None:
            return []
        if option not in {item["id"] for item in self.auth_options}:
            return [f"Invalid authentication_option: {option}."]
        return []


def _room_problems(rooms: Sequence[Any]) -> list[str]:
    if len(rooms) > MAX_ROOMS:
        return [f"A maximum of {MAX_ROOMS} breakout rooms can be pre-assigned."]
    people = [
        p for room in rooms if isinstance(room, Mapping) for p in room.get("participants") or []
    ]
    if len(people) > MAX_ROOM_PEOPLE:
        return [f"A maximum of {MAX_ROOM_PEOPLE} participants can be pre-assigned."]
    bad = [str(p) for p in people if not isinstance(p, str) or not EMAIL.match(p)]
    if bad:
        return [f"Invalid breakout room participant: {bad[0]}."]
    return []
