"""ZoomClient: the meeting calls batch_zoom makes, and the one place that maps answers to errors.

Every request waits for its turn at the shared ``Pacer``, carries the shared token, and is
repeated once with a new token after a 401 (code 124). Retrying anything else is the caller's
decision (``retry.decide``), because only the caller knows whether a repeat is safe.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

import requests

from .. import __version__
from ..errors import (
    DailyLimitReached,
    NotFound,
    RateLimited,
    ServerError,
    TokenExpired,
    ZoomError,
)
from ..models import parse_moment
from .auth import TokenProvider
from .pacing import Pacer
from .retry import parse_retry_after
from .transport import send_request

PAGE_SIZE = 300  # Zoom's maximum for the meeting list

#: The rate-limit category of each call, as Meetings.json (2026) labels it. Each category has its
#: own bucket in the pacer; a call Zoom meters elsewhere (create is Medium in older specs) is
#: still paced by the limit its own answers and 429s reveal.
LIGHT, MEDIUM, HEAVY = "light", "medium", "heavy"

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
    ) -> None:
        self._api_url = api_url.rstrip("/")
        self._tokens = tokens
        self._pacer = pacer
        self._timeout = timeout
        self._now = now
        self._session_factory = session_factory
        self._local = threading.local()  # a requests.Session per worker thread
        self._sessions: list[requests.Session] = []
        self._sessions_lock = threading.Lock()

    # -- the meeting calls ------------------------------------------------------------------

    def create_meeting(self, host: str, body: dict[str, Any]) -> dict[str, Any]:
        """``POST /users/{host}/meetings``: the new meeting, as Zoom returned it."""
        return self._json(self._send("POST", f"/users/{_segment(host)}/meetings", LIGHT, json=body))

    def list_meetings(self, host: str) -> Iterator[dict[str, Any]]:
        """Every upcoming scheduled meeting of ``host``, following ``next_page_token``."""
        page_token = ""
        while True:
            params: dict[str, Any] = {"type": "scheduled", "page_size": PAGE_SIZE}
            if page_token:
                params["next_page_token"] = page_token
            page = self._json(
                self._send("GET", f"/users/{_segment(host)}/meetings", MEDIUM, params=params)
            )
            yield from page.get("meetings") or []
            page_token = page.get("next_page_token") or ""
            if not page_token:
                return

    def get_meeting(self, meeting_id: str) -> dict[str, Any]:
        return self._json(self._send("GET", f"/meetings/{_segment(meeting_id)}", LIGHT))

    def update_meeting(self, meeting_id: str, changes: dict[str, Any]) -> None:
        self._send("PATCH", f"/meetings/{_segment(meeting_id)}", LIGHT, json=changes)

    def delete_meeting(self, meeting_id: str) -> None:
        self._send("DELETE", f"/meetings/{_segment(meeting_id)}", LIGHT)

    @property
    def pacer(self) -> Pacer:
        return self._pacer

    # -- registration -----------------------------------------------------------------------

    def add_registrants(
        self, meeting_id: str, people: list[dict[str, str]], *, confirmation_email: bool
    ) -> list[dict[str, Any]]:
        """``POST /meetings/{id}/batch_registrants`` (scheduled meetings, 30 people at most)."""
        body = {
            "auto_approve": True,
            "registrants_confirmation_email": confirmation_email,
            "registrants": people,
        }
        path = f"/meetings/{_segment(meeting_id)}/batch_registrants"
        answer = self._json(self._send("POST", path, HEAVY, json=body))
        return [item for item in answer.get("registrants") or [] if isinstance(item, dict)]

    def add_registrant(self, meeting_id: str, person: dict[str, str]) -> dict[str, Any]:
        """``POST /meetings/{id}/registrants``: one person (recurring meetings too)."""
        path = f"/meetings/{_segment(meeting_id)}/registrants"
        return self._json(self._send("POST", path, LIGHT, json=person))

    def list_registrants(self, meeting_id: str) -> Iterator[dict[str, Any]]:
        """Everyone approved for the meeting, following ``next_page_token``."""
        page_token = ""
        while True:
            params: dict[str, Any] = {"status": "approved", "page_size": PAGE_SIZE}
            if page_token:
                params["next_page_token"] = page_token
            path = f"/meetings/{_segment(meeting_id)}/registrants"
            page = self._json(self._send("GET", path, MEDIUM, params=params))
            yield from (item for item in page.get("registrants") or [] if isinstance(item, dict))
            page_token = page.get("next_page_token") or ""
            if not page_token:
                return

    def cancel_registrants(self, meeting_id: str, registrants: list[dict[str, str]]) -> None:
        """``PUT /meetings/{id}/registrants/status`` with ``cancel`` (30 people at most)."""
        path = f"/meetings/{_segment(meeting_id)}/registrants/status"
        self._send("PUT", path, MEDIUM, json={"action": "cancel", "registrants": registrants})

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

    def _send(self, method: str, path: str, category: str, **kwargs: Any) -> requests.Response:
        token = self._tokens.current()
        renewed = False
        while True:
            turn = self._pacer.wait_turn(category)
            response = send_request(
                self._session(),
                method,
                self._api_url + path,
                headers={"Authorization": f"Bearer {token}"},
                timeout=self._timeout,
                **kwargs,
            )
            error = error_for(response, self._now())
            limit = _int_header(response, "X-RateLimit-Limit")
            if isinstance(error, RateLimited) and not isinstance(error, DailyLimitReached):
                self._pacer.throttle(turn, error.retry_after, error.limit)
                raise error
            # A daily-limit 429 announces the host's daily quota, not a per-second limit.
            self._pacer.answered(turn, None if isinstance(error, DailyLimitReached) else limit)
            if error is None:
                return response
            if isinstance(error, TokenExpired) and not renewed:
                token, renewed = self._tokens.renew(token), True
                continue
            raise error

    @staticmethod
    def _json(response: requests.Response) -> dict[str, Any]:
        try:
            payload = response.json()
        except ValueError as error:
            raise ZoomError(
                response.status_code, None, "Zoom answered with something other than JSON"
            ) from error
        if not isinstance(payload, dict):
            raise ZoomError(response.status_code, None, "Zoom answered with an unexpected shape")
        return payload


def error_for(response: requests.Response, now: datetime) -> ZoomError | None:
    """The exception a response stands for, or None for a success. The only such mapping."""
    status = response.status_code
    if 200 <= status < 300:
        return None
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
            message or "Too many requests",
            retry_after=parse_retry_after(response.headers.get("Retry-After"), now),
            limit=_int_header(response, "X-RateLimit-Limit"),
        )
    if status == 401:
        return TokenExpired(status, code, message or "Invalid access token.")
    if status == 404:
        return NotFound(status, code, message or "Not found")
    if status >= 500:
        return ServerError(status, code, message or f"Zoom failed with HTTP {status}")
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


def _segment(value: str) -> str:
    return quote(str(value), safe="@")
