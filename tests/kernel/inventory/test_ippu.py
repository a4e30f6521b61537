"""Industrial-process categories: hand-worked examples through the formulas and the engine, and
refusals. Every expected value is worked by hand in the comment beside it; the defaults used are
the factor rows named (provincial2011 first in the default factor sets)."""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import pytest

from citycarbon.inventory import (
    InventoryRefusedError,
    InventoryResult,
    compile_inventory,
    ippu,
    read_form,
)


def _form(categories: dict[str, Any]) -> dict[str, Any]:
    return {
        "inventory": {"jurisdiction": "测试区", "region": "henan", "year": 2012},
        "categories": categories,
    }


def _compile(categories: dict[str, Any]) -> InventoryResult:
    return compile_inventory(read_form(copy.deepcopy(_form(categories))))


def _refused(categories: dict[str, Any]) -> list[str]:
    with pytest.raises(InventoryRefusedError) as caught:
        _compile(categories)
    return [e.describe() for e in caught.value.errors]


def _masses(category: str, rows: list[dict[str, Any]]) -> dict[str, float]:
    return dict(_compile({category: {"rows": rows}}).category(category).masses_t)


def _origin(result: InventoryResult, category: str, name: str) -> str | None:
    line = result.category(category).lines[0]
    return next(p.factor_id for p in line.params if p.name == name)


# -- minerals ------------------------------------------------------------------------------------


def test_clinker() -> None:
    # 1 000 000 t clinker × 0.538 t CO2/t = 538 000 t CO2
    assert ippu.minerals.clinker_co2(1e6, 0.538) == pytest.approx(538_000.0, rel=1e-12)
    result = _compile({"ippu.cement_clinker": {"rows": [{"clinker": "100 10^4 t"}]}})
    assert result.category("ippu.cement_clinker").masses_t["CO2"] == pytest.approx(
        538_000.0, rel=1e-12
    )
    assert _origin(result, "ippu.cement_clinker", "ef") == "inv.clinker_ef.provincial"


def test_clinker_factor_from_cao() -> None:
    # (0.65 − 0) × 44.009 / 56.077 × 1.02 = 0.663 × 44.009 / 56.077 = 29.177967 / 56.077
    ef = ippu.minerals.clinker_ef_from_cao(0.65, 0.0, 1.02)
    assert ef == pytest.approx(29.177967 / 56.077, rel=1e-12)
    # ≈ 0.5203, IPCC's Tier 1 factor 0.52 (row inv.clinker_ef.ipcc2006)
    assert round(ef, 4) == 0.5203


def test_clinker_under_the_ipcc_factor_set() -> None:
    form = _form({"ippu.cement_clinker": {"rows": [{"clinker": "1000 t"}]}})
    form["inventory"]["factor_sets"] = ["ipcc2006"]
    result = compile_inventory(read_form(form))
    # 1000 t × 0.52 = 520 t CO2
    assert result.category("ippu.cement_clinker").masses_t["CO2"] == pytest.approx(520.0, rel=1e-12)


def test_lime() -> None:
    rows = [
        # 200 000 t × 0.683 (the guideline's lime factor) = 136 600 t
        {"lime": "20 10^4 t"},
        # dolomitic lime has no provincial row: IPCC 2006 0.77; 10 000 t × 0.77 = 7 700 t
        {"lime_type": "dolomitic", "lime": "10000 t"},
    ]
    # 136 600 + 7 700 = 144 300 t CO2
    assert _masses("ippu.lime", rows)["CO2"] == pytest.approx(144_300.0, rel=1e-12)
    assert ippu.minerals.lime_co2(np.array([1.0, 2.0]), 0.683) == pytest.approx([0.683, 1.366])


# -- chemicals -----------------------------------------------------------------------------------


def test_calcium_carbide() -> None:
    # 100 000 t × 1.154 = 115 400 t CO2
    rows = [{"production": "100000 t"}]
    assert _masses("ippu.calcium_carbide", rows)["CO2"] == pytest.approx(115_400.0, rel=1e-12)
    assert ippu.chemicals.carbide_co2(100_000.0, 1.154) == pytest.approx(115_400.0, rel=1e-12)


def test_adipic_acid() -> None:
    # 50 000 t × 293 kg/t = 14 650 t N2O; abated: × (1 − 0.9 × 0.8) = × 0.28 → 4 102 t
    assert ippu.chemicals.process_n2o(50_000.0, 293.0, 0.0, 1.0) == pytest.approx(
        14_650.0, rel=1e-12
    )
    rows = [
        {"production": "50000 t"},
        {"production": "50000 t", "destruction": "90 %", "utilisation": "80 %"},
    ]
    # 14 650 + 4 102 = 18 752 t N2O
    assert _masses("ippu.adipic_acid", rows)["N2O"] == pytest.approx(18_752.0, rel=1e-12)


def test_nitric_acid() -> None:
    rows = [
        # high pressure: 100 000 t × 13.9 kg/t = 1 390 t N2O
        {"technology": "high_pressure", "production": "10 10^4 t"},
        # NSCR destroying 85 %: 100 000 × 13.9 kg × 0.15 = 208.5 t
        {"technology": "high_pressure", "production": "100000 t", "destruction": "85 %"},
        # dual pressure 8.0 kg/t: 20 000 t → 160 t
        {"technology": "dual_pressure", "production": "20000 t"},
    ]
    # 1 390 + 208.5 + 160 = 1 758.5 t N2O
    assert _masses("ippu.nitric_acid", rows)["N2O"] == pytest.approx(1_758.5, rel=1e-12)


def test_hcfc22() -> None:
    # 10 000 t HCFC-22 × 2.92 % = 292 t HFC-23 generated, 92 t destroyed → 200 t
    assert ippu.chemicals.hfc23_byproduct(10_000.0, 0.0292, 92.0) == pytest.approx(200.0, rel=1e-12)
    rows = [{"production": "10000 t", "destroyed": "92 tHFC23"}]
    result = _compile({"ippu.hcfc22": {"rows": rows}})
    assert result.category("ippu.hcfc22").masses_t["HFC23"] == pytest.approx(200.0, rel=1e-12)
    # CO2e under SAR: 200 × 11 700 = 2 340 000 t
    assert result.category("ippu.hcfc22").co2e_t == pytest.approx(2_340_000.0, rel=1e-12)


def test_hcfc22_refuses_more_destroyed_than_generated() -> None:
    errors = _refused({"ippu.hcfc22": {"rows": [{"production": "10000 t", "destroyed": "300 t"}]}})
    assert errors == [
        "sheet categories.ippu.hcfc22, row 1, column destroyed, value '300 t': unit 't' has the "
        "wrong dimension; expected tHFC23"
    ]
    errors = _refused(
        {"ippu.hcfc22": {"rows": [{"production": "10000 t", "destroyed": "300 tHFC23"}]}}
    )
    assert errors == [
        "sheet categories.ippu.hcfc22, row 1, column destroyed, value '300 tHFC23': 300 t "
        "destroyed exceeds the 292 t HFC-23 generated"
    ]


# -- metals --------------------------------------------------------------------------------------


def test_iron_and_steel() -> None:
    # limestone 100 000 × 0.430 = 43 000; dolomite 50 000 × 0.474 = 23 700;
    # carbon: pig iron 1 000 000 × 4.1 % = 41 000 t C, steel 1 000 000 × 0.248 % = 2 480 t C;
    # (41 000 − 2 480) × 44/12 = 38 520 × 44/12 = 141 240; total 207 940 t CO2
    co2 = ippu.metals.iron_steel_co2(1e5, 0.430, 5e4, 0.474, 1e6, 0.041, 1e6, 0.00248)
    assert co2 == pytest.approx(207_940.0, rel=1e-12)
    rows = [
        {
            "limestone": "10 10^4 t",
            "dolomite": "50000 t",
            "pig_iron": "100 10^4 t",
            "steel": "1000000 t",
        }
    ]
    assert _masses("ippu.iron_steel", rows)["CO2"] == pytest.approx(207_940.0, rel=1e-12)
    # flux only (the other activities are 0 when not given): 1000 × 0.430 = 430 t
    assert _masses("ippu.iron_steel", [{"limestone": "1000 t"}])["CO2"] == pytest.approx(
        430.0, rel=1e-12
    )


def test_iron_and_steel_refuses_steel_richer_in_carbon_than_its_pig_iron() -> None:
    errors = _refused({"ippu.iron_steel": {"rows": [{"pig_iron": "1000 t", "steel": "1e5 t"}]}})
    assert len(errors) == 1
    assert errors[0].startswith(
        "sheet categories.ippu.iron_steel, row 1, column steel, value '1e5 t': the steel holds "
        "more carbon than the pig iron charged"
    )


def test_aluminium_pfcs() -> None:
    # point-feed prebake: 100 000 t × 0.089 kg = 8.9 t CF4; × 0.0089 kg = 0.89 t C2F6
    masses = _masses("ippu.aluminium_pfc", [{"technology": "cwpb", "production": "10 10^4 t"}])
    assert masses["CF4"] == pytest.approx(8.9, rel=1e-12)
    assert masses["C2F6"] == pytest.approx(0.89, rel=1e-12)
    assert ippu.metals.aluminium_pfc(100_000.0, 0.4) == pytest.approx(40.0, rel=1e-12)


def test_magnesium_sf6() -> None:
    # 10 000 t Mg × 1.0 kg SF6/t = 10 t SF6
    masses = _masses("ippu.magnesium_sf6", [{"production": "10000 t"}])
    assert masses["SF6"] == pytest.approx(10.0, rel=1e-12)
    assert ippu.metals.magnesium_sf6(10_000.0, 1.0) == pytest.approx(10.0, rel=1e-12)


