"""``/api/factors/`` — factor sets, their rows, versions and comparisons."""

from __future__ import annotations

from typing import Any

from django.core.paginator import EmptyPage, Paginator
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from citycarbon.server.common import services as common
from citycarbon.server.common.api import REFUSALS, cached_read, paginate
from citycarbon.server.common.auth import API_READ, API_WRITE
from citycarbon.server.common.errors import NotFoundError
from citycarbon.server.common.schemas import ErrorOut, PageQuery
from citycarbon.server.factors import selectors, services
from citycarbon.server.factors.models import FactorRow, FactorSet
from citycarbon.server.factors.schemas import (
    FactorComparisonOut,
    FactorRowIn,
    FactorRowOut,
    FactorRowPageOut,
    FactorRowQuery,
    FactorSetCreateIn,
    FactorSetOut,
    FactorSetPageOut,
    FactorSetReasonIn,
)
from citycarbon.server.geo import selectors as geo_selectors

router = Router(tags=["factors"])
READ_REFUSALS: dict[int, Any] = {404: ErrorOut}
WRITE_REFUSALS: dict[int, Any] = {**REFUSALS, 409: ErrorOut}


def set_out(item: FactorSet, rows: int | None = None) -> dict[str, Any]:
    count = rows if rows is not None else getattr(item, "row_count", None)
    return {
        "id": item.pk,
        "name": item.name,
        "title": item.title,
        "description": item.description,
        "jurisdiction": item.jurisdiction.code,
        "version": item.version,
        "state": item.state,
        "library_version": item.library_version,
        "rows": count if count is not None else item.rows.count(),
        "supersedes": item.supersedes_id,
        "correction_reason": item.correction_reason,
        "created_at": item.created_at,
        "published_at": item.published_at,
    }


def row_out(row: FactorRow) -> dict[str, Any]:
    return row.as_data()


@router.get("/sets", response={200: FactorSetPageOut, **READ_REFUSALS}, auth=API_READ)
@cached_read("factors", "geo")
def list_factor_sets(request: HttpRequest, query: Query[PageQuery]) -> dict[str, Any]:
    """Every factor set version the caller may see (the public: published ones), paginated."""
    return paginate(selectors.factor_sets(request.user), query, set_out)


@router.post("/sets", response={201: FactorSetOut, **WRITE_REFUSALS}, auth=API_WRITE)
def create_factor_set(request: HttpRequest, payload: FactorSetCreateIn) -> Status[dict[str, Any]]:
    """A new factor set as a draft, empty or with the rows of ``copy_from``."""
    jurisdiction = geo_selectors.jurisdiction(request.user, payload.jurisdiction)
    source = (
        selectors.factor_set(request.user, payload.copy_from)
        if payload.copy_from is not None
        else None
    )
    item = services.do_create_set(
        request.user,
        jurisdiction=jurisdiction,
        name=payload.name,
        title=payload.title,
        description=payload.description,
        copy_from=source,
    )
    return Status(201, set_out(item))


@router.get("/sets/{set_id}", response={200: FactorSetOut, **READ_REFUSALS}, auth=API_READ)
@cached_read("factors", "geo")
def get_factor_set(request: HttpRequest, set_id: int) -> dict[str, Any]:
    return set_out(selectors.factor_set(request.user, set_id))


@router.get("/sets/{set_id}/rows", response={200: FactorRowPageOut, **READ_REFUSALS}, auth=API_READ)
@cached_read("factors", "geo")
def list_factor_rows(
    request: HttpRequest, set_id: int, query: Query[FactorRowQuery]
) -> dict[str, Any]:
    """The rows of a set, filtered by parameter, subject, kind, guideline set, verification
    status or text (``q``: id, subject, source, note)."""
    item = selectors.factor_set(request.user, set_id)
    filters = selectors.RowFilter(
        parameter=query.parameter,
        subject=query.subject,
        kind=query.kind,
        guideline=query.guideline,
        status=query.status,
        q=query.q,
    )
    paginator = Paginator(selectors.rows_of(item, filters), query.page_size)
    try:
        page = paginator.page(query.page)
    except EmptyPage:
        raise NotFoundError(_("No such page."), field="page", value=query.page) from None
    return {
        "count": paginator.count,
        "page": page.number,
        "pages": paginator.num_pages,
        "items": [row_out(row) for row in page.object_list],
    }


