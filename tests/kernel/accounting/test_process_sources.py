"""Industrial-process source types: hand-worked examples, refusals and the float-array path.

Every expected value is worked by hand in the comment beside it; inputs are chosen so that the
divisions by 12, 40 and 56 come out exact.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal, localcontext
from typing import Any

import numpy as np
import pytest

import citycarbon.accounting.engine as engine
from citycarbon.accounting.engine import LineInput, ReportInput, compute_report
from citycarbon.accounting.model import AccountingError, ReportError, Sector, SectorSource
from citycarbon.accounting.sources import chemical, fgases, metals, minerals
from citycarbon.accounting.sources.registry import source_type
from citycarbon.numbers import CONTEXT

PROCESS_SOURCES = (
    "carbonate_decomposition",
    "clinker_production",
    "raw_meal_organic_carbon",
    "desulfurisation",
    "carbon_mass_balance",
    "nitric_acid_n2o",
    "adipic_acid_n2o",
    "catalyst_regeneration",
    "hfc23_byproduct",
    "sf6_electrical_equipment",
    "fgas_process_use",
    "anode_consumption",
    "anode_effect_pfc",
)

#: A test sector that has every process source and the guideline sets of their defaults.
GENERAL_SETS = (
    "ndrc2013-cement",
    "ndrc2013-chemicals",
    "ndrc2014-petrochemicals",
    "ndrc2015-fluorochemicals",
    "ndrc2015-electronics",
    "ndrc2013-aluminium",
    "ndrc2013-appendix2",
)
POWER_SETS = ("ndrc2013-power-generation", "ndrc2013-appendix2")


def _sector(factor_sets: Sequence[str]) -> Sector:
    return Sector(
        id="process_test",
        name_zh="过程排放测试",
        name_en="Process emissions test",
        guideline="test",
        document="test sector with every process source type",
        sources=tuple(SectorSource(s) for s in PROCESS_SOURCES),
        factor_sets=tuple(factor_sets),
    )


@pytest.fixture
def use_sector(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Point the engine at a test sector with the given factor sets."""

    def choose(factor_sets: Sequence[str] = GENERAL_SETS) -> None:
        sector = _sector(factor_sets)
        monkeypatch.setattr(engine, "get_sector", lambda _id: sector)

    choose()
    return choose


def _report(*lines: tuple[str, Mapping[str, Any]], metric: str = "SARGWP100") -> Any:
    report = ReportInput(
        id="R1",
        sector="process_test",
        year=2015,
        lines=tuple(LineInput(source, dict(values)) for source, values in lines),
    )
    return compute_report(report, metric=metric)


def _refused(*lines: tuple[str, Mapping[str, Any]]) -> list[AccountingError]:
    """The errors of a refused report; asserts that no result was produced."""
    outcome = None
    with pytest.raises(ReportError) as caught:
        outcome = _report(*lines)
    assert outcome is None
    return caught.value.errors


def _one_error(errors: list[AccountingError], line: int, field: str, value: object) -> str:
    assert len(errors) == 1, [e.describe() for e in errors]
    error = errors[0]
    assert (error.report, error.line, error.field, error.value) == ("R1", line, field, value)
    assert f"line {line}" in error.describe()
    assert f"field {field}" in error.describe()
    return error.message


def test_every_process_source_is_registered() -> None:
    for source_id in PROCESS_SOURCES:
        assert source_type(source_id).id == source_id


# ----------------------------------------------------------------------------------- minerals


def test_carbonate_decomposition_function() -> None:
    # 1000 t limestone × 90 % CaCO3 × 100 % calcined × 0.43971 tCO2/t = 395.739 tCO2
    with localcontext(CONTEXT):
        result = minerals.carbonate_co2(
            Decimal(1000), Decimal("0.9"), Decimal(1), Decimal("0.43971")
        )
    assert result == Decimal("395.739")


