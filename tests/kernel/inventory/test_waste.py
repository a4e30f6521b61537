"""Waste categories: hand-worked examples through the formulas and the engine, and refusals.

Every expected value is worked by hand in the comment beside it. The first-order-decay examples
use a decay rate k = ln 2 (a half-life of one year), so that e^(−k) = 1/2 and the decay shares are
exact binary fractions; ``approx(rel=1e-12)`` only absorbs the rounding of ln 2 and of 16/12.
"""

from __future__ import annotations

import copy
import math
from typing import Any

import numpy as np
import pytest

from citycarbon.inventory import (
    InventoryRefusedError,
    InventoryResult,
    Location,
    compile_inventory,
    read_form,
    waste,
)

LN2 = "0.6931471805599453"  # ln 2 to 16 digits, so e^(−k) = 0.5 to float precision


def _form(categories: dict[str, Any], year: int = 2012) -> dict[str, Any]:
    return {
        "inventory": {"jurisdiction": "测试县", "region": "henan", "year": year},
        "categories": categories,
    }


def _compile(form: dict[str, Any]) -> InventoryResult:
    return compile_inventory(read_form(copy.deepcopy(form)))


def _refused(form: dict[str, Any]) -> list[str]:
    with pytest.raises(InventoryRefusedError) as caught:
        _compile(form)
    return [e.describe() for e in caught.value.errors]


def _ch4(result: InventoryResult, category: str) -> float:
    return result.category(category).masses_t["CH4"]


# -- first-order decay ---------------------------------------------------------------------------

#: Food waste deposited at one managed anaerobic site, 2009-2012; inventory year 2012.
#: DDOCm = W × DOC 0.15 × DOCf 0.5 × MCF 1 = W × 0.075: 75, 150, 300, 600 t C.
#: Decomposed in 2012 (decay from the year after deposit, e^(−k) = 1/2):
#:   2009 (age 3): 75 × (1/4 − 1/8) = 9.375;  2010 (age 2): 150 × (1/2 − 1/4) = 37.5;
#:   2011 (age 1): 300 × (1 − 1/2) = 150;     2012 (age 0): 600 × (1 − 1) = 0
#:   total 196.875 t C; CH4 = 196.875 × F 0.5 × 16/12 = 131.25 t (OX 0, no recovery).
#: IPCC's recursion gives the same: accumulated 75 → 37.5 + 150 = 187.5 → 93.75 + 300 = 393.75;
#: decomposed in 2012 = 393.75 / 2 = 196.875.
DEPOSITS = {2009: 1000, 2010: 2000, 2011: 4000, 2012: 8000}
FOD_CH4 = 131.25


def _fod_rows(deposits: dict[int, float], site: str = "东郊填埋场") -> list[dict[str, Any]]:
    return [
        {
            "site": site,
            "site_type": "managed_anaerobic",
            "waste_type": "food",
            "climate": "temperate_wet",
            "deposit_year": year,
            "waste": f"{amount} t",
        }
        for year, amount in deposits.items()
    ]


def _fod_form(
    deposits: dict[int, float] = DEPOSITS, year: int = 2012, **local: Any
) -> dict[str, Any]:
    """The deposit history as lines; the inventory year is the inventory's (no local value)."""
    section = {"rows": _fod_rows(deposits), "local": {"decay_rate": f"{LN2} 1/yr", **local}}
    return _form({"waste.landfill_fod": section}, year)


def test_fod_decay_share_is_zero_in_the_year_of_deposit() -> None:
    k = float(LN2)
    # age 0: e^0 − e^0 = 0; age 1: 1 − 1/2; age 3: 1/4 − 1/8
    assert waste.fod_decomposed_fraction(k, 0.0) == 0.0
    assert waste.fod_decomposed_fraction(k, 1.0) == pytest.approx(0.5, rel=1e-12)
    assert waste.fod_decomposed_fraction(k, 3.0) == pytest.approx(0.125, rel=1e-12)
    assert waste.decay_rate_from_half_life(1.0) == pytest.approx(k, rel=1e-15)


