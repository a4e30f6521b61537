"""Monitoring plan pages: list, detail, workbook, edit, and the lifecycle steps."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from citycarbon.server.common import selectors as common_selectors
from citycarbon.server.common.errors import DomainError, NotFoundError, ValidationFailedError
from citycarbon.server.common.excel import xlsx_response
from citycarbon.server.common.models import AuditEvent
from citycarbon.server.common.selectors import can, perm_for
from citycarbon.server.common.validators import validate_upload
from citycarbon.server.mrv import plans, selectors, services
from citycarbon.server.mrv.forms import (
    PlanEntryForm,
    PlanYearForm,
    ReasonForm,
)
from citycarbon.server.mrv.models import (
    Enterprise,
    MonitoringPlan,
)
from citycarbon.server.mrv.views._common import _tabs

# --- monitoring plans -------------------------------------------------------------------------


@login_required
def plan_list(request: HttpRequest, code: str) -> HttpResponse:
    """The enterprise's monitoring plans, year by year (the latest version of each), and a
    year to open."""
    item = selectors.enterprise(request.user, code)
    form = PlanYearForm(request.GET or None)
    if form.is_bound and form.is_valid():
        return redirect("mrv:plan_detail", item.credit_code, form.cleaned_data["year"])
    latest: dict[int, MonitoringPlan] = {}
    for version in selectors.plans_of(request.user, item):
        latest.setdefault(version.year, version)
    return render(
        request,
        "mrv/plan_list.html",
        {
            "tabs": _tabs(request, "enterprises"),
            "item": item,
            "plans": list(latest.values()),
            "year_form": form if form.is_bound else PlanYearForm(),
            "may_add": can(
                request.user, perm_for(MonitoringPlan, "add"), MonitoringPlan(enterprise=item)
            ),
        },
    )


def _plan_context(
    request: HttpRequest, item: Enterprise, year: int, **forms: Any
) -> dict[str, Any]:
    user = request.user
    versions = selectors.plan_versions(user, item, year)
    wanted = request.GET.get("version")
    record = versions[0] if versions else None
    if wanted and wanted.isdigit():
        record = next((v for v in versions if v.version == int(wanted)), None)
        if record is None:
            raise NotFoundError(_("No such version."), field="version", value=wanted)
    kernel_plan, found = plans.plan_findings(record.document) if record else (None, [])
    latest = record is not None and record.pk == versions[0].pk
    blank = MonitoringPlan(enterprise=item, year=year)
    state = record.state if record is not None else None
    may = {
        "edit": (record is None and can(user, perm_for(MonitoringPlan, "add"), blank))
        or (latest and state == "draft" and can(user, perm_for(MonitoringPlan, "change"), record)),
        "submit": latest
        and state == "draft"
        and can(user, perm_for(MonitoringPlan, "submit"), record),
        "approve": latest
        and state == "submitted"
        and can(user, perm_for(MonitoringPlan, "approve"), record),
        "revise": latest
        and state == "approved"
        and can(user, perm_for(MonitoringPlan, "correct"), record),
    }
    may["return"] = may["approve"] or (
        latest and state == "approved" and can(user, perm_for(MonitoringPlan, "approve"), record)
    )
    initial = (
        json.dumps(record.document, ensure_ascii=False, indent=2) if record is not None else ""
    )
    return {
        "tabs": _tabs(request, "enterprises"),
        "item": item,
        "year": year,
        "record": record,
        "versions": versions,
        "table": plans.plan_table(kernel_plan) if kernel_plan is not None else [],
        "findings": [plans.finding_out(f) for f in found],
        "may": may,
        "entry_form": forms.get("entry_form") or PlanEntryForm(initial={"document": initial}),
        "reason_form": forms.get("reason_form") or ReasonForm(),
        "events": common_selectors.events_for(record)[:30]
        if record is not None and can(user, perm_for(AuditEvent, "view"))
        else [],
    }


@login_required
def plan_detail(request: HttpRequest, code: str, year: str) -> HttpResponse:
    """One year's plan: its streams and parameters as a table, the kernel's warnings, the
    versions, and the forms of who may act on it."""
    item = selectors.enterprise(request.user, code)
    context = _plan_context(request, item, int(year))
    if context["record"] is None and not context["may"]["edit"]:
        raise NotFoundError(
            _("No monitoring plan of %(code)s for %(year)s.")
            % {"code": item.credit_code, "year": year},
            field="year",
            value=year,
        )
    return render(request, "mrv/plan_detail.html", context)


@login_required
def plan_workbook(request: HttpRequest, code: str, year: str) -> HttpResponse:
    """The ledger workbook of the year's plan (the Plan sheet filled, the Ledger sheet
    pre-filled), to edit and upload again or to keep the ledger in."""
    item = selectors.enterprise(request.user, code)
    record = selectors.plan(request.user, item, int(year))
    content = plans.plan_workbook(plans.plan_of(record.document))
    return xlsx_response(f"plan-{item.credit_code}-{year}.xlsx", content)


@login_required
@require_POST
def plan_edit(request: HttpRequest, code: str, year: str) -> HttpResponse:
    """Enter or change the draft from the JSON text or the uploaded workbook."""
    item = selectors.enterprise(request.user, code)
    form = PlanEntryForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            upload = form.cleaned_data.get("file")
            if upload is not None:
                validate_upload(upload, [".xlsx"])
                services.do_import_plan(
                    request.user, item, int(year), upload.name or "plan.xlsx", upload.read()
                )
            else:
                try:
                    document = json.loads(form.cleaned_data["document"])
                except ValueError as error:
                    raise ValidationFailedError(
                        _("The plan is not valid JSON: %(error)s") % {"error": error},
                        field="document",
                    ) from None
                if not isinstance(document, dict):
                    raise ValidationFailedError(
                        _("The plan is a JSON object."), field="document", value=""
                    )
                services.do_save_plan(
                    request.user, item, int(year), document, note=form.cleaned_data["note"]
                )
        except DomainError as error:
            if error.status in (403, 404):
                raise
            _place_plan_errors(form, error)
        else:
            messages.success(request, _("The plan was saved."))
            return redirect("mrv:plan_detail", item.credit_code, year)
    context = _plan_context(request, item, int(year), entry_form=form)
    return render(request, "mrv/plan_detail.html", context, status=400)


def _place_plan_errors(form: Any, error: DomainError) -> None:
    """Every problem above the form, with its field path (or cell) and value."""
    records = error.errors or []
    if not records:
        form.add_error(None, str(error.message))
    for record in records:
        where = record.field or ""
        if record.row is not None:
            where = f"{where} {_('row')} {record.row}".strip()
        value = "" if record.value in (None, "") else f" ({record.value})"
        form.add_error(None, f"{where}: {record.message}{value}" if where else str(record.message))


@login_required
@require_POST
def plan_step(request: HttpRequest, code: str, year: str, step: str) -> HttpResponse:
    """Submit, approve, return (with a reason) or open a new version (with a reason)."""
    item = selectors.enterprise(request.user, code)
    record = selectors.plan(request.user, item, int(year))
    form = ReasonForm(request.POST)
    try:
        if step == "submit":
            services.do_submit_plan(request.user, record)
        elif step == "approve":
            services.do_approve_plan(request.user, record)
        elif not form.is_valid():
            raise ValidationFailedError(_("Say why."), field="reason", value="")
        elif step == "return":
            services.do_return_plan(request.user, record, form.cleaned_data["reason"])
        else:
            services.do_revise_plan(request.user, record, form.cleaned_data["reason"])
    except DomainError as error:
        if error.status in (403, 404):
            raise
        _place_plan_errors(form, error)
        context = _plan_context(request, item, int(year), reason_form=form)
        return render(request, "mrv/plan_detail.html", context, status=400)
    done = {
        "submit": _("The plan was submitted."),
        "approve": _("The plan was approved."),
        "return": _("The plan was returned."),
        "revise": _("A new version of the plan was opened."),
    }[step]
    messages.success(request, done)
    return redirect("mrv:plan_detail", item.credit_code, year)
