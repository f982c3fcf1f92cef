"""Where the page keeps things: a per-user data folder and a per-user configuration folder.

Not a temporary folder: a sheet chosen again finds the journal of its earlier run, so the page
keeps the promise the command line keeps (nothing twice; an interrupted run resumes). A name the
browser sends is never a path here: ``stored_name`` keeps letters, digits and a few marks of its
last part only, and the result always lies directly inside the folder it was made for.
"""

from __future__ import annotations

import os
import re
import sys
import unicodedata
from collections.abc import Mapping
from pathlib import Path

from dotenv import dotenv_values

from ..config import CREDENTIAL_VARIABLES, Credentials

APP = "batch_zoom"
SHEET_SUFFIXES = (".xlsx", ".xlsm", ".csv")
#: Longest stem kept from a browser's file name (a file system allows 255 bytes; UTF-8 Japanese
#: takes 3 a character, and ``_scheduled_dry_run.xlsx.sandbox.journal`` is added to it).
LONGEST_STEM = 60


def _home(environment: Mapping[str, str]) -> Path:
    home = environment.get("HOME") or environment.get("USERPROFILE")
    return Path(home) if home else Path.home()


def data_folder(environment: Mapping[str, str]) -> Path:
    """``~/.local/share/batch_zoom`` (XDG), ``~/Library/Application Support/batch_zoom`` (macOS),
    ``%LOCALAPPDATA%\\batch_zoom`` (Windows)."""
    if sys.platform == "win32":
        base = environment.get("LOCALAPPDATA") or str(_home(environment) / "AppData" / "Local")
        return Path(base) / APP
    if sys.platform == "darwin":
        return _home(environment) / "Library" / "Application Support" / APP
    base = environment.get("XDG_DATA_HOME") or str(_home(environment) / ".local" / "share")
    return Path(base) / APP


def config_folder(environment: Mapping[str, str]) -> Path:
    """``~/.config/batch_zoom`` (XDG), the data folder on macOS, ``%APPDATA%\\batch_zoom``."""
    if sys.platform == "win32":
        base = environment.get("APPDATA") or str(_home(environment) / "AppData" / "Roaming")
        return Path(base) / APP
    if sys.platform == "darwin":
        return data_folder(environment)
    base = environment.get("XDG_CONFIG_HOME") or str(_home(environment) / ".config")
    return Path(base) / APP


def stored_name(browser_name: str) -> str | None:
    """A safe file name for a sheet the browser sent as ``browser_name``; None when its kind is
    not one we read. ``../../etc/x.xlsx`` -> ``x.xlsx``; ``C:\\a\\b 12月.xlsx`` ->
    ``b 12月.xlsx``."""
    last = re.split(r"[/\\]", unicodedata.normalize("NFC", browser_name))[-1]
    stem, dot, suffix = last.rpartition(".")
    suffix = f".{suffix.casefold()}"
    if not dot or suffix not in SHEET_SUFFIXES:
        return None
    cleaned = re.sub(r"[^\w\- ]", "_", stem).strip(" ._")[:LONGEST_STEM].strip(" ._")
    return f"{cleaned or 'sheet'}{suffix}"


def inside(folder: Path, name: str) -> Path:
    """``folder / name``, refusing anything that would not lie directly inside ``folder``."""
    path = folder / name
    if path.parent != folder or name in ("", ".", "..") or "/" in name or "\\" in name:
        raise ValueError(f"not a plain file name: {name!r}")
    return path


def credentials_file(environment: Mapping[str, str]) -> Path:
    return config_folder(environment) / "credentials.env"


def remembered(environment: Mapping[str, str]) -> Credentials | None:
    """The credentials stored by "remember" on the page, or None."""
    path = credentials_file(environment)
    if not path.is_file():
        return None
    values = dotenv_values(path)
    found = [str(values.get(name) or "").strip() for name in CREDENTIAL_VARIABLES]
    return Credentials(*found) if all(found) else None


def remember(credentials: Credentials, environment: Mapping[str, str]) -> Path:
    """Store ``credentials`` for this user only: the folder 0700, the file 0600 from its first
    byte (created with that mode, never widened afterwards)."""
    path = credentials_file(environment)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    values = (credentials.account_id, credentials.client_id, credentials.client_secret)
    text = "".join(
        f"{name}='{value}'\n" for name, value in zip(CREDENTIAL_VARIABLES, values, strict=True)
    )
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        if hasattr(os, "fchmod"):
            os.fchmod(descriptor, 0o600)  # a file made earlier with wider permissions
        os.write(descriptor, text.encode("utf-8"))
    finally:
        os.close(descriptor)
    return path
