"""Fuel defaults of the appendix-2 tables, guideline-specific values and tce coefficients."""

from __future__ import annotations

from decimal import Decimal

import pytest

from citycarbon.factors import FactorError, default_library, fuels
from citycarbon.numbers import CONTEXT

APPENDIX2 = "ndrc2013-appendix2"
PARAMETERS = ("ncv", "carbon_content", "oxidation")


@pytest.mark.parametrize("fuel_id", sorted(fuels()))
@pytest.mark.parametrize("parameter", PARAMETERS)
def test_every_catalogued_fuel_has_appendix2_defaults(fuel_id: str, parameter: str) -> None:
    row = default_library().find(parameter, fuel_id, guidelines=[APPENDIX2])
    assert row.guideline == APPENDIX2
    assert row.kind == "default"


def _derived_ef(fuel_id: str, guidelines: tuple[str, ...] = (APPENDIX2,)) -> Decimal:
    """EF per unit of fuel = NCV × CC × OF × 44/12, with CC in tC/TJ → tC/GJ and OF in %."""
    library = default_library()
    ncv = library.find("ncv", fuel_id, guidelines=guidelines).value
    cc = library.find("carbon_content", fuel_id, guidelines=guidelines).value
    of = library.find("oxidation", fuel_id, guidelines=guidelines).value
    return CONTEXT.create_decimal(ncv * cc / 1000 * of / 100 * 44 / 12)


# Domain reference §2.3, derived EF per unit fuel, to the digits shown there. Worked examples:
#   raw coal      20.908 GJ/t  × 26.37e-3 tC/GJ × 0.94 × 44/12 = 1.90030 tCO2/t
#   natural gas   389.31 GJ/10⁴Nm³ × 15.3e-3 × 0.99 × 44/12    = 21.6219 tCO2/10⁴Nm³
#   coke          28.435 × 29.5e-3 × 0.93 × 44/12               = 2.86042 tCO2/t
#   BF gas        33.000 × 70.8e-3 × 0.99 × 44/12               = 8.48113 tCO2/10⁴Nm³
@pytest.mark.parametrize(
    ("fuel_id", "published"),
    [
        ("raw_coal", "1.9003"),
        ("coke", "2.8604"),
        ("crude_oil", "3.0202"),
        ("fuel_oil", "3.1705"),
        ("gasoline", "2.9251"),
        ("diesel", "3.0959"),
        ("kerosene", "3.0334"),
        ("lpg", "3.1013"),
        ("refinery_gas", "3.0082"),
        ("natural_gas", "21.622"),
        ("blast_furnace_gas", "8.4811"),
        ("converter_gas", "15.124"),
    ],
)
def test_derived_emission_factors_reproduce_the_reference_table(
    fuel_id: str, published: str
) -> None:
    expected = Decimal(published)
    assert _derived_ef(fuel_id).quantize(expected) == expected


#: Values the tables disagree on, each under its own guideline set, never averaged
#: (docs/factors.md lists the transcriptions T1-T6 each comes from).
@pytest.mark.parametrize(
    ("parameter", "fuel_id", "guideline", "value"),
    [
        ("ncv", "coke", APPENDIX2, "28.435"),
        ("ncv", "coke", "ndrc2013-iron-steel", "28.447"),
        ("ncv", "coke", "ndrc2013-magnesium", "28.447"),
        ("ncv", "coke_oven_gas", APPENDIX2, "179.81"),
        ("carbon_content", "coke_oven_gas", APPENDIX2, "13.58"),
        ("ncv", "coke_oven_gas", "ndrc2013-iron-steel", "173.54"),
        ("carbon_content", "coke_oven_gas", "ndrc2013-iron-steel", "12.1"),
        ("ncv", "coke_oven_gas", "ndrc2013-civil-aviation", "174.06"),
        ("ncv", "anthracite", APPENDIX2, "26.7"),
        ("ncv", "anthracite", "ndrc2013-iron-steel", "20.304"),
        ("ncv", "anthracite", "ndrc2013-civil-aviation", "23.210"),
        ("carbon_content", "anthracite", "ndrc2013-iron-steel", "27.49"),
        ("ncv", "washed_coal", APPENDIX2, "26.334"),
        ("ncv", "washed_coal", "ndrc2013-iron-steel", "26.344"),
        ("carbon_content", "washed_coal", APPENDIX2, "25.41"),
        ("carbon_content", "washed_coal", "ndrc2013-magnesium", "25.40"),
        ("ncv", "other_washed_coal", "ndrc2013-iron-steel", "8.363"),
        ("carbon_content", "crude_oil", "ndrc2013-power-generation", "20.08"),
        ("carbon_content", "natural_gas", "ndrc2013-power-generation", "15.32"),
        ("ncv", "diesel", "ndrc2015-land-transport", "43.330"),
    ],
)
def test_each_guideline_keeps_its_own_value(
    parameter: str, fuel_id: str, guideline: str, value: str
) -> None:
    row = default_library().find(parameter, fuel_id, guidelines=[guideline])
    assert row.guideline == guideline
    assert row.value == Decimal(value)


