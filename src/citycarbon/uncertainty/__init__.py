"""Inventory uncertainty (不确定性分析), IPCC 2006 Vol. 1 Ch. 3: Approach 1 and Approach 2.

* Approach 1, error propagation: :func:`combined_uncertainty_pct` (Eq. 3.1),
  :func:`sum_uncertainty_pct` (Eq. 3.2), the trend sensitivities :func:`type_a_sensitivity` and
  :func:`type_b_sensitivity`, and the whole Table 3.2 worksheet :func:`approach1` over
  :class:`Line` records.
* Approach 2, Monte Carlo: :class:`Variable` (an uncertain input and its distribution),
  :class:`Cell` (a term of the inventory, a product of named variables) and :func:`simulate`
  (seeded, chunked, vectorised; intervals, trends and a convergence report).
* The CSV worksheet: :func:`read_csv`, :func:`approach1_csv` and :func:`worksheet_model` (the
  worksheet as a Monte Carlo model).

See ``docs/uncertainty.md``.
"""

from citycarbon.uncertainty.distributions import DISTRIBUTIONS, Z95, Parameters, Variable
from citycarbon.uncertainty.errors import ModelError, UncertaintyError, WorksheetError
from citycarbon.uncertainty.montecarlo import (
    DEFAULT_LEVELS,
    LEVELS,
    Cell,
    Convergence,
    ConvergenceTrace,
    Interval,
    SimulationResult,
    TrendInterval,
    simulate,
)
from citycarbon.uncertainty.propagation import (
    APPROACH1_LIMIT_PCT,
    Approach1Line,
    Approach1Result,
    Line,
    approach1,
    combined_uncertainty_pct,
    sum_uncertainty_pct,
    type_a_sensitivity,
    type_b_sensitivity,
)
from citycarbon.uncertainty.worksheet import (
    COLUMNS,
    REQUIRED_COLUMNS,
    approach1_csv,
    read_csv,
    worksheet_model,
)

__all__ = [
    "APPROACH1_LIMIT_PCT",
    "COLUMNS",
    "DEFAULT_LEVELS",
    "DISTRIBUTIONS",
    "LEVELS",
    "REQUIRED_COLUMNS",
    "Z95",
    "Approach1Line",
    "Approach1Result",
    "Cell",
    "Convergence",
    "ConvergenceTrace",
    "Interval",
    "Line",
    "ModelError",
    "Parameters",
    "SimulationResult",
    "TrendInterval",
    "UncertaintyError",
    "Variable",
    "WorksheetError",
    "approach1",
    "approach1_csv",
    "combined_uncertainty_pct",
    "read_csv",
    "simulate",
    "sum_uncertainty_pct",
    "type_a_sensitivity",
    "type_b_sensitivity",
    "worksheet_model",
]
