"""The objects of a city or county GHG inventory: sectors, gases, categories, parameters, keys.

An *inventory* (温室气体清单) is one jurisdiction-year. It is made of *categories*
(排放源/吸收汇类别) of the five sectors of the provincial guideline — energy, industrial
processes, agriculture, land-use change and forestry, waste. A category is one documented
formula with the parameters it reads (:class:`Param`); its input is a table of *lines* (one per
fuel, mine type, animal species, …), each line a mapping of parameter names to values. A
parameter left out of a line is taken from a local value given for the whole inventory, or from
the factor library, and every value keeps its origin.

Declaring a category is the only thing a new source or sink needs (see ``docs/inventory.md``,
"How to add a category").
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Final, Literal, TypeVar

import numpy as np
import numpy.typing as npt

__all__ = [
    "DISTRIBUTIONS",
    "GAS_GROUPS",
    "NOTATION_KEYS",
    "NOTHING",
    "ORIGINS",
    "REPORTING",
    "SECTORS",
    "SECTOR_CODES",
    "SECTOR_NAMES",
    "YEAR_SUBJECT",
    "Category",
    "Default",
    "FloatArray",
    "InventoryError",
    "InventoryRefusedError",
    "LineInput",
    "Location",
    "Num",
    "Origin",
    "Param",
    "ParamKind",
    "ParamUse",
    "Reporting",
    "Term",
    "Terms",
    "Values",
    "gas_group",
    "param",
    "record",
]

#: The five sectors of the provincial guideline, in its chapter order.
SECTORS: Final = ("energy", "ippu", "agriculture", "lucf", "waste")
SECTOR_NAMES: Final = {
    "energy": ("能源活动", "Energy"),
    "ippu": ("工业生产过程", "Industrial processes"),
    "agriculture": ("农业", "Agriculture"),
    "lucf": ("土地利用变化和林业", "Land-use change and forestry"),
    "waste": ("废弃物处理", "Waste"),
}
#: IPCC 1996 sector numbers.
SECTOR_CODES: Final = {"energy": "1", "ippu": "2", "agriculture": "4", "lucf": "5", "waste": "6"}

#: The six gases (groups) of the provincial guideline.
GAS_GROUPS: Final = ("CO2", "CH4", "N2O", "HFCs", "PFCs", "SF6")

_PFCS: Final = frozenset({"CF4", "C2F6", "C3F8", "C4F10", "C6F14"})
_GROUP_OF: Final = {
    "CO2": "CO2",
    "CH4": "CH4",
    "N2O": "N2O",
    "SF6": "SF6",
    **dict.fromkeys(_PFCS, "PFCs"),
}

#: Notation keys for an empty cell; every one needs a reason.
NOTATION_KEYS: Final = {
    "NO": ("不发生", "not occurring"),
    "NE": ("未估算", "not estimated"),
    "NA": ("不适用", "not applicable"),
    "IE": ("已包含在其他类别", "included elsewhere"),
    "C": ("保密", "confidential"),
}

ParamKind = Literal["activity", "parameter", "fraction", "choice", "count"]
Reporting = Literal["direct", "indirect"]
REPORTING: Final = ("direct", "indirect")
Origin = Literal["activity", "measured", "local", "default", "assumed", "choice"]
ORIGINS: Final = ("activity", "measured", "local", "default", "assumed", "choice")
#: The subject of a :class:`Default` that the resolver fills with the inventory's year.
YEAR_SUBJECT: Final = "@year"
#: Distributions an input may name for the Monte Carlo analysis (as in citycarbon.uncertainty).
DISTRIBUTIONS: Final = ("normal", "lognormal", "triangular", "uniform")

FloatArray = npt.NDArray[np.float64]

#: The number types every formula accepts and returns: floats, and float arrays in a Monte Carlo
#: run. Formulas use only ``+ - * /`` so that one documented function serves both.
Num = TypeVar("Num", float, npt.NDArray[np.float64])

#: Resolved values handed to a formula: floats (or float arrays in a Monte Carlo run) in the
#: parameter's canonical unit, choice ids as strings, and under ``"<name>@unit"`` the canonical
#: unit the value is in.
Values = Mapping[str, Any]


_R = TypeVar("_R")


class _Nothing(Mapping[str, Any]):
    """An empty mapping that cannot be changed: one instance, shared by the records that have
    nothing to map, copied and pickled as itself, shown as ``{}``."""

    __slots__ = ()

    def __getitem__(self, key: str) -> Any:
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0

    def __contains__(self, key: object) -> bool:
        return False

    def get(self, key: str, default: Any = None) -> Any:
        """``default``: there is nothing."""
        return default

    def __repr__(self) -> str:
        return "{}"

    def __reduce__(self) -> str:
        return "NOTHING"

    def __copy__(self) -> _Nothing:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> _Nothing:
        return self


#: An empty mapping that cannot be changed (equal to ``{}``), shared by the records that have
#: nothing to map.
NOTHING: Final[Mapping[str, Any]] = _Nothing()


def record(cls: type[_R], /, **fields: Any) -> _R:
    """An instance of the frozen dataclass ``cls`` (one without slots) with ``fields``.

    The same object as ``cls(**fields)`` — equal, same repr — made in one step instead of one
    guarded ``object.__setattr__`` per field as the generated ``__init__`` does, for the records
    the engine makes by the thousand (lines, results). Every field must be given: no default or
    ``__post_init__`` is applied.
    """
    item = object.__new__(cls)
    object.__setattr__(item, "__dict__", fields)
    return item


def gas_group(gas: str) -> str:
    """The inventory gas group of a species id (``HFC134a`` → ``HFCs``, ``CF4`` → ``PFCs``).

    Raises
    ------
    ValueError
        For a gas outside the six of the guideline (for example NF3).
    """
    group = _GROUP_OF.get(gas)
    if group is not None:
        return group
    if gas in ("CO2", "CH4", "N2O", "SF6"):
        return gas
    if gas.startswith("HFC"):
        return "HFCs"
    if gas in _PFCS:
        return "PFCs"
    raise ValueError(f"gas {gas!r} is not one of the six inventory gases {', '.join(GAS_GROUPS)}")


@dataclass(frozen=True, slots=True)
class Location:
    """Where a value was given: workbook sheet (or section of the JSON/YAML form), row, column."""

    sheet: str
    row: str | int | None = None
    column: str | None = None

    def describe(self) -> str:
        """``sheet S, row R, column C``."""
        text = f"sheet {self.sheet}"
        if self.row is not None:
            text = f"{text}, row {self.row}"
        if self.column is not None:
            text = f"{text}, column {self.column}"
        return text

    def as_dict(self) -> dict[str, object]:
        """As plain data."""
        return {"sheet": self.sheet, "row": self.row, "column": self.column}


class InventoryError(ValueError):
    """One refusal, naming the sheet (or section), the row, the column and the value."""

    def __init__(
        self,
        message: str,
        where: Location | None = None,
        value: object = None,
    ) -> None:
        self.message = message
        self.where = where
        self.value = value
        super().__init__(self.describe())

    def describe(self) -> str:
        """``sheet …, row …, column …, value …: message``."""
        parts = [self.where.describe()] if self.where is not None else []
        if self.value is not None:
            parts.append(f"value {self.value!r}")
        prefix = ", ".join(parts)
        return f"{prefix}: {self.message}" if prefix else self.message

    def as_dict(self) -> dict[str, object]:
        """As plain data."""
        where = self.where.as_dict() if self.where else {"sheet": None, "row": None, "column": None}
        value = self.value
        if not isinstance(value, (str, int, float, type(None))):
            value = str(value)
        return {**where, "value": value, "message": self.message}


class InventoryRefusedError(ValueError):
    """An inventory refused as a whole: every problem found in it; nothing of it was computed."""

    def __init__(self, errors: Sequence[InventoryError]) -> None:
        self.errors = list(errors)
        super().__init__("; ".join(e.describe() for e in self.errors))


@dataclass(frozen=True, slots=True)
class Default:
    """How a parameter finds its default in the factor library.

    ``subjects`` are templates tried most specific first; ``{name}`` is replaced by the line's
    value of choice parameter (or context key) ``name``: ``("{activity}:{fuel}", "{fuel}")``;
    every line's context carries the inventory's province as ``region``. The special subject
    ``"@region"`` tries the inventory's province, its regional grid and the national grid, in
    that order. The special subject ``"@year"`` (:data:`YEAR_SUBJECT`) is no library lookup: the
    resolver supplies the inventory's own year (origin ``local``, given at ``inventory, year``),
    e.g. for the first-order decay of landfill deposits.
    """

    parameter: str
    subjects: tuple[str, ...]
    kind: str = "default"


@dataclass(frozen=True, slots=True)
class Param:
    """One input of a category.

    ``unit`` holds the canonical unit(s): a value given in any unit of the same dimension as one
    of them is converted to it. A ``fraction`` is given in ``%`` or ``fraction`` and handed to the
    formula as a fraction. A ``count`` (wells, head of livestock) is a bare number. A ``choice`` is
    an id from ``choices``. ``fallback`` is a value assumed when the line and the library give
    none (origin ``assumed``), e.g. zero recovered gas. ``uncertainty_pct`` is the default
    half-width of the 95 % interval used by the uncertainty analysis when the input gives none.
    """

    name: str
    kind: ParamKind
    description_en: str
    description_zh: str
    unit: tuple[str, ...] = ()
    default: Default | None = None
    required: bool = True
    minimum: float | None = 0.0
    maximum: float | None = None
    choices: tuple[str, ...] = ()
    fallback: float | None = None
    uncertainty_pct: float | None = None

    def as_dict(self) -> dict[str, object]:
        """The parameter's documentation as plain data."""
        return {
            "name": self.name,
            "kind": self.kind,
            "units": list(self.unit),
            "required": self.required and self.default is None and self.fallback is None,
            "default": (
                {
                    "parameter": self.default.parameter,
                    "subjects": list(self.default.subjects),
                    "kind": self.default.kind,
                }
                if self.default
                else None
            ),
            "fallback": self.fallback,
            "minimum": self.minimum,
            "maximum": self.maximum,
            "choices": list(self.choices) or None,
            "uncertainty_pct": self.uncertainty_pct,
            "description_en": self.description_en,
            "description_zh": self.description_zh,
        }


