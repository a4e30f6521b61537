"""Coal mining, oil and gas, biomass and indirect electricity: hand-worked lines and refusals."""

from __future__ import annotations

from typing import Any

import pytest


def _one(result: Any, category: str) -> Any:
    (line,) = result.category(category).lines
    return line


def test_coal_mining_high_gas_mine(form_factory: Any, compile_form: Any) -> None:
    rows = [
        {
            "mine_type": "underground_high_gas",
            "production": "100 10^4 t",
            "ef_mining": "15 m3/t",
            "recovered": "200 10^4 m3",
        }
    ]
    result = compile_form(form_factory(categories={"energy.coal_mining": {"rows": rows}}))
    line = _one(result, "energy.coal_mining")
    # (1 000 000 t × (15 + 4.0 m3/t post-mining, IPCC high) − 2 000 000 m3 recovered)
    # = 17 000 000 m3 × 0.67 kg/m3 = 11 390 000 kg = 11 390 t CH4.
    assert line.masses_t["CH4"] == pytest.approx(11_390)
    # SAR GWP of CH4 is 21: 239 190 tCO2e.
    assert line.co2e_t == pytest.approx(239_190)
    used = {p.name: p for p in line.params}
    assert used["ef_mining"].origin == "measured"
    assert used["ef_post_mining"].factor_id == "inv.post_mining.underground_high_gas"
    assert used["density"].factor_id == "inv.ch4_density"
    assert line.subcategory == "1B1ai"


def test_coal_mining_surface_mine_with_defaults(form_factory: Any, compile_form: Any) -> None:
    rows = [{"mine_type": "surface", "production": "500000 t"}]
    result = compile_form(form_factory(categories={"energy.coal_mining": {"rows": rows}}))
    line = _one(result, "energy.coal_mining")
    # 500 000 t × (1.2 + 0.1 m3/t) = 650 000 m3 × 0.67 kg/m3 = 435 500 kg = 435.5 t CH4;
    # nothing recovered (assumed zero).
    assert line.masses_t["CH4"] == pytest.approx(435.5)
    recovered = next(p for p in line.params if p.name == "recovered")
    assert (recovered.origin, recovered.value) == ("assumed", 0.0)
    assert line.subcategory == "1B1aii"


def test_more_gas_recovered_than_released_is_refused(form_factory: Any, refusal: Any) -> None:
    rows = [
        {
            "mine_type": "underground_low_gas",
            "production": "1000000 t",
            "ef_mining": "15 m3/t",
            "recovered": "1600 10^4 m3",
        }
    ]
    errors = refusal(form_factory(categories={"energy.coal_mining": {"rows": rows}}))
    # released in mining: 1 000 000 t × 15 m3/t = 15 000 000 m3 < 16 000 000 m3
    assert errors == [
        "sheet categories.energy.coal_mining, row 1, column recovered, value '1600 10^4 m3': "
        "more gas recovered (1.6e+07 m3) than released by mining (1.5e+07 m3 = production × "
        "ef_mining)"
    ]


def test_gas_distribution(form_factory: Any, compile_form: Any) -> None:
    rows = [{"segment": "gas_distribution", "activity": "1 10^8 Nm3"}]
    result = compile_form(form_factory(categories={"energy.oil_gas_fugitive": {"rows": rows}}))
    line = _one(result, "energy.oil_gas_fugitive")
    # 10^8 Nm3 = 10 000 × 10^4 Nm3 × 0.018 tCH4/10^4 Nm3 = 180 t CH4.
    assert line.masses_t["CH4"] == pytest.approx(180)
    assert line.subcategory == "1B2b"


def test_oil_segment_with_gas_units_is_refused(form_factory: Any, refusal: Any) -> None:
    rows = [{"segment": "oil_refining", "activity": "100 10^4 Nm3", "ef": "1 tCH4/(10^4 Nm3)"}]
    errors = refusal(form_factory(categories={"energy.oil_gas_fugitive": {"rows": rows}}))
    assert errors == [
        "sheet categories.energy.oil_gas_fugitive, row 1, column activity, value "
        "'100 10^4 Nm3': oil_refining activity is in t",
        "sheet categories.energy.oil_gas_fugitive, row 1, column ef, value "
        "'1 tCH4/(10^4 Nm3)': oil_refining factor is in tCH4/t",
    ]


