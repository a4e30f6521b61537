"""The monitoring plan (监测计划): what an enterprise measures, how, how often, by which standard.

A plan belongs to one enterprise and one year and follows one sector guideline. Its *source
streams* (排放源流) are each one line of the guideline: a source type (fuel combustion, purchased
electricity, carbonate decomposition …) at a facility, with its choices (the fuel, the carbonate)
and, for every parameter of the source type, how it is determined:

* ``measured`` — entered in the monthly ledger, by a ``method`` (meter, weighbridge, lab analysis,
  supplier invoice …) at a ``frequency`` (continuous … monthly, quarterly, annual), to a
  ``standard`` (GB/T 213 for calorific value, GB/T 476 for carbon …), in a ``unit``;
* ``default`` — the factor library's default for the guideline, region and year (the accounting
  kernel looks it up, with its provenance);
* ``fixed`` — one value for the year written in the plan (a design value, a supplier's
  specification), with its unit.

Production output is a stream of ``kind: production`` with one measured parameter ``output``.
Purchased and exported electricity and heat are ordinary streams of the source types
``purchased_electricity`` … as the guideline has them.

:func:`validate_plan` checks a plan against the sector guideline and the source types and returns
:class:`~citycarbon.accounting.monitoring.findings.Finding` records; :func:`compile_plan` turns a
valid plan into what the checks and the annual report need (each parameter's canonical unit, how
it is aggregated over the months).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Any, Final, Literal

import yaml

from citycarbon.accounting.bulk.batch import canonical_unit as _canonical_unit
from citycarbon.accounting.model import Field, SourceType
from citycarbon.accounting.monitoring.findings import Finding, finding
from citycarbon.accounting.sectors import sectors
from citycarbon.accounting.sources import SOURCE_TYPES
from citycarbon.factors.regions import regions
from citycarbon.units import UnitError
from citycarbon.units.registry import parse_unit

__all__ = [
    "BASES",
    "ELEMENT_CARBON",
    "FREQUENCIES",
    "METHODS",
    "OUTPUT",
    "CompiledParameter",
    "CompiledPlan",
    "CompiledStream",
    "Facility",
    "MonitoringPlan",
    "ParameterPlan",
    "SourceStream",
    "compile_plan",
    "period_of",
    "validate_plan",
    "weights_spec",
]

Basis = Literal["measured", "default", "fixed"]
BASES: Final = ("measured", "default", "fixed")

#: How a parameter is measured: id → (中文, English).
METHODS: Final[dict[str, tuple[str, str]]] = {
    "meter": ("计量仪表（电表、热量表、燃气表）", "meter (electricity, heat, gas)"),
    "flow_meter": ("流量计", "flow meter"),
    "weighbridge": ("地磅/轨道衡", "weighbridge"),
    "belt_scale": ("皮带秤", "belt scale"),
    "tank_gauge": ("储罐液位计量", "tank gauge"),
    "stock_balance": (
        "盘存法（购入+期初库存−期末库存）",
        "stock balance (bought + opening − closing)",
    ),
    "supplier_invoice": ("供应商结算凭证/发票", "supplier invoice or settlement"),
    "lab_analysis": ("实验室化验分析", "laboratory analysis"),
    "online_analyser": ("在线分析仪", "online analyser"),
    "supplier_test": ("供应商检测报告", "supplier's test report"),
    "production_record": ("生产记录/统计报表", "production record"),
    "calculation": ("计算", "calculation"),
    "design_value": ("设计值/铭牌值", "design or nameplate value"),
}

#: How often a parameter is measured: id → (中文, English, ledger period).
FREQUENCIES: Final[dict[str, tuple[str, str, str]]] = {
    "continuous": ("连续计量", "continuous", "month"),
    "per_batch": ("每批次", "per batch", "month"),
    "per_delivery": ("每批进厂", "per delivery", "month"),
    "daily": ("每日", "daily", "month"),
    "weekly": ("每周", "weekly", "month"),
    "monthly": ("每月", "monthly", "month"),
    "quarterly": ("每季度", "quarterly", "quarter"),
    "annual": ("每年", "annual", "year"),
}

#: Methods whose values need an evidence reference (a lab report) in the ledger.
LAB_METHODS: Final = ("lab_analysis", "online_analyser", "supplier_test")

OUTPUT: Final = "output"
ELEMENT_CARBON: Final = "element_carbon"

#: The production output of a production stream (its unit is the plan's).
_OUTPUT_FIELD: Final = Field(
    OUTPUT, "activity", "Production output", "产品产量", units=(), required=True
)
#: Element carbon of a fuel (mass fraction, GB/T 476), turned into carbon content per unit heat
#: month by month with the month's NCV.
_ELEMENT_CARBON_FIELD: Final = Field(
    ELEMENT_CARBON,
    "fraction",
    "Element carbon content (mass fraction, as received; GB/T 476)",
    "元素碳含量（收到基，质量分数）",
    units=("fraction",),
    maximum=Decimal(1),
)


@dataclass(frozen=True)
class ParameterPlan:
    """How one parameter of a stream is determined."""

    name: str
    basis: str = "measured"
    method: str = ""
    frequency: str = "monthly"
    standard: str = ""
    unit: str = ""
    value: Decimal | None = None
    note: str = ""

    def as_dict(self) -> dict[str, object]:
        """As plain data (the JSON form of the plan)."""
        record: dict[str, object] = {"basis": self.basis}
        if self.basis == "measured":
            record.update(method=self.method, frequency=self.frequency, unit=self.unit)
            if self.standard:
                record["standard"] = self.standard
        elif self.basis == "fixed":
            record.update(value=None if self.value is None else str(self.value), unit=self.unit)
            if self.method:
                record["method"] = self.method
        if self.note:
            record["note"] = self.note
        return record


@dataclass(frozen=True)
class Facility:
    """A facility (设施) of the enterprise: a unit, a kiln, a boiler house."""

    id: str
    name: str = ""


@dataclass(frozen=True)
class SourceStream:
    """A source stream: one source type of the guideline at a facility, or production output."""

    id: str
    facility: str
    source: str | None
    parameters: tuple[ParameterPlan, ...]
    choices: Mapping[str, str] = field(default_factory=dict)
    name: str = ""
    product: str = ""

    @property
    def kind(self) -> Literal["emission", "production"]:
        """``production`` for production output, else ``emission``."""
        return "production" if self.source is None else "emission"

    def parameter(self, name: str) -> ParameterPlan | None:
        """The plan of parameter ``name``, or ``None`` when the plan does not name it."""
        for item in self.parameters:
            if item.name == name:
                return item
        return None


@dataclass(frozen=True)
class MonitoringPlan:
    """An enterprise's monitoring plan for one year under one sector guideline."""

    enterprise: str
    year: int
    sector: str
    streams: tuple[SourceStream, ...]
    facilities: tuple[Facility, ...] = ()
    region: str | None = None
    name: str = ""
    version: str = ""

    def stream(self, stream_id: str) -> SourceStream | None:
        """The stream ``stream_id``, or ``None``."""
        for item in self.streams:
            if item.id == stream_id:
                return item
        return None


