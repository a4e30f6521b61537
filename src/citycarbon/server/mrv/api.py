"""``/api/mrv/`` — the enterprise register (enterprises, facilities, contacts, status, roles,
Excel import, what is due), coverage thresholds and screening, verifier organisations and the
compliance calendar. Signed-in callers only; each sees what its roles reach."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.paginator import EmptyPage, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, HeaderEx, P, Query, Router, Status
from ninja.files import UploadedFile

from citycarbon.server.common.api import REFUSALS
from citycarbon.server.common.auth import API_READ, API_WRITE
from citycarbon.server.common.errors import NotFoundError
from citycarbon.server.common.models import User
from citycarbon.server.common.schemas import ErrorOut
from citycarbon.server.common.selectors import perm_for, require
from citycarbon.server.common.validators import validate_upload
from citycarbon.server.mrv import plans, selectors, services
from citycarbon.server.mrv.messages import refusal_message
from citycarbon.server.mrv.models import (
    AnnualReport,
    ComplianceCalendar,
    Contact,
    CoverageRule,
    Disclosure,
    Enterprise,
    EvidenceFile,
    LedgerFinding,
    LedgerMonth,
    MonitoringPlan,
    NonConformity,
    ScreeningProposal,
    ScreeningRun,
    VerificationAssignment,
    VerifiedEmission,
    VerifierOrganisation,
    VerifierStaff,
)
from citycarbon.server.mrv.schemas import (
    AcceptIn,
    AccreditationIn,
    AccreditationOut,
    AcknowledgeIn,
    AdvisoryIn,
    AdvisoryOut,
    ApproveIn,
    AssignIn,
    CalendarIn,
    CalendarOut,
    CanVerifyOut,
    ContactIn,
    ContactOut,
    CorrectionIn,
    CoverageRuleIn,
    CoverageRuleOut,
    DisclosureOut,
    EnterpriseDetailOut,
    EnterpriseIn,
    EnterprisePageOut,
    EnterpriseQuery,
    EnterpriseUpdateIn,
    EvidenceOut,
    FacilityIn,
    FacilityOut,
    ImportOut,
    LedgerFindingOut,
    LedgerIn,
    LedgerMonthDetailOut,
    LedgerMonthOut,
    NonConformityIn,
    NonConformityOut,
    ObligationOut,
    ObligationQuery,
    OnIn,
    OnQuery,
    PageQuery,
    PerformanceIn,
    PerformanceOut,
    PlanDocumentIn,
    PlanOut,
    PlanReviseIn,
    PlanVersionOut,
    ProposalOut,
    ReasonIn,
    ReconciliationOut,
    RejectIn,
    ReportOut,
    ReportVersionOut,
    RoleIn,
    RoleOut,
    SanctionIn,
    SanctionOut,
    ScreeningIn,
    ScreeningRunDetailOut,
    ScreeningRunPageOut,
    SpotCheckIn,
    StaffEndIn,
    StaffIn,
    StaffOut,
    StatusChangeIn,
    StatusChangeOut,
    StepIn,
    VerificationOut,
    VerificationReportIn,
    VerificationSummaryOut,
    VerifierDetailOut,
    VerifierIn,
    VerifierPageOut,
    VerifierUpdateIn,
)

router = Router(tags=["mrv"])
READ: dict[int, Any] = {**REFUSALS}
WRITE: dict[int, Any] = {**REFUSALS, 409: ErrorOut}


def _page(qs: QuerySet[Any], page: int, page_size: int) -> tuple[Any, Paginator]:
    paginator = Paginator(qs, page_size)
    try:
        return paginator.page(page), paginator
    except EmptyPage:
        raise NotFoundError(_("No such page."), field="page", value=page) from None


def _figure(value: Any) -> str | None:
    return selectors.decimal_or_none(value)


# --- the register -----------------------------------------------------------------------------


def enterprise_out(item: Enterprise) -> dict[str, Any]:
    return {
        "credit_code": item.credit_code,
        "name_zh": item.name_zh,
        "name_en": item.name_en,
        "jurisdiction": item.jurisdiction.code,
        "sectors": sorted(s.sector for s in item.sectors.all()),
        "coverage_reason": item.coverage_reason,
        "coverage_year": item.coverage_year,
        "coverage_energy_tce": _figure(item.coverage_energy_tce),
        "coverage_emissions_tco2e": _figure(item.coverage_emissions_tco2e),
        "status": item.status,
        "status_since": item.status_since,
        "address": item.address,
        "note": item.note,
        "illustrative": item.illustrative,
        "created_at": item.created_at,
        "updated_at": item.updated_at,
    }


def _contact_out(contact: Contact) -> dict[str, Any]:
    return {
        "id": contact.pk,
        "function": contact.function,
        "name": contact.name,
        "phone": contact.phone,
        "email": contact.email,
    }


def _detail(request: HttpRequest, credit_code: str) -> dict[str, Any]:
    user = request.user
    item = selectors.enterprise(user, credit_code)
    return {
        **enterprise_out(item),
        "facilities": [
            {"code": f.code, "name_zh": f.name_zh, "name_en": f.name_en}
            for f in selectors.facilities_of(item)
        ],
        "contacts": [_contact_out(c) for c in selectors.contacts_of(item)],
        "status_history": [
            {
                "status": change.status,
                "effective_on": change.effective_on,
                "successors": [s.credit_code for s in change.successors.all()],
                "reason": change.reason,
                "recorded_at": change.recorded_at,
                "recorded_by": change.recorded_by.get_username() if change.recorded_by else None,
            }
            for change in selectors.status_history(item)
        ],
        "predecessors": [
            {
                "credit_code": other.credit_code,
                "name_zh": other.name_zh,
                "status": change.status,
                "effective_on": change.effective_on,
            }
            for other, change in selectors.predecessors_of(user, item)
        ],
        "roles": [
            {"id": a.pk, "username": a.user.get_username(), "role": a.role}
            for a in selectors.role_assignments_of(user, item)
        ],
    }


@router.get("/enterprises", response={200: EnterprisePageOut, **READ}, auth=API_WRITE)
def list_enterprises(request: HttpRequest, query: Query[EnterpriseQuery]) -> dict[str, Any]:
    """The enterprises the caller may see (a district official: its jurisdiction's; an
    enterprise account: its own), filtered by jurisdiction (with its sub-jurisdictions),
    sector guideline, status or text (``q``: names and credit code)."""
    require(request.user, perm_for(Enterprise, "view"))
    filters = selectors.EnterpriseFilter(
        jurisdiction=query.jurisdiction, sector=query.sector, status=query.status, q=query.q
    )
    page, paginator = _page(
        selectors.enterprises(request.user, filters), query.page, query.page_size
    )
    return {
        "count": paginator.count,
        "page": page.number,
        "pages": paginator.num_pages,
        "items": [enterprise_out(item) for item in page.object_list],
    }


@router.post("/enterprises", response={201: EnterpriseDetailOut, **WRITE}, auth=API_WRITE)
def create_enterprise(request: HttpRequest, payload: EnterpriseIn) -> Status[dict[str, Any]]:
    """Register an enterprise with its facilities and contacts (the city office)."""
    data = payload.dict(exclude={"registered_on", "facilities", "contacts"})
    item = services.do_create_enterprise(
        request.user,
        data,
        registered_on=payload.registered_on,
        facilities=[f.dict() for f in payload.facilities],
        contacts=[c.dict() for c in payload.contacts],
    )
    return Status(201, _detail(request, item.credit_code))


@router.post("/enterprises/import", response={200: ImportOut, **WRITE}, auth=API_WRITE)
def import_enterprises(request: HttpRequest, file: File[UploadedFile]) -> dict[str, Any]:
    """Register the enterprises of a workbook (the template of ``/mrv/enterprises/
    template.xlsx``): all or none; each problem named by sheet and column (``field``), row and
    value."""
    validate_upload(file, [".xlsx"])
    result = services.do_import_enterprises(
        request.user, file.read(), filename=file.name or "upload.xlsx"
    )
    return result.as_dict()


@router.get(
    "/enterprises/{credit_code}", response={200: EnterpriseDetailOut, **READ}, auth=API_WRITE
)
def get_enterprise(request: HttpRequest, credit_code: str) -> dict[str, Any]:
    """One enterprise with its facilities, contacts, status history and predecessors."""
    return _detail(request, credit_code)


@router.patch(
    "/enterprises/{credit_code}", response={200: EnterpriseDetailOut, **WRITE}, auth=API_WRITE
)
def update_enterprise(
    request: HttpRequest, credit_code: str, payload: EnterpriseUpdateIn
) -> dict[str, Any]:
    """Change the fields given (the credit code never changes)."""
    item = selectors.enterprise(request.user, credit_code)
    services.do_update_enterprise(request.user, item, payload.dict(exclude_unset=True))
    return _detail(request, credit_code)


@router.post(
    "/enterprises/{credit_code}/status",
    response={201: StatusChangeOut, 200: StatusChangeOut, **WRITE},
    auth=API_WRITE,
)
def change_enterprise_status(
    request: HttpRequest, credit_code: str, payload: StatusChangeIn
) -> Status[dict[str, Any]]:
    """Record a status change (merged into one successor, split into successors, closed,
    re-opened) from a date no earlier than the last change."""
    item = selectors.enterprise(request.user, credit_code)
    successors = [selectors.enterprise(request.user, code) for code in payload.successors]
    before = item.status_changes.count()
    change = services.do_change_status(
        request.user,
        item,
        status=payload.status,
        effective_on=payload.effective_on,
        successors=successors,
        reason=payload.reason,
    )
    return Status(
        201 if item.status_changes.count() > before else 200,
        {
            "status": change.status,
            "effective_on": change.effective_on,
            "successors": sorted(s.credit_code for s in change.successors.all()),
            "reason": change.reason,
            "recorded_at": change.recorded_at,
            "recorded_by": change.recorded_by.get_username() if change.recorded_by else None,
        },
    )


@router.put(
    "/enterprises/{credit_code}/facilities/{facility_code}",
    response={200: FacilityOut, **WRITE},
    auth=API_WRITE,
)
def put_facility(
    request: HttpRequest, credit_code: str, facility_code: str, payload: FacilityIn
) -> dict[str, Any]:
    """Add the facility or change its names."""
    item = selectors.enterprise(request.user, credit_code)
    facility = services.do_set_facility(
        request.user, item, code=facility_code, name_zh=payload.name_zh, name_en=payload.name_en
    )
    return {"code": facility.code, "name_zh": facility.name_zh, "name_en": facility.name_en}


@router.delete(
    "/enterprises/{credit_code}/facilities/{facility_code}",
    response={204: None, **WRITE},
    auth=API_WRITE,
)
def delete_facility(request: HttpRequest, credit_code: str, facility_code: str) -> Status[None]:
    item = selectors.enterprise(request.user, credit_code)
    services.do_remove_facility(request.user, item, facility_code)
    return Status(204, None)


@router.post(
    "/enterprises/{credit_code}/contacts", response={201: ContactOut, **WRITE}, auth=API_WRITE
)
def add_contact(
    request: HttpRequest, credit_code: str, payload: ContactIn
) -> Status[dict[str, Any]]:
    item = selectors.enterprise(request.user, credit_code)
    return Status(201, _contact_out(services.do_add_contact(request.user, item, payload.dict())))


def _contact(request: HttpRequest, credit_code: str, contact_id: int) -> Contact:
    item = selectors.enterprise(request.user, credit_code)
    found = selectors.contacts_of(item).filter(pk=contact_id).first()
    if found is None:
        raise NotFoundError(_("Contact not found."), field="contact_id", value=contact_id)
    return found


@router.put(
    "/enterprises/{credit_code}/contacts/{contact_id}",
    response={200: ContactOut, **WRITE},
    auth=API_WRITE,
)
def update_contact(
    request: HttpRequest, credit_code: str, contact_id: int, payload: ContactIn
) -> dict[str, Any]:
    contact = _contact(request, credit_code, contact_id)
    return _contact_out(services.do_update_contact(request.user, contact, payload.dict()))


@router.delete(
    "/enterprises/{credit_code}/contacts/{contact_id}",
    response={204: None, **WRITE},
    auth=API_WRITE,
)
def delete_contact(request: HttpRequest, credit_code: str, contact_id: int) -> Status[None]:
    services.do_remove_contact(request.user, _contact(request, credit_code, contact_id))
    return Status(204, None)


@router.post("/enterprises/{credit_code}/roles", response={200: RoleOut, **WRITE}, auth=API_WRITE)
def assign_enterprise_role(
    request: HttpRequest, credit_code: str, payload: RoleIn
) -> dict[str, Any]:
    """Give an account the reporter or responsible-person role over the enterprise."""
    item = selectors.enterprise(request.user, credit_code)
    user = User.objects.filter(username=payload.username).first()
    if user is None:
        raise NotFoundError(_("No such account."), field="username", value=payload.username)
    assignment = services.do_assign_enterprise_role(request.user, item, user, payload.role)
    return {"id": assignment.pk, "username": user.get_username(), "role": assignment.role}


@router.get(
    "/enterprises/{credit_code}/obligations",
    response={200: list[ObligationOut], **READ},
    auth=API_WRITE,
)
def list_obligations(
    request: HttpRequest, credit_code: str, query: Query[ObligationQuery]
) -> list[dict[str, Any]]:
    """The enterprise's deadlines from the compliance calendar (or one year's) and where each
    stands on ``on`` (default today): overdue, due soon (within the reminder offsets),
    upcoming, done, or not required."""
    item = selectors.enterprise(request.user, credit_code)
    on = query.on or timezone.localdate()
    return [
        {
            "kind": o.deadline.kind,
            "year": o.deadline.year,
            "month": o.deadline.month,
            "due": o.deadline.due,
            "standing": o.standing,
            "days_left": o.days_left,
            "reminders": list(o.reminders),
        }
        for o in selectors.obligations(request.user, item, on, year=query.year)
    ]


# --- coverage thresholds and screening --------------------------------------------------------


def _rule_out(rule: CoverageRule) -> dict[str, Any]:
    return {
        "valid_from_year": rule.valid_from_year,
        "energy_tce": format(rule.energy_tce, "f"),
        "emissions_tco2e": format(rule.emissions_tco2e, "f"),
        "note": rule.note,
    }


@router.get("/coverage-rules", response={200: list[CoverageRuleOut], **READ}, auth=API_WRITE)
def list_coverage_rules(request: HttpRequest) -> list[dict[str, Any]]:
    """The coverage thresholds, each valid from its year until the next (none set: 5,000 tce
    or 13,000 tCO2e from 2010 apply)."""
    require(request.user, perm_for(CoverageRule, "view"))
    return [_rule_out(rule) for rule in selectors.coverage_rule_list(request.user)]


@router.put(
    "/coverage-rules/{valid_from_year}", response={200: CoverageRuleOut, **WRITE}, auth=API_WRITE
)
def put_coverage_rule(
    request: HttpRequest, valid_from_year: int, payload: CoverageRuleIn
) -> dict[str, Any]:
    rule = services.do_set_coverage_rule(
        request.user,
        valid_from_year=valid_from_year,
        energy_tce=payload.energy_tce,
        emissions_tco2e=payload.emissions_tco2e,
        note=payload.note,
    )
    return _rule_out(rule)


def _run_out(run: ScreeningRun) -> dict[str, Any]:
    return {
        "id": run.pk,
        "source": run.source,
        "created_at": run.created_at,
        "units": run.units,
        "already_registered": run.already_registered,
        "below": run.below,
        "proposals": run.proposal_count,  # annotated by the selector
        "pending": run.pending_count,
        "rules": [{**rule, "note": ""} for rule in run.rules],
    }


def _proposal_out(item: ScreeningProposal) -> dict[str, Any]:
    return {
        "id": item.pk,
        "credit_code": item.credit_code,
        "name_zh": item.name_zh,
        "jurisdiction": item.jurisdiction.code,
        "sectors": list(item.sectors),
        "coverage_reason": item.coverage_reason,
        "coverage_year": item.coverage_year,
        "coverage_energy_tce": _figure(item.coverage_energy_tce),
        "coverage_emissions_tco2e": _figure(item.coverage_emissions_tco2e),
        "figures": list(item.figures),
        "decision": item.decision,
        "reason": item.reason,
        "decided_at": item.decided_at,
        "enterprise": item.enterprise.credit_code if item.enterprise else None,
    }


def _run_detail(request: HttpRequest, run_id: int) -> dict[str, Any]:
    run = selectors.screening_run(request.user, run_id)
    return {**_run_out(run), "items": [_proposal_out(p) for p in selectors.proposals_of(run)]}


@router.get("/screening-runs", response={200: ScreeningRunPageOut, **READ}, auth=API_WRITE)
def list_screening_runs(request: HttpRequest, query: Query[PageQuery]) -> dict[str, Any]:
    require(request.user, perm_for(ScreeningRun, "view"))
    page, paginator = _page(selectors.screening_runs(request.user), query.page, query.page_size)
    return {
        "count": paginator.count,
        "page": page.number,
        "pages": paginator.num_pages,
        "items": [_run_out(run) for run in page.object_list],
    }


@router.post("/screening-runs", response={201: ScreeningRunDetailOut, **WRITE}, auth=API_WRITE)
def run_screening(request: HttpRequest, payload: ScreeningIn) -> Status[dict[str, Any]]:
    """Screen annual figures (one item per enterprise and year) against the coverage rules:
    units that reached a threshold and are not registered become proposals. All or nothing;
    each problem named by item (``row``) and field."""
    rows = [
        services.ScreeningRow(
            credit_code=item.credit_code.strip().upper(),
            name_zh=item.name_zh.strip(),
            jurisdiction=item.jurisdiction.strip(),
            sectors=tuple(item.sectors),
            year=item.year,
            energy_tce=item.energy_tce,
            emissions_tco2e=item.emissions_tco2e,
            row=index,
        )
        for index, item in enumerate(payload.items, start=1)
    ]
    run = services.do_run_screening(request.user, rows, source=payload.source or "API")
    return Status(201, _run_detail(request, run.pk))


@router.post(
    "/screening-runs/import", response={201: ScreeningRunDetailOut, **WRITE}, auth=API_WRITE
)
def import_screening(request: HttpRequest, file: File[UploadedFile]) -> Status[dict[str, Any]]:
    """Screen the figures of a workbook (the template of ``/mrv/screening/template.xlsx``)."""
    validate_upload(file, [".xlsx"])
    run = services.do_import_screening(
        request.user, file.read(), filename=file.name or "upload.xlsx"
    )
    return Status(201, _run_detail(request, run.pk))


@router.get(
    "/screening-runs/{run_id}", response={200: ScreeningRunDetailOut, **READ}, auth=API_WRITE
)
def get_screening_run(request: HttpRequest, run_id: int) -> dict[str, Any]:
    return _run_detail(request, run_id)


@router.post(
    "/screening-proposals/{proposal_id}/accept",
    response={200: ProposalOut, **WRITE},
    auth=API_WRITE,
)
def accept_proposal(request: HttpRequest, proposal_id: int, payload: AcceptIn) -> dict[str, Any]:
    """Register the proposed unit (the coverage reason is the first year it crossed)."""
    found = selectors.proposal(request.user, proposal_id)
    item = services.do_accept_proposal(
        request.user,
        found,
        sectors=payload.sectors,
        registered_on=payload.registered_on,
        reason=payload.reason,
    )
    return _proposal_out(selectors.proposal(request.user, item.pk))


@router.post(
    "/screening-proposals/{proposal_id}/reject",
    response={200: ProposalOut, **WRITE},
    auth=API_WRITE,
)
def reject_proposal(request: HttpRequest, proposal_id: int, payload: RejectIn) -> dict[str, Any]:
    found = selectors.proposal(request.user, proposal_id)
    item = services.do_reject_proposal(request.user, found, payload.reason)
    return _proposal_out(selectors.proposal(request.user, item.pk))


# --- verifier organisations -------------------------------------------------------------------


def _verifier_out(item: VerifierOrganisation, today: date) -> dict[str, Any]:
    staff = getattr(item, "staff_count", None)
    return {
        "credit_code": item.credit_code,
        "name_zh": item.name_zh,
        "name_en": item.name_en,
        "jurisdiction": item.jurisdiction.code,
        "address": item.address,
        "note": item.note,
        "illustrative": item.illustrative,
        "eligible_today": selectors.eligible_today(item, today),
        "staff": staff if staff is not None else item.staff.filter(left_on__isnull=True).count(),
    }


def _staff_out(staff: VerifierStaff) -> dict[str, Any]:
    return {
        "id": staff.pk,
        "name": staff.name,
        "username": staff.user.get_username() if staff.user else None,
        "qualification": staff.qualification,
        "joined_on": staff.joined_on,
        "left_on": staff.left_on,
    }


def _verifier_detail(request: HttpRequest, credit_code: str) -> dict[str, Any]:
    visible = selectors.verifier_organisation(request.user, credit_code)
    found = selectors.verifier_organisations(request.user).get(pk=visible.pk)
    return {
        **_verifier_out(found, timezone.localdate()),
        "accreditations": [
            {
                "id": a.pk,
                "reference": a.reference,
                "sectors": list(a.sectors),
                "valid_from": a.valid_from,
                "valid_to": a.valid_to,
                "note": a.note,
            }
            for a in found.accreditations.all()
        ],
        "staff_members": [_staff_out(s) for s in selectors.staff_of(found)],
        "performance": [
            {
                "id": p.pk,
                "kind": p.kind,
                "occurred_on": p.occurred_on,
                "enterprise": p.enterprise.credit_code if p.enterprise else None,
                "reporting_year": p.reporting_year,
                "description": p.description,
            }
            for p in selectors.performance_of(found)
        ],
        "sanctions": [
            {
                "id": s.pk,
                "kind": s.kind,
                "effective_from": s.effective_from,
                "effective_to": s.effective_to,
                "reason": s.reason,
            }
            for s in found.sanctions.all()
        ],
    }


@router.get("/verifiers", response={200: VerifierPageOut, **READ}, auth=API_WRITE)
def list_verifiers(request: HttpRequest, query: Query[PageQuery]) -> dict[str, Any]:
    """The verifier organisations the caller may see (a verifier: its own)."""
    require(request.user, perm_for(VerifierOrganisation, "view"))
    page, paginator = _page(
        selectors.verifier_organisations(request.user), query.page, query.page_size
    )
    today = timezone.localdate()
    return {
        "count": paginator.count,
        "page": page.number,
        "pages": paginator.num_pages,
        "items": [_verifier_out(item, today) for item in page.object_list],
    }


@router.post("/verifiers", response={201: VerifierDetailOut, **WRITE}, auth=API_WRITE)
def create_verifier(request: HttpRequest, payload: VerifierIn) -> Status[dict[str, Any]]:
    item = services.do_create_verifier(request.user, payload.dict())
    return Status(201, _verifier_detail(request, item.credit_code))


@router.get("/verifiers/{credit_code}", response={200: VerifierDetailOut, **READ}, auth=API_WRITE)
def get_verifier(request: HttpRequest, credit_code: str) -> dict[str, Any]:
    """An organisation with its accreditations, staff, performance record and sanctions."""
    return _verifier_detail(request, credit_code)


@router.patch(
    "/verifiers/{credit_code}", response={200: VerifierDetailOut, **WRITE}, auth=API_WRITE
)
def update_verifier(
    request: HttpRequest, credit_code: str, payload: VerifierUpdateIn
) -> dict[str, Any]:
    item = selectors.verifier_organisation(request.user, credit_code)
    services.do_update_verifier(request.user, item, payload.dict(exclude_unset=True))
    return _verifier_detail(request, credit_code)


@router.post(
    "/verifiers/{credit_code}/accreditations",
    response={201: AccreditationOut, **WRITE},
    auth=API_WRITE,
)
def add_accreditation(
    request: HttpRequest, credit_code: str, payload: AccreditationIn
) -> Status[dict[str, Any]]:
    item = selectors.verifier_organisation(request.user, credit_code)
    found = services.do_add_accreditation(
        request.user,
        item,
        reference=payload.reference,
        sectors=payload.sectors,
        valid_from=payload.valid_from,
        valid_to=payload.valid_to,
        note=payload.note,
    )
    return Status(
        201,
        {
            "id": found.pk,
            "reference": found.reference,
            "sectors": list(found.sectors),
            "valid_from": found.valid_from,
            "valid_to": found.valid_to,
            "note": found.note,
        },
    )


@router.post("/verifiers/{credit_code}/staff", response={201: StaffOut, **WRITE}, auth=API_WRITE)
def add_staff(request: HttpRequest, credit_code: str, payload: StaffIn) -> Status[dict[str, Any]]:
    """Add a qualified person; with ``username``, that account becomes a verifier of the
    organisation."""
    item = selectors.verifier_organisation(request.user, credit_code)
    user = None
    if payload.username:
        user = User.objects.filter(username=payload.username).first()
        if user is None:
            raise NotFoundError(_("No such account."), field="username", value=payload.username)
    staff = services.do_add_staff(
        request.user,
        item,
        name=payload.name,
        joined_on=payload.joined_on,
        user=user,
        qualification=payload.qualification,
    )
    return Status(201, _staff_out(staff))


@router.post(
    "/verifiers/{credit_code}/staff/{staff_id}/end",
    response={200: StaffOut, **WRITE},
    auth=API_WRITE,
)
def end_staff(
    request: HttpRequest, credit_code: str, staff_id: int, payload: StaffEndIn
) -> dict[str, Any]:
    """The person left; their account is no longer a verifier of the organisation."""
    item = selectors.verifier_organisation(request.user, credit_code)
    staff = selectors.staff_of(item).filter(pk=staff_id).first()
    if staff is None:
        raise NotFoundError(_("Staff member not found."), field="staff_id", value=staff_id)
    return _staff_out(services.do_end_staff(request.user, staff, payload.left_on))


@router.post(
    "/verifiers/{credit_code}/performance",
    response={201: PerformanceOut, **WRITE},
    auth=API_WRITE,
)
def add_performance(
    request: HttpRequest, credit_code: str, payload: PerformanceIn
) -> Status[dict[str, Any]]:
    item = selectors.verifier_organisation(request.user, credit_code)
    enterprise = (
        selectors.enterprise(request.user, payload.enterprise) if payload.enterprise else None
    )
    entry = services.do_add_performance(
        request.user,
        item,
        kind=payload.kind,
        occurred_on=payload.occurred_on,
        description=payload.description,
        enterprise=enterprise,
        reporting_year=payload.reporting_year,
    )
    return Status(
        201,
        {
            "id": entry.pk,
            "kind": entry.kind,
            "occurred_on": entry.occurred_on,
            "enterprise": enterprise.credit_code if enterprise else None,
            "reporting_year": entry.reporting_year,
            "description": entry.description,
        },
    )


@router.post(
    "/verifiers/{credit_code}/sanctions", response={201: SanctionOut, **WRITE}, auth=API_WRITE
)
def add_sanction(
    request: HttpRequest, credit_code: str, payload: SanctionIn
) -> Status[dict[str, Any]]:
    item = selectors.verifier_organisation(request.user, credit_code)
    sanction = services.do_add_sanction(
        request.user,
        item,
        kind=payload.kind,
        effective_from=payload.effective_from,
        effective_to=payload.effective_to,
        reason=payload.reason,
    )
    return Status(
        201,
        {
            "id": sanction.pk,
            "kind": sanction.kind,
            "effective_from": sanction.effective_from,
            "effective_to": sanction.effective_to,
            "reason": sanction.reason,
        },
    )


@router.get(
    "/verifiers/{credit_code}/can-verify/{enterprise_code}",
    response={200: CanVerifyOut, **READ},
    auth=API_WRITE,
)
def can_verify(
    request: HttpRequest, credit_code: str, enterprise_code: str, query: Query[OnQuery]
) -> dict[str, Any]:
    """Whether the organisation may verify the enterprise on ``on`` (default today): a valid
    accreditation covering its sector guidelines, and neither suspended nor removed."""
    organisation = selectors.verifier_organisation(request.user, credit_code)
    item = selectors.enterprise(request.user, enterprise_code)
    on = query.on or timezone.localdate()
    found = selectors.verification_refusals(organisation, item, on)
    return {
        "organisation": organisation.credit_code,
        "enterprise": item.credit_code,
        "on": on,
        "allowed": not found,
        "refusals": [
            {"code": code, "message": refusal_message(code, sectors), "sectors": list(sectors)}
            for code, sectors in found
        ],
    }


# --- the compliance calendar ------------------------------------------------------------------


def _calendar_out(item: ComplianceCalendar) -> dict[str, Any]:
    return {
        "year": item.year,
        "monitoring_plan_due": item.monitoring_plan_due,
        "ledger_due_day": item.ledger_due_day,
        "annual_report_due": item.annual_report_due,
        "verification_due": item.verification_due,
        "approval_due": item.approval_due,
        "reminder_days": list(item.reminder_days),
        "note": item.note,
    }


@router.get("/calendar", response={200: list[CalendarOut], **READ}, auth=API_WRITE)
def list_calendars(request: HttpRequest) -> list[dict[str, Any]]:
    """The compliance calendar, newest year first."""
    require(request.user, perm_for(ComplianceCalendar, "view"))
    return [_calendar_out(item) for item in selectors.calendars(request.user)]


@router.get("/calendar/{year}", response={200: CalendarOut, **READ}, auth=API_WRITE)
def get_calendar(request: HttpRequest, year: int) -> dict[str, Any]:
    return _calendar_out(selectors.calendar(request.user, year))


@router.put("/calendar/{year}", response={200: CalendarOut, **WRITE}, auth=API_WRITE)
def put_calendar(request: HttpRequest, year: int, payload: CalendarIn) -> dict[str, Any]:
    """Set the deadlines of a year (the city office)."""
    item = services.do_set_calendar(
        request.user,
        year,
        monitoring_plan_due=payload.monitoring_plan_due,
        ledger_due_day=payload.ledger_due_day,
        annual_report_due=payload.annual_report_due,
        verification_due=payload.verification_due,
        approval_due=payload.approval_due,
        reminder_days=payload.reminder_days,
        note=payload.note,
    )
    return _calendar_out(item)


# --- monitoring plans -------------------------------------------------------------------------


def _user_name(user: User | None) -> str | None:
    return None if user is None else user.get_username()


def plan_version_out(item: MonitoringPlan) -> dict[str, Any]:
    return {
        "enterprise": item.enterprise.credit_code,
        "year": item.year,
        "version": item.version,
        "state": item.state,
        "sector": item.sector,
        "source": item.source,
        "correction_reason": item.correction_reason,
        "created_at": item.created_at,
        "created_by": _user_name(item.created_by),
        "submitted_at": item.submitted_at,
        "submitted_by": _user_name(item.submitted_by),
        "approved_at": item.approved_at,
        "approved_by": _user_name(item.approved_by),
    }


def plan_document_out(plan: Any) -> dict[str, Any]:
    """The kernel plan in the API's explicit shape (choices apart from the stream's keys)."""
    return {
        "enterprise": plan.enterprise,
        "name": plan.name,
        "year": plan.year,
        "sector": plan.sector,
        "region": plan.region,
        "facilities": [{"id": f.id, "name": f.name} for f in plan.facilities],
        "streams": [
            {
                "id": s.id,
                "facility": s.facility,
                "source": s.source,
                "kind": s.kind,
                "name": s.name,
                "product": s.product,
                "choices": dict(s.choices),
                "parameters": {
                    p.name: {
                        "basis": p.basis,
                        "method": p.method,
                        "frequency": p.frequency,
                        "standard": p.standard,
                        "unit": p.unit,
                        "value": None if p.value is None else str(p.value),
                        "note": p.note,
                    }
                    for p in s.parameters
                },
            }
            for s in plan.streams
        ],
    }


def plan_document_in(payload: PlanDocumentIn) -> dict[str, Any]:
    """The API's plan as the mapping the kernel reads (choices as stream keys)."""
    streams = []
    for stream in payload.streams:
        item: dict[str, Any] = {
            "id": stream.id,
            "facility": stream.facility,
            "parameters": {
                name: {k: v for k, v in parameter.dict().items() if v not in (None, "")}
                for name, parameter in stream.parameters.items()
            },
        }
        for key in ("source", "kind", "name", "product"):
            value = getattr(stream, key)
            if value:
                item[key] = value
        item.update(stream.choices)
        streams.append(item)
    document: dict[str, Any] = {
        "name": payload.name,
        "sector": payload.sector,
        "facilities": [{"id": f.id, "name": f.name} for f in payload.facilities],
        "streams": streams,
    }
    if payload.region:
        document["region"] = payload.region
    return document


