"""The retry policy as a table: (failure, operation, attempt) -> decision."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from batch_zoom.errors import (
    AuthError,
    ConnectionLost,
    DailyLimitReached,
    NotFound,
    RateLimited,
    Redirected,
    ServerError,
    TokenExpired,
    UnreadableAnswer,
    ZoomError,
    ZoomUnreachable,
)
from batch_zoom.zoom.retry import (
    BACKOFF_CEILING,
    Decision,
    Operation,
    Verdict,
    backoff,
    call_with_retries,
    decide,
    gone_silent,
    parse_retry_after,
    send_again_after_lookup,
)

C, U, D, R, T, REG, UNREG = (
    Operation.CREATE,
    Operation.UPDATE,
    Operation.DELETE,
    Operation.READ,
    Operation.TOKEN,
    Operation.REGISTER,
    Operation.UNREGISTER,
)
NOT_SENT = ConnectionLost("refused", sent=False)
SENT = ConnectionLost("reset", sent=True)
QPS = RateLimited(429, 429, "per-second", retry_after=None)
QPS_AFTER = RateLimited(429, 429, "per-second", retry_after=3.0)
QPS_LONG = RateLimited(429, 429, "per-second", retry_after=100000.0)
DAILY = DailyLimitReached(429, 429, "daily")
EXPIRED = TokenExpired(401, 124, "Access token is expired.")
E500 = ServerError(500, None, "boom")
E503 = ServerError(503, None, "busy")
E400 = ZoomError(400, 300, "Invalid field.")
E404 = NotFound(404, 3001, "Meeting does not exist: 1.")
HTML_201 = UnreadableAnswer(201, None, "not JSON")
MOVED = Redirected(302, "https://elsewhere.example/v2/users/me/meetings")


def silent(seconds: float | None, *, sent: bool = False) -> ConnectionLost:
    """No answer from api.zoom.us, which has not answered once in ``seconds`` of asking."""
    return ConnectionLost("refused", sent=sent, host="api.zoom.us", unanswered_for=seconds)


@pytest.mark.parametrize(
    ("error", "operation", "attempt", "expected"),
    [
        # could not connect: nothing happened, any operation may go again
        (NOT_SENT, C, 1, Decision(Verdict.RETRY, 0.5, jitter=True)),
        (NOT_SENT, C, 3, Decision(Verdict.RETRY, 2.0, jitter=True)),
        (NOT_SENT, U, 1, Decision(Verdict.RETRY, 0.5, jitter=True)),
        # sent, then lost: a create or update may have happened -> look first
        (SENT, C, 1, Decision(Verdict.RECONCILE)),
        (SENT, U, 1, Decision(Verdict.RECONCILE)),
        (SENT, D, 1, Decision(Verdict.RETRY, 0.5, jitter=True)),
        (SENT, R, 2, Decision(Verdict.RETRY, 1.0, jitter=True)),
        (SENT, T, 1, Decision(Verdict.RETRY, 0.5, jitter=True)),
        # registering a person is looked up before repeating; cancelling one is not
        (SENT, REG, 1, Decision(Verdict.RECONCILE)),
        (NOT_SENT, REG, 1, Decision(Verdict.RETRY, 0.5, jitter=True)),
        (SENT, UNREG, 1, Decision(Verdict.RETRY, 0.5, jitter=True)),
        (E500, REG, 1, Decision(Verdict.RECONCILE)),
        (E503, UNREG, 2, Decision(Verdict.RETRY, 1.0, jitter=True)),
        # 5xx: Zoom may have acted before failing
        (E500, C, 1, Decision(Verdict.RECONCILE)),
        (E503, U, 1, Decision(Verdict.RECONCILE)),
        (E500, R, 1, Decision(Verdict.RETRY, 0.5, jitter=True)),
        (E503, D, 4, Decision(Verdict.RETRY, 4.0, jitter=True)),
        # per-second 429: nothing was made; Retry-After wins over backoff
        (QPS, C, 1, Decision(Verdict.RETRY, 0.5, jitter=True)),
        (QPS_AFTER, C, 1, Decision(Verdict.RETRY, 3.0)),
        (QPS_LONG, R, 1, Decision(Verdict.RETRY, 120.0)),
        # daily limit: waiting does not help
        (DAILY, C, 1, Decision(Verdict.STOP_HOST)),
        (DAILY, U, 1, Decision(Verdict.STOP_HOST)),
        # 401 code 124: a new token once
        (EXPIRED, C, 1, Decision(Verdict.RENEW_TOKEN)),
        (EXPIRED, C, 2, Decision(Verdict.FAIL)),
        (EXPIRED, T, 1, Decision(Verdict.FAIL)),
        # a 2xx that is not what the call returns: a create may exist, a read may go again
        (HTML_201, C, 1, Decision(Verdict.RECONCILE)),
        (HTML_201, U, 1, Decision(Verdict.RECONCILE)),
        (HTML_201, R, 1, Decision(Verdict.RETRY, 0.5, jitter=True)),
        (HTML_201, D, 2, Decision(Verdict.RETRY, 1.0, jitter=True)),
        # a redirect is never followed: a create's outcome is unknown, anything else fails
        (MOVED, C, 1, Decision(Verdict.RECONCILE)),
        (MOVED, U, 1, Decision(Verdict.FAIL)),
        (MOVED, R, 1, Decision(Verdict.FAIL)),
        (MOVED, D, 1, Decision(Verdict.FAIL)),
        # a host that has never answered is given up on when the next try would come more than
        # a minute after it was first asked; one that has answered keeps the long budget
        (silent(0.0), R, 1, Decision(Verdict.RETRY, 0.5, jitter=True)),
        (silent(40.0), R, 6, Decision(Verdict.RETRY, 16.0, jitter=True)),
        (silent(44.0), T, 6, Decision(Verdict.RETRY, 16.0, jitter=True)),
        (silent(44.5), T, 6, Decision(Verdict.GIVE_UP)),
        (silent(40.0), R, 7, Decision(Verdict.GIVE_UP)),
        (silent(59.8), C, 1, Decision(Verdict.GIVE_UP)),  # not connected: nothing was made
        (silent(None), R, 12, Decision(Verdict.RETRY, 30.0, jitter=True)),
        (silent(90.0, sent=True), C, 1, Decision(Verdict.RECONCILE)),  # it may exist: look
        (silent(90.0, sent=True), R, 1, Decision(Verdict.GIVE_UP)),
        (ZoomUnreachable("api.zoom.us", 61.0), R, 1, Decision(Verdict.GIVE_UP)),
        # other 4xx and anything unexpected: final
        (E400, C, 1, Decision(Verdict.FAIL)),
        (E404, R, 1, Decision(Verdict.FAIL)),
        (AuthError("bad secret"), T, 1, Decision(Verdict.FAIL)),
        (ValueError("bug"), C, 1, Decision(Verdict.FAIL)),
    ],
)
def test_decide(
    error: BaseException, operation: Operation, attempt: int, expected: Decision
) -> None:
    assert decide(error, operation, attempt) == expected


def test_backoff_grows_and_stops_at_the_ceiling() -> None:
    assert [backoff(n) for n in range(1, 5)] == [0.5, 1.0, 2.0, 4.0]
    assert backoff(50) == BACKOFF_CEILING


NOW = datetime(2026, 11, 30, 23, 59, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, None),
        ("", None),
        ("  ", None),
        ("3", 3.0),
        ("0.5", 0.5),
        ("-4", 0.0),
        ("nan", None),
        ("inf", None),
        ("2026-12-01T00:00:00Z", 60.0),  # Zoom's daily form: a UTC date-time
        ("2026-12-01T09:00:00+09:00", 60.0),
        ("2026-12-01T00:00:00", 60.0),  # no zone: Zoom means UTC
        ("Tue, 01 Dec 2026 00:00:00 GMT", 60.0),  # HTTP date
        ("2026-11-30T00:00:00Z", 0.0),  # in the past: now
        ("soon", None),
        ("GMT 00:00:00", None),
    ],
)
def test_parse_retry_after(header: str | None, expected: float | None) -> None:
    assert parse_retry_after(header, NOW) == expected


class Flaky:
    """Fails with the given errors in turn, then returns "ok"."""

    def __init__(self, *errors: BaseException) -> None:
        self.errors = list(errors)
        self.calls = 0

    def __call__(self) -> str:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return "ok"


def test_retries_what_made_nothing_with_the_waits_decided() -> None:
    waits: list[float] = []
    send = Flaky(QPS_AFTER, NOT_SENT, QPS_AFTER)
    result = call_with_retries(send, C, sleep=waits.append, budget=60, rng=lambda: 1.0)
    assert result == "ok" and send.calls == 4
    assert waits == [3.0, 1.0, 3.0]  # Retry-After as given; attempt 2 backoff 1.0 (jitter at max)


def test_jitter_stays_between_half_and_all_of_the_backoff() -> None:
    waits: list[float] = []
    call_with_retries(Flaky(QPS, QPS), C, sleep=waits.append, budget=60, rng=lambda: 0.0)
    assert waits == [0.25, 0.5]


@pytest.mark.parametrize("error", [SENT, E500, E400, DAILY, EXPIRED, HTML_201, MOVED])
def test_a_create_is_never_repeated_after_an_unknown_or_final_outcome(error: BaseException) -> None:
    send = Flaky(error)
    with pytest.raises(type(error)):
        call_with_retries(send, C, sleep=lambda s: None, budget=60)
    assert send.calls == 1


def test_the_waiting_budget_ends_the_retries_with_the_last_failure() -> None:
    waits: list[float] = []
    send = Flaky(*[QPS_AFTER] * 10)
    with pytest.raises(RateLimited):
        call_with_retries(send, C, sleep=waits.append, budget=7.0)
    assert waits == [3.0, 3.0]  # a third wait would pass the 7 s budget
    assert send.calls == 3


def test_a_budget_shared_with_other_calls_ends_the_retries_when_it_is_spent() -> None:
    shared = {"left": 5.0}  # another call, in parallel, spends the same budget

    def sleep(seconds: float) -> None:
        shared["left"] -= seconds * 2  # this call's wait and the other's

    send = Flaky(*[QPS_AFTER] * 10)
    with pytest.raises(RateLimited):
        call_with_retries(send, R, sleep=sleep, budget=600, remaining=lambda: shared["left"])
    assert send.calls == 2  # 3 s waited here and 3 s elsewhere: the shared 5 s is gone


@pytest.mark.parametrize(
    ("error", "expected"),
    [(SENT, True), (E500, True), (HTML_201, True), (MOVED, False)],
)
def test_a_create_zoom_did_not_make_goes_again_unless_it_was_redirected(
    error: BaseException, expected: bool
) -> None:
    assert send_again_after_lookup(error) is expected


@pytest.mark.parametrize(
    ("unanswered_for", "expected"),
    [(None, False), (0.0, False), (59.9, False), (60.0, True), (3600.0, True)],
)
def test_a_host_silent_for_a_minute_is_given_up_on(
    unanswered_for: float | None, expected: bool
) -> None:
    assert gone_silent(unanswered_for) is expected


def test_giving_up_on_a_silent_host_is_zoom_unreachable_and_said_at_every_wait() -> None:
    clock = {"now": 0.0}
    waits: list[float] = []

    def send() -> str:  # refused at once, as a closed port is; the clock moves only by waiting
        raise silent(clock["now"])

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        clock["now"] += seconds

    heard: list[tuple[str, float]] = []
    with pytest.raises(ZoomUnreachable) as raised:
        call_with_retries(
            send,
            R,
            sleep=sleep,
            budget=600,
            rng=lambda: 1.0,
            on_wait=lambda error, seconds: heard.append((str(error), seconds)),
        )
    assert waits == [0.5, 1.0, 2.0, 4.0, 8.0, 16.0]  # 31.5 s; 30 more would pass the minute
    assert [seconds for _error, seconds in heard] == waits
    assert raised.value.host == "api.zoom.us" and not raised.value.sent
    assert "api.zoom.us" in raised.value.hint
