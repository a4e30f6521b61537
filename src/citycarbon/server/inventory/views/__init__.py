"""Inventory pages: the stored inventories, one inventory (lifecycle, versions, compiling),
a compilation (progress while it runs; then the sector chart, the category table with
notation keys, the key-category Pareto chart, uncertainty intervals), the drill-down of a
category to its lines, activity data, factors and formula, recalculation differences between
two compilations, a jurisdiction's series with the CEADs comparison, and the Excel export of
every table.

One module per subject: :mod:`.inventories`, :mod:`.runs` (compilations) and
:mod:`.jurisdictions`; the URL conf reads the views from here.
"""

from __future__ import annotations

from citycarbon.server.inventory.views.inventories import (
    inventory_compile,
    inventory_detail,
    inventory_form_download,
    inventory_list,
    inventory_list_export,
    inventory_new,
    inventory_replace,
    inventory_step,
)
from citycarbon.server.inventory.views.jurisdictions import (
    jurisdiction_export,
    jurisdiction_inventories,
)
from citycarbon.server.inventory.views.runs import (
    run_advance,
    run_category,
    run_compare,
    run_compare_export,
    run_detail,
    run_export,
    run_progress,
)

__all__ = [
    "inventory_compile",
    "inventory_detail",
    "inventory_form_download",
    "inventory_list",
    "inventory_list_export",
    "inventory_new",
    "inventory_replace",
    "inventory_step",
    "jurisdiction_export",
    "jurisdiction_inventories",
    "run_advance",
    "run_category",
    "run_compare",
    "run_compare_export",
    "run_detail",
    "run_export",
    "run_progress",
]
