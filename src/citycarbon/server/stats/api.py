"""``/api/stats/`` — yearly statistics: list, read, enter, change, the lifecycle steps, the
plausibility warnings, and bulk import (JSON, or the Excel workbook)."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile

from citycarbon.server.common.api import REFUSALS, cached_read, paginate
from citycarbon.server.common.auth import API_READ, API_WRITE
from citycarbon.server.common.errors import NotFoundError
from citycarbon.server.common.schemas import ErrorOut
from citycarbon.server.common.validators import validate_upload
from citycarbon.server.geo import selectors as geo_selectors
from citycarbon.server.stats import selectors, services
from citycarbon.server.stats.choices import FIGURES
from citycarbon.server.stats.models import Statistic
from citycarbon.server.stats.schemas import (
    AcknowledgeIn,
    BulkIn,
    FiguresIn,
    ImportOut,
    ReasonIn,
    StatisticIn,
    StatisticOut,
    StatisticPageOut,
    StatisticQuery,
    WarningOut,
)
from citycarbon.server.stats.services import ImportRow
from citycarbon.server.stats.validation import Figures
from citycarbon.server.stats.workbook import Cell

router = Router(tags=["stats"])
WRITE_REFUSALS: dict[int, Any] = {**REFUSALS, 409: ErrorOut}


def _out(item: Statistic) -> dict[str, Any]:
    figures = Figures.of(item)
    return {
        "id": item.pk,
        "jurisdiction": item.jurisdiction.code,
        "year": item.year,
        "version": item.version,
        "state": item.state,
        "lineage": str(item.lineage),
        "supersedes": item.supersedes_id,
        "correction_reason": item.correction_reason,
        "created_at": item.created_at,
        **{name: getattr(item, name) for name in FIGURES},
        "fuels": [
            {"fuel": fuel, "quantity": quantity, "unit": unit}
            for fuel, (quantity, unit) in sorted(figures.fuels.items())
        ],
        "measures": [
            {"item": code, "points": points, "evidence": evidence}
            for code, (points, evidence) in sorted(figures.measures.items())
        ],
        "indicators": dict(sorted(figures.indicators.items())),
        "note": item.note,
        "illustrative": item.illustrative,
    }


def _figures(payload: FiguresIn) -> Figures:
    return Figures(
        values={
            name: getattr(payload, name) for name in FIGURES if getattr(payload, name) is not None
        },
        fuels={f.fuel: (f.quantity, f.unit.strip()) for f in payload.fuels},
        measures={m.item: (m.points, m.evidence.strip()) for m in payload.measures},
        indicators=dict(payload.indicators),
        note=payload.note.strip(),
        illustrative=payload.illustrative,
    )


def _visible(request: HttpRequest, statistic_id: int) -> Statistic:
    return selectors.statistic(request.user, statistic_id)


@router.get("/statistics", response={200: StatisticPageOut, **REFUSALS}, auth=API_READ)
@cached_read("stats", "geo")
def list_statistics(request: HttpRequest, query: Query[StatisticQuery]) -> dict[str, Any]:
    """The statistics the caller may see: by default the latest visible version of each
    jurisdiction-year (``all_versions`` for every version), paginated."""
    qs = selectors.statistics(
        request.user,
        jurisdiction=query.jurisdiction,
        year=query.year,
        state=query.state,
        all_versions=query.all_versions,
    ).prefetch_related(*selectors.CHILDREN)
    return paginate(qs, query, _out)


@router.get("/statistics/{statistic_id}", response={200: StatisticOut, **REFUSALS}, auth=API_READ)
@cached_read("stats", "geo")
def get_statistic(request: HttpRequest, statistic_id: int) -> dict[str, Any]:
    return _out(_visible(request, statistic_id))


@router.post("/statistics", response={201: StatisticOut, **WRITE_REFUSALS}, auth=API_WRITE)
def create_statistic(request: HttpRequest, payload: StatisticIn) -> Status[dict[str, Any]]:
    """A new draft for a jurisdiction-year that has none."""
    jurisdiction = (
        geo_selectors.jurisdictions(request.user).filter(code=payload.jurisdiction).first()
    )
    if jurisdiction is None:
        raise NotFoundError(
            _("Jurisdiction not found."), field="jurisdiction", value=payload.jurisdiction
        )
    item = services.do_create_statistic(request.user, jurisdiction, payload.year, _figures(payload))
    return Status(201, _out(item))


@router.put(
    "/statistics/{statistic_id}", response={200: StatisticOut, **WRITE_REFUSALS}, auth=API_WRITE
)
def update_statistic(request: HttpRequest, statistic_id: int, payload: FiguresIn) -> dict[str, Any]:
    """Replace the figures of a draft."""
    item = _visible(request, statistic_id)
    return _out(services.do_update_statistic(request.user, item, _figures(payload)))


def _reloaded(request: HttpRequest, item: Statistic) -> dict[str, Any]:
    return _out(selectors.statistic(request.user, item.pk))


@router.post(
    "/statistics/{statistic_id}/submit",
    response={200: StatisticOut, **WRITE_REFUSALS},
    auth=API_WRITE,
)
def submit_statistic(request: HttpRequest, statistic_id: int) -> dict[str, Any]:
    """Draft → submitted (every plausibility warning acknowledged first)."""
    item = services.do_submit_statistic(request.user, _visible(request, statistic_id))
    return _reloaded(request, item)


@router.post(
    "/statistics/{statistic_id}/approve",
    response={200: StatisticOut, **WRITE_REFUSALS},
    auth=API_WRITE,
)
def approve_statistic(request: HttpRequest, statistic_id: int) -> dict[str, Any]:
    item = services.do_approve_statistic(request.user, _visible(request, statistic_id))
    return _reloaded(request, item)


@router.post(
    "/statistics/{statistic_id}/publish",
    response={200: StatisticOut, **WRITE_REFUSALS},
    auth=API_WRITE,
)
def publish_statistic(request: HttpRequest, statistic_id: int) -> dict[str, Any]:
    item = services.do_publish_statistic(request.user, _visible(request, statistic_id))
    return _reloaded(request, item)


@router.post(
    "/statistics/{statistic_id}/return",
    response={200: StatisticOut, **WRITE_REFUSALS},
    auth=API_WRITE,
)
def return_statistic(request: HttpRequest, statistic_id: int, payload: ReasonIn) -> dict[str, Any]:
    item = services.do_return_statistic(
        request.user, _visible(request, statistic_id), payload.reason
    )
    return _reloaded(request, item)


@router.post(
    "/statistics/{statistic_id}/correct",
    response={201: StatisticOut, **WRITE_REFUSALS},
    auth=API_WRITE,
)
def correct_statistic(
    request: HttpRequest, statistic_id: int, payload: ReasonIn
) -> Status[dict[str, Any]]:
    """Open a correction of a published record (a new draft version)."""
    item = services.do_correct_statistic(
        request.user, _visible(request, statistic_id), payload.reason
    )
    return Status(201, _reloaded(request, item))


def _warnings(item: Statistic) -> list[dict[str, Any]]:
    return [
        {
            "code": warning.code,
            "value": warning.value,
            "low": warning.low,
            "high": warning.high,
            "message": str(warning.message),
            "acknowledged": ack is not None,
            "reason": ack.reason if ack is not None else None,
        }
        for warning, ack in selectors.warnings_of(item)
    ]


@router.get(
    "/statistics/{statistic_id}/warnings",
    response={200: list[WarningOut], **REFUSALS},
    auth=API_READ,
)
def list_warnings(request: HttpRequest, statistic_id: int) -> list[dict[str, Any]]:
    """The record's plausibility warnings against the previous year."""
    return _warnings(_visible(request, statistic_id))


