"""The yearly assessment of intensity targets, vectorised over jurisdictions and years.

For every jurisdiction and year: intensities, reductions since the base year and in the year,
the even pace and its cumulative requirement, progress shares (compound and linear), whether the
year's and the cumulative targets were met, the early-warning level, the score of the NDRC 2014
structure, the grade (veto included), the rank among sibling jurisdictions, the final verdict in
the target year and, in the latest year, the projection to the target year.

Rounding and decisions
----------------------
Figures are shown rounded half-up: percentages to 0.01, intensities to 0.0001, points and scores
to 0.01, GDP to 0.01 亿元, CO2 and energy to 0.01 t and 0.01 tce. Every decision (target met,
completion rate, warning, veto, grade, verdict) and every derived share is computed from the
figures *as shown*, so a reader recomputes the table from the table: a reduction shown as
7.18 % meets a requirement shown as 7.18 %, and a score shown as 90.00 is 优秀. Reductions are
computed from unrounded intensities.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from citycarbon.targets.formulas import (
    FloatArray,
    completion_rate,
    even_pace,
    intensity,
    progress_share_compound,
    progress_share_linear,
    reduction,
    required_cumulative_reduction,
    round_half_up,
    target_points,
)
from citycarbon.targets.indicators import indicator_progress
from citycarbon.targets.model import (
    AssessmentConfig,
    IndicatorProgress,
    IndicatorYear,
    Period,
    PlanIndicator,
    Projection,
    ScoringConfig,
    TargetsInput,
    VerdictConfig,
    WarningConfig,
    YearResult,
)
from citycarbon.targets.projection import meet_probability, projection_moments, stream_key

__all__ = [
    "VERDICTS",
    "WARNING_LEVELS",
    "Assessment",
    "assess",
    "grade",
    "rank_competition",
    "verdict",
    "warning_level",
]

#: Warning levels by code: 1 severe, 2 fairly severe, 3 on track.
WARNING_LEVELS = {1: "一级", 2: "二级", 3: "三级"}
#: Five-year verdicts, best first.
VERDICTS = ("超额完成", "完成", "基本完成", "未完成")

PCT = 2  # decimals of percentages
INTENSITY = 4  # decimals of intensities
POINTS = 2  # decimals of points and scores
GDP = 2  # decimals of GDP [10^8 CNY]
QUANTITY = 2  # decimals of tonnes of CO2 and of tce

UNITS = {
    "co2_intensity": "tCO2/10^4 CNY (吨二氧化碳/万元, GDP at constant prices of the base year)",
    "energy_intensity": "tce/10^4 CNY (吨标准煤/万元, GDP at constant prices of the base year)",
    "gdp_constant_cny_100m": "10^8 CNY (亿元) at constant prices of the base year",
    "co2_t": "tCO2",
    "energy_tce": "tce",
    "percentages": "% (reductions positive when the intensity fell)",
}


# ------------------------------------------------------------------------------------------------
# Decision rules (each usable on its own)


_WARNING = WarningConfig()
_SCORING = ScoringConfig()
_VERDICT = VerdictConfig()


def warning_level(completion_pct: float, config: WarningConfig = _WARNING) -> str:
    """Warning level of one comparison from its completion rate [%].

    三级 at or above ``on_track_pct``, 二级 at or above ``severe_below_pct``, 一级 below.
    """
    return WARNING_LEVELS[_warning_codes(np.array([completion_pct]), config)[0]]


def _warning_codes(completion_pct: FloatArray, config: WarningConfig) -> Any:
    codes = np.where(
        completion_pct >= config.on_track_pct,
        3,
        np.where(completion_pct >= config.severe_below_pct, 2, 1),
    )
    return np.where(np.isnan(completion_pct), 9, codes)  # 9: no comparison


def grade(score: float | None, veto: bool | None, config: ScoringConfig = _SCORING) -> str | None:
    """Grade of a score [points]: the first band whose inclusive lower bound the score reaches.

    A veto makes the grade the failing grade (不合格) whatever the score; without a score and
    without a veto there is no grade.
    """
    if veto:
        return config.failing_grade
    if score is None or np.isnan(score):
        return None
    for band in sorted(config.grades, key=lambda b: -b.min_score):
        if score >= band.min_score:
            return band.grade
    return config.failing_grade


def verdict(final_completion_pct: float, config: VerdictConfig = _VERDICT) -> str:
    """Five-year verdict from the completion rate of the period's target [%] (inclusive bounds).

    超额完成 ≥ ``exceeded_pct`` (110), 完成 ≥ ``completed_pct`` (100), 基本完成 ≥ ``basically_pct``
    (90), 未完成 below.
    """
    if final_completion_pct >= config.exceeded_pct:
        return VERDICTS[0]
    if final_completion_pct >= config.completed_pct:
        return VERDICTS[1]
    if final_completion_pct >= config.basically_pct:
        return VERDICTS[2]
    return VERDICTS[3]


def rank_competition(keys: Sequence[tuple[Any, ...]]) -> list[int]:
    """Competition ranks (1, 2, 2, 4) of ``keys``, smallest key first; equal keys share a rank."""
    order = sorted(range(len(keys)), key=lambda i: keys[i])
    ranks = [0] * len(keys)
    for position, index in enumerate(order):
        if position and keys[index] == keys[order[position - 1]]:
            ranks[index] = ranks[order[position - 1]]
        else:
            ranks[index] = position + 1
    return ranks


# ------------------------------------------------------------------------------------------------
# The assessment


@dataclass(frozen=True)
class Assessment:
    """Results of an assessment: one :class:`YearResult` per jurisdiction and year."""

    period: Period
    as_of: int
    rows: tuple[YearResult, ...]
    indicators: tuple[PlanIndicator, ...]
    indicator_progress: tuple[IndicatorProgress, ...]
    config: AssessmentConfig
    factors: dict[str, Any]
    title: str = ""
    illustrative: bool = False

    def as_dict(self) -> dict[str, Any]:
        """The assessment as plain data (the ``--json`` output)."""
        cfg = self.config
        return {
            "title": self.title,
            "illustrative": self.illustrative,
            "period": {
                "base_year": self.period.base_year,
                "target_year": self.period.target_year,
                "years": self.period.years,
            },
            "as_of": self.as_of,
            "units": UNITS,
            "config": {
                "warning": _slots(cfg.warning),
                "scoring": {
                    "annual_points": cfg.scoring.annual_points,
                    "cumulative_points": cfg.scoring.cumulative_points,
                    "measures_points": cfg.scoring.measures_points,
                    "grades": [
                        {"grade": g.grade, "min_score": g.min_score} for g in cfg.scoring.grades
                    ],
                    "failing_grade": cfg.scoring.failing_grade,
                },
                "verdict": _slots(cfg.verdict),
                "projection": _slots(cfg.projection),
                "checklist": [
                    {"id": i.id, "name": i.name, "points": i.points, "part": i.part}
                    for i in cfg.checklist
                ],
            },
            "factors": self.factors,
            "results": [row.as_dict() for row in self.rows],
            "indicators": {
                "definitions": [i.as_dict() for i in self.indicators],
                "progress": [p.as_dict() for p in self.indicator_progress],
            },
        }


def _f(values: Any) -> FloatArray:
    return np.asarray(values, dtype=np.float64)


def _slots(obj: Any) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in obj.__slots__}


def _indicator_arrays(
    quantity: FloatArray,
    gdp: FloatArray,
    target: FloatArray,
    annual_target: FloatArray,
    years: int,
    config: AssessmentConfig,
) -> dict[str, Any]:
    """All figures of one intensity indicator, shape (jurisdictions, years + 1)."""
    n_years = years + 1
    with np.errstate(invalid="ignore", divide="ignore"):
        level = intensity(quantity, gdp)
        base = level[:, :1]
        red_pct = round_half_up(100 * reduction(level, base), PCT)
        elapsed = np.arange(n_years, dtype=np.float64)[None, :]
        t = target[:, None]
        t_pct = round_half_up(100 * target, 6)[:, None]
        req_cum_pct = round_half_up(100 * required_cumulative_reduction(t, elapsed, years), PCT)
        pace = even_pace(t, years)
        yearly_target = _f(np.where(np.isnan(annual_target), pace, annual_target))
        ann_req_pct = round_half_up(100 * yearly_target, PCT)
        annual = np.full_like(level, np.nan)
        annual[:, 1:] = reduction(level[:, 1:], level[:, :-1])
        ann_pct = round_half_up(100 * annual, PCT)
        prog_pct = round_half_up(100 * progress_share_compound(red_pct / 100, t), PCT)
        lin_pct = round_half_up(100 * progress_share_linear(red_pct, t_pct), PCT)
        time_pct = _f(np.repeat(round_half_up(100 * elapsed / years, PCT), len(target), axis=0))
        ann_comp = round_half_up(100 * completion_rate(ann_pct, ann_req_pct), PCT)
        cum_comp = round_half_up(100 * completion_rate(red_pct, req_cum_pct), PCT)
    present = ~np.isnan(level)
    present[:, 0] = False  # the base year is not assessed
    for arr in (
        red_pct,
        req_cum_pct,
        ann_req_pct,
        ann_pct,
        prog_pct,
        lin_pct,
        time_pct,
        ann_comp,
        cum_comp,
    ):
        arr[~present] = np.nan
    ann_defined = present & ~np.isnan(ann_pct)
    ann_met = ann_defined & (ann_pct >= ann_req_pct)
    cum_met = present & (red_pct >= req_cum_pct)
    warn_ann = _warning_codes(ann_comp, config.warning)
    warn_cum = _warning_codes(cum_comp, config.warning)
    warn = np.minimum(warn_ann, warn_cum)
    warn = np.where(present, warn, 9)
    final_comp = np.full(len(target), np.nan)
    final_comp[:] = round_half_up(100 * red_pct[:, -1] / t_pct[:, 0], PCT)
    return {
        "level": level,
        "red_pct": red_pct,
        "req_cum_pct": req_cum_pct,
        "ann_req_pct": ann_req_pct,
        "ann_pct": ann_pct,
        "prog_pct": prog_pct,
        "lin_pct": lin_pct,
        "time_pct": time_pct,
        "ann_comp": ann_comp,
        "cum_comp": cum_comp,
        "ann_defined": ann_defined,
        "ann_met": ann_met,
        "cum_met": cum_met,
        "present": present,
        "warn": warn,
        "final_comp": final_comp,
        "t_pct": t_pct[:, 0],
    }


def _projections(
    ids: Sequence[str],
    figures: dict[str, Any],
    target: FloatArray,
    uncertainty: FloatArray,
    last: Any,
    period: Period,
    config: AssessmentConfig,
    indicator: int,
) -> list[Projection | None]:
    """Projection from each jurisdiction's latest year with data (``last`` column index)."""
    level = figures["level"]
    rows = np.arange(len(ids))
    n = period.years
    k = last.astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        log_level = np.log(level)
        log_ratio = log_level[rows, last] - log_level[:, 0]
        changes = np.diff(log_level, axis=1)
        upto = np.arange(n)[None, :] < last[:, None]
        changes = np.where(upto, changes, np.nan)
        counts = np.sum(~np.isnan(changes), axis=1)
        average = np.nansum(changes, axis=1) / np.maximum(counts, 1)
        squares = np.nansum((changes - average[:, None]) ** 2, axis=1)
        observed_sd = np.sqrt(squares / np.maximum(counts - 1, 1))  # sample sd, ddof = 1
    default_sd = config.projection.default_annual_sd_pct / 100
    annual_sd = np.where(counts >= 2, observed_sd, default_sd)
    valid = k >= 1
    k_safe = np.where(valid, k, 1.0)
    mean, sd = projection_moments(log_ratio, k_safe, n, annual_sd, uncertainty)
    mean = np.where(valid, mean, np.nan)
    threshold = np.log1p(-target)
    cfg = config.projection
    keys = [stream_key(jid, indicator) for jid in ids]
    probability = meet_probability(mean, sd, threshold, draws=cfg.draws, seed=cfg.seed, keys=keys)
    projected_red = round_half_up(_f(-100 * np.expm1(mean)), PCT).tolist()
    projected_level = round_half_up(_f(level[:, 0] * np.exp(mean)), INTENSITY).tolist()
    trend = round_half_up(_f(-100 * np.expm1(log_ratio / k_safe)), PCT).tolist()
    sd_pct = round_half_up(_f(100 * annual_sd), PCT).tolist()
    u_pct = round_half_up(_f(100 * uncertainty), PCT).tolist()
    total_pct = round_half_up(_f(100 * sd), PCT).tolist()
    chance_pct = round_half_up(_f(100 * probability), PCT).tolist()
    t_pct = figures["t_pct"].tolist()
    usable = (valid & ~np.isnan(mean)).tolist()
    elapsed = last.tolist()
    observed = (counts >= 2).tolist()
    out: list[Projection | None] = []
    for i in range(len(ids)):
        if not usable[i]:
            out.append(None)
            continue
        out.append(
            Projection(
                from_year=period.base_year + elapsed[i],
                target_year=period.target_year,
                years_ahead=n - elapsed[i],
                trend_annual_reduction_pct=trend[i],
                projected_reduction_pct=projected_red[i],
                projected_intensity=projected_level[i],
                target_pct=t_pct[i],
                annual_sd_pct=sd_pct[i],
                annual_sd_source="observed" if observed[i] else "default",
                data_uncertainty_pct=u_pct[i],
                projection_sd_pct=total_pct[i],
                probability_meeting_target_pct=chance_pct[i],
                draws=cfg.draws,
                seed=cfg.seed,
            )
        )
    return out


