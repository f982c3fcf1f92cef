"""The sandbox's account: users, tokens, meetings, rate windows, daily counters, and the API calls.

``SandboxState`` answers one request at a time under one lock, given the method, path, query,
headers and body, and returns a ``Reply``; it knows nothing about sockets (server.py does), so a
planted fault can choose to act or not around it. Time is the sandbox clock (real time plus an
offset moved by ``advance``), so token expiry, the daily reset and page-token expiry can be tested
without sleeping.
"""

from __future__ import annotations

import base64
import binascii
import copy
import hashlib
import json
import os
import re
import secrets
import string
import tempfile
import threading
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs
from zoneinfo import ZoneInfoNotFoundError

from .account import AccountSettings
from .habits import Habits
from .registrants import (
    Refused,
    Registrant,
    check_batch,
    check_enabled,
    check_person,
    listed,
    register,
    restored,
    set_status,
)
from .rules import (
    INSTANT,
    RECURRING_FIXED,
    RECURRING_NO_TIME,
    Invalid,
    MeetingTimes,
    as_meeting_type,
    check_meeting,
    format_utc,
    parse_start,
    parse_utc,
    zone,
)
from .users import USER_SCOPES, SandboxUser, users_from
from .webinars import (
    Panelist,
    add_panelists,
    is_webinar,
    no_plan,
    remove_panelist,
)
from .webinars import restored as restored_panelist

EMAIL = re.compile(r"^[^@\s/]+@[^@\s/]+\.[^@\s/]+$")
USERS_MEETINGS = re.compile(r"^/v2/users/([^/]+)/meetings$")
ONE_MEETING = re.compile(r"^/v2/meetings/([^/]+)$")
ONE_USER = re.compile(r"^/v2/users/([^/]+)$")
USER_SETTINGS = re.compile(r"^/v2/users/([^/]+)/settings$")
USER_TEMPLATES = re.compile(r"^/v2/users/([^/]+)/meeting_templates$")
TRACKING_FIELDS = re.compile(r"^/v2/(tracking_fields)$")
REGISTRATION = re.compile(
    r"^/v2/meetings/([^/]+)/(batch_registrants|registrants|registrants/status)$"
)
USERS_WEBINARS = re.compile(r"^/v2/users/([^/]+)/webinars$")
ONE_WEBINAR = re.compile(r"^/v2/webinars/([^/]+)$")
WEBINAR_REGISTRATION = re.compile(
    r"^/v2/webinars/([^/]+)/(batch_registrants|registrants|registrants/status)$"
)
PANELISTS = re.compile(r"^/v2/webinars/([^/]+)/panelists$")
ONE_PANELIST = re.compile(r"^/v2/webinars/([^/]+/panelists/[^/]+)$")
REGISTRATION_OPERATIONS = {
    "batch_registrants": {"POST": "batch_register"},
    "registrants": {"GET": "list_registrants", "POST": "register"},
    "registrants/status": {"PUT": "registrant_status"},
}
# Operation -> rate-limit category, as Meetings.json (2026) labels them. Create is LIGHT there and
# MEDIUM in the 2023 specs: NOTES.md says budget for Medium, so the sandbox meters create as Medium
# unless it is started with ``create_category="light"``.
CATEGORY = {
    "create": "medium",
    "list": "medium",
    "get": "light",
    "update": "light",
    "delete": "light",
    "user": "light",
    "user_settings": "medium",
    "templates": "medium",  # Meetings.json: List meeting templates, MEDIUM
    "tracking_fields": "medium",  # Meetings.json: List tracking fields, MEDIUM
    # Meetings.json's labels for the registration calls (registrants.py):
    "batch_register": "heavy",
    "register": "light",
    "list_registrants": "medium",
    "registrant_status": "medium",
    # webinars: metered as the meeting call beside each (Meetings.json gives no other label)
    "webinar_create": "medium",
    "webinar_list": "medium",
    "webinar_get": "light",
    "webinar_update": "light",
    "webinar_delete": "light",
    "webinar_batch_register": "heavy",
    "webinar_register": "light",
    "webinar_list_registrants": "medium",
    "webinar_registrant_status": "medium",
    "add_panelists": "medium",
    "list_panelists": "medium",
    "delete_panelist": "light",
}
CATEGORIES = ("light", "medium", "heavy")
# Requests per second per category and plan (NOTES.md, "Rate limits"); Business covers Business+.
PLANS: dict[str, dict[str, int]] = {
    "free": {"light": 4, "medium": 2, "heavy": 1},
    "pro": {"light": 30, "medium": 20, "heavy": 10},
    "business": {"light": 80, "medium": 60, "heavy": 40},
}
# Where the X-RateLimit-* headers appear: on every answer, only on 429s, or nowhere. Zoom documents
# them on 429s; whether successful answers carry them is not guaranteed (NOTES.md), so all three.
HEADER_MODES = ("all", "refusals", "none")
LIST_TYPES = ("scheduled", "live", "upcoming", "upcoming_meetings", "previous_meetings")
WEBINAR_LIST_TYPES = ("scheduled", "past")  # Meetings.json: GET /users/{userId}/webinars
PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX = 30, 300
PAGE_TOKEN_LIFE = timedelta(minutes=15)
# Zoom: a meeting stays listed under type=scheduled until it expires, 30 days after its (last)
# scheduled time; a recurring meeting without a fixed time lasts 365 days.
EXPIRES_AFTER = timedelta(days=30)
NO_FIXED_TIME_LIFE = timedelta(days=365)
DAILY_STYLES = ("headers", "bare", "legacy")
PRO_PLAN_QPS = PLANS["pro"]  # what a planted 429 claims when no limit is set
SCOPES = "meeting:read:admin meeting:write:admin user:read:admin"
STATE_FORMAT = "batch_zoom.sandbox state 1 (tokens by sha256)"

QPS_MESSAGE = "You have reached the maximum per-second rate limit for this API. Try again later."
DAILY_MESSAGE = (
    "You have exceeded the daily rate limit ({limit}) of Meeting Create/Update API requests "
    "permitted for this particular user. You may resume these requests at GMT 00:00:00."
)
LEGACY_DAILY_MESSAGE = (
    "A maximum of {limit} meetings can be created/updated for a single user in one day."
)

DEFAULT_SETTINGS: dict[str, Any] = {
    "host_video": False,
    "participant_video": False,
    "cn_meeting": False,
    "in_meeting": False,
    "join_before_host": False,
    "jbh_time": 0,
    "mute_upon_entry": False,
    "watermark": False,
    "use_pmi": False,
    "approval_type": 2,
    "audio": "voip",
    "auto_recording": "none",
    "enforce_login": False,
    "enforce_login_domains": "",
    "alternative_hosts": "",
    "alternative_hosts_email_notification": True,
    "close_registration": False,
    "show_share_button": False,
    "allow_multiple_devices": False,
    "registrants_confirmation_email": True,
    "waiting_room": False,
    "request_permission_to_unmute_participants": False,
    "registrants_email_notification": True,
    "meeting_authentication": False,
    "encryption_type": "enhanced_encryption",
    "approved_or_denied_countries_or_regions": {"enable": False},
    "breakout_room": {"enable": False},
    "internal_meeting": False,
    "continuous_meeting_chat": {"enable": False},
    "participant_focused_meeting": False,
    "push_change_to_calendar": False,
    "resources": [],
    "alternative_hosts_update_polls": False,
    "email_notification": True,
    "host_save_video_order": False,
    "device_testing": False,
    "focus_mode": False,
    "private_meeting": False,
    "auto_start_meeting_summary": False,
    "auto_start_ai_companion_questions": False,
}


