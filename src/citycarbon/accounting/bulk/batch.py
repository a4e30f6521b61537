"""The columnar batch: many enterprise reports as arrays, and the conversion from and to reports.

A :class:`ReportBatch` holds per report its id and, as integer codes, its sector guideline,
year and region; its lines are one :class:`SourceBlock` per source type, a struct of arrays:
the report each line belongs to, its line number, the choice fields as integer codes and the
numeric fields as float64 in the field's canonical unit (NaN: *not given, use the default*),
with the index of the unit for fields that have several canonical units (fuel in t, 10⁴ Nm³ or
GJ).

:func:`from_reports` builds a batch from :class:`~citycarbon.accounting.engine.ReportInput`,
reading values exactly as the exact path reads them, so both paths see the same inputs;
:meth:`ReportBatch.to_reports` goes back. What cannot be put in a column (an unknown source
type or field, a value that is not a number, a unit of the wrong dimension) is recorded in
:attr:`ReportBatch.errors` and refuses its report.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from citycarbon.accounting.engine import LineInput, ReportInput, split_value
from citycarbon.accounting.model import AccountingError, SourceType
from citycarbon.accounting.sources import SOURCE_TYPES, source_type
from citycarbon.numbers import NumberError, to_decimal
from citycarbon.units import UnitError, convert
from citycarbon.units.registry import parse_unit

FloatArray = npt.NDArray[np.float64]
IndexArray = npt.NDArray[np.intp]
CodeArray = npt.NDArray[np.int32]
UnitArray = npt.NDArray[np.int8]
BoolArray = npt.NDArray[np.bool_]

#: The code of a choice, unit, region or year that is not given.
MISSING: Final = -1


@dataclass(frozen=True, eq=False)
class SourceBlock:
    """The lines of one source type in a batch, as columns (a struct of arrays).

    Attributes
    ----------
    source : str
        The source type id.
    report : ndarray of intp
        For each line, the index of its report in the batch.
    line : ndarray of int32
        For each line, its number within the report (1-based, as the exact path numbers them).
    numbers : mapping of field name to ndarray of float64
        Numeric fields in the field's canonical unit; NaN where the line does not give the field
        (a default is looked up, or the field is absent).
    units : mapping of field name to ndarray of int8
        For numeric fields with more than one canonical unit: the index into ``Field.units`` of
        the unit the value is in, :data:`MISSING` where the value is not given.
    choices : mapping of field name to ndarray of int32
        Choice fields as codes into ``labels[name]``; :data:`MISSING` where not given.
    labels : mapping of field name to tuple of str
        The text of each choice code.
    """

    source: str
    report: IndexArray
    line: CodeArray
    numbers: Mapping[str, FloatArray] = field(default_factory=dict)
    units: Mapping[str, UnitArray] = field(default_factory=dict)
    choices: Mapping[str, CodeArray] = field(default_factory=dict)
    labels: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        report = np.asarray(self.report, dtype=np.intp)
        size = report.shape[0]
        object.__setattr__(self, "report", report)
        object.__setattr__(self, "line", _column(self.line, np.int32, size, "line"))
        object.__setattr__(
            self,
            "numbers",
            {k: _column(v, np.float64, size, k) for k, v in self.numbers.items()},
        )
        object.__setattr__(
            self, "units", {k: _column(v, np.int8, size, k) for k, v in self.units.items()}
        )
        object.__setattr__(
            self, "choices", {k: _column(v, np.int32, size, k) for k, v in self.choices.items()}
        )
        for name in self.choices:
            if name not in self.labels:
                raise ValueError(f"block {self.source}: choice column {name} has no labels")

    def __len__(self) -> int:
        return int(self.report.shape[0])

    @property
    def nbytes(self) -> int:
        """Memory held by the columns [bytes]."""
        arrays: list[npt.NDArray[Any]] = [self.report, self.line]
        arrays += [*self.numbers.values(), *self.units.values(), *self.choices.values()]
        return sum(int(a.nbytes) for a in arrays)


def _column(values: Any, dtype: Any, size: int, name: str) -> Any:
    """``values`` as a 1-D array of ``dtype`` and length ``size``; ``ValueError`` otherwise."""
    array = np.asarray(values, dtype=dtype)
    if array.shape != (size,):
        raise ValueError(f"column {name} has shape {array.shape}, expected ({size},)")
    return array


@dataclass(frozen=True, eq=False)
class ReportBatch:
    """Many reports as columns: report attributes as codes, lines as one block per source type.

    Attributes
    ----------
    ids : tuple of str
        Report ids.
    sector : ndarray of int32
        Code of each report's sector guideline into ``sectors``.
    sectors : tuple of str
        Sector ids.
    year : ndarray of int32
        Reporting year; :data:`MISSING` when the report gives none.
    region : ndarray of int32
        Code of each report's region into ``regions``; :data:`MISSING` when none.
    regions : tuple of str
        Region ids.
    blocks : mapping of source id to :class:`SourceBlock`
    errors : tuple of (report index, AccountingError)
        Problems found while building the batch (values that are not numbers, units of the wrong
        dimension, unknown source types ...); their reports are refused.
    """

    ids: tuple[str, ...]
    sector: CodeArray
    sectors: tuple[str, ...]
    year: CodeArray
    region: CodeArray
    regions: tuple[str, ...]
    blocks: Mapping[str, SourceBlock]
    errors: tuple[tuple[int, AccountingError], ...] = ()

    def __post_init__(self) -> None:
        size = len(self.ids)
        object.__setattr__(self, "ids", tuple(self.ids))
        for name in ("sector", "year", "region"):
            object.__setattr__(self, name, _column(getattr(self, name), np.int32, size, name))
        for block in self.blocks.values():
            if len(block) and (block.report.min() < 0 or block.report.max() >= size):
                raise ValueError(f"block {block.source}: report index out of range")

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def line_count(self) -> int:
        """Number of lines in the batch."""
        return sum(len(b) for b in self.blocks.values())

    @property
    def nbytes(self) -> int:
        """Memory held by the columns [bytes] (report ids not counted)."""
        own = int(self.sector.nbytes + self.year.nbytes + self.region.nbytes)
        return own + sum(b.nbytes for b in self.blocks.values())

    def to_reports(self, indices: Iterable[int] | None = None) -> list[ReportInput]:
        """The reports ``indices`` (default all) as :class:`ReportInput`, for the exact path.

        Numbers are written as the shortest text that reads back to the same float, with their
        canonical unit; choices as their text.
        """
        chosen = list(range(len(self))) if indices is None else [int(i) for i in indices]
        wanted = np.zeros(len(self), dtype=bool)
        wanted[chosen] = True
        lines: dict[int, list[tuple[int, LineInput]]] = {i: [] for i in chosen}
        for block in self.blocks.values():
            source = SOURCE_TYPES.get(block.source)
            units = {f.name: f.units for f in source.fields} if source else {}
            for row in np.flatnonzero(wanted[block.report]):
                values: dict[str, Any] = {}
                for name, column in block.choices.items():
                    code = int(column[row])
                    if code != MISSING:
                        values[name] = block.labels[name][code]
                for name, numbers in block.numbers.items():
                    number = float(numbers[row])
                    if math.isnan(number):
                        continue
                    choices = units.get(name) or ("",)
                    code = int(block.units[name][row]) if name in block.units else 0
                    values[name] = {"value": repr(number), "unit": choices[code]}
                item = LineInput(block.source, values)
                lines[int(block.report[row])].append((int(block.line[row]), item))
        result = []
        for i in chosen:
            year = int(self.year[i])
            region = int(self.region[i])
            result.append(
                ReportInput(
                    id=self.ids[i],
                    sector=self.sectors[int(self.sector[i])],
                    year=None if year == MISSING else year,
                    lines=tuple(item for _, item in sorted(lines[i], key=lambda t: t[0])),
                    region=None if region == MISSING else self.regions[region],
                )
            )
        return result


# --------------------------------------------------------------------------------------------
# From reports to a batch
# --------------------------------------------------------------------------------------------


class _BlockBuilder:
    """The lines of one source type, gathered row by row, then built into a block."""

    def __init__(self, source: SourceType) -> None:
        self.source = source
        self.report: list[int] = []
        self.line: list[int] = []
        self.numbers: dict[str, list[float]] = {}
        self.units: dict[str, list[int]] = {}
        self.choices: dict[str, list[int]] = {}
        self.labels: dict[str, dict[str, int]] = {}

    def add(
        self,
        report: int,
        number: int,
        numbers: dict[str, tuple[float, int]],
        picks: dict[str, str],
    ) -> None:
        row = len(self.report)
        self.report.append(report)
        self.line.append(number)
        for name, (value, unit) in numbers.items():
            self.numbers.setdefault(name, [math.nan] * row).append(value)
            self.units.setdefault(name, [MISSING] * row).append(unit)
        for name, text in picks.items():
            codes = self.labels.setdefault(name, {})
            self.choices.setdefault(name, [MISSING] * row).append(
                codes.setdefault(text, len(codes))
            )
        for column in self.numbers.values():
            if len(column) <= row:
                column.append(math.nan)
        for codes_list in (*self.units.values(), *self.choices.values()):
            if len(codes_list) <= row:
                codes_list.append(MISSING)

    def build(self) -> SourceBlock:
        multi = {f.name for f in self.source.fields if len(f.units) > 1}
        return SourceBlock(
            source=self.source.id,
            report=np.array(self.report, dtype=np.intp),
            line=np.array(self.line, dtype=np.int32),
            numbers={k: np.array(v, dtype=np.float64) for k, v in self.numbers.items()},
            units={k: np.array(v, dtype=np.int8) for k, v in self.units.items() if k in multi},
            choices={k: np.array(v, dtype=np.int32) for k, v in self.choices.items()},
            labels={k: tuple(v) for k, v in self.labels.items()},
        )


def from_reports(reports: Sequence[ReportInput]) -> ReportBatch:
    """Turn reports as given into a columnar batch.

    Values are read as the exact path reads them (a number with its unit, ``"v unit"`` or
    ``{"value": v, "unit": u}``) and converted exactly to the field's canonical unit before
    becoming a float. What cannot be put in a column — an unknown source type or field, a value
    that is not a number, a missing or wrong-dimension unit — is recorded in
    :attr:`ReportBatch.errors` and refuses the report; range checks (negative values, rates
    above 100 %) are left to :func:`~citycarbon.accounting.bulk.resolve_bulk`, which does them
    vectorised.
    """
    sector_codes: dict[str, int] = {}
    region_codes: dict[str, int] = {}
    builders: dict[str, _BlockBuilder] = {}
    errors: list[tuple[int, AccountingError]] = []
    sector_col: list[int] = []
    year_col: list[int] = []
    region_col: list[int] = []
    for index, report in enumerate(reports):
        sector_col.append(sector_codes.setdefault(report.sector, len(sector_codes)))
        year_col.append(report.year if report.year is not None else MISSING)
        region_col.append(
            region_codes.setdefault(report.region, len(region_codes)) if report.region else MISSING
        )
        for number, line in enumerate(report.lines, start=1):
            found: list[AccountingError] = []
            fail = partial(_fail, found, report.id, number)
            try:
                source = source_type(line.source)
            except KeyError as exc:
                fail(str(exc.args[0]), "source", line.source)
                errors.extend((index, e) for e in found)
                continue
            numbers, picks = _read_line(source, line, fail)
            errors.extend((index, e) for e in found)
            builder = builders.get(source.id)
            if builder is None:
                builder = builders[source.id] = _BlockBuilder(source)
            builder.add(index, number, numbers, picks)
    return ReportBatch(
        ids=tuple(r.id for r in reports),
        sector=np.array(sector_col, dtype=np.int32),
        sectors=tuple(sector_codes),
        year=np.array(year_col, dtype=np.int32),
        region=np.array(region_col, dtype=np.int32),
        regions=tuple(region_codes),
        blocks={k: b.build() for k, b in builders.items()},
        errors=tuple(errors),
    )


def _fail(
    found: list[AccountingError],
    report: str,
    line: int,
    message: str,
    name: str | None,
    value: object,
) -> None:
    """Record a problem of line ``line`` of report ``report`` in ``found``."""
    found.append(AccountingError(message, report=report, line=line, field=name, value=value))


def _read_line(
    source: SourceType,
    line: LineInput,
    fail: Callable[[str, str | None, object], None],
) -> tuple[dict[str, tuple[float, int]], dict[str, str]]:
    """A line's given values: numbers in canonical units with the unit index, choices as text."""
    fields = {f.name: f for f in source.fields}
    for name, raw in line.values.items():
        if name not in fields and name != "quantity@given_unit":
            known = ", ".join(f.name for f in source.fields)
            fail(f"{source.id} has no field {name!r}; fields: {known}", name, raw)
    numbers: dict[str, tuple[float, int]] = {}
    picks: dict[str, str] = {}
    for item in source.fields:
        raw = line.values.get(item.name)
        if raw is None:
            continue
        if item.kind == "choice":
            picks[item.name] = str(raw)
            continue
        if item.name == "quantity" and "quantity@given_unit" in line.values:
            given_unit = line.values["quantity@given_unit"]
            number, unit = raw, None if given_unit is None else str(given_unit)
        else:
            number, unit = split_value(raw)
        try:
            value = to_decimal(number)
        except NumberError:
            fail("not a number", item.name, raw)
            continue
        if unit is None:
            if item.kind == "fraction":
                message = "write the unit: '%' or 'fraction' (a bare number is ambiguous)"
                fail(message, item.name, raw)
            else:
                fail(f"a unit is required ({' or '.join(item.units)})", item.name, raw)
            continue
        if item.kind == "fraction" and unit.strip().lower() not in {"%", "fraction", "percent"}:
            fail(f"unit {unit!r}: a rate is written in '%' or 'fraction'", item.name, raw)
            continue
        try:
            canonical = canonical_unit(item.units, item.name, unit)
            converted = convert(value, unit, canonical)
        except UnitError as exc:
            fail(str(exc), item.name, f"{number} {unit}")
            continue
        numbers[item.name] = (float(converted), item.units.index(canonical))
    return numbers, picks


def canonical_unit(units: tuple[str, ...], name: str, unit: str) -> str:
    """The unit of ``units`` (a field's canonical units) with the dimension of ``unit``.

    Raises
    ------
    UnitError
        When none of them has that dimension.
    """
    given = parse_unit(unit)
    for candidate in units:
        if parse_unit(candidate).dimensionality == given.dimensionality:
            return candidate
    raise UnitError(f"unit {unit!r} has the wrong dimension; {name} is in {' or '.join(units)}")
