"""Agriculture categories: hand-worked examples through the formulas and the engine, and refusals.

Every expected value is worked by hand in the comment beside it, with the provincial guideline's
factors of the central-south region (Henan) and soil zone III.
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import pytest

from citycarbon.inventory import (
    InventoryRefusedError,
    InventoryResult,
    agriculture,
    compile_inventory,
    read_form,
)


def _compile(categories: dict[str, Any], region: str | None = "henan") -> InventoryResult:
    form = {
        "inventory": {"jurisdiction": "测试县", "region": region, "year": 2012},
        "categories": categories,
    }
    return compile_inventory(read_form(copy.deepcopy(form)))


def _refused(categories: dict[str, Any], region: str | None = "henan") -> list[str]:
    with pytest.raises(InventoryRefusedError) as caught:
        _compile(categories, region)
    return [e.describe() for e in caught.value.errors]


def _masses(category: str, rows: list[dict[str, Any]]) -> dict[str, float]:
    return dict(_compile({category: {"rows": rows}}).category(category).masses_t)


def test_zones_of_henan() -> None:
    assert agriculture.PROVINCE_ZONES["henan"] == "central_south"
    assert agriculture.PROVINCE_SOIL_ZONES["henan"] == "III"
    # a line's own zone wins; otherwise the province's (when the context carries it)
    assert agriculture._zone_context({"region": "henan"}) == {
        "zone": "central_south",
        "soil_zone": "III",
    }
    assert agriculture._zone_context({"region": "henan", "zone": "east", "soil_zone": "IV"}) == {}


def _factor(result: InventoryResult, category: str, name: str, line: int = 0) -> str | None:
    return next(p.factor_id for p in result.category(category).lines[line].params if p.name == name)


def test_lines_take_their_zone_from_the_inventory_region() -> None:
    """Rice, manure and soil lines that name no zone use Henan's: central-south, soil zone III."""
    result = _compile(
        {
            # 10 000 ha × 236.7 kg/ha (single rice, central-south) = 2 367 t CH4
            "agriculture.rice": {"rows": [{"rice_type": "single", "area": "10000 ha"}]},
            # swine 100 000 × 5.85 kg CH4 = 585 t CH4; × 0.157 kg N2O = 15.7 t N2O
            "agriculture.manure_management": {"rows": [{"species": "swine", "population": 1e5}]},
            # zone III: 10 000 t N × (0.0057 + 0.1 × 0.01 + 0.2 × 0.0075) = 82 t N2O-N
            "agriculture.soils": {"rows": [{"source": "fertiliser", "n_input": "10000 t"}]},
        }
    )
    assert result.category("agriculture.rice").masses_t["CH4"] == pytest.approx(2_367.0)
    manure = result.category("agriculture.manure_management").masses_t
    assert manure["CH4"] == pytest.approx(585.0, rel=1e-12)
    assert manure["N2O"] == pytest.approx(15.7, rel=1e-12)
    soils = result.category("agriculture.soils").masses_t["N2O"]
    assert soils == pytest.approx(82 * 44 / 28, rel=1e-12)
    assert _factor(result, "agriculture.rice", "ef") == "inv.rice_ch4_ef.central_south.single"
    assert (
        _factor(result, "agriculture.manure_management", "ch4_ef")
        == "inv.manure_ch4_ef.swine.central_south"
    )
    assert _factor(result, "agriculture.soils", "ef_direct") == "inv.soil_n2o_ef_direct.III"


def test_a_line_that_names_its_zone_keeps_it() -> None:
    rows = [
        # 1 000 ha × 215.5 kg/ha (single rice, east, named on the line) = 215.5 t CH4
        {"rice_type": "single", "zone": "east", "area": "1000 ha"},
        # 1 000 ha × 236.7 kg/ha (Henan's central-south) = 236.7 t CH4
        {"rice_type": "single", "area": "1000 ha"},
    ]
    result = _compile({"agriculture.rice": {"rows": rows}})
    lines = result.category("agriculture.rice").lines
    assert [line.masses_t["CH4"] for line in lines] == [
        pytest.approx(215.5, rel=1e-12),
        pytest.approx(236.7, rel=1e-12),
    ]
    assert _factor(result, "agriculture.rice", "ef", 0) == "inv.rice_ch4_ef.east.single"


def test_without_a_region_a_soil_line_takes_the_ipcc_factor() -> None:
    # no province, no soil zone: EF1 of IPCC 1996 (1.25 %) instead of zone III's 0.57 %:
    # 10 000 t N × (0.0125 + 0.1 × 0.01 + 0.2 × 0.0075) = 150 t N2O-N
    rows = [{"source": "fertiliser", "n_input": "10000 t"}]
    result = _compile({"agriculture.soils": {"rows": rows}}, region=None)
    soils = result.category("agriculture.soils").masses_t["N2O"]
    assert soils == pytest.approx(150 * 44 / 28, rel=1e-12)
    assert _factor(result, "agriculture.soils", "ef_direct") == "inv.soil_n2o_ef_direct.ipcc1996"


def test_without_a_region_a_rice_line_must_name_its_zone() -> None:
    errors = _refused(
        {"agriculture.rice": {"rows": [{"rice_type": "single", "area": "1000 ha"}]}}, region=None
    )
    assert len(errors) == 1
    assert errors[0].startswith(
        "sheet categories.agriculture.rice, row 1, column ef: not given, and no default "
        "rice_ch4_ef for (no subject)"
    )


