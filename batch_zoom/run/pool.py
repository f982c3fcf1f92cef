"""The pool of hosts: from ``--hosts`` or the workbook's Hosts sheet, and the rows it serves.

Rows whose ``host`` cell is empty take a host from the pool (chosen in ``preflight``); a
``host`` cell holding a person's name from the Hosts sheet means that person's email.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from ..cells import is_empty
from ..config import Settings
from ..i18n import _
from ..models import MeetingRequest, RowPlan, RowResult, SheetRow, Status, meeting_identity
from ..sheet.hosts import read_host_pool
from ..sheet.read import Table
from .journal import JournalState


@dataclass
class HostPool:
    hosts: list[str] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)  # casefolded person's name -> email
    rows: set[int] = field(default_factory=set)  # rows without a host: they take one
    assigned: dict[int, str] = field(default_factory=dict)  # pool rows the journal placed

    @classmethod
    def of(cls, settings: Settings, table: Table) -> HostPool:
        listed = read_host_pool(table.path) if table.format == "excel" else []
        hosts = list(dict.fromkeys(settings.hosts or [email for email, _name in listed]))
        names = {name.casefold(): email for email, name in listed if name}
        rows = {row.number for row in table.rows if is_empty(row.get("host"))} if hosts else set()
        return cls(hosts, names, rows)

    def named_rows(self, rows: Sequence[SheetRow]) -> list[SheetRow]:
        """The rows with a person's name in ``host`` read as that person's email."""
        if not self.names:
            return list(rows)
        mapped: list[SheetRow] = []
        for row in rows:
            cell = row.get("host")
            email = self.names.get(str(cell).strip().casefold()) if not is_empty(cell) else None
            mapped.append(SheetRow(row.number, {**row.cells, "host": email}) if email else row)
        return mapped

    def known_from_journal(self, plans: Sequence[RowPlan], state: JournalState) -> list[RowPlan]:
        """A pool row an earlier run made (or was making) keeps that host: nothing twice."""
        placed: list[RowPlan] = []
        for plan in plans:
            if isinstance(plan, MeetingRequest) and plan.row in self.rows and not plan.meeting_id:
                for host in self.hosts:
                    identity = meeting_identity(host, plan.topic, plan.start, plan.duration)
                    if identity in state.created or identity in state.in_flight:
                        plan = replace(plan, host=host)
                        self.assigned[plan.row] = host
                        self.rows.discard(plan.row)
                        break
            placed.append(plan)
        return placed

    def note_planned(self, results: dict[int, RowResult]) -> None:
        """A dry run sends nothing, so it cannot choose: it says the pool will."""
        for row in self.rows:
            result = results.get(row)
            if result is not None and result.status is Status.PLANNED and not result.meeting_id:
                results[row] = replace(
                    result,
                    host=None,
                    error=_("would create with a host from the pool ({pool})").format(
                        pool=_(", ").join(self.hosts)
                    ),
                )
