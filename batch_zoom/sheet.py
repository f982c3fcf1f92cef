"""Read a spreadsheet of meetings into rows; write the results into a copy of the user's sheet.

Reading finds the header row (it may sit under a title line), maps the user's headers to our
field names through ``COLUMN_ALIASES``, and numbers every data row as Excel shows it, so that
messages can say "row 7" and mean the row the user sees.

Writing keeps the user's sheet as it was and only fills in the result columns: Excel in, Excel
out goes through the user's own workbook, so other sheets, styles, widths, formats, panes, filters
and merged cells survive. Text that looks like a formula is always written as text. Every file is
written atomically; when the output cannot be written (typically: open in Excel), the same content
goes to a "recovered" file beside it and ``OutputError`` names both.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import math
import re
import tempfile
from collections.abc import Iterable, Sequence
from copy import copy
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from .errors import InputError, OutputError
from .models import (
    COLUMN_ALIASES,
    REQUIRED_FIELDS,
    RESULT_COLUMNS,
    RowResult,
    SheetRow,
    normalize_header,
)
from .report import Section, sections, summarize, write_atomically

__all__ = ["Table", "read_table", "write_output"]

FORMATS = {".csv": "csv", ".xlsx": "excel", ".xlsm": "excel"}
SUPPORTED = ".csv, .xlsx or .xlsm"

#: The header must be within this many rows of the top (rows above it are a title).
HEADER_SEARCH_ROWS = 20

#: Normalized header text -> canonical field. Aliases are unique across fields by design.
_ALIASES: dict[str, str] = {
    normalize_header(alias): canonical
    for canonical, aliases in COLUMN_ALIASES.items()
    for alias in (canonical, *aliases)
}

#: Characters that make a spreadsheet program treat a cell as a formula (OWASP CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

#: Readable widths (in Excel character units) for the result columns we add.
_RESULT_WIDTHS = {"meeting_id": 14, "join_url": 78, "passcode": 12, "status": 12, "error": 50}

_SUMMARY_SHEET = "Summary"
_SUMMARY_MARK = "batch_zoom summary"  # A1 of a Summary sheet we wrote, so a re-run replaces it

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # encrypted OOXML, or a legacy .xls
_ENCRYPTED_MARK = "EncryptionInfo".encode("utf-16-le")
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

_HYPERLINK_COLOR = "0563C1"  # Excel's own "Hyperlink" style colour


@dataclass
class Table:
    """A spreadsheet as read: where its header is, what its columns mean, and its data rows."""

    path: Path
    format: str  # "csv" or "excel"
    sheet_name: str | None  # Excel: the sheet used
    encoding: str | None  # CSV: the encoding detected or given
    header_row: int  # spreadsheet row number of the header (1-based)
    headers: list[str]  # every header as written, in order ("" for an empty header cell)
    columns: dict[str, str]  # canonical field -> header text as written (recognised columns)
    rows: list[SheetRow]  # the non-blank data rows, in sheet order
    # What writing needs: every row as read (row n is _grid[n - 1]; CSV: raw text; Excel: values
    # as pandas gave them), where each canonical column sits (0-based), the CSV delimiter, and
    # the file's bytes, so the output is made from exactly the version that was read.
    _grid: list[list[Any]] = field(default_factory=list, repr=False, compare=False)
    _positions: dict[str, int] = field(default_factory=dict, repr=False, compare=False)
    _delimiter: str = field(default=",", repr=False, compare=False)
    _source: bytes = field(default=b"", repr=False, compare=False)


# --------------------------------------------------------------------------------------------
# Reading


def read_table(path: Path, *, sheet: str | None = None, encoding: str | None = None) -> Table:
    """Read a CSV or Excel file of meetings. ``sheet`` applies to Excel, ``encoding`` to CSV."""
    path = Path(path)
    kind = FORMATS.get(path.suffix.lower())
    if kind is None:
        raise InputError(
            f"{path.name} is not a spreadsheet batch_zoom can read: use a {SUPPORTED} file.",
            hint="In Excel, use File > Save As and choose 'Excel Workbook (.xlsx)' or 'CSV UTF-8'.",
        )
    source = _read_bytes(path)
    if kind == "csv":
        return _read_csv(path, source, encoding)
    return _read_excel(path, source, sheet)


def _read_bytes(path: Path) -> bytes:
    try:
        source = path.read_bytes()
    except FileNotFoundError:
        raise InputError(
            f"{path} does not exist.",
            hint="Check the file name and folder, or give the full path to the spreadsheet.",
        ) from None
    except IsADirectoryError:
        raise InputError(
            f"{path} is a folder, not a spreadsheet.", hint="Give the path of the file itself."
        ) from None
    except PermissionError:
        raise InputError(
            f"{path} cannot be opened: permission denied.",
            hint="Close the file if another program holds it, or copy it somewhere you can read.",
        ) from None
    except OSError as exc:
        raise InputError(
            f"{path} cannot be read ({_reason(exc)}).",
            hint="Copy the file to a local folder and try again.",
        ) from None
    if not source:
        raise InputError(
            f"{path.name} is empty.", hint="Save the spreadsheet with its rows, then try again."
        )
    return source


def _read_csv(path: Path, source: bytes, encoding: str | None) -> Table:
    if source.startswith((b"PK\x03\x04", _OLE_MAGIC)):
        raise InputError(
            f"{path.name} is an Excel workbook with a .csv name, not a CSV file.",
            hint="Rename it to .xlsx, or save it from Excel as 'CSV UTF-8'.",
        )
    text, used = _decode(path, source, encoding)
    try:
        delimiter, records = _parse_csv(text)
    except csv.Error as exc:
        raise InputError(
            f"{path.name} is not a readable CSV file ({exc}).",
            hint="Open it in Excel and save it again as 'CSV UTF-8 (comma delimited)'.",
        ) from None
    found = _find_header(records)
    if found is None:
        raise _missing_columns_error(path, records, None)
    header_index, positions = found
    return _build_table(
        path, "csv", None, used, records, header_index, positions, _csv_cell, delimiter, source
    )


def _decode(path: Path, source: bytes, encoding: str | None) -> tuple[str, str]:
    if encoding:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise InputError(
                f'"{encoding}" is not an encoding Python knows.',
                hint="Use a name such as utf-8, utf-8-sig, cp932 (Shift_JIS) or cp1252.",
            ) from None
        try:
            text = source.decode(encoding)
        except UnicodeDecodeError as exc:
            raise InputError(
                f"{path.name} is not valid {encoding} text "
                f"(byte 0x{source[exc.start]:02x} at position {exc.start}).",
                hint="Try another --encoding, or save the file from Excel as 'CSV UTF-8'.",
            ) from None
        return text.removeprefix("\ufeff"), encoding
    if source.startswith(codecs.BOM_UTF8):
        return source[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace"), "utf-8-sig"
    if source.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Excel's "Unicode Text" export.
        return source.decode("utf-16", errors="replace").removeprefix("\ufeff"), "utf-16"
    for candidate in ("utf-8", "cp932"):
        try:
            return source.decode(candidate), candidate
        except UnicodeDecodeError:
            continue
    raise InputError(
        f"{path.name} is neither UTF-8 nor Shift_JIS (cp932) text, so its encoding is unknown.",
        hint="Pass --encoding (for example --encoding cp1252), or save it from Excel as "
        "'CSV UTF-8'.",
    )


def _parse_csv(text: str) -> tuple[str, list[list[str]]]:
    """Choose the delimiter under which the header is found (comma, tab or semicolon)."""

    def reader(delimiter: str) -> Iterable[list[str]]:
        return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)

    best, best_width = ",", 0
    for delimiter in (",", "\t", ";"):
        head = []
        for record in reader(delimiter):
            head.append(record)
            if len(head) >= HEADER_SEARCH_ROWS:
                break
        if _find_header(head) is not None:
            best = delimiter
            break
        first = next((record for record in head if not _is_blank_row(record)), [])
        if len(first) > best_width:
            best, best_width = delimiter, len(first)
    return best, list(reader(best))


def _read_excel(path: Path, source: bytes, sheet: str | None) -> Table:
    import pandas as pd  # imported here: it takes a while, and CSV runs do not need it

    if source.startswith(_OLE_MAGIC):
        if _ENCRYPTED_MARK in source:
            raise InputError(
                f"{path.name} is protected with a password, so it cannot be read.",
                hint="In Excel, open it and remove the password (File > Info > Protect "
                "Workbook > Encrypt with Password), save, and run again.",
            )
        raise InputError(
            f"{path.name} is an old-format Excel file (.xls) with a {path.suffix} name.",
            hint="Open it in Excel and use File > Save As > 'Excel Workbook (.xlsx)'.",
        )
    try:
        book = pd.ExcelFile(io.BytesIO(source), engine="openpyxl")
        names = [str(name) for name in book.sheet_names]
    except Exception:  # openpyxl and zipfile raise many types for a damaged file
        raise InputError(
            f"{path.name} cannot be read as an Excel workbook; it may be damaged or not really "
            f"a {path.suffix} file.",
            hint="Open it in Excel and save it again as 'Excel Workbook (.xlsx)'.",
        ) from None

    if sheet is not None:
        chosen = _pick_sheet(path, names, sheet)
        candidates = [chosen]
    else:
        candidates = names

    def load(name: str, nrows: int | None = None) -> list[list[Any]]:
        frame = pd.read_excel(
            book,
            sheet_name=name,
            header=None,
            dtype=object,
            keep_default_na=False,  # "NA" is a topic, not a missing value
            na_values=[],
            nrows=nrows,
        )
        return frame.to_numpy(dtype=object).tolist()  # type: ignore[no-any-return]

    first_grid: list[list[Any]] | None = None
    for name in candidates:
        try:
            head = load(name, HEADER_SEARCH_ROWS)
        except Exception:  # a chart sheet, or a sheet openpyxl cannot parse
            if sheet is not None:
                raise InputError(
                    f'Sheet "{name}" of {path.name} cannot be read as a table of rows.',
                    hint="Choose the sheet that holds the meetings with --sheet.",
                ) from None
            continue
        if first_grid is None:
            first_grid = head
        if _find_header(head) is None:
            continue
        try:
            grid = load(name)
        except Exception:
            raise InputError(
                f'Sheet "{name}" of {path.name} cannot be read; the workbook may be damaged.',
                hint="Open it in Excel and save it again as 'Excel Workbook (.xlsx)'.",
            ) from None
        found = _find_header(grid)
        assert found is not None  # the same first rows matched above
        header_index, positions = found
        return _build_table(
            path, "excel", name, None, grid, header_index, positions, _excel_cell, ",", source
        )
    raise _missing_columns_error(path, first_grid or [], names)


def _pick_sheet(path: Path, names: list[str], wanted: str) -> str:
    if wanted in names:
        return wanted
    folded = [name for name in names if name.casefold() == wanted.strip().casefold()]
    if len(folded) == 1:
        return folded[0]
    raise InputError(
        f'{path.name} has no sheet named "{wanted}"; its sheets are: {_quoted(names)}.',
        hint="Pass one of those names to --sheet.",
    )


def _find_header(grid: Sequence[Sequence[Any]]) -> tuple[int, dict[str, int]] | None:
    """The first row (of the first 20) naming every required field, and where each field sits."""
    for index, row in enumerate(grid[:HEADER_SEARCH_ROWS]):
        positions = _recognise(row)
        if all(name in positions for name in REQUIRED_FIELDS):
            return index, positions
    return None


def _recognise(row: Sequence[Any]) -> dict[str, int]:
    positions: dict[str, int] = {}
    for index, cell in enumerate(row):
        text = _header_text(cell)
        canonical = _ALIASES.get(normalize_header(text)) if text else None
        # Two columns meaning the same field: the first one counts, the other is the user's.
        if canonical is not None and canonical not in positions:
            positions[canonical] = index
    return positions


def _header_text(cell: Any) -> str:
    if _is_empty(cell):
        return ""
    return str(cell).strip().removeprefix("\ufeff")


def _missing_columns_error(
    path: Path, grid: Sequence[Sequence[Any]], sheet_names: list[str] | None
) -> InputError:
    # The most header-like row: the one naming the most required fields, else the first
    # non-empty row.
    candidates = [row for row in grid[:HEADER_SEARCH_ROWS] if not _is_blank_row(row)]
    best: Sequence[Any] = max(
        candidates,
        key=lambda row: sum(name in _recognise(row) for name in REQUIRED_FIELDS),
        default=[],
    )
    recognised = _recognise(best)
    missing = [name for name in REQUIRED_FIELDS if name not in recognised]
    found = [text for text in (_header_text(cell) for cell in best) if text]
    message = (
        f"{path.name} has no header row with the required columns: "
        f"{', '.join(missing)} {'is' if len(missing) == 1 else 'are'} missing. "
        f"Columns found: {_quoted(found) if found else '(none)'}."
    )
    if sheet_names is not None:
        message += f" Sheets: {_quoted(sheet_names)}."
    accepted = "; ".join(
        f"{name}: {', '.join(COLUMN_ALIASES[name])}" for name in missing or REQUIRED_FIELDS
    )
    hint = f"Name a header cell in the first {HEADER_SEARCH_ROWS} rows as one of: {accepted}."
    if sheet_names is not None and len(sheet_names) > 1:
        hint += " Use --sheet to choose the sheet that holds the meetings."
    return InputError(message, hint=hint)


def _build_table(
    path: Path,
    kind: str,
    sheet_name: str | None,
    encoding: str | None,
    grid: list[list[Any]],
    header_index: int,
    positions: dict[str, int],
    clean: Any,
    delimiter: str,
    source: bytes,
) -> Table:
    headers = [_header_text(cell) for cell in grid[header_index]]
    while headers and not headers[-1]:
        headers.pop()
    columns = {name: headers[index] for name, index in positions.items()}
    fields = list(positions.items())
    rows = []
    for index in range(header_index + 1, len(grid)):
        record = grid[index]
        if _is_blank_row(record):
            continue
        width = len(record)
        cells = {name: clean(record[column]) if column < width else None for name, column in fields}
        # Row n of the sheet (record n of a CSV) is grid[n - 1], blank rows included.
        rows.append(SheetRow(number=index + 1, cells=cells))
    return Table(
        path=path,
        format=kind,
        sheet_name=sheet_name,
        encoding=encoding,
        header_row=header_index + 1,
        headers=headers,
        columns=columns,
        rows=rows,
        _grid=grid,
        _positions=dict(positions),
        _delimiter=delimiter,
        _source=source,
    )


def _is_empty(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    return isinstance(value, float) and math.isnan(value)


def _is_blank_row(row: Sequence[Any]) -> bool:
    return all(_is_empty(value) for value in row)


def _csv_cell(raw: str) -> str | None:
    text = _unescape(raw).strip()
    return text or None


def _excel_cell(value: Any) -> Any:
    """A cell as SheetRow carries it: str, int, float, bool, datetime or time; empty is None."""
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, datetime):  # pandas Timestamp included
        if value != value:  # NaT
            return None
        moment = value.to_pydatetime() if hasattr(value, "to_pydatetime") else value
        return _nearest_second(moment)
    if isinstance(value, time):
        rounded = _nearest_second(datetime.combine(date(2000, 1, 1), value))
        return rounded.time() if rounded.day == 1 else time(23, 59, 59)
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):  # a numpy scalar
        return value.item()
    return value


def _nearest_second(moment: datetime) -> datetime:
    # Excel keeps date-times as float days: 14:00 can come back as 13:59:59.999.
    if moment.microsecond >= 500_000:
        moment += timedelta(seconds=1)
    return moment.replace(microsecond=0)


def _needs_escape(text: str) -> bool:
    if not text.startswith(_FORMULA_START):
        return False
    try:
        float(text)
    except ValueError:
        return True
    return False  # a plain number such as -5 is data, not a formula


def _escape(text: str) -> str:
    """A CSV value that no spreadsheet will run as a formula (a leading ' per OWASP)."""
    return "'" + text if _needs_escape(text) else text


def _unescape(text: str) -> str:
    """Undo ``_escape``, so that a re-run reads back exactly what the user wrote."""
    if text.startswith("'") and _needs_escape(text[1:]):
        return text[1:]
    return text


def _quoted(names: Iterable[str]) -> str:
    return ", ".join(f'"{name}"' for name in names)


# --------------------------------------------------------------------------------------------
# Writing


def write_output(table: Table, results: Sequence[RowResult], output: Path) -> Path:
    """Write the user's rows with the result columns filled in; return the path written.

    Per result: ``meeting_id``, ``join_url`` and ``passcode`` set to ``None`` leave the cell as
    it was (a passcode column is also the user's input); ``""`` empties it. ``status`` and
    ``error`` are always written. Results for rows that are not data rows are ignored.
    """
    output = Path(output)
    kind = FORMATS.get(output.suffix.lower())
    if kind is None:
        raise OutputError(
            f"{output.name} is not a file type batch_zoom can write: use a {SUPPORTED} name.",
            hint="Choose an --output name ending in .xlsx or .csv.",
        )
    macros = output.suffix.lower() == ".xlsm"
    if macros and table.path.suffix.lower() != ".xlsm":
        raise OutputError(
            f"{output.name} would be a macro workbook, but {table.path.name} has no macros.",
            hint="Choose an --output name ending in .xlsx.",
        )
    data_rows = {row.number for row in table.rows}
    by_row = {result.row: result for result in results if result.row in data_rows}
    if kind == "csv":
        data = _csv_bytes(table, by_row)
    else:
        data = _excel_bytes(table, by_row, results, macros=macros)
    return _save(output, data)


def _result_layout(table: Table) -> tuple[dict[str, int], list[str]]:
    """Where each result column goes (0-based) and which of them are new."""
    layout = {name: table._positions[name] for name in RESULT_COLUMNS if name in table._positions}
    new = [name for name in RESULT_COLUMNS if name not in layout]
    # After the last header; further right if data rows have stray cells past it.
    start = len(table.headers)
    for record in table._grid[table.header_row :]:
        for index in range(len(record) - 1, start - 1, -1):
            if not _is_empty(record[index]):
                start = index + 1
                break
    for offset, name in enumerate(new):
        layout[name] = start + offset
    return layout, new


def _result_values(result: RowResult) -> dict[str, str | None]:
    """Result column -> text to write; None means: leave the cell as it is."""
    return {
        "meeting_id": None if result.meeting_id is None else str(result.meeting_id),
        "join_url": result.join_url,
        "passcode": result.passcode,
        "status": result.status.value,
        "error": result.error or "",
    }


def _csv_bytes(table: Table, by_row: dict[int, RowResult]) -> bytes:
    layout, new = _result_layout(table)
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
                if value is not None:
                    cells[layout[name]] = value
        writer.writerow([_escape(cell) for cell in cells])
    return buffer.getvalue().encode("utf-8-sig")


def _text(value: Any) -> str:
    """An Excel cell as CSV text."""
    value = _excel_cell(value)
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
    table: Table, by_row: dict[int, RowResult], results: Sequence[RowResult], *, macros: bool
) -> bytes:
    from openpyxl import Workbook, load_workbook

    if table.format == "excel":
        try:
            book = load_workbook(io.BytesIO(table._source), keep_vba=macros, rich_text=True)
        except Exception:
            raise OutputError(
                f"{table.path.name} could not be opened again to write the results into it.",
                hint="Save the workbook again from Excel as .xlsx, or choose a .csv --output.",
            ) from None
        sheet = book[table.sheet_name or book.sheetnames[0]]
    else:
        book = Workbook()
        sheet = book.active
        sheet.title = _sheet_title(table.path.stem)
        _copy_csv_rows(table, sheet)

    layout, new = _result_layout(table)
    _write_result_headers(table, sheet, layout, new, fresh=table.format == "csv")
    for number, result in by_row.items():
        for name, value in _result_values(result).items():
            if value is not None:
                _put_result(sheet, number, layout[name] + 1, name, value)
    if table.format == "csv":
        _finish_fresh_sheet(table, sheet, layout)
    _put_summary_sheet(book, sheet.title, results)

    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _copy_csv_rows(table: Table, sheet: Any) -> None:
    from openpyxl.styles import Font

    for index, record in enumerate(table._grid):
        for column, raw in enumerate(record, start=1):
            text = _unescape(raw)
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


