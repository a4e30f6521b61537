"""Sample URL arguments for the inventory pages and endpoints (see
:mod:`citycarbon.server.common.samples`): the newest compiled year of the first jurisdiction
under the city (whose official is a demo account), its fuel-combustion category, and the
city for the series with the CEADs comparison."""

from __future__ import annotations

from typing import Any

from citycarbon.server.geo.models import Jurisdiction
from citycarbon.server.inventory.models import Inventory, InventoryRun

SAMPLE_CATEGORY = "energy.fuel_combustion"


def _district() -> Jurisdiction | None:
    root = Jurisdiction.objects.filter(parent__isnull=True).order_by("sort_order", "code").first()
    if root is None:
        return None
    return Jurisdiction.objects.filter(parent=root).order_by("sort_order", "code").first() or root


def _inventory() -> Inventory | None:
    district = _district()
    if district is None:
        return None
    return (
        Inventory.objects.filter(jurisdiction=district, state="published")
        .order_by("-year", "-version")
        .only("pk")
        .first()
    )


def _run() -> InventoryRun | None:
    item = _inventory()
    if item is None:
        return None
    return (
        InventoryRun.objects.filter(inventory=item, status="done")
        .order_by("-pk")
        .only("pk")
        .first()
    )


def _with(key: str, **extra: Any) -> Any:
    def sample() -> dict[str, Any] | None:
        item = _inventory()
        return None if item is None else {key: item.pk, **extra}

    return sample


def _run_with(key: str, **extra: Any) -> Any:
    def sample() -> dict[str, Any] | None:
        item = _run()
        return None if item is None else {key: item.pk, **extra}

    return sample


def demo_city() -> dict[str, Any] | None:
    root = Jurisdiction.objects.filter(parent__isnull=True).order_by("sort_order", "code").first()
    return None if root is None else {"code": root.code}


def demo_run_pair() -> dict[str, Any] | None:
    item = _run()
    return None if item is None else {"old_id": item.pk, "new_id": item.pk}


SAMPLES = {
    "inventory:inventory_detail": _with("pk"),
    "inventory:inventory_step": _with("pk", step="correct"),
    "inventory:inventory_replace": _with("pk"),
    "inventory:inventory_form": _with("pk", fmt="json"),
    "inventory:inventory_compile": _with("pk"),
    "inventory:run_detail": _run_with("pk"),
    "inventory:run_progress": _run_with("pk"),
    "inventory:run_advance": _run_with("pk"),
    "inventory:run_category": _run_with("pk", category_id=SAMPLE_CATEGORY),
    "inventory:run_export": _run_with("pk", table="categories"),
    "inventory:jurisdiction_inventories": demo_city,
    "inventory:jurisdiction_export": demo_city,
    "api:get_inventory": _with("inventory_id"),
    "api:get_inventory_form": _with("inventory_id"),
    "api:get_inventory_run": _run_with("run_id"),
    "api:get_inventory_run_result": _run_with("run_id"),
    "api:get_inventory_run_category": _run_with("run_id", category_id=SAMPLE_CATEGORY),
    "api:compare_inventory_runs": demo_run_pair,
    "api:get_inventory_series": demo_city,
}
