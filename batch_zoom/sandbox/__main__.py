"""``python -m batch_zoom.sandbox``: serve a Zoom sandbox on localhost until Ctrl-C."""

from __future__ import annotations

import argparse
import contextlib
import threading
from collections.abc import Sequence

from .server import ZoomSandbox
from .users import load_users


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m batch_zoom.sandbox",
        description="A local Zoom emulator for trying batch_zoom without a Zoom account.",
    )
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0: any free one)")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds added to each answer")
    parser.add_argument("--qps", type=int, default=None, help="per-second limit per category")
    parser.add_argument(
        "--plan",
        choices=["free", "pro", "business", "none"],
        default="pro",
        help="per-second limits of this Zoom plan (default pro; none: unlimited)",
    )
    parser.add_argument(
        "--create-category",
        choices=["medium", "light"],
        default="medium",
        help="category that meters creates (medium: 2023 specs; light: 2026 spec)",
    )
    parser.add_argument(
        "--rate-headers",
        choices=["all", "refusals", "none"],
        default="all",
        help="which answers carry X-RateLimit-* headers (default all)",
    )
    parser.add_argument(
        "--daily-limit", type=int, default=100, help="creates+updates per host a day"
    )
    parser.add_argument("--state", default=None, help="JSON file that keeps meetings across runs")
    parser.add_argument(
        "--users",
        default=None,
        metavar="FILE",
        help="JSON list of the account's users (emails, or objects with email, type, status, "
        "timezone, passcode_policy); only they exist. Default: any well-formed email is a user",
    )
    parser.add_argument("--account-id", default="sandbox-account")
    parser.add_argument("--client-id", default="sandbox-client")
    parser.add_argument("--client-secret", default="sandbox-secret")
    args = parser.parse_args(argv)

    sandbox = ZoomSandbox(
        account_id=args.account_id,
        users=load_users(args.users) if args.users else None,
        client_id=args.client_id,
        client_secret=args.client_secret,
        latency=args.latency,
        qps=args.qps,
        plan=None if args.plan == "none" else args.plan,
        create_category=args.create_category,
        rate_headers=args.rate_headers,
        daily_limit=args.daily_limit,
        state_path=args.state,
        port=args.port,
    )
    with sandbox:
        # These are the sandbox's own made-up credentials, not secrets.
        print(f"Zoom sandbox listening on {sandbox.base_url}", flush=True)
        print("Point batch_zoom at it with:", flush=True)
        print(
            f"export ZOOM_API_URL={sandbox.api_url} ZOOM_OAUTH_URL={sandbox.oauth_url} "
            f"ZOOM_ACCOUNT_ID={args.account_id} ZOOM_CLIENT_ID={args.client_id} "
            f"ZOOM_CLIENT_SECRET={args.client_secret}",
            flush=True,
        )
        print(
            "The join and start links it makes (https://sandbox.zoom.invalid/...) are not real "
            "Zoom meetings.",
            flush=True,
        )
        if not args.users:
            print(
                "Any well-formed email is accepted as a user; use --users FILE for a strict list.",
                flush=True,
            )
        print("Press Ctrl-C to stop.", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