def test_fod_formula_on_the_hand_worked_history() -> None:
    total = 0.0
    for year, amount in DEPOSITS.items():
        ddocm = waste.ddocm_deposited(amount, 0.15, 0.5, 1.0)
        share = waste.fod_decomposed_fraction(float(LN2), 2012.0 - year)
        total += waste.landfill_ch4_emitted(waste.landfill_ch4_generated(ddocm * share, 0.5), 0, 0)
    assert total == pytest.approx(FOD_CH4, rel=1e-12)


def test_fod_vectorised_and_series_agree_with_the_hand_worked_history() -> None:
    deposits = np.array([[1000.0, 2000.0, 4000.0, 8000.0], [2000.0, 4000.0, 8000.0, 16000.0]])
    years = np.array([2009.0, 2010.0, 2011.0, 2012.0])
    k = np.full(2, float(LN2))
    one_year = waste.fod_landfill_ch4(deposits, years, 2012.0, 0.15, 0.5, 1.0, 0.5, k, 0.0)
    # the second cell deposits twice as much: 262.5 t
    assert one_year == pytest.approx([131.25, 262.5], rel=1e-12)
    series = waste.fod_landfill_ch4_series(deposits, 0.15, 0.5, 1.0, 0.5, k, 0.0)
    # per year for cell 1: 2009 0; 2010 37.5 × 0.5 × 16/12 = 25; 2011 93.75 → 62.5; 2012 131.25
    assert series[0] == pytest.approx([0.0, 25.0, 62.5, 131.25], rel=1e-12)
    assert series[1, 3] == pytest.approx(262.5, rel=1e-12)


def test_fod_through_the_engine() -> None:
    result = _compile(_fod_form())
    assert _ch4(result, "waste.landfill_fod") == pytest.approx(FOD_CH4, rel=1e-12)
    lines = result.category("waste.landfill_fod").lines
    assert [line.subcategory for line in lines] == ["6A1"] * 4
    # the 2012 deposit decomposes nothing in 2012
    assert lines[3].masses_t["CH4"] == 0.0
    origins = {p.name: (p.origin, p.factor_id) for p in lines[0].params}
    assert origins["doc"] == ("default", "inv.waste_doc.food")
    assert origins["mcf"] == ("default", "inv.swds_mcf.managed_anaerobic")
    assert origins["docf"] == ("default", "inv.swds_docf.msw")
    assert origins["decay_rate"][0] == "local"
    assert result.checks["waste.landfill_fod_history"]["sites"]["东郊填埋场"] == {
        "first_year": 2009,
        "last_year": 2012,
        "years": 4,
    }


def test_fod_takes_the_inventory_year_from_the_inventory() -> None:
    result = _compile(_fod_form())
    use = next(p for p in result.category("waste.landfill_fod").lines[0].params
               if p.name == "inventory_year")  # fmt: skip
    assert (use.value, use.origin, use.where) == (2012.0, "local", Location("inventory", "year"))
    # The same history in a 2013 inventory (e^(−k) = 1/2, DDOCm 75, 150, 300, 600 t C):
    #   2009 (age 4): 75 × (1/8 − 1/16) = 4.6875;  2010 (age 3): 150 × (1/4 − 1/8) = 18.75;
    #   2011 (age 2): 300 × (1/2 − 1/4) = 75;      2012 (age 1): 600 × (1 − 1/2) = 300
    #   total 398.4375 t C; CH4 = 398.4375 × 0.5 × 16/12 = 265.625 t.
    later = _compile(_fod_form(year=2013))
    assert _ch4(later, "waste.landfill_fod") == pytest.approx(265.625, rel=1e-12)


def test_fod_still_reads_an_inventory_year_given_as_a_local_value() -> None:
    # The input form before the resolver supplied the year: the same value is accepted.
    result = _compile(_fod_form(inventory_year=2012))
    assert _ch4(result, "waste.landfill_fod") == pytest.approx(FOD_CH4, rel=1e-12)


