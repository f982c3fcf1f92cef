"""sheet/patch.py: the results written into the user's own package, and the link-column rule.

The corpus test (test_workbooks.py) holds the writer to real workbooks; these are the small
cases it does not reach: re-runs in place, a prepared link column, cells the writer must not
touch, and the package details (styles reused, no formula from text, macros dropped for .xlsx).
"""

from __future__ import annotations

import zipfile
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from test_sheet import created, header_map, write_xlsx

from batch_zoom.errors import OutputError
from batch_zoom.models import RowResult, Status
from batch_zoom.sheet.read import read_table
from batch_zoom.sheet.write import write_output

START = datetime(2030, 1, 5, 9)


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


@pytest.mark.parametrize("header", ["Meeting URL", "Zoom link", "URL", "参加URL", "ZoomのURL"])
def test_an_empty_link_column_receives_the_links(tmp_path: Path, header: str):
    path = write_xlsx(
        tmp_path / "m.xlsx",
        {"Plan": [["topic", "start_time", "duration", header], ["One", START, 30, None]]},
    )
    table = read_table(path)
    assert table.columns["join_url"] == header
    ws = openpyxl.load_workbook(write_output(table, created(table), tmp_path / "o.xlsx"))["Plan"]
    headers = header_map(ws)
    assert "join_url" not in headers
    assert ws["D2"].value == created(table)[0].join_url and ws["D2"].hyperlink is not None
    # The next run reads the links back from the same column and fills it in place again.
    again = read_table(tmp_path / "o.xlsx")
    assert again.columns["join_url"] == header
    assert again.rows[0].get("join_url") == created(table)[0].join_url
    ws = openpyxl.load_workbook(
        write_output(again, [RowResult(2, Status.EXISTS)], tmp_path / "o2.xlsx")
    )["Plan"]
    assert [c.value for c in ws[1]].count("join_url") == 0


def test_a_link_column_of_the_users_own_links_is_left_alone(tmp_path: Path):
    path = write_xlsx(
        tmp_path / "m.xlsx",
        {
            "Plan": [
                ["topic", "start_time", "duration", "URL", "Zoom link"],
                ["One", START, 30, "https://example.com/room-3a", None],
            ]
        },
    )
    table = read_table(path)
    assert table.columns["join_url"] == "Zoom link"  # the first link column that is free
    ws = openpyxl.load_workbook(write_output(table, created(table), tmp_path / "o.xlsx"))["Plan"]
    assert ws["D2"].value == "https://example.com/room-3a"
    assert ws["E2"].value.startswith("https://us06web.zoom.us/")

    only_own = write_xlsx(
        tmp_path / "n.xlsx",
        {"Plan": [["topic", "start_time", "duration", "URL"], ["One", START, 30, "https://x.org"]]},
    )
    table = read_table(only_own)
    assert "join_url" not in table.columns
    ws = openpyxl.load_workbook(write_output(table, created(table), tmp_path / "p.xlsx"))["Plan"]
    assert ws["D2"].value == "https://x.org" and header_map(ws)["join_url"] == 6


def test_a_rerun_fills_in_place_and_reuses_its_styles(tmp_path: Path):
    path = write_xlsx(
        tmp_path / "m.xlsx",
        {"Plan": [["topic", "start_time", "duration"], ["One", START, 30], ["Two", START, 45]]},
    )
    table = read_table(path)
    first = write_output(table, created(table), tmp_path / "run1.xlsx")
    again = read_table(first)
    results = [
        RowResult(2, Status.CANCELLED, meeting_id="", join_url=""),
        RowResult(3, Status.EXISTS, error="=not a formula"),
    ]
    second = write_output(again, results, tmp_path / "run2.xlsx")
    before, after = parts(first), parts(second)
    assert after["xl/styles.xml"] == before["xl/styles.xml"]  # no new style on a re-run
    assert set(after) == set(before)  # the Summary part replaced, not added again
    ws = openpyxl.load_workbook(second)["Plan"]
    assert [c.value for c in ws[1]] == [
        "topic",
        "start_time",
        "duration",
        "meeting_id",
        "join_url",
        "passcode",
        "status",
        "error",
    ]
    assert (ws["D2"].value, ws["E2"].value, ws["G2"].value) == (None, None, "cancelled")
    assert ws["E2"].hyperlink is None and ws["E3"].hyperlink is not None
    assert ws["H3"].value == "=not a formula" and ws["H3"].data_type == "s"
    rels = after["xl/worksheets/_rels/sheet1.xml.rels"].decode()
    assert rels.count("hyperlink") == 1  # the cancelled row's link is gone with its cell


def test_merged_cells_and_the_users_formula_in_a_result_column(tmp_path: Path):
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["topic", "start_time", "duration", "status"])
    ws.append(["One", START, 30, "=1+1"])
    ws.append(["Two", START, 30, None])
    ws.append(["Three", START, 30, None])
    ws.merge_cells("D3:D4")
    path = tmp_path / "m.xlsx"
    book.save(path)
    table = read_table(path)
    results = [RowResult(row.number, Status.PLANNED) for row in table.rows]
    ws = openpyxl.load_workbook(write_output(table, results, tmp_path / "o.xlsx"))["Sheet"]
    assert ws["D2"].value == "planned" and ws["D2"].data_type == "s"
    assert ws["D3"].value == "planned" and ws["D4"].value is None  # inside the merged block
    assert "D3:D4" in {str(r) for r in ws.merged_cells.ranges}