def test_carbonate_decomposition_report_uses_stoichiometric_default(use_sector: Any) -> None:
    use_sector(("ndrc2013-flat-glass", "ndrc2013-appendix2"))
    result = _report(
        ("carbonate_decomposition", {"carbonate": "CaCO3", "quantity": "1000 t", "purity": "90 %"}),
        # 500 t dolomite × 0.8 × 0.95 × 0.47732 = 380 × 0.47732 = 181.3816 tCO2
        (
            "carbonate_decomposition",
            {
                "carbonate": "CaMg(CO3)2",
                "quantity": "500 t",
                "purity": "80 %",
                "calcination": "95 %",
            },
        ),
    )
    assert result.lines[0].masses_t["CO2"] == Decimal("395.739")
    assert result.lines[1].masses_t["CO2"] == Decimal("181.3816")
    # 395.739 + 181.3816 = 577.1206 tCO2
    assert result.total.value == Decimal("577.1206")
    used = {p.name: p for p in result.lines[0].params}
    assert used["ef"].origin == "default"
    assert used["ef"].factor_id == "carbonate_ef.CaCO3"
    assert used["calcination"].factor_id == "calcination_fraction"


def test_carbonate_decomposition_uses_the_sector_guideline_factor(use_sector: Any) -> None:
    # aluminium guideline: 200 t limestone × 100 % × 100 % × 0.405 tCO2/t = 81 tCO2
    use_sector(("ndrc2013-aluminium", "ndrc2013-appendix2"))
    line = {"carbonate": "CaCO3", "quantity": "200 t", "purity": "100 %"}
    result = _report(("carbonate_decomposition", line))
    assert result.lines[0].masses_t["CO2"] == Decimal(81)
    assert result.lines[0].params[-1].factor_id == "carbonate_ef.CaCO3.aluminium"


def test_clinker_function() -> None:
    # (100 000 + 2 000 + 500) t × [(0.65 − 0.09) × 44/56 + (0.03 − 0.01) × 44/40]
    # = 102 500 × (0.56 × 44/56 + 0.02 × 44/40) = 102 500 × (0.44 + 0.022) = 47 355 tCO2
    with localcontext(CONTEXT):
        result = minerals.clinker_co2(
            Decimal(100000),
            Decimal(2000),
            Decimal(500),
            Decimal("0.65"),
            Decimal("0.09"),
            Decimal("0.03"),
            Decimal("0.01"),
        )
    assert result == Decimal(47355)


CLINKER_LINE = {
    "quantity": "100000 t",
    "kiln_dust": "2000 t",
    "bypass_dust": "500 t",
    "cao": "65 %",
    "cao_noncarbonate": "9 %",
    "mgo": "3 %",
    "mgo_noncarbonate": "1 %",
}


def test_clinker_report(use_sector: Any) -> None:
    result = _report(("clinker_production", CLINKER_LINE))
    assert result.lines[0].masses_t["CO2"] == Decimal(47355)
    assert result.total.value == Decimal(47355)


def test_raw_meal_function_and_report(use_sector: Any) -> None:
    # 150 000 t × 0.1 % × 44/12 = 150 × 44 / 12 = 550 tCO2 (conventional raw-meal default)
    with localcontext(CONTEXT):
        assert minerals.raw_meal_carbon_co2(Decimal(150000), Decimal("0.001")) == Decimal(550)
    result = _report(
        ("raw_meal_organic_carbon", {"quantity": "150000 t", "raw_meal": "conventional"}),
        # 150 000 t × 0.3 % × 44/12 = 450 × 44 / 12 = 1650 tCO2 (high-carbon default)
        ("raw_meal_organic_carbon", {"quantity": "150000 t", "raw_meal": "high_carbon"}),
        # measured: 10 000 t × 0.6 % × 44/12 = 60 × 44 / 12 = 220 tCO2
        ("raw_meal_organic_carbon", {"quantity": "10000 t", "carbon_content": "0.6 %"}),
    )
    assert [line.masses_t["CO2"] for line in result.lines] == [
        Decimal(550),
        Decimal(1650),
        Decimal(220),
    ]
    assert result.lines[0].params[-1].factor_id == "raw_meal_carbon_content.conventional"
    # 550 + 1650 + 220 = 2420 tCO2
    assert result.total.value == Decimal(2420)


