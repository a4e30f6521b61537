"""Targets pages: the city dashboard, the year's assessment (with its Excel and PDF), a run's
provenance, a target set, and the jurisdiction page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from citycarbon.server.common.errors import NotFoundError
from citycarbon.server.common.excel import xlsx_response
from citycarbon.server.common.selectors import can, perm_for, require
from citycarbon.server.targets import selectors, services
from citycarbon.server.targets.choices import Basis
from citycarbon.server.targets.dashboard import (
    assessment_view,
    dashboard_html,
    jurisdiction_html,
    warning_legend,
)
from citycarbon.server.targets.models import AssessmentRun
from citycarbon.server.targets.reports import assessment_pdf, assessment_workbook


def dashboard_page(request: HttpRequest) -> HttpResponse:
    body = dashboard_html(request.user, request.GET.get("set"), request.GET.get("year"))
    # Rendered by Django's escaping templates (and cached as a plain string).
    return render(request, "targets/dashboard.html", {"dashboard": mark_safe(body)})


def _may_assess(request: HttpRequest, view_set: object) -> bool:
    if view_set is None:
        return False
    return can(request.user, perm_for(AssessmentRun, "add"), AssessmentRun(target_set=view_set))


def assessment(request: HttpRequest) -> HttpResponse:
    """The year's scores, grades, vetoes, ranks and warning levels of every jurisdiction."""
    view = assessment_view(request.user, request.GET.get("set"), request.GET.get("year"))
    return render(
        request,
        "targets/assessment.html",
        {
            "view": view,
            "may_assess": _may_assess(request, view.target_set),
            "legend": warning_legend(),
        },
    )


def _year_view(request: HttpRequest, year: int) -> object:
    view = assessment_view(request.user, request.GET.get("set"), year)
    if view.run is None or view.year != year:
        raise NotFoundError(_("No assessment for this year."), field="year", value=year)
    return view


def assessment_export(request: HttpRequest, year: int) -> HttpResponse:
    view = _year_view(request, year)
    content = assessment_workbook(view)  # type: ignore[arg-type]
    return xlsx_response(f"assessment-{year}.xlsx", content)


def assessment_report(request: HttpRequest, year: int) -> HttpResponse:
    """The printable report in Chinese (PDF)."""
    view = _year_view(request, year)
    response = HttpResponse(assessment_pdf(view), content_type="application/pdf")  # type: ignore[arg-type]
    response["Content-Disposition"] = f'inline; filename="assessment-{year}.pdf"'
    return response


def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Where the assessment's numbers come from: the statistic versions, the configuration,
    the factors and the kernel's version."""
    item = selectors.run(request.user, pk)
    return render(
        request,
        "targets/run_detail.html",
        {
            "run": item,
            "history": selectors.runs(request.user, item.target_set).filter(basis=item.basis)[:20],
        },
    )


@login_required
@require_POST
def recompute(request: HttpRequest) -> HttpResponse:
    """Run the assessment again now (the city office); nothing is stored if nothing changed."""
    item = selectors.target_set(request.user, request.POST.get("set"))
    if item is None:
        raise NotFoundError(_("No target set has been loaded."), field="set", value=None)
    require(request.user, perm_for(AssessmentRun, "add"), AssessmentRun(target_set=item))
    for basis in (Basis.WORKING, Basis.PUBLISHED):
        services.do_assess(request.user, item, basis.value, trigger="recomputed on request")
    messages.success(request, _("The assessment is up to date."))
    return redirect(f"{reverse('targets:assessment')}?set={item.code}")


def target_set_detail(request: HttpRequest, code: str) -> HttpResponse:
    item = selectors.target_set(request.user, code)
    return render(
        request,
        "targets/target_set.html",
        {
            "item": item,
            "targets": selectors.targets_of(item) if item else [],
            "indicators": selectors.indicators_of(item) if item else [],
            "checklist": selectors.checklist_of(item) if item else [],
            "runs": selectors.runs(request.user, item)[:10] if item else [],
        },
    )


def jurisdiction(request: HttpRequest, code: str) -> HttpResponse:
    """A jurisdiction's targets, yearly figures, warning history and score breakdown (cached
    for its scope), and the slot where the inventory app shows its inventory."""
    title, body = jurisdiction_html(request.user, code, request.GET.get("set"))
    return render(
        request,
        "targets/jurisdiction.html",
        {"title": title, "body": mark_safe(body), "jurisdiction_code": code},
    )
