"""Bounded subtractions: an amount a guideline subtracts may not exceed what it is taken from.

Some sector guidelines subtract an amount bounded by other sources of the same report
(``SectorSource.bounded_by`` in ``sectors.yaml``, e.g. CH4 recovered ≤ the CH4 of the oil and
gas sources). :class:`Bounds` collects, while the blocks are evaluated, the per-report mass of
the bound gas from each source involved, and then checks each report; a report too close to
call in floating point is summed exactly (Decimal) before it is refused.
"""

from __future__ import annotations

from decimal import Decimal, localcontext

import numpy as np

from citycarbon.accounting.bulk.batch import BoolArray, FloatArray, IndexArray, ReportBatch
from citycarbon.accounting.bulk.checks import Errors
from citycarbon.accounting.bulk.resolve import ResolvedBatch
from citycarbon.accounting.bulk.trace import CLOSE
from citycarbon.accounting.model import SectorSource, Value
from citycarbon.accounting.sectors import sectors as all_sectors
from citycarbon.numbers import CONTEXT, to_decimal


class Bounds:
    """A subtracted amount may not exceed what the guideline subtracts it from (e.g. CH4
    recovered ≤ the CH4 of the oil and gas sources, ``SectorSource.bounded_by``): per report,
    the mass of the bound gas from the source against that from the sources bounding it."""

    def __init__(self, batch: ReportBatch) -> None:
        known = all_sectors()
        self.rules: list[tuple[int, SectorSource]] = []
        for code, sector_id in enumerate(batch.sectors):
            sector_obj = known.get(sector_id)
            if sector_obj is None:
                continue
            for item in sector_obj.sources:
                if item.bounded_by:
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
        """Add per-report masses [t] of ``gas`` from ``source``."""
        key = (source, gas)
        self.sums[key] = summed if key not in self.sums else self.sums[key] + summed

    def present(self, source: str, reports: IndexArray, count: int) -> None:
        """Record which of ``count`` reports have lines of ``source`` not in error."""
        has = np.zeros(count, dtype=bool)
        has[reports] = True
        self.lines[source] = has

    def check(self, resolved: ResolvedBatch, errors: Errors) -> None:
        """Refuse each report whose bounded amount exceeds its bound (exactly, when too close
        to call), naming the first line of the bounded source."""
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
            close = np.abs(taken - limit) <= CLOSE * scale
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
    resolved: ResolvedBatch, index: int, item: SectorSource, gas: str
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
