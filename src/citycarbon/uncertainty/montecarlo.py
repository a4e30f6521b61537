"""Uncertainty Approach 2: Monte Carlo simulation of an inventory (IPCC 2006 Vol. 1 s. 3.2.3.2).

The model
---------
* A :class:`~citycarbon.uncertainty.distributions.Variable` is one uncertain input with a name.
* A :class:`Cell` is one term of the inventory: ``coefficient × Π factors / Π divisors``, each
  factor and divisor the *name* of a variable, labelled with its category, jurisdiction, sector
  and year. A category total is the sum of its cells (a recovered-gas term is a cell with a
  negative coefficient; a removal is a cell whose value is negative).
* Every use of a name is the **same draw** in an iteration. An emission factor shared by fifteen
  districts and six years is one variable, so its error moves all of them together (perfect
  correlation), while activity data of different districts are different variables (independent).

The run
-------
:func:`simulate` draws the variables for ``iterations`` iterations in chunks (``chunk``
iterations at a time, so the working memory is bounded by chunk × (variables + cells) numbers),
sums the cells into groups — every category, jurisdiction and sector by year, and the total by
year — and keeps only those group sums, from which it reports for each group the estimate (from
the point values), mean, standard deviation and 95 % interval (2.5th and 97.5th percentiles), and
the trend between two years draw by draw.

Reproducibility: the draws come from two independent streams (standard normal for normal and
lognormal inputs, uniform for uniform and triangular ones) of a :class:`numpy.random.Generator`
(PCG64) seeded through :class:`numpy.random.SeedSequence`; each stream is consumed iteration by
iteration, so the same seed, model and iteration count give identical results whatever the
chunk size.

Convergence
-----------
After every chunk (a *checkpoint*) the run records, for the total of every year and for the
trend of the total between the two tracked years, the mean and the 95 % interval of all draws so
far. The run has **converged** when, for every tracked quantity, the width of the 95 % interval at
each of the last ``window`` checkpoints before the end differs from the final width by at most
``tolerance_pct`` per cent of it (defaults: 3 checkpoints, 1 %). With at most ``window``
checkpoints the run is not called converged.

References
----------
.. [1] IPCC (2006) 2006 IPCC Guidelines for National Greenhouse Gas Inventories, Vol. 1, Ch. 3:
       section 3.2.3.2 (Approach 2, Monte Carlo simulation), section 3.7.2 (its steps: specify
       the input distributions, their correlations, the number of iterations until results are
       stable; report the 2.5th and 97.5th percentiles) and Table 3.3 (Approach 2 reporting of
       the 95 % interval of each category, the total and the trend). [R]
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Final

import numpy as np
import numpy.typing as npt

from citycarbon.uncertainty.distributions import Parameters, Variable
from citycarbon.uncertainty.errors import ModelError, UncertaintyError

__all__ = [
    "DEFAULT_LEVELS",
    "LEVELS",
    "Cell",
    "Convergence",
    "ConvergenceTrace",
    "Interval",
    "SimulationResult",
    "TrendInterval",
    "simulate",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]

#: Levels a result can be grouped by. ``category`` and ``total`` are always computed.
LEVELS: Final = ("total", "category", "sector", "jurisdiction")
#: The optional levels computed by default (skipped when every cell leaves the label empty).
DEFAULT_LEVELS: Final = ("sector", "jurisdiction")

#: Working-memory budget of one chunk when the chunk size is chosen automatically [bytes].
_CHUNK_BUDGET_BYTES: Final = 48 * 2**20
#: An automatic chunk leaves at least this many checkpoints for the convergence test.
_MIN_CHECKPOINTS: Final = 10
_MIN_ITERATIONS: Final = 100
_PERCENTILES: Final = (2.5, 97.5)


@dataclass(frozen=True, slots=True)
class Cell:
    """One term of the inventory: ``coefficient × Π factors / Π divisors`` [tCO2e or any unit].

    Parameters
    ----------
    category : str
        The category the term belongs to (its cells add up to the category).
    factors : tuple of str
        Names of the variables multiplied (activity data, emission factor, …).
    jurisdiction : str
        District or county (empty for a single-jurisdiction inventory).
    year : int, optional
        Inventory year (``None`` when the model has one year).
    coefficient : float
        A fixed multiplier without uncertainty: a GWP, 44/12, a unit conversion, −1 [-].
    divisors : tuple of str
        Names of variables divided by.
    sector : str
        Sector label (energy, industrial processes, …), optional.
    """

    category: str
    factors: tuple[str, ...]
    jurisdiction: str = ""
    year: int | None = None
    coefficient: float = 1.0
    divisors: tuple[str, ...] = ()
    sector: str = ""


@dataclass(frozen=True, slots=True)
class Interval:
    """The simulated distribution of one quantity (a category, a jurisdiction, the total).

    ``estimate`` is computed from the point values of the variables; ``mean`` and ``std`` are
    those of the draws; ``lower`` and ``upper`` the 2.5th and 97.5th percentiles [the model's
    unit, e.g. tCO2e].
    """

    estimate: float
    mean: float
    std: float
    lower: float
    upper: float
    iterations: int

    @property
    def lower_pct(self) -> float | None:
        """How far the 2.5th percentile lies below the mean, in % of \\|mean\\| (IPCC Table 3.3)."""
        return None if self.mean == 0 else (self.mean - self.lower) / abs(self.mean) * 100

    @property
    def upper_pct(self) -> float | None:
        """How far the 97.5th percentile lies above the mean, in % of \\|mean\\|."""
        return None if self.mean == 0 else (self.upper - self.mean) / abs(self.mean) * 100

    @property
    def half_width_pct(self) -> float | None:
        """Half the width of the 95 % interval, in % of \\|mean\\| (comparable to Approach 1)."""
        return None if self.mean == 0 else (self.upper - self.lower) / 2 / abs(self.mean) * 100

    @property
    def mean_standard_error(self) -> float:
        """Monte Carlo standard error of the mean, std / √iterations."""
        return self.std / math.sqrt(self.iterations)

    def as_dict(self) -> dict[str, object]:
        """The interval as plain data."""
        return {
            "estimate": self.estimate,
            "mean": self.mean,
            "std": self.std,
            "lower": self.lower,
            "upper": self.upper,
            "lower_pct": self.lower_pct,
            "upper_pct": self.upper_pct,
            "half_width_pct": self.half_width_pct,
            "mean_standard_error": self.mean_standard_error,
        }


@dataclass(frozen=True, slots=True)
class TrendInterval:
    """The simulated change of a quantity from ``base_year`` to ``latest_year`` [%].

    Each draw's trend is (X_latest − X_base) / \\|X_base\\| × 100 with the same draws of shared
    variables in both years; ``lower``/``upper`` are its 2.5th and 97.5th percentiles [%];
    ``half_width_pct`` is half their distance [percentage points].
    """

    base_year: int | None
    latest_year: int | None
    estimate_pct: float
    mean_pct: float
    lower_pct: float
    upper_pct: float

    @property
    def half_width_pct(self) -> float:
        """Half the width of the 95 % interval of the trend [percentage points]."""
        return (self.upper_pct - self.lower_pct) / 2

    def as_dict(self) -> dict[str, object]:
        """The trend as plain data."""
        return {
            "base_year": self.base_year,
            "latest_year": self.latest_year,
            "estimate_pct": self.estimate_pct,
            "mean_pct": self.mean_pct,
            "lower_pct": self.lower_pct,
            "upper_pct": self.upper_pct,
            "half_width_pct": self.half_width_pct,
        }


@dataclass(frozen=True, slots=True)
class ConvergenceTrace:
    """One tracked quantity at every checkpoint: mean and 95 % interval of the draws so far."""

    quantity: str
    iterations: tuple[int, ...]
    mean: tuple[float, ...]
    lower: tuple[float, ...]
    upper: tuple[float, ...]
    drift_pct: float | None
    converged: bool

    @property
    def width(self) -> tuple[float, ...]:
        """Width of the 95 % interval at each checkpoint."""
        return tuple(u - lo for lo, u in zip(self.lower, self.upper, strict=True))

    def as_dict(self) -> dict[str, object]:
        """The trace as plain data."""
        return {
            "quantity": self.quantity,
            "iterations": list(self.iterations),
            "mean": list(self.mean),
            "lower": list(self.lower),
            "upper": list(self.upper),
            "width": list(self.width),
            "drift_pct": self.drift_pct,
            "converged": self.converged,
        }


@dataclass(frozen=True, slots=True)
class Convergence:
    """The convergence report: the criterion, each tracked quantity's trace and the verdict."""

    tolerance_pct: float
    window: int
    traces: tuple[ConvergenceTrace, ...]
    converged: bool

    @property
    def criterion(self) -> str:
        """The criterion in words."""
        return (
            f"the width of the 95 % interval of every tracked quantity (total of each year, trend) "
            f"at each of the last {self.window} checkpoints is within {self.tolerance_pct:g} % of "
            "its final width"
        )

    def as_dict(self) -> dict[str, object]:
        """The report as plain data."""
        return {
            "criterion": self.criterion,
            "tolerance_pct": self.tolerance_pct,
            "window": self.window,
            "converged": self.converged,
            "traces": [t.as_dict() for t in self.traces],
        }


