"""URL map: the pages of each app, the API at ``/api/``, the language switch and a
read-only admin for superusers."""

from __future__ import annotations

from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from citycarbon.server.config.api import api

urlpatterns = [
    path("", include("citycarbon.server.common.urls")),
    path("jurisdictions/", include("citycarbon.server.geo.urls")),
    path("factors/", include("citycarbon.server.factors.urls")),
    path("inventories/", include("citycarbon.server.inventory.urls")),
    path("statistics/", include("citycarbon.server.stats.urls")),
    path("targets/", include("citycarbon.server.targets.urls")),
    path("mrv/", include("citycarbon.server.mrv.urls")),
    path("api/", api.urls),
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
]
