"""Approach 1 (IPCC 2006 Vol. 1 Ch. 3, Eq. 3.1, 3.2, Table 3.2) against a hand-worked worksheet."""

from __future__ import annotations

import math

import pytest

from citycarbon.uncertainty import (
    Line,
    WorksheetError,
    approach1,
    combined_uncertainty_pct,
    sum_uncertainty_pct,
    type_a_sensitivity,
    type_b_sensitivity,
)

# The worksheet, worked by hand (C base, D year t [tCO2e]; E, F [%]):
#
#   x   C    D    E   F    G = √(E²+F²)      H = (G·D)²/(ΣD)²
#   1  100  120   3   4    5                 (5·120)²/250²  = 360000/62500 = 5.76
#   2   50   60   6   8   10                 (10·60)²/250²  = 360000/62500 = 5.76
#   3   50   70   5  12   13                 (13·70)²/250²  = 828100/62500 = 13.2496
#   ΣC = 200, ΣD = 250, ΣH = 24.7696 → uncertainty of the total √24.7696 = 4.97690 %
#
# Trend of the total (250 - 200)/200 = 25 %.
# Type A sensitivity I = (0.01D + ΣD - (0.01C + ΣC))/(0.01C + ΣC)·100 - 25:
#   I1 = (1.2 + 250 - 201)/201·100 - 25     = 5020/201 - 25     = -5/201
#   I2 = (0.6 + 250 - 200.5)/200.5·100 - 25 = 5010/200.5 - 25   = -2.5/200.5
#   I3 = (0.7 + 250 - 200.5)/200.5·100 - 25 = 5020/200.5 - 25   =  7.5/200.5
# Type B sensitivity J = |D/ΣC| = 0.6, 0.3, 0.35
# K = |I|·F = 20/201, 20/200.5, 90/200.5
# L = J·E·√2 = 1.8√2, 1.8√2, 1.75√2
# M = K² + L² = (20/201)² + 6.48, (20/200.5)² + 6.48, (90/200.5)² + 6.125
LINES = [
    Line("1", 120, 3, 4, base_year_tco2e=100),
    Line("2", 60, 6, 8, base_year_tco2e=50),
    Line("3", 70, 5, 12, base_year_tco2e=50),
]
SQRT2 = math.sqrt(2)


def test_eq_3_1_combined_uncertainty() -> None:
    assert combined_uncertainty_pct([3, 6, 5], [4, 8, 12]).tolist() == [5.0, 10.0, 13.0]


def test_eq_3_2_sum_with_a_sink_uses_the_absolute_total() -> None:
    # √((10·100)² + (20·(-50))²) / |100 - 50| = √2 000 000 / 50 = 20√2 %
    assert sum_uncertainty_pct([100, -50], [10, 20]) == pytest.approx(20 * SQRT2, rel=1e-15)


def test_sensitivities_columns_i_and_j() -> None:
    i = type_a_sensitivity([100, 50, 50], [120, 60, 70])
    j = type_b_sensitivity([100, 50, 50], [120, 60, 70])
    assert i.tolist() == pytest.approx([-5 / 201, -2.5 / 200.5, 7.5 / 200.5], rel=1e-9)
    assert j.tolist() == pytest.approx([0.6, 0.3, 0.35], rel=1e-15)


def test_table_3_2_columns_a_to_m() -> None:
    result = approach1(LINES)
    g = [line.combined_uncertainty_pct for line in result.lines]
    h = [line.variance_contribution for line in result.lines]
    k = [line.trend_uncertainty_factor_pct for line in result.lines]
    l_ = [line.trend_uncertainty_activity_pct for line in result.lines]
    m = [line.trend_variance_contribution for line in result.lines]
    assert g == pytest.approx([5, 10, 13], rel=1e-15)
    assert h == pytest.approx([5.76, 5.76, 13.2496], rel=1e-12)
    assert k == pytest.approx([20 / 201, 20 / 200.5, 90 / 200.5], rel=1e-9)
    assert l_ == pytest.approx([1.8 * SQRT2, 1.8 * SQRT2, 1.75 * SQRT2], rel=1e-12)
    assert m == pytest.approx(
        [(20 / 201) ** 2 + 6.48, (20 / 200.5) ** 2 + 6.48, (90 / 200.5) ** 2 + 6.125], rel=1e-9
    )
    assert result.emissions_tco2e == 250
    assert result.base_year_tco2e == 200
    assert result.uncertainty_pct == pytest.approx(math.sqrt(24.7696), rel=1e-12)
    assert result.trend_pct == pytest.approx(25, rel=1e-15)
    expected_trend = math.sqrt(
        (20 / 201) ** 2 + 6.48 + (20 / 200.5) ** 2 + 6.48 + (90 / 200.5) ** 2 + 6.125
    )
    assert result.trend_uncertainty_pct == pytest.approx(expected_trend, rel=1e-9)
    assert [line.variance_share_pct for line in result.lines] == pytest.approx(
        [576 / 24.7696, 576 / 24.7696, 1324.96 / 24.7696], rel=1e-12
    )
    assert result.warnings == ()


