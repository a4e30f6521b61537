"""MRV pages: the enterprise register (list with filters and Excel export, the template and
its import, an enterprise with its facilities, contacts, status history, accounts and what it
owes), screening against the coverage thresholds, the verifier organisations, and the
compliance calendar. Signed-in users only; each sees what its roles reach, and the forms of a
page are shown to those who may use them."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from citycarbon.server.common import selectors as common_selectors
from citycarbon.server.common.errors import DomainError, NotFoundError, ValidationFailedError
from citycarbon.server.common.excel import table_workbook, xlsx_response
from citycarbon.server.common.models import AuditEvent, RoleAssignment, User
from citycarbon.server.common.selectors import can, has_perm, perm_for, require
from citycarbon.server.common.services import do_revoke_role
from citycarbon.server.common.validators import validate_upload
from citycarbon.server.geo import selectors as geo_selectors
from citycarbon.server.mrv import plans, selectors, services, workbook
from citycarbon.server.mrv.choices import ObligationKind, Standing
from citycarbon.server.mrv.deadlines import KINDS, deadlines, reminder_dates, standing
from citycarbon.server.mrv.forms import (
    AccreditationForm,
    AsOfForm,
    CalendarForm,
    CanVerifyForm,
    ContactForm,
    CoverageRuleForm,
    DecisionForm,
    EnterpriseFilterForm,
    EnterpriseForm,
    EvidenceForm,
    FacilityForm,
    PerformanceForm,
    PlanEntryForm,
    PlanYearForm,
    ReasonForm,
    RoleForm,
    SanctionForm,
    StaffEndForm,
    StaffForm,
    StatusForm,
    UploadForm,
    VerifierForm,
)
from citycarbon.server.mrv.messages import refusal_message
from citycarbon.server.mrv.models import (
    Accreditation,
    AnnualReport,
    ComplianceCalendar,
    CoverageRule,
    Disclosure,
    Enterprise,
    EvidenceFile,
    LedgerFinding,
    LedgerMonth,
    MonitoringPlan,
    NonConformity,
    PerformanceEntry,
    Sanction,
    ScreeningProposal,
    ScreeningRun,
    StatusChange,
    VerificationAssignment,
    VerifiedEmission,
    VerifierOrganisation,
    VerifierStaff,
)

PAGE_SIZE = 50


def _tabs(request: HttpRequest, active: str) -> list[dict[str, Any]]:
    """The MRV sub-navigation: the parts the user may see."""
    user = request.user
    entries = [
        ("enterprises", "mrv:enterprise_list", _("Enterprises"), perm_for(Enterprise, "view")),
        ("screening", "mrv:screening_list", _("Screening"), perm_for(ScreeningRun, "view")),
        (
            "verifiers",
            "mrv:verifier_list",
            _("Verifier organisations"),
            perm_for(VerifierOrganisation, "view"),
        ),
        (
            "calendar",
            "mrv:calendar_list",
            _("Compliance calendar"),
            perm_for(ComplianceCalendar, "view"),
        ),
        (
            "verifications",
            "mrv:verification_list",
            _("Verifications"),
            perm_for(VerificationAssignment, "view"),
        ),
        ("disclosure", "mrv:disclosure_list", _("Disclosure"), perm_for(Disclosure, "view")),
        (
            "reconciliation",
            "mrv:reconciliation",
            _("Reconciliation"),
            perm_for(VerifiedEmission, "view"),
        ),
    ]
    return [
        {"key": key, "url": name, "label": label, "active": key == active}
        for key, name, label, perm in entries
        if has_perm(user, perm)
    ]


def _place_errors(form: Any, error: DomainError) -> None:
    """Show a service's refusal next to the fields it names (or above the form)."""
    placed = False
    for record in error.errors or []:
        name = (record.field or "").split(".")[-1]
        message = str(record.message)
        if record.value not in (None, "") and name not in form.fields:
            message = f"{message} ({record.value})"
        form.add_error(name if name in form.fields else None, message)
        placed = True
    if not placed:
        form.add_error(error.field if error.field in form.fields else None, str(error.message))


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
                "message": record.message,
            }
        )
    return rows


# --- the register -----------------------------------------------------------------------------


def _filter_form(request: HttpRequest) -> EnterpriseFilterForm:
    return EnterpriseFilterForm(
        request.GET or None,
        jurisdictions=[(j.code, j.name) for j in geo_selectors.jurisdictions(request.user)],
        sectors=selectors.sector_choices(),
    )


def _filters(form: EnterpriseFilterForm) -> selectors.EnterpriseFilter:
    return selectors.EnterpriseFilter(**form.values())


@login_required
def enterprise_list(request: HttpRequest) -> HttpResponse:
    """The key emitting units the user may see, filtered and paginated."""
    require(request.user, perm_for(Enterprise, "view"))
    form = _filter_form(request)
    page = Paginator(selectors.enterprises(request.user, _filters(form)), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "mrv/enterprise_list.html",
        {
            "tabs": _tabs(request, "enterprises"),
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "sector_names": selectors.sector_names(),
            "may_add": has_perm(request.user, perm_for(Enterprise, "add")),
        },
    )


@login_required
def enterprise_export(request: HttpRequest) -> HttpResponse:
    """The list as filtered, as an Excel workbook."""
    require(request.user, perm_for(Enterprise, "view"))
    form = _filter_form(request)
    names = selectors.sector_names()
    headers = [
        _("Unified social credit code"),
        _("Chinese name"),
        _("English name"),
        _("Jurisdiction"),
        _("Sector guidelines"),
        _("Status"),
        _("Status since"),
        _("Reason for coverage"),
        _("Year the threshold was reached"),
        _("Energy use that year [tce]"),
        _("Emissions that year [tCO2e]"),
        _("Address"),
        _("Illustrative"),
    ]
    rows = (
        [
            item.credit_code,
            item.name_zh,
            item.name_en,
            item.jurisdiction.name,
            "、".join(names.get(s.sector, s.sector) for s in item.sectors.all()),
            str(item.get_status_display()),
            item.status_since,
            str(item.get_coverage_reason_display()),
            item.coverage_year,
            item.coverage_energy_tce,
            item.coverage_emissions_tco2e,
            item.address,
            _("yes") if item.illustrative else "",
        ]
        for item in selectors.enterprises(request.user, _filters(form))
    )
    content = table_workbook(
        str(_("Enterprises")),
        headers,
        rows,
        widths=[22, 34, 34, 14, 30, 12, 12, 20, 8, 14, 14, 30, 8],
    )
    return xlsx_response("enterprises.xlsx", content)


