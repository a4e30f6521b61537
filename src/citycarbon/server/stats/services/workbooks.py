"""Importing a statistics workbook (the ``citycarbon template targets`` format): its rows become
:class:`~.imports.ImportRow` and go through :func:`~.imports.do_import_rows`; what the workbook
says about the target set (period, jurisdiction targets, emission factors) must agree with the
stored target set, which is set there and not by a statistics import.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from functools import partial
from typing import Any

from django.utils.translation import gettext as _

from citycarbon.server.common.errors import ErrorRecord
from citycarbon.server.common.models import User
from citycarbon.server.common.selectors import perm_for, require
from citycarbon.server.stats.framework import framework_for
from citycarbon.server.stats.models import Statistic
from citycarbon.server.stats.services.imports import (
    ImportResult,
    ImportRow,
    do_import_rows,
    same_value,
    year_of,
)
from citycarbon.server.stats.workbook import WorkbookData, read_workbook

__all__ = ["do_import_workbook", "workbook_rows"]


def workbook_rows(book: WorkbookData) -> tuple[list[ImportRow], list[ErrorRecord]]:
    """The jurisdiction-years of a workbook to import, and the problems with its description
    of the target set (period, targets, factors), which must agree with the stored one."""
    rows: list[ImportRow] = []
    problems: list[ErrorRecord] = []
    for sheet, key, row, first in book.duplicates:
        problems.append(
            ErrorRecord(
                message=_("This row repeats row %(first)d.") % {"first": first},
                field=f"{sheet}.jurisdiction",
                value=" ".join(key),
                row=row,
            )
        )
    illustrative = str(book.data.get("illustrative", "")).strip().lower() in ("1", "true", "yes")
    entries = book.data.get("jurisdictions") or []
    for entry in entries:
        name = str(entry.get("id", "")).strip()
        for year_key, raw in (entry.get("years") or {}).items():
            rows.append(
                ImportRow(
                    jurisdiction=name,
                    year=year_key,
                    raw=dict(raw),
                    locate=partial(book.locate, name, str(year_key)),
                    illustrative=illustrative,
                )
            )
    problems.extend(_context_problems(book, rows))
    return rows, problems


def _context_problems(book: WorkbookData, rows: list[ImportRow]) -> list[ErrorRecord]:
    """The period, jurisdiction targets and factors the workbook states must be the target
    set's (they are set there, not by a statistics import)."""
    problems: list[ErrorRecord] = []
    years = {y for y in (year_of(r.year) for r in rows) if y is not None}
    frameworks = {f.key: f for f in (framework_for(y) for y in years) if f is not None}
    if len(frameworks) != 1:
        return problems
    framework = next(iter(frameworks.values()))
    data = book.data
    for name, expected in (
        ("base_year", framework.base_year),
        ("target_year", framework.target_year),
    ):
        if name in data and not same_value(data[name], expected):
            problems.append(
                ErrorRecord(
                    message=_("The target set's period has %(value)s here.") % {"value": expected},
                    field="period.value",
                    value=data[name],
                    row=book.period_rows.get(name),
                )
            )
    for entry in data.get("jurisdictions") or []:
        name = str(entry.get("id", "")).strip()
        code = framework.resolve(name)
        if code is None:
            continue
        stored = framework.jurisdictions[code]
        for column in ("co2_intensity_target_pct", "energy_intensity_target_pct"):
            if column in entry and not same_value(entry[column], stored.get(column)):
                problems.append(
                    ErrorRecord(
                        message=_(
                            "The target is set in the target set (%(value)s), not by the "
                            "statistics."
                        )
                        % {"value": stored.get(column)},
                        field=f"jurisdictions.{column}",
                        value=entry[column],
                        row=book.context_rows.get(("jurisdictions", name)),
                    )
                )
    factors: Mapping[str, Any] = framework.skeleton.get("co2_factors") or {}
    for fuel, given in (data.get("co2_factors") or {}).items():
        stored_factor = factors.get(fuel)
        if stored_factor is None or not _same_factor(given, stored_factor):
            problems.append(
                ErrorRecord(
                    message=_(
                        "Emission factors are configured in the target set, not by the statistics."
                    ),
                    field="co2_factors.value",
                    value=given.get("value") if isinstance(given, Mapping) else given,
                    row=book.context_rows.get(("co2_factors", str(fuel))),
                )
            )
    if data.get("grid_factor") is not None:
        stored_grid = framework.skeleton.get("grid_factor")
        if stored_grid is None or not _same_factor(data["grid_factor"], stored_grid):
            problems.append(
                ErrorRecord(
                    message=_(
                        "Emission factors are configured in the target set, not by the statistics."
                    ),
                    field="period.value",
                    value=data["grid_factor"],
                    row=book.period_rows.get("grid_factor_tco2_per_mwh"),
                )
            )
    return problems


def _same_factor(given: Any, stored: Any) -> bool:
    def value(x: Any) -> Any:
        return x.get("value") if isinstance(x, Mapping) else x

    if (
        isinstance(given, Mapping)
        and isinstance(stored, Mapping)
        and str(given.get("unit", "")).strip() != str(stored.get("unit", "")).strip()
    ):
        return False
    return same_value(value(given), value(stored))


def do_import_workbook(
    actor: User | None, content: bytes, *, filename: str, correction_reason: str = ""
) -> ImportResult:
    """Import a statistics workbook (the ``citycarbon template targets`` format): all rows or
    none, every problem named by sheet, row, column and value."""
    if actor is not None:
        require(actor, perm_for(Statistic, "add"))
    book = read_workbook(content)
    rows, problems = workbook_rows(book)
    return do_import_rows(
        actor,
        rows,
        source=filename,
        digest=hashlib.sha256(content).hexdigest(),
        correction_reason=correction_reason,
        problems=problems,
    )
