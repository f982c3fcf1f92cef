"""How long a run waits when Zoom's meeting list keeps failing: one budget, or one per host?

A sandbox answers every listing with 503 and drops every create unanswered; a batch of rows over
N hosts runs in-process with real sleeps and a small waiting budget (``max_wait``), so the whole
thing takes seconds. With the
budget shared by all hosts and spent in parallel the run waits about one budget; one host after
another, each with its own budget, it would wait N budgets (at the default 600 s and 8 hosts:
80 minutes). PASS when the wall time stays under twice the budget and nothing was created.

    python benchmarks/failing_listing.py                 # 8 hosts, 5 s budget
    python benchmarks/failing_listing.py --hosts 16 --max-wait 10 --json
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import tempfile
import time
from pathlib import Path

from batch_zoom.config import Credentials, Settings
from batch_zoom.run.batch import run_batch
from batch_zoom.sandbox import Fault, ZoomSandbox


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hosts", type=int, default=8)
    parser.add_argument("--rows-per-host", type=int, default=2)
    parser.add_argument("--max-wait", type=float, default=5.0)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, ZoomSandbox() as sandbox:
        sandbox.inject(Fault("error_before", method="GET", path="/users/", status=503, times=10**9))
        # Creates that get no answer (and make nothing) need a look-up too, so a version that
        # lists only to settle unknown creates meets the failing listing as well.
        sandbox.inject(Fault("drop_before", method="POST", path="/meetings", times=10**9))
        path = Path(folder) / "meetings.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["topic", "start_time", "duration", "timezone", "host"])
            for n in range(args.hosts * args.rows_per_host):
                host = f"host{n % args.hosts}@example.com"
                writer.writerow([f"Meeting {n}", f"2030-01-07 {9 + n % 8}:00", 30, "UTC", host])
        settings = Settings(
            input_path=path,
            output_path=Path(folder) / "meetings_scheduled.csv",
            api_url=sandbox.api_url,
            oauth_url=sandbox.oauth_url,
            credentials=Credentials("sandbox-account", "sandbox-client", "sandbox-secret"),
            rate=1000.0,
            max_wait=args.max_wait,
        )
        started = time.monotonic()
        report = run_batch(settings)
        wall = time.monotonic() - started
        listings = sandbox.count(method="GET", path_contains="/users/")
        created = len(sandbox.meetings())
    passed = wall < 2 * args.max_wait and created == 0
    figures = {
        "hosts": args.hosts,
        "max_wait_s": args.max_wait,
        "wall_s": round(wall, 2),
        "one_host_after_another_s": args.hosts * args.max_wait,
        "listing_requests": listings,
        "meetings_created": created,
        "rows_failed": sum(1 for r in report.results if r.status.value == "failed"),
        "pass": passed,
    }
    if args.json:
        print(json.dumps(figures))
    else:
        for name, value in figures.items():
            print(f"{name}: {value}")
        print("PASS" if passed else "FAIL", f"(target: wall < {2 * args.max_wait:g} s)")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