@login_required
def enterprise_template(request: HttpRequest) -> HttpResponse:
    """The empty enterprise list workbook to fill and import."""
    require(request.user, perm_for(Enterprise, "view"))
    content = workbook.enterprise_template(list(geo_selectors.jurisdictions(request.user)))
    return xlsx_response("enterprises-template.xlsx", content)


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_import(request: HttpRequest) -> HttpResponse:
    """Upload the enterprise list: everything is registered, or nothing and every problem is
    listed with its sheet, row, column and value."""
    require(request.user, perm_for(Enterprise, "add"))
    form = UploadForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {"tabs": _tabs(request, "enterprises"), "form": form}
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                validate_upload(upload, [".xlsx"])
                context["result"] = services.do_import_enterprises(
                    request.user, upload.read(), filename=upload.name or "upload.xlsx"
                )
                context["form"] = UploadForm()
            except DomainError as error:
                context["error"] = error
                context["problems"] = _problems(error)
                status = error.status
        else:
            status = 400
    return render(request, "mrv/enterprise_import.html", context, status=status)


def _enterprise_form(
    request: HttpRequest, data: Any, *, creating: bool, initial: Any = None
) -> EnterpriseForm:
    places = (
        selectors.entry_jurisdictions(request.user)
        if creating
        else list(geo_selectors.jurisdictions(request.user))
    )
    return EnterpriseForm(
        data,
        jurisdictions=[(j.code, j.name) for j in places],
        sectors=selectors.sector_choices(),
        creating=creating,
        initial=initial,
    )


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_create(request: HttpRequest) -> HttpResponse:
    require(request.user, perm_for(Enterprise, "add"))
    form = _enterprise_form(request, request.POST or None, creating=True)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.do_create_enterprise(
                request.user,
                form.data_for_service(),
                registered_on=form.cleaned_data.get("registered_on"),
            )
        except DomainError as error:
            if error.status in (403, 404):
                raise
            _place_errors(form, error)
        else:
            messages.success(request, _("The enterprise was registered."))
            return redirect("mrv:enterprise_detail", item.credit_code)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "mrv/enterprise_form.html",
        {"tabs": _tabs(request, "enterprises"), "form": form, "item": None},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_edit(request: HttpRequest, code: str) -> HttpResponse:
    item = selectors.enterprise(request.user, code)
    require(request.user, perm_for(Enterprise, "change"), item)
    initial = {
        **{
            name: getattr(item, name)
            for name in services.ENTERPRISE_FIELDS
            if name not in ("credit_code", "jurisdiction", "sectors")
        },
        "jurisdiction": item.jurisdiction.code,
        "sectors": [s.sector for s in item.sectors.all()],
    }
    form = _enterprise_form(request, request.POST or None, creating=False, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.do_update_enterprise(request.user, item, form.data_for_service())
        except DomainError as error:
            if error.status in (403, 404):
                raise
            _place_errors(form, error)
        else:
            messages.success(request, _("The enterprise was saved."))
            return redirect("mrv:enterprise_detail", item.credit_code)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "mrv/enterprise_form.html",
        {"tabs": _tabs(request, "enterprises"), "form": form, "item": item},
        status=status,
    )


def _as_of(request: HttpRequest) -> tuple[AsOfForm, date]:
    form = AsOfForm(request.GET or None)
    on = form.cleaned_data.get("on") if form.is_bound and form.is_valid() else None
    return form, on or timezone.localdate()


def _detail_context(request: HttpRequest, item: Enterprise, **forms: Any) -> dict[str, Any]:
    user = request.user
    as_of, on = _as_of(request)
    obligations = selectors.obligations(user, item, on)
    may_change = can(user, perm_for(Enterprise, "change"), item)
    may_status = can(user, perm_for(StatusChange, "add"), StatusChange(enterprise=item))
    may_roles = can(user, perm_for(RoleAssignment, "add"))
    history = list(selectors.status_history(item))
    successor_ids = {s.pk for change in history for s in change.successors.all()}
    return {
        "tabs": _tabs(request, "enterprises"),
        "item": item,
        "sector_names": selectors.sector_names(),
        "facilities": selectors.facilities_of(item),
        "contacts": selectors.contacts_of(item),
        "history": history,
        "visible_successors": selectors.visible_names(user, successor_ids),
        "predecessors": selectors.predecessors_of(user, item),
        "roles": selectors.role_assignments_of(user, item),
        "as_of": as_of,
        "on": on,
        "due": _grouped(
            [o for o in obligations if o.standing in (Standing.OVERDUE, Standing.DUE_SOON)]
        ),
        "next": next((o for o in obligations if o.standing == Standing.UPCOMING), None),
        "events": common_selectors.events_for(item)[:50]
        if can(user, perm_for(AuditEvent, "view"))
        else [],
        "may_change": may_change,
        "may_status": may_status,
        "may_roles": may_roles,
        "status_form": forms.get("status_form")
        or StatusForm(initial={"effective_on": timezone.localdate()}),
        "facility_form": forms.get("facility_form") or FacilityForm(),
        "contact_form": forms.get("contact_form") or ContactForm(),
        "role_form": forms.get("role_form") or RoleForm(),
    }


def _grouped(obligations: list[selectors.Obligation]) -> list[dict[str, Any]]:
    """Deadlines for the page, year by year in the order they fall: the ledgers of one year
    that stand the same way in one row (``2015-01 – 2015-12``, due by the last one), the
    others one row each."""
    rows: list[dict[str, Any]] = []
    ordered = sorted(
        obligations,
        key=lambda o: (o.deadline.year, KINDS.index(o.deadline.kind), o.deadline.month or 0),
    )
    for item in ordered:
        deadline = item.deadline
        last = rows[-1] if rows else None
        if (
            last is not None
            and deadline.kind == "ledger"
            and last["kind"] == "ledger"
            and last["year"] == deadline.year
            and last["standing"] == item.standing
        ):
            last["to_month"] = deadline.month
            last["due"] = deadline.due
            last["count"] += 1
            continue
        rows.append(
            {
                "kind": deadline.kind,
                "year": deadline.year,
                "from_month": deadline.month,
                "to_month": deadline.month,
                "due": deadline.due,
                "standing": item.standing,
                "count": 1,
            }
        )
    return rows


