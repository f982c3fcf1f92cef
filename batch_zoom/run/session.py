"""What every step of a real run shares: Zoom, the journal, the results so far, time, workers.

The create path (``creates``) and the edit path (``edits``) both work through a ``Session``, so
they settle rows, call Zoom, respect a host's spent daily quota and stop on Ctrl-C the same way.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Sequence
from datetime import datetime
from functools import partial
from typing import Any, Protocol

from ..config import Settings
from ..errors import DailyLimitReached, NotFound
from ..models import RowResult
from ..zoom.client import ZoomClient
from ..zoom.retry import Operation, call_with_retries
from .journal import Journal
from .outcomes import deferred_message


class Progress(Protocol):
    def start(self, total: int) -> None: ...
    def advance(self, rows: int = 1) -> None: ...
    def close(self) -> None: ...


class NoProgress:
    def start(self, total: int) -> None:
        pass

    def advance(self, rows: int = 1) -> None:
        pass

    def close(self) -> None:
        pass


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
    ) -> None:
        self.settings = settings
        self.journal = journal
        self.zoom = client
        self.progress = progress
        self.sleep = sleep
        self.now = now
        self.results: dict[int, RowResult] = {}
        self.stop = threading.Event()  # set by Ctrl-C: take no new rows
        self.interrupted = False
        self._spent_hosts: dict[str, datetime] = {}  # host -> when its daily quota comes back
        self._lock = threading.Lock()

    # -- rows -------------------------------------------------------------------------------

    def settle(self, result: RowResult) -> None:
        with self._lock:
            self.results[result.row] = result
        self.progress.advance()

    # -- Zoom -------------------------------------------------------------------------------

    def call(self, send: Callable[[], Any], operation: Operation) -> Any:
        return call_with_retries(send, operation, sleep=self.sleep, budget=self.settings.max_wait)

    def get(self, meeting_id: str) -> dict[str, Any] | None:
        """The meeting, or None when Zoom says it does not exist (3001)."""
        try:
            meeting: dict[str, Any] = self.call(
                partial(self.zoom.get_meeting, meeting_id), Operation.READ
            )
        except NotFound:
            return None
        return meeting

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
        return deferred_message(host, resume_at)

    # -- workers ----------------------------------------------------------------------------

    def run_tasks(self, tasks: Sequence[Callable[[], None]]) -> None:
        """Run ``tasks`` on worker threads; Ctrl-C stops new tasks, a second one abandons.

        The workers are daemon threads, so abandoned requests cannot keep the process alive;
        the journal already marks them as in flight for the next run to look up.
        """
        if not tasks:
            return
        todo: queue.SimpleQueue[Callable[[], None]] = queue.SimpleQueue()
        for task in tasks:
            todo.put(task)
        errors: list[BaseException] = []

        def worker() -> None:
            while not self.stop.is_set():
                try:
                    task = todo.get_nowait()
                except queue.Empty:
                    return
                try:
                    task()
                except BaseException as error:  # a bug: keep it for the main thread to raise
                    errors.append(error)
                    self.stop.set()

        threads: list[threading.Thread] = []

        def add_workers() -> None:
            """As many as the pacer's rate and Zoom's latency want (Little's law), never fewer
            than before and never more than ``--workers`` or the tasks."""
            wanted = self.zoom.pacer.workers_wanted()
            if self.settings.workers is not None:
                wanted = min(wanted, self.settings.workers)
            while len(threads) < max(1, min(wanted, len(tasks))) and not todo.empty():
                thread = threading.Thread(
                    target=worker, name=f"batch_zoom-{len(threads)}", daemon=True
                )
                threads.append(thread)
                thread.start()

        add_workers()
        try:
            while any(thread.is_alive() for thread in threads):
                for thread in threads:
                    thread.join(timeout=0.1 / len(threads))
                add_workers()
        except KeyboardInterrupt:
            self.interrupted = True
            self.stop.set()
            try:
                for thread in threads:  # let the requests in flight finish
                    thread.join()
            except KeyboardInterrupt:
                pass  # a second Ctrl-C: abandon them
        if errors:
            raise errors[0]
