"""The factor join: each line's default values, looked up once per distinct combination.

A report's *context* is its sector guideline (whose factor sets it tries, in order), its region
and its year (:func:`contexts` numbers the distinct ones). A field's defaults form a
:class:`DefaultTable` of subject (fuel, carbonate …) × column, where a column is a sector when
no candidate factor row depends on region or year (a fuel's appendix-2 parameters depend on the
guideline only) and a context otherwise (a grid factor). :meth:`FactorJoin.table` runs
:meth:`FactorLibrary.find <citycarbon.factors.FactorLibrary.find>` once per subject and per
distinct part of the context the candidate rows can depend on; lines then get their default by
integer indexing into the table (:meth:`FactorJoin.key`). A cell with no default gives the
exact path's message (:meth:`FactorJoin.failure_message`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Literal

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
    canonical_unit,
)
from citycarbon.accounting.model import DefaultSpec, Field, Sector
from citycarbon.factors import ANY, FactorError, FactorLibrary, FactorRow
from citycarbon.factors.regions import region_chain
from citycarbon.units import UnitError, convert

#: What :meth:`FactorLibrary.find` is asked besides parameter and subject: the guideline's
#: factor sets in order, the region and the year.
FindArgs = tuple[tuple[str, ...], str | None, int | None]


@dataclass(frozen=True, eq=False)
class Contexts:
    """Distinct (sector, region, year) of the reports; each report's context index."""

    report: IndexArray
    sector: IndexArray
    region: IndexArray
    year: IndexArray
    report_sector: IndexArray

    @property
    def size(self) -> int:
        """Number of distinct contexts."""
        return int(self.sector.shape[0])


