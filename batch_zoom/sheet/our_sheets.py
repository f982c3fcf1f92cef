"""The sheets of ours beside the schedule: the Summary, and a plain table such as Participants.

Each is found again on a re-run (the Summary by its first cell, a table by its header) and
replaced; a sheet of the user's of the same name is left alone and ours takes the next name.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from lxml import etree

from ..models import RowResult
from ..summary import rows_count, sections, summarize
from .package import (
    CONTENT_TYPES,
    MAIN,
    OFFICE_REL,
    REL_HYPERLINK,
    REL_SHARED_STRINGS,
    REL_WORKSHEET,
    column_letters,
    local,
    q,
    range_ref,
    read_part,
    relationships,
    relative,
    rels_name,
    resolve,
    sheet_parts,
)
from .parts import WORKSHEET_TYPE, Package, PackageError, child, sheet_names, with_namespace
from .sheetdata import inline, set_width
from .styles import Styles

SUMMARY_SHEET = "Summary"
SUMMARY_MARK = "batch_zoom summary"  # A1 of a Summary sheet we wrote, so a re-run replaces it


@dataclass(frozen=True)
class OurTable:
    """A sheet of ours beside the schedule that is a plain table (header in row 1), such as the
    Participants; replaced on every run, found again by its header."""

    name: str
    header: tuple[str, ...]
    rows: Sequence[tuple[str, ...]]


def put_summary(
    package: Package, schedule: str, names: Mapping[str, str], results: Sequence[RowResult]
) -> None:
    all_sheets = sheet_names(package)
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


def _is_our_summary(package: Package, part: str) -> bool:
    text = _cell_text(package, part, "A1")
    return text is not None and text.startswith(SUMMARY_MARK)


def _cell_text(package: Package, part: str, ref: str) -> str | None:
    root = package.tree(part)
    for cell in root.iter(q("c")):
        if cell.get("r", "").upper() != ref:
            continue
        kind = cell.get("t")
        if kind == "inlineStr":
            holder = child(cell, "is")
            return "".join(holder.itertext()) if holder is not None else ""
        value = child(cell, "v")
        if value is None or value.text is None:
            return None
        if kind == "s":
            return _shared_string(package, int(value.text))
        return value.text
    return None


def _shared_string(package: Package, index: int) -> str | None:
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


def _summary_xml(package: Package, results: Sequence[RowResult]) -> etree._Element:
    styles = Styles(package)
    root = etree.Element(q("worksheet"), nsmap={None: MAIN, "r": OFFICE_REL})
    dimension = etree.SubElement(root, q("dimension"))
    cols = etree.SubElement(root, q("cols"))
    for column, width in enumerate((28, 40, 28, 12, 60), start=1):
        set_width(cols, column, width)
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
            inline(cell, value)
        width = max(width, column)
    dimension.set("ref", range_ref(1, 1, width, max(number for number, *_ in cells)))
    _page_margins(root)
    return root


def _register_sheet(package: Package, name: str, part: str) -> None:
    workbook = package.tree(package.workbook)
    rel_id = package.rels(package.workbook).add(REL_WORKSHEET, relative(package.workbook, part))
    sheets = child(workbook, "sheets")
    if sheets is None:
        raise PackageError("the workbook has no sheets element")
    ids = [int(s.get("sheetId", "0")) for s in sheets if isinstance(s.tag, str)]
    if OFFICE_REL not in workbook.nsmap.values():
        workbook = with_namespace(workbook, "r", OFFICE_REL)
        package.replace(package.workbook, workbook)
        sheets = child(workbook, "sheets")
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


def _list_in_app_properties(package: Package, name: str) -> None:
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


def put_table(
    package: Package, schedule: str, table: OurTable, widths: Mapping[str, float]
) -> None:
    names = sheet_parts(package.archive, package.workbook)  # as the user's workbook has them
    taken = {name.casefold(): name for name in sheet_names(package)}
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


def _has_header(package: Package, part: str, header: Sequence[str]) -> bool:
    return all(
        _cell_text(package, part, f"{column_letters(column)}1") == name
        for column, name in enumerate(header, start=1)
    )


def _table_xml(
    package: Package, part: str, table: OurTable, widths: Mapping[str, float]
) -> etree._Element:
    """Header in bold, frozen under it, a filter over it; links clickable, ids as text."""
    styles = Styles(package)
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
        set_width(cols, column, widths.get(header, 24))
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
            inline(cell, value)
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
    _page_margins(root)
    return root


def _page_margins(root: etree._Element) -> None:
    """Excel's default margins, which a new sheet part states last."""
    margins = etree.SubElement(root, q("pageMargins"))
    for side, size in (("left", "0.7"), ("right", "0.7"), ("top", "0.75"), ("bottom", "0.75")):
        margins.set(side, size)
    margins.set("header", "0.3")
    margins.set("footer", "0.3")
