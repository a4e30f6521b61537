"""Seeded synthetic enterprise-year reports for the benchmarks, generated straight into columns.

The reports look like what a national reporting platform holds: a mix of the 24 sector
guidelines, about 20 lines per report (fuels, electricity and heat for everyone, plus each
sector's process sources), most parameters left to the defaults and some measured. Everything is
driven by the registered source types' field declarations and by the factor library *at run
time*: only sectors and source types that are registered are generated, only fuels and choices
that have defaults for the sector's guideline, and only (region, year) pairs for which a grid
average factor exists.

To add a sector or a source to the mix, edit :data:`SECTOR_MIX` (share of reports, process
sources and their share of the sector's lines), :data:`ENERGY_MIX` (energy sources every sector
with them gets), :data:`FUEL_MIX` (fuels and their typical annual quantities) and, for fields
whose values need care (ranges, dependencies between fields), :data:`DRAWS`.

Generation is not timed by the benchmarks.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from citycarbon.accounting.bulk import MISSING, ReportBatch, SourceBlock, resolve_bulk
from citycarbon.accounting.model import Field, Sector, SourceType
from citycarbon.accounting.sectors import sectors
from citycarbon.accounting.sources import SOURCE_TYPES
from citycarbon.factors import FactorError, FactorLibrary, default_library, fuel
from citycarbon.factors.regions import region_chain, regions

__all__ = [
    "DRAWS",
    "ENERGY_MIX",
    "FUEL_MIX",
    "SECTOR_MIX",
    "Draw",
    "MixReport",
    "generate_batch",
    "sample_reports",
]

# ---------------------------------------------------------------------------------------------
# The mix (edit here)
# ---------------------------------------------------------------------------------------------

#: Sector guideline → (share of reports, {process source: share of the sector's lines}).
#: Shares of reports roughly follow the number of key emitters per sector on a provincial
#: platform; the energy sources of :data:`ENERGY_MIX` are added for every sector whose guideline
#: has them. Shares are normalised.
SECTOR_MIX: Final[dict[str, tuple[float, dict[str, float]]]] = {
    "power_generation": (0.10, {"desulfurisation": 0.05, "biomass_combustion": 0.02}),
    "power_grid": (0.005, {"sf6_electrical_equipment": 0.5, "grid_transmission_loss": 0.5}),
    "iron_steel": (0.05, {"carbonate_decomposition": 0.05, "carbon_mass_balance": 0.08}),
    "chemicals": (
        0.12,
        {
            "carbon_mass_balance": 0.06,
            "carbonate_decomposition": 0.02,
            "nitric_acid_n2o": 0.01,
            "adipic_acid_n2o": 0.005,
            "co2_recovered": 0.01,
        },
    ),
    "aluminium_electrolysis": (
        0.01,
        {"anode_consumption": 0.05, "anode_effect_pfc": 0.05, "carbonate_decomposition": 0.02},
    ),
    "magnesium": (0.005, {"carbon_mass_balance": 0.05, "carbonate_decomposition": 0.08}),
    "flat_glass": (0.01, {"carbonate_decomposition": 0.10, "carbon_mass_balance": 0.02}),
    "cement": (
        0.06,
        {
            "clinker_production": 0.06,
            "raw_meal_organic_carbon": 0.03,
            "carbon_mass_balance": 0.01,
            "biomass_combustion": 0.01,
        },
    ),
    "ceramics": (0.03, {"carbonate_decomposition": 0.08}),
    "civil_aviation": (0.005, {"biomass_combustion": 0.005}),
    "oil_gas_production": (
        0.01,
        # ch4_recovered is left out: it may not exceed the report's fugitive CH4, a bound
        # across lines that this line-by-line generator does not keep.
        {"methane_flaring": 0.05, "oil_gas_fugitive": 0.10, "co2_recovered": 0.01},
    ),
    "petrochemicals": (
        0.02,
        {
            "methane_flaring": 0.03,
            "catalyst_regeneration": 0.03,
            "carbon_mass_balance": 0.05,
            "co2_recovered": 0.01,
        },
    ),
    "coking": (0.015, {"carbon_mass_balance": 0.10, "co2_recovered": 0.01}),
    "coal_mining": (
        0.03,
        {"methane_flaring": 0.02, "coal_mine_methane": 0.08, "coal_mine_co2": 0.03},
    ),
    "pulp_paper": (
        0.04,
        {"carbonate_decomposition": 0.02, "wastewater_ch4": 0.04, "biomass_combustion": 0.02},
    ),
    "other_nonferrous": (0.02, {"carbon_mass_balance": 0.04, "carbonate_decomposition": 0.03}),
    "electronics": (0.03, {"fgas_process_use": 0.08}),
    "machinery": (0.08, {"fgas_process_use": 0.01, "welding_co2": 0.04}),
    "mining": (0.02, {"carbonate_decomposition": 0.04, "co2_recovered": 0.005}),
    "food_tobacco_beverage": (
        0.08,
        {
            "carbonate_decomposition": 0.01,
            "purchased_co2_use": 0.01,
            "wastewater_ch4": 0.05,
            "biomass_combustion": 0.02,
        },
    ),
    "public_buildings": (0.06, {}),
    "land_transport": (0.05, {"mobile_combustion_non_co2": 0.10, "urea_additive_co2": 0.05}),
    "fluorochemicals": (0.005, {"hfc23_byproduct": 0.05, "fgas_process_use": 0.05}),
    "other_industry": (
        0.135,
        {"carbonate_decomposition": 0.01, "wastewater_ch4": 0.02, "co2_recovered": 0.005},
    ),
}

#: Energy sources and their share of a sector's lines (where the guideline has them).
ENERGY_MIX: Final[dict[str, float]] = {
    "fuel_combustion": 0.70,
    "purchased_electricity": 0.14,
    "purchased_heat": 0.04,
    "exported_electricity": 0.015,
    "exported_heat": 0.01,
}

#: Fuel → (share of fuel lines, median annual quantity in the fuel's unit: t or 10⁴ Nm³). Fuels
#: without ncv, carbon content and oxidation defaults for a sector's guideline are dropped.
FUEL_MIX: Final[dict[str, tuple[float, float]]] = {
    "raw_coal": (0.15, 20_000.0),
    "bituminous_coal": (0.06, 50_000.0),
    "anthracite": (0.02, 10_000.0),
    "washed_coal": (0.03, 30_000.0),
    "coke": (0.05, 20_000.0),
    "natural_gas": (0.14, 300.0),
    "diesel": (0.18, 150.0),
    "gasoline": (0.13, 80.0),
    "fuel_oil": (0.03, 500.0),
    "lpg": (0.05, 30.0),
    "kerosene": (0.01, 20.0),
    "crude_oil": (0.01, 10_000.0),
    "refinery_gas": (0.01, 1_000.0),
    "lng": (0.01, 200.0),
    "petroleum_coke": (0.01, 5_000.0),
    "coke_oven_gas": (0.03, 5_000.0),
    "blast_furnace_gas": (0.02, 50_000.0),
    "converter_gas": (0.01, 5_000.0),
}

#: Share of fuel lines that give the heat in GJ instead of the fuel quantity.
HEAT_GIVEN_SHARE: Final = 0.03

#: Share of lines that measure a parameter that has a default (the rest use the default).
MEASURED_SHARE: Final = 0.2

#: Mean number of lines per report (1 + negative binomial, so a long tail of big reports).
LINES_PER_REPORT: Final = 20.0

#: Reporting years tried; those with a grid average factor for the region are used.
YEARS: Final = tuple(range(2013, 2024))


@dataclass(frozen=True)
class Draw:
    """How one numeric field of one source type is drawn.

    ``median``/``sigma``: lognormal; ``low``/``high``: uniform. ``of``: the value is that many
    times field ``of`` of the same line (for bounded quantities, e.g. SF6 recovered ≤ filled).
    ``share``: probability that a line gives the field (for optional fields, or measured ones).
    """

    median: float | None = None
    sigma: float = 1.0
    low: float | None = None
    high: float | None = None
    of: str | None = None
    share: float = 1.0


#: Draws for fields that need care; any other field follows the generic rules of
#: :func:`_draw_generic` (activities lognormal around 1000, fractions 0.9-1.0, ...).
DRAWS: Final[dict[tuple[str, str], Draw]] = {
    ("purchased_electricity", "quantity"): Draw(median=8_000.0, sigma=1.5),
    ("exported_electricity", "quantity"): Draw(median=2_000.0, sigma=1.5),
    ("purchased_heat", "quantity"): Draw(median=20_000.0, sigma=1.5),
    ("exported_heat", "quantity"): Draw(median=5_000.0, sigma=1.5),
    ("desulfurisation", "quantity"): Draw(median=5_000.0),
    ("biomass_combustion", "quantity"): Draw(median=2_000.0),
    ("biomass_combustion", "ncv"): Draw(low=12.0, high=16.0),
    ("biomass_combustion", "factor"): Draw(low=0.09, high=0.11),
    ("sf6_electrical_equipment", "quantity"): Draw(median=200.0),
    ("sf6_electrical_equipment", "recovered"): Draw(of="quantity", low=0.7, high=0.98),
    ("grid_transmission_loss", "quantity"): Draw(median=500_000.0),
    ("carbon_mass_balance", "quantity"): Draw(median=10_000.0, sigma=1.5),
    ("carbon_mass_balance", "carbon_content"): Draw(low=0.01, high=0.9),
    ("carbonate_decomposition", "quantity"): Draw(median=20_000.0, sigma=1.5),
    ("carbonate_decomposition", "purity"): Draw(low=0.85, high=0.99),
    ("nitric_acid_n2o", "quantity"): Draw(median=100_000.0),
    ("nitric_acid_n2o", "usage"): Draw(low=0.8, high=1.0),
    ("adipic_acid_n2o", "quantity"): Draw(median=100_000.0),
    ("adipic_acid_n2o", "usage"): Draw(low=0.8, high=1.0),
    ("co2_recovered", "quantity"): Draw(median=500.0),
    ("co2_recovered", "purity"): Draw(low=0.95, high=0.999),
    ("anode_consumption", "quantity"): Draw(median=200_000.0),
    ("anode_effect_pfc", "quantity"): Draw(median=200_000.0),
    ("clinker_production", "quantity"): Draw(median=1_500_000.0, sigma=0.6),
    ("clinker_production", "kiln_dust"): Draw(of="quantity", low=0.0, high=0.002),
    ("clinker_production", "bypass_dust"): Draw(of="quantity", low=0.0, high=0.001),
    ("clinker_production", "cao"): Draw(low=0.62, high=0.67),
    ("clinker_production", "cao_noncarbonate"): Draw(low=0.0, high=0.01),
    ("clinker_production", "mgo"): Draw(low=0.01, high=0.03),
    ("clinker_production", "mgo_noncarbonate"): Draw(low=0.0, high=0.002),
    ("raw_meal_organic_carbon", "quantity"): Draw(median=2_000_000.0, sigma=0.6),
    ("methane_flaring", "quantity"): Draw(median=50.0),
    # Counted or not (100 % or 0 %), never a share: leave it to the guideline's default.
    ("methane_flaring", "unburnt_ch4_counted"): Draw(low=1.0, high=1.0, share=0.0),
    ("oil_gas_fugitive", "quantity"): Draw(low=1.0, high=200.0),
    ("catalyst_regeneration", "quantity"): Draw(median=5_000.0),
    ("coal_mine_methane", "quantity"): Draw(median=1_000_000.0),
    ("coal_mine_co2", "quantity"): Draw(median=100.0),
    ("wastewater_ch4", "quantity"): Draw(median=2_000.0),
    ("fgas_process_use", "quantity"): Draw(median=500.0),
    ("fgas_process_use", "abated_share"): Draw(low=0.0, high=0.6),
    ("purchased_co2_use", "quantity"): Draw(median=200.0),
    ("mobile_combustion_non_co2", "quantity"): Draw(median=500.0),
    ("welding_co2", "quantity"): Draw(median=20.0),
    ("welding_co2", "co2_fraction"): Draw(low=0.1, high=0.25),
    ("urea_additive_co2", "quantity"): Draw(median=50.0),
    ("urea_additive_co2", "purity"): Draw(low=0.31, high=0.34),
    ("hfc23_byproduct", "quantity"): Draw(median=20_000.0),
    ("hfc23_byproduct", "destroyed"): Draw(of="quantity", low=0.001, high=0.01),
}

#: Choices to draw with given weights (any other required choice is uniform over the labels
#: that have defaults for the sector's guideline).
CHOICE_WEIGHTS: Final[dict[tuple[str, str], dict[str, float]]] = {
    ("desulfurisation", "carbonate"): {"CaCO3": 0.9, "CaMg(CO3)2": 0.1},
    ("carbonate_decomposition", "carbonate"): {
        "CaCO3": 0.6,
        "CaMg(CO3)2": 0.2,
        "MgCO3": 0.1,
        "Na2CO3": 0.1,
    },
    ("raw_meal_organic_carbon", "raw_meal"): {"conventional": 0.9, "high_carbon": 0.1},
    ("sf6_electrical_equipment", "event"): {"repaired": 0.7, "retired": 0.3},
    ("mobile_combustion_non_co2", "fuel"): {
        "diesel": 0.6,
        "gasoline": 0.3,
        "natural_gas": 0.05,
        "lng": 0.03,
        "lpg": 0.02,
    },
    # Anaerobic treatment is what is reported; aerobic systems (MCF 0-0.3) are rare in reports.
    ("wastewater_ch4", "category"): {
        "pulp_paper": 1.0,
        "food_manufacturing": 1.0,
        "tobacco": 0.3,
        "beverage_tea": 0.5,
        "anaerobic_reactor": 1.0,
        "anaerobic_sludge_digester": 0.5,
        "anaerobic_deep_lagoon": 0.3,
    },
    # NF3 has no GWP under SARGWP100 (the default metric), so it is left out of the mix.
    ("fgas_process_use", "gas"): {"CF4": 0.3, "C2F6": 0.2, "SF6": 0.3, "HFC23": 0.1, "C3F8": 0.1},
}


def _vehicles_for(fuel_id: str) -> tuple[str, ...]:
    from citycarbon.accounting.sources.transport import VEHICLES

    return tuple(v for v, (burns, _) in VEHICLES.items() if fuel_id in burns)


#: Choices that depend on another choice of the same line: (source, field) → (the other
#: field, the labels allowed for each of its labels).
CHOICE_DEPENDS: Final[dict[tuple[str, str], tuple[str, Callable[[str], Sequence[str]]]]] = {
    ("mobile_combustion_non_co2", "vehicle"): ("fuel", _vehicles_for),
}

#: Optional choices never drawn (the exact path's default is meant).
NEVER_GIVEN: Final = frozenset({"factor_kind", "medium", "unburnt_ch4"})

# ---------------------------------------------------------------------------------------------
# Generation
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MixReport:
    """What the generator used and left out (for the benchmark's printout)."""

    sectors: tuple[str, ...]
    sources: tuple[str, ...]
    fuels: tuple[str, ...]
    contexts: tuple[tuple[str, int], ...]
    skipped: tuple[str, ...]


def _find(
    library: FactorLibrary,
    field: Field,
    subject: str,
    sector: Sector,
    region: str | None,
    year: int,
) -> bool:
    spec = field.default
    assert spec is not None
    chain = region_chain(region) if subject == "@region" else (subject,)
    for item in chain:
        try:
            library.find(
                spec.parameter,
                item,
                kind=spec.kind,
                guidelines=sector.factor_sets,
                region=region,
                year=year,
            )
        except FactorError:
            continue
        return True
    return False


def _contexts(library: FactorLibrary, source_ids: Sequence[str]) -> list[tuple[str, int]]:
    """(region, year) pairs where every @region default of the mix resolves."""
    needs = [
        f
        for s in source_ids
        for f in SOURCE_TYPES[s].fields
        if f.default is not None and f.default.subject == "@region"
    ]
    any_sector = next(iter(sectors().values()))
    pairs = []
    for region in regions():
        for year in YEARS:
            if all(_find(library, f, "@region", any_sector, region, year) for f in needs):
                pairs.append((region, year))
    return pairs


def _labels(
    library: FactorLibrary, source: SourceType, item: Field, sector: Sector, year: int
) -> list[str]:
    """Labels of choice ``item`` whose keyed defaults all resolve for ``sector``."""
    assert item.choices is not None
    keyed = [
        f for f in source.fields if f.default is not None and f.default.subject_field == item.name
    ]
    return [
        label
        for label in item.choices()
        if all(_find(library, f, label, sector, None, year) for f in keyed)
    ]


def _weights(labels: Sequence[str], wanted: Mapping[str, float] | None) -> npt.NDArray[Any]:
    if wanted is None:
        return np.full(len(labels), 1.0 / len(labels))
    raw = np.array([wanted.get(label, 0.0) for label in labels], dtype=float)
    if raw.sum() == 0:
        raw[:] = 1.0
    weights: npt.NDArray[Any] = raw / raw.sum()
    return weights


def _draw(rng: np.random.Generator, spec: Draw, size: int) -> npt.NDArray[np.float64]:
    if spec.low is not None and spec.high is not None:
        return rng.uniform(spec.low, spec.high, size)
    median = spec.median if spec.median is not None else 1_000.0
    return median * np.exp(rng.normal(0.0, spec.sigma, size))


def _draw_generic(rng: np.random.Generator, item: Field, size: int) -> npt.NDArray[np.float64]:
    if item.kind == "fraction":
        return rng.uniform(0.9, 1.0, size)
    if item.kind == "activity":
        return 1_000.0 * np.exp(rng.normal(0.0, 1.0, size))
    low = float(item.minimum or 0)
    return low + np.exp(rng.normal(0.0, 0.3, size))


def generate_batch(
    n_reports: int,
    *,
    seed: int = 20_121_231,
    library: FactorLibrary | None = None,
    lines_per_report: float = LINES_PER_REPORT,
) -> tuple[ReportBatch, MixReport]:
    """Generate ``n_reports`` reports (about ``lines_per_report`` lines each) as a batch.

    The same seed gives the same batch. Returns the batch and what the mix contained.
    """
    library = library or default_library()
    rng = np.random.default_rng(seed)
    known = sectors()
    skipped: list[str] = []
    plan: dict[str, tuple[float, dict[str, float]]] = {}
    for sector_id, (weight, process) in SECTOR_MIX.items():
        if sector_id not in known:
            skipped.append(f"sector {sector_id} (not registered)")
            continue
        sector = known[sector_id]
        has = {s.source for s in sector.sources}
        shares = {s: w for s, w in ENERGY_MIX.items() if s in has and s in SOURCE_TYPES}
        for source_id, share in process.items():
            if source_id in has and source_id in SOURCE_TYPES:
                shares[source_id] = share
            else:
                skipped.append(f"source {source_id} in {sector_id} (not registered or not in it)")
        if shares:
            plan[sector_id] = (weight, shares)
    sector_ids = tuple(plan)
    source_ids = tuple(sorted({s for _, shares in plan.values() for s in shares}))
    contexts = _contexts(library, source_ids)
    if not contexts:
        raise ValueError("no (region, year) has a grid average factor for the mix")
    year_of = {year for _, year in contexts}
    probe_year = min(year_of)

    # Reports: sector, region and year.
    weights = np.array([plan[s][0] for s in sector_ids])
    report_sector = rng.choice(len(sector_ids), n_reports, p=weights / weights.sum())
    context = rng.integers(0, len(contexts), n_reports)
    region_names = tuple(sorted({r for r, _ in contexts}))
    region_code = {r: i for i, r in enumerate(region_names)}
    report_region = np.array([region_code[contexts[c][0]] for c in context], dtype=np.int32)
    report_year = np.array([contexts[c][1] for c in context], dtype=np.int32)

    # Lines: how many per report, the source of each, the line number within its report.
    extra = lines_per_report - 1.0
    counts = 1 + rng.negative_binomial(2, 2.0 / (2.0 + extra), n_reports)
    line_report = np.repeat(np.arange(n_reports, dtype=np.intp), counts)
    starts = np.cumsum(counts) - counts
    line_number = (np.arange(line_report.size) - starts[line_report] + 1).astype(np.int32)
    line_sector = report_sector[line_report]
    line_source = np.full(line_report.size, -1, dtype=np.int32)
    for code, sector_id in enumerate(sector_ids):
        rows = np.flatnonzero(line_sector == code)
        shares = plan[sector_id][1]
        ids = list(shares)
        p = np.array([shares[s] for s in ids])
        picks = rng.choice(len(ids), rows.size, p=p / p.sum())
        line_source[rows] = np.array([source_ids.index(s) for s in ids])[picks]

    blocks = {}
    used_fuels: set[str] = set()
    for code, source_id in enumerate(source_ids):
        rows = np.flatnonzero(line_source == code)
        source = SOURCE_TYPES[source_id]
        block_sector = line_sector[rows]
        blocks[source_id] = _block(
            rng, library, source, rows.size, line_report[rows], line_number[rows],
            [known[s] for s in sector_ids], block_sector, probe_year, used_fuels,
        )  # fmt: skip
    batch = ReportBatch(
        ids=tuple(f"E{i:06d}-{y}" for i, y in enumerate(report_year.tolist())),
        sector=report_sector.astype(np.int32),
        sectors=sector_ids,
        year=report_year,
        region=report_region,
        regions=region_names,
        blocks=blocks,
    )
    batch = _measure(rng, batch, library)
    mix = MixReport(
        sectors=sector_ids,
        sources=source_ids,
        fuels=tuple(sorted(used_fuels)),
        contexts=tuple(contexts),
        skipped=tuple(skipped),
    )
    return batch, mix


def _block(
    rng: np.random.Generator,
    library: FactorLibrary,
    source: SourceType,
    size: int,
    report: npt.NDArray[np.intp],
    line: npt.NDArray[np.int32],
    sector_objs: Sequence[Sector],
    block_sector: npt.NDArray[Any],
    year: int,
    used_fuels: set[str],
) -> SourceBlock:
    """One source type's lines: choices per sector, then numbers (defaults left as NaN)."""
    choices: dict[str, npt.NDArray[np.int32]] = {}
    labels: dict[str, tuple[str, ...]] = {}
    numbers: dict[str, npt.NDArray[np.float64]] = {}
    units: dict[str, npt.NDArray[np.int8]] = {}
    forced: dict[str, npt.NDArray[np.bool_]] = {}
    for item in source.fields:
        if item.kind != "choice" or item.choices is None:
            continue
        keyed = any(
            f.default is not None and f.default.subject_field == item.name for f in source.fields
        )
        if not item.required and (item.name in NEVER_GIVEN or not keyed):
            continue
        all_labels = item.choices()
        column = np.full(size, MISSING, dtype=np.int32)
        for code, sector in enumerate(sector_objs):
            rows = np.flatnonzero(block_sector == code)
            if rows.size == 0:
                continue
            valid = _labels(library, source, item, sector, year)
            wanted: Mapping[str, float] | None = CHOICE_WEIGHTS.get((source.id, item.name))
            if source.id == "fuel_combustion" and item.name == "fuel":
                valid = [f for f in valid if f in FUEL_MIX]
                wanted = {f: FUEL_MIX[f][0] for f in valid}
                used_fuels.update(valid)
            if not valid:
                # No default for any label in this guideline: the lines measure those fields.
                valid = list(all_labels)
                for keyed_field in source.fields:
                    spec_of = keyed_field.default
                    if spec_of is not None and spec_of.subject_field == item.name:
                        mask = forced.setdefault(keyed_field.name, np.zeros(size, dtype=bool))
                        mask[rows] = True
            depends = CHOICE_DEPENDS.get((source.id, item.name))
            if depends is not None:
                # Drawn among the labels that go with another choice of the same line.
                other, allowed_for = depends
                other_codes = choices[other][rows]
                other_labels = labels[other]
                for other_code in np.unique(other_codes).tolist():
                    here = rows[other_codes == other_code]
                    allowed = [v for v in valid if v in allowed_for(other_labels[other_code])]
                    if allowed:
                        picks = rng.choice(len(allowed), here.size, p=_weights(allowed, wanted))
                        codes = np.array([all_labels.index(v) for v in allowed], dtype=np.int32)
                        column[here] = codes[picks]
                continue
            picks = rng.choice(len(valid), rows.size, p=_weights(valid, wanted))
            column[rows] = np.array([all_labels.index(v) for v in valid], dtype=np.int32)[picks]
        choices[item.name] = column
        labels[item.name] = tuple(all_labels)
    for item in source.fields:
        spec_of = item.default
        if spec_of is None or spec_of.subject_field is not None or spec_of.subject == "@region":
            continue
        for code, sector in enumerate(sector_objs):
            if not _find(library, item, spec_of.subject or item.name, sector, None, year):
                mask = forced.setdefault(item.name, np.zeros(size, dtype=bool))
                mask[block_sector == code] = True
    for name, mask in forced.items():
        item = source.field(name)
        spec = DRAWS.get((source.id, name))
        values = _draw_generic(rng, item, size) if spec is None else _draw(rng, spec, size)
        numbers[name] = np.where(mask, values, np.nan)
        if len(item.units) > 1:
            units[name] = np.where(mask, 0, MISSING).astype(np.int8)
    for item in source.fields:
        if item.kind == "choice" or item.default is not None:
            continue
        spec = DRAWS.get((source.id, item.name))
        if spec is None and not item.required:
            continue
        given = np.ones(size, dtype=bool) if spec is None else rng.random(size) < spec.share
        if spec is None:
            values = _draw_generic(rng, item, size)
        elif spec.of is not None:
            values = numbers[spec.of] * _draw(rng, spec, size)
        else:
            values = _draw(rng, spec, size)
        if item.maximum is not None:
            values = np.minimum(values, float(item.maximum))
        numbers[item.name] = np.where(given, values, np.nan)
        if len(item.units) > 1:
            units[item.name] = np.where(given, 0, MISSING).astype(np.int8)
    if "fuel" in choices and len(source.field("quantity").units) > 1:
        _fuel_quantities(rng, source, choices, labels, numbers, units, size)
    if source.id == "fgas_process_use":
        gas = np.array(labels["gas"])[choices["gas"]]
        field_units = source.field("quantity").units
        units["quantity"] = np.array(
            [field_units.index(f"kg{g}") for g in gas.tolist()], dtype=np.int8
        )
    return SourceBlock(
        source=source.id,
        report=report,
        line=line,
        numbers=numbers,
        units=units,
        choices=choices,
        labels=labels,
    )


def _fuel_quantities(
    rng: np.random.Generator,
    source: SourceType,
    choices: dict[str, npt.NDArray[np.int32]],
    labels: dict[str, tuple[str, ...]],
    numbers: dict[str, npt.NDArray[np.float64]],
    units: dict[str, npt.NDArray[np.int8]],
    size: int,
) -> None:
    """Fuel quantities in the fuel's unit (t or 10⁴ Nm³), some lines as heat in GJ."""
    names = labels["fuel"]
    median = np.array([FUEL_MIX.get(f, (0.0, 1_000.0))[1] for f in names])
    gaseous = np.array([fuel(f).quantity_unit != "t" for f in names])
    codes = choices["fuel"]
    quantity = median[codes] * np.exp(rng.normal(0.0, 1.2, size))
    field_units = source.field("quantity").units
    unit = np.where(gaseous[codes], field_units.index("10^4 Nm3"), field_units.index("t"))
    as_heat = np.zeros(size, dtype=bool)
    if "GJ" in field_units:
        as_heat = rng.random(size) < HEAT_GIVEN_SHARE
        unit = np.where(as_heat, field_units.index("GJ"), unit)
    # A typical NCV turns the quantity into heat: about 25 GJ/t, 300 GJ/10^4 Nm3.
    quantity = np.where(as_heat, quantity * np.where(gaseous[codes], 300.0, 25.0), quantity)
    numbers["quantity"] = quantity
    units["quantity"] = unit.astype(np.int8)


def _measure(rng: np.random.Generator, batch: ReportBatch, library: FactorLibrary) -> ReportBatch:
    """Give a share of the defaulted parameters as measured values near their defaults."""
    resolved = resolve_bulk(batch, library=library)
    blocks = {}
    for source_id, block in batch.blocks.items():
        source = SOURCE_TYPES[source_id]
        numbers = dict(block.numbers)
        units = dict(block.units)
        for item in source.fields:
            if item.default is None or item.name not in resolved.blocks[source_id].columns:
                continue
            default = resolved.blocks[source_id].columns[item.name]
            share = DRAWS.get((source_id, item.name), Draw(share=MEASURED_SHARE)).share
            measured = (rng.random(len(block)) < share) & ~np.isnan(default)
            value = default * rng.uniform(0.97, 1.03, len(block))
            if item.maximum is not None:
                value = np.minimum(value, float(item.maximum))
            given = numbers.get(item.name)
            if given is not None:
                measured &= np.isnan(given)
                numbers[item.name] = np.where(measured, value, given)
            else:
                numbers[item.name] = np.where(measured, value, np.nan)
            if len(item.units) > 1:
                default_unit = resolved.blocks[source_id].units[item.name]
                before = units.get(item.name, np.full(len(block), MISSING, dtype=np.int8))
                units[item.name] = np.where(measured, default_unit, before).astype(np.int8)
        blocks[source_id] = SourceBlock(
            source=source_id,
            report=block.report,
            line=block.line,
            numbers=numbers,
            units=units,
            choices=block.choices,
            labels=block.labels,
        )
    return ReportBatch(
        ids=batch.ids,
        sector=batch.sector,
        sectors=batch.sectors,
        year=batch.year,
        region=batch.region,
        regions=batch.regions,
        blocks=blocks,
    )


def sample_reports(batch: ReportBatch, lines: int, *, seed: int = 7) -> list[int]:
    """Report indices chosen at random until they hold at least ``lines`` lines."""
    counts = np.zeros(len(batch), dtype=np.int64)
    for block in batch.blocks.values():
        counts += np.bincount(block.report, minlength=len(batch))
    order = np.random.default_rng(seed).permutation(len(batch))
    total = np.cumsum(counts[order])
    stop = int(np.searchsorted(total, lines)) + 1
    return sorted(order[:stop].tolist())


def describe(batch: ReportBatch) -> dict[str, Any]:
    """Counts of reports, lines and lines by source type."""
    return {
        "reports": len(batch),
        "lines": batch.line_count,
        "by_source": {k: len(v) for k, v in batch.blocks.items()},
    }
