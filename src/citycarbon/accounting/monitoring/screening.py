"""Screening: every ledger check over many enterprises at once, vectorised.

:func:`screen` runs the checks of :mod:`~citycarbon.accounting.monitoring.checks` on a
:class:`~citycarbon.accounting.monitoring.columns.LedgerColumns` of any number of enterprises
against their :class:`~citycarbon.accounting.monitoring.columns.PlanTable`, with numpy: rows are
placed and converted once, the monthly values form a matrix (stream parameters × 12 months), and
each check is a few array operations. Then the annual reports of the enterprises without a
blocking finding are recomputed in bulk (:func:`~citycarbon.accounting.monitoring.recompute.
recompute`) for the intensity check against the peers.

It finds what :func:`~citycarbon.accounting.monitoring.annual.check_ledger` finds enterprise by
enterprise — the same codes on the same rows, stream parameters and months — comparing floats
where the exact path compares decimals (a value within about 1e-15 of a threshold may be judged
differently).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final, cast

import numpy as np
import numpy.typing as npt

from citycarbon.accounting.monitoring.annual import primary_output
from citycarbon.accounting.monitoring.checks import (
    PeerDistribution,
    band_text,
    band_unit,
    peer_bounds,
)
from citycarbon.accounting.monitoring.columns import (
    NONE,
    STRUCTURE_CODES,
    LedgerColumns,
    PlacedColumns,
    PlanTable,
    place_columns,
)
from citycarbon.accounting.monitoring.config import (
    CheckConfig,
    RangeRule,
    default_config,
)
from citycarbon.accounting.monitoring.findings import Finding, Severity, finding, sort_findings
from citycarbon.accounting.monitoring.plan import ELEMENT_CARBON, CompiledParameter
from citycarbon.accounting.monitoring.recompute import LineLayout, Recomputed, recompute
from citycarbon.accounting.monitoring.table import from_canonical, period_label, shown_unit
from citycarbon.factors import FactorLibrary
from citycarbon.units import DEFAULT_METRIC, convert

__all__ = ["Screening", "screen"]

FloatArray = npt.NDArray[np.float64]
IndexArray = npt.NDArray[np.int64]

_PERIOD_NAMES: Final = ("month", "quarter", "year")


def _fmt(value: float) -> str:
    """A float as a message shows it (at most 6 decimals)."""
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _shown(value: float, parameter: CompiledParameter) -> str:
    """A canonical value as a message states it: in the plan's unit (a rate in %)."""
    return _fmt(float(from_canonical(Decimal(repr(value)), parameter)))


def _stated(value: Decimal | None) -> str:
    return "…" if value is None else _fmt(float(value))


def _rules(config: CheckConfig) -> dict[str | None, RangeRule]:
    return {rule.id: rule for rule in config.ranges.rules}


@dataclass(frozen=True, eq=False)
class Screening:
    """The findings of a screening run, and what it computed on the way."""

    findings: tuple[Finding, ...]
    placed: PlacedColumns
    blocked: npt.NDArray[np.bool_]
    recomputed: Recomputed | None
    peers: Mapping[tuple[str, str, str], PeerDistribution]

    def counts(self) -> dict[str, int]:
        """Findings per code."""
        out: dict[str, int] = {}
        for item in self.findings:
            out[item.code] = out.get(item.code, 0) + 1
        return out


class _Out:
    """Collects findings on rows (by position in the ledger)."""

    def __init__(self, placed: PlacedColumns) -> None:
        self.placed = placed
        self.ledger = placed.ledger
        self.items: list[Finding] = []
        self.blocked = np.zeros(len(placed.table.compiled) + 1, dtype=np.bool_)

    def month_text(self, position: int) -> str:
        year, month = int(self.ledger.year[position]), int(self.ledger.month[position])
        return f"{year:04d}" if month == 0 else f"{year:04d}-{month:02d}"

    def row(self, code: str, severity: Severity, position: int, **params: Any) -> None:
        ledger = self.ledger
        self.items.append(
            finding(
                code,
                severity,
                row=int(ledger.row[position]),
                enterprise=ledger.enterprises[int(ledger.enterprise[position])],
                stream=ledger.streams[int(ledger.stream[position])],
                parameter=ledger.parameters[int(ledger.parameter[position])],
                month=self.month_text(position),
                **params,
            )
        )
        if severity == "error":
            self.blocked[int(self.placed.plan[position])] = True

    def rows(
        self,
        code: str,
        severity: Severity,
        positions: IndexArray,
        params: Callable[[int], dict[str, Any]],
    ) -> None:
        for position in positions.tolist():
            self.row(code, severity, position, **params(position))


