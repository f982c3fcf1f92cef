"""Read a spreadsheet of meetings into rows.

Reading finds the header row (it may sit under a title line), maps the user's headers to our
field names through ``COLUMN_ALIASES``, and numbers every data row as Excel shows it, so that
messages can say "row 7" and mean the row the user sees. ``output`` writes the results back.
"""

from __future__ import annotations

import codecs
import csv
import errno
import io
import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..cells import is_empty, quote
from ..errors import InputError
from ..i18n import N_, _, ngettext
from ..models import COLUMN_ALIASES, REQUIRED_FIELDS, STANDS_IN_FOR, SheetRow, normalize_header
from .columns import ALIASES, ColumnReading, header_text, recognise
from .package import (
    MAX_CELLS,
    MAX_SHEET_BYTES,
    Extent,
    column_letters,
    data_cell_positions,
    near_box,
    sheet_extents,
    without_far_cells,
)

__all__ = ["Table", "read_table"]

FORMATS = {".csv": "csv", ".xlsx": "excel", ".xlsm": "excel"}
SUPPORTED = N_(".csv, .xlsx or .xlsm")  # translated where it is used
#: How to save a sheet we do not read from the program that made it (any other: Excel's way).
SAVE_AS = {
    ".ods": N_(
        "In LibreOffice Calc, use File > Save As and choose 'Excel 2007-365 (.xlsx)', or "
        "'Text CSV (.csv)' with the character set Unicode (UTF-8)."
    ),
    ".numbers": N_("In Numbers, use File > Export To > Excel, or CSV with UTF-8 text encoding."),
}
SAVE_AS[".fods"] = SAVE_AS[".ots"] = SAVE_AS[".ods"]
SAVE_AS_EXCEL = N_(
    "In Excel, use File > Save As and choose 'Excel Workbook (.xlsx)' or 'CSV UTF-8'."
)

#: The header must be within this many rows of the top (rows above it are a title).
HEADER_SEARCH_ROWS = 20

#: Characters that make a spreadsheet program treat a cell as a formula (OWASP CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


#: What a CSV file without a byte-order mark may be in, when it is not UTF-8: the detector
#: (charset-normalizer) chooses among these. latin-1 reads the bytes cp1252 leaves undefined.
DETECTED_ENCODINGS = ("cp932", "cp1252", "latin_1", "utf_16_le", "utf_16_be")
#: Two readings of a file whose chaos (charset-normalizer's measure of mess: 0 is clean text)
#: is closer than this, giving different text, make its encoding a guess.
SURE_MARGIN = 0.1

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
    notes: list[str] = field(default_factory=list)  # said once, as warnings: a stray cell ignored
    # What writing needs: every row as read (row n is _grid[n - 1]; CSV: raw text; Excel: values
    # as pandas gave them), where each canonical column sits (0-based), the CSV delimiter, and
    # the file's bytes, so the output is made from exactly the version that was read.
    _grid: list[list[Any]] = field(default_factory=list, repr=False, compare=False)
    _positions: dict[str, int] = field(default_factory=dict, repr=False, compare=False)
    _delimiter: str = field(default=",", repr=False, compare=False)
    _source: bytes = field(default=b"", repr=False, compare=False)

    def other_columns(self) -> dict[str, dict[int, Any]]:
        """The columns that are not ours, by header: row number -> cell as read (a column
        whose header is an account's tracking field is known only once Zoom is asked)."""
        ours = set(self._positions.values())
        numbers = [row.number for row in self.rows]
        columns: dict[str, dict[int, Any]] = {}
        for index, header in enumerate(self.headers):
            if index in ours or not header or header in columns:
                continue
            columns[header] = {
                number: self._grid[number - 1][index]
                for number in numbers
                if index < len(self._grid[number - 1])
            }
        return columns


# --------------------------------------------------------------------------------------------
# Reading