def test_a_segment_without_default_needs_a_local_factor(form_factory: Any, refusal: Any) -> None:
    rows = [{"segment": "oil_refining", "activity": "100 t"}]
    errors = refusal(form_factory(categories={"energy.oil_gas_fugitive": {"rows": rows}}))
    assert len(errors) == 1
    assert errors[0].startswith(
        "sheet categories.energy.oil_gas_fugitive, row 1, column ef: not given, and no default "
        "fugitive_ef for oil_refining"
    )


def test_biomass_in_households(form_factory: Any, compile_form: Any) -> None:
    rows = [{"fuel": "straw", "activity": "residential", "quantity": "1 10^4 t"}]
    result = compile_form(form_factory(categories={"energy.biomass_combustion": {"rows": rows}}))
    line = _one(result, "energy.biomass_combustion")
    # 10 000 t × 11.6 GJ/t = 116 TJ; CH4 300 kg/TJ → 34 800 kg; N2O 4 kg/TJ → 464 kg.
    assert line.masses_t == {"CH4": pytest.approx(34.8), "N2O": pytest.approx(0.464)}
    # Biogenic CO2 100 t/TJ × 116 TJ = 11 600 t: a memo item, in no total.
    assert line.memo_t == {"CO2": pytest.approx(11_600)}
    assert result.memo == {"CO2": pytest.approx(11_600)}
    assert "CO2" not in result.by_gas_t()
    assert line.subcategory == "1A4b"


def test_biomass_factor_per_tonne(form_factory: Any, compile_form: Any) -> None:
    rows = [
        {
            "fuel": "firewood",
            "activity": "residential",
            "device": "traditional_stove",
            "quantity": "1000 t",
            "ch4_ef": "5 kgCH4/t",
            "n2o_ef": "0.06 kgN2O/t",
        }
    ]
    result = compile_form(form_factory(categories={"energy.biomass_combustion": {"rows": rows}}))
    line = _one(result, "energy.biomass_combustion")
    # 1 000 t × 5 kg/t = 5 000 kg = 5 t CH4; × 0.06 kg/t = 60 kg N2O.
    assert line.masses_t == {"CH4": pytest.approx(5), "N2O": pytest.approx(0.06)}


ELECTRICITY: dict[str, Any] = {
    "units": {"electricity": "10^8 kWh", "raw_coal": "10^4 t"},
    "rows": {
        # electricity: 10 in − 2 out + 0 made = 8 used
        "imports": {"electricity": 10, "raw_coal": 1},
        "exports": {"electricity": -2},
        "other_services": {"electricity": 8},
        "residential_urban": {"raw_coal": 1},
    },
}


def test_electricity_imports_and_exports_are_indirect(form_factory: Any, compile_form: Any) -> None:
    result = compile_form(form_factory(energy_balance=ELECTRICITY))
    # 10 × 10^8 kWh = 1 000 000 MWh × 0.5257 tCO2/MWh (华中 grid average, 2012) = 525 700 t;
    # 2 × 10^8 kWh = 200 000 MWh × 0.5257 = 105 140 t; net 420 560 t.
    assert result.indirect["electricity"] == {
        "imports_tco2": pytest.approx(525_700),
        "exports_tco2": pytest.approx(105_140),
        "net_tco2": pytest.approx(420_560),
    }
    factor = next(
        p
        for line in result.category("energy.indirect_electricity").lines
        for p in line.params
        if p.name == "grid_ef"
    )
    assert factor.factor_id == "grid.central.2012"
    # Reported separately: the direct total is the household coal alone.
    direct = result.total().value
    coal = result.category("energy.fuel_combustion").co2e_t
    assert float(direct) == pytest.approx(coal)


def test_electricity_without_a_grid_factor_for_the_year(form_factory: Any, refusal: Any) -> None:
    form = form_factory(energy_balance=ELECTRICITY)
    form["inventory"]["year"] = 2010
    errors = refusal(form)
    assert len(errors) == 2  # the import and the export line
    assert (
        "column grid_ef: not given, and no default grid_ef for henan, central_china_grid"
        in (errors[0])
    )


def test_a_local_grid_factor(form_factory: Any, compile_form: Any) -> None:
    form = form_factory(
        energy_balance=ELECTRICITY,
        categories={"energy.indirect_electricity": {"local": {"grid_ef": "0.6 tCO2/MWh"}}},
    )
    form["inventory"]["year"] = 2010
    result = compile_form(form)
    # (1 000 000 − 200 000) MWh × 0.6 = 480 000 t
    assert result.indirect["electricity"]["net_tco2"] == pytest.approx(480_000)
