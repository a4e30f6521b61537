"""Uncertainty Approach 1: error propagation, the IPCC 2006 Table 3.2 worksheet.

Every uncertainty here is the half-width of the 95 % confidence interval expressed as a percentage
of the value (IPCC's convention). The worksheet's columns:

====  =====================================================  ==================================
col.  quantity                                               attribute of :class:`Line`
====  =====================================================  ==================================
A     category                                               ``category``
B     gas                                                    ``gas``
C     base-year emissions or removals [tCO2e]                ``base_year_tco2e``
D     year-t emissions or removals [tCO2e]                   ``emissions_tco2e``
E     activity data uncertainty [%]                          ``activity_uncertainty_pct``
F     emission factor / parameter uncertainty [%]            ``factor_uncertainty_pct``
G     combined uncertainty √(E² + F²) [%] (Eq. 3.1)          ``combined_uncertainty_pct``
H     contribution to variance in year t (G·D)²/(ΣD)² [%²]   ``variance_contribution``
I     type A sensitivity [%/%]                               ``type_a_sensitivity``
J     type B sensitivity abs(D / ΣC) [%/%]                   ``type_b_sensitivity``
K     trend uncertainty from the factor, abs(I)·F [%]        ``trend_uncertainty_factor_pct``
L     trend uncertainty from activity data, J·E·√2 [%]      ``trend_uncertainty_activity_pct``
M     contribution to the trend variance K² + L² [%²]       ``trend_variance_contribution``
====  =====================================================  ==================================

The bottom line: the uncertainty of the total √ΣH (= Eq. 3.2), the trend of the total
(ΣD − ΣC)/ΣC and its uncertainty √ΣM, in percentage points.

References
----------
.. [1] IPCC (2006) 2006 IPCC Guidelines for National Greenhouse Gas Inventories, Volume 1,
       Chapter 3 Uncertainties: section 3.2.3.1 (Approach 1: Eq. 3.1 products, Eq. 3.2 sums),
       section 3.7.1 and Table 3.2 (Approach 1 uncertainty calculation, columns A-M and their
       notes). Transcribed in ``domain-reference.md`` section 7.5 with status [R].
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt

from citycarbon.uncertainty.errors import UncertaintyError, WorksheetError

__all__ = [
    "APPROACH1_LIMIT_PCT",
    "Approach1Line",
    "Approach1Result",
    "Line",
    "approach1",
    "combined_uncertainty_pct",
    "sum_uncertainty_pct",
    "type_a_sensitivity",
    "type_b_sensitivity",
]

FloatArray = npt.NDArray[np.float64]

#: Approach 1 assumes relative standard deviations below about 0.3, i.e. a 95 % half-width below
#: about 60 % (2 × 0.3 rounded; IPCC 2006 Vol. 1 section 3.2.3.1 [R]). A larger combined
#: uncertainty is reported with a warning suggesting Approach 2.
APPROACH1_LIMIT_PCT: Final = 60.0

_SQRT2: Final = math.sqrt(2.0)


def combined_uncertainty_pct(*uncertainties_pct: npt.ArrayLike) -> FloatArray:
    """Uncertainty of a product of independent quantities [%] (Eq. 3.1).

    Parameters
    ----------
    *uncertainties_pct : array_like
        The uncertainty of each factor U_i [%] (half-width of its 95 % interval relative to its
        value), e.g. activity data and emission factor.

    Returns
    -------
    numpy.ndarray
        U_total [%].

    Notes
    -----
    .. math:: U_{total} = \\sqrt{U_1^2 + U_2^2 + \\dots + U_n^2}

    Valid for uncorrelated factors with relative standard deviations below about 0.3.

    References
    ----------
    IPCC 2006, Vol. 1, Ch. 3, section 3.2.3.1, Eq. 3.1; Table 3.2 column G.
    """
    squares = [np.square(np.asarray(u, dtype=np.float64)) for u in uncertainties_pct]
    result: FloatArray = np.sqrt(np.sum(squares, axis=0)) if squares else np.zeros(())
    return result


def sum_uncertainty_pct(values: npt.ArrayLike, uncertainties_pct: npt.ArrayLike) -> float:
    """Uncertainty of a sum of independent quantities [%] (Eq. 3.2).

    Parameters
    ----------
    values : array_like
        The quantities x_i [any unit, e.g. tCO2e]; removals negative.
    uncertainties_pct : array_like
        Their uncertainties U_i [%].

    Returns
    -------
    float
        U_total [%] of the sum.

    Raises
    ------
    ValueError
        When the sum is zero.

    Notes
    -----
    .. math::

        U_{total} = \\frac{\\sqrt{(U_1 x_1)^2 + (U_2 x_2)^2 + \\dots + (U_n x_n)^2}}
        {|x_1 + x_2 + \\dots + x_n|}

    References
    ----------
    IPCC 2006, Vol. 1, Ch. 3, section 3.2.3.1, Eq. 3.2.
    """
    x = np.asarray(values, dtype=np.float64)
    u = np.asarray(uncertainties_pct, dtype=np.float64)
    total = float(x.sum())
    if total == 0.0:
        raise ValueError("the sum is zero: its relative uncertainty is undefined")
    return math.sqrt(float(np.sum(np.square(u * x)))) / abs(total)


def type_a_sensitivity(base_tco2e: npt.ArrayLike, latest_tco2e: npt.ArrayLike) -> FloatArray:
    """Type A sensitivity of the trend to each category [% per %] (Table 3.2 column I).

    Parameters
    ----------
    base_tco2e : array_like
        Base-year emissions of each category C_x [tCO2e].
    latest_tco2e : array_like
        Year-t emissions of each category D_x [tCO2e].

    Returns
    -------
    numpy.ndarray
        I_x: the change of the trend of the total [percentage points] when category x rises by
        1 % in both years (an error correlated between the years, e.g. the emission factor).

    Raises
    ------
    ValueError
        When the base-year total ΣC, or ΣC + 0.01·C_x, is zero.

    Notes
    -----
    .. math::

        I_x = \\frac{0.01 D_x + \\sum_i D_i - (0.01 C_x + \\sum_i C_i)}{0.01 C_x + \\sum_i C_i}
        \\cdot 100 - \\frac{\\sum_i D_i - \\sum_i C_i}{\\sum_i C_i} \\cdot 100

    References
    ----------
    IPCC 2006, Vol. 1, Ch. 3, Table 3.2, column I and its note.
    """
    c = np.asarray(base_tco2e, dtype=np.float64)
    d = np.asarray(latest_tco2e, dtype=np.float64)
    sum_c, sum_d = float(c.sum()), float(d.sum())
    perturbed_base = 0.01 * c + sum_c
    if sum_c == 0.0 or bool(np.any(perturbed_base == 0.0)):
        raise ValueError("the base-year total is zero: the trend is undefined")
    result: FloatArray = (0.01 * d + sum_d - perturbed_base) / perturbed_base * 100 - (
        sum_d - sum_c
    ) / sum_c * 100
    return result


def type_b_sensitivity(base_tco2e: npt.ArrayLike, latest_tco2e: npt.ArrayLike) -> FloatArray:
    """Type B sensitivity of the trend to each category [% per %] (Table 3.2 column J).

    Parameters
    ----------
    base_tco2e : array_like
        Base-year emissions of each category C_x [tCO2e].
    latest_tco2e : array_like
        Year-t emissions of each category D_x [tCO2e].

    Returns
    -------
    numpy.ndarray
        J_x: the change of the trend of the total [percentage points] when category x rises by
        1 % in year t only (an error independent between the years, e.g. activity data).

    Raises
    ------
    ValueError
        When the base-year total is zero.

    Notes
    -----
    .. math:: J_x = \\left| \\frac{D_x}{\\sum_i C_i} \\right|

    References
    ----------
    IPCC 2006, Vol. 1, Ch. 3, Table 3.2, column J and its note.
    """
    c = np.asarray(base_tco2e, dtype=np.float64)
    d = np.asarray(latest_tco2e, dtype=np.float64)
    sum_c = float(c.sum())
    if sum_c == 0.0:
        raise ValueError("the base-year total is zero: the trend is undefined")
    result: FloatArray = np.abs(d / sum_c)
    return result


@dataclass(frozen=True, slots=True)
class Line:
    """One input line of the Approach 1 worksheet (columns A-F of Table 3.2)."""

    category: str
    emissions_tco2e: float
    activity_uncertainty_pct: float
    factor_uncertainty_pct: float
    base_year_tco2e: float | None = None
    gas: str = ""


@dataclass(frozen=True, slots=True)
class Approach1Line:
    """One computed line of Table 3.2 (columns A-M); trend columns are ``None`` without C."""

    category: str
    gas: str
    base_year_tco2e: float | None
    emissions_tco2e: float
    activity_uncertainty_pct: float
    factor_uncertainty_pct: float
    combined_uncertainty_pct: float
    variance_contribution: float
    variance_share_pct: float
    type_a_sensitivity: float | None
    type_b_sensitivity: float | None
    trend_uncertainty_factor_pct: float | None
    trend_uncertainty_activity_pct: float | None
    trend_variance_contribution: float | None

    def as_dict(self) -> dict[str, object]:
        """The line as plain data, keyed by attribute, with the Table 3.2 column letters."""
        return {
            "category": self.category,
            "gas": self.gas,
            "base_year_tco2e": self.base_year_tco2e,
            "emissions_tco2e": self.emissions_tco2e,
            "activity_uncertainty_pct": self.activity_uncertainty_pct,
            "factor_uncertainty_pct": self.factor_uncertainty_pct,
            "combined_uncertainty_pct": self.combined_uncertainty_pct,
            "variance_contribution": self.variance_contribution,
            "variance_share_pct": self.variance_share_pct,
            "type_a_sensitivity": self.type_a_sensitivity,
            "type_b_sensitivity": self.type_b_sensitivity,
            "trend_uncertainty_factor_pct": self.trend_uncertainty_factor_pct,
            "trend_uncertainty_activity_pct": self.trend_uncertainty_activity_pct,
            "trend_variance_contribution": self.trend_variance_contribution,
        }


@dataclass(frozen=True, slots=True)
class Approach1Result:
    """The Table 3.2 worksheet computed: its lines and its bottom line.

    ``uncertainty_pct`` is the uncertainty of the year-t total [%]; ``trend_pct`` the change of
    the total from the base year [%] and ``trend_uncertainty_pct`` its uncertainty [percentage
    points]; the trend fields are ``None`` when the worksheet has no base year.
    """

    lines: tuple[Approach1Line, ...]
    base_year_tco2e: float | None
    emissions_tco2e: float
    uncertainty_pct: float
    trend_pct: float | None
    trend_uncertainty_pct: float | None
    factor_correlated: bool
    activity_correlated: bool
    warnings: tuple[str, ...]

    def as_dict(self) -> dict[str, object]:
        """The whole worksheet as plain data (JSON-ready)."""
        return {
            "method": "IPCC 2006 Vol. 1 Ch. 3 Approach 1 (Table 3.2)",
            "lines": [line.as_dict() for line in self.lines],
            "total": {
                "base_year_tco2e": self.base_year_tco2e,
                "emissions_tco2e": self.emissions_tco2e,
                "uncertainty_pct": self.uncertainty_pct,
                "trend_pct": self.trend_pct,
                "trend_uncertainty_pct": self.trend_uncertainty_pct,
            },
            "assumptions": {
                "factor_correlated_between_years": self.factor_correlated,
                "activity_correlated_between_years": self.activity_correlated,
            },
            "warnings": list(self.warnings),
        }


def _label(line: Line) -> str:
    gas = line.gas.strip()
    return f"{line.category.strip()} ({gas})" if gas else line.category.strip()


def _finite(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _validate(lines: Sequence[Line]) -> list[UncertaintyError]:
    if not lines:
        return [UncertaintyError("the worksheet has no category")]
    problems: list[UncertaintyError] = []
    with_base = [line.base_year_tco2e is not None for line in lines]
    partial = any(with_base) and not all(with_base)
    seen: dict[tuple[str, str], int] = {}
    for number, line in enumerate(lines, start=1):
        name = line.category.strip()
        if not name:
            problems.append(
                UncertaintyError("a category needs a name", row=number, column="category")
            )
        elif (name, line.gas.strip()) in seen:
            problems.append(
                UncertaintyError(
                    f"category listed twice (first at {seen[(name, line.gas.strip())]})",
                    row=number,
                    column="category",
                    value=line.category,
                )
            )
        seen.setdefault((name, line.gas.strip()), number)
        if not _finite(line.emissions_tco2e):
            problems.append(
                UncertaintyError(
                    "must be a finite number",
                    row=number,
                    column="emissions_tco2e",
                    value=line.emissions_tco2e,
                )
            )
        for column in ("activity_uncertainty_pct", "factor_uncertainty_pct"):
            value = getattr(line, column)
            if not _finite(value) or value < 0:
                problems.append(
                    UncertaintyError(
                        "an uncertainty must be a percentage, a finite number ≥ 0",
                        row=number,
                        column=column,
                        value=value,
                    )
                )
        if line.base_year_tco2e is None:
            if partial:
                problems.append(
                    UncertaintyError(
                        "a base year is given for some categories but not this one: give it for "
                        "every category (0 for a new one) or for none",
                        row=number,
                        column="base_year_tco2e",
                    )
                )
        elif not _finite(line.base_year_tco2e):
            problems.append(
                UncertaintyError(
                    "must be a finite number",
                    row=number,
                    column="base_year_tco2e",
                    value=line.base_year_tco2e,
                )
            )
    return problems


def approach1(
    lines: Sequence[Line],
    *,
    factor_correlated: bool = True,
    activity_correlated: bool = False,
) -> Approach1Result:
    """Compute the Approach 1 uncertainty worksheet (IPCC 2006 Table 3.2, columns A-M).

    Parameters
    ----------
    lines : sequence of Line
        Year-t emissions D [tCO2e], activity and factor uncertainties E, F [%], and optionally
        base-year emissions C [tCO2e] for every line (the trend columns I-M need them).
    factor_correlated : bool
        Whether a category's emission factor error is the same in both years (the usual case,
        same factor): then K = \\|I\\|·F; otherwise K = J·F·√2.
    activity_correlated : bool
        Whether a category's activity-data error is the same in both years: then L = \\|I\\|·E;
        otherwise (the usual case, independent statistics each year) L = J·E·√2.

    Returns
    -------
    Approach1Result
        Every line with columns G-M and the bottom line: total, its uncertainty √ΣH, trend and
        trend uncertainty √ΣM.

    Raises
    ------
    WorksheetError
        Listing every problem (row, column, value): an empty or duplicated category, a value that
        is not a finite number, an uncertainty that is not a percentage ≥ 0, a base year given on
        some lines only, a total of zero in year t or in the base year. Nothing is computed.

    Notes
    -----
    .. math::

        G_x = \\sqrt{E_x^2 + F_x^2} \\qquad
        H_x = \\frac{(G_x D_x)^2}{(\\sum_i D_i)^2} \\qquad
        U_{total} = \\sqrt{\\sum_x H_x}

        K_x = |I_x| \\, F_x \\qquad L_x = J_x \\, E_x \\sqrt{2} \\qquad
        M_x = K_x^2 + L_x^2 \\qquad U_{trend} = \\sqrt{\\sum_x M_x}

    with I and J from :func:`type_a_sensitivity` and :func:`type_b_sensitivity`. √ΣH equals
    Eq. 3.2 applied to the combined uncertainties. K and L are reported as magnitudes (only their
    squares enter M). A warning is raised for each category whose combined uncertainty exceeds
    :data:`APPROACH1_LIMIT_PCT`.

    References
    ----------
    IPCC 2006, Vol. 1, Ch. 3, Eq. 3.1, Eq. 3.2, section 3.7.1 and Table 3.2 with its notes.
    """
    problems = _validate(lines)
    if not problems:
        d = np.array([line.emissions_tco2e for line in lines], dtype=np.float64)
        if float(d.sum()) == 0.0:
            problems.append(
                UncertaintyError(
                    "the year-t total is zero: its relative uncertainty is undefined",
                    column="emissions_tco2e",
                )
            )
        has_base = lines[0].base_year_tco2e is not None
        if has_base:
            c_check = np.array([line.base_year_tco2e for line in lines], dtype=np.float64)
            if float(c_check.sum()) == 0.0 or bool(np.any(0.01 * c_check + c_check.sum() == 0.0)):
                problems.append(
                    UncertaintyError(
                        "the base-year total is zero: the trend is undefined",
                        column="base_year_tco2e",
                    )
                )
    if problems:
        raise WorksheetError(problems)

    e = np.array([line.activity_uncertainty_pct for line in lines], dtype=np.float64)
    f = np.array([line.factor_uncertainty_pct for line in lines], dtype=np.float64)
    g = combined_uncertainty_pct(e, f)
    sum_d = float(d.sum())
    h = np.square(g * d) / sum_d**2
    sum_h = float(h.sum())
    share = h / sum_h * 100 if sum_h > 0 else np.zeros_like(h)

    base_total: float | None = None
    trend_pct: float | None = None
    trend_uncertainty: float | None = None
    i_col: FloatArray | None = None
    j_col = k_col = l_col = m_col = None
    if has_base:
        c = np.array([line.base_year_tco2e for line in lines], dtype=np.float64)
        base_total = float(c.sum())
        i_col = type_a_sensitivity(c, d)
        j_col = type_b_sensitivity(c, d)
        k_col = np.abs(i_col) * f if factor_correlated else j_col * f * _SQRT2
        l_col = np.abs(i_col) * e if activity_correlated else j_col * e * _SQRT2
        m_col = np.square(k_col) + np.square(l_col)
        trend_pct = (sum_d - base_total) / base_total * 100
        trend_uncertainty = math.sqrt(float(m_col.sum()))

    warnings = tuple(
        f"{_label(line)}: combined uncertainty {float(g[x]):.1f} % exceeds about "
        f"{APPROACH1_LIMIT_PCT:.0f} %, where Approach 1 (σ/μ < 0.3) becomes unreliable; "
        "consider Approach 2 (Monte Carlo)"
        for x, line in enumerate(lines)
        if float(g[x]) > APPROACH1_LIMIT_PCT
    )

    def opt(column: FloatArray | None, index: int) -> float | None:
        return None if column is None else float(column[index])

    computed = tuple(
        Approach1Line(
            category=line.category.strip(),
            gas=line.gas.strip(),
            base_year_tco2e=None if line.base_year_tco2e is None else float(line.base_year_tco2e),
            emissions_tco2e=float(line.emissions_tco2e),
            activity_uncertainty_pct=float(line.activity_uncertainty_pct),
            factor_uncertainty_pct=float(line.factor_uncertainty_pct),
            combined_uncertainty_pct=float(g[x]),
            variance_contribution=float(h[x]),
            variance_share_pct=float(share[x]),
            type_a_sensitivity=opt(i_col, x),
            type_b_sensitivity=opt(j_col, x),
            trend_uncertainty_factor_pct=opt(k_col, x),
            trend_uncertainty_activity_pct=opt(l_col, x),
            trend_variance_contribution=opt(m_col, x),
        )
        for x, line in enumerate(lines)
    )
    return Approach1Result(
        lines=computed,
        base_year_tco2e=base_total,
        emissions_tco2e=sum_d,
        uncertainty_pct=math.sqrt(sum_h),
        trend_pct=trend_pct,
        trend_uncertainty_pct=trend_uncertainty,
        factor_correlated=factor_correlated,
        activity_correlated=activity_correlated,
        warnings=warnings,
    )
