"""Fixtures of the inventory tests: the shipped factor library as the published set, Dengfeng
inventories (the demonstration data) in every lifecycle state, compilations, and counts to
assert that a refused request changed nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from inventory_support import demo_form

from citycarbon.server.common import services as common
from citycarbon.server.common.models import AuditEvent, User
from citycarbon.server.factors.models import FactorRow, FactorSet
from citycarbon.server.factors.services import do_load_library
from citycarbon.server.geo.models import Jurisdiction
from citycarbon.server.inventory.models import Inventory, InventoryRun
from citycarbon.server.inventory.services import do_compile, do_create_inventory

STEPS = (
    ("submitted", common.do_submit),
    ("approved", common.do_approve),
    ("published", common.do_publish),
)


@pytest.fixture
def builtin(jurisdictions: dict[str, Jurisdiction]) -> FactorSet:
    """The shipped library as the published set ``builtin`` v1 of Zhengzhou."""
    return do_load_library(None, jurisdiction=jurisdictions["zhengzhou"]).factor_set


@pytest.fixture
def inventory(
    jurisdictions: dict[str, Jurisdiction], users: dict[str, User]
) -> Callable[..., Inventory]:
    """``inventory(state, jurisdiction="dengfeng", year=2012)`` — the demonstration input of
    that jurisdiction-year, stored by the office and moved to ``state`` by the services."""

    def make(state: str = "draft", jurisdiction: str = "dengfeng", year: int = 2012) -> Inventory:
        office = users["office"]
        item = do_create_inventory(
            office,
            jurisdiction=jurisdictions[jurisdiction],
            year=year,
            form=demo_form(jurisdiction, year),
            title=f"{jurisdiction} {year}",
        )
        for step, action in STEPS:
            if state == "draft":
                break
            item = action(office, item)
            if step == state:
                break
        return Inventory.objects.get(pk=item.pk)

    return make


@pytest.fixture
def compiled(users: dict[str, User], builtin: FactorSet) -> Callable[..., InventoryRun]:
    """``compiled(inventory, factor_set=builtin, iterations=0)`` — a finished compilation by
    the office."""

    def make(item: Inventory, factor_set: FactorSet | None = None, **options: Any) -> InventoryRun:
        run = do_compile(users["office"], item, factor_set=factor_set or builtin, **options)
        return InventoryRun.objects.get(pk=run.pk)

    return make


@dataclass(frozen=True)
class InventoryCounts:
    """Rows of every table an inventory request could write, the latest audit event, and a
    fingerprint of the states, inputs and compilations."""

    values: tuple[Any, ...]

    @classmethod
    def take(cls) -> InventoryCounts:
        return cls(
            (
                AuditEvent.objects.count(),
                AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first(),
                tuple(Inventory.objects.order_by("pk").values_list("pk", "state", "version")),
                hash(
                    tuple(
                        (pk, repr(form))
                        for pk, form in Inventory.objects.order_by("pk").values_list("pk", "form")
                    )
                ),
                tuple(InventoryRun.objects.order_by("pk").values_list("pk", "status", "stage")),
                tuple(FactorSet.objects.order_by("pk").values_list("pk", "state")),
                FactorRow.objects.count(),
            )
        )


@pytest.fixture
def inventory_counts() -> Callable[[], InventoryCounts]:
    return InventoryCounts.take
