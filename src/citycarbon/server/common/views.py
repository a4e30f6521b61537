"""The common pages: sign-in and out, the home page of each role, the audit-trail browser
with its Excel export, and the account page (password, access tokens)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from citycarbon.server.common import selectors, services
from citycarbon.server.common.choices import Role
from citycarbon.server.common.errors import DomainError, ValidationFailedError
from citycarbon.server.common.excel import table_workbook, xlsx_response
from citycarbon.server.common.forms import AuditFilterForm, LoginForm, TokenCreateForm
from citycarbon.server.common.models import AccessToken, AuditEvent
from citycarbon.server.common.roles import scope_kind_spec

AUDIT_PAGE_SIZE = 50


class LoginView(auth_views.LoginView):
    template_name = "common/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        # Django's LoginView names the host as ``site_name``; the header shows the platform's.
        context.pop("site", None)
        context.pop("site_name", None)
        return context


class LogoutView(auth_views.LogoutView):
    pass


def _home_role(request: HttpRequest) -> str:
    """The role the home page is laid out for: the most capable one the user holds."""
    held = {grant.role for grant in selectors.grants_for(request.user)}
    for role in (Role.CITY_OFFICE, Role.REVIEWER, Role.DISTRICT_OFFICIAL):
        if role.value in held:
            return role.value
    return Role.PUBLIC.value


def home(request: HttpRequest) -> HttpResponse:
    from citycarbon.server.geo import selectors as geo_selectors

    role = _home_role(request)
    context: dict[str, Any] = {"role": role}
    visible = geo_selectors.jurisdictions(request.user)
    context["jurisdiction_count"] = visible.count()
    if role == Role.DISTRICT_OFFICIAL:
        own = [
            grant.scope_id
            for grant in selectors.grants_for(request.user)
            if grant.role == Role.DISTRICT_OFFICIAL and grant.scope_kind == "jurisdiction"
        ]
        context["own_jurisdictions"] = list(visible.filter(pk__in=own))
    if role == Role.CITY_OFFICE:
        events = selectors.audit_events(request.user)
        today = timezone.localdate()
        context["recent_events"] = list(events.select_related("actor")[:8])
        context["events_today"] = events.filter(at__date=today).count()
    if role in (Role.CITY_OFFICE, Role.REVIEWER):
        context["scopes"] = [
            scope_kind_spec(grant.scope_kind).describe(grant.scope_id)
            for grant in selectors.grants_for(request.user)
            if grant.role == role
        ]
    return render(request, "common/home.html", context)


def _audit_form(request: HttpRequest) -> AuditFilterForm:
    choices = selectors.audit_choices(request.user)
    return AuditFilterForm(request.GET or None, choices=choices)


def _require_audit(request: HttpRequest) -> None:
    selectors.require(request.user, selectors.perm_for(AuditEvent, "view"))


@login_required
def audit_list(request: HttpRequest) -> HttpResponse:
    """The audit trail, newest first, filtered and paginated (the city office)."""
    _require_audit(request)
    form = _audit_form(request)
    events = selectors.audit_events(request.user, form.to_filter()).select_related("actor")
    page = Paginator(events, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "common/audit_list.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


@login_required
def audit_export(request: HttpRequest) -> HttpResponse:
    """The filtered audit trail as an Excel workbook."""
    _require_audit(request)
    form = _audit_form(request)
    events = selectors.audit_events(request.user, form.to_filter())
    limit = settings.CITYCARBON_AUDIT_EXPORT_MAX_ROWS
    count = events.count()
    if count > limit:
        raise ValidationFailedError(
            _("%(count)d events match; narrow the filter to at most %(limit)d.")
            % {"count": count, "limit": limit},
            field="filter",
            value=count,
        )
    headers = [
        _("Time"),
        _("User"),
        _("Action"),
        _("Object type"),
        _("Object id"),
        _("Object"),
        _("Reason"),
        _("Before"),
        _("After"),
        _("Request id"),
        _("IP address"),
    ]
    rows = (
        [
            event.at,
            event.actor_name,
            event.action,
            event.object_type,
            event.object_id,
            event.object_repr,
            event.reason,
            event.before,
            event.after,
            event.request_id,
            event.ip,
        ]
        for event in events.iterator(chunk_size=2000)
    )
    content = table_workbook(
        str(_("Audit trail")), headers, rows, widths=[20, 16, 24, 20, 12, 30, 24, 40, 40, 34, 16]
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return xlsx_response(f"audit-trail-{stamp}.xlsx", content)


@login_required
@require_http_methods(["GET", "POST"])
def account(request: HttpRequest) -> HttpResponse:
    """The user's roles, a link to change the password, and personal access tokens."""
    new_secret = None
    form = TokenCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            _token, new_secret = services.do_create_token(
                request.user,
                name=form.cleaned_data["name"],
                read_only=form.cleaned_data["read_only"],
                expires_in_days=form.cleaned_data["expires_in_days"],
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error))
        else:
            form = TokenCreateForm()
    tokens = selectors.tokens_of(request.user)
    return render(
        request,
        "common/account.html",
        {"form": form, "tokens": tokens, "new_secret": new_secret, "now": timezone.now()},
    )


@login_required
@require_POST
def revoke_token(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(AccessToken, pk=pk, user=request.user)
    services.do_revoke_token(request.user, token)
    return redirect("common:account")


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's form (old password, new password twice, validators), saved by the audited
    service."""

    template_name = "common/password_change.html"
    success_url = reverse_lazy("common:account")

    def form_valid(self, form: Any) -> HttpResponse:
        services.do_set_password(
            self.request.user,
            self.request.user,
            form.cleaned_data["new_password1"],
        )
        update_session_auth_hash(self.request, self.request.user)
        messages.success(self.request, _("Your password was changed."))
        return redirect(self.get_success_url())