def test_total_uncertainty_equals_eq_3_2_on_the_combined_uncertainties() -> None:
    result = approach1(LINES)
    assert result.uncertainty_pct == pytest.approx(
        sum_uncertainty_pct([120, 60, 70], [5, 10, 13]), rel=1e-14
    )


def test_correlation_options_switch_the_sensitivity() -> None:
    # Uncorrelated factors: K = J·F·√2 = 0.6·4·√2 = 2.4√2 for line 1.
    # Correlated activity data: L = |I|·E = 5/201·3 = 15/201 for line 1.
    result = approach1(LINES, factor_correlated=False, activity_correlated=True)
    line = result.lines[0]
    assert line.trend_uncertainty_factor_pct == pytest.approx(2.4 * SQRT2, rel=1e-12)
    assert line.trend_uncertainty_activity_pct == pytest.approx(15 / 201, rel=1e-9)


def test_single_category_trend_uncertainty_is_the_activity_error_of_two_years() -> None:
    # One category, C = 100, D = 110: I = (1.1 + 110 - 101)/101·100 - 10 = 10 - 10 = 0,
    # J = 1.1 → trend uncertainty = J·E·√2 = 1.1·5·√2 (the factor cancels out of the trend).
    result = approach1([Line("only", 110, 5, 7, base_year_tco2e=100)])
    assert result.lines[0].type_a_sensitivity == pytest.approx(0, abs=1e-12)
    assert result.trend_uncertainty_pct == pytest.approx(5.5 * SQRT2, rel=1e-9)


def test_without_base_year_there_is_no_trend() -> None:
    result = approach1([Line("a", 100, 3, 4)])
    assert result.trend_pct is None
    assert result.trend_uncertainty_pct is None
    assert result.lines[0].type_a_sensitivity is None
    assert result.uncertainty_pct == pytest.approx(5, rel=1e-15)


def test_a_large_combined_uncertainty_is_reported_with_a_warning() -> None:
    result = approach1([Line("landfill", 100, 50, 50, gas="CH4"), Line("coal", 900, 1, 1)])
    assert len(result.warnings) == 1
    assert result.warnings[0].startswith("landfill (CH4): combined uncertainty 70.7 %")


@pytest.mark.parametrize(
    ("lines", "row", "column", "value"),
    [
        ([Line("a", 1, -3, 4)], 1, "activity_uncertainty_pct", -3),
        (
            [Line("a", 1, 3, 4), Line("b", 1, 3, float("inf"))],
            2,
            "factor_uncertainty_pct",
            float("inf"),
        ),
        ([Line("a", 1, 3, 4, base_year_tco2e=1), Line("b", 1, 3, 4)], 2, "base_year_tco2e", None),
        ([Line("a", 1, 3, "5")], 1, "factor_uncertainty_pct", "5"),  # type: ignore[arg-type]
        ([Line("a", 1, 3, 4), Line("a", 1, 3, 4)], 2, "category", "a"),
    ],
)
def test_refusals_name_row_column_value(
    lines: list[Line], row: int, column: str, value: object
) -> None:
    with pytest.raises(WorksheetError) as caught:
        approach1(lines)
    problem = caught.value.problems[0]
    assert (problem.row, problem.column, problem.value) == (row, column, value)


def test_refuses_zero_totals() -> None:
    with pytest.raises(WorksheetError) as caught:
        approach1([Line("a", 100, 1, 1), Line("b", -100, 1, 1)])
    assert caught.value.problems[0].column == "emissions_tco2e"
    with pytest.raises(WorksheetError) as caught:
        approach1([Line("a", 100, 1, 1, base_year_tco2e=0)])
    assert caught.value.problems[0].column == "base_year_tco2e"