def test_desulfurisation_function() -> None:
    # 2000 t sorbent × 90 % CaCO3 × 0.440 tCO2/t × 100 % conversion = 792 tCO2
    with localcontext(CONTEXT):
        result = minerals.desulfurisation_co2(
            Decimal(2000), Decimal("0.9"), Decimal("0.440"), Decimal(1)
        )
    assert result == Decimal(792)


def test_desulfurisation_report_uses_power_guideline_defaults(use_sector: Any) -> None:
    use_sector(POWER_SETS)
    result = _report(("desulfurisation", {"carbonate": "CaCO3", "quantity": "2000 t"}))
    assert result.lines[0].masses_t["CO2"] == Decimal(792)
    ids = {p.name: p.factor_id for p in result.lines[0].params}
    assert ids == {
        "carbonate": None,
        "quantity": None,
        "carbonate_content": "desulfurisation_carbonate_content.power",
        "ef": "carbonate_ef.CaCO3.power",
        "conversion": "desulfurisation_conversion.power",
    }


def test_desulfurisation_outside_the_power_guideline_has_no_sorbent_default(
    use_sector: Any,
) -> None:
    errors = _refused(("desulfurisation", {"carbonate": "CaCO3", "quantity": "2000 t"}))
    fields = sorted(e.field or "" for e in errors)
    assert fields == ["carbonate_content", "conversion"]
    assert all(e.line == 1 and "no default" in e.message for e in errors)


# ----------------------------------------------------------------------------------- chemical


def test_carbon_stream_function() -> None:
    # 1000 t × 0.84 tC/t × 44/12 = 840 × 44 / 12 = 3080 tCO2
    with localcontext(CONTEXT):
        assert chemical.carbon_stream_co2(Decimal(1000), Decimal("0.84")) == Decimal(3080)


def test_carbon_mass_balance_report(use_sector: Any) -> None:
    coke = {"direction": "input", "quantity": "1000 t", "carbon_content": "0.84 tC/t"}
    methanol = {"direction": "output", "quantity": "300 t", "carbon_content": "0.375 tC/t"}
    gas = {"direction": "input", "quantity": "50 10^4 Nm3", "carbon_content": "5.4 tC/(10^4 Nm3)"}
    result = _report(
        # input coke: 1000 t × 0.84 tC/t × 44/12 = 3080 tCO2
        ("carbon_mass_balance", coke),
        # output methanol: 300 t × 0.375 tC/t × 44/12 = 112.5 × 44 / 12 = 412.5 → −412.5 tCO2
        ("carbon_mass_balance", methanol),
        # input gas: 50 × 10^4 Nm3 × 5.4 tC/(10^4 Nm3) × 44/12 = 270 × 44 / 12 = 990 tCO2
        ("carbon_mass_balance", gas),
    )
    assert [line.masses_t["CO2"] for line in result.lines] == [
        Decimal(3080),
        Decimal("-412.5"),
        Decimal(990),
    ]
    # 3080 − 412.5 + 990 = 3657.5 tCO2
    assert result.total.value == Decimal("3657.5")
    assert result.by_source["carbon_mass_balance"] == Decimal("3657.5")


def test_nitric_acid_function() -> None:
    # 10 000 t × 13.9 kgN2O/t × (1 − 0.85 × 0.90) / 1000 = 139 000 × 0.235 / 1000 = 32.665 tN2O
    with localcontext(CONTEXT):
        result = chemical.n2o_production_t(
            Decimal(10000), Decimal("13.9"), Decimal("0.85"), Decimal("0.9")
        )
    assert result == Decimal("32.665")