@login_required
def enterprise_detail(request: HttpRequest, code: str) -> HttpResponse:
    """One enterprise: facts, coverage, facilities, contacts, status history, accounts, what
    is due — and the office's forms."""
    item = selectors.enterprise(request.user, code)
    return render(request, "mrv/enterprise_detail.html", _detail_context(request, item))


def _post_form(
    request: HttpRequest,
    code: str,
    form_class: type[Any],
    name: str,
    action: Callable[[Enterprise, Any], Any],
    done: str,
) -> HttpResponse:
    """Run a form posted from an enterprise's page: on success back to the page with a
    message; an input problem shows the page again with the form's errors (400)."""
    item = selectors.enterprise(request.user, code)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            action(item, form)
        except DomainError as error:
            if error.status in (403, 404):
                raise
            _place_errors(form, error)
        else:
            messages.success(request, done)
            return redirect("mrv:enterprise_detail", item.credit_code)
    item = selectors.enterprise(request.user, code)
    return render(
        request,
        "mrv/enterprise_detail.html",
        _detail_context(request, item, **{name: form}),
        status=400,
    )


@login_required
@require_POST
def enterprise_status(request: HttpRequest, code: str) -> HttpResponse:
    def act(item: Enterprise, form: StatusForm) -> Any:
        successors = [selectors.enterprise(request.user, c) for c in form.successor_codes()]
        return services.do_change_status(
            request.user,
            item,
            status=form.cleaned_data["status"],
            effective_on=form.cleaned_data["effective_on"],
            successors=successors,
            reason=form.cleaned_data["reason"],
        )

    return _post_form(request, code, StatusForm, "status_form", act, _("The status was recorded."))


@login_required
@require_POST
def facility_set(request: HttpRequest, code: str) -> HttpResponse:
    def act(item: Enterprise, form: FacilityForm) -> Any:
        return services.do_set_facility(request.user, item, **form.cleaned_data)

    return _post_form(
        request, code, FacilityForm, "facility_form", act, _("The facility was saved.")
    )


@login_required
@require_POST
def facility_remove(request: HttpRequest, code: str, facility: str) -> HttpResponse:
    item = selectors.enterprise(request.user, code)
    services.do_remove_facility(request.user, item, facility)
    messages.success(request, _("The facility was removed."))
    return redirect("mrv:enterprise_detail", item.credit_code)


@login_required
@require_POST
def contact_add(request: HttpRequest, code: str) -> HttpResponse:
    def act(item: Enterprise, form: ContactForm) -> Any:
        return services.do_add_contact(request.user, item, form.cleaned_data)

    return _post_form(request, code, ContactForm, "contact_form", act, _("The contact was saved."))