GroupKey = tuple[int | None, str]


@dataclass(frozen=True)
class SimulationResult:
    """The outcome of :func:`simulate`: every group's draws, intervals and the convergence report.

    Groups are addressed by level (``"total"``, ``"category"``, ``"sector"``,
    ``"jurisdiction"``), label and year; ``year`` may be left out when the model has one year.
    """

    iterations: int
    seed: int
    chunk: int
    years: tuple[int | None, ...]
    levels: tuple[str, ...]
    convergence: Convergence
    _groups: dict[str, tuple[GroupKey, ...]] = field(repr=False)
    _samples: dict[str, FloatArray] = field(repr=False)
    _intervals: dict[str, tuple[Interval, ...]] = field(repr=False)
    _estimates: dict[str, FloatArray] = field(repr=False)
    _index: dict[str, dict[GroupKey, int]] = field(repr=False)

    def _row(self, level: str, label: str, year: int | None) -> int:
        if level not in self._index:
            raise KeyError(f"level {level!r} was not computed (levels: {', '.join(self.levels)})")
        if year is None and len(self.years) == 1:
            year = self.years[0]
        try:
            return self._index[level][(year, label)]
        except KeyError:
            raise KeyError(f"no {level} {label!r} in year {year}") from None

    def labels(self, level: str) -> tuple[str, ...]:
        """The labels of a level, in first-seen order."""
        seen: dict[str, None] = {}
        for _, label in self._groups[level]:
            seen.setdefault(label, None)
        return tuple(seen)

    def interval(self, level: str, label: str = "", year: int | None = None) -> Interval:
        """The 95 % interval and moments of one group."""
        return self._intervals[level][self._row(level, label, year)]

    def total(self, year: int | None = None) -> Interval:
        """The total of a year."""
        return self.interval("total", "", year)

    def category(self, name: str, year: int | None = None) -> Interval:
        """A category (summed over jurisdictions) in a year."""
        return self.interval("category", name, year)

    def jurisdiction(self, name: str, year: int | None = None) -> Interval:
        """A jurisdiction's total in a year."""
        return self.interval("jurisdiction", name, year)

    def sector(self, name: str, year: int | None = None) -> Interval:
        """A sector's total in a year."""
        return self.interval("sector", name, year)

    def samples(self, level: str, label: str = "", year: int | None = None) -> FloatArray:
        """The draws of one group, one per iteration (a read-only view)."""
        view: FloatArray = self._samples[level][self._row(level, label, year)]
        view.flags.writeable = False
        return view

    def trend(
        self,
        base_year: int | None,
        latest_year: int | None,
        level: str = "total",
        label: str = "",
    ) -> TrendInterval:
        """The change of a group from ``base_year`` to ``latest_year``, draw by draw [%]."""
        base_row, latest_row = (
            self._row(level, label, base_year),
            self._row(level, label, latest_year),
        )
        base = self._samples[level][base_row]
        latest = self._samples[level][latest_row]
        estimates = self._estimates[level]
        return _trend(
            base,
            latest,
            float(estimates[base_row]),
            float(estimates[latest_row]),
            base_year,
            latest_year,
        )

    def as_dict(self) -> dict[str, object]:
        """Every interval, the trend of the total and of each category, and the convergence."""
        groups: dict[str, object] = {}
        for level in self.levels:
            groups[level] = [
                {"year": year, "label": label, **self._intervals[level][i].as_dict()}
                for i, (year, label) in enumerate(self._groups[level])
            ]
        trends: dict[str, object] = {}
        if len(self.years) >= 2:
            first, last = self.years[0], self.years[-1]
            trends["total"] = self.trend(first, last).as_dict()
            category_trends = []
            for label in self.labels("category"):
                try:
                    item = self.trend(first, last, "category", label)
                except KeyError:
                    continue
                category_trends.append({"label": label, **item.as_dict()})
            trends["category"] = category_trends
        return {
            "method": "IPCC 2006 Vol. 1 Ch. 3 Approach 2 (Monte Carlo)",
            "iterations": self.iterations,
            "seed": self.seed,
            "chunk": self.chunk,
            "years": list(self.years),
            "intervals": groups,
            "trend": trends,
            "convergence": self.convergence.as_dict(),
        }


