"""Shared fixtures."""

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from batch_zoom.config import Credentials, Settings, default_output_path
from batch_zoom.sandbox import ZoomSandbox


@pytest.fixture
def sandbox() -> Iterator[ZoomSandbox]:
    """A started Zoom sandbox on a free localhost port (default settings), stopped afterwards."""
    with ZoomSandbox() as started:
        yield started


HEADER = ["topic", "start_time", "duration", "timezone", "host"]


def meeting_rows(count: int, hosts: int = 2, *, day: int = 7) -> list[list[object]]:
    """``count`` valid rows in 2030 spread over ``hosts`` hosts, with distinct topics."""
    return [
        [
            f"Meeting {n:03d}",
            f"2030-01-{day:02d} {9 + n % 8:02d}:{(n * 5) % 60:02d}",
            30 + n % 4 * 15,
            "Asia/Tokyo",
            f"host{n % hosts}@example.com",
        ]
        for n in range(count)
    ]


def write_csv(path: Path, rows: list[list[object]], header: list[str] | None = None) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header or HEADER)
        writer.writerows(rows)
    return path


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


def settings_for(sandbox: ZoomSandbox, input_path: Path, **overrides: Any) -> Settings:
    """Settings for a real (non-dry) run against ``sandbox``, as the CLI would build them."""
    values: dict[str, Any] = {
        "input_path": input_path,
        "output_path": default_output_path(input_path),
        "timezone": "Asia/Tokyo",
        "api_url": sandbox.api_url,
        "oauth_url": sandbox.oauth_url,
        "credentials": Credentials("sandbox-account", "sandbox-client", "sandbox-secret"),
        "rate": 1000.0,
        "settle_seconds": 0.0,
    }
    values.update(overrides)
    return Settings(**values)


class Sleeps:
    """An injected ``sleep`` that records the waits instead of waiting, and the clock it moves."""

    def __init__(self) -> None:
        self.waits: list[float] = []
        self.now = 1000.0

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.now += seconds

    def clock(self) -> float:
        return self.now


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def zoom_env(sandbox: ZoomSandbox, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> ZoomSandbox:
    """The environment a user sets for a real run, pointed at the sandbox; cwd is tmp_path."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ZOOM_ACCOUNT_ID", "sandbox-account")
    monkeypatch.setenv("ZOOM_CLIENT_ID", "sandbox-client")
    monkeypatch.setenv("ZOOM_CLIENT_SECRET", "sandbox-secret")
    monkeypatch.setenv("ZOOM_API_URL", sandbox.api_url)
    monkeypatch.setenv("ZOOM_OAUTH_URL", sandbox.oauth_url)
    return sandbox
