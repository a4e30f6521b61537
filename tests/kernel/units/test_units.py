"""Units of Chinese energy statistics: parsing, exact conversion, dimension refusals."""

from decimal import Decimal

import pytest

from citycarbon.units import UnitError, convert, parse_unit


@pytest.mark.parametrize(
    ("value", "unit", "target", "expected"),
    [
        # 10^4 t and 万吨 are ten thousand tonnes.
        ("3.5", "10^4 t", "t", "35000"),
        ("3.5", "万吨", "t", "35000"),
        ("3.5", "10⁴ t", "t", "35000"),
        # 389.31 GJ per 10^4 Nm3 is 0.038931 GJ per Nm3, whichever way the denominator is written.
        ("389.31", "GJ/10^4 Nm3", "GJ/Nm3", "0.038931"),
        ("389.31", "GJ/(10^4 Nm3)", "GJ/Nm3", "0.038931"),
        ("389.31", "GJ/万立方米", "GJ/Nm3", "0.038931"),
        # 26.37 tC/TJ = 0.02637 tC/GJ.
        ("26.37", "tC/TJ", "tC/GJ", "0.02637"),
        # 2 万千瓦时 = 20,000 kWh = 20 MWh.
        ("2", "万千瓦时", "MWh", "20"),
        ("2", "10^4 kWh", "MWh", "20"),
        # kgCO2/kWh and tCO2/MWh are the same ratio.
        ("0.5257", "kgCO2/kWh", "tCO2/MWh", "0.5257"),
        # GB/T 2589: 1 kgce = 29.3076 MJ, so 1 tce = 29.3076 GJ and 1 万吨标准煤 = 293,076 GJ.
        ("1", "tce", "GJ", "29.3076"),
        ("1", "吨标准煤", "GJ", "29.3076"),
        ("1", "万吨标准煤", "GJ", "293076"),
        ("1000", "kgce", "tce", "1"),
        ("94", "%", "fraction", "0.94"),
        ("1", "TJ", "GJ", "1000"),
        ("1", "MWh", "GJ", "3.6"),
        ("20908", "kJ/kg", "GJ/t", "20.908"),
        # Areas of agriculture and forestry statistics: 1 千公顷 = 1 000 ha; 1 万亩 = 10^4/15 ha.
        ("2", "千公顷", "ha", "2000"),
        ("3", "公顷", "ha", "3"),
        ("1.5", "万亩", "亩", "15000"),
        # Head of livestock are counts: 2.5 万头 = 25 000 head.
        ("2.5", "万头", "head", "25000"),
        ("7", "万公里", "km", "70000"),
    ],
)
def test_conversions_are_exact(value: str, unit: str, target: str, expected: str) -> None:
    assert convert(Decimal(value), unit, target) == Decimal(expected)


@pytest.mark.parametrize(
    ("unit", "target"),
    [
        ("m3", "t"),  # volume where mass is meant
        ("tC/TJ", "tCO2/TJ"),  # carbon is not CO2
        ("kgN2O/t", "kgCH4/t"),  # one gas is not another
        ("MWh", "t"),
        ("%", "t"),
    ],
)
def test_wrong_dimension_is_refused(unit: str, target: str) -> None:
    with pytest.raises(UnitError, match=repr(unit)):
        convert(Decimal(1), unit, target)


@pytest.mark.parametrize("unit", ["", "   ", "furlongs", "GJ/t/t", "吨吨"])
def test_unreadable_units_are_refused(unit: str) -> None:
    with pytest.raises(UnitError):
        parse_unit(unit)


def test_scale_before_slash_belongs_to_numerator() -> None:
    # "10^4 GJ/t" is ten thousand GJ per tonne, not GJ per ten thousand tonnes.
    assert convert(Decimal(1), "10^4 GJ/t", "GJ/t") == Decimal(10000)