def _trend(
    base: FloatArray,
    latest: FloatArray,
    base_estimate: float,
    latest_estimate: float,
    base_year: int | None,
    latest_year: int | None,
) -> TrendInterval:
    with np.errstate(divide="ignore", invalid="ignore"):
        change = (latest - base) / np.abs(base) * 100
    low, high = np.percentile(change, _PERCENTILES)
    estimate = (
        (latest_estimate - base_estimate) / abs(base_estimate) * 100
        if base_estimate != 0
        else math.nan
    )
    return TrendInterval(
        base_year, latest_year, float(estimate), float(np.mean(change)), float(low), float(high)
    )


# --------------------------------------------------------------------------------------------
# Model preparation
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Level:
    name: str
    keys: tuple[GroupKey, ...]
    order: IntArray | None  # cells (or categories, for total) in group order; None = as they are
    starts: IntArray  # reduceat boundaries


@dataclass(frozen=True)
class _Plan:
    normal: tuple[Parameters, ...]  # stream "normal": normal first, then lognormal
    n_normal: int
    uniform: tuple[Parameters, ...]  # stream "uniform": uniform first, then triangular
    n_uniform: int
    constants: FloatArray  # values of constant variables
    rows: int  # rows of the variable matrix: normal stream, uniform stream, constants, one
    factors: IntArray  # (k, cells) row indices into the variable matrix, padded with `one`
    divisors: IntArray  # (k, cells) or (0, cells)
    coefficient: FloatArray | None  # per cell, None when all are 1
    estimates: FloatArray  # point value of each cell
    years: tuple[int | None, ...]
    category: _Level
    total: _Level  # over category groups
    extra: tuple[_Level, ...]


