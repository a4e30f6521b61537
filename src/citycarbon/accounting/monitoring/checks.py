"""The checks on a monthly ledger: one small validator per check, configured by data.

Each validator takes one enterprise's rows placed against its plan (:class:`~citycarbon.
accounting.monitoring.table.Placed`) and the configuration, and returns
:class:`~citycarbon.accounting.monitoring.findings.Finding` records. :func:`run_checks` runs those
the configuration enables, in :data:`~citycarbon.accounting.monitoring.config.CHECK_NAMES` order.
Values are compared exactly, as :class:`~decimal.Decimal` in the parameter's canonical unit; the
vectorised screening (:mod:`~citycarbon.accounting.monitoring.screening`) finds the same.
Messages state values in the plan's unit (:func:`~citycarbon.accounting.monitoring.table.
shown_unit`: what the enterprise enters), converted exactly.

=================  ========  ==============================================================
check              severity  finds
=================  ========  ==============================================================
structure          error     rows of another enterprise or year, unknown streams, unplanned
                             parameters, another facility, months after the reporting month
completeness       error     a measured parameter missing for a period up to the reporting month
duplicates         error     a second row for the same stream, parameter and period
units              error     an unknown unit, or one of another dimension than the plan's
negatives          error     negative values; values outside the source type's bounds
evidence           error     a lab value without its evidence reference
ranges             warning   outside the expected range (ranges.csv); outside the hard range: error
carbon_band        warning   a coal's carbon content per unit heat outside its plausible band
jumps              warning   a month-over-month change above the threshold
intensity          warning   emissions per unit of output outside the peers' range
annual_totals      error     months that do not add up to the annual total
=================  ========  ==============================================================
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import cache
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from citycarbon.accounting.monitoring.config import (
    CHECK_NAMES,
    CheckConfig,
    RangeRule,
    default_config,
    describe_band,
)
from citycarbon.accounting.monitoring.findings import Finding, finding, sort_findings
from citycarbon.accounting.monitoring.ledger import LedgerRow
from citycarbon.accounting.monitoring.plan import ELEMENT_CARBON, CompiledPlan, CompiledStream
from citycarbon.accounting.monitoring.table import (
    Placed,
    from_canonical,
    period_label,
    place,
    shown_unit,
)
from citycarbon.numbers import CONTEXT
from citycarbon.units import convert

__all__ = [
    "CHECKS",
    "PeerDistribution",
    "band_text",
    "band_unit",
    "check_annual_totals",
    "check_carbon_band",
    "check_completeness",
    "check_duplicates",
    "check_evidence",
    "check_intensity",
    "check_jumps",
    "check_negatives",
    "check_ranges",
    "check_structure",
    "check_units",
    "peer_bounds",
    "run_checks",
    "shown",
]

Validator = Callable[[Placed, CheckConfig], list[Finding]]

#: Carbon content per unit heat is stated in the unit the bands are printed in when the plan
#: has no unit for it (carbon from element carbon / NCV).
BAND_UNIT: Final = "tC/TJ"


def band_unit(stream: CompiledStream) -> str:
    """The unit a fuel's carbon content per unit heat is stated in: the plan's unit of its
    measured carbon content, else :data:`BAND_UNIT`."""
    parameter = stream.parameters.get("carbon_content")
    if parameter is not None and parameter.measured and parameter.plan.unit:
        return parameter.plan.unit
    return BAND_UNIT


@cache
def band_text(rule: RangeRule, table: str) -> str:
    """:func:`~citycarbon.accounting.monitoring.config.describe_band`, memoised (a ledger
    repeats the same few range rows)."""
    return describe_band(rule, table)


def shown(value: Decimal) -> str:
    """A value as a message shows it: plain notation, at most 6 decimals, no trailing zeros."""
    rounded = value.quantize(Decimal("0.000001"), context=CONTEXT) if abs(value) < 10**20 else value
    text = format(rounded.normalize(), "f")
    return "0" if text in ("-0", "") else text


def _with_severity(found: Iterable[Finding], config: CheckConfig, name: str) -> list[Finding]:
    severity = config.severity(name)
    return [f if f.severity == severity else replace(f, severity=severity) for f in found]


# --------------------------------------------------------------------------------------------
# The validators


def check_structure(placed: Placed, config: CheckConfig) -> list[Finding]:
    """Rows that do not fit the plan (found while placing them)."""
    return _with_severity(placed.structure, config, "structure")


def check_units(placed: Placed, config: CheckConfig) -> list[Finding]:
    """Units that are unknown or of another dimension than the plan's (found while placing)."""
    return _with_severity(placed.units, config, "units")


