"""Monte Carlo (Approach 2): recovery of known intervals, reproducibility, correlation, trend,
grouping, convergence and refusals.

A percentile estimated from N draws has standard error √(p(1-p)/N)/f(q_p); tolerances below are
5 such standard errors (or 5·σ/√N for a mean).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from citycarbon.uncertainty import Z95, Cell, ModelError, Variable, simulate

PHI_Z95 = math.exp(-(Z95**2) / 2) / math.sqrt(2 * math.pi)  # standard normal density at 1.96


def quantile_se(sd: float, n: int) -> float:
    """Standard error of the 2.5th/97.5th percentile of a normal with this σ, from n draws."""
    return math.sqrt(0.025 * 0.975 / n) / (PHI_Z95 / sd)


def test_single_normal_cell_recovers_mean_and_1_96_sigma() -> None:
    # x ~ N(100, σ) with ±10 % → σ = 10/1.959964 = 5.10213; the 95 % interval is 90 … 110.
    n = 200_000
    sd = 10 / Z95
    result = simulate([Cell("c", ("x",))], [Variable("x", "normal", 100, 10)], n, seed=7)
    total = result.total()
    assert total.estimate == 100
    assert abs(total.mean - 100) <= 5 * sd / math.sqrt(n)
    assert abs(total.lower - 90) <= 5 * quantile_se(sd, n)
    assert abs(total.upper - 110) <= 5 * quantile_se(sd, n)
    assert abs(total.std - sd) <= 5 * sd / math.sqrt(2 * n)
    assert total.half_width_pct == pytest.approx(10, abs=5 * quantile_se(sd, n))
    assert result.category("c") == total


def test_same_seed_same_results_other_seed_other_results() -> None:
    variables = [Variable("a", "normal", 10, 5), Variable("f", "triangular", 2, 20)]
    cells = [Cell("c", ("a", "f"))]
    first = simulate(cells, variables, 5_000, seed=11)
    again = simulate(cells, variables, 5_000, seed=11)
    other = simulate(cells, variables, 5_000, seed=12)
    assert first.as_dict() == again.as_dict()
    assert np.array_equal(first.samples("total"), again.samples("total"))
    assert not np.array_equal(first.samples("total"), other.samples("total"))
    assert first.total() != other.total()


def test_results_do_not_depend_on_the_chunk_size() -> None:
    variables = [
        Variable("a", "normal", 10, 5),
        Variable("b", "lognormal", 3, 50),
        Variable("f", "triangular", 2, 20),
        Variable("g", "uniform", 1, 10),
    ]
    cells = [Cell("c", ("a", "f")), Cell("d", ("b", "g"))]
    small = simulate(cells, variables, 3_000, seed=3, chunk=101)
    large = simulate(cells, variables, 3_000, seed=3, chunk=3_000)
    assert np.array_equal(small.samples("total"), large.samples("total"))
    assert small.total() == large.total()


def test_a_shared_factor_is_one_draw_perfect_correlation() -> None:
    # Two cells, exact activities 50 and 50, one factor f (±10 %): total = 100·f, so its relative
    # uncertainty equals the factor's, 10 %, and each category's too.
    n = 200_000
    variables = [
        Variable("f", "normal", 1.0, 10),
        Variable("a1", "normal", 50, 0),
        Variable("a2", "normal", 50, 0),
    ]
    result = simulate([Cell("x", ("a1", "f")), Cell("y", ("a2", "f"))], variables, n, seed=1)
    total, x = result.total(), result.category("x")
    assert total.half_width_pct == pytest.approx(x.half_width_pct, rel=1e-9)
    tolerance = 5 * quantile_se(10 / Z95, n)  # in % of a mean of 1
    assert total.half_width_pct == pytest.approx(10, abs=tolerance)


def test_independent_factors_give_the_sum_a_root_two_smaller_relative_uncertainty() -> None:
    # Two independent factors, ±10 % each, on equal activities: the sum's σ is √2·σ on twice the
    # mean, so its relative uncertainty is 10/√2 = 7.071 %.
    n = 200_000
    variables = [
        Variable("f1", "normal", 1.0, 10),
        Variable("f2", "normal", 1.0, 10),
        Variable("a1", "normal", 50, 0),
        Variable("a2", "normal", 50, 0),
    ]
    result = simulate([Cell("x", ("a1", "f1")), Cell("y", ("a2", "f2"))], variables, n, seed=1)
    sd_relative = 10 / math.sqrt(2) / Z95  # σ of the sum in % of its mean
    tolerance = 5 * quantile_se(sd_relative, n)
    assert result.total().half_width_pct == pytest.approx(10 / math.sqrt(2), abs=tolerance)


def test_trend_with_a_shared_factor_cancels_the_factor() -> None:
    # 2010: 80·f, 2015: 100·f with the same f: every draw's trend is (100 - 80)/80 = +25 %.
    variables = [
        Variable("f", "lognormal", 1.0, 30),
        Variable("a2010", "normal", 80, 0),
        Variable("a2015", "normal", 100, 0),
    ]
    cells = [
        Cell("coal", ("a2010", "f"), year=2010),
        Cell("coal", ("a2015", "f"), year=2015),
    ]
    result = simulate(cells, variables, 2_000, seed=5)
    trend = result.trend(2010, 2015)
    assert trend.estimate_pct == 25
    assert trend.lower_pct == pytest.approx(25, abs=1e-9)
    assert trend.upper_pct == pytest.approx(25, abs=1e-9)
    assert result.trend(2010, 2015, "category", "coal").half_width_pct == pytest.approx(0, abs=1e-9)
    assert result.years == (2010, 2015)


def test_trend_with_independent_activity_data() -> None:
    # Trend = a2015/a2010 - 1 with independent normal activities 100 ± 1 % and 100 ± 1 %:
    # to first order its σ is √2 · (1/1.959964) % = 0.7215 percentage points, so the 95 % interval
    # is about 0 ± 1.414 pp (second-order terms are below 0.01 pp).
    n = 100_000
    variables = [Variable("a0", "normal", 100, 1), Variable("a1", "normal", 100, 1)]
    cells = [Cell("c", ("a0",), year=0), Cell("c", ("a1",), year=1)]
    trend = simulate(cells, variables, n, seed=9).trend(0, 1)
    sd = math.sqrt(2) / Z95
    assert trend.half_width_pct == pytest.approx(math.sqrt(2), abs=5 * quantile_se(sd, n) + 0.01)


def test_groups_by_category_jurisdiction_sector_and_year() -> None:
    # Point values: f = 3, g = 2. Cells:
    #   d1/A = 2·f = 6, d2/A = 4·f = 12, d1/B = 5·g = 10, d2/B = 1.5 (coefficient only);
    #   A = 18, B = 11.5, d1 = 16, d2 = 13.5, total = 29.5; sectors energy = 18, waste = 11.5.
    variables = [
        Variable("f", "normal", 3, 10),
        Variable("g", "uniform", 2, 10),
        Variable("a1", "normal", 2, 5),
        Variable("a2", "normal", 4, 5),
        Variable("a3", "normal", 5, 5),
    ]
    cells = [
        Cell("A", ("a1", "f"), jurisdiction="d1", sector="energy"),
        Cell("B", ("a3", "g"), jurisdiction="d1", sector="waste"),
        Cell("A", ("a2", "f"), jurisdiction="d2", sector="energy"),
        Cell("B", (), jurisdiction="d2", sector="waste", coefficient=1.5),
    ]
    result = simulate(cells, variables, 1_000, seed=2)
    assert result.category("A").estimate == 18
    assert result.category("B").estimate == 11.5
    assert result.jurisdiction("d1").estimate == 16
    assert result.jurisdiction("d2").estimate == 13.5
    assert result.sector("waste").estimate == 11.5
    assert result.total().estimate == 29.5
    assert result.labels("jurisdiction") == ("d1", "d2")
    total = result.samples("total")
    by_jurisdiction = result.samples("jurisdiction", "d1") + result.samples("jurisdiction", "d2")
    by_category = result.samples("category", "A") + result.samples("category", "B")
    assert np.allclose(total, by_jurisdiction, rtol=1e-13)
    assert np.allclose(total, by_category, rtol=1e-13)
    assert result.samples("category", "B").min() > 1.5  # 5·g > 0 plus the constant 1.5
    with pytest.raises(ValueError, match="read-only"):
        result.samples("total")[0] = 0.0


def test_coefficients_and_divisors() -> None:
    # 2 · a / b with exact a = 10, b = 4 → 5 in every draw.
    variables = [Variable("a", "normal", 10, 0), Variable("b", "triangular", 4, 0)]
    result = simulate([Cell("c", ("a",), coefficient=2, divisors=("b",))], variables, 200, seed=1)
    assert result.total().estimate == 5
    assert result.total().lower == result.total().upper == 5


def test_convergence_is_reported_per_checkpoint_with_the_documented_criterion() -> None:
    variables = [Variable("a", "normal", 10, 5), Variable("f", "normal", 2, 10)]
    cells = [Cell("c", ("a", "f"), year=2010), Cell("c", ("a", "f"), year=2015, coefficient=1.1)]
    result = simulate(cells, variables, 20_000, seed=4, chunk=2_000)
    convergence = result.convergence
    assert [t.quantity for t in convergence.traces] == [
        "total 2010",
        "total 2015",
        "trend 2010→2015",
    ]
    for trace in convergence.traces:
        assert trace.iterations == tuple(range(2_000, 20_001, 2_000))
        widths = trace.width
        drift = max(abs(w - widths[-1]) for w in widths[-4:-1]) / widths[-1] * 100
        assert trace.drift_pct == pytest.approx(drift, rel=1e-12)
        assert trace.converged == (drift <= 1.0)
    assert convergence.converged == all(t.converged for t in convergence.traces)
    assert "last 3 checkpoints" in convergence.criterion
    # The final checkpoint is the whole run.
    assert convergence.traces[0].lower[-1] == result.total(2010).lower


def test_a_run_with_too_few_checkpoints_is_not_called_converged() -> None:
    result = simulate([Cell("c", ("x",))], [Variable("x", "normal", 1, 5)], 300, seed=1, chunk=100)
    trace = result.convergence.traces[0]
    assert trace.iterations == (100, 200, 300)
    assert trace.drift_pct is None
    assert not trace.converged
    assert not result.convergence.converged


def test_a_fresh_seed_is_recorded_so_the_run_can_be_repeated() -> None:
    cells, variables = [Cell("c", ("x",))], [Variable("x", "normal", 1, 5)]
    first = simulate(cells, variables, 500)
    again = simulate(cells, variables, 500, seed=first.seed)
    assert np.array_equal(first.samples("total"), again.samples("total"))


@pytest.mark.parametrize(
    ("cells", "variables", "options", "item", "column", "value"),
    [
        (
            [Cell("c", ("x",))],
            [Variable("x", "beta", 1.0, 5)],
            {},
            "variable 'x'",
            "distribution",
            "beta",
        ),
        (
            [Cell("c", ("x",))],
            [Variable("x", "normal", 1.0, -5)],
            {},
            "variable 'x'",
            "half_width_pct",
            -5,
        ),
        ([Cell("c", ("y",))], [Variable("x", "normal", 1.0, 5)], {}, "cell 1", "factors", "y"),
        (
            [Cell("c", ("x",), coefficient="2")],
            [Variable("x", "normal", 1.0, 5)],
            {},
            "cell 1",
            "coefficient",
            "2",
        ),  # type: ignore[arg-type]
        ([Cell("", ("x",))], [Variable("x", "normal", 1.0, 5)], {}, "cell 1", "category", None),
        (
            [Cell("c", ("x",), divisors=("z",))],
            [Variable("x", "normal", 1.0, 5), Variable("z", "normal", 0.0, 5)],
            {},
            "cell 1",
            "divisors",
            "z",
        ),
        (
            [Cell("c", ("x",))],
            [Variable("x", "normal", 1.0, 5), Variable("x", "normal", 2.0, 5)],
            {},
            "variable 'x'",
            "name",
            None,
        ),
        (
            [Cell("c", ("x",))],
            [Variable("x", "normal", 1.0, 5)],
            {"iterations": 10},
            None,
            "iterations",
            10,
        ),
        ([Cell("c", ("x",))], [Variable("x", "normal", 1.0, 5)], {"seed": -1}, None, "seed", -1),
        (
            [Cell("c", ("x",), year=2010), Cell("c", ("x",))],
            [Variable("x", "normal", 1.0, 5)],
            {},
            None,
            "year",
            None,
        ),
    ],
)
def test_refusals_name_item_field_and_value(
    cells: list[Cell],
    variables: list[Variable],
    options: dict[str, int],
    item: str | None,
    column: str,
    value: object,
) -> None:
    arguments = {"iterations": 1_000, "seed": 1, **options}
    with pytest.raises(ModelError) as caught:
        simulate(cells, variables, **arguments)
    problem = caught.value.problems[0]
    assert (problem.item, problem.column, problem.value) == (item, column, value)


def test_every_problem_is_listed_at_once() -> None:
    variables = [Variable("x", "beta", 1.0, 5), Variable("y", "normal", 1.0, -1)]
    with pytest.raises(ModelError) as caught:
        simulate([Cell("c", ("x", "y", "z"))], variables, 1_000, seed=1)
    assert [(p.item, p.column) for p in caught.value.problems] == [
        ("variable 'x'", "distribution"),
        ("variable 'y'", "half_width_pct"),
        ("cell 1", "factors"),
    ]


def test_memory_bound_is_enforced_before_anything_is_drawn() -> None:
    cells = [Cell(f"c{i}", ("x",)) for i in range(100)]
    with pytest.raises(ModelError, match="MiB"):
        simulate(cells, [Variable("x", "normal", 1, 5)], 1_000_000, seed=1, max_memory_mb=100)
