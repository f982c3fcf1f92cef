"""Write the results into a copy of the user's sheet.

Writing keeps the user's sheet as it was and only fills in the result columns: an .xlsx/.xlsm in
is edited part by part (``patch``), so everything the results do not need comes back byte for
byte; a CSV in gives a CSV, or a fresh workbook made with openpyxl. Text that looks like a formula
is always written as text. Every file is written atomically; when the output cannot be written
(typically: open in Excel), the same content goes to a "recovered" file beside it and
``OutputError`` names both.
"""

from __future__ import annotations

import contextlib
import csv
import errno
import io
import os
import re
import tempfile
from collections.abc import Sequence
from copy import copy
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from ..cells import is_empty
from ..errors import OutOfSpace, OutputError
from ..files import (
    is_out_of_space,
    out_of_space_hint,
    resolved,
    write_atomically,
)
from ..i18n import _
from ..models import RESULT_COLUMNS, RowResult
from ..summary import Section, rows_count, sections, summarize
from .patch import (
    SUMMARY_MARK,
    OurTable,
    PackageError,
    SheetEdit,
    StrictPackage,
    patch_workbook,
)
from .read import (
    FORMATS,
    SUPPORTED,
    Table,
    escape_formula,
    excel_value,
    os_reason,
    unescape_formula,
)

__all__ = ["check_output_writable", "output_bytes", "write_output"]

_HYPERLINK_COLOR = "0563C1"  # Excel's own "Hyperlink" style colour
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
#: Readable widths (in Excel character units) for the result columns we add.
_RESULT_WIDTHS = {
    "meeting_id": 14,
    "join_url": 78,
    "passcode": 12,
    "status": 12,
    "error": 50,
    "host": 28,
}
_SUMMARY_SHEET = "Summary"


@dataclass(frozen=True)
class TableSheet:
    """A sheet of ours beside the schedule: a plain table, such as the Participants."""

    name: str
    header: tuple[str, ...]
    rows: Sequence[tuple[str, ...]]


def write_output(
    table: Table,
    results: Sequence[RowResult],
    output: Path,
    *,
    extra: TableSheet | None = None,
) -> Path:
    """Write the user's rows with the result columns filled in; return the path written.

    Per result: ``meeting_id``, ``join_url`` and ``passcode`` set to ``None`` leave the cell as
    it was (a passcode column is also the user's input); ``""`` empties it. ``status`` and
    ``error`` are always written. Results for rows that are not data rows are ignored.
    """
    return _save(Path(output), output_bytes(table, results, Path(output), extra=extra))


def lock_files(output: Path) -> list[tuple[Path, str]]:
    """The lock files an office program keeps beside ``output`` while it has it open, with the
    program's name: Excel's owner file ``~$name.xlsx`` (hidden; Word-style names that drop the
    name's first two characters, ``~$cember.xlsx``, are taken as Excel's too: which form Excel
    uses for long names is not documented) and LibreOffice's ``.~lock.name.xlsx#``."""
    name = output.name
    candidates = [(output.with_name(f"~${name}"), "Excel")]
    if len(output.stem) >= 8:
        candidates.append((output.with_name(f"~${name[2:]}"), "Excel"))
    candidates.append((output.with_name(f".~lock.{name}#"), "LibreOffice"))
    return [(lock, program) for lock, program in candidates if lock.is_file()]


def check_not_open(output: Path) -> None:
    """Raise ``OutputError`` when ``output`` is open in Excel or LibreOffice (their lock file is
    beside it): writing over a workbook someone has open loses what they type next, or the
    program writes its copy back over our results."""
    found = lock_files(Path(output))
    if not found:
        return
    lock, program = found[0]
    raise OutputError(
        _("{file} is open in {program} (its lock file {lock} is beside it)").format(
            file=Path(output).name, program=program, lock=lock.name
        ),
        hint=_(
            "close {file} in {program} and run again; if it is not open anywhere (the program "
            "crashed), delete {lock}"
        ).format(file=Path(output).name, program=program, lock=lock.name),
    )


