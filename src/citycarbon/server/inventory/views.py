"""Inventory pages: the stored inventories, one inventory (lifecycle, versions, compiling),
a compilation (progress while it runs; then the sector chart, the category table with
notation keys, the key-category Pareto chart, uncertainty intervals), the drill-down of a
category to its lines, activity data, factors and formula, recalculation differences between
two compilations, a jurisdiction's series with the CEADs comparison, and the Excel export of
every table."""

from __future__ import annotations

import json
from typing import Any

import yaml
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from citycarbon.inventory.model import GAS_GROUPS, SECTORS, gas_group
from citycarbon.inventory.reference import CEADS_CITATION, SCOPES
from citycarbon.server.common import services as common
from citycarbon.server.common.errors import DomainError, ValidationFailedError
from citycarbon.server.common.excel import table_workbook, xlsx_response
from citycarbon.server.common.selectors import can, perm_for, require
from citycarbon.server.factors import selectors as factor_selectors
from citycarbon.server.geo import selectors as geo_selectors
from citycarbon.server.inventory import selectors, services
from citycarbon.server.inventory.choices import RunStage
from citycarbon.server.inventory.forms import (
    CompileForm,
    InventoryFilterForm,
    InventoryForm,
    ReplaceFormForm,
    RunCompareForm,
    read_upload,
)
from citycarbon.server.inventory.models import Inventory, InventoryRun
from citycarbon.units import GWPError, gwp

PAGE_SIZE = 50
#: The scopes of ``citycarbon.inventory.reference.SCOPES``, in the user's language.
SCOPE_LABELS = {
    "energy": gettext_lazy("Energy CO2 (fossil-fuel combustion, sectoral approach)"),
    "ceads": gettext_lazy("Energy CO2 and cement process CO2 (the scope of a CEADs city figure)"),
}


def _t(value: float | None) -> float | None:
    """tCO2e → 10^4 tCO2e (万吨) for charts."""
    return None if value is None else round(value / 1e4, 4)


# --- the list --------------------------------------------------------------------------------


def _filtered(request: HttpRequest) -> tuple[InventoryFilterForm, Any]:
    visible = selectors.inventories(request.user)
    years = sorted(set(visible.values_list("year", flat=True)))
    form = InventoryFilterForm(
        request.GET or None,
        jurisdictions=geo_selectors.jurisdictions(request.user),
        years=years,
    )
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data.get("jurisdiction"):
            visible = visible.filter(jurisdiction__code=data["jurisdiction"])
        if data.get("year"):
            visible = visible.filter(year=data["year"])
        if data.get("state"):
            visible = visible.filter(state=data["state"])
    return form, visible


def _latest_runs(request: HttpRequest, items: list[Inventory]) -> dict[int, InventoryRun]:
    found: dict[int, InventoryRun] = {}
    qs = selectors.runs(request.user).filter(inventory__in=[i.pk for i in items], status="done")
    for item in qs.order_by("-finished_at", "-pk"):
        found.setdefault(item.inventory_id, item)
    return found


def inventory_list(request: HttpRequest) -> HttpResponse:
    form, items = _filtered(request)
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    latest = _latest_runs(request, list(page.object_list))
    rows = [(item, latest.get(item.pk)) for item in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "inventory/inventory_list.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "query": query.urlencode(),
            "can_add": can(request.user, perm_for(Inventory, "add")),
        },
    )


def inventory_list_export(request: HttpRequest) -> HttpResponse:
    _form, items = _filtered(request)
    items = list(items)
    latest = _latest_runs(request, items)
    headers = [
        _("Jurisdiction"),
        _("Year"),
        _("Version"),
        _("State"),
        _("Title"),
        _("Total with LUCF [tCO2e]"),
        _("Total without LUCF [tCO2e]"),
        _("Factor set"),
        _("GWP metric"),
        _("Source"),
    ]
    rows = []
    for item in items:
        found = latest.get(item.pk)
        rows.append(
            [
                item.jurisdiction.name,
                item.year,
                item.version,
                str(item.get_state_display()),
                item.title,
                found.total_tco2e if found else None,
                found.total_without_lucf_tco2e if found else None,
                found.factor_library if found else None,
                found.metric if found else None,
                item.source,
            ]
        )
    content = table_workbook(
        str(_("Inventories")), headers, rows, widths=[20, 8, 8, 10, 40, 20, 20, 16, 12, 40]
    )
    return xlsx_response("inventories.xlsx", content)


