"""Fossil-fuel combustion: sectoral approach from the balance, reference approach, defaults."""

from __future__ import annotations

from typing import Any

import pytest

#: Balance of the sectoral-vs-reference case (10^4 t; natural gas 10^8 Nm3):
#: raw coal  production 300 + inflow 100 − outflow 50 = 350; thermal power −200; coking −100;
#:           iron and steel 20; rural households 30          → 350 − 300 − 50 = 0
#: coke      coking +75; iron and steel 70; rural households 5 → 75 − 75 = 0
#: gas       inflow 5; chemicals 5, of which feedstock 2      → 5 − 5 = 0
BALANCE: dict[str, Any] = {
    "units": {"raw_coal": "10^4 t", "coke": "10^4 t", "natural_gas": "10^8 Nm3"},
    "rows": {
        "production": {"raw_coal": 300},
        "imports": {"raw_coal": 100, "natural_gas": 5},
        "exports": {"raw_coal": -50},
        "thermal_power": {"raw_coal": -200},
        "coking": {"raw_coal": -100, "coke": 75},
        "ind_ferrous_metals": {"raw_coal": 20, "coke": 70},
        "ind_chemicals": {"natural_gas": 5},
        "non_energy.ind_chemicals": {"natural_gas": 2},
        "residential_rural": {"raw_coal": 30, "coke": 5},
    },
}

#: Round local parameters, so that every number below can be worked by hand.
LOCAL: dict[str, Any] = {
    "energy.fuel_combustion": {
        "local": {
            "ncv": {"raw_coal": "20 GJ/t", "coke": "28 GJ/t", "natural_gas": "400 GJ/(10^4 Nm3)"},
            "carbon_content": {
                "raw_coal": "25 tC/TJ",
                "coke": "30 tC/TJ",
                "natural_gas": "15 tC/TJ",
            },
            "oxidation": {"raw_coal": "90 %", "coke": "90 %", "natural_gas": "100 %"},
        }
    },
    "energy.reference_approach": {"local": {"stored_fraction": {"natural_gas": "50 %"}}},
}


@pytest.fixture
def case(form_factory: Any, compile_form: Any) -> Any:
    return compile_form(form_factory(energy_balance=BALANCE, categories=LOCAL))


def _co2_by_fuel(result: Any) -> dict[str, float]:
    out: dict[str, float] = {}
    for line in result.category("energy.fuel_combustion").lines:
        fuel = line.values["fuel"]
        out[fuel] = out.get(fuel, 0.0) + line.masses_t["CO2"]
    return out


def test_sectoral_approach_by_hand(case: Any) -> None:
    co2 = _co2_by_fuel(case)
    # Raw coal burnt: thermal power 200 + iron and steel 20 + households 30 = 250 × 10^4 t
    # = 2 500 000 t × 20 GJ/t = 50 000 TJ × 25 tC/TJ = 1 250 000 tC × 0.9 × 44/12 = 4 125 000 tCO2.
    # The 100 × 10^4 t charged to coke ovens is not burnt there: it is counted as coke.
    assert co2["raw_coal"] == pytest.approx(4_125_000)
    # Coke burnt: 70 + 5 = 75 × 10^4 t = 750 000 t × 28 GJ/t = 21 000 TJ × 30 tC/TJ
    # = 630 000 tC × 0.9 × 44/12 = 2 079 000 tCO2.
    assert co2["coke"] == pytest.approx(2_079_000)
    # Gas burnt: 5 − 2 (feedstock) = 3 × 10^8 Nm3 = 30 000 × 10^4 Nm3 × 400 GJ = 12 000 TJ
    # × 15 tC/TJ = 180 000 tC × 1.0 × 44/12 = 660 000 tCO2.
    assert co2["natural_gas"] == pytest.approx(660_000)
    check = case.checks["energy.reference_approach"]
    assert check["sectoral_tco2"] == pytest.approx(4_125_000 + 2_079_000 + 660_000)


def test_reference_approach_by_hand(case: Any) -> None:
    check = case.checks["energy.reference_approach"]
    fuels = check["fuels"]
    # Raw coal: apparent consumption 350 × 10^4 t × 20 GJ/t = 70 000 TJ × 25 = 1 750 000 tC
    # × 0.9 × 44/12 = 5 775 000 tCO2.
    assert fuels["raw_coal"]["reference_tco2"] == pytest.approx(5_775_000)
    # Coke: none enters or leaves the region: 0.
    assert fuels["coke"]["reference_tco2"] == pytest.approx(0)
    # Gas: 5 × 10^8 Nm3 = 50 000 × 10^4 Nm3 × 400 GJ = 20 000 TJ × 15 = 300 000 tC; stored:
    # 2 × 10^8 Nm3 → 8 000 TJ × 15 × 0.5 = 60 000 tC; (300 000 − 60 000) × 44/12 = 880 000.
    assert fuels["natural_gas"]["reference_tco2"] == pytest.approx(880_000)
    # Total 5 775 000 + 880 000 = 6 655 000 against 6 864 000: −209 000 tCO2, −3.0449 %.
    assert check["reference_tco2"] == pytest.approx(6_655_000)
    assert check["difference_tco2"] == pytest.approx(-209_000)
    assert check["difference_pct"] == pytest.approx(-209_000 / 6_864_000 * 100)
    assert check["within_threshold"] is True  # |−3.04 %| ≤ 5 %


