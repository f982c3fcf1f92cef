"""The ``--report`` page: the summary of a batch as one self-contained HTML file."""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import Path

from ..cells import printable
from ..files import reason_of, write_atomically, write_failure
from ..i18n import _, current_language
from ..models import RowResult
from ..summary import Summary, rows_count, sections, summarize

_STYLE = """
body { font-family: -apple-system, "Segoe UI", "Hiragino Sans", "Meiryo", sans-serif;
       margin: 2rem; color: #1f2328; background: #fff; }
h1 { font-size: 1.5rem; margin-bottom: .25rem; }
h2 { font-size: 1.15rem; margin-top: 2rem; }
p.total { color: #57606a; margin-top: 0; }
table { border-collapse: collapse; margin-top: .5rem; }
th, td { border: 1px solid #d0d7de; padding: .35rem .7rem; text-align: left;
         vertical-align: top; }
th { background: #f6f8fa; font-weight: 600; }
td.number { text-align: right; font-variant-numeric: tabular-nums; }
td.error { max-width: 40rem; white-space: pre-wrap; overflow-wrap: anywhere; }
tr:nth-child(even) td { background: #fbfcfd; }
.status { font-weight: 600; }
.status-created, .status-exists, .status-updated, .status-cancelled { color: #1a7f37; }
.status-planned { color: #0969da; }
.status-skipped { color: #57606a; }
.status-invalid, .status-failed, .status-missing { color: #cf222e; }
.status-deferred, .status-pending { color: #9a6700; }
p.note { color: #57606a; }
""".strip()


def render_html(summary: Summary, *, title: str) -> str:
    """A self-contained page (no scripts, no external files); every user string is escaped.

    Escaped twice over: control characters shown as ``\\x1b`` (``cells.printable``), so that a
    terminal escape in a cell reads as what it is, then HTML's own ``<``, ``>``, ``&`` and quotes.
    """
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{current_language()}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_escape(title)}</title>",
        f"<style>\n{_STYLE}\n</style>",
        "</head>",
        "<body>",
        f"<h1>{_escape(title)}</h1>",
        f'<p class="total">{_escape(rows_count(summary.total))}</p>',
    ]
    for section in sections(summary):
        parts.append(f"<h2>{_escape(section.title)}</h2>")
        if not section.rows and section.empty_note:
            parts.append(f'<p class="note">{_escape(section.empty_note)}</p>')
            continue
        parts.append("<table>")
        header = "".join(f'<th scope="col">{_escape(name)}</th>' for name in section.labels)
        parts.append(f"<thead><tr>{header}</tr></thead>")
        parts.append("<tbody>")
        for row in section.rows:
            pairs = zip(section.header, row, strict=True)
            cells = "".join(_html_cell(name, value) for name, value in pairs)
            parts.append(f"<tr>{cells}</tr>")
        parts.append("</tbody>")
        parts.append("</table>")
    parts += ["</body>", "</html>", ""]
    return "\n".join(parts)


def _html_cell(column: str, value: str | int) -> str:
    if isinstance(value, int):
        return f'<td class="number">{value}</td>'
    text = _escape(value)
    if column == "status":
        css = "status-" + "".join(ch for ch in value if ch.isalnum())
        return f'<td class="status {css}">{text}</td>'
    if column == "error":
        return f'<td class="error">{text}</td>'
    return f"<td>{text}</td>"


def _escape(text: str) -> str:
    return html.escape(printable(text))


def write_report(results: Sequence[RowResult], path: Path, *, title: str) -> None:
    """Write the ``--report`` HTML page atomically; ``OutputError`` if it cannot be written."""
    page = render_html(summarize(results), title=title)
    try:
        write_atomically(Path(path), page.encode("utf-8"))
    except OSError as exc:
        raise write_failure(
            _("could not write the report {path} ({reason})").format(
                path=path, reason=reason_of(exc)
            ),
            exc,
            hint=_("choose another --report path in a folder you can write to"),
        ) from None