def _value(ledger: LedgerColumns, position: int) -> str:
    return _fmt(float(ledger.value[position]))


def _structure(out: _Out, config: CheckConfig) -> None:
    placed, ledger, table = out.placed, out.ledger, out.placed.table
    severity = config.severity("structure")
    without = placed.structure == STRUCTURE_CODES.index("enterprise_without_plan")
    if without.any():
        positions = np.flatnonzero(without)
        order = np.lexsort((ledger.row[positions], ledger.enterprise[positions]))
        positions = positions[order]
        starts = np.r_[True, ledger.enterprise[positions][1:] != ledger.enterprise[positions][:-1]]
        for position in positions[starts].tolist():
            enterprise = ledger.enterprises[int(ledger.enterprise[position])]
            out.row(
                "enterprise_without_plan", severity, position, field="enterprise", value=enterprise
            )

    def plan_of(position: int) -> Any:
        return table.compiled[int(placed.plan[position])]

    messages: dict[str, Callable[[int], dict[str, Any]]] = {
        "wrong_year": lambda p: {
            "field": "month",
            "value": out.month_text(p),
            "year": plan_of(p).plan.year,
        },
        "stream_unknown": lambda p: {
            "field": "stream",
            "value": ledger.streams[int(ledger.stream[p])],
            "known": ", ".join(plan_of(p).streams),
        },
        "parameter_unplanned": lambda p: {
            "field": "parameter",
            "value": ledger.parameters[int(ledger.parameter[p])],
            "known": ", ".join(plan_of(p).streams[ledger.streams[int(ledger.stream[p])]].measured),
        },
        "annual_not_additive": lambda p: {"field": "month", "value": out.month_text(p)},
        "after_reporting_month": lambda p: {
            "field": "month",
            "value": out.month_text(p),
            "reporting": f"{plan_of(p).plan.year:04d}-{placed.reporting_month:02d}",
        },
    }
    facility = np.flatnonzero(placed.facility_bad)
    for position in facility.tolist():
        stream = plan_of(position).streams[ledger.streams[int(ledger.stream[position])]]
        out.row(
            "facility_mismatch",
            severity,
            position,
            field="facility",
            value=ledger.facilities[int(ledger.facility[position])],
            expected=stream.stream.facility,
        )
    for code, params in messages.items():
        positions = np.flatnonzero(placed.structure == STRUCTURE_CODES.index(code))
        out.rows(code, severity, positions, params)


def _units(out: _Out, config: CheckConfig) -> None:
    placed, ledger, table = out.placed, out.ledger, out.placed.table
    severity = config.severity("units")
    for position in np.flatnonzero(placed.placed & (placed.unit_status == 1)).tolist():
        unit = ledger.units[int(ledger.unit[position])]
        out.row(
            "unit_unknown",
            severity,
            position,
            field="unit",
            value=unit,
            reason=placed.unit_messages.get(int(ledger.unit[position]), ""),
        )
    for position in np.flatnonzero(placed.placed & (placed.unit_status == 2)).tolist():
        parameter = table.sp_parameter[int(placed.sp[position])]
        unit = ledger.units[int(ledger.unit[position])]
        units = parameter.unit if parameter.field.kind != "fraction" else "% or fraction"
        out.row(
            "unit_dimension", severity, position, field="unit", value=unit, unit=unit, units=units
        )