def plan_out(request: HttpRequest, item: MonitoringPlan) -> dict[str, Any]:
    kernel_plan, found = plans.plan_findings(item.document)
    versions = selectors.plan_versions(request.user, item.enterprise, item.year)
    return {
        **plan_version_out(item),
        "note": item.note,
        "document": plan_document_out(kernel_plan) if kernel_plan is not None else None,
        "table": plans.plan_table(kernel_plan) if kernel_plan is not None else [],
        "findings": [plans.finding_out(f) for f in found],
        "versions": [plan_version_out(v) for v in versions],
    }


@router.get(
    "/enterprises/{credit_code}/plans", response={200: list[PlanVersionOut], **READ}, auth=API_WRITE
)
def list_plans(request: HttpRequest, credit_code: str) -> list[dict[str, Any]]:
    """Every version of the enterprise's monitoring plans, latest year and version first."""
    item = selectors.enterprise(request.user, credit_code)
    return [plan_version_out(p) for p in selectors.plans_of(request.user, item)]


@router.get(
    "/enterprises/{credit_code}/plans/{year}", response={200: PlanOut, **READ}, auth=API_WRITE
)
def get_plan(
    request: HttpRequest, credit_code: str, year: int, version: int | None = None
) -> dict[str, Any]:
    """The year's plan (its latest version, or ``version``): the plan, as a table, the
    kernel's warnings, and the versions of the lineage."""
    item = selectors.enterprise(request.user, credit_code)
    return plan_out(request, selectors.plan(request.user, item, year, version))


