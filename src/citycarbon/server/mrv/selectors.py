"""Read queries of the MRV app, always scoped to what the user may see (``common.selectors.
scoped``), and the read-side rules: the coverage thresholds in force, whether a verifier may
verify an enterprise on a day, what an enterprise owes on a day.

Functions marked *unscoped* read on behalf of the system (the services' checks, the scope
expansion); they never hand rows to a user directly.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from citycarbon.accounting.sectors import sectors as kernel_sectors
from citycarbon.server.common.choices import LifecycleState, localised
from citycarbon.server.common.errors import NotFoundError
from citycarbon.server.common.models import RoleAssignment
from citycarbon.server.common.selectors import AnyUser, can, get_visible, perm_for, scoped
from citycarbon.server.geo.models import Jurisdiction
from citycarbon.server.inventory import selectors as inventory_selectors
from citycarbon.server.mrv.choices import EnterpriseStatus, MrvScopeKind
from citycarbon.server.mrv.coverage import DEFAULT_RULES, Thresholds
from citycarbon.server.mrv.deadlines import (
    CalendarDates,
    Deadline,
    deadlines,
    is_required,
    reminder_dates,
    standing,
)
from citycarbon.server.mrv.eligibility import AccreditationSpan, SanctionSpan, refusals
from citycarbon.server.mrv.models import (
    Accreditation,
    AnnualReport,
    ComplianceCalendar,
    Contact,
    CoverageRule,
    Disclosure,
    Enterprise,
    EvidenceFile,
    Facility,
    LedgerEntry,
    LedgerFinding,
    LedgerMonth,
    MonitoringPlan,
    NonConformity,
    PerformanceEntry,
    Sanction,
    ScreeningProposal,
    ScreeningRun,
    SignOff,
    StatusChange,
    VerificationAssignment,
    VerificationStep,
    VerifiedEmission,
    VerifierOrganisation,
    VerifierStaff,
)
from citycarbon.server.mrv.reconcile import reconcile

__all__ = [
    "EnterpriseFilter",
    "Obligation",
    "acknowledgements_of",
    "active_span",
    "approved_plan",
    "calendar",
    "calendar_dates",
    "calendars",
    "can_verify",
    "coverage_rule_list",
    "coverage_rules",
    "disclosure_table",
    "disclosures",
    "enterprise",
    "enterprises",
    "entries_of",
    "evidence_file",
    "evidence_of",
    "findings_of",
    "ledger_finding",
    "ledger_month",
    "ledger_months",
    "ledger_months_one",
    "non_conformities_of",
    "obligations",
    "plan",
    "plan_versions",
    "plans_of",
    "reconciliation",
    "reconciliation_root",
    "report",
    "reports_of",
    "screening_run",
    "screening_runs",
    "sector_choices",
    "sign_offs_of",
    "steps_of",
    "verification_of",
    "verification_refusals",
    "verifications",
    "verified_of",
    "verifier_organisation",
    "verifier_organisations",
]


# --- scopes (unscoped: the scope registry expands and describes ids) --------------------------


def enterprise_ids(pk: int) -> frozenset[int]:
    """An ``enterprise`` scope covers that enterprise (empty when there is none)."""
    return frozenset(Enterprise.objects.filter(pk=pk).values_list("pk", flat=True))


def describe_enterprise(pk: int) -> str:
    found = Enterprise.objects.filter(pk=pk).first()
    return found.name if found is not None else f"#{pk}"


def organisation_ids(pk: int) -> frozenset[int]:
    return frozenset(VerifierOrganisation.objects.filter(pk=pk).values_list("pk", flat=True))


def describe_organisation(pk: int) -> str:
    found = VerifierOrganisation.objects.filter(pk=pk).first()
    return found.name if found is not None else f"#{pk}"


# --- sector guidelines (the kernel's) ---------------------------------------------------------


def sector_choices() -> list[tuple[str, str]]:
    """Every sector guideline of ``citycarbon.accounting`` as (id, name in the active
    language), in the order of the three NDRC batches."""
    return [(key, localised(item.name_zh, item.name_en)) for key, item in kernel_sectors().items()]


def sector_names() -> dict[str, str]:
    return dict(sector_choices())


# --- the register -----------------------------------------------------------------------------


@dataclass(frozen=True)
class EnterpriseFilter:
    """What the enterprise list filters on (all optional; ``q`` searches names and codes)."""

    jurisdiction: str = ""
    sector: str = ""
    status: str = ""
    q: str = ""

    def apply(self, qs: QuerySet[Enterprise]) -> QuerySet[Enterprise]:
        if self.jurisdiction:
            place = Jurisdiction.objects.filter(code=self.jurisdiction).first()
            if place is None:
                return qs.none()
            from citycarbon.server.geo.selectors import subtree_ids

            qs = qs.filter(jurisdiction__in=sorted(subtree_ids(place.pk)))
        if self.sector:
            qs = qs.filter(sectors__sector=self.sector)
        if self.status:
            qs = qs.filter(status=self.status)
        if self.q:
            qs = qs.filter(
                Q(name_zh__icontains=self.q)
                | Q(name_en__icontains=self.q)
                | Q(credit_code__icontains=self.q)
            )
        return qs


def _enterprise_base() -> QuerySet[Enterprise]:
    return Enterprise.objects.select_related("jurisdiction").prefetch_related("sectors")


def enterprises(
    user: AnyUser | None, filters: EnterpriseFilter | None = None
) -> QuerySet[Enterprise]:
    """The enterprises ``user`` may see, filtered, by name."""
    qs = scoped(_enterprise_base(), user)
    if filters is not None:
        qs = filters.apply(qs)
    return qs.order_by("name_zh", "credit_code")


def enterprise(user: AnyUser | None, credit_code: str) -> Enterprise:
    """One enterprise the user may see, by credit code (404 otherwise)."""
    return get_visible(_enterprise_base(), user, "credit_code", credit_code)


def facilities_of(item: Enterprise) -> QuerySet[Facility]:
    """The facilities of an enterprise the caller has already fetched through
    :func:`enterprise`."""
    return Facility.objects.filter(enterprise=item).order_by("code")


def contacts_of(item: Enterprise) -> QuerySet[Contact]:
    return Contact.objects.filter(enterprise=item).order_by("function", "name", "pk")


def status_history(item: Enterprise) -> QuerySet[StatusChange]:
    """The status history of a fetched enterprise, oldest first, with the successors."""
    return (
        StatusChange.objects.filter(enterprise=item)
        .prefetch_related(
            Prefetch("successors", queryset=Enterprise.objects.order_by("name_zh", "credit_code"))
        )
        .select_related("recorded_by")
        .order_by("effective_on", "pk")
    )


def predecessors_of(
    user: AnyUser | None, item: Enterprise
) -> list[tuple[Enterprise, StatusChange]]:
    """The enterprises that merged into or split into ``item`` (those the user may see),
    with the change that says so."""
    changes = (
        StatusChange.objects.filter(successors=item)
        .select_related("enterprise", "enterprise__jurisdiction")
        .order_by("effective_on", "pk")
    )
    visible = set(
        scoped(Enterprise.objects.all(), user)
        .filter(pk__in=[change.enterprise_id for change in changes])
        .values_list("pk", flat=True)
    )
    return [(change.enterprise, change) for change in changes if change.enterprise_id in visible]


def visible_names(user: AnyUser | None, ids: Iterable[int]) -> set[int]:
    """Which of the enterprise ids the user may see."""
    return set(
        scoped(Enterprise.objects.filter(pk__in=list(ids)), user).values_list("pk", flat=True)
    )


def role_assignments_of(user: AnyUser | None, item: Enterprise) -> list[RoleAssignment]:
    """Who holds a role over the enterprise — for those who may see role assignments (the
    office); empty for everyone else."""
    if not can(user, perm_for(RoleAssignment, "view")):
        return []
    return list(
        RoleAssignment.objects.filter(scope_kind=MrvScopeKind.ENTERPRISE.value, scope_id=item.pk)
        .select_related("user")
        .order_by("role", "user__username")
    )


def entry_jurisdictions(user: AnyUser | None) -> list[Jurisdiction]:
    """The jurisdictions in which ``user`` may register enterprises."""
    from citycarbon.server.geo.selectors import jurisdictions

    return [
        place
        for place in jurisdictions(user)
        if can(user, perm_for(Enterprise, "add"), Enterprise(jurisdiction=place))
    ]


def status_counts(user: AnyUser | None) -> dict[str, int]:
    rows = scoped(Enterprise.objects.all(), user).values("status").annotate(n=Count("pk"))
    found = {row["status"]: row["n"] for row in rows}
    return {status.value: found.get(status.value, 0) for status in EnterpriseStatus}


def active_span(item: Enterprise) -> tuple[date | None, date | None]:
    """When the enterprise entered the register (its first ``active`` status) and when it
    stopped (its status date, when it is no longer active)."""
    first = (
        StatusChange.objects.filter(enterprise=item, status=EnterpriseStatus.ACTIVE)
        .order_by("effective_on", "pk")
        .values_list("effective_on", flat=True)
        .first()
    )
    until = None if item.is_active else item.status_since
    return first, until


# --- coverage thresholds ----------------------------------------------------------------------


def coverage_rule_list(user: AnyUser | None) -> QuerySet[CoverageRule]:
    return scoped(CoverageRule.objects.all(), user).order_by("valid_from_year")


def coverage_rules() -> tuple[Thresholds, ...]:
    """*Unscoped.* The thresholds in force: the office's rules, or the default when it has
    set none."""
    rules = tuple(
        Thresholds(rule.valid_from_year, rule.energy_tce, rule.emissions_tco2e)
        for rule in CoverageRule.objects.order_by("valid_from_year")
    )
    return rules or DEFAULT_RULES


def rules_data(rules: Iterable[Thresholds]) -> list[dict[str, Any]]:
    return [
        {
            "valid_from_year": rule.valid_from_year,
            "energy_tce": str(rule.energy_tce),
            "emissions_tco2e": str(rule.emissions_tco2e),
        }
        for rule in rules
    ]


# --- screening --------------------------------------------------------------------------------


def _runs() -> QuerySet[ScreeningRun]:
    return ScreeningRun.objects.select_related("created_by", "jurisdiction").annotate(
        proposal_count=Count("proposals"),
        pending_count=Count("proposals", filter=Q(proposals__decision="pending")),
    )


def screening_runs(user: AnyUser | None) -> QuerySet[ScreeningRun]:
    """The screening runs the user may see, newest first, with their proposal counts."""
    return scoped(_runs(), user).order_by("-created_at", "-pk")


def screening_run(user: AnyUser | None, pk: Any) -> ScreeningRun:
    return get_visible(_runs(), user, "pk", pk)


def proposals_of(run: ScreeningRun) -> QuerySet[ScreeningProposal]:
    return (
        ScreeningProposal.objects.filter(run=run)
        .select_related("jurisdiction", "enterprise", "decided_by")
        .order_by("credit_code")
    )


def proposal(user: AnyUser | None, pk: Any) -> ScreeningProposal:
    return get_visible(
        ScreeningProposal.objects.select_related("run", "jurisdiction", "enterprise"),
        user,
        "pk",
        pk,
    )


# --- verifier organisations -------------------------------------------------------------------


def verifier_organisations(user: AnyUser | None) -> QuerySet[VerifierOrganisation]:
    return (
        scoped(VerifierOrganisation.objects.select_related("jurisdiction"), user)
        .prefetch_related(
            Prefetch(
                "accreditations", queryset=Accreditation.objects.order_by("-valid_from", "pk")
            ),
            Prefetch("sanctions", queryset=Sanction.objects.order_by("-effective_from", "-pk")),
        )
        .annotate(staff_count=Count("staff", filter=Q(staff__left_on__isnull=True), distinct=True))
        .order_by("name_zh", "credit_code")
    )


def verifier_organisation(user: AnyUser | None, credit_code: str) -> VerifierOrganisation:
    return get_visible(
        VerifierOrganisation.objects.select_related("jurisdiction"),
        user,
        "credit_code",
        credit_code,
    )


def accreditations_of(item: VerifierOrganisation) -> QuerySet[Accreditation]:
    return Accreditation.objects.filter(organisation=item).order_by("-valid_from", "pk")


def staff_of(item: VerifierOrganisation) -> QuerySet[VerifierStaff]:
    return (
        VerifierStaff.objects.filter(organisation=item)
        .select_related("user")
        .order_by("left_on", "name", "pk")
    )


def performance_of(item: VerifierOrganisation) -> QuerySet[PerformanceEntry]:
    return (
        PerformanceEntry.objects.filter(organisation=item)
        .select_related("enterprise")
        .order_by("-occurred_on", "-pk")
    )


def sanctions_of(item: VerifierOrganisation) -> QuerySet[Sanction]:
    return Sanction.objects.filter(organisation=item).order_by("-effective_from", "-pk")


def _spans(
    accreditations: Iterable[Accreditation], sanctions: Iterable[Sanction]
) -> tuple[list[AccreditationSpan], list[SanctionSpan]]:
    return (
        [AccreditationSpan(a.valid_from, a.valid_to, frozenset(a.sectors)) for a in accreditations],
        [SanctionSpan(s.kind, s.effective_from, s.effective_to) for s in sanctions],
    )


def verification_refusals(
    organisation: VerifierOrganisation, item: Enterprise, on: date
) -> list[tuple[str, tuple[str, ...]]]:
    """*Unscoped.* Why ``organisation`` may not verify ``item`` on ``on`` (empty: it may):
    ``removed``, ``suspended``, ``not_accredited``, ``out_of_scope`` (with the sector
    guidelines its valid accreditations do not cover)."""
    accreditations, sanctions = _spans(
        Accreditation.objects.filter(organisation=organisation),
        Sanction.objects.filter(organisation=organisation),
    )
    sectors = item.sectors.values_list("sector", flat=True)
    return refusals(sectors, accreditations, sanctions, on)


def can_verify(organisation: VerifierOrganisation, item: Enterprise, on_date: date) -> bool:
    """*Unscoped.* Whether the organisation may verify the enterprise on the day: a valid
    accreditation covering the enterprise's sector guidelines, and neither suspended nor
    removed."""
    return not verification_refusals(organisation, item, on_date)


def eligible_today(organisation: VerifierOrganisation, on: date) -> bool:
    """Whether the organisation holds a valid accreditation and no suspension or removal
    (from its prefetched accreditations and sanctions)."""
    accreditations, sanctions = _spans(
        organisation.accreditations.all(), organisation.sanctions.all()
    )
    return not refusals((), accreditations, sanctions, on)


# --- the compliance calendar ------------------------------------------------------------------


def calendars(user: AnyUser | None) -> QuerySet[ComplianceCalendar]:
    return scoped(ComplianceCalendar.objects.select_related("updated_by"), user).order_by("-year")


def calendar(user: AnyUser | None, year: int) -> ComplianceCalendar:
    return get_visible(ComplianceCalendar.objects.all(), user, "year", year)


def calendar_dates(item: ComplianceCalendar) -> CalendarDates:
    return CalendarDates(
        year=item.year,
        monitoring_plan_due=item.monitoring_plan_due,
        ledger_due_day=item.ledger_due_day,
        annual_report_due=item.annual_report_due,
        verification_due=item.verification_due,
        approval_due=item.approval_due,
        reminder_days=tuple(item.reminder_days),
    )


@dataclass(frozen=True)
class Obligation:
    """A deadline of an enterprise and where it stands on the day asked about."""

    deadline: Deadline
    standing: str
    reminders: tuple[date, ...]
    days_left: int


def done_keys(item: Enterprise, years: Iterable[int]) -> frozenset[str]:
    """*Unscoped.* The deadlines the enterprise has met (``Deadline.key``), read from its
    records: the year's plan approved (``monitoring_plan:2015``), each month's ledger submitted
    with its warnings acknowledged (``ledger:2015-03``), the annual report submitted
    (``annual_report:2015``), the verification reported (``verification:2015``) and its
    figure approved (``approval:2015``)."""
    wanted = sorted(set(years))
    if not wanted:
        return frozenset()
    keys: set[str] = set()
    for year in MonitoringPlan.objects.filter(
        enterprise=item, year__in=wanted, state=LifecycleState.APPROVED
    ).values_list("year", flat=True):
        keys.add(f"monitoring_plan:{year}")
    for year, month in LedgerMonth.objects.filter(
        enterprise=item, year__in=wanted, state="submitted"
    ).values_list("year", "month"):
        keys.add(f"ledger:{year:04d}-{month:02d}")
    for year in AnnualReport.objects.filter(
        enterprise=item, year__in=wanted, state=LifecycleState.SUBMITTED
    ).values_list("year", flat=True):
        keys.add(f"annual_report:{year}")
    for year, state in VerificationAssignment.objects.filter(
        enterprise=item, year__in=wanted, kind="primary", state__in=("reported", "approved")
    ).values_list("year", "state"):
        keys.add(f"verification:{year}")
        if state == "approved":
            keys.add(f"approval:{year}")
    return frozenset(keys)


def obligations(
    user: AnyUser | None, item: Enterprise, on: date, *, year: int | None = None
) -> list[Obligation]:
    """Every deadline of the calendars the user may see (or of ``year``) for a fetched
    enterprise, with where each stands on ``on``, by due date."""
    qs = calendars(user)
    if year is not None:
        qs = qs.filter(year=year)
    found = list(qs.order_by("year"))
    active_from, active_until = active_span(item)
    done = done_keys(item, [c.year for c in found])
    result: list[Obligation] = []
    for entry in found:
        dates = calendar_dates(entry)
        for deadline in deadlines(dates):
            required = is_required(deadline, active_from, active_until)
            result.append(
                Obligation(
                    deadline=deadline,
                    standing=standing(
                        deadline,
                        on,
                        dates.reminder_days,
                        done=deadline.key in done,
                        required=required,
                    ),
                    reminders=tuple(reminder_dates(deadline, dates.reminder_days)),
                    days_left=(deadline.due - on).days,
                )
            )
    return sorted(result, key=lambda o: (o.deadline.due, o.deadline.key))


def decimal_or_none(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


# --- monitoring plans -------------------------------------------------------------------------


def _plan_base() -> QuerySet[MonitoringPlan]:
    return MonitoringPlan.objects.select_related(
        "enterprise", "created_by", "submitted_by", "approved_by"
    )


def plans_of(user: AnyUser | None, item: Enterprise) -> QuerySet[MonitoringPlan]:
    """Every version of the fetched enterprise's plans the user may see, latest year and
    version first."""
    return scoped(_plan_base().filter(enterprise=item), user).order_by("-year", "-version")


def plan_versions(user: AnyUser | None, item: Enterprise, year: int) -> list[MonitoringPlan]:
    """The versions of one year's plan, newest first."""
    return list(plans_of(user, item).filter(year=year))