def read_table(path: Path, *, sheet: str | None = None, encoding: str | None = None) -> Table:
    """Read a CSV or Excel file of meetings. ``sheet`` applies to Excel, ``encoding`` to CSV."""
    path = Path(path)
    kind = FORMATS.get(path.suffix.lower())
    if kind is None:
        raise InputError(
            _("{file} is not a spreadsheet batch_zoom can read: use a {formats} file.").format(
                file=path.name, formats=_(SUPPORTED)
            ),
            hint=_(SAVE_AS.get(path.suffix.lower(), SAVE_AS_EXCEL)),
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
            _("{path} does not exist.").format(path=path),
            hint=_("Check the file name and folder, or give the full path to the spreadsheet."),
        ) from None
    except IsADirectoryError:
        raise InputError(
            _("{path} is a folder, not a spreadsheet.").format(path=path),
            hint=_("Give the path of the file itself."),
        ) from None
    except PermissionError:
        raise InputError(
            _("{path} cannot be opened: permission denied.").format(path=path),
            hint=_(
                "Close the file if another program holds it, or copy it somewhere you can read."
            ),
        ) from None
    except OSError as exc:
        raise InputError(
            _("{path} cannot be read ({reason}).").format(path=path, reason=os_reason(exc)),
            hint=_("Copy the file to a local folder and try again."),
        ) from None
    if not source:
        raise InputError(
            _("{file} is empty.").format(file=path.name),
            hint=_("Save the spreadsheet with its rows, then try again."),
        )
    return source


def _read_csv(path: Path, source: bytes, encoding: str | None) -> Table:
    if source.startswith((b"PK\x03\x04", _OLE_MAGIC)):
        raise InputError(
            _("{file} is an Excel workbook with a .csv name, not a CSV file.").format(
                file=path.name
            ),
            hint=_("Rename it to .xlsx, or save it from Excel as 'CSV UTF-8'."),
        )
    text, used = _decode(path, source, encoding)
    try:
        delimiter, records = _parse_csv(text)
    except csv.Error as exc:
        raise InputError(
            _("{file} is not a readable CSV file ({reason}).").format(file=path.name, reason=exc),
            hint=_("Open it in Excel and save it again as 'CSV UTF-8 (comma delimited)'."),
        ) from None
    found = _find_header(records)
    if found is None:
        raise _missing_columns_error(path, records, None)
    header_index, positions = found
    return _build_table(
        path, "csv", None, used, records, header_index, positions, _csv_cell, delimiter, source
    )


def _decode(path: Path, source: bytes, encoding: str | None) -> tuple[str, str]:
    """The CSV file's text and the encoding it was read in.

    ``--encoding`` wins. Else a byte-order mark says it; else UTF-8 when the bytes are valid
    UTF-8 (text in another encoding almost never is); else the detector chooses among the
    encodings a spreadsheet program saves CSV in here (cp932, cp1252/latin-1, UTF-16 without a
    mark). When two of them read the file as different, equally plausible text, it is a guess:
    the run stops and asks for ``--encoding`` rather than send mojibake to Zoom.
    """
    if encoding:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise InputError(
                _('"{encoding}" is not an encoding Python knows.').format(encoding=encoding),
                hint=_("Use a name such as utf-8, utf-8-sig, cp932 (Shift_JIS) or cp1252."),
            ) from None
        try:
            text = source.decode(encoding)
        except UnicodeDecodeError as exc:
            raise InputError(
                _(
                    "{file} is not valid {encoding} text (byte 0x{byte} at position {position})."
                ).format(
                    file=path.name,
                    encoding=encoding,
                    byte=f"{source[exc.start]:02x}",
                    position=exc.start,
                ),
                hint=_("Try another --encoding, or save the file from Excel as 'CSV UTF-8'."),
            ) from None
        return text.removeprefix("\ufeff"), encoding
    if source.startswith(codecs.BOM_UTF8):
        return _decode_marked(path, source[len(codecs.BOM_UTF8) :], "utf-8-sig", "utf-8")
    if source.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Excel's "Unicode Text" export.
        return _decode_marked(path, source, "utf-16", "utf-16")
    if not _looks_like_utf16(source):
        try:
            return source.decode("utf-8"), "utf-8"
        except UnicodeDecodeError as exc:
            _refuse_mixed_utf8(path, source, exc)
    return _detect(path, source)