# -- fluorinated gases ---------------------------------------------------------------------------


def test_electrical_equipment_sf6() -> None:
    rows = [
        # manufacturing: 100 t consumed × 5 % (measured) = 5 t
        {"stage": "manufacturing", "amount": "100 tSF6", "ef": "5 %"},
        # disposal: 20 t nameplate × 100 % − 15 t recovered = 5 t
        {"stage": "disposal", "amount": "20 tSF6", "recovered": "15000 kgSF6"},
    ]
    assert _masses("ippu.electrical_equipment_sf6", rows)["SF6"] == pytest.approx(10.0, rel=1e-12)
    assert ippu.fgases.equipment_sf6(20.0, 1.0, 15.0) == pytest.approx(5.0, rel=1e-12)


def test_electrical_equipment_manufacturing_needs_a_measured_factor() -> None:
    errors = _refused(
        {"ippu.electrical_equipment_sf6": {"rows": [{"stage": "use", "amount": "100 tSF6"}]}}
    )
    assert len(errors) == 1
    assert errors[0].startswith(
        "sheet categories.ippu.electrical_equipment_sf6, row 1, column ef: not given, and no "
        "default equipment_sf6_ef for use"
    )


def test_semiconductor() -> None:
    # CF4: 10 t × (1 − h 0.1) × (1 − U 0.1) × (1 − a 0.5 × d 0.9) = 10 × 0.9 × 0.9 × 0.55
    #      = 4.455 t CF4 (h, U, d from the IPCC 2006 rows)
    rows = [{"gas": "CF4", "used": "10 t", "abated": "50 %"}]
    masses = _masses("ippu.semiconductor", rows)
    assert masses == {"CF4": pytest.approx(4.455, rel=1e-12)}
    assert ippu.fgases.semiconductor_fgas(10.0, 0.1, 0.1, 0.5, 0.9) == pytest.approx(
        4.455, rel=1e-12
    )


def test_hfc_consumption() -> None:
    rows = [
        # mobile AC: 100 − 60 + 10 − 5 = 45 t HFC-134a
        {"gas": "HFC134a", "application": "mobile_ac", "sales": "100 t", "new_charge": "60 t",
         "retired_charge": "10 t", "destroyed": "5 t"},
        # aerosols: emissions = sales = 3 t HFC-152a
        {"gas": "HFC152a", "application": "aerosol", "sales": "3 t"},
    ]  # fmt: skip
    result = _compile({"ippu.hfc_consumption": {"rows": rows}})
    item = result.category("ippu.hfc_consumption")
    assert item.masses_t == {
        "HFC134a": pytest.approx(45.0, rel=1e-12),
        "HFC152a": pytest.approx(3.0, rel=1e-12),
    }
    # SAR: 45 × 1300 + 3 × 140 = 58 500 + 420 = 58 920 t CO2e
    assert item.co2e_t == pytest.approx(58_920.0, rel=1e-12)
    assert [line.subcategory for line in item.lines] == ["2F1", "2F4"]
    assert ippu.fgases.hfc_sales_balance(100.0, 60.0, 10.0, 5.0) == pytest.approx(45.0)


def test_hfc_consumption_refuses_an_impossible_balance() -> None:
    rows = [{"gas": "HFC134a", "application": "refrigeration", "sales": "100 t",
             "new_charge": "200 t", "retired_charge": "10 t"}]  # fmt: skip
    errors = _refused({"ippu.hfc_consumption": {"rows": rows}})
    assert len(errors) == 1
    assert errors[0].startswith(
        "sheet categories.ippu.hfc_consumption, row 1, column new_charge, value '200 t': the "
        "charge of new equipment"
    )


# -- refusals ------------------------------------------------------------------------------------


def test_refusals_name_sheet_row_column_and_value() -> None:
    errors = _refused(
        {
            "ippu.nitric_acid": {
                "rows": [
                    {"technology": "plasma", "production": "1 t"},
                    {"technology": "high_pressure", "production": "-1 t"},
                    {"technology": "high_pressure", "production": "1 Nm3"},
                ]
            },
            "ippu.glass": {"rows": [{"production": "1 t"}]},
        }
    )
    assert errors[0].startswith("sheet categories.ippu.glass, value 'ippu.glass': unknown category")
    assert errors[1:] == [
        "sheet categories.ippu.nitric_acid, row 1, column technology, value 'plasma': unknown "
        "technology; known: high_pressure, medium_pressure, atmospheric_pressure, dual_pressure, "
        "combined, low_pressure",
        "sheet categories.ippu.nitric_acid, row 2, column production, value '-1 t': negative "
        "values are not allowed",
        "sheet categories.ippu.nitric_acid, row 3, column production, value '1 Nm3': unit 'Nm3' "
        "has the wrong dimension; expected t",
    ]
