"""Factor sets and their rows."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from citycarbon.server.common.choices import LifecycleState
from citycarbon.server.common.errors import ErrorRecord, ImmutableRecordError
from citycarbon.server.common.models import VersionedRecord
from citycarbon.server.factors.choices import FactorKind, VerificationStatus

__all__ = ["FactorRow", "FactorSet"]


class FactorSet(VersionedRecord):
    """A versioned set of factor rows, adopted by a jurisdiction (the city).

    ``name`` names the lineage (``builtin``, ``zhengzhou-local``); every version of it keeps
    the name. The kernel sees a set as a ``FactorLibrary`` whose version is
    :attr:`library_version` (``builtin@v2``), and every calculation records it.
    """

    jurisdiction = models.ForeignKey(
        "geo.Jurisdiction",
        on_delete=models.PROTECT,
        related_name="factor_sets",
        verbose_name=_("jurisdiction"),
    )
    name = models.SlugField(_("name"), max_length=40)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)

    #: A jurisdiction-scoped grant reaches the sets its jurisdiction adopted: the city office
    #: edits the city's sets; a district official sees only published ones (as the public).
    scope_lookups: ClassVar[Mapping[str, str] | None] = {"jurisdiction": "jurisdiction"}

    class Meta(VersionedRecord.Meta):
        verbose_name = _("factor set")
        verbose_name_plural = _("factor sets")
        ordering = ("name", "-version")

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"

    @property
    def library_version(self) -> str:
        """The version string the kernel records in every result: ``<name>@v<version>``."""
        return f"{self.name}@v{self.version}"

    def lifecycle_errors(self, target: str) -> list[Any]:
        if target == LifecycleState.SUBMITTED and not self.rows.exists():
            return [ErrorRecord(message=_("A factor set needs at least one row."), field="rows")]
        return []

    def copy_children(self, new_version: VersionedRecord) -> None:
        FactorRow.objects.bulk_create(
            [row.copy_to(new_version) for row in self.rows.order_by("pk")], batch_size=500
        )


class FactorRow(models.Model):
    """One factor with its provenance: the kernel's ``FactorRow`` columns, plus the file the
    row was loaded from. ``value`` is the exact decimal as written (text, so every database
    keeps every digit)."""

    factor_set = models.ForeignKey(
        FactorSet, on_delete=models.CASCADE, related_name="rows", verbose_name=_("factor set")
    )
    factor_id = models.CharField(_("factor id"), max_length=80)
    parameter = models.CharField(_("parameter"), max_length=60, db_index=True)
    subject = models.CharField(_("subject"), max_length=80, db_index=True)
    value = models.CharField(_("value"), max_length=40)
    unit = models.CharField(_("unit"), max_length=40)
    gas = models.CharField(_("gas"), max_length=20, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=FactorKind.choices())
    guideline = models.CharField(_("guideline set"), max_length=60)
    region = models.CharField(_("region"), max_length=40)
    year_from = models.PositiveSmallIntegerField(_("from year"), null=True, blank=True)
    year_to = models.PositiveSmallIntegerField(_("to year"), null=True, blank=True)
    source = models.TextField(_("source"))
    status = models.CharField(
        _("verification status"), max_length=8, choices=VerificationStatus.choices()
    )
    note = models.TextField(_("note"), blank=True)
    file = models.CharField(_("file"), max_length=80, blank=True)

    scope_lookups: ClassVar[Mapping[str, str] | None] = {"jurisdiction": "factor_set__jurisdiction"}

    #: The columns of a row as the kernel and the exports name them, in order.
    COLUMNS: ClassVar[tuple[str, ...]] = (
        "factor_id",
        "parameter",
        "subject",
        "value",
        "unit",
        "gas",
        "kind",
        "guideline",
        "region",
        "year_from",
        "year_to",
        "source",
        "status",
        "note",
        "file",
    )

    class Meta:
        verbose_name = _("factor row")
        verbose_name_plural = _("factor rows")
        ordering = ("parameter", "subject", "factor_id")
        constraints = (
            models.UniqueConstraint(fields=("factor_set", "factor_id"), name="factors_row_once"),
        )

    def __str__(self) -> str:
        return f"{self.factor_id} = {self.value} {self.unit}"

    @property
    def decimal_value(self) -> Decimal:
        return Decimal(self.value)

    def as_data(self) -> dict[str, Any]:
        """The row's columns as plain data."""
        return {name: getattr(self, name) for name in self.COLUMNS}

    def copy_to(self, factor_set: VersionedRecord) -> FactorRow:
        return FactorRow(factor_set=factor_set, **self.as_data())

    def _refuse_if_published(self) -> None:
        state = (
            FactorSet.objects.filter(pk=self.factor_set_id).values_list("state", flat=True).first()
        )
        if state == LifecycleState.PUBLISHED:
            raise ImmutableRecordError(
                _("A published factor set cannot be changed; open a correction instead."),
                field="state",
                value=state,
            )

    def save(self, *args: Any, **kwargs: Any) -> None:
        self._refuse_if_published()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        self._refuse_if_published()
        return super().delete(*args, **kwargs)
