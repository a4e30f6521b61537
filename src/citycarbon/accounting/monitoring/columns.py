"""The columnar forms for many enterprises: a ledger as arrays, and the plans as a lookup table.

:class:`LedgerColumns` holds a ledger of any number of enterprises as a struct of arrays (text as
integer codes into label tuples, values as float64 in the unit written), the form the server reads
from its database and the benchmarks generate. :class:`PlanTable` compiles the enterprises' plans
once: every *stream parameter* the plans measure (``sp``) with its canonical unit, ledger period,
bounds and the index of its stream's quantity, and the lookups from ``(enterprise, stream,
parameter)`` to it. :func:`place_columns` places the ledger against the table, vectorised, as
:func:`~citycarbon.accounting.monitoring.table.place` does one enterprise's rows: which rows fit,
their values in the canonical unit, the effective row of each period and the monthly matrix.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Final

import numpy as np
import numpy.typing as npt

from citycarbon.accounting.monitoring.ledger import LedgerRow
from citycarbon.accounting.monitoring.plan import (
    CompiledParameter,
    CompiledPlan,
    MonitoringPlan,
    compile_plan,
)
from citycarbon.accounting.monitoring.table import convert_value
from citycarbon.units import UnitError
from citycarbon.units.registry import parse_unit

__all__ = [
    "NONE",
    "PERIODS",
    "LedgerColumns",
    "PlacedColumns",
    "PlanTable",
    "codes",
    "place_columns",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

NONE: Final = -1
#: Ledger periods as codes.
PERIODS: Final = ("month", "quarter", "year")

#: Structure codes of :attr:`PlacedColumns.structure` (0: the row fits).
STRUCTURE_CODES: Final = (
    "",
    "enterprise_without_plan",
    "wrong_year",
    "stream_unknown",
    "parameter_unplanned",
    "annual_not_additive",
    "after_reporting_month",
)


def codes(values: Sequence[str]) -> tuple[npt.NDArray[np.int32], tuple[str, ...]]:
    """Text values as integer codes and the labels they index."""
    labels: dict[str, int] = {}
    out = np.fromiter((labels.setdefault(v, len(labels)) for v in values), np.int32, len(values))
    return out, tuple(labels)


@dataclass(frozen=True, eq=False)
class LedgerColumns:
    """A ledger as columns; text as codes into the label tuples, ``month`` 0 for annual totals."""

    row: IntArray
    enterprise: npt.NDArray[np.int32]
    enterprises: tuple[str, ...]
    stream: npt.NDArray[np.int32]
    streams: tuple[str, ...]
    parameter: npt.NDArray[np.int32]
    parameters: tuple[str, ...]
    unit: npt.NDArray[np.int32]
    units: tuple[str, ...]
    year: npt.NDArray[np.int32]
    month: npt.NDArray[np.int32]
    value: FloatArray
    evidence: BoolArray
    facility: npt.NDArray[np.int32] = field(default_factory=lambda: np.zeros(0, np.int32))
    facilities: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        size = len(self.row)
        if self.facility.shape[0] != size:
            object.__setattr__(self, "facility", np.full(size, NONE, dtype=np.int32))

    def __len__(self) -> int:
        return int(self.row.shape[0])

    @classmethod
    def from_rows(cls, rows: Sequence[LedgerRow]) -> LedgerColumns:
        """The columns of ``rows`` (values as floats of the exact values)."""
        enterprise, enterprises = codes([r.enterprise for r in rows])
        stream, streams = codes([r.stream for r in rows])
        parameter, parameters = codes([r.parameter for r in rows])
        unit, units = codes([r.unit for r in rows])
        facility, facilities = codes([r.facility for r in rows])
        if "" in facilities:
            blank = facilities.index("")
            facility = np.where(facility == blank, NONE, facility).astype(np.int32)
        return cls(
            row=np.fromiter((r.row for r in rows), np.int64, len(rows)),
            enterprise=enterprise,
            enterprises=enterprises,
            stream=stream,
            streams=streams,
            parameter=parameter,
            parameters=parameters,
            unit=unit,
            units=units,
            year=np.fromiter((r.year for r in rows), np.int32, len(rows)),
            month=np.fromiter((r.month_number for r in rows), np.int32, len(rows)),
            value=np.fromiter((float(r.value) for r in rows), np.float64, len(rows)),
            evidence=np.fromiter((bool(r.evidence) for r in rows), np.bool_, len(rows)),
            facility=facility,
            facilities=facilities,
        )


@dataclass(frozen=True, eq=False)
class PlanTable:
    """Compiled plans of many enterprises, with each measured stream parameter (``sp``) as a row.

    Streams (``stream_*``, all of them, production too) and measured stream parameters (``sp_*``)
    are numbered across all plans.
    """

    compiled: tuple[CompiledPlan, ...]
    index: dict[str, int]
    stream_plan: npt.NDArray[np.int32]
    stream_key: dict[tuple[str, str], int]
    stream_ids: tuple[str, ...]
    sp_stream: npt.NDArray[np.int32]
    sp_key: dict[tuple[str, str, str], int]
    sp_parameter: tuple[CompiledParameter, ...]
    sp_name: tuple[str, ...]
    sp_period: npt.NDArray[np.int8]
    sp_additive: BoolArray
    sp_fraction: BoolArray
    sp_minimum: FloatArray
    sp_maximum: FloatArray
    sp_quantity: npt.NDArray[np.int64]
    #: Per sp, the code of its unit class (field units, kind, canonical unit) into
    #: ``unit_classes`` (a representative parameter each): units are converted once per class.
    sp_unit_class: npt.NDArray[np.int64]
    unit_classes: tuple[CompiledParameter, ...]
    #: Per sp, the code of its range class (source, subject, parameter, unit, year).
    sp_range_class: npt.NDArray[np.int64]
    range_classes: tuple[tuple[str, str, str, str, int], ...]

    @property
    def plans(self) -> tuple[MonitoringPlan, ...]:
        """The plans, in table order."""
        return tuple(c.plan for c in self.compiled)

    def sp_of(self, plan: int, stream_id: str, name: str) -> int:
        """The sp of a parameter of a plan's stream, or :data:`NONE`."""
        return self.sp_key.get((self.compiled[plan].plan.enterprise, stream_id, name), NONE)

    @classmethod
    def from_plans(cls, plans: Sequence[MonitoringPlan | CompiledPlan]) -> PlanTable:
        """Compile every plan (each must be valid) and number streams and parameters."""
        compiled = tuple(p if isinstance(p, CompiledPlan) else compile_plan(p) for p in plans)
        index: dict[str, int] = {}
        for number, item in enumerate(compiled):
            if item.plan.enterprise in index:
                raise ValueError(f"two plans for enterprise {item.plan.enterprise!r}")
            index[item.plan.enterprise] = number
        stream_plan: list[int] = []
        stream_key: dict[tuple[str, str], int] = {}
        stream_ids: list[str] = []
        sp_stream: list[int] = []
        sp_key: dict[tuple[str, str, str], int] = {}
        sp_parameter: list[CompiledParameter] = []
        quantity_of: list[int] = []
        for number, item in enumerate(compiled):
            enterprise = item.plan.enterprise
            for stream_id, stream in item.streams.items():
                stream_index = len(stream_plan)
                stream_plan.append(number)
                stream_key[(enterprise, stream_id)] = stream_index
                stream_ids.append(stream_id)
                first = len(sp_parameter)
                for name in stream.measured:
                    sp_key[(enterprise, stream_id, name)] = len(sp_parameter)
                    sp_stream.append(stream_index)
                    sp_parameter.append(stream.parameters[name])
                quantity = sp_key.get((enterprise, stream_id, "quantity"), NONE)
                quantity_of.extend([quantity] * (len(sp_parameter) - first))
        unit_keys: dict[tuple[object, ...], int] = {}
        representatives: list[CompiledParameter] = []
        unit_class = []
        for p in sp_parameter:
            key = (p.field.units, p.field.kind, p.unit)
            if key not in unit_keys:
                unit_keys[key] = len(representatives)
                representatives.append(p)
            unit_class.append(unit_keys[key])
        range_keys: dict[tuple[str, str, str, str, int], int] = {}
        range_class = []
        for p, stream_index in zip(sp_parameter, sp_stream, strict=True):
            item = compiled[stream_plan[stream_index]]
            stream = item.streams[stream_ids[stream_index]]
            key5 = (
                stream.stream.source or "production",
                stream.subject,
                p.name,
                p.unit,
                item.plan.year,
            )
            range_class.append(range_keys.setdefault(key5, len(range_keys)))
        minimum = [
            float(p.field.minimum)
            if p.field.minimum is not None and p.field.minimum > 0
            else np.nan
            for p in sp_parameter
        ]
        maximum = [
            float(p.field.maximum) if p.field.maximum is not None else np.nan for p in sp_parameter
        ]
        return cls(
            compiled=compiled,
            index=index,
            stream_plan=np.array(stream_plan, dtype=np.int32),
            stream_key=stream_key,
            stream_ids=tuple(stream_ids),
            sp_stream=np.array(sp_stream, dtype=np.int32),
            sp_key=sp_key,
            sp_parameter=tuple(sp_parameter),
            sp_name=tuple(p.name for p in sp_parameter),
            sp_period=np.array([PERIODS.index(p.period) for p in sp_parameter], dtype=np.int8),
            sp_additive=np.array([p.additive for p in sp_parameter], dtype=np.bool_),
            sp_fraction=np.array(
                [p.field.kind == "fraction" for p in sp_parameter], dtype=np.bool_
            ),
            sp_minimum=np.array(minimum, dtype=np.float64),
            sp_maximum=np.array(maximum, dtype=np.float64),
            sp_quantity=np.array(quantity_of, dtype=np.int64),
            sp_unit_class=np.array(unit_class, dtype=np.int64),
            unit_classes=tuple(representatives),
            sp_range_class=np.array(range_class, dtype=np.int64),
            range_classes=tuple(range_keys),
        )


