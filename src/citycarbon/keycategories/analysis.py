"""Key category analysis: IPCC Approach 1 (level, trend) and Approach 2 (weighted by uncertainty).

A *key category* is one whose emissions or removals weigh so much on the level or on the trend of
the inventory that it deserves the best methods and the most checking. The analysis ranks the
categories by their contribution, adds the contributions up in descending order and calls key
every category needed to reach the threshold: 95 % of the total for Approach 1, 90 % for
Approach 2. The category whose contribution makes the running total cross the threshold is key.

Sinks count by their absolute value (Eq. 4.1 and 4.2 take absolute values), so a large forest
sink can be a key category like a large source.

References
----------
.. [1] IPCC (2006) 2006 IPCC Guidelines for National Greenhouse Gas Inventories, Volume 1
       General Guidance and Reporting, Chapter 4 Methodological Choice and Identification of Key
       Categories: section 4.3.1 (Approach 1: Eq. 4.1 level, Eq. 4.2 trend, 95 % threshold) and
       section 4.3.2 (Approach 2: Eq. 4.4 level and Eq. 4.5 trend weighted by uncertainty, 90 %
       threshold). The equations are transcribed in ``domain-reference.md`` section 7.5 with
       status [R] (standard equations, not re-verified against the PDF in this work).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, Literal

import numpy as np
import numpy.typing as npt

from citycarbon.keycategories.errors import KeyCategoryError, WorksheetError

__all__ = [
    "APPROACH1_THRESHOLD_PCT",
    "APPROACH2_THRESHOLD_PCT",
    "Assessment",
    "Category",
    "CategoryOutcome",
    "KeyCategoryResult",
    "RankedEntry",
    "Ranking",
    "analyse",
    "level_assessment",
    "level_uncertainty_assessment",
    "rank",
    "trend_assessment",
    "trend_uncertainty_assessment",
]

FloatArray = npt.NDArray[np.float64]

#: Approach 1 threshold: key categories together make up 95 % of the assessment (IPCC 2006 Vol. 1
#: section 4.3.1).
APPROACH1_THRESHOLD_PCT: Final = 95.0
#: Approach 2 threshold: 90 % of the uncertainty-weighted assessment (IPCC 2006 Vol. 1 section
#: 4.3.2).
APPROACH2_THRESHOLD_PCT: Final = 90.0

#: Slack when comparing a running sum of floats with the threshold: a running sum that reaches the
#: threshold exactly (as in a hand-worked case) must not let the next category in by rounding.
_EPSILON: Final = 1e-12


# --------------------------------------------------------------------------------------------
# The formulas
# --------------------------------------------------------------------------------------------


def level_assessment(emissions_tco2e: npt.ArrayLike) -> FloatArray:
    """Level assessment of every category, Approach 1 [fraction of the total].

    Parameters
    ----------
    emissions_tco2e : array_like
        Emissions (positive) or removals (negative) of each category in the year assessed,
        E_x,t [tCO2e].

    Returns
    -------
    numpy.ndarray
        L_x,t [fraction, 0-1]; the values add up to 1.

    Raises
    ------
    ValueError
        When every category is zero (there is no level to share).

    Notes
    -----
    .. math:: L_{x,t} = \\frac{|E_{x,t}|}{\\sum_y |E_{y,t}|}

    References
    ----------
    IPCC 2006, Vol. 1, Ch. 4, section 4.3.1, Eq. 4.1 (level assessment, Approach 1).
    """
    magnitude = np.abs(np.asarray(emissions_tco2e, dtype=np.float64))
    total = float(magnitude.sum())
    if total == 0.0:
        raise ValueError("every category is zero: there is no level to assess")
    result: FloatArray = magnitude / total
    return result


def trend_assessment(
    base_year_tco2e: npt.ArrayLike, latest_year_tco2e: npt.ArrayLike
) -> FloatArray:
    """Trend assessment of every category, Approach 1 [fraction] (not yet normalised).

    Parameters
    ----------
    base_year_tco2e : array_like
        Emissions or removals of each category in the base year, E_x,0 [tCO2e].
    latest_year_tco2e : array_like
        The same in the latest year, E_x,t [tCO2e].

    Returns
    -------
    numpy.ndarray
        T_x,t [fraction]: how far the category's own trend departs from the trend of the total,
        weighted by its base-year level. Divide by their sum for each category's share of the
        trend.

    Raises
    ------
    ValueError
        When the base-year total is zero (the trend of the total is undefined).

    Notes
    -----
    .. math::

        T_{x,t} = \\frac{|E_{x,0}|}{\\sum_y |E_{y,0}|} \\cdot
        \\left| \\frac{E_{x,t} - E_{x,0}}{|E_{x,0}|}
        - \\frac{\\sum_y E_{y,t} - \\sum_y E_{y,0}}{|\\sum_y E_{y,0}|} \\right|

    The absolute values in the denominators keep the sign of a change right when the base year is
    a removal (a sink) or the net total is negative. For a category with zero base-year
    emissions (a new source), Eq. 4.2 cannot be evaluated as written; the guidance then uses its
    limit

    .. math:: T_{x,t} = \\frac{|E_{x,t}|}{\\sum_y |E_{y,0}|}

    Both cases are computed at once by multiplying the factor into the absolute value,

    .. math::

        T_{x,t} = \\frac{\\left| (E_{x,t} - E_{x,0})
        - |E_{x,0}| \\, g \\right|}{\\sum_y |E_{y,0}|},
        \\qquad g = \\frac{\\sum_y E_{y,t} - \\sum_y E_{y,0}}{|\\sum_y E_{y,0}|}

    which equals Eq. 4.2 whenever :math:`E_{x,0} \\neq 0` and the special case when it is zero.

    References
    ----------
    IPCC 2006, Vol. 1, Ch. 4, section 4.3.1, Eq. 4.2 (trend assessment, Approach 1) and the
    zero-base-year case stated with it.
    """
    base = np.asarray(base_year_tco2e, dtype=np.float64)
    latest = np.asarray(latest_year_tco2e, dtype=np.float64)
    base_magnitude_total = float(np.abs(base).sum())
    base_total = float(base.sum())
    if base_total == 0.0 or base_magnitude_total == 0.0:
        raise ValueError("the base-year total is zero: the trend of the total is undefined")
    total_trend = (float(latest.sum()) - base_total) / abs(base_total)
    result: FloatArray = np.abs((latest - base) - np.abs(base) * total_trend) / base_magnitude_total
    return result


def level_uncertainty_assessment(
    level: npt.ArrayLike, uncertainty_pct: npt.ArrayLike
) -> FloatArray:
    """Level assessment weighted by uncertainty, Approach 2 [fraction].

    Parameters
    ----------
    level : array_like
        Approach 1 level assessment L_x,t of each category [fraction] (:func:`level_assessment`).
    uncertainty_pct : array_like
        Uncertainty of each category U_x,t: the half-width of its 95 % confidence interval
        relative to its estimate [%] (for example the combined uncertainty of Eq. 3.1).

    Returns
    -------
    numpy.ndarray
        LU_x,t = L_x,t · U_x,t [fraction] (U taken as a fraction). Divide by their sum for the
        shares that are added up to 90 %.

    Notes
    -----
    .. math:: LU_{x,t} = L_{x,t} \\cdot U_{x,t}

    References
    ----------
    IPCC 2006, Vol. 1, Ch. 4, section 4.3.2, Eq. 4.4 (level assessment, Approach 2).
    """
    result: FloatArray = (
        np.asarray(level, dtype=np.float64)
        * np.abs(np.asarray(uncertainty_pct, dtype=np.float64))
        / 100
    )
    return result


def trend_uncertainty_assessment(
    trend: npt.ArrayLike, uncertainty_pct: npt.ArrayLike
) -> FloatArray:
    """Trend assessment weighted by uncertainty, Approach 2 [fraction].

    Parameters
    ----------
    trend : array_like
        Approach 1 trend assessment T_x,t of each category [fraction] (:func:`trend_assessment`).
    uncertainty_pct : array_like
        Uncertainty of each category U_x,t [%], as in :func:`level_uncertainty_assessment`.

    Returns
    -------
    numpy.ndarray
        TU_x,t = T_x,t · U_x,t [fraction].

    Notes
    -----
    .. math:: TU_{x,t} = T_{x,t} \\cdot U_{x,t}

    References
    ----------
    IPCC 2006, Vol. 1, Ch. 4, section 4.3.2, Eq. 4.5 (trend assessment, Approach 2).
    """
    result: FloatArray = (
        np.asarray(trend, dtype=np.float64)
        * np.abs(np.asarray(uncertainty_pct, dtype=np.float64))
        / 100
    )
    return result


@dataclass(frozen=True, slots=True)
class Ranking:
    """Categories sorted by an assessment, with shares, running sums and the key flags.

    ``order`` lists category indices, largest contribution first (ties keep input order);
    ``share_pct``, ``cumulative_pct`` and ``key`` follow that order.
    """

    order: tuple[int, ...]
    share_pct: tuple[float, ...]
    cumulative_pct: tuple[float, ...]
    key: tuple[bool, ...]


def rank(assessment: npt.ArrayLike, threshold_pct: float) -> Ranking:
    """Sort categories by contribution and flag those needed to reach the threshold.

    Parameters
    ----------
    assessment : array_like
        Contribution of each category (L, T, LU or TU) [any non-negative unit].
    threshold_pct : float
        Cumulative share to reach [%]: 95 for Approach 1, 90 for Approach 2.

    Returns
    -------
    Ranking
        The order, shares [%], cumulative shares [%] and key flags. When every contribution is
        zero no category is key and every share is zero.

    Notes
    -----
    With contributions sorted in descending order, :math:`s_k` the share of the k-th and
    :math:`S_k = \\sum_{j \\le k} s_j` its running total, category k is key when
    :math:`S_{k-1} < \\tau`: the categories before it had not yet reached the threshold
    :math:`\\tau`, so it is the one that reaches or crosses it, or comes before that one.

    References
    ----------
    IPCC 2006, Vol. 1, Ch. 4, section 4.3.1 (95 %) and 4.3.2 (90 %).
    """
    values = np.asarray(assessment, dtype=np.float64)
    order = np.argsort(-values, kind="stable")
    total = float(values.sum())
    if total == 0.0:
        zero = tuple(0.0 for _ in order)
        return Ranking(tuple(int(i) for i in order), zero, zero, tuple(False for _ in order))
    share = values[order] / total
    cumulative = np.cumsum(share)
    before = np.concatenate(([0.0], cumulative[:-1]))
    key = (before < threshold_pct / 100 - _EPSILON) & (share > 0)
    return Ranking(
        order=tuple(int(i) for i in order),
        share_pct=tuple(float(s) * 100 for s in share),
        cumulative_pct=tuple(float(c) * 100 for c in cumulative),
        key=tuple(bool(k) for k in key),
    )


# --------------------------------------------------------------------------------------------
# The analysis of a worksheet
# --------------------------------------------------------------------------------------------

AssessmentId = Literal["L1-latest", "L1-base", "T1", "L2-latest", "L2-base", "T2"]


@dataclass(frozen=True, slots=True)
class Category:
    """One line of the key-category worksheet (IPCC 2006 Vol. 1 Table 4.2/4.3 layout).

    ``gas`` is optional: the guidance assesses categories per gas, so ``1.A.1`` CO2 and ``1.A.1``
    N2O can be two lines.
    """

    category: str
    base_year_tco2e: float
    latest_year_tco2e: float
    uncertainty_pct: float | None = None
    gas: str = ""


@dataclass(frozen=True, slots=True)
class RankedEntry:
    """One category in one assessment, in rank order."""

    rank: int
    category: str
    gas: str
    assessment: float
    share_pct: float
    cumulative_pct: float
    key: bool

    def as_dict(self) -> dict[str, object]:
        """The entry as plain data."""
        return {
            "rank": self.rank,
            "category": self.category,
            "gas": self.gas,
            "assessment": self.assessment,
            "share_pct": self.share_pct,
            "cumulative_pct": self.cumulative_pct,
            "key": self.key,
        }


_TITLES: Final[dict[str, tuple[int, str, str, str]]] = {
    # id: (approach, kind, year, equation)
    "L1-latest": (1, "level", "latest", "IPCC 2006 Vol. 1 Eq. 4.1"),
    "L1-base": (1, "level", "base", "IPCC 2006 Vol. 1 Eq. 4.1"),
    "T1": (1, "trend", "base→latest", "IPCC 2006 Vol. 1 Eq. 4.2"),
    "L2-latest": (2, "level", "latest", "IPCC 2006 Vol. 1 Eq. 4.4"),
    "L2-base": (2, "level", "base", "IPCC 2006 Vol. 1 Eq. 4.4"),
    "T2": (2, "trend", "base→latest", "IPCC 2006 Vol. 1 Eq. 4.5"),
}


@dataclass(frozen=True, slots=True)
class Assessment:
    """One assessment (e.g. Approach 1 level, latest year), categories in rank order."""

    id: str
    approach: int
    kind: str
    year: str
    threshold_pct: float
    equation: str
    entries: tuple[RankedEntry, ...]

    @property
    def key_categories(self) -> tuple[tuple[str, str], ...]:
        """(category, gas) of the key categories of this assessment, in rank order."""
        return tuple((e.category, e.gas) for e in self.entries if e.key)

    def as_dict(self) -> dict[str, object]:
        """The assessment as plain data."""
        return {
            "id": self.id,
            "approach": self.approach,
            "kind": self.kind,
            "year": self.year,
            "threshold_pct": self.threshold_pct,
            "equation": self.equation,
            "entries": [e.as_dict() for e in self.entries],
        }


@dataclass(frozen=True, slots=True)
class CategoryOutcome:
    """A category with its verdict: key or not, and by which assessments (``criteria``)."""

    category: str
    gas: str
    base_year_tco2e: float
    latest_year_tco2e: float
    uncertainty_pct: float | None
    key: bool
    criteria: tuple[str, ...]

    def as_dict(self) -> dict[str, object]:
        """The outcome as plain data."""
        return {
            "category": self.category,
            "gas": self.gas,
            "base_year_tco2e": self.base_year_tco2e,
            "latest_year_tco2e": self.latest_year_tco2e,
            "uncertainty_pct": self.uncertainty_pct,
            "key": self.key,
            "criteria": list(self.criteria),
        }


@dataclass(frozen=True, slots=True)
class KeyCategoryResult:
    """The outcome of a key category analysis.

    ``categories`` are in input order; ``assessments`` are, in this order, L1-latest, L1-base
    (when asked), T1 and, when every category has an uncertainty, L2-latest, L2-base, T2.
    """

    categories: tuple[CategoryOutcome, ...]
    assessments: tuple[Assessment, ...]
    threshold_pct: float
    uncertainty_threshold_pct: float

    def assessment(self, id: str) -> Assessment:
        """The assessment called ``id`` (``"L1-latest"``, ``"T1"``, ``"L2-base"`` …)."""
        for item in self.assessments:
            if item.id == id:
                return item
        raise KeyError(id)

    @property
    def key_categories(self) -> tuple[CategoryOutcome, ...]:
        """The key categories, in input order."""
        return tuple(c for c in self.categories if c.key)

    def as_dict(self) -> dict[str, object]:
        """The whole result as plain data (JSON-ready)."""
        return {
            "threshold_pct": self.threshold_pct,
            "uncertainty_threshold_pct": self.uncertainty_threshold_pct,
            "categories": [c.as_dict() for c in self.categories],
            "assessments": [a.as_dict() for a in self.assessments],
        }


def _finite(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _validate(categories: Sequence[Category]) -> list[KeyCategoryError]:
    problems: list[KeyCategoryError] = []
    if not categories:
        return [KeyCategoryError("the worksheet has no category")]
    seen: dict[tuple[str, str], int] = {}
    with_uncertainty = [c.uncertainty_pct is not None for c in categories]
    partial = any(with_uncertainty) and not all(with_uncertainty)
    for number, item in enumerate(categories, start=1):
        if not item.category.strip():
            problems.append(
                KeyCategoryError("a category needs a name", row=number, column="category")
            )
        label = (item.category.strip(), item.gas.strip())
        if label in seen and item.category.strip():
            problems.append(
                KeyCategoryError(
                    f"category listed twice (first at {seen[label]})",
                    row=number,
                    column="category",
                    value=item.category,
                )
            )
        seen.setdefault(label, number)
        for column in ("base_year_tco2e", "latest_year_tco2e"):
            value = getattr(item, column)
            if not _finite(value):
                problems.append(
                    KeyCategoryError(
                        "must be a finite number", row=number, column=column, value=value
                    )
                )
        u = item.uncertainty_pct
        if u is None:
            if partial:
                problems.append(
                    KeyCategoryError(
                        "an uncertainty is given for some categories but not this one: give it for "
                        "every category (Approach 2) or for none",
                        row=number,
                        column="uncertainty_pct",
                    )
                )
        elif not _finite(u) or u < 0:
            problems.append(
                KeyCategoryError(
                    "an uncertainty must be a percentage, a finite number ≥ 0",
                    row=number,
                    column="uncertainty_pct",
                    value=u,
                )
            )
    return problems


def analyse(
    categories: Sequence[Category],
    *,
    threshold_pct: float = APPROACH1_THRESHOLD_PCT,
    uncertainty_threshold_pct: float = APPROACH2_THRESHOLD_PCT,
    base_year_level: bool = True,
) -> KeyCategoryResult:
    """Key category analysis of a worksheet: level and trend, Approach 1 and (with uncertainties) 2.

    Parameters
    ----------
    categories : sequence of Category
        The worksheet lines: base-year and latest-year emissions [tCO2e] (removals negative) and,
        optionally for every line, the category uncertainty [%].
    threshold_pct : float
        Approach 1 cumulative threshold [%] (95).
    uncertainty_threshold_pct : float
        Approach 2 cumulative threshold [%] (90).
    base_year_level : bool
        Also assess the level of the base year (a category key in the base year stays key, as in
        the UNFCCC reporting table of key categories).

    Returns
    -------
    KeyCategoryResult
        Every assessment with shares and cumulative shares, and every category's verdict with
        the assessments that make it key.

    Raises
    ------
    WorksheetError
        Listing every problem (row, column, value): an empty or duplicated category, a value that
        is not a finite number, an uncertainty that is not a percentage ≥ 0 or is missing on some
        lines only, a latest or base year whose total is zero. Nothing is computed.

    Notes
    -----
    The assessments are Eq. 4.1 (:func:`level_assessment`), Eq. 4.2 (:func:`trend_assessment`),
    Eq. 4.4 and Eq. 4.5 (:func:`level_uncertainty_assessment`,
    :func:`trend_uncertainty_assessment`), each ranked by :func:`rank`.

    References
    ----------
    IPCC 2006, Vol. 1, Ch. 4, sections 4.3.1 and 4.3.2.
    """
    problems = _validate(categories)
    if not problems:
        latest = np.array([c.latest_year_tco2e for c in categories], dtype=np.float64)
        base = np.array([c.base_year_tco2e for c in categories], dtype=np.float64)
        if float(np.abs(latest).sum()) == 0.0:
            problems.append(
                KeyCategoryError(
                    "every category is zero in the latest year: there is no level to assess",
                    column="latest_year_tco2e",
                )
            )
        if float(base.sum()) == 0.0:
            problems.append(
                KeyCategoryError(
                    "the base-year total is zero: the trend of the total (Eq. 4.2) is undefined",
                    column="base_year_tco2e",
                )
            )
    if problems:
        raise WorksheetError(problems)

    labels = [(c.category.strip(), c.gas.strip()) for c in categories]
    contributions: list[tuple[str, FloatArray, float]] = []
    level_latest = level_assessment(latest)
    level_base = level_assessment(base)
    trend = trend_assessment(base, latest)
    contributions.append(("L1-latest", level_latest, threshold_pct))
    if base_year_level:
        contributions.append(("L1-base", level_base, threshold_pct))
    contributions.append(("T1", trend, threshold_pct))
    if categories[0].uncertainty_pct is not None:
        u = np.array([c.uncertainty_pct for c in categories], dtype=np.float64)
        contributions.append(
            ("L2-latest", level_uncertainty_assessment(level_latest, u), uncertainty_threshold_pct)
        )
        if base_year_level:
            contributions.append(
                ("L2-base", level_uncertainty_assessment(level_base, u), uncertainty_threshold_pct)
            )
        contributions.append(
            ("T2", trend_uncertainty_assessment(trend, u), uncertainty_threshold_pct)
        )

    assessments: list[Assessment] = []
    criteria: list[list[str]] = [[] for _ in categories]
    for id_, values, threshold in contributions:
        ranking = rank(values, threshold)
        entries = []
        for position, index in enumerate(ranking.order):
            entries.append(
                RankedEntry(
                    rank=position + 1,
                    category=labels[index][0],
                    gas=labels[index][1],
                    assessment=float(values[index]),
                    share_pct=ranking.share_pct[position],
                    cumulative_pct=ranking.cumulative_pct[position],
                    key=ranking.key[position],
                )
            )
            if ranking.key[position]:
                criteria[index].append(id_)
        approach, kind, year, equation = _TITLES[id_]
        assessments.append(
            Assessment(id_, approach, kind, year, threshold, equation, tuple(entries))
        )

    outcomes = tuple(
        CategoryOutcome(
            category=labels[i][0],
            gas=labels[i][1],
            base_year_tco2e=float(c.base_year_tco2e),
            latest_year_tco2e=float(c.latest_year_tco2e),
            uncertainty_pct=None if c.uncertainty_pct is None else float(c.uncertainty_pct),
            key=bool(criteria[i]),
            criteria=tuple(criteria[i]),
        )
        for i, c in enumerate(categories)
    )
    return KeyCategoryResult(outcomes, tuple(assessments), threshold_pct, uncertainty_threshold_pct)
