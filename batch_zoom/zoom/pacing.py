"""One request pacer shared by every worker: it finds the account's per-second limit by itself.

Zoom counts requests per account and category over a sliding second (NOTES.md), shares that
quota with every other app on the account, and may or may not say what the limit is. So each
category (Light, Medium, Heavy) has its own ``_Bucket`` that:

- starts at ``START_RATE``, safe for a Pro account (Medium: 20 a second);
- follows ``X-RateLimit-Limit`` whenever Zoom announces it, upwards as well as downwards, pacing
  at ``HEADROOM`` of it;
- with no announced limit, probes upwards like TCP's slow start while the rate is used and no
  429 came, in steps shaped by the limits Zoom publishes (``PLAN_LIMITS``): a bold step up to
  just under the next published limit, a careful one past it once a full second at the rate
  before has been let through, and a stop at the highest published limit (``_step_up``); on the
  first per-second 429 it infers the limit from its own send rate: the requests it sent in the
  second before the refused one are what Zoom let through, so it holds a little under that;
- keeps its own trailing window (a little longer than Zoom's second) and never has more requests
  in it than the limit it believes, so a burst after a late wake-up or the tail of a probe cannot
  overfill Zoom's window;
- cuts once per congestion event (AIMD): a 429 for a request sent before the last cut is part of
  the same event, as TCP treats losses in the same window; after a cut it climbs back within a few
  seconds, to the announced or inferred limit, and only then probes slowly above an inferred one.

Until Zoom shows otherwise, every category is counted in one window (``one_window``): an
emulator, or an account, may meter every call in one per-second bucket (issue 27), and there a
window each let the look-ups, listings and creates into one second at the limit each. So the
lowest limit any category knows holds all their calls, and before any is known the start's pace
is the account's, not each category's. The windows part when Zoom announces two different
limits for two categories (Zoom's published plans always differ between Light and Medium), or
lets more calls through in a second than one window's limit (``_check_one_window``).

Which category a call is metered in is Zoom's to say: an answer's ``X-RateLimit-Category`` moves
the call there (``recategorize``, from the client). Once Zoom has let more than Pro's limit of
one category through in a second, the account is on Business, and the categories still probing
start at their Business limits as guesses (``_passed``).

An explicit ``--rate`` is a hard ceiling over all of this. Requests in flight follow the rate
(Little's law): ``workers_wanted`` is rate x measured latency, with a margin, within a bound.

``X-RateLimit-Remaining`` is deliberately not used: paced just under the limit, it reads 0 or 1
routinely without any 429 following. Leaving a slot empty whenever it read 0 was tried and took
benchmarks/throughput.py from 0.923 to 0.753 of the ceiling with no 429 saved.

Only one thread per bucket sleeps on the clock (the head); the others wait on a condition for
their turn, so a change of rate or a pause reaches the very next request, and no thread holds a
slot it reserved at an old rate.
"""

from __future__ import annotations

import heapq
import math
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