@login_required
@require_http_methods(["GET", "POST"])
def inventory_new(request: HttpRequest) -> HttpResponse:
    """A new inventory from its input form (JSON or YAML), as a draft."""
    require(request.user, perm_for(Inventory, "add"))
    allowed = [
        j
        for j in geo_selectors.jurisdictions(request.user)
        if can(request.user, perm_for(Inventory, "add"), Inventory(jurisdiction=j))
    ]
    form = InventoryForm(request.POST or None, request.FILES or None, jurisdictions=allowed)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            jurisdiction = geo_selectors.jurisdiction(request.user, data["jurisdiction"])
            created = services.do_create_inventory(
                request.user,
                jurisdiction=jurisdiction,
                year=data["year"],
                form=read_upload(data["file"]),
                title=data["title"] or "",
                source=f"upload:{data['file'].name}"[:200],
            )
        except DomainError as error:
            return render(
                request,
                "inventory/inventory_new.html",
                {"form": form, "error": error},
                status=error.status,
            )
        messages.success(request, _("The inventory was stored as a draft."))
        return redirect("inventory:inventory_detail", created.pk)
    return render(request, "inventory/inventory_new.html", {"form": form})


# --- one inventory ---------------------------------------------------------------------------


def inventory_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.inventory(request.user, pk)
    visible_sets = list(factor_selectors.factor_sets(request.user))
    compile_form = None
    if can(request.user, services.COMPILE_PERM, item) and visible_sets:
        published = [s for s in visible_sets if s.state == "published"]
        compile_form = CompileForm(
            sets=visible_sets,
            initial={"factor_set": str((published or visible_sets)[0].pk)},
        )
    actions = factor_selectors.lifecycle_actions(request.user, item)
    item_runs = list(selectors.runs_of(request.user, item))
    return render(
        request,
        "inventory/inventory_detail.html",
        {
            "item": item,
            "actions": actions,
            "versions": list(selectors.versions_of(request.user, item)),
            "runs": item_runs,
            "compile_form": compile_form,
            "replace_form": ReplaceFormForm() if actions["change"] else None,
            "sections": _form_outline(item.form),
        },
    )


def _form_outline(form: Any) -> list[dict[str, Any]]:
    """What the input holds, briefly: the balance size and the lines per category."""
    if not isinstance(form, dict):
        return []
    out = []
    balance = form.get("energy_balance")
    if isinstance(balance, dict):
        rows = balance.get("rows") or {}
        columns = balance.get("units") or {}
        out.append(
            {
                "name": "energy_balance",
                "count": len(rows) if isinstance(rows, dict) else 0,
                "detail": len(columns) if isinstance(columns, dict) else 0,
            }
        )
    categories = form.get("categories")
    if isinstance(categories, dict):
        for name, section in categories.items():
            rows = section.get("rows") if isinstance(section, dict) else None
            local = section.get("local") if isinstance(section, dict) else None
            out.append(
                {
                    "name": name,
                    "count": len(rows) if isinstance(rows, list) else 0,
                    "detail": len(local) if isinstance(local, dict) else 0,
                }
            )
    keys = form.get("notation_keys")
    if isinstance(keys, list):
        out.append({"name": "notation_keys", "count": len(keys), "detail": 0})
    return out


@login_required
@require_POST
def inventory_step(request: HttpRequest, pk: str, step: str) -> HttpResponse:
    item = selectors.inventory(request.user, pk)
    actor = request.user
    reason = (request.POST.get("reason") or "").strip()
    if step == "submit":
        result = common.do_submit(actor, item)
    elif step == "approve":
        result = common.do_approve(actor, item)
    elif step == "publish":
        result = common.do_publish(actor, item)
    elif step == "return":
        result = common.do_return(actor, item, reason)
    else:
        result = common.do_correct(actor, item, reason)
        messages.success(request, _("A new version was opened as a draft."))
    return redirect("inventory:inventory_detail", result.pk)


