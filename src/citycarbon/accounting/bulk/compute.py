"""Evaluation: the formulas on whole columns, CO2e, treatment signs and per-report sums.

:func:`evaluate_bulk` runs each source block of a resolved batch: each formula class calls the
source type's registered ``compute`` with column arrays (the largest class on all the block's
lines at once, the others on their own lines), or evaluates its traced formula when
``compute`` mixes Decimal constants with arrays. Gas masses are weighted by the GWP of the
named metric and by the sector treatment's sign (added, subtracted, or reported separately as
a memo item) and summed per report with :func:`numpy.bincount`: the total, by source, by gas
and the memo. :func:`compute_bulk` resolves and evaluates in one call.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

import numpy as np

from citycarbon.accounting.bulk.batch import BoolArray, FloatArray, IndexArray, ReportBatch
from citycarbon.accounting.bulk.bounds import Bounds
from citycarbon.accounting.bulk.checks import Errors
from citycarbon.accounting.bulk.resolve import ResolvedBatch, ResolvedBlock, resolve_bulk
from citycarbon.accounting.bulk.signatures import FormulaClass
from citycarbon.accounting.bulk.trace import evaluate
from citycarbon.accounting.model import AccountingError, ReportError, Value
from citycarbon.factors import FactorLibrary
from citycarbon.units import DEFAULT_METRIC, METRICS, GWPError, gwp


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
    """The non-zero ``values`` by label."""
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
    """Refuse a GWP metric that is not one of :data:`citycarbon.units.METRICS`."""
    if metric not in METRICS:
        raise AccountingError(f"unknown GWP metric; choose {', '.join(METRICS)}", value=metric)


def evaluate_bulk(resolved: ResolvedBatch, *, metric: str = DEFAULT_METRIC) -> BulkResult:
    """Run the formulas of a resolved batch and sum per report (see :func:`compute_bulk`)."""
    _check_metric(metric)
    batch = resolved.batch
    size = len(batch)
    errors = Errors.after(batch, resolved.errors)
    sources = tuple(resolved.blocks)
    by_source = np.zeros((size, len(sources)))
    memo = np.zeros((size, len(sources)))
    by_gas: dict[str, FloatArray] = {}
    bounds = Bounds(batch)
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
            return {gas: evaluate(node, columns) for gas, node in klass.exprs.items()}


def _evaluate_block(
    resolved: ResolvedBlock,
    metric: str,
    errors: Errors,
    by_source: FloatArray,
    memo_out: FloatArray,
    by_gas: dict[str, FloatArray],
    bounds: Bounds,
) -> None:
    """Compute one block and add its per-report sums to ``by_source`` (signed CO2e),
    ``memo_out`` (CO2e reported separately) and ``by_gas`` (signed masses), and to ``bounds``
    the masses bounded subtractions need. A line whose formula fails or is not finite refuses
    its report."""
    block = resolved.block
    size = len(block)
    if size == 0:
        return
    source_id = resolved.source.id
    count = len(by_source)
    line_error = resolved.line_error.copy()
    plan = _plan(resolved, line_error)
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
        weights = _own_lines(weights, rows, others, resolved)
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
            memo_weights = _own_lines(np.where(memo_rows, co2e, 0.0), rows, others, resolved)
            memo_out += np.bincount(report, weights=memo_weights, minlength=count)
        for gas, mass in masses.items():
            if (source_id, gas) in bounds.needed:
                bound_weights = _own_lines(mass, rows, others, resolved)
                summed = np.bincount(report, weights=bound_weights, minlength=count)
                bounds.add(source_id, gas, np.asarray(summed, dtype=np.float64))
        if list(masses) == ["CO2"] and factors["CO2"] == 1.0:
            # One gas at GWP 1: its signed mass per report is the contribution itself.
            by_gas.setdefault("CO2", np.zeros(count))
            by_gas["CO2"] += contribution
            continue
        for gas, mass in masses.items():
            gas_weights = mass if line_sign is None else mass * line_sign
            gas_weights = _own_lines(gas_weights, rows, others, resolved)
            by_gas.setdefault(gas, np.zeros(count))
            by_gas[gas] += np.bincount(report, weights=gas_weights, minlength=count)
    if source_id in bounds.sources:
        bounds.present(source_id, block.report[~line_error], count)


def _plan(
    resolved: ResolvedBlock, line_error: BoolArray
) -> list[tuple[int, FormulaClass, IndexArray | None]]:
    """The runs of a block's formula classes: (class number, class, lines or ``None`` for all).

    Classes whose every line is already in error are not computed (as on the exact path, a
    line with a problem never reaches its formula); the largest other class is computed on all
    lines at once, the rest on their own lines, which are then left out of the largest.
    """
    classes = resolved.classes
    if len(classes) == 1:
        return [(0, classes[0], None)]
    assert resolved.line_class is not None
    sizes = np.bincount(resolved.line_class[~line_error], minlength=len(classes))
    dominant = int(np.argmax(sizes))
    plan: list[tuple[int, FormulaClass, IndexArray | None]] = [(dominant, classes[dominant], None)]
    plan += [
        (number, klass, np.flatnonzero(resolved.line_class == number))
        for number, klass in enumerate(classes)
        if number != dominant and sizes[number]
    ]
    return plan


def _own_lines(
    weights: FloatArray,
    rows: IndexArray | None,
    others: Sequence[IndexArray],
    resolved: ResolvedBlock,
) -> FloatArray:
    """``weights`` of a run over all lines (``rows`` is ``None``) with the lines of the other
    runs ``others`` set to zero (their own runs sum them); other runs' weights unchanged."""
    if rows is not None or not others:
        return weights
    weights = _writable(weights, resolved)
    for other in others:
        weights[other] = 0.0
    return weights


def _writable(array: FloatArray, resolved: ResolvedBlock) -> FloatArray:
    """``array`` itself when it is a fresh result, else a copy (never write into the inputs)."""
    fresh = array.flags.owndata and array.flags.writeable
    if fresh and not any(array is column for column in resolved.columns.values()):
        return array
    return np.array(array, dtype=np.float64)
