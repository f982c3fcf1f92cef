"""Write the results into the user's own .xlsx/.xlsm by editing its package, part by part.

openpyxl would load the workbook into its object model and write a new one, dropping whatever it
does not model (pictures, header/footer images, printer settings, pivot tables, threaded
comments...). Here every zip entry is copied as it is (same names, same order, same compression),
except the parts the results need:

- the meeting sheet (result cells, hyperlinks, widths of the new columns, ``dimension``,
  the autofilter) and its relationships (the hyperlink targets);
- ``styles.xml``, only when a style must be added: a hyperlink look, a text format for
  ``meeting_id``, the Summary's bold header; an existing equal style is reused, so re-runs do
  not grow it;
- the table (Format as Table) whose header row is the meeting header: it is extended over the
  new result columns, so sorting the table keeps each link with its meeting;
- for the Summary sheet: its own part, ``workbook.xml``, its relationships,
  ``[Content_Types].xml`` and ``docProps/app.xml``.

Text is written as inline strings (``t="inlineStr"``) rather than appended to the shared strings:
the shared string table (often the biggest part after the sheet) stays byte-identical, there is no
count to keep in step, and an inline string is text by construction, so a topic that begins with
``=`` can never become a formula. Excel, LibreOffice, openpyxl and calamine all read them; Excel
moves them into its shared table on its next save.

The parts that are edited are parsed and written with lxml, which keeps their namespaces,
prefixes and ``mc:Ignorable``; new elements go where the OOXML schema orders them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from lxml import etree

from ..models import RowResult
from .our_sheets import SUMMARY_MARK, OurTable, put_summary, put_table
from .package import (
    OFFICE_REL,
    REL_CALC_CHAIN,
    REL_HYPERLINK,
    REL_TABLE,
    REL_VBA,
    column_index,
    column_letters,
    parse,
    q,
    range_ref,
    read_part,
    relationships,
    rels_name,
    resolve,
    serialize,
    sheet_parts,
    split_cell,
    split_range,
)
from .parts import BROKEN, Package, PackageError, child, ensure, place, sheet_names, with_namespace
from .sheetdata import (
    CELL_COLUMN,
    CELL_OPEN,
    CELL_TAG,
    FORMULA_TAG,
    SPANS,
    SheetRows,
    clean_text,
    inline,
    inline_bytes,
    set_width,
)
from .styles import Styles

#: The namespace of "Strict Open XML Spreadsheet" files, which this writer does not edit.
STRICT_MAIN = "http://purl.oclc.org/ooxml/spreadsheetml/main"


class StrictPackage(PackageError):
    """Saved as Strict Open XML: every part in other namespaces than the ones edited here."""


__all__ = [
    "OurTable",
    "PackageError",
    "StrictPackage",
    "SUMMARY_MARK",
    "SheetEdit",
    "patch_workbook",
]

WORKBOOK_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
MACRO_PARTS = (
    "application/vnd.ms-office.vbaProject",
    "application/vnd.ms-office.vbaProjectSignature",
)

#: CT_Worksheet's children in the order the schema requires them.
WORKSHEET_ORDER = (
    "sheetPr", "dimension", "sheetViews", "sheetFormatPr", "cols", "sheetData", "sheetCalcPr",
    "sheetProtection", "protectedRanges", "scenarios", "autoFilter", "sortState",
    "dataConsolidate", "customSheetViews", "mergeCells", "phoneticPr", "conditionalFormatting",
    "dataValidations", "hyperlinks", "printOptions", "pageMargins", "pageSetup", "headerFooter",
    "rowBreaks", "colBreaks", "customProperties", "cellWatches", "ignoredErrors", "smartTags",
    "drawing", "legacyDrawing", "legacyDrawingHF", "drawingHF", "picture", "oleObjects",
    "controls", "webPublishItems", "tableParts", "extLst",
)  # fmt: skip


@dataclass
class SheetEdit:
    """What to write into the meeting sheet."""

    sheet: str | None  # its name; None: the first sheet
    header_row: int
    last_header: int  # 1-based column of the last header cell (the model of our header style)
    layout: Mapping[str, int]  # result column -> 1-based column
    new: Sequence[str]  # the result columns to add (their headers are written)
    widths: Mapping[str, float]  # result column -> width, for the new ones
    values: Mapping[int, Mapping[str, str | None]]  # row -> result column -> text (None: keep)
    results: Sequence[RowResult] = field(default_factory=list)  # for the Summary sheet
    extra: OurTable | None = None


def patch_workbook(source: bytes, edit: SheetEdit, *, keep_macros: bool) -> bytes:
    """The user's workbook with the results written in; raises PackageError."""
    try:
        package = Package(source)
    except BROKEN as exc:
        raise PackageError(str(exc)) from exc
    try:
        if STRICT_MAIN.encode() in (read_part(package.archive, package.workbook) or b""):
            raise StrictPackage("the workbook is Strict Open XML")
        names = sheet_parts(package.archive, package.workbook)
        if not names:
            raise PackageError("the workbook lists no worksheet")
        if edit.sheet is not None and edit.sheet not in names:
            raise PackageError(f"the workbook has no worksheet named {edit.sheet!r}")
        name = edit.sheet if edit.sheet is not None else next(iter(names))
        edit = dataclasses.replace(edit, sheet=name)
        _SheetWriter(package, names[name], edit).write()
        put_summary(package, name, names, edit.results)
        if edit.extra is not None:
            put_table(package, name, edit.extra, edit.widths)
        if not keep_macros:
            _drop_macros(package)
        return package.save()
    except BROKEN as exc:
        raise PackageError(str(exc)) from exc


