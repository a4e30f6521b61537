"""The register of key emitting units and what hangs on it.

- :class:`Enterprise` — the legal entity, named by its unified social credit code, in a
  jurisdiction, under one or more sector guidelines (:class:`EnterpriseSector`), with its
  :class:`Facility` rows, :class:`Contact` rows, a dated status history
  (:class:`StatusChange`, with successors for mergers and splits) and why it is covered.
- :class:`CoverageRule` — the coverage thresholds, as configuration the office edits.
- :class:`ScreeningRun` / :class:`ScreeningProposal` — units that crossed a threshold, proposed
  for the register; the office accepts or rejects each.
- :class:`VerifierOrganisation` with its :class:`Accreditation` (sector scopes, validity),
  :class:`VerifierStaff`, :class:`PerformanceEntry` and :class:`Sanction` rows.
- :class:`ComplianceCalendar` — a year's deadlines and reminder offsets.

Every model says how a role's scope reaches it (``scope_lookups``): a jurisdiction grant
reaches the enterprises of the jurisdiction's subtree, an ``enterprise`` grant its own
enterprise, a ``verifier_organisation`` grant its own organisation. Records are written only by
the services, each change audited.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from citycarbon.server.common.choices import LifecycleState, localised
from citycarbon.server.common.errors import ErrorRecord
from citycarbon.server.common.models import VersionedRecord
from citycarbon.server.mrv.choices import (
    AssignmentKind,
    AssignmentMethod,
    ContactFunction,
    CoverageReason,
    Decision,
    EnterpriseStatus,
    LedgerState,
    Opinion,
    PerformanceKind,
    SanctionKind,
    VerificationState,
    VerificationStepKind,
)
from citycarbon.server.mrv.creditcode import credit_code_problem
from citycarbon.server.mrv.messages import credit_code_message

__all__ = [
    "Accreditation",
    "AdvisoryRelation",
    "AnnualReport",
    "ComplianceCalendar",
    "Contact",
    "CoverageRule",
    "Disclosure",
    "Enterprise",
    "EnterpriseSector",
    "EvidenceFile",
    "Facility",
    "IdempotencyRecord",
    "LedgerEntry",
    "LedgerFinding",
    "LedgerMonth",
    "MonitoringPlan",
    "NonConformity",
    "PerformanceEntry",
    "Sanction",
    "ScreeningProposal",
    "ScreeningRun",
    "SignOff",
    "StatusChange",
    "VerificationAssignment",
    "VerificationStep",
    "VerifiedEmission",
    "VerifierOrganisation",
    "VerifierStaff",
    "validate_credit_code",
]

#: Exact figures: up to 10¹² with three decimals (15 digits, exact on SQLite too).
FIGURE_DIGITS = {"max_digits": 15, "decimal_places": 3}


def validate_credit_code(value: str) -> None:
    problem = credit_code_problem(value)
    if problem is not None:
        raise ValidationError(credit_code_message(problem), code=problem)


_ENTERPRISE_SCOPE: dict[str, str] = {
    "jurisdiction": "enterprise__jurisdiction",
    "enterprise": "enterprise",
}
_ORGANISATION_SCOPE: dict[str, str] = {
    "jurisdiction": "organisation__jurisdiction",
    "verifier_organisation": "organisation",
}


def _recorded_by() -> models.ForeignKey[Any, Any]:
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
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
        return f"{self.enterprise_id} {self.status} {self.effective_on}"


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


# --- the compliance calendar ------------------------------------------------------------------


class ComplianceCalendar(models.Model):
    """The deadlines for the emissions of ``year``: the monitoring plan, each month's ledger
    (by ``ledger_due_day`` of the following month), the annual report, the verification and
    the approval; reminders ``reminder_days`` days before each."""

    year = models.PositiveSmallIntegerField(
        _("year"), unique=True, validators=[MinValueValidator(1990), MaxValueValidator(2200)]
    )
    monitoring_plan_due = models.DateField(_("monitoring plan due"))
    ledger_due_day = models.PositiveSmallIntegerField(
        _("ledger due on day of the following month"),
        validators=[MinValueValidator(1), MaxValueValidator(28)],
    )
    annual_report_due = models.DateField(_("annual report due"))
    verification_due = models.DateField(_("verification due"))
    approval_due = models.DateField(_("approval due"))
    reminder_days = models.JSONField(_("reminders (days before)"), default=list)
    note = models.CharField(_("note"), max_length=500, blank=True)
    updated_at = models.DateTimeField(_("changed"), default=timezone.now, editable=False)
    updated_by = _recorded_by()

    #: The city's calendar: everyone with MRV view permission reads it.
    scope_lookups: ClassVar[Mapping[str, str] | None] = None

    class Meta:
        verbose_name = _("compliance calendar")
        verbose_name_plural = _("compliance calendars")
        ordering = ("-year",)

    def __str__(self) -> str:
        return str(self.year)


# --- monitoring plans -------------------------------------------------------------------------


class MonitoringPlan(VersionedRecord):
    """An enterprise's monitoring plan (监测计划) for one year: the kernel's plan
    (:class:`citycarbon.accounting.monitoring.MonitoringPlan`) as its JSON document, in a
    lineage of versions: draft → submitted (the enterprise) → approved (the office); a change
    to an approved plan is a new version that supersedes it, with the reason."""

    enterprise = models.ForeignKey(
        Enterprise,
        on_delete=models.PROTECT,
        related_name="monitoring_plans",
        verbose_name=_("enterprise"),
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(1990), MaxValueValidator(2200)]
    )
    sector = models.CharField(_("sector guideline"), max_length=40)
    #: The kernel plan as :func:`~citycarbon.accounting.monitoring.document.plan_as_dict`
    #: writes it (the enterprise id is the credit code).
    document = models.JSONField(_("plan"), default=dict)
    #: Where the document came from: ``json``, ``workbook`` (the file name and SHA-256 are in
    #: the audit trail).
    source = models.CharField(_("entered as"), max_length=16, default="json")
    note = models.CharField(_("note"), max_length=500, blank=True)

    scope_lookups: ClassVar[Mapping[str, str] | None] = _ENTERPRISE_SCOPE

    class Meta(VersionedRecord.Meta):
        verbose_name = _("monitoring plan")
        verbose_name_plural = _("monitoring plans")
        ordering = ("enterprise", "-year", "-version")
        constraints = (  # type: ignore[assignment]  # the base's and one more
            *VersionedRecord.Meta.constraints,
            models.UniqueConstraint(
                fields=("enterprise", "year", "version"), name="mrv_plan_enterprise_year_version"
            ),
        )

    def __str__(self) -> str:
        return f"{self.enterprise_id}/{self.year} v{self.version}"

    def lifecycle_errors(self, target: str) -> list[Any]:
        """The kernel's validation: its errors stop the submission and the approval."""
        if target not in (LifecycleState.SUBMITTED, LifecycleState.APPROVED):
            return []
        from citycarbon.server.mrv.plans import plan_errors

        return plan_errors(self.document)


