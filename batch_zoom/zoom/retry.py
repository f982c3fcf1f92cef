"""When to try a request again, and how long to wait: one pure decision, then the tenacity wiring.

``decide`` is the whole policy. It is a pure function of the failure, the kind of request and the
attempt number, so a table of cases tests it (tests/test_retry.py). What it encodes, from Zoom's
advice and from NOTES.md:

- Nothing was made when the connection could not be opened, on a 429 and on a 401: those are safe
  to send again (the 401 after a new token).
- A create or an update that failed after the request went out (timeout, dropped connection, 5xx)
  has an unknown outcome: never send it again blindly; look first (``RECONCILE``).
- A create answered with anything but a meeting (a 2xx with an empty, HTML or malformed body, a
  201 without the meeting's id) or with a redirect has an unknown outcome too: ``RECONCILE``,
  never "Zoom refused it". A read that came back unreadable may go again; a redirect never
  (it is not followed, and sending again would meet the same redirect).
- The per-host daily limit is not a per-second limit: waiting does not help, stop that host.
- Any other 4xx is final.
- A host that has not answered once in this run (``ConnectionLost.unanswered_for``: the token
  answers, the API does not, behind a proxy or a firewall; or no network at all) is given up on
  (``GIVE_UP``) when the next try would come more than ``UNREACHABLE_LIMIT`` seconds after the
  first request to it: about a minute of silence, not the ten minutes a busy Zoom is given.
  A host that has answered keeps the long budget: a run that got through is worth waiting for.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import TypeVar

from tenacity import RetryCallState, Retrying

from ..errors import (
    ConnectionLost,
    DailyLimitReached,
    RateLimited,
    Redirected,
    ServerError,
    TokenExpired,
    UnreadableAnswer,
    ZoomUnreachable,
)
from ..models import parse_moment

T = TypeVar("T")

BACKOFF_FIRST = 0.5  # seconds before the second attempt
BACKOFF_CEILING = 30.0  # the longest single backoff
RETRY_AFTER_CEILING = 120.0  # a per-second limit never asks for longer; anything more is suspect
#: How long a host that has never answered in this run is tried before the run gives up on it.
UNREACHABLE_LIMIT = 60.0


class Operation(Enum):
    CREATE = "create"  # POST /users/{host}/meetings: not idempotent
    UPDATE = "update"  # PATCH /meetings/{id}: counts against the daily limit; look before repeating
    DELETE = "delete"  # DELETE /meetings/{id}: repeating it is harmless (3001 means gone)
    READ = "read"  # GET: always safe to repeat
    TOKEN = "token"  # POST /oauth/token
    REGISTER = "register"  # POST registrants: look on Zoom before repeating, as for a create
    UNREGISTER = "unregister"  # PUT registrants/status cancel: repeating it is harmless


#: Operations whose repetition changes nothing more than the first request did.
SAFE_TO_REPEAT = frozenset(
    {Operation.READ, Operation.DELETE, Operation.TOKEN, Operation.UNREGISTER}
)


class Verdict(Enum):
    RETRY = "retry"  # nothing happened on Zoom's side: send it again after ``wait``
    RENEW_TOKEN = "renew_token"  # get a new token once, then send it again
    RECONCILE = "reconcile"  # the outcome is unknown: look it up before anything else
    STOP_HOST = "stop_host"  # the host's daily quota is spent: defer its remaining rows
    FAIL = "fail"  # final: report it on the row
    GIVE_UP = "give_up"  # the host has never answered: stop asking it (ZoomUnreachable)


@dataclass(frozen=True)
class Decision:
    verdict: Verdict
    wait: float = 0.0  # seconds; with ``jitter`` the upper bound of a random wait
    jitter: bool = False


def backoff(attempt: int) -> float:
    """Exponential backoff ceiling for the given attempt (1 = the first failure)."""
    return min(BACKOFF_CEILING, BACKOFF_FIRST * 2 ** max(0, attempt - 1))


def gone_silent(unanswered_for: float | None) -> bool:
    """Whether a host asked for ``unanswered_for`` seconds without one answer is given up on:
    then nothing more is sent to it in this run. None: it has answered."""
    return unanswered_for is not None and unanswered_for >= UNREACHABLE_LIMIT


def decide(error: BaseException, operation: Operation, attempt: int) -> Decision:
    """The retry policy. ``attempt`` counts the failures so far, starting at 1."""
    if isinstance(error, ZoomUnreachable):
        return Decision(Verdict.GIVE_UP)
    if isinstance(error, ConnectionLost):
        if not error.sent or operation in SAFE_TO_REPEAT:
            wait = backoff(attempt)
            silent = error.unanswered_for
            if silent is not None and silent + wait > UNREACHABLE_LIMIT:
                return Decision(Verdict.GIVE_UP)
            return Decision(Verdict.RETRY, wait, jitter=True)
        return Decision(Verdict.RECONCILE)
    if isinstance(error, DailyLimitReached):
        return Decision(Verdict.STOP_HOST)
    if isinstance(error, RateLimited):
        if error.retry_after is not None:
            return Decision(Verdict.RETRY, min(error.retry_after, RETRY_AFTER_CEILING))
        return Decision(Verdict.RETRY, backoff(attempt), jitter=True)
    if isinstance(error, TokenExpired):
        if operation is Operation.TOKEN:
            return Decision(Verdict.FAIL)
        return Decision(Verdict.RENEW_TOKEN) if attempt <= 1 else Decision(Verdict.FAIL)
    if isinstance(error, ServerError | UnreadableAnswer):
        if operation in (Operation.CREATE, Operation.UPDATE, Operation.REGISTER):
            return Decision(Verdict.RECONCILE)
        return Decision(Verdict.RETRY, backoff(attempt), jitter=True)
    if isinstance(error, Redirected) and operation is Operation.CREATE:
        return Decision(Verdict.RECONCILE)
    return Decision(Verdict.FAIL)


def send_again_after_lookup(error: BaseException) -> bool:
    """A create of unknown outcome that two look-ups did not find on Zoom: send it again?

    Yes, unless its answer was a redirect: the redirect is not followed, so sending again would
    only meet it again; the row fails naming where it pointed.
    """
    return not isinstance(error, Redirected)


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds to wait from a ``Retry-After`` header, or None when it is absent or unreadable.

    Zoom sends either seconds or, for the daily limit, an ISO date-time in UTC; HTTP dates are
    accepted too. A time in the past means "now" (0). Garbage is "unknown", never an exception.
    """
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    try:
        seconds = float(text)
    except ValueError:
        pass
    else:
        return max(0.0, seconds) if math.isfinite(seconds) else None
    moment = parse_moment(text)
    if moment is None:
        return None
    return max(0.0, (moment - now).total_seconds())


