"""Formulas of intensity targets: intensity, reduction, even pace, progress, completion, points.

Every function works on a float or, element by element, on a float array (bulk assessment of
thousands of jurisdictions in one pass). Reductions, targets and shares are *fractions* here
(0.17 for 17 %); the assessment turns them into percentages for display.

References
----------
.. [1] 国务院 (2011) “十二五”控制温室气体排放工作方案 (国发〔2011〕41号): CO2 emissions per unit of
       GDP, 2015 against 2010.
.. [2] 国家发展改革委 (2014) 单位国内生产总值二氧化碳排放降低目标责任考核评估办法, annex
       “省级人民政府单位地区生产总值二氧化碳排放降低目标考核评估指标及评分细则”, indicators 1
       (annual target, 25 points) and 2 (cumulative progress target, 25 points).
.. [3] 河北省统计局、河北省发展改革委 (2016) 冀统能字〔2016〕56号: intensities of the 12th
       FYP use GDP at 2010 constant prices.
.. [4] Henan 13th-FYP energy-intensity progress reported by NDRC 公告2017年第22号: 2016 reduction
       7.64 % is “45.58 % of the 13th-FYP target” of 16 %, i.e. ln(1 − 7.64 %)/ln(1 − 16 %); see
       docs/targets.md (the linear share 47.75 % does not match).
.. [5] 深圳市 (2011) 12th-FYP energy-intensity plan: 0.513 → 0.413 tce/万元 (−19.5 %) stated as an
       average yearly fall of 4.25 % = 1 − (1 − 19.5 %)^(1/5): the compound (geometric) pace.
"""

from __future__ import annotations

from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt

__all__ = [
    "CNY_100M_IN_CNY_10K",
    "F",
    "FloatArray",
    "completion_rate",
    "even_pace",
    "intensity",
    "progress_share_compound",
    "progress_share_linear",
    "reduction",
    "required_cumulative_reduction",
    "round_half_up",
    "target_points",
]

FloatArray = npt.NDArray[np.float64]
F = TypeVar("F", float, FloatArray)

#: 1 亿元 (10⁸ yuan) is 10 000 万元 (10⁴ yuan).
CNY_100M_IN_CNY_10K = 10_000.0


def intensity(quantity: F, gdp_constant_cny_100m: F) -> F:
    """Quantity per unit of GDP [unit of ``quantity`` per 10⁴ CNY at constant prices].

    Parameters
    ----------
    quantity : float or ndarray
        CO2 of the indicator Q [tCO2], or energy consumption [tce].
    gdp_constant_cny_100m : float or ndarray
        GDP at constant prices of the base year Y [10⁸ CNY, 亿元].

    Returns
    -------
    float or ndarray
        Intensity I [tCO2/10⁴ CNY] or [tce/10⁴ CNY] (吨/万元).

    Notes
    -----
    .. math:: I = \\frac{Q}{10^4 \\, Y}

    References
    ----------
    [1]_; constant prices as in [3]_.
    """
    return quantity / (gdp_constant_cny_100m * CNY_100M_IN_CNY_10K)


def reduction(intensity_now: F, intensity_before: F) -> F:
    """Fall of an intensity from an earlier to a later year [fraction].

    Parameters
    ----------
    intensity_now : float or ndarray
        Intensity in the later year I_t [per 10⁴ CNY].
    intensity_before : float or ndarray
        Intensity in the earlier year I_s (the base year, or the year before) [same unit].

    Returns
    -------
    float or ndarray
        Reduction R [fraction]; negative when the intensity rose.

    Notes
    -----
    .. math:: R = 1 - \\frac{I_t}{I_s}

    References
    ----------
    [1]_, [2]_ (降低率).
    """
    return 1.0 - intensity_now / intensity_before


def even_pace(target: F, years: int) -> F:
    """Yearly reduction at the even compound pace that reaches the target [fraction/yr].

    Parameters
    ----------
    target : float or ndarray
        Reduction target over the period T [fraction], 0 < T < 1.
    years : int
        Length of the period n [yr] (5 for a Five-Year Plan).

    Returns
    -------
    float or ndarray
        Yearly reduction r [fraction/yr]. For T = 17 %, n = 5: r = 3.658 %.

    Notes
    -----
    .. math:: r = 1 - (1 - T)^{1/n}

    References
    ----------
    [5]_ (geometric pace); docs/domain-reference §4.2.
    """
    pace: F = 1.0 - (1.0 - target) ** (1.0 / years)
    return pace


