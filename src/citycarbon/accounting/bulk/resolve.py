"""Resolution: a batch validated and joined with the factor library, ready to compute.

:func:`resolve_bulk` checks what belongs to reports (a known sector guideline, a year, some
lines), numbers the reports' contexts (sector, region, year) and resolves each source block
(:class:`ResolvedBlock`): validation (:mod:`~citycarbon.accounting.bulk.checks`), the factor
join (:mod:`~citycarbon.accounting.bulk.defaults`), the lines' signatures and formula classes
(:mod:`~citycarbon.accounting.bulk.signatures`) and the sector treatment of the source. Bad
data never raises: every problem is an
:class:`~citycarbon.accounting.model.AccountingError` in :attr:`ResolvedBatch.errors`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
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
from citycarbon.accounting.bulk.checks import BlockChecks, Errors
from citycarbon.accounting.bulk.defaults import (
    Contexts,
    DefaultTable,
    FactorJoin,
    Lookups,
    contexts,
)
from citycarbon.accounting.bulk.signatures import (
    FormulaClass,
    SignatureDim,
    formula_classes,
    line_classes,
    line_signatures,
    signature_strings,
)
from citycarbon.accounting.model import AccountingError, Field, Sector, SourceType, Value
from citycarbon.accounting.sectors import sector as get_sector
from citycarbon.accounting.sectors import sectors as all_sectors
from citycarbon.accounting.sources import SOURCE_TYPES, source_type
from citycarbon.factors import FactorLibrary, default_library


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
        strings, numeric = signature_strings(self.source, self.dims, codes, self.columns)
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
    errors = Errors(batch)
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
    numbered = contexts(batch)
    lookups = Lookups(library)
    blocks: dict[str, ResolvedBlock] = {}
    for source_id, block in batch.blocks.items():
        if source_id not in SOURCE_TYPES:
            message = _key_message(source_type, source_id)
            errors.lines(block, np.arange(len(block)), message, "source", partial(_same, source_id))
            continue
        source = SOURCE_TYPES[source_id]
        join = FactorJoin(batch, block, numbered, library, lookups, sector_objs)
        blocks[source_id] = _resolve_block(
            batch, block, source, numbered, join, errors, sector_objs
        )
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
        report_context=numbered.report,
        context_sector=numbered.sector,
        context_region=numbered.region,
        context_year=numbered.year,
        blocks=blocks,
        errors=tuple(errors.items),
    )


def _same(value: object, _row: int) -> object:
    """``value``, whatever the line (the value of an error that is the same on every line)."""
    return value


def _key_message(lookup: Callable[[str], object], key: str) -> str:
    """The message ``lookup`` raises for an unknown ``key``."""
    try:
        lookup(key)
    except KeyError as exc:
        return str(exc.args[0])
    return "unknown"


def _resolve_block(
    batch: ReportBatch,
    block: SourceBlock,
    source: SourceType,
    numbered: Contexts,
    join: FactorJoin,
    errors: Errors,
    sector_objs: Sequence[Sector | None],
) -> ResolvedBlock:
    """Validate one source block, fill its defaults, and find its signatures and classes."""
    checks = BlockChecks(batch, block, source, errors)
    checks.unknown_fields()
    sign, memo = checks.treatments(sector_objs, numbered.sector, join.context)
    choices = {f.name: checks.choice(f) for f in source.fields if f.kind == "choice"}
    columns: dict[str, FloatArray] = {}
    units: dict[str, UnitArray] = {}
    defaults: dict[str, DefaultTable] = {}
    optional: list[str] = []
    for item in source.fields:
        if item.kind == "choice":
            continue
        filled, unit, table, maybe_absent = _numeric(checks, join, item, choices)
        if filled is not None:
            columns[item.name] = filled
        if unit is not None:
            units[item.name] = unit
        if table is not None:
            defaults[item.name] = table
        if maybe_absent:
            optional.append(item.name)
    dims, signature, keys, signatures = line_signatures(
        source, block, choices, units, columns, optional
    )
    classes, sig_class = formula_classes(source, dims, signatures, columns)
    checks.source_check(dims, signature, keys, signatures, columns)
    return ResolvedBlock(
        source=source,
        block=block,
        context=join.context,
        columns=columns,
        units=units,
        defaults=defaults,
        dims=dims,
        signature=signature,
        signature_keys=keys,
        signatures=signatures,
        classes=classes,
        line_class=line_classes(classes, sig_class, signature, keys, len(block)),
        sign_by_context=sign,
        memo_by_context=memo,
        line_error=checks.line_error,
    )


def _numeric(
    checks: BlockChecks,
    join: FactorJoin,
    item: Field,
    choices: Mapping[str, CodeArray],
) -> tuple[FloatArray | None, UnitArray | None, DefaultTable | None, bool]:
    """Validate one numeric field and fill its defaults.

    Returns the column (``None`` when no line gives the field and it has no default), its unit
    codes, its default table, and whether the field may be absent from some lines.
    """
    block = checks.block
    column = block.numbers.get(item.name)
    unit = block.units.get(item.name)
    missing: BoolArray | None = None if column is None else np.isnan(column)
    checks.numbers(item, column, unit, missing)
    if item.default is None:
        absent = np.arange(checks.size) if missing is None else np.flatnonzero(missing)
        if item.required:
            checks.flag(absent.astype(np.intp), "required", item.name)
            if column is None:
                column = np.full(checks.size, np.nan)
            return column, unit, None, False
        return column, unit, None, column is not None and absent.size > 0
    filled, filled_units, table, failing = join.fill(item, column, unit, missing, choices)
    if failing.size:
        checks.flag(failing, join.failure_message(item), item.name)
    # A default keyed by a choice the line may leave out is then absent, as on the exact path.
    subject = item.default.subject_field
    maybe_absent = subject is not None and bool((choices[subject] == MISSING).any())
    return filled, filled_units, table, maybe_absent
