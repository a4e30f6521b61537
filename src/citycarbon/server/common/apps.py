from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommonConfig(AppConfig):
    name = "citycarbon.server.common"
    label = "common"
    verbose_name = _("Common")

    def ready(self) -> None:
        from citycarbon.server.common import cache, checks, signals  # noqa: F401  (registers them)

        cache.connect_signals()
