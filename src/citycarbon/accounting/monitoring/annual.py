"""The annual report from the monitoring plan and the ledger, with each figure's derivation.

Each emission stream of the plan becomes one line of the accounting kernel's
:class:`~citycarbon.accounting.engine.ReportInput`, which
:func:`~citycarbon.accounting.engine.compute_report` computes by the sector guideline:

* **activity data** (the quantity, kiln dust, gas recovered …): the sum of the months;
* **measured parameters**: the weighted mean over the months, the weight of a month being the
  product of the factors ``data/monitoring/weights.yaml`` names (NCV by the fuel consumed, carbon
  content per unit heat by the heat, oxidation by the carbon …); a measured *element carbon* gives
  the carbon content per unit heat Σ FC·C / Σ FC·NCV. A quarterly or annual measurement applies
  to each month of its period. When every weight is zero the plain mean is taken;
* **fixed** parameters: the plan's value; **defaults**: left out, so the kernel takes the factor
  library's default with its provenance; **choices** (the fuel …): the plan's.

A stream whose quantity is zero over the period is left out (it emits nothing). Production
output is summed per production stream; the intensity is the total over the first production
stream's output. Every figure keeps a :class:`Derivation`: the method, the rows and months it
came from with their values and weights, the numerator and denominator of a weighted mean, and
for a default the factor library's row and value the report used. All arithmetic is exact
(Decimal, 34 digits).

A derivation's figures are in the parameter's canonical unit (the formula's: tC/GJ for carbon
content per unit heat); :attr:`Derivation.shown_unit` is the unit a verifier reads them in —
the plan's (what the enterprise entered), for carbon content without one the guideline's
customary tC/TJ, for a rate % — and :meth:`Derivation.shown` converts exactly.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any, Final

import numpy as np

from citycarbon.accounting.engine import LineInput, ReportInput, compute_report
from citycarbon.accounting.model import ReportError, ReportResult
from citycarbon.accounting.monitoring.checks import PeerDistribution, check_intensity, run_checks
from citycarbon.accounting.monitoring.config import CheckConfig, default_config
from citycarbon.accounting.monitoring.findings import Finding, blocking, finding, sort_findings
from citycarbon.accounting.monitoring.ledger import LedgerRow
from citycarbon.accounting.monitoring.plan import (
    ELEMENT_CARBON,
    OUTPUT,
    CompiledParameter,
    CompiledPlan,
    CompiledStream,
    MonitoringPlan,
    compile_plan,
)
from citycarbon.accounting.monitoring.table import Placed, convert_exactly, place, shown_unit
from citycarbon.factors import FactorError, FactorLibrary, default_library
from citycarbon.numbers import CONTEXT
from citycarbon.units import DEFAULT_METRIC, convert

__all__ = [
    "AnnualReport",
    "Derivation",
    "Part",
    "annual_report",
    "build_report",
    "check_enterprise",
    "check_ledger",
    "population_peers",
    "primary_output",
]


@dataclass(frozen=True, slots=True)
class Part:
    """One month's part in a figure: the row, its value in the canonical unit and its weight."""

    row: int
    month: str
    value: Decimal
    weight: Decimal | None = None

    def as_dict(self) -> dict[str, object]:
        """As plain data."""
        return {
            "row": self.row,
            "month": self.month,
            "value": str(self.value),
            "weight": None if self.weight is None else str(self.weight),
        }


#: The unit a figure is read in when the plan gives none: the guideline's customary unit.
CUSTOMARY_UNITS: Final = {"carbon_content": "tC/TJ", "oxidation": "%", "ncv": "GJ/t"}


