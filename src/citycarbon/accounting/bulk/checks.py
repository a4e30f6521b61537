"""Vectorised validation: what refuses a line or a report, found on whole columns.

:class:`Errors` collects every problem as an
:class:`~citycarbon.accounting.model.AccountingError` naming the report, the line, the field
and the value, as the exact path words it; a report with any problem is refused as a whole.
:class:`BlockChecks` validates one source block: fields the source type does not have, sources
the sector guideline does not have, unknown or missing choices, negative values and rates
above 100 %, and the source type's own ``check``. That check runs once per signature with
symbolic numbers (:func:`~citycarbon.accounting.bulk.trace.explore`); each comparison it makes
is evaluated on the columns, and lines too close to call in floating point, or whose path
prints a number in its message, are checked exactly (Decimal), one by one, so the check refuses
exactly the lines the exact path refuses.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from citycarbon.accounting.bulk.batch import (
    MISSING,
    BoolArray,
    CodeArray,
    FloatArray,
    IndexArray,
    ReportBatch,
    SourceBlock,
    UnitArray,
)
from citycarbon.accounting.bulk.signatures import SignatureDim, SignatureGroups, signature_strings
from citycarbon.accounting.bulk.trace import Node, Symbol, condition, explore
from citycarbon.accounting.model import AccountingError, Field, Sector, SourceType, Value
from citycarbon.numbers import to_decimal


class Errors:
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
        """Record a problem of report index ``report``."""
        if line is not None and (report, line, field) in self.known:
            return
        if self.closed is not None and self.closed[report]:
            return
        error = AccountingError(
            message, report=self.ids[report], line=line, field=field, value=value
        )
        self.items.append((report, error))

    @classmethod
    def after(cls, batch: ReportBatch, found: Sequence[tuple[int, AccountingError]]) -> Errors:
        """A collector for a later stage: it starts with ``found`` and adds nothing to the
        reports they refuse (the exact path stops at the first stage that refuses a report)."""
        errors = cls(batch)
        errors.items = list(found)
        errors.known = set()
        errors.closed = np.zeros(len(batch), dtype=bool)
        errors.closed[[i for i, _ in found]] = True
        return errors

    def lines(
        self,
        block: SourceBlock,
        rows: IndexArray,
        message: str | Callable[[int], str],
        field: str | None,
        value: Callable[[int], object] | None = None,
    ) -> None:
        """One error per line ``rows`` of ``block``; ``message`` and ``value`` may depend on
        the line."""
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
    """A value as an error shows it: 15 significant digits and its unit."""
    return f"{value:.15g} {unit}".strip()


class BlockChecks:
    """Validation of one source block: flags its lines in error, as the exact path would.

    ``line_error`` marks the lines with a problem (they never reach their formula); ``skip``
    the lines refused as a whole (unknown sector, or a source the guideline does not have),
    whose fields are not examined, as on the exact path.
    """

    def __init__(
        self, batch: ReportBatch, block: SourceBlock, source: SourceType, errors: Errors
    ) -> None:
        self.batch = batch
        self.block = block
        self.source = source
        self.errors = errors
        self.size = len(block)
        self.line_error = np.zeros(self.size, dtype=bool)
        self.skip: BoolArray | None = None

    def flag(
        self,
        rows: IndexArray,
        message: str | Callable[[int], str],
        field: str | None,
        value: Callable[[int], object] | None = None,
    ) -> None:
        """Record a problem on lines ``rows`` (those skipped excepted)."""
        if rows.size and self.skip is not None:
            rows = rows[~self.skip[rows]]
        if rows.size:
            self.line_error[rows] = True
            self.errors.lines(self.block, rows, message, field, value)

    def unknown_fields(self) -> None:
        """Flag values given for fields the source type does not have (or of the wrong kind)."""
        block, source = self.block, self.source
        fields = {f.name: f for f in source.fields}
        for name, column in block.numbers.items():
            if name not in fields or fields[name].kind == "choice":
                self._unknown_field(name, np.flatnonzero(~np.isnan(column)), column)
        for name, codes in block.choices.items():
            if name not in fields or fields[name].kind != "choice":
                self._unknown_field(name, np.flatnonzero(codes != MISSING), codes)

    def _unknown_field(self, name: str, rows: IndexArray, column: npt.NDArray[Any]) -> None:
        known = ", ".join(f.name for f in self.source.fields)
        message = f"{self.source.id} has no field {name!r}; fields: {known}"
        self.flag(rows, message, name, lambda row: column[row].item())

    def treatments(
        self,
        sector_objs: Sequence[Sector | None],
        context_sector: IndexArray,
        context: IndexArray,
    ) -> tuple[FloatArray, BoolArray]:
        """How each context's guideline treats this source: the sign of its emissions in the
        total (+1 added, −1 subtracted, 0 reported separately) and whether it is a memo item.

        Lines of a report whose guideline does not have the source are refused, and lines of an
        unknown sector are skipped (the report is refused for its sector alone).
        ``context_sector`` is the sector of each context, ``context`` each line's context.
        """
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
        known = np.array([s is not None for s in sector_objs], dtype=bool)
        if not known[context_sector].all():
            self.skip = ~known[context_sector][context]
            self.line_error |= self.skip
        if not allowed[context_sector].all():
            rows = np.flatnonzero(~allowed[context_sector][context])

            def message(row: int) -> str:
                code = int(self.batch.sector[self.block.report[row]])
                sector_obj = sector_objs[code]
                assert sector_obj is not None
                has = ", ".join(s.source for s in sector_obj.sources)
                return (
                    f"the {sector_obj.id} guideline has no source {self.source.id!r}; it has: {has}"
                )

            self.flag(rows, message, "source", lambda _: self.source.id)
            outside = np.zeros(self.size, dtype=bool)
            outside[rows] = True
            self.skip = outside if self.skip is None else self.skip | outside
        return sign[context_sector], memo[context_sector]

    def choice(self, item: Field) -> CodeArray:
        """The codes of choice field ``item``, flagging it when required and not given and
        when unknown; unknown codes become :data:`MISSING`."""
        given = self.block.choices.get(item.name)
        codes: CodeArray = np.full(self.size, MISSING, dtype=np.int32) if given is None else given
        labels = self.block.labels.get(item.name, ())
        if item.required:
            self.flag(np.flatnonzero(codes == MISSING), "required", item.name)
        allowed = item.choices() if item.choices is not None else None
        bad = [k for k, text in enumerate(labels) if allowed is not None and text not in allowed]
        if bad and allowed is not None:
            invalid = np.isin(codes, bad)
            message = f"unknown {item.name}; known: {', '.join(allowed)}"
            self.flag(np.flatnonzero(invalid), message, item.name, lambda r: labels[codes[r]])
            codes = np.where(invalid, MISSING, codes).astype(np.int32)
        return codes

    def numbers(
        self,
        item: Field,
        column: FloatArray | None,
        unit: UnitArray | None,
        missing: BoolArray | None,
    ) -> None:
        """Flag values of numeric field ``item`` below its minimum or above its maximum.

        ``column`` is the values given (NaN: not given, as ``missing`` marks), ``unit`` their
        unit codes for multi-unit fields.

        Raises
        ------
        ValueError
            When the block itself is malformed (a multi-unit field without unit codes, or a
            unit code out of range).
        """
        if column is None or missing is None:
            return
        block = self.block
        names = item.units or ("",)
        if len(item.units) > 1 and unit is None and not missing.all():
            raise ValueError(f"block {block.source}: field {item.name} needs a unit column")
        if unit is not None and (
            unit.max() >= len(names) or np.logical_and(unit < 0, ~missing).any()
        ):
            raise ValueError(f"block {block.source}: bad unit code for {item.name}")

        def shown(row: int) -> str:
            code = int(unit[row]) if unit is not None else 0
            return _shown(float(column[row]), names[code])

        if item.minimum is not None:
            what = "negative" if item.minimum == 0 else f"below {item.minimum}"
            rows = np.flatnonzero(column < float(item.minimum))
            self.flag(rows, f"{what} values are not allowed", item.name, shown)
        if item.maximum is not None:
            limit = "100 %" if item.kind == "fraction" and item.maximum == 1 else item.maximum
            rows = np.flatnonzero(column > float(item.maximum))
            self.flag(rows, f"above the maximum of {limit}", item.name, shown)

    def source_check(
        self,
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
        groups = SignatureGroups(signature, keys)
        for index in range(signatures.shape[0]):
            strings, numeric = signature_strings(self.source, dims, signatures[index], columns)
            values: dict[str, object] = dict(strings)
            values.update({name: Symbol(("field", name)) for name in numeric})
            try:
                paths = explore(check, values)
            except Exception:  # untraceable, or a combination only lines in error have
                rows = groups.rows(index, self.line_error)
                if rows.size:
                    self._check_lines(rows, strings, numeric, columns)
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
                        conditions[node] = condition(node, subset, rows.size)
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
                    self.flag(rows[chosen], message, name, self._value_of(name))
            if exact.any():
                self._check_lines(rows[exact], strings, numeric, columns)

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
                self.flag(np.array([row], dtype=np.intp), message, name, self._value_of(name))
