"""Which column is what: the header row -> our fields, and why. Pure, no I/O.

Headers are matched through ``COLUMN_ALIASES`` (case, spaces and underscores ignored). A header in
``AMBIGUOUS_HEADERS`` ("時間", "time") may mean two fields; it is decided, in this order:

1. by the other columns: if one of its meanings is already another column, it is the other one;
   if only one of its meanings is still needed (a timetable with ``終了`` but no start), that one;
2. by its values: clock times (``9:00``, ``9時``, ``午後3時``, a time cell after 5:00) make it a
   start time, lengths (``90``, ``90分``, ``1時間``) a duration;
3. else its first meaning (``時間`` is a duration, as it always was).

``read`` calls ``recognise`` for each candidate header row and only reads cells; the decision is
kept apart here, pure, so that it is table-tested like every other parse.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, time
from typing import Any

from ..cells import is_empty, quote
from ..fields import field_label
from ..i18n import N_, _
from ..models import (
    AMBIGUOUS_HEADERS,
    COLUMN_ALIASES,
    REQUIRED_FIELDS,
    STANDS_IN_FOR,
    TRACKING_PREFIX,
    normalize_header,
    tracking_name,
)

#: Normalized header text -> canonical field. Aliases are unique across fields by design.
ALIASES: dict[str, str] = {
    normalize_header(alias): canonical
    for canonical, aliases in COLUMN_ALIASES.items()
    for alias in (canonical, *aliases)
}

_AMBIGUOUS: dict[str, tuple[str, str]] = {
    normalize_header(header): meanings for header, meanings in AMBIGUOUS_HEADERS.items()
}

#: How a field is named in the dry run's lines, where it differs from ``fields.field_label``.
FIELD_WORDS = {"start_time": N_("start time"), "end_time": N_("end time")}

#: How many values of an ambiguous column are looked at.
SAMPLE = 50


@dataclass(frozen=True)
class ColumnReading:
    """How one header was understood: the field it fills (None: the user's own column), and why
    (said only where there was a choice)."""

    header: str
    field: str | None
    reason: str = ""

    def describe(self) -> str:
        """``時間 → start time (values look like 9:00)``"""
        what = _("not ours, kept as it is") if self.field is None else _word(self.field)
        line = f"{self.header} → {what}"
        return (
            _("{reading} ({reason})").format(reading=line, reason=self.reason)
            if self.reason
            else line
        )


@dataclass(frozen=True)
class Columns:
    """Where each field sits (0-based), and a reading for every non-empty header."""

    positions: dict[str, int]
    readings: list[ColumnReading] = field(default_factory=list)

    @property
    def missing(self) -> list[str]:
        """The required fields no column gives (``models.REQUIRED_FIELDS``, with stand-ins)."""
        return [
            name
            for name in REQUIRED_FIELDS
            if name not in self.positions
            and not any(other in self.positions for other in STANDS_IN_FOR.get(name, ()))
        ]


def header_text(cell: Any) -> str:
    if is_empty(cell):
        return ""
    return str(cell).strip().removeprefix("\ufeff")


def recognise(row: Sequence[Any], values: Callable[[int], Sequence[Any]] | None = None) -> Columns:
    """The fields a header row names. ``values(index)`` gives a column's data cells, when known;
    without it an ambiguous header is decided by the other columns alone."""
    positions: dict[str, int] = {}
    ambiguous: list[tuple[int, tuple[str, str]]] = []
    headers = [header_text(cell) for cell in row]
    for index, text in enumerate(headers):
        key = normalize_header(text) if text else ""
        if key in _AMBIGUOUS:
            ambiguous.append((index, _AMBIGUOUS[key]))
            continue
        canonical = ALIASES.get(key) if key else None
        if canonical is None and text and (tracked := tracking_name(text)) is not None:
            canonical = TRACKING_PREFIX + tracked  # ``tracking: Course code``: a tracking field
        # Two columns meaning the same field: the first one counts, the other is the user's.
        if canonical is not None and canonical not in positions:
            positions[canonical] = index
    reasons: dict[int, str] = {}
    for index, meanings in ambiguous:
        chosen, reason = _decide(meanings, positions, headers, index, values)
        if chosen is not None:
            positions[chosen] = index
        reasons[index] = reason
    by_index = {index: name for name, index in positions.items()}
    readings = [
        ColumnReading(text, by_index.get(index), reasons.get(index, ""))
        for index, text in enumerate(headers)
        if text
    ]
    return Columns(positions, readings)


def _decide(
    meanings: tuple[str, str],
    positions: dict[str, int],
    headers: Sequence[str],
    index: int,
    values: Callable[[int], Sequence[Any]] | None,
) -> tuple[str | None, str]:
    free = [name for name in meanings if name not in positions]
    if not free:
        return None, _("{first} and {second} are other columns").format(
            first=_word(meanings[0]), second=_word(meanings[1])
        )
    if len(free) == 1:
        other = next(name for name in meanings if name in positions)
        return free[0], _("{field} is column {header}").format(
            field=_word(other), header=quote(headers[positions[other]])
        )
    needed = [
        name
        for name in meanings
        if not any(stand_in in positions for stand_in in STANDS_IN_FOR.get(name, ()))
    ]
    if len(needed) == 1:
        stand_in = next(name for name in meanings if name not in needed)
        given = next(other for other in STANDS_IN_FOR[stand_in] if other in positions)
        return needed[0], _("{field} is column {header}").format(
            field=_word(given), header=quote(headers[positions[given]])
        )
    if values is not None:
        clock, length = _sample(values(index))
        if clock and len(clock) > len(length):
            return "start_time", _("values look like {example}").format(example=clock[0])
        if length and len(length) > len(clock):
            return "duration", _("values look like {example}").format(example=length[0])
    return meanings[0], _("nothing in its values says otherwise")


def _word(name: str) -> str:
    if name.startswith(TRACKING_PREFIX):
        return _("tracking field {name}").format(name=quote(name.removeprefix(TRACKING_PREFIX)))
    return _(FIELD_WORDS[name]) if name in FIELD_WORDS else field_label(name)


_CLOCK_WORDS = re.compile(r"(午前|午後|am|pm|a\.m\.|p\.m\.|\d時(?!間))", re.I)
_H_MM = re.compile(r"^(\d{1,2}):\d{2}(?::\d{2})?$")
_LENGTH = re.compile(r"^\d+(?:\.\d+)?\s*(分|分間|m|min|mins|minutes?|時間|h|hr|hrs|hours?)?$", re.I)


def _sample(cells: Sequence[Any]) -> tuple[list[str], list[str]]:
    """Values that look like clock times, and values that look like lengths (as shown)."""
    clock: list[str] = []
    length: list[str] = []
    for cell in [value for value in cells if not is_empty(value)][:SAMPLE]:
        kind = _kind(cell)
        shown = _shown(cell)
        if kind == "clock":
            clock.append(shown)
        elif kind == "length":
            length.append(shown)
    return clock, length


def _kind(cell: Any) -> str | None:
    # A clock time before 5:00 and a length of a few hours look alike (1:30): neither counts.
    if isinstance(cell, bool):
        return None
    if isinstance(cell, datetime):
        return "clock"
    if isinstance(cell, time):
        return "clock" if cell.hour >= 5 else None
    if isinstance(cell, int | float):
        if 0 < cell < 1:  # an Excel time serial
            return "clock" if cell * 24 >= 5 else None
        return "length"
    text = unicodedata.normalize("NFKC", str(cell)).strip()
    if _CLOCK_WORDS.search(text):
        return "clock"
    match = _H_MM.match(text)
    if match:
        return "clock" if int(match.group(1)) >= 5 else None
    if _LENGTH.match(text):
        return "length"
    return None


def _shown(cell: Any) -> str:
    if isinstance(cell, time | datetime):
        return f"{cell:%H:%M}"
    if isinstance(cell, float) and 0 < cell < 1:
        minutes = round(cell * 24 * 60)
        return f"{minutes // 60}:{minutes % 60:02d}"
    return " ".join(str(cell).split())
