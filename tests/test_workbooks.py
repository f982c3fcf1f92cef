"""The user's workbook, handed back intact: every workbook of ``tests/workbooks/`` through a batch.

The corpus holds workbooks that Excel (Windows, Mac, Online), Google Sheets and LibreOffice made,
with their meetings added at the XML level (``tests/workbooks/SOURCES.md`` says where each comes
from and what it holds). Each one is scheduled against the sandbox over real HTTP, and the output
is held to issue 11: every zip part outside the few the results may change is byte-identical, every
original cell keeps its value (formula and cached value), the meeting sheet keeps its own features
and the schema's element order, a table holding the meetings covers the result columns, the package
stays whole, the join links are links, a second run of the output finds every meeting and adds
nothing twice, and the output re-opens in openpyxl and in LibreOffice with the same values.

The writer these checks hold is ``batch_zoom/sheet/patch.py``, which edits the package instead
of re-saving it through openpyxl.
Only the standard library and openpyxl read the packages here, so the checks do not share a
parser with the writer they check.
"""

from __future__ import annotations

import contextlib
import posixpath
import re
import shutil
import subprocess
import sys
import warnings
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import openpyxl
import pytest
from conftest import Sleeps, settings_for

from batch_zoom.config import default_output_path
from batch_zoom.models import RESULT_COLUMNS
from batch_zoom.run.batch import run_batch
from batch_zoom.sandbox import ZoomSandbox
from batch_zoom.sheet.read import read_table

CORPUS = Path(__file__).resolve().parent / "workbooks"
WORKBOOKS = sorted(path.name for path in CORPUS.glob("*.xls[xm]"))


MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
CONTENT_TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
NS = {"m": MAIN, "r": REL, "p": PKG_REL, "ct": CONTENT_TYPES}

#: The children of <worksheet> in the order CT_Worksheet requires (ECMA-376 Part 1, 18.3.1.99).
WORKSHEET_ORDER = [
    *("sheetPr", "dimension", "sheetViews", "sheetFormatPr", "cols", "sheetData", "sheetCalcPr"),
    *("sheetProtection", "protectedRanges", "scenarios", "autoFilter", "sortState"),
    *("dataConsolidate", "customSheetViews", "mergeCells", "phoneticPr", "conditionalFormatting"),
    *("dataValidations", "hyperlinks", "printOptions", "pageMargins", "pageSetup", "headerFooter"),
    *("rowBreaks", "colBreaks", "customProperties", "cellWatches", "ignoredErrors", "smartTags"),
    *("drawing", "legacyDrawing", "legacyDrawingHF", "drawingHF", "picture", "oleObjects"),
    *("controls", "webPublishItems", "tableParts", "extLst"),
]
#: What the results may change in the meeting sheet: the issue's list.
RESULT_ELEMENTS = {"dimension", "cols", "sheetData", "hyperlinks", "autoFilter"}
#: The parts a Summary sheet needs besides its own.
SUMMARY_PARTS = {
    "xl/workbook.xml",
    "xl/_rels/workbook.xml.rels",
    "[Content_Types].xml",
    "docProps/app.xml",
}
#: New parts an output may have: the Summary sheet, a rels part, a shared string table.
NEW_PART = re.compile(r"xl/worksheets/(_rels/)?sheet\d+\.xml(\.rels)?|xl/sharedStrings\.xml")


# --------------------------------------------------------------------------------------------
# Reading a package with the standard library


def read_parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as package:
        return {info.filename: package.read(info) for info in package.infolist()}


