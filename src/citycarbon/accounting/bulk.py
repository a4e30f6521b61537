"""Bulk recomputation: many reports at once, column by column, through the same formulas.

A climate office recomputes every report when a factor set changes; a national platform does it
for tens of thousands of enterprises. This module does what :func:`~citycarbon.accounting.engine.
compute_report` does, for a whole batch, with numpy arrays instead of one Decimal at a time:

1. **A columnar batch** (:class:`ReportBatch`): per report its id, sector, year and region (as
   integer codes); per source type one :class:`SourceBlock` of lines (a struct of arrays) with
   the report each line belongs to, its line number, the choice fields as integer codes, and the
   numeric fields as float64 in the field's canonical unit, where NaN means *not given, use the
   default*. Fields with more than one canonical unit (fuel quantity in t, 10⁴ Nm³ or GJ) carry
   the index of their unit. :func:`from_reports` builds a batch from
   :class:`~citycarbon.accounting.engine.ReportInput` (so both paths see the same inputs) and
   :meth:`ReportBatch.to_reports` goes back.
2. **Validation, vectorised** (:func:`resolve_bulk`): negative values, fractions above 100 %,
   required fields left out, unknown choices, sources a sector guideline does not have, reports
   without a year or lines. Every problem is an
   :class:`~citycarbon.accounting.model.AccountingError` naming the report, the line, the field
   and the value; a report with any problem is refused as a whole, the others are computed.
3. **The factor join**: a report's *context* is its sector guideline's factor sets, its region
   and its year. Defaults are looked up with :meth:`FactorLibrary.find
   <citycarbon.factors.FactorLibrary.find>` once per distinct combination of subject and the
   parts of the context the candidate rows depend on (a fuel's appendix-2 parameters depend on
   the guideline only; a grid factor on region and year), then scattered to the lines by integer
   indexing.
4. **The formulas**: each source type's registered ``compute`` is called with the column arrays
   of all its lines at once. Lines whose choices and units lead ``compute`` down different
   branches (heat given in GJ rather than fuel in tonnes) are told apart by tracing ``compute``
   once per distinct combination of choices and units with symbolic numbers; lines with the
   same traced formula form one *class* and are computed together.
5. **CO2e and totals**: gas masses times the GWP of the named metric, the sector treatment's
   sign (added, subtracted, or reported separately), summed per report with
   :func:`numpy.bincount`; a subtracted amount the guideline bounds by other sources
   (``SectorSource.bounded_by``) is checked against their per-report sums.

Checks that a source type declares (``SourceType.check``) run once per distinct combination of
choices and units, with symbolic numbers. A check that compares numbers (recovered ≤ generated)
is explored branch by branch and each comparison evaluated on the columns; lines whose
comparison is too close to call in floating point, or whose branch prints a number in its
message, are checked exactly (Decimal), one by one — so a check refuses exactly the lines the
exact path refuses.

Results agree with the exact path to floating-point accuracy (about 1e-15 relative per line);
the exact Decimal path stays the one for verified figures.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from decimal import Decimal, localcontext
from functools import lru_cache, partial
from typing import Any, Final, Literal, cast

import numpy as np
import numpy.typing as npt

from citycarbon.accounting.engine import LineInput, ReportInput, split_value
from citycarbon.accounting.model import (
    AccountingError,
    Field,
    ReportError,
    Sector,
    SourceType,
    Value,
)
from citycarbon.accounting.sectors import sector as get_sector
from citycarbon.accounting.sectors import sectors as all_sectors
from citycarbon.accounting.sources import SOURCE_TYPES, source_type
from citycarbon.factors import ANY, FactorError, FactorLibrary, FactorRow, default_library
from citycarbon.factors.regions import region_chain
from citycarbon.numbers import CONTEXT, NumberError, to_decimal
from citycarbon.units import DEFAULT_METRIC, METRICS, GWPError, UnitError, convert, gwp
from citycarbon.units.registry import parse_unit

__all__ = [
    "MISSING",
    "BulkResult",
    "DefaultTable",
    "FormulaClass",
    "Node",
    "ReportBatch",
    "ResolvedBatch",
    "ResolvedBlock",
    "SignatureDim",
    "SourceBlock",
    "compute_bulk",
    "evaluate_bulk",
    "from_reports",
    "resolve_bulk",
    "trace_compute",
]

FloatArray = npt.NDArray[np.float64]
IndexArray = npt.NDArray[np.intp]
CodeArray = npt.NDArray[np.int32]
UnitArray = npt.NDArray[np.int8]
BoolArray = npt.NDArray[np.bool_]

#: The code of a choice, unit, region or year that is not given.
MISSING: Final = -1

#: A traced formula: ``("field", name)``, ``("const", text)``, ``("neg", node)`` or
#: ``(op, left, right)`` with ``op`` one of ``+ - * / **``.
Node = tuple[Any, ...]


# --------------------------------------------------------------------------------------------
# The columnar batch
# --------------------------------------------------------------------------------------------


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
    above 100 %) are left to :func:`resolve_bulk`, which does them vectorised.
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
            canonical = _canonical_unit(item.units, item.name, unit)
            converted = convert(value, unit, canonical)
        except UnitError as exc:
            fail(str(exc), item.name, f"{number} {unit}")
            continue
        numbers[item.name] = (float(converted), item.units.index(canonical))
    return numbers, picks


# --------------------------------------------------------------------------------------------
# Tracing compute functions with symbolic numbers
# --------------------------------------------------------------------------------------------


class _UntraceableError(Exception):
    """The function did something with a number other than + - * / (compare, convert ...)."""


def _as_node(value: object) -> Node:
    if isinstance(value, _Sym):
        return value.node
    if isinstance(value, bool):
        raise _UntraceableError("a boolean used as a number")
    if isinstance(value, (int, Decimal)):
        return ("const", str(value))
    if isinstance(value, (float, np.floating)):
        return ("const", repr(float(value)))
    raise _UntraceableError(f"operand of type {type(value).__name__}")


class _Sym:
    """A symbolic number: arithmetic builds a formula tree, anything else is refused."""

    __slots__ = ("node",)
    __array_ufunc__ = None  # numpy scalars defer to the reflected operators below

    def __init__(self, node: Node) -> None:
        self.node = node

    def _op(self, op: str, other: object, reflected: bool) -> _Sym:
        other_node = _as_node(other)
        return _Sym((op, other_node, self.node) if reflected else (op, self.node, other_node))

    def __add__(self, other: object) -> _Sym:
        return self._op("+", other, False)

    def __radd__(self, other: object) -> _Sym:
        return self._op("+", other, True)

    def __sub__(self, other: object) -> _Sym:
        return self._op("-", other, False)

    def __rsub__(self, other: object) -> _Sym:
        return self._op("-", other, True)

    def __mul__(self, other: object) -> _Sym:
        return self._op("*", other, False)

    def __rmul__(self, other: object) -> _Sym:
        return self._op("*", other, True)

    def __truediv__(self, other: object) -> _Sym:
        return self._op("/", other, False)

    def __rtruediv__(self, other: object) -> _Sym:
        return self._op("/", other, True)

    def __pow__(self, other: object) -> _Sym:
        return self._op("**", other, False)

    def __rpow__(self, other: object) -> _Sym:
        return self._op("**", other, True)

    def __neg__(self) -> _Sym:
        return _Sym(("neg", self.node))

    def __pos__(self) -> _Sym:
        return self

    def _compare(self, op: str, other: object) -> Any:
        explorer = _EXPLORER.get()
        if explorer is None:
            raise _UntraceableError("a formula compared numbers")
        return _Cond((op, self.node, _as_node(other)), explorer)

    def __lt__(self, other: object) -> Any:
        return self._compare("<", other)

    def __le__(self, other: object) -> Any:
        return self._compare("<=", other)

    def __gt__(self, other: object) -> Any:
        return self._compare(">", other)

    def __ge__(self, other: object) -> Any:
        return self._compare(">=", other)

    def __eq__(self, other: object) -> Any:
        if isinstance(other, (_Sym, int, float, Decimal, np.number)):
            return self._compare("==", other)
        return False

    def __ne__(self, other: object) -> Any:
        if isinstance(other, (_Sym, int, float, Decimal, np.number)):
            return self._compare("!=", other)
        return True

    def _refuse(self, *args: object) -> Any:
        raise _UntraceableError("a number was converted, tested or printed")

    __bool__ = __float__ = __int__ = __index__ = __abs__ = __round__ = _refuse
    __floordiv__ = __mod__ = __hash__ = __str__ = __format__ = _refuse


class _Cond:
    """A comparison of symbolic numbers; testing it takes the branch the explorer says."""

    __slots__ = ("explorer", "node")

    def __init__(self, node: Node, explorer: _Explorer) -> None:
        self.node = node
        self.explorer = explorer

    def __bool__(self) -> bool:
        return self.explorer.decide(self.node)


class _Explorer:
    """Walks one path through a check: the branches given in ``prefix``, then ``False``."""

    limit: Final = 16

    def __init__(self, prefix: Sequence[bool]) -> None:
        self.prefix = prefix
        self.path: list[tuple[Node, bool]] = []

    def decide(self, node: Node) -> bool:
        step = len(self.path)
        if step >= self.limit:
            raise _UntraceableError("too many comparisons")
        choice = self.prefix[step] if step < len(self.prefix) else False
        self.path.append((node, choice))
        return choice


_EXPLORER: ContextVar[_Explorer | None] = ContextVar("citycarbon_bulk_explorer", default=None)

#: At most this many paths through one check are explored; beyond, lines are checked one by one.
_MAX_PATHS: Final = 64


def _explore(
    check: Callable[[Mapping[str, Value]], list[tuple[str, str]]], values: Mapping[str, object]
) -> list[tuple[list[tuple[Node, bool]], list[tuple[str, str]] | None]]:
    """Every path through ``check``: the comparisons taken, and its result (``None`` when the
    path does something that needs actual numbers, such as printing one in a message)."""
    stack: list[list[bool]] = [[]]
    paths: list[tuple[list[tuple[Node, bool]], list[tuple[str, str]] | None]] = []
    while stack:
        prefix = stack.pop()
        explorer = _Explorer(prefix)
        token = _EXPLORER.set(explorer)
        result: list[tuple[str, str]] | None
        try:
            result = check(cast(Mapping[str, Value], values))
        except _UntraceableError:
            result = None
        finally:
            _EXPLORER.reset(token)
        paths.append((explorer.path, result))
        if len(paths) > _MAX_PATHS:
            raise _UntraceableError("too many paths")
        for step in range(len(prefix), len(explorer.path)):
            stack.append([d for _, d in explorer.path[:step]] + [True])
    return paths


def trace_compute(
    source: SourceType, strings: Mapping[str, str], numeric: Iterable[str]
) -> dict[str, Node] | None:
    """The formula ``source.compute`` applies, per gas, for one combination of choices and units.

    Parameters
    ----------
    source : SourceType
    strings : mapping of str to str
        The choice values and ``"<field>@unit"`` entries, as the exact path passes them.
    numeric : iterable of str
        The numeric fields present; each becomes a symbol ``("field", name)``.

    Returns
    -------
    dict or None
        Gas id → formula tree, or ``None`` when the function does more than arithmetic on the
        numbers (it then runs on arrays directly, or line by line for checks).
    """
    values: dict[str, object] = dict(strings)
    for name in numeric:
        values[name] = _Sym(("field", name))
    try:
        out = source.compute(cast(Mapping[str, Value], values))
        return {str(gas): _as_node(mass) for gas, mass in out.items()}
    except Exception:  # anything but arithmetic makes the formula untraceable
        return None


def _evaluate(node: Node, columns: Mapping[str, Any]) -> Any:
    tag = node[0]
    if tag == "field":
        return columns[node[1]]
    if tag == "const":
        return float(node[1])
    if tag == "neg":
        return -_evaluate(node[1], columns)
    left, right = _evaluate(node[1], columns), _evaluate(node[2], columns)
    if tag == "+":
        return left + right
    if tag == "-":
        return left - right
    if tag == "*":
        return left * right
    if tag == "/":
        return left / right
    return left**right


_COMPARISONS: Final[dict[str, Callable[[Any, Any], Any]]] = {
    "<": np.less,
    "<=": np.less_equal,
    ">": np.greater,
    ">=": np.greater_equal,
    "==": np.equal,
    "!=": np.not_equal,
}

#: Two computed numbers closer than this (relative) are compared exactly, not in floating point.
_CLOSE: Final = 1e-12


def _condition(node: Node, columns: Mapping[str, Any], size: int) -> tuple[BoolArray, BoolArray]:
    """A traced comparison on columns: where it holds, and where it is too close to call.

    Comparing a given value with another or with a constant is decided in floating point:
    reading a decimal as the nearest float keeps its order, and keeps equality for the up to 15
    significant digits a float holds. Comparing computed values (sums, products) is too close
    to call when they differ by rounding only, and then the line is checked exactly.
    """
    computed = node[1][0] not in ("field", "const") or node[2][0] not in ("field", "const")
    with np.errstate(all="ignore"):
        left = np.asarray(_evaluate(node[1], columns), dtype=np.float64)
        right = np.asarray(_evaluate(node[2], columns), dtype=np.float64)
        truth = _COMPARISONS[node[0]](left, right)
        if computed:
            scale = np.maximum(np.abs(left), np.abs(right))
            close = np.abs(left - right) <= _CLOSE * scale
        else:
            close = np.zeros(np.broadcast(left, right).shape, dtype=bool)
    return (
        np.broadcast_to(truth, (size,)).astype(bool),
        np.broadcast_to(close, (size,)).astype(bool),
    )


# --------------------------------------------------------------------------------------------
# Resolution: validation, contexts, defaults, formula classes
# --------------------------------------------------------------------------------------------


class _Errors:
    """Errors by report index; a (report, line, field) found while building is not repeated."""

    def __init__(self, batch: ReportBatch) -> None:
        self.ids = batch.ids
        self.items: list[tuple[int, AccountingError]] = list(batch.errors)
        self.known = {(i, e.line, e.field) for i, e in batch.errors if e.line is not None}
        #: Reports already refused: later stages add nothing to them (the exact path stops).
        self.closed: BoolArray | None = None

    def add(
        self,
        report: int,
        message: str,
        *,
        line: int | None = None,
        field: str | None = None,
        value: object = None,
    ) -> None:
        if line is not None and (report, line, field) in self.known:
            return
        if self.closed is not None and self.closed[report]:
            return
        error = AccountingError(
            message, report=self.ids[report], line=line, field=field, value=value
        )
        self.items.append((report, error))

    def lines(
        self,
        block: SourceBlock,
        rows: IndexArray,
        message: str | Callable[[int], str],
        field: str | None,
        value: Callable[[int], object] | None = None,
    ) -> None:
        for row in rows.tolist():
            text = message(row) if callable(message) else message
            self.add(
                int(block.report[row]),
                text,
                line=int(block.line[row]),
                field=field,
                value=None if value is None else value(row),
            )


def _shown(value: float, unit: str) -> str:
    return f"{value:.15g} {unit}".strip()


@dataclass(frozen=True, eq=False)
class _Contexts:
    """Distinct (sector, region, year) of the reports; each report's context index."""

    report: IndexArray
    sector: IndexArray
    region: IndexArray
    year: IndexArray
    report_sector: IndexArray

    @property
    def size(self) -> int:
        return int(self.sector.shape[0])


