"""A run of the batch as a server-side job: the page only watches it.

The job runs ``run_batch`` on a thread of its own; what happens is kept as a list of events that
Server-Sent Events replay from the start, so a reload of the page (or a second tab) picks the
view up again while the run goes on. Nothing here decides anything about rows.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..config import Settings
from ..errors import BatchZoomError, ConnectionLost, RateLimited
from ..i18n import _
from ..models import RowResult
from ..run.batch import BatchReport, UndoPlan, run_batch

Event = dict[str, Any]


@dataclass(frozen=True)
class Failure:
    """Why a run could not be attempted: one line and what to do about it."""

    line: str
    hint: str = ""


class Job:
    """One run (``kind`` is "schedule" or "undo"), started at once on a daemon thread."""

    def __init__(
        self,
        kind: str,
        settings: Settings,
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.kind = kind
        self.settings = settings
        self.stop = threading.Event()
        self.finished = threading.Event()
        self.report: BatchReport | None = None
        self.failure: Failure | None = None
        self.question: str | None = None  # undo: what it would delete, waiting for an answer
        self._answered = threading.Event()
        self._answer = False
        self._events: list[Event] = []
        self._lock = threading.Lock()
        self._clock = clock
        self.started = clock()
        self.total = 0
        self.done = 0
        self._sleep = sleep
        threading.Thread(target=self._run, name="batch_zoom-page-job", daemon=True).start()

    # -- what the page reads ----------------------------------------------------------------

    def events_since(self, index: int) -> list[Event]:
        with self._lock:
            return list(self._events[index:])

    @property
    def running(self) -> bool:
        return not self.finished.is_set()

    def seconds_left(self) -> float | None:
        """Time left at the pace so far; None until a row has settled."""
        with self._lock:
            done, total = self.done, self.total
        if not done or not total:
            return None
        return (self._clock() - self.started) / done * max(0, total - done)

    def answer(self, yes: bool) -> None:
        self._answer = yes
        self._answered.set()

    # -- Progress and RowWatcher (run.session), called from the run's threads --------------

    def start(self, total: int) -> None:
        with self._lock:
            self.total = total
            self.done = 0
        self._emit({"kind": "start", "total": total})

    def advance(self, rows: int = 1) -> None:
        with self._lock:
            self.done += rows
            done, total = self.done, self.total
        left = self.seconds_left()
        self._emit({"kind": "progress", "done": done, "total": total, "left": left})

    def close(self) -> None:
        pass

    def settled(self, result: RowResult) -> None:
        # never the whole result: only what the page shows (no start_url is ever in it anyway)
        self._emit(
            {
                "kind": "row",
                "row": result.row,
                "status": result.status.value,
                "topic": result.topic or "",
                "note": result.error,
            }
        )

    def waiting(self, error: BaseException, seconds: float) -> None:
        if isinstance(error, RateLimited):
            text = _("Zoom asked us to slow down: waiting {seconds} s").format(
                seconds=f"{seconds:.0f}"
            )
        elif isinstance(error, ConnectionLost):
            text = _("Zoom did not answer: trying again in {seconds} s").format(
                seconds=f"{seconds:.0f}"
            )
        else:
            text = _("Zoom had a problem: trying again in {seconds} s").format(
                seconds=f"{seconds:.0f}"
            )
        self._emit({"kind": "wait", "text": text})

    def host_spent(self, host: str, message: str) -> None:
        self._emit({"kind": "wait", "text": message})

    def notice(self, line: str) -> None:
        """What the command line says on stderr while the run goes on (the token's waits for a
        Zoom that does not answer, a Japanese sheet read in another zone): the page's wait line."""
        self._emit({"kind": "wait", "text": line})

    # -- the run ----------------------------------------------------------------------------

    def _emit(self, event: Event) -> None:
        with self._lock:
            self._events.append({**event, "index": len(self._events)})

    @property
    def events_seen(self) -> int:
        """How many events there are: a page drawn now already shows what they said."""
        with self._lock:
            return len(self._events)

    def _confirm(self, plan: UndoPlan) -> bool:
        self.question = plan.describe()
        self._emit({"kind": "ask", "text": self.question})
        while not self._answered.wait(timeout=0.1):
            if self.stop.is_set():
                return False
        self.question = None
        return self._answer

    def _run(self) -> None:
        try:
            self.report = run_batch(
                self.settings,
                progress=self,
                confirm_undo=self._confirm,
                sleep=self._sleep,
                notify=self.notice,
                stop=self.stop,
            )
        except BatchZoomError as error:
            self.failure = Failure(str(error), error.hint)
        except KeyboardInterrupt:  # a stop before the run's own Ctrl-C handling began
            self.failure = Failure(_("Stopped before anything was sent."))
        except Exception as error:  # a bug: one line, as the command line says it
            self.failure = Failure(
                _("batch_zoom: internal error: {kind}: {error}").format(
                    kind=type(error).__name__, error=error
                ),
                _("this is a bug in batch_zoom; re-run with --debug and report what it prints"),
            )
        finally:
            self.finished.set()
            self._emit({"kind": "done"})