def test_rice() -> None:
    # 10 000 ha × 236.7 kg/ha = 2 367 t; 2 000 ha × 241.0 = 482 t; 2 000 ha × 273.2 = 546.4 t
    assert agriculture.rice_ch4(10_000.0, 236.7) == pytest.approx(2_367.0, rel=1e-12)
    rows = [
        {"rice_type": "single", "zone": "central_south", "area": "10000 ha"},
        {"rice_type": "double_early", "zone": "central_south", "area": "2000 ha"},
        {"rice_type": "double_late", "zone": "central_south", "area": "2000 ha"},
    ]
    # 2 367 + 482 + 546.4 = 3 395.4 t CH4
    assert _masses("agriculture.rice", rows)["CH4"] == pytest.approx(3_395.4, rel=1e-12)


def test_rice_with_a_measured_factor() -> None:
    # 1 000 ha × 300 kg/ha (measured) = 300 t CH4
    rows = [{"rice_type": "single", "area": "1000 ha", "ef": "300 kgCH4/ha"}]
    assert _masses("agriculture.rice", rows)["CH4"] == pytest.approx(300.0, rel=1e-12)


def test_enteric_fermentation() -> None:
    rows = [
        # 1 000 head × 88.1 kg (dairy, intensive) = 88.1 t
        {"species": "dairy_cattle", "feeding": "intensive", "population": "1000 head"},
        # 100 000 head × 1 kg (swine) = 100 t
        {"species": "swine", "population": "10 10^4 head"},
        # 20 000 head × 8.7 kg (sheep, household) = 174 t
        {"species": "sheep", "feeding": "household", "population": 20000},
    ]
    # 88.1 + 100 + 174 = 362.1 t CH4
    assert _masses("agriculture.enteric_fermentation", rows)["CH4"] == pytest.approx(
        362.1, rel=1e-12
    )
    assert agriculture.enteric_ch4(np.array([1000.0, 2000.0]), 88.1) == pytest.approx(
        [88.1, 176.2], rel=1e-12
    )


def test_manure_management() -> None:
    rows = [
        # swine 100 000 × 5.85 kg CH4 = 585 t; × 0.157 kg N2O = 15.7 t
        {"species": "swine", "zone": "central_south", "population": 100000},
        # dairy 1 000 × 8.45 = 8.45 t CH4; × 1.710 = 1.71 t N2O
        {"species": "dairy_cattle", "zone": "central_south", "population": 1000},
        # horses (one factor for all regions) 100 × 1.09 = 0.109 t CH4; × 0.330 = 0.033 t N2O
        {"species": "horse", "zone": "central_south", "population": 100},
    ]
    masses = _masses("agriculture.manure_management", rows)
    # CH4 585 + 8.45 + 0.109 = 593.559; N2O 15.7 + 1.71 + 0.033 = 17.443
    assert masses["CH4"] == pytest.approx(593.559, rel=1e-12)
    assert masses["N2O"] == pytest.approx(17.443, rel=1e-12)
    assert agriculture.manure_ch4(100_000.0, 5.85) == pytest.approx(585.0, rel=1e-12)
    assert agriculture.manure_n2o(100_000.0, 0.157) == pytest.approx(15.7, rel=1e-12)


def test_agricultural_soils() -> None:
    # zone III: EF1 0.0057; Frac_GAS fertiliser 0.1, manure 0.2, residue 0; EF4 0.01;
    # Frac_LEACH 0.2; EF5 0.0075.
    # fertiliser 10 000 t N: 57 + 10 + 15 = 82 t N2O-N
    # manure 1 000 t N: 5.7 + 2 + 1.5 = 9.2 t N2O-N
    # residue 500 t N: 2.85 + 0 + 0.75 = 3.6 t N2O-N
    # total 94.8 t N2O-N × 44/28 = 4171.2/28 t N2O
    direct = agriculture.soil_n2o_direct(10_000.0, 0.0057)
    assert direct == pytest.approx(57 * 44 / 28, rel=1e-12)
    assert agriculture.soil_n2o(10_000.0, 0.0057, 0.1, 0.01, 0.2, 0.0075) == pytest.approx(
        82 * 44 / 28, rel=1e-12
    )
    rows = [
        {"source": "fertiliser", "soil_zone": "III", "n_input": "1 10^4 t"},
        {"source": "manure", "soil_zone": "III", "n_input": "1000 t"},
        {"source": "residue", "soil_zone": "III", "n_input": "500000 kg"},
    ]
    assert _masses("agriculture.soils", rows)["N2O"] == pytest.approx(4171.2 / 28, rel=1e-12)


def test_refusals_name_sheet_row_column_and_value() -> None:
    errors = _refused(
        {
            "agriculture.enteric_fermentation": {
                "rows": [
                    {"species": "yak", "population": 10},
                    {"species": "swine", "population": -10},
                    {"species": "swine", "population": "10 kg"},
                ]
            },
            "agriculture.rice": {"rows": [{"rice_type": "single", "zone": "east", "area": "5 t"}]},
        }
    )
    # categories in code order: 4A enteric fermentation before 4C rice
    assert errors == [
        "sheet categories.agriculture.enteric_fermentation, row 1, column species, value 'yak': "
        "unknown species; known: dairy_cattle, non_dairy_cattle, buffalo, sheep, goat, swine, "
        "poultry, horse, donkey, mule, camel",
        "sheet categories.agriculture.enteric_fermentation, row 2, column population, value -10: "
        "negative values are not allowed",
        "sheet categories.agriculture.enteric_fermentation, row 3, column population, value "
        "'10 kg': unit 'kg': a count is a bare number",
        "sheet categories.agriculture.rice, row 1, column area, value '5 t': unit 't' has the "
        "wrong dimension; expected ha",
    ]