@login_required
@require_POST
def inventory_replace(request: HttpRequest, pk: int) -> HttpResponse:
    """Replace a draft's input form with an uploaded one."""
    item = selectors.inventory(request.user, pk)
    form = ReplaceFormForm(request.POST, request.FILES)
    if not form.is_valid():
        raise ValidationFailedError(_("Choose a JSON or YAML file."), field="file")
    services.do_update_inventory(
        request.user, item, {"form": read_upload(form.cleaned_data["file"])}
    )
    messages.success(request, _("The input form was replaced."))
    return redirect("inventory:inventory_detail", item.pk)


def inventory_form_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The stored input form as JSON or YAML (what the CLI reads)."""
    item = selectors.inventory(request.user, pk)
    name = f"{item.jurisdiction.code}_{item.year}_v{item.version}"
    if fmt == "json":
        body = json.dumps(item.form, ensure_ascii=False, indent=2)
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
    else:
        body = yaml.safe_dump(item.form, allow_unicode=True, sort_keys=False)
        response = HttpResponse(body, content_type="application/yaml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@login_required
@require_POST
def inventory_compile(request: HttpRequest, pk: int) -> HttpResponse:
    """Queue a compilation and open its page, which shows the progress."""
    item = selectors.inventory(request.user, pk)
    require(request.user, services.COMPILE_PERM, item)
    form = CompileForm(request.POST, sets=factor_selectors.factor_sets(request.user))
    if not form.is_valid():
        field = next(iter(form.errors), None)
        raise ValidationFailedError(
            _("Choose a factor set, a metric and the iterations."),
            field=field,
            value=request.POST.get(field or "", ""),
        )
    factor_set = factor_selectors.factor_set(request.user, int(form.cleaned_data["factor_set"]))
    run = services.do_request_compile(
        request.user,
        item,
        factor_set=factor_set,
        metric=form.cleaned_data["metric"],
        iterations=form.cleaned_data["iterations"],
    )
    return redirect("inventory:run_detail", run.pk)


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
                    "value": _t(s["tco2e"]),
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
                    "estimate": _t(row["interval"]["estimate"]),
                    "lower": _t(row["interval"]["lower"]),
                    "upper": _t(row["interval"]["upper"]),
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
        {"gas": gas, "values": [_t(table.get(gas, {}).get(s, 0.0)) for s in SECTORS]}
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


# --- a jurisdiction's inventories ---------------------------------------------------------


def _scope(request: HttpRequest) -> str:
    scope = request.GET.get("scope") or "ceads"
    if scope not in SCOPES:
        raise ValidationFailedError(_("Unknown scope."), field="scope", value=scope)
    return scope


def jurisdiction_inventories(request: HttpRequest, code: str) -> HttpResponse:
    """A jurisdiction's inventories over the years and, for a city, the comparison with the
    CEADs city series (cited)."""
    jurisdiction = geo_selectors.jurisdiction(request.user, code)
    scope = _scope(request)
    current = selectors.current_runs(request.user, jurisdiction)
    comparison = selectors.ceads_comparison(request.user, jurisdiction, scope)
    charts: dict[str, Any] = {
        "series": {
            "unit": str(_("10⁴ t CO2e")),
            "years": [str(y) for y in current],
            "sectors": [
                {
                    "id": s,
                    "name": selectors.sector_name(s),
                    "values": [
                        _t((r.summary or {}).get("by_sector_tco2e", {}).get(s, 0.0))
                        for r in current.values()
                    ],
                }
                for s in SECTORS
            ],
            "total": [_t(r.total_tco2e) for r in current.values()],
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
                _t(next((y.inventory_tco2 for y in comparison.years if y.year == year), None))
                for year in reference.years
            ],
            "inventory_label": str(_("This platform's inventories")),
        }
    return render(
        request,
        "inventory/jurisdiction_inventories.html",
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
            "summary": selectors.jurisdiction_summary(request.user, jurisdiction),
        },
    )


def jurisdiction_export(request: HttpRequest, code: str) -> HttpResponse:
    """The jurisdiction's series and, for a city, the CEADs comparison, as Excel."""
    jurisdiction = geo_selectors.jurisdiction(request.user, code)
    scope = _scope(request)
    current = selectors.current_runs(request.user, jurisdiction)
    comparison = selectors.ceads_comparison(request.user, jurisdiction, scope)
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