def test_a_guideline_without_its_own_value_falls_back_to_the_shared_table() -> None:
    library = default_library()
    # The iron-steel table has the shared crude-oil carbon content (20.1 tC/TJ).
    row = library.find("carbon_content", "crude_oil", guidelines=["ndrc2013-iron-steel", APPENDIX2])
    assert (row.id, row.value) == ("cc.crude_oil", Decimal("20.1"))


def test_guideline_order_decides_which_value_is_used() -> None:
    library = default_library()
    own_first = library.find("ncv", "coke", guidelines=["ndrc2013-iron-steel", APPENDIX2])
    shared_first = library.find("ncv", "coke", guidelines=[APPENDIX2, "ndrc2013-iron-steel"])
    assert own_first.value == Decimal("28.447")
    assert shared_first.value == Decimal("28.435")


def test_a_specific_guideline_alone_does_not_invent_missing_values() -> None:
    # The power-generation set has no coke row, and coke has no rows for every guideline.
    with pytest.raises(FactorError, match="no default ncv"):
        default_library().find("ncv", "coke", guidelines=["ndrc2013-power-generation"])


def test_the_iron_steel_table_gives_a_different_coke_oven_gas_factor() -> None:
    # Iron-steel: 173.54 × 0.0121 = 2.099834; × 0.99 = 2.078836; × 44/12 = 7.6224 tCO2/10⁴Nm³.
    # Shared table: 179.81 × 0.01358 = 2.441820; × 0.99 = 2.417402; × 44/12 = 8.8638 tCO2/10⁴Nm³.
    steel = _derived_ef("coke_oven_gas", ("ndrc2013-iron-steel", APPENDIX2))
    shared = _derived_ef("coke_oven_gas")
    assert steel.quantize(Decimal("0.0001")) == Decimal("7.6224")
    assert shared.quantize(Decimal("0.0001")) == Decimal("8.8638")


# Standard-coal conversion coefficients (GB/T 2589 / energy yearbook appendix; domain-reference
# Appendix A).
@pytest.mark.parametrize(
    ("subject", "value", "unit"),
    [
        ("raw_coal", "0.7143", "tce/t"),
        ("washed_coal", "0.9000", "tce/t"),
        ("coke", "0.9714", "tce/t"),
        ("crude_oil", "1.4286", "tce/t"),
        ("gasoline", "1.4714", "tce/t"),
        ("diesel", "1.4571", "tce/t"),
        ("lpg", "1.7143", "tce/t"),
        ("natural_gas", "12.1430", "tce/(10^4 Nm3)"),
        ("heat", "0.0341", "tce/GJ"),
        ("electricity", "1.229", "tce/(10^4 kWh)"),
    ],
)
def test_tce_coefficients(subject: str, value: str, unit: str) -> None:
    row = default_library().find("tce_coefficient", subject)
    assert (row.value, row.unit) == (Decimal(value), unit)


def test_tce_coefficient_of_raw_coal_is_5000_kcal_per_kg() -> None:
    # 1 kgce = 7000 kcal; raw coal 5000 kcal/kg → 5000/7000 = 0.714285… ≈ 0.7143 tce/t.
    row = default_library().find("tce_coefficient", "raw_coal")
    assert row.value == (Decimal(5000) / Decimal(7000)).quantize(Decimal("0.0001"))
