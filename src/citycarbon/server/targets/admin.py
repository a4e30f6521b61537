from __future__ import annotations

from django.contrib import admin

from citycarbon.server.common.admin import ReadOnlyAdmin
from citycarbon.server.targets.models import AssessmentRun, JurisdictionTarget, TargetSet


@admin.register(TargetSet)
class TargetSetAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "base_year", "target_year", "jurisdiction")


@admin.register(JurisdictionTarget)
class JurisdictionTargetAdmin(ReadOnlyAdmin):
    list_display = (
        "target_set",
        "jurisdiction",
        "co2_intensity_target_pct",
        "energy_intensity_target_pct",
    )


@admin.register(AssessmentRun)
class AssessmentRunAdmin(ReadOnlyAdmin):
    list_display = ("target_set", "basis", "version", "state", "as_of", "created_at")
    exclude = ("output",)
