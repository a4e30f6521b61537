"""What the MRV API schemas share: paging and exact figures as decimal strings."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from ninja import Field
from pydantic import BeforeValidator

from citycarbon.server.common.schemas import PageOut, PageQuery

__all__ = ["ExactDecimal", "PageOut", "PageQuery"]


def _not_a_float(value: Any) -> Any:
    """Exact quantities (verified and reported emissions, coverage figures) come as decimal
    strings or integers: a JSON number with a fraction is a binary float, refused."""
    if isinstance(value, float):
        raise ValueError(
            'an exact figure: send it as a decimal string ("2617243.2") or an integer, '
            "not a JSON number with a fraction"
        )
    return value


#: An exact decimal (``citycarbon.numbers``): a string (``"2617243.200"``) or an integer;
#: JSON floats are refused. Measurements (ledger values, plan values) stay plain ``Decimal``.
ExactDecimal = Annotated[Decimal, BeforeValidator(_not_a_float)]


def _figure(default: Any) -> Any:
    """An exact non-negative quantity: at most 12 digits before the point and 3 after."""
    return Field(default, ge=0, max_digits=15, decimal_places=3)


_STATUS = "^(active|merged|split|closed)$"
_REASON = "^(energy|emissions|both|designated)$"
