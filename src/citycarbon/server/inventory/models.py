"""Stored inventories (the engine's input form, versioned) and their compilations."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from citycarbon.server.common.choices import LifecycleState
from citycarbon.server.common.errors import ImmutableRecordError
from citycarbon.server.common.models import VersionedRecord
from citycarbon.server.inventory.choices import RunStage, RunStatus
from citycarbon.server.inventory.validators import form_errors

__all__ = ["Inventory", "InventoryRun"]


class Inventory(VersionedRecord):
    """The inventory input of one jurisdiction and year, in the engine's JSON form
    (``inventory``, ``energy_balance``, ``categories``, ``notation_keys``; see
    ``docs/inventory.md``). One lineage per jurisdiction-year; corrections are new versions."""

    jurisdiction = models.ForeignKey(
        "geo.Jurisdiction",
        on_delete=models.PROTECT,
        related_name="inventories",
        verbose_name=_("jurisdiction"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=200, blank=True)
    form = models.JSONField(_("input form"))
    #: SHA-256 of the form as stored: the audit trail records it (not the whole form) before
    #: and after a change.
    form_digest = models.CharField(_("input digest"), max_length=64, blank=True)
    source = models.CharField(_("source"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)

    scope_lookups: ClassVar[Mapping[str, str] | None] = {"jurisdiction": "jurisdiction"}
    audit_exclude: ClassVar[frozenset[str]] = frozenset({"form"})

    class Meta(VersionedRecord.Meta):
        verbose_name = _("inventory")
        verbose_name_plural = _("inventories")
        ordering = ("jurisdiction__sort_order", "year", "-version")
        indexes = (models.Index(fields=("jurisdiction", "year"), name="inventory_juris_year"),)

    def __str__(self) -> str:
        return f"{self.jurisdiction.code} {self.year} v{self.version}"

    def lifecycle_errors(self, target: str) -> list[Any]:
        if target != LifecycleState.SUBMITTED:
            return []
        return form_errors(self.form, self.year)

    def copy_children(self, new_version: VersionedRecord) -> None:
        """An inventory keeps its input in its own row; compilations belong to a version."""


class InventoryRun(models.Model):
    """One compilation of one inventory version with one factor-set version and GWP metric,
    with everything needed to explain and repeat it: the digests of the input and of the
    factor rows used, the engine version, who and when. The stored ``result`` is the
    kernel's ``InventoryResult.as_dict()``; ``analysis`` holds key categories, Approach 1
    uncertainty and the reference comparison; ``uncertainty`` the Monte Carlo intervals.

    Bookkeeping (stage, progress) changes while it runs; once finished it never changes.
    """

    inventory = models.ForeignKey(
        Inventory, on_delete=models.PROTECT, related_name="runs", verbose_name=_("inventory")
    )
    factor_set = models.ForeignKey(
        "factors.FactorSet",
        on_delete=models.PROTECT,
        related_name="inventory_runs",
        verbose_name=_("factor set"),
    )
    metric = models.CharField(_("GWP metric"), max_length=16)
    iterations = models.PositiveIntegerField(_("Monte Carlo iterations"), default=0)
    seed = models.PositiveIntegerField(_("random seed"), default=0)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=RunStatus.choices(),
        default=RunStatus.QUEUED.value,
        db_index=True,
    )
    stage = models.CharField(
        _("stage"), max_length=12, choices=RunStage.choices(), default=RunStage.QUEUED.value
    )
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    message = models.TextField(_("message"), blank=True)
    input_digest = models.CharField(_("input digest"), max_length=64)
    factor_digest = models.CharField(_("factor digest"), max_length=64)
    factor_library = models.CharField(_("factor library version"), max_length=60)
    engine_version = models.CharField(_("engine version"), max_length=40)
    created_at = models.DateTimeField(_("requested"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    total_tco2e = models.FloatField(_("total with LUCF [tCO2e]"), null=True, blank=True)
    total_without_lucf_tco2e = models.FloatField(
        _("total without LUCF [tCO2e]"), null=True, blank=True
    )
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    result = models.JSONField(_("result"), null=True, blank=True)
    analysis = models.JSONField(_("analysis"), null=True, blank=True)
    uncertainty = models.JSONField(_("uncertainty"), null=True, blank=True)
    errors = models.JSONField(_("errors"), default=list, blank=True)

    scope_lookups: ClassVar[Mapping[str, str] | None] = {"jurisdiction": "inventory__jurisdiction"}
    audit_exclude: ClassVar[frozenset[str]] = frozenset(
        {"result", "analysis", "uncertainty", "summary", "errors"}
    )
    FINISHED: ClassVar[frozenset[str]] = frozenset(
        {RunStatus.DONE, RunStatus.REFUSED, RunStatus.FAILED}
    )

    class Meta:
        verbose_name = _("inventory compilation")
        verbose_name_plural = _("inventory compilations")
        ordering = ("-created_at", "-pk")

    _loaded_status: str | None = None

    @classmethod
    def from_db(cls, db: Any, field_names: Any, values: Any) -> Any:
        instance = super().from_db(db, field_names, values)
        instance._loaded_status = instance.__dict__.get("status")
        return instance

    def __str__(self) -> str:
        return f"{self.inventory_id} · {self.factor_library} · {self.metric} #{self.pk}"

    @property
    def finished(self) -> bool:
        return self.status in self.FINISHED

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self._loaded_status in self.FINISHED:
            raise ImmutableRecordError(
                _("A finished compilation cannot be changed; compile again instead."),
                field="status",
                value=self._loaded_status,
            )
        super().save(*args, **kwargs)
        self._loaded_status = self.status

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ImmutableRecordError(
            _("Compilations are kept for their provenance."), field="id", value=self.pk
        )
