"""Recomputing many annual reports at once from their plans and ledgers (numpy).

What :func:`~citycarbon.accounting.monitoring.annual.build_report` does for one enterprise in
exact decimals — sums of activity data, weighted means of measured parameters, element carbon
over NCV, fixed values, defaults left to the factor library, streams without activity left out —
:func:`recompute` does for every enterprise of a placed ledger column by column, and hands the
result to :func:`citycarbon.accounting.bulk.compute_bulk` as a columnar batch. The totals agree
with the exact path to floating-point accuracy (about 1e-15 relative).

The per-source-type layout (:class:`LineLayout`: which stream parameter holds each field, its
weight factors, fixed values, choices) depends on the plans only and is built once per
:class:`~citycarbon.accounting.monitoring.columns.PlanTable`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Final

import numpy as np
import numpy.typing as npt

from citycarbon.accounting.bulk import BulkResult, ReportBatch, SourceBlock, compute_bulk
from citycarbon.accounting.bulk.batch import MISSING
from citycarbon.accounting.monitoring.annual import primary_output
from citycarbon.accounting.monitoring.columns import NONE, PlacedColumns, PlanTable
from citycarbon.accounting.monitoring.plan import (
    ELEMENT_CARBON,
    OUTPUT,
    CompiledStream,
    weights_spec,
)
from citycarbon.accounting.sources import SOURCE_TYPES
from citycarbon.factors import FactorLibrary
from citycarbon.units import DEFAULT_METRIC, convert

__all__ = ["FieldLayout", "LineLayout", "Recomputed", "layouts", "recompute"]

FloatArray = npt.NDArray[np.float64]
IndexArray = npt.NDArray[np.int64]

MEASURED: Final = 0
FIXED: Final = 1
DEFAULT: Final = 2
ABSENT: Final = 3


@dataclass(frozen=True, eq=False)
class FieldLayout:
    """One numeric field of a source type's streams: per stream its basis, its sp (measured),
    its fixed value, the index of its canonical unit among the field's units, and the weight
    factors (each a list of per-stream sp arrays summed, :data:`NONE` where not measured)."""

    name: str
    additive: bool
    basis: npt.NDArray[np.int8]
    sp: IndexArray
    fixed: FloatArray
    unit: npt.NDArray[np.int8]
    factors: tuple[tuple[IndexArray, ...], ...]


@dataclass(frozen=True, eq=False)
class LineLayout:
    """The emission streams of one source type across all plans."""

    source: str
    stream: IndexArray
    plan: IndexArray
    fields: tuple[FieldLayout, ...]
    choices: dict[str, tuple[npt.NDArray[np.int32], tuple[str, ...]]]
    element_carbon: tuple[IndexArray, IndexArray, IndexArray] | None
    quantity_sp: IndexArray


def layouts(table: PlanTable) -> dict[str, LineLayout]:
    """The line layout of every source type in the plans (plans only; build once per table).

    Streams whose compiled parameters are the same objects (plans repeat parameter plans, and
    compiling memoises them) share one signature: bases, fixed values and units are worked out
    once per signature; only the stream parameters' numbers are looked up per stream.
    """
    streams: dict[str, list[tuple[int, int, str]]] = {}
    for index, stream_id in enumerate(table.stream_ids):
        plan = int(table.stream_plan[index])
        stream = table.compiled[plan].streams[stream_id]
        if stream.source is not None:
            streams.setdefault(stream.source.id, []).append((index, plan, stream_id))
    return {source_id: _layout(table, source_id, items) for source_id, items in streams.items()}


def _layout(table: PlanTable, source_id: str, items: list[tuple[int, int, str]]) -> LineLayout:
    source = SOURCE_TYPES[source_id]
    compiled = [table.compiled[p].streams[s] for _, p, s in items]
    enterprise = [table.compiled[p].plan.enterprise for _, p, _ in items]
    signatures: dict[tuple[int, ...], int] = {}
    representatives: list[CompiledStream] = []
    signature = np.empty(len(items), dtype=np.int64)
    for k, stream in enumerate(compiled):
        key = tuple(id(p) for p in stream.parameters.values())
        if key not in signatures:
            signatures[key] = len(representatives)
            representatives.append(stream)
        signature[k] = signatures[key]
    sps: dict[str, IndexArray] = {}

    def sp_of(name: str) -> IndexArray:
        if name not in sps:
            sps[name] = np.array(
                [
                    table.sp_key.get((owner, c.stream.id, name), NONE)
                    for c, owner in zip(compiled, enterprise, strict=True)
                ],
                dtype=np.int64,
            )
        return sps[name]

    fields: list[FieldLayout] = []
    for spec in source.fields:
        if spec.kind == "choice":
            continue
        per = np.full(len(representatives), ABSENT, dtype=np.int8)
        fixed_per = np.full(len(representatives), np.nan)
        unit_per = np.full(len(representatives), MISSING, dtype=np.int8)
        for k, stream in enumerate(representatives):
            parameter = stream.parameters.get(spec.name)
            if parameter is None:
                continue
            if parameter.plan.basis == "default":
                per[k] = DEFAULT
                continue
            unit_per[k] = spec.units.index(parameter.unit) if spec.units else 0
            if parameter.plan.basis == "fixed":
                per[k] = FIXED
                value = parameter.plan.value
                assert value is not None
                fixed_per[k] = float(convert(value, parameter.plan.unit, parameter.unit))
            else:
                per[k] = MEASURED
        basis = per[signature]
        sp = sp_of(spec.name) if (per == MEASURED).any() else np.full(len(items), NONE)
        sp = np.where(basis == MEASURED, sp, NONE)
        factors = tuple(
            tuple(sp_of(name) for name in factor) for factor in _weights_of(source_id, spec.name)
        )
        fields.append(
            FieldLayout(
                spec.name,
                spec.kind == "activity",
                basis,
                sp,
                fixed_per[signature],
                unit_per[signature],
                factors,
            )
        )
    choices: dict[str, tuple[npt.NDArray[np.int32], tuple[str, ...]]] = {}
    for spec in source.fields:
        if spec.kind != "choice":
            continue
        labels: dict[str, int] = {}
        column = np.array(
            [
                labels.setdefault(c.stream.choices[spec.name], len(labels))
                if spec.name in c.stream.choices
                else MISSING
                for c in compiled
            ],
            dtype=np.int32,
        )
        if labels:
            choices[spec.name] = (column, tuple(labels))
    element = None
    if source_id == "fuel_combustion":
        carbon = sp_of(ELEMENT_CARBON)
        if (carbon != NONE).any():
            element = (carbon, sp_of("quantity"), sp_of("ncv"))
    return LineLayout(
        source=source_id,
        stream=np.array([i for i, _, _ in items], dtype=np.int64),
        plan=np.array([p for _, p, _ in items], dtype=np.int64),
        fields=tuple(fields),
        choices=choices,
        element_carbon=element,
        quantity_sp=sp_of("quantity"),
    )


def _weights_of(source_id: str, name: str) -> tuple[tuple[str, ...], ...]:
    entry = weights_spec().get(source_id, {})
    factors = (entry.get("weights") or {}).get(name, ["quantity"])
    return tuple(tuple(str(f).split("+")) for f in factors)


def _gather(monthly: FloatArray, sp: IndexArray) -> FloatArray:
    """Rows of ``monthly`` for ``sp`` (NaN rows where :data:`NONE`)."""
    out = np.full((sp.size, monthly.shape[1]), np.nan)
    have = sp != NONE
    out[have] = monthly[sp[have]]
    return out


def _measured_values(layout: FieldLayout, monthly: FloatArray, rows: IndexArray) -> FloatArray:
    """The annual value of a measured field for the streams ``rows`` (positions in the layout)."""
    values = _gather(monthly, layout.sp[rows])
    if layout.additive:
        summed: FloatArray = np.nansum(values, axis=1)
        return summed
    present = np.isfinite(values)
    weight = np.ones_like(values)
    for factor in layout.factors:
        sps = [names[rows] for names in factor]
        usable = np.all([s != NONE for s in sps], axis=0)
        term = np.zeros_like(values)
        for s in sps:
            term += np.nan_to_num(_gather(monthly, s), nan=0.0)
        weight = np.where(usable[:, None], weight * term, weight)
    weight = np.where(present, weight, 0.0)
    filled = np.where(present, values, 0.0)
    numerator = (weight * filled).sum(axis=1)
    denominator = weight.sum(axis=1)
    count = present.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(denominator != 0, numerator / denominator, filled.sum(axis=1) / count)
    result: FloatArray = np.where(count > 0, mean, np.nan)
    return result


@dataclass(frozen=True, eq=False)
class Recomputed:
    """Annual reports recomputed for the plans ``plans`` (positions in the plan table)."""

    plans: IndexArray
    result: BulkResult
    outputs: FloatArray

    @cached_property
    def position(self) -> dict[int, int]:
        """Plan index → row of :attr:`result`."""
        return {int(p): k for k, p in enumerate(self.plans.tolist())}


def recompute(
    placed: PlacedColumns,
    *,
    plans: IndexArray | None = None,
    layout: dict[str, LineLayout] | None = None,
    metric: str = DEFAULT_METRIC,
    library: FactorLibrary | None = None,
) -> Recomputed:
    """Recompute the annual reports (through the placement's reporting month) of ``plans``
    (default: all), through :func:`citycarbon.accounting.bulk.compute_bulk`."""
    table = placed.table
    chosen = np.arange(len(table.compiled), dtype=np.int64) if plans is None else np.asarray(plans)
    position = np.full(len(table.compiled), NONE, dtype=np.int64)
    position[chosen] = np.arange(chosen.size)
    monthly = placed.monthly
    layout = layout if layout is not None else layouts(table)
    blocks: dict[str, SourceBlock] = {}
    line_parts: list[tuple[str, IndexArray, IndexArray]] = []
    for source_id, item in layout.items():
        rows = np.flatnonzero(position[item.plan] != NONE)
        if rows.size == 0:
            continue
        quantity = item.quantity_sp[rows]
        totals = np.nansum(_gather(monthly, quantity), axis=1)
        keep = (quantity == NONE) | (totals != 0)
        rows = rows[keep]
        if rows.size:
            line_parts.append((source_id, rows, item.stream[rows]))
    # Line numbers: streams in plan order, per report.
    if line_parts:
        all_streams = np.concatenate([s for _, _, s in line_parts])
        owner = np.concatenate([position[layout[src].plan[r]] for src, r, _ in line_parts])
        order = np.lexsort((all_streams, owner))
        ranks = np.empty(order.size, dtype=np.int64)
        starts = np.r_[True, owner[order][1:] != owner[order][:-1]]
        group_start = np.maximum.accumulate(np.where(starts, np.arange(order.size), 0))
        ranks[order] = np.arange(order.size) - group_start + 1
    offset = 0
    for source_id, rows, _ in line_parts:
        item = layout[source_id]
        numbers: dict[str, FloatArray] = {}
        units: dict[str, npt.NDArray[np.int8]] = {}
        spec = SOURCE_TYPES[source_id]
        multi = {f.name for f in spec.fields if len(f.units) > 1}
        for field_layout in item.fields:
            basis = field_layout.basis[rows]
            column = np.full(rows.size, np.nan)
            measured = basis == MEASURED
            if measured.any():
                column[measured] = _measured_values(field_layout, monthly, rows[measured])
            fixed = basis == FIXED
            column[fixed] = field_layout.fixed[rows[fixed]]
            unit = np.where(np.isfinite(column), field_layout.unit[rows], MISSING).astype(np.int8)
            if np.isfinite(column).any():
                numbers[field_layout.name] = column
                if field_layout.name in multi:
                    units[field_layout.name] = unit
        if item.element_carbon is not None:
            carbon, quantity, ncv = (a[rows] for a in item.element_carbon)
            has = carbon != NONE
            if has.any():
                c = _gather(monthly, carbon[has])
                q = np.nan_to_num(_gather(monthly, quantity[has]), nan=0.0)
                h = np.nan_to_num(_gather(monthly, ncv[has]), nan=0.0)
                present = np.isfinite(c)
                numerator = np.where(present, q * np.nan_to_num(c), 0.0).sum(axis=1)
                denominator = np.where(present, q * h, 0.0).sum(axis=1)
                with np.errstate(invalid="ignore", divide="ignore"):
                    value = np.where(
                        (denominator != 0) & present.any(axis=1), numerator / denominator, np.nan
                    )
                column = numbers.get("carbon_content", np.full(rows.size, np.nan)).copy()
                column[has] = value
                numbers["carbon_content"] = column
        count = rows.size
        blocks[source_id] = SourceBlock(
            source=source_id,
            report=position[item.plan[rows]].astype(np.intp),
            line=ranks[offset : offset + count].astype(np.int32),
            numbers=numbers,
            units=units,
            choices={k: v[0][rows] for k, v in item.choices.items()},
            labels={k: v[1] for k, v in item.choices.items()},
        )
        offset += count
    compiled = [table.compiled[int(p)].plan for p in chosen.tolist()]
    sector_ids = tuple(dict.fromkeys(p.sector for p in compiled))
    region_ids = tuple(dict.fromkeys(p.region for p in compiled if p.region))
    batch = ReportBatch(
        ids=tuple(p.enterprise for p in compiled),
        sector=np.array([sector_ids.index(p.sector) for p in compiled], dtype=np.int32),
        sectors=sector_ids,
        year=np.array([p.year for p in compiled], dtype=np.int32),
        region=np.array(
            [region_ids.index(p.region) if p.region else MISSING for p in compiled], dtype=np.int32
        ),
        regions=region_ids,
        blocks=blocks,
    )
    result = compute_bulk(batch, metric=metric, library=library)
    outputs = np.full(chosen.size, np.nan)
    for k, plan in enumerate(compiled):
        primary = primary_output(plan)
        if primary is None:
            continue
        sp = table.sp_key.get((plan.enterprise, primary[0], OUTPUT), NONE)
        if sp != NONE:
            outputs[k] = float(np.nansum(monthly[sp]))
    return Recomputed(chosen, result, outputs)
