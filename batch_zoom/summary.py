"""What a batch came to: counts by status and by host, and the rows that need attention.

Pure. The same sections are laid out on the output workbook's Summary sheet (``sheet``) and on the
``--report`` page (``publish``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from .i18n import N_, _, ngettext
from .models import RowResult, Status, row_prefix

#: How a result without a host is counted in the per-host table.
NO_HOST = N_("(no host)")


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
    header: tuple[str, ...]  # the columns' keys: English, as the status values are
    rows: list[tuple[str | int, ...]]
    empty_note: str = ""  # said instead of the table when there are no rows

    @property
    def labels(self) -> tuple[str, ...]:
        """The column headings a person reads, in the language in use."""
        return tuple(column_label(name) for name in self.header)


#: Headings of the summary's columns; a status column (a status value) keeps its English name.
COLUMN_LABELS = {
    "status": N_("status"),
    "rows": N_("rows"),
    "meaning": N_("meaning"),
    "host": N_("host"),
    "total": N_("total"),
    "row": N_("row"),
    "topic": N_("topic"),
    "error": N_("error"),
}

#: What each status means, shown beside it (the status value itself stays English).
STATUS_MEANINGS = {
    Status.CREATED: N_("made by this run"),
    Status.EXISTS: N_("already on Zoom, nothing to change"),
    Status.UPDATED: N_("changed to match the row"),
    Status.CANCELLED: N_("deleted on Zoom"),
    Status.PLANNED: N_("dry run: would be done"),
    Status.INVALID: N_("the row needs fixing"),
    Status.FAILED: N_("Zoom refused it or kept failing"),
    Status.DEFERRED: N_("the host's daily limit is used: run again after 00:00 UTC"),
    Status.MISSING: N_("deleted on Zoom by someone else"),
    Status.PENDING: N_("not attempted: run again to finish"),
    Status.SKIPPED: N_("a section or note row, not a meeting"),
}


def rows_count(total: int) -> str:
    """``24 rows``."""
    return ngettext("{count} row", "{count} rows", total).format(count=total)


def column_label(name: str) -> str:
    return _(COLUMN_LABELS[name]) if name in COLUMN_LABELS else name


def status_meaning(status: str) -> str:
    try:
        return _(STATUS_MEANINGS[Status(status)])
    except (ValueError, KeyError):
        return ""


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
        (status, status_meaning(status), count) for status, count in summary.by_status.items()
    ]
    status_rows.append((_("total"), "", summary.total))

    host_statuses = [
        status.value
        for status in Status
        if any(status.value in tally for tally in summary.by_host.values())
    ]
    host_rows: list[tuple[str | int, ...]] = [
        (
            _(NO_HOST) if host == NO_HOST else host,
            *(tally.get(status, 0) for status in host_statuses),
            sum(tally.values()),
        )
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
        Section(_("Rows by status"), ("status", "meaning", "rows"), status_rows),
        Section(_("Rows by host"), ("host", *host_statuses, "total"), host_rows, _("No rows.")),
        Section(
            _("Rows needing attention"),
            ("row", "topic", "host", "status", "error"),
            attention_rows,
            _("Nothing needs attention."),
        ),
    ]


#: Rows (or runs of rows) named in one line of problems before "and N more".
LISTED_ROWS = 6


def problem_lines(results: Sequence[RowResult]) -> list[tuple[str, int]]:
    """The rows that need attention as lines to print, each with how many rows it speaks for.

    A message about one row (``row 7: duration "abc" is not a number of minutes``) is a line of
    its own. Rows that share a status and a message naming no row (a host's daily limit, an
    interrupted run, the same refusal from Zoom) share one line, in the order of their first row:
    ``rows 402-405, 410: deferred: h0@example.com has used Zoom's daily limit …``.
    """
    order: list[str | tuple[Status, str]] = []  # a row's own message, or a shared one's key
    shared: dict[tuple[Status, str], list[int]] = {}
    for result in results:
        if not result.status.needs_attention:
            continue
        if result.error.startswith(("row ", row_prefix(result.row))):
            order.append(result.error)
            continue
        key = (result.status, result.error)
        if key not in shared:
            shared[key] = []
            order.append(key)
        shared[key].append(result.row)
    lines: list[tuple[str, int]] = []
    for entry in order:
        if isinstance(entry, str):
            lines.append((entry, 1))
            continue
        (status, error), rows = entry, shared[entry]
        if len(rows) == 1:
            line = _("row {row}: {status}: {error}").format(
                row=rows[0], status=status.value, error=error
            )
        else:
            line = _("{rows}: {status}: {error}").format(
                rows=row_list(rows), status=status.value, error=error
            )
        lines.append((line, len(rows)))
    return lines


def row_list(rows: Sequence[int]) -> str:
    """``rows 402-405, 410, 412`` (runs of rows as ranges), then ``and 9 more`` past
    ``LISTED_ROWS`` runs (``402-405、410、412行目``, ``…行目ほか 9 行`` in Japanese)."""
    runs: list[list[int]] = []
    for row in sorted(rows):
        if runs and row == runs[-1][-1] + 1:
            runs[-1].append(row)
        else:
            runs.append([row])
    items = [f"{run[0]}-{run[-1]}" if len(run) > 1 else str(run[0]) for run in runs]
    listed = _(", ").join(items[:LISTED_ROWS])
    if len(runs) <= LISTED_ROWS:
        return _("rows {rows}").format(rows=listed)
    rest = sum(len(run) for run in runs[LISTED_ROWS:])
    return _("rows {rows} and {count} more").format(rows=listed, count=rest)