def plan(
    user: AnyUser | None, item: Enterprise, year: int, version: int | None = None
) -> MonitoringPlan:
    """The latest version (or ``version``) of the year's plan the user may see (404 else)."""
    qs = plans_of(user, item).filter(year=year)
    if version is not None:
        qs = qs.filter(version=version)
    found = qs.first()
    if found is None:
        raise NotFoundError(
            _("No monitoring plan of %(code)s for %(year)s.")
            % {"code": item.credit_code, "year": year},
            field="year",
            value=year,
        )
    return found


def latest_plan_year(item: Enterprise, year: int) -> MonitoringPlan | None:
    """*Unscoped.* The newest version of the year's plan (for the services' checks)."""
    return MonitoringPlan.objects.filter(enterprise=item, year=year).order_by("-version").first()


# --- the monthly ledger -----------------------------------------------------------------------


def ledger_months(user: AnyUser | None, item: Enterprise, year: int) -> list[LedgerMonth]:
    """The fetched enterprise's ledger months of ``year`` the user may see, by month."""
    qs = LedgerMonth.objects.filter(enterprise=item, year=year).select_related(
        "enterprise", "plan", "entered_by", "submitted_by"
    )
    return list(
        scoped(qs, user)
        .annotate(
            rows=Count("entries", distinct=True),
            pending=Count(
                "findings", filter=Q(findings__acknowledged_at__isnull=True), distinct=True
            ),
        )
        .order_by("month")
    )


