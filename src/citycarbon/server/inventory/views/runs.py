"""Compilation pages: progress while it runs; then the sector chart, the category table with
notation keys, the key-category Pareto chart, uncertainty intervals; the drill-down of a
category to its lines, activity data, factors and formula; recalculation differences between
two compilations; and the Excel export of every table."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from citycarbon.inventory.model import GAS_GROUPS, SECTORS, gas_group
from citycarbon.server.common.errors import ValidationFailedError
from citycarbon.server.common.excel import table_workbook, xlsx_response
from citycarbon.server.common.selectors import can
from citycarbon.server.inventory import selectors, services
from citycarbon.server.inventory.choices import RunStage
from citycarbon.server.inventory.forms import (
    RunCompareForm,
)
from citycarbon.server.inventory.models import InventoryRun
from citycarbon.units import GWPError, gwp


def chart_tenk(value: float | None) -> float | None:
    """tCO2e → 10^4 tCO2e (万吨) for charts."""
    return None if value is None else round(value / 1e4, 4)


# --- a compilation ---------------------------------------------------------------------------


def _progress_context(request: HttpRequest, item: InventoryRun) -> dict[str, Any]:
    stages = [RunStage.COMPILE, RunStage.ANALYSE]
    if item.iterations:
        stages.append(RunStage.UNCERTAINTY)
    order = [RunStage.QUEUED, RunStage.COMPILE, RunStage.ANALYSE, RunStage.UNCERTAINTY]
    current = order.index(RunStage(item.stage)) if item.stage in order else len(order)
    return {
        "run": item,
        "stages": [
            {
                "label": stage.label,
                "done": item.finished or order.index(stage) < current,
                "current": not item.finished and order.index(stage) == max(current, 1),
            }
            for stage in stages
        ],
        "can_advance": can(request.user, services.COMPILE_PERM, item.inventory),
    }


def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.run(request.user, pk)
    context: dict[str, Any] = {"run": item, **_progress_context(request, item)}
    if item.status == "done":
        context.update(_result_context(request, item))
    return render(request, "inventory/run_detail.html", context)


def _result_context(request: HttpRequest, item: InventoryRun) -> dict[str, Any]:
    sectors = selectors.sector_table(item)
    categories = selectors.category_table(item)
    keys = selectors.key_category_table(item)
    uncertainty = selectors.uncertainty_table(item)
    by_sector: dict[str, list[dict[str, Any]]] = {s: [] for s in SECTORS}
    for row in categories:
        by_sector.setdefault(row["sector"], []).append(row)
    summary = item.summary or {}
    stale = item.inventory.state == "draft" and item.input_digest != services.form_digest(
        services.effective_form(selectors.inventory(request.user, item.inventory_id))
    )
    peers = sorted(
        selectors.runs(request.user)
        .filter(inventory__jurisdiction=item.inventory.jurisdiction, status="done")
        .exclude(pk=item.pk)[:50],
        # The same year first (other versions, factor sets, metrics), newest first.
        key=lambda other: (other.inventory.year != item.inventory.year, -other.pk),
    )
    charts = {
        "sectors": {
            "unit": str(_("10⁴ t CO2e")),
            "items": [
                {
                    "id": s["sector"],
                    "name": s["name"],
                    "value": chart_tenk(s["tco2e"]),
                }
                for s in sectors
            ],
            "gases": _gas_stack(item),
        },
        "pareto": {
            "threshold": keys["threshold_pct"],
            "items": [
                {
                    "label": f"{e['category']} {e['gas']}",
                    "share": round(float(e["share_pct"]), 3),
                    "cumulative": round(float(e["cumulative_pct"]), 3),
                    "key": bool(e["key"]),
                }
                for e in keys["entries"][:25]
            ],
            "labels": {
                "share": str(_("Share of the total [%]")),
                "cumulative": str(_("Cumulative share [%]")),
                "threshold": str(_("Threshold")),
            },
        },
        "uncertainty": {
            "unit": str(_("10⁴ t CO2e")),
            "axis": str(_("Deviation from the estimate [%]")),
            "items": [
                {
                    "name": row["name"],
                    "estimate": chart_tenk(row["interval"]["estimate"]),
                    "lower": chart_tenk(row["interval"]["lower"]),
                    "upper": chart_tenk(row["interval"]["upper"]),
                    "lower_pct": _relative(row["interval"]["lower"], row["interval"]["estimate"]),
                    "upper_pct": _relative(row["interval"]["upper"], row["interval"]["estimate"]),
                }
                for row in uncertainty["rows"]
                if row["interval"] and row["interval"].get("estimate")
            ],
        },
    }
    key_count = sum(1 for e in keys["entries"] if e["key"])
    return {
        "sectors": sectors,
        "keys_shown": keys["entries"][: key_count + 5],
        "categories_by_sector": [
            {"sector": s, "name": selectors.sector_name(s), "rows": by_sector.get(s, [])}
            for s in by_sector
        ],
        "indirect_rows": [row for row in categories if row["reporting"] == "indirect"],
        "gas_groups": GAS_GROUPS,
        "keys": keys,
        "uncertainty": uncertainty,
        "summary": summary,
        "charts": charts,
        "compare_form": RunCompareForm(
            runs=[item, *peers],
            initial={"old": str(peers[0].pk) if peers else "", "new": str(item.pk)},
        )
        if peers
        else None,
        "analysis_error": (item.analysis or {}).get("error"),
        "stale_input": stale,
        "reference_check": _reference_check(item),
    }


def _reference_check(item: InventoryRun) -> dict[str, Any] | None:
    """The reference-approach check of the energy balance, as the engine reported it."""
    checks = (item.result or {}).get("checks") or {}
    found = checks.get("energy.reference_approach")
    return found if isinstance(found, dict) else None


def _relative(bound: float, estimate: float) -> float:
    """A bound of a 95 % interval as a deviation from the estimate [%]."""
    return round((bound - estimate) / abs(estimate) * 100, 2)


def _gas_stack(item: InventoryRun) -> list[dict[str, Any]]:
    """tCO2e by sector and gas group, for the stacked sector chart."""
    result = item.result or {}
    table: dict[str, dict[str, float]] = {}
    for category in result.get("categories", []):
        if category.get("reporting") != "direct" or category.get("tco2e") == "C":
            continue
        masses = category.get("masses_t")
        if not isinstance(masses, dict):
            continue
        for gas, mass in masses.items():
            try:
                factor = float(gwp(gas, item.metric))
            except GWPError:  # a gas the metric cannot weigh is not drawn
                continue
            group = gas_group(gas)
            sector = str(category.get("sector"))
            table.setdefault(group, {}).setdefault(sector, 0.0)
            table[group][sector] += float(mass) * factor
    return [
        {"gas": gas, "values": [chart_tenk(table.get(gas, {}).get(s, 0.0)) for s in SECTORS]}
        for gas in GAS_GROUPS
        if gas in table
    ]


def run_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress fragment (HTMX polls it while another user's compilation runs)."""
    item = selectors.run(request.user, pk, full=False)
    return render(request, "inventory/_progress.html", _progress_context(request, item))


