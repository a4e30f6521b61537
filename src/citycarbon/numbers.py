"""Exact numbers and the one rounding policy of citycarbon.

Reported emissions, verified emissions, allowances, credits and money are exact: they are
:class:`decimal.Decimal` (or ``int``) from the moment they are read until they are shown. Floats
and numpy are for statistics, inventories and bulk computation only.

The policy
----------
* Arithmetic runs in a private decimal context with 34 significant digits (IEEE 754 decimal128),
  so intermediate products of activity data and factors never lose a digit that matters.
* Nothing is rounded while computing. Rounding happens once, when a figure is *reported*:

  - emissions of a report line, a source or a gas: :data:`EMISSIONS_QUANTUM` (0.01 t);
  - a verified figure is kept as the verifier states it (at most 0.001 t) and never rounded
    again; an obligation to surrender allowances derived from it, and allowance amounts, are
    whole tonnes (:data:`UNIT_QUANTUM`);
  - money: 0.01 yuan (:data:`MONEY_QUANTUM`).

* The rounding mode is half-up (四舍五入), the convention of Chinese statistics and of the
  emission-reporting guidelines' worked examples.
"""

from __future__ import annotations

import decimal
from decimal import Decimal
from typing import Final

__all__ = [
    "CONTEXT",
    "EMISSIONS_QUANTUM",
    "MONEY_QUANTUM",
    "ROUNDING",
    "UNIT_QUANTUM",
    "NumberError",
    "quantize",
    "round_emissions",
    "round_money",
    "round_units",
    "to_decimal",
]

ROUNDING: Final = decimal.ROUND_HALF_UP
CONTEXT: Final = decimal.Context(prec=34, rounding=ROUNDING, traps=[decimal.InvalidOperation])

EMISSIONS_QUANTUM: Final = Decimal("0.01")
UNIT_QUANTUM: Final = Decimal("1")
MONEY_QUANTUM: Final = Decimal("0.01")


class NumberError(ValueError):
    """A value that cannot be read as an exact number."""


def to_decimal(value: object) -> Decimal:
    """Read ``value`` as an exact :class:`~decimal.Decimal`.

    Integers and strings are taken exactly. A float is taken through its shortest ``repr``
    (``0.1`` becomes ``Decimal('0.1')``, not the binary expansion), which is what a person who
    typed it into JSON or Excel meant. Booleans, NaN and infinities are refused.
    """
    if isinstance(value, bool):
        raise NumberError(f"{value!r} is not a number")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, float):
        result = Decimal(repr(value))
    elif isinstance(value, str):
        text = value.strip().replace(",", "").replace("，", "")
        try:
            result = Decimal(text)
        except decimal.InvalidOperation:
            raise NumberError(f"{value!r} is not a number") from None
    else:
        raise NumberError(f"{value!r} is not a number")
    if not result.is_finite():
        raise NumberError(f"{value!r} is not a finite number")
    return result


def quantize(value: Decimal, quantum: Decimal) -> Decimal:
    """Round ``value`` to ``quantum`` with the policy's half-up mode."""
    return value.quantize(quantum, rounding=ROUNDING, context=CONTEXT)


def round_emissions(value: Decimal) -> Decimal:
    """Round an emission figure [t] for reporting: 0.01 t, half-up."""
    return quantize(value, EMISSIONS_QUANTUM)


def round_units(value: Decimal) -> Decimal:
    """Round an obligation or an allowance amount [t] to whole tonnes, half-up."""
    return quantize(value, UNIT_QUANTUM)


def round_money(value: Decimal) -> Decimal:
    """Round an amount of money [yuan] to 0.01 yuan (分), half-up."""
    return quantize(value, MONEY_QUANTUM)