class _SheetWriter:
    def __init__(self, package: Package, part: str, edit: SheetEdit) -> None:
        self.package = package
        self.part = part
        self.edit = edit
        raw = read_part(package.archive, part)
        if raw is None:
            raise PackageError(f"{part} is missing")
        self.rows = SheetRows(raw)
        self.root = parse(self.rows.skeleton)
        self.rows.bind(self.root)
        self.styles = Styles(package)
        self.merged = self._merged()
        self.hyperlinks: dict[str, etree._Element] = {}
        self.formulas_removed = False
        self.top_row = 0
        self.right_column = 0

    # -- cells

    def _merged(self) -> list[tuple[int, int, int, int]]:
        block = child(self.root, "mergeCells")
        found = []
        for merge in block if block is not None else []:
            bounds = split_range(merge.get("ref", "")) if isinstance(merge.tag, str) else None
            if bounds is not None:
                found.append(bounds)
        return found

    def _covered(self, column: int, row: int) -> bool:
        """Inside a merged block but not its top-left cell: Excel shows no value there."""
        return any(
            c1 <= column <= c2 and r1 <= row <= r2 and (column, row) != (c1, r1)
            for c1, r1, c2, r2 in self.merged
        )

    def _row(self, number: int) -> etree._Element:
        row = self.rows.get(number)
        return self.rows.create(number) if row is None else row

    def _cells_of(self, number: int) -> dict[int, etree._Element]:
        """Column -> cell element of row ``number``, worked out once per row."""
        cells = self.rows.cells.get(number)
        if cells is None:
            cells = {}
            position = 0
            row = self.rows.get(number)
            for child in row.iterchildren(CELL_TAG) if row is not None else ():
                found = split_cell(child.get("r", ""))
                position = found[0] if found else position + 1
                cells[position] = child
            self.rows.cells[number] = cells
        return cells

    def find(self, number: int, column: int) -> etree._Element | None:
        return self._cells_of(number).get(column)

    def cell(self, number: int, column: int) -> etree._Element:
        if number not in self.rows.cells:
            # The common case, a new cell right of the row's last one, without indexing the row.
            row = self.rows.get(number)
            last = row[-1] if row is not None and len(row) else None
            if last is not None and last.tag == CELL_TAG:
                found = split_cell(last.get("r", ""))
                if found is not None and found[0] < column:
                    cell = etree.Element(CELL_TAG)
                    cell.set("r", f"{column_letters(column)}{number}")
                    last.addnext(cell)
                    self._widen_spans(row, column)
                    return cell
        cells = self._cells_of(number)
        existing = cells.get(column)
        if existing is not None:
            return existing
        row = self._row(number)
        cell = etree.Element(CELL_TAG)
        cell.set("r", f"{column_letters(column)}{number}")
        later = [position for position in cells if position > column]
        if later:
            cells[min(later)].addprevious(cell)
        elif cells:
            cells[max(cells)].addnext(cell)
        else:
            row.insert(0, cell)
        cells[column] = cell
        self._widen_spans(row, column)
        return cell

    @staticmethod
    def _widen_spans(row: etree._Element, column: int) -> None:
        spans = row.get("spans")
        if not spans:
            return
        first, _, last = spans.partition(":")
        if first.isdigit() and last.isdigit() and column > int(last):
            row.set("spans", f"{first}:{column}")

    def put(self, number: int, column: int, text: str) -> etree._Element | None:
        if (self.merged and self._covered(column, number)) or (
            not text and self.find(number, column) is None
        ):
            return None
        cell = self.cell(number, column)
        if cell.find(FORMULA_TAG) is not None:
            self.formulas_removed = True
        inline(cell, text)
        self.top_row = max(self.top_row, number)
        self.right_column = max(self.right_column, column)
        return cell

    # -- the whole edit

    def write(self) -> None:
        edit = self.edit
        model = self.find(edit.header_row, max(edit.last_header, 1))
        model_style = None if model is None else model.get("s")
        for name in edit.new:
            cell = self.put(edit.header_row, edit.layout[name], name)
            if cell is not None and model_style is not None:
                cell.set("s", model_style)
        self._index_hyperlinks()
        for number, values in edit.values.items():
            if self._append(number, values):
                continue
            for name, text in values.items():
                if text is None:
                    continue
                column = edit.layout[name]
                cell = self.put(number, column, text)
                if cell is None:
                    continue
                if name == "meeting_id" and text:
                    cell.set("s", self.styles.text_format(cell.get("s")))
                elif name == "join_url":
                    self._link(cell, text)
        self._finish_hyperlinks()
        self._widths()
        self._dimension()
        self._filter()
        self._tables()
        if self.formulas_removed:
            _drop_calc_chain(self.package)
        self.package.put_bytes(self.part, self.rows.assemble(serialize(self.root)))

    def _append(self, number: int, values: Mapping[str, str | None]) -> bool:
        """Write a row's results as bytes when they all go right of its last cell.

        The first run of a sheet: every result cell is new and lies past the user's cells, so
        the row is not parsed at all; anything else (a re-run, a merged block, a cell without a
        reference) takes the element path. Returns whether it was done here.
        """
        rows = self.rows
        if number not in rows.spans or number in rows.edited or number in rows.live:
            return False
        data = rows._bytes(number)
        refs = CELL_COLUMN.findall(data)
        if len(refs) != len(CELL_OPEN.findall(data)) or b"extLst" in data:
            return False
        last = column_index(refs[-1].decode()) if refs else 0
        planned = sorted(
            (self.edit.layout[name], name, clean_text(text))
            for name, text in values.items()
            if text is not None
        )
        if not planned or planned[0][0] <= last:
            return False
        if self.merged and any(self._covered(column, number) for column, _, _ in planned):
            return False
        pieces = []
        prefix = rows.prefix
        for column, name, text in planned:
            if not text:
                continue  # an empty result where there is no cell: nothing to write
            ref = f"{column_letters(column)}{number}"
            if ref in self.hyperlinks:
                return False
            style = None
            if name == "meeting_id":
                style = self.styles.text_format(None)
            elif name == "join_url" and text.startswith(("https://", "http://")):
                style = self.styles.hyperlink(None)
                link = etree.Element(q("hyperlink"))
                link.set("ref", ref)
                rel_id = self.package.rels(self.part).add(REL_HYPERLINK, text, external=True)
                link.set(q("id", OFFICE_REL), rel_id)
                self.hyperlinks[ref] = link
            pieces.append(inline_bytes(prefix, ref, text, style))
            self.right_column = max(self.right_column, column)
        self.top_row = max(self.top_row, number)
        cells = b"".join(pieces)
        if data.endswith(b"/>"):
            opening = data[:-2]
            data = opening + b">" + cells + b"</" + prefix + b"row>"
        else:
            end = data.rindex(b"</")
            opening, data = data[: data.index(b">") + 1], data[:end] + cells + data[end:]
        spans = SPANS.search(opening)
        if spans is not None and planned[-1][0] > int(spans.group(2)):
            wider = b'spans="' + spans.group(1) + b":" + str(planned[-1][0]).encode() + b'"'
            data = data[: spans.start()] + wider + data[spans.end() :]
        rows.edited[number] = data
        return True

    # -- hyperlinks

    def _index_hyperlinks(self) -> None:
        block = child(self.root, "hyperlinks")
        for link in block if block is not None else []:
            if isinstance(link.tag, str):
                self.hyperlinks[link.get("ref", "").upper()] = link

    def _link(self, cell: etree._Element, text: str) -> None:
        ref = cell.get("r", "").upper()
        existing = self.hyperlinks.get(ref)
        if existing is not None:
            rel_id = existing.get(q("id", OFFICE_REL))
            if rel_id:
                self.package.rels(self.part).drop(rel_id)
            existing.getparent().remove(existing)
            del self.hyperlinks[ref]
        if not text.startswith(("https://", "http://")):
            return
        cell.set("s", self.styles.hyperlink(cell.get("s")))
        link = etree.Element(q("hyperlink"))
        link.set("ref", ref)
        rel_id = self.package.rels(self.part).add(REL_HYPERLINK, text, external=True)
        link.set(q("id", OFFICE_REL), rel_id)
        self.hyperlinks[ref] = link

    def _finish_hyperlinks(self) -> None:
        block = child(self.root, "hyperlinks")
        if not self.hyperlinks:
            if block is not None:
                self.root.remove(block)
            return
        if block is None:
            block = etree.Element(q("hyperlinks"))
            place(self.root, block, WORKSHEET_ORDER)
        for link in self.hyperlinks.values():
            if link.getparent() is None:
                block.append(link)
        if OFFICE_REL not in self.root.nsmap.values():
            self.root = with_namespace(self.root, "r", OFFICE_REL)

    # -- layout

    def _widths(self) -> None:
        columns = [self.edit.layout[name] for name in self.edit.new if name in self.edit.widths]
        if not columns:
            return
        cols = ensure(self.root, "cols", WORKSHEET_ORDER)
        for name in self.edit.new:
            if name in self.edit.widths:
                set_width(cols, self.edit.layout[name], self.edit.widths[name])

    def _dimension(self) -> None:
        if not self.top_row:
            return
        dimension = ensure(self.root, "dimension", WORKSHEET_ORDER)
        bounds = split_range(dimension.get("ref", "")) or (1, 1, 1, 1)
        dimension.set(
            "ref",
            range_ref(
                bounds[0],
                bounds[1],
                max(bounds[2], self.right_column),
                max(bounds[3], self.top_row),
            ),
        )

    def _filter(self) -> None:
        """A filter over exactly the user's header row now reaches the result columns too."""
        block = child(self.root, "autoFilter")
        ref = None if block is None else _widen(block, self.edit)
        if ref is not None:
            _widen_filter_name(self.package, self.edit.sheet, ref)

    def _tables(self) -> None:
        rels = relationships(read_part(self.package.archive, rels_name(self.part)))
        for rel in rels:
            if rel.type != REL_TABLE or rel.external:
                continue
            part = resolve(self.part, rel.target)
            if not self.package.has(part):
                continue
            table = self.package.tree(part)
            if _extend_table(table, self.edit):
                self.package.edited(part)


