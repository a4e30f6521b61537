"""What every page template gets: the site name, the navigation the user may use, the
user's roles and the language switch."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from citycarbon.server.common.models import AuditEvent
from citycarbon.server.common.roles import role_spec
from citycarbon.server.common.selectors import describe_scope, grants_for, has_perm, perm_for

#: (url name, label, permission or None for everyone) — apps add theirs as they arrive.
NAVIGATION: list[tuple[str, Any, str | None]] = [
    ("common:home", _("Home"), None),
    ("geo:jurisdiction_list", _("Jurisdictions"), None),
    ("common:audit_list", _("Audit trail"), perm_for(AuditEvent, "view")),
]


def site(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    current = request.resolver_match.view_name if request.resolver_match else ""
    navigation = [
        {"url": reverse(name), "label": label, "active": name == current}
        for name, label, perm in NAVIGATION
        if perm is None or has_perm(user, perm)
    ]
    roles = []
    if user is not None and user.is_authenticated:
        for grant in grants_for(user):
            if grant.scope_kind == "global" and grant.role == "public":
                continue
            spec = role_spec(grant.role)
            scope = describe_scope(grant.scope_kind, grant.scope_id)
            roles.append({"role": spec.label, "scope": scope})
    language = get_language() or settings.LANGUAGE_CODE
    other = [(code, name) for code, name in settings.LANGUAGES if code != language]
    return {
        "site_name": settings.CITYCARBON_SITE_NAME,
        "navigation": navigation,
        "user_roles": roles,
        "other_languages": other,
    }
