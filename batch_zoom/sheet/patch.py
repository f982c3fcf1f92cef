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

import copy
import dataclasses
import io
import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from lxml import etree

from ..models import RowResult
from ..summary import rows_count, sections, summarize
from .package import (
    CONTENT_TYPES,
    MAIN,
    OFFICE_REL,
    PACKAGE_REL,
    REL_CALC_CHAIN,
    REL_HYPERLINK,
    REL_SHARED_STRINGS,
    REL_STYLES,
    REL_TABLE,
    REL_VBA,
    REL_WORKSHEET,
    column_index,
    column_letters,
    local,
    open_package,
    parse,
    q,
    range_ref,
    read_part,
    relationships,
    relative,
    rels_name,
    resolve,
    serialize,
    sheet_parts,
    split_cell,
    split_range,
    workbook_part,
)

__all__ = ["OurTable", "PackageError", "SUMMARY_MARK", "SheetEdit", "patch_workbook"]

SUMMARY_SHEET = "Summary"
SUMMARY_MARK = "batch_zoom summary"  # A1 of a Summary sheet we wrote, so a re-run replaces it
HYPERLINK_COLOR = "FF0563C1"  # Excel's own "Hyperlink" style colour
TEXT_FORMAT = "49"  # the built-in "@" number format
WORKSHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
RELS_TYPE = "application/vnd.openxmlformats-package.relationships+xml"
WORKBOOK_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
MACRO_PARTS = (
    "application/vnd.ms-office.vbaProject",
    "application/vnd.ms-office.vbaProjectSignature",
)
_CELL_TAG = q("c")
_FORMULA_TAG = q("f")
_VALUE_TAGS = {q("f"), q("v"), q("is")}
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

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
#: CT_Workbook's children in schema order (only those we may add after matter).
WORKBOOK_ORDER = (
    "fileVersion", "fileSharing", "workbookPr", "workbookProtection", "bookViews", "sheets",
    "functionGroups", "externalReferences", "definedNames", "calcPr", "oleSize",
    "customWorkbookViews", "pivotCaches", "smartTagPr", "smartTagTypes", "webPublishing",
    "fileRecoveryPr", "webPublishObjects", "extLst",
)  # fmt: skip
#: CT_Stylesheet's children in schema order.
STYLES_ORDER = (
    "numFmts", "fonts", "fills", "borders", "cellStyleXfs", "cellXfs", "cellStyles", "dxfs",
    "tableStyles", "colors", "extLst",
)  # fmt: skip


#: What a package that is not what it claims to be makes zipfile and lxml raise.
_BROKEN = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    etree.LxmlError,
    KeyError,
    ValueError,
    EOFError,
)


class PackageError(Exception):
    """The package is not one we can edit safely (missing or unreadable parts)."""


@dataclass(frozen=True)
class OurTable:
    """A sheet of ours beside the schedule that is a plain table (header in row 1), such as the
    Participants; replaced on every run, found again by its header."""

    name: str
    header: tuple[str, ...]
    rows: Sequence[tuple[str, ...]]


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
        package = _Package(source)
    except _BROKEN as exc:
        raise PackageError(str(exc)) from exc
    try:
        names = sheet_parts(package.archive, package.workbook)
        if not names:
            raise PackageError("the workbook lists no worksheet")
        if edit.sheet is not None and edit.sheet not in names:
            raise PackageError(f"the workbook has no worksheet named {edit.sheet!r}")
        name = edit.sheet if edit.sheet is not None else next(iter(names))
        edit = dataclasses.replace(edit, sheet=name)
        _SheetWriter(package, names[name], edit).write()
        _put_summary(package, name, names, edit.results)
        if edit.extra is not None:
            _put_table(package, name, edit.extra, edit.widths)
        if not keep_macros:
            _drop_macros(package)
        return package.save()
    except _BROKEN as exc:
        raise PackageError(str(exc)) from exc


# --------------------------------------------------------------------------------------------
# The package: every entry copied as it is, except the parts that were edited


