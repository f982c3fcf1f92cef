"""How close does a batch come to Zoom's rate limit, and what did the seed article's loop manage?

Starts a ``ZoomSandbox`` in this process with Zoom-like latency and a per-second limit, writes a
CSV of future meetings spread over several hosts, and runs the real command as a subprocess:

    python -m batch_zoom meetings.csv -o meetings_scheduled.csv --quiet

with ZOOM_API_URL / ZOOM_OAUTH_URL / ZOOM_* credentials pointing at the sandbox and no other flag,
so the defaults are what is measured. Then it checks that every row ended as exactly one meeting
on the sandbox, and times a BASELINE that does what the seed article did: one row at a time, a
new token for every meeting (``requests.post`` for the token, ``requests.post`` for the meeting),
on the first ``--baseline-rows`` rows, extrapolated to all rows.

    python benchmarks/throughput.py                 # 300 rows, 8 hosts, 150 ms, 20 req/s
    python benchmarks/throughput.py --repeat 3      # three CLI runs: median and spread
    python benchmarks/throughput.py --json          # one JSON object on stdout

Done when: fraction of the ceiling >= 0.87 and fewer than 5% of requests answered 429.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import requests

from batch_zoom.sandbox import ZoomSandbox

TARGET_FRACTION = 0.87
TARGET_429_SHARE = 0.05
ACCOUNT_ID, CLIENT_ID, CLIENT_SECRET = "bench-account", "bench-client", "bench-secret-not-real"
FIRST_START = datetime(2030, 3, 4, 9, 0)  # far in the future: never "in the past" for Zoom


# -- the input ------------------------------------------------------------------------------


def meeting_rows(rows: int, hosts: int) -> list[dict[str, str]]:
    """``rows`` meetings, distinct topics, hosts taken in turn, one every half hour in UTC."""
    return [
        {
            "topic": f"Benchmark meeting {n:05d}",
            "start_time": (FIRST_START + timedelta(minutes=30 * n)).strftime("%Y-%m-%d %H:%M"),
            "duration": str(30 + 15 * (n % 4)),
            "timezone": "UTC",
            "host": f"host{n % hosts + 1:02d}@example.com",
            "agenda": f"Item {n}: minutes, actions, next steps",
        }
        for n in range(rows)
    ]


def write_csv(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def new_sandbox(args: argparse.Namespace, rows: int) -> ZoomSandbox:
    # Zoom's daily limit is 100 creates per host; raise it only if --rows/--hosts would pass it,
    # so this measures pacing, not the daily quota.
    daily = max(100, math.ceil(rows / args.hosts))
    return ZoomSandbox(
        account_id=ACCOUNT_ID,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        latency=args.latency,
        qps=args.qps,  # the same per-second limit for every category, as on a Pro account
        daily_limit=daily,
    )


# -- the tool -------------------------------------------------------------------------------


def run_cli(args: argparse.Namespace, folder: Path, rows: list[dict[str, str]]) -> dict[str, Any]:
    source = folder / "meetings.csv"
    output = folder / "meetings_scheduled.csv"
    write_csv(source, rows)
    with new_sandbox(args, len(rows)) as sandbox:
        environment = {
            **os.environ,
            "ZOOM_API_URL": sandbox.api_url,
            "ZOOM_OAUTH_URL": sandbox.oauth_url,
            "ZOOM_ACCOUNT_ID": ACCOUNT_ID,
            "ZOOM_CLIENT_ID": CLIENT_ID,
            "ZOOM_CLIENT_SECRET": CLIENT_SECRET,
        }
        command = [
            sys.executable,
            "-m",
            "batch_zoom",
            str(source),
            "-o",
            str(output),
            "--quiet",
            *args.cli_flag,
        ]
        began_at = sandbox.now()
        began = time.perf_counter()
        finished = subprocess.run(
            command, cwd=folder, env=environment, capture_output=True, text=True, timeout=600
        )
        wall = time.perf_counter() - began
        ended_at = sandbox.now()
        log = sandbox.requests
        meetings = sandbox.meetings()

    statuses = Counter(record.status for record in log)
    tokens = sum(1 for record in log if record.path.endswith("/oauth/token"))
    api = [record for record in log if record.path.startswith("/v2/")]
    first = min((record.at for record in log), default=began_at)
    last = max((record.at for record in log), default=ended_at)
    throttled = statuses.get(429, 0)
    ceiling = len(rows) / args.qps
    check = check_meetings(rows, meetings, output)
    return {
        "exit_status": finished.returncode,
        "stderr_tail": finished.stderr.strip().splitlines()[-5:],
        "wall_s": wall,
        "rows_per_s": len(rows) / wall,
        "ceiling_s": ceiling,
        "fraction_of_ceiling": ceiling / wall,
        "requests": len(log),
        "api_requests": len(api),
        "requests_429": throttled,
        "share_429": throttled / len(log) if log else 0.0,
        "token_requests": tokens,
        "other_statuses": {str(k): v for k, v in statuses.items() if k not in (200, 201, 429)},
        # where the wall time goes, from the sandbox's own clock
        "startup_s": (first - began_at).total_seconds(),
        "request_span_s": (last - first).total_seconds(),
        "after_last_request_s": (ended_at - last).total_seconds(),
        **check,
    }


def check_meetings(
    rows: list[dict[str, str]], meetings: list[dict[str, Any]], output: Path
) -> dict[str, Any]:
    """Every row one meeting: the right count, no duplicate, every topic there, all 'created'."""
    keys = Counter((m["host_email"], m["topic"], m.get("start_time")) for m in meetings)
    duplicates = sum(count - 1 for count in keys.values() if count > 1)
    wanted = {(row["host"], row["topic"]) for row in rows}
    made = {(m["host_email"], m["topic"]) for m in meetings}
    statuses: Counter[str] = Counter()
    if output.exists():
        with output.open(encoding="utf-8-sig", newline="") as lines:
            statuses = Counter(line.get("status", "") for line in csv.DictReader(lines))
    ok = (
        len(meetings) == len(rows)
        and duplicates == 0
        and made == wanted
        and statuses.get("created", 0) == len(rows)
    )
    return {
        "meetings": len(meetings),
        "duplicates": duplicates,
        "rows_without_meeting": len(wanted - made),
        "output_statuses": dict(statuses),
        "one_meeting_per_row": ok,
    }


# -- the seed article's loop ----------------------------------------------------------------


def run_baseline(args: argparse.Namespace, rows: list[dict[str, str]]) -> dict[str, Any]:
    """One row at a time; for each, a new token (POST), then the meeting (POST)."""
    sample = rows[: args.baseline_rows]
    with new_sandbox(args, len(sample)) as sandbox:
        began = time.perf_counter()
        for row in sample:
            token = requests.post(
                sandbox.oauth_url,
                data={"grant_type": "account_credentials", "account_id": ACCOUNT_ID},
                auth=(CLIENT_ID, CLIENT_SECRET),
                timeout=30,
            ).json()["access_token"]
            requests.post(
                f"{sandbox.api_url}/users/{row['host']}/meetings",
                headers={"Authorization": f"Bearer {token}"},
                json={
                    "topic": row["topic"],
                    "type": 2,
                    "start_time": row["start_time"].replace(" ", "T") + ":00",
                    "duration": int(row["duration"]),
                    "timezone": row["timezone"],
                    "agenda": row["agenda"],
                },
                timeout=30,
            )
        wall = time.perf_counter() - began
        made = len(sandbox.meetings())
        throttled = sandbox.count(status=429)
        requests_sent = len(sandbox.requests)
    per_row = wall / len(sample)
    extrapolated = per_row * len(rows)
    ceiling = len(rows) / args.qps
    return {
        "rows_run": len(sample),
        "meetings": made,
        "requests": requests_sent,
        "requests_429": throttled,
        "wall_s": wall,
        "per_row_s": per_row,
        "extrapolated_wall_s": extrapolated,
        "rows_per_s": 1 / per_row,
        "fraction_of_ceiling": ceiling / extrapolated,
        "token_requests_extrapolated": len(rows),
    }


# -- reporting ------------------------------------------------------------------------------


def spread(values: list[float]) -> dict[str, float]:
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=300, help="meetings in the CSV (300)")
    parser.add_argument("--hosts", type=int, default=8, help="hosts the rows go to in turn (8)")
    parser.add_argument("--latency", type=float, default=0.150, help="seconds per answer (0.150)")
    parser.add_argument("--qps", type=int, default=20, help="sandbox requests/second limit (20)")
    parser.add_argument("--baseline-rows", type=int, default=40, help="rows the baseline runs (40)")
    parser.add_argument("--repeat", type=int, default=1, help="CLI runs, each on a fresh sandbox")
    parser.add_argument("--no-baseline", action="store_true", help="skip the baseline")
    parser.add_argument(
        "--cli-flag",
        action="append",
        default=[],
        metavar="ARG",
        help="extra argument for the CLI, for experiments only (e.g. --cli-flag=--rate=19); "
        "the target is about the defaults",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object instead")
    args = parser.parse_args(argv)

    rows = meeting_rows(args.rows, args.hosts)
    runs = []
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory(prefix="bz-throughput-") as folder:
            runs.append(run_cli(args, Path(folder), rows))
    baseline = None if args.no_baseline else run_baseline(args, rows)

    walls = [run["wall_s"] for run in runs]
    fractions = [run["fraction_of_ceiling"] for run in runs]
    shares = [run["share_429"] for run in runs]
    median_fraction = statistics.median(fractions)
    worst_share = max(shares)
    passed = (
        median_fraction >= TARGET_FRACTION
        and worst_share < TARGET_429_SHARE
        and all(run["one_meeting_per_row"] and run["exit_status"] == 0 for run in runs)
    )
    summary = {
        "settings": {
            "rows": args.rows,
            "hosts": args.hosts,
            "latency_s": args.latency,
            "qps": args.qps,
            "cli_flags": args.cli_flag,
            "cpus": os.cpu_count(),
        },
        "runs": runs,
        "wall_s": spread(walls),
        "fraction_of_ceiling": spread(fractions),
        "share_429": spread(shares),
        "baseline": baseline,
        "target": {"fraction_at_least": TARGET_FRACTION, "share_429_below": TARGET_429_SHARE},
        "passed": passed,
    }
    if args.json:
        print(json.dumps(summary, indent=2, default=str))
    else:
        print_summary(args, summary)
    return 0 if passed else 1


def print_summary(args: argparse.Namespace, summary: dict[str, Any]) -> None:
    runs = summary["runs"]
    ceiling = args.rows / args.qps
    flags = " ".join(args.cli_flag) or "(none: the defaults)"
    print(
        f"throughput: {args.rows} rows over {args.hosts} hosts; sandbox latency "
        f"{args.latency * 1000:.0f} ms, {args.qps} requests/s; CLI flags {flags}"
    )
    for number, run in enumerate(runs, 1):
        print(
            f"  run {number}: exit {run['exit_status']}, wall {run['wall_s']:.2f} s "
            f"({run['rows_per_s']:.1f} rows/s), {run['fraction_of_ceiling']:.3f} of the ceiling; "
            f"{run['requests']} requests, {run['requests_429']} answered 429 "
            f"({run['share_429']:.1%}), {run['token_requests']} token request(s); "
            f"startup {run['startup_s']:.2f} s + requests {run['request_span_s']:.2f} s "
            f"+ after the last request {run['after_last_request_s']:.2f} s"
        )
        print(
            f"         meetings on the sandbox {run['meetings']} (want {args.rows}), "
            f"duplicates {run['duplicates']}, rows without a meeting "
            f"{run['rows_without_meeting']}, output statuses {run['output_statuses']}: "
            + ("one meeting per row" if run["one_meeting_per_row"] else "WRONG")
        )
        if run["exit_status"] != 0 and run["stderr_tail"]:
            print("         stderr: " + " | ".join(run["stderr_tail"]))
    wall, fraction = summary["wall_s"], summary["fraction_of_ceiling"]
    print(
        f"ceiling: {args.rows} rows / {args.qps} per s = {ceiling:.1f} s; wall median "
        f"{wall['median']:.2f} s (min {wall['min']:.2f}, max {wall['max']:.2f}); fraction median "
        f"{fraction['median']:.3f} (min {fraction['min']:.3f}, max {fraction['max']:.3f})"
    )
    baseline = summary["baseline"]
    if baseline is not None:
        print(
            f"baseline (seed article: token + create per row, one at a time): ran "
            f"{baseline['rows_run']} rows in {baseline['wall_s']:.2f} s "
            f"({baseline['per_row_s'] * 1000:.0f} ms a row, {baseline['meetings']} meetings, "
            f"{baseline['requests_429']} 429s); EXTRAPOLATED to {args.rows} rows: "
            f"{baseline['extrapolated_wall_s']:.1f} s, {baseline['rows_per_s']:.2f} rows/s, "
            f"{baseline['fraction_of_ceiling']:.3f} of the ceiling, "
            f"{baseline['token_requests_extrapolated']} token requests"
        )
        speedup = baseline["extrapolated_wall_s"] / wall["median"]
        print(f"speed-up over the baseline: {speedup:.1f}x")
    verdict = "PASS" if summary["passed"] else "FAIL"
    print(
        f"{verdict}: fraction of the ceiling {fraction['median']:.3f} (target >= "
        f"{TARGET_FRACTION}), worst 429 share {summary['share_429']['max']:.1%} (target < "
        f"{TARGET_429_SHARE:.0%}), one meeting per row in every run: "
        f"{all(run['one_meeting_per_row'] for run in runs)}"
    )


if __name__ == "__main__":
    sys.exit(main())