@router.put(
    "/enterprises/{credit_code}/plans/{year}", response={200: PlanOut, **WRITE}, auth=API_WRITE
)
def put_plan(
    request: HttpRequest, credit_code: str, year: int, payload: PlanDocumentIn
) -> dict[str, Any]:
    """Enter or change the year's draft plan. The kernel validates it: every error is named
    by field path (``streams[0].parameters.ncv.unit``) and value, and nothing is written."""
    item = selectors.enterprise(request.user, credit_code)
    record = services.do_save_plan(
        request.user, item, year, plan_document_in(payload), note=payload.note
    )
    return plan_out(request, record)


@router.post(
    "/enterprises/{credit_code}/plans/{year}/import",
    response={200: PlanOut, **WRITE},
    auth=API_WRITE,
)
def import_plan(
    request: HttpRequest, credit_code: str, year: int, file: File[UploadedFile]
) -> dict[str, Any]:
    """Enter the draft plan from a workbook (the Plan sheet of the ledger template); problems
    named by sheet, column, row and value."""
    validate_upload(file, [".xlsx"])
    item = selectors.enterprise(request.user, credit_code)
    record = services.do_import_plan(
        request.user, item, year, file.name or "plan.xlsx", file.read()
    )
    return plan_out(request, record)


def _plan_step(
    request: HttpRequest, credit_code: str, year: int, step: str, reason: str = ""
) -> dict[str, Any]:
    item = selectors.enterprise(request.user, credit_code)
    record = selectors.plan(request.user, item, year)
    if step == "submit":
        record = services.do_submit_plan(request.user, record)
    elif step == "approve":
        record = services.do_approve_plan(request.user, record)
    else:
        record = services.do_return_plan(request.user, record, reason)
    return plan_out(request, record)