def _refuse_mixed_utf8(path: Path, source: bytes, error: UnicodeDecodeError) -> None:
    """Mostly UTF-8 with a few bytes that are not (lines pasted from a file in another
    encoding): any single encoding reads part of it as mojibake, so say where instead."""
    text = source.decode("utf-8", errors="replace")
    broken = text.count("\ufffd")
    sound = sum(1 for char in text if not char.isascii() and char != "\ufffd")
    if sound < 2 * broken:
        return
    line = source.count(b"\n", 0, error.start) + 1
    raise InputError(
        _(
            "{file} is UTF-8 text except in places (the first: byte 0x{byte:02x} on line "
            "{line}), so part of it was saved in another encoding."
        ).format(file=path.name, byte=source[error.start], line=line),
        hint=_(
            "Retype that line (and any other that shows wrong characters) and save the file "
            "again as 'CSV UTF-8', or pass --encoding if the whole file is in another encoding."
        ),
    )


def _looks_like_utf16(source: bytes) -> bool:
    # Latin text in UTF-16 is every other byte NUL, which is valid UTF-8 too; a real UTF-8
    # file has no NUL at all, or a stray one in a damaged cell.
    return source.count(b"\x00") * 4 >= len(source)


def _decode_marked(path: Path, source: bytes, name: str, codec: str) -> tuple[str, str]:
    try:
        return source.decode(codec).removeprefix("\ufeff"), name
    except UnicodeDecodeError as exc:
        raise InputError(
            _(
                "{file} begins with the mark of {encoding} text but is not valid {encoding} "
                "(byte 0x{byte:02x} at position {position})."
            ).format(file=path.name, encoding=name, byte=source[exc.start], position=exc.start),
            hint=_(
                "Pass --encoding with the file's real encoding, or save it from Excel as "
                "'CSV UTF-8'."
            ),
        ) from None


@dataclass(frozen=True)
class _Reading:
    """The file's text read in one encoding, and how likely that reading is mojibake."""

    encoding: str
    implausible: int  # characters that real text in this encoding would not hold (see below)
    chaos: float  # charset-normalizer's measure of mess: 0 is clean text
    text: str


def _detect(path: Path, source: bytes) -> tuple[str, str]:
    readings = _readings(source)
    if not readings:
        raise InputError(
            _(
                "{file} is not UTF-8 text, and it reads as none of {encodings} either, so its "
                "encoding is unknown."
            ).format(file=path.name, encodings=_listed(DETECTED_ENCODINGS)),
            hint=_encoding_hint(),
        )
    best, *others = readings
    if best.implausible * _MOSTLY_CLEAN > _non_ascii(best.text) or best.chaos >= _TOO_MESSY:
        raise InputError(
            _(
                "{file} is not UTF-8 text, and none of {encodings} reads it cleanly (the "
                "likeliest, {encoding}, reads {sample})."
            ).format(
                file=path.name,
                encodings=_listed(DETECTED_ENCODINGS),
                encoding=best.encoding,
                sample=_first_implausible_word(best.text),
            ),
            hint=_encoding_hint(),
        )
    rival = next((other for other in others if _as_likely(other, best)), None)
    if rival is not None:
        raise InputError(
            _(
                "{file} is not UTF-8 text, and its encoding cannot be told for sure: it reads "
                "as {first} ({first_sample}) or as {second} ({second_sample})."
            ).format(
                file=path.name,
                first=best.encoding,
                first_sample=_where_they_differ(best.text, rival.text),
                second=rival.encoding,
                second_sample=_where_they_differ(rival.text, best.text),
            ),
            hint=_encoding_hint(),
        )
    return best.text.removeprefix("\ufeff"), best.encoding


