"""The projection to the target year and the Monte Carlo probability, on cases with known answers.

The intensity falls exactly 4 % a year (CO2 1 000 000 → 960 000 → 921 600 t at constant GDP),
so after k = 2 of n = 5 years y_k = 2 ln 0.96 and the projected y_5 = (5/2) y_2 = 5 ln 0.96:
a projected fall of 1 − 0.96⁵ = 1 − 0.815373 = 18.46 %. The two observed yearly changes are
equal, so the year-to-year variability is zero.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from citycarbon.targets import (
    assess,
    meet_probability,
    parse_input,
    projection_moments,
    stream_key,
)

Builder = Callable[..., dict[str, Any]]
STEADY = [1_000_000, 960_000, 921_600]


def _projection(data: dict[str, Any], jid: str = "a") -> Any:
    rows = [r for r in assess(parse_input(data)).rows if r.jurisdiction == jid]
    return rows[-1].co2.projection


def _exact(uncertainty_pct: float = 0.0, draws: int = 10_000) -> dict[str, Any]:
    return {
        "projection": {
            "co2_uncertainty_pct": uncertainty_pct,
            "gdp_uncertainty_pct": 0,
            "draws": draws,
        }
    }


def test_zero_variance_gives_certainty(inp: Builder, jur: Builder) -> None:
    # projected fall 18.46 % ≥ 17 % → probability exactly 100 %
    p = _projection(inp(jur("a", STEADY, target_pct=17), config=_exact()))
    assert p.from_year == 2012
    assert p.years_ahead == 3
    assert p.trend_annual_reduction_pct == 4.0
    assert p.projected_reduction_pct == 18.46
    assert p.projected_intensity == 0.8154  # 1.0 × 0.96⁵
    assert p.annual_sd_pct == 0.0
    assert p.annual_sd_source == "observed"
    assert p.projection_sd_pct == 0.0
    assert p.probability_meeting_target_pct == 100.0


def test_zero_variance_below_the_target_gives_zero(inp: Builder, jur: Builder) -> None:
    # 18.46 % < 19 % → exactly 0 %
    p = _projection(inp(jur("a", STEADY, target_pct=19), config=_exact()))
    assert p.probability_meeting_target_pct == 0.0


def test_mean_on_the_threshold_gives_one_half(inp: Builder, jur: Builder) -> None:
    # T = 1 − 0.96⁵ puts the projected mean exactly on ln(1 − T); with data uncertainty 2 %
    # the outcome is symmetric about it → 50 % (40 000 draws: standard error 0.25 pp)
    target_pct = 100 * (1 - 0.96**5)
    p = _projection(inp(jur("a", STEADY, target_pct=target_pct), config=_exact(2.0, 40_000)))
    assert p.probability_meeting_target_pct == pytest.approx(50.0, abs=1.0)


def test_one_standard_deviation_of_room_gives_phi_of_one(inp: Builder, jur: Builder) -> None:
    # data uncertainty u = 2 % carried forward n/k = 5/2 times: sd = 2.5 × 0.02 = 0.05 (no
    # variability). T = 1 − 0.96⁵ e^0.05 = 14.282 % puts ln(1 − T) one sd above the mean:
    # P = Φ(1) = 84.13 % (40 000 draws: standard error 0.18 pp)
    target_pct = 100 * (1 - 0.96**5 * math.exp(0.05))
    p = _projection(inp(jur("a", STEADY, target_pct=target_pct), config=_exact(2.0, 40_000)))
    assert p.projection_sd_pct == 5.0
    assert p.data_uncertainty_pct == 2.0
    assert p.probability_meeting_target_pct == pytest.approx(84.13, abs=0.6)


def test_default_variability_after_one_year(inp: Builder, jur: Builder) -> None:
    # one yearly change: σ is the default 1.5 %; k = 1, n = 5, m = 4, no data uncertainty:
    # var = m²σ²/k + mσ² = 16σ² + 4σ² = 20σ² → sd = 0.015 × √20 = 0.067082 → 6.71 %
    p = _projection(inp(jur("a", STEADY[:2], target_pct=17), config=_exact()))
    assert p.annual_sd_source == "default"
    assert p.annual_sd_pct == 1.5
    assert p.projection_sd_pct == 6.71


def test_projection_moments() -> None:
    # y_k = −0.1, k = 2, n = 5, σ = 0.01, u = 0.02:
    # mean = 2.5 × −0.1 = −0.25; var = 6.25 × 0.0004 + 9 × 0.0001 / 2 + 3 × 0.0001
    #     = 0.0025 + 0.00045 + 0.0003 = 0.00325 → sd = 0.057009
    mean, sd = projection_moments(
        np.array([-0.1]), np.array([2.0]), 5, np.array([0.01]), np.array([0.02])
    )
    assert mean[0] == pytest.approx(-0.25)
    assert sd[0] == pytest.approx(0.057009, abs=5e-7)


def test_at_the_target_year_only_the_data_uncertainty_remains(inp: Builder, jur: Builder) -> None:
    # one-year period, 10 % target, 11 % achieved: mean ln 0.89 = −0.116534; sd = u = 0.02;
    # ln 0.9 = −0.105361: z = (−0.105361 + 0.116534)/0.02 = 0.5587 → Φ = 71.18 %
    data = inp(
        jur("a", [1_000_000, 890_000], target_pct=10), target_year=2011, config=_exact(2.0, 40_000)
    )
    p = _projection(data)
    assert p.years_ahead == 0
    assert p.projected_reduction_pct == 11.0
    assert p.probability_meeting_target_pct == pytest.approx(71.18, abs=0.6)


def test_meet_probability_is_seeded_and_per_jurisdiction() -> None:
    mean = np.array([0.0, 0.0])
    sd = np.array([1.0, 1.0])
    threshold = np.array([0.0, 0.0])
    keys = [stream_key("a", 0), stream_key("b", 0)]
    first = meet_probability(mean, sd, threshold, draws=1_000, seed=7, keys=keys)
    again = meet_probability(mean, sd, threshold, draws=1_000, seed=7, keys=keys)
    assert first.tolist() == again.tolist()
    # a's figure does not depend on who else is assessed, nor on the order
    alone = meet_probability(mean[:1], sd[:1], threshold[:1], draws=1_000, seed=7, keys=keys[:1])
    swapped = meet_probability(mean, sd, threshold, draws=1_000, seed=7, keys=keys[::-1])
    assert alone[0] == first[0] == swapped[1]
    assert np.isnan(
        meet_probability(np.array([np.nan]), sd[:1], threshold[:1], draws=10, seed=7, keys=keys)
    )[0]


def test_adding_a_jurisdiction_leaves_the_others_unchanged(inp: Builder, jur: Builder) -> None:
    config = _exact(2.0)
    one = _projection(inp(jur("a", STEADY, target_pct=18), config=config))
    two = _projection(
        inp(jur("z", STEADY, target_pct=17), jur("a", STEADY, target_pct=18), config=config)
    )
    assert one == two
