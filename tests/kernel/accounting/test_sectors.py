"""The 24 sector guidelines as compositions of source types (``accounting/data/sectors.yaml``).

The expected compositions below are the guidelines' own definitions of the total, as recorded with
their sources in docs/sectors.md: what each adds, what it deducts and what it reports apart.
"""

from __future__ import annotations

from decimal import Decimal
from importlib import resources
from typing import Any

import pytest
import yaml

from citycarbon.accounting import engine
from citycarbon.accounting.model import SourceType
from citycarbon.accounting.sectors import _load, sectors
from citycarbon.accounting.sources import SOURCE_TYPES
from citycarbon.factors import ANY, default_library

#: The source-type ids of the registry the sectors are composed of.
SOURCE_IDS = (
    "fuel_combustion", "purchased_electricity", "exported_electricity", "purchased_heat",
    "exported_heat", "carbonate_decomposition", "clinker_production", "raw_meal_organic_carbon",
    "desulfurisation", "carbon_mass_balance", "nitric_acid_n2o", "adipic_acid_n2o",
    "catalyst_regeneration", "hfc23_byproduct", "sf6_electrical_equipment", "fgas_process_use",
    "anode_consumption", "anode_effect_pfc", "grid_transmission_loss", "coal_mine_methane",
    "coal_mine_co2", "methane_flaring", "oil_gas_fugitive", "biomass_combustion", "welding_co2",
    "wastewater_ch4", "co2_recovered", "urea_additive_co2", "ch4_recovered",
    "purchased_co2_use", "mobile_combustion_non_co2",
)  # fmt: skip

BATCH_1 = "发改办气候〔2013〕2526号"
BATCH_2 = "发改办气候〔2014〕2920号"
BATCH_3 = "发改办气候〔2015〕1722号"

#: Sector id → (document number, guideline id) in the order of the three batches.
SECTORS: dict[str, tuple[str, str]] = {
    "power_generation": (BATCH_1, "ndrc2013-power-generation"),
    "power_grid": (BATCH_1, "ndrc2013-power-grid"),
    "iron_steel": (BATCH_1, "ndrc2013-iron-steel"),
    "chemicals": (BATCH_1, "ndrc2013-chemicals"),
    "aluminium_electrolysis": (BATCH_1, "ndrc2013-aluminium"),
    "magnesium": (BATCH_1, "ndrc2013-magnesium"),
    "flat_glass": (BATCH_1, "ndrc2013-flat-glass"),
    "cement": (BATCH_1, "ndrc2013-cement"),
    "ceramics": (BATCH_1, "ndrc2013-ceramics"),
    "civil_aviation": (BATCH_1, "ndrc2013-civil-aviation"),
    "oil_gas_production": (BATCH_2, "ndrc2014-oil-gas"),
    "petrochemicals": (BATCH_2, "ndrc2014-petrochemicals"),
    "coking": (BATCH_2, "ndrc2014-coking"),
    "coal_mining": (BATCH_2, "ndrc2014-coal-mining"),
    "pulp_paper": (BATCH_3, "ndrc2015-pulp-paper"),
    "other_nonferrous": (BATCH_3, "ndrc2015-other-nonferrous"),
    "electronics": (BATCH_3, "ndrc2015-electronics"),
    "machinery": (BATCH_3, "ndrc2015-machinery"),
    "mining": (BATCH_3, "ndrc2015-mining"),
    "food_tobacco_beverage": (BATCH_3, "ndrc2015-food"),
    "public_buildings": (BATCH_3, "ndrc2015-public-buildings"),
    "land_transport": (BATCH_3, "ndrc2015-land-transport"),
    "fluorochemicals": (BATCH_3, "ndrc2015-fluorochemicals"),
    "other_industry": (BATCH_3, "ndrc2015-other-industry"),
}

# Net purchased electricity and heat: purchased added, supplied to others deducted.
_NET_POWER = {"purchased_electricity": "add", "exported_electricity": "subtract"}
_NET_HEAT = {"purchased_heat": "add", "exported_heat": "subtract"}
_NET = {**_NET_POWER, **_NET_HEAT}

