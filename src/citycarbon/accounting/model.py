"""The objects of enterprise accounting: source types, their fields, lines and results.

A *source type* (排放源类别) is one documented formula with the fields it reads. A *sector* (one of
the 24 guidelines) is a declared composition of source types with a treatment for each: added
to the total, subtracted from it, or reported separately. A *report* is one enterprise-year: its
lines are activity data of source types, with measured parameters where the enterprise has them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Final, Literal, TypeVar

import numpy as np
import numpy.typing as npt

from citycarbon.units import CO2e

__all__ = [
    "TREATMENTS",
    "AccountingError",
    "DefaultSpec",
    "Field",
    "FieldKind",
    "LineResult",
    "Num",
    "ParamUse",
    "ReportError",
    "ReportResult",
    "Sector",
    "SectorSource",
    "SourceType",
    "Treatment",
    "Value",
    "num",
]

FieldKind = Literal["activity", "parameter", "fraction", "choice"]
Treatment = Literal["add", "subtract", "memo"]
TREATMENTS: Final = ("add", "subtract", "memo")

#: The number types every formula function accepts and returns: exact decimals for reports,
#: floats and float arrays for statistics and bulk recomputation. Formulas use only ``+ - * /``
#: (multiplying before dividing), so one documented function serves every type.
Num = TypeVar("Num", Decimal, float, npt.NDArray[np.float64])

#: A resolved value handed to a compute function: a number in the field's canonical unit (a
#: Decimal, or a float array in bulk recomputation), the id chosen for a ``choice`` field, or
#: under ``"<field>@unit"`` the canonical unit the field's value is in.
Value = Decimal | str | npt.NDArray[np.float64] | npt.NDArray[np.object_]


def num(values: Mapping[str, Value], name: str) -> Any:
    """The numeric value of field ``name`` (a Decimal, or a float array in bulk mode)."""
    value = values[name]
    if isinstance(value, str):
        raise TypeError(f"field {name} is not numeric")
    return value


class AccountingError(ValueError):
    """One refusal, naming the report, the line, the field and the value."""

    def __init__(
        self,
        message: str,
        *,
        report: str | None = None,
        line: int | None = None,
        field: str | None = None,
        value: object = None,
    ) -> None:
        self.message = message
        self.report = report
        self.line = line
        self.field = field
        self.value = value
        super().__init__(self.describe())

    def describe(self) -> str:
        """A sentence that names where the error is: report, line, field, value."""
        where = []
        if self.report is not None:
            where.append(f"report {self.report}")
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.field is not None:
            where.append(f"field {self.field}")
        if self.value is not None:
            where.append(f"value {self.value!r}")
        prefix = ", ".join(where)
        return f"{prefix}: {self.message}" if prefix else self.message

    def as_dict(self) -> dict[str, object]:
        """The refusal as plain data."""
        value = (
            self.value if isinstance(self.value, (str, int, float, type(None))) else str(self.value)
        )
        return {
            "report": self.report,
            "line": self.line,
            "field": self.field,
            "value": value,
            "message": self.message,
        }


class ReportError(ValueError):
    """A report refused as a whole: every problem found in it, none computed."""

    def __init__(self, report: str | None, errors: list[AccountingError]) -> None:
        self.report = report
        self.errors = errors
        super().__init__("; ".join(e.describe() for e in errors))


@dataclass(frozen=True, slots=True)
class DefaultSpec:
    """How a field finds its default in the factor library when a line leaves it out.

    ``parameter`` is the factor library's parameter name; the subject is the value of the line's
    field ``subject_field`` (for example the fuel), or the fixed ``subject``.
    """

    parameter: str
    subject_field: str | None = None
    subject: str | None = None
    kind: str = "default"


@dataclass(frozen=True, slots=True)
class Field:
    """One input of a source type.

    ``units`` are the canonical units the value is converted to; a value is accepted in any unit of
    the same dimension as one of them, and is handed to the formula in that canonical unit. For a
    ``fraction`` field the canonical unit is ``fraction`` and ``%`` or ``fraction`` must be written.
    """

    name: str
    kind: FieldKind
    description_en: str
    description_zh: str
    units: tuple[str, ...] = ()
    required: bool = True
    default: DefaultSpec | None = None
    minimum: Decimal | None = Decimal(0)
    maximum: Decimal | None = None
    choices: Callable[[], tuple[str, ...]] | None = None

    def as_dict(self) -> dict[str, object]:
        """The field's documentation as plain data."""
        return {
            "name": self.name,
            "kind": self.kind,
            "units": list(self.units),
            "required": self.required and self.default is None,
            "default": self.default.parameter if self.default else None,
            "minimum": None if self.minimum is None else str(self.minimum),
            "maximum": None if self.maximum is None else str(self.maximum),
            "choices": list(self.choices()) if self.choices else None,
            "description_en": self.description_en,
            "description_zh": self.description_zh,
        }