def check_output_writable(table: Table, output: Path) -> None:
    """Raise ``OutputError`` now when the results could not be written to ``output`` later.

    Called before the first request of a run, so that a run never makes meetings it then cannot
    report: the type must be one we write, the folder one we can write to, and the output is
    built once in memory (a workbook that cannot be saved back is found here, not after Zoom
    made every meeting).
    """
    output = Path(output)
    if output.is_dir():
        raise OutputError(
            _("{output} is a folder, not a file name for the results").format(output=output),
            hint=_("Choose an --output file name ending in .xlsx or .csv."),
        )
    folder = output.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent  # the output's folder is made when missing: check its parent
    if not folder.is_dir() or not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError(
            _("cannot write the results into {folder}: it is not a folder you may write to").format(
                folder=folder
            ),
            hint=_("Choose an --output in a folder you can write to."),
        )
    output_bytes(table, [], output)


def output_bytes(
    table: Table,
    results: Sequence[RowResult],
    output: Path,
    *,
    extra: TableSheet | None = None,
) -> bytes:
    """The output file's content, built in memory; raises ``OutputError`` when it cannot be."""
    kind = FORMATS.get(output.suffix.lower())
    if kind is None:
        raise OutputError(
            _("{file} is not a file type batch_zoom can write: use a {formats} name.").format(
                file=output.name, formats=_(SUPPORTED)
            ),
            hint=_("Choose an --output name ending in .xlsx or .csv."),
        )
    macros = output.suffix.lower() == ".xlsm"
    if macros and table.path.suffix.lower() != ".xlsm":
        raise OutputError(
            _("{file} would be a macro workbook, but {source} has no macros.").format(
                file=output.name, source=table.path.name
            ),
            hint=_("Choose an --output name ending in .xlsx."),
        )
    data_rows = {row.number for row in table.rows}
    by_row = {result.row: result for result in results if result.row in data_rows}
    if kind == "csv":
        return _csv_bytes(table, by_row)
    return _excel_bytes(table, by_row, results, macros=macros, extra=extra)


def _result_layout(
    table: Table, by_row: dict[int, RowResult] | None = None
) -> tuple[dict[str, int], list[str]]:
    """Where each result column goes (0-based) and which of them are new.

    A host the pool chose for a row is written into the ``host`` column (added when the sheet
    has none), so later runs manage that meeting with that host.
    """
    names = RESULT_COLUMNS
    if any(result.assigned_host for result in (by_row or {}).values()):
        names = (*RESULT_COLUMNS, "host")
    layout = {name: table._positions[name] for name in names if name in table._positions}
    new = [name for name in names if name not in layout]
    # After the last header; further right if data rows have stray cells past it.
    start = len(table.headers)
    for record in table._grid[table.header_row :]:
        for index in range(len(record) - 1, start - 1, -1):
            if not is_empty(record[index]):
                start = index + 1
                break
    if start + len(new) > _EXCEL_COLUMNS:
        # A stray cell near the sheet's last column (XFD): no room after it. The first run of
        # empty columns after the headers wide enough for ours takes them instead.
        start = _free_columns(table, len(new))
    for offset, name in enumerate(new):
        layout[name] = start + offset
    return layout, new


_EXCEL_COLUMNS = 16_384  # A to XFD


def _free_columns(table: Table, count: int) -> int:
    used = {
        index
        for record in table._grid[table.header_row - 1 :]
        for index, value in enumerate(record)
        if not is_empty(value)
    }
    start = len(table.headers)
    while start + count <= _EXCEL_COLUMNS:
        blocking = [index for index in range(start, start + count) if index in used]
        if not blocking:
            return start
        start = blocking[-1] + 1
    raise OutputError(
        _("{file} has no {count} empty columns left for the results.").format(
            file=table.path.name, count=count
        ),
        hint=_(
            "Delete the cells far to the right of your table (Ctrl+End in Excel finds them), "
            "save, and run again."
        ),
    )


