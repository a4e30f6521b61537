"""Key category analysis (IPCC 2006 Vol. 1 Ch. 4) against hand-worked cases."""

from __future__ import annotations

import numpy as np
import pytest

from citycarbon.keycategories import (
    Category,
    WorksheetError,
    analyse,
    level_assessment,
    level_uncertainty_assessment,
    rank,
    trend_assessment,
    trend_uncertainty_assessment,
)

# --- Level, Approach 1 (Eq. 4.1) -------------------------------------------------------------
# Latest year: A 600, B 250, C -90 (a sink), D 50, E 10 tCO2e.  Σ|E| = 600+250+90+50+10 = 1000.
# Shares: A 60 %, B 25 %, C 9 % (|-90|), D 5 %, E 1 %.
# Cumulative in descending order: A 60, B 85, C 94, D 99, E 100.
# D brings the running total from 94 % (< 95) across 95 %, so D is key (the crossing category);
# E starts at 99 % ≥ 95 and is not.
LEVEL_CASE = [
    Category("A", 500, 600, 5),
    Category("B", 200, 250, 20),
    Category("C", -80, -90, 50),
    Category("D", 40, 50, 80),
    Category("E", 40, 10, 10),
]


def test_level_assessment_uses_absolute_values_so_a_sink_counts() -> None:
    shares = level_assessment([600, 250, -90, 50, 10])
    assert shares.tolist() == pytest.approx([0.6, 0.25, 0.09, 0.05, 0.01], rel=1e-15)


def test_level_key_categories_include_the_crossing_category() -> None:
    result = analyse(LEVEL_CASE)
    level = result.assessment("L1-latest")
    assert [e.category for e in level.entries] == ["A", "B", "C", "D", "E"]
    assert [e.share_pct for e in level.entries] == pytest.approx([60, 25, 9, 5, 1], rel=1e-12)
    assert [e.cumulative_pct for e in level.entries] == pytest.approx(
        [60, 85, 94, 99, 100], rel=1e-12
    )
    assert [e.key for e in level.entries] == [True, True, True, True, False]
    assert level.threshold_pct == 95


def test_a_category_that_reaches_the_threshold_exactly_is_key_and_the_next_is_not() -> None:
    # Shares 60, 25, 10, 4, 1: the running total reaches 95 % exactly with the third category;
    # the fourth starts at 95 % and is not key.
    ranking = rank([600, 250, 100, 40, 10], 95)
    assert ranking.cumulative_pct == pytest.approx((60, 85, 95, 99, 100), rel=1e-12)
    assert ranking.key == (True, True, True, False, False)


def test_ties_keep_input_order_and_zero_contributions_are_never_key() -> None:
    ranking = rank([1, 3, 3, 0], 95)
    assert ranking.order == (1, 2, 0, 3)
    assert ranking.key == (True, True, True, False)
    nothing = rank([0, 0], 95)
    assert nothing.key == (False, False)
    assert nothing.share_pct == (0.0, 0.0)


# --- Trend, Approach 1 (Eq. 4.2) -------------------------------------------------------------
# Base year E0: A 100, B 50, C -50 (sink), D 0 (a new source).  Latest Et: A 120, B 40, C -70, D 30.
# Σ|E0| = 100+50+50+0 = 200;  ΣE0 = 100;  ΣEt = 120+40-70+30 = 120;  total trend
# g = (120 - 100)/|100| = 0.2.
#   T_A = 100/200 · |(120-100)/100 - 0.2| = 0.5 · 0        = 0
#   T_B =  50/200 · |(40-50)/50   - 0.2| = 0.25 · 0.4     = 0.1
#   T_C =  50/200 · |(-70+50)/50  - 0.2| = 0.25 · 0.6     = 0.15   (denominator |E0| = 50)
#   T_D = |E_t| / Σ|E0| = 30/200 (zero base year)         = 0.15
# ΣT = 0.4; shares C 37.5 %, D 37.5 % (tie: input order), B 25 %, A 0 %;
# cumulative 37.5, 75, 100, 100 → C, D, B key; A not (its share is zero).
TREND_CASE = [
    Category("A", 100, 120, 5),
    Category("B", 50, 40, 20),
    Category("C", -50, -70, 50),
    Category("D", 0, 30, 100),
]


