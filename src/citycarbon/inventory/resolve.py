"""Resolving the parameters of a line: given value, local value, factor-library default.

For each parameter of a line, in this order:

1. a value written on the line (``measured``; ``activity`` for activity data), in any unit of the
   parameter's dimension, converted to its canonical unit;
2. a *local* value given for the whole inventory in the category's ``local`` section — one value,
   or values by subject (the same subjects the default lookup tries, e.g. ``raw_coal`` or
   ``energy_industries:coal``);
3. the default from the factor library, for the inventory's factor sets (guidelines), region and
   year, trying the parameter's subject templates most specific first; the row id is recorded
   (a default whose subject is ``@year`` is the inventory's own year, origin ``local``);
4. the category's documented fallback (``assumed``), e.g. zero recovered gas;
5. otherwise the line is refused, naming the parameter and what was looked for.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Final

from citycarbon.factors import FactorError, FactorLibrary
from citycarbon.factors.regions import region_chain
from citycarbon.inventory.model import (
    DISTRIBUTIONS,
    YEAR_SUBJECT,
    Category,
    InventoryError,
    LineInput,
    Location,
    Origin,
    Param,
    ParamUse,
)
from citycarbon.inventory.quantities import (
    PERCENT_UNITS,
    NumberError,
    UnitError,
    canonical_unit,
    distribution_of,
    factor,
    read_number,
    split_value,
)

__all__ = ["ResolvedLine", "Resolver"]

_COUNT_SCALES: Final = {"10^4": 1e4, "万": 1e4, "10^8": 1e8, "亿": 1e8}
_COUNT_WORDS: Final = frozenset(
    {"", "1", "count", "head", "heads", "头", "只", "口", "个", "wells", "well", "a", "yr"}
)
_TEMPLATE: Final = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class ResolvedLine:
    """A line whose every parameter is resolved: values for the formula and their provenance."""

    line: LineInput
    values: dict[str, Any]
    params: tuple[ParamUse, ...]
    context: dict[str, str]


@lru_cache(maxsize=256)
def _names(templates: tuple[str, ...]) -> tuple[str, ...]:
    """The context keys the subject templates use."""
    return tuple(dict.fromkeys(n for t in templates for n in _TEMPLATE.findall(t)))


def _count(raw_unit: str | None) -> float | None:
    """The scale of a count unit (``10^4 head`` → 10 000), or ``None`` if it is not one."""
    text = (raw_unit or "").strip()
    for prefix, scale in _COUNT_SCALES.items():
        if text.startswith(prefix):
            rest = text[len(prefix) :].strip()
            return scale if rest.lower() in _COUNT_WORDS else None
    return 1.0 if text.lower() in _COUNT_WORDS else None


class Resolver:
    """Resolves lines for one inventory: its region, year, factor sets and local values."""

    def __init__(
        self,
        library: FactorLibrary,
        factor_sets: Sequence[str],
        region: str | None,
        year: int | None,
        local: Mapping[str, Mapping[str, Any]],
        local_where: Mapping[str, Mapping[str, Location]],
    ) -> None:
        self.library = library
        self.factor_sets = tuple(factor_sets)
        self.region = region
        self.year = year
        self.local = local
        self.local_where = local_where
        self._defaults: dict[tuple[Any, ...], Any] = {}

    # -- public ---------------------------------------------------------------------------------

    def resolve(
        self,
        category: Category,
        line: LineInput,
        errors: list[InventoryError],
        local_sections: Sequence[str] = (),
    ) -> ResolvedLine | None:
        """Resolve every parameter of ``line``; add problems to ``errors`` and return ``None``
        when there is any."""
        count = len(errors)
        known = {p.name for p in category.params}
        for name, raw in line.values.items():
            if name not in known:
                errors.append(
                    InventoryError(
                        f"{category.id} has no parameter {name!r}; parameters: "
                        + ", ".join(p.name for p in category.params),
                        self._where(line, name),
                        raw,
                    )
                )
        context: dict[str, str] = dict(line.context)
        values: dict[str, Any] = {}
        uses: list[ParamUse] = []
        for param in category.params:
            if param.kind == "choice":
                self._choice(param, line, context, values, uses, errors)
        if len(errors) > count:
            return None
        if self.region:
            # Categories read the province from the context (agricultural zones by province).
            context.setdefault("region", self.region)
        if category.context is not None:
            context.update(category.context(context))
        sections = (category.id, *local_sections)
        for param in category.params:
            if param.kind != "choice":
                self._number(category, param, line, context, sections, values, uses, errors)
        if len(errors) > count:
            return None
        if category.check is not None:
            for name, message in category.check(values):
                errors.append(
                    InventoryError(message, self._where(line, name), line.values.get(name))
                )
        if len(errors) > count:
            return None
        return ResolvedLine(line, values, tuple(uses), context)

    def default(
        self, param: Param, context: Mapping[str, str]
    ) -> tuple[float, str, str, str] | str:
        """The library default of ``param`` for ``context``: (value, canonical unit, row id,
        subject), or the reason none applies."""
        spec = param.default
        if spec is None:
            return "it has no default"
        if YEAR_SUBJECT in spec.subjects and self.year is None:
            return "the inventory has no year"
        key = (spec, param.unit, tuple(context.get(n) for n in _names(spec.subjects)))
        if key in self._defaults:
            cached: tuple[float, str, str, str] | str = self._defaults[key]
            return cached
        subjects = self._subjects(spec.subjects, context)
        result: tuple[float, str, str, str] | str
        reasons: list[str] = []
        for subject in subjects:
            try:
                row = self.library.find(
                    spec.parameter,
                    subject,
                    kind=spec.kind,
                    guidelines=self.factor_sets,
                    region=self.region,
                    year=self.year,
                )
            except FactorError as exc:
                reasons.append(str(exc))
                continue
            try:
                unit = self._canonical(param, row.unit)
                value = float(row.value) * factor(row.unit, unit)
            except UnitError as exc:
                result = f"default factor row {row.id} is malformed: {exc}"
                break
            result = (value, unit, row.id, subject)
            break
        else:
            looked = ", ".join(subjects) or "(no subject)"
            result = (
                f"no default {spec.parameter} for {looked} in factor sets "
                f"{', '.join(self.factor_sets)} (region {self.region or '—'}, year "
                f"{self.year or '—'})"
            )
        self._defaults[key] = result
        return result

    # -- helpers --------------------------------------------------------------------------------

    @staticmethod
    def _where(line: LineInput, name: str) -> Location:
        if name in line.locations:
            return line.locations[name]
        return Location(line.where.sheet, line.where.row, name)

    def _subjects(self, templates: Sequence[str], context: Mapping[str, str]) -> list[str]:
        result: list[str] = []
        for template in templates:
            if template == "@region":
                result.extend(region_chain(self.region))
                continue
            if template == YEAR_SUBJECT:
                continue  # not a library subject: the resolver supplies the year itself
            names = _TEMPLATE.findall(template)
            if any(n not in context for n in names):
                continue
            result.append(template.format_map(context))
        return list(dict.fromkeys(result))

    @staticmethod
    def _canonical(param: Param, unit: str) -> str:
        if param.kind == "fraction":
            if unit.strip().lower() not in PERCENT_UNITS:
                raise UnitError(f"unit {unit!r}: a rate is written in '%' or 'fraction'")
            return "fraction"
        return canonical_unit(unit, param.unit)

    def _choice(
        self,
        param: Param,
        line: LineInput,
        context: dict[str, str],
        values: dict[str, Any],
        uses: list[ParamUse],
        errors: list[InventoryError],
    ) -> None:
        if param.name in line.resolved:
            use = line.resolved[param.name]
            values[param.name] = use.value
            context[param.name] = str(use.value)
            uses.append(use)
            return
        raw = line.values.get(param.name)
        if raw is None or raw == "":
            if param.required:
                errors.append(
                    InventoryError(
                        f"required; one of: {', '.join(param.choices)}",
                        self._where(line, param.name),
                    )
                )
            return
        text = str(raw).strip()
        if param.choices and text not in param.choices:
            errors.append(
                InventoryError(
                    f"unknown {param.name}; known: {', '.join(param.choices)}",
                    self._where(line, param.name),
                    raw,
                )
            )
            return
        values[param.name] = text
        context[param.name] = text
        uses.append(ParamUse(param.name, text, "", "choice", where=self._where(line, param.name)))

    def _number(
        self,
        category: Category,
        param: Param,
        line: LineInput,
        context: Mapping[str, str],
        sections: Sequence[str],
        values: dict[str, Any],
        uses: list[ParamUse],
        errors: list[InventoryError],
    ) -> None:
        if param.name in line.resolved:
            use = line.resolved[param.name]
            values[param.name] = use.value
            values[f"{param.name}@unit"] = use.unit
            uses.append(use)
            return
        where = self._where(line, param.name)
        raw = line.values.get(param.name)
        if raw is not None and raw != "":
            origin: Origin = "activity" if param.kind == "activity" else "measured"
            key = f"line:{category.id}:{where.describe()}"
            self._given(
                param, raw, line.units.get(param.name), where, origin, key, values, uses, errors
            )
            return
        for section in sections:
            local = self.local.get(section, {})
            if param.name in local and self._local(
                param, section, local[param.name], context, values, uses, errors
            ):
                return
        if (
            param.default is not None
            and YEAR_SUBJECT in param.default.subjects
            and self.year is not None
        ):
            self._store(
                param,
                float(self.year),
                "" if param.kind == "count" else param.unit[0],
                "local",
                values,
                uses,
                factor_id=None,
                given=str(self.year),
                where=Location("inventory", "year"),
                key="inventory:year",
                pct=param.uncertainty_pct,
            )
            return
        default = self.default(param, context)
        if isinstance(default, tuple):
            value, unit, row_id, subject = default
            self._store(
                param,
                value,
                unit,
                "default",
                values,
                uses,
                factor_id=row_id,
                given=subject,
                where=None,
                key=f"factor:{row_id}",
                pct=param.uncertainty_pct,
            )
            return
        if param.fallback is not None:
            unit = param.unit[0] if param.unit else ("fraction" if param.kind == "fraction" else "")
            self._store(
                param,
                param.fallback,
                unit,
                "assumed",
                values,
                uses,
                factor_id=None,
                given=None,
                where=None,
                key=f"assumed:{category.id}:{param.name}",
                pct=param.uncertainty_pct,
            )
            return
        if param.required:
            errors.append(InventoryError(f"not given, and {default}", where))

    def _local(
        self,
        param: Param,
        section: str,
        raw: Any,
        context: Mapping[str, str],
        values: dict[str, Any],
        uses: list[ParamUse],
        errors: list[InventoryError],
    ) -> bool:
        """Use a local value; ``False`` when none is given for the line's subjects."""
        where = self.local_where.get(section, {}).get(
            param.name, Location(f"categories.{section}", "local", param.name)
        )
        if isinstance(raw, Mapping) and "value" not in raw:
            subjects = self._subjects(param.default.subjects, context) if param.default else []
            for subject in [*subjects, "*"]:
                if subject in raw:
                    shown = Location(where.sheet, where.row, f"{param.name}[{subject}]")
                    self._given(
                        param,
                        raw[subject],
                        None,
                        shown,
                        "local",
                        f"local:{section}:{param.name}:{subject}",
                        values,
                        uses,
                        errors,
                    )
                    return True
            return False
        self._given(
            param, raw, None, where, "local", f"local:{section}:{param.name}", values, uses, errors
        )
        return True

    def _given(
        self,
        param: Param,
        raw: Any,
        unit_hint: str | None,
        where: Location,
        origin: Origin,
        key: str,
        values: dict[str, Any],
        uses: list[ParamUse],
        errors: list[InventoryError],
    ) -> None:
        try:
            number, unit, pct = split_value(raw)
        except NumberError:
            errors.append(InventoryError("the uncertainty is not a number", where, raw))
            return
        unit = unit or unit_hint
        try:
            value = read_number(number)
        except NumberError:
            errors.append(InventoryError("not a number", where, raw))
            return
        if pct is not None and not pct >= 0:
            errors.append(InventoryError("an uncertainty is a percentage ≥ 0", where, raw))
            return
        distribution = distribution_of(raw)
        if distribution is not None and distribution not in DISTRIBUTIONS:
            errors.append(
                InventoryError(
                    f"unknown distribution; choose {', '.join(DISTRIBUTIONS)}", where, raw
                )
            )
            return
        if param.kind == "count":
            scale = _count(unit)
            if scale is None:
                errors.append(
                    InventoryError(f"unit {unit!r}: a count is a bare number", where, raw)
                )
                return
            canonical, value = "", value * scale
        else:
            if unit is None:
                hint = "'%' or 'fraction'" if param.kind == "fraction" else " or ".join(param.unit)
                errors.append(InventoryError(f"a unit is required ({hint})", where, raw))
                return
            try:
                canonical = self._canonical(param, unit)
                value = value * factor(unit, canonical)
            except UnitError as exc:
                errors.append(InventoryError(str(exc), where, raw))
                return
        if param.minimum is not None and value < param.minimum:
            what = (
                "negative values are not allowed"
                if param.minimum == 0
                else (f"below the minimum {param.minimum}")
            )
            errors.append(InventoryError(what, where, raw))
            return
        if param.maximum is not None and value > param.maximum:
            limit = "100 %" if param.kind == "fraction" and param.maximum == 1 else param.maximum
            errors.append(InventoryError(f"above the maximum of {limit}", where, raw))
            return
        shown = f"{number} {unit}" if unit else str(number)
        self._store(
            param,
            value,
            canonical,
            origin,
            values,
            uses,
            factor_id=None,
            given=shown,
            where=where,
            key=key,
            pct=pct if pct is not None else param.uncertainty_pct,
            distribution=distribution,
        )

    @staticmethod
    def _store(
        param: Param,
        value: float,
        unit: str,
        origin: Origin,
        values: dict[str, Any],
        uses: list[ParamUse],
        *,
        factor_id: str | None,
        given: str | None,
        where: Location | None,
        key: str,
        pct: float | None,
        distribution: str | None = None,
    ) -> None:
        values[param.name] = value
        values[f"{param.name}@unit"] = unit
        uses.append(
            ParamUse(
                param.name, value, unit, origin, factor_id, given, where, key, pct, distribution
            )
        )