def _readings(source: bytes) -> list[_Reading]:
    """Every distinct strict reading of ``source``, the likeliest first."""
    from charset_normalizer import from_bytes
    from charset_normalizer.md import mess_ratio

    detected = {
        match.encoding: match.chaos
        for match in from_bytes(source, cp_isolation=list(DETECTED_ENCODINGS))
    }
    readings: list[_Reading] = []
    for encoding in DETECTED_ENCODINGS:
        if encoding.startswith("utf_16") and encoding not in detected:
            continue  # almost any even-length bytes decode as UTF-16: only when the detector says
        try:
            text = source.decode(encoding)
        except UnicodeDecodeError:
            continue
        if any(reading.text == text for reading in readings):
            continue  # cp1252 and latin-1 agree unless bytes 0x80-0x9f are there
        chaos = detected.get(encoding)
        if chaos is None:  # the detector stopped early at another: measure this one the same way
            chaos = mess_ratio(text[:_CHAOS_SAMPLE], maximum_threshold=1.0)
        readings.append(_Reading(encoding.replace("_", "-"), _implausible(text), chaos, text))
    readings.sort(key=lambda reading: (reading.implausible, reading.chaos))
    return readings


def _as_likely(other: _Reading, best: _Reading) -> bool:
    if other.implausible == best.implausible:
        return other.chaos - best.chaos < SURE_MARGIN
    return other.implausible == best.implausible + 1 and other.chaos <= best.chaos


_CHAOS_SAMPLE = 64 * 1024
#: A reading is clean when at most one non-ASCII character in this many is implausible, and
#: its chaos is under charset-normalizer's own threshold.
_MOSTLY_CLEAN = 50
_TOO_MESSY = 0.2
_IMPLAUSIBLE_SAMPLE = 500  # lines
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
#: The characters cp1252 and latin-1 read bytes 0x80-0xff as.
_LATIN = frozenset(bytes(range(0x80, 0x100)).decode("cp1252", errors="ignore")) | frozenset(
    bytes(range(0xA0, 0x100)).decode("latin-1")
)


def _listed(encodings: Iterable[str]) -> str:
    return _(", ").join(encoding.replace("_", "-") for encoding in encodings)


def _non_ascii(text: str) -> int:
    return sum(1 for char in text if not char.isascii())


def _first_implausible_word(text: str) -> str:
    for word in text.split():
        if not word.isascii() and _implausible(word):
            return quote(word)
    return quote(next((word for word in text.split() if not word.isascii()), text))


def _implausible(text: str) -> int:
    """How many characters of ``text`` real text would not hold: the marks of mojibake.

    Private-use, unassigned and control characters; half-width katakana glued to a Latin
    letter (cp1252 "Ü" read as cp932: "ﾜbung"), or a kanji between two; and in Latin text, a
    non-ASCII character beside another where either is not a letter (cp932 "定例" read as
    cp1252: "’è—á"), which German, French or Spanish words ("Größe") never make.
    """
    # The first lines that hold anything but ASCII say it as well as the whole file would.
    lines = [line for line in text.splitlines() if not line.isascii()][:_IMPLAUSIBLE_SAMPLE]
    text = "\n".join(lines)
    count = 0
    for match in _NON_ASCII.finditer(text):
        char, index = match.group(), match.start()
        before = text[index - 1] if index else ""
        after = text[index + 1 : index + 2]
        if unicodedata.category(char) in ("Co", "Cn", "Cc") or char == "\ufffd":
            count += 1
        elif "\uff61" <= char <= "\uff9f":
            count += any(c.isascii() and c.isalpha() for c in (before, after))
        elif char >= "\u3000":  # a kanji or kana inside a Latin word ("ação" as cp932: "a鈬o")
            count += all(c.isascii() and c.isalpha() for c in (before, after))
        elif char in _LATIN:
            count += any(
                c in _LATIN and not (c.isalpha() and char.isalpha()) for c in (before, after)
            )
    return count


