# ruff: noqa: E501  (the .fods templates below read best as the XML LibreOffice writes)
"""Make the corpus's LibreOffice workbooks: flat-XML spreadsheets (.fods) converted headless.

Two workbooks, both written by LibreOffice Calc itself (``soffice --headless --convert-to xlsx``)
from the .fods text below, so that what the test reads is what LibreOffice writes:

- ``libreoffice_meeting-sheet-features.xlsx``: the meeting sheet itself holds a merged title,
  a hidden meeting row, a comment, data validation on the
  durations, a data bar and an icon set (LibreOffice writes them with their ``x14`` extension), a
  picture and a shape; a second sheet has formulas over the meetings, a third is hidden.
- ``libreoffice_pivot-table.xlsx``: the meetings and, on a second sheet, a pivot table (minutes
  by team) whose source is the meeting range.

(Frozen panes are not here: a headless conversion has no view, so LibreOffice writes none; the
Excel-made ``excel_frozen-pane-customxml.xlsx`` has them on its meeting sheet.)

Run from the repository root:  ``python tests/workbooks/make_libreoffice.py``  (needs soffice).
"""

from __future__ import annotations

import base64
import shutil
import struct
import subprocess
import tempfile
import zlib
from pathlib import Path

HERE = Path(__file__).resolve().parent

NAMESPACES = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
    'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
    'xmlns:xlink="http://www.w3.org/1999/xlink" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0" '
    'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" '
    'xmlns:of="urn:oasis:names:tc:opendocument:xmlns:of:1.2" '
    'xmlns:config="urn:oasis:names:tc:opendocument:xmlns:config:1.0" '
    'xmlns:calcext="urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0" '
    'office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.spreadsheet"'
)

STYLES = """
<office:styles>
  <style:style style:name="Highlight" style:family="table-cell" style:parent-style-name="Default">
    <style:text-properties fo:color="#c00000" fo:font-weight="bold"/>
  </style:style>
</office:styles>
<office:automatic-styles>
  <number:date-style style:name="N1">
    <number:year number:style="long"/><number:text>-</number:text>
    <number:month number:style="long"/><number:text>-</number:text>
    <number:day number:style="long"/><number:text> </number:text>
    <number:hours number:style="long"/><number:text>:</number:text>
    <number:minutes number:style="long"/>
  </number:date-style>
  <style:style style:name="co1" style:family="table-column">
    <style:table-column-properties style:column-width="5cm"/>
  </style:style>
  <style:style style:name="co2" style:family="table-column">
    <style:table-column-properties style:column-width="3.5cm"/>
  </style:style>
  <style:style style:name="ta1" style:family="table" style:master-page-name="Default">
    <style:table-properties table:display="true"/>
  </style:style>
  <style:style style:name="ta2" style:family="table" style:master-page-name="Default">
    <style:table-properties table:display="false"/>
  </style:style>
  <style:style style:name="ceDate" style:family="table-cell" style:parent-style-name="Default"
      style:data-style-name="N1"/>
  <style:style style:name="ceHead" style:family="table-cell" style:parent-style-name="Default">
    <style:table-cell-properties fo:background-color="#dde8f5"/>
    <style:text-properties fo:font-weight="bold"/>
  </style:style>
  <style:style style:name="ceTitle" style:family="table-cell" style:parent-style-name="Default">
    <style:text-properties fo:font-size="14pt" fo:font-weight="bold"/>
  </style:style>
  <style:style style:name="gr1" style:family="graphic">
    <style:graphic-properties draw:fill-color="#ffe9a8" svg:stroke-color="#996600"/>
  </style:style>
</office:automatic-styles>
"""

MEETINGS = [
    ("Kickoff", "2030-02-04T09:00:00", 30, "North", "Sales"),
    ("Design review", "2030-02-05T14:30:00", 60, "South", "Product"),
    ("Budget check", "2030-02-06T10:00:00", 45, "North", "Sales"),  # a hidden row
    ("Customer call", "2030-02-07T16:00:00", 25, "East", "Support"),
    ("Planning", "2030-02-08T11:00:00", 90, "South", "Product"),
    ("Retrospective", "2030-02-11T17:00:00", 50, "East", "Support"),
]
HEADERS = ("topic", "start_time", "duration", "room", "team")


