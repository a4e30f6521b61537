from __future__ import annotations

from django.contrib import admin

from citycarbon.server.common.admin import ReadOnlyAdmin
from citycarbon.server.stats.models import Statistic, WarningAcknowledgement


@admin.register(Statistic)
class StatisticAdmin(ReadOnlyAdmin):
    list_display = ("jurisdiction", "year", "version", "state", "gdp_constant_cny_100m", "co2_t")
    list_filter = ("state", "year")


@admin.register(WarningAcknowledgement)
class WarningAcknowledgementAdmin(ReadOnlyAdmin):
    list_display = ("statistic", "code", "value", "acknowledged_by", "acknowledged_at")