@router.post(
    "/enterprises/{credit_code}/plans/{year}/submit",
    response={200: PlanOut, **WRITE},
    auth=API_WRITE,
)
def submit_plan(request: HttpRequest, credit_code: str, year: int) -> dict[str, Any]:
    """Submit the draft to the office (refused while the kernel finds an error)."""
    return _plan_step(request, credit_code, year, "submit")


@router.post(
    "/enterprises/{credit_code}/plans/{year}/approve",
    response={200: PlanOut, **WRITE},
    auth=API_WRITE,
)
def approve_plan(request: HttpRequest, credit_code: str, year: int) -> dict[str, Any]:
    """Approve the submitted plan (the office)."""
    return _plan_step(request, credit_code, year, "approve")


@router.post(
    "/enterprises/{credit_code}/plans/{year}/return",
    response={200: PlanOut, **WRITE},
    auth=API_WRITE,
)
def return_plan(
    request: HttpRequest, credit_code: str, year: int, payload: ReasonIn
) -> dict[str, Any]:
    """Send the submitted (or approved) plan back to the enterprise as a draft, with why."""
    return _plan_step(request, credit_code, year, "return", payload.reason)


@router.post(
    "/enterprises/{credit_code}/plans/{year}/revise",
    response={201: PlanOut, **WRITE},
    auth=API_WRITE,
)
def revise_plan(
    request: HttpRequest, credit_code: str, year: int, payload: PlanReviseIn
) -> Status[dict[str, Any]]:
    """Open a new version of the approved plan with the reason (and the changed plan)."""
    item = selectors.enterprise(request.user, credit_code)
    record = selectors.plan(request.user, item, year)
    document = None if payload.plan is None else plan_document_in(payload.plan)
    new = services.do_revise_plan(request.user, record, payload.reason, document)
    return Status(201, plan_out(request, new))