@login_required
@require_POST
def run_advance(request: HttpRequest, pk: int) -> HttpResponse:
    """Do the next stage of a compilation and return the progress fragment; when it is done
    the fragment tells HTMX to load the result page."""
    item = selectors.run(request.user, pk, full=False)
    item = services.do_advance_run(request.user, item)
    response = render(request, "inventory/_progress.html", _progress_context(request, item))
    if item.finished:
        response["HX-Redirect"] = reverse("inventory:run_detail", args=[item.pk])
    return response


def run_category(request: HttpRequest, pk: int, category_id: str) -> HttpResponse:
    """Drill-down: one category's formula, notation keys and lines; each line's activity
    data and parameters with the factor rows they came from."""
    item = selectors.run(request.user, pk)
    if item.status != "done":
        raise ValidationFailedError(
            _("This compilation has no result."), field="status", value=item.status
        )
    detail = selectors.category_detail(item, category_id)
    return render(
        request,
        "inventory/run_category.html",
        {"run": item, "detail": detail, "gas_groups": GAS_GROUPS},
    )


EXPORTS = ("categories", "lines", "key_categories", "uncertainty")


def run_export(request: HttpRequest, pk: int, table: str) -> HttpResponse:
    item = selectors.run(request.user, pk)
    if item.status != "done":
        raise ValidationFailedError(
            _("This compilation has no result."), field="status", value=item.status
        )
    headers, rows, widths = _export_table(item, table)
    name = f"inventory-{item.inventory.jurisdiction.code}-{item.inventory.year}-run{item.pk}"
    content = table_workbook(table, headers, rows, widths=widths)
    return xlsx_response(f"{name}-{table}.xlsx", content)


