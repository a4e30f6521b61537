from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from django.db import models

from citycarbon.server.common.choices import LifecycleState
from citycarbon.server.common.errors import ErrorRecord
from citycarbon.server.common.models import VersionedRecord


class Specimen(VersionedRecord):
    """A yearly figure of one jurisdiction, standing in for the domain records to come."""

    jurisdiction = models.ForeignKey("geo.Jurisdiction", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    value = models.FloatField()
    note = models.CharField(max_length=200, blank=True)

    scope_lookups: ClassVar[Mapping[str, str] | None] = {"jurisdiction": "jurisdiction"}

    class Meta(VersionedRecord.Meta):
        ordering = ("jurisdiction__code", "year", "version")

    def __str__(self) -> str:
        return f"{self.jurisdiction_id}/{self.year} v{self.version}"

    def lifecycle_errors(self, target: str) -> list[Any]:
        if target == LifecycleState.SUBMITTED and self.value < 0:
            return [ErrorRecord(message="must not be negative", field="value", value=self.value)]
        return []

    def copy_children(self, new_version: VersionedRecord) -> None:
        for line in self.lines.order_by("pk"):
            SpecimenLine.objects.create(specimen=new_version, label=line.label, amount=line.amount)


class SpecimenLine(models.Model):
    specimen = models.ForeignKey(Specimen, on_delete=models.PROTECT, related_name="lines")
    label = models.CharField(max_length=50)
    amount = models.FloatField()
