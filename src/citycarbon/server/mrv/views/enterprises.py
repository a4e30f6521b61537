"""The register pages: the enterprise list (filters, Excel export, template, import), creating
and changing an enterprise, its detail page with obligations, status, facilities, contacts
and roles."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
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
from citycarbon.server.common.errors import DomainError, NotFoundError
from citycarbon.server.common.excel import table_workbook, xlsx_response
from citycarbon.server.common.models import AuditEvent, RoleAssignment, User
from citycarbon.server.common.selectors import can, has_perm, perm_for, require
from citycarbon.server.common.services import do_revoke_role
from citycarbon.server.common.validators import validate_upload
from citycarbon.server.geo import selectors as geo_selectors
from citycarbon.server.mrv import selectors, services, workbook
from citycarbon.server.mrv.choices import Standing
from citycarbon.server.mrv.deadlines import KINDS
from citycarbon.server.mrv.forms import (
    AsOfForm,
    ContactForm,
    EnterpriseFilterForm,
    EnterpriseForm,
    FacilityForm,
    RoleForm,
    StatusForm,
    UploadForm,
)
from citycarbon.server.mrv.models import (
    Enterprise,
    StatusChange,
)
from citycarbon.server.mrv.selectors.tasks import cycle_years
from citycarbon.server.mrv.views._common import PAGE_SIZE, _place_errors, _problems, _tabs

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
        "cycle_years": cycle_years(user, item),
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
