"""Reading the input: GDP bases, the CO2 of the indicator, measures, and refusals.

Every refusal names jurisdiction, year, field and value; nothing is returned and the input is
left as it was.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from citycarbon.targets import (
    CO2_BASIS_FUELS,
    CO2_BASIS_SUPPLIED,
    InputProblem,
    TargetsInputError,
    assess,
    default_fuel_factor,
    parse_input,
)

Builder = Callable[..., dict[str, Any]]


def _refused(data: dict[str, Any]) -> tuple[InputProblem, ...]:
    before = copy.deepcopy(data)
    with pytest.raises(TargetsInputError) as caught:
        parse_input(data)
    assert data == before  # nothing changed
    return caught.value.problems


def _only(problems: tuple[InputProblem, ...]) -> InputProblem:
    assert len(problems) == 1, [str(p) for p in problems]
    return problems[0]


# ------------------------------------------------------------------------------------------
# GDP at constant prices


def _two_years(second: dict[str, Any], first: dict[str, Any] | None = None) -> dict[str, Any]:
    base = first or {"gdp_constant_cny_100m": 100, "co2_t": 1_000_000}
    return {
        "base_year": 2010,
        "target_year": 2015,
        "jurisdictions": [
            {
                "id": "a",
                "co2_intensity_target_pct": 17,
                "years": {"2010": base, "2011": {"co2_t": 1_000_000, **second}},
            }
        ],
    }


def test_gdp_with_a_deflator() -> None:
    # 110 亿元 at current prices, deflator 110 (base year = 100) → 110 × 100/110 = 100 亿元
    inp = parse_input(_two_years({"gdp_current_cny_100m": 110, "gdp_deflator": 110}))
    year = inp.jurisdictions[0].years[2011]
    assert year.gdp_constant_cny_100m == pytest.approx(100.0)
    assert year.gdp_basis == "deflator"
    assert year.gdp_current_cny_100m == 110.0


def test_gdp_with_a_real_index() -> None:
    # base year 4 040.9 亿元 (current = constant prices in the base year), index 113.2
    # → 4 040.9 × 1.132 = 4 574.2988 亿元
    first = {"gdp_current_cny_100m": 4040.9, "co2_t": 69_295_000}
    inp = parse_input(_two_years({"gdp_index": 113.2}, first))
    years = inp.jurisdictions[0].years
    assert years[2010].gdp_basis == "base_year_current"
    assert years[2011].gdp_constant_cny_100m == pytest.approx(4574.2988)
    assert years[2011].gdp_basis == "index"


def test_gdp_with_real_growth() -> None:
    # 100 亿元, then +10 % at comparable prices → 110 亿元
    inp = parse_input(_two_years({"gdp_real_growth_pct": 10}))
    assert inp.jurisdictions[0].years[2011].gdp_constant_cny_100m == pytest.approx(110.0)


def test_gdp_without_constant_price_basis_is_refused() -> None:
    problem = _only(_refused(_two_years({"gdp_current_cny_100m": 4500})))
    assert (problem.jurisdiction, problem.year, problem.field, problem.value) == (
        "a",
        2011,
        "gdp_current_cny_100m",
        4500,
    )
    assert "constant-price basis" in problem.message


def test_two_constant_price_bases_are_refused() -> None:
    problem = _only(_refused(_two_years({"gdp_constant_cny_100m": 100, "gdp_index": 110})))
    assert (problem.year, problem.field) == (2011, "gdp_index")


def test_missing_gdp_is_refused() -> None:
    problem = _only(_refused(_two_years({})))
    assert (problem.jurisdiction, problem.year, problem.field) == (
        "a",
        2011,
        "gdp_constant_cny_100m",
    )


# ------------------------------------------------------------------------------------------
# The CO2 of the indicator


def test_co2_from_fuels_and_net_imported_electricity() -> None:
    # 10 000 t raw coal × 1.9003 + 1 000 MWh × 0.5257 = 19 003 + 525.7 = 19 528.7 t
    data = _two_years(
        {"gdp_constant_cny_100m": 100},
        {
            "gdp_constant_cny_100m": 100,
            "fuels": {"raw_coal": 10_000},
            "net_electricity_import_mwh": 1_000,
        },
    )
    data["co2_factors"] = {"raw_coal": {"value": 1.9003, "unit": "tCO2/t"}}
    data["grid_factor"] = 0.5257
    inp = parse_input(data)
    base = inp.jurisdictions[0].years[2010]
    assert base.co2_basis == CO2_BASIS_FUELS
    assert base.co2_t == pytest.approx(19_528.7)
    assert base.co2_fuels_t == pytest.approx(19_003.0)
    assert base.co2_electricity_t == pytest.approx(525.7)
    assert inp.jurisdictions[0].years[2011].co2_basis == CO2_BASIS_SUPPLIED
    assert inp.factors["grid"]["2010"]["tco2_per_mwh"] == 0.5257
    row = assess(inp).rows[0]
    assert row.co2_basis == "fuel_and_electricity"
    assert row.co2_electricity_t == 525.7


def test_exports_subtract_and_quantities_take_units() -> None:
    # 1 万吨 raw coal = 10 000 t × 1.9003 = 19 003 t; imports 100 − exports 300 = −200 MWh
    # × 0.5257 = −105.14 t → 18 897.86 t
    base = {
        "gdp_constant_cny_100m": 100,
        "fuels": {"raw_coal": {"value": 1, "unit": "万吨"}},
        "electricity_imported_mwh": 100,
        "electricity_exported_mwh": {"value": 30, "unit": "万千瓦时"},
    }
    data = _two_years({"gdp_constant_cny_100m": 100}, base)
    data["co2_factors"] = {"raw_coal": 1.9003}
    data["grid_factor"] = {"value": 0.5257, "unit": "tCO2/MWh"}
    year = parse_input(data).jurisdictions[0].years[2010]
    assert year.co2_electricity_t == pytest.approx(-105.14)
    assert year.co2_t == pytest.approx(18_897.86)


def test_default_fuel_factor_from_the_library() -> None:
    # NDRC appendix 2: raw coal NCV 20.908 GJ/t, CC 26.37 tC/TJ, OF 94 %:
    # 20.908 × 0.02637 = 0.551344; × 0.94 = 0.518263; × 44/12 = 1.900299 tCO2/t
    factor = default_fuel_factor("raw_coal")
    assert factor.tco2_per_unit == pytest.approx(1.900299, abs=5e-7)
    assert factor.unit == "tCO2/t"
    assert "ncv.raw_coal" in factor.source


def test_electricity_without_a_grid_factor_is_refused() -> None:
    data = _two_years(
        {"gdp_constant_cny_100m": 100},
        {"gdp_constant_cny_100m": 100, "net_electricity_import_mwh": 1_000},
    )
    problem = _only(_refused(data))
    assert (problem.jurisdiction, problem.year, problem.field) == ("a", 2010, "grid_factor")


def test_co2_given_twice_is_refused() -> None:
    problem = _only(_refused(_two_years({"gdp_constant_cny_100m": 100, "fuels": {"raw_coal": 5}})))
    assert (problem.year, problem.field) == (2011, "co2_t")


def test_unknown_fuel_is_refused() -> None:
    data = _two_years(
        {"gdp_constant_cny_100m": 100},
        {"gdp_constant_cny_100m": 100, "fuels": {"moon_dust": 5}},
    )
    problem = _only(_refused(data))
    assert (problem.year, problem.field, problem.value) == (2010, "fuels.moon_dust", 5)


# ------------------------------------------------------------------------------------------
# Refusals named in the issue


@pytest.mark.parametrize("target", [0, 100, 120, -5])
def test_target_outside_0_to_100_percent(inp: Builder, jur: Builder, target: float) -> None:
    problem = _only(_refused(inp(jur("a", [1_000_000, 960_000], target_pct=target))))
    assert (problem.jurisdiction, problem.year, problem.field, problem.value) == (
        "a",
        None,
        "co2_intensity_target_pct",
        target,
    )


def test_energy_target_outside_the_range(inp: Builder, jur: Builder) -> None:
    data = inp(
        jur("a", [1, 1], energy_target_pct=101, energy_by_year=[1, 1]),
    )
    problem = _only(_refused(data))
    assert (problem.field, problem.value) == ("energy_intensity_target_pct", 101)


def test_year_outside_the_period(inp: Builder, jur: Builder) -> None:
    data = inp(jur("a", [1_000_000, 960_000]))
    data["jurisdictions"][0]["years"]["2016"] = {"gdp_constant_cny_100m": 100, "co2_t": 5}
    problem = _only(_refused(data))
    assert (problem.jurisdiction, problem.year, problem.field, problem.value) == (
        "a",
        2016,
        "years",
        "2016",
    )


def test_a_year_that_is_not_a_year(inp: Builder, jur: Builder) -> None:
    data = inp(jur("a", [1_000_000, 960_000]))
    data["jurisdictions"][0]["years"]["twenty"] = {}
    problem = _only(_refused(data))
    assert (problem.year, problem.field, problem.value) == ("twenty", "years", "twenty")


def test_missing_base_year(inp: Builder, jur: Builder) -> None:
    data = inp(jur("a", [1_000_000, 960_000]))
    del data["jurisdictions"][0]["years"]["2010"]
    problem = _only(_refused(data))
    assert (problem.jurisdiction, problem.year, problem.field) == ("a", 2010, "years")
    assert problem.message == "missing base year"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("co2_t", -5),
        ("energy_tce", -1),
        ("gdp_constant_cny_100m", -100),
        ("measures_score", -2),
        ("electricity_imported_mwh", -10),
    ],
)
def test_negative_quantity(inp: Builder, jur: Builder, field: str, value: float) -> None:
    data = inp(jur("a", [1_000_000, 960_000]))
    year = data["jurisdictions"][0]["years"]["2011"]
    if field == "electricity_imported_mwh":
        del year["co2_t"]
        data["grid_factor"] = 0.5257
    year[field] = value
    problems = _refused(data)
    named = [p for p in problems if p.field == field]
    assert named, [str(p) for p in problems]
    assert (named[0].jurisdiction, named[0].year, named[0].value) == ("a", 2011, value)


def test_negative_fuel_quantity(inp: Builder, jur: Builder) -> None:
    data = inp(jur("a", [1_000_000, 960_000]))
    year = data["jurisdictions"][0]["years"]["2011"]
    del year["co2_t"]
    year["fuels"] = {"raw_coal": -3}
    problem = _refused(data)[0]
    assert (problem.year, problem.field, problem.value) == (2011, "fuels.raw_coal", -3)


def test_jurisdiction_not_in_the_tree(inp: Builder, jur: Builder) -> None:
    # 巩义市 has no row in the Zhengzhou annex tree
    data = inp(jur("gongyi", [1_000_000, 960_000]), tree="zhengzhou")
    problem = _only(_refused(data))
    assert (problem.jurisdiction, problem.field, problem.value) == ("gongyi", "id", "gongyi")
    assert "not in the tree" in problem.message


def test_parent_not_in_the_tree(inp: Builder, jur: Builder) -> None:
    data = inp(jur("a", [1_000_000, 960_000], parent="nowhere"))
    problem = _only(_refused(data))
    assert (problem.jurisdiction, problem.field, problem.value) == ("a", "parent", "nowhere")


def test_a_jurisdiction_of_the_tree_is_accepted(inp: Builder, jur: Builder) -> None:
    result = parse_input(inp(jur("dengfeng", [1_000_000, 960_000]), tree="zhengzhou"))
    assert result.jurisdictions[0].parent == "zhengzhou"
    assert result.jurisdictions[0].name == "登封市"


def test_every_problem_is_listed_at_once(inp: Builder, jur: Builder) -> None:
    data = inp(
        jur("a", [1_000_000, -1], target_pct=150),
        jur("a", [1_000_000, 960_000]),
    )
    problems = _refused(data)
    fields = {(p.jurisdiction, p.field) for p in problems}
    assert ("a", "co2_intensity_target_pct") in fields
    assert ("a", "co2_t") in fields
    assert ("a", "id") in fields  # the second "a"


def test_unknown_fields_are_refused(inp: Builder, jur: Builder) -> None:
    data = inp(jur("a", [1_000_000, 960_000]))
    data["jurisdictions"][0]["years"]["2011"]["co2_tonnes"] = 5
    problem = _only(_refused(data))
    assert (problem.year, problem.field, problem.value) == (2011, "co2_tonnes", 5)


def test_period_must_be_whole_years(inp: Builder, jur: Builder) -> None:
    problems = _refused(inp(jur("a", [1, 1]), base_year="2010a", target_year=2009))
    assert {p.field for p in problems} >= {"base_year"}


# ------------------------------------------------------------------------------------------
# Measures from the checklist, with evidence


def test_measures_from_the_checklist(inp: Builder, jur: Builder) -> None:
    # 6 + 4.5 + 5 = 15.5 points
    data = inp(jur("a", [1_000_000, 960_000]))
    data["jurisdictions"][0]["years"]["2011"]["measures"] = {
        "industrial_restructuring": {"points": 6, "evidence": "淘汰落后产能验收文件"},
        "energy_saving": {"points": 4.5, "evidence": "节能考核结果"},
        "inventory_and_accounting": {"points": 5, "evidence": "2011年温室气体清单"},
    }
    year = parse_input(data).jurisdictions[0].years[2011]
    assert year.measures_score == 15.5
    assert [a.item for a in year.measures] == [
        "industrial_restructuring",
        "energy_saving",
        "inventory_and_accounting",
    ]


def test_points_without_evidence_are_refused(inp: Builder, jur: Builder) -> None:
    data = inp(jur("a", [1_000_000, 960_000]))
    data["jurisdictions"][0]["years"]["2011"]["measures"] = {"carbon_sinks": {"points": 2}}
    problem = _only(_refused(data))
    assert (problem.year, problem.field) == (2011, "measures.carbon_sinks.evidence")


def test_points_above_the_item_are_refused(inp: Builder, jur: Builder) -> None:
    data = inp(jur("a", [1_000_000, 960_000]))
    data["jurisdictions"][0]["years"]["2011"]["measures"] = {
        "carbon_sinks": {"points": 3.5, "evidence": "造林验收"}
    }
    problem = _only(_refused(data))
    assert (problem.field, problem.value) == ("measures.carbon_sinks.points", 3.5)


def test_measures_score_above_fifty_is_refused(inp: Builder, jur: Builder) -> None:
    problem = _only(_refused(inp(jur("a", [1_000_000, 960_000], measures=[50.5]))))
    assert (problem.year, problem.field, problem.value) == (2011, "measures_score", 50.5)


def test_a_checklist_that_does_not_add_up_is_refused(inp: Builder, jur: Builder) -> None:
    config = {"checklist": [{"id": "x", "points": 30}]}
    problem = _only(_refused(inp(jur("a", [1_000_000, 960_000]), config=config)))
    assert problem.field == "config.checklist"