def assess(inp: TargetsInput, *, as_of: int | None = None) -> Assessment:
    """Assess every jurisdiction in every year of ``inp`` (up to ``as_of``, if given).

    Parameters
    ----------
    inp : TargetsInput
        Validated input (:func:`citycarbon.targets.parse_input`).
    as_of : int, optional
        Use the statistics up to this year only, as an official would have seen them then
        (the projection starts from it). Default: all years.

    Returns
    -------
    Assessment
    """
    period = inp.period
    as_of = period.target_year if as_of is None else as_of
    if as_of not in period:
        raise ValueError(
            f"as_of {as_of} is outside the period {period.base_year}–{period.target_year}"
        )
    cfg = inp.config
    jurs = inp.jurisdictions
    n_j, n_y = len(jurs), period.years + 1
    gdp = np.full((n_j, n_y), np.nan)
    co2 = np.full((n_j, n_y), np.nan)
    energy = np.full((n_j, n_y), np.nan)
    co2_at = np.full((n_j, n_y), np.nan)
    en_at = np.full((n_j, n_y), np.nan)
    measures = np.full((n_j, n_y), np.nan)
    co2_target = np.array([j.co2_target for j in jurs], dtype=np.float64)
    en_target = np.array(
        [np.nan if j.energy_target is None else j.energy_target for j in jurs], dtype=np.float64
    )
    fuels_t = np.full((n_j, n_y), np.nan)
    electricity_t = np.full((n_j, n_y), np.nan)
    gdp_basis = np.full((n_j, n_y), None, dtype=object)
    co2_basis = np.full((n_j, n_y), None, dtype=object)
    for row, jur in enumerate(jurs):
        for year, data in jur.years.items():
            if year > as_of:
                continue
            col = year - period.base_year
            gdp[row, col] = data.gdp_constant_cny_100m
            gdp_basis[row, col] = data.gdp_basis
            co2_basis[row, col] = data.co2_basis
            if data.co2_fuels_t is not None:
                fuels_t[row, col] = data.co2_fuels_t
            if data.co2_electricity_t is not None:
                electricity_t[row, col] = data.co2_electricity_t
            co2[row, col] = np.nan if data.co2_t is None else data.co2_t
            energy[row, col] = np.nan if data.energy_tce is None else data.energy_tce
            if data.co2_annual_target is not None:
                co2_at[row, col] = data.co2_annual_target
            if data.energy_annual_target is not None:
                en_at[row, col] = data.energy_annual_target
            if data.measures_score is not None:
                measures[row, col] = data.measures_score
    c = _indicator_arrays(co2, gdp, co2_target, co2_at, period.years, cfg)
    e = _indicator_arrays(energy, gdp, en_target, en_at, period.years, cfg)

    # Score, veto and grade (the CO2 indicator, as in the NDRC 2014 method).
    sc = cfg.scoring
    with np.errstate(invalid="ignore"):
        ann_pts = round_half_up(target_points(c["ann_comp"] / 100, sc.annual_points), POINTS)
        cum_pts = round_half_up(target_points(c["cum_comp"] / 100, sc.cumulative_points), POINTS)
        tgt_pts = round_half_up(ann_pts + cum_pts, POINTS)
        score = round_half_up(tgt_pts + measures, POINTS)
    veto_defined = c["ann_defined"] & c["present"]
    veto = veto_defined & ~(c["ann_met"] & c["cum_met"])

    # Ranks among siblings, by year: non-vetoed first, then by score, highest first.
    ids = [j.id for j in jurs]
    groups: dict[str | None, list[int]] = {}
    for row, jur in enumerate(jurs):
        groups.setdefault(jur.parent, []).append(row)
    rank = np.zeros((n_j, n_y), dtype=np.int64)
    rank_of = np.zeros((n_j, n_y), dtype=np.int64)
    for members in groups.values():
        for col in range(1, n_y):
            scored = [r for r in members if not np.isnan(score[r, col])]
            keys = [(bool(veto[r, col]), -float(score[r, col])) for r in scored]
            for r, value in zip(scored, rank_competition(keys), strict=True):
                rank[r, col] = value
                rank_of[r, col] = len(scored)

    # Projections from each jurisdiction's latest year with data.
    present_any = ~np.isnan(c["level"])
    last = np.where(present_any.any(axis=1), n_y - 1 - np.argmax(present_any[:, ::-1], axis=1), 0)
    proj = cfg.projection
    gdp_u = np.array(
        [
            proj.gdp_uncertainty_pct / 100 if j.gdp_uncertainty is None else j.gdp_uncertainty
            for j in jurs
        ]
    )
    co2_u = np.array(
        [
            proj.co2_uncertainty_pct / 100 if j.co2_uncertainty is None else j.co2_uncertainty
            for j in jurs
        ]
    )
    en_u = np.array(
        [
            proj.energy_uncertainty_pct / 100
            if j.energy_uncertainty is None
            else j.energy_uncertainty
            for j in jurs
        ]
    )
    co2_proj = _projections(ids, c, co2_target, np.hypot(co2_u, gdp_u), last, period, cfg, 0)
    has_energy = ~np.isnan(en_target)
    en_proj: list[Projection | None] = [None] * n_j
    if has_energy.any():
        en_last = np.where(has_energy, last, 0)
        en_proj = _projections(
            ids,
            e,
            np.where(has_energy, en_target, 0.5),
            np.hypot(en_u, gdp_u),
            en_last,
            period,
            cfg,
            1,
        )

    # Build the rows, column by column: cells with statistics, in jurisdiction and year order.
    sel_r, sel_c = np.nonzero(~np.isnan(gdp))
    cols = sel_c.tolist()
    on_last = (sel_c == last[sel_r]) & (sel_c > 0)
    co2_years = _indicator_years(c, sel_r, sel_c, on_last, co2_proj, cfg.verdict)
    en_years: list[IndicatorYear | None] = [None] * len(cols)
    if has_energy.any():
        built = _indicator_years(e, sel_r, sel_c, on_last, en_proj, cfg.verdict)
        en_years = [
            y if h else None for y, h in zip(built, has_energy[sel_r].tolist(), strict=True)
        ]
    grades = _grades(score, veto, veto_defined, sc)[sel_r, sel_c]
    rows = list(
        map(  # positional, in the order of YearResult's fields
            YearResult,
            [ids[r] for r in sel_r.tolist()],
            [jurs[r].name for r in sel_r.tolist()],
            [jurs[r].parent for r in sel_r.tolist()],
            (sel_c + period.base_year).tolist(),
            cols,
            _values(round_half_up(gdp, GDP)[sel_r, sel_c]),
            gdp_basis[sel_r, sel_c].tolist(),
            _values(round_half_up(co2, QUANTITY)[sel_r, sel_c]),
            co2_basis[sel_r, sel_c].tolist(),
            _values(round_half_up(energy, QUANTITY)[sel_r, sel_c]),
            co2_years,
            en_years,
            _values(ann_pts[sel_r, sel_c]),
            _values(cum_pts[sel_r, sel_c]),
            _values(tgt_pts[sel_r, sel_c]),
            _values(measures[sel_r, sel_c]),
            _values(score[sel_r, sel_c]),
            grades.tolist(),
            _flags(veto[sel_r, sel_c], veto_defined[sel_r, sel_c]),
            [v or None for v in rank[sel_r, sel_c].tolist()],
            [v or None for v in rank_of[sel_r, sel_c].tolist()],
            _values(round_half_up(fuels_t, QUANTITY)[sel_r, sel_c]),
            _values(round_half_up(electricity_t, QUANTITY)[sel_r, sel_c]),
        )
    )
    progress = indicator_progress(inp, rows, as_of)
    return Assessment(
        period=period,
        as_of=as_of,
        rows=tuple(rows),
        indicators=inp.indicators,
        indicator_progress=progress,
        config=cfg,
        factors=dict(inp.factors),
        title=inp.title,
        illustrative=inp.illustrative,
    )