def _write_result_headers(
    table: Table, sheet: Any, layout: dict[str, int], new: list[str], *, fresh: bool
) -> None:
    from openpyxl.utils import get_column_letter

    if not new:
        return
    model = sheet.cell(row=table.header_row, column=max(len(table.headers), 1))
    for name in new:
        cell = sheet.cell(row=table.header_row, column=layout[name] + 1)
        _put_text(cell, name)
        # The user's header look (font, fill, border, alignment) carries over to ours.
        cell.font = copy(model.font)
        cell.fill = copy(model.fill)
        cell.border = copy(model.border)
        cell.alignment = copy(model.alignment)
        if not fresh:
            letter = get_column_letter(layout[name] + 1)
            sheet.column_dimensions[letter].width = _RESULT_WIDTHS[name]
    if not fresh:
        _widen_filter(table, sheet, layout)


def _widen_filter(table: Table, sheet: Any, layout: dict[str, int]) -> None:
    """A filter over exactly the user's header row now reaches the result columns too."""
    from openpyxl.utils import get_column_letter, range_boundaries

    ref = sheet.auto_filter.ref
    if not ref:
        return
    try:
        min_col, min_row, max_col, max_row = range_boundaries(ref)
    except (TypeError, ValueError):
        return
    if min_row != table.header_row or max_col != len(table.headers):
        return
    last = max(index + 1 for index in layout.values())
    start = get_column_letter(min_col or 1)
    sheet.auto_filter.ref = f"{start}{min_row}:{get_column_letter(last)}{max_row or min_row}"


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
    _put_text(sheet.cell(row=1, column=1), f"{_SUMMARY_MARK}: {summary.total} rows")
    sheet.cell(row=1, column=1).font = Font(name="Calibri", bold=True, size=13)
    row = 3
    for section in sections(summary):
        row = _put_section(sheet, row, section, bold, shade) + 1
    widths = {"A": 28, "B": 40, "C": 28, "D": 12, "E": 60}
    for letter, width in widths.items():
        sheet.column_dimensions[letter].width = width
    if active in book.sheetnames:
        book.active = book.sheetnames.index(active)