def _widen(filter_block: etree._Element, edit: SheetEdit) -> str | None:
    """Extend an autofilter that spans exactly the header; return its new ref."""
    bounds = split_range(filter_block.get("ref", ""))
    if bounds is None:
        return None
    min_col, min_row, max_col, max_row = bounds
    if min_row != edit.header_row or max_col != edit.last_header or not edit.new:
        return None
    last = max(edit.layout.values())
    if last <= max_col:
        return None
    ref = range_ref(min_col, min_row, last, max_row)
    filter_block.set("ref", ref)
    return ref


def _widen_filter_name(package: Package, sheet: str | None, ref: str) -> None:
    """Excel keeps a filter's range in a hidden name too; it follows the filter."""
    workbook = package.tree(package.workbook)
    index = sheet_names(package).index(sheet) if sheet in sheet_names(package) else 0
    names = child(workbook, "definedNames")
    for name in names if names is not None else []:
        if not isinstance(name.tag, str) or name.get("name") != "_xlnm._FilterDatabase":
            continue
        if name.get("localSheetId") != str(index) or not name.text or "!" not in name.text:
            continue
        prefix = name.text.rsplit("!", 1)[0]
        bounds = split_range(ref)
        assert bounds is not None
        first = f"${column_letters(bounds[0])}${bounds[1]}"
        last = f"${column_letters(bounds[2])}${bounds[3]}"
        name.text = f"{prefix}!{first}:{last}"
        package.edited(package.workbook)