def test_fod_default_decay_rate_and_oxidation() -> None:
    # Semi-aerobic site (MCF 0.5, OX 0.1) with the library's k for food, temperate wet: 0.185.
    # DDOCm 2011 = 4000 × 0.15 × 0.5 × 0.5 = 150 t C, decomposed in 2012 = 150 × (1 − e^−0.185);
    # CH4 = that × 0.5 × 16/12 × (1 − 0.1).
    rows = [
        {**row, "site_type": "managed_semi_aerobic"} for row in _fod_rows({2011: 4000, 2012: 8000})
    ]
    form = _form({"waste.landfill_fod": {"rows": rows}})
    expected = 150 * (1 - math.exp(-0.185)) * 0.5 * 16 / 12 * 0.9
    assert _ch4(_compile(form), "waste.landfill_fod") == pytest.approx(expected, rel=1e-12)


def test_fod_refuses_a_missing_deposit_history() -> None:
    form = _fod_form({2012: 8000})
    errors = _refused(form)
    assert len(errors) == 1
    assert errors[0].startswith(
        "sheet categories.waste.landfill_fod, row 1, column deposit_year, value 2012: "
    )
    assert "history is missing" in errors[0]


def test_fod_refuses_a_history_that_does_not_reach_the_inventory_year() -> None:
    # deposits 2009-2010 in a 2012 inventory: 2011 is missing (the last row is named)
    errors = _refused(_fod_form({2009: 1000, 2010: 2000}))
    assert errors == [
        "sheet categories.waste.landfill_fod, row 2, column deposit_year, value 2010: site "
        "东郊填埋场: the deposit history from 2009 to 2011 is missing the year(s) 2011; give each "
        "year's deposit (0 t if none)"
    ]


def test_fod_refuses_a_gap_in_the_deposit_history() -> None:
    form = _fod_form({2009: 1000, 2011: 4000, 2012: 8000})
    errors = _refused(form)
    # the row after the gap (2011, the second row) is named
    assert errors == [
        "sheet categories.waste.landfill_fod, row 2, column deposit_year, value 2011: site "
        "东郊填埋场: the deposit history from 2009 to 2011 is missing the year(s) 2010; give each "
        "year's deposit (0 t if none)"
    ]


def test_fod_refuses_a_deposit_after_the_inventory_year_and_a_wrong_inventory_year() -> None:
    errors = _refused(_fod_form({2011: 4000, 2013: 1}))
    assert errors == [
        "sheet categories.waste.landfill_fod, row 2, column deposit_year, value 2013: waste "
        "deposited in 2013 is after the inventory year 2012"
    ]
    form = _fod_form({2009: 1000, 2010: 2000, 2011: 4000})
    form["categories"]["waste.landfill_fod"]["local"]["inventory_year"] = 2011
    errors = _refused(form)
    # one error per deposit line, all naming the local value
    assert (
        errors
        == [
            "sheet categories.waste.landfill_fod, row local, column inventory_year, value 2011: "
            "the inventory year on a deposit line must be 2012"
        ]
        * 3
    )
    # stated on one line only, that line's cell is named
    form = _fod_form({2009: 1000, 2010: 2000, 2011: 4000})
    form["categories"]["waste.landfill_fod"]["rows"][1]["inventory_year"] = 2011
    assert _refused(form) == [
        "sheet categories.waste.landfill_fod, row 2, column inventory_year, value 2011: the "
        "inventory year on a deposit line must be 2012"
    ]


def test_fod_refuses_a_blank_deposit_and_a_negative_one() -> None:
    form = _fod_form()
    del form["categories"]["waste.landfill_fod"]["rows"][1]["waste"]
    form["categories"]["waste.landfill_fod"]["rows"][2]["waste"] = "-4000 t"
    errors = _refused(form)
    assert errors[0].startswith("sheet categories.waste.landfill_fod, row 2, column waste: ")
    assert errors[1] == (
        "sheet categories.waste.landfill_fod, row 3, column waste, value '-4000 t': negative "
        "values are not allowed"
    )


