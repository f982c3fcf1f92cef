"""The ``Hosts`` sheet of a workbook (also ``ホスト``): the pool of hosts, emails and names.

Kept apart from ``read.py``: the meetings sheet's header recognition is not this sheet's. The
sheet has an email column and, optionally, a name column, under a header row; without a header
it is read as email in column A and name in column B.
"""

from __future__ import annotations

import io
from pathlib import Path

from ..cells import is_empty
from ..errors import InputError
from ..i18n import _
from ..models import normalize_header

SHEET_NAMES = ("hosts", "host", "ホスト", "ホスト一覧")
EMAIL_HEADERS = {
    normalize_header(h) for h in ("email", "e-mail", "host", "メール", "メールアドレス")
}
NAME_HEADERS = {normalize_header(h) for h in ("name", "名前", "氏名", "表示名")}


def read_host_pool(path: Path, source: bytes | None = None) -> list[tuple[str, str]]:
    """(email, name) of every host the workbook's Hosts sheet lists; [] when it has none."""
    if Path(path).suffix.lower() not in (".xlsx", ".xlsm"):
        return []
    from openpyxl import load_workbook

    try:
        data = source if source is not None else Path(path).read_bytes()
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # the meetings sheet was read: a damaged extra sheet is not fatal here
        return []
    try:
        name = next(
            (n for n in book.sheetnames if normalize_header(n) in SHEET_NAMES),
            None,
        )
        if name is None:
            return []
        rows = [
            ["" if is_empty(cell) else str(cell).strip() for cell in row]
            for row in book[name].iter_rows(values_only=True)
        ]
    finally:
        book.close()
    rows = [row for row in rows if any(row)]
    if not rows:
        return []
    header = [normalize_header(cell) for cell in rows[0]]
    email_at = next((i for i, h in enumerate(header) if h in EMAIL_HEADERS), None)
    name_at = next((i for i, h in enumerate(header) if h in NAME_HEADERS), None)
    first = 1
    if email_at is None:
        email_at, name_at = 0, 1
    else:
        rows, first = rows[1:], 2
    pool: list[tuple[str, str]] = []
    for number, row in enumerate(rows, start=first):
        email = row[email_at] if email_at < len(row) else ""
        person = row[name_at] if name_at is not None and name_at < len(row) else ""
        if not email:
            continue
        if "@" not in email:
            raise InputError(
                _('Sheet "{sheet}" row {row}: "{email}" is not an email address.').format(
                    sheet=name, row=number, email=email
                ),
                hint=_("The Hosts sheet lists one Zoom user email a row, with an optional name."),
            )
        pool.append((email, person))
    return pool