def _encoding_hint() -> str:
    return _(
        "Pass --encoding with the file's encoding (for example --encoding cp1252 for "
        "Western European Windows, --encoding cp932 for Japanese), or save it from Excel as "
        "'CSV UTF-8'."
    )


def _where_they_differ(text: str, other: str) -> str:
    """The first word of ``text`` that ``other`` reads differently, quoted for a message."""
    for mine, theirs in zip(text.split(), other.split(), strict=False):
        if mine != theirs:
            return quote(mine)
    return quote(text)


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
    import python_calamine  # imported here: CSV runs do not need it

    if source.startswith(_OLE_MAGIC):
        if _ENCRYPTED_MARK in source:
            raise InputError(
                _("{file} is protected with a password, so it cannot be read.").format(
                    file=path.name
                ),
                hint=_(
                    "In Excel, open it and remove the password (File > Info > Protect "
                    "Workbook > Encrypt with Password), save, and run again."
                ),
            )
        raise InputError(
            _("{file} is an old-format Excel file (.xls) with a {suffix} name.").format(
                file=path.name, suffix=path.suffix
            ),
            hint=_("Open it in Excel and use File > Save As > 'Excel Workbook (.xlsx)'."),
        )
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(source))
        names = [str(name) for name in book.sheet_names]
        sheet_extents(source, only=set())  # the package's own structure is readable
    except Exception:  # calamine and zipfile raise many types for a damaged file
        raise InputError(
            _(
                "{file} cannot be read as an Excel workbook; it may be damaged or not really "
                "a {suffix} file."
            ).format(file=path.name, suffix=path.suffix),
            hint=_("Open it in Excel and save it again as 'Excel Workbook (.xlsx)'."),
        ) from None

    if sheet is not None:
        chosen = _pick_sheet(path, names, sheet)
        candidates = [chosen]
    else:
        candidates = names

    first_grid: list[list[Any]] | None = None
    too_large: tuple[str, Extent] | None = None
    for name in candidates:
        extent = sheet_extents(source, only={name}).get(name)  # only the sheets looked at
        if extent is not None and extent.size > MAX_SHEET_BYTES:
            raise InputError(
                _(
                    'Sheet "{sheet}" of {file} unpacks to {size:,} MB of XML (most of it probably '
                    "empty but formatted cells); batch_zoom reads sheets of up to {limit:,} MB."
                ).format(
                    sheet=name,
                    file=path.name,
                    size=extent.size // 1_000_000,
                    limit=MAX_SHEET_BYTES // 1_000_000,
                ),
                hint=_(
                    "Copy the table of meetings into a new workbook (Paste Special > Values "
                    "and formats) and run that one."
                ),
            )
        notes: list[str] = []
        sheet_book = book
        if extent is not None and extent.cells > MAX_CELLS:
            # calamine holds a sheet as a dense block from A1 to its last cell: one stray cell
            # at XFD1048576 would ask for gigabytes. Read without the far-away cells when the
            # rest is a table of a readable size (and say which were left out); else not at all.
            trimmed = _without_far_cells(source, name)
            if trimmed is None:
                too_large = too_large or (name, extent)
                continue
            sheet_book, extent, ignored = trimmed
            notes.append(_ignored_note(name, ignored))
        try:
            grid = _calamine_grid(sheet_book, name, extent)
        except Exception:  # a chart sheet, or a sheet calamine cannot parse
            if sheet is not None:
                raise InputError(
                    _('Sheet "{sheet}" of {file} cannot be read as a table of rows.').format(
                        sheet=name, file=path.name
                    ),
                    hint=_("Choose the sheet that holds the meetings with --sheet."),
                ) from None
            continue
        if first_grid is None:
            first_grid = grid[:HEADER_SEARCH_ROWS]
        found = _find_header(grid)
        if found is None:
            continue
        header_index, positions = found
        table = _build_table(
            path, "excel", name, None, grid, header_index, positions, excel_value, ",", source
        )
        table.notes.extend(notes)
        return table
    if too_large is not None:
        name, extent = too_large
        raise InputError(
            _(
                'Sheet "{sheet}" of {file} has data as far as cell {cell}, which would make it '
                "{rows:,} rows by {columns:,} columns; batch_zoom reads sheets of up to "
                "{limit:,} cells."
            ).format(
                sheet=name,
                file=path.name,
                cell=extent.last_cell,
                rows=extent.rows,
                columns=extent.columns,
                limit=MAX_CELLS,
            ),
            hint=_(
                "In Excel, press Ctrl+End on that sheet to reach {cell}, delete the rows and "
                "columns past your table, save, and run again."
            ).format(cell=extent.last_cell),
        )
    raise _missing_columns_error(path, first_grid or [], names)


