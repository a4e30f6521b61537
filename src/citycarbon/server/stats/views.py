"""Statistics pages: the list with Excel export and the empty template, the entry form, a
record with its versions, warnings and lifecycle buttons, and the workbook import. Forms post
with HTMX where the browser runs it (the answer is the changed part of the page) and as plain
forms where it does not."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from citycarbon.server.common import selectors as common_selectors
from citycarbon.server.common.choices import LifecycleState, localised, unit_label
from citycarbon.server.common.errors import (
    DomainError,
    InvalidTransitionError,
    NotFoundError,
    ValidationFailedError,
)
from citycarbon.server.common.excel import xlsx_response
from citycarbon.server.common.models import AuditEvent
from citycarbon.server.common.selectors import can, perm_for, require
from citycarbon.server.common.validators import validate_upload
from citycarbon.server.geo import selectors as geo_selectors
from citycarbon.server.stats import selectors, services
from citycarbon.server.stats.choices import FIGURES
from citycarbon.server.stats.forms import (
    AcknowledgeForm,
    ImportForm,
    ReasonForm,
    StatisticFilterForm,
    StatisticForm,
)
from citycarbon.server.stats.framework import (
    Framework,
    framework_for,
    frameworks_cached,
    newest_framework,
)
from citycarbon.server.stats.models import Statistic
from citycarbon.server.stats.validation import Figures, translate_problem
from citycarbon.server.stats.workbook import write_workbook

STEPS = ("submit", "approve", "publish", "return", "correct")
PAGE_SIZE = 50


def _htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _period_years(framework: Framework | None) -> list[int]:
    if framework is None:
        return []
    return list(range(framework.target_year, framework.base_year - 1, -1))


def statistic_list(request: HttpRequest) -> HttpResponse:
    """The latest version of each jurisdiction-year the visitor may see."""
    framework = newest_framework()
    jurisdictions = [(j.code, j.name) for j in geo_selectors.jurisdictions(request.user)]
    form = StatisticFilterForm(
        request.GET or None, jurisdictions=jurisdictions, years=_period_years(framework)
    )
    page = Paginator(selectors.statistics(request.user, **form.values()), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "stats/statistic_list.html",
        {
            "form": form,
            "page": page,
            "items": page.object_list,
            "framework": framework,
            "query": query.urlencode(),
            "may_add": common_selectors.has_perm(request.user, perm_for(Statistic, "add")),
        },
    )


def statistic_export(request: HttpRequest) -> HttpResponse:
    """The statistics the visitor may see (filtered as the list), in the template's format."""
    framework = newest_framework()
    if framework is None:
        raise NotFoundError(_("No target set has been loaded."), field="target_set", value=None)
    jurisdictions = [(j.code, j.name) for j in geo_selectors.jurisdictions(request.user)]
    form = StatisticFilterForm(
        request.GET or None, jurisdictions=jurisdictions, years=_period_years(framework)
    )
    found = selectors.export_statistics(request.user, framework, **form.values())
    content = write_workbook(selectors.workbook_data(framework, found))
    return xlsx_response(f"statistics-{framework.key}.xlsx", content)


def statistic_template(request: HttpRequest) -> HttpResponse:
    """The empty workbook for the newest target set: one row per jurisdiction and year."""
    framework = newest_framework()
    if framework is None:
        raise NotFoundError(_("No target set has been loaded."), field="target_set", value=None)
    content = write_workbook(selectors.workbook_data(framework, {}, blank_years=True))
    return xlsx_response(f"statistics-template-{framework.key}.xlsx", content)


