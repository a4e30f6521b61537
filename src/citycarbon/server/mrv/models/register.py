"""The register: :class:`Enterprise` with its sectors, facilities, contacts and status history;
the coverage thresholds; screening runs and their proposals."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from citycarbon.server.common.choices import localised
from citycarbon.server.mrv.choices import (
    ContactFunction,
    CoverageReason,
    Decision,
    EnterpriseStatus,
)
from citycarbon.server.mrv.models._common import (
    _ENTERPRISE_SCOPE,
    FIGURE_DIGITS,
    _recorded_by,
    enterprise_label,
    validate_credit_code,
)

# --- the register -----------------------------------------------------------------------------


class Enterprise(models.Model):
    """A key emitting unit (重点排放单位): one legal entity, by its credit code."""

    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        unique=True,
        validators=[validate_credit_code],
    )
    name_zh = models.CharField(_("Chinese name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    jurisdiction = models.ForeignKey(
        "geo.Jurisdiction",
        on_delete=models.PROTECT,
        related_name="enterprises",
        verbose_name=_("jurisdiction"),
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    coverage_reason = models.CharField(
        _("reason for coverage"), max_length=16, choices=CoverageReason.choices()
    )
    coverage_year = models.PositiveSmallIntegerField(
        _("year the threshold was reached"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1990), MaxValueValidator(2200)],
    )
    coverage_energy_tce = models.DecimalField(
        _("energy use that year [tce]"), null=True, blank=True, **FIGURE_DIGITS
    )
    coverage_emissions_tco2e = models.DecimalField(
        _("emissions that year [tCO2e]"), null=True, blank=True, **FIGURE_DIGITS
    )
    #: The latest entry of the status history (kept here to filter and list by).
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=EnterpriseStatus.choices(),
        default=EnterpriseStatus.ACTIVE.value,
        editable=False,
        db_index=True,
    )
    status_since = models.DateField(_("status since"), editable=False)
    note = models.TextField(_("note"), blank=True)
    #: Made-up enterprises (the demo, training): labelled wherever they are shown.
    illustrative = models.BooleanField(_("illustrative, not a real enterprise"), default=False)
    created_at = models.DateTimeField(_("registered"), default=timezone.now, editable=False)
    created_by = _recorded_by()
    updated_at = models.DateTimeField(_("changed"), default=timezone.now, editable=False)

    scope_lookups: ClassVar[Mapping[str, str] | None] = {
        "jurisdiction": "jurisdiction",
        "enterprise": "",
    }

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        ordering = ("name_zh", "credit_code")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        """The name in the active language (Chinese when there is no English name)."""
        return localised(self.name_zh, self.name_en)

    @property
    def is_active(self) -> bool:
        return self.status == EnterpriseStatus.ACTIVE


class EnterpriseSector(models.Model):
    """A sector guideline (``citycarbon.accounting`` sector id) the enterprise reports under."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="sectors")
    sector = models.CharField(_("sector guideline"), max_length=40, db_index=True)

    scope_lookups: ClassVar[Mapping[str, str] | None] = _ENTERPRISE_SCOPE

    class Meta:
        verbose_name = _("sector guideline")
        ordering = ("sector",)
        constraints = (
            models.UniqueConstraint(fields=("enterprise", "sector"), name="mrv_sector_once"),
        )

    def __str__(self) -> str:
        return self.sector


class Facility(models.Model):
    """A site or installation of the enterprise (the monitoring plan's unit)."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="facilities")
    code = models.CharField(_("code"), max_length=32)
    name_zh = models.CharField(_("Chinese name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)

    scope_lookups: ClassVar[Mapping[str, str] | None] = _ENTERPRISE_SCOPE

    class Meta:
        verbose_name = _("facility")
        verbose_name_plural = _("facilities")
        ordering = ("code",)
        constraints = (
            models.UniqueConstraint(fields=("enterprise", "code"), name="mrv_facility_once"),
        )

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def name(self) -> str:
        return localised(self.name_zh, self.name_en)


class Contact(models.Model):
    """A person to reach at the enterprise (legal representative, energy or carbon manager)."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="contacts")
    function = models.CharField(_("function"), max_length=32, choices=ContactFunction.choices())
    name = models.CharField(_("name"), max_length=100)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("email"), max_length=200, blank=True)

    scope_lookups: ClassVar[Mapping[str, str] | None] = _ENTERPRISE_SCOPE

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ("function", "name", "pk")

    def __str__(self) -> str:
        return f"{self.name} ({self.get_function_display()})"


class StatusChange(models.Model):
    """One entry of the status history: from ``effective_on`` the enterprise is ``status``.
    A merger names the enterprise it went into, a split the ones it became (``successors``);
    the successors' predecessors are read the other way round."""

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="status_changes"
    )
    status = models.CharField(_("status"), max_length=16, choices=EnterpriseStatus.choices())
    effective_on = models.DateField(_("effective"))
    successors = models.ManyToManyField(
        Enterprise, blank=True, related_name="predecessor_changes", verbose_name=_("successors")
    )
    reason = models.TextField(_("reason"), blank=True)
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now, editable=False)
    recorded_by = _recorded_by()

    scope_lookups: ClassVar[Mapping[str, str] | None] = _ENTERPRISE_SCOPE

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ("effective_on", "pk")

    def __str__(self) -> str:
        return f"{enterprise_label(self.enterprise)} {self.status} {self.effective_on}"


