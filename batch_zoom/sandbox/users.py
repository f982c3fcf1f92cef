"""The sandbox account's users: licence type, status, time zone and meeting passcode policy.

Zoom's Users API is not in ``Meetings.json``; the shapes below follow Zoom's public Users API
reference (``GET /users/{userId}``, ``GET /users/{userId}/settings``) as quoted by public client
code. What is a guess, because it could not be checked against the live API:

- the answer to a create for an inactive or pending user: 400 code 3161 ("not allowed meeting
  hosting and scheduling"), the code NOTES.md gives for a user who may not host;
- the answer to a passcode that breaks the host's policy: 400 code 300 naming the rule;
- the missing-scope answer: 400 code 4711 "Invalid access token, does not contain scopes:[...]".
- the Webinar add-on (issue 25): Zoom's user settings carry it as ``feature.webinar`` (true/false)
  and ``feature.webinar_capacity`` (attendees, e.g. 500). Every sandbox user has it with 500
  seats (so ``--sandbox`` schedules webinars) unless given ``webinar``: false or 0 for none, or
  another capacity. The capacity's exact field name is a guess from
  Zoom's public Users API reference (``webinar_capacity``), not checked against the live API.

A user is given as an email (an active, licensed user in UTC with no passcode rules) or as a
mapping with any of ``email``, ``type`` (1 Basic, 2 Licensed), ``status`` (active, inactive,
pending), ``timezone``, ``first_name``, ``last_name`` and ``passcode_policy`` (Zoom's
``meeting_password_requirement`` keys).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BASIC, LICENSED = 1, 2
STATUSES = ("active", "inactive", "pending")

#: Zoom's ``schedule_meeting.meeting_password_requirement``: no rule set.
NO_POLICY: dict[str, Any] = {
    "length": 0,
    "have_letter": False,
    "have_number": False,
    "have_special_character": False,
    "only_allow_numeric": False,
    "have_upper_and_lower_characters": False,
    "consecutive_characters_length": 0,
    "weak_enhance_detection": False,
}

#: The Webinar add-on's capacity when a user has it without saying how many (Zoom sells 500 up).
WEBINAR_SEATS = 500

USER_SCOPES = ("user:read:admin", "user:read:user:admin", "user:read:settings:admin")


@dataclass
class SandboxUser:
    email: str
    type: int = LICENSED
    status: str = "active"
    timezone: str = "UTC"
    first_name: str = ""
    last_name: str = ""
    passcode_policy: dict[str, Any] = field(default_factory=lambda: dict(NO_POLICY))
    webinar_capacity: int = WEBINAR_SEATS  # 0: no Webinar add-on

    def profile(self, user_id: str, account_id: str) -> dict[str, Any]:
        """The body of ``GET /users/{userId}``."""
        return {
            "id": user_id,
            "first_name": self.first_name,
            "last_name": self.last_name,
            "display_name": f"{self.first_name} {self.last_name}".strip() or self.email,
            "email": self.email,
            "type": self.type,
            "status": self.status,
            "timezone": self.timezone,
            "account_id": account_id,
            "role_name": "Member",
            "verified": 1,
            "language": "en-US",
        }

    def settings(self) -> dict[str, Any]:
        """The body of ``GET /users/{userId}/settings`` (the parts a scheduler reads)."""
        return {
            "schedule_meeting": {
                "host_video": False,
                "participants_video": False,
                "require_password_for_scheduling_new_meetings": True,
                "meeting_password_requirement": dict(self.passcode_policy),
            },
            "in_meeting": {"waiting_room": False},
            "feature": {
                "meeting_capacity": 100 if self.type == BASIC else 300,
                "webinar": self.webinar_capacity > 0,
                "webinar_capacity": self.webinar_capacity,
            },
        }

    def passcode_problem(self, passcode: str) -> str | None:
        """The policy rule ``passcode`` breaks, in words, or None."""
        rules = {**NO_POLICY, **self.passcode_policy}
        if rules["length"] and len(passcode) < int(rules["length"]):
            return f"the passcode must be at least {rules['length']} characters"
        if rules["only_allow_numeric"] and not passcode.isdigit():
            return "the passcode must be numbers only"
        if rules["have_letter"] and not any(c.isalpha() for c in passcode):
            return "the passcode must have a letter"
        if rules["have_number"] and not any(c.isdigit() for c in passcode):
            return "the passcode must have a number"
        if rules["have_special_character"] and all(c.isalnum() for c in passcode):
            return "the passcode must have a special character"
        if rules["have_upper_and_lower_characters"] and (
            passcode.lower() == passcode or passcode.upper() == passcode
        ):
            return "the passcode must have upper and lower case letters"
        return None


def user_from(spec: str | Mapping[str, Any]) -> SandboxUser:
    if isinstance(spec, str):
        return SandboxUser(spec.strip().lower())
    email = str(spec["email"]).strip().lower()
    status = str(spec.get("status", "active"))
    if status not in STATUSES:
        raise ValueError(f"user {email}: status must be one of {STATUSES}")
    return SandboxUser(
        email=email,
        type=int(spec.get("type", LICENSED)),
        status=status,
        timezone=str(spec.get("timezone", "UTC")),
        first_name=str(spec.get("first_name", "")),
        last_name=str(spec.get("last_name", "")),
        passcode_policy={**NO_POLICY, **dict(spec.get("passcode_policy") or {})},
        webinar_capacity=_seats(spec.get("webinar", True)),
    )


def _seats(value: Any) -> int:
    """A user spec's ``webinar``: true is ``WEBINAR_SEATS``, false or None none, else a number."""
    if value is True:
        return WEBINAR_SEATS
    if not value:
        return 0
    return max(0, int(value))


def users_from(specs: Iterable[str | Mapping[str, Any]]) -> dict[str, SandboxUser]:
    users = [user_from(spec) for spec in specs]
    return {user.email: user for user in users}


def load_users(path: Path | str) -> list[Any]:
    """A ``--users`` file: a JSON list of emails or user objects."""
    loaded = json.loads(Path(path).read_text(encoding="utf-8"))
    if isinstance(loaded, dict):
        loaded = loaded.get("users", [])
    if not isinstance(loaded, list):
        raise ValueError(f"{path}: expected a JSON list of users")
    return loaded
