"""``/api/mrv/verifiers`` — verifier organisations, accreditations, staff, performance,
sanctions, and whether one may verify an enterprise."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Status

from citycarbon.server.common.api import cached_read, paginate
from citycarbon.server.common.auth import API_WRITE
from citycarbon.server.common.errors import NotFoundError
from citycarbon.server.common.models import User
from citycarbon.server.common.selectors import perm_for, require
from citycarbon.server.mrv import selectors, services
from citycarbon.server.mrv.api._common import (
    READ,
    READS,
    READS_WITH_PEOPLE,
    WRITE,
    router,
    today,
)
from citycarbon.server.mrv.messages import refusal_message
from citycarbon.server.mrv.models import (
    VerifierOrganisation,
    VerifierStaff,
)
from citycarbon.server.mrv.schemas import (
    AccreditationIn,
    AccreditationOut,
    CanVerifyOut,
    OnQuery,
    PageQuery,
    PerformanceIn,
    PerformanceOut,
    SanctionIn,
    SanctionOut,
    StaffEndIn,
    StaffIn,
    StaffOut,
    VerifierDetailOut,
    VerifierIn,
    VerifierPageOut,
    VerifierUpdateIn,
)

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
    found = selectors.verifier_organisation_detail(request.user, credit_code)
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
@cached_read(*READS, vary=today)
def list_verifiers(request: HttpRequest, query: Query[PageQuery]) -> dict[str, Any]:
    """The verifier organisations the caller may see (a verifier: its own)."""
    require(request.user, perm_for(VerifierOrganisation, "view"))
    on = timezone.localdate()
    return paginate(
        selectors.verifier_organisations(request.user), query, lambda o: _verifier_out(o, on)
    )


@router.post("/verifiers", response={201: VerifierDetailOut, **WRITE}, auth=API_WRITE)
def create_verifier(request: HttpRequest, payload: VerifierIn) -> Status[dict[str, Any]]:
    item = services.do_create_verifier(request.user, payload.dict())
    return Status(201, _verifier_detail(request, item.credit_code))


@router.get("/verifiers/{credit_code}", response={200: VerifierDetailOut, **READ}, auth=API_WRITE)
@cached_read(*READS_WITH_PEOPLE, vary=today)
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
@cached_read(*READS, vary=today)
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