def png(width: int, height: int) -> bytes:
    """A small solid-blue PNG, made here so no image file of unknown origin is needed."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data)
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    raw = b"".join(b"\x00" + bytes([30, 90, 200]) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def text_cell(text: str, style: str = "", extra: str = "") -> str:
    styled = f' table:style-name="{style}"' if style else ""
    return (
        f'<table:table-cell office:value-type="string" calcext:value-type="string"{styled}'
        f"{extra}><text:p>{text}</text:p></table:table-cell>"
    )


def meeting_rows(validation: bool, hide_third: bool, comment: bool) -> str:
    rows = [
        "<table:table-row>"
        + "".join(text_cell(h, "ceHead") for h in HEADERS)
        + "</table:table-row>"
    ]
    for index, (topic, start, minutes, room, team) in enumerate(MEETINGS):
        hidden = ' table:visibility="collapse"' if hide_third and index == 2 else ""
        note = ""
        if comment and index == 0:
            note = (
                "<office:annotation><dc:creator>Coordinator</dc:creator>"
                "<text:p>Room to be confirmed</text:p></office:annotation>"
            )
        checked = ' table:content-validation-name="minutes"' if validation else ""
        rows.append(
            f"<table:table-row{hidden}>"
            f'<table:table-cell office:value-type="string" calcext:value-type="string">{note}'
            f"<text:p>{topic}</text:p></table:table-cell>"
            f'<table:table-cell table:style-name="ceDate" office:value-type="date" '
            f'office:date-value="{start}" calcext:value-type="date"><text:p>{start}</text:p>'
            "</table:table-cell>"
            f'<table:table-cell office:value-type="float" office:value="{minutes}" '
            f'calcext:value-type="float"{checked}><text:p>{minutes}</text:p></table:table-cell>'
            + text_cell(room)
            + text_cell(team)
            + "</table:table-row>"
        )
    return "\n".join(rows)


def features_workbook() -> str:
    logo = base64.b64encode(png(48, 24)).decode()
    last = 3 + len(MEETINGS)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document {NAMESPACES}>
{STYLES}
<office:body><office:spreadsheet>
<table:content-validations>
  <table:content-validation table:name="minutes"
      table:condition="of:cell-content-is-whole-number() and cell-content-is-between(1,1440)"
      table:allow-empty-cell="true" table:base-cell-address="Meetings.C4">
    <table:error-message table:display="true" table:message-type="stop">
      <text:p>Whole minutes, 1 to 1440</text:p>
    </table:error-message>
  </table:content-validation>
</table:content-validations>
<table:table table:name="Meetings" table:style-name="ta1">
  <table:shapes>
    <draw:frame draw:name="Logo" draw:z-index="0" svg:width="2.4cm" svg:height="1.2cm"
        svg:x="17cm" svg:y="0.1cm">
      <draw:image><office:binary-data>{logo}</office:binary-data></draw:image>
    </draw:frame>
    <draw:rect draw:name="Note" draw:style-name="gr1" draw:z-index="1" svg:width="4cm"
        svg:height="1.2cm" svg:x="20cm" svg:y="0.1cm"><text:p>Draft</text:p></draw:rect>
  </table:shapes>
  <table:table-column table:style-name="co1"/>
  <table:table-column table:style-name="co2" table:number-columns-repeated="4"/>
  <table:table-row>
    {
        text_cell(
            "February meetings",
            "ceTitle",
            ' table:number-columns-spanned="5" table:number-rows-spanned="1"',
        )
    }
    <table:covered-table-cell table:number-columns-repeated="4"/>
  </table:table-row>
  <table:table-row><table:table-cell/></table:table-row>
{meeting_rows(validation=True, hide_third=True, comment=True)}
  <calcext:conditional-formats>
    <calcext:conditional-format calcext:target-range-address="Meetings.C4:Meetings.C{last}">
      <calcext:data-bar calcext:max-length="100" calcext:negative-color="#ff0000"
          calcext:axis-position="automatic" calcext:axis-color="#000000"
          calcext:positive-color="#2a6099">
        <calcext:formatting-entry calcext:value="0" calcext:type="auto-minimum"/>
        <calcext:formatting-entry calcext:value="0" calcext:type="auto-maximum"/>
      </calcext:data-bar>
    </calcext:conditional-format>
    <calcext:conditional-format calcext:target-range-address="Meetings.A4:Meetings.A{last}">
      <calcext:condition calcext:apply-style-name="Highlight" calcext:value="contains-text(&quot;review&quot;)"
          calcext:base-cell-address="Meetings.A4"/>
    </calcext:conditional-format>
    <calcext:conditional-format calcext:target-range-address="Meetings.C4:Meetings.C{last}">
      <calcext:icon-set calcext:icon-set-type="3Arrows">
        <calcext:formatting-entry calcext:value="0" calcext:type="percent"/>
        <calcext:formatting-entry calcext:value="33" calcext:type="percent"/>
        <calcext:formatting-entry calcext:value="67" calcext:type="percent"/>
      </calcext:icon-set>
    </calcext:conditional-format>
  </calcext:conditional-formats>
</table:table>
<table:table table:name="Rooms" table:style-name="ta1">
  <table:table-row>{text_cell("room", "ceHead")}{text_cell("meetings", "ceHead")}{
        text_cell("minutes", "ceHead")
    }</table:table-row>
{
        "".join(
            f'''  <table:table-row>{text_cell(room)}<table:table-cell table:formula="of:=COUNTIF([Meetings.D4:.D{last}];[.A{n}])" office:value-type="float" office:value="0"/><table:table-cell table:formula="of:=SUMIF([Meetings.D4:.D{last}];[.A{n}];[Meetings.C4:.C{last}])" office:value-type="float" office:value="0"/></table:table-row>
'''
            for n, room in enumerate(("North", "South", "East"), start=2)
        )
    }
</table:table>
<table:table table:name="Archive" table:style-name="ta2">
  <table:table-row>{text_cell("kept for the record")}</table:table-row>
</table:table>
</office:spreadsheet></office:body>
</office:document>
"""