@login_required
@require_POST
def contact_remove(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    item = selectors.enterprise(request.user, code)
    contact = selectors.contacts_of(item).filter(pk=pk).first()
    if contact is None:
        raise NotFoundError(_("Contact not found."), field="contact_id", value=pk)
    services.do_remove_contact(request.user, contact)
    messages.success(request, _("The contact was removed."))
    return redirect("mrv:enterprise_detail", item.credit_code)


@login_required
@require_POST
def role_assign(request: HttpRequest, code: str) -> HttpResponse:
    def act(item: Enterprise, form: RoleForm) -> Any:
        user = User.objects.filter(username=form.cleaned_data["username"]).first()
        if user is None:
            raise NotFoundError(
                _("No such account."), field="username", value=form.cleaned_data["username"]
            )
        return services.do_assign_enterprise_role(
            request.user, item, user, form.cleaned_data["role"]
        )

    return _post_form(request, code, RoleForm, "role_form", act, _("The role was given."))


@login_required
@require_POST
def role_revoke(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    item = selectors.enterprise(request.user, code)
    assignment = next(
        (a for a in selectors.role_assignments_of(request.user, item) if a.pk == int(pk)), None
    )
    if assignment is None:
        raise NotFoundError(_("Role assignment not found."), field="assignment_id", value=pk)
    require(request.user, perm_for(Enterprise, "change"), item)
    do_revoke_role(request.user, assignment)
    messages.success(request, _("The role was taken away."))
    return redirect("mrv:enterprise_detail", item.credit_code)


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


# --- verifier organisations -------------------------------------------------------------------


@login_required
def verifier_list(request: HttpRequest) -> HttpResponse:
    require(request.user, perm_for(VerifierOrganisation, "view"))
    page = Paginator(selectors.verifier_organisations(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    today = timezone.localdate()
    return render(
        request,
        "mrv/verifier_list.html",
        {
            "tabs": _tabs(request, "verifiers"),
            "page": page,
            "query": "",
            "rows": [(item, selectors.eligible_today(item, today)) for item in page.object_list],
            "sector_names": selectors.sector_names(),
            "may_add": has_perm(request.user, perm_for(VerifierOrganisation, "add")),
        },
    )


def _verifier_roots(request: HttpRequest) -> list[Any]:
    return [
        place
        for place in geo_selectors.roots()
        if can(
            request.user,
            perm_for(VerifierOrganisation, "add"),
            VerifierOrganisation(jurisdiction=place),
        )
    ]


@login_required
@require_http_methods(["GET", "POST"])
def verifier_create(request: HttpRequest) -> HttpResponse:
    require(request.user, perm_for(VerifierOrganisation, "add"))
    roots = _verifier_roots(request)
    form = VerifierForm(
        request.POST or None, jurisdictions=[(j.code, j.name) for j in roots], creating=True
    )
    if request.method == "POST" and form.is_valid():
        try:
            item = services.do_create_verifier(request.user, form.cleaned_data)
        except DomainError as error:
            if error.status in (403, 404):
                raise
            _place_errors(form, error)
        else:
            messages.success(request, _("The verifier organisation was put on the list."))
            return redirect("mrv:verifier_detail", item.credit_code)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "mrv/verifier_form.html",
        {"tabs": _tabs(request, "verifiers"), "form": form, "item": None},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def verifier_edit(request: HttpRequest, code: str) -> HttpResponse:
    item = selectors.verifier_organisation(request.user, code)
    require(request.user, perm_for(VerifierOrganisation, "change"), item)
    initial = {name: getattr(item, name) for name in ("name_zh", "name_en", "address", "note")}
    form = VerifierForm(request.POST or None, jurisdictions=[], creating=False, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.do_update_verifier(request.user, item, form.cleaned_data)
        except DomainError as error:
            if error.status in (403, 404):
                raise
            _place_errors(form, error)
        else:
            messages.success(request, _("The verifier organisation was saved."))
            return redirect("mrv:verifier_detail", item.credit_code)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "mrv/verifier_form.html",
        {"tabs": _tabs(request, "verifiers"), "form": form, "item": item},
        status=status,
    )


def _verifier_context(
    request: HttpRequest, item: VerifierOrganisation, **forms: Any
) -> dict[str, Any]:
    user = request.user
    today = timezone.localdate()
    sectors = selectors.sector_choices()
    check = forms.get("check")
    if check is None and request.GET.get("enterprise"):
        check = _can_verify_result(request, item)
    may = {
        "change": can(user, perm_for(VerifierOrganisation, "change"), item),
        "accreditation": can(
            user, perm_for(Accreditation, "add"), Accreditation(organisation=item)
        ),
        "staff": can(user, perm_for(VerifierStaff, "add"), VerifierStaff(organisation=item)),
        "performance": can(
            user, perm_for(PerformanceEntry, "add"), PerformanceEntry(organisation=item)
        ),
        "sanction": can(user, perm_for(Sanction, "add"), Sanction(organisation=item)),
    }
    return {
        "tabs": _tabs(request, "verifiers"),
        "item": item,
        "today": today,
        "accreditations": selectors.accreditations_of(item),
        "staff": selectors.staff_of(item),
        "performance": selectors.performance_of(item),
        "sanctions": selectors.sanctions_of(item),
        "sector_names": dict(sectors),
        "may": may,
        "accreditation_form": forms.get("accreditation_form") or AccreditationForm(sectors=sectors),
        "staff_form": forms.get("staff_form") or StaffForm(),
        "end_form": StaffEndForm(initial={"left_on": today}),
        "performance_form": forms.get("performance_form") or PerformanceForm(),
        "sanction_form": forms.get("sanction_form") or SanctionForm(),
        "check_form": CanVerifyForm(
            request.GET if request.GET.get("enterprise") else None, initial={"on": today}
        ),
        "check": check,
    }


def _can_verify_result(request: HttpRequest, item: VerifierOrganisation) -> dict[str, Any] | None:
    form = CanVerifyForm(request.GET)
    if not form.is_valid():
        return None
    enterprise = selectors.enterprise(request.user, form.cleaned_data["enterprise"].strip().upper())
    on = form.cleaned_data["on"]
    found = selectors.verification_refusals(item, enterprise, on)
    return {
        "enterprise": enterprise,
        "on": on,
        "allowed": not found,
        "reasons": [refusal_message(code, sectors) for code, sectors in found],
    }


@login_required
def verifier_detail(request: HttpRequest, code: str) -> HttpResponse:
    """An organisation: accreditations, staff, performance record, sanctions; whether it may
    verify an enterprise on a day; the office's forms."""
    item = selectors.verifier_organisation(request.user, code)
    return render(request, "mrv/verifier_detail.html", _verifier_context(request, item))


def _add_accreditation(request: HttpRequest, item: VerifierOrganisation, form: Any) -> Any:
    return services.do_add_accreditation(request.user, item, **form.cleaned_data)


def _add_staff(request: HttpRequest, item: VerifierOrganisation, form: Any) -> Any:
    data = dict(form.cleaned_data)
    username = data.pop("username", "")
    user = None
    if username:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise NotFoundError(_("No such account."), field="username", value=username)
    return services.do_add_staff(request.user, item, user=user, **data)


def _add_performance(request: HttpRequest, item: VerifierOrganisation, form: Any) -> Any:
    data = dict(form.cleaned_data)
    code = (data.pop("enterprise") or "").strip().upper()
    enterprise = selectors.enterprise(request.user, code) if code else None
    return services.do_add_performance(request.user, item, enterprise=enterprise, **data)


def _add_sanction(request: HttpRequest, item: VerifierOrganisation, form: Any) -> Any:
    return services.do_add_sanction(request.user, item, **form.cleaned_data)


_PARTS: dict[str, tuple[Callable[..., Any], Callable[..., Any], Any]] = {
    "accreditations": (
        lambda data: AccreditationForm(data, sectors=selectors.sector_choices()),
        _add_accreditation,
        "accreditation_form",
    ),
    "staff": (StaffForm, _add_staff, "staff_form"),
    "performance": (PerformanceForm, _add_performance, "performance_form"),
    "sanctions": (SanctionForm, _add_sanction, "sanction_form"),
}


@login_required
@require_POST
def verifier_add(request: HttpRequest, code: str, part: str) -> HttpResponse:
    """Add an accreditation, a staff member, a performance entry or a sanction."""
    item = selectors.verifier_organisation(request.user, code)
    make, action, name = _PARTS[part]
    form = make(request.POST)
    if form.is_valid():
        try:
            action(request, item, form)
        except DomainError as error:
            if error.status in (403, 404):
                raise
            _place_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("mrv:verifier_detail", item.credit_code)
    return render(
        request,
        "mrv/verifier_detail.html",
        _verifier_context(request, item, **{name: form}),
        status=400,
    )


@login_required
@require_POST
def staff_end(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    item = selectors.verifier_organisation(request.user, code)
    staff = selectors.staff_of(item).filter(pk=pk).first()
    if staff is None:
        raise NotFoundError(_("Staff member not found."), field="staff_id", value=pk)
    form = StaffEndForm(request.POST)
    left_on = form.cleaned_data["left_on"] if form.is_valid() else timezone.localdate()
    services.do_end_staff(request.user, staff, left_on)
    messages.success(request, _("Saved."))
    return redirect("mrv:verifier_detail", item.credit_code)


# --- the compliance calendar ------------------------------------------------------------------

_KIND_LABELS = dict(ObligationKind.choices())
_STANDING_LABELS = dict(Standing.choices())


def _calendar_initial(item: ComplianceCalendar) -> dict[str, Any]:
    return {
        "year": item.year,
        "monitoring_plan_due": item.monitoring_plan_due,
        "ledger_due_day": item.ledger_due_day,
        "annual_report_due": item.annual_report_due,
        "verification_due": item.verification_due,
        "approval_due": item.approval_due,
        "reminder_days": ", ".join(str(d) for d in item.reminder_days),
        "note": item.note,
    }


def _set_calendar(request: HttpRequest, form: CalendarForm) -> ComplianceCalendar:
    data = dict(form.cleaned_data)
    year = data.pop("year")
    return services.do_set_calendar(request.user, year, **data)


@login_required
@require_http_methods(["GET", "POST"])
def calendar_list(request: HttpRequest) -> HttpResponse:
    """The compliance years; the office sets a year's deadlines here."""
    require(request.user, perm_for(ComplianceCalendar, "view"))
    may_change = has_perm(request.user, perm_for(ComplianceCalendar, "change"))
    form = CalendarForm(request.POST or None)
    status = 200
    if request.method == "POST":
        require(request.user, perm_for(ComplianceCalendar, "change"))
        if form.is_valid():
            try:
                item = _set_calendar(request, form)
            except DomainError as error:
                _place_errors(form, error)
            else:
                messages.success(request, _("The compliance calendar was saved."))
                return redirect("mrv:calendar_detail", item.year)
        status = 400
    return render(
        request,
        "mrv/calendar_list.html",
        {
            "tabs": _tabs(request, "calendar"),
            "items": selectors.calendars(request.user),
            "form": form,
            "may_change": may_change,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def calendar_detail(request: HttpRequest, year: int) -> HttpResponse:
    """A year's deadlines (with where each stands on a day) and, for the office, its form."""
    item = selectors.calendar(request.user, year)
    may_change = can(request.user, perm_for(ComplianceCalendar, "change"), item)
    form = CalendarForm(request.POST or None, initial=_calendar_initial(item))
    status = 200
    if request.method == "POST":
        require(request.user, perm_for(ComplianceCalendar, "change"), item)
        if form.is_valid():
            try:
                _set_calendar(request, form)
            except DomainError as error:
                _place_errors(form, error)
            else:
                messages.success(request, _("The compliance calendar was saved."))
                return redirect("mrv:calendar_detail", form.cleaned_data["year"])
        status = 400
    as_of, on = _as_of(request)
    dates = selectors.calendar_dates(item)
    rows = []
    for deadline in deadlines(dates):
        where = standing(deadline, on, dates.reminder_days)
        rows.append(
            {
                "deadline": deadline,
                "kind": _KIND_LABELS.get(deadline.kind, deadline.kind),
                "standing": where,
                "standing_label": _STANDING_LABELS.get(where, where),
                "reminders": reminder_dates(deadline, dates.reminder_days),
            }
        )
    return render(
        request,
        "mrv/calendar_detail.html",
        {
            "tabs": _tabs(request, "calendar"),
            "item": item,
            "rows": rows,
            "as_of": as_of,
            "on": on,
            "form": form,
            "may_change": may_change,
        },
        status=status,
    )


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


# --- the monthly ledger -----------------------------------------------------------------------


def _month_number(month: str) -> int:
    number = int(month)
    if not 1 <= number <= 12:
        raise NotFoundError(_("No such month."), field="month", value=month)
    return number


@login_required
def ledger_year(request: HttpRequest, code: str, year: str) -> HttpResponse:
    """The year's twelve ledger months: entered or not, warnings pending, submitted."""
    item = selectors.enterprise(request.user, code)
    found = {m.month: m for m in selectors.ledger_months(request.user, item, int(year))}
    months = [{"month": n, "record": found.get(n)} for n in range(1, 13)]
    return render(
        request,
        "mrv/ledger_year.html",
        {"tabs": _tabs(request, "enterprises"), "item": item, "year": int(year), "months": months},
    )


def _entry_fields(kernel_plan: Any) -> list[dict[str, Any]]:
    """The measured parameters of the plan, one line of the month's form each."""
    fields = []
    for stream in kernel_plan.streams:
        for parameter in stream.parameters:
            if parameter.basis != "measured":
                continue
            fields.append(
                {
                    "key": f"{stream.id}__{parameter.name}",
                    "stream": stream.id,
                    "stream_name": stream.name,
                    "facility": stream.facility,
                    "parameter": parameter.name,
                    "unit": parameter.unit,
                    "method": parameter.method,
                    "frequency": parameter.frequency,
                }
            )
    return fields


def _ledger_context(
    request: HttpRequest, item: Enterprise, year: int, month: int, **extra: Any
) -> dict[str, Any]:
    user = request.user
    record = (
        selectors.ledger_months_one(user, item, year, month)
        if can(user, perm_for(LedgerMonth, "view"), LedgerMonth(enterprise=item))
        else None
    )
    may_enter = (record is None or record.state == "pending") and can(
        user, perm_for(LedgerMonth, "add"), LedgerMonth(enterprise=item)
    )
    approved = selectors.approved_plan(user, item, year) if may_enter else None
    kernel_plan = plans.plan_of(approved.document) if approved is not None else None
    findings = list(selectors.findings_of(record)) if record is not None else []
    return {
        "tabs": _tabs(request, "enterprises"),
        "item": item,
        "year": year,
        "month": month,
        "key": f"{year:04d}-{month:02d}",
        "record": record,
        "entries": list(selectors.entries_of(record)) if record is not None else [],
        "findings": [
            {"item": f, "message": plans.stored_message(f.code, f.params, f.message)}
            for f in findings
        ],
        "may_enter": may_enter and kernel_plan is not None,
        "no_plan": may_enter and kernel_plan is None,
        "may_acknowledge": record is not None
        and can(user, perm_for(LedgerFinding, "change"), LedgerFinding(ledger=record)),
        "fields": _entry_fields(kernel_plan) if kernel_plan is not None else [],
        "values": extra.get("values", {}),
        "problems": extra.get("problems", []),
        "upload_form": extra.get("upload_form") or UploadForm(),
    }


def _form_rows(
    request: HttpRequest, kernel_plan: Any
) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """The month's rows from the posted form (lines without value, evidence and note are not
    entered) and the posted values to show again."""
    rows, values = [], {}
    for field in _entry_fields(kernel_plan):
        key = field["key"]
        posted = {
            name: request.POST.get(f"{key}__{name}", "").strip()
            for name in ("value", "unit", "evidence", "note")
        }
        values.update({f"{key}__{name}": text for name, text in posted.items()})
        if not (posted["value"] or posted["evidence"] or posted["note"]):
            continue
        rows.append(
            {
                "stream": field["stream"],
                "parameter": field["parameter"],
                "value": posted["value"],
                "unit": posted["unit"] or field["unit"],
                "evidence": posted["evidence"],
                "note": posted["note"],
            }
        )
    return rows, values


def _problems_of(error: DomainError) -> list[dict[str, Any]]:
    return [
        {"row": r.row, "field": r.field, "value": r.value, "message": str(r.message)}
        for r in (error.errors or [])
    ] or [{"row": None, "field": error.field, "value": error.value, "message": str(error.message)}]


@login_required
@require_http_methods(["GET", "POST"])
def ledger_month(request: HttpRequest, code: str, year: str, month: str) -> HttpResponse:
    """One month's ledger: its rows and warnings (with acknowledgements), and, for the
    enterprise, the form to enter it (one line per measured parameter of the approved plan)."""
    item = selectors.enterprise(request.user, code)
    number = _month_number(month)
    if request.method == "POST":
        approved = selectors.approved_plan(request.user, item, int(year))
        kernel_plan = plans.plan_of(approved.document) if approved is not None else None
        rows, values = _form_rows(request, kernel_plan) if kernel_plan is not None else ([], {})
        try:
            services.do_submit_ledger(request.user, item, int(year), number, rows, source="form")
        except DomainError as error:
            if error.status in (403, 404):
                raise
            context = _ledger_context(
                request, item, int(year), number, values=values, problems=_problems_of(error)
            )
            return render(request, "mrv/ledger_month.html", context, status=400)
        messages.success(request, _("The ledger was submitted."))
        return redirect("mrv:ledger_month", item.credit_code, year, number)
    context = _ledger_context(request, item, int(year), number)
    if context["record"] is None and not context["may_enter"] and not context["no_plan"]:
        raise NotFoundError(
            _("No ledger of %(code)s for %(month)s.")
            % {"code": item.credit_code, "month": context["key"]},
            field="month",
            value=context["key"],
        )
    return render(request, "mrv/ledger_month.html", context)


@login_required
@require_POST
def ledger_import(request: HttpRequest, code: str, year: str, month: str) -> HttpResponse:
    """Submit the month from an uploaded ledger workbook."""
    item = selectors.enterprise(request.user, code)
    number = _month_number(month)
    form = UploadForm(request.POST, request.FILES)
    problems: list[dict[str, Any]] = []
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            validate_upload(upload, [".xlsx"])
            services.do_import_ledger(request.user, item, int(year), number, upload.read())
        except DomainError as error:
            if error.status in (403, 404):
                raise
            problems = _problems_of(error)
        else:
            messages.success(request, _("The ledger was submitted."))
            return redirect("mrv:ledger_month", item.credit_code, year, number)
    context = _ledger_context(request, item, int(year), number, upload_form=form, problems=problems)
    return render(request, "mrv/ledger_month.html", context, status=400)


@login_required
@require_POST
def finding_acknowledge(
    request: HttpRequest, code: str, year: str, month: str, pk: str
) -> HttpResponse:
    """Acknowledge a warning with the reason the value stands."""
    item = selectors.enterprise(request.user, code)
    number = _month_number(month)
    found = selectors.ledger_finding(request.user, item, int(pk))
    if (found.ledger.year, found.ledger.month) != (int(year), number):
        raise NotFoundError(_("No such warning."), field="finding_id", value=pk)
    try:
        services.do_acknowledge_finding(request.user, found, request.POST.get("reason", ""))
    except DomainError as error:
        if error.status in (403, 404):
            raise
        context = _ledger_context(request, item, int(year), number, problems=_problems_of(error))
        return render(request, "mrv/ledger_month.html", context, status=400)
    messages.success(request, _("The warning was acknowledged."))
    return redirect("mrv:ledger_month", item.credit_code, year, number)


@login_required
@require_http_methods(["GET", "POST"])
def evidence_list(request: HttpRequest, code: str) -> HttpResponse:
    """The enterprise's evidence files, and the upload."""
    item = selectors.enterprise(request.user, code)
    may_upload = can(request.user, perm_for(EvidenceFile, "add"), EvidenceFile(enterprise=item))
    form = EvidenceForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if not may_upload:
            require(request.user, perm_for(EvidenceFile, "add"), EvidenceFile(enterprise=item))
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                services.do_upload_evidence(
                    request.user,
                    item,
                    upload.name or "",
                    upload.read(),
                    description=form.cleaned_data["description"],
                )
            except DomainError as error:
                if error.status in (403, 404):
                    raise
                _place_errors(form, error)
            else:
                messages.success(request, _("The file was kept."))
                return redirect("mrv:evidence_list", item.credit_code)
        status = 400
    return render(
        request,
        "mrv/evidence_list.html",
        {
            "tabs": _tabs(request, "enterprises"),
            "item": item,
            "files": selectors.evidence_of(request.user, item),
            "form": form if request.method == "POST" else EvidenceForm(),
            "may_upload": may_upload,
        },
        status=status,
    )


_CONTENT_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpeg": "image/jpeg",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@login_required
def evidence_download(request: HttpRequest, code: str, pk: str) -> HttpResponse:
    """One evidence file, as uploaded (its SHA-256 in a header)."""
    item = selectors.enterprise(request.user, code)
    found = selectors.evidence_file(request.user, item, int(pk))
    response = HttpResponse(bytes(found.content), content_type=_CONTENT_TYPES[found.kind])
    response["Content-Disposition"] = f'attachment; filename="evidence-{found.pk}.{found.kind}"'
    response["X-Content-SHA256"] = found.sha256
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- annual reports ---------------------------------------------------------------------------


def _report_context(
    request: HttpRequest, item: Enterprise, year: int, **extra: Any
) -> dict[str, Any]:
    user = request.user
    versions = list(selectors.reports_of(user, item).filter(year=year))
    wanted = request.GET.get("version")
    record = versions[0] if versions else None
    if wanted and wanted.isdigit():
        record = next((v for v in versions if v.version == int(wanted)), None)
        if record is None:
            raise NotFoundError(_("No such version."), field="version", value=wanted)
    latest = record is not None and record.pk == versions[0].pk
    sign_offs = list(selectors.sign_offs_of(record)) if record is not None else []
    standing = any(s.withdrawn_at is None for s in sign_offs)
    state = record.state if record is not None else None
    blank = AnnualReport(enterprise=item, year=year)
    may = {
        "build": (record is None or (latest and state == "draft"))
        and can(user, perm_for(AnnualReport, "add"), blank),
        "sign_off": latest
        and state == "draft"
        and not standing
        and can(user, perm_for(AnnualReport, "signoff"), record),
        "withdraw": latest
        and state == "draft"
        and standing
        and can(user, perm_for(AnnualReport, "signoff"), record),
        "submit": latest
        and state == "draft"
        and can(user, perm_for(AnnualReport, "submit"), record),
        "correct": latest
        and state == "submitted"
        and can(user, perm_for(AnnualReport, "correct"), record),
    }
    figures = record.figures if record is not None else {}
    derivations: dict[str, list[Any]] = {}
    for derivation in figures.get("derivations", []):
        derivations.setdefault(derivation["stream"], []).append(derivation)
    return {
        "tabs": _tabs(request, "enterprises"),
        "item": item,
        "year": year,
        "record": record,
        "versions": versions,
        "figures": figures,
        "derivations": sorted(derivations.items()),
        "sign_offs": sign_offs,
        "standing": standing,
        "may": may,
        "problems": extra.get("problems", []),
        "calendar": ComplianceCalendar.objects.filter(year=year).first(),
    }


@login_required
def report_detail(request: HttpRequest, code: str, year: str) -> HttpResponse:
    """The year's annual report: total and lines, each figure's derivation (months, weights),
    the sign-off, the versions — and the steps the user may take."""
    item = selectors.enterprise(request.user, code)
    context = _report_context(request, item, int(year))
    if context["record"] is None and not context["may"]["build"]:
        raise NotFoundError(
            _("No annual report of %(code)s for %(year)s.")
            % {"code": item.credit_code, "year": year},
            field="year",
            value=year,
        )
    return render(request, "mrv/report_detail.html", context)


@login_required
@require_POST
def report_step(request: HttpRequest, code: str, year: str, step: str) -> HttpResponse:
    """Build, sign off, withdraw the sign-off (reason), submit, or correct (reason)."""
    item = selectors.enterprise(request.user, code)
    reason = request.POST.get("reason", "")
    try:
        if step == "build":
            services.do_build_report(request.user, item, int(year))
        else:
            record = selectors.report(request.user, item, int(year))
            if step == "sign-off":
                services.do_sign_off(request.user, record)
            elif step == "withdraw":
                services.do_withdraw_sign_off(request.user, record, reason)
            elif step == "submit":
                services.do_submit_report(request.user, record)
            else:
                services.do_correct_report(request.user, record, reason)
    except DomainError as error:
        if error.status in (403, 404):
            raise
        context = _report_context(request, item, int(year), problems=_problems_of(error))
        return render(request, "mrv/report_detail.html", context, status=400)
    done = {
        "build": _("The report was built."),
        "sign-off": _("The report was signed off."),
        "withdraw": _("The sign-off was withdrawn."),
        "submit": _("The report was submitted."),
        "correct": _("A correction of the report was opened."),
    }[step]
    messages.success(request, done)
    return redirect("mrv:report_detail", item.credit_code, year)


# --- verification -----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def verification_list(request: HttpRequest) -> HttpResponse:
    """The verifications the user may see (a verifier: its organisation's); the office draws
    spot checks here."""
    user = request.user
    require(user, perm_for(VerificationAssignment, "view"))
    problems: list[dict[str, Any]] = []
    may_draw = has_perm(user, perm_for(VerificationAssignment, "add"))
    if request.method == "POST":
        require(user, perm_for(VerificationAssignment, "add"))
        try:
            year = int(request.POST.get("year", "0"))
            share = Decimal(request.POST.get("share", "0"))
            on = date.fromisoformat(request.POST["on"]) if request.POST.get("on") else None
        except (ValueError, ArithmeticError):
            problems = [
                {
                    "field": "share",
                    "value": "",
                    "message": _("Expected a year, a share and a day."),
                    "row": None,
                }
            ]
        else:
            try:
                made = services.do_draw_spot_checks(user, year, share, on=on)
            except DomainError as error:
                if error.status in (403, 404):
                    raise
                problems = _problems_of(error)
            else:
                messages.success(request, _("%(n)d spot check(s) drawn.") % {"n": len(made)})
                return redirect("mrv:verification_list")
    return render(
        request,
        "mrv/verification_list.html",
        {
            "tabs": _tabs(request, "verifications"),
            "items": selectors.verifications(user)[:500],
            "may_draw": may_draw,
            "problems": problems,
        },
        status=400 if problems else 200,
    )


def _verification_context(
    request: HttpRequest, code: str, year: int, **extra: Any
) -> dict[str, Any]:
    user = request.user
    try:
        assignments = selectors.verification_of(user, code, year)
        item = assignments[0].enterprise
    except NotFoundError:
        item = selectors.enterprise(user, code)
        assignments = []
        if not can(
            user, perm_for(VerificationAssignment, "add"), VerificationAssignment(enterprise=item)
        ):
            raise
    blocks = []
    for record in assignments:
        blocks.append(
            {
                "record": record,
                "steps": {s.step: s for s in selectors.steps_of(record)},
                "findings": list(selectors.non_conformities_of(record)),
                "verified": list(selectors.verified_of(record)),
                "may_verify": can(user, "mrv.verify_verificationassignment", record),
                "may_correct": can(
                    user, perm_for(NonConformity, "correct"), NonConformity(assignment=record)
                ),
                "may_approve": record.kind == "primary"
                and record.state == "reported"
                and can(user, perm_for(VerificationAssignment, "approve"), record),
                "may_publish": record.kind == "primary"
                and record.state == "approved"
                and can(user, perm_for(Disclosure, "publish"), Disclosure(enterprise=item))
                and not Disclosure.objects.filter(assignment=record, state="published").exists(),
            }
        )
    primary = next((a for a in assignments if a.kind == "primary"), None)
    may_assign = primary is None and can(
        user, perm_for(VerificationAssignment, "add"), VerificationAssignment(enterprise=item)
    )
    report_record = primary.report if primary is not None else None
    return {
        "tabs": _tabs(request, "verifications"),
        "item": item,
        "year": year,
        "blocks": blocks,
        "may_assign": may_assign,
        "organisations": selectors.verifier_organisations(user) if may_assign else [],
        "report": report_record,
        "sources": sorted((report_record.figures.get("by_source") or {}).items())
        if report_record is not None
        else [],
        "acknowledgements": list(selectors.acknowledgements_of(item, year)) if blocks else [],
        "today": timezone.localdate(),
        "problems": extra.get("problems", []),
    }


@login_required
def verification_detail(request: HttpRequest, code: str, year: str) -> HttpResponse:
    """One enterprise-year's verification (and spot check): assignment, steps, findings with
    corrections, the report with verified emissions by source and the opinion, the approval,
    and the acknowledged warnings of the ledger — with the forms of who may act."""
    context = _verification_context(request, code, int(year))
    return render(request, "mrv/verification_detail.html", context)


def _day(request: HttpRequest, name: str = "on") -> date | None:
    text = request.POST.get(name, "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationFailedError(
            _("Expected a date (YYYY-MM-DD)."), field=name, value=text
        ) from None


def _verification_done(
    request: HttpRequest, code: str, year: str, act: Callable[[], Any]
) -> HttpResponse:
    try:
        act()
    except DomainError as error:
        if error.status in (403, 404):
            raise
        context = _verification_context(request, code, int(year), problems=_problems_of(error))
        return render(request, "mrv/verification_detail.html", context, status=400)
    messages.success(request, _("Recorded."))
    return redirect("mrv:verification_detail", code, year)


@login_required
@require_POST
def verification_office(request: HttpRequest, code: str, year: str, action: str) -> HttpResponse:
    """The office: assign a verifier (named or at random), approve the verified figure, or
    record an advisory relation."""
    user = request.user
    item = selectors.enterprise(user, code)

    if action in ("assign", "advisory"):
        require(
            user, perm_for(VerificationAssignment, "add"), VerificationAssignment(enterprise=item)
        )

    def act() -> Any:
        if action == "assign":
            chosen = request.POST.get("organisation", "")
            organisation = (
                None if chosen in ("", "random") else selectors.verifier_organisation(user, chosen)
            )
            return services.do_assign_verifier(
                user, item, int(year), organisation=organisation, on=_day(request)
            )
        if action == "advisory":
            organisation = selectors.verifier_organisation(
                user, request.POST.get("organisation", "")
            )
            try:
                from_year = int(request.POST.get("from_year", ""))
            except ValueError:
                raise ValidationFailedError(
                    _("Expected a year."), field="from_year", value=request.POST.get("from_year")
                ) from None
            return services.do_add_advisory(user, organisation, item, from_year=from_year)
        records = selectors.verification_of(user, code, int(year))
        primary = next((r for r in records if r.kind == "primary"), None)
        if primary is None:
            raise NotFoundError(_("No such verification."), field="kind", value="primary")
        if action == "publish":
            return services.do_publish_disclosure(user, primary)
        return services.do_approve_verification(user, primary, request.POST.get("note", ""))

    return _verification_done(request, code, year, act)


@login_required
@require_POST
def verification_act(
    request: HttpRequest, code: str, year: str, kind: str, action: str
) -> HttpResponse:
    """The assigned verifier: a step (plan, document review, site visit), a finding, or the
    report. Anyone else is refused and the attempt audited."""
    user = request.user
    record = services.verifier_assignment(
        user, code, int(year), kind, action, "mrv.verify_verificationassignment"
    )

    def act() -> Any:
        on = _day(request)
        if action in ("plan", "document_review", "site_visit"):
            return services.do_verification_step(
                user, record, action, on or timezone.localdate(), request.POST.get("note", "")
            )
        if action == "finding":
            return services.do_raise_non_conformity(
                user, record, request.POST.get("description", ""), on=on
            )
        emissions: dict[str, Decimal] = {}
        for key, value in request.POST.items():
            if key.startswith("emissions__") and value.strip():
                try:
                    emissions[key.removeprefix("emissions__")] = Decimal(value.strip())
                except ArithmeticError:
                    raise ValidationFailedError(
                        _("Expected a number."), field=key, value=value
                    ) from None
        return services.do_verification_report(
            user, record, emissions, request.POST.get("opinion", ""),
            request.POST.get("text", ""), on=on,
        )  # fmt: skip

    return _verification_done(request, code, year, act)


@login_required
@require_POST
def non_conformity_act(
    request: HttpRequest, code: str, year: str, kind: str, pk: str, action: str
) -> HttpResponse:
    """The enterprise corrects a finding; the assigned verifier closes it."""
    user = request.user
    record: VerificationAssignment | None
    if action == "close":
        record = services.verifier_assignment(
            user, code, int(year), kind, "close_non_conformity", "mrv.verify_verificationassignment"
        )
    else:
        records = selectors.verification_of(user, code, int(year))
        record = next((r for r in records if r.kind == kind), None)
        if record is None:
            raise NotFoundError(_("No such verification."), field="kind", value=kind)
    found = selectors.non_conformities_of(record).filter(pk=int(pk)).first()
    if found is None:
        raise NotFoundError(_("No such finding."), field="finding_id", value=pk)

    def act() -> Any:
        if action == "close":
            return services.do_close_non_conformity(user, record, found, on=_day(request))
        return services.do_correct_non_conformity(user, found, request.POST.get("correction", ""))

    return _verification_done(request, code, year, act)


# --- disclosure and reconciliation ------------------------------------------------------------


def _year_param(request: HttpRequest) -> int | None:
    text = request.GET.get("year", "")
    return int(text) if text.isdigit() and 1990 <= int(text) <= 2200 else None


@login_required
def disclosure_list(request: HttpRequest) -> HttpResponse:
    """Published verified emissions per enterprise, with sector and trend (the public sees
    published figures only)."""
    require(request.user, perm_for(Disclosure, "view"))
    year = _year_param(request)
    return render(
        request,
        "mrv/disclosure_list.html",
        {
            "tabs": _tabs(request, "disclosure"),
            "year": year,
            "rows": selectors.disclosure_table(request.user, year),
        },
    )


@login_required
def reconciliation(request: HttpRequest) -> HttpResponse:
    """Enterprises' approved verified emissions by jurisdiction and inventory sector against
    the jurisdiction's inventory: coverage share, unexplained gaps highlighted."""
    user = request.user
    require(user, perm_for(VerifiedEmission, "view"))
    year = _year_param(request) or 2015
    code = request.GET.get("jurisdiction", "") or "zhengzhou"
    root = selectors.reconciliation_root(code)
    return render(
        request,
        "mrv/reconciliation.html",
        {
            "tabs": _tabs(request, "reconciliation"),
            "year": year,
            "root": root,
            "places": selectors.reconciliation(user, root, year),
        },
    )
