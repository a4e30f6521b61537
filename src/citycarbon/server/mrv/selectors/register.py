"""Reads of the register: scopes, sector guidelines, enterprises (filters, facilities, contacts,
status history, roles), coverage thresholds, screening runs and verifier organisations (with
whether one may verify an enterprise)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from citycarbon.accounting.sectors import sectors as kernel_sectors
from citycarbon.server.common.choices import localised
from citycarbon.server.common.errors import Attempt, NotFoundError
from citycarbon.server.common.models import RoleAssignment
from citycarbon.server.common.selectors import (
    AnyUser,
    can,
    get_visible,
    grants_for,
    perm_for,
    scoped,
)
from citycarbon.server.geo.models import Jurisdiction
from citycarbon.server.mrv.choices import EnterpriseStatus, MrvAction, MrvScopeKind
from citycarbon.server.mrv.coverage import DEFAULT_RULES, Thresholds
from citycarbon.server.mrv.eligibility import AccreditationSpan, SanctionSpan, refusals
from citycarbon.server.mrv.models import (
    Accreditation,
    Contact,
    CoverageRule,
    Enterprise,
    Facility,
    PerformanceEntry,
    Sanction,
    ScreeningProposal,
    ScreeningRun,
    StatusChange,
    VerifierOrganisation,
    VerifierStaff,
)

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
    """One enterprise the user may see, by credit code (404 otherwise). An enterprise account
    refused another enterprise's data gets the same 404, marked as an attempt to audit
    (:func:`foreign_enterprise`)."""
    try:
        return get_visible(_enterprise_base(), user, "credit_code", credit_code)
    except NotFoundError as error:
        attempt = foreign_enterprise(user, credit_code)
        if attempt is not None:
            error.attempting(attempt)
        raise


def enterprise_without_sectors(user: AnyUser | None, credit_code: str) -> Enterprise:
    """:func:`enterprise` (the same refusals) without its sector guidelines and jurisdiction
    read along: for the reads of what hangs on it (plans, ledgers, evidence, reports,
    obligations), which need only the row and the check that the user may see it — one
    query instead of two."""
    try:
        return get_visible(Enterprise.objects.all(), user, "credit_code", credit_code)
    except NotFoundError as error:
        attempt = foreign_enterprise(user, credit_code)
        if attempt is not None:
            error.attempting(attempt)
        raise


def foreign_enterprise(user: AnyUser | None, credit_code: str) -> Attempt | None:
    """*Unscoped.* The attempt to audit when an enterprise account (one holding a role over
    an enterprise) reaches for the data of an enterprise that exists but is not its own:
    ``mrv.refused``, ``read``, the enterprise by its credit code. ``None`` for anyone else (a
    district official's, a verifier's or the public's 404 is an ordinary one) and for a code
    that names no enterprise (nothing of anyone's was reached)."""
    grants = grants_for(user)
    if not any(grant.scope_kind == MrvScopeKind.ENTERPRISE.value for grant in grants):
        return None
    found = Enterprise.objects.filter(credit_code=str(credit_code)).only("pk", "name_zh").first()
    if found is None or scoped(Enterprise.objects.filter(pk=found.pk), user).exists():
        return None
    return Attempt(
        MrvAction.REFUSED.value,
        "read",
        Enterprise._meta.label_lower,
        str(credit_code),
        f"{credit_code} {found.name_zh}",
    )


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
        .order_by("credit_code", "pk")
    )


def proposal(user: AnyUser | None, pk: Any) -> ScreeningProposal:
    return get_visible(
        ScreeningProposal.objects.select_related("run", "jurisdiction", "enterprise"),
        user,
        "pk",
        pk,
    )


# --- verifier organisations -------------------------------------------------------------------


def _organisations() -> QuerySet[VerifierOrganisation]:
    """Organisations with their accreditations and sanctions (newest first) and the number of
    current staff (``staff_count``)."""
    return (
        VerifierOrganisation.objects.select_related("jurisdiction")
        .prefetch_related(
            Prefetch(
                "accreditations", queryset=Accreditation.objects.order_by("-valid_from", "pk")
            ),
            Prefetch("sanctions", queryset=Sanction.objects.order_by("-effective_from", "-pk")),
        )
        .annotate(staff_count=Count("staff", filter=Q(staff__left_on__isnull=True), distinct=True))
    )


def verifier_organisations(user: AnyUser | None) -> QuerySet[VerifierOrganisation]:
    return scoped(_organisations(), user).order_by("name_zh", "credit_code")


def verifier_organisation_detail(user: AnyUser | None, credit_code: str) -> VerifierOrganisation:
    """One organisation the user may see as :func:`verifier_organisations` lists it (with its
    accreditations, sanctions and staff count), by credit code (404 otherwise)."""
    return get_visible(_organisations(), user, "credit_code", credit_code)


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
    sectors = [s.sector for s in item.sectors.all()]  # prefetched by ``enterprise``
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