def ledger_month(user: AnyUser | None, item: Enterprise, year: int, month: int) -> LedgerMonth:
    """One month's ledger the user may see (404 else)."""
    found = (
        scoped(
            LedgerMonth.objects.select_related("enterprise", "plan", "entered_by", "submitted_by"),
            user,
        )
        .filter(enterprise=item, year=year, month=month)
        .first()
    )
    if found is None:
        raise NotFoundError(
            _("No ledger of %(code)s for %(month)s.")
            % {"code": item.credit_code, "month": f"{year:04d}-{month:02d}"},
            field="month",
            value=f"{year:04d}-{month:02d}",
        )
    return found


def entries_of(month: LedgerMonth) -> QuerySet[LedgerEntry]:
    """The rows of a fetched ledger month."""
    return LedgerEntry.objects.filter(ledger=month).order_by("row")


def findings_of(month: LedgerMonth) -> QuerySet[LedgerFinding]:
    """The warnings of a fetched ledger month, with their acknowledgements."""
    return (
        LedgerFinding.objects.filter(ledger=month)
        .select_related("entry", "acknowledged_by")
        .order_by("pk")
    )


def ledger_finding(user: AnyUser | None, item: Enterprise, pk: int) -> LedgerFinding:
    """One warning of the fetched enterprise's ledger the user may see (404 else)."""
    found = (
        scoped(LedgerFinding.objects.select_related("ledger"), user)
        .filter(ledger__enterprise=item, pk=pk)
        .first()
    )
    if found is None:
        raise NotFoundError(_("No such warning."), field="finding_id", value=pk)
    return found


