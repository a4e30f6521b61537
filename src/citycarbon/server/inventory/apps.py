from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InventoryConfig(AppConfig):
    name = "citycarbon.server.inventory"
    label = "inventory"
    verbose_name = _("Inventories")

    def ready(self) -> None:
        from citycarbon.server.common.choices import register_actions
        from citycarbon.server.common.context_processors import NAVIGATION
        from citycarbon.server.inventory.choices import InventoryAction

        register_actions(InventoryAction)
        entry = ("inventory:inventory_list", _("Inventories"), None)
        if entry[0] not in {name for name, _label, _perm in NAVIGATION}:
            NAVIGATION.append(entry)