# --- the monthly ledger -----------------------------------------------------------------------

#: A ledger value as written, exact (text: every database keeps every digit).
VALUE_MAX_LENGTH = 40


class LedgerMonth(models.Model):
    """One enterprise's ledger (台账) for one month, checked by the kernel against the approved
    plan of the year when it was submitted: ``pending`` while warnings await an
    acknowledgement, ``submitted`` once none does (then the month counts)."""

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="ledger_months",
        verbose_name=_("enterprise"),
    )  # fmt: skip
    plan = models.ForeignKey(
        MonitoringPlan, on_delete=models.PROTECT, related_name="ledger_months",
        verbose_name=_("monitoring plan"),
    )  # fmt: skip
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(1990), MaxValueValidator(2200)]
    )
    month = models.PositiveSmallIntegerField(
        _("month"), validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    state = models.CharField(_("state"), max_length=16, choices=LedgerState.choices())
    #: ``form``, ``workbook`` or ``api``.
    source = models.CharField(_("entered as"), max_length=16)
    entered_at = models.DateTimeField(_("entered"), default=timezone.now, editable=False)
    entered_by = _recorded_by()
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True, editable=False)
    submitted_by = _recorded_by()

    scope_lookups: ClassVar[Mapping[str, str] | None] = _ENTERPRISE_SCOPE

    class Meta:
        verbose_name = _("ledger month")
        verbose_name_plural = _("ledger months")
        ordering = ("enterprise", "-year", "-month")
        constraints = (
            models.UniqueConstraint(
                fields=("enterprise", "year", "month"), name="mrv_ledger_month_once"
            ),
        )

    def __str__(self) -> str:
        return f"{self.enterprise_id}/{self.year}-{self.month:02d}"

    @property
    def key(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


class LedgerEntry(models.Model):
    """One value of a ledger month: facility, source stream, parameter, the value exactly as
    written with its unit, and the evidence reference (lab report, invoice, ticket)."""

    ledger = models.ForeignKey(
        LedgerMonth, on_delete=models.CASCADE, related_name="entries", verbose_name=_("ledger")
    )
    row = models.PositiveIntegerField(_("row"))
    facility = models.CharField(_("facility"), max_length=32, blank=True)
    stream = models.CharField(_("stream"), max_length=40)
    parameter = models.CharField(_("parameter"), max_length=40)
    value = models.CharField(_("value"), max_length=VALUE_MAX_LENGTH)
    unit = models.CharField(_("unit"), max_length=40)
    evidence = models.CharField(_("evidence"), max_length=200, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)

    scope_lookups: ClassVar[Mapping[str, str] | None] = {
        "jurisdiction": "ledger__enterprise__jurisdiction",
        "enterprise": "ledger__enterprise",
    }

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ("ledger", "row")
        constraints = (models.UniqueConstraint(fields=("ledger", "row"), name="mrv_entry_row"),)

    def __str__(self) -> str:
        return f"{self.stream}.{self.parameter} = {self.value} {self.unit}"


class LedgerFinding(models.Model):
    """A warning of the kernel's checks on a submitted month (errors are refused, never
    stored), with its acknowledgement: who, when and why the value stands."""

    ledger = models.ForeignKey(
        LedgerMonth, on_delete=models.CASCADE, related_name="findings", verbose_name=_("ledger")
    )
    entry = models.ForeignKey(
        LedgerEntry, null=True, blank=True, on_delete=models.CASCADE, related_name="findings",
        verbose_name=_("ledger entry"),
    )  # fmt: skip
    code = models.CharField(_("code"), max_length=40)
    severity = models.CharField(_("severity"), max_length=16)
    field = models.CharField(_("field"), max_length=200, blank=True)
    value = models.CharField(_("value"), max_length=200, blank=True)
    stream = models.CharField(_("stream"), max_length=40, blank=True)
    parameter = models.CharField(_("parameter"), max_length=40, blank=True)
    period = models.CharField(_("period"), max_length=10, blank=True)
    params = models.JSONField(_("parameters"), default=dict)
    message = models.CharField(_("message (English)"), max_length=500)
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    acknowledged_by = _recorded_by()
    reason = models.TextField(_("reason"), blank=True)

    scope_lookups: ClassVar[Mapping[str, str] | None] = {
        "jurisdiction": "ledger__enterprise__jurisdiction",
        "enterprise": "ledger__enterprise",
    }

    class Meta:
        verbose_name = _("ledger finding")
        verbose_name_plural = _("ledger findings")
        ordering = ("ledger", "pk")

    def __str__(self) -> str:
        return f"{self.code} ({self.stream}.{self.parameter} {self.period})"


class EvidenceFile(models.Model):
    """A lab report or other evidence uploaded for an enterprise's ledger: checked by its
    content (PDF, PNG, JPEG, XLSX), size-limited, its SHA-256 kept; the same file twice is
    one record."""

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="evidence_files",
        verbose_name=_("enterprise"),
    )  # fmt: skip
    name = models.CharField(_("file name"), max_length=200)
    kind = models.CharField(_("type"), max_length=8)
    size = models.PositiveIntegerField(_("size [bytes]"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    content = models.BinaryField(_("content"), editable=False)
    description = models.CharField(_("description"), max_length=300, blank=True)
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now, editable=False)
    uploaded_by = _recorded_by()

    scope_lookups: ClassVar[Mapping[str, str] | None] = _ENTERPRISE_SCOPE
    audit_exclude: ClassVar[frozenset[str]] = frozenset({"content"})

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ("enterprise", "-uploaded_at")
        constraints = (
            models.UniqueConstraint(fields=("enterprise", "sha256"), name="mrv_evidence_once"),
        )

    def __str__(self) -> str:
        return self.name


class IdempotencyRecord(models.Model):
    """What an API write with an ``Idempotency-Key`` answered, per account and key: the same
    key with the same body is answered the same again, with another body refused (409)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
        verbose_name=_("account"),
    )  # fmt: skip
    key = models.CharField(_("idempotency key"), max_length=200)
    operation = models.CharField(_("operation"), max_length=300)
    body_sha256 = models.CharField(_("SHA-256 of the body"), max_length=64)
    status = models.PositiveSmallIntegerField(_("status"))
    response = models.JSONField(_("response"), default=dict)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    #: Internal: never listed; the push that writes it checks its own permission.
    scope_lookups: ClassVar[Mapping[str, str] | None] = None

    class Meta:
        verbose_name = _("idempotency record")
        verbose_name_plural = _("idempotency records")
        constraints = (
            models.UniqueConstraint(fields=("user", "key"), name="mrv_idempotency_once"),
        )

    def __str__(self) -> str:
        return f"{self.user_id}:{self.key}"


# --- annual reports ---------------------------------------------------------------------------


class AnnualReport(VersionedRecord):
    """An enterprise's annual emission report (年度排放报告), built by the kernel from the
    year's approved plan and its twelve submitted ledger months, each figure with its
    derivation. Draft → (signed off by the responsible person) → submitted, after which it
    never changes; a correction is a new version that supersedes it, with the reason.

    ``figures`` holds the kernel's result as text (exact decimals): ``total``, ``lines`` (per
    stream: source, treatment, CO2e, contribution), ``by_source``, ``derivations``,
    ``outputs``, ``intensity``, ``factor_library``."""

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="annual_reports",
        verbose_name=_("enterprise"),
    )  # fmt: skip
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(1990), MaxValueValidator(2200)]
    )
    plan = models.ForeignKey(
        MonitoringPlan, on_delete=models.PROTECT, related_name="annual_reports",
        verbose_name=_("monitoring plan"),
    )  # fmt: skip
    sector = models.CharField(_("sector guideline"), max_length=40)
    figures = models.JSONField(_("figures"), default=dict)
    #: The calendar's due date when it was submitted, and whether it came after it.
    due_on = models.DateField(_("due"), null=True, blank=True, editable=False)
    late = models.BooleanField(_("submitted late"), default=False, editable=False)

    scope_lookups: ClassVar[Mapping[str, str] | None] = _ENTERPRISE_SCOPE

    class Meta(VersionedRecord.Meta):
        verbose_name = _("annual report")
        verbose_name_plural = _("annual reports")
        ordering = ("enterprise", "-year", "-version")
        constraints = (  # type: ignore[assignment]  # the base's and one more
            *VersionedRecord.Meta.constraints,
            models.UniqueConstraint(
                fields=("enterprise", "year", "version"), name="mrv_report_enterprise_year_version"
            ),
        )

    def __str__(self) -> str:
        return f"{self.enterprise_id}/{self.year} v{self.version}"

    def lifecycle_errors(self, target: str) -> list[Any]:
        """Submitted only while the responsible person's sign-off of this version stands."""
        if target != LifecycleState.SUBMITTED:
            return []
        if self.sign_offs.filter(withdrawn_at__isnull=True).exists():
            return []
        withdrawn = self.sign_offs.exists()
        return [
            ErrorRecord(
                message=_("The sign-off was withdrawn: sign off again before submitting.")
                if withdrawn
                else _("The responsible person has not signed off the report."),
                field="sign_off",
                value="withdrawn" if withdrawn else None,
            )
        ]

    @property
    def total(self) -> Decimal | None:
        text = self.figures.get("total")
        return None if text is None else Decimal(str(text))