def _put_section(sheet: Any, row: int, section: Section, bold: Any, shade: Any) -> int:
    """Write one table from ``row``; return the row after it."""
    _put_text(sheet.cell(row=row, column=1), section.title)
    sheet.cell(row=row, column=1).font = bold
    row += 1
    if not section.rows:
        _put_text(sheet.cell(row=row, column=1), section.empty_note)
        return row + 1
    for column, name in enumerate(section.header, start=1):
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
    return isinstance(first, str) and first.startswith(_SUMMARY_MARK)


# --------------------------------------------------------------------------------------------
# Saving: atomic, with a recovered copy when the output cannot be written


def _save(output: Path, data: bytes) -> Path:
    try:
        write_atomically(output, data)
        return output
    except OSError as exc:
        reason = _reason(exc)
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
        raise OutputError(
            f"Could not write {output} ({reason}); the results were saved to {candidate} instead.",
            fallback=candidate,
            hint="Close the file if it is open in another program such as Excel (or choose "
            "another --output), then use the recovered file or run again.",
        )
    raise OutputError(
        f"Could not write {output} ({reason}), nor a recovered copy in "
        f"{', '.join(str(folder) for folder in tried)}.",
        fallback=None,
        hint="Check that the disk has space and that you may write to the folder, then run "
        "again with another --output.",
    )


def _unused(path: Path) -> Path:
    candidate, number = path, 2
    while candidate.exists():
        candidate = path.with_name(f"{path.stem}-{number}{path.suffix}")
        number += 1
    return candidate


def _reason(exc: OSError) -> str:
    return exc.strerror.lower() if exc.strerror else str(exc) or type(exc).__name__
