"""Inventory pages: the stored inventories (list and Excel export), a new inventory, one
inventory (lifecycle, versions, its input form, compiling)."""

from __future__ import annotations

import json
from typing import Any

import yaml
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from citycarbon.server.common import services as common
from citycarbon.server.common.errors import DomainError, ValidationFailedError
from citycarbon.server.common.excel import table_workbook, xlsx_response
from citycarbon.server.common.selectors import can, perm_for, require
from citycarbon.server.factors import selectors as factor_selectors
from citycarbon.server.geo import selectors as geo_selectors
from citycarbon.server.inventory import selectors, services
from citycarbon.server.inventory.forms import (
    CompileForm,
    InventoryFilterForm,
    InventoryForm,
    ReplaceFormForm,
    read_upload,
)
from citycarbon.server.inventory.models import Inventory, InventoryRun

PAGE_SIZE = 50


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
    result = common.do_lifecycle_step(actor, item, step, reason)
    if step == "correct":
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