START_RATE = 19.0  # requests a second before anything is known: under Pro's Medium limit of 20
PROBE_EVERY = 0.2  # seconds at least between steps while probing upwards (or one latency)
PROBE_USED = 0.5  # ... and in the last this many seconds, the rate was used (half of it, at least)
PROBE_GROWTH = 0.6  # a step past a published limit adds this share (at 150 ms latency; less slower)
PROBE_GROWTH_BETWEEN = 1.0  # a step between two published limits adds this share
FULL = 0.85  # a step past a published limit waits until a second let this share of the rate through
SNAP_BELOW = 0.15  # a step that would land this close under a published limit goes to it
PROBE_LATENCY = 0.25  # seconds: up to this latency a step is as above, then less (_grow)
HEADROOM = 0.985  # share of the announced or inferred limit we pace at
WINDOW = 1.02  # our own trailing window: Zoom's second plus a margin for jitter on the way
CUT = 0.85  # AIMD: the allowance after a congestion event, as a share of what it was
RECOVER_EVERY = 0.5  # seconds without a 429 between steps back up after a cut
RECOVER_STEP = 0.05  # each step adds this share of the limit (at least one request a second)
PROBE_ABOVE_AFTER = 10.0  # seconds calm at an inferred limit before trying one request more
PROBE_ABOVE_EVERY = 200  # ... and at least this many requests: a failed try costs one 429
MIN_RATE = 0.5
AUTO_CEILING = 200.0  # without --rate: above any per-second limit Zoom publishes (80)
MIN_WORKERS, MAX_WORKERS = 2, 64
ASSUMED_LATENCY = 0.5  # seconds, until the first answer is measured
LATENCY_MARGIN = 1.3  # workers for rate x latency, plus this share for retries and journaling
HISTORY = 4.0  # seconds of sends kept: enough to look back one second from a late 429
#: Zoom's published per-second limits by category, for Free, Pro and Business+ (NOTES.md). When
#: Zoom announces one category's limit and it is one of these, a category not yet heard from
#: starts at its own limit on the same plan instead of 19/s (it still follows its own answers).
PLAN_LIMITS = {"light": (4, 30, 80), "medium": (2, 20, 60), "heavy": (1, 10, 40)}
#: A call whose category is not known yet is paced as ``"medium|light"``: a bucket of its own
#: until an answer's category moves it (``recategorize``). It starts on a plan at the lower of the
#: two limits and probes up through both categories' published limits.
EITHER = "|"


def _ladder(category: str) -> tuple[int, ...]:
    """The published limits slow start steps by: both categories' for an uncertain call."""
    names = category.split(EITHER)
    return tuple(sorted({limit for name in names for limit in PLAN_LIMITS.get(name, ())}))


def _plan(category: str) -> tuple[int, ...] | None:
    """Free, Pro and Business limits: for an uncertain call, the lower of the two on each."""
    names = [name for name in category.split(EITHER) if name in PLAN_LIMITS]
    if not names:
        return None
    return tuple(min(values) for values in zip(*(PLAN_LIMITS[name] for name in names), strict=True))


@dataclass(eq=False)
class Ticket:
    """One request's turn: which bucket it went through and when it was let go."""

    category: str
    sent_at: float
    refused: bool = False
    answered: bool = False
    moved: bool = False  # sent as an uncertain call, counted where Zoom said it is metered


@dataclass(eq=False)
class _Bucket:
    rate: float
    limit: float | None = None  # requests a second we believe Zoom lets through; None: probing
    bound: float | None = None  # the announced limit, or the one a 429 taught us
    announced: bool = False
    #: A published limit the rate passed and Zoom has not yet been seen to let through: slow
    #: start takes no further step until more requests than this, sent within one second, were
    #: answered (the start is past Free's limits, so Free's comes first)
    must_pass: float | None = None
    guessed: bool = False  # the limit is the plan's highest, reached by slow start: untested
    probe_since: float | None = None
    probe_proven: bool = False  # an answer came back for a request sent at the current rate
    tried_from: float | None = None  # the inferred limit we held before trying one more
    sent: int = 0  # requests let go so far
    sent_when_calm: int = 0  # ``sent`` at ``calm_since``
    calm_since: float = 0.0
    last_cut: float = -math.inf
    next_slot: float = -math.inf
    paused_until: float = -math.inf
    sends: deque[Ticket] = field(default_factory=deque)  # the last HISTORY seconds
    head_busy: bool = False
    turn: threading.Condition = field(default_factory=threading.Condition)


