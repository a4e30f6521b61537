"""The monthly ledger (台账): one row per enterprise, facility, source stream, month and parameter.

A row holds one value with its unit and the reference of its evidence (a weighbridge ticket, an
invoice, a lab report)::

    enterprise  facility  stream     month    parameter  value   unit  evidence
    E1          kiln1     coal-kiln  2024-01  quantity   10500   t     地磅汇总 2024-01
    E1          kiln1     coal-kiln  2024-01  ncv        21.35   GJ/t  化验报告 HX-2401

``month`` is ``YYYY-MM``; ``YYYY`` alone is an *annual total* (年度合计) of a quantity, which the
checks compare with the sum of the months. Rows are numbered: in a workbook the sheet row, in a
JSON/YAML document the position in the list (1-based), in the server the row's id; every finding
names the row.

:func:`rows_from_mappings` reads rows from plain mappings (JSON, YAML, the workbook's rows) and
collects what cannot be read (a value that is not a number, a month that is not a month, a
required cell left blank) as findings: a ledger with any of them is refused as a whole.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final

from citycarbon.accounting.monitoring.findings import Finding, finding
from citycarbon.numbers import NumberError, to_decimal

__all__ = [
    "LEDGER_KEYS",
    "REQUIRED_KEYS",
    "LedgerRow",
    "month_key",
    "parse_month",
    "period_key",
    "row_from_mapping",
    "rows_from_mappings",
]

#: The keys of a ledger row, in template order.
LEDGER_KEYS: Final = (
    "enterprise",
    "facility",
    "stream",
    "month",
    "parameter",
    "value",
    "unit",
    "evidence",
    "note",
)
REQUIRED_KEYS: Final = ("enterprise", "stream", "month", "parameter", "value", "unit")

_MONTH: Final = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?\s*$")
_YEAR: Final = re.compile(r"^\s*(\d{4})\s*年?\s*$")


@dataclass(frozen=True, slots=True)
class LedgerRow:
    """One value of the ledger, as read (the value exact, in the unit written)."""

    row: int
    enterprise: str
    stream: str
    month: str
    parameter: str
    value: Decimal
    unit: str
    facility: str = ""
    evidence: str = ""
    note: str = ""

    @property
    def year(self) -> int:
        """The year of the row's month."""
        return int(self.month[:4])

    @property
    def month_number(self) -> int:
        """1-12, or 0 for an annual total."""
        return int(self.month[5:]) if len(self.month) > 4 else 0

    @property
    def annual(self) -> bool:
        """Whether the row is an annual total (month written ``YYYY``)."""
        return len(self.month) == 4

    def as_dict(self) -> dict[str, object]:
        """As plain data (decimals as strings)."""
        return {
            "row": self.row,
            "enterprise": self.enterprise,
            "facility": self.facility,
            "stream": self.stream,
            "month": self.month,
            "parameter": self.parameter,
            "value": str(self.value),
            "unit": self.unit,
            "evidence": self.evidence,
            "note": self.note,
        }


def parse_month(raw: object) -> str | None:
    """``YYYY-MM`` (or ``YYYY`` for an annual total) from what a person or a workbook wrote.

    Accepts ``2024-01``, ``2024-1``, ``2024/01``, ``2024.01``, ``2024年1月``, a date or datetime
    (its month), and ``2024`` or the integer 2024 for the year. ``None`` when it is none of these.
    """
    if isinstance(raw, bool):
        return None
    if isinstance(raw, (dt.date, dt.datetime)):
        return f"{raw.year:04d}-{raw.month:02d}"
    if isinstance(raw, int):
        return f"{raw:04d}" if 1900 <= raw <= 2999 else None
    if isinstance(raw, float) and raw.is_integer():
        return parse_month(int(raw))
    if not isinstance(raw, str):
        return None
    match = _MONTH.match(raw)
    if match:
        year, month = int(match.group(1)), int(match.group(2))
        return f"{year:04d}-{month:02d}" if 1 <= month <= 12 and year >= 1900 else None
    match = _YEAR.match(raw)
    if match and int(match.group(1)) >= 1900:
        return match.group(1)
    return None


def month_key(month: str) -> int:
    """A month as one integer, ``year * 12 + month - 1`` (annual totals: ``year * 12 - 1``)."""
    year = int(month[:4])
    return year * 12 + (int(month[5:]) - 1 if len(month) > 4 else -1)


def period_key(month_number: int, period: str) -> int:
    """The period a month falls in: the month (1-12), the quarter (1-4), or 1 for the year."""
    if period == "quarter":
        return (month_number - 1) // 3 + 1
    if period == "year":
        return 1
    return month_number


def _text(raw: object) -> str:
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    return str(raw).strip()


def row_from_mapping(
    data: Mapping[str, object],
    row: int,
    *,
    sheet: str | None = None,
    columns: Mapping[str, str] | None = None,
) -> tuple[LedgerRow | None, list[Finding]]:
    """One ledger row from a mapping of the keys :data:`LEDGER_KEYS`, or what refuses it.

    ``sheet`` and ``columns`` (key → column letter) locate the findings in a workbook.
    """
    found: list[Finding] = []

    def refuse(code: str, name: str, value: object = None, **params: Any) -> None:
        found.append(
            finding(
                code,
                "error",
                row=row,
                field=name,
                value=value,
                sheet=sheet,
                column=(columns or {}).get(name),
                **params,
            )
        )

    unknown = [k for k in data if k not in LEDGER_KEYS and k != "row"]
    for key in unknown:
        refuse(
            "read_unknown_key", str(key), data[key], what="ledger row", known=", ".join(LEDGER_KEYS)
        )
    texts = {k: _text(data.get(k)) for k in LEDGER_KEYS if k not in ("value", "month")}
    for key in REQUIRED_KEYS:
        raw = data.get(key)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            refuse("read_required", key, key=key)
    month = None
    if data.get("month") is not None and _text(data.get("month")):
        month = parse_month(data.get("month"))
        if month is None:
            refuse("read_month", "month", data.get("month"))
    value: Decimal | None = None
    raw_value = data.get("value")
    if raw_value is not None and not (isinstance(raw_value, str) and not raw_value.strip()):
        try:
            value = to_decimal(raw_value)
        except NumberError:
            refuse("read_not_number", "value", raw_value)
    if found or month is None or value is None:
        return None, found
    return (
        LedgerRow(
            row=row,
            enterprise=texts["enterprise"],
            stream=texts["stream"],
            month=month,
            parameter=texts["parameter"],
            value=value,
            unit=texts["unit"],
            facility=texts["facility"],
            evidence=texts["evidence"],
            note=texts["note"],
        ),
        [],
    )


def rows_from_mappings(items: Iterable[object]) -> tuple[tuple[LedgerRow, ...], list[Finding]]:
    """Ledger rows from a list of mappings (a JSON or YAML ``ledger``), numbered from 1.

    Returns the rows and the findings that refuse the ledger; when there are findings, the rows
    are empty (nothing is produced from a refused ledger).
    """
    rows: list[LedgerRow] = []
    found: list[Finding] = []
    for number, item in enumerate(items, start=1):
        if not isinstance(item, Mapping):
            found.append(finding("read_not_object", "error", row=number, what="ledger row"))
            continue
        row, problems = row_from_mapping(item, number)
        found.extend(problems)
        if row is not None:
            rows.append(row)
    return ((), found) if found else (tuple(rows), [])
