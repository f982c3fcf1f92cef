"""Whether Zoom's hosts answer at all: what a run says while it waits, and when it gives up.

A proxy or a firewall may let ``zoom.us`` (the token) through and not ``api.zoom.us``; a laptop
may have no network. Then every request fails at the transport, and the long waiting budget
meant for a busy Zoom (ten minutes) was ten minutes of silence. ``Reach`` is shared by the token
provider and the client: it notes when each host was first asked and whether it has answered,
fills ``ConnectionLost.unanswered_for`` for ``retry.decide`` (which decides when to give up),
refuses to send anything more to a host that was given up on, and says why the run waits
(at most one line every ``NOTICE_EVERY`` seconds a host).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from ..errors import ConnectionLost, ServerError, UnreadableAnswer, ZoomUnreachable
from ..i18n import _
from .retry import gone_silent

#: The shortest time between two "waiting for Zoom" lines about the same host.
NOTICE_EVERY = 5.0


class Reach:
    def __init__(
        self, clock: Callable[[], float], notify: Callable[[str], None] | None = None
    ) -> None:
        self._clock = clock
        self._notify = notify
        self._lock = threading.Lock()
        self._first_asked: dict[str, float] = {}
        self._answered: set[str] = set()
        self._noticed: dict[str, float] = {}

    def asking(self, host: str) -> None:
        """A request to ``host`` is about to go; raises ZoomUnreachable instead when ``host``
        has been given up on (nothing more is sent to it)."""
        with self._lock:
            self._first_asked.setdefault(host, self._clock())
        silent = self.silence(host)
        if gone_silent(silent):
            assert silent is not None
            raise ZoomUnreachable(host, silent)

    def answered(self, host: str) -> None:
        with self._lock:
            self._answered.add(host)

    def lost(self, error: ConnectionLost) -> None:
        """Note on ``error`` how long its host has gone unanswered (None once it answered)."""
        error.unanswered_for = self.silence(error.host)

    def silence(self, host: str) -> float | None:
        """Seconds since ``host`` was first asked, while it has never answered; else None."""
        with self._lock:
            if host in self._answered or host not in self._first_asked:
                return None
            return max(0.0, self._clock() - self._first_asked[host])

    def unanswered(self, host: str) -> bool:
        """True when ``host`` was asked in this run and never answered."""
        with self._lock:
            return host in self._first_asked and host not in self._answered

    def waiting(self, error: BaseException, seconds: float) -> None:
        """A request failed and goes again in ``seconds``: say so when it is for want of an
        answer, or for a failure on the other side (a 5xx, an answer that is not Zoom's: a
        proxy's error page); not for a 429, which is Zoom pacing us."""
        if self._notify is None:
            return
        if isinstance(error, ConnectionLost):
            key = error.host
            line = _("waiting for Zoom: no answer from {host}, retrying in {seconds} s")
        elif isinstance(error, ServerError | UnreadableAnswer):
            key = ""
            line = _("waiting for Zoom: it answered HTTP {status}, retrying in {seconds} s")
        else:
            return
        now = self._clock()
        with self._lock:
            last = self._noticed.get(key)
            if last is not None and now - last < NOTICE_EVERY:
                return
            self._noticed[key] = now
        status = error.status if isinstance(error, ServerError | UnreadableAnswer) else 0
        self._notify(line.format(host=key, status=status, seconds=max(1, round(seconds))))