@dataclass(frozen=True)
class Derivation:
    """How one figure of the annual report was made.

    ``method``: ``sum`` (activity data), ``weighted_mean``, ``mean`` (every weight zero),
    ``element_carbon`` (Σ FC·C / Σ FC·NCV), ``fixed`` (the plan's value), ``default`` (the factor
    library's, looked up by the kernel), ``choice``, or ``output`` (production, summed).

    ``value``, the parts' values and ``numerator`` are in ``unit`` (canonical); ``shown_unit``
    is the unit to read them in (see :meth:`shown`). ``factor`` is a default's factor library
    row as plain data (id, parameter, subject, value and unit as printed, guideline, source,
    status).
    """

    stream: str
    field: str
    method: str
    value: Decimal | str | None
    unit: str
    parts: tuple[Part, ...] = ()
    weights: tuple[str, ...] = ()
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    note: str = ""
    # How to read the figure, not part of what it is: left out of comparisons (a derivation read
    # back from its plain form without them equals the one built).
    shown_unit: str = dataclasses.field(default="", compare=False)
    factor: Mapping[str, str] | None = dataclasses.field(default=None, compare=False)

    def shown(self, value: Decimal) -> Decimal:
        """``value`` (in :attr:`unit`) converted exactly to :attr:`shown_unit` (26.0 tC/TJ for
        0.026 tC/GJ; 93 % for 0.93)."""
        if not self.shown_unit or not self.unit:
            return value
        return convert_exactly(value, self.unit, self.shown_unit)

    @property
    def part_unit(self) -> str:
        """The unit of the parts' values: element carbon is a rate (%, GB/T 476), the others
        are in the figure's own unit."""
        return "%" if self.method == "element_carbon" else self.shown_unit or self.unit

    def shown_parts(self) -> list[tuple[Decimal, Decimal | None]]:
        """Each month's value in :attr:`part_unit` and, for a weighted mean or element carbon,
        weight × value (what the numerator sums; for element carbon the tonnes of carbon,
        weight × rate)."""
        out: list[tuple[Decimal, Decimal | None]] = []
        for part in self.parts:
            if self.method == "element_carbon":
                value = CONTEXT.multiply(part.value, Decimal(100))
                product = None if part.weight is None else CONTEXT.multiply(part.weight, part.value)
            else:
                value = self.shown(part.value)
                product = (
                    CONTEXT.multiply(part.weight, value)
                    if part.weight is not None and self.method == "weighted_mean"
                    else None
                )
            out.append((value, product))
        return out

    def shown_dict(self) -> dict[str, object]:
        """The figures in :attr:`shown_unit` as plain data: ``unit``, ``value``, ``part_unit``,
        ``parts`` (each month's ``value`` and ``product``, see :meth:`shown_parts`) and the
        ``numerator`` and ``denominator`` whose quotient is the value: for a weighted mean
        Σ(weight × value) and Σ weight, for a plain mean Σ value and the number of months, for
        element carbon Σ FC·C [tC] and Σ FC·NCV [GJ] (a quotient in tC/GJ, then converted)."""
        value = self.value
        parts = self.shown_parts()
        numerator = self.numerator
        if self.method == "weighted_mean" and parts:
            numerator = Decimal(0)
            for _, product in parts:
                numerator = CONTEXT.add(numerator, product or Decimal(0))
        elif self.method == "mean" and parts:
            numerator = Decimal(0)
            for shown, _ in parts:
                numerator = CONTEXT.add(numerator, shown)
        return {
            "unit": self.shown_unit or self.unit,
            "value": str(self.shown(value)) if isinstance(value, Decimal) else None,
            "part_unit": self.part_unit,
            "parts": [
                {"value": str(v), "product": None if p is None else str(p)} for v, p in parts
            ],
            "numerator": None if numerator is None else str(numerator),
            "denominator": None if self.denominator is None else str(self.denominator),
        }

    def as_dict(self) -> dict[str, object]:
        """As plain data (decimals as strings); ``shown`` the figures in :attr:`shown_unit`."""
        return {
            "stream": self.stream,
            "field": self.field,
            "method": self.method,
            "value": None if self.value is None else str(self.value),
            "unit": self.unit,
            "weights": list(self.weights),
            "numerator": None if self.numerator is None else str(self.numerator),
            "denominator": None if self.denominator is None else str(self.denominator),
            "parts": [p.as_dict() for p in self.parts],
            "note": self.note,
            "shown": self.shown_dict(),
            "factor": None if self.factor is None else dict(self.factor),
        }


