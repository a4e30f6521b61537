"""Progress of a plan's other indicators (services' share, new energy, gas penetration, …).

Each indicator is data (:class:`~citycarbon.targets.model.PlanIndicator`): unit, direction,
baseline, target, responsible department and clause. A jurisdiction reports observed values by
year under ``indicators``; the intensity indicators are taken from the assessment itself.

Progress rules (``direction``):

* ``at_least`` — met when value ≥ target; progress = (value − baseline)/(target − baseline).
* ``at_most`` — met when value ≤ target; progress = (baseline − value)/(baseline − target).
* ``reduce`` — a reduction in percent; met when value ≥ target; progress on the compound basis
  ln(1 − value)/ln(1 − target), as for the intensity targets.
* ``threshold`` — a scope definition (e.g. the 5 000 tce key-unit threshold); no progress.

The baseline is the indicator's own baseline when stated, else the value observed in its baseline
year (the period's base year by default); without one, progress is not computed (met and the gap
still are). The gap is how far the value still is from the target in the target's unit (positive
when short, negative when past it).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from citycarbon.targets.formulas import progress_share_compound, round_half_up
from citycarbon.targets.model import IndicatorProgress, PlanIndicator, TargetsInput, YearResult

__all__ = ["indicator_progress", "level_progress"]


def level_progress(value: float, baseline: float, target: float) -> float:
    """Share of the way from the baseline to the target covered by ``value`` [fraction].

    Parameters
    ----------
    value : float
        Observed value V [indicator unit].
    baseline : float
        Value at the start B [indicator unit].
    target : float
        Target value G [indicator unit], G ≠ B.

    Returns
    -------
    float
        Progress p [fraction]; 1 when the target is reached.

    Notes
    -----
    .. math:: p = \\frac{V - B}{G - B}
    """
    return (value - baseline) / (target - baseline)


def _one(
    ind: PlanIndicator, jid: str, year: int, value: float, baseline: float | None
) -> IndicatorProgress:
    target = ind.target
    met: bool | None = None
    progress: float | None = None
    gap: float | None = None
    if target is not None:
        if ind.direction in ("at_least", "reduce"):
            met = value >= target
            gap = target - value
        elif ind.direction == "at_most":
            met = value <= target
            gap = value - target
        if ind.direction == "reduce" and 0 < target < 100 and value < 100:
            progress = 100 * progress_share_compound(value / 100, target / 100)
        elif (
            ind.direction in ("at_least", "at_most") and baseline is not None and target != baseline
        ):
            progress = 100 * level_progress(value, baseline, target)
    return IndicatorProgress(
        jurisdiction=jid,
        indicator=ind.id,
        year=year,
        value=value,
        target=target,
        met=met,
        progress_pct=None if progress is None else float(round_half_up(progress, 2)),
        gap=None if gap is None else float(round_half_up(gap, 4)),
    )


def indicator_progress(
    inp: TargetsInput, rows: Sequence[YearResult], as_of: int
) -> tuple[IndicatorProgress, ...]:
    """Progress of every plan-wide indicator for each jurisdiction that reports indicators."""
    if not inp.indicators:
        return ()
    by_jur: dict[str, list[YearResult]] = {}
    for row in rows:
        by_jur.setdefault(row.jurisdiction, []).append(row)
    out: list[IndicatorProgress] = []
    for jur in inp.jurisdictions:
        observed = {y: d.indicators for y, d in jur.years.items() if d.indicators and y <= as_of}
        if not observed:
            continue
        for ind in inp.indicators:
            if ind.direction == "threshold":
                continue
            series: dict[int, float] = {}
            if ind.computed_from in ("co2_intensity", "energy_intensity"):
                for row in by_jur.get(jur.id, []):
                    fig: Any = row.co2 if ind.computed_from == "co2_intensity" else row.energy
                    if fig is not None and fig.reduction_pct is not None:
                        series[row.year] = fig.reduction_pct
            else:
                series = {y: obs[ind.id] for y, obs in observed.items() if ind.id in obs}
            baseline = ind.baseline
            if baseline is None and ind.direction != "reduce":
                baseline = series.get(ind.baseline_year or inp.period.base_year)
            for year in sorted(series):
                out.append(_one(ind, jur.id, year, series[year], baseline))
    return tuple(out)