def period_of(frequency: str) -> str:
    """The ledger period of a frequency: ``month``, ``quarter`` or ``year``."""
    entry = FREQUENCIES.get(frequency)
    return entry[2] if entry else "month"


# --------------------------------------------------------------------------------------------
# Weights (data/monitoring/weights.yaml)


@cache
def weights_spec() -> dict[str, dict[str, Any]]:
    """How each source type's fields are aggregated over the months (``weights.yaml``)."""
    path = resources.files("citycarbon.accounting") / "data" / "monitoring" / "weights.yaml"
    data = yaml.safe_load(path.read_text("utf-8"))["sources"]
    for source_id, entry in data.items():
        source = SOURCE_TYPES.get(source_id)
        if source is None:
            raise ValueError(f"weights.yaml: unknown source {source_id!r}")
        names = {f.name for f in source.fields}
        for name, factors in (entry.get("weights") or {}).items():
            for term in [name, *(p for f in factors for p in str(f).split("+"))]:
                if term not in names:
                    raise ValueError(f"weights.yaml: {source_id} has no field {term!r}")
    return dict(data)


def _weights(source: SourceType, name: str) -> tuple[tuple[str, ...], ...]:
    entry = weights_spec().get(source.id, {})
    factors = (entry.get("weights") or {}).get(name)
    if factors is None:
        factors = ["quantity"] if any(f.name == "quantity" for f in source.fields) else []
    return tuple(tuple(str(f).split("+")) for f in factors)


# --------------------------------------------------------------------------------------------
# Validation


