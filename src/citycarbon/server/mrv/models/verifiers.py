"""Verifier organisations with their accreditations, staff, performance entries and sanctions."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from citycarbon.server.common.choices import localised
from citycarbon.server.mrv.choices import (
    PerformanceKind,
    SanctionKind,
)
from citycarbon.server.mrv.models._common import (
    _ORGANISATION_SCOPE,
    _recorded_by,
    validate_credit_code,
)
from citycarbon.server.mrv.models.register import Enterprise

# --- verifier organisations -------------------------------------------------------------------


class VerifierOrganisation(models.Model):
    """A third-party verifier (核查机构) on the list the city keeps (``jurisdiction``)."""

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
        related_name="verifier_organisations",
        verbose_name=_("jurisdiction keeping the list"),
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    note = models.TextField(_("note"), blank=True)
    illustrative = models.BooleanField(_("illustrative, not a real organisation"), default=False)
    created_at = models.DateTimeField(_("registered"), default=timezone.now, editable=False)
    created_by = _recorded_by()

    scope_lookups: ClassVar[Mapping[str, str] | None] = {
        "jurisdiction": "jurisdiction",
        "verifier_organisation": "",
    }

    class Meta:
        verbose_name = _("verifier organisation")
        verbose_name_plural = _("verifier organisations")
        ordering = ("name_zh", "credit_code")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localised(self.name_zh, self.name_en)


class Accreditation(models.Model):
    """An accreditation: the sector guidelines the organisation may verify, and when."""

    organisation = models.ForeignKey(
        VerifierOrganisation, on_delete=models.CASCADE, related_name="accreditations"
    )
    reference = models.CharField(_("reference"), max_length=100)
    sectors = models.JSONField(_("sector guidelines"), default=list)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"))
    note = models.TextField(_("note"), blank=True)
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now, editable=False)
    recorded_by = _recorded_by()

    scope_lookups: ClassVar[Mapping[str, str] | None] = _ORGANISATION_SCOPE

    class Meta:
        verbose_name = _("accreditation")
        verbose_name_plural = _("accreditations")
        ordering = ("-valid_from", "pk")
        constraints = (
            models.CheckConstraint(
                condition=Q(valid_to__gte=models.F("valid_from")), name="mrv_accreditation_dates"
            ),
        )

    def __str__(self) -> str:
        return f"{self.reference} {self.valid_from}–{self.valid_to}"

    def valid_on(self, day: date) -> bool:
        return self.valid_from <= day <= self.valid_to


class VerifierStaff(models.Model):
    """A qualified person working for the organisation; with an account (``user``) they hold
    the verifier role over it while they are on the staff."""

    organisation = models.ForeignKey(
        VerifierOrganisation, on_delete=models.CASCADE, related_name="staff"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="verifier_staff",
        verbose_name=_("account"),
    )
    name = models.CharField(_("name"), max_length=100)
    qualification = models.CharField(_("qualification"), max_length=200, blank=True)
    joined_on = models.DateField(_("joined"))
    left_on = models.DateField(_("left"), null=True, blank=True)
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now, editable=False)
    recorded_by = _recorded_by()

    scope_lookups: ClassVar[Mapping[str, str] | None] = _ORGANISATION_SCOPE

    class Meta:
        verbose_name = _("verifier staff member")
        verbose_name_plural = _("verifier staff")
        ordering = ("name", "pk")
        constraints = (
            models.UniqueConstraint(
                fields=("user",),
                condition=Q(left_on__isnull=True, user__isnull=False),
                name="mrv_staff_one_organisation",
            ),
        )

    def __str__(self) -> str:
        return self.name


class PerformanceEntry(models.Model):
    """An entry of the organisation's performance record (never changed afterwards)."""

    organisation = models.ForeignKey(
        VerifierOrganisation, on_delete=models.CASCADE, related_name="performance"
    )
    kind = models.CharField(_("kind"), max_length=32, choices=PerformanceKind.choices())
    occurred_on = models.DateField(_("date"))
    enterprise = models.ForeignKey(
        Enterprise,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("enterprise"),
    )
    reporting_year = models.PositiveSmallIntegerField(
        _("reporting year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1990), MaxValueValidator(2200)],
    )
    description = models.TextField(_("description"))
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now, editable=False)
    recorded_by = _recorded_by()

    scope_lookups: ClassVar[Mapping[str, str] | None] = _ORGANISATION_SCOPE

    class Meta:
        verbose_name = _("performance entry")
        verbose_name_plural = _("performance entries")
        ordering = ("-occurred_on", "-pk")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_on}"


class Sanction(models.Model):
    """A warning, a suspension (until ``effective_to``, or open-ended) or a removal."""

    organisation = models.ForeignKey(
        VerifierOrganisation, on_delete=models.CASCADE, related_name="sanctions"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=SanctionKind.choices())
    effective_from = models.DateField(_("from"))
    effective_to = models.DateField(_("until"), null=True, blank=True)
    reason = models.TextField(_("reason"))
    decided_at = models.DateTimeField(_("decided"), default=timezone.now, editable=False)
    decided_by = _recorded_by()

    scope_lookups: ClassVar[Mapping[str, str] | None] = _ORGANISATION_SCOPE

    class Meta:
        verbose_name = _("sanction")
        verbose_name_plural = _("sanctions")
        ordering = ("-effective_from", "-pk")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.effective_from}"
