"""The one rounding policy: exact reading, half-up rounding at reporting time."""

from decimal import Decimal

import pytest

from citycarbon.numbers import NumberError, round_emissions, round_money, round_units, to_decimal


def test_floats_are_read_as_typed() -> None:
    assert to_decimal(0.1) == Decimal("0.1")
    assert to_decimal(20.908) == Decimal("20.908")
    assert to_decimal("1,234.5") == Decimal("1234.5")
    assert to_decimal(7) == Decimal(7)


@pytest.mark.parametrize("bad", [True, None, "abc", float("nan"), float("inf"), "NaN", [1]])
def test_non_numbers_are_refused(bad: object) -> None:
    with pytest.raises(NumberError):
        to_decimal(bad)


def test_rounding_is_half_up() -> None:
    assert round_emissions(Decimal("19002.985")) == Decimal("19002.99")
    assert round_emissions(Decimal("19002.984999")) == Decimal("19002.98")
    assert round_units(Decimal("2.5")) == Decimal(3)  # half-up, not banker's rounding
    assert round_units(Decimal("-2.5")) == Decimal(-3)
    assert round_money(Decimal("0.125")) == Decimal("0.13")
