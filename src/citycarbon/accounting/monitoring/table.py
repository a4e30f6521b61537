"""One enterprise's ledger placed against its plan: rows by stream, parameter and period.

:func:`place` sorts the rows of one enterprise once for every check and for the annual report:
which rows do not fit the plan (another enterprise or year, an unknown stream, an unplanned
parameter, a month after the reporting month), which units cannot be read or have the wrong
dimension, and for the others the value converted exactly to the parameter's canonical unit, by
stream, parameter and period. The first row of a period (lowest row number) is its *effective*
row; a second one is a duplicate (the duplicates check names it), never counted.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from typing import Any

from citycarbon.accounting.monitoring.findings import Finding, finding
from citycarbon.accounting.monitoring.ledger import LedgerRow, period_key
from citycarbon.accounting.monitoring.plan import CompiledParameter, CompiledPlan, canonical_unit
from citycarbon.numbers import CONTEXT
from citycarbon.units import UnitError, convert
from citycarbon.units.registry import parse_unit

__all__ = [
    "Placed",
    "convert_exactly",
    "convert_value",
    "from_canonical",
    "period_label",
    "place",
    "shown_unit",
]

Key = tuple[str, str]


def period_label(year: int, number: int, period: str) -> str:
    """``2024-03``, ``2024-Q1`` or ``2024``."""
    if period == "quarter":
        return f"{year:04d}-Q{number}"
    if period == "year":
        return f"{year:04d}"
    return f"{year:04d}-{number:02d}"


def convert_value(value: Decimal, unit: str, parameter: CompiledParameter) -> Decimal:
    """``value`` in ``unit`` converted exactly to the parameter's canonical unit.

    Raises
    ------
    UnitError
        When the unit is unknown or has another dimension than the plan's unit (for a rate:
        anything but ``%`` or ``fraction``).
    """
    target = parameter.unit
    if parameter.field.kind == "fraction" and unit.strip().lower() not in {
        "%",
        "fraction",
        "percent",
    }:
        parse_unit(unit)
        raise UnitError(f"unit {unit!r} has the wrong dimension")
    units = parameter.field.units
    if units and canonical_unit(units, parameter.name, unit) != target:
        raise UnitError(f"unit {unit!r} has the wrong dimension")
    ratio = _ratio(unit, target)
    return convert(value, unit, target) if ratio is None else value * ratio


def shown_unit(parameter: CompiledParameter) -> str:
    """The unit a message or a derivation states the parameter's values in: ``%`` for a rate,
    else the plan's unit (the unit the enterprise enters, e.g. tC/TJ for carbon content), else
    the canonical one."""
    if parameter.field.kind == "fraction":
        return "%"
    return parameter.plan.unit or parameter.unit


def from_canonical(value: Decimal, parameter: CompiledParameter) -> Decimal:
    """``value`` in the parameter's canonical unit converted exactly to :func:`shown_unit`
    (a rate × 100; 0.026 tC/GJ → 26 tC/TJ)."""
    if parameter.field.kind == "fraction":
        return CONTEXT.multiply(value, Decimal(100))
    unit = shown_unit(parameter)
    if not parameter.unit or unit == parameter.unit:
        return value
    return convert_exactly(value, parameter.unit, unit)


def convert_exactly(value: Decimal, unit: str, target: str) -> Decimal:
    """``value`` in ``unit`` converted to ``target`` with the 34 digits of
    :data:`citycarbon.numbers.CONTEXT` (by the unit pair's factor; units with an offset by
    :func:`citycarbon.units.convert`)."""
    if unit == target:
        return value
    ratio = _ratio(unit, target)
    return convert(value, unit, target) if ratio is None else CONTEXT.multiply(value, ratio)


@cache
def _ratio(unit: str, target: str) -> Decimal | None:
    """The factor :func:`citycarbon.units.convert` multiplies by to go from ``unit`` to
    ``target`` (the same for every value, so worked out once), or ``None`` for units with an
    offset (temperatures), which are converted value by value. Raises :class:`UnitError` for
    units of different dimensions."""
    if parse_unit(unit).dimensionality != parse_unit(target).dimensionality:
        convert(Decimal(1), unit, target)  # raises the UnitError naming both
    if "°" in unit + target or "deg" in (unit + target).lower() or "℃" in unit + target:
        return None
    return convert(Decimal(1), unit, target)


@dataclass
class Placed:
    """The rows of one enterprise placed against its compiled plan (see :func:`place`)."""

    compiled: CompiledPlan
    reporting_month: int
    structure: list[Finding] = field(default_factory=list)
    units: list[Finding] = field(default_factory=list)
    #: Rows that fit the plan (their unit may still be wrong).
    rows: list[LedgerRow] = field(default_factory=list)
    #: Row number → value in the canonical unit (rows whose unit fits).
    values: dict[int, Decimal] = field(default_factory=dict)
    #: (stream, parameter) → period key → rows of that period, in row order.
    periods: dict[Key, dict[int, list[LedgerRow]]] = field(default_factory=dict)
    #: (stream, parameter) → annual-total rows (month ``YYYY``), in row order.
    annual: dict[Key, list[LedgerRow]] = field(default_factory=dict)

    @property
    def year(self) -> int:
        """The plan's year."""
        return self.compiled.plan.year

    def parameter(self, key: Key) -> CompiledParameter:
        """The compiled parameter of ``key``."""
        return self.compiled.streams[key[0]].parameters[key[1]]

    def effective(self, key: Key) -> dict[int, LedgerRow]:
        """Period key → the period's first row (whatever its unit)."""
        return {k: rows[0] for k, rows in self.periods.get(key, {}).items()}

    def monthly(self, key: Key) -> dict[int, tuple[LedgerRow, Decimal]]:
        """Month (1-12, up to the reporting month) → the effective row and its canonical value
        that apply to it: a quarterly or annual measurement applies to every month of its period.
        Rows whose unit does not fit are left out."""
        period = self.parameter(key).period
        out: dict[int, tuple[LedgerRow, Decimal]] = {}
        for number, row in self.effective(key).items():
            value = self.values.get(row.row)
            if value is None:
                continue
            for month in _months(number, period, self.reporting_month):
                out[month] = (row, value)
        return out


