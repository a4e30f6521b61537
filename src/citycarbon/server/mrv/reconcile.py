"""Reconciliation of enterprises' verified emissions with the jurisdiction's inventory (pure
Python, ``Decimal`` for the verified figures, ``float`` for the inventory's).

Each verified source type, read with the sector guideline of the enterprise's report, counts
towards one **inventory category** (:func:`target`, the table :data:`SOURCE_CATEGORIES`) and
so towards the category's sector. Fuel combustion is put under the IPCC 1996 group of the
energy-balance row the guideline's enterprises report in (:data:`GUIDELINE_ROWS` → the
kernel's ``ROWS[row].code``, first three characters: 1A1 energy industries, 1A2 manufacturing
industries and construction, 1A3 transport, 1A4 other sectors); the other sources go to the
kernel category that estimates the same emissions (cement clinker → 2A1, anode-effect PFCs →
2C3 …). A source whose emissions no inventory category estimates (carbonates used in glass or
ceramics, anode carbon — non-energy use, outside 1A —, feedstock carbon of chemicals) is
**unmapped** within its sector; an unknown source type is ``other``. Purchased and exported
electricity and heat are indirect (the kernel's 1E and 1H, outside the direct totals), the
biogenic CO2 of biomass burnt is a memo item (every guideline that lists it: ``treatment:
memo``) and recovered CO2 and CH4 are deductions (``treatment: subtract``): these three are
shown apart and not compared.

For a sector and for a category the lines give the enterprises counted, the verified
emissions, the inventory's figure, the **coverage share** (verified / inventory) and the
**gap** (inventory − verified). A line is an **unexplained gap** when its verified emissions
exceed the inventory's, when the inventory has no figure for it, or when it is unmapped (or
``other``) with emissions. The inventory's figures are statistics (``float``); the verified
``Decimal`` is converted with ``float()`` to be compared, as everywhere in the comparison.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Final

from citycarbon.inventory.energy.balance.table import ROWS
from citycarbon.inventory.registry import CATEGORIES

__all__ = [
    "APART",
    "CATEGORY_ORDER",
    "COMBUSTION",
    "COMBUSTION_GROUPS",
    "GUIDELINE_ROWS",
    "INDIRECT",
    "SOURCE_CATEGORIES",
    "SOURCE_SECTORS",
    "UNMAPPED",
    "CategoryLine",
    "InventoryFigures",
    "SectorLine",
    "Target",
    "category_code",
    "category_name",
    "inventory_sector",
    "reconcile",
    "target",
]

#: The kernel's fuel-combustion category, reconciled by IPCC group (``<id>/<group>``).
COMBUSTION: Final = "energy.fuel_combustion"
#: The category key of emissions no inventory category estimates (within a known sector).
UNMAPPED: Final = "unmapped"
#: Groups shown apart and never compared with the inventory's direct totals.
APART: Final = ("indirect", "memo", "recovered")
#: The IPCC 1996 groups of fuel combustion (Revised 1996 Guidelines, Vol. 3 §1.4: 1A1 Energy
#: Industries, 1A2 Manufacturing Industries and Construction, 1A3 Transport, 1A4 Other
#: Sectors); 1A2 and 1A3 carry the kernel's own names of those codes.
COMBUSTION_GROUPS: Final[dict[str, tuple[str, str]]] = {
    "1A1": ("能源工业", "energy industries"),
    "1A2": ("制造业和建筑业", "manufacturing industries and construction"),
    "1A3": ("交通运输", "transport"),
    "1A4": ("其他部门", "other sectors"),
}

#: Sector guideline (``citycarbon.accounting`` sector id) → the row of the energy balance its
#: enterprises' fuel is consumed in (the kernel's ``energy.balance.table.ROWS``; its IPCC code
#: gives the fuel-combustion group). Guidelines of the 2011 provincial guideline's industry
#: rows: 《省级温室气体清单编制指南（试行）》第一章, 能源平衡表 行.
GUIDELINE_ROWS: Final[dict[str, str]] = {
    "power_generation": "thermal_power",  # 1A1a
    "power_grid": "ind_power_heat",  # 1A1a (own use)
    "coal_mining": "ind_coal_mining",  # 1A1c
    "oil_gas_production": "ind_oil_gas_extraction",  # 1A1c
    "petrochemicals": "ind_petroleum_coking",  # 1A1bc (refining)
    "coking": "ind_petroleum_coking",  # 1A1bc
    "iron_steel": "ind_ferrous_metals",  # 1A2a
    "aluminium_electrolysis": "ind_nonferrous_metals",  # 1A2b
    "magnesium": "ind_nonferrous_metals",  # 1A2b
    "other_nonferrous": "ind_nonferrous_metals",  # 1A2b
    "chemicals": "ind_chemicals",  # 1A2c
    "fluorochemicals": "ind_chemicals",  # 1A2c
    "pulp_paper": "ind_paper",  # 1A2d
    "food_tobacco_beverage": "ind_food",  # 1A2e
    "cement": "ind_nonmetallic_minerals",  # 1A2f
    "flat_glass": "ind_nonmetallic_minerals",  # 1A2f
    "ceramics": "ind_nonmetallic_minerals",  # 1A2f
    "mining": "ind_other_mining",  # 1A2f
    "electronics": "ind_machinery",  # 1A2f
    "machinery": "ind_machinery",  # 1A2f
    "other_industry": "ind_other_manufacturing",  # 1A2f
    "civil_aviation": "transport_aviation",  # 1A3a
    "land_transport": "transport_road",  # 1A3b
    "public_buildings": "other_services",  # 1A4a
}


@dataclass(frozen=True)
class Target:
    """Where a verified source counts: an inventory sector (or an apart group, or ``other``)
    and a category key within it (a kernel category id, ``energy.fuel_combustion/<group>``,
    an apart key, or :data:`UNMAPPED`)."""

    sector: str
    category: str


def _combustion(guideline: str) -> Target:
    row = ROWS.get(GUIDELINE_ROWS.get(guideline, ""))
    if row is None or row.code[:3] not in COMBUSTION_GROUPS:
        return Target("energy", UNMAPPED)
    return Target("energy", f"{COMBUSTION}/{row.code[:3]}")


def _kernel(category_id: str) -> Target:
    return Target(category_id.split(".", 1)[0], category_id)


#: Verified source type → its target: one for every guideline, or by guideline (``"*"``: any
#: other guideline). References: IPCC 2006 Vol. 2 (energy) and Vol. 3 (IPPU) and the kernel
#: category's own reference (``citycarbon categories``).
SOURCE_CATEGORIES: Final[dict[str, Target | dict[str, Target]]] = {
    # Fugitive emissions of fuels (IPCC 2006 Vol. 2 Ch. 4).
    "coal_mine_methane": _kernel("energy.coal_mining"),  # 1B1a
    "coal_mine_co2": _kernel("energy.coal_mining"),  # 1B1a (underground CO2, Vol. 2 §4.1)
    "oil_gas_fugitive": _kernel("energy.oil_gas_fugitive"),  # 1B2
    "methane_flaring": {
        "coal_mining": _kernel("energy.coal_mining"),  # flared mine methane, 1B1a
        "oil_gas_production": _kernel("energy.oil_gas_fugitive"),  # flaring, 1B2
        "petrochemicals": _kernel("energy.oil_gas_fugitive"),  # refinery flares, 1B2a
        "*": Target("energy", UNMAPPED),
    },
    # Combustion outside the fuels of the energy balance.
    "catalyst_regeneration": Target("energy", f"{COMBUSTION}/1A1"),  # coke burnt off, 1A1b
    "mobile_combustion_non_co2": Target("energy", f"{COMBUSTION}/1A3"),  # vehicle CH4, N2O
    "urea_additive_co2": Target("energy", f"{COMBUSTION}/1A3"),  # IPCC 2006 Vol. 2 §3.2.1.4
    # Carbon balances: what the carbon is depends on the guideline (sectors.yaml notes).
    "carbon_mass_balance": {
        "iron_steel": _kernel("ippu.iron_steel"),  # electrodes, carbon bought, 2C1
        "cement": Target("energy", f"{COMBUSTION}/1A2"),  # alternative fuels burnt in kilns
        "coking": Target("energy", f"{COMBUSTION}/1A1"),  # coke ovens off steel sites, 1A1c
        "*": Target("ippu", UNMAPPED),  # feedstock and reductant carbon: no kernel category
    },
    "carbonate_decomposition": {
        "iron_steel": _kernel("ippu.iron_steel"),  # fluxes, 2C1 (IPCC 2006 Vol. 3 §4.2)
        "*": Target("ippu", UNMAPPED),  # other uses of carbonates (2A3, 2A4): not estimated
    },
    # Industrial processes (IPCC 2006 Vol. 3).
    "clinker_production": _kernel("ippu.cement_clinker"),  # 2A1
    "raw_meal_organic_carbon": _kernel("ippu.cement_clinker"),  # 2A1
    "nitric_acid_n2o": _kernel("ippu.nitric_acid"),  # 2B2
    "adipic_acid_n2o": _kernel("ippu.adipic_acid"),  # 2B3
    "anode_effect_pfc": _kernel("ippu.aluminium_pfc"),  # 2C3 PFCs
    "anode_consumption": Target("ippu", UNMAPPED),  # 2C3 CO2: the kernel's 2C3 is PFCs only
    "hfc23_byproduct": _kernel("ippu.hcfc22"),  # 2E1
    "sf6_electrical_equipment": _kernel("ippu.electrical_equipment_sf6"),  # 2F8
    "fgas_process_use": {
        "electronics": _kernel("ippu.semiconductor"),  # 2F7
        "machinery": _kernel("ippu.electrical_equipment_sf6"),  # SF6 of equipment made, 2F8
        "*": Target("ippu", UNMAPPED),  # fluorochemicals' process use: no kernel category
    },
    "desulfurisation": Target("ippu", UNMAPPED),  # carbonate sorbent: not estimated
    "welding_co2": Target("ippu", UNMAPPED),
    "purchased_co2_use": Target("ippu", UNMAPPED),
    # Waste (IPCC 2006 Vol. 5).
    "wastewater_ch4": _kernel("waste.wastewater_industrial"),  # 6B1
    # Apart: indirect (1E, 1H), memo (biogenic CO2), deductions.
    "purchased_electricity": Target("indirect", "energy.indirect_electricity"),
    "exported_electricity": Target("indirect", "energy.indirect_electricity"),
    "grid_transmission_loss": Target("indirect", "energy.indirect_electricity"),
    "purchased_heat": Target("indirect", "energy.indirect_heat"),
    "exported_heat": Target("indirect", "energy.indirect_heat"),
    "biomass_combustion": Target("memo", "biogenic_co2"),
    "co2_recovered": Target("recovered", "recovered"),
    "ch4_recovered": Target("recovered", "recovered"),
}
#: Indirect sources: shown apart, not compared with the inventory's direct totals.
INDIRECT: Final = frozenset(
    s for s, t in SOURCE_CATEGORIES.items() if isinstance(t, Target) and t.sector == "indirect"
)
#: Verified source type → inventory sector, where it does not depend on the guideline.
SOURCE_SECTORS: Final[dict[str, str]] = {
    s: t.sector for s, t in SOURCE_CATEGORIES.items() if isinstance(t, Target)
}
#: Order of the category lines (mapped categories by IPCC code, the unmapped line last).
CATEGORY_ORDER: Final[tuple[str, ...]] = (
    *(f"{COMBUSTION}/{g}" for g in COMBUSTION_GROUPS),
    "energy.coal_mining",
    "energy.oil_gas_fugitive",
    "ippu.cement_clinker",
    "ippu.nitric_acid",
    "ippu.adipic_acid",
    "ippu.iron_steel",
    "ippu.aluminium_pfc",
    "ippu.hcfc22",
    "ippu.semiconductor",
    "ippu.electrical_equipment_sf6",
    "waste.wastewater_industrial",
    "energy.indirect_electricity",
    "energy.indirect_heat",
    "biogenic_co2",
    "recovered",
    UNMAPPED,
)
#: Category key → its sector (every key a source can map to).
_CATEGORY_SECTORS: Final[dict[str, str]] = {
    **{f"{COMBUSTION}/{g}": "energy" for g in COMBUSTION_GROUPS},
    **{
        t.category: t.sector
        for v in SOURCE_CATEGORIES.values()
        for t in ([v] if isinstance(v, Target) else list(v.values()))
        if t.category != UNMAPPED
    },
}
_SECTOR_ORDER: Final = ("energy", "ippu", "agriculture", "lucf", "waste", "other", *APART)


def target(source: str, guideline: str = "") -> Target:
    """Where a verified source type of an enterprise reporting under ``guideline`` counts
    (``other``/unmapped when the source type is unknown)."""
    if source == "fuel_combustion":
        return _combustion(guideline)
    found = SOURCE_CATEGORIES.get(source)
    if found is None:
        return Target("other", UNMAPPED)
    if isinstance(found, Target):
        return found
    return found.get(guideline) or found["*"]


def inventory_sector(source: str, guideline: str = "") -> str:
    """The inventory sector a verified source type counts towards (``indirect``, ``memo``,
    ``recovered``, or ``other`` when unknown)."""
    return target(source, guideline).sector


def category_name(key: str) -> tuple[str, str] | None:
    """The (Chinese, English) name of a category key: the kernel category's, with the IPCC
    group for fuel combustion; ``None`` for the keys the server names (unmapped, apart)."""
    base, _sep, group = key.partition("/")
    item = CATEGORIES.get(base)
    if item is None:
        return None
    if group:
        zh, en = COMBUSTION_GROUPS[group]
        return f"{item.name_zh}：{zh}", f"{item.name_en}: {en}"
    return item.name_zh, item.name_en


def category_code(key: str) -> str:
    """The IPCC code of a category key (the group for fuel combustion; empty when none)."""
    base, _sep, group = key.partition("/")
    item = CATEGORIES.get(base)
    return group or (item.code if item is not None else "")


@dataclass(frozen=True)
class InventoryFigures:
    """The inventory's direct emissions [tCO2e]: by sector, by kernel category (``None``:
    a confidential category) and by category and line sub-category code."""

    by_sector: Mapping[str, float]
    by_category: Mapping[str, float | None] = field(default_factory=dict)
    by_subcategory: Mapping[str, Mapping[str, float]] = field(default_factory=dict)

    def category(self, key: str) -> float | None:
        """The figure of a category key: a kernel category's total, or the sum of the lines of
        fuel combustion whose sub-category code starts with the group (``None``: no figure)."""
        base, _sep, group = key.partition("/")
        if base not in self.by_category:
            return None
        total = self.by_category[base]
        if total is None or not group:
            return None if total is None else float(total)
        codes = self.by_subcategory.get(base, {})
        return float(sum(float(v) for c, v in codes.items() if c.startswith(group)))


class _Compared:
    """The comparison of a line's verified emissions with the inventory's figure."""

    verified_tco2e: Decimal
    inventory_tco2e: float | None

    @property
    def coverage(self) -> float | None:
        """Verified over inventory (``None`` without a positive inventory figure)."""
        if self.inventory_tco2e is None or self.inventory_tco2e <= 0:
            return None
        return float(self.verified_tco2e) / self.inventory_tco2e

    @property
    def gap_tco2e(self) -> float | None:
        """Inventory − verified [tCO2e] (``None`` without an inventory figure)."""
        if self.inventory_tco2e is None:
            return None
        return self.inventory_tco2e - float(self.verified_tco2e)

    def _unexplained(self, apart: bool, unmapped: bool) -> bool:
        if apart:
            return False
        if unmapped or self.inventory_tco2e is None:
            return self.verified_tco2e > 0
        return float(self.verified_tco2e) > self.inventory_tco2e


@dataclass(frozen=True)
class CategoryLine(_Compared):
    """One inventory category within a sector: the enterprises counted, the verified
    emissions, the inventory's figure, coverage share, gap and whether it is unexplained."""

    sector: str
    category: str
    verified_tco2e: Decimal
    inventory_tco2e: float | None
    enterprises: int

    @property
    def unexplained(self) -> bool:
        """Verified emissions with no inventory figure, above it, or unmapped."""
        return self._unexplained(self.sector in APART, self.category == UNMAPPED)