@router.get(
    "/sets/{set_id}/rows/{factor_id}",
    response={200: FactorRowOut, **READ_REFUSALS},
    auth=API_READ,
)
@cached_read("factors", "geo")
def get_factor_row(request: HttpRequest, set_id: int, factor_id: str) -> dict[str, Any]:
    item = selectors.factor_set(request.user, set_id)
    return row_out(selectors.factor_row(item, factor_id))


@router.put(
    "/sets/{set_id}/rows/{factor_id}",
    response={200: FactorRowOut, **WRITE_REFUSALS},
    auth=API_WRITE,
)
def put_factor_row(
    request: HttpRequest, set_id: int, factor_id: str, payload: FactorRowIn
) -> dict[str, Any]:
    """Add the row ``factor_id`` to a draft set, or change it (a local factor with its
    source)."""
    item = selectors.factor_set(request.user, set_id)
    row = services.do_set_row(request.user, item, {**payload.dict(), "factor_id": factor_id})
    return row_out(row)


@router.delete(
    "/sets/{set_id}/rows/{factor_id}",
    response={204: None, **WRITE_REFUSALS},
    auth=API_WRITE,
)
def delete_factor_row(request: HttpRequest, set_id: int, factor_id: str) -> Status[None]:
    item = selectors.factor_set(request.user, set_id)
    services.do_remove_row(request.user, item, factor_id)
    return Status(204, None)


def _step(request: HttpRequest, set_id: int, step: str, reason: str = "") -> dict[str, Any]:
    item = selectors.factor_set(request.user, set_id)
    actor = request.user
    result = common.do_lifecycle_step(actor, item, step, reason)
    return set_out(FactorSet.objects.select_related("jurisdiction").get(pk=result.pk))


@router.post(
    "/sets/{set_id}/submit", response={200: FactorSetOut, **WRITE_REFUSALS}, auth=API_WRITE
)
def submit_factor_set(request: HttpRequest, set_id: int) -> dict[str, Any]:
    return _step(request, set_id, "submit")


@router.post(
    "/sets/{set_id}/approve", response={200: FactorSetOut, **WRITE_REFUSALS}, auth=API_WRITE
)
def approve_factor_set(request: HttpRequest, set_id: int) -> dict[str, Any]:
    return _step(request, set_id, "approve")


@router.post(
    "/sets/{set_id}/publish", response={200: FactorSetOut, **WRITE_REFUSALS}, auth=API_WRITE
)
def publish_factor_set(request: HttpRequest, set_id: int) -> dict[str, Any]:
    return _step(request, set_id, "publish")


@router.post(
    "/sets/{set_id}/return", response={200: FactorSetOut, **WRITE_REFUSALS}, auth=API_WRITE
)
def return_factor_set(
    request: HttpRequest, set_id: int, payload: FactorSetReasonIn
) -> dict[str, Any]:
    return _step(request, set_id, "return", payload.reason)


@router.post(
    "/sets/{set_id}/correct", response={201: FactorSetOut, **WRITE_REFUSALS}, auth=API_WRITE
)
def correct_factor_set(
    request: HttpRequest, set_id: int, payload: FactorSetReasonIn
) -> Status[dict[str, Any]]:
    """Open a new version of a published set (a draft with its rows), with the reason."""
    return Status(201, _step(request, set_id, "correct", payload.reason))


@router.get(
    "/sets/{old_id}/compare/{new_id}",
    response={200: FactorComparisonOut, **READ_REFUSALS},
    auth=API_READ,
)
@cached_read("factors", "geo")
def compare_factor_sets(request: HttpRequest, old_id: int, new_id: int) -> dict[str, Any]:
    """Rows added, removed and changed from one version (or set) to another, with the old and
    new values."""
    old = selectors.factor_set(request.user, old_id)
    new = selectors.factor_set(request.user, new_id)
    result = selectors.compare_sets(old, new)
    return {
        "old": set_out(old),
        "new": set_out(new),
        "added": result.added,
        "removed": result.removed,
        "changed": result.changed,
        "unchanged": result.unchanged,
        "changes": [
            {
                "factor_id": change.factor_id,
                "change": change.change,
                "old": row_out(change.old) if change.old else None,
                "new": row_out(change.new) if change.new else None,
                "fields": {name: list(pair) for name, pair in change.fields.items()},
            }
            for change in result.changes
        ],
    }
