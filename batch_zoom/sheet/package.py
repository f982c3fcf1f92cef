"""The parts of an .xlsx/.xlsm package (a zip of XML parts tied together by relationships).

Both the reader (which sheet part holds a named sheet, how far its data reaches) and the patch
writer (which parts to edit) find their way through the package here. Pure: bytes in, bytes out.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from dataclasses import dataclass, field

from lxml import etree

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
OFFICE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
CONTENT_TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
REL_OFFICE_DOCUMENT = OFFICE_REL + "/officeDocument"
REL_WORKSHEET = OFFICE_REL + "/worksheet"
REL_HYPERLINK = OFFICE_REL + "/hyperlink"
REL_TABLE = OFFICE_REL + "/table"
REL_SHARED_STRINGS = OFFICE_REL + "/sharedStrings"
REL_STYLES = OFFICE_REL + "/styles"
REL_CALC_CHAIN = OFFICE_REL + "/calcChain"
REL_VBA = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"

#: XML as people write it: no entities, no network, but no limit on a big sheet either.
PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)


def q(name: str, namespace: str = MAIN) -> str:
    """An lxml qualified name: ``{namespace}name``."""
    return f"{{{namespace}}}{name}"


def local(element: etree._Element) -> str:
    return etree.QName(element).localname


def parse(data: bytes) -> etree._Element:
    return etree.fromstring(data, PARSER)


def serialize(root: etree._Element) -> bytes:
    # The declaration exactly as Excel writes it (lxml's own uses single quotes).
    return DECLARATION + etree.tostring(root, encoding="UTF-8")


DECLARATION = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'


def rels_name(part: str) -> str:
    """``xl/worksheets/sheet1.xml`` -> ``xl/worksheets/_rels/sheet1.xml.rels``."""
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", name + ".rels")


def resolve(source_part: str, target: str) -> str:
    """A relationship's target as a part name (no leading slash), relative to its source part."""
    if target.startswith("/"):
        return posixpath.normpath(target.lstrip("/"))
    return posixpath.normpath(posixpath.join(posixpath.dirname(source_part), target))


def relative(source_part: str, part: str) -> str:
    return posixpath.relpath(part, posixpath.dirname(source_part) or ".")


_CELL = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")


def column_index(letters: str) -> int:
    """``A`` -> 1, ``XFD`` -> 16384."""
    number = 0
    for char in letters.upper():
        number = number * 26 + ord(char) - 64
    return number


def column_letters(index: int) -> str:
    letters = ""
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def split_cell(ref: str) -> tuple[int, int] | None:
    """``J4`` -> (column 10, row 4); None when it is not a cell reference."""
    match = _CELL.match(ref.strip())
    if match is None:
        return None
    return column_index(match.group(1)), int(match.group(2))


def split_range(ref: str) -> tuple[int, int, int, int] | None:
    """``A3:M6`` -> (min column, min row, max column, max row); a single cell is a range too."""
    first, _, last = ref.strip().partition(":")
    start = split_cell(first)
    end = split_cell(last) if last else start
    if start is None or end is None:
        return None
    return (
        min(start[0], end[0]),
        min(start[1], end[1]),
        max(start[0], end[0]),
        max(start[1], end[1]),
    )


def range_ref(min_col: int, min_row: int, max_col: int, max_row: int) -> str:
    first = f"{column_letters(min_col)}{min_row}"
    last = f"{column_letters(max_col)}{max_row}"
    return first if first == last else f"{first}:{last}"


@dataclass(frozen=True)
class Relationship:
    id: str
    type: str
    target: str
    external: bool


def relationships(data: bytes | None) -> list[Relationship]:
    if not data:
        return []
    root = parse(data)
    return [
        Relationship(
            rel.get("Id", ""),
            rel.get("Type", ""),
            rel.get("Target", ""),
            rel.get("TargetMode") == "External",
        )
        for rel in root
        if isinstance(rel.tag, str) and local(rel) == "Relationship"
    ]