def _check_model(
    cells: Sequence[Cell], variables: Sequence[Variable]
) -> tuple[list[UncertaintyError], dict[str, Variable]]:
    problems: list[UncertaintyError] = []
    by_name: dict[str, Variable] = {}
    for variable in variables:
        problems.extend(variable.problems())
        if variable.name in by_name:
            problems.append(
                UncertaintyError(
                    "two variables have this name",
                    item=f"variable {variable.name!r}",
                    column="name",
                )
            )
        by_name.setdefault(variable.name, variable)
    if not cells:
        problems.append(UncertaintyError("the model has no cell"))
    year_kinds = set()
    for number, cell in enumerate(cells, start=1):
        item = f"cell {number}"
        if not isinstance(cell.category, str) or not cell.category.strip():
            problems.append(
                UncertaintyError("a cell needs a category", item=item, column="category")
            )
        for column in ("jurisdiction", "sector"):
            if not isinstance(getattr(cell, column), str):
                problems.append(
                    UncertaintyError(
                        "must be text", item=item, column=column, value=getattr(cell, column)
                    )
                )
        if cell.year is not None and (
            isinstance(cell.year, bool) or not isinstance(cell.year, int)
        ):
            problems.append(
                UncertaintyError(
                    "a year must be an integer", item=item, column="year", value=cell.year
                )
            )
        year_kinds.add(cell.year is None)
        coefficient = cell.coefficient
        if (
            isinstance(coefficient, bool)
            or not isinstance(coefficient, int | float)
            or not math.isfinite(coefficient)
        ):
            problems.append(
                UncertaintyError(
                    "must be a finite number", item=item, column="coefficient", value=coefficient
                )
            )
        for column in ("factors", "divisors"):
            names = getattr(cell, column)
            if isinstance(names, str):
                problems.append(
                    UncertaintyError(
                        "must be a sequence of variable names, not one string",
                        item=item,
                        column=column,
                        value=names,
                    )
                )
                continue
            for name in names:
                if name not in by_name:
                    problems.append(
                        UncertaintyError(
                            "no variable has this name", item=item, column=column, value=name
                        )
                    )
                elif column == "divisors" and by_name[name].mean == 0:
                    problems.append(
                        UncertaintyError(
                            "divides by a variable whose point value is zero",
                            item=item,
                            column=column,
                            value=name,
                        )
                    )
    if len(year_kinds) > 1:
        problems.append(UncertaintyError("either every cell has a year or none has", column="year"))
    return problems, by_name


def _level(
    name: str, keys_per_item: Sequence[GroupKey], year_rank: dict[int | None, int]
) -> _Level:
    """Group items by key, ordering groups by year then first appearance of the label."""
    first_seen: dict[str, int] = {}
    for _, label in keys_per_item:
        first_seen.setdefault(label, len(first_seen))
    sort_keys = np.array(
        [
            year_rank[year] * (len(first_seen) + 1) + first_seen[label]
            for year, label in keys_per_item
        ],
        dtype=np.int64,
    )
    order = np.argsort(sort_keys, kind="stable").astype(np.intp)
    sorted_keys = sort_keys[order]
    starts = np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]]).astype(np.intp)
    keys = tuple(keys_per_item[int(order[s])] for s in starts)
    identity = bool(np.array_equal(order, np.arange(len(order))))
    return _Level(name, keys, None if identity else order, starts)