def _completeness(out: _Out, config: CheckConfig) -> None:
    placed, table = out.placed, out.placed.table
    severity = config.severity("completeness")
    last = placed.reporting_month
    quarters = last // 3
    for code, name in enumerate(_PERIOD_NAMES):
        sps = np.flatnonzero(table.sp_period == code)
        if sps.size == 0:
            continue
        due = {0: list(range(1, last + 1)), 1: list(range(1, quarters + 1))}.get(
            code, [1] if last == 12 else []
        )
        if not due:
            continue
        counts = placed.count[sps][:, due]
        missing = counts == 0
        quantity = table.sp_quantity[sps]
        exempt_possible = (quantity != NONE) & (np.array(table.sp_name)[sps] != "quantity")
        if exempt_possible.any():
            qpos = np.where(quantity == NONE, 0, quantity)
            known = placed.monthly_pos[qpos] != NONE
            zero = known & (np.nan_to_num(placed.monthly[qpos], nan=1.0) == 0)
            idle_month = np.zeros((sps.size, 12), dtype=np.bool_)
            idle_month[:, :last] = zero[:, :last]
            for k, number in enumerate(due):
                months = {0: [number - 1], 1: [3 * number - 3, 3 * number - 2, 3 * number - 1]}.get(
                    code, list(range(last))
                )
                idle = np.all(idle_month[:, months], axis=1) & exempt_possible
                missing[:, k] &= ~idle
        rows, cols = np.nonzero(missing)
        for r, c in zip(rows.tolist(), cols.tolist(), strict=True):
            sp = int(sps[r])
            stream = int(table.sp_stream[sp])
            plan = table.compiled[int(table.stream_plan[stream])].plan
            label = period_label(plan.year, due[c], name)
            out.items.append(
                finding(
                    "missing",
                    severity,
                    enterprise=plan.enterprise,
                    stream=table.stream_ids[stream],
                    parameter=table.sp_name[sp],
                    month=label,
                    period=label,
                )
            )
            if severity == "error":
                out.blocked[int(table.stream_plan[stream])] = True


def _duplicates(out: _Out, config: CheckConfig) -> None:
    placed, ledger, table = out.placed, out.ledger, out.placed.table
    severity = config.severity("duplicates")
    positions = np.flatnonzero(placed.placed & (placed.first != np.arange(len(ledger))))

    def params(p: int) -> dict[str, Any]:
        first = int(placed.first[p])
        sp = int(placed.sp[p])
        year = int(ledger.year[p])
        if ledger.month[p] == 0:
            period = f"{year:04d}"
        else:
            period = period_label(year, int(placed.period[p]), table.sp_parameter[sp].period)
        return {
            "field": "month",
            "value": out.month_text(p),
            "period": period,
            "first": int(ledger.row[first]),
        }

    out.rows("duplicate", severity, positions, params)


def _negatives(out: _Out, config: CheckConfig) -> None:
    placed, ledger, table = out.placed, out.ledger, out.placed.table
    severity = config.severity("negatives")
    negative = placed.placed & (ledger.value < 0)
    out.rows(
        "negative",
        severity,
        np.flatnonzero(negative),
        lambda p: {"field": "value", "value": _value(ledger, p)},
    )
    sp = np.where(placed.sp == NONE, 0, placed.sp)
    value = placed.canonical
    ok = placed.placed & ~negative & np.isfinite(value)
    low = ok & (value < table.sp_minimum[sp])
    high = ok & ~low & (value > table.sp_maximum[sp])
    for mask, bound, limits in (
        (low, "at least", table.sp_minimum),
        (high, "at most", table.sp_maximum),
    ):

        def params(p: int, bound: str = bound, limits: FloatArray = limits) -> dict[str, Any]:
            parameter = table.sp_parameter[int(placed.sp[p])]
            return {
                "field": "value",
                "value": _value(ledger, p),
                "bound": bound,
                "limit": _shown(float(limits[int(placed.sp[p])]), parameter),
                "unit": shown_unit(parameter),
            }

        out.rows("outside_field_bounds", severity, np.flatnonzero(mask), params)


def _evidence(out: _Out, config: CheckConfig) -> None:
    placed, ledger, table = out.placed, out.ledger, out.placed.table
    settings = config["evidence"]
    methods = set(settings.option("methods", ()))
    needs = np.array([p.plan.method in methods for p in table.sp_parameter] + [False])
    positions = np.flatnonzero(placed.placed & needs[placed.sp] & ~ledger.evidence)
    out.rows(
        "evidence_missing",
        settings.severity,
        positions,
        lambda p: {
            "field": "evidence",
            "method": table.sp_parameter[int(placed.sp[p])].plan.method,
        },
    )


