"""Monte Carlo uncertainty (IPCC Approach 2) on a city inventory: speed, memory, convergence.

The model is a seeded synthetic inventory of 15 districts × 100 categories = 1 500 cells, each
``activity (district, category) × emission factor (category)``: 1 500 activity variables (normal,
±2-10 %) and 100 emission factors shared by the 15 districts (a quarter each normal ±5 %,
lognormal ±50 %, triangular ±20 % and uniform ±10 %), so 1 600 random inputs per iteration.

Measured, each the median of several runs on one core (the engine uses no BLAS and no threads):

* :func:`citycarbon.uncertainty.simulate` with 10 000 and with 100 000 iterations — goals
  ≤ 1 s and ≤ 10 s;
* its memory: the kept group draws (categories, districts and total × iterations × 8 bytes) and
  the working peak beyond them (tracemalloc), which the chunking bounds;
* the convergence report of the 100 000-iteration run;
* a baseline measured in the same run: the same model simulated one iteration at a time (numpy
  over the cells, a Python loop over iterations), on a few hundred iterations — the ratio of
  iterations per second;
* for information, the same inventory over two years (3 000 cells, factors shared between the
  years) with its trend, 10 000 iterations.

``--quick`` runs small sizes only (the figures then mean little).
"""

from __future__ import annotations

import argparse
import gc
import statistics
import time
import tracemalloc
from collections.abc import Callable, Sequence
from typing import Any, Final, TypeVar

import numpy as np

from citycarbon.uncertainty import Cell, SimulationResult, Variable, simulate

NAME: Final = "uncertainty"
SEED: Final = 20_120_101
DISTRICTS: Final = 15
CATEGORIES: Final = 100

FULL: Final[dict[str, int]] = {
    "small": 10_000,
    "large": 100_000,
    "small_runs": 5,
    "large_runs": 3,
    "baseline_iterations": 400,
}
QUICK: Final[dict[str, int]] = {
    "small": 2_000,
    "large": 10_000,
    "small_runs": 3,
    "large_runs": 1,
    "baseline_iterations": 100,
}
GOAL_SMALL_S: Final = 1.0
GOAL_LARGE_S: Final = 10.0
#: Working memory beyond the kept draws that the chunking must stay under [bytes].
GOAL_WORKING_BYTES: Final = 200 * 2**20

T = TypeVar("T")

_FACTORS: Final = (("normal", 5.0), ("lognormal", 50.0), ("triangular", 20.0), ("uniform", 10.0))


def build_model(years: Sequence[int | None] = (None,)) -> tuple[list[Cell], list[Variable]]:
    """The synthetic inventory: 15 districts × 100 categories per year (seeded)."""
    rng = np.random.default_rng(SEED)
    variables: list[Variable] = []
    for c in range(CATEGORIES):
        distribution, half_width = _FACTORS[c % len(_FACTORS)]
        variables.append(Variable(f"ef{c}", distribution, float(rng.uniform(0.5, 3.0)), half_width))
    cells: list[Cell] = []
    for year in years:
        for d in range(DISTRICTS):
            for c in range(CATEGORIES):
                name = f"ad{d}_{c}_{year}"
                mean = float(rng.lognormal(np.log(2_000.0), 1.0))
                variables.append(Variable(name, "normal", mean, float(rng.uniform(2.0, 10.0))))
                cells.append(
                    Cell(f"category {c}", (name, f"ef{c}"), jurisdiction=f"district {d}", year=year)
                )
    return cells, variables


def baseline(cells: Sequence[Cell], variables: Sequence[Variable], iterations: int) -> float:
    """Seconds for ``iterations`` iterations drawn and summed one at a time (the naive way)."""
    rng = np.random.default_rng(SEED)
    index = {v.name: i for i, v in enumerate(variables)}
    params = [v.parameters() for v in variables]
    first = np.array([index[c.factors[0]] for c in cells])
    second = np.array([index[c.factors[1]] for c in cells])
    labels = sorted({c.category for c in cells})
    group = np.array([labels.index(c.category) for c in cells])
    totals = np.empty(iterations)
    start = time.perf_counter()
    for n in range(iterations):
        draws = np.empty(len(params))
        for i, p in enumerate(params):
            if p.kind == "normal":
                draws[i] = p.a + p.b * rng.standard_normal()
            elif p.kind == "lognormal":
                draws[i] = p.c * np.exp(p.a + p.b * rng.standard_normal())
            elif p.kind == "uniform":
                draws[i] = p.a + (p.b - p.a) * rng.random()
            elif p.kind == "triangular":
                draws[i] = rng.triangular(p.a, p.c, p.b)
            else:
                draws[i] = p.a
        values = draws[first] * draws[second]
        by_category = np.bincount(group, weights=values, minlength=len(labels))
        totals[n] = by_category.sum()
    return time.perf_counter() - start


def _timed(function: Callable[[], T], runs: int) -> tuple[float, list[float], T]:
    times: list[float] = []
    result: T | None = None
    for _ in range(max(1, runs)):
        gc.collect()
        gc.disable()
        start = time.perf_counter()
        try:
            result = function()
        finally:
            times.append(time.perf_counter() - start)
            gc.enable()
    assert result is not None
    return statistics.median(times), times, result


def _goal(text: str, measured: str, passed: bool) -> dict[str, Any]:
    return {"goal": text, "measured": measured, "pass": passed}


def _kept_bytes(result: SimulationResult) -> int:
    groups = sum(len(result.labels(level)) * len(result.years) for level in result.levels)
    return groups * result.iterations * 8