def _result_values(result: RowResult) -> dict[str, str | None]:
    """Result column -> text to write; None means: leave the cell as it is."""
    return {
        "meeting_id": None if result.meeting_id is None else str(result.meeting_id),
        "join_url": result.join_url,
        "passcode": result.passcode,
        "status": result.status.value,
        "error": result.error or "",
        "host": result.assigned_host,
    }


def _csv_bytes(table: Table, by_row: dict[int, RowResult]) -> bytes:
    layout, new = _result_layout(table, by_row)
    width = max([len(table.headers), *(index + 1 for index in layout.values())])
    from_csv = table.format == "csv"
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=table._delimiter, lineterminator="\r\n")
    for index, record in enumerate(table._grid):
        number = index + 1
        # From a CSV file: the raw text, so a value escaped by an earlier run stays as it was.
        cells = list(record) if from_csv else [_text(value) for value in record]
        cells += [""] * (width - len(cells))
        if number == table.header_row:
            for name in new:
                cells[layout[name]] = name
        result = by_row.get(number)
        if result is not None:
            for name, value in _result_values(result).items():
                if value is not None and name in layout:
                    cells[layout[name]] = value
        writer.writerow([escape_formula(cell) for cell in cells])
    return buffer.getvalue().encode("utf-8-sig")


