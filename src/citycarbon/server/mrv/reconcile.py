"""Reconciliation of enterprises' verified emissions with the jurisdiction's inventory (pure
Python, ``Decimal`` for the verified figures, ``float`` for the inventory's).

Each verified source type counts towards one inventory sector — fuel combustion and fugitive
methane to energy, process emissions to industrial processes (IPPU); purchased and exported
electricity and heat are indirect and not in the inventory's direct totals, so they are shown
apart. A sector where the enterprises' verified emissions exceed the inventory's, or where the
inventory has no figure, is an **unexplained gap**; the coverage share is verified over
inventory."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

__all__ = ["INDIRECT", "SOURCE_SECTORS", "SectorLine", "inventory_sector", "reconcile"]

#: Verified source type → inventory sector.
SOURCE_SECTORS: Final[dict[str, str]] = {
    "fuel_combustion": "energy",
    "biomass_combustion": "energy",
    "carbon_mass_balance": "energy",
    "coal_mine_methane": "energy",
    "coal_mining_methane": "energy",
    "flaring": "energy",
    "clinker_production": "ippu",
    "raw_meal_organic_carbon": "ippu",
    "carbonates": "ippu",
    "carbonate_use": "ippu",
    "anode_consumption": "ippu",
    "pfc_anode_effect": "ippu",
    "process": "ippu",
}
#: Indirect sources: shown apart, not compared with the inventory's direct totals.
INDIRECT: Final = frozenset(
    {"purchased_electricity", "exported_electricity", "purchased_heat", "exported_heat"}
)


def inventory_sector(source: str) -> str:
    """The inventory sector a verified source type counts towards (``indirect``, or
    ``other`` when unknown)."""
    if source in INDIRECT:
        return "indirect"
    return SOURCE_SECTORS.get(source, "other")


@dataclass(frozen=True)
class SectorLine:
    """One inventory sector of a jurisdiction: the enterprises' verified emissions, the
    inventory's, the coverage share and whether the gap is unexplained."""

    sector: str
    verified_tco2e: Decimal
    inventory_tco2e: float | None
    enterprises: int

    @property
    def coverage(self) -> float | None:
        if self.inventory_tco2e is None or self.inventory_tco2e <= 0:
            return None
        return float(self.verified_tco2e) / self.inventory_tco2e

    @property
    def gap_tco2e(self) -> float | None:
        if self.inventory_tco2e is None:
            return None
        return self.inventory_tco2e - float(self.verified_tco2e)

    @property
    def unexplained(self) -> bool:
        """Verified emissions with no inventory figure, above it, or of an unknown sector."""
        if self.sector in ("indirect",):
            return False
        if self.sector == "other":
            return self.verified_tco2e > 0
        if self.inventory_tco2e is None:
            return self.verified_tco2e > 0
        return float(self.verified_tco2e) > self.inventory_tco2e


def reconcile(
    verified: Iterable[tuple[str, str, Decimal]],
    inventory: Mapping[str, float] | None,
    sectors: Iterable[str] = ("energy", "ippu"),
) -> list[SectorLine]:
    """Lines per inventory sector from ``(enterprise, source type, tCO2e)`` rows and the
    inventory's direct emissions by sector (``None``: no inventory for the year)."""
    totals: dict[str, Decimal] = {}
    members: dict[str, set[str]] = {}
    for enterprise, source, tco2e in verified:
        sector = inventory_sector(source)
        totals[sector] = totals.get(sector, Decimal(0)) + tco2e
        members.setdefault(sector, set()).add(enterprise)
    order = [*sectors, *sorted(s for s in totals if s not in sectors)]
    lines = []
    for sector in order:
        figure = None
        if inventory is not None and sector not in ("indirect", "other"):
            value = inventory.get(sector)
            figure = float(value) if value is not None else None
        lines.append(
            SectorLine(sector, totals.get(sector, Decimal(0)), figure, len(members.get(sector, ())))
        )
    return lines
