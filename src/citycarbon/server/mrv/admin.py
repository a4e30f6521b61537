"""Read-only admin views of the MRV records (changes go through the audited services)."""

from __future__ import annotations

from django.contrib import admin

from citycarbon.server.common.admin import ReadOnlyAdmin
from citycarbon.server.mrv.models import (
    ComplianceCalendar,
    CoverageRule,
    Enterprise,
    ScreeningRun,
    VerifierOrganisation,
)


@admin.register(Enterprise)
class EnterpriseAdmin(ReadOnlyAdmin):
    list_display = ("credit_code", "name_zh", "jurisdiction", "status", "status_since")
    list_filter = ("status", "coverage_reason")
    search_fields = ("credit_code", "name_zh", "name_en")


@admin.register(VerifierOrganisation)
class VerifierOrganisationAdmin(ReadOnlyAdmin):
    list_display = ("credit_code", "name_zh", "jurisdiction")
    search_fields = ("credit_code", "name_zh")


@admin.register(ScreeningRun)
class ScreeningRunAdmin(ReadOnlyAdmin):
    list_display = ("source", "created_at", "units", "already_registered", "below")


@admin.register(CoverageRule)
class CoverageRuleAdmin(ReadOnlyAdmin):
    list_display = ("valid_from_year", "energy_tce", "emissions_tco2e")


@admin.register(ComplianceCalendar)
class ComplianceCalendarAdmin(ReadOnlyAdmin):
    list_display = ("year", "annual_report_due", "verification_due", "approval_due")
