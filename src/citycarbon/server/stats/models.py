"""Yearly statistics: one versioned record per jurisdiction and year, with its fuels, checklist
awards and plan-indicator values as child rows, and the acknowledgements of its plausibility
warnings.

The fields mirror the targets kernel's year input (``citycarbon.targets``, ``docs/targets.md``):
GDP at constant prices of the base year, or at current prices with a deflator, a real index or
a real growth rate; CO2 supplied directly, or computed by the kernel from fuels and net imported
electricity; energy consumption; the measures score or the checklist awards with evidence; the
observed values of the plan-wide indicators.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from citycarbon.server.common.choices import LifecycleState
from citycarbon.server.common.errors import ImmutableRecordError
from citycarbon.server.common.models import VersionedRecord

__all__ = [
    "Statistic",
    "StatisticFuel",
    "StatisticIndicator",
    "StatisticMeasure",
    "WarningAcknowledgement",
]


def _figure(label: Any, help_text: Any = "") -> models.FloatField[Any, Any]:
    return models.FloatField(label, null=True, blank=True, help_text=help_text)


class Statistic(VersionedRecord):
    """The statistics of one jurisdiction in one year (a version of them)."""

    jurisdiction = models.ForeignKey(
        "geo.Jurisdiction",
        on_delete=models.PROTECT,
        related_name="statistics",
        verbose_name=_("jurisdiction"),
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(1949), MaxValueValidator(2200)]
    )
    gdp_constant_cny_100m = _figure(
        _("GDP at constant prices [10⁸ CNY]"), _("At the prices of the target period's base year.")
    )
    gdp_current_cny_100m = _figure(_("GDP at current prices [10⁸ CNY]"))
    gdp_deflator = _figure(_("GDP deflator (base year = 100)"))
    gdp_index = _figure(_("Real GDP index (base year = 100)"))
    gdp_real_growth_pct = _figure(_("Real GDP growth on the previous year [%]"))
    co2_t = _figure(
        _("CO2 [t]"), _("Supplied directly; or leave empty and give fuels and electricity.")
    )
    energy_tce = _figure(_("Energy consumption [tce]"))
    electricity_imported_mwh = _figure(_("Electricity brought in [MWh]"))
    electricity_exported_mwh = _figure(_("Electricity sent out [MWh]"))
    net_electricity_import_mwh = _figure(_("Net electricity imported [MWh]"))
    measures_score = _figure(
        _("Tasks and measures score [points]"),
        _("The points of the year; or leave empty and award the checklist items."),
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    #: Made-up figures (the shipped example, training): labelled so wherever they are used.
    illustrative = models.BooleanField(_("illustrative, not official"), default=False)

    scope_lookups: ClassVar[Mapping[str, str] | None] = {"jurisdiction": "jurisdiction"}

    class Meta(VersionedRecord.Meta):
        verbose_name = _("statistic")
        verbose_name_plural = _("statistics")
        ordering = ("year", "jurisdiction__sort_order", "jurisdiction__code", "version")
        constraints = (  # type: ignore[assignment]  # the base's tuple, extended
            *VersionedRecord.Meta.constraints,
            models.UniqueConstraint(
                fields=("jurisdiction", "year", "version"), name="stats_statistic_year_version"
            ),
            # One lineage per jurisdiction and year: corrections are its later versions.
            models.UniqueConstraint(
                fields=("jurisdiction", "year"),
                condition=Q(version=1),
                name="stats_statistic_one_lineage",
            ),
        )
        indexes = (models.Index(fields=("year", "state"), name="stats_statistic_year_state"),)

    def __str__(self) -> str:
        return f"{self.jurisdiction} {self.year} v{self.version}"

    def copy_children(self, new_version: VersionedRecord) -> None:
        StatisticFuel.objects.bulk_create(
            StatisticFuel(statistic=new_version, fuel=f.fuel, quantity=f.quantity, unit=f.unit)
            for f in self.fuels.order_by("pk")
        )
        StatisticMeasure.objects.bulk_create(
            StatisticMeasure(
                statistic=new_version, item=m.item, points=m.points, evidence=m.evidence
            )
            for m in self.measures.order_by("pk")
        )
        StatisticIndicator.objects.bulk_create(
            StatisticIndicator(statistic=new_version, indicator=i.indicator, value=i.value)
            for i in self.indicators.order_by("pk")
        )


class _Child(models.Model):
    """A row that belongs to a statistic and is frozen with it once published."""

    class Meta:
        abstract = True

    statistic_id: int

    def _refuse_if_published(self) -> None:
        if Statistic.objects.filter(pk=self.statistic_id, state=LifecycleState.PUBLISHED).exists():
            raise ImmutableRecordError(
                _("A published record cannot be changed; open a correction instead."),
                field="state",
                value=LifecycleState.PUBLISHED.value,
            )

    def save(self, *args: Any, **kwargs: Any) -> None:
        self._refuse_if_published()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        self._refuse_if_published()
        return super().delete(*args, **kwargs)


class StatisticFuel(_Child):
    """A fuel burned in the year, in the fuel's unit (or the unit given)."""

    statistic = models.ForeignKey(Statistic, on_delete=models.CASCADE, related_name="fuels")
    fuel = models.CharField(_("fuel"), max_length=64)
    quantity = models.FloatField(_("quantity"))
    unit = models.CharField(_("unit"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("fuel")
        ordering = ("fuel",)
        constraints = (
            models.UniqueConstraint(fields=("statistic", "fuel"), name="stats_fuel_once"),
        )

    def __str__(self) -> str:
        return f"{self.fuel} {self.quantity:g} {self.unit}".strip()


class StatisticMeasure(_Child):
    """Points awarded for an item of the target set's checklist, with the evidence."""

    statistic = models.ForeignKey(Statistic, on_delete=models.CASCADE, related_name="measures")
    item = models.CharField(_("checklist item"), max_length=64)
    points = models.FloatField(_("points"))
    evidence = models.TextField(_("evidence"), blank=True)

    class Meta:
        verbose_name = _("checklist award")
        ordering = ("item",)
        constraints = (
            models.UniqueConstraint(fields=("statistic", "item"), name="stats_measure_once"),
        )

    def __str__(self) -> str:
        return f"{self.item} {self.points:g}"


class StatisticIndicator(_Child):
    """The observed value of a plan-wide indicator in the year."""

    statistic = models.ForeignKey(Statistic, on_delete=models.CASCADE, related_name="indicators")
    indicator = models.CharField(_("indicator"), max_length=64)
    value = models.FloatField(_("value"))

    class Meta:
        verbose_name = _("indicator value")
        ordering = ("indicator",)
        constraints = (
            models.UniqueConstraint(fields=("statistic", "indicator"), name="stats_indicator_once"),
        )

    def __str__(self) -> str:
        return f"{self.indicator} {self.value:g}"


class WarningAcknowledgement(models.Model):
    """A plausibility warning the official looked at and explained (``value`` is the figure
    the warning was about: a changed figure needs a new acknowledgement)."""

    statistic = models.ForeignKey(
        Statistic, on_delete=models.CASCADE, related_name="acknowledgements"
    )
    code = models.CharField(_("warning"), max_length=40)
    value = models.CharField(_("value"), max_length=40)
    reason = models.TextField(_("reason"))
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    acknowledged_at = models.DateTimeField(_("acknowledged"), default=timezone.now)

    scope_lookups: ClassVar[Mapping[str, str] | None] = {"jurisdiction": "statistic__jurisdiction"}

    class Meta:
        verbose_name = _("warning acknowledgement")
        ordering = ("acknowledged_at", "pk")
        constraints = (
            models.UniqueConstraint(
                fields=("statistic", "code", "value"), name="stats_acknowledgement_once"
            ),
        )

    def __str__(self) -> str:
        return f"{self.code} {self.value}"