def _form_for(
    request: HttpRequest, *, data: Any = None, item: Statistic | None = None
) -> StatisticForm:
    if item is not None:
        framework = framework_for(item.year)
        years = [item.year]
        choices = [(item.jurisdiction.code, item.jurisdiction.name)]
    else:
        requested = (data or request.GET).get("year")
        newest = newest_framework()
        framework = framework_for(int(requested)) if str(requested or "").isdigit() else newest
        framework = framework or newest
        years = _period_years(newest)
        choices = [(j.code, j.name) for j in selectors.entry_jurisdictions(request.user)]
        if framework is not None:
            choices = [c for c in choices if c[0] in framework.jurisdictions]
    initial: dict[str, Any] = {}
    if item is None:
        initial["jurisdiction"] = request.GET.get("jurisdiction") or (
            choices[0][0] if choices else ""
        )
        if years:
            initial["year"] = request.GET.get("year") or years[0]
    form = StatisticForm(
        data,
        jurisdictions=choices,
        years=years,
        framework=framework,
        fixed=item,
        initial=initial,
    )
    if item is not None and data is None:
        form.initial_from(Figures.of(item))
    return form


def _apply_error(form: StatisticForm, error: DomainError) -> None:
    placed = False
    for record in error.errors or []:
        name = record.field or ""
        if name in form.fields and not form.fields[name].disabled:
            form.add_error(
                name,
                f"{record.message} ({record.value})"
                if record.value is not None
                else str(record.message),
            )
            placed = True
        else:
            where = f"{name}: " if name else ""
            form.add_error(None, f"{where}{record.message} ({record.value!s})")
            placed = True
    if not placed:
        field = error.field if error.field in form.fields else None
        form.add_error(field, str(error.message))


