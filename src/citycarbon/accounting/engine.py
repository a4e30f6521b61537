"""Computing enterprise reports: resolve every field of every line, refuse or compute.

A line's fields are resolved one by one: a value written in the line is *measured* (or the
*activity* data), converted exactly to the field's canonical unit; a value left out comes from the
factor library for the report's sector guideline, region and year and is a *default*, with the id
of its factor row. Every problem in a report is collected; a report with any problem is refused as
a whole and nothing of it is computed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, localcontext
from typing import Any

from citycarbon.accounting.model import (
    AccountingError,
    Field,
    LineResult,
    ParamUse,
    ReportError,
    ReportResult,
    Sector,
    SourceType,
    Value,
)
from citycarbon.accounting.sectors import sector as get_sector
from citycarbon.accounting.sources import source_type
from citycarbon.factors import FactorError, FactorLibrary, FactorRow, default_library
from citycarbon.factors.regions import region_chain
from citycarbon.numbers import CONTEXT, NumberError, to_decimal
from citycarbon.units import DEFAULT_METRIC, METRICS, CO2e, GWPError, UnitError, co2e, convert
from citycarbon.units.registry import parse_unit

__all__ = ["LineInput", "ReportInput", "compute_report", "compute_reports", "split_value"]


@dataclass(frozen=True)
class LineInput:
    """One line as given: the source type id and the raw field values."""

    source: str
    values: Mapping[str, Any]
    label: str = ""


@dataclass(frozen=True)
class ReportInput:
    """One enterprise-year report as given."""

    id: str
    sector: str
    year: int | None
    lines: Sequence[LineInput]
    region: str | None = None
    enterprise: str = ""

    @staticmethod
    def from_dict(data: Mapping[str, Any], index: int = 0) -> ReportInput:
        """Read one report of the interchange form (see ``docs/interchange.md``).

        The parsing lives in :mod:`citycarbon.accounting.interchange`, which reads JSON, YAML and
        the Excel template into the same normal form. A report without an id is called
        ``#<index + 1>``.

        Raises
        ------
        ReportError
            With every structural problem found (unknown key, sector or region, a year that is
            not a whole number, a line that is not an object …), each naming the report, line,
            field and value.
        """
        from citycarbon.accounting.interchange import report_from_mapping

        return report_from_mapping(data, index + 1, require_id=False)


def split_value(raw: Any) -> tuple[Any, str | None]:
    """A parameter as given: ``{"value": v, "unit": u}``, ``"v unit"`` or a bare number."""
    if isinstance(raw, Mapping):
        return raw.get("value"), (None if raw.get("unit") is None else str(raw.get("unit")))
    if isinstance(raw, str):
        text = raw.strip()
        number, _, unit = text.partition(" ")
        return number, unit.strip() or None
    return raw, None


def _canonical(field: Field, unit: str) -> str:
    """The canonical unit of ``field`` that ``unit`` converts to (same dimension)."""
    given = parse_unit(unit)
    for candidate in field.units:
        if parse_unit(candidate).dimensionality == given.dimensionality:
            return candidate
    wanted = " or ".join(field.units)
    raise UnitError(f"unit {unit!r} has the wrong dimension; {field.name} is in {wanted}")


class _LineResolver:
    def __init__(
        self,
        report: ReportInput,
        sector: Sector,
        library: FactorLibrary,
        number: int,
        line: LineInput,
        source: SourceType,
    ) -> None:
        self.report = report
        self.sector = sector
        self.library = library
        self.number = number
        self.line = line
        self.source = source
        self.errors: list[AccountingError] = []
        self.values: dict[str, Value] = {}
        self.params: list[ParamUse] = []

    def error(self, field: str | None, value: object, message: str) -> None:
        self.errors.append(
            AccountingError(
                message, report=self.report.id, line=self.number, field=field, value=value
            )
        )

    def resolve(self) -> None:
        known = {f.name for f in self.source.fields} | {"quantity@given_unit"}
        for name in self.line.values:
            if name not in known:
                self.error(
                    name,
                    self.line.values[name],
                    f"{self.source.id} has no field {name!r}; fields: "
                    + ", ".join(f.name for f in self.source.fields),
                )
        for field in self.source.fields:
            self._resolve_field(field)
        if not self.errors and self.source.check is not None:
            for name, message in self.source.check(self.values):
                self.error(name, self.line.values.get(name), message)

    def _resolve_field(self, field: Field) -> None:
        raw = self.line.values.get(field.name)
        if field.kind == "choice":
            self._resolve_choice(field, raw)
            return
        if raw is None:
            self._resolve_default(field)
            return
        if field.name == "quantity" and "quantity@given_unit" in self.line.values:
            number, unit = raw, self.line.values["quantity@given_unit"]
            unit = None if unit is None else str(unit)
        else:
            number, unit = split_value(raw)
        try:
            value = to_decimal(number)
        except NumberError:
            self.error(field.name, raw, "not a number")
            return
        if unit is None:
            if field.kind == "fraction":
                self.error(
                    field.name,
                    raw,
                    "write the unit: '%' or 'fraction' (a bare number is ambiguous)",
                )
            else:
                self.error(field.name, raw, f"a unit is required ({' or '.join(field.units)})")
            return
        if field.kind == "fraction" and unit.strip().lower() not in {"%", "fraction", "percent"}:
            self.error(field.name, raw, f"unit {unit!r}: a rate is written in '%' or 'fraction'")
            return
        try:
            canonical = _canonical(field, unit)
            converted = convert(value, unit, canonical)
        except UnitError as exc:
            self.error(field.name, f"{number} {unit}", str(exc))
            return
        if not self._in_range(field, converted, f"{number} {unit}"):
            return
        origin = "activity" if field.kind == "activity" else "measured"
        self._store(field, converted, canonical, origin, None, f"{number} {unit}")

    def _in_range(self, field: Field, value: Decimal, shown: object) -> bool:
        if field.minimum is not None and value < field.minimum:
            what = "negative" if field.minimum == 0 else f"below {field.minimum}"
            self.error(field.name, shown, f"{what} values are not allowed")
            return False
        if field.maximum is not None and value > field.maximum:
            limit = "100 %" if field.kind == "fraction" and field.maximum == 1 else field.maximum
            self.error(field.name, shown, f"above the maximum of {limit}")
            return False
        return True

    def _store(
        self,
        field: Field,
        value: Decimal,
        unit: str,
        origin: str,
        factor_id: str | None,
        given: str | None,
    ) -> None:
        self.values[field.name] = value
        self.values[f"{field.name}@unit"] = unit
        self.params.append(
            ParamUse(field.name, value, unit, origin, factor_id, given)  # type: ignore[arg-type]
        )

    def _resolve_choice(self, field: Field, raw: Any) -> None:
        if raw is None:
            if field.required:
                self.error(field.name, None, "required")
            return
        text = str(raw)
        if field.choices is not None and text not in field.choices():
            self.error(
                field.name, raw, f"unknown {field.name}; known: {', '.join(field.choices())}"
            )
            return
        self.values[field.name] = text
        self.params.append(ParamUse(field.name, text, "", "choice"))

    def _resolve_default(self, field: Field) -> None:
        spec = field.default
        if spec is None:
            if field.required:
                self.error(field.name, None, "required")
            return
        if spec.subject_field is not None:
            subject_value = self.values.get(spec.subject_field)
            if not isinstance(subject_value, str):
                return  # the subject itself is in error; reported there
            subjects = [subject_value]
        elif spec.subject == "@region":
            subjects = list(region_chain(self.report.region))
        else:
            subjects = [spec.subject or field.name]
        row = self._find(field.name, spec.parameter, subjects, spec.kind)
        if row is None:
            return
        try:
            canonical = _canonical(field, row.unit)
            converted = convert(row.value, row.unit, canonical)
        except UnitError as exc:
            self.error(field.name, row.id, f"default factor row is malformed: {exc}")
            return
        self._store(field, converted, canonical, "default", row.id, f"{row.value} {row.unit}")

    def _find(
        self, field_name: str, parameter: str, subjects: list[str], kind: str
    ) -> FactorRow | None:
        last: FactorError | None = None
        for subject in subjects:
            try:
                return self.library.find(
                    parameter,
                    subject,
                    kind=kind,
                    guidelines=self.sector.factor_sets,
                    region=self.report.region,
                    year=self.report.year,
                )
            except FactorError as exc:
                last = exc
        hint = "" if self.report.region else " (the report gives no region)"
        message = f"not given, and no default applies: {last}{hint}"
        self.error(field_name, None, message)
        return None


def compute_report(
    report: ReportInput,
    *,
    metric: str = DEFAULT_METRIC,
    library: FactorLibrary | None = None,
) -> ReportResult:
    """Compute one report, or refuse it with every problem found (:class:`ReportError`)."""
    library = library or default_library()
    errors: list[AccountingError] = []
    if metric not in METRICS:
        raise ReportError(
            report.id,
            [AccountingError(f"unknown GWP metric; choose {', '.join(METRICS)}", value=metric)],
        )
    try:
        sector = get_sector(report.sector)
    except KeyError as exc:
        raise ReportError(
            report.id,
            [
                AccountingError(
                    str(exc.args[0]), report=report.id, field="sector", value=report.sector
                )
            ],
        ) from None
    if report.year is None:
        errors.append(AccountingError("a report needs a year", report=report.id, field="year"))
    if not report.lines:
        errors.append(AccountingError("a report needs lines", report=report.id, field="lines"))
    resolved: list[tuple[int, LineInput, _LineResolver]] = []
    for number, line in enumerate(report.lines, start=1):
        try:
            source = source_type(line.source)
        except KeyError as exc:
            errors.append(
                AccountingError(
                    str(exc.args[0]),
                    report=report.id,
                    line=number,
                    field="source",
                    value=line.source,
                )
            )
            continue
        treatment = sector.treatment(source.id)
        if treatment is None:
            errors.append(
                AccountingError(
                    f"the {sector.id} guideline has no source {source.id!r}; it has: "
                    + ", ".join(s.source for s in sector.sources),
                    report=report.id,
                    line=number,
                    field="source",
                    value=line.source,
                )
            )
            continue
        resolver = _LineResolver(report, sector, library, number, line, source)
        resolver.resolve()
        errors.extend(resolver.errors)
        resolved.append((number, line, resolver))
    if errors:
        raise ReportError(report.id, errors)

    results: list[LineResult] = []
    for number, line, resolver in resolved:
        source = resolver.source
        try:
            with localcontext(CONTEXT):
                masses = source.compute(resolver.values)
            amount = co2e(masses, metric)
        except (ValueError, ArithmeticError) as exc:
            message = str(exc) if isinstance(exc, GWPError) else f"cannot compute: {exc}"
            errors.append(AccountingError(message, report=report.id, line=number))
            continue
        treatment = sector.treatment(source.id)
        assert treatment is not None
        results.append(
            LineResult(
                number, source.id, treatment, masses, amount, tuple(resolver.params), line.label
            )
        )
    errors.extend(_check_bounds(report, sector, results))
    if errors:
        raise ReportError(report.id, errors)
    return _summarise(report, sector, metric, results, library)


def _check_bounds(
    report: ReportInput, sector: Sector, results: list[LineResult]
) -> list[AccountingError]:
    """Refuse a subtracted amount larger than what the guideline subtracts it from."""
    errors = []
    for item in sector.sources:
        if not item.bounded_by:
            continue
        gas = item.bound_gas
        lines = [r for r in results if r.source == item.source]
        taken = sum((r.masses_t.get(gas, Decimal(0)) for r in lines), Decimal(0))
        limit = sum(
            (r.masses_t.get(gas, Decimal(0)) for r in results if r.source in item.bounded_by),
            Decimal(0),
        )
        if lines and taken > limit:
            errors.append(
                AccountingError(
                    f"{item.source} ({taken} t {gas}) exceeds the {gas} of "
                    f"{' + '.join(item.bounded_by)} in this report ({limit} t)",
                    report=report.id,
                    line=lines[0].line,
                    field="quantity",
                    value=str(taken),
                )
            )
    return errors


def _summarise(
    report: ReportInput,
    sector: Sector,
    metric: str,
    results: list[LineResult],
    library: FactorLibrary,
) -> ReportResult:
    by_source: dict[str, Decimal] = {}
    by_gas: dict[str, Decimal] = {}
    memo: dict[str, Decimal] = {}
    for item in results:
        if item.treatment == "memo":
            memo[item.source] = CONTEXT.add(memo.get(item.source, Decimal(0)), item.co2e.value)
            continue
        by_source[item.source] = CONTEXT.add(
            by_source.get(item.source, Decimal(0)), item.contribution
        )
        sign = Decimal(1) if item.treatment == "add" else Decimal(-1)
        for gas, mass in item.masses_t.items():
            by_gas[gas] = CONTEXT.add(by_gas.get(gas, Decimal(0)), CONTEXT.multiply(sign, mass))
    total = CO2e(Decimal(0), metric)
    for value in by_source.values():
        total = total + CO2e(value, metric)
    return ReportResult(
        id=report.id,
        sector=sector.id,
        year=report.year,
        metric=metric,
        lines=tuple(results),
        total=total,
        by_source=by_source,
        by_gas=by_gas,
        memo=memo,
        factor_library=library.version,
    )


def compute_reports(
    reports: Sequence[ReportInput],
    *,
    metric: str = DEFAULT_METRIC,
    library: FactorLibrary | None = None,
) -> list[ReportResult | ReportError]:
    """Compute each report independently; a refused report does not stop the others."""
    out: list[ReportResult | ReportError] = []
    for report in reports:
        try:
            out.append(compute_report(report, metric=metric, library=library))
        except ReportError as exc:
            out.append(exc)
    return out