def test_a_macro_workbook_saved_as_xlsx_leaves_its_macros_out(tmp_path: Path):
    plain = write_xlsx(tmp_path / "plain.xlsx", {"Sheet": [["topic", "start_time", "duration"]]})
    macro = tmp_path / "macro.xlsm"
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(macro, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "[Content_Types].xml":
                data = data.replace(
                    b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                    b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
                ).replace(
                    b"</Types>",
                    b'<Override PartName="/xl/vbaProject.bin" '
                    b'ContentType="application/vnd.ms-office.vbaProject"/></Types>',
                )
            if info.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rId99" Type="http://schemas.microsoft.com/office/2006/'
                    b'relationships/vbaProject" Target="vbaProject.bin"/></Relationships>',
                )
            target.writestr(info, data)
        target.writestr("xl/vbaProject.bin", b"macro bytes")
    table = read_table(macro)
    kept = parts(write_output(table, [], tmp_path / "out.xlsm"))
    assert kept["xl/vbaProject.bin"] == b"macro bytes"
    dropped = parts(write_output(table, [], tmp_path / "out.xlsx"))
    assert "xl/vbaProject.bin" not in dropped
    assert b"macroEnabled" not in dropped["[Content_Types].xml"]
    assert b"vbaProject" not in dropped["xl/_rels/workbook.xml.rels"]
    assert openpyxl.load_workbook(tmp_path / "out.xlsx").sheetnames == ["Sheet", "Summary"]


def test_links_take_the_workbooks_own_hyperlink_style_when_it_has_one(tmp_path: Path):
    book = openpyxl.Workbook()
    book.active.append(["topic", "start_time", "duration", "notes"])
    book.active.append(["One", START, 30, "https://example.com"])
    book.active["D2"].style = "Hyperlink"  # the user's own link, in Excel's Hyperlink style
    book.save(tmp_path / "m.xlsx")
    table = read_table(tmp_path / "m.xlsx")
    ws = openpyxl.load_workbook(write_output(table, created(table), tmp_path / "o.xlsx"))["Sheet"]
    assert ws["F2"].hyperlink is not None and ws["F2"].style == "Hyperlink"
    # Without such a style, the link gets Excel's link look on the cell's own font.
    plain = write_xlsx(tmp_path / "p.xlsx", {"Sheet": [["topic", "start_time", "duration"]]})
    book = openpyxl.load_workbook(plain)
    book.active.append(["One", START, 30])
    book.save(plain)
    table = read_table(plain)
    ws = openpyxl.load_workbook(write_output(table, created(table), tmp_path / "q.xlsx"))["Sheet"]
    assert ws["E2"].font.underline == "single" and ws["E2"].font.color.rgb == "FF0563C1"


def test_a_stray_cell_in_the_last_column_leaves_the_results_beside_the_headers(tmp_path: Path):
    book = openpyxl.Workbook()
    book.active.append(["topic", "start_time", "duration"])
    book.active.append(["One", START, 30])
    book.active["XFD2"] = "a note far to the right"
    book.save(tmp_path / "m.xlsx")
    table = read_table(tmp_path / "m.xlsx")
    ws = openpyxl.load_workbook(write_output(table, created(table), tmp_path / "o.xlsx"))["Sheet"]
    assert header_map(ws)["meeting_id"] == 4 and ws["XFD2"].value == "a note far to the right"


def test_a_column_range_covering_a_new_column_is_split_around_it():
    from lxml import etree

    from batch_zoom.sheet.sheetdata import set_width

    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    cols = etree.fromstring(
        f'<cols xmlns="{main}"><col min="1" max="2" width="20" customWidth="1"/>'
        '<col min="3" max="1025" width="11.5" style="4"/></cols>'
    )
    set_width(cols, 5, 78)
    set_width(cols, 2, 14)
    got = [(c.get("min"), c.get("max"), c.get("width"), c.get("style")) for c in cols]
    assert got == [
        ("1", "1", "20", None),
        ("2", "2", "14", None),
        ("3", "4", "11.5", "4"),
        ("5", "5", "78", "4"),  # the range's own style stays on the split-off column
        ("6", "1025", "11.5", "4"),
    ]


def test_a_filter_over_the_header_and_its_hidden_name_reach_the_result_columns(tmp_path: Path):
    book = openpyxl.Workbook()
    book.active.append(["topic", "start_time", "duration"])
    book.active.append(["One", START, 30])
    book.active.auto_filter.ref = "A1:C2"
    book.save(tmp_path / "f.xlsx")  # with the hidden name Excel keeps beside a filter
    assert b"_xlnm._FilterDatabase" in parts(tmp_path / "f.xlsx")["xl/workbook.xml"]
    table = read_table(tmp_path / "f.xlsx")
    output = write_output(table, created(table), tmp_path / "o.xlsx")
    assert openpyxl.load_workbook(output)["Sheet"].auto_filter.ref == "A1:H2"
    names = parts(output)["xl/workbook.xml"]
    assert b"!$A$1:$H$2</definedName>" in names and b"$C$2" not in names


def test_a_strict_open_xml_workbook_is_named_as_such(tmp_path: Path):
    plain = write_xlsx(tmp_path / "p.xlsx", {"Sheet": [["topic", "start_time", "duration"]]})
    strict = tmp_path / "strict.xlsx"
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(strict, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename).replace(
                b"http://schemas.openxmlformats.org/spreadsheetml/2006/main",
                b"http://purl.oclc.org/ooxml/spreadsheetml/main",
            )
            target.writestr(info, data)
    table = read_table(strict)  # calamine reads it; only the writer cannot edit it
    with pytest.raises(OutputError, match="Strict Open XML") as caught:
        write_output(table, [], tmp_path / "o.xlsx")
    assert ".csv" in caught.value.hint
