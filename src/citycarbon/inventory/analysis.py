"""Uncertainty and key categories of a compiled inventory (via citycarbon.uncertainty and
citycarbon.keycategories).

* **Approach 1** (error propagation, IPCC 2006 Vol. 1 Ch. 3 Eq. 3.1-3.2): every term of a line is a
  product of parameters, so its uncertainty combines theirs by Eq. 3.1; terms, lines, categories
  and the total add up by Eq. 3.2 (independence assumed, as the approach does).
* **Approach 2** (Monte Carlo): every parameter is a random variable named by the *source* of its
  value — a factor-library row, a local value, an activity cell — so a factor used by many lines
  (the NCV of raw coal in every sector) is one draw and the correlation is honoured. The model is
  the categories' declared product terms (:attr:`Category.terms`), with GWPs as fixed
  coefficients. Uncertainties are the half-widths of the 95 % intervals [%]: the value given
  with the input (``uncertainty_pct``), else the parameter's documented default. Distribution:
  as given, else normal up to 30 % and lognormal above (positive quantities), as IPCC 2006
  Vol. 1 §3.2.2.4 suggests for skewed inputs.
* **Key categories** (IPCC 2006 Vol. 1 Ch. 4): lines grouped by their key-category group (e.g.
  ``1A1 coal``) and gas; Approach 1 level (95 %), trend when a base-year inventory is given, and
  Approach 2 (90 %) weighted by the Approach 1 uncertainty of each group.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

import numpy as np

from citycarbon.inventory.model import InventoryError, InventoryRefusedError, Location, gas_group
from citycarbon.inventory.results import InventoryResult, LineResult
from citycarbon.keycategories import (
    APPROACH1_THRESHOLD_PCT,
    APPROACH2_THRESHOLD_PCT,
    analyse,
    level_assessment,
    level_uncertainty_assessment,
    rank,
)
from citycarbon.keycategories import Category as KCALine
from citycarbon.uncertainty import (
    Cell,
    ModelError,
    SimulationResult,
    Variable,
    combined_uncertainty_pct,
    simulate,
    sum_uncertainty_pct,
)
from citycarbon.units import gwp

__all__ = ["approach1", "key_categories", "monte_carlo", "terms_of"]

LOGNORMAL_ABOVE_PCT: Final = 30.0


@dataclass(frozen=True, slots=True)
class _Term:
    line: LineResult
    gas: str
    coefficient: float
    factors: tuple[str, ...]
    divisors: tuple[str, ...]
    value_tco2e: float


def _direct(result: InventoryResult) -> list[Any]:
    return [c for c in result.categories if c.category.reporting == "direct"]


def terms_of(result: InventoryResult) -> list[_Term]:
    """Every product term of every direct line, in tCO2e, checked against the line's total."""
    gwps: dict[str, float] = {}
    out: list[_Term] = []
    for item in _direct(result):
        for line in item.lines:
            if item.category.terms is None:
                continue
            total = 0.0
            for gas, coefficient, factors, divisors in item.category.terms(line.values):
                if gas not in gwps:
                    gwps[gas] = float(gwp(gas, result.metric))
                value = coefficient * gwps[gas]
                for name in factors:
                    value *= float(line.values[name])
                for name in divisors:
                    value /= float(line.values[name])
                total += value
                out.append(_Term(line, gas, coefficient * gwps[gas], factors, divisors, value))
            scale = max(abs(line.co2e_t), 1.0)
            if abs(total - line.co2e_t) > 1e-6 * scale:
                raise AssertionError(
                    f"{item.category.id}: declared terms give {total}, the formula {line.co2e_t}"
                )
    return out


def _pct(line: LineResult, name: str) -> float:
    for use in line.params:
        if use.name == name:
            return float(use.uncertainty_pct or 0.0)
    return 0.0


def _line_pct(line: LineResult, factor_names: Sequence[str]) -> float:
    return float(combined_uncertainty_pct(*[_pct(line, n) for n in factor_names]))


def approach1(result: InventoryResult) -> dict[str, Any]:
    """IPCC Approach 1: uncertainty [%] of each line, key-category group, category and total.

    Lines of categories that declare no terms count as one product of all their numeric
    parameters.
    """
    term_list = terms_of(result)
    by_line: dict[int, list[tuple[str, float, float]]] = {}
    for term in term_list:
        pct = _line_pct(term.line, [*term.factors, *term.divisors])
        by_line.setdefault(id(term.line), []).append((term.gas, term.value_tco2e, pct))
    groups: dict[tuple[str, str], list[tuple[float, float]]] = {}
    categories: dict[str, list[tuple[float, float]]] = {}
    everything: list[tuple[float, float]] = []
    for item in _direct(result):
        for line in item.lines:
            parts = by_line.get(id(line))
            if parts is None:
                names = [u.name for u in line.params if isinstance(u.value, float)]
                pct = _line_pct(line, names)
                parts = [
                    (gas, mass * float(gwp(gas, result.metric)), pct)
                    for gas, mass in line.masses_t.items()
                ]
            for gas, value, pct in parts:
                groups.setdefault((line.key_group, gas_group(gas)), []).append((value, pct))
                categories.setdefault(item.category.id, []).append((value, pct))
                everything.append((value, pct))

    def combine(parts: list[tuple[float, float]]) -> float | None:
        values = [v for v, _ in parts]
        if not values or sum(values) == 0:
            return None
        return float(sum_uncertainty_pct(values, [p for _, p in parts]))

    return {
        "method": "IPCC 2006 Vol. 1 Ch. 3 Approach 1 (Eq. 3.1 for products, Eq. 3.2 for sums)",
        "total_pct": combine(everything),
        "categories": {k: combine(v) for k, v in categories.items()},
        "key_groups": [
            {
                "group": g,
                "gas": gas,
                "tco2e": sum(v for v, _ in parts),
                "uncertainty_pct": combine(parts),
            }
            for (g, gas), parts in groups.items()
        ],
    }