def test_nitric_acid_report(use_sector: Any) -> None:
    result = _report(
        (
            "nitric_acid_n2o",
            {
                "technology": "high_pressure",
                "quantity": "10000 t",
                "abatement": "nscr",
                "usage": "90 %",
            },
        ),
        # no abatement: 2000 t × 8.0 kgN2O/t (dual pressure) × (1 − 0 × 0) / 1000 = 16 tN2O
        (
            "nitric_acid_n2o",
            {"technology": "dual_pressure", "quantity": "2000 t", "removal": "0 %", "usage": "0 %"},
        ),
    )
    assert result.lines[0].masses_t["N2O"] == Decimal("32.665")
    assert result.lines[1].masses_t["N2O"] == Decimal(16)
    # (32.665 + 16) tN2O × 310 (SAR) = 48.665 × 310 = 15 086.15 tCO2e
    assert result.total.value == Decimal("15086.15")
    ids = {p.name: p.factor_id for p in result.lines[0].params}
    assert ids["ef"] == "nitric_acid_n2o_ef.high_pressure"
    assert ids["removal"] == "nitric_acid_n2o_removal.nscr"


def test_adipic_acid_report(use_sector: Any) -> None:
    # 5000 t × 300 kgN2O/t × (1 − 0.985 × 0.96) / 1000 = 1 500 000 × 0.0544 / 1000 = 81.6 tN2O
    with localcontext(CONTEXT):
        direct = chemical.n2o_production_t(
            Decimal(5000), Decimal(300), Decimal("0.985"), Decimal("0.96")
        )
    assert direct == Decimal("81.6")
    result = _report(
        (
            "adipic_acid_n2o",
            {
                "technology": "nitric_acid_oxidation",
                "quantity": "5000 t",
                "abatement": "thermal_destruction",
                "usage": "96 %",
            },
        )
    )
    assert result.lines[0].masses_t["N2O"] == Decimal("81.6")
    # 81.6 tN2O × 310 = 25 296 tCO2e
    assert result.total.value == Decimal(25296)


def test_catalyst_regeneration_function_and_report(use_sector: Any) -> None:
    # 1200 t coke × 100 % C × 98 % oxidised × 44/12 = 1176 × 44 / 12 = 4312 tCO2
    with localcontext(CONTEXT):
        direct = chemical.catalyst_coke_co2(Decimal(1200), Decimal(1), Decimal("0.98"))
    assert direct == Decimal(4312)
    result = _report(("catalyst_regeneration", {"quantity": "1200 t"}))
    assert result.lines[0].masses_t["CO2"] == Decimal(4312)
    ids = {p.name: p.factor_id for p in result.lines[0].params}
    assert ids["carbon_content"] == "catalyst_coke_carbon_content"
    assert ids["oxidation"] == "catalyst_coke_oxidation"


# ------------------------------------------------------------------------------------ fgases


def test_hfc23_function_and_report(use_sector: Any) -> None:
    # 20 000 t HCFC-22 × 1.5 % − 280 t destroyed = 300 − 280 = 20 t HFC-23
    with localcontext(CONTEXT):
        direct = fgases.hfc23_byproduct_t(Decimal(20000), Decimal("0.015"), Decimal(280))
        # 280 t HFC-23 destroyed × 44/70 = 12 320 / 70 = 176 tCO2
        co2 = fgases.hfc23_destruction_co2(Decimal(280))
    assert direct == Decimal(20)
    assert co2 == Decimal(176)
    # Default generation rate 3 % (IPCC Tier 1): 20 000 × 0.03 = 600 t generated;
    # 600 − 280 destroyed = 320 t HFC-23, and the 280 t destroyed give 176 tCO2.
    result = _report(("hfc23_byproduct", {"quantity": "20000 t", "destroyed": "280 tHFC23"}))
    assert result.lines[0].masses_t == {"HFC23": Decimal(320), "CO2": Decimal(176)}
    # 320 t × 11 700 (SAR) + 176 = 3 744 000 + 176 = 3 744 176 tCO2e
    assert result.total.value == Decimal(3744176)
    rate = next(p for p in result.lines[0].params if p.name == "generation_rate")
    assert rate.factor_id == "hfc23_generation_rate"


def test_hfc23_recovered_as_product_gives_no_co2(use_sector: Any) -> None:
    # Measured rate 2.5 %: 20 000 × 0.025 = 500 t generated; 150 t recovered as product and
    # 70 t destroyed: 500 − 150 − 70 = 280 t HFC-23; CO2 only from the destroyed 70 t:
    # 70 × 44/70 = 44 tCO2.
    result = _report(
        (
            "hfc23_byproduct",
            {
                "quantity": "20000 t",
                "generation_rate": "2.5 %",
                "recovered": "150 tHFC23",
                "destroyed": "70 tHFC23",
            },
        )
    )
    assert result.lines[0].masses_t == {"HFC23": Decimal(280), "CO2": Decimal(44)}


def test_sf6_function_and_report(use_sector: Any) -> None:
    # (500 − 450) kgSF6 / 1000 = 0.05 tSF6
    with localcontext(CONTEXT):
        assert fgases.sf6_equipment_t(Decimal(500), Decimal(450)) == Decimal("0.05")
    result = _report(
        (
            "sf6_electrical_equipment",
            {"event": "retired", "quantity": "500 kgSF6", "recovered": "450 kgSF6"},
        ),
        # (120 − 110) kg / 1000 = 0.01 tSF6; the capacity may be written in tonnes of SF6
        (
            "sf6_electrical_equipment",
            {"event": "repaired", "quantity": "0.12 tSF6", "recovered": "110 kgSF6"},
        ),
    )
    assert result.lines[0].masses_t["SF6"] == Decimal("0.05")
    assert result.lines[1].masses_t["SF6"] == Decimal("0.01")
    # (0.05 + 0.01) t × 23 900 (SAR) = 1434 tCO2e
    assert result.total.value == Decimal(1434)
    assert result.by_gas["SF6"] == Decimal("0.06")


def test_fgas_process_function() -> None:
    # (1 − 0.10) × 1000 kg × (1 − 0.10) × (1 − 0.5 × 0.9) / 1000
    # = 900 × 0.9 × 0.55 / 1000 = 445.5 / 1000 = 0.4455 tCF4
    with localcontext(CONTEXT):
        result = fgases.fgas_process_t(
            Decimal(1000), Decimal("0.1"), Decimal("0.1"), Decimal("0.5"), Decimal("0.9")
        )
    assert result == Decimal("0.4455")


def test_fgas_process_report(use_sector: Any) -> None:
    result = _report(
        ("fgas_process_use", {"gas": "CF4", "quantity": "1000 kgCF4", "abated_share": "50 %"})
    )
    assert result.lines[0].masses_t == {"CF4": Decimal("0.4455")}
    # 0.4455 t × 6500 (SAR) = 2895.75 tCO2e
    assert result.total.value == Decimal("2895.75")
    ids = {p.name: p.factor_id for p in result.lines[0].params}
    assert ids["heel"] == "fgas_heel"
    assert ids["utilisation"] == "fgas_utilisation.CF4"
    assert ids["destruction"] == "fgas_destruction.CF4"


def test_fgas_nf3_needs_a_metric_that_has_it(use_sector: Any) -> None:
    line = ("fgas_process_use", {"gas": "NF3", "quantity": "200 kgNF3", "abated_share": "100 %"})
    # SAR has no GWP for NF3: refused, naming the line
    outcome = None
    with pytest.raises(ReportError) as caught:
        outcome = _report(line)
    assert outcome is None
    (error,) = caught.value.errors
    assert error.line == 1
    assert "NF3" in error.message
    # AR4: (1 − 0.10) × 200 × (1 − 0.80) × (1 − 1 × 0.95) / 1000 = 180 × 0.2 × 0.05 / 1000
    # = 0.0018 tNF3; × 17 200 = 30.96 tCO2e
    result = _report(line, metric="AR4GWP100")
    assert result.lines[0].masses_t == {"NF3": Decimal("0.0018")}
    assert result.total.value == Decimal("30.96")


# ------------------------------------------------------------------------------------ metals


def test_anode_functions() -> None:
    # EF = 0.42 tC/t × (1 − 0.02 − 0.004) × 44/12 = 0.40992 × 44 / 12 = 1.50304 tCO2/t Al
    # E = 1000 t × 0.42 × 0.976 × 44/12 = 409.92 × 44 / 12 = 1503.04 tCO2
    with localcontext(CONTEXT):
        factor = metals.anode_emission_factor(Decimal("0.42"), Decimal("0.02"), Decimal("0.004"))
        emitted = metals.anode_co2(
            Decimal(1000), Decimal("0.42"), Decimal("0.02"), Decimal("0.004")
        )
    assert factor == Decimal("1.50304")
    assert emitted == Decimal("1503.04")


def test_anode_consumption_report(use_sector: Any) -> None:
    result = _report(("anode_consumption", {"quantity": "1000 t"}))
    assert result.lines[0].masses_t["CO2"] == Decimal("1503.04")
    ids = {p.name: p.factor_id for p in result.lines[0].params}
    assert ids == {
        "quantity": None,
        "net_consumption": "anode_net_consumption",
        "sulphur": "anode_sulphur",
        "ash": "anode_ash",
    }


def test_anode_effect_pfc_function_and_report(use_sector: Any) -> None:
    # 100 000 t Al × 0.034 kgCF4/t / 1000 = 3.4 tCF4; × 0.0034 kgC2F6/t / 1000 = 0.34 tC2F6
    with localcontext(CONTEXT):
        assert metals.anode_effect_pfc_t(Decimal(100000), Decimal("0.034")) == Decimal("3.4")
        assert metals.anode_effect_pfc_t(Decimal(100000), Decimal("0.0034")) == Decimal("0.34")
    result = _report(("anode_effect_pfc", {"quantity": "100000 t"}))
    assert result.lines[0].masses_t == {"CF4": Decimal("3.4"), "C2F6": Decimal("0.34")}
    # 3.4 × 6500 + 0.34 × 9200 = 22 100 + 3128 = 25 228 tCO2e (SAR)
    assert result.total.value == Decimal(25228)


# ---------------------------------------------------------------------------------- refusals


def test_negative_amount_is_refused(use_sector: Any) -> None:
    message = _one_error(
        _refused(
            (
                "carbonate_decomposition",
                {"carbonate": "CaCO3", "quantity": "-5 t", "purity": "90 %"},
            )
        ),
        1,
        "quantity",
        "-5 t",
    )
    assert "negative" in message


def test_fraction_above_100_percent_is_refused(use_sector: Any) -> None:
    message = _one_error(
        _refused(
            (
                "carbonate_decomposition",
                {"carbonate": "CaCO3", "quantity": "5 t", "purity": "120 %"},
            )
        ),
        1,
        "purity",
        "120 %",
    )
    assert "100 %" in message


def test_bare_number_for_a_fraction_is_refused(use_sector: Any) -> None:
    message = _one_error(
        _refused(
            ("carbonate_decomposition", {"carbonate": "CaCO3", "quantity": "5 t", "purity": 0.9})
        ),
        1,
        "purity",
        0.9,
    )
    assert "'%'" in message


def test_sf6_recovered_above_capacity_is_refused(use_sector: Any) -> None:
    good = (
        "sf6_electrical_equipment",
        {"event": "retired", "quantity": "500 kgSF6", "recovered": "450 kgSF6"},
    )
    bad = (
        "sf6_electrical_equipment",
        {"event": "repaired", "quantity": "500 kgSF6", "recovered": "600 kgSF6"},
    )
    message = _one_error(_refused(good, bad), 2, "recovered", "600 kgSF6")
    assert "600" in message
    assert "500" in message


def test_hfc23_destroyed_above_generated_is_refused(use_sector: Any) -> None:
    # generated: 20 000 t × 3 % (default) = 600 t; 700 t cannot have been destroyed
    message = _one_error(
        _refused(("hfc23_byproduct", {"quantity": "20000 t", "destroyed": "700 tHFC23"})),
        1,
        "destroyed",
        "700 tHFC23",
    )
    assert "600" in message


def test_hfc23_recovered_plus_destroyed_above_generated_is_refused(use_sector: Any) -> None:
    # 600 t generated; 400 t recovered + 250 t destroyed = 650 t > 600 t
    errors = _refused(
        (
            "hfc23_byproduct",
            {"quantity": "20000 t", "recovered": "400 tHFC23", "destroyed": "250 tHFC23"},
        )
    )
    message = _one_error(errors, 1, "destroyed", "250 tHFC23")
    assert "400" in message
    assert "600" in message
    # recovered alone above what was generated names the recovered field
    errors = _refused(
        (
            "hfc23_byproduct",
            {"quantity": "20000 t", "recovered": "601 tHFC23", "destroyed": "0 tHFC23"},
        )
    )
    assert _one_error(errors, 1, "recovered", "601 tHFC23")


def test_wrong_unit_dimension_is_refused(use_sector: Any) -> None:
    # SF6 capacity as a plain mass: the gas must be named (kgSF6)
    message = _one_error(
        _refused(
            (
                "sf6_electrical_equipment",
                {"event": "retired", "quantity": "500 kg", "recovered": "0 kgSF6"},
            )
        ),
        1,
        "quantity",
        "500 kg",
    )
    assert "dimension" in message
    # the CF4 factor given in kg of C2F6
    _one_error(
        _refused(("anode_effect_pfc", {"quantity": "1000 t", "ef_cf4": "0.034 kgC2F6/t"})),
        1,
        "ef_cf4",
        "0.034 kgC2F6/t",
    )


def test_fgas_amount_of_another_gas_is_refused(use_sector: Any) -> None:
    message = _one_error(
        _refused(
            ("fgas_process_use", {"gas": "CF4", "quantity": "1000 kgSF6", "abated_share": "0 %"})
        ),
        1,
        "quantity",
        "1000 kgSF6",
    )
    assert "kgCF4" in message


def test_carbon_content_per_volume_for_a_mass_is_refused(use_sector: Any) -> None:
    line = {"direction": "input", "quantity": "1000 t", "carbon_content": "5.4 tC/(10^4 Nm3)"}
    message = _one_error(
        _refused(("carbon_mass_balance", line)), 1, "carbon_content", "5.4 tC/(10^4 Nm3)"
    )
    assert "tC/t" in message


def test_noncarbonate_oxide_above_total_is_refused(use_sector: Any) -> None:
    line = dict(CLINKER_LINE, mgo_noncarbonate="4 %")
    message = _one_error(_refused(("clinker_production", line)), 1, "mgo_noncarbonate", "4 %")
    assert "MgO" in message


def test_missing_defaults_are_refused_with_the_field_to_give(use_sector: Any) -> None:
    errors = _refused(
        ("raw_meal_organic_carbon", {"quantity": "1000 t"}),
    )
    _one_error(errors, 1, "raw_meal", None)
    errors = _refused(
        ("nitric_acid_n2o", {"technology": "high_pressure", "quantity": "10 t", "usage": "0 %"}),
    )
    _one_error(errors, 1, "abatement", None)


def test_sulphur_and_ash_above_the_whole_anode_is_refused(use_sector: Any) -> None:
    line = {"quantity": "1000 t", "sulphur": "60 %", "ash": "50 %"}
    _one_error(_refused(("anode_consumption", line)), 1, "ash", "50 %")


def test_unknown_choice_is_refused(use_sector: Any) -> None:
    line = {"technology": "plasma", "quantity": "10 t", "removal": "0 %", "usage": "0 %"}
    message = _one_error(_refused(("nitric_acid_n2o", line)), 1, "technology", "plasma")
    assert "high_pressure" in message


# ------------------------------------------------------------------------- float-array path