def _export_table(item: InventoryRun, table: str) -> tuple[list[str], list[list[Any]], list[int]]:
    if table == "categories":
        headers = [
            _("Code"),
            _("Category"),
            _("Sector"),
            _("Reporting"),
            *[f"{gas} [t]" for gas in GAS_GROUPS],
            _("Total [tCO2e]"),
            _("Notation keys and reasons"),
        ]
        rows: list[list[Any]] = []
        for row in selectors.category_table(item):
            cells = [c.get("mass_t", c.get("key")) for c in row["cells"]]
            notes = "; ".join(
                f"{n['gas']} {n['key']}: {n['reason']}" for n in row["notes"] if n.get("reason")
            )
            rows.append(
                [
                    row["code"],
                    row["name"],
                    row["sector_name"],
                    row["reporting"],
                    *cells,
                    "C" if row["confidential"] else row["tco2e"],
                    notes,
                ]
            )
        return [str(h) for h in headers], rows, [8, 36, 16, 10, 14, 14, 14, 14, 14, 14, 16, 60]
    if table == "lines":
        headers = [
            _("Category"),
            _("Line"),
            _("Sub-category"),
            _("Key-category group"),
            _("Total [tCO2e]"),
            _("Masses [t]"),
            _("Parameter"),
            _("Value"),
            _("Unit"),
            _("Origin"),
            _("Factor id"),
            _("Where given"),
        ]
        rows = []
        for category in (item.result or {}).get("categories", []):
            for line in category.get("lines") or []:
                for param in line.get("params", []):
                    rows.append(
                        [
                            category.get("id"),
                            line.get("label"),
                            line.get("subcategory"),
                            line.get("key_group"),
                            line.get("tco2e"),
                            line.get("masses_t"),
                            param.get("name"),
                            param.get("value"),
                            param.get("unit"),
                            param.get("origin"),
                            param.get("factor_id"),
                            param.get("where"),
                        ]
                    )
        return [str(h) for h in headers], rows, [24, 28, 10, 14, 14, 30, 16, 14, 12, 10, 30, 34]
    if table == "key_categories":
        keys = selectors.key_category_table(item)
        headers = [
            _("Rank"),
            _("Key-category group"),
            _("Gas"),
            _("Emissions [tCO2e]"),
            _("Share [%]"),
            _("Cumulative share [%]"),
            _("Key category"),
        ]
        rows = [
            [
                e["rank"],
                e["category"],
                e["gas"],
                e["tco2e"],
                e["share_pct"],
                e["cumulative_pct"],
                _("yes") if e["key"] else _("no"),
            ]
            for e in keys["entries"]
        ]
        return [str(h) for h in headers], rows, [6, 24, 8, 18, 12, 16, 10]
    if table == "uncertainty":
        data = selectors.uncertainty_table(item)
        headers = [
            _("Category"),
            _("Approach 1 [± %]"),
            _("Estimate [tCO2e]"),
            _("Mean [tCO2e]"),
            _("Lower 2.5 % [tCO2e]"),
            _("Upper 97.5 % [tCO2e]"),
        ]
        rows = []
        for row in [
            {
                "id": "total",
                "name": _("Total"),
                "approach1_pct": data["approach1_total_pct"],
                "interval": data["total"],
            },
            *data["rows"],
        ]:
            interval = row["interval"] or {}
            rows.append(
                [
                    row["name"],
                    row["approach1_pct"],
                    interval.get("estimate"),
                    interval.get("mean"),
                    interval.get("lower"),
                    interval.get("upper"),
                ]
            )
        return [str(h) for h in headers], rows, [36, 16, 18, 18, 18, 18]
    raise ValidationFailedError(_("No such table."), field="table", value=table)


# --- comparing compilations ------------------------------------------------------------------


def _recalculation(request: HttpRequest) -> dict[str, Any]:
    old_pk, new_pk = request.GET.get("old"), request.GET.get("new")
    if not old_pk or not new_pk:
        raise ValidationFailedError(
            _("Choose two compilations to compare."), field="old", value=old_pk
        )
    old = selectors.run(request.user, old_pk)
    new = selectors.run(request.user, new_pk)
    for item in (old, new):
        if item.status != "done":
            raise ValidationFailedError(
                _("This compilation has no result."), field="status", value=item.status
            )
    return selectors.recalculation(old, new)


def run_compare(request: HttpRequest) -> HttpResponse:
    """Recalculation differences between two compilations, per category."""
    result = _recalculation(request)
    return render(
        request,
        "inventory/run_compare.html",
        {"result": result, "query": request.GET.urlencode()},
    )


def run_compare_export(request: HttpRequest) -> HttpResponse:
    result = _recalculation(request)
    headers = [
        _("Category"),
        _("Sector"),
        _("Earlier [tCO2e]"),
        _("Later [tCO2e]"),
        _("Difference [tCO2e]"),
        _("Difference [%]"),
    ]
    rows = [
        [
            row["name"],
            selectors.sector_name(row["sector"]),
            "C" if row["confidential"] else row["old"],
            "C" if row["confidential"] else row["new"],
            None if row["confidential"] else row["difference"],
            None if row["confidential"] else row["difference_pct"],
        ]
        for row in result["rows"]
    ]
    content = table_workbook(
        str(_("Recalculation")), [str(h) for h in headers], rows, widths=[36, 16, 18, 18, 18, 14]
    )
    return xlsx_response(f"recalculation-{result['old'].pk}-{result['new'].pk}.xlsx", content)
