"""The energy balance table (能源平衡表): the table model
(:mod:`~citycarbon.inventory.energy.balance.table`: energy types, rows, the validated table) and
its validation (:mod:`~citycarbon.inventory.energy.balance.validation`: units, signs, sums, the
balance of every column)."""

from citycarbon.inventory.energy.balance.table import (
    COLUMNS,
    COMBUSTION_ROWS,
    COMBUSTION_TRANSFORMATION,
    DEFAULT_TOLERANCE_ABS,
    DEFAULT_TOLERANCE_PCT,
    NON_ENERGY_PREFIX,
    ROWS,
    BalanceRow,
    Column,
    EnergyBalance,
    column_units,
    final_rows,
    row_info,
)
from citycarbon.inventory.energy.balance.validation import parse_balance

__all__ = [
    "COLUMNS",
    "COMBUSTION_ROWS",
    "COMBUSTION_TRANSFORMATION",
    "DEFAULT_TOLERANCE_ABS",
    "DEFAULT_TOLERANCE_PCT",
    "NON_ENERGY_PREFIX",
    "ROWS",
    "BalanceRow",
    "Column",
    "EnergyBalance",
    "column_units",
    "final_rows",
    "parse_balance",
    "row_info",
]