def _values(values: FloatArray) -> list[float | None]:
    """Floats of a 1-d array as a list, NaN as ``None``."""
    return [None if v != v else v for v in values.tolist()]


def _flags(values: Any, defined: Any) -> list[bool | None]:
    """Booleans as a list, ``None`` where not ``defined``."""
    return [v if d else None for v, d in zip(values.tolist(), defined.tolist(), strict=True)]


def _grades(score: FloatArray, veto: Any, defined: Any, config: ScoringConfig) -> Any:
    """Grades as an object array (``None`` where there is neither a score nor a veto)."""
    bands = sorted(config.grades, key=lambda b: -b.min_score)
    with np.errstate(invalid="ignore"):
        conditions = [veto & defined, np.isnan(score)] + [score >= b.min_score for b in bands]
    choices = [_obj(config.failing_grade), _obj(None)] + [_obj(b.grade) for b in bands]
    return np.select(conditions, choices, default=_obj(config.failing_grade))


def _verdicts(final_pct: FloatArray, config: VerdictConfig) -> Any:
    with np.errstate(invalid="ignore"):
        conditions = [
            np.isnan(final_pct),
            final_pct >= config.exceeded_pct,
            final_pct >= config.completed_pct,
            final_pct >= config.basically_pct,
        ]
    choices = [_obj(None), *(_obj(v) for v in VERDICTS[:3])]
    return np.select(conditions, choices, default=_obj(VERDICTS[3]))