def evidence_of(user: AnyUser | None, item: Enterprise) -> QuerySet[EvidenceFile]:
    """The fetched enterprise's evidence files the user may see (without their content)."""
    return (
        scoped(EvidenceFile.objects.filter(enterprise=item), user)
        .defer("content")
        .select_related("uploaded_by")
        .order_by("-uploaded_at", "-pk")
    )


def evidence_file(user: AnyUser | None, item: Enterprise, pk: int) -> EvidenceFile:
    found = scoped(EvidenceFile.objects.filter(enterprise=item), user).filter(pk=pk).first()
    if found is None:
        raise NotFoundError(_("No such evidence file."), field="evidence_id", value=pk)
    return found


def ledger_months_one(
    user: AnyUser | None, item: Enterprise, year: int, month: int
) -> LedgerMonth | None:
    """The month's ledger the user may see, or ``None``."""
    return (
        scoped(LedgerMonth.objects.select_related("plan", "entered_by", "submitted_by"), user)
        .filter(enterprise=item, year=year, month=month)
        .first()
    )


def approved_plan(user: AnyUser | None, item: Enterprise, year: int) -> MonitoringPlan | None:
    """The latest approved version of the year's plan the user may see, or ``None``."""
    return (
        plans_of(user, item)
        .filter(year=year, state=LifecycleState.APPROVED)
        .order_by("-version")
        .first()
    )


