"""``/api/inventory/`` — stored inventories (the engine's input form, versioned), their
compilations with provenance, drill-down, recalculation differences and yearly series."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status

from citycarbon.server.common import services as common
from citycarbon.server.common.api import REFUSALS, cached_read, paginate
from citycarbon.server.common.auth import API_READ, API_WRITE
from citycarbon.server.common.errors import ValidationFailedError
from citycarbon.server.common.schemas import ErrorOut, PageQuery
from citycarbon.server.factors import selectors as factor_selectors
from citycarbon.server.factors.api import row_out
from citycarbon.server.geo import selectors as geo_selectors
from citycarbon.server.inventory import selectors, services
from citycarbon.server.inventory.models import Inventory, InventoryRun
from citycarbon.server.inventory.schemas import (
    InventoryCategoryOut,
    InventoryChangeIn,
    InventoryCompileIn,
    InventoryIn,
    InventoryOut,
    InventoryPageOut,
    InventoryReasonIn,
    InventoryRecalculationOut,
    InventoryRunOut,
    InventoryRunPageOut,
    InventorySeriesOut,
)

router = Router(tags=["inventory"])
READ_REFUSALS: dict[int, Any] = {400: ErrorOut, 404: ErrorOut}
WRITE_REFUSALS: dict[int, Any] = {**REFUSALS, 409: ErrorOut}


class InventoryQuery(PageQuery):
    jurisdiction: str = ""
    year: int | None = None
    state: str = ""


class InventoryRunQuery(PageQuery):
    inventory: int | None = None
    jurisdiction: str = ""


def inventory_out(item: Inventory) -> dict[str, Any]:
    return {
        "id": item.pk,
        "jurisdiction": item.jurisdiction.code,
        "year": item.year,
        "title": item.title,
        "version": item.version,
        "state": item.state,
        "source": item.source,
        "note": item.note,
        "supersedes": item.supersedes_id,
        "correction_reason": item.correction_reason,
        "created_at": item.created_at,
        "published_at": item.published_at,
    }


def run_list_out(item: InventoryRun) -> dict[str, Any]:
    """A compilation for a list (``InventoryRunListOut``)."""
    return {
        "id": item.pk,
        "inventory": item.inventory_id,
        "jurisdiction": item.inventory.jurisdiction.code,
        "year": item.inventory.year,
        "inventory_version": item.inventory.version,
        "factor_set": item.factor_set_id,
        "factor_library": item.factor_library,
        "metric": item.metric,
        "iterations": item.iterations,
        "seed": item.seed,
        "status": item.status,
        "stage": item.stage,
        "progress": item.progress,
        "message": item.message,
        "engine_version": item.engine_version,
        "input_digest": item.input_digest,
        "factor_digest": item.factor_digest,
        "created_at": item.created_at,
        "created_by": item.created_by.get_username() if item.created_by else None,
        "finished_at": item.finished_at,
        "total_tco2e": item.total_tco2e,
        "total_without_lucf_tco2e": item.total_without_lucf_tco2e,
    }


def run_out(item: InventoryRun) -> dict[str, Any]:
    """A compilation with its summary and refusals (``InventoryRunOut``)."""
    return {
        **run_list_out(item),
        "summary": item.summary or {},
        "errors": list(item.errors) if "errors" not in item.get_deferred_fields() else [],
    }


# --- inventories -----------------------------------------------------------------------------


@router.get("/inventories", response={200: InventoryPageOut, **READ_REFUSALS}, auth=API_READ)
@cached_read("inventory", "geo")
def list_inventories(request: HttpRequest, query: Query[InventoryQuery]) -> dict[str, Any]:
    """Inventory versions the caller may see (the public: published ones), paginated."""
    qs = selectors.inventories(request.user)
    if query.jurisdiction:
        qs = qs.filter(jurisdiction__code=query.jurisdiction)
    if query.year is not None:
        qs = qs.filter(year=query.year)
    if query.state:
        qs = qs.filter(state=query.state)
    return paginate(qs, query, inventory_out)


@router.post("/inventories", response={201: InventoryOut, **WRITE_REFUSALS}, auth=API_WRITE)
def create_inventory(request: HttpRequest, payload: InventoryIn) -> Status[dict[str, Any]]:
    """Store an inventory input as a draft (one lineage per jurisdiction and year)."""
    jurisdiction = geo_selectors.jurisdiction(request.user, payload.jurisdiction)
    item = services.do_create_inventory(
        request.user,
        jurisdiction=jurisdiction,
        year=payload.year,
        form=payload.form,
        title=payload.title,
        note=payload.note,
        source="api",
    )
    return Status(201, inventory_out(item))


@router.get(
    "/inventories/{inventory_id}", response={200: InventoryOut, **READ_REFUSALS}, auth=API_READ
)
@cached_read("inventory", "geo")
def get_inventory(request: HttpRequest, inventory_id: int) -> dict[str, Any]:
    return inventory_out(selectors.inventory(request.user, inventory_id))


@router.get(
    "/inventories/{inventory_id}/form",
    response={200: dict[str, Any], **READ_REFUSALS},
    auth=API_READ,
)
@cached_read("inventory", "geo")
def get_inventory_form(request: HttpRequest, inventory_id: int) -> dict[str, Any]:
    """The stored input form, as given (the engine's JSON form)."""
    form: dict[str, Any] = selectors.inventory(request.user, inventory_id).form
    return form


@router.patch(
    "/inventories/{inventory_id}",
    response={200: InventoryOut, **WRITE_REFUSALS},
    auth=API_WRITE,
)
def update_inventory(
    request: HttpRequest, inventory_id: int, payload: InventoryChangeIn
) -> dict[str, Any]:
    """Change a draft: its input form, title or note."""
    item = selectors.inventory(request.user, inventory_id)
    changes = payload.dict(exclude_none=True)
    return inventory_out(services.do_update_inventory(request.user, item, changes))


def _step(request: HttpRequest, inventory_id: int, step: str, reason: str = "") -> dict[str, Any]:
    item = selectors.inventory(request.user, inventory_id)
    actor = request.user
    result = common.do_lifecycle_step(actor, item, step, reason)
    return inventory_out(Inventory.objects.select_related("jurisdiction").get(pk=result.pk))


@router.post(
    "/inventories/{inventory_id}/submit",
    response={200: InventoryOut, **WRITE_REFUSALS},
    auth=API_WRITE,
)
def submit_inventory(request: HttpRequest, inventory_id: int) -> dict[str, Any]:
    return _step(request, inventory_id, "submit")


@router.post(
    "/inventories/{inventory_id}/approve",
    response={200: InventoryOut, **WRITE_REFUSALS},
    auth=API_WRITE,
)
def approve_inventory(request: HttpRequest, inventory_id: int) -> dict[str, Any]:
    return _step(request, inventory_id, "approve")


@router.post(
    "/inventories/{inventory_id}/publish",
    response={200: InventoryOut, **WRITE_REFUSALS},
    auth=API_WRITE,
)
def publish_inventory(request: HttpRequest, inventory_id: int) -> dict[str, Any]:
    return _step(request, inventory_id, "publish")


@router.post(
    "/inventories/{inventory_id}/return",
    response={200: InventoryOut, **WRITE_REFUSALS},
    auth=API_WRITE,
)
def return_inventory(
    request: HttpRequest, inventory_id: int, payload: InventoryReasonIn
) -> dict[str, Any]:
    return _step(request, inventory_id, "return", payload.reason)


@router.post(
    "/inventories/{inventory_id}/correct",
    response={201: InventoryOut, **WRITE_REFUSALS},
    auth=API_WRITE,
)
def correct_inventory(
    request: HttpRequest, inventory_id: int, payload: InventoryReasonIn
) -> Status[dict[str, Any]]:
    """Open a new version of a published inventory, with the reason."""
    return Status(201, _step(request, inventory_id, "correct", payload.reason))


@router.post(
    "/inventories/{inventory_id}/compile",
    response={201: InventoryRunOut, **WRITE_REFUSALS},
    auth=API_WRITE,
)
def compile_inventory(
    request: HttpRequest, inventory_id: int, payload: InventoryCompileIn
) -> Status[dict[str, Any]]:
    """Compile now with a factor-set version and GWP metric (and Monte Carlo iterations).
    The same options on the same input return the compilation made before. An input the
    engine refuses gives a compilation with status ``refused`` and every problem in
    ``errors``."""
    item = selectors.inventory(request.user, inventory_id)
    factor_set = factor_selectors.factor_set(request.user, payload.factor_set)
    run = services.do_compile(
        request.user,
        item,
        factor_set=factor_set,
        metric=payload.metric,
        iterations=payload.iterations,
        seed=payload.seed,
    )
    return Status(201, run_out(selectors.run(request.user, run.pk)))


# --- compilations ----------------------------------------------------------------------------


@router.get("/runs", response={200: InventoryRunPageOut, **READ_REFUSALS}, auth=API_READ)
@cached_read(*selectors.DOMAINS)
def list_inventory_runs(request: HttpRequest, query: Query[InventoryRunQuery]) -> dict[str, Any]:
    """Compilations the caller may see, newest first, paginated (each without its summary:
    ``/runs/{run_id}``)."""
    qs = selectors.runs(request.user)
    if query.inventory is not None:
        qs = qs.filter(inventory=query.inventory)
    if query.jurisdiction:
        qs = qs.filter(inventory__jurisdiction__code=query.jurisdiction)
    return paginate(qs, query, run_list_out)


@router.get("/runs/{run_id}", response={200: InventoryRunOut, **READ_REFUSALS}, auth=API_READ)
@cached_read(*selectors.DOMAINS)
def get_inventory_run(request: HttpRequest, run_id: int) -> dict[str, Any]:
    """A compilation: provenance, status, totals and summary."""
    return run_out(selectors.run(request.user, run_id))


@router.get("/runs/{run_id}/result", response={200: dict[str, Any], **READ_REFUSALS}, auth=API_READ)
@cached_read(*selectors.DOMAINS)
def get_inventory_run_result(request: HttpRequest, run_id: int) -> dict[str, Any]:
    """The whole result as the engine gave it (``InventoryResult.as_dict()``), with the key
    categories, Approach 1 and Monte Carlo uncertainty."""
    item = selectors.run(request.user, run_id)
    if item.result is None:
        raise ValidationFailedError("no result", field="status", value=item.status)
    return {**item.result, "analysis": item.analysis, "monte_carlo": item.uncertainty}


@router.get(
    "/runs/{run_id}/categories/{category_id}",
    response={200: InventoryCategoryOut, **READ_REFUSALS},
    auth=API_READ,
)
@cached_read(*selectors.DOMAINS)
def get_inventory_run_category(
    request: HttpRequest, run_id: int, category_id: str
) -> dict[str, Any]:
    """Drill-down: a category's formula, lines, activity data and parameters, with the
    factor rows (value, source, verification status) its defaults came from."""
    item = selectors.run(request.user, run_id)
    if item.result is None:
        raise ValidationFailedError("no result", field="status", value=item.status)
    detail = selectors.category_detail(item, category_id)
    data = next(c for c in item.result["categories"] if c["id"] == category_id)
    return {
        "id": data["id"],
        "code": data.get("code", ""),
        "sector": data.get("sector", ""),
        "name_zh": data.get("name_zh", ""),
        "name_en": data.get("name_en", ""),
        "reporting": data.get("reporting", "direct"),
        "formula": data.get("formula", ""),
        "reference": data.get("reference", ""),
        "cells": data.get("cells", {}),
        "tco2e": data.get("tco2e"),
        "notation_keys": data.get("notation_keys", {}),
        "lines": data.get("lines", []),
        "factors": {fid: row_out(row) for fid, row in detail.factors.items()},
    }


@router.get(
    "/runs/{old_id}/compare/{new_id}",
    response={200: InventoryRecalculationOut, **READ_REFUSALS},
    auth=API_READ,
)
@cached_read(*selectors.DOMAINS)
def compare_inventory_runs(request: HttpRequest, old_id: int, new_id: int) -> dict[str, Any]:
    """Recalculation differences per category from one compilation to another."""
    old = selectors.run(request.user, old_id)
    new = selectors.run(request.user, new_id)
    for item in (old, new):
        if item.result is None:
            raise ValidationFailedError("no result", field="status", value=item.status)
    result = selectors.recalculation(old, new)
    return {
        "old": old.pk,
        "new": new.pk,
        "causes": result["causes"],
        "totals": result["totals"],
        "rows": result["rows"],
    }


@router.get(
    "/jurisdictions/{code}/series",
    response={200: InventorySeriesOut, **READ_REFUSALS},
    auth=API_READ,
)
@cached_read(*selectors.DOMAINS)
def get_inventory_series(request: HttpRequest, code: str, scope: str = "ceads") -> dict[str, Any]:
    """A jurisdiction's yearly figures (the current compilation of each year) and, for a city,
    the comparison with the CEADs city series in ``scope`` (``ceads`` or ``energy``)."""
    jurisdiction = geo_selectors.jurisdiction(request.user, code)
    current = selectors.current_runs(request.user, jurisdiction)
    comparison = selectors.ceads_comparison(request.user, jurisdiction, scope, current=current)
    return {
        "jurisdiction": jurisdiction.code,
        "years": [
            {
                "year": year,
                "run": item.pk,
                "inventory_version": item.inventory.version,
                "state": item.inventory.state,
                "total_tco2e": item.total_tco2e,
                "total_without_lucf_tco2e": item.total_without_lucf_tco2e,
                "by_sector_tco2e": (item.summary or {}).get("by_sector_tco2e", {}),
                "factor_library": item.factor_library,
                "metric": item.metric,
            }
            for year, item in current.items()
        ],
        "reference": comparison.as_dict() if comparison is not None else None,
    }