def _fields(stream: SourceStream) -> dict[str, Field]:
    """The parameters a stream can have: its source type's numeric fields (and element carbon
    for fuels), or the output of a production stream."""
    if stream.source is None:
        return {OUTPUT: _OUTPUT_FIELD}
    source = SOURCE_TYPES[stream.source]
    fields = {f.name: f for f in source.fields if f.kind != "choice"}
    if source.id == "fuel_combustion":
        fields[ELEMENT_CARBON] = _ELEMENT_CARBON_FIELD
    return fields


@cache
def canonical_unit(units: tuple[str, ...], name: str, unit: str) -> str:
    """The unit of ``units`` with the dimension of ``unit`` (memoised; plans repeat units)."""
    return _canonical_unit(units, name, unit)


def _unit_problem(spec: Field, unit: str) -> tuple[str, dict[str, str]] | None:
    """Why ``unit`` does not fit ``spec`` (code and params), or ``None``."""
    return _unit_problem_of(spec.units, spec.kind, spec.name, unit)


@cache
def _unit_problem_of(
    units: tuple[str, ...], kind: str, name: str, unit: str
) -> tuple[str, dict[str, str]] | None:
    try:
        parse_unit(unit)
    except UnitError as exc:
        return "plan_unit_unknown", {"reason": str(exc)}
    if kind == "fraction" and unit.strip().lower() not in {"%", "fraction", "percent"}:
        return "plan_unit_dimension", {"unit": unit, "name": name, "units": "% or fraction"}
    if not units:
        return None
    try:
        canonical_unit(units, name, unit)
    except UnitError:
        return "plan_unit_dimension", {"unit": unit, "name": name, "units": " or ".join(units)}
    return None


def validate_plan(plan: MonitoringPlan) -> list[Finding]:
    """Every problem of a plan, as findings (errors block; warnings are shown).

    Checks the sector guideline and region, facilities and stream ids, that each stream's source
    type is in the guideline, its choices, and each parameter: known to the source type, a known
    basis, method and frequency, a unit of the right dimension, a value when fixed, a default
    that exists when defaulted; activity data measured; required parameters planned; a lab
    analysis naming its standard (warning).
    """
    out: list[Finding] = []
    ent = plan.enterprise or None

    def add(code: str, severity: Literal["error", "warning"] = "error", **kw: Any) -> None:
        out.append(finding(code, severity, enterprise=ent, **kw))

    if not plan.enterprise:
        add("plan_enterprise_missing", field="enterprise")
    known_sectors = sectors()
    sector = known_sectors.get(plan.sector)
    if sector is None:
        add(
            "plan_sector_unknown", field="sector", value=plan.sector, known=", ".join(known_sectors)
        )
    if plan.region is not None and plan.region not in regions():
        add("plan_region_unknown", field="region", value=plan.region, known=", ".join(regions()))
    facility_ids = [f.id for f in plan.facilities]
    for fid in sorted({f for f in facility_ids if facility_ids.count(f) > 1}):
        add("plan_facility_duplicate", field="facilities", value=fid)
    if not plan.streams:
        add("plan_no_streams", field="streams")
    seen: set[str] = set()
    for index, stream in enumerate(plan.streams):
        where = f"streams[{index}]"
        if stream.id in seen:
            add("plan_stream_duplicate", field=f"{where}.id", value=stream.id, stream=stream.id)
        seen.add(stream.id)
        if plan.facilities and stream.facility not in facility_ids:
            add(
                "plan_facility_unknown",
                field=f"{where}.facility",
                value=stream.facility,
                stream=stream.id,
                known=", ".join(facility_ids),
            )
        out.extend(_validate_stream(plan, stream, where, sector is not None))
    return out