class _Package:
    def __init__(self, source: bytes) -> None:
        self.archive = open_package(source)
        self.infos = self.archive.infolist()
        self.names = {info.filename for info in self.infos}
        self.workbook = workbook_part(self.archive)
        self._trees: dict[str, etree._Element] = {}
        self._edited: set[str] = set()
        self._added: dict[str, bytes] = {}
        self._removed: set[str] = set()
        self._bytes: dict[str, bytes] = {}
        self._rels: dict[str, _Rels] = {}

    def has(self, name: str) -> bool:
        return (name in self.names or name in self._added) and name not in self._removed

    def tree(self, name: str) -> etree._Element:
        """The part parsed (once); call ``edited`` when it is changed."""
        if name not in self._trees:
            data = self._added.get(name) or read_part(self.archive, name)
            if data is None:
                raise KeyError(f"{name} is missing")
            self._trees[name] = parse(data)
        return self._trees[name]

    def edited(self, name: str) -> None:
        self._edited.add(name)

    def put_bytes(self, name: str, data: bytes) -> None:
        """The part's new content, already serialized (the meeting sheet)."""
        self._bytes[name] = data
        self._edited.add(name)

    def replace(self, name: str, root: etree._Element) -> None:
        self._trees[name] = root
        self._edited.add(name)

    def add(self, name: str, root: etree._Element) -> None:
        self._added[name] = b""
        self._trees[name] = root
        self._edited.add(name)

    def remove(self, name: str) -> None:
        self._removed.add(name)

    def unused_name(self, pattern: str) -> str:
        number = 1
        while self.has(pattern.format(number)):
            number += 1
        return pattern.format(number)

    def rels(self, part: str) -> _Rels:
        name = rels_name(part)
        if name in self._rels:
            return self._rels[name]
        if not self.has(name):
            self.add(
                name, etree.Element(q("Relationships", PACKAGE_REL), nsmap={None: PACKAGE_REL})
            )
            if self.content_type(name) is None:  # every package has it; a hand-made one may not
                types = self.tree("[Content_Types].xml")
                default = etree.Element(q("Default", CONTENT_TYPES))
                default.set("Extension", "rels")
                default.set("ContentType", RELS_TYPE)
                types.insert(0, default)
                self.edited("[Content_Types].xml")
        self._rels[name] = _Rels(self, name)
        return self._rels[name]

    def content_type(self, part: str) -> str | None:
        types = self.tree("[Content_Types].xml")
        for entry in types:
            is_override = isinstance(entry.tag, str) and local(entry) == "Override"
            if is_override and entry.get("PartName", "").lstrip("/") == part:
                return entry.get("ContentType")
        extension = part.rsplit(".", 1)[-1].lower()
        for entry in types:
            is_default = isinstance(entry.tag, str) and local(entry) == "Default"
            if is_default and entry.get("Extension", "").lower() == extension:
                return entry.get("ContentType")
        return None

    def save(self) -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", allowZip64=True) as target:
            for info in self.infos:
                name = info.filename
                if name in self._removed:
                    continue
                if name in self._bytes:
                    data = self._bytes[name]
                elif name in self._edited:
                    data = serialize(self._trees[name])
                else:
                    data = self.archive.read(name)
                target.writestr(_copy_info(info), data)
            for name in self._added:
                if name in self._removed:
                    continue
                info = zipfile.ZipInfo(name, date_time=_newest(self.infos))
                info.compress_type = zipfile.ZIP_DEFLATED
                target.writestr(info, serialize(self._trees[name]))
        return buffer.getvalue()


def _copy_info(info: zipfile.ZipInfo) -> zipfile.ZipInfo:
    twin = zipfile.ZipInfo(info.filename, date_time=info.date_time)
    twin.compress_type = info.compress_type
    twin.comment = info.comment
    twin.extra = info.extra
    twin.create_system = info.create_system
    twin.external_attr = info.external_attr
    twin.internal_attr = info.internal_attr
    return twin


def _newest(infos: Sequence[zipfile.ZipInfo]) -> tuple[int, int, int, int, int, int]:
    stamps = [info.date_time for info in infos if info.date_time[0] >= 1980]
    return max(stamps) if stamps else (1980, 1, 1, 0, 0, 0)


class _Rels:
    """One relationships part."""

    def __init__(self, package: _Package, name: str) -> None:
        self.package = package
        self.name = name
        self.root = package.tree(name)
        self._by_id = {rel.get("Id"): rel for rel in self.entries()}
        self._next = len(self._by_id) + 1

    def entries(self) -> list[etree._Element]:
        return [
            rel for rel in self.root if isinstance(rel.tag, str) and local(rel) == "Relationship"
        ]

    def get(self, rel_id: str) -> etree._Element | None:
        return self._by_id.get(rel_id)

    def add(self, rel_type: str, target: str, *, external: bool = False) -> str:
        while f"rId{self._next}" in self._by_id:
            self._next += 1
        rel_id = f"rId{self._next}"
        rel = etree.SubElement(self.root, q("Relationship", PACKAGE_REL))
        rel.set("Id", rel_id)
        rel.set("Type", rel_type)
        rel.set("Target", target)
        if external:
            rel.set("TargetMode", "External")
        self._by_id[rel_id] = rel
        self.package.edited(self.name)
        return rel_id

    def drop(self, rel_id: str) -> None:
        rel = self._by_id.pop(rel_id, None)
        if rel is not None:
            self.root.remove(rel)
            self.package.edited(self.name)


# --------------------------------------------------------------------------------------------
# Element order


def _child(parent: etree._Element, name: str) -> etree._Element | None:
    return parent.find(q(name, etree.QName(parent).namespace or MAIN))


def _place(parent: etree._Element, element: etree._Element, order: Sequence[str]) -> None:
    """Insert ``element`` before the first child that the schema puts after it."""
    after = set(order[order.index(local(element)) + 1 :])
    for index, child in enumerate(parent):
        if isinstance(child.tag, str) and local(child) in after:
            parent.insert(index, element)
            return
    parent.append(element)


def _ensure(parent: etree._Element, name: str, order: Sequence[str]) -> etree._Element:
    found = _child(parent, name)
    if found is None:
        found = etree.Element(q(name, etree.QName(parent).namespace or MAIN))
        _place(parent, found, order)
    return found


def _with_namespace(root: etree._Element, prefix: str, uri: str) -> etree._Element:
    """``root`` declaring ``uri``; a copy of it with the declaration added when it lacks one."""
    if uri in root.nsmap.values():
        return root
    nsmap = dict(root.nsmap)
    while prefix in nsmap:
        prefix += "x"
    nsmap[prefix] = uri
    twin = etree.Element(root.tag, attrib=dict(root.attrib), nsmap=nsmap)
    twin.text = root.text
    for child in list(root):
        twin.append(child)
    return twin


