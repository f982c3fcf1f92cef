"""Read a spreadsheet of meetings into rows.

Reading finds the header row (it may sit under a title line), maps the user's headers to our
field names through ``COLUMN_ALIASES``, and numbers every data row as Excel shows it, so that
messages can say "row 7" and mean the row the user sees. ``output`` writes the results back.
"""

from __future__ import annotations

import codecs
import csv
import io
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from ..cells import is_empty
from ..errors import InputError
from ..models import COLUMN_ALIASES, REQUIRED_FIELDS, STANDS_IN_FOR, SheetRow
from ..rows.columns import ColumnReading, header_text, recognise

__all__ = ["Table", "read_table"]

FORMATS = {".csv": "csv", ".xlsx": "excel", ".xlsm": "excel"}
SUPPORTED = ".csv, .xlsx or .xlsm"

#: The header must be within this many rows of the top (rows above it are a title).
HEADER_SEARCH_ROWS = 20

#: Characters that make a spreadsheet program treat a cell as a formula (OWASP CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # encrypted OOXML, or a legacy .xls
_ENCRYPTED_MARK = "EncryptionInfo".encode("utf-16-le")


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
    readings: list[ColumnReading] = field(default_factory=list)  # how each header was read
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
            f"{path} cannot be read ({os_reason(exc)}).",
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
            path, "excel", name, None, grid, header_index, positions, excel_value, ",", source
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
    """The first row (of the first 20) naming every required field, and where each field sits.

    ``rows.columns`` says which header is what; an ambiguous header ("時間") is settled here by
    the other columns only, and again in ``_build_table`` with its values.
    """
    for index, row in enumerate(grid[:HEADER_SEARCH_ROWS]):
        columns = recognise(row)
        if not columns.missing:
            return index, columns.positions
    return None


def _recognise(row: Sequence[Any]) -> dict[str, int]:
    return recognise(row).positions


def _header_text(cell: Any) -> str:
    return header_text(cell)


def _missing_columns_error(
    path: Path, grid: Sequence[Sequence[Any]], sheet_names: list[str] | None
) -> InputError:
    # The most header-like row: the one naming the most required fields, else the first
    # non-empty row.
    candidates = [
        (index, row)
        for index, row in enumerate(grid[:HEADER_SEARCH_ROWS])
        if not _is_blank_row(row)
    ]
    best_index, best = max(
        candidates,
        key=lambda item: sum(name in _recognise(item[1]) for name in REQUIRED_FIELDS),
        default=(0, []),
    )

    def values(column: int) -> list[Any]:  # what an ambiguous header ("時間") holds says more
        below = grid[best_index + 1 : best_index + 1 + HEADER_SEARCH_ROWS]
        return [row[column] for row in below if column < len(row)]

    missing = recognise(best, values).missing
    found = [text for text in (_header_text(cell) for cell in best) if text]
    message = (
        f"{path.name} has no header row with the required columns: "
        f"{', '.join(missing)} {'is' if len(missing) == 1 else 'are'} missing. "
        f"Columns found: {_quoted(found) if found else '(none)'}."
    )
    if sheet_names is not None:
        message += f" Sheets: {_quoted(sheet_names)}."
    accepted = "; ".join(
        f"{name}: {', '.join(COLUMN_ALIASES[name])}"
        + "".join(
            f" (or {other}: {', '.join(COLUMN_ALIASES[other])})"
            for other in STANDS_IN_FOR.get(name, ())
        )
        for name in missing or REQUIRED_FIELDS
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
    data = range(header_index + 1, len(grid))

    def values(column: int) -> list[Any]:
        return [clean(grid[index][column]) for index in data if column < len(grid[index])]

    # Now with the values: an ambiguous header ("時間") may mean the other field.
    understood = recognise(grid[header_index], values)
    if understood.missing:  # the values would leave a required field out: the other columns decide
        understood = recognise(grid[header_index])
    positions = understood.positions
    headers = [_header_text(cell) for cell in grid[header_index]]
    while headers and not headers[-1]:
        headers.pop()
    columns = {name: headers[index] for name, index in positions.items()}
    fields = list(positions.items())
    ours = set(positions.values())
    rows = []
    for index in data:
        record = grid[index]
        if _is_blank_row(record):
            continue
        width = len(record)
        cells = {name: clean(record[column]) if column < width else None for name, column in fields}
        others = tuple(
            value
            for column, raw in enumerate(record)
            if column not in ours and (value := clean(raw)) is not None
        )
        # Row n of the sheet (record n of a CSV) is grid[n - 1], blank rows included.
        rows.append(SheetRow(number=index + 1, cells=cells, other_cells=others))
    return Table(
        path=path,
        format=kind,
        sheet_name=sheet_name,
        encoding=encoding,
        header_row=header_index + 1,
        headers=headers,
        columns=columns,
        rows=rows,
        readings=understood.readings,
        _grid=grid,
        _positions=dict(positions),
        _delimiter=delimiter,
        _source=source,
    )


def _is_blank_row(row: Sequence[Any]) -> bool:
    return all(is_empty(value) for value in row)


def _csv_cell(raw: str) -> str | None:
    text = unescape_formula(raw).strip()
    return text or None


def excel_value(value: Any) -> Any:
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


def looks_like_formula(text: str) -> bool:
    if not text.startswith(_FORMULA_START):
        return False
    try:
        float(text)
    except ValueError:
        return True
    return False  # a plain number such as -5 is data, not a formula


def escape_formula(text: str) -> str:
    """A CSV value that no spreadsheet will run as a formula (a leading ' per OWASP)."""
    return "'" + text if looks_like_formula(text) else text


def unescape_formula(text: str) -> str:
    """Undo ``escape_formula``, so that a re-run reads back exactly what the user wrote."""
    if text.startswith("'") and looks_like_formula(text[1:]):
        return text[1:]
    return text


def _quoted(names: Iterable[str]) -> str:
    return ", ".join(f'"{name}"' for name in names)


# --------------------------------------------------------------------------------------------
# Writing


def os_reason(exc: OSError) -> str:
    return exc.strerror.lower() if exc.strerror else str(exc) or type(exc).__name__
