"""Exact figures in plain notation keep every digit of the numbers context."""

from __future__ import annotations

from decimal import Decimal

from citycarbon.accounting.output import plain


def test_plain_keeps_all_34_digits_of_an_exact_figure() -> None:
    # 34 significant digits; the default 28-digit context would cut them to 28.
    exact = Decimal("1325863.909800760000000000000171718")
    assert plain(exact) == "1325863.909800760000000000000171718"


def test_plain_drops_trailing_zeros_and_exponents() -> None:
    assert plain(Decimal("19002.98848800")) == "19002.988488"
    assert plain(Decimal("1.0514E+4")) == "10514"
    assert plain(Decimal("0.000")) == "0"