def read_part(archive: zipfile.ZipFile, name: str) -> bytes | None:
    try:
        return archive.read(name)
    except KeyError:
        return None


def workbook_part(archive: zipfile.ZipFile) -> str:
    """The workbook part the package's own relationships name (almost always xl/workbook.xml)."""
    for rel in relationships(read_part(archive, "_rels/.rels")):
        if rel.type == REL_OFFICE_DOCUMENT and not rel.external:
            return resolve("", rel.target)
    return "xl/workbook.xml"


def sheet_parts(archive: zipfile.ZipFile, workbook: str) -> dict[str, str]:
    """Sheet name -> its worksheet part, in workbook order (chart sheets left out)."""
    data = read_part(archive, workbook)
    if data is None:
        return {}
    targets = {
        rel.id: resolve(workbook, rel.target)
        for rel in relationships(read_part(archive, rels_name(workbook)))
        if rel.type == REL_WORKSHEET
    }
    parts: dict[str, str] = {}
    sheets = parse(data).find(q("sheets"))
    for sheet in sheets if sheets is not None else []:
        part = targets.get(sheet.get(q("id", OFFICE_REL), ""))
        if part is not None:
            parts[sheet.get("name", "")] = part
    return parts


def open_package(source: bytes) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(source))


#: The most cells (rows x columns, from A1 to the last cell holding data) a sheet may span to be
#: read: calamine holds a sheet as one dense block, about 30 bytes a cell before Python sees it.
#: 2,000,000 is 10,000 rows by 200 columns.
MAX_CELLS = 2_000_000
#: The most bytes a sheet's XML may unpack to (a zip can pack 1 GB of empty cells into 1 MB).
#: Reading and writing hold a few copies of it; 100 MB is about 2 million cells.
MAX_SHEET_BYTES = 100_000_000

# A cell element that is not self-closing (<c r="B2" s="1"/> is formatting only), any prefix;
# it holds data when it starts with a value, an inline string or a formula.
_OPEN_CELL = re.compile(
    rb"<(?:[A-Za-z_][\w.-]*:)?c\b([^>]*?)(?<!/)>(.*?)</(?:[A-Za-z_][\w.-]*:)?c>", re.S
)
_ERROR_TYPE = re.compile(rb'\bt="e"')
_VALUE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?v>([^<]*)<")
_CELL_REF = re.compile(rb'\br="\$?([A-Z]{1,3})\$?(\d+)"')
# The same in one pass of the regex engine: the reference of every cell that holds data.
_DATA_CELL_REF = re.compile(
    rb'<(?:[A-Za-z_][\w.-]*:)?c\b[^>]*?\br="\$?([A-Z]{1,3})\$?(\d+)"[^>]*(?<!/)>\s*'
    rb"<(?:[A-Za-z_][\w.-]*:)?(?:v>[^<]|is\b|f\b)"
)


@dataclass(frozen=True)
class Extent:
    """How far a sheet's data reaches (from A1)."""

    columns: int
    rows: int
    size: int = 0  # bytes of its XML, unpacked
    #: (row, column), both 1-based -> an error value such as "#N/A" (calamine reads it as "")
    errors: dict[tuple[int, int], str] = field(default_factory=dict, compare=False)

    @property
    def cells(self) -> int:
        return self.columns * self.rows

    @property
    def last_cell(self) -> str:
        return f"{column_letters(self.columns)}{self.rows}"


