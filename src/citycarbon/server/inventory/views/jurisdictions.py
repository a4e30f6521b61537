"""A jurisdiction's inventories over the years, with the CEADs comparison for a city, and their
Excel export."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from citycarbon.inventory.model import SECTORS
from citycarbon.inventory.reference import CEADS_CITATION, SCOPES
from citycarbon.server.common.errors import ValidationFailedError
from citycarbon.server.common.excel import table_workbook, xlsx_response
from citycarbon.server.common.selectors import AnyUser, cached_for
from citycarbon.server.geo import selectors as geo_selectors
from citycarbon.server.inventory import selectors
from citycarbon.server.inventory.views.runs import chart_tenk

#: The scopes of ``citycarbon.inventory.reference.SCOPES``, in the user's language.
SCOPE_LABELS = {
    "energy": gettext_lazy("Energy CO2 (fossil-fuel combustion, sectoral approach)"),
    "ceads": gettext_lazy("Energy CO2 and cement process CO2 (the scope of a CEADs city figure)"),
}


# --- a jurisdiction's inventories ---------------------------------------------------------


def _scope(request: HttpRequest) -> str:
    scope = request.GET.get("scope") or "ceads"
    if scope not in SCOPES:
        raise ValidationFailedError(_("Unknown scope."), field="scope", value=scope)
    return scope


def _series_body(user: AnyUser, code: str, scope: str) -> tuple[str, str]:
    """The page's title and body (``inventory/_jurisdiction_inventories.html``)."""
    jurisdiction = geo_selectors.jurisdiction(user, code)
    current = selectors.current_runs(user, jurisdiction)
    comparison = selectors.ceads_comparison(user, jurisdiction, scope, current=current)
    charts: dict[str, Any] = {
        "series": {
            "unit": str(_("10⁴ t CO2e")),
            "years": [str(y) for y in current],
            "sectors": [
                {
                    "id": s,
                    "name": selectors.sector_name(s),
                    "values": [
                        chart_tenk((r.summary or {}).get("by_sector_tco2e", {}).get(s, 0.0))
                        for r in current.values()
                    ],
                }
                for s in SECTORS
            ],
            "total": [chart_tenk(r.total_tco2e) for r in current.values()],
            "total_label": str(_("Total with LUCF")),
        }
    }
    if comparison is not None:
        reference = comparison.reference
        charts["ceads"] = {
            "unit": str(_("10⁴ t CO2")),
            "years": [str(y) for y in reference.years],
            "reference": [round(reference.values_mtco2[y] * 100, 4) for y in reference.years],
            "reference_label": str(_("CEADs city inventory")),
            "inventory": [
                chart_tenk(
                    next((y.inventory_tco2 for y in comparison.years if y.year == year), None)
                )
                for year in reference.years
            ],
            "inventory_label": str(_("This platform's inventories")),
        }
    body = render_to_string(
        "inventory/_jurisdiction_inventories.html",
        {
            "jurisdiction": jurisdiction,
            "current": current,
            "comparison": comparison,
            "scope": scope,
            "scopes": [
                (name, SCOPE_LABELS.get(name, description))
                for name, (description, _f) in SCOPES.items()
            ],
            "citation": CEADS_CITATION,
            "charts": charts,
        },
    )
    return jurisdiction.name, body


def jurisdiction_inventories(request: HttpRequest, code: str) -> HttpResponse:
    """A jurisdiction's inventories over the years and, for a city, the comparison with the
    CEADs city series (cited). The body is cached for the visitor's scope until an inventory,
    a factor set or a jurisdiction changes."""
    scope = _scope(request)
    title, body = cached_for(
        request.user,
        "inventory.jurisdiction",
        (code, scope),
        selectors.DOMAINS,
        lambda: _series_body(request.user, code, scope),
    )
    return render(
        request,
        "inventory/jurisdiction_inventories.html",
        {"title": title, "body": mark_safe(body)},  # rendered by Django, cached as a string
    )


def jurisdiction_export(request: HttpRequest, code: str) -> HttpResponse:
    """The jurisdiction's series and, for a city, the CEADs comparison, as Excel."""
    jurisdiction = geo_selectors.jurisdiction(request.user, code)
    scope = _scope(request)
    current = selectors.current_runs(request.user, jurisdiction)
    comparison = selectors.ceads_comparison(request.user, jurisdiction, scope, current=current)
    by_year = {y.year: y for y in comparison.years} if comparison else {}
    headers = [
        _("Year"),
        _("Version"),
        _("Total with LUCF [tCO2e]"),
        _("Total without LUCF [tCO2e]"),
        *[selectors.sector_name(s) + " [tCO2e]" for s in SECTORS],
        _("Factor set"),
        _("GWP metric"),
        _("Compared scope [tCO2]"),
        _("CEADs [tCO2]"),
        _("Difference [%]"),
    ]
    rows = []
    for year, item in current.items():
        sectors = (item.summary or {}).get("by_sector_tco2e", {})
        compared = by_year.get(year)
        rows.append(
            [
                year,
                item.inventory.version,
                item.total_tco2e,
                item.total_without_lucf_tco2e,
                *[sectors.get(s) for s in SECTORS],
                item.factor_library,
                item.metric,
                compared.inventory_tco2 if compared else None,
                compared.reference_tco2 if compared else None,
                compared.difference_pct if compared else None,
            ]
        )
    content = table_workbook(
        str(_("Inventories")), [str(h) for h in headers], rows, widths=[8, 8, 20, 20]
    )
    return xlsx_response(f"inventories-{jurisdiction.code}.xlsx", content)