def check_completeness(placed: Placed, config: CheckConfig) -> list[Finding]:
    """Every measured parameter of every stream for every period up to the reporting month.

    A quarterly parameter is due for the quarters that have ended by the reporting month, an
    annual one in month 12. A parameter other than the stream's quantity is not due for a period
    whose quantity is zero in every month (nothing burnt, nothing to sample).
    """
    severity = config.severity("completeness")
    out: list[Finding] = []
    last = placed.reporting_month
    plan = placed.compiled.plan
    for stream_id, stream in placed.compiled.streams.items():
        quantity = placed.monthly((stream_id, "quantity")) if "quantity" in stream.measured else {}
        for name in stream.measured:
            parameter = stream.parameters[name]
            period = parameter.period
            due = {"month": range(1, last + 1), "quarter": range(1, last // 3 + 1)}.get(
                period, range(1, 2) if last == 12 else range(0)
            )
            present = placed.periods.get((stream_id, name), {})
            for number in due:
                if number in present:
                    continue
                if name != "quantity" and _idle(quantity, number, period, last):
                    continue
                label = period_label(plan.year, number, period)
                out.append(
                    finding(
                        "missing",
                        severity,
                        enterprise=plan.enterprise,
                        stream=stream_id,
                        parameter=name,
                        month=label,
                        period=label,
                    )
                )
    return out


def _idle(
    quantity: Mapping[int, tuple[LedgerRow, Decimal]], number: int, period: str, last: int
) -> bool:
    """Whether the stream's quantity is known and zero in every month of the period."""
    months = {"month": [number], "quarter": [3 * number - 2, 3 * number - 1, 3 * number]}.get(
        period, list(range(1, last + 1))
    )
    return all(m in quantity and quantity[m][1] == 0 for m in months)


def check_duplicates(placed: Placed, config: CheckConfig) -> list[Finding]:
    """A second (third …) row for the same stream, parameter and period; the first one counts."""
    severity = config.severity("duplicates")
    out: list[Finding] = []
    year = placed.year
    for (_, name), periods in placed.periods.items():
        period = placed.parameter((_, name)).period
        for number, rows in periods.items():
            for extra in rows[1:]:
                out.append(
                    finding(
                        "duplicate",
                        severity,
                        field="month",
                        value=extra.month,
                        at=extra,
                        period=period_label(year, number, period),
                        first=rows[0].row,
                    )
                )
    for rows in placed.annual.values():
        for extra in rows[1:]:
            out.append(
                finding(
                    "duplicate",
                    severity,
                    field="month",
                    value=extra.month,
                    at=extra,
                    period=extra.month,
                    first=rows[0].row,
                )
            )
    return out


def check_negatives(placed: Placed, config: CheckConfig) -> list[Finding]:
    """Negative values, and values outside the source type's own bounds (a rate above 100 %,
    a steam enthalpy below that of water at 20 °C)."""
    severity = config.severity("negatives")
    out: list[Finding] = []
    for row in placed.rows:
        if row.value < 0:
            out.append(finding("negative", severity, field="value", value=row.value, at=row))
            continue
        value = placed.values.get(row.row)
        if value is None:
            continue
        parameter = placed.parameter((row.stream, row.parameter))
        spec = parameter.field
        unit = shown_unit(parameter)
        if spec.minimum is not None and spec.minimum > 0 and value < spec.minimum:
            out.append(
                finding(
                    "outside_field_bounds",
                    severity,
                    field="value",
                    value=row.value,
                    at=row,
                    bound="at least",
                    limit=shown(from_canonical(spec.minimum, parameter)),
                    unit=unit,
                )
            )
        elif spec.maximum is not None and value > spec.maximum:
            out.append(
                finding(
                    "outside_field_bounds",
                    severity,
                    field="value",
                    value=row.value,
                    at=row,
                    bound="at most",
                    limit=shown(from_canonical(spec.maximum, parameter)),
                    unit=unit,
                )
            )
    return out


def check_evidence(placed: Placed, config: CheckConfig) -> list[Finding]:
    """Values measured by a method the configuration names (lab analysis …) need evidence."""
    settings = config["evidence"]
    methods = set(settings.option("methods", ()))
    out: list[Finding] = []
    for row in placed.rows:
        method = placed.parameter((row.stream, row.parameter)).plan.method
        if method in methods and not row.evidence:
            out.append(
                finding(
                    "evidence_missing",
                    settings.severity,
                    field="evidence",
                    at=row,
                    method=method,
                )
            )
    return out


def check_ranges(placed: Placed, config: CheckConfig) -> list[Finding]:
    """Values outside the expected range of their fuel and parameter valid in their month
    (``ranges.csv``, check ``range``): outside the band a finding of the configured severity
    (a warning), outside the hard band an error."""
    severity = config.severity("ranges")
    out: list[Finding] = []
    table = config.ranges
    for row in placed.rows:
        value = placed.values.get(row.row)
        if value is None or row.annual:
            continue
        stream = placed.compiled.streams[row.stream]
        parameter = stream.parameters[row.parameter]
        source = stream.stream.source or "production"
        rule = table.find(
            "range", source, stream.subject, row.parameter, row.year, row.month_number
        )
        if rule is None:
            continue
        low, high, hard_low, hard_high = rule.bounds(parameter.unit)
        fraction = parameter.field.kind == "fraction"
        unit = shown_unit(parameter)
        # The bounds as the message states them: in the shown unit (a rate's × 100).
        scale = Decimal(100) if fraction else Decimal(1)
        stated = rule.bounds(parameter.unit if fraction else unit)
        common: dict[str, Any] = {
            "field": "value",
            "value": row.value,
            "subject": stream.subject,
            "rule": rule.id,
            "band": band_text(rule, table.name),
            "unit": unit,
            "shown": shown(from_canonical(value, parameter)),
        }
        if (hard_low is not None and value < hard_low) or (
            hard_high is not None and value > hard_high
        ):
            out.append(
                finding(
                    "out_of_hard_range",
                    "error",
                    at=row,
                    **common,
                    low=_bound(stated[2], scale),
                    high=_bound(stated[3], scale),
                )
            )
        elif (low is not None and value < low) or (high is not None and value > high):
            out.append(
                finding(
                    "out_of_range",
                    severity,
                    at=row,
                    **common,
                    low=_bound(stated[0], scale),
                    high=_bound(stated[1], scale),
                )
            )
    return out


def _bound(value: Decimal | None, scale: Decimal) -> str:
    return "…" if value is None else shown(value * scale)


def carbon_per_heat(placed: Placed, stream_id: str) -> dict[int, tuple[LedgerRow, Decimal]]:
    """Month → (the carbon row, carbon content per unit heat [tC/GJ]) of a fuel stream: the
    measured carbon content, or the element carbon divided by the month's NCV."""
    stream = placed.compiled.streams[stream_id]
    if "carbon_content" in stream.measured:
        return placed.monthly((stream_id, "carbon_content"))
    if ELEMENT_CARBON not in stream.measured:
        return {}
    ncv = placed.monthly((stream_id, "ncv"))
    out: dict[int, tuple[LedgerRow, Decimal]] = {}
    for month, (row, carbon) in placed.monthly((stream_id, ELEMENT_CARBON)).items():
        if month in ncv and ncv[month][1] > 0:
            out[month] = (row, CONTEXT.divide(carbon, ncv[month][1]))
    return out


def check_carbon_band(placed: Placed, config: CheckConfig) -> list[Finding]:
    """A fuel's carbon content per unit heat outside the plausible band of that coal (``ranges.
    csv``, check ``carbon_band``), one finding per carbon row."""
    severity = config.severity("carbon_band")
    out: list[Finding] = []
    for stream_id, stream in placed.compiled.streams.items():
        if stream.stream.source != "fuel_combustion":
            continue
        seen: set[int] = set()
        for month, (row, value) in sorted(carbon_per_heat(placed, stream_id).items()):
            if row.row in seen:
                continue
            seen.add(row.row)
            rule = config.ranges.find(
                "carbon_band",
                "fuel_combustion",
                stream.subject,
                "carbon_content",
                placed.year,
                month,
            )
            if rule is None:
                continue
            low, high, _, _ = rule.bounds("tC/GJ")
            if (low is not None and value < low) or (high is not None and value > high):
                unit = band_unit(stream)
                low_shown, high_shown, _, _ = rule.bounds(unit)
                out.append(
                    finding(
                        "carbon_band",
                        severity,
                        field="value",
                        value=row.value,
                        at=row,
                        shown=shown(convert(value, "tC/GJ", unit)),
                        unit=unit,
                        subject=stream.subject,
                        rule=rule.id,
                        band=band_text(rule, config.ranges.name),
                        low=_bound(low_shown, Decimal(1)),
                        high=_bound(high_shown, Decimal(1)),
                    )
                )
    return out


def check_jumps(placed: Placed, config: CheckConfig) -> list[Finding]:
    """A monthly value that differs from the previous month's by more than the threshold (per
    parameter, else the default ``threshold_pct``) of the previous month's value."""
    settings = config["jumps"]
    default = Decimal(str(settings.option("threshold_pct", 50)))
    thresholds = {k: Decimal(str(v)) for k, v in (settings.option("parameters") or {}).items()}
    skip_zero = bool(settings.option("skip_zero", False))
    out: list[Finding] = []
    for (stream_id, name), periods in placed.periods.items():
        parameter = placed.parameter((stream_id, name))
        if parameter.period != "month":
            continue
        threshold = thresholds.get(name, default)
        for month in sorted(periods):
            previous_rows = periods.get(month - 1)
            if not previous_rows:
                continue
            row, before = periods[month][0], previous_rows[0]
            current, prior = placed.values.get(row.row), placed.values.get(before.row)
            if current is None or prior is None:
                continue
            if skip_zero and (current == 0 or prior == 0):
                continue
            change = current - prior
            if abs(change) * 100 <= threshold * abs(prior):
                continue
            pct = (
                "∞"
                if prior == 0
                else shown(CONTEXT.divide(change * 100, prior).quantize(Decimal("0.1")))
            )
            out.append(
                finding(
                    "jump",
                    settings.severity,
                    field="value",
                    value=row.value,
                    at=row,
                    change=pct,
                    previous=shown(from_canonical(prior, parameter)),
                    current=shown(from_canonical(current, parameter)),
                    unit=shown_unit(parameter),
                    threshold=shown(threshold),
                )
            )
    return out


def check_annual_totals(placed: Placed, config: CheckConfig) -> list[Finding]:
    """An annual total (month ``YYYY``) against the sum of its twelve months, when all twelve
    are there: a relative difference above ``tolerance_pct`` of the annual total."""
    settings = config["annual_totals"]
    tolerance = Decimal(str(settings.option("tolerance_pct", 0.5)))
    out: list[Finding] = []
    for key, rows in placed.annual.items():
        annual = placed.values.get(rows[0].row)
        months = placed.monthly(key)
        if annual is None or len(months) < 12:
            continue
        total = sum((v for _, v in months.values()), Decimal(0))
        difference = total - annual
        if abs(difference) * 100 <= tolerance * abs(annual):
            continue
        pct = (
            "∞"
            if annual == 0
            else shown(CONTEXT.divide(difference * 100, annual).quantize(Decimal("0.01")))
        )
        parameter = placed.parameter(key)
        unit = shown_unit(parameter)
        out.append(
            finding(
                "annual_mismatch",
                settings.severity,
                field="value",
                value=rows[0].value,
                at=rows[0],
                months=shown(from_canonical(total, parameter)),
                annual=shown(from_canonical(annual, parameter)),
                unit=unit,
                difference=pct,
                tolerance=shown(tolerance),
            )
        )
    return out


# --------------------------------------------------------------------------------------------
# Intensity against peers


@dataclass(frozen=True)
class PeerDistribution:
    """The emission intensities of an enterprise's peers (same sector, product and unit).

    ``values`` [tCO2e per unit of output]; statistics are floats.
    """

    sector: str
    product: str
    unit: str
    values: npt.NDArray[np.float64]

    @property
    def key(self) -> tuple[str, str, str]:
        """``(sector, product, unit)``."""
        return (self.sector, self.product, self.unit)


def peer_bounds(values: npt.NDArray[np.float64], config: CheckConfig) -> tuple[float, float] | None:
    """The interval outside which an intensity is flagged, or ``None`` when there are too few
    peers (fewer than ``min_peers``) or, for ``robust_z``, no spread (MAD 0).

    ``percentile``: the ``low_pct`` and ``high_pct`` percentiles (numpy's linear interpolation).
    ``robust_z``: median ± ``z_max`` · MAD / 0.6745, i.e. ``|0.6745 (x − median) / MAD| >
    z_max`` (Iglewicz and Hoaglin's modified z-score).
    """
    settings = config["intensity"]
    data = np.asarray(values, dtype=np.float64)
    data = data[np.isfinite(data)]
    if data.size < int(settings.option("min_peers", 10)):
        return None
    if settings.option("method", "percentile") == "robust_z":
        median = float(np.median(data))
        mad = float(np.median(np.abs(data - median)))
        if mad == 0:
            return None
        spread = float(settings.option("z_max", 3.5)) * mad / 0.6745
        return median - spread, median + spread
    low, high = np.percentile(
        data, [settings.option("low_pct", 5), settings.option("high_pct", 95)]
    )
    return float(low), float(high)


def _figure(value: float) -> str:
    return f"{value:.4g}"


def check_intensity(
    compiled: CompiledPlan,
    total_tco2e: Decimal,
    output: Decimal,
    peers: PeerDistribution,
    config: CheckConfig,
    *,
    month: str | None = None,
) -> list[Finding]:
    """Emissions per unit of output against the peers' distribution (see :func:`peer_bounds`)."""
    settings = config["intensity"]
    if not settings.enabled or output <= 0:
        return []
    bounds = peer_bounds(peers.values, config)
    if bounds is None:
        return []
    intensity = float(total_tco2e) / float(output)
    if bounds[0] <= intensity <= bounds[1]:
        return []
    method = str(settings.option("method", "percentile"))
    described = (
        f"p{settings.option('low_pct', 5)}–p{settings.option('high_pct', 95)}"
        if method == "percentile"
        else f"median ± {settings.option('z_max', 3.5)} robust z"
    )
    return [
        finding(
            "intensity_outlier",
            settings.severity,
            enterprise=compiled.plan.enterprise,
            month=month,
            field="intensity",
            value=_figure(intensity),
            intensity=_figure(intensity),
            unit=f"tCO2e/{peers.unit}",
            method=described,
            low=_figure(bounds[0]),
            high=_figure(bounds[1]),
            peers=int(np.isfinite(peers.values).sum()),
        )
    ]


# --------------------------------------------------------------------------------------------
# Running them


#: The validators by check name (``intensity`` needs the report: see :func:`run_checks`).
CHECKS: Final[dict[str, Validator]] = {
    "structure": check_structure,
    "completeness": check_completeness,
    "duplicates": check_duplicates,
    "units": check_units,
    "negatives": check_negatives,
    "evidence": check_evidence,
    "ranges": check_ranges,
    "carbon_band": check_carbon_band,
    "jumps": check_jumps,
    "annual_totals": check_annual_totals,
}


def run_checks(
    compiled: CompiledPlan,
    rows: Sequence[LedgerRow],
    *,
    reporting_month: int = 12,
    config: CheckConfig | None = None,
    placed: Placed | None = None,
) -> list[Finding]:
    """Every enabled check but intensity on one enterprise's rows, sorted.

    The intensity check needs the emissions and is run by
    :func:`~citycarbon.accounting.monitoring.annual.check_enterprise`, which builds the report.
    """
    if not 1 <= reporting_month <= 12:
        raise ValueError(f"reporting month {reporting_month} is not 1-12")
    config = config or default_config()
    placed = placed or place(compiled, rows, reporting_month)
    found: list[Finding] = []
    for name in CHECK_NAMES:
        validator = CHECKS.get(name)
        if validator is not None and config.enabled(name):
            found.extend(validator(placed, config))
    return sort_findings(found)
