"""How long, and how much memory, does a dry run of a 10,000-row workbook take?

Writes a realistic .xlsx (topic, start_time as real Excel date-time cells, duration, timezone,
host, agenda, and a column of the user's own, "room", that the tool must carry through), then runs
the real command as a subprocess:

    python -m batch_zoom big.xlsx --dry-run --quiet -o out.xlsx

and reports its wall time and peak resident memory (the child's own ``ru_maxrss`` from
``os.wait4``, so repeated runs do not mask each other). A second, in-process pass in a fresh child
times each phase (imports, read, validate, dry-run plan, write) to say where the time goes.
Then each reader and each writer runs alone in a fresh child, old against new: the values read by
pandas over openpyxl (the reader until issue 11) and by python-calamine (``read_table``); the
workbook loaded and saved by openpyxl (the writer until issue 11) and patched part by part
(``write_output``).

    python benchmarks/large_input.py                # 10,000 rows, one run
    python benchmarks/large_input.py --repeat 3     # median and spread
    python benchmarks/large_input.py --profile      # also the top functions by cumulative time
    python benchmarks/large_input.py --json

Done when: under 2 s and under 150 MB (issue 11).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

TARGET_SECONDS = 2.0
TARGET_MB = 150.0
ZONES = ("Asia/Tokyo", "America/New_York", "Europe/London", "UTC")
ROOMS = ("Tokyo 3A", "Tokyo 3B", "NY Lab 2", "London 1", "Online")


def write_workbook(path: Path, rows: int) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Meetings")
    sheet.append(["topic", "start_time", "duration", "timezone", "host", "agenda", "room"])
    first = datetime(2030, 1, 7, 9, 0)
    for n in range(rows):
        sheet.append(
            [
                f"Training session {n:05d}: {('Excel', 'Safety', 'Onboarding', 'Budget')[n % 4]}",
                # a real date-time cell, office hours only (a 02:00 could fall in a DST gap)
                first + timedelta(days=n // 8, hours=n % 8),
                (30, 45, 60, 90)[n % 4],
                ZONES[n % len(ZONES)],
                f"host{n % 25 + 1:02d}@example.com",
                f"Agenda for session {n}: welcome, the topic, questions and next steps",
                ROOMS[n % len(ROOMS)],
            ]
        )
    book.save(path)


def run_cli(workbook: Path, output: Path) -> dict[str, Any]:
    command = [
        sys.executable,
        "-m",
        "batch_zoom",
        str(workbook),
        "--dry-run",
        "--quiet",
        "-o",
        str(output),
    ]
    environment = {**os.environ, "TZ": "UTC"}
    began = time.perf_counter()
    child = subprocess.Popen(
        command,
        cwd=workbook.parent,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    # wait4 gives this child's own rusage; RUSAGE_CHILDREN would be the max over every child.
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - began
    child.returncode = os.waitstatus_to_exitcode(status)
    stdout, stderr = child.communicate()
    peak_mb = usage.ru_maxrss / 1024  # KB on Linux
    return {
        "exit_status": child.returncode,
        "wall_s": wall,
        "peak_mb": peak_mb,
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "output_bytes": output.stat().st_size if output.exists() else 0,
        "stderr_tail": stderr.decode(errors="replace").strip().splitlines()[-5:],
    }


#: Run in a fresh interpreter: imports timed, then run_batch with each phase wrapped in a timer.
PHASES = r"""
import json, resource, sys, time
began = time.perf_counter()
phases = {}
def peak():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
import batch_zoom.run.batch as batch
from batch_zoom.config import Settings
from pathlib import Path
phases["import batch_zoom"] = (time.perf_counter() - began, peak())
imported = time.perf_counter()
import lxml.etree, python_calamine
phases["import lxml + python_calamine"] = (time.perf_counter() - imported, peak())

def timed(name, function):
    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            phases[name] = (time.perf_counter() - start, peak())
    return wrapper

batch.read_table = timed("read", batch.read_table)
batch.validate_rows = timed("validate", batch.validate_rows)
batch._plan_only = timed("plan (dry run)", batch._plan_only)
batch.write_output = timed("write", batch.write_output)
settings = Settings(input_path=Path(sys.argv[1]), output_path=Path(sys.argv[2]), dry_run=True,
                    quiet=True, timezone="UTC")
profile = len(sys.argv) > 3
if profile:
    import cProfile, pstats, io
    profiler = cProfile.Profile()
    profiler.enable()
report = batch.run_batch(settings)
total = time.perf_counter() - began
result = {"phases": phases, "total_s": total, "rows": len(report.results)}
if profile:
    profiler.disable()
    text = io.StringIO()
    pstats.Stats(profiler, stream=text).sort_stats("cumulative").print_stats(25)
    result["profile"] = text.getvalue()
print(json.dumps(result))
"""


def run_phases(workbook: Path, output: Path, profile: bool) -> dict[str, Any]:
    command = [sys.executable, "-c", PHASES, str(workbook), str(output)]
    if profile:
        command.append("profile")
    finished = subprocess.run(
        command, capture_output=True, text=True, check=True, env={**os.environ, "TZ": "UTC"}
    )
    return json.loads(finished.stdout)  # type: ignore[no-any-return]


#: One reader or writer alone in a fresh interpreter: python -c COMPARE MODE WORKBOOK OUTPUT.
COMPARE = r"""
import json, resource, sys, time
from pathlib import Path
mode, workbook, output = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
from batch_zoom.models import RowResult, Status
from batch_zoom.sheet.read import read_table
from batch_zoom.sheet.write import write_output
if mode.startswith("write"):
    table = read_table(workbook)
    results = [RowResult(r.number, Status.PLANNED, error="would create") for r in table.rows]
