"""The energy balance table: parsing, units, signs, sums — and refusals that name the cell."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from citycarbon.inventory.energy.balance import parse_balance
from citycarbon.inventory.form import read_form
from citycarbon.inventory.model import InventoryError

#: A small balance in yearbook units (10^4 t, 10^8 Nm3, 10^8 kWh). Column checks:
#: raw coal  300 + 100 − 50 (supply 350) − 200 (power) − 100 (coking) − 20 − 30 = 0
#: coke      +75 (coking) − 70 − 5 = 0
#: gas       5 (supply) − 5 (chemicals) = 0
#: power     10 (inflow) + 60 (thermal power) − 4 (losses) − 40 − 26 = 0
BALANCE: dict[str, Any] = {
    "units": {
        "raw_coal": "10^4 t",
        "coke": "10^4 t",
        "natural_gas": "10^8 Nm3",
        "electricity": "10^8 kWh",
    },
    "rows": {
        "production": {"raw_coal": 300},
        "imports": {"raw_coal": 100, "natural_gas": 5, "electricity": 10},
        "exports": {"raw_coal": -50},
        "total_supply": {"raw_coal": 350, "natural_gas": 5, "electricity": 10},
        "thermal_power": {"raw_coal": -200, "electricity": 60},
        "coking": {"raw_coal": -100, "coke": 75},
        "losses": {"electricity": 4},
        "ind_ferrous_metals": {"raw_coal": 20, "coke": 70, "electricity": 40},
        "ind_chemicals": {"natural_gas": 5},
        "non_energy.ind_chemicals": {"natural_gas": 2},
        "industry": {"raw_coal": 20, "coke": 70, "natural_gas": 5, "electricity": 40},
        "residential_rural": {"raw_coal": 30, "coke": 5, "electricity": 26},
    },
}


def balance(**changes: Any) -> dict[str, Any]:
    """A copy of BALANCE with rows replaced (a row set to None is removed)."""
    data = copy.deepcopy(BALANCE)
    for row, cells in changes.items():
        if cells is None:
            data["rows"].pop(row, None)
        else:
            data["rows"][row] = cells
    return data


def parsed(data: dict[str, Any]) -> Any:
    errors: list[InventoryError] = []
    given = read_form({"inventory": {"year": 2012}, "energy_balance": data}).balance
    assert given is not None
    result = parse_balance(given, errors)
    return result, [e.describe() for e in errors]


def test_a_balanced_table_is_read_in_canonical_units() -> None:
    result, errors = parsed(BALANCE)
    assert errors == []
    # 300 × 10^4 t = 3 000 000 t; 5 × 10^8 Nm3 = 50 000 × 10^4 Nm3; 60 × 10^8 kWh = 6 000 000 MWh
    assert result.get("production", "raw_coal") == pytest.approx(3_000_000)
    assert result.get("imports", "natural_gas") == pytest.approx(50_000)
    assert result.get("thermal_power", "electricity") == pytest.approx(6_000_000)
    assert result.supply("raw_coal") == pytest.approx(3_500_000)
    # Industry has sub-sectors, so they are the leaves; the residential row has no sub-sector
    # given except rural.
    assert set(result.leaves) == {"ind_ferrous_metals", "ind_chemicals", "residential_rural"}
    assert result.non_energy == {"ind_chemicals": {"natural_gas": pytest.approx(20_000)}}


def test_total_non_energy_use_is_allocated_over_industry_by_consumption() -> None:
    # Only the total is given: 2 of the 5 (10^8 Nm3) used by industry, all in ind_chemicals.
    data = balance(**{"non_energy.ind_chemicals": None, "non_energy_use": {"natural_gas": 2}})
    result, errors = parsed(data)
    assert errors == []
    assert result.non_energy == {"ind_chemicals": {"natural_gas": pytest.approx(20_000)}}


def test_statistical_difference_closes_a_column() -> None:
    # Supply 350, but only 349 consumed: the difference of 1 must be stated.
    data = balance(residential_rural={"raw_coal": 29, "coke": 5, "electricity": 26})
    errors = parsed(data)[1]
    assert len(errors) == 1
    assert "row statistical_difference, column raw_coal" in errors[0]
    assert "does not balance" in errors[0]
    data["rows"]["statistical_difference"] = {"raw_coal": 1}
    assert parsed(data)[1] == []


@pytest.mark.parametrize(
    ("changes", "where", "message"),
    [
        # a subtotal that does not add up: 300 + 100 − 50 = 350, not 360
        (
            {"total_supply": {"raw_coal": 360, "natural_gas": 5, "electricity": 10}},
            "row total_supply, column raw_coal, value 360",
            "does not add up",
        ),
        # industry = 20 + 0 for raw coal, not 25
        (
            {"industry": {"raw_coal": 25, "coke": 70, "natural_gas": 5, "electricity": 40}},
            "row industry, column raw_coal, value 25",
            "sub-sectors of industry",
        ),
        # an outflow entered positive
        ({"exports": {"raw_coal": 50}}, "row exports, column raw_coal, value 50", "negative"),
        # coke is not primary energy
        (
            {"production": {"raw_coal": 300, "coke": 10}},
            "row production, column coke, value 10",
            "not primary energy",
        ),
        # a product of coking entered as an input
        (
            {"coking": {"raw_coal": -100, "coke": -75}},
            "row coking, column coke, value -75",
            "outputs are positive",
        ),
        # an input of thermal power entered positive
        (
            {"thermal_power": {"raw_coal": 200, "electricity": 60}},
            "row thermal_power, column raw_coal, value 200",
            "inputs are entered as negative",
        ),
        # negative final consumption
        (
            {"residential_rural": {"raw_coal": -30, "coke": 5, "electricity": 26}},
            "row residential_rural, column raw_coal, value -30",
            "must not be negative",
        ),
        # non-energy use above the consumption it is part of
        (
            {"non_energy.ind_chemicals": {"natural_gas": 6}},
            "row non_energy.ind_chemicals, column natural_gas, value 6",
            "exceeds the consumption",
        ),
        # not a number
        (
            {"losses": {"electricity": "four"}},
            "row losses, column electricity, value 'four'",
            "not a number",
        ),
        # an unknown row
        ({"coal_liquefaction": {"raw_coal": -1}}, "row coal_liquefaction", "unknown row"),
    ],
)
def test_refusals_name_row_column_and_value(
    changes: dict[str, Any], where: str, message: str
) -> None:
    errors = parsed(balance(**changes))[1]
    assert any(where in e and message in e for e in errors), errors


def test_a_fuel_column_in_tce_is_refused() -> None:
    data = balance()
    data["units"]["raw_coal"] = "10^4 tce"
    errors = parsed(data)[1]
    assert errors == [
        "sheet energy_balance, row units, column raw_coal, value '10^4 tce': raw coal: the unit "
        "must be a mass (t, 10^4 t) — a physical quantity, not tce"
    ]


def test_a_gas_in_tonnes_and_an_unknown_column_are_refused() -> None:
    data = balance()
    data["units"]["natural_gas"] = "10^4 t"
    data["units"]["moonshine"] = "t"
    data["rows"]["imports"]["moonshine"] = 1
    errors = parsed(data)[1]
    assert any("column natural_gas" in e and "a volume" in e for e in errors)
    assert any("column moonshine" in e and "unknown energy type" in e for e in errors)


def test_a_missing_unit_is_refused() -> None:
    data = balance()
    del data["units"]["coke"]
    errors = parsed(data)[1]
    assert errors == [
        "sheet energy_balance, row units, column coke: the column needs a unit (like t)"
    ]


def test_tolerance_accepts_rounding_of_published_figures() -> None:
    # 300 + 100 − 50 = 350; a stated 350.04 is within the absolute tolerance of 0.05 (10^4 t).
    data = balance(total_supply={"raw_coal": 350.04, "natural_gas": 5, "electricity": 10})
    assert parsed(data)[1] == []
    # 350.2 exceeds both 0.05 and 0.1 % of (300 + 100 + 50 + 350.2) = 0.8002.
    data = balance(total_supply={"raw_coal": 350.9, "natural_gas": 5, "electricity": 10})
    assert parsed(data)[1] != []


def test_nothing_is_computed_from_a_refused_balance(form_factory: Any, refusal: Any) -> None:
    form = form_factory(energy_balance=balance(exports={"raw_coal": 50}))
    errors = refusal(form)
    assert errors == [
        "sheet energy_balance, row exports, column raw_coal, value 50: outflows and exports are "
        "entered as negative numbers, as in the yearbook (−)",
        # 300 + 100 + 50 = 450 ≠ 350 stated
        "sheet energy_balance, row total_supply, column raw_coal, value 350: does not add up: "
        "sum of supply rows = 450 10^4 t, stated 350 10^4 t",
        # 450 − 300 − 0 − (20 + 30) − 0 = 100
        "sheet energy_balance, row statistical_difference, column raw_coal: the column does not "
        "balance: supply + transformation − losses − final consumption − statistical difference "
        "= 100 10^4 t (supply 450 10^4 t, transformation -300 10^4 t, losses 0 10^4 t, final "
        "50 10^4 t, statistical difference 0 10^4 t)",
    ]


def test_final_consumption_without_sectors_is_refused(form_factory: Any, refusal: Any) -> None:
    data = {
        "units": {"raw_coal": "t"},
        "rows": {"imports": {"raw_coal": 10}, "final_consumption": {"raw_coal": 10}},
    }
    errors = refusal(form_factory(energy_balance=data))
    assert errors == [
        "sheet energy_balance, row final_consumption, column raw_coal, value 10: final "
        "consumption must be broken down by sector (agriculture, industry, construction, "
        "transport, commerce, other services, residential)"
    ]


def test_compile_uses_the_balance(form_factory: Any, compile_form: Any) -> None:
    result = compile_form(form_factory(energy_balance=BALANCE))
    lines = result.category("energy.fuel_combustion").lines
    # thermal power raw coal, ferrous raw coal + coke, chemicals gas (net of feedstock),
    # residential raw coal + coke: six lines; coking inputs are not burnt.
    assert sorted((line.values["activity"], line.values["fuel"]) for line in lines) == [
        ("ind_chemicals", "natural_gas"),
        ("ind_ferrous_metals", "coke"),
        ("ind_ferrous_metals", "raw_coal"),
        ("residential_rural", "coke"),
        ("residential_rural", "raw_coal"),
        ("thermal_power", "raw_coal"),
    ]
    chemicals = next(line for line in lines if line.values["activity"] == "ind_chemicals")
    # 5 − 2 (non-energy use) = 3 × 10^8 Nm3 = 30 000 × 10^4 Nm3
    assert chemicals.values["quantity"] == pytest.approx(30_000)