class Pacer:
    def __init__(
        self,
        ceiling: float | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if ceiling is not None and ceiling <= 0:
            raise ValueError("rate must be positive")
        self.ceiling = ceiling if ceiling is not None else AUTO_CEILING
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._buckets: dict[str, _Bucket] = {}
        self._moved: dict[str, str] = {}  # uncertain call -> the category Zoom named
        #: Every category counted in one window, until Zoom announces two different limits
        #: for two categories (one window cannot have two limits): see ``_one_window_rules``.
        self.one_window = True
        self._next_slot = -math.inf  # the account's slot, while one window and nothing known
        self.latency: float | None = None  # seconds, smoothed over the answers
        self.throttled = 0  # how many 429s we were told about
        self.slowdowns = 0  # congestion events: at most one cut each

    # -- a request's turn ---------------------------------------------------------------------

    def wait_turn(self, category: str = "light") -> Ticket:
        """Block until this caller may send a request of ``category``; hand back its ticket.

        A call of uncertain category (``EITHER``) that Zoom has since placed is paced in that
        category, even for a caller that was already waiting.
        """
        while True:
            with self._lock:
                category = self._moved.get(category, category)
                bucket = self._bucket(category)
                while bucket.head_busy and category not in self._moved:
                    bucket.turn.wait()
                if category in self._moved:
                    continue
                bucket.head_busy = True
            try:
                while True:
                    with self._lock:
                        if category in self._moved:
                            break
                        now = self._clock()
                        self._grow(bucket, category, now)
                        due = self._due(bucket, category, now)
                        if due <= now:
                            return self._take(bucket, category, now)
                    self._sleep(due - now)
            finally:
                with self._lock:
                    bucket.head_busy = False
                    bucket.turn.notify()

    def answered(self, ticket: Ticket, limit: int | None = None) -> None:
        """Zoom answered (anything but a per-second 429), maybe announcing its limit."""
        with self._lock:
            now = self._clock()
            self._measure(ticket, now)
            bucket = self._bucket(ticket.category)
            if bucket.probe_since is not None and ticket.sent_at >= bucket.probe_since:
                bucket.probe_proven = True
            passing = bucket.must_pass
            if passing is not None and self._let_through(bucket, ticket.sent_at) > passing:
                bucket.must_pass = None
                self._passed(ticket.category, passing, now)
            if limit and limit > 0:
                self._announce(bucket, float(limit), now)
            self._check_one_window(ticket)

    def throttle(
        self, ticket: Ticket, retry_after: float | None = None, limit: int | None = None
    ) -> None:
        """Zoom said we are too fast: one cut per congestion event; wait out ``retry_after``."""
        with self._lock:
            now = self._clock()
            self.throttled += 1
            self._measure(ticket, now)
            ticket.refused = True  # Zoom did not count it: it leaves our window too
            bucket = self._bucket(ticket.category)
            self._check_one_window(ticket, float(limit) if limit and limit > 0 else None)
            if retry_after is not None:
                bucket.paused_until = max(bucket.paused_until, now + retry_after)
            if ticket.moved:  # the uncertain call's own probe overfilled this window: no cut
                if limit and limit > 0:
                    self._announce(bucket, float(limit), now)
                return
            if ticket.sent_at < bucket.last_cut:
                return  # sent before the last cut: the same congestion event, no second cut
            self.slowdowns += 1
            if limit and limit > 0 and self._announce(bucket, float(limit), now):
                pass  # a new limit announced: following it is this event's slow-down
            elif bucket.limit is None or bucket.guessed:  # what Zoom let through is the limit
                bucket.limit = bucket.bound = float(max(1, self._in_window(bucket, ticket)))
                bucket.guessed = False
            elif bucket.tried_from is not None:  # one more was one too many: back, no cut
                bucket.limit = bucket.bound = bucket.tried_from
            else:  # at the limit and still refused: other apps use part of it
                bucket.limit = max(MIN_RATE, bucket.limit * CUT)
            bucket.last_cut = bucket.calm_since = now
            bucket.sent_when_calm = bucket.sent
            bucket.probe_since = bucket.tried_from = None
            self._set_rate(bucket)

    def recategorize(self, ticket: Ticket, category: str) -> None:
        """Zoom metered ``ticket``'s request in ``category``: count it there from now on."""
        with self._lock:
            if ticket.category == category:
                return
            old, new = self._bucket(ticket.category), self._bucket(category)
            try:
                old.sends.remove(ticket)
            except ValueError:
                pass  # already out of the history
            else:
                old.sent -= 1
            at = next((n for n, t in enumerate(new.sends) if t.sent_at > ticket.sent_at), None)
            new.sends.insert(len(new.sends) if at is None else at, ticket)
            new.sent += 1
            if EITHER in ticket.category:
                ticket.moved = True
                self._moved[ticket.category] = category
                old.turn.notify_all()  # callers waiting there go on in ``category``
            ticket.category = category

    # -- what the rest of the run asks ----------------------------------------------------------

    def knows_limit(self, category: str) -> bool:
        """Whether Zoom has said (or a 429 has shown) ``category``'s limit: our windows then
        keep it, with the calls of unknown category that may share it."""
        with self._lock:
            bucket = self._buckets.get(category)
            return bucket is not None and bucket.limit is not None

    def rate(self, category: str = "light") -> float:
        with self._lock:
            return self._bucket(category).rate

    def workers_wanted(self) -> int:
        """Requests worth having in flight: rate x latency (Little's law), with a margin.

        The latency is the smoothed one, or, while a request has been waiting longer than that
        (before the first answer, or when Zoom slows down), how long it has been waiting.
        """
        with self._lock:
            rate = max((bucket.rate for bucket in self._buckets.values()), default=START_RATE)
            latency = self.latency if self.latency is not None else ASSUMED_LATENCY
            now = self._clock()
            for bucket in self._buckets.values():
                waiting = next((t.sent_at for t in bucket.sends if not t.answered), now)
                latency = max(latency, now - waiting)
        wanted = math.ceil(rate * latency * LATENCY_MARGIN) + MIN_WORKERS
        return max(MIN_WORKERS, min(MAX_WORKERS, wanted))

    # -- the rules, under the lock --------------------------------------------------------------

    def _bucket(self, category: str) -> _Bucket:
        bucket = self._buckets.get(category)
        if bucket is None:
            bucket = _Bucket(rate=START_RATE, turn=threading.Condition(self._lock))
            self._probe_from(category, bucket, START_RATE)
            self._buckets[category] = bucket
            self._start_on_plan(category, bucket, self._clock())
        return bucket

    def _set_rate(self, bucket: _Bucket) -> None:
        wanted = bucket.rate if bucket.limit is None else bucket.limit * HEADROOM
        bucket.rate = max(MIN_RATE, min(self.ceiling, wanted))

    def _announce(self, bucket: _Bucket, limit: float, now: float) -> bool:
        """Zoom said its limit: follow it, up or down; False when it is the one we follow."""
        if bucket.announced and bucket.bound == limit:
            return False
        bucket.announced, bucket.guessed = True, False
        bucket.bound = bucket.limit = limit
        if self.one_window and any(
            other.announced and other.bound != limit and name in PLAN_LIMITS
            for name, other in self._buckets.items()
            if other is not bucket
        ):
            self.one_window = False  # two limits: a window per category, as Zoom documents
        bucket.probe_since = None
        bucket.calm_since = now
        self._set_rate(bucket)
        for category, other in self._buckets.items():
            if other is not bucket and not other.announced and other.limit is None:
                self._start_on_plan(category, other, now)
        return True

    def _start_on_plan(self, category: str, bucket: _Bucket, now: float) -> None:
        """Start a category not heard from at its limit on the plan another category revealed.

        An uncertain call (``EITHER``) starts at the lower of its two limits and goes on probing.
        """
        plan = _plan(category)
        for known, other in self._buckets.items():
            if not other.announced or known not in PLAN_LIMITS or plan is None:
                continue
            if other.bound in PLAN_LIMITS[known]:
                limit = float(plan[PLAN_LIMITS[known].index(int(other.bound))])
                if EITHER in category:
                    self._probe_from(category, bucket, limit * HEADROOM)
                    return
                bucket.limit = bucket.bound = limit
                bucket.probe_since, bucket.calm_since = None, now
                self._set_rate(bucket)
                return

    def _probe_from(self, category: str, bucket: _Bucket, rate: float) -> None:
        """Go on probing from ``rate``; the next step waits to see the limit below it passed."""
        bucket.rate = min(self.ceiling, rate)
        below = [limit for limit in _ladder(category) if limit < bucket.rate]
        bucket.must_pass = float(below[-1]) if below else None

    def _passed(self, category: str, limit: float, now: float) -> None:
        """Zoom let more than ``limit`` of ``category`` through in a second: if that is Pro's
        limit (the higher one, for an uncertain call), the account is on Business (or shares
        one with other apps), and every category still probing starts at its Business limit,
        as a guess (a 429 there reads as a probe's); an uncertain call at the lower of its two,
        probing on.
        """
        names = [name for name in category.split(EITHER) if name in PLAN_LIMITS]
        if not names or limit != max(PLAN_LIMITS[name][1] for name in names):
            return
        for name, other in self._buckets.items():
            plan = _plan(name)
            if name == category or other.limit is not None or other.announced or plan is None:
                continue  # the bucket that passed goes on with its own probe
            top = float(plan[2])
            if EITHER in name:
                self._probe_from(name, other, max(other.rate, top * HEADROOM))
                continue
            self._guess(other, top, now)
            self._set_rate(other)

    def _guess(self, bucket: _Bucket, limit: float, now: float) -> None:
        """Slow start ends at ``limit``, a plan's highest, untested: a 429 reads as a probe's."""
        bucket.limit = bucket.bound = limit
        bucket.guessed = True
        bucket.probe_since, bucket.must_pass = None, None
        bucket.calm_since, bucket.sent_when_calm = now, bucket.sent

    def _step_up(self, bucket: _Bucket, category: str, scale: float, now: float) -> None:
        """One step of slow start, shaped by the limits Zoom publishes for ``category``.

        Zoom's limit is one of the published ones unless other apps share it, so:

        - a step between two published limits is bold (``PROBE_GROWTH_BETWEEN``), and one that
          would pass the next limit, or come close under it (``SNAP_BELOW``), stops just under;
        - the step past a published limit is careful (``PROBE_GROWTH``) and waits until Zoom has
          let a full second at the rate before through (``FULL``): on an account with that
          limit the refusals then start at once and cost (new rate - rate) x latency, not the
          whole new rate for as long as a half-empty window takes to fill;
        - after it, no step until Zoom has let more than that limit through in one second
          (``must_pass``); the start, above Free's limits, waits for Free's the same way;
        - reaching the highest published limit ends slow start there, as a guess: the careful
          probe above (one more after a calm spell) goes past it, and a 429 there is read as a
          probe's (what Zoom let through), not cut by AIMD.

        Measured with tests/test_pacing.py ``simulate`` (150 ms, no header): 0.86 of 80/s and
        0.89 of 60/s with no 429, 2 429s at 20/s; stepping past a limit from a half-empty
        window reached 0.89 and 0.92 but drew 6 429s at 20/s (2% of 300 rows).
        """
        published = list(_ladder(category))
        stops = [limit * HEADROOM for limit in published]
        ahead = next((n for n, limit in enumerate(published) if limit > bucket.rate), None)
        if ahead is None or bucket.rate >= stops[ahead] * (1 - SNAP_BELOW):
            # the latest second whose answers can all be back by now
            latest = now - (self.latency if self.latency is not None else ASSUMED_LATENCY)
            if self._let_through(bucket, latest) < FULL * bucket.rate:
                return
            wanted = bucket.rate * (1.0 + PROBE_GROWTH * scale)
        else:
            wanted = bucket.rate * (1.0 + PROBE_GROWTH_BETWEEN * scale)
        for limit, stop in zip(published, stops, strict=True):
            if bucket.rate < stop * (1 - SNAP_BELOW) and wanted >= stop * (1 - SNAP_BELOW):
                wanted = stop
                if limit == published[-1]:
                    self._guess(bucket, float(limit), now)
                break
        passed = [limit for limit in published if bucket.rate < limit <= wanted]
        bucket.must_pass = float(passed[-1]) if passed and bucket.limit is None else None
        bucket.rate = min(self.ceiling, wanted)

    def _grow(self, bucket: _Bucket, category: str, now: float) -> None:
        """Probe upwards while nothing is known; climb back after a cut."""
        if bucket.rate >= self.ceiling:
            return
        if bucket.limit is None:
            # Slow start, clocked by answers: a step needs an answer to a request sent at the
            # current rate (no step blind while Zoom is slow to answer), and a rate that is used.
            # Every request sent past Zoom's limit is refused until the first 429 is back, so
            # the step shrinks as Zoom answers slower (a quarter of it at 1 s).
            latency = self.latency if self.latency is not None else ASSUMED_LATENCY
            if bucket.probe_since is None:
                bucket.probe_since = now
            elif (
                now - bucket.probe_since >= max(PROBE_EVERY, latency)
                and bucket.probe_proven
                and bucket.must_pass is None
            ):
                # used: half of it in the last PROBE_USED seconds, or two intervals if longer
                # (at 2 a second the one before is 0.51 s back when the next is let go)
                span = max(PROBE_USED, 2.0 / bucket.rate)
                sent = sum(1 for t in self._window_sends(bucket) if t.sent_at > now - span)
                if sent >= bucket.rate * span / 2:
                    scale = min(1.0, PROBE_LATENCY / max(latency, 1e-3))
                    self._step_up(bucket, category, scale, now)
                if bucket.limit is None:
                    bucket.probe_since, bucket.probe_proven = now, False
            return
        assert bucket.bound is not None
        calm = now - bucket.calm_since
        if bucket.limit < bucket.bound and calm >= RECOVER_EVERY:
            step = max(1.0, bucket.bound * RECOVER_STEP)
            bucket.limit = min(bucket.bound, bucket.limit + step)
            bucket.calm_since = now
            self._set_rate(bucket)
        elif (
            not bucket.announced
            and calm >= PROBE_ABOVE_AFTER
            and bucket.sent - bucket.sent_when_calm >= PROBE_ABOVE_EVERY
        ):
            # An inferred limit may be too low (other apps were busy when it was taken).
            if bucket.tried_from is None:
                bucket.tried_from = bucket.limit
            bucket.bound = bucket.limit = bucket.limit + 1
            bucket.calm_since, bucket.sent_when_calm = now, bucket.sent
            self._set_rate(bucket)

    def _due(self, bucket: _Bucket, category: str, now: float) -> float:
        due = max(bucket.next_slot, bucket.paused_until)
        for other in self._buckets.values():
            while other.sends and other.sends[0].sent_at <= now - HISTORY:
                other.sends.popleft()
        limit = self._window_limit(bucket)
        if limit is None and self.one_window and bucket.sent:
            # one pace for the account; a category's first call goes at once, as it did
            # with a pace each (at most one a category: a look-up, a listing, a create)
            due = max(due, self._next_slot)
        if limit is not None:  # never more in Zoom's window than the limit we believe
            allowed, counted = max(1, math.floor(limit)), 0
            for sent in self._latest_first(bucket, category):
                if sent.sent_at <= now - WINDOW:
                    break
                if not sent.refused:
                    counted += 1
                    if counted == allowed:
                        due = max(due, sent.sent_at + WINDOW)
                        break
        return due

    def _check_one_window(self, ticket: Ticket, limit: float | None = None) -> None:
        """Part the windows once Zoom has let through, in the second before ``ticket``, more
        calls of all our categories than the one window's limit (or ``limit``, the one a 429
        just named): on Zoom's plans each category has a window of its own."""
        if not self.one_window:
            return
        if limit is None:
            known = [b.limit for b in self._buckets.values() if b.limit is not None]
            if not known:
                return
            limit = min(known)
        since = ticket.sent_at - 1.0
        let_through = sum(
            1
            for b in self._buckets.values()
            for t in b.sends
            if since < t.sent_at <= ticket.sent_at and not t.refused and t is not ticket
        )
        if let_through > limit:
            self.one_window = False

    def _window_limit(self, bucket: _Bucket) -> float | None:
        """The limit of the window ``bucket``'s calls are counted in: its own; in one window,
        the lowest any category knows (one window has one limit), or None while none does."""
        if not self.one_window:
            return bucket.limit
        known = [other.limit for other in self._buckets.values() if other.limit is not None]
        return min(known) if known else None

    def _window_sends(self, bucket: _Bucket) -> Iterator[Ticket]:
        """The sends counted in ``bucket``'s window: every category's while one window."""
        if not self.one_window:
            return iter(bucket.sends)
        return (t for other in self._buckets.values() for t in other.sends)

    def _latest_first(self, bucket: _Bucket, category: str) -> Iterator[Ticket]:
        """The sends counted in ``category``'s window, the latest first: its own, and those of
        calls whose category Zoom has not named yet (``EITHER``: a create, "Medium or Light")
        that may be metered in it, so that while the hosts are still being listed (Medium) the
        listings give way to them; once Zoom names their category, only that one counts them.
        (The uncertain call itself is not held to either category's limit: where Zoom names
        categories only on 429s, it never learns which, and held to Medium's it ran at Free's
        2 a second, 0.458.)
        """
        if self.one_window:
            every = [reversed(other.sends) for other in self._buckets.values() if other.sends]
            return heapq.merge(*every, key=lambda ticket: ticket.sent_at, reverse=True)
        shared = [
            other.sends
            for name, other in self._buckets.items()
            if EITHER in name
            and EITHER not in category
            and category in name.split(EITHER)
            and self._moved.get(name, category) == category  # once named: only there
        ]
        if not shared:
            return reversed(bucket.sends)
        lists = [reversed(sends) for sends in (bucket.sends, *shared)]
        return heapq.merge(*lists, key=lambda ticket: ticket.sent_at, reverse=True)

    def _take(self, bucket: _Bucket, category: str, now: float) -> Ticket:
        interval = 1.0 / bucket.rate
        # A head that woke a little late may catch up one slot; after idling it starts afresh.
        start = bucket.next_slot if bucket.next_slot >= now - interval else now
        bucket.next_slot = start + interval
        if self.one_window:  # nothing known: the start's pace is the account's, not each one's
            interval = 1.0 / max(other.rate for other in self._buckets.values())
            start = self._next_slot if self._next_slot >= now - interval else now
            self._next_slot = start + interval
        ticket = Ticket(category, now)
        bucket.sends.append(ticket)
        bucket.sent += 1
        return ticket

    def _let_through(self, bucket: _Bucket, end: float) -> int:
        """Requests answered (not refused) among those sent in the second up to ``end``."""
        return sum(
            1
            for t in self._window_sends(bucket)
            if end - 1.0 < t.sent_at <= end and t.answered and not t.refused
        )

    def _in_window(self, bucket: _Bucket, refused: Ticket) -> int:
        """Requests Zoom let through in the second before ``refused`` was sent."""
        since = refused.sent_at - 1.0
        return sum(
            1
            for t in self._window_sends(bucket)
            if since < t.sent_at < refused.sent_at and not t.refused and t is not refused
        )

    def _measure(self, ticket: Ticket, now: float) -> None:
        ticket.answered = True
        took = max(0.0, now - ticket.sent_at)
        self.latency = took if self.latency is None else 0.8 * self.latency + 0.2 * took