#: The far-away cells named in a note, at most (then "and N more").
NAMED_FAR_CELLS = 5


def _without_far_cells(source: bytes, name: str) -> tuple[Any, Extent, list[str]] | None:
    """The workbook read without sheet ``name``'s far-away cells, the sheet's extent then, and
    the references of the cells left out; None when what remains is still too large."""
    cells = data_cell_positions(source, name)
    rows, columns = near_box(cells)
    if rows * columns > MAX_CELLS or rows * columns == 0:
        return None
    far = sorted((row, column) for row, column in cells if row > rows or column > columns)
    trimmed = without_far_cells(source, name, rows, columns)
    extent = sheet_extents(trimmed, only={name}).get(name)
    if extent is None or extent.cells > MAX_CELLS:
        return None
    import python_calamine

    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(trimmed))
    return book, extent, [f"{column_letters(column)}{row}" for row, column in far]


def _ignored_note(sheet: str, cells: list[str]) -> str:
    shown = _(", ").join(cells[:NAMED_FAR_CELLS])
    if len(cells) > NAMED_FAR_CELLS:
        shown = _("{cells} and {count} more").format(
            cells=shown, count=len(cells) - NAMED_FAR_CELLS
        )
    return ngettext(
        'sheet "{sheet}": cell {cells}, far past the table, holds data; it was ignored (in Excel, '
        "press Ctrl+End to reach it and delete it if it is a slip)",
        'sheet "{sheet}": cells {cells}, far past the table, hold data; they were ignored (in '
        "Excel, press Ctrl+End to reach them and delete them if they are a slip)",
        len(cells),
    ).format(sheet=sheet, cells=shown)


def _calamine_grid(book: Any, name: str, extent: Extent | None) -> list[list[Any]]:
    """The sheet from A1, row n as grid[n - 1], cells typed as openpyxl typed them."""
    rows = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
    grid = [[_typed(value) for value in row] for row in rows]
    # calamine reads an error cell as empty; openpyxl gave its text ("#N/A"), and a message
    # saying 'duration "#N/A"' is truer than "duration is missing".
    for (row, column), text in (extent.errors if extent is not None else {}).items():
        if row <= len(grid) and column <= len(grid[row - 1]):
            grid[row - 1][column - 1] = text
    return grid


def _typed(value: Any) -> Any:
    # calamine gives every number as a float and a date-only cell as a date; openpyxl (whose
    # values the rest of batch_zoom was written against) gives 60 and datetime(2027, 1, 5).
    if isinstance(value, float):
        return int(value) if value.is_integer() and abs(value) < 2**53 else value
    if isinstance(value, date) and not isinstance(value, datetime):
        return datetime(value.year, value.month, value.day)
    if value == "":
        return None
    return value


def _pick_sheet(path: Path, names: list[str], wanted: str) -> str:
    if wanted in names:
        return wanted
    folded = [name for name in names if name.casefold() == wanted.strip().casefold()]
    if len(folded) == 1:
        return folded[0]
    raise InputError(
        _('{file} has no sheet named "{wanted}"; its sheets are: {sheets}.').format(
            file=path.name, wanted=wanted, sheets=_quoted(names)
        ),
        hint=_("Pass one of those names to --sheet."),
    )


