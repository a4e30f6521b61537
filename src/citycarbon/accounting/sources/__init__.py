"""Emission-source types, one documented formula each. Importing this package registers them."""

from citycarbon.accounting.sources import (  # noqa: F401  (registration)
    chemical,
    combustion,
    electricity,
    fgases,
    food,
    fugitive,
    grid,
    heat,
    metals,
    minerals,
    misc,
    transport,
)
from citycarbon.accounting.sources.registry import SOURCE_TYPES, register, source_type

__all__ = ["SOURCE_TYPES", "register", "source_type"]