# --------------------------------------------------------------------------------------------
# The meeting sheet


def clean_text(text: str) -> str:
    """Characters XML 1.0 cannot carry are dropped (a tab, line break and return stay)."""
    return _ILLEGAL_XML.sub("", text)


def _inline(cell: etree._Element, text: str) -> None:
    """Make ``cell`` hold ``text`` as an inline string, or nothing; its style stays."""
    for child in list(cell):
        if child.tag in _VALUE_TAGS:
            cell.remove(child)
    for name in ("t", "cm", "vm"):
        cell.attrib.pop(name, None)
    text = clean_text(text)
    if not text:
        return
    cell.set("t", "inlineStr")
    holder = etree.Element(q("is"))
    run = etree.SubElement(holder, q("t"))
    run.text = text
    if text != text.strip() or "\n" in text:
        run.set(XML_SPACE, "preserve")
    cell.insert(0, holder)


_NAME = rb"(?:[A-Za-z_][\w.-]*:)?"
_SHEET_DATA = re.compile(rb"<(" + _NAME + rb")sheetData\b([^>]*?)(/?)>")
_ROW = re.compile(rb"<" + _NAME + rb"row\b([^>]*?)(?:/>|>.*?</" + _NAME + rb"row>)", re.S)
_ROW_NUMBER = re.compile(rb'\br="(\d+)"')
_ROWS_MARK = b"<!--batch_zoom rows-->"
_CELL_OPEN = re.compile(rb"<" + _NAME + rb"c[\s/>]")
_CELL_COLUMN = re.compile(rb"<" + _NAME + rb'c\b[^>]*?\br="\$?([A-Z]{1,3})\$?\d+"')
_SPANS = re.compile(rb'\bspans="(\d+):(\d+)"')


def _inline_bytes(prefix: bytes, ref: str, text: str, style: str | None) -> bytes:
    """A cell holding ``text`` as an inline string, as bytes (what ``_inline`` makes)."""
    escaped = escape(text).replace("\r", "&#13;").replace('"', "&quot;").encode()
    space = b' xml:space="preserve"' if text != text.strip() or "\n" in text else b""
    style_part = b"" if style is None or style == "0" else b' s="' + style.encode() + b'"'
    return (
        b"<" + prefix + b'c r="' + ref.encode() + b'"' + style_part + b' t="inlineStr"><'
        + prefix + b"is><" + prefix + b"t" + space + b">" + escaped + b"</" + prefix + b"t></"
        + prefix + b"is></" + prefix + b"c>"
    )  # fmt: skip


