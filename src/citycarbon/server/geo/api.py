"""``/api/geo/`` — jurisdictions (public reference data)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from citycarbon.server.common.api import cached_read, paginate
from citycarbon.server.common.auth import API_READ
from citycarbon.server.common.schemas import ErrorOut, PageQuery
from citycarbon.server.geo import selectors
from citycarbon.server.geo.models import Jurisdiction
from citycarbon.server.geo.schemas import JurisdictionDetailOut, JurisdictionPageOut

router = Router(tags=["geo"])


def _out(item: Jurisdiction) -> dict[str, object]:
    return {
        "code": item.code,
        "division_code": item.division_code,
        "name_zh": item.name_zh,
        "name_en": item.name_en,
        "kind": item.kind,
        "parent": item.parent.code if item.parent is not None else None,
        "tile_col": item.tile_col,
        "tile_row": item.tile_row,
    }


@router.get("/jurisdictions", response={200: JurisdictionPageOut, 404: ErrorOut}, auth=API_READ)
@cached_read("geo")
def list_jurisdictions(request: HttpRequest, query: Query[PageQuery]) -> dict[str, Any]:
    """Every jurisdiction, parents before children in display order (paginated)."""
    return paginate(selectors.jurisdictions(request.user), query, _out)


@router.get(
    "/jurisdictions/{code}", response={200: JurisdictionDetailOut, 404: ErrorOut}, auth=API_READ
)
@cached_read("geo")
def get_jurisdiction(request: HttpRequest, code: str) -> dict[str, object]:
    """One jurisdiction with the codes of its children."""
    item = selectors.jurisdiction(request.user, code)
    data = _out(item)
    data["children"] = [child.code for child in selectors.children_of(request.user, item)]
    return data