def _bounds_table(
    table: PlanTable, config: CheckConfig, check: str, unit: str | None = None
) -> tuple[FloatArray, list[list[str | None]]]:
    """Per sp and month (sp × 12 × 4): low, high, hard low, hard high (NaN: none), and the rule
    ids (sp × 12). ``check`` ``carbon_band`` looks up carbon content per unit heat in ``unit``."""
    classes = table.range_classes
    bounds = np.full((len(classes), 12, 4), np.nan)
    ids: list[list[str | None]] = [[None] * 12 for _ in classes]
    for k, (source, subject, name, own_unit, year) in enumerate(classes):
        if check == "carbon_band":
            if source != "fuel_combustion":
                continue
            name, own_unit = "carbon_content", unit or own_unit
        for month in range(1, 13):
            rule = config.ranges.find(check, source, subject, name, year, month)
            if rule is None:
                continue
            values = rule.bounds(own_unit)
            bounds[k, month - 1] = [np.nan if v is None else float(v) for v in values]
            ids[k][month - 1] = rule.id
    per_sp = bounds[table.sp_range_class]
    return per_sp, [ids[int(c)] for c in table.sp_range_class.tolist()]


def _ranges(out: _Out, config: CheckConfig) -> None:
    placed, ledger, table = out.placed, out.ledger, out.placed.table
    bounds, ids = _bounds_table(table, config, "range")
    rows = np.flatnonzero(placed.placed & (ledger.month > 0) & np.isfinite(placed.canonical))
    sp, month = placed.sp[rows], ledger.month[rows] - 1
    value = placed.canonical[rows]
    low, high, hard_low, hard_high = (bounds[sp, month, k] for k in range(4))
    hard = (value < hard_low) | (value > hard_high)
    soft = ~hard & ((value < low) | (value > high))
    rules = _rules(config)
    for mask, code, severity, first in (
        (hard, "out_of_hard_range", "error", 2),
        (soft, "out_of_range", config.severity("ranges"), 0),
    ):
        for k in np.flatnonzero(mask).tolist():
            p = int(rows[k])
            parameter = table.sp_parameter[int(sp[k])]
            stream = table.compiled[int(placed.plan[p])].streams[
                ledger.streams[int(ledger.stream[p])]
            ]
            rule = rules[ids[int(sp[k])][int(month[k])]]
            unit = shown_unit(parameter)
            fraction = parameter.field.kind == "fraction"
            stated = rule.bounds(parameter.unit if fraction else unit)[first : first + 2]
            scale = Decimal(100) if fraction else Decimal(1)
            out.row(
                code,
                cast(Severity, severity),
                p,
                field="value",
                value=_value(ledger, p),
                subject=stream.subject,
                rule=rule.id,
                band=band_text(rule, config.ranges.name),
                unit=unit,
                shown=_shown(float(value[k]), parameter),
                low=_stated(None if stated[0] is None else stated[0] * scale),
                high=_stated(None if stated[1] is None else stated[1] * scale),
            )


def _carbon_band(out: _Out, config: CheckConfig) -> None:
    placed, ledger, table = out.placed, out.ledger, out.placed.table
    severity = config.severity("carbon_band")
    positions: list[np.ndarray[Any, Any]] = []
    values: list[FloatArray] = []
    carbon_sps: list[int] = []
    for index, stream_id in enumerate(table.stream_ids):
        plan = table.compiled[int(table.stream_plan[index])]
        stream = plan.streams[stream_id]
        if stream.stream.source != "fuel_combustion":
            continue
        enterprise = plan.plan.enterprise
        carbon = table.sp_key.get((enterprise, stream_id, "carbon_content"), NONE)
        if carbon != NONE:
            positions.append(placed.monthly_pos[carbon])
            values.append(placed.monthly[carbon])
            carbon_sps.append(carbon)
            continue
        element = table.sp_key.get((enterprise, stream_id, ELEMENT_CARBON), NONE)
        if element == NONE:
            continue
        ncv = table.sp_key.get((enterprise, stream_id, "ncv"), NONE)
        heat = placed.monthly[ncv] if ncv != NONE else np.full(12, np.nan)
        usable = (
            (placed.monthly_pos[element] != NONE) & np.isfinite(heat) & (np.nan_to_num(heat) > 0)
        )
        with np.errstate(invalid="ignore", divide="ignore"):
            ratio = placed.monthly[element] / heat
        positions.append(np.where(usable, placed.monthly_pos[element], NONE))
        values.append(np.where(usable, ratio, np.nan))
        carbon_sps.append(element)
    if not positions:
        return
    pos = np.stack(positions)
    val = np.stack(values)
    sps = np.array(carbon_sps, dtype=np.int64)
    bounds, ids = _bounds_table(table, config, "carbon_band", "tC/GJ")
    rules = _rules(config)
    flat_pos = pos.reshape(-1)
    have = np.flatnonzero(flat_pos != NONE)
    stream_k, month_k = np.divmod(have, 12)
    order = np.lexsort((month_k, flat_pos[have]))
    chosen = order[np.r_[True, flat_pos[have][order][1:] != flat_pos[have][order][:-1]]]
    for k in chosen.tolist():
        s, m = int(stream_k[k]), int(month_k[k])
        sp = int(sps[s])
        low, high = bounds[sp, m, 0], bounds[sp, m, 1]
        value = float(val[s, m])
        if not ((value < low) or (value > high)):
            continue
        p = int(pos[s, m])
        rule = rules[ids[sp][m]]
        stream = table.compiled[int(placed.plan[p])].streams[ledger.streams[int(ledger.stream[p])]]
        unit = band_unit(stream)
        low_shown, high_shown = rule.bounds(unit)[:2]
        out.row(
            "carbon_band",
            severity,
            p,
            field="value",
            value=_value(ledger, p),
            shown=_fmt(float(convert(Decimal(repr(value)), "tC/GJ", unit))),
            unit=unit,
            subject=stream.subject,
            rule=rule.id,
            band=band_text(rule, config.ranges.name),
            low=_stated(low_shown),
            high=_stated(high_shown),
        )


