"""Shared fixtures."""

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from batch_zoom.config import Credentials, Settings, default_output_path
from batch_zoom.i18n import use_language
from batch_zoom.sandbox import ZoomSandbox


@pytest.fixture(autouse=True)
def english(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Tests read English unless they choose Japanese, whatever the developer's own locale."""
    monkeypatch.setenv("BATCH_ZOOM_LANG", "en")
    yield
    use_language("en")


@pytest.fixture
def sandbox() -> Iterator[ZoomSandbox]:
    """A started Zoom sandbox on a free localhost port, stopped afterwards.

    Default settings except per-second limits, which are off (``plan=None``): most tests run
    the pacer on a fake clock, which cannot keep a real sliding second. Pacing against the
    limits is tested in test_pacing.py and test_sandbox.py, and measured in benchmarks/.
    """
    with ZoomSandbox(plan=None) as started:
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


class ZoomTime(Sleeps):
    """An injected sleep that moves the sandbox clock by the time it pretends to wait."""

    def __init__(self, sandbox: ZoomSandbox) -> None:
        super().__init__()
        self.sandbox = sandbox

    def __call__(self, seconds: float) -> None:
        super().__call__(seconds)
        self.sandbox.advance(seconds)


@pytest.fixture
def zoom_time(sandbox: ZoomSandbox) -> ZoomTime:
    return ZoomTime(sandbox)


def point_environment_at(monkeypatch: pytest.MonkeyPatch, sandbox: ZoomSandbox, cwd: Path) -> None:
    """Set the variables of a real run, pointing at ``sandbox``; the working folder is ``cwd``."""
    monkeypatch.chdir(cwd)
    monkeypatch.setenv("ZOOM_ACCOUNT_ID", "sandbox-account")
    monkeypatch.setenv("ZOOM_CLIENT_ID", "sandbox-client")
    monkeypatch.setenv("ZOOM_CLIENT_SECRET", "sandbox-secret")
    monkeypatch.setenv("ZOOM_API_URL", sandbox.api_url)
    monkeypatch.setenv("ZOOM_OAUTH_URL", sandbox.oauth_url)


@pytest.fixture
def zoom_env(sandbox: ZoomSandbox, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> ZoomSandbox:
    """The environment a user sets for a real run, pointed at the sandbox; cwd is tmp_path."""
    point_environment_at(monkeypatch, sandbox, tmp_path)
    return sandbox


def sandbox_token(sandbox: ZoomSandbox) -> str:
    """A token of our own from the sandbox, as another tool on the account would get one."""
    answer = requests.post(
        sandbox.oauth_url,
        data={"grant_type": "account_credentials", "account_id": "sandbox-account"},
        auth=("sandbox-client", "sandbox-secret"),
        timeout=5,
    )
    return str(answer.json()["access_token"])


def delete_behind_the_tools_back(sandbox: ZoomSandbox, meeting_id: str) -> None:
    """Someone deletes the meeting in Zoom's web portal: a DELETE with a token of our own."""
    token = sandbox_token(sandbox)
    answer = requests.delete(
        f"{sandbox.api_url}/meetings/{meeting_id}",
        headers={"Authorization": f"Bearer {token}"},
        timeout=5,
    )
    assert answer.status_code == 204


def create_behind_the_tools_back(sandbox: ZoomSandbox, meeting: dict[str, Any]) -> int:
    """Someone (another tool, a late create) makes a second meeting like ``meeting``, a moment
    later; returns its id."""
    token = sandbox_token(sandbox)
    body = {key: meeting[key] for key in ("topic", "start_time", "duration", "timezone")}
    body["type"] = 2
    sandbox.advance(1)  # created a second later: the newer of the two
    answer = requests.post(
        f"{sandbox.api_url}/users/{meeting['host_email']}/meetings",
        json=body,
        headers={"Authorization": f"Bearer {token}"},
        timeout=5,
    )
    assert answer.status_code == 201
    return int(answer.json()["id"])
