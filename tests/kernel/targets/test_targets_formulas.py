"""The formulas of intensity targets against published and hand-worked numbers."""

from __future__ import annotations

import math

import numpy as np
import pytest

from citycarbon.targets import (
    completion_rate,
    electricity_co2,
    even_pace,
    fuel_co2,
    intensity,
    progress_share_compound,
    progress_share_linear,
    reduction,
    required_cumulative_reduction,
    round_half_up,
    target_points,
)


def test_even_pace_for_17_percent_over_five_years() -> None:
    # r = 1 − (1 − 0.17)^(1/5): ln 0.83 = −0.186330, /5 = −0.037266, e^… = 0.963420 → 3.658 %
    assert 100 * even_pace(0.17, 5) == pytest.approx(3.658, abs=5e-4)


@pytest.mark.parametrize(
    ("k", "expected_pct"),
    [
        # 1 − 0.83^(k/5): e^(−0.037266 k) = 0.963420, 0.928178, 0.894225, 0.861514, 0.830000
        (1, 3.658),
        (2, 7.182),
        (3, 10.577),
        (4, 13.849),
        (5, 17.000),
    ],
)
def test_cumulative_requirement_of_the_even_pace(k: int, expected_pct: float) -> None:
    assert 100 * required_cumulative_reduction(0.17, float(k), 5) == pytest.approx(
        expected_pct, abs=5e-4
    )


def test_cumulative_requirement_on_arrays_matches_the_scalars() -> None:
    k = np.arange(6, dtype=np.float64)
    got = 100 * required_cumulative_reduction(np.full(6, 0.17), k, 5)
    # k = 0 requires nothing; then the five figures above, shown to 0.01: 3.66 … 17.00
    assert round_half_up(got, 2).tolist() == [0.0, 3.66, 7.18, 10.58, 13.85, 17.0]


def test_shenzhen_plan_pace_is_compound() -> None:
    # Shenzhen 12th FYP: 0.513 → 0.413 tce/万元 is −19.5 %, "年均下降率为4.25%":
    # 1 − 0.805^(1/5) = 1 − e^(ln 0.805 / 5) = 1 − e^(−0.043390) = 4.2455 % → 4.25 %
    assert round_half_up(100 * even_pace(0.195, 5), 2) == 4.25


def test_henan_2016_progress_share_is_compound() -> None:
    # NDRC: Henan's 2016 energy-intensity fall of 7.64 % is 45.58 % of the 13th-FYP target 16 %.
    # ln(1 − 0.0764) / ln(1 − 0.16) = −0.079478 / −0.174353 = 0.455834 → 45.58 %
    share = progress_share_compound(0.0764, 0.16)
    assert round_half_up(100 * share, 2) == 45.58
    # the linear share 7.64/16 = 47.75 % is not the published figure
    assert round_half_up(100 * progress_share_linear(0.0764, 0.16), 2) == 47.75


def test_compound_and_linear_shares_on_the_even_pace() -> None:
    # After 2 of 5 years on the even pace for 17 %, achieved = 7.1822 %:
    # compound ln(1 − 0.071822)/ln(0.83) = 2/5 = 40.00 %; linear 0.071822/0.17 = 42.25 %
    achieved = 1 - 0.83**0.4
    assert round_half_up(100 * progress_share_compound(achieved, 0.17), 2) == 40.0
    assert round_half_up(100 * progress_share_linear(achieved, 0.17), 2) == 42.25
    # at the target both are 100 %
    assert progress_share_compound(0.17, 0.17) == pytest.approx(1.0)
    assert progress_share_linear(0.17, 0.17) == pytest.approx(1.0)


def test_intensity_in_tonnes_per_ten_thousand_yuan() -> None:
    # 69 295 000 t / (4 040.9 亿元 × 10⁴ 万元/亿元) = 69 295 000 / 40 409 000 = 1.714841 t/万元
    assert intensity(69_295_000.0, 4_040.9) == pytest.approx(1.714841, abs=5e-7)


def test_reduction_is_positive_when_the_intensity_falls() -> None:
    assert reduction(0.96, 1.0) == pytest.approx(0.04)
    assert reduction(1.015, 1.0) == pytest.approx(-0.015)


def test_completion_rate_and_points() -> None:
    # 3.00 % achieved against 3.66 % required: 0.819672; × 25 = 20.49 points
    rate = completion_rate(3.00, 3.66)
    assert rate == pytest.approx(0.819672, abs=5e-7)
    assert round_half_up(target_points(rate), 2) == 20.49
    assert target_points(1.2) == 25.0  # capped
    assert target_points(1.0) == 25.0
    assert target_points(-0.3) == 0.0  # the intensity rose: no points
    assert target_points(0.5, full_points=20.0) == 10.0  # 13th-FYP variant: 20 points


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (2.675, 2, 2.68),  # stored as 2.67499999…; a reader expects 2.68
        (0.125, 2, 0.13),  # half-up, not half-even (numpy would give 0.12)
        (-1.005, 2, -1.01),  # half away from zero
        (-0.001, 2, 0.0),  # no negative zero
        (1.71484, 4, 1.7148),
        (89.995, 2, 90.0),
    ],
)
def test_round_half_up(value: float, decimals: int, expected: float) -> None:
    result = round_half_up(value, decimals)
    assert result == expected
    assert math.copysign(1.0, result) == math.copysign(1.0, expected)


def test_round_half_up_keeps_nan_in_arrays() -> None:
    got = round_half_up(np.array([0.125, np.nan, 7.185]), 2)
    assert got[0] == 0.13
    assert np.isnan(got[1])
    assert got[2] == 7.19


def test_fuel_and_electricity_co2() -> None:
    # 10 000 t raw coal × 1.9003 tCO2/t = 19 003 t
    assert fuel_co2(10_000.0, 1.9003) == pytest.approx(19_003.0)
    # (1 000 − 200) MWh × 0.5257 tCO2/MWh = 420.56 t; a net exporter subtracts
    assert electricity_co2(1_000.0, 200.0, 0.5257) == pytest.approx(420.56)
    assert electricity_co2(100.0, 300.0, 0.5257) == pytest.approx(-105.14)
