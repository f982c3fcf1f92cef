"""ZoomClient: the meeting calls batch_zoom makes, and the one place that maps answers to errors.

Every request waits for its turn at the shared ``Pacer``, then takes the shared token, and is
repeated with a newer token after a 401 (code 124), at most ``MAX_TOKEN_RENEWALS`` times.
Retrying anything else is the caller's decision (``retry.decide``), because only the caller knows
whether a repeat is safe.

Answers are checked for the shape each call returns: a create is made only when Zoom says 201
with a JSON object holding the meeting's ``id``; anything else (an empty 200, HTML, ``{not json``,
``[1,2]``) is ``UnreadableAnswer``, an unknown outcome, never a refusal. A listing item that is not
a meeting (``1``, ``"x"``, ``null``, an object without an id) is skipped and counted in
``skipped_items``, for the run to warn about.
"""

from __future__ import annotations

import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote, urlsplit

import requests

from .. import __version__
from ..errors import (
    ConnectionLost,
    DailyLimitReached,
    NotFound,
    RateLimited,
    Redirected,
    ServerError,
    TokenExpired,
    UnreadableAnswer,
    ZoomError,
)
from ..i18n import _
from ..models import MEETING, Kind, parse_moment
from .auth import TokenProvider
from .clock import ZoomClock
from .pacing import EITHER, Pacer
from .reach import Reach
from .retry import parse_retry_after
from .transport import printable, send_request

PAGE_SIZE = 300  # Zoom's maximum for the meeting list

LIGHT, MEDIUM, HEAVY = "light", "medium", "heavy"
PACED = (LIGHT, MEDIUM, HEAVY)

#: The rate-limit category of each call, as Meetings.json (2026) labels it (the user calls as the
#: sandbox meters them: a user Light, a user's settings Medium), except create: Light in the 2026
#: spec, Medium in older ones, so until Zoom says which it is paced as either (``"medium|light"``,
#: a bucket of its own in the pacer that starts under Medium's limits and probes up through
#: both). Each category has its own bucket. An answer's ``X-RateLimit-Category`` names the one
#: Zoom metered the call in: from then on, the call is paced there. (Pacing a Medium create as
#: Light drew 2.7% of 429s at 20/s with Zoom answering in 1 s, a second of creates at Light's 30
#: before the first answer said Medium; pacing it as Medium held a Free account's creates at
#: Medium's 2 a second when Zoom only names categories on 429s.)
CALLS = {
    "create": EITHER.join((MEDIUM, LIGHT)),
    "list": MEDIUM,
    "get": LIGHT,
    "update": LIGHT,
    "delete": LIGHT,
    "user": LIGHT,
    "user_settings": MEDIUM,
    "templates": MEDIUM,  # Meetings.json: List meeting templates
    "tracking_fields": MEDIUM,  # Meetings.json: List tracking fields
    "batch_register": HEAVY,
    "register": LIGHT,
    "list_registrants": MEDIUM,
    "registrant_status": MEDIUM,
    "add_panelists": MEDIUM,
    "list_panelists": MEDIUM,
    "delete_panelist": LIGHT,
}

#: How many times one request may meet a refused token (401, code 124) and go again. Tokens can
#: be revoked under us at any time (another process of the same app asking for one, in Zoom's
#: older behaviour), so one renewal is not always enough; a bound keeps a broken OAuth setup from
#: looping.
MAX_TOKEN_RENEWALS = 3

#: The daily per-host limit, recognised by its words: real 429s have come without the headers.
DAILY_LIMIT_WORDS = re.compile(
    r"daily rate limit|per day|in one day|maximum of \d+ meetings can be created", re.IGNORECASE
)

USER_AGENT = f"batch_zoom/{__version__}"


