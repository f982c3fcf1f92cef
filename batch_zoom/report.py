"""What a batch came to: counts by status and by host, and the rows that need attention.

``summarize``, ``sections`` and ``render_html`` are pure; ``sheet.py`` puts the same sections on
the output workbook's "Summary" sheet. ``write_report`` writes the ``--report`` page with
``write_atomically``, the one atomic file write, which ``sheet.py`` uses for the output too.
"""

from __future__ import annotations

import contextlib
import html
import os
import tempfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .errors import OutputError
from .models import RowResult, Status

#: How a result without a host is counted in the per-host table.
NO_HOST = "(no host)"


@dataclass(frozen=True)
class Summary:
    total: int
    by_status: dict[str, int]  # status value -> count, in Status order, only non-zero
    by_host: dict[str, dict[str, int]]  # host -> status value -> count (non-zero, Status order)
    attention: list[RowResult]  # rows whose status needs attention, in row order


@dataclass(frozen=True)
class Section:
    """One table of a summary, laid out once for both the HTML page and the Summary sheet."""

    title: str
    header: tuple[str, ...]
    rows: list[tuple[str | int, ...]]
    empty_note: str = ""  # said instead of the table when there are no rows


def summarize(results: Sequence[RowResult]) -> Summary:
    counts = Counter(result.status for result in results)
    by_status = {status.value: counts[status] for status in Status if counts[status]}

    # Hosts are grouped without regard to case (emails), shown as first written.
    spelling: dict[str, str] = {}
    host_counts: dict[str, Counter[Status]] = {}
    for result in results:
        host = (result.host or "").strip() or NO_HOST
        key = spelling.setdefault(host.casefold(), host)
        host_counts.setdefault(key, Counter())[result.status] += 1
    by_host = {
        host: {status.value: tally[status] for status in Status if tally[status]}
        for host, tally in sorted(
            host_counts.items(), key=lambda item: (item[0] == NO_HOST, item[0].casefold())
        )
    }

    attention = sorted(
        (result for result in results if result.status.needs_attention),
        key=lambda result: result.row,
    )
    return Summary(len(results), by_status, by_host, attention)


def sections(summary: Summary) -> list[Section]:
    """The summary as three tables: by status, by host, and the rows needing attention."""
    status_rows: list[tuple[str | int, ...]] = [
        (status, count) for status, count in summary.by_status.items()
    ]
    status_rows.append(("total", summary.total))

    host_statuses = [
        status.value
        for status in Status
        if any(status.value in tally for tally in summary.by_host.values())
    ]
    host_rows: list[tuple[str | int, ...]] = [
        (host, *(tally.get(status, 0) for status in host_statuses), sum(tally.values()))
        for host, tally in summary.by_host.items()
    ]

    attention_rows: list[tuple[str | int, ...]] = [
        (
            result.row,
            result.topic or "",
            result.host or "",
            result.status.value,
            result.error,
        )
        for result in summary.attention
    ]
    return [
        Section("Rows by status", ("status", "rows"), status_rows),
        Section("Rows by host", ("host", *host_statuses, "total"), host_rows, "No rows."),
        Section(
            "Rows needing attention",
            ("row", "topic", "host", "status", "error"),
            attention_rows,
            "Nothing needs attention.",
        ),
    ]


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
.status-invalid, .status-failed, .status-missing { color: #cf222e; }
.status-deferred, .status-pending { color: #9a6700; }
p.note { color: #57606a; }
""".strip()


def render_html(summary: Summary, *, title: str) -> str:
    """A self-contained page (no scripts, no external files); every user string is escaped."""
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{html.escape(title)}</title>",
        f"<style>\n{_STYLE}\n</style>",
        "</head>",
        "<body>",
        f"<h1>{html.escape(title)}</h1>",
        f'<p class="total">{summary.total} {"row" if summary.total == 1 else "rows"}</p>',
    ]
    for section in sections(summary):
        parts.append(f"<h2>{html.escape(section.title)}</h2>")
        if not section.rows and section.empty_note:
            parts.append(f'<p class="note">{html.escape(section.empty_note)}</p>')
            continue
        parts.append("<table>")
        header = "".join(f'<th scope="col">{html.escape(name)}</th>' for name in section.header)
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
    text = html.escape(value)
    if column == "status":
        css = "status-" + "".join(ch for ch in value if ch.isalnum())
        return f'<td class="status {css}">{text}</td>'
    if column == "error":
        return f'<td class="error">{text}</td>'
    return f"<td>{text}</td>"


def write_report(results: Sequence[RowResult], path: Path, *, title: str) -> None:
    """Write the ``--report`` HTML page atomically; ``OutputError`` if it cannot be written."""
    page = render_html(summarize(results), title=title)
    try:
        write_atomically(Path(path), page.encode("utf-8"))
    except OSError as exc:
        reason = exc.strerror.lower() if exc.strerror else str(exc)
        raise OutputError(
            f"Could not write the report {path} ({reason}).",
            hint="Choose another --report path in a folder you can write to.",
        ) from None


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path``, then move it into place in one step.

    A reader (or a crash) sees the old file or the new one, never half of one. Raises OSError.
    """
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, _file_mode(path))
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _file_mode(path: Path) -> int:
    # mkstemp makes a private (0600) file; give the output the mode a plain open() would.
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask
