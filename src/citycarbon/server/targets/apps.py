from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TargetsConfig(AppConfig):
    name = "citycarbon.server.targets"
    label = "targets"
    verbose_name = _("Targets and assessment")

    def ready(self) -> None:
        from citycarbon.server.common.choices import register_actions
        from citycarbon.server.common.context_processors import NAVIGATION
        from citycarbon.server.stats.apps import add_navigation
        from citycarbon.server.stats.framework import register_provider
        from citycarbon.server.stats.signals import statistics_changed
        from citycarbon.server.targets import signals
        from citycarbon.server.targets.choices import TargetsAction
        from citycarbon.server.targets.selectors import framework_for_year, newest_framework

        register_actions(TargetsAction)
        register_provider(framework_for_year, newest_framework)
        statistics_changed.connect(signals.recompute, dispatch_uid="targets.recompute")
        add_navigation(NAVIGATION, ("targets:dashboard", _("Dashboard"), None))
        add_navigation(NAVIGATION, ("targets:assessment", _("Assessment"), None))
