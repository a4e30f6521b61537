"""Results of a compiled inventory: lines, categories, totals, completeness and checks."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from citycarbon.inventory.form import NotationInput
from citycarbon.inventory.model import (
    GAS_GROUPS,
    NOTATION_KEYS,
    SECTOR_NAMES,
    SECTORS,
    Category,
    Location,
    ParamUse,
    gas_group,
)
from citycarbon.units import CO2e, co2e

__all__ = ["CategoryResult", "InventoryResult", "LineResult", "group_masses"]


def group_masses(masses_t: Mapping[str, float]) -> dict[str, float]:
    """Masses by gas species → by inventory gas group [t]."""
    result: dict[str, float] = {}
    for gas, mass in masses_t.items():
        group = gas_group(gas)
        result[group] = result.get(group, 0.0) + float(mass)
    return result


def _add(target: dict[str, float], masses: Mapping[str, float], sign: float = 1.0) -> None:
    for gas, mass in masses.items():
        target[gas] = target.get(gas, 0.0) + sign * float(mass)


def _co2e(masses_t: Mapping[str, float], metric: str) -> CO2e:
    """CO2e of the gases emitted: a gas with no mass (a derived category's estimate of zero) is
    not weighed, so a gas the metric has no value for is only refused where it is emitted."""
    return co2e({g: Decimal(repr(float(m))) for g, m in masses_t.items() if m != 0}, metric)


@dataclass(frozen=True)
class LineResult:
    """The emissions (or removals, negative) of one line."""

    category: str
    label: str
    subcategory: str
    key_group: str
    masses_t: Mapping[str, float]
    co2e_t: float
    params: tuple[ParamUse, ...]
    where: Location
    memo_t: Mapping[str, float] = field(default_factory=dict)
    values: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def as_dict(self) -> dict[str, object]:
        """As plain data."""
        return {
            "label": self.label,
            "subcategory": self.subcategory,
            "key_group": self.key_group,
            "masses_t": dict(self.masses_t),
            "tco2e": self.co2e_t,
            "memo_t": dict(self.memo_t),
            "where": self.where.describe(),
            "params": [p.as_dict() for p in self.params],
        }


@dataclass(frozen=True)
class CategoryResult:
    """A category of the inventory: its lines, masses by gas and the notation of empty cells."""

    category: Category
    lines: tuple[LineResult, ...]
    masses_t: Mapping[str, float]
    co2e_t: float
    notation: Mapping[str, NotationInput]

    @property
    def by_group_t(self) -> dict[str, float]:
        """Masses by inventory gas group [t]."""
        return group_masses(self.masses_t)

    def cell(self, group: str) -> float | str:
        """The cell for a gas group: its mass [t], or its notation key (``C`` hides a value)."""
        if group in self.notation:
            return self.notation[group].key
        groups = self.by_group_t
        if group in groups:
            return groups[group]
        return "NA" if group not in self.category.gas_groups else "—"

    def as_dict(self) -> dict[str, object]:
        """As plain data; a confidential cell shows ``C`` instead of its value and lines."""
        confidential = any(n.key == "C" for n in self.notation.values())
        cells = {g: self.cell(g) for g in GAS_GROUPS}
        return {
            "id": self.category.id,
            "code": self.category.code,
            "sector": self.category.sector,
            "name_en": self.category.name_en,
            "name_zh": self.category.name_zh,
            "reporting": self.category.reporting,
            "formula": self.category.formula,
            "reference": self.category.reference,
            "cells": cells,
            "masses_t": "C" if confidential else dict(self.masses_t),
            "tco2e": "C" if confidential else self.co2e_t,
            "notation_keys": {
                g: {
                    "key": n.key,
                    "reason": n.reason,
                    "included_in": n.included_in,
                }
                for g, n in self.notation.items()
            },
            "lines": [] if confidential else [line.as_dict() for line in self.lines],
        }


@dataclass(frozen=True)
class InventoryResult:
    """A compiled inventory of one jurisdiction-year under one GWP metric.

    Totals count ``direct`` categories; LUCF removals are negative. Indirect emissions from
    electricity and heat imported or exported are reported separately in :attr:`indirect`.
    """

    jurisdiction: str
    year: int | None
    region: str | None
    metric: str
    factor_library: str
    factor_sets: tuple[str, ...]
    categories: tuple[CategoryResult, ...]
    completeness: Mapping[str, Any]
    checks: Mapping[str, Any] = field(default_factory=dict)
    key_categories: Any = None
    uncertainty: Any = None

    # -- totals -------------------------------------------------------------------------------

    def _direct(self, sectors: Iterable[str]) -> dict[str, float]:
        wanted = set(sectors)
        result: dict[str, float] = {}
        for item in self.categories:
            if item.category.reporting == "direct" and item.category.sector in wanted:
                _add(result, item.masses_t)
        return result

    def masses_t(self, *, sector: str | None = None, include_lucf: bool = True) -> dict[str, float]:
        """Direct emissions by gas species [t], of one sector or of the whole inventory."""
        if sector is not None:
            return self._direct([sector])
        return self._direct(s for s in SECTORS if include_lucf or s != "lucf")

    def by_gas_t(self, *, include_lucf: bool = True) -> dict[str, float]:
        """Direct emissions by gas group [t]."""
        return group_masses(self.masses_t(include_lucf=include_lucf))

    def total(self, *, include_lucf: bool = True) -> CO2e:
        """Total direct emissions [tCO2e] under the inventory's metric, with or without LUCF."""
        return _co2e(self.masses_t(include_lucf=include_lucf), self.metric)

    def sector_total(self, sector: str) -> CO2e:
        """Direct emissions of one sector [tCO2e]."""
        return _co2e(self.masses_t(sector=sector), self.metric)

    @property
    def indirect(self) -> dict[str, dict[str, float]]:
        """Indirect CO2 of electricity and heat: imports, exports (≥ 0) and net [tCO2]."""
        result: dict[str, dict[str, float]] = {}
        for item in self.categories:
            if item.category.reporting != "indirect":
                continue
            name = item.category.id.split(".", 1)[1].removeprefix("indirect_")
            imports = 0.0 + sum(
                line.co2e_t for line in item.lines if line.values.get("direction") == "import"
            )
            exports = 0.0 - sum(
                line.co2e_t for line in item.lines if line.values.get("direction") == "export"
            )
            result[name] = {
                "imports_tco2": imports,
                "exports_tco2": exports,
                "net_tco2": imports - exports,
            }
        return result

    @property
    def memo(self) -> dict[str, float]:
        """Memo items not counted in any total (biogenic CO2 of biomass burnt) [t]."""
        result: dict[str, float] = {}
        for item in self.categories:
            for line in item.lines:
                _add(result, line.memo_t)
        return result

    def category(self, category_id: str) -> CategoryResult:
        """The result of one category."""
        for item in self.categories:
            if item.category.id == category_id:
                return item
        raise KeyError(category_id)

    def lines(self) -> list[LineResult]:
        """Every line of every category."""
        return [line for item in self.categories for line in item.lines]

    # -- output -------------------------------------------------------------------------------

    def as_dict(self) -> dict[str, object]:
        """The whole result as plain data (the CLI's ``--json``)."""
        by_sector: dict[str, object] = {}
        for sector in SECTORS:
            masses = self.masses_t(sector=sector)
            by_sector[sector] = {
                "name_zh": SECTOR_NAMES[sector][0],
                "name_en": SECTOR_NAMES[sector][1],
                "by_gas_t": group_masses(masses),
                "tco2e": float(_co2e(masses, self.metric).value),
            }
        by_gas = self.by_gas_t()
        gas_co2e: dict[str, float] = {}
        for gas, mass in self.masses_t().items():
            group = gas_group(gas)
            gas_co2e[group] = gas_co2e.get(group, 0.0) + float(
                _co2e({gas: mass}, self.metric).value
            )
        return {
            "inventory": {
                "jurisdiction": self.jurisdiction,
                "year": self.year,
                "region": self.region,
                "gwp": self.metric,
                "factor_library": self.factor_library,
                "factor_sets": list(self.factor_sets),
            },
            "totals": {
                "with_lucf_tco2e": float(self.total().value),
                "without_lucf_tco2e": float(self.total(include_lucf=False).value),
                "by_gas_t": by_gas,
                "by_gas_tco2e": gas_co2e,
                "by_sector": by_sector,
            },
            "indirect": self.indirect,
            "memo_t": self.memo,
            "categories": [c.as_dict() for c in self.categories],
            "completeness": dict(self.completeness),
            "checks": dict(self.checks),
            "key_categories": self.key_categories,
            "uncertainty": self.uncertainty,
        }


def completeness(
    categories: Iterable[Category],
    results: Mapping[str, CategoryResult],
) -> dict[str, Any]:
    """The completeness report: every cell (category × gas) estimated, keyed, or missing."""
    estimated: list[dict[str, str]] = []
    keyed: list[dict[str, object]] = []
    missing: list[dict[str, str]] = []
    sectors_seen: set[str] = set()
    for item in categories:
        sectors_seen.add(item.sector)
        result = results.get(item.id)
        groups = result.by_group_t if result else {}
        for group in item.gas_groups:
            cell = {"category": item.id, "code": item.code, "gas": group}
            if result is not None and group in result.notation:
                note = result.notation[group]
                keyed.append(
                    {**cell, "key": note.key, "meaning": NOTATION_KEYS[note.key][1],
                     "reason": note.reason, "included_in": note.included_in}
                )  # fmt: skip
            elif group in groups:
                estimated.append(cell)
            else:
                missing.append(cell)
    return {
        "complete": not missing,
        "estimated": estimated,
        "notation_keys": keyed,
        "missing": missing,
        "sectors_without_categories": [s for s in SECTORS if s not in sectors_seen],
    }
