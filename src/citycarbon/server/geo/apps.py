from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GeoConfig(AppConfig):
    name = "citycarbon.server.geo"
    label = "geo"
    verbose_name = _("Jurisdictions")

    def ready(self) -> None:
        from citycarbon.server.common.choices import ScopeKind, register_actions
        from citycarbon.server.common.roles import ScopeKindSpec, register_scope_kind
        from citycarbon.server.geo.choices import GeoAction
        from citycarbon.server.geo.selectors import describe_jurisdiction, subtree_ids

        register_actions(GeoAction)

        register_scope_kind(
            ScopeKindSpec(
                kind=ScopeKind.JURISDICTION.value,
                expand=subtree_ids,
                describe=describe_jurisdiction,
                domains=("geo",),
            )
        )