def _text(value: Any) -> str:
    """An Excel cell as CSV text."""
    value = excel_value(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M" if value.second == 0 else "%Y-%m-%d %H:%M:%S")
    if isinstance(value, time):
        return value.strftime("%H:%M" if value.second == 0 else "%H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


def _excel_bytes(
    table: Table,
    by_row: dict[int, RowResult],
    results: Sequence[RowResult],
    *,
    macros: bool,
    extra: TableSheet | None = None,
) -> bytes:
    if table.format == "excel":
        return _patched_bytes(table, by_row, results, macros=macros, extra=extra)
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = _sheet_title(table.path.stem)
    _copy_csv_rows(table, sheet)
    layout, new = _result_layout(table, by_row)
    _write_result_headers(table, sheet, layout, new)
    for number, result in by_row.items():
        for name, value in _result_values(result).items():
            if value is not None and name in layout:
                _put_result(sheet, number, layout[name] + 1, name, value)
    _finish_fresh_sheet(table, sheet, layout)
    _put_summary_sheet(book, sheet.title, results)
    if extra is not None:
        _put_table_sheet(book, sheet.title, extra)

    buffer = io.BytesIO()
    try:
        book.save(buffer)
    except Exception as error:  # openpyxl writes each sheet through a temporary file first
        failure = _no_room_for_temporaries(error)
        if failure is error:
            raise
        _forget_quietly(error)
        raise failure from None
    return buffer.getvalue()


def _patched_bytes(
    table: Table,
    by_row: dict[int, RowResult],
    results: Sequence[RowResult],
    *,
    macros: bool,
    extra: TableSheet | None,
) -> bytes:
    """The user's own workbook, edited part by part (``patch``): nothing else changes."""
    layout, new = _result_layout(table, by_row)
    edit = SheetEdit(
        sheet=table.sheet_name,
        header_row=table.header_row,
        last_header=max(len(table.headers), 1),
        layout={name: index + 1 for name, index in layout.items()},
        new=new,
        widths=_RESULT_WIDTHS,
        values={
            number: {name: text for name, text in _result_values(result).items() if name in layout}
            for number, result in by_row.items()
        },
        results=results,
        extra=None if extra is None else OurTable(extra.name, extra.header, extra.rows),
    )
    try:
        return patch_workbook(table._source, edit, keep_macros=macros)
    except StrictPackage:
        raise OutputError(
            _(
                "{file} is saved as Strict Open XML, which batch_zoom cannot write the results "
                "into."
            ).format(file=table.path.name),
            hint=_(
                "In Excel, use File > Save As and choose 'Excel Workbook (.xlsx)', or choose a "
                ".csv --output."
            ),
        ) from None
    except PackageError:
        raise OutputError(
            _("{file} could not be opened again to write the results into it.").format(
                file=table.path.name
            ),
            hint=_("Save the workbook again from Excel as .xlsx, or choose a .csv --output."),
        ) from None


def _forget_quietly(error: BaseException) -> None:
    """Let go of what a failed save left half-done, without Python printing about it.

    openpyxl's sheet writers are generators holding an lxml file; closing one on a full disk
    fails again, and Python would print "Exception ignored in ..." with a traceback when the
    frames holding it are collected. They are collected here, with that report silenced.
    """
    import gc
    import sys
    import traceback

    hook = sys.unraisablehook
    sys.unraisablehook = lambda unraisable: None
    try:
        seen: BaseException | None = error
        while seen is not None:
            traceback.clear_frames(seen.__traceback__)
            seen.__traceback__ = None
            seen = seen.__context__
        gc.collect()
    finally:
        sys.unraisablehook = hook


def _no_room_for_temporaries(error: Exception) -> Exception:
    """``OutOfSpace`` when saving failed for lack of room in the temporary folder (a full disk,
    the file-size limit); else ``error`` itself, a bug. lxml reports it as ``IO_ENOSPC``."""
    said = str(error)
    named = [code for code in ("ENOSPC", "EFBIG", "EDQUOT") if code in said]
    if (isinstance(error, OSError) and is_out_of_space(error)) or named:
        if isinstance(error, OSError):
            reason = os_reason(error)
        else:  # lxml names the errno: IO_ENOSPC
            reason = os.strerror(getattr(errno, named[0], 0)).lower()
        return OutOfSpace(
            _(
                "could not build the workbook: no room in the temporary folder {folder} ({reason})"
            ).format(folder=tempfile.gettempdir(), reason=reason),
            hint=out_of_space_hint(),
        )
    return error


def _copy_csv_rows(table: Table, sheet: Any) -> None:
    from openpyxl.styles import Font

    for index, record in enumerate(table._grid):
        for column, raw in enumerate(record, start=1):
            text = unescape_formula(raw)
            if text:
                _put_text(sheet.cell(row=index + 1, column=column), text)
    for column in range(1, len(table.headers) + 1):
        sheet.cell(row=table.header_row, column=column).font = Font(bold=True)


def _finish_fresh_sheet(table: Table, sheet: Any, layout: dict[str, int]) -> None:
    """Widths, a frozen header and a filter for a workbook made from a CSV file."""
    from openpyxl.utils import get_column_letter

    last_column = max([len(table.headers), *(index + 1 for index in layout.values())])
    for column in range(1, last_column + 1):
        letter = get_column_letter(column)
        header = sheet.cell(row=table.header_row, column=column).value
        if header in _RESULT_WIDTHS:
            sheet.column_dimensions[letter].width = _RESULT_WIDTHS[header]
            continue
        longest = max(
            (len(str(row[column - 1])) for row in table._grid if column <= len(row)), default=8
        )
        sheet.column_dimensions[letter].width = min(max(longest + 2, 8), 60)
    sheet.freeze_panes = sheet.cell(row=table.header_row + 1, column=1).coordinate
    last = get_column_letter(last_column)
    sheet.auto_filter.ref = f"A{table.header_row}:{last}{max(len(table._grid), table.header_row)}"


def _write_result_headers(table: Table, sheet: Any, layout: dict[str, int], new: list[str]) -> None:
    model = sheet.cell(row=table.header_row, column=max(len(table.headers), 1))
    for name in new:
        cell = sheet.cell(row=table.header_row, column=layout[name] + 1)
        _put_text(cell, name)
        # The header look (bold, from the CSV copy) carries over to ours.
        cell.font = copy(model.font)
        cell.fill = copy(model.fill)
        cell.border = copy(model.border)
        cell.alignment = copy(model.alignment)


def _put_result(sheet: Any, row: int, column: int, name: str, value: str) -> None:
    from openpyxl.cell.cell import MergedCell

    cell = sheet.cell(row=row, column=column)
    if isinstance(cell, MergedCell):  # part of a merged block: only its top-left holds a value
        return
    if not value:
        cell.value = None
        if name == "join_url":
            cell.hyperlink = None
        return
    _put_text(cell, value)
    if name == "meeting_id":
        cell.number_format = "@"  # an 11-digit id stays text, never 8.12E+10
    elif name == "join_url":
        if value.startswith(("https://", "http://")):
            cell.hyperlink = value
            font = copy(cell.font)
            font.color = _HYPERLINK_COLOR
            font.underline = "single"
            cell.font = font
        else:
            cell.hyperlink = None


def _put_text(cell: Any, text: str) -> None:
    # openpyxl makes any string that begins with "=" a formula on assignment: force text.
    cell.value = _ILLEGAL_XML.sub("", text)
    cell.data_type = "s"


def _sheet_title(stem: str) -> str:
    title = re.sub(r"[\[\]:*?/\\]", "_", stem).strip("' ")[:31]
    return title or "Meetings"


def _put_summary_sheet(book: Any, schedule: str, results: Sequence[RowResult]) -> None:
    from openpyxl.styles import Font, PatternFill

    active = book.active.title if book.active is not None else schedule
    taken = {name.casefold(): name for name in book.sheetnames}
    number = 1
    while True:
        name = _SUMMARY_SHEET if number == 1 else f"{_SUMMARY_SHEET} {number}"
        existing = taken.get(name.casefold())
        if existing is None:
            sheet = book.create_sheet(name)
            break
        if existing != schedule and _is_our_summary(book[existing]):
            index = book.sheetnames.index(existing)
            book.remove(book[existing])
            sheet = book.create_sheet(name, index)
            break
        number += 1  # the user's own sheet of that name (perhaps the schedule): leave it alone

    bold = Font(name="Calibri", bold=True)
    shade = PatternFill("solid", fgColor="F2F2F2")
    summary = summarize(results)
    # The mark stays English in every language: it is how a re-run knows the sheet is ours.
    _put_text(sheet.cell(row=1, column=1), f"{SUMMARY_MARK}: {rows_count(summary.total)}")
    sheet.cell(row=1, column=1).font = Font(name="Calibri", bold=True, size=13)
    row = 3
    for section in sections(summary):
        row = _put_section(sheet, row, section, bold, shade) + 1
    widths = {"A": 28, "B": 40, "C": 28, "D": 12, "E": 60}
    for letter, width in widths.items():
        sheet.column_dimensions[letter].width = width
    if active in book.sheetnames:
        book.active = book.sheetnames.index(active)


def _put_table_sheet(book: Any, schedule: str, extra: TableSheet) -> None:
    """A sheet of ours that is a plain table (header in row 1), replaced on every run."""
    from openpyxl.styles import Font

    active = book.active.title if book.active is not None else schedule
    taken = {name.casefold(): name for name in book.sheetnames}
    number = 1
    while True:
        name = extra.name if number == 1 else f"{extra.name} {number}"
        existing = taken.get(name.casefold())
        if existing is None:
            sheet = book.create_sheet(name)
            break
        if existing != schedule and _has_header(book[existing], extra.header):
            index = book.sheetnames.index(existing)
            book.remove(book[existing])
            sheet = book.create_sheet(name, index)
            break
        number += 1  # the user's own sheet of that name: leave it alone
    bold = Font(name="Calibri", bold=True)
    for column, header in enumerate(extra.header, start=1):
        _put_text(sheet.cell(row=1, column=column), header)
        sheet.cell(row=1, column=column).font = bold
        letter = sheet.cell(row=1, column=column).column_letter
        sheet.column_dimensions[letter].width = _RESULT_WIDTHS.get(header, 24)
    for row, values in enumerate(extra.rows, start=2):
        for column, value in enumerate(values, start=1):
            if value:
                _put_result(sheet, row, column, extra.header[column - 1], value)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    if active in book.sheetnames:
        book.active = book.sheetnames.index(active)


def _has_header(sheet: Any, header: tuple[str, ...]) -> bool:
    try:
        found = tuple(cell.value for cell in sheet[1][: len(header)])
    except (AttributeError, IndexError, TypeError):  # a chart sheet has no cells
        return False
    return found == header


def _put_section(sheet: Any, row: int, section: Section, bold: Any, shade: Any) -> int:
    """Write one table from ``row``; return the row after it."""
    _put_text(sheet.cell(row=row, column=1), section.title)
    sheet.cell(row=row, column=1).font = bold
    row += 1
    if not section.rows:
        _put_text(sheet.cell(row=row, column=1), section.empty_note)
        return row + 1
    for column, name in enumerate(section.labels, start=1):
        cell = sheet.cell(row=row, column=column)
        _put_text(cell, name)
        cell.font = bold
        cell.fill = shade
    row += 1
    for values in section.rows:
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=row, column=column)
            if isinstance(value, int):
                cell.value = value
            elif value:
                _put_text(cell, value)
        row += 1
    return row


def _is_our_summary(sheet: Any) -> bool:
    try:
        first = sheet.cell(row=1, column=1).value
    except AttributeError:  # a chart sheet has no cells
        return False
    return isinstance(first, str) and first.startswith(SUMMARY_MARK)


# --------------------------------------------------------------------------------------------
# Saving: atomic, with a recovered copy when the output cannot be written


def _save(output: Path, data: bytes) -> Path:
    output = resolved(output)  # through a symlink: write its target, keep the link
    try:
        write_atomically(output, data)
        return output
    except OSError as exc:
        reason = os_reason(exc)
        failure = OutOfSpace if is_out_of_space(exc) else OutputError
    name = f"{output.stem}.recovered-{datetime.now():%Y%m%d-%H%M%S}{output.suffix}"
    tried: list[Path] = []
    for folder in (output.parent, Path.cwd(), Path(tempfile.gettempdir())):
        with contextlib.suppress(OSError):
            folder = folder.resolve()
        if folder in tried:
            continue
        tried.append(folder)
        candidate = _unused(folder / name)
        try:
            write_atomically(candidate, data)
        except OSError:
            continue
        if folder != tried[0]:
            # Away from the output (the working folder, the system's temporary folder, which
            # others can read): its passcodes are for the owner's eyes only.
            with contextlib.suppress(OSError):
                os.chmod(candidate, 0o600)
        raise failure(
            _(
                "Could not write {output} ({reason}); the results were saved to {copy} instead."
            ).format(output=output, reason=reason, copy=candidate),
            fallback=candidate,
            hint=out_of_space_hint()
            if failure is OutOfSpace
            else _(
                "Close the file if it is open in another program such as Excel (or choose "
                "another --output), then use the recovered file or run again."
            ),
        )
    raise failure(
        _("Could not write {output} ({reason}), nor a recovered copy in {folders}.").format(
            output=output, reason=reason, folders=_(", ").join(str(folder) for folder in tried)
        ),
        fallback=None,
        hint=out_of_space_hint()
        if failure is OutOfSpace
        else _(
            "Check that the disk has space and that you may write to the folder, then run "
            "again with another --output."
        ),
    )


def _unused(path: Path) -> Path:
    candidate, number = path, 2
    while candidate.exists():
        candidate = path.with_name(f"{path.stem}-{number}{path.suffix}")
        number += 1
    return candidate
