"""The category framework: declaration, notation keys, completeness, totals, GWP, refusals."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from citycarbon.inventory import Category, Default, Param, categories, register
from citycarbon.inventory.model import Values
from citycarbon.inventory.registry import CATEGORIES
from citycarbon.units import MetricMismatchError


def _sink(values: Values) -> dict[str, Any]:
    # removals are negative: growth [tC] × 44/12
    return {"CO2": -values["growth"] * 44 / 12}


SINK = Category(
    id="lucf.test_sink",
    code="5A-test",
    sector="lucf",
    name_en="Test sink",
    name_zh="测试汇",
    gases=("CO2",),
    params=(Param("growth", "activity", "Carbon gained", "碳增加", unit=("tC",)),),
    compute=_sink,
    formula="E = −ΔC × 44/12",
    reference="test only",
)

PROCESS = Category(
    id="ippu.test_process",
    code="2X-test",
    sector="ippu",
    name_en="Test process",
    name_zh="测试过程",
    gases=("CO2", "SF6"),
    params=(
        Param("product", "activity", "Product", "产品", unit=("t",)),
        Param(
            "ef",
            "parameter",
            "Factor",
            "排放因子",
            unit=("tCO2/t",),
            default=Default("test_ef", ("{kind}", "generic")),
        ),
        Param("kind", "choice", "Kind", "类型", choices=("a", "b"), required=False),
        Param("sf6", "parameter", "SF6 lost", "SF6泄漏", unit=("kgSF6",), fallback=0.0),
    ),
    compute=lambda v: {"CO2": v["product"] * v["ef"], "SF6": v["sf6"] / 1000},
    formula="E = P × EF",
    reference="test only",
)


SURFACE_LINE = {"mine_type": "surface", "production": "1 t"}


@pytest.fixture
def test_categories() -> Iterator[None]:
    register(SINK)
    register(PROCESS)
    yield
    CATEGORIES.pop(SINK.id)
    CATEGORIES.pop(PROCESS.id)


def test_a_category_must_be_well_declared() -> None:
    with pytest.raises(ValueError, match=r"must start with 'waste\.'"):
        Category("energy.x", "6A", "waste", "x", "x", ("CH4",), (), _sink, "", "")
    with pytest.raises(ValueError, match="unknown sector"):
        Category("space.x", "9", "space", "x", "x", ("CH4",), (), _sink, "", "")
    with pytest.raises(ValueError, match="not one of the six"):
        Category("waste.x", "6", "waste", "x", "x", ("NF3",), (), _sink, "", "")
    with pytest.raises(ValueError, match="registered twice"):
        register(categories()[0])


@pytest.mark.usefixtures("test_categories")
def test_totals_with_and_without_lucf(form_factory: Any, compile_form: Any) -> None:
    form = form_factory(
        categories={
            "lucf.test_sink": {"rows": [{"growth": "1000 tC"}]},
            "ippu.test_process": {
                "rows": [{"product": "100 t", "ef": "0.5 tCO2/t", "sf6": "2 kgSF6"}]
            },
        }
    )
    result = compile_form(form)
    # Sink: 1 000 tC × 44/12 = 3 666.67 tCO2 removed. Process: 100 × 0.5 = 50 tCO2 and
    # 2 kg SF6 × 23 900 (SAR) = 47.8 tCO2e.
    assert float(result.total(include_lucf=False).value) == pytest.approx(97.8)
    assert float(result.total().value) == pytest.approx(97.8 - 1000 * 44 / 12)
    assert result.total().metric == "SARGWP100"
    assert result.by_gas_t() == {
        "CO2": pytest.approx(50 - 1000 * 44 / 12),
        "SF6": pytest.approx(0.002),
    }
    assert float(result.sector_total("ippu").value) == pytest.approx(97.8)
    data = result.as_dict()
    assert data["totals"]["by_sector"]["lucf"]["tco2e"] == pytest.approx(-1000 * 44 / 12)


@pytest.mark.usefixtures("test_categories")
def test_gwp_metric_is_chosen_and_kept(form_factory: Any, compile_form: Any) -> None:
    form = form_factory(
        categories={"ippu.test_process": {"rows": [{"product": "0 t", "ef": "0 tCO2/t",
                                                    "sf6": "1000 kgSF6"}]}}
    )  # fmt: skip
    # 1 t SF6: 23 900 under SAR, 22 800 under AR4
    assert float(compile_form(form).total().value) == pytest.approx(23_900)
    ar4 = compile_form(form, metric="AR4GWP100")
    assert float(ar4.total().value) == pytest.approx(22_800)
    with pytest.raises(MetricMismatchError):
        ar4.total() + compile_form(form).total()


@pytest.mark.usefixtures("test_categories")
def test_default_subject_templates_and_missing_default(form_factory: Any, refusal: Any) -> None:
    form = form_factory(
        categories={"ippu.test_process": {"rows": [{"product": "1 t", "kind": "a"}]}}
    )
    errors = refusal(form)
    assert errors == [
        "sheet categories.ippu.test_process, row 1, column ef: not given, and no default test_ef "
        "for a, generic in factor sets provincial2011, ndrc2013-appendix2, ipcc1996, ipcc2006 "
        "(region henan, year 2012)"
    ]


@pytest.mark.usefixtures("test_categories")
def test_local_values_by_subject(form_factory: Any, compile_form: Any) -> None:
    form = form_factory(
        categories={
            "ippu.test_process": {
                "rows": [{"product": "10 t", "kind": "a"}, {"product": "10 t", "kind": "b"}],
                "local": {"ef": {"a": "1 tCO2/t", "*": "3 tCO2/t"}},
            }
        }
    )
    lines = compile_form(form).category("ippu.test_process").lines
    assert [line.masses_t["CO2"] for line in lines] == [pytest.approx(10), pytest.approx(30)]
    assert [p.given for p in lines[0].params if p.name == "ef"] == ["1 tCO2/t"]
    assert [p.origin for p in lines[1].params if p.name == "ef"] == ["local"]


def test_notation_keys_and_completeness(form_factory: Any, compile_form: Any) -> None:
    form = form_factory(
        categories={"energy.coal_mining": {"rows": [SURFACE_LINE]}},
        notation_keys=[
            {"category": "energy.oil_gas_fugitive", "gas": "CH4", "key": "NO",
             "reason": "no oil or gas production; city gas distribution is in 1B2 of the city"},
            {"category": "energy.biomass_combustion", "gas": "CH4", "key": "NE",
             "reason": "no survey of rural biomass use"},
            {"category": "energy.coal_mining", "gas": "CH4", "key": "C",
             "reason": "single mine; its figure is confidential"},
        ],
    )  # fmt: skip
    result = compile_form(form)
    report = result.completeness
    assert report["complete"] is False
    missing = {(c["category"], c["gas"]) for c in report["missing"]}
    assert ("energy.biomass_combustion", "N2O") in missing
    assert ("energy.oil_gas_fugitive", "CH4") not in missing
    keyed = {(c["category"], c["gas"]): c["key"] for c in report["notation_keys"]}
    assert keyed[("energy.oil_gas_fugitive", "CH4")] == "NO"
    # Confidential: counted in the totals, hidden in the category output.
    mining = next(c for c in result.as_dict()["categories"] if c["id"] == "energy.coal_mining")
    assert mining["cells"]["CH4"] == "C"
    assert mining["tco2e"] == "C"
    assert mining["lines"] == []
    assert float(result.total().value) > 0


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        (
            {"category": "energy.coal_mining", "gas": "CH4", "key": "NO", "reason": ""},
            "sheet notation_keys, row 1, column reason: every notation key needs a reason",
        ),
        (
            {"category": "energy.coal_mining", "gas": "CH4", "key": "XX", "reason": "r"},
            "sheet notation_keys, row 1, column key, value 'XX': unknown notation key; keys: NO, "
            "NE, NA, IE, C",
        ),
        (
            {"category": "energy.coal_mining", "gas": "N2O", "key": "NA", "reason": "r"},
            "sheet notation_keys, row 1, column gas, value 'N2O': energy.coal_mining has no N2O; "
            "it has CH4",
        ),
        (
            {"category": "energy.mining", "gas": "CH4", "key": "NO", "reason": "r"},
            "sheet notation_keys, row 1, column category, value 'energy.mining': unknown category",
        ),
        (
            {"category": "energy.biomass_combustion", "gas": "CH4", "key": "C", "reason": "r"},
            "sheet notation_keys, row 1: energy.biomass_combustion CH4 has no estimate to keep "
            "confidential",
        ),
    ],
)
def test_bad_notation_keys_are_refused(
    form_factory: Any, refusal: Any, key: dict[str, str], expected: str
) -> None:
    assert refusal(form_factory(notation_keys=[key])) == [expected]


def test_a_key_on_an_estimated_cell_is_refused(form_factory: Any, refusal: Any) -> None:
    form = form_factory(
        categories={"energy.coal_mining": {"rows": [SURFACE_LINE]}},
        notation_keys=[{"category": "energy.coal_mining", "gas": "CH4", "key": "NO",
                        "reason": "no mines"}],
    )  # fmt: skip
    assert refusal(form) == [
        "sheet notation_keys, row 1: energy.coal_mining CH4 is estimated; a notation key NO is "
        "only for an empty cell (use C to mark an estimate confidential)"
    ]


SEMICONDUCTOR_CF4 = {"ippu.semiconductor": {"rows": [{"gas": "CF4", "used": "2 t"}]}}


def test_a_gas_no_line_emits_takes_a_key_though_the_category_has_lines(
    form_factory: Any, compile_form: Any, refusal: Any
) -> None:
    # The semiconductor category has lines for PFCs (CF4) only: HFCs and SF6 are empty cells,
    # listed as missing by the completeness report, so they take a key; PFCs do not.
    keys = [
        {"category": "ippu.semiconductor", "gas": gas, "key": "NO", "reason": "not used"}
        for gas in ("HFCs", "SF6")
    ]
    bare = compile_form(form_factory(categories=SEMICONDUCTOR_CF4)).completeness
    assert {(c["category"], c["gas"]) for c in bare["missing"]} >= {
        ("ippu.semiconductor", "HFCs"),
        ("ippu.semiconductor", "SF6"),
    }
    assert {"category": "ippu.semiconductor", "code": "2F7", "gas": "PFCs"} in bare["estimated"]

    result = compile_form(form_factory(categories=SEMICONDUCTOR_CF4, notation_keys=keys))
    report = result.completeness
    cells = {(c["category"], c["gas"]) for c in report["missing"]}
    assert not {c for c in cells if c[0] == "ippu.semiconductor"}
    keyed = {(c["category"], c["gas"]): c["key"] for c in report["notation_keys"]}
    assert keyed == {("ippu.semiconductor", "HFCs"): "NO", ("ippu.semiconductor", "SF6"): "NO"}
    shown = result.category("ippu.semiconductor").as_dict()["cells"]
    assert (shown["HFCs"], shown["SF6"]) == ("NO", "NO")
    assert isinstance(shown["PFCs"], float)
    assert shown["PFCs"] > 0

    # The estimated cell refuses a key other than C; an empty one refuses C.
    wrong = [
        {"category": "ippu.semiconductor", "gas": "PFCs", "key": "NO", "reason": "r"},
        {"category": "ippu.semiconductor", "gas": "HFCs", "key": "C", "reason": "r"},
    ]
    assert refusal(form_factory(categories=SEMICONDUCTOR_CF4, notation_keys=wrong)) == [
        "sheet notation_keys, row 1: ippu.semiconductor PFCs is estimated; a notation key NO is "
        "only for an empty cell (use C to mark an estimate confidential)",
        "sheet notation_keys, row 2: ippu.semiconductor HFCs has no estimate to keep confidential",
    ]


def test_every_missing_cell_can_be_keyed(form_factory: Any, compile_form: Any) -> None:
    # Completeness and the notation-key check agree: keying every cell the report lists as
    # missing is accepted and makes the inventory complete, with no cell left missing.
    sections = {**SEMICONDUCTOR_CF4, "energy.coal_mining": {"rows": [SURFACE_LINE]}}
    missing = compile_form(form_factory(categories=sections)).completeness["missing"]
    keys = [
        {"category": c["category"], "gas": c["gas"], "key": "NE", "reason": "not estimated"}
        for c in missing
    ]
    report = compile_form(form_factory(categories=sections, notation_keys=keys)).completeness
    assert report["complete"] is True
    assert report["missing"] == []
    assert len(report["notation_keys"]) == len(missing)


def test_unknown_sections_parameters_and_metric(form_factory: Any, refusal: Any) -> None:
    form = form_factory(
        categories={
            "energy.mining": {"rows": [{"x": 1}]},
            "energy.coal_mining": {
                "rows": [{"mine_type": "surface", "production": "1 t", "depth": "3 m"}],
                "local": {"colour": "red"},
            },
        }
    )
    form["inventory"]["gwp"] = "GWP-1000"
    errors = refusal(form)
    assert errors[0] == (
        "sheet inventory, row gwp, value 'GWP-1000': unknown GWP metric; choose SARGWP100, "
        "AR4GWP100, AR5GWP100, AR6GWP100"
    )
    assert any(e.startswith("sheet categories.energy.mining, value 'energy.mining': unknown "
                            "category") for e in errors)  # fmt: skip
    assert (
        "sheet categories.energy.coal_mining, row local, column colour, value 'red': "
        "energy.coal_mining has no parameter 'colour'"
    ) in errors
    assert any("column depth, value '3 m': energy.coal_mining has no parameter 'depth'" in e
               for e in errors)  # fmt: skip


def test_an_inventory_needs_a_year(refusal: Any) -> None:
    assert refusal({"inventory": {"jurisdiction": "x"}}) == [
        "sheet inventory, row year: an inventory needs a year"
    ]


def test_uncertainty_that_is_not_a_percentage_is_refused(form_factory: Any, refusal: Any) -> None:
    rows = [{"mine_type": "surface", "production": {"value": 1, "unit": "t",
                                                    "uncertainty_pct": "lots"}}]  # fmt: skip
    errors = refusal(form_factory(categories={"energy.coal_mining": {"rows": rows}}))
    assert errors == [
        "sheet categories.energy.coal_mining, row 1, column production, value {'value': 1, "
        "'unit': 't', 'uncertainty_pct': 'lots'}: the uncertainty is not a number"
    ]


# -- CO2e only for the gases emitted -------------------------------------------------------------

HFC_LINES = [
    {"gas": "HFC134a", "application": "mobile_ac", "sales": "10 t"},
    {"gas": "HFC245fa", "application": "foam", "sales": "5 t"},
]


def test_a_gas_the_metric_cannot_weigh_refuses_only_the_line_that_emits_it(
    form_factory: Any, compile_form: Any, refusal: Any
) -> None:
    # SAR has no GWP for HFC-245fa: the line that emits it is refused, naming it.
    form = form_factory(categories={"ippu.hfc_consumption": {"rows": HFC_LINES}})
    assert refusal(form) == [
        "sheet categories.ippu.hfc_consumption, row 2, column gas, value 'HFC245fa': "
        "ippu.hfc_consumption emits HFC245fa, which SARGWP100 gives no GWP for; compile under "
        "another metric (metrics with a value: AR4GWP100, AR5GWP100, AR6GWP100) or leave the "
        "line out"
    ]
    # The same inventory without that line computes under SAR: 10 t × 1 300 = 13 000 tCO2e.
    without = form_factory(categories={"ippu.hfc_consumption": {"rows": HFC_LINES[:1]}})
    assert float(compile_form(without).total().value) == pytest.approx(13_000)
    # Under AR4 both lines weigh: 10 t × 1 430 + 5 t × 1 030 = 14 300 + 5 150 = 19 450 tCO2e.
    ar4 = compile_form(form, metric="AR4GWP100")
    assert float(ar4.total().value) == pytest.approx(19_450)
    assert ar4.by_gas_t() == {"HFCs": pytest.approx(15)}


def test_an_inventory_without_the_gas_needs_no_gwp_for_it(
    form_factory: Any, compile_form: Any
) -> None:
    # A registered category can emit HFC-245fa (no SAR value); an SAR inventory that emits
    # nothing of it computes: GWPs are looked up for the gases lines emit, not for every gas.
    result = compile_form(form_factory())
    assert result.metric == "SARGWP100"
    assert float(result.total().value) == 0.0
    assert result.as_dict()["totals"]["by_gas_tco2e"] == {}
