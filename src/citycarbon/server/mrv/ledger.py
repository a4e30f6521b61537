"""The monthly ledger between the server and the kernel: rows of one month read and checked
against the approved plan (with the months already submitted, so jumps and duplicates across
months are seen), the findings that belong to the month, the rows of a workbook's Ledger sheet,
and what an uploaded file really is (by its first bytes). No database access here."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from citycarbon.accounting.monitoring import Finding, LedgerRow, MonitoringPlan, check_enterprise
from citycarbon.accounting.monitoring.ledger import row_from_mapping
from citycarbon.accounting.monitoring.workbook import read_workbook

__all__ = [
    "EVIDENCE_TYPES",
    "MonthCheck",
    "check_month",
    "file_kind",
    "read_month_rows",
    "workbook_rows",
]

#: The evidence types accepted: kind → the file name endings that may claim it.
EVIDENCE_TYPES: dict[str, tuple[str, ...]] = {
    "pdf": (".pdf",),
    "png": (".png",),
    "jpeg": (".jpg", ".jpeg"),
    "xlsx": (".xlsx",),
}

#: Rows of earlier months are numbered from here, so findings on them are told apart.
EARLIER = 1_000_000


def file_kind(content: bytes) -> str | None:
    """What the bytes are: ``pdf``, ``png``, ``jpeg``, ``xlsx`` (a zip with an Excel
    workbook's parts), or ``None``."""
    if content.startswith(b"%PDF-"):
        return "pdf"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if content.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if content.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            return None
        if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
            return "xlsx"
    return None


def read_month_rows(
    items: Sequence[Mapping[str, Any]], enterprise: str, month: str
) -> tuple[list[LedgerRow], list[Finding], list[tuple[int, str, str]]]:
    """The submitted rows of ``enterprise`` for ``month`` (``YYYY-MM``), numbered from 1 (or
    by their ``sheet_row``), the kernel's findings on rows it cannot read, and the rows of
    another month or enterprise as ``(row, field, value)``."""
    rows: list[LedgerRow] = []
    found: list[Finding] = []
    misplaced: list[tuple[int, str, str]] = []
    for position, item in enumerate(items, start=1):
        number = int(item.get("sheet_row") or position)
        data = {k: v for k, v in item.items() if v is not None and k not in ("row", "sheet_row")}
        data.setdefault("enterprise", enterprise)
        data.setdefault("month", month)
        row, problems = row_from_mapping(data, number)
        found.extend(problems)
        if row is None:
            continue
        if row.month != month:
            misplaced.append((number, "month", row.month))
        elif row.enterprise != enterprise:
            misplaced.append((number, "enterprise", row.enterprise))
        else:
            rows.append(row)
    return rows, found, misplaced


@dataclass(frozen=True)
class MonthCheck:
    """The findings that belong to the month: errors refuse it, warnings are stored."""

    findings: tuple[Finding, ...]

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]


def _ends_in(period: str | None, year: int, month: int) -> bool:
    """Whether a finding without a row (``missing``) is about a period ending this month."""
    if period is None:
        return False
    if period == f"{year:04d}-{month:02d}":
        return True
    if period == f"{year:04d}-Q{(month + 2) // 3}":
        return month % 3 == 0
    return period == f"{year:04d}" and month == 12


def check_month(
    plan: MonitoringPlan,
    earlier: Sequence[LedgerRow],
    rows: Sequence[LedgerRow],
    month: int,
) -> MonthCheck:
    """Run every check on the year's ledger through ``month`` (the months already submitted,
    ``earlier``, and the month's ``rows``) and keep the findings on the month's rows and on
    periods ending in it."""
    renumbered = [
        LedgerRow(
            EARLIER + index, r.enterprise, r.stream, r.month, r.parameter, r.value, r.unit,
            r.facility, r.evidence, r.note,
        )
        for index, r in enumerate(earlier)
    ]  # fmt: skip
    result = check_enterprise(plan, [*renumbered, *rows], reporting_month=month)
    mine = tuple(
        f
        for f in result.findings
        if (f.row is not None and f.row < EARLIER)
        or (f.row is None and _ends_in(f.month, plan.year, month))
    )
    return MonthCheck(mine)


def workbook_rows(content: bytes) -> tuple[list[dict[str, Any]], list[Finding]]:
    """The rows of a workbook's Ledger sheet as mappings (with their sheet row), or the
    findings that refuse the workbook (sheet, row, column and value)."""
    document = read_workbook(io.BytesIO(content))
    if document.refused:
        return [], [f for f in document.findings if f.severity == "error"]
    return [{**r.as_dict(), "value": r.value, "sheet_row": r.row} for r in document.rows], []