@dataclass(frozen=True)
class AnnualReport:
    """An enterprise's report built from its plan and ledger: the kernel's input, how each figure
    was derived, and the computed result (or the refusal)."""

    plan: MonitoringPlan
    through_month: int
    report: ReportInput | None
    line_streams: tuple[str, ...]
    derivations: tuple[Derivation, ...]
    omitted: tuple[str, ...]
    outputs: Mapping[str, Decimal]
    result: ReportResult | None = None
    refusal: ReportError | None = None
    findings: tuple[Finding, ...] = ()

    @property
    def computed(self) -> bool:
        """Whether the report was computed."""
        return self.result is not None

    @property
    def intensity(self) -> Decimal | None:
        """Total emissions per unit of the first production stream's output [tCO2e/unit]."""
        primary = primary_output(self.plan)
        if self.result is None or primary is None:
            return None
        output = self.outputs.get(primary[0])
        if not output:
            return None
        return CONTEXT.divide(self.result.total.value, output)

    @property
    def intensity_unit(self) -> str:
        """The unit of :attr:`intensity`: ``tCO2e/`` and the output's unit (``tCO2e/t``)."""
        primary = primary_output(self.plan)
        return f"tCO2e/{primary[2]}" if primary and primary[2] else "tCO2e/unit"

    def derivation(self, stream: str, field_name: str) -> Derivation:
        """The derivation of ``field_name`` of ``stream``."""
        for item in self.derivations:
            if item.stream == stream and item.field == field_name:
                return item
        raise KeyError((stream, field_name))


def primary_output(plan: MonitoringPlan) -> tuple[str, str, str] | None:
    """``(stream, product, unit)`` of the plan's first production stream, or ``None``."""
    for stream in plan.streams:
        if stream.source is None:
            output = stream.parameter(OUTPUT)
            return (stream.id, stream.product or stream.id, output.unit if output else "")
    return None