# --- annual reports ---------------------------------------------------------------------------


def reports_of(user: AnyUser | None, item: Enterprise) -> QuerySet[AnnualReport]:
    """Every version of the fetched enterprise's annual reports the user may see, latest year
    and version first."""
    qs = AnnualReport.objects.filter(enterprise=item).select_related(
        "enterprise", "plan", "created_by", "submitted_by"
    )
    return scoped(qs, user).order_by("-year", "-version")


def report(
    user: AnyUser | None, item: Enterprise, year: int, version: int | None = None
) -> AnnualReport:
    """The latest version (or ``version``) of the year's report the user may see (404)."""
    qs = reports_of(user, item).filter(year=year)
    if version is not None:
        qs = qs.filter(version=version)
    found = qs.first()
    if found is None:
        raise NotFoundError(
            _("No annual report of %(code)s for %(year)s.")
            % {"code": item.credit_code, "year": year},
            field="year",
            value=year,
        )
    return found


def sign_offs_of(record: AnnualReport) -> QuerySet[SignOff]:
    """The sign-offs of a fetched report version, newest first."""
    return (
        SignOff.objects.filter(report=record)
        .select_related("signed_by", "withdrawn_by")
        .order_by("-signed_at", "-pk")
    )


# --- verification -----------------------------------------------------------------------------


