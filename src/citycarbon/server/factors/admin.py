from __future__ import annotations

from django.contrib import admin

from citycarbon.server.common.admin import ReadOnlyAdmin
from citycarbon.server.factors.models import FactorRow, FactorSet


@admin.register(FactorSet)
class FactorSetAdmin(ReadOnlyAdmin):
    list_display = ("name", "version", "state", "title", "jurisdiction", "published_at")
    list_filter = ("state", "name")


@admin.register(FactorRow)
class FactorRowAdmin(ReadOnlyAdmin):
    list_display = ("factor_id", "factor_set", "parameter", "subject", "value", "unit", "status")
    list_filter = ("kind", "status", "guideline")
    search_fields = ("factor_id", "subject", "source")