def param(
    name: str,
    kind: ParamKind,
    en: str,
    zh: str,
    unit: tuple[str, ...] = (),
    *,
    default: tuple[str, tuple[str, ...]] | None = None,
    required: bool = True,
    minimum: float | None = 0.0,
    maximum: float | None = None,
    choices: tuple[str, ...] = (),
    fallback: float | None = None,
    pct: float | None = None,
) -> Param:
    """A :class:`Param` in one line, as the category modules declare them: ``default`` is
    ``(library parameter, subject templates)``, ``pct`` the default uncertainty [%], and a
    fraction is at most 1 unless a maximum is given."""
    if kind == "fraction" and maximum is None:
        maximum = 1.0
    return Param(
        name,
        kind,
        en,
        zh,
        unit=unit,
        default=Default(default[0], default[1]) if default else None,
        required=required,
        minimum=minimum,
        maximum=maximum,
        choices=choices,
        fallback=fallback,
        uncertainty_pct=pct,
    )


@dataclass(frozen=True, slots=True)
class ParamUse:
    """A value a line used, and where it came from.

    ``origin`` is ``activity`` (activity data given), ``measured`` (a parameter given on the line),
    ``local`` (a local value given for the whole inventory), ``default`` (factor library row
    ``factor_id``), ``assumed`` (the category's documented fallback) or ``choice``. ``key`` names
    the source of the value so that the same source is the same random draw in a Monte Carlo run:
    the factor row id, the local value, or the activity cell.
    """

    name: str
    value: float | str
    unit: str
    origin: Origin
    factor_id: str | None = None
    given: str | None = None
    where: Location | None = None
    key: str = ""
    uncertainty_pct: float | None = None
    distribution: str | None = None

    def as_dict(self) -> dict[str, object]:
        """As plain data."""
        return {
            "name": self.name,
            "value": self.value,
            "unit": self.unit,
            "origin": self.origin,
            "factor_id": self.factor_id,
            ("subject" if self.origin == "default" else "given"): self.given,
            "where": self.where.describe() if self.where else None,
            "uncertainty_pct": self.uncertainty_pct,
            "distribution": self.distribution,
        }


