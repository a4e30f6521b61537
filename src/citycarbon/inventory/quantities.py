"""Reading a value a person wrote (a number and a unit) into a float in a canonical unit.

Unit conversion is exact (:func:`citycarbon.units.convert` on decimals) and the conversion factor
of each (unit, canonical unit) pair is computed once; the value itself becomes a float, since
inventories are statistics.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from decimal import Decimal
from functools import lru_cache
from typing import Any

from citycarbon.numbers import NumberError, to_decimal
from citycarbon.units import UnitError, convert, parse_unit

__all__ = [
    "PERCENT_UNITS",
    "canonical_unit",
    "distribution_of",
    "factor",
    "read_number",
    "split_value",
]

PERCENT_UNITS = frozenset({"%", "percent", "fraction", "百分比", "比例"})
#: Integers up to 2**53 in magnitude are exact as floats.
_EXACT = 2**53


def split_value(raw: Any) -> tuple[Any, str | None, float | None]:
    """A value as written: ``{"value": v, "unit": u, "uncertainty_pct": p}``, ``"v unit"`` or
    a bare number. Returns (number, unit or None, uncertainty in % or None).

    Raises
    ------
    NumberError
        When the uncertainty is not a number.
    """
    if isinstance(raw, Mapping):
        unit = raw.get("unit")
        pct = raw.get("uncertainty_pct")
        return (
            raw.get("value"),
            None if unit in (None, "") else str(unit),
            None if pct in (None, "") else read_number(pct),
        )
    if isinstance(raw, str):
        text = raw.strip()
        number, _, unit = text.partition(" ")
        return number, unit.strip() or None, None
    return raw, None, None


def distribution_of(raw: Any) -> str | None:
    """The distribution a value names (``{"value": …, "distribution": "triangular"}``)."""
    if isinstance(raw, Mapping) and raw.get("distribution") not in (None, ""):
        return str(raw["distribution"])
    return None


def read_number(raw: Any) -> float:
    """A finite float from a number or numeric text; :class:`NumberError` otherwise."""
    if type(raw) is float:
        if not math.isfinite(raw):
            raise NumberError(f"{raw!r} is not a finite number")
        return raw
    if type(raw) is int and -_EXACT <= raw <= _EXACT:
        return float(raw)  # exact, as float(Decimal(raw)) is
    if isinstance(raw, float):
        if not math.isfinite(raw):
            raise NumberError(f"{raw!r} is not a finite number")
        return raw
    return float(to_decimal(raw))


@lru_cache(maxsize=4096)
def factor(unit: str, target: str) -> float:
    """The factor that converts a value in ``unit`` to ``target`` (:class:`UnitError` if the
    dimensions differ)."""
    return float(convert(Decimal(1), unit, target))


@lru_cache(maxsize=4096)
def canonical_unit(unit: str, candidates: tuple[str, ...]) -> str:
    """The candidate unit of the same dimension as ``unit``.

    Raises
    ------
    UnitError
        When the unit is unknown or of a dimension none of the candidates has.
    """
    given = parse_unit(unit)
    for candidate in candidates:
        if parse_unit(candidate).dimensionality == given.dimensionality:
            return candidate
    raise UnitError(f"unit {unit!r} has the wrong dimension; expected {' or '.join(candidates)}")


__all__ += ["NumberError", "UnitError"]
