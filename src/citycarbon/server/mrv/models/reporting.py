"""Annual reports and sign-offs, verification (advisory relations, assignments, steps,
non-conformities, verified emissions) and disclosure."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, ClassVar

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from citycarbon.server.common.choices import LifecycleState
from citycarbon.server.common.errors import ErrorRecord
from citycarbon.server.common.models import VersionedRecord
from citycarbon.server.mrv.choices import (
    AssignmentKind,
    AssignmentMethod,
    Opinion,
    VerificationState,
    VerificationStepKind,
)
from citycarbon.server.mrv.models._common import (
    _ENTERPRISE_SCOPE,
    FIGURE_DIGITS,
    _recorded_by,
    enterprise_label,
)
from citycarbon.server.mrv.models.monitoring import MonitoringPlan
from citycarbon.server.mrv.models.register import Enterprise
from citycarbon.server.mrv.models.verifiers import VerifierOrganisation

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
        return f"{enterprise_label(self.enterprise)} {self.year} v{self.version}"

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
            f"{self.organisation.credit_code} → {enterprise_label(self.enterprise)} "
            f"{self.from_year}–{self.to_year or ''}"
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
    #: The day the office entered for the assignment (``assigned_at`` is when it was recorded).
    assigned_on = models.DateField(_("assigned on"), null=True, blank=True)
    assigned_at = models.DateTimeField(_("assigned at"), default=timezone.now, editable=False)
    assigned_by = _recorded_by()
    opinion = models.CharField(_("opinion"), max_length=16, choices=Opinion.choices(), blank=True)
    opinion_text = models.TextField(_("opinion"), blank=True)
    verified_tco2e = models.DecimalField(
        _("verified emissions [tCO2e]"), null=True, blank=True, **FIGURE_DIGITS
    )
    #: The verification report's date as the verifier entered it (``reported_at``: recorded).
    reported_on = models.DateField(_("report date"), null=True, blank=True)
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
        return f"{enterprise_label(self.enterprise)} {self.year} {self.kind}"


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
        return f"{self.assignment} {self.step} {self.done_on}"


class NonConformity(models.Model):
    """A finding (non-conformity) of the verifier: the enterprise's correction, then the
    verifier closing it."""

    assignment = models.ForeignKey(
        VerificationAssignment, on_delete=models.CASCADE, related_name="non_conformities",
        verbose_name=_("verification"),
    )  # fmt: skip
    description = models.TextField(_("description"))
    #: The days entered for raising, correcting and closing it (``*_at``: when recorded).
    raised_on = models.DateField(_("raised on"), null=True, blank=True)
    raised_at = models.DateTimeField(_("raised"), default=timezone.now, editable=False)
    raised_by = _recorded_by()
    correction = models.TextField(_("correction"), blank=True)
    corrected_on = models.DateField(_("corrected on"), null=True, blank=True)
    corrected_at = models.DateTimeField(_("corrected"), null=True, blank=True, editable=False)
    corrected_by = _recorded_by()
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
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
        return f"{enterprise_label(self.enterprise)} {self.year} v{self.version}"