def test_trend_assessment_hand_case_with_sink_and_new_source() -> None:
    trend = trend_assessment([100, 50, -50, 0], [120, 40, -70, 30])
    assert trend.tolist() == pytest.approx([0.0, 0.1, 0.15, 0.15], abs=1e-15)


def test_zero_base_year_case_is_the_limit_of_eq_4_2() -> None:
    # As E_D,0 → 0 the Eq. 4.2 value tends to |E_D,t| / Σ|E_y,0|.
    near = trend_assessment([100, 50, -50, 1e-9], [120, 40, -70, 30])[3]
    exact = trend_assessment([100, 50, -50, 0], [120, 40, -70, 30])[3]
    assert exact == 30 / 200
    assert near == pytest.approx(exact, rel=1e-9)


def test_trend_key_categories() -> None:
    trend = analyse(TREND_CASE).assessment("T1")
    assert [e.category for e in trend.entries] == ["C", "D", "B", "A"]
    assert [e.share_pct for e in trend.entries] == pytest.approx([37.5, 37.5, 25, 0], abs=1e-12)
    assert [e.cumulative_pct for e in trend.entries] == pytest.approx(
        [37.5, 75, 100, 100], abs=1e-12
    )
    assert [e.key for e in trend.entries] == [True, True, True, False]


def test_trend_of_a_sink_uses_absolute_denominators() -> None:
    # Base: source 100, sink -200 (net total -100); latest: source 100, sink -100 (net 0).
    # g = (0 - (-100)) / |-100| = 1.  Σ|E0| = 300.
    # T_source = 100/300 · |0/100 - 1| = 1/3;  T_sink = 200/300 · |100/200 - 1| = 1/3.
    trend = trend_assessment([100, -200], [100, -100])
    assert trend.tolist() == pytest.approx([1 / 3, 1 / 3], rel=1e-15)


# --- Approach 2 (Eq. 4.4, 4.5) ---------------------------------------------------------------
def test_level_weighted_by_uncertainty_90_percent() -> None:
    # L = 0.6, 0.25, 0.09, 0.05, 0.01; U = 5, 20, 50, 80, 10 %.
    # LU = 0.03, 0.05, 0.045, 0.04, 0.001; Σ = 0.166.
    # Shares: B 0.05/0.166 = 30.120 %, C 27.108 %, D 24.096 %, A 18.072 %, E 0.602 %.
    # Cumulative: 30.120, 57.229, 81.325, 99.398, 100 → A crosses 90 % from 81.3 % (key), E not.
    lu = level_uncertainty_assessment([0.6, 0.25, 0.09, 0.05, 0.01], [5, 20, 50, 80, 10])
    assert lu.tolist() == pytest.approx([0.03, 0.05, 0.045, 0.04, 0.001], rel=1e-12)
    level = analyse(LEVEL_CASE).assessment("L2-latest")
    assert level.threshold_pct == 90
    assert [e.category for e in level.entries] == ["B", "C", "D", "A", "E"]
    expected = [0.05 / 0.166, 0.045 / 0.166, 0.04 / 0.166, 0.03 / 0.166, 0.001 / 0.166]
    assert [e.share_pct for e in level.entries] == pytest.approx(
        [100 * s for s in expected], rel=1e-12
    )
    assert [e.key for e in level.entries] == [True, True, True, True, False]


def test_trend_weighted_by_uncertainty() -> None:
    # T = 0, 0.1, 0.15, 0.15 (above); U = 5, 20, 50, 100 % → TU = 0, 0.02, 0.075, 0.15.
    # Σ = 0.245; shares D 61.224 %, C 30.612 %, B 8.163 %, A 0.
    # Cumulative 61.224, 91.837, 100 → D, C key; B starts at 91.8 % ≥ 90 and is not.
    tu = trend_uncertainty_assessment([0, 0.1, 0.15, 0.15], [5, 20, 50, 100])
    assert tu.tolist() == pytest.approx([0, 0.02, 0.075, 0.15], abs=1e-15)
    trend = analyse(TREND_CASE).assessment("T2")
    assert [e.category for e in trend.entries] == ["D", "C", "B", "A"]
    assert [e.share_pct for e in trend.entries] == pytest.approx(
        [15 / 0.245, 7.5 / 0.245, 2 / 0.245, 0], rel=1e-12
    )
    assert [e.key for e in trend.entries] == [True, True, False, False]