#: Sector id → {source id: treatment}: each guideline's definition of its total (docs/sectors.md).
COMPOSITION: dict[str, dict[str, str]] = {
    # E = E_fuel + E_desulfurisation + E_electricity (bought); co-fired biomass CO2 apart.
    "power_generation": {
        "fuel_combustion": "add",
        "desulfurisation": "add",
        "purchased_electricity": "add",
        "biomass_combustion": "memo",
    },
    # E = E_SF6 (repair + retirement) + E_losses.
    "power_grid": {"sf6_electrical_equipment": "add", "grid_transmission_loss": "add"},
    # E = E_fuel + E_process (fluxes, electrodes, bought raw materials) − R_fixed carbon + E_net.
    "iron_steel": {
        "fuel_combustion": "add",
        "carbonate_decomposition": "add",
        "carbon_mass_balance": "add",
        **_NET,
    },
    # E = E_fuel + E_process (feedstock carbon, carbonates, HNO3 and adipic N2O) − R_CO2 + E_net.
    "chemicals": {
        "fuel_combustion": "add",
        "carbon_mass_balance": "add",
        "carbonate_decomposition": "add",
        "nitric_acid_n2o": "add",
        "adipic_acid_n2o": "add",
        "co2_recovered": "subtract",
        **_NET,
    },
    # E = E_fuel + E_anodes + E_anode effects (PFC) + E_limestone + E_net.
    "aluminium_electrolysis": {
        "fuel_combustion": "add",
        "anode_consumption": "add",
        "anode_effect_pfc": "add",
        "carbonate_decomposition": "add",
        **_NET,
    },
    # E = E_fuel + E_reductant (ferrosilicon) + E_dolomite + E_net.
    "magnesium": {
        "fuel_combustion": "add",
        "carbon_mass_balance": "add",
        "carbonate_decomposition": "add",
        **_NET,
    },
    # E = E_fuel + E_carbon powder + E_carbonates + E_net.
    "flat_glass": {
        "fuel_combustion": "add",
        "carbonate_decomposition": "add",
        "carbon_mass_balance": "add",
        **_NET,
    },
    # E = E_fuel + E_alternative fuels (non-biomass C) + E_clinker + E_raw-meal carbon + E_net.
    "cement": {
        "fuel_combustion": "add",
        "carbon_mass_balance": "add",
        "clinker_production": "add",
        "raw_meal_organic_carbon": "add",
        **_NET,
        "biomass_combustion": "memo",
    },
    # E = E_fuel + E_firing (carbonates) + E_net production electricity.
    "ceramics": {"fuel_combustion": "add", "carbonate_decomposition": "add", **_NET_POWER},
    # E = E_fuel + E_net; the biogenic share of blended fuels apart.
    "civil_aviation": {"fuel_combustion": "add", **_NET, "biomass_combustion": "memo"},
    # E = E_fuel + E_flares (CO2 and unburnt CH4) + E_venting and fugitive − R_CH4 − R_CO2 + E_net.
    "oil_gas_production": {
        "fuel_combustion": "add",
        "methane_flaring": "add",
        "oil_gas_fugitive": "add",
        "ch4_recovered": "subtract",
        "co2_recovered": "subtract",
        **_NET,
    },
    # E = E_fuel + E_flares + E_catalyst coke + E_other units (carbon balance) − R_CO2 + E_net.
    "petrochemicals": {
        "fuel_combustion": "add",
        "methane_flaring": "add",
        "catalyst_regeneration": "add",
        "carbon_mass_balance": "add",
        "co2_recovered": "subtract",
        **_NET,
    },
    # E = E_fuel + E_coking (carbon balance) − R_CO2 + E_net.
    "coking": {
        "fuel_combustion": "add",
        "carbon_mass_balance": "add",
        "co2_recovered": "subtract",
        **_NET,
    },
    # E = E_fuel + E_flares + E_CH4 (underground, surface, post-mining) + E_CO2 escape + E_net.
    "coal_mining": {
        "fuel_combustion": "add",
        "methane_flaring": "add",
        "coal_mine_methane": "add",
        "coal_mine_co2": "add",
        **_NET,
    },
    # E = E_fuel + E_lime kiln + E_wastewater CH4 + E_net; biomass fuels apart.
    "pulp_paper": {
        "fuel_combustion": "add",
        "carbonate_decomposition": "add",
        "wastewater_ch4": "add",
        **_NET,
        "biomass_combustion": "memo",
    },
    # E = E_fuel + E_energy as raw material + E_carbonates and oxalic acid + E_net.
    "other_nonferrous": {
        "fuel_combustion": "add",
        "carbon_mass_balance": "add",
        "carbonate_decomposition": "add",
        **_NET,
    },
    # E = E_fuel + E_etching and CVD cleaning + E_net.
    "electronics": {"fuel_combustion": "add", "fgas_process_use": "add", **_NET},
    # E = E_fuel + E_electrical/refrigeration equipment gases + E_welding + E_net.
    "machinery": {
        "fuel_combustion": "add",
        "fgas_process_use": "add",
        "welding_co2": "add",
        **_NET,
    },
    # E = E_fuel + E_net + E_carbonates − E_carbonation absorption.
    "mining": {
        "fuel_combustion": "add",
        "carbonate_decomposition": "add",
        "co2_recovered": "subtract",
        **_NET,
    },
    # E = E_fuel + E_carbonates + E_purchased CO2 lost in use + E_wastewater CH4 + E_net; pure
    # biomass fuel counts zero.
    "food_tobacco_beverage": {
        "fuel_combustion": "add",
        "carbonate_decomposition": "add",
        "purchased_co2_use": "add",
        "wastewater_ch4": "add",
        **_NET,
        "biomass_combustion": "memo",
    },
    # E = E_fuel + E_electricity + E_heat.
    "public_buildings": {"fuel_combustion": "add", **_NET},
    # E = E_fuel CO2 + E_fuel CH4 and N2O + E_exhaust after-treatment (urea) + E_net.
    "land_transport": {
        "fuel_combustion": "add",
        "mobile_combustion_non_co2": "add",
        "urea_additive_co2": "add",
        **_NET,
    },
    # E = E_fuel + E_HFC-23 (and the CO2 of HFC-23 destroyed) + E_production by-products and
    # leaks + E_net.
    "fluorochemicals": {
        "fuel_combustion": "add",
        "hfc23_byproduct": "add",
        "fgas_process_use": "add",
        **_NET,
    },
    # E = E_fuel + E_carbonates + E_wastewater CH4 − R_CO2 + E_net.
    "other_industry": {
        "fuel_combustion": "add",
        "carbonate_decomposition": "add",
        "wastewater_ch4": "add",
        "co2_recovered": "subtract",
        **_NET,
    },
}

