"""The participants' personal links: one row per person per meeting.

In an Excel output they form the workbook's ``Participants`` sheet (``sheet/write.py`` puts it
there); beside a CSV output they are ``<output stem>_participants.csv``, UTF-8 with BOM so Excel
shows Japanese names as written. The column names, like the status values, stay English: mail
merges and scripts rely on them.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path
from zoneinfo import ZoneInfo

from ..files import reason_of, write_atomically, write_failure
from ..i18n import _
from ..models import RegistrationResult

PARTICIPANT_COLUMNS = (
    "email",
    "name",
    "topic",
    "start",
    "timezone",
    "join_url",
    "meeting_id",
    "status",
    "error",
)
SHEET_NAME = "Participants"
#: Added after ``PARTICIPANT_COLUMNS`` when the batch has webinars: ``attendee`` or ``panelist``
#: (empty for a meeting's participant), so a batch of meetings reads as it always did.
ROLE_COLUMN = "role"


def participant_columns(registrations: Sequence[RegistrationResult]) -> tuple[str, ...]:
    """The table's columns: ``PARTICIPANT_COLUMNS``, and ``role`` when a webinar has people."""
    if any(person.role for person in registrations):
        return (*PARTICIPANT_COLUMNS, ROLE_COLUMN)
    return PARTICIPANT_COLUMNS


def participant_rows(registrations: Sequence[RegistrationResult]) -> list[tuple[str, ...]]:
    """The rows of the table, in sheet order, under ``participant_columns``."""
    with_role = len(participant_columns(registrations)) > len(PARTICIPANT_COLUMNS)
    rows: list[tuple[str, ...]] = []
    for person in registrations:
        local = person.start.astimezone(ZoneInfo(person.timezone))
        rows.append(
            (
                person.email,
                person.name,
                person.topic,
                local.strftime("%Y-%m-%d %H:%M"),
                person.timezone,
                person.join_url,
                person.meeting_id,
                person.status.value,
                person.error,
                *((person.role,) if with_role else ()),
            )
        )
    return rows


def participants_csv_path(output: Path) -> Path:
    return output.with_name(f"{output.stem}_participants.csv")


def write_participants_csv(path: Path, registrations: Sequence[RegistrationResult]) -> None:
    """Write the table as CSV (UTF-8 with BOM). Raises ``OutputError``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(participant_columns(registrations))
    for row in participant_rows(registrations):
        writer.writerow([_csv_safe(value) for value in row])
    try:
        write_atomically(path, buffer.getvalue().encode("utf-8-sig"))
    except OSError as error:
        raise write_failure(
            _("could not write the participants file {path} ({reason})").format(
                path=path, reason=reason_of(error)
            ),
            error,
            hint=_("close the file if a program has it open, or choose another output folder"),
        ) from None


def _csv_safe(text: str) -> str:
    """A name that looks like a formula stays text in Excel (the output's own rule)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text