def _plan(cells: Sequence[Cell], by_name: dict[str, Variable], levels: Sequence[str]) -> _Plan:
    used: dict[str, None] = {}
    for cell in cells:
        for name in (*cell.factors, *cell.divisors):
            used.setdefault(name, None)
    # Draw order follows the caller's variable order (the dict keeps insertion order).
    ordered = [v for v in by_name.values() if v.name in used]
    params = {v.name: v.parameters() for v in ordered}
    blocks: dict[str, list[str]] = {k: [] for k in ("normal", "lognormal", "uniform", "triangular")}
    constants: list[str] = []
    for v in ordered:
        kind = params[v.name].kind
        (constants if kind == "constant" else blocks[kind]).append(v.name)
    normal_names = blocks["normal"] + blocks["lognormal"]
    uniform_names = blocks["uniform"] + blocks["triangular"]
    row_of: dict[str, int] = {}
    for name in (*normal_names, *uniform_names, *constants):
        row_of[name] = len(row_of)
    one = len(row_of)
    rows = one + 1

    # Cells in (year, category) order, so category sums need no gathering.
    years = tuple(sorted({c.year for c in cells}, key=lambda y: -1 if y is None else y))
    year_rank = {year: i for i, year in enumerate(years)}
    first = _level("category", [(c.year, c.category.strip()) for c in cells], year_rank)
    sorted_cells = list(cells) if first.order is None else [cells[int(i)] for i in first.order]
    category_level = _level(
        "category", [(c.year, c.category.strip()) for c in sorted_cells], year_rank
    )
    total_level = _level("total", [(year, "") for year, _ in category_level.keys], year_rank)

    extra: list[_Level] = []
    for name in levels:
        labels = [getattr(c, name).strip() for c in sorted_cells]
        if any(labels):
            extra.append(
                _level(
                    name,
                    [(c.year, lab) for c, lab in zip(sorted_cells, labels, strict=True)],
                    year_rank,
                )
            )

    width = max((len(c.factors) for c in sorted_cells), default=0)
    factors = np.full((width, len(sorted_cells)), one, dtype=np.intp)
    div_width = max((len(c.divisors) for c in sorted_cells), default=0)
    divisors = np.full((div_width, len(sorted_cells)), one, dtype=np.intp)
    point = {name: v.mean for name, v in by_name.items()}
    estimates = np.empty(len(sorted_cells), dtype=np.float64)
    coefficients = np.empty(len(sorted_cells), dtype=np.float64)
    for j, cell in enumerate(sorted_cells):
        value = float(cell.coefficient)
        for k, name in enumerate(cell.factors):
            factors[k, j] = row_of[name]
            value *= point[name]
        for k, name in enumerate(cell.divisors):
            divisors[k, j] = row_of[name]
            value /= point[name]
        estimates[j] = value
        coefficients[j] = float(cell.coefficient)
    return _Plan(
        normal=tuple(params[n] for n in normal_names),
        n_normal=len(blocks["normal"]),
        uniform=tuple(params[n] for n in uniform_names),
        n_uniform=len(blocks["uniform"]),
        constants=np.array([params[n].a for n in constants], dtype=np.float64),
        rows=rows,
        factors=factors,
        divisors=divisors,
        coefficient=None if bool(np.all(coefficients == 1.0)) else coefficients,
        estimates=estimates,
        years=years,
        category=category_level,
        total=total_level,
        extra=tuple(extra),
    )


# --------------------------------------------------------------------------------------------
# The engine
# --------------------------------------------------------------------------------------------