@dataclass(frozen=True)
class SectorLine(_Compared):
    """One inventory sector of a jurisdiction: the enterprises' verified emissions, the
    inventory's, the coverage share, whether the gap is unexplained, and its category lines."""

    sector: str
    verified_tco2e: Decimal
    inventory_tco2e: float | None
    enterprises: int
    categories: tuple[CategoryLine, ...] = ()

    @property
    def unexplained(self) -> bool:
        """Verified emissions with no inventory figure, above it, or of an unknown sector."""
        return self._unexplained(self.sector in APART, self.sector == "other")


Row = tuple[str, str, Decimal] | tuple[str, str, str, Decimal]


def reconcile(
    verified: Iterable[Row],
    inventory: InventoryFigures | Mapping[str, float] | None,
    sectors: Iterable[str] = ("energy", "ippu"),
) -> list[SectorLine]:
    """Lines per inventory sector, each with its category lines, from ``(enterprise, source
    type, [sector guideline,] tCO2e)`` rows and the inventory's direct emissions (``None``: no
    inventory for the year; a mapping: by sector only).

    A sector is listed when it is in ``sectors`` or has verified rows; a category when it has
    verified rows or, being one a source maps to, a positive inventory figure."""
    figures = inventory if isinstance(inventory, InventoryFigures) or inventory is None else (
        InventoryFigures(by_sector=inventory)
    )  # fmt: skip
    totals: dict[tuple[str, str], Decimal] = {}
    members: dict[tuple[str, str], set[str]] = {}
    for row in verified:
        if len(row) == 3:
            enterprise, source, tco2e = row
            guideline = ""
        else:
            enterprise, source, guideline, tco2e = row
        where = target(source, guideline)
        key = (where.sector, where.category)
        totals[key] = totals.get(key, Decimal(0)) + tco2e
        members.setdefault(key, set()).add(enterprise)
    wanted = list(sectors)
    present = {s for s, _c in totals}
    order = [*wanted, *(s for s in _SECTOR_ORDER if s in present and s not in wanted)]
    order += sorted(s for s in present if s not in order)
    lines = []
    for sector in order:
        keys = {c for s, c in totals if s == sector}
        if figures is not None and sector not in APART:
            keys |= {
                c
                for c in CATEGORY_ORDER
                if _CATEGORY_SECTORS.get(c) == sector and (figures.category(c) or 0.0) > 0
            }
        categories = []
        for name in sorted(keys, key=_category_rank):
            figure = None
            if figures is not None and sector not in APART and name != UNMAPPED:
                figure = figures.category(name)
            mine = members.get((sector, name), set())
            verified_sum = totals.get((sector, name), Decimal(0))
            categories.append(CategoryLine(sector, name, verified_sum, figure, len(mine)))
        sector_figure = None
        if figures is not None and sector not in (*APART, "other"):
            value = figures.by_sector.get(sector)
            sector_figure = float(value) if value is not None else None
        everyone = set().union(*(members.get((sector, c), set()) for c in keys))
        lines.append(
            SectorLine(
                sector,
                sum((totals.get((sector, c), Decimal(0)) for c in keys), Decimal(0)),
                sector_figure,
                len(everyone),
                tuple(categories),
            )
        )
    return lines


def _category_rank(key: str) -> tuple[int, str]:
    return (CATEGORY_ORDER.index(key) if key in CATEGORY_ORDER else len(CATEGORY_ORDER), key)