def _extend_table(table: etree._Element, edit: SheetEdit) -> bool:
    """The table whose header is the meeting header now covers the new result columns."""
    bounds = split_range(table.get("ref", ""))
    if bounds is None or not edit.new:
        return False
    min_col, min_row, max_col, max_row = bounds
    if min_row != edit.header_row or max_col != edit.last_header:
        return False
    columns = [edit.layout[name] for name in edit.new]
    if min(columns) != max_col + 1 or max(columns) - max_col != len(columns):
        return False  # not right beside the table (the user's cells in between)
    block = child(table, "tableColumns")
    if block is None:
        return False
    used = [int(c.get("id", "0")) for c in block if isinstance(c.tag, str)]
    taken = {(c.get("name") or "").casefold() for c in block if isinstance(c.tag, str)}
    if any(name.casefold() in taken for name in edit.new):
        return False
    next_id = max(used, default=0) + 1
    for name in sorted(edit.new, key=lambda n: edit.layout[n]):
        column = etree.SubElement(block, q("tableColumn"))
        column.set("id", str(next_id))
        column.set("name", name)
        next_id += 1
    block.set("count", str(len([c for c in block if isinstance(c.tag, str)])))
    table.set("ref", range_ref(min_col, min_row, max(columns), max_row))
    own_filter = child(table, "autoFilter")
    if own_filter is not None:
        bounds = split_range(own_filter.get("ref", ""))
        if bounds is not None:
            own_filter.set("ref", range_ref(bounds[0], bounds[1], max(columns), bounds[3]))
    return True


