"""Give the corpus's Excel-made workbooks a few meeting rows, touching nothing else.

The public test files in ``sources/`` were made by Excel but hold no meetings. This script puts a
header (``topic``, ``start_time``, ``duration``) and three meetings in 2030 into an empty area of
one sheet of each, at the XML level, and writes the result beside this script. Only the parts a
user's own typing would change are edited:

- the chosen sheet's XML: the new cells, the ``dimension`` and (for the table workbook) the
  header cells of the table;
- ``xl/sharedStrings.xml`` (new strings appended; counts updated) or, without one, inline strings;
- ``xl/styles.xml``: one cell format appended for the date-time cells (``numFmtId`` 22,
  Excel's built-in ``m/d/yyyy h:mm``);
- for the table workbook, the table definition's column names.

Every other zip entry is copied byte for byte, in the same order, with the same compression.
The test (``tests/test_workbooks.py``) then runs the prepared files as they are.

Run from the repository root:  ``python tests/workbooks/prepare.py``  (needs lxml).
The LibreOffice-made workbooks come from ``make_libreoffice.py`` instead.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from lxml import etree

HERE = Path(__file__).resolve().parent
SOURCES = HERE / "sources"

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
NS = {"m": MAIN, "r": REL, "p": PKG_REL}


@dataclass(frozen=True)
class Preparation:
    source: str  # file in sources/
    output: str  # file written beside this script
    sheet: str  # the sheet that gets the meetings
    cell: str  # top-left cell of the meeting header
    headers: tuple[str, ...] = ("topic", "start_time", "duration")
    table: bool = False  # the header cell is a table's header: rename its columns
    dates: str = "serial"  # start times as Excel date-time cells ("serial") or as "text"


PREPARATIONS = [
    Preparation("poi_64450.xlsx", "google-sheets_pivot-chart.xlsx", "Hoja 1", "A4"),
    Preparation("poi_64750.xlsx", "google-sheets_validation-dropdown.xlsx", "Sheet1", "A6"),
    Preparation("poi_64759.xlsx", "excel-mac_threaded-comments.xlsx", "File", "A5"),
    Preparation(
        "poi_right-to-left.xlsx", "excel-online_threaded-comments-arabic.xlsx", "English", "A6"
    ),
    Preparation("poi_DataTableCities.xlsx", "excel_pivot-chart-tables.xlsx", "Formula", "A11"),
    Preparation(
        "poi_NewStyleConditionalFormattings.xlsx", "excel_x14-databars-iconsets.xlsx", "CF", "A19"
    ),
    Preparation("poi_SimpleMacro.xlsm", "excel_vba-macro.xlsm", "Sheet1", "A3", dates="text"),
    Preparation("poi_SimpleWithComments.xlsx", "excel_comments.xlsx", "Sheet1", "A5"),
    Preparation("poi_57523.xlsx", "excel_frozen-pane-customxml.xlsx", "Node Master", "A8"),
    Preparation("xlsxwriter_header_image01.xlsx", "excel_header-image.xlsx", "Sheet1", "A1"),
    Preparation("xlsxwriter_background02.xlsx", "excel_background-picture.xlsx", "Sheet1", "A1"),
    Preparation("xlsxwriter_image01.xlsx", "excel_picture.xlsx", "Sheet1", "B2", dates="text"),
    Preparation("xlsxwriter_textbox01.xlsx", "excel_shape.xlsx", "Sheet1", "A1"),
    Preparation("xlsxwriter_chart_bar18.xlsx", "excel_chartsheet-printer.xlsx", "Sheet1", "A8"),
    Preparation(
        "xlsxwriter_table01.xlsx",
        "excel_table-holds-meetings.xlsx",
        "Sheet1",
        "C3",
        headers=("topic", "start_time", "duration", "room"),
        table=True,
    ),
]

MEETINGS = [
    ("Kickoff", datetime(2030, 1, 7, 9, 0), 30, "North"),
    ("Design review", datetime(2030, 1, 8, 14, 30), 60, "South"),
    ("Retrospective", datetime(2030, 1, 9, 17, 0), 45, "East"),
]


def split_cell(ref: str) -> tuple[int, int]:
    letters, digits = re.fullmatch(r"([A-Z]+)(\d+)", ref).groups()  # type: ignore[union-attr]
    column = 0
    for letter in letters:
        column = column * 26 + ord(letter) - 64
    return int(digits), column


def column_letters(column: int) -> str:
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def target(base: str, relative: str) -> str:
    if relative.startswith("/"):
        return relative[1:]
    return posixpath.normpath(posixpath.join(posixpath.dirname(base), relative))


def rels_of(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", name + ".rels")


def sheet_part(parts: dict[str, bytes], name: str) -> str:
    book = etree.fromstring(parts["xl/workbook.xml"])
    rels = etree.fromstring(parts["xl/_rels/workbook.xml.rels"])
    for sheet in book.iterfind("m:sheets/m:sheet", NS):
        if sheet.get("name") == name:
            rid = sheet.get(f"{{{REL}}}id")
            rel = rels.find(f"p:Relationship[@Id='{rid}']", NS)
            return target("xl/workbook.xml", rel.get("Target"))  # type: ignore[union-attr]
    raise SystemExit(f"no sheet {name!r}")


def xml_bytes(root: etree._Element, original: bytes) -> bytes:
    standalone = b'standalone="yes"' in original[:100]
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=standalone)


class Strings:
    """Shared strings when the workbook has them (appended, counts kept right), else inline."""

    def __init__(self, parts: dict[str, bytes]) -> None:
        self.parts = parts
        self.root = (
            etree.fromstring(parts["xl/sharedStrings.xml"])
            if "xl/sharedStrings.xml" in parts
            else None
        )
        self.added = 0

    def cell(self, cell: etree._Element, text: str) -> None:
        if self.root is None:
            cell.set("t", "inlineStr")
            inline = etree.SubElement(cell, f"{{{MAIN}}}is")
            etree.SubElement(inline, f"{{{MAIN}}}t").text = text
            return
        index = len(self.root.findall("m:si", NS))
        item = etree.SubElement(self.root, f"{{{MAIN}}}si")
        etree.SubElement(item, f"{{{MAIN}}}t").text = text
        self.added += 1
        cell.set("t", "s")
        etree.SubElement(cell, f"{{{MAIN}}}v").text = str(index)

    def finish(self) -> None:
        if self.root is None or not self.added:
            return
        self.root.set("uniqueCount", str(len(self.root.findall("m:si", NS))))
        if self.root.get("count") is not None:
            self.root.set("count", str(int(self.root.get("count")) + self.added))
        original = self.parts["xl/sharedStrings.xml"]
        self.parts["xl/sharedStrings.xml"] = xml_bytes(self.root, original)


def date_style(parts: dict[str, bytes]) -> int:
    """Append a cell format showing a date and time; return its index."""
    original = parts["xl/styles.xml"]
    root = etree.fromstring(original)
    formats = root.find("m:cellXfs", NS)
    xf = etree.SubElement(formats, f"{{{MAIN}}}xf")  # type: ignore[arg-type]
    for name, value in (("numFmtId", "22"), ("fontId", "0"), ("fillId", "0"), ("borderId", "0")):
        xf.set(name, value)
    xf.set("xfId", "0")
    xf.set("applyNumberFormat", "1")
    count = len(formats)  # type: ignore[arg-type]
    formats.set("count", str(count))  # type: ignore[union-attr]
    parts["xl/styles.xml"] = xml_bytes(root, original)
    return count - 1


def excel_serial(moment: datetime, date1904: bool) -> str:
    base = datetime(1904, 1, 1) if date1904 else datetime(1899, 12, 30)
    days = (moment - base).total_seconds() / 86400
    return repr(round(days, 10))


def put_cells(
    sheet: etree._Element,
    values: dict[tuple[int, int], object],
    strings: Strings,
    style: int,
    date1904: bool,
) -> None:
    data = sheet.find("m:sheetData", NS)
    rows = {int(row.get("r")): row for row in data.iterfind("m:row", NS)}  # type: ignore[union-attr]
    for number in sorted({row for row, _ in values}):
        row = rows.get(number)
        if row is None:
            row = etree.Element(f"{{{MAIN}}}row", r=str(number))
            after = [n for n in rows if n < number]
            if after:
                rows[max(after)].addnext(row)
            else:
                data.insert(0, row)  # type: ignore[union-attr]
            rows[number] = row
        for column in sorted(col for r, col in values if r == number):
            ref = f"{column_letters(column)}{number}"
            old = row.find(f"m:c[@r='{ref}']", NS)
            cell = etree.Element(f"{{{MAIN}}}c", r=ref)
            if old is not None:
                if old.find("m:f", NS) is not None:
                    raise SystemExit(f"{ref} holds a formula")
                old.addprevious(cell)
                row.remove(old)
            else:
                before = [c for c in row.iterfind("m:c", NS) if split_cell(c.get("r"))[1] > column]
                if before:
                    before[0].addprevious(cell)
                else:
                    row.append(cell)
            value = values[(number, column)]
            if isinstance(value, str):
                strings.cell(cell, value)
            elif isinstance(value, datetime):
                cell.set("s", str(style))
                etree.SubElement(cell, f"{{{MAIN}}}v").text = excel_serial(value, date1904)
            else:
                etree.SubElement(cell, f"{{{MAIN}}}v").text = str(value)
        columns = [split_cell(c.get("r"))[1] for c in row.iterfind("m:c", NS)]
        if row.get("spans") is not None:
            row.set("spans", f"{min(columns)}:{max(columns)}")
    # The dimension covers every cell.
    refs = [split_cell(c.get("r")) for c in data.iterfind("m:row/m:c", NS)]  # type: ignore[union-attr]
    dimension = sheet.find("m:dimension", NS)
    if dimension is not None and refs:
        top, bottom = min(r for r, _ in refs), max(r for r, _ in refs)
        left, right = min(c for _, c in refs), max(c for _, c in refs)
        dimension.set("ref", f"{column_letters(left)}{top}:{column_letters(right)}{bottom}")


def prepare(job: Preparation, folder: Path = HERE) -> Path:
    """Write ``job.output`` into ``folder``; the same source always gives the same bytes."""
    with zipfile.ZipFile(SOURCES / job.source) as source:
        infos = source.infolist()
        parts = {info.filename: source.read(info) for info in infos}
    part = sheet_part(parts, job.sheet)
    original = parts[part]
    sheet = etree.fromstring(original)
    date1904 = b'date1904="1"' in parts["xl/workbook.xml"]

    top, left = split_cell(job.cell)
    values: dict[tuple[int, int], object] = {}
    for offset, header in enumerate(job.headers):
        values[(top, left + offset)] = header
    for index, (topic, start, minutes, room) in enumerate(MEETINGS, start=1):
        row = top + index
        values[(row, left)] = f"{topic} ({Path(job.output).stem})"
        values[(row, left + 1)] = start if job.dates == "serial" else f"{start:%Y-%m-%d %H:%M}"
        values[(row, left + 2)] = minutes
        if len(job.headers) > 3:
            values[(row, left + 3)] = room
    # Nothing of the user's may sit in the rows of the meetings (it would become a meeting row)
    # nor under the new cells.
    for row in sheet.iterfind("m:sheetData/m:row", NS):
        number = int(row.get("r"))
        if top < number <= top + len(MEETINGS) and any(len(c) for c in row.iterfind("m:c", NS)):
            raise SystemExit(f"{job.source}: row {number} is not empty")
        if number == top and not job.table and any(len(c) for c in row.iterfind("m:c", NS)):
            raise SystemExit(f"{job.source}: row {number} is not empty")

    strings = Strings(parts)
    style = date_style(parts) if job.dates == "serial" else 0
    put_cells(sheet, values, strings, style, date1904)
    strings.finish()
    parts[part] = xml_bytes(sheet, original)

    if job.table:
        rels = etree.fromstring(parts[rels_of(part)])
        for rel in rels.iterfind("p:Relationship", NS):
            if rel.get("Type", "").endswith("/table"):
                table_part = target(part, rel.get("Target"))
                table_original = parts[table_part]
                table = etree.fromstring(table_original)
                columns = table.findall("m:tableColumns/m:tableColumn", NS)
                for column, name in zip(columns, job.headers, strict=True):
                    column.set("name", name)
                parts[table_part] = xml_bytes(table, table_original)

    output = folder / job.output
    with zipfile.ZipFile(output, "w") as written:
        for info in infos:
            written.writestr(info, parts[info.filename])
    return output


def main() -> None:
    for job in PREPARATIONS:
        print("wrote", prepare(job).relative_to(HERE.parent.parent))


if __name__ == "__main__":
    main()