def rels_of(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", name + ".rels")


def resolve(part: str, target: str) -> str:
    if target.startswith("/"):
        return target[1:]
    return posixpath.normpath(posixpath.join(posixpath.dirname(part), target))


def relationships(parts: dict[str, bytes], part: str) -> list[dict[str, str]]:
    data = parts.get(rels_of(part))
    if data is None:
        return []
    return [dict(rel.attrib) for rel in ElementTree.fromstring(data).iterfind("p:Relationship", NS)]


def sheet_parts(parts: dict[str, bytes]) -> dict[str, str]:
    """Sheet name -> the part holding it (worksheets and chart sheets)."""
    book = ElementTree.fromstring(parts["xl/workbook.xml"])
    targets = {rel["Id"]: rel["Target"] for rel in relationships(parts, "xl/workbook.xml")}
    return {
        sheet.get("name", ""): resolve("xl/workbook.xml", targets[sheet.get(f"{{{REL}}}id", "")])
        for sheet in book.iterfind("m:sheets/m:sheet", NS)
    }


def canonical(element: ElementTree.Element) -> str:
    return ElementTree.canonicalize(ElementTree.tostring(element, encoding="unicode"))


def cell_ref(ref: str) -> tuple[int, int]:
    match = re.fullmatch(r"\$?([A-Z]{1,3})\$?(\d+)", ref)
    assert match, ref
    column = 0
    for letter in match.group(1):
        column = column * 26 + ord(letter) - 64
    return int(match.group(2)), column


def range_ref(ref: str) -> tuple[int, int, int, int]:
    """``C3:F13`` -> (top, left, bottom, right)."""
    first, _, last = ref.partition(":")
    top, left = cell_ref(first)
    bottom, right = cell_ref(last or first)
    return top, left, bottom, right


def shared_strings(parts: dict[str, bytes]) -> list[str]:
    data = parts.get("xl/sharedStrings.xml")
    if data is None:
        return []
    root = ElementTree.fromstring(data)
    # The text of each item: its <t>, or its runs' <t>s (not the phonetic <rPh> ones).
    return [
        "".join(t.text or "" for t in si.iterfind("m:t", NS))
        + "".join(t.text or "" for t in si.iterfind("m:r/m:t", NS))
        for si in root.iterfind("m:si", NS)
    ]


# --------------------------------------------------------------------------------------------
# One batch per workbook, against one sandbox, run once per test process


@dataclass
class Run:
    name: str
    input: Path
    output: Path
    sheet: str  # the meeting sheet's name
    header_row: int
    meeting_rows: list[int]
    headers: list[str]
    topic_column: int  # 1-based
    statuses: dict[int, str]
    join_urls: dict[int, str]  # row -> the join_url the sandbox holds for it
    error: str = ""  # what went wrong writing the output, if anything
    input_parts: dict[str, bytes] = field(default_factory=dict, repr=False)
    sandbox: ZoomSandbox | None = field(default=None, repr=False)  # holds this run's meetings

    @property
    def output_parts(self) -> dict[str, bytes]:
        if self.error:
            pytest.fail(f"{self.name}: the batch did not write its output: {self.error}")
        return read_parts(self.output)

    @property
    def sheet_part(self) -> str:
        return sheet_parts(self.input_parts)[self.sheet]

    def meeting_tables(self) -> list[str]:
        """The table parts on the meeting sheet whose range holds the meeting header."""
        found = []
        for rel in relationships(self.input_parts, self.sheet_part):
            if not rel["Type"].endswith("/table"):
                continue
            part = resolve(self.sheet_part, rel["Target"])
            top, left, bottom, right = range_ref(
                ElementTree.fromstring(self.input_parts[part]).get("ref", "")
            )
            if top == self.header_row and left <= self.topic_column <= right:
                found.append(part)
        return found

    def may_change(self) -> set[str]:
        return {
            self.sheet_part,
            rels_of(self.sheet_part),
            "xl/sharedStrings.xml",
            "xl/styles.xml",
            *self.meeting_tables(),
            *SUMMARY_PARTS,
        }


def schedule(workbook: Path, folder: Path, sandbox: ZoomSandbox) -> Run:
    folder.mkdir()
    source = Path(shutil.copy(workbook, folder / workbook.name))
    table = read_table(source)
    assert table.sheet_name is not None
    headers = table.headers
    run = Run(
        name=workbook.name,
        input=source,
        output=default_output_path(source),
        sheet=table.sheet_name,
        header_row=table.header_row,
        meeting_rows=[row.number for row in table.rows],
        headers=headers,
        topic_column=headers.index(table.columns["topic"]) + 1,
        statuses={},
        join_urls={},
        input_parts=read_parts(source),
        sandbox=sandbox,
    )
    sleeps = Sleeps()
    try:
        report = run_batch(settings_for(sandbox, source), sleep=sleeps, clock=sleeps.clock)
    except Exception as exc:  # the check that needs the output says what happened
        run.error = f"{type(exc).__name__}: {exc}"
        return run
    if report.output_error is not None:
        run.error = str(report.output_error)
    held = {str(meeting["id"]): meeting["join_url"] for meeting in sandbox.meetings()}
    for result in report.results:
        run.statuses[result.row] = result.status.value
        if result.meeting_id is not None:
            run.join_urls[result.row] = held.get(str(result.meeting_id), "")
    return run


@pytest.fixture(scope="session")
def corpus_runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[str], Run]]:
    """``get(name)``: the batch run of one corpus workbook (each runs once per test process)."""
    root = tmp_path_factory.mktemp("corpus")
    runs: dict[str, Run] = {}
    # A Zoom of its own for each workbook: two workbooks holding the same meeting rows must not
    # find each other's meetings (a run adopts a meeting Zoom already has for the same host,
    # topic, start and duration). Room for 10,000 creates a day, which this test is not about.
    with contextlib.ExitStack() as sandboxes:

        def get(name: str) -> Run:
            if name not in runs:
                sandbox = sandboxes.enter_context(ZoomSandbox(daily_limit=10_000))
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")  # openpyxl on threaded comments, headers
                    runs[name] = schedule(CORPUS / name, root / Path(name).stem, sandbox)
            return runs[name]

        yield get