# --- the monthly ledger -----------------------------------------------------------------------


def ledger_month_out(item: LedgerMonth, rows: int, pending: int) -> dict[str, Any]:
    return {
        "enterprise": item.enterprise.credit_code,
        "year": item.year,
        "month": item.month,
        "state": item.state,
        "source": item.source,
        "plan_version": item.plan.version,
        "entered_at": item.entered_at,
        "entered_by": _user_name(item.entered_by),
        "submitted_at": item.submitted_at,
        "submitted_by": _user_name(item.submitted_by),
        "rows": rows,
        "pending_warnings": pending,
    }


def ledger_finding_out(item: LedgerFinding) -> dict[str, Any]:
    return {
        "id": item.pk,
        "code": item.code,
        "severity": item.severity,
        "message": plans.stored_message(item.code, item.params, item.message),
        "row": item.entry.row if item.entry is not None else None,
        "field": item.field,
        "value": item.value,
        "stream": item.stream,
        "parameter": item.parameter,
        "period": item.period,
        "params": dict(item.params),
        "acknowledged_at": item.acknowledged_at,
        "acknowledged_by": _user_name(item.acknowledged_by),
        "reason": item.reason,
    }


def ledger_detail_out(item: LedgerMonth) -> dict[str, Any]:
    entries = list(selectors.entries_of(item))
    findings = list(selectors.findings_of(item))
    pending = sum(1 for f in findings if f.acknowledged_at is None)
    return {
        **ledger_month_out(item, len(entries), pending),
        "entries": [
            {
                "id": e.pk, "row": e.row, "facility": e.facility, "stream": e.stream,
                "parameter": e.parameter, "value": e.value, "unit": e.unit,
                "evidence": e.evidence, "note": e.note,
            }
            for e in entries
        ],
        "findings": [ledger_finding_out(f) for f in findings],
    }  # fmt: skip


