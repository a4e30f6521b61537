"""The energy sector of the inventory: the energy balance, combustion, fugitive and indirect.

Importing this package registers its categories (and the reference-approach check).
"""

from citycarbon.inventory.energy import (  # noqa: F401  (registration on import)
    biomass,
    combustion,
    fugitive,
    indirect,
    reference,
)
from citycarbon.inventory.energy.balance import COLUMNS, ROWS, EnergyBalance, parse_balance

__all__ = ["COLUMNS", "ROWS", "EnergyBalance", "parse_balance"]
