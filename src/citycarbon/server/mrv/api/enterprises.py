"""``/api/mrv/enterprises`` — the register: enterprises, facilities, contacts, status, roles,
Excel import and what is due."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Query, Status
from ninja.files import UploadedFile

from citycarbon.server.common.api import cached_read, paginate
from citycarbon.server.common.auth import API_WRITE
from citycarbon.server.common.errors import NotFoundError
from citycarbon.server.common.models import User
from citycarbon.server.common.selectors import perm_for, require
from citycarbon.server.common.validators import validate_upload
from citycarbon.server.mrv import selectors, services
from citycarbon.server.mrv.api._common import (
    READ,
    READS,
    READS_WITH_PEOPLE,
    WRITE,
    _figure,
    router,
    today,
)
from citycarbon.server.mrv.models import (
    Contact,
    Enterprise,
)
from citycarbon.server.mrv.schemas import (
    ContactIn,
    ContactOut,
    EnterpriseDetailOut,
    EnterpriseIn,
    EnterprisePageOut,
    EnterpriseQuery,
    EnterpriseUpdateIn,
    FacilityIn,
    FacilityOut,
    ImportOut,
    ObligationOut,
    ObligationQuery,
    RoleIn,
    RoleOut,
    StatusChangeIn,
    StatusChangeOut,
)

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
@cached_read(*READS)
def list_enterprises(request: HttpRequest, query: Query[EnterpriseQuery]) -> dict[str, Any]:
    """The enterprises the caller may see (a district official: its jurisdiction's; an
    enterprise account: its own), filtered by jurisdiction (with its sub-jurisdictions),
    sector guideline, status or text (``q``: names and credit code)."""
    require(request.user, perm_for(Enterprise, "view"))
    filters = selectors.EnterpriseFilter(
        jurisdiction=query.jurisdiction, sector=query.sector, status=query.status, q=query.q
    )
    return paginate(selectors.enterprises(request.user, filters), query, enterprise_out)


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
@cached_read(*READS_WITH_PEOPLE)
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
@cached_read(*READS, vary=today)
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
