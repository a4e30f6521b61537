"""The compliance calendar, monitoring plans, monthly ledgers (entries, findings), evidence files
and the idempotency records of pushed ledgers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from citycarbon.server.common.choices import LifecycleState
from citycarbon.server.common.models import VersionedRecord
from citycarbon.server.mrv.choices import (
    LedgerState,
)
from citycarbon.server.mrv.models._common import _ENTERPRISE_SCOPE, _recorded_by, enterprise_label
from citycarbon.server.mrv.models.register import Enterprise

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
        return f"{enterprise_label(self.enterprise)} {self.year} v{self.version}"

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
        return f"{enterprise_label(self.enterprise)} {self.year}-{self.month:02d}"

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
