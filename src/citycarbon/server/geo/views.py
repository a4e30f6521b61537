"""Jurisdiction pages: the list with the tile map, one jurisdiction, the Excel export."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from citycarbon.server.common.excel import table_workbook, xlsx_response
from citycarbon.server.common.selectors import cached_for
from citycarbon.server.geo import selectors
from citycarbon.server.geo.choices import JurisdictionKind
from citycarbon.server.geo.models import Jurisdiction

#: Tile colours by kind (colour-blind-safe palette, white text readable on each).
KIND_COLOURS = {
    JurisdictionKind.CITY: "#4b5563",
    JurisdictionKind.DISTRICT: "#1f6f8b",
    JurisdictionKind.COUNTY: "#8a5a00",
    JurisdictionKind.COUNTY_CITY: "#2e7d4f",
    JurisdictionKind.ZONE: "#7b4f9d",
}


def _tiles(items: list[Jurisdiction]) -> list[dict[str, Any]]:
    return [
        {
            "code": item.code,
            "name": item.name,
            "kind": item.kind,
            "kind_label": str(item.get_kind_display()),
            "col": item.tile_col,
            "row": item.tile_row,
            "colour": KIND_COLOURS.get(item.kind, "#4b5563"),
            "url": reverse("geo:jurisdiction_detail", args=[item.code]),
        }
        for item in items
        if item.tile_col is not None and item.tile_row is not None
    ]


def _list_parts(user: Any) -> tuple[list[dict[str, Any]], str]:
    """The tiles and the rendered body of the list (``geo/_jurisdiction_list.html``)."""
    items = list(selectors.jurisdictions(user))
    tiles = _tiles(items)
    legend = [
        {"label": kind.label, "colour": KIND_COLOURS[kind]}
        for kind in JurisdictionKind
        if any(tile["kind"] == kind.value for tile in tiles)
    ]
    body = render_to_string(
        "geo/_jurisdiction_list.html",
        {
            "items": items,
            "roots": [item for item in items if item.parent_id is None],
            "tiles": tiles,
            "legend": legend,
        },
    )
    return tiles, body


def jurisdiction_list(request: HttpRequest) -> HttpResponse:
    """The jurisdictions with the tile map (the body cached until the jurisdictions change)."""
    tiles, body = cached_for(
        request.user, "geo.jurisdiction_list", None, ("geo",), lambda: _list_parts(request.user)
    )
    # The body was rendered by Django's escaping templates (and cached as a plain string).
    return render(request, "geo/jurisdiction_list.html", {"tiles": tiles, "body": mark_safe(body)})


def _detail_parts(user: Any, code: str) -> tuple[str, str]:
    """The title and the rendered body of a jurisdiction's page (404 when hidden or unknown:
    nothing is cached then)."""
    item = selectors.jurisdiction(user, code)
    children = list(selectors.children_of(user, item))
    body = render_to_string("geo/_jurisdiction_detail.html", {"item": item, "children": children})
    return item.name, body


def jurisdiction_detail(request: HttpRequest, code: str) -> HttpResponse:
    """One jurisdiction and its sub-jurisdictions (cached until the jurisdictions change)."""
    title, body = cached_for(
        request.user, "geo.jurisdiction", code, ("geo",), lambda: _detail_parts(request.user, code)
    )
    # The body was rendered by Django's escaping templates (and cached as a plain string).
    return render(
        request, "geo/jurisdiction_detail.html", {"title": title, "body": mark_safe(body)}
    )


def jurisdiction_export(request: HttpRequest) -> HttpResponse:
    headers = [
        _("Code"),
        _("Division code"),
        _("Chinese name"),
        _("English name"),
        _("Kind"),
        _("Parent"),
        _("Tile column"),
        _("Tile row"),
    ]
    rows = [
        [
            item.code,
            item.division_code,
            item.name_zh,
            item.name_en,
            str(item.get_kind_display()),
            item.parent.code if item.parent is not None else "",
            item.tile_col,
            item.tile_row,
        ]
        for item in selectors.jurisdictions(request.user)
    ]
    content = table_workbook(
        str(_("Jurisdictions")), headers, rows, widths=[14, 14, 34, 28, 16, 14, 10, 10]
    )
    return xlsx_response("jurisdictions.xlsx", content)