class SignOff(models.Model):
    """The responsible person's sign-off of one version of a report; withdrawn with a reason
    before submission (a withdrawn sign-off no longer lets the report be submitted)."""

    report = models.ForeignKey(
        AnnualReport, on_delete=models.CASCADE, related_name="sign_offs",
        verbose_name=_("annual report"),
    )  # fmt: skip
    signed_at = models.DateTimeField(_("signed off"), default=timezone.now, editable=False)
    signed_by = _recorded_by()
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True, editable=False)
    withdrawn_by = _recorded_by()
    reason = models.TextField(_("reason for withdrawing"), blank=True)

    scope_lookups: ClassVar[Mapping[str, str] | None] = {
        "jurisdiction": "report__enterprise__jurisdiction",
        "enterprise": "report__enterprise",
    }

    class Meta:
        verbose_name = _("sign-off")
        verbose_name_plural = _("sign-offs")
        ordering = ("report", "-signed_at", "-pk")

    def __str__(self) -> str:
        return f"{self.report} signed {self.signed_at:%Y-%m-%d}"

    @property
    def stands(self) -> bool:
        return self.withdrawn_at is None


# --- verification -----------------------------------------------------------------------------

_VERIFICATION_SCOPE: dict[str, str] = {
    "jurisdiction": "enterprise__jurisdiction",
    "enterprise": "enterprise",
    "verifier_organisation": "organisation",
}


class AdvisoryRelation(models.Model):
    """A verifier organisation advised (consulted for) an enterprise in these years: it may
    not verify the enterprise (the conflict-of-interest rule)."""

    organisation = models.ForeignKey(
        VerifierOrganisation, on_delete=models.CASCADE, related_name="advisory_relations",
        verbose_name=_("verifier organisation"),
    )  # fmt: skip
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="advisory_relations",
        verbose_name=_("enterprise"),
    )  # fmt: skip
    from_year = models.PositiveSmallIntegerField(_("from year"))
    to_year = models.PositiveSmallIntegerField(_("to year"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now, editable=False)
    recorded_by = _recorded_by()

    scope_lookups: ClassVar[Mapping[str, str] | None] = _VERIFICATION_SCOPE

    class Meta:
        verbose_name = _("advisory relation")
        verbose_name_plural = _("advisory relations")
        ordering = ("organisation", "enterprise", "from_year")

    def __str__(self) -> str:
        return (
            f"{self.organisation_id} → {self.enterprise_id} {self.from_year}–{self.to_year or ''}"
        )


class VerificationAssignment(models.Model):
    """A verifier organisation assigned by the office to verify an enterprise's year (the
    ``primary`` verification, or a ``spot_check`` by a second organisation), and where its
    workflow stands: assigned → planned → documents reviewed → site visited → reported →
    approved (the office; primary only). Each step is dated and attributed."""

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="verification_assignments",
        verbose_name=_("enterprise"),
    )  # fmt: skip
    year = models.PositiveSmallIntegerField(_("year"))
    organisation = models.ForeignKey(
        VerifierOrganisation, on_delete=models.PROTECT, related_name="assignments",
        verbose_name=_("verifier organisation"),
    )  # fmt: skip
    report = models.ForeignKey(
        AnnualReport, on_delete=models.PROTECT, related_name="assignments",
        verbose_name=_("annual report"),
    )  # fmt: skip
    kind = models.CharField(_("kind"), max_length=16, choices=AssignmentKind.choices())
    method = models.CharField(_("assigned"), max_length=16, choices=AssignmentMethod.choices())
    state = models.CharField(
        _("state"), max_length=20, choices=VerificationState.choices(),
        default=VerificationState.ASSIGNED.value,
    )  # fmt: skip
    assigned_at = models.DateTimeField(_("assigned at"), default=timezone.now, editable=False)
    assigned_by = _recorded_by()
    opinion = models.CharField(_("opinion"), max_length=16, choices=Opinion.choices(), blank=True)
    opinion_text = models.TextField(_("opinion"), blank=True)
    verified_tco2e = models.DecimalField(
        _("verified emissions [tCO2e]"), null=True, blank=True, **FIGURE_DIGITS
    )
    reported_at = models.DateTimeField(_("reported"), null=True, blank=True, editable=False)
    reported_by = _recorded_by()
    approved_tco2e = models.DecimalField(
        _("approved emissions [tCO2e]"), null=True, blank=True, **FIGURE_DIGITS
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True, editable=False)
    approved_by = _recorded_by()
    review_note = models.TextField(_("office review"), blank=True)

    scope_lookups: ClassVar[Mapping[str, str] | None] = _VERIFICATION_SCOPE

    class Meta:
        verbose_name = _("verification")
        verbose_name_plural = _("verifications")
        ordering = ("-year", "enterprise", "kind")
        constraints = (
            models.UniqueConstraint(
                fields=("enterprise", "year", "kind"), name="mrv_assignment_once"
            ),
        )

    def __str__(self) -> str:
        return f"{self.enterprise_id}/{self.year} {self.kind} → {self.organisation_id}"


class VerificationStep(models.Model):
    """One step of the workflow done: the verification plan, the document review, the site
    visit — on a day, by whom, with notes."""

    assignment = models.ForeignKey(
        VerificationAssignment, on_delete=models.CASCADE, related_name="steps",
        verbose_name=_("verification"),
    )  # fmt: skip
    step = models.CharField(_("step"), max_length=20, choices=VerificationStepKind.choices())
    done_on = models.DateField(_("on"))
    note = models.TextField(_("note"), blank=True)
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now, editable=False)
    recorded_by = _recorded_by()

    scope_lookups: ClassVar[Mapping[str, str] | None] = {
        "jurisdiction": "assignment__enterprise__jurisdiction",
        "enterprise": "assignment__enterprise",
        "verifier_organisation": "assignment__organisation",
    }

    class Meta:
        verbose_name = _("verification step")
        verbose_name_plural = _("verification steps")
        ordering = ("assignment", "done_on", "pk")
        constraints = (
            models.UniqueConstraint(fields=("assignment", "step"), name="mrv_step_once"),
        )

    def __str__(self) -> str:
        return f"{self.step} {self.done_on}"


class NonConformity(models.Model):
    """A finding (non-conformity) of the verifier: the enterprise's correction, then the
    verifier closing it."""

    assignment = models.ForeignKey(
        VerificationAssignment, on_delete=models.CASCADE, related_name="non_conformities",
        verbose_name=_("verification"),
    )  # fmt: skip
    description = models.TextField(_("description"))
    raised_at = models.DateTimeField(_("raised"), default=timezone.now, editable=False)
    raised_by = _recorded_by()
    correction = models.TextField(_("correction"), blank=True)
    corrected_at = models.DateTimeField(_("corrected"), null=True, blank=True, editable=False)
    corrected_by = _recorded_by()
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True, editable=False)
    closed_by = _recorded_by()

    scope_lookups: ClassVar[Mapping[str, str] | None] = {
        "jurisdiction": "assignment__enterprise__jurisdiction",
        "enterprise": "assignment__enterprise",
        "verifier_organisation": "assignment__organisation",
    }

    class Meta:
        verbose_name = _("non-conformity")
        verbose_name_plural = _("non-conformities")
        ordering = ("assignment", "pk")

    def __str__(self) -> str:
        return self.description[:60]