def verifications(
    user: AnyUser | None, year: int | None = None
) -> QuerySet[VerificationAssignment]:
    """The verifications the user may see (a verifier: its organisation's), by year and
    enterprise."""
    qs = VerificationAssignment.objects.select_related(
        "enterprise", "organisation", "report", "assigned_by", "reported_by", "approved_by"
    )
    if year is not None:
        qs = qs.filter(year=year)
    return scoped(qs, user).order_by("-year", "enterprise__credit_code", "kind")


def verification_of(
    user: AnyUser | None, credit_code: str, year: int
) -> list[VerificationAssignment]:
    """The verifications (primary, spot check) of an enterprise's year the user may see;
    404 when none."""
    found = list(verifications(user, year).filter(enterprise__credit_code=credit_code))
    if not found:
        raise NotFoundError(_("No such verification."), field="year", value=year)
    return found


def steps_of(record: VerificationAssignment) -> QuerySet[VerificationStep]:
    return VerificationStep.objects.filter(assignment=record).select_related("recorded_by")


def non_conformities_of(record: VerificationAssignment) -> QuerySet[NonConformity]:
    return NonConformity.objects.filter(assignment=record).select_related(
        "raised_by", "corrected_by", "closed_by"
    )


def verified_of(record: VerificationAssignment) -> QuerySet[VerifiedEmission]:
    return VerifiedEmission.objects.filter(assignment=record).order_by("source")


