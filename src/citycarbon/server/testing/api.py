"""``/api/testing/specimens`` — the pattern a domain app's lifecycle endpoints follow:
authorise (in the selector or service) → call the service → return an explicit schema."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status

from citycarbon.server.common import selectors, services
from citycarbon.server.common.api import REFUSALS
from citycarbon.server.common.auth import API_READ, API_WRITE
from citycarbon.server.common.errors import NotFoundError
from citycarbon.server.common.schemas import ErrorOut
from citycarbon.server.geo.models import Jurisdiction
from citycarbon.server.testing.models import Specimen

router = Router(tags=["testing"])
WRITE_REFUSALS: dict[int, Any] = {**REFUSALS, 409: ErrorOut}


class SpecimenIn(Schema):
    jurisdiction: str
    year: int
    value: float
    note: str = ""


class SpecimenChange(Schema):
    value: float | None = None
    note: str | None = None


class ReasonIn(Schema):
    reason: str


class SpecimenOut(Schema):
    id: int
    jurisdiction: str
    year: int
    value: float
    note: str
    state: str
    version: int
    supersedes: int | None


def _out(item: Specimen) -> dict[str, Any]:
    return {
        "id": item.pk,
        "jurisdiction": item.jurisdiction.code,
        "year": item.year,
        "value": item.value,
        "note": item.note,
        "state": item.state,
        "version": item.version,
        "supersedes": item.supersedes_id,
    }


def _visible(request: HttpRequest, specimen_id: int) -> Specimen:
    return selectors.get_visible(
        Specimen.objects.select_related("jurisdiction"), request.user, "pk", specimen_id
    )


@router.get("/specimens", response=list[SpecimenOut], auth=API_READ)
def list_specimens(request: HttpRequest) -> list[dict[str, Any]]:
    qs = selectors.scoped(Specimen.objects.select_related("jurisdiction"), request.user)
    return [_out(item) for item in qs.order_by("pk")]


@router.get("/specimens/{specimen_id}", response={200: SpecimenOut, **REFUSALS}, auth=API_READ)
def get_specimen(request: HttpRequest, specimen_id: int) -> dict[str, Any]:
    return _out(_visible(request, specimen_id))


@router.post("/specimens", response={201: SpecimenOut, **WRITE_REFUSALS}, auth=API_WRITE)
def create_specimen(request: HttpRequest, payload: SpecimenIn) -> Status[dict[str, Any]]:
    jurisdiction = Jurisdiction.objects.filter(code=payload.jurisdiction).first()
    if jurisdiction is None:
        raise NotFoundError(
            "jurisdiction not found", field="jurisdiction", value=payload.jurisdiction
        )
    item = Specimen(
        jurisdiction=jurisdiction, year=payload.year, value=payload.value, note=payload.note
    )
    created = services.do_create_draft(request.user, item)
    return Status(201, _out(created))


@router.patch(
    "/specimens/{specimen_id}", response={200: SpecimenOut, **WRITE_REFUSALS}, auth=API_WRITE
)
def update_specimen(
    request: HttpRequest, specimen_id: int, payload: SpecimenChange
) -> dict[str, Any]:
    item = _visible(request, specimen_id)
    changes = payload.dict(exclude_none=True)
    return _out(services.do_update_draft(request.user, item, changes))


def _step(request: HttpRequest, specimen_id: int, step: str, reason: str = "") -> dict[str, Any]:
    item = _visible(request, specimen_id)
    actor = request.user
    result = services.do_lifecycle_step(actor, item, step, reason)
    return _out(Specimen.objects.select_related("jurisdiction").get(pk=result.pk))


@router.post(
    "/specimens/{specimen_id}/submit",
    response={200: SpecimenOut, **WRITE_REFUSALS},
    auth=API_WRITE,
)
def submit_specimen(request: HttpRequest, specimen_id: int) -> dict[str, Any]:
    return _step(request, specimen_id, "submit")


@router.post(
    "/specimens/{specimen_id}/approve",
    response={200: SpecimenOut, **WRITE_REFUSALS},
    auth=API_WRITE,
)
def approve_specimen(request: HttpRequest, specimen_id: int) -> dict[str, Any]:
    return _step(request, specimen_id, "approve")


@router.post(
    "/specimens/{specimen_id}/publish",
    response={200: SpecimenOut, **WRITE_REFUSALS},
    auth=API_WRITE,
)
def publish_specimen(request: HttpRequest, specimen_id: int) -> dict[str, Any]:
    return _step(request, specimen_id, "publish")


@router.post(
    "/specimens/{specimen_id}/return",
    response={200: SpecimenOut, **WRITE_REFUSALS},
    auth=API_WRITE,
)
def return_specimen(request: HttpRequest, specimen_id: int, payload: ReasonIn) -> dict[str, Any]:
    return _step(request, specimen_id, "return", payload.reason)


@router.post(
    "/specimens/{specimen_id}/correct",
    response={201: SpecimenOut, **WRITE_REFUSALS},
    auth=API_WRITE,
)
def correct_specimen(
    request: HttpRequest, specimen_id: int, payload: ReasonIn
) -> Status[dict[str, Any]]:
    return Status(201, _step(request, specimen_id, "correct", payload.reason))
