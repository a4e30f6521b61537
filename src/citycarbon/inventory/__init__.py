"""City and county GHG inventories (城市和区县温室气体清单), by the provincial guideline.

The five sectors of 《省级温室气体清单编制指南（试行）》(2011) — energy, industrial processes,
agriculture, land-use change and forestry, waste — as declared categories of documented
formulas (:mod:`citycarbon.inventory.model`, :mod:`citycarbon.inventory.registry`), an input
form in JSON/YAML or an Excel workbook (:mod:`~citycarbon.inventory.form`,
:mod:`~citycarbon.inventory.workbook`), and :func:`compile_inventory`, which refuses bad input
with sheet, row, column and value named or computes everything: lines with the origin of every
parameter, totals per gas and sector in CO2e under a named GWP metric, with and without LUCF,
indirect electricity and heat separately, notation keys and a completeness report, and the
reference-approach check of the energy balance.

See ``docs/inventory.md``.
"""

# Importing the sector packages registers their categories (and their checks).
from citycarbon.inventory import (  # noqa: F401
    agriculture,
    energy,
    ippu,
    lucf,
    waste,
)
from citycarbon.inventory.engine import DEFAULT_FACTOR_SETS, compile_inventory
from citycarbon.inventory.form import InventoryInput, load_form, read_form
from citycarbon.inventory.model import (
    GAS_GROUPS,
    NOTATION_KEYS,
    SECTORS,
    Category,
    Default,
    InventoryError,
    InventoryRefusedError,
    Location,
    Param,
)
from citycarbon.inventory.registry import categories, category, register
from citycarbon.inventory.results import CategoryResult, InventoryResult, LineResult

__all__ = [
    "DEFAULT_FACTOR_SETS",
    "GAS_GROUPS",
    "NOTATION_KEYS",
    "SECTORS",
    "Category",
    "CategoryResult",
    "Default",
    "InventoryError",
    "InventoryInput",
    "InventoryRefusedError",
    "InventoryResult",
    "LineResult",
    "Location",
    "Param",
    "categories",
    "category",
    "compile_inventory",
    "load_form",
    "read_form",
    "register",
]
