"""The workbook's Breakout rooms sheet: who is pre-assigned to which room of which meeting.

A sheet named ``Breakout rooms`` (also ``ブレイクアウトルーム``, ``Rooms``) with the columns of
Zoom's own pre-assignment CSV, ``Pre-assign Room Name`` (also ``room``, ``ルーム名``) and
``Email Address`` (also ``email``, ``メールアドレス``), plus a column naming the meeting: its
``topic`` (every row of the meetings sheet with that topic: a weekly class keeps its groups) or
its ``meeting_id``. Its rows go to the meeting rows they name, under ``ROOMS_SHEET_CELL``, for
``rows.validate`` to check like any other cell; a room row naming no meeting of the sheet is one
warning line. The sheet is read, never written.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from ..cells import cell_text, is_empty, quote
from ..i18n import _
from ..models import COLUMN_ALIASES, ROOMS_SHEET_CELL, RoomEntry, SheetRow, normalize_header
from .read import Table

SHEET_NAMES = {
    normalize_header(name) for name in ("Breakout rooms", "ブレイクアウトルーム", "Rooms")
}
ROOM_HEADERS = {
    normalize_header(h) for h in ("Pre-assign Room Name", "room", "room name", "ルーム名")
}
EMAIL_HEADERS = {normalize_header(h) for h in ("Email Address", "email", "メールアドレス")}
TOPIC_HEADERS = {normalize_header(h) for h in ("topic", *COLUMN_ALIASES["topic"])}
MEETING_ID_HEADERS = {normalize_header(h) for h in COLUMN_ALIASES["meeting_id"]}
HEADER_SEARCH_ROWS = 20


@dataclass
class RoomSheet:
    """The Breakout rooms sheet as read: its rows by the meeting they name."""

    name: str
    by_topic: dict[str, list[RoomEntry]] = field(default_factory=dict)  # casefolded topic
    by_meeting_id: dict[str, list[RoomEntry]] = field(default_factory=dict)
    rows_of: dict[tuple[str, str], list[int]] = field(default_factory=dict)  # key -> sheet rows
    written: dict[tuple[str, str], str] = field(default_factory=dict)  # key -> as first written
    warnings: list[str] = field(default_factory=list)


def read_room_sheet(table: Table) -> RoomSheet | None:
    """The workbook's Breakout rooms sheet, or None when it has none (or is a CSV)."""
    if table.format != "excel" or table.path.suffix.lower() not in (".xlsx", ".xlsm"):
        return None
    import python_calamine

    try:  # the bytes that were read: the rooms belong to the same version of the file
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(table._source))
        name = next(
            (str(n) for n in book.sheet_names if normalize_header(str(n)) in SHEET_NAMES), None
        )
        if name is None:
            return None
        grid = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
    except Exception:  # the meetings sheet was read: a damaged extra sheet is said, not fatal
        return RoomSheet(
            "?", warnings=[_("the Breakout rooms sheet cannot be read; no rooms were taken")]
        )
    sheet = RoomSheet(name)
    found = _header(grid)
    if found is None:
        sheet.warnings.append(
            _(
                'sheet "{sheet}" has no "Pre-assign Room Name" and "Email Address" columns with '
                'a "topic" or "meeting_id" column; its rooms were not read'
            ).format(sheet=name)
        )
        return sheet
    at, room_at, email_at, topic_at, id_at = found
    for index in range(at + 1, len(grid)):
        row = grid[index]
        cells = [None if is_empty(value) else value for value in row]
        if not any(cell is not None for cell in cells):
            continue
        entry = RoomEntry(index + 1, _at(cells, room_at), _at(cells, email_at))
        meeting_id = _digits(_at(cells, id_at)) if id_at is not None else None
        topic = _at(cells, topic_at) if topic_at is not None else None
        if meeting_id:
            sheet.by_meeting_id.setdefault(meeting_id, []).append(entry)
            sheet.rows_of.setdefault(("meeting_id", meeting_id), []).append(index + 1)
            sheet.written.setdefault(("meeting_id", meeting_id), meeting_id)
        elif topic is not None:
            key = " ".join(cell_text(topic).split()).casefold()
            sheet.by_topic.setdefault(key, []).append(entry)
            sheet.rows_of.setdefault(("topic", key), []).append(index + 1)
            sheet.written.setdefault(("topic", key), " ".join(cell_text(topic).split()))
        else:
            sheet.warnings.append(
                _('sheet "{sheet}" row {row} names no meeting (topic or meeting_id)').format(
                    sheet=name, row=index + 1
                )
            )
    return sheet


def with_rooms(
    rows: Sequence[SheetRow], sheet: RoomSheet | None
) -> tuple[list[SheetRow], list[str]]:
    """The meeting rows, each with the room rows that name it; and the lines to warn."""
    if sheet is None:
        return list(rows), []
    used: set[tuple[str, str]] = set()
    placed: list[SheetRow] = []
    for row in rows:
        entries: list[RoomEntry] = []
        meeting_id = _digits(row.get("meeting_id"))
        if meeting_id and meeting_id in sheet.by_meeting_id:
            entries = sheet.by_meeting_id[meeting_id]
            used.add(("meeting_id", meeting_id))
        elif not is_empty(row.get("topic")):
            key = " ".join(cell_text(row.get("topic")).split()).casefold()
            if key in sheet.by_topic:
                entries = sheet.by_topic[key]
                used.add(("topic", key))
        if entries:
            row = replace(row, cells={**row.cells, ROOMS_SHEET_CELL: tuple(entries)})
        placed.append(row)
    warnings = list(sheet.warnings)
    for named, numbers in sheet.rows_of.items():
        if named not in used:
            warnings.append(
                _(
                    'sheet "{sheet}" row {rows}: no meeting row has the {field} {value}; '
                    "its rooms were not used"
                ).format(
                    sheet=sheet.name,
                    rows=", ".join(str(n) for n in numbers),
                    field=named[0],
                    value=quote(sheet.written[named]),
                )
            )
    return placed, warnings


def _header(grid: Sequence[Sequence[Any]]) -> tuple[int, int, int, int | None, int | None] | None:
    for index, row in enumerate(grid[:HEADER_SEARCH_ROWS]):
        headers = [normalize_header(cell) if not is_empty(cell) else "" for cell in row]
        room = next((i for i, h in enumerate(headers) if h in ROOM_HEADERS), None)
        email = next((i for i, h in enumerate(headers) if h in EMAIL_HEADERS), None)
        topic = next((i for i, h in enumerate(headers) if h in TOPIC_HEADERS), None)
        meeting = next((i for i, h in enumerate(headers) if h in MEETING_ID_HEADERS), None)
        if room is not None and email is not None and (topic is not None or meeting is not None):
            return index, room, email, topic, meeting
    return None


def _at(cells: Sequence[Any], index: int | None) -> Any:
    return cells[index] if index is not None and index < len(cells) else None


def _digits(value: Any) -> str | None:
    if is_empty(value) or isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = re.sub(r"[\s-]", "", str(value))
    return text.lstrip("0") or None if text.isdigit() else None