@router.post(
    "/statistics/{statistic_id}/warnings/acknowledge",
    response={200: list[WarningOut], **WRITE_REFUSALS},
    auth=API_WRITE,
)
def acknowledge_warning(
    request: HttpRequest, statistic_id: int, payload: AcknowledgeIn
) -> list[dict[str, Any]]:
    """Acknowledge one warning of a draft with the reason the figure is right."""
    item = _visible(request, statistic_id)
    services.do_acknowledge_warning(request.user, item, payload.code, payload.reason)
    return _warnings(_visible(request, statistic_id))


def _item_cell(index: int, field: str) -> Cell:
    return Cell("items", index, field or "year")


@router.post("/bulk", response={200: ImportOut, **WRITE_REFUSALS}, auth=API_WRITE)
def bulk_import(request: HttpRequest, payload: BulkIn) -> dict[str, Any]:
    """Import many jurisdiction-years at once: all or nothing; each refused value is named by
    its item (``row``, 1-based) and field."""
    rows = [
        ImportRow(
            jurisdiction=item.jurisdiction,
            year=item.year,
            raw=_figures(item).to_kernel() | ({"note": item.note} if item.note else {}),
            locate=partial(_item_cell, index),
            illustrative=item.illustrative,
        )
        for index, item in enumerate(payload.items, start=1)
    ]
    result = services.do_import_rows(
        request.user,
        rows,
        source=f"API bulk import ({len(rows)} items)",
        correction_reason=payload.correction_reason,
    )
    return result.as_dict()


@router.post("/import", response={200: ImportOut, **WRITE_REFUSALS}, auth=API_WRITE)
def import_workbook(
    request: HttpRequest,
    file: File[UploadedFile],
    correction_reason: Form[str] = "",
) -> dict[str, Any]:
    """Import a statistics workbook (.xlsx, the ``citycarbon template targets`` format): all
    rows or none; each problem named by sheet, row (``row``), column (``field`` = sheet.column)
    and value."""
    validate_upload(file, [".xlsx"])
    result = services.do_import_workbook(
        request.user,
        file.read(),
        filename=file.name or "upload.xlsx",
        correction_reason=correction_reason,
    )
    return result.as_dict()
