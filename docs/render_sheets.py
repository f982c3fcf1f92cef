"""Render the first page of one worksheet of an .xlsx to a PNG, headless, for docs/how-it-works.md.

    python docs/render_sheets.py samples/meetings.xlsx docs/images/input.png
    python docs/render_sheets.py /tmp/x/meetings_scheduled.xlsx docs/images/output.png

Needs LibreOffice (``soffice``) and poppler (``pdftoppm``); on Debian:
``apt-get install --no-install-recommends libreoffice-calc poppler-utils
fonts-crosextra-carlito`` (Carlito has Calibri's metrics, so text is cut at
the same column edges as in Excel; add fonts-noto-cjk for Japanese sheets).
Pillow, if importable, crops the white page margins and scales the picture to
``--width``; without it pdftoppm scales the whole page to that width.

The workbook given is never changed: a temporary copy keeps only the sheet to
show and gets a landscape, fit-to-width page setup, so a wide sheet is not
split across pages.
"""

from __future__ import annotations

import argparse
import importlib.util
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import openpyxl
from openpyxl.utils import column_index_from_string, get_column_letter


def printable_copy(
    src: Path, dst: Path, sheet: str | None, headings: bool, hide: tuple[str, ...] = ()
) -> str:
    """Write to dst a copy of src with only the chosen sheet, set to print one page wide."""
    wb = openpyxl.load_workbook(src)
    ws = wb[sheet] if sheet else wb.worksheets[0]
    for other in [w for w in wb.worksheets if w is not ws]:
        wb.remove(other)
    wb.active = 0
    for span in hide:  # e.g. "C:F" or "L": hidden columns are not printed; the letters show the gap
        first, _, last = span.upper().partition(":")
        for index in range(
            column_index_from_string(first), column_index_from_string(last or first) + 1
        ):
            ws.column_dimensions[get_column_letter(index)].hidden = True
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.gridLines = True
    ws.print_options.headings = headings  # the A, B, C... and 1, 2, 3... a spreadsheet shows
    ws.print_area = ws.dimensions
    for margin in ("left", "right", "top", "bottom"):
        setattr(ws.page_margins, margin, 0.3)
    ws.page_margins.header = ws.page_margins.footer = 0
    ws.oddHeader.center.text = ws.oddFooter.center.text = None  # no "Page 1" / sheet name
    wb.save(dst)
    return ws.title


def to_pdf(xlsx: Path, outdir: Path) -> Path:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        sys.exit("soffice not found: apt-get install --no-install-recommends libreoffice-calc")
    # a profile of its own, so a running LibreOffice or a stale lock does not block the conversion
    profile = (outdir / "profile").as_uri()
    done = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(outdir),
            str(xlsx),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    pdf = outdir / (xlsx.stem + ".pdf")
    if done.returncode or not pdf.exists():  # its usual stderr (a javaldx warning) is noise
        sys.exit(f"LibreOffice wrote no PDF for {xlsx}:\n{done.stdout}{done.stderr}")
    return pdf


def to_png(pdf: Path, png: Path, width: int) -> None:
    if not shutil.which("pdftoppm"):
        sys.exit("pdftoppm not found: apt-get install poppler-utils")
    stem = png.with_suffix("")
    if importlib.util.find_spec("PIL") is None:
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-f",
                "1",
                "-singlefile",
                "-scale-to-x",
                str(width),
                "-scale-to-y",
                "-1",
                str(pdf),
                str(stem),
            ],
            check=True,
        )
        return
    from PIL import Image, ImageChops

    raw = pdf.parent / "page"
    subprocess.run(
        ["pdftoppm", "-png", "-f", "1", "-singlefile", "-r", "300", str(pdf), str(raw)], check=True
    )
    with Image.open(pdf.parent / "page.png") as opened:
        page = opened.convert("RGB")
        bbox = ImageChops.difference(page, Image.new("RGB", page.size, "white")).getbbox()
        if bbox:
            pad = 24
            page = page.crop(
                (
                    max(bbox[0] - pad, 0),
                    max(bbox[1] - pad, 0),
                    min(bbox[2] + pad, page.width),
                    min(bbox[3] + pad, page.height),
                )
            )
        if page.width > width:
            page = page.resize(
                (width, round(page.height * width / page.width)), Image.Resampling.LANCZOS
            )
        # a palette keeps a picture of a spreadsheet small without visible loss
        page.quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(png, optimize=True)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("xlsx", type=Path)
    ap.add_argument("png", type=Path)
    ap.add_argument("--sheet", help="worksheet to show (default: the first)")
    ap.add_argument(
        "--width", type=int, default=1600, help="width of the PNG in pixels (default 1600)"
    )
    ap.add_argument(
        "--no-headings", action="store_true", help="leave out the row numbers and column letters"
    )
    ap.add_argument(
        "--hide",
        default="",
        metavar="COLUMNS",
        help="columns to leave out of the picture, e.g. C:F,L (default: none)",
    )
    args = ap.parse_args(argv)
    args.png.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / args.xlsx.with_suffix(".xlsx").name
        title = printable_copy(
            args.xlsx,
            copy,
            args.sheet,
            not args.no_headings,
            tuple(span for span in args.hide.split(",") if span.strip()),
        )
        to_png(to_pdf(copy, Path(tmp)), args.png.resolve(), args.width)
    print(f"{args.png}: sheet {title!r} of {args.xlsx}")


if __name__ == "__main__":
    main()
