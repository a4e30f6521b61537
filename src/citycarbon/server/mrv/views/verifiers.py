"""Verifier organisation pages: list, create, change, detail with accreditations, staff,
performance and sanctions, and whether one may verify an enterprise."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from citycarbon.server.common.errors import DomainError, NotFoundError
from citycarbon.server.common.models import User
from citycarbon.server.common.selectors import can, has_perm, perm_for, require
from citycarbon.server.geo import selectors as geo_selectors
from citycarbon.server.mrv import selectors, services
from citycarbon.server.mrv.forms import (
    AccreditationForm,
    CanVerifyForm,
    PerformanceForm,
    SanctionForm,
    StaffEndForm,
    StaffForm,
    VerifierForm,
)
from citycarbon.server.mrv.messages import refusal_message
from citycarbon.server.mrv.models import (
    Accreditation,
    PerformanceEntry,
    Sanction,
    VerifierOrganisation,
    VerifierStaff,
)
from citycarbon.server.mrv.views._common import PAGE_SIZE, _place_errors, _tabs

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
