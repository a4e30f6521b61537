"""Write the golden-county inventory workbook: every line as spreadsheet FORMULAS.

Usage (from the repository root)::

    .venv/bin/python scripts/make_golden_inventory.py            # formulas only
    .venv/bin/python scripts/make_golden_inventory.py --recalc   # + LibreOffice recomputes

The input is ``tests/golden/inventory/golden_county.yaml`` (a synthetic county with a line in
every category of the inventory engine). This script lays the input out in a workbook and writes,
for every line, the guideline's equation as an Excel formula over the input cells — it never runs
the engine and writes no computed value. Default factors the county does not give are typed in
:data:`DEFAULTS` with the id of their row in ``src/citycarbon/factors/data/``, as a person working
the inventory by hand would look them up; GWPs are the IPCC SAR values (Table 2.9).

``--recalc`` then has LibreOffice (``soffice --headless --convert-to xlsx``) recompute the
workbook, which stores the computed values next to the formulas, and writes
``tests/golden/inventory/golden_county.xlsx``. ``tests/golden/test_inventory_golden.py`` reads
those cached values (``data_only=True``) and compares them with the engine, line by line and for
the totals. Check the formulas by eye when you change anything here.

Sheets: ``README``, ``constants`` (GWPs), ``balance`` (the energy balance and its closure),
``energy``, ``ippu``, ``agriculture``, ``lucf``, ``waste`` (one block per category: inputs, then
the results [t]), ``lines`` (every line × gas: mass [t], GWP, tCO2e; what the test reads),
``reference`` (the reference approach) and ``totals``.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Final

import yaml
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

ROOT: Final = Path(__file__).resolve().parent.parent
GOLDEN: Final = ROOT / "tests" / "golden" / "inventory"
INPUT: Final = GOLDEN / "golden_county.yaml"
OUTPUT: Final = GOLDEN / "golden_county.xlsx"

#: IPCC SAR GWP-100 (IPCC 1995, Table 2.9), the guideline's metric.
GWP_SAR: Final = {
    "CO2": 1, "CH4": 21, "N2O": 310, "HFC23": 11700, "HFC32": 650, "HFC134a": 1300,
    "CF4": 6500, "C2F6": 9200, "SF6": 23900,
}  # fmt: skip
GAS_GROUP: Final = {
    "CO2": "CO2", "CH4": "CH4", "N2O": "N2O", "HFC23": "HFCs", "HFC32": "HFCs",
    "HFC134a": "HFCs", "CF4": "PFCs", "C2F6": "PFCs", "SF6": "SF6",
}  # fmt: skip

#: A written unit → (canonical unit, factor). Typed here, independent of citycarbon.units.
UNITS: Final = {
    "t": ("t", 1), "10^4 t": ("t", 10_000), "10^8 Nm3": ("10^4 Nm3", 10_000),
    "10^8 kWh": ("MWh", 100_000), "10^4 GJ": ("GJ", 10_000), "10^4 m3": ("m3", 10_000),
    "m3/t": ("m3/t", 1), "GJ/t": ("GJ/t", 1), "%": ("fraction", 0.01),
    "fraction": ("fraction", 1), "kgCH4/t": ("kgCH4/t", 1), "kgN2O/t": ("kgN2O/t", 1),
    "tHFC23": ("t", 1), "tSF6": ("t", 1), "ha": ("ha", 1), "t/ha": ("t/ha", 1),
    "t/m3": ("t/m3", 1), "kg/yr": ("kg/yr", 1), "tCH4": ("t", 1), "kgCH4/kg": ("kg/kg", 1),
}  # fmt: skip

#: Defaults the county does not give: (value, factor row id), typed from
#: src/citycarbon/factors/data/inventory_*.csv, grid.csv (provincial2011 first, then
#: ndrc2013-appendix2, ipcc1996, ipcc2006, as the engine's default factor sets).
DEFAULTS: Final[Mapping[str, tuple[float, str]]] = {
    # fuel combustion: NCV [GJ/t or GJ/10^4 Nm3], carbon content [tC/TJ], oxidation [fraction]
    "ncv:washed_coal": (26.344, "inv.ncv.washed_coal"),
    "ncv:coke_oven_gas": (173.54, "inv.ncv.coke_oven_gas"),
    "ncv:blast_furnace_gas": (33.0, "inv.ncv.blast_furnace_gas"),
    "ncv:natural_gas": (389.31, "inv.ncv.natural_gas"),
    "ncv:gasoline": (43.070, "inv.ncv.gasoline"),
    "ncv:diesel": (42.652, "inv.ncv.diesel"),
    "ncv:lpg": (50.179, "inv.ncv.lpg"),
    "ncv:other_petroleum_products": (35.169, "inv.ncv.other_petroleum_products"),
    "cc:raw_coal": (26.37, "inv.cc.raw_coal"),
    "cc:washed_coal": (25.41, "inv.cc.washed_coal"),
    "cc:coke": (29.5, "inv.cc.coke"),
    "cc:coke_oven_gas": (12.1, "inv.cc.coke_oven_gas"),
    "cc:blast_furnace_gas": (70.8, "inv.cc.blast_furnace_gas"),
    "cc:natural_gas": (15.3, "inv.cc.natural_gas"),
    "cc:gasoline": (18.9, "inv.cc.gasoline"),
    "cc:diesel": (20.2, "inv.cc.diesel"),
    "cc:lpg": (17.2, "inv.cc.lpg"),
    "cc:other_petroleum_products": (20.0, "inv.cc.other_petroleum_products"),
    "of:washed_coal": (0.93, "inv.of.washed_coal"),
    "of:coke": (0.93, "inv.of.coke"),
    "of:coke_oven_gas": (0.99, "inv.of.coke_oven_gas"),
    "of:blast_furnace_gas": (0.99, "inv.of.blast_furnace_gas"),
    "of:natural_gas": (0.99, "inv.of.natural_gas"),
    "of:gasoline": (0.98, "inv.of.gasoline"),
    "of:diesel": (0.98, "inv.of.diesel"),
    "of:lpg": (0.98, "inv.of.lpg"),
    "of:other_petroleum_products": (0.98, "inv.of.other_petroleum_products"),
    "stored:natural_gas": (0.33, "inv.stored.natural_gas"),
    # CH4 and N2O of combustion [kg/TJ] by the sector family of the row and the fuel (group)
    "ch4:energy_industries:coal": (1, "inv.ch4.energy_industries.coal"),
    "n2o:energy_industries:coal": (1.5, "inv.n2o.energy_industries.coal"),
    "ch4:energy_industries:gas": (1, "inv.ch4.energy_industries.gas"),
    "n2o:energy_industries:gas": (0.1, "inv.n2o.energy_industries.gas"),
    "ch4:manufacturing:coal": (10, "inv.ch4.manufacturing.coal"),
    "n2o:manufacturing:coal": (1.5, "inv.n2o.manufacturing.coal"),
    "ch4:manufacturing:gas": (1, "inv.ch4.manufacturing.gas"),
    "n2o:manufacturing:gas": (0.1, "inv.n2o.manufacturing.gas"),
    "ch4:manufacturing:oil": (3, "inv.ch4.manufacturing.oil"),
    "n2o:manufacturing:oil": (0.6, "inv.n2o.manufacturing.oil"),
    "ch4:commercial:coal": (10, "inv.ch4.commercial.coal"),
    "n2o:commercial:coal": (1.5, "inv.n2o.commercial.coal"),
    "ch4:commercial:gas": (5, "inv.ch4.commercial.gas"),
    "n2o:commercial:gas": (0.1, "inv.n2o.commercial.gas"),
    "ch4:residential:coal": (300, "inv.ch4.residential.coal"),
    "n2o:residential:coal": (1.5, "inv.n2o.residential.coal"),
    "ch4:residential:gas": (5, "inv.ch4.residential.gas"),
    "n2o:residential:gas": (0.1, "inv.n2o.residential.gas"),
    "ch4:agriculture:oil": (10, "inv.ch4.agriculture.oil"),
    "n2o:agriculture:oil": (0.6, "inv.n2o.agriculture.oil"),
    "ch4:transport:gasoline": (33, "inv.ch4.transport.gasoline"),
    "n2o:transport:gasoline": (3.2, "inv.n2o.transport.gasoline"),
    "ch4:transport:diesel": (3.9, "inv.ch4.transport.diesel"),
    "n2o:transport:diesel": (3.9, "inv.n2o.transport.diesel"),
    "ch4:transport:natural_gas": (92, "inv.ch4.transport.natural_gas"),
    "n2o:transport:natural_gas": (3, "inv.n2o.transport.natural_gas"),
    "ch4:transport_rail:diesel": (4.15, "inv.ch4.transport_rail.diesel"),
    "n2o:transport_rail:diesel": (28.6, "inv.n2o.transport_rail.diesel"),
    # electricity and heat crossing the boundary
    "grid_ef": (0.5257, "grid.central.2012"),
    "heat_ef": (0.11, "heat.default"),
    # biomass, coal mining, gas distribution
    "ncv:straw": (11.6, "inv.ncv.straw"),
    "bio_ch4:straw": (300, "inv.bio.ch4.straw"),
    "bio_n2o:straw": (4, "inv.bio.n2o.straw"),
    "coal_mining:underground_low_gas": (10, "inv.coal_mining.underground_low_gas"),
    "post_mining:underground_high_gas": (4.0, "inv.post_mining.underground_high_gas"),
    "post_mining:underground_low_gas": (0.9, "inv.post_mining.underground_low_gas"),
    "ch4_density": (0.67, "inv.ch4_density"),
    "fugitive:gas_distribution": (0.018, "inv.fugitive.gas_distribution"),
    # industrial processes
    "clinker_ef": (0.538, "inv.clinker_ef.provincial"),
    "lime_ef:lime": (0.683, "inv.lime_ef.provincial"),
    "lime_ef:dolomitic": (0.77, "inv.lime_ef.dolomitic"),
    "nitric:medium_pressure": (11.77, "inv.nitric_acid_n2o_ef.provincial.medium_pressure"),
    "adipic": (293, "inv.adipic_acid_n2o_ef.provincial"),
    "carbide": (1.154, "inv.carbide_ef.provincial"),
    "flux:limestone": (0.430, "inv.steel_flux_ef.provincial.limestone"),
    "flux:dolomite": (0.474, "inv.steel_flux_ef.provincial.dolomite"),
    "carbon:pig_iron": (0.041, "inv.carbon_content_metal.provincial.pig_iron"),
    "carbon:steel": (0.00248, "inv.carbon_content_metal.provincial.steel"),
    "al_cf4:cwpb": (0.089, "inv.aluminium_cf4_ef.provincial.cwpb"),
    "al_c2f6:cwpb": (0.0089, "inv.aluminium_c2f6_ef.provincial.cwpb"),
    "magnesium": (1.0, "inv.magnesium_sf6_ef.ipcc2006"),
    "hfc23_rate": (0.0292, "inv.hfc23_generation_rate.provincial"),
    "heel": (0.1, "inv.fgas_heel.ipcc2006"),
    "utilisation:CF4": (0.1, "inv.fgas_utilisation.ipcc2006.CF4"),
    "utilisation:SF6": (0.8, "inv.fgas_utilisation.ipcc2006.SF6"),
    "destruction:CF4": (0.9, "inv.fgas_destruction.ipcc2006.CF4"),
    "destruction:SF6": (0.9, "inv.fgas_destruction.ipcc2006.SF6"),
    "utilisation:HFC23": (0.6, "inv.fgas_utilisation.ipcc2006.HFC23"),
    "destruction:HFC23": (0.9, "inv.fgas_destruction.ipcc2006.HFC23"),
    "equipment:disposal": (1.0, "inv.equipment_sf6_ef.disposal"),
    # agriculture
    "enteric:dairy_cattle:intensive": (
        88.1,
        "inv.enteric_ch4_ef.provincial.dairy_cattle.intensive",
    ),
    "enteric:non_dairy_cattle:household": (
        67.9,
        "inv.enteric_ch4_ef.provincial.non_dairy_cattle.household",
    ),
    "enteric:sheep:household": (8.7, "inv.enteric_ch4_ef.provincial.sheep.household"),
    "enteric:goat:grazing": (6.7, "inv.enteric_ch4_ef.provincial.goat.grazing"),
    "enteric:swine": (1, "inv.enteric_ch4_ef.provincial.swine"),
    "manure_ch4:dairy_cattle": (8.45, "inv.manure_ch4_ef.dairy_cattle.central_south"),
    "manure_n2o:dairy_cattle": (1.710, "inv.manure_n2o_ef.dairy_cattle.central_south"),
    "manure_ch4:non_dairy_cattle": (4.72, "inv.manure_ch4_ef.non_dairy_cattle.central_south"),
    "manure_n2o:non_dairy_cattle": (0.805, "inv.manure_n2o_ef.non_dairy_cattle.central_south"),
    "manure_ch4:sheep": (0.34, "inv.manure_ch4_ef.sheep.central_south"),
    "manure_n2o:sheep": (0.106, "inv.manure_n2o_ef.sheep.central_south"),
    "manure_ch4:goat": (0.31, "inv.manure_ch4_ef.goat.central_south"),
    "manure_n2o:goat": (0.106, "inv.manure_n2o_ef.goat.central_south"),
    "manure_ch4:swine": (5.85, "inv.manure_ch4_ef.swine.central_south"),
    "manure_n2o:swine": (0.157, "inv.manure_n2o_ef.swine.central_south"),
    "manure_ch4:poultry": (0.02, "inv.manure_ch4_ef.poultry.central_south"),
    "manure_n2o:poultry": (0.007, "inv.manure_n2o_ef.poultry.central_south"),
    "rice:single:central_south": (236.7, "inv.rice_ch4_ef.central_south.single"),
    "soil_direct:III": (0.0057, "inv.soil_n2o_ef_direct.III"),
    "soil_gas:fertiliser": (0.10, "inv.soil_frac_volatilised.fertiliser"),
    "soil_gas:manure": (0.20, "inv.soil_frac_volatilised.manure"),
    "soil_gas:residue": (0.0, "inv.soil_frac_volatilised.residue"),
    "soil_deposition": (0.01, "inv.soil_n2o_ef_deposition"),
    "soil_leach": (0.20, "inv.soil_frac_leached"),
    "soil_leaching": (0.0075, "inv.soil_n2o_ef_leaching"),
    # land-use change and forestry
    "carbon_fraction": (0.5, "inv.biomass_carbon_fraction.provincial"),
    "burning_oxidation": (0.9, "inv.biomass_burning_oxidation.forest_clearing"),
    "ratio:CH4": (0.012, "inv.burning_trace_gas_ratio.CH4"),
    "ratio:N_to_C": (0.01, "inv.burning_trace_gas_ratio.N_to_C"),
    "ratio:N2O": (0.007, "inv.burning_trace_gas_ratio.N2O"),
    # waste
    "doc:food": (0.15, "inv.waste_doc.food"),
    "doc:paper": (0.40, "inv.waste_doc.paper"),
    "docf": (0.5, "inv.swds_docf.msw"),
    "mcf:managed_anaerobic": (1.0, "inv.swds_mcf.managed_anaerobic"),
    "mcf:unmanaged_shallow": (0.4, "inv.swds_mcf.unmanaged_shallow"),
    "f": (0.5, "inv.landfill_gas_ch4_fraction"),
    "k:food:temperate_dry": (0.06, "inv.swds_decay_rate.food.temperate_dry"),
    "k:paper:temperate_dry": (0.04, "inv.swds_decay_rate.paper.temperate_dry"),
    "ox:managed_anaerobic": (0.0, "inv.swds_oxidation.managed_anaerobic"),
    "ox:unmanaged_shallow": (0.0, "inv.swds_oxidation.unmanaged_shallow"),
    "b0:bod": (0.6, "inv.wastewater_b0.bod"),
    "ww_mcf:septic_system": (0.5, "inv.wastewater_mcf.septic_system"),
    "ww_mcf:sewer_stagnant": (0.5, "inv.wastewater_mcf.sewer_stagnant"),
    "f_npr": (0.16, "inv.wastewater_f_npr"),
    "f_non_con": (1.1, "inv.wastewater_f_non_con.default"),
    "f_ind_com": (1.25, "inv.wastewater_f_ind_com"),
    "ww_n2o_ef": (0.005, "inv.wastewater_n2o_ef.effluent"),
    "incineration_cc:msw": (0.20, "inv.incineration_carbon_content.msw"),
    "incineration_fossil:msw": (0.39, "inv.incineration_fossil_fraction.msw"),
    "incineration_of:msw": (0.95, "inv.incineration_oxidation.msw"),
}

#: Rows of the balance whose fuel is burnt, with the IPCC sector family of their CH4/N2O
#: factors (the guideline's sectors; transport rows by mode).
COMBUSTION_ROWS: Final = {
    "thermal_power": "energy_industries", "heating": "energy_industries",
    "agriculture": "agriculture", "ind_coal_mining": "energy_industries",
    "ind_nonmetallic_minerals": "manufacturing", "ind_ferrous_metals": "manufacturing",
    "ind_chemicals": "manufacturing", "ind_petroleum_coking": "energy_industries",
    "construction": "manufacturing", "transport_road": "transport",
    "transport_rail": "transport_rail", "commerce": "commercial",
    "other_services": "commercial", "residential_urban": "residential",
    "residential_rural": "residential",
}  # fmt: skip
FUEL_GROUP: Final = {
    "raw_coal": "coal", "washed_coal": "coal", "coke": "coal", "coke_oven_gas": "gas",
    "blast_furnace_gas": "gas", "natural_gas": "gas", "gasoline": "oil", "diesel": "oil",
    "lpg": "gas", "other_petroleum_products": "oil",
}  # fmt: skip
SUPPLY: Final = ("production", "imports", "exports", "stock_change")
TRANSFORMATION: Final = ("thermal_power", "heating", "coal_washing", "coking", "recovery")
BOLD: Final = Font(bold=True)


def split(raw: Any, unit_hint: str | None = None) -> tuple[float, str]:
    """A written value → (number, written unit)."""
    if isinstance(raw, (int, float)):
        assert unit_hint is not None, raw
        return float(raw), unit_hint
    text = str(raw).strip()
    number, _, unit = text.partition(" ")
    return float(number), unit.strip()


class Book:
    """The workbook and the index of every line × gas result cell."""

    def __init__(self) -> None:
        self.wb = Workbook()
        self.lines: list[
            tuple[str, str, str, str, str, str]
        ] = []  # cat, key, sector, rep, gas, ref

    def sheet(self, name: str) -> Worksheet:
        """A new sheet (the workbook's first, empty one is renamed)."""
        first = self.wb.active
        if isinstance(first, Worksheet) and first.title == "Sheet":
            first.title = name
            return first
        created: Worksheet = self.wb.create_sheet(name)
        return created

    def result(self, category: str, key: str, gas: str, ws: Worksheet, cell: str,
               reporting: str = "direct") -> None:  # fmt: skip
        """Index the result cell of a line and gas."""
        self.lines.append((category, key, category.split(".")[0], reporting, gas,
                           f"'{ws.title}'!{cell}"))  # fmt: skip


class Block:
    """A block of a sector sheet: a title, a header row, then one row per line."""

    def __init__(self, ws: Worksheet, title: str, headers: Sequence[str]) -> None:
        self.ws = ws
        self.row = ws.max_row + 2 if ws.max_row > 1 else 1
        ws.cell(self.row, 1, title).font = BOLD
        self.row += 1
        self.col = {h: i + 1 for i, h in enumerate(headers)}
        for header, column in self.col.items():
            ws.cell(self.row, column, header).font = BOLD

    def add(self, values: Mapping[str, Any]) -> int:
        """Write a row: numbers, text, or formulas where ``{name}`` is the cell of column
        ``name`` in the same row."""
        self.row += 1
        refs = {h: f"{get_column_letter(c)}{self.row}" for h, c in self.col.items()}
        for header, value in values.items():
            if isinstance(value, str) and value.startswith("="):
                for name in sorted(refs, key=len, reverse=True):
                    value = value.replace("{" + name + "}", refs[name])
                if "{" in value:
                    raise ValueError(f"unknown column in formula {value!r}")
            self.ws.cell(self.row, self.col[header], value)
        return self.row

    def ref(self, header: str, row: int) -> str:
        return f"{get_column_letter(self.col[header])}{row}"


def default(key: str) -> tuple[float, str]:
    value, source = DEFAULTS[key]
    return value, f"default {source}"


def given(raw: Any, unit_hint: str | None = None) -> tuple[float, str, float]:
    """A given value: (number, 'given <text>', factor to the canonical unit)."""
    number, unit = split(raw, unit_hint)
    return number, f"given {raw}" + (f" {unit_hint}" if unit_hint and not isinstance(raw, str)
                                     else ""), UNITS[unit][1]  # fmt: skip


# -- the energy balance ---------------------------------------------------------------------------


def balance_sheet(book: Book, form: Mapping[str, Any]) -> dict[tuple[str, str], str]:
    """The balance grid; returns cell references by (row, column) and ('unit', column)."""
    ws = book.sheet("balance")
    given_units = form["energy_balance"]["units"]
    rows = form["energy_balance"]["rows"]
    columns = list(given_units)
    ws.cell(1, 1, "row").font = BOLD
    ws.cell(2, 1, "unit written")
    ws.cell(3, 1, "canonical units per written unit")
    refs: dict[tuple[str, str], str] = {}
    for j, column in enumerate(columns, start=2):
        letter = get_column_letter(j)
        ws.cell(1, j, column).font = BOLD
        ws.cell(2, j, given_units[column])
        ws.cell(3, j, UNITS[given_units[column]][1])
        refs[("unit", column)] = f"'balance'!{letter}$3"
    r = 4
    for row_id, cells in rows.items():
        ws.cell(r, 1, row_id)
        for j, column in enumerate(columns, start=2):
            if column in cells:
                ws.cell(r, j, float(cells[column]))
            refs[(row_id, column)] = f"'balance'!{get_column_letter(j)}{r}"
        r += 1
    # closure: supply + transformation − losses − final − statistical difference = 0
    final = [k for k in rows if k not in (*SUPPLY, *TRANSFORMATION, "losses",
                                           "statistical_difference")
             and not k.startswith("non_energy.")]  # fmt: skip
    for label, parts in (
        ("total_supply (computed)", [k for k in SUPPLY if k in rows]),
        ("transformation (computed)", [k for k in TRANSFORMATION if k in rows]),
        ("final (computed)", final),
        ("non-energy use (computed)", [k for k in rows if k.startswith("non_energy.")]),
    ):
        ws.cell(r, 1, label).font = BOLD
        for j, column in enumerate(columns, start=2):
            cells = ",".join(refs[(p, column)].split("!")[1] for p in parts) or "0"
            ws.cell(r, j, f"=SUM({cells})")
            refs[(label.split(" ")[0], column)] = f"'balance'!{get_column_letter(j)}{r}"
        r += 1
    ws.cell(r, 1, "closure S+T−L−F−D (must be 0)").font = BOLD
    for j, column in enumerate(columns, start=2):
        letter = get_column_letter(j)
        losses = refs[("losses", column)].split("!")[1]
        difference = refs[("statistical_difference", column)].split("!")[1]
        ws.cell(r, j, f"={letter}{r - 4}+{letter}{r - 3}-{losses}-{letter}{r - 2}-{difference}")
    return refs


# -- energy ---------------------------------------------------------------------------------------


def _combustion_factors(fuel: str, sector: str, local: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, key in (("ncv", "ncv"), ("carbon_content", "cc"), ("oxidation", "of")):
        mine = local.get(name, {}).get(fuel)
        if mine is not None:
            number, _, scale = given(mine)
            out[name] = (number * scale, f"local {mine}")
        else:
            out[name] = default(f"{key}:{fuel}")
    for gas in ("ch4", "n2o"):
        for subject in (f"{sector}:{fuel}", f"{sector}:{FUEL_GROUP[fuel]}"):
            if f"{gas}:{subject}" in DEFAULTS:
                out[gas] = default(f"{gas}:{subject}")
                break
        else:
            family = sector.split("_")[0]
            out[gas] = default(f"{gas}:{family}:{fuel}")
    return out


def energy_sheet(book: Book, form: Mapping[str, Any], bal: Mapping[tuple[str, str], str]) -> None:
    ws = book.sheet("energy")
    rows = form["energy_balance"]["rows"]
    local = form["categories"]["energy.fuel_combustion"]["local"]
    fuels = [c for c in form["energy_balance"]["units"] if c not in ("heat", "electricity")]
    block = Block(ws, "energy.fuel_combustion — CO2 = FC × NCV × CC × OF × 44/12 / 1000; "
                  "CH4, N2O = FC × NCV × EF / 10^6 (recovered gas: − Q × NCV × CC × 44/12 / 1000)",
                  ["category", "key", "balance cell", "non-energy use", "units factor",
                   "FC [t | 10^4 Nm3]", "NCV", "NCV source", "CC [tC/TJ]", "CC source", "OF",
                   "OF source", "CH4 EF [kg/TJ]", "CH4 source", "N2O EF [kg/TJ]", "N2O source",
                   "CO2 [t]", "CH4 [t]", "N2O [t]"])  # fmt: skip
    for row_id, sector in COMBUSTION_ROWS.items():
        for fuel in fuels:
            value = float(rows.get(row_id, {}).get(fuel, 0))
            transformation = row_id in ("thermal_power", "heating")
            if (transformation and value >= 0) or (not transformation and value <= 0):
                continue
            neu_row = f"non_energy.{row_id}"
            neu = bal[(neu_row, fuel)] if fuel in rows.get(neu_row, {}) else None
            factors = _combustion_factors(fuel, sector, local)
            quantity = (
                "=-{balance cell}*{units factor}"
                if transformation
                else "=({balance cell}-{non-energy use})*{units factor}"
            )
            line = block.add({
                "category": "energy.fuel_combustion",
                "key": f"{row_id}|{fuel}|combustion",
                "balance cell": f"={bal[(row_id, fuel)]}",
                "non-energy use": f"={neu}" if neu else 0,
                "units factor": f"={bal[('unit', fuel)]}",
                "FC [t | 10^4 Nm3]": quantity,
                "NCV": factors["ncv"][0], "NCV source": factors["ncv"][1],
                "CC [tC/TJ]": factors["carbon_content"][0],
                "CC source": factors["carbon_content"][1],
                "OF": factors["oxidation"][0], "OF source": factors["oxidation"][1],
                "CH4 EF [kg/TJ]": factors["ch4"][0], "CH4 source": factors["ch4"][1],
                "N2O EF [kg/TJ]": factors["n2o"][0], "N2O source": factors["n2o"][1],
                "CO2 [t]": "={FC [t | 10^4 Nm3]}*{NCV}*{CC [tC/TJ]}*{OF}*44/12/1000",
                "CH4 [t]": "={FC [t | 10^4 Nm3]}*{NCV}*{CH4 EF [kg/TJ]}/1000000",
                "N2O [t]": "={FC [t | 10^4 Nm3]}*{NCV}*{N2O EF [kg/TJ]}/1000000",
            })  # fmt: skip
            for gas in ("CO2", "CH4", "N2O"):
                book.result("energy.fuel_combustion", f"{row_id}|{fuel}|combustion", gas, ws,
                            block.ref(f"{gas} [t]", line))  # fmt: skip
    # recovered blast-furnace gas: its carbon is deducted where it was made (iron and steel)
    for fuel in rows.get("recovery", {}):
        factors = _combustion_factors(fuel, "manufacturing", local)
        key = f"ind_ferrous_metals|{fuel}|recovered"
        line = block.add({
            "category": "energy.fuel_combustion", "key": key,
            "balance cell": f"={bal[('recovery', fuel)]}", "non-energy use": 0,
            "units factor": f"={bal[('unit', fuel)]}",
            "FC [t | 10^4 Nm3]": "={balance cell}*{units factor}",
            "NCV": factors["ncv"][0], "NCV source": factors["ncv"][1],
            "CC [tC/TJ]": factors["carbon_content"][0], "CC source": factors["carbon_content"][1],
            "CO2 [t]": "=-{FC [t | 10^4 Nm3]}*{NCV}*{CC [tC/TJ]}*44/12/1000",
            "CH4 [t]": 0, "N2O [t]": 0,
        })  # fmt: skip
        for gas in ("CO2", "CH4", "N2O"):
            book.result("energy.fuel_combustion", key, gas, ws, block.ref(f"{gas} [t]", line))
    _biomass(book, ws, form)
    _coal_mining(book, ws, form)
    _fugitive(book, ws, form)
    _indirect(book, ws, bal, rows)


def _biomass(book: Book, ws: Worksheet, form: Mapping[str, Any]) -> None:
    section = form["categories"]["energy.biomass_combustion"]
    block = Block(ws, "energy.biomass_combustion — E = M × NCV × EF / 10^6 (EF per TJ) or "
                  "M × EF / 1000 (EF per t)",
                  ["category", "key", "M [t]", "NCV [GJ/t]", "NCV source", "CH4 EF",
                   "CH4 EF unit", "N2O EF", "N2O EF unit", "CH4 [t]", "N2O [t]"])  # fmt: skip
    for item in section["rows"]:
        fuel = item["fuel"]
        quantity, _, scale = given(item["quantity"], section["units"]["quantity"])
        values: dict[str, Any] = {"category": "energy.biomass_combustion", "key": item["label"],
                                  "M [t]": quantity * scale}  # fmt: skip
        for gas, key in (("CH4", "ch4_ef"), ("N2O", "n2o_ef")):
            if key in item:
                number, _, _ = given(item[key])
                values[f"{gas} EF"], values[f"{gas} EF unit"] = number, "per t (given)"
                values[f"{gas} [t]"] = f"={{M [t]}}*{{{gas} EF}}/1000"
            else:
                number, source = default(f"bio_{gas.lower()}:{fuel}")
                values[f"{gas} EF"], values[f"{gas} EF unit"] = number, f"per TJ, {source}"
                values[f"{gas} [t]"] = f"={{M [t]}}*{{NCV [GJ/t]}}*{{{gas} EF}}/1000000"
                values["NCV [GJ/t]"], values["NCV source"] = default(f"ncv:{fuel}")
        line = block.add(values)
        for gas in ("CH4", "N2O"):
            book.result("energy.biomass_combustion", item["label"], gas, ws,
                        block.ref(f"{gas} [t]", line))  # fmt: skip


def _coal_mining(book: Book, ws: Worksheet, form: Mapping[str, Any]) -> None:
    section = form["categories"]["energy.coal_mining"]
    block = Block(ws, "energy.coal_mining — CH4 = (P × (EF_mining + EF_post) − R) × ρ / 1000",
                  ["category", "key", "P [t]", "EF mining [m3/t]", "source", "EF post [m3/t]",
                   "source ", "R [m3]", "ρ [kg/m3]", "ρ source", "CH4 [t]"])  # fmt: skip
    for item in section["rows"]:
        mine = item["mine_type"]
        production, _, scale = given(item["production"], section["units"]["production"])
        if "ef_mining" in item:
            ef, source, _ = given(item["ef_mining"])
        else:
            ef, source = default(f"coal_mining:{mine}")
        post, post_source = default(f"post_mining:{mine}")
        recovered = 0.0
        if "recovered" in item:
            number, _, factor = given(item["recovered"])
            recovered = number * factor
        density, density_source = default("ch4_density")
        line = block.add({
            "category": "energy.coal_mining", "key": item["label"], "P [t]": production * scale,
            "EF mining [m3/t]": ef, "source": source, "EF post [m3/t]": post,
            "source ": post_source, "R [m3]": recovered, "ρ [kg/m3]": density,
            "ρ source": density_source,
            "CH4 [t]": "=({P [t]}*({EF mining [m3/t]}+{EF post [m3/t]})-{R [m3]})*{ρ [kg/m3]}/1000",
        })  # fmt: skip
        book.result("energy.coal_mining", item["label"], "CH4", ws, block.ref("CH4 [t]", line))


def _fugitive(book: Book, ws: Worksheet, form: Mapping[str, Any]) -> None:
    section = form["categories"]["energy.oil_gas_fugitive"]
    block = Block(
        ws,
        "energy.oil_gas_fugitive — CH4 = A × EF",
        ["category", "key", "A [10^4 Nm3]", "EF [tCH4/10^4 Nm3]", "source", "CH4 [t]"],
    )
    for item in section["rows"]:
        number, _, scale = given(item["activity"])
        ef, source = default(f"fugitive:{item['segment']}")
        line = block.add({
            "category": "energy.oil_gas_fugitive", "key": item["label"],
            "A [10^4 Nm3]": number * scale, "EF [tCH4/10^4 Nm3]": ef, "source": source,
            "CH4 [t]": "={A [10^4 Nm3]}*{EF [tCH4/10^4 Nm3]}",
        })  # fmt: skip
        book.result("energy.oil_gas_fugitive", item["label"], "CH4", ws, block.ref("CH4 [t]", line))


def _indirect(
    book: Book, ws: Worksheet, bal: Mapping[tuple[str, str], str], rows: Mapping[str, Any]
) -> None:
    block = Block(ws, "energy.indirect_electricity / indirect_heat — E = ± AD × EF (reported "
                  "separately; imports +, exports −)",
                  ["category", "key", "balance cell", "units factor", "AD [MWh | GJ]", "EF",
                   "source", "sign", "CO2 [t]"])  # fmt: skip
    for column, category, factor_key in (
        ("electricity", "energy.indirect_electricity", "grid_ef"),
        ("heat", "energy.indirect_heat", "heat_ef"),
    ):
        ef, source = default(factor_key)
        for direction, row, sign in (("import", "imports", 1), ("export", "exports", -1)):
            if column not in rows.get(row, {}):
                continue
            line = block.add({
                "category": category, "key": direction,
                "balance cell": f"={bal[(row, column)]}",
                "units factor": f"={bal[('unit', column)]}",
                "AD [MWh | GJ]": f"={sign}*{{balance cell}}*{{units factor}}",
                "EF": ef, "source": source, "sign": sign,
                "CO2 [t]": "={sign}*{AD [MWh | GJ]}*{EF}",
            })  # fmt: skip
            book.result(category, direction, "CO2", ws, block.ref("CO2 [t]", line), "indirect")


def reference_sheet(book: Book, form: Mapping[str, Any], bal: Mapping[tuple[str, str], str]) -> str:
    """The reference approach per fuel; returns the reference of its total cell."""
    ws = book.sheet("reference")
    rows = form["energy_balance"]["rows"]
    local = form["categories"]["energy.fuel_combustion"]["local"]
    stored_local = form["categories"]["energy.reference_approach"]["local"]["stored_fraction"]
    block = Block(ws, "energy.reference_approach — CO2 = (AC × NCV × CC − NEU × NCV × CC × f) "
                  "× OF × 44/12 / 1000; AC = production + imports + exports + stock change",
                  ["category", "fuel", "AC [t | 10^4 Nm3]", "NEU", "NCV", "CC", "stored f",
                   "f source", "OF", "CO2 [t]"])  # fmt: skip
    first = block.row + 1
    for fuel in [c for c in form["energy_balance"]["units"] if c not in ("heat", "electricity")]:
        factors = _combustion_factors(fuel, "manufacturing", local)
        supply = "+".join(bal[(r, fuel)] for r in SUPPLY if (r, fuel) in bal)
        neu_rows = [r for r in rows if r.startswith("non_energy.") and fuel in rows[r]]
        neu = "+".join(bal[(r, fuel)] for r in neu_rows) or "0"
        if neu_rows and fuel in stored_local:
            number, _, scale = given(stored_local[fuel])
            stored, stored_source = number * scale, f"local {stored_local[fuel]}"
        elif neu_rows:
            stored, stored_source = default(f"stored:{fuel}")
        else:
            stored, stored_source = 0.0, "no non-energy use"
        block.add({
            "category": "energy.reference_approach", "fuel": fuel,
            "AC [t | 10^4 Nm3]": f"=({supply})*{bal[('unit', fuel)]}",
            "NEU": f"=({neu})*{bal[('unit', fuel)]}",
            "NCV": factors["ncv"][0], "CC": factors["carbon_content"][0], "stored f": stored,
            "f source": stored_source, "OF": factors["oxidation"][0],
            "CO2 [t]": "=({AC [t | 10^4 Nm3]}*{NCV}*{CC}-{NEU}*{NCV}*{CC}*{stored f})*{OF}"
            "*44/12/1000",
        })  # fmt: skip
    column = get_column_letter(block.col["CO2 [t]"])
    total_row = block.row + 1
    ws.cell(total_row, 1, "total").font = BOLD
    ws.cell(total_row, block.col["CO2 [t]"], f"=SUM({column}{first}:{column}{block.row})")
    return f"'reference'!{column}{total_row}"


# -- industrial processes --------------------------------------------------------------------------


def ippu_sheet(book: Book, form: Mapping[str, Any]) -> None:
    ws = book.sheet("ippu")
    cats = form["categories"]

    def simple(category: str, title: str, activity: str, ef_key: Any, gas: str, formula: str,
               extra: Sequence[str] = ()) -> None:  # fmt: skip
        block = Block(ws, title, ["category", "key", "A [t]", "EF", "EF source", *extra,
                                  f"{gas} [t]"])  # fmt: skip
        section = cats[category]
        for item in section["rows"]:
            number, _, scale = given(item[activity], section.get("units", {}).get(activity))
            ef, source = default(ef_key(item) if callable(ef_key) else ef_key)
            values: dict[str, Any] = {
                "category": category,
                "key": item["label"],
                "A [t]": number * scale,
                "EF": ef,
                "EF source": source,
            }
            for name in extra:
                raw = item.get(name)
                values[name] = given(raw)[0] * given(raw)[2] if raw is not None else 0.0
            values[f"{gas} [t]"] = formula
            line = block.add(values)
            book.result(category, item["label"], gas, ws, block.ref(f"{gas} [t]", line))

    simple(
        "ippu.cement_clinker",
        "ippu.cement_clinker — CO2 = clinker × EF",
        "clinker",
        "clinker_ef",
        "CO2",
        "={A [t]}*{EF}",
    )
    simple(
        "ippu.lime",
        "ippu.lime — CO2 = lime × EF",
        "lime",
        lambda i: f"lime_ef:{i['lime_type']}",
        "CO2",
        "={A [t]}*{EF}",
    )
    simple(
        "ippu.nitric_acid",
        "ippu.nitric_acid — N2O = P × EF × (1 − DF × ASUF) / 1000",
        "production",
        lambda i: f"nitric:{i['technology']}",
        "N2O",
        "={A [t]}*{EF}*(1-{destruction}*{utilisation})/1000",
        ("destruction", "utilisation"),
    )
    simple(
        "ippu.adipic_acid",
        "ippu.adipic_acid — N2O = P × EF × (1 − DF × ASUF) / 1000",
        "production",
        "adipic",
        "N2O",
        "={A [t]}*{EF}*(1-{destruction}*{utilisation})/1000",
        ("destruction", "utilisation"),
    )
    simple(
        "ippu.calcium_carbide",
        "ippu.calcium_carbide — CO2 = P × EF",
        "production",
        "carbide",
        "CO2",
        "={A [t]}*{EF}",
    )
    simple(
        "ippu.magnesium_sf6",
        "ippu.magnesium_sf6 — SF6 = P × EF / 1000",
        "production",
        "magnesium",
        "SF6",
        "={A [t]}*{EF}/1000",
    )
    simple(
        "ippu.hcfc22",
        "ippu.hcfc22 — HFC-23 = P × rate − destroyed",
        "production",
        "hfc23_rate",
        "HFC23",
        "={A [t]}*{EF}-{destroyed}",
        ("destroyed",),
    )

    section = cats["ippu.iron_steel"]
    block = Block(ws, "ippu.iron_steel — CO2 = limestone × EF_ls + dolomite × EF_do + (pig iron × "
                  "C_iron − steel × C_steel) × 44/12",
                  ["category", "key", "limestone [t]", "EF_ls", "dolomite [t]", "EF_do",
                   "pig iron [t]", "C_iron", "steel [t]", "C_steel", "CO2 [t]"])  # fmt: skip
    for item in section["rows"]:
        u = section["units"]
        line = block.add({
            "category": "ippu.iron_steel", "key": item["label"],
            "limestone [t]": given(item["limestone"], u["limestone"])[0] * 10_000,
            "EF_ls": DEFAULTS["flux:limestone"][0],
            "dolomite [t]": given(item["dolomite"], u["dolomite"])[0] * 10_000,
            "EF_do": DEFAULTS["flux:dolomite"][0],
            "pig iron [t]": given(item["pig_iron"], u["pig_iron"])[0] * 10_000,
            "C_iron": DEFAULTS["carbon:pig_iron"][0],
            "steel [t]": given(item["steel"], u["steel"])[0] * 10_000,
            "C_steel": DEFAULTS["carbon:steel"][0],
            "CO2 [t]": "={limestone [t]}*{EF_ls}+{dolomite [t]}*{EF_do}"
                       "+({pig iron [t]}*{C_iron}-{steel [t]}*{C_steel})*44/12",
        })  # fmt: skip
        book.result("ippu.iron_steel", item["label"], "CO2", ws, block.ref("CO2 [t]", line))

    block = Block(ws, "ippu.aluminium_pfc — CF4 = P × EF_CF4 / 1000; C2F6 = P × EF_C2F6 / 1000",
                  ["category", "key", "P [t]", "EF CF4 [kg/t]", "EF C2F6 [kg/t]", "CF4 [t]",
                   "C2F6 [t]"])  # fmt: skip
    for item in cats["ippu.aluminium_pfc"]["rows"]:
        number, _, scale = given(item["production"])
        tech = item["technology"]
        line = block.add({
            "category": "ippu.aluminium_pfc", "key": item["label"], "P [t]": number * scale,
            "EF CF4 [kg/t]": DEFAULTS[f"al_cf4:{tech}"][0],
            "EF C2F6 [kg/t]": DEFAULTS[f"al_c2f6:{tech}"][0],
            "CF4 [t]": "={P [t]}*{EF CF4 [kg/t]}/1000",
            "C2F6 [t]": "={P [t]}*{EF C2F6 [kg/t]}/1000",
        })  # fmt: skip
        for gas in ("CF4", "C2F6"):
            book.result("ippu.aluminium_pfc", item["label"], gas, ws, block.ref(f"{gas} [t]", line))

    section = cats["ippu.hfc_consumption"]
    block = Block(ws, "ippu.hfc_consumption — E = sales − new charge + retired charge − destroyed",
                  ["category", "key", "gas", "sales [t]", "new charge [t]", "retired [t]",
                   "destroyed [t]", "E [t]"])  # fmt: skip
    for item in section["rows"]:
        line = block.add({
            "category": "ippu.hfc_consumption", "key": item["label"], "gas": item["gas"],
            "sales [t]": float(item["sales"]), "new charge [t]": float(item.get("new_charge", 0)),
            "retired [t]": float(item.get("retired_charge", 0)),
            "destroyed [t]": float(item.get("destroyed", 0)),
            "E [t]": "={sales [t]}-{new charge [t]}+{retired [t]}-{destroyed [t]}",
        })  # fmt: skip
        book.result(
            "ippu.hfc_consumption", item["label"], item["gas"], ws, block.ref("E [t]", line)
        )

    section = cats["ippu.semiconductor"]
    block = Block(
        ws,
        "ippu.semiconductor — E = FC × (1 − h) × (1 − U) × (1 − a × d)",
        ["category", "key", "gas", "FC [t]", "h", "U", "a", "d", "E [t]"],
    )
    for item in section["rows"]:
        gas = item["gas"]
        abated = given(item["abated"])[0] / 100 if "abated" in item else 0.0
        line = block.add({
            "category": "ippu.semiconductor", "key": item["label"], "gas": gas,
            "FC [t]": float(item["used"]), "h": DEFAULTS["heel"][0],
            "U": DEFAULTS[f"utilisation:{gas}"][0], "a": abated,
            "d": DEFAULTS[f"destruction:{gas}"][0],
            "E [t]": "={FC [t]}*(1-{h})*(1-{U})*(1-{a}*{d})",
        })  # fmt: skip
        book.result("ippu.semiconductor", item["label"], gas, ws, block.ref("E [t]", line))

    section = cats["ippu.electrical_equipment_sf6"]
    block = Block(
        ws,
        "ippu.electrical_equipment_sf6 — SF6 = amount × EF − recovered",
        ["category", "key", "amount [t]", "EF", "EF source", "recovered [t]", "SF6 [t]"],
    )
    for item in section["rows"]:
        if "ef" in item:
            number, source, scale = given(item["ef"])
            ef = number * scale
        else:
            ef, source = default(f"equipment:{item['stage']}")
        line = block.add({
            "category": "ippu.electrical_equipment_sf6", "key": item["label"],
            "amount [t]": float(item["amount"]), "EF": ef, "EF source": source,
            "recovered [t]": float(item.get("recovered", 0)),
            "SF6 [t]": "={amount [t]}*{EF}-{recovered [t]}",
        })  # fmt: skip
        book.result("ippu.electrical_equipment_sf6", item["label"], "SF6", ws,
                    block.ref("SF6 [t]", line))  # fmt: skip


# -- agriculture --------------------------------------------------------------------------------


def agriculture_sheet(book: Book, form: Mapping[str, Any]) -> None:
    ws = book.sheet("agriculture")
    cats = form["categories"]
    block = Block(
        ws,
        "agriculture.enteric_fermentation — CH4 = N × EF / 1000",
        ["category", "key", "N [head]", "EF [kgCH4/head]", "source", "CH4 [t]"],
    )
    for item in cats["agriculture.enteric_fermentation"]["rows"]:
        key = ":".join(filter(None, ("enteric", item["species"], item.get("feeding"))))
        ef, source = default(key)
        line = block.add(
            {
                "category": "agriculture.enteric_fermentation",
                "key": item["label"],
                "N [head]": float(item["population"]),
                "EF [kgCH4/head]": ef,
                "source": source,
                "CH4 [t]": "={N [head]}*{EF [kgCH4/head]}/1000",
            }
        )
        book.result("agriculture.enteric_fermentation", item["label"], "CH4", ws,
                    block.ref("CH4 [t]", line))  # fmt: skip
    block = Block(ws, "agriculture.manure_management — CH4 = N × EF_CH4 / 1000; N2O = N × EF_N2O "
                  "/ 1000 (central-south region)",
                  ["category", "key", "N [head]", "EF CH4 [kg/head]", "EF N2O [kg/head]",
                   "CH4 [t]", "N2O [t]"])  # fmt: skip
    for item in cats["agriculture.manure_management"]["rows"]:
        species = item["species"]
        line = block.add({
            "category": "agriculture.manure_management", "key": item["label"],
            "N [head]": float(item["population"]),
            "EF CH4 [kg/head]": DEFAULTS[f"manure_ch4:{species}"][0],
            "EF N2O [kg/head]": DEFAULTS[f"manure_n2o:{species}"][0],
            "CH4 [t]": "={N [head]}*{EF CH4 [kg/head]}/1000",
            "N2O [t]": "={N [head]}*{EF N2O [kg/head]}/1000",
        })  # fmt: skip
        for gas in ("CH4", "N2O"):
            book.result("agriculture.manure_management", item["label"], gas, ws,
                        block.ref(f"{gas} [t]", line))  # fmt: skip
    block = Block(
        ws,
        "agriculture.rice — CH4 = area × EF / 1000",
        ["category", "key", "area [ha]", "EF [kgCH4/ha]", "source", "CH4 [t]"],
    )
    for item in cats["agriculture.rice"]["rows"]:
        area, _, scale = given(item["area"])
        ef, source = default(f"rice:{item['rice_type']}:{item['zone']}")
        line = block.add({"category": "agriculture.rice", "key": item["label"],
                          "area [ha]": area * scale, "EF [kgCH4/ha]": ef, "source": source,
                          "CH4 [t]": "={area [ha]}*{EF [kgCH4/ha]}/1000"})  # fmt: skip
        book.result("agriculture.rice", item["label"], "CH4", ws, block.ref("CH4 [t]", line))
    section = cats["agriculture.soils"]
    block = Block(ws, "agriculture.soils — N2O = N × (EF1 + Frac_GAS × EF4 + Frac_LEACH × EF5) "
                  "× 44/28",
                  ["category", "key", "N [t]", "EF1", "Frac_GAS", "EF4", "Frac_LEACH", "EF5",
                   "N2O [t]"])  # fmt: skip
    for item in section["rows"]:
        number, _, scale = given(item["n_input"], section["units"]["n_input"])
        line = block.add({
            "category": "agriculture.soils", "key": item["label"], "N [t]": number * scale,
            "EF1": DEFAULTS[f"soil_direct:{item['soil_zone']}"][0],
            "Frac_GAS": DEFAULTS[f"soil_gas:{item['source']}"][0],
            "EF4": DEFAULTS["soil_deposition"][0], "Frac_LEACH": DEFAULTS["soil_leach"][0],
            "EF5": DEFAULTS["soil_leaching"][0],
            "N2O [t]": "={N [t]}*({EF1}+{Frac_GAS}*{EF4}+{Frac_LEACH}*{EF5})*44/28",
        })  # fmt: skip
        book.result("agriculture.soils", item["label"], "N2O", ws, block.ref("N2O [t]", line))


# -- land-use change and forestry ---------------------------------------------------------------


def lucf_sheet(book: Book, form: Mapping[str, Any]) -> None:
    ws = book.sheet("lucf")
    cats = form["categories"]
    section = cats["lucf.forest_growth"]
    local = section["local"]
    block = Block(ws, "lucf.forest_growth — CO2 = −V × (GR − CR) × SVD × BEF × (1 + R) × CF "
                  "× 44/12",
                  ["category", "key", "V [m3]", "GR", "CR", "SVD [t/m3]", "BEF", "R", "CF",
                   "CO2 [t]"])  # fmt: skip
    for item in section["rows"]:
        volume, _, scale = given(item["stock_volume"])
        line = block.add({
            "category": "lucf.forest_growth", "key": item["label"], "V [m3]": volume * scale,
            "GR": given(item["growth_rate"])[0] / 100,
            "CR": given(item["consumption_rate"])[0] / 100,
            "SVD [t/m3]": given(local["wood_density"])[0], "BEF": given(local["bef"])[0],
            "R": given(local["root_ratio"])[0] / 100, "CF": DEFAULTS["carbon_fraction"][0],
            "CO2 [t]": "=-{V [m3]}*({GR}-{CR})*{SVD [t/m3]}*{BEF}*(1+{R})*{CF}*44/12",
        })  # fmt: skip
        book.result("lucf.forest_growth", item["label"], "CO2", ws, block.ref("CO2 [t]", line))
    block = Block(
        ws,
        "lucf.other_woody — CO2 = −ΔA × B × CF × 44/12",
        ["category", "key", "ΔA [ha]", "B [t/ha]", "CF", "CO2 [t]"],
    )
    for item in cats["lucf.other_woody"]["rows"]:
        line = block.add({
            "category": "lucf.other_woody", "key": item["label"],
            "ΔA [ha]": given(item["area_change"])[0], "B [t/ha]": given(item["biomass"])[0],
            "CF": DEFAULTS["carbon_fraction"][0], "CO2 [t]": "=-{ΔA [ha]}*{B [t/ha]}*{CF}*44/12",
        })  # fmt: skip
        book.result("lucf.other_woody", item["label"], "CO2", ws, block.ref("CO2 [t]", line))
    block = Block(ws, "lucf.forest_conversion — C_on, C_off = A × ΔB × f × OX × CF; C_decay = "
                  "A_10yr × ΔB × (1 − f_on − f_off) × CF; CO2 = ΣC × 44/12; CH4 = C_on × 0.012 × "
                  "16/12; N2O = C_on × N/C × 0.007 × 44/28",
                  ["category", "key", "A [ha]", "B before", "B after", "f_on", "f_off", "OX",
                   "CF", "A_decay [ha]", "CH4/C", "N/C", "N2O/N", "C_on [t]", "C_off [t]",
                   "C_decay [t]", "CO2 [t]", "CH4 [t]", "N2O [t]"])  # fmt: skip
    for item in cats["lucf.forest_conversion"]["rows"]:
        line = block.add({
            "category": "lucf.forest_conversion", "key": item["label"],
            "A [ha]": given(item["area"])[0], "B before": given(item["biomass_before"])[0],
            "B after": given(item["biomass_after"])[0],
            "f_on": given(item["frac_onsite"])[0] / 100,
            "f_off": given(item["frac_offsite"])[0] / 100,
            "OX": DEFAULTS["burning_oxidation"][0], "CF": DEFAULTS["carbon_fraction"][0],
            "A_decay [ha]": given(item["area_decay"])[0], "CH4/C": DEFAULTS["ratio:CH4"][0],
            "N/C": DEFAULTS["ratio:N_to_C"][0], "N2O/N": DEFAULTS["ratio:N2O"][0],
            "C_on [t]": "={A [ha]}*({B before}-{B after})*{f_on}*{OX}*{CF}",
            "C_off [t]": "={A [ha]}*({B before}-{B after})*{f_off}*{OX}*{CF}",
            "C_decay [t]": "={A_decay [ha]}*({B before}-{B after})*(1-{f_on}-{f_off})*{CF}",
            "CO2 [t]": "=({C_on [t]}+{C_off [t]}+{C_decay [t]})*44/12",
            "CH4 [t]": "={C_on [t]}*{CH4/C}*16/12",
            "N2O [t]": "={C_on [t]}*{N/C}*{N2O/N}*44/28",
        })  # fmt: skip
        for gas in ("CO2", "CH4", "N2O"):
            book.result("lucf.forest_conversion", item["label"], gas, ws,
                        block.ref(f"{gas} [t]", line))  # fmt: skip


# -- waste ----------------------------------------------------------------------------------------


def waste_sheet(book: Book, form: Mapping[str, Any]) -> list[str]:
    """The waste blocks; returns the cells that must be 0 (FOD: two routes agree)."""
    ws = book.sheet("waste")
    cats = form["categories"]
    checks: list[str] = []
    section = cats["waste.landfill_fod"]
    year = int(section["local"]["inventory_year"])
    block = Block(ws, "waste.landfill_fod — per deposit year x ≤ T: CH4 = W × DOC × DOCf × MCF × "
                  "(e^(−k·max(T−x−1,0)) − e^(−k·(T−x))) × F × 16/12 × (1 − R) × (1 − OX); and the "
                  "IPCC 2006 Vol. 5 Eq. 3.4-3.5 accumulation DDOCma_x = DDOCm_x + DDOCma_(x−1) × "
                  "e^(−k), decomposed in T = DDOCma_(T−1) × (1 − e^(−k))",
                  ["category", "key", "T", "x", "W [t]", "DOC", "DOCf", "MCF", "k", "F", "R",
                   "OX", "DDOCm [t]", "CH4 [t]", "DDOCma end of x [t]"])  # fmt: skip
    by_type: dict[str, list[int]] = {}
    deposit_year: dict[int, int] = {}
    for item in section["rows"]:
        waste_type, site = item["waste_type"], item["site_type"]
        key = f"{item['site']}|{waste_type}|{item['deposit_year']}"
        rows_of_type = by_type.setdefault(waste_type, [])
        previous = rows_of_type[-1] if rows_of_type else None
        accumulated = (
            "={DDOCm [t]}" + (f"+{block.ref('DDOCma end of x [t]', previous)}*EXP(-{{k}})"
                              if previous else "")
        )  # fmt: skip
        line = block.add({
            "category": "waste.landfill_fod", "key": key, "T": year,
            "x": int(item["deposit_year"]), "W [t]": float(item["waste"]),
            "DOC": DEFAULTS[f"doc:{waste_type}"][0], "DOCf": DEFAULTS["docf"][0],
            "MCF": DEFAULTS[f"mcf:{site}"][0],
            "k": DEFAULTS[f"k:{waste_type}:{item['climate']}"][0], "F": DEFAULTS["f"][0],
            "R": given(item["recovery"])[0] / 100 if "recovery" in item else 0.0,
            "OX": DEFAULTS[f"ox:{site}"][0],
            "DDOCm [t]": "={W [t]}*{DOC}*{DOCf}*{MCF}",
            "CH4 [t]": "={DDOCm [t]}*(EXP(-{k}*MAX({T}-{x}-1,0))-EXP(-{k}*({T}-{x})))*{F}*16/12"
                       "*(1-{R})*(1-{OX})",
            "DDOCma end of x [t]": accumulated,
        })  # fmt: skip
        rows_of_type.append(line)
        deposit_year[line] = int(item["deposit_year"])
        book.result("waste.landfill_fod", key, "CH4", ws, block.ref("CH4 [t]", line))
    r = block.row + 2
    ws.cell(r, 1, "first-order decay, by accumulation (IPCC 2006 Vol. 5 Eq. 3.4-3.5)").font = BOLD
    for waste_type, lines in by_type.items():
        r += 1
        last_before = next(i for i in reversed(lines) if deposit_year[i] < year)
        k, f, rec, ox = (block.ref(n, lines[0]) for n in ("k", "F", "R", "OX"))
        ch4 = block.ref("CH4 [t]", lines[0]).rstrip("0123456789")
        ws.cell(r, 1, f"{waste_type}: CH4 in T by accumulation")
        ws.cell(r, 2, f"={block.ref('DDOCma end of x [t]', last_before)}*(1-EXP(-{k}))*{f}"
                      f"*16/12*(1-{rec})*(1-{ox})")  # fmt: skip
        ws.cell(r, 3, "sum of the lines")
        ws.cell(r, 4, f"=SUM({ch4}{lines[0]}:{ch4}{lines[-1]})")
        ws.cell(r, 5, "difference (must be 0)")
        ws.cell(r, 6, f"=B{r}-D{r}")
        checks.append(f"'waste'!F{r}")

    section = cats["waste.landfill_mass_balance"]
    block = Block(ws, "waste.landfill_mass_balance — CH4 = (W × MCF × DOC × DOCf × F × 16/12 − R) "
                  "× (1 − OX)",
                  ["category", "key", "W [t]", "MCF", "DOC", "DOCf", "F", "R [t]", "OX",
                   "CH4 [t]"])  # fmt: skip
    for item in section["rows"]:
        number, _, scale = given(item["waste"])
        site = item["site_type"]
        line = block.add({
            "category": "waste.landfill_mass_balance", "key": item["label"],
            "W [t]": number * scale, "MCF": DEFAULTS[f"mcf:{site}"][0],
            "DOC": DEFAULTS[f"doc:{item['waste_type']}"][0], "DOCf": DEFAULTS["docf"][0],
            "F": DEFAULTS["f"][0], "R [t]": 0.0, "OX": DEFAULTS[f"ox:{site}"][0],
            "CH4 [t]": "=({W [t]}*{MCF}*{DOC}*{DOCf}*{F}*16/12-{R [t]})*(1-{OX})",
        })  # fmt: skip
        book.result("waste.landfill_mass_balance", item["label"], "CH4", ws,
                    block.ref("CH4 [t]", line))  # fmt: skip

    block = Block(ws, "waste.wastewater_domestic / industrial — CH4 = (TOW − S) × B0 × MCF − R",
                  ["category", "key", "TOW [t]", "S [t]", "B0 [kgCH4/kg]", "MCF", "R [t]",
                   "CH4 [t]"])  # fmt: skip
    for category in ("waste.wastewater_domestic", "waste.wastewater_industrial"):
        section = cats[category]
        units = section.get("units", {})
        for item in section["rows"]:
            number, _, scale = given(item["organics"], units.get("organics"))
            sludge = given(item["sludge_removed"], units.get("sludge_removed"))[0] \
                if "sludge_removed" in item else 0.0  # fmt: skip
            b0 = given(item["b0"])[0] if "b0" in item else DEFAULTS[f"b0:{item['basis']}"][0]
            mcf = given(item["mcf"])[0] if "mcf" in item \
                else DEFAULTS[f"ww_mcf:{item['system']}"][0]  # fmt: skip
            recovered = given(item["recovered"])[0] if "recovered" in item else 0.0
            line = block.add({
                "category": category, "key": item["label"], "TOW [t]": number * scale,
                "S [t]": sludge, "B0 [kgCH4/kg]": b0, "MCF": mcf, "R [t]": recovered,
                "CH4 [t]": "=({TOW [t]}-{S [t]})*{B0 [kgCH4/kg]}*{MCF}-{R [t]}",
            })  # fmt: skip
            book.result(category, item["label"], "CH4", ws, block.ref("CH4 [t]", line))

    block = Block(ws, "waste.wastewater_n2o — N2O = (P × Protein × F_NPR × F_NON-CON × F_IND-COM / "
                  "1000 − N_sludge) × EF × 44/28",
                  ["category", "key", "P", "Protein [kg/yr]", "F_NPR", "F_NON-CON", "F_IND-COM",
                   "N_sludge [t]", "EF", "N2O [t]"])  # fmt: skip
    for item in cats["waste.wastewater_n2o"]["rows"]:
        line = block.add({
            "category": "waste.wastewater_n2o", "key": item["label"],
            "P": float(item["population"]), "Protein [kg/yr]": given(item["protein"])[0],
            "F_NPR": DEFAULTS["f_npr"][0], "F_NON-CON": DEFAULTS["f_non_con"][0],
            "F_IND-COM": DEFAULTS["f_ind_com"][0], "N_sludge [t]": given(item["sludge_n"])[0],
            "EF": DEFAULTS["ww_n2o_ef"][0],
            "N2O [t]": "=({P}*{Protein [kg/yr]}*{F_NPR}*{F_NON-CON}*{F_IND-COM}/1000"
                       "-{N_sludge [t]})*{EF}*44/28",
        })  # fmt: skip
        book.result("waste.wastewater_n2o", item["label"], "N2O", ws, block.ref("N2O [t]", line))

    block = Block(
        ws,
        "waste.incineration — CO2 = IW × CCW × FCF × EF × 44/12",
        ["category", "key", "IW [t]", "CCW", "FCF", "EF", "CO2 [t]"],
    )
    for item in cats["waste.incineration"]["rows"]:
        number, _, scale = given(item["waste"])
        kind = item["waste_type"]
        line = block.add({
            "category": "waste.incineration", "key": item["label"], "IW [t]": number * scale,
            "CCW": DEFAULTS[f"incineration_cc:{kind}"][0],
            "FCF": DEFAULTS[f"incineration_fossil:{kind}"][0],
            "EF": DEFAULTS[f"incineration_of:{kind}"][0],
            "CO2 [t]": "={IW [t]}*{CCW}*{FCF}*{EF}*44/12",
        })  # fmt: skip
        book.result("waste.incineration", item["label"], "CO2", ws, block.ref("CO2 [t]", line))
    return checks


# -- lines, totals ---------------------------------------------------------------------------


def lines_and_totals(book: Book, reference_total: str, checks: Sequence[str]) -> None:
    ws = book.sheet("lines")
    headers = ["category", "key", "sector", "reporting", "gas", "gas group", "mass [t]", "GWP",
               "tCO2e"]  # fmt: skip
    for c, header in enumerate(headers, start=1):
        ws.cell(1, c, header).font = BOLD
    for r, (category, key, sector, reporting, gas, ref) in enumerate(book.lines, start=2):
        ws.cell(r, 1, category)
        ws.cell(r, 2, key)
        ws.cell(r, 3, sector)
        ws.cell(r, 4, reporting)
        ws.cell(r, 5, gas)
        ws.cell(r, 6, GAS_GROUP[gas])
        ws.cell(r, 7, f"={ref}")
        ws.cell(r, 8, f"=VLOOKUP(E{r},constants!$A$2:$B${len(GWP_SAR) + 1},2,0)")
        ws.cell(r, 9, f"=G{r}*H{r}")
    last = len(book.lines) + 1
    rng = {h: f"lines!${get_column_letter(i)}$2:${get_column_letter(i)}${last}"
           for i, h in enumerate(headers, start=1)}  # fmt: skip
    ws = book.sheet("totals")
    ws.cell(1, 1, "total").font = BOLD
    ws.cell(1, 2, "value").font = BOLD
    ws.cell(1, 3, "unit").font = BOLD
    rows: list[tuple[str, str, str]] = [
        ("with_lucf_tco2e", f'=SUMIFS({rng["tCO2e"]},{rng["reporting"]},"direct")', "tCO2e"),
        ("without_lucf_tco2e",
         f'=SUMIFS({rng["tCO2e"]},{rng["reporting"]},"direct",{rng["sector"]},"<>lucf")', "tCO2e"),
    ]  # fmt: skip
    for sector in ("energy", "ippu", "agriculture", "lucf", "waste"):
        rows.append((f"sector:{sector}",
                     f'=SUMIFS({rng["tCO2e"]},{rng["reporting"]},"direct",{rng["sector"]},'
                     f'"{sector}")', "tCO2e"))  # fmt: skip
    for group in ("CO2", "CH4", "N2O", "HFCs", "PFCs", "SF6"):
        rows.append((f"gas:{group}",
                     f'=SUMIFS({rng["mass [t]"]},{rng["reporting"]},"direct",{rng["gas group"]},'
                     f'"{group}")', "t"))  # fmt: skip
    for name, category in (("electricity", "energy.indirect_electricity"),
                           ("heat", "energy.indirect_heat")):  # fmt: skip
        rows.append(
            (
                f"indirect:{name}:net",
                f'=SUMIFS({rng["tCO2e"]},{rng["category"]},"{category}")',
                "tCO2",
            )
        )
    rows.append(("reference_approach_tco2", f"={reference_total}", "tCO2"))
    rows.append(("sectoral_approach_tco2",
                 f'=SUMIFS({rng["mass [t]"]},{rng["category"]},"energy.fuel_combustion",'
                 f'{rng["gas"]},"CO2")', "tCO2"))  # fmt: skip
    for i, cell in enumerate(checks):
        rows.append((f"check:fod:{i}", f"={cell}", "t (must be 0)"))
    for r, (name, formula, unit) in enumerate(rows, start=2):
        ws.cell(r, 1, name)
        ws.cell(r, 2, formula)
        ws.cell(r, 3, unit)


def constants_sheet(book: Book) -> None:
    ws = book.sheet("constants")
    ws.cell(1, 1, "gas").font = BOLD
    ws.cell(1, 2, "GWP-100 (IPCC SAR, 1995, Table 2.9)").font = BOLD
    for r, (gas, value) in enumerate(GWP_SAR.items(), start=2):
        ws.cell(r, 1, gas)
        ws.cell(r, 2, value)


def readme_sheet(book: Book) -> None:
    ws = book.sheet("README")
    text = (
        "Golden county (金标县) 2013 — a synthetic inventory worked by hand in this workbook.",
        "Input: tests/golden/inventory/golden_county.yaml. Written by "
        "scripts/make_golden_inventory.py as formulas; recomputed by LibreOffice.",
        "Every result is a formula over the input cells: the guideline's equation, typed here, "
        "never a value copied from citycarbon.",
        "Defaults the county does not give are typed with the id of their factor-library row "
        "(columns 'source').",
        "Masses in tonnes of each gas; CO2e with the IPCC SAR GWP-100 (sheet constants).",
        "tests/golden/test_inventory_golden.py compares citycarbon with the sheets 'lines', "
        "'reference' and 'totals' (rel 1e-9).",
    )
    for r, line in enumerate(text, start=1):
        ws.cell(r, 1, line)


def build(form: Mapping[str, Any]) -> Workbook:
    """The formula workbook of ``form``."""
    book = Book()
    readme_sheet(book)
    constants_sheet(book)
    bal = balance_sheet(book, form)
    energy_sheet(book, form, bal)
    ippu_sheet(book, form)
    agriculture_sheet(book, form)
    lucf_sheet(book, form)
    checks = waste_sheet(book, form)
    reference_total = reference_sheet(book, form, bal)
    lines_and_totals(book, reference_total, checks)
    return book.wb


def recalc(source: Path, target: Path) -> None:
    """Have LibreOffice recompute ``source`` and store it (formulas and values) at ``target``."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise SystemExit("LibreOffice (soffice) is not installed: apt-get install libreoffice-calc")
    with tempfile.TemporaryDirectory() as out:
        subprocess.run(
            [soffice, "--headless", "--calc", "--convert-to", "xlsx", "--outdir", out,
             str(source)],
            check=True, capture_output=True, timeout=300,
        )  # fmt: skip
        shutil.copyfile(Path(out) / source.name, target)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recalc", action="store_true", help="recompute with LibreOffice")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    form = yaml.safe_load(INPUT.read_text("utf-8"))
    workbook = build(form)
    if not args.recalc:
        workbook.save(args.output)
        print(f"wrote {args.output} (formulas only; run with --recalc for the values)")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        formulas = Path(tmp) / args.output.name
        workbook.save(formulas)
        recalc(formulas, args.output)
    print(f"wrote {args.output} (recomputed by LibreOffice)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