#: A compute function: resolved values by field name → masses of gases [t]. It must work on
#: Decimal scalars and on float arrays alike (arithmetic only; no branching on numeric values).
Compute = Callable[[Mapping[str, Value]], dict[str, Any]]


@dataclass(frozen=True)
class SourceType:
    """An emission-source type: its fields and the documented formula that computes it."""

    id: str
    name_en: str
    name_zh: str
    gases: tuple[str, ...]
    fields: tuple[Field, ...]
    compute: Compute
    formula: str
    reference: str
    check: Callable[[Mapping[str, Value]], list[tuple[str, str]]] | None = None

    def field(self, name: str) -> Field:
        """The field called ``name``."""
        for item in self.fields:
            if item.name == name:
                return item
        raise KeyError(name)

    def as_dict(self) -> dict[str, object]:
        """The source type's documentation as plain data."""
        return {
            "id": self.id,
            "name_en": self.name_en,
            "name_zh": self.name_zh,
            "gases": list(self.gases),
            "formula": self.formula,
            "reference": self.reference,
            "fields": [f.as_dict() for f in self.fields],
        }


@dataclass(frozen=True, slots=True)
class SectorSource:
    """A source type as one sector guideline uses it."""

    source: str
    treatment: Treatment = "add"
    note: str = ""
    #: A subtracted amount cannot exceed what it is subtracted from: the mass of ``bound_gas``
    #: from this source, summed over the report, must not exceed that from ``bounded_by``.
    bounded_by: tuple[str, ...] = ()
    bound_gas: str = ""


@dataclass(frozen=True)
class Sector:
    """One of the 24 sector guidelines: which source types it has and how its total is made."""

    id: str
    name_zh: str
    name_en: str
    guideline: str
    document: str
    sources: tuple[SectorSource, ...]
    factor_sets: tuple[str, ...] = ("ndrc2013-appendix2",)
    note: str = ""

    def treatment(self, source: str) -> Treatment | None:
        """How this sector treats ``source``, or ``None`` when the guideline does not have it."""
        for item in self.sources:
            if item.source == source:
                return item.treatment
        return None


@dataclass(frozen=True, slots=True)
class ParamUse:
    """A value a line's calculation used, and where it came from."""

    name: str
    value: Value
    unit: str
    origin: Literal["activity", "measured", "default", "choice"]
    factor_id: str | None = None
    given: str | None = None

    def as_dict(self) -> dict[str, object]:
        """As plain data."""
        return {
            "name": self.name,
            "value": str(self.value),
            "unit": self.unit,
            "origin": self.origin,
            "factor_id": self.factor_id,
            "given": self.given,
        }


@dataclass(frozen=True)
class LineResult:
    """The emissions of one line: masses of each gas, the CO2e and how it counts."""

    line: int
    source: str
    treatment: Treatment
    masses_t: Mapping[str, Decimal]
    co2e: CO2e
    params: tuple[ParamUse, ...]
    label: str = ""

    @property
    def contribution(self) -> Decimal:
        """Signed contribution to the report total [tCO2e]: +, − or 0 (reported separately)."""
        if self.treatment == "add":
            return self.co2e.value
        if self.treatment == "subtract":
            return -self.co2e.value
        return Decimal(0)


@dataclass(frozen=True)
class ReportResult:
    """A computed report: the total and its breakdowns by the sector guideline's definition."""

    id: str
    sector: str
    year: int | None
    metric: str
    lines: tuple[LineResult, ...]
    total: CO2e
    by_source: Mapping[str, Decimal]
    by_gas: Mapping[str, Decimal]
    memo: Mapping[str, Decimal]
    factor_library: str
    extra: Mapping[str, object] = field(default_factory=dict)