def _month_text(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def _weighted(
    placed: Placed,
    stream: CompiledStream,
    parameter: CompiledParameter,
    monthly: Mapping[int, tuple[LedgerRow, Decimal]],
) -> Derivation:
    """The weighted mean of a measured parameter over the months."""
    sid = stream.stream.id
    factors = [
        f
        for f in parameter.weights
        if all(n in stream.parameters and stream.parameters[n].measured for n in f)
    ]
    tables = {n: placed.monthly((sid, n)) for f in factors for n in f}
    parts: list[Part] = []
    numerator = denominator = Decimal(0)
    for month in sorted(monthly):
        row, value = monthly[month]
        weight = Decimal(1)
        for factor in factors:
            term = Decimal(0)
            for name in factor:
                entry = tables[name].get(month)
                term = CONTEXT.add(term, entry[1] if entry else Decimal(0))
            weight = CONTEXT.multiply(weight, term)
        parts.append(Part(row.row, _month_text(placed.year, month), value, weight))
        numerator = CONTEXT.add(numerator, CONTEXT.multiply(weight, value))
        denominator = CONTEXT.add(denominator, weight)
    names = tuple(" + ".join(f) for f in factors)
    if denominator == 0:
        total = sum((p.value for p in parts), Decimal(0))
        mean = CONTEXT.divide(total, Decimal(len(parts)))
        return Derivation(
            sid,
            parameter.name,
            "mean",
            mean,
            parameter.unit,
            tuple(parts),
            names,
            total,
            Decimal(len(parts)),
            "every weight is zero: the plain mean",
            shown_unit(parameter),
        )
    value = CONTEXT.divide(numerator, denominator)
    return Derivation(
        sid,
        parameter.name,
        "weighted_mean",
        value,
        parameter.unit,
        tuple(parts),
        names,
        numerator,
        denominator,
        shown_unit=shown_unit(parameter),
    )


def _element_carbon(placed: Placed, stream: CompiledStream) -> Derivation | None:
    """Carbon content per unit heat from element carbon: Σ FC·C / Σ FC·NCV [tC/GJ]."""
    sid = stream.stream.id
    carbon = placed.monthly((sid, ELEMENT_CARBON))
    quantity = placed.monthly((sid, "quantity"))
    ncv = placed.monthly((sid, "ncv"))
    parts: list[Part] = []
    numerator = denominator = Decimal(0)
    for month in sorted(carbon):
        row, value = carbon[month]
        mass = quantity[month][1] if month in quantity else Decimal(0)
        heat_value = ncv[month][1] if month in ncv else Decimal(0)
        parts.append(Part(row.row, _month_text(placed.year, month), value, mass))
        numerator = CONTEXT.add(numerator, CONTEXT.multiply(mass, value))
        denominator = CONTEXT.add(denominator, CONTEXT.multiply(mass, heat_value))
    if not parts or denominator == 0:
        return None
    value = CONTEXT.divide(numerator, denominator)
    unit = "tC/GJ"
    return Derivation(
        sid,
        "carbon_content",
        "element_carbon",
        value,
        unit,
        tuple(parts),
        ("quantity",),
        numerator,
        denominator,
        "Σ quantity × element carbon / Σ quantity × NCV",
        CUSTOMARY_UNITS["carbon_content"],
    )


def _factor_row(library: FactorLibrary, factor_id: str) -> dict[str, str] | None:
    try:
        row = library.get(factor_id)
    except FactorError:
        return None
    return {
        "id": row.id,
        "parameter": row.parameter,
        "subject": row.subject,
        "value": str(row.value),
        "unit": row.unit,
        "guideline": row.guideline,
        "source": row.source,
        "status": row.status,
    }


def _with_defaults(
    derivations: tuple[Derivation, ...],
    line_streams: Sequence[str],
    result: ReportResult,
    library: FactorLibrary | None,
) -> tuple[Derivation, ...]:
    """The derivations with each default's value as the report used it (canonical unit) and
    its factor library row; shown in the unit the row prints it in (the guideline's)."""
    used: dict[tuple[str, str], tuple[Decimal, str, str]] = {}
    for stream, line in zip(line_streams, result.lines, strict=True):
        for param in line.params:
            if param.origin == "default" and param.factor_id and isinstance(param.value, Decimal):
                used[(stream, param.name)] = (param.value, param.unit, param.factor_id)
    if not used:
        return derivations
    rows = library or default_library()
    out: list[Derivation] = []
    for item in derivations:
        found = used.get((item.stream, item.field)) if item.method == "default" else None
        if found is None:
            out.append(item)
            continue
        value, unit, factor_id = found
        factor = _factor_row(rows, factor_id)
        shown = factor["unit"] if factor else CUSTOMARY_UNITS.get(item.field, unit)
        out.append(replace(item, value=value, unit=unit, shown_unit=shown, factor=factor))
    return tuple(out)


def _line_value(name: str, value: Decimal, unit: str) -> tuple[str, Any]:
    if name == "quantity":
        return name, value
    return name, {"value": value, "unit": unit}


def build_report(
    compiled: CompiledPlan, placed: Placed
) -> tuple[
    ReportInput, tuple[str, ...], tuple[Derivation, ...], tuple[str, ...], dict[str, Decimal]
]:
    """The kernel's input from a placed ledger: ``(report, stream of each line, derivations,
    streams left out for want of activity, output per production stream)``.

    The ledger is taken as it is: run the checks first (:func:`annual_report` does).
    """
    plan = compiled.plan
    lines: list[LineInput] = []
    line_streams: list[str] = []
    derivations: list[Derivation] = []
    omitted: list[str] = []
    outputs: dict[str, Decimal] = {}
    for stream_id, stream in compiled.streams.items():
        if stream.source is None:
            monthly = placed.monthly((stream_id, OUTPUT))
            total = sum((v for _, v in monthly.values()), Decimal(0))
            outputs[stream_id] = total
            parts = tuple(Part(r.row, r.month, v) for _, (r, v) in sorted(monthly.items()))
            unit = stream.parameters[OUTPUT].unit
            derivations.append(
                Derivation(
                    stream_id,
                    OUTPUT,
                    "output",
                    total,
                    unit,
                    parts,
                    shown_unit=shown_unit(stream.parameters[OUTPUT]),
                )
            )
            continue
        own: list[Derivation] = []
        values: dict[str, Any] = {}
        for name, choice in stream.stream.choices.items():
            values[name] = choice
            own.append(Derivation(stream_id, name, "choice", choice, ""))
        for name, parameter in stream.parameters.items():
            basis = parameter.plan.basis
            if basis == "default":
                own.append(
                    Derivation(
                        stream_id,
                        name,
                        "default",
                        None,
                        "",
                        note="the factor library's default (see the report)",
                    )
                )
                continue
            if basis == "fixed":
                value = parameter.plan.value
                assert value is not None
                canonical = convert(value, parameter.plan.unit, parameter.unit)
                key, item = _line_value(name, canonical, parameter.unit)
                values[key] = item
                own.append(
                    Derivation(
                        stream_id,
                        name,
                        "fixed",
                        canonical,
                        parameter.unit,
                        note=f"the plan's value {value} {parameter.plan.unit}",
                        shown_unit=shown_unit(parameter),
                    )
                )
                continue
            if name == ELEMENT_CARBON:
                derived = _element_carbon(placed, stream)
                if derived is not None:
                    assert isinstance(derived.value, Decimal)
                    values["carbon_content"] = {"value": derived.value, "unit": derived.unit}
                    own.append(derived)
                continue
            monthly = placed.monthly((stream_id, name))
            if parameter.additive:
                total = Decimal(0)
                for _, amount in monthly.values():
                    total = CONTEXT.add(total, amount)
                parts = tuple(Part(r.row, r.month, v) for _, (r, v) in sorted(monthly.items()))
                own.append(
                    Derivation(
                        stream_id,
                        name,
                        "sum",
                        total,
                        parameter.unit,
                        parts,
                        shown_unit=shown_unit(parameter),
                    )
                )
                key, item = _line_value(name, total, parameter.unit)
                values[key] = item
                continue
            if not monthly:
                own.append(
                    Derivation(
                        stream_id,
                        name,
                        "default" if parameter.field.default else "missing",
                        None,
                        parameter.unit,
                        note="no measured value",
                    )
                )
                continue
            derived = _weighted(placed, stream, parameter, monthly)
            assert isinstance(derived.value, Decimal)
            key, item = _line_value(name, derived.value, parameter.unit)
            values[key] = item
            own.append(derived)
        if "quantity" in values and isinstance(values["quantity"], Decimal):
            values["quantity@given_unit"] = stream.parameters["quantity"].unit
            if values["quantity"] == 0:
                omitted.append(stream_id)
                derivations.extend(own)
                continue
        derivations.extend(own)
        lines.append(LineInput(stream.stream.source or "", values, stream_id))
        line_streams.append(stream_id)
    report = ReportInput(
        id=plan.enterprise,
        sector=plan.sector,
        year=plan.year,
        lines=tuple(lines),
        region=plan.region,
        enterprise=plan.name,
    )
    return report, tuple(line_streams), tuple(derivations), tuple(omitted), outputs


def annual_report(
    plan: MonitoringPlan | CompiledPlan,
    rows: Sequence[LedgerRow],
    *,
    through_month: int = 12,
    config: CheckConfig | None = None,
    metric: str = DEFAULT_METRIC,
    library: FactorLibrary | None = None,
    check: bool = True,
) -> AnnualReport:
    """Check the ledger and build and compute the report up to ``through_month``.

    With any blocking finding (``check=True``) nothing is built: the report carries the findings
    and neither input nor result. A report the kernel refuses carries its :class:`ReportError`.
    """
    compiled = plan if isinstance(plan, CompiledPlan) else compile_plan(plan)
    config = config or default_config()
    placed = place(compiled, rows, through_month)
    findings = (
        run_checks(compiled, rows, reporting_month=through_month, config=config, placed=placed)
        if check
        else []
    )
    if blocking(findings):
        return AnnualReport(
            compiled.plan, through_month, None, (), (), (), {}, findings=tuple(findings)
        )
    report, line_streams, derivations, omitted, outputs = build_report(compiled, placed)
    result: ReportResult | None = None
    refusal: ReportError | None = None
    try:
        result = compute_report(report, metric=metric, library=library)
    except ReportError as exc:
        refusal = exc
    if result is not None:
        derivations = _with_defaults(derivations, line_streams, result, library)
    return AnnualReport(
        compiled.plan,
        through_month,
        report,
        line_streams,
        derivations,
        omitted,
        outputs,
        result,
        refusal,
        tuple(findings),
    )


@dataclass(frozen=True)
class EnterpriseCheck:
    """Every finding for one enterprise, and the report the intensity check computed."""

    findings: tuple[Finding, ...]
    report: AnnualReport | None = None
    peers_key: tuple[str, str, str] | None = field(default=None)


def check_enterprise(
    plan: MonitoringPlan | CompiledPlan,
    rows: Sequence[LedgerRow],
    *,
    reporting_month: int = 12,
    config: CheckConfig | None = None,
    peers: Mapping[tuple[str, str, str], PeerDistribution] | None = None,
    metric: str = DEFAULT_METRIC,
    library: FactorLibrary | None = None,
) -> EnterpriseCheck:
    """Every enabled check on one enterprise, including intensity against ``peers`` (keyed by
    ``(sector, product, unit)``) when the ledger has no blocking finding and the report computes.
    """
    compiled = plan if isinstance(plan, CompiledPlan) else compile_plan(plan)
    config = config or default_config()
    annual = annual_report(
        compiled, rows, through_month=reporting_month, config=config, metric=metric, library=library
    )
    found = list(annual.findings)
    primary = primary_output(compiled.plan)
    key = None
    if primary is not None:
        key = (compiled.plan.sector, primary[1], primary[2])
    if (
        peers is not None
        and key is not None
        and key in peers
        and annual.result is not None
        and primary is not None
        and config.enabled("intensity")
    ):
        month = f"{compiled.plan.year:04d}-{reporting_month:02d}"
        found += check_intensity(
            compiled,
            annual.result.total.value,
            annual.outputs.get(primary[0], Decimal(0)),
            peers[key],
            config,
            month=month,
        )
    return EnterpriseCheck(tuple(sort_findings(found)), annual, key)


def population_peers(
    reports: Sequence[AnnualReport],
) -> dict[tuple[str, str, str], PeerDistribution]:
    """Peer distributions from a population of reports: the intensities of the computed reports
    with a positive output, grouped by ``(sector, product, unit)`` of the first production
    stream."""
    groups: dict[tuple[str, str, str], list[float]] = {}
    for item in reports:
        primary = primary_output(item.plan)
        if item.result is None or primary is None:
            continue
        output = item.outputs.get(primary[0], Decimal(0))
        if output <= 0:
            continue
        key = (item.plan.sector, primary[1], primary[2])
        groups.setdefault(key, []).append(float(item.result.total.value) / float(output))
    return {
        k: PeerDistribution(k[0], k[1], k[2], np.array(v, dtype=np.float64))
        for k, v in groups.items()
    }


@dataclass(frozen=True)
class LedgerCheck:
    """The checks of a ledger of many enterprises: per enterprise, and every finding."""

    enterprises: Mapping[str, EnterpriseCheck]
    findings: tuple[Finding, ...]
    peers: Mapping[tuple[str, str, str], PeerDistribution]


def check_ledger(
    plans: Sequence[MonitoringPlan | CompiledPlan],
    rows: Sequence[LedgerRow],
    *,
    reporting_month: int = 12,
    config: CheckConfig | None = None,
    peers: Mapping[tuple[str, str, str], PeerDistribution] | None = None,
    metric: str = DEFAULT_METRIC,
    library: FactorLibrary | None = None,
) -> LedgerCheck:
    """Check a ledger of many enterprises against their plans, enterprise by enterprise (exact).

    Rows of an enterprise without a plan give one ``enterprise_without_plan`` finding (at its
    first row); two plans for one enterprise raise :class:`ValueError`. The intensity check
    compares each enterprise with ``peers`` or, when none are given, with the population of this
    ledger (the enterprises whose report computes).
    """
    config = config or default_config()
    compiled = [p if isinstance(p, CompiledPlan) else compile_plan(p) for p in plans]
    twice = sorted(k for k, n in Counter(c.plan.enterprise for c in compiled).items() if n > 1)
    if twice:
        raise ValueError(f"two plans for enterprise(s) {', '.join(twice)}")
    by_enterprise: dict[str, list[LedgerRow]] = {}
    for row in rows:
        by_enterprise.setdefault(row.enterprise, []).append(row)
    known = {c.plan.enterprise for c in compiled}
    loose: list[Finding] = []
    if config.enabled("structure"):
        for enterprise, mine in by_enterprise.items():
            if enterprise not in known:
                first = min(mine, key=lambda r: r.row)
                loose.append(
                    finding(
                        "enterprise_without_plan",
                        config.severity("structure"),
                        row=first.row,
                        field="enterprise",
                        value=enterprise,
                        enterprise=enterprise,
                        stream=first.stream,
                        parameter=first.parameter,
                        month=first.month,
                    )
                )
    reports = {
        c.plan.enterprise: annual_report(
            c,
            by_enterprise.get(c.plan.enterprise, []),
            through_month=reporting_month,
            config=config,
            metric=metric,
            library=library,
        )
        for c in compiled
    }
    population = peers if peers is not None else population_peers(list(reports.values()))
    results: dict[str, EnterpriseCheck] = {}
    found = list(loose)
    for item in compiled:
        annual = reports[item.plan.enterprise]
        own = list(annual.findings)
        primary = primary_output(item.plan)
        key = None if primary is None else (item.plan.sector, primary[1], primary[2])
        if key is not None and key in population and annual.result is not None:
            assert primary is not None
            month = f"{item.plan.year:04d}-{reporting_month:02d}"
            own += check_intensity(
                item,
                annual.result.total.value,
                annual.outputs.get(primary[0], Decimal(0)),
                population[key],
                config,
                month=month,
            )
        results[item.plan.enterprise] = EnterpriseCheck(tuple(sort_findings(own)), annual, key)
        found.extend(own)
    return LedgerCheck(results, tuple(sort_findings(found)), population)