def required_cumulative_reduction(target: F, elapsed: F, years: int) -> F:
    """Cumulative reduction the even pace requires after ``elapsed`` years [fraction].

    Parameters
    ----------
    target : float or ndarray
        Reduction target over the period T [fraction].
    elapsed : float or ndarray
        Years since the base year k [yr], 0 ≤ k ≤ n.
    years : int
        Length of the period n [yr].

    Returns
    -------
    float or ndarray
        Required cumulative reduction R_k [fraction]. For T = 17 %, n = 5: 3.658 %, 7.182 %,
        10.577 %, 13.849 %, 17.000 % after 1 … 5 years.

    Notes
    -----
    .. math:: R_k = 1 - (1 - T)^{k/n}

    References
    ----------
    [2]_ (当年应达到的累计进度目标), [5]_.
    """
    required: F = 1.0 - (1.0 - target) ** (elapsed / years)
    return required


def progress_share_compound(achieved: F, target: F) -> F:
    """Share of the period's target achieved, on the compound (logarithmic) basis [fraction].

    Parameters
    ----------
    achieved : float or ndarray
        Reduction achieved since the base year A [fraction], A < 1.
    target : float or ndarray
        Reduction target over the period T [fraction], 0 < T < 1.

    Returns
    -------
    float or ndarray
        Progress share P [fraction]; 1 when the target is reached; equals k/n on the even pace.
        Henan 2016: ln(1 − 7.64 %)/ln(1 − 16 %) = 45.58 %.

    Notes
    -----
    .. math:: P = \\frac{\\ln(1 - A)}{\\ln(1 - T)}

    References
    ----------
    [4]_.
    """
    share: F = np.log1p(-achieved) / np.log1p(-target)
    return share


def progress_share_linear(achieved: F, target: F) -> F:
    """Share of the period's target achieved, on the linear basis [fraction].

    Parameters
    ----------
    achieved : float or ndarray
        Reduction achieved since the base year A [fraction].
    target : float or ndarray
        Reduction target over the period T [fraction], T > 0.

    Returns
    -------
    float or ndarray
        Linear share L [fraction] (7.64 %/16 % = 47.75 % for Henan 2016).

    Notes
    -----
    .. math:: L = \\frac{A}{T}
    """
    return achieved / target


def completion_rate(achieved: F, required: F) -> F:
    """Completion rate of a reduction target (目标完成率) [fraction].

    Parameters
    ----------
    achieved : float or ndarray
        Reduction achieved [fraction] (in the year, or since the base year).
    required : float or ndarray
        Reduction required [fraction] (the year's target, or the cumulative progress target),
        > 0.

    Returns
    -------
    float or ndarray
        Completion rate C [fraction]; 1 means exactly met.

    Notes
    -----
    .. math:: C = \\frac{A}{R}

    References
    ----------
    [2]_ (年度目标完成率, 累计进度目标完成率: actual reduction rate over target reduction rate).
    """
    return achieved / required


def target_points(rate: F, full_points: float = 25.0) -> F:
    """Points for a target indicator: completion rate times the full points, capped [points].

    Parameters
    ----------
    rate : float or ndarray
        Completion rate C [fraction].
    full_points : float
        Points of the indicator S [points] (25 in the 2014 method).

    Returns
    -------
    float or ndarray
        Points p [points], between 0 and S.

    Notes
    -----
    .. math:: p = S \\cdot \\min(\\max(C, 0), 1)

    A rate of 100 % or more earns the full points [2]_; a negative rate (the intensity rose)
    earns none (the method does not say; citycarbon floors at zero, docs/targets.md).
    """
    points: F = full_points * np.clip(rate, 0.0, 1.0)
    return points


def round_half_up(value: F, decimals: int) -> F:
    """Round half away from zero (四舍五入) to ``decimals`` places, for display.

    The figure is first taken to 9 significant digits past the target place so that a value
    like 2.675 (stored in binary as 2.67499999…) rounds the way a person reading it expects.
    NaN stays NaN.

    Parameters
    ----------
    value : float or ndarray
        The figure.
    decimals : int
        Decimal places kept.

    Returns
    -------
    float or ndarray
        The rounded figure.
    """
    scale = 10.0**decimals
    scaled: Any = np.round(np.abs(value) * scale, 9)
    result: Any = np.sign(value) * np.floor(scaled + 0.5) / scale + 0.0  # no negative zero
    rounded: F = float(result) if isinstance(value, float) else result
    return rounded