class ZoomClient:
    def __init__(
        self,
        api_url: str,
        tokens: TokenProvider,
        pacer: Pacer,
        *,
        timeout: tuple[float, float] = (10.0, 30.0),
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        session_factory: Callable[[], requests.Session] = requests.Session,
        zoom_clock: ZoomClock | None = None,
        reach: Reach | None = None,
    ) -> None:
        self._api_url = api_url.rstrip("/")
        self.host = urlsplit(self._api_url).netloc or self._api_url
        self.reach = reach or Reach(time.monotonic)
        self._tokens = tokens
        self._pacer = pacer
        self._categories = dict(CALLS)  # call -> the category it is paced in, as Zoom says
        self._timeout = timeout
        self._zoom_clock = zoom_clock
        self._now = zoom_clock.now if zoom_clock is not None else now
        self.skipped_items: Counter[str] = Counter()  # host -> listing items that were no meeting
        self._skipped_lock = threading.Lock()
        self._session_factory = session_factory
        self._local = threading.local()  # a requests.Session per worker thread
        self._sessions: list[requests.Session] = []
        self._sessions_lock = threading.Lock()

    def knows_the_limit_of(self, call: str) -> bool:
        """Whether the per-second limit of the category ``call`` is paced in is known yet."""
        return self._pacer.knows_limit(self._categories[call])

    # -- the meeting calls ------------------------------------------------------------------

    def create_meeting(
        self, host: str, body: dict[str, Any], kind: Kind = MEETING
    ) -> dict[str, Any]:
        """``POST /users/{host}/meetings`` (``/webinars`` for a webinar): the new meeting.

        Only a 201 whose JSON object holds the meeting's id is a meeting; anything else raises
        ``UnreadableAnswer`` (the meeting may exist: look it up). ``join_url`` may still be
        missing: the caller completes it with ``get_meeting``.
        """
        path = f"/users/{_segment(host)}/{kind.collection}"
        response = self._send("POST", path, "create", json=body)
        meeting = self._json(response)
        if response.status_code != 201 or not has_meeting_id(meeting):
            raise UnreadableAnswer(
                response.status_code,
                None,
                _("Zoom answered the create without the new meeting's id"),
            )
        return meeting

    def list_meetings(
        self,
        host: str,
        on_skipped: Callable[[int], None] | None = None,
        kind: Kind = MEETING,
    ) -> Iterator[dict[str, Any]]:
        """Every upcoming scheduled meeting (or webinar) of ``host``, following
        ``next_page_token``.

        A page without a ``meetings`` list is unreadable (an empty-looking page must never pass
        for "no meetings": a look-up would then send a create again); items that are not
        meetings are skipped and counted in ``skipped_items`` (and told to ``on_skipped``: such
        a listing was not read whole, so it proves no meeting absent).
        """
        page_token = ""
        while True:
            params: dict[str, Any] = {"type": "scheduled", "page_size": PAGE_SIZE}
            if page_token:
                params["next_page_token"] = page_token
            path = f"/users/{_segment(host)}/{kind.collection}"
            response = self._send("GET", path, "list", params=params)
            page = self._json(response)
            items = page.get(kind.collection)
            next_token = page.get("next_page_token") or ""
            if not isinstance(items, list) or not isinstance(next_token, str):
                raise UnreadableAnswer(
                    response.status_code, None, _("Zoom's meeting list has an unexpected shape")
                )
            meetings = [item for item in items if isinstance(item, dict) and has_meeting_id(item)]
            if len(meetings) < len(items):
                with self._skipped_lock:
                    self.skipped_items[host] += len(items) - len(meetings)
                if on_skipped is not None:
                    on_skipped(len(items) - len(meetings))
            yield from meetings
            page_token = next_token
            if not page_token:
                return

    def get_meeting(self, meeting_id: str, kind: Kind = MEETING) -> dict[str, Any]:
        return self._json(self._send("GET", _item(kind, meeting_id), "get"))

    def update_meeting(
        self, meeting_id: str, changes: dict[str, Any], kind: Kind = MEETING
    ) -> None:
        self._send("PATCH", _item(kind, meeting_id), "update", json=changes)

    def delete_meeting(self, meeting_id: str, kind: Kind = MEETING) -> None:
        self._send("DELETE", _item(kind, meeting_id), "delete")

    # -- a webinar's panelists ----------------------------------------------------------------

    def add_panelists(self, webinar_id: str, people: list[dict[str, str]]) -> None:
        """``POST /webinars/{id}/panelists`` (30 people at most). Zoom answers with neither ids
        nor links: ``list_panelists`` reads them."""
        path = f"/webinars/{_segment(webinar_id)}/panelists"
        self._send("POST", path, "add_panelists", json={"panelists": people})

    def list_panelists(self, webinar_id: str) -> list[dict[str, Any]]:
        """``GET /webinars/{id}/panelists``: each with ``id``, ``email``, ``name``, ``join_url``."""
        path = f"/webinars/{_segment(webinar_id)}/panelists"
        answer = self._json(self._send("GET", path, "list_panelists"))
        items = answer.get("panelists")
        if not isinstance(items, list):
            raise UnreadableAnswer(200, None, _("Zoom's panelist list has an unexpected shape"))
        return [item for item in items if isinstance(item, dict)]

    def delete_panelist(self, webinar_id: str, panelist_id: str) -> None:
        path = f"/webinars/{_segment(webinar_id)}/panelists/{_segment(panelist_id)}"
        self._send("DELETE", path, "delete_panelist")

    @property
    def pacer(self) -> Pacer:
        return self._pacer

    @property
    def token_scopes(self) -> frozenset[str] | None:
        """The scopes Zoom granted the token (None until one is fetched, or if it did not say)."""
        return self._tokens.scopes

    def get_user(self, user: str) -> dict[str, Any]:
        """``GET /users/{user}``: licence ``type``, ``status``, ``email``, ``timezone``."""
        return self._json(self._send("GET", f"/users/{_segment(user)}", "user"))

    def get_user_settings(self, user: str) -> dict[str, Any]:
        """``GET /users/{user}/settings``: the passcode policy is in ``schedule_meeting``."""
        return self._json(self._send("GET", f"/users/{_segment(user)}/settings", "user_settings"))

    def list_templates(self, user: str) -> list[dict[str, Any]]:
        """``GET /users/{user}/meeting_templates``: the templates the host may schedule with."""
        answer = self._json(
            self._send("GET", f"/users/{_segment(user)}/meeting_templates", "templates")
        )
        return [item for item in answer.get("templates") or [] if isinstance(item, dict)]

    def list_tracking_fields(self) -> list[dict[str, Any]]:
        """``GET /tracking_fields``: the account's tracking fields (``field``, ``required``,
        ``recommended_values``)."""
        answer = self._json(self._send("GET", "/tracking_fields", "tracking_fields"))
        return [item for item in answer.get("tracking_fields") or [] if isinstance(item, dict)]

    def get_authentication_options(self, user: str) -> list[dict[str, Any]]:
        """``GET /users/{user}/settings?option=meeting_authentication``: the host's
        ``authentication_options`` (``id``, ``type``), whose id a meeting's
        ``authentication_option`` names."""
        answer = self._json(
            self._send(
                "GET",
                f"/users/{_segment(user)}/settings",
                "user_settings",
                params={"option": "meeting_authentication"},
            )
        )
        options = answer.get("authentication_options") or []
        return [item for item in options if isinstance(item, dict)]

    # -- registration -----------------------------------------------------------------------

    def add_registrants(
        self,
        meeting_id: str,
        people: list[dict[str, str]],
        *,
        confirmation_email: bool,
        kind: Kind = MEETING,
    ) -> list[dict[str, Any]]:
        """``POST /meetings/{id}/batch_registrants`` (scheduled meetings, 30 people at most)."""
        body = {
            "auto_approve": True,
            "registrants_confirmation_email": confirmation_email,
            "registrants": people,
        }
        path = _item(kind, meeting_id) + "/batch_registrants"
        answer = self._json(self._send("POST", path, "batch_register", json=body))
        return [item for item in answer.get("registrants") or [] if isinstance(item, dict)]

    def add_registrant(
        self, meeting_id: str, person: dict[str, str], kind: Kind = MEETING
    ) -> dict[str, Any]:
        """``POST /meetings/{id}/registrants``: one person (recurring meetings too)."""
        path = _item(kind, meeting_id) + "/registrants"
        return self._json(self._send("POST", path, "register", json=person))

    def list_registrants(self, meeting_id: str, kind: Kind = MEETING) -> Iterator[dict[str, Any]]:
        """Everyone approved for the meeting, following ``next_page_token``."""
        page_token = ""
        while True:
            params: dict[str, Any] = {"status": "approved", "page_size": PAGE_SIZE}
            if page_token:
                params["next_page_token"] = page_token
            path = _item(kind, meeting_id) + "/registrants"
            page = self._json(self._send("GET", path, "list_registrants", params=params))
            yield from (item for item in page.get("registrants") or [] if isinstance(item, dict))
            page_token = page.get("next_page_token") or ""
            if not page_token:
                return

    def cancel_registrants(
        self, meeting_id: str, registrants: list[dict[str, str]], kind: Kind = MEETING
    ) -> None:
        """``PUT /meetings/{id}/registrants/status`` with ``cancel`` (30 people at most)."""
        path = _item(kind, meeting_id) + "/registrants/status"
        body = {"action": "cancel", "registrants": registrants}
        self._send("PUT", path, "registrant_status", json=body)

    def close(self) -> None:
        with self._sessions_lock:
            for session in self._sessions:
                session.close()
            self._sessions.clear()

    # -- one request --------------------------------------------------------------------------

    def _session(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._session_factory()
            session.headers["User-Agent"] = USER_AGENT
            self._local.session = session
            with self._sessions_lock:
                self._sessions.append(session)
        return session

    def _send(self, method: str, path: str, call: str, **kwargs: Any) -> requests.Response:
        renewals = 0
        while True:
            self.reach.asking(self.host)  # a host given up on is sent nothing more
            turn = self._pacer.wait_turn(self._categories[call])
            # The token is taken after the pacer, when the request really leaves: a request that
            # queued while another worker renewed the token carries the new one, not the old.
            token = self._tokens.current()
            try:
                response = send_request(
                    self._session(),
                    method,
                    self._api_url + path,
                    headers={"Authorization": f"Bearer {token}"},
                    timeout=self._timeout,
                    **kwargs,
                )
            except ConnectionLost as lost:
                self.reach.lost(lost)
                raise
            self.reach.answered(self.host)
            if self._zoom_clock is not None:
                self._zoom_clock.observe(response.headers)
            metered = response.headers.get("X-RateLimit-Category", "").strip().lower()
            if metered in PACED and metered != turn.category:
                self._categories[call] = metered  # one str for one key: no lock needed
                self._pacer.recategorize(turn, metered)
            error = error_for(response, self._now())
            limit = _int_header(response, "X-RateLimit-Limit")
            if isinstance(error, RateLimited) and not isinstance(error, DailyLimitReached):
                self._pacer.throttle(turn, error.retry_after, error.limit)
                raise error
            # A daily-limit 429 announces the host's daily quota, not a per-second limit.
            self._pacer.answered(turn, None if isinstance(error, DailyLimitReached) else limit)
            if error is None:
                return response
            if isinstance(error, TokenExpired) and renewals < MAX_TOKEN_RENEWALS:
                # A 401 made nothing on Zoom, so repeating is safe. ``renew`` fetches only when
                # the refused token is still the current one: when another worker already
                # replaced it, the request goes again with that newer token at no cost.
                self._tokens.renew(token)
                renewals += 1
                continue
            raise error

    @staticmethod
    def _json(response: requests.Response) -> dict[str, Any]:
        """The answer's JSON object; anything else is ``UnreadableAnswer`` (never a refusal)."""
        try:
            payload = response.json()
        except ValueError as error:  # empty, HTML, "{not json", bad UTF-8
            raise UnreadableAnswer(
                response.status_code, None, _("Zoom answered with something other than JSON")
            ) from error
        if not isinstance(payload, dict):
            raise UnreadableAnswer(
                response.status_code, None, _("Zoom answered with an unexpected shape")
            )
        return payload


def has_meeting_id(meeting: dict[str, Any]) -> bool:
    """True when ``meeting["id"]`` looks like a Zoom meeting id (a positive whole number)."""
    value = meeting.get("id")
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return value > 0
    return isinstance(value, str) and value.isascii() and value.isdigit() and int(value) > 0


def error_for(response: requests.Response, now: datetime) -> ZoomError | None:
    """The exception a response stands for, or None for a success. The only such mapping."""
    status = response.status_code
    if 200 <= status < 300:
        return None
    location = response.headers.get("Location")
    if 300 < status < 400 or (status == 300 and location is not None):
        return Redirected(status, printable(location or ""))
    code, message = _code_and_message(response)
    limit_type = response.headers.get("X-RateLimit-Type", "")
    if (status == 429 and ("daily" in limit_type.lower() or DAILY_LIMIT_WORDS.search(message))) or (
        status in (300, 400) and code in (300, None) and DAILY_LIMIT_WORDS.search(message)
    ):
        return DailyLimitReached(status, code, message, resume_at=_resume_at(response, now))
    if status == 429:
        return RateLimited(
            status,
            code,
            message or _("Too many requests"),
            retry_after=parse_retry_after(response.headers.get("Retry-After"), now),
            limit=_int_header(response, "X-RateLimit-Limit"),
        )
    if status == 401:
        return TokenExpired(status, code, message or _("Invalid access token."))
    if status == 404:
        return NotFound(status, code, message or _("Not found"))
    if status >= 500:
        return ServerError(
            status, code, message or _("Zoom failed with HTTP {status}").format(status=status)
        )
    return ZoomError(status, code, message)


def _code_and_message(response: requests.Response) -> tuple[int | None, str]:
    try:
        payload = response.json()
    except ValueError:
        return None, ""
    if not isinstance(payload, dict):
        return None, ""
    code = payload.get("code")
    message = str(payload.get("message") or payload.get("reason") or "")
    try:
        return (int(code) if code is not None else None), message
    except (TypeError, ValueError):
        return None, message


def _resume_at(response: requests.Response, now: datetime) -> datetime:
    """When the host's daily quota comes back: Zoom's Retry-After date-time, else next 00:00 UTC."""
    header = response.headers.get("Retry-After")
    moment = parse_moment(header) if header else None
    if moment is not None and moment > now:
        return moment
    midnight = datetime(now.year, now.month, now.day, tzinfo=UTC)
    return midnight + timedelta(days=1)


def _int_header(response: requests.Response, name: str) -> int | None:
    try:
        return int(response.headers[name])
    except (KeyError, ValueError):
        return None


def _item(kind: Kind, meeting_id: str) -> str:
    """``/meetings/{id}`` or ``/webinars/{id}``."""
    return f"/{kind.collection}/{_segment(meeting_id)}"


def _segment(value: str) -> str:
    return quote(str(value), safe="@")
