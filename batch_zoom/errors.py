"""Every exception batch_zoom raises, drawn in one place.

    BatchZoomError                  base: the CLI turns each into one line and an exit status
    ├── InputError                  the spreadsheet cannot be used (unreadable, columns missing)
    ├── ConfigError                 a flag, a variable or a credential is missing or malformed
    │   └── AuthError               the OAuth endpoint refused the credentials
    ├── OutputError                 the output file could not be written (a fallback may hold it)
    │   └── OutOfSpace              the disk is full or the file-size limit is reached
    ├── ConnectionLost              the transport failed; ``sent`` says whether the request went out
    │   └── ZoomUnreachable         nothing has answered from a host for a minute: the run gave up
    └── ZoomError                   Zoom answered with an error (HTTP status, Zoom code, message)
        ├── TokenExpired            401 code 124: get a new token once and repeat the request
        ├── RateLimited             per-second 429: wait (``retry_after`` seconds, if Zoom said)
        │   └── DailyLimitReached   the host's 100 creates+updates a day are used up
        ├── NotFound                404: user (1001) or meeting (3001) does not exist
        ├── ServerError             5xx: Zoom may or may not have acted
        ├── Redirected              3xx: never followed; ``location`` says where it pointed
        └── UnreadableAnswer        a 2xx that is not what the call returns (HTML, bad JSON...)

A bad spreadsheet *row* is never an exception: it is a row result with status ``invalid``.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from .i18n import N_, _


class BatchZoomError(Exception):
    """Base of every error batch_zoom raises on purpose.

    ``hint`` is one sentence that tells the user what to do about it.
    """

    hint: str = ""

    def __init__(self, message: str, *, hint: str = "") -> None:
        super().__init__(message)
        if hint:
            self.hint = hint


class InputError(BatchZoomError):
    """The input file cannot be read or lacks a required column: nothing can be attempted."""


class ConfigError(BatchZoomError):
    """Settings are missing or malformed: nothing can be attempted."""


class AuthError(ConfigError):
    """Zoom's OAuth endpoint refused the account id, client id or client secret."""


class OutputError(BatchZoomError):
    """The output could not be written where asked; ``fallback`` is where the results went."""

    def __init__(self, message: str, *, fallback: Path | None = None, hint: str = "") -> None:
        super().__init__(message, hint=hint)
        self.fallback = fallback


class OutOfSpace(OutputError):
    """No room to write (disk full, quota, file-size limit): the run cannot go on writing."""


class ConnectionLost(BatchZoomError):
    """The request did not complete at the transport level.

    ``sent`` is False only when the connection could not even be opened, so the server cannot
    have acted. When it is True (timeout, reset, dropped after the body went out) the outcome of a
    create or an update is unknown and must be settled by looking, never by sending again blindly.
    """

    #: Marked here, translated when read, so that the language chosen by ``--lang`` applies.
    default_hint = N_(
        "check the network connection (and the proxy, if you use one); ZOOM_API_URL and "
        "ZOOM_OAUTH_URL, when set, must point at Zoom or a Zoom-compatible server"
    )

    def __init__(
        self, message: str, *, sent: bool, host: str = "", unanswered_for: float | None = None
    ) -> None:
        super().__init__(message)
        self.sent = sent
        self.host = host  # the host (and port) the request was for
        #: How long ``host`` has been asked without one answer in this run (seconds), or None
        #: once it has answered: the client fills it in, for ``retry.decide`` to read.
        self.unanswered_for = unanswered_for

    @property
    def hint(self) -> str:  # type: ignore[override]  # read-only here: always the default
        return _(self.default_hint)


class ZoomUnreachable(ConnectionLost):
    """Nothing has answered from ``host`` in this run for about a minute: the run gives up and
    sends nothing more (a proxy or a firewall that lets the token through but not the API, or
    no network at all)."""

    default_hint = N_(
        "check that this computer can reach {host} (a proxy or a firewall may block it), then run "
        "the same command again; ZOOM_API_URL and ZOOM_OAUTH_URL, when set, must point at Zoom or "
        "a Zoom-compatible server"
    )

    def __init__(self, host: str, seconds: float) -> None:
        super().__init__(
            _(
                "no answer from {host} in {seconds} s; batch_zoom gave up and sent nothing more"
            ).format(host=host, seconds=f"{seconds:.0f}"),
            sent=False,
            host=host,
        )

    @property
    def hint(self) -> str:  # type: ignore[override]
        return _(self.default_hint).format(host=self.host)


class ZoomError(BatchZoomError):
    """Zoom answered with an HTTP error. ``code`` is Zoom's own error code when it gave one."""

    def __init__(self, status: int, code: int | None, message: str) -> None:
        self.status = status
        self.code = code
        self.message = message
        super().__init__(self.describe())

    def describe(self) -> str:
        where = (
            _("Zoom error {code}").format(code=self.code)
            if self.code is not None
            else _("HTTP {status}").format(status=self.status)
        )
        return (
            _("{message} ({where})").format(message=self.message, where=where)
            if self.message
            else where
        )


class TokenExpired(ZoomError):
    """401 with code 124: the access token expired or was revoked."""


class RateLimited(ZoomError):
    """A per-second 429. ``retry_after`` is how many seconds Zoom asked us to wait, if it said."""

    def __init__(
        self,
        status: int,
        code: int | None,
        message: str,
        *,
        retry_after: float | None = None,
        limit: int | None = None,
    ) -> None:
        super().__init__(status, code, message)
        self.retry_after = retry_after
        self.limit = limit


class DailyLimitReached(RateLimited):
    """The host's daily quota of meeting creates and updates is spent until ``resume_at`` (UTC)."""

    def __init__(
        self, status: int, code: int | None, message: str, *, resume_at: datetime | None = None
    ) -> None:
        super().__init__(status, code, message)
        self.resume_at = resume_at


class NotFound(ZoomError):
    """404: the user (code 1001) or the meeting (code 3001) does not exist."""


class ServerError(ZoomError):
    """A 5xx: Zoom failed, possibly after it had already acted."""


class Redirected(ZoomError):
    """A 3xx. Redirects are never followed: the body, the token and the account id would go to
    whatever host ``location`` names. For a create or an update the outcome is unknown."""

    def __init__(self, status: int, location: str) -> None:
        self.location = location
        super().__init__(
            status,
            None,
            _(
                "Zoom's address answered with a redirect to {location}, which batch_zoom does "
                "not follow (nothing was sent there)"
            ).format(location=location or _("(no Location header)")),
        )


class UnreadableAnswer(ZoomError):
    """A success status with a body that is not what the call returns: no JSON, the wrong shape,
    a create without its meeting id. For a create or an update the outcome is unknown."""