@dataclass(frozen=True, eq=False)
class PlacedColumns:
    """A ledger placed against a plan table (see :func:`place_columns`).

    Per row: ``plan`` (:data:`NONE` without a plan), ``sp`` (:data:`NONE` when the row does not
    fit), ``structure`` (a code of :data:`STRUCTURE_CODES`, 0 when it fits), ``facility_bad``,
    ``unit_status`` (0 fits, 1 unknown unit, 2 wrong dimension; only for placed rows),
    ``canonical`` (value in the canonical unit, NaN when the unit does not fit), ``period`` (the
    period key; 0 for annual totals) and ``first`` (the effective row of the row's period, as a
    position). Per sp: ``monthly`` (sp × 12 months, the effective value applying to each month,
    NaN when none), ``monthly_pos`` (its row position, :data:`NONE`), ``count`` (rows per sp and
    period key 1-12), ``annual_pos`` (the first annual-total row, :data:`NONE`).
    """

    ledger: LedgerColumns
    table: PlanTable
    reporting_month: int
    plan: npt.NDArray[np.int64]
    sp: npt.NDArray[np.int64]
    structure: npt.NDArray[np.int8]
    facility_bad: BoolArray
    unit_status: npt.NDArray[np.int8]
    canonical: FloatArray
    period: npt.NDArray[np.int64]
    first: npt.NDArray[np.int64]
    placed: BoolArray
    monthly: FloatArray
    monthly_pos: npt.NDArray[np.int64]
    count: npt.NDArray[np.int64]
    annual_pos: npt.NDArray[np.int64]
    unit_messages: dict[int, str] = field(default_factory=dict)