def _jumps(out: _Out, config: CheckConfig) -> None:
    placed, ledger, table = out.placed, out.ledger, out.placed.table
    settings = config["jumps"]
    default = float(settings.option("threshold_pct", 50))
    per = {k: float(v) for k, v in (settings.option("parameters") or {}).items()}
    skip_zero = bool(settings.option("skip_zero", False))
    sps = np.flatnonzero(table.sp_period == 0)
    threshold = np.array([per.get(table.sp_name[sp], default) for sp in sps.tolist()])
    last = placed.reporting_month
    current = placed.monthly[sps, 1:last]
    prior = placed.monthly[sps, : last - 1]
    pos = placed.monthly_pos[sps, 1:last]
    both = np.isfinite(current) & np.isfinite(prior)
    if skip_zero:
        both &= (np.nan_to_num(current) != 0) & (np.nan_to_num(prior) != 0)
    change = np.nan_to_num(current) - np.nan_to_num(prior)
    flagged = both & (np.abs(change) * 100 > threshold[:, None] * np.abs(np.nan_to_num(prior)))
    for r, c in zip(*np.nonzero(flagged), strict=True):
        p = int(pos[r, c])
        parameter = table.sp_parameter[int(sps[r])]
        before, now = float(prior[r, c]), float(current[r, c])
        pct = "∞" if before == 0 else _fmt(round((now - before) * 100 / before, 1))
        out.row(
            "jump",
            settings.severity,
            p,
            field="value",
            value=_value(ledger, p),
            change=pct,
            previous=_shown(before, parameter),
            current=_shown(now, parameter),
            unit=shown_unit(parameter),
            threshold=_fmt(float(threshold[r])),
        )


def _annual_totals(out: _Out, config: CheckConfig) -> None:
    placed, ledger, table = out.placed, out.ledger, out.placed.table
    settings = config["annual_totals"]
    tolerance = float(settings.option("tolerance_pct", 0.5))
    sps = np.flatnonzero(placed.annual_pos != NONE)
    if sps.size == 0:
        return
    positions = placed.annual_pos[sps]
    annual = placed.canonical[positions]
    months = placed.monthly[sps]
    complete = np.isfinite(months).sum(axis=1) == 12
    total = np.nansum(months, axis=1)
    difference = total - annual
    flagged = (
        complete & np.isfinite(annual) & (np.abs(difference) * 100 > tolerance * np.abs(annual))
    )
    for k in np.flatnonzero(flagged).tolist():
        p = int(positions[k])
        parameter = table.sp_parameter[int(sps[k])]
        pct = (
            "∞" if annual[k] == 0 else _fmt(round(float(difference[k]) * 100 / float(annual[k]), 2))
        )
        out.row(
            "annual_mismatch",
            settings.severity,
            p,
            field="value",
            value=_value(ledger, p),
            months=_shown(float(total[k]), parameter),
            annual=_shown(float(annual[k]), parameter),
            unit=shown_unit(parameter),
            difference=pct,
            tolerance=_fmt(tolerance),
        )


