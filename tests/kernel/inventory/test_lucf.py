"""Land-use change and forestry: hand-worked examples through the formulas and the engine, and
refusals. Every expected value is worked by hand in the comment beside it; removals are negative.
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import pytest

from citycarbon.inventory import (
    InventoryRefusedError,
    InventoryResult,
    compile_inventory,
    lucf,
    read_form,
)


def _compile(categories: dict[str, Any]) -> InventoryResult:
    form = {
        "inventory": {"jurisdiction": "测试县", "region": "henan", "year": 2012},
        "categories": categories,
    }
    return compile_inventory(read_form(copy.deepcopy(form)))


def _refused(categories: dict[str, Any]) -> list[str]:
    with pytest.raises(InventoryRefusedError) as caught:
        _compile(categories)
    return [e.describe() for e in caught.value.errors]


#: Arbor forest: V 1 000 000 m3, growth 5 %, consumption 2 % → net 30 000 m3;
#: × SVD 0.5 = 15 000 t; × BEF 1.5 = 22 500 t; × (1 + R 0.2) = 27 000 t dry matter;
#: × CF 0.5 (default) = 13 500 t C; CO2 = −13 500 × 44/12 = −49 500 t (a removal).
GROWTH_CO2 = -49_500.0


def test_volume_to_carbon_and_stock_change() -> None:
    # 100 m3 × 0.5 × 1.5 × 1.2 × 0.5 = 45 t C
    assert lucf.volume_to_carbon(100.0, 0.5, 1.5, 0.2, 0.5) == pytest.approx(45.0, rel=1e-12)
    co2 = lucf.stock_change_co2(1e6, 0.05, 0.02, 0.5, 1.5, 0.2, 0.5)
    assert co2 == pytest.approx(GROWTH_CO2, rel=1e-12)
    # consumption above growth is a net emission: 1e6 × (0.02 − 0.05) → +49 500
    assert lucf.stock_change_co2(1e6, 0.02, 0.05, 0.5, 1.5, 0.2, 0.5) == pytest.approx(
        -GROWTH_CO2, rel=1e-12
    )
    arrays = lucf.stock_change_co2(np.array([1e6, 2e6]), 0.05, 0.02, 0.5, 1.5, 0.2, 0.5)
    assert arrays == pytest.approx([GROWTH_CO2, 2 * GROWTH_CO2], rel=1e-12)


def test_forest_growth_through_the_engine_with_local_values_by_species() -> None:
    section = {
        "rows": [
            {
                "stand": "arbor_forest",
                "species": "马尾松",
                "stock_volume": "100 10^4 m3",
                "growth_rate": "5 %",
                "consumption_rate": "2 %",
            }
        ],
        "local": {
            "wood_density": {"马尾松": "0.5 t/m3"},
            "bef": {"马尾松": "1.5 fraction", "*": "1.4 fraction"},
            "root_ratio": "20 %",
        },
    }
    result = _compile({"lucf.forest_growth": section})
    item = result.category("lucf.forest_growth")
    assert item.masses_t["CO2"] == pytest.approx(GROWTH_CO2, rel=1e-12)
    origins = {p.name: (p.origin, p.factor_id) for p in item.lines[0].params}
    assert origins["wood_density"] == ("local", None)
    assert origins["carbon_fraction"] == ("default", "inv.biomass_carbon_fraction.provincial")
    # removals lower the total with LUCF and not the total without it
    assert float(result.total().value) == pytest.approx(GROWTH_CO2, rel=1e-12)
    assert float(result.total(include_lucf=False).value) == 0.0


def test_forest_growth_has_no_shipped_wood_density() -> None:
    row = {
        "stand": "open_forest",
        "stock_volume": "1000 m3",
        "growth_rate": "5 %",
        "consumption_rate": "0 %",
        "bef": "1.5 fraction",
        "root_ratio": "0.2 fraction",
    }
    errors = _refused({"lucf.forest_growth": {"rows": [row]}})
    assert len(errors) == 1
    assert errors[0].startswith(
        "sheet categories.lucf.forest_growth, row 1, column wood_density: not given, and no "
        "default wood_density for open_forest"
    )


def test_other_woody_biomass() -> None:
    rows = [
        # bamboo +1 000 ha × 60 t/ha × 0.5 = 30 000 t C → −110 000 t CO2
        {"stand": "bamboo", "area_change": "1000 ha", "biomass": "60 t/ha"},
        # shrub −200 ha × 15 t/ha × 0.5 = −1 500 t C → +5 500 t CO2
        {"stand": "shrub", "area_change": "-200 ha", "biomass": "15 t/ha"},
    ]
    result = _compile({"lucf.other_woody": {"rows": rows}})
    # −110 000 + 5 500 = −104 500 t CO2
    assert result.category("lucf.other_woody").masses_t["CO2"] == pytest.approx(
        -104_500.0, rel=1e-12
    )
    assert lucf.area_stand_co2(1000.0, 60.0, 0.5) == pytest.approx(-110_000.0, rel=1e-12)


def test_forest_conversion() -> None:
    # 100 ha, biomass 100 → 10 t/ha: 9 000 t lost; on site 40 %, off site 10 %, OX 0.9, CF 0.5
    # C on site 9 000 × 0.4 × 0.9 × 0.5 = 1 620; off site 9 000 × 0.1 × 0.9 × 0.5 = 405;
    # decay: 50 ha (10-year average) × 90 × (1 − 0.5) × 0.5 = 1 125 t C
    # CO2 = (1 620 + 405 + 1 125) × 44/12 = 3 150 × 44/12 = 11 550 t
    # CH4 = 1 620 × 0.012 × 16/12 = 25.92 t; N2O = 1 620 × 0.01 × 0.007 × 44/28 = 0.1782 t
    row = {
        "area": "100 ha",
        "biomass_before": "100 t/ha",
        "biomass_after": "10 t/ha",
        "frac_onsite": "40 %",
        "frac_offsite": "10 %",
        "area_decay": "50 ha",
    }
    masses = (
        _compile({"lucf.forest_conversion": {"rows": [row]}})
        .category("lucf.forest_conversion")
        .masses_t
    )
    assert masses["CO2"] == pytest.approx(11_550.0, rel=1e-12)
    assert masses["CH4"] == pytest.approx(25.92, rel=1e-12)
    assert masses["N2O"] == pytest.approx(0.1782, rel=1e-12)
    onsite = lucf.conversion_carbon(100.0, 90.0, 0.4, 0.9, 0.5)
    assert onsite == pytest.approx(1_620.0, rel=1e-12)
    assert lucf.conversion_ch4(onsite, 0.012) == pytest.approx(25.92, rel=1e-12)
    assert lucf.conversion_n2o(onsite, 0.01, 0.007) == pytest.approx(0.1782, rel=1e-12)


def test_refusals_name_sheet_row_column_and_value() -> None:
    conversion = {
        "area": "100 ha",
        "biomass_before": "100 t/ha",
        "frac_onsite": "80 %",
        "frac_offsite": "30 %",
    }
    errors = _refused(
        {
            "lucf.forest_growth": {
                "rows": [
                    {"stand": "orchard", "stock_volume": "1 m3", "growth_rate": "1 %",
                     "consumption_rate": "0 %"},
                    {"stand": "arbor_forest", "stock_volume": "-1 m3", "growth_rate": "1 %",
                     "consumption_rate": "0 %", "wood_density": "0.5 t", "bef": "1.4 fraction",
                     "root_ratio": "20 %"},
                ]
            },
            "lucf.forest_conversion": {"rows": [conversion]},
        }
    )  # fmt: skip
    assert errors == [
        "sheet categories.lucf.forest_growth, row 1, column stand, value 'orchard': unknown "
        "stand; known: arbor_forest, open_forest, scattered_trees, four_side_trees",
        "sheet categories.lucf.forest_growth, row 2, column stock_volume, value '-1 m3': "
        "negative values are not allowed",
        "sheet categories.lucf.forest_growth, row 2, column wood_density, value '0.5 t': unit "
        "'t' has the wrong dimension; expected t/m3",
        "sheet categories.lucf.forest_conversion, row 1, column frac_offsite, value '30 %': the "
        "shares burnt on site and off site add up to more than 100 %",
    ]
