"""Server-to-Server OAuth: one access token per run, shared by every worker.

Zoom gives no refresh token; a token lives an hour. We fetch one lazily, reuse it until shortly
before it expires, and renew it when Zoom says it expired or was revoked (401, code 124). Many
workers can hit that 401 together, so renewal takes a lock and skips the fetch when another worker
already replaced the stale token (NOTES.md, "Many workers, one token"): however often tokens are
revoked under a run, each revocation costs one token request.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests

from ..config import Credentials
from ..errors import AuthError, ConfigError, ConnectionLost, RateLimited, ServerError
from ..i18n import _
from .clock import ZoomClock
from .reach import Reach
from .retry import Operation, call_with_retries
from .transport import printable, send_request

#: Renew this long before Zoom's stated expiry, so no request goes out with a dying token.
EXPIRY_MARGIN = 300.0


@dataclass(frozen=True)
class Token:
    value: str = ""
    expires_at: float = 0.0  # on the provider's monotonic clock

    def __repr__(self) -> str:  # never print a token
        return "Token(<hidden>)"


class TokenProvider:
    def __init__(
        self,
        oauth_url: str,
        credentials: Credentials,
        session: requests.Session,
        *,
        timeout: tuple[float, float] = (10.0, 30.0),
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        zoom_clock: ZoomClock | None = None,
        reach: Reach | None = None,
    ) -> None:
        self._url = oauth_url
        self._host = urlsplit(oauth_url).netloc or oauth_url
        self._reach = reach or Reach(clock)
        self._credentials = credentials
        self._session = session
        self._timeout = timeout
        self._clock = clock
        self._sleep = sleep
        self._zoom_clock = zoom_clock  # the token's answer is Zoom's first: it tells Zoom's time
        self._lock = threading.Lock()
        self._token: Token | None = None
        self.fetches = 0  # how many tokens this run asked for (the seed asked one per meeting)
        #: The scopes Zoom granted, from the token's ``scope`` (None: the answer did not say).
        self.scopes: frozenset[str] | None = None

    def current(self) -> str:
        """A token that is good for a while yet, fetching one when needed."""
        with self._lock:
            token = self._token
            if token is None or self._clock() >= token.expires_at - EXPIRY_MARGIN:
                token = self._token = self._fetch()
            return token.value

    def renew(self, stale: str) -> str:
        """Zoom refused ``stale``: replace it, unless another worker already did."""
        with self._lock:
            if self._token is None or self._token.value == stale:
                self._token = self._fetch()
            return self._token.value

    def _fetch(self) -> Token:
        response = call_with_retries(
            self._post,
            Operation.TOKEN,
            sleep=self._sleep,
            budget=60.0,
            on_wait=self._reach.waiting,
        )
        self.fetches += 1
        try:
            payload = response.json()
            value = str(payload["access_token"])
            lifetime = float(payload.get("expires_in", 3599))
            scope = payload.get("scope")
        except (ValueError, KeyError, TypeError) as error:
            raise AuthError(
                _("the OAuth endpoint {url} answered without an access token").format(
                    url=self._url
                ),
                hint=_("check ZOOM_OAUTH_URL"),
            ) from error
        if isinstance(scope, str):
            self.scopes = frozenset(scope.split())
        return Token(value, self._clock() + lifetime)

    def _post(self) -> requests.Response:
        self._reach.asking(self._host)
        try:
            response = send_request(
                self._session,
                "POST",
                self._url,
                data={
                    "grant_type": "account_credentials",
                    "account_id": self._credentials.account_id,
                },
                auth=(self._credentials.client_id, self._credentials.client_secret),
                timeout=self._timeout,
            )
        except ConnectionLost as lost:
            self._reach.lost(lost)
            raise
        self._reach.answered(self._host)
        if self._zoom_clock is not None:
            self._zoom_clock.observe(response.headers)
        if response.status_code == 200:
            return response
        if 300 <= response.status_code < 400:  # never followed: the credentials stay here
            location = response.headers.get("Location") or _("(no Location header)")
            raise ConfigError(
                _(
                    "the OAuth endpoint {url} answered with a redirect to {location} (HTTP "
                    "{status}); batch_zoom does not follow it, so the credentials were not sent "
                    "there"
                ).format(url=self._url, location=printable(location), status=response.status_code),
                hint=_(
                    "set ZOOM_OAUTH_URL to Zoom's token address, https://zoom.us/oauth/token, "
                    "or leave it unset"
                ),
            )
        if response.status_code == 429:
            raise RateLimited(429, None, _("the OAuth endpoint is busy"))
        if response.status_code >= 500:
            raise ServerError(response.status_code, None, _("the OAuth endpoint failed"))
        raise AuthError(
            _("Zoom refused the credentials: {reason}").format(reason=_reason(response)),
            hint=_(
                "check ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET against your "
                "Server-to-Server OAuth app (App Marketplace > Manage > your app > App "
                "Credentials), and that the app is activated"
            ),
        )


def _reason(response: requests.Response) -> str:
    try:
        payload = response.json()
    except ValueError:
        return _("HTTP {status}").format(status=response.status_code)
    if isinstance(payload, dict):
        reason = payload.get("reason") or payload.get("message") or payload.get("error")
        if reason:  # Zoom's own words, as Zoom wrote them
            return _("{message} (HTTP {status})").format(
                message=reason, status=response.status_code
            )
    return _("HTTP {status}").format(status=response.status_code)
