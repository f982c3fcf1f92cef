"""The receipt (issue 17): after all writes, Zoom holds one meeting per row, as the output says."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from conftest import create_behind_the_tools_back, meeting_rows, read_csv, settings_for, write_csv

from batch_zoom.cli import main
from batch_zoom.run.batch import run_batch
from batch_zoom.sandbox import ZoomSandbox


def test_every_run_prints_what_zoom_holds(
    zoom_env: ZoomSandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_csv(tmp_path / "in.csv", meeting_rows(5, hosts=2) + [["Bad", "x", "1", "", ""]])
    assert main([str(path)]) == 1  # the invalid row
    assert "verified on Zoom: 5 rows, 5 meetings, 0 duplicates" in capsys.readouterr().out
    listings = zoom_env.count("GET", path_contains="/v2/users/")
    assert main([str(path)]) == 1  # a re-run with nothing to send still asks Zoom
    assert "verified on Zoom: 5 rows, 5 meetings, 0 duplicates" in capsys.readouterr().out
    assert zoom_env.count("GET", path_contains="/v2/users/") == listings + 2  # one per host
    assert zoom_env.count("POST", path_contains="/meetings") == 5


class PlantALateCreate:
    """After the first row is settled, a second meeting for it lands on Zoom (as a create whose
    answer was lost would, after its retry)."""

    def __init__(self, sandbox: ZoomSandbox) -> None:
        self.sandbox = sandbox
        self.planted: int | None = None
        self.lock = threading.Lock()

    def start(self, total: int) -> None:
        pass

    def advance(self, rows: int = 1) -> None:
        with self.lock:  # workers settle rows at once: plant exactly one
            if self.planted is None:
                first = self.sandbox.meetings()[0]
                self.planted = create_behind_the_tools_back(self.sandbox, first)

    def close(self) -> None:
        pass


def test_a_duplicate_is_reported_with_both_ids_and_removed_on_request(
    zoom_env: ZoomSandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_csv(tmp_path / "in.csv", meeting_rows(4))
    late = PlantALateCreate(zoom_env)
    report = run_batch(settings_for(zoom_env, path), progress=late)
    assert report.receipt is not None and report.needs_attention
    [duplicate] = report.receipt.duplicates
    assert duplicate.others == (str(late.planted),)
    rows = read_csv(tmp_path / "in_scheduled.csv")
    row = next(r for r in rows if r["meeting_id"] == duplicate.kept)
    assert f"meeting {duplicate.kept} (in the output) and meeting {late.planted}" in row["error"]

    assert main([str(path)]) == 1  # the CLI says it too, and exits 1
    out = capsys.readouterr().out
    assert f"duplicate on Zoom: meeting {duplicate.kept} (in the output) and meeting " in out
    assert "verified on Zoom: 4 rows, 5 meetings, 1 duplicates" in out

    assert main([str(path), "--remove-duplicates"]) == 0
    out = capsys.readouterr().out
    assert "1 duplicates (1 removed)" in out
    held = {str(m["id"]) for m in zoom_env.meetings()}
    assert held == {r["meeting_id"] for r in read_csv(tmp_path / "in_scheduled.csv")}
    assert str(late.planted) not in held and len(held) == 4  # the output's meeting stays
    assert main([str(path)]) == 0
    assert "4 rows, 4 meetings, 0 duplicates" in capsys.readouterr().out


def test_a_meeting_deleted_on_zoom_is_not_verified(
    zoom_env: ZoomSandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from conftest import delete_behind_the_tools_back

    path = write_csv(tmp_path / "in.csv", meeting_rows(2))
    assert main([str(path)]) == 0
    gone = read_csv(tmp_path / "in_scheduled.csv")[0]["meeting_id"]
    delete_behind_the_tools_back(zoom_env, gone)
    capsys.readouterr()
    assert main([str(path)]) == 1  # the journal says exists; Zoom says otherwise
    out = capsys.readouterr().out
    assert f"Zoom does not list meeting {gone}, which the output names" in out
    assert "verified on Zoom: 2 rows, 1 meetings, 0 duplicates, 1 rows not as" in out