def _contexts(batch: ReportBatch) -> _Contexts:
    n_regions = len(batch.regions) + 1
    years = batch.year.astype(np.int64)
    low = int(years[years != MISSING].min()) if (years != MISSING).any() else 0
    span = int(years.max()) - low + 2 if len(years) else 1
    year_code = np.where(years == MISSING, 0, years - low + 1)
    key = (batch.sector.astype(np.int64) * n_regions + batch.region + 1) * span + year_code
    if len(key) == 0:
        empty = np.zeros(0, dtype=np.intp)
        return _Contexts(empty, empty, empty, empty, empty)
    size = int(key.max()) + 1
    if size <= 4 * len(key) + 1024:
        used = np.zeros(size, dtype=bool)
        used[key] = True
        keys = np.flatnonzero(used)
        remap = np.cumsum(used, dtype=np.intp) - 1
        report = remap[key]
    else:
        keys, inverse = np.unique(key, return_inverse=True)
        report = inverse.astype(np.intp)
    year_part = keys % span
    rest = keys // span
    return _Contexts(
        report=report.astype(np.intp, copy=False),
        sector=(rest // n_regions).astype(np.intp),
        region=(rest % n_regions - 1).astype(np.intp),
        year=np.where(year_part == 0, MISSING, year_part + low - 1).astype(np.intp),
        report_sector=batch.sector.astype(np.intp),
    )


@dataclass(frozen=True, eq=False)
class DefaultTable:
    """The resolved defaults of one field for every (subject, context).

    ``value[s, c]`` is the default in the field's canonical unit for subject code ``s`` (the
    choice code of the subject field; one row when the subject is fixed or the region) in
    column ``c``: the sector code when ``level`` is ``"sector"`` (no candidate row depends on
    region or year), else the context (sector, region, year) index. With a subject field, the
    last row is for lines whose subject is missing or invalid (NaN, no error).
    ``unit[s, c]`` indexes ``Field.units``; ``failed[s, c]`` marks cells with no default;
    ``factor[s, c]`` indexes ``factor_ids``, the ids of the factor rows used (provenance).
    """

    field: str
    subject_field: str | None
    level: Literal["sector", "context"]
    value: FloatArray
    unit: UnitArray
    failed: BoolArray
    factor: CodeArray
    factor_ids: tuple[str, ...]


@dataclass(frozen=True)
class SignatureDim:
    """One thing ``compute`` or ``check`` may branch on: a choice, a unit, or a field's presence.

    Code 0 is *not given*; code ``k + 1`` is ``labels[k]`` (for ``present``: 1 = given).
    """

    kind: Literal["choice", "unit", "present"]
    field: str
    labels: tuple[str, ...]


@dataclass(frozen=True, eq=False)
class FormulaClass:
    """Lines that run through the same traced formula.

    ``strings`` are the choices and units passed to ``compute`` (those of the class's first
    signature), ``numeric`` the numeric fields present, ``exprs`` the traced formula per gas
    (``None`` when untraceable), ``signatures`` the indices of the signatures in this class.
    """

    strings: Mapping[str, str]
    numeric: tuple[str, ...]
    exprs: Mapping[str, Node] | None
    signatures: tuple[int, ...]


@dataclass(frozen=True, eq=False)
class ResolvedBlock:
    """A source block after validation and the factor join, ready to compute.

    ``columns`` are the numeric fields with defaults filled in (NaN where a line is in error);
    ``units`` the unit codes of multi-unit fields after defaults; ``signature`` the key of each
    line's combination of choices, units and presence (``None`` when there are no such
    dimensions), ``signature_keys`` the distinct keys (sorted) and ``signatures`` their codes per
    dimension (code 0: not given; k + 1: ``labels[k]``); ``line_class`` the
    formula class of each line (``None`` when there is only one).
    """

    source: SourceType
    block: SourceBlock
    context: IndexArray
    columns: Mapping[str, FloatArray]
    units: Mapping[str, UnitArray]
    defaults: Mapping[str, DefaultTable]
    dims: tuple[SignatureDim, ...]
    signature: npt.NDArray[Any] | None
    signature_keys: npt.NDArray[np.int64]
    signatures: npt.NDArray[np.int64]
    classes: tuple[FormulaClass, ...]
    line_class: IndexArray | None
    sign_by_context: FloatArray
    memo_by_context: BoolArray
    line_error: BoolArray

    def line_values(self, row: int) -> dict[str, Value]:
        """What ``compute`` receives for line ``row`` alone: floats, choices and units."""
        index = 0
        if self.signature is not None:
            index = int(np.searchsorted(self.signature_keys, self.signature[row]))
        codes = self.signatures[index]
        strings, numeric = _signature_strings(self.source, self.dims, codes, self.columns)
        values: dict[str, Any] = dict(strings)
        values.update({name: float(self.columns[name][row]) for name in numeric})
        return values


@dataclass(frozen=True, eq=False)
class ResolvedBatch:
    """A batch after validation and the factor join (see :func:`resolve_bulk`)."""

    batch: ReportBatch
    library: FactorLibrary
    report_context: IndexArray
    context_sector: IndexArray
    context_region: IndexArray
    context_year: IndexArray
    blocks: Mapping[str, ResolvedBlock]
    errors: tuple[tuple[int, AccountingError], ...]


def resolve_bulk(batch: ReportBatch, *, library: FactorLibrary | None = None) -> ResolvedBatch:
    """Validate a batch and join it with the factor library, vectorised.

    Every problem is collected as an :class:`AccountingError` naming report, line, field and
    value; nothing raises for bad data.
    """
    library = library or default_library()
    errors = _Errors(batch)
    known = all_sectors()
    sector_objs: list[Sector | None] = [known.get(s) for s in batch.sectors]
    for code, sector_obj in enumerate(sector_objs):
        if sector_obj is None:
            message = _key_message(get_sector, batch.sectors[code])
            for i in np.flatnonzero(batch.sector == code).tolist():
                errors.add(i, message, field="sector", value=batch.sectors[code])
    for i in np.flatnonzero(batch.year == MISSING).tolist():
        errors.add(i, "a report needs a year", field="year")
    has_lines = np.zeros(len(batch), dtype=bool)
    for block in batch.blocks.values():
        has_lines[block.report] = True
    for i, error in batch.errors:
        if error.line is not None:
            has_lines[i] = True
    for i in np.flatnonzero(~has_lines).tolist():
        errors.add(i, "a report needs lines", field="lines")
    contexts = _contexts(batch)
    lookups = _Lookups(library)
    blocks: dict[str, ResolvedBlock] = {}
    for source_id, block in batch.blocks.items():
        if source_id not in SOURCE_TYPES:
            message = _key_message(source_type, source_id)
            errors.lines(block, np.arange(len(block)), message, "source", partial(_same, source_id))
            continue
        resolver = _BlockResolver(batch, block, SOURCE_TYPES[source_id], contexts, library, lookups)
        blocks[source_id] = resolver.resolve(errors, sector_objs)
    known_sector = np.array([s is not None for s in sector_objs], dtype=bool)
    if not known_sector.all():
        # A report of an unknown sector is refused for that alone, as on the exact path.
        unknown = ~known_sector[batch.sector]
        errors.items = [
            (i, e)
            for i, e in errors.items
            if not unknown[i] or (e.field, e.line) == ("sector", None)
        ]
    return ResolvedBatch(
        batch=batch,
        library=library,
        report_context=contexts.report,
        context_sector=contexts.sector,
        context_region=contexts.region,
        context_year=contexts.year,
        blocks=blocks,
        errors=tuple(errors.items),
    )


def _same(value: object, _row: int) -> object:
    return value


def _key_message(lookup: Callable[[str], object], key: str) -> str:
    try:
        lookup(key)
    except KeyError as exc:
        return str(exc.args[0])
    return "unknown"


class _Lookups:
    """Factor lookups shared by every block of one resolution (purchased and exported
    electricity ask for the same grid factors)."""

    def __init__(self, library: FactorLibrary) -> None:
        self.library = library
        self.found: dict[object, FactorRow | None] = {}
        self.reduced: dict[frozenset[str], npt.NDArray[np.int64]] = {}

    def find(
        self,
        spec: Any,
        chain: tuple[str, ...],
        args: tuple[tuple[str, ...], str | None, int | None],
    ) -> FactorRow | None:
        key = (spec.parameter, spec.kind, chain, args)
        if key not in self.found:
            self.found[key] = _find_chain(self.library, spec, chain, args)
        return self.found[key]

    def by_sector(
        self, guidelines: frozenset[str], sector_objs: Sequence[Sector | None]
    ) -> npt.NDArray[np.int64]:
        """For each sector, a code of the guideline sets it tries that have rows here."""
        if guidelines not in self.reduced:
            codes: dict[tuple[str, ...], int] = {}
            self.reduced[guidelines] = np.array(
                [
                    codes.setdefault(
                        tuple(g for g in (s.factor_sets if s else ()) if g in guidelines),
                        len(codes),
                    )
                    for s in sector_objs
                ],
                dtype=np.int64,
            )
        return self.reduced[guidelines]


class _BlockResolver:
    def __init__(
        self,
        batch: ReportBatch,
        block: SourceBlock,
        source: SourceType,
        contexts: _Contexts,
        library: FactorLibrary,
        lookups: _Lookups | None = None,
    ) -> None:
        self.batch = batch
        self.lookups = lookups or _Lookups(library)
        self.block = block
        self.source = source
        self.contexts = contexts
        self.library = library
        self.size = len(block)
        self.context = contexts.report[block.report] if self.size else np.zeros(0, np.intp)
        self.line_error = np.zeros(self.size, dtype=bool)
        self.subject_keys: dict[tuple[str | None, str], IndexArray] = {}
        self.partitions: dict[object, tuple[IndexArray, IndexArray, IndexArray]] = {}
        #: Lines refused as a whole (unknown sector, or a source the guideline does not have):
        #: their fields are not examined, as on the exact path.
        self.skip: BoolArray | None = None

    def flag(
        self,
        errors: _Errors,
        rows: IndexArray,
        message: str | Callable[[int], str],
        field: str | None,
        value: Callable[[int], object] | None = None,
    ) -> None:
        if rows.size and self.skip is not None:
            rows = rows[~self.skip[rows]]
        if rows.size:
            self.line_error[rows] = True
            errors.lines(self.block, rows, message, field, value)

    def resolve(self, errors: _Errors, sector_objs: Sequence[Sector | None]) -> ResolvedBlock:
        block, source = self.block, self.source
        fields = {f.name: f for f in source.fields}
        for name, column in block.numbers.items():
            if name not in fields or fields[name].kind == "choice":
                self._unknown_field(errors, name, np.flatnonzero(~np.isnan(column)), column)
        for name, codes in block.choices.items():
            if name not in fields or fields[name].kind != "choice":
                self._unknown_field(errors, name, np.flatnonzero(codes != MISSING), codes)
        sign, memo = self._treatments(errors, sector_objs)
        choices = {f.name: self._choice(errors, f) for f in source.fields if f.kind == "choice"}
        columns: dict[str, FloatArray] = {}
        units: dict[str, UnitArray] = {}
        defaults: dict[str, DefaultTable] = {}
        optional: list[str] = []
        for item in source.fields:
            if item.kind == "choice":
                continue
            filled, unit, table, maybe_absent = self._numeric(errors, item, choices, sector_objs)
            if filled is not None:
                columns[item.name] = filled
            if unit is not None:
                units[item.name] = unit
            if table is not None:
                defaults[item.name] = table
            if maybe_absent:
                optional.append(item.name)
        dims, signature, keys, signatures = self._signatures(choices, units, columns, optional)
        classes, sig_class = self._classes(dims, signatures, columns)
        self._checks(errors, dims, signature, keys, signatures, columns)
        line_class: IndexArray | None = None
        if len(classes) > 1:
            assert signature is not None
            if keys.size and keys[-1] <= 4 * self.size + 4096:
                lookup = np.zeros(int(keys[-1]) + 1, dtype=np.intp)
                lookup[keys] = sig_class
                line_class = lookup[signature]
            else:
                line_class = sig_class[np.searchsorted(keys, signature)]
        return ResolvedBlock(
            source=source,
            block=block,
            context=self.context,
            columns=columns,
            units=units,
            defaults=defaults,
            dims=dims,
            signature=signature,
            signature_keys=keys,
            signatures=signatures,
            classes=classes,
            line_class=line_class,
            sign_by_context=sign,
            memo_by_context=memo,
            line_error=self.line_error,
        )

    # -- validation -------------------------------------------------------------------------

    def _unknown_field(
        self, errors: _Errors, name: str, rows: IndexArray, column: npt.NDArray[Any]
    ) -> None:
        known = ", ".join(f.name for f in self.source.fields)
        message = f"{self.source.id} has no field {name!r}; fields: {known}"
        self.flag(errors, rows, message, name, lambda row: column[row].item())

    def _treatments(
        self, errors: _Errors, sector_objs: Sequence[Sector | None]
    ) -> tuple[FloatArray, BoolArray]:
        count = len(sector_objs)
        sign = np.ones(count, dtype=np.float64)
        memo = np.zeros(count, dtype=bool)
        allowed = np.ones(count, dtype=bool)
        for code, sector_obj in enumerate(sector_objs):
            if sector_obj is None:
                continue  # the report is refused for its sector
            treatment = sector_obj.treatment(self.source.id)
            if treatment is None:
                allowed[code] = False
            elif treatment == "subtract":
                sign[code] = -1.0
            elif treatment == "memo":
                sign[code] = 0.0
                memo[code] = True
        context_sector = self.contexts.sector
        known = np.array([s is not None for s in sector_objs], dtype=bool)
        if not known[context_sector].all():
            self.skip = ~known[context_sector][self.context]
            self.line_error |= self.skip
        if not allowed[context_sector].all():
            rows = np.flatnonzero(~allowed[context_sector][self.context])

            def message(row: int) -> str:
                code = int(self.batch.sector[self.block.report[row]])
                sector_obj = sector_objs[code]
                assert sector_obj is not None
                has = ", ".join(s.source for s in sector_obj.sources)
                return (
                    f"the {sector_obj.id} guideline has no source {self.source.id!r}; it has: {has}"
                )

            self.flag(errors, rows, message, "source", lambda _: self.source.id)
            outside = np.zeros(self.size, dtype=bool)
            outside[rows] = True
            self.skip = outside if self.skip is None else self.skip | outside
        return sign[context_sector], memo[context_sector]

    def _choice(self, errors: _Errors, item: Field) -> CodeArray:
        given = self.block.choices.get(item.name)
        codes: CodeArray = np.full(self.size, MISSING, dtype=np.int32) if given is None else given
        labels = self.block.labels.get(item.name, ())
        if item.required:
            self.flag(errors, np.flatnonzero(codes == MISSING), "required", item.name)
        allowed = item.choices() if item.choices is not None else None
        bad = [k for k, text in enumerate(labels) if allowed is not None and text not in allowed]
        if bad and allowed is not None:
            invalid = np.isin(codes, bad)
            message = f"unknown {item.name}; known: {', '.join(allowed)}"
            self.flag(
                errors, np.flatnonzero(invalid), message, item.name, lambda r: labels[codes[r]]
            )
            codes = np.where(invalid, MISSING, codes).astype(np.int32)
        return codes

    def _numeric(
        self,
        errors: _Errors,
        item: Field,
        choices: Mapping[str, CodeArray],
        sector_objs: Sequence[Sector | None],
    ) -> tuple[FloatArray | None, UnitArray | None, DefaultTable | None, bool]:
        """Validate one numeric field; fill its defaults. Returns column, units, table, optional."""
        block = self.block
        column = block.numbers.get(item.name)
        unit = block.units.get(item.name)
        names = item.units or ("",)
        missing: BoolArray | None = None if column is None else np.isnan(column)
        if column is not None and missing is not None:
            if len(item.units) > 1 and unit is None and not missing.all():
                raise ValueError(f"block {block.source}: field {item.name} needs a unit column")
            if unit is not None and (
                unit.max() >= len(names) or np.logical_and(unit < 0, ~missing).any()
            ):
                raise ValueError(f"block {block.source}: bad unit code for {item.name}")

            def shown(row: int) -> str:
                assert column is not None
                code = int(unit[row]) if unit is not None else 0
                return _shown(float(column[row]), names[code])

            if item.minimum is not None:
                what = "negative" if item.minimum == 0 else f"below {item.minimum}"
                rows = np.flatnonzero(column < float(item.minimum))
                self.flag(errors, rows, f"{what} values are not allowed", item.name, shown)
            if item.maximum is not None:
                limit = "100 %" if item.kind == "fraction" and item.maximum == 1 else item.maximum
                rows = np.flatnonzero(column > float(item.maximum))
                self.flag(errors, rows, f"above the maximum of {limit}", item.name, shown)
        if item.default is None:
            absent = np.arange(self.size) if missing is None else np.flatnonzero(missing)
            if item.required:
                self.flag(errors, absent.astype(np.intp), "required", item.name)
                if column is None:
                    column = np.full(self.size, np.nan)
                return column, unit, None, False
            return column, unit, None, column is not None and absent.size > 0
        spec = item.default
        table = self._default_table(item, sector_objs)
        key = self._key(table, choices)
        # The factor join: the default of each line's (subject, context) cell, then the values
        # the line gives written over it.
        filled = table.value.ravel()[key]
        if column is not None and missing is not None:
            filled = np.where(missing, filled, column)
        filled_units: UnitArray | None = None
        if len(item.units) > 1:
            filled_units = table.unit.ravel()[key]
            if unit is not None and missing is not None:
                filled_units = np.where(missing, filled_units, unit)
        if table.failed.any() and np.isnan(filled).any():
            failing = table.failed.ravel()[key]
            if missing is not None:
                failing &= missing
            rows = np.flatnonzero(failing)
            if rows.size:
                self.flag(errors, rows, self._failure_message(item, sector_objs), item.name)
        # A default keyed by a choice the line may leave out is then absent, as on the exact path.
        subject = spec.subject_field
        maybe_absent = subject is not None and bool((choices[subject] == MISSING).any())
        return filled, filled_units, table, maybe_absent

    # -- defaults ---------------------------------------------------------------------------

    def _key(self, table: DefaultTable, choices: Mapping[str, CodeArray]) -> IndexArray:
        """Each line's cell in ``table``: subject row × columns + the line's column."""
        cache_key = (table.subject_field, table.level)
        if cache_key not in self.subject_keys:
            if table.level == "sector":
                column = np.take(self.contexts.report_sector, self.block.report)
                width = len(self.batch.sectors)
            else:
                column, width = self.context, self.contexts.size
            subject_field = table.subject_field
            if subject_field is None:
                self.subject_keys[cache_key] = column
            else:
                codes = choices.get(subject_field)
                count = len(self.block.labels.get(subject_field, ()))
                if codes is None:
                    codes = np.full(self.size, MISSING, dtype=np.int32)
                if self.size and codes.min() == MISSING:
                    subject = np.where(codes == MISSING, count, codes).astype(np.intp)
                else:
                    subject = codes.astype(np.intp)
                subject *= width
                subject += column
                self.subject_keys[cache_key] = subject
        return self.subject_keys[cache_key]

    def _chains(self, item: Field) -> list[tuple[int, tuple[str, ...], IndexArray | None]]:
        """(subject row, subjects to try in order, contexts or ``None`` for all) per table row
        (the grid factor's subjects depend on the region, so its row splits by region)."""
        spec = item.default
        assert spec is not None
        if spec.subject_field is not None:
            labels = self.block.labels.get(spec.subject_field, ())
            return [(s, (text,), None) for s, text in enumerate(labels)]
        if spec.subject == "@region":
            chains: list[tuple[int, tuple[str, ...], IndexArray | None]] = []
            for region in np.unique(self.contexts.region).tolist():
                name = None if region == MISSING else self.batch.regions[region]
                where = np.flatnonzero(self.contexts.region == region).astype(np.intp)
                chains.append((0, region_chain(name), where))
            return chains
        return [(0, (spec.subject or item.name,), None)]

    def _default_table(self, item: Field, sector_objs: Sequence[Sector | None]) -> DefaultTable:
        """Look up the defaults of ``item`` for every subject and context.

        The table's columns are the sectors when no candidate row depends on region or year
        (most parameters: they depend on the guideline only), else the contexts.
        """
        spec = item.default
        assert spec is not None
        chains = []
        region_or_year = spec.subject == "@region"
        for row_index, chain, where in self._chains(item):
            rows = [
                r
                for subject in chain
                for r in self.library.candidates(spec.parameter, subject)
                if r.kind == spec.kind
            ]
            region_matters = any(r.region != ANY for r in rows)
            year_matters = any(r.year_from is not None or r.year_to is not None for r in rows)
            region_or_year = region_or_year or region_matters or year_matters
            chains.append((row_index, chain, where, rows, region_matters, year_matters))
        level: Literal["sector", "context"] = "context" if region_or_year else "sector"
        width = self.contexts.size if level == "context" else len(sector_objs)
        rows_count = 1
        if spec.subject_field is not None:
            rows_count = len(self.block.labels.get(spec.subject_field, ())) + 1
        shape = (rows_count, width)
        value = np.full(shape, np.nan)
        unit = np.zeros(shape, dtype=np.int8)
        failed = np.zeros(shape, dtype=bool)
        factor = np.full(shape, MISSING, dtype=np.int32)
        factor_ids: dict[str, int] = {}
        for row_index, chain, where, rows, region_matters, year_matters in chains:
            if not rows:
                if where is None:
                    failed[row_index] = True
                else:
                    failed[row_index, where] = True
                continue
            # The parts of the context the candidate rows can depend on (FactorLibrary.find
            # skips guidelines without rows; rows for any region ignore the region; rows
            # without a year range ignore the year), so find runs once per distinct part.
            by_sector = self.lookups.by_sector(frozenset(r.guideline for r in rows), sector_objs)
            if level == "sector":
                _, first, inverse = np.unique(by_sector, return_index=True, return_inverse=True)
                inverse = inverse.reshape(-1)
            else:
                first, inverse = self._partition(by_sector, region_matters, year_matters, where)
            count = first.size
            ok = np.zeros(count, dtype=bool)
            vals = np.full(count, np.nan)
            codes = np.zeros(count, dtype=np.int8)
            ids = np.full(count, MISSING, dtype=np.int32)
            for k, index in enumerate(first.tolist()):
                if level == "sector":
                    sector_obj = sector_objs[index]
                    args: tuple[tuple[str, ...], str | None, int | None] = (
                        sector_obj.factor_sets if sector_obj else (),
                        None,
                        None,
                    )
                else:
                    column = index if where is None else int(where[index])
                    args = self._find_args(column, sector_objs)
                found = self.lookups.find(spec, chain, args)
                got = None if found is None else _convert_default(item, found)
                if found is None or got is None:
                    continue
                ok[k], vals[k], codes[k] = True, got[0], got[1]
                ids[k] = factor_ids.setdefault(found.id, len(factor_ids))
            if where is None:  # every column, in order: whole rows
                value[row_index] = vals[inverse]
                unit[row_index] = codes[inverse]
                failed[row_index] = ~ok[inverse]
                factor[row_index] = ids[inverse]
            else:
                value[row_index, where] = vals[inverse]
                unit[row_index, where] = codes[inverse]
                failed[row_index, where] = ~ok[inverse]
                factor[row_index, where] = ids[inverse]
        return DefaultTable(
            item.name,
            spec.subject_field,
            level,
            value,
            unit,
            failed,
            factor,
            tuple(factor_ids),
        )

    def _partition(
        self,
        by_sector: npt.NDArray[np.int64],
        region_matters: bool,
        year_matters: bool,
        where: IndexArray | None,
    ) -> tuple[IndexArray, IndexArray]:
        """Contexts ``where`` (default all) grouped by the parts that matter: (first of each
        group, group of each). Many subjects share the same pattern, so this is cached."""
        key = (
            by_sector.tobytes(),
            region_matters,
            year_matters,
            None if where is None else id(where),
        )
        if key not in self.partitions:
            contexts = self.contexts
            chosen = slice(None) if where is None else where
            combined = by_sector[contexts.sector[chosen]]
            if region_matters:
                combined = combined * (len(self.batch.regions) + 2) + contexts.region[chosen] + 1
            if year_matters:
                years = contexts.year[chosen]
                combined = combined * (int(years.max()) + 2) + years + 1
            _, first, inverse = np.unique(combined, return_index=True, return_inverse=True)
            keep = np.zeros(0, dtype=np.intp) if where is None else where
            self.partitions[key] = (first.astype(np.intp), inverse.reshape(-1), keep)
        first, inverse, _ = self.partitions[key]
        return first, inverse

    def _find_args(
        self, ctx: int, sector_objs: Sequence[Sector | None]
    ) -> tuple[tuple[str, ...], str | None, int | None]:
        sector_obj = sector_objs[int(self.contexts.sector[ctx])]
        region = int(self.contexts.region[ctx])
        year = int(self.contexts.year[ctx])
        return (
            sector_obj.factor_sets if sector_obj else (),
            None if region == MISSING else self.batch.regions[region],
            None if year == MISSING else year,
        )

    def _failure_message(
        self, item: Field, sector_objs: Sequence[Sector | None]
    ) -> Callable[[int], str]:
        """The exact path's message for a line whose default cannot be had, from its report's
        own sector, region and year."""
        spec = item.default
        assert spec is not None
        cache: dict[tuple[str | None, int], str] = {}
        labels = self.block.labels.get(spec.subject_field or "", ())
        codes = self.block.choices.get(spec.subject_field or "")

        def message(row: int) -> str:
            subject = None
            if spec.subject_field is not None and codes is not None:
                subject = labels[int(codes[row])]
            ctx = int(self.context[row])
            if (subject, ctx) not in cache:
                args = self._find_args(ctx, sector_objs)
                if spec.subject_field is not None:
                    chain: tuple[str, ...] = (subject or "",)
                elif spec.subject == "@region":
                    chain = region_chain(args[1])
                else:
                    chain = (spec.subject or item.name,)
                cache[(subject, ctx)] = _failure_text(
                    self.library, item, spec.parameter, spec.kind, chain, args
                )
            return cache[(subject, ctx)]

        return message

    # -- signatures, formula classes and checks ----------------------------------------------

    def _signatures(
        self,
        choices: Mapping[str, CodeArray],
        units: Mapping[str, UnitArray],
        columns: Mapping[str, FloatArray],
        optional: Sequence[str],
    ) -> tuple[
        tuple[SignatureDim, ...],
        npt.NDArray[Any] | None,
        npt.NDArray[np.int64],
        npt.NDArray[np.int64],
    ]:
        """Each line's combination of choices, units and presence, as one integer key (mixed
        radix over the dimensions); the distinct keys present, sorted; their codes per dim."""
        dims: list[SignatureDim] = []
        codes: list[npt.NDArray[Any]] = []
        for item in self.source.fields:
            if item.kind == "choice":
                labels = self.block.labels.get(item.name, ())
                if labels:
                    dims.append(SignatureDim("choice", item.name, labels))
                    codes.append(choices[item.name])
            elif item.name in units:
                dims.append(SignatureDim("unit", item.name, item.units))
                codes.append(units[item.name])
            if item.name in optional:
                dims.append(SignatureDim("present", item.name, ("given",)))
                codes.append(~np.isnan(columns[item.name]))
        if not dims or self.size == 0:
            one = np.zeros(1, dtype=np.int64)
            return tuple(dims), None, one, np.zeros((1, len(dims)), dtype=np.int64)
        radix = [len(d.labels) + 1 for d in dims]
        space = math.prod(radix)
        dtype = np.int32 if space < 2**31 else np.int64
        # Codes are -1 (not given) .. k-1 for choices and units, 0/1 for presence; shifted so
        # that 0 is "not given".
        shift = [0 if d.kind == "present" else 1 for d in dims]
        key: npt.NDArray[Any] = codes[0].astype(dtype) + shift[0]
        for size, column, offset in zip(radix[1:], codes[1:], shift[1:], strict=True):
            np.multiply(key, size, out=key)
            np.add(key, column, out=key, casting="unsafe")
            if offset:
                np.add(key, offset, out=key)
        if space <= 4 * self.size + 4096:
            present = np.flatnonzero(np.bincount(key, minlength=space)).astype(np.int64)
        else:
            present = np.unique(key).astype(np.int64)
        table = np.zeros((present.size, len(dims)), dtype=np.int64)
        rest = present.copy()
        for d in range(len(dims) - 1, -1, -1):
            table[:, d] = rest % radix[d]
            rest = rest // radix[d]
        return tuple(dims), key, present, table

    def _strings(
        self,
        dims: Sequence[SignatureDim],
        codes: npt.NDArray[np.int64],
        columns: Mapping[str, FloatArray],
    ) -> tuple[dict[str, str], tuple[str, ...]]:
        return _signature_strings(self.source, dims, codes, columns)

    def _classes(
        self,
        dims: Sequence[SignatureDim],
        signatures: npt.NDArray[np.int64],
        columns: Mapping[str, FloatArray],
    ) -> tuple[tuple[FormulaClass, ...], IndexArray]:
        by_formula: dict[object, list[int]] = {}
        first: dict[object, tuple[dict[str, str], tuple[str, ...], dict[str, Node] | None]] = {}
        for index in range(signatures.shape[0]):
            strings, numeric = self._strings(dims, signatures[index], columns)
            exprs = trace_compute(self.source, strings, numeric)
            key: object = ("untraced", index) if exprs is None else tuple(sorted(exprs.items()))
            by_formula.setdefault(key, []).append(index)
            first.setdefault(key, (strings, numeric, exprs))
        classes = []
        sig_class = np.zeros(signatures.shape[0], dtype=np.intp)
        for number, (key, members) in enumerate(by_formula.items()):
            strings, numeric, exprs = first[key]
            classes.append(FormulaClass(strings, numeric, exprs, tuple(members)))
            sig_class[members] = number
        return tuple(classes), sig_class

    def _checks(
        self,
        errors: _Errors,
        dims: Sequence[SignatureDim],
        signature: npt.NDArray[Any] | None,
        keys: npt.NDArray[np.int64],
        signatures: npt.NDArray[np.int64],
        columns: Mapping[str, FloatArray],
    ) -> None:
        """Run the source type's check once per signature, following each of its branches.

        Comparisons of numbers are explored path by path and evaluated on the columns; a line
        whose comparison is too close to call in floating point, or whose path needs the actual
        numbers (to print them in a message), is checked exactly, on its own.
        """
        check = self.source.check
        if check is None or self.size == 0:
            return
        groups = _Groups(signature, keys)
        for index in range(signatures.shape[0]):
            strings, numeric = self._strings(dims, signatures[index], columns)
            values: dict[str, object] = dict(strings)
            values.update({name: _Sym(("field", name)) for name in numeric})
            try:
                paths = _explore(check, values)
            except Exception:  # untraceable, or a combination only lines in error have
                rows = groups.rows(index, self.line_error)
                if rows.size:
                    self._check_lines(errors, rows, strings, numeric, columns)
                continue
            if len(paths) == 1 and not paths[0][0] and paths[0][1] == []:
                continue  # no comparison and nothing found: every line of the group passes
            rows = groups.rows(index, self.line_error)
            if rows.size == 0:
                continue
            subset = {name: columns[name][rows] for name in numeric}
            conditions: dict[Node, tuple[BoolArray, BoolArray]] = {}
            close = np.zeros(rows.size, dtype=bool)
            members = []
            for path, result in paths:
                member = np.ones(rows.size, dtype=bool)
                for node, decision in path:
                    if node not in conditions:
                        conditions[node] = _condition(node, subset, rows.size)
                        close |= conditions[node][1]
                    member &= conditions[node][0] == decision
                members.append((member, result))
            exact = close.copy()
            for member, result in members:
                chosen = member & ~close
                if result is None:
                    exact |= chosen
                    continue
                for name, message in result:
                    self.flag(
                        errors,
                        rows[chosen],
                        message,
                        name,
                        self._value_of(name),
                    )
            if exact.any():
                self._check_lines(errors, rows[exact], strings, numeric, columns)

    def _value_of(self, name: str) -> Callable[[int], object]:
        """The value of field ``name`` as the line gives it (``None`` when not given)."""
        given = self.block.numbers.get(name)
        units = self.block.units.get(name)
        labels = self.block.labels.get(name)
        codes = self.block.choices.get(name)
        field_units = next((f.units for f in self.source.fields if f.name == name), ())

        def value(row: int) -> object:
            if given is not None and not math.isnan(given[row]):
                code = int(units[row]) if units is not None else 0
                unit = field_units[code] if code < len(field_units) else ""
                return _shown(float(given[row]), unit)
            if codes is not None and labels is not None and codes[row] != MISSING:
                return labels[codes[row]]
            return None

        return value

    def _check_lines(
        self,
        errors: _Errors,
        rows: IndexArray,
        strings: Mapping[str, str],
        numeric: Sequence[str],
        columns: Mapping[str, FloatArray],
    ) -> None:
        """A check that compares numbers: run it exactly, one line at a time."""
        check = self.source.check
        assert check is not None
        for row in rows.tolist():
            values: dict[str, Value] = dict(strings)
            for name in numeric:
                number = float(columns[name][row])
                if not math.isnan(number):
                    values[name] = to_decimal(number)
            for name, message in check(values):
                self.flag(
                    errors,
                    np.array([row], dtype=np.intp),
                    message,
                    name,
                    self._value_of(name),
                )


def _signature_strings(
    source: SourceType,
    dims: Sequence[SignatureDim],
    codes: npt.NDArray[np.int64],
    columns: Mapping[str, FloatArray],
) -> tuple[dict[str, str], tuple[str, ...]]:
    """What ``compute`` and ``check`` see for one signature: the choices and units as text, and
    the numeric fields present (as on the exact path, a field left out with no default is
    absent, and so is its unit)."""
    strings: dict[str, str] = {}
    absent: set[str] = set()
    for dim, code in zip(dims, codes.tolist(), strict=True):
        if dim.kind == "choice" and code:
            strings[dim.field] = dim.labels[code - 1]
        elif dim.kind == "unit" and code:
            strings[f"{dim.field}@unit"] = dim.labels[code - 1]
        elif dim.kind == "present" and not code:
            absent.add(dim.field)
    numeric = []
    for item in source.fields:
        if item.kind == "choice" or item.name in absent or item.name not in columns:
            strings.pop(f"{item.name}@unit", None)
            continue
        numeric.append(item.name)
        if len(item.units) <= 1:
            strings[f"{item.name}@unit"] = item.units[0] if item.units else ""
    return strings, tuple(numeric)


class _Groups:
    """The lines of each signature, found by one stable sort when first asked for."""

    def __init__(self, signature: npt.NDArray[Any] | None, keys: npt.NDArray[np.int64]) -> None:
        self.signature = signature
        self.keys = keys
        self.order: IndexArray | None = None
        self.sorted: npt.NDArray[Any] | None = None

    def rows(self, index: int, line_error: BoolArray) -> IndexArray:
        """Lines of signature ``index`` not already in error, in order."""
        if self.signature is None:
            return np.flatnonzero(~line_error)
        if self.order is None or self.sorted is None:
            self.order = np.argsort(self.signature, kind="stable")
            self.sorted = self.signature[self.order]
        key = self.keys[index]
        start = int(np.searchsorted(self.sorted, key, side="left"))
        stop = int(np.searchsorted(self.sorted, key, side="right"))
        rows: IndexArray = self.order[start:stop]
        kept: IndexArray = rows[~line_error[rows]]
        return kept


def _find_chain(
    library: FactorLibrary,
    spec: Any,
    chain: Sequence[str],
    args: tuple[tuple[str, ...], str | None, int | None],
) -> FactorRow | None:
    guidelines, region, year = args
    for subject in chain:
        try:
            return library.find(
                spec.parameter,
                subject,
                kind=spec.kind,
                guidelines=guidelines,
                region=region,
                year=year,
            )
        except FactorError:
            continue
    return None


def _convert_default(item: Field, row: FactorRow) -> tuple[float, int] | None:
    return _convert_cached(item.units, item.name, row.value, row.unit)


@lru_cache(maxsize=4096)
def _convert_cached(
    units: tuple[str, ...], name: str, value: Decimal, unit: str
) -> tuple[float, int] | None:
    """A default in the field's canonical unit, as a float, and the index of that unit."""
    try:
        canonical = _canonical_unit(units, name, unit)
        converted = convert(value, unit, canonical)
    except UnitError:
        return None
    return float(converted), units.index(canonical)


def _canonical_unit(units: tuple[str, ...], name: str, unit: str) -> str:
    given = parse_unit(unit)
    for candidate in units:
        if parse_unit(candidate).dimensionality == given.dimensionality:
            return candidate
    raise UnitError(f"unit {unit!r} has the wrong dimension; {name} is in {' or '.join(units)}")


def _failure_text(
    library: FactorLibrary,
    item: Field,
    parameter: str,
    kind: str,
    chain: Sequence[str],
    args: tuple[tuple[str, ...], str | None, int | None],
) -> str:
    """The exact path's message for a default that cannot be had."""
    guidelines, region, year = args
    last: FactorError | None = None
    for subject in chain:
        try:
            row = library.find(
                parameter, subject, kind=kind, guidelines=guidelines, region=region, year=year
            )
        except FactorError as exc:
            last = exc
            continue
        try:
            convert(row.value, row.unit, _canonical_unit(item.units, item.name, row.unit))
        except UnitError as exc:
            return f"default factor row {row.id} is malformed: {exc}"
        return f"default factor row {row.id} is malformed"
    hint = "" if region else " (the report gives no region)"
    return f"not given, and no default applies: {last}{hint}"


# --------------------------------------------------------------------------------------------
# Evaluation
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class BulkResult:
    """Per-report results of a bulk recomputation.

    Attributes
    ----------
    ids : tuple of str
    metric : str
        The GWP metric of every CO2e figure.
    factor_library : str
        Version of the factor library used.
    total_tco2e : ndarray of float64
        Report totals [tCO2e] by the sector guideline's definition; NaN for refused reports.
    computed : ndarray of bool
        False for refused reports.
    sources : tuple of str
        Column labels of ``by_source_tco2e`` and ``memo_tco2e``.
    by_source_tco2e : ndarray (reports × sources)
        Signed contribution of each source type to the total [tCO2e].
    memo_tco2e : ndarray (reports × sources)
        Emissions reported separately (treatment ``memo``) [tCO2e].
    gases : tuple of str
        Column labels of ``by_gas_t``.
    by_gas_t : ndarray (reports × gases)
        Signed mass of each gas counted in the total [t].
    errors : tuple of (report index, AccountingError)
        Why each refused report was refused.
    """

    ids: tuple[str, ...]
    metric: str
    factor_library: str
    total_tco2e: FloatArray
    computed: BoolArray
    sources: tuple[str, ...]
    by_source_tco2e: FloatArray
    memo_tco2e: FloatArray
    gases: tuple[str, ...]
    by_gas_t: FloatArray
    errors: tuple[tuple[int, AccountingError], ...]

    def refusals(self) -> list[ReportError]:
        """One :class:`ReportError` per refused report, with every problem found in it."""
        grouped: dict[int, list[AccountingError]] = {}
        for index, error in self.errors:
            grouped.setdefault(index, []).append(error)
        return [ReportError(self.ids[i], grouped[i]) for i in sorted(grouped)]

    def report(self, index: int) -> dict[str, object]:
        """Report ``index`` as plain data: total, by source, memo and by gas (non-zero)."""
        return {
            "id": self.ids[index],
            "computed": bool(self.computed[index]),
            "metric": self.metric,
            "total_tco2e": float(self.total_tco2e[index]),
            "by_source_tco2e": _row(self.sources, self.by_source_tco2e[index]),
            "memo_tco2e": _row(self.sources, self.memo_tco2e[index]),
            "by_gas_t": _row(self.gases, self.by_gas_t[index]),
        }


def _row(labels: Sequence[str], values: FloatArray) -> dict[str, float]:
    return {k: float(v) for k, v in zip(labels, values.tolist(), strict=True) if v != 0}


def compute_bulk(
    batch: ReportBatch,
    *,
    metric: str = DEFAULT_METRIC,
    library: FactorLibrary | None = None,
) -> BulkResult:
    """Compute every report of ``batch``; refused reports are listed, the others computed.

    Parameters
    ----------
    batch : ReportBatch
    metric : str
        GWP metric of the CO2e figures (one of :data:`citycarbon.units.METRICS`).
    library : FactorLibrary, optional
        Factor library for defaults (the shipped one by default).

    Raises
    ------
    AccountingError
        For an unknown metric (bad data never raises; it refuses its report).
    """
    _check_metric(metric)
    return evaluate_bulk(resolve_bulk(batch, library=library), metric=metric)


def _check_metric(metric: str) -> None:
    if metric not in METRICS:
        raise AccountingError(f"unknown GWP metric; choose {', '.join(METRICS)}", value=metric)


def evaluate_bulk(resolved: ResolvedBatch, *, metric: str = DEFAULT_METRIC) -> BulkResult:
    """Run the formulas of a resolved batch and sum per report (see :func:`compute_bulk`)."""
    _check_metric(metric)
    batch = resolved.batch
    size = len(batch)
    errors = _Errors(batch)
    errors.items = list(resolved.errors)
    errors.known = set()
    errors.closed = np.zeros(size, dtype=bool)
    errors.closed[[i for i, _ in resolved.errors]] = True
    sources = tuple(resolved.blocks)
    by_source = np.zeros((size, len(sources)))
    memo = np.zeros((size, len(sources)))
    by_gas: dict[str, FloatArray] = {}
    bounds = _Bounds(batch)
    for column, resolved_block in enumerate(resolved.blocks.values()):
        _evaluate_block(
            resolved_block, metric, errors, by_source[:, column], memo[:, column], by_gas, bounds
        )
    bounds.check(resolved, errors)
    refused = np.zeros(size, dtype=bool)
    if errors.items:
        refused[[i for i, _ in errors.items]] = True
    gases = tuple(by_gas)
    gas_table = np.stack([by_gas[g] for g in gases], axis=1) if gases else np.zeros((size, 0))
    total = by_source.sum(axis=1)
    total[refused] = np.nan
    by_source[refused] = np.nan
    memo[refused] = np.nan
    gas_table[refused] = np.nan
    errors.items.sort(key=lambda item: item[0])
    return BulkResult(
        ids=batch.ids,
        metric=metric,
        factor_library=resolved.library.version,
        total_tco2e=total,
        computed=~refused,
        sources=sources,
        by_source_tco2e=by_source,
        memo_tco2e=memo,
        gases=gases,
        by_gas_t=gas_table,
        errors=tuple(errors.items),
    )


def _run_class(
    resolved: ResolvedBlock, klass: FormulaClass, rows: IndexArray | None
) -> dict[str, Any]:
    """Masses per gas for the lines ``rows`` (all lines when ``None``) of one formula class."""
    columns = {
        name: resolved.columns[name] if rows is None else resolved.columns[name][rows]
        for name in klass.numeric
    }
    values: dict[str, object] = dict(klass.strings)
    values.update(columns)
    with np.errstate(all="ignore"):
        try:
            out = resolved.source.compute(cast(Mapping[str, Value], values))
            return {str(k): v for k, v in out.items()}
        except TypeError:
            # A formula mixing Decimal constants with arrays: evaluate its traced tree instead.
            if klass.exprs is None:
                raise
            return {gas: _evaluate(node, columns) for gas, node in klass.exprs.items()}


def _evaluate_block(
    resolved: ResolvedBlock,
    metric: str,
    errors: _Errors,
    by_source: FloatArray,
    memo_out: FloatArray,
    by_gas: dict[str, FloatArray],
    bounds: _Bounds | None = None,
) -> None:
    block = resolved.block
    size = len(block)
    if size == 0:
        return
    source_id = resolved.source.id
    count = len(by_source)
    classes = resolved.classes
    line_error = resolved.line_error.copy()
    # Classes whose every line is already in error are not computed (as on the exact path, a
    # line with a problem never reaches its formula); the largest other class is computed on
    # all lines at once, the rest on their own lines, which are then left out of the largest.
    plan: list[tuple[int, FormulaClass, IndexArray | None]]
    if len(classes) == 1:
        plan = [(0, classes[0], None)]
    else:
        assert resolved.line_class is not None
        sizes = np.bincount(resolved.line_class[~line_error], minlength=len(classes))
        dominant = int(np.argmax(sizes))
        plan = [(dominant, classes[dominant], None)]
        plan += [
            (number, klass, np.flatnonzero(resolved.line_class == number))
            for number, klass in enumerate(classes)
            if number != dominant and sizes[number]
        ]
    others = [rows for _, _, rows in plan[1:] if rows is not None]
    sign_context = resolved.sign_by_context
    all_added = bool((sign_context == 1.0).all())
    sign = None if all_added else sign_context[resolved.context]
    any_memo = bool(resolved.memo_by_context.any())
    for number, klass, rows in plan:
        try:
            masses = _run_class(resolved, klass, rows)
            factors = {gas: float(gwp(gas, metric)) for gas in masses}
        except (ValueError, ArithmeticError, LookupError) as exc:
            message = str(exc) if isinstance(exc, GWPError) else f"cannot compute: {exc}"
            if rows is not None:
                where = rows
            elif resolved.line_class is None:
                where = np.arange(size, dtype=np.intp)
            else:
                where = np.flatnonzero(resolved.line_class == number)
            for row in where[~line_error[where]].tolist():
                errors.add(int(block.report[row]), message, line=int(block.line[row]))
            line_error[where] = True
            continue
        length = size if rows is None else rows.size
        report = block.report if rows is None else block.report[rows]
        line_sign = None if sign is None else (sign if rows is None else sign[rows])
        co2e: Any = None
        for gas, mass in masses.items():
            mass = np.broadcast_to(np.asarray(mass, dtype=np.float64), (length,))
            masses[gas] = mass
            term = mass if factors[gas] == 1.0 else mass * factors[gas]
            co2e = term if co2e is None else co2e + term
        if co2e is None:
            co2e = 0.0
        co2e = np.broadcast_to(np.asarray(co2e, dtype=np.float64), (length,))
        weights = co2e if line_sign is None else co2e * line_sign
        if rows is None and others:
            weights = _writable(weights, resolved)
            for other in others:
                weights[other] = 0.0
        if not np.isfinite(weights).all():
            local_error = line_error if rows is None else line_error[rows]
            for local in np.flatnonzero(~np.isfinite(weights) & ~local_error).tolist():
                row = local if rows is None else int(rows[local])
                errors.add(
                    int(block.report[row]),
                    "cannot compute: the result is not a finite number",
                    line=int(block.line[row]),
                )
        contribution = np.bincount(report, weights=weights, minlength=count)
        by_source += contribution
        if any_memo:
            flag = resolved.memo_by_context[resolved.context]
            memo_rows = flag if rows is None else flag[rows]
            memo_weights = np.where(memo_rows, co2e, 0.0)
            if rows is None and others:
                for other in others:
                    memo_weights[other] = 0.0
            memo_out += np.bincount(report, weights=memo_weights, minlength=count)
        if bounds is not None:
            for gas, mass in masses.items():
                if (source_id, gas) in bounds.needed:
                    bound_weights = mass
                    if rows is None and others:
                        bound_weights = _writable(mass, resolved)
                        for other in others:
                            bound_weights[other] = 0.0
                    summed = np.bincount(report, weights=bound_weights, minlength=count)
                    bounds.add(source_id, gas, np.asarray(summed, dtype=np.float64))
        if list(masses) == ["CO2"] and factors["CO2"] == 1.0:
            # One gas at GWP 1: its signed mass per report is the contribution itself.
            by_gas.setdefault("CO2", np.zeros(count))
            by_gas["CO2"] += contribution
            continue
        for gas, mass in masses.items():
            gas_weights = mass if line_sign is None else mass * line_sign
            if rows is None and others:
                gas_weights = _writable(gas_weights, resolved)
                for other in others:
                    gas_weights[other] = 0.0
            by_gas.setdefault(gas, np.zeros(count))
            by_gas[gas] += np.bincount(report, weights=gas_weights, minlength=count)
    if bounds is not None and source_id in bounds.sources:
        bounds.present(source_id, block.report[~line_error], count)


class _Bounds:
    """A subtracted amount may not exceed what the guideline subtracts it from (e.g. CH4
    recovered ≤ the CH4 of the oil and gas sources, ``SectorSource.bounded_by``): per report,
    the mass of the bound gas from the source against that from the sources bounding it."""

    def __init__(self, batch: ReportBatch) -> None:
        known = all_sectors()
        self.rules: list[tuple[int, Any]] = []
        for code, sector_id in enumerate(batch.sectors):
            sector_obj = known.get(sector_id)
            if sector_obj is None:
                continue
            for item in sector_obj.sources:
                if getattr(item, "bounded_by", ()):
                    self.rules.append((code, item))
        self.needed = {
            (source, item.bound_gas)
            for _, item in self.rules
            for source in (item.source, *item.bounded_by)
        }
        self.sources = {item.source for _, item in self.rules}
        self.sums: dict[tuple[str, str], FloatArray] = {}
        self.lines: dict[str, BoolArray] = {}

    def add(self, source: str, gas: str, summed: FloatArray) -> None:
        key = (source, gas)
        self.sums[key] = summed if key not in self.sums else self.sums[key] + summed

    def present(self, source: str, reports: IndexArray, count: int) -> None:
        has = np.zeros(count, dtype=bool)
        has[reports] = True
        self.lines[source] = has

    def check(self, resolved: ResolvedBatch, errors: _Errors) -> None:
        batch = resolved.batch
        if not self.rules:
            return
        zero = np.zeros(len(batch))
        for code, item in self.rules:
            gas = item.bound_gas
            has = self.lines.get(item.source)
            if has is None:
                continue
            taken = self.sums.get((item.source, gas), zero)
            limit = sum((self.sums.get((s, gas), zero) for s in item.bounded_by), zero)
            scale = np.maximum(np.abs(taken), np.abs(limit))
            close = np.abs(taken - limit) <= _CLOSE * scale
            where = has & (batch.sector == code)
            for index in np.flatnonzero(where & ((taken > limit) | close)).tolist():
                exact = _exact_sums(resolved, index, item, gas) if close[index] else None
                if exact is not None and exact[0] <= exact[1]:
                    continue
                shown = (
                    (str(exact[0]), str(exact[1]))
                    if exact is not None
                    else (f"{taken[index]:.15g}", f"{limit[index]:.15g}")
                )
                block = resolved.blocks[item.source]
                mine = (block.block.report == index) & ~block.line_error
                line = int(block.block.line[mine].min())
                errors.add(
                    index,
                    f"{item.source} ({shown[0]} t {gas}) exceeds the {gas} of "
                    f"{' + '.join(item.bounded_by)} in this report ({shown[1]} t)",
                    line=line,
                    field="quantity",
                    value=shown[0],
                )


def _exact_sums(
    resolved: ResolvedBatch, index: int, item: Any, gas: str
) -> tuple[Decimal, Decimal] | None:
    """A bound too close to call in floating point, summed exactly (Decimal) for one report."""
    totals = []
    for sources in ((item.source,), tuple(item.bounded_by)):
        total = Decimal(0)
        for source in sources:
            block = resolved.blocks.get(source)
            if block is None:
                continue
            mine = (block.block.report == index) & ~block.line_error
            for row in np.flatnonzero(mine).tolist():
                values: dict[str, Value] = {}
                for name, value in block.line_values(row).items():
                    number = value if isinstance(value, str) else to_decimal(float(value))
                    values[name] = number
                try:
                    with localcontext(CONTEXT):
                        mass = block.source.compute(values).get(gas, Decimal(0))
                except (ValueError, ArithmeticError):
                    return None
                total = CONTEXT.add(total, mass)
        totals.append(total)
    return totals[0], totals[1]


def _writable(array: FloatArray, resolved: ResolvedBlock) -> FloatArray:
    """``array`` itself when it is a fresh result, else a copy (never write into the inputs)."""
    fresh = array.flags.owndata and array.flags.writeable
    if fresh and not any(array is column for column in resolved.columns.values()):
        return array
    return np.array(array, dtype=np.float64)
