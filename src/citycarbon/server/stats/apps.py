from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def add_navigation(navigation: list[Any], entry: tuple[str, Any, str | None]) -> None:
    """Add a page to the main navigation, before the audit trail (idempotent)."""
    if any(existing[0] == entry[0] for existing in navigation):
        return
    names = [existing[0] for existing in navigation]
    at = names.index("common:audit_list") if "common:audit_list" in names else len(navigation)
    navigation.insert(at, entry)


class StatsConfig(AppConfig):
    name = "citycarbon.server.stats"
    label = "stats"
    verbose_name = _("Statistics")

    def ready(self) -> None:
        from citycarbon.server.common.choices import register_actions
        from citycarbon.server.common.context_processors import NAVIGATION
        from citycarbon.server.stats.choices import StatsAction

        register_actions(StatsAction)
        add_navigation(NAVIGATION, ("stats:statistic_list", _("Statistics"), None))