def _validate_stream(
    plan: MonitoringPlan, stream: SourceStream, where: str, sector_known: bool
) -> list[Finding]:
    out: list[Finding] = []
    ent, sid = plan.enterprise or None, stream.id

    def add(code: str, severity: Literal["error", "warning"] = "error", **kw: Any) -> None:
        out.append(finding(code, severity, enterprise=ent, stream=sid, **kw))

    if stream.source is not None:
        source = SOURCE_TYPES.get(stream.source)
        if source is None:
            add(
                "plan_source_unknown",
                field=f"{where}.source",
                value=stream.source,
                known=", ".join(sorted(SOURCE_TYPES)),
            )
            return out
        sector = sectors().get(plan.sector)
        if sector_known and sector is not None and sector.treatment(source.id) is None:
            add(
                "plan_source_not_in_sector",
                field=f"{where}.source",
                value=source.id,
                sector=sector.id,
                source=source.id,
                known=", ".join(s.source for s in sector.sources),
            )
        for spec in source.fields:
            if spec.kind != "choice":
                continue
            options = spec.choices() if spec.choices else ()
            chosen = stream.choices.get(spec.name)
            if chosen is None:
                if spec.required:
                    add(
                        "plan_choice_missing",
                        field=f"{where}.{spec.name}",
                        source=source.id,
                        name=spec.name,
                        known=", ".join(options),
                    )
            elif options and chosen not in options:
                add(
                    "plan_choice_unknown",
                    field=f"{where}.{spec.name}",
                    value=chosen,
                    name=spec.name,
                    known=", ".join(options),
                )
        for name in stream.choices:
            if all(f.name != name or f.kind != "choice" for f in source.fields):
                add(
                    "plan_field_unknown",
                    field=f"{where}.{name}",
                    value=stream.choices[name],
                    source=source.id,
                    name=name,
                    known=", ".join(f.name for f in source.fields),
                )
    fields = _fields(stream)
    label = stream.source or "production"
    names = [p.name for p in stream.parameters]
    for item in stream.parameters:
        at = f"{where}.parameters.{item.name}"
        known = fields.get(item.name)
        if known is None:
            add(
                "plan_field_unknown",
                field=at,
                value=item.name,
                source=label,
                name=item.name,
                known=", ".join(fields),
            )
            continue
        out.extend(_validate_parameter(plan, stream, item, known, at))
    if stream.source is None:
        planned = stream.parameter(OUTPUT)
        if planned is None or planned.basis != "measured":
            add("plan_production_output", field=f"{where}.parameters.{OUTPUT}")
        return out
    for spec in fields.values():
        if spec.name in names or spec.name == ELEMENT_CARBON:
            continue
        if spec.name == "carbon_content" and ELEMENT_CARBON in names:
            continue
        if spec.required and spec.default is None:
            code = "plan_activity_basis" if spec.kind == "activity" else "plan_field_required"
            add(
                code,
                field=f"{where}.parameters.{spec.name}",
                source=label,
                name=spec.name,
            )
    if ELEMENT_CARBON in names:
        ncv = stream.parameter("ncv")
        quantity = stream.parameter("quantity")
        if (
            ncv is None
            or ncv.basis != "measured"
            or "carbon_content" in names
            or quantity is None
            or quantity.unit.strip() in {"GJ", "TJ", "MJ"}
        ):
            add("plan_element_carbon", field=f"{where}.parameters.{ELEMENT_CARBON}")
    return out


def _validate_parameter(
    plan: MonitoringPlan, stream: SourceStream, item: ParameterPlan, spec: Field, at: str
) -> list[Finding]:
    out: list[Finding] = []
    ent, sid = plan.enterprise or None, stream.id

    def add(code: str, severity: Literal["error", "warning"] = "error", **kw: Any) -> None:
        out.append(finding(code, severity, enterprise=ent, stream=sid, parameter=item.name, **kw))

    if item.basis not in BASES:
        add("plan_basis_unknown", field=f"{at}.basis", value=item.basis, known=", ".join(BASES))
        return out
    if spec.kind == "activity" and item.basis != "measured":
        add("plan_activity_basis", field=f"{at}.basis", value=item.basis, name=item.name)
        return out
    if item.basis == "default":
        if spec.default is None:
            add(
                "plan_no_default",
                field=f"{at}.basis",
                value="default",
                name=item.name,
                source=stream.source or "production",
            )
        return out
    if item.method and item.method not in METHODS:
        add(
            "plan_method_unknown", field=f"{at}.method", value=item.method, known=", ".join(METHODS)
        )
    units = " or ".join(spec.units) if spec.units else "any unit"
    if not item.unit:
        add("plan_unit_missing", field=f"{at}.unit", units=units)
    else:
        problem = _unit_problem(spec, item.unit)
        if problem is not None:
            add(problem[0], "error", field=f"{at}.unit", value=item.unit, **dict(problem[1]))
    if item.basis == "fixed":
        if item.value is None:
            add("plan_fixed_value", field=f"{at}.value")
        return out
    if item.frequency not in FREQUENCIES:
        add(
            "plan_frequency_unknown",
            field=f"{at}.frequency",
            value=item.frequency,
            known=", ".join(FREQUENCIES),
        )
    elif spec.kind == "activity" and period_of(item.frequency) != "month":
        add("plan_frequency_activity", field=f"{at}.frequency", frequency=item.frequency)
    if item.method == "lab_analysis" and not item.standard:
        add("plan_standard_missing", "warning", field=f"{at}.standard")
    return out