def test_the_difference_is_explained_by_transformation_and_feedstock(case: Any) -> None:
    fuels = case.checks["energy.reference_approach"]["fuels"]
    # Raw coal: 350 apparent − 250 burnt = 100 (×10^4 t) charged to coke ovens
    # = 1 000 000 t × 20 GJ/t = 20 000 TJ.
    assert fuels["raw_coal"]["difference_tj"] == pytest.approx(20_000)
    assert fuels["raw_coal"]["explained_tj"]["transformation_other"] == pytest.approx(20_000)
    # Coke: 0 apparent − 75 burnt = −75 (×10^4 t) made in the region: −21 000 TJ.
    assert fuels["coke"]["explained_tj"]["transformation_other"] == pytest.approx(-21_000)
    # Gas: the feedstock, 2 × 10^8 Nm3 = 8 000 TJ.
    assert fuels["natural_gas"]["explained_tj"]["non_energy"] == pytest.approx(8_000)
    for item in fuels.values():
        assert sum(item["explained_tj"].values()) == pytest.approx(item["difference_tj"])


def test_local_values_are_recorded_as_local(case: Any) -> None:
    line = next(
        line
        for line in case.category("energy.fuel_combustion").lines
        if line.values["activity"] == "thermal_power"
    )
    origins = {p.name: (p.origin, p.given) for p in line.params}
    assert origins["ncv"] == ("local", "20 GJ/t")
    assert origins["quantity"][0] == "activity"
    assert origins["ch4_ef"][0] == "default"


def test_defaults_with_their_factor_rows(form_factory: Any, compile_form: Any) -> None:
    # Thermal power burns 100 × 10^4 t of raw coal; every parameter from the factor library.
    balance = {
        "units": {"raw_coal": "10^4 t", "electricity": "10^4 MWh"},
        "rows": {
            "imports": {"raw_coal": 100},
            "thermal_power": {"raw_coal": -100, "electricity": 20},
            "ind_power_heat": {"electricity": 20},
        },
    }
    result = compile_form(form_factory(energy_balance=balance))
    (line,) = result.category("energy.fuel_combustion").lines
    used = {p.name: p for p in line.params}
    assert used["ncv"].factor_id == "inv.ncv.raw_coal"
    assert used["carbon_content"].factor_id == "inv.cc.raw_coal"
    assert used["oxidation"].factor_id == "inv.of.raw_coal"
    assert used["ch4_ef"].factor_id == "inv.ch4.energy_industries.coal"
    assert used["n2o_ef"].factor_id == "inv.n2o.energy_industries.coal"
    # 1 000 000 t × 20.908 GJ/t = 20 908 TJ; × 26.37 tC/TJ = 551 343.96 tC; × 0.94
    # = 518 263.3224 tC; × 44/12 = 1 900 298.8488 tCO2.
    assert line.masses_t["CO2"] == pytest.approx(1_900_298.8488)
    # IPCC 2006 Table 2.2 (energy industries, coal): CH4 1 kg/TJ, N2O 1.5 kg/TJ:
    # 20 908 kg = 20.908 t CH4; 31 362 kg = 31.362 t N2O.
    assert line.masses_t["CH4"] == pytest.approx(20.908)
    assert line.masses_t["N2O"] == pytest.approx(31.362)
    # SAR: 1 900 298.8488 + 20.908 × 21 + 31.362 × 310 = 1 900 298.8488 + 439.068 + 9 722.22
    assert line.co2e_t == pytest.approx(1_910_460.1368)
    assert line.subcategory == "1A1a"
    assert line.key_group == "1A1 coal"


def test_transport_and_households_take_their_own_factors(
    form_factory: Any, compile_form: Any
) -> None:
    balance = {
        "units": {"gasoline": "t", "raw_coal": "t"},
        "rows": {
            "imports": {"gasoline": 1000, "raw_coal": 1000},
            "transport_road": {"gasoline": 1000},
            "residential_urban": {"raw_coal": 1000},
        },
    }
    result = compile_form(form_factory(energy_balance=balance))
    lines = {line.values["fuel"]: line for line in result.category("energy.fuel_combustion").lines}
    road = lines["gasoline"]
    # 1 000 t × 43.070 GJ/t = 43.07 TJ; road gasoline CH4 33 kg/TJ → 1 421.31 kg = 1.42131 t;
    # N2O 3.2 kg/TJ → 137.824 kg.
    assert road.masses_t["CH4"] == pytest.approx(1.42131)
    assert road.masses_t["N2O"] == pytest.approx(0.137824)
    assert road.subcategory == "1A3b"
    house = lines["raw_coal"]
    # 1 000 t × 20.908 GJ/t = 20.908 TJ × 300 kg/TJ (residential coal) = 6 272.4 kg CH4.
    assert house.masses_t["CH4"] == pytest.approx(6.2724)
    assert house.subcategory == "1A4b"


