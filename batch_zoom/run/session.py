"""What every step of a real run shares: Zoom, the journal, the results so far, time, workers.

The create path (``creates``) and the edit path (``edits``) both work through a ``Session``, so
they settle rows, call Zoom, respect a host's spent daily quota and stop on Ctrl-C the same way.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from functools import partial
from typing import Any, Protocol, runtime_checkable

from ..config import Settings
from ..errors import ConnectionLost, DailyLimitReached, NotFound, ZoomError
from ..models import MEETING, Kind, RowResult
from ..zoom.client import ZoomClient
from ..zoom.retry import Operation, call_with_retries
from .journal import Journal
from .outcomes import deferred_message

#: A host's upcoming meetings as Zoom listed them, or why listing them failed.
Listing = list[dict[str, Any]] | ZoomError | ConnectionLost


class Progress(Protocol):
    def start(self, total: int) -> None: ...
    def advance(self, rows: int = 1) -> None: ...
    def close(self) -> None: ...


@runtime_checkable
class RowWatcher(Protocol):
    """A ``Progress`` that also hears each row as it settles and each wait, and why.

    The page shows these live; the CLI's bar implements only ``Progress`` and is not asked.
    Called from worker threads: an implementation keeps its own lock.
    """

    def settled(self, result: RowResult) -> None: ...
    def waiting(self, error: BaseException, seconds: float) -> None: ...
    def host_spent(self, host: str, message: str) -> None: ...


class NoProgress:
    def start(self, total: int) -> None:
        pass

    def advance(self, rows: int = 1) -> None:
        pass

    def close(self) -> None:
        pass


def wait_for(event: threading.Event, stop_requested: threading.Event | None = None) -> None:
    """Block until ``event`` is set, in short waits, so that a Ctrl-C still reaches this thread
    (one long wait holds it off until the event comes). ``stop_requested`` set (the page's Stop)
    raises KeyboardInterrupt here, as a Ctrl-C would."""
    while not event.wait(timeout=0.1):
        if stop_requested is not None and stop_requested.is_set():
            raise KeyboardInterrupt


class Background:
    """``work`` on a daemon thread of its own, started at once.

    ``wait`` blocks until it is done and raises what it raised (a bug: the work catches what it
    expects). It waits in short steps, so a Ctrl-C still reaches the waiting thread.
    """

    def __init__(self, work: Callable[[], None], name: str) -> None:
        self._done = threading.Event()
        self._error: BaseException | None = None

        def run() -> None:
            try:
                work()
            except BaseException as error:
                self._error = error
            finally:
                self._done.set()

        threading.Thread(target=run, name=name, daemon=True).start()

    @property
    def done(self) -> bool:
        return self._done.is_set()

    def wait(self) -> None:
        wait_for(self._done)
        if self._error is not None:
            raise self._error


class Session:
    """One real run's shared state. Worker threads share it through ``_lock``."""

    def __init__(
        self,
        settings: Settings,
        journal: Journal,
        client: ZoomClient,
        *,
        progress: Progress,
        sleep: Callable[[float], None],
        now: Callable[[], datetime],
        clock: Callable[[], float] = time.monotonic,
        stop_requested: threading.Event | None = None,
    ) -> None:
        self.settings = settings
        self.journal = journal
        self.zoom = client
        self.progress = progress
        self.sleep = sleep
        self.now = now
        self.clock = clock  # monotonic seconds, moved by ``sleep`` in tests
        self.results: dict[int, RowResult] = {}
        self.stop = threading.Event()  # set by Ctrl-C: take no new rows
        #: set from outside (the page's Stop button): taken as a Ctrl-C where the run waits for
        #: its workers, so a stop ends the run exactly as Ctrl-C does
        self.stop_requested = stop_requested or threading.Event()
        self.interrupted = False
        self._spent_hosts: dict[str, datetime] = {}  # host -> when its daily quota comes back
        #: (kind, host casefolded) -> Zoom's listing of the host's scheduled meetings (or
        #: webinars), as last taken in this run: taken before the host's first create, so checks
        #: of a host's whole schedule (double booking) can read it without another request.
        self.listings: dict[tuple[str, str], list[dict[str, Any]]] = {}
        #: (kind, host casefolded) -> why its last listing failed, so a second look in the same
        #: run (find-before-create after the preflight) does not spend a second waiting budget
        self._listing_failed: dict[tuple[str, str], ZoomError | ConnectionLost] = {}
        self._lock = threading.Lock()

    # -- rows -------------------------------------------------------------------------------

    def settle(self, result: RowResult) -> None:
        with self._lock:
            self.results[result.row] = result
        self.progress.advance()
        if isinstance(self.progress, RowWatcher):
            self.progress.settled(result)

    def result(self, row: int) -> RowResult | None:
        """How ``row`` was settled in this run so far (None: not yet)."""
        with self._lock:
            return self.results.get(row)

    # -- Zoom -------------------------------------------------------------------------------

    def call(
        self,
        send: Callable[[], Any],
        operation: Operation,
        *,
        remaining: Callable[[], float] | None = None,
    ) -> Any:
        return call_with_retries(
            send,
            operation,
            sleep=self.sleep,
            budget=self.settings.max_wait,
            remaining=remaining,
            on_wait=self._waiting,
        )

    def _waiting(self, error: BaseException, seconds: float) -> None:
        """A request goes again in ``seconds``: the terminal hears of a Zoom that does not
        answer (``Reach``), a page's watcher of every wait."""
        self.zoom.reach.waiting(error, seconds)
        if isinstance(self.progress, RowWatcher):
            self.progress.waiting(error, seconds)

    def list_hosts(
        self,
        hosts: Iterable[str],
        *,
        fresh: bool = False,
        deadline: float | None = None,
        kind: Kind = MEETING,
    ) -> dict[str, Listing]:
        """``listing`` of every host (its meetings, or its webinars), taken in parallel under one
        shared waiting budget.

        A failing listing endpoint costs the batch one budget (``max_wait``) in all, spent by
        every host at once, not one budget per host one after another (8 hosts were 80 minutes).
        ``deadline`` (on ``clock``) ends a budget shared with earlier calls. A host left
        unlisted because of Ctrl-C is absent from the answer.
        """
        if deadline is None:
            deadline = self.clock() + self.settings.max_wait
        listings: dict[str, Listing] = {}

        def remaining() -> float:
            return deadline - self.clock()

        def list_one(host: str) -> None:
            try:
                found = self.listing(host, fresh=fresh, remaining=remaining, kind=kind)
            except (ZoomError, ConnectionLost) as error:
                listings[host] = error
                return
            listings[host] = found

        unique = list(dict.fromkeys(hosts))
        self.run_tasks([partial(list_one, host) for host in unique])
        return listings

    def listing_failure(self, host: str, kind: Kind = MEETING) -> ZoomError | ConnectionLost | None:
        """Why ``host``'s last listing in this run failed; None if it did not (or none was)."""
        with self._lock:
            return self._listing_failed.get((kind.name, host.casefold()))

    def get(self, meeting_id: str, kind: Kind = MEETING) -> dict[str, Any] | None:
        """The meeting (or webinar), or None when Zoom says it does not exist (3001)."""
        try:
            meeting: dict[str, Any] = self.call(
                partial(self.zoom.get_meeting, meeting_id, kind), Operation.READ
            )
        except NotFound:
            return None
        return meeting

    def listing(
        self,
        host: str,
        *,
        fresh: bool = False,
        remaining: Callable[[], float] | None = None,
        kind: Kind = MEETING,
    ) -> list[dict[str, Any]]:
        """Every scheduled meeting of ``host`` (all pages); the one already taken unless ``fresh``.

        Raises ZoomError or ConnectionLost when Zoom cannot be asked, after retries (within
        ``remaining``, when a budget is shared with other hosts: ``list_hosts``).
        """
        key = (kind.name, host.casefold())
        if not fresh:
            with self._lock:
                known = self.listings.get(key)
                failed = self._listing_failed.get(key)
            if known is not None:
                return known
            if failed is not None:  # its budget is spent: the preflight's failure stands
                raise failed
        try:
            meetings: list[dict[str, Any]] = self.call(
                partial(_list_all, self.zoom, host, kind), Operation.READ, remaining=remaining
            )
        except (ZoomError, ConnectionLost) as error:
            with self._lock:
                self._listing_failed[key] = error
            raise
        with self._lock:
            self.listings[key] = meetings
            self._listing_failed.pop(key, None)
        return meetings

    # -- the per-host daily limit ---------------------------------------------------------

    def deferred_for(self, host: str) -> str | None:
        """Why ``host`` must wait for tomorrow, or None while it still has quota."""
        with self._lock:
            resume_at = self._spent_hosts.get(host.casefold())
        return None if resume_at is None else deferred_message(host, resume_at)

    def spend_host(self, host: str, error: DailyLimitReached) -> str:
        """Zoom said ``host`` is out of quota: send nothing more for it in this run."""
        resume_at = error.resume_at or self.now()
        with self._lock:
            self._spent_hosts[host.casefold()] = resume_at
        message = deferred_message(host, resume_at)
        if isinstance(self.progress, RowWatcher):
            self.progress.host_spent(host, message)
        return message

    # -- workers ----------------------------------------------------------------------------

    def run_tasks(
        self, tasks: Sequence[Callable[[], None]], taken: threading.Event | None = None
    ) -> None:
        """Run ``tasks`` on worker threads; Ctrl-C stops new tasks, a second one abandons.

        The workers are daemon threads, so abandoned requests cannot keep the process alive;
        the journal already marks them as in flight for the next run to look up. ``taken`` is
        set once the last task has begun (the others may still be running).
        """
        if not tasks:
            if taken is not None:
                taken.set()
            return
        todo: queue.SimpleQueue[Callable[[], None]] = queue.SimpleQueue()
        for task in tasks:
            todo.put(task)
        errors: list[BaseException] = []
        # Each worker says it is done through an Event, not through Thread.join: a Ctrl-C that
        # lands inside join() can leave the thread looking finished (CPython 3.11) and the run
        # would then exit with a create still on its way, for the next run to look up twice.
        done: list[threading.Event] = []

        def worker(finished: threading.Event) -> None:
            try:
                while not self.stop.is_set():
                    try:
                        task = todo.get_nowait()
                    except queue.Empty:
                        return
                    if taken is not None and todo.empty():
                        taken.set()
                    try:
                        task()
                    except BaseException as error:  # a bug: keep it for the main thread to raise
                        errors.append(error)
                        self.stop.set()
            finally:
                finished.set()

        def add_workers() -> None:
            """As many as the pacer's rate and Zoom's latency want (Little's law), never fewer
            than before and never more than ``--workers`` or the tasks."""
            wanted = self.zoom.pacer.workers_wanted()
            if self.settings.workers is not None:
                wanted = min(wanted, self.settings.workers)
            while len(done) < max(1, min(wanted, len(tasks))) and not todo.empty():
                finished = threading.Event()
                name = f"batch_zoom-{len(done)}"
                done.append(finished)
                threading.Thread(target=worker, args=(finished,), name=name, daemon=True).start()

        try:
            if self.stop_requested.is_set():
                raise KeyboardInterrupt
            add_workers()
            while unfinished := [finished for finished in done if not finished.is_set()]:
                unfinished[0].wait(timeout=0.1)
                if self.stop_requested.is_set():
                    raise KeyboardInterrupt  # the page's Stop: handled as Ctrl-C, just below
                add_workers()
        except KeyboardInterrupt:
            self.interrupted = True
            self.stop.set()
            try:
                for finished in done:  # let the requests in flight finish
                    finished.wait()
            except KeyboardInterrupt:
                pass  # a second Ctrl-C: abandon them
        if errors:
            raise errors[0]


class Listed(list[dict[str, Any]]):
    """A host's meetings as Zoom listed them; ``skipped`` counts the items that were not
    meetings. A listing with any proves nothing absent: what it could not read may be it."""

    skipped: int = 0


def _list_all(client: ZoomClient, host: str, kind: Kind = MEETING) -> Listed:
    skipped: list[int] = []
    listed = Listed(client.list_meetings(host, on_skipped=skipped.append, kind=kind))
    listed.skipped = sum(skipped)
    return listed