class _Engine:
    """Draws one chunk of iterations into the variable matrix and evaluates the cells."""

    def __init__(self, plan: _Plan, seed: int) -> None:
        self.plan = plan
        normal_seq, uniform_seq = np.random.SeedSequence(seed).spawn(2)
        self.normal_rng = np.random.Generator(np.random.PCG64(normal_seq))
        self.uniform_rng = np.random.Generator(np.random.PCG64(uniform_seq))

        def column(values: Sequence[float]) -> FloatArray:
            return np.array(values, dtype=np.float64)[:, None]

        normal, lognormal = plan.normal[: plan.n_normal], plan.normal[plan.n_normal :]
        uniform, triangular = plan.uniform[: plan.n_uniform], plan.uniform[plan.n_uniform :]
        self.normal_loc = column([p.a for p in normal])
        self.normal_scale = column([p.b for p in normal])
        self.log_mu = column([p.a for p in lognormal])
        self.log_s = column([p.b for p in lognormal])
        self.log_sign = column([p.c for p in lognormal])
        self.uniform_low = column([p.a for p in uniform])
        self.uniform_span = column([p.b - p.a for p in uniform])
        self.tri_low = column([p.a for p in triangular])
        self.tri_high = column([p.b for p in triangular])
        self.tri_mode = column([p.c for p in triangular])
        self.tri_split = (self.tri_mode - self.tri_low) / (self.tri_high - self.tri_low)
        self.tri_left = (self.tri_high - self.tri_low) * (self.tri_mode - self.tri_low)
        self.tri_right = (self.tri_high - self.tri_low) * (self.tri_high - self.tri_mode)
        self.size = 0

    def _buffers(self, size: int) -> None:
        if size == self.size:
            return
        plan = self.plan
        cells = plan.factors.shape[1]
        self.z = np.empty((size, len(plan.normal)), dtype=np.float64)
        self.u = np.empty((size, len(plan.uniform)), dtype=np.float64)
        self.x = np.empty((plan.rows, size), dtype=np.float64)
        n_stream = len(plan.normal) + len(plan.uniform)
        self.x[n_stream : plan.rows - 1] = plan.constants[:, None]
        self.x[plan.rows - 1] = 1.0
        self.values = np.empty((cells, size), dtype=np.float64)
        self.scratch = np.empty((cells, size), dtype=np.float64)
        self.size = size

    def draw(self, size: int) -> FloatArray:
        """Draw ``size`` iterations and return the cell values (cells × size)."""
        self._buffers(size)
        plan, x = self.plan, self.x
        n_norm = len(plan.normal)
        if n_norm:
            self.normal_rng.standard_normal(out=self.z)
            zt = self.z.T
            k = plan.n_normal
            if k:
                block = x[:k]
                np.multiply(zt[:k], self.normal_scale, out=block)
                block += self.normal_loc
            if n_norm > k:
                block = x[k:n_norm]
                np.multiply(zt[k:], self.log_s, out=block)
                block += self.log_mu
                np.exp(block, out=block)
                block *= self.log_sign
        n_unif = len(plan.uniform)
        if n_unif:
            self.uniform_rng.random(out=self.u)
            ut = self.u.T
            k = plan.n_uniform
            start = n_norm
            if k:
                block = x[start : start + k]
                np.multiply(ut[:k], self.uniform_span, out=block)
                block += self.uniform_low
            if n_unif > k:
                u = ut[k:]
                left = self.tri_low + np.sqrt(u * self.tri_left)
                right = self.tri_high - np.sqrt((1.0 - u) * self.tri_right)
                x[start + k : start + n_unif] = np.where(u < self.tri_split, left, right)
        values, scratch = self.values, self.scratch
        one = plan.rows - 1
        if plan.factors.shape[0] == 0:
            values.fill(1.0)
        else:
            np.take(x, plan.factors[0], axis=0, out=values)
            for k in range(1, plan.factors.shape[0]):
                if bool(np.all(plan.factors[k] == one)):
                    continue
                np.take(x, plan.factors[k], axis=0, out=scratch)
                values *= scratch
        for k in range(plan.divisors.shape[0]):
            np.take(x, plan.divisors[k], axis=0, out=scratch)
            values /= scratch
        if plan.coefficient is not None:
            values *= plan.coefficient[:, None]
        return values


def _reduce(level: _Level, values: FloatArray, scratch: FloatArray | None, out: FloatArray) -> None:
    source = values
    if level.order is not None:
        if scratch is None or scratch.shape[0] != len(level.order):
            source = values[level.order]
        else:
            np.take(values, level.order, axis=0, out=scratch)
            source = scratch
    np.add.reduceat(source, level.starts, axis=0, out=out)


def _chunks(iterations: int, chunk: int) -> Iterator[tuple[int, int]]:
    start = 0
    while start < iterations:
        stop = min(iterations, start + chunk)
        yield start, stop
        start = stop