def _months(number: int, period: str, last: int) -> range:
    if period == "quarter":
        return range(3 * number - 2, min(3 * number, last) + 1)
    if period == "year":
        return range(1, last + 1)
    return range(number, number + 1) if number <= last else range(0)


def place(compiled: CompiledPlan, rows: Iterable[LedgerRow], reporting_month: int = 12) -> Placed:
    """Place one enterprise's rows against its compiled plan (see the module docstring).

    Structure findings (the ``structure`` check) and unit findings (the ``units`` check) are
    collected with the error severity; :func:`~citycarbon.accounting.monitoring.checks.run_checks`
    gives them the configured one.
    """
    plan = compiled.plan
    placed = Placed(compiled, reporting_month)
    ent = plan.enterprise
    for row in sorted(rows, key=lambda r: r.row):

        def structure(code: str, field_name: str, value: object, **params: Any) -> None:
            placed.structure.append(
                finding(code, "error", field=field_name, value=value, at=row, **params)  # noqa: B023
            )

        if row.enterprise != ent:
            structure(
                "wrong_enterprise", "enterprise", row.enterprise, given=row.enterprise, expected=ent
            )
            continue
        if row.year != plan.year:
            structure("wrong_year", "month", row.month, year=plan.year)
            continue
        stream = compiled.streams.get(row.stream)
        if stream is None:
            structure("stream_unknown", "stream", row.stream, known=", ".join(compiled.streams))
            continue
        if row.facility and row.facility != stream.stream.facility:
            structure(
                "facility_mismatch", "facility", row.facility, expected=stream.stream.facility
            )
        parameter = stream.parameters.get(row.parameter)
        if parameter is None or not parameter.measured:
            structure(
                "parameter_unplanned", "parameter", row.parameter, known=", ".join(stream.measured)
            )
            continue
        if row.annual and not parameter.additive:
            structure("annual_not_additive", "month", row.month)
            continue
        if not row.annual and row.month_number > reporting_month:
            structure(
                "after_reporting_month",
                "month",
                row.month,
                reporting=f"{plan.year:04d}-{reporting_month:02d}",
            )
            continue
        placed.rows.append(row)
        key = (row.stream, row.parameter)
        if row.annual:
            placed.annual.setdefault(key, []).append(row)
        else:
            number = period_key(row.month_number, parameter.period)
            placed.periods.setdefault(key, {}).setdefault(number, []).append(row)
        _convert(placed, row, parameter)
    return placed


def _convert(
    placed: Placed,
    row: LedgerRow,
    parameter: CompiledParameter,
) -> None:
    try:
        placed.values[row.row] = convert_value(row.value, row.unit, parameter)
    except UnitError:
        try:
            parse_unit(row.unit)
        except UnitError as unknown:
            placed.units.append(
                finding(
                    "unit_unknown",
                    "error",
                    field="unit",
                    value=row.unit,
                    reason=str(unknown),
                    at=row,
                )
            )
            return
        units = parameter.unit if parameter.field.kind != "fraction" else "% or fraction"
        placed.units.append(
            finding(
                "unit_dimension",
                "error",
                field="unit",
                value=row.unit,
                unit=row.unit,
                units=units,
                at=row,
            )
        )