def _distribution(use_distribution: str | None, value: float, pct: float) -> str:
    if use_distribution:
        return use_distribution
    if pct > LOGNORMAL_ABOVE_PCT and value != 0:
        return "lognormal"
    return "normal"


def monte_carlo(
    result: InventoryResult, iterations: int, seed: int | None = None
) -> SimulationResult:
    """IPCC Approach 2 for one inventory (direct emissions): intervals per category, sector
    and total, with the convergence report.

    Raises
    ------
    InventoryRefusedError
        When the model cannot be built or sampled (an uncertainty that is not a percentage, a
        lognormal quantity of both signs …), naming the parameter and where it was given.
    """
    variables: dict[str, Variable] = {}
    where: dict[str, Location | None] = {}
    cells: list[Cell] = []
    for term in terms_of(result):
        names: list[list[str]] = [[], []]
        for slot, group in enumerate((term.factors, term.divisors)):
            for name in group:
                use = next(u for u in term.line.params if u.name == name)
                key = use.key or f"{term.line.where.describe()}:{name}"
                value = float(use.value)
                existing = variables.get(key)
                if existing is not None and not math.isclose(existing.mean, value, rel_tol=1e-12):
                    key = f"{key}@{term.line.where.describe()}"
                    existing = variables.get(key)
                if existing is None:
                    pct = float(use.uncertainty_pct or 0.0)
                    variables[key] = Variable(
                        key, _distribution(use.distribution, value, pct), value, pct
                    )
                    where[key] = use.where
                names[slot].append(key)
        cells.append(
            Cell(
                category=term.line.category,
                factors=tuple(names[0]),
                coefficient=term.coefficient,
                divisors=tuple(names[1]),
                sector=term.line.category.split(".", 1)[0],
            )
        )
    if not cells:
        raise InventoryRefusedError([InventoryError("no direct emissions to analyse")])
    try:
        return simulate(cells, list(variables.values()), iterations, seed, levels=("sector",))
    except ModelError as exc:
        raise InventoryRefusedError(
            [
                InventoryError(
                    e.describe(), where.get((e.item or "").removeprefix("variable ").strip("'"))
                )
                for e in exc.problems
            ]
        ) from None


def key_categories(
    result: InventoryResult,
    *,
    base: InventoryResult | None = None,
    uncertainty_pct: Mapping[tuple[str, str], float] | None = None,
) -> dict[str, Any]:
    """Key categories of an inventory: Approach 1 level (and trend against ``base``), and
    Approach 2 when uncertainties by (group, gas) are given."""

    def table(item: InventoryResult) -> dict[tuple[str, str], float]:
        out: dict[tuple[str, str], float] = {}
        for category in _direct(item):
            for line in category.lines:
                for gas, mass in line.masses_t.items():
                    key = (line.key_group, gas_group(gas))
                    factor = float(gwp(gas, result.metric))
                    out[key] = out.get(key, 0.0) + mass * factor
        return out

    latest = table(result)
    if not any(latest.values()):
        return {"method": "IPCC 2006 Vol. 1 Ch. 4", "assessments": [], "key": []}
    if base is not None:
        previous = table(base)
        labels = sorted(set(latest) | set(previous))
        lines = [
            KCALine(
                category=group,
                base_year_tco2e=previous.get((group, gas), 0.0),
                latest_year_tco2e=latest.get((group, gas), 0.0),
                uncertainty_pct=(
                    uncertainty_pct.get((group, gas), 0.0) if uncertainty_pct else None
                ),
                gas=gas,
            )
            for group, gas in labels
        ]
        outcome = analyse(lines).as_dict()
        outcome["method"] = "IPCC 2006 Vol. 1 Ch. 4 (level and trend, Approach 1 and 2)"
        return outcome
    labels = [k for k, v in latest.items() if v != 0]
    values = np.array([latest[k] for k in labels], dtype=np.float64)
    level = level_assessment(values)
    assessments = [("L1-latest", level, APPROACH1_THRESHOLD_PCT, "IPCC 2006 Vol. 1 Eq. 4.1")]
    if uncertainty_pct is not None:
        u = np.array([uncertainty_pct.get(k, 0.0) for k in labels], dtype=np.float64)
        if float(u.sum()) > 0:
            assessments.append(
                (
                    "L2-latest",
                    level_uncertainty_assessment(level, u),
                    APPROACH2_THRESHOLD_PCT,
                    "IPCC 2006 Vol. 1 Eq. 4.4",
                )
            )
    out: list[dict[str, Any]] = []
    key: set[tuple[str, str]] = set()
    for name, assessment, threshold, equation in assessments:
        ranking = rank(assessment, threshold)
        entries = []
        for position, index in enumerate(ranking.order):
            label = labels[index]
            entries.append(
                {
                    "rank": position + 1,
                    "category": label[0],
                    "gas": label[1],
                    "tco2e": float(values[index]),
                    "assessment": float(assessment[index]),
                    "share_pct": ranking.share_pct[position],
                    "cumulative_pct": ranking.cumulative_pct[position],
                    "key": ranking.key[position],
                }
            )
            if ranking.key[position]:
                key.add(label)
        out.append(
            {"id": name, "threshold_pct": threshold, "equation": equation, "entries": entries}
        )
    return {
        "method": "IPCC 2006 Vol. 1 Ch. 4 (level assessment; trend needs a base-year inventory)",
        "assessments": out,
        "key": [{"category": g, "gas": gas} for g, gas in labels if (g, gas) in key],
    }