def _unit_factors(
    ledger: LedgerColumns, table: PlanTable, sp: npt.NDArray[np.int64], placed: BoolArray
) -> tuple[FloatArray, npt.NDArray[np.int8], dict[int, str]]:
    """Per row: the factor to the canonical unit and the unit status (0, 1 unknown, 2 dimension);
    per unit code the reason it is unknown."""
    factor = np.full(len(ledger), np.nan)
    status = np.zeros(len(ledger), dtype=np.int8)
    rows = np.flatnonzero(placed)
    if rows.size == 0:
        return factor, status, {}
    classes = len(table.unit_classes)
    pair = ledger.unit[rows].astype(np.int64) * classes + table.sp_unit_class[sp[rows]]
    unique, inverse = np.unique(pair, return_inverse=True)
    reasons: dict[int, str] = {}
    values = np.empty(unique.size)
    states = np.zeros(unique.size, dtype=np.int8)
    for k, key in enumerate(unique.tolist()):
        unit_code, class_index = divmod(int(key), classes)
        unit = ledger.units[unit_code]
        try:
            values[k] = float(convert_value(Decimal(1), unit, table.unit_classes[class_index]))
        except UnitError:
            values[k] = np.nan
            try:
                parse_unit(unit)
                states[k] = 2
            except UnitError as exc:
                states[k] = 1
                reasons[unit_code] = str(exc)
    factor[rows] = values[inverse]
    status[rows] = states[inverse]
    return factor, status, reasons