def _find_header(grid: Sequence[Sequence[Any]]) -> tuple[int, dict[str, int]] | None:
    """The first row (of the first 20) naming every required field, and where each field sits.

    ``columns`` says which header is what; an ambiguous header ("時間") is settled here by
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
    message = ngettext(
        "{file} has no header row with the required columns: {missing} is missing. "
        "Columns found: {found}.",
        "{file} has no header row with the required columns: {missing} are missing. "
        "Columns found: {found}.",
        len(missing),
    ).format(
        file=path.name,
        missing=_(", ").join(missing),
        found=_quoted(found) if found else _("(none)"),
    )
    if sheet_names is not None:
        message += " " + _("Sheets: {sheets}.").format(sheets=_quoted(sheet_names))
    accepted = "; ".join(
        f"{name}: {', '.join(COLUMN_ALIASES[name])}"
        + "".join(
            " "
            + _("(or {other}: {aliases})").format(
                other=other, aliases=", ".join(COLUMN_ALIASES[other])
            )
            for other in STANDS_IN_FOR.get(name, ())
        )
        for name in missing or REQUIRED_FIELDS
    )
    hint = _("Name a header cell in the first {count} rows as one of: {accepted}.").format(
        count=HEADER_SEARCH_ROWS, accepted=accepted
    )
    if sheet_names is not None and len(sheet_names) > 1:
        hint += " " + _("Use --sheet to choose the sheet that holds the meetings.")
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
    positions = _link_column(grid, header_index, headers, positions, clean)
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


#: Headers that are ours for certain; any other link header ("URL", "Zoom link") is a column the
#: user prepared, and receives the links only while it holds nothing but Zoom links.
_OWN_LINK_HEADERS = {normalize_header(name) for name in ("join_url", "join url", "参加URL")}
_ZOOM_HOSTS = ("zoom.us", "zoom.com", "zoomgov.com", "zoom.invalid")


def _link_column(
    grid: list[list[Any]],
    header_index: int,
    headers: list[str],
    positions: dict[str, int],
    clean: Any,
) -> dict[str, int]:
    """The column that receives the join links: the first link-headed one that is ours."""
    candidates = [
        index
        for index, text in enumerate(headers)
        if ALIASES.get(normalize_header(text)) == "join_url"
    ]
    chosen = dict(positions)
    chosen.pop("join_url", None)
    for index in candidates:
        if normalize_header(headers[index]) in _OWN_LINK_HEADERS or all(
            _is_zoom_link(clean(record[index])) if index < len(record) else True
            for record in grid[header_index + 1 :]
        ):
            chosen["join_url"] = index
            break
    return chosen


def _is_zoom_link(value: Any) -> bool:
    """Empty, or a link to a Zoom meeting (an earlier run's, or the sandbox's)."""
    if is_empty(value):
        return True
    host = urlsplit(str(value).strip()).hostname or ""
    return any(host == name or host.endswith("." + name) for name in _ZOOM_HOSTS)


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
    return _(", ").join(_('"{name}"').format(name=name) for name in names)


# --------------------------------------------------------------------------------------------
# Writing


def os_reason(exc: OSError) -> str:
    """The system's reason in the words of the language in use (the common ones translated)."""
    known = _os_reasons().get(exc.errno or 0)
    if known is not None and _(known) != known:  # in English, the system's own words
        return _(known)
    return exc.strerror.lower() if exc.strerror else str(exc) or type(exc).__name__


def _os_reasons() -> dict[int, str]:
    # The reasons people meet when saving a workbook, in the words strerror gives in English.
    found = {
        errno.EACCES: N_("permission denied"),
        errno.EPERM: N_("operation not permitted"),
        errno.ENOENT: N_("no such file or directory"),
        errno.ENOSPC: N_("no space left on device"),
        errno.EROFS: N_("read-only file system"),
        errno.EISDIR: N_("is a directory"),
        errno.EFBIG: N_("file too large"),
    }
    if hasattr(errno, "EDQUOT"):
        found[errno.EDQUOT] = N_("disk quota exceeded")
    return found