def run(args: argparse.Namespace | Sequence[str] | None = None) -> dict[str, Any]:
    """Run the benchmark, print its figures and return them with the goals met or missed."""
    if args is None or isinstance(args, Sequence):
        args = _parser().parse_args(list(args or []))
    sizes = QUICK if getattr(args, "quick", False) else FULL
    quick = sizes is QUICK
    print(f"== uncertainty: Monte Carlo, IPCC Approach 2 ({'quick' if quick else 'full'}) ==")
    start = time.perf_counter()
    cells, variables = build_model()
    built = time.perf_counter() - start
    print(
        f"model: {DISTRICTS} districts × {CATEGORIES} categories = {len(cells):,} cells, "
        f"{len(variables):,} random inputs ({CATEGORIES} factors shared by the districts); "
        f"built in {built:.2f} s (seed {SEED}, not timed)"
    )

    figures: dict[str, Any] = {}
    for key in ("small", "large"):
        iterations = sizes[key]
        median, times, result = _timed(
            lambda n=iterations: simulate(cells, variables, n, seed=SEED), sizes[f"{key}_runs"]
        )
        total = result.total()
        print(
            f"simulate {iterations:>7,} iterations: median {median:.3f} s of {len(times)} "
            f"({', '.join(f'{t:.3f}' for t in times)}) -> {iterations / median:,.0f} "
            f"iterations/s; chunk {result.chunk:,}; total {total.mean:,.0f} tCO2e, 95 % interval "
            f"-{total.lower_pct:.2f} % / +{total.upper_pct:.2f} %"
        )
        figures[key] = {
            "iterations": iterations,
            "median_s": median,
            "times": times,
            "chunk": result.chunk,
            "total": total.as_dict(),
        }
        del result

    # Memory of the large run: kept draws and working peak.
    tracemalloc.start()
    result = simulate(cells, variables, sizes["large"], seed=SEED)
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    kept = _kept_bytes(result)
    working = max(0, traced_peak - kept)
    print(
        f"memory ({sizes['large']:,} iterations): kept group draws {kept / 2**20:.0f} MiB "
        f"({sum(len(result.labels(level)) for level in result.levels)} groups), working peak "
        f"beyond them {working / 2**20:.0f} MiB with chunks of {result.chunk:,} iterations"
    )
    convergence = result.convergence
    trace = convergence.traces[0]
    print(
        f"convergence: {'converged' if convergence.converged else 'NOT converged'} after "
        f"{len(trace.iterations)} checkpoints; drift of the 95 % interval width over the last "
        f"{convergence.window}: {trace.drift_pct:.3f} % (tolerance {convergence.tolerance_pct:g} %)"
    )

    # Baseline: one iteration at a time.
    base_iterations = sizes["baseline_iterations"]
    base_s = baseline(cells, variables, base_iterations)
    base_rate = base_iterations / base_s
    fast_rate = sizes["small"] / figures["small"]["median_s"]
    ratio = fast_rate / base_rate
    print(
        f"baseline, one iteration at a time: {base_iterations} iterations in {base_s:.2f} s -> "
        f"{base_rate:,.0f} iterations/s; simulate is {ratio:,.0f}x faster"
    )

    # Two years with the trend, for information.
    trend_cells, trend_variables = build_model((2010, 2015))
    trend_median, _, trend_result = _timed(
        lambda: simulate(trend_cells, trend_variables, sizes["small"], seed=SEED), 1
    )
    trend = trend_result.trend(2010, 2015)
    print(
        f"two years ({len(trend_cells):,} cells, factors shared between years), "
        f"{sizes['small']:,} iterations: {trend_median:.3f} s; trend of the total "
        f"{trend.estimate_pct:+.2f} %, 95 % interval {trend.lower_pct:+.2f} … "
        f"{trend.upper_pct:+.2f} %"
    )

    goals = [
        _goal(
            f"{sizes['small']:,} iterations ≤ {GOAL_SMALL_S:g} s on one core",
            f"{figures['small']['median_s']:.3f} s",
            figures["small"]["median_s"] <= GOAL_SMALL_S,
        ),
        _goal(
            f"{sizes['large']:,} iterations ≤ {GOAL_LARGE_S:g} s on one core",
            f"{figures['large']['median_s']:.3f} s",
            figures["large"]["median_s"] <= GOAL_LARGE_S,
        ),
        _goal(
            f"working memory bounded by chunking (< {GOAL_WORKING_BYTES / 2**20:.0f} MiB)",
            f"{working / 2**20:.0f} MiB",
            working < GOAL_WORKING_BYTES,
        ),
        _goal(
            "convergence reported", "converged" if convergence.converged else "not converged", True
        ),
    ]
    for goal in goals:
        print(f"  [{'PASS' if goal['pass'] else 'MISS'}] {goal['goal']}: {goal['measured']}")
    if quick:
        print("  (quick run: sizes below the goals' sizes; the figures mean little)")
    return {
        "name": NAME,
        "quick": quick,
        "cells": len(cells),
        "variables": len(variables),
        "small": figures["small"],
        "large": figures["large"],
        "memory": {"kept_bytes": kept, "working_peak_bytes": working, "chunk": result.chunk},
        "convergence": {
            "converged": convergence.converged,
            "drift_pct": trace.drift_pct,
            "checkpoints": len(trace.iterations),
        },
        "baseline": {
            "iterations": base_iterations,
            "seconds": base_s,
            "iterations_per_s": base_rate,
            "ratio": ratio,
        },
        "trend_two_years": {"cells": len(trend_cells), "median_s": trend_median, **trend.as_dict()},
        "goals": goals,
    }


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke test")
    return parser


if __name__ == "__main__":
    run(_parser().parse_args())
