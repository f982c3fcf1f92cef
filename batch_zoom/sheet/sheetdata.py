"""The meeting sheet's cells and rows: inline strings, column widths, rows kept as bytes."""

from __future__ import annotations

import copy
import re
from xml.sax.saxutils import escape

from lxml import etree

from .package import (
    MAIN,
    parse,
    q,
)
from .parts import PackageError

CELL_TAG = q("c")
FORMULA_TAG = q("f")
_VALUE_TAGS = {q("f"), q("v"), q("is")}
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean_text(text: str) -> str:
    """Characters XML 1.0 cannot carry are dropped (a tab, line break and return stay)."""
    return _ILLEGAL_XML.sub("", text)


def inline(cell: etree._Element, text: str) -> None:
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
CELL_OPEN = re.compile(rb"<" + _NAME + rb"c[\s/>]")
CELL_COLUMN = re.compile(rb"<" + _NAME + rb'c\b[^>]*?\br="\$?([A-Z]{1,3})\$?\d+"')
SPANS = re.compile(rb'\bspans="(\d+):(\d+)"')


def inline_bytes(prefix: bytes, ref: str, text: str, style: str | None) -> bytes:
    """A cell holding ``text`` as an inline string, as bytes (what ``inline`` makes)."""
    escaped = escape(text).replace("\r", "&#13;").replace('"', "&quot;").encode()
    space = b' xml:space="preserve"' if text != text.strip() or "\n" in text else b""
    style_part = b"" if style is None or style == "0" else b' s="' + style.encode() + b'"'
    return (
        b"<" + prefix + b'c r="' + ref.encode() + b'"' + style_part + b' t="inlineStr"><'
        + prefix + b"is><" + prefix + b"t" + space + b">" + escaped + b"</" + prefix + b"t></"
        + prefix + b"is></" + prefix + b"c>"
    )  # fmt: skip


class SheetRows:
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


def set_width(cols: etree._Element, column: int, width: float) -> None:
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
