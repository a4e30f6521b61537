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

What does not depend on the line is worked out once and shared, so that a data set of many
inventories (the demonstration set: 102 inventories, ~9 000 lines) compiles in a fraction of a
second. Every shared thing is an immutable :class:`~citycarbon.inventory.model.ParamUse` or
its ingredients, so sharing changes no result:

* per factor library (by identity; a library is immutable) and (factor sets, region, year): the
  library default of a parameter for the subject keys of a line, the value a parameter not
  written on a line takes (year, default or fallback), and the *plans* of a category's lines —
  per combination of choices, the context and the value of every parameter the line does not
  give — shared by the inventories with the same local values for the category;
* per cell (category, sheet, row, column, type and text of the value, unit of the column): the
  record of a value written on a line, or of a choice — the next year's form repeats most
  cells of the last;
* per category: its parameter names, choices and subject keys.

Refusals are never kept: a refused value is read, and refused, again every time. The tables are
bounded; past a bound they start again empty.
"""

from __future__ import annotations

import itertools
import re
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Final, Literal

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
#: Types of a value written in a cell that can key the cell cache (not ``bool``: ``True == 1``).
_PLAIN: Final = frozenset({int, float, str})


@dataclass(slots=True)
class ResolvedLine:
    """A line whose every parameter is resolved: values for the formula and their provenance.

    Read-only by convention (not frozen, since the engine makes one per line): ``context`` is
    shared with the other lines of the same choices."""

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


@lru_cache(maxsize=1024)
def _conversion(kind: str, units: tuple[str, ...], unit: str) -> tuple[str, float] | str:
    """The canonical unit a value written in ``unit`` is converted to for a parameter of ``kind``
    with canonical ``units``, and the factor: ``(canonical, factor)``; or why it cannot be."""
    try:
        if kind == "fraction":
            if unit.strip().lower() not in PERCENT_UNITS:
                raise UnitError(f"unit {unit!r}: a rate is written in '%' or 'fraction'")
            canonical = "fraction"
        else:
            canonical = canonical_unit(unit, units)
        return canonical, factor(unit, canonical)
    except UnitError as exc:
        return str(exc)


@dataclass(frozen=True, slots=True)
class _Shape:
    """What the resolver reads of a category, worked out once: a token naming it in the shared
    tables, its parameter names, its choices, and for every other parameter the context keys
    its default subjects read and the key of its unit among the values."""

    token: int
    category: Category
    sections: tuple[str, ...]
    known: frozenset[str]
    choices: tuple[Param, ...]
    numbers: tuple[tuple[Param, tuple[str, ...], str], ...]


_SHAPES: dict[int, _Shape] = {}
_TOKENS: Final = itertools.count()
_SHAPES_LIMIT: Final = 4096


def _shape(category: Category) -> _Shape:
    """The :class:`_Shape` of ``category`` (kept by identity: a category is immutable)."""
    shape = _SHAPES.get(id(category))
    if shape is not None and shape.category is category:
        return shape
    if len(_SHAPES) >= _SHAPES_LIMIT:  # categories made on the fly (tests): start again
        _SHAPES.clear()
    shape = _Shape(
        token=next(_TOKENS),
        category=category,
        sections=(category.id,),
        known=frozenset(p.name for p in category.params),
        choices=tuple(p for p in category.params if p.kind == "choice"),
        numbers=tuple(
            (p, _names(p.default.subjects) if p.default is not None else (), f"{p.name}@unit")
            for p in category.params
            if p.kind != "choice"
        ),
    )
    _SHAPES[id(category)] = shape
    return shape


#: Values written on lines, already read: (category token, parameter, sheet, row, type, value[,
#: unit of the column]) → the :class:`ParamUse` it gives. Reading a cell depends on nothing
#: else, so the same cell of another inventory (the next year's form, a recompilation) reuses
#: the record; refusals are not kept.
_CELLS: dict[tuple[Any, ...], ParamUse] = {}
_CELLS_LIMIT: Final = 200_000


def _remember(cell: tuple[Any, ...], use: ParamUse) -> None:
    if len(_CELLS) >= _CELLS_LIMIT:
        _CELLS.clear()
    _CELLS[cell] = use


def _freeze(raw: Any) -> Any:
    """A value as written, as a key: the same key only for the same value of the same types
    (``1``, ``1.0`` and ``True`` differ). :class:`TypeError` for a value that cannot be one."""
    if isinstance(raw, Mapping):
        return (dict, tuple((_freeze(k), _freeze(v)) for k, v in raw.items()))
    if isinstance(raw, (list, tuple)):
        return (list, tuple(_freeze(v) for v in raw))
    hash(raw)
    return (type(raw), raw)


@dataclass(frozen=True, slots=True)
class _Plan:
    """How the lines of a category with the same choices (and context) are resolved, when no
    value is written on the line: the context (with the keys the category derives) and, per
    parameter that is not a choice, the value it takes, ``False`` when it takes none and needs
    none, or ``None`` (work it out line by line: a refusal)."""

    context: dict[str, str]
    fills: tuple[ParamUse | Literal[False] | None, ...]


@dataclass
class _Table:
    """What every inventory of one (factor library, factor sets, region, year) shares: library
    defaults by (default, units, kind, subject keys), and the value a parameter not given takes
    by (category token, parameter, subject keys) — a :class:`ParamUse`, or why there is none."""

    defaults: dict[tuple[Any, ...], Any] = field(default_factory=dict)
    filled: dict[tuple[Any, ...], ParamUse | str] = field(default_factory=dict)
    plans: dict[tuple[Any, ...], dict[Any, _Plan]] = field(default_factory=dict)


#: Bound on the plans of one category (and local values) in a table.
_GROUP_LIMIT: Final = 20_000
#: Bound on the entries of one table (a long-running process compiling many region-years):
#: past it the table starts again empty.
_TABLE_LIMIT: Final = 100_000
#: Bound on the (factor sets, region, year) kept per library: past it, all start again.
_SCOPES_LIMIT: Final = 64


class _Tables:
    """The shared tables of each factor library. A library is immutable, so what was looked up
    in it stays true for as long as it lives; the tables are kept by the library's identity and
    dropped with it (and named by its version too)."""

    def __init__(self) -> None:
        self._by_library: dict[int, tuple[weakref.ref[FactorLibrary], dict[Any, _Table]]] = {}

    def table(
        self,
        library: FactorLibrary,
        factor_sets: tuple[str, ...],
        region: str | None,
        year: int | None,
    ) -> _Table:
        """The table of ``library`` for (factor sets, region, year)."""
        key = id(library)
        entry = self._by_library.get(key)
        if entry is None or entry[0]() is not library:
            entry = (weakref.ref(library, self._forget(key)), {})
            self._by_library[key] = entry
        tables = entry[1]
        scope = (library.version, factor_sets, region, year)
        table = tables.get(scope)
        if table is None and len(tables) >= _SCOPES_LIMIT:
            tables.clear()
        if (
            table is None
            or len(table.defaults) + len(table.filled) + len(table.plans) >= _TABLE_LIMIT
        ):
            table = tables[scope] = _Table()
        return table

    def _forget(self, key: int) -> Any:
        def forget(ref: weakref.ref[FactorLibrary]) -> None:
            entry = self._by_library.get(key)
            if entry is not None and entry[0] is ref:
                del self._by_library[key]

        return forget

    def clear(self) -> None:
        """Forget every table."""
        self._by_library.clear()


_TABLES: Final = _Tables()


class Resolver:
    """Resolves lines for one inventory: its region, year, factor sets and local values.

    What does not depend on the line itself is worked out once: the library default of a
    parameter for a context, and the value a parameter not given on a line takes (the year, the
    default, the fallback), are shared by every inventory compiled against the same factor
    library, factor sets, region and year; a local value is read once per inventory and context.
    The :class:`~citycarbon.inventory.model.ParamUse` records are immutable and are shared too.
    """

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
        table = _TABLES.table(library, self.factor_sets, region, year)
        self._defaults: dict[tuple[Any, ...], Any] = table.defaults
        self._filled: dict[tuple[Any, ...], ParamUse | str] = table.filled
        self._shared_plans: dict[tuple[Any, ...], dict[Any, _Plan]] = table.plans
        self._groups: dict[Any, dict[Any, _Plan]] = {}
        self._locals: dict[tuple[Any, ...], ParamUse | None] = {}

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
        return self._resolve(_shape(category), line, errors, local_sections)

    def resolve_all(
        self, category: Category, lines: Sequence[LineInput], errors: list[InventoryError]
    ) -> list[ResolvedLine]:
        """Resolve the lines of ``category`` (see :meth:`resolve`); the lines with a problem
        are left out, the problems added to ``errors``."""
        shape = _shape(category)
        done = [self._resolve(shape, line, errors) for line in lines]
        return [line for line in done if line is not None]

    def _resolve(
        self,
        shape: _Shape,
        line: LineInput,
        errors: list[InventoryError],
        local_sections: Sequence[str] = (),
    ) -> ResolvedLine | None:
        count = len(errors)
        category = shape.category
        given = line.values
        if given and not shape.known.issuperset(given):
            for name, raw in given.items():
                if name not in shape.known:
                    errors.append(
                        InventoryError(
                            f"{category.id} has no parameter {name!r}; parameters: "
                            + ", ".join(p.name for p in category.params),
                            self._where(line, name),
                            raw,
                        )
                    )
        values: dict[str, Any] = {}
        uses: list[ParamUse] = []
        use_ = uses.append
        chosen: list[str | None] = []  # each choice as text (None when not given)
        resolved = line.resolved
        sheet, row, located = line.where.sheet, line.where.row, line.locations
        for param in shape.choices:
            name = param.name
            use = resolved.get(name) if resolved else None
            if use is None:
                raw = given.get(name)
                if type(raw) in _PLAIN and name not in located:
                    # Keyed by type and value; a zero by how it is written (-0.0 == 0.0).
                    written = raw or repr(raw)
                    cell: tuple[Any, ...] = (shape.token, name, sheet, row, type(raw), written)
                    use = _CELLS.get(cell)
                    if use is None:
                        use = self._choice(param, line, raw, errors)
                        if use is not None:
                            _remember(cell, use)
                else:
                    use = self._choice(param, line, raw, errors)
                if use is None:
                    chosen.append(None)
                    continue
            values[name] = use.value
            chosen.append(str(use.value))
            use_(use)
        if len(errors) > count:
            return None
        if local_sections:
            sections = (category.id, *local_sections)
            group = self._groups.get((shape.token, sections))
        else:
            sections = shape.sections
            group = self._groups.get(shape.token)
        if group is None:
            group = self._group(shape, sections)
        key = (tuple(chosen), tuple(line.context.items()) if line.context else ())
        plan = group.get(key)
        if plan is None:
            # The line's context: its own, and the choices given.
            context = dict(line.context)
            for param, text in zip(shape.choices, chosen, strict=True):
                if text is not None:
                    context[param.name] = text
            if len(group) >= _GROUP_LIMIT:  # free-text choices (site names) in a long run
                group.clear()
            plan = group[key] = self._plan(shape, sections, context)
        context = plan.context  # shared by the lines of the plan (read-only)
        for (param, names, unit_key), filled in zip(shape.numbers, plan.fills, strict=True):
            name = param.name
            use = resolved.get(name) if resolved else None
            if use is None:
                raw = given.get(name) if given else None
                if raw is None or raw == "":
                    if filled:
                        use = filled
                    elif filled is False:
                        continue  # optional, and nothing gives it a value
                    else:
                        found = self._fill(shape, param, names, context, sections, errors)
                        if isinstance(found, str):
                            if param.required:
                                where = self._where(line, name)
                                errors.append(InventoryError(f"not given, and {found}", where))
                            continue
                        if found is None:
                            continue
                        use = found
                elif type(raw) in _PLAIN and name not in located:
                    written = raw or repr(raw)
                    cell = (shape.token, name, sheet, row, type(raw), written, line.units.get(name))
                    use = _CELLS.get(cell)
                    if use is None:
                        use = self._on_line(category, param, line, raw, errors)
                        if use is None:
                            continue
                        _remember(cell, use)
                else:
                    use = self._on_line(category, param, line, raw, errors)
                    if use is None:
                        continue
            values[name] = use.value
            values[unit_key] = use.unit
            use_(use)
        if len(errors) > count:
            return None
        if category.check is not None:
            for name, message in category.check(values):
                errors.append(InventoryError(message, self._where(line, name), given.get(name)))
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
        key = (
            spec,
            param.unit,
            param.kind,
            tuple([context.get(n) for n in _names(spec.subjects)]),
        )
        cached: tuple[float, str, str, str] | str | None = self._defaults.get(key)
        if cached is not None:
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
            converted = _conversion(param.kind, param.unit, row.unit)
            if isinstance(converted, str):
                result = f"default factor row {row.id} is malformed: {converted}"
                break
            unit, scale = converted
            result = (float(row.value) * scale, unit, row.id, subject)
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

    def _choice(
        self, param: Param, line: LineInput, raw: Any, errors: list[InventoryError]
    ) -> ParamUse | None:
        """A choice written on the line (``None`` with the problem added to ``errors``)."""
        if raw is None or raw == "":
            if param.required:
                errors.append(
                    InventoryError(
                        f"required; one of: {', '.join(param.choices)}",
                        self._where(line, param.name),
                    )
                )
            return None
        text = str(raw).strip()
        if param.choices and text not in param.choices:
            errors.append(
                InventoryError(
                    f"unknown {param.name}; known: {', '.join(param.choices)}",
                    self._where(line, param.name),
                    raw,
                )
            )
            return None
        return ParamUse(param.name, text, "", "choice", where=self._where(line, param.name))

    def _on_line(
        self,
        category: Category,
        param: Param,
        line: LineInput,
        raw: Any,
        errors: list[InventoryError],
    ) -> ParamUse | None:
        """A value written on the line (activity data or a measured parameter)."""
        where = self._where(line, param.name)
        origin: Origin = "activity" if param.kind == "activity" else "measured"
        key = f"line:{category.id}:{where.describe()}"
        return self._given(param, raw, line.units.get(param.name), where, origin, key, errors)

    def _group(self, shape: _Shape, sections: tuple[str, ...]) -> dict[Any, _Plan]:
        """The plans of a category's lines read with local values from ``sections``: shared by
        the inventories with the same local values there (of the same factor library, sets,
        region and year), else this inventory's own."""
        local = self._local_key(shape, sections)
        if local is None:
            group: dict[Any, _Plan] = {}
        else:
            group = self._shared_plans.setdefault((shape.token, sections, local), {})
        self._groups[shape.token if sections == shape.sections else (shape.token, sections)] = group
        return group

    def _plan(self, shape: _Shape, sections: tuple[str, ...], context: Mapping[str, str]) -> _Plan:
        """The plan of the lines of one category with the same choices: the context their
        default subjects read, and the value each parameter takes when the line does not give it
        (``None`` where that must be worked out line by line: a refusal, or no value)."""
        full = dict(context)
        if self.region:
            # Categories read the province from the context (agricultural zones by province).
            full.setdefault("region", self.region)
        category = shape.category
        if category.context is not None:
            full.update(category.context(full))
        fills: list[ParamUse | Literal[False] | None] = []
        for param, names, _unit_key in shape.numbers:
            scratch: list[InventoryError] = []
            found = self._fill(shape, param, names, full, sections, scratch)
            if scratch:
                fills.append(None)
            elif isinstance(found, ParamUse):
                fills.append(found)
            else:
                fills.append(None if param.required else False)
        return _Plan(full, tuple(fills))

    def _local_key(self, shape: _Shape, sections: tuple[str, ...]) -> tuple[Any, ...] | None:
        """The local values (and where they were given) the category's lines can read, as a
        key: inventories with the same ones share plans. ``None`` when they cannot be a key."""
        found: list[Any] = []
        for section in sections:
            local = self.local.get(section)
            if not local:
                continue
            where = self.local_where.get(section, {})
            for name in sorted(shape.known.intersection(local)):
                try:
                    frozen = _freeze(local[name])
                except TypeError:
                    return None
                found.append((section, name, frozen, where.get(name)))
        return tuple(found)

    def _fill(
        self,
        shape: _Shape,
        param: Param,
        names: tuple[str, ...],
        context: Mapping[str, str],
        sections: Sequence[str],
        errors: list[InventoryError],
    ) -> ParamUse | str | None:
        """A parameter not written on the line: a local value, the inventory's year, the library
        default or the documented fallback; else the reason there is none, or ``None`` when a
        local value is refused (the problem added to ``errors``)."""
        name = param.name
        subject_key = tuple([context.get(n) for n in names])
        for section in sections:
            local = self.local.get(section)
            if not local or name not in local:
                continue
            key = (shape.token, section, name, subject_key)
            if key in self._locals:
                found = self._locals[key]
            else:
                count = len(errors)
                found = self._local(param, section, local[name], context, errors)
                if len(errors) > count:
                    return None
                self._locals[key] = found
            if found is not None:
                return found
        filled_key = (shape.token, name, subject_key)
        filled = self._filled.get(filled_key)
        if filled is None:
            filled = self._filled[filled_key] = self._automatic(shape.category, param, context)
        return filled

    def _automatic(
        self, category: Category, param: Param, context: Mapping[str, str]
    ) -> ParamUse | str:
        """The value of a parameter given neither on the line nor locally: the inventory's year,
        the library default or the fallback; else the reason there is none."""
        spec = param.default
        if spec is not None and YEAR_SUBJECT in spec.subjects and self.year is not None:
            return ParamUse(
                param.name,
                float(self.year),
                "" if param.kind == "count" else param.unit[0],
                "local",
                factor_id=None,
                given=str(self.year),
                where=Location("inventory", "year"),
                key="inventory:year",
                uncertainty_pct=param.uncertainty_pct,
            )
        default = self.default(param, context)
        if isinstance(default, tuple):
            value, unit, row_id, subject = default
            return ParamUse(
                param.name,
                value,
                unit,
                "default",
                factor_id=row_id,
                given=subject,
                where=None,
                key=f"factor:{row_id}",
                uncertainty_pct=param.uncertainty_pct,
            )
        if param.fallback is not None:
            unit = param.unit[0] if param.unit else ("fraction" if param.kind == "fraction" else "")
            return ParamUse(
                param.name,
                param.fallback,
                unit,
                "assumed",
                factor_id=None,
                given=None,
                where=None,
                key=f"assumed:{category.id}:{param.name}",
                uncertainty_pct=param.uncertainty_pct,
            )
        return default

    def _local(
        self,
        param: Param,
        section: str,
        raw: Any,
        context: Mapping[str, str],
        errors: list[InventoryError],
    ) -> ParamUse | None:
        """A local value; ``None`` when none is given for the line's subjects (or it is refused,
        with the problem added to ``errors``)."""
        where = self.local_where.get(section, {}).get(
            param.name, Location(f"categories.{section}", "local", param.name)
        )
        if isinstance(raw, Mapping) and "value" not in raw:
            subjects = self._subjects(param.default.subjects, context) if param.default else []
            for subject in [*subjects, "*"]:
                if subject in raw:
                    shown = Location(where.sheet, where.row, f"{param.name}[{subject}]")
                    return self._given(
                        param,
                        raw[subject],
                        None,
                        shown,
                        "local",
                        f"local:{section}:{param.name}:{subject}",
                        errors,
                    )
            return None
        return self._given(
            param, raw, None, where, "local", f"local:{section}:{param.name}", errors
        )

    def _given(
        self,
        param: Param,
        raw: Any,
        unit_hint: str | None,
        where: Location,
        origin: Origin,
        key: str,
        errors: list[InventoryError],
    ) -> ParamUse | None:
        """A value written by hand, checked and converted to the parameter's canonical unit; on a
        problem, ``None`` with the problem added to ``errors``."""
        try:
            number, unit, pct = split_value(raw)
        except NumberError:
            errors.append(InventoryError("the uncertainty is not a number", where, raw))
            return None
        unit = unit or unit_hint
        try:
            value = read_number(number)
        except NumberError:
            errors.append(InventoryError("not a number", where, raw))
            return None
        if pct is not None and not pct >= 0:
            errors.append(InventoryError("an uncertainty is a percentage ≥ 0", where, raw))
            return None
        distribution = distribution_of(raw)
        if distribution is not None and distribution not in DISTRIBUTIONS:
            errors.append(
                InventoryError(
                    f"unknown distribution; choose {', '.join(DISTRIBUTIONS)}", where, raw
                )
            )
            return None
        if param.kind == "count":
            scale = _count(unit)
            if scale is None:
                errors.append(
                    InventoryError(f"unit {unit!r}: a count is a bare number", where, raw)
                )
                return None
            canonical, value = "", value * scale
        else:
            if unit is None:
                hint = "'%' or 'fraction'" if param.kind == "fraction" else " or ".join(param.unit)
                errors.append(InventoryError(f"a unit is required ({hint})", where, raw))
                return None
            converted = _conversion(param.kind, param.unit, unit)
            if isinstance(converted, str):
                errors.append(InventoryError(converted, where, raw))
                return None
            canonical, scale = converted
            value = value * scale
        if param.minimum is not None and value < param.minimum:
            what = (
                "negative values are not allowed"
                if param.minimum == 0
                else (f"below the minimum {param.minimum}")
            )
            errors.append(InventoryError(what, where, raw))
            return None
        if param.maximum is not None and value > param.maximum:
            limit = "100 %" if param.kind == "fraction" and param.maximum == 1 else param.maximum
            errors.append(InventoryError(f"above the maximum of {limit}", where, raw))
            return None
        shown = f"{number} {unit}" if unit else str(number)
        return ParamUse(
            param.name,
            value,
            canonical,
            origin,
            factor_id=None,
            given=shown,
            where=where,
            key=key,
            uncertainty_pct=pct if pct is not None else param.uncertainty_pct,
            distribution=distribution,
        )