def contexts(batch: ReportBatch) -> Contexts:
    """Number the distinct (sector, region, year) of ``batch``'s reports (one integer key each,
    counted by a bitmap when the key space is small, else by :func:`numpy.unique`)."""
    n_regions = len(batch.regions) + 1
    years = batch.year.astype(np.int64)
    low = int(years[years != MISSING].min()) if (years != MISSING).any() else 0
    span = int(years.max()) - low + 2 if len(years) else 1
    year_code = np.where(years == MISSING, 0, years - low + 1)
    key = (batch.sector.astype(np.int64) * n_regions + batch.region + 1) * span + year_code
    if len(key) == 0:
        empty = np.zeros(0, dtype=np.intp)
        return Contexts(empty, empty, empty, empty, empty)
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
    return Contexts(
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


class Lookups:
    """Factor lookups shared by every block of one resolution (purchased and exported
    electricity ask for the same grid factors)."""

    def __init__(self, library: FactorLibrary) -> None:
        self.library = library
        self.found: dict[object, FactorRow | None] = {}
        self.reduced: dict[frozenset[str], npt.NDArray[np.int64]] = {}

    def find(
        self,
        spec: DefaultSpec,
        chain: tuple[str, ...],
        args: FindArgs,
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


class FactorJoin:
    """The factor join of one source block: default tables, and each line's cell in them."""

    def __init__(
        self,
        batch: ReportBatch,
        block: SourceBlock,
        contexts: Contexts,
        library: FactorLibrary,
        lookups: Lookups,
        sector_objs: Sequence[Sector | None],
    ) -> None:
        self.batch = batch
        self.block = block
        self.contexts = contexts
        self.library = library
        self.lookups = lookups
        self.sector_objs = sector_objs
        self.size = len(block)
        #: Each line's context index.
        self.context = contexts.report[block.report] if self.size else np.zeros(0, np.intp)
        self.subject_keys: dict[tuple[str | None, str], IndexArray] = {}
        self.partitions: dict[object, tuple[IndexArray, IndexArray, IndexArray]] = {}

    def fill(
        self,
        item: Field,
        column: FloatArray | None,
        unit: UnitArray | None,
        missing: BoolArray | None,
        choices: Mapping[str, CodeArray],
    ) -> tuple[FloatArray, UnitArray | None, DefaultTable, IndexArray]:
        """The join for field ``item`` (which has a default): the default of each line's
        (subject, context) cell, with the values the line gives (``column`` in units ``unit``;
        ``missing`` where not given) written over it.

        Returns the filled column, its unit codes (multi-unit fields only), the default table,
        and the lines that need a default and have none.
        """
        table = self.table(item)
        key = self.key(table, choices)
        filled: FloatArray = table.value.ravel()[key]
        if column is not None and missing is not None:
            filled = np.where(missing, filled, column)
        filled_units: UnitArray | None = None
        if len(item.units) > 1:
            filled_units = table.unit.ravel()[key]
            if unit is not None and missing is not None:
                filled_units = np.where(missing, filled_units, unit)
        failing_rows = np.zeros(0, dtype=np.intp)
        if table.failed.any() and np.isnan(filled).any():
            failing = table.failed.ravel()[key]
            if missing is not None:
                failing &= missing
            failing_rows = np.flatnonzero(failing)
        return filled, filled_units, table, failing_rows

    def key(self, table: DefaultTable, choices: Mapping[str, CodeArray]) -> IndexArray:
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

    def table(self, item: Field) -> DefaultTable:
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
        width = self.contexts.size if level == "context" else len(self.sector_objs)
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
            by_sector = self.lookups.by_sector(
                frozenset(r.guideline for r in rows), self.sector_objs
            )
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
                    sector_obj = self.sector_objs[index]
                    args: FindArgs = (
                        sector_obj.factor_sets if sector_obj else (),
                        None,
                        None,
                    )
                else:
                    column = index if where is None else int(where[index])
                    args = self._find_args(column)
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
            # ``where`` is kept alive with its entry, so that its id is not reused by another
            # array while the entry exists.
            keep = np.zeros(0, dtype=np.intp) if where is None else where
            self.partitions[key] = (first.astype(np.intp), inverse.reshape(-1), keep)
        first, inverse, _ = self.partitions[key]
        return first, inverse

    def _find_args(self, ctx: int) -> FindArgs:
        """What ``find`` is asked for context ``ctx``: factor sets, region and year."""
        sector_obj = self.sector_objs[int(self.contexts.sector[ctx])]
        region = int(self.contexts.region[ctx])
        year = int(self.contexts.year[ctx])
        return (
            sector_obj.factor_sets if sector_obj else (),
            None if region == MISSING else self.batch.regions[region],
            None if year == MISSING else year,
        )

    def failure_message(self, item: Field) -> Callable[[int], str]:
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
                args = self._find_args(ctx)
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


def _find_chain(
    library: FactorLibrary,
    spec: DefaultSpec,
    chain: Sequence[str],
    args: FindArgs,
) -> FactorRow | None:
    """The row ``find`` gives for the first subject of ``chain`` that has one."""
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
    """Factor row ``row`` in the canonical unit of ``item``; ``None`` if it cannot be."""
    return _convert_cached(item.units, item.name, row.value, row.unit)


@lru_cache(maxsize=4096)
def _convert_cached(
    units: tuple[str, ...], name: str, value: Decimal, unit: str
) -> tuple[float, int] | None:
    """A default in the field's canonical unit, as a float, and the index of that unit."""
    try:
        canonical = canonical_unit(units, name, unit)
        converted = convert(value, unit, canonical)
    except UnitError:
        return None
    return float(converted), units.index(canonical)


def _failure_text(
    library: FactorLibrary,
    item: Field,
    parameter: str,
    kind: str,
    chain: Sequence[str],
    args: FindArgs,
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
            convert(row.value, row.unit, canonical_unit(item.units, item.name, row.unit))
        except UnitError as exc:
            return f"default factor row {row.id} is malformed: {exc}"
        return f"default factor row {row.id} is malformed"
    hint = "" if region else " (the report gives no region)"
    return f"not given, and no default applies: {last}{hint}"