_CHECKS: Final[dict[str, Callable[[_Out, CheckConfig], None]]] = {
    "structure": _structure,
    "units": _units,
    "completeness": _completeness,
    "duplicates": _duplicates,
    "negatives": _negatives,
    "evidence": _evidence,
    "ranges": _ranges,
    "carbon_band": _carbon_band,
    "jumps": _jumps,
    "annual_totals": _annual_totals,
}


def screen(
    ledger: LedgerColumns,
    table: PlanTable,
    *,
    reporting_month: int = 12,
    config: CheckConfig | None = None,
    peers: Mapping[tuple[str, str, str], PeerDistribution] | None = None,
    layout: dict[str, LineLayout] | None = None,
    metric: str = DEFAULT_METRIC,
    library: FactorLibrary | None = None,
) -> Screening:
    """Run every enabled check over a ledger of many enterprises (see the module docstring).

    ``peers`` keyed by ``(sector, product, unit)``; without them the population screened is its
    own peer group (the enterprises whose reports compute).
    """
    if not 1 <= reporting_month <= 12:
        raise ValueError(f"reporting month {reporting_month} is not 1-12")
    config = config or default_config()
    placed = place_columns(ledger, table, reporting_month)
    out = _Out(placed)
    for name, check in _CHECKS.items():
        if config.enabled(name):
            check(out, config)
    blocked = out.blocked[:-1].copy()
    recomputed = None
    population: Mapping[tuple[str, str, str], PeerDistribution] = peers or {}
    if config.enabled("intensity"):
        chosen = np.flatnonzero(~blocked)
        recomputed = recompute(placed, plans=chosen, layout=layout, metric=metric, library=library)
        population = peers if peers is not None else _population(table, recomputed)
        _intensity(out, config, table, recomputed, population)
    return Screening(tuple(sort_findings(out.items)), placed, blocked, recomputed, population)


def _key(table: PlanTable, plan: int) -> tuple[str, str, str] | None:
    compiled = table.compiled[plan].plan
    primary = primary_output(compiled)
    return None if primary is None else (compiled.sector, primary[1], primary[2])


def _population(
    table: PlanTable, recomputed: Recomputed
) -> dict[tuple[str, str, str], PeerDistribution]:
    groups: dict[tuple[str, str, str], list[float]] = {}
    result = recomputed.result
    for k, plan in enumerate(recomputed.plans.tolist()):
        key = _key(table, int(plan))
        output = float(recomputed.outputs[k])
        if key is None or not result.computed[k] or not output > 0:
            continue
        groups.setdefault(key, []).append(float(result.total_tco2e[k]) / output)
    return {k: PeerDistribution(k[0], k[1], k[2], np.array(v)) for k, v in groups.items()}


def _intensity(
    out: _Out,
    config: CheckConfig,
    table: PlanTable,
    recomputed: Recomputed,
    peers: Mapping[tuple[str, str, str], PeerDistribution],
) -> None:
    settings = config["intensity"]
    method = str(settings.option("method", "percentile"))
    described = (
        f"p{settings.option('low_pct', 5)}–p{settings.option('high_pct', 95)}"
        if method == "percentile"
        else f"median ± {settings.option('z_max', 3.5)} robust z"
    )
    bounds = {k: peer_bounds(v.values, config) for k, v in peers.items()}
    result = recomputed.result
    for k, plan in enumerate(recomputed.plans.tolist()):
        key = _key(table, int(plan))
        output = float(recomputed.outputs[k])
        if key is None or key not in bounds or not result.computed[k] or not output > 0:
            continue
        interval = bounds[key]
        if interval is None:
            continue
        intensity = float(result.total_tco2e[k]) / output
        if interval[0] <= intensity <= interval[1]:
            continue
        compiled = table.compiled[int(plan)].plan
        out.items.append(
            finding(
                "intensity_outlier",
                settings.severity,
                enterprise=compiled.enterprise,
                month=f"{compiled.year:04d}-{out.placed.reporting_month:02d}",
                field="intensity",
                value=f"{intensity:.4g}",
                intensity=f"{intensity:.4g}",
                unit=f"tCO2e/{key[2]}",
                method=described,
                low=f"{interval[0]:.4g}",
                high=f"{interval[1]:.4g}",
                peers=int(np.isfinite(peers[key].values).sum()),
            )
        )