def acknowledgements_of(item: Enterprise, year: int) -> QuerySet[LedgerFinding]:
    """*Unscoped (the caller fetched the verification).* The year's acknowledged warnings,
    which the verifier and the office see."""
    return (
        LedgerFinding.objects.filter(ledger__enterprise=item, ledger__year=year)
        .select_related("ledger", "entry", "acknowledged_by")
        .order_by("ledger__month", "pk")
    )


# --- disclosure and reconciliation ------------------------------------------------------------


def disclosures(user: AnyUser | None, year: int | None = None) -> QuerySet[Disclosure]:
    """The disclosures the user may see (the public: published ones), by year and enterprise."""
    qs = Disclosure.objects.select_related("enterprise", "enterprise__jurisdiction")
    if year is not None:
        qs = qs.filter(year=year)
    return scoped(qs, user).order_by("-year", "enterprise__credit_code", "-version")


def disclosure_table(user: AnyUser | None, year: int | None = None) -> list[dict[str, Any]]:
    """Each enterprise's published figure of the year (or the latest) with its sector and
    trend: every year's figure the user may see, oldest first."""
    rows = list(disclosures(user))
    series: dict[int, dict[int, Decimal]] = {}
    for row in rows:
        series.setdefault(row.enterprise_id, {}).setdefault(row.year, row.tco2e)
    chosen: dict[int, Disclosure] = {}
    for row in rows:
        if year is not None and row.year != year:
            continue
        chosen.setdefault(row.enterprise_id, row)
    out = []
    for row in sorted(chosen.values(), key=lambda r: (r.sector, r.enterprise.credit_code)):
        trend = sorted(series[row.enterprise_id].items())
        previous = [v for y, v in trend if y < row.year]
        out.append(
            {
                "item": row,
                "trend": trend,
                "change": None
                if not previous or previous[-1] == 0
                else (row.tco2e - previous[-1]) / previous[-1],
            }
        )
    return out


def reconciliation(user: AnyUser | None, root: Jurisdiction, year: int) -> list[dict[str, Any]]:
    """For the jurisdiction and each of its sub-jurisdictions: the enterprises' approved
    verified emissions by source, against the inventory's direct emissions by sector of that
    year (``inventory.selectors.current_runs``), as :func:`reconcile.reconcile` lines."""
    places = [root, *Jurisdiction.objects.filter(parent=root).order_by("sort_order", "code")]
    verified_rows = (
        scoped(VerifiedEmission.objects.all(), user)
        .filter(
            assignment__year=year,
            assignment__kind="primary",
            assignment__state="approved",
        )
        .values_list(
            "assignment__enterprise__jurisdiction_id",
            "assignment__enterprise__credit_code",
            "source",
            "tco2e",
        )
    )
    by_place: dict[int, list[tuple[str, str, Decimal]]] = {}
    for place_id, code, source, tco2e in verified_rows:
        by_place.setdefault(place_id, []).append((code, source, tco2e))
    out = []
    for place in places:
        mine = list(by_place.get(place.pk, []))
        if place.pk == root.pk:  # the root sums its sub-jurisdictions' enterprises as well
            for other in places[1:]:
                mine += by_place.get(other.pk, [])
        run = inventory_selectors.current_runs(user, place).get(year)
        inventory = None
        if run is not None:
            inventory = {
                k: float(v) for k, v in ((run.summary or {}).get("by_sector_tco2e") or {}).items()
            }
        out.append({"jurisdiction": place, "run": run, "lines": reconcile(mine, inventory)})
    return out


def reconciliation_root(code: str) -> Jurisdiction:
    """*Unscoped (a jurisdiction's code and name are public; the figures are scoped).* The
    jurisdiction to reconcile, by code (404 else)."""
    found = Jurisdiction.objects.filter(code=code).first()
    if found is None:
        raise NotFoundError(_("No such jurisdiction."), field="jurisdiction", value=code)
    return found
