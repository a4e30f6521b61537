from __future__ import annotations

from django.contrib import admin

from citycarbon.server.common.admin import ReadOnlyAdmin
from citycarbon.server.geo.models import Jurisdiction


@admin.register(Jurisdiction)
class JurisdictionAdmin(ReadOnlyAdmin):
    list_display = ("code", "name_zh", "name_en", "kind", "parent", "division_code")
    list_filter = ("kind",)