def call_with_retries(
    send: Callable[[], T],
    operation: Operation,
    *,
    sleep: Callable[[float], None],
    budget: float,
    on_wait: Callable[[BaseException, float], None] | None = None,
    rng: Callable[[], float] = random.random,
    remaining: Callable[[], float] | None = None,
) -> T:
    """Call ``send`` until it succeeds or ``decide`` says anything but RETRY.

    Exceptions that are not to be retried propagate as they are; when the total waiting would pass
    ``budget`` seconds the last failure propagates too. ``remaining``, when given, is what is left
    of a budget shared with other calls (running in parallel): at zero the last failure
    propagates as well. ``sleep`` is injected so tests never sleep.
    Token renewal is the client's job (one renewal per 401), so it never reaches here as RETRY.
    ``GIVE_UP`` (a host silent for a minute) raises ``ZoomUnreachable``; ``on_wait`` hears of
    every wait before it begins, for the run to say why it waits.
    """
    waited = 0.0

    def decision_of(state: RetryCallState) -> Decision:
        assert state.outcome is not None
        error = state.outcome.exception()
        assert error is not None
        return decide(error, operation, state.attempt_number)

    def wait_for(state: RetryCallState) -> float:
        nonlocal waited
        decision = decision_of(state)
        seconds = decision.wait * (0.5 + rng() / 2) if decision.jitter else decision.wait
        waited += seconds
        if on_wait is not None and state.outcome is not None:
            error = state.outcome.exception()
            if error is not None:
                on_wait(error, seconds)
        return seconds

    def out_of_budget(state: RetryCallState) -> bool:
        return waited >= budget or (remaining is not None and remaining() <= 0)

    def to_retry(state: RetryCallState) -> bool:
        assert state.outcome is not None
        return state.outcome.failed and decision_of(state).verdict is Verdict.RETRY

    retrying = Retrying(
        retry=to_retry,
        wait=wait_for,
        stop=out_of_budget,
        sleep=sleep,
        reraise=True,
    )
    attempts = 0

    def counted() -> T:
        nonlocal attempts
        attempts += 1
        return send()

    try:
        return retrying(counted)
    except ZoomUnreachable:
        raise
    except ConnectionLost as error:
        if decide(error, operation, attempts).verdict is Verdict.GIVE_UP:
            silent = error.unanswered_for or UNREACHABLE_LIMIT
            raise ZoomUnreachable(error.host, silent) from error
        raise