class CoverageRule(models.Model):
    """Coverage thresholds valid from a year until the next rule (configuration)."""

    valid_from_year = models.PositiveSmallIntegerField(
        _("valid from year"),
        unique=True,
        validators=[MinValueValidator(1990), MaxValueValidator(2200)],
    )
    energy_tce = models.DecimalField(
        _("energy threshold [tce]"), validators=[MinValueValidator(0)], **FIGURE_DIGITS
    )
    emissions_tco2e = models.DecimalField(
        _("emissions threshold [tCO2e]"), validators=[MinValueValidator(0)], **FIGURE_DIGITS
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    updated_at = models.DateTimeField(_("changed"), default=timezone.now, editable=False)
    updated_by = _recorded_by()

    #: Configuration: the permission alone decides who reads and edits it.
    scope_lookups: ClassVar[Mapping[str, str] | None] = None

    class Meta:
        verbose_name = _("coverage rule")
        verbose_name_plural = _("coverage rules")
        ordering = ("valid_from_year",)

    def __str__(self) -> str:
        return f"{self.valid_from_year}: {self.energy_tce} tce / {self.emissions_tco2e} tCO2e"


# --- screening --------------------------------------------------------------------------------


class ScreeningRun(models.Model):
    """One screening of annual figures against the coverage rules, kept with its proposals."""

    jurisdiction = models.ForeignKey(
        "geo.Jurisdiction",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("jurisdiction"),
    )
    source = models.CharField(_("source"), max_length=200)
    digest = models.CharField(max_length=64, blank=True)
    #: The rules applied, as they were: [{"valid_from_year", "energy_tce", "emissions_tco2e"}].
    rules = models.JSONField(_("thresholds applied"), default=list)
    units = models.PositiveIntegerField(_("units screened"), default=0)
    already_registered = models.PositiveIntegerField(_("already registered"), default=0)
    below = models.PositiveIntegerField(_("below the thresholds"), default=0)
    created_at = models.DateTimeField(_("run"), default=timezone.now, editable=False)
    created_by = _recorded_by()

    scope_lookups: ClassVar[Mapping[str, str] | None] = {"jurisdiction": "jurisdiction"}

    class Meta:
        verbose_name = _("screening run")
        verbose_name_plural = _("screening runs")
        ordering = ("-created_at", "-pk")

    def __str__(self) -> str:
        return f"{self.source} ({self.created_at:%Y-%m-%d})"


class ScreeningProposal(models.Model):
    """A unit that crossed a threshold and is not in the register: the office accepts it (it
    is registered) or rejects it with a reason."""

    run = models.ForeignKey(ScreeningRun, on_delete=models.CASCADE, related_name="proposals")
    credit_code = models.CharField(_("unified social credit code"), max_length=18)
    name_zh = models.CharField(_("Chinese name"), max_length=200)
    jurisdiction = models.ForeignKey(
        "geo.Jurisdiction",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("jurisdiction"),
    )
    sectors = models.JSONField(_("sector guidelines"), default=list)
    #: The first year a threshold was reached, and which.
    coverage_reason = models.CharField(
        _("reason for coverage"), max_length=16, choices=CoverageReason.choices()
    )
    coverage_year = models.PositiveSmallIntegerField(_("year the threshold was reached"))
    coverage_energy_tce = models.DecimalField(
        _("energy use that year [tce]"), null=True, blank=True, **FIGURE_DIGITS
    )
    coverage_emissions_tco2e = models.DecimalField(
        _("emissions that year [tCO2e]"), null=True, blank=True, **FIGURE_DIGITS
    )
    #: Every year screened: [{"year", "energy_tce", "emissions_tco2e", "crossed"}].
    figures = models.JSONField(_("figures"), default=list)
    decision = models.CharField(
        _("decision"), max_length=16, choices=Decision.choices(), default=Decision.PENDING.value
    )
    reason = models.TextField(_("reason"), blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True, editable=False)
    decided_by = _recorded_by()
    enterprise = models.ForeignKey(
        Enterprise,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("enterprise"),
    )

    scope_lookups: ClassVar[Mapping[str, str] | None] = {"jurisdiction": "run__jurisdiction"}

    class Meta:
        verbose_name = _("screening proposal")
        verbose_name_plural = _("screening proposals")
        ordering = ("run", "credit_code")
        constraints = (
            models.UniqueConstraint(fields=("run", "credit_code"), name="mrv_proposal_once"),
        )

    def __str__(self) -> str:
        return f"{self.credit_code} {self.name_zh}"