@dataclass(frozen=True)
class LineInput:
    """One line of a category as given (or as derived from the energy balance).

    ``values`` holds raw values as written (numbers with units, choice ids); ``resolved`` holds
    values already in canonical units with their provenance (lines made from the energy balance).
    ``units`` gives the unit of bare numbers per parameter (the units row of a workbook block).
    """

    category: str
    values: Mapping[str, Any]
    where: Location
    label: str = ""
    units: Mapping[str, str] = field(default_factory=dict)
    resolved: Mapping[str, ParamUse] = field(default_factory=dict)
    context: Mapping[str, str] = field(default_factory=dict)
    locations: Mapping[str, Location] = field(default_factory=dict)


#: A formula over resolved values: masses of gases [t] by gas species id. It must work on floats
#: and on float arrays alike (arithmetic only; branch on choices and units, never on numbers).
Compute = Callable[[Values], dict[str, Any]]
#: A product term of a formula: (gas, coefficient, parameters multiplied, parameters divided by).
#: A formula declared as a sum of such terms can be sampled by the Monte Carlo analysis with every
#: parameter an uncertain variable; the terms must add up to ``compute``.
Term = tuple[str, float, tuple[str, ...], tuple[str, ...]]
Terms = Callable[[Values], list[Term]]
#: Comparisons between values of one line: ``[(parameter, message)]``; run before computing.
Check = Callable[[Values], list[tuple[str, str]]]
#: Lines a category makes from other parts of the input (the energy balance): receives the
#: parsed input and returns lines, or appends errors to the list it is given.
Derive = Callable[[Any, list[InventoryError]], list[LineInput]]