def pivot_workbook() -> str:
    last = 1 + len(MEETINGS)
    rows = meeting_rows(validation=False, hide_third=False, comment=False)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document {NAMESPACES}>
{STYLES}
<office:body><office:spreadsheet>
<table:table table:name="Meetings" table:style-name="ta1">
  <table:table-column table:style-name="co1"/>
  <table:table-column table:style-name="co2" table:number-columns-repeated="4"/>
{rows}
</table:table>
<table:table table:name="Pivot" table:style-name="ta1">
  <table:table-row><table:table-cell/></table:table-row>
</table:table>
<table:data-pilot-tables>
  <table:data-pilot-table table:name="Minutes by team" table:target-range-address="Pivot.A1:Pivot.B5"
      table:buttons="Pivot.A1" table:show-filter-button="false" table:drill-down-on-double-click="true">
    <table:source-cell-range table:cell-range-address="Meetings.A1:Meetings.E{last}"/>
    <table:data-pilot-field table:source-field-name="team" table:orientation="row"
        table:used-hierarchy="-1">
      <table:data-pilot-level table:show-empty="false"/>
    </table:data-pilot-field>
    <table:data-pilot-field table:source-field-name="duration" table:orientation="data"
        table:used-hierarchy="-1" table:function="sum">
      <table:data-pilot-level table:show-empty="false"/>
    </table:data-pilot-field>
  </table:data-pilot-table>
</table:data-pilot-tables>
</office:spreadsheet></office:body>
</office:document>
"""


def main() -> None:
    soffice = shutil.which("soffice")
    if soffice is None:
        raise SystemExit("needs LibreOffice: apt-get install libreoffice-calc-nogui")
    with tempfile.TemporaryDirectory() as work:
        folder = Path(work)
        sources = {
            "libreoffice_meeting-sheet-features": features_workbook(),
            "libreoffice_pivot-table": pivot_workbook(),
        }
        for stem, text in sources.items():
            (folder / f"{stem}.fods").write_text(text, encoding="utf-8")
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation={(folder / 'profile').as_uri()}",
                "--headless",
                "--convert-to",
                "xlsx:Calc MS Excel 2007 XML",
                "--outdir",
                str(HERE),
                *(str(folder / f"{stem}.fods") for stem in sources),
            ],
            check=True,
            capture_output=True,
            timeout=300,
        )
        for stem in sources:
            print("wrote", (HERE / f"{stem}.xlsx").relative_to(HERE.parent.parent))


if __name__ == "__main__":
    main()