def test_verdicts_name_every_criterion() -> None:
    result = analyse(TREND_CASE)
    by_name = {c.category: c for c in result.categories}
    # Level latest: |Et| = 120, 40, 70, 30 (Σ 260) → shares 46.15, 15.38, 26.92, 11.54 %;
    # order A, C, B, D with cumulative 46.15, 73.08, 88.46, 100 → all four key.
    # Level base: |E0| = 100, 50, 50, 0 → A 50, B 25, C 25 → cumulative 50, 75, 100 → A, B, C.
    # L2 latest: LU = L·U = 0.4615·5 %, 0.1538·20 %, 0.2692·50 %, 0.1154·100 %
    #   = 0.02308, 0.03077, 0.13462, 0.11538 (Σ 0.30385) → C 44.30, D 37.97, B 10.13, A 7.59 %;
    #   cumulative 44.30, 82.28, 92.41 → C, D, B key; A starts at 92.41 % ≥ 90: not key.
    # L2 base: LU = 0.5·5 %, 0.25·20 %, 0.25·50 %, 0 = 0.025, 0.05, 0.125, 0 (Σ 0.2)
    #   → C 62.5, B 25, A 12.5 %; cumulative 62.5, 87.5, 100 → C, B, A key.
    assert by_name["A"].criteria == ("L1-latest", "L1-base", "L2-base")
    assert by_name["D"].criteria == ("L1-latest", "T1", "L2-latest", "T2")
    assert by_name["B"].key
    assert "T2" not in by_name["B"].criteria
    assert [c.category for c in result.key_categories] == ["A", "B", "C", "D"]


def test_without_uncertainties_only_approach_1_runs() -> None:
    result = analyse([Category("x", 1, 2), Category("y", 3, 1)], base_year_level=False)
    assert [a.id for a in result.assessments] == ["L1-latest", "T1"]
    assert result.as_dict()["categories"][0]["uncertainty_pct"] is None  # type: ignore[index]


# --- Refusals --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("categories", "row", "column", "value"),
    [
        ([Category("a", 1, 1, -5.0), Category("b", 1, 1, 5.0)], 1, "uncertainty_pct", -5.0),
        ([Category("a", 1, 1, 5.0), Category("b", 1, 1)], 2, "uncertainty_pct", None),
        ([Category("a", 1, float("nan"))], 1, "latest_year_tco2e", float("nan")),
        ([Category("a", 1, 1), Category("a", 2, 2)], 2, "category", "a"),
        ([Category(" ", 1, 1)], 1, "category", None),
    ],
)
def test_refusals_name_row_column_value(
    categories: list[Category], row: int, column: str, value: object
) -> None:
    with pytest.raises(WorksheetError) as caught:
        analyse(categories)
    problem = caught.value.problems[0]
    assert (problem.row, problem.column) == (row, column)
    if isinstance(value, float) and np.isnan(value):
        assert isinstance(problem.value, float)
        assert np.isnan(problem.value)
    else:
        assert problem.value == value


def test_refuses_a_zero_base_year_total() -> None:
    with pytest.raises(WorksheetError) as caught:
        analyse([Category("a", 100, 5), Category("b", -100, 5)])
    assert caught.value.problems[0].column == "base_year_tco2e"
    assert "trend" in caught.value.problems[0].message


def test_refuses_an_all_zero_latest_year_and_an_empty_worksheet() -> None:
    with pytest.raises(WorksheetError) as caught:
        analyse([Category("a", 100, 0)])
    assert caught.value.problems[0].column == "latest_year_tco2e"
    with pytest.raises(WorksheetError):
        analyse([])


def test_refusal_leaves_the_input_unchanged() -> None:
    categories = [Category("a", 1, 1, -1.0)]
    before = list(categories)
    with pytest.raises(WorksheetError):
        analyse(categories)
    assert categories == before
