"""Settings from flags, the environment and a ``.env`` file.

This is the only module that reads ``os.environ``. Everything downstream receives a frozen
``Settings`` and never looks at the process environment itself.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dotenv import dotenv_values

from .errors import ConfigError
from .files import resolved
from .i18n import _

DEFAULT_API_URL = "https://api.zoom.us/v2"
DEFAULT_OAUTH_URL = "https://zoom.us/oauth/token"
CREDENTIAL_VARIABLES = ("ZOOM_ACCOUNT_ID", "ZOOM_CLIENT_ID", "ZOOM_CLIENT_SECRET")

#: A create past the 30 s read timeout may still land on Zoom: 35 s after sending has been seen.
#: A row not found is looked up once more this long after the first look, then sent again.
DEFAULT_RECHECK_SECONDS = 30.0


@dataclass(frozen=True)
class Credentials:
    """Server-to-Server OAuth credentials. The secret never appears in ``repr``."""

    account_id: str
    client_id: str
    client_secret: str = field(repr=False)


@dataclass(frozen=True)
class Settings:
    input_path: Path
    output_path: Path
    sheet: str | None = None
    encoding: str | None = None
    timezone: str | None = None  # default zone for rows without one; None: the machine's zone
    user: str = "me"  # default host for rows without one
    dry_run: bool = False
    sandbox: bool = False
    api_url: str = DEFAULT_API_URL
    oauth_url: str = DEFAULT_OAUTH_URL
    credentials: Credentials | None = None
    rate: float | None = None  # requests a second at most; None: as fast as Zoom allows
    workers: int | None = None  # requests in flight at most; None: follow the rate
    quiet: bool = False
    report_path: Path | None = None
    option_defaults: Mapping[str, Any] = field(default_factory=dict)  # field -> raw cell value
    undo: bool = False
    yes: bool = False
    recreate_missing: bool = False
    remove_duplicates: bool = False  # the receipt deletes duplicates the output does not name
    date_order: str | None = None  # "dmy" or "mdy": how to read 03/04/2027; None: refuse it
    registrant_emails: bool = False  # Zoom's own confirmation email to each registrant
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    max_wait: float = 600.0  # longest a row may wait on a busy Zoom before it is failed
    settle_seconds: float = 2.0  # pause before a look-up that settles an unknown outcome
    recheck_seconds: float = DEFAULT_RECHECK_SECONDS  # before the second look, then a resend
    #: longest the receipt waits for Zoom's listing to show a meeting Zoom holds (it may list a
    #: new meeting some seconds late: a guess, see sandbox/habits.py)
    listing_lag: float = 10.0
    check: bool = False  # --check: read from Zoom what the batch needs; write nothing there
    hosts: tuple[str, ...] = ()  # --hosts: the pool for rows without a host (else the Hosts sheet)
    no_double_booking: bool = False  # a row overlapping another of its host's is invalid
    # --check, or a dry run of a schedule itself: the schedule whose journal is read (not written)
    schedule_path: Path | None = None

    @property
    def journal_path(self) -> Path:
        """Sandbox runs keep their own journal, so they never mark a real meeting as made."""
        suffix = ".sandbox.journal" if self.sandbox else ".journal"
        # beside the file a symlinked output points to; --check: the schedule it checks
        output = resolved(self.schedule_path or self.output_path)
        return output.with_name(output.name + suffix)

    @property
    def calendar_path(self) -> Path:
        """The participants' calendar file beside the output: ``december_scheduled.ics``."""
        return self.output_path.with_suffix(".ics")


def default_output_path(input_path: Path, *, sandbox: bool = False) -> Path:
    """``december.xlsx`` -> ``december_scheduled.xlsx``; an output given as input is updated.

    A sandbox run writes ``december_sandbox.xlsx`` instead, so it never touches a real run's
    results (``_scheduled`` run with ``--sandbox`` gives ``_scheduled_sandbox``).
    """
    suffix = "_sandbox" if sandbox else "_scheduled"
    if input_path.stem.endswith(suffix):
        return input_path
    return input_path.with_name(f"{input_path.stem}{suffix}{input_path.suffix}")


def output_path_for(input_path: Path, given: Path | None = None, *, sandbox: bool = False) -> Path:
    """Where the results go: ``-o``, else the default; a symlink means the file it links to.

    Resolved here, once, so that the journal is the one beside the real file (a link to an
    earlier output keeps that output's journal) and the link itself is never replaced.
    """
    return resolved(given or default_output_path(input_path, sandbox=sandbox))


def read_environment(cwd: Path | None = None) -> dict[str, str]:
    """The process environment over the values of ``.env`` in the working directory."""
    dotenv = Path(cwd or Path.cwd()) / ".env"
    values: dict[str, str] = {}
    if dotenv.is_file():
        values.update({k: v for k, v in dotenv_values(dotenv).items() if v is not None})
    values.update(os.environ)
    return values


def credentials_from(environment: Mapping[str, str]) -> Credentials:
    missing = [name for name in CREDENTIAL_VARIABLES if not environment.get(name, "").strip()]
    if missing:
        raise ConfigError(
            _("Zoom credentials are not set: {names}").format(names=_(", ").join(missing)),
            hint=_(
                "set ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET (environment or .env)"
                " from your Server-to-Server OAuth app, or try the tool with --sandbox"
            ),
        )
    return Credentials(
        account_id=environment["ZOOM_ACCOUNT_ID"].strip(),
        client_id=environment["ZOOM_CLIENT_ID"].strip(),
        client_secret=environment["ZOOM_CLIENT_SECRET"].strip(),
    )


def endpoints_from(environment: Mapping[str, str]) -> tuple[str, str]:
    api = environment.get("ZOOM_API_URL", "").strip() or DEFAULT_API_URL
    oauth = environment.get("ZOOM_OAUTH_URL", "").strip() or DEFAULT_OAUTH_URL
    for name, url in (("ZOOM_API_URL", api), ("ZOOM_OAUTH_URL", oauth)):
        if not url.startswith(("https://", "http://")):
            raise ConfigError(
                _("{name} is not an http(s) URL: {url}").format(name=name, url=repr(url))
            )
    return api.rstrip("/"), oauth


def local_timezone(environment: Mapping[str, str]) -> str:
    """This computer's IANA zone name: ``TZ`` when it names one, else the system's, else UTC."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    candidate = environment.get("TZ", "").strip().lstrip(":")
    if candidate:
        try:
            ZoneInfo(candidate)
            return candidate
        except (ZoneInfoNotFoundError, ValueError):
            pass
    try:
        from tzlocal import get_localzone_name

        return get_localzone_name() or "UTC"
    except Exception:  # tzlocal raises several kinds on odd systems; the zone is only a default
        return "UTC"