def _rows_in(payload: LedgerIn) -> list[dict[str, Any]]:
    return [{k: v for k, v in row.dict().items() if v not in (None, "")} for row in payload.rows]


@router.get(
    "/enterprises/{credit_code}/ledgers/{year}",
    response={200: list[LedgerMonthOut], **READ},
    auth=API_WRITE,
)
def list_ledger_months(request: HttpRequest, credit_code: str, year: int) -> list[dict[str, Any]]:
    """The year's ledger months entered so far, with their state and the warnings pending."""
    item = selectors.enterprise(request.user, credit_code)
    return [
        ledger_month_out(m, m.rows, m.pending)
        for m in selectors.ledger_months(request.user, item, year)
    ]


@router.get(
    "/enterprises/{credit_code}/ledgers/{year}/{month}",
    response={200: LedgerMonthDetailOut, **READ},
    auth=API_WRITE,
)
def get_ledger_month(
    request: HttpRequest, credit_code: str, year: int, month: int
) -> dict[str, Any]:
    """One month's ledger: its rows, and its warnings with their acknowledgements."""
    item = selectors.enterprise(request.user, credit_code)
    return ledger_detail_out(selectors.ledger_month(request.user, item, year, month))


@router.post(
    "/enterprises/{credit_code}/ledgers/{year}/{month}",
    response={201: LedgerMonthDetailOut, **WRITE},
    auth=API_WRITE,
)
def push_ledger_month(
    request: HttpRequest,
    credit_code: str,
    year: int,
    month: int,
    payload: LedgerIn,
    idempotency_key: HeaderEx[str, P(alias="Idempotency-Key")],
) -> Status[dict[str, Any]]:
    """Submit a month's ledger from the enterprise's energy-management system, with an access
    token and an ``Idempotency-Key`` header: the same key and body again give the same answer
    and write nothing; the same key with another body is refused (409). The kernel's errors
    refuse the month (each named by row, field and value; nothing written); its warnings are
    stored, to be acknowledged."""
    item = selectors.enterprise(request.user, credit_code)
    status, body = services.do_push_ledger(
        request.user,
        item,
        year,
        month,
        _rows_in(payload),
        key=idempotency_key,
        digest=services.body_digest(request.body),
        operation=f"POST {request.path}",
        answer=ledger_detail_out,
    )
    return Status(status, body)


@router.post(
    "/enterprises/{credit_code}/ledgers/{year}/{month}/import",
    response={201: LedgerMonthDetailOut, **WRITE},
    auth=API_WRITE,
)
def import_ledger_month(
    request: HttpRequest, credit_code: str, year: int, month: int, file: File[UploadedFile]
) -> Status[dict[str, Any]]:
    """Submit the month from the Ledger sheet of the ledger workbook (its rows of this month;
    a row of another month is refused)."""
    validate_upload(file, [".xlsx"])
    item = selectors.enterprise(request.user, credit_code)
    record = services.do_import_ledger(request.user, item, year, month, file.read())
    return Status(201, ledger_detail_out(record))


@router.post(
    "/enterprises/{credit_code}/ledgers/{year}/{month}/findings/{finding_id}/acknowledge",
    response={200: LedgerFindingOut, **WRITE},
    auth=API_WRITE,
)
def acknowledge_finding(
    request: HttpRequest,
    credit_code: str,
    year: int,
    month: int,
    finding_id: int,
    payload: AcknowledgeIn,
) -> dict[str, Any]:
    """Acknowledge a warning with the reason the value stands."""
    item = selectors.enterprise(request.user, credit_code)
    found = selectors.ledger_finding(request.user, item, finding_id)
    if (found.ledger.year, found.ledger.month) != (year, month):
        raise NotFoundError(_("No such warning."), field="finding_id", value=finding_id)
    services.do_acknowledge_finding(request.user, found, payload.reason)
    return ledger_finding_out(selectors.ledger_finding(request.user, item, finding_id))


def evidence_out(item: EvidenceFile) -> dict[str, Any]:
    return {
        "id": item.pk,
        "name": item.name,
        "kind": item.kind,
        "size": item.size,
        "sha256": item.sha256,
        "description": item.description,
        "uploaded_at": item.uploaded_at,
        "uploaded_by": _user_name(item.uploaded_by),
    }


@router.get(
    "/enterprises/{credit_code}/evidence",
    response={200: list[EvidenceOut], **READ},
    auth=API_WRITE,
)
def list_evidence(request: HttpRequest, credit_code: str) -> list[dict[str, Any]]:
    """The enterprise's evidence files (lab reports …), newest first."""
    item = selectors.enterprise(request.user, credit_code)
    return [evidence_out(e) for e in selectors.evidence_of(request.user, item)]


@router.post(
    "/enterprises/{credit_code}/evidence",
    response={201: EvidenceOut, **WRITE},
    auth=API_WRITE,
)
def upload_evidence(
    request: HttpRequest, credit_code: str, file: File[UploadedFile], description: str = ""
) -> Status[dict[str, Any]]:
    """Upload a lab report or other evidence (PDF, PNG, JPEG or XLSX, checked by content;
    size-limited); its SHA-256 is kept and can be cited as the rows' evidence."""
    item = selectors.enterprise(request.user, credit_code)
    record = services.do_upload_evidence(
        request.user, item, file.name or "", file.read(), description=description
    )
    return Status(201, evidence_out(record))


# --- annual reports ---------------------------------------------------------------------------


def report_version_out(item: AnnualReport) -> dict[str, Any]:
    return {
        "enterprise": item.enterprise.credit_code,
        "year": item.year,
        "version": item.version,
        "state": item.state,
        "sector": item.sector,
        "plan_version": item.plan.version,
        "total_tco2e": item.figures.get("total"),
        "correction_reason": item.correction_reason,
        "due_on": item.due_on,
        "late": item.late,
        "created_at": item.created_at,
        "submitted_at": item.submitted_at,
        "submitted_by": _user_name(item.submitted_by),
    }


def report_out(request: HttpRequest, item: AnnualReport) -> dict[str, Any]:
    figures = item.figures
    sign_offs = list(selectors.sign_offs_of(item))
    return {
        **report_version_out(item),
        "lines": figures.get("lines", []),
        "by_source": figures.get("by_source", {}),
        "derivations": figures.get("derivations", []),
        "outputs": figures.get("outputs", {}),
        "intensity": figures.get("intensity"),
        "intensity_unit": figures.get("intensity_unit", ""),
        "factor_library": figures.get("factor_library", ""),
        "signed_off": any(s.withdrawn_at is None for s in sign_offs),
        "sign_offs": [
            {
                "signed_at": s.signed_at, "signed_by": _user_name(s.signed_by),
                "withdrawn_at": s.withdrawn_at, "withdrawn_by": _user_name(s.withdrawn_by),
                "reason": s.reason,
            }
            for s in sign_offs
        ],
        "versions": [
            report_version_out(v)
            for v in selectors.reports_of(request.user, item.enterprise).filter(year=item.year)
        ],
    }  # fmt: skip


@router.get(
    "/enterprises/{credit_code}/reports",
    response={200: list[ReportVersionOut], **READ},
    auth=API_WRITE,
)
def list_reports(request: HttpRequest, credit_code: str) -> list[dict[str, Any]]:
    """Every version of the enterprise's annual reports, latest year and version first."""
    item = selectors.enterprise(request.user, credit_code)
    return [report_version_out(r) for r in selectors.reports_of(request.user, item)]


