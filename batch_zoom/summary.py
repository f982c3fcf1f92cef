"""What a batch came to: counts by status and by host, and the rows that need attention.

Pure. The same sections are laid out on the output workbook's Summary sheet (``sheet``) and on the
``--report`` page (``publish``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

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