class VerifiedEmission(models.Model):
    """The verified emissions of one source type in the verifier's report [tCO2e], exact."""

    assignment = models.ForeignKey(
        VerificationAssignment, on_delete=models.CASCADE, related_name="verified_emissions",
        verbose_name=_("verification"),
    )  # fmt: skip
    source = models.CharField(_("source type"), max_length=60)
    tco2e = models.DecimalField(_("verified emissions [tCO2e]"), **FIGURE_DIGITS)

    scope_lookups: ClassVar[Mapping[str, str] | None] = {
        "jurisdiction": "assignment__enterprise__jurisdiction",
        "enterprise": "assignment__enterprise",
        "verifier_organisation": "assignment__organisation",
    }

    class Meta:
        verbose_name = _("verified emissions")
        verbose_name_plural = _("verified emissions")
        ordering = ("assignment", "source")
        constraints = (
            models.UniqueConstraint(fields=("assignment", "source"), name="mrv_verified_once"),
        )

    def __str__(self) -> str:
        return f"{self.source}: {self.tco2e}"


# --- disclosure -------------------------------------------------------------------------------


class Disclosure(VersionedRecord):
    """An enterprise's approved verified emissions of a year made public by the office: the
    figure, the enterprise's sector guideline, from the approved verification. Published, it
    never changes; the public role sees published ones only."""

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="disclosures",
        verbose_name=_("enterprise"),
    )  # fmt: skip
    year = models.PositiveSmallIntegerField(_("year"))
    assignment = models.ForeignKey(
        VerificationAssignment, on_delete=models.PROTECT, related_name="disclosures",
        verbose_name=_("verification"),
    )  # fmt: skip
    sector = models.CharField(_("sector guideline"), max_length=40)
    tco2e = models.DecimalField(_("verified emissions [tCO2e]"), **FIGURE_DIGITS)

    scope_lookups: ClassVar[Mapping[str, str] | None] = _ENTERPRISE_SCOPE

    class Meta(VersionedRecord.Meta):
        verbose_name = _("disclosure")
        verbose_name_plural = _("disclosures")
        ordering = ("-year", "enterprise")

    def __str__(self) -> str:
        return f"{self.enterprise_id}/{self.year}: {self.tco2e}"