@dataclass
class Reply:
    """What to answer: status, a JSON-able body (None: no body), headers; and, for the request
    log, the host the call concerned."""

    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    host: str | None = None


def error(status: int, code: int, message: str, **headers: str) -> Reply:
    return Reply(status, {"code": code, "message": message}, dict(headers))


def validation_failed(fields: list[str]) -> Reply:
    body = {
        "code": 300,
        "message": "Validation Failed.",
        "errors": [{"field": name, "message": "Invalid field."} for name in fields],
    }
    return Reply(400, body)


def _token(alphabet: str, length: int) -> str:
    return "".join(secrets.choice(alphabet) for _ in range(length))


def _deep_merge(base: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    merged = copy.deepcopy(base)
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def _user_id(email: str) -> str:
    """A stable Zoom-looking user id (22 url-safe characters) for an email."""
    digest = hashlib.sha256(email.encode("utf-8")).digest()[:16]
    return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


@dataclass
class IssuedToken:
    expires_at: datetime
    revoked: bool = False  # a newer token replaced it (single_token mode): "Invalid access token."
    expired: bool = False  # expire_tokens() was called: "Access token is expired."


class SandboxState:
    def __init__(
        self,
        *,
        account_id: str,
        client_id: str,
        client_secret: str,
        users: Iterable[str | Mapping[str, Any]] | None,
        owner: str,
        qps: int | None,
        rate_limits: dict[str, int] | None,
        plan: str | None = "pro",
        create_category: str = "medium",
        rate_headers: str = "all",
        daily_limit: int,
        daily_limit_style: str,
        token_ttl: int,
        single_token: bool,
        state_path: Path | None,
        join_host: str,
        revoke_tokens_every: int | None = None,
        habits: Habits | None = None,
        one_window: bool = False,
    ) -> None:
        if daily_limit_style not in DAILY_STYLES:
            raise ValueError(f"daily_limit_style must be one of {DAILY_STYLES}")
        unknown = set(rate_limits or {}) - set(CATEGORIES)
        if unknown:
            raise ValueError(f"unknown rate-limit categories: {sorted(unknown)}")
        if plan is not None and plan not in PLANS:
            raise ValueError(f"plan must be one of {sorted(PLANS)} or None")
        if create_category not in CATEGORIES:
            raise ValueError(f"create_category must be one of {CATEGORIES}")
        if rate_headers not in HEADER_MODES:
            raise ValueError(f"rate_headers must be one of {HEADER_MODES}")
        self.lock = threading.RLock()
        self.account_id = account_id
        self.client_id = client_id
        self.client_secret = client_secret
        self.owner = owner.lower()
        # None: any well-formed email is an active, licensed user (a try-out); else a strict list.
        self.users: dict[str, SandboxUser] | None = None
        if users is not None:
            self.users = {self.owner: SandboxUser(self.owner), **users_from(users)}
        self.scopes = SCOPES  # what the tokens carry; a test may take the user scope away
        self.qps = qps
        self.rate_limits = dict(rate_limits) if rate_limits else None
        self.plan = plan
        self.categories = {
            **CATEGORY,
            "create": create_category,
            "webinar_create": create_category,
        }
        self.header_mode = rate_headers
        self.daily_limit = daily_limit
        self.daily_limit_style = daily_limit_style
        self.token_ttl = token_ttl
        self.single_token = single_token
        # Token churn: every ``revoke_tokens_every`` creates, every token issued so far stops
        # working, as when another process of the same app asks for tokens under Zoom's older
        # one-live-token behaviour (NOTES.md). How often that happens on Zoom is a guess; the
        # 401 it gives ("Access token is expired.", code 124) is the one users reported.
        self.revoke_tokens_every = revoke_tokens_every
        self.creates_made = 0
        self.state_path = Path(state_path) if state_path is not None else None
        self.join_host = join_host.rstrip("/")
        self.api_url = "https://api.zoom.us"  # the server sets its own base URL once bound
        self.offset = timedelta(0)
        self.tokens: dict[str, IssuedToken] = {}  # by sha256 of the token: none kept in clear
        self.meetings: dict[int, dict[str, Any]] = {}
        self.daily: dict[str, dict[str, int]] = {}  # host -> {UTC date: creates + updates}
        self.user_ids: dict[str, str] = {}  # Zoom-looking user id -> email
        self.windows: dict[str, deque[datetime]] = {}
        #: Every API call counted in one sliding second, whatever its category (each still held
        #: to its category's limit, which ``qps`` makes one): the emulator issue 27 measured
        #: against. Stricter than Zoom documents (a window per category), not a habit seen.
        self.one_window = one_window
        self.page_tokens: dict[str, dict[str, Any]] = {}
        self.landing: list[tuple[datetime, dict[str, Any]]] = []  # made late: (visible at, meeting)
        self.registrants: dict[int, dict[str, Registrant]] = {}  # meeting id -> email -> person
        self.account = AccountSettings()  # templates, tracking fields, authentication options
        self.panelists: dict[int, dict[str, Panelist]] = {}  # webinar id -> email -> panelist
        self.habits = habits or Habits()  # what Zoom does unasked (habits.py); all off by default
        #: meeting id -> when it first shows in a listing (``Habits.listing_lag``; not saved)
        self.listed_from: dict[int, datetime] = {}
        self._load()

    # ---- clock -------------------------------------------------------------------------------
    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def advance(self, by: timedelta) -> None:
        with self.lock:
            self.offset += by

    # ---- creates Zoom finishes late ("late" fault) -----------------------------------------
    def postpone(self, meeting_id: int, by: timedelta) -> None:
        """Hide a meeting just made until ``by`` has passed on the sandbox clock."""
        with self.lock:
            meeting = self.meetings.pop(meeting_id, None)
            if meeting is not None:
                self.landing.append((self.now() + by, meeting))

    def land(self) -> None:
        """Meetings whose late making is over become real (listed, found, counted)."""
        with self.lock:
            if not self.landing:
                return
            now = self.now()
            for _, meeting in [item for item in self.landing if item[0] <= now]:
                self.meetings[meeting["id"]] = meeting
            self.landing = [item for item in self.landing if item[0] > now]
            self.save()

    # ---- persistence -------------------------------------------------------------------------
    def _load(self) -> None:
        if self.state_path is None or not self.state_path.exists():
            return
        saved = json.loads(self.state_path.read_text(encoding="utf-8"))
        self.meetings = {int(m["id"]): m for m in saved.get("meetings", [])}
        self.daily = {host: dict(days) for host, days in saved.get("daily", {}).items()}
        self.user_ids = dict(saved.get("user_ids", {}))
        self.registrants = {
            int(meeting_id): {person["email"].casefold(): restored(person) for person in people}
            for meeting_id, people in saved.get("registrants", {}).items()
        }
        self.panelists = {
            int(webinar_id): {p["email"].casefold(): restored_panelist(p) for p in people}
            for webinar_id, people in saved.get("panelists", {}).items()
        }
        for value, token in saved.get("tokens", {}).items():
            self.tokens[value] = IssuedToken(
                parse_utc(token["expires_at"]), token["revoked"], token["expired"]
            )

    def save(self) -> None:
        """Write the state file atomically: a crash leaves the old file or the new, never half."""
        if self.state_path is None:
            return
        saved = {
            "_format": STATE_FORMAT,
            "meetings": list(self.meetings.values()),
            "daily": self.daily,
            "user_ids": self.user_ids,
            "registrants": {
                str(meeting_id): [person.saved() for person in people.values()]
                for meeting_id, people in self.registrants.items()
            },
            "panelists": {
                str(webinar_id): [panelist.listed() for panelist in people.values()]
                for webinar_id, people in self.panelists.items()
            },
            "tokens": {
                value: {
                    "expires_at": format_utc(token.expires_at),
                    "revoked": token.revoked,
                    "expired": token.expired,
                }
                for value, token in self.tokens.items()
            },
        }
        folder = self.state_path.parent
        folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=".sandbox-", suffix=".tmp", dir=folder)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(saved, out, indent=1)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, self.state_path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    # ---- OAuth -------------------------------------------------------------------------------
    def issue_token(self, method: str, query: dict[str, str], headers: Any, body: bytes) -> Reply:
        if method != "POST":
            return Reply(405, {"reason": "Method Not Allowed", "error": "invalid_request"})
        if not self._client_ok(headers.get("Authorization", "")):
            return Reply(
                400, {"reason": "Invalid client_id or client_secret", "error": "invalid_client"}
            )
        params = dict(query)
        try:
            form = parse_qs(body.decode("utf-8"), keep_blank_values=True)
        except UnicodeDecodeError:
            form = {}
        params.update({key: values[-1] for key, values in form.items()})
        grant = params.get("grant_type")
        if not grant:
            return Reply(400, {"reason": "Missing grant type", "error": "invalid_request"})
        if grant != "account_credentials":
            return Reply(
                400, {"reason": "unsupported grant type", "error": "unsupported_grant_type"}
            )
        if params.get("account_id") != self.account_id:
            return Reply(400, {"reason": "Invalid account_id", "error": "invalid_request"})
        with self.lock:
            if self.single_token:
                for older in self.tokens.values():
                    older.revoked = True
            value = _token(string.ascii_letters + string.digits + "-_", 64)
            self.tokens[_digest(value)] = IssuedToken(
                self.now() + timedelta(seconds=self.token_ttl)
            )
            self.save()
        body_out = {
            "access_token": value,
            "token_type": "bearer",
            "expires_in": self.token_ttl,
            "scope": self.scopes,
            "api_url": self.api_url,
        }
        return Reply(200, body_out)

    def _client_ok(self, authorization: str) -> bool:
        scheme, _, encoded = authorization.partition(" ")
        if scheme.lower() != "basic":
            return False
        try:
            decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return False
        client_id, _, client_secret = decoded.partition(":")
        return secrets.compare_digest(client_id, self.client_id) and secrets.compare_digest(
            client_secret, self.client_secret
        )

    def expire_tokens(self) -> None:
        with self.lock:
            for token in self.tokens.values():
                token.expired = True
            self.save()

    def _token_problem(self, authorization: str) -> Reply | None:
        scheme, _, value = authorization.partition(" ")
        token = self.tokens.get(_digest(value.strip())) if scheme.lower() == "bearer" else None
        if token is None or token.revoked:
            return error(401, 124, "Invalid access token.")
        if token.expired or self.now() >= token.expires_at:
            return error(401, 124, "Access token is expired.")
        return None

    # ---- users -------------------------------------------------------------------------------
    def resolve_user(self, user_id: str) -> str | None:
        """The host's email for a path userId (``me``, an email, or a user id), if it exists."""
        if user_id.lower() == "me":
            return self.owner
        if user_id in self.user_ids:
            return self.user_ids[user_id]
        email = user_id.lower()
        if not EMAIL.match(email):
            return None
        if self.users is not None and email not in self.users:
            return None
        return email

    def user_record(self, email: str) -> SandboxUser:
        if self.users is not None and email in self.users:
            return self.users[email]
        return SandboxUser(email)

    def host_id(self, email: str) -> str:
        user_id = _user_id(email)
        self.user_ids[user_id] = email
        return user_id

    # ---- limits ------------------------------------------------------------------------------
    def limit_for(self, category: str) -> int | None:
        """Per-second limit: ``rate_limits`` for the category, else ``qps``, else the plan's."""
        if self.rate_limits and category in self.rate_limits:
            return self.rate_limits[category]
        if self.qps is not None:
            return self.qps
        return PLANS[self.plan][category] if self.plan is not None else None

    def rate_headers(self, category: str, remaining: int | None = None) -> dict[str, str]:
        """The X-RateLimit-* headers of a successful answer (none in "refusals"/"none" mode)."""
        limit = self.limit_for(category)
        if limit is None or self.header_mode != "all":
            return {}
        if remaining is None:
            window = self.windows.get(self._window_of(category), deque())
            remaining = max(0, limit - len(window))
        return {
            "X-RateLimit-Category": category.capitalize(),
            "X-RateLimit-Limit": str(limit),
            "X-RateLimit-Remaining": str(remaining),
        }

    def per_second_refusal(self, category: str, retry_after: int | str | None = None) -> Reply:
        limit = self.limit_for(category)
        headers = {
            "X-RateLimit-Category": category.capitalize(),
            "X-RateLimit-Type": "QPS",
            "X-RateLimit-Limit": str(limit if limit is not None else PRO_PLAN_QPS[category]),
            "X-RateLimit-Remaining": "0",
        }
        if self.header_mode == "none":
            headers = {}
        if retry_after is not None:
            headers["Retry-After"] = str(retry_after)
        return Reply(429, {"code": 429, "message": QPS_MESSAGE}, headers)

    def _window_of(self, category: str) -> str:
        return "every call" if self.one_window else category

    def _take_from_window(self, category: str) -> Reply | dict[str, str]:
        """Count this request in the sliding second, or refuse it (a refusal takes nothing)."""
        limit = self.limit_for(category)
        if limit is None:
            return {}
        now = self.now()
        window = self.windows.setdefault(self._window_of(category), deque())
        while window and window[0] <= now - timedelta(seconds=1):
            window.popleft()
        if len(window) >= limit:
            return self.per_second_refusal(category)
        window.append(now)
        return self.rate_headers(category, limit - len(window))

    def daily_used(self, host: str) -> int:
        today = self.now().date().isoformat()
        return self.daily.get(host.lower(), {}).get(today, 0)

    def _daily_refusal(self, host: str, category: str) -> Reply | None:
        if self.daily_used(host) < self.daily_limit:
            return None
        if self.daily_limit_style == "legacy":
            return error(300, 300, LEGACY_DAILY_MESSAGE.format(limit=self.daily_limit))
        reply = error(429, 429, DAILY_MESSAGE.format(limit=self.daily_limit))
        reply.headers.update(self.rate_headers(category))
        if self.daily_limit_style == "headers":
            tomorrow = self.now().date() + timedelta(days=1)
            reply.headers.update(
                {
                    "X-RateLimit-Category": category.capitalize(),
                    "X-RateLimit-Type": "Daily-limit",
                    "X-RateLimit-Limit": str(self.daily_limit),
                    "X-RateLimit-Remaining": "0",
                    "Retry-After": f"{tomorrow.isoformat()}T00:00:00Z",
                }
            )
        return reply

    def _count_daily(self, host: str) -> None:
        today = self.now().date().isoformat()
        days = self.daily.setdefault(host, {})
        days[today] = days.get(today, 0) + 1
        for day in [d for d in days if d < today]:
            del days[day]

    # ---- API dispatch ------------------------------------------------------------------------
    def route(self, method: str, path: str) -> tuple[str, str] | Reply:
        """(operation, path argument) for an API path, or the 404/405 Zoom gives."""
        users = USERS_MEETINGS.match(path)
        registration = REGISTRATION.match(path)
        operations = {"GET": "list", "POST": "create"}
        if users is None and registration:
            users = registration
            operations = REGISTRATION_OPERATIONS[registration.group(2)]
        if users is None:
            users = ONE_MEETING.match(path)
            operations = {"GET": "get", "PATCH": "update", "DELETE": "delete"}
        if users is None:
            users = USERS_WEBINARS.match(path)
            operations = {"GET": "webinar_list", "POST": "webinar_create"}
        if users is None:
            users = ONE_WEBINAR.match(path)
            operations = {
                "GET": "webinar_get",
                "PATCH": "webinar_update",
                "DELETE": "webinar_delete",
            }
        if users is None and (registration := WEBINAR_REGISTRATION.match(path)):
            users = registration
            operations = {
                method: f"webinar_{name}"
                for method, name in REGISTRATION_OPERATIONS[registration.group(2)].items()
            }
        if users is None:
            users = PANELISTS.match(path)
            operations = {"GET": "list_panelists", "POST": "add_panelists"}
        if users is None:
            users = ONE_PANELIST.match(path)
            operations = {"DELETE": "delete_panelist"}
        if users is None:
            users = USER_SETTINGS.match(path)
            operations = {"GET": "user_settings"}
        if users is None:
            users = USER_TEMPLATES.match(path)
            operations = {"GET": "templates"}
        if users is None:
            users = TRACKING_FIELDS.match(path)
            operations = {"GET": "tracking_fields"}
        if users is None:
            users = ONE_USER.match(path)
            operations = {"GET": "user"}
        if users is None:
            return error(404, 404, "Not Found")
        if method not in operations:
            return error(405, 405, "Method Not Allowed", Allow=", ".join(operations))
        return operations[method], users.group(1)

    def category_of(self, method: str, path: str) -> str:
        routed = self.route(method, path)
        return self.categories[routed[0]] if isinstance(routed, tuple) else "light"

    def api(
        self, method: str, path: str, query: dict[str, str], headers: Any, body: bytes
    ) -> Reply:
        with self.lock:
            self.land()
            routed = self.route(method, path)
            if isinstance(routed, Reply):
                return routed
            operation, argument = routed
            refused = self._token_problem(headers.get("Authorization", ""))
            if refused is not None:
                return refused
            counted = self._take_from_window(self.categories[operation])
            if isinstance(counted, Reply):
                return counted
            handler = getattr(self, f"_{operation}")
            reply: Reply = handler(argument, query, body)
            reply.headers = {**counted, **reply.headers}
            return reply

    def _json_object(self, body: bytes) -> dict[str, Any] | None:
        try:
            parsed = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return None
        return parsed if isinstance(parsed, dict) else None

    def _find_meeting(self, argument: str, webinar: bool = False) -> dict[str, Any] | None:
        """The meeting (or, with ``webinar``, the webinar) of a path's id: a webinar's id under
        ``/meetings/`` is not found, as a meeting's under ``/webinars/`` is not."""
        try:
            found = self.meetings.get(int(argument))
        except ValueError:
            return None
        return found if found is not None and is_webinar(found) == webinar else None

    @staticmethod
    def _missing(argument: str, webinar: bool) -> Reply:
        noun = "Webinar" if webinar else "Meeting"
        return error(404, 3001, f"{noun} does not exist: {argument}.")

    def _no_webinar_plan(self, host: str) -> Reply | None:
        """A host without the Webinar add-on may have no webinar (webinars.py)."""
        if self.user_record(host).webinar_capacity > 0:
            return None
        refused = no_plan(host)
        return error(refused.status, refused.code, refused.message)

    # ---- webinars: the meeting code, given the kind (webinars.py) ----------------------------
    def _webinar_create(self, argument: str, query: dict[str, str], body: bytes) -> Reply:
        return self._create(argument, query, body, webinar=True)

    def _webinar_list(self, argument: str, query: dict[str, str], body: bytes) -> Reply:
        return self._list(argument, query, body, webinar=True)

    def _webinar_get(self, argument: str, query: dict[str, str], body: bytes) -> Reply:
        return self._get(argument, query, body, webinar=True)

    def _webinar_update(self, argument: str, query: dict[str, str], body: bytes) -> Reply:
        return self._update(argument, query, body, webinar=True)

    def _webinar_delete(self, argument: str, query: dict[str, str], body: bytes) -> Reply:
        return self._delete(argument, query, body, webinar=True)

    def _webinar_batch_register(self, argument: str, query: dict[str, str], body: bytes) -> Reply:
        return self._batch_register(argument, query, body, webinar=True)

    def _webinar_register(self, argument: str, query: dict[str, str], body: bytes) -> Reply:
        return self._register(argument, query, body, webinar=True)

    def _webinar_list_registrants(self, argument: str, query: dict[str, str], body: bytes) -> Reply:
        return self._list_registrants(argument, query, body, webinar=True)

    def _webinar_registrant_status(
        self, argument: str, query: dict[str, str], body: bytes
    ) -> Reply:
        return self._registrant_status(argument, query, body, webinar=True)

    def _panelist_target(self, argument: str) -> dict[str, Any] | Reply:
        webinar = self._find_meeting(argument, webinar=True)
        if webinar is None:
            return self._missing(argument, True)
        refused = self._no_webinar_plan(webinar["host_email"])
        if refused is not None:
            refused.host = webinar["host_email"]
            return refused
        return webinar

    def _add_panelists(self, argument: str, query: dict[str, str], body: bytes) -> Reply:
        webinar = self._panelist_target(argument)
        if isinstance(webinar, Reply):
            return webinar
        request = self._json_object(body)
        if request is None:
            return error(400, 300, "Request Body should be a valid JSON object.")
        try:
            add_panelists(
                self.panelists.setdefault(webinar["id"], {}),
                request,
                webinar_id=webinar["id"],
                join_host=self.join_host,
            )
        except Refused as refused:
            return error(refused.status, refused.code, refused.message)
        self.save()
        answer = {"id": str(webinar["id"]), "updated_at": format_utc(self.now())}
        return Reply(201, answer, host=webinar["host_email"])

    def _list_panelists(self, argument: str, query: dict[str, str], body: bytes) -> Reply:
        webinar = self._panelist_target(argument)
        if isinstance(webinar, Reply):
            return webinar
        people = [p.listed() for p in self.panelists.get(webinar["id"], {}).values()]
        answer = {"total_records": len(people), "panelists": people}
        return Reply(200, answer, host=webinar["host_email"])

    def _delete_panelist(self, argument: str, query: dict[str, str], body: bytes) -> Reply:
        webinar_id, _, panelist_id = argument.partition("/panelists/")
        webinar = self._panelist_target(webinar_id)
        if isinstance(webinar, Reply):
            return webinar
        try:
            remove_panelist(self.panelists.setdefault(webinar["id"], {}), panelist_id)
        except Refused as refused:
            return error(refused.status, refused.code, refused.message)
        self.save()
        return Reply(204, None, host=webinar["host_email"])

    def _admit_write(self, host: str, category: str, body: bytes) -> dict[str, Any] | Reply:
        """A create or an update: the host's daily quota first, then a JSON object body."""
        refused = self._daily_refusal(host, category)
        if refused is None:
            request = self._json_object(body)
            if request is not None:
                return request
            refused = error(400, 300, "Request Body should be a valid JSON object.")
        refused.host = host
        return refused

    # ---- create ------------------------------------------------------------------------------
    def _create(
        self, user_id: str, query: dict[str, str], body: bytes, *, webinar: bool = False
    ) -> Reply:
        host = self.resolve_user(user_id)
        if host is None:
            return error(404, 1001, f"User does not exist: {user_id}.")
        # Webinar creates count against the same daily per-host quota as meetings (issue 25).
        request = self._admit_write(host, self.categories["create"], body)
        if isinstance(request, Reply):
            return request
        if isinstance(request.get("schedule_for"), str) and request["schedule_for"]:
            scheduled_for = self.resolve_user(request["schedule_for"])
            if scheduled_for is None:
                return error(404, 1001, f"User does not exist: {request['schedule_for']}.")
            host = scheduled_for
        refused = (
            self._may_not_host(host)
            or self._passcode_refusal(host, request)
            or self._account_refusal(request)
        )
        if refused is None and webinar:
            refused = self._no_webinar_plan(host)
        if refused is not None:
            refused.host = host
            return refused
        now = self.now()
        try:
            times = check_meeting(
                "webinarCreate" if webinar else "meetingCreate",
                request,
                now,
                user_timezone=self.user_record(host).timezone,
            )
        except Invalid as refused_body:
            reply = validation_failed(refused_body.fields)
            reply.host = host
            return reply
        meeting = self._new_meeting(host, request, times, now)
        self.meetings[meeting["id"]] = meeting
        if self.habits.listing_lag:
            self.listed_from[meeting["id"]] = now + timedelta(seconds=self.habits.listing_lag)
        self._count_daily(host)
        self.creates_made += 1
        if self.revoke_tokens_every and self.creates_made % self.revoke_tokens_every == 0:
            for token in self.tokens.values():
                token.expired = True
        self.save()
        return Reply(
            201, copy.deepcopy(meeting), {"Content-Location": self._location(meeting)}, host
        )

    def _may_not_host(self, host: str) -> Reply | None:
        """A guess (see users.py): an inactive or pending user may not schedule meetings."""
        user = self.user_record(host)
        if user.status == "active":
            return None
        return error(
            400,
            3161,
            "Your user account is not allowed meeting hosting and scheduling capabilities.",
        )

    def _passcode_refusal(self, host: str, request: dict[str, Any]) -> Reply | None:
        """A guess (see users.py): a passcode that breaks the host's policy is a 300."""
        password = request.get("password")
        if not isinstance(password, str) or not password:
            return None
        rule = self.user_record(host).passcode_problem(password)
        if rule is None:
            return None
        return error(400, 300, f"Invalid passcode: {rule}.")

    def _account_refusal(self, request: dict[str, Any]) -> Reply | None:
        """Templates, tracking fields, authentication options, breakout rooms (account.py)."""
        problems = self.account.problems(request)
        return error(400, 300, problems[0]) if problems else None

    def _templates(self, user_id: str, query: dict[str, str], body: bytes) -> Reply:
        email = self.resolve_user(user_id)
        if email is None:
            return error(404, 1001, f"User does not exist: {user_id}.")
        return Reply(200, self.account.template_listing(), host=email)

    def _tracking_fields(self, argument: str, query: dict[str, str], body: bytes) -> Reply:
        listing = self.account.tracking_listing()
        if listing is None:  # a guess: see account.py
            return error(400, 300, "Tracking fields are not enabled for this account.")
        return Reply(200, listing)

    # ---- users -------------------------------------------------------------------------------
    def _scope_refusal(self, *needed: str) -> Reply | None:
        granted = set(self.scopes.split())
        if granted & set(needed):
            return None
        return error(
            400, 4711, f"Invalid access token, does not contain scopes:[{', '.join(needed)}]."
        )

    def _user(self, user_id: str, query: dict[str, str], body: bytes) -> Reply:
        refused = self._scope_refusal(USER_SCOPES[0], USER_SCOPES[1])
        if refused is not None:
            return refused
        email = self.resolve_user(user_id)
        if email is None:
            return error(404, 1001, f"User does not exist: {user_id}.")
        profile = self.user_record(email).profile(self.host_id(email), self.account_id)
        return Reply(200, profile, host=email)

    def _user_settings(self, user_id: str, query: dict[str, str], body: bytes) -> Reply:
        refused = self._scope_refusal(USER_SCOPES[0], USER_SCOPES[2])
        if refused is not None:
            return refused
        email = self.resolve_user(user_id)
        if email is None:
            return error(404, 1001, f"User does not exist: {user_id}.")
        if query.get("option") == "meeting_authentication":
            return Reply(200, self.account.auth_settings(), host=email)
        return Reply(200, self.user_record(email).settings(), host=email)

    def _location(self, meeting: dict[str, Any]) -> str:
        return f"{self.api_url}/v2/meetings/{meeting['id']}"

    def _new_id(self) -> int:
        while True:
            meeting_id = 10**10 + secrets.randbelow(9 * 10**10)
            if meeting_id not in self.meetings:
                return meeting_id

    def _new_meeting(
        self, host: str, request: dict[str, Any], times: MeetingTimes, now: datetime
    ) -> dict[str, Any]:
        meeting_id = self._new_id()
        uuid = base64.b64encode(secrets.token_bytes(16)).decode("ascii")
        zak = _token(string.ascii_letters + string.digits, 48)  # lets anyone start it: a secret
        meeting: dict[str, Any] = {
            "uuid": uuid,
            "id": meeting_id,
            "host_id": self.host_id(host),
            "host_email": host,
            "assistant_id": "",
            "topic": self.habits.stored_topic(request.get("topic") or "Zoom Meeting"),
            "type": times.type,
            "status": "waiting",
            "timezone": times.timezone,
            "agenda": request.get("agenda", ""),
            "created_at": format_utc(now),
            "start_url": f"{self.join_host}/s/{meeting_id}?zak={zak}",
            "settings": {},
            "pre_schedule": False,
            "creation_source": "open_api",
        }
        self._apply_times(meeting, times)
        password = request.get("password") or ""
        if not password and request.get("default_password", True) is not False:
            password = _token(string.ascii_letters + string.digits, 6)
        self._set_password(meeting, password)
        self._set_settings(meeting, request.get("settings") or {})
        if "tracking_fields" in request:
            meeting["tracking_fields"] = copy.deepcopy(request["tracking_fields"])
        return meeting

    def _apply_times(self, meeting: dict[str, Any], times: MeetingTimes) -> None:
        meeting["type"] = times.type
        meeting["timezone"] = times.timezone
        meeting["duration"] = times.duration
        for key in ("start_time", "recurrence", "occurrences"):
            meeting.pop(key, None)
        if times.start is not None:
            meeting["start_time"] = format_utc(self.habits.stored_start(times.start))
        if as_meeting_type(times.type) == RECURRING_FIXED and times.recurrence is not None:
            meeting["recurrence"] = copy.deepcopy(times.recurrence)
            meeting["occurrences"] = [
                {
                    "occurrence_id": str(int(start.timestamp() * 1000)),
                    "start_time": format_utc(self.habits.stored_start(start)),
                    "duration": times.duration,
                    "status": "available",
                }
                for start in times.occurrences
            ]

    def _set_password(self, meeting: dict[str, Any], password: str) -> None:
        meeting["password"] = password
        digits = "".join(str(ord(c) % 10) for c in password)[:10] if password else ""
        meeting["h323_password"] = digits
        meeting["pstn_password"] = digits
        if password:
            encrypted = _token(string.ascii_letters + string.digits, 32) + ".1"
            meeting["encrypted_password"] = encrypted
            meeting["join_url"] = f"{self.join_host}/j/{meeting['id']}?pwd={encrypted}"
        else:
            meeting["encrypted_password"] = ""
            meeting["join_url"] = f"{self.join_host}/j/{meeting['id']}"

    def _set_settings(self, meeting: dict[str, Any], changes: dict[str, Any]) -> None:
        settings = _deep_merge(meeting.get("settings") or DEFAULT_SETTINGS, changes)
        if settings.get("waiting_room"):
            settings["join_before_host"] = False  # a waiting room turns join-before-host off
        meeting["settings"] = settings

    # ---- list --------------------------------------------------------------------------------
    def _times_of(self, meeting: dict[str, Any]) -> MeetingTimes:
        start = parse_utc(meeting["start_time"]) if "start_time" in meeting else None
        occurrences = [parse_utc(o["start_time"]) for o in meeting.get("occurrences", [])]
        return MeetingTimes(
            meeting["type"],
            meeting["timezone"],
            start,
            meeting.get("duration", 60),
            meeting.get("recurrence"),
            occurrences,
        )

    def _ends_at(self, meeting: dict[str, Any]) -> datetime | None:
        times = self._times_of(meeting)
        last = times.occurrences[-1] if times.occurrences else times.start
        if as_meeting_type(meeting["type"]) == RECURRING_NO_TIME or last is None:
            return None
        return last + timedelta(minutes=times.duration)

    def _listed(self, meeting: dict[str, Any], list_type: str, now: datetime) -> bool:
        if meeting["type"] == INSTANT:
            return False  # "This API does not return information about instant meetings."
        ends = self._ends_at(meeting)
        if as_meeting_type(meeting["type"]) == RECURRING_NO_TIME:
            expired = parse_utc(meeting["created_at"]) + NO_FIXED_TIME_LIFE <= now
            return not expired and list_type != "previous_meetings" and list_type != "live"
        assert ends is not None
        if ends + EXPIRES_AFTER <= now:
            return False
        if list_type == "scheduled":
            return True
        if list_type in ("upcoming", "upcoming_meetings"):
            return ends > now
        if list_type == "previous_meetings":
            return ends <= now
        return False  # live: the sandbox never starts a meeting

    def _list(
        self, user_id: str, query: dict[str, str], body: bytes, *, webinar: bool = False
    ) -> Reply:
        host = self.resolve_user(user_id)
        if host is None:
            return error(404, 1001, f"User does not exist: {user_id}.")
        now = self.now()
        self.page_tokens = {k: v for k, v in self.page_tokens.items() if v["expires_at"] > now}
        list_type = query.get("type") or "scheduled"
        if list_type not in (WEBINAR_LIST_TYPES if webinar else LIST_TYPES):
            reply = validation_failed(["type"])
            reply.host = host
            return reply
        page_size = PAGE_SIZE_DEFAULT
        if query.get("page_size"):
            try:
                page_size = int(query["page_size"])
            except ValueError:
                reply = validation_failed(["page_size"])
                reply.host = host
                return reply
            if page_size < 1:
                page_size = PAGE_SIZE_DEFAULT
            page_size = min(page_size, PAGE_SIZE_MAX)  # Zoom caps the page rather than refuse
        offset = 0
        token_text = query.get("next_page_token")
        if token_text:
            page = self.page_tokens.get(token_text)
            if (
                page is None
                or page["host"] != host
                or page["type"] != list_type
                or page.get("webinars", False) != webinar
            ):
                reply = error(400, 300, "The next page token is invalid or expired.")
                reply.host = host
                return reply
            offset = page["offset"]
        listed = [
            m
            for m in self.meetings.values()
            if m["host_email"] == host and is_webinar(m) == webinar
        ]
        if list_type == "past":  # webinars: "past" is Zoom's word for what is over
            list_type = "previous_meetings"
        listed = [m for m in listed if self._listed(m, list_type, now)]
        listed = [m for m in listed if self.listed_from.get(m["id"], now) <= now]  # lagging
        window = self._list_window(query, host)
        if isinstance(window, Reply):
            return window
        listed = [m for m in listed if self._within(m, *window)]
        listed.sort(key=lambda m: (m.get("start_time", "9999"), m["created_at"], m["id"]))
        items = [
            self._list_item(self._as_shown(m, now)) for m in listed[offset : offset + page_size]
        ]
        next_token = ""
        if offset + page_size < len(listed):
            next_token = _token(string.ascii_letters + string.digits, 35)
            self.page_tokens[next_token] = {
                "host": host,
                "type": query.get("type") or "scheduled",
                "webinars": webinar,
                "offset": offset + page_size,
                "expires_at": now + PAGE_TOKEN_LIFE,
            }
        body_out = {
            "page_size": page_size,
            "total_records": len(listed),
            "next_page_token": next_token,
            "webinars" if webinar else "meetings": items,
        }
        return Reply(200, body_out, host=host)

    def _list_window(
        self, query: dict[str, str], host: str
    ) -> Reply | tuple[datetime | None, datetime | None]:
        """``from`` and ``to`` (yyyy-mm-dd, whole days in ``timezone`` or the host's zone).

        Meetings.json gives the date form; that ``to`` includes its whole day is a guess.
        """
        zone_name = query.get("timezone") or self.user_record(host).timezone
        bounds: list[datetime | None] = []
        for name, extra in (("from", 0), ("to", 1)):
            text = query.get(name)
            if not text:
                bounds.append(None)
                continue
            try:
                day = datetime.strptime(text, "%Y-%m-%d")
                moment = day.replace(tzinfo=zone(zone_name)) + timedelta(days=extra)
            except (ValueError, KeyError, ZoneInfoNotFoundError):
                reply = validation_failed([name])
                reply.host = host
                return reply
            bounds.append(moment.astimezone(UTC))
        return bounds[0], bounds[1]

    def _within(
        self, meeting: dict[str, Any], start: datetime | None, end: datetime | None
    ) -> bool:
        if start is None and end is None:
            return True
        begins = parse_utc(meeting["start_time"]) if "start_time" in meeting else None
        if begins is None:
            return True
        finishes = self._ends_at(meeting) or begins
        return (start is None or finishes > start) and (end is None or begins < end)

    @staticmethod
    def _list_item(meeting: dict[str, Any]) -> dict[str, Any]:
        item: dict[str, Any] = {
            key: meeting[key]
            for key in (
                "uuid",
                "id",
                "host_id",
                "topic",
                "type",
                "start_time",
                "duration",
                "timezone",
                "agenda",
                "created_at",
                "join_url",
            )
            if key in meeting
        }
        if item.get("agenda"):
            item["agenda"] = item["agenda"][:250]
        return copy.deepcopy(item)

    # ---- get / update / delete ---------------------------------------------------------------
    def _occurrence(self, meeting: dict[str, Any], query: dict[str, str]) -> Reply | dict[str, Any]:
        """The occurrence ``occurrence_id`` names; a 400 code 300 when the meeting has none such."""
        wanted = query.get("occurrence_id")
        for occurrence in meeting.get("occurrences", []):
            if occurrence["occurrence_id"] == wanted and occurrence["status"] != "deleted":
                found: dict[str, Any] = occurrence
                return found
        reply = error(400, 300, f"Invalid occurrence_id: {wanted}.")
        reply.host = meeting["host_email"]
        return reply

    def _get(
        self, argument: str, query: dict[str, str], body: bytes, *, webinar: bool = False
    ) -> Reply:
        meeting = self._find_meeting(argument, webinar)
        if meeting is None:
            return self._missing(argument, webinar)
        shown = copy.deepcopy(meeting)
        if not query.get("occurrence_id"):
            previous = query.get("show_previous_occurrences", "").lower() == "true"
            shown = self._as_shown(shown, self.now(), previous=previous)
        if query.get("occurrence_id"):
            occurrence = self._occurrence(meeting, query)
            if isinstance(occurrence, Reply):
                return occurrence
            # One occurrence: its own time and length, and only it in ``occurrences``.
            shown.update(start_time=occurrence["start_time"], duration=occurrence["duration"])
            shown["occurrences"] = [copy.deepcopy(occurrence)]
        elif "occurrences" in shown:
            shown["occurrences"] = [o for o in shown["occurrences"] if o["status"] != "deleted"]
        return Reply(200, shown, host=meeting["host_email"])

    def _update_occurrence(
        self, meeting: dict[str, Any], query: dict[str, str], request: dict[str, Any]
    ) -> Reply:
        """PATCH with ``occurrence_id``: only that occurrence's start and length change."""
        occurrence = self._occurrence(meeting, query)
        if isinstance(occurrence, Reply):
            return occurrence
        host = meeting["host_email"]
        if "start_time" in request:
            start = parse_start(
                request["start_time"], request.get("timezone") or meeting["timezone"]
            )
            if start is None:
                reply = validation_failed(["start_time"])
                reply.host = host
                return reply
            occurrence["start_time"] = format_utc(start)
        if "duration" in request:
            duration = request["duration"]
            if not isinstance(duration, int) or isinstance(duration, bool) or duration < 1:
                reply = validation_failed(["duration"])
                reply.host = host
                return reply
            occurrence["duration"] = duration
        self._count_daily(host)
        self.save()
        return Reply(204, None, host=host)

    def _as_shown(
        self, meeting: dict[str, Any], now: datetime, *, previous: bool = True
    ) -> dict[str, Any]:
        """A series as Zoom shows it under ``Habits.series_at_next_occurrence``: at its next
        occurrence (neither deleted nor over), and without the occurrences that are over unless
        ``previous``. Any other meeting, or the habit off, as stored."""
        if (
            not self.habits.series_at_next_occurrence
            or as_meeting_type(meeting.get("type", 0)) != RECURRING_FIXED
        ):
            return meeting
        available = [o for o in meeting.get("occurrences", []) if o["status"] != "deleted"]
        if not available:
            return meeting
        duration = timedelta(minutes=int(meeting.get("duration") or 0))
        coming = [o for o in available if parse_utc(o["start_time"]) + duration > now]
        shown = copy.deepcopy(meeting)
        shown["start_time"] = (coming or available[-1:])[0]["start_time"]
        if not previous:
            kept = {o["occurrence_id"] for o in coming}
            shown["occurrences"] = [o for o in shown["occurrences"] if o["occurrence_id"] in kept]
        return shown

    def _update(
        self, argument: str, query: dict[str, str], body: bytes, *, webinar: bool = False
    ) -> Reply:
        meeting = self._find_meeting(argument, webinar)
        if meeting is None:
            return self._missing(argument, webinar)
        host = meeting["host_email"]
        request = self._admit_write(host, self.categories["update"], body)
        if isinstance(request, Reply):
            return request
        if query.get("occurrence_id"):
            return self._update_occurrence(meeting, query, request)
        new_host = host
        if isinstance(request.get("schedule_for"), str) and request["schedule_for"]:
            # Zoom moves the meeting to that user; id, passcode and link stay (a public report
            # of a real test; the sandbox cannot check it against Zoom).
            if self.habits.refuse_schedule_for:
                reply = error(
                    400, 3000, f"You cannot schedule a meeting for {request['schedule_for']}"
                )
                reply.host = host
                return reply
            found = self.resolve_user(request["schedule_for"])
            if found is None:
                reply = error(404, 1001, f"User does not exist: {request['schedule_for']}.")
                reply.host = host
                return reply
            refused = self._may_not_host(found)
            if refused is not None:
                refused.host = host
                return refused
            new_host = found
        refused = self._passcode_refusal(new_host, request) or self._account_refusal(request)
        if refused is not None:
            refused.host = host
            return refused
        try:
            operation = "webinarUpdate" if webinar else "meetingUpdate"
            times = check_meeting(operation, request, self.now(), self._times_of(meeting))
        except Invalid as refused_body:
            reply = validation_failed(refused_body.fields)
            reply.host = host
            return reply
        updated = copy.deepcopy(meeting)
        for key in ("topic", "agenda", "tracking_fields", "pre_schedule"):
            if key in request:
                updated[key] = copy.deepcopy(request[key])
        if isinstance(request.get("topic"), str):
            updated["topic"] = self.habits.stored_topic(request["topic"])
        self._apply_times(updated, times)
        if "password" in request:
            self._set_password(updated, request["password"] or "")
        if "settings" in request:
            self._set_settings(updated, request["settings"] or {})
        if new_host != host:
            updated["host_email"] = new_host
            updated["host_id"] = self.host_id(new_host)
        self.meetings[updated["id"]] = updated
        self._count_daily(host)
        self.save()
        return Reply(204, None, host=host)

    def _delete(
        self, argument: str, query: dict[str, str], body: bytes, *, webinar: bool = False
    ) -> Reply:
        meeting = self._find_meeting(argument, webinar)
        if meeting is None:
            return self._missing(argument, webinar)
        if query.get("occurrence_id"):
            occurrence = self._occurrence(meeting, query)
            if isinstance(occurrence, Reply):
                return occurrence
            occurrence["status"] = "deleted"  # the series stays; only this one is gone
            self.save()
            return Reply(204, None, host=meeting["host_email"])
        del self.meetings[meeting["id"]]
        self.registrants.pop(meeting["id"], None)
        self.panelists.pop(meeting["id"], None)
        self.save()
        return Reply(204, None, host=meeting["host_email"])

    # ---- registration (registrants.py holds the rules) -----------------------------------------
    def _registration_target(self, argument: str, webinar: bool = False) -> dict[str, Any]:
        meeting = self._find_meeting(argument, webinar)
        if meeting is None:
            missing = self._missing(argument, webinar).body
            raise Refused(404, 3001, missing["message"])
        if webinar and self.user_record(meeting["host_email"]).webinar_capacity <= 0:
            raise no_plan(meeting["host_email"])
        ends = self._ends_at(meeting)
        if ends is not None and ends < self.now():
            raise Refused(
                400,
                3038,
                "Meeting is over, you can not register now. If you have any questions, please "
                "contact the Meeting host.",
            )
        return meeting

    def _registration(self, argument: str, act: Any, webinar: bool = False) -> Reply:
        try:
            meeting = self._registration_target(argument, webinar)
            reply: Reply = act(meeting, self.registrants.setdefault(meeting["id"], {}))
        except Refused as refused:
            return error(refused.status, refused.code, refused.message)
        reply.host = meeting["host_email"]
        return reply

    def _batch_register(
        self, argument: str, query: dict[str, str], body: bytes, *, webinar: bool = False
    ) -> Reply:
        def act(meeting: dict[str, Any], people: dict[str, Registrant]) -> Reply:
            request = self._json_object(body)
            if request is None:
                raise Refused(400, 300, "Request Body should be a valid JSON object.")
            added = [
                register(
                    people,
                    person,
                    meeting_id=meeting["id"],
                    join_host=self.join_host,
                    created_at=format_utc(self.now()),
                )
                for person in self._admitted(meeting, check_batch(meeting, argument, request))
            ]
            self.save()
            return Reply(
                201,
                {
                    "registrants": [
                        {"email": r.email, "join_url": r.join_url, "registrant_id": r.id}
                        for r in added
                    ]
                },
            )

        return self._registration(argument, act, webinar)

    def _register(
        self, argument: str, query: dict[str, str], body: bytes, *, webinar: bool = False
    ) -> Reply:
        def act(meeting: dict[str, Any], people: dict[str, Registrant]) -> Reply:
            check_enabled(meeting, argument)
            request = self._json_object(body)
            if request is None:
                raise Refused(400, 300, "Request Body should be a valid JSON object.")
            check_person(request)
            self._admitted(meeting, [request])
            person = register(
                people,
                request,
                meeting_id=meeting["id"],
                join_host=self.join_host,
                created_at=format_utc(self.now()),
            )
            self.save()
            answer: dict[str, Any] = {
                "id": meeting["id"],
                "join_url": person.join_url,
                "registrant_id": person.id,
                "topic": meeting["topic"],
            }
            if "start_time" in meeting:
                answer["start_time"] = meeting["start_time"]
            if meeting.get("occurrences"):
                answer["occurrences"] = copy.deepcopy(meeting["occurrences"])
            return Reply(201, answer)

        return self._registration(argument, act, webinar)

    def _admitted(self, meeting: dict[str, Any], people: list[Any]) -> list[Any]:
        """``people`` when a webinar has seats for the new ones among them (Meetings.json: 400
        code 3043 "Webinar has reached maximum attendee capacity."); a meeting has no cap here."""
        if not is_webinar(meeting):
            return people
        held = self.registrants.get(meeting["id"], {})
        new = {
            str(person.get("email", "")).casefold()
            for person in people
            if str(person.get("email", "")).casefold() not in held
            or held[str(person.get("email", "")).casefold()].status != "approved"
        }
        seated = sum(1 for person in held.values() if person.status == "approved")
        if seated + len(new) > self.user_record(meeting["host_email"]).webinar_capacity:
            raise Refused(400, 3043, "Webinar has reached maximum attendee capacity.")
        return people

    def _list_registrants(
        self, argument: str, query: dict[str, str], body: bytes, *, webinar: bool = False
    ) -> Reply:
        def act(meeting: dict[str, Any], people: dict[str, Registrant]) -> Reply:
            check_enabled(meeting, argument)
            everyone = listed(people, query.get("status") or "approved")
            try:
                page_size = min(max(int(query.get("page_size") or PAGE_SIZE_DEFAULT), 1), 300)
            except ValueError as bad:
                raise Refused(400, 300, "Validation Failed.") from bad
            offset = 0
            token_text = query.get("next_page_token")
            if token_text:
                page = self.page_tokens.get(token_text)
                if page is None or page.get("registrants_of") != meeting["id"]:
                    raise Refused(400, 300, "The next page token is invalid or expired.")
                offset = page["offset"]
            next_token = ""
            if offset + page_size < len(everyone):
                next_token = _token(string.ascii_letters + string.digits, 35)
                self.page_tokens[next_token] = {
                    "registrants_of": meeting["id"],
                    "host": None,
                    "type": None,
                    "offset": offset + page_size,
                    "expires_at": self.now() + PAGE_TOKEN_LIFE,
                }
            return Reply(
                200,
                {
                    "page_size": page_size,
                    "total_records": len(everyone),
                    "next_page_token": next_token,
                    "registrants": everyone[offset : offset + page_size],
                },
            )

        return self._registration(argument, act, webinar)

    def _registrant_status(
        self, argument: str, query: dict[str, str], body: bytes, *, webinar: bool = False
    ) -> Reply:
        def act(meeting: dict[str, Any], people: dict[str, Registrant]) -> Reply:
            check_enabled(meeting, argument)
            request = self._json_object(body)
            if request is None:
                raise Refused(400, 300, "Request Body should be a valid JSON object.")
            set_status(people, request)
            self.save()
            return Reply(204, None)

        return self._registration(argument, act, webinar)