def _obj(value: str | None) -> Any:
    """A 0-d object array (so that ``np.select`` keeps ``None`` and text as they are)."""
    return np.array(value, dtype=object)


_WARNING_TABLE = np.array([None, *WARNING_LEVELS.values(), *[None] * 6], dtype=object)


def _indicator_years(
    fig: dict[str, Any],
    sel_r: Any,
    sel_c: Any,
    on_last: Any,
    projections: Sequence[Projection | None],
    verdict_config: VerdictConfig,
) -> list[IndicatorYear]:
    """The :class:`IndicatorYear` of the selected cells (jurisdiction ``sel_r``, year ``sel_c``)."""
    n_y = fig["level"].shape[1]

    def cells(key: str) -> list[float | None]:
        return _values(fig[key][sel_r, sel_c])

    present = fig["present"][sel_r, sel_c]
    at_target = present & (sel_c == n_y - 1)
    final = np.where(at_target, fig["final_comp"][sel_r], np.nan)
    ann_defined = fig["ann_defined"][sel_r, sel_c]
    return list(
        map(  # positional, in the order of IndicatorYear's fields
            IndicatorYear,
            _values(round_half_up(fig["level"], INTENSITY)[sel_r, sel_c]),
            fig["t_pct"][sel_r].tolist(),
            cells("red_pct"),
            cells("req_cum_pct"),
            cells("prog_pct"),
            cells("lin_pct"),
            cells("time_pct"),
            cells("ann_req_pct"),
            cells("ann_pct"),
            _flags(fig["ann_met"][sel_r, sel_c], ann_defined),
            _flags(fig["cum_met"][sel_r, sel_c], present),
            cells("ann_comp"),
            cells("cum_comp"),
            _WARNING_TABLE[fig["warn"][sel_r, sel_c]].tolist(),
            _values(final),
            _verdicts(final, verdict_config).tolist(),
            [
                p if last else None
                for p, last in zip(
                    (projections[r] for r in sel_r.tolist()), on_last.tolist(), strict=True
                )
            ],
        )
    )