@dataclass(frozen=True)
class Category:
    """A source or sink category: its parameters and the documented formula that computes it.

    Attributes
    ----------
    id : ``<sector>.<name>``, e.g. ``energy.coal_mining``.
    code : IPCC 1996 category code, e.g. ``1B1a``.
    sector : one of :data:`SECTORS`.
    gases : gas species ids the category can emit (``CO2``, ``CH4``, ``HFC134a`` …).
    params : the inputs of one line.
    compute : formula, resolved values → masses [t] by gas species; a sink returns negatives.
    formula, reference : the equation in words and the exact reference, for documentation.
    reporting : ``direct`` (counted in the totals) or ``indirect`` (electricity and heat
        imported/exported, reported separately).
    check : comparisons between a line's values, e.g. recovered gas ≤ gas released.
    context : extra template keys computed from a line's choices (for default subjects and
        sub-categories), e.g. the fuel group of a fuel. A function of the mapping it is given
        only: its result is reused for every line with the same choices.
    derive : makes lines from other parts of the input (the energy balance).
    rows_allowed : whether lines may be given in the category's own section of the input.
    subcategory : the reporting sub-category code of a line (defaults to ``code``).
    key_group : the label a line is grouped under in key-category analysis (defaults to code).
    memo : memo items of a line not counted in any total (biogenic CO2) [t] by gas.
    terms : the formula as a sum of product terms of parameters (see :data:`Term`), for the
        uncertainty analysis; without it a line is one uncertain quantity whose uncertainty
        combines its parameters' by IPCC Eq. 3.1.
    subcategories : names (zh, en) of the sub-category codes ``subcategory`` returns.
    """

    id: str
    code: str
    sector: str
    name_en: str
    name_zh: str
    gases: tuple[str, ...]
    params: tuple[Param, ...]
    compute: Compute
    formula: str
    reference: str
    reporting: Reporting = "direct"
    check: Check | None = None
    context: Callable[[Mapping[str, str]], Mapping[str, str]] | None = None
    derive: Derive | None = None
    rows_allowed: bool = True
    subcategory: Callable[[Values], str] | None = None
    key_group: Callable[[Values], str] | None = None
    memo: Compute | None = None
    terms: Terms | None = None
    subcategories: Mapping[str, tuple[str, str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.sector not in SECTORS:
            raise ValueError(f"category {self.id}: unknown sector {self.sector!r}")
        if not self.id.startswith(f"{self.sector}."):
            raise ValueError(f"category {self.id}: the id must start with '{self.sector}.'")
        if self.reporting not in REPORTING:
            raise ValueError(f"category {self.id}: unknown reporting {self.reporting!r}")
        for gas in self.gases:
            gas_group(gas)
        names = [p.name for p in self.params]
        if len(set(names)) != len(names):
            raise ValueError(f"category {self.id}: a parameter is declared twice")

    def param(self, name: str) -> Param:
        """The parameter called ``name``."""
        for item in self.params:
            if item.name == name:
                return item
        raise KeyError(name)

    @cached_property
    def gas_groups(self) -> tuple[str, ...]:
        """The inventory gas groups the category can emit, in :data:`GAS_GROUPS` order."""
        groups = {gas_group(g) for g in self.gases}
        return tuple(g for g in GAS_GROUPS if g in groups)

    def as_dict(self) -> dict[str, object]:
        """The category's documentation as plain data."""
        return {
            "id": self.id,
            "code": self.code,
            "sector": self.sector,
            "name_en": self.name_en,
            "name_zh": self.name_zh,
            "gases": list(self.gases),
            "reporting": self.reporting,
            "formula": self.formula,
            "reference": self.reference,
            "rows_allowed": self.rows_allowed,
            "derived_from_energy_balance": self.derive is not None,
            "params": [p.as_dict() for p in self.params],
        }