def test_a_site_takes_one_method_only() -> None:
    form = _fod_form()
    form["categories"]["waste.landfill_mass_balance"] = {
        "rows": [
            {
                "site": "东郊填埋场",
                "site_type": "managed_anaerobic",
                "waste_type": "food",
                "waste": "8000 t",
            }
        ]
    }
    errors = _refused(form)
    assert errors == [
        "sheet categories.waste.landfill_mass_balance, row 1, column site, value '东郊填埋场': "
        "site 东郊填埋场 is estimated by first-order decay already; a site takes one method only "
        "(it would be counted twice)"
    ]


# -- mass balance --------------------------------------------------------------------------------


def test_mass_balance_formula() -> None:
    # L0 = MCF 1 × DOC 0.15 × DOCf 0.5 × F 0.5 × 16/12 = 0.05 t CH4/t
    potential = waste.landfill_ch4_potential(1.0, 0.15, 0.5, 0.5)
    assert potential == pytest.approx(0.05, rel=1e-12)
    # (10 000 t × 0.05 − 100 t recovered) × (1 − 0) = 400 t CH4
    assert waste.mass_balance_landfill_ch4(10_000.0, potential, 100.0, 0.0) == pytest.approx(
        400.0, rel=1e-12
    )


def test_mass_balance_through_the_engine() -> None:
    rows = [
        {"site_type": "managed_anaerobic", "waste_type": "food", "waste": "1 10^4 t",
         "recovered": "100 tCH4"},
        # semi-aerobic: MCF 0.5, OX 0.1 → L0 0.025; (10 000 × 0.025 − 100) × 0.9 = 135
        {"site_type": "managed_semi_aerobic", "waste_type": "food", "waste": "10000 t",
         "recovered": "100 tCH4"},
    ]  # fmt: skip
    result = _compile(_form({"waste.landfill_mass_balance": {"rows": rows}}))
    # 400 + 135 = 535 t CH4
    assert _ch4(result, "waste.landfill_mass_balance") == pytest.approx(535.0, rel=1e-12)


def test_mass_balance_refuses_more_recovered_than_generated() -> None:
    rows = [
        {"site_type": "managed_anaerobic", "waste_type": "food", "waste": "1000 t",
         "recovered": "60 tCH4"},
    ]  # fmt: skip
    errors = _refused(_form({"waste.landfill_mass_balance": {"rows": rows}}))
    # 1000 × 0.05 = 50 t can be generated
    assert errors == [
        "sheet categories.waste.landfill_mass_balance, row 1, column recovered, value '60 tCH4': "
        "60 t CH4 recovered exceeds the 50 t the waste can generate"
    ]


# -- wastewater ----------------------------------------------------------------------------------


def test_wastewater_ch4_formula_and_engine() -> None:
    # (1000 − 200) t BOD × 0.6 × MCF 0.5 (septic) − 10 t = 240 − 10 = 230 t CH4
    assert waste.wastewater_ch4(1000.0, 200.0, 0.6, 0.5, 10.0) == pytest.approx(230.0, rel=1e-12)
    domestic = {
        "rows": [
            {"basis": "bod", "system": "septic_system", "organics": "1000 t",
             "sludge_removed": "200 t", "recovered": "10 tCH4"},
        ]
    }  # fmt: skip
    industrial = {
        # 5000 t COD × B0 0.25 × MCF 0.8 (anaerobic reactor) = 1000 t CH4
        "rows": [
            {"industry": "food", "basis": "cod", "system": "anaerobic_reactor",
             "organics": "5000 t"},
        ]
    }  # fmt: skip
    result = _compile(
        _form({"waste.wastewater_domestic": domestic, "waste.wastewater_industrial": industrial})
    )
    assert _ch4(result, "waste.wastewater_domestic") == pytest.approx(230.0, rel=1e-12)
    assert _ch4(result, "waste.wastewater_industrial") == pytest.approx(1000.0, rel=1e-12)
    b0 = next(p for p in result.category("waste.wastewater_domestic").lines[0].params
              if p.name == "b0")  # fmt: skip
    assert (b0.value, b0.factor_id) == (0.6, "inv.wastewater_b0.bod")