APPENDIX2 = "ndrc2013-appendix2"


def _raw_sectors() -> list[dict[str, Any]]:
    text = (resources.files("citycarbon.accounting") / "data" / "sectors.yaml").read_text("utf-8")
    data = yaml.safe_load(text)["sectors"]
    assert isinstance(data, list)
    return data


def _stub(source_id: str) -> SourceType:
    return SourceType(
        id=source_id,
        name_en=source_id,
        name_zh=source_id,
        gases=("CO2",),
        fields=(),
        compute=lambda values: {},
        formula="stub",
        reference="stub",
    )


@pytest.fixture
def stubbed_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    """Register a stub for every source id the registry does not have yet (test-only, undone)."""
    for source_id in SOURCE_IDS:
        if source_id not in SOURCE_TYPES:
            monkeypatch.setitem(SOURCE_TYPES, source_id, _stub(source_id))


@pytest.fixture
def declared(stubbed_registry: None) -> dict[str, Any]:
    return _load(_raw_sectors())


def test_the_24_sectors_in_batch_order(declared: dict[str, Any]) -> None:
    assert list(declared) == list(SECTORS)


@pytest.mark.parametrize("sector_id", list(SECTORS))
def test_sector_identity(declared: dict[str, Any], sector_id: str) -> None:
    sector = declared[sector_id]
    number, guideline = SECTORS[sector_id]
    assert sector.guideline == guideline
    assert sector.document.endswith(number)
    assert "温室气体排放核算方法与报告" in sector.document
    assert sector.factor_sets == (guideline, APPENDIX2)
    assert sector.name_zh
    assert sector.name_en


@pytest.mark.parametrize("sector_id", list(SECTORS))
def test_sector_composition(declared: dict[str, Any], sector_id: str) -> None:
    sector = declared[sector_id]
    assert {s.source: s.treatment for s in sector.sources} == COMPOSITION[sector_id]
    assert len({s.source for s in sector.sources}) == len(sector.sources)