#: Each function with two rows of arguments (one column per parameter): a hand-worked row and
#: an arbitrary one.
_ARRAY_CASES: list[tuple[Any, list[tuple[str, str]]]] = [
    (
        minerals.carbonate_co2,
        [
            ("1000", "12.5"),
            ("0.9", "0.77"),
            ("1", "0.95"),
            ("0.43971", "0.52197"),
        ],
    ),
    (
        minerals.clinker_co2,
        [
            ("100000", "2.5e5"),
            ("2000", "0"),
            ("500", "31"),
            ("0.65", "0.642"),
            ("0.09", "0.013"),
            ("0.03", "0.021"),
            ("0.01", "0.004"),
        ],
    ),
    (
        minerals.raw_meal_carbon_co2,
        [
            ("150000", "7"),
            ("0.001", "0.0027"),
        ],
    ),
    (
        minerals.desulfurisation_co2,
        [
            ("2000", "3.3"),
            ("0.9", "0.81"),
            ("0.44", "0.522"),
            ("1", "0.97"),
        ],
    ),
    (
        chemical.carbon_stream_co2,
        [
            ("1000", "0.3"),
            ("0.84", "0.7321"),
        ],
    ),
    (
        chemical.n2o_production_t,
        [
            ("10000", "1.7"),
            ("13.9", "11.77"),
            ("0.85", "0.6"),
            ("0.9", "0.33"),
        ],
    ),
    (
        chemical.catalyst_coke_co2,
        [
            ("1200", "0.8"),
            ("1", "0.93"),
            ("0.98", "0.9"),
        ],
    ),
    (
        fgases.hfc23_byproduct_t,
        [
            ("20000", "711"),
            ("0.015", "0.029"),
            ("280", "3.1"),
        ],
    ),
    (
        fgases.hfc23_destruction_co2,
        [
            ("280", "3.1", "0.07"),
        ],
    ),
    (
        fgases.sf6_equipment_t,
        [
            ("500", "7.3"),
            ("450", "1.9"),
        ],
    ),
    (
        fgases.fgas_process_t,
        [
            ("1000", "3.7"),
            ("0.1", "0.13"),
            ("0.1", "0.55"),
            ("0.5", "0.85"),
            ("0.9", "0.95"),
        ],
    ),
    (
        metals.anode_emission_factor,
        [
            ("0.42", "0.411"),
            ("0.02", "0.031"),
            ("0.004", "0.0061"),
        ],
    ),
    (
        metals.anode_co2,
        [
            ("1000", "4.2e5"),
            ("0.42", "0.411"),
            ("0.02", "0.031"),
            ("0.004", "0.0061"),
        ],
    ),
    (
        metals.anode_effect_pfc_t,
        [
            ("100000", "17"),
            ("0.034", "0.0034"),
        ],
    ),
]


@pytest.mark.parametrize(
    ("function", "columns"), _ARRAY_CASES, ids=lambda x: getattr(x, "__name__", "")
)
def test_functions_accept_float_arrays(function: Any, columns: list[tuple[str, str]]) -> None:
    arrays = [np.array([float(v) for v in column], dtype=np.float64) for column in columns]
    vectorised = function(*arrays)
    assert isinstance(vectorised, np.ndarray)
    assert vectorised.dtype == np.float64
    for row in range(len(columns[0])):
        with localcontext(CONTEXT):
            exact = function(*(Decimal(column[row]) for column in columns))
        assert vectorised[row] == pytest.approx(float(exact), rel=1e-12)


def test_carbon_balance_compute_on_arrays_signs_outputs() -> None:
    values: dict[str, Any] = {
        "direction": np.array(["input", "output", "input"], dtype=object),
        "quantity": np.array([1000.0, 300.0, 50.0]),
        "carbon_content": np.array([0.84, 0.375, 5.4]),
    }
    masses = source_type("carbon_mass_balance").compute(values)
    # 3080, −412.5 and 990 tCO2 as in the hand-worked Decimal case
    np.testing.assert_allclose(masses["CO2"], [3080.0, -412.5, 990.0], rtol=1e-12)


def test_carbon_balance_compute_with_one_direction_for_float_arrays() -> None:
    values: dict[str, Any] = {
        "direction": "output",
        "quantity": np.array([300.0, 1000.0]),
        "carbon_content": np.array([0.375, 0.84]),
    }
    masses = source_type("carbon_mass_balance").compute(values)
    # outputs: −412.5 and −3080 tCO2 (hand-worked above)
    np.testing.assert_allclose(masses["CO2"], [-412.5, -3080.0], rtol=1e-12)
