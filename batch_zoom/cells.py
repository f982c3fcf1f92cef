"""One spreadsheet cell, whatever read it: is it empty, what text it holds, how to quote it.

Cells arrive as ``None``, str, int, float, bool, datetime or ``datetime.time`` (and numpy scalars
or NaN/NaT from pandas); every module that looks at a cell asks these questions the same way.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from .i18n import _

_QUOTE_LIMIT = 40
#: What must never reach a terminal raw: C0 and C1 controls and DEL (escape sequences that
#: retitle the window or clear the screen start with ESC or CSI), and the bidirectional
#: overrides that make text read differently than it is.
_UNPRINTABLE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2028\u2029\u2066-\u2069]"
)


def plain(value: Any) -> Any:
    """A numpy scalar (pandas hands them out for numeric columns) as the Python value it holds."""
    if type(value).__module__ == "numpy" and hasattr(value, "item"):
        return value.item()
    return value


def is_empty(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    try:
        return bool(value != value)  # NaN and pandas' NaT are not equal to themselves
    except (TypeError, ValueError):
        return False


def cell_text(value: Any) -> str:
    """A cell as text: 123456.0 from Excel reads as "123456"."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def printable(text: str) -> str:
    """``text`` safe to echo: every control character shown as an escape (``\\x1b``), on one line.

    Everything a person reads goes through this: terminal lines, logs, the report. Letters of
    every script, Japanese included, pass unchanged.
    """
    return _UNPRINTABLE.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def has_nul(value: Any) -> bool:
    """A NUL character: no spreadsheet program writes one; it is a damaged or hostile cell."""
    return isinstance(value, str) and "\x00" in value


def clock_text(value: timedelta) -> str:
    """A time cell read as a length of time, as Excel shows it (``[h]:mm``): ``25:00``, not
    Python's ``1 day, 1:00:00``."""
    seconds = round(value.total_seconds())
    sign, seconds = ("-", -seconds) if seconds < 0 else ("", seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{sign}{hours}:{minutes:02d}" + (f":{seconds:02d}" if seconds else "")


def quote(value: Any) -> str:
    """A cell value for a message: in quotes (「」 in Japanese), on one line, shortened if long."""
    if isinstance(value, datetime):
        text = value.isoformat(sep=" ")
    elif isinstance(value, timedelta):
        text = clock_text(value)
    else:
        text = str(value)
    text = printable(" ".join(text.split()))
    if len(text) > _QUOTE_LIMIT:
        text = text[: _QUOTE_LIMIT - 1] + "…"
    return _('"{text}"').format(text=text)
