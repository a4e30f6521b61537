"""Screening pages: coverage rules, screening runs (template, detail) and the decision on a
proposal."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from citycarbon.server.common.errors import DomainError
from citycarbon.server.common.excel import xlsx_response
from citycarbon.server.common.selectors import can, has_perm, perm_for, require
from citycarbon.server.common.validators import validate_upload
from citycarbon.server.geo import selectors as geo_selectors
from citycarbon.server.mrv import selectors, services, workbook
from citycarbon.server.mrv.forms import (
    CoverageRuleForm,
    DecisionForm,
    UploadForm,
)
from citycarbon.server.mrv.models import (
    CoverageRule,
    ScreeningProposal,
    ScreeningRun,
)
from citycarbon.server.mrv.views._common import PAGE_SIZE, _place_errors, _problems, _tabs

# --- screening --------------------------------------------------------------------------------


def _screening_context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    user = request.user
    runs = Paginator(selectors.screening_runs(user), PAGE_SIZE).get_page(request.GET.get("page"))
    return {
        "tabs": _tabs(request, "screening"),
        "page": runs,
        "query": "",
        "rules": list(selectors.coverage_rule_list(user)),
        "defaults": selectors.coverage_rules() if not CoverageRule.objects.exists() else (),
        "may_run": has_perm(user, perm_for(ScreeningRun, "add")),
        "may_rules": has_perm(user, perm_for(CoverageRule, "change")),
        "upload_form": extra.get("upload_form") or UploadForm(),
        "rule_form": extra.get("rule_form") or CoverageRuleForm(),
        **{k: v for k, v in extra.items() if k not in ("upload_form", "rule_form")},
    }


@login_required
@require_http_methods(["GET", "POST"])
def screening_list(request: HttpRequest) -> HttpResponse:
    """The coverage thresholds, the screening runs, and the upload of figures to screen."""
    require(request.user, perm_for(ScreeningRun, "view"))
    if request.method == "GET":
        return render(request, "mrv/screening_list.html", _screening_context(request))
    require(request.user, perm_for(ScreeningRun, "add"))
    form = UploadForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            validate_upload(upload, [".xlsx"])
            run = services.do_import_screening(
                request.user, upload.read(), filename=upload.name or "upload.xlsx"
            )
        except DomainError as error:
            if error.status in (403, 404):
                raise
            context = _screening_context(
                request, upload_form=form, error=error, problems=_problems(error)
            )
            return render(request, "mrv/screening_list.html", context, status=error.status)
        messages.success(request, _("The figures were screened."))
        return redirect("mrv:screening_detail", run.pk)
    return render(
        request,
        "mrv/screening_list.html",
        _screening_context(request, upload_form=form),
        status=400,
    )


@login_required
@require_POST
def coverage_rule_set(request: HttpRequest) -> HttpResponse:
    require(request.user, perm_for(CoverageRule, "change"))
    form = CoverageRuleForm(request.POST)
    if form.is_valid():
        try:
            services.do_set_coverage_rule(request.user, **form.cleaned_data)
        except DomainError as error:
            if error.status in (403, 404):
                raise
            _place_errors(form, error)
        else:
            messages.success(request, _("The thresholds were saved."))
            return redirect("mrv:screening_list")
    return render(
        request, "mrv/screening_list.html", _screening_context(request, rule_form=form), status=400
    )


@login_required
def screening_template(request: HttpRequest) -> HttpResponse:
    require(request.user, perm_for(ScreeningRun, "view"))
    content = workbook.screening_template(list(geo_selectors.jurisdictions(request.user)))
    return xlsx_response("screening-template.xlsx", content)


@login_required
def screening_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A screening run: what was screened against which thresholds, and its proposals."""
    run = selectors.screening_run(request.user, pk)
    return render(
        request,
        "mrv/screening_detail.html",
        {
            "tabs": _tabs(request, "screening"),
            "run": run,
            "proposals": selectors.proposals_of(run),
            "sector_names": selectors.sector_names(),
            "may_decide": can(
                request.user, perm_for(ScreeningProposal, "decide"), ScreeningProposal(run=run)
            ),
            "decision_form": DecisionForm(),
        },
    )


@login_required
@require_POST
def proposal_decide(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    proposal = selectors.proposal(request.user, pk)
    form = DecisionForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    if decision == "accept":
        services.do_accept_proposal(request.user, proposal, reason=reason)
        messages.success(request, _("The enterprise was registered."))
    else:
        services.do_reject_proposal(request.user, proposal, reason)
        messages.success(request, _("The proposal was rejected."))
    return redirect("mrv:screening_detail", proposal.run_id)