def test_every_source_type_is_used_by_some_sector() -> None:
    used = {source for composition in COMPOSITION.values() for source in composition}
    assert used == set(SOURCE_IDS)


def test_deductions_and_memo_items_explain_themselves(declared: dict[str, Any]) -> None:
    for sector in declared.values():
        for item in sector.sources:
            if item.treatment == "memo" or item.source in {"co2_recovered", "ch4_recovered"}:
                assert item.note, f"{sector.id}: {item.source} needs a note"


def test_guideline_specific_fuel_defaults_reach_their_sector(declared: dict[str, Any]) -> None:
    library = default_library()
    # Iron and steel has its own coke NCV (28.447 GJ/t); cement falls back to the shared 28.435.
    steel = library.find("ncv", "coke", guidelines=declared["iron_steel"].factor_sets)
    cement = library.find("ncv", "coke", guidelines=declared["cement"].factor_sets)
    assert (steel.id, str(steel.value)) == ("ncv.coke.ndrc2013-iron-steel", "28.447")
    assert (cement.id, str(cement.value)) == ("ncv.coke", "28.435")


def test_every_guideline_set_in_the_factor_library_belongs_to_a_sector() -> None:
    sets = {row.guideline for row in default_library().rows}
    known = {guideline for _, guideline in SECTORS.values()}
    known |= {APPENDIX2, ANY, "mee-nbs-electricity-factors"}
    # The city-inventory sets (factors/data/inventory_*.csv): no enterprise sector names them.
    known |= {"provincial2011", "ipcc1996", "ipcc2006", "ipcc2019"}
    assert sets <= known, f"unknown guideline sets: {sorted(sets - known)}"


def test_all_24_sectors_load_with_their_registered_sources() -> None:
    # Uses the real registry: every source id must be registered by citycarbon.accounting.sources.
    loaded = sectors()
    assert list(loaded) == list(SECTORS)
    for sector_id, sector in loaded.items():
        assert {s.source: s.treatment for s in sector.sources} == COMPOSITION[sector_id]


# ---- refusals ----------------------------------------------------------------------------------


def _one(**changes: Any) -> list[dict[str, Any]]:
    entry = {
        "id": "demo",
        "name_zh": "示例",
        "name_en": "Demo",
        "guideline": "demo-guideline",
        "document": "demo document",
        "sources": ["fuel_combustion"],
    }
    entry.update(changes)
    return [entry]


def test_unknown_source_is_refused(stubbed_registry: None) -> None:
    with pytest.raises(ValueError, match="unknown source 'no_such_source'"):
        _load(_one(sources=[{"source": "no_such_source"}]))


def test_unknown_treatment_is_refused(stubbed_registry: None) -> None:
    with pytest.raises(ValueError, match="bad treatment 'ignore'"):
        _load(_one(sources=[{"source": "fuel_combustion", "treatment": "ignore"}]))


def test_duplicate_sector_is_refused(stubbed_registry: None) -> None:
    with pytest.raises(ValueError, match="sector 'demo' twice"):
        _load(_one() + _one())


def test_a_henan_cement_report_uses_the_sector_defaults(
    declared: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine, "get_sector", lambda sector_id: declared[sector_id])
    report = engine.ReportInput(
        id="r1",
        sector="cement",
        year=2013,
        region="henan",
        lines=(
            engine.LineInput("purchased_electricity", {"quantity": "1000 MWh"}),
            engine.LineInput("fuel_combustion", {"fuel": "raw_coal", "quantity": "100 t"}),
        ),
    )
    result = engine.compute_report(report)
    # Electricity: 1000 MWh × 0.5257 tCO2/MWh (central China grid, 2012) = 525.7 t.
    # Raw coal: 100 t × 20.908 GJ/t × 0.02637 tC/GJ × 0.94 × 44/12 = 190.02988488 t.
    assert result.total.value == Decimal("715.72988488")
    used = {p.factor_id for line in result.lines for p in line.params if p.factor_id}
    assert used == {"grid.central.2012", "ncv.raw_coal", "cc.raw_coal", "of.raw_coal"}