class _Rows:
    """The rows of the meeting sheet, parsed a chunk at a time, and only where results go.

    The whole sheet as one lxml tree costs about 100 MB for 10,000 rows (measured), and one small
    document per row costs as much again. So everything but ``sheetData`` is parsed as a small
    skeleton (widths, filter, hyperlinks...), the rows are kept as bytes, and the rows being
    written are parsed ``CHUNK`` at a time; a chunk is written back to bytes before the next one
    is parsed. Rows no result touches go back byte for byte.
    """

    CHUNK = 256

    def __init__(self, raw: bytes) -> None:
        found = _SHEET_DATA.search(raw)
        if found is None:
            raise PackageError("the sheet has no sheetData")
        prefix, attributes, closed = found.group(1), found.group(2), found.group(3)
        if closed:
            body_start = body_end = after = found.end()
        else:
            closing = b"</" + prefix + b"sheetData>"
            body_end = raw.rfind(closing)
            if body_end < found.end():
                raise PackageError("the sheet's sheetData is not closed")
            body_start, after = found.end(), body_end + len(closing)
        opening = b"<" + prefix + b"sheetData" + attributes + b">"
        self.skeleton = (
            raw[: found.start()]
            + opening
            + _ROWS_MARK
            + b"</"
            + prefix
            + b"sheetData>"
            + raw[after:]
        )
        self.body = raw[body_start:body_end]
        # Row number -> (start, end) of its bytes in the body, in sheet order.
        self.spans: dict[int, tuple[int, int]] = {}
        number = 0
        for match in _ROW.finditer(self.body):
            given = _ROW_NUMBER.search(match.group(1))
            number = int(given.group(1)) if given else number + 1
            self.spans[number] = match.span()
        self.chunk_of = {n: index // self.CHUNK for index, n in enumerate(self.spans)}
        self.chunks: list[list[int]] = [[] for _ in range(len(self.spans) // self.CHUNK + 1)]
        for n, index in self.chunk_of.items():
            self.chunks[index].append(n)
        self.edited: dict[int, bytes] = {}  # rows written back after their chunk was edited
        self.live: dict[int, etree._Element] = {}  # the rows of the chunk being edited
        self.live_chunk: int | None = None
        self.touched: set[int] = set()
        self.created: dict[int, etree._Element] = {}  # rows the sheet did not have
        self.cells: dict[int, dict[int, etree._Element]] = {}  # live rows: column -> cell
        self.declarations = b""
        self.prefix = b""
        self.row_tag = q("row")

    def bind(self, root: etree._Element) -> None:
        """Rows are parsed with the namespaces the sheet declares."""
        parts = []
        for prefix, uri in root.nsmap.items():
            name = b"xmlns" if prefix is None else b"xmlns:" + prefix.encode()
            parts.append(name + b'="' + uri.encode() + b'"')
        self.declarations = b" ".join(parts)
        if root.nsmap.get(None) == MAIN:
            self.prefix = b""
        else:
            named = [p for p, uri in root.nsmap.items() if uri == MAIN and p]
            self.prefix = named[0].encode() + b":" if named else b""

    def _bytes(self, number: int) -> bytes:
        if number in self.edited:
            return self.edited[number]
        start, end = self.spans[number]
        return self.body[start:end]

    def get(self, number: int) -> etree._Element | None:
        if number in self.created:
            return self.created[number]
        if number not in self.spans:
            return None
        chunk = self.chunk_of[number]
        if chunk != self.live_chunk:
            self.flush()
            numbers = self.chunks[chunk]
            holder = self._holder(b"".join(self._bytes(n) for n in numbers))
            self.live = dict(zip(numbers, holder, strict=True))
            self.live_chunk = chunk
        self.touched.add(number)
        return self.live[number]

    def flush(self) -> None:
        """Write the live chunk's touched rows back to bytes and let its tree go."""
        if self.live_chunk is None:
            return
        numbers = list(self.live)
        holder = next(iter(self.live.values())).getparent()
        assert holder is not None
        text = etree.tostring(holder, encoding="UTF-8")
        rows = [match.group(0) for match in _ROW.finditer(text[text.index(b">") + 1 :])]
        for number, data in zip(numbers, rows, strict=True):
            if number in self.touched:
                self.edited[number] = data
        self.live, self.live_chunk, self.touched = {}, None, set()
        for number in numbers:
            self.cells.pop(number, None)

    def create(self, number: int) -> etree._Element:
        row = etree.SubElement(self._holder(b""), self.row_tag)
        row.set("r", str(number))
        self.created[number] = row
        return row

    def _holder(self, content: bytes) -> etree._Element:
        return parse(b"<holder " + self.declarations + b">" + content + b"</holder>")

    def assemble(self, skeleton: bytes) -> bytes:
        """The sheet: the edited skeleton with every row back in place, edited or as it was."""
        self.flush()
        pieces: list[bytes] = []
        position = 0
        new = sorted(self.created)
        for number, (start, end) in self.spans.items():
            while new and new[0] < number:
                pieces.append(self._created_bytes(new.pop(0)))
            pieces.append(self.body[position:start])
            pieces.append(self._bytes(number))
            position = end
        pieces.append(self.body[position:])
        pieces.extend(self._created_bytes(number) for number in new)
        head, mark, tail = skeleton.partition(_ROWS_MARK)
        if not mark:
            raise PackageError("the sheet lost its rows")
        return head + b"".join(pieces) + tail

    def _created_bytes(self, number: int) -> bytes:
        holder = self.created[number].getparent()
        assert holder is not None
        text = etree.tostring(holder, encoding="UTF-8")
        return text[text.index(b">") + 1 : text.rindex(b"</holder>")]


class _SheetWriter:
    def __init__(self, package: _Package, part: str, edit: SheetEdit) -> None:
        self.package = package
        self.part = part
        self.edit = edit
        raw = read_part(package.archive, part)
        if raw is None:
            raise PackageError(f"{part} is missing")
        self.rows = _Rows(raw)
        self.root = parse(self.rows.skeleton)
        self.rows.bind(self.root)
        self.styles = _Styles(package)
        self.merged = self._merged()
        self.hyperlinks: dict[str, etree._Element] = {}
        self.formulas_removed = False
        self.top_row = 0
        self.right_column = 0

    # -- cells

    def _merged(self) -> list[tuple[int, int, int, int]]:
        block = _child(self.root, "mergeCells")
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
            for child in row.iterchildren(_CELL_TAG) if row is not None else ():
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
            if last is not None and last.tag == _CELL_TAG:
                found = split_cell(last.get("r", ""))
                if found is not None and found[0] < column:
                    cell = etree.Element(_CELL_TAG)
                    cell.set("r", f"{column_letters(column)}{number}")
                    last.addnext(cell)
                    self._widen_spans(row, column)
                    return cell
        cells = self._cells_of(number)
        existing = cells.get(column)
        if existing is not None:
            return existing
        row = self._row(number)
        cell = etree.Element(_CELL_TAG)
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
        if cell.find(_FORMULA_TAG) is not None:
            self.formulas_removed = True
        _inline(cell, text)
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
        refs = _CELL_COLUMN.findall(data)
        if len(refs) != len(_CELL_OPEN.findall(data)) or b"extLst" in data:
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
            pieces.append(_inline_bytes(prefix, ref, text, style))
            self.right_column = max(self.right_column, column)
        self.top_row = max(self.top_row, number)
        cells = b"".join(pieces)
        if data.endswith(b"/>"):
            opening = data[:-2]
            data = opening + b">" + cells + b"</" + prefix + b"row>"
        else:
            end = data.rindex(b"</")
            opening, data = data[: data.index(b">") + 1], data[:end] + cells + data[end:]
        spans = _SPANS.search(opening)
        if spans is not None and planned[-1][0] > int(spans.group(2)):
            wider = b'spans="' + spans.group(1) + b":" + str(planned[-1][0]).encode() + b'"'
            data = data[: spans.start()] + wider + data[spans.end() :]
        rows.edited[number] = data
        return True

    # -- hyperlinks

    def _index_hyperlinks(self) -> None:
        block = _child(self.root, "hyperlinks")
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
        block = _child(self.root, "hyperlinks")
        if not self.hyperlinks:
            if block is not None:
                self.root.remove(block)
            return
        if block is None:
            block = etree.Element(q("hyperlinks"))
            _place(self.root, block, WORKSHEET_ORDER)
        for link in self.hyperlinks.values():
            if link.getparent() is None:
                block.append(link)
        if OFFICE_REL not in self.root.nsmap.values():
            self.root = _with_namespace(self.root, "r", OFFICE_REL)

    # -- layout

    def _widths(self) -> None:
        columns = [self.edit.layout[name] for name in self.edit.new if name in self.edit.widths]
        if not columns:
            return
        cols = _ensure(self.root, "cols", WORKSHEET_ORDER)
        for name in self.edit.new:
            if name in self.edit.widths:
                _set_width(cols, self.edit.layout[name], self.edit.widths[name])

    def _dimension(self) -> None:
        if not self.top_row:
            return
        dimension = _ensure(self.root, "dimension", WORKSHEET_ORDER)
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
        block = _child(self.root, "autoFilter")
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


def _set_width(cols: etree._Element, column: int, width: float) -> None:
    """Give ``column`` its own ``col`` with ``width``, splitting a range that covers it."""
    for col in list(cols):
        if not isinstance(col.tag, str):
            continue
        low, high = int(col.get("min", "0")), int(col.get("max", "0"))
        if low <= column <= high:
            if low == high:
                col.set("width", _number(width))
                col.set("customWidth", "1")
                return
            pieces = []
            for first, last in ((low, column - 1), (column, column), (column + 1, high)):
                if first > last:
                    continue
                piece = copy.deepcopy(col)
                piece.set("min", str(first))
                piece.set("max", str(last))
                if first == column:
                    piece.set("width", _number(width))
                    piece.set("customWidth", "1")
                pieces.append(piece)
            for piece in pieces:
                col.addprevious(piece)
            cols.remove(col)
            return
    new = etree.Element(q("col"))
    new.set("min", str(column))
    new.set("max", str(column))
    new.set("width", _number(width))
    new.set("customWidth", "1")
    for col in cols:
        if isinstance(col.tag, str) and int(col.get("min", "0")) > column:
            col.addprevious(new)
            return
    cols.append(new)


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


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


def _widen_filter_name(package: _Package, sheet: str | None, ref: str) -> None:
    """Excel keeps a filter's range in a hidden name too; it follows the filter."""
    workbook = package.tree(package.workbook)
    index = _all_sheet_names(package).index(sheet) if sheet in _all_sheet_names(package) else 0
    names = _child(workbook, "definedNames")
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
    block = _child(table, "tableColumns")
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
    own_filter = _child(table, "autoFilter")
    if own_filter is not None:
        bounds = split_range(own_filter.get("ref", ""))
        if bounds is not None:
            own_filter.set("ref", range_ref(bounds[0], bounds[1], max(columns), bounds[3]))
    return True


def _drop_calc_chain(package: _Package) -> None:
    """A formula of ours replaced: Excel refuses a calcChain naming a cell without a formula,
    and rebuilds the chain itself when it is absent."""
    rels = package.rels(package.workbook)
    for rel in rels.entries():
        if rel.get("Type") == REL_CALC_CHAIN:
            part = resolve(package.workbook, rel.get("Target", ""))
            rels.drop(rel.get("Id", ""))
            package.remove(part)
            _drop_override(package, part)


def _drop_override(package: _Package, part: str) -> None:
    types = package.tree("[Content_Types].xml")
    for entry in list(types):
        if isinstance(entry.tag, str) and entry.get("PartName", "").lstrip("/") == part:
            types.remove(entry)
            package.edited("[Content_Types].xml")


def _drop_macros(package: _Package) -> None:
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


# --------------------------------------------------------------------------------------------
# Styles: added only when needed, and an equal existing one is reused


def _signature(element: etree._Element) -> tuple[object, ...]:
    return (
        local(element),
        tuple(sorted(element.attrib.items())),
        tuple(_signature(child) for child in element if isinstance(child.tag, str)),
    )


class _Styles:
    def __init__(self, package: _Package) -> None:
        self.package = package
        self.part: str | None = None
        rels = relationships(read_part(package.archive, rels_name(package.workbook)))
        for rel in rels:
            if rel.type == REL_STYLES:
                part = resolve(package.workbook, rel.target)
                if package.has(part):
                    self.part = part
        self._cache: dict[tuple[str, str | None], str] = {}

    def _root(self) -> etree._Element | None:
        return None if self.part is None else self.package.tree(self.part)

    def _list(self, name: str) -> etree._Element:
        root = self._root()
        assert root is not None
        return _ensure(root, name, STYLES_ORDER)

    def _items(self, name: str) -> list[etree._Element]:
        root = self._root()
        block = None if root is None else _child(root, name)  # looking adds nothing
        return [] if block is None else [item for item in block if isinstance(item.tag, str)]

    def _index_of(self, name: str, element: etree._Element) -> int:
        """The index of an equal entry of ``name`` (fonts, fills, cellXfs), appending if none."""
        wanted = _signature(element)
        items = self._items(name)
        for index, item in enumerate(items):
            if _signature(item) == wanted:
                return index
        block = self._list(name)
        block.append(element)
        block.set("count", str(len(items) + 1))
        assert self.part is not None
        self.package.edited(self.part)
        return len(items)

    def _base_xf(self, style: str | None) -> etree._Element:
        xfs = self._items("cellXfs")
        index = int(style) if style and style.isdigit() else 0
        if index < len(xfs):
            return copy.deepcopy(xfs[index])
        xf = etree.Element(q("xf"))
        for name in ("numFmtId", "fontId", "fillId", "borderId", "xfId"):
            xf.set(name, "0")
        return xf

    def _font(self, xf: etree._Element) -> etree._Element:
        fonts = self._items("fonts")
        index = int(xf.get("fontId", "0") or 0)
        if index < len(fonts):
            return copy.deepcopy(fonts[index])
        return etree.Element(q("font"))

    def _derived(self, key: str, style: str | None, change: object) -> str:
        if self._root() is None:
            return style or "0"
        cached = self._cache.get((key, style))
        if cached is None:
            xf = self._base_xf(style)
            change(xf)  # type: ignore[operator]
            cached = str(self._index_of("cellXfs", xf))
            self._cache[(key, style)] = cached
        return cached

    def _hyperlink_style(self) -> str | None:
        """The workbook's own "Hyperlink" cell style (built-in 8), as its cellStyleXfs index."""
        for cell_style in self._items("cellStyles"):
            if cell_style.get("builtinId") == "8" and (cell_style.get("xfId") or "").isdigit():
                index = cell_style.get("xfId")
                if index is not None and int(index) < len(self._items("cellStyleXfs")):
                    return index
        return None

    def hyperlink(self, style: str | None) -> str:
        def blue_underlined(xf: etree._Element) -> None:
            own = self._hyperlink_style()
            if own is not None:
                # The workbook's Hyperlink style already says how a link looks (its theme's
                # link colour): the cell takes that style's font and names the style.
                named = self._items("cellStyleXfs")[int(own)]
                xf.set("xfId", own)
                xf.set("fontId", named.get("fontId", "0"))
                xf.set("applyFont", "1")
                return
            font = self._font(xf)
            for child in list(font):
                if isinstance(child.tag, str) and local(child) in ("u", "color"):
                    font.remove(child)
            underline = etree.Element(q("u"))
            color = etree.Element(q("color"))
            color.set("rgb", HYPERLINK_COLOR)
            _insert_font_child(font, underline, ("vertAlign", "sz", "color", "name", "family"))
            _insert_font_child(font, color, ("name", "family", "charset", "scheme"))
            xf.set("fontId", str(self._index_of("fonts", font)))
            xf.set("applyFont", "1")

        return self._derived("hyperlink", style, blue_underlined)

    def text_format(self, style: str | None) -> str:
        def as_text(xf: etree._Element) -> None:
            xf.set("numFmtId", TEXT_FORMAT)
            xf.set("applyNumberFormat", "1")

        return self._derived("text", style, as_text)

    def bold(self, size: int | None = None, shade: str | None = None) -> str:
        """A style for the Summary sheet: bold (at ``size``), optionally on a solid ``shade``."""

        def emphasis(xf: etree._Element) -> None:
            font = self._font(xf)
            for child in list(font):
                if isinstance(child.tag, str) and local(child) == "b":
                    font.remove(child)
            font.insert(0, etree.Element(q("b")))
            if size is not None:
                for child in list(font):
                    if isinstance(child.tag, str) and local(child) == "sz":
                        font.remove(child)
                big = etree.Element(q("sz"))
                big.set("val", str(size))
                _insert_font_child(font, big, ("color", "name", "family", "charset", "scheme"))
            xf.set("fontId", str(self._index_of("fonts", font)))
            xf.set("applyFont", "1")
            if shade is not None:
                fill = etree.Element(q("fill"))
                pattern = etree.SubElement(fill, q("patternFill"))
                pattern.set("patternType", "solid")
                etree.SubElement(pattern, q("fgColor")).set("rgb", "FF" + shade)
                etree.SubElement(pattern, q("bgColor")).set("indexed", "64")
                xf.set("fillId", str(self._index_of("fills", fill)))
                xf.set("applyFill", "1")

        return self._derived(f"bold{size}{shade}", None, emphasis)


def _insert_font_child(font: etree._Element, child: etree._Element, before: Iterable[str]) -> None:
    names = set(before)
    for index, existing in enumerate(font):
        if isinstance(existing.tag, str) and local(existing) in names:
            font.insert(index, child)
            return
    font.append(child)


# --------------------------------------------------------------------------------------------
# The Summary sheet


def _put_summary(
    package: _Package, schedule: str, names: Mapping[str, str], results: Sequence[RowResult]
) -> None:
    all_sheets = _all_sheet_names(package)
    taken = {name.casefold(): name for name in all_sheets}
    number = 1
    while True:
        name = SUMMARY_SHEET if number == 1 else f"{SUMMARY_SHEET} {number}"
        existing = taken.get(name.casefold())
        if existing is None:
            part = package.unused_name("xl/worksheets/sheet{}.xml")
            package.add(part, _summary_xml(package, results))
            _register_sheet(package, name, part)
            return
        if existing != schedule and existing in names and _is_our_summary(package, names[existing]):
            package.replace(names[existing], _summary_xml(package, results))
            return
        number += 1  # the user's own sheet of that name (perhaps the schedule): leave it alone


def _all_sheet_names(package: _Package) -> list[str]:
    sheets = _child(package.tree(package.workbook), "sheets")
    return [
        s.get("name", "") for s in (sheets if sheets is not None else []) if isinstance(s.tag, str)
    ]


def _is_our_summary(package: _Package, part: str) -> bool:
    text = _cell_text(package, part, "A1")
    return text is not None and text.startswith(SUMMARY_MARK)


def _cell_text(package: _Package, part: str, ref: str) -> str | None:
    root = package.tree(part)
    for cell in root.iter(q("c")):
        if cell.get("r", "").upper() != ref:
            continue
        kind = cell.get("t")
        if kind == "inlineStr":
            holder = _child(cell, "is")
            return "".join(holder.itertext()) if holder is not None else ""
        value = _child(cell, "v")
        if value is None or value.text is None:
            return None
        if kind == "s":
            return _shared_string(package, int(value.text))
        return value.text
    return None


def _shared_string(package: _Package, index: int) -> str | None:
    rels = relationships(read_part(package.archive, rels_name(package.workbook)))
    for rel in rels:
        if rel.type == REL_SHARED_STRINGS:
            strings = [s for s in package.tree(resolve(package.workbook, rel.target))]
            if index < len(strings):
                item = strings[index]
                # rich text: the runs' text, leaving out phonetic (rPh) guides
                return "".join(
                    t.text or "" for t in item.iter(q("t")) if local(t.getparent()) != "rPh"
                )
    return None


def _summary_xml(package: _Package, results: Sequence[RowResult]) -> etree._Element:
    styles = _Styles(package)
    root = etree.Element(q("worksheet"), nsmap={None: MAIN, "r": OFFICE_REL})
    dimension = etree.SubElement(root, q("dimension"))
    cols = etree.SubElement(root, q("cols"))
    for column, width in enumerate((28, 40, 28, 12, 60), start=1):
        _set_width(cols, column, width)
    data = etree.SubElement(root, q("sheetData"))
    cells: list[tuple[int, int, str | int, str | None]] = []
    summary = summarize(results)
    # The mark stays English in every language: it is how a re-run knows the sheet is ours.
    cells.append((1, 1, f"{SUMMARY_MARK}: {rows_count(summary.total)}", styles.bold(13)))
    row = 3
    bold, shaded = styles.bold(), styles.bold(shade="F2F2F2")
    for section in sections(summary):
        cells.append((row, 1, section.title, bold))
        row += 1
        if not section.rows:
            cells.append((row, 1, section.empty_note, None))
            row += 2
            continue
        for column, name in enumerate(section.labels, start=1):
            cells.append((row, column, name, shaded))
        row += 1
        for values in section.rows:
            for column, value in enumerate(values, start=1):
                if isinstance(value, int) or value:
                    cells.append((row, column, value, None))
            row += 1
        row += 1
    current: etree._Element | None = None
    width = 1
    for number, column, value, style in cells:
        if current is None or current.get("r") != str(number):
            current = etree.SubElement(data, q("row"))
            current.set("r", str(number))
        cell = etree.SubElement(current, q("c"))
        cell.set("r", f"{column_letters(column)}{number}")
        if style is not None and style != "0":
            cell.set("s", style)
        if isinstance(value, int):
            etree.SubElement(cell, q("v")).text = str(value)
        else:
            _inline(cell, value)
        width = max(width, column)
    dimension.set("ref", range_ref(1, 1, width, max(number for number, *_ in cells)))
    margins = etree.SubElement(root, q("pageMargins"))
    for side, size in (("left", "0.7"), ("right", "0.7"), ("top", "0.75"), ("bottom", "0.75")):
        margins.set(side, size)
    margins.set("header", "0.3")
    margins.set("footer", "0.3")
    return root


def _register_sheet(package: _Package, name: str, part: str) -> None:
    workbook = package.tree(package.workbook)
    rel_id = package.rels(package.workbook).add(REL_WORKSHEET, relative(package.workbook, part))
    sheets = _child(workbook, "sheets")
    if sheets is None:
        raise PackageError("the workbook has no sheets element")
    ids = [int(s.get("sheetId", "0")) for s in sheets if isinstance(s.tag, str)]
    if OFFICE_REL not in workbook.nsmap.values():
        workbook = _with_namespace(workbook, "r", OFFICE_REL)
        package.replace(package.workbook, workbook)
        sheets = _child(workbook, "sheets")
        assert sheets is not None
    sheet = etree.SubElement(sheets, q("sheet", etree.QName(sheets).namespace or MAIN))
    sheet.set("name", name)
    sheet.set("sheetId", str(max(ids, default=0) + 1))
    sheet.set(q("id", OFFICE_REL), rel_id)
    package.edited(package.workbook)

    types = package.tree("[Content_Types].xml")
    override = etree.SubElement(types, q("Override", CONTENT_TYPES))
    override.set("PartName", "/" + part)
    override.set("ContentType", WORKSHEET_TYPE)
    package.edited("[Content_Types].xml")
    _list_in_app_properties(package, name)


def _list_in_app_properties(package: _Package, name: str) -> None:
    """docProps/app.xml lists the sheet titles (Excel's File > Info); add ours after the others.

    Left alone when its layout is not the usual one (HeadingPairs with a Worksheets count,
    TitlesOfParts in step): a stale list there is harmless, a broken one is not.
    """
    part = "docProps/app.xml"
    if not package.has(part):
        return
    root = package.tree(part)
    namespace = etree.QName(root).namespace or ""
    vt = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
    pairs = root.find(f"{{{namespace}}}HeadingPairs/{{{vt}}}vector")
    titles = root.find(f"{{{namespace}}}TitlesOfParts/{{{vt}}}vector")
    if pairs is None or titles is None:
        return
    variants = [v for v in pairs if isinstance(v.tag, str)]
    before = 0
    for index in range(0, len(variants) - 1, 2):
        label = variants[index].find(f"{{{vt}}}lpstr")
        count = variants[index + 1].find(f"{{{vt}}}i4")
        if label is None or count is None or not (count.text or "").strip().isdigit():
            return
        if label.text in ("Worksheets", "ワークシート"):
            entries = [t for t in titles if isinstance(t.tag, str)]
            if len(entries) != int(titles.get("size", "-1")):
                return
            position = before + int(count.text or "0")
            title = etree.Element(f"{{{vt}}}lpstr")
            title.text = name
            if position < len(entries):
                entries[position].addprevious(title)
            else:
                titles.append(title)
            titles.set("size", str(len(entries) + 1))
            count.text = str(int(count.text or "0") + 1)
            package.edited(part)
            return
        before += int(count.text or "0")


def _put_table(
    package: _Package, schedule: str, table: OurTable, widths: Mapping[str, float]
) -> None:
    names = sheet_parts(package.archive, package.workbook)  # as the user's workbook has them
    taken = {name.casefold(): name for name in _all_sheet_names(package)}
    number = 1
    while True:
        name = table.name if number == 1 else f"{table.name} {number}"
        existing = taken.get(name.casefold())
        if existing is None:
            part = package.unused_name("xl/worksheets/sheet{}.xml")
            package.add(part, etree.Element(q("worksheet"), nsmap={None: MAIN, "r": OFFICE_REL}))
            _register_sheet(package, name, part)
            break
        if (
            existing != schedule
            and existing in names
            and _has_header(package, names[existing], table.header)
        ):
            part = names[existing]
            break
        number += 1  # the user's own sheet of that name: leave it alone
    package.replace(part, _table_xml(package, part, table, widths))


def _has_header(package: _Package, part: str, header: Sequence[str]) -> bool:
    return all(
        _cell_text(package, part, f"{column_letters(column)}1") == name
        for column, name in enumerate(header, start=1)
    )


def _table_xml(
    package: _Package, part: str, table: OurTable, widths: Mapping[str, float]
) -> etree._Element:
    """Header in bold, frozen under it, a filter over it; links clickable, ids as text."""
    styles = _Styles(package)
    bold = styles.bold()
    root = etree.Element(q("worksheet"), nsmap={None: MAIN, "r": OFFICE_REL})
    last_row = max(len(table.rows) + 1, 1)
    last = range_ref(1, 1, max(len(table.header), 1), last_row)
    etree.SubElement(root, q("dimension")).set("ref", last)
    views = etree.SubElement(root, q("sheetViews"))
    view = etree.SubElement(views, q("sheetView"))
    view.set("workbookViewId", "0")
    pane = etree.SubElement(view, q("pane"))
    for key, value in (("ySplit", "1"), ("topLeftCell", "A2"), ("activePane", "bottomLeft")):
        pane.set(key, value)
    pane.set("state", "frozen")
    cols = etree.SubElement(root, q("cols"))
    for column, header in enumerate(table.header, start=1):
        _set_width(cols, column, widths.get(header, 24))
    data = etree.SubElement(root, q("sheetData"))
    links: list[tuple[str, str]] = []
    for number, values in enumerate([table.header, *table.rows], start=1):
        row = etree.SubElement(data, q("row"))
        row.set("r", str(number))
        for column, value in enumerate(values, start=1):
            if not value:
                continue
            ref = f"{column_letters(column)}{number}"
            cell = etree.SubElement(row, q("c"))
            cell.set("r", ref)
            _inline(cell, value)
            name = table.header[column - 1] if column <= len(table.header) else ""
            if number == 1:
                cell.set("s", bold)
            elif name == "meeting_id":
                cell.set("s", styles.text_format(None))
            elif name == "join_url" and value.startswith(("https://", "http://")):
                cell.set("s", styles.hyperlink(None))
                links.append((ref, value))
    etree.SubElement(root, q("autoFilter")).set("ref", last)
    rels = package.rels(part)
    for rel in rels.entries():  # the links of the previous run
        if rel.get("Type") == REL_HYPERLINK:
            rels.drop(rel.get("Id", ""))
    if links:
        block = etree.SubElement(root, q("hyperlinks"))
        for ref, url in links:
            link = etree.SubElement(block, q("hyperlink"))
            link.set("ref", ref)
            link.set(q("id", OFFICE_REL), rels.add(REL_HYPERLINK, url, external=True))
    margins = etree.SubElement(root, q("pageMargins"))
    for side, size in (("left", "0.7"), ("right", "0.7"), ("top", "0.75"), ("bottom", "0.75")):
        margins.set(side, size)
    margins.set("header", "0.3")
    margins.set("footer", "0.3")
    return root
