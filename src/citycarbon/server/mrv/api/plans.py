"""``/api/mrv/enterprises/{credit_code}/plans`` — monitoring plans and their steps."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import File, Query, Status
from ninja.files import UploadedFile

from citycarbon.server.common.api import cached_read, paginate
from citycarbon.server.common.auth import API_WRITE
from citycarbon.server.common.validators import validate_upload
from citycarbon.server.mrv import plans, selectors, services
from citycarbon.server.mrv.api._common import READ, READS_WITH_PEOPLE, WRITE, _user_name, router
from citycarbon.server.mrv.models import (
    MonitoringPlan,
)
from citycarbon.server.mrv.schemas import (
    PageQuery,
    PlanDocumentIn,
    PlanOut,
    PlanReviseIn,
    PlanVersionPageOut,
    ReasonIn,
)


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
    "/enterprises/{credit_code}/plans", response={200: PlanVersionPageOut, **READ}, auth=API_WRITE
)
@cached_read(*READS_WITH_PEOPLE)
def list_plans(request: HttpRequest, credit_code: str, query: Query[PageQuery]) -> dict[str, Any]:
    """Every version of the enterprise's monitoring plans, latest year and version first,
    paginated."""
    item = selectors.enterprise_without_sectors(request.user, credit_code)
    return paginate(selectors.plans_of(request.user, item), query, plan_version_out)


@router.get(
    "/enterprises/{credit_code}/plans/{year}", response={200: PlanOut, **READ}, auth=API_WRITE
)
@cached_read(*READS_WITH_PEOPLE)
def get_plan(
    request: HttpRequest, credit_code: str, year: int, version: int | None = None
) -> dict[str, Any]:
    """The year's plan (its latest version, or ``version``): the plan, as a table, the
    kernel's warnings, and the versions of the lineage."""
    item = selectors.enterprise_without_sectors(request.user, credit_code)
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
