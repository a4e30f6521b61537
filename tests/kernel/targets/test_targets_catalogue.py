"""Shipped data: the Zhengzhou annex and plan indicators as in the plan, the checklist, the
defaults, and the illustrative example (labelled, consistent with published totals)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from citycarbon.targets import (
    AssessmentConfig,
    CatalogueError,
    TargetsInputError,
    assess,
    available_sets,
    checklist,
    default_config,
    example,
    examples,
    indicator_progress,
    jurisdiction_set,
    level_progress,
    parse_input,
)
from citycarbon.targets.catalogue import config_from_mapping

Builder = Callable[..., dict[str, Any]]
EXAMPLE = "zhengzhou-2010-2015-illustrative"

#: 附件：郑州市“十二五”碳强度下降目标分解表, typed from the plan (郑政〔2013〕23号).
ANNEX = [
    ("郑州市", 18, 17),
    ("登封市", 19, 18),
    ("新密市", 19, 18),
    ("荥阳市", 19, 18),
    ("新郑市", 18, 17),
    ("中牟县", 17, 16),
    ("中原区", 18, 17),
    ("二七区", 17, 16),
    ("金水区", 17, 16),
    ("管城回族区", 17, 16),
    ("惠济区", 17, 16),
    ("上街区", 19, 18),
    ("郑州新郑综合保税区 (郑州航空港区)", 17, 16),
    ("郑州经济开发区", 17, 16),
    ("郑州高新区", 17, 16),
]


def test_the_annex_is_the_plan_s() -> None:
    jset = jurisdiction_set("zhengzhou")
    assert [
        (r.annex_name, r.co2_intensity_target_pct, r.energy_intensity_target_pct)
        for r in jset.annex
    ] == ANNEX
    assert jset.annex_title == "郑州市“十二五”碳强度下降目标分解表"
    assert jset.document == "郑政〔2013〕23号"
    assert (jset.base_year, jset.target_year) == (2010, 2015)


def test_the_tree_is_the_city_and_fourteen_jurisdictions() -> None:
    tree = jurisdiction_set("zhengzhou").tree
    assert len(tree) == 15
    assert tree.children(None) == ("zhengzhou",)
    assert len(tree.children("zhengzhou")) == 14
    annex_ids = [r.jurisdiction for r in jurisdiction_set("zhengzhou").annex]
    assert sorted(annex_ids) == sorted(n.id for n in tree)
    assert {n.name for n in tree} == {name for name, _, _ in ANNEX}
    not_listed = {x["name"] for x in jurisdiction_set("zhengzhou").not_in_annex}
    assert not_listed == {"巩义市", "郑东新区"}


def test_plan_wide_indicators_as_in_the_plan() -> None:
    got = {
        i.id: (i.target, i.unit, i.direction, i.clause)
        for i in jurisdiction_set("zhengzhou").indicators
    }
    assert got == {
        "co2_intensity_reduction": (18.0, "%", "reduce", "（二）"),
        "energy_intensity_reduction": (17.0, "%", "reduce", "（四）"),
        "services_share": (41.0, "%", "at_least", "（三）"),
        "new_energy_consumption": (118.58, "10^4 tce", "at_least", "（五）"),
        "new_energy_share": (10.24, "%", "at_least", "（五）"),
        "non_fossil_share": (5.0, "%", "at_least", "（五）"),
        "gas_penetration": (90.0, "%", "at_least", "（六）"),
        "circular_economy_parks": (2.0, "count", "at_least", "（九）"),
        "resource_utilisation_bases": (4.0, "count", "at_least", "（九）"),
        "urban_mine_bases": (2.0, "count", "at_least", "（九）"),
        "key_energy_units_threshold": (5000.0, "tce", "threshold", "（八）"),
    }
    for ind in jurisdiction_set("zhengzhou").indicators:
        assert ind.responsible_department == "市发展改革委"
        assert ind.plan_text


def test_unknown_set() -> None:
    assert "zhengzhou" in available_sets()
    with pytest.raises(CatalogueError, match="no jurisdiction set"):
        jurisdiction_set("atlantis")


def test_checklist_adds_up_to_fifty_points() -> None:
    items = checklist("ndrc2014-default")
    assert sum(item.points for item in items) == 50
    assert len(items) == 11  # with the 2 target indicators: the method's 13 indicators
    assert all(item.clauses for item in items)


def test_defaults_file_matches_the_documented_defaults() -> None:
    config = default_config()
    documented = AssessmentConfig()
    assert config.warning == documented.warning
    assert config.scoring == documented.scoring
    assert config.verdict == documented.verdict
    assert config.projection == documented.projection
    assert config.checklist == checklist("ndrc2014-default")


def test_config_overrides_one_section_at_a_time() -> None:
    config = config_from_mapping({"verdict": {"exceeded_pct": 105}}, base=default_config())
    assert config.verdict.exceeded_pct == 105
    assert config.verdict.completed_pct == 100
    assert config.warning == default_config().warning


# ------------------------------------------------------------------------------------------
# The illustrative example


def test_example_is_labelled_illustrative() -> None:
    assert EXAMPLE in examples()
    data = example(EXAMPLE)
    assert data["illustrative"] is True
    assert "ILLUSTRATIVE" in data["note"]
    assert "说明性" in data["title"]
    assert assess(parse_input(data)).illustrative is True


def test_example_has_the_annex_jurisdictions_and_targets() -> None:
    data = example(EXAMPLE)
    got = [
        (j["id"], j["co2_intensity_target_pct"], j["energy_intensity_target_pct"])
        for j in data["jurisdictions"]
    ]
    annex = jurisdiction_set("zhengzhou").annex
    assert got == [
        (r.jurisdiction, r.co2_intensity_target_pct, r.energy_intensity_target_pct) for r in annex
    ]
    for jur in data["jurisdictions"]:
        assert sorted(jur["years"]) == [str(y) for y in range(2010, 2016)]


def test_example_agrees_with_published_city_totals() -> None:
    city = example(EXAMPLE)["jurisdictions"][0]["years"]
    # GDP at current prices: 4 040.9 亿元 (2010), 5 547 亿元 (2012), 7 315.2 亿元 (2015)
    assert city["2010"]["gdp_current_cny_100m"] == 4040.9
    assert city["2012"]["gdp_current_cny_100m"] == 5547.0
    assert city["2015"]["gdp_current_cny_100m"] == 7315.2
    # real growth 2015: 168.13 / 152.71 = 1.10098 → +10.1 % as published
    assert round(100 * (city["2015"]["gdp_index"] / city["2014"]["gdp_index"] - 1), 1) == 10.1
    # CEADs: Zhengzhou CO2 2010 = 69.295 Mt
    assert city["2010"]["co2_t"] == 69_295_000


def test_example_city_2011_by_hand() -> None:
    # 2011: CO2 75 383 000 t, real GDP index 113.2 → intensity ratio
    # (75 383 000 / 69 295 000) / 1.132 = 1.087856 / 1.132 = 0.961004 → fall 3.90 %
    result = assess(parse_input(example(EXAMPLE)))
    row = next(r for r in result.rows if r.jurisdiction == "zhengzhou" and r.year == 2011)
    assert row.gdp_constant_cny_100m == 4574.3  # 4 040.9 × 1.132 = 4 574.2988
    assert row.gdp_basis == "index"
    assert row.co2.reduction_pct == 3.9
    assert row.co2.required_cumulative_reduction_pct == 3.89  # 1 − 0.82^(1/5) = 3.8896 %


def test_example_fuel_based_jurisdiction() -> None:
    result = assess(parse_input(example(EXAMPLE)))
    shangjie = [r for r in result.rows if r.jurisdiction == "shangjie"]
    assert {r.co2_basis for r in shangjie} == {"fuel_and_electricity"}
    others = {r.co2_basis for r in result.rows if r.jurisdiction != "shangjie"}
    assert others == {"supplied"}


# ------------------------------------------------------------------------------------------
# Plan-wide indicators' progress


def test_level_progress() -> None:
    # services' share 39.2 % → target 41 %: at 40.3 % the way covered is 1.1/1.8 = 61.11 %
    assert round(100 * level_progress(40.3, 39.2, 41.0), 2) == 61.11


def test_indicator_progress_of_the_example() -> None:
    result = assess(parse_input(example(EXAMPLE)))
    progress = {(p.indicator, p.year): p for p in result.indicator_progress}
    services = progress[("services_share", 2013)]
    # baseline = the 2010 observation 39.2 %; 2013: 40.3 % → (40.3 − 39.2)/(41 − 39.2) = 61.11 %
    assert services.value == 40.3
    assert services.progress_pct == 61.11
    assert services.met is False
    assert services.gap == 0.7
    # counted targets from 0: 3 of 4 resource-utilisation bases in 2015 = 75 %, not met
    bases = progress[("resource_utilisation_bases", 2015)]
    assert (bases.progress_pct, bases.met) == (75.0, False)
    # the intensity indicators come from the assessment itself
    co2 = progress[("co2_intensity_reduction", 2015)]
    row = next(r for r in result.rows if r.jurisdiction == "zhengzhou" and r.year == 2015)
    assert co2.value == row.co2.reduction_pct
    assert co2.progress_pct == row.co2.progress_share_pct
    # the 5 000 tce threshold defines scope: no progress rows
    assert not any(p.indicator == "key_energy_units_threshold" for p in result.indicator_progress)
    # only the city reports indicators
    assert {p.jurisdiction for p in result.indicator_progress} == {"zhengzhou"}


def test_at_most_indicator(inp: Builder, jur: Builder) -> None:
    # coal share from 70 % (baseline) to at most 60 %: at 64 % → (70 − 64)/(70 − 60) = 60 %
    data = inp(
        jur("a", [1_000_000, 960_000]),
        indicators=[
            {"id": "coal_share", "direction": "at_most", "baseline": 70, "target": 60, "unit": "%"}
        ],
    )
    data["jurisdictions"][0]["years"]["2011"]["indicators"] = {"coal_share": 64}
    inp_ = parse_input(data)
    rows = assess(inp_).rows
    (p,) = indicator_progress(inp_, rows, 2015)
    assert (p.value, p.progress_pct, p.met, p.gap) == (64.0, 60.0, False, 4.0)


def test_unknown_indicator_observation_is_refused(inp: Builder, jur: Builder) -> None:
    data = inp(jur("a", [1_000_000, 960_000]), tree="zhengzhou")
    data["jurisdictions"][0]["id"] = "zhengzhou"
    data["jurisdictions"][0]["years"]["2011"]["indicators"] = {"services_shar": 40}
    with pytest.raises(TargetsInputError, match="services_shar") as caught:
        parse_input(data)
    assert caught.value.problems[0].field == "indicators.services_shar"