def simulate(
    cells: Sequence[Cell],
    variables: Sequence[Variable],
    iterations: int = 10_000,
    seed: int | None = None,
    chunk: int | None = None,
    *,
    levels: Sequence[str] = DEFAULT_LEVELS,
    trend_years: tuple[int, int] | None = None,
    tolerance_pct: float = 1.0,
    window: int = 3,
    max_memory_mb: float = 2048.0,
) -> SimulationResult:
    """Monte Carlo simulation of an inventory model (IPCC Approach 2).

    Parameters
    ----------
    cells : sequence of Cell
        The inventory's terms [tCO2e or the model's unit].
    variables : sequence of Variable
        The uncertain inputs; each cell names the ones it multiplies or divides by.
    iterations : int
        Number of iterations (at least 100; the guidance suggests enough for stable results —
        see the convergence report).
    seed : int, optional
        Seed (≥ 0). Without one a fresh seed is drawn from the operating system and recorded in
        the result, so the run can be repeated.
    chunk : int, optional
        Iterations per chunk (and between convergence checkpoints). By default the largest that
        keeps the working arrays under about 48 MiB, and at most a tenth of ``iterations``.
    levels : sequence of str
        Extra grouping levels besides category and total: ``"sector"``, ``"jurisdiction"``.
    trend_years : (int, int), optional
        The base and latest year whose trend of the total is tracked for convergence; by default
        the first and the last year of the model.
    tolerance_pct, window : float, int
        The convergence criterion (module docstring): 1 % over the last 3 checkpoints.
    max_memory_mb : float
        Refuse a run whose kept group draws (groups × iterations × 8 bytes) would exceed this
        [MiB].

    Returns
    -------
    SimulationResult
        Estimates, means, standard deviations and 95 % intervals of every category,
        jurisdiction, sector and total by year; trends on demand; the convergence report.

    Raises
    ------
    ModelError
        Listing every problem: a variable with an unknown distribution, an uncertainty that is
        not a percentage ≥ 0, inconsistent bounds, a duplicated name; a cell naming an unknown
        variable, without a category, with a non-numeric coefficient; bad run settings. Nothing
        is simulated.

    Notes
    -----
    For iteration n, with :math:`x_{v,n}` the draw of variable v,

    .. math::

        y_{c,n} = k_c \\frac{\\prod_{v \\in F_c} x_{v,n}}{\\prod_{v \\in D_c} x_{v,n}},
        \\qquad Y_{g,n} = \\sum_{c \\in g} y_{c,n}

    and the 95 % interval of group g is the 2.5th and 97.5th percentiles of
    :math:`Y_{g,1..N}` (numpy's linear interpolation between order statistics).

    References
    ----------
    IPCC 2006, Vol. 1, Ch. 3, sections 3.2.3.2 and 3.7.2, Table 3.3.
    """
    problems, by_name = _check_model(cells, variables)
    if (
        isinstance(iterations, bool)
        or not isinstance(iterations, int)
        or iterations < _MIN_ITERATIONS
    ):
        problems.append(
            UncertaintyError(
                f"must be an integer ≥ {_MIN_ITERATIONS}", column="iterations", value=iterations
            )
        )
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int) or seed < 0):
        problems.append(UncertaintyError("must be an integer ≥ 0", column="seed", value=seed))
    if chunk is not None and (isinstance(chunk, bool) or not isinstance(chunk, int) or chunk < 1):
        problems.append(UncertaintyError("must be an integer ≥ 1", column="chunk", value=chunk))
    for name in levels:
        if name not in ("sector", "jurisdiction"):
            problems.append(
                UncertaintyError(
                    "unknown level (expected sector or jurisdiction)", column="levels", value=name
                )
            )
    if not (isinstance(window, int) and window >= 1):
        problems.append(UncertaintyError("must be an integer ≥ 1", column="window", value=window))
    if not (isinstance(tolerance_pct, int | float) and tolerance_pct >= 0):
        problems.append(
            UncertaintyError(
                "must be a percentage ≥ 0", column="tolerance_pct", value=tolerance_pct
            )
        )
    if problems:
        raise ModelError(problems)

    plan = _plan(cells, by_name, levels)
    years = plan.years
    if trend_years is not None:
        missing = [y for y in trend_years if y not in years]
        if missing or len(trend_years) != 2:
            raise ModelError(
                [
                    UncertaintyError(
                        "not a year of the model", column="trend_years", value=trend_years
                    )
                ]
            )
        tracked: tuple[int | None, int | None] | None = (trend_years[0], trend_years[1])
    else:
        tracked = (years[0], years[-1]) if len(years) >= 2 else None

    all_levels = (plan.category, plan.total, *plan.extra)
    groups_count = sum(len(level.keys) for level in all_levels)
    needed_mb = groups_count * iterations * 8 / 2**20
    if needed_mb > max_memory_mb:
        raise ModelError(
            [
                UncertaintyError(
                    f"keeping {groups_count} groups × {iterations} iterations needs "
                    f"{needed_mb:.0f} MiB, over the limit of {max_memory_mb:g} MiB: use fewer "
                    "iterations or levels",
                    column="iterations",
                    value=iterations,
                )
            ]
        )

    if seed is None:
        entropy = np.random.SeedSequence().entropy
        seed = int(entropy if isinstance(entropy, int) else 0) % 2**63
    n_cells = plan.factors.shape[1]
    per_iteration = 8 * (2 * plan.rows + 3 * n_cells + groups_count)
    if chunk is None:
        chunk = max(
            1, min(_CHUNK_BUDGET_BYTES // per_iteration, math.ceil(iterations / _MIN_CHECKPOINTS))
        )
    chunk = min(chunk, iterations)

    samples = {
        level.name: np.empty((len(level.keys), iterations), dtype=np.float64)
        for level in all_levels
    }
    engine = _Engine(plan, seed)
    scratch = {
        level.name: (None if level.order is None else np.empty((len(level.order), chunk)))
        for level in plan.extra
    }
    total_rows = {year: plan.total.keys.index((year, "")) for year in years}
    # Tracked for convergence: (name, total row or None for the trend).
    quantities: list[tuple[str, int | None]] = [
        (f"total {_year(y)}".strip(), total_rows[y]) for y in years
    ]
    if tracked is not None:
        quantities.append((f"trend {_year(tracked[0])}→{_year(tracked[1])}", None))
    trace: dict[str, list[tuple[int, float, float, float]]] = {q: [] for q, _ in quantities}

    for start, stop in _chunks(iterations, chunk):
        values = engine.draw(stop - start)
        category = samples["category"][:, start:stop]
        _reduce(plan.category, values, None, category)
        _reduce(plan.total, category, None, samples["total"][:, start:stop])
        for level in plan.extra:
            buffer = scratch[level.name]
            if buffer is not None and buffer.shape[1] != stop - start:
                buffer = None
            _reduce(level, values, buffer, samples[level.name][:, start:stop])
        for name, row in quantities:
            if row is not None:
                drawn = samples["total"][row, :stop]
            else:
                assert tracked is not None
                base = samples["total"][total_rows[tracked[0]], :stop]
                latest = samples["total"][total_rows[tracked[1]], :stop]
                with np.errstate(divide="ignore", invalid="ignore"):
                    drawn = (latest - base) / np.abs(base) * 100
            low, high = np.percentile(drawn, _PERCENTILES)
            trace[name].append((stop, float(np.mean(drawn)), float(low), float(high)))

    estimates: dict[str, FloatArray] = {}
    cell_estimates = plan.estimates[:, None]
    category_estimates = np.add.reduceat(cell_estimates, plan.category.starts, axis=0)
    estimates["category"] = category_estimates[:, 0]
    estimates["total"] = np.add.reduceat(category_estimates, plan.total.starts, axis=0)[:, 0]
    for level in plan.extra:
        source = cell_estimates if level.order is None else cell_estimates[level.order]
        estimates[level.name] = np.add.reduceat(source, level.starts, axis=0)[:, 0]

    # Group by group, so the temporary copies are one row (not all the kept draws) at a time.
    intervals: dict[str, tuple[Interval, ...]] = {}
    for level in all_levels:
        rows = []
        for i, group_draws in enumerate(samples[level.name]):
            low, high = np.percentile(group_draws, _PERCENTILES)
            rows.append(
                Interval(
                    float(estimates[level.name][i]),
                    float(group_draws.mean()),
                    float(group_draws.std(ddof=1)),
                    float(low),
                    float(high),
                    iterations,
                )
            )
        intervals[level.name] = tuple(rows)

    traces = tuple(
        _converged(name, points, tolerance_pct, window) for name, points in trace.items()
    )
    convergence = Convergence(
        tolerance_pct=float(tolerance_pct),
        window=window,
        traces=traces,
        converged=all(t.converged for t in traces),
    )
    return SimulationResult(
        iterations=iterations,
        seed=seed,
        chunk=chunk,
        years=years,
        levels=tuple(level.name for level in (plan.total, plan.category, *plan.extra)),
        convergence=convergence,
        _groups={level.name: level.keys for level in all_levels},
        _samples=samples,
        _intervals=intervals,
        _estimates=estimates,
        _index={level.name: {key: i for i, key in enumerate(level.keys)} for level in all_levels},
    )


def _year(year: int | None) -> str:
    return "" if year is None else str(year)


def _converged(
    name: str, points: list[tuple[int, float, float, float]], tolerance_pct: float, window: int
) -> ConvergenceTrace:
    widths = [high - low for _, _, low, high in points]
    final = widths[-1]
    drift: float | None = None
    converged = False
    if len(widths) > window:
        recent = widths[-1 - window : -1]
        if final == 0:
            drift = 0.0 if all(w == 0 for w in recent) else math.inf
        else:
            drift = max(abs(w - final) for w in recent) / abs(final) * 100
        converged = drift <= tolerance_pct
    return ConvergenceTrace(
        quantity=name,
        iterations=tuple(p[0] for p in points),
        mean=tuple(p[1] for p in points),
        lower=tuple(p[2] for p in points),
        upper=tuple(p[3] for p in points),
        drift_pct=drift,
        converged=converged,
    )