def test_industrial_wastewater_is_cod_based_only() -> None:
    rows = [{"basis": "bod", "system": "anaerobic_reactor", "organics": "5000 t"}]
    errors = _refused(_form({"waste.wastewater_industrial": {"rows": rows}}))
    assert errors == [
        "sheet categories.waste.wastewater_industrial, row 1, column basis, value 'bod': unknown "
        "basis; known: cod"
    ]


def test_wastewater_n2o_formula_and_engine() -> None:
    # N = 1 000 000 × 25 kg × 0.16 × 1.1 × 1.25 / 1000 = 5500 t N;
    # N2O = 5500 × 0.005 × 44/28 = 27.5 × 44/28 = 302.5/7 t
    n = waste.wastewater_effluent_nitrogen(1e6, 25.0, 0.16, 1.1, 1.25, 0.0)
    assert n == pytest.approx(5500.0, rel=1e-12)
    assert waste.wastewater_effluent_n2o(n, 0.005) == pytest.approx(302.5 / 7, rel=1e-12)
    rows = [{"population": "100 10^4", "protein": "25 kg/yr"}]
    result = _compile(_form({"waste.wastewater_n2o": {"rows": rows}}))
    n2o = result.category("waste.wastewater_n2o").masses_t["N2O"]
    assert n2o == pytest.approx(302.5 / 7, rel=1e-12)


# -- incineration --------------------------------------------------------------------------------


def test_incineration_formula_and_engine() -> None:
    # 100 000 t × CCW 20 % × FCF 39 % × EF 95 % × 44/12 = 7410 × 44/12 = 27 170 t CO2
    assert waste.incineration_co2(1e5, 0.2, 0.39, 0.95) == pytest.approx(27_170.0, rel=1e-12)
    rows = [
        {"waste_type": "msw", "waste": "10 10^4 t"},
        # plastics: 1000 t × 0.75 × 1.0 × 1.0 × 44/12 = 2750 t CO2
        {"waste_type": "plastics", "waste": "1000 t"},
    ]
    result = _compile(_form({"waste.incineration": {"rows": rows}}))
    assert result.category("waste.incineration").masses_t["CO2"] == pytest.approx(
        27_170.0 + 2_750.0, rel=1e-12
    )


def test_formulas_take_float_arrays() -> None:
    waste_t = np.array([1e5, 2e5])
    co2 = waste.incineration_co2(waste_t, 0.2, 0.39, np.array([0.95, 0.95]))
    assert co2 == pytest.approx([27_170.0, 54_340.0], rel=1e-12)
    share = waste.fod_decomposed_fraction(np.array([float(LN2)] * 2), 2.0)
    assert share == pytest.approx([0.25, 0.25], rel=1e-12)


# -- refusals ------------------------------------------------------------------------------------


def test_refusals_name_sheet_row_column_and_value() -> None:
    rows = [
        {"waste_type": "msw", "waste": "-5 t"},
        {"waste_type": "tyres", "waste": "5 t"},
        {"waste_type": "msw", "waste": "5 GJ"},
    ]
    form = _form({"waste.incineration": {"rows": rows}, "waste.landfil": {"rows": []}})
    errors = _refused(form)
    assert errors[0].startswith(
        "sheet categories.waste.landfil, value 'waste.landfil': unknown category; known: "
    )
    assert errors[1:] == [
        "sheet categories.waste.incineration, row 1, column waste, value '-5 t': negative values "
        "are not allowed",
        "sheet categories.waste.incineration, row 2, column waste_type, value 'tyres': unknown "
        "waste_type; known: msw, hazardous, clinical, sewage_sludge, plastics",
        "sheet categories.waste.incineration, row 3, column waste, value '5 GJ': unit 'GJ' has "
        "the wrong dimension; expected t",
    ]
