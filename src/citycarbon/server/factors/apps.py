from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FactorsConfig(AppConfig):
    name = "citycarbon.server.factors"
    label = "factors"
    verbose_name = _("Factor sets")

    def ready(self) -> None:
        from citycarbon.server.common.choices import register_actions
        from citycarbon.server.common.context_processors import NAVIGATION
        from citycarbon.server.factors.choices import FactorAction

        register_actions(FactorAction)
        entry = ("factors:set_list", _("Factor sets"), None)
        if entry[0] not in {name for name, _label, _perm in NAVIGATION}:
            NAVIGATION.append(entry)