def _drop_calc_chain(package: Package) -> None:
    """A formula of ours replaced: Excel refuses a calcChain naming a cell without a formula,
    and rebuilds the chain itself when it is absent."""
    rels = package.rels(package.workbook)
    for rel in rels.entries():
        if rel.get("Type") == REL_CALC_CHAIN:
            part = resolve(package.workbook, rel.get("Target", ""))
            rels.drop(rel.get("Id", ""))
            package.remove(part)
            _drop_override(package, part)


def _drop_override(package: Package, part: str) -> None:
    types = package.tree("[Content_Types].xml")
    for entry in list(types):
        if isinstance(entry.tag, str) and entry.get("PartName", "").lstrip("/") == part:
            types.remove(entry)
            package.edited("[Content_Types].xml")


def _drop_macros(package: Package) -> None:
    """A macro workbook saved as .xlsx: Excel refuses an .xlsx that holds VBA."""
    types = package.tree("[Content_Types].xml")
    workbook_type = package.content_type(package.workbook) or ""
    if "macroEnabled" not in workbook_type:
        return
    for entry in types:
        if isinstance(entry.tag, str) and entry.get("PartName", "").lstrip("/") == package.workbook:
            entry.set("ContentType", WORKBOOK_TYPE)
    package.edited("[Content_Types].xml")
    for info in package.infos:
        if package.content_type(info.filename) in MACRO_PARTS:
            package.remove(info.filename)
            _drop_override(package, info.filename)
            package.remove(rels_name(info.filename))
    rels = package.rels(package.workbook)
    for rel in rels.entries():
        if rel.get("Type") == REL_VBA:
            rels.drop(rel.get("Id", ""))
