"""The engine hooks the page needs: each settled row and each wait reported, and a Stop that
ends a run exactly as Ctrl-C does (nothing lost, nothing twice, the next run finishes)."""

from __future__ import annotations

import threading
from pathlib import Path

from conftest import Sleeps, meeting_rows, settings_for, write_csv

from batch_zoom.models import RowResult, Status
from batch_zoom.run.batch import run_batch
from batch_zoom.run.session import RowWatcher
from batch_zoom.sandbox import ZoomSandbox


class Watcher:
    """Stops the run (as the page's Stop button does) once ``stop_after`` rows have settled."""

    def __init__(self, stop: threading.Event, stop_after: int | None = None) -> None:
        self.stop = stop
        self.stop_after = stop_after
        self.settled_rows: list[RowResult] = []
        self.waits: list[tuple[str, float]] = []
        self.spent: list[str] = []
        self.total = 0
        self._lock = threading.Lock()

    def start(self, total: int) -> None:
        self.total = total

    def advance(self, rows: int = 1) -> None:
        pass

    def close(self) -> None:
        pass

    def settled(self, result: RowResult) -> None:
        with self._lock:
            self.settled_rows.append(result)
            if self.stop_after is not None and len(self.settled_rows) >= self.stop_after:
                self.stop.set()

    def waiting(self, error: BaseException, seconds: float) -> None:
        self.waits.append((type(error).__name__, seconds))

    def host_spent(self, host: str, message: str) -> None:
        self.spent.append(message)


def test_a_watcher_hears_every_settled_row(sandbox: ZoomSandbox, tmp_path: Path) -> None:
    sheet = write_csv(tmp_path / "m.csv", meeting_rows(6))
    watcher = Watcher(threading.Event())
    assert isinstance(watcher, RowWatcher)
    report = run_batch(settings_for(sandbox, sheet), progress=watcher, sleep=Sleeps())
    assert watcher.total == 6
    assert sorted(r.row for r in watcher.settled_rows) == [r.row for r in report.results]
    assert {r.status for r in watcher.settled_rows} == {Status.CREATED}


def test_stop_ends_the_run_as_ctrl_c_does_and_the_next_run_finishes(
    sandbox: ZoomSandbox, tmp_path: Path
) -> None:
    sheet = write_csv(tmp_path / "m.csv", meeting_rows(40))
    stop = threading.Event()
    settings = settings_for(sandbox, sheet, workers=1)
    first = run_batch(settings, progress=Watcher(stop, stop_after=3), stop=stop, sleep=Sleeps())
    assert first.interrupted
    counts = first.counts
    assert 3 <= counts[Status.CREATED] < 40
    assert counts[Status.PENDING] == 40 - counts[Status.CREATED]
    assert len(sandbox.meetings()) == counts[Status.CREATED]  # nothing made unseen

    second = run_batch(settings, progress=Watcher(threading.Event()), sleep=Sleeps())
    assert not second.interrupted
    assert second.counts[Status.PENDING] == 0
    assert len(sandbox.meetings()) == 40  # each meeting once
    assert second.receipt is not None and second.receipt.meetings == 40


def test_a_stop_before_the_run_sends_nothing(sandbox: ZoomSandbox, tmp_path: Path) -> None:
    sheet = write_csv(tmp_path / "m.csv", meeting_rows(5))
    stop = threading.Event()
    stop.set()
    report = run_batch(settings_for(sandbox, sheet), stop=stop, sleep=Sleeps())
    assert report.interrupted
    assert report.counts[Status.PENDING] == 5
    assert sandbox.meetings() == []