def _lookup(
    ledger: LedgerColumns, table: PlanTable
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Per row: plan index, stream index and sp (:data:`NONE` where unknown)."""
    plan_of_code = np.array([table.index.get(e, NONE) for e in ledger.enterprises], dtype=np.int64)
    plan = plan_of_code[ledger.enterprise] if len(ledger) else np.zeros(0, np.int64)
    n_streams, n_params = len(ledger.streams) + 1, len(ledger.parameters) + 1
    key = (
        ledger.enterprise.astype(np.int64) * n_streams + ledger.stream
    ) * n_params + ledger.parameter
    unique, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    stream = np.full(unique.size, NONE, dtype=np.int64)
    sp = np.full(unique.size, NONE, dtype=np.int64)
    for k, position in enumerate(first.tolist()):
        enterprise = ledger.enterprises[int(ledger.enterprise[position])]
        stream_id = ledger.streams[int(ledger.stream[position])]
        name = ledger.parameters[int(ledger.parameter[position])]
        stream[k] = table.stream_key.get((enterprise, stream_id), NONE)
        sp[k] = table.sp_key.get((enterprise, stream_id, name), NONE)
    return plan, stream[inverse], sp[inverse]


def place_columns(
    ledger: LedgerColumns, table: PlanTable, reporting_month: int = 12
) -> PlacedColumns:
    """Place a ledger against the plans, vectorised (see :class:`PlacedColumns`)."""
    size = len(ledger)
    plan, stream, sp = _lookup(ledger, table)
    plan_year = np.array([c.plan.year for c in table.compiled] + [0], dtype=np.int64)
    structure = np.zeros(size, dtype=np.int8)
    undecided = np.ones(size, dtype=np.bool_)

    def mark(condition: BoolArray, code: str) -> None:
        hit = condition & undecided
        structure[hit] = STRUCTURE_CODES.index(code)
        undecided[hit] = False

    mark(plan == NONE, "enterprise_without_plan")
    mark(ledger.year != plan_year[plan], "wrong_year")
    mark(stream == NONE, "stream_unknown")
    facility_bad = np.zeros(size, dtype=np.bool_)
    if ledger.facilities:
        stream_facility = [
            table.compiled[int(table.stream_plan[s])].streams[table.stream_ids[s]].stream.facility
            for s in range(len(table.stream_ids))
        ]
        code_of = {f: k for k, f in enumerate(ledger.facilities)}
        expected = np.array([code_of.get(f, -2) for f in stream_facility] + [-2], dtype=np.int64)
        given = ledger.facility != NONE
        facility_bad = undecided & given & (ledger.facility != expected[stream])
    mark(sp == NONE, "parameter_unplanned")
    additive = np.append(table.sp_additive, True)
    annual = ledger.month == 0
    mark(annual & ~additive[sp], "annual_not_additive")
    mark(~annual & (ledger.month > reporting_month), "after_reporting_month")
    placed = undecided
    factor, unit_status, reasons = _unit_factors(ledger, table, sp, placed)
    canonical = ledger.value * factor
    # Periods and effective rows.
    period_code = np.append(table.sp_period, 0)[sp]
    month = ledger.month.astype(np.int64)
    period = np.where(period_code == 1, (month - 1) // 3 + 1, np.where(period_code == 2, 1, month))
    period = np.where(annual, 0, period)
    n_sp = len(table.sp_parameter)
    group = np.where(placed, sp * 13 + period, -1)
    order = np.lexsort((ledger.row, group))
    sorted_group = group[order]
    starts = np.flatnonzero(np.r_[True, sorted_group[1:] != sorted_group[:-1]])
    lengths = np.diff(np.r_[starts, sorted_group.size])
    first = np.full(size, NONE, dtype=np.int64)
    first[order] = np.repeat(order[starts], lengths)
    first[~placed] = NONE
    count = np.zeros((n_sp, 13), dtype=np.int64)
    placed_rows = np.flatnonzero(placed)
    np.add.at(count, (sp[placed_rows], period[placed_rows]), 1)
    effective = placed & (first == np.arange(size)) & ~annual
    monthly = np.full((n_sp, 12), np.nan)
    monthly_pos = np.full((n_sp, 12), NONE, dtype=np.int64)
    for code in range(len(PERIODS)):
        rows = np.flatnonzero(effective & (period_code == code))
        if rows.size == 0:
            continue
        if code == 0:
            targets = [month[rows] - 1]
        elif code == 1:
            targets = [3 * (period[rows] - 1) + j for j in range(3)]
        else:
            targets = [np.full(rows.size, m, dtype=np.int64) for m in range(12)]
        for target in targets:
            keep = (target < reporting_month) & np.isfinite(canonical[rows])
            monthly[sp[rows[keep]], target[keep]] = canonical[rows[keep]]
            monthly_pos[sp[rows[keep]], target[keep]] = rows[keep]
    annual_pos = np.full(n_sp, NONE, dtype=np.int64)
    annual_rows = np.flatnonzero(placed & annual & (first == np.arange(size)))
    annual_pos[sp[annual_rows]] = annual_rows
    return PlacedColumns(
        ledger,
        table,
        reporting_month,
        plan,
        sp,
        structure,
        facility_bad,
        unit_status,
        canonical,
        period,
        first,
        placed,
        monthly,
        monthly_pos,
        count,
        annual_pos,
        {int(k): v for k, v in reasons.items()},
    )