# --------------------------------------------------------------------------------------------
# Compiled plan: what checks and the annual report need


@dataclass(frozen=True)
class CompiledParameter:
    """A parameter of a stream as the checks and the annual report use it.

    ``unit`` is the canonical unit values are converted to (the formula's unit; for production
    output the plan's unit); ``additive`` whether monthly values are summed (activity data) or
    weighted; ``weights`` the factors of the weight (each a tuple of fields summed); ``period``
    the ledger period (``month``, ``quarter``, ``year``).
    """

    plan: ParameterPlan
    field: Field
    unit: str
    additive: bool
    weights: tuple[tuple[str, ...], ...]
    period: str

    @property
    def name(self) -> str:
        """The parameter's name."""
        return self.plan.name

    @property
    def measured(self) -> bool:
        """Whether the ledger carries it."""
        return self.plan.basis == "measured"


@dataclass(frozen=True)
class CompiledStream:
    """A stream with its parameters compiled (measured, fixed and default).

    ``measured``: the parameters the ledger carries, in plan order; ``subject``: what range rules
    key on (the stream's first choice — the fuel … —, a production stream's product, or ``*``).
    """

    stream: SourceStream
    source: SourceType | None
    parameters: Mapping[str, CompiledParameter]
    measured: tuple[str, ...] = ()
    subject: str = "*"


def _subject(stream: SourceStream, source: SourceType | None) -> str:
    if source is None:
        return stream.product or "*"
    for spec in source.fields:
        if spec.kind == "choice" and spec.name in stream.choices:
            return stream.choices[spec.name]
    return "*"


@dataclass(frozen=True)
class CompiledPlan:
    """A valid plan ready for checks and aggregation."""

    plan: MonitoringPlan
    streams: Mapping[str, CompiledStream]


@cache
def _implicit_defaults(source_id: str) -> tuple[tuple[str, CompiledParameter], ...]:
    """The fields of a source type that take a default when a plan does not name them."""
    return tuple(
        (spec.name, _compile_parameter(source_id, ParameterPlan(spec.name, "default")))
        for spec in SOURCE_TYPES[source_id].fields
        if spec.kind != "choice" and spec.default is not None
    )


@cache
def _compile_parameter(source_id: str | None, item: ParameterPlan) -> CompiledParameter:
    """One parameter compiled (memoised: plans repeat the same parameter plans)."""
    if source_id is None:
        spec = _OUTPUT_FIELD
    elif item.name == ELEMENT_CARBON:
        spec = _ELEMENT_CARBON_FIELD
    else:
        spec = SOURCE_TYPES[source_id].field(item.name)
    if item.basis == "default":
        unit = ""
    elif not spec.units:
        unit = item.unit
    else:
        unit = canonical_unit(spec.units, spec.name, item.unit)
    weights = () if source_id is None else _weights(SOURCE_TYPES[source_id], item.name)
    if item.name == ELEMENT_CARBON:
        weights = (("quantity",),)
    return CompiledParameter(
        plan=item,
        field=spec,
        unit=unit,
        additive=spec.kind == "activity",
        weights=weights,
        period="month" if item.basis != "measured" else period_of(item.frequency),
    )


def compile_plan(plan: MonitoringPlan) -> CompiledPlan:
    """Compile a valid plan (see :func:`validate_plan`; raises ``ValueError`` on an invalid one)."""
    errors = [f for f in validate_plan(plan) if f.severity == "error"]
    if errors:
        raise ValueError("the plan is not valid: " + "; ".join(e.describe() for e in errors))
    streams: dict[str, CompiledStream] = {}
    for stream in plan.streams:
        source = SOURCE_TYPES.get(stream.source) if stream.source else None
        compiled: dict[str, CompiledParameter] = {}
        for item in stream.parameters:
            compiled[item.name] = _compile_parameter(stream.source, item)
        if source is not None:
            for name, default in _implicit_defaults(source.id):
                replaced = name == "carbon_content" and ELEMENT_CARBON in compiled
                if name not in compiled and not replaced:
                    compiled[name] = default
        measured = tuple(k for k, v in compiled.items() if v.plan.basis == "measured")
        streams[stream.id] = CompiledStream(
            stream, source, compiled, measured, _subject(stream, source)
        )
    return CompiledPlan(plan, streams)