@router.get(
    "/enterprises/{credit_code}/reports/{year}",
    response={200: ReportOut, **READ},
    auth=API_WRITE,
)
def get_report(
    request: HttpRequest, credit_code: str, year: int, version: int | None = None
) -> dict[str, Any]:
    """The year's report (latest version, or ``version``) with each figure's derivation."""
    item = selectors.enterprise(request.user, credit_code)
    return report_out(request, selectors.report(request.user, item, year, version))


@router.post(
    "/enterprises/{credit_code}/reports/{year}/build",
    response={200: ReportOut, **WRITE},
    auth=API_WRITE,
)
def build_report(request: HttpRequest, credit_code: str, year: int) -> dict[str, Any]:
    """Build (or rebuild) the draft from the approved plan and the twelve submitted months."""
    item = selectors.enterprise(request.user, credit_code)
    return report_out(request, services.do_build_report(request.user, item, year))


def _report_step(
    request: HttpRequest, credit_code: str, year: int, step: str, reason: str = ""
) -> dict[str, Any]:
    item = selectors.enterprise(request.user, credit_code)
    record = selectors.report(request.user, item, year)
    if step == "sign-off":
        services.do_sign_off(request.user, record)
    elif step == "withdraw":
        services.do_withdraw_sign_off(request.user, record, reason)
    elif step == "submit":
        services.do_submit_report(request.user, record)
    else:
        services.do_correct_report(request.user, record, reason)
    return report_out(request, selectors.report(request.user, item, year))


@router.post(
    "/enterprises/{credit_code}/reports/{year}/sign-off",
    response={200: ReportOut, **WRITE},
    auth=API_WRITE,
)
def sign_off_report(request: HttpRequest, credit_code: str, year: int) -> dict[str, Any]:
    """The responsible person signs off the draft."""
    return _report_step(request, credit_code, year, "sign-off")


@router.post(
    "/enterprises/{credit_code}/reports/{year}/withdraw-sign-off",
    response={200: ReportOut, **WRITE},
    auth=API_WRITE,
)
def withdraw_sign_off(
    request: HttpRequest, credit_code: str, year: int, payload: ReasonIn
) -> dict[str, Any]:
    """The responsible person withdraws the sign-off of the draft, with the reason."""
    return _report_step(request, credit_code, year, "withdraw", payload.reason)


@router.post(
    "/enterprises/{credit_code}/reports/{year}/submit",
    response={200: ReportOut, **WRITE},
    auth=API_WRITE,
)
def submit_report(request: HttpRequest, credit_code: str, year: int) -> dict[str, Any]:
    """Submit the signed-off draft (refused once the sign-off was withdrawn); after the
    calendar's due date it is flagged late."""
    return _report_step(request, credit_code, year, "submit")


@router.post(
    "/enterprises/{credit_code}/reports/{year}/correct",
    response={200: ReportOut, **WRITE},
    auth=API_WRITE,
)
def correct_report(
    request: HttpRequest, credit_code: str, year: int, payload: ReasonIn
) -> dict[str, Any]:
    """Open a correction of the submitted report: a new draft version with the reason."""
    return _report_step(request, credit_code, year, "correct", payload.reason)


# --- verification -----------------------------------------------------------------------------


def verification_out(item: VerificationAssignment, *, details: bool = True) -> dict[str, Any]:
    data: dict[str, Any] = {
        "enterprise": item.enterprise.credit_code,
        "year": item.year,
        "kind": item.kind,
        "organisation": item.organisation.credit_code,
        "state": item.state,
        "verified_tco2e": _figure(item.verified_tco2e),
        "approved_tco2e": _figure(item.approved_tco2e),
    }
    if not details:
        return data
    return {
        **data,
        "method": item.method,
        "report_version": item.report.version,
        "reported_tco2e": item.report.figures.get("total"),
        "assigned_at": item.assigned_at,
        "assigned_by": _user_name(item.assigned_by),
        "steps": [
            {"step": s.step, "done_on": s.done_on, "note": s.note,
             "recorded_by": _user_name(s.recorded_by)}
            for s in selectors.steps_of(item)
        ],
        "non_conformities": [
            {"id": n.pk, "description": n.description, "raised_at": n.raised_at,
             "raised_by": _user_name(n.raised_by), "correction": n.correction,
             "corrected_at": n.corrected_at, "corrected_by": _user_name(n.corrected_by),
             "closed_at": n.closed_at, "closed_by": _user_name(n.closed_by)}
            for n in selectors.non_conformities_of(item)
        ],
        "verified": {v.source: _figure(v.tco2e) for v in selectors.verified_of(item)},
        "opinion": item.opinion,
        "reported_at": item.reported_at,
        "approved_at": item.approved_at,
        "approved_by": _user_name(item.approved_by),
        "acknowledgements": [
            {"month": f.ledger.month, "code": f.code, "stream": f.stream,
             "parameter": f.parameter, "value": f.value, "reason": f.reason,
             "acknowledged_by": _user_name(f.acknowledged_by),
             "acknowledged_at": f.acknowledged_at}
            for f in selectors.acknowledgements_of(item.enterprise, item.year)
        ],
    }  # fmt: skip


@router.get("/verifications", response={200: list[VerificationSummaryOut], **READ}, auth=API_WRITE)
def list_verifications(request: HttpRequest, year: int | None = None) -> list[dict[str, Any]]:
    """The verifications the caller may see (a verifier: its organisation's)."""
    require(request.user, perm_for(VerificationAssignment, "view"))
    return [verification_out(v, details=False) for v in selectors.verifications(request.user, year)]


@router.get(
    "/verifications/{credit_code}/{year}",
    response={200: list[VerificationOut], **READ},
    auth=API_WRITE,
)
def get_verification(request: HttpRequest, credit_code: str, year: int) -> list[dict[str, Any]]:
    """The verification (and spot check) of an enterprise's year: steps, findings with their
    corrections, verified emissions by source, opinion, approval, and the acknowledged
    warnings of the ledger."""
    return [verification_out(v) for v in selectors.verification_of(request.user, credit_code, year)]


@router.post(
    "/verifications/{credit_code}/{year}/assign",
    response={201: VerificationOut, **WRITE},
    auth=API_WRITE,
)
def assign_verifier(
    request: HttpRequest, credit_code: str, year: int, payload: AssignIn
) -> Status[dict[str, Any]]:
    """Assign a verifier organisation (the office): named, or drawn at random among those
    that may verify the enterprise (``can_verify`` and the conflict-of-interest rule)."""
    item = selectors.enterprise(request.user, credit_code)
    require(
        request.user,
        perm_for(VerificationAssignment, "add"),
        VerificationAssignment(enterprise=item),
    )
    organisation = (
        None
        if payload.random or not payload.organisation
        else selectors.verifier_organisation(request.user, payload.organisation)
    )
    record = services.do_assign_verifier(
        request.user, item, year, organisation=organisation, seed=payload.seed, on=payload.on
    )
    return Status(201, verification_out(record))


def _acting(request: HttpRequest, credit_code: str, year: int, kind: str, what: str) -> Any:
    if kind not in ("primary", "spot_check"):
        raise NotFoundError(_("No such verification."), field="kind", value=kind)
    return services.verifier_assignment(
        request.user, credit_code, year, kind, what, "mrv.verify_verificationassignment"
    )


@router.post(
    "/verifications/{credit_code}/{year}/{kind}/steps/{step}",
    response={200: VerificationOut, **WRITE},
    auth=API_WRITE,
)
def verification_step(
    request: HttpRequest, credit_code: str, year: int, kind: str, step: str, payload: StepIn
) -> dict[str, Any]:
    """Record a step (``plan``, ``document_review``, ``site_visit``), in that order (the
    assigned verifier; anyone else is refused and the attempt audited)."""
    record = _acting(request, credit_code, year, kind, step)
    services.do_verification_step(request.user, record, step, payload.done_on, payload.note)
    record.refresh_from_db()
    return verification_out(record)