def sheet_extents(source: bytes, *, only: set[str] | None = None) -> dict[str, Extent]:
    """Sheet name -> how far its cells with content reach, judged from the raw XML.

    ``only``: just these sheets (each sheet's XML is unpacked to be scanned). The declared
    ``dimension`` is not trusted (anything can be written there), and cells that
    only carry formatting do not count, as they hold no data. A cell without an ``r``
    attribute is placed after its neighbour, so it cannot reach further than the row's own
    count of cells: those are not counted here.
    """
    extents: dict[str, Extent] = {}
    with open_package(source) as archive:
        for name, part in sheet_parts(archive, workbook_part(archive)).items():
            if only is not None and name not in only:
                continue
            try:
                size = archive.getinfo(part).file_size
            except KeyError:
                continue
            if size > MAX_SHEET_BYTES:
                extents[name] = Extent(0, 0, size)  # not even unpacked
                continue
            data = archive.read(part)
            refs = _DATA_CELL_REF.findall(data)  # one C-speed pass: 10,000 rows in ~20 ms
            letters = {column for column, _ in refs}
            columns = max((column_index(c.decode()) for c in letters), default=0)
            rows = max(map(int, {row for _, row in refs}), default=0)
            extents[name] = Extent(columns, rows, size, _errors(data) if b't="e"' in data else {})
    return extents


def _errors(data: bytes) -> dict[tuple[int, int], str]:
    """(row, column) -> the text of each error cell (#N/A, #DIV/0!...)."""
    errors: dict[tuple[int, int], str] = {}
    for match in _OPEN_CELL.finditer(data):
        ref = _CELL_REF.search(match.group(1))
        if ref is None or not _ERROR_TYPE.search(match.group(1)):
            continue
        value = _VALUE.search(match.group(2))
        if value is not None:
            row, column = int(ref.group(2)), column_index(ref.group(1).decode())
            errors[(row, column)] = value.group(1).decode(errors="replace")
    return errors


#: Data past this many empty rows (or columns) after the rest of a sheet's data is a stray cell,
#: not part of the table: a value typed at XFD1048576 by a slip of Ctrl+arrow, say.
FAR_ROWS = 1000
FAR_COLUMNS = 100


def data_cell_positions(source: bytes, name: str) -> list[tuple[int, int]]:
    """(row, column), both 1-based, of every cell of sheet ``name`` that holds data."""
    with open_package(source) as archive:
        part = sheet_parts(archive, workbook_part(archive)).get(name)
        if part is None:
            return []
        data = archive.read(part)
    return [
        (int(row), column_index(letters.decode())) for letters, row in _DATA_CELL_REF.findall(data)
    ]


def near_box(cells: list[tuple[int, int]]) -> tuple[int, int]:
    """How far (rows, columns) a sheet's data reaches when the far-away cells are left out: the
    data up to the first gap of more than ``FAR_ROWS`` empty rows (``FAR_COLUMNS`` columns)."""

    def reach(values: set[int], gap: int) -> int:
        last = 0
        for value in sorted(values):
            if value - last > gap and last:
                break
            last = value
        return last

    rows = reach({row for row, _ in cells}, FAR_ROWS)
    columns = reach({column for _, column in cells}, FAR_COLUMNS)
    return rows, columns


def without_far_cells(source: bytes, name: str, rows: int, columns: int) -> bytes:
    """The package with every cell of sheet ``name`` past ``rows`` x ``columns`` taken out of
    its worksheet part (and the declared dimension brought in): for reading only, never written
    back (the user's workbook keeps its cells)."""
    with open_package(source) as archive:
        part = sheet_parts(archive, workbook_part(archive))[name]
        root = parse(archive.read(part))
        for row in list(root.iter(q("row"))):
            if int(row.get("r", "0") or 0) > rows:
                row.getparent().remove(row)
                continue
            for cell in list(row):
                match = _CELL.match(cell.get("r", ""))
                if local(cell) == "c" and match and column_index(match.group(1)) > columns:
                    row.remove(cell)
        for dimension in root.iter(q("dimension")):
            dimension.set("ref", f"A1:{column_letters(max(columns, 1))}{max(rows, 1)}")
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as trimmed:
            for info in archive.infolist():
                data = serialize(root) if info.filename == part else archive.read(info)
                trimmed.writestr(info, data)
    return buffer.getvalue()
