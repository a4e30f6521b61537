"""Input distributions: each is fixed by its 95 % interval; moments checked by sampling.

Tolerances follow from the sample size N: the mean within 5 standard errors σ/√N, a percentile
within 5 standard errors √(p(1-p)/N)/f(q_p) (f the density at the percentile), the standard
deviation within 6·σ·√(0.6/N).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from citycarbon.uncertainty import Z95, ModelError, Parameters, UncertaintyError, Variable
from citycarbon.uncertainty.distributions import transform_uniform

N = 400_000
RNG_SEED = 20_240_601


def draws(variable: Variable) -> np.ndarray:
    return variable.sample(N, np.random.default_rng(RNG_SEED))


def percentile_tolerance(density: float) -> float:
    return 5 * math.sqrt(0.025 * 0.975 / N) / density


def check_moments(x: np.ndarray, mean: float, sd: float) -> None:
    assert abs(float(x.mean()) - mean) <= 5 * sd / math.sqrt(N)
    assert abs(float(x.std(ddof=1)) - sd) <= 6 * sd * math.sqrt(0.6 / N)


def test_z95_is_the_975th_percentile_of_the_standard_normal() -> None:
    # Φ(1.959964) = 0.975: 1 - Φ(z) = erfc(z/√2)/2
    assert math.erfc(Z95 / math.sqrt(2)) / 2 == pytest.approx(0.025, rel=1e-12)


def test_normal_from_half_width() -> None:
    # mean 50, ±20 % → σ = 10/1.959964 = 5.1021; 95 % interval 40 … 60
    sd = 10 / Z95
    x = draws(Variable("n", "normal", 50, 20))
    check_moments(x, 50, sd)
    density = math.exp(-(Z95**2) / 2) / math.sqrt(2 * math.pi) / sd
    low, high = np.percentile(x, [2.5, 97.5])
    assert abs(low - 40) <= percentile_tolerance(density)
    assert abs(high - 60) <= percentile_tolerance(density)


def test_uniform_from_half_width() -> None:
    # [m - A, m + A] with 0.95·A = 10 → A = 10.526; σ = A/√3 = 6.077; percentiles exactly 40, 60
    half = 10 / 0.95
    x = draws(Variable("u", "uniform", 50, 20))
    check_moments(x, 50, half / math.sqrt(3))
    assert x.min() >= 50 - half
    assert x.max() <= 50 + half
    low, high = np.percentile(x, [2.5, 97.5])
    assert abs(low - 40) <= percentile_tolerance(1 / (2 * half))
    assert abs(high - 60) <= percentile_tolerance(1 / (2 * half))


def test_triangular_from_half_width() -> None:
    # Symmetric, half-base A: the 2.5th percentile lies A(1 - √0.05) below the mode, so
    # A = 10/(1 - √0.05) = 12.880; σ = A/√6 = 5.258; density at 40 is (40 - (50 - A))/A².
    half = 10 / (1 - math.sqrt(0.05))
    x = draws(Variable("t", "triangular", 50, 20))
    check_moments(x, 50, half / math.sqrt(6))
    density = (half - 10) / half**2
    low, high = np.percentile(x, [2.5, 97.5])
    assert abs(low - 40) <= percentile_tolerance(density)
    assert abs(high - 60) <= percentile_tolerance(density)


def test_lognormal_from_half_width_matches_mean_and_standard_deviation() -> None:
    # σ = 50·0.2/1.959964 = 5.1021 and mean 50: s² = ln(1 + (σ/50)²), μ = ln 50 - s²/2.
    sd = 10 / Z95
    s = math.sqrt(math.log(1 + (sd / 50) ** 2))
    mu = math.log(50) - s**2 / 2
    x = draws(Variable("l", "lognormal", 50, 20))
    assert x.min() > 0
    check_moments(x, 50, sd)
    low, high = np.percentile(x, [2.5, 97.5])
    for q, z in ((low, -Z95), (high, Z95)):
        value = math.exp(mu + z * s)
        density = math.exp(-(z**2) / 2) / math.sqrt(2 * math.pi) / (s * value)
        assert abs(q - value) <= percentile_tolerance(density)


def test_lognormal_from_bounds_has_them_as_percentiles() -> None:
    # Bounds 0.5 and 2: μ = (ln 0.5 + ln 2)/2 = 0, s = ln 4/(2·1.959964) = 0.35365;
    # the implied mean exp(s²/2) = 1.06453 differs from the point value 1 (the median).
    s = math.log(4) / (2 * Z95)
    x = draws(Variable("l", "lognormal", 1.0, lower=0.5, upper=2.0))
    check_moments(x, math.exp(s**2 / 2), math.exp(s**2 / 2) * math.sqrt(math.exp(s**2) - 1))
    low, high = np.percentile(x, [2.5, 97.5])
    assert abs(low - 0.5) <= percentile_tolerance(
        math.exp(-(Z95**2) / 2) / math.sqrt(2 * math.pi) / (s * 0.5)
    )
    assert abs(high - 2.0) <= percentile_tolerance(
        math.exp(-(Z95**2) / 2) / math.sqrt(2 * math.pi) / (s * 2.0)
    )


def test_negative_lognormal_is_a_mirrored_removal() -> None:
    x = draws(Variable("sink", "lognormal", -100, 20))
    assert x.max() < 0
    check_moments(x, -100, 100 * 0.2 / Z95)  # mean -100, σ = 100·0.2/1.959964


def test_triangular_from_bounds_and_mode() -> None:
    # Mode 1, 2.5th percentile 0.5, 97.5th percentile 2: the support [a, b] solves
    # (0.5 - a)² = 0.025 (b - a)(1 - a) and (b - 2)² = 0.025 (b - a)(b - 1).
    variable = Variable("t", "triangular", 1.0, lower=0.5, upper=2.0)
    p = variable.parameters()
    a, b, c = p.a, p.b, p.c
    assert c == 1.0
    assert (0.5 - a) ** 2 == pytest.approx(0.025 * (b - a) * (c - a), rel=1e-9)
    assert (b - 2.0) ** 2 == pytest.approx(0.025 * (b - a) * (b - c), rel=1e-9)
    x = draws(variable)
    check_moments(
        x, (a + b + c) / 3, math.sqrt((a * a + b * b + c * c - a * b - a * c - b * c) / 18)
    )
    low, high = np.percentile(x, [2.5, 97.5])
    assert abs(low - 0.5) <= percentile_tolerance(2 * (0.5 - a) / ((b - a) * (c - a)))
    assert abs(high - 2.0) <= percentile_tolerance(2 * (b - 2.0) / ((b - a) * (b - c)))


def test_triangular_inverse_cdf_at_known_points() -> None:
    # Triangle a = 0, c = 1, b = 4: F(c) = 1/4. u = 1/4 → x = 0 + √(1/4·4·1) = 1 (the mode);
    # u = 0.04 → √(0.04·4) = 0.4; u = 0.91 → 4 - √(0.09·4·3) = 4 - 1.03923 = 2.96077.
    q = Parameters("triangular", 0.0, 4.0, 1.0)
    assert transform_uniform(q, [0.25, 0.04, 0.91]).tolist() == pytest.approx(
        [1.0, 0.4, 4 - math.sqrt(1.08)], rel=1e-12
    )


def test_zero_width_is_a_constant() -> None:
    x = Variable("c", "lognormal", 7.5, 0).sample(10, np.random.default_rng(1))
    assert x.tolist() == [7.5] * 10


@pytest.mark.parametrize(
    ("variable", "column", "value"),
    [
        (Variable("x", "gamma", 1.0, 10), "distribution", "gamma"),
        (Variable("x", "normal", 1.0, -10), "half_width_pct", -10),
        (Variable("x", "normal", 1.0, "ten"), "half_width_pct", "ten"),  # type: ignore[arg-type]
        (Variable("x", "normal", 1.0, float("nan")), "half_width_pct", float("nan")),
        (Variable("x", "normal", 1.0), "half_width_pct", None),
        (Variable("x", "normal", 1.0, 5, lower=0.9, upper=1.1), "half_width_pct", 5),
        (Variable("x", "normal", 1.0, lower=0.5, upper=2.0), "upper", 2.0),
        (Variable("x", "uniform", 1.0, lower=0.5, upper=2.0), "upper", 2.0),
        (Variable("x", "lognormal", 1.0, lower=-1.0, upper=2.0), "lower", -1.0),
        (Variable("x", "lognormal", 0.0, 10), "mean", 0.0),
        (Variable("x", "triangular", 3.0, lower=0.5, upper=2.0), "mean", 3.0),
        (Variable("x", "triangular", 1.0, lower=2.0, upper=0.5), "lower", 2.0),
    ],
)
def test_refusals_name_the_variable_field_and_value(
    variable: Variable, column: str, value: object
) -> None:
    problems = variable.problems()
    assert problems, "the variable should be refused"
    problem = problems[0]
    assert problem.item == "variable 'x'"
    assert problem.column == column
    if isinstance(value, float) and math.isnan(value):
        assert isinstance(problem.value, float)
        assert math.isnan(problem.value)
    else:
        assert problem.value == value
    with pytest.raises(UncertaintyError):
        variable.parameters()


def test_model_error_is_a_value_error() -> None:
    assert issubclass(ModelError, ValueError)