def test_recovered_blast_furnace_gas_is_not_counted_twice(
    form_factory: Any, compile_form: Any
) -> None:
    # 1 000 × 10^4 Nm3 of blast-furnace gas recovered and burnt in a power plant.
    balance = {
        "units": {"blast_furnace_gas": "10^4 Nm3", "electricity": "MWh"},
        "rows": {
            "recovery": {"blast_furnace_gas": 1000},
            "thermal_power": {"blast_furnace_gas": -1000, "electricity": 100},
            "ind_ferrous_metals": {"electricity": 100},
        },
    }
    result = compile_form(form_factory(energy_balance=balance))
    lines = result.category("energy.fuel_combustion").lines
    burnt = next(line for line in lines if line.values["activity"] == "thermal_power")
    deducted = next(line for line in lines if line.values["mode"] == "recovered")
    # Burnt: 1 000 × 33 GJ = 33 TJ × 70.8 tC/TJ = 2 336.4 tC × 0.99 × 44/12 = 8 480.9 tCO2.
    assert burnt.masses_t["CO2"] == pytest.approx(2336.4 * 0.99 * 44 / 12)
    # Deducted from iron and steel, where its carbon was counted with the coke:
    # 2 336.4 tC × 44/12 = 8 566.8 tCO2.
    assert deducted.masses_t["CO2"] == pytest.approx(-2336.4 * 44 / 12)
    assert deducted.values["activity"] == "ind_ferrous_metals"
    assert deducted.subcategory == "1A2a"


def test_rows_instead_of_a_balance(form_factory: Any, compile_form: Any) -> None:
    rows = {
        "energy.fuel_combustion": {
            "rows": [
                {
                    "fuel": "diesel",
                    "activity": "agriculture",
                    "quantity": "500 t",
                    "ncv": "42.652 GJ/t",
                    "carbon_content": "20.2 tC/TJ",
                    "oxidation": "98 %",
                }
            ]
        }
    }
    result = compile_form(form_factory(categories=rows))
    (line,) = result.category("energy.fuel_combustion").lines
    # 500 × 42.652 = 21 326 GJ = 21.326 TJ × 20.2 = 430.7852 tC × 0.98 × 44/12 = 1 547.95 tCO2
    assert line.masses_t["CO2"] == pytest.approx(430.7852 * 0.98 * 44 / 12)
    assert line.subcategory == "1A4c"


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            {"fuel": "natural_gas", "activity": "agriculture", "quantity": "500 t"},
            "column quantity, value '500 t': natural_gas is measured in 10^4 Nm3",
        ),
        (
            {"fuel": "diesel", "activity": "agriculture", "quantity": "500 MWh"},
            "column quantity, value '500 MWh': unit 'MWh' has the wrong dimension; expected t "
            "or 10^4 Nm3",
        ),
        (
            {"fuel": "diesel", "activity": "agriculture", "quantity": "-5 t"},
            "column quantity, value '-5 t': negative values are not allowed",
        ),
        (
            {"fuel": "whale_oil", "activity": "agriculture", "quantity": "5 t"},
            "column fuel, value 'whale_oil': unknown fuel",
        ),
        (
            {"fuel": "diesel", "activity": "agriculture", "quantity": "5 t", "oxidation": 98},
            "column oxidation, value 98: a unit is required ('%' or 'fraction')",
        ),
    ],
)
def test_bad_rows_are_refused(
    form_factory: Any, refusal: Any, row: dict[str, Any], message: str
) -> None:
    errors = refusal(form_factory(categories={"energy.fuel_combustion": {"rows": [row]}}))
    assert len(errors) == 1
    assert errors[0].startswith("sheet categories.energy.fuel_combustion, row 1, ")
    assert message in errors[0]


def test_balance_and_rows_together_are_refused(form_factory: Any, refusal: Any) -> None:
    rows = {"rows": [{"fuel": "diesel", "activity": "agriculture", "quantity": "5 t"}]}
    errors = refusal(
        form_factory(energy_balance=BALANCE, categories={"energy.fuel_combustion": rows})
    )
    assert errors == [
        "sheet categories.energy.fuel_combustion: energy.fuel_combustion comes from the energy "
        "balance here; give either the balance or rows, not both (they would be counted twice)"
    ]
