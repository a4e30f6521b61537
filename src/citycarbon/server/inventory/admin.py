from __future__ import annotations

from django.contrib import admin

from citycarbon.server.common.admin import ReadOnlyAdmin
from citycarbon.server.inventory.models import Inventory, InventoryRun


@admin.register(Inventory)
class InventoryAdmin(ReadOnlyAdmin):
    list_display = ("jurisdiction", "year", "version", "state", "title", "published_at")
    list_filter = ("state", "year")
    exclude = ("form",)


@admin.register(InventoryRun)
class InventoryRunAdmin(ReadOnlyAdmin):
    list_display = ("inventory", "factor_library", "metric", "status", "total_tco2e", "created_at")
    list_filter = ("status", "metric")
    exclude = ("result", "analysis", "uncertainty")