@router.post(
    "/verifications/{credit_code}/{year}/{kind}/findings",
    response={201: NonConformityOut, **WRITE},
    auth=API_WRITE,
)
def raise_non_conformity(
    request: HttpRequest, credit_code: str, year: int, kind: str, payload: NonConformityIn
) -> Status[dict[str, Any]]:
    """The assigned verifier records a non-conformity."""
    record = _acting(request, credit_code, year, kind, "raise_non_conformity")
    item = services.do_raise_non_conformity(
        request.user, record, payload.description, on=payload.on
    )
    return Status(201, _non_conformity_out(item))


def _non_conformity_out(n: NonConformity) -> dict[str, Any]:
    return {
        "id": n.pk, "description": n.description, "raised_at": n.raised_at,
        "raised_by": _user_name(n.raised_by), "correction": n.correction,
        "corrected_at": n.corrected_at, "corrected_by": _user_name(n.corrected_by),
        "closed_at": n.closed_at, "closed_by": _user_name(n.closed_by),
    }  # fmt: skip


def _finding_of(record: VerificationAssignment, finding_id: int) -> NonConformity:
    found = selectors.non_conformities_of(record).filter(pk=finding_id).first()
    if found is None:
        raise NotFoundError(_("No such finding."), field="finding_id", value=finding_id)
    return found


@router.post(
    "/verifications/{credit_code}/{year}/{kind}/findings/{finding_id}/correct",
    response={200: NonConformityOut, **WRITE},
    auth=API_WRITE,
)
def correct_non_conformity(
    request: HttpRequest,
    credit_code: str,
    year: int,
    kind: str,
    finding_id: int,
    payload: CorrectionIn,
) -> dict[str, Any]:
    """The enterprise says how it corrected the finding."""
    records = selectors.verification_of(request.user, credit_code, year)
    record = next((r for r in records if r.kind == kind), None)
    if record is None:
        raise NotFoundError(_("No such verification."), field="kind", value=kind)
    item = services.do_correct_non_conformity(
        request.user, _finding_of(record, finding_id), payload.correction
    )
    return _non_conformity_out(item)


@router.post(
    "/verifications/{credit_code}/{year}/{kind}/findings/{finding_id}/close",
    response={200: NonConformityOut, **WRITE},
    auth=API_WRITE,
)
def close_non_conformity(
    request: HttpRequest, credit_code: str, year: int, kind: str, finding_id: int, payload: OnIn
) -> dict[str, Any]:
    """The assigned verifier closes a corrected finding."""
    record = _acting(request, credit_code, year, kind, "close_non_conformity")
    item = services.do_close_non_conformity(
        request.user, record, _finding_of(record, finding_id), on=payload.on
    )
    return _non_conformity_out(item)


@router.post(
    "/verifications/{credit_code}/{year}/{kind}/report",
    response={200: VerificationOut, **WRITE},
    auth=API_WRITE,
)
def verification_report(
    request: HttpRequest, credit_code: str, year: int, kind: str, payload: VerificationReportIn
) -> dict[str, Any]:
    """The verification report: verified emissions by source type and the opinion."""
    record = _acting(request, credit_code, year, kind, "verification_report")
    services.do_verification_report(
        request.user, record, payload.emissions, payload.opinion, payload.text, on=payload.on
    )
    record.refresh_from_db()
    return verification_out(record)


@router.post(
    "/verifications/{credit_code}/{year}/approve",
    response={200: VerificationOut, **WRITE},
    auth=API_WRITE,
)
def approve_verification(
    request: HttpRequest, credit_code: str, year: int, payload: ApproveIn
) -> dict[str, Any]:
    """The office reviews the report and approves the verified figure."""
    records = selectors.verification_of(request.user, credit_code, year)
    record = next((r for r in records if r.kind == "primary"), None)
    if record is None:
        raise NotFoundError(_("No such verification."), field="kind", value="primary")
    record = services.do_approve_verification(request.user, record, payload.note)
    return verification_out(record)


@router.post(
    "/spot-checks/{year}",
    response={201: list[VerificationSummaryOut], **WRITE},
    auth=API_WRITE,
)
def draw_spot_checks(
    request: HttpRequest, year: int, payload: SpotCheckIn
) -> Status[list[dict[str, Any]]]:
    """Draw a random share of the year's reported verifications for a second verifier."""
    made = services.do_draw_spot_checks(
        request.user, year, payload.share, seed=payload.seed, on=payload.on
    )
    return Status(201, [verification_out(v, details=False) for v in made])


@router.post(
    "/verifiers/{credit_code}/advisory",
    response={201: AdvisoryOut, **WRITE},
    auth=API_WRITE,
)
def add_advisory(
    request: HttpRequest, credit_code: str, payload: AdvisoryIn
) -> Status[dict[str, Any]]:
    """Record that the organisation advised an enterprise (it may then not verify it)."""
    organisation = selectors.verifier_organisation(request.user, credit_code)
    item = selectors.enterprise(request.user, payload.enterprise)
    record = services.do_add_advisory(
        request.user, organisation, item, from_year=payload.from_year, to_year=payload.to_year,
        note=payload.note,
    )  # fmt: skip
    return Status(
        201,
        {
            "id": record.pk, "organisation": organisation.credit_code,
            "enterprise": item.credit_code, "from_year": record.from_year,
            "to_year": record.to_year, "note": record.note,
        },
    )  # fmt: skip


# --- disclosure and reconciliation ------------------------------------------------------------


@router.post(
    "/verifications/{credit_code}/{year}/publish",
    response={200: DisclosureOut, **WRITE},
    auth=API_WRITE,
)
def publish_disclosure(request: HttpRequest, credit_code: str, year: int) -> dict[str, Any]:
    """Publish the approved verified emissions (the office); the public then sees them."""
    records = selectors.verification_of(request.user, credit_code, year)
    record = next((r for r in records if r.kind == "primary"), None)
    if record is None:
        raise NotFoundError(_("No such verification."), field="kind", value="primary")
    item = services.do_publish_disclosure(request.user, record)
    return {
        "enterprise": item.enterprise.credit_code, "name": item.enterprise.name,
        "sector": item.sector, "year": item.year, "tco2e": _figure(item.tco2e),
        "state": item.state, "trend": {str(item.year): _figure(item.tco2e)},
    }  # fmt: skip


@router.get("/disclosures", response={200: list[DisclosureOut], **READ}, auth=API_READ)
def list_disclosures(request: HttpRequest, year: int | None = None) -> list[dict[str, Any]]:
    """Published verified emissions per enterprise (the year's, or each one's latest), with
    sector and trend; anyone may read the published ones."""
    require(request.user, perm_for(Disclosure, "view"))
    return [
        {
            "enterprise": r["item"].enterprise.credit_code, "name": r["item"].enterprise.name,
            "sector": r["item"].sector, "year": r["item"].year,
            "tco2e": _figure(r["item"].tco2e), "state": r["item"].state,
            "trend": {str(y): _figure(v) for y, v in r["trend"]},
        }
        for r in selectors.disclosure_table(request.user, year)
    ]  # fmt: skip


@router.get("/reconciliation", response={200: list[ReconciliationOut], **READ}, auth=API_WRITE)
def get_reconciliation(
    request: HttpRequest, year: int = 2015, jurisdiction: str = "zhengzhou"
) -> list[dict[str, Any]]:
    """Enterprises' approved verified emissions by jurisdiction (and its sub-jurisdictions)
    and inventory sector against the inventory's direct emissions: coverage share, gap, and
    whether it is unexplained."""
    require(request.user, perm_for(VerifiedEmission, "view"))
    root = selectors.reconciliation_root(jurisdiction)
    return [
        {
            "jurisdiction": p["jurisdiction"].code,
            "inventory": p["run"] is not None,
            "lines": [
                {
                    "sector": line.sector, "enterprises": line.enterprises,
                    "verified_tco2e": str(line.verified_tco2e),
                    "inventory_tco2e": line.inventory_tco2e, "coverage": line.coverage,
                    "gap_tco2e": line.gap_tco2e, "unexplained": line.unexplained,
                }
                for line in p["lines"]
            ],
        }
        for p in selectors.reconciliation(request.user, root, year)
    ]  # fmt: skip