# --------------------------------------------------------------------------------------------
# Cell values, as openpyxl reads them


def plain(value: Any) -> Any:
    """A cell value that compares by content (array formulas are objects without __eq__)."""
    if hasattr(value, "text") and hasattr(value, "ref"):
        return ("array formula", value.ref, value.text)
    if isinstance(value, datetime):
        return value.replace(microsecond=0)
    return value


def sheet_values(path: Path, *, formulas: bool) -> dict[str, dict[tuple[int, int], Any]]:
    """Sheet -> (row, column) -> value, for every cell that has one; formulas or cached values."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        book = openpyxl.load_workbook(path, read_only=True, data_only=not formulas)
        try:
            values: dict[str, dict[tuple[int, int], Any]] = {}
            for sheet in book.worksheets:
                cells = values.setdefault(sheet.title, {})
                if not hasattr(sheet, "iter_rows"):
                    continue  # a chart sheet
                for row in sheet.iter_rows():
                    for cell in row:
                        value = getattr(cell, "value", None)
                        if value is not None:
                            cells[(cell.row, cell.column)] = plain(value)
            return values
        finally:
            book.close()


def changed_cells(
    before: dict[str, dict[tuple[int, int], Any]], after: dict[str, dict[tuple[int, int], Any]]
) -> list[str]:
    lost = []
    for sheet, cells in before.items():
        if sheet not in after:
            lost.append(f"sheet {sheet!r} is gone")
            continue
        for (row, column), value in cells.items():
            now = after[sheet].get((row, column))
            if now != value:
                lost.append(f"{sheet}!R{row}C{column}: {value!r} became {now!r}")
    return lost


def result_columns(values: dict[tuple[int, int], Any], header_row: int) -> dict[str, int]:
    return {
        value: column
        for (row, column), value in values.items()
        if row == header_row and value in RESULT_COLUMNS
    }


# --------------------------------------------------------------------------------------------
# The checks


def test_the_corpus_has_ten_workbooks_from_two_programs() -> None:
    programs = set()
    for name in WORKBOOKS:
        app = read_parts(CORPUS / name).get("docProps/app.xml", b"")
        found = re.search(rb"<Application>([^<]*)</Application>", app)
        programs.add(found.group(1).split(b"/")[0].decode() if found else "?")
    assert len(WORKBOOKS) >= 10
    assert {"Microsoft Excel", "Microsoft Macintosh Excel", "LibreOffice"} <= programs
    assert "openpyxl" not in " ".join(programs).casefold()


def test_the_prepared_workbooks_are_what_prepare_py_makes(tmp_path: Path) -> None:
    """The committed Excel and Google Sheets files can be remade from ``sources/``."""
    pytest.importorskip("lxml")
    sys.path.insert(0, str(CORPUS))
    try:
        import prepare
    finally:
        sys.path.remove(str(CORPUS))
    for job in prepare.PREPARATIONS:
        made = prepare.prepare(job, tmp_path)
        assert made.read_bytes() == (CORPUS / job.output).read_bytes(), job.output
    made_by_script = {job.output for job in prepare.PREPARATIONS}
    assert {n for n in WORKBOOKS if not n.startswith("libreoffice_")} == made_by_script


@pytest.mark.parametrize("name", WORKBOOKS)
def test_every_meeting_row_is_scheduled_and_its_results_land_on_it(
    corpus_runs: Callable[[str], Run], name: str
) -> None:
    run = corpus_runs(name)
    assert run.meeting_rows and set(run.statuses.values()) == {"created"}, run.statuses
    assert not run.error, run.error
    values = sheet_values(run.output, formulas=True)
    cells = values[run.sheet]
    columns = result_columns(cells, run.header_row)
    assert {"meeting_id", "join_url", "status"} <= set(columns)
    for row in run.meeting_rows:
        assert cells[(row, columns["status"])] == "created"
        assert cells[(row, columns["join_url"])] == run.join_urls[row]
    assert any(value.startswith("Summary") for value in values)


@pytest.mark.parametrize("name", WORKBOOKS)
def test_every_part_outside_the_results_is_byte_identical(
    corpus_runs: Callable[[str], Run], name: str
) -> None:
    run = corpus_runs(name)
    before, after = run.input_parts, run.output_parts
    may_change = run.may_change()
    differ = sorted(
        part for part in before if part not in may_change and before[part] != after.get(part)
    )
    assert differ == [], f"changed or lost: {differ}"
    strange = sorted(part for part in set(after) - set(before) if not NEW_PART.fullmatch(part))
    assert strange == [], f"parts the results do not need: {strange}"


@pytest.mark.parametrize("name", WORKBOOKS)
def test_every_original_cell_keeps_its_value_and_its_cached_result(
    corpus_runs: Callable[[str], Run], name: str
) -> None:
    run = corpus_runs(name)
    run.output_parts  # noqa: B018  (fails the test, with the reason, when there is no output)
    for formulas in (True, False):
        lost = changed_cells(
            sheet_values(run.input, formulas=formulas),
            sheet_values(run.output, formulas=formulas),
        )
        kind = "formulas and values" if formulas else "cached values"
        assert lost == [], f"{kind}: {lost[:10]}"


@pytest.mark.parametrize("name", WORKBOOKS)
def test_the_meeting_sheet_keeps_its_features_in_schema_order(
    corpus_runs: Callable[[str], Run], name: str
) -> None:
    run = corpus_runs(name)
    part = run.sheet_part
    before = ElementTree.fromstring(run.input_parts[part])
    after_parts = run.output_parts
    after = ElementTree.fromstring(after_parts[part])

    def features(root: ElementTree.Element) -> list[str]:
        return sorted(
            canonical(child)
            for child in root
            if child.tag.removeprefix(f"{{{MAIN}}}") not in RESULT_ELEMENTS
        )

    # Panes, merged cells, conditional formats (x14 ones in extLst), validations, page setup,
    # header and footer, drawings, comments and table parts: all as they were.
    assert features(after) == features(before)
    # The schema's order of elements, which Excel insists on.
    order = [
        WORKSHEET_ORDER.index(child.tag.removeprefix(f"{{{MAIN}}}"))
        for child in after
        if child.tag.startswith(f"{{{MAIN}}}")
    ]
    assert order == sorted(order), [child.tag for child in after]
    # Rows keep their height, hiding and style; cells their value, formula and style.
    strings_before, strings_after = shared_strings(run.input_parts), shared_strings(after_parts)

    def rows(root: ElementTree.Element, strings: list[str]) -> dict[int, Any]:
        found = {}
        for row in root.iterfind("m:sheetData/m:row", NS):
            attributes = {k: v for k, v in row.attrib.items() if k != "spans"}
            cells = {}
            for cell in row.iterfind("m:c", NS):
                value = cell.find("m:v", NS)
                text = value.text if value is not None else None
                if cell.get("t") == "s" and text is not None:
                    text = strings[int(text)]
                formula = cell.find("m:f", NS)
                cells[cell.get("r", "")] = (
                    {k: v for k, v in cell.attrib.items() if k != "t"} | {"t": cell.get("t", "n")},
                    text,
                    canonical(formula) if formula is not None else None,
                )
            found[int(row.get("r", "0"))] = (attributes, cells)
        return found

    rows_before, rows_after = rows(before, strings_before), rows(after, strings_after)
    for number, (attributes, cells) in rows_before.items():
        assert number in rows_after, f"row {number} is gone"
        now_attributes, now_cells = rows_after[number]
        assert now_attributes == attributes, f"row {number}"
        for ref, cell in cells.items():
            if cell[1] is None and cell[2] is None:
                continue  # an empty cell: a result may go there
            assert now_cells.get(ref) == cell, f"cell {ref}"
    # Rows ascend, and cells ascend within their row; the dimension covers them all.
    numbers = [int(row.get("r", "0")) for row in after.iterfind("m:sheetData/m:row", NS)]
    assert numbers == sorted(set(numbers))
    dimension = after.find("m:dimension", NS)
    if dimension is not None:
        top, left, bottom, right = range_ref(dimension.get("ref", "A1"))
        for placed in after.iterfind("m:sheetData/m:row/m:c", NS):
            if len(placed):  # a cell with a value or formula
                number, column = cell_ref(placed.get("r", ""))
                assert top <= number <= bottom and left <= column <= right, (
                    f"{placed.get('r')} is outside the dimension {dimension.get('ref')}"
                )
    for row in after.iterfind("m:sheetData/m:row", NS):
        places = [cell_ref(cell.get("r", "")) for cell in row.iterfind("m:c", NS)]
        assert all(number == int(row.get("r", "0")) for number, _ in places)
        assert [column for _, column in places] == sorted({column for _, column in places})
    # Every relationship of the sheet is still there, as it was; so is every link of the user's.
    kept = relationships(after_parts, part)
    for rel in relationships(run.input_parts, part):
        assert rel in kept, rel
    links = [canonical(link) for link in after.iterfind("m:hyperlinks/m:hyperlink", NS)]
    for link in before.iterfind("m:hyperlinks/m:hyperlink", NS):
        assert canonical(link) in links, link.attrib
    # The user's columns keep their widths, styles and hiding; only result columns may change.
    results = set(
        result_columns(sheet_values(run.output, formulas=True)[run.sheet], run.header_row).values()
    )

    def column_look(root: ElementTree.Element, column: int) -> dict[str, str] | None:
        for col in root.iterfind("m:cols/m:col", NS):
            if int(col.get("min", "0")) <= column <= int(col.get("max", "0")):
                return {k: v for k, v in col.attrib.items() if k not in ("min", "max")}
        return None

    for col in before.iterfind("m:cols/m:col", NS):
        first, last = int(col.get("min", "1")), int(col.get("max", "1"))
        for column in range(first, min(last, first + 100) + 1):
            if column not in results:
                assert column_look(after, column) == column_look(before, column), f"column {column}"


@pytest.mark.parametrize("name", WORKBOOKS)
def test_the_workbook_part_only_gains_the_summary_sheet(
    corpus_runs: Callable[[str], Run], name: str
) -> None:
    run = corpus_runs(name)
    before = ElementTree.fromstring(run.input_parts["xl/workbook.xml"])
    after = ElementTree.fromstring(run.output_parts["xl/workbook.xml"])
    sheets_before = [dict(s.attrib) for s in before.iterfind("m:sheets/m:sheet", NS)]
    sheets_after = [dict(s.attrib) for s in after.iterfind("m:sheets/m:sheet", NS)]
    assert sheets_after[: len(sheets_before)] == sheets_before
    assert [s["name"] for s in sheets_after[len(sheets_before) :]] in ([], ["Summary"])
    for tag in ("definedNames", "workbookPr", "calcPr", "fileVersion", "workbookProtection"):
        old, new = before.find(f"m:{tag}", NS), after.find(f"m:{tag}", NS)
        assert (old is None) == (new is None), tag
        if old is not None and new is not None:
            assert canonical(new) == canonical(old), tag


@pytest.mark.parametrize("name", WORKBOOKS)
def test_the_package_is_whole(corpus_runs: Callable[[str], Run], name: str) -> None:
    parts = corpus_runs(name).output_parts
    types = ElementTree.fromstring(parts["[Content_Types].xml"])
    defaults = {d.get("Extension", "").lower() for d in types.iterfind("ct:Default", NS)}
    overrides = {o.get("PartName", "").lstrip("/") for o in types.iterfind("ct:Override", NS)}
    for part in parts:
        if part == "[Content_Types].xml" or part.endswith("/"):
            continue
        extension = part.rsplit(".", 1)[-1].lower()
        assert part in overrides or extension in defaults, f"{part} has no content type"
    for part in overrides:
        assert part in parts, f"[Content_Types].xml names {part}, which is missing"
    for rels in (p for p in parts if p.endswith(".rels")):
        source = posixpath.join(posixpath.dirname(posixpath.dirname(rels)), rels.split("/")[-1])
        source = source.removesuffix(".rels")
        for rel in ElementTree.fromstring(parts[rels]).iterfind("p:Relationship", NS):
            if rel.get("TargetMode") == "External":
                continue
            target = resolve(source, rel.get("Target", ""))
            assert target in parts, f"{rels}: {rel.get('Id')} points at missing {target}"
    # The shared string table counts its own items right.
    if "xl/sharedStrings.xml" in parts:
        table = ElementTree.fromstring(parts["xl/sharedStrings.xml"])
        unique = table.get("uniqueCount")
        assert unique is None or int(unique) == len(table.findall("m:si", NS))
    # Every prefix that mc:Ignorable names is declared, in every XML part.
    for part, data in parts.items():
        if not part.endswith((".xml", ".rels")):
            continue
        head = data[:4000].decode("utf-8", "replace")
        ignorable = re.search(r'mc:Ignorable="([^"]*)"', head)
        for prefix in ignorable.group(1).split() if ignorable else []:
            assert f"xmlns:{prefix}=" in head, f"{part}: mc:Ignorable names undeclared {prefix}"


@pytest.mark.parametrize("name", [n for n in WORKBOOKS if "table-holds-meetings" in n])
def test_a_table_that_holds_the_meetings_covers_the_result_columns(
    corpus_runs: Callable[[str], Run], name: str
) -> None:
    run = corpus_runs(name)
    tables = run.meeting_tables()
    if not tables:
        pytest.skip(f"no table of {name} holds its meetings")
    parts = run.output_parts
    cells = sheet_values(run.output, formulas=True)[run.sheet]
    columns = result_columns(cells, run.header_row)
    for part in tables:
        table = ElementTree.fromstring(parts[part])
        top, left, bottom, right = range_ref(table.get("ref", ""))
        assert top == run.header_row and bottom >= max(run.meeting_rows)
        assert right >= max(columns.values()), f"{table.get('ref')} misses the result columns"
        names = [c.get("name") for c in table.iterfind("m:tableColumns/m:tableColumn", NS)]
        assert len(names) == right - left + 1
        assert table.find("m:tableColumns", NS).get("count") == str(len(names))  # type: ignore[union-attr]
        # Excel repairs a table whose column names differ from its header cells.
        assert names == [cells.get((top, column)) for column in range(left, right + 1)]
        ids = [c.get("id") for c in table.iterfind("m:tableColumns/m:tableColumn", NS)]
        assert len(set(ids)) == len(ids)
        autofilter = table.find("m:autoFilter", NS)
        if autofilter is not None:
            assert autofilter.get("ref") == table.get("ref")


@pytest.mark.parametrize("name", WORKBOOKS)
def test_a_second_run_of_the_output_finds_everything_and_changes_nothing_more(
    corpus_runs: Callable[[str], Run], name: str, tmp_path: Path
) -> None:
    """Running the ``_scheduled`` file again (it is updated in place) adds nothing twice."""
    run = corpus_runs(name)
    first = run.output_parts
    again = Path(shutil.copy(run.output, tmp_path / run.output.name))
    journal = run.output.with_name(run.output.name + ".journal")
    if journal.exists():
        shutil.copy(journal, again.with_name(again.name + ".journal"))
    assert run.sandbox is not None  # the one that holds the first run's meetings
    sleeps = Sleeps()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        report = run_batch(settings_for(run.sandbox, again), sleep=sleeps, clock=sleeps.clock)
    assert report.output_error is None
    assert {result.status.value for result in report.results} == {"exists"}
    second = read_parts(again)
    differ = sorted(
        part
        for part in run.input_parts
        if part not in run.may_change() and run.input_parts[part] != second.get(part)
    )
    assert differ == [], f"changed or lost on the second run: {differ}"
    assert sorted(second) == sorted(first), "the second run added or dropped parts"
    cells = sheet_values(again, formulas=True)[run.sheet]
    headers = [v for (row, _), v in sorted(cells.items()) if row == run.header_row]
    assert sorted(h for h in headers if h in RESULT_COLUMNS) == sorted(
        set(h for h in headers if h in RESULT_COLUMNS)
    ), f"result columns twice: {headers}"
    for part in run.meeting_tables():
        table = ElementTree.fromstring(second[part])
        names = [c.get("name") for c in table.iterfind("m:tableColumns/m:tableColumn", NS)]
        assert len(names) == len(set(names)), f"table columns twice: {names}"


@pytest.mark.parametrize("name", WORKBOOKS)
def test_the_output_reopens_in_openpyxl(corpus_runs: Callable[[str], Run], name: str) -> None:
    run = corpus_runs(name)
    run.output_parts  # noqa: B018  (fails the test, with the reason, when there is no output)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        book = openpyxl.load_workbook(run.output, keep_vba=name.endswith(".xlsm"))
    sheet = book[run.sheet]
    row = run.header_row
    header = [sheet.cell(row=row, column=c).value for c in range(1, sheet.max_column + 1)]
    assert "status" in header and "join_url" in header
    status, link = header.index("status") + 1, header.index("join_url") + 1
    assert [sheet.cell(row=r, column=status).value for r in run.meeting_rows] == ["created"] * len(
        run.meeting_rows
    )
    # The join links are clickable, and each goes to its own meeting.
    for number in run.meeting_rows:
        cell = sheet.cell(row=number, column=link)
        assert cell.hyperlink is not None, f"{cell.coordinate} is not a link"
        assert cell.hyperlink.target == cell.value == run.join_urls[number]


@pytest.mark.skipif(
    shutil.which("soffice") is None,
    reason="LibreOffice (soffice) is not installed: apt-get install libreoffice-calc-nogui",
)
def test_libreoffice_converts_every_output_with_the_same_values(
    corpus_runs: Callable[[str], Run], tmp_path: Path
) -> None:
    """One soffice call converts every input and output; both readings must agree."""
    runs = [corpus_runs(name) for name in WORKBOOKS]
    written = [run for run in runs if not run.error]
    files = [path for run in written for path in (run.input, run.output)]
    converted = tmp_path / "converted"
    done = subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "xlsx:Calc MS Excel 2007 XML",
            "--outdir",
            str(converted),
            *map(str, files),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    problems = [f"{run.name}: no output to convert ({run.error})" for run in runs if run.error]
    for run in written:
        before_path = converted / f"{run.input.stem}.xlsx"
        after_path = converted / f"{run.output.stem}.xlsx"
        if not (before_path.exists() and after_path.exists()):
            problems.append(f"{run.name}: LibreOffice could not convert it")
            continue
        before = sheet_values(before_path, formulas=False)
        after = sheet_values(after_path, formulas=False)
        problems += [f"{run.name}: {line}" for line in changed_cells(before, after)[:5]]
        cells = after.get(run.sheet, {})
        columns = result_columns(cells, run.header_row)
        statuses = [cells.get((row, columns.get("status", 0))) for row in run.meeting_rows]
        if statuses != ["created"] * len(run.meeting_rows):
            problems.append(f"{run.name}: LibreOffice reads the statuses as {statuses}")
    assert problems == []