def peak():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
before = peak()
began = time.perf_counter()
if mode == "read-pandas-openpyxl":
    import pandas
    frame = pandas.read_excel(workbook, sheet_name=0, header=None, dtype=object,
                              keep_default_na=False, na_values=[], engine="openpyxl")
    rows = len(frame.to_numpy(dtype=object).tolist())
elif mode == "read-calamine":
    rows = len(read_table(workbook)._grid)
elif mode == "write-openpyxl":
    import openpyxl
    book = openpyxl.load_workbook(workbook, rich_text=True)
    sheet = book.worksheets[0]
    for result in results:
        sheet.cell(row=result.row, column=8).value = result.status.value
        sheet.cell(row=result.row, column=9).value = result.error
    book.save(output)
    rows = len(results)
else:
    write_output(table, results, output)
    rows = len(results)
print(json.dumps({"seconds": time.perf_counter() - began, "rows": rows,
                  "peak_mb": peak(), "peak_before_mb": before}))
"""
COMPARED = ("read-pandas-openpyxl", "read-calamine", "write-openpyxl", "write-patch")


def run_compare(workbook: Path, folder: Path) -> dict[str, Any]:
    found = {}
    for mode in COMPARED:
        finished = subprocess.run(
            [sys.executable, "-c", COMPARE, mode, str(workbook), str(folder / f"{mode}.xlsx")],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "TZ": "UTC"},
        )
        found[mode] = json.loads(finished.stdout)
    return found


def spread(values: list[float]) -> dict[str, float]:
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000, help="data rows (10000)")
    parser.add_argument("--repeat", type=int, default=1, help="CLI runs (each timed alone)")
    parser.add_argument("--no-phases", action="store_true", help="skip the per-phase timing")
    parser.add_argument(
        "--no-compare", action="store_true", help="skip the old/new reader and writer runs"
    )
    parser.add_argument("--profile", action="store_true", help="print the top 25 by cumulative")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="bz-large-") as folder_name:
        folder = Path(folder_name)
        workbook = folder / "big.xlsx"
        began = time.perf_counter()
        write_workbook(workbook, args.rows)
        made_in = time.perf_counter() - began
        runs = [run_cli(workbook, folder / f"out{n}.xlsx") for n in range(args.repeat)]
        phases = None if args.no_phases else run_phases(workbook, folder / "phases.xlsx", False)
        if args.profile:  # a run of its own: the profiler slows every phase down 2-3 times
            profiled = run_phases(workbook, folder / "profiled.xlsx", True)
            if phases is not None:
                phases["profile"] = profiled["profile"]
        compared = None if args.no_compare else run_compare(workbook, folder)
        input_bytes = workbook.stat().st_size

    walls = [run["wall_s"] for run in runs]
    peaks = [run["peak_mb"] for run in runs]
    passed = (
        statistics.median(walls) < TARGET_SECONDS
        and max(peaks) < TARGET_MB
        and all(run["exit_status"] == 0 for run in runs)
    )
    summary = {
        "rows": args.rows,
        "input_bytes": input_bytes,
        "workbook_made_s": made_in,
        "runs": runs,
        "wall_s": spread(walls),
        "peak_mb": spread(peaks),
        "phases": phases,
        "compared": compared,
        "target": {"seconds_below": TARGET_SECONDS, "mb_below": TARGET_MB},
        "passed": passed,
        "cpus": os.cpu_count(),
    }
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        print_summary(summary)
    return 0 if passed else 1


def print_summary(summary: dict[str, Any]) -> None:
    print(
        f"large input: {summary['rows']} rows, {summary['input_bytes'] / 1e6:.2f} MB .xlsx "
        f"(made in {summary['workbook_made_s']:.1f} s); "
        f"python -m batch_zoom big.xlsx --dry-run --quiet -o out.xlsx"
    )
    for number, run in enumerate(summary["runs"], 1):
        print(
            f"  run {number}: exit {run['exit_status']}, wall {run['wall_s']:.2f} s, "
            f"cpu {run['cpu_s']:.2f} s, peak RSS {run['peak_mb']:.0f} MB, "
            f"output {run['output_bytes'] / 1e6:.2f} MB"
        )
        if run["exit_status"] not in (0,) and run["stderr_tail"]:
            print("         stderr: " + " | ".join(run["stderr_tail"]))
    wall, peak = summary["wall_s"], summary["peak_mb"]
    print(
        f"wall median {wall['median']:.2f} s (min {wall['min']:.2f}, max {wall['max']:.2f}); "
        f"peak RSS median {peak['median']:.0f} MB (min {peak['min']:.0f}, max {peak['max']:.0f})"
    )
    phases = summary["phases"]
    if phases is not None:
        print(f"where the time goes (one in-process run, {phases['total_s']:.2f} s in all):")
        for name, (seconds, peak_after) in phases["phases"].items():
            print(f"  {name:<26} {seconds:6.2f} s   peak RSS after it {peak_after:5.0f} MB")
        if "profile" in phases:
            print("top 25 by cumulative time (a separate, profiled run):")
            print(phases["profile"])
    compared = summary["compared"]
    if compared is not None:
        print("each reader and writer alone (fresh interpreter; peak RSS includes its imports):")
        for mode, figures in compared.items():
            print(
                f"  {mode:<22} {figures['seconds']:6.2f} s   peak RSS {figures['peak_mb']:5.0f} MB"
                f"   ({figures['rows']} rows)"
            )
    verdict = "PASS" if summary["passed"] else "FAIL"
    print(
        f"{verdict}: wall {wall['median']:.2f} s (target < {TARGET_SECONDS:g} s), "
        f"peak {peak['max']:.0f} MB (target < {TARGET_MB:g} MB)"
    )


if __name__ == "__main__":
    sys.exit(main())