@login_required
@require_http_methods(["GET", "POST"])
def statistic_create(request: HttpRequest) -> HttpResponse:
    """A new year's statistics (a draft)."""
    require(request.user, perm_for(Statistic, "add"))
    form = _form_for(request, data=request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        jurisdiction = geo_selectors.jurisdiction(request.user, form.cleaned_data["jurisdiction"])
        try:
            item = services.do_create_statistic(
                request.user, jurisdiction, form.cleaned_data["year"], form.to_figures()
            )
        except DomainError as error:
            _apply_error(form, error)
        else:
            messages.success(request, _("The draft was saved."))
            return _redirect(request, reverse("stats:statistic_detail", args=[item.pk]))
    template = "stats/_statistic_form.html" if _htmx(request) else "stats/statistic_form.html"
    return render(request, template, {"form": form, "item": None})


def _redirect(request: HttpRequest, url: str) -> HttpResponse:
    if _htmx(request):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


def _name_of(entry: Mapping[str, Any] | None, code: str) -> str:
    """A checklist item's or plan indicator's name in the active language."""
    if not entry:
        return code
    return localised(str(entry.get("name") or code), entry.get("name_en"))


@frameworks_cached()
def statistic_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.statistic(request.user, pk)
    user = request.user
    warnings = selectors.warnings_of(item)
    framework = framework_for(item.year)
    checklist = {c["id"]: c for c in (framework.checklist if framework else [])}
    indicators = {i["id"]: i for i in (framework.indicators if framework else [])}
    return render(
        request,
        "stats/statistic_detail.html",
        {
            "item": item,
            "versions": selectors.versions_of(user, item),
            "warnings": warnings,
            "pending": [w for w, ack in warnings if ack is None],
            "acknowledgements": selectors.acknowledgements_of(item),
            "figures": [
                (Statistic._meta.get_field(name).verbose_name, getattr(item, name))
                for name in FIGURES
                if getattr(item, name) is not None
            ],
            "measures": [
                (
                    m,
                    _name_of(checklist.get(m.item), m.item),
                    checklist.get(m.item, {}).get("points"),
                )
                for m in item.measures.all()
            ],
            "indicator_values": [
                (
                    i,
                    _name_of(indicators.get(i.indicator), i.indicator),
                    unit_label(indicators.get(i.indicator, {}).get("unit", "")),
                )
                for i in item.indicators.all()
            ],
            "events": common_selectors.events_for(item)
            if can(user, perm_for(AuditEvent, "view"))
            else [],
            "may": {
                step: can(user, perm_for(Statistic, step), item)
                for step in ("change", "submit", "approve", "publish", "correct")
            },
            "reason_form": ReasonForm(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def statistic_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.statistic(request.user, pk)
    require(request.user, perm_for(Statistic, "change"), item)
    if item.state != LifecycleState.DRAFT:
        raise InvalidTransitionError(
            _("Only drafts can be changed."), field="state", value=item.state
        )
    form = _form_for(request, data=request.POST if request.method == "POST" else None, item=item)
    if request.method == "POST" and form.is_valid():
        try:
            services.do_update_statistic(request.user, item, form.to_figures())
        except DomainError as error:
            if error.status in (403, 404, 409):
                raise
            _apply_error(form, error)
        else:
            messages.success(request, _("The draft was saved."))
            return _redirect(request, reverse("stats:statistic_detail", args=[item.pk]))
    template = "stats/_statistic_form.html" if _htmx(request) else "stats/statistic_form.html"
    return render(request, template, {"form": form, "item": item})


@login_required
@require_POST
def statistic_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """A lifecycle step from the record's page; refusals are shown as error pages."""
    if step not in STEPS:
        raise NotFoundError(_("No such step."), field="step", value=step)
    item = selectors.statistic(request.user, pk)
    reason = request.POST.get("reason", "")
    user = request.user
    if step == "submit":
        result = services.do_submit_statistic(user, item)
        messages.success(request, _("Submitted for approval."))
    elif step == "approve":
        result = services.do_approve_statistic(user, item)
        messages.success(request, _("Approved."))
    elif step == "publish":
        result = services.do_publish_statistic(user, item)
        messages.success(request, _("Published."))
    elif step == "return":
        result = services.do_return_statistic(user, item, reason)
        messages.success(request, _("Returned to draft."))
    else:
        result = services.do_correct_statistic(user, item, reason)
        messages.success(request, _("A correction was opened as a new version."))
    return _redirect(request, reverse("stats:statistic_detail", args=[result.pk]))


@login_required
@require_POST
def statistic_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.statistic(request.user, pk)
    form = AcknowledgeForm(request.POST)
    if not form.is_valid():
        raise ValidationFailedError(
            _("Say why the figure is right."), field="reason", value=request.POST.get("reason", "")
        )
    services.do_acknowledge_warning(
        request.user, item, form.cleaned_data["code"], form.cleaned_data["reason"]
    )
    if _htmx(request):
        item = selectors.statistic(request.user, pk)
        warnings = selectors.warnings_of(item)
        return render(
            request,
            "stats/_warnings.html",
            {
                "item": item,
                "warnings": warnings,
                "pending": [w for w, ack in warnings if ack is None],
                "may": {"change": can(request.user, perm_for(Statistic, "change"), item)},
            },
        )
    messages.success(request, _("The warning was acknowledged."))
    return redirect("stats:statistic_detail", pk=item.pk)


def _problems(error: DomainError) -> list[dict[str, Any]]:
    rows = []
    for record in error.errors or []:
        sheet, _dot, column = (record.field or "").partition(".")
        rows.append(
            {
                "sheet": sheet if column else "",
                "column": column or sheet,
                "row": record.row,
                "value": record.value,
                "message": translate_problem(str(record.message)),
            }
        )
    return rows


@login_required
@require_http_methods(["GET", "POST"])
def statistic_import(request: HttpRequest) -> HttpResponse:
    """Upload a workbook: everything is imported, or nothing and every problem is listed."""
    require(request.user, perm_for(Statistic, "add"))
    form = ImportForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {"form": form}
    status = 200
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            validate_upload(upload, [".xlsx"])
            result = services.do_import_workbook(
                request.user,
                upload.read(),
                filename=upload.name or "upload.xlsx",
                correction_reason=form.cleaned_data["correction_reason"],
            )
        except DomainError as error:
            context["error"] = error
            context["problems"] = _problems(error)
            status = error.status
        else:
            context["result"] = result
            form = ImportForm()
            context["form"] = form
    elif request.method == "POST":
        status = 400
    template = "stats/_import_result.html" if _htmx(request) else "stats/statistic_import.html"
    if _htmx(request) and status >= 400:
        status = 200  # HTMX swaps only successful answers; the result says what went wrong
    return render(request, template, context, status=status)
