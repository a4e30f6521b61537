"""Computed reports, refusals and catalogues as plain data (JSON-able dicts).

Every decimal figure is a JSON *string*, so that no digit is lost to binary floating point on the
way to the reader. Emission figures (per gas, per line, per source, totals, memo items) are
rounded once, when shown, by :func:`citycarbon.numbers.round_emissions` (0.01 t, half-up), or
given exactly with ``exact=True``. Parameter values (activity data, measured values, defaults)
are never rounded: they are shown exactly as used, in the unit the formula used them in.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any, Final

from citycarbon.accounting.engine import ReportInput
from citycarbon.accounting.interchange import Cell, ReadReport
from citycarbon.accounting.model import (
    AccountingError,
    LineResult,
    ParamUse,
    ReportError,
    ReportResult,
    Sector,
    SourceType,
)
from citycarbon.accounting.sectors import sectors
from citycarbon.accounting.sources import SOURCE_TYPES
from citycarbon.factors import VERIFICATION_STATUSES, FactorError, FactorLibrary, FactorRow
from citycarbon.numbers import CONTEXT, round_emissions
from citycarbon.units import GASES

__all__ = [
    "ROUNDING",
    "batch_record",
    "error_record",
    "error_text",
    "factor_record",
    "figure",
    "plain",
    "refusal_records",
    "report_record",
    "sector_record",
    "source_record",
    "value_text",
]

#: How emission figures are rounded in the output (``docs/interchange.md``).
ROUNDING: Final = "0.01 t, half-up (citycarbon.numbers.round_emissions)"
EXACT: Final = "exact (not rounded)"


def plain(value: Decimal) -> str:
    """An exact decimal in plain notation without trailing zeros: ``19002.988488``, ``10514``.

    Normalised in the numbers context (34 digits), not the thread's default (28), so that no
    digit of an exact figure is lost."""
    if value == 0:
        return "0"
    return format(CONTEXT.normalize(value), "f")


def figure(value: Decimal, *, exact: bool = False) -> str:
    """An emission figure [t] as shown: rounded by the policy, or exact."""
    return plain(value) if exact else str(round_emissions(value))


def value_text(value: object) -> str:
    """A value as a person wrote it: ``{"value": 20.908, "unit": "GJ/t"}`` → ``20.908 GJ/t``."""
    if isinstance(value, Mapping) and set(value) <= {"value", "unit"}:
        number = value.get("value")
        unit = value.get("unit")
        shown = plain(number) if isinstance(number, Decimal) else str(number)
        return f"{shown} {unit}" if unit else shown
    if isinstance(value, Decimal):
        return plain(value)
    return str(value)


def error_record(error: AccountingError, cell: Cell | None = None) -> dict[str, Any]:
    """One refusal as plain data: report, line, field, value, message (and cell for Excel)."""
    value = error.value
    record: dict[str, object] = {
        "report": error.report,
        "line": error.line,
        "field": error.field,
        "value": None if value is None else value_text(value),
        "message": error.message,
    }
    if cell is not None:
        record["cell"] = cell.ref
        record["sheet"] = cell.sheet
        record["row"] = cell.row
        record["column"] = cell.column
    return record


def error_text(
    error: AccountingError, cell: Cell | None = None, item: ReadReport | None = None
) -> str:
    """One refusal as a sentence naming the report, line, field and value (and the cell)."""
    error = _with_unit(error, item)
    parts = []
    if error.report is not None:
        parts.append(f"report {error.report}")
    if error.line is not None:
        parts.append(f"line {error.line}")
    if error.field is not None:
        parts.append(f"field {error.field}")
    if error.value is not None:
        parts.append(f"value {value_text(error.value)!r}")
    text = f"{', '.join(parts)}: {error.message}" if parts else error.message
    return f"{text} [{cell.describe()}]" if cell is not None else text


def _row(library: FactorLibrary, row_id: str | None) -> FactorRow | None:
    if row_id is None:
        return None
    try:
        return library.get(row_id)
    except FactorError:
        return None


def _param(use: ParamUse, library: FactorLibrary) -> dict[str, Any]:
    if use.origin == "choice":
        return {"value": str(use.value), "origin": "choice"}
    value = use.value
    record: dict[str, object] = {
        "value": plain(value) if isinstance(value, Decimal) else str(value),
        "unit": use.unit,
        "origin": use.origin,
        "given": use.given,
    }
    if use.origin == "default":
        row = _row(library, use.factor_id)
        record["factor_id"] = use.factor_id
        record["factor_source"] = row.source if row else None
        record["factor_status"] = row.status if row else None
    return record


def _gases(masses: Mapping[str, Decimal], exact: bool) -> dict[str, str]:
    order = {gas: index for index, gas in enumerate(GASES)}
    ordered = sorted(masses, key=lambda gas: order.get(gas, len(order)))
    return {gas: figure(masses[gas], exact=exact) for gas in ordered}


def _line(line: LineResult, library: FactorLibrary, exact: bool) -> dict[str, Any]:
    source = SOURCE_TYPES.get(line.source)
    return {
        "line": line.line,
        "source": line.source,
        "source_name_zh": source.name_zh if source else None,
        "source_name_en": source.name_en if source else None,
        "label": line.label,
        "treatment": line.treatment,
        "emissions_t": _gases(line.masses_t, exact),
        "tco2e": figure(line.co2e.value, exact=exact),
        "contribution_tco2e": figure(line.contribution, exact=exact),
        "defaults": [p.name for p in line.params if p.origin == "default"],
        "parameters": {p.name: _param(p, library) for p in line.params},
    }


def report_record(
    result: ReportResult,
    library: FactorLibrary,
    *,
    report: ReportInput | None = None,
    exact: bool = False,
) -> dict[str, Any]:
    """A computed report as plain data (the ``--json`` form of ``citycarbon calc enterprise``).

    ``by_source`` holds each counted source's signed contribution [tCO2e], ``by_gas`` the net
    mass of each gas counted in the total [t], ``memo`` the sources reported separately [tCO2e].
    """
    sector = sectors().get(result.sector)
    return {
        "id": result.id,
        "enterprise": report.enterprise if report else "",
        "sector": result.sector,
        "sector_name_zh": sector.name_zh if sector else None,
        "sector_name_en": sector.name_en if sector else None,
        "year": result.year,
        "region": report.region if report else None,
        "gwp_metric": result.metric,
        "factor_library": result.factor_library,
        "rounding": EXACT if exact else ROUNDING,
        "total_tco2e": figure(result.total.value, exact=exact),
        "by_source": {k: figure(v, exact=exact) for k, v in result.by_source.items()},
        "by_gas": _gases(result.by_gas, exact),
        "memo": {k: figure(v, exact=exact) for k, v in result.memo.items()},
        "lines": [_line(line, library, exact) for line in result.lines],
    }


def _with_unit(error: AccountingError, item: ReadReport | None) -> AccountingError:
    """A quantity named without its unit (a source type's check sees the bare number) gets the
    unit it was written in, so that the message shows ``5 t`` rather than ``5``."""
    report = item.report if item else None
    if error.field != "quantity" or not isinstance(error.value, Decimal) or report is None:
        return error
    if error.line is None or not 0 < error.line <= len(report.lines):
        return error
    unit = report.lines[error.line - 1].values.get("quantity@given_unit")
    if not unit:
        return error
    return AccountingError(
        error.message,
        report=error.report,
        line=error.line,
        field=error.field,
        value=f"{plain(error.value)} {unit}",
    )


def refusal_records(
    errors: Iterable[AccountingError], item: ReadReport | None = None
) -> list[dict[str, object]]:
    """The refusals of one report as plain data, located in the workbook when read from one."""
    return [error_record(_with_unit(e, item), item.cell(e) if item else None) for e in errors]


def batch_record(
    outcomes: Sequence[tuple[ReadReport, ReportResult | ReportError]],
    library: FactorLibrary,
    *,
    metric: str,
    exact: bool = False,
    path: str | None = None,
) -> dict[str, Any]:
    """Every report of a file: the computed ones under ``reports``, refusals under ``errors``.

    A refused report appears only in ``refused`` and ``errors``: nothing of it is computed.
    """
    reports: list[dict[str, object]] = []
    errors: list[dict[str, object]] = []
    refused: list[str] = []
    for item, outcome in outcomes:
        if isinstance(outcome, ReportError):
            refused.append(item.id)
            errors.extend(refusal_records(outcome.errors, item))
        else:
            reports.append(report_record(outcome, library, report=item.report, exact=exact))
    return {
        "file": path,
        "gwp_metric": metric,
        "factor_library": library.version,
        "rounding": EXACT if exact else ROUNDING,
        "computed": len(reports),
        "refused": refused,
        "reports": reports,
        "errors": errors,
    }


def source_record(source: SourceType) -> dict[str, Any]:
    """A source type's documentation as plain data: fields, formula, reference."""
    record = source.as_dict()
    fields = []
    for spec in source.fields:
        entry = spec.as_dict()
        if spec.default is not None:
            entry["default"] = {
                "parameter": spec.default.parameter,
                "kind": spec.default.kind,
                "by": spec.default.subject_field
                or ("region" if spec.default.subject == "@region" else spec.default.subject),
            }
        fields.append(entry)
    record["fields"] = fields
    return record


def sector_record(sector: Sector) -> dict[str, Any]:
    """A sector guideline as plain data: its source types and how each counts."""
    return {
        "id": sector.id,
        "name_zh": sector.name_zh,
        "name_en": sector.name_en,
        "guideline": sector.guideline,
        "document": sector.document,
        "factor_sets": list(sector.factor_sets),
        "sources": [
            {
                "source": item.source,
                "name_zh": SOURCE_TYPES[item.source].name_zh,
                "name_en": SOURCE_TYPES[item.source].name_en,
                "treatment": item.treatment,
                "note": item.note,
            }
            for item in sector.sources
        ],
        "note": sector.note,
    }


def factor_record(row: FactorRow) -> dict[str, Any]:
    """A factor row as plain data, with the meaning of its verification status."""
    record = row.as_dict()
    record["status_meaning"] = VERIFICATION_STATUSES.get(row.status, "")
    return record
