"""Energy-indirect, fugitive and miscellaneous source types: hand-worked cases and refusals.

Every case below is worked by hand in its comment; the asserted numbers come from that arithmetic,
never from the code. Each source type is checked through its documented formula function and
through ``compute_report`` with a minimal report of a sector built here (the real sector
declarations live in ``sectors.yaml``, written elsewhere). Refusals name the line, the field and
the value, and leave nothing computed. Every formula function is also evaluated on float arrays
(the bulk path) and must agree with the exact decimal to 1e-12 relative.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

import numpy as np
import pytest

import citycarbon.accounting.engine as engine
from citycarbon.accounting.constants import CH4_DENSITY_T_PER_1E4NM3, CO2_DENSITY_T_PER_1E4NM3
from citycarbon.accounting.engine import LineInput, ReportInput, compute_report
from citycarbon.accounting.model import ReportError, ReportResult, Sector, SectorSource
from citycarbon.accounting.sources import fugitive, grid, heat, misc
from citycarbon.accounting.sources.registry import source_type

D = Decimal

SECTOR = Sector(
    id="energy_test",
    name_zh="测试行业",
    name_en="Test sector",
    guideline="test",
    document="test",
    sources=(
        SectorSource("purchased_heat"),
        SectorSource("exported_heat", "subtract"),
        SectorSource("grid_transmission_loss"),
        SectorSource("coal_mine_methane"),
        SectorSource("coal_mine_co2"),
        SectorSource("methane_flaring"),
        SectorSource("oil_gas_fugitive"),
        SectorSource("biomass_combustion", "memo"),
        SectorSource("welding_co2"),
        SectorSource("wastewater_ch4"),
        SectorSource("co2_recovered", "subtract"),
        SectorSource("urea_additive_co2"),
    ),
    factor_sets=(
        "ndrc2014-coal-mining",
        "ndrc2014-oil-gas",
        "ndrc2015-pulp-paper",
        "ndrc2015-food",
        "ndrc2013-appendix2",
    ),
)


@pytest.fixture(autouse=True)
def _test_sector(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine, "get_sector", lambda _sector_id: SECTOR)


def report(*lines: tuple[str, Mapping[str, Any]], region: str | None = "henan") -> ReportResult:
    """Compute a one-enterprise report for 2014 with the given (source, values) lines."""
    return compute_report(
        ReportInput(
            id="R1",
            sector=SECTOR.id,
            year=2014,
            lines=tuple(LineInput(source, dict(values)) for source, values in lines),
            region=region,
        )
    )


def refused(source: str, values: Mapping[str, Any]) -> list[Any]:
    """The errors of a one-line report that must be refused; asserts nothing was computed."""
    results: list[ReportResult] = []
    with pytest.raises(ReportError) as caught:
        results.append(report((source, values)))
    assert results == []
    return caught.value.errors


def assert_refusal(errors: list[Any], field: str, value: object, words: str, line: int = 1) -> None:
    """One of the errors names line, field and value, and says ``words``."""
    matching = [e for e in errors if e.field == field]
    assert matching, [e.describe() for e in errors]
    error = matching[0]
    assert error.report == "R1"
    assert error.line == line
    assert error.value == value
    assert words in error.message
    assert f"line {line}" in error.describe()
    assert f"field {field}" in error.describe()


def masses(result: ReportResult, line: int = 1) -> Mapping[str, Decimal]:
    return result.lines[line - 1].masses_t


def test_densities_used_by_the_formulas_are_the_guidelines() -> None:
    # The formulas write 7.17 and 19.77 t/10^4 Nm3 as 717/100 and 1977/100.
    assert D(717) / 100 == CH4_DENSITY_T_PER_1E4NM3
    assert D(1977) / 100 == CO2_DENSITY_T_PER_1E4NM3


# -- purchased and exported heat --------------------------------------------------------------


def test_purchased_heat_in_gj_with_the_default_factor() -> None:
    # 1200 GJ x 0.11 tCO2/GJ (heat.default) = 132 tCO2.
    assert heat.heat_co2(D(1200), D("0.11")) == D(132)
    result = report(("purchased_heat", {"quantity": "1200 GJ"}))
    assert masses(result) == {"CO2": D(132)}
    assert result.total.value == D(132)
    factor = next(p for p in result.lines[0].params if p.name == "factor")
    assert (factor.origin, factor.factor_id) == ("default", "heat.default")


def test_purchased_steam_converted_with_its_enthalpy() -> None:
    # 500 t of steam at 2783.74 kJ/kg: AD = 500 x (2783.74 - 83.74) x 10^-3 = 500 x 2.7
    # = 1350 GJ; x 0.11 = 148.5 tCO2.
    assert heat.steam_heat_gj(D(500), D("2783.74")) == D(1350)
    result = report(
        ("purchased_heat", {"medium": "steam", "quantity": "500 t", "enthalpy": "2783.74 kJ/kg"})
    )
    assert masses(result) == {"CO2": D("148.5")}


def test_purchased_hot_water_converted_from_its_temperature() -> None:
    # 2000 t of hot water at 95 °C: AD = 2000 x (95 - 20) x 4.1868 x 10^-3 = 150 x 4.1868
    # = 628.02 GJ; x 0.11 = 69.0822 tCO2. The mass is given in kg (2,000,000 kg = 2000 t).
    assert heat.hot_water_heat_gj(D(2000), D(95)) == D("628.02")
    result = report(
        (
            "purchased_heat",
            {"medium": "hot_water", "quantity": "2000000 kg", "temperature": "95 °C"},
        )
    )
    assert masses(result) == {"CO2": D("69.0822")}


def test_exported_heat_is_subtracted_by_the_sector() -> None:
    # Purchased 1200 GJ (132 tCO2) minus exported 100 GJ at a measured 0.1 tCO2/GJ (10 tCO2)
    # = 122 tCO2.
    result = report(
        ("purchased_heat", {"quantity": "1200 GJ"}),
        ("exported_heat", {"quantity": "100 GJ", "factor": "0.1 tCO2/GJ"}),
    )
    assert masses(result, 2) == {"CO2": D(10)}
    assert result.lines[1].contribution == D(-10)
    assert result.total.value == D(122)


def test_heat_refusals_name_line_field_and_value() -> None:
    assert_refusal(
        refused("purchased_heat", {"quantity": "-5 GJ"}), "quantity", "-5 GJ", "negative"
    )
    # A steam mass without its enthalpy: the steam table is not guessed.
    assert_refusal(
        refused("purchased_heat", {"medium": "steam", "quantity": "500 t"}),
        "enthalpy",
        None,
        "required for steam",
    )
    # A mass with medium heat (the default) is ambiguous.
    assert_refusal(
        refused("purchased_heat", {"quantity": "500 t"}), "quantity", "500 t", "medium steam"
    )
    # Steam below the enthalpy of the 20 °C feed water would give negative heat.
    assert_refusal(
        refused(
            "purchased_heat",
            {"medium": "steam", "quantity": "500 t", "enthalpy": "80 kJ/kg"},
        ),
        "enthalpy",
        "80 kJ/kg",
        "below 83.74",
    )
    # Hot water below 20 °C likewise.
    assert_refusal(
        refused(
            "purchased_heat",
            {"medium": "hot_water", "quantity": "10 t", "temperature": "15 °C"},
        ),
        "temperature",
        "15 °C",
        "below 20",
    )
    # An enthalpy means steam: with medium heat it is refused rather than ignored.
    assert_refusal(
        refused("purchased_heat", {"quantity": "10 GJ", "enthalpy": "2783.74 kJ/kg"}),
        "enthalpy",
        "2783.74 kJ/kg",
        "only for steam",
    )
    # Heat in MWh is energy too and converts; a volume does not.
    assert_refusal(
        refused("exported_heat", {"quantity": "100 Nm3"}), "quantity", "100 Nm3", "dimension"
    )


# -- grid losses ------------------------------------------------------------------------------


def test_grid_loss_balanced_from_the_supply_side() -> None:
    # Loss = 1,000,000 fed in + 200,000 imported - 150,000 exported - 980,000 sold
    # = 70,000 MWh; x 0.5257 tCO2/MWh (central China grid average 2012, Henan, 2014)
    # = 36,799 tCO2.
    assert grid.grid_loss_mwh(D(1000000), D(200000), D(150000), D(980000)) == D(70000)
    assert grid.grid_loss_co2(D(70000), D("0.5257")) == D(36799)
    result = report(
        (
            "grid_transmission_loss",
            {
                "fed_in": "1000000 MWh",
                "imported": "200000 MWh",
                "exported": "150000 MWh",
                "sold": "980000 MWh",
            },
        )
    )
    assert masses(result) == {"CO2": D(36799)}
    factor = next(p for p in result.lines[0].params if p.name == "factor")
    assert factor.factor_id == "grid.central.2012"


def test_grid_loss_given_directly() -> None:
    # 7000 万千瓦时 = 7000 x 10^4 kWh = 70,000 MWh; x 0.6 tCO2/MWh (measured) = 42,000 tCO2.
    result = report(
        ("grid_transmission_loss", {"quantity": "7000 万千瓦时", "factor": "0.6 tCO2/MWh"})
    )
    assert masses(result) == {"CO2": D(42000)}


def test_grid_loss_refusals() -> None:
    # A CCER baseline factor is never a grid average.
    assert_refusal(
        refused(
            "grid_transmission_loss",
            {"quantity": "100 MWh", "factor": "0.9229 tCO2/MWh", "factor_kind": "grid_om"},
        ),
        "factor_kind",
        "grid_om",
        "baseline",
    )
    # More sold than supplied would be a negative loss.
    assert_refusal(
        refused("grid_transmission_loss", {"fed_in": "100 MWh", "sold": "120 MWh"}),
        "sold",
        "120 MWh",
        "more electricity sold than supplied",
    )
    # The loss and the balance at once are contradictory.
    assert_refusal(
        refused("grid_transmission_loss", {"quantity": "10 MWh", "sold": "120 MWh"}),
        "sold",
        "120 MWh",
        "not both",
    )


# -- coal mines -------------------------------------------------------------------------------


def test_coal_mine_methane_underground_high_gas() -> None:
    # Underground: (1500 ventilated + 800 drained - 300 utilised or flared) x 10^4 Nm3
    # x 7.17 t/10^4 Nm3 = 2000 x 7.17 = 14,340 tCH4.
    # Post-mining: 2,000,000 t raw coal x 2.01 kgCH4/t (high-gas default) = 4,020 tCH4.
    # Total 18,360 tCH4; x 21 (SAR) = 385,560 tCO2e.
    assert fugitive.coal_underground_ch4(D(1500), D(800), D(300)) == D(14340)
    assert fugitive.coal_production_ch4(D(2000000), D("0.00201")) == D(4020)
    result = report(
        (
            "coal_mine_methane",
            {
                "mine_type": "high_gas",
                "quantity": "200 万吨",
                "ventilation": "1500 10^4 Nm3",
                "drainage": "800 万立方米",
                "recovered": "300 10^4 Nm3",
            },
        )
    )
    assert masses(result) == {"CH4": D(18360)}
    assert result.total.value == D(385560)
    factor = next(p for p in result.lines[0].params if p.name == "factor")
    assert factor.factor_id == "coal.production_ch4.high_gas"


def test_coal_mine_methane_surface_mine_default() -> None:
    # Surface mine: 1,000,000 t x 1.68 kgCH4/t (1.34 mining + 0.34 post-mining) = 1,680 tCH4.
    result = report(("coal_mine_methane", {"mine_type": "surface", "quantity": "1000000 t"}))
    assert masses(result) == {"CH4": D(1680)}


def test_coal_mine_methane_with_a_volume_factor() -> None:
    # 100,000 t x 3 Nm3/t = 300,000 Nm3 = 30 x 10^4 Nm3; x 7.17 = 215.1 tCH4.
    assert fugitive.coal_production_ch4_from_volume(D(100000), D(3)) == D("215.1")
    result = report(
        (
            "coal_mine_methane",
            {"mine_type": "low_gas", "quantity": "100000 t", "factor": "3 Nm3/t"},
        )
    )
    assert masses(result) == {"CH4": D("215.1")}


def test_coal_mine_methane_refusals() -> None:
    # 2500 recovered but only 1500 + 800 = 2300 x 10^4 Nm3 ventilated and drained.
    errors = refused(
        "coal_mine_methane",
        {
            "mine_type": "high_gas",
            "quantity": "1000 t",
            "ventilation": "1500 10^4 Nm3",
            "drainage": "800 10^4 Nm3",
            "recovered": "2500 10^4 Nm3",
        },
    )
    assert_refusal(errors, "recovered", "2500 10^4 Nm3", "more CH4 recovered")
    # A surface mine has no ventilation shafts.
    assert_refusal(
        refused(
            "coal_mine_methane",
            {"mine_type": "surface", "quantity": "1000 t", "ventilation": "5 10^4 Nm3"},
        ),
        "ventilation",
        "5 10^4 Nm3",
        "surface mine",
    )
    assert_refusal(
        refused("coal_mine_methane", {"mine_type": "open_pit", "quantity": "1000 t"}),
        "mine_type",
        "open_pit",
        "unknown mine_type",
    )


def test_coal_mine_co2() -> None:
    # 120 x 10^4 Nm3 CO2 x 19.77 t/10^4 Nm3 = 2,372.4 tCO2.
    assert fugitive.coal_mine_co2(D(120)) == D("2372.4")
    result = report(("coal_mine_co2", {"quantity": "120 10^4 Nm3"}))
    assert masses(result) == {"CO2": D("2372.4")}
    # Tonnes are a mass, not the volume the guideline meters.
    assert_refusal(
        refused("coal_mine_co2", {"quantity": "120 t"}), "quantity", "120 t", "dimension"
    )


# -- flaring ----------------------------------------------------------------------------------


def test_methane_flaring_with_the_coal_mining_defaults() -> None:
    # 50 x 10^4 Nm3 CH4 x 7.17 = 358.5 t CH4 to the flare. Burnt at 98 %: 358.5 x 0.98
    # = 351.33 t CH4 -> x 44/16 = 966.1575 tCO2. Unburnt: 358.5 x 0.02 = 7.17 tCH4.
    assert fugitive.flaring_co2(D(50), D("0.98")) == D("966.1575")
    assert fugitive.flaring_ch4(D(50), D("0.98")) == D("7.17")
    # The test sector tries the coal-mining guideline first: it counts flare CO2 only (the CH4
    # sent to flares is deducted as destroyed in coal_mine_methane), so the unburnt 7.17 t
    # x 0 % = 0 and the total is the CO2 alone.
    result = report(("methane_flaring", {"quantity": "50 10^4 Nm3"}))
    assert masses(result) == {"CO2": D("966.1575"), "CH4": D(0)}
    assert result.total.value == D("966.1575")
    ids = {p.name: p.factor_id for p in result.lines[0].params}
    assert ids["efficiency"] == "flare.coal_mining"
    assert ids["unburnt_ch4_counted"] == "flare_unburnt.coal_mining"


def test_methane_flaring_counting_the_unburnt_part() -> None:
    # As the oil and gas guideline does (100 %): CH4 7.17 t as above; CO2e (SAR)
    # = 966.1575 + 7.17 x 21 = 966.1575 + 150.57 = 1116.7275.
    result = report(
        ("methane_flaring", {"quantity": "50 10^4 Nm3", "unburnt_ch4_counted": "100 %"})
    )
    assert masses(result) == {"CO2": D("966.1575"), "CH4": D("7.17")}
    assert result.total.value == D("1116.7275")


def test_methane_flaring_measured_efficiency() -> None:
    # Measured efficiency 99.5 %: 10 x 7.17 = 71.7 t; x 0.995 = 71.3415; x 44/16
    # = 196.189125 tCO2; unburnt 71.7 x 0.005 = 0.3585 t, not counted (coal mining).
    result = report(("methane_flaring", {"quantity": "10 10^4 Nm3", "efficiency": "99.5 %"}))
    assert masses(result) == {"CO2": D("196.189125"), "CH4": D(0)}


def test_methane_flaring_refuses_a_share_of_the_unburnt_part() -> None:
    # The guideline counts the unburnt CH4 or not: 50 % is not a rule.
    assert_refusal(
        refused("methane_flaring", {"quantity": "10 10^4 Nm3", "unburnt_ch4_counted": "50 %"}),
        "unburnt_ch4_counted",
        "50 %",
        "100 % or 0 %",
    )


def test_methane_flaring_refuses_an_efficiency_above_100_percent() -> None:
    assert_refusal(
        refused("methane_flaring", {"quantity": "10 10^4 Nm3", "efficiency": "101 %"}),
        "efficiency",
        "101 %",
        "100 %",
    )


# -- oil and gas ------------------------------------------------------------------------------


def test_oil_gas_facilities_with_default_factors() -> None:
    # 3 gas gathering stations all year = 3 facility-years x 27.9 tCH4/(a) = 83.7 tCH4.
    assert fugitive.facility_ch4(D(3), D("27.9")) == D("83.7")
    result = report(
        ("oil_gas_fugitive", {"facility": "gas_gathering_station", "quantity": "3 a"}),
        ("oil_gas_fugitive", {"facility": "oil_wellhead", "quantity": "120 a"}),
    )
    # 120 oil wellheads x 0.23 = 27.6 tCH4.
    assert masses(result, 1) == {"CH4": D("83.7")}
    assert masses(result, 2) == {"CH4": D("27.6")}
    # (83.7 + 27.6) x 21 = 111.3 x 21 = 2337.3 tCO2e.
    assert result.total.value == D("2337.3")


def test_oil_gas_venting_of_gas_with_ch4() -> None:
    # 12 x 10^4 Nm3 vented at 85 % CH4: 12 x 0.85 = 10.2 x 10^4 Nm3 CH4 x 7.17 = 73.134 tCH4.
    assert fugitive.vented_ch4(D(12), D("0.85")) == D("73.134")
    result = report(("oil_gas_fugitive", {"quantity": "12 10^4 Nm3", "ch4_fraction": "85 %"}))
    assert masses(result) == {"CH4": D("73.134")}


def test_oil_gas_refusals() -> None:
    assert_refusal(
        refused("oil_gas_fugitive", {"quantity": "12 10^4 Nm3"}),
        "ch4_fraction",
        None,
        "required for vented gas",
    )
    assert_refusal(refused("oil_gas_fugitive", {"quantity": "3 a"}), "facility", None, "required")
    assert_refusal(
        refused("oil_gas_fugitive", {"quantity": "12 10^4 Nm3", "ch4_fraction": "0.85"}),
        "ch4_fraction",
        "0.85",
        "bare number",
    )
    # A facility type with a vented volume mixes the two methods.
    assert_refusal(
        refused(
            "oil_gas_fugitive",
            {"facility": "gas_wellhead", "quantity": "12 10^4 Nm3", "ch4_fraction": "85 %"},
        ),
        "facility",
        "gas_wellhead",
        "facility-years",
    )
    assert_refusal(
        refused(
            "oil_gas_fugitive",
            {"facility": "gas_wellhead", "quantity": "-2 a"},
        ),
        "quantity",
        "-2 a",
        "negative",
    )


# -- biomass ----------------------------------------------------------------------------------


def test_biomass_co2_is_reported_but_not_counted() -> None:
    # 1000 t x 15 GJ/t x 0.1 tCO2/GJ = 1500 tCO2, reported as memo; the total stays 132 from
    # 1200 GJ of purchased heat.
    assert fugitive.biomass_co2(D(1000), D(15), D("0.1")) == D(1500)
    result = report(
        ("purchased_heat", {"quantity": "1200 GJ"}),
        (
            "biomass_combustion",
            {"quantity": "1000 t", "ncv": "15 GJ/t", "factor": "0.1 tCO2/GJ"},
        ),
    )
    assert masses(result, 2) == {"CO2": D(1500)}
    assert result.memo == {"biomass_combustion": D(1500)}
    assert result.total.value == D(132)
    # Given as heat: 15,000 GJ x 0.1 = 1500 tCO2.
    assert fugitive.biomass_co2_from_heat(D(15000), D("0.1")) == D(1500)
    assert masses(
        report(("biomass_combustion", {"quantity": "15 TJ", "factor": "0.1 tCO2/GJ"}))
    ) == {"CO2": D(1500)}


def test_biomass_refusals() -> None:
    assert_refusal(
        refused("biomass_combustion", {"quantity": "1000 t", "factor": "0.1 tCO2/GJ"}),
        "ncv",
        None,
        "required",
    )


# -- welding, wastewater, recovered CO2, urea ------------------------------------------------


def test_welding_co2() -> None:
    # 12 t of shielding gas with 60 % CO2 by mass = 7.2 tCO2.
    assert misc.welding_co2(D(12), D("0.6")) == D("7.2")
    result = report(("welding_co2", {"quantity": "12 t", "co2_fraction": "60 %"}))
    assert masses(result) == {"CO2": D("7.2")}
    # A 50 % (by volume) CO2 mixture of mean molar mass 40 g/mol is 0.5 x 44 / 40 = 55 % CO2
    # by mass.
    assert misc.co2_mass_fraction(D("0.5"), D(40)) == D("0.55")


def test_welding_refuses_a_fraction_above_100_percent() -> None:
    assert_refusal(
        refused("welding_co2", {"quantity": "12 t", "co2_fraction": "120 %"}),
        "co2_fraction",
        "120 %",
        "100 %",
    )


def test_wastewater_ch4_pulp_and_paper() -> None:
    # TOW 400,000 kg COD, sludge 40,000 kg COD, B0 0.25 kgCH4/kgCOD (default), MCF 0.5 (pulp
    # and paper default), recovered 5,000 kg CH4:
    # (400,000 - 40,000) x 0.25 x 0.5 = 45,000 kg; - 5,000 = 40,000 kg = 40 tCH4.
    # x 21 (SAR) = 840 tCO2e.
    assert misc.wastewater_ch4(D(400), D(40), D("0.25"), D("0.5"), D(5)) == D(40)
    result = report(
        (
            "wastewater_ch4",
            {
                "category": "pulp_paper",
                "quantity": "400000 kg",
                "sludge": "40000 kg",
                "recovered": "5000 kgCH4",
            },
        )
    )
    assert masses(result) == {"CH4": D(40)}
    assert result.total.value == D(840)
    ids = {p.name: p.factor_id for p in result.lines[0].params}
    assert (ids["b0"], ids["mcf"]) == ("wastewater.b0", "wastewater.mcf.pulp_paper")


def test_wastewater_ch4_food_default_and_measured_mcf() -> None:
    # Food manufacturing MCF 0.7: 100 t COD x 0.25 x 0.7 = 17.5 tCH4.
    food = report(("wastewater_ch4", {"category": "food_manufacturing", "quantity": "100 t"}))
    assert masses(food) == {"CH4": D("17.5")}
    # Measured MCF 40 %, no category: 100 x 0.25 x 0.4 = 10 tCH4.
    measured = report(("wastewater_ch4", {"quantity": "100 t", "mcf": "40 %"}))
    assert masses(measured) == {"CH4": D(10)}


def test_wastewater_refusals() -> None:
    # Generated (400 - 40) x 0.25 x 0.5 = 45 t, but 50 t recovered.
    assert_refusal(
        refused(
            "wastewater_ch4",
            {
                "category": "pulp_paper",
                "quantity": "400 t",
                "sludge": "40 t",
                "recovered": "50000 kgCH4",
            },
        ),
        "recovered",
        "50000 kgCH4",
        "more CH4 recovered than generated",
    )
    # Recovered CH4 written as a plain mass is the wrong dimension (a mass of CH4 is needed).
    assert_refusal(
        refused(
            "wastewater_ch4",
            {"category": "pulp_paper", "quantity": "400 t", "recovered": "5000 kg"},
        ),
        "recovered",
        "5000 kg",
        "dimension",
    )
    assert_refusal(
        refused("wastewater_ch4", {"quantity": "400 t", "sludge": "500 t", "mcf": "50 %"}),
        "sludge",
        "500 t",
        "more COD in the sludge",
    )
    assert_refusal(refused("wastewater_ch4", {"quantity": "400 t"}), "mcf", None, "give the MCF")


def test_co2_recovered_by_volume_and_by_mass_is_subtracted() -> None:
    # 100 x 10^4 Nm3 at 99 % CO2: 99 x 19.77 = 1,957.23 tCO2.
    # 500 t at 98 % CO2 by mass: 490 tCO2. Both subtracted: total -2,447.23.
    assert misc.co2_recovered_from_volume(D(100), D("0.99")) == D("1957.23")
    assert misc.co2_recovered(D(500), D("0.98")) == D(490)
    result = report(
        ("co2_recovered", {"quantity": "100 10^4 Nm3", "purity": "99 %"}),
        ("co2_recovered", {"quantity": "500 t", "purity": "98 %"}),
    )
    assert masses(result, 1) == {"CO2": D("1957.23")}
    assert masses(result, 2) == {"CO2": D(490)}
    assert result.total.value == D("-2447.23")


def test_urea_additive_co2() -> None:
    # 15 t of exhaust fluid at 40 % urea: 15 x 0.4 x 12/60 x 44/12 = 6 x 0.2 x 3.666...
    # = 6 x 44/60 = 4.4 tCO2.
    assert misc.urea_additive_co2(D(15), D("0.4")) == D("4.4")
    result = report(("urea_additive_co2", {"quantity": "15000 kg", "purity": "40 %"}))
    assert masses(result) == {"CO2": D("4.4")}


def test_urea_refuses_a_bare_number_for_the_purity() -> None:
    assert_refusal(
        refused("urea_additive_co2", {"quantity": "15 t", "purity": "0.4"}),
        "purity",
        "0.4",
        "bare number",
    )


def test_every_problem_of_a_report_is_reported_at_once() -> None:
    results: list[ReportResult] = []
    with pytest.raises(ReportError) as caught:
        results.append(
            report(
                ("purchased_heat", {"quantity": "-5 GJ"}),
                ("urea_additive_co2", {"quantity": "15 t", "purity": "0.4"}),
            )
        )
    assert results == []
    assert {(e.line, e.field) for e in caught.value.errors} == {(1, "quantity"), (2, "purity")}


# -- the bulk path: float arrays agree with exact decimals ------------------------------------

FORMULAS: list[tuple[Callable[..., Any], tuple[str, ...]]] = [
    (heat.steam_heat_gj, ("500", "2783.74")),
    (heat.hot_water_heat_gj, ("2000", "95")),
    (heat.heat_co2, ("1200", "0.11")),
    (grid.grid_loss_mwh, ("1000000", "200000", "150000", "980000")),
    (grid.grid_loss_co2, ("70000", "0.5257")),
    (fugitive.coal_underground_ch4, ("1500", "800", "300")),
    (fugitive.coal_production_ch4, ("2000000", "0.00201")),
    (fugitive.coal_production_ch4_from_volume, ("100000", "3")),
    (fugitive.coal_mine_co2, ("120",)),
    (fugitive.flaring_co2, ("50", "0.98")),
    (fugitive.flaring_ch4, ("50", "0.98")),
    (fugitive.facility_ch4, ("3", "27.9")),
    (fugitive.vented_ch4, ("12", "0.85")),
    (fugitive.biomass_co2, ("1000", "15", "0.1")),
    (fugitive.biomass_co2_from_heat, ("15000", "0.1")),
    (misc.welding_co2, ("12", "0.6")),
    (misc.co2_mass_fraction, ("0.2", "40.76")),
    (misc.wastewater_ch4_generated, ("400", "40", "0.25", "0.5")),
    (misc.wastewater_ch4, ("400", "40", "0.25", "0.5", "5")),
    (misc.co2_recovered_from_volume, ("100", "0.99")),
    (misc.co2_recovered, ("500", "0.98")),
    (misc.urea_additive_co2, ("15", "0.4")),
]


@pytest.mark.parametrize(("function", "args"), FORMULAS, ids=lambda x: getattr(x, "__name__", ""))
def test_formulas_agree_on_float_arrays(
    function: Callable[..., Any], args: tuple[str, ...]
) -> None:
    # Three elements: the first argument scaled by 1, 1/2 and 2, the others as given.
    scales = (D(1), D("0.5"), D(2))
    exact = [function(D(args[0]) * s, *(D(a) for a in args[1:])) for s in scales]
    arrays = [np.array([float(D(args[0]) * s) for s in scales])]
    arrays += [np.full(len(scales), float(a)) for a in args[1:]]
    bulk = function(*arrays)
    assert isinstance(bulk, np.ndarray)
    np.testing.assert_allclose(bulk, [float(e) for e in exact], rtol=1e-12, atol=0)


def test_source_types_compute_on_float_arrays() -> None:
    # The registered compute functions take the bulk path too (no branching on numbers).
    n = np.array([1.0, 2.0])
    cases: list[tuple[str, dict[str, Any], dict[str, float]]] = [
        # 2 x 1350 GJ of steam... per element: [500, 1000] t x 2.7 GJ/t x 0.11 = [148.5, 297].
        (
            "purchased_heat",
            {
                "medium": "steam",
                "quantity": 500 * n,
                "quantity@unit": "t",
                "enthalpy": np.full(2, 2783.74),
                "factor": np.full(2, 0.11),
            },
            {"CO2": 148.5},
        ),
        (
            "coal_mine_methane",
            {
                "mine_type": "surface",
                "quantity": 1000000 * n,
                "factor": np.full(2, 0.00168),
                "factor@unit": "tCH4/t",
            },
            {"CH4": 1680.0},
        ),
        (
            "methane_flaring",
            {
                "quantity": 50 * n,
                "efficiency": np.full(2, 0.98),
                "unburnt_ch4_counted": np.full(2, 1.0),
            },
            {"CO2": 966.1575, "CH4": 7.17},
        ),
        (
            "wastewater_ch4",
            {"quantity": 100 * n, "b0": np.full(2, 0.25), "mcf": np.full(2, 0.4)},
            {"CH4": 10.0},
        ),
        (
            "grid_transmission_loss",
            {"quantity": 70000 * n, "factor": np.full(2, 0.5257)},
            {"CO2": 36799.0},
        ),
    ]
    for source, values, per_unit in cases:
        out = source_type(source).compute(values)
        assert set(out) == set(per_unit)
        for gas, value in per_unit.items():
            np.testing.assert_allclose(out[gas], value * n, rtol=1e-12, atol=0)
